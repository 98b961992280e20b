//! Shared by the benches that need delivered instances (rollout.rs, template.rs,
//! workflow_backup.rs, tick.rs, usage_collect.rs): a simulator at `Profile::Realistic` whose
//! project databases are real PostgreSQL, a register with its settings, N instances provisioned
//! through the engine (one token set per `PER_TOKEN` instances), the environment the CLI reads
//! its endpoints and tokens from, the simulator's request log read as it goes, and a tick over
//! the instances, timed.
#![allow(dead_code)] // not every bench uses every helper

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fabrik::customer::rows::CustomerRows;
use fabrik::customer::{CustomerDraft, ModuleManifest};
use fabrik::providers::{Clients, Endpoints, Tokens};
use fabrik::provision::{
    Engine, FailurePolicy, ProvisionSettings, RunEvent, RunRequest, RunState, Timing,
};
use fabrik::secrets::{Secret, SecretStore};
use fabrik::store::Store;
use fabrik::supervisor::cloud::{CloudApi, Environment};
use fabrik::supervisor::host::RunHost;
use fabrik::supervisor::Supervisor;
use fabrik_sim::pg::TestCluster;
use fabrik_sim::{Profile, SimConfig, SimHandle, Timings};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// Instances per token set in the setup. The set-up is not what a bench measures: the
/// simulator's limits are lifted while it delivers (`setup`), so what paces it is Fabrik's own
/// pacer, which keeps each key within its documented limits (Resend's 2 requests a second,
/// GitHub's 80 content requests a minute): more keys, a shorter set-up.
pub const PER_TOKEN: usize = 25;

pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The multi-threaded runtime every bench's `main` runs its work on.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
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

fn tokens(k: usize) -> Tokens {
    let t = Secret::new(format!("bench-token-{k}"));
    let mut tokens = Tokens::all(&t);
    tokens.set(
        fabrik::secrets::Provider::Resend,
        Some(Secret::new(format!("re_bench-token-{k}"))),
    );
    tokens
}

/// An engine of the setup, spending token set `k`.
pub fn engine(sim: &SimHandle, store: Arc<Store>, k: usize) -> Engine {
    let settings = ProvisionSettings::load(&store).unwrap();
    let mut timing = Timing::default();
    // Two polls a second per project stays within Supabase's 120 requests/min per endpoint.
    timing.poll.first = Duration::from_millis(500);
    timing.poll.cap = Duration::from_millis(500);
    let clients = Clients::new(
        &endpoints(sim),
        &tokens(k),
        settings.vercel_team_id.clone(),
        timing.call_timeout,
    )
    .unwrap();
    Engine::new(
        store,
        clients,
        settings,
        SecretStore::new(Environment::Production.as_str()),
        Environment::Production,
    )
    .with_timing(timing)
    .with_failure_policy(FailurePolicy::Rollback)
}

/// The simulator (`Profile::Realistic` at `scale`, `timings` when given, on the shared
/// PostgreSQL cluster, which must be kept while the simulator runs) and a register in `work`
/// with the simulated world's settings.
pub async fn world(
    work: &Path,
    scale: f64,
    timings: Option<Timings>,
) -> (SimHandle, Arc<Store>, Arc<TestCluster>) {
    fabrik::providers::install_crypto_provider();
    let cluster = TestCluster::shared().expect("PostgreSQL for the simulator");
    let sim = fabrik_sim::start(SimConfig {
        profile: Profile::Realistic,
        time_scale: scale,
        timings,
        database_url: Some(cluster.url().to_string()),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let store = Arc::new(Store::open(&work.join("fabrik.sqlite3")).unwrap());
    let seed = sim.seed();
    for (k, v) in [
        ("github.template", seed.github_template.clone()),
        ("github.owner", seed.github_org.clone()),
        ("supabase.organization", seed.supabase_org_slug.clone()),
        ("vercel.team_id", seed.vercel_team_id.clone()),
        (
            "email.sender_address",
            format!("valkommen@{}", seed.resend_domain),
        ),
    ] {
        store.set_setting(k, &v).unwrap();
    }
    (sim, store, cluster)
}

/// `world` with Gitea at its realistic timings after the scale (a read 40 ms, a contents write
/// 300 ms), and the workflows' backup repository (the default `backup.repository`) made.
pub async fn world_with_backups(
    work: &Path,
    scale: f64,
) -> (SimHandle, Arc<Store>, Arc<TestCluster>) {
    let mut timings = Timings::realistic();
    timings.gitea_read = timings.gitea_read.mul_f64(1.0 / scale);
    timings.gitea_write = timings.gitea_write.mul_f64(1.0 / scale);
    let (sim, store, cluster) = world(work, scale, Some(timings)).await;
    let made = reqwest::Client::new()
        .post(format!("{}/__sim/gitea/repos", sim.base_url()))
        .json(&serde_json::json!({ "owner": "ops-hub", "name": "client-backups", "private": true }))
        .send()
        .await
        .unwrap();
    assert!(
        made.status().is_success(),
        "the backup repository: {}",
        made.status()
    );
    (sim, store, cluster)
}

/// The keyring the engine writes each instance's secrets to answers: a value written, read back
/// and removed. Otherwise the bench ends here, naming itself and the keyring's answer, instead
/// of provisioning nothing and measuring that.
pub fn keyring_ready(bench: &str) {
    let store = SecretStore::new(Environment::Production.as_str());
    let key = fabrik::secrets::SecretKey::Database(format!("bench-probe-{}", std::process::id()));
    let probe = Secret::new("bench-probe".to_string());
    let answer = store
        .set(&key, &probe)
        .and_then(|()| store.get(&key))
        .map(|got| got.map(|g| g.expose() == probe.expose()));
    let _ = store.delete(&key);
    match answer {
        Ok(Some(true)) => {}
        other => {
            eprintln!(
                "bench {bench}: the keyring cannot be used ({other:?}); run it through `bash scripts/bench.sh {bench}`, which gives it an unlocked keyring of its own"
            );
            std::process::exit(1);
        }
    }
}

/// N customers named `name(i)`, provisioned through the engine (not the supervisor: no run
/// follows a delivery), `parallel` at once, with the simulator's request limits lifted (its
/// configured ones are back, every counter at zero, before this returns); the slugs of those
/// delivered, in the order of `i`.
/// Fewer than `n` delivered ends the bench `bench`, naming it: what it would measure next is
/// not the fleet it was asked for.
pub async fn setup(
    bench: &str,
    sim: &SimHandle,
    store: &Arc<Store>,
    name: impl Fn(usize) -> String,
    n: usize,
    parallel: usize,
) -> Vec<String> {
    keyring_ready(bench);
    let sets = token_sets(n);
    for k in 0..sets {
        sim.add_token(&format!("bench-token-{k}"));
        sim.add_token(&format!("re_bench-token-{k}"));
    }
    let engines: Vec<Arc<Engine>> = (0..sets)
        .map(|k| Arc::new(engine(sim, store.clone(), k)))
        .collect();
    let slugs: Vec<String> = (0..n)
        .map(|i| {
            store
                .create_customer(
                    CustomerDraft {
                        name: name(i),
                        admin_email: "admin@bench.example.se".into(),
                        ..Default::default()
                    },
                    &ModuleManifest::bundled(),
                )
                .unwrap()
                .slug
        })
        .collect();
    let limits = sim.config().rate_limits;
    sim.set_rate_limits(limits.lifted());
    let gate = Arc::new(tokio::sync::Semaphore::new(parallel));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, slug) in slugs.into_iter().enumerate() {
        let engine = engines[i % sets].clone();
        let (gate, store) = (gate.clone(), store.clone());
        tasks.spawn(async move {
            let _turn = gate.acquire_owned().await.unwrap();
            let run = engine.record(&slug, &RunRequest::Provision).unwrap();
            let state = engine
                .drive(
                    run.driver.clone().expect("this caller drives the run"),
                    Arc::new(|_: &RunEvent| {}),
                    CancellationToken::new(),
                    false,
                )
                .await;
            let error = store.run_steps(run.run_id).ok().and_then(|steps| {
                steps
                    .into_iter()
                    .find(|s| s.error.is_some())
                    .map(|s| format!("{}: {:?}", s.key, s.error))
            });
            (i, slug, state, error)
        });
    }
    let mut built = Vec::new();
    while let Some(r) = tasks.join_next().await {
        match r {
            Ok((i, slug, Ok(RunState::Succeeded), _)) => built.push((i, slug)),
            Ok((_, slug, state, error)) => eprintln!("{slug} not delivered: {state:?} {error:?}"),
            Err(e) => eprintln!("a run panicked: {e}"),
        }
    }
    sim.set_rate_limits(limits);
    // What is measured next starts as a new process does (`fabrik team invite`, a roll-out from
    // the CLI): the lifted limits the set-up's answers reported are not carried over.
    fabrik::providers::pacer::shared().forget();
    if built.len() < n {
        eprintln!(
            "bench {bench}: the set-up delivered {} of {n} instances (the reasons are above); nothing was measured",
            built.len()
        );
        std::process::exit(1);
    }
    built.sort();
    built.into_iter().map(|(_, s)| s).collect()
}

/// How many token sets the setup of `n` instances spreads over.
pub fn token_sets(n: usize) -> usize {
    n.div_ceil(PER_TOKEN).max(1)
}

/// The environment the CLI reads: the simulator's endpoints and the first token set (GitHub's
/// `github_token`).
fn cli_environment(sim: &SimHandle, github_token: &str) {
    let e = endpoints(sim);
    for (var, value) in [
        ("FABRIK_SUPABASE_API_URL", e.supabase_api.clone()),
        (
            "FABRIK_SUPABASE_PROJECT_URL_TEMPLATE",
            e.supabase_project_url.clone(),
        ),
        ("FABRIK_GITHUB_API_URL", e.github_api.clone()),
        ("FABRIK_VERCEL_API_URL", e.vercel_api.clone()),
        ("FABRIK_N8N_API_URL", e.n8n_api.clone()),
        ("FABRIK_RESEND_API_URL", e.resend_api.clone()),
        ("FABRIK_GITEA_API_URL", e.gitea_api.clone()),
        ("FABRIK_SITE_URL_TEMPLATE", e.site_url.clone()),
        ("FABRIK_GITHUB_TOKEN", github_token.into()),
        ("FABRIK_SUPABASE_TOKEN", "bench-token-0".into()),
        ("FABRIK_VERCEL_TOKEN", "bench-token-0".into()),
        ("FABRIK_N8N_API_KEY", "bench-token-0".into()),
        ("FABRIK_RESEND_API_KEY", "re_bench-token-0".into()),
        ("FABRIK_GITEA_TOKEN", "bench-token-0".into()),
    ] {
        std::env::set_var(var, value);
    }
}

/// A supervisor as the CLI builds one: a production register, the endpoints and tokens from
/// the environment (`cli_environment`), a failed instance kept as it failed.
pub async fn cli_supervisor(
    sim: &SimHandle,
    store: &Arc<Store>,
    work: &Path,
    github_token: &str,
) -> (Arc<CloudApi>, Arc<Supervisor>) {
    cli_environment(sim, github_token);
    let data = work.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let cloud = Arc::new(
        CloudApi::open_in(store.clone(), Environment::Production, &data)
            .await
            .unwrap(),
    );
    let supervisor = Supervisor::new(
        store.clone(),
        cloud.clone(),
        Timing::default(),
        FailurePolicy::Pause,
    );
    (cloud, supervisor)
}

/// The simulator's request log, read as it goes (it keeps the last 5,000): every entry once,
/// by its sequence number; `gaps` counts entries that dropped out before a read.
#[derive(Default)]
pub struct Log {
    pub entries: BTreeMap<u64, Value>,
    pub gaps: u64,
}

impl Log {
    /// What was read (by sequence number) and the gaps, the log left empty.
    pub fn take(log: &Mutex<Log>) -> (BTreeMap<u64, Value>, u64) {
        let mut log = log.lock().unwrap();
        (std::mem::take(&mut log.entries), log.gaps)
    }
}

pub async fn read_log(base: &str, log: &Mutex<Log>) {
    let Ok(resp) = reqwest::get(format!("{base}/__sim/requests")).await else {
        return;
    };
    let Ok(v) = resp.json::<Value>().await else {
        return;
    };
    let mut log = log.lock().unwrap();
    let last = log.entries.keys().next_back().copied();
    let mut first_new = None;
    for mut e in v["requests"].as_array().cloned().unwrap_or_default() {
        let seq = e["seq"].as_u64().unwrap_or(0);
        if last.is_some_and(|l| seq <= l) {
            continue;
        }
        first_new.get_or_insert(seq);
        // The bodies are not needed and large (backups' SQL).
        e["body"] = Value::Null;
        log.entries.insert(seq, e);
    }
    if let (Some(l), Some(f)) = (last, first_new) {
        log.gaps += f.saturating_sub(l + 1);
    }
}

/// Reads the log every five seconds until the token is cancelled, then once more.
pub fn read_log_while(
    base: &str,
    log: Arc<Mutex<Log>>,
    stop: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let base = base.to_string();
    tokio::spawn(async move {
        loop {
            read_log(&base, &log).await;
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            }
        }
        read_log(&base, &log).await;
    })
}

/// Empties the simulator's request log (after the setup, before what is measured).
pub async fn clear_log(sim: &SimHandle) {
    reqwest::Client::new()
        .delete(format!("{}/__sim/requests", sim.base_url()))
        .send()
        .await
        .unwrap();
}

pub struct Quiet;
impl RunHost for Quiet {
    fn emit(&self, _event: &RunEvent) {}
    // Each run's end is a notification; the summary says how they ended.
    fn notify(&self, _title: &str, _body: &str) {}
}

pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// `setup`'s N delivered instances, said with how long they took (returned too) and the load.
pub async fn delivered(
    bench: &str,
    sim: &SimHandle,
    store: &Arc<Store>,
    name: impl Fn(usize) -> String,
    n: usize,
    parallel: usize,
) -> (Vec<String>, Duration) {
    println!("load before setup: {}", load());
    let started = std::time::Instant::now();
    let built = setup(bench, sim, store, name, n, parallel).await;
    let wall = started.elapsed();
    println!(
        "setup: {} of {n} instances delivered in {:.0} s ({} token sets, {parallel} runs at once, the simulator's limits lifted); load {}",
        built.len(),
        wall.as_secs_f64(),
        token_sets(n),
        load()
    );
    (built, wall)
}

/// The register in production, as the CLI's is (`run_scheduled` sets it, so the jobs read
/// the delivered instances of the store's environment), and a supervisor and a tick as
/// `fabrik tick` builds them.
pub async fn cli_ticker(
    sim: &SimHandle,
    store: &Arc<Store>,
    work: &Path,
) -> (Arc<Supervisor>, fabrik::schedule::Ticker) {
    store.set_environment(fabrik::environment::Environment::Production);
    let (cloud, supervisor) = cli_supervisor(sim, store, work, "bench-token-0").await;
    let ticker = fabrik::schedule::Ticker::new(cloud, supervisor.clone(), &work.join("data"));
    (supervisor, ticker)
}

/// `delivered`'s N instances and a tick over them (`cli_ticker`).
pub async fn delivered_ticker(
    bench: &str,
    sim: &SimHandle,
    store: &Arc<Store>,
    work: &Path,
    name: impl Fn(usize) -> String,
    n: usize,
    parallel: usize,
) -> (Vec<String>, fabrik::schedule::Ticker) {
    let (built, _) = delivered(bench, sim, store, name, n, parallel).await;
    let (_, ticker) = cli_ticker(sim, store, work).await;
    (built, ticker)
}

/// One tick of `only` (every job when empty), timed, with the simulator's requests it made
/// (the log emptied first, read as it goes).
pub async fn timed_tick(
    sim: &SimHandle,
    ticker: &fabrik::schedule::Ticker,
    only: &[fabrik::schedule::rows::Job],
) -> (Duration, Log, fabrik::schedule::TickReport) {
    clear_log(sim).await;
    let log = Arc::new(Mutex::new(Log::default()));
    let reading = CancellationToken::new();
    let reader = read_log_while(sim.base_url(), log.clone(), reading.clone());
    let started = std::time::Instant::now();
    let report = ticker.tick(only, Arc::new(Quiet)).await;
    let wall = started.elapsed();
    reading.cancel();
    reader.await.unwrap();
    let log = std::mem::take(&mut *log.lock().unwrap());
    (wall, log, report)
}
