//! Backups of the customers' databases, one core behind the window and the CLI: the list (with
//! whether this seat holds the file), a backup now, a restore (a run with the slug typed, that
//! first backs up what it replaces), recovery with Supabase's own backups (what the plan
//! offers, and a run to a point in time or a physical backup), a decrypted copy for standard PostgreSQL tools, and the
//! schedule: every delivered, active instance whose newest backup is older than the setting
//! `backup.schedule_hours` (default 24; 0 turns it off) gets a backup run.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use super::host::RunHost;
use super::supervisor::{Launched, Supervisor};
use super::ApiResult;
use crate::customer::Status;
use crate::database::backup::{crypt, files};
use crate::error::Error;
use crate::provision::RunRequest;
use crate::secrets::SecretStore;
use crate::store::backups::Backup;
use crate::store::Store;

/// The setting that says how old the newest backup of an instance may grow.
pub const SCHEDULE_SETTING: &str = "backup.schedule_hours";
const DEFAULT_SCHEDULE_HOURS: i64 = 24;
/// How often the window looks for instances whose backup is due.
const SCHEDULE_TICK: Duration = Duration::from_secs(15 * 60);

/// A backup as the window and `fabrik backup list` show it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupView {
    #[serde(flatten)]
    pub backup: Backup,
    pub slug: String,
    pub name: String,
    /// Whether this seat holds the file (a backup is on the disk of the seat that took it).
    pub here: bool,
}

pub struct BackupsApi {
    store: Arc<Store>,
    supervisor: Arc<Supervisor>,
    secrets: SecretStore,
}

impl BackupsApi {
    pub fn new(store: Arc<Store>, supervisor: Arc<Supervisor>, secrets: SecretStore) -> BackupsApi {
        BackupsApi {
            store,
            supervisor,
            secrets,
        }
    }

    /// The environment's backups (one customer's when `slug` is given), newest first; removed
    /// ones (by the retention rule) only with `with_removed`.
    pub fn list(&self, slug: Option<&str>, with_removed: bool) -> ApiResult<Vec<BackupView>> {
        let env = self.supervisor.environment();
        let backups = match slug {
            Some(slug) => {
                let c = self.store.get_customer_in(slug, env)?;
                self.store.backups(c.id, env, with_removed)?
            }
            None => self.store.all_backups(env, with_removed)?,
        };
        let mut names = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(backups.len());
        for b in backups {
            if let std::collections::hash_map::Entry::Vacant(e) = names.entry(b.customer_id) {
                e.insert(self.store.customer_names(b.customer_id)?);
            }
            let (slug, name) = names[&b.customer_id].clone();
            let here = b.removed_at.is_none() && files::path_of(&b).is_file();
            out.push(BackupView {
                backup: b,
                slug,
                name,
                here,
            });
        }
        Ok(out)
    }

    /// "Säkerhetskopiera nu": a backup run (`scheduled` when the schedule asks).
    pub async fn create(
        &self,
        slug: &str,
        scheduled: bool,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        let scheduled = scheduled.then_some(true);
        self.supervisor
            .start_run(slug.to_string(), RunRequest::Backup { scheduled }, host)
            .await
    }

    /// "Återställ": a restore run; `confirmation` must be the slug, typed.
    pub async fn restore(
        &self,
        slug: &str,
        backup: i64,
        confirmation: String,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        self.supervisor
            .start_run(
                slug.to_string(),
                RunRequest::Restore {
                    backup,
                    confirmation,
                },
                host,
            )
            .await
    }

    /// What Supabase's own backups can bring the customer's database back to (PITR and its
    /// window, the physical backups), or why nothing and where Fabrik's own backups are.
    pub async fn recovery(&self, slug: &str) -> ApiResult<crate::database::recovery::RecoveryView> {
        let supervisor = self.supervisor.clone();
        let engine = crate::blocking::run(move || supervisor.engine()).await?;
        Ok(engine.recovery(slug).await?)
    }

    /// "Återställ med Supabase": a recover run to `target` (unix seconds), after Fabrik's own
    /// backup of what it replaces; `confirmation` must be the slug, typed. Refused before the
    /// run exists when the plan or the window does not allow it.
    pub async fn recover(
        &self,
        slug: &str,
        target: i64,
        confirmation: String,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        self.supervisor
            .start_run(
                slug.to_string(),
                RunRequest::Recover {
                    target,
                    confirmation,
                },
                host,
            )
            .await
    }

    /// The backup decrypted, as the plain SQL script it holds (for `psql -f`). Only on the seat
    /// that holds the file, with the key from this seat's keyring.
    pub fn plain_sql(&self, backup: i64) -> ApiResult<zeroize::Zeroizing<Vec<u8>>> {
        let b = self
            .store
            .backup(backup)?
            .ok_or_else(|| Error::Internal(format!("no backup {backup}")))?;
        let sealed = files::read(&b).map_err(|e| Error::Internal(e.to_string()))?;
        let key = crypt::key_by_id(&self.secrets, &b.key_id)
            .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(crypt::decrypt(&key, &sealed).map_err(|e| Error::Internal(e.to_string()))?)
    }

    /// How old the newest backup may grow (`None`: the schedule is off).
    pub fn schedule(&self) -> Option<chrono::Duration> {
        let hours = self
            .store
            .get_setting(SCHEDULE_SETTING)
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(DEFAULT_SCHEDULE_HOURS);
        (hours > 0).then(|| chrono::Duration::hours(hours))
    }

    /// The active instances whose newest backup is older than the schedule allows (or that
    /// have none).
    pub fn due(&self) -> ApiResult<Vec<String>> {
        let Some(max_age) = self.schedule() else {
            return Ok(Vec::new());
        };
        let env = self.supervisor.environment();
        let now = chrono::Utc::now();
        let mut due = Vec::new();
        for slug in self.store.delivered_slugs(env)? {
            let c = self.store.get_customer_in(&slug, env)?;
            if c.status != Status::Active {
                continue;
            }
            let newest = self
                .store
                .backups(c.id, env, false)?
                .into_iter()
                .filter_map(|b| chrono::DateTime::parse_from_rfc3339(&b.created_at).ok())
                .max();
            if newest.is_none_or(|t| now - t.with_timezone(&chrono::Utc) > max_age) {
                due.push(slug);
            }
        }
        Ok(due)
    }

    /// A backup run for every due instance, one after another (a busy instance is left for
    /// the next round). Returns the slugs whose run succeeded.
    pub async fn run_due(&self, host: Arc<dyn RunHost>) -> ApiResult<Vec<String>> {
        let mut done = Vec::new();
        for slug in self.due()? {
            let Ok(launched) = self.create(&slug, true, host.clone()).await else {
                continue;
            };
            if let Some(Ok(crate::ledger::RunState::Succeeded)) = launched.wait().await {
                done.push(slug);
            }
        }
        Ok(done)
    }

    /// The window's schedule: every quarter of an hour, the due backups.
    pub fn schedule_in_background(self: Arc<Self>, host: Arc<dyn RunHost>) {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(SCHEDULE_TICK).await;
                match self.run_due(host.clone()).await {
                    Ok(done) if !done.is_empty() => {
                        tracing::info!(count = done.len(), "scheduled backups taken")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(code = %e.code, "scheduled backups: {}", e.message),
                }
            }
        });
    }
}
