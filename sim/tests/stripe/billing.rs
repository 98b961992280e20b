//! What a subscription's life emits and the objects it reads: line items, renewals,
//! cancellations, delayed payments, and the prices.

use super::*;

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

/// `GetSubscriptions`: newest first, by customer, price and status; the canceled ones only
/// when asked for (issue #57: what each customer pays).
#[tokio::test]
async fn subscriptions_are_listed_by_customer_price_and_status() {
    let sim = stripe_sim().await;
    let seed = sim.seed();
    let (_, a) = admin(&sim, "subscriptions", json!({"email": "a@kund.se"})).await;
    let (_, b) = admin(
        &sim,
        "subscriptions",
        json!({"email": "b@kund.se", "price": "professional_monthly"}),
    )
    .await;
    let (sub_a, sub_b) = (
        a["subscription"].as_str().unwrap(),
        b["subscription"].as_str().unwrap(),
    );
    let (s, all) = get(&sim, "/v1/subscriptions").await;
    assert_eq!(s, 200, "{all}");
    assert_response(Spec::Stripe, "GET", "/v1/subscriptions", 200, &all);
    assert_eq!(ids(&all), vec![sub_b.to_string(), sub_a.to_string()]);
    let customer = a["customer"].as_str().unwrap();
    let (_, mine) = get(&sim, &format!("/v1/subscriptions?customer={customer}")).await;
    assert_eq!(ids(&mine), vec![sub_a.to_string()]);
    let price = &seed.stripe_professional_price_id;
    let (_, by_price) = get(&sim, &format!("/v1/subscriptions?price={price}")).await;
    assert_eq!(ids(&by_price), vec![sub_b.to_string()]);
    admin(&sim, &format!("subscriptions/{sub_a}/cancel"), json!({})).await;
    let (_, open) = get(&sim, "/v1/subscriptions").await;
    assert_eq!(
        ids(&open),
        vec![sub_b.to_string()],
        "canceled ones only when asked"
    );
    let (_, canceled) = get(&sim, "/v1/subscriptions?status=canceled&limit=1").await;
    assert_response(Spec::Stripe, "GET", "/v1/subscriptions", 200, &canceled);
    assert_eq!(ids(&canceled), vec![sub_a.to_string()]);
    let (s, bad) = get(&sim, "/v1/subscriptions?colour=blue").await;
    assert_eq!(s, 400, "{bad}");
    sim.shutdown().await;
}
