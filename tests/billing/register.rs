//! The register's side: a snapshot is kept only when newer than the one kept (an old
//! `paused` after a newer `resumed` changes nothing), the owner's policy over the defaults
//! (never a teardown's `do`), and each transition under each step decided once per episode.

use super::*;
use fabrik::billing::rows::BillingRows;

use fabrik::billing::decide::decide_all;
use fabrik::billing::link::SUBSCRIPTIONS_SETTING;
use fabrik::billing::policy::{DecisionState, PolicyRow, Step, Transition};
use fabrik::billing::rows::NewDecision;
use fabrik::billing::state::{apply_event, apply_read, Applied};
use fabrik::ledger::RunKind;
use fabrik::store::runs::NewRun;

fn kept(store: &Store, e: &Event) -> bool {
    matches!(
        apply_event(store, store.environment(), e).unwrap(),
        Applied::Kept(_)
    )
}

fn an_older_snapshot_changes_nothing_and_a_failure_lasts_until_paid(store: Store) {
    let env = store.environment();
    let resumed = event(
        "evt_2",
        "customer.subscription.resumed",
        300,
        subscription("sub_a", "active", false),
    );
    let paused = event(
        "evt_1",
        "customer.subscription.paused",
        200,
        subscription("sub_a", "paused", false),
    );
    assert!(kept(&store, &resumed));
    // Read after the newer one (out of order): nothing changes.
    assert_eq!(apply_event(&store, env, &paused).unwrap(), Applied::Older);
    let row = store.subscription_row(env, "sub_a").unwrap().unwrap();
    assert_eq!(
        (row.status.as_str(), row.as_of, row.event_id.as_deref()),
        ("active", 300, Some("evt_2"))
    );
    assert_eq!(row.price.as_deref(), Some("price_starter"));
    assert_eq!(row.current_period_end, Some(2_000_000_000));
    // A renewal fails: the invoice says how, the subscription's own event (the same second)
    // says past_due, and neither forgets the other.
    let failed = event(
        "evt_3",
        "invoice.payment_failed",
        400,
        invoice("sub_a", 1, Some(500), false),
    );
    assert!(kept(&store, &failed));
    let past_due = event(
        "evt_4",
        "customer.subscription.updated",
        400,
        subscription("sub_a", "past_due", false),
    );
    assert!(kept(&store, &past_due));
    let row = store.subscription_row(env, "sub_a").unwrap().unwrap();
    assert_eq!(row.status, "past_due");
    assert_eq!(row.status_since, 400);
    assert_eq!(
        (row.attempt_count, row.next_payment_attempt),
        (1, Some(500))
    );
    assert_eq!(row.last_failure_at, Some(400));
    // Stripe gave no decline code: the failure kept as a code, said in words where shown.
    assert_eq!(row.last_failure.as_deref(), Some("payment_failed"));
    let since = row
        .failed_since
        .clone()
        .expect("the register saw the failure");
    // A second failure keeps when the run of failures began.
    let again = event(
        "evt_5",
        "invoice.payment_failed",
        450,
        invoice("sub_a", 2, Some(600), false),
    );
    assert!(kept(&store, &again));
    let row = store.subscription_row(env, "sub_a").unwrap().unwrap();
    assert_eq!(row.failed_since.as_deref(), Some(since.as_str()));
    assert_eq!(row.attempt_count, 2);
    // Paid: the failure is over (its text stays as the last one).
    let paid = event(
        "evt_6",
        "invoice.paid",
        550,
        invoice("sub_a", 3, None, true),
    );
    assert!(kept(&store, &paid));
    let row = store.subscription_row(env, "sub_a").unwrap().unwrap();
    assert_eq!((row.failed_since, row.next_payment_attempt), (None, None));
    assert!(row.last_failure.is_some());
    // The same event applied again changes nothing that was not already so.
    assert!(kept(&store, &paid));
    assert_eq!(
        store.subscription_row(env, "sub_a").unwrap().unwrap().as_of,
        550
    );
}

fn the_policy_is_the_owners_over_the_defaults_and_a_teardown_is_never_do(store: Store) {
    use fabrik::billing::policy::Policy;
    let p = Policy::load(&store).unwrap();
    assert_eq!(p.rule(Plan::Starter, Transition::Resumed).step, Step::Do);
    let row = |transition, step, grace_days| PolicyRow {
        plan: Plan::Starter,
        transition,
        step,
        grace_days,
    };
    store
        .set_billing_policy(&row(Transition::PaymentFailed, Step::Do, Some(3)))
        .unwrap();
    let p = Policy::load(&store).unwrap();
    let rule = p.rule(Plan::Starter, Transition::PaymentFailed);
    assert_eq!((rule.step, rule.grace_days), (Step::Do, Some(3)));
    assert_eq!(
        p.rule(Plan::Professional, Transition::PaymentFailed).step,
        Step::Offer
    );
    let refused = store
        .set_billing_policy(&row(Transition::PeriodEnded, Step::Do, None))
        .unwrap_err();
    assert_eq!(refused.code().as_str(), "validation");
    assert!(store
        .set_billing_policy(&row(Transition::Paused, Step::Tell, Some(-1)))
        .is_err());
    assert_eq!(store.billing_policy().unwrap().len(), 1);
}

/// The window's editor (`BillingApi`, as `fabrik billing policy`): the whole policy with what
/// each transition allows, one cell or one grace set with the rest of the pair kept, and a
/// refusal in the core's words that keeps nothing.
fn the_editor_sets_one_cell_or_one_grace_and_keeps_the_rest(store: Store) {
    use fabrik::services::billing::BillingApi;
    let api = BillingApi::new(std::sync::Arc::new(store));
    let view = api.policy().unwrap();
    assert_eq!(view.cells.len(), Plan::ALL.len() * Transition::ALL.len());
    assert!(view.cells.iter().all(|c| !c.chosen));
    let allows = |t| {
        view.transitions
            .iter()
            .find(|c| c.transition == t)
            .unwrap()
            .allowed
            .clone()
    };
    assert_eq!(allows(Transition::Paused), Step::ALL.to_vec());
    assert!(!allows(Transition::PeriodEnded).contains(&Step::Do));
    assert!(view.export_available);

    let cell = |v: &fabrik::billing::policy::PolicyView, plan, t| {
        v.cells
            .iter()
            .find(|c| c.plan == plan && c.transition == t)
            .unwrap()
            .clone()
    };
    let v = api.set_policy_grace(Plan::Starter, Some(10)).unwrap();
    let c = cell(&v, Plan::Starter, Transition::PaymentFailed);
    assert_eq!(
        (c.step, c.grace_days, c.chosen),
        (Step::Offer, Some(10), true)
    );
    let v = api
        .set_policy_step(Plan::Starter, Transition::PaymentFailed, Step::Do)
        .unwrap();
    let c = cell(&v, Plan::Starter, Transition::PaymentFailed);
    assert_eq!(
        (c.step, c.grace_days),
        (Step::Do, Some(10)),
        "the grace kept"
    );
    assert!(!cell(&v, Plan::Professional, Transition::PaymentFailed).chosen);

    let refused = api
        .set_policy_step(Plan::Starter, Transition::PeriodEnded, Step::Do)
        .unwrap_err();
    assert_eq!(refused.code.as_str(), "validation");
    assert_eq!(refused.fields[0].code.as_str(), "billing_teardown_never_do");
    let refused = api.set_policy_grace(Plan::Starter, Some(-1)).unwrap_err();
    assert_eq!(refused.fields[0].code.as_str(), "billing_grace_negative");
    assert!(refused.message.contains("Anståndet"), "{}", refused.message);
    assert_eq!(api.policy().unwrap(), v, "nothing kept of a refusal");
}

/// The snapshot that makes `transition` due for a customer linked to `sub`.
fn make_due(store: &Store, transition: Transition, sub: &str, n: i64) {
    let t = 1_000 + n * 10;
    let events: Vec<Event> = match transition {
        Transition::PaymentFailed => vec![
            event(
                &format!("evt_{sub}_f"),
                "invoice.payment_failed",
                t,
                invoice(sub, 8, None, false),
            ),
            event(
                &format!("evt_{sub}_u"),
                "customer.subscription.updated",
                t,
                subscription(sub, "unpaid", false),
            ),
        ],
        Transition::Paused => vec![event(
            &format!("evt_{sub}_p"),
            "customer.subscription.paused",
            t,
            subscription(sub, "paused", false),
        )],
        Transition::Resumed => vec![event(
            &format!("evt_{sub}_r"),
            "customer.subscription.resumed",
            t,
            subscription(sub, "active", false),
        )],
        Transition::PeriodEnded => vec![event(
            &format!("evt_{sub}_d"),
            "customer.subscription.deleted",
            t,
            subscription(sub, "canceled", true),
        )],
    };
    for e in &events {
        assert!(kept(store, e));
    }
}

/// Billing paused the customer's instance (a pause decision whose run started).
fn paused_by_billing(store: &Store, customer_id: i64, sub: &str) {
    let env = store.environment();
    let NewRun::Created(run) = store
        .create_run(customer_id, RunKind::Pause, env, &[])
        .unwrap()
    else {
        panic!("no run");
    };
    let id = store
        .add_billing_decision(&NewDecision {
            customer_id,
            environment: env,
            subscription: sub.into(),
            transition: Transition::Paused,
            step: Step::Do,
            episode: "paused:1".into(),
            event_id: Some("evt_0".into()),
            state: DecisionState::Waiting,
            note: None,
        })
        .unwrap()
        .unwrap();
    assert!(store
        .settle_billing_decision(id, DecisionState::Done, Some(run.run_id), None, None)
        .unwrap());
}

fn each_transition_under_each_step_is_decided_once_per_episode(store: Store) {
    let env = store.environment();
    let mut links = Vec::new();
    let mut n = 0;
    // "nothing" last: an episode it left undecided is still due, and a step chosen later
    // decides it then.
    for step in [Step::Tell, Step::Offer, Step::Do, Step::Nothing] {
        for transition in Transition::ALL.iter().copied() {
            let row = PolicyRow {
                plan: Plan::Starter,
                transition,
                step,
                grace_days: None,
            };
            if transition == Transition::PeriodEnded && step == Step::Do {
                assert!(store.set_billing_policy(&row).is_err());
                continue;
            }
            store.set_billing_policy(&row).unwrap();
        }
        let mut want = Vec::new();
        for transition in Transition::ALL.iter().copied() {
            n += 1;
            let status = match transition {
                Transition::Resumed => Status::Inactive,
                _ => Status::Active,
            };
            let (id, slug) = customer(&store, &format!("Kund {n} AB"), status);
            let sub = format!("sub_{n}");
            links.push(format!("{slug}={sub}"));
            store
                .set_setting(SUBSCRIPTIONS_SETTING, &links.join(" "))
                .unwrap();
            if transition == Transition::Resumed {
                paused_by_billing(&store, id, &sub);
            }
            make_due(&store, transition, &sub, n);
            let step = match (transition, step) {
                // Never done on its own: the last set step for it stays.
                (Transition::PeriodEnded, Step::Do) => Step::Offer,
                _ => step,
            };
            if step != Step::Nothing {
                want.push((slug, transition, step));
            }
        }
        let made = decide_all(&store, env).unwrap();
        let mut got: Vec<_> = made
            .iter()
            .map(|m| (m.slug.clone(), m.transition, m.step))
            .collect();
        want.sort();
        got.sort();
        assert_eq!(got, want, "under {step}");
        for m in &made {
            let d = store.billing_decision(m.id).unwrap().unwrap();
            let state = match m.step {
                Step::Tell => DecisionState::Done,
                _ => DecisionState::Waiting,
            };
            assert_eq!(d.state, state, "{m:?}");
            assert!(d.event_id.is_some(), "{m:?}: the event that caused it");
        }
        // Decided: a second look (another seat, the next tick) decides nothing again.
        assert_eq!(decide_all(&store, env).unwrap(), vec![], "under {step}");
    }
    let ended = store
        .billing_decisions(env, None, None, 500)
        .unwrap()
        .into_iter()
        .filter(|d| d.transition == Transition::PeriodEnded)
        .map(|d| d.note)
        .collect::<Vec<_>>();
    assert!(!ended.is_empty());
    assert!(ended.iter().all(|n| n.is_none()), "{ended:?}");
}

fn a_reads_change_is_offered_never_done(store: Store) {
    let env = store.environment();
    store
        .set_billing_policy(&PolicyRow {
            plan: Plan::Starter,
            transition: Transition::Paused,
            step: Step::Do,
            grace_days: None,
        })
        .unwrap();
    let (_, slug) = customer(&store, "Läst Kund AB", Status::Active);
    store
        .set_setting(SUBSCRIPTIONS_SETTING, &format!("{slug}=sub_read"))
        .unwrap();
    assert!(kept(
        &store,
        &event(
            "evt_r1",
            "customer.subscription.updated",
            100,
            subscription("sub_read", "active", false),
        )
    ));
    let read =
        fabrik::providers::stripe::parse_subscription(&subscription("sub_read", "paused", false))
            .unwrap();
    let change = apply_read(&store, env, &read, 5_000).unwrap().unwrap();
    assert_eq!(
        (change.before.as_deref(), change.after.as_str()),
        (Some("active"), "paused")
    );
    // An event older than the read changes nothing.
    let late = event(
        "evt_r2",
        "customer.subscription.resumed",
        4_000,
        subscription("sub_read", "active", false),
    );
    assert_eq!(apply_event(&store, env, &late).unwrap(), Applied::Older);
    let made = decide_all(&store, env).unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(
        (made[0].transition, made[0].step),
        (Transition::Paused, Step::Offer)
    );
    let d = store.billing_decision(made[0].id).unwrap().unwrap();
    assert_eq!((d.note.as_deref(), d.event_id), (Some("from_read"), None));
}

fn a_grace_is_judged_on_the_registers_clock(store: Store) {
    let env = store.environment();
    let grace = |days| PolicyRow {
        plan: Plan::Starter,
        transition: Transition::PaymentFailed,
        step: Step::Do,
        grace_days: Some(days),
    };
    store.set_billing_policy(&grace(7)).unwrap();
    let (_, slug) = customer(&store, "Anstånd AB", Status::Active);
    store
        .set_setting(SUBSCRIPTIONS_SETTING, &format!("{slug}=sub_grace"))
        .unwrap();
    // Stripe's clock says the failure is long past; the register saw it just now.
    for e in [
        event(
            "evt_g1",
            "invoice.payment_failed",
            10,
            invoice("sub_grace", 1, Some(20), false),
        ),
        event(
            "evt_g2",
            "customer.subscription.updated",
            10,
            subscription("sub_grace", "past_due", false),
        ),
    ] {
        assert!(kept(&store, &e));
    }
    assert_eq!(decide_all(&store, env).unwrap(), vec![], "7 days to go");
    store.set_billing_policy(&grace(0)).unwrap();
    let made = decide_all(&store, env).unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(
        (
            made[0].transition,
            made[0].step,
            made[0].event_id.as_deref()
        ),
        (Transition::PaymentFailed, Step::Do, Some("evt_g2"))
    );
}

on_both!(
    a_grace_is_judged_on_the_registers_clock,
    an_older_snapshot_changes_nothing_and_a_failure_lasts_until_paid,
    the_policy_is_the_owners_over_the_defaults_and_a_teardown_is_never_do,
    the_editor_sets_one_cell_or_one_grace_and_keeps_the_rest,
    each_transition_under_each_step_is_decided_once_per_episode,
    a_reads_change_is_offered_never_done,
);
