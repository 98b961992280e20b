//! Stripe's events as the inbox reads them: they come twice, out of order and to two seats
//! at once and provision once; on its own only what was paid, for a mapped price, a few a day.

use super::*;
use fabrik::requests::IntakeRows;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_payments_twice_out_of_order_and_from_two_seats_provision_once() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let base = s.cloud.sandbox.as_ref().unwrap().base_url().to_string();
    let paid_at = std::time::Instant::now();
    let first = checkout(
        &s,
        json!({"email": "ada@betalt.se", "company": "Betalt Ett AB"}),
    )
    .await;
    let (a, b) = two_seats(&s);
    // The owner's choice: paid → provision, and the price the checkout sold → enterprise
    // (the price read from the account, as the guide lists it).
    let (starter, _) = seeded_prices(&s).await;
    a.set_source(
        IntakeSource::Stripe,
        choices(true, &[(&starter, Plan::Enterprise)]),
    )
    .await
    .unwrap();
    let host = Arc::new(Host::default());
    // Two seats poll at once: each event is taken once, the request approved once.
    let (ra, rb) = tokio::join!(a.poll(host.clone()), b.poll(host.clone()));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.new_requests + rb.new_requests, 1, "{ra:?} {rb:?}");
    assert_eq!(ra.approved.len() + rb.approved.len(), 1, "{ra:?} {rb:?}");
    let inbox = a.inbox().await.unwrap();
    assert_eq!(inbox.items.len(), 1);
    let item = &inbox.items[0];
    assert_eq!(item.source, IntakeSource::Stripe);
    assert_eq!(item.name, "Betalt Ett AB");
    assert_eq!(item.plan, Some(fabrik::customer::Plan::Enterprise));
    assert_eq!(
        item.external_id,
        first["subscription"]["id"]
            .as_str()
            .or(first["subscription"].as_str())
            .unwrap_or(&item.external_id)
    );
    assert_eq!(
        host.finished(item.run_id.unwrap()).await,
        RunState::Succeeded
    );
    // For the closing note (the sandbox's clock as `sandboxed` sets it), not a limit.
    eprintln!(
        "intake: paid checkout to a delivered instance ms={}",
        paid_at.elapsed().as_millis()
    );

    // An event that appears after newer ones were read (created a minute before the cursor),
    // and the same events read again: one new request, the rest seen before.
    let cursor = s
        .api
        .store()
        .intake_source(IntakeSource::Stripe)
        .unwrap()
        .cursor
        .unwrap();
    checkout(
        &s,
        json!({"email": "bea@sen.se", "company": "Sen Betalning AB", "created": cursor - 60}),
    )
    .await;
    let again = a.poll(host.clone()).await.unwrap();
    assert_eq!(again.new_requests, 1, "{again:?}");
    assert!(again.seen_before >= 1, "{again:?}");
    let repeat = b.poll(host.clone()).await.unwrap();
    assert_eq!(repeat.new_requests, 0, "{repeat:?}");
    let inbox = a.inbox().await.unwrap();
    assert_eq!(inbox.items.len(), 2);
    assert_eq!(
        s.api.list_customers(Default::default()).unwrap().rows.len(),
        2
    );
    // A poll with nothing new costs one request.
    let idle = a.poll(host.clone()).await.unwrap();
    assert_eq!((idle.new_requests, idle.requests), (0, 1), "{idle:?}");
    for item in &inbox.items {
        let _ = settled(&s.runs, item.slug.as_deref().unwrap()).await;
    }

    // Subscriptions cancelled in Stripe: the approved customer is shown as cancelled and
    // keeps everything (pause or teardown are the owner's); a request still pending (the
    // owner turned automatic provisioning off) is cancelled and makes no customer.
    a.set_source(IntakeSource::Stripe, choices(false, &[]))
        .await
        .unwrap();
    let third = checkout(&s, json!({"email": "cy@kort.se", "company": "Kort Tid AB"})).await;
    assert_eq!(a.poll(host.clone()).await.unwrap().new_requests, 1);
    for made in [&first, &third] {
        let sub = made["subscription"].as_str().unwrap();
        common::api(
            reqwest::Method::POST,
            format!("{base}/__sim/stripe/subscriptions/{sub}/cancel"),
            None,
        )
        .await;
    }
    let ended = b.poll(host.clone()).await.unwrap();
    assert_eq!(ended.cancelled, 2, "{ended:?}");
    let inbox = a.inbox().await.unwrap();
    let by_name = |n: &str| inbox.items.iter().find(|i| i.name == n).unwrap().clone();
    let (paid, short) = (by_name("Betalt Ett AB"), by_name("Kort Tid AB"));
    assert_eq!(paid.state, IntakeState::Approved);
    assert!(paid.cancelled_at.is_some());
    assert_eq!(short.state, IntakeState::Cancelled);
    assert!(short.slug.is_none());
    let customer = s.api.get_customer(paid.slug.clone().unwrap()).unwrap();
    assert!(customer.cancelled_at.is_some());
    assert_eq!(customer.status, fabrik::customer::Status::Active);
    let other = s
        .api
        .get_customer(by_name("Sen Betalning AB").slug.unwrap())
        .unwrap();
    assert!(other.cancelled_at.is_none());
    // Nothing left to approve: a cancelled request is decided.
    assert!(a.approve(short.id, None, host.clone()).await.is_err());
    assert_eq!(
        s.api.list_customers(Default::default()).unwrap().rows.len(),
        2
    );
}

/// Issue #55: what arrives from outside is provisioned on its own only when it was paid, for
/// a price the owner mapped, and a few a day. A free checkout (a trial) and one for a price
/// nobody mapped wait in the inbox; of the paid ones, two seats polling at once approve no
/// more than the day's limit, and the rest wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_input_provisions_on_its_own_only_when_paid_mapped_and_under_the_days_limit() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let (starter, professional) = seeded_prices(&s).await;
    let (a, b) = two_seats(&s);
    // Until the owner says otherwise, a source approves a few a day on its own.
    let first = a.inbox().await.unwrap();
    let stripe = |inbox: &fabrik::intake::Inbox| {
        inbox
            .sources
            .iter()
            .find(|v| v.state.source == IntakeSource::Stripe)
            .unwrap()
            .state
            .clone()
    };
    assert_eq!(stripe(&first).daily_limit, 3);
    let mut owner = choices(true, &[(&starter, Plan::Professional)]);
    owner.daily_limit = 1;
    a.set_source(IntakeSource::Stripe, owner.clone())
        .await
        .unwrap();
    checkout(
        &s,
        json!({"email": "gratis@prov.se", "company": "Gratis AB", "trial": true}),
    )
    .await;
    checkout(
        &s,
        json!({"email": "om@mappad.se", "company": "Omappad AB", "price": professional}),
    )
    .await;
    for n in 0..2 {
        checkout(
            &s,
            json!({"email": format!("k{n}@betalt.se"), "company": format!("Betald {n} AB")}),
        )
        .await;
    }
    let host = Arc::new(Host::default());
    // Two seats poll at once: together they approve the day's one.
    let (ra, rb) = tokio::join!(a.poll(host.clone()), b.poll(host.clone()));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.new_requests + rb.new_requests, 4, "{ra:?} {rb:?}");
    assert_eq!(
        ra.approved.len() + rb.approved.len(),
        1,
        "the day's limit: {ra:?} {rb:?}"
    );
    let inbox = a.inbox().await.unwrap();
    let by_name = |inbox: &fabrik::intake::Inbox, n: &str| {
        inbox.items.iter().find(|i| i.name == n).unwrap().clone()
    };
    let waits = |inbox: &fabrik::intake::Inbox, n: &str| {
        let item = by_name(inbox, n);
        assert_eq!(item.state, IntakeState::Pending, "{n}");
        item.waiting.map(|w| w.en).unwrap_or_default()
    };
    assert!(
        waits(&inbox, "Gratis AB").contains("Nothing was paid"),
        "a trial is not paid"
    );
    let unmapped = waits(&inbox, "Omappad AB");
    assert!(
        unmapped.contains(&professional) && unmapped.contains("not mapped to a plan"),
        "{unmapped}"
    );
    assert_eq!(
        by_name(&inbox, "Omappad AB").plan,
        None,
        "never starter by default"
    );
    let paid: Vec<_> = ["Betald 0 AB", "Betald 1 AB"]
        .iter()
        .map(|n| by_name(&inbox, n))
        .collect();
    let approved = paid
        .iter()
        .find(|i| i.state == IntakeState::Approved)
        .unwrap();
    assert!(approved.automatic);
    assert_eq!(approved.plan, Some(Plan::Professional));
    let held = paid
        .iter()
        .find(|i| i.state == IntakeState::Pending)
        .unwrap();
    assert!(
        held.waiting
            .as_ref()
            .unwrap()
            .en
            .contains("limit of automatic approvals"),
        "{held:?}"
    );
    assert_eq!(stripe(&inbox).automatic_today, 1);
    // The unattended tick's poll approves no more either.
    let again = b.poll(host.clone()).await.unwrap();
    assert!(again.approved.is_empty(), "{again:?}");

    // A person approves the unmapped one only by choosing its plan.
    let omappad = by_name(&inbox, "Omappad AB").id;
    let refused = a.approve(omappad, None, host.clone()).await.unwrap_err();
    assert!(refused.message.contains("Välj en plan"), "{refused:?}");
    let chosen = a
        .approve(omappad, Some(Plan::Enterprise), host.clone())
        .await
        .unwrap();
    assert!(!chosen.automatic);
    assert_eq!(
        s.api
            .get_customer(chosen.slug.clone().unwrap())
            .unwrap()
            .plan,
        Plan::Enterprise
    );

    // The owner marks the price's free checkouts as trials and raises the limit: the trial and
    // the paid one that waited are approved on their own.
    owner.trials = vec![starter.clone()];
    owner.daily_limit = 3;
    a.set_source(IntakeSource::Stripe, owner).await.unwrap();
    let later = a.poll(host.clone()).await.unwrap();
    assert_eq!(later.approved.len(), 2, "{later:?}");
    let inbox = a.inbox().await.unwrap();
    assert_eq!(by_name(&inbox, "Gratis AB").state, IntakeState::Approved);
    assert_eq!(stripe(&inbox).automatic_today, 3);
    for item in inbox.items.iter().filter(|i| i.slug.is_some()) {
        let _ = settled(&s.runs, item.slug.as_deref().unwrap()).await;
    }
    assert_eq!(
        s.api.list_customers(Default::default()).unwrap().rows.len(),
        4
    );
}
