//! Stripe (`/stripe/v1/...`): the Events API Fabrik polls and the objects its events carry, as
//! contracts/stripe/stripe-subset.openapi.json (API version 2026-01-28.clover) describes them.
//! Keys by `Authorization: Bearer sk_…` or HTTP Basic with the key as user; errors in Stripe's
//! envelope; 25 requests a second per key (test mode).

pub mod admin;
mod expand;
mod flows;
mod lifecycle;
mod lists;
mod objects;
mod payments;
mod query;

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, Uri};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use base64::Engine;
use serde_json::Value;

use crate::errors::{self, json_response, with_header};
use crate::state::{lock, AppState};
use crate::world::{now_ms, StripeState, STRIPE_API_VERSION};
use query::Params;

type St = State<Arc<AppState>>;

pub fn router(st: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/events", get(list_events))
        .route("/v1/events/{id}", get(get_event))
        .route("/v1/checkout/sessions/{id}", get(get_session))
        .route("/v1/checkout/sessions/{id}/line_items", get(line_items))
        .route("/v1/subscriptions", get(list_subscriptions))
        .route("/v1/subscriptions/{id}", get(get_subscription))
        .route("/v1/invoices/{id}", get(get_invoice))
        .route("/v1/customers/{id}", get(get_customer))
        .route("/v1/prices", get(list_prices))
        .route("/v1/products", get(list_products))
        .route_layer(middleware::from_fn_with_state(st, auth_and_limit))
        .fallback(unrecognized)
        .method_not_allowed_fallback(unrecognized)
}

/// Stripe's 404 for a path (or method) it has no operation for.
async fn unrecognized(req: Request) -> Response {
    errors::stripe(
        404,
        None,
        &format!(
            "Unrecognized request URL ({}: {}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
            req.method(),
            req.uri().path()
        ),
        None,
    )
}

/// The key of a request: `Bearer <key>`, or Basic with the key as user name (empty password).
fn api_key(headers: &HeaderMap) -> Option<String> {
    let v = headers.get("authorization")?.to_str().ok()?.trim();
    let (scheme, rest) = v.split_once(' ')?;
    let key = if scheme.eq_ignore_ascii_case("bearer") {
        rest.trim().to_string()
    } else if scheme.eq_ignore_ascii_case("basic") {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(rest.trim())
            .ok()?;
        let text = String::from_utf8(raw).ok()?;
        text.split_once(':')
            .map_or(text.clone(), |(user, _)| user.to_string())
    } else {
        return None;
    };
    (!key.is_empty()).then_some(key)
}

/// As Stripe shows a wrong key: its `sk_test_`-style prefix, then `*` for all but the last 4.
pub fn mask_key(key: &str) -> String {
    let prefix = ["sk_", "rk_", "pk_"]
        .iter()
        .find(|p| key.starts_with(**p))
        .map_or(0, |p| {
            let mode = &key[p.len()..];
            p.len()
                + ["test_", "live_"]
                    .iter()
                    .find(|m| mode.starts_with(**m))
                    .map_or(0, |m| m.len())
        });
    let chars: Vec<char> = key.chars().collect();
    let keep = chars.len().saturating_sub(prefix).min(4);
    let masked = chars.len() - prefix - keep;
    let head: String = chars[..prefix].iter().collect();
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(masked))
}

/// `2026-01-28.clover`-like, or the date alone.
fn valid_version(v: &str) -> bool {
    let (date, _) = v.split_once('.').unwrap_or((v, ""));
    date.len() == 10
        && date.chars().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        })
}

async fn auth_and_limit(State(st): St, req: Request, next: Next) -> Response {
    let key = match api_key(req.headers()) {
        None => return errors::stripe(401, None, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.", None),
        Some(k) if !st.accepts(|t| &t.stripe, &k) => {
            return errors::stripe(401, None, &format!("Invalid API Key provided: {}", mask_key(&k)), None)
        }
        Some(k) => k,
    };
    let version = req
        .headers()
        .get("stripe-version")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(v) = version.as_deref().filter(|v| !valid_version(v)) {
        return errors::stripe(400, None, &format!("Invalid Stripe API version: {v}"), None);
    }
    let limit = st.rate_limits().stripe_per_second;
    if !lock(&st.limiter)
        .hit(&format!("stripe|{key}"), limit, 1_000, now_ms(), true)
        .allowed
    {
        return errors::stripe_rate_limited();
    }
    let resp = next.run(req).await;
    let resp = with_header(resp, "request-id", format!("req_{}", request_suffix()));
    with_header(
        resp,
        "stripe-version",
        version.as_deref().unwrap_or(STRIPE_API_VERSION),
    )
}

/// Request ids are not part of the world (reads change nothing), so not from the seed.
fn request_suffix() -> String {
    use rand::Rng;
    let mut r = rand::rng();
    (0..14)
        .map(|_| r.sample(rand::distr::Alphanumeric) as char)
        .collect()
}

/// 404 `resource_missing`: "No such customer: 'cus_…'".
pub fn missing(noun: &str, id: &str, param: &str) -> Response {
    errors::stripe(
        404,
        Some("resource_missing"),
        &format!("No such {noun}: '{id}'"),
        Some(param),
    )
}

/// An object of one kind, or Stripe's 404 for it.
pub trait Lookup {
    fn lookup(&self, kind: &str, id: &str, param: &str) -> Result<&Value, Response>;
}

impl Lookup for StripeState {
    fn lookup(&self, kind: &str, id: &str, param: &str) -> Result<&Value, Response> {
        self.get_kind(kind, id)
            .ok_or_else(|| missing(kind, id, param))
    }
}

fn respond(r: Result<Value, Response>) -> Response {
    r.map_or_else(|e| e, |v| json_response(200, v))
}

/// A retrieve: `expand[]` only.
fn retrieve(st: &AppState, uri: &Uri, kind: &str, id: &str) -> Response {
    let p = Params::parse(uri.query());
    respond(st.read(|w| {
        p.only(&["expand"])?;
        let mut v = w.stripe.lookup(kind, id, "id")?.clone();
        expand::apply(&mut v, &p.expand(), &w.stripe)?;
        Ok(v)
    }))
}

type Lister = fn(&Params, &StripeState) -> Result<Value, Response>;

fn list(st: &AppState, uri: &Uri, f: Lister) -> Response {
    let p = Params::parse(uri.query());
    respond(st.read(|w| f(&p, &w.stripe)))
}

async fn list_events(State(st): St, uri: Uri) -> Response {
    list(&st, &uri, lists::events)
}

/// An event older than 30 days is gone as if it never was.
async fn get_event(State(st): St, uri: Uri, Path(id): Path<String>) -> Response {
    let p = Params::parse(uri.query());
    respond(st.read(|w| {
        p.only(&["expand"])?;
        let s = &w.stripe;
        let event = s
            .visible_events(s.clock(now_ms()))
            .into_iter()
            .find(|e| e["id"] == id.as_str());
        let mut v = event.cloned().ok_or_else(|| missing("event", &id, "id"))?;
        expand::apply(&mut v, &p.expand(), s)?;
        Ok(v)
    }))
}

async fn get_session(State(st): St, uri: Uri, Path(id): Path<String>) -> Response {
    retrieve(&st, &uri, "checkout.session", &id)
}

async fn line_items(State(st): St, uri: Uri, Path(id): Path<String>) -> Response {
    let p = Params::parse(uri.query());
    respond(st.read(|w| lists::line_items(&p, &w.stripe, &id)))
}

async fn get_subscription(State(st): St, uri: Uri, Path(id): Path<String>) -> Response {
    retrieve(&st, &uri, "subscription", &id)
}

async fn list_subscriptions(State(st): St, uri: Uri) -> Response {
    list(&st, &uri, lists::subscriptions)
}

async fn get_invoice(State(st): St, uri: Uri, Path(id): Path<String>) -> Response {
    retrieve(&st, &uri, "invoice", &id)
}

async fn get_customer(State(st): St, uri: Uri, Path(id): Path<String>) -> Response {
    retrieve(&st, &uri, "customer", &id)
}

async fn list_prices(State(st): St, uri: Uri) -> Response {
    list(&st, &uri, lists::prices)
}

async fn list_products(State(st): St, uri: Uri) -> Response {
    list(&st, &uri, lists::products)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_key_is_shown_with_its_mode_prefix_and_last_four() {
        assert_eq!(mask_key("sk_test_51Abcdefgh4242"), "sk_test_**********4242");
        assert_eq!(mask_key("rk_live_abcd1234"), "rk_live_****1234");
        assert_eq!(mask_key("fabrik-sim-token"), "************oken");
        assert_eq!(mask_key("abc"), "abc");
    }

    #[test]
    fn api_versions_are_dates_with_an_optional_name() {
        assert!(valid_version("2026-01-28.clover") && valid_version("2020-08-27"));
        assert!(!valid_version("latest") && !valid_version("2026-1-28"));
    }

    #[test]
    fn months_keep_the_day() {
        // 2026-01-31 → 2026-02-28 (chrono clamps), 2026-03-15 → 2026-04-15.
        assert_eq!(objects::add_month(1_769_817_600), 1_772_236_800);
        assert_eq!(objects::add_month(1_773_532_800), 1_776_211_200);
    }
}
