//! `fabrik tick` (issue #43): the work that is due, and nothing else, as the runs the window
//! would start: the inbox's polls, the database and workflow backups whose schedule has come,
//! the health sweep, the stale-backup and failed-run alerts. The system's scheduler starts it
//! on any seat; the window runs the same jobs while it is open.
//!
//! One seat at a time per job: a job first looks (reads only) whether anything is due; only
//! then does it take the job's lease in the register (the database's clock), look again and
//! work, renewing the lease as it goes; a seat that dies hands over when its lease ends. What
//! each job did, each tick, and what each alert named (once per episode) are kept in the
//! register, so a restart or another seat does not name a stale backup again.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use super::backups::BackupsApi;
use super::health::HealthApi;
use super::intake::Intake;
use super::{ApiError, ApiResult};
use crate::error::Error;
use crate::ledger::{RunKind, RunState};
use crate::messages::{params, ErrorCode, Say};
use crate::secrets::{Provider, SecretError, SecretKey};
use crate::store::schedule::{AlertKind, Job, JobLease, JobOutcome, TickOutcome};
use crate::store::Store;
use crate::supervisor::cloud::CloudApi;
use crate::supervisor::host::RunHost;
use crate::supervisor::Supervisor;
use crate::vocabulary::vocabulary;

/// How long a job's lease lasts without renewal: a seat that dies mid-job hands the job over
/// after this. Renewed every third of it while the job works.
const LEASE: Duration = crate::store::schedule::JOB_LEASE;
/// A failed run is alerted when it ended within this long (older ones were seen or are history).
const RUN_ALERT_WINDOW_HOURS: i64 = 24;
/// The health sweep's interval when `health.check_minutes` is not set: once a day.
const DEFAULT_SWEEP_MINUTES: u64 = 24 * 60;

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
    fn new(job: Job, state: JobState) -> JobReport {
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

/// The seat's tick lock: held while a tick runs on this computer (the OS releases it when
/// the process dies, so a killed tick never blocks the next).
pub struct SeatLock {
    _file: std::fs::File,
}

/// The lock file of a seat's ticks.
fn lock_path(data_dir: &Path) -> PathBuf {
    data_dir.join("tick.lock")
}

/// This computer's tick lock, or `TickBusy` naming since when another tick holds it.
pub fn lock_seat(data_dir: &Path) -> Result<SeatLock, ApiError> {
    use std::io::{Read, Seek, Write};
    let path = lock_path(data_dir);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(|e| ApiError::from(Error::Io(e)))?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.set_len(0);
            let _ = file.rewind();
            let _ = write!(file, "{}", chrono::Utc::now().to_rfc3339());
            Ok(SeatLock { _file: file })
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut since = String::new();
            let _ = file.read_to_string(&mut since);
            Err(Error::Refused {
                code: ErrorCode::TickBusy,
                params: params! { "since" => since.trim() },
            }
            .into())
        }
        Err(std::fs::TryLockError::Error(e)) => Err(Error::Io(e).into()),
    }
}

/// Where a seat keeps the tick it could not write to the register (the register unreachable):
/// the window shows it in Aktivitet the next time it opens.
fn refusal_path(data_dir: &Path) -> PathBuf {
    data_dir.join("logs").join("tick-refused.json")
}

/// The last tick refused on this seat before it reached the register, if any.
pub fn last_refusal_here(data_dir: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(refusal_path(data_dir)).ok()?;
    serde_json::from_str(&text).ok()
}

/// A tick that ends before it begins: logged, kept on the seat, and in the register when the
/// register answers.
pub fn refuse(
    data_dir: &Path,
    store: Option<&Store>,
    error: ApiError,
    started: Instant,
) -> TickReport {
    tracing::warn!(code = %error.code, "the scheduled tick did not begin: {}", error.message);
    let mut report = TickReport {
        id: None,
        seat: store
            .map(|s| s.seat().to_string())
            .unwrap_or_else(|| crate::seat::this().to_string()),
        outcome: TickOutcome::Refused,
        refused: Some(error.clone()),
        jobs: Vec::new(),
        ms: started.elapsed().as_millis() as u64,
    };
    let value = serde_json::to_value(&report).unwrap_or_default();
    report.id = store.and_then(|s| s.begin_tick(Some((error.code.as_str(), &value))).ok());
    if report.id.is_none() {
        let mut kept = value;
        kept["at"] = json!(chrono::Utc::now().to_rfc3339());
        let path = refusal_path(data_dir);
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(path, kept.to_string());
    }
    report
}

/// The jobs and what they stand on.
pub struct Ticker {
    cloud: Arc<CloudApi>,
    supervisor: Arc<Supervisor>,
    store: Arc<Store>,
    backups: Arc<BackupsApi>,
    health: Arc<HealthApi>,
    intake: Arc<Intake>,
    /// Who holds a lease: this seat and this process.
    holder: String,
    /// The seat's folder (its tick lock and the refusals the register did not hear of).
    data_dir: PathBuf,
}

impl Ticker {
    pub fn new(cloud: Arc<CloudApi>, supervisor: Arc<Supervisor>, data_dir: &Path) -> Ticker {
        let store = cloud.shared_store();
        let backups = Arc::new(BackupsApi::new(
            store.clone(),
            supervisor.clone(),
            cloud.secrets.clone(),
        ));
        let health = HealthApi::new(store.clone(), cloud.clone());
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
            return refuse(&self.data_dir(), Some(&self.store), e, started);
        }
        let mut id = None;
        if always {
            match self.db(|s| s.begin_tick(None)).await {
                Ok(n) => id = Some(n),
                Err(e) => return refuse(&self.data_dir(), None, e, started),
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

    fn data_dir(&self) -> PathBuf {
        self.data_dir.clone()
    }

    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> crate::Result<T> + Send + 'static,
    ) -> ApiResult<T> {
        let store = self.store.clone();
        crate::blocking::run(move || f(&store).map_err(ApiError::from)).await
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

    /// Whether the job is set up here at all.
    async fn is_on(&self, job: Job) -> ApiResult<bool> {
        Ok(match job {
            Job::IntakePoll => self
                .intake
                .inbox()
                .await?
                .sources
                .iter()
                .any(|s| s.configured),
            Job::DatabaseBackups => self.backups.schedule().is_some(),
            Job::WorkflowBackups => {
                self.backups.schedule().is_some()
                    && self.supervisor.engine()?.clients().gitea.is_some()
            }
            Job::HealthSweep | Job::RunAlert => true,
            Job::BackupAlert => {
                let b = self.backups.clone();
                crate::blocking::run(move || b.alert_limit_on()).await?
            }
        })
    }

    /// Whether anything is due, by reading only.
    async fn is_due(&self, job: Job) -> ApiResult<bool> {
        let b = self.backups.clone();
        match job {
            // Each tick reads the sources (one request to each when nothing is new).
            Job::IntakePoll => Ok(true),
            Job::DatabaseBackups => crate::blocking::run(move || Ok(!b.due()?.is_empty())).await,
            Job::WorkflowBackups => {
                crate::blocking::run(move || Ok(!b.workflows_due()?.is_empty())).await
            }
            Job::HealthSweep => {
                let every = self.sweep_every();
                self.db(move |s| s.job_due(Job::HealthSweep, every)).await
            }
            Job::BackupAlert => {
                let (new, cleared) = self.stale_change().await?;
                Ok(!new.is_empty() || !cleared.is_empty())
            }
            Job::RunAlert => Ok(!self.unalerted_failures().await?.is_empty()),
        }
    }

    fn sweep_every(&self) -> Duration {
        let minutes = self
            .store
            .get_setting(super::health::SCHEDULE_SETTING)
            .ok()
            .flatten()
            .and_then(|m| m.trim().parse::<u64>().ok())
            .filter(|m| *m > 0)
            .unwrap_or(DEFAULT_SWEEP_MINUTES);
        Duration::from_secs(minutes * 60)
    }

    /// The job's work, under its lease.
    async fn work(
        &self,
        job: Job,
        host: Arc<dyn RunHost>,
        lost: &AtomicBool,
    ) -> ApiResult<JobReport> {
        let mut r = JobReport::new(job, JobState::Done);
        match job {
            Job::IntakePoll => {
                let polled = self.intake.poll(host).await?;
                if polled.new_requests > 0 || polled.cancelled > 0 {
                    r.did.push(format!(
                        "{} nya, {} uppsagda",
                        polled.new_requests, polled.cancelled
                    ));
                }
                r.failed
                    .extend(polled.problems.iter().map(|p| p.sv.clone()));
            }
            Job::DatabaseBackups => {
                // A backup a dead tick left half-way is finished first, as it was begun.
                self.resume_interrupted(RunKind::Backup, &mut r, host.clone())
                    .await?;
                let b = self.backups.clone();
                let due = crate::blocking::run(move || b.due()).await?;
                self.backups_of(due, false, &mut r, host.clone(), lost)
                    .await;
            }
            Job::WorkflowBackups => {
                self.resume_interrupted(RunKind::WorkflowBackup, &mut r, host.clone())
                    .await?;
                let b = self.backups.clone();
                let due = crate::blocking::run(move || b.workflows_due()).await?;
                self.backups_of(due, true, &mut r, host.clone(), lost).await;
            }
            Job::HealthSweep => {
                // What the sweep found is its own to alert (an instance turned unhealthy, a
                // token about to expire); the tick says what it checked.
                let s = self.health.sweep_to_end(host).await?;
                r.did.push(format!("{} kontrollerade", s.done));
                if s.unhealthy > 0 {
                    r.did.push(format!("{} inte friska", s.unhealthy));
                }
                if s.failed > 0 {
                    r.did.push(format!("{} kunde inte kontrolleras", s.failed));
                }
            }
            Job::BackupAlert => {
                let (new, cleared) = self.stale_change().await?;
                if !new.is_empty() {
                    let text = Say::BackupsStaleAlert
                        .with(params! { "slugs" => new.join(", ") })
                        .sv;
                    self.alert(
                        AlertKind::BackupStale,
                        &new,
                        &Say::BackupsStale.text().sv,
                        &text,
                        host.as_ref(),
                    )
                    .await?;
                    r.alerted = new.clone();
                }
                if !cleared.is_empty() {
                    let (stale, _) = self.stale_now().await?;
                    self.db(move |s| s.clear_alerts_except(AlertKind::BackupStale, &stale))
                        .await?;
                    r.did
                        .extend(cleared.iter().map(|s| format!("{s}: aktuell igen")));
                }
            }
            Job::RunAlert => {
                let failed = self.unalerted_failures().await?;
                let ids: Vec<String> = failed.iter().map(|(id, _)| id.to_string()).collect();
                let named: Vec<String> = failed.iter().map(|(_, what)| what.clone()).collect();
                let text = Say::RunsFailedAlert
                    .with(params! { "runs" => named.join("; ") })
                    .sv;
                self.alert(
                    AlertKind::RunFailed,
                    &ids,
                    &Say::RunsFailed.text().sv,
                    &text,
                    host.as_ref(),
                )
                .await?;
                r.alerted = named;
            }
        }
        if !r.failed.is_empty() {
            r.state = JobState::Failed;
        } else if r.did.is_empty() && r.alerted.is_empty() {
            r.state = JobState::Nothing;
        }
        Ok(r)
    }

    /// A backup run (of the workflows with `workflows`) for each instance, one after another,
    /// each followed to its end: the slug goes to `did` or, with why, to `failed`. Each is asked
    /// again right before (another seat may have taken it meanwhile); a lost lease stops here.
    async fn backups_of(
        &self,
        slugs: Vec<String>,
        workflows: bool,
        r: &mut JobReport,
        host: Arc<dyn RunHost>,
        lost: &AtomicBool,
    ) {
        for slug in slugs {
            if lost.load(Ordering::SeqCst) {
                r.failed.push(format!(
                    "{slug}: jobbets lån i registret gick förlorat; nästa körning tar resten"
                ));
                return;
            }
            let (b, s) = (self.backups.clone(), slug.clone());
            match crate::blocking::run(move || b.still_due(&s, workflows)).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    r.failed.push(format!("{slug}: {}", e.message));
                    continue;
                }
            }
            let started = if workflows {
                self.backups
                    .back_up_workflows(&slug, true, host.clone())
                    .await
            } else {
                self.backups.create(&slug, true, host.clone()).await
            };
            match started {
                Ok(launched) => match launched.wait().await {
                    Some(Ok(RunState::Succeeded)) => r.did.push(slug),
                    Some(Ok(state)) => r.failed.push(format!("{slug}: {}", state.as_str())),
                    Some(Err(e)) => r.failed.push(format!("{slug}: {e}")),
                    // Another driver has it (a seat working on it): not this tick's.
                    None => {}
                },
                // Busy with another run: the next tick takes it.
                Err(e) if e.code == ErrorCode::CustomerBusy => {}
                Err(e) => r.failed.push(format!("{slug}: {}", e.message)),
            }
        }
    }

    /// The runs of `kind` whose driver is gone (a tick or a window killed), resumed and
    /// followed to their end.
    async fn resume_interrupted(
        &self,
        kind: RunKind,
        r: &mut JobReport,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<()> {
        let env = self.supervisor.environment();
        let runs = self
            .db(move |s| s.interrupted_runs(crate::provision::STALE_AFTER, env))
            .await?;
        for run in runs.into_iter().filter(|run| run.kind == kind) {
            match self.supervisor.resume(run.id, host.clone()).await {
                Ok(handle) => match handle.await {
                    Ok(Ok(RunState::Succeeded)) => r.did.push(run.slug),
                    Ok(Ok(state)) => r.failed.push(format!("{}: {}", run.slug, state.as_str())),
                    Ok(Err(e)) => r.failed.push(format!("{}: {e}", run.slug)),
                    Err(e) => r.failed.push(format!("{}: {e}", run.slug)),
                },
                // Another seat took it over first.
                Err(e) if e.code == ErrorCode::RunBusy => {}
                Err(e) => r.failed.push(format!("{}: {}", run.slug, e.message)),
            }
        }
        Ok(())
    }

    /// The stale instances now, and the open episodes.
    async fn stale_now(&self) -> ApiResult<(Vec<String>, Vec<String>)> {
        let b = self.backups.clone();
        // Only what Fabrik delivered and so backs up: an imported card's age says nothing.
        let stale: Vec<String> = crate::blocking::run(move || {
            let mut stale = Vec::new();
            for a in b.ages()?.into_iter().filter(|a| a.stale) {
                if b.backed_up_by_fabrik(&a.slug)? {
                    stale.push(a.slug);
                }
            }
            Ok::<_, ApiError>(stale)
        })
        .await?;
        let open = self.db(|s| s.open_alerts(AlertKind::BackupStale)).await?;
        Ok((stale, open))
    }

    /// Stale and not yet named in this episode; named and current again.
    async fn stale_change(&self) -> ApiResult<(Vec<String>, Vec<String>)> {
        let (stale, open) = self.stale_now().await?;
        let new = stale
            .iter()
            .filter(|s| !open.contains(s))
            .cloned()
            .collect();
        let cleared = open
            .iter()
            .filter(|s| !stale.contains(s))
            .cloned()
            .collect();
        Ok((new, cleared))
    }

    /// Runs that failed within the alert window and were never named: (number, "#12 slug kind: error").
    async fn unalerted_failures(&self) -> ApiResult<Vec<(i64, String)>> {
        let env = self.supervisor.environment();
        self.db(move |s| {
            let now = chrono::DateTime::parse_from_rfc3339(&s.register_now()?)
                .map_err(|e| Error::Internal(e.to_string()))?;
            let since = now - chrono::Duration::hours(RUN_ALERT_WINDOW_HOURS);
            let named = s.alerted(AlertKind::RunFailed)?;
            Ok(s.list_runs(None, 500)?
                .into_iter()
                .filter(|r| r.environment == env)
                .filter(|r| {
                    r.state == RunState::Failed
                        || r.state == RunState::RollbackFailed
                        || (r.state == RunState::RolledBack && r.error.is_some())
                })
                .filter(|r| {
                    r.finished_at
                        .as_deref()
                        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                        .is_some_and(|t| t >= since)
                })
                .filter(|r| !named.contains(&r.id.to_string()))
                .map(|r| {
                    let why = r.error.as_ref().map(|e| e.sv.clone()).unwrap_or_default();
                    (
                        r.id,
                        format!("#{} {} {}: {why}", r.id, r.slug, r.kind.as_str()),
                    )
                })
                .collect())
        })
        .await
    }

    /// The alert sent (an OS notification where a window or desktop shows it, and the email
    /// to `alerts.email`), then its episodes raised. The email's key is the subjects': a tick
    /// that dies between the two sends it again under the same key, and Resend delivers it once.
    async fn alert(
        &self,
        kind: AlertKind,
        subjects: &[String],
        title: &str,
        text: &str,
        host: &dyn RunHost,
    ) -> ApiResult<()> {
        let mut key = crate::fnv::Fnv1a::new();
        key.write(kind.as_str().as_bytes());
        for s in subjects {
            key.write(s.as_bytes());
            key.write(&[0]);
        }
        let key = format!("fabrik-alert-{}-{:016x}", kind.as_str(), key.finish());
        host.notify(title, text);
        let engine = self.supervisor.engine()?;
        engine.send_alert_keyed(title, text, &key).await?;
        let subjects = subjects.to_vec();
        self.db(move |s| s.raise_alerts(kind, &subjects)).await?;
        Ok(())
    }
}

/// What the window's own round runs while it is open: the backups and the alerts. The window
/// polls the inbox and sweeps on its own clock, with their progress on screen.
pub const WINDOW_JOBS: &[Job] = &[
    Job::DatabaseBackups,
    Job::WorkflowBackups,
    Job::BackupAlert,
    Job::RunAlert,
];

/// How often the open window runs its jobs.
const WINDOW_EVERY: Duration = Duration::from_secs(15 * 60);

impl Ticker {
    /// While the window is open: every quarter of an hour, `WINDOW_JOBS`, each when due. A
    /// tick of `fabrik tick` on this computer at that moment has the seat: the window waits
    /// for its next round.
    pub fn in_window(self: Arc<Self>, host: Arc<dyn RunHost>) {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(WINDOW_EVERY).await;
                let Ok(_lock) = lock_seat(&self.data_dir) else {
                    continue;
                };
                self.round(WINDOW_JOBS, host.clone()).await;
            }
        });
    }
}

/// The refusal when the register cannot be opened at all.
pub fn unreachable(data_dir: &Path, error: ApiError) -> TickReport {
    refuse(data_dir, None, error, Instant::now())
}

/// A whole scheduled tick on the register at `db` (the CLI's `fabrik tick` and the app's
/// `fabrik-app tick`, which the scheduler starts): this computer's lock, the register, the
/// clouds of `environment` (the window's choice when `None`), the keyring, then each due job.
/// Whatever stops it is the report's, never an error.
pub async fn run_scheduled(
    db: &Path,
    environment: Option<crate::environment::Environment>,
    timing: crate::provision::Timing,
    only: &[Job],
    host: Arc<dyn RunHost>,
) -> TickReport {
    let dir = crate::paths::seat_dir(db);
    let started = Instant::now();
    let _lock = match lock_seat(&dir) {
        Ok(lock) => lock,
        Err(e) => {
            let store = Store::open_register(db).ok();
            return refuse(&dir, store.as_ref(), e, started);
        }
    };
    let store = match Store::open_register(db) {
        Ok(s) => Arc::new(s),
        Err(e) => return unreachable(&dir, e.into()),
    };
    let environment = environment.unwrap_or_else(|| store.stored_environment());
    store.set_environment(environment);
    let mut cloud = match CloudApi::open_in(store.clone(), environment, &dir).await {
        Ok(c) => c,
        Err(e) => return refuse(&dir, Some(&store), e.into(), started),
    };
    cloud.timeout = timing.call_timeout;
    let cloud = Arc::new(cloud);
    let supervisor = Supervisor::new(
        store,
        cloud.clone(),
        timing,
        crate::provision::FailurePolicy::Rollback,
    );
    let ticker = Ticker::new(cloud.clone(), supervisor, &dir);
    let report = ticker.tick(only, host).await;
    drop(ticker);
    // The sandbox saves its world as it stops.
    if let Some(sb) = Arc::into_inner(cloud).and_then(|c| c.sandbox) {
        sb.shutdown().await;
    }
    report
}

/// `fabrik-app tick` (what the scheduler installed from the window runs): the tick without a
/// window, its report in the log and on standard output; the process's exit code.
pub fn headless(db: &Path) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("the tick could not start: {e}");
            return 3;
        }
    };
    let report = runtime.block_on(run_scheduled(
        db,
        None,
        crate::provision::Timing::default(),
        &[],
        Arc::new(LogHost),
    ));
    println!(
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
    i32::from(exit_code(&report))
}

/// A tick's runs need no screen: their notifications go to the log.
pub struct LogHost;

impl RunHost for LogHost {
    fn emit(&self, _event: &crate::provision::RunEvent) {}
    fn notify(&self, title: &str, body: &str) {
        tracing::info!("{title}: {body}");
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

/// Inställningar → Schemalagt arbete: what the system's scheduler has, the last ticks on the
/// register (who, when, what), and the last tick on this seat that never reached the register.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ScheduleView {
    pub installed: crate::schedule::system::Installed,
    pub ticks: Vec<crate::store::schedule::TickRow>,
    /// JSON of a tick refused here before the register answered (`at`, `refused`).
    pub refused_here: Option<String>,
}

/// The view, read now.
pub fn schedule_view(store: &Store, data_dir: &Path) -> ApiResult<ScheduleView> {
    Ok(ScheduleView {
        installed: crate::schedule::system::status(data_dir),
        ticks: store.recent_ticks(10)?,
        refused_here: last_refusal_here(data_dir).map(|v| v.to_string()),
    })
}

/// What the scheduler is to run from the window: this app (the AppImage itself when it runs
/// as one: the program inside is gone once it stops) with `tick`, on the default register.
pub fn app_command() -> ApiResult<crate::schedule::units::Command> {
    let exe = match std::env::var_os("APPIMAGE") {
        Some(image) => PathBuf::from(image),
        None => std::env::current_exe().map_err(|e| ApiError::from(Error::Io(e)))?,
    };
    Ok(crate::schedule::units::Command {
        exe,
        db: None,
        environment: None,
    })
}

/// A scheduler's refusal, or a plan that is not one, as the window and the CLI say it.
pub fn schedule_error(e: crate::schedule::system::ScheduleError) -> ApiError {
    use crate::schedule::system::{ScheduleError, Scheduler};
    match e {
        ScheduleError::Plan(value) => Error::Refused {
            code: ErrorCode::SchedulePlan,
            params: params! { "value" => value },
        },
        other => Error::Refused {
            code: ErrorCode::ScheduleFailed,
            params: params! { "scheduler" => Scheduler::here().name(), "detail" => other },
        },
    }
    .into()
}
