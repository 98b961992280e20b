//! What a row written into the register by hand cannot make billing do (issue #67): a forged
//! snapshot pauses nobody and a forged end writes no export and offers no teardown, since what
//! acts on a customer asks Stripe first. The tick's helpers are `tick.rs`'s.

use super::tick::*;
use super::*;
use crate::runs_api::{agency_emails, sandboxed, SANDBOX};
use fabrik::billing::policy::{DecisionState, Step, Transition};
use fabrik::billing::rows::BillingRows;
use fabrik::export::rows::ExportRows;
use fabrik::ledger::RunKind;

/// Issue #67: a snapshot written into the register (any login that writes `subscriptions`
/// could) made the tick pause a paying customer "for billing". A `do` now reads the
/// subscription again from Stripe first: Stripe says active, so nothing is paused, and the
/// decision waits for a person with Stripe's word on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_snapshot_pauses_nobody_stripe_is_asked_first() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let (host, ticker, _dir) = ticker(&s);
    let (slug, sub, _) = paying_customer(
        &s,
        &ticker,
        &host,
        "Betalar Visst AB",
        &[(Transition::Paused, Step::Do)],
    )
    .await;
    let store = s.cloud.shared_store();
    let env = s.cloud.environment;
    let real = store.subscription_row(env, &sub).unwrap().unwrap();
    assert_eq!(real.status, "active");
    let forged = fabrik::billing::rows::SubscriptionRow {
        status: "paused".into(),
        status_since: real.status_since + 1,
        as_of: real.as_of + 1,
        event_id: Some("evt_forged".into()),
        ..real
    };
    assert!(store.keep_subscription(&forged).unwrap());

    let j = tick(&ticker, &host).await;
    assert!(runs_of(&s, &slug, RunKind::Pause).is_empty(), "{j:?}");
    assert_eq!(
        s.api.get_customer(slug.clone()).unwrap().status,
        Status::Active
    );
    let d = decisions(&s);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].state, DecisionState::Waiting);
    assert!(
        d[0].note.as_deref().unwrap_or("").contains("active"),
        "{:?}",
        d[0].note
    );
}

/// Issue #67: a forged snapshot saying the subscription ended made the tick write the
/// customer's export into the export folder and mail that their teardown was offered. The
/// period's end now asks Stripe too: it says active, so no export is written and no teardown
/// offered, and the decision waits for a person with Stripe's word on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_end_writes_no_export_and_offers_no_teardown() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let (host, ticker, _dir) = ticker(&s);
    let (slug, sub, _) = paying_customer(&s, &ticker, &host, "Betalar Ännu AB", &[]).await;
    let store = s.cloud.shared_store();
    let env = s.cloud.environment;
    let real = store.subscription_row(env, &sub).unwrap().unwrap();
    let forged = fabrik::billing::rows::SubscriptionRow {
        status: "canceled".into(),
        status_since: real.status_since + 1,
        as_of: real.as_of + 1,
        event_id: Some("evt_forged_end".into()),
        ..real
    };
    assert!(store.keep_subscription(&forged).unwrap());

    let j = tick(&ticker, &host).await;
    let d: Vec<_> = decisions(&s)
        .into_iter()
        .filter(|d| d.transition == Transition::PeriodEnded)
        .collect();
    assert_eq!(d.len(), 1, "{j:?}");
    let note = d[0].note.clone().unwrap_or_default();
    assert!(note.contains("active"), "{note}");
    assert!(!note.starts_with("exported"), "{note}");
    let customer = s.api.get_customer(slug.clone()).unwrap();
    assert!(store.exports(customer.id, env).unwrap().is_empty());
    let left: Vec<_> = std::fs::read_dir(fabrik::paths::export_dir())
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        !left.iter().any(|n| n.to_string_lossy().contains(&slug)),
        "{left:?}"
    );
    let mails = billing_emails(&agency_emails(&sim(&s)).await);
    assert!(
        !mails.iter().any(|m| m.contains("inför avvecklingen")),
        "{mails:#?}"
    );
    assert!(runs_of(&s, &slug, RunKind::Teardown).is_empty());
}
