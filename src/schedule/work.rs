//! What each job does once it is due and its lease is held: the inbox polled, the due backups
//! run one after another (a backup a dead tick left half-way finished first), the usage
//! collected (`usage.rs`), the health sweep run to its end, and the alerts sent and their
//! episodes kept in the register.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::report::{JobReport, JobState};
use super::ticker::Ticker;
use crate::error::ApiResult;
use crate::ledger::{RunKind, RunState};
use crate::messages::{params, ErrorCode, Say};
use crate::provision::RunRequest;
use crate::schedule::rows::ScheduleRows;
use crate::schedule::rows::{AlertKind, Job};
use crate::supervisor::host::RunHost;

impl Ticker {
    /// The job's work, under its lease (`jobs::def`), and its report's state from what it did.
    pub(super) async fn work(
        &self,
        job: Job,
        host: Arc<dyn RunHost>,
        lost: &AtomicBool,
    ) -> ApiResult<JobReport> {
        let mut r = JobReport::new(job, JobState::Done);
        (super::jobs::def(job).work)(self, &mut r, host, lost).await?;
        if !r.failed.is_empty() {
            r.state = JobState::Failed;
        } else if r.did.is_empty() && r.alerted.is_empty() {
            r.state = JobState::Nothing;
        }
        Ok(r)
    }

    /// The inbox polled: new requests, cancellations, the subscriptions' snapshots kept.
    pub(super) async fn intake_work(
        &self,
        r: &mut JobReport,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<()> {
        let polled = self.intake.poll(host.clone()).await?;
        if polled.new_requests > 0 || polled.cancelled > 0 {
            r.did.push(format!(
                "{} nya, {} uppsagda",
                polled.new_requests, polled.cancelled
            ));
        }
        if let Some(changed) = polled.reconciled {
            r.did.push(format!(
                "avstämning mot Stripes prenumerationer: {changed} ändrade"
            ));
        }
        r.failed
            .extend(polled.problems.iter().map(|p| p.sv.clone()));
        Ok(())
    }

    /// The due database backups (`workflows`: the workflows'), one after another; a backup a
    /// dead tick left half-way is finished first, as it was begun.
    pub(super) async fn backups_work(
        &self,
        workflows: bool,
        r: &mut JobReport,
        host: Arc<dyn RunHost>,
        lost: &AtomicBool,
    ) -> ApiResult<()> {
        let kind = if workflows {
            RunKind::WorkflowBackup
        } else {
            RunKind::Backup
        };
        self.resume_interrupted(kind, r, host.clone()).await?;
        let due = if workflows {
            self.rules(|b| b.workflows_due()).await?
        } else {
            self.rules(|b| b.due()).await?
        };
        self.backups_of(due, workflows, r, host, lost).await;
        Ok(())
    }

    pub(super) async fn usage_job(
        &self,
        r: &mut JobReport,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<()> {
        self.usage_work(r, host.as_ref()).await
    }

    /// What the sweep found is its own to alert (an instance turned unhealthy, a token about to
    /// expire); the tick says what it checked.
    pub(super) async fn sweep_work(
        &self,
        r: &mut JobReport,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<()> {
        let s = self.health.sweep_to_end(host).await?;
        r.did.push(format!("{} kontrollerade", s.done));
        if s.unhealthy > 0 {
            r.did.push(format!("{} inte friska", s.unhealthy));
        }
        if s.usage > 0 {
            r.did.push(format!("{} nära en gräns", s.usage));
        }
        if s.failed > 0 {
            r.did.push(format!("{} kunde inte kontrolleras", s.failed));
        }
        Ok(())
    }

    pub(super) async fn backup_alert_work(
        &self,
        r: &mut JobReport,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<()> {
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
        Ok(())
    }

    pub(super) async fn run_alert_work(
        &self,
        r: &mut JobReport,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<()> {
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
        Ok(())
    }

    pub(super) async fn handover_work(&self, r: &mut JobReport) -> ApiResult<()> {
        let supervisor = self.supervisor.clone();
        let engine = crate::blocking::run(move || supervisor.engine()).await?;
        let done = crate::handover::Handovers::new(&engine)
            .follow_all()
            .await?;
        r.did
            .extend(done.into_iter().map(|s| format!("{s}: överlämnad")));
        Ok(())
    }

    pub(super) async fn export_keeping_work(&self, r: &mut JobReport) -> ApiResult<()> {
        let swept = self
            .db(|s| crate::export::keeping::sweep(s, crate::store::now()))
            .await?;
        r.did.extend(
            swept
                .removed
                .iter()
                .map(|e| format!("{}: borttagen", e.file)),
        );
        // A person decides about a file that is not the one written: said each time.
        r.failed.extend(
            swept
                .left
                .iter()
                .map(|(e, why)| format!("{}: lämnad, {why}", e.file)),
        );
        Ok(())
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
            let s = slug.clone();
            match self.rules(move |b| b.still_due(&s, workflows)).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    r.failed.push(format!("{slug}: {}", e.message));
                    continue;
                }
            }
            // Asked as the schedule (`scheduled`), like "Säkerhetskopiera nu" otherwise.
            let request = if workflows {
                RunRequest::WorkflowBackup {
                    scheduled: Some(true),
                    provisioned: None,
                }
            } else {
                RunRequest::Backup {
                    scheduled: Some(true),
                }
            };
            let started = self
                .supervisor
                .start_run(slug.clone(), request, host.clone())
                .await;
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
        // Only runs this seat can vouch for (`Engine::vouch`); the others wait for an owner,
        // named once by the run alert's job.
        let runs = self
            .db(move |s| {
                let mut runs = s.interrupted_runs(crate::provision::STALE_AFTER, env)?;
                let mut vouched = Vec::with_capacity(runs.len());
                for r in runs.drain(..) {
                    if s.vouches_for(&r)? {
                        vouched.push(r);
                    }
                }
                Ok(vouched)
            })
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

    /// The alert sent (an OS notification where a window or desktop shows it, and the email
    /// to `alerts.email`), then its episodes raised. The email's key is the subjects' and
    /// their episodes' (when each last one ended): a tick that dies between the two sends it
    /// again under the same key, and Resend delivers it once; a new episode is a new email.
    pub(super) async fn alert(
        &self,
        kind: AlertKind,
        subjects: &[String],
        title: &str,
        text: &str,
        host: &dyn RunHost,
    ) -> ApiResult<()> {
        let ended = self.db(move |s| s.cleared_alerts(kind)).await?;
        let mut key = crate::fnv::Fnv1a::new();
        key.write(kind.as_str().as_bytes());
        for s in subjects {
            key.write(s.as_bytes());
            key.write(&[0]);
            if let Some((_, at)) = ended.iter().find(|(e, _)| e == s) {
                key.write(at.as_bytes());
                key.write(&[0]);
            }
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
