//! The shared pacer against fabrik-sim's rate limits: calls from separate clients of one
//! process spend one provider budget in turn instead of being refused.

use crate::common;
use fabrik::customer::rows::CustomerRows;

use common::*;
use fabrik::providers::resend::{Email, Resend};
use fabrik::secrets::Secret;
use fabrik_sim::Profile;

/// Six welcome emails at once from two clients (two runs' worth) on Resend's 2 requests a
/// second: all six are sent, none refused, two per second. Without the shared pacer four of
/// them are 429s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_from_many_clients_take_turns_within_the_limit() {
    let sim = sim(Profile::Instant).await;
    let from = format!("valkommen@{}", sim.seed().resend_domain);
    let clients: Vec<std::sync::Arc<Resend>> = (0..2)
        .map(|_| {
            std::sync::Arc::new(Resend::new(
                &sim.resend_api_url(),
                Secret::new(RESEND_KEY),
                std::time::Duration::from_secs(5),
            ))
        })
        .collect();
    let started = std::time::Instant::now();
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..6 {
        let (client, from) = (clients[i % 2].clone(), from.clone());
        sends.spawn(async move {
            let to = format!("kund{i}@exempel.se");
            let email = Email {
                from: &from,
                to: &to,
                subject: "Välkommen",
                html: "<p>Hej</p>",
                text: "Hej",
            };
            client.send(&email, &format!("pacing-{i}")).await
        });
    }
    while let Some(sent) = sends.join_next().await {
        let sent = sent.unwrap();
        assert!(sent.is_ok(), "refused: {:?}", sent.err());
    }
    let log = get(&sim, "/__sim/requests").await["requests"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let statuses: Vec<u64> = log.iter().filter_map(|r| r["status"].as_u64()).collect();
    assert_eq!(statuses, vec![200; 6], "six sends, none refused");
    // Three windows of two: the last pair waits for the third.
    assert!(started.elapsed() >= std::time::Duration::from_secs(2));
    sim.shutdown().await;
}

/// A wait checks when the change is due once one like it has been seen: the second run asks
/// for its project's state a few times, where the first asked every 100 ms while it started.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_run_polls_when_the_state_is_due() {
    let Some(secrets) = keyring("polling") else {
        return;
    };
    // Supabase up in ~2.7 s, a build ~1.4 s.
    let sim = sim_scaled(Profile::Realistic, 0.03).await;
    let store = std::sync::Arc::new(fabrik::store::Store::open_in_memory().unwrap());
    let engine = engine(
        &sim,
        store.clone(),
        secrets,
        fabrik::provision::FailurePolicy::Rollback,
    );
    let mut polls = Vec::new();
    for name in ["Första Väntan AB", "Andra Väntan AB"] {
        let slug = customer(&store, name);
        let (_, state) = provision(&engine, &slug).await;
        assert_eq!(state, fabrik::provision::RunState::Succeeded, "{name}");
        let project = store
            .get_customer(&slug)
            .unwrap()
            .instance
            .supabase_project_ref;
        let path = format!("/supabase/v1/projects/{}", project.unwrap());
        let log = get(&sim, "/__sim/requests").await["requests"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        polls.push(
            log.iter()
                .filter(|r| r["method"] == "GET" && r["path"] == path.as_str())
                .count(),
        );
        cleanup(&engine, &slug).await;
    }
    assert!(
        polls[1] <= 3 && polls[1] < polls[0],
        "project polls, first run then second: {polls:?}"
    );
    sim.shutdown().await;
}

/// What a wait took in production does not hold back the sandbox's first check: the two
/// environments' services take very different times. A slow production run first, then a
/// fast sandbox run in the same process; the sandbox's Supabase start is checked when it is
/// up, not when production's was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_environment_does_not_hold_back_the_other() {
    let Some(secrets) = keyring("environments") else {
        return;
    };
    use fabrik::environment::Environment;
    use fabrik::provision::{FailurePolicy, RunState};
    // Supabase up in ~9 s in "production", ~0.9 s in the sandbox.
    let (slow, fast) = (
        sim_scaled(Profile::Realistic, 0.1).await,
        sim_scaled(Profile::Realistic, 0.01).await,
    );
    let store = std::sync::Arc::new(fabrik::store::Store::open_in_memory().unwrap());
    let production = engine_in(
        &slow,
        store.clone(),
        secrets.clone(),
        FailurePolicy::Rollback,
        Environment::Production,
    );
    let slug = customer(&store, "Långsam Miljö AB");
    let started = std::time::Instant::now();
    let (_, state) = provision(&production, &slug).await;
    assert_eq!(state, RunState::Succeeded);
    let production_took = started.elapsed();
    cleanup(&production, &slug).await;

    let sandbox = engine_in(
        &fast,
        store.clone(),
        secrets,
        FailurePolicy::Rollback,
        Environment::Sandbox,
    );
    let slug = customer(&store, "Snabb Miljö AB");
    let started = std::time::Instant::now();
    let (_, state) = provision(&sandbox, &slug).await;
    assert_eq!(state, RunState::Succeeded);
    let sandbox_took = started.elapsed();
    cleanup(&sandbox, &slug).await;
    assert!(
        sandbox_took < production_took / 2,
        "sandbox run {sandbox_took:?} after a production run of {production_took:?}"
    );
    slow.shutdown().await;
    fast.shutdown().await;
}
