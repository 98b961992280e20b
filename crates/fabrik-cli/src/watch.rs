//! Following a run from the terminal: the supervisor's host that prints each event, Ctrl-C that
//! stops at the next safe point, waiting for the end and what it means for the exit status.
//! Every command group that starts a run stands on this file, never on another group.

use crate::language::{tr, trf, Said};
use fabrik::customer::rows::CustomerRows;
use std::sync::Arc;

use clap::Args;
use fabrik::messages::Say;
use fabrik::provision::{RunEvent, RunRequest, RunState};
use fabrik::supervisor::cloud::CloudApi;
use fabrik::supervisor::host::RunHost;
use fabrik::supervisor::{Launched, Supervisor};
use fabrik::ApiError;

use crate::progress::Printer;
use crate::runtime;

/// What every day-two run takes.
#[derive(Args)]
pub struct DayTwo {
    /// The customer's slug (its address name).
    pub slug: String,
    /// One JSON event per line.
    #[arg(long)]
    pub json: bool,
    /// On a permanent failure keep what was changed (retry later) instead of putting the
    /// instance back as it was.
    #[arg(long)]
    pub keep_on_failure: bool,
    /// Start without asking (a script's way; without it the terminal is asked).
    #[arg(long)]
    pub yes: bool,
}

/// The command line's one rule for an act that changes an instance: the terminal is asked what
/// will be done to whom, and `--yes` skips the question (the way a script says it); without a
/// terminal and without `--yes` nothing starts. A destructive act also wants its name typed
/// (`--confirm`), which `--yes` never replaces (`provision::gate`).
pub fn confirmed(
    cloud: &CloudApi,
    slug: &str,
    request: &RunRequest,
    yes: bool,
) -> Result<(), ApiError> {
    if yes {
        return Ok(());
    }
    // An unknown customer is said as such before anything is asked.
    let customer = cloud.store().get_customer(slug)?;
    let def = fabrik::provision::kinds::def(request.kind());
    let mut p = fabrik::messages::Params::new();
    p.insert(
        "name".into(),
        crate::print::plain(&customer.name).to_string(),
    );
    p.insert("slug".into(), slug.to_string());
    fabrik::messages::param_text(&mut p, "what", &def.label_text());
    if crate::print::confirm(&Say::CliConfirmRun.with(p).said()) {
        Ok(())
    } else {
        Err(fabrik::Error::NotConfirmed.into())
    }
}

/// The terminal as the supervisor's host: events printed as they come; the end is printed by
/// the command itself (its exit status says it too).
struct Terminal(Printer);

impl RunHost for Terminal {
    fn emit(&self, event: &RunEvent) {
        self.0.print(event);
    }
    fn notify(&self, _title: &str, _body: &str) {}
}

pub fn terminal(json: bool) -> Arc<dyn RunHost> {
    Arc::new(Terminal(Printer::new(json)))
}

/// Ctrl-C stops this process's runs at their next safe point and leaves them resumable.
pub fn stop_on_ctrl_c(supervisor: &Arc<Supervisor>) {
    let supervisor = supervisor.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!(
                "{}",
                tr(
                    "Avbryter vid nästa säkra punkt…",
                    "Stopping at the next safe point…"
                )
            );
            supervisor.cancel_all_here();
        }
    });
}

/// Starts a run through the supervisor and follows it to its end with live progress; a run
/// already driven elsewhere is only named.
pub async fn start(
    supervisor: &Arc<Supervisor>,
    slug: &str,
    request: RunRequest,
    json: bool,
) -> Result<(), ApiError> {
    stop_on_ctrl_c(supervisor);
    let launched = supervisor
        .start_run(slug.to_string(), request, terminal(json))
        .await?;
    follow(slug, launched).await
}

pub async fn follow(slug: &str, launched: Launched) -> Result<(), ApiError> {
    let (run_id, by) = (launched.outcome.run_id, launched.outcome.driven_by.clone());
    match launched.wait().await {
        Some(state) => finished(state?),
        None => {
            let by = by
                .as_deref()
                .map(|seat| {
                    let seat = fabrik::messages::seat::shown(seat, None).said();
                    trf!(", som drivs av {seat}", ", driven by {seat}")
                })
                .unwrap_or_default();
            println!(
                "{}",
                trf!(
                    "{slug} har redan en aktiv körning: {run_id}{by} (visa den med `fabrik runs show {run_id}`)",
                    "{slug} has an active run already: {run_id}{by} (show it with `fabrik runs show {run_id}`)"
                )
            );
            Ok(())
        }
    }
}

pub fn finished(state: RunState) -> Result<(), ApiError> {
    match state {
        RunState::Succeeded => Ok(()),
        other => Err(fabrik::Error::RunEnded(other).into()),
    }
}

/// A day-two run that needs nothing but the customer.
pub async fn day_two(
    cloud: &Arc<CloudApi>,
    a: DayTwo,
    request: RunRequest,
) -> Result<(), ApiError> {
    confirmed(cloud, &a.slug, &request, a.yes)?;
    let supervisor = runtime::supervisor(cloud, a.keep_on_failure);
    start(&supervisor, &a.slug, request, a.json).await
}
