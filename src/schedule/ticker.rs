//! `fabrik tick` (issue #43): the work that is due, and nothing else, as the runs the window
//! would start: the inbox's polls, the database and workflow backups whose schedule has come,
//! the health sweep, the stale-backup and failed-run alerts. The system's scheduler starts it
//! on any seat; the window runs the same jobs while it is open.
//!
//! One seat at a time per job: a job first looks (reads only) whether anything is due
//! (`due.rs`); only then does it take the job's lease in the register (the database's clock),
//! look again and work (`work.rs`), renewing the lease as it goes; a seat that dies hands over
//! when its lease ends. What each job did, each tick, and what each alert named (once per
//! episode) are kept in the register, so a restart or another seat does not name a stale
//! backup again.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::backups::BackupRules;
use super::lock::refuse;
use super::report::{JobReport, JobState, TickReport};
use crate::error::{ApiError, ApiResult, Error};
use crate::intake::Intake;
use crate::schedule::rows::ScheduleRows;
use crate::schedule::rows::{Job, JobLease, JobOutcome, TickOutcome};
use crate::secrets::{Provider, SecretError, SecretKey};
use crate::store::Store;
use crate::supervisor::cloud::CloudApi;
use crate::supervisor::host::RunHost;
use crate::supervisor::sweep::HealthChecks;
use crate::supervisor::Supervisor;

/// How long a job's lease lasts without renewal: a seat that dies mid-job hands the job over
/// after this. Renewed every third of it while the job works.
const LEASE: Duration = crate::schedule::rows::JOB_LEASE;

/// The jobs and what they stand on.
pub struct Ticker {
    pub(super) cloud: Arc<CloudApi>,
    pub(super) supervisor: Arc<Supervisor>,
    pub(super) store: Arc<Store>,
    pub(super) backups: Arc<BackupRules>,
    pub(super) health: Arc<HealthChecks>,
    pub(super) intake: Arc<Intake>,
    /// Who holds a lease: this seat and this process.
    holder: String,
    /// The seat's folder (its tick lock and the refusals the register did not hear of).
    pub(super) data_dir: PathBuf,
}

impl Ticker {
    pub fn new(cloud: Arc<CloudApi>, supervisor: Arc<Supervisor>, data_dir: &Path) -> Ticker {
        let store = cloud.shared_store();
        let backups = Arc::new(BackupRules::new(cloud.clone()));
        let health = HealthChecks::new(store.clone(), cloud.clone());
        let intake = Arc::new(Intake::new(cloud.clone(), supervisor.clone()));
        let holder = format!(
            "{} (pid {}, {})",
            store.seat(),
            std::process::id(),
            crate::seat::new_id()
        );
        Ticker {
            cloud,
            supervisor,
            store,
            backups,
            health,
            intake,
            holder,
            data_dir: data_dir.to_path_buf(),
        }
    }

    /// One tick: `only` the given jobs (all when empty), each when due. Kept in the register
    /// whatever it found.
    pub async fn tick(&self, only: &[Job], host: Arc<dyn RunHost>) -> TickReport {
        self.tick_with(only, host, true).await
    }

    /// The window's round: the same, kept in the register only when something was due (a
    /// window open all day would otherwise add a row every quarter of an hour).
    pub async fn round(&self, only: &[Job], host: Arc<dyn RunHost>) -> TickReport {
        self.tick_with(only, host, false).await
    }

    async fn tick_with(&self, only: &[Job], host: Arc<dyn RunHost>, always: bool) -> TickReport {
        let started = Instant::now();
        let me = self.cloud.clone();
        let keyring =
            crate::blocking::run(move || Ticker::keyring_check(&me).map_err(ApiError::from)).await;
        if let Err(e) = keyring {
            return refuse(&self.data_dir, Some(&self.store), e, started);
        }
        let mut id = None;
        if always {
            match self.db(|s| s.begin_tick(None)).await {
                Ok(n) => id = Some(n),
                Err(e) => return refuse(&self.data_dir, None, e, started),
            }
        }
        let mut jobs = Vec::new();
        for job in Job::ALL
            .iter()
            .copied()
            .filter(|j| only.is_empty() || only.contains(j))
        {
            let t = Instant::now();
            let looked = self.look(job).await;
            if id.is_none() && !matches!(looked, Ok(Some(_))) {
                // Something is due (or could not be looked at): from here the tick is kept.
                id = self.db(|s| s.begin_tick(None)).await.ok();
            }
            let mut r = match looked {
                Ok(Some(r)) => Ok(r),
                Ok(None) => self.leased(job, host.clone()).await,
                Err(e) => Err(e),
            }
            .unwrap_or_else(|e| {
                let mut r = JobReport::new(job, JobState::Failed);
                r.failed.push(e.message);
                r
            });
            r.ms = t.elapsed().as_millis() as u64;
            if r.state == JobState::Failed {
                tracing::warn!(job = %job, failed = ?r.failed, "a scheduled job failed");
            }
            jobs.push(r);
        }
        let outcome = if jobs.iter().any(|j| j.state == JobState::Failed) {
            TickOutcome::Failed
        } else {
            TickOutcome::Ok
        };
        let report = TickReport {
            id,
            seat: self.store.seat().to_string(),
            outcome,
            refused: None,
            jobs,
            ms: started.elapsed().as_millis() as u64,
        };
        let value = serde_json::to_value(&report).unwrap_or_default();
        if let Some(id) = id {
            if let Err(e) = self.db(move |s| s.finish_tick(id, outcome, &value)).await {
                tracing::warn!("the tick's report could not be kept: {}", e.message);
            }
        }
        tracing::info!(
            outcome = %outcome,
            ms = report.ms,
            done = report.jobs.iter().filter(|j| j.state == JobState::Done).count(),
            "scheduled tick"
        );
        report
    }

    fn keyring_check(cloud: &CloudApi) -> Result<(), Error> {
        match cloud.secrets.get(&SecretKey::Token(Provider::Github)) {
            Err(e @ (SecretError::Locked | SecretError::Timeout(_))) => Err(Error::Secret(e)),
            _ => Ok(()),
        }
    }

    pub(super) async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> crate::Result<T> + Send + 'static,
    ) -> ApiResult<T> {
        let store = self.store.clone();
        crate::blocking::run(move || f(&store).map_err(ApiError::from)).await
    }

    /// The due rules' answer, read on the blocking pool.
    pub(super) async fn rules<T: Send + 'static>(
        &self,
        f: impl FnOnce(&BackupRules) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let rules = self.backups.clone();
        crate::blocking::run(move || f(&rules)).await
    }

    /// A job looked at, reading only: off or nothing due (its report), or due (`None`).
    async fn look(&self, job: Job) -> ApiResult<Option<JobReport>> {
        if !self.is_on(job).await? {
            return Ok(Some(JobReport::new(job, JobState::Off)));
        }
        if !self.is_due(job).await? {
            return Ok(Some(JobReport::new(job, JobState::Nothing)));
        }
        Ok(None)
    }

    /// A due job: held elsewhere, or done under its lease.
    async fn leased(&self, job: Job, host: Arc<dyn RunHost>) -> ApiResult<JobReport> {
        let holder = self.holder.clone();
        let lease = match self.db(move |s| s.lease_job(job, &holder, LEASE)).await? {
            Ok(lease) => lease,
            Err((by, until)) => {
                let mut r = JobReport::new(job, JobState::Held);
                r.held_by = Some(format!("{by} till {until}"));
                return Ok(r);
            }
        };
        // Kept while the job works. A lease that could not be kept (the register away longer
        // than the lease, another seat holding it now) stops the job before its next instance.
        let lost = Arc::new(AtomicBool::new(false));
        let renewing = {
            let (store, lease, lost) = (self.store.clone(), lease.clone(), lost.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(LEASE / 3).await;
                    let (store, lease) = (store.clone(), lease.clone());
                    let kept = crate::blocking::run(move || {
                        store.renew_job(&lease, LEASE).map_err(ApiError::from)
                    })
                    .await;
                    if !matches!(kept, Ok(true)) {
                        lost.store(true, Ordering::SeqCst);
                        return;
                    }
                }
            })
        };
        // Looked at again under the lease: another seat may have done it a moment ago.
        let report = match self.is_due(job).await {
            Ok(false) => Ok(JobReport::new(job, JobState::Nothing)),
            Ok(true) => self.work(job, host, &lost).await,
            Err(e) => Err(e),
        };
        renewing.abort();
        let (outcome, summary) = match &report {
            Ok(r) if r.state == JobState::Failed => (JobOutcome::Failed, json!(r)),
            Ok(r) if r.state == JobState::Done => (JobOutcome::Done, json!(r)),
            Ok(r) => (JobOutcome::Nothing, json!(r)),
            Err(e) => (JobOutcome::Failed, json!({ "failed": [e.message] })),
        };
        self.release(lease, outcome, summary).await;
        report
    }

    async fn release(&self, lease: JobLease, outcome: JobOutcome, summary: serde_json::Value) {
        if let Err(e) = self
            .db(move |s| s.release_job(&lease, outcome, &summary))
            .await
        {
            tracing::warn!(
                "a job's lease could not be given back (it ends by itself): {}",
                e.message
            );
        }
    }
}
