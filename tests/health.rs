//! Day two (issue #13): a delivered instance checked against what Fabrik delivered. Each kind
//! of finding (missing, changed, unhealthy, paused, unreachable) made real in the simulator
//! the way it happens at a provider, and the check's result kept in the register.

use crate::common;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::HealthRows;

use common::*;
use fabrik::health::{FindingKind, Health, HealthPart};
use fabrik::provision::{RunState, StepKey};
use reqwest::Method;
use serde_json::{json, Value};

/// A provisioned customer, checked once (healthy) before the test changes anything.
async fn delivered(tag: &str, name: &str) -> Option<World> {
    let w = world(tag, name).await?;
    let (_, state) = provision(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded);
    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert!(h.healthy, "just delivered: {:#?}", h.findings);
    Some(w)
}

async fn done(w: World) {
    clear_faults(&w.sim).await;
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// The findings as (part, kind, subject, repair), for comparing.
fn seen(h: &Health) -> Vec<(HealthPart, FindingKind, String, Option<StepKey>)> {
    h.findings
        .iter()
        .map(|f| (f.part, f.kind, f.subject.clone(), f.repair))
        .collect()
}

#[tokio::test]
async fn a_delivered_instance_is_healthy_and_its_check_is_kept() {
    let Some(w) = world("health-ok", "Frisk Instans AB").await else {
        return;
    };
    // Nothing delivered yet: nothing to check.
    let refused = w.engine.reader().check_health(&w.slug).await.unwrap_err();
    assert_eq!(refused.code().as_str(), "not_provisioned");

    provision(&w.engine, &w.slug).await;
    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert!(h.healthy, "{:#?}", h.findings);
    assert!(h.findings.is_empty());
    let site = h.site.clone().expect("the site was visited");
    assert_eq!(site.status, Some(200));
    assert_eq!(site.url, format!("https://{}.vercel.app", w.slug));

    let c = w.store.get_customer(&w.slug).unwrap();
    let kept = w.store.health(c.id, c.environment).unwrap().expect("kept");
    assert_eq!(kept, h);
    done(w).await;
}

#[tokio::test]
async fn a_deleted_variable_is_missing_and_a_narrowed_one_changed() {
    let Some(w) = delivered("health-env", "Variabler Borta AB").await else {
        return;
    };
    let gone = vercel_env_id(&w.sim, &w.slug, "FABRIK_CUSTOMER_SLUG").await;
    let narrowed = vercel_env_id(&w.sim, &w.slug, "FABRIK_MODULES").await;
    api(
        Method::DELETE,
        vercel_url(&w.sim, &format!("/v9/projects/{}/env/{gone}", w.slug)),
        None,
    )
    .await;
    api(
        Method::PATCH,
        vercel_url(&w.sim, &format!("/v9/projects/{}/env/{narrowed}", w.slug)),
        Some(json!({"target": ["preview"]})),
    )
    .await;

    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert!(!h.healthy);
    assert_eq!(
        seen(&h),
        [
            (
                HealthPart::VercelEnv,
                FindingKind::Missing,
                "FABRIK_CUSTOMER_SLUG".into(),
                Some(StepKey::VercelEnv)
            ),
            (
                HealthPart::VercelEnv,
                FindingKind::Changed,
                "FABRIK_MODULES".into(),
                Some(StepKey::VercelEnv)
            ),
        ]
    );
    // Each says what to do, in both languages.
    for f in &h.findings {
        assert!(!f.action.sv.is_empty() && !f.action.en.is_empty());
        assert!(f.message.sv.contains(&f.subject), "{}", f.message.sv);
    }
    done(w).await;
}

#[tokio::test]
async fn a_deactivated_workflow_and_a_public_repository_are_changes() {
    let Some(w) = delivered("health-changed", "Ändrad Instans AB").await else {
        return;
    };
    let workflow = w
        .store
        .get_customer(&w.slug)
        .unwrap()
        .instance
        .n8n_workflow_id
        .unwrap();
    assert_eq!(deactivate_workflow(&w.sim, &w.store, &w.slug).await, 200);
    let owner = w.sim.seed().github_org.clone();
    api(
        Method::PATCH,
        format!("{}/repos/{owner}/{}", w.sim.github_api_url(), w.slug),
        Some(json!({"private": false})),
    )
    .await;

    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    let mut found = seen(&h);
    found.sort_by_key(|f| f.0 as u8);
    assert_eq!(
        found,
        [
            (
                HealthPart::Repository,
                FindingKind::Changed,
                format!("{owner}/{}", w.slug),
                None
            ),
            (
                HealthPart::Workflow,
                FindingKind::Changed,
                workflow,
                Some(StepKey::N8nWorkflow)
            ),
        ]
    );
    done(w).await;
}

#[tokio::test]
async fn a_failing_service_and_a_site_answering_5xx_are_unhealthy() {
    let Some(w) = delivered("health-sick", "Sjuk Instans AB").await else {
        return;
    };
    fault(
        &w.sim,
        json!({"path": "/supabase/v1/projects/*/health", "outcome": "UNHEALTHY"}),
    )
    .await;
    fault(
        &w.sim,
        json!({"path": format!("/vercel-site/{}.vercel.app", w.slug), "status": 503}),
    )
    .await;

    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    let mut found = seen(&h);
    found.sort_by_key(|f| f.0 as u8);
    let url = format!("https://{}.vercel.app", w.slug);
    assert_eq!(
        found,
        [
            (
                HealthPart::SupabaseService,
                FindingKind::Unhealthy,
                "auth".into(),
                None
            ),
            (HealthPart::Site, FindingKind::Unhealthy, url, None),
        ]
    );
    assert_eq!(h.site.as_ref().unwrap().status, Some(503));
    done(w).await;
}

/// One finding, of the Supabase project.
fn the_project_is(
    kind: FindingKind,
    project: String,
) -> Vec<(HealthPart, FindingKind, String, Option<StepKey>)> {
    vec![(HealthPart::SupabaseProject, kind, project, None)]
}

/// The instance's Supabase project.
fn project_of(w: &World) -> String {
    w.store
        .get_customer(&w.slug)
        .unwrap()
        .instance
        .supabase_project_ref
        .unwrap()
}

/// The project used as `profile` says (`/__sim/usage/profile`), then `days` on the simulator's
/// clock; the project's ref.
async fn used_for(w: &World, profile: &str, days: i64) -> String {
    let project = project_of(w);
    let sim = |path: &str| format!("{}/__sim{path}", w.sim.base_url());
    let body = json!({"id": project, "profile": profile});
    api(Method::POST, sim("/usage/profile"), Some(body)).await;
    let body = json!({ "advance_days": days });
    api(Method::POST, sim("/clock"), Some(body)).await;
    project
}

#[tokio::test]
async fn a_paused_project_is_paused() {
    let Some(w) = delivered("health-paused", "Pausad Instans AB").await else {
        return;
    };
    let project = project_of(&w);
    api(
        Method::POST,
        format!("{}/v1/projects/{project}/pause", w.sim.supabase_api_url()),
        None,
    )
    .await;

    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert_eq!(seen(&h), the_project_is(FindingKind::Paused, project));
    done(w).await;
}

/// Supabase pauses a free project nobody has used for 7 days (issue #70; the simulator now does
/// too): the check finds it paused on the day it is, not before.
#[tokio::test]
async fn a_free_project_nobody_used_for_a_week_is_found_paused() {
    let Some(w) = delivered("health-unused", "Oanvand Instans AB").await else {
        return;
    };
    // Used on its first two days, then a whole week unused: still up.
    let project = used_for(&w, "idle", 8).await;
    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert!(h.healthy, "{:#?}", h.findings);

    used_for(&w, "idle", 1).await;
    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert_eq!(seen(&h), the_project_is(FindingKind::Paused, project));
    done(w).await;
}

/// Supabase locks a database past its plan's size for writing (issue #70; the simulator now does
/// too): the check reads the project's read-only mode (v1-get-readonly-mode-status) and says so,
/// and no longer once the lock is lifted for the customer to free space.
#[tokio::test]
async fn a_database_past_its_plans_size_is_found_locked() {
    let Some(w) = delivered("health-locked", "Full Databas AB").await else {
        return;
    };
    // 480 MB and 1 MB a day: past the free plan's 500 MB in three weeks.
    let project = used_for(&w, "near_limit", 25).await;
    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert_eq!(
        seen(&h),
        the_project_is(FindingKind::Unhealthy, project.clone())
    );
    assert_eq!(
        h.findings[0].message,
        fabrik::messages::Say::HealthSupabaseDatabaseReadOnly.text()
    );

    let lift = format!(
        "{}/v1/projects/{project}/readonly/temporary-disable",
        w.sim.supabase_api_url()
    );
    api(Method::POST, lift, None).await;
    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert!(h.healthy, "lifted: {:#?}", h.findings);
    done(w).await;
}

#[tokio::test]
async fn a_part_that_does_not_answer_is_unreachable_and_the_rest_is_still_checked() {
    let Some(w) = delivered("health-unreachable", "Tyst Instans AB").await else {
        return;
    };
    // The site hangs past the call timeout (1 s here); n8n answers 500 every time.
    fault(
        &w.sim,
        json!({"path": format!("/vercel-site/{}.vercel.app", w.slug), "delay_ms": 1500}),
    )
    .await;
    fault(
        &w.sim,
        json!({"path": "/n8n/api/v1/workflows/*", "method": "GET", "status": 500}),
    )
    .await;
    // And something that does answer is wrong: it is found all the same.
    delete_vercel_env(&w.sim, &w.slug, "FABRIK_CUSTOMER_SLUG").await;

    let engine = engine_timed(
        &w.sim,
        w.store.clone(),
        w.secrets.clone(),
        fabrik::provision::FailurePolicy::Rollback,
        fabrik::environment::Environment::Sandbox,
        short_timeout_timing(),
    );
    let h = engine.reader().check_health(&w.slug).await.unwrap();
    let mut found: Vec<_> = seen(&h).into_iter().map(|f| (f.0, f.1)).collect();
    found.sort_by_key(|f| f.0 as u8);
    assert_eq!(
        found,
        [
            (HealthPart::VercelEnv, FindingKind::Missing),
            (HealthPart::Site, FindingKind::Unreachable),
            (HealthPart::Workflow, FindingKind::Unreachable),
        ]
    );
    assert_eq!(h.site.as_ref().unwrap().status, None, "no answer came");
    done(w).await;
}

#[tokio::test]
async fn a_deleted_repository_is_missing() {
    let Some(w) = delivered("health-missing", "Borttagen Instans AB").await else {
        return;
    };
    let owner = w.sim.seed().github_org.clone();
    let r = reqwest::Client::new()
        .delete(format!(
            "{}/repos/{owner}/{}",
            w.sim.github_api_url(),
            w.slug
        ))
        .bearer_auth(TOKEN)
        .header("User-Agent", "fabrik-tests")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);

    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert_eq!(
        seen(&h),
        [(
            HealthPart::Repository,
            FindingKind::Missing,
            format!("{owner}/{}", w.slug),
            None
        )]
    );
    let kept: Value = serde_json::to_value(
        w.store
            .health(w.store.get_customer(&w.slug).unwrap().id, h.environment)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(kept["healthy"], false);
    done(w).await;
}

/// `fabrik status`: exit 0 while every delivered instance is healthy, 3 once one is not; the
/// JSON says `healthy` and, per customer, its `findings`; the table says what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_from_the_command_line() {
    let Some(_) = keyring("health-cli") else {
        return;
    };
    let sim = sim(fabrik_sim::Profile::Instant).await;
    let (_dir, db, slug) = register_file(&sim, "Status Kommandorad AB");
    let run = |args: &[&str]| cli(&sim, &db).args(args).output().unwrap();

    let early = run(&["status", &slug]);
    assert_eq!(early.status.code(), Some(1), "{}", said(&early));
    assert!(
        said(&early).contains("provisionera kunden först"),
        "{}",
        said(&early)
    );
    let none = run(&["status"]);
    assert_eq!(none.status.code(), Some(0), "{}", said(&none));
    assert!(
        said(&none).contains("Inga levererade instanser"),
        "{}",
        said(&none)
    );

    let provisioned = run(&["provision", &slug, "--yes"]);
    assert!(provisioned.status.success(), "{}", said(&provisioned));
    let fine = run(&["status", "--json"]);
    assert_eq!(fine.status.code(), Some(0), "{}", said(&fine));
    let v: Value = serde_json::from_slice(&fine.stdout).unwrap();
    assert_eq!(v["healthy"], true, "{v}");
    assert_eq!(v["customers"][0]["slug"], slug.as_str());
    assert_eq!(v["customers"][0]["findings"], json!([]));

    fault(
        &sim,
        json!({"path": format!("/vercel-site/{slug}.vercel.app"), "status": 502}),
    )
    .await;
    let sick = run(&["status", "--json"]);
    assert_eq!(sick.status.code(), Some(3), "{}", said(&sick));
    let v: Value = serde_json::from_slice(&sick.stdout).unwrap();
    assert_eq!(v["healthy"], false, "{v}");
    assert_eq!(v["customers"][0]["findings"][0]["kind"], "unhealthy", "{v}");
    assert_eq!(v["customers"][0]["findings"][0]["part"], "site", "{v}");
    let table = run(&["status", &slug]);
    assert_eq!(table.status.code(), Some(3));
    let text = said(&table);
    assert!(
        text.contains("ej frisk")
            && text.contains("Webbplatsen svarar HTTP 502")
            && text.contains("→"),
        "{text}"
    );
    assert!(!text.contains(TOKEN), "no token in the output");
    clear_faults(&sim).await;
    let _ = run(&["teardown", &slug, "--confirm", &slug]);
    sim.shutdown().await;
}
