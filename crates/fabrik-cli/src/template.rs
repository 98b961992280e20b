//! `fabrik template plan|start|status|pause|resume|abort|versions|base`: template updates into
//! every customer's repository as pull requests, through the core's `TemplatesApi` (the
//! window's too): the commands every roll-out has come from `crate::fleet`; this file adds the
//! plan's arguments, how a template roll-out prints, `versions` and `base`. Exit 0 when every
//! planned repository is done, 3 when any failed or was skipped (as `rollout`).

use crate::language::{tr, trf, Said};
use std::sync::Arc;

use clap::{Args, Subcommand};
use fabrik::fleet as rules;
use fabrik::ledger::RolloutState;
use fabrik::provision::rollouts::RolloutRow;
use fabrik::services::rollouts::{RolloutView, RolloutsApi};
use fabrik::services::templates::{RepoPlan, TemplateRolloutView, TemplatesApi};
use fabrik::supervisor::cloud::CloudApi;
use fabrik::template::Action;
use fabrik::ApiError;

use crate::fleet::{self, Kind, Shared};
use crate::print::print_json;
use crate::runtime;

#[derive(Args, Clone)]
pub struct TargetArgs {
    /// The template at this branch or commit (default: its default branch).
    #[arg(long = "ref", value_name = "REF")]
    git_ref: Option<String>,
    /// The waves: counts, shares and "rest" (one canary, a tenth, then the rest).
    #[arg(long, default_value = rules::DEFAULT_WAVES)]
    waves: String,
    /// A later wave halts the roll-out when more than this share of it failed (0–1).
    #[arg(long, default_value_t = rules::DEFAULT_HALT_SHARE)]
    halt_share: f64,
}

#[derive(Subcommand)]
pub enum TemplateCmd {
    #[command(flatten)]
    Shared(Shared<TargetArgs>),
    /// Every customer's template version and newest pull request, read back from GitHub.
    Versions {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// State which template commit a customer's repository stands on (for one Fabrik did not
    /// generate and whose first commit matches no template version).
    Base {
        /// The customer's slug.
        slug: String,
        /// A commit (or branch) of the template.
        sha: String,
        /// The base as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Template roll-outs, as the shared commands drive and print them.
struct Templates(TemplatesApi);

impl Kind for Templates {
    type Plan = TargetArgs;
    type View = TemplateRolloutView;
    const NOUN: (&'static str, &'static str) = ("mallutrullning", "template roll-out");
    const END: &'static str = "template_rollout";

    fn controls(&self) -> &RolloutsApi {
        self.0.rollouts()
    }
    fn list(&self) -> Result<Vec<RolloutRow>, ApiError> {
        self.0.list()
    }
    fn open(&self) -> Result<Option<RolloutRow>, ApiError> {
        self.0.open()
    }
    async fn plan(&self, t: &TargetArgs) -> Result<TemplateRolloutView, ApiError> {
        self.0
            .plan(t.git_ref.as_deref(), &t.waves, t.halt_share)
            .await
    }
    fn view(&self, id: i64) -> Result<TemplateRolloutView, ApiError> {
        self.0.view(id)
    }
    fn rollout(view: &TemplateRolloutView) -> &RolloutView {
        &view.view
    }
    /// Pull requests merged or closed meanwhile move the repositories' versions first.
    async fn refresh(&self) -> Result<(), ApiError> {
        self.0.refresh().await.map(|_| ())
    }
    fn print(view: &TemplateRolloutView, planned: bool) {
        print(view, planned);
    }
}

pub async fn run(cloud: &Arc<CloudApi>, cmd: TemplateCmd) -> Result<(), ApiError> {
    let supervisor = runtime::supervisor(cloud, true);
    let templates = Templates(TemplatesApi::new(cloud.shared_store(), supervisor));
    let api = &templates.0;
    match cmd {
        TemplateCmd::Shared(cmd) => fleet::run(&templates, cmd).await?,
        TemplateCmd::Versions { json } => {
            api.refresh().await?;
            let all = api.instances()?;
            if json {
                print_json(&all);
                return Ok(());
            }
            for i in &all {
                let base = i
                    .base
                    .as_ref()
                    .map(|b| format!("{} ({})", short(&b.sha), b.how))
                    .unwrap_or_else(|| tr("okänd", "unknown").into());
                let pr =
                    i.pr.as_ref()
                        .map(|p| format!("  pull request #{} {} {}", p.number, p.state, p.url))
                        .unwrap_or_default();
                let template = tr("mall", "template");
                println!("{:<28} {template} {base}{pr}", i.slug);
            }
        }
        TemplateCmd::Base { slug, sha, json } => {
            let base = api.set_base(&slug, &sha).await?;
            match json {
                true => crate::print::print_json(&base),
                false => println!(
                    "{slug}: {} {} ({})",
                    tr("mall", "template"),
                    base.sha,
                    base.how
                ),
            }
        }
    }
    Ok(())
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

fn print(view: &TemplateRolloutView, files: bool) {
    let r = &view.view.rollout;
    if !files {
        println!(
            "{}",
            trf!(
                "Mallutrullning {}: {} ({})",
                "Template roll-out {}: {} ({})",
                r.id,
                r.state,
                r.source
            )
        );
    } else {
        println!(
            "{}",
            trf!(
                "Mallen {} till {}",
                "The template {} to {}",
                view.template,
                short(&view.target)
            )
        );
    }
    if let Some(why) = &r.halt_reason {
        println!("  {}", trf!("stoppad: {}", "halted: {}", why.said()));
    }
    if !files {
        for w in &view.view.waves {
            let marker = if r.state == RolloutState::Running && w.index == r.wave {
                " ←"
            } else {
                ""
            };
            println!(
                "  {}",
                trf!(
                    "våg {}: {} repon · klara {} · misslyckade {} · överhoppade {} · pågår {} · väntar {}{marker}",
                    "wave {}: {} repositories · done {} · failed {} · skipped {} · running {} · waiting {}{marker}",
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
    }
    for m in &view.view.members {
        let plan = view.plans.iter().find(|p| p.slug == m.slug);
        let pr = view.prs.iter().find(|p| p.customer_id == m.customer_id);
        let reason = m
            .reason
            .as_ref()
            .map(|t| format!("  {}", t.said()))
            .unwrap_or_default();
        let behind = plan
            .and_then(|p| p.behind)
            .map(|n| trf!("{n} bakom", "{n} behind"))
            .unwrap_or_else(|| "–".into());
        println!(
            "    {:<28} {} {}  {:<8} {:<10}{}",
            m.slug,
            tr("våg", "wave"),
            m.wave + 1,
            m.state,
            behind,
            reason
        );
        if let Some(p) = pr {
            println!(
                "      {}",
                trf!(
                    "pull request #{} ({}, {} konflikter) {}",
                    "pull request #{} ({}, {} conflicts) {}",
                    p.number,
                    p.state,
                    p.conflicts,
                    p.url
                )
            );
        }
        if let (true, Some(p)) = (files, plan) {
            show_files(p);
        }
    }
}

fn show_files(p: &RepoPlan) {
    let s = &p.summary;
    if p.changes.is_empty() {
        return;
    }
    println!(
        "      {}",
        trf!(
            "{} filer ändrade i mallen, {} också av kunden, {} egna, {} ignorerade",
            "{} files changed in the template, {} also by the customer, {} own, {} ignored",
            s.template_changed,
            s.customer_changed_too,
            s.own,
            s.ignored
        )
    );
    for c in &p.changes {
        if let Some(n) = p.needs_person.iter().find(|n| n.path == c.path) {
            let what = if n.conflicts > 0 {
                trf!("{} konflikt(er)", "{} conflict(s)", n.conflicts)
            } else {
                tr("kundens behålls", "the customer's is kept").into()
            };
            println!("      ⚠ {:<44} {what}", c.path);
            continue;
        }
        let mark = match c.action {
            Action::Merge | Action::AddBoth => "⇄",
            Action::KeepCustomer | Action::KeepDeleted => "!",
            Action::Own | Action::Ignored => "·",
            _ => " ",
        };
        println!(
            "      {mark} {:<44} {} {:?} · {} {:?} → {:?}",
            c.path,
            tr("mall", "template"),
            c.template,
            tr("kund", "customer"),
            c.customer,
            c.action
        );
    }
}
