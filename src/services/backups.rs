//! Backups of the customers' databases, one core behind the window and the CLI: the list (with
//! whether this seat holds the file), a backup now, a restore (a run with the slug typed, that
//! first backs up what it replaces), recovery with Supabase's own backups (what the plan
//! offers, and a run to a point in time or a physical backup), a decrypted copy for standard PostgreSQL tools, and the
//! schedule: every delivered, active instance whose newest backup is older than the setting
//! `backup.schedule_hours` (default 24; 0 turns it off) gets a backup run.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::customer::Status;
use crate::database::backup::{crypt, files};
use crate::error::ApiResult;
use crate::error::Error;
use crate::provision::RunRequest;
use crate::secrets::SecretStore;
use crate::store::backups::Backup;
use crate::store::workflow_backups::WorkflowBackup;
use crate::store::Store;
use crate::supervisor::host::RunHost;
use crate::supervisor::{Launched, Supervisor};

/// The setting that says how old the newest backup of an instance may grow.
pub const SCHEDULE_SETTING: &str = "backup.schedule_hours";
const DEFAULT_SCHEDULE_HOURS: i64 = 24;

/// How old an instance's newest backups are, for the register beside its health.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupAge {
    pub slug: String,
    /// The newest backup of the database (Fabrik's own), RFC 3339.
    pub database_at: Option<String>,
    /// The newest workflow backup (a commit, or a check that found the repository current).
    pub workflows_at: Option<String>,
    /// Older than `backup.alert_hours` (or none at all) while the limit is on.
    pub stale: bool,
}

/// An instance's newest backups (RFC 3339), the database's and the workflows'.
struct Newest {
    database: Option<String>,
    workflows: Option<String>,
}

/// Missing, or taken longer than `max_age` ago.
fn older_than(at: Option<&str>, max_age: chrono::Duration) -> bool {
    match at.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) {
        Some(t) => chrono::Utc::now() - t.with_timezone(&chrono::Utc) > max_age,
        None => true,
    }
}

/// The setting that says when a backup is old enough to alert about.
pub const ALERT_SETTING: &str = "backup.alert_hours";
const DEFAULT_ALERT_HOURS: i64 = 48;

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
            let here = b.removed_at.is_none() && files::path_of(&b).is_ok_and(|p| p.is_file());
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
        let reader = crate::blocking::run(move || supervisor.reader()).await?;
        Ok(reader.recovery(slug).await?)
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
        Ok(crypt::decrypt(&key, &sealed, &crypt::Binding::of(&b))
            .map_err(|e| Error::Internal(e.to_string()))?)
    }

    /// The customer's workflow backups, newest first: each names the commit that holds it.
    pub fn workflow_backups(&self, slug: &str) -> ApiResult<Vec<WorkflowBackup>> {
        let env = self.supervisor.environment();
        let c = self.store.get_customer_in(slug, env)?;
        Ok(self.store.workflow_backups(c.id, env)?)
    }

    /// The workflow version a person names: its number, or the start of the commit that holds
    /// it (seven characters at least); the newest such when several share the commit.
    pub fn workflow_version(&self, slug: &str, named: &str) -> ApiResult<WorkflowBackup> {
        let wanted = named.trim().to_ascii_lowercase();
        self.workflow_backups(slug)?
            .into_iter()
            .find(|b| {
                b.id.to_string() == wanted
                    || (wanted.len() >= 7
                        && b.commit_sha
                            .as_deref()
                            .is_some_and(|c| c.starts_with(&wanted)))
            })
            .ok_or_else(|| {
                Error::Refused {
                    code: crate::messages::ErrorCode::WorkflowVersionNotFound,
                    params: crate::messages::params! { "version" => named, "workflow" => "", "slug" => slug },
                }
                .into()
            })
    }

    /// "Säkerhetskopiera flöden": the workflow to the backup repository (`scheduled` when the
    /// schedule asks).
    pub async fn back_up_workflows(
        &self,
        slug: &str,
        scheduled: bool,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        let request = RunRequest::WorkflowBackup {
            scheduled: scheduled.then_some(true),
            provisioned: None,
        };
        self.supervisor
            .start_run(slug.to_string(), request, host)
            .await
    }

    /// "Återställ flödet": the version written back after a backup of the current one.
    pub async fn restore_workflow(
        &self,
        slug: &str,
        version: i64,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        self.supervisor
            .start_run(
                slug.to_string(),
                RunRequest::WorkflowRestore { version },
                host,
            )
            .await
    }

    /// Every delivered instance's workflows backed up, `parallel` at a time; each slug with
    /// how its run ended (or why it did not start).
    pub async fn back_up_all_workflows(
        self: &Arc<Self>,
        parallel: usize,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Vec<(String, Result<crate::ledger::RunState, String>)>> {
        use futures_util::StreamExt;
        let me = self.clone();
        let env = self.supervisor.environment();
        let slugs = crate::blocking::run(move || me.store.delivered_slugs(env)).await?;
        let results = futures_util::stream::iter(slugs)
            .map(|slug| {
                let (me, host) = (self.clone(), host.clone());
                async move {
                    let ended = match me.back_up_workflows(&slug, false, host).await {
                        Ok(launched) => match launched.wait().await {
                            Some(Ok(state)) => Ok(state),
                            Some(Err(e)) => Err(e.to_string()),
                            None => Err("busy".to_string()),
                        },
                        Err(e) => Err(e.message),
                    };
                    (slug, ended)
                }
            })
            .buffer_unordered(parallel.max(1))
            .collect()
            .await;
        Ok(results)
    }

    /// How old each delivered instance's newest backups are, and which are too old.
    pub fn ages(&self) -> ApiResult<Vec<BackupAge>> {
        let env = self.supervisor.environment();
        let limit = self
            .store
            .get_setting(ALERT_SETTING)
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(DEFAULT_ALERT_HOURS);
        let max_age = chrono::Duration::hours(limit);
        let mut out = Vec::new();
        for slug in self.store.delivered_slugs(env)? {
            let c = self.store.get_customer_in(&slug, env)?;
            let n = self.newest(c.id)?;
            let stale = limit > 0
                && (older_than(n.database.as_deref(), max_age)
                    || older_than(n.workflows.as_deref(), max_age));
            out.push(BackupAge {
                slug,
                database_at: n.database,
                workflows_at: n.workflows,
                stale,
            });
        }
        Ok(out)
    }

    /// Whether the stale-backup alert is on (`backup.alert_hours` above 0).
    pub fn alert_limit_on(&self) -> ApiResult<bool> {
        Ok(self
            .store
            .get_setting(ALERT_SETTING)?
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(DEFAULT_ALERT_HOURS)
            > 0)
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
        self.due_by(|n| n.database.as_deref())
    }

    /// The active instances whose `pick` of their newest backups is older than the schedule
    /// allows, or missing.
    fn due_by(&self, pick: fn(&Newest) -> Option<&str>) -> ApiResult<Vec<String>> {
        let mut due = Vec::new();
        for slug in self.store.delivered_slugs(self.supervisor.environment())? {
            if self.one_due_by(&slug, pick)? {
                due.push(slug);
            }
        }
        Ok(due)
    }

    /// Whether this one instance's database backup is still due (the schedule's tick asks
    /// again right before each run: another seat may have taken it meanwhile).
    pub fn still_due(&self, slug: &str, workflows: bool) -> ApiResult<bool> {
        self.one_due_by(
            slug,
            if workflows {
                |n| n.workflows.as_deref()
            } else {
                |n| n.database.as_deref()
            },
        )
    }

    fn one_due_by(&self, slug: &str, pick: fn(&Newest) -> Option<&str>) -> ApiResult<bool> {
        let Some(max_age) = self.schedule() else {
            return Ok(false);
        };
        let c = self
            .store
            .get_customer_in(slug, self.supervisor.environment())?;
        Ok(c.status == Status::Active
            && self.delivered_here(&c)?
            && older_than(pick(&self.newest(c.id)?), max_age))
    }

    /// Whether Fabrik delivered the instance in this environment (the ledger says so): an
    /// imported or hand-typed instance card has nothing Fabrik may back up.
    fn delivered_here(&self, c: &crate::customer::Customer) -> ApiResult<bool> {
        let env = self.supervisor.environment();
        Ok(!c.instance.is_empty() && self.store.delivered_by(c.id, env)?.is_some())
    }

    /// `delivered_here` by slug.
    pub fn backed_up_by_fabrik(&self, slug: &str) -> ApiResult<bool> {
        let c = self
            .store
            .get_customer_in(slug, self.supervisor.environment())?;
        self.delivered_here(&c)
    }

    /// The newest backup of each kind of one instance, as RFC 3339 times.
    fn newest(&self, customer_id: i64) -> ApiResult<Newest> {
        let env = self.supervisor.environment();
        Ok(Newest {
            database: self
                .store
                .backups(customer_id, env, false)?
                .into_iter()
                .map(|b| b.created_at)
                .max(),
            workflows: self
                .store
                .workflow_backups(customer_id, env)?
                .into_iter()
                .map(|b| b.taken_at)
                .max(),
        })
    }

    /// A backup run for every due instance, one after another (a busy instance is left for
    /// the next round), then a workflow backup for each whose workflows are due, when a Gitea
    /// is set. Returns the slugs whose run succeeded.
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
        for slug in self.workflows_due()? {
            let Ok(launched) = self.back_up_workflows(&slug, true, host.clone()).await else {
                continue;
            };
            if let Some(Ok(crate::ledger::RunState::Succeeded)) = launched.wait().await {
                done.push(slug);
            }
        }
        Ok(done)
    }

    /// The active instances whose newest workflow backup is older than the schedule allows;
    /// none while no Gitea is set.
    pub fn workflows_due(&self) -> ApiResult<Vec<String>> {
        if self.supervisor.engine()?.clients().gitea.is_none() {
            return Ok(Vec::new());
        }
        self.due_by(|n| n.workflows.as_deref())
    }
}
