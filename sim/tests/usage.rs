//! What the simulated instances use (issue #57): the usage endpoints answer in the official
//! shapes, their figures follow the simulator's own day (`/__sim/clock`), and the awkward
//! answers a client must survive can be asked for.

use crate::common;

use common::*;
use fabrik_sim::{RateLimits, SimConfig};
use serde_json::{json, Value};

async fn admin(sim: &fabrik_sim::SimHandle, path: &str, body: Value) -> (u16, Value) {
    let (s, _, v) = json_of(
        client()
            .post(format!("{}/__sim{path}", sim.base_url()))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    (s, v)
}

async fn get_json(url: String, key: Option<(&str, &str)>) -> (u16, Value) {
    let mut r = client().get(url);
    r = match key {
        Some((h, v)) => r.header(h, v),
        None => r.bearer_auth(TOKEN),
    };
    let (s, _, v) = json_of(r.send().await.unwrap()).await;
    (s, v)
}

/// A project made by hand (ready at once), with a usage profile of the test's choosing.
async fn project(sim: &fabrik_sim::SimHandle, name: &str, profile: &str) -> String {
    let (s, v) = admin(
        sim,
        "/foreign",
        json!({"kind": "supabase_project", "name": name}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let r = v["ref"].as_str().unwrap().to_string();
    let (s, _) = admin(sim, "/usage/profile", json!({"id": r, "profile": profile})).await;
    assert_eq!(s, 200);
    r
}

#[tokio::test]
async fn supabase_usage_answers_in_the_spec_shapes_and_moves_with_the_day() {
    let sim = sim().await;
    let base = sim.supabase_api_url();
    let r = project(&sim, "usage-normal", "normal").await;

    let disk_path = "/v1/projects/{ref}/config/disk/util";
    let (s, disk) = get_json(format!("{base}/v1/projects/{r}/config/disk/util"), None).await;
    assert_eq!(s, 200, "{disk}");
    assert_response(Spec::Supabase, "GET", disk_path, 200, &disk);
    let m = &disk["metrics"];
    assert_eq!(
        m["fs_used_bytes"].as_f64().unwrap() + m["fs_avail_bytes"].as_f64().unwrap(),
        m["fs_size_bytes"].as_f64().unwrap()
    );

    let counts_path = "/v1/projects/{ref}/analytics/endpoints/usage.api-counts";
    let counts_url =
        format!("{base}/v1/projects/{r}/analytics/endpoints/usage.api-counts?interval=7day");
    let (s, counts) = get_json(counts_url.clone(), None).await;
    assert_eq!(s, 200, "{counts}");
    assert_response(Spec::Supabase, "GET", counts_path, 200, &counts);
    let buckets = counts["result"].as_array().unwrap();
    assert_eq!(buckets.len(), 7);
    let (_, clock) = get_json(format!("{}/__sim/clock", sim.base_url()), None).await;
    let today = clock["today"].as_str().unwrap().to_string();
    assert!(buckets[6]["timestamp"]
        .as_str()
        .unwrap()
        .starts_with(&today));
    assert!(
        buckets[6]["total_rest_requests"].as_u64().unwrap() > 0,
        "made today: in use"
    );

    let (s, bad) = get_json(
        format!("{base}/v1/projects/{r}/analytics/endpoints/usage.api-counts?interval=2day"),
        None,
    )
    .await;
    assert_eq!(s, 400, "{bad}");

    let addons_path = "/v1/projects/{ref}/billing/addons";
    let (s, addons) = get_json(format!("{base}/v1/projects/{r}/billing/addons"), None).await;
    assert_eq!(s, 200, "{addons}");
    assert_response(Spec::Supabase, "GET", addons_path, 200, &addons);
    // A new project is on the free plan: Nano compute, no add-on selected.
    assert_eq!(addons["selected_addons"], json!([]), "{addons}");
    let (s, _) = admin(
        &sim,
        &format!("/supabase/projects/{r}/plan"),
        json!({"plan": "pro"}),
    )
    .await;
    assert_eq!(s, 200);
    let (_, addons) = get_json(format!("{base}/v1/projects/{r}/billing/addons"), None).await;
    assert_response(Spec::Supabase, "GET", addons_path, 200, &addons);
    assert_eq!(addons["selected_addons"][0]["type"], "compute_instance");

    // Five days on: the figures are the new day's.
    let (s, moved) = admin(&sim, "/clock", json!({"advance_days": 5})).await;
    assert_eq!(s, 200);
    assert_eq!(moved["offset_days"], 5);
    assert_ne!(moved["today"].as_str().unwrap(), today);
    let (_, later) = get_json(counts_url, None).await;
    assert_response(Spec::Supabase, "GET", counts_path, 200, &later);
    assert_eq!(
        later["result"][1]["timestamp"],
        counts["result"][6]["timestamp"]
    );
    assert_ne!(later["result"][6], counts["result"][6]);
    let (_, disk_later) = get_json(format!("{base}/v1/projects/{r}/config/disk/util"), None).await;
    assert!(
        disk_later["metrics"]["fs_used_bytes"].as_f64() > m["fs_used_bytes"].as_f64(),
        "the database grew: {disk_later} vs {disk}"
    );
    let (s, _) = admin(&sim, "/clock", json!({"advance_days": -1})).await;
    assert_eq!(s, 400, "the clock does not go back");

    // Without PostgreSQL the usage SQL is answered from the same figures.
    let (s, _, rows) = json_of(
        client()
            .post(format!("{base}/v1/projects/{r}/database/query"))
            .bearer_auth(TOKEN)
            .json(&json!({"query": "select pg_database_size(current_database())::bigint as database_bytes, (select count(*) from auth.users)::bigint as auth_users", "read_only": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201, "{rows}");
    assert!(
        rows[0]["database_bytes"].as_u64().unwrap() > 1_000_000,
        "{rows}"
    );
    assert_eq!(rows[0]["auth_users"], 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn idle_projects_stop_being_used_and_the_analytics_error_comes_in_a_200() {
    let sim = sim().await;
    let base = sim.supabase_api_url();
    let idle = project(&sim, "usage-idle", "idle").await;
    admin(&sim, "/clock", json!({"advance_days": 9})).await;
    let url =
        format!("{base}/v1/projects/{idle}/analytics/endpoints/usage.api-counts?interval=7day");
    let (_, counts) = get_json(url.clone(), None).await;
    let total: u64 = counts["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["total_rest_requests"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 0, "idle for a week: {counts}");

    let (s, _) = admin(
        &sim,
        "/faults",
        json!({"method": "GET", "path": "/supabase/v1/projects/*/analytics/endpoints/usage.api-counts", "outcome": "ANALYTICS_ERROR", "times": 1}),
    )
    .await;
    assert_eq!(s, 201);
    let (s, awkward) = get_json(url, None).await;
    assert_eq!(s, 200);
    assert!(awkward["error"]["message"].is_string(), "{awkward}");
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/projects/{ref}/analytics/endpoints/usage.api-counts",
        200,
        &awkward,
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn the_usage_endpoints_are_rate_limited_like_the_rest() {
    let sim = sim_with(SimConfig {
        rate_limits: RateLimits {
            supabase_per_minute: 2,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let r = project(&sim, "usage-limited", "busy").await;
    let url = format!("{}/v1/projects/{r}/billing/addons", sim.supabase_api_url());
    for _ in 0..2 {
        assert_eq!(get_json(url.clone(), None).await.0, 200);
    }
    let (s, v) = get_json(url, None).await;
    assert_eq!(s, 429, "{v}");
    sim.shutdown().await;
}

/// `workflowId` is n8n's string id, where the spec's `execution` says number (sim/README.md,
/// exception 8): validated with the id's type as the spec has it.
fn as_spec_execution(e: &Value) -> Value {
    let mut e = e.clone();
    e["workflowId"] = json!(1000);
    e
}

#[tokio::test]
async fn n8n_executions_are_paged_newest_first_and_follow_the_day() {
    let sim = sim().await;
    // Made in the last minutes of a day (UTC), a workflow has no execution left that day.
    let (_, clock) = get_json(format!("{}/__sim/clock", sim.base_url()), None).await;
    let into_day_ms = clock["now_ms"].as_i64().unwrap().rem_euclid(86_400_000);
    let first_day_has_some = into_day_ms < 86_400_000 - 10 * 60_000;
    let (s, wf) = admin(
        &sim,
        "/foreign",
        json!({"kind": "n8n_workflow", "name": "usage-flow"}),
    )
    .await;
    assert_eq!(s, 201);
    let id = wf["id"].as_str().unwrap().to_string();
    admin(&sim, "/usage/profile", json!({"id": id, "profile": "busy"})).await;
    admin(&sim, "/clock", json!({"advance_days": 2})).await;
    let api = sim.n8n_api_url();
    let key = Some(("X-N8N-API-KEY", TOKEN));
    let mut seen: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..20 {
        let mut url = format!("{api}/executions?workflowId={id}&limit=250");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let (s, page) = get_json(url, key).await;
        assert_eq!(s, 200, "{page}");
        let mut checked = page.clone();
        checked["data"] = Value::Array(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(as_spec_execution)
                .collect(),
        );
        assert_response(Spec::N8n, "GET", "/executions", 200, &checked);
        seen.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    // Two days on: the rest of its first day, a whole day of a busy schedule (every five
    // minutes) and today's so far, more than one page.
    assert!(seen.len() > 288, "{}", seen.len());
    let days: std::collections::BTreeSet<&str> = seen
        .iter()
        .map(|e| &e["startedAt"].as_str().unwrap()[..10])
        .collect();
    if first_day_has_some {
        assert_eq!(days.len(), 3, "{days:?}");
    } else {
        assert!((2..=3).contains(&days.len()), "{days:?}");
    }
    let ids: Vec<u64> = seen.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, each once"
    );
    let (_, failed) = get_json(
        format!("{api}/executions?workflowId={id}&status=error&limit=250"),
        key,
    )
    .await;
    let failed = failed["data"].as_array().unwrap();
    assert!(!failed.is_empty() && failed.iter().all(|e| e["status"] == "error"));
    let (s, _) = get_json(format!("{api}/executions?limit=251"), key).await;
    assert_eq!(s, 400);
    sim.shutdown().await;
}

/// On a real PostgreSQL a usage profile adds its growth to what the database holds: rows a
/// client writes still make the database bigger, as they would on Supabase.
#[tokio::test]
async fn a_usage_profile_adds_to_what_the_database_really_holds() {
    let pg = fabrik_sim::pg::TestCluster::shared().expect("postgres test cluster");
    let sim = sim_with(SimConfig {
        database_url: Some(pg.url().to_string()),
        ..Default::default()
    })
    .await;
    let r = project(&sim, "usage-grows", "near_limit").await;
    let c = client();
    let sql = |query: &str| {
        c.post(format!(
            "{}/v1/projects/{r}/database/query",
            sim.supabase_api_url()
        ))
        .bearer_auth(TOKEN)
        .json(&json!({ "query": query }))
        .send()
    };
    let size = || async {
        let q = "select pg_database_size(current_database()) as database_bytes";
        let (s, _, v) = json_of(sql(q).await.unwrap()).await;
        assert_eq!(s, 201, "{v}");
        let bytes = &v[0]["database_bytes"];
        bytes
            .as_f64()
            .or_else(|| bytes.as_str()?.parse().ok())
            .unwrap()
    };
    let before = size().await;
    assert!(before > 450.0 * 1_048_576.0, "the profile's size: {before}");
    let (s, _, v) = json_of(
        sql("create table public.filler as select g, repeat('x', 1000) as pad from generate_series(1, 8000) g")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let after = size().await;
    assert!(
        after - before > 4.0 * 1_048_576.0,
        "8 MB of rows written: {before} → {after}"
    );
    sim.shutdown().await;
}

/// The status `GET /v1/projects/{ref}` answers.
async fn status_of(sim: &fabrik_sim::SimHandle, r: &str) -> String {
    let (s, v) = get_json(format!("{}/v1/projects/{r}", sim.supabase_api_url()), None).await;
    assert_eq!(s, 200, "{v}");
    v["status"].as_str().unwrap().to_string()
}

/// Supabase pauses a free project after 7 days without use; the simulator did not (issue
/// #70: "the free plan's ... idle pause in force"). A paid one, or one in use, stays up; a
/// restored one has 7 days again.
#[tokio::test]
async fn a_free_project_nobody_uses_is_paused_after_a_week_and_a_restore_starts_the_week_again() {
    let sim = sim().await;
    let idle = project(&sim, "idle-free", "idle").await;
    let used = project(&sim, "used-free", "normal").await;
    let paid = project(&sim, "idle-paid", "idle").await;
    let (s, _) = admin(
        &sim,
        &format!("/supabase/projects/{paid}/plan"),
        json!({"plan": "pro"}),
    )
    .await;
    assert_eq!(s, 200);

    // Used on its first two days (`usage::api_requests`), then 7 whole days unused: still up.
    admin(&sim, "/clock", json!({"advance_days": 8})).await;
    assert_eq!(status_of(&sim, &idle).await, "ACTIVE_HEALTHY");
    // The eighth day without use: paused, as the Dashboard shows a paused project.
    admin(&sim, "/clock", json!({"advance_days": 1})).await;
    assert_eq!(status_of(&sim, &idle).await, "INACTIVE");
    assert_eq!(status_of(&sim, &used).await, "ACTIVE_HEALTHY");
    assert_eq!(status_of(&sim, &paid).await, "ACTIVE_HEALTHY");
    // Its database does not answer while it is paused.
    let (s, _, refused) = json_of(
        client()
            .post(format!(
                "{}/v1/projects/{idle}/database/query",
                sim.supabase_api_url()
            ))
            .bearer_auth(TOKEN)
            .json(&json!({"query": "select 1", "read_only": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400, "{refused}");

    // Restored, then unused for a week again: paused again only after the whole week.
    let restore = format!("{}/v1/projects/{idle}/restore", sim.supabase_api_url());
    let r = client()
        .post(&restore)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(status_of(&sim, &idle).await, "ACTIVE_HEALTHY");
    admin(&sim, "/clock", json!({"advance_days": 8})).await;
    assert_eq!(status_of(&sim, &idle).await, "ACTIVE_HEALTHY");
    admin(&sim, "/clock", json!({"advance_days": 1})).await;
    assert_eq!(status_of(&sim, &idle).await, "INACTIVE");
    sim.shutdown().await;
}
