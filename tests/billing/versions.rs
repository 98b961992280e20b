//! Events rendered in older API versions (#70). Stripe renders an event's object in the API
//! version of the event's creation, whatever `Stripe-Version` the read names, so events made
//! before an account was upgraded come in older shapes. The shapes before 2025-03-31.basil, as
//! Stripe's changelog describes them
//! (https://docs.stripe.com/changelog/basil/2025-03-31/adds-new-parent-field-to-invoicing-objects,
//! …/deprecate-subscription-current-period-start-and-end): an invoice names its subscription
//! and the subscription's metadata at the top (`subscription`, `subscription_details`), not
//! under `parent`; a subscription has its period at the top, not on its items; an invoice line
//! names its `price` (with its product), not `pricing.price_details`. Each is replayed in two
//! versions, on both registers.

use super::*;
use fabrik::billing::rows::BillingRows;

use fabrik::billing::state::{apply_event, Applied};
use fabrik::intake::stripe::{meaning, Meaning};

/// Two versions before basil: the last of acacia and one of mid-2024.
const OLDER: [&str; 2] = ["2025-02-24.acacia", "2024-06-20"];

fn replayed(version: &str, id: &str, kind: &str, created: i64, object: Value) -> Event {
    serde_json::from_value(json!({
        "id": id, "object": "event", "api_version": version, "type": kind, "created": created,
        "data": {"object": object},
    }))
    .unwrap()
}

/// A subscription's first invoice, paid, as an older version renders it.
fn first_invoice(sub: &str) -> Value {
    json!({"id": format!("in_{sub}_1"), "object": "invoice", "customer": format!("cus_{sub}"),
           "customer_email": "ekonomi@gammal.example.se", "customer_name": "Gammal Version AB",
           "billing_reason": "subscription_create", "status": "paid", "amount_paid": 14_900,
           "currency": "sek", "attempt_count": 1,
           "subscription": sub,
           "subscription_details": {"metadata": {"organization_id": "org_gammal"}},
           "lines": {"object": "list", "data": [{
               "id": "il_1", "object": "line_item", "type": "subscription", "subscription": sub,
               "price": {"id": "price_pro_old", "object": "price", "product": "prod_pro_old",
                         "unit_amount": 14_900, "currency": "sek"}}]}})
}

/// A renewal's failed payment, as an older version renders it.
fn failed_invoice(sub: &str, attempt: i64, next: i64) -> Value {
    json!({"id": format!("in_{sub}_2"), "object": "invoice", "customer": format!("cus_{sub}"),
           "billing_reason": "subscription_cycle", "status": "open", "attempt_count": attempt,
           "next_payment_attempt": next, "subscription": sub})
}

/// A subscription with its period at the top and none on its item.
fn old_subscription(sub: &str, status: &str, period_end: i64) -> Value {
    json!({"id": sub, "object": "subscription", "customer": format!("cus_{sub}"), "status": status,
           "cancel_at_period_end": false, "current_period_start": period_end - 2_592_000,
           "current_period_end": period_end, "latest_invoice": format!("in_{sub}_2"),
           "items": {"object": "list", "data": [{"id": "si_1", "object": "subscription_item",
               "price": {"id": "price_pro_old", "product": "prod_pro_old", "unit_amount": 14_900,
                         "currency": "sek", "recurring": {"interval": "month"}}}]}})
}

fn events_of_older_versions_are_read_as_the_newest(store: Store) {
    let env = store.environment();
    for (n, version) in OLDER.iter().enumerate() {
        let sub = format!("sub_old{n}");
        // The first invoice asks for an instance: its subscription, price, product and the
        // portal organization all read from where this version keeps them.
        let paid = replayed(version, "evt_p", "invoice.paid", 100, first_invoice(&sub));
        let Meaning::Paid(p) = meaning(&paid) else {
            panic!("{version}: a first invoice asks for an instance");
        };
        assert_eq!(p.key, sub, "{version}");
        assert_eq!(
            p.prices,
            [("price_pro_old".to_string(), "prod_pro_old".to_string())],
            "{version}"
        );
        assert_eq!(p.organization.as_deref(), Some("org_gammal"), "{version}");
        assert_eq!(
            (p.email.as_str(), p.amount, p.paid),
            ("ekonomi@gammal.example.se", Some(14_900), true),
            "{version}"
        );

        // The renewal fails: the subscription's period and the invoice's tries kept.
        let end = 2_000_000_000 + n as i64;
        let updated = replayed(
            version,
            &format!("evt_u{n}"),
            "customer.subscription.updated",
            200,
            old_subscription(&sub, "past_due", end),
        );
        assert!(matches!(
            apply_event(&store, env, &updated).unwrap(),
            Applied::Kept(_)
        ));
        let failed = replayed(
            version,
            &format!("evt_f{n}"),
            "invoice.payment_failed",
            200,
            failed_invoice(&sub, 1, 300),
        );
        assert!(matches!(
            apply_event(&store, env, &failed).unwrap(),
            Applied::Kept(_)
        ));
        let row = store.subscription_row(env, &sub).unwrap().unwrap();
        assert_eq!(
            (row.status.as_str(), row.current_period_end),
            ("past_due", Some(end)),
            "{version}"
        );
        assert_eq!(row.price.as_deref(), Some("price_pro_old"), "{version}");
        assert_eq!(
            (row.attempt_count, row.next_payment_attempt),
            (1, Some(300)),
            "{version}"
        );
        assert_eq!(row.last_failure.as_deref(), Some("payment_failed"));
    }
}

on_both!(events_of_older_versions_are_read_as_the_newest);
