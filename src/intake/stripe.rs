//! Stripe's events read into the inbox. A desktop app receives no webhooks, so the inbox polls
//! `GET /v1/events` from a cursor kept in the register (the newest `created` read so far), five
//! minutes back from it: an event that became visible late is still read. Each event is
//! handled once, by its id (`intake_events`), whatever seat read it and however often; a
//! request is one per subscription (or per checkout without one), so a paid checkout and its
//! subscription's first paid invoice make one request, in whichever order they come. What the
//! payer typed (the company, the name) is only a name: a request is linked to a portal
//! organization only by an id the agency put in the checkout's metadata (`organization_id`).

use serde_json::{json, Value};

use crate::customer::Plan;
use crate::providers::stripe::{Event, Stripe, EVENT_DAYS};
use crate::requests::IntakeRows;
use crate::requests::{IntakeSource, NewIntake};
use crate::store::Store;

/// The events that start or end a customer.
pub const EVENT_TYPES: [&str; 4] = [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "invoice.paid",
    "customer.subscription.deleted",
];

/// What a poll reads: the inbox's events and those that change a subscription's state
/// (`billing::state::EVENT_TYPES`), each once.
pub fn read_types() -> Vec<&'static str> {
    let mut types = EVENT_TYPES.to_vec();
    for t in crate::billing::state::EVENT_TYPES {
        if !types.contains(&t) {
            types.push(t);
        }
    }
    types
}

/// How far back from the cursor each poll reads again.
pub const OVERLAP_SECONDS: i64 = 300;

/// What one event meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meaning {
    /// A completed checkout or a first invoice: someone who asks for an instance (paid, or
    /// free: a trial or a 100 % coupon).
    Paid(Payment),
    /// A subscription ended.
    Cancelled { subscription: String },
    /// Nothing for the inbox (an unpaid checkout, a renewal's invoice).
    Nothing,
}

/// A payment that asks for an instance, as the event carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The subscription's id, or the checkout session's when it has none.
    pub key: String,
    pub name: String,
    pub email: String,
    /// The checkout session, whose line items say the price (an invoice says it itself).
    pub session: Option<String>,
    pub prices: Vec<(String, String)>,
    pub customer: Option<String>,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    /// Money was taken (`payment_status: paid`, an invoice's `amount_paid` above 0); a trial
    /// or a 100 % coupon is `no_payment_required` and not paid.
    pub paid: bool,
    /// The portal organization the agency linked the checkout to (`metadata.organization_id`).
    pub organization: Option<String>,
}

fn s(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

/// An expandable field: an id, or the object with its id.
fn id_of(v: &Value) -> Option<String> {
    s(v).or_else(|| s(&v["id"]))
}

/// What an event means for the inbox (API version `STRIPE_VERSION`).
pub fn meaning(event: &Event) -> Meaning {
    let o = &event.data.object;
    match event.kind.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            // An unpaid one (a delayed payment method) waits for its async_payment_succeeded.
            let paid = match o["payment_status"].as_str() {
                Some("paid") => true,
                Some("no_payment_required") => false,
                _ => return Meaning::Nothing,
            };
            let Some(session) = s(&o["id"]) else {
                return Meaning::Nothing;
            };
            let details = &o["customer_details"];
            // The company the customer typed (a custom field or the metadata), else their name.
            let company = o["custom_fields"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|f| matches!(f["key"].as_str(), Some("company") | Some("foretagsnamn")))
                .and_then(|f| s(&f["text"]["value"]))
                .or_else(|| s(&o["metadata"]["agency_name"]))
                .or_else(|| s(&o["metadata"]["company"]))
                .or_else(|| s(&details["business_name"]))
                .or_else(|| s(&details["name"]));
            Meaning::Paid(Payment {
                key: id_of(&o["subscription"]).unwrap_or_else(|| session.clone()),
                name: company.unwrap_or_default(),
                email: s(&details["email"])
                    .or_else(|| s(&o["customer_email"]))
                    .unwrap_or_default(),
                session: Some(session),
                prices: Vec::new(),
                customer: id_of(&o["customer"]),
                amount: o["amount_total"].as_i64(),
                currency: s(&o["currency"]),
                paid,
                organization: s(&o["metadata"]["organization_id"]),
            })
        }
        "invoice.paid" => {
            // Only a subscription's first invoice starts a customer; renewals do not.
            if o["billing_reason"].as_str() != Some("subscription_create") {
                return Meaning::Nothing;
            }
            // Since basil the subscription is under `parent`; an event made in an older
            // version has it, and its metadata, at the top.
            let details = match &o["parent"]["subscription_details"] {
                Value::Null => &o["subscription_details"],
                d => d,
            };
            let subscription =
                id_of(&details["subscription"]).or_else(|| id_of(&o["subscription"]));
            let Some(subscription) = subscription else {
                return Meaning::Nothing;
            };
            let prices = o["lines"]["data"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|l| {
                    let details = &l["pricing"]["price_details"];
                    let price = id_of(&details["price"]).or_else(|| id_of(&l["price"]))?;
                    let product = s(&details["product"])
                        .or_else(|| id_of(&l["price"]["product"]))
                        .unwrap_or_default();
                    Some((price, product))
                })
                .collect();
            Meaning::Paid(Payment {
                key: subscription,
                name: s(&o["customer_name"]).unwrap_or_default(),
                email: s(&o["customer_email"]).unwrap_or_default(),
                session: None,
                prices,
                customer: id_of(&o["customer"]),
                amount: o["amount_paid"].as_i64(),
                currency: s(&o["currency"]),
                paid: o["amount_paid"].as_i64().is_some_and(|a| a > 0),
                organization: s(&details["metadata"]["organization_id"]),
            })
        }
        "customer.subscription.deleted" => match s(&o["id"]) {
            Some(subscription) => Meaning::Cancelled { subscription },
            None => Meaning::Nothing,
        },
        _ => Meaning::Nothing,
    }
}

pub use crate::billing::plans::plan_of;

/// What one poll did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Polled {
    pub events: u32,
    /// Events handled before (the overlap, another seat).
    pub seen_before: u32,
    pub new_requests: Vec<i64>,
    pub cancelled: u32,
    pub requests: u32,
    /// The newest `created` read.
    pub cursor: Option<i64>,
    pub truncated: bool,
    /// Subscription snapshots kept from the events (`billing::state`).
    pub billing_kept: u32,
    /// The reconciliation's read, when the last poll was older than Stripe's 30 days.
    pub reconciled: Option<crate::billing::state::Reconciled>,
}

/// Reads the events since `cursor` (less the overlap) and adds what they ask for. Each event
/// is taken in the register before it is handled, so two seats polling at once add each
/// request once; an event whose handling failed is not taken and comes again next poll. A
/// subscription's event also keeps its snapshot in `env` (`billing::state`), unless the poll
/// `reconcile`s: the events of a gap longer than Stripe keeps them tell only part of the
/// story, so every subscription is read instead, as of now.
pub async fn poll(
    store: std::sync::Arc<Store>,
    stripe: &Stripe,
    cursor: Option<i64>,
    now: i64,
    plans: &std::collections::BTreeMap<String, Plan>,
    env: crate::environment::Environment,
    reconcile: bool,
) -> Result<Polled, crate::providers::ProviderError> {
    // A first poll reads what Stripe still keeps; a cursor older than that reads from there.
    let oldest = now - EVENT_DAYS * 86_400;
    let since = cursor.map_or(oldest, |c| (c - OVERLAP_SECONDS).max(oldest));
    let read = stripe.events_since(&read_types(), since).await?;
    let mut polled = Polled {
        requests: read.requests,
        truncated: read.truncated,
        cursor,
        ..Polled::default()
    };
    for mut event in read.events {
        polled.events += 1;
        polled.cursor = Some(
            polled
                .cursor
                .map_or(event.created, |c| c.max(event.created)),
        );
        let (store2, id, created) = (store.clone(), event.id.clone(), event.created);
        // Read again over the overlap: handled already, so no call for its prices either.
        let (s3, seen_id) = (store.clone(), event.id.clone());
        if crate::blocking::run(move || s3.intake_event_seen(&seen_id))
            .await
            .unwrap_or(false)
        {
            polled.seen_before += 1;
            continue;
        }
        let meaning = match meaning(&event) {
            Meaning::Paid(mut p) => {
                if let (Some(session), true) = (&p.session, p.prices.is_empty()) {
                    polled.requests += 1;
                    p.prices = stripe.session_prices(session).await?;
                }
                Meaning::Paid(p)
            }
            m => m,
        };
        if !reconcile && event.kind == "invoice.payment_failed" {
            declined_with_reason(stripe, &mut event, &mut polled.requests).await;
        }
        let plans = plans.clone();
        let billing_event = (!reconcile).then(|| event.clone());
        let outcome = crate::blocking::run(move || -> crate::Result<(bool, Option<i64>, bool, bool)> {
            if !store2.take_intake_event(&id, created)? {
                return Ok((false, None, false, false));
            }
            let kept = match billing_event {
                Some(e) => matches!(
                    crate::billing::state::apply_event(&store2, env, &e)?,
                    crate::billing::state::Applied::Kept(_)
                ),
                None => false,
            };
            let (taken, added, cancelled) = match meaning {
                Meaning::Paid(p) => {
                    let detail = json!({
                        "event": id, "customer": p.customer, "session": p.session,
                        "prices": p.prices.iter().map(|(price, product)| json!({"price": price, "product": product})).collect::<Vec<_>>(),
                        "amount": p.amount, "currency": p.currency, "paid": p.paid,
                    });
                    let new = NewIntake {
                        source: IntakeSource::Stripe,
                        external_id: p.key,
                        name: p.name,
                        admin_email: p.email,
                        plan: plan_of(&p.prices, &plans),
                        organization_id: p.organization,
                        detail: detail.to_string(),
                    };
                    let added = store2.add_intake(&new)?;
                    if added.is_none() {
                        store2.refine_intake(&new, p.session.is_some())?;
                    }
                    (true, added, false)
                }
                Meaning::Cancelled { subscription } => (
                    true,
                    None,
                    store2.cancel_intake(IntakeSource::Stripe, &subscription)?,
                ),
                Meaning::Nothing => (true, None, false),
            };
            Ok((taken, added, cancelled, kept))
        })
        .await;
        match outcome {
            Ok((false, _, _, _)) => polled.seen_before += 1,
            Ok((true, added, cancelled, kept)) => {
                polled.new_requests.extend(added);
                polled.cancelled += u32::from(cancelled);
                polled.billing_kept += u32::from(kept);
            }
            Err(e) => {
                return Err(crate::providers::ProviderError::new(
                    crate::secrets::Provider::Stripe,
                    crate::providers::ErrorKind::Invalid,
                    format!("the register could not keep event {}: {}", event.id, e),
                ))
            }
        }
    }
    if reconcile {
        polled.requests += 1;
        let read = crate::billing::state::snapshot_all(store.clone(), stripe, env, now).await?;
        polled.reconciled = Some(read.map_err(|e| {
            crate::providers::ProviderError::new(
                crate::secrets::Provider::Stripe,
                crate::providers::ErrorKind::Invalid,
                format!("the register could not keep the subscriptions read: {e}"),
            )
        })?);
    }
    Ok(polled)
}

/// A failed payment's event carries its invoice without the reason (Stripe sends an invoice's
/// `payments` only when asked for): the invoice's payments are read once and put where they
/// belong, so the register keeps the decline's code. A read that fails leaves it unknown (the
/// owner reads that the payment failed) rather than holding up the poll.
async fn declined_with_reason(stripe: &Stripe, event: &mut Event, requests: &mut u32) {
    let object = &mut event.data.object;
    let Some(id) = object["id"].as_str().map(str::to_string) else {
        return;
    };
    if object.get("payments").is_some_and(|p| !p.is_null()) {
        return;
    }
    *requests += 1;
    match stripe.invoice_payments(&id).await {
        Ok(payments) => object["payments"] = payments,
        Err(e) => tracing::warn!(invoice = %id, error = %e, "why a payment failed was not read"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, object: Value) -> Event {
        serde_json::from_value(
            json!({"id": "evt_1", "type": kind, "created": 1, "data": {"object": object}}),
        )
        .unwrap()
    }

    #[test]
    fn a_paid_checkout_names_its_subscription_company_and_email() {
        let e = event(
            "checkout.session.completed",
            json!({"id": "cs_test_1", "payment_status": "paid", "subscription": "sub_1", "customer": "cus_1",
                   "customer_details": {"email": "anna@kund.se", "name": "Anna"},
                   "custom_fields": [{"key": "company", "text": {"value": "Kund AB"}}]}),
        );
        let Meaning::Paid(p) = meaning(&e) else {
            panic!()
        };
        assert_eq!(
            (p.key.as_str(), p.name.as_str(), p.email.as_str()),
            ("sub_1", "Kund AB", "anna@kund.se")
        );
        assert!(p.paid);
        assert_eq!(p.organization, None, "a company typed is no link");
        let unpaid = event(
            "checkout.session.completed",
            json!({"id": "cs_test_2", "payment_status": "unpaid"}),
        );
        assert_eq!(meaning(&unpaid), Meaning::Nothing);
    }

    /// Issue #55: a free checkout (a trial, a 100 % coupon) asks for an instance but is not
    /// paid, and neither is a first invoice of 0; the agency's metadata links by id.
    #[test]
    fn a_free_checkout_is_a_request_that_is_not_paid() {
        let free = event(
            "checkout.session.completed",
            json!({"id": "cs_test_3", "payment_status": "no_payment_required", "subscription": "sub_3",
                   "metadata": {"organization_id": "0a000000-0000-0000-0000-00000000000a"},
                   "customer_details": {"email": "gratis@prov.se", "name": "Gratis AB"}}),
        );
        let Meaning::Paid(p) = meaning(&free) else {
            panic!()
        };
        assert!(!p.paid);
        assert_eq!(
            p.organization.as_deref(),
            Some("0a000000-0000-0000-0000-00000000000a")
        );
        let trial_invoice = event(
            "invoice.paid",
            json!({"billing_reason": "subscription_create", "amount_paid": 0, "subscription": "sub_3"}),
        );
        let Meaning::Paid(p) = meaning(&trial_invoice) else {
            panic!()
        };
        assert!(!p.paid);
    }

    #[test]
    fn only_a_subscriptions_first_invoice_starts_a_customer() {
        let first = event(
            "invoice.paid",
            json!({"billing_reason": "subscription_create", "customer_email": "b@kund.se", "customer_name": "B AB",
                   "parent": {"subscription_details": {"subscription": "sub_2"}},
                   "lines": {"data": [{"pricing": {"price_details": {"price": "price_1", "product": "prod_1"}}}]}}),
        );
        let Meaning::Paid(p) = meaning(&first) else {
            panic!()
        };
        assert_eq!(p.key, "sub_2");
        let plans = [("prod_1".to_string(), Plan::Professional)]
            .into_iter()
            .collect();
        assert_eq!(plan_of(&p.prices, &plans), Some(Plan::Professional));
        let renewal = event(
            "invoice.paid",
            json!({"billing_reason": "subscription_cycle"}),
        );
        assert_eq!(meaning(&renewal), Meaning::Nothing);
    }
}
