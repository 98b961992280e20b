//! What the overview reads in one go (issue #68): the runs whose last word is a failure, the
//! instances whose last health check found something, and the live customers by status. One
//! query each, over the whole environment, so the start page answers at 500 customers in
//! milliseconds (`benches/overview`).

use std::collections::HashMap;

use crate::customer::Status;
use crate::environment::Environment;
use crate::error::Result;
use crate::ledger::{LogLevel, RunState};
use crate::store::db::{params, Optional};
use crate::store::runs::{run_row, RunRow, RUN_COLUMNS};
use crate::store::{Rows, Store};

/// An instance whose newest health check was not healthy.
#[derive(Debug, Clone)]
pub struct Unhealthy {
    pub slug: String,
    pub name: String,
    pub checked_at: String,
    pub findings: u32,
}

/// The register's rows of this part of the customer: bring it into scope to read or write them.
pub trait AttentionRows: Rows {
    /// Each customer's newest run in `env`, when it failed, its rollback did, or it was rolled
    /// back after a failure (what it was to do is not done): a later run of any kind (a retry,
    /// a teardown) answers it.
    fn runs_ending_in_failure(&self, env: Environment) -> Result<Vec<RunRow>> {
        let conn = self.store().conn();
        Ok(conn.query_map(
            &format!(
                "SELECT {RUN_COLUMNS} FROM runs r JOIN customers c ON c.id = r.customer_id
                  WHERE r.environment = ?1 AND c.archived_at IS NULL
                    AND (r.state IN (?2, ?3)
                         OR (r.state = ?4 AND (r.error IS NOT NULL
                             OR EXISTS (SELECT 1 FROM run_log l WHERE l.run_id = r.id AND l.level = ?5))))
                    AND NOT EXISTS (SELECT 1 FROM runs l WHERE l.customer_id = r.customer_id
                                       AND l.environment = r.environment AND l.id > r.id)
                  ORDER BY r.id DESC"
            ),
            params![
                env,
                RunState::Failed,
                RunState::RollbackFailed,
                RunState::RolledBack,
                LogLevel::Error
            ],
            run_row,
        )?)
    }

    /// The last error a run logged, in words: why a run that was rolled back failed (its own
    /// error is cleared when the rollback leaves nothing behind).
    fn last_run_error(&self, run_id: i64) -> Result<Option<crate::messages::Text>> {
        let row: Option<(String, Option<String>)> = self
            .store()
            .conn()
            .query_row(
                "SELECT message, message_en FROM run_log WHERE run_id = ?1 AND level = ?2
                  ORDER BY id DESC LIMIT 1",
                params![run_id, LogLevel::Error],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.map(|(sv, en)| crate::messages::Text {
            en: en.unwrap_or_else(|| sv.clone()),
            sv,
        }))
    }

    /// The live customers whose newest health check in `env` found something.
    fn unhealthy_instances(&self, env: Environment) -> Result<Vec<Unhealthy>> {
        let conn = self.store().conn();
        Ok(conn.query_map(
            "SELECT c.slug, c.name, h.checked_at, h.findings_n
               FROM health_checks h JOIN customers c ON c.id = h.customer_id
              WHERE h.environment = ?1 AND NOT h.healthy AND c.archived_at IS NULL
              ORDER BY h.checked_at DESC",
            params![env],
            |r| {
                Ok(Unhealthy {
                    slug: r.get(0)?,
                    name: r.get(1)?,
                    checked_at: r.get(2)?,
                    findings: u32::try_from(r.get::<i64>(3)?).unwrap_or(0),
                })
            },
        )?)
    }

    /// Every live customer's slug and name, by id.
    fn live_customer_names(&self) -> Result<HashMap<i64, (String, String)>> {
        let rows: Vec<(i64, String, String)> = self.store().conn().query_map(
            "SELECT id, slug, name FROM customers WHERE archived_at IS NULL",
            (),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(rows.into_iter().map(|(id, s, n)| (id, (s, n))).collect())
    }

    /// How many live customers are in each status in `env`, and how many delivered instances
    /// were last found healthy and not.
    fn fleet_counts(&self, env: Environment) -> Result<(HashMap<Status, u32>, u32, u32)> {
        let conn = self.store().conn();
        let by_status: Vec<(Status, i64)> = conn.query_map(
            "SELECT status, count(*) FROM listing WHERE environment = ?1 GROUP BY status",
            params![env],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (healthy, unhealthy): (i64, i64) = conn.query_row(
            "SELECT coalesce(sum(CASE WHEN h.healthy THEN 1 ELSE 0 END), 0),
                    coalesce(sum(CASE WHEN h.healthy THEN 0 ELSE 1 END), 0)
               FROM health_checks h JOIN customers c ON c.id = h.customer_id
              WHERE h.environment = ?1 AND c.archived_at IS NULL",
            params![env],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let n = |v: i64| u32::try_from(v).unwrap_or(0);
        Ok((
            by_status.into_iter().map(|(s, c)| (s, n(c))).collect(),
            n(healthy),
            n(unhealthy),
        ))
    }
}

impl AttentionRows for Store {}
