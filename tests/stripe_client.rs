//! Fabrik's Stripe client reading subscriptions from the simulator: one by id, the list over
//! its pages, the status filter, a subscription's life as the client sees it, and answers
//! that are not what the spec says.

use std::time::Duration;

use fabrik::providers::stripe::{Status, Stripe, MAX_SUBSCRIPTION_PAGES};
use fabrik::secrets::Secret;
use fabrik_sim::{SimConfig, SimHandle, Tokens};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::TOKEN;

const DAY: i64 = 86_400;

async fn stripe_sim() -> SimHandle {
    fabrik_sim::start(SimConfig {
        tokens: Tokens::single(TOKEN),
        ..SimConfig::default()
    })
    .await
    .expect("simulator")
}

fn client(api: &str) -> Stripe {
    Stripe::new(api, Secret::new(TOKEN), Duration::from_secs(10))
}

/// A call to the simulator's Stripe admin routes (`/__sim/stripe/{what}`), its answer.
pub(crate) async fn admin(sim: &SimHandle, what: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .post(format!("{}/__sim/stripe/{what}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert!(status.is_success(), "{what}: {status} {body}");
    body
}

/// A Dashboard subscription: (subscription, customer).
pub(crate) async fn subscribed(sim: &SimHandle, email: &str, price: &str) -> (String, String) {
    let made = admin(
        sim,
        "subscriptions",
        json!({"email": email, "price": price}),
    )
    .await;
    (
        made["subscription"].as_str().unwrap().into(),
        made["customer"].as_str().unwrap().into(),
    )
}

#[tokio::test]
async fn a_subscription_is_read_with_its_price_period_and_payment_state() {
    let sim = stripe_sim().await;
    let stripe = client(&sim.stripe_api_url());
    let (id, cus) = subscribed(&sim, "one@example.se", "professional_monthly").await;
    let s = stripe.subscription(&id).await.unwrap();
    assert_eq!(
        (s.id.as_str(), s.customer.as_str()),
        (id.as_str(), cus.as_str())
    );
    assert_eq!(s.status, Status::Active);
    assert_eq!(
        s.price.as_deref(),
        Some(sim.seed().stripe_professional_price_id.as_str())
    );
    assert_eq!(
        (s.amount, s.currency.as_deref(), s.interval.as_deref()),
        (Some(1_490_000), Some("sek"), Some("month"))
    );
    assert!(!s.cancel_at_period_end);
    let end = s.current_period_end.unwrap();
    let inv = s.latest_invoice.unwrap();
    assert_eq!(
        (inv.status.as_deref(), inv.attempt_count),
        (Some("paid"), 1)
    );

    // The card fails at the renewal, for want of money: past due, the retry scheduled 2 days
    // on, and why it failed read by Stripe's code (#70: the invoice's payments are included
    // only when asked for, and their PaymentIntent expanded).
    admin(
        &sim,
        &format!("customers/{cus}/card"),
        json!({"failing": true, "decline_code": "insufficient_funds"}),
    )
    .await;
    let clock = admin(&sim, "clock", json!({"advance_seconds": 0})).await["now"]
        .as_i64()
        .unwrap();
    admin(
        &sim,
        "clock",
        json!({"advance_seconds": end - clock + 3_600}),
    )
    .await;
    let s = stripe.subscription(&id).await.unwrap();
    assert_eq!(s.status, Status::PastDue);
    let inv = s.latest_invoice.unwrap();
    assert_eq!(
        (
            inv.status.as_deref(),
            inv.attempt_count,
            inv.next_payment_attempt
        ),
        (Some("open"), 1, Some(end + 2 * DAY))
    );
    assert_eq!(inv.last_failure.as_deref(), Some("insufficient_funds"));
    let listed = stripe.subscriptions("past_due").await.unwrap();
    assert_eq!(
        listed.subscriptions[0]
            .latest_invoice
            .as_ref()
            .unwrap()
            .last_failure
            .as_deref(),
        Some("insufficient_funds")
    );
    admin(
        &sim,
        &format!("subscriptions/{id}/cancel_at_period_end"),
        json!({}),
    )
    .await;
    let s = stripe.subscription(&id).await.unwrap();
    assert!(s.cancel_at_period_end);
    assert_eq!(s.cancel_at, s.current_period_end);

    let err = stripe.subscription("sub_nope").await.unwrap_err();
    assert_eq!(err.status, Some(404), "{err:?}");
    assert!(stripe.subscription("../v1/events").await.is_err());
}

#[tokio::test]
async fn the_list_reads_every_page_and_filters_by_status() {
    let sim = stripe_sim().await;
    let stripe = client(&sim.stripe_api_url());
    let mut made = Vec::new();
    for n in 0..103 {
        made.push(subscribed(&sim, &format!("s{n}@example.se"), "starter_monthly").await);
    }
    admin(
        &sim,
        &format!("subscriptions/{}/pause", made[5].0),
        json!({}),
    )
    .await;
    admin(
        &sim,
        &format!("subscriptions/{}/cancel", made[7].0),
        json!({}),
    )
    .await;

    let all = stripe.subscriptions("all").await.unwrap();
    assert_eq!(
        (all.subscriptions.len(), all.skipped, all.truncated),
        (103, 0, false)
    );
    let newest_first: Vec<String> = made.iter().rev().map(|(s, _)| s.clone()).collect();
    let read: Vec<String> = all.subscriptions.iter().map(|s| s.id.clone()).collect();
    assert_eq!(read, newest_first);
    let statuses = |status: Status| {
        all.subscriptions
            .iter()
            .filter(|s| s.status == status)
            .count()
    };
    assert_eq!(
        (statuses(Status::Paused), statuses(Status::Canceled)),
        (1, 1)
    );
    // Every one carries its latest invoice (expanded in the listing).
    assert!(all.subscriptions.iter().all(|s| s
        .latest_invoice
        .as_ref()
        .is_some_and(|i| i.status.is_some())));

    let open = stripe.subscriptions("active").await.unwrap();
    assert_eq!(open.subscriptions.len(), 101);
    let paused = stripe.subscriptions("paused").await.unwrap();
    assert_eq!(
        paused
            .subscriptions
            .iter()
            .map(|s| s.id.clone())
            .collect::<Vec<_>>(),
        [made[5].0.clone()]
    );
    let canceled = stripe.subscriptions("canceled").await.unwrap();
    assert_eq!(canceled.subscriptions[0].id, made[7].0);
    assert!(stripe.subscriptions("sleeping").await.is_err());
    // `all` took two pages of 100, the second after the first page's last id.
    let queries = list_queries(&sim).await;
    assert!(
        queries[1].contains(&format!("starting_after={}", made[3].0)),
        "{queries:?}"
    );
    assert!(queries[0].contains("limit=100") && !queries[0].contains("starting_after"));
    assert_eq!(MAX_SUBSCRIPTION_PAGES, 50);
}

/// A page of events refused with 429 is asked again after the wait and the poll goes on
/// (#70): Stripe asks a client to back off and retry, and a poll that gave up read nothing until
/// the next tick.
#[tokio::test]
async fn a_rate_limited_page_of_events_is_waited_out() {
    let sim = stripe_sim().await;
    let stripe = client(&sim.stripe_api_url());
    subscribed(&sim, "vantar@example.se", "starter_monthly").await;
    let once = json!({"method": "GET", "path": "/stripe/v1/events", "status": 429, "times": 1});
    crate::common::fault(&sim, once).await;
    let read = stripe
        .events_since(&["customer.subscription.created"], 0)
        .await
        .expect("the poll waits the 429 out");
    assert_eq!(read.events.len(), 1, "{:?}", read.events);
    assert_eq!(read.requests, 2, "the refused page and its retry");
}

/// The subscription lists the simulator answered: their queries, in order.
async fn list_queries(sim: &SimHandle) -> Vec<String> {
    crate::common::get(sim, "/__sim/requests").await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/stripe/v1/subscriptions")
        .map(|r| r["query"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A server that answers every request with `body` (status 200), for `n` requests.
async fn answering(body: &'static str, n: usize) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        for _ in 0..n {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(k) => request.extend_from_slice(&buf[..k]),
                }
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(body.as_bytes()).await;
        }
    });
    url
}

#[tokio::test]
async fn odd_answers_are_skipped_or_refused_never_a_crash() {
    // Items without an id or customer are skipped; unknown fields and statuses are kept.
    let page = r#"{"object": "list", "has_more": false, "url": "/v1/subscriptions", "data": [
        {"id": "sub_ok", "customer": "cus_1", "status": "frozen", "brand_new_field": [1, 2],
         "items": {"data": [{"current_period_end": "soon", "price": {"id": "price_1"}}]},
         "latest_invoice": null},
        {"id": 5, "customer": "cus_2"},
        "sub_text",
        {"id": "sub_nocustomer"}
    ]}"#;
    let stripe = client(&answering(page, 1).await);
    let read = stripe.subscriptions("all").await.unwrap();
    assert_eq!(read.skipped, 3);
    let s = &read.subscriptions[0];
    assert_eq!((s.id.as_str(), s.status.as_str()), ("sub_ok", "frozen"));
    assert_eq!((s.current_period_end, &s.latest_invoice), (None, &None));
    // A page that is not a list, or not JSON, or a subscription without its fields: an error.
    for body in [r#"{"data": "nope"}"#, "<html>", r#"{"id": "sub_1"}"#, "[]"] {
        let stripe = client(&answering(body, 2).await);
        assert!(stripe.subscriptions("all").await.is_err(), "{body}");
        assert!(stripe.subscription("sub_1").await.is_err(), "{body}");
    }
    // `has_more` with an empty page stops instead of asking forever.
    let empty = r#"{"object": "list", "has_more": true, "data": []}"#;
    let read = client(&answering(empty, 1).await)
        .subscriptions("all")
        .await
        .unwrap();
    assert!(read.subscriptions.is_empty() && !read.truncated);
}
