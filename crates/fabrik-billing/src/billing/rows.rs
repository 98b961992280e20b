//! The subscription's life in the register (issue #58): the newest snapshot of each Stripe
//! subscription (`subscriptions`, kept only when newer than what is there), the owner's policy
//! per plan and transition (`billing_policy`; a pair without a row follows
//! `billing::policy`'s default), and what the tick decided (`billing_decisions`, one a
//! customer, transition and episode). Billing's own tables and words, read and written here
//! over the register's connection (`BillingRows`, provided for `Store`): the register knows
//! none of them.

use serde::Serialize;
use ts_rs::TS;

use crate::customer::Plan;
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::messages::{ErrorCode, FieldError, Right};
use crate::store::db::{params, Optional, Row};
use crate::store::{Rows, Store};
use crate::vocabulary::vocabulary;

vocabulary!(
    /// What happened to a subscription that may ask something of its instance.
    pub enum Transition {
        /// A renewal was not paid: after the grace (or once Stripe gives up), pause.
        PaymentFailed => "payment_failed",
        /// Paused in Stripe: pause.
        Paused => "paused",
        /// Resumed, or paid again, after an instance billing paused: resume.
        Resumed => "resumed",
        /// Ended at the period's end: export for the customer and offer the teardown.
        PeriodEnded => "period_ended",
    }
);

vocabulary!(
    /// What the owner's policy does on a transition.
    pub enum Step {
        Nothing => "nothing",
        /// An alert (the email, once per episode).
        Tell => "tell",
        /// A decision waiting in the window (and the alert).
        Offer => "offer",
        /// The run started on its own (and the alert). Never a teardown.
        Do => "do",
    }
);

vocabulary!(
    /// Where a decision stands.
    pub enum DecisionState {
        /// Offered: a person accepts or dismisses it.
        Waiting => "waiting",
        /// Done: the run started (its id), or the alert said it.
        Done => "done",
        Dismissed => "dismissed",
    }
);

/// A subscription as last read: from an event's object (`event_id`) or a read of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SubscriptionRow {
    pub environment: Environment,
    pub subscription: String,
    pub stripe_customer: String,
    /// Stripe's `status` (`active`, `past_due`, `unpaid`, `canceled`, `paused`, …).
    pub status: String,
    /// When the status began (unix seconds, Stripe's clock: the snapshot that changed it).
    pub status_since: i64,
    pub current_period_end: Option<i64>,
    /// Smart Retries' next try (unix seconds), none when none is scheduled.
    pub next_payment_attempt: Option<i64>,
    pub attempt_count: i64,
    pub last_failure: Option<String>,
    pub last_failure_at: Option<i64>,
    /// When the register first saw the current run of failed payments (its clock, RFC 3339):
    /// a grace is judged from it. None once paid.
    pub failed_since: Option<String>,
    pub cancel_at_period_end: bool,
    pub price: Option<String>,
    /// The Stripe `created` of the newest event it reflects, or the read's time.
    pub as_of: i64,
    pub event_id: Option<String>,
    pub updated_at: String,
}

/// The owner's choice for one plan and transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PolicyRow {
    pub plan: Plan,
    pub transition: Transition,
    pub step: Step,
    /// For a failed payment: days after the first failure before the step; none: until
    /// Stripe gives up (the subscription `unpaid` or `canceled`).
    pub grace_days: Option<i64>,
}

/// A decision to be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    pub customer_id: i64,
    pub environment: Environment,
    pub subscription: String,
    pub transition: Transition,
    pub step: Step,
    /// What makes it once: the moment the episode began.
    pub episode: String,
    pub event_id: Option<String>,
    pub state: DecisionState,
    pub note: Option<String>,
}

/// A decision as the register keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DecisionRow {
    pub id: i64,
    pub customer_id: i64,
    pub slug: String,
    pub environment: Environment,
    pub subscription: String,
    pub transition: Transition,
    pub step: Step,
    pub episode: String,
    /// The Stripe event that caused it, when one did (a reconciliation's read has none).
    pub event_id: Option<String>,
    pub run_id: Option<i64>,
    pub state: DecisionState,
    pub note: Option<String>,
    /// The register's clock.
    pub created_at: String,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
}

const SUB_COLUMNS: &str = "environment, subscription, stripe_customer, status, status_since, \
    current_period_end, next_payment_attempt, attempt_count, last_failure, last_failure_at, \
    failed_since, cancel_at_period_end, price, as_of, event_id, updated_at";

fn sub_row(r: &Row) -> crate::store::db::Result<SubscriptionRow> {
    Ok(SubscriptionRow {
        environment: r.get(0)?,
        subscription: r.get(1)?,
        stripe_customer: r.get(2)?,
        status: r.get(3)?,
        status_since: r.get(4)?,
        current_period_end: r.get(5)?,
        next_payment_attempt: r.get(6)?,
        attempt_count: r.get(7)?,
        last_failure: r.get(8)?,
        last_failure_at: r.get(9)?,
        failed_since: r.get(10)?,
        cancel_at_period_end: r.get(11)?,
        price: r.get(12)?,
        as_of: r.get(13)?,
        event_id: r.get(14)?,
        updated_at: r.get(15)?,
    })
}

const DECISION_COLUMNS: &str = "d.id, d.customer_id, c.slug, d.environment, d.subscription, \
    d.transition, d.step, d.episode, d.event_id, d.run_id, d.state, d.note, d.created_at, \
    d.decided_at, d.decided_by";

fn decision_row(r: &Row) -> crate::store::db::Result<DecisionRow> {
    Ok(DecisionRow {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        slug: r.get(2)?,
        environment: r.get(3)?,
        subscription: r.get(4)?,
        transition: r.get(5)?,
        step: r.get(6)?,
        episode: r.get(7)?,
        event_id: r.get(8)?,
        run_id: r.get(9)?,
        state: r.get(10)?,
        note: r.get(11)?,
        created_at: r.get(12)?,
        decided_at: r.get(13)?,
        decided_by: r.get(14)?,
    })
}

/// A teardown is a person's act through the guarded gate: never the policy's `do`.
pub fn refuse_teardown_do(transition: Transition, step: Step) -> Result<()> {
    if transition == Transition::PeriodEnded && step == Step::Do {
        return Err(Error::Validation(vec![FieldError::plain(
            "step",
            ErrorCode::BillingTeardownNeverDo,
        )]));
    }
    Ok(())
}

/// A failed payment's grace is days from the first failure, never before it.
pub fn refuse_negative_grace(days: Option<i64>) -> Result<()> {
    if days.is_some_and(|d| d < 0) {
        return Err(Error::Validation(vec![FieldError::plain(
            "grace_days",
            ErrorCode::BillingGraceNegative,
        )]));
    }
    Ok(())
}

/// The register's billing rows: bring it into scope to read or keep them.
pub trait BillingRows: Rows {
    /// The subscription's snapshot in `env`, when one was kept.
    fn subscription_row(
        &self,
        env: Environment,
        subscription: &str,
    ) -> Result<Option<SubscriptionRow>> {
        Ok(self
            .store()
            .conn()
            .query_row(
                &format!(
                    "SELECT {SUB_COLUMNS} FROM subscriptions
                     WHERE environment = ?1 AND subscription = ?2"
                ),
                params![env, subscription],
                sub_row,
            )
            .optional()?)
    }

    /// Every snapshot kept in `env`, newest first.
    fn subscription_rows(&self, env: Environment) -> Result<Vec<SubscriptionRow>> {
        Ok(self.store().conn().query_map(
            &format!(
                "SELECT {SUB_COLUMNS} FROM subscriptions WHERE environment = ?1
                 ORDER BY as_of DESC, subscription"
            ),
            params![env],
            sub_row,
        )?)
    }

    /// Keeps `row` unless the register holds a newer snapshot of the subscription (a larger
    /// `as_of`): an old event read late changes nothing. `true` when kept.
    fn keep_subscription(&self, row: &SubscriptionRow) -> Result<bool> {
        let conn = self.store().conn();
        let now = conn.dialect().now();
        let kept = conn
            .execute(
                &format!(
                    "INSERT INTO subscriptions ({SUB_COLUMNS})
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, {now})
                     ON CONFLICT (environment, subscription) DO UPDATE SET
                        stripe_customer = excluded.stripe_customer, status = excluded.status,
                        status_since = excluded.status_since,
                        current_period_end = excluded.current_period_end,
                        next_payment_attempt = excluded.next_payment_attempt,
                        attempt_count = excluded.attempt_count,
                        last_failure = excluded.last_failure,
                        last_failure_at = excluded.last_failure_at,
                        failed_since = excluded.failed_since,
                        cancel_at_period_end = excluded.cancel_at_period_end,
                        price = excluded.price, as_of = excluded.as_of,
                        event_id = excluded.event_id, updated_at = excluded.updated_at
                     WHERE subscriptions.as_of <= excluded.as_of"
                ),
                params![
                    row.environment,
                    row.subscription,
                    row.stripe_customer,
                    row.status,
                    row.status_since,
                    row.current_period_end,
                    row.next_payment_attempt,
                    row.attempt_count,
                    row.last_failure,
                    row.last_failure_at,
                    row.failed_since,
                    row.cancel_at_period_end,
                    row.price,
                    row.as_of,
                    row.event_id
                ],
            )
            .map_err(|e| Error::from(e).as_refusal_of(Right::Write, self.store().person()))?;
        Ok(kept == 1)
    }

    /// The owner's stored choices (a pair not here follows the default).
    fn billing_policy(&self) -> Result<Vec<PolicyRow>> {
        Ok(self.store().conn().query_map(
            "SELECT plan, transition, step, grace_days FROM billing_policy ORDER BY plan, transition",
            (),
            |r| {
                Ok(PolicyRow {
                    plan: r.get(0)?,
                    transition: r.get(1)?,
                    step: r.get(2)?,
                    grace_days: r.get(3)?,
                })
            },
        )?)
    }

    /// The owner's choice for one plan and transition; a teardown's `do` is refused (and the
    /// register refuses it too).
    fn set_billing_policy(&self, row: &PolicyRow) -> Result<()> {
        refuse_teardown_do(row.transition, row.step)?;
        refuse_negative_grace(row.grace_days)?;
        let conn = self.store().conn();
        let now = conn.dialect().now();
        conn.execute(
            &format!(
                "INSERT INTO billing_policy (plan, transition, step, grace_days, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, {now}, ?5)
                 ON CONFLICT (plan, transition) DO UPDATE SET step = excluded.step,
                    grace_days = excluded.grace_days, updated_at = excluded.updated_at,
                    updated_by = excluded.updated_by"
            ),
            params![row.plan, row.transition, row.step, row.grace_days, self.store().seat()],
        )
        .map_err(|e| Error::from(e).as_refusal_of(Right::Settings, self.store().person()))?;
        Ok(())
    }

    /// Keeps a decision, once per customer, transition and episode: its id, or `None` when
    /// the episode was decided already (another seat, an event read twice).
    fn add_billing_decision(&self, d: &NewDecision) -> Result<Option<i64>> {
        refuse_teardown_do(d.transition, d.step)?;
        let conn = self.store().conn();
        let now = conn.dialect().now();
        let decided = match d.state {
            DecisionState::Waiting => "NULL".to_string(),
            _ => now.to_string(),
        };
        conn.query_row(
            &format!(
                "INSERT INTO billing_decisions (customer_id, environment, subscription,
                        transition, step, episode, event_id, state, note, created_at, decided_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, {now}, {decided})
                     ON CONFLICT (customer_id, environment, transition, episode) DO NOTHING
                     RETURNING id"
            ),
            params![
                d.customer_id,
                d.environment,
                d.subscription,
                d.transition,
                d.step,
                d.episode,
                d.event_id,
                d.state,
                d.note
            ],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| Error::from(e).as_refusal_of(Right::Write, self.store().person()))
    }

    /// A waiting decision settled (`done` with the run it started, or `dismissed`) by `by`:
    /// `false` when it was not waiting (another seat or person settled it first).
    fn settle_billing_decision(
        &self,
        id: i64,
        state: DecisionState,
        run_id: Option<i64>,
        note: Option<&str>,
        by: Option<&str>,
    ) -> Result<bool> {
        let conn = self.store().conn();
        let now = conn.dialect().now();
        Ok(conn
            .execute(
                &format!(
                    "UPDATE billing_decisions SET state = ?2, run_id = coalesce(?3, run_id),
                        note = coalesce(?4, note), decided_at = {now}, decided_by = ?5
                     WHERE id = ?1 AND state = 'waiting'"
                ),
                params![id, state, run_id, note, by],
            )
            .map_err(|e| Error::from(e).as_refusal_of(Right::Write, self.store().person()))?
            == 1)
    }

    /// A note on a decision (a `do` whose run could not start: it waits for a person).
    fn note_billing_decision(&self, id: i64, note: &str) -> Result<()> {
        self.store()
            .conn()
            .execute(
                "UPDATE billing_decisions SET note = ?2 WHERE id = ?1",
                params![id, note],
            )
            .map_err(|e| Error::from(e).as_refusal_of(Right::Write, self.store().person()))?;
        Ok(())
    }

    /// The run a decision started, recorded beside it.
    fn billing_decision_run(&self, id: i64, run_id: i64) -> Result<()> {
        self.store()
            .conn()
            .execute(
                "UPDATE billing_decisions SET run_id = ?2 WHERE id = ?1",
                params![id, run_id],
            )
            .map_err(|e| Error::from(e).as_refusal_of(Right::Write, self.store().person()))?;
        Ok(())
    }

    /// The decisions in `env`, newest first: only those in `state` when given, only the
    /// customer's when given.
    fn billing_decisions(
        &self,
        env: Environment,
        state: Option<DecisionState>,
        customer_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<DecisionRow>> {
        // The filters are the code's own words and numbers, never input text.
        let mut filter = String::new();
        if let Some(state) = state {
            filter.push_str(&format!(" AND d.state = '{}'", state.as_str()));
        }
        if let Some(id) = customer_id {
            filter.push_str(&format!(" AND d.customer_id = {id}"));
        }
        Ok(self.store().conn().query_map(
            &format!(
                "SELECT {DECISION_COLUMNS} FROM billing_decisions d
                 JOIN customers c ON c.id = d.customer_id
                 WHERE d.environment = ?1{filter} ORDER BY d.id DESC LIMIT ?2"
            ),
            params![env, i64::from(limit)],
            decision_row,
        )?)
    }

    /// One decision.
    fn billing_decision(&self, id: i64) -> Result<Option<DecisionRow>> {
        Ok(self
            .store()
            .conn()
            .query_row(
                &format!(
                    "SELECT {DECISION_COLUMNS} FROM billing_decisions d
                     JOIN customers c ON c.id = d.customer_id WHERE d.id = ?1"
                ),
                params![id],
                decision_row,
            )
            .optional()?)
    }
}

impl BillingRows for Store {}

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(BILLING_TRANSITIONS: "billing_transitions" => Transition);
crate::words::words_table!(BILLING_STEPS: "billing_steps" => Step);
crate::words::words_table!(BILLING_DECISION_STATES: "billing_decision_states" => DecisionState);
