//! The `/__sim` test surface: faults, inventory, request log, reset, persistence, and the binary.

use crate::common;

use std::io::BufRead;
use std::time::Duration;

use common::*;
use fabrik_sim::{Profile, SimConfig, Timings};
use serde_json::json;

#[tokio::test]
async fn faults_status_delay_drop_times_and_init_failed() {
    let sim = sim().await;
    let base = sim.base_url().to_string();
    let c = client();
    let add = |f: serde_json::Value| c.post(format!("{base}/__sim/faults")).json(&f).send();

    let r =
        add(json!({"method": "POST", "path": "/vercel/v11/projects", "status": 500, "times": 1}))
            .await
            .unwrap();
    assert_eq!(r.status(), 201);
    let (s, _, v) = json_of(
        c.post(format!("{base}/vercel/v11/projects"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "a"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 500);
    assert_eq!(v["error"]["code"], "internal_server_error");
    let (s, _, _) = json_of(
        c.post(format!("{base}/vercel/v11/projects"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "a"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "times: 1 applies once");

    add(json!({"path": "/github/repos/*/*", "status": 429, "retry_after": 7}))
        .await
        .unwrap();
    let r = c
        .get(format!("{base}/github/repos/fabrik-agency/saas-template"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    c.delete(format!("{base}/__sim/faults"))
        .send()
        .await
        .unwrap();

    add(json!({"method": "GET", "path": "/supabase/v1/organizations", "delay_ms": 300}))
        .await
        .unwrap();
    let t = std::time::Instant::now();
    assert_eq!(
        c.get(format!("{base}/supabase/v1/organizations"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert!(t.elapsed() >= Duration::from_millis(300));

    add(json!({"method": "GET", "path": "/github/user", "drop": true}))
        .await
        .unwrap();
    let err = c
        .get(format!("{base}/github/user"))
        .bearer_auth(TOKEN)
        .send()
        .await;
    match err {
        Err(e) => assert!(e.is_request() || e.is_connect() || e.is_body(), "{e:?}"),
        Ok(r) => assert!(
            r.text().await.is_err(),
            "a dropped connection must not yield a complete response"
        ),
    }

    add(json!({"method": "POST", "path": "/supabase/v1/projects", "outcome": "INIT_FAILED"}))
        .await
        .unwrap();
    let (s, _, p) = json_of(
        c.post(format!("{base}/supabase/v1/projects"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "doomed", "db_pass": "x", "organization_slug": "fabrik-sandbox"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201);
    let (_, _, p) = json_of(
        c.get(format!(
            "{base}/supabase/v1/projects/{}",
            p["ref"].as_str().unwrap()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(p["status"], "INIT_FAILED");

    let (_, _, list) = json_of(c.get(format!("{base}/__sim/faults")).send().await.unwrap()).await;
    assert_eq!(list["faults"].as_array().unwrap().len(), 3);
    let r = add(json!({"path": "/x", "status": 500, "drop": true}))
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "exactly one effect");
    sim.shutdown().await;
}

#[tokio::test]
async fn inventory_request_log_masking_and_reset() {
    let sim = sim().await;
    let base = sim.base_url().to_string();
    let c = client();
    let (_, _, inv) = json_of(
        c.get(format!("{base}/__sim/inventory"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(inv["total_created_resources"], 0);
    assert_eq!(inv["github"]["repos"][0]["seeded"], true);

    c.post(format!("{base}/supabase/v1/projects")).bearer_auth(TOKEN).json(&json!({"name": "p", "db_pass": "hunter2-secret", "organization_slug": "fabrik-sandbox"})).send().await.unwrap();
    c.post(format!("{base}/vercel/v11/projects")).bearer_auth(TOKEN).json(&json!({"name": "p", "environmentVariables": [{"key": "K", "value": "env-secret-value", "type": "encrypted", "target": ["production"]}]})).send().await.unwrap();
    let (_, _, inv) = json_of(
        c.get(format!("{base}/__sim/inventory"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(inv["total_created_resources"], 2);
    assert_eq!(inv["vercel"]["projects"][0]["env"][0]["key"], "K");

    let (_, _, log) = json_of(
        c.get(format!("{base}/__sim/requests"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let text = log.to_string();
    assert!(
        !text.contains("hunter2-secret")
            && !text.contains("env-secret-value")
            && !text.contains(TOKEN),
        "{text}"
    );
    let first = &log["requests"][0];
    assert_eq!(
        (
            first["method"].as_str(),
            first["path"].as_str(),
            first["status"].as_u64()
        ),
        (Some("POST"), Some("/supabase/v1/projects"), Some(201))
    );
    assert_eq!(first["body"]["db_pass"], "***");

    let r = c.post(format!("{base}/__sim/reset")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (_, _, inv) = json_of(
        c.get(format!("{base}/__sim/inventory"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(inv["total_created_resources"], 0);
    let (_, _, log) = json_of(
        c.get(format!("{base}/__sim/requests"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(log["requests"].as_array().unwrap().len(), 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn state_file_survives_restart_and_progress_continues() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("world.json");
    let timings = Timings {
        supabase_startup: Duration::from_millis(500),
        ..Timings::instant()
    };
    let cfg = SimConfig {
        profile: Profile::Realistic,
        timings: Some(timings),
        state_file: Some(state.clone()),
        ..Default::default()
    };
    let sim = sim_with(cfg.clone()).await;
    let c = client();
    let (_, _, p) = json_of(
        c.post(format!("{}/v1/projects", sim.supabase_api_url()))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "keep", "db_pass": "x", "organization_slug": "fabrik-sandbox"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let r = p["ref"].as_str().unwrap().to_string();
    sim.shutdown().await;
    assert!(state.exists());

    tokio::time::sleep(Duration::from_millis(550)).await;
    let sim = sim_with(cfg).await;
    let (s, _, p) = json_of(
        c.get(format!("{}/v1/projects/{r}", sim.supabase_api_url()))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        p["status"], "ACTIVE_HEALTHY",
        "start-up finished while the simulator was down"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn seeded_ids_are_reproducible() {
    let a = sim_with(SimConfig {
        seed: 42,
        ..Default::default()
    })
    .await;
    let b = sim_with(SimConfig {
        seed: 42,
        ..Default::default()
    })
    .await;
    assert_eq!(a.seed(), b.seed());
    let c = client();
    let mk = |base: String| {
        let c = c.clone();
        async move {
            let (_, _, p) = json_of(c.post(format!("{base}/v1/projects")).bearer_auth(TOKEN).json(&json!({"name": "same", "db_pass": "x", "organization_slug": "fabrik-sandbox"})).send().await.unwrap()).await;
            p["ref"].as_str().unwrap().to_string()
        }
    };
    assert_eq!(
        mk(a.supabase_api_url()).await,
        mk(b.supabase_api_url()).await
    );
    a.shutdown().await;
    b.shutdown().await;
}

#[test]
fn binary_prints_its_url_and_serves() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fabrik-sim"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--token",
            "tok",
            "--profile",
            "instant",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("fabrik-sim listening on ")
        .expect("ready line")
        .to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        client()
            .get(format!("{url}/github/user"))
            .bearer_auth("tok")
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
    child.kill().unwrap();
    child.wait().unwrap();
}

/// `POST /__sim/foreign`: resources someone made by hand, under the seeded accounts, ready at once
/// (even with realistic timings) and visible through each provider's public API and the inventory.
#[tokio::test]
async fn foreign_resources_are_visible_through_the_public_apis() {
    let sim = sim_with(SimConfig {
        profile: Profile::Realistic,
        ..Default::default()
    })
    .await;
    let base = sim.base_url().to_string();
    let team = sim.seed().vercel_team_id.clone();
    let c = client();
    let seed = |body: serde_json::Value| {
        let c = c.clone();
        let url = format!("{base}/__sim/foreign");
        async move { json_of(c.post(url).json(&body).send().await.unwrap()).await }
    };
    let get = |path: String| {
        let c = c.clone();
        let url = format!("{base}{path}");
        async move {
            json_of(
                c.get(url)
                    .bearer_auth(TOKEN)
                    .header("X-N8N-API-KEY", TOKEN)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };

    // GitHub: a copy of the template, and a plain repository.
    let (s, _, tpl) = seed(json!({"kind": "github_repo", "name": "acme-app", "description": "Hand-made", "from_template": true})).await;
    assert_eq!(s, 201, "{tpl}");
    assert_eq!(tpl["full_name"], "fabrik-agency/acme-app");
    let (s, _, repo) = get("/github/repos/fabrik-agency/acme-app".into()).await;
    assert_eq!(s, 200);
    assert_response(Spec::Github, "GET", "/repos/{owner}/{repo}", 200, &repo);
    assert_eq!(repo["id"], tpl["id"]);
    assert_eq!(repo["description"], "Hand-made");
    assert_eq!(repo["private"], true);
    assert_eq!(
        repo["template_repository"]["full_name"],
        "fabrik-agency/saas-template"
    );
    let (s, _, _) = get("/github/repos/fabrik-agency/acme-app/git/ref/heads/main".into()).await;
    assert_eq!(s, 200, "contents ready at once");
    let (s, _, plain) = seed(json!({"kind": "github_repo", "name": "acme-notes"})).await;
    assert_eq!(s, 201, "{plain}");
    let (s, _, readme) =
        get("/github/repos/fabrik-agency/acme-notes/contents/README.md".into()).await;
    assert_eq!(s, 200, "{readme}");
    // GitHub wraps the Base64 at 60 columns.
    let packed: String = readme["content"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .collect();
    let text = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, packed).unwrap();
    assert_eq!(String::from_utf8(text).unwrap(), "# acme-notes\n");
    let (_, _, repo) = get("/github/repos/fabrik-agency/acme-notes".into()).await;
    assert!(repo.get("template_repository").is_none(), "{repo}");
    assert_eq!(repo["default_branch"], "main");
    for taken in ["acme-app", "saas-template"] {
        let (s, _, v) = seed(json!({"kind": "github_repo", "name": taken})).await;
        assert_eq!(s, 409, "{v}");
        assert!(v["error"].is_string());
    }

    // Vercel: env vars, a link to the repository above, READY production deployments.
    let (s, _, p) = seed(json!({"kind": "vercel_project", "name": "acme-app", "env": {"NEXT_PUBLIC_SUPABASE_URL": "https://hand.supabase.co", "API_KEY": "k"}, "linked_repo": "fabrik-agency/acme-app", "deployments": 2})).await;
    assert_eq!(s, 201, "{p}");
    assert!(p["id"].as_str().unwrap().starts_with("prj_"));
    let (s, _, g) = get(format!("/vercel/v9/projects/acme-app?teamId={team}")).await;
    assert_eq!(s, 200, "{g}");
    assert_response(Spec::Vercel, "GET", "/v9/projects/{idOrName}", 200, &g);
    assert_eq!(g["id"], p["id"]);
    let mut keys: Vec<&str> = g["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    keys.sort();
    assert_eq!(keys, ["API_KEY", "NEXT_PUBLIC_SUPABASE_URL"]);
    assert_eq!(g["env"][0]["type"], "plain");
    assert_eq!(
        g["env"][0]["target"],
        json!(["production", "preview", "development"])
    );
    assert_eq!(
        (g["link"]["org"].as_str(), g["link"]["repo"].as_str()),
        (Some("fabrik-agency"), Some("acme-app"))
    );
    assert_eq!(g["link"]["repoId"], tpl["id"]);
    assert_eq!(g["latestDeployments"][0]["readyState"], "READY");
    let (s, _, d) = get(format!(
        "/vercel/v13/deployments/{}?teamId={team}",
        g["latestDeployments"][0]["id"].as_str().unwrap()
    ))
    .await;
    assert_eq!(
        (s, d["readyState"].as_str(), d["target"].as_str()),
        (200, Some("READY"), Some("production"))
    );
    let (s, _, _) = get("/vercel/v9/projects/acme-app".into()).await;
    assert_eq!(s, 404, "the team's project is not the personal account's");
    let (s, _, v) = seed(json!({"kind": "vercel_project", "name": "acme-app"})).await;
    assert_eq!(s, 409, "{v}");
    // A link to a repository that does not exist (yet).
    let (s, _, _) = seed(json!({"kind": "vercel_project", "name": "acme-later", "linked_repo": "fabrik-agency/not-yet"})).await;
    assert_eq!(s, 201);
    let (_, _, g) = get(format!("/vercel/v9/projects/acme-later?teamId={team}")).await;
    assert_eq!(
        (g["link"]["repo"].as_str(), g["link"]["repoId"].as_u64()),
        (Some("not-yet"), Some(0))
    );
    assert_eq!(g["latestDeployments"], json!([]));

    // n8n: active by default, a trigger and one more node; duplicate names allowed.
    let (s, _, wf) = seed(json!({"kind": "n8n_workflow", "name": "acme – welcome"})).await;
    assert_eq!(s, 201, "{wf}");
    let (s, _, g) = get(format!(
        "/n8n/api/v1/workflows/{}",
        wf["id"].as_str().unwrap()
    ))
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::N8n, "GET", "/workflows/{id}", 200, &g);
    assert_eq!(
        (g["name"].as_str(), g["active"].as_bool()),
        (Some("acme – welcome"), Some(true))
    );
    assert_eq!(g["nodes"].as_array().unwrap().len(), 2);
    assert!(g["nodes"][0]["type"].as_str().unwrap().ends_with("Trigger"));
    assert!(g["connections"]["Schedule Trigger"].is_object());
    let (s, _, wf2) =
        seed(json!({"kind": "n8n_workflow", "name": "acme – welcome", "active": false})).await;
    assert_eq!(s, 201);
    assert_ne!(wf2["id"], wf["id"]);
    let (_, _, g) = get(format!(
        "/n8n/api/v1/workflows/{}",
        wf2["id"].as_str().unwrap()
    ))
    .await;
    assert_eq!(g["active"], false);

    // Supabase: healthy at once (realistic start-up is 90 s), api keys served too.
    let (s, _, sp) = seed(json!({"kind": "supabase_project", "name": "acme"})).await;
    assert_eq!(s, 201, "{sp}");
    assert_eq!(sp["id"], sp["ref"]);
    let r = sp["ref"].as_str().unwrap();
    let (s, _, g) = get(format!("/supabase/v1/projects/{r}")).await;
    assert_eq!(s, 200);
    assert_response(Spec::Supabase, "GET", "/v1/projects/{ref}", 200, &g);
    assert_eq!(
        (g["status"].as_str(), g["name"].as_str()),
        (Some("ACTIVE_HEALTHY"), Some("acme"))
    );
    assert_eq!(
        (g["organization_slug"].as_str(), g["region"].as_str()),
        (Some("fabrik-sandbox"), Some("eu-north-1"))
    );
    let (s, _, _) = get(format!("/supabase/v1/projects/{r}/api-keys")).await;
    assert_eq!(s, 200);
    let (s, _, paused) =
        seed(json!({"kind": "supabase_project", "name": "acme-paused", "status": "INACTIVE"}))
            .await;
    assert_eq!(s, 201);
    let (_, _, g) = get(format!(
        "/supabase/v1/projects/{}",
        paused["ref"].as_str().unwrap()
    ))
    .await;
    assert_eq!(g["status"], "INACTIVE");

    // Bad bodies.
    for (body, word) in [
        (json!({"kind": "gitlab_repo", "name": "x"}), "gitlab_repo"),
        (json!({"name": "x"}), "kind"),
        (json!({"kind": "github_repo"}), "name"),
        (json!({"kind": "n8n_workflow", "name": " "}), "name"),
        (
            json!({"kind": "supabase_project", "name": "x", "status": "GOING_DOWN"}),
            "status",
        ),
        (json!([1]), "object"),
    ] {
        let (s, _, v) = seed(body.clone()).await;
        assert_eq!(s, 400, "{body}: {v}");
        assert!(v["error"].as_str().unwrap().contains(word), "{body}: {v}");
    }

    // The inventory lists them like anything else, marked foreign.
    let (_, _, inv) = json_of(
        c.get(format!("{base}/__sim/inventory"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(inv["total_created_resources"], 8);
    let repo = inv["github"]["repos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["full_name"] == "fabrik-agency/acme-app")
        .unwrap();
    assert_eq!(
        (repo["foreign"].as_bool(), repo["description"].as_str()),
        (Some(true), Some("Hand-made"))
    );
    assert!(repo["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"] == "package.json"));
    assert_eq!(
        inv["github"]["repos"][0]["foreign"], false,
        "the seeded template is not foreign"
    );
    let vp = inv["vercel"]["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "acme-app")
        .unwrap();
    assert_eq!(vp["foreign"], true);
    assert_eq!(vp["env"].as_array().unwrap().len(), 2);
    assert_eq!(
        inv["vercel"]["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["project_id"] == vp["id"] && d["ready_state"] == "READY")
            .count(),
        2
    );
    let w = inv["n8n"]["workflows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == wf["id"])
        .unwrap();
    assert_eq!(
        (
            w["foreign"].as_bool(),
            w["active"].as_bool(),
            w["nodes"].as_array().map(Vec::len)
        ),
        (Some(true), Some(true), Some(2))
    );
    let p = inv["supabase"]["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["ref"] == sp["ref"])
        .unwrap();
    assert_eq!(
        (p["foreign"].as_bool(), p["status"].as_str()),
        (Some(true), Some("ACTIVE_HEALTHY"))
    );
    sim.shutdown().await;
}
