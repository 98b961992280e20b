//! A subscription as the customer's page, the register's column and the CLI show it, from a
//! read of Stripe or from the register's snapshot of it (`billing::rows`); and which of the
//! listed or kept subscriptions a customer's link names.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use super::{drift, words};
use crate::billing::rows::SubscriptionRow;
use crate::customer::Plan;
use crate::messages::Text;
use crate::providers::stripe::{InvoiceState, Status, Subscription};

/// A subscription as the window and the CLI show it beside the instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SubscriptionView {
    pub id: String,
    pub customer: String,
    /// Stripe's code (`past_due`), for scripts; `status_text` is what a person reads.
    pub status: String,
    pub status_text: Text,
    pub cancel_at_period_end: bool,
    /// Unix seconds.
    #[ts(type = "number | null")]
    pub current_period_end: Option<i64>,
    /// Unix seconds: Smart Retries' next try, else the renewal of a subscription that renews.
    #[ts(type = "number | null")]
    pub next_payment: Option<i64>,
    /// Why the latest payment failed, in words (billing::words), when it failed.
    pub last_failure: Option<Text>,
    /// Stripe's code for it (`insufficient_funds`), for scripts.
    pub failure_code: Option<String>,
    #[ts(type = "number")]
    pub attempt_count: i64,
    pub price: Option<String>,
    /// The plan the owner's map gives the price, if any.
    pub plan: Option<Plan>,
    /// In the currency's smallest unit.
    #[ts(type = "number | null")]
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub interval: Option<String>,
}

impl SubscriptionView {
    pub fn of(s: &Subscription, plans: &BTreeMap<String, Plan>) -> SubscriptionView {
        let invoice = s.latest_invoice.as_ref();
        let retry = invoice.and_then(|i| i.next_payment_attempt);
        let renews = !s.cancel_at_period_end && !drift::ended(&s.status);
        // A failure is news only while its invoice is still open.
        let failure = invoice
            .filter(|i| i.status.as_deref() != Some("paid"))
            .and_then(|i| i.last_failure.clone());
        SubscriptionView {
            id: s.id.clone(),
            customer: s.customer.clone(),
            status: s.status.as_str().to_string(),
            status_text: words::status(s.status.as_str()),
            cancel_at_period_end: s.cancel_at_period_end,
            current_period_end: s.current_period_end,
            next_payment: retry.or(s.current_period_end.filter(|_| renews)),
            last_failure: failure.as_deref().map(words::failure),
            failure_code: failure,
            attempt_count: invoice.map_or(0, |i| i.attempt_count),
            price: s.price.clone(),
            plan: super::plans::plan_of_subscription(s, plans),
            amount: s.amount,
            currency: s.currency.clone(),
            interval: s.interval.clone(),
        }
    }
}

/// A kept snapshot as the subscription it was read as (the product is not kept: a price
/// mapped by its product alone is known only from a read).
pub fn from_row(row: &SubscriptionRow) -> Subscription {
    Subscription {
        id: row.subscription.clone(),
        customer: row.stripe_customer.clone(),
        customer_name: None,
        customer_email: None,
        status: Status::parse(&row.status),
        cancel_at_period_end: row.cancel_at_period_end,
        cancel_at: row.current_period_end.filter(|_| row.cancel_at_period_end),
        current_period_end: row.current_period_end,
        price: row.price.clone(),
        product: None,
        amount: None,
        currency: None,
        interval: None,
        latest_invoice: Some(InvoiceState {
            id: String::new(),
            status: None,
            attempt_count: row.attempt_count,
            next_payment_attempt: row.next_payment_attempt,
            last_failure: row.last_failure.clone(),
        }),
    }
}

/// What a link names among subscriptions (newest first): a `sub_…` itself; a `cus_…`'s
/// newest subscription that has not ended, else its newest.
pub fn resolve<'a>(link: &str, subs: &'a [Subscription]) -> Option<&'a Subscription> {
    if link.starts_with("cus_") {
        let mine = || subs.iter().filter(|s| s.customer == link);
        mine()
            .find(|s| !drift::ended(&s.status))
            .or_else(|| mine().next())
    } else {
        subs.iter().find(|s| s.id == link)
    }
}
