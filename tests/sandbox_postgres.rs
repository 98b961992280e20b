//! The sandbox's own PostgreSQL: its projects' databases live in the sandbox's data dir and are
//! there again after the sandbox (the app) is stopped and started on the same folder.

use std::path::Path;
use std::time::{Duration, Instant};

use fabrik::sandbox::{Sandbox, SandboxPostgres, POSTGRES_DIR};
use serde_json::{json, Value};

const TOKEN: &str = fabrik_sim::DEFAULT_TOKEN;

fn fast_time() {
    // Supabase's start-up (~90 s real) in a fraction of a second; only this binary's tests read it.
    std::env::set_var("FABRIK_SANDBOX_TIME_SCALE", "0.001");
}

async fn query(c: &reqwest::Client, sb: &Sandbox, r: &str, sql: &str) -> (u16, Value) {
    let res = c
        .post(format!(
            "{}/v1/projects/{r}/database/query",
            sb.endpoints().supabase_api
        ))
        .bearer_auth(TOKEN)
        .json(&json!({ "query": sql }))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// Sends with the sandbox's token; the answer's JSON.
async fn json_of(req: reqwest::RequestBuilder) -> Value {
    req.bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn new_project(c: &reqwest::Client, sb: &Sandbox) -> String {
    let api = sb.endpoints().supabase_api;
    let org = sb
        .settings()
        .into_iter()
        .find(|(k, _)| *k == "supabase.organization")
        .unwrap()
        .1;
    let p = json_of(
        c.post(format!("{api}/v1/projects"))
            .json(&json!({"name": "kept", "db_pass": "S3cret-pass!", "organization_slug": org, "region": "eu-north-1"})),
    )
    .await;
    let r = p["ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{p}"))
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let p = json_of(c.get(format!("{api}/v1/projects/{r}"))).await;
        if p["status"] == "ACTIVE_HEALTHY" {
            return r;
        }
        assert!(Instant::now() < deadline, "project never came up: {p}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn listening(url: &str) -> bool {
    let port: u16 = url
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

fn installed() -> bool {
    std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|d| {
        d.filter_map(|e| e.ok())
            .any(|e| e.path().join("bin/initdb").exists())
    })
}

/// A data dir the server's user can reach: as root the server runs as `postgres`, and a
/// temporary directory is private to root.
fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_databases_survive_a_restart() {
    if !installed() {
        eprintln!("skipped: no PostgreSQL installation under /usr/lib/postgresql");
        return;
    }
    fast_time();
    let dir = data_dir();
    let c = reqwest::Client::new();

    let sb = Sandbox::start_with(dir.path(), None, SandboxPostgres::Required)
        .await
        .expect("sandbox with PostgreSQL");
    let url = sb.postgres_url().expect("a PostgreSQL server").to_string();
    assert!(dir
        .path()
        .join(POSTGRES_DIR)
        .join("data/PG_VERSION")
        .exists());
    let r = new_project(&c, &sb).await;
    let (s, v) = query(&c, &sb, &r, "create table public.kept (note text); insert into public.kept values ('from the first launch')").await;
    assert_eq!((s, &v), (201, &json!([])), "{v}");
    sb.shutdown().await;
    assert!(!listening(&url), "the sandbox's PostgreSQL stopped with it");

    let sb = Sandbox::start_with(dir.path(), None, SandboxPostgres::Required)
        .await
        .expect("sandbox again");
    let (s, v) = query(&c, &sb, &r, "select note from public.kept").await;
    assert_eq!((s, v), (201, json!([{"note": "from the first launch"}])));
    let url = sb.postgres_url().unwrap().to_string();
    sb.shutdown().await;
    assert!(!listening(&url));
}

#[tokio::test]
async fn sandbox_without_postgres_parses_sql_only() {
    fast_time();
    let dir = data_dir();
    let sb = Sandbox::start_with(dir.path(), None, SandboxPostgres::Off)
        .await
        .unwrap();
    assert!(sb.postgres_url().is_none());
    assert!(!Path::new(&dir.path().join(POSTGRES_DIR)).exists());
    sb.shutdown().await;
}
