//! Vercel behaviour, validated against the official description.

use crate::common;

use std::time::Duration;

use common::*;
use fabrik_sim::{Profile, RateLimits, SimConfig, Timings};
use serde_json::{json, Value};

mod variables;

async fn generate_repo(c: &reqwest::Client, gh: &str, name: &str) {
    let r = c
        .post(format!("{gh}/repos/fabrik-agency/saas-template/generate"))
        .bearer_auth(TOKEN)
        .json(&json!({"name": name, "owner": "fabrik-agency"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

#[tokio::test]
async fn project_env_deployment_flow() {
    let timings = Timings {
        vercel_queue: Duration::from_millis(200),
        // Long enough that a loaded machine still observes BUILDING between QUEUED and READY.
        vercel_build: Duration::from_millis(2000),
        ..Timings::instant()
    };
    let sim = sim_with(SimConfig {
        profile: Profile::Realistic,
        timings: Some(timings),
        ..Default::default()
    })
    .await;
    let v = sim.vercel_api_url();
    let team = sim.seed().vercel_team_id.clone();
    let c = client();
    generate_repo(&c, &sim.github_api_url(), "acme-app").await;

    let (s, _, user) = json_of(
        c.get(format!("{v}/v2/user"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::Vercel, "GET", "/v2/user", 200, &user);
    let (_, _, teams) = json_of(
        c.get(format!("{v}/v2/teams"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_response(Spec::Vercel, "GET", "/v2/teams", 200, &teams);
    assert_eq!(teams["teams"][0]["id"], team.as_str());
    assert!(team.starts_with("team_"));

    let body = json!({"name": "acme-app", "framework": "nextjs", "gitRepository": {"type": "github", "repo": "fabrik-agency/acme-app"}});
    assert_request(Spec::Vercel, "POST", "/v11/projects", &body);
    let (s, h, p) = json_of(
        c.post(format!("{v}/v11/projects?teamId={team}"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert!(h.contains_key("x-ratelimit-remaining"));
    assert_response(Spec::Vercel, "POST", "/v11/projects", 200, &p);
    let pid = p["id"].as_str().unwrap().to_string();
    assert!(pid.starts_with("prj_") && pid.len() == 28);
    assert_eq!(p["link"]["repo"], "acme-app");

    // Same name again.
    let (s, _, e) = json_of(
        c.post(format!("{v}/v11/projects?teamId={team}"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, e),
        (
            409,
            json!({"error": {"code": "conflict", "message": "A project with the provided name already exists."}})
        )
    );
    // Not visible without teamId.
    let (s, _, e) = json_of(
        c.get(format!("{v}/v9/projects/acme-app"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, e["error"]["code"].as_str()), (404, Some("not_found")));
    let (s, _, g) = json_of(
        c.get(format!("{v}/v9/projects/acme-app?teamId={team}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::Vercel, "GET", "/v9/projects/{idOrName}", 200, &g);

    // Missing repo.
    let (s, _, e) = json_of(
        c.post(format!("{v}/v11/projects?teamId={team}")).bearer_auth(TOKEN).json(&json!({"name": "other", "gitRepository": {"type": "github", "repo": "fabrik-agency/missing"}})).send().await.unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("install the GitHub integration"));

    // Env vars: batch with a partial failure, then a duplicate single object.
    let envs = json!([
        {"key": "NEXT_PUBLIC_SUPABASE_URL", "value": "https://x.supabase.co", "type": "plain", "target": ["production", "preview"]},
        {"key": "SUPABASE_SERVICE_ROLE_KEY", "value": "secret-value", "type": "sensitive", "target": ["production"]},
        {"key": "1BAD", "value": "x", "type": "plain", "target": ["production"]}
    ]);
    assert_request(Spec::Vercel, "POST", "/v10/projects/{idOrName}/env", &envs);
    let (s, _, r) = json_of(
        c.post(format!("{v}/v10/projects/{pid}/env?teamId={team}"))
            .bearer_auth(TOKEN)
            .json(&envs)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    assert_response(
        Spec::Vercel,
        "POST",
        "/v10/projects/{idOrName}/env",
        201,
        &r,
    );
    assert_eq!(r["created"].as_array().unwrap().len(), 2);
    assert_eq!(r["failed"].as_array().unwrap().len(), 1);
    let dup = json!({"key": "NEXT_PUBLIC_SUPABASE_URL", "value": "y", "type": "plain", "target": ["production"]});
    let (s, _, e) = json_of(
        c.post(format!("{v}/v10/projects/{pid}/env?teamId={team}"))
            .bearer_auth(TOKEN)
            .json(&dup)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 403);
    assert_eq!(
        e["error"]["message"],
        "The environment variable cannot be created because it already exists"
    );
    let (s, _, r) = json_of(
        c.post(format!(
            "{v}/v10/projects/{pid}/env?teamId={team}&upsert=true"
        ))
        .bearer_auth(TOKEN)
        .json(&dup)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, 201);
    assert_eq!(r["created"]["value"], "y");
    let (s, _, list) = json_of(
        c.get(format!("{v}/v10/projects/{pid}/env?teamId={team}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(
        Spec::Vercel,
        "GET",
        "/v10/projects/{idOrName}/env",
        200,
        &list,
    );
    assert_eq!(list["envs"].as_array().unwrap().len(), 2);

    // Deployment: QUEUED → BUILDING → READY.
    let dbody = json!({"name": "acme-app", "project": pid, "target": "production", "gitSource": {"type": "github", "org": "fabrik-agency", "repo": "acme-app", "ref": "main"}});
    assert_request(Spec::Vercel, "POST", "/v13/deployments", &dbody);
    let (s, _, d) = json_of(
        c.post(format!("{v}/v13/deployments?teamId={team}"))
            .bearer_auth(TOKEN)
            .json(&dbody)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    assert_response(Spec::Vercel, "POST", "/v13/deployments", 200, &d);
    assert_eq!(d["readyState"], "QUEUED");
    let did = d["id"].as_str().unwrap().to_string();
    assert!(did.starts_with("dpl_"));
    let get = |id: String| {
        let c = c.clone();
        let url = format!("{v}/v13/deployments/{id}?teamId={team}");
        async move { json_of(c.get(url).bearer_auth(TOKEN).send().await.unwrap()).await }
    };
    // Poll as a client would until the deployment ends, checking every answer's shape. The
    // states must come in order; which ones a poll sees depends on the machine's load (CI once
    // slept through all of BUILDING), so the exact boundaries are pinned by
    // `ready_state_follows_the_clock` in the world's tests instead.
    let order = ["QUEUED", "BUILDING", "READY"];
    let mut seen: Vec<String> = vec!["QUEUED".into()];
    let mut d = get(did.clone()).await.2;
    for _ in 0..400 {
        let state = d["readyState"].as_str().unwrap_or_default().to_string();
        assert!(order.contains(&state.as_str()), "unexpected state: {d}");
        assert_response_variant(
            Spec::Vercel,
            "GET",
            "/v13/deployments/{idOrUrl}",
            200,
            0,
            &d,
        );
        let last = order
            .iter()
            .position(|s| s == seen.last().unwrap())
            .unwrap();
        let now = order.iter().position(|s| *s == state).unwrap();
        assert!(
            now >= last,
            "went back from {} to {state}",
            seen.last().unwrap()
        );
        if now > last {
            seen.push(state.clone());
        }
        if state == "READY" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
        d = get(did.clone()).await.2;
    }
    assert_eq!(
        seen.last().map(String::as_str),
        Some("READY"),
        "seen: {seen:?}"
    );
    let (s, _, e) = get("dpl_nope".into()).await;
    assert_eq!(
        (s, e["error"]["message"].as_str()),
        (404, Some("The deployment was not found"))
    );

    // Deployment Protection, as a visitor meets it: the production domain (the deployment's
    // `alias`) is public, the per-deployment URL asks for a Vercel login, others are unknown.
    assert_eq!(d["alias"], json!(["acme-app.vercel.app"]));
    let site = sim.vercel_site_url_template();
    let visit = |host: String| {
        let (c, url) = (c.clone(), site.replace("{host}", &host));
        async move {
            let r = c.get(url).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (s, page) = visit("acme-app.vercel.app".into()).await;
    assert_eq!((s, page.contains("acme-app")), (200, true), "{page}");
    let deployment_host = d["url"].as_str().unwrap().to_string();
    assert_eq!(visit(deployment_host.clone()).await.0, 401);
    assert_eq!(visit("someone-else.vercel.app".into()).await.0, 404);
    let (_, _, project) = json_of(
        c.get(format!("{v}/v9/projects/{pid}?teamId={team}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        project["ssoProtection"]["deploymentType"],
        "prod_deployment_urls_and_all_previews"
    );

    // Delete: 204, deployments and env gone with it.
    let r = c
        .delete(format!("{v}/v9/projects/{pid}?teamId={team}"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (s, _, _) = get(did).await;
    assert_eq!(s, 404);
    assert_eq!(
        visit("acme-app.vercel.app".into()).await.0,
        404,
        "the site goes with its project"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn empty_repo_and_fault_outcome_end_in_error() {
    let timings = Timings {
        github_template_copy: Duration::from_secs(60),
        ..Timings::instant()
    };
    let sim = sim_with(SimConfig {
        profile: Profile::Realistic,
        timings: Some(timings),
        ..Default::default()
    })
    .await;
    let v = sim.vercel_api_url();
    let c = client();
    generate_repo(&c, &sim.github_api_url(), "still-empty").await;
    let (s, _, _) = json_of(
        c.post(format!("{v}/v11/projects")).bearer_auth(TOKEN).json(&json!({"name": "still-empty", "gitRepository": {"type": "github", "repo": "fabrik-agency/still-empty"}})).send().await.unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    let (_, _, d) = json_of(
        c.post(format!("{v}/v13/deployments"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "still-empty"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (_, _, d) = json_of(
        c.get(format!("{v}/v13/deployments/{}", d["id"].as_str().unwrap()))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(d["readyState"], "ERROR");
    assert_eq!(d["errorCode"], "incorrect_git_source_info");
    assert!(d["errorMessage"]
        .as_str()
        .unwrap()
        .contains("Please ensure the repository is not empty"));
    assert_response_variant(
        Spec::Vercel,
        "GET",
        "/v13/deployments/{idOrUrl}",
        200,
        0,
        &d,
    );

    // A template repo has contents: deployment fails only because of the injected outcome.
    let (_, _, _) = json_of(
        c.post(format!("{v}/v11/projects")).bearer_auth(TOKEN).json(&json!({"name": "tpl", "gitRepository": {"type": "github", "repo": "fabrik-agency/saas-template"}})).send().await.unwrap(),
    )
    .await;
    let f = c.post(format!("{}/__sim/faults", sim.base_url())).json(&json!({"method": "POST", "path": "/vercel/v13/deployments", "outcome": "ERROR", "times": 1})).send().await.unwrap();
    assert_eq!(f.status(), 201);
    let (_, _, d) = json_of(
        c.post(format!("{v}/v13/deployments"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "tpl"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (_, _, d) = json_of(
        c.get(format!("{v}/v13/deployments/{}", d["id"].as_str().unwrap()))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(d["readyState"], "ERROR");
    let (_, _, d) = json_of(
        c.post(format!("{v}/v13/deployments"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "tpl"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (_, _, d) = json_of(
        c.get(format!("{v}/v13/deployments/{}", d["id"].as_str().unwrap()))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(d["readyState"], "READY");
    sim.shutdown().await;
}

#[tokio::test]
async fn bad_token_and_rate_limit() {
    let sim = sim_with(SimConfig {
        rate_limits: RateLimits {
            vercel_per_minute: 2,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let v = sim.vercel_api_url();
    let c = client();
    let (s, _, e) = json_of(
        c.get(format!("{v}/v2/user"))
            .bearer_auth("bad")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, e),
        (
            403,
            json!({"error": {"code": "forbidden", "message": "Not authorized", "invalidToken": true}})
        )
    );
    for _ in 0..2 {
        assert_eq!(
            c.get(format!("{v}/v2/user"))
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    let (s, h, e) = json_of(
        c.get(format!("{v}/v2/user"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 429);
    assert_eq!(e["error"]["code"], "rate_limited");
    let limit: &Value = &e["error"]["limit"];
    assert_eq!(limit["remaining"], 0);
    assert_eq!(limit["total"], 2);
    assert_eq!(
        limit["resetMs"].as_i64().unwrap() / 1000,
        limit["reset"].as_i64().unwrap()
    );
    assert_eq!(h["x-ratelimit-remaining"], "0");
    sim.shutdown().await;
}
