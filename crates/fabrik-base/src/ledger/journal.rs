//! The journal: a run's transition, the log line that says it and the event that shows it,
//! written in one call. The ledger writes the transition and the line in one transaction,
//! fenced by the driver; only then is the line traced and the event sent, so the window never
//! shows what the ledger does not hold, and a driver that lost its run shows nothing more.
//!
//! The engine records every state change of a run and its steps through `Journal::record`;
//! the store is the `Ledger` (see `store::journal`).

use std::sync::Arc;

use serde_json::Value;

use super::driver::Driver;
use super::events::{EventSink, RunEvent};
use super::{LogLevel, RunState, StepKey, StepState};
use crate::messages::Text;

/// What changes in the ledger.
#[derive(Debug, Clone)]
pub enum Change {
    /// No state moves: a log line or an event only.
    Nothing,
    /// The run's state (with why it stopped, and at which step).
    Run {
        state: RunState,
        error: Option<Text>,
        failed_step: Option<StepKey>,
    },
    /// One step's row.
    Step(StepKey, StepUpdate),
}

/// A change to one step's row.
#[derive(Debug, Clone)]
pub enum StepUpdate {
    Started {
        attempt: u32,
    },
    /// The name of what the step is about to create, written before the call that creates it.
    Intent(String),
    Waiting(Text),
    Retrying(Text),
    /// The resource's provider id, as soon as it is known.
    Resource {
        external_id: String,
        created: bool,
        output: Option<Value>,
    },
    Succeeded,
    Failed(Text),
    State(StepState),
}

/// A line of the run's log, as the user reads it.
#[derive(Debug, Clone)]
pub struct Line {
    pub step: Option<StepKey>,
    pub level: LogLevel,
    pub message: Text,
    pub attempt: Option<u32>,
    pub duration_ms: Option<u64>,
    pub request_id: Option<String>,
}

/// One entry: a change, the line that says it, the event that shows it (each optional).
#[derive(Debug, Clone)]
pub struct Entry {
    pub change: Change,
    pub line: Option<Line>,
    pub event: Option<RunEvent>,
}

impl Entry {
    fn of(change: Change) -> Entry {
        Entry {
            change,
            line: None,
            event: None,
        }
    }

    /// The run moves to `state`.
    pub fn run(state: RunState) -> Entry {
        Entry::of(Change::Run {
            state,
            error: None,
            failed_step: None,
        })
    }

    /// The run stops in `state`, saying why (and at which step, when one failed).
    pub fn run_stopped(state: RunState, error: Text, failed_step: Option<StepKey>) -> Entry {
        Entry::of(Change::Run {
            state,
            error: Some(error),
            failed_step,
        })
    }

    pub fn step(key: StepKey, update: StepUpdate) -> Entry {
        Entry::of(Change::Step(key, update))
    }

    /// Nothing changes; only what follows (a line, an event).
    pub fn note() -> Entry {
        Entry::of(Change::Nothing)
    }

    /// With a log line about `step` (or the run as a whole).
    pub fn line(mut self, step: Option<StepKey>, level: LogLevel, message: Text) -> Entry {
        self.line = Some(Line {
            step,
            level,
            message,
            attempt: None,
            duration_ms: None,
            request_id: None,
        });
        self
    }

    /// The log line's attempt, duration and the provider's request id.
    pub fn measured(
        mut self,
        attempt: u32,
        took_ms: Option<u64>,
        request: Option<String>,
    ) -> Entry {
        if let Some(l) = &mut self.line {
            l.attempt = Some(attempt);
            l.duration_ms = took_ms;
            l.request_id = request;
        }
        self
    }

    /// With the event the window and the CLI are sent once it is written.
    pub fn event(mut self, event: RunEvent) -> Entry {
        self.event = Some(event);
        self
    }
}

/// Where entries are written: the change and the line in one transaction, fenced by the
/// driver (a driver that no longer holds the run writes nothing and is told so).
pub trait Ledger: Send + Sync + 'static {
    type Error: std::fmt::Display + Send + 'static;
    fn write(&self, driver: &Driver, entry: &Entry) -> Result<(), Self::Error>;
}

/// One run's journal: its driver, the ledger and where its events go.
pub struct Journal<L: Ledger> {
    ledger: Arc<L>,
    sink: Arc<dyn EventSink>,
    driver: Driver,
}

impl<L: Ledger> Clone for Journal<L> {
    fn clone(&self) -> Self {
        Journal {
            ledger: self.ledger.clone(),
            sink: self.sink.clone(),
            driver: self.driver.clone(),
        }
    }
}

impl<L: Ledger> Journal<L> {
    pub fn new(ledger: Arc<L>, sink: Arc<dyn EventSink>, driver: Driver) -> Journal<L> {
        Journal {
            ledger,
            sink,
            driver,
        }
    }

    pub fn driver(&self) -> &Driver {
        &self.driver
    }

    pub fn sink(&self) -> &Arc<dyn EventSink> {
        &self.sink
    }

    /// Writes the entry (on the blocking pool: the ledger is a database), then traces its
    /// line and sends its event. Nothing is traced or sent for an entry that was not written.
    pub async fn record(&self, entry: Entry) -> Result<(), L::Error> {
        let (ledger, driver) = (self.ledger.clone(), self.driver.clone());
        let entry =
            crate::blocking::run(move || ledger.write(&driver, &entry).map(|()| entry)).await?;
        if let Some(line) = &entry.line {
            trace(self.driver.run_id, line);
        }
        if let Some(event) = &entry.event {
            self.sink.emit(event);
        }
        Ok(())
    }

    /// Sends an event that changes nothing in the ledger (a step still waiting, a run that
    /// another process finished): progress only.
    pub fn show(&self, event: RunEvent) {
        self.sink.emit(&event);
    }
}

/// The log line, also in the process's own log (scrubbed there as everywhere).
fn trace(run: i64, line: &Line) {
    let step = line.step.map(StepKey::as_str).unwrap_or("-");
    let message = crate::secrets::redact(&line.message.sv);
    match line.level {
        LogLevel::Info => tracing::info!(run, step, "{message}"),
        LogLevel::Warn => tracing::warn!(run, step, "{message}"),
        LogLevel::Error => tracing::error!(run, step, "{message}"),
    }
}
