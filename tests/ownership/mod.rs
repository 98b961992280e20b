//! Fabrik never changes or deletes what it did not create. Resources "made by someone else"
//! are seeded through the simulator's `/__sim/foreign` with the names Fabrik would use for a
//! customer; for each kind a run provisions, rolls back and tears down, and the foreign
//! resource is found unchanged (env vars, deployments, activation, contents). Adopting on
//! purpose writes the marker, is recorded in the ledger, and from then on the resource is the
//! customer's.

use crate::common;
use fabrik::customer::rows::CustomerRows;
use fabrik::provision::adoptions::AdoptionRows;

use common::*;
use fabrik::customer::CustomerPatch;
use fabrik::provision::RunRequest;
use fabrik::provision::{AdoptionState, AllowedBy, Engine, RunState, TargetVerdict};
use fabrik::store::Store;
use fabrik_sim::Profile;
use serde_json::{json, Value};

mod adoption;

/// Where a kind of resource sits in the inventory, and the key that identifies it.
fn list_of(kind: &str) -> (&'static str, &'static str, &'static str) {
    match kind {
        "supabase_project" => ("supabase", "projects", "ref"),
        "github_repo" => ("github", "repos", "full_name"),
        "vercel_project" => ("vercel", "projects", "id"),
        "n8n_workflow" => ("n8n", "workflows", "id"),
        other => panic!("unknown kind {other}"),
    }
}

/// The foreign resource as the simulator holds it: everything that must not change. A Vercel
/// project comes with its deployments; a Supabase project's status advances on its own.
fn snapshot(inv: &Value, kind: &str, id: &str) -> Value {
    let (provider, list, key) = list_of(kind);
    let mut found = inv[provider][list]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x[key] == id)
        .cloned()
        .unwrap_or(Value::Null);
    if kind == "supabase_project" && found.is_object() {
        found["status"] = Value::Null;
    }
    let deployments: Vec<Value> = inv["vercel"]["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["project_id"] == id)
        .cloned()
        .collect();
    json!({ "resource": found, "deployments": deployments })
}

/// What Fabrik itself made and still exists (not seeded, not foreign).
fn fabriks_own(inv: &Value) -> usize {
    [
        ("supabase", "projects"),
        ("github", "repos"),
        ("vercel", "projects"),
        ("n8n", "workflows"),
    ]
    .iter()
    .map(|(p, l)| {
        inv[p][l]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["foreign"] != true && x["seeded"] != true)
            .count()
    })
    .sum()
}

/// Starts and drives the customer's run; its end state and every event as JSON text.
async fn run(engine: &Engine, slug: &str) -> (i64, RunState, String) {
    let (run, state, events) = provision_logged(engine, slug).await;
    (run.run_id, state, events.json())
}

/// Seeds one foreign resource; its kind and the id the inventory and the ledger know it by.
async fn seeded(w: &World, body: Value) -> (String, String) {
    let kind = body["kind"].as_str().unwrap().to_string();
    let made = seed(&w.sim, body).await;
    let id = made["ref"]
        .as_str()
        .or(made["full_name"].as_str())
        .or(made["id"].as_str())
        .unwrap()
        .to_string();
    (kind, id)
}

/// Provision, roll back (on a refusal) and tear down with a foreign resource in the way;
/// the foreign resource is unchanged afterwards and nothing of Fabrik's is left.
/// `refusal`: the code the run fails with, or `None` when it succeeds beside the foreign one.
async fn left_alone(tag: &str, name: &str, body: impl Fn(&str) -> Value, refusal: Option<&str>) {
    let Some(w) = world(tag, name).await else {
        return;
    };
    let (kind, id) = seeded(&w, body(&w.slug)).await;
    let before = snapshot(&inventory(&w.sim).await, &kind, &id);
    assert!(before["resource"].is_object(), "{kind} seeded as {id}");

    let (_, state, events) = run(&w.engine, &w.slug).await;
    if let Some(code) = refusal {
        assert_eq!(state, RunState::RolledBack, "{kind}: {events}");
        assert!(events.contains(code), "{kind}: {events}");
        if code == "resource_foreign" {
            assert!(
                events.contains("skapades inte av Fabrik för den här kunden")
                    && events.contains("--adopt"),
                "the refusal names the resource and the ways out: {events}"
            );
            let c = w.store.get_customer(&w.slug).unwrap();
            let refusals = w.store.adoptions(c.id).unwrap();
            assert_eq!(refusals.len(), 1, "{refusals:?}");
            assert_eq!(refusals[0].state, AdoptionState::Refused);
        }
    } else {
        // Nothing by the customer's marked name: Fabrik makes its own beside it.
        assert_eq!(state, RunState::Succeeded, "{kind}: {events}");
    }
    assert_eq!(
        snapshot(&inventory(&w.sim).await, &kind, &id),
        before,
        "{kind}: nothing of theirs changed by the run or its rollback"
    );

    let preview = w.engine.reader().teardown_preview(&w.slug).await.unwrap();
    assert!(
        preview.iter().all(|t| t.id != id),
        "the foreign {kind} is no teardown target: {preview:?}"
    );
    let state = w
        .engine
        .run(
            &w.slug,
            &RunRequest::Teardown {
                confirmation: w.slug.to_string(),
            },
            Events::default().sink(),
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    let inv = inventory(&w.sim).await;
    assert_eq!(
        snapshot(&inv, &kind, &id),
        before,
        "{kind}: nothing of theirs changed by the teardown"
    );
    assert_eq!(
        fabriks_own(&inv),
        0,
        "everything Fabrik made is gone: {inv}"
    );
    w.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_named_supabase_project_is_left_alone() {
    left_alone(
        "foreign-supabase",
        "Egen Databas AB",
        |slug| json!({"kind": "supabase_project", "name": slug}),
        None,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_named_github_repository_is_refused_and_left_alone() {
    left_alone(
        "foreign-repo",
        "Eget Repo AB",
        |slug| json!({"kind": "github_repo", "name": slug, "description": "Byråns egen sajt"}),
        // Not from the template: not adoptable either.
        Some("repo_name_taken"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_named_repository_from_the_template_is_refused_and_left_alone() {
    left_alone(
        "foreign-template-repo",
        "Mallrepo AB",
        |slug| json!({"kind": "github_repo", "name": slug, "from_template": true, "description": "Byråns demo"}),
        Some("resource_foreign"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlinked_vercel_project_is_refused_and_left_alone() {
    left_alone(
        "foreign-vercel",
        "Egen Sajt AB",
        |slug| {
            json!({"kind": "vercel_project", "name": slug, "env": {"SITE_MODE": "agency"}, "deployments": 2})
        },
        Some("resource_foreign"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vercel_project_linked_to_the_same_repo_is_refused_and_left_alone() {
    left_alone(
        "foreign-vercel-linked",
        "Länkad Sajt AB",
        |slug| {
            json!({"kind": "vercel_project", "name": slug, "env": {"SITE_MODE": "agency"},
                   "linked_repo": format!("fabrik-agency/{slug}"), "deployments": 1})
        },
        Some("resource_foreign"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_named_n8n_workflow_is_refused_and_left_alone() {
    left_alone(
        "foreign-n8n",
        "Eget Flöde AB",
        |slug| json!({"kind": "n8n_workflow", "name": format!("fabrik-{slug}"), "active": false}),
        Some("resource_foreign"),
    )
    .await;
}

/// Adopting on purpose: refused first; a wrong typed name changes nothing; the right one lets
/// the next run write the marker (recorded with the run and the id), after which the resource
/// is the customer's: a teardown lists it as "tas bort" and deletes it.
async fn adopted_on_purpose(tag: &str, name: &str, body: impl Fn(&str) -> Value) {
    let Some(w) = world(tag, name).await else {
        return;
    };
    let (kind, id) = seeded(&w, body(&w.slug)).await;
    // The id the provider knows it by (a GitHub repository's is a number, not its name).
    let provider_id = match kind.as_str() {
        "github_repo" => {
            snapshot(&inventory(&w.sim).await, &kind, &id)["resource"]["id"].to_string()
        }
        _ => id.clone(),
    };
    let (_, state, events) = run(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::RolledBack, "{events}");
    let c = w.store.get_customer(&w.slug).unwrap();
    let refused = w.store.adoptions(c.id).unwrap().remove(0);
    assert_eq!(refused.external_id.as_deref(), Some(provider_id.as_str()));
    let resource = refused.resource.clone();

    let wrong = w
        .engine
        .allow_adoption(&w.slug, &resource, "fel namn", AllowedBy::Window)
        .unwrap_err();
    assert_eq!(wrong.code().as_str(), "adoption_mismatch");
    let nothing = w
        .engine
        .allow_adoption(&w.slug, "finns-inte", "finns-inte", AllowedBy::Window)
        .unwrap_err();
    assert_eq!(nothing.code().as_str(), "adoption_not_found");
    let allowed = w
        .engine
        .allow_adoption(&w.slug, &resource, &resource, AllowedBy::Window)
        .unwrap();
    assert_eq!(allowed.state, AdoptionState::Allowed);

    let (run_id, state, events) = run(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded, "{events}");
    let adopted = w.store.adoptions(c.id).unwrap().remove(0);
    assert_eq!(adopted.state, AdoptionState::Adopted);
    assert_eq!(adopted.adopted_run, Some(run_id));
    assert_eq!(adopted.external_id.as_deref(), Some(provider_id.as_str()));
    let log = w.store.run_log(run_id, 0).unwrap();
    assert!(
        log.iter()
            .any(|l| l.message.sv.contains("togs över med avsikt")),
        "the adoption is in the run's log"
    );
    let inv = inventory(&w.sim).await;
    let marker = format!("fabrik:{}", c.uid);
    let now = snapshot(&inv, &kind, &id)["resource"].clone();
    assert!(
        now.to_string().contains(&marker) || now.to_string().contains(&c.uid),
        "the marker was written on it: {now}"
    );

    let preview = w.engine.reader().teardown_preview(&w.slug).await.unwrap();
    let target = preview.iter().find(|t| t.id == id).expect("a target");
    assert_eq!(target.verdict, TargetVerdict::Delete, "{preview:?}");
    let state = w
        .engine
        .run(
            &w.slug,
            &RunRequest::Teardown {
                confirmation: w.slug.to_string(),
            },
            Events::default().sink(),
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    let inv = inventory(&w.sim).await;
    assert!(
        snapshot(&inv, &kind, &id)["resource"].is_null(),
        "adopted, so deleted by the teardown"
    );
    assert_eq!(fabriks_own(&inv), 0);
    w.sim.shutdown().await;
}

/// A teardown of ids typed by hand on the instance card, naming the agency's own resources,
/// lists each as "lämnas kvar" and deletes none of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teardown_of_hand_typed_foreign_ids_deletes_nothing() {
    let Some(w) = world("foreign-typed", "Byrån Själv AB").await else {
        return;
    };
    let slug = w.slug.clone();
    let other = format!("{slug}-sajt");
    let project = seed(
        &w.sim,
        json!({"kind": "supabase_project", "name": "byrans-egen"}),
    )
    .await;
    let repo = seed(
        &w.sim,
        json!({"kind": "github_repo", "name": other, "from_template": true}),
    )
    .await;
    let vercel = seed(
        &w.sim,
        json!({"kind": "vercel_project", "name": other, "deployments": 1}),
    )
    .await;
    let workflow = seed(
        &w.sim,
        json!({"kind": "n8n_workflow", "name": "byrans-flode"}),
    )
    .await;
    let ids = [
        (
            "supabase_project",
            project["ref"].as_str().unwrap().to_string(),
        ),
        (
            "github_repo",
            repo["full_name"].as_str().unwrap().to_string(),
        ),
        ("vercel_project", vercel["id"].as_str().unwrap().to_string()),
        ("n8n_workflow", workflow["id"].as_str().unwrap().to_string()),
    ];
    let inv = inventory(&w.sim).await;
    let before: Vec<Value> = ids.iter().map(|(k, id)| snapshot(&inv, k, id)).collect();

    let manifest = fabrik::customer::ModuleManifest::bundled();
    w.store
        .update_customer(
            &slug,
            CustomerPatch {
                supabase_project_ref: Some(ids[0].1.clone()),
                github_repo_url: Some(format!("https://github.com/{}", ids[1].1)),
                vercel_project_id: Some(ids[2].1.clone()),
                n8n_workflow_id: Some(ids[3].1.clone()),
                ..Default::default()
            },
            &manifest,
        )
        .unwrap();
    let preview = w.engine.reader().teardown_preview(&slug).await.unwrap();
    assert_eq!(preview.len(), 4, "{preview:?}");
    assert!(
        preview.iter().all(|t| t.verdict == TargetVerdict::Keep),
        "every hand-typed target is listed as left alone: {preview:?}"
    );
    let state = w
        .engine
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
    let teardown = w.store.list_runs(None, 1).unwrap()[0].id;
    let left = w
        .store
        .run_log(teardown, 0)
        .unwrap()
        .into_iter()
        .filter(|l| l.message.sv.contains("lämnas kvar (inte skapad av Fabrik)"))
        .count();
    assert_eq!(left, 4, "every target is said to be left alone");
    let inv = inventory(&w.sim).await;
    let after: Vec<Value> = ids.iter().map(|(k, id)| snapshot(&inv, k, id)).collect();
    assert_eq!(
        after, before,
        "a teardown of hand-typed foreign ids deleted nothing"
    );
    w.sim.shutdown().await;
}

/// Deletes a workflow in n8n (someone at the agency does, by hand).
async fn delete_workflow(sim: &fabrik_sim::SimHandle, id: &str) {
    let r = reqwest::Client::new()
        .delete(format!("{}/workflows/{id}", sim.n8n_api_url()))
        .header("X-N8N-API-KEY", TOKEN)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

/// `fabrik teardown` as an owner runs it, on a customer whose instance card names the
/// agency's own project and workflow (typed by hand): it lists each target as "lämnas kvar
/// (inte skapad av Fabrik)" before asking, then, confirmed with the slug, deletes nothing of
/// them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_teardown_lists_hand_typed_foreign_ids_as_left_alone() {
    use std::io::Write;
    let Some(_) = keyring("teardown-process") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let (_dir, db, slug) = register_file(&sim, "Handskrivet AB");
    let project = seed(
        &sim,
        json!({"kind": "supabase_project", "name": "byrans-egen-databas"}),
    )
    .await;
    let workflow = seed(
        &sim,
        json!({"kind": "n8n_workflow", "name": "byrans-eget-flode"}),
    )
    .await;
    let (project, workflow) = (
        project["ref"].as_str().unwrap().to_string(),
        workflow["id"].as_str().unwrap().to_string(),
    );
    {
        // The CLI tears down in production: the card is production's.
        let store = Store::open(&db).unwrap();
        store.set_environment(fabrik::environment::Environment::Production);
        store
            .update_customer(
                &slug,
                CustomerPatch {
                    supabase_project_ref: Some(project.clone()),
                    n8n_workflow_id: Some(workflow.clone()),
                    ..Default::default()
                },
                &fabrik::customer::ModuleManifest::bundled(),
            )
            .unwrap();
    }
    let inv = inventory(&sim).await;
    let before = (
        snapshot(&inv, "supabase_project", &project),
        snapshot(&inv, "n8n_workflow", &workflow),
    );

    let mut child = cli(&sim, &db)
        .args(["teardown", &slug])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{slug}").unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for id in [&project, &workflow] {
        let line = stdout
            .lines()
            .find(|l| l.contains(id.as_str()))
            .unwrap_or_else(|| panic!("{id} is listed: {stdout}"));
        assert!(
            line.contains("lämnas kvar (inte skapad av Fabrik)"),
            "{id} is said to be left alone: {line}"
        );
    }
    assert!(!stdout.contains("tas bort\n"), "nothing is to go: {stdout}");
    let inv = inventory(&sim).await;
    assert_eq!(
        (
            snapshot(&inv, "supabase_project", &project),
            snapshot(&inv, "n8n_workflow", &workflow),
        ),
        before,
        "the agency's own project and workflow are exactly as they were"
    );
    sim.shutdown().await;
}

/// Issue #28: a copied marker proves nothing. Someone duplicates a workflow in n8n (the copy
/// carries the customer's marker node) and types the copy's id on the card of a customer Fabrik
/// never provisioned. A teardown lists it as left alone and deletes nothing: only what the
/// ledger recorded, with the marker, is Fabrik's. Before, the marker alone was trusted and the
/// copy was deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copied_marker_on_an_id_only_the_card_names_proves_nothing() {
    let Some(w) = world("copied-marker", "Kopierad Märkning AB").await else {
        return;
    };
    let uid = w.store.get_customer(&w.slug).unwrap().uid;
    let copy = reqwest::Client::new()
        .post(format!("{}/workflows", w.sim.n8n_api_url()))
        .header("X-N8N-API-KEY", TOKEN)
        .json(&json!({
            "name": "Kopia av kundens flöde",
            "nodes": [fabrik::provision::ownership::n8n_node(&uid)],
            "connections": {},
            "settings": {},
        }))
        .send()
        .await
        .unwrap();
    assert!(copy.status().is_success(), "{}", copy.status());
    let id = copy.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = snapshot(&inventory(&w.sim).await, "n8n_workflow", &id);
    assert!(before["resource"].to_string().contains(&uid), "{before}");
    let c = w.store.get_customer(&w.slug).unwrap();
    w.store
        .update_customer(
            &w.slug,
            CustomerPatch {
                n8n_workflow_id: Some(id.clone()),
                expected_version: Some(c.version),
                ..Default::default()
            },
            &fabrik::customer::ModuleManifest::bundled(),
        )
        .unwrap();

    let preview = w.engine.reader().teardown_preview(&w.slug).await.unwrap();
    let target = preview.iter().find(|t| t.id == id).expect("the card's id");
    assert_eq!(target.verdict, TargetVerdict::Keep, "{preview:?}");
    let events = Events::default();
    let state = w
        .engine
        .run(
            &w.slug,
            &RunRequest::Teardown {
                confirmation: w.slug.to_string(),
            },
            events.sink(),
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let after = snapshot(&inventory(&w.sim).await, "n8n_workflow", &id);
    assert_eq!(after, before, "the copy is kept");
    w.sim.shutdown().await;
}
