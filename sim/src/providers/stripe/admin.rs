//! `/__sim/stripe/*`: what happens in the Stripe account outside the API Fabrik calls — a
//! customer pays in Checkout, someone makes or cancels a subscription in the Dashboard, a
//! period renews, time passes. JSON in and out; errors as `{"error": "..."}`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::flows::{self, Refusal, Signup};
use super::lifecycle;
use crate::errors::json_response;
use crate::state::AppState;
use crate::world::{now_ms, StripeState, World};

type St = State<Arc<AppState>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignupBody {
    email: String,
    name: Option<String>,
    company: Option<String>,
    /// A price id or lookup key; the Starter price when absent.
    price: Option<String>,
    metadata: Option<Map<String, Value>>,
    /// Unix seconds; the Stripe clock when absent (earlier values make late, out-of-order events).
    created: Option<i64>,
    paid: Option<bool>,
    /// A free trial: nothing charged, `payment_status: no_payment_required`.
    trial: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct WhenBody {
    created: Option<i64>,
}

fn refused((status, message): Refusal) -> Response {
    json_response(status, json!({ "error": message }))
}

fn parse<T: for<'de> Deserialize<'de> + Default>(body: &Bytes) -> Result<T, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| refused((400, format!("invalid body: {e}"))))
}

/// A price by id or lookup key (the seeded Starter price when none is named).
fn price(s: &StripeState, seed_starter: &str, wanted: Option<&str>) -> Result<Value, Refusal> {
    let wanted = wanted.unwrap_or(seed_starter);
    s.newest_first("price")
        .into_iter()
        .find(|p| p["id"] == wanted || p["lookup_key"] == wanted)
        .cloned()
        .ok_or((404, format!("no price or lookup_key {wanted}")))
}

fn signup(w: &World, body: &Bytes, now: i64) -> Result<Signup, Response> {
    let b: SignupBody =
        serde_json::from_slice(body).map_err(|e| refused((400, format!("invalid body: {e}"))))?;
    if !b.email.contains('@') {
        return Err(refused((400, "email must be an e-mail address".into())));
    }
    let price = price(
        &w.stripe,
        &w.seed.stripe_starter_price_id,
        b.price.as_deref(),
    )
    .map_err(refused)?;
    // Stripe metadata values are strings.
    let metadata = b
        .metadata
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            (
                k,
                v.as_str()
                    .map_or_else(|| json!(v.to_string()), |s| json!(s)),
            )
        })
        .collect();
    Ok(Signup {
        email: b.email,
        name: b.name,
        company: b.company,
        price,
        metadata,
        created: b.created.unwrap_or_else(|| w.stripe.clock(now)),
        paid: b.paid.unwrap_or(true),
        trial: b.trial.unwrap_or(false),
    })
}

type Start = fn(&mut StripeState, Signup) -> Value;

fn start(st: &AppState, body: &Bytes, flow: Start) -> Response {
    let now = now_ms();
    let made = st.mutate(|w| {
        let req = signup(w, body, now)?;
        Ok::<_, Response>(flow(&mut w.stripe, req))
    });
    made.map_or_else(|e| e, |v| json_response(201, v))
}

/// `POST /__sim/stripe/checkout` → 201 with the ids made and the events emitted, in order.
pub async fn checkout(State(st): St, body: Bytes) -> Response {
    start(&st, &body, flows::checkout)
}

/// `POST /__sim/stripe/subscriptions`: made in the Dashboard, without Checkout.
pub async fn subscription(State(st): St, body: Bytes) -> Response {
    start(&st, &body, flows::dashboard_subscription)
}

type Action = fn(&mut StripeState, &str, i64) -> Result<Value, Refusal>;

fn act(st: &AppState, body: &Bytes, id: &str, f: Action) -> Response {
    let when: WhenBody = match parse(body) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let now = now_ms();
    let r = st.mutate(|w| {
        let at = when.created.unwrap_or_else(|| w.stripe.clock(now));
        f(&mut w.stripe, id, at)
    });
    r.map_or_else(refused, |v| json_response(200, v))
}

/// `POST /__sim/stripe/checkout/{id}/pay`: the delayed payment of an unpaid session succeeds.
pub async fn pay(State(st): St, Path(id): Path<String>, body: Bytes) -> Response {
    act(&st, &body, &id, flows::pay_session)
}

/// `POST /__sim/stripe/subscriptions/{id}/renew`: the next period begins now and its invoice
/// is paid (or fails, when the customer's card does).
pub async fn renew(State(st): St, Path(id): Path<String>, body: Bytes) -> Response {
    act(&st, &body, &id, lifecycle::renew)
}

/// `POST /__sim/stripe/subscriptions/{id}/pause`: status `paused`.
pub async fn pause(State(st): St, Path(id): Path<String>, body: Bytes) -> Response {
    act(&st, &body, &id, lifecycle::pause)
}

/// `POST /__sim/stripe/subscriptions/{id}/resume`: active again, a new period from now.
pub async fn resume(State(st): St, Path(id): Path<String>, body: Bytes) -> Response {
    act(&st, &body, &id, lifecycle::resume)
}

/// `POST /__sim/stripe/invoices/{id}/pay`: the customer pays an open invoice by hand.
pub async fn pay_invoice(State(st): St, Path(id): Path<String>, body: Bytes) -> Response {
    act(&st, &body, &id, lifecycle::pay_invoice)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodEndBody {
    /// `false` takes a cancellation back.
    cancel: Option<bool>,
    created: Option<i64>,
}

/// `POST /__sim/stripe/subscriptions/{id}/cancel_at_period_end` `{"cancel": true}` (the
/// default): it ends when its period does.
pub async fn cancel_at_period_end(State(st): St, Path(id): Path<String>, body: Bytes) -> Response {
    let b: PeriodEndBody = if body.iter().all(u8::is_ascii_whitespace) {
        PeriodEndBody {
            cancel: None,
            created: None,
        }
    } else {
        match serde_json::from_slice(&body) {
            Ok(b) => b,
            Err(e) => return refused((400, format!("invalid body: {e}"))),
        }
    };
    let now = now_ms();
    let r = st.mutate(|w| {
        let at = b.created.unwrap_or_else(|| w.stripe.clock(now));
        lifecycle::cancel_at_period_end(&mut w.stripe, &id, at, b.cancel.unwrap_or(true))
    });
    r.map_or_else(refused, |v| json_response(200, v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CardBody {
    failing: bool,
    /// Why the bank declines it (`insufficient_funds`, …); `generic_decline` when not given.
    decline_code: Option<String>,
}

/// `POST /__sim/stripe/customers/{id}/card` `{"failing": true, "decline_code": "…"}`: the
/// saved card is declined from now on, for the reason given (`false`: fixed); the next
/// attempt, a renewal or a retry, tells.
pub async fn card(State(st): St, Path(id): Path<String>, body: Bytes) -> Response {
    let b: CardBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return refused((400, format!("invalid body: {e}"))),
    };
    let r = st.mutate(|w| {
        let s = &mut w.stripe;
        if s.get_kind("customer", &id).is_none() {
            return Err((404, format!("no customer {id}")));
        }
        s.billing.failing_cards.retain(|c| c != &id);
        s.billing.decline_codes.retain(|(c, _)| c != &id);
        if b.failing {
            s.billing.failing_cards.push(id.clone());
            if let Some(code) = b.decline_code.filter(|c| !c.is_empty()) {
                s.billing.decline_codes.push((id.clone(), code));
            }
        }
        Ok(json!({"customer": id, "failing": b.failing}))
    });
    r.map_or_else(refused, |v| json_response(200, v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsBody {
    retry_tries: Option<u32>,
    retry_days: Option<i64>,
    after_retries: Option<String>,
}

/// `POST /__sim/stripe/settings`: the account's retry policy (Smart Retries' tries and window,
/// and `after_retries`: `canceled` or `unpaid`). Answers the settings in force.
pub async fn settings(State(st): St, body: Bytes) -> Response {
    let b: SettingsBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return refused((400, format!("invalid body: {e}"))),
    };
    if b.after_retries
        .as_deref()
        .is_some_and(|a| a != "canceled" && a != "unpaid")
    {
        return refused((400, "after_retries must be canceled or unpaid".into()));
    }
    if b.retry_tries == Some(0) || b.retry_days.is_some_and(|d| d < 0) {
        return refused((
            400,
            "retry_tries must be at least 1, retry_days not negative".into(),
        ));
    }
    let set = st.mutate(|w| {
        let s = &mut w.stripe.billing;
        s.retry_tries = b.retry_tries.unwrap_or(s.retry_tries);
        s.retry_days = b.retry_days.unwrap_or(s.retry_days);
        s.after_retries = b.after_retries.unwrap_or_else(|| s.after_retries.clone());
        json!({"retry_tries": s.retry_tries, "retry_days": s.retry_days, "after_retries": s.after_retries})
    });
    json_response(200, set)
}

/// `POST /__sim/stripe/subscriptions/{id}/cancel`: canceled at once.
pub async fn cancel(State(st): St, Path(id): Path<String>, body: Bytes) -> Response {
    act(&st, &body, &id, flows::cancel)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    advance_seconds: i64,
}

/// `POST /__sim/stripe/clock` `{"advance_seconds"}`: the Stripe clock moves forward only, and
/// everything that falls due on the way (renewals, retries, ends of canceled periods) happens
/// at its own moment, in order; the answer lists those events (`played`), oldest first.
pub async fn clock(State(st): St, body: Bytes) -> Response {
    let b: ClockBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return refused((400, format!("invalid body: {e}"))),
    };
    if b.advance_seconds < 0 {
        return refused((400, "advance_seconds must not be negative".into()));
    }
    let now = now_ms();
    let (offset, clock, played) = st.mutate(|w| {
        let until = w.stripe.clock(now) + b.advance_seconds;
        let played = lifecycle::advance(&mut w.stripe, until);
        w.stripe.clock_offset_secs += b.advance_seconds;
        (w.stripe.clock_offset_secs, w.stripe.clock(now), played)
    });
    json_response(
        200,
        json!({"now": clock, "offset_seconds": offset, "played": played}),
    )
}

/// The Stripe part of `GET /__sim/inventory`.
pub fn inventory(w: &World, now: i64) -> Value {
    let s = &w.stripe;
    let pick = |kind: &str, fields: &[&str]| -> Vec<Value> {
        s.objects
            .iter()
            .filter(|o| o["object"] == kind)
            .map(|o| {
                fields
                    .iter()
                    .map(|f| (f.to_string(), o[*f].clone()))
                    .collect::<Map<_, _>>()
                    .into()
            })
            .collect()
    };
    json!({
        "clock": s.clock(now), "clock_offset_seconds": s.clock_offset_secs,
        "customers": pick("customer", &["id", "email", "name"]),
        "subscriptions": pick("subscription", &["id", "customer", "status", "cancel_at_period_end", "latest_invoice"]),
        "billing": s.billing,
        "checkout_sessions": pick("checkout.session", &["id", "customer", "subscription", "payment_status"]),
        "events": s.events.len(),
    })
}
