//! Fabrik never changes or deletes what it did not create. The agency's own resources, made by
//! hand with the names Fabrik would use for a customer, are refused, never adopted, and found
//! unchanged after a provisioning run, its rollback and a teardown.

mod common;

use std::sync::Arc;

use common::*;
use fabrik::customer::CustomerPatch;
use fabrik::provision::{FailurePolicy, RunState};
use fabrik::store::Store;
use fabrik_sim::{Profile, SimHandle};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

/// What someone at the agency made by hand, through the providers' own APIs.
struct Foreign {
    repo: String,
    vercel_id: String,
    workflow_id: String,
    project_ref: String,
}

async fn post(url: String, body: Value, n8n: bool) -> Value {
    let c = reqwest::Client::new().post(url).json(&body);
    let c = if n8n {
        c.header("X-N8N-API-KEY", TOKEN)
    } else {
        c.bearer_auth(TOKEN)
    };
    let r = c.send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap()
}

async fn made_by_hand(sim: &SimHandle, slug: &str) -> Foreign {
    let s = sim.seed();
    let repo = post(
        format!("{}/repos/{}/generate", sim.github_api_url(), s.github_template),
        json!({"owner": s.github_org, "name": slug, "private": true, "description": "Byråns egen sajt"}),
        false,
    )
    .await;
    let vercel = post(
        format!(
            "{}/v11/projects?teamId={}",
            sim.vercel_api_url(),
            s.vercel_team_id
        ),
        json!({"name": slug, "environmentVariables": [
            {"key": "SITE_MODE", "value": "agency", "type": "plain", "target": ["production"]}
        ]}),
        false,
    )
    .await;
    let workflow = post(
        format!("{}/workflows", sim.n8n_api_url()),
        json!({"name": format!("fabrik-{slug}"), "nodes": [], "connections": {}, "settings": {}}),
        true,
    )
    .await;
    let project = post(
        format!("{}/v1/projects", sim.supabase_api_url()),
        json!({"name": slug, "organization_slug": s.supabase_org_slug, "region": "eu-north-1",
               "db_pass": "Byrans-egen-1234-losenord"}),
        false,
    )
    .await;
    Foreign {
        repo: repo["full_name"].as_str().unwrap().to_string(),
        vercel_id: vercel["id"].as_str().unwrap().to_string(),
        workflow_id: workflow["id"].as_str().unwrap().to_string(),
        project_ref: project["id"]
            .as_str()
            .or(project["ref"].as_str())
            .unwrap()
            .to_string(),
    }
}

/// The foreign resources as the simulator holds them (what must not change).
fn snapshot(inv: &Value, f: &Foreign) -> Value {
    let find = |list: &Value, key: &str, id: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|x| x[key] == id)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let mut project = find(&inv["supabase"]["projects"], "ref", &f.project_ref);
    // The status advances on its own (COMING_UP → ACTIVE_HEALTHY); that is not Fabrik.
    project["status"] = Value::Null;
    json!({
        "repo": find(&inv["github"]["repos"], "full_name", &f.repo),
        "vercel": find(&inv["vercel"]["projects"], "id", &f.vercel_id),
        "workflow": find(&inv["n8n"]["workflows"], "id", &f.workflow_id),
        "project": project,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agencys_own_resources_are_refused_and_left_unchanged() {
    let Some(secrets) = keyring("ownership") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = Arc::new(Store::open_in_memory().unwrap());
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let slug = customer(&store, "Byrån Själv AB");
    let foreign = made_by_hand(&sim, &slug).await;
    let before = snapshot(&inventory(&sim).await, &foreign);
    assert!(before["repo"].is_object() && before["vercel"].is_object());
    assert!(before["workflow"].is_object() && before["project"].is_object());

    // Provisioning: refused at the first foreign resource, then rolled back.
    let events = Events::default();
    let run = engine.start(&slug).unwrap();
    let state = engine
        .drive(run.run_id, events.sink(), CancellationToken::new(), false)
        .await
        .unwrap();
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    let text = events.json();
    assert!(text.contains("resource_not_ours"), "{text}");
    assert!(
        text.contains("skapades inte av Fabrik för den här kunden"),
        "the refusal names the resource and the way out: {text}"
    );
    assert_eq!(
        snapshot(&inventory(&sim).await, &foreign),
        before,
        "nothing of theirs changed"
    );

    // A teardown of the same ids typed by hand on the instance card deletes none of them.
    let manifest = fabrik::customer::ModuleManifest::bundled();
    store
        .update_customer(
            &slug,
            CustomerPatch {
                github_repo_url: Some(format!("https://github.com/{}", foreign.repo)),
                vercel_project_id: Some(foreign.vercel_id.clone()),
                n8n_workflow_id: Some(foreign.workflow_id.clone()),
                supabase_project_ref: Some(foreign.project_ref.clone()),
                ..Default::default()
            },
            &manifest,
        )
        .unwrap();
    let events = Events::default();
    let state = engine.teardown(&slug, events.sink()).await.unwrap();
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let teardown = store.list_runs(None, 1).unwrap()[0].id;
    let left: Vec<String> = store
        .run_log(teardown, 0)
        .unwrap()
        .into_iter()
        .filter(|l| l.message.sv.contains("lämnas kvar (inte skapad av Fabrik)"))
        .map(|l| l.message.sv)
        .collect();
    assert_eq!(
        left.len(),
        4,
        "every target is said to be left alone: {left:#?}"
    );
    assert_eq!(
        snapshot(&inventory(&sim).await, &foreign),
        before,
        "a teardown of hand-typed foreign ids deleted nothing"
    );
    sim.shutdown().await;
}
