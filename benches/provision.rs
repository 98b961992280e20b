//! Provisioning benchmarks (numbers, not assertions). Needs the OS keyring: run through
//! `bash scripts/bench.sh`, which provides a private one.
//!
//! 1. One run against the simulator's realistic profile, scaled: wall time over the critical
//!    path of the simulated latencies (target ≤ 1.05), the same run with the steps forced
//!    sequential, and the API calls per run.
//! 2. 50 customers provisioned at once under the simulator's rate limits: wall time against the
//!    bound the limits imply, failures (target 0), and 429s absorbed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use fabrik::customer::{CustomerDraft, ModuleManifest};
use fabrik::providers::Endpoints;
use fabrik::provision::{
    Clients, Engine, FailurePolicy, ProvisionSettings, RunState, Timing, Tokens,
};
use fabrik::secrets::{Secret, SecretStore};
use fabrik::store::Store;
use fabrik_sim::{Profile, SimConfig, SimHandle};
use tokio_util::sync::CancellationToken;

const SCALE: f64 = 0.1;

async fn sim() -> SimHandle {
    let config = SimConfig {
        profile: Profile::Realistic,
        time_scale: SCALE,
        ..SimConfig::default()
    };
    fabrik_sim::start(config).await.expect("simulator")
}

fn engine(sim: &SimHandle, store: Arc<Store>, sequential: bool) -> Engine {
    fabrik::providers::install_crypto_provider();
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
    let endpoints = Endpoints {
        supabase_api: sim.supabase_api_url(),
        supabase_project_url: sim.supabase_project_url_template(),
        github_api: sim.github_api_url(),
        vercel_api: sim.vercel_api_url(),
        n8n_api: sim.n8n_api_url(),
        resend_api: sim.resend_api_url(),
        site_url: sim.vercel_site_url_template(),
    };
    let settings = ProvisionSettings::load(&store).unwrap();
    let mut timing = Timing::default();
    // Two polls a second per project stays within Supabase's 120 requests/min per endpoint.
    timing.poll.first = Duration::from_millis(500);
    timing.poll.cap = Duration::from_millis(500);
    timing.sequential = sequential;
    let tokens = Tokens::all(&Secret::new(fabrik_sim::DEFAULT_TOKEN));
    let clients = Clients::new(
        &endpoints,
        &tokens,
        settings.vercel_team_id.clone(),
        timing.call_timeout,
    )
    .unwrap();
    Engine::new(
        store,
        clients,
        settings,
        SecretStore::new(&format!("bench-{}", std::process::id())),
        fabrik::environment::Environment::Sandbox,
    )
    .with_timing(timing)
    .with_failure_policy(FailurePolicy::Rollback)
}

fn add(store: &Store, name: &str) -> String {
    let d = CustomerDraft {
        name: name.into(),
        admin_email: "admin@bench.example.se".into(),
        ..Default::default()
    };
    store
        .create_customer(d, &ModuleManifest::bundled())
        .unwrap()
        .slug
}

async fn requests(sim: &SimHandle) -> Vec<serde_json::Value> {
    let v: serde_json::Value = reqwest::get(format!("{}/__sim/requests", sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["requests"].as_array().cloned().unwrap_or_default()
}

async fn one_run(sequential: bool) -> (Duration, Duration, usize) {
    let sim = sim().await;
    let t = sim.config().effective_timings();
    // The longest chain: project up, keys served, build queued and built; the GitHub copy runs
    // beside it.
    let critical =
        (t.supabase_startup + t.supabase_api_keys_flaky + t.vercel_queue + t.vercel_build)
            .max(t.github_template_copy);
    let store = Arc::new(Store::open_in_memory().unwrap());
    let engine = engine(&sim, store.clone(), sequential);
    let slug = add(&store, "Bänk Kund AB");
    let started = Instant::now();
    let run = engine.start(&slug).unwrap();
    let state = engine
        .drive(
            run.driver.clone().expect("this caller drives the run"),
            Arc::new(|_: &fabrik::provision::RunEvent| {}),
            CancellationToken::new(),
            false,
        )
        .await
        .unwrap();
    let wall = started.elapsed();
    assert_eq!(state, RunState::Succeeded);
    let calls = requests(&sim).await.len();
    let _ = engine
        .teardown(&slug, Arc::new(|_: &fabrik::provision::RunEvent| {}))
        .await;
    sim.shutdown().await;
    (wall, critical, calls)
}

/// What the 50-customer run gives the summary line.
struct Bulk {
    wall: Duration,
    bound: Duration,
    failures: usize,
    absorbed: usize,
    calls: usize,
}

async fn fifty_at_once() -> Bulk {
    let n = 50;
    let sim = sim().await;
    let t = sim.config().effective_timings();
    let critical = t.supabase_startup + t.supabase_api_keys_flaky + t.vercel_queue + t.vercel_build;
    let store = Arc::new(Store::open_in_memory().unwrap());
    let engine = Arc::new(engine(&sim, store.clone(), false));
    let slugs: Vec<String> = (0..n)
        .map(|i| add(&store, &format!("Massvis Kund {i}")))
        .collect();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for slug in slugs.clone() {
        let engine = engine.clone();
        tasks.spawn(async move {
            let run = engine.start(&slug).unwrap();
            engine
                .drive(
                    run.driver.clone().expect("this caller drives the run"),
                    Arc::new(|_: &fabrik::provision::RunEvent| {}),
                    CancellationToken::new(),
                    false,
                )
                .await
                .unwrap()
        });
    }
    let mut failures = 0;
    while let Some(r) = tasks.join_next().await {
        if !matches!(r, Ok(RunState::Succeeded)) {
            failures += 1;
        }
    }
    let wall = started.elapsed();
    let reqs = requests(&sim).await;
    let absorbed = reqs.iter().filter(|r| r["status"] == 429).count();
    let mut by_endpoint = std::collections::BTreeMap::<String, usize>::new();
    for r in reqs.iter().filter(|r| r["status"] == 429) {
        *by_endpoint
            .entry(format!(
                "{} {}",
                r["method"].as_str().unwrap_or(""),
                r["path"].as_str().unwrap_or("")
            ))
            .or_default() += 1;
    }
    // Resend's 2 requests/s is the tightest limit for 50 welcome emails; the others (Supabase
    // 120/min per endpoint, GitHub 80 repos/min) allow 50 creations within the first minute.
    let resend_bound = Duration::from_secs_f64(n as f64 / 2.0);
    let bound = critical + resend_bound;
    println!(
        "50 customers at once: wall {:.1} s; bound implied by the limits {:.1} s (critical path {:.1} s + 50 emails at 2/s {:.1} s); ratio {:.2}; failures {failures}; 429s absorbed {absorbed}; API calls {}",
        wall.as_secs_f64(), bound.as_secs_f64(), critical.as_secs_f64(), resend_bound.as_secs_f64(), wall.as_secs_f64() / bound.as_secs_f64(), reqs.len()
    );
    println!("  429s by endpoint: {by_endpoint:?}");
    for slug in slugs {
        let _ = engine
            .teardown(&slug, Arc::new(|_: &fabrik::provision::RunEvent| {}))
            .await;
    }
    sim.shutdown().await;
    Bulk {
        wall,
        bound,
        failures,
        absorbed,
        calls: reqs.len(),
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (wall, critical, calls) = one_run(false).await;
        println!(
            "one run (realistic ×{SCALE}): wall {:.2} s, critical path {:.2} s, ratio {:.3}, API calls {calls}",
            wall.as_secs_f64(), critical.as_secs_f64(), wall.as_secs_f64() / critical.as_secs_f64()
        );
        let (wall_seq, _, calls_seq) = one_run(true).await;
        println!(
            "same run, steps forced sequential: wall {:.2} s, ratio {:.3}, API calls {calls_seq}",
            wall_seq.as_secs_f64(), wall_seq.as_secs_f64() / critical.as_secs_f64()
        );
        let bulk = fifty_at_once().await;
        // One line to compare across runs and sessions (issue #12).
        println!(
            "bench: single_ratio={:.3} calls_per_run={calls} sequential_ratio={:.3} bulk50_ratio={:.2} bulk50_wall_s={:.1} bulk50_bound_s={:.1} bulk50_failures={} bulk50_429s={} bulk50_calls={}",
            wall.as_secs_f64() / critical.as_secs_f64(),
            wall_seq.as_secs_f64() / critical.as_secs_f64(),
            bulk.wall.as_secs_f64() / bulk.bound.as_secs_f64(),
            bulk.wall.as_secs_f64(),
            bulk.bound.as_secs_f64(),
            bulk.failures,
            bulk.absorbed,
            bulk.calls,
        );
    });
}
