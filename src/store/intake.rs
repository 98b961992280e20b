//! The inbox (issue #42): requests from the portal and payments from Stripe, one row each
//! (`UNIQUE (source, external_id)`), before they are customers. The register decides who
//! approves: `claim_intake` is one `pending` → `approved` change that only one seat can make, so
//! two seats never provision one request twice. After the approval the row points at the
//! customer and the run; what the portal was last told is kept beside it.

use serde::Serialize;
use ts_rs::TS;

use super::db::{params, Optional, Row};
use super::Store;
use crate::error::Result;
use crate::ledger::{RunState, StepKey};
use crate::vocabulary::vocabulary;

vocabulary!(
    /// Where a request came from.
    pub enum IntakeSource { Portal => "portal", Stripe => "stripe" }
);
vocabulary!(
    /// What was decided about a request. What an approved one became is its run's.
    pub enum IntakeState {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
        /// Stripe ended the subscription before anyone approved it.
        Cancelled => "cancelled",
    }
);

/// A request as the source said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIntake {
    pub source: IntakeSource,
    pub external_id: String,
    pub name: String,
    pub admin_email: String,
    pub plan: Option<crate::customer::Plan>,
    /// JSON object, no secret.
    pub detail: String,
}

/// A request in the inbox, with what became of it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IntakeItem {
    #[ts(type = "number")]
    pub id: i64,
    pub source: IntakeSource,
    pub external_id: String,
    pub name: String,
    pub admin_email: String,
    pub plan: Option<crate::customer::Plan>,
    #[ts(type = "Record<string, unknown>")]
    pub detail: serde_json::Value,
    pub state: IntakeState,
    pub reason: Option<String>,
    /// The customer it became (its slug), once approved.
    pub slug: Option<String>,
    #[ts(type = "number | null")]
    pub run_id: Option<i64>,
    pub run_state: Option<RunState>,
    /// The step the run is on now, or failed at.
    pub run_step: Option<StepKey>,
    pub run_error: Option<String>,
    pub cancelled_at: Option<String>,
    pub received_at: String,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    /// What the portal was last told (JSON of its columns), and its last refusal.
    #[ts(skip)]
    #[serde(skip)]
    pub portal_written: Option<String>,
    pub portal_error: Option<String>,
}

/// A source's poll state and the owner's choices for it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IntakeSourceState {
    pub source: IntakeSource,
    /// Stripe: the newest event's `created` read so far (Stripe's clock, unix seconds).
    #[ts(type = "number | null")]
    pub cursor: Option<i64>,
    pub polled_at: Option<String>,
    pub polled_by: Option<String>,
    /// What the last poll could not do.
    pub problem: Option<String>,
    /// Approve what arrives without asking.
    pub auto: bool,
    /// Stripe price or product id → plan.
    pub plans: std::collections::BTreeMap<String, crate::customer::Plan>,
}

const COLUMNS: &str = "i.id, i.source, i.external_id, i.name, i.admin_email, i.plan, i.detail, i.state, i.reason,
    c.slug, i.run_id, r.state, r.failed_step, r.error, i.cancelled_at, i.received_at, i.decided_at, i.decided_by,
    i.portal_written, i.portal_error,
    (SELECT s.key FROM run_steps s WHERE s.run_id = i.run_id AND s.state IN ('running', 'waiting', 'retrying') LIMIT 1)
    FROM intake i LEFT JOIN customers c ON c.id = i.customer_id LEFT JOIN runs r ON r.id = i.run_id";

fn row(r: &Row) -> super::db::Result<IntakeItem> {
    let detail: String = r.get(6)?;
    let failed: Option<StepKey> = r.get(12)?;
    let current: Option<StepKey> = r.get(20)?;
    Ok(IntakeItem {
        id: r.get(0)?,
        source: r.get(1)?,
        external_id: r.get(2)?,
        name: r.get(3)?,
        admin_email: r.get(4)?,
        plan: r.get(5)?,
        detail: serde_json::from_str(&detail).unwrap_or_default(),
        state: r.get(7)?,
        reason: r.get(8)?,
        slug: r.get(9)?,
        run_id: r.get(10)?,
        run_state: r.get(11)?,
        run_step: current.or(failed),
        run_error: r.get(13)?,
        cancelled_at: r.get(14)?,
        received_at: r.get(15)?,
        decided_at: r.get(16)?,
        decided_by: r.get(17)?,
        portal_written: r.get(18)?,
        portal_error: r.get(19)?,
    })
}

fn source_row(r: &Row) -> super::db::Result<IntakeSourceState> {
    let plans: String = r.get(6)?;
    let auto: i64 = r.get(5)?;
    Ok(IntakeSourceState {
        source: r.get(0)?,
        cursor: r.get(1)?,
        polled_at: r.get(2)?,
        polled_by: r.get(3)?,
        problem: r.get(4)?,
        auto: auto != 0,
        plans: serde_json::from_str(&plans).unwrap_or_default(),
    })
}

impl Store {
    /// The inbox, newest first: what waits, and what was decided in the last `days` days.
    pub fn intake(&self, days: i64) -> Result<Vec<IntakeItem>> {
        let conn = self.conn();
        let since = (super::now() - chrono::Duration::days(days)).to_rfc3339();
        Ok(conn.query_map(
            &format!(
                "SELECT {COLUMNS} WHERE i.state = 'pending' OR i.received_at >= ?1 OR i.decided_at >= ?1
                 ORDER BY i.received_at DESC, i.id DESC LIMIT 1000"
            ),
            [since],
            row,
        )?)
    }

    pub fn intake_item(&self, id: i64) -> Result<Option<IntakeItem>> {
        Ok(self
            .conn()
            .query_row(&format!("SELECT {COLUMNS} WHERE i.id = ?1"), [id], row)
            .optional()?)
    }

    /// Every approved request whose customer still exists: what the portal is kept told of.
    pub fn intake_approved(&self) -> Result<Vec<IntakeItem>> {
        Ok(self.conn().query_map(
            &format!("SELECT {COLUMNS} WHERE i.state IN ('approved', 'rejected') ORDER BY i.id"),
            (),
            row,
        )?)
    }

    /// Adds a request unless its source sent it before; `Some(id)` when it is new.
    pub fn add_intake(&self, new: &NewIntake) -> Result<Option<i64>> {
        let conn = self.conn();
        let now = conn.dialect().now();
        Ok(conn
            .query_row(
                &format!(
                    "INSERT INTO intake (source, external_id, name, admin_email, plan, detail, state, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', {now})
                     ON CONFLICT (source, external_id) DO NOTHING RETURNING id"
                ),
                params![
                    new.source,
                    new.external_id,
                    new.name,
                    new.admin_email,
                    new.plan,
                    new.detail
                ],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// A later event about a request still pending says more of it: a paid checkout names the
    /// company and the price (`prefer`), where the subscription's first invoice, which Stripe
    /// sends first, has only the payer; an invoice fills in only what is still empty.
    pub fn refine_intake(&self, new: &NewIntake, prefer: bool) -> Result<()> {
        let take = |col: &str| {
            if prefer {
                format!("CASE WHEN ?{{n}} <> '' THEN ?{{n}} ELSE {col} END")
            } else {
                format!("CASE WHEN {col} = '' THEN ?{{n}} ELSE {col} END")
            }
        };
        let sql = format!(
            "UPDATE intake SET name = {}, admin_email = {}, plan = COALESCE({}, plan), detail = ?6
             WHERE source = ?1 AND external_id = ?2 AND state = 'pending'",
            take("name").replace("{n}", "3"),
            take("admin_email").replace("{n}", "4"),
            if prefer { "?5" } else { "plan, ?5" },
        );
        self.conn().execute(
            &sql,
            params![
                new.source,
                new.external_id,
                new.name,
                new.admin_email,
                new.plan,
                new.detail
            ],
        )?;
        Ok(())
    }

    /// Whether a Stripe event was handled already (by any seat).
    pub fn intake_event_seen(&self, event_id: &str) -> Result<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM intake_events WHERE event_id = ?1",
                [event_id],
                |r| r.get::<i64>(0),
            )
            .optional()?
            .is_some())
    }

    /// Records that a Stripe event was handled; `false` when it was before (by any seat).
    pub fn take_intake_event(&self, event_id: &str, created: i64) -> Result<bool> {
        let conn = self.conn();
        let now = conn.dialect().now();
        Ok(conn.execute(
            &format!(
                "INSERT INTO intake_events (event_id, created, seen_at) VALUES (?1, ?2, {now})
                 ON CONFLICT (event_id) DO NOTHING"
            ),
            params![event_id, created],
        )? == 1)
    }

    /// Forgets events older than `created` (Stripe's clock): Stripe lists them no more.
    /// Only owners may on a shared register; for others they simply stay.
    pub fn forget_intake_events(&self, created: i64) -> Result<usize> {
        Ok(self
            .conn()
            .execute("DELETE FROM intake_events WHERE created < ?1", [created])?)
    }

    /// `pending` → `approved` by `by`; `false` when it was not pending (another seat took it).
    pub fn claim_intake(&self, id: i64, by: &str) -> Result<bool> {
        let conn = self.conn();
        let now = conn.dialect().now();
        Ok(conn.execute(
            &format!(
                "UPDATE intake SET state = 'approved', decided_at = {now}, decided_by = ?2, reason = NULL
                 WHERE id = ?1 AND state = 'pending'"
            ),
            params![id, by],
        )? == 1)
    }

    /// An approval that made nothing (its customer could not be written) is undone.
    pub fn unclaim_intake(&self, id: i64, reason: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE intake SET state = 'pending', decided_at = NULL, decided_by = NULL, reason = ?2
             WHERE id = ?1 AND state = 'approved' AND customer_id IS NULL",
            params![id, reason],
        )?;
        Ok(())
    }

    /// The customer an approved request becomes, written with the link to it in one
    /// transaction; refused when the request is no longer approved or already has a customer.
    pub fn create_intake_customer(
        &self,
        id: i64,
        draft: crate::customer::CustomerDraft,
        manifest: &crate::customer::ModuleManifest,
    ) -> Result<crate::customer::Customer> {
        self.create_customer_then(draft, manifest, |tx, c| {
            let linked = tx.execute(
                "UPDATE intake SET customer_id = ?2 WHERE id = ?1 AND state = 'approved' AND customer_id IS NULL",
                params![id, c.id],
            )?;
            if linked == 1 {
                Ok(())
            } else {
                Err(crate::error::Error::Internal(format!(
                    "request {id} is no longer approved without a customer"
                )))
            }
        })
    }

    pub fn link_intake(&self, id: i64, customer_id: i64, run_id: Option<i64>) -> Result<()> {
        self.conn().execute(
            "UPDATE intake SET customer_id = ?2, run_id = COALESCE(?3, run_id) WHERE id = ?1",
            params![id, customer_id, run_id],
        )?;
        Ok(())
    }

    /// `pending` → `rejected` with the reason; `false` when it was not pending.
    pub fn reject_intake(&self, id: i64, reason: &str, by: &str) -> Result<bool> {
        let conn = self.conn();
        let now = conn.dialect().now();
        Ok(conn.execute(
            &format!(
                "UPDATE intake SET state = 'rejected', reason = ?2, decided_at = {now}, decided_by = ?3
                 WHERE id = ?1 AND state = 'pending'"
            ),
            params![id, reason, by],
        )? == 1)
    }

    /// The source ended it (a Stripe subscription cancelled): a pending request is cancelled,
    /// an approved one keeps its customer and says so. `false` when no request has this id.
    pub fn cancel_intake(&self, source: IntakeSource, external_id: &str) -> Result<bool> {
        let conn = self.conn();
        let now = conn.dialect().now();
        Ok(conn.execute(
            &format!(
                "UPDATE intake SET cancelled_at = COALESCE(cancelled_at, {now}),
                        state = CASE WHEN state = 'pending' THEN 'cancelled' ELSE state END
                 WHERE source = ?1 AND external_id = ?2"
            ),
            params![source, external_id],
        )? == 1)
    }

    /// What the portal now holds of a request (`written`), and its last refusal.
    pub fn intake_portal(&self, id: i64, written: Option<&str>, error: Option<&str>) -> Result<()> {
        self.conn().execute(
            "UPDATE intake SET portal_written = COALESCE(?2, portal_written), portal_error = ?3 WHERE id = ?1",
            params![id, written, error],
        )?;
        Ok(())
    }

    pub fn intake_source(&self, source: IntakeSource) -> Result<IntakeSourceState> {
        Ok(self.conn().query_row(
            "SELECT source, cursor, polled_at, polled_by, problem, auto, plans FROM intake_sources WHERE source = ?1",
            [source],
            source_row,
        )?)
    }

    /// A poll's end: the cursor moves forward only (two seats polling at once), the time is
    /// the register's.
    pub fn intake_polled(
        &self,
        source: IntakeSource,
        cursor: Option<i64>,
        problem: Option<&str>,
    ) -> Result<()> {
        let conn = self.conn();
        let now = conn.dialect().now();
        conn.execute(
            &format!(
                "UPDATE intake_sources SET cursor = CASE WHEN cursor IS NULL OR ?2 > cursor THEN ?2 ELSE cursor END,
                        polled_at = {now}, polled_by = ?3, problem = ?4
                 WHERE source = ?1"
            ),
            params![source, cursor, self.seat(), problem],
        )?;
        Ok(())
    }

    /// The owner's choices for a source.
    pub fn set_intake_source(
        &self,
        source: IntakeSource,
        auto: bool,
        plans: &std::collections::BTreeMap<String, crate::customer::Plan>,
    ) -> Result<IntakeSourceState> {
        let plans = serde_json::to_string(plans).unwrap_or_else(|_| "{}".into());
        self.conn()
            .execute(
                "UPDATE intake_sources SET auto = ?2, plans = ?3 WHERE source = ?1",
                params![source, i64::from(auto), plans],
            )
            .map_err(crate::error::Error::from)
            .map_err(self.refused(crate::messages::Right::Settings))?;
        self.intake_source(source)
    }

    /// How long ago (seconds, the register's clock) `at` was.
    pub fn seconds_since(&self, at: &str) -> Result<i64> {
        let now = super::clock::db_now(&self.conn())?;
        let then = chrono::DateTime::parse_from_rfc3339(at)
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or(now);
        Ok((now - then).num_seconds())
    }
}
