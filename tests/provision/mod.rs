//! The provisioning engine against fabrik-sim on a real PostgreSQL, with the real keyring.

use crate::common;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::ListingRows;

use std::sync::Arc;

use common::*;
use fabrik::environment::Environment;
use fabrik::provision::RunRequest;
use fabrik::provision::{FailurePolicy, RunState};
use fabrik::store::Store;
use fabrik_sim::Profile;
use serde_json::json;
use tokio_util::sync::CancellationToken;

mod delivered;
mod drivers;
mod faults;
mod kept;
mod rerun;

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
