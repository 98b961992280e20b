//! Shared by the engine tests: a simulated cloud on a real PostgreSQL, an engine wired to it,
//! and helpers to read the simulator's inventory and inject faults.
#![allow(dead_code)]

pub mod github_person;
/// A template's two releases and twelve customer repositories, with the checker (template updates).
pub mod template_corpus;

mod cli;
pub use cli::{cli, delivered_fleet, fabrik_exe, register_file, run_until, said};

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::InstanceRows;
use fabrik::customer::{CustomerDraft, ModuleManifest, Plan};
use fabrik::environment::Environment;
use fabrik::providers::Endpoints;
use fabrik::provision::RunRequest;
use fabrik::provision::{
    Clients, Engine, FailurePolicy, ProvisionSettings, RunEvent, Timing, Tokens,
};
use fabrik::secrets::{Secret, SecretStore};
use fabrik::store::Store;
use fabrik_sim::pg::TestCluster;
use fabrik_sim::{Profile, SimConfig, SimHandle};
use serde_json::{json, Value};

pub const TOKEN: &str = "SENTINEL-agency-token-6f1d2c9a";
/// The Resend key as production expects it (`re_…`); it holds the sentinel, so a leak of it
/// is found by the same search.
pub const RESEND_KEY: &str = "re_SENTINEL-agency-token-6f1d2c9a";

/// One PostgreSQL cluster for the whole test binary.
pub fn cluster() -> Arc<TestCluster> {
    static PG: OnceLock<Arc<TestCluster>> = OnceLock::new();
    PG.get_or_init(|| TestCluster::shared().expect("a PostgreSQL cluster for the tests"))
        .clone()
}

/// The keyring under a service name of this test's own; `None` (skip) only when the test
/// command did not promise one (FABRIK_TEST_KEYRING).
pub fn keyring(tag: &str) -> Option<SecretStore> {
    let s = SecretStore::new(&format!("test-{tag}-{}", std::process::id()));
    match s.get(&fabrik::secrets::SecretKey::Token(
        fabrik::secrets::Provider::Github,
    )) {
        Ok(_) => Some(s),
        Err(e) if std::env::var_os("FABRIK_TEST_KEYRING").is_none() => {
            eprintln!("skipping: no keyring ({e}); scripts/test.sh provides one");
            None
        }
        Err(e) => panic!("the test keyring is not available: {e}"),
    }
}

pub async fn sim(profile: Profile) -> SimHandle {
    sim_scaled(profile, 1.0).await
}

/// `Realistic` times multiplied by `scale` (0.03: Supabase up in ~2.7 s, a build ~1.4 s).
pub async fn sim_scaled(profile: Profile, scale: f64) -> SimHandle {
    let mut config = SimConfig {
        profile,
        time_scale: scale,
        database_url: Some(cluster().url().to_string()),
        ..SimConfig::default()
    };
    config.tokens = fabrik_sim::Tokens::single(TOKEN);
    config.tokens.resend.push(RESEND_KEY.into());
    fabrik_sim::start(config).await.expect("simulator")
}

pub fn endpoints(sim: &SimHandle) -> Endpoints {
    Endpoints {
        supabase_api: sim.supabase_api_url(),
        supabase_project_url: sim.supabase_project_url_template(),
        github_api: sim.github_api_url(),
        vercel_api: sim.vercel_api_url(),
        n8n_api: sim.n8n_api_url(),
        resend_api: sim.resend_api_url(),
        gitea_api: sim.gitea_api_url(),
        stripe_api: sim.stripe_api_url(),
        site_url: sim.vercel_site_url_template(),
    }
}

pub fn settings_for(sim: &SimHandle) -> Vec<(&'static str, String)> {
    let s = sim.seed();
    vec![
        ("github.template", s.github_template.clone()),
        ("github.owner", s.github_org.clone()),
        ("supabase.organization", s.supabase_org_slug.clone()),
        (
            "supabase.oauth_client_id",
            s.supabase_oauth_client_id.clone(),
        ),
        (
            "supabase.oauth_redirect_uri",
            s.supabase_oauth_redirect_uri.clone(),
        ),
        ("vercel.team_id", s.vercel_team_id.clone()),
        (
            "email.sender_address",
            format!("valkommen@{}", s.resend_domain),
        ),
        ("n8n.api_url", sim.n8n_api_url()),
    ]
}

/// Fast polling and retries, a short lease so a takeover is quick. The call timeout is not
/// short: the simulator's answers include real PostgreSQL work (a template's schema, a restore
/// point), which took over a second on CI's loaded two cores. The tests of a call past its
/// timeout use `short_timeout_timing`.
pub fn fast_timing() -> Timing {
    let mut t = Timing::default();
    t.poll.first = Duration::from_millis(20);
    t.poll.cap = Duration::from_millis(100);
    t.retry.base_delay = Duration::from_millis(20);
    t.retry.max_delay = Duration::from_millis(500);
    t.call_timeout = Duration::from_secs(10);
    t.retry.after_timeout = Duration::from_millis(1000);
    t.supabase_ready = Duration::from_secs(60);
    t.repo_contents = Duration::from_secs(30);
    t.deployment = Duration::from_secs(60);
    t.domain_verification = Duration::from_secs(30);
    t.lease = Duration::from_secs(5);
    t.heartbeat = Duration::from_millis(500);
    t
}

/// `fast_timing` with a call timeout of 1 s, so a fault's delay of 1.5 s is past it quickly.
pub fn short_timeout_timing() -> Timing {
    let mut t = fast_timing();
    t.call_timeout = Duration::from_millis(1000);
    t.retry.after_timeout = t.call_timeout;
    t
}

pub fn engine(
    sim: &SimHandle,
    store: Arc<Store>,
    secrets: SecretStore,
    on_failure: FailurePolicy,
) -> Engine {
    engine_in(sim, store, secrets, on_failure, Environment::Sandbox)
}

/// An engine of one environment (both point at the simulator here; only the ledger differs).
#[allow(dead_code)] // not every test binary crosses environments
pub fn engine_in(
    sim: &SimHandle,
    store: Arc<Store>,
    secrets: SecretStore,
    on_failure: FailurePolicy,
    environment: Environment,
) -> Engine {
    engine_timed(sim, store, secrets, on_failure, environment, fast_timing())
}

/// `engine_in` with timings of the test's own.
pub fn engine_timed(
    sim: &SimHandle,
    store: Arc<Store>,
    secrets: SecretStore,
    on_failure: FailurePolicy,
    environment: Environment,
    timing: Timing,
) -> Engine {
    for (k, v) in settings_for(sim) {
        store.set_setting(k, &v).unwrap();
    }
    engine_as_set(sim, store, secrets, on_failure, environment, timing)
}

/// An engine on the settings `store` holds already, writing none (a login that may not).
pub fn engine_as_set(
    sim: &SimHandle,
    store: Arc<Store>,
    secrets: SecretStore,
    on_failure: FailurePolicy,
    environment: Environment,
    timing: Timing,
) -> Engine {
    fabrik::providers::install_crypto_provider();
    let settings = ProvisionSettings::load(&store).expect("settings");
    let tokens = Tokens::all(&Secret::new(TOKEN));
    let clients = Clients::new(
        &endpoints(sim),
        &tokens,
        settings.vercel_team_id.clone(),
        timing.call_timeout,
    )
    .unwrap();
    Engine::new(store, clients, settings, secrets, environment)
        .with_timing(timing)
        .with_failure_policy(on_failure)
}

pub fn customer(store: &Store, name: &str) -> String {
    let c = store
        .create_customer(
            CustomerDraft {
                name: name.into(),
                admin_email: "admin@kund.example.se".into(),
                plan: Some(Plan::Professional),
                ..Default::default()
            },
            &ModuleManifest::bundled(),
        )
        .unwrap();
    c.slug
}

/// A customer on `plan` whose instance in `env` is `status` (delivered: running or paused),
/// as the billing tests compare it with Stripe.
#[allow(dead_code)]
pub fn delivered(
    store: &Store,
    name: &str,
    plan: Plan,
    env: Environment,
    status: fabrik::customer::Status,
) -> String {
    let c = store
        .create_customer(
            CustomerDraft {
                name: name.into(),
                admin_email: "admin@kund.example.se".into(),
                plan: Some(plan),
                ..Default::default()
            },
            &ModuleManifest::bundled(),
        )
        .unwrap();
    store.set_instance(c.id, env, status, None).unwrap();
    c.slug
}

/// Collects every event of a run.
#[derive(Default, Clone)]
pub struct Events(pub Arc<Mutex<Vec<RunEvent>>>);

impl Events {
    pub fn sink(&self) -> Arc<dyn fabrik::provision::EventSink> {
        let store = self.0.clone();
        Arc::new(move |e: &RunEvent| store.lock().unwrap().push(e.clone()))
    }

    pub fn all(&self) -> Vec<RunEvent> {
        self.0.lock().unwrap().clone()
    }

    /// The first `step_failed` event, as JSON.
    pub fn first_failure(&self) -> Value {
        self.all()
            .into_iter()
            .map(|e| serde_json::to_value(e).unwrap())
            .find(|e| e["type"] == "step_failed")
            .unwrap_or_else(|| panic!("no step failed:\n{}", self.json()))
    }

    pub fn json(&self) -> String {
        self.all()
            .iter()
            .map(|e| serde_json::to_string(e).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

pub async fn get(sim: &SimHandle, path: &str) -> Value {
    reqwest::get(format!("{}{path}", sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// One customer in a register of its own, an engine (rolling back on failure) on a simulator
/// with instant timings, and the test's keyring.
pub struct World {
    pub sim: SimHandle,
    pub store: Arc<Store>,
    pub engine: Engine,
    pub slug: String,
    pub secrets: SecretStore,
}

/// The usual start of an engine test; `None` without a keyring (the test then does nothing).
pub async fn world(tag: &str, name: &str) -> Option<World> {
    let secrets = keyring(tag)?;
    let sim = sim(Profile::Instant).await;
    let store = Arc::new(test_store());
    let engine = engine(
        &sim,
        store.clone(),
        secrets.clone(),
        FailurePolicy::Rollback,
    );
    let slug = customer(&store, name);
    Some(World {
        sim,
        store,
        engine,
        slug,
        secrets,
    })
}

/// Tears the customer down so the keyring entries go too.
pub async fn cleanup(engine: &Engine, slug: &str) {
    let _ = engine
        .run(
            slug,
            &RunRequest::Teardown {
                confirmation: slug.to_string(),
            },
            Events::default().sink(),
        )
        .await;
}

/// Someone at the agency makes a resource by hand (the simulator's `/__sim/foreign`).
pub async fn seed(sim: &SimHandle, body: Value) -> Value {
    let r = reqwest::Client::new()
        .post(format!("{}/__sim/foreign", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{body}: {}", r.status());
    r.json().await.unwrap()
}

/// An authenticated call to the simulator's API (as the agency's token).
pub async fn api(method: reqwest::Method, url: String, body: Option<Value>) -> Value {
    let mut req = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(TOKEN)
        .header("User-Agent", "fabrik-tests");
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap_or(Value::Null)
}

pub async fn inventory(sim: &SimHandle) -> Value {
    get(sim, "/__sim/inventory").await
}

/// Every resource of the providers' inventory by its id (the seeded ones aside): what a run on a
/// delivered instance must not change (issue #67).
pub fn resources(inv: &serde_json::Value) -> serde_json::Value {
    let ids = |v: &serde_json::Value, id: &str| {
        let mut ids: Vec<String> = v
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["seeded"] != true)
            .map(|r| r[id].to_string())
            .collect();
        ids.sort();
        ids
    };
    serde_json::json!({
        "supabase": ids(&inv["supabase"]["projects"], "ref"),
        "github": ids(&inv["github"]["repos"], "full_name"),
        "vercel": ids(&inv["vercel"]["projects"], "id"),
        "n8n": ids(&inv["n8n"]["workflows"], "id"),
        "resend_keys": ids(&inv["resend"]["api_keys"], "id"),
    })
}

pub async fn fault(sim: &SimHandle, spec: Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/__sim/faults", sim.base_url()))
        .json(&spec)
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "fault {spec} refused: {}",
        r.text().await.unwrap()
    );
}

pub async fn clear_faults(sim: &SimHandle) {
    reqwest::Client::new()
        .delete(format!("{}/__sim/faults", sim.base_url()))
        .send()
        .await
        .unwrap();
}

/// Counts what exists, by kind, excluding the seeded template.
pub fn counts(inv: &Value) -> Value {
    let n = |v: &Value| v.as_array().map(|a| a.len()).unwrap_or(0);
    json!({
        "projects": n(&inv["supabase"]["projects"]),
        "repos": inv["github"]["repos"].as_array().map(|a| a.iter().filter(|r| r["seeded"] != true).count()).unwrap_or(0),
        "vercel_projects": n(&inv["vercel"]["projects"]),
        "workflows": n(&inv["n8n"]["workflows"]),
        "emails": n(&inv["resend"]["emails"]),
    })
}

/// Starts the customer's run and drives it to its end, recording its events: the run, how
/// driving ended, and the events.
#[allow(dead_code)] // not every test binary drives runs this way
pub async fn start_and_drive(
    engine: &Engine,
    slug: &str,
) -> (
    fabrik::provision::StartOutcome,
    fabrik::Result<fabrik::provision::RunState>,
    Events,
) {
    let events = Events::default();
    let run = engine.record(slug, &RunRequest::Provision).unwrap();
    let outcome = engine
        .drive(
            run.driver.clone().expect("this caller drives the run"),
            events.sink(),
            tokio_util::sync::CancellationToken::new(),
            false,
        )
        .await;
    (run, outcome, events)
}

/// `start_and_drive` for a run that must end without an error: its end state and events.
#[allow(dead_code)] // not every test binary drives runs this way
pub async fn provision_logged(
    engine: &Engine,
    slug: &str,
) -> (
    fabrik::provision::StartOutcome,
    fabrik::provision::RunState,
    Events,
) {
    let (run, outcome, events) = start_and_drive(engine, slug).await;
    let state = outcome.unwrap_or_else(|e| panic!("{e}\n{}", events.json()));
    (run, state, events)
}

/// Starts the customer's run and drives it to its end.
#[allow(dead_code)] // not every test binary drives runs this way
pub async fn provision(
    engine: &Engine,
    slug: &str,
) -> (fabrik::provision::StartOutcome, fabrik::provision::RunState) {
    let (run, state, _) = provision_logged(engine, slug).await;
    (run, state)
}

/// The workflows' backup repository (the default one) made in the simulated Gitea.
#[allow(dead_code)] // only the binaries that back workflows up use it
pub async fn backup_repository(sim: &SimHandle) {
    let made = reqwest::Client::new()
        .post(format!("{}/__sim/gitea/repos", sim.base_url()))
        .json(&json!({ "owner": "ops-hub", "name": "client-backups", "private": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status().as_u16(), 201);
}

/// A register of its own for an engine test: in memory, or on the tests' PostgreSQL when
/// `FABRIK_TEST_REGISTER=postgres` (the test command runs the engine suite that way too).
pub fn test_store() -> Store {
    match std::env::var("FABRIK_TEST_REGISTER").as_deref() {
        Ok("postgres") => pg_store(),
        _ => Store::open_in_memory().unwrap(),
    }
}

/// A register of its own on the tests' PostgreSQL: a fresh database, migrated by `Store::connect`.
pub fn pg_store() -> Store {
    Store::connect(&pg_database()).expect("a register on PostgreSQL")
}

/// A fresh, empty database on the tests' cluster.
pub fn pg_database() -> fabrik::store::db::PgConfig {
    fabrik::store::db::PgConfig::parse(&pg_database_url()).unwrap()
}

/// The URL of a fresh, empty database on the tests' cluster.
pub fn pg_database_url() -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let name = format!(
        "fabrik_register_{}_{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let admin = fabrik::store::db::PgConfig::parse(cluster().url()).unwrap();
    let conn = fabrik::store::db::PgConn::connect(&admin).expect("the tests' PostgreSQL");
    conn.batch(&format!("CREATE DATABASE {name}")).unwrap();
    let mut url = url::Url::parse(cluster().url()).unwrap();
    url.set_path(&name);
    url.to_string()
}

/// A Vercel API address on the seeded team.
pub fn vercel_url(sim: &SimHandle, path: &str) -> String {
    let team = sim.seed().vercel_team_id.clone();
    format!("{}{path}?teamId={team}", sim.vercel_api_url())
}

/// The id of one of a Vercel project's variables, by key (`project`: its id or name).
pub async fn vercel_env_id(sim: &SimHandle, project: &str, key: &str) -> String {
    let url = vercel_url(sim, &format!("/v10/projects/{project}/env"));
    let env = api(reqwest::Method::GET, url, None).await;
    env["envs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == key)
        .map(|e| e["id"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no {key} in {env}"))
}

/// Someone deletes one of a Vercel project's variables by hand, as in its dashboard.
pub async fn delete_vercel_env(sim: &SimHandle, project: &str, key: &str) {
    let id = vercel_env_id(sim, project, key).await;
    let url = vercel_url(sim, &format!("/v9/projects/{project}/env/{id}"));
    api(reqwest::Method::DELETE, url, None).await;
}

/// Someone switches a customer's workflow off by hand, in n8n: the status n8n answered.
#[allow(dead_code)] // not every test binary breaks a workflow
pub async fn deactivate_workflow(sim: &SimHandle, store: &Store, slug: &str) -> u16 {
    let id = store
        .get_customer(slug)
        .unwrap()
        .instance
        .n8n_workflow_id
        .expect("a delivered workflow");
    reqwest::Client::new()
        .post(format!("{}/workflows/{id}/deactivate", sim.n8n_api_url()))
        .header("X-N8N-API-KEY", TOKEN)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
