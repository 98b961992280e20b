//! Supabase Management API and Auth admin behaviour, validated against the official descriptions.

use crate::common;

use std::time::Duration;

use common::*;
use fabrik_sim::{Profile, RateLimits, SimConfig, Timings};
use serde_json::{json, Value};

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
        supabase_api_keys_flaky: Duration::from_millis(1500),
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
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let (s, _, keys) = json_of(
        c.get(format!("{base}/v1/projects/{r}/api-keys"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
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
    let (_, _, keys) = json_of(
        c.get(format!("{base}/v1/projects/{r}/api-keys?reveal=true"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
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

#[tokio::test]
async fn rate_limit_per_endpoint() {
    let sim = sim_with(SimConfig {
        rate_limits: RateLimits {
            supabase_per_minute: 3,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let base = sim.supabase_api_url();
    let c = client();
    for i in 0..3 {
        let r = c
            .get(format!("{base}/v1/organizations"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()["x-ratelimit-remaining"],
            (2 - i).to_string().as_str()
        );
    }
    let r = c
        .get(format!("{base}/v1/organizations"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
    // Another endpoint has its own counter.
    let r = c
        .get(format!("{base}/v1/projects"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Each project has its own counter for the same endpoint (README: per project scope).
    let one = create(&c, &base, "scope-a").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let two = create(&c, &base, "scope-b").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let get = |r: String| {
        let c = c.clone();
        let url = format!("{base}/v1/projects/{r}");
        async move { c.get(url).bearer_auth(TOKEN).send().await.unwrap().status() }
    };
    for _ in 0..3 {
        assert_eq!(get(one.clone()).await, 200);
    }
    assert_eq!(get(one.clone()).await, 429);
    assert_eq!(
        get(two.clone()).await,
        200,
        "another project is not limited by the first"
    );
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

#[tokio::test]
async fn sql_parse_only_records_tables_and_rls() {
    let sim = sim().await;
    let base = sim.supabase_api_url();
    let c = client();
    let r = create(&c, &base, "sqlproj").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let q = |sql: &str| post_sql(&c, &base, &r, sql);
    let (s, _, v) = json_of(q("SELECT 1").await.unwrap()).await;
    assert_eq!((s, v), (201, json!([{"?column?": 1}])));
    let (s, _, v) = json_of(q("create table public.todos (id uuid primary key, title text); alter table public.todos enable row level security;").await.unwrap()).await;
    assert_eq!((s, v), (201, json!([])));
    let (_, _, v) = json_of(
        q("select tablename, rowsecurity from pg_tables where schemaname = 'public'")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v, json!([{"tablename": "todos", "rowsecurity": true}]));
    let (s, _, v) = json_of(q("selec nonsense").await.unwrap()).await;
    assert_eq!(s, 400);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Failed to run sql query: ERROR:  42601: "),
        "{v}"
    );
    let (_, _, inv) = json_of(
        c.get(format!("{}/__sim/inventory", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(inv["sql"], "parsed_only");
    assert_eq!(inv["supabase"]["projects"][0]["tables"][0]["rls"], true);
    let (_, _, st) = json_of(
        c.get(format!("{}/__sim/status", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st["sql_executed"], false);
    sim.shutdown().await;
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

#[tokio::test]
async fn sql_runs_on_real_postgres_and_auth_users_are_mirrored() {
    let (pg, sim) = pg_sim().await;
    let base = sim.supabase_api_url();
    let c = client();
    let r = create(&c, &base, "pgproj").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let q = |sql: &str, params: Option<Value>| {
        let mut body = json!({"query": sql});
        if let Some(p) = params {
            body["parameters"] = p;
        }
        c.post(format!("{base}/v1/projects/{r}/database/query"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
    };
    let (s, _, v) = json_of(q("SELECT 1", None).await.unwrap()).await;
    assert_eq!((s, v), (201, json!([{"?column?": 1}])));
    let (s, _, v) = json_of(
        q("create table public.notes (id uuid primary key default gen_random_uuid(), owner uuid references auth.users(id), body text, n int);\
           alter table public.notes enable row level security;\
           create policy own on public.notes for select using (auth.uid() = owner);", None)
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((s, &v), (201, &json!([])), "{v}");
    let (s, _, v) = json_of(
        q(
            "insert into public.notes (body, n) values ($1, $2) returning body, n",
            Some(json!(["hello", 7])),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((s, v), (201, json!([{"body": "hello", "n": 7}])));
    let (_, _, v) = json_of(
        q(
            "select tablename, rowsecurity from pg_tables where schemaname = 'public'",
            None,
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v, json!([{"tablename": "notes", "rowsecurity": true}]));
    let (s, _, v) = json_of(q("select * from nope", None).await.unwrap()).await;
    assert_eq!(s, 400);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Failed to run sql query: ERROR:  42P01: relation \"nope\" does not exist\nLINE 1: select * from nope\n                      ^\n"),
        "{v}"
    );
    let (s, _, _) = json_of(
        c.post(format!("{base}/v1/projects/{r}/database/query"))
            .bearer_auth(TOKEN)
            .json(&json!({"query": "create table t2 (x int)", "read_only": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    let (_, _, v) = json_of(q("select auth.uid() is null as anonymous, (select rolbypassrls from pg_roles where rolname = 'service_role') as bypass", None).await.unwrap()).await;
    assert_eq!(v, json!([{"anonymous": true, "bypass": true}]));

    // Auth admin users land in auth.users.
    let (_, _, keys) = json_of(
        c.get(format!("{base}/v1/projects/{r}/api-keys?reveal=true"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let service = keys[1]["api_key"].as_str().unwrap().to_string();
    let auth = format!("{}/auth/v1/admin/users", sim.supabase_project_url(&r));
    let (s, _, u) = json_of(
        c.post(&auth).header("apikey", &service).bearer_auth(&service).json(&json!({"email": "owner@acme.test", "password": "longpassword", "email_confirm": true})).send().await.unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{u}");
    let (_, _, v) = json_of(q("select email from auth.users", None).await.unwrap()).await;
    assert_eq!(v, json!([{"email": "owner@acme.test"}]));

    // Check the database directly, then deletion drops it.
    let (client_pg, conn) = tokio_postgres::connect(pg.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    // By the exact name: the tests share one server, and simulators with the same seed hand
    // out the same refs, so a pattern on the ref also finds a parallel test's database.
    let db = sim.project_database(&r).expect("executes SQL");
    let count = || {
        let (client_pg, db) = (&client_pg, &db);
        async move {
            let rows = client_pg
                .query("select datname from pg_database where datname = $1", &[db])
                .await
                .unwrap();
            rows.len()
        }
    };
    assert_eq!(count().await, 1);
    let (s, _, _) = json_of(
        c.delete(format!("{base}/v1/projects/{r}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(count().await, 0);
    let (_, _, st) = json_of(
        c.get(format!("{}/__sim/status", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st["sql"], "executed");
    sim.shutdown().await;
}

#[tokio::test]
async fn auth_admin_create_duplicate_validation_and_list() {
    let sim = sim().await;
    let base = sim.supabase_api_url();
    let c = client();
    let r = create(&c, &base, "authproj").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, _, keys) = json_of(
        c.get(format!("{base}/v1/projects/{r}/api-keys?reveal=true"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let key = |name: &str| {
        keys.as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == name || k["type"] == name)
            .unwrap()["api_key"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (anon, service, secret) = (key("anon"), key("service_role"), key("secret"));
    let url = format!("{}/auth/v1/admin/users", sim.supabase_project_url(&r));
    let body = json!({"email": "Admin@Acme.test", "password": "correct-horse", "email_confirm": true, "user_metadata": {"name": "Ada"}});

    let (s, _, v) = json_of(
        c.post(&url)
            .bearer_auth(&service)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 401, "no apikey: {v}");
    let (s, h, v) = json_of(
        c.post(&url)
            .header("apikey", &anon)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["error_code"].as_str()),
        (401, Some("no_authorization"))
    );
    assert_eq!(h["x-sb-error-code"], "no_authorization");
    let (s, _, v) = json_of(
        c.post(&url)
            .header("apikey", &anon)
            .bearer_auth(&anon)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["error_code"].as_str()), (403, Some("not_admin")));
    let (s, _, v) = json_of(
        c.post(&url)
            .header("apikey", &secret)
            .bearer_auth(&secret)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["error_code"].as_str()), (403, Some("bad_jwt")));

    let (s, _, user) = json_of(
        c.post(&url)
            .header("apikey", &anon)
            .bearer_auth(&service)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{user}");
    assert_component(Spec::Auth, "UserSchema", &user);
    assert_eq!(user["email"], "admin@acme.test");
    assert!(user["email_confirmed_at"].is_string());

    let (s, h, v) = json_of(
        c.post(&url)
            .header("apikey", &anon)
            .bearer_auth(&service)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(
        v,
        json!({"code": 422, "error_code": "email_exists", "msg": "A user with this email address has already been registered"})
    );
    assert_eq!(h["x-sb-error-code"], "email_exists");
    let (s, _, v) = json_of(
        c.post(&url)
            .header("apikey", &anon)
            .header("X-Supabase-Api-Version", "2024-01-01")
            .bearer_auth(&service)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(
        v,
        json!({"code": "email_exists", "message": "A user with this email address has already been registered"})
    );
    let (s, _, v) = json_of(
        c.post(&url)
            .header("apikey", &anon)
            .bearer_auth(&service)
            .json(&json!({"password": "x1234567"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["error_code"].as_str()),
        (400, Some("validation_failed"))
    );

    for i in 0..2 {
        let b = json!({"email": format!("u{i}@acme.test")});
        assert_eq!(
            c.post(&url)
                .header("apikey", &anon)
                .bearer_auth(&service)
                .json(&b)
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    let (s, _, page) = json_of(
        c.get(format!("{url}?page=2&per_page=2"))
            .header("apikey", &anon)
            .bearer_auth(&service)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(page["aud"], "authenticated");
    assert_eq!(page["users"].as_array().unwrap().len(), 1);
    for u in page["users"].as_array().unwrap() {
        assert_component(Spec::Auth, "UserSchema", u);
    }

    // `PUT /admin/users/{id}` (a new password; metadata merged), and `GET` of one user.
    let one = format!("{url}/{}", user["id"].as_str().unwrap());
    let put = |b: Value, at: String| {
        c.put(at)
            .header("apikey", &anon)
            .bearer_auth(&service)
            .json(&b)
            .send()
    };
    let (s, _, v) = json_of(put(json!({"pasword": "x"}), one.clone()).await.unwrap()).await;
    assert_eq!((s, v["error_code"].as_str()), (400, Some("bad_json")));
    let (s, _, v) = json_of(put(json!({"password": "kort"}), one.clone()).await.unwrap()).await;
    assert_eq!((s, v["error_code"].as_str()), (422, Some("weak_password")));
    let nobody = format!("{url}/00000000-0000-4000-8000-000000000000");
    let (s, _, v) = json_of(
        put(json!({"password": "ett-nytt-lösen"}), nobody)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["error_code"].as_str()), (404, Some("user_not_found")));
    let (s, _, v) = json_of(
        put(
            json!({"password": "ett-nytt-lösen", "user_metadata": {"must_change_password": true}}),
            one.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_component(Spec::Auth, "UserSchema", &v);
    assert_eq!(
        v["user_metadata"],
        json!({"name": "Ada", "must_change_password": true})
    );
    let sign_in = |pw: &str| {
        c.post(format!(
            "{}/auth/v1/token?grant_type=password",
            sim.supabase_project_url(&r)
        ))
        .header("apikey", &anon)
        .json(&json!({"email": "admin@acme.test", "password": pw}))
        .send()
    };
    assert_eq!(sign_in("correct-horse").await.unwrap().status(), 400);
    assert_eq!(sign_in("ett-nytt-lösen").await.unwrap().status(), 200);
    let (s, _, v) = json_of(
        c.get(&one)
            .header("apikey", &anon)
            .bearer_auth(&service)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, &v["id"]), (200, &user["id"]));
    sim.shutdown().await;
}

const HISTORY_DDL: &str = "CREATE SCHEMA IF NOT EXISTS supabase_migrations; \
    CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text);";
const HISTORY_READ: &str =
    "select version, name from supabase_migrations.schema_migrations order by version";

/// One migration file applied as Fabrik applies it: one query text, one transaction.
fn migration_script(version: &str, name: &str, body: &str) -> String {
    format!(
        "BEGIN;\nSELECT pg_advisory_xact_lock(727272);\n{body};\n\
         INSERT INTO supabase_migrations.schema_migrations (version, name, statements) \
         VALUES ('{version}', '{name}', ARRAY[$fabrik_q1$ {body} $fabrik_q1$]);\nCOMMIT;"
    )
}

/// The roll-out story on one project, asserted the same way on PostgreSQL and on the parse-only
/// executor: the history table, applied migrations, a failing script and a duplicate version
/// that each leave nothing behind, and the error answer's shape. Returns the project's ref.
async fn migration_history_story(sim: &fabrik_sim::SimHandle) -> String {
    let base = sim.supabase_api_url();
    let c = client();
    let r = create(&c, &base, "history").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let q = |sql: String| post_sql(&c, &base, &r, &sql);
    let tables = || async {
        json_of(
            q(
                "select tablename from pg_tables where schemaname = 'public' order by tablename"
                    .into(),
            )
            .await
            .unwrap(),
        )
        .await
        .2
    };
    // Reading the history before it exists is PostgreSQL's 42P01.
    let (s, _, v) = json_of(q(HISTORY_READ.into()).await.unwrap()).await;
    assert_eq!(s, 400, "{v}");
    assert!(
        v["message"].as_str().unwrap().starts_with(
            "Failed to run sql query: ERROR:  42P01: relation \"supabase_migrations.schema_migrations\" does not exist"
        ),
        "{v}"
    );
    for _ in 0..2 {
        let (s, _, v) = json_of(q(HISTORY_DDL.into()).await.unwrap()).await;
        assert_eq!((s, &v), (201, &json!([])), "{v}");
    }
    for (version, name, body) in [
        (
            "20250101000000",
            "init",
            "create table public.accounts (id uuid primary key)",
        ),
        (
            "20250202000000",
            "notes",
            "create table public.notes (id int primary key, body text)",
        ),
    ] {
        let (s, _, v) = json_of(q(migration_script(version, name, body)).await.unwrap()).await;
        assert_eq!((s, &v), (201, &json!([])), "{v}");
    }
    let (s, _, v) = json_of(q(HISTORY_READ.into()).await.unwrap()).await;
    assert_eq!(
        (s, v),
        (
            201,
            json!([{"version": "20250101000000", "name": "init"}, {"version": "20250202000000", "name": "notes"}])
        )
    );

    // A statement failing after others: nothing of the script stays, no history row.
    let (s, _, v) = json_of(
        q(migration_script(
            "20250303000000",
            "broken",
            "create table public.tags (id int); alter table public.missing enable row level security",
        ))
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    let obj = v.as_object().unwrap();
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["message"], "{v}");
    assert!(
        v["message"].as_str().unwrap().starts_with(
            "Failed to run sql query: ERROR:  42P01: relation \"public.missing\" does not exist\n"
        ),
        "{v}"
    );
    assert_eq!(
        tables().await,
        json!([{"tablename": "accounts"}, {"tablename": "notes"}])
    );

    // A version already applied: the whole transaction fails with the primary key's 23505.
    let (s, _, v) = json_of(
        q(migration_script(
            "20250202000000",
            "again",
            "create table public.again (id int)",
        ))
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    let msg = v["message"].as_str().unwrap();
    assert!(
        msg.starts_with(
            "Failed to run sql query: ERROR:  23505: duplicate key value violates unique constraint \"schema_migrations_pkey\"\n"
        ) && msg.contains("DETAIL:  Key (version)=(20250202000000) already exists.\n"),
        "{v}"
    );
    assert_eq!(
        tables().await,
        json!([{"tablename": "accounts"}, {"tablename": "notes"}])
    );
    let (_, _, v) = json_of(q(HISTORY_READ.into()).await.unwrap()).await;
    assert_eq!(v.as_array().unwrap().len(), 2, "{v}");
    r
}

#[tokio::test]
async fn migration_history_and_atomic_scripts_without_postgres() {
    let sim = sim().await;
    assert!(!sim.executes_sql());
    migration_history_story(&sim).await;
    sim.shutdown().await;
}

#[tokio::test]
async fn migration_history_atomic_scripts_and_errors_on_postgres() {
    let (_pg, sim) = pg_sim().await;
    let r = migration_history_story(&sim).await;
    let base = sim.supabase_api_url();
    let c = client();
    let q = |sql: &str| {
        c.post(format!("{base}/v1/projects/{r}/database/query"))
            .bearer_auth(TOKEN)
            .json(&json!({ "query": sql }))
            .send()
    };
    // The error carries the server's own text: the line and a caret under the position, and
    // the CONTEXT of an error raised inside a function.
    let (s, _, v) = json_of(
        q("begin;\ninsert into public.notes (id, body) values (1, 'a');\nselect nope from public.notes;\ncommit;")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(
        v["message"],
        "Failed to run sql query: ERROR:  42703: column \"nope\" does not exist\nLINE 3: select nope from public.notes;\n               ^\n",
    );
    let (s, _, v) = json_of(
        q("do $$ begin raise exception using errcode = 'P0001', message = 'stop here', hint = 'look'; end $$")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    let msg = v["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Failed to run sql query: ERROR:  P0001: stop here\nHINT:  look\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at RAISE"),
        "{v}"
    );
    // The rolled-back insert left nothing, the next script runs, and no session of the
    // project's database is left inside a transaction.
    let (s, _, v) = json_of(
        q("select count(*)::int as n from public.notes")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v), (201, json!([{"n": 0}])));
    let (_, _, v) = json_of(
        q("select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v, json!([{"n": 0}]));
    // The history table is PostgreSQL's own: its columns as the Supabase CLI creates them.
    let (_, _, v) = json_of(
        q("select column_name, data_type from information_schema.columns where table_schema = 'supabase_migrations' and table_name = 'schema_migrations' order by ordinal_position")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        v,
        json!([
            {"column_name": "version", "data_type": "text"},
            {"column_name": "statements", "data_type": "ARRAY"},
            {"column_name": "name", "data_type": "text"}
        ])
    );
    let (_, _, v) = json_of(
        q("select statements from supabase_migrations.schema_migrations where version = '20250101000000'")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        v,
        json!([{"statements": [" create table public.accounts (id uuid primary key) "]}])
    );
    sim.shutdown().await;
}

/// Supabase's own backups per plan (spec: v1-list-all-backups and the restores): none on the
/// free plan (PITR refused as recorded, the schedule 402), physical backups and a PITR window
/// once the test surface switches the plan, restores refused outside the window, and an
/// accepted one through RESTORING back to ACTIVE_HEALTHY. State only (no PostgreSQL here).
#[tokio::test]
async fn backups_follow_the_plan_and_a_restore_goes_through_restoring() {
    let timings = Timings {
        supabase_restore: Duration::from_millis(1500),
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
    let r = create(&c, &base, "backups").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let get = |path: String| {
        let c = c.clone();
        async move { json_of(c.get(path).bearer_auth(TOKEN).send().await.unwrap()).await }
    };
    let post = |path: String, body: Value| {
        let c = c.clone();
        async move {
            json_of(
                c.post(path)
                    .bearer_auth(TOKEN)
                    .json(&body)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    let backups = format!("{base}/v1/projects/{r}/database/backups");

    let (s, _, v) = get(backups.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/projects/{ref}/database/backups",
        200,
        &v,
    );
    assert_eq!(v["pitr_enabled"], false);
    assert_eq!(v["walg_enabled"], false);
    assert_eq!(v["backups"], json!([]));
    let body = json!({"recovery_time_target_unix": 1});
    assert_request(
        Spec::Supabase,
        "POST",
        "/v1/projects/{ref}/database/backups/restore-pitr",
        &body,
    );
    let (s, _, v) = post(format!("{backups}/restore-pitr"), body).await;
    assert_eq!(
        (s, v["message"].as_str()),
        (400, Some("PITR is not enabled for this project."))
    );
    let (s, _, _) = post(format!("{backups}/restore"), json!({"id": 1})).await;
    assert_eq!(s, 400);
    let (s, _, _) = get(format!("{backups}/schedule")).await;
    assert_eq!(s, 402, "Feature requires a higher plan");

    let (s, _, admin) = post(
        format!("{}/__sim/supabase/projects/{r}/plan", sim.base_url()),
        json!({"plan": "pro", "pitr": true}),
    )
    .await;
    assert_eq!(s, 200, "{admin}");
    let (_, _, v) = get(backups.clone()).await;
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/projects/{ref}/database/backups",
        200,
        &v,
    );
    assert_eq!(
        (v["pitr_enabled"].as_bool(), v["walg_enabled"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(v["backups"][0]["is_physical_backup"], true);
    assert_eq!(v["backups"][0]["status"], "COMPLETED");
    let first = v["physical_backup_data"]["earliest_physical_backup_date_unix"]
        .as_i64()
        .unwrap();
    let (s, _, v) = get(format!("{backups}/schedule")).await;
    assert_eq!(s, 200);
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/projects/{ref}/database/backups/schedule",
        200,
        &v,
    );

    let body = json!({"name": "before-upgrade"});
    assert_request(
        Spec::Supabase,
        "POST",
        "/v1/projects/{ref}/database/backups/restore-point",
        &body,
    );
    let (s, _, v) = post(format!("{backups}/restore-point"), body).await;
    assert_eq!(s, 201, "{v}");
    assert_response(
        Spec::Supabase,
        "POST",
        "/v1/projects/{ref}/database/backups/restore-point",
        201,
        &v,
    );
    let (s, _, v) = get(format!("{backups}/restore-point?name=before-upgrade")).await;
    assert_eq!(s, 200);
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/projects/{ref}/database/backups/restore-point",
        200,
        &v,
    );

    let (s, _, _) = post(
        format!("{backups}/restore-pitr"),
        json!({"recovery_time_target_unix": first - 60}),
    )
    .await;
    assert_eq!(s, 400, "before the window");
    let (s, _, _) = post(
        format!("{backups}/restore-pitr"),
        json!({"recovery_time_target_unix": first}),
    )
    .await;
    assert_eq!(s, 201);
    let status = |v: Value| v["status"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        status(get(format!("{base}/v1/projects/{r}")).await.2),
        "RESTORING"
    );
    let (s, _, _) = post(
        format!("{backups}/restore-pitr"),
        json!({"recovery_time_target_unix": first}),
    )
    .await;
    assert_eq!(s, 400, "not again while restoring");
    tokio::time::sleep(Duration::from_millis(1700)).await;
    assert_eq!(
        status(get(format!("{base}/v1/projects/{r}")).await.2),
        "ACTIVE_HEALTHY"
    );
}
