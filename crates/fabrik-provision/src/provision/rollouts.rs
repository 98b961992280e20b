//! Schema roll-outs in the register: the plan (files, waves, halt rule), where it stands, each
//! instance's part, and the lease of the one process that drives it (the database's clock, as
//! for runs). Every change is one statement or one transaction, so a process killed at any
//! point leaves a roll-out that the next driver reads as it was.

use serde::Serialize;
use ts_rs::TS;

use crate::environment::Environment;
use crate::error::Result;
use crate::ledger::{MemberState, RolloutKind, RolloutState};
use crate::messages::Text;
use crate::store::db::{params, Optional, Row};
use crate::store::db_now;
use crate::store::{driver_gone, stale_before};
use crate::store::{Rows, Store};

/// A roll-out as the register keeps it; `migrations` is the JSON of what it carries (the
/// planned files of a schema roll-out, the target commit of a template roll-out).
#[derive(Debug, Clone, Serialize, TS)]
pub struct RolloutRow {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: RolloutKind,
    pub environment: Environment,
    /// Where the files came from: `dir:/path` or `ref:<repo>@<ref> (<commit>)`.
    pub source: String,
    #[serde(skip)]
    #[ts(skip)]
    pub migrations: String,
    pub state: RolloutState,
    /// The wave being worked on (0 is the canary).
    #[ts(type = "number")]
    pub wave: i64,
    /// A later wave halts the roll-out when more than this share of its instances failed.
    pub halt_share: f64,
    pub halt_reason: Option<Text>,
    pub created_at: String,
    pub created_by: Option<String>,
    pub updated_at: String,
}

/// One instance of a roll-out.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MemberRow {
    #[ts(type = "number")]
    pub customer_id: i64,
    pub slug: String,
    pub name: String,
    #[ts(type = "number")]
    pub wave: i64,
    pub state: MemberState,
    pub reason: Option<Text>,
    #[ts(type = "number | null")]
    pub run_id: Option<i64>,
    pub version_before: Option<String>,
    pub version_after: Option<String>,
}

/// A member as planned.
pub struct NewMember {
    pub customer_id: i64,
    pub wave: i64,
    pub state: MemberState,
    pub reason: Option<Text>,
    pub version_before: Option<String>,
}

const ROLLOUT_COLUMNS: &str =
    "id, environment, source, migrations, state, wave, halt_share, halt_reason,
    halt_reason_en, created_at, created_by, updated_at, kind";

fn rollout(r: &Row) -> crate::store::db::Result<RolloutRow> {
    Ok(RolloutRow {
        id: r.get(0)?,
        environment: r.get(1)?,
        source: r.get(2)?,
        migrations: r.get(3)?,
        state: r.get(4)?,
        wave: r.get(5)?,
        halt_share: r.get(6)?,
        halt_reason: text(r.get(7)?, r.get(8)?),
        created_at: r.get(9)?,
        created_by: r.get(10)?,
        updated_at: r.get(11)?,
        kind: r.get(12)?,
    })
}

fn text(sv: Option<String>, en: Option<String>) -> Option<Text> {
    sv.map(|sv| {
        let en = en.unwrap_or_else(|| sv.clone());
        Text::new(sv, en)
    })
}

/// The register's rows of this area: bring it into scope to read or write them.
pub trait RolloutRows: Rows {
    /// A planned roll-out and its members, in one transaction.
    fn create_rollout(
        &self,
        environment: Environment,
        kind: RolloutKind,
        source: &str,
        migrations_json: &str,
        halt_share: f64,
        members: &[NewMember],
    ) -> Result<i64> {
        let mut conn = self.store().conn();
        let tx = conn.transaction()?;
        let now = db_now(&tx)?.to_rfc3339();
        let id: i64 = tx.query_row(
            "INSERT INTO rollouts (environment, source, migrations, state, wave, halt_share, created_at, created_by, updated_at, kind)
             VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?6, ?8) RETURNING id",
            params![environment, source, migrations_json, RolloutState::Planned, halt_share, now, self.store().seat(), kind],
            |r| r.get(0),
        )?;
        for m in members {
            tx.execute(
                "INSERT INTO rollout_members (rollout_id, customer_id, wave, state, reason, reason_en, version_before)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    id,
                    m.customer_id,
                    m.wave,
                    m.state,
                    m.reason.as_ref().map(|t| t.sv.clone()),
                    m.reason.as_ref().map(|t| t.en.clone()),
                    m.version_before.clone()
                ],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    fn get_rollout(&self, id: i64) -> Result<Option<RolloutRow>> {
        let conn = self.store().conn();
        conn.query_row(
            &format!("SELECT {ROLLOUT_COLUMNS} FROM rollouts WHERE id = ?1"),
            [id],
            rollout,
        )
        .optional()
        .map_err(Into::into)
    }

    /// The environment's roll-outs of a kind, newest first.
    fn list_rollouts(
        &self,
        environment: Environment,
        kind: RolloutKind,
        limit: i64,
    ) -> Result<Vec<RolloutRow>> {
        let conn = self.store().conn();
        conn.query_map(
            &format!(
                "SELECT {ROLLOUT_COLUMNS} FROM rollouts WHERE environment = ?1 AND kind = ?3
                 ORDER BY id DESC LIMIT ?2"
            ),
            params![environment, limit, kind],
            rollout,
        )
        .map_err(Into::into)
    }

    /// The newest roll-out of the environment and kind that may still apply something.
    fn open_rollout(
        &self,
        environment: Environment,
        kind: RolloutKind,
    ) -> Result<Option<RolloutRow>> {
        let conn = self.store().conn();
        conn.query_row(
            &format!(
                "SELECT {ROLLOUT_COLUMNS} FROM rollouts WHERE environment = ?1 AND kind = ?5
                 AND state IN (?2, ?3, ?4) ORDER BY id DESC LIMIT 1"
            ),
            params![
                environment,
                RolloutState::Planned,
                RolloutState::Running,
                RolloutState::Paused,
                kind
            ],
            rollout,
        )
        .optional()
        .map_err(Into::into)
    }

    fn rollout_members(&self, id: i64) -> Result<Vec<MemberRow>> {
        let conn = self.store().conn();
        conn.query_map(
            "SELECT m.customer_id, c.slug, c.name, m.wave, m.state, m.reason, m.reason_en, m.run_id,
                    m.version_before, m.version_after
               FROM rollout_members m JOIN customers c ON c.id = m.customer_id
              WHERE m.rollout_id = ?1 ORDER BY m.wave, c.slug",
            [id],
            |r| {
                Ok(MemberRow {
                    customer_id: r.get(0)?,
                    slug: r.get(1)?,
                    name: r.get(2)?,
                    wave: r.get(3)?,
                    state: r.get(4)?,
                    reason: text(r.get(5)?, r.get(6)?),
                    run_id: r.get(7)?,
                    version_before: r.get(8)?,
                    version_after: r.get(9)?,
                })
            },
        )
        .map_err(Into::into)
    }

    /// Moves the roll-out; `only_from` guards a change against one made meanwhile by another
    /// seat (a pause while the driver halts): `false` when the roll-out was not in one of them.
    fn set_rollout_state(
        &self,
        id: i64,
        state: RolloutState,
        wave: Option<i64>,
        reason: Option<&Text>,
        only_from: &[RolloutState],
    ) -> Result<bool> {
        let conn = self.store().conn();
        let now = db_now(&conn)?.to_rfc3339();
        let from: Vec<&str> = only_from.iter().map(|s| s.as_str()).collect();
        let guard = if from.is_empty() {
            String::new()
        } else {
            format!(
                " AND state IN ({})",
                from.iter()
                    .map(|s| format!("'{s}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let changed = conn.execute(
            &format!(
                "UPDATE rollouts SET state = ?2, wave = COALESCE(?3, wave), halt_reason = ?4, halt_reason_en = ?5,
                        updated_at = ?6 WHERE id = ?1{guard}"
            ),
            params![
                id,
                state,
                wave,
                reason.map(|t| t.sv.clone()),
                reason.map(|t| t.en.clone()),
                now
            ],
        )?;
        Ok(changed == 1)
    }

    /// One instance's part moves on.
    fn set_member(
        &self,
        rollout_id: i64,
        customer_id: i64,
        state: MemberState,
        reason: Option<&Text>,
        run_id: Option<i64>,
        version_after: Option<&str>,
    ) -> Result<()> {
        let conn = self.store().conn();
        conn.execute(
            "UPDATE rollout_members SET state = ?3, reason = ?4, reason_en = ?5,
                    run_id = COALESCE(?6, run_id), version_after = COALESCE(?7, version_after)
              WHERE rollout_id = ?1 AND customer_id = ?2",
            params![
                rollout_id,
                customer_id,
                state,
                reason.map(|t| t.sv.clone()),
                reason.map(|t| t.en.clone()),
                run_id,
                version_after.map(str::to_string)
            ],
        )?;
        Ok(())
    }

    /// Takes the roll-out's lease for `token` when nobody holds it, its holder's heartbeat
    /// lapsed, or its holder was a process of this installation that is gone (kill -9).
    fn claim_rollout(
        &self,
        id: i64,
        token: &str,
        stale_after: std::time::Duration,
    ) -> Result<bool> {
        let mut conn = self.store().conn();
        let tx = conn.transaction()?;
        let now = db_now(&tx)?;
        let before = stale_before(now, stale_after);
        // driver, heartbeat, seat, process
        type Holder = (Option<String>, Option<String>, Option<String>, Option<i64>);
        let held: Option<Holder> = tx
            .query_row(
                "SELECT driver, heartbeat_at, seat, owner_pid FROM rollouts WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((driver, heartbeat, seat, pid)) = held else {
            return Ok(false);
        };
        let free = driver.is_none()
            || driver.as_deref() == Some(token)
            || driver_gone(
                heartbeat.as_deref(),
                seat.as_deref(),
                pid,
                &before,
                self.store().seat(),
            );
        if !free {
            return Ok(false);
        }
        tx.execute(
            "UPDATE rollouts SET driver = ?2, heartbeat_at = ?3, owner_pid = ?4, seat = ?5 WHERE id = ?1",
            params![id, token, now.to_rfc3339(), std::process::id(), self.store().seat()],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// The driver's sign of life; `false` once another driver took the roll-out over.
    fn beat_rollout(&self, id: i64, token: &str) -> Result<bool> {
        let conn = self.store().conn();
        let changed = conn.execute(
            &format!(
                "UPDATE rollouts SET heartbeat_at = {} WHERE id = ?1 AND driver = ?2",
                conn.dialect().now()
            ),
            params![id, token],
        )?;
        Ok(changed == 1)
    }

    /// Lets the lease go (the driver stops: done, halted, paused).
    fn release_rollout(&self, id: i64, token: &str) -> Result<()> {
        let conn = self.store().conn();
        conn.execute(
            "UPDATE rollouts SET driver = NULL, heartbeat_at = NULL, owner_pid = NULL WHERE id = ?1 AND driver = ?2",
            params![id, token],
        )?;
        Ok(())
    }

    /// The newest history version the instance was seen at.
    fn set_schema_version(
        &self,
        customer_id: i64,
        environment: Environment,
        version: Option<&str>,
    ) -> Result<()> {
        let conn = self.store().conn();
        conn.execute(
            "UPDATE instances SET schema_version = ?3 WHERE customer_id = ?1 AND environment = ?2",
            params![customer_id, environment, version.map(str::to_string)],
        )?;
        Ok(())
    }

    /// Every instance's schema version in the environment (customer id → version).
    fn schema_versions(&self, environment: Environment) -> Result<Vec<(i64, Option<String>)>> {
        let conn = self.store().conn();
        conn.query_map(
            "SELECT customer_id, schema_version FROM instances WHERE environment = ?1",
            [environment],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(Into::into)
    }
}

impl RolloutRows for Store {}
