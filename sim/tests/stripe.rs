//! The simulated Stripe: events a poller reads, the objects they carry, keys, limits and the
//! test surface. Every body is validated against contracts/stripe/stripe-subset.openapi.json.

use crate::common;

use common::*;
use fabrik_sim::{RateLimits, SimConfig, SimHandle};
use serde_json::{json, Value};

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
async fn pages_of_ten_cover_25_events_once_and_ending_before_reads_newer_ones() {
    let sim = stripe_sim().await;
    // A cursor Stripe does not know is refused, not read as "from the start".
    let unknown = "/v1/events?starting_after=evt_doesnotexist";
    refused(&sim, unknown, 404, MISSING, Some("starting_after")).await;
    // 4 Dashboard subscriptions (6 events each) and a cancellation: 25 events.
    let mut last_sub = Value::Null;
    for i in 0..4 {
        let (s, made) = admin(
            &sim,
            "subscriptions",
            json!({"email": format!("k{i}@example.se")}),
        )
        .await;
        assert_eq!(s, 201, "{made}");
        last_sub = made["subscription"].clone();
    }
    let (s, _) = admin(
        &sim,
        &format!("subscriptions/{}/cancel", last_sub.as_str().unwrap()),
        json!({}),
    )
    .await;
    assert_eq!(s, 200);
    let all = ids(&events(&sim, "limit=100").await);
    assert_eq!(all.len(), 25);

    let mut seen = Vec::new();
    let mut query = "limit=10".to_string();
    loop {
        let page = events(&sim, &query).await;
        seen.extend(ids(&page));
        if page["has_more"] == false {
            break;
        }
        query = format!("limit=10&starting_after={}", seen.last().unwrap());
    }
    assert_eq!(seen, all, "each event once, newest first");

    let newer = events(&sim, &format!("limit=10&ending_before={}", all[15])).await;
    assert_eq!(ids(&newer), all[5..15]);
    assert_eq!(newer["has_more"], true);
    let newest = events(&sim, &format!("limit=10&ending_before={}", all[5])).await;
    assert_eq!(ids(&newest), all[..5]);
    assert_eq!(newest["has_more"], false);
}

#[tokio::test]
async fn types_and_created_filter_the_list() {
    let sim = stripe_sim().await;
    let (s, _) = admin(&sim, "checkout", json!({"email": "new@example.se"})).await;
    assert_eq!(s, 201);
    let now = events(&sim, "limit=1").await["data"][0]["created"]
        .as_i64()
        .unwrap();
    let old = json!({"email": "old@example.se", "created": now - 2 * DAY});
    assert_eq!(admin(&sim, "subscriptions", old).await.0, 201);

    let paid = events(
        &sim,
        "types[]=invoice.paid&types[]=checkout.session.completed&limit=100",
    )
    .await;
    assert_eq!(
        types(&paid),
        ["checkout.session.completed", "invoice.paid", "invoice.paid"]
    );
    let invoices = events(&sim, "type=invoice.*&limit=100").await;
    assert_eq!(invoices["data"].as_array().unwrap().len(), 8);
    assert!(types(&invoices).iter().all(|t| t.starts_with("invoice.")));

    let count = |list: Value| list["data"].as_array().unwrap().len();
    assert_eq!(
        count(events(&sim, &format!("created[gte]={}&limit=100", now - DAY)).await),
        8
    );
    assert_eq!(
        count(events(&sim, &format!("created={}&limit=100", now - 2 * DAY)).await),
        6
    );
    assert_eq!(count(events(&sim, &format!("created[gt]={now}")).await), 0);
    let window = format!("created[gt]={}&created[lte]={now}&limit=100", now - 3 * DAY);
    assert_eq!(count(events(&sim, &window).await), 14);

    let many: String = (0..21).map(|i| format!("types[]=t{i}&")).collect();
    for (query, code, param) in [
        (
            "type=invoice.paid&types[]=invoice.paid".to_string(),
            None,
            None,
        ),
        (many, None, None),
        (
            "created[gte]=soon".into(),
            NOT_AN_INTEGER,
            Some("created[gte]"),
        ),
    ] {
        refused(&sim, &format!("/v1/events?{query}"), 400, code, param).await;
    }
}

#[tokio::test]
async fn a_late_event_lands_in_its_place_not_at_the_top() {
    let sim = stripe_sim().await;
    let (_, first) = admin(&sim, "checkout", json!({"email": "a@example.se"})).await;
    let seen = events(&sim, "limit=1").await;
    let newest_seen = seen["data"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(first["events"][7]["id"], newest_seen.as_str());

    // Stripe records a checkout that happened an hour ago only now.
    let now = seen["data"][0]["created"].as_i64().unwrap();
    let (s, late) = admin(
        &sim,
        "checkout",
        json!({"email": "b@example.se", "created": now - 3_600}),
    )
    .await;
    assert_eq!(s, 201);
    // A poller asking only for what is newer than what it saw does not get it ...
    let newer = events(&sim, &format!("ending_before={newest_seen}")).await;
    assert!(newer["data"].as_array().unwrap().is_empty());
    // ... it sits below the first checkout's events, in `created` order.
    let all = events(&sim, "limit=100").await;
    let order = ids(&all);
    let pos = |id: &Value| {
        order
            .iter()
            .position(|x| x == id.as_str().unwrap())
            .unwrap()
    };
    assert_eq!(pos(&late["events"][7]["id"]), 8);
    assert_eq!(pos(&late["events"][0]["id"]), 15);
    let after = events(
        &sim,
        &format!(
            "starting_after={}&limit=1",
            first["events"][0]["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(after["data"][0]["id"], late["events"][7]["id"]);
}

#[tokio::test]
async fn after_31_days_an_event_is_neither_listed_nor_found() {
    let sim = stripe_sim().await;
    let (_, made) = admin(&sim, "checkout", json!({"email": "gone@example.se"})).await;
    let id = made["events"][0]["id"].as_str().unwrap();
    let (s, clock) = admin(&sim, "clock", json!({"advance_seconds": 29 * DAY})).await;
    assert_eq!(s, 200, "{clock}");
    assert_eq!(
        events(&sim, "limit=100").await["data"]
            .as_array()
            .unwrap()
            .len(),
        8
    );
    let (s, _) = admin(&sim, "clock", json!({"advance_seconds": 2 * DAY})).await;
    assert_eq!(s, 200);
    assert!(events(&sim, "limit=100").await["data"]
        .as_array()
        .unwrap()
        .is_empty());
    let e = refused(&sim, &format!("/v1/events/{id}"), 404, MISSING, None).await;
    assert_eq!(e["error"]["message"], format!("No such event: '{id}'"));
    // The objects stay; a new checkout's events are stamped with the moved clock.
    let (s, _) = get(
        &sim,
        &format!("/v1/customers/{}", made["customer"].as_str().unwrap()),
    )
    .await;
    assert_eq!(s, 200);
    let (_, again) = admin(&sim, "checkout", json!({"email": "new@example.se"})).await;
    let list = events(&sim, "limit=1").await;
    assert_eq!(list["data"][0]["id"], again["events"][7]["id"]);
    let stamped = list["data"][0]["created"].as_i64().unwrap() - clock["now"].as_i64().unwrap();
    assert!((2 * DAY..2 * DAY + 60).contains(&stamped), "{stamped}");
    let (s, _) = admin(&sim, "clock", json!({"advance_seconds": -1})).await;
    assert_eq!(s, 400);
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
    let e = refused(&sim, "/v1/charges", 404, None, None).await;
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

#[tokio::test]
async fn line_items_expand_to_price_and_product() {
    let sim = stripe_sim().await;
    let (s, made) = admin(
        &sim,
        "checkout",
        json!({"email": "pro@example.se", "price": "professional_monthly"}),
    )
    .await;
    assert_eq!(s, 201, "{made}");
    let cs = made["checkout_session"].as_str().unwrap();
    let path = "/v1/checkout/sessions/{session}/line_items";
    let (s, items) = get(
        &sim,
        &format!("/v1/checkout/sessions/{cs}/line_items?expand[]=data.price.product"),
    )
    .await;
    assert_eq!(s, 200, "{items}");
    assert_response(Spec::Stripe, "GET", path, 200, &items);
    let price = &items["data"][0]["price"];
    assert_eq!(
        price["id"],
        sim.seed().stripe_professional_price_id.as_str()
    );
    assert_eq!(
        (
            price["unit_amount"].as_i64(),
            price["recurring"]["interval"].as_str()
        ),
        (Some(1_490_000), Some("month"))
    );
    assert_eq!(price["product"]["name"], "Fabrik Professional");
    let (_, plain) = get(&sim, &format!("/v1/checkout/sessions/{cs}/line_items")).await;
    assert_response(Spec::Stripe, "GET", path, 200, &plain);
    assert_eq!(
        plain["data"][0]["price"]["product"],
        sim.seed().stripe_professional_product_id.as_str()
    );
    refused(
        &sim,
        &format!("/v1/checkout/sessions/{cs}/line_items?expand[]=data.currency"),
        400,
        None,
        None,
    )
    .await;
    refused(
        &sim,
        "/v1/checkout/sessions/cs_test_nope/line_items",
        404,
        MISSING,
        None,
    )
    .await;
}

#[tokio::test]
async fn renewals_cancellations_and_delayed_payments_emit_their_events() {
    let sim = stripe_sim().await;
    let (_, made) = admin(
        &sim,
        "subscriptions",
        json!({"email": "dash@example.se", "name": "Dash AB"}),
    )
    .await;
    assert_eq!(emitted(&made["events"]), [&SUBSCRIBED[..], &PAID].concat());
    let sub = made["subscription"].as_str().unwrap();
    let (s, renewed) = admin(&sim, &format!("subscriptions/{sub}/renew"), json!({})).await;
    assert_eq!(s, 200, "{renewed}");
    let paid = events(&sim, "type=invoice.paid").await;
    let cycle = &paid["data"][0]["data"]["object"];
    assert_event_object(&paid["data"][0]);
    assert_eq!(cycle["billing_reason"], "subscription_cycle");
    assert_eq!(cycle["id"], renewed["invoice"]);
    assert_eq!(
        paid["data"][1]["data"]["object"]["billing_reason"],
        "subscription_create"
    );

    let (s, _) = admin(&sim, &format!("subscriptions/{sub}/cancel"), json!({})).await;
    assert_eq!(s, 200);
    let deleted = events(&sim, "types[]=customer.subscription.deleted").await;
    assert_eq!(deleted["data"].as_array().unwrap().len(), 1);
    assert_event_object(&deleted["data"][0]);
    assert_eq!(deleted["data"][0]["data"]["object"]["status"], "canceled");
    assert!(deleted["data"][0]["request"]["id"]
        .as_str()
        .unwrap()
        .starts_with("req_"));
    let (_, now) = get(&sim, &format!("/v1/subscriptions/{sub}")).await;
    assert_eq!(now["status"], "canceled");
    let (s, _) = admin(&sim, &format!("subscriptions/{sub}/cancel"), json!({})).await;
    assert_eq!(s, 409);

    // A delayed payment method: the session completes unpaid, the money comes later.
    let (_, unpaid) = admin(
        &sim,
        "checkout",
        json!({"email": "sepa@example.se", "paid": false}),
    )
    .await;
    let types_made = emitted(&unpaid["events"]);
    assert!(
        !types_made.contains(&"invoice.paid".to_string())
            && types_made.last().map(String::as_str) == Some("checkout.session.completed")
    );
    let cs = unpaid["checkout_session"].as_str().unwrap();
    let (_, session) = get(&sim, &format!("/v1/checkout/sessions/{cs}")).await;
    assert_eq!(session["payment_status"], "unpaid");
    let (s, later) = admin(&sim, &format!("checkout/{cs}/pay"), json!({})).await;
    assert_eq!(s, 200, "{later}");
    let async_paid = [
        "customer.subscription.updated",
        "checkout.session.async_payment_succeeded",
    ];
    assert_eq!(emitted(&later["events"]), [&PAID[..], &async_paid].concat());
    let top = events(&sim, "limit=1").await;
    assert_event_object(&top["data"][0]);
    assert_eq!(top["data"][0]["data"]["object"]["payment_status"], "paid");
    let (s, _) = admin(&sim, &format!("checkout/{cs}/pay"), json!({})).await;
    assert_eq!(s, 409);
}

#[tokio::test]
async fn prices_list_with_products_expanded_and_paged() {
    let sim = stripe_sim().await;
    let (s, list) = get(&sim, "/v1/prices?active=true&expand[]=data.product").await;
    assert_eq!(s, 200, "{list}");
    assert_response(Spec::Stripe, "GET", "/v1/prices", 200, &list);
    let names: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["product"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Fabrik Professional", "Fabrik Starter"]);
    let (_, starter) = get(&sim, "/v1/prices?lookup_keys[]=starter_monthly").await;
    assert_response(Spec::Stripe, "GET", "/v1/prices", 200, &starter);
    assert_eq!(ids(&starter), [sim.seed().stripe_starter_price_id.clone()]);
    assert_eq!(starter["data"][0]["unit_amount"], 490_000);
    let (_, first) = get(&sim, "/v1/prices?limit=1").await;
    assert_eq!(first["has_more"], true);
    let (_, second) = get(
        &sim,
        &format!("/v1/prices?limit=1&starting_after={}", ids(&first)[0]),
    )
    .await;
    assert_eq!(
        (ids(&second), &second["has_more"]),
        (
            vec![sim.seed().stripe_starter_price_id.clone()],
            &json!(false)
        )
    );
    let (s, products) = get(&sim, "/v1/products").await;
    assert_eq!(s, 200);
    assert_response(Spec::Stripe, "GET", "/v1/products", 200, &products);
    assert_eq!(
        products["data"][1]["default_price"],
        sim.seed().stripe_starter_price_id.as_str()
    );
    refused(
        &sim,
        "/v1/prices?active=maybe",
        400,
        Some("parameter_invalid_boolean"),
        None,
    )
    .await;
}
