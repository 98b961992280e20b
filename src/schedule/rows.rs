//! Scheduled work in the register (issue #43): each job's lease, judged on the database's clock
//! so one seat at a time does it and a seat that died hands over when its lease ends; what each
//! job did last; each tick; and what an alert named, once per episode, across restarts and
//! seats.

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::store::db::{params, Optional, Row};
use crate::store::db_now;
use crate::store::{Rows, Store};
use crate::vocabulary::vocabulary;

vocabulary!(
    /// The work `fabrik tick` does, in the order it does it: the inbox first (a paid customer
    /// waits least), then the backups, the usage (before the sweep, which shows its
    /// warnings), the sweep, and the alerts that read what those left.
    pub enum Job {
        IntakePoll => "intake_poll",
        /// What the subscriptions' states ask of the instances, by the owner's policy, after
        /// the inbox read Stripe's events (issue #58): its own job, with its own lease.
        Billing => "billing",
        DatabaseBackups => "database_backups",
        WorkflowBackups => "workflow_backups",
        UsageCollect => "usage_collect",
        HealthSweep => "health_sweep",
        BackupAlert => "backup_alert",
        RunAlert => "run_alert",
        /// Each handover waiting for its customer asked after (issue #59).
        HandoverFollow => "handover_follow",
        /// The archives in this seat's export folder whose keeping ended, deleted (issue #59).
        ExportKeeping => "export_keeping",
    }
);

vocabulary!(
    /// What a job's last turn came to.
    pub enum JobOutcome {
        /// It did something (a backup, a sweep, an alert sent).
        Done => "done",
        /// It looked and nothing was due.
        Nothing => "nothing",
        Failed => "failed",
    }
);

vocabulary!(
    /// How a tick ended.
    pub enum TickOutcome {
        Ok => "ok",
        /// Something it did failed (named in its report).
        Failed => "failed",
        /// It did not begin: the register, the keyring or another tick (its reason's code).
        Refused => "refused",
    }
);

vocabulary!(
    /// What an alert is about; its subject is a slug or a run's number.
    pub enum AlertKind {
        BackupStale => "backup_stale",
        RunFailed => "run_failed",
        /// A usage limit near or an idle pause coming; its subject is `slug:figure` (or
        /// `slug:idle_pause`), raised by `usage_collect`.
        UsageLimit => "usage_limit",
        /// What billing's policy did or offers; its subject is `slug:transition:episode`
        /// (one episode, one email), raised by the `billing` job, which decides.
        Billing => "billing",
    }
);

impl AlertKind {
    /// The job whose lease holder alone raises and clears this kind (owners aside): kept with
    /// the word in the register's `alert_kinds`, which a shared register's guard reads.
    pub const fn raised_by(self) -> Job {
        match self {
            AlertKind::BackupStale => Job::BackupAlert,
            AlertKind::RunFailed => Job::RunAlert,
            AlertKind::UsageLimit => Job::UsageCollect,
            AlertKind::Billing => Job::Billing,
        }
    }
}

/// A job as the register keeps it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct JobRow {
    pub job: Job,
    /// The seat holding its lease now, and until when (the register's clock).
    pub lease_holder: Option<String>,
    pub lease_until: Option<String>,
    pub last_started_at: Option<String>,
    pub last_finished_at: Option<String>,
    pub last_seat: Option<String>,
    pub last_outcome: Option<JobOutcome>,
    /// JSON: what it did.
    pub last_summary: Option<String>,
}

/// A tick as the register keeps it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TickRow {
    pub id: i64,
    pub seat: String,
    /// The login on a shared register.
    pub person: Option<String>,
    /// Who ticked, as a person reads it (the login, else "anna på byran-laptop").
    pub who: crate::messages::Text,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub outcome: Option<TickOutcome>,
    /// The code a refused tick stopped on.
    pub reason: Option<String>,
    /// JSON: the tick's report.
    pub report: String,
}

/// A job's lease held by this seat: renewed while the job works, released with what it did.
#[derive(Debug, Clone)]
pub struct JobLease {
    pub job: Job,
    /// This seat and this tick: a lease taken over by another holder is no longer this one.
    pub holder: String,
    /// When it was taken (the register's clock): the job's start once it is given back.
    pub started_at: String,
}

/// How long the register keeps a tick's report.
pub const TICKS_KEPT_DAYS: i64 = 90;

/// How long a job's lease lasts without renewal (the tick's): a seat that dies mid-job hands
/// the job over after this. The longest lease the code takes: the shared register refuses a
/// longer one from anyone but an owner (migration 030), so a job cannot be held for good.
pub const JOB_LEASE: std::time::Duration = std::time::Duration::from_secs(120);

const JOB_COLUMNS: &str = "job, lease_holder, lease_until, last_started_at, last_finished_at, last_seat, last_outcome, last_summary";

fn job_row(r: &Row) -> crate::store::db::Result<JobRow> {
    Ok(JobRow {
        job: r.get(0)?,
        lease_holder: r.get(1)?,
        lease_until: r.get(2)?,
        last_started_at: r.get(3)?,
        last_finished_at: r.get(4)?,
        last_seat: r.get(5)?,
        last_outcome: r.get(6)?,
        last_summary: r.get(7)?,
    })
}

const TICK_COLUMNS: &str = "id, seat, person, started_at, finished_at, outcome, reason, report";

fn tick_row(r: &Row) -> crate::store::db::Result<TickRow> {
    let (seat, person): (String, Option<String>) = (r.get(1)?, r.get(2)?);
    Ok(TickRow {
        id: r.get(0)?,
        who: crate::messages::seat::shown(&seat, person.as_deref()),
        seat,
        person,
        started_at: r.get(3)?,
        finished_at: r.get(4)?,
        outcome: r.get(5)?,
        reason: r.get(6)?,
        report: r.get(7)?,
    })
}

/// The register's rows of this area: bring it into scope to read or write them.
pub trait ScheduleRows: Rows {
    /// Every job the register has a row for.
    fn scheduled_jobs(&self) -> Result<Vec<JobRow>> {
        let conn = self.store().conn();
        Ok(conn.query_map(
            &format!("SELECT {JOB_COLUMNS} FROM scheduled_jobs ORDER BY job"),
            (),
            job_row,
        )?)
    }

    fn scheduled_job(&self, job: Job) -> Result<Option<JobRow>> {
        let conn = self.store().conn();
        Ok(conn
            .query_row(
                &format!("SELECT {JOB_COLUMNS} FROM scheduled_jobs WHERE job = ?1"),
                params![job],
                job_row,
            )
            .optional()?)
    }

    /// Whether `job` last started longer than `every` ago by the register's clock (or never;
    /// a turn counts once it is given back).
    fn job_due(&self, job: Job, every: std::time::Duration) -> Result<bool> {
        let conn = self.store().conn();
        let now = db_now(&conn)?;
        let last: Option<String> = conn
            .query_row(
                "SELECT last_started_at FROM scheduled_jobs WHERE job = ?1",
                params![job],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let every = chrono::Duration::from_std(every).unwrap_or(chrono::Duration::MAX);
        Ok(last
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .is_none_or(|t| now - t.with_timezone(&chrono::Utc) >= every))
    }

    /// Takes `job`'s lease for `ttl` when nobody holds it (or a holder's lease ran out), on the
    /// register's clock; `None` with the holder and the lease's end when another holds it.
    /// One statement decides, so of two seats asking at once exactly one gets it.
    fn lease_job(
        &self,
        job: Job,
        holder: &str,
        ttl: std::time::Duration,
    ) -> Result<std::result::Result<JobLease, (String, String)>> {
        let mut conn = self.store().conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO scheduled_jobs (job) VALUES (?1) ON CONFLICT (job) DO NOTHING",
            params![job],
        )?;
        let now = db_now(&tx)?;
        let until = now + chrono::Duration::from_std(ttl).unwrap_or_default();
        let taken = tx.execute(
            "UPDATE scheduled_jobs SET lease_holder = ?2, lease_until = ?3
             WHERE job = ?1 AND (lease_until IS NULL OR lease_until <= ?4)",
            params![job, holder, until.to_rfc3339(), now.to_rfc3339()],
        )?;
        if taken == 1 {
            tx.commit()?;
            return Ok(Ok(JobLease {
                job,
                holder: holder.to_string(),
                started_at: now.to_rfc3339(),
            }));
        }
        let held: (Option<String>, Option<String>) = tx.query_row(
            "SELECT lease_holder, lease_until FROM scheduled_jobs WHERE job = ?1",
            params![job],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tx.commit()?;
        Ok(Err((
            held.0.unwrap_or_default(),
            held.1.unwrap_or_default(),
        )))
    }

    /// The lease kept for another `ttl` while the job works; false once another holder took it
    /// (this one ran out: the job stops writing).
    fn renew_job(&self, lease: &JobLease, ttl: std::time::Duration) -> Result<bool> {
        let conn = self.store().conn();
        let now = db_now(&conn)?;
        let until = now + chrono::Duration::from_std(ttl).unwrap_or_default();
        let changed = conn.execute(
            "UPDATE scheduled_jobs SET lease_until = ?3 WHERE job = ?1 AND lease_holder = ?2",
            params![lease.job, lease.holder, until.to_rfc3339()],
        )?;
        Ok(changed == 1)
    }

    /// The lease given back with what the job did.
    fn release_job(
        &self,
        lease: &JobLease,
        outcome: JobOutcome,
        summary: &serde_json::Value,
    ) -> Result<()> {
        let conn = self.store().conn();
        conn.execute(
            &format!(
                "UPDATE scheduled_jobs SET lease_holder = NULL, lease_until = NULL,
                   last_started_at = ?5, last_seat = ?6, last_finished_at = {},
                   last_outcome = ?3, last_summary = ?4
                 WHERE job = ?1 AND lease_holder = ?2",
                conn.dialect().now()
            ),
            params![
                lease.job,
                lease.holder,
                outcome,
                summary.to_string(),
                lease.started_at,
                self.store().seat()
            ],
        )?;
        Ok(())
    }

    /// A tick begun (or refused: `outcome` given at once); its number.
    fn begin_tick(&self, refused: Option<(&str, &serde_json::Value)>) -> Result<i64> {
        let conn = self.store().conn();
        let now = conn.dialect().now();
        let (outcome, reason, report, finished) = match refused {
            Some((code, report)) => (
                Some(TickOutcome::Refused),
                Some(code.to_string()),
                report.to_string(),
                now,
            ),
            None => (None, None, "{}".to_string(), "NULL"),
        };
        Ok(conn.query_row(
            &format!(
                "INSERT INTO ticks (seat, started_at, finished_at, outcome, reason, report)
                 VALUES (?1, {now}, {finished}, ?2, ?3, ?4) RETURNING id"
            ),
            params![self.store().seat(), outcome, reason, report],
            |r| r.get(0),
        )?)
    }

    /// A tick ended, with its report; ticks older than `TICKS_KEPT_DAYS` go.
    fn finish_tick(&self, id: i64, outcome: TickOutcome, report: &serde_json::Value) -> Result<()> {
        let conn = self.store().conn();
        conn.execute(
            &format!(
                "UPDATE ticks SET finished_at = {}, outcome = ?2, report = ?3 WHERE id = ?1",
                conn.dialect().now()
            ),
            params![id, outcome, report.to_string()],
        )?;
        let cutoff = db_now(&conn)? - chrono::Duration::days(TICKS_KEPT_DAYS);
        conn.execute(
            "DELETE FROM ticks WHERE started_at < ?1",
            params![cutoff.to_rfc3339()],
        )?;
        Ok(())
    }

    /// The newest ticks, newest first.
    fn recent_ticks(&self, limit: u32) -> Result<Vec<TickRow>> {
        let conn = self.store().conn();
        Ok(conn.query_map(
            &format!("SELECT {TICK_COLUMNS} FROM ticks ORDER BY id DESC LIMIT ?1"),
            params![i64::from(limit)],
            tick_row,
        )?)
    }

    /// The subjects of `kind` whose alert is raised and not cleared.
    fn open_alerts(&self, kind: AlertKind) -> Result<Vec<String>> {
        let conn = self.store().conn();
        Ok(conn.query_map(
            "SELECT subject FROM alerts WHERE kind = ?1 AND cleared_at IS NULL ORDER BY subject",
            params![kind],
            |r| r.get(0),
        )?)
    }

    /// Every subject of `kind` ever raised (cleared or not).
    fn alerted(&self, kind: AlertKind) -> Result<Vec<String>> {
        let conn = self.store().conn();
        Ok(conn.query_map(
            "SELECT subject FROM alerts WHERE kind = ?1 ORDER BY subject",
            params![kind],
            |r| r.get(0),
        )?)
    }

    /// When each subject of `kind` whose episode is over was cleared: what tells a new
    /// episode's alert from the last one's.
    fn cleared_alerts(&self, kind: AlertKind) -> Result<Vec<(String, String)>> {
        let conn = self.store().conn();
        Ok(conn.query_map(
            "SELECT subject, cleared_at FROM alerts WHERE kind = ?1 AND cleared_at IS NOT NULL",
            params![kind],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// An episode begun for each subject (named once; one whose episode is open stays as it
    /// is): the subjects this call raised.
    fn raise_alerts(&self, kind: AlertKind, subjects: &[String]) -> Result<Vec<String>> {
        let mut conn = self.store().conn();
        let tx = conn.transaction()?;
        let now = db_now(&tx)?.to_rfc3339();
        let mut raised = Vec::new();
        for s in subjects {
            let again = tx.execute(
                "UPDATE alerts SET raised_at = ?3, raised_by = ?4, cleared_at = NULL
                 WHERE kind = ?1 AND subject = ?2 AND cleared_at IS NOT NULL",
                params![kind, s, now, self.store().seat()],
            )?;
            let new = tx.execute(
                "INSERT INTO alerts (kind, subject, raised_at, raised_by) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (kind, subject) DO NOTHING",
                params![kind, s, now, self.store().seat()],
            )?;
            if again + new > 0 {
                raised.push(s.clone());
            }
        }
        tx.commit()?;
        Ok(raised)
    }

    /// The episodes of `kind` whose subject is not in `still`: ended (named again only when it
    /// turns bad again).
    fn clear_alerts_except(&self, kind: AlertKind, still: &[String]) -> Result<u32> {
        let open = self.open_alerts(kind)?;
        let conn = self.store().conn();
        let now = db_now(&conn)?.to_rfc3339();
        let mut cleared = 0;
        for s in open.iter().filter(|s| !still.contains(s)) {
            cleared += conn.execute(
                "UPDATE alerts SET cleared_at = ?3 WHERE kind = ?1 AND subject = ?2 AND cleared_at IS NULL",
                params![kind, s, now],
            )? as u32;
        }
        Ok(cleared)
    }
}

impl ScheduleRows for Store {}

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(JOB_OUTCOMES: "job_outcomes" => JobOutcome);
crate::words::words_table!(TICK_OUTCOMES: "tick_outcomes" => TickOutcome);
crate::words::words_table!(ALERT_KINDS: "alert_kinds" => AlertKind, with: "job" => |w| AlertKind::parse(w).map_or_else(String::new, |k| format!("'{}'", k.raised_by())));

#[cfg(test)]
mod tests {
    /// The bound the shared register keeps is the tick's own lease.
    #[test]
    fn the_register_bounds_a_lease_at_the_ticks_own() {
        let sql = include_str!(
            "../../crates/fabrik-store/src/store/migrations/postgres/030_server_decides.sql"
        );
        let bound = format!("interval '{} seconds'", super::JOB_LEASE.as_secs());
        assert!(sql.contains(&bound), "030 does not say {bound}");
    }
}
