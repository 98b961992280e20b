//! What a provisioning run does when calls fail: throttled, broken, dropped or slow calls on every
//! step end in one of each; a permanent failure or a cancel rolls back to nothing; the env items
//! and the keyring stop at their bound.

use super::*;
use fabrik::customer::rows::CustomerRows;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_on_every_step_ends_in_success_without_duplicates() {
    transient_on_every_step("429", json!({"status": 429, "retry_after": 1, "times": 1})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_on_every_step_ends_in_success_without_duplicates() {
    transient_on_every_step("500", json!({"status": 500, "times": 1})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_on_every_step_ends_in_success_without_duplicates() {
    transient_on_every_step("drop", json!({"drop": true, "times": 1})).await;
}

/// Past the 1 s call timeout; the request still executes afterwards, as it may for real.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_past_its_timeout_on_every_step_ends_in_success_without_duplicates() {
    transient_on_every_step("delay", json!({"delay_ms": 1500, "times": 1})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permanent_failures_roll_back_to_nothing() {
    let Some(secrets) = keyring("permanent") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let cases = [
        (
            "vercel project 400",
            json!({"method": "POST", "path": "/vercel/v11/projects", "status": 400}),
        ),
        (
            "n8n workflow 400",
            json!({"method": "POST", "path": "/n8n/api/v1/workflows", "status": 400}),
        ),
        (
            "admin user 400",
            json!({"method": "POST", "path": "/supabase-project/*/auth/v1/admin/users", "status": 400}),
        ),
        (
            "resend 422",
            json!({"method": "POST", "path": "/resend/emails", "status": 422}),
        ),
        (
            "INIT_FAILED",
            json!({"method": "POST", "path": "/supabase/v1/projects", "outcome": "INIT_FAILED"}),
        ),
        (
            "deployment ERROR",
            json!({"method": "POST", "path": "/vercel/v13/deployments", "outcome": "ERROR"}),
        ),
    ];
    let mut table = Vec::new();
    for (i, (name, spec)) in cases.iter().enumerate() {
        clear_faults(&sim).await;
        fault(&sim, spec.clone()).await;
        let slug = customer(&store, &format!("Permanent {i} AB"));
        let (run, state, events) = provision_logged(&engine, &slug).await;
        let left = inventory(&sim).await["total_created_resources"].clone();
        table.push(format!("{name:<18} {} left={left}", state.as_str()));
        assert_eq!(state, RunState::RolledBack, "{name}: {}", events.json());
        assert_eq!(left, 0, "{name}: nothing may be left");
        let run_row = store.get_run(run.run_id).unwrap();
        assert_eq!(run_row.state, RunState::RolledBack);
        assert!(events
            .all()
            .iter()
            .any(|e| matches!(e, fabrik::provision::RunEvent::StepFailed { .. })));
    }
    println!("fault matrix (permanent):\n{}", table.join("\n"));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_mid_run_then_rollback_leaves_nothing_and_resume_finishes() {
    let Some(secrets) = keyring("cancel") else {
        return;
    };
    // Slow enough to cancel while waiting for the project to come up.
    let sim = sim_scaled(Profile::Realistic, 0.03).await;
    let store = store();
    let engine = Arc::new(engine(
        &sim,
        store.clone(),
        secrets,
        FailurePolicy::Rollback,
    ));

    for rollback in [true, false] {
        let slug = customer(
            &store,
            if rollback {
                "Avbryt Och Aterstall AB"
            } else {
                "Avbryt Och Fortsatt AB"
            },
        );
        let run = engine.record(&slug, &RunRequest::Provision).unwrap();
        let events = Events::default();
        let driving = {
            let (engine, sink) = (engine.clone(), events.sink());
            tokio::spawn(async move {
                engine
                    .drive(
                        run.driver.clone().expect("this caller drives the run"),
                        sink,
                        CancellationToken::new(),
                        false,
                    )
                    .await
            })
        };
        // Wait until the run is waiting on Supabase, then cancel from "another window".
        for _ in 0..200 {
            if events.all().iter().any(|e| {
                matches!(
                    e,
                    fabrik::provision::RunEvent::StepWaiting {
                        step: fabrik::provision::StepKey::SupabaseReady,
                        ..
                    }
                )
            }) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert!(engine.cancel(run.run_id, rollback).unwrap());
        let state = driving.await.unwrap().unwrap();
        if rollback {
            assert_eq!(state, RunState::RolledBack, "{}", events.json());
            assert_eq!(inventory(&sim).await["total_created_resources"], 0);
        } else {
            assert_eq!(state, RunState::Cancelled);
            let resumed = engine
                .resume(
                    run.run_id,
                    Events::default().sink(),
                    CancellationToken::new(),
                )
                .await
                .unwrap();
            assert_eq!(resumed, RunState::Succeeded);
            assert_eq!(
                owned_by(&inventory(&sim).await, &slug),
                json!({"projects": 1, "repos": 1, "vercel_projects": 1, "workflows": 1, "emails": 1})
            );
            cleanup(&engine, &slug).await;
        }
    }
    sim.shutdown().await;
}

/// Vercel answers an env batch with 201 and reports failures per item. A transient item
/// failure (an update already going on) is sent again, that item only, and the run goes on;
/// a definitive one (an invalid value) fails the step naming the variable. Before, any item
/// failure ended the whole run and rolled it back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vercel_env_items_are_retried_or_reported_one_by_one() {
    let Some(secrets) = keyring("env-items") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let env_batch = |outcome: &str| json!({"method": "POST", "path": "/vercel/v10/projects/*/env", "outcome": outcome, "times": 1});

    let slug = customer(&store, "Upptagen Miljö AB");
    fault(&sim, env_batch("ENV_ITEM_BUSY")).await;
    let (run, state) = provision(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded);
    let retried: Vec<String> = store
        .run_log(run.run_id, 0)
        .unwrap()
        .into_iter()
        .filter(|l| l.step == Some(fabrik::provision::StepKey::VercelEnv))
        .map(|l| l.message.sv)
        .filter(|m| m.starts_with("Vercel sparade inte"))
        .collect();
    assert_eq!(retried.len(), 1, "{retried:?}");
    assert!(retried[0].contains("SUPABASE_URL"), "{retried:?}");
    let c = store.get_customer(&slug).unwrap();
    let inv = inventory(&sim).await;
    let project = inv["vercel"]["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == json!(c.instance.vercel_project_id))
        .unwrap()
        .clone();
    let keys: Vec<&str> = project["env"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["key"].as_str())
        .collect();
    assert!(
        keys.iter().any(|k| k.ends_with("SUPABASE_URL")),
        "the retried item was saved: {keys:?}"
    );
    cleanup(&engine, &slug).await;
    clear_faults(&sim).await;

    let slug = customer(&store, "Avvisad Miljö AB");
    fault(&sim, env_batch("ENV_ITEM_REJECTED")).await;
    let (_, state, events) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::RolledBack);
    let failed: Vec<_> = events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            fabrik::provision::RunEvent::StepFailed { code, message, .. } => Some((code, message)),
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 1, "{}", events.json());
    assert_eq!(failed[0].0.as_str(), "vercel_env_rejected");
    assert!(failed[0].1.contains("SUPABASE_URL"), "{:?}", failed[0]);
    sim.shutdown().await;
}

/// An item that keeps failing transiently is sent again only up to the retry policy's bound;
/// then the step fails naming it (`vercel_env_not_saved`), and the run is rolled back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vercel_env_item_that_keeps_failing_stops_at_the_bound() {
    let Some(World {
        sim,
        store,
        engine,
        slug,
        ..
    }) = world("env-bound", "Alltid Upptagen AB").await
    else {
        return;
    };
    fault(
        &sim,
        json!({"method": "POST", "path": "/vercel/v10/projects/*/env", "outcome": "ENV_ITEM_BUSY"}),
    )
    .await;
    let (run, state, events) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    assert!(
        events.json().contains("\"code\":\"vercel_env_not_saved\""),
        "{}",
        events.json()
    );
    let retries = store
        .run_log(run.run_id, 0)
        .unwrap()
        .into_iter()
        .filter(|l| l.level == fabrik::provision::LogLevel::Warn)
        .filter(|l| l.message.sv.starts_with("Vercel sparade inte"))
        .count();
    // The engine's policy: `max_attempts` sends in all, so one retry line fewer.
    let bound = fast_timing().retry.max_attempts as usize;
    assert_eq!(retries, bound - 1, "{retries} retries for {bound} attempts");
    sim.shutdown().await;
}

/// Without a reachable keyring nothing is created: the run fails before its first call, with
/// the keyring's own message, and can be tried again once the keyring answers. Before, the
/// GitHub repository and the Vercel project were created, then the Supabase step failed at
/// the keyring and everything was rolled back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_keyring_stops_the_run_before_anything_is_created() {
    let Some(secrets) = keyring("preflight") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    // A keyring that never answers in time (as a locked or hung Secret Service does).
    let hung = secrets.clone().with_timeout(std::time::Duration::ZERO);
    let engine_without = engine(&sim, store.clone(), hung, FailurePolicy::Rollback);
    let slug = customer(&store, "Låst Nyckelring AB");
    let (run, outcome, events) = start_and_drive(&engine_without, &slug).await;
    assert_eq!(
        outcome.unwrap_err().code().as_str(),
        "keyring_timeout",
        "{}",
        events.json()
    );
    assert!(
        !events.json().contains("step_started"),
        "no step started: {}",
        events.json()
    );
    let inv = inventory(&sim).await;
    assert_eq!(inv["total_created_resources"], 0);
    let row = store.get_run(run.run_id).unwrap();
    assert_eq!(row.state, RunState::Failed);
    assert!(row.error.is_some(), "the run says why");

    // Once the keyring answers, the same run is tried again and finishes.
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let state = engine
        .resume(
            run.run_id,
            Events::default().sink(),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

/// Issue #55: what cannot be taken back goes last. Each other step of provisioning fails for
/// good in turn, late (five busy answers first, so that the steps beside it have gone on): the
/// run is rolled back, nothing is left, and no email went out, whichever step it was. Before,
/// the welcome email started with `supabase.auth_mail` and went out when that failed a moment
/// later. (`finalize` writes only the register: nothing outside can fail it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_email_goes_out_for_a_run_that_does_not_succeed() {
    let Some(secrets) = keyring("emails-last") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let late = |method: &str, path: &str, status: u16| {
        vec![
            // Five busy answers: the step's sixth and last attempt is refused, about half a
            // second after it began.
            json!({"method": method, "path": path, "status": 503, "times": 5}),
            // Once: what rolls the run back reads the same endpoints.
            json!({"method": method, "path": path, "status": status, "times": 1}),
        ]
    };
    let once = |method: &str, path: &str, outcome: &str| {
        vec![json!({"method": method, "path": path, "outcome": outcome})]
    };
    let cases = [
        (
            "supabase.project",
            once("POST", "/supabase/v1/projects", "INIT_FAILED"),
        ),
        (
            "supabase.ready",
            late("GET", "/supabase/v1/projects/*", 400),
        ),
        (
            "supabase.keys",
            late("GET", "/supabase/v1/projects/*/api-keys", 403),
        ),
        (
            "supabase.schema",
            late("POST", "/supabase/v1/projects/*/database/query", 400),
        ),
        (
            "supabase.admin_user",
            late("POST", "/supabase-project/*/auth/v1/admin/users", 400),
        ),
        (
            "github.repo",
            // Every time: a refused generate is looked up, and retried when nothing is found.
            vec![
                json!({"method": "POST", "path": "/github/repos/*/*/generate", "status": 503, "times": 2}),
                json!({"method": "POST", "path": "/github/repos/*/*/generate", "status": 422}),
            ],
        ),
        ("vercel.project", late("POST", "/vercel/v11/projects", 400)),
        (
            "vercel.env",
            once("POST", "/vercel/v10/projects/*/env", "ENV_ITEM_REJECTED"),
        ),
        (
            "vercel.deploy",
            once("POST", "/vercel/v13/deployments", "ERROR"),
        ),
        ("n8n.workflow", late("POST", "/n8n/api/v1/workflows", 400)),
        ("resend.sending_key", late("POST", "/resend/api-keys", 400)),
        (
            "supabase.auth_mail",
            late("PATCH", "/supabase/v1/projects/*/config/auth", 400),
        ),
    ];
    // Every step of provisioning but the last two is named above, and none twice.
    let named: Vec<&str> = cases.iter().map(|c| c.0).collect();
    for key in fabrik::provision::steps::delivery().map(|d| d.key) {
        use fabrik::provision::StepKey;
        let last = matches!(key, StepKey::Finalize | StepKey::EmailWelcome);
        assert_eq!(named.contains(&key.as_str()), !last, "{key}");
    }
    let mut table = Vec::new();
    for (i, (step, faults)) in cases.iter().enumerate() {
        clear_faults(&sim).await;
        for f in faults {
            fault(&sim, f.clone()).await;
        }
        let slug = customer(&store, &format!("Sent Fel {i} AB"));
        let (run, state, events) = provision_logged(&engine, &slug).await;
        let inv = inventory(&sim).await;
        let (emails, left) = (
            counts(&inv)["emails"].clone(),
            inv["total_created_resources"].clone(),
        );
        let failed = store.get_run(run.run_id).unwrap().failed_step;
        table.push(format!(
            "{step:<20} {} failed at {failed:?}, emails={emails} left={left}",
            state.as_str()
        ));
        assert_eq!(state, RunState::RolledBack, "{step}: {}", events.json());
        assert_eq!(emails, 0, "{step}: an email went out for a run that failed");
        assert_eq!(left, 0, "{step}: nothing may be left");
    }
    println!(
        "a late failure of each step (emails sent):\n{}",
        table.join("\n")
    );
    sim.shutdown().await;
}
