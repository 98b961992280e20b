//! Prints run events: a live line per step for people, or one JSON object per line (`--json`).

use crate::language::Said;
use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

use fabrik::provision::{RunEvent, StepKey};

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
                &format!(
                    "Körning {run_id} för {slug}{}",
                    if *resumed { " återupptas" } else { " startar" }
                ),
            ),
            RunEvent::StepStarted { step, attempt, .. } => {
                let again = if *attempt > 1 {
                    format!(" (försök {attempt})")
                } else {
                    String::new()
                };
                self.line(
                    "…",
                    &format!("{:<20} {}{again}", step.as_str(), step.label()),
                )
            }
            RunEvent::StepWaiting {
                step,
                waiting_for,
                detail,
                elapsed_ms,
                ..
            } => {
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
                    "{:<20} försök {attempt} misslyckades: {reason}; nytt försök om {:.1} s",
                    step.as_str(),
                    *delay_ms as f64 / 1000.0
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
                        "{:<20} {word}{id} på {:.1} s",
                        step.as_str(),
                        *duration_ms as f64 / 1000.0
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
                &format!("{:<20} tar bort {external_id}", step.as_str()),
            ),
            RunEvent::CompensationDone { step, .. } => {
                self.line("↺", &format!("{:<20} borttagen", step.as_str()))
            }
            RunEvent::CompensationFailed {
                step,
                message,
                manual,
                ..
            } => self.line(
                "!",
                &format!(
                    "{:<20} kunde inte tas bort: {message}. {manual}",
                    step.as_str()
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
                self.line("■", &format!("Körning {run_id}: {}{err}", state.as_str()))
            }
        }
    }
}
