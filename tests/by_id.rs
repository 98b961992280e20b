//! Every change by the immutable id the ledger recorded (issue #28). After provisioning, the
//! customer's repository and Vercel project are renamed as a person would in the dashboards
//! (GitHub then redirects the old name, Vercel frees it), and strangers are made under the old
//! names, each carrying a copy of the customer's marker. Every day-two run (update, redeploy,
//! repair, pause, resume, a new admin password, a custom domain), a rollback and a
//! teardown then follow the renames to the customer's own resources and leave the strangers
//! exactly as they were: files, commits, variables, deployments and links.

use crate::common;
use fabrik::customer::rows::CustomerRows;

use common::*;
use fabrik::customer::{CustomerPatch, Module, ModuleManifest};
use fabrik::provision::{RunRequest, RunState};
use reqwest::Method;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

/// A provisioned customer.
async fn delivered(tag: &str, name: &str) -> Option<World> {
    let w = world(tag, name).await?;
    let (_, state) = provision(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded);
    Some(w)
}

async fn run(w: &World, request: RunRequest) -> (RunState, Events) {
    let start = w.engine.record(&w.slug, &request).unwrap();
    let events = Events::default();
    let state = w
        .engine
        .drive(
            start.driver.expect("this caller drives the run"),
            events.sink(),
            CancellationToken::new(),
            false,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", events.json()));
    (state, events)
}

/// The customer's resources under their new names, and the strangers under the old ones.
struct Renamed {
    repo: String,
    project_id: String,
    stranger_repo: u64,
    stranger_project: String,
}

async fn rename_and_impersonate(w: &World) -> Renamed {
    let owner = w.sim.seed().github_org.clone();
    let uid = w.store.get_customer(&w.slug).unwrap().uid;
    let new_name = format!("{}-omdopt", w.slug);
    let admin = |path: &str| format!("{}/__sim/{path}", w.sim.base_url());
    let renamed = api(
        Method::POST,
        admin("github/rename"),
        Some(json!({ "owner": owner, "from": w.slug, "to": new_name })),
    )
    .await;
    assert_eq!(renamed["full_name"], format!("{owner}/{new_name}"));
    let project = api(
        Method::POST,
        admin("vercel/rename"),
        Some(json!({ "from": w.slug, "to": new_name })),
    )
    .await;
    let project_id = project["id"].as_str().unwrap().to_string();
    // Strangers under the old names, each with a copy of the customer's marker: a copied
    // marker proves nothing without the ledger's record of that exact id.
    let stranger_repo = seed(
        &w.sim,
        json!({
            "kind": "github_repo", "name": w.slug, "from_template": true,
            "description": format!("En kopia [fabrik:{uid}]"),
        }),
    )
    .await;
    let stranger_project = seed(
        &w.sim,
        json!({
            "kind": "vercel_project", "name": w.slug, "deployments": 1,
            "env": { "FABRIK_CUSTOMER_ID": uid },
        }),
    )
    .await;
    Renamed {
        repo: format!("{owner}/{new_name}"),
        project_id,
        stranger_repo: stranger_repo["id"].as_u64().unwrap(),
        stranger_project: stranger_project["id"].as_str().unwrap().to_string(),
    }
}

/// Everything of the strangers that must not change.
async fn strangers(w: &World, r: &Renamed) -> Value {
    let inv = inventory(&w.sim).await;
    let find = |list: &Value, key: &str, id: Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|x| x[key] == id)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let deployments: Vec<Value> = inv["vercel"]["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["project_id"] == r.stranger_project.as_str())
        .cloned()
        .collect();
    let commits = api(
        Method::GET,
        format!(
            "{}/repos/{}/{}/commits?per_page=100",
            w.sim.github_api_url(),
            w.sim.seed().github_org,
            w.slug
        ),
        None,
    )
    .await;
    json!({
        "repo": find(&inv["github"]["repos"], "id", json!(r.stranger_repo)),
        "commits": commits,
        "project": find(&inv["vercel"]["projects"], "id", json!(r.stranger_project)),
        "deployments": deployments,
    })
}

/// A file of the customer's (renamed) repository.
async fn file(w: &World, repo: &str, path: &str) -> Option<String> {
    use base64::Engine as _;
    let r = reqwest::Client::new()
        .get(format!(
            "{}/repos/{repo}/contents/{path}",
            w.sim.github_api_url()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    if r.status() == 404 {
        return None;
    }
    let v: Value = r.json().await.unwrap();
    let packed: String = v["content"].as_str()?.split_whitespace().collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(packed)
        .unwrap();
    Some(String::from_utf8(bytes).unwrap())
}

async fn production(w: &World, project_id: &str) -> Option<String> {
    let p = api(
        Method::GET,
        vercel_url(&w.sim, &format!("/v9/projects/{project_id}")),
        None,
    )
    .await;
    p["targets"]["production"]["id"]
        .as_str()
        .map(str::to_string)
}

fn add_social(w: &World) {
    let c = w.store.get_customer(&w.slug).unwrap();
    let mut modules = c.modules.clone();
    modules.push(Module::Social);
    let patch = CustomerPatch {
        modules: Some(modules),
        expected_version: Some(c.version),
        ..Default::default()
    };
    w.store
        .update_customer(&w.slug, patch, &ModuleManifest::bundled())
        .unwrap();
}

async fn done(w: World) {
    clear_faults(&w.sim).await;
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// "Uppdatera moduler" writes `client-config.json` into the renamed repository (not into the
/// stranger that took its name), its variable and deployment into the renamed project.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_follows_the_renames_and_leaves_the_strangers_alone() {
    let Some(w) = delivered("id-update", "Omdöpt Uppdatering AB").await else {
        return;
    };
    let r = rename_and_impersonate(&w).await;
    let before = strangers(&w, &r).await;
    let production_before = production(&w, &r.project_id).await;
    add_social(&w);

    let (state, events) = run(&w, RunRequest::UpdateModules).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(
        strangers(&w, &r).await,
        before,
        "the strangers are untouched"
    );
    let config = file(&w, &r.repo, "client-config.json").await.unwrap();
    assert!(config.contains("\"social\""), "{config}");
    assert_ne!(production(&w, &r.project_id).await, production_before);
    done(w).await;
}

/// "Driftsätt igen" deploys into the renamed project, from the renamed repository by its id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redeploy_follows_the_renames_and_leaves_the_strangers_alone() {
    let Some(w) = delivered("id-redeploy", "Omdöpt Driftsättning AB").await else {
        return;
    };
    let r = rename_and_impersonate(&w).await;
    let before = strangers(&w, &r).await;
    let production_before = production(&w, &r.project_id).await;

    let (state, events) = run(&w, RunRequest::Redeploy).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(
        strangers(&w, &r).await,
        before,
        "the strangers are untouched"
    );
    assert_ne!(production(&w, &r.project_id).await, production_before);
    done(w).await;
}

/// "Reparera" writes the missing variable (with the service-role key beside it) into the
/// renamed project only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repair_follows_the_renames_and_leaves_the_strangers_alone() {
    let Some(w) = delivered("id-repair", "Omdöpt Reparation AB").await else {
        return;
    };
    let r = rename_and_impersonate(&w).await;
    delete_vercel_env(&w.sim, &r.project_id, "FABRIK_CUSTOMER_SLUG").await;
    let before = strangers(&w, &r).await;
    let health = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert!(!health.healthy, "the missing variable is found");

    let (state, events) = run(&w, RunRequest::Repair).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(
        strangers(&w, &r).await,
        before,
        "the strangers are untouched"
    );
    let env = api(
        Method::GET,
        vercel_url(&w.sim, &format!("/v10/projects/{}/env", r.project_id)),
        None,
    )
    .await;
    assert!(env["envs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["key"] == "FABRIK_CUSTOMER_SLUG"));
    done(w).await;
}

/// A failed update is rolled back in the renamed repository and project: the file it wrote is
/// put back there, not looked for under the old name (where the stranger is).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_follows_the_renames_and_leaves_the_strangers_alone() {
    let Some(w) = delivered("id-rollback", "Omdöpt Återställning AB").await else {
        return;
    };
    let r = rename_and_impersonate(&w).await;
    let before = strangers(&w, &r).await;
    let config_before = file(&w, &r.repo, "client-config.json").await;
    add_social(&w);
    fault(
        &w.sim,
        json!({"method": "GET", "path": "/vercel-site/*", "status": 401}),
    )
    .await;
    let (state, events) = run(&w, RunRequest::UpdateModules).await;
    clear_faults(&w.sim).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    assert_eq!(
        strangers(&w, &r).await,
        before,
        "the strangers are untouched"
    );
    assert_eq!(file(&w, &r.repo, "client-config.json").await, config_before);
    done(w).await;
}

/// A teardown deletes the customer's renamed repository and project (the ledger's ids, still
/// marked) and leaves the strangers, copied marker and all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teardown_follows_the_renames_and_keeps_the_strangers() {
    let Some(w) = delivered("id-teardown", "Omdöpt Avveckling AB").await else {
        return;
    };
    let r = rename_and_impersonate(&w).await;
    let before = strangers(&w, &r).await;
    let confirmation = w.slug.clone();
    let (state, events) = run(&w, RunRequest::Teardown { confirmation }).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(strangers(&w, &r).await, before, "the strangers are kept");
    let inv = inventory(&w.sim).await;
    let names: Vec<&str> = inv["github"]["repos"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["full_name"].as_str())
        .collect();
    assert!(!names.contains(&r.repo.as_str()), "{names:?}");
    let projects: Vec<&str> = inv["vercel"]["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["id"].as_str())
        .collect();
    assert!(!projects.contains(&r.project_id.as_str()), "{projects:?}");
    w.sim.shutdown().await;
}

/// Pause, resume and a new admin password work on the Supabase project and the workflow by
/// their ids; with the repository and the Vercel project renamed and strangers under the old
/// names, the strangers stay exactly as they were.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_resume_and_a_new_password_leave_the_strangers_alone() {
    let Some(w) = delivered("id-lifecycle", "Omdöpt Livscykel AB").await else {
        return;
    };
    let r = rename_and_impersonate(&w).await;
    let before = strangers(&w, &r).await;
    for request in [
        RunRequest::Pause { cause: None },
        RunRequest::Resume { cause: None },
        RunRequest::ResetPassword,
    ] {
        let (state, events) = run(&w, request.clone()).await;
        assert_eq!(state, RunState::Succeeded, "{request:?}: {}", events.json());
    }
    assert_eq!(
        strangers(&w, &r).await,
        before,
        "the strangers are untouched"
    );
    done(w).await;
}

/// A custom domain goes onto the renamed Vercel project (by its id), not onto the stranger that
/// took its old name, and is made the production address there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_domain_goes_onto_the_renamed_project_and_leaves_the_stranger_alone() {
    let Some(w) = delivered("id-domain", "Omdöpt Domän AB").await else {
        return;
    };
    let r = rename_and_impersonate(&w).await;
    let before = strangers(&w, &r).await;
    let domain = "omdopt.byran.example.se";
    let start = w
        .engine
        .record(
            &w.slug,
            &RunRequest::DomainAdd {
                domain: domain.into(),
            },
        )
        .unwrap();
    let events = Events::default();
    let driving = w.engine.drive(
        start.driver.unwrap(),
        events.sink(),
        CancellationToken::new(),
        false,
    );
    let customer_sets_dns = async {
        // Once the domain is on a project, the customer sets its records.
        for _ in 0..400 {
            let r = reqwest::Client::new()
                .post(format!(
                    "{}/__sim/vercel/domains/{domain}/verifiable",
                    w.sim.base_url()
                ))
                .send()
                .await
                .unwrap();
            if r.status().is_success() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the domain never reached a project: {}", events.json());
    };
    let (state, ()) = tokio::join!(driving, customer_sets_dns);
    assert_eq!(state.unwrap(), RunState::Succeeded, "{}", events.json());
    assert_eq!(strangers(&w, &r).await, before, "the stranger is untouched");
    let inv = inventory(&w.sim).await;
    let ours = inv["vercel"]["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == r.project_id.as_str())
        .cloned()
        .unwrap();
    assert!(
        ours["domains"].to_string().contains(domain),
        "the domain is on the renamed project: {ours}"
    );
    done(w).await;
}
