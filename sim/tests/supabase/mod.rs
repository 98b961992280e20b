//! Supabase Management API and Auth admin behaviour, validated against the official descriptions.

use crate::common;

use std::time::Duration;

use common::*;
use fabrik_sim::{Profile, RateLimits, SimConfig, Timings};
use serde_json::{json, Value};

mod auth;
mod auth_config;
mod backups;
mod invite;
mod limits;
mod sql;
mod storage;

async fn create(c: &reqwest::Client, base: &str, name: &str) -> Value {
    let body = json!({"name": name, "db_pass": "S3cret-pass!", "organization_slug": "fabrik-sandbox", "region": "us-east-1"});
    assert_request(Spec::Supabase, "POST", "/v1/projects", &body);
    let (s, _, v) = json_of(
        c.post(format!("{base}/v1/projects"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    v
}

#[tokio::test]
async fn project_lifecycle_keys_and_delete() {
    let timings = Timings {
        // Wide windows so a loaded machine still lands each check inside its phase.
        supabase_startup: Duration::from_millis(2400),
        supabase_api_keys_flaky: Duration::from_millis(3000),
        ..Timings::instant()
    };
    let sim = sim_with(SimConfig {
        profile: Profile::Realistic,
        timings: Some(timings),
        ..Default::default()
    })
    .await;
    let base = sim.supabase_api_url();
    let c = client();

    let (s, h, orgs) = json_of(
        c.get(format!("{base}/v1/organizations"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(orgs[0]["slug"], "fabrik-sandbox");
    assert_eq!(h["x-ratelimit-limit"], "120");
    assert_eq!(h["x-ratelimit-reset"], "60");
    assert_response(Spec::Supabase, "GET", "/v1/organizations", 200, &orgs);

    let p = create(&c, &base, "acme").await;
    assert_response(Spec::Supabase, "POST", "/v1/projects", 201, &p);
    assert_eq!(p["status"], "UNKNOWN");
    assert!(p.get("database").is_none());
    let r = p["ref"].as_str().unwrap().to_string();
    assert_eq!(r.len(), 20);

    // Coming up: keys unavailable, deletion refused.
    let (s, _, v) = json_of(
        c.get(format!("{base}/v1/projects/{r}/api-keys"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    assert!(v["message"].is_string());
    let (s, _, v) = json_of(
        c.delete(format!("{base}/v1/projects/{r}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v),
        (400, json!({"message": "Project not ready for deletion."}))
    );
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (_, _, v) = json_of(
        c.get(format!("{base}/v1/projects/{r}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["status"], "COMING_UP");
    assert_response(Spec::Supabase, "GET", "/v1/projects/{ref}", 200, &v);

    // Up, then keys after the flaky window.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let (_, _, v) = json_of(
        c.get(format!("{base}/v1/projects/{r}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["status"], "ACTIVE_HEALTHY");
    let (s, _, _) = json_of(
        c.get(format!("{base}/v1/projects/{r}/api-keys"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400, "keys are still flaky right after ACTIVE_HEALTHY");
    // Then they come, as a client retrying sees it (polled: the wait is the machine's, not ours).
    let mut keys = Value::Null;
    for _ in 0..300 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        let (s, _, v) = json_of(
            c.get(format!("{base}/v1/projects/{r}/api-keys"))
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap(),
        )
        .await;
        if s == 200 {
            keys = v;
            break;
        }
        assert_eq!(s, 400, "{v}");
    }
    assert!(!keys.is_null(), "the keys never came");
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/projects/{ref}/api-keys",
        200,
        &keys,
    );
    let secret = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["type"] == "secret")
        .unwrap();
    assert!(
        secret["api_key"].as_str().unwrap().contains('·'),
        "masked without reveal"
    );
    let keys = revealed_keys(&c, &base, &r).await;
    let service = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "service_role")
        .unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_string();
    let parts: Vec<&str> = service.split('.').collect();
    assert_eq!(parts.len(), 3);
    use base64::Engine;
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["role"], "service_role");
    assert_eq!(claims["ref"], r.as_str());
    assert!(!keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["type"] == "secret")
        .unwrap()["api_key"]
        .as_str()
        .unwrap()
        .contains('·'));

    // Lists.
    let (_, _, list) = json_of(
        c.get(format!("{base}/v1/projects"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_response(Spec::Supabase, "GET", "/v1/projects", 200, &list);
    let (_, _, page) = json_of(
        c.get(format!(
            "{base}/v1/organizations/fabrik-sandbox/projects?search=acm&limit=1"
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/organizations/{slug}/projects",
        200,
        &page,
    );
    assert_eq!(
        page["pagination"],
        json!({"count": 1, "limit": 1, "offset": 0})
    );
    assert_eq!(page["projects"][0]["ref"], r.as_str());

    let (s, _, v) = json_of(
        c.delete(format!("{base}/v1/projects/{r}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::Supabase, "DELETE", "/v1/projects/{ref}", 200, &v);
    assert_eq!(v["ref"], r.as_str());
    let (s, _, _) = json_of(
        c.get(format!("{base}/v1/projects/{r}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 404);
    sim.shutdown().await;
}

#[tokio::test]
async fn auth_errors_unknown_org_and_pause_restore() {
    let sim = sim().await;
    let base = sim.supabase_api_url();
    let c = client();
    let (s, _, v) = json_of(
        c.get(format!("{base}/v1/projects"))
            .bearer_auth("wrong")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v), (401, json!({"message": "Unauthorized"})));
    let (s, _, v) = json_of(c.get(format!("{base}/v1/projects")).send().await.unwrap()).await;
    assert_eq!((s, v), (401, json!({"message": "Unauthorized"})));
    let (s, _, v) = json_of(
        c.post(format!("{base}/v1/projects"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "x", "db_pass": "p", "organization_slug": "nope"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 404);
    assert!(v["message"].is_string());
    let (s, _, _) = json_of(
        c.post(format!("{base}/v1/projects"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    let (s, _, _) = json_of(
        c.get(format!("{base}/v1/projects/abcdefghijabcdefghij"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 404);

    let r = create(&c, &base, "pausable").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, _, _) = json_of(
        c.post(format!("{base}/v1/projects/{r}/pause"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    let (_, _, v) = json_of(
        c.get(format!("{base}/v1/projects/{r}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["status"], "INACTIVE");
    let (s, _, _) = json_of(
        c.post(format!("{base}/v1/projects/{r}/restore"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    let (_, _, v) = json_of(
        c.get(format!("{base}/v1/projects/{r}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["status"], "ACTIVE_HEALTHY");
    let (s, _, h) = json_of(
        c.get(format!("{base}/v1/projects/{r}/health?services=auth,db"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::Supabase, "GET", "/v1/projects/{ref}/health", 200, &h);
    // The spec's form of the array parameter (one pair per service), a service made sick on
    // demand (the first one asked for), and a name outside the spec's enum.
    let added = c
        .post(format!("{}/__sim/faults", sim.base_url()))
        .json(
            &json!({"path": "/supabase/v1/projects/*/health", "outcome": "UNHEALTHY", "times": 1}),
        )
        .send()
        .await
        .unwrap();
    assert!(added.status().is_success());
    let (s, _, h) = json_of(
        c.get(format!(
            "{base}/v1/projects/{r}/health?services=auth&services=db&services=rest"
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::Supabase, "GET", "/v1/projects/{ref}/health", 200, &h);
    let states: Vec<(&str, &str)> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["name"].as_str().unwrap(), x["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            ("auth", "UNHEALTHY"),
            ("db", "ACTIVE_HEALTHY"),
            ("rest", "ACTIVE_HEALTHY")
        ]
    );
    let (s, _, _) = json_of(
        c.get(format!("{base}/v1/projects/{r}/health?services=mail"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    sim.shutdown().await;
}

/// `POST …/database/query` with `{"query": sql}`, the body checked against the spec.
fn post_sql(
    c: &reqwest::Client,
    base: &str,
    r: &str,
    sql: &str,
) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> {
    let body = json!({ "query": sql });
    assert_request(
        Spec::Supabase,
        "POST",
        "/v1/projects/{ref}/database/query",
        &body,
    );
    c.post(format!("{base}/v1/projects/{r}/database/query"))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
}

/// The project's keys, revealed (`GET /v1/projects/{ref}/api-keys?reveal=true`).
async fn revealed_keys(c: &reqwest::Client, base: &str, r: &str) -> Value {
    let (_, _, keys) = json_of(
        c.get(format!("{base}/v1/projects/{r}/api-keys?reveal=true"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    keys
}

/// A simulator whose projects run their SQL on this binary's shared PostgreSQL.
async fn pg_sim() -> (
    std::sync::Arc<fabrik_sim::pg::TestCluster>,
    fabrik_sim::SimHandle,
) {
    let pg = fabrik_sim::pg::TestCluster::shared().expect("postgres test cluster");
    let sim = sim_with(SimConfig {
        database_url: Some(pg.url().to_string()),
        ..Default::default()
    })
    .await;
    (pg, sim)
}

/// The regions a new project can be made in: the organization is required, every region the
/// description names is listed, the recommendations follow the continent, one is at capacity.
#[tokio::test]
async fn available_regions_follow_the_description() {
    let sim = sim_with(SimConfig::default()).await;
    let base = sim.supabase_api_url();
    let c = client();
    let get = |q: &str| {
        let c = c.clone();
        let url = format!("{base}/v1/projects/available-regions{q}");
        async move { json_of(c.get(url).bearer_auth(TOKEN).send().await.unwrap()).await }
    };
    let (s, _, _) = get("").await;
    assert_eq!(s, 400, "organization_slug is required");
    let (s, _, _) = get("?organization_slug=nobody").await;
    assert_eq!(s, 404);
    let org = sim.seed().supabase_org_slug.clone();
    let (s, _, v) = get(&format!("?organization_slug={org}&continent=EU")).await;
    assert_eq!(s, 200, "{v}");
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/projects/available-regions",
        200,
        &v,
    );
    let all = v["all"]["specific"].as_array().unwrap();
    assert_eq!(all.len(), 18);
    let full: Vec<&str> = all
        .iter()
        .filter(|r| r["status"] == "capacity")
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(full, ["eu-central-2"]);
    assert_eq!(v["recommendations"]["smartGroup"]["code"], "emea");
    assert_eq!(v["recommendations"]["specific"][0]["code"], "eu-central-1");
}
