//! `fabrik deployments list|promote`: deployment rollback through the core's `DeploymentsApi`
//! (the window's too). This file only asks and prints.

use crate::language::{tr, trf, Said};
use std::sync::Arc;

use clap::Subcommand;
use fabrik::messages::Say;
use fabrik::services::deployments::DeploymentsApi;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use crate::print::{confirm, print_json};
use crate::runtime;
use crate::watch::{follow, stop_on_ctrl_c, terminal};

#[derive(Subcommand)]
pub enum DeploymentsCmd {
    /// The customer's recent production deployments, newest first: id, state, when, commit,
    /// and which one production serves (*).
    List {
        /// The customer's slug (its address name).
        slug: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Make an earlier READY production deployment production again (a run: the site is
    /// visited afterwards; if it does not answer, production goes back). --undo makes the
    /// deployment the last rollback replaced production again.
    Promote {
        /// The customer's slug (its address name).
        slug: String,
        /// The deployment's id (dpl_…, see `fabrik deployments list SLUG`).
        #[arg(required_unless_present = "undo", conflicts_with = "undo")]
        deployment: Option<String>,
        /// Undo the last rollback: production goes back to the deployment it replaced.
        #[arg(long)]
        undo: bool,
        /// Start without asking.
        #[arg(long)]
        yes: bool,
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
        /// On a permanent failure keep the chosen deployment as production instead of giving
        /// production back.
        #[arg(long)]
        keep_on_failure: bool,
    },
}

pub async fn run(cloud: &Arc<CloudApi>, cmd: DeploymentsCmd) -> Result<(), ApiError> {
    match cmd {
        DeploymentsCmd::List { slug, json } => {
            let api = DeploymentsApi::new(runtime::supervisor(cloud, false));
            let found = api.list(&slug).await?;
            if json {
                print_json(&found);
            } else {
                print_list(&found);
            }
            Ok(())
        }
        DeploymentsCmd::Promote {
            slug,
            deployment,
            undo,
            yes,
            json,
            keep_on_failure,
        } => {
            let supervisor = runtime::supervisor(cloud, keep_on_failure);
            let api = DeploymentsApi::new(supervisor.clone());
            let target = match deployment {
                Some(d) if !undo => d,
                _ => api.undo_target(&slug).await?,
            };
            if !yes {
                let question = if undo {
                    trf!(
                        "Ångra återgången: gör {target} till produktion för {slug} igen? [j/N] ",
                        "Undo the rollback: make {target} production for {slug} again? [y/N] "
                    )
                } else {
                    trf!(
                        "Gör {target} till produktion för {slug}? [j/N] ",
                        "Make {target} production for {slug}? [y/N] "
                    )
                };
                if !confirm(&question) {
                    return Err(fabrik::Error::NotConfirmed.into());
                }
            }
            stop_on_ctrl_c(&supervisor);
            let launched = api.promote(&slug, &target, terminal(json)).await?;
            follow(&slug, launched).await
        }
    }
}

fn print_list(d: &fabrik::provision::Deployments) {
    println!(
        "{}",
        trf!(
            "Produktionsdriftsättningar för {} (Vercel-projektet {}), nyast först:",
            "Production deployments of {} (the Vercel project {}), newest first:",
            d.slug,
            d.project
        )
    );
    if d.deployments.is_empty() {
        println!("  {}", tr("(inga)", "(none)"));
    }
    for x in &d.deployments {
        let mark = if x.serving { "*" } else { " " };
        let short = |c: &str| c.chars().take(7).collect::<String>();
        let commit = match (&x.commit, &x.commit_ref) {
            (Some(c), Some(r)) => format!("{} ({r})", short(c)),
            (Some(c), None) => short(c),
            _ => "–".to_string(),
        };
        let note = match (x.serving, x.promotable) {
            (true, _) => Some(Say::DeploymentServing),
            (false, false) => Some(Say::DeploymentNotPromotable),
            (false, true) => None,
        }
        .map(|s| format!("  {}", s.text().said()))
        .unwrap_or_default();
        println!(
            "{mark} {:<32} {:<9} {}  {:<18} {}{note}",
            x.id,
            x.state,
            x.created_at,
            commit,
            x.url.as_deref().unwrap_or("–")
        );
    }
    match (&d.production, d.deployments.iter().any(|x| x.serving)) {
        (Some(p), false) => println!(
            "{}",
            trf!(
                "Produktionen serverar {p} (äldre än listan).",
                "Production serves {p} (older than the list)."
            )
        ),
        (None, _) => println!(
            "{}",
            tr(
                "Ingen driftsättning serverar produktion just nu.",
                "No deployment serves production right now."
            )
        ),
        _ => {}
    }
    if let Some(u) = &d.undo {
        println!(
            "{}",
            trf!(
                "Ångra den senaste återgången: fabrik deployments promote {} --undo (gör {u} till produktion igen)",
                "Undo the last rollback: fabrik deployments promote {} --undo (makes {u} production again)",
                d.slug
            )
        );
    }
}
