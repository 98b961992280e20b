//! Whether each job is set up here and whether anything is due, by reading only: a job that
//! is off or has nothing due takes no lease. The backups go by `backups.rs`'s rules, the usage
//! by each instance's last reading (`usage.rs`), the sweep by `health.check_minutes` on the
//! register's clock, the alerts by what is new since the last one named it.

use std::time::Duration;

use super::ticker::Ticker;
use crate::error::{ApiError, ApiResult, Error};
use crate::ledger::RunState;
use crate::provision::handovers::HandoverRows;
use crate::schedule::rows::ScheduleRows;
use crate::schedule::rows::{AlertKind, Job};

/// A failed run is alerted when it ended within this long (older ones were seen or are history).
const RUN_ALERT_WINDOW_HOURS: i64 = 24;
/// The health sweep's interval when `health.check_minutes` is not set: once a day.
const DEFAULT_SWEEP_MINUTES: u64 = 24 * 60;

impl Ticker {
    /// Whether the job is set up here at all, and whether anything is due: reads only.
    pub(super) async fn is_on(&self, job: Job) -> ApiResult<bool> {
        (super::jobs::def(job).on)(self).await
    }

    pub(super) async fn is_due(&self, job: Job) -> ApiResult<bool> {
        (super::jobs::def(job).due)(self).await
    }

    /// The inbox: any of its sources set up.
    pub(super) async fn intake_on(&self) -> ApiResult<bool> {
        Ok(self
            .intake
            .inbox()
            .await?
            .sources
            .iter()
            .any(|s| s.configured))
    }

    /// Billing decides on what the inbox's poll kept of the subscriptions: set up with it.
    pub(super) async fn billing_on(&self) -> ApiResult<bool> {
        self.intake_on().await
    }

    pub(super) async fn backups_on(&self) -> ApiResult<bool> {
        Ok(self.backups.schedule().is_some())
    }

    pub(super) async fn backups_due(&self) -> ApiResult<bool> {
        self.rules(|b| Ok(!b.due()?.is_empty())).await
    }

    pub(super) async fn workflow_backups_on(&self) -> ApiResult<bool> {
        Ok(self.backups.schedule().is_some() && self.rules(|b| b.gitea_set()).await?)
    }

    pub(super) async fn workflow_backups_due(&self) -> ApiResult<bool> {
        self.rules(|b| Ok(!b.workflows_due()?.is_empty())).await
    }

    pub(super) async fn usage_on(&self) -> ApiResult<bool> {
        Ok(self.usage_every().await?.is_some())
    }

    pub(super) async fn sweep_due(&self) -> ApiResult<bool> {
        let every = self.sweep_every();
        self.db(move |s| s.job_due(Job::HealthSweep, every)).await
    }

    pub(super) async fn backup_alert_on(&self) -> ApiResult<bool> {
        self.rules(|b| b.alert_limit_on()).await
    }

    pub(super) async fn backup_alert_due(&self) -> ApiResult<bool> {
        let (new, cleared) = self.stale_change().await?;
        Ok(!new.is_empty() || !cleared.is_empty())
    }

    pub(super) async fn run_alert_due(&self) -> ApiResult<bool> {
        Ok(!self.unalerted_failures().await?.is_empty())
    }

    pub(super) async fn handover_due(&self) -> ApiResult<bool> {
        let env = self.supervisor.environment();
        self.db(move |s| Ok(!s.handovers_waiting(env)?.is_empty()))
            .await
    }

    pub(super) async fn export_keeping_on(&self) -> ApiResult<bool> {
        self.db(|s| Ok(crate::export::keeping::keep_days(s).is_some()))
            .await
    }

    pub(super) async fn export_keeping_due(&self) -> ApiResult<bool> {
        self.db(|s| Ok(!crate::export::keeping::due(s, crate::store::now())?.is_empty()))
            .await
    }

    fn sweep_every(&self) -> Duration {
        let minutes = self
            .store
            .get_setting(crate::supervisor::sweep::SCHEDULE_SETTING)
            .ok()
            .flatten()
            .and_then(|m| m.trim().parse::<u64>().ok())
            .filter(|m| *m > 0)
            .unwrap_or(DEFAULT_SWEEP_MINUTES);
        Duration::from_secs(minutes * 60)
    }

    /// The stale instances now, and the open episodes.
    pub(super) async fn stale_now(&self) -> ApiResult<(Vec<String>, Vec<String>)> {
        // Only what Fabrik delivered and so backs up: an imported card's age says nothing.
        let stale: Vec<String> = self
            .rules(|b| {
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
    pub(super) async fn stale_change(&self) -> ApiResult<(Vec<String>, Vec<String>)> {
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
    pub(super) async fn unalerted_failures(&self) -> ApiResult<Vec<(i64, String)>> {
        let env = self.supervisor.environment();
        self.db(move |s| {
            let now = chrono::DateTime::parse_from_rfc3339(&s.register_now()?)
                .map_err(|e| Error::Internal(e.to_string()))?;
            let since = now - chrono::Duration::hours(RUN_ALERT_WINDOW_HOURS);
            let named = s.alerted(AlertKind::RunFailed)?;
            // A run stopped half-way that no seat takes up (its starter does not hold its
            // kind's right: `Engine::vouch`) waits for an owner: named once, like a failure.
            let mut unvouched = Vec::new();
            for r in s.interrupted_runs(crate::provision::STALE_AFTER, env)? {
                if !named.contains(&r.id.to_string()) && !s.vouches_for(&r)? {
                    let who = r.person.clone().unwrap_or_default();
                    let what = format!(
                        "#{} {} {}: startad av {who}, som saknar rätten; ingen dator tar upp den",
                        r.id,
                        r.slug,
                        r.kind.as_str()
                    );
                    unvouched.push((r.id, what));
                }
            }
            let failed: Vec<(i64, String)> = s
                .list_runs(None, 500)?
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
                .collect();
            Ok(failed.into_iter().chain(unvouched).collect())
        })
        .await
    }
}
