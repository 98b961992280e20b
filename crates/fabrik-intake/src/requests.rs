//! The inbox (issue #42): requests from the portal and payments from Stripe, one row each
//! (`UNIQUE (source, external_id)`), before they are customers. The register decides who
//! approves: `claim_intake` is one `pending` → `approved` change that only one seat can make, so
//! two seats never provision one request twice. After the approval the row points at the
//! customer and the run; what the portal was last told is kept beside it. An approval a source
//! makes on its own is marked (`automatic`) and counted against the source's limit a day in the
//! same change (`claim_intake_automatically`), so seats and ticks together never pass it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::customer::rows::CustomerRows;
use crate::error::Result;
use crate::ledger::{RunState, StepKey};
use crate::store::db::{params, Optional, Row};
use crate::store::{Rows, Store};
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
    /// The portal organization the source linked it to by id (never one found by a name).
    pub organization_id: Option<String>,
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
    /// Approved by its source on its own (counted against the source's limit a day).
    pub automatic: bool,
    /// The portal organization it is linked to by id; without one no organization is written.
    pub organization_id: Option<String>,
    /// Why it waits for a person (a price no plan is mapped to, nothing paid, the day's limit
    /// of automatic approvals reached); filled in by the inbox, not kept.
    pub waiting: Option<crate::messages::Text>,
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
    /// Stripe price or product ids whose free checkouts (a trial, a 100 % coupon) are
    /// approved on their own like paid ones; any other free checkout waits for a person.
    pub trials: Vec<String>,
    /// The most requests this source approves on its own in 24 hours (the register's clock).
    pub daily_limit: u32,
    /// Approved on their own in the last 24 hours.
    pub automatic_today: u32,
}

/// The owner's choices for a source (Inkorg → the source's card).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IntakeChoices {
    pub auto: bool,
    pub plans: std::collections::BTreeMap<String, crate::customer::Plan>,
    pub trials: Vec<String>,
    pub daily_limit: u32,
}

/// The most a source approves on its own in 24 hours until its owner says otherwise.
pub const DAILY_LIMIT: u32 = 3;

/// What an automatic approval found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoClaim {
    /// Approved, and counted.
    Claimed,
    /// No longer pending (a person or another seat decided).
    Decided,
    /// The source's limit for 24 hours is reached: it waits.
    Limit,
}

const COLUMNS: &str = "i.id, i.source, i.external_id, i.name, i.admin_email, i.plan, i.detail, i.state, i.reason,
    c.slug, i.run_id, r.state, r.failed_step, r.error, i.cancelled_at, i.received_at, i.decided_at, i.decided_by,
    i.portal_written, i.portal_error,
    (SELECT s.key FROM run_steps s WHERE s.run_id = i.run_id AND s.state IN ('running', 'waiting', 'retrying') LIMIT 1),
    i.automatic, i.organization_id
    FROM intake i LEFT JOIN customers c ON c.id = i.customer_id LEFT JOIN runs r ON r.id = i.run_id";

fn row(r: &Row) -> crate::store::db::Result<IntakeItem> {
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
        automatic: r.get::<i64>(21)? != 0,
        organization_id: r.get(22)?,
        waiting: None,
        portal_written: r.get(18)?,
        portal_error: r.get(19)?,
    })
}

fn source_row(r: &Row) -> crate::store::db::Result<IntakeSourceState> {
    let plans: String = r.get(6)?;
    let auto: i64 = r.get(5)?;
    let trials: String = r.get(7)?;
    Ok(IntakeSourceState {
        source: r.get(0)?,
        cursor: r.get(1)?,
        polled_at: r.get(2)?,
        polled_by: r.get(3)?,
        problem: r.get(4)?,
        auto: auto != 0,
        plans: serde_json::from_str(&plans).unwrap_or_default(),
        trials: serde_json::from_str(&trials).unwrap_or_default(),
        daily_limit: u32::try_from(r.get::<i64>(8)?).unwrap_or(0),
        automatic_today: u32::try_from(r.get::<i64>(9)?).unwrap_or(0),
    })
}

/// Since when an automatic approval counts against the day's limit: 24 hours before the
/// register's clock, in the form `Dialect::now` writes.
fn day_ago(conn: &crate::store::db::Conn) -> Result<String> {
    let now = crate::store::db_now(conn)?;
    Ok((now - chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string())
}

/// The register's rows of this area: bring it into scope to read or write them.
pub trait IntakeRows: Rows {
    /// The inbox, newest first: what waits, and what was decided in the last `days` days.
    fn intake(&self, days: i64) -> Result<Vec<IntakeItem>> {
        let conn = self.store().conn();
        let since = (crate::store::now() - chrono::Duration::days(days)).to_rfc3339();
        Ok(conn.query_map(
            &format!(
                "SELECT {COLUMNS} WHERE i.state = 'pending' OR i.received_at >= ?1 OR i.decided_at >= ?1
                 ORDER BY i.received_at DESC, i.id DESC LIMIT 1000"
            ),
            [since],
            row,
        )?)
    }

    fn intake_item(&self, id: i64) -> Result<Option<IntakeItem>> {
        Ok(self
            .store()
            .conn()
            .query_row(&format!("SELECT {COLUMNS} WHERE i.id = ?1"), [id], row)
            .optional()?)
    }

    /// Every approved request whose customer still exists: what the portal is kept told of.
    fn intake_approved(&self) -> Result<Vec<IntakeItem>> {
        Ok(self.store().conn().query_map(
            &format!("SELECT {COLUMNS} WHERE i.state IN ('approved', 'rejected') ORDER BY i.id"),
            (),
            row,
        )?)
    }

    /// Adds a request unless its source sent it before; `Some(id)` when it is new.
    fn add_intake(&self, new: &NewIntake) -> Result<Option<i64>> {
        let conn = self.store().conn();
        let now = conn.dialect().now();
        Ok(conn
            .query_row(
                &format!(
                    "INSERT INTO intake (source, external_id, name, admin_email, plan, detail, organization_id, state, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', {now})
                     ON CONFLICT (source, external_id) DO NOTHING RETURNING id"
                ),
                params![
                    new.source,
                    new.external_id,
                    new.name,
                    new.admin_email,
                    new.plan,
                    new.detail,
                    new.organization_id
                ],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// A later event about a request still pending says more of it: a paid checkout names the
    /// company and the price (`prefer`), where the subscription's first invoice, which Stripe
    /// sends first, has only the payer; an invoice fills in only what is still empty. The link
    /// to an organization is the first one an event carried.
    fn refine_intake(&self, new: &NewIntake, prefer: bool) -> Result<()> {
        let take = |col: &str| {
            if prefer {
                format!("CASE WHEN ?{{n}} <> '' THEN ?{{n}} ELSE {col} END")
            } else {
                format!("CASE WHEN {col} = '' THEN ?{{n}} ELSE {col} END")
            }
        };
        let sql = format!(
            "UPDATE intake SET name = {}, admin_email = {}, plan = COALESCE({}, plan), detail = ?6,
                    organization_id = COALESCE(organization_id, ?7)
             WHERE source = ?1 AND external_id = ?2 AND state = 'pending'",
            take("name").replace("{n}", "3"),
            take("admin_email").replace("{n}", "4"),
            if prefer { "?5" } else { "plan, ?5" },
        );
        self.store().conn().execute(
            &sql,
            params![
                new.source,
                new.external_id,
                new.name,
                new.admin_email,
                new.plan,
                new.detail,
                new.organization_id
            ],
        )?;
        Ok(())
    }

    /// Whether a Stripe event was handled already (by any seat).
    fn intake_event_seen(&self, event_id: &str) -> Result<bool> {
        Ok(self
            .store()
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
    fn take_intake_event(&self, event_id: &str, created: i64) -> Result<bool> {
        let conn = self.store().conn();
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
    fn forget_intake_events(&self, created: i64) -> Result<usize> {
        Ok(self
            .store()
            .conn()
            .execute("DELETE FROM intake_events WHERE created < ?1", [created])?)
    }

    /// `pending` → `approved` by `by`; `false` when it was not pending (another seat took it).
    /// On a shared register the server writes who and when (the login, its clock), whatever
    /// `by` says.
    fn claim_intake(&self, id: i64, by: &str) -> Result<bool> {
        let conn = self.store().conn();
        let now = conn.dialect().now();
        Ok(conn.execute(
            &format!(
                "UPDATE intake SET state = 'approved', decided_at = {now}, decided_by = ?2, reason = NULL
                 WHERE id = ?1 AND state = 'pending'"
            ),
            params![id, by],
        )? == 1)
    }

    /// `pending` → `approved` by the source on its own, only while the source has approved
    /// fewer than its limit in the last 24 hours (the register's clock). The count and the
    /// change are one transaction, with the source's row locked on a shared register, so
    /// seats and ticks approving at once never pass the limit together.
    fn claim_intake_automatically(
        &self,
        id: i64,
        source: IntakeSource,
        by: &str,
    ) -> Result<AutoClaim> {
        let mut conn = self.store().conn();
        let tx = conn.transaction()?;
        if tx.dialect() == crate::store::db::Dialect::Postgres {
            tx.query_row(
                "SELECT 1 FROM intake_sources WHERE source = ?1 FOR UPDATE",
                [source],
                |r| r.get::<i64>(0),
            )?;
        }
        let since = day_ago(&tx)?;
        let now = tx.dialect().now();
        let claimed = tx.execute(
            &format!(
                "UPDATE intake SET state = 'approved', decided_at = {now}, decided_by = ?3, reason = NULL,
                        automatic = 1
                 WHERE id = ?1 AND source = ?2 AND state = 'pending'
                   AND (SELECT count(*) FROM intake a
                         WHERE a.source = ?2 AND a.automatic = 1 AND a.decided_at >= ?4)
                       < (SELECT s.daily_limit FROM intake_sources s WHERE s.source = ?2)"
            ),
            params![id, source, by, since],
        )?;
        let outcome = if claimed == 1 {
            AutoClaim::Claimed
        } else {
            let state: Option<IntakeState> = tx
                .query_row("SELECT state FROM intake WHERE id = ?1", [id], |r| r.get(0))
                .optional()?;
            match state {
                Some(IntakeState::Pending) => AutoClaim::Limit,
                _ => AutoClaim::Decided,
            }
        };
        tx.commit()?;
        Ok(outcome)
    }

    /// An approval that made nothing (its customer could not be written) is undone.
    fn unclaim_intake(&self, id: i64, reason: &str) -> Result<()> {
        self.store().conn().execute(
            "UPDATE intake SET state = 'pending', decided_at = NULL, decided_by = NULL, reason = ?2,
                    automatic = 0
             WHERE id = ?1 AND state = 'approved' AND customer_id IS NULL",
            params![id, reason],
        )?;
        Ok(())
    }

    /// The customer an approved request becomes, written with the link to it in one
    /// transaction; refused when the request is no longer approved or already has a customer.
    fn create_intake_customer(
        &self,
        id: i64,
        draft: crate::customer::CustomerDraft,
        manifest: &crate::customer::ModuleManifest,
    ) -> Result<crate::customer::Customer> {
        self.store().create_customer_then(draft, manifest, |tx, c| {
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

    fn link_intake(&self, id: i64, customer_id: i64, run_id: Option<i64>) -> Result<()> {
        self.store().conn().execute(
            "UPDATE intake SET customer_id = ?2, run_id = COALESCE(?3, run_id) WHERE id = ?1",
            params![id, customer_id, run_id],
        )?;
        Ok(())
    }

    /// `pending` → `rejected` with the reason; `false` when it was not pending.
    fn reject_intake(&self, id: i64, reason: &str, by: &str) -> Result<bool> {
        let conn = self.store().conn();
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
    fn cancel_intake(&self, source: IntakeSource, external_id: &str) -> Result<bool> {
        let conn = self.store().conn();
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
    fn intake_portal(&self, id: i64, written: Option<&str>, error: Option<&str>) -> Result<()> {
        self.store().conn().execute(
            "UPDATE intake SET portal_written = COALESCE(?2, portal_written), portal_error = ?3 WHERE id = ?1",
            params![id, written, error],
        )?;
        Ok(())
    }

    fn intake_source(&self, source: IntakeSource) -> Result<IntakeSourceState> {
        let conn = self.store().conn();
        let since = day_ago(&conn)?;
        Ok(conn.query_row(
            "SELECT s.source, s.cursor, s.polled_at, s.polled_by, s.problem, s.auto, s.plans, s.trials,
                    s.daily_limit,
                    (SELECT count(*) FROM intake a
                      WHERE a.source = s.source AND a.automatic = 1 AND a.decided_at >= ?2)
             FROM intake_sources s WHERE s.source = ?1",
            params![source, since],
            source_row,
        )?)
    }

    /// A poll's end: the cursor moves forward only (two seats polling at once), the time is
    /// the register's.
    fn intake_polled(
        &self,
        source: IntakeSource,
        cursor: Option<i64>,
        problem: Option<&str>,
    ) -> Result<()> {
        let conn = self.store().conn();
        let now = conn.dialect().now();
        conn.execute(
            &format!(
                "UPDATE intake_sources SET cursor = CASE WHEN cursor IS NULL OR ?2 > cursor THEN ?2 ELSE cursor END,
                        polled_at = {now}, polled_by = ?3, problem = ?4
                 WHERE source = ?1"
            ),
            params![source, cursor, self.store().seat(), problem],
        )?;
        Ok(())
    }

    /// The owner's choices for a source.
    fn set_intake_source(
        &self,
        source: IntakeSource,
        choices: &IntakeChoices,
    ) -> Result<IntakeSourceState> {
        let plans = serde_json::to_string(&choices.plans).unwrap_or_else(|_| "{}".into());
        let trials = serde_json::to_string(&choices.trials).unwrap_or_else(|_| "[]".into());
        self.store()
            .conn()
            .execute(
                "UPDATE intake_sources SET auto = ?2, plans = ?3, trials = ?4, daily_limit = ?5
                 WHERE source = ?1",
                params![
                    source,
                    i64::from(choices.auto),
                    plans,
                    trials,
                    i64::from(choices.daily_limit)
                ],
            )
            .map_err(crate::error::Error::from)
            .map_err(self.store().refused(crate::messages::Right::Settings))?;
        self.intake_source(source)
    }

    /// How long ago (seconds, the register's clock) `at` was.
    fn seconds_since(&self, at: &str) -> Result<i64> {
        let now = crate::store::db_now(&self.store().conn())?;
        let then = chrono::DateTime::parse_from_rfc3339(at)
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or(now);
        Ok((now - then).num_seconds())
    }
}

impl IntakeRows for Store {}

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(INTAKE_SOURCE_NAMES: "intake_source_names" => IntakeSource);
crate::words::words_table!(INTAKE_STATES: "intake_states" => IntakeState);
