//! `fabrik intake`: the inbox in a terminal, over the same core as Inkorg. `list` shows what
//! waits and what became of the rest, `poll` reads the portal and Stripe now, `approve ID`
//! provisions a request (and follows the run to its end; `--plan` for a Stripe price no plan is
//! mapped to), `reject ID --reason TEXT` keeps the reason. The portal is told what happened as
//! it happens. Names and emails come from outside: they are printed without control characters.

use crate::language::{tr, trf, Said};
use std::sync::Arc;

use clap::Subcommand;
use fabrik::customer::Plan;
use fabrik::intake::Intake;
use fabrik::requests::IntakeItem;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use crate::print::{plain, print_json};

#[derive(Subcommand)]
pub enum IntakeCmd {
    /// What waits in the inbox, and what was decided in the last 30 days.
    List {
        /// The result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Reads the portal's requests and Stripe's payments now (and provisions what a source
    /// provisions on its own), then tells the portal what changed.
    Poll {
        /// The result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Provisions a request: a customer made from it, then its provisioning run, followed to
    /// its end. Exit 1 when the run did not succeed.
    Approve {
        /// The request's number (`fabrik intake list`).
        id: i64,
        /// The customer's plan (starter, professional or enterprise); needed when the request's
        /// Stripe price is mapped to none.
        #[arg(long)]
        plan: Option<Plan>,
        /// Do not ask first.
        #[arg(long)]
        yes: bool,
        /// The result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rejects a request; the portal is told the reason.
    Reject {
        /// The request's number (`fabrik intake list`).
        id: i64,
        /// Why: kept on the request and written to the portal.
        #[arg(long)]
        reason: String,
        /// The result as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn line(i: &IntakeItem) -> String {
    let state = match (&i.run_state, &i.slug) {
        (Some(run), Some(slug)) => format!("{} → {slug} ({})", i.state.as_str(), run.as_str()),
        _ => i.state.as_str().to_string(),
    };
    let mut out = format!(
        "{:>5}  {:<7} {:<32} {:<32} {}",
        i.id,
        i.source.as_str(),
        plain(&i.name),
        plain(&i.admin_email),
        state
    );
    if i.cancelled_at.is_some() {
        out.push_str(tr("  [uppsagd i Stripe]", "  [cancelled in Stripe]"));
    }
    if let Some(w) = &i.waiting {
        let w = plain(&w.said()).into_owned();
        out.push_str(&trf!("\n       väntar: {w}", "\n       waiting: {w}"));
    }
    if let Some(e) = &i.portal_error {
        let e = plain(e).into_owned();
        out.push_str(&trf!("\n       portalen: {e}", "\n       portal: {e}"));
    }
    out
}

pub async fn run(cloud: &Arc<CloudApi>, cmd: IntakeCmd) -> Result<(), ApiError> {
    let supervisor = crate::runtime::supervisor(cloud, false);
    let intake = Arc::new(Intake::new(cloud.clone(), supervisor.clone()));
    match cmd {
        IntakeCmd::List { json } => {
            let inbox = intake.inbox().await?;
            if json {
                print_json(&inbox);
                return Ok(());
            }
            for s in &inbox.sources {
                let set = if s.configured {
                    tr("inställd", "set up")
                } else {
                    tr("inte inställd", "not set up")
                };
                println!(
                    "{}: {set}{}{}",
                    s.state.source.as_str(),
                    s.place
                        .as_deref()
                        .map(|p| format!(", {p}"))
                        .unwrap_or_default(),
                    s.state
                        .polled_at
                        .as_deref()
                        .map(|p| trf!(", hämtad {p}", ", fetched {p}"))
                        .unwrap_or_default()
                );
                for n in &s.notes {
                    println!("  {}", n.said());
                }
                if let Some(p) = &s.state.problem {
                    println!("  ! {p}");
                }
            }
            if inbox.items.is_empty() {
                println!("{}", tr("Inkorgen är tom.", "The inbox is empty."));
            }
            for i in &inbox.items {
                println!("{}", line(i));
            }
        }
        IntakeCmd::Poll { json } => {
            let report = intake.poll(crate::watch::terminal(json)).await?;
            if json {
                print_json(&report);
                return Ok(());
            }
            println!(
                "{}",
                trf!(
                    "{} nya förfrågningar, {} uppsagda; {} händelser lästa ({} sedda förut), {} anrop; {} skrivningar till portalen",
                    "{} new requests, {} cancelled; {} events read ({} seen before), {} calls; {} writes to the portal",
                    report.new_requests,
                    report.cancelled,
                    report.events,
                    report.seen_before,
                    report.requests,
                    report.written
                )
            );
            for p in &report.problems {
                println!("  ! {}", p.said());
            }
        }
        IntakeCmd::Approve {
            id,
            plan,
            yes,
            json,
        } => {
            crate::watch::stop_on_ctrl_c(&supervisor);
            if !yes {
                let inbox = intake.inbox().await?;
                if let Some(i) = inbox.items.iter().find(|i| i.id == id) {
                    println!("{}", line(i));
                }
                if !crate::print::confirm(tr("Provisionera? [j/N] ", "Provision? [y/N] ")) {
                    println!("{}", tr("Inget gjordes.", "Nothing was done."));
                    return Ok(());
                }
            }
            let (_, launched) = intake
                .approve_launch(id, plan, crate::watch::terminal(json))
                .await?;
            let ended = launched.wait().await;
            let _ = intake.sync().await;
            let inbox = intake.inbox().await?;
            let item = inbox.items.into_iter().find(|i| i.id == id);
            if json {
                print_json(&item);
            } else if let Some(i) = &item {
                println!("{}", line(i));
            }
            if !matches!(ended, Some(Ok(fabrik::ledger::RunState::Succeeded)) | None) {
                crate::runtime::mark_incomplete();
            }
        }
        IntakeCmd::Reject { id, reason, json } => {
            let item = intake.reject(id, reason).await?;
            if json {
                print_json(&item);
            } else {
                println!("{}", line(&item));
            }
        }
    }
    Ok(())
}
