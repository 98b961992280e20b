//! The subscription's life in the register and the tick (issue #58): snapshots kept newest
//! first, the owner's policy, one decision per episode (`register.rs`, on both registers), and
//! the tick in the sandbox with the simulator's Stripe (`tick.rs`): a year of one customer,
//! two seats at once, a gap longer than Stripe keeps its events.

use fabrik::customer::rows::CustomerRows;
use fabrik::customer::{CustomerDraft, ModuleManifest, Plan, Status};
use fabrik::providers::stripe::Event;
use fabrik::store::Store;
use serde_json::{json, Value};

use crate::common;

/// Each test that takes a `Store` runs on the embedded SQLite register and on a shared
/// PostgreSQL one (a fresh database on the tests' own cluster).
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(fabrik::store::Store::open_in_memory().unwrap()) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(super::common::pg_store()) } )*
        }
    };
}

mod cli;
mod forged;
mod link;
mod register;
mod tick;
mod versions;
/// A Starter customer whose instance is `status`: (id, slug).
fn customer(store: &Store, name: &str, status: Status) -> (i64, String) {
    let c = store
        .create_customer(
            CustomerDraft {
                name: name.into(),
                admin_email: "admin@kund.example.se".into(),
                plan: Some(Plan::Starter),
                status: Some(status),
                ..Default::default()
            },
            &ModuleManifest::bundled(),
        )
        .unwrap();
    (c.id, c.slug)
}

/// An event as the Events API lists it.
fn event(id: &str, kind: &str, created: i64, object: Value) -> Event {
    serde_json::from_value(
        json!({"id": id, "type": kind, "created": created, "data": {"object": object}}),
    )
    .unwrap()
}

/// A subscription's object as an event carries it (its invoice by id alone).
fn subscription(id: &str, status: &str, cancel_at_period_end: bool) -> Value {
    json!({"id": id, "object": "subscription", "customer": format!("cus_{id}"), "status": status,
           "cancel_at_period_end": cancel_at_period_end, "latest_invoice": "in_1",
           "items": {"data": [{"current_period_end": 2_000_000_000i64,
               "price": {"id": "price_starter", "unit_amount": 49_00, "currency": "sek"}}]}})
}

/// An invoice's object as `invoice.payment_failed` or `invoice.paid` carries it.
fn invoice(sub: &str, attempt: i64, next: Option<i64>, paid: bool) -> Value {
    json!({"id": format!("in_{sub}_{attempt}"), "object": "invoice", "customer": format!("cus_{sub}"),
           "status": if paid { "paid" } else { "open" }, "attempt_count": attempt,
           "next_payment_attempt": next,
           "parent": {"subscription_details": {"subscription": sub}}})
}
