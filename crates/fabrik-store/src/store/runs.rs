//! The run ledger: runs, their steps (intent before the call, external id after), and the log.

use super::db::{params, Optional, Row};
use serde::Serialize;
use ts_rs::TS;

use super::clock::db_now;
use super::Store;
use crate::environment::Environment;
use crate::error::{Error, Result};
pub use crate::ledger::{Driver, StepUpdate};
use crate::ledger::{LogLevel, RunKind, RunState, StepKey, StepState};
use crate::messages::Text;
use crate::vocabulary::sql_list;

#[derive(Debug, Clone, Serialize, TS)]
pub struct RunRow {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub customer_id: i64,
    pub slug: String,
    pub customer_name: String,
    pub kind: RunKind,
    pub state: RunState,
    pub environment: Environment,
    pub error: Option<Text>,
    pub failed_step: Option<StepKey>,
    pub started_at: String,
    pub finished_at: Option<String>,
    #[ts(type = "number | null")]
    pub owner_pid: Option<i64>,
    pub heartbeat_at: Option<String>,
    /// The seat (user@host) that started the run, and the one that drives it now.
    pub started_by: Option<String>,
    pub seat: Option<String>,
    /// The login that started it, on a shared register with a login per person (the database
    /// records it, from the session); none on a register file.
    pub person: Option<String>,
    /// What the run was asked: its `RunRequest` (`RunRequest::from_stored` reads it back, and
    /// the input of rows written before it was the request).
    #[ts(type = "unknown")]
    pub input: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StepRow {
    pub key: StepKey,
    pub state: StepState,
    pub attempts: u32,
    pub intent: Option<String>,
    pub external_id: Option<String>,
    pub created: bool,
    #[ts(type = "unknown")]
    pub output: Option<serde_json::Value>,
    pub error: Option<Text>,
    pub waiting_for: Option<Text>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    #[ts(type = "number | null")]
    pub seq: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct LogLine {
    #[ts(type = "number")]
    pub id: i64,
    pub step: Option<StepKey>,
    pub at: String,
    pub level: LogLevel,
    pub message: Text,
    pub attempt: Option<u32>,
    #[ts(type = "number | null")]
    pub duration_ms: Option<i64>,
    pub request_id: Option<String>,
}

pub const RUN_COLUMNS: &str =
    "r.id, r.customer_id, c.slug, c.name, r.kind, r.state, r.environment, r.error, r.failed_step,
    r.started_at, r.finished_at, r.owner_pid, r.heartbeat_at, r.error_en, r.input, r.started_by, r.seat, r.person";

/// A text stored as its Swedish column and its English one (older rows: Swedish only).
fn text(sv: Option<String>, en: Option<String>) -> Option<Text> {
    sv.map(|sv| {
        let en = en.unwrap_or_else(|| sv.clone());
        Text { sv, en }
    })
}

pub fn run_row(r: &Row) -> super::db::Result<RunRow> {
    Ok(RunRow {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        slug: r.get(2)?,
        customer_name: r.get(3)?,
        kind: r.get(4)?,
        state: r.get(5)?,
        environment: r.get(6)?,
        error: text(r.get(7)?, r.get(13)?),
        failed_step: r.get(8)?,
        started_at: r.get(9)?,
        finished_at: r.get(10)?,
        owner_pid: r.get(11)?,
        heartbeat_at: r.get(12)?,
        input: r
            .get::<Option<String>>(14)?
            .and_then(|i| serde_json::from_str(&i).ok()),
        started_by: r.get(15)?,
        seat: r.get(16)?,
        person: r.get(17)?,
    })
}

fn step_row(r: &Row) -> super::db::Result<StepRow> {
    let output: Option<String> = r.get(7)?;
    Ok(StepRow {
        key: r.get(0)?,
        state: r.get(1)?,
        attempts: r.get(2)?,
        intent: r.get(3)?,
        external_id: r.get(4)?,
        created: r.get(5)?,
        error: text(r.get(6)?, r.get(12)?),
        output: output.and_then(|o| serde_json::from_str(&o).ok()),
        waiting_for: text(r.get(8)?, r.get(13)?),
        started_at: r.get(9)?,
        finished_at: r.get(10)?,
        seq: r.get(11)?,
    })
}

/// The outcome of asking for a new run.
pub enum NewRun {
    Created(Driver),
    /// The customer already has an active run (the database refused a second one).
    AlreadyActive(i64),
}

/// `('running', 'cancelling', 'rolling_back')`, for SQL that looks for a driven run.
pub(super) fn active_list() -> String {
    sql_list(RunState::ACTIVE.map(RunState::as_str))
}

impl Store {
    /// Creates a run with its steps in `pending`, unless the customer has an active one.
    pub fn create_run(
        &self,
        customer_id: i64,
        kind: RunKind,
        environment: Environment,
        steps: &[StepKey],
    ) -> Result<NewRun> {
        self.create_run_with(customer_id, kind, environment, steps, None)
    }

    /// `create_run` for a run that carries what it was asked to do (`RunRow::input`).
    pub fn create_run_with(
        &self,
        customer_id: i64,
        kind: RunKind,
        environment: Environment,
        steps: &[StepKey],
        input: Option<&serde_json::Value>,
    ) -> Result<NewRun> {
        self.start_run(customer_id, kind, environment, steps, input)
            .map_err(self.refused(kind.right()))
    }

    fn start_run(
        &self,
        customer_id: i64,
        kind: RunKind,
        environment: Environment,
        steps: &[StepKey],
        input: Option<&serde_json::Value>,
    ) -> Result<NewRun> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let ts = db_now(&tx)?.to_rfc3339();
        let driver = Driver::new(0);
        // Writers take turns (the transaction's lock), so a look first is enough: on
        // PostgreSQL a refused INSERT would end the whole transaction. The unique index stays
        // the backstop for a register written by something else.
        let active: Option<i64> = tx
            .query_row(
                &format!(
                    "SELECT id FROM runs WHERE customer_id = ?1 AND state IN {}",
                    active_list()
                ),
                [customer_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = active {
            return Ok(NewRun::AlreadyActive(id));
        }
        let id: i64 = tx.query_row(
            "INSERT INTO runs (customer_id, kind, state, environment, started_at, owner_pid, heartbeat_at, driver, input,
                               started_by, seat)
             VALUES (?1, ?2, ?6, ?3, ?4, ?5, ?4, ?7, ?8, ?9, ?9) RETURNING id",
            params![customer_id, kind, environment, ts, std::process::id(), RunState::Running, driver.token(),
                    input.map(|i| i.to_string()), self.seat()],
            |r| r.get(0),
        )?;
        for s in steps {
            tx.execute(
                "INSERT INTO run_steps (run_id, key, state) VALUES (?1, ?2, ?3)",
                params![id, s, StepState::Pending],
            )?;
        }
        tx.commit()?;
        Ok(NewRun::Created(driver.numbered(id)))
    }

    pub fn get_run(&self, id: i64) -> Result<RunRow> {
        let conn = self.conn();
        conn.query_row(&format!("SELECT {RUN_COLUMNS} FROM runs r JOIN customers c ON c.id = r.customer_id WHERE r.id = ?1"), [id], run_row)
            .optional()?
            .ok_or(Error::RunNotFound(id))
    }

    /// Newest first; `customer_id` narrows to one customer.
    pub fn list_runs(&self, customer_id: Option<i64>, limit: u32) -> Result<Vec<RunRow>> {
        let conn = self.conn();
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM runs r JOIN customers c ON c.id = r.customer_id
             WHERE (CAST(?1 AS BIGINT) IS NULL OR r.customer_id = CAST(?1 AS BIGINT))
             ORDER BY r.id DESC LIMIT ?2"
        );
        let rows = conn.query_map(&sql, params![customer_id, limit], run_row)?;
        Ok(rows)
    }

    /// The customer's newest run in one environment (sandbox and production never share one).
    pub fn latest_run(&self, customer_id: i64, environment: Environment) -> Result<Option<RunRow>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!(
                    "SELECT {RUN_COLUMNS} FROM runs r JOIN customers c ON c.id = r.customer_id
                     WHERE r.customer_id = ?1 AND r.environment = ?2 ORDER BY r.id DESC LIMIT 1"
                ),
                params![customer_id, environment],
                run_row,
            )
            .optional()?)
    }

    pub fn run_steps(&self, run_id: i64) -> Result<Vec<StepRow>> {
        let conn = self.conn();
        let sql = "SELECT key, state, attempts, intent, external_id, created, error, output, waiting_for, started_at, finished_at, seq,
                    error_en, waiting_for_en
             FROM run_steps WHERE run_id = ?1 ORDER BY rowid";
        let rows = conn.query_map(sql, [run_id], step_row)?;
        Ok(rows)
    }

    pub fn run_log(&self, run_id: i64, after_id: i64) -> Result<Vec<LogLine>> {
        let conn = self.conn();
        let sql = "SELECT id, step, at, level, message, attempt, duration_ms, request_id, message_en FROM run_log
             WHERE run_id = ?1 AND id > ?2 ORDER BY id";
        let rows = conn.query_map(sql, params![run_id, after_id], |r| {
            Ok(LogLine {
                id: r.get(0)?,
                step: r.get(1)?,
                at: r.get(2)?,
                level: r.get(3)?,
                message: text(Some(r.get(4)?), r.get(8)?)
                    .unwrap_or_else(|| Text::new(String::new(), String::new())),
                attempt: r.get(5)?,
                duration_ms: r.get(6)?,
                request_id: r.get(7)?,
            })
        })?;
        Ok(rows)
    }

    /// Whether any earlier run of this customer already completed `key` (e.g. the welcome
    /// email, which must go out once per customer, not once per run).
    pub fn step_done_before(
        &self,
        customer_id: i64,
        key: StepKey,
        except_run: i64,
        environment: Environment,
    ) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM run_steps s JOIN runs r ON r.id = s.run_id
             WHERE r.customer_id = ?1 AND s.key = ?2 AND s.state = ?4 AND r.id != ?3 AND r.kind = ?5
               AND r.state != ?6 AND r.environment = ?7)",
            params![
                customer_id,
                key,
                except_run,
                StepState::Succeeded,
                RunKind::Provision,
                RunState::RolledBack,
                environment
            ],
            |r| r.get(0),
        )?)
    }
}

impl Store {
    /// The output of the newest successful `key` step among this customer's runs that were not
    /// rolled back (used to adopt what an earlier run made).
    pub fn last_step_output(
        &self,
        customer_id: i64,
        key: StepKey,
        environment: Environment,
    ) -> Result<Option<serde_json::Value>> {
        self.step_output(customer_id, key, environment, "")
    }

    /// The newest output of a step that succeeded in a run not rolled back, with `and` added
    /// to its conditions.
    fn step_output(
        &self,
        customer_id: i64,
        key: StepKey,
        environment: Environment,
        and: &str,
    ) -> Result<Option<serde_json::Value>> {
        let out: Option<String> = self
            .conn()
            .query_row(
                &format!(
                    "SELECT s.output FROM run_steps s JOIN runs r ON r.id = s.run_id
                     WHERE r.customer_id = ?1 AND s.key = ?2 AND s.state = ?3 AND r.state != ?4
                       AND r.environment = ?5 {and}
                     ORDER BY r.id DESC LIMIT 1"
                ),
                params![
                    customer_id,
                    key,
                    StepState::Succeeded,
                    RunState::RolledBack,
                    environment
                ],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok(out.and_then(|o| serde_json::from_str(&o).ok()))
    }

    /// `last_step_output` of a step that changed something (`created`): a step that found
    /// nothing to do (a promotion of what already served) is passed over. What "Ångra" after a
    /// deployment rollback reads: the production the last real rollback replaced.
    pub fn last_change_output(
        &self,
        customer_id: i64,
        key: StepKey,
        environment: Environment,
    ) -> Result<Option<serde_json::Value>> {
        self.step_output(customer_id, key, environment, "AND s.created")
    }

    /// Whether a run of Fabrik's added `domain` to the customer's project in `environment`
    /// (and no later run removed it): the proof that lets Fabrik remove it.
    pub fn domain_added(
        &self,
        customer_id: i64,
        environment: Environment,
        domain: &str,
    ) -> Result<bool> {
        let last = |key: StepKey| -> Result<i64> {
            Ok(self.conn().query_row(
                "SELECT COALESCE(MAX(r.id), 0) FROM runs r JOIN run_steps s ON s.run_id = r.id
                 WHERE r.customer_id = ?1 AND r.environment = ?2 AND s.key = ?3 AND s.state = ?4
                   AND s.external_id = ?5",
                params![customer_id, environment, key, StepState::Succeeded, domain],
                |r| r.get(0),
            )?)
        };
        let added = last(StepKey::VercelDomainAdd)?;
        Ok(added > 0 && added > last(StepKey::VercelDomainRemove)?)
    }

    /// The choice made with a cancel: roll back, or keep the run resumable.
    pub fn set_cancel_action(&self, run_id: i64, rollback: bool) -> Result<bool> {
        let n = self.conn().execute(
            "UPDATE runs SET state = ?3, cancel_rollback = ?2 WHERE id = ?1 AND state IN (?4, ?3)",
            params![run_id, rollback, RunState::Cancelling, RunState::Running],
        )?;
        Ok(n > 0)
    }

    /// `Some(rollback)` once a cancel was asked for (by any process).
    pub fn cancel_requested(&self, run_id: i64) -> Result<Option<bool>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT state, cancel_rollback FROM runs WHERE id = ?1",
                [run_id],
                |r| Ok((r.get::<RunState>(0)?, r.get::<Option<bool>>(1)?)),
            )
            .optional()?
            .and_then(|(state, rb)| (state == RunState::Cancelling).then_some(rb.unwrap_or(false))))
    }

    /// Puts unfinished steps back to `pending` (resume) and failed ones too (retry).
    pub fn reset_unfinished_steps(&self, run_id: i64, include_failed: bool) -> Result<()> {
        let mut states = StepState::UNFINISHED.to_vec();
        if include_failed {
            states.push(StepState::Failed);
        }
        let states = sql_list(states.into_iter().map(StepState::as_str));
        self.conn().execute(
            &format!("UPDATE run_steps SET state = ?2, waiting_for = NULL, waiting_for_en = NULL WHERE run_id = ?1 AND state IN {states}"),
            params![run_id, StepState::Pending],
        )?;
        Ok(())
    }
}
