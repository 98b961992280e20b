//! Day two's runs (issue #13) on a delivered instance in the simulator: "Reparera", pause and
//! resume, a new production deployment, a new admin password, and a custom domain from added
//! to verified to removed. Each lifecycle run also fails in the middle once and is rolled back.

use crate::common;
use fabrik::customer::rows::CustomerRows;

use common::*;
use fabrik::customer::Status;
use fabrik::provision::RunRequest;
use fabrik::provision::{RunKind, RunState, StartOutcome, StepKey};
use fabrik::secrets::{CustomerSecret, SecretKey};
use reqwest::Method;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

mod domains;
mod lifecycle;
mod twice;

/// A provisioned customer whose check is healthy.
async fn delivered(tag: &str, name: &str) -> Option<World> {
    let w = world(tag, name).await?;
    let (_, state) = provision(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded);
    assert!(
        w.engine
            .reader()
            .check_health(&w.slug)
            .await
            .unwrap()
            .healthy
    );
    Some(w)
}

async fn done(w: World) {
    clear_faults(&w.sim).await;
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

async fn drive(w: &World, start: StartOutcome) -> (RunState, Events) {
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

async fn day_two(w: &World, kind: RunKind) -> (RunState, Events) {
    let start = w
        .engine
        .record(&w.slug, &RunRequest::without_input(kind).unwrap())
        .unwrap();
    drive(w, start).await
}

fn customer(w: &World) -> fabrik::customer::Customer {
    w.store.get_customer(&w.slug).unwrap()
}

async fn supabase_status(w: &World) -> String {
    let r = customer(w).instance.supabase_project_ref.unwrap();
    let p = api(
        Method::GET,
        format!("{}/v1/projects/{r}", w.sim.supabase_api_url()),
        None,
    )
    .await;
    p["status"].as_str().unwrap().to_string()
}

async fn workflow_active(w: &World) -> bool {
    let id = customer(w).instance.n8n_workflow_id.unwrap();
    let r = reqwest::Client::new()
        .get(format!("{}/workflows/{id}", w.sim.n8n_api_url()))
        .header("X-N8N-API-KEY", TOKEN)
        .send()
        .await
        .unwrap();
    r.json::<Value>().await.unwrap()["active"] == true
}

async fn production_deployment(w: &World) -> String {
    let p = api(
        Method::GET,
        vercel_url(&w.sim, &format!("/v9/projects/{}", w.slug)),
        None,
    )
    .await;
    p["targets"]["production"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no production in {p}"))
        .to_string()
}

/// The password in the newest email to the admin (the one-time line of the welcome text).
async fn mailed_password(w: &World, to: &str) -> (usize, String) {
    let inv = inventory(&w.sim).await;
    let mails: Vec<&Value> = inv["resend"]["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["to"].to_string().contains(to))
        .collect();
    let text = mails.last().unwrap()["text"].as_str().unwrap().to_string();
    let pw = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Engångslösenord: "))
        .unwrap_or_else(|| panic!("no password in {text}"))
        .to_string();
    (mails.len(), pw)
}

/// Signs in as the admin: the HTTP status.
async fn sign_in(w: &World, password: &str) -> u16 {
    let c = customer(w);
    let r = c.instance.supabase_project_ref.unwrap();
    let keys = api(
        Method::GET,
        format!(
            "{}/v1/projects/{r}/api-keys?reveal=true",
            w.sim.supabase_api_url()
        ),
        None,
    )
    .await;
    let anon = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "anon")
        .unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_string();
    reqwest::Client::new()
        .post(format!(
            "{}/auth/v1/token?grant_type=password",
            w.sim.supabase_project_url(&r)
        ))
        .header("apikey", anon)
        .json(&json!({ "email": c.admin_email, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn repair_mends_a_missing_variable_and_an_inactive_workflow() {
    let Some(w) = delivered("d2-repair", "Reparera Mig AB").await else {
        return;
    };
    // Nothing found, nothing to repair.
    let refused = w.engine.record(&w.slug, &RunRequest::Repair).unwrap_err();
    assert_eq!(refused.code().as_str(), "not_now");

    delete_vercel_env(&w.sim, &w.slug, "FABRIK_CUSTOMER_SLUG").await;
    let id = customer(&w).instance.n8n_workflow_id.unwrap();
    deactivate_workflow(&w.sim, &w.store, &w.slug).await;
    let before = production_deployment(&w).await;
    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert!(!h.healthy);

    let start = w.engine.record(&w.slug, &RunRequest::Repair).unwrap();
    let run = w.store.get_run(start.run_id).unwrap();
    assert_eq!(run.kind, RunKind::Repair);
    let keys: Vec<StepKey> = w
        .store
        .run_steps(start.run_id)
        .unwrap()
        .iter()
        .map(|s| s.key)
        .collect();
    assert_eq!(
        keys,
        [
            StepKey::VercelEnv,
            StepKey::N8nWorkflow,
            StepKey::VercelRedeploy
        ],
        "the steps the findings named, and a deployment that reads the variable"
    );
    let (state, events) = drive(&w, start).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert!(h.healthy, "{:#?}", h.findings);
    assert!(workflow_active(&w).await);
    assert_eq!(
        customer(&w).instance.n8n_workflow_id.unwrap(),
        id,
        "the same workflow"
    );
    assert_ne!(production_deployment(&w).await, before);
    done(w).await;
}

async fn step_state(w: &World, run: i64, key: StepKey) -> fabrik::provision::StepState {
    w.store
        .run_steps(run)
        .unwrap()
        .into_iter()
        .find(|s| s.key == key)
        .unwrap()
        .state
}

/// The CLI's day two: `pause`, `resume`, `redeploy`, `admin reset-password`, `domain …`, each a
/// run with the same exit codes as `provision`; a bad domain is refused in Swedish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn day_two_from_the_command_line() {
    let Some(_) = keyring("d2-cli") else {
        return;
    };
    let sim = sim(fabrik_sim::Profile::Instant).await;
    let (_dir, db, slug) = register_file(&sim, "Kommandorad Dag Två AB");
    let run = |args: &[&str]| cli(&sim, &db).args(args).output().unwrap();
    let ok = |args: &[&str]| {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", said(&out));
        said(&out)
    };

    let early = run(&["pause", &slug, "--yes"]);
    assert_eq!(early.status.code(), Some(1), "{}", said(&early));
    assert!(
        said(&early).contains("provisionera kunden först"),
        "{}",
        said(&early)
    );
    ok(&["provision", &slug, "--yes"]);
    // One rule for every act that changes an instance: without a terminal to ask in and
    // without --yes, nothing starts (and the way is named).
    for act in [
        vec!["pause", &slug],
        vec!["redeploy", &slug],
        vec!["admin", "reset-password", &slug],
    ] {
        let refused = run(&act);
        assert_eq!(
            refused.status.code(),
            Some(1),
            "{act:?}: {}",
            said(&refused)
        );
        assert!(
            said(&refused).contains("--yes") && said(&refused).contains("Inte bekräftat"),
            "{act:?}: {}",
            said(&refused)
        );
    }
    let store = fabrik::store::Store::open(&db).unwrap();
    assert_eq!(
        store.list_runs(None, 10).unwrap().len(),
        1,
        "the provisioning only"
    );
    ok(&["pause", &slug, "--yes"]);
    let paused = run(&["status", &slug, "--json"]);
    assert_eq!(paused.status.code(), Some(3), "paused is not healthy");
    let again = run(&["pause", &slug, "--yes"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(said(&again).contains("redan pausad"), "{}", said(&again));
    ok(&["resume", &slug, "--yes"]);
    ok(&["redeploy", &slug, "--yes"]);
    let reset = ok(&["admin", "reset-password", &slug, "--yes"]);
    let inv = inventory(&sim).await;
    let text = inv["resend"]["emails"].as_array().unwrap().last().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_string();
    let password = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Engångslösenord: "))
        .unwrap();
    assert!(
        !reset.contains(password),
        "the new password is never printed"
    );

    let bad = run(&["domain", "add", &slug, "https://kund.se/"]);
    assert_eq!(bad.status.code(), Some(1), "{}", said(&bad));
    assert!(said(&bad).contains("inte ett domännamn"), "{}", said(&bad));
    assert!(ok(&["domain", "status", &slug]).contains("inga egna domäner"));
    let status = run(&["status", &slug]);
    assert_eq!(status.status.code(), Some(0), "{}", said(&status));
    let _ = run(&["teardown", &slug, "--confirm", &slug]);
    sim.shutdown().await;
}

#[tokio::test]
async fn repair_makes_a_deleted_workflow_again_and_the_card_follows() {
    let Some(w) = delivered("d2-repair-gone", "Flöde Borta AB").await else {
        return;
    };
    let old = customer(&w).instance.n8n_workflow_id.unwrap();
    let r = reqwest::Client::new()
        .delete(format!("{}/workflows/{old}", w.sim.n8n_api_url()))
        .header("X-N8N-API-KEY", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert_eq!(
        h.findings
            .iter()
            .map(|f| (f.kind, f.repair))
            .collect::<Vec<_>>(),
        [(
            fabrik::health::FindingKind::Missing,
            Some(StepKey::N8nWorkflow)
        )]
    );
    let start = w.engine.record(&w.slug, &RunRequest::Repair).unwrap();
    let (state, events) = drive(&w, start).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let new = customer(&w).instance.n8n_workflow_id.unwrap();
    assert_ne!(new, old, "a new workflow, and the instance card names it");
    assert!(workflow_active(&w).await);
    assert!(
        w.engine
            .reader()
            .check_health(&w.slug)
            .await
            .unwrap()
            .healthy
    );
    done(w).await;
}

/// One way in for the CLI too (issue #27): a run started from the command line goes through the
/// core's supervisor, so a failed one emails the agency when `alerts.email` is set, as one
/// started in the window does; and every command, reads and runs alike, acts on one
/// environment (the flag, `FABRIK_ENVIRONMENT`, else the window's choice) and says which.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_alerts_on_failure_and_reads_the_environment_it_provisioned() {
    let Some(_) = keyring("d2-cli-env") else {
        return;
    };
    let sim = sim(fabrik_sim::Profile::Instant).await;
    let (_dir, db, slug) = register_file(&sim, "Kommandorad Larm AB");
    let alerts = "larm@byran.example.se";
    fabrik::store::Store::open(&db)
        .unwrap()
        .set_setting("alerts.email", alerts)
        .unwrap();
    let run = |args: &[&str]| cli(&sim, &db).args(args).output().unwrap();
    let agency_mail = |inv: &Value| -> Vec<Value> {
        inv["resend"]["emails"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["to"].to_string().contains(alerts))
            .cloned()
            .collect()
    };

    // The workflow cannot be made: the run fails for good and is rolled back (the CLI's way).
    fault(
        &sim,
        json!({"method": "POST", "path": "/n8n/api/v1/workflows", "status": 400}),
    )
    .await;
    let failed = run(&["provision", &slug, "--yes"]);
    clear_faults(&sim).await;
    assert_eq!(failed.status.code(), Some(1), "{}", said(&failed));
    let mail = agency_mail(&inventory(&sim).await);
    assert_eq!(mail.len(), 1, "one alert for the failed run: {mail:?}");
    let text = mail[0]["text"].as_str().unwrap_or_default();
    assert!(
        text.contains(&slug) && text.contains("slutade som rolled_back"),
        "{text}"
    );

    let done = run(&["provision", &slug, "--yes"]);
    assert!(done.status.success(), "{}", said(&done));
    // It says where it acts, once, on a line of its own.
    let stderr = String::from_utf8_lossy(&done.stderr);
    let environment: Vec<&str> = stderr.lines().filter(|l| l.contains("Miljö:")).collect();
    assert_eq!(
        environment,
        ["Miljö: produktion (vald; --sandbox byter)"],
        "the command says where it acts, once: {}",
        said(&done)
    );
    assert_eq!(
        agency_mail(&inventory(&sim).await).len(),
        1,
        "no alert for a success"
    );
    // Read back where it was provisioned: the delivered instance, not another environment's card.
    let show = run(&["customers", "show", &slug, "--json"]);
    assert!(show.status.success(), "{}", said(&show));
    let c: Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(c["environment"], "production", "{c}");
    assert_eq!(c["status"], "active", "{c}");
    assert!(c["instance"]["production_url"].is_string(), "{c}");
    // Without a flag or FABRIK_ENVIRONMENT: the window's choice (a fresh install: the
    // sandbox), said as such; an explicit --production reads production again.
    let window = cli(&sim, &db)
        .env_remove("FABRIK_ENVIRONMENT")
        .args(["customers", "show", &slug, "--json"])
        .output()
        .unwrap();
    let w: Value = serde_json::from_slice(&window.stdout).unwrap();
    assert_eq!(w["environment"], "sandbox", "{w}");
    // A command of the register alone reaches no cloud: its answer names the environment,
    // and nothing more is said.
    assert!(
        !String::from_utf8_lossy(&window.stderr).contains("Miljö"),
        "{}",
        said(&window)
    );
    let flagged = cli(&sim, &db)
        .env_remove("FABRIK_ENVIRONMENT")
        .args(["--production", "customers", "show", &slug, "--json"])
        .output()
        .unwrap();
    let f: Value = serde_json::from_slice(&flagged.stdout).unwrap();
    assert_eq!(f["status"], "active", "{f}");
    let _ = run(&["teardown", &slug, "--confirm", &slug]);
}

/// #28: a customer imported as active with an instance card Fabrik never delivered (its only
/// provisioning run stopped half-way and was kept) is refused every day-two run, a repair
/// included, with the reason and the way out; the card keeps the workflow typed into it.
#[tokio::test]
async fn an_imported_active_customer_is_refused_every_day_two_run() {
    let Some(w) = world("d2-imported", "Importerad Aktiv AB").await else {
        return;
    };
    // Provisioning was started once and stopped before the end (the welcome email refused);
    // the window keeps such a run, with the projects it made.
    let kept = engine(
        &w.sim,
        w.store.clone(),
        w.secrets.clone(),
        fabrik::provision::FailurePolicy::Pause,
    );
    fault(
        &w.sim,
        json!({"method": "POST", "path": "/resend/emails", "status": 422}),
    )
    .await;
    let (_, outcome, events) = start_and_drive(&kept, &w.slug).await;
    assert_eq!(outcome.unwrap(), RunState::Failed, "{}", events.json());
    clear_faults(&w.sim).await;
    // Then the customer is imported over it: active, with a card typed by hand.
    let typed = "kundens-eget-flode";
    w.store
        .update_customer(
            &w.slug,
            fabrik::customer::CustomerPatch {
                status: Some(Status::Active),
                n8n_workflow_id: Some(typed.into()),
                ..Default::default()
            },
            &fabrik::customer::ModuleManifest::bundled(),
        )
        .unwrap();
    // The check finds the typed workflow missing and names a repair for it.
    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert!(
        h.findings
            .iter()
            .any(|f| f.repair == Some(StepKey::N8nWorkflow)),
        "{:#?}",
        h.findings
    );

    let runs_before = w.store.list_runs(None, 50).unwrap().len();
    for def in fabrik::provision::kinds::all() {
        if !matches!(
            def.requires,
            fabrik::provision::kinds::Requires::Delivered(_)
        ) {
            continue;
        }
        let request = RunRequest::without_input(def.kind).unwrap_or(match def.kind {
            RunKind::DomainAdd => RunRequest::DomainAdd {
                domain: "kund.se".into(),
            },
            _ => RunRequest::DomainRemove {
                domain: "kund.se".into(),
                confirmation: "kund.se".into(),
            },
        });
        let refused = match w.engine.record(&w.slug, &request) {
            Ok(started) => panic!("{:?} was recorded as run {}", def.kind, started.run_id),
            Err(e) => e,
        };
        assert_eq!(refused.code().as_str(), "not_provisioned", "{:?}", def.kind);
        let text = refused.to_string();
        assert!(
            text.contains("har lyckats sedan den senaste avvecklingen")
                && text.contains("provisionera kunden först"),
            "{:?}: the reason and the way out: {text}",
            def.kind
        );
    }
    assert_eq!(w.store.list_runs(None, 50).unwrap().len(), runs_before);
    assert_eq!(
        customer(&w).instance.n8n_workflow_id.as_deref(),
        Some(typed),
        "the card's workflow is the one typed in"
    );
    done(w).await;
}

/// #28: a repair kept after it failed is not resumed once the instance was torn down: `runs
/// resume` is refused with the reason and the way out, and no workflow is made anew for a
/// customer that has none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_repair_is_not_resumed_after_a_teardown() {
    let Some(secrets) = keyring("d2-resume-gone") else {
        return;
    };
    let sim = sim(fabrik_sim::Profile::Instant).await;
    let (_dir, db, slug) = register_file(&sim, "Lagning Efter Avveckling AB");
    let run = |args: &[&str]| cli(&sim, &db).args(args).output().unwrap();
    let ok = |args: &[&str]| {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", said(&out));
    };
    let card = || {
        fabrik::store::Store::open(&db)
            .unwrap()
            .get_customer_in(&slug, fabrik::environment::Environment::Production)
            .unwrap()
    };
    ok(&["provision", &slug, "--yes"]);
    let workflow = card().instance.n8n_workflow_id.unwrap();
    reqwest::Client::new()
        .delete(format!("{}/workflows/{workflow}", sim.n8n_api_url()))
        .header("X-N8N-API-KEY", TOKEN)
        .send()
        .await
        .unwrap();
    fault(
        &sim,
        json!({"method": "POST", "path": "/n8n/api/v1/workflows", "status": 400}),
    )
    .await;
    let failed = run(&["repair", &slug, "--keep-on-failure", "--yes"]);
    assert_eq!(failed.status.code(), Some(1), "{}", said(&failed));
    clear_faults(&sim).await;
    let store = fabrik::store::Store::open(&db).unwrap();
    let repair = store
        .list_runs(None, 10)
        .unwrap()
        .into_iter()
        .find(|r| r.kind == RunKind::Repair)
        .expect("the repair run");
    assert_eq!(repair.state, RunState::Failed);
    ok(&["teardown", &slug, "--confirm", &slug]);

    let resumed = run(&["runs", "resume", &repair.id.to_string()]);
    let text = said(&resumed);
    assert_eq!(resumed.status.code(), Some(1), "{text}");
    assert!(
        text.contains("not_provisioned") && text.contains("provisionera kunden först"),
        "{text}"
    );
    // The rule is the engine's, not only its callers': resumed through it directly, too.
    let engine = engine_in(
        &sim,
        std::sync::Arc::new(store),
        secrets,
        fabrik::provision::FailurePolicy::Pause,
        fabrik::environment::Environment::Production,
    );
    let refused = engine
        .resume(
            repair.id,
            Events::default().sink(),
            tokio_util::sync::CancellationToken::new(),
        )
        .await
        .expect_err("a repair of a torn-down instance is not resumed");
    assert_eq!(refused.code().as_str(), "not_provisioned", "{refused}");
    let inv = inventory(&sim).await;
    assert_eq!(counts(&inv)["workflows"], 0, "{inv}");
    assert!(card().instance.is_empty(), "{:?}", card().instance);
    sim.shutdown().await;
}
