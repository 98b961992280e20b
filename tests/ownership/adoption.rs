//! Adopting on purpose what Fabrik refused as someone else's: bound to the id the owner was
//! shown, refused again when replaced since, and the same from the command line.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::provision::adoptions::AdoptionRows;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repository_from_the_template_can_be_adopted_on_purpose() {
    adopted_on_purpose("adopt-repo", "Ta Över Repo AB", |slug| {
        json!({"kind": "github_repo", "name": slug, "from_template": true, "description": "Byråns demo"})
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vercel_project_can_be_adopted_on_purpose() {
    adopted_on_purpose(
        "adopt-vercel",
        "Ta Över Sajt AB",
        |slug| json!({"kind": "vercel_project", "name": slug, "env": {"SITE_MODE": "agency"}}),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_n8n_workflow_can_be_adopted_on_purpose() {
    adopted_on_purpose(
        "adopt-n8n",
        "Ta Över Flöde AB",
        |slug| json!({"kind": "n8n_workflow", "name": format!("fabrik-{slug}"), "active": false}),
    )
    .await;
}

/// #28: permission to adopt names the provider id the owner was shown, not only a name. Before
/// anything was shown there is nothing to allow (`--adopt NAME` included); the plan shows the
/// id, and the permission names it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adoption_is_bound_to_the_id_the_owner_was_shown() {
    let Some(w) = world("adopt-shown", "Visat Först AB").await else {
        return;
    };
    let name = format!("fabrik-{}", w.slug);
    let (_, id) = seeded(
        &w,
        json!({"kind": "n8n_workflow", "name": name, "active": false}),
    )
    .await;
    let unseen = w
        .engine
        .allow_adoption(&w.slug, &name, &name, AllowedBy::Cli)
        .map(|a| format!("{a:?}"))
        .unwrap_err();
    assert_eq!(unseen.code().as_str(), "adoption_not_found");

    let plan = w.engine.reader().plan(&w.slug).await.unwrap();
    let item = plan
        .items
        .iter()
        .find(|i| i.adoptable.as_deref() == Some(name.as_str()))
        .expect("the plan refuses the workflow");
    assert_eq!(item.provider_id.as_deref(), Some(id.as_str()));
    assert!(item.detail.sv.contains(&id), "{:?}", item.detail);
    assert!(item.detail.en.contains(&id), "{:?}", item.detail);

    let allowed = w
        .engine
        .allow_adoption(&w.slug, &name, &name, AllowedBy::Cli)
        .unwrap();
    assert_eq!(allowed.state, AdoptionState::Allowed);
    assert_eq!(allowed.external_id.as_deref(), Some(id.as_str()));
    let (run_id, state, events) = run(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded, "{events}");
    let c = w.store.get_customer(&w.slug).unwrap();
    let adopted = w.store.adoptions(c.id).unwrap().remove(0);
    assert_eq!(adopted.state, AdoptionState::Adopted);
    assert_eq!(adopted.adopted_run, Some(run_id));
    assert_eq!(adopted.external_id.as_deref(), Some(id.as_str()));
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// #28: a resource replaced after the owner allowed adopting it (deleted, and another made
/// under the same name) is not what the owner saw: the run refuses it again, names the new id
/// and leaves it as it is; the owner can allow that one in turn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resource_replaced_since_it_was_allowed_is_refused_again() {
    let Some(w) = world("adopt-replaced", "Utbytt Sedan AB").await else {
        return;
    };
    let name = format!("fabrik-{}", w.slug);
    let body = json!({"kind": "n8n_workflow", "name": name, "active": false});
    let (kind, seen) = seeded(&w, body.clone()).await;
    let (_, state, events) = run(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::RolledBack, "{events}");
    w.engine
        .allow_adoption(&w.slug, &name, &name, AllowedBy::Window)
        .unwrap();

    delete_workflow(&w.sim, &seen).await;
    let (_, other) = seeded(&w, body).await;
    assert_ne!(seen, other);
    let before = snapshot(&inventory(&w.sim).await, &kind, &other);
    let (_, state, events) = run(&w.engine, &w.slug).await;
    assert_eq!(
        state,
        RunState::RolledBack,
        "the replacement is refused: {events}"
    );
    assert!(
        events.contains("resource_foreign") && events.contains(&other),
        "the refusal names the new id: {events}"
    );
    assert_eq!(
        snapshot(&inventory(&w.sim).await, &kind, &other),
        before,
        "left exactly as it was"
    );
    let c = w.store.get_customer(&w.slug).unwrap();
    let row = w.store.adoptions(c.id).unwrap().remove(0);
    assert_eq!(row.state, AdoptionState::Refused);
    assert_eq!(row.external_id.as_deref(), Some(other.as_str()));

    let allowed = w
        .engine
        .allow_adoption(&w.slug, &name, &name, AllowedBy::Window)
        .unwrap();
    assert_eq!(allowed.external_id.as_deref(), Some(other.as_str()));
    let (_, state, events) = run(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded, "{events}");
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// The CLI as an owner uses it: `fabrik provision SLUG --yes` is refused at a same-named
/// workflow someone made by hand, the message names it and `--adopt`; the same command with
/// `--adopt NAME` takes it over, writes the marker and records the adoption.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_refuses_a_foreign_workflow_and_adopts_it_with_adopt() {
    let Some(_) = keyring("adopt-process") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let (_dir, db, slug) = register_file(&sim, "Kommandorad AB");
    let name = format!("fabrik-{slug}");
    let seeded = seed(
        &sim,
        json!({"kind": "n8n_workflow", "name": name, "active": false}),
    )
    .await;
    let id = seeded["id"].as_str().unwrap().to_string();
    let before = snapshot(&inventory(&sim).await, "n8n_workflow", &id);

    let refused = cli(&sim, &db)
        .args(["provision", &slug, "--yes"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr).to_string();
    let stdout = String::from_utf8_lossy(&refused.stdout).to_string();
    assert!(!refused.status.success(), "{stdout}\n{stderr}");
    let said = format!("{stdout}\n{stderr}");
    assert!(
        said.contains(&name),
        "the message names the workflow: {said}"
    );
    assert!(said.contains("--adopt"), "and the way out: {said}");
    assert_eq!(
        snapshot(&inventory(&sim).await, "n8n_workflow", &id),
        before,
        "refused: left exactly as it was"
    );

    let adopted = cli(&sim, &db)
        .args(["provision", &slug, "--yes", "--adopt", &name])
        .output()
        .unwrap();
    assert!(
        adopted.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&adopted.stdout),
        String::from_utf8_lossy(&adopted.stderr)
    );
    let store = Store::open(&db).unwrap();
    let c = store
        .get_customer_in(&slug, fabrik::environment::Environment::Production)
        .unwrap();
    let rows = store.adoptions(c.id).unwrap();
    let row = rows.iter().find(|a| a.resource == name).expect("recorded");
    assert_eq!(row.state, AdoptionState::Adopted);
    assert_eq!(row.allowed_by, Some(AllowedBy::Cli));
    assert_eq!(row.external_id.as_deref(), Some(id.as_str()));
    assert_eq!(c.instance.n8n_workflow_id.as_deref(), Some(id.as_str()));
    sim.shutdown().await;
}
