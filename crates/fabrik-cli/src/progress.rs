//! Prints run events: a live line per step for people, or one JSON object per line (`--json`).

use crate::language::{tr, trf, Said};
use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

use fabrik::provision::{RunEvent, StepKey, StepTable};

pub struct Printer {
    json: bool,
    started: Instant,
    last_wait: Mutex<Option<(StepKey, Option<String>)>>,
}

impl Printer {
    pub fn new(json: bool) -> Printer {
        Printer {
            json,
            started: Instant::now(),
            last_wait: Mutex::new(None),
        }
    }

    fn line(&self, mark: &str, text: &str) {
        let e = self.started.elapsed().as_secs();
        println!("[{:>2}:{:02}] {mark} {text}", e / 60, e % 60);
        let _ = std::io::stdout().flush();
    }

    pub fn print(&self, ev: &RunEvent) {
        if self.json {
            // Our own plain event type always serialises.
            println!("{}", serde_json::to_string(ev).unwrap_or_default());
            let _ = std::io::stdout().flush();
            return;
        }
        match ev {
            RunEvent::RunStarted {
                run_id,
                slug,
                resumed,
            } => self.line(
                "▶",
                &match resumed {
                    true => trf!(
                        "Körning {run_id} för {slug} återupptas",
                        "Run {run_id} for {slug} resumes"
                    ),
                    false => trf!(
                        "Körning {run_id} för {slug} startar",
                        "Run {run_id} for {slug} starts"
                    ),
                },
            ),
            RunEvent::StepStarted { step, attempt, .. } => {
                let again = if *attempt > 1 {
                    trf!(" (försök {attempt})", " (attempt {attempt})")
                } else {
                    String::new()
                };
                self.line(
                    "…",
                    &format!("{:<20} {}{again}", step.as_str(), step.label_text().said()),
                )
            }
            RunEvent::StepWaiting {
                step,
                waiting_for,
                detail,
                elapsed_ms,
                ..
            } => {
                let waiting_for = waiting_for.said();
                let mut last = self.last_wait.lock().unwrap_or_else(|p| p.into_inner());
                // One line per change of state, not per poll.
                if last.as_ref() != Some(&(*step, detail.clone())) {
                    *last = Some((*step, detail.clone()));
                    let d = detail
                        .as_deref()
                        .map(|d| format!(" — {d}"))
                        .unwrap_or_default();
                    let s = elapsed_ms / 1000;
                    self.line(
                        "⏳",
                        &format!(
                            "{:<20} {waiting_for}{d}, {}:{:02}",
                            step.as_str(),
                            s / 60,
                            s % 60
                        ),
                    );
                }
            }
            RunEvent::StepRetrying {
                step,
                attempt,
                delay_ms,
                reason,
                ..
            } => self.line(
                "↻",
                &format!(
                    "{:<20} {}",
                    step.as_str(),
                    trf!(
                        "försök {attempt} misslyckades: {}; nytt försök om {:.1} s",
                        "attempt {attempt} failed: {}; trying again in {:.1} s",
                        reason.said(),
                        *delay_ms as f64 / 1000.0
                    )
                ),
            ),
            RunEvent::StepDone {
                step,
                outcome,
                external_id,
                duration_ms,
                ..
            } => {
                let word = outcome.label().text().said();
                let id = external_id
                    .as_deref()
                    .map(|i| format!(" ({i})"))
                    .unwrap_or_default();
                self.line(
                    "✓",
                    &format!(
                        "{:<20} {}",
                        step.as_str(),
                        trf!(
                            "{word}{id} på {:.1} s",
                            "{word}{id} in {:.1} s",
                            *duration_ms as f64 / 1000.0
                        )
                    ),
                )
            }
            RunEvent::StepFailed { step, message, .. } => {
                self.line("✗", &format!("{:<20} {message}", step.as_str()))
            }
            RunEvent::CompensationStarted {
                step, external_id, ..
            } => self.line(
                "↺",
                &format!(
                    "{:<20} {}",
                    step.as_str(),
                    trf!("tar bort {external_id}", "removing {external_id}")
                ),
            ),
            RunEvent::CompensationDone { step, .. } => {
                let removed = tr("borttagen", "removed");
                self.line("↺", &format!("{:<20} {removed}", step.as_str()))
            }
            RunEvent::CompensationFailed {
                step,
                message,
                manual,
                ..
            } => self.line(
                "!",
                &format!(
                    "{:<20} {}",
                    step.as_str(),
                    trf!(
                        "kunde inte tas bort: {}. {}",
                        "could not be removed: {}. {}",
                        message.said(),
                        manual.said()
                    )
                ),
            ),
            RunEvent::RunFinished {
                run_id,
                state,
                error,
            } => {
                let err = error
                    .as_ref()
                    .map(|e| format!(": {}", e.said()))
                    .unwrap_or_default();
                let state = state.as_str();
                self.line(
                    "■",
                    &trf!(
                        "Körning {run_id}: {state}{err}",
                        "Run {run_id}: {state}{err}"
                    ),
                )
            }
        }
    }
}
