//! The simulated Gitea's accounts and tools: tokens, users, repositories and visibility; the
//! inventory, request log and faults; persistence; the realistic profile's pace.

use super::*;

#[tokio::test]
async fn tokens_users_repositories_and_visibility() {
    let g = Gitea::new().await;
    g.make_repo(json!({"name": "open", "auto_init": true}))
        .await;
    g.make_repo(json!({"owner": "fabrik-agency", "name": "backups", "private": true}))
        .await;
    // The token's user.
    let (status, me) = g.call("GET", "/user", None).await;
    assert_eq!(status, 200);
    assert_gitea_response("GET", "/user", 200, &me);
    assert_eq!(me["login"], "fabrik-agent");
    // A repository: the fields a client reads.
    let (status, r) = g.call("GET", "/repos/fabrik-agency/backups", None).await;
    assert_eq!(status, 200, "{r}");
    assert_gitea_response("GET", "/repos/{owner}/{repo}", 200, &r);
    assert_eq!(r["full_name"], "fabrik-agency/backups");
    assert_eq!(r["owner"]["login"], "fabrik-agency");
    assert_eq!(r["private"], true);
    assert_eq!(r["empty"], true);
    assert_eq!(r["default_branch"], "main");
    assert_eq!(r["permissions"]["push"], true);
    assert!(r["clone_url"]
        .as_str()
        .unwrap()
        .ends_with("/fabrik-agency/backups.git"));
    // auto_init: one commit with a README.
    assert_eq!(g.commit_count("fabrik-agent/open").await, 1);

    // Wrong token: 401 with Gitea's error shape, on reads and writes.
    for (method, path) in [
        ("GET", "/user"),
        ("GET", "/repos/fabrik-agent/open"),
        ("POST", "/repos/fabrik-agency/backups/contents"),
    ] {
        let r = g
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                g.api(path),
            )
            .header("authorization", "token wrong")
            .json(&json!({"files": [{"operation": "create", "path": "x", "content": ""}]}))
            .send()
            .await
            .unwrap();
        let (status, _, e) = json_of(r).await;
        assert_eq!(status, 401, "{method} {path}");
        assert!(e["message"].is_string() && e["url"].is_string(), "{e}");
    }
    // No token: writes and /user refused, a public repository readable, a private one hidden.
    let anon = |path: &str| g.http.get(g.api(path));
    assert_eq!(anon("/user").send().await.unwrap().status(), 401);
    assert_eq!(
        anon("/repos/fabrik-agent/open/contents/README.md")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        anon("/repos/fabrik-agency/backups")
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let r = g
        .http
        .post(g.api("/repos/fabrik-agent/open/contents"))
        .json(&json!({"files": [{"operation": "create", "path": "x", "content": ""}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // `Bearer` works as well as `token`.
    let r = g
        .http
        .get(g.api("/user"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(g.commit_count("fabrik-agent/open").await, 1);
    // A repository name is taken once.
    let r = g
        .http
        .post(format!("{}/__sim/gitea/repos", g.sim.base_url()))
        .json(&json!({"name": "open"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
}

#[tokio::test]
async fn inventory_request_log_and_faults() {
    let (g, first) = with_three_files().await;
    let inv = g.inventory_repo(REPO).await;
    assert_eq!(inv["private"], true);
    let commits = inv["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 1);
    assert_eq!(commits[0]["sha"], first["commit"]["sha"]);
    assert_eq!(commits[0]["message"], "Back up three workflows\n");
    assert_eq!(commits[0]["parents"], json!([]));
    let changed: Vec<(&str, &str)> = commits[0]["files_changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["path"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changed,
        [
            ("README.md", "added"),
            ("workflows/a.json", "added"),
            ("workflows/b.json", "added")
        ]
    );

    // The request is in the log, its file contents masked.
    let base = g.sim.base_url().to_string();
    let log: Value = g
        .http
        .get(format!("{base}/__sim/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "/gitea/api/v1/repos/fabrik-agency/backups/contents")
        .expect("logged");
    assert_eq!(entry["method"], "POST");
    assert_eq!(entry["status"], 201);
    assert_eq!(entry["body"]["files"][0]["content"], "***");

    // An injected fault answers with Gitea's error shape and writes nothing.
    let r = g
        .http
        .post(format!("{base}/__sim/faults"))
        .json(&json!({"method": "POST", "path": "/gitea/api/v1/repos/*/*/contents", "status": 500, "times": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let body =
        json!({"files": [{"operation": "create", "path": "later.json", "content": b64("x")}]});
    let (status, e) = g
        .call("POST", &format!("{R}/contents"), Some(body.clone()))
        .await;
    assert_eq!(status, 500);
    assert!(e["message"].is_string() && e["url"].is_string(), "{e}");
    assert_eq!(g.commit_count(REPO).await, 1);
    let (status, _) = g.call("POST", &format!("{R}/contents"), Some(body)).await;
    assert_eq!(status, 201);
    assert_eq!(g.commit_count(REPO).await, 2);
}

#[tokio::test]
async fn the_gitea_world_is_persisted() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("world.json");
    let cfg = || fabrik_sim::SimConfig {
        state_file: Some(state.clone()),
        ..fabrik_sim::SimConfig::default()
    };
    let sim = sim_with(cfg()).await;
    let http = client();
    let r = http
        .post(format!("{}/__sim/gitea/repos", sim.base_url()))
        .json(&json!({"name": "kept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = http
        .post(format!("{}/repos/fabrik-agent/kept/contents", sim.gitea_api_url()))
        .header("authorization", format!("token {TOKEN}"))
        .json(&json!({"files": [{"operation": "create", "path": "a.txt", "content": b64("hello\n")}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    sim.shutdown().await;
    let sim = sim_with(cfg()).await;
    let r = http
        .get(format!(
            "{}/repos/fabrik-agent/kept/contents/a.txt",
            sim.gitea_api_url()
        ))
        .header("authorization", format!("token {TOKEN}"))
        .send()
        .await
        .unwrap();
    let (status, _, v) = json_of(r).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["sha"], "ce013625030ba8dba906f756967f9e9ca394464a");
}

#[tokio::test]
async fn the_realistic_profile_takes_time_to_write() {
    let sim = sim_with(fabrik_sim::SimConfig {
        profile: fabrik_sim::Profile::Realistic,
        ..fabrik_sim::SimConfig::default()
    })
    .await;
    let http = client();
    let r = http
        .post(format!("{}/__sim/gitea/repos", sim.base_url()))
        .json(&json!({"name": "slow"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let started = std::time::Instant::now();
    let r = http
        .post(format!(
            "{}/repos/fabrik-agent/slow/contents",
            sim.gitea_api_url()
        ))
        .header("authorization", format!("token {TOKEN}"))
        .json(&json!({"files": [{"operation": "create", "path": "a", "content": b64("a")}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    let status: Value = http
        .get(format!("{}/__sim/status", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["timings_ms"]["gitea_write"], 300);
    assert_eq!(status["timings_ms"]["gitea_read"], 40);
}
