//! `fabrik rollout plan|start|status|pause|resume|abort`: schema roll-outs over every delivered
//! instance, through the core's `RolloutsApi` (the window's too). This file only asks and prints.
//! Exit 0 when every planned instance is done, 3 when any failed or was skipped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Args, Subcommand};
use fabrik::api::cloud::CloudApi;
use fabrik::api::rollouts::{RolloutSource, RolloutView, RolloutsApi};
use fabrik::api::runs::RunHost;
use fabrik::fleet;
use fabrik::ledger::{MemberState, RolloutState};
use fabrik::provision::RunEvent;
use fabrik::ApiError;

use crate::print::{confirm, print_json};
use crate::runtime;

static NOT_ALL_DONE: AtomicBool = AtomicBool::new(false);

/// Whether the last roll-out shown left an instance failed or skipped (exit status 3).
pub fn not_all_done() -> bool {
    NOT_ALL_DONE.load(Ordering::Relaxed)
}

#[derive(Args, Clone)]
pub struct SourceArgs {
    /// A local folder of migration files (its supabase/migrations, or the folder itself).
    #[arg(long, value_name = "DIR", conflicts_with = "git_ref")]
    dir: Option<String>,
    /// The template repository's supabase/migrations at this ref (default: its default branch).
    #[arg(long = "ref", value_name = "REF")]
    git_ref: Option<String>,
    /// The waves: counts, shares and "rest" (one canary, a tenth, then the rest).
    #[arg(long, default_value = fleet::DEFAULT_WAVES)]
    waves: String,
    /// A later wave halts the roll-out when more than this share of it failed (0–1).
    #[arg(long, default_value_t = fleet::DEFAULT_HALT_SHARE)]
    halt_share: f64,
}

impl SourceArgs {
    fn source(&self) -> RolloutSource {
        match &self.dir {
            Some(path) => RolloutSource::Dir { path: path.clone() },
            None => RolloutSource::Ref {
                at: self.git_ref.clone(),
            },
        }
    }
}

#[derive(Subcommand)]
pub enum RolloutCmd {
    /// Plan a roll-out: read the files and every instance's history, cut the waves. Applies
    /// nothing.
    Plan {
        #[command(flatten)]
        source: SourceArgs,
        /// The plan as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Start a roll-out and drive it wave by wave; with an open roll-out (planned, paused, or
    /// one a killed process left running) that one is continued instead.
    Start {
        #[command(flatten)]
        source: SourceArgs,
        /// Start without asking.
        #[arg(long)]
        yes: bool,
        /// The end state as JSON.
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
    },
    /// Resume a paused or halted roll-out and drive it on.
    Resume {
        /// The roll-out's number (default: the open one, else the newest).
        id: Option<i64>,
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Put every instance the stopped wave changed back to the backup its run took right before
    /// (each a restore run). Asks for the roll-out's number unless --confirm gives it.
    Restore {
        /// The roll-out's number (default: the newest).
        id: Option<i64>,
        /// The roll-out's number again, typed.
        #[arg(long, value_name = "ID")]
        confirm: Option<String>,
    },
    /// Abort: nothing more is applied (what was applied stays; `fabrik backup restore` puts an
    /// instance back).
    Abort {
        /// The roll-out's number (default: the open one).
        id: Option<i64>,
    },
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

/// Notes for the exit status whether every planned instance of a roll-out is done.
pub fn mark_done(view: &RolloutView) {
    NOT_ALL_DONE.store(!view.all_done(), Ordering::Relaxed);
}

impl RunHost for Progress {
    fn emit(&self, event: &RunEvent) {
        if self.json {
            println!("{}", serde_json::to_string(event).unwrap_or_default());
        } else if let RunEvent::RunFinished { run_id, state, .. } = event {
            eprintln!("  körning {run_id}: {state}");
        }
    }
    fn notify(&self, _title: &str, body: &str) {
        eprintln!("{body}");
    }
}

/// The end of a driven roll-out: the summary, or with `--json` one line of it.
fn ended(view: &RolloutView, json: bool) {
    if json {
        NOT_ALL_DONE.store(!view.all_done(), Ordering::Relaxed);
        let line = serde_json::json!({ "type": "rollout", "view": view });
        println!("{line}");
    } else {
        show(view, false);
    }
}

pub async fn run(cloud: &Arc<CloudApi>, cmd: RolloutCmd) -> Result<(), ApiError> {
    // A failed instance is kept as it failed: its backup is the way back, not a rollback.
    let supervisor = runtime::supervisor(cloud, true);
    let api = RolloutsApi::new(cloud.shared_store(), supervisor);
    match cmd {
        RolloutCmd::Plan { source, json } => {
            let view = api
                .plan(source.source(), &source.waves, source.halt_share)
                .await?;
            show(&view, json);
        }
        RolloutCmd::Start { source, yes, json } => {
            let view = match api.open()? {
                Some(open) => {
                    eprintln!("Fortsätter utrullning {} ({})", open.id, open.state);
                    api.view(open.id)?
                }
                None => {
                    let view = api
                        .plan(source.source(), &source.waves, source.halt_share)
                        .await?;
                    if !json {
                        show(&view, false);
                    }
                    if !yes && !confirm("Starta utrullningen? [j/N] ") {
                        let _ = api.abort(view.rollout.id);
                        eprintln!("Inget startades.");
                        return Ok(());
                    }
                    view
                }
            };
            let end = api
                .drive(view.rollout.id, Arc::new(Progress { json }))
                .await?;
            ended(&end, json);
        }
        RolloutCmd::Status { id, json } => {
            let id = match id {
                Some(id) => id,
                None => newest(&api)?,
            };
            show(&api.view(id)?, json);
        }
        RolloutCmd::Pause { id } => {
            let id = open_or(&api, id)?;
            show(&api.pause(id)?, false);
        }
        RolloutCmd::Resume { id, json } => {
            let id = match id {
                Some(id) => id,
                None => newest(&api)?,
            };
            let end = api.drive(id, Arc::new(Progress { json })).await?;
            ended(&end, json);
        }
        RolloutCmd::Restore { id, confirm } => {
            let id = match id {
                Some(id) => id,
                None => newest(&api)?,
            };
            let confirmation = match confirm {
                Some(c) => c,
                None => crate::print::ask(&format!(
                    "Instanserna i utrullning {id}s stoppade våg återställs till sina säkerhetskopior. Skriv {id} för att bekräfta: "
                ))
                .unwrap_or_default(),
            };
            let ended = api
                .restore_wave(id, &confirmation, Arc::new(Progress { json: false }))
                .await?;
            for (slug, state) in &ended {
                println!("{slug}: {state}");
            }
            if ended
                .iter()
                .any(|(_, s)| *s != fabrik::provision::RunState::Succeeded)
            {
                NOT_ALL_DONE.store(true, Ordering::Relaxed);
            }
        }
        RolloutCmd::Abort { id } => {
            let id = open_or(&api, id)?;
            show(&api.abort(id)?, false);
        }
    }
    Ok(())
}

fn newest(api: &RolloutsApi) -> Result<i64, ApiError> {
    api.list()?
        .first()
        .map(|r| r.id)
        .ok_or_else(|| fabrik::Error::RolloutNotFound(0).to_api())
}

fn open_or(api: &RolloutsApi, id: Option<i64>) -> Result<i64, ApiError> {
    match id {
        Some(id) => Ok(id),
        None => api
            .open()?
            .map(|r| r.id)
            .ok_or_else(|| fabrik::Error::RolloutNotFound(0).to_api()),
    }
}

fn show(view: &RolloutView, json: bool) {
    NOT_ALL_DONE.store(!view.all_done(), Ordering::Relaxed);
    if json {
        print_json(view);
        return;
    }
    let r = &view.rollout;
    println!("Utrullning {}: {} ({})", r.id, r.state, r.source);
    for f in &view.files {
        println!(
            "  fil {}_{}.sql  sha256 {}",
            f.version,
            f.name,
            &f.sha256[..12]
        );
    }
    if let Some(why) = &r.halt_reason {
        println!("  stoppad: {}", why.sv);
    }
    for w in &view.waves {
        let marker = if r.state == RolloutState::Running && w.index == r.wave {
            " ←"
        } else {
            ""
        };
        println!(
            "  våg {}: {} instanser · klara {} · misslyckade {} · överhoppade {} · pågår {} · väntar {}{marker}",
            w.index + 1,
            w.total,
            w.done,
            w.failed,
            w.skipped,
            w.running,
            w.pending
        );
    }
    for m in &view.members {
        let version = m
            .version_after
            .as_deref()
            .or(m.version_before.as_deref())
            .unwrap_or("–");
        let reason = m
            .reason
            .as_ref()
            .filter(|_| m.state != MemberState::Done)
            .map(|t| format!("  {}", t.sv))
            .unwrap_or_default();
        println!(
            "    {:<28} våg {}  {:<8} {}{}",
            m.slug,
            m.wave + 1,
            m.state,
            version,
            reason
        );
    }
}
