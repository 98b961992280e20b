//! The provisioning engine against fabrik-sim on a real PostgreSQL, with the real keyring.

use crate::common;

use std::sync::Arc;

use common::*;
use fabrik::environment::Environment;
use fabrik::provision::RunRequest;
use fabrik::provision::{FailurePolicy, RunState};
use fabrik::store::Store;
use fabrik_sim::Profile;
use serde_json::json;
use tokio_util::sync::CancellationToken;

fn store() -> Arc<Store> {
    Arc::new(test_store())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn happy_path_creates_one_of_each_and_a_rerun_creates_nothing() {
    let Some(World {
        sim,
        store,
        engine,
        slug,
        secrets,
    }) = world("happy", "Åsa's Bageri & Café AB").await
    else {
        return;
    };
    let (run, state, events) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());

    let inv = inventory(&sim).await;
    assert_eq!(
        counts(&inv),
        json!({"projects": 1, "repos": 1, "vercel_projects": 1, "workflows": 1, "emails": 1})
    );
    assert_eq!(inv["vercel"]["deployments"][0]["ready_state"], "READY");
    assert_eq!(inv["n8n"]["workflows"][0]["active"], true);
    let project = &inv["supabase"]["projects"][0];
    assert_eq!(project["auth_users"][0]["email"], "admin@kund.example.se");
    assert_eq!(project["auth_users"][0]["email_confirmed"], true);
    let mail = &inv["resend"]["emails"][0];
    assert!(mail["subject"].as_str().unwrap().contains("Välkommen"));
    let password = secrets
        .get(&fabrik::secrets::SecretKey::Customer {
            customer: store.get_customer(&slug).unwrap().uid,
            which: fabrik::secrets::CustomerSecret::AdminPassword,
        })
        .unwrap()
        .unwrap();
    assert!(
        mail["text"].as_str().unwrap().contains(password.expose()),
        "the one-time password is in the mail"
    );

    // The schema really ran on PostgreSQL: 21 tables, every one with RLS on.
    let project_ref = project["ref"].as_str().unwrap();
    let rows = engine
        .clients()
        .supabase
        .run_query(project_ref, "select count(*)::int as n, bool_and(rowsecurity) as all_rls from pg_tables where schemaname = 'public'")
        .await
        .unwrap();
    assert_eq!(rows[0]["n"], 21);
    assert_eq!(rows[0]["all_rls"], true);

    // Environment variables on the Vercel project; the service-role key stored as sensitive.
    let env = inv["vercel"]["projects"][0]["env"].as_array().unwrap();
    let var = |k: &str| {
        env.iter()
            .find(|e| e["key"] == k)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(var("SUPABASE_SERVICE_ROLE_KEY")["type"], "sensitive");
    assert_eq!(var("FABRIK_CUSTOMER_SLUG")["value"], slug);
    assert_eq!(var("FABRIK_MODULES")["value"], "crm,email,content");

    let c = store.get_customer(&slug).unwrap();
    assert_eq!(c.status, fabrik::customer::Status::Active);
    assert_eq!(
        c.instance.supabase_project_ref.as_deref(),
        Some(project_ref)
    );
    assert!(c
        .instance
        .production_url
        .as_deref()
        .unwrap()
        .starts_with("https://"));
    assert!(
        c.instance.github_repo_url.is_some()
            && c.instance.vercel_project_id.is_some()
            && c.instance.n8n_workflow_id.is_some()
    );

    // Provisioning the same customer again adopts everything and sends no second email. Here
    // on a seat whose keyring never held the admin's password: a first attempt creates the
    // admin at once, Supabase answers email_exists, and the admin is adopted; the password
    // that attempt had kept is removed again, since it is not the user's and no email may
    // carry it.
    let admin_password = fabrik::secrets::SecretKey::Customer {
        customer: c.uid.clone(),
        which: fabrik::secrets::CustomerSecret::AdminPassword,
    };
    assert!(secrets.delete(&admin_password).unwrap());
    let again = engine.record(&slug, &RunRequest::Provision).unwrap();
    assert_ne!(again.run_id, run.run_id);
    let events = Events::default();
    let state = engine
        .drive(
            again.driver.clone().expect("this caller drives the run"),
            events.sink(),
            CancellationToken::new(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    assert_eq!(
        counts(&inventory(&sim).await),
        counts(&inv),
        "a second run created nothing"
    );
    let admin = events
        .all()
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .find(|e| e["type"] == "step_done" && e["step"] == "supabase.admin_user")
        .unwrap();
    assert_eq!(admin["outcome"], "adopted", "{}", events.json());
    assert!(
        secrets.get(&admin_password).unwrap().is_none(),
        "no password is kept for an admin whose password Fabrik did not choose"
    );
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teardown_removes_everything() {
    let Some(World {
        sim,
        store,
        engine,
        slug,
        ..
    }) = world("teardown", "Avvecklas AB").await
    else {
        return;
    };
    let run = engine.record(&slug, &RunRequest::Provision).unwrap();
    assert_eq!(
        engine
            .drive(
                run.driver.clone().expect("this caller drives the run"),
                Events::default().sink(),
                CancellationToken::new(),
                false
            )
            .await
            .unwrap(),
        RunState::Succeeded
    );
    let events = Events::default();
    assert_eq!(
        engine
            .run(
                &slug,
                &RunRequest::Teardown {
                    confirmation: slug.to_string()
                },
                events.sink()
            )
            .await
            .unwrap(),
        RunState::Succeeded,
        "{}",
        events.json()
    );
    assert_eq!(inventory(&sim).await["total_created_resources"], 0);
    let c = store.get_customer(&slug).unwrap();
    assert_eq!(c.status, fabrik::customer::Status::Inactive);
    assert!(c.instance.is_empty());
    sim.shutdown().await;
}

/// Someone renames the customer's repository after provisioning, and GitHub redirects the
/// old name. A teardown follows the repository by the id the ledger recorded (still carrying
/// the customer's marker): the renamed repository is the customer's and goes with the rest.
/// Until issue #28 the ledger held only the name, and a renamed repository was left behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teardown_follows_a_renamed_repository_by_its_id() {
    let Some(World {
        sim, engine, slug, ..
    }) = world("renamed", "Flyttat Repo AB").await
    else {
        return;
    };
    let (_, state) = provision(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded);
    let owner = sim.seed().github_org.clone();
    let renamed = reqwest::Client::new()
        .post(format!("{}/__sim/github/rename", sim.base_url()))
        .json(&json!({ "owner": owner, "from": slug, "to": "agency-own-site" }))
        .send()
        .await
        .unwrap();
    assert!(renamed.status().is_success());

    let events = Events::default();
    let state = engine
        .run(
            &slug,
            &RunRequest::Teardown {
                confirmation: slug.to_string(),
            },
            events.sink(),
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let inv = inventory(&sim).await;
    assert_eq!(
        inv["total_created_resources"], 0,
        "the renamed repository went with the rest: {}",
        inv["github"]
    );
    sim.shutdown().await;
}

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

/// A customer whose instance exists cannot be deleted (that would orphan the instance and free
/// its slug for a new customer to adopt); after "Avveckla" it is archived with its runs kept,
/// and its slug stays taken.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_with_history_is_archived_not_deleted() {
    let Some(World {
        sim,
        store,
        engine,
        slug,
        ..
    }) = world("history", "Historik AB").await
    else {
        return;
    };
    let (_, state) = provision(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded);

    let refused = store.delete_customer(&slug).unwrap_err();
    assert_eq!(refused.code().as_str(), "customer_has_instance");
    assert!(refused.to_string().contains("Avveckla"), "{refused}");
    assert!(store.get_customer(&slug).is_ok(), "nothing was deleted");

    assert_eq!(
        engine
            .run(
                &slug,
                &RunRequest::Teardown {
                    confirmation: slug.to_string()
                },
                Events::default().sink()
            )
            .await
            .unwrap(),
        RunState::Succeeded
    );
    store.delete_customer(&slug).unwrap();
    // Archived: out of the register's list, its ledger kept, its slug still taken.
    let listed = store.list_customers(&Default::default()).unwrap();
    assert!(listed.rows.iter().all(|c| c.slug != slug));
    let c = store.get_customer(&slug).unwrap();
    assert_eq!(store.list_runs(Some(c.id), 10).unwrap().len(), 2);
    let again = store.create_customer(
        fabrik::customer::CustomerDraft {
            name: "Historik AB".into(),
            admin_email: "ny@historik.se".into(),
            ..Default::default()
        },
        &fabrik::customer::ModuleManifest::bundled(),
    );
    assert_eq!(
        again.unwrap_err().to_api().fields[0].code.as_str(),
        "slug_taken"
    );
    sim.shutdown().await;
}

/// Sandbox and production share no run, no ledger lookup and no "email already sent": a
/// production "Provisionera" after a sandbox run starts its own run and sends its own welcome.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_and_production_never_share_a_run() {
    use fabrik::environment::Environment;
    let Some(secrets) = keyring("environments") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let sandbox = engine(&sim, store.clone(), secrets.clone(), FailurePolicy::Pause);
    let slug = customer(&store, "Två Miljöer AB");
    // A sandbox run that stopped half-way (paused after a permanent failure).
    fault(
        &sim,
        json!({"method": "POST", "path": "/vercel/v11/projects", "status": 400, "times": 1}),
    )
    .await;
    let (first, state) = provision(&sandbox, &slug).await;
    assert_eq!(state, RunState::Failed);
    clear_faults(&sim).await;

    let production = engine_in(
        &sim,
        store.clone(),
        secrets,
        FailurePolicy::Rollback,
        Environment::Production,
    );
    let second = production.record(&slug, &RunRequest::Provision).unwrap();
    assert_ne!(second.run_id, first.run_id, "a fresh production run");
    assert_eq!(
        store.get_run(second.run_id).unwrap().environment,
        Environment::Production
    );
    let state = production
        .drive(
            second.driver.clone().expect("this caller drives the run"),
            Events::default().sink(),
            CancellationToken::new(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    // The sandbox run is untouched and still resumable in the sandbox.
    assert_eq!(store.get_run(first.run_id).unwrap().state, RunState::Failed);
    let inv = inventory(&sim).await;
    assert_eq!(counts(&inv)["emails"], 1, "production sent its own welcome");
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

/// The main operation of each step, as the simulator's path.
const OPERATIONS: &[(&str, &str, &str)] = &[
    ("supabase.project", "POST", "/supabase/v1/projects"),
    ("supabase.ready", "GET", "/supabase/v1/projects/*"),
    ("supabase.keys", "GET", "/supabase/v1/projects/*/api-keys"),
    (
        "supabase.schema",
        "POST",
        "/supabase/v1/projects/*/database/query",
    ),
    (
        "supabase.admin_user",
        "POST",
        "/supabase-project/*/auth/v1/admin/users",
    ),
    ("github.repo", "POST", "/github/repos/*/*/generate"),
    ("vercel.project", "POST", "/vercel/v11/projects"),
    ("vercel.env", "POST", "/vercel/v10/projects/*/env"),
    ("vercel.deploy", "POST", "/vercel/v13/deployments"),
    ("n8n.workflow", "POST", "/n8n/api/v1/workflows"),
    ("email.welcome", "POST", "/resend/emails"),
];

/// Resources whose name carries the customer's slug.
fn owned_by(inv: &serde_json::Value, slug: &str) -> serde_json::Value {
    let named = |list: &serde_json::Value, field: &str| {
        list.as_array()
            .map(|a| {
                a.iter()
                    .filter(|x| x[field].as_str().is_some_and(|n| n.contains(slug)))
                    .count()
            })
            .unwrap_or(0)
    };
    json!({
        "projects": named(&inv["supabase"]["projects"], "name"),
        "repos": named(&inv["github"]["repos"], "full_name"),
        "vercel_projects": named(&inv["vercel"]["projects"], "name"),
        "workflows": named(&inv["n8n"]["workflows"], "name"),
        "emails": inv["resend"]["emails"].as_array().map(|a| a.iter().filter(|m| m["text"].as_str().is_some_and(|t| t.contains(slug))).count()).unwrap_or(0),
    })
}

// The transient fault matrix, one kind of fault per test so that the four (mostly waiting
// out retries and timeouts) run side by side; each has a simulator of its own, since a fault
// applies to whichever request matches first.

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

async fn transient_on_every_step(kind: &str, effect: serde_json::Value) {
    let Some(secrets) = keyring(&format!("faults-{kind}")) else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let timing = match kind {
        "delay" => short_timeout_timing(),
        _ => fast_timing(),
    };
    let engine = engine_timed(
        &sim,
        store.clone(),
        secrets,
        FailurePolicy::Rollback,
        fabrik::environment::Environment::Sandbox,
        timing,
    );
    let mut table = Vec::new();
    for (step, method, path) in OPERATIONS {
        let slug = customer(&store, &format!("Fel {kind} {}", step.replace('.', " ")));
        clear_faults(&sim).await;
        let mut spec = effect.clone();
        spec["method"] = json!(method);
        spec["path"] = json!(path);
        fault(&sim, spec).await;
        let (_, state, events) = provision_logged(&engine, &slug).await;
        let retries = events
            .all()
            .iter()
            .filter(|e| matches!(e, fabrik::provision::RunEvent::StepRetrying { .. }))
            .count();
        table.push(format!(
            "{step:<20} {kind:<5} {} retries={retries}",
            state.as_str()
        ));
        assert_eq!(
            state,
            RunState::Succeeded,
            "{step} {kind}: {}",
            events.json()
        );
        // A late create after a timeout is adopted by the retry, never doubled.
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        let mine = owned_by(&inventory(&sim).await, &slug);
        assert_eq!(
            mine,
            json!({"projects": 1, "repos": 1, "vercel_projects": 1, "workflows": 1, "emails": 1}),
            "{step} {kind}"
        );
    }
    println!("fault matrix (transient, {kind}):\n{}", table.join("\n"));
    sim.shutdown().await;
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

/// The instance card and the status are the environment's own: a sandbox run fills the
/// sandbox card, a production run the production card, and a production teardown clears
/// production's only. Before, both environments wrote one card on the customer, so a
/// production window showed (and "Avveckla" targeted) what a sandbox run had made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_environment_has_its_own_instance_card() {
    let (Some(sandbox_keys), Some(production_keys)) =
        (keyring("card-sandbox"), keyring("card-production"))
    else {
        return;
    };
    // Two clouds, as in real life: the sandbox's simulator and "production".
    let (sandbox_cloud, production_cloud) =
        (sim(Profile::Instant).await, sim(Profile::Instant).await);
    let store = store();
    let sandbox = engine(
        &sandbox_cloud,
        store.clone(),
        sandbox_keys,
        FailurePolicy::Rollback,
    );
    let slug = customer(&store, "Två Kort AB");
    let (_, state) = provision(&sandbox, &slug).await;
    assert_eq!(state, RunState::Succeeded);
    let card = |env| store.get_customer_in(&slug, env).unwrap();
    let sandbox_card = card(Environment::Sandbox);
    assert_eq!(sandbox_card.status, fabrik::customer::Status::Active);
    assert!(sandbox_card.instance.supabase_project_ref.is_some());
    let untouched = card(Environment::Production);
    assert_eq!(untouched.status, fabrik::customer::Status::Pending);
    assert!(untouched.instance.is_empty(), "{:?}", untouched.instance);
    assert_eq!(untouched.environment, Environment::Production);

    let production = engine_in(
        &production_cloud,
        store.clone(),
        production_keys,
        FailurePolicy::Rollback,
        Environment::Production,
    );
    let (_, state) = provision(&production, &slug).await;
    assert_eq!(state, RunState::Succeeded);
    let production_card = card(Environment::Production);
    assert_eq!(production_card.status, fabrik::customer::Status::Active);
    assert!(production_card.instance.supabase_project_ref.is_some());
    // (Both simulators start from one seed, so the ids may coincide; the clouds do not.)
    assert_eq!(counts(&inventory(&production_cloud).await)["projects"], 1);
    assert_eq!(card(Environment::Sandbox).instance, sandbox_card.instance);

    // The register lists each environment's status.
    store.set_environment(Environment::Production);
    let query = fabrik::customer::CustomerQuery::default();
    assert_eq!(
        store.list_customers(&query).unwrap().rows[0].production_url,
        production_card.instance.production_url
    );

    // A production teardown clears production's card and leaves the sandbox's as it was.
    let state = production
        .run(
            &slug,
            &RunRequest::Teardown {
                confirmation: slug.to_string(),
            },
            Events::default().sink(),
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    assert!(card(Environment::Production).instance.is_empty());
    assert_eq!(
        card(Environment::Production).status,
        fabrik::customer::Status::Inactive
    );
    let after = card(Environment::Sandbox);
    assert_eq!(after.instance, sandbox_card.instance);
    assert_eq!(after.status, fabrik::customer::Status::Active);
    assert_eq!(
        counts(&inventory(&sandbox_cloud).await),
        json!({"projects": 1, "repos": 1, "vercel_projects": 1, "workflows": 1, "emails": 1}),
        "the sandbox's instance is still there"
    );
    cleanup(&sandbox, &slug).await;
    sandbox_cloud.shutdown().await;
    production_cloud.shutdown().await;
}

/// Day one, as the customer's first admin lives it: they sign in with the e-mailed password
/// (the simulator's Auth issues the token), and with that token's claims applied the way the
/// Supabase Data API applies them (role `authenticated`, `request.jwt.claims`) they see their
/// organization and their own profile, add a contact and read it back — and another
/// organization's rows in the same database stay invisible. Before, the run wrote no
/// organization and no profile, and the template's RLS showed the admin 0 rows everywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_admin_signs_in_and_sees_only_their_organization() {
    use base64::Engine as _;
    use fabrik::secrets::{CustomerSecret, SecretKey};

    let Some(World {
        sim,
        store,
        engine,
        slug,
        secrets,
    }) = world("first-login", "Första Inloggning AB").await
    else {
        return;
    };
    let (_, state, events) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let c = store.get_customer(&slug).unwrap();
    let project_ref = c.instance.supabase_project_ref.clone().unwrap();

    // The e-mailed one-time password, and the project's public (anon) key.
    let password = secrets
        .get(&SecretKey::Customer {
            customer: c.uid.clone(),
            which: CustomerSecret::AdminPassword,
        })
        .unwrap()
        .expect("the admin's password is kept");
    let http = reqwest::Client::new();
    let keys: serde_json::Value = http
        .get(format!(
            "{}/v1/projects/{project_ref}/api-keys?reveal=true",
            sim.supabase_api_url()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let anon = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "anon")
        .unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_string();
    let sign_in = |pw: String| {
        http.post(format!(
            "{}/auth/v1/token?grant_type=password",
            sim.supabase_project_url(&project_ref)
        ))
        .header("apikey", &anon)
        .json(&json!({ "email": c.admin_email, "password": pw }))
        .send()
    };
    let wrong = sign_in("fel-lösenord".into()).await.unwrap();
    assert_eq!(wrong.status(), 400);
    let session: serde_json::Value = sign_in(password.expose().to_string())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["access_token"].as_str().expect("signed in");
    assert_eq!(
        session["user"]["user_metadata"]["must_change_password"], true,
        "the one-time password must be changed at first login"
    );
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.split('.').nth(1).unwrap())
        .unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&claims).unwrap();
    assert_eq!(claims["role"], "authenticated");

    // Their first screen, through the simulator's Data API (PostgREST: the token's role and
    // claims, then RLS): exactly their organization; with the bare anon key, nothing.
    let read = |bearer: String| {
        http.get(format!(
            "{}/rest/v1/organizations",
            sim.supabase_project_url(&project_ref)
        ))
        .header("apikey", &anon)
        .bearer_auth(bearer)
        .send()
    };
    let seen: serde_json::Value = read(token.to_string()).await.unwrap().json().await.unwrap();
    assert_eq!(seen.as_array().map(Vec::len), Some(1), "{seen}");
    assert_eq!(seen[0]["name"], c.name.as_str());
    let as_anon = read(anon.clone()).await.unwrap();
    assert_eq!(
        as_anon.status(),
        401,
        "a visitor without a session may not read organizations (the template grants anon nothing)"
    );

    // The customer's database on the real PostgreSQL behind the simulator (by its exact name:
    // simulators of tests running side by side hand out the same refs).
    let db = sim
        .project_database(&project_ref)
        .expect("SQL runs on PostgreSQL");
    let mut config: tokio_postgres::Config = cluster().url().parse().unwrap();
    config.dbname(&db);
    let (mut pg, conn) = config.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    // Another tenant in the same database, written past RLS (as the agency's service would).
    pg.batch_execute(
        "insert into public.organizations (id, name, slug) values
           ('00000000-0000-4000-8000-0000000000aa', 'Annan Organisation', 'annan');
         insert into public.contacts (organization_id, first_name) values
           ('00000000-0000-4000-8000-0000000000aa', 'Hemlig');",
    )
    .await
    .unwrap();

    // As the signed-in admin, the way PostgREST runs a request.
    let tx = pg.transaction().await.unwrap();
    tx.batch_execute("set local role authenticated")
        .await
        .unwrap();
    tx.execute(
        "select set_config('request.jwt.claims', $1, true)",
        &[&claims.to_string()],
    )
    .await
    .unwrap();
    let orgs = tx
        .query("select id::text, name, plan from public.organizations", &[])
        .await
        .unwrap();
    let orgs: Vec<(String, String, String)> = orgs
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        orgs,
        [(c.uid.clone(), c.name.clone(), "pro".to_string())],
        "exactly their own organization"
    );
    let role: String = tx
        .query_one("select role from public.users where id = auth.uid()", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(role, "owner");
    let hidden = tx
        .query("select first_name from public.contacts", &[])
        .await
        .unwrap();
    assert!(
        hidden.is_empty(),
        "another organization's contact is invisible"
    );
    tx.execute(
        "insert into public.contacts (organization_id, first_name, email) values ($1::text::uuid, 'Karin', 'karin@kund.se')",
        &[&c.uid],
    )
    .await
    .unwrap();
    let mine: Vec<String> = tx
        .query("select first_name from public.contacts", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(mine, ["Karin"]);
    let into_other = tx
        .execute(
            "insert into public.contacts (organization_id, first_name) values ('00000000-0000-4000-8000-0000000000aa', 'Inkräktare')",
            &[],
        )
        .await;
    assert!(
        into_other.is_err(),
        "writing into another organization is refused"
    );
    drop(tx);
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

/// n8n serves one active webhook per method and path. Each customer's workflow listens on its
/// own path, derived from the customer's id, so two customers' workflows are both active.
/// Before, every workflow used the template's `fabrik-events` and the second activation was
/// refused (409, as n8n does).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_customers_workflows_are_both_active_on_their_own_paths() {
    let Some(secrets) = keyring("webhooks") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let mut paths = Vec::new();
    let mut slugs = Vec::new();
    for name in ["Första Flödet AB", "Andra Flödet AB"] {
        let slug = customer(&store, name);
        let (_, state) = provision(&engine, &slug).await;
        assert_eq!(state, RunState::Succeeded, "{name}");
        let c = store.get_customer(&slug).unwrap();
        let wf = engine
            .clients()
            .n8n
            .get(c.instance.n8n_workflow_id.as_deref().unwrap())
            .await
            .unwrap()
            .expect("the workflow exists");
        assert!(wf.active, "{name}'s workflow is active");
        let hook = wf
            .nodes
            .iter()
            .find(|n| n["type"] == "n8n-nodes-base.webhook")
            .unwrap();
        let path = hook["parameters"]["path"].as_str().unwrap().to_string();
        assert_eq!(path, format!("fabrik-events-{}", c.uid));
        paths.push(path);
        slugs.push(slug);
    }
    assert_ne!(paths[0], paths[1]);
    for slug in &slugs {
        cleanup(&engine, slug).await;
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

/// The instance's address is its production domain, public to anyone: the run reads it from
/// the deployment's aliases, visits it anonymously, and the card, the register and the welcome
/// email carry it — never the per-deployment URL, which Deployment Protection keeps behind a
/// Vercel login (before, that URL was what the customer got, and it answered 401). A
/// production domain that answers 401 too fails the step with the way out, and rolls back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_instance_address_is_the_public_production_domain() {
    let Some(World {
        sim,
        store,
        engine,
        slug,
        ..
    }) = world("production-domain", "Publik Adress AB").await
    else {
        return;
    };
    let (run, state, events) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());

    let expected = format!("https://{slug}.vercel.app");
    let c = store.get_customer(&slug).unwrap();
    assert_eq!(
        c.instance.production_url.as_deref(),
        Some(expected.as_str())
    );
    let row = store
        .list_customers(&Default::default())
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.slug == slug)
        .unwrap();
    assert_eq!(row.production_url.as_deref(), Some(expected.as_str()));
    let inv = inventory(&sim).await;
    let mail = &inv["resend"]["emails"][0];
    for body in ["text", "html"] {
        assert!(
            mail[body].as_str().unwrap().contains(&expected),
            "the email's {body} links the production domain: {mail}"
        );
    }
    let deployment_url = store
        .run_steps(run.run_id)
        .unwrap()
        .into_iter()
        .find(|s| s.key == fabrik::provision::StepKey::VercelDeploy)
        .and_then(|s| s.output)
        .unwrap()["deployment_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !mail["text"].as_str().unwrap().contains(&deployment_url),
        "never the per-deployment URL"
    );
    // As a visitor: the production domain answers, the per-deployment URL asks for a login.
    let visit = |host: &str| {
        let url = sim.vercel_site_url_template().replace("{host}", host);
        async move { reqwest::get(url).await.unwrap().status().as_u16() }
    };
    assert_eq!(visit(&format!("{slug}.vercel.app")).await, 200);
    assert_eq!(
        visit(deployment_url.trim_start_matches("https://")).await,
        401
    );

    // A team whose protection covers production domains too: the step says so and rolls back.
    fault(
        &sim,
        json!({"method": "GET", "path": "/vercel-site/*", "status": 401}),
    )
    .await;
    let other = customer(&store, "Skyddad Adress AB");
    let (_, state, events) = provision_logged(&engine, &other).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    let failed = events.first_failure();
    assert_eq!(failed["step"], "vercel.deploy");
    assert_eq!(failed["code"], "site_not_public", "{failed}");
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .contains(&format!("https://{other}.vercel.app")),
        "{failed}"
    );
    clear_faults(&sim).await;
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

/// `client-config.json` (the build spec's module manifest) is committed to the customer's
/// repository before the first deployment is asked for, lists the customer's modules as
/// enabled and the others as not, and a second run commits nothing again. Before, modules
/// reached the deployment only as one env var.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_config_is_committed_before_the_first_deployment() {
    use base64::Engine as _;
    let Some(secrets) = keyring("client-config") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let c = store
        .create_customer(
            fabrik::customer::CustomerDraft {
                name: "Moduler Och Mer AB".into(),
                admin_email: "admin@moduler.example.se".into(),
                plan: Some(fabrik::customer::Plan::Enterprise),
                ..Default::default()
            },
            &fabrik::customer::ModuleManifest::bundled(),
        )
        .unwrap();
    let slug = c.slug.clone();
    let (_, state, events) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());

    let log = get(&sim, "/__sim/requests").await["requests"]
        .as_array()
        .unwrap()
        .clone();
    let at = |method: &str, path: &str| {
        log.iter()
            .position(|r| r["method"] == method && r["path"].as_str().unwrap().ends_with(path))
    };
    let put = at("PUT", "/contents/client-config.json").expect("the config was committed");
    let deploy = at("POST", "/vercel/v13/deployments").expect("a deployment was made");
    assert!(put < deploy, "committed before the first deployment");

    let owner = &sim.seed().github_org;
    let file: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{}/repos/{owner}/{slug}/contents/client-config.json",
            sim.github_api_url()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let packed: String = file["content"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .collect();
    let config: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(packed)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(config["plan"], "enterprise");
    assert_eq!(config["customer"]["id"], c.uid.as_str());
    for m in ["crm", "email", "social", "content", "accommodation"] {
        assert_eq!(config["modules"][m]["enabled"], true, "{m}: {config}");
    }

    // A second run finds the file as it should be and commits nothing.
    let (_, state, _) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded);
    let puts = get(&sim, "/__sim/requests").await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "PUT")
        .count();
    assert_eq!(puts, 1, "one commit in all");
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
