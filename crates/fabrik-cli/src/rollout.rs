//! `fabrik rollout plan|start|status|pause|resume|abort|restore`: schema roll-outs over every
//! delivered instance, through the core's `RolloutsApi` (the window's too): the commands every
//! roll-out has come from `crate::fleet`; this file adds the plan's arguments, how a schema
//! roll-out prints, and `restore`. Exit 0 when every planned instance is done, 3 when any
//! failed or was skipped.

use crate::language::{tr, trf, Said};
use std::sync::Arc;

use clap::{Args, Subcommand};
use fabrik::fleet as rules;
use fabrik::ledger::{MemberState, RolloutState};
use fabrik::provision::rollouts::RolloutRow;
use fabrik::services::rollouts::{RolloutSource, RolloutView, RolloutsApi};
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use crate::fleet::{self, Kind, Progress, Shared};
use crate::runtime;

#[derive(Args, Clone)]
pub struct SourceArgs {
    /// A local folder of migration files (its supabase/migrations, or the folder itself).
    #[arg(long, value_name = "DIR", conflicts_with = "git_ref")]
    dir: Option<String>,
    /// The template repository's supabase/migrations at this ref (default: its default branch).
    #[arg(long = "ref", value_name = "REF")]
    git_ref: Option<String>,
    /// The waves: counts, shares and "rest" (one canary, a tenth, then the rest).
    #[arg(long, default_value = rules::DEFAULT_WAVES)]
    waves: String,
    /// A later wave halts the roll-out when more than this share of it failed (0–1).
    #[arg(long, default_value_t = rules::DEFAULT_HALT_SHARE)]
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
    #[command(flatten)]
    Shared(Shared<SourceArgs>),
    /// Put every instance the stopped wave changed back to the backup its run took right before
    /// (each a restore run). Asks for the roll-out's number unless --confirm gives it.
    Restore {
        /// The roll-out's number (default: the newest).
        id: Option<i64>,
        /// The roll-out's number again, typed.
        #[arg(long, value_name = "ID")]
        confirm: Option<String>,
        /// Each instance's end as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Schema roll-outs, as the shared commands drive and print them.
struct Schema(RolloutsApi);

impl Kind for Schema {
    type Plan = SourceArgs;
    type View = RolloutView;
    const NOUN: (&'static str, &'static str) = ("utrullning", "roll-out");
    const END: &'static str = "rollout";

    fn controls(&self) -> &RolloutsApi {
        &self.0
    }
    fn list(&self) -> Result<Vec<RolloutRow>, ApiError> {
        self.0.list()
    }
    fn open(&self) -> Result<Option<RolloutRow>, ApiError> {
        self.0.open()
    }
    async fn plan(&self, p: &SourceArgs) -> Result<RolloutView, ApiError> {
        self.0.plan(p.source(), &p.waves, p.halt_share).await
    }
    fn view(&self, id: i64) -> Result<RolloutView, ApiError> {
        self.0.view(id)
    }
    fn rollout(view: &RolloutView) -> &RolloutView {
        view
    }
    fn print(view: &RolloutView, _planned: bool) {
        print(view);
    }
}

pub async fn run(cloud: &Arc<CloudApi>, cmd: RolloutCmd) -> Result<(), ApiError> {
    // A failed instance is kept as it failed: its backup is the way back, not a rollback.
    let supervisor = runtime::supervisor(cloud, true);
    let schema = Schema(RolloutsApi::new(cloud.shared_store(), supervisor));
    match cmd {
        RolloutCmd::Shared(cmd) => fleet::run(&schema, cmd).await?,
        RolloutCmd::Restore { id, confirm, json } => {
            let id = match id {
                Some(id) => id,
                None => fleet::newest(&schema)?,
            };
            let confirmation = match confirm {
                Some(c) => c,
                None => crate::print::ask(&trf!(
                    "Instanserna i utrullning {id}s stoppade våg återställs till sina säkerhetskopior. Skriv {id} för att bekräfta: ",
                    "The instances of roll-out {id}'s halted wave are restored from their backups. Type {id} to confirm: "
                ))
                .unwrap_or_default(),
            };
            let ended = schema
                .0
                .restore_wave(id, &confirmation, Arc::new(Progress::new(false)))
                .await?;
            if json {
                let ended: Vec<_> = ended
                    .iter()
                    .map(|(slug, state)| serde_json::json!({ "slug": slug, "state": state }))
                    .collect();
                crate::print::print_json(&ended);
            } else {
                for (slug, state) in &ended {
                    println!("{slug}: {state}");
                }
            }
            if ended
                .iter()
                .any(|(_, s)| *s != fabrik::provision::RunState::Succeeded)
            {
                fleet::mark_not_done();
            }
        }
    }
    Ok(())
}

fn print(view: &RolloutView) {
    let r = &view.rollout;
    println!(
        "{}",
        trf!(
            "Utrullning {}: {} ({})",
            "Roll-out {}: {} ({})",
            r.id,
            r.state,
            r.source
        )
    );
    for f in &view.files {
        println!(
            "  {} {}_{}.sql  sha256 {}",
            tr("fil", "file"),
            f.version,
            f.name,
            &f.sha256[..12]
        );
    }
    if let Some(why) = &r.halt_reason {
        println!("  {}", trf!("stoppad: {}", "halted: {}", why.said()));
    }
    for w in &view.waves {
        let marker = if r.state == RolloutState::Running && w.index == r.wave {
            " ←"
        } else {
            ""
        };
        println!(
            "  {}",
            trf!(
                "våg {}: {} instanser · klara {} · misslyckade {} · överhoppade {} · pågår {} · väntar {}{marker}",
                "wave {}: {} instances · done {} · failed {} · skipped {} · running {} · waiting {}{marker}",
                w.index + 1,
                w.total,
                w.done,
                w.failed,
                w.skipped,
                w.running,
                w.pending
            )
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
            .map(|t| format!("  {}", t.said()))
            .unwrap_or_default();
        println!(
            "    {:<28} {} {}  {:<8} {}{}",
            m.slug,
            tr("våg", "wave"),
            m.wave + 1,
            m.state,
            version,
            reason
        );
    }
}
