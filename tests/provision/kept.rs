//! What a seat keeps between processes (issue #60): the next process's run asks neither the
//! sender domain at Resend nor the template's `client-config.json` again, and a kept domain
//! the account no longer has is asked anew; runs started together ask once (issue #71).

use super::*;

/// How many of the simulator's requests were `GET` of a path ending in `tail`.
async fn gets(sim: &fabrik_sim::SimHandle, tail: &str) -> usize {
    let log = get(sim, "/__sim/requests").await;
    log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "GET" && r["path"].as_str().unwrap().ends_with(tail))
        .count()
}

/// Every sending key of the account is restricted to the agency's one domain.
async fn keys_on_the_domain(sim: &fabrik_sim::SimHandle) {
    let inv = inventory(sim).await;
    let domain = inv["resend"]["domains"][0]["id"].clone();
    for key in inv["resend"]["api_keys"].as_array().unwrap() {
        assert_eq!(key["domain_id"], domain, "{key}");
    }
}

/// A new process, as every CLI command is: nothing in memory, the seat's files read.
fn new_process(seat: &std::path::Path) {
    fabrik::provision::seat_files::forget();
    fabrik::provision::seat_files::keep_in(seat);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_process_does_not_ask_again_what_the_seat_kept() {
    let Some(secrets) = keyring("kept") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let seat = tempfile::tempdir().unwrap();
    new_process(seat.path());
    let store = Arc::new(test_store());
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let (domains, config) = ("/resend/domains", "/contents/client-config.json");

    let first = customer(&store, "Först På Platsen AB");
    let (_, state, events) = provision_logged(&engine, &first).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(
        (gets(&sim, domains).await, gets(&sim, config).await),
        (1, 1)
    );

    new_process(seat.path());
    let next = customer(&store, "Sedan På Platsen AB");
    let (_, state, events) = provision_logged(&engine, &next).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(
        (gets(&sim, domains).await, gets(&sim, config).await),
        (1, 1),
        "the seat's next process asked again"
    );
    keys_on_the_domain(&sim).await;

    // The domain removed and added again (a new id): the kept one is refused, asked anew.
    let file = seat
        .path()
        .join(fabrik::provision::seat_files::SENDER_DOMAIN_FILE);
    let mut kept: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    for (_, d) in kept.as_object_mut().unwrap() {
        d["id"] = json!("4ef9a417-02e9-4d39-ad75-9611e0fcc33c");
    }
    std::fs::write(&file, serde_json::to_vec(&kept).unwrap()).unwrap();
    new_process(seat.path());
    let third = customer(&store, "Sist På Platsen AB");
    let (_, state, events) = provision_logged(&engine, &third).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(gets(&sim, domains).await, 2);
    keys_on_the_domain(&sim).await;
    for slug in [first, next, third] {
        cleanup(&engine, &slug).await;
    }
    fabrik::provision::seat_files::forget();
}

/// Runs a seat starts together (a bulk provisioning) ask Resend for the sender domain once
/// between them, not once each: Resend counts every request against the team's two a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_started_together_ask_for_the_domain_once() {
    let Some(secrets) = keyring("kept-together") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let seat = tempfile::tempdir().unwrap();
    new_process(seat.path());
    let store = Arc::new(test_store());
    let engine = Arc::new(engine(
        &sim,
        store.clone(),
        secrets,
        FailurePolicy::Rollback,
    ));
    let slugs: Vec<String> = (0..4)
        .map(|i| customer(&store, &format!("Samtidig Kund {i} AB")))
        .collect();
    // Resend answers the first read slowly, so every run comes to its key while it is out.
    let slow = json!({"method": "GET", "path": "/resend/domains", "delay_ms": 800, "times": 1});
    fault(&sim, slow).await;
    let runs = slugs.iter().map(|slug| {
        let engine = engine.clone();
        async move { provision_logged(&engine, slug).await }
    });
    for (_, state, events) in futures_util::future::join_all(runs).await {
        assert_eq!(state, RunState::Succeeded, "{}", events.json());
    }
    assert_eq!(
        gets(&sim, "/resend/domains").await,
        1,
        "each run asked for the domain"
    );
    keys_on_the_domain(&sim).await;
    for slug in slugs {
        cleanup(&engine, &slug).await;
    }
    fabrik::provision::seat_files::forget();
}
