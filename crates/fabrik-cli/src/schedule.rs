//! `fabrik schedule install|status|remove` puts `fabrik tick` in the system's own scheduler
//! for the signed-in person (systemd user timer, launchd agent, Task Scheduler task); `fabrik
//! tick` does what is due and says what it did: exit 0, or 3 when something failed or it did
//! not begin (named).

use crate::language::{tr, trf, Said};
use fabrik::schedule::rows::ScheduleRows;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Args, Subcommand};
use fabrik::schedule::rows::{Job, TickOutcome};
use fabrik::schedule::{self, jobs, system, units, TickReport};
use fabrik::ApiError;

use crate::print::print_json;

static FAILED: AtomicBool = AtomicBool::new(false);

/// Whether the tick failed or did not begin (exit 3).
pub fn tick_failed() -> bool {
    FAILED.load(Ordering::Relaxed)
}

#[derive(Subcommand)]
pub enum ScheduleCmd {
    /// Puts `fabrik tick` in this computer's scheduler for you (systemd user timer, launchd
    /// agent or Task Scheduler task), on this register. Installing again replaces the times.
    Install {
        /// Every this many minutes (5 to 1440; default 15). The tick decides what is due.
        #[arg(long, conflicts_with = "at")]
        every: Option<u32>,
        /// At this time of day (HH:MM, local time); may be given several times.
        #[arg(long)]
        at: Vec<String>,
        /// What was installed, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// What is installed, when it runs next, and what the last ticks on the register did.
    Status {
        /// The result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Takes the job out of the scheduler and removes its files.
    Remove {
        /// What was removed, as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct TickArgs {
    #[arg(long = "only", help = format!("Only these jobs ({}); all when none is given", job_words()))]
    only: Vec<String>,
    /// The report as JSON.
    #[arg(long)]
    json: bool,
}

/// The jobs' words, as `--only` takes them.
fn job_words() -> String {
    Job::ALL
        .iter()
        .map(|j| j.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A plan in words: the core's Swedish, or the same in English.
fn described(plan: &units::Plan) -> String {
    let sv = plan.describe();
    let en = if let Some(m) = plan.every_minutes {
        format!("every {m} minutes")
    } else {
        format!("at {}", sv.trim_start_matches("kl. "))
    };
    tr(sv, en)
}

fn print_report(r: &TickReport) {
    if let Some(e) = &r.refused {
        let message = tr(
            e.message.clone(),
            fabrik::messages::Text::of(e.code, &e.params).said(),
        );
        println!(
            "{}",
            trf!(
                "Ingenting gjordes: {message} [{}]",
                "Nothing was done: {message} [{}]",
                e.code
            )
        );
        return;
    }
    for j in &r.jobs {
        let mut line = format!(
            "{:<30} {}",
            jobs::label(j.job).said(),
            j.state.label().said()
        );
        if !j.did.is_empty() {
            line.push_str(&format!(": {}", j.did.join(", ")));
        }
        if let Some(by) = &j.held_by {
            line.push_str(&format!(" ({by})"));
        }
        println!("{line}");
        if !j.alerted.is_empty() {
            println!("  {}", trf!("larm: {}", "alert: {}", j.alerted.join(", ")));
        }
        for f in &j.failed {
            println!("  ! {f}");
        }
    }
    let seconds = r.ms as f64 / 1000.0;
    let line = if r.outcome == TickOutcome::Failed {
        trf!(
            "Klart på {seconds:.1} s — något misslyckades (se ovan).",
            "Done in {seconds:.1} s — something failed (see above)."
        )
    } else {
        trf!("Klart på {seconds:.1} s.", "Done in {seconds:.1} s.")
    };
    println!("{line}");
}

fn finish(report: &TickReport, json: bool) {
    FAILED.store(schedule::exit_code(report) != 0, Ordering::Relaxed);
    if json {
        print_json(report);
    } else {
        print_report(report);
    }
}

/// `fabrik tick`: this computer's lock, the register, the keyring, then each due job.
pub async fn tick(
    db: &Path,
    chosen: crate::runtime::Chosen,
    args: TickArgs,
) -> Result<(), ApiError> {
    let mut only = Vec::new();
    for name in &args.only {
        only.push(Job::parse(name.trim()).ok_or_else(|| {
            ApiError::from(fabrik::error::invalid_setting(
                "--only",
                fabrik::messages::Text::new(
                    format!("«{name}» är inget jobb; välj bland {}", job_words()),
                    format!("“{name}” is not a job; choose from {}", job_words()),
                ),
            ))
        })?);
    }
    fabrik::sandbox::prefer_postgres();
    let report = schedule::run_scheduled(
        db,
        chosen.environment(),
        crate::runtime::timing(),
        &only,
        Arc::new(schedule::LogHost),
    )
    .await;
    finish(&report, args.json);
    Ok(())
}

/// `fabrik schedule …`.
pub fn run(db: &Path, environment_flag: Option<&str>, cmd: ScheduleCmd) -> Result<(), ApiError> {
    let dir = fabrik::paths::seat_dir(db);
    match cmd {
        ScheduleCmd::Install { every, at, json } => {
            let plan = if at.is_empty() {
                units::Plan {
                    every_minutes: Some(every.unwrap_or(units::DEFAULT_EVERY_MINUTES)),
                    at: Vec::new(),
                }
            } else {
                units::Plan {
                    every_minutes: None,
                    at,
                }
            };
            let exe = std::env::current_exe().map_err(|e| ApiError::from(fabrik::Error::Io(e)))?;
            let db = std::path::absolute(db).map_err(|e| ApiError::from(fabrik::Error::Io(e)))?;
            let cmd = units::Command {
                exe,
                db: Some(db),
                environment: environment_flag.map(str::to_string),
            };
            let installed = system::install(&cmd, &plan, &dir).map_err(schedule::schedule_error)?;
            if json {
                print_json(&serde_json::json!({
                    "scheduler": installed.scheduler,
                    "plan": plan,
                    "files": installed.files,
                }));
                return Ok(());
            }
            println!(
                "{}",
                trf!(
                    "Installerat i {}: fabrik tick {}.",
                    "Installed in {}: fabrik tick {}.",
                    installed.scheduler.name(),
                    described(&plan)
                )
            );
            for f in &installed.files {
                println!("  {f}");
            }
            Ok(())
        }
        ScheduleCmd::Status { json } => {
            let installed = system::status(&dir);
            let register =
                crate::runtime::register(db, crate::runtime::Chosen::from_flags(false, false)?)
                    .ok()
                    .and_then(|api| api.store().recent_ticks(5).ok());
            if json {
                print_json(&serde_json::json!({ "installed": installed, "ticks": register }));
                return Ok(());
            }
            match &installed.plan {
                None if installed.files.is_empty() => {
                    println!(
                        "{}",
                        trf!(
                            "Inte installerat ({}). Installera med fabrik schedule install.",
                            "Not installed ({}). Install with fabrik schedule install.",
                            installed.scheduler.name()
                        )
                    )
                }
                plan => println!(
                    "{}",
                    trf!(
                        "Installerat i {}: {}",
                        "Installed in {}: {}",
                        installed.scheduler.name(),
                        plan.as_ref().map(described).unwrap_or_else(|| tr(
                            "okänd plan",
                            "unknown plan"
                        )
                        .into())
                    )
                ),
            }
            for f in &installed.files {
                println!("  {f}");
            }
            if let Some(s) = &installed.scheduler_says {
                println!(
                    "{}",
                    trf!("Schemaläggaren säger:\n{s}", "The scheduler says:\n{s}")
                );
            }
            if let Some(ticks) = register {
                println!(
                    "{}",
                    tr(
                        "Senaste körningar av fabrik tick:",
                        "Latest runs of fabrik tick:"
                    )
                );
                if ticks.is_empty() {
                    println!("  {}", tr("inga ännu", "none yet"));
                }
                for t in ticks {
                    println!(
                        "  {}  {}  {}{}",
                        t.started_at,
                        t.seat,
                        t.outcome
                            .map(|o| o.as_str())
                            .unwrap_or(tr("pågår", "running")),
                        t.reason.map(|r| format!(" ({r})")).unwrap_or_default()
                    );
                }
            }
            if let Some(r) = schedule::last_refusal_here(&dir) {
                println!(
                    "{}",
                    trf!(
                        "Senast stoppad här innan registret nåddes: {} {}",
                        "Last stopped here before the register was reached: {} {}",
                        r["at"].as_str().unwrap_or(""),
                        r["refused"]["message"].as_str().unwrap_or("")
                    )
                );
            }
            Ok(())
        }
        ScheduleCmd::Remove { json } => {
            let removed = system::remove(&dir).map_err(schedule::schedule_error)?;
            if json {
                print_json(&serde_json::json!({ "removed": removed }));
            } else if removed.is_empty() {
                println!(
                    "{}",
                    tr(
                        "Inget att ta bort: fabrik tick var inte installerat.",
                        "Nothing to remove: fabrik tick was not installed."
                    )
                );
            } else {
                println!("{}", tr("Borttaget:", "Removed:"));
                for f in removed {
                    println!("  {f}");
                }
            }
            Ok(())
        }
    }
}
