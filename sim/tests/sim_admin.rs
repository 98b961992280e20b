//! The `/__sim` test surface: faults, inventory, request log, reset, persistence, and the binary.

mod common;

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
        add(json!({"method": "POST", "path": "/vercel/v10/projects", "status": 500, "times": 1}))
            .await
            .unwrap();
    assert_eq!(r.status(), 201);
    let (s, _, v) = json_of(
        c.post(format!("{base}/vercel/v10/projects"))
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
        c.post(format!("{base}/vercel/v10/projects"))
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
