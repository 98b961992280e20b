//! A subscription's year on the Stripe clock: renewals, a failed payment with its retries and
//! its recovery, retries spent ending `unpaid` or `canceled`, pause and resume, cancellation at
//! the period's end, and the subscriptions list. Every event's object is checked against the
//! spec, and against what it was at that moment.

use super::*;

/// Advances the Stripe clock; the events it played, oldest first.
async fn advance(sim: &SimHandle, seconds: i64) -> Vec<Value> {
    let (s, clock) = admin(sim, "clock", json!({ "advance_seconds": seconds })).await;
    assert_eq!(s, 200, "{clock}");
    clock["played"].as_array().unwrap().clone()
}

/// Advances the Stripe clock to `t` (unix seconds); the events it played.
async fn advance_to(sim: &SimHandle, t: i64) -> Vec<Value> {
    let clock = sim_get(sim, "inventory").await["stripe"]["clock"]
        .as_i64()
        .unwrap();
    advance(sim, t - clock).await
}

/// A Dashboard subscription, active and paid: (subscription id, customer id).
async fn subscribed(sim: &SimHandle, email: &str) -> (String, String) {
    let (s, made) = admin(sim, "subscriptions", json!({ "email": email })).await;
    assert_eq!(s, 201, "{made}");
    (
        made["subscription"].as_str().unwrap().to_string(),
        made["customer"].as_str().unwrap().to_string(),
    )
}

fn kinds(played: &[Value]) -> Vec<String> {
    played
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

/// The event with this id as the Events API answers it, its object checked against the spec.
async fn event(sim: &SimHandle, id: &Value) -> Value {
    let (s, e) = get(sim, &format!("/v1/events/{}", id.as_str().unwrap())).await;
    assert_eq!(s, 200, "{e}");
    assert_event_object(&e);
    e
}

async fn subscription(sim: &SimHandle, id: &str) -> Value {
    let (s, sub) = get(
        sim,
        &format!("/v1/subscriptions/{id}?expand[]=latest_invoice"),
    )
    .await;
    assert_eq!(s, 200, "{sub}");
    assert_response(
        Spec::Stripe,
        "GET",
        "/v1/subscriptions/{subscription_exposed_id}",
        200,
        &sub,
    );
    sub
}

fn period_end(sub: &Value) -> i64 {
    sub["items"]["data"][0]["current_period_end"]
        .as_i64()
        .unwrap()
}

const RENEWED: [&str; 5] = [
    "customer.subscription.updated",
    "invoice.created",
    "invoice.finalized",
    "invoice.paid",
    "invoice.payment_succeeded",
];
const RENEWAL_FAILED: [&str; 5] = [
    "customer.subscription.updated",
    "invoice.created",
    "invoice.finalized",
    "invoice.payment_failed",
    "customer.subscription.updated",
];

#[tokio::test]
async fn a_year_renews_at_each_periods_end_with_each_event_at_its_moment() {
    let sim = stripe_sim().await;
    let (sub, _) = subscribed(&sim, "year@example.se").await;
    let first_end = period_end(&subscription(&sim, &sub).await);
    // 360 days hold exactly 11 month ends whatever the start (11 months are 334–337 days).
    let played = advance(&sim, 360 * DAY).await;
    let want: Vec<&str> = (0..11).flat_map(|_| RENEWED).collect();
    assert_eq!(kinds(&played), want);
    let times: Vec<i64> = played
        .iter()
        .map(|e| e["created"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert_eq!(times[0], first_end);
    // Each renewal's event carries the period as it was then, not as it is at the end.
    let mut end = first_end;
    for n in 0..11 {
        let updated = &played[n * 5];
        assert_event_object(updated);
        let obj = &updated["data"]["object"];
        assert_eq!(updated["created"], end);
        assert_eq!(obj["items"]["data"][0]["current_period_start"], end);
        let paid = &played[n * 5 + 3];
        assert_event_object(paid);
        let inv = &paid["data"]["object"];
        assert_eq!(
            (inv["billing_reason"].as_str(), inv["status"].as_str()),
            (Some("subscription_cycle"), Some("paid"))
        );
        assert_eq!(inv["attempt_count"], 1);
        assert_eq!(inv["lines"]["data"][0]["period"]["start"], end);
        end = period_end(obj);
    }
    let now = subscription(&sim, &sub).await;
    assert_eq!(now["status"], "active");
    assert_eq!(period_end(&now), end);
    assert_eq!(now["latest_invoice"]["status"], "paid");
    // One step or many: a second walk of the same span in 30-day steps plays the same.
    let sim2 = stripe_sim().await;
    let (sub2, _) = subscribed(&sim2, "steps@example.se").await;
    let mut steps = Vec::new();
    for _ in 0..12 {
        steps.extend(advance(&sim2, 30 * DAY).await);
    }
    assert_eq!(kinds(&steps), want);
    assert_eq!(subscription(&sim2, &sub2).await["status"], "active");
}

#[tokio::test]
async fn a_failed_renewal_is_retried_on_schedule_and_recovers_when_the_card_is_fixed() {
    let sim = stripe_sim().await;
    let (sub, cus) = subscribed(&sim, "dunning@example.se").await;
    let end = period_end(&subscription(&sim, &sub).await);
    let (s, _) = admin(
        &sim,
        &format!("customers/{cus}/card"),
        json!({"failing": true}),
    )
    .await;
    assert_eq!(s, 200);
    let played = advance_to(&sim, end + 3_600).await;
    assert_eq!(kinds(&played), RENEWAL_FAILED);
    let failed = event(&sim, &played[3]["id"]).await;
    let inv = &failed["data"]["object"];
    // 8 tries in 14 days: the first at the period's end, then one every 2 days.
    assert_eq!(
        (inv["attempt_count"].as_i64(), inv["status"].as_str()),
        (Some(1), Some("open"))
    );
    assert_eq!(inv["next_payment_attempt"], end + 2 * DAY);
    let past_due = event(&sim, &played[4]["id"]).await;
    assert_eq!(past_due["data"]["object"]["status"], "past_due");
    assert_eq!(past_due["data"]["previous_attributes"]["status"], "active");
    let now = subscription(&sim, &sub).await;
    assert_eq!(now["status"], "past_due");
    assert_eq!(now["latest_invoice"]["attempt_count"], 1);
    // Why: not in the invoice (`payments` is includable), nor in five levels from the
    // subscription (Stripe expands four); on the invoice's PaymentIntent when asked for.
    assert!(now["latest_invoice"].get("payments").is_none(), "{now}");
    assert!(inv.get("payments").is_none(), "{inv}");
    let (s, deep) = get(
        &sim,
        &format!(
            "/v1/subscriptions/{sub}?expand[]=latest_invoice.payments.data.payment.payment_intent"
        ),
    )
    .await;
    assert_eq!(s, 400, "{deep}");
    let inv_id = inv["id"].as_str().unwrap();
    let path = "/v1/invoices/{invoice}";
    let (s, read) = get(
        &sim,
        &format!("/v1/invoices/{inv_id}?expand[]=payments.data.payment.payment_intent"),
    )
    .await;
    assert_eq!(s, 200, "{read}");
    assert_response(Spec::Stripe, "GET", path, 200, &read);
    let payments = read["payments"]["data"].as_array().unwrap();
    assert_eq!(payments.len(), 1, "one PaymentIntent an invoice: {read}");
    let error = &payments[0]["payment"]["payment_intent"]["last_payment_error"];
    assert_eq!(
        (error["code"].as_str(), error["decline_code"].as_str()),
        (Some("card_declined"), Some("generic_decline"))
    );

    // Two more retries fail, each event with its own count and next attempt.
    let played = advance_to(&sim, end + 4 * DAY + 3_600).await;
    assert_eq!(
        kinds(&played),
        ["invoice.payment_failed", "invoice.payment_failed"]
    );
    for (n, e) in played.iter().enumerate() {
        let obj = event(&sim, &e["id"]).await["data"]["object"].clone();
        let count = n as i64 + 2;
        assert_eq!(obj["attempt_count"], count);
        assert_eq!(obj["next_payment_attempt"], end + (count) * 2 * DAY);
        assert_eq!(e["created"], end + (count - 1) * 2 * DAY);
    }

    // The card is fixed: the next retry pays and the subscription is active again.
    admin(
        &sim,
        &format!("customers/{cus}/card"),
        json!({"failing": false}),
    )
    .await;
    let played = advance_to(&sim, end + 6 * DAY + 3_600).await;
    assert_eq!(
        kinds(&played),
        [&PAID[..], &["customer.subscription.updated"]].concat()
    );
    let now = subscription(&sim, &sub).await;
    assert_eq!(now["status"], "active");
    let inv = &now["latest_invoice"];
    assert_eq!(
        (
            inv["status"].as_str(),
            inv["attempt_count"].as_i64(),
            &inv["next_payment_attempt"]
        ),
        (Some("paid"), Some(4), &Value::Null)
    );
    let inv_id = inv["id"].as_str().unwrap();
    let (_, read) = get(
        &sim,
        &format!("/v1/invoices/{inv_id}?expand[]=payments.data.payment.payment_intent"),
    )
    .await;
    let payment = &read["payments"]["data"][0];
    assert_eq!(payment["status"], "paid");
    assert_eq!(payment["payment"]["payment_intent"]["status"], "succeeded");
    // The next period renews as usual.
    let next = period_end(&now);
    assert_eq!(kinds(&advance_to(&sim, next + 3_600).await), RENEWED);
}

#[tokio::test]
async fn spent_retries_end_unpaid_or_canceled_as_the_account_says() {
    let sim = stripe_sim().await;
    let (s, set) = admin(&sim, "settings", json!({"after_retries": "unpaid"})).await;
    assert_eq!((s, set["retry_tries"].as_i64()), (200, Some(8)), "{set}");
    let (s, _) = admin(&sim, "settings", json!({"after_retries": "never"})).await;
    assert_eq!(s, 400);
    let (sub, cus) = subscribed(&sim, "unpaid@example.se").await;
    admin(
        &sim,
        &format!("customers/{cus}/card"),
        json!({"failing": true}),
    )
    .await;
    let played = advance(&sim, 31 * DAY + 15 * DAY).await;
    let failures = played
        .iter()
        .filter(|e| e["type"] == "invoice.payment_failed")
        .count();
    assert_eq!(failures, 8);
    let last = event(&sim, &played[played.len() - 2]["id"]).await;
    assert_eq!(last["type"], "invoice.payment_failed");
    assert_eq!(
        (
            last["data"]["object"]["attempt_count"].as_i64(),
            &last["data"]["object"]["next_payment_attempt"]
        ),
        (Some(8), &Value::Null)
    );
    let unpaid = event(&sim, &played[played.len() - 1]["id"]).await;
    assert_eq!(unpaid["type"], "customer.subscription.updated");
    assert_eq!(unpaid["data"]["object"]["status"], "unpaid");
    // Unpaid: no more renewals are attempted while it stays so.
    assert!(advance(&sim, 40 * DAY).await.is_empty());
    // The customer pays by hand with a new card: active again.
    admin(
        &sim,
        &format!("customers/{cus}/card"),
        json!({"failing": false}),
    )
    .await;
    let inv = subscription(&sim, &sub).await["latest_invoice"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, paid) = admin(&sim, &format!("invoices/{inv}/pay"), json!({})).await;
    assert_eq!(s, 200, "{paid}");
    assert_eq!(
        emitted(&paid["events"]),
        [&PAID[..], &["customer.subscription.updated"]].concat()
    );
    let now = subscription(&sim, &sub).await;
    assert_eq!(now["status"], "active");
    assert_eq!(now["latest_invoice"]["attempt_count"], 8);
    let (s, _) = admin(&sim, &format!("invoices/{inv}/pay"), json!({})).await;
    assert_eq!(s, 409);

    // The default: canceled, and only `status=canceled` (or all) lists it then.
    admin(&sim, "settings", json!({"after_retries": "canceled"})).await;
    let (gone, cus2) = subscribed(&sim, "canceled@example.se").await;
    admin(
        &sim,
        &format!("customers/{cus2}/card"),
        json!({"failing": true}),
    )
    .await;
    let played = advance(&sim, 31 * DAY + 15 * DAY).await;
    let deleted = played
        .iter()
        .find(|e| e["type"] == "customer.subscription.deleted")
        .unwrap();
    let obj = event(&sim, &deleted["id"]).await["data"]["object"].clone();
    assert_eq!(obj["status"], "canceled");
    assert_eq!(obj["cancellation_details"]["reason"], "payment_failed");
    let (_, open) = get(&sim, "/v1/subscriptions").await;
    assert!(!ids(&open).contains(&gone), "{open}");
    let (_, canceled) = get(&sim, "/v1/subscriptions?status=canceled").await;
    assert_eq!(ids(&canceled), [gone]);
}

#[tokio::test]
async fn a_paused_subscription_does_not_renew_and_resumes_with_a_new_period() {
    let sim = stripe_sim().await;
    let (sub, _) = subscribed(&sim, "pause@example.se").await;
    let (s, paused) = admin(&sim, &format!("subscriptions/{sub}/pause"), json!({})).await;
    assert_eq!(s, 200, "{paused}");
    assert_eq!(emitted(&paused["events"]), ["customer.subscription.paused"]);
    let e = event(&sim, &paused["events"][0]["id"]).await;
    assert_eq!(e["data"]["object"]["status"], "paused");
    assert_eq!(e["data"]["previous_attributes"]["status"], "active");
    assert!(advance(&sim, 60 * DAY).await.is_empty());
    let (s, _) = admin(&sim, &format!("subscriptions/{sub}/pause"), json!({})).await;
    assert_eq!(s, 409);
    let (s, resumed) = admin(&sim, &format!("subscriptions/{sub}/resume"), json!({})).await;
    assert_eq!(s, 200, "{resumed}");
    assert_eq!(
        emitted(&resumed["events"]),
        [
            "customer.subscription.resumed",
            "customer.subscription.updated",
            "invoice.created",
            "invoice.finalized",
            "invoice.paid",
            "invoice.payment_succeeded"
        ]
    );
    let e = event(&sim, &resumed["events"][0]["id"]).await;
    let at = e["created"].as_i64().unwrap();
    let now = subscription(&sim, &sub).await;
    assert_eq!(now["status"], "active");
    assert_eq!(now["items"]["data"][0]["current_period_start"], at);
    let (s, _) = admin(&sim, &format!("subscriptions/{sub}/resume"), json!({})).await;
    assert_eq!(s, 409);
}

#[tokio::test]
async fn canceled_at_the_periods_end_it_is_deleted_when_the_period_ends() {
    let sim = stripe_sim().await;
    let (sub, _) = subscribed(&sim, "leaving@example.se").await;
    let end = period_end(&subscription(&sim, &sub).await);
    let (s, set) = admin(
        &sim,
        &format!("subscriptions/{sub}/cancel_at_period_end"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{set}");
    let e = event(&sim, &set["events"][0]["id"]).await;
    assert_eq!(e["type"], "customer.subscription.updated");
    let obj = &e["data"]["object"];
    assert_eq!(
        (
            &obj["cancel_at_period_end"],
            &obj["cancel_at"],
            &obj["status"]
        ),
        (&json!(true), &json!(end), &json!("active"))
    );
    assert_eq!(
        e["data"]["previous_attributes"]["cancel_at_period_end"],
        false
    );
    let (_, listed) = get(&sim, "/v1/subscriptions").await;
    assert_eq!(listed["data"][0]["cancel_at_period_end"], true);
    let now = advance(&sim, 0).await;
    assert!(now.is_empty());
    assert!(advance_to(&sim, end - 60).await.is_empty());
    let played = advance(&sim, 120).await;
    assert_eq!(kinds(&played), ["customer.subscription.deleted"]);
    let gone = event(&sim, &played[0]["id"]).await;
    assert_eq!(gone["created"], end);
    assert_eq!(gone["data"]["object"]["status"], "canceled");
    assert_eq!(gone["data"]["object"]["ended_at"], end);
    assert!(advance(&sim, 60 * DAY).await.is_empty());
}

#[tokio::test]
async fn subscriptions_list_pages_and_filters_as_the_spec_says() {
    let sim = stripe_sim().await;
    let mut made = Vec::new();
    for n in 0..3 {
        made.push(subscribed(&sim, &format!("list{n}@example.se")).await);
    }
    let (s, _) = admin(
        &sim,
        &format!("subscriptions/{}/pause", made[1].0),
        json!({}),
    )
    .await;
    assert_eq!(s, 200);
    let path = "/v1/subscriptions";
    let (s, all) = get(&sim, path).await;
    assert_eq!(s, 200, "{all}");
    assert_response(Spec::Stripe, "GET", path, 200, &all);
    let newest_first: Vec<String> = made.iter().rev().map(|(s, _)| s.clone()).collect();
    assert_eq!(ids(&all), newest_first);
    let (_, first) = get(&sim, "/v1/subscriptions?limit=2").await;
    assert_eq!((ids(&first).len(), &first["has_more"]), (2, &json!(true)));
    let (_, rest) = get(
        &sim,
        &format!(
            "/v1/subscriptions?limit=2&starting_after={}",
            ids(&first)[1]
        ),
    )
    .await;
    assert_eq!(
        (ids(&rest), &rest["has_more"]),
        (vec![made[0].0.clone()], &json!(false))
    );
    let (_, paused) = get(&sim, "/v1/subscriptions?status=paused").await;
    assert_eq!(ids(&paused), [made[1].0.clone()]);
    let (_, mine) = get(&sim, &format!("/v1/subscriptions?customer={}", made[2].1)).await;
    assert_eq!(ids(&mine), [made[2].0.clone()]);
    let (_, expanded) = get(
        &sim,
        "/v1/subscriptions?expand[]=data.latest_invoice&limit=1",
    )
    .await;
    assert_response(Spec::Stripe, "GET", path, 200, &expanded);
    assert_eq!(expanded["data"][0]["latest_invoice"]["object"], "invoice");
    refused(
        &sim,
        "/v1/subscriptions?status=sleeping",
        400,
        None,
        Some("status"),
    )
    .await;
    refused(
        &sim,
        "/v1/subscriptions?colour=red",
        400,
        Some("parameter_unknown"),
        None,
    )
    .await;
    refused(
        &sim,
        "/v1/subscriptions?starting_after=sub_nope",
        404,
        MISSING,
        None,
    )
    .await;
}
