//! A subscription's state as the register keeps it, from Stripe's events (a subscription's
//! object, or an invoice's payment) and from reads of the subscriptions. A snapshot is kept
//! only when it is at least as new (`as_of`: the event's `created`, or the read's time) as the
//! one kept: an old `paused` read after a newer `resumed` changes nothing. The inbox takes
//! each event once (`intake_events`), so an event read twice is applied once.

use std::sync::Arc;

use serde_json::Value;

use crate::billing::rows::BillingRows;
use crate::billing::rows::SubscriptionRow;
use crate::environment::Environment;
use crate::error::Result;
use crate::providers::stripe::{invoice_state, parse_subscription, Event, InvoiceState};
use crate::providers::stripe::{Stripe, Subscription};
use crate::providers::ProviderError;
use crate::store::Store;

/// The events that change a subscription's state (read by the inbox beside its own).
pub const EVENT_TYPES: [&str; 6] = [
    "invoice.payment_failed",
    "invoice.paid",
    "customer.subscription.paused",
    "customer.subscription.resumed",
    "customer.subscription.updated",
    "customer.subscription.deleted",
];

/// What an event says of a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Snapshot {
    /// The subscription's object as it was (boxed: it is the larger by far).
    Subscription(Box<Subscription>),
    /// A payment of one of its invoices, failed or made.
    Invoice {
        subscription: String,
        customer: String,
        paid: bool,
        invoice: InvoiceState,
    },
}

fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        o => o["id"].as_str().map(str::to_string),
    }
}

/// The snapshot an event carries, when it is one of `EVENT_TYPES`.
pub fn snapshot_of(event: &Event) -> Option<Snapshot> {
    let o = &event.data.object;
    match event.kind.as_str() {
        "invoice.payment_failed" | "invoice.paid" => {
            let subscription = id_of(&o["parent"]["subscription_details"]["subscription"])
                .or_else(|| id_of(&o["subscription"]))?;
            Some(Snapshot::Invoice {
                subscription,
                customer: id_of(&o["customer"])?,
                paid: event.kind == "invoice.paid",
                invoice: invoice_state(o)?,
            })
        }
        k if k.starts_with("customer.subscription.") && EVENT_TYPES.contains(&k) => {
            parse_subscription(o).map(|s| Snapshot::Subscription(Box::new(s)))
        }
        _ => None,
    }
}

/// A status whose payment failed and is not (yet) made good.
fn failing(status: &str) -> bool {
    matches!(status, "past_due" | "unpaid")
}

/// The row `snap` makes of what was kept (`old`), as of `as_of`; `now` is the register's
/// clock (when a run of failed payments was first seen: its grace is judged from there).
pub fn merged(
    env: Environment,
    old: Option<&SubscriptionRow>,
    snap: &Snapshot,
    as_of: i64,
    event_id: Option<&str>,
    now: &str,
) -> SubscriptionRow {
    let since = |status: &str| match old {
        Some(o) if o.status == status => o.status_since,
        _ => as_of,
    };
    let failed_since = old.and_then(|o| o.failed_since.clone());
    let mut row = match snap {
        Snapshot::Subscription(s) => {
            let status = s.status.as_str().to_string();
            SubscriptionRow {
                environment: env,
                subscription: s.id.clone(),
                stripe_customer: s.customer.clone(),
                status_since: since(&status),
                current_period_end: s
                    .current_period_end
                    .or(old.and_then(|o| o.current_period_end)),
                next_payment_attempt: old.and_then(|o| o.next_payment_attempt),
                attempt_count: old.map_or(0, |o| o.attempt_count),
                last_failure: old.and_then(|o| o.last_failure.clone()),
                last_failure_at: old.and_then(|o| o.last_failure_at),
                failed_since: match status.as_str() {
                    "active" | "trialing" => None,
                    s if failing(s) => failed_since.or(Some(now.to_string())),
                    _ => failed_since,
                },
                cancel_at_period_end: s.cancel_at_period_end,
                price: s.price.clone().or(old.and_then(|o| o.price.clone())),
                as_of,
                event_id: event_id.map(str::to_string),
                updated_at: now.to_string(),
                status,
            }
        }
        Snapshot::Invoice {
            subscription,
            customer,
            paid,
            ..
        } => {
            // An invoice does not say the subscription's status: kept, or guessed for a
            // subscription never seen (the status event follows in the same second).
            let status = old.map_or(if *paid { "active" } else { "past_due" }, |o| {
                o.status.as_str()
            });
            SubscriptionRow {
                environment: env,
                subscription: subscription.clone(),
                stripe_customer: customer.clone(),
                status: status.to_string(),
                status_since: since(status),
                current_period_end: old.and_then(|o| o.current_period_end),
                next_payment_attempt: None,
                attempt_count: 0,
                last_failure: old.and_then(|o| o.last_failure.clone()),
                last_failure_at: old.and_then(|o| o.last_failure_at),
                failed_since: if *paid {
                    None
                } else {
                    failed_since.or(Some(now.to_string()))
                },
                cancel_at_period_end: old.is_some_and(|o| o.cancel_at_period_end),
                price: old.and_then(|o| o.price.clone()),
                as_of,
                event_id: event_id.map(str::to_string),
                updated_at: now.to_string(),
            }
        }
    };
    // How the latest invoice is being paid, when the snapshot carries it (an event's
    // subscription names its invoice only by id).
    let invoice = match snap {
        Snapshot::Subscription(s) => s.latest_invoice.as_ref().filter(|i| i.status.is_some()),
        Snapshot::Invoice { invoice, .. } => Some(invoice),
    };
    if let Some(inv) = invoice {
        row.attempt_count = inv.attempt_count;
        row.next_payment_attempt = inv.next_payment_attempt;
        let failed = matches!(snap, Snapshot::Invoice { paid: false, .. })
            || (inv.last_failure.is_some() && inv.status.as_deref() == Some("open"));
        if failed {
            // Stripe's code, said in words where it is shown (billing::words); the try's number
            // is kept beside it.
            row.last_failure = Some(
                inv.last_failure
                    .clone()
                    .unwrap_or_else(|| super::words::FAILED.to_string()),
            );
            row.last_failure_at = Some(as_of);
        }
    }
    row
}

/// What applying a snapshot came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Kept: the register's snapshot now.
    Kept(Box<SubscriptionRow>),
    /// Older than the one kept: nothing changed.
    Older,
    /// Not an event of a subscription's state.
    NotBilling,
}

/// Applies an event's snapshot (the caller took the event once, `take_intake_event`).
pub fn apply_event(store: &Store, env: Environment, event: &Event) -> Result<Applied> {
    let Some(snap) = snapshot_of(event) else {
        return Ok(Applied::NotBilling);
    };
    apply(store, env, &snap, event.created, Some(&event.id))
}

fn apply(
    store: &Store,
    env: Environment,
    snap: &Snapshot,
    as_of: i64,
    event_id: Option<&str>,
) -> Result<Applied> {
    let id = match snap {
        Snapshot::Subscription(s) => &s.id,
        Snapshot::Invoice { subscription, .. } => subscription,
    };
    let old = store.subscription_row(env, id)?;
    if old.as_ref().is_some_and(|o| o.as_of > as_of) {
        return Ok(Applied::Older);
    }
    let now = store.register_now()?;
    let row = merged(env, old.as_ref(), snap, as_of, event_id, &now);
    Ok(match store.keep_subscription(&row)? {
        true => Applied::Kept(Box::new(row)),
        false => Applied::Older,
    })
}

/// What a read of a subscription changed in the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub subscription: String,
    pub stripe_customer: String,
    /// The status kept before (none: never seen).
    pub before: Option<String>,
    pub after: String,
    pub cancel_at_period_end: bool,
}

/// Applies a read of the subscription at `now` (unix seconds): newer than any event kept, so
/// it wins over what the events said. What changed, when its status or its end did.
pub fn apply_read(
    store: &Store,
    env: Environment,
    sub: &Subscription,
    now: i64,
) -> Result<Option<Change>> {
    let old = store.subscription_row(env, &sub.id)?;
    let as_of = old.as_ref().map_or(now, |o| o.as_of.max(now));
    let before = old
        .as_ref()
        .map(|o| (o.status.clone(), o.cancel_at_period_end));
    apply(
        store,
        env,
        &Snapshot::Subscription(Box::new(sub.clone())),
        as_of,
        None,
    )?;
    let after = (sub.status.as_str().to_string(), sub.cancel_at_period_end);
    Ok((before.as_ref() != Some(&after)).then(|| Change {
        subscription: sub.id.clone(),
        stripe_customer: sub.customer.clone(),
        before: before.map(|b| b.0),
        after: after.0,
        cancel_at_period_end: after.1,
    }))
}

/// What a reconciliation read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled {
    pub read: usize,
    /// The subscriptions whose state the read changed: to look at, not acted on blindly
    /// (decisions from a read are offered, never done: `decide`).
    pub changed: Vec<Change>,
    pub skipped: usize,
    pub truncated: bool,
}

/// Every subscription of the account read and kept as of `now` (the events' 30 days missed,
/// or asked for): the reconciliation's read. The register is written on the blocking pool.
pub async fn snapshot_all(
    store: Arc<Store>,
    stripe: &Stripe,
    env: Environment,
    now: i64,
) -> std::result::Result<Result<Reconciled>, ProviderError> {
    let read = stripe.subscriptions("all").await?;
    Ok(crate::blocking::run(move || {
        let mut out = Reconciled {
            read: read.subscriptions.len(),
            skipped: read.skipped,
            truncated: read.truncated,
            ..Reconciled::default()
        };
        for sub in &read.subscriptions {
            out.changed.extend(apply_read(&store, env, sub, now)?);
        }
        Ok(out)
    })
    .await)
}
