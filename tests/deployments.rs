//! Deployment rollback (issue #32) on the simulator: a customer's production deployments
//! listed by the project id the ledger recorded, an earlier READY one made production again as
//! a `promote` run (the public site then answers with it), undone by a promote back, a broken
//! site given back by the run's rollback, and every deployment that is not the customer's own
//! READY production one refused with its own error, changing nothing. The CLI drives the same.

use crate::common;
use fabrik::customer::rows::CustomerRows;

use common::*;
use fabrik::provision::{RunRequest, RunState};
use reqwest::Method;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

/// A provisioned customer whose project has two READY production deployments (provisioning's
/// and a redeploy's): the world, the older and the newer.
async fn two_deployments(tag: &str, name: &str) -> Option<(World, String, String)> {
    let w = world(tag, name).await?;
    let (_, state) = provision(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded);
    let older = production(&w.sim, &w.slug).await;
    assert_eq!(
        promote_run(&w, RunRequest::Redeploy).await.0,
        RunState::Succeeded
    );
    let newer = production(&w.sim, &w.slug).await;
    assert_ne!(older, newer, "the redeploy serves production");
    Some((w, older, newer))
}

async fn done(w: World) {
    clear_faults(&w.sim).await;
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// Records and drives a run; its end and its events.
async fn promote_run(w: &World, request: RunRequest) -> (RunState, Events) {
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

/// The deployment the project's production domains serve, as Vercel's project read says.
async fn production(sim: &fabrik_sim::SimHandle, project: &str) -> String {
    let p = api(
        Method::GET,
        vercel_url(sim, &format!("/v9/projects/{project}")),
        None,
    )
    .await;
    p["targets"]["production"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no production in {p}"))
        .to_string()
}

/// What a visitor of the production domain gets: the status and the deployment that answered
/// (the simulator names it in `x-fabrik-sim-deployment`).
async fn visit(sim: &fabrik_sim::SimHandle, slug: &str) -> (u16, String) {
    let url = sim
        .vercel_site_url_template()
        .replace("{host}", &format!("{slug}.vercel.app"));
    let r = reqwest::get(url).await.unwrap();
    let by = r
        .headers()
        .get("x-fabrik-sim-deployment")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (r.status().as_u16(), by)
}

/// A deployment someone starts in Vercel by hand (`target` production or none; `git_ref` a
/// branch the repository has or not).
async fn deploy_by_hand(w: &World, target: Option<&str>, git_ref: &str) -> String {
    let p = api(
        Method::GET,
        vercel_url(&w.sim, &format!("/v9/projects/{}", w.slug)),
        None,
    )
    .await;
    let mut body = json!({
        "name": w.slug, "project": p["id"],
        "gitSource": {"type": "github", "repoId": p["link"]["repoId"], "ref": git_ref},
    });
    if let Some(t) = target {
        body["target"] = json!(t);
    }
    let d = api(
        Method::POST,
        vercel_url(&w.sim, "/v13/deployments"),
        Some(body),
    )
    .await;
    d["id"].as_str().unwrap().to_string()
}

fn runs_of(w: &World) -> usize {
    let c = w.store.get_customer(&w.slug).unwrap();
    w.store.list_runs(Some(c.id), 500).unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earlier_deployment_serves_production_again_and_the_rollback_is_undone() {
    let Some((w, older, newer)) = two_deployments("dpl-promote", "Återgång AB").await else {
        return;
    };
    // The list: both, newest first, the newer one serving, each with the commit it built.
    let listed = w.engine.reader().deployments(&w.slug).await.unwrap();
    let ids: Vec<&str> = listed.deployments.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, [newer.as_str(), older.as_str()], "{listed:?}");
    assert_eq!(listed.production.as_deref(), Some(newer.as_str()));
    let (n, o) = (&listed.deployments[0], &listed.deployments[1]);
    assert!(n.serving && !n.promotable, "{n:?}");
    assert!(!o.serving && o.promotable && o.state == "READY", "{o:?}");
    assert_eq!(o.commit.as_deref().map(str::len), Some(40), "{o:?}");
    assert!(o.url.as_deref().is_some_and(|u| u.starts_with("https://")));
    assert_eq!(listed.undo, None, "nothing to undo yet");
    assert_eq!(
        w.engine
            .reader()
            .undo_target(&w.slug)
            .await
            .unwrap_err()
            .code()
            .as_str(),
        "nothing_to_undo"
    );
    assert_eq!(visit(&w.sim, &w.slug).await, (200, newer.clone()));

    // Promote the older one: it serves production, and the public site answers with it.
    assert_eq!(
        w.engine
            .reader()
            .check_promotion(&w.slug, &older)
            .await
            .unwrap(),
        older
    );
    let (state, events) = promote_run(
        &w,
        RunRequest::Promote {
            deployment: older.clone(),
        },
    )
    .await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(production(&w.sim, &w.slug).await, older);
    assert_eq!(visit(&w.sim, &w.slug).await, (200, older.clone()));
    let listed = w.engine.reader().deployments(&w.slug).await.unwrap();
    assert!(listed.deployments[1].serving && !listed.deployments[0].serving);
    assert_eq!(
        listed.undo.as_deref(),
        Some(newer.as_str()),
        "Ångra restores the newer"
    );
    assert!(
        w.engine
            .reader()
            .check_health(&w.slug)
            .await
            .unwrap()
            .healthy
    );

    // Undo: the newer one serves again.
    let back = w.engine.reader().undo_target(&w.slug).await.unwrap();
    assert_eq!(back, newer);
    let (state, events) = promote_run(&w, RunRequest::Promote { deployment: back }).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(production(&w.sim, &w.slug).await, newer);
    assert_eq!(visit(&w.sim, &w.slug).await, (200, newer.clone()));
    // Promoting what already serves changes nothing and leaves nothing to roll back.
    let (state, events) = promote_run(
        &w,
        RunRequest::Promote {
            deployment: newer.clone(),
        },
    )
    .await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(production(&w.sim, &w.slug).await, newer);
    // … and "Ångra" still undoes the last rollback that changed something.
    assert_eq!(w.engine.reader().undo_target(&w.slug).await.unwrap(), older);
    done(w).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployment_that_is_not_the_customers_ready_production_one_is_refused() {
    let Some((w, older, newer)) = two_deployments("dpl-refuse", "Nekad Återgång AB").await else {
        return;
    };
    // Another customer of the agency, on the same Vercel team.
    let other = customer(&w.store, "Annan Kund AB");
    assert_eq!(provision(&w.engine, &other).await.1, RunState::Succeeded);
    let foreign = production(&w.sim, &other).await;
    // One of the customer's own that failed to build, and a preview.
    let failed = deploy_by_hand(&w, Some("production"), "no-such-branch").await;
    let preview = deploy_by_hand(&w, None, "main").await;
    let before = (runs_of(&w), production(&w.sim, &w.slug).await);
    assert_eq!(before.1, newer);

    for (deployment, code, says) in [
        (
            foreign.as_str(),
            "deployment_foreign",
            "hör till Vercel-projektet",
        ),
        (
            failed.as_str(),
            "deployment_not_ready",
            "är ERROR, inte READY",
        ),
        (
            preview.as_str(),
            "deployment_not_production",
            "byggdes inte för produktion",
        ),
        (
            "dpl_doesNotExist123",
            "deployment_unknown",
            "känner inte till",
        ),
        ("../v9/projects", "deployment_unknown", "känner inte till"),
    ] {
        let e = w
            .engine
            .reader()
            .check_promotion(&w.slug, deployment)
            .await
            .unwrap_err();
        assert_eq!(e.code().as_str(), code, "{deployment}: {e}");
        let text = e.to_string();
        assert!(text.contains(says), "{text}");
        assert!(
            text.contains(deployment) && text.contains("fabrik deployments list"),
            "names the deployment and the way out: {text}"
        );
        let en = fabrik::messages::Text::of(e.code(), &e.params()).en;
        assert!(en.contains(deployment) && !en.is_empty(), "{en}");
        // Nothing was recorded, nothing changed.
        assert_eq!(
            (runs_of(&w), production(&w.sim, &w.slug).await),
            before,
            "{deployment}"
        );
    }
    assert_eq!(
        production(&w.sim, &other).await,
        foreign,
        "the other customer's site stays"
    );

    // A run asked directly (the window's start_run) is refused by its step the same way,
    // before any change: nothing to roll back, production as it was.
    let (state, events) = promote_run(
        &w,
        RunRequest::Promote {
            deployment: foreign.clone(),
        },
    )
    .await;
    assert_ne!(state, RunState::Succeeded);
    assert_eq!(
        events.first_failure()["code"],
        "deployment_foreign",
        "{}",
        events.json()
    );
    assert_eq!(production(&w.sim, &w.slug).await, newer);
    assert_eq!(production(&w.sim, &other).await, foreign);
    // The older one of its own is still fine.
    assert_eq!(
        w.engine
            .reader()
            .check_promotion(&w.slug, &older)
            .await
            .unwrap(),
        older
    );
    cleanup(&w.engine, &other).await;
    done(w).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_whose_site_does_not_answer_gives_production_back() {
    let Some((w, older, newer)) = two_deployments("dpl-broken", "Trasig Återgång AB").await
    else {
        return;
    };
    fault(
        &w.sim,
        json!({"method": "GET", "path": format!("/vercel-site/{}.vercel.app", w.slug), "status": 401}),
    )
    .await;
    let (state, events) = promote_run(
        &w,
        RunRequest::Promote {
            deployment: older.clone(),
        },
    )
    .await;
    clear_faults(&w.sim).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    assert_eq!(events.first_failure()["step"], "vercel.promote");
    assert_eq!(events.first_failure()["code"], "site_not_public");
    assert_eq!(production(&w.sim, &w.slug).await, newer, "given back");
    assert_eq!(visit(&w.sim, &w.slug).await, (200, newer.clone()));
    // A rolled-back rollback is nothing to undo.
    assert!(w
        .engine
        .reader()
        .deployments(&w.slug)
        .await
        .unwrap()
        .undo
        .is_none());
    done(w).await;
}

/// `fabrik deployments list|promote|promote --undo`, with the exit codes of the other run
/// commands and Swedish texts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployment_rollback_from_the_command_line() {
    let Some(_) = keyring("dpl-cli") else {
        return;
    };
    let sim = sim(fabrik_sim::Profile::Instant).await;
    let (_dir, db, slug) = register_file(&sim, "Kommandorad Återgång AB");
    let run = |args: &[&str]| cli(&sim, &db).args(args).output().unwrap();
    let ok = |args: &[&str]| {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", said(&out));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let early = run(&["deployments", "list", &slug]);
    assert_eq!(early.status.code(), Some(1), "{}", said(&early));
    ok(&["provision", &slug, "--yes"]);
    ok(&["redeploy", &slug, "--yes"]);

    let listed: Value =
        serde_json::from_str(&ok(&["deployments", "list", &slug, "--json"])).unwrap();
    let ids: Vec<String> = listed["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2, "{listed}");
    let (newer, older) = (ids[0].clone(), ids[1].clone());
    assert_eq!(listed["deployments"][0]["serving"], true);
    assert_eq!(listed["production"], newer.as_str());
    let table = ok(&["deployments", "list", &slug]);
    assert!(
        table.contains(&older) && table.contains("← produktion nu"),
        "{table}"
    );

    // Without --yes and without a terminal to ask in: not confirmed, nothing changes.
    let unasked = run(&["deployments", "promote", &slug, &older]);
    assert_eq!(unasked.status.code(), Some(1), "{}", said(&unasked));
    assert_eq!(production(&sim, &slug).await, newer);

    ok(&["deployments", "promote", &slug, &older, "--yes"]);
    assert_eq!(production(&sim, &slug).await, older);
    assert_eq!(visit(&sim, &slug).await, (200, older.clone()));
    let table = ok(&["deployments", "list", &slug]);
    assert!(table.contains("--undo"), "{table}");

    ok(&["deployments", "promote", &slug, "--undo", "--yes"]);
    assert_eq!(production(&sim, &slug).await, newer);
    assert_eq!(visit(&sim, &slug).await, (200, newer.clone()));

    let unknown = run(&["deployments", "promote", &slug, "dpl_finnsInte", "--yes"]);
    assert_eq!(unknown.status.code(), Some(1), "{}", said(&unknown));
    assert!(
        said(&unknown).contains("fel [deployment_unknown]")
            && said(&unknown).contains("Vercel känner inte till någon driftsättning dpl_finnsInte"),
        "{}",
        said(&unknown)
    );
    assert_eq!(production(&sim, &slug).await, newer);
    let runs: Value =
        serde_json::from_str(&ok(&["runs", "list", "--customer", &slug, "--json"])).unwrap();
    let promotes = runs
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "promote")
        .count();
    assert_eq!(promotes, 2, "the refused one wrote no run: {runs}");
    let usage = run(&["deployments", "promote", &slug]);
    assert_eq!(usage.status.code(), Some(2), "neither an id nor --undo");
    let _ = run(&["teardown", &slug, "--confirm", &slug]);
    sim.shutdown().await;
}

/// A rollback run stopped after the promotion (kept, as the window keeps a failed run) and
/// resumed: it finds production already moved, promotes nothing again, and keeps what served
/// before it, so "Ångra" still brings that back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_rollback_promotes_nothing_again_and_keeps_what_served_before() {
    let Some((w, older, newer)) = two_deployments("dpl-resume", "Återupptagen Återgång AB").await
    else {
        return;
    };
    let keeps = engine(
        &w.sim,
        w.store.clone(),
        w.secrets.clone(),
        fabrik::provision::FailurePolicy::Pause,
    );
    fault(
        &w.sim,
        json!({"method": "GET", "path": format!("/vercel-site/{}.vercel.app", w.slug), "status": 401}),
    )
    .await;
    let start = keeps
        .record(
            &w.slug,
            &RunRequest::Promote {
                deployment: older.clone(),
            },
        )
        .unwrap();
    let run_id = start.run_id;
    let events = Events::default();
    let state = keeps
        .drive(
            start.driver.unwrap(),
            events.sink(),
            CancellationToken::new(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Failed, "{}", events.json());
    assert_eq!(
        production(&w.sim, &w.slug).await,
        older,
        "kept as it failed"
    );
    clear_faults(&w.sim).await;

    let requests = format!("{}/__sim/requests", w.sim.base_url());
    api(Method::DELETE, requests.clone(), None).await;
    let events = Events::default();
    let state = keeps
        .resume(run_id, events.sink(), CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let log = api(Method::GET, requests, None).await;
    let promotions: Vec<&Value> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "POST")
        .collect();
    assert!(promotions.is_empty(), "promoted again: {promotions:?}");
    let reads = log["requests"].as_array().unwrap().iter();
    assert!(
        reads.filter(|r| r["method"] == "GET").count() > 2,
        "the resumed step read the project and the deployment: {log}"
    );
    assert_eq!(production(&w.sim, &w.slug).await, older);
    assert_eq!(visit(&w.sim, &w.slug).await, (200, older.clone()));
    assert_eq!(w.engine.reader().undo_target(&w.slug).await.unwrap(), newer);
    done(w).await;
}
