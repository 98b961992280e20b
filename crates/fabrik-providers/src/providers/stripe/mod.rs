//! Stripe (spec: contracts/stripe/stripe-subset.openapi.json), read only. A desktop app cannot
//! receive webhooks, so the inbox polls the Events API for the payments that start a customer,
//! with a restricted key that may only read (Events, Checkout Sessions, Prices and Products,
//! Subscriptions and Invoices: subscriptions.rs).
//!
//! Every request names the API version Fabrik reads (`Stripe-Version`), so an account upgraded
//! in Stripe's dashboard does not change the shape of what Fabrik parses.

use serde::Deserialize;
use serde_json::Value;

use super::error::{ErrorKind, ProviderError};
use super::http;
use crate::secrets::{Provider, Secret};

mod declines;
mod subscriptions;
pub use declines::MAX_DECLINE_READS;
pub use subscriptions::{
    invoice_state, parse as parse_subscription, InvoiceState, Status, Subscription,
    SubscriptionsRead, MAX_SUBSCRIPTION_PAGES,
};

const P: Provider = Provider::Stripe;

/// The API version Fabrik's reading follows (the contract's `info.version`).
pub const STRIPE_VERSION: &str = "2026-01-28.clover";

/// Stripe keeps events for 30 days (doc: https://docs.stripe.com/api/events).
pub const EVENT_DAYS: i64 = 30;

/// A list page is at most 100 objects; past this many pages a poll stops and goes on from
/// where it got to next time (a month of an agency's payments is far fewer).
pub const MAX_EVENT_PAGES: usize = 50;

/// One event as the Events API lists it: its object as it was when it happened.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Unix seconds, on Stripe's clock.
    pub created: i64,
    pub data: EventData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventData {
    pub object: Value,
}

/// What a poll read: the events oldest first, and whether it stopped at its page limit.
#[derive(Debug, Clone, Default)]
pub struct EventsRead {
    pub events: Vec<Event>,
    pub requests: u32,
    pub truncated: bool,
}

/// A price that may decide a plan, with its product's name (for the owner's mapping).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceChoice {
    pub price: String,
    pub product: String,
    pub label: String,
}

#[derive(Deserialize)]
struct Page<T> {
    #[serde(default)]
    has_more: bool,
    data: Vec<T>,
}

/// A poll's page: a 429 or a passing failure waited out a few times, as Stripe asks of a
/// client (back off, then retry), and bounded so that a tick is not held for minutes (#70).
fn page_policy() -> super::retry::RetryPolicy {
    super::retry::RetryPolicy {
        max_attempts: 3,
        max_rate_limited_attempts: 5,
        max_delay: std::time::Duration::from_secs(8),
        ..super::retry::RetryPolicy::default()
    }
}

pub struct Stripe {
    http: reqwest::Client,
    api: String,
    key: Secret,
}

impl Stripe {
    pub fn new(api: &str, key: Secret, timeout: std::time::Duration) -> Stripe {
        Stripe {
            http: http::client(timeout),
            api: api.trim_end_matches('/').into(),
            key,
        }
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(format!("{}{path}", self.api))
            .bearer_auth(self.key.expose())
            .header("Stripe-Version", STRIPE_VERSION)
    }

    /// Every event of `types` created at or after `since` (unix seconds), oldest first. The
    /// Events API lists newest first; a poll pages back with `starting_after` until it has
    /// them all, so an event that appears while it reads is taken by the next poll's overlap.
    pub async fn events_since(
        &self,
        types: &[&str],
        since: i64,
    ) -> Result<EventsRead, ProviderError> {
        let mut read = EventsRead::default();
        let mut after: Option<String> = None;
        for _ in 0..MAX_EVENT_PAGES {
            let mut query: Vec<(&str, String)> =
                vec![("limit", "100".into()), ("created[gte]", since.to_string())];
            query.extend(types.iter().map(|t| ("types[]", t.to_string())));
            if let Some(a) = &after {
                query.push(("starting_after", a.clone()));
            }
            let attempts = std::sync::atomic::AtomicU32::new(0);
            let page: Result<Page<Event>, ProviderError> = page_policy()
                .retry(|| {
                    attempts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let req = self.get("/v1/events").query(&query);
                    async move { http::json(P, http::send(P, req).await?).await }
                })
                .await;
            read.requests += attempts.into_inner();
            let page = page?;
            let more = page.has_more && !page.data.is_empty();
            after = page.data.last().map(|e| e.id.clone());
            read.events.extend(page.data);
            if !more {
                read.events.reverse();
                return Ok(read);
            }
        }
        read.truncated = true;
        read.events.reverse();
        Ok(read)
    }

    /// The prices a checkout session sold, each with its product.
    pub async fn session_prices(
        &self,
        session: &str,
    ) -> Result<Vec<(String, String)>, ProviderError> {
        if !session.starts_with("cs_")
            || !session
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                format!("{session:?} is not a checkout session id"),
            ));
        }
        let req = self
            .get(&format!("/v1/checkout/sessions/{session}/line_items"))
            .query(&[("limit", "100")]);
        let page: Page<Value> = http::json(P, http::send(P, req).await?).await?;
        Ok(page
            .data
            .iter()
            .filter_map(|item| {
                let price = &item["price"];
                let id = price["id"].as_str()?;
                let product = match &price["product"] {
                    Value::String(s) => s.clone(),
                    p => p["id"].as_str().unwrap_or_default().to_string(),
                };
                Some((id.to_string(), product))
            })
            .collect())
    }

    /// The account's active prices with their products' names, for the plan mapping.
    pub async fn prices(&self) -> Result<Vec<PriceChoice>, ProviderError> {
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..10 {
            let mut query: Vec<(&str, String)> = vec![
                ("limit", "100".into()),
                ("active", "true".into()),
                ("expand[]", "data.product".into()),
            ];
            if let Some(a) = &after {
                query.push(("starting_after", a.clone()));
            }
            let page: Page<Value> = http::json(
                P,
                http::send(P, self.get("/v1/prices").query(&query)).await?,
            )
            .await?;
            let more = page.has_more && !page.data.is_empty();
            after = page
                .data
                .last()
                .and_then(|p| p["id"].as_str().map(str::to_string));
            all.extend(page.data.iter().filter_map(price_choice));
            if !more {
                break;
            }
        }
        Ok(all)
    }

    /// Whether the key reads events: one event at most (the token check's call).
    pub async fn check(&self) -> Result<(), ProviderError> {
        let req = self.get("/v1/events").query(&[("limit", "1")]);
        let _: Page<Value> = http::json(P, http::send(P, req).await?).await?;
        Ok(())
    }
}

impl Stripe {
    /// What the subscription `id` pays (spec: GetSubscriptionsSubscriptionExposedId).
    pub async fn revenue(&self, id: &str) -> Result<crate::usage::Revenue, ProviderError> {
        if !id.starts_with("sub_") || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                format!("{id:?} is not a subscription id"),
            ));
        }
        let req = self.get(&format!("/v1/subscriptions/{id}"));
        let sub: Value = http::json(P, http::send(P, req).await?).await?;
        revenue_of(&sub).ok_or_else(|| {
            ProviderError::new(
                P,
                ErrorKind::Invalid,
                "unexpected answer: the subscription has no recurring price",
            )
        })
    }
}

impl Stripe {
    /// The newest subscription of the Stripe customer `customer` that is not canceled, `None`
    /// when it has none (spec: GetSubscriptions): for a customer the owner maps by hand.
    pub async fn subscription_of(&self, customer: &str) -> Result<Option<String>, ProviderError> {
        let req = self
            .get("/v1/subscriptions")
            .query(&[("customer", customer), ("limit", "1")]);
        let page: Page<Value> = http::json(P, http::send(P, req).await?).await?;
        Ok(page
            .data
            .first()
            .and_then(|s| s["id"].as_str())
            .map(str::to_string))
    }
}

/// A subscription's revenue: its items' `unit_amount × quantity` summed over the items billed
/// like the first (same currency and interval; a metered or differently billed item is left
/// out), named by the first item's price.
pub fn revenue_of(sub: &Value) -> Option<crate::usage::Revenue> {
    let items = sub["items"]["data"].as_array()?;
    let first = items.first()?;
    let price = &first["price"];
    let recurring = &price["recurring"];
    let interval = recurring["interval"].as_str()?.to_string();
    let interval_count = recurring["interval_count"].as_i64().unwrap_or(1).max(1);
    let currency = price["currency"].as_str()?.to_string();
    let amount = items
        .iter()
        .filter(|i| {
            let p = &i["price"];
            p["currency"].as_str() == Some(currency.as_str())
                && p["recurring"]["interval"].as_str() == Some(interval.as_str())
                && p["recurring"]["interval_count"]
                    .as_i64()
                    .unwrap_or(1)
                    .max(1)
                    == interval_count
        })
        .filter_map(|i| {
            let unit = i["price"]["unit_amount"].as_i64()?;
            let quantity = i["quantity"].as_i64().unwrap_or(1).max(0);
            unit.checked_mul(quantity)
        })
        .fold(0i64, i64::saturating_add);
    Some(crate::usage::Revenue {
        subscription: sub["id"].as_str()?.to_string(),
        status: sub["status"].as_str().unwrap_or("").to_string(),
        price: price["id"].as_str()?.to_string(),
        currency,
        amount,
        interval,
        interval_count,
    })
}

fn price_choice(p: &Value) -> Option<PriceChoice> {
    let id = p["id"].as_str()?.to_string();
    let (product, name) = match &p["product"] {
        Value::String(s) => (s.clone(), s.clone()),
        o => (
            o["id"].as_str().unwrap_or_default().to_string(),
            o["name"].as_str().unwrap_or_default().to_string(),
        ),
    };
    let amount = p["unit_amount"].as_i64().map(|a| {
        let currency = p["currency"].as_str().unwrap_or("").to_uppercase();
        let every = p["recurring"]["interval"].as_str().unwrap_or("");
        format!(
            " · {} {currency}{}",
            a / 100,
            if every.is_empty() {
                String::new()
            } else {
                format!("/{every}")
            }
        )
    });
    Some(PriceChoice {
        label: format!("{name}{}", amount.unwrap_or_default()),
        price: id,
        product,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscription_pays_its_items_billed_alike() {
        let sub = serde_json::json!({
            "id": "sub_1", "status": "active", "extra": {"ignored": true},
            "items": {"data": [
                {"quantity": 2, "price": {"id": "price_a", "currency": "sek", "unit_amount": 490000,
                    "recurring": {"interval": "month", "interval_count": 1}}},
                {"quantity": 1, "price": {"id": "price_b", "currency": "sek", "unit_amount": 10000,
                    "recurring": {"interval": "month"}}},
                {"quantity": 1, "price": {"id": "price_y", "currency": "sek", "unit_amount": 99,
                    "recurring": {"interval": "year", "interval_count": 1}}}
            ]}
        });
        let r = revenue_of(&sub).unwrap();
        assert_eq!(
            (r.price.as_str(), r.amount, r.interval.as_str()),
            ("price_a", 990000, "month")
        );
        assert_eq!(r.monthly(), 990000);
        assert!(revenue_of(&serde_json::json!({"id": "sub_2", "items": {"data": []}})).is_none());
    }

    #[test]
    fn a_price_is_labelled_with_its_product_and_amount() {
        let p = serde_json::json!({
            "id": "price_1", "unit_amount": 4900, "currency": "sek",
            "recurring": {"interval": "month"},
            "product": {"id": "prod_1", "name": "Fabrik Starter"}
        });
        let c = price_choice(&p).unwrap();
        assert_eq!(c.label, "Fabrik Starter · 49 SEK/month");
        assert_eq!(
            (c.price.as_str(), c.product.as_str()),
            ("price_1", "prod_1")
        );
    }
}
