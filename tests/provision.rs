//! The provisioning engine against fabrik-sim on a real PostgreSQL, with the real keyring.

mod common;

use std::sync::Arc;

use common::*;
use fabrik::provision::{FailurePolicy, RunState};
use fabrik::store::Store;
use fabrik_sim::Profile;
use serde_json::json;
use tokio_util::sync::CancellationToken;

fn store() -> Arc<Store> {
    Arc::new(Store::open_in_memory().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn happy_path_creates_one_of_each_and_a_rerun_creates_nothing() {
    let Some(secrets) = keyring("happy") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let engine = engine(
        &sim,
        store.clone(),
        secrets.clone(),
        FailurePolicy::Rollback,
    );
    let slug = customer(&store, "Åsa's Bageri & Café AB");
    let events = Events::default();
    let run = engine.start(&slug).unwrap();
    let state = engine
        .drive(run.run_id, events.sink(), CancellationToken::new(), false)
        .await
        .unwrap();
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
            slug: slug.clone(),
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
        .clients
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

    // Provisioning the same customer again adopts everything and sends no second email.
    let again = engine.start(&slug).unwrap();
    assert_ne!(again.run_id, run.run_id);
    let state = engine
        .drive(
            again.run_id,
            Events::default().sink(),
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
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

/// Tears the customer down so the keyring entries go too.
async fn cleanup(engine: &fabrik::provision::Engine, slug: &str) {
    let _ = engine.teardown(slug, Events::default().sink()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teardown_removes_everything() {
    let Some(secrets) = keyring("teardown") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let slug = customer(&store, "Avvecklas AB");
    let run = engine.start(&slug).unwrap();
    assert_eq!(
        engine
            .drive(
                run.run_id,
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
        engine.teardown(&slug, events.sink()).await.unwrap(),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_starts_make_one_run() {
    let Some(secrets) = keyring("concurrent") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let slug = customer(&store, "Dubbelklick AB");
    let a = engine.start(&slug).unwrap();
    let b = engine.start(&slug).unwrap();
    assert_eq!(a.run_id, b.run_id);
    assert!(!a.already_running && b.already_running);
    assert_eq!(store.list_runs(None, 10).unwrap().len(), 1);
    engine
        .drive(
            a.run_id,
            Events::default().sink(),
            CancellationToken::new(),
            false,
        )
        .await
        .unwrap();
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}
