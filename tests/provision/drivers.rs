//! Who drives a provisioning run: one driver for two starts or two resumes, a dead driver's run
//! continued, a taken-over driver that stops writing, seats sharing the providers' limits.

use super::*;
use fabrik::customer::rows::CustomerRows;

/// The driver of a run was killed (kill -9, power loss): its run still says "running". Once its
/// heartbeat has lapsed, "Provisionera" (`Engine::start`) continues that run instead of
/// refusing it as already active.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_whose_driver_died_is_continued_by_the_next_start() {
    let Some(secrets) = keyring("driver-died") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fabrik.sqlite3");
    let store = Arc::new(Store::open(&path).unwrap());
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let slug = customer(&store, "Strömavbrott AB");
    let first = engine.record(&slug, &RunRequest::Provision).unwrap();
    // What a killed driver leaves behind: "running", an old heartbeat, a process that is gone.
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = gone.id();
    gone.wait().unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE runs SET owner_pid = ?1, heartbeat_at = '2020-01-01T00:00:00+00:00' WHERE id = ?2",
            rusqlite::params![dead_pid, first.run_id],
        )
        .unwrap();

    let again = engine.record(&slug, &RunRequest::Provision).unwrap();
    assert_eq!(again.run_id, first.run_id, "the same run, not a second one");
    assert!(!again.already_running, "taken over, not refused");
    let state = engine
        .drive(
            again.driver.clone().expect("this caller drives the run"),
            Events::default().sink(),
            CancellationToken::new(),
            true,
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    assert_eq!(
        counts(&inventory(&sim).await),
        json!({"projects": 1, "repos": 1, "vercel_projects": 1, "workflows": 1, "emails": 1})
    );
    // A live driver keeps its run: a start now (the run is finished) makes no takeover.
    assert_eq!(store.list_runs(None, 10).unwrap().len(), 1);
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

/// "Försök igen" clicked twice (or "Återställ" during a retry) in one process: exactly one
/// driver takes the run; the other is refused and creates nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_resumes_of_one_run_give_one_driver() {
    let Some(secrets) = keyring("one-driver") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let engine = Arc::new(engine(&sim, store.clone(), secrets, FailurePolicy::Pause));
    let slug = customer(&store, "En Förare AB");
    fault(
        &sim,
        json!({"method": "POST", "path": "/vercel/v11/projects", "status": 400, "times": 1}),
    )
    .await;
    let (run, state) = provision(&engine, &slug).await;
    assert_eq!(state, RunState::Failed);
    clear_faults(&sim).await;

    let (a, b) = (engine.clone(), engine.clone());
    let (ea, eb) = (Events::default(), Events::default());
    let (ra, rb) = tokio::join!(
        a.resume(run.run_id, ea.sink(), CancellationToken::new()),
        b.resume(run.run_id, eb.sink(), CancellationToken::new()),
    );
    let outcomes = [ra, rb];
    let driven = outcomes.iter().filter(|r| r.is_ok()).count();
    let refused: Vec<_> = outcomes
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|e| e.code().as_str())
        .collect();
    assert_eq!(driven, 1, "exactly one driver");
    assert_eq!(refused, ["run_busy"]);
    assert_eq!(
        counts(&inventory(&sim).await),
        json!({"projects": 1, "repos": 1, "vercel_projects": 1, "workflows": 1, "emails": 1})
    );
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_starts_make_one_run() {
    let Some(World {
        sim,
        store,
        engine,
        slug,
        ..
    }) = world("concurrent", "Dubbelklick AB").await
    else {
        return;
    };
    let a = engine.record(&slug, &RunRequest::Provision).unwrap();
    let b = engine.record(&slug, &RunRequest::Provision).unwrap();
    assert_eq!(a.run_id, b.run_id);
    assert!(!a.already_running && b.already_running);
    assert_eq!(store.list_runs(None, 10).unwrap().len(), 1);
    engine
        .drive(
            a.driver.clone().expect("this caller drives the run"),
            Events::default().sink(),
            CancellationToken::new(),
            false,
        )
        .await
        .unwrap();
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

/// A driver whose run is taken over while it is busy (its process was frozen past the
/// heartbeat, and another process claimed the run) stops at the next heartbeat and writes no
/// end state over the new driver's run. Before, it ran on and marked the run succeeded or
/// failed under the new driver.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_driver_whose_run_was_taken_over_stops_without_writing() {
    let Some(secrets) = keyring("taken-over") else {
        return;
    };
    let sim = sim_scaled(Profile::Realistic, 0.03).await;
    let store = store();
    let engine = Arc::new(engine(
        &sim,
        store.clone(),
        secrets,
        FailurePolicy::Rollback,
    ));
    let slug = customer(&store, "Tagen Over AB");
    let run = engine.record(&slug, &RunRequest::Provision).unwrap();
    let events = Events::default();
    let driving = {
        let (engine, sink) = (engine.clone(), events.sink());
        let driver = run.driver.clone().expect("this caller drives the run");
        tokio::spawn(async move {
            engine
                .drive(driver, sink, CancellationToken::new(), false)
                .await
        })
    };
    for _ in 0..200 {
        if events.json().contains("step_waiting") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    // "Another process" takes the run over, as after a lapsed heartbeat (a beat written in
    // the same instant as the claim's clock reading keeps it; the next try gets it).
    let mut other = None;
    for _ in 0..50 {
        other = store
            .claim_stale(run.run_id, std::time::Duration::ZERO)
            .unwrap();
        if other.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let other = other.unwrap_or_else(|| {
        panic!(
            "not taken over: {:?}\n{}",
            store.get_run(run.run_id).unwrap().state,
            events.json()
        )
    });
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(20), driving)
        .await
        .expect("the old driver stops")
        .unwrap();
    assert_eq!(
        outcome.unwrap_err().code().as_str(),
        "run_taken_over",
        "{}",
        events.json()
    );
    let row = store.get_run(run.run_id).unwrap();
    assert_eq!(row.state, RunState::Running, "left to the new driver");
    assert!(row.finished_at.is_none());
    // The new driver finishes the run (as `start` does after a takeover).
    store.reset_unfinished_steps(run.run_id, false).unwrap();
    let state = engine
        .drive(
            other,
            Events::default().sink(),
            CancellationToken::new(),
            true,
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

/// Eight customers at once on Resend's 2 requests a second: the shared pacer sends the welcome
/// emails in turn, so the provider never has to refuse one, and every run ends as it would
/// alone. Before, they collided and were retried after 429s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_at_once_share_the_rate_limits_without_refusals() {
    let Some(secrets) = keyring("pacer") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let engine = Arc::new(engine(
        &sim,
        store.clone(),
        secrets,
        FailurePolicy::Rollback,
    ));
    let slugs: Vec<String> = (0..8)
        .map(|i| customer(&store, &format!("Samtidig Kund {i}")))
        .collect();
    let mut runs = tokio::task::JoinSet::new();
    for slug in slugs.clone() {
        let engine = engine.clone();
        runs.spawn(async move { provision(&engine, &slug).await.1 });
    }
    while let Some(state) = runs.join_next().await {
        assert_eq!(state.unwrap(), RunState::Succeeded);
    }
    let log = get(&sim, "/__sim/requests").await["requests"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let refused: Vec<String> = log
        .iter()
        .filter(|r| r["status"] == 429)
        .map(|r| format!("{} {}", r["method"], r["path"]))
        .collect();
    assert!(refused.is_empty(), "refused: {refused:?}");
    let emails = log
        .iter()
        .filter(|r| r["path"] == "/resend/emails" && r["method"] == "POST")
        .count();
    assert_eq!(emails, 8, "one email each, none sent twice");
    for slug in &slugs {
        cleanup(&engine, slug).await;
    }
    sim.shutdown().await;
}

/// Two seats on one shared register (PostgreSQL), one simulator: both press "Provisionera" at
/// once and exactly one run drives, the other seat told whose it is; the driving seat dies
/// mid-run, the other takes the run over once the lease (heartbeat) has lapsed, and the run ends
/// with one of each resource. Each seat has its own keyring: the admin the dead seat made gets a
/// new password from the seat that finishes, and that is the one the welcome email carries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_seats_one_driver_and_a_takeover_after_the_lease() {
    let (Some(keyring_a), Some(keyring_b)) = (keyring("two-seats-a"), keyring("two-seats-b"))
    else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let db = pg_database();
    let seat = |name: &str| Arc::new(Store::connect(&db).unwrap().with_seat(name));
    // A recorded seat carries its installation's id after the name.
    let name = fabrik::seat::name;
    let (store_a, store_b) = (seat("anna@dator-a"), seat("bo@dator-b"));
    let engine_a = engine(
        &sim,
        store_a.clone(),
        keyring_a.clone(),
        FailurePolicy::Rollback,
    );
    let engine_b = engine(
        &sim,
        store_b.clone(),
        keyring_b.clone(),
        FailurePolicy::Rollback,
    );
    let slug = customer(&store_a, "Två Platser AB");

    // Both at once: one run, one driver; the other seat learns whose run it is.
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let (a, b) = std::thread::scope(|s| {
        let start = |e: &'static str| {
            let (barrier, slug) = (barrier.clone(), slug.clone());
            let engine = if e == "a" { &engine_a } else { &engine_b };
            s.spawn(move || {
                barrier.wait();
                engine.record(&slug, &RunRequest::Provision).unwrap()
            })
        };
        let (a, b) = (start("a"), start("b"));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(a.run_id, b.run_id, "one run");
    let (winner, loser, winner_seat, loser_engine, winner_keys, loser_keys) =
        match (&a.driver, &b.driver) {
            (Some(_), None) => (
                a.clone(),
                b.clone(),
                "anna@dator-a",
                &engine_b,
                &keyring_a,
                &keyring_b,
            ),
            (None, Some(_)) => (
                b.clone(),
                a.clone(),
                "bo@dator-b",
                &engine_a,
                &keyring_b,
                &keyring_a,
            ),
            other => panic!("exactly one driver, got {other:?}"),
        };
    assert!(loser.already_running);
    assert_eq!(loser.driven_by.as_deref().map(name), Some(winner_seat));
    let row = store_a.get_run(winner.run_id).unwrap();
    assert_eq!(row.started_by.as_deref().map(name), Some(winner_seat));

    // The winner drives until the customer's admin exists, then its seat dies (the task is
    // dropped mid-step: no more heartbeats, nothing written after).
    let winner_engine = if winner_seat == "anna@dator-a" {
        &engine_a
    } else {
        &engine_b
    };
    let events = Events::default();
    let drive = winner_engine.drive(
        winner.driver.clone().unwrap(),
        events.sink(),
        CancellationToken::new(),
        false,
    );
    tokio::select! {
        _ = drive => panic!("the run ended before the seat died"),
        _ = async {
            while !events.all().iter().any(|e| matches!(e, fabrik::provision::RunEvent::StepDone {
                step: fabrik::provision::StepKey::SupabaseAdminUser, .. })) {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        } => {}
    }

    // The lease still holds: the other seat is refused, with the dead seat's name.
    let early = loser_engine.record(&slug, &RunRequest::Provision).unwrap();
    assert!(early.driver.is_none() && early.already_running);
    assert_eq!(early.driven_by.as_deref().map(name), Some(winner_seat));

    // Past the lease the other seat takes the run over and finishes it.
    tokio::time::sleep(fast_timing().lease + std::time::Duration::from_secs(1)).await;
    let taken = loser_engine.record(&slug, &RunRequest::Provision).unwrap();
    assert_eq!(taken.run_id, winner.run_id, "the same run, taken over");
    let state = loser_engine
        .drive(
            taken.driver.clone().expect("the other seat drives now"),
            Events::default().sink(),
            CancellationToken::new(),
            true,
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    let row = store_b.get_run(winner.run_id).unwrap();
    assert_ne!(
        row.seat.as_deref().map(name),
        Some(winner_seat),
        "driven by the other seat now"
    );
    assert_eq!(row.started_by.as_deref().map(name), Some(winner_seat));
    let inv = inventory(&sim).await;
    assert_eq!(
        counts(&inv),
        json!({"projects": 1, "repos": 1, "vercel_projects": 1, "workflows": 1, "emails": 1})
    );
    // The email carries the password the finishing seat set, not the dead seat's.
    let uid = store_a.get_customer(&slug).unwrap().uid;
    let admin = |k: &fabrik::secrets::SecretStore| {
        k.get(&fabrik::secrets::SecretKey::Customer {
            customer: uid.clone(),
            which: fabrik::secrets::CustomerSecret::AdminPassword,
        })
        .unwrap()
        .expect("a password in this seat's keyring")
    };
    let (dead, finisher) = (admin(winner_keys), admin(loser_keys));
    assert_ne!(dead.expose(), finisher.expose());
    let text = inv["resend"]["emails"][0]["text"].as_str().unwrap();
    assert!(
        text.contains(finisher.expose()),
        "the working password is in the mail"
    );
    assert!(!text.contains(dead.expose()));
    cleanup(loser_engine, &slug).await;
    let winner_engine = if winner_seat == "anna@dator-a" {
        &engine_a
    } else {
        &engine_b
    };
    cleanup(winner_engine, &slug).await;
    sim.shutdown().await;
}
