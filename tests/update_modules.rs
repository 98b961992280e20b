//! "Uppdatera moduler" (issue #11): after day one, a changed plan or module list reaches the
//! delivered instance as a run of its own — `client-config.json` in the customer's repository,
//! the modules variable in Vercel, a new production deployment — and a failed update is put
//! back exactly as it was, except what someone changed after Fabrik wrote it.

use crate::common;
use fabrik::customer::rows::CustomerRows;

use common::*;
use fabrik::customer::{CustomerPatch, Module, ModuleManifest, Status};
use fabrik::provision::RunRequest;
use fabrik::provision::{FailurePolicy, RunState, StepKey, StepState};
use serde_json::{json, Value};

/// The customer's `client-config.json` as it is in the repository now: its text and sha.
async fn config_file(w: &World) -> (String, String) {
    use base64::Engine as _;
    let owner = w.sim.seed().github_org.clone();
    let url = format!(
        "{}/repos/{owner}/{}/contents/client-config.json",
        w.sim.github_api_url(),
        w.slug
    );
    let v = api(reqwest::Method::GET, url, None).await;
    let packed: String = v["content"].as_str().unwrap().split_whitespace().collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(packed)
        .unwrap();
    (
        String::from_utf8(bytes).unwrap(),
        v["sha"].as_str().unwrap().to_string(),
    )
}

fn sorted(list: &str) -> String {
    let mut v: Vec<&str> = list.split(',').collect();
    v.sort();
    v.join(",")
}

fn enabled(config: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(config).unwrap();
    v["modules"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, m)| m["enabled"] == true)
        .map(|(k, _)| k.clone())
        .collect()
}

/// The Vercel project: its production deployment and the modules variable's value.
async fn vercel(w: &World) -> (Option<String>, String) {
    let team = w.sim.seed().vercel_team_id.clone();
    let base = w.sim.vercel_api_url();
    let p = api(
        reqwest::Method::GET,
        format!("{base}/v9/projects/{}?teamId={team}", w.slug),
        None,
    )
    .await;
    let env = api(
        reqwest::Method::GET,
        format!(
            "{base}/v10/projects/{}/env?teamId={team}&decrypt=true",
            w.slug
        ),
        None,
    )
    .await;
    let modules = env["envs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "FABRIK_MODULES")
        .map(|e| e["value"].as_str().unwrap().to_string())
        .expect("the modules variable");
    (
        p["targets"]["production"]["id"]
            .as_str()
            .map(str::to_string),
        modules,
    )
}

/// Which deployment answers a visitor at the production domain.
async fn serving(w: &World) -> (u16, Option<String>) {
    let url = w
        .sim
        .vercel_site_url_template()
        .replace("{host}", &format!("{}.vercel.app", w.slug));
    let r = reqwest::get(url).await.unwrap();
    let id = r
        .headers()
        .get("x-fabrik-sim-deployment")
        .map(|v| v.to_str().unwrap().to_string());
    (r.status().as_u16(), id)
}

/// The customer gains the social module after provisioning.
fn add_social(w: &World) {
    let c = w.store.get_customer(&w.slug).unwrap();
    let mut modules = c.modules.clone();
    modules.push(Module::Social);
    w.store
        .update_customer(
            &w.slug,
            CustomerPatch {
                modules: Some(modules),
                expected_version: Some(c.version),
                ..Default::default()
            },
            &ModuleManifest::bundled(),
        )
        .unwrap();
}

async fn update(w: &World, engine: &fabrik::provision::Engine) -> (i64, RunState, Events) {
    let events = Events::default();
    let run = engine.record(&w.slug, &RunRequest::UpdateModules).unwrap();
    let state = engine
        .drive(
            run.driver.clone().expect("this caller drives the update"),
            events.sink(),
            tokio_util::sync::CancellationToken::new(),
            false,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", events.json()));
    (run.run_id, state, events)
}

#[tokio::test]
async fn an_update_writes_the_modules_and_serves_a_new_deployment() {
    let Some(w) = world("update-ok", "Moduler Uppdateras AB").await else {
        return;
    };
    // Before provisioning there is nothing to update.
    let refused = w
        .engine
        .record(&w.slug, &RunRequest::UpdateModules)
        .unwrap_err();
    assert_eq!(refused.code().as_str(), "not_provisioned");

    let (_, state) = provision(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded);
    let c = w.store.get_customer(&w.slug).unwrap();
    assert!(!c.modules_outdated, "just built: {:?}", c.applied);
    assert_eq!(c.applied.as_ref().unwrap().modules, c.modules);
    let (before, before_env) = vercel(&w).await;
    let before = before.expect("a production deployment");
    assert_eq!(sorted(&before_env), "content,crm,email");

    add_social(&w);
    let c = w.store.get_customer(&w.slug).unwrap();
    assert!(
        c.modules_outdated,
        "the saved modules differ from the instance's"
    );

    let (run_id, state, events) = update(&w, &w.engine).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let steps: Vec<StepKey> = w
        .store
        .run_steps(run_id)
        .unwrap()
        .iter()
        .map(|s| s.key)
        .collect();
    assert_eq!(
        steps,
        [
            StepKey::ModulesConfig,
            StepKey::ModulesEnv,
            StepKey::ModulesDeploy
        ]
    );

    let (config, _) = config_file(&w).await;
    assert_eq!(enabled(&config), ["content", "crm", "email", "social"]);
    let (after, env) = vercel(&w).await;
    let after = after.unwrap();
    assert_ne!(after, before, "a new deployment is production");
    assert_eq!(sorted(&env), "content,crm,email,social");
    assert_eq!(serving(&w).await, (200, Some(after.clone())));

    let c = w.store.get_customer(&w.slug).unwrap();
    assert_eq!(c.status, Status::Active);
    assert!(!c.modules_outdated);
    assert!(c.applied.unwrap().modules.contains(&Module::Social));
    // The provisioning run's address stays the instance's.
    assert_eq!(
        c.instance.production_url.as_deref(),
        Some(format!("https://{}.vercel.app", w.slug).as_str())
    );
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// The new deployment is production when its site answers 401: the update fails and is rolled
/// back — production goes back to the deployment it replaced, the file and the variable to
/// their earlier values — and the instance stays active, still built with the old modules.
#[tokio::test]
async fn a_failed_update_puts_back_what_ran_before() {
    let Some(w) = world("update-back", "Moduler Tillbaka AB").await else {
        return;
    };
    let (_, state) = provision(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded);
    let (config_before, _) = config_file(&w).await;
    let (production_before, env_before) = vercel(&w).await;
    add_social(&w);

    fault(
        &w.sim,
        json!({"method": "GET", "path": "/vercel-site/*", "status": 401}),
    )
    .await;
    let (run_id, state, events) = update(&w, &w.engine).await;
    clear_faults(&w.sim).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    let failed = events.first_failure();
    assert_eq!(failed["step"], "modules.deploy");
    assert_eq!(failed["code"], "site_not_public", "{failed}");

    assert_eq!(config_file(&w).await.0, config_before);
    let (production, env) = vercel(&w).await;
    assert_eq!(production, production_before, "production given back");
    assert_eq!(env, env_before);
    assert_eq!(serving(&w).await, (200, production_before));
    for s in w.store.run_steps(run_id).unwrap() {
        assert_eq!(s.state, StepState::Compensated, "{:?}", s.key);
    }
    let c = w.store.get_customer(&w.slug).unwrap();
    assert_eq!(c.status, Status::Active, "the instance kept serving");
    assert!(c.modules_outdated, "still built with the old modules");
    assert!(!c.applied.unwrap().modules.contains(&Module::Social));
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// Someone edits `client-config.json` after a failed update wrote it and before it is rolled
/// back: the rollback leaves their file alone and says so, and still puts the rest back.
#[tokio::test]
async fn a_rollback_leaves_a_file_someone_changed_since() {
    let Some(w) = world("update-theirs", "Moduler Deras AB").await else {
        return;
    };
    let (_, state) = provision(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded);
    let (_, env_before) = vercel(&w).await;
    add_social(&w);

    let pausing = engine(
        &w.sim,
        w.store.clone(),
        w.secrets.clone(),
        FailurePolicy::Pause,
    );
    fault(
        &w.sim,
        json!({"method": "POST", "path": "/vercel/v13/deployments", "outcome": "ERROR"}),
    )
    .await;
    let (run_id, state, events) = update(&w, &pausing).await;
    clear_faults(&w.sim).await;
    assert_eq!(state, RunState::Failed, "{}", events.json());
    let (written, sha) = config_file(&w).await;
    assert!(enabled(&written).contains(&"social".to_string()));

    // A developer's own edit, through the API, on top of Fabrik's.
    use base64::Engine as _;
    let theirs = written.replace("\"version\"", "\"edited_by\": \"dev\",\n  \"version\"");
    let owner = w.sim.seed().github_org.clone();
    api(
        reqwest::Method::PUT,
        format!(
            "{}/repos/{owner}/{}/contents/client-config.json",
            w.sim.github_api_url(),
            w.slug
        ),
        Some(json!({
            "message": "hand edit",
            "content": base64::engine::general_purpose::STANDARD.encode(&theirs),
            "sha": sha,
        })),
    )
    .await;

    let state = pausing
        .rollback(run_id, Events::default().sink())
        .await
        .unwrap();
    assert_eq!(state, RunState::RolledBack);
    assert_eq!(config_file(&w).await.0, theirs, "their edit stays");
    assert_eq!(vercel(&w).await.1, env_before, "the variable is put back");
    let steps = w.store.run_steps(run_id).unwrap();
    let config = steps
        .iter()
        .find(|s| s.key == StepKey::ModulesConfig)
        .unwrap();
    assert_eq!(config.state, StepState::Skipped);
    let log = w.store.run_log(run_id, 0).unwrap();
    assert!(
        log.iter()
            .any(|l| l.message.sv.contains("har ändrats av någon annan")
                && l.message.sv.contains("client-config.json")),
        "{log:#?}"
    );
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// From the command line: a customer not yet delivered is refused with the way out; after
/// provisioning and a plan change, `fabrik update-modules` brings the instance to the plan's
/// modules and the customer no longer reads as outdated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_modules_from_the_command_line() {
    let Some(_) = keyring("update-cli") else {
        return;
    };
    let sim = sim(fabrik_sim::Profile::Instant).await;
    let (_dir, db, slug) = register_file(&sim, "Moduler Kommandorad AB");
    let run = |args: &[&str]| cli(&sim, &db).args(args).output().unwrap();

    let early = run(&["update-modules", &slug, "--yes"]);
    let text = said(&early);
    assert!(!early.status.success(), "{text}");
    assert!(
        text.contains("har ingen levererad instans") && text.contains("provisionera kunden först"),
        "{text}"
    );

    let provisioned = run(&["provision", &slug, "--yes"]);
    assert!(provisioned.status.success(), "{}", said(&provisioned));
    let edited = run(&["customers", "edit", &slug, "--plan", "enterprise"]);
    assert!(edited.status.success(), "{}", said(&edited));
    // The CLI works in production without --sandbox; the card read is production's.
    let show = |slug: &str| -> Value {
        let store = fabrik::store::Store::open(&db).unwrap();
        let c = store
            .get_customer_in(slug, fabrik::environment::Environment::Production)
            .unwrap();
        serde_json::to_value(c).unwrap()
    };
    let before = show(&slug);
    assert_eq!(before["modules_outdated"], true, "{before}");

    let updated = run(&["update-modules", &slug, "--yes"]);
    let text = said(&updated);
    assert!(updated.status.success(), "{text}");
    assert!(text.contains("client-config.json"), "{text}");
    let c = show(&slug);
    assert_eq!(c["modules_outdated"], false, "{c}");
    assert_eq!(c["applied"]["plan"], "enterprise", "{c}");
    assert_eq!(c["status"], "active");
    assert!(!text.contains(TOKEN), "no token in the output");
    sim.shutdown().await;
}

/// After a rollback pinned production to the earlier deployment, Vercel no longer moves the
/// domains to new deployments by itself: the next update promotes its own, and the visitor gets it.
#[tokio::test]
async fn the_update_after_a_rollback_promotes_its_deployment() {
    let Some(w) = world("update-promote", "Moduler Befordras AB").await else {
        return;
    };
    let (_, state) = provision(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded);
    let (pinned, _) = vercel(&w).await;
    add_social(&w);
    fault(
        &w.sim,
        json!({"method": "GET", "path": "/vercel-site/*", "status": 401, "times": 1}),
    )
    .await;
    let (_, state, events) = update(&w, &w.engine).await;
    clear_faults(&w.sim).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    assert_eq!(vercel(&w).await.0, pinned, "production pinned back");

    let (_, state, events) = update(&w, &w.engine).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let (production, _) = vercel(&w).await;
    assert_ne!(production, pinned, "the new deployment is production");
    assert_eq!(serving(&w).await, (200, production));
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}
