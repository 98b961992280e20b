//! Reconciliation against the simulated Stripe account (issue #58): subscriptions in several
//! states, compared with the register's customers, each difference found with its offer; and
//! after a 45-day gap, when Stripe's events of what happened are gone, the list still says it.

use std::time::Duration;

use fabrik::billing::drift::{DriftKind, DriftOffer};
use fabrik::billing::link::SUBSCRIPTIONS_SETTING;
use fabrik::billing::reconcile::reconcile;
use fabrik::customer::{Plan, Status};
use fabrik::providers::stripe::{Stripe, EVENT_DAYS};
use fabrik::requests::{IntakeChoices, IntakeSource};
use fabrik::secrets::Secret;
use fabrik::services::billing::BillingApi;
use fabrik::store::Store;
use fabrik_sim::{SimConfig, SimHandle, Tokens};
use serde_json::json;

use crate::common::TOKEN;
use crate::stripe_client::{admin, subscribed};
use fabrik::billing::rows::BillingRows;
use fabrik::customer::rows::CustomerRows;
use fabrik::requests::IntakeRows;

const DAY: i64 = 86_400;

fn delivered(store: &Store, name: &str, plan: Plan, status: Status) -> String {
    crate::common::delivered(store, name, plan, store.environment(), status)
}

struct World {
    sim: SimHandle,
    stripe: Stripe,
    store: std::sync::Arc<Store>,
}

async fn world() -> World {
    let sim = fabrik_sim::start(SimConfig {
        tokens: Tokens::single(TOKEN),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let stripe = Stripe::new(
        &sim.stripe_api_url(),
        Secret::new(TOKEN),
        Duration::from_secs(10),
    );
    let store = std::sync::Arc::new(crate::common::test_store());
    // The owner's map, by product: what the inbox gives a request is what the drift compares.
    let plans = [
        (sim.seed().stripe_starter_product_id.clone(), Plan::Starter),
        (
            sim.seed().stripe_professional_product_id.clone(),
            Plan::Professional,
        ),
    ];
    store
        .set_intake_source(
            IntakeSource::Stripe,
            &IntakeChoices {
                plans: plans.into_iter().collect(),
                daily_limit: 3,
                ..IntakeChoices::default()
            },
        )
        .unwrap();
    World { sim, stripe, store }
}

fn kinds_of(found: &fabrik::billing::reconcile::Reconciled, slug: &str) -> Vec<DriftKind> {
    found
        .findings
        .iter()
        .filter(|f| f.slug == slug)
        .map(|f| f.kind)
        .collect()
}

#[tokio::test]
async fn each_difference_between_stripe_and_the_register_is_found_with_its_offer() {
    let w = world().await;
    let (ended, _) = subscribed(&w.sim, "slut@example.se", "starter_monthly").await;
    let (paying, _) = subscribed(&w.sim, "betalar@example.se", "starter_monthly").await;
    let (upgraded, _) = subscribed(&w.sim, "pro@example.se", "professional_monthly").await;
    let (_, by_customer) = subscribed(&w.sim, "kund@example.se", "starter_monthly").await;
    let (stray, _) = subscribed(&w.sim, "ingen@example.se", "starter_monthly").await;
    admin(&w.sim, &format!("subscriptions/{ended}/cancel"), json!({})).await;

    let a = delivered(&w.store, "Slut AB", Plan::Starter, Status::Active);
    let b = delivered(&w.store, "Betalar AB", Plan::Starter, Status::Inactive);
    let c = delivered(&w.store, "Pro AB", Plan::Starter, Status::Active);
    let d = delivered(&w.store, "Kund AB", Plan::Starter, Status::Active);
    let e = delivered(&w.store, "Olänkad AB", Plan::Starter, Status::Active);
    let f = delivered(&w.store, "Borta AB", Plan::Starter, Status::Active);
    w.store
        .set_setting(
            SUBSCRIPTIONS_SETTING,
            &format!("{a}={ended}, {b}={paying} {c}={upgraded} {d}={by_customer} {f}=sub_gone"),
        )
        .unwrap();

    // Before any read the register knows only who has no link at all: a link not read yet
    // is no drift.
    let billing = BillingApi::new(w.store.clone());
    let before = billing.column().unwrap();
    let slugs: Vec<&str> = before.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(slugs, [e.as_str()]);

    let found = reconcile(w.store.clone(), &w.stripe).await.unwrap();
    assert_eq!(found.subscriptions, 5);
    assert_eq!(found.customers, 6);
    assert!(found.problems.is_empty(), "{:?}", found.problems);
    assert_eq!(kinds_of(&found, &a), [DriftKind::CancelledRunning]);
    assert_eq!(kinds_of(&found, &b), [DriftKind::PayingPaused]);
    assert_eq!(kinds_of(&found, &c), [DriftKind::PlanDiffers]);
    assert_eq!(
        kinds_of(&found, &d),
        Vec::<DriftKind>::new(),
        "linked by its Stripe customer"
    );
    assert_eq!(kinds_of(&found, &e), [DriftKind::NoSubscription]);
    assert_eq!(kinds_of(&found, &f), [DriftKind::NoSubscription]);
    let plan_change = found.findings.iter().find(|x| x.slug == c).unwrap();
    assert_eq!(
        plan_change.offers,
        [DriftOffer::ChangePlan {
            plan: Plan::Professional
        }]
    );
    assert!(found
        .findings
        .iter()
        .find(|x| x.slug == f)
        .unwrap()
        .message
        .sv
        .contains("sub_gone"));
    // The subscription beside each linked instance, with the plan its price maps to.
    assert_eq!(found.linked[&d].plan, Some(Plan::Starter));
    assert_eq!(found.linked[&c].plan, Some(Plan::Professional));
    assert_eq!(found.linked[&a].status, "canceled");
    assert_eq!(found.linked.len(), 4);
    // Paid for, and nobody's.
    let unlinked: Vec<&str> = found
        .unlinked
        .iter()
        .map(|u| u.subscription.as_str())
        .collect();
    assert_eq!(unlinked, [stray.as_str()]);

    // What was read is kept: the page and the column read it from the register after.
    let cells = billing.column().unwrap();
    let cell = |s: &str| cells.iter().find(|c| c.slug == s).unwrap().clone();
    assert_eq!(
        (cell(&a).status.as_deref(), cell(&a).findings),
        (Some("canceled"), 1)
    );
    assert_eq!(
        (cell(&b).status.as_deref(), cell(&b).findings),
        (Some("active"), 1)
    );
    assert_eq!((cell(&e).status, cell(&e).findings), (None, 1));
    assert_eq!(cell(&d).next_payment, found.linked[&d].next_payment);
    let page = billing.customer(&b).unwrap();
    assert_eq!(page.link.as_deref(), Some(paying.as_str()));
    assert_eq!(page.subscription.unwrap().id, paying);
    let kinds: Vec<DriftKind> = page.findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [DriftKind::PayingPaused]);
}

#[tokio::test]
async fn after_a_45_day_gap_the_list_says_what_the_events_no_longer_do() {
    let w = world().await;
    let (failing, cus) = subscribed(&w.sim, "kort@example.se", "starter_monthly").await;
    let (ended, _) = subscribed(&w.sim, "slut@example.se", "starter_monthly").await;
    let (paused, _) = subscribed(&w.sim, "paus@example.se", "starter_monthly").await;
    let x = delivered(&w.store, "Kort AB", Plan::Starter, Status::Active);
    let y = delivered(&w.store, "Slut AB", Plan::Starter, Status::Active);
    let z = delivered(&w.store, "Paus AB", Plan::Starter, Status::Inactive);
    w.store
        .set_setting(
            SUBSCRIPTIONS_SETTING,
            &format!("{x}={failing} {y}={ended} {z}={paused}"),
        )
        .unwrap();
    let before = reconcile(w.store.clone(), &w.stripe).await.unwrap();
    assert_eq!(kinds_of(&before, &z), [DriftKind::PayingPaused]);
    assert!(kinds_of(&before, &x).is_empty() && kinds_of(&before, &y).is_empty());

    // The laptop is off: the card fails at the renewal and Smart Retries give up (canceled),
    // another customer cancels, the paused one is paused in Stripe too. Then 45 days pass.
    admin(
        &w.sim,
        &format!("customers/{cus}/card"),
        json!({"failing": true}),
    )
    .await;
    admin(&w.sim, &format!("subscriptions/{ended}/cancel"), json!({})).await;
    admin(&w.sim, &format!("subscriptions/{paused}/pause"), json!({})).await;
    admin(&w.sim, "clock", json!({"advance_seconds": 45 * DAY})).await;

    // The cancellation's event is older than Stripe keeps: the inbox cannot read it any more.
    let now = admin(&w.sim, "clock", json!({"advance_seconds": 0})).await["now"]
        .as_i64()
        .unwrap();
    let events = w
        .stripe
        .events_since(&["customer.subscription.deleted"], now - EVENT_DAYS * DAY)
        .await
        .unwrap();
    assert!(
        !events
            .events
            .iter()
            .any(|e| e.data.object["id"] == ended.as_str()),
        "the event outlived Stripe's 30 days"
    );

    let after = reconcile(w.store.clone(), &w.stripe).await.unwrap();
    assert_eq!(kinds_of(&after, &y), [DriftKind::CancelledRunning]);
    assert_eq!(kinds_of(&after, &x), [DriftKind::CancelledRunning]);
    let card = &after.linked[&x];
    assert_eq!(card.status, "canceled");
    assert!(
        card.attempt_count > 1,
        "Smart Retries tried again: {card:?}"
    );
    assert!(
        kinds_of(&after, &z).is_empty(),
        "paused in Stripe and here: no drift"
    );
    // Shown, not acted on: the register is as it was.
    for slug in [&x, &y] {
        assert_eq!(w.store.get_customer(slug).unwrap().status, Status::Active);
    }
}

/// A decision the tick offers waits on the customer's page until a person settles it, once.
#[test]
fn a_waiting_decision_is_shown_until_a_person_settles_it_once() {
    use fabrik::billing::rows::{DecisionState, NewDecision, Step, Transition};
    let store = std::sync::Arc::new(crate::common::test_store());
    let slug = delivered(&store, "Väntar AB", Plan::Starter, Status::Active);
    let c = store.get_customer(&slug).unwrap();
    let new = |transition| NewDecision {
        customer_id: c.id,
        environment: store.environment(),
        subscription: "sub_1".into(),
        transition,
        step: Step::Offer,
        episode: "2026-11-01T00:00:00Z".into(),
        event_id: Some("evt_1".into()),
        state: DecisionState::Waiting,
        note: None,
    };
    let paused = store
        .add_billing_decision(&new(Transition::PaymentFailed))
        .unwrap()
        .unwrap();
    let ended = store
        .add_billing_decision(&new(Transition::PeriodEnded))
        .unwrap()
        .unwrap();
    let billing = BillingApi::new(store.clone());
    let waiting = |b: &BillingApi| -> Vec<i64> {
        b.customer(&slug)
            .unwrap()
            .waiting
            .iter()
            .map(|d| d.id)
            .collect()
    };
    assert_eq!(waiting(&billing), [ended, paused]);
    let cell = billing.column().unwrap();
    assert_eq!(cell.iter().find(|x| x.slug == slug).unwrap().waiting, 2);

    assert!(billing.settle(paused, false).unwrap(), "done by hand");
    assert!(billing.settle(ended, true).unwrap(), "dismissed");
    assert!(!billing.settle(ended, false).unwrap(), "settled once");
    assert!(waiting(&billing).is_empty());
    let kept = store.billing_decision(ended).unwrap().unwrap();
    assert_eq!(kept.state, DecisionState::Dismissed);
    // Who settled it and when: the seat (a register file has no logins; a shared register
    // names the person's login), at the register's clock.
    assert_eq!(
        kept.decided_by.as_deref(),
        Some(store.person().unwrap_or(store.seat()))
    );
    let at = chrono::DateTime::parse_from_rfc3339(kept.decided_at.as_deref().unwrap()).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(&store.register_now().unwrap()).unwrap();
    assert!((now - at).num_seconds().abs() < 60, "{at} vs {now}");
}
