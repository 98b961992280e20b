//! Stripe in the simulated world: the catalogue, customers, subscriptions, invoices, Checkout
//! sessions and the event log. Objects are kept as the JSON the API answers, because an event
//! carries the object as it was when it happened (a snapshot), not a reference.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::ids::IdGen;

/// `info.version` of contracts/stripe/stripe-subset.openapi.json: every object and event is
/// rendered in it, and it is each event's `api_version`.
pub const STRIPE_API_VERSION: &str = "2026-01-28.clover";

/// Events are kept 30 days (doc: https://docs.stripe.com/api/events/list, "going back up to 30
/// days"); older ones are neither listed nor retrievable.
pub const EVENT_RETENTION_SECS: i64 = 30 * 86_400;

/// Its own id stream, so adding Stripe did not shift the ids other providers draw from the seed.
const ID_STREAM: u64 = 0x5712_1be0;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StripeState {
    pub ids: IdGen,
    /// Seconds the Stripe clock runs ahead of the wall clock (`POST /__sim/stripe/clock`).
    pub clock_offset_secs: i64,
    /// Every object, in creation order (lists answer newest first).
    pub objects: Vec<Value>,
    /// Checkout session id → its line items (`item` objects).
    pub line_items: Vec<(String, Vec<Value>)>,
    /// In insertion order; the API lists them newest `created` first, ties newest-inserted first.
    pub events: Vec<Value>,
    /// The account's billing settings and the customers whose card a test made fail.
    #[serde(default)]
    pub billing: BillingSettings,
}

/// What the account's Dashboard says about failed payments (Billing → Revenue recovery), and
/// whose saved card is declined. Smart Retries' recommended default is 8 tries within 2 weeks
/// (doc: https://docs.stripe.com/payments/off-session-payments/smart-retries); when they are
/// spent the subscription is canceled or marked unpaid as the account chose.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct BillingSettings {
    /// Payment attempts in all, the first one included.
    pub retry_tries: u32,
    pub retry_days: i64,
    /// `"canceled"` or `"unpaid"`: the status a subscription ends in when the tries are spent.
    pub after_retries: String,
    /// Customers whose saved card is declined until a test fixes it.
    pub failing_cards: Vec<String>,
    /// The `decline_code` a failing card gives, when a test named one (customer, code);
    /// otherwise `generic_decline`.
    pub decline_codes: Vec<(String, String)>,
}

impl Default for BillingSettings {
    fn default() -> Self {
        BillingSettings {
            retry_tries: 8,
            retry_days: 14,
            after_retries: "canceled".into(),
            failing_cards: Vec::new(),
            decline_codes: Vec::new(),
        }
    }
}

impl Default for StripeState {
    fn default() -> Self {
        StripeState {
            ids: IdGen::new(ID_STREAM),
            clock_offset_secs: 0,
            objects: Vec::new(),
            line_items: Vec::new(),
            events: Vec::new(),
            billing: BillingSettings::default(),
        }
    }
}

/// Ids of the seeded catalogue (also on `SeedWorld`).
#[derive(Debug, Clone, Default)]
pub struct StripeCatalogue {
    pub starter_product: String,
    pub starter_price: String,
    pub professional_product: String,
    pub professional_price: String,
}

/// The seeded plans: (product name, lookup key, monthly amount in öre).
pub const PLANS: [(&str, &str, i64); 2] = [
    ("Fabrik Starter", "starter_monthly", 490_000),
    ("Fabrik Professional", "professional_monthly", 1_490_000),
];

impl StripeState {
    /// An account with the two Fabrik plans, each a product with a monthly SEK price.
    pub fn seeded(seed: u64, now_ms: i64) -> (StripeState, StripeCatalogue) {
        let mut s = StripeState {
            ids: IdGen::new(seed ^ ID_STREAM),
            ..StripeState::default()
        };
        let created = now_ms / 1000;
        let mut ids = Vec::new();
        for (name, lookup_key, amount) in PLANS {
            let product = s.new_id("prod_");
            let price = s.new_id("price_");
            s.objects
                .push(product_json(&product, name, &price, created));
            s.objects
                .push(price_json(&price, &product, lookup_key, amount, created));
            ids.push((product, price));
        }
        let [(sp, sr), (pp, pr)] = <[(String, String); 2]>::try_from(ids).unwrap_or_default();
        let cat = StripeCatalogue {
            starter_product: sp,
            starter_price: sr,
            professional_product: pp,
            professional_price: pr,
        };
        (s, cat)
    }

    /// An id in Stripe's shape: the prefix and alphanumerics of the length Stripe uses for it.
    pub fn new_id(&mut self, prefix: &str) -> String {
        let len = match prefix {
            "cus_" | "prod_" | "si_" | "req_" => 14,
            "cs_test_" => 58,
            _ => 24,
        };
        format!("{prefix}{}", self.ids.alnum(len))
    }

    /// Unix seconds on the Stripe clock.
    pub fn clock(&self, now_ms: i64) -> i64 {
        now_ms.div_euclid(1000) + self.clock_offset_secs
    }

    pub fn get(&self, id: &str) -> Option<&Value> {
        self.objects.iter().find(|o| o["id"] == id)
    }

    /// An object of one kind (`object` field), e.g. `("customer", "cus_…")`.
    pub fn get_kind(&self, kind: &str, id: &str) -> Option<&Value> {
        self.get(id).filter(|o| o["object"] == kind)
    }

    /// Stores a new object or replaces the one with its id.
    pub fn put(&mut self, obj: Value) {
        match self.objects.iter_mut().find(|o| o["id"] == obj["id"]) {
            Some(slot) => *slot = obj,
            None => self.objects.push(obj),
        }
    }

    pub fn items_of(&self, session: &str) -> Option<&Vec<Value>> {
        self.line_items
            .iter()
            .find(|(s, _)| s == session)
            .map(|(_, items)| items)
    }

    /// Records an event carrying a snapshot of `object`; returns its id.
    pub fn emit(
        &mut self,
        kind: &str,
        object: &Value,
        previous: Option<Value>,
        ctx: &EventCtx,
    ) -> String {
        let id = self.new_id("evt_");
        let mut data = json!({ "object": object });
        if let Some(p) = previous {
            data["previous_attributes"] = p;
        }
        self.events.push(json!({
            "id": id, "object": "event", "api_version": STRIPE_API_VERSION, "created": ctx.created,
            "data": data, "livemode": false, "pending_webhooks": 0,
            "request": {"id": ctx.request_id, "idempotency_key": ctx.idempotency_key},
            "type": kind,
        }));
        id
    }

    /// Events still kept at `clock`, newest first (ties: newest inserted first).
    pub fn visible_events(&self, clock: i64) -> Vec<&Value> {
        let oldest = clock - EVENT_RETENTION_SECS;
        let mut all: Vec<(usize, &Value)> = self
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e["created"].as_i64().unwrap_or(0) >= oldest)
            .collect();
        all.sort_by_key(|(i, e)| std::cmp::Reverse((e["created"].as_i64().unwrap_or(0), *i)));
        all.into_iter().map(|(_, e)| e).collect()
    }

    /// Objects of one kind, newest first (ties: newest inserted first).
    pub fn newest_first(&self, kind: &str) -> Vec<&Value> {
        let mut all: Vec<(usize, &Value)> = self
            .objects
            .iter()
            .enumerate()
            .filter(|(_, o)| o["object"] == kind)
            .collect();
        all.sort_by_key(|(i, o)| std::cmp::Reverse((o["created"].as_i64().unwrap_or(0), *i)));
        all.into_iter().map(|(_, o)| o).collect()
    }
}

/// When an event happened and which API request (if any) caused it: Stripe's own actions
/// (Checkout, renewals) have none, Dashboard actions have a request id and idempotency key.
#[derive(Debug, Clone)]
pub struct EventCtx {
    pub created: i64,
    pub request_id: Option<String>,
    pub idempotency_key: Option<String>,
}

impl EventCtx {
    /// Something Stripe did by itself (Checkout, a renewal): no request.
    pub fn by_stripe(created: i64) -> Self {
        EventCtx {
            created,
            request_id: None,
            idempotency_key: None,
        }
    }

    /// A Dashboard action: one API request with an idempotency key.
    pub fn by_dashboard(s: &mut StripeState, created: i64) -> Self {
        EventCtx {
            created,
            request_id: Some(s.new_id("req_")),
            idempotency_key: Some(s.ids.uuid_v4()),
        }
    }
}

fn product_json(id: &str, name: &str, price: &str, created: i64) -> Value {
    json!({
        "id": id, "object": "product", "active": true, "created": created, "default_price": price,
        "description": null, "images": [], "livemode": false, "marketing_features": [], "metadata": {},
        "name": name, "package_dimensions": null, "shippable": null, "statement_descriptor": null,
        "tax_code": null, "unit_label": null, "updated": created, "url": null,
    })
}

fn price_json(id: &str, product: &str, lookup_key: &str, amount: i64, created: i64) -> Value {
    json!({
        "id": id, "object": "price", "active": true, "billing_scheme": "per_unit", "created": created,
        "currency": "sek", "custom_unit_amount": null, "livemode": false, "lookup_key": lookup_key,
        "metadata": {}, "nickname": null, "product": product,
        "recurring": {"interval": "month", "interval_count": 1, "meter": null, "usage_type": "licensed"},
        "tax_behavior": "unspecified", "tiers_mode": null, "transform_quantity": null, "type": "recurring",
        "unit_amount": amount, "unit_amount_decimal": amount.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_stripes_id_shapes_and_repeats_per_seed() {
        let (a, cat) = StripeState::seeded(7, 0);
        let (_, again) = StripeState::seeded(7, 0);
        assert_eq!(cat.starter_price, again.starter_price);
        assert_ne!(StripeState::seeded(8, 0).1.starter_price, cat.starter_price);
        assert!(cat.starter_price.starts_with("price_") && cat.starter_price.len() == 30);
        assert!(
            cat.professional_product.starts_with("prod_") && cat.professional_product.len() == 19
        );
        assert_eq!(a.newest_first("price").len(), 2);
        assert_eq!(
            a.get(&cat.starter_product).unwrap()["default_price"],
            cat.starter_price.as_str()
        );
    }
}
