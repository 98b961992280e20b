//! The schema roll-out measured over a delivered fleet (benches/rollout.rs alone, and
//! benches/rollout_usage.rs on the fleet it shares with the usage collection): two migration
//! files rolled out through `RolloutsApi::plan` and `drive` as the CLI runs it, its calls by
//! endpoint, 429s, failures and the drive over its bound (see benches/rollout.rs).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fabrik::ledger::MemberState;
use fabrik::services::rollouts::{RolloutSource, RolloutsApi};
use fabrik::store::Store;
use fabrik::supervisor::Supervisor;
use fabrik_sim::SimHandle;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::fleet::*;

const INVOICES: &str = "20250601000000_invoices.sql";
const INVOICES_SQL: &str = "
create table public.invoices (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references public.organizations (id) on delete cascade,
    amount_ore bigint not null check (amount_ore >= 0),
    created_at timestamptz not null default now()
);
alter table public.invoices enable row level security;
create policy invoices_of_own_organization on public.invoices for all to authenticated
    using (organization_id in (select organization_id from public.users where id = auth.uid()));
";
const NOTES: &str = "20250602000000_invoice_notes.sql";
const NOTES_SQL: &str = "
alter table public.invoices add column note text;
comment on column public.invoices.note is 'Fri text på fakturan';
";

/// `/supabase/v1/projects/abc/database/query` → (`supabase`, `abc`, `/v1/projects/{ref}/database/query`).
fn classify(path: &str) -> (String, Option<String>, String) {
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    let provider = segs.next().unwrap_or("").to_string();
    let mut scope = None;
    let mut out = String::new();
    let mut after_projects = false;
    for s in segs {
        out.push('/');
        if after_projects && scope.is_none() && provider == "supabase" {
            scope = Some(s.to_string());
            out.push_str("{ref}");
        } else {
            out.push_str(s);
        }
        after_projects = s == "projects";
    }
    (provider, scope, out)
}

fn write_files(dir: &Path) {
    let m = dir.join("supabase/migrations");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(m.join(INVOICES), INVOICES_SQL).unwrap();
    std::fs::write(m.join(NOTES), NOTES_SQL).unwrap();
}

/// What one phase's requests give the summary.
struct Calls {
    total: usize,
    limited: usize,
    by_endpoint: BTreeMap<String, usize>,
    /// The busiest (scope, endpoint) bucket of Supabase's limits: its count.
    busiest_bucket: usize,
    /// Per Supabase project: its calls' answer times, summed (ms).
    chain_ms: HashMap<String, u64>,
}

fn calls(entries: &[Value]) -> Calls {
    let mut by_endpoint = BTreeMap::new();
    let mut buckets: HashMap<(String, String), usize> = HashMap::new();
    let mut chain_ms: HashMap<String, u64> = HashMap::new();
    let mut limited = 0;
    for e in entries {
        let method = e["method"].as_str().unwrap_or("");
        let (provider, scope, endpoint) = classify(e["path"].as_str().unwrap_or(""));
        *by_endpoint
            .entry(format!("{provider} {method} {endpoint}"))
            .or_default() += 1;
        if e["status"] == 429 {
            limited += 1;
        }
        if provider == "supabase" {
            let scope = scope.unwrap_or_else(|| "user".into());
            *buckets
                .entry((scope.clone(), format!("{method} {endpoint}")))
                .or_default() += 1;
            *chain_ms.entry(scope).or_default() += e["duration_ms"].as_u64().unwrap_or(0);
        }
    }
    Calls {
        total: entries.len(),
        limited,
        by_endpoint,
        busiest_bucket: buckets.values().copied().max().unwrap_or(0),
        chain_ms,
    }
}

/// How long `requests` take under a fixed-window limit of `limit` per `window`: the last
/// request goes in window ceil(N / L), which opens (that many minus one) windows after the first.
fn per_window(requests: usize, limit: u32, window: Duration) -> Duration {
    let windows = requests.div_ceil(limit.max(1) as usize).saturating_sub(1);
    window * windows as u32
}

/// What the roll-out is asked to cover: `FABRIK_BENCH_ROLLOUT_N` instances (default 500),
/// delivered `FABRIK_BENCH_ROLLOUT_SETUP_PARALLEL` at once (100), in the waves
/// `FABRIK_BENCH_ROLLOUT_WAVES` ("1,10%,rest").
pub struct Asked {
    pub n: usize,
    pub setup_parallel: usize,
    pub waves: String,
}

impl Asked {
    pub fn from_env() -> Asked {
        Asked {
            n: env_or("FABRIK_BENCH_ROLLOUT_N", 500),
            setup_parallel: env_or("FABRIK_BENCH_ROLLOUT_SETUP_PARALLEL", 100),
            waves: env_or("FABRIK_BENCH_ROLLOUT_WAVES", "1,10%,rest".to_string()),
        }
    }
}

/// One roll-out over `built` (of the instances `asked` for, delivered in `setup_wall`), in `waves`,
/// through `supervisor` (as the CLI builds one: `fleet::cli_supervisor`); prints what it
/// measured and its `bench: rollout_…` line.
pub async fn measure(
    sim: &SimHandle,
    store: &Arc<Store>,
    work: &Path,
    supervisor: Arc<Supervisor>,
    asked: &Asked,
    built: &[String],
    setup_wall: Duration,
) {
    let (n, waves) = (asked.n, asked.waves.as_str());
    clear_log(sim).await;

    // The roll-out as the CLI runs it.
    if let Ok(p) = std::env::var("FABRIK_BENCH_ROLLOUT_PARALLEL") {
        store
            .set_setting(fabrik::services::rollouts::PARALLEL_SETTING, &p)
            .unwrap();
    }
    let api = RolloutsApi::new(store.clone(), supervisor);
    let files = work.join("template");
    write_files(&files);

    let log = Arc::new(Mutex::new(Log::default()));
    let reading = CancellationToken::new();
    let reader = read_log_while(sim.base_url(), log.clone(), reading.clone());

    println!("load before the roll-out: {}", load());
    let started = Instant::now();
    let view = api
        .plan(
            RolloutSource::Dir {
                path: files.display().to_string(),
            },
            waves,
            0.1,
        )
        .await
        .unwrap();
    let plan_wall = started.elapsed();
    read_log(sim.base_url(), &log).await;
    let plan_seq = log
        .lock()
        .unwrap()
        .entries
        .keys()
        .next_back()
        .copied()
        .unwrap_or(0);
    let wave_sizes: Vec<u32> = view.waves.iter().map(|w| w.total).collect();
    let started = Instant::now();
    let keyring_before = fabrik::secrets::keyring_calls();
    let view = api.drive(view.rollout.id, Arc::new(Quiet)).await.unwrap();
    let drive_wall = started.elapsed();
    let keyring_calls = fabrik::secrets::keyring_calls() - keyring_before;
    let load_after = load();
    reading.cancel();
    reader.await.unwrap();

    let (entries, gaps) = Log::take(&log);
    let plan_entries: Vec<Value> = entries.range(..=plan_seq).map(|(_, v)| v.clone()).collect();
    let drive_entries: Vec<Value> = entries
        .range(plan_seq + 1..)
        .map(|(_, v)| v.clone())
        .collect();
    let (plan_calls, drive_calls) = (calls(&plan_entries), calls(&drive_entries));
    let members = view.members.len();
    let done = view
        .members
        .iter()
        .filter(|m| m.state == MemberState::Done)
        .count();
    let failed = view
        .members
        .iter()
        .filter(|m| m.state == MemberState::Failed)
        .count();
    let skipped = view
        .members
        .iter()
        .filter(|m| m.state == MemberState::Skipped)
        .count();
    for m in view.members.iter().filter(|m| m.state != MemberState::Done) {
        eprintln!("{}: {:?} {:?}", m.slug, m.state, m.reason);
    }

    let parallel = api.parallel();
    let limits = sim.config().rate_limits;
    let minute = Duration::from_secs(60);
    let bound_limits = per_window(
        drive_calls.busiest_bucket,
        limits.supabase_per_minute,
        minute,
    );
    // A roll-out waits on no simulated transition (the realistic profile times project
    // creation, pauses, restores, template copies and builds).
    let bound_latency = Duration::ZERO;
    let chains: Vec<u64> = drive_calls.chain_ms.values().copied().collect();
    let mean_chain = Duration::from_millis(chains.iter().sum::<u64>() / chains.len().max(1) as u64);
    let rounds: usize = wave_sizes
        .iter()
        .map(|w| (*w as usize).div_ceil(parallel))
        .sum();
    let bound_service = mean_chain * rounds as u32;
    let bound = bound_limits.max(bound_latency).max(bound_service);
    let per = |c: &Calls| c.total as f64 / members.max(1) as f64;

    println!("roll-out calls by endpoint (plan, drive), per instance:");
    let keys: std::collections::BTreeSet<&String> = plan_calls
        .by_endpoint
        .keys()
        .chain(drive_calls.by_endpoint.keys())
        .collect();
    for k in keys {
        let p = plan_calls.by_endpoint.get(k).copied().unwrap_or(0);
        let d = drive_calls.by_endpoint.get(k).copied().unwrap_or(0);
        println!(
            "  {k}: plan {p} ({:.2}), drive {d} ({:.2})",
            p as f64 / members.max(1) as f64,
            d as f64 / members.max(1) as f64
        );
    }
    println!("waves {wave_sizes:?}; parallel {parallel}; mean chain of answer times per instance {} ms; load after {load_after}", mean_chain.as_millis());
    println!(
        "bench: rollout_n={n} rollout_delivered={} rollout_setup_s={:.0} rollout_plan_s={:.1} rollout_drive_s={:.1} rollout_wall_s={:.1} rollout_bound_s={:.1} rollout_bound_limits_s={:.1} rollout_bound_latency_s={:.1} rollout_bound_service_s={:.1} rollout_ratio={:.2} rollout_parallel={parallel} rollout_calls={} rollout_calls_per_instance={:.2} rollout_plan_calls_per_instance={:.2} rollout_drive_calls_per_instance={:.2} rollout_busiest_bucket={} rollout_keyring_calls_per_instance={:.2} rollout_429s={} rollout_done={done} rollout_failures={failed} rollout_skipped={skipped} rollout_log_gaps={}",
        built.len(),
        setup_wall.as_secs_f64(),
        plan_wall.as_secs_f64(),
        drive_wall.as_secs_f64(),
        (plan_wall + drive_wall).as_secs_f64(),
        bound.as_secs_f64(),
        bound_limits.as_secs_f64(),
        bound_latency.as_secs_f64(),
        bound_service.as_secs_f64(),
        drive_wall.as_secs_f64() / bound.as_secs_f64().max(1e-9),
        plan_calls.total + drive_calls.total,
        (plan_calls.total + drive_calls.total) as f64 / members.max(1) as f64,
        per(&plan_calls),
        per(&drive_calls),
        drive_calls.busiest_bucket,
        keyring_calls as f64 / members.max(1) as f64,
        plan_calls.limited + drive_calls.limited,
        gaps,
    );
}
