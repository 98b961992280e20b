//! The scheduled jobs, each declared once here beyond its word in the register
//! (`store::schedule::Job`): its name for a person, which the CLI reads from the messages
//! catalogue and the window from the generated bindings (`JOB_LABEL`), and whether the open
//! window runs it on its own round. When a job is due is `due.rs`'s, what it does `work.rs`'s.

use crate::messages::{Say, Text};
use crate::store::schedule::Job;

/// One job, beyond its word.
pub struct JobDef {
    /// Its name for a person.
    pub label: Say,
    /// Run by the window's own round while it is open. The window polls the inbox and sweeps
    /// on its own clock, with their progress on screen.
    pub in_window: bool,
}

/// A job's declaration (an exhaustive match: a new job does not compile without one).
pub const fn def(job: Job) -> JobDef {
    let (label, in_window) = match job {
        Job::IntakePoll => (Say::JobIntakePoll, false),
        Job::DatabaseBackups => (Say::JobDatabaseBackups, true),
        Job::WorkflowBackups => (Say::JobWorkflowBackups, true),
        // Once a day: a window open at the day's turn collects as the tick would.
        Job::UsageCollect => (Say::JobUsageCollect, true),
        Job::HealthSweep => (Say::JobHealthSweep, false),
        Job::BackupAlert => (Say::JobBackupAlert, true),
        Job::RunAlert => (Say::JobRunAlert, true),
        Job::HandoverFollow => (Say::JobHandoverFollow, true),
        Job::ExportKeeping => (Say::JobExportKeeping, true),
    };
    JobDef { label, in_window }
}

/// A job's name, in both languages.
pub fn label(job: Job) -> Text {
    def(job).label.text()
}

/// What the window's own round runs while it is open, in the tick's order.
pub fn window_jobs() -> Vec<Job> {
    Job::ALL
        .iter()
        .copied()
        .filter(|j| def(*j).in_window)
        .collect()
}
