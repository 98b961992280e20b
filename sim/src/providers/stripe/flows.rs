//! What happens in a Stripe account when a customer pays in Checkout, a subscription is made in
//! the Dashboard or is canceled (the rest of its life: lifecycle.rs): the objects change and the events Stripe emits are
//! recorded in its order, each carrying the object as it was at that moment.

use serde_json::{json, Map, Value};

use super::objects::{self, Billed, Buyer};
use crate::world::{EventCtx, StripeState};

/// A refusal of the test surface: status and message.
pub type Refusal = (u16, String);

/// Collects the ids and types of the events one action emits.
pub(super) struct Emitted<'a> {
    pub s: &'a mut StripeState,
    pub ctx: EventCtx,
    pub events: Vec<Value>,
}

impl<'a> Emitted<'a> {
    pub fn new(s: &'a mut StripeState, ctx: EventCtx) -> Self {
        Emitted {
            s,
            ctx,
            events: Vec::new(),
        }
    }

    pub fn emit(&mut self, kind: &str, object: &Value, previous: Option<Value>) {
        self.s.put(object.clone());
        let id = self.s.emit(kind, object, previous, &self.ctx);
        self.events.push(json!({"id": id, "type": kind}));
    }
}

pub(super) fn product_name(s: &StripeState, price: &Value) -> String {
    let product = price["product"].as_str().unwrap_or_default();
    s.get(product)
        .and_then(|p| p["name"].as_str())
        .unwrap_or("Subscription")
        .to_string()
}

/// A new customer and a subscription with its first invoice, finalized (draft → open); a
/// `trialing` one's first invoice is for 0 (the trial period).
/// Emits customer.created, customer.subscription.created, invoice.created, invoice.finalized.
fn subscribe(
    e: &mut Emitted,
    email: &str,
    name: Option<&str>,
    price: &Value,
    status: &str,
) -> (Value, Value) {
    let created = e.ctx.created;
    let (cus, sub_id, si, inv_id, il) = (
        e.s.new_id("cus_"),
        e.s.new_id("sub_"),
        e.s.new_id("si_"),
        e.s.new_id("in_"),
        e.s.new_id("il_"),
    );
    let prefix = e.s.ids.alnum(8).to_uppercase();
    let mut customer = objects::customer(&cus, email, name, &prefix, created);
    e.emit("customer.created", &customer, None);
    let end = objects::add_month(created);
    let item = objects::subscription_item(&si, &sub_id, price, created, end);
    let sub = objects::subscription(&sub_id, &cus, item, created, status, &inv_id);
    e.emit("customer.subscription.created", &sub, None);
    customer["currency"] = json!("sek");
    let name = product_name(e.s, price);
    let mut trial_price = price.clone();
    trial_price["unit_amount"] = json!(0);
    trial_price["unit_amount_decimal"] = json!("0");
    let billed = Billed {
        subscription: &sub_id,
        item: &si,
        price: if status == "trialing" {
            &trial_price
        } else {
            price
        },
        product_name: &name,
        start: created,
        end,
    };
    let line = objects::invoice_line(&il, &inv_id, &billed);
    let inv = objects::invoice(&inv_id, &customer, line, created, "subscription_create");
    e.emit("invoice.created", &inv, None);
    let inv = finalize(e, &mut customer, inv);
    e.s.put(customer);
    (sub, inv)
}

pub(super) fn finalize(e: &mut Emitted, customer: &mut Value, mut inv: Value) -> Value {
    let seq = customer["next_invoice_sequence"].as_i64().unwrap_or(1);
    let number = format!(
        "{}-{seq:04}",
        customer["invoice_prefix"].as_str().unwrap_or("INV")
    );
    customer["next_invoice_sequence"] = json!(seq + 1);
    objects::finalize(&mut inv, &number, e.ctx.created);
    e.emit("invoice.finalized", &inv, None);
    inv
}

/// invoice.paid and invoice.payment_succeeded.
pub(super) fn pay(e: &mut Emitted, mut inv: Value) -> Value {
    super::payments::record(e.s, &inv, e.ctx.created, super::payments::Outcome::Paid);
    objects::mark_paid(&mut inv, e.ctx.created);
    e.emit("invoice.paid", &inv, None);
    e.emit("invoice.payment_succeeded", &inv, None);
    inv
}

/// incomplete → active, as after the first payment of a Checkout subscription.
fn activate(e: &mut Emitted, mut sub: Value) -> Value {
    let before = sub["status"].clone();
    sub["status"] = json!("active");
    e.emit(
        "customer.subscription.updated",
        &sub,
        Some(json!({"status": before})),
    );
    sub
}

/// What a test asks for: a customer subscribing to `price` at `created`.
pub struct Signup {
    pub email: String,
    pub name: Option<String>,
    pub company: Option<String>,
    pub price: Value,
    pub metadata: Map<String, Value>,
    pub created: i64,
    pub paid: bool,
    /// A free trial (or a 100 % coupon): nothing is charged.
    pub trial: bool,
}

/// A completed subscription-mode Checkout session. Paid: the subscription starts
/// `incomplete`, the first invoice is paid, the subscription turns `active`, and the session
/// completes last. Unpaid (a delayed payment method): the session completes `unpaid` and the
/// invoice stays open until [`pay_session`]. A trial: the subscription is `trialing`, its first
/// invoice of 0 is paid at once, and the session completes `no_payment_required`.
pub fn checkout(s: &mut StripeState, req: Signup) -> Value {
    let mut e = Emitted::new(s, EventCtx::by_stripe(req.created));
    let status = if req.trial { "trialing" } else { "incomplete" };
    let (mut sub, mut inv) = subscribe(&mut e, &req.email, req.name.as_deref(), &req.price, status);
    if req.trial {
        inv = pay(&mut e, inv);
    } else if req.paid {
        inv = pay(&mut e, inv);
        sub = activate(&mut e, sub);
    }
    let (cs, li) = (e.s.new_id("cs_test_"), e.s.new_id("li_"));
    let buyer = Buyer {
        email: &req.email,
        name: req.name.as_deref(),
        company: req.company.as_deref(),
        metadata: req.metadata,
    };
    let session = objects::session(
        &cs,
        &buyer,
        &sub,
        inv["id"].as_str().unwrap_or_default(),
        req.created,
        match (req.trial, req.paid) {
            (true, _) => "no_payment_required",
            (false, true) => "paid",
            (false, false) => "unpaid",
        },
    );
    let name = product_name(e.s, &req.price);
    e.s.line_items.push((
        cs.clone(),
        vec![objects::checkout_item(&li, &req.price, &name)],
    ));
    e.emit("checkout.session.completed", &session, None);
    made(&sub, &inv, Some(&cs), e.events)
}

/// The delayed payment of an unpaid Checkout session succeeds.
pub fn pay_session(s: &mut StripeState, id: &str, created: i64) -> Result<Value, Refusal> {
    let session = s
        .get_kind("checkout.session", id)
        .cloned()
        .ok_or((404, format!("no checkout session {id}")))?;
    if session["payment_status"] != "unpaid" {
        return Err((409, format!("checkout session {id} is already paid")));
    }
    let inv = s
        .get(session["invoice"].as_str().unwrap_or_default())
        .cloned();
    let sub = s
        .get(session["subscription"].as_str().unwrap_or_default())
        .cloned();
    let (Some(inv), Some(sub)) = (inv, sub) else {
        return Err((409, format!("checkout session {id} has no invoice")));
    };
    let mut e = Emitted::new(s, EventCtx::by_stripe(created));
    let inv = pay(&mut e, inv);
    let sub = activate(&mut e, sub);
    let mut session = session;
    session["payment_status"] = json!("paid");
    e.emit("checkout.session.async_payment_succeeded", &session, None);
    Ok(made(&sub, &inv, Some(id), e.events))
}

/// A subscription made in the Dashboard (no Checkout): active at once, first invoice paid.
pub fn dashboard_subscription(s: &mut StripeState, req: Signup) -> Value {
    let ctx = EventCtx::by_dashboard(s, req.created);
    let mut e = Emitted::new(s, ctx);
    let (sub, inv) = subscribe(
        &mut e,
        &req.email,
        req.name.as_deref(),
        &req.price,
        "active",
    );
    let inv = pay(&mut e, inv);
    made(&sub, &inv, None, e.events)
}

/// A subscription in one of the `allowed` statuses; 404 or 409 otherwise.
pub(super) fn subscription(s: &StripeState, id: &str, allowed: &[&str]) -> Result<Value, Refusal> {
    let sub = s
        .get_kind("subscription", id)
        .cloned()
        .ok_or((404, format!("no subscription {id}")))?;
    let status = sub["status"].as_str().unwrap_or_default();
    if !allowed.contains(&status) {
        return Err((409, format!("subscription {id} is {status}")));
    }
    Ok(sub)
}

/// Canceled at once in the Dashboard: customer.subscription.deleted.
pub fn cancel(s: &mut StripeState, id: &str, created: i64) -> Result<Value, Refusal> {
    let mut sub = subscription(
        s,
        id,
        &["active", "trialing", "past_due", "unpaid", "paused"],
    )?;
    sub["status"] = json!("canceled");
    sub["canceled_at"] = json!(created);
    sub["ended_at"] = json!(created);
    sub["cancellation_details"]["reason"] = json!("cancellation_requested");
    let ctx = EventCtx::by_dashboard(s, created);
    let mut e = Emitted::new(s, ctx);
    e.emit("customer.subscription.deleted", &sub, None);
    Ok(json!({"subscription": id, "status": "canceled", "events": e.events}))
}

pub(super) fn made(sub: &Value, inv: &Value, session: Option<&str>, events: Vec<Value>) -> Value {
    json!({
        "customer": sub["customer"], "subscription": sub["id"],
        "subscription_item": sub["items"]["data"][0]["id"], "invoice": inv["id"],
        "checkout_session": session, "price": sub["items"]["data"][0]["price"]["id"],
        "product": sub["items"]["data"][0]["price"]["product"], "events": events,
    })
}
