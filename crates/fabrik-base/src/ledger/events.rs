//! Progress as a stream of typed events: the CLI prints them, the app forwards them to the window.

use serde::Serialize;
use ts_rs::TS;

use super::RunState;
use crate::ledger::StepKey;
use crate::messages::{ErrorCode, Params, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StepOutcome {
    Created,
    Adopted,
    Done,
    Skipped,
}

impl StepOutcome {
    /// Its word beside a finished step, from the catalogue.
    pub fn label(self) -> crate::messages::Say {
        use crate::messages::Say;
        match self {
            StepOutcome::Created => Say::OutcomeCreated,
            StepOutcome::Adopted => Say::OutcomeAdopted,
            StepOutcome::Done => Say::OutcomeDone,
            StepOutcome::Skipped => Say::OutcomeSkipped,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RunEvent {
    RunStarted {
        #[ts(type = "number")]
        run_id: i64,
        slug: String,
        resumed: bool,
    },
    StepStarted {
        #[ts(type = "number")]
        run_id: i64,
        step: StepKey,
        attempt: u32,
    },
    /// A step is waiting on something outside (a project coming up, a build).
    StepWaiting {
        #[ts(type = "number")]
        run_id: i64,
        step: StepKey,
        /// What it waits for.
        waiting_for: Text,
        /// The provider's own state word, e.g. `COMING_UP` or `BUILDING`.
        detail: Option<String>,
        #[ts(type = "number")]
        elapsed_ms: u64,
    },
    StepRetrying {
        #[ts(type = "number")]
        run_id: i64,
        step: StepKey,
        attempt: u32,
        #[ts(type = "number")]
        delay_ms: u64,
        reason: Text,
    },
    StepDone {
        #[ts(type = "number")]
        run_id: i64,
        step: StepKey,
        outcome: StepOutcome,
        external_id: Option<String>,
        #[ts(type = "number")]
        duration_ms: u64,
    },
    StepFailed {
        #[ts(type = "number")]
        run_id: i64,
        step: StepKey,
        code: ErrorCode,
        /// In Swedish; the window renders its language from `code` and `params`.
        message: String,
        #[serde(default)]
        params: Params,
    },
    CompensationStarted {
        #[ts(type = "number")]
        run_id: i64,
        step: StepKey,
        external_id: String,
    },
    CompensationDone {
        #[ts(type = "number")]
        run_id: i64,
        step: StepKey,
    },
    CompensationFailed {
        #[ts(type = "number")]
        run_id: i64,
        step: StepKey,
        message: Text,
        /// How to remove what is left by hand.
        manual: Text,
    },
    RunFinished {
        #[ts(type = "number")]
        run_id: i64,
        state: RunState,
        error: Option<Text>,
    },
}

/// Where events go; the CLI prints, the app emits to the window, tests collect.
pub trait EventSink: Send + Sync {
    fn emit(&self, event: &RunEvent);
}

impl<F: Fn(&RunEvent) + Send + Sync> EventSink for F {
    fn emit(&self, event: &RunEvent) {
        self(event)
    }
}
