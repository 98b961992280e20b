//! What every roll-out group of the CLI (`rollout`, `template`) shares, written once over the
//! core's fleet driver: plan, start (or continue the open one), status, pause, resume, abort,
//! the progress of the runs and the exit status. A group is a `Kind`: its plan's arguments, its
//! view and how it prints; it adds only the commands of its own (`rollout restore`,
//! `template versions`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Args, Subcommand};
use fabrik::provision::rollouts::RolloutRow;
use fabrik::provision::RunEvent;
use fabrik::services::rollouts::{RolloutView, RolloutsApi};
use fabrik::supervisor::host::RunHost;
use fabrik::ApiError;
use serde::Serialize;

use crate::language::{tr, trf};
use crate::print::{confirm, print_json};

static NOT_ALL_DONE: AtomicBool = AtomicBool::new(false);

/// Whether the last roll-out shown left an instance failed or skipped (exit status 3).
pub fn not_all_done() -> bool {
    NOT_ALL_DONE.load(Ordering::Relaxed)
}

/// Notes for the exit status whether every planned instance of a roll-out is done.
pub fn mark_done(view: &RolloutView) {
    NOT_ALL_DONE.store(!view.all_done(), Ordering::Relaxed);
}

/// Notes for the exit status that something the command did was not done.
pub fn mark_not_done() {
    NOT_ALL_DONE.store(true, Ordering::Relaxed);
}

/// The commands every kind of roll-out has, with `P` its plan's arguments.
#[derive(Subcommand)]
pub enum Shared<P: Args> {
    /// Plan a roll-out: read every instance, cut the waves. Changes nothing; the next `start`
    /// continues this plan (`abort` drops it).
    Plan {
        #[command(flatten)]
        plan: P,
        /// The plan as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Start a roll-out and drive it wave by wave; with an open roll-out (planned, paused, or
    /// one a killed process left running) that one is continued instead.
    Start {
        #[command(flatten)]
        plan: P,
        /// Start without asking.
        #[arg(long)]
        yes: bool,
        /// Every run's events and the end state as JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Where a roll-out stands (default: the newest).
    Status {
        /// The roll-out's number.
        id: Option<i64>,
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Pause: runs in flight finish, no new one starts.
    Pause {
        /// The roll-out's number (default: the open one).
        id: Option<i64>,
        /// Where it stands then, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Resume a paused or halted roll-out and drive it on.
    Resume {
        /// The roll-out's number (default: the newest).
        id: Option<i64>,
        /// Every run's events and the end state as JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Abort: nothing more is started; what was applied stays.
    Abort {
        /// The roll-out's number (default: the open one).
        id: Option<i64>,
        /// Where it stands then, as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// One kind of roll-out as the CLI drives and prints it.
pub trait Kind {
    type Plan: Args;
    type View: Serialize;
    /// What a person calls it, in Swedish and English ("utrullning", "roll-out").
    const NOUN: (&'static str, &'static str);
    /// The `type` of the JSON line a driven roll-out ends with.
    const END: &'static str;

    /// Every roll-out's controls by id (the driver's).
    fn controls(&self) -> &RolloutsApi;
    fn list(&self) -> Result<Vec<RolloutRow>, ApiError>;
    fn open(&self) -> Result<Option<RolloutRow>, ApiError>;
    async fn plan(&self, plan: &Self::Plan) -> Result<Self::View, ApiError>;
    fn view(&self, id: i64) -> Result<Self::View, ApiError>;
    /// What the driver says of it.
    fn rollout(view: &Self::View) -> &RolloutView;
    /// Read what changed outside Fabrik before a status (pull requests merged meanwhile).
    async fn refresh(&self) -> Result<(), ApiError> {
        Ok(())
    }
    /// As text; `planned` is a fresh plan (with what each instance would get).
    fn print(view: &Self::View, planned: bool);
}

fn show<K: Kind>(view: &K::View, json: bool, planned: bool) {
    mark_done(K::rollout(view));
    if json {
        print_json(view);
    } else {
        K::print(view, planned);
    }
}

/// The end of a driven roll-out: the summary, or with `--json` one line of it.
fn ended<K: Kind>(view: &K::View, json: bool) {
    mark_done(K::rollout(view));
    if json {
        println!("{}", serde_json::json!({ "type": K::END, "view": view }));
    } else {
        K::print(view, false);
    }
}

/// The newest roll-out of the kind (the default of `status`, `resume`, `rollout restore`).
pub fn newest<K: Kind>(kind: &K) -> Result<i64, ApiError> {
    kind.list()?
        .first()
        .map(|r| r.id)
        .ok_or_else(|| fabrik::Error::RolloutNotFound(0).to_api())
}

fn open_or<K: Kind>(kind: &K, id: Option<i64>) -> Result<i64, ApiError> {
    match id {
        Some(id) => Ok(id),
        None => kind
            .open()?
            .map(|r| r.id)
            .ok_or_else(|| fabrik::Error::RolloutNotFound(0).to_api()),
    }
}

async fn drive<K: Kind>(kind: &K, id: i64, json: bool) -> Result<(), ApiError> {
    kind.controls()
        .drive(id, Arc::new(Progress::new(json)))
        .await?;
    ended::<K>(&kind.view(id)?, json);
    Ok(())
}

/// Runs one of the shared commands for `kind`.
pub async fn run<K: Kind>(kind: &K, cmd: Shared<K::Plan>) -> Result<(), ApiError> {
    match cmd {
        Shared::Plan { plan, json } => show::<K>(&kind.plan(&plan).await?, json, true),
        Shared::Start { plan, yes, json } => {
            let id = match kind.open()? {
                Some(open) => {
                    let noun = tr(K::NOUN.0, K::NOUN.1);
                    let (id, state) = (open.id, &open.state);
                    eprintln!(
                        "{}",
                        trf!(
                            "Fortsätter {noun} {id} ({state})",
                            "Continuing {noun} {id} ({state})"
                        )
                    );
                    open.id
                }
                None => {
                    let view = kind.plan(&plan).await?;
                    if !json {
                        K::print(&view, true);
                    }
                    let id = K::rollout(&view).rollout.id;
                    let noun = tr(K::NOUN.0, K::NOUN.1);
                    let question = trf!("Starta {noun}en? [j/N] ", "Start the {noun}? [y/N] ");
                    if !yes && !confirm(&question) {
                        let _ = kind.controls().abort(id);
                        eprintln!("{}", tr("Inget startades.", "Nothing was started."));
                        return Ok(());
                    }
                    id
                }
            };
            drive(kind, id, json).await?;
        }
        Shared::Status { id, json } => {
            kind.refresh().await?;
            let id = match id {
                Some(id) => id,
                None => newest(kind)?,
            };
            show::<K>(&kind.view(id)?, json, false);
        }
        Shared::Pause { id, json } => {
            let id = open_or(kind, id)?;
            kind.controls().pause(id)?;
            show::<K>(&kind.view(id)?, json, false);
        }
        Shared::Resume { id, json } => {
            let id = match id {
                Some(id) => id,
                None => newest(kind)?,
            };
            drive(kind, id, json).await?;
        }
        Shared::Abort { id, json } => {
            let id = open_or(kind, id)?;
            kind.controls().abort(id)?;
            show::<K>(&kind.view(id)?, json, false);
        }
    }
    Ok(())
}

/// The runs of a roll-out: with `--json` every event as a line (stdout), otherwise one line
/// as each run ends (stderr); the summary follows.
pub struct Progress {
    json: bool,
}

impl Progress {
    pub fn new(json: bool) -> Progress {
        Progress { json }
    }
}

impl RunHost for Progress {
    fn emit(&self, event: &RunEvent) {
        if self.json {
            println!("{}", serde_json::to_string(event).unwrap_or_default());
        } else if let RunEvent::RunFinished { run_id, state, .. } = event {
            eprintln!(
                "  {}",
                trf!("körning {run_id}: {state}", "run {run_id}: {state}")
            );
        }
    }
    fn notify(&self, _title: &str, body: &str) {
        eprintln!("{body}");
    }
}
