//! A subscription's life after its first payment, as Stripe Billing plays it on its clock:
//! each period's renewal (paid, or failed when the customer's card is declined), Smart Retries
//! within the account's window ending in `unpaid` or `canceled`, a payment that recovers,
//! pause and resume, and the cancellation at the period's end.
//!
//! Nothing here keeps a queue: what falls due next is read from the objects themselves (a
//! period's end, an invoice's `next_payment_attempt`), so advancing the clock by a year in one
//! step plays exactly what twelve monthly steps would, each event at its own moment.

use serde_json::{json, Value};

use super::flows::{self, Emitted, Refusal};
use super::objects::{self, Billed};
use super::payments;
use crate::world::{EventCtx, StripeState};

/// How many things may fall due in one advance: a guard against a loop, far above what ten
/// years of a few hundred subscriptions need.
const MAX_STEPS: usize = 100_000;

/// The end of a subscription's current period. Since basil it is on the items
/// (`items.data[].current_period_end`); an older object had it on the subscription.
pub fn period_end(sub: &Value) -> Option<i64> {
    sub["items"]["data"][0]["current_period_end"]
        .as_i64()
        .or_else(|| sub["current_period_end"].as_i64())
}

/// What falls due for a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    /// The period ends and the next begins.
    Renew,
    /// The period ends and, canceled at its end, so does the subscription.
    End,
    /// A Smart Retry of its open invoice.
    Retry,
}

/// The earliest thing due at or before `until`: (when, subscription id, what). Ties go to the
/// subscription made first, so one advance and many small ones play the same order.
fn next_due(s: &StripeState, until: i64) -> Option<(i64, String, Due)> {
    let mut best: Option<(i64, String, Due)> = None;
    for sub in s.objects.iter().filter(|o| o["object"] == "subscription") {
        let due = match sub["status"].as_str().unwrap_or_default() {
            "active" | "trialing" => period_end(sub).map(|t| {
                let what = if sub["cancel_at_period_end"] == true {
                    Due::End
                } else {
                    Due::Renew
                };
                (t, what)
            }),
            "past_due" => s
                .get(sub["latest_invoice"].as_str().unwrap_or_default())
                .filter(|inv| inv["status"] == "open")
                .and_then(|inv| inv["next_payment_attempt"].as_i64())
                .map(|t| (t, Due::Retry)),
            _ => None,
        };
        if let Some((t, what)) = due.filter(|(t, _)| *t <= until) {
            if best.as_ref().is_none_or(|(b, _, _)| t < *b) {
                best = Some((t, sub["id"].as_str().unwrap_or_default().to_string(), what));
            }
        }
    }
    best
}

/// Plays everything that falls due up to `until`, in time order, each at its own moment;
/// returns the events emitted, oldest first, whole (a test walking a year sees each object as
/// it was even after the 30 days the Events API keeps it).
pub fn advance(s: &mut StripeState, until: i64) -> Vec<Value> {
    let before = s.events.len();
    for _ in 0..MAX_STEPS {
        let Some((at, id, what)) = next_due(s, until) else {
            break;
        };
        let Some(sub) = s.get_kind("subscription", &id).cloned() else {
            break;
        };
        let mut e = Emitted::new(s, EventCtx::by_stripe(at));
        match what {
            Due::Renew => {
                cycle(&mut e, sub, at, "subscription_cycle");
            }
            Due::End => end_at_period_end(&mut e, sub, at),
            Due::Retry => retry(&mut e, sub),
        }
    }
    s.events[before..].to_vec()
}

/// Why the customer's saved card is declined, when a test made it fail.
fn declined(s: &StripeState, customer: &Value) -> Option<String> {
    let id = customer.as_str().unwrap_or_default();
    if !s.billing.failing_cards.iter().any(|c| c == id) {
        return None;
    }
    let code = s.billing.decline_codes.iter().find(|(c, _)| c == id);
    Some(
        code.map_or(payments::DEFAULT_DECLINE.to_string(), |(_, code)| {
            code.clone()
        }),
    )
}

/// A status change of the subscription: `customer.subscription.updated` with what it was.
fn set_status(e: &mut Emitted, sub: &mut Value, status: &str) {
    let before = sub["status"].clone();
    if before == status {
        return;
    }
    sub["status"] = json!(status);
    e.emit(
        "customer.subscription.updated",
        sub,
        Some(json!({ "status": before })),
    );
}

/// A new period from `start`: the subscription moves on, its invoice is made, finalized and
/// its payment attempted. Returns the subscription and the invoice as they end up.
pub(super) fn cycle(e: &mut Emitted, mut sub: Value, start: i64, reason: &str) -> (Value, Value) {
    let id = sub["id"].as_str().unwrap_or_default().to_string();
    let mut customer =
        e.s.get(sub["customer"].as_str().unwrap_or_default())
            .cloned()
            .unwrap_or(Value::Null);
    let before = json!({"items": sub["items"], "latest_invoice": sub["latest_invoice"]});
    let item = sub["items"]["data"][0].clone();
    let end = objects::add_month(start);
    let (inv_id, il) = (e.s.new_id("in_"), e.s.new_id("il_"));
    sub["items"]["data"][0]["current_period_start"] = json!(start);
    sub["items"]["data"][0]["current_period_end"] = json!(end);
    sub["latest_invoice"] = json!(inv_id);
    let price = item["price"].clone();
    let name = flows::product_name(e.s, &price);
    let billed = Billed {
        subscription: &id,
        item: item["id"].as_str().unwrap_or_default(),
        price: &price,
        product_name: &name,
        start,
        end,
    };
    let line = objects::invoice_line(&il, &inv_id, &billed);
    let inv = objects::invoice(&inv_id, &customer, line, e.ctx.created, reason);
    e.emit("customer.subscription.updated", &sub, Some(before));
    e.emit("invoice.created", &inv, None);
    let inv = flows::finalize(e, &mut customer, inv);
    e.s.put(customer);
    attempt(e, sub, inv)
}

/// One payment attempt of an open invoice by the saved card.
fn attempt(e: &mut Emitted, mut sub: Value, mut inv: Value) -> (Value, Value) {
    let Some(decline_code) = declined(e.s, &sub["customer"]) else {
        inv["attempt_count"] = json!(inv["attempt_count"].as_i64().unwrap_or(0) + 1);
        inv = flows::pay(e, inv);
        set_status(e, &mut sub, "active");
        return (sub, inv);
    };
    let declined = payments::Outcome::Declined {
        decline_code: &decline_code,
    };
    payments::record(e.s, &inv, e.ctx.created, declined);
    let (tries, days) = (
        i64::from(e.s.billing.retry_tries.max(1)),
        e.s.billing.retry_days.max(0),
    );
    let count = inv["attempt_count"].as_i64().unwrap_or(0) + 1;
    let first = inv["status_transitions"]["finalized_at"]
        .as_i64()
        .unwrap_or(e.ctx.created);
    inv["attempt_count"] = json!(count);
    inv["attempted"] = json!(true);
    // The retries spread evenly over the window, the last one at its end.
    inv["next_payment_attempt"] = if count < tries {
        json!(first + count * days * 86_400 / (tries - 1).max(1))
    } else {
        Value::Null
    };
    e.emit("invoice.payment_failed", &inv, None);
    if count < tries {
        set_status(e, &mut sub, "past_due");
        return (sub, inv);
    }
    if e.s.billing.after_retries == "unpaid" {
        set_status(e, &mut sub, "unpaid");
    } else {
        let at = e.ctx.created;
        sub["status"] = json!("canceled");
        sub["canceled_at"] = json!(at);
        sub["ended_at"] = json!(at);
        sub["cancellation_details"]["reason"] = json!("payment_failed");
        e.emit("customer.subscription.deleted", &sub, None);
    }
    (sub, inv)
}

fn retry(e: &mut Emitted, sub: Value) {
    let Some(inv) =
        e.s.get(sub["latest_invoice"].as_str().unwrap_or_default())
            .cloned()
    else {
        return;
    };
    attempt(e, sub, inv);
}

/// A subscription canceled at its period's end ends then: `customer.subscription.deleted`.
fn end_at_period_end(e: &mut Emitted, mut sub: Value, at: i64) {
    sub["status"] = json!("canceled");
    sub["ended_at"] = json!(at);
    if sub["cancellation_details"]["reason"].is_null() {
        sub["cancellation_details"]["reason"] = json!("cancellation_requested");
    }
    e.emit("customer.subscription.deleted", &sub, None);
}

fn done(sub: &Value, events: Vec<Value>) -> Value {
    json!({"subscription": sub["id"], "status": sub["status"], "events": events})
}

/// The period renews now, however far its end is (the test surface's manual renewal).
pub fn renew(s: &mut StripeState, id: &str, created: i64) -> Result<Value, Refusal> {
    let sub = flows::subscription(s, id, &["active", "trialing"])?;
    let start = period_end(&sub).unwrap_or(created);
    let mut e = Emitted::new(s, EventCtx::by_stripe(created));
    let (sub, inv) = cycle(&mut e, sub, start, "subscription_cycle");
    Ok(flows::made(&sub, &inv, None, e.events))
}

/// The customer pays the open invoice of a `past_due` or `unpaid` subscription (a new card,
/// the hosted invoice page): the invoice is paid and the subscription `active` again.
pub fn pay_invoice(s: &mut StripeState, id: &str, created: i64) -> Result<Value, Refusal> {
    let inv = s
        .get_kind("invoice", id)
        .cloned()
        .ok_or((404, format!("no invoice {id}")))?;
    if inv["status"] != "open" {
        return Err((409, format!("invoice {id} is {}", inv["status"])));
    }
    let sub_id = inv["parent"]["subscription_details"]["subscription"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let sub = s.get_kind("subscription", &sub_id).cloned();
    let mut e = Emitted::new(s, EventCtx::by_stripe(created));
    flows::pay(&mut e, inv);
    let mut status = Value::Null;
    if let Some(mut sub) = sub.filter(|s| s["status"] == "past_due" || s["status"] == "unpaid") {
        set_status(&mut e, &mut sub, "active");
        status = sub["status"].clone();
    }
    Ok(json!({"invoice": id, "subscription": sub_id, "status": status, "events": e.events}))
}

/// Paused in the Dashboard: status `paused`, no invoices until it is resumed.
/// Emits `customer.subscription.paused`.
pub fn pause(s: &mut StripeState, id: &str, created: i64) -> Result<Value, Refusal> {
    let mut sub = flows::subscription(s, id, &["active", "trialing", "past_due"])?;
    let before = sub["status"].clone();
    sub["status"] = json!("paused");
    let ctx = EventCtx::by_dashboard(s, created);
    let mut e = Emitted::new(s, ctx);
    e.emit(
        "customer.subscription.paused",
        &sub,
        Some(json!({ "status": before })),
    );
    Ok(done(&sub, e.events))
}

/// Resumed in the Dashboard: `customer.subscription.resumed`, and a new period starts now
/// (`billing_cycle_anchor=now`, Stripe's default) with its invoice and payment attempt.
pub fn resume(s: &mut StripeState, id: &str, created: i64) -> Result<Value, Refusal> {
    let mut sub = flows::subscription(s, id, &["paused"])?;
    sub["status"] = json!("active");
    sub["billing_cycle_anchor"] = json!(created);
    let ctx = EventCtx::by_dashboard(s, created);
    let mut e = Emitted::new(s, ctx);
    e.emit(
        "customer.subscription.resumed",
        &sub,
        Some(json!({"status": "paused"})),
    );
    let (sub, _) = cycle(&mut e, sub, created, "subscription_cycle");
    Ok(done(&sub, e.events))
}

/// Set (or unset) to cancel at the period's end: `customer.subscription.updated` with
/// `cancel_at_period_end`, `cancel_at` the period's end and `canceled_at` the request's time.
pub fn cancel_at_period_end(
    s: &mut StripeState,
    id: &str,
    created: i64,
    cancel: bool,
) -> Result<Value, Refusal> {
    let mut sub = flows::subscription(s, id, &["active", "trialing", "past_due"])?;
    if sub["cancel_at_period_end"] == cancel {
        return Err((409, format!("subscription {id} already has that setting")));
    }
    let before = json!({
        "cancel_at": sub["cancel_at"], "cancel_at_period_end": sub["cancel_at_period_end"],
        "canceled_at": sub["canceled_at"], "cancellation_details": sub["cancellation_details"],
    });
    sub["cancel_at_period_end"] = json!(cancel);
    if cancel {
        sub["cancel_at"] = json!(period_end(&sub));
        sub["canceled_at"] = json!(created);
        sub["cancellation_details"]["reason"] = json!("cancellation_requested");
    } else {
        sub["cancel_at"] = Value::Null;
        sub["canceled_at"] = Value::Null;
        sub["cancellation_details"]["reason"] = Value::Null;
    }
    let ctx = EventCtx::by_dashboard(s, created);
    let mut e = Emitted::new(s, ctx);
    e.emit("customer.subscription.updated", &sub, Some(before));
    Ok(done(&sub, e.events))
}
