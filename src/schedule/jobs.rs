//! The scheduled jobs, each declared once here beyond its word in the register
//! (`schedule::rows::Job`): its name for a person (the CLI reads it from the messages
//! catalogue, the window from the generated bindings' `JOB_LABEL`), whether the open window runs
//! it on its own round, whether it is set up here, when it is due and what it does. The one
//! match over the jobs: a new job does not compile without its whole declaration. The checks
//! read only (`due.rs`), the work runs under the job's lease (`work.rs` and the job's own file).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use super::report::JobReport;
use super::ticker::Ticker;
use crate::error::ApiResult;
use crate::messages::{Say, Text};
use crate::schedule::rows::Job;
use crate::supervisor::host::RunHost;

/// A job's future, borrowing the ticker (and the report it fills) while it runs.
pub(super) type Step<'a, T> = Pin<Box<dyn Future<Output = ApiResult<T>> + Send + 'a>>;
/// Whether the job is set up here, or whether anything is due: reads only, takes no lease.
pub(super) type Check = for<'a> fn(&'a Ticker) -> Step<'a, bool>;
/// What the job does once due and its lease is held: what it did (or could not) goes into the
/// report; a lost lease (`AtomicBool`) stops it before its next instance.
pub(super) type Work =
    for<'a> fn(&'a Ticker, &'a mut JobReport, Arc<dyn RunHost>, &'a AtomicBool) -> Step<'a, ()>;

/// One job, beyond its word.
pub struct JobDef {
    /// Its name for a person.
    pub label: Say,
    /// Run by the window's own round while it is open. The window polls the inbox and sweeps
    /// on its own clock, with their progress on screen.
    pub in_window: bool,
    pub(super) on: Check,
    pub(super) due: Check,
    pub(super) work: Work,
}

fn always(_: &Ticker) -> Step<'_, bool> {
    Box::pin(async { Ok(true) })
}

/// A job's declaration.
pub fn def(job: Job) -> JobDef {
    match job {
        Job::IntakePoll => JobDef {
            label: Say::JobIntakePoll,
            in_window: false,
            on: |t| Box::pin(t.intake_on()),
            // Each tick reads the sources (one request to each when nothing is new).
            due: always,
            work: |t, r, host, _| Box::pin(t.intake_work(r, host)),
        },
        Job::Billing => JobDef {
            label: Say::JobBilling,
            in_window: false,
            on: |t| Box::pin(t.billing_on()),
            // Each tick looks at every linked subscription's state (the register only).
            due: always,
            work: |t, r, host, _| Box::pin(t.billing_work(r, host)),
        },
        Job::DatabaseBackups => JobDef {
            label: Say::JobDatabaseBackups,
            in_window: true,
            on: |t| Box::pin(t.backups_on()),
            due: |t| Box::pin(t.backups_due()),
            work: |t, r, host, lost| Box::pin(t.backups_work(false, r, host, lost)),
        },
        Job::WorkflowBackups => JobDef {
            label: Say::JobWorkflowBackups,
            in_window: true,
            on: |t| Box::pin(t.workflow_backups_on()),
            due: |t| Box::pin(t.workflow_backups_due()),
            work: |t, r, host, lost| Box::pin(t.backups_work(true, r, host, lost)),
        },
        // Once a day: a window open at the day's turn collects as the tick would.
        Job::UsageCollect => JobDef {
            label: Say::JobUsageCollect,
            in_window: true,
            on: |t| Box::pin(t.usage_on()),
            due: |t| Box::pin(t.usage_due()),
            work: |t, r, host, _| Box::pin(t.usage_job(r, host)),
        },
        Job::HealthSweep => JobDef {
            label: Say::JobHealthSweep,
            in_window: false,
            on: always,
            due: |t| Box::pin(t.sweep_due()),
            work: |t, r, host, _| Box::pin(t.sweep_work(r, host)),
        },
        Job::BackupAlert => JobDef {
            label: Say::JobBackupAlert,
            in_window: true,
            on: |t| Box::pin(t.backup_alert_on()),
            due: |t| Box::pin(t.backup_alert_due()),
            work: |t, r, host, _| Box::pin(t.backup_alert_work(r, host)),
        },
        Job::RunAlert => JobDef {
            label: Say::JobRunAlert,
            in_window: true,
            on: always,
            due: |t| Box::pin(t.run_alert_due()),
            work: |t, r, host, _| Box::pin(t.run_alert_work(r, host)),
        },
        Job::HandoverFollow => JobDef {
            label: Say::JobHandoverFollow,
            in_window: true,
            on: always,
            due: |t| Box::pin(t.handover_due()),
            work: |t, r, _, _| Box::pin(t.handover_work(r)),
        },
        Job::ExportKeeping => JobDef {
            label: Say::JobExportKeeping,
            in_window: true,
            on: |t| Box::pin(t.export_keeping_on()),
            due: |t| Box::pin(t.export_keeping_due()),
            work: |t, r, _, _| Box::pin(t.export_keeping_work(r)),
        },
    }
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
