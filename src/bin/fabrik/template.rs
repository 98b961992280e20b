//! `fabrik template plan|start|status|pause|resume|abort|base|prs`: template updates into every
//! customer's repository as pull requests, through the core's `TemplatesApi` (the window's
//! too). This file only asks and prints. Exit 0 when every planned repository is done, 3 when
//! any failed or was skipped (as `rollout`).

use std::sync::Arc;

use clap::{Args, Subcommand};
use fabrik::api::cloud::CloudApi;
use fabrik::api::templates::{RepoPlan, TemplateRolloutView, TemplatesApi};
use fabrik::fleet;
use fabrik::ledger::RolloutState;
use fabrik::template::Action;
use fabrik::ApiError;

use crate::print::{confirm, print_json};
use crate::rollout::{mark_done, Progress};
use crate::runtime;

#[derive(Args, Clone)]
pub struct TargetArgs {
    /// The template at this branch or commit (default: its default branch).
    #[arg(long = "ref", value_name = "REF")]
    git_ref: Option<String>,
    /// The waves: counts, shares and "rest" (one canary, a tenth, then the rest).
    #[arg(long, default_value = fleet::DEFAULT_WAVES)]
    waves: String,
    /// A later wave halts the roll-out when more than this share of it failed (0–1).
    #[arg(long, default_value_t = fleet::DEFAULT_HALT_SHARE)]
    halt_share: f64,
}

#[derive(Subcommand)]
pub enum TemplateCmd {
    /// Plan: how far behind each repository is, the files the template changed, which of
    /// those the customer changed too, the conflicts. Writes nothing to any repository; the
    /// next `start` continues this plan (`abort` drops it).
    Plan {
        #[command(flatten)]
        target: TargetArgs,
        /// The plan as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Start a template roll-out (one pull request per repository, wave by wave); an open
    /// one (planned, paused, or left running by a killed process) is continued instead.
    Start {
        #[command(flatten)]
        target: TargetArgs,
        /// Start without asking.
        #[arg(long)]
        yes: bool,
        /// Every run's events and the end state as JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Where a template roll-out stands (default: the newest), with its pull requests read
    /// back from GitHub (a merged one moves the repository's template version).
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
    /// Resume a paused or halted template roll-out and drive it on.
    Resume {
        /// The roll-out's number (default: the newest).
        id: Option<i64>,
        /// As JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Abort: no new pull request is opened (those opened stay).
    Abort {
        /// The roll-out's number (default: the open one).
        id: Option<i64>,
    },
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
    },
}

pub async fn run(cloud: &Arc<CloudApi>, cmd: TemplateCmd) -> Result<(), ApiError> {
    let supervisor = runtime::supervisor(cloud, true);
    let api = TemplatesApi::new(cloud.shared_store(), supervisor);
    match cmd {
        TemplateCmd::Plan { target, json } => {
            let view = api
                .plan(target.git_ref.as_deref(), &target.waves, target.halt_share)
                .await?;
            // Kept as planned: `start` continues exactly this plan.
            show(&view, json, true);
        }
        TemplateCmd::Start { target, yes, json } => {
            let id = match api.open()? {
                Some(open) => {
                    eprintln!("Fortsätter mallutrullning {} ({})", open.id, open.state);
                    open.id
                }
                None => {
                    let view = api
                        .plan(target.git_ref.as_deref(), &target.waves, target.halt_share)
                        .await?;
                    if !json {
                        show(&view, false, true);
                    }
                    if !yes && !confirm("Starta mallutrullningen? [j/N] ") {
                        let _ = api.rollouts().abort(view.view.rollout.id);
                        eprintln!("Inget startades.");
                        return Ok(());
                    }
                    view.view.rollout.id
                }
            };
            api.rollouts()
                .drive(id, Arc::new(Progress::new(json)))
                .await?;
            let view = api.view(id)?;
            ended(&view, json);
        }
        TemplateCmd::Status { id, json } => {
            api.refresh().await?;
            let id = match id {
                Some(id) => id,
                None => newest(&api)?,
            };
            show(&api.view(id)?, json, false);
        }
        TemplateCmd::Pause { id } => {
            let id = open_or(&api, id)?;
            api.rollouts().pause(id)?;
            show(&api.view(id)?, false, false);
        }
        TemplateCmd::Resume { id, json } => {
            let id = match id {
                Some(id) => id,
                None => newest(&api)?,
            };
            api.rollouts()
                .drive(id, Arc::new(Progress::new(json)))
                .await?;
            ended(&api.view(id)?, json);
        }
        TemplateCmd::Abort { id } => {
            let id = open_or(&api, id)?;
            api.rollouts().abort(id)?;
            show(&api.view(id)?, false, false);
        }
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
                    .unwrap_or_else(|| "okänd".into());
                let pr =
                    i.pr.as_ref()
                        .map(|p| format!("  pull request #{} {} {}", p.number, p.state, p.url))
                        .unwrap_or_default();
                println!("{:<28} mall {base}{pr}", i.slug);
            }
        }
        TemplateCmd::Base { slug, sha } => {
            let base = api.set_base(&slug, &sha).await?;
            println!("{slug}: mall {} ({})", base.sha, base.how);
        }
    }
    Ok(())
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

fn ended(view: &TemplateRolloutView, json: bool) {
    mark_done(&view.view);
    if json {
        let line = serde_json::json!({ "type": "template_rollout", "view": view });
        println!("{line}");
    } else {
        show(view, false, false);
    }
}

fn newest(api: &TemplatesApi) -> Result<i64, ApiError> {
    api.list()?
        .first()
        .map(|r| r.id)
        .ok_or_else(|| fabrik::Error::RolloutNotFound(0).to_api())
}

fn open_or(api: &TemplatesApi, id: Option<i64>) -> Result<i64, ApiError> {
    match id {
        Some(id) => Ok(id),
        None => api
            .open()?
            .map(|r| r.id)
            .ok_or_else(|| fabrik::Error::RolloutNotFound(0).to_api()),
    }
}

fn show(view: &TemplateRolloutView, json: bool, files: bool) {
    mark_done(&view.view);
    if json {
        print_json(view);
        return;
    }
    let r = &view.view.rollout;
    if !files {
        println!("Mallutrullning {}: {} ({})", r.id, r.state, r.source);
    } else {
        println!("Mallen {} till {}", view.template, short(&view.target));
    }
    if let Some(why) = &r.halt_reason {
        println!("  stoppad: {}", why.sv);
    }
    if !files {
        for w in &view.view.waves {
            let marker = if r.state == RolloutState::Running && w.index == r.wave {
                " ←"
            } else {
                ""
            };
            println!(
                "  våg {}: {} repon · klara {} · misslyckade {} · överhoppade {} · pågår {} · väntar {}{marker}",
                w.index + 1, w.total, w.done, w.failed, w.skipped, w.running, w.pending
            );
        }
    }
    for m in &view.view.members {
        let plan = view.plans.iter().find(|p| p.slug == m.slug);
        let pr = view.prs.iter().find(|p| p.customer_id == m.customer_id);
        let reason = m
            .reason
            .as_ref()
            .map(|t| format!("  {}", t.sv))
            .unwrap_or_default();
        let behind = plan
            .and_then(|p| p.behind)
            .map(|n| format!("{n} bakom"))
            .unwrap_or_else(|| "–".into());
        println!(
            "    {:<28} våg {}  {:<8} {:<10}{}",
            m.slug,
            m.wave + 1,
            m.state,
            behind,
            reason
        );
        if let Some(p) = pr {
            println!(
                "      pull request #{} ({}, {} konflikter) {}",
                p.number, p.state, p.conflicts, p.url
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
        "      {} filer ändrade i mallen, {} också av kunden, {} egna, {} ignorerade",
        s.template_changed, s.customer_changed_too, s.own, s.ignored
    );
    for c in &p.changes {
        if let Some(n) = p.needs_person.iter().find(|n| n.path == c.path) {
            let what = if n.conflicts > 0 {
                format!("{} konflikt(er)", n.conflicts)
            } else {
                "kundens behålls".into()
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
            "      {mark} {:<44} mall {:?} · kund {:?} → {:?}",
            c.path, c.template, c.customer, c.action
        );
    }
}
