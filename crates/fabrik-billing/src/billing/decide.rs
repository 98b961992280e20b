//! What a subscription's kept state asks of its instance now, under the owner's policy: the
//! transition due (if any), the step, and the episode that makes it once, kept in the
//! register (`decide_all`). The tick (`schedule::billing`) starts the runs and says it.

use chrono::{DateTime, Duration, Utc};

use super::policy::{DecisionState, Policy, Step, Transition};
use crate::billing::rows::BillingRows;
use crate::billing::rows::{DecisionRow, NewDecision, SubscriptionRow};
use crate::customer::rows::CustomerRows;
use crate::customer::{Plan, Status};
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::store::Store;

/// A note a decision carries: a snapshot from a read (a reconciliation) is offered, never
/// done, whatever the policy says.
pub const NOTE_FROM_READ: &str = "from_read";

/// The customer's instance, as far as billing looks at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub customer_id: i64,
    pub slug: String,
    pub plan: Plan,
    pub status: Status,
}

/// A transition due, with what the policy makes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub transition: Transition,
    pub step: Step,
    /// When the episode began: one decision an episode.
    pub episode: String,
    pub event_id: Option<String>,
    pub note: Option<String>,
}

/// Whether billing paused the instance and nothing resumed it since: the customer's newest
/// pause or resume decision (`decisions` newest first) is a pause that started its run.
pub fn paused_by_billing(decisions: &[DecisionRow]) -> bool {
    decisions
        .iter()
        .find(|d| d.transition != Transition::PeriodEnded)
        .is_some_and(|d| {
            d.transition != Transition::Resumed
                && d.state == DecisionState::Done
                && d.run_id.is_some()
        })
}

/// Whether Stripe's own word for the subscription now (its `status`, read right before the
/// run) still asks for the transition a decision was made on. The register's snapshot is what
/// the poll kept, but any login that writes the register could have written it: a `do` acts
/// only on what Stripe says.
pub fn stripe_confirms(transition: Transition, status: &str) -> bool {
    match transition {
        Transition::Paused => status == "paused",
        Transition::PaymentFailed => matches!(status, "past_due" | "unpaid" | "canceled"),
        Transition::Resumed => matches!(status, "active" | "trialing"),
        Transition::PeriodEnded => status == "canceled",
    }
}

/// The transition the subscription's state asks for now (`now`: the register's clock), if
/// any, and the policy's step for it; `None` also when the step is "nothing".
pub fn due(
    sub: &SubscriptionRow,
    instance: &Instance,
    paused_by_billing: bool,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Option<Due> {
    let running = instance.status == Status::Active;
    let failed_since = sub
        .failed_since
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok());
    let (transition, episode) = match sub.status.as_str() {
        "paused" if running => (Transition::Paused, format!("paused:{}", sub.status_since)),
        // Stripe gave up: the subscription unpaid, or canceled with its payment failing.
        "unpaid" | "canceled" if running && failed_since.is_some() => (
            Transition::PaymentFailed,
            format!("failed:{}", sub.failed_since.as_deref().unwrap_or_default()),
        ),
        "past_due" if running => {
            let grace = policy
                .rule(instance.plan, Transition::PaymentFailed)
                .grace_days?;
            let since = failed_since?;
            if now < since + Duration::days(grace) {
                return None;
            }
            (
                Transition::PaymentFailed,
                format!("failed:{}", sub.failed_since.as_deref().unwrap_or_default()),
            )
        }
        "canceled" if failed_since.is_none() && instance.status != Status::Pending => {
            (Transition::PeriodEnded, "ended".to_string())
        }
        "active" | "trialing" if instance.status == Status::Inactive && paused_by_billing => {
            (Transition::Resumed, format!("resumed:{}", sub.status_since))
        }
        _ => return None,
    };
    let mut step = policy.rule(instance.plan, transition).step;
    let mut note = None;
    if step == Step::Nothing {
        return None;
    }
    if step == Step::Do && sub.event_id.is_none() {
        step = Step::Offer;
        note = Some(NOTE_FROM_READ.to_string());
    }
    Some(Due {
        transition,
        step,
        episode,
        event_id: sub.event_id.clone(),
        note,
    })
}

/// A decision kept this tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    pub id: i64,
    pub slug: String,
    /// The subscription the decision was made on, read again from Stripe before a `do`.
    pub subscription: String,
    pub transition: Transition,
    pub step: Step,
    pub episode: String,
    pub event_id: Option<String>,
}

/// The snapshot a customer's link names: the subscription, or a Stripe customer's newest
/// subscription that has not ended (else its newest).
fn snapshot_for<'a>(link: &str, rows: &'a [SubscriptionRow]) -> Option<&'a SubscriptionRow> {
    if link.starts_with("sub_") {
        return rows.iter().find(|r| r.subscription == link);
    }
    let mut own = rows.iter().filter(|r| r.stripe_customer == link);
    let newest = own.clone().next();
    own.find(|r| r.status != "canceled").or(newest)
}

/// Every linked customer's due transition decided and kept (once per episode): the
/// decisions this call made (none for an episode decided before, by any seat).
pub fn decide_all(store: &Store, env: Environment) -> Result<Vec<Made>> {
    let links = crate::billing::link::subscriptions(store)?;
    let rows = store.subscription_rows(env)?;
    let policy = Policy::load(store)?;
    let now = chrono::DateTime::parse_from_rfc3339(&store.register_now()?)
        .map_err(|e| Error::Internal(e.to_string()))?
        .with_timezone(&chrono::Utc);
    let mut made = Vec::new();
    let mut customers: Vec<(i64, String)> = links.into_iter().collect();
    customers.sort();
    for (customer_id, link) in customers {
        let Some(sub) = snapshot_for(&link, &rows) else {
            continue;
        };
        let (slug, _) = store.customer_names(customer_id)?;
        let c = store.get_customer_in(&slug, env)?;
        let instance = Instance {
            customer_id,
            slug: slug.clone(),
            plan: c.plan,
            status: c.status,
        };
        let decisions = store.billing_decisions(env, None, Some(customer_id), 50)?;
        let paused = paused_by_billing(&decisions);
        let Some(due) = due(sub, &instance, paused, &policy, now) else {
            continue;
        };
        let state = match due.step {
            Step::Tell => DecisionState::Done,
            _ => DecisionState::Waiting,
        };
        let new = NewDecision {
            customer_id,
            environment: env,
            subscription: sub.subscription.clone(),
            transition: due.transition,
            step: due.step,
            episode: due.episode.clone(),
            event_id: due.event_id.clone(),
            state,
            note: due.note.clone(),
        };
        if let Some(id) = store.add_billing_decision(&new)? {
            made.push(Made {
                id,
                slug,
                subscription: sub.subscription.clone(),
                transition: due.transition,
                step: due.step,
                episode: due.episode,
                event_id: due.event_id,
            });
        }
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::rows::PolicyRow;

    #[test]
    fn a_do_waits_for_stripe_to_say_the_same() {
        assert!(stripe_confirms(Transition::Paused, "paused"));
        assert!(!stripe_confirms(Transition::Paused, "active"));
        assert!(stripe_confirms(Transition::PaymentFailed, "unpaid"));
        assert!(!stripe_confirms(Transition::PaymentFailed, "active"));
        assert!(stripe_confirms(Transition::Resumed, "active"));
        assert!(!stripe_confirms(Transition::Resumed, "past_due"));
    }

    fn sub(status: &str, failed_since: Option<&str>, event: bool) -> SubscriptionRow {
        SubscriptionRow {
            environment: Environment::Production,
            subscription: "sub_1".into(),
            stripe_customer: "cus_1".into(),
            status: status.into(),
            status_since: 100,
            current_period_end: None,
            next_payment_attempt: None,
            attempt_count: 0,
            last_failure: None,
            last_failure_at: None,
            failed_since: failed_since.map(str::to_string),
            cancel_at_period_end: false,
            price: None,
            as_of: 100,
            event_id: event.then(|| "evt_1".to_string()),
            updated_at: String::new(),
        }
    }

    fn instance(status: Status) -> Instance {
        Instance {
            customer_id: 1,
            slug: "acme".into(),
            plan: Plan::Starter,
            status,
        }
    }

    const SINCE: &str = "2026-01-01T00:00:00+00:00";

    fn at(days: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(SINCE)
            .unwrap()
            .with_timezone(&Utc)
            + Duration::days(days)
    }

    #[test]
    fn a_failed_payment_waits_for_stripe_to_give_up_or_for_the_owners_grace() {
        let running = instance(Status::Active);
        let p = Policy::default();
        let past_due = sub("past_due", Some(SINCE), true);
        assert_eq!(due(&past_due, &running, false, &p, at(30)), None);
        let gave_up = due(
            &sub("unpaid", Some(SINCE), true),
            &running,
            false,
            &p,
            at(0),
        )
        .unwrap();
        assert_eq!(
            (gave_up.transition, gave_up.step),
            (Transition::PaymentFailed, Step::Offer)
        );
        let grace = Policy::from_rows(&[PolicyRow {
            plan: Plan::Starter,
            transition: Transition::PaymentFailed,
            step: Step::Do,
            grace_days: Some(7),
        }]);
        assert_eq!(due(&past_due, &running, false, &grace, at(6)), None);
        let d = due(&past_due, &running, false, &grace, at(7)).unwrap();
        assert_eq!((d.step, d.episode), (Step::Do, format!("failed:{SINCE}")));
        // Read rather than told by an event: offered, not done.
        let read = due(
            &sub("past_due", Some(SINCE), false),
            &running,
            false,
            &grace,
            at(7),
        );
        assert_eq!(read.unwrap().step, Step::Offer);
        // Already paused: nothing to pause.
        assert_eq!(
            due(
                &sub("unpaid", Some(SINCE), true),
                &instance(Status::Inactive),
                false,
                &p,
                at(0)
            ),
            None
        );
    }

    #[test]
    fn a_resume_is_due_only_for_an_instance_billing_paused() {
        let p = Policy::default();
        let active = sub("active", None, true);
        assert_eq!(
            due(&active, &instance(Status::Inactive), false, &p, at(0)),
            None
        );
        let d = due(&active, &instance(Status::Inactive), true, &p, at(0)).unwrap();
        assert_eq!((d.transition, d.step), (Transition::Resumed, Step::Do));
        assert_eq!(
            due(&active, &instance(Status::Active), true, &p, at(0)),
            None
        );
    }

    #[test]
    fn the_periods_end_offers_the_teardown() {
        let d = due(
            &sub("canceled", None, true),
            &instance(Status::Active),
            false,
            &Policy::default(),
            at(0),
        )
        .unwrap();
        assert_eq!(
            (d.transition, d.step),
            (Transition::PeriodEnded, Step::Offer)
        );
        assert_eq!(
            d.note, None,
            "the tick exports; the decision notes its file"
        );
        let paused = due(
            &sub("paused", None, true),
            &instance(Status::Active),
            false,
            &Policy::default(),
            at(0),
        )
        .unwrap();
        assert_eq!(paused.transition, Transition::Paused);
    }
}
