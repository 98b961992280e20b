//! Översikt (issue #68): what needs a person now, gathered from the register. A delivered
//! customer whose health check found something, another whose newest run failed, a request
//! waiting in the inbox and a billing decision waiting: each is one item with its one action,
//! the broken ones first; a run that answers a failure takes its item away; the glance counts
//! the fleet.

use crate::common::*;
use fabrik::ledger::RunState;
use fabrik::overview::{AttentionKind, Place, Urgency};
use fabrik::requests::IntakeRows;
use fabrik::requests::{IntakeSource, NewIntake};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_needs_a_person_is_listed_once_each_the_broken_first() {
    let Some(w) = world("overview", "Översiktens Bageri AB").await else {
        return;
    };
    let (_, state) = provision(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded);
    let calm = fabrik::overview::read(&w.store).unwrap();
    assert!(calm.items.is_empty(), "{:#?}", calm.items);
    assert_eq!(
        (calm.glance.customers_active, calm.glance.customers),
        (1, 1)
    );

    // The instance breaks: its workflow turned off by someone.
    assert_eq!(deactivate_workflow(&w.sim, &w.store, &w.slug).await, 200);
    assert!(
        !w.engine
            .reader()
            .check_health(&w.slug)
            .await
            .unwrap()
            .healthy
    );

    // Another customer's provisioning fails (Vercel refuses every project) and is rolled back.
    let failed_slug = customer(&w.store, "Misslyckad Kund AB");
    fault(
        &w.sim,
        serde_json::json!({"method": "POST", "path": "/vercel/v11/projects", "status": 400, "times": 100}),
    )
    .await;
    let (start, state) = provision(&w.engine, &failed_slug).await;
    assert_eq!(state, RunState::RolledBack);
    clear_faults(&w.sim).await;

    // A request from the portal waits.
    w.store
        .add_intake(&NewIntake {
            source: IntakeSource::Portal,
            external_id: "req-1".into(),
            name: "Ny Kund Väntar AB".into(),
            admin_email: "vd@nykund.se".into(),
            plan: None,
            organization_id: None,
            detail: "{}".into(),
        })
        .unwrap();

    let o = fabrik::overview::read(&w.store).unwrap();
    let kinds: Vec<AttentionKind> = o.items.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == AttentionKind::Health)
            .count(),
        1,
        "{kinds:?}"
    );
    assert!(kinds.contains(&AttentionKind::RunFailed), "{kinds:?}");
    assert!(kinds.contains(&AttentionKind::RequestWaiting), "{kinds:?}");
    // The broken ones (now) before what waits (soon).
    let first_soon = o
        .items
        .iter()
        .position(|i| i.urgency == Urgency::Soon)
        .unwrap();
    assert!(o.items[..first_soon]
        .iter()
        .all(|i| i.urgency == Urgency::Now));
    let run_item = o
        .items
        .iter()
        .find(|i| i.kind == AttentionKind::RunFailed)
        .unwrap();
    assert_eq!(
        (run_item.place, run_item.id),
        (Place::Run, Some(start.run_id))
    );
    assert_eq!(
        run_item.title.sv,
        "Provisionering för Misslyckad Kund AB misslyckades"
    );
    assert!(run_item.detail.is_some(), "why it failed, in words");
    assert_eq!(
        run_item.command,
        format!("fabrik runs show {}", start.run_id)
    );
    let health = o
        .items
        .iter()
        .find(|i| i.kind == AttentionKind::Health)
        .unwrap();
    assert_eq!(health.slug.as_deref(), Some(w.slug.as_str()));
    assert!(health.title.sv.starts_with("Översiktens Bageri AB"));
    assert_eq!(o.glance.unhealthy, 1);
    // No raw provider id in what an owner reads.
    let raw = regex::Regex::new(r"\b(sub|in|prj|dpl|cus)_[A-Za-z0-9]+|\d{7,}").unwrap();
    for i in &o.items {
        for t in [&i.title.sv, &i.title.en] {
            assert!(!raw.is_match(t), "{t}");
        }
    }

    // A later run of the failed customer answers its failure.
    let (_, state) = provision(&w.engine, &failed_slug).await;
    assert_eq!(state, RunState::Succeeded);
    let o = fabrik::overview::read(&w.store).unwrap();
    assert!(
        !o.items.iter().any(|i| i.kind == AttentionKind::RunFailed),
        "{:#?}",
        o.items
    );
    assert_eq!(o.glance.customers_active, 2, "{:?}", o.glance);
    w.sim.shutdown().await;
}
