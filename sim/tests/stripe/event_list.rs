//! How the list of events reads: pages, filters, an event that lands late, and the 30 days
//! Stripe keeps an event.

use super::*;

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
    // Unpaid, so it stays `incomplete` and no renewal at the month's end adds events.
    let (_, made) = admin(
        &sim,
        "checkout",
        json!({"email": "gone@example.se", "paid": false}),
    )
    .await;
    let id = made["events"][0]["id"].as_str().unwrap();
    let (s, clock) = admin(&sim, "clock", json!({"advance_seconds": 29 * DAY})).await;
    assert_eq!(s, 200, "{clock}");
    assert_eq!(
        events(&sim, "limit=100").await["data"]
            .as_array()
            .unwrap()
            .len(),
        5
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
