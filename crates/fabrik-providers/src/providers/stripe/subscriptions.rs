//! A subscription as Fabrik reads it (spec: contracts/stripe, `GET /v1/subscriptions` and
//! `GET /v1/subscriptions/{id}`): its status, its period, its price and how its latest invoice
//! is being paid. Read from the JSON by hand, so a field Stripe adds, drops or renames in
//! another version leaves the rest readable rather than failing the whole answer.

use serde_json::Value;

use super::{Page, Stripe, P};
use crate::providers::error::{ErrorKind, ProviderError};
use crate::providers::http;

/// Past this many pages of 100 a listing stops and says so: 5 000 subscriptions is far more
/// than an agency's fleet.
pub const MAX_SUBSCRIPTION_PAGES: usize = 50;

/// A subscription's `status` (spec: schema `subscription.status`); one Stripe adds later is
/// kept by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Incomplete,
    IncompleteExpired,
    Trialing,
    Active,
    PastDue,
    Canceled,
    Unpaid,
    Paused,
    Other(String),
}

impl Status {
    pub fn parse(s: &str) -> Status {
        match s {
            "incomplete" => Status::Incomplete,
            "incomplete_expired" => Status::IncompleteExpired,
            "trialing" => Status::Trialing,
            "active" => Status::Active,
            "past_due" => Status::PastDue,
            "canceled" => Status::Canceled,
            "unpaid" => Status::Unpaid,
            "paused" => Status::Paused,
            other => Status::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Status::Incomplete => "incomplete",
            Status::IncompleteExpired => "incomplete_expired",
            Status::Trialing => "trialing",
            Status::Active => "active",
            Status::PastDue => "past_due",
            Status::Canceled => "canceled",
            Status::Unpaid => "unpaid",
            Status::Paused => "paused",
            Status::Other(s) => s,
        }
    }
}

/// How the latest invoice is being paid: Smart Retries' count and next try, and why the last
/// try failed when Stripe says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceState {
    pub id: String,
    /// `draft`, `open`, `paid`, `uncollectible`, `void`.
    pub status: Option<String>,
    pub attempt_count: i64,
    /// Unix seconds; none when no retry is scheduled.
    pub next_payment_attempt: Option<i64>,
    /// Stripe's code for why the last try failed (`insufficient_funds`, …).
    pub last_failure: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: String,
    pub customer: String,
    /// The Stripe customer's name and email, when the listing expanded it (`data.customer`).
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub status: Status,
    pub cancel_at_period_end: bool,
    /// Unix seconds: when it is set to end (the period's end when canceled at it).
    pub cancel_at: Option<i64>,
    pub current_period_end: Option<i64>,
    pub price: Option<String>,
    /// The price's product: the owner may map a product rather than each of its prices.
    pub product: Option<String>,
    /// In the currency's smallest unit (öre).
    pub amount: Option<i64>,
    pub currency: Option<String>,
    /// `month`, `year`, …
    pub interval: Option<String>,
    /// Set when the answer carried the invoice (expanded); an id alone gives only `id`.
    pub latest_invoice: Option<InvoiceState>,
}

/// What a listing read: the subscriptions newest first, how many items could not be read as
/// one, and whether it stopped at its page limit.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionsRead {
    pub subscriptions: Vec<Subscription>,
    pub skipped: usize,
    pub truncated: bool,
}

/// An id field that may be expanded into its object.
fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        o => o["id"].as_str().map(str::to_string),
    }
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// A Stripe error's code: the card's `decline_code` before the error's `code`; an error with a
/// message and no code is still a failure (`payment_failed`).
fn failure_code(error: &Value) -> Option<String> {
    text(&error["decline_code"])
        .or_else(|| text(&error["code"]))
        .filter(|c| !c.is_empty())
        .or_else(|| {
            error["message"]
                .as_str()
                .map(|_| "payment_failed".to_string())
        })
}

/// The latest invoice's payment state from the invoice object (or its id alone); also an
/// invoice event's object.
pub fn invoice_state(v: &Value) -> Option<InvoiceState> {
    let id = id_of(v)?;
    // Why the newest payment was declined is on its PaymentIntent, when the answer carried it
    // (`payments.data.payment.payment_intent` expanded: declines.rs); a failed finalization
    // has its own error. The code is kept, never Stripe's English message: the owner reads it
    // in words.
    let declined = v["payments"]["data"].as_array().and_then(|ps| {
        ps.iter()
            .filter_map(|p| {
                let code = failure_code(&p["payment"]["payment_intent"]["last_payment_error"])?;
                Some((p["created"].as_i64().unwrap_or(0), code))
            })
            .max_by_key(|(created, _)| *created)
            .map(|(_, code)| code)
    });
    Some(InvoiceState {
        id,
        status: text(&v["status"]),
        attempt_count: v["attempt_count"].as_i64().unwrap_or(0),
        next_payment_attempt: v["next_payment_attempt"].as_i64(),
        last_failure: declined.or_else(|| failure_code(&v["last_finalization_error"])),
    })
}

/// One subscription from its JSON; none when it has no id or customer.
pub fn parse(v: &Value) -> Option<Subscription> {
    let id = v["id"].as_str().filter(|s| !s.is_empty())?.to_string();
    let customer = id_of(&v["customer"])?;
    let item = &v["items"]["data"][0];
    let price = &item["price"];
    // Since basil the period is on the items; older versions had it on the subscription.
    let period_end = item["current_period_end"]
        .as_i64()
        .or_else(|| v["current_period_end"].as_i64());
    Some(Subscription {
        id,
        customer,
        customer_name: text(&v["customer"]["name"]).filter(|s| !s.trim().is_empty()),
        customer_email: text(&v["customer"]["email"]).filter(|s| !s.trim().is_empty()),
        status: Status::parse(v["status"].as_str().unwrap_or_default()),
        cancel_at_period_end: v["cancel_at_period_end"].as_bool().unwrap_or(false),
        cancel_at: v["cancel_at"].as_i64(),
        current_period_end: period_end,
        price: id_of(price),
        product: id_of(&price["product"]),
        amount: price["unit_amount"].as_i64(),
        currency: text(&price["currency"]).or_else(|| text(&v["currency"])),
        interval: text(&price["recurring"]["interval"]),
        latest_invoice: invoice_state(&v["latest_invoice"]),
    })
}

/// The `status` values the list takes (spec: GetSubscriptions); `all` is every one.
const LIST_STATUSES: [&str; 10] = [
    "active",
    "all",
    "canceled",
    "ended",
    "incomplete",
    "incomplete_expired",
    "past_due",
    "paused",
    "trialing",
    "unpaid",
];

impl Stripe {
    /// One subscription with its latest invoice.
    pub async fn subscription(&self, id: &str) -> Result<Subscription, ProviderError> {
        if !id.starts_with("sub_") || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                format!("{id:?} is not a subscription id"),
            ));
        }
        let req = self
            .get(&format!("/v1/subscriptions/{id}"))
            .query(&[("expand[]", "latest_invoice")]);
        let v: Value = http::json(P, http::send(P, req).await?).await?;
        let mut sub = parse(&v).ok_or_else(|| {
            ProviderError::new(
                P,
                ErrorKind::Invalid,
                format!("unexpected answer: no subscription {id} in it"),
            )
        })?;
        self.fill_declines(std::slice::from_mut(&mut sub)).await;
        Ok(sub)
    }

    /// Every subscription of `status` (`all` for every one; the API's default leaves the
    /// canceled out), newest first, with their latest invoices and their customers (name and
    /// email, for linking one to a customer of the register by a person), up to
    /// [`MAX_SUBSCRIPTION_PAGES`] pages.
    pub async fn subscriptions(&self, status: &str) -> Result<SubscriptionsRead, ProviderError> {
        if !LIST_STATUSES.contains(&status) {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                format!("{status:?} is not a subscription status"),
            ));
        }
        let mut read = SubscriptionsRead::default();
        let mut after: Option<String> = None;
        for _ in 0..MAX_SUBSCRIPTION_PAGES {
            let mut query: Vec<(&str, String)> = vec![
                ("limit", "100".into()),
                ("status", status.into()),
                ("expand[]", "data.latest_invoice".into()),
                ("expand[]", "data.customer".into()),
            ];
            if let Some(a) = &after {
                query.push(("starting_after", a.clone()));
            }
            let req = self.get("/v1/subscriptions").query(&query);
            let page: Page<Value> = http::json(P, http::send(P, req).await?).await?;
            let more = page.has_more && !page.data.is_empty();
            // The cursor is the last item's id even when that item could not be read.
            after = page.data.last().and_then(|v| text(&v["id"]));
            for v in &page.data {
                match parse(v) {
                    Some(s) => read.subscriptions.push(s),
                    None => read.skipped += 1,
                }
            }
            if !more || after.is_none() {
                self.fill_declines(&mut read.subscriptions).await;
                return Ok(read);
            }
        }
        read.truncated = true;
        self.fill_declines(&mut read.subscriptions).await;
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_period_is_read_from_the_item_or_from_an_older_subscription() {
        let new = json!({"id": "sub_1", "customer": "cus_1", "status": "past_due",
            "items": {"data": [{"current_period_end": 200,
                "price": {"id": "price_1", "product": {"id": "prod_1"}, "unit_amount": 4900, "currency": "sek",
                          "recurring": {"interval": "month"}}}]},
            "latest_invoice": {"id": "in_1", "status": "open", "attempt_count": 2,
                "next_payment_attempt": 300,
                "payments": {"data": [{"payment": {"payment_intent": {
                    "last_payment_error": {"code": "card_declined", "decline_code": "insufficient_funds",
                        "message": "Your card has insufficient funds."}}}}]}}});
        let s = parse(&new).unwrap();
        assert_eq!(
            (s.status.clone(), s.current_period_end),
            (Status::PastDue, Some(200))
        );
        assert_eq!(
            (s.price.as_deref(), s.amount, s.interval.as_deref()),
            (Some("price_1"), Some(4900), Some("month"))
        );
        assert_eq!(s.product.as_deref(), Some("prod_1"));
        let inv = s.latest_invoice.unwrap();
        assert_eq!(
            (inv.attempt_count, inv.next_payment_attempt),
            (2, Some(300))
        );
        // The decline's code, not Stripe's English sentence.
        assert_eq!(inv.last_failure.as_deref(), Some("insufficient_funds"));
        let old = json!({"id": "sub_2", "customer": {"id": "cus_2"}, "status": "hibernating",
            "current_period_end": 100, "latest_invoice": "in_2", "currency": "eur"});
        let s = parse(&old).unwrap();
        assert_eq!(s.current_period_end, Some(100));
        assert_eq!(s.status.as_str(), "hibernating");
        assert_eq!(s.currency.as_deref(), Some("eur"));
        let inv = s.latest_invoice.unwrap();
        assert_eq!((inv.id.as_str(), inv.attempt_count), ("in_2", 0));
        assert!(parse(&json!({"id": "sub_3"})).is_none());
        assert!(parse(&json!({"customer": "cus_1"})).is_none());
        assert!(parse(&json!("sub_4")).is_none());
    }
}
