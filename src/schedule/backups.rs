//! When a backup is due and when one is stale, the rules the tick and the window's round go
//! by (and `fabrik backup due`, the register's ages): every delivered, active instance whose
//! newest backup is older than `backup.schedule_hours` (default 24; 0 turns it off) is due;
//! one older than `backup.alert_hours` (default 48; 0 turns the alert off) is stale. Read from
//! the register and the seat's credentials only: no engine is built to learn whether a Gitea
//! is set.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::customer::rows::CustomerRows;
use crate::customer::rows::HealthRows;
use crate::customer::Status;
use crate::database::backup::rows::BackupRows;
use crate::environment::Environment;
use crate::error::ApiResult;
use crate::secrets::Provider;
use crate::store::Store;
use crate::supervisor::cloud::CloudApi;
use crate::workflows::backups::WorkflowBackupRows;

/// The setting that says how old the newest backup of an instance may grow.
pub const SCHEDULE_SETTING: &str = "backup.schedule_hours";
const DEFAULT_SCHEDULE_HOURS: i64 = 24;

/// The setting that says when a backup is old enough to alert about.
pub const ALERT_SETTING: &str = "backup.alert_hours";
const DEFAULT_ALERT_HOURS: i64 = 48;

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

/// The rules, over this seat's environment. Blocking (SQLite, the keyring).
pub struct BackupRules {
    cloud: Arc<CloudApi>,
}

impl BackupRules {
    pub fn new(cloud: Arc<CloudApi>) -> BackupRules {
        BackupRules { cloud }
    }

    fn store(&self) -> &Store {
        self.cloud.store()
    }

    fn env(&self) -> Environment {
        self.cloud.environment
    }

    /// How old each delivered instance's newest backups are, and which are too old.
    pub fn ages(&self) -> ApiResult<Vec<BackupAge>> {
        let env = self.env();
        let limit = self
            .store()
            .get_setting(ALERT_SETTING)
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(DEFAULT_ALERT_HOURS);
        let max_age = chrono::Duration::hours(limit);
        let mut out = Vec::new();
        for slug in self.store().delivered_slugs(env)? {
            let c = self.store().get_customer_in(&slug, env)?;
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
            .store()
            .get_setting(ALERT_SETTING)?
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(DEFAULT_ALERT_HOURS)
            > 0)
    }

    /// How old the newest backup may grow (`None`: the schedule is off).
    pub fn schedule(&self) -> Option<chrono::Duration> {
        let hours = self
            .store()
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

    /// The active instances whose newest workflow backup is older than the schedule allows;
    /// none while no Gitea is set.
    pub fn workflows_due(&self) -> ApiResult<Vec<String>> {
        if !self.gitea_set()? {
            return Ok(Vec::new());
        }
        self.due_by(|n| n.workflows.as_deref())
    }

    /// Whether workflow backups have somewhere to go: a Gitea address and its token, as the
    /// runs' clients would be given them.
    pub fn gitea_set(&self) -> ApiResult<bool> {
        Ok(!self.cloud.endpoints().gitea_api.is_empty()
            && self.cloud.token(Provider::Gitea)?.is_some())
    }

    /// The active instances whose `pick` of their newest backups is older than the schedule
    /// allows, or missing.
    fn due_by(&self, pick: fn(&Newest) -> Option<&str>) -> ApiResult<Vec<String>> {
        let mut due = Vec::new();
        for slug in self.store().delivered_slugs(self.env())? {
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
        let c = self.store().get_customer_in(slug, self.env())?;
        Ok(c.status == Status::Active
            && self.delivered_here(&c)?
            && older_than(pick(&self.newest(c.id)?), max_age))
    }

    /// Whether Fabrik delivered the instance in this environment (the ledger says so): an
    /// imported or hand-typed instance card has nothing Fabrik may back up.
    fn delivered_here(&self, c: &crate::customer::Customer) -> ApiResult<bool> {
        Ok(!c.instance.is_empty() && self.store().delivered_by(c.id, self.env())?.is_some())
    }

    /// `delivered_here` by slug.
    pub fn backed_up_by_fabrik(&self, slug: &str) -> ApiResult<bool> {
        let c = self.store().get_customer_in(slug, self.env())?;
        self.delivered_here(&c)
    }

    /// The newest backup of each kind of one instance, as RFC 3339 times.
    fn newest(&self, customer_id: i64) -> ApiResult<Newest> {
        let env = self.env();
        Ok(Newest {
            database: self
                .store()
                .backups(customer_id, env, false)?
                .into_iter()
                .map(|b| b.created_at)
                .max(),
            workflows: self
                .store()
                .workflow_backups(customer_id, env)?
                .into_iter()
                .map(|b| b.taken_at)
                .max(),
        })
    }
}
