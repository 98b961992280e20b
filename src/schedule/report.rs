//! What a tick did, as `fabrik tick --json` prints it, the register keeps it and the window
//! reads it: each job's part, the whole tick, and the exit code the scheduler sees.

use serde::Serialize;
use ts_rs::TS;

use crate::error::ApiError;
use crate::messages::{Say, Text};
use crate::schedule::rows::{Job, TickOutcome};
use crate::vocabulary::vocabulary;

vocabulary!(
    /// What a job did in this tick.
    pub enum JobState {
        Done => "done",
        /// It looked: nothing was due.
        Nothing => "nothing",
        /// Another seat holds it now.
        Held => "held",
        /// Not set up on this seat or register (no source, no Gitea, the schedule at 0).
        Off => "off",
        Failed => "failed",
    }
);

impl JobState {
    /// What it did, for a person (the CLI's report).
    pub fn label(self) -> Text {
        match self {
            JobState::Done => Say::JobStateDone,
            JobState::Nothing => Say::JobStateNothing,
            JobState::Held => Say::JobStateHeld,
            JobState::Off => Say::JobStateOff,
            JobState::Failed => Say::JobStateFailed,
        }
        .text()
    }
}

/// One job's part of a tick.
#[derive(Debug, Clone, Serialize, TS)]
pub struct JobReport {
    pub job: Job,
    pub state: JobState,
    /// What it did: the instances backed up or checked, the requests read.
    pub did: Vec<String>,
    /// What its alert named.
    pub alerted: Vec<String>,
    /// What failed, each named ("slug: why").
    pub failed: Vec<String>,
    /// The seat holding the job, and until when (the register's clock).
    pub held_by: Option<String>,
    pub ms: u64,
}

impl JobReport {
    pub(super) fn new(job: Job, state: JobState) -> JobReport {
        JobReport {
            job,
            state,
            did: Vec::new(),
            alerted: Vec::new(),
            failed: Vec::new(),
            held_by: None,
            ms: 0,
        }
    }
}

/// A whole tick, as `fabrik tick --json` prints it and the register keeps it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TickReport {
    /// Its number in the register (none when the register could not be reached).
    pub id: Option<i64>,
    pub seat: String,
    pub outcome: TickOutcome,
    /// Why it did not begin.
    pub refused: Option<ApiError>,
    pub jobs: Vec<JobReport>,
    pub ms: u64,
}

impl TickReport {
    pub fn failed(&self) -> bool {
        self.outcome != TickOutcome::Ok
    }
}

/// The tick's exit: 0 when it did what was due, 3 when something failed or it did not begin.
pub fn exit_code(report: &TickReport) -> u8 {
    if report.failed() {
        3
    } else {
        0
    }
}
