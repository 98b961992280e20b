//! Provisioning benchmarks (numbers, not assertions). Needs the OS keyring: run through
//! `bash scripts/bench.sh`, which provides a private one.
//!
//! 1. One run against the simulator's realistic profile, scaled: wall time over the critical
//!    path of the simulated latencies (target ≤ 1.05) and the API calls per run (target ≤ 30 for
//!    the next run and a new process's first), for the first run ever on a seat and for the
//!    next two, which poll from what the first saw; the calls the first makes beyond the
//!    next's (what a seat looks up once) on a line of their own (`first_run_onetime_calls`);
//!    then the same run with the steps forced sequential. `FABRIK_BENCH_CALLS=1` lists each
//!    run's calls by endpoint.
//! 2. 50 customers provisioned at once under the simulator's rate limits: wall time against the
//!    bound computed from those limits (target ≤ 1.15), failures (target 0), and 429s (target 0:
//!    the shared pacer keeps every run within the limits).
//! 3. `FABRIK_BENCH_HEALTH=1`: 200 delivered instances checked at once (issue #13): wall time
//!    against the bound the per-endpoint limits allow, calls, failures and 429s (target 0 each).
//!    Provisioning the 200 first takes several minutes (the simulator's GitHub content limit).

use std::sync::Arc;
use std::time::{Duration, Instant};

use fabrik::customer::rows::CustomerRows;
use fabrik::customer::{CustomerDraft, ModuleManifest};
use fabrik::providers::Endpoints;
use fabrik::provision::RunRequest;
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
        gitea_api: sim.gitea_api_url(),
        stripe_api: sim.stripe_api_url(),
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

/// Request counts per method and path, for the requests `keep` selects.
fn by_endpoint(
    reqs: &[serde_json::Value],
    keep: impl Fn(&serde_json::Value) -> bool,
) -> std::collections::BTreeMap<String, usize> {
    let mut out = std::collections::BTreeMap::new();
    for r in reqs.iter().filter(|r| keep(r)) {
        *out.entry(format!(
            "{} {}",
            r["method"].as_str().unwrap_or(""),
            r["path"].as_str().unwrap_or("")
        ))
        .or_default() += 1;
    }
    out
}

/// A request's path with the ids a run's resources get replaced by `{id}`, so two runs' calls
/// compare by endpoint: a segment with a digit or a capital (not an API version such as `v13`),
/// or a Supabase project ref (20 small letters).
fn endpoint_of(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            let version = seg.len() > 1
                && seg.starts_with('v')
                && seg[1..].bytes().all(|b| b.is_ascii_digit());
            let id = seg
                .bytes()
                .any(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
                || (seg.len() == 20 && seg.bytes().all(|b| b.is_ascii_lowercase()));
            if id && !version {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Calls per endpoint (`endpoint_of`), to tell what one run asked that another did not.
type Calls = std::collections::BTreeMap<String, usize>;

/// The calls `run` made beyond `next`'s, by endpoint: what a seat's first run looks up once.
fn beyond(run: &Calls, next: &Calls) -> Vec<(String, usize)> {
    run.iter()
        .filter_map(|(e, n)| {
            let more = n.saturating_sub(next.get(e).copied().unwrap_or(0));
            (more > 0).then(|| (e.clone(), more))
        })
        .collect()
}

fn said(calls: &[(String, usize)]) -> String {
    let each: Vec<String> = calls.iter().map(|(e, n)| format!("{n} {e}")).collect();
    each.join(", ")
}

/// What one run gives the summary: wall time, critical path, API calls (in all and by
/// endpoint), and the calls GitHub counts as content creation (a repository, a commit).
async fn one_run(sequential: bool) -> (Duration, Duration, usize, Calls, usize) {
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
    let run = engine.record(&slug, &RunRequest::Provision).unwrap();
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
    let reqs = requests(&sim).await;
    if std::env::var_os("FABRIK_BENCH_CALLS").is_some() {
        for (endpoint, n) in by_endpoint(&reqs, |_| true) {
            println!("  {n:>3} {endpoint}");
        }
    }
    let calls = reqs.len();
    let mut endpoints = Calls::new();
    for r in &reqs {
        *endpoints
            .entry(format!(
                "{} {}",
                r["method"].as_str().unwrap_or(""),
                endpoint_of(r["path"].as_str().unwrap_or(""))
            ))
            .or_default() += 1;
    }
    let github_content = reqs
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/github/"))
                && matches!(r["method"].as_str(), Some("POST" | "PUT"))
        })
        .count();
    let _ = engine
        .run(
            &slug,
            &RunRequest::Teardown {
                confirmation: slug.to_string(),
            },
            Arc::new(|_: &fabrik::provision::RunEvent| {}),
        )
        .await;
    sim.shutdown().await;
    (wall, critical, calls, endpoints, github_content)
}

/// What the 50-customer run gives the summary line.
struct Bulk {
    wall: Duration,
    bound: Duration,
    failures: usize,
    absorbed: usize,
    calls: usize,
    resend_requests: usize,
}

/// The time the simulator's limits force on `n` customers at once, beyond one run's critical
/// path: the longest any one limit needs to let every run's requests through. Each entry is
/// (what, requests in all, limit per window, window).
/// How long `requests` take under a fixed-window limit of `limit` per `window`: the last
/// request goes in window ceil(N / L), which opens (that many minus one) windows after the first.
fn per_window(requests: usize, limit: u32, window: Duration) -> Duration {
    let windows = requests.div_ceil(limit.max(1) as usize).saturating_sub(1);
    window * windows as u32
}

fn limits_bound(
    n: usize,
    github_content: usize,
    resend_requests: usize,
    limits: &fabrik_sim::RateLimits,
) -> Vec<(&'static str, Duration)> {
    let minute = Duration::from_secs(60);
    vec![
        // Every request to Resend's API counts against the team's 2 a second, whatever its
        // endpoint: each run's sending key and welcome email, a seat's read of its domain.
        (
            "resend_team",
            per_window(
                resend_requests,
                limits.resend_per_second,
                Duration::from_secs(1),
            ),
        ),
        // A repository and its configuration commit each: content creation per minute.
        (
            "github_content",
            per_window(n * github_content, limits.github_content_per_minute, minute),
        ),
        // Each Vercel endpoint at least once per customer (a deployment read at least once).
        (
            "vercel_endpoint",
            per_window(n, limits.vercel_per_minute, minute),
        ),
        // Project creation counts against the organization.
        (
            "supabase_org_creates",
            per_window(n, limits.supabase_per_minute, minute),
        ),
    ]
}

async fn fifty_at_once(github_content: usize) -> Bulk {
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
            let run = engine.record(&slug, &RunRequest::Provision).unwrap();
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
    if let Some(path) = std::env::var_os("FABRIK_BENCH_DUMP") {
        let _ = std::fs::write(path, serde_json::to_vec(&reqs).unwrap_or_default());
    }
    let absorbed = reqs.iter().filter(|r| r["status"] == 429).count();
    let limited = by_endpoint(&reqs, |r| r["status"] == 429);
    let mut resend = std::collections::BTreeMap::<String, usize>::new();
    for r in &reqs {
        let path = r["path"].as_str().unwrap_or("");
        if path.starts_with("/resend/") {
            let method = r["method"].as_str().unwrap_or("");
            *resend
                .entry(format!("{method} {}", endpoint_of(path)))
                .or_default() += 1;
        }
    }
    let resend_requests: usize = resend.values().sum();
    println!("  Resend requests: {resend_requests} {resend:?}");
    let limits = limits_bound(
        n,
        github_content,
        resend_requests,
        &sim.config().rate_limits,
    );
    let (binding, extra) = limits
        .iter()
        .max_by_key(|(_, d)| *d)
        .copied()
        .unwrap_or(("none", Duration::ZERO));
    let bound = critical + extra;
    let each: Vec<String> = limits
        .iter()
        .map(|(what, d)| format!("{what} {:.1} s", d.as_secs_f64()))
        .collect();
    println!(
        "50 customers at once: wall {:.1} s; bound {:.1} s = critical path {:.1} s + the tightest limit ({binding}) {:.1} s [{}]; ratio {:.2}; failures {failures}; 429s {absorbed}; API calls {}",
        wall.as_secs_f64(),
        bound.as_secs_f64(),
        critical.as_secs_f64(),
        extra.as_secs_f64(),
        each.join(", "),
        wall.as_secs_f64() / bound.as_secs_f64(),
        reqs.len()
    );
    println!("  429s by endpoint: {limited:?}");
    for slug in slugs {
        let _ = engine
            .run(
                &slug,
                &RunRequest::Teardown {
                    confirmation: slug.to_string(),
                },
                Arc::new(|_: &fabrik::provision::RunEvent| {}),
            )
            .await;
    }
    sim.shutdown().await;
    Bulk {
        wall,
        bound,
        failures,
        absorbed,
        calls: reqs.len(),
        resend_requests,
    }
}

/// 200 instances provisioned (instant timings, the usual limits), then all checked at once.
async fn two_hundred_checked() {
    let n = 200;
    let sim = fabrik_sim::start(SimConfig {
        profile: Profile::Instant,
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let store = Arc::new(Store::open_in_memory().unwrap());
    let engine = Arc::new(engine(&sim, store.clone(), false));
    let slugs: Vec<String> = (0..n)
        .map(|i| add(&store, &format!("Hälsokoll Kund {i}")))
        .collect();
    let started = Instant::now();
    let mut built = Vec::new();
    // Fifty at a time, as the bulk benchmark above provisions them.
    for batch in slugs.chunks(50) {
        let mut tasks = tokio::task::JoinSet::new();
        for slug in batch.iter().cloned() {
            let (engine, store) = (engine.clone(), store.clone());
            tasks.spawn(async move {
                let run = engine.record(&slug, &RunRequest::Provision).unwrap();
                let driver = run.driver.clone().expect("this caller drives the run");
                let sink = Arc::new(|_: &fabrik::provision::RunEvent| {});
                let state = engine
                    .drive(driver, sink, CancellationToken::new(), false)
                    .await;
                // Why it stopped: the failed step and its error, from the ledger.
                let error = store.run_steps(run.run_id).ok().and_then(|steps| {
                    steps
                        .into_iter()
                        .find(|s| s.error.is_some())
                        .map(|s| format!("{}: {:?}", s.key, s.error))
                });
                (slug, state, error)
            });
        }
        while let Some(r) = tasks.join_next().await {
            match r {
                Ok((slug, Ok(RunState::Succeeded), _)) => built.push(slug),
                Ok((slug, state, error)) => eprintln!("{slug} not built: {state:?} {error:?}"),
                Err(e) => eprintln!("a run panicked: {e}"),
            }
        }
    }
    println!(
        "200 instances provisioned for the check: {} in {:.0} s",
        built.len(),
        started.elapsed().as_secs_f64()
    );
    reqwest::Client::new()
        .delete(format!("{}/__sim/requests", sim.base_url()))
        .send()
        .await
        .unwrap();

    let started = Instant::now();
    let mut checks = tokio::task::JoinSet::new();
    for slug in built.clone() {
        let engine = engine.clone();
        checks.spawn(async move { engine.reader().check_health(&slug).await });
    }
    let (mut healthy, mut failures) = (0, 0);
    while let Some(r) = checks.join_next().await {
        match r {
            Ok(Ok(h)) if h.healthy => healthy += 1,
            Ok(Ok(h)) => {
                failures += 1;
                eprintln!(
                    "{}: {:?}",
                    h.slug,
                    h.findings.iter().map(|f| &f.message.en).collect::<Vec<_>>()
                );
            }
            _ => failures += 1,
        }
    }
    let wall = started.elapsed();
    let reqs = requests(&sim).await;
    let limited = reqs.iter().filter(|r| r["status"] == 429).count();
    // Each check reads each of these endpoints once per instance: the busiest bounds the time.
    let limits = sim.config().rate_limits;
    let minute = Duration::from_secs(60);
    let bound = [
        (
            "supabase_endpoint",
            per_window(built.len(), limits.supabase_per_minute, minute),
        ),
        (
            "vercel_endpoint",
            per_window(built.len(), limits.vercel_per_minute, minute),
        ),
    ]
    .into_iter()
    .max_by_key(|(_, d)| *d)
    .unwrap();
    println!(
        "{} instances checked at once: wall {:.1} s; bound {:.1} s ({}); healthy {healthy}; failures {failures}; 429s {limited}; API calls {}",
        built.len(),
        wall.as_secs_f64(),
        bound.1.as_secs_f64(),
        bound.0,
        reqs.len()
    );
    println!(
        "  429s by endpoint: {:?}",
        by_endpoint(&reqs, |r| r["status"] == 429)
    );
    println!(
        "bench: health200_wall_s={:.1} health200_bound_s={:.1} health200_ratio={:.2} health200_failures={failures} health200_429s={limited} health200_calls={}",
        wall.as_secs_f64(),
        bound.1.as_secs_f64(),
        wall.as_secs_f64() / bound.1.as_secs_f64(),
        reqs.len()
    );
    sim.shutdown().await;
}

pub fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        if std::env::var_os("FABRIK_BENCH_HEALTH").is_some() {
            return two_hundred_checked().await;
        }
        // The first run of a process has seen no waits yet and polls at the policy's pace; the
        // next ones wait about as long as each state took (provision::policy::Observed).
        // The waits and the sender domain are kept in the seat's folder, as the window and the
        // CLI keep them.
        let seat = tempfile::tempdir().unwrap();
        fabrik::provision::seat_files::keep_in(seat.path());
        let (wall_cold, critical, calls_cold, cold, _) = one_run(false).await;
        println!(
            "first run ever on this seat (realistic ×{SCALE}, nothing observed yet): wall {:.2} s, critical path {:.2} s, ratio {:.3}, API calls {calls_cold}",
            wall_cold.as_secs_f64(), critical.as_secs_f64(), wall_cold.as_secs_f64() / critical.as_secs_f64()
        );
        let (wall, _, calls, next, github_content) = one_run(false).await;
        println!(
            "next run: wall {:.2} s, ratio {:.3}, API calls {calls}",
            wall.as_secs_f64(), wall.as_secs_f64() / critical.as_secs_f64()
        );
        // What the seat's first run asked once, beyond what every run asks: the polls of
        // waits not seen yet, and any answer the seat keeps.
        let onetime = beyond(&cold, &next);
        let calls_onetime: usize = onetime.iter().map(|(_, n)| n).sum();
        println!(
            "  once on a seat's first run: {calls_onetime} calls ({}); every run: {}",
            said(&onetime),
            calls_cold - calls_onetime
        );
        // A new process (every CLI command): nothing in memory, the seat's kept waits read.
        fabrik::provision::seat_files::forget();
        fabrik::provision::seat_files::keep_in(seat.path());
        let (wall_fresh, _, calls_fresh, fresh, _) = one_run(false).await;
        println!(
            "first run of a new process: wall {:.2} s, ratio {:.3}, API calls {calls_fresh}",
            wall_fresh.as_secs_f64(), wall_fresh.as_secs_f64() / critical.as_secs_f64()
        );
        let more = beyond(&fresh, &next);
        if !more.is_empty() {
            println!("  beyond the next run's: {}", said(&more));
        }
        let (wall_seq, _, calls_seq, _, _) = one_run(true).await;
        println!(
            "same run, steps forced sequential: wall {:.2} s, ratio {:.3}, API calls {calls_seq}",
            wall_seq.as_secs_f64(), wall_seq.as_secs_f64() / critical.as_secs_f64()
        );
        let bulk = fifty_at_once(github_content).await;
        // One line to compare across runs and sessions (issue #12).
        println!(
            "bench: single_ratio={:.3} calls_per_run={calls} first_run_ratio={:.3} first_run_calls={calls_cold} first_run_onetime_calls={calls_onetime} fresh_process_ratio={:.3} fresh_process_calls={calls_fresh} sequential_ratio={:.3} bulk50_ratio={:.2} bulk50_wall_s={:.1} bulk50_bound_s={:.1} bulk50_failures={} bulk50_429s={} bulk50_calls={} bulk50_resend_requests={}",
            wall.as_secs_f64() / critical.as_secs_f64(),
            wall_cold.as_secs_f64() / critical.as_secs_f64(),
            wall_fresh.as_secs_f64() / critical.as_secs_f64(),
            wall_seq.as_secs_f64() / critical.as_secs_f64(),
            bulk.wall.as_secs_f64() / bulk.bound.as_secs_f64(),
            bulk.wall.as_secs_f64(),
            bulk.bound.as_secs_f64(),
            bulk.failures,
            bulk.absorbed,
            bulk.calls,
            bulk.resend_requests,
        );
    });
}
