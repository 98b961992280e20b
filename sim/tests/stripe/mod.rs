//! The simulated Stripe: events a poller reads, the objects they carry, keys, limits and the
//! test surface. Every body is validated against contracts/stripe/stripe-subset.openapi.json.

use crate::common;

use common::*;
use fabrik_sim::{RateLimits, SimConfig, SimHandle};
use serde_json::{json, Value};

mod billing;
mod event_list;
mod lifecycle;

const DAY: i64 = 86_400;

/// A simulator whose Stripe limit does not get in the way of a test's burst of reads.
async fn stripe_sim() -> SimHandle {
    sim_with(SimConfig {
        rate_limits: RateLimits {
            stripe_per_second: 1_000,
            ..Default::default()
        },
        ..Default::default()
    })
    .await
}

/// `GET {base}/stripe{path}` with the key as bearer.
async fn get(sim: &SimHandle, path: &str) -> (u16, Value) {
    let r = client()
        .get(format!("{}{path}", sim.stripe_api_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let (s, _, v) = json_of(r).await;
    (s, v)
}

/// `POST /__sim/stripe/{what}` → (status, body).
async fn admin(sim: &SimHandle, what: &str, body: Value) -> (u16, Value) {
    let r = client()
        .post(format!("{}/__sim/stripe/{what}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (s, _, v) = json_of(r).await;
    (s, v)
}

/// Types of a list's events, in the list's order.
fn types(list: &Value) -> Vec<String> {
    emitted(&list["data"])
}

/// Types of the events a test-surface action reports (`events: [{id, type}]`), or of a list's data.
fn emitted(events: &Value) -> Vec<String> {
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

fn ids(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

/// An error in Stripe's envelope (the spec's `default` response, schema `error`).
fn assert_error(body: &Value, code: Option<&str>) {
    assert_component(Spec::Stripe, "error", body);
    assert_eq!(body["error"]["type"], "invalid_request_error", "{body}");
    assert_eq!(body["error"]["code"].as_str(), code, "{body}");
}

/// What a new subscription emits before it is paid, in Stripe's order (Checkout and Dashboard).
const SUBSCRIBED: [&str; 4] = [
    "customer.created",
    "customer.subscription.created",
    "invoice.created",
    "invoice.finalized",
];
/// What a paid invoice emits.
const PAID: [&str; 2] = ["invoice.paid", "invoice.payment_succeeded"];

const MISSING: Option<&str> = Some("resource_missing");
const NOT_AN_INTEGER: Option<&str> = Some("parameter_invalid_integer");

/// A GET that Stripe refuses: its status, and the error envelope with `code` (and `param`
/// when one is named).
async fn refused(
    sim: &SimHandle,
    path: &str,
    status: u16,
    code: Option<&str>,
    param: Option<&str>,
) -> Value {
    let (s, e) = get(sim, path).await;
    assert_eq!(s, status, "{e}");
    assert_error(&e, code);
    if let Some(p) = param {
        assert_eq!(e["error"]["param"], p, "{e}");
    }
    e
}

/// `GET /__sim/{what}`.
async fn sim_get(sim: &SimHandle, what: &str) -> Value {
    let r = client()
        .get(format!("{}/__sim/{what}", sim.base_url()))
        .send()
        .await
        .unwrap();
    json_of(r).await.2
}

/// A page of `GET /v1/events`, validated.
async fn events(sim: &SimHandle, query: &str) -> Value {
    let (s, list) = get(sim, &format!("/v1/events?{query}")).await;
    assert_eq!(s, 200, "{list}");
    assert_response(Spec::Stripe, "GET", "/v1/events", 200, &list);
    list
}

/// An event's `data.object` against the component its `object` names.
fn assert_event_object(event: &Value) {
    let obj = &event["data"]["object"];
    let name = obj["object"].as_str().unwrap();
    assert_component(Spec::Stripe, name, obj);
}

/// The check every body here goes through passes the simulator's invoice and fails the same
/// invoice with one field of the wrong type (the validator compiles each object's graph of
/// components, and the library under it was changed once).
#[tokio::test]
async fn the_check_passes_an_invoice_and_fails_it_with_one_field_wrong() {
    let sim = stripe_sim().await;
    let (s, made) = admin(
        &sim,
        "checkout",
        json!({"email": "eva@acme.se", "name": "Eva Berg", "company": "Acme AB"}),
    )
    .await;
    assert_eq!(s, 201, "{made}");
    let list = events(&sim, "limit=20").await;
    let invoice = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "invoice.created")
        .expect("an invoice.created event")["data"]["object"]
        .clone();
    assert_component(Spec::Stripe, "invoice", &invoice);
    let mut wrong = invoice.clone();
    wrong["amount_due"] = json!("ten");
    let refused =
        std::panic::catch_unwind(|| assert_component(Spec::Stripe, "invoice", &wrong)).is_err();
    assert!(
        refused,
        "an invoice whose amount_due is text passed: {wrong}"
    );
}

#[tokio::test]
async fn a_checkout_emits_its_events_newest_first_with_objects_in_the_spec_shape() {
    let sim = stripe_sim().await;
    let (s, made) = admin(
        &sim,
        "checkout",
        json!({"email": "anna@acme.se", "name": "Anna Berg", "company": "Acme AB", "metadata": {"source": "web"}}),
    )
    .await;
    assert_eq!(s, 201, "{made}");
    let made_types = emitted(&made["events"]);
    let activated = [
        "customer.subscription.updated",
        "checkout.session.completed",
    ];
    assert_eq!(made_types, [&SUBSCRIBED[..], &PAID, &activated].concat());
    let list = events(&sim, "limit=20").await;
    let mut newest_first = made_types.clone();
    newest_first.reverse();
    assert_eq!(types(&list), newest_first);
    assert_eq!(list["has_more"], false);
    assert_eq!(list["url"], "/v1/events");
    for e in list["data"].as_array().unwrap() {
        assert_event_object(e);
        assert_eq!(e["api_version"], "2026-01-28.clover");
        assert_eq!(e["livemode"], false);
    }
    // Each event carries the object as it was: the subscription was incomplete, then active.
    let by_type = |t: &str| {
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["type"] == t)
            .unwrap()
            .clone()
    };
    assert_eq!(
        by_type("customer.subscription.created")["data"]["object"]["status"],
        "incomplete"
    );
    let updated = by_type("customer.subscription.updated");
    assert_eq!(updated["data"]["object"]["status"], "active");
    assert_eq!(
        updated["data"]["previous_attributes"],
        json!({"status": "incomplete"})
    );
    assert_eq!(
        by_type("invoice.created")["data"]["object"]["status"],
        "draft"
    );
    let session = by_type("checkout.session.completed")["data"]["object"].clone();
    assert_eq!(session["id"], made["checkout_session"]);
    assert_eq!(
        (session["mode"].as_str(), session["status"].as_str()),
        (Some("subscription"), Some("complete"))
    );
    assert_eq!(session["payment_status"], "paid");
    assert_eq!(session["customer_details"]["email"], "anna@acme.se");
    assert_eq!(session["custom_fields"][0]["key"], "company");
    assert_eq!(
        session["custom_fields"][0]["label"]["custom"],
        "Företagsnamn"
    );
    assert_eq!(session["custom_fields"][0]["text"]["value"], "Acme AB");
    assert_eq!(session["metadata"], json!({"source": "web"}));
    assert_eq!(
        (
            session["amount_total"].as_i64(),
            session["currency"].as_str()
        ),
        (Some(490_000), Some("sek"))
    );

    let id = list["data"][0]["id"].as_str().unwrap();
    let (s, one) = get(&sim, &format!("/v1/events/{id}")).await;
    assert_eq!(s, 200);
    assert_response(Spec::Stripe, "GET", "/v1/events/{id}", 200, &one);
    assert_eq!(one, list["data"][0]);

    // The invoice names its subscription and price where 2026-01-28.clover puts them.
    let invoice = made["invoice"].as_str().unwrap();
    let (s, inv) = get(&sim, &format!("/v1/invoices/{invoice}")).await;
    assert_eq!(s, 200);
    assert_response(Spec::Stripe, "GET", "/v1/invoices/{invoice}", 200, &inv);
    assert_eq!(
        (inv["status"].as_str(), inv["billing_reason"].as_str()),
        (Some("paid"), Some("subscription_create"))
    );
    assert_eq!(
        inv["parent"]["subscription_details"]["subscription"],
        made["subscription"]
    );
    assert_eq!(
        inv["lines"]["data"][0]["pricing"]["price_details"]["price"],
        sim.seed().stripe_starter_price_id.as_str()
    );
    assert_eq!(
        (
            inv["customer_email"].as_str(),
            inv["customer_name"].as_str()
        ),
        (Some("anna@acme.se"), Some("Anna Berg"))
    );
    let sub = made["subscription"].as_str().unwrap();
    let (s, subscription) = get(&sim, &format!("/v1/subscriptions/{sub}?expand[]=customer")).await;
    assert_eq!(s, 200);
    assert_response(
        Spec::Stripe,
        "GET",
        "/v1/subscriptions/{subscription_exposed_id}",
        200,
        &subscription,
    );
    assert_eq!(subscription["customer"]["email"], "anna@acme.se");
    let customer = made["customer"].as_str().unwrap();
    let (s, c) = get(&sim, &format!("/v1/customers/{customer}")).await;
    assert_eq!(s, 200);
    assert_response(Spec::Stripe, "GET", "/v1/customers/{customer}", 200, &c);
    let cs = made["checkout_session"].as_str().unwrap();
    let (s, full) = get(
        &sim,
        &format!("/v1/checkout/sessions/{cs}?expand[]=line_items&expand[]=subscription"),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(
        Spec::Stripe,
        "GET",
        "/v1/checkout/sessions/{session}",
        200,
        &full,
    );
    assert_eq!(
        full["line_items"]["data"][0]["price"]["lookup_key"],
        "starter_monthly"
    );
    assert_eq!(full["subscription"]["status"], "active");
}

#[tokio::test]
async fn keys_limits_and_unknown_paths_answer_in_stripes_envelope() {
    let sim = stripe_sim().await;
    let url = format!("{}/v1/events", sim.stripe_api_url());
    let c = client();
    let (s, _, e) = json_of(c.get(&url).send().await.unwrap()).await;
    assert_eq!(s, 401);
    assert_error(&e, None);
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("You did not provide an API key."));
    let (s, _, e) = json_of(
        c.get(&url)
            .bearer_auth("sk_test_51Abcdefgh4242")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 401);
    assert_error(&e, None);
    assert_eq!(
        e["error"]["message"],
        "Invalid API Key provided: sk_test_**********4242"
    );
    // HTTP Basic with the key as user name, as curl -u KEY: sends it.
    let (s, h, list) = json_of(
        c.get(&url)
            .basic_auth(TOKEN, Some(""))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(h["stripe-version"], "2026-01-28.clover");
    assert!(h["request-id"].to_str().unwrap().starts_with("req_"));
    let (s, h, _) = json_of(
        c.get(&url)
            .bearer_auth(TOKEN)
            .header("Stripe-Version", "2025-03-31.basil")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, h["stripe-version"].to_str().unwrap()),
        (200, "2025-03-31.basil")
    );

    for (query, message) in [
        ("limit=0", "This value must be greater than or equal to 1."),
        ("limit=101", "This value must be less than or equal to 100."),
        ("limit=ten", "Invalid integer: ten"),
    ] {
        let e = refused(
            &sim,
            &format!("/v1/events?{query}"),
            400,
            NOT_AN_INTEGER,
            None,
        )
        .await;
        assert_eq!(
            (e["error"]["param"].as_str(), e["error"]["message"].as_str()),
            (Some("limit"), Some(message))
        );
    }
    refused(
        &sim,
        "/v1/events?colour=blue",
        400,
        Some("parameter_unknown"),
        None,
    )
    .await;
    // A route outside the description, on purpose: marked so for the contract check.
    let r = client()
        .get(format!("{}/v1/charges", sim.stripe_api_url()))
        .bearer_auth(TOKEN)
        .header(fabrik_sim::contract_record::PROBE_HEADER, "1")
        .send()
        .await
        .unwrap();
    let (s, _, e) = json_of(r).await;
    assert_eq!(s, 404, "{e}");
    assert_error(&e, None);
    assert_eq!(
        e["error"]["message"],
        "Unrecognized request URL (GET: /v1/charges). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."
    );
    refused(&sim, "/v1/customers/cus_missing", 404, MISSING, None).await;

    // The log keeps the request, never the key.
    let log = sim_get(&sim, "requests").await;
    let text = log.to_string();
    assert!(text.contains("/stripe/v1/events"));
    assert!(!text.contains("sk_test_51Abcdefgh4242") && !text.contains(TOKEN));
}

#[tokio::test]
async fn more_than_25_reads_a_second_get_429() {
    let sim = sim().await;
    // Reads until refused: at least the 25 of one second pass first.
    let mut passed = 0;
    let (s, e) = loop {
        let (s, body) = get(&sim, "/v1/products").await;
        if s != 200 || passed == 200 {
            break (s, body);
        }
        passed += 1;
    };
    assert!(passed >= 25, "{passed}");
    assert_eq!(s, 429);
    assert_error(&e, Some("rate_limit"));
}
