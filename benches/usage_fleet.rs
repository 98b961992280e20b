//! The fleet's usage view at 500 delivered instances × 90 days (issue #57; numbers, not
//! assertions): each query the Användning view and a customer's page make, on a freshly opened
//! SQLite register (target ≤ 16 ms each). `bash scripts/bench.sh usage_fleet`.
//!
//! Setup (timed apart): N customers (`FABRIK_BENCH_USAGE_FLEET_N`, default 500) with delivered
//! instance cards and DAYS days (`FABRIK_BENCH_USAGE_DAYS`, default 90) of readings each, kept
//! as a collection keeps them (`UsageRows::save_usage`), figures that grow day by day.
//! Then, each the median of RUNS: `fleet_usage` (the register's part of the view) and each of
//! its queries (`usage_query_*_ms`, from `fleet_usage_timed`), the whole
//! fleet view as the window gets it (`usage_fleet`), `usage_of` and the whole customer's page
//! (`usage_customer`), and the CSV export (`usage_csv`, a file written each time).

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::HealthRows;
use fabrik::customer::rows::InstanceRows;
use fabrik::customer::{CustomerDraft, Instance, ModuleManifest, Status};
use fabrik::environment::Environment;
use fabrik::metering::UsageRows;
use fabrik::store::Store;
use fabrik::usage::{Figure, Reading, Revenue};

const RUNS: usize = 21;
const ENV: Environment = Environment::Production;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Customer `i`'s reading on day `d` (0 = the first): sizes that grow, counts that vary.
fn reading(i: usize, d: usize, day: NaiveDate) -> Reading {
    let mut r = Reading::default();
    let grow = 1.0 + d as f64 * (0.002 + (i % 7) as f64 * 0.001);
    let base = 20e6 + (i % 50) as f64 * 6e6;
    r.set(Figure::DatabaseBytes, Some(base * grow));
    r.set(Figure::DiskUsedBytes, Some(base * grow * 1.4));
    r.set(Figure::DiskSizeBytes, Some(8e9));
    r.set(
        Figure::ApiRequests,
        Some((1_000 + (i * 37 + d * 11) % 9_000) as f64),
    );
    r.set(Figure::AuthUsers, Some((5 + i % 40 + d / 3) as f64));
    r.set(Figure::StorageBytes, Some(1e6 * (1 + i % 9) as f64 * grow));
    r.set(
        Figure::Deployments,
        Some((day.format("%d").to_string().parse::<u32>().unwrap_or(1) / 3) as f64),
    );
    r.set(Figure::Executions, Some((i % 30 + d % 5) as f64));
    r.set(
        Figure::FailedExecutions,
        Some(f64::from(u8::from(d.is_multiple_of(11)))),
    );
    // Some customers' email figure is not reported: the view says so, it does not count 0.
    if !i.is_multiple_of(5) {
        r.set(Figure::EmailsSent, Some((i % 20) as f64));
    }
    r.compute = i.is_multiple_of(4).then(|| "ci_small".to_string());
    r.last_active = Some(day - chrono::Duration::days((i % 3) as i64));
    r.revenue = (!i.is_multiple_of(3)).then(|| Revenue {
        subscription: format!("sub_bench{i}"),
        status: "active".into(),
        price: "price_bench".into(),
        currency: "sek".into(),
        amount: 49_900 + (i % 4) as i64 * 50_000,
        interval: "month".into(),
        interval_count: 1,
    });
    r
}

fn populate(store: &Store, n: usize, days: usize, today: NaiveDate) -> Vec<(i64, String)> {
    let mut ids = Vec::new();
    for i in 0..n {
        let c = store
            .create_customer(
                CustomerDraft {
                    name: format!("Mätkund {i:03}"),
                    admin_email: format!("kund{i}@exempel.se"),
                    ..Default::default()
                },
                &ModuleManifest::bundled(),
            )
            .unwrap();
        let instance = Instance {
            supabase_project_ref: Some(format!("bench{i:016}")),
            vercel_project_id: Some(format!("prj_bench{i}")),
            n8n_workflow_id: Some(format!("wf{i}")),
            ..Default::default()
        };
        store
            .set_instance(c.id, ENV, Status::Active, Some(&instance))
            .unwrap();
        ids.push((c.id, c.slug));
    }
    for d in 0..days {
        let day = today - chrono::Duration::days((days - 1 - d) as i64);
        for (i, (id, _)) in ids.iter().enumerate() {
            store
                .save_usage(*id, ENV, day, &reading(i, d, day))
                .unwrap();
        }
    }
    ids
}

/// The median of `RUNS` timings of `f`.
fn median<T>(mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn main() {
    let n: usize = env_or("FABRIK_BENCH_USAGE_FLEET_N", 500);
    let days: usize = env_or("FABRIK_BENCH_USAGE_DAYS", 90);
    let dir = tempfile::tempdir().unwrap();
    // FABRIK_BENCH_USAGE_DB: the register kept at that path (and reused when it is there), to
    // look at its queries with other tools or to time again without the setup.
    let kept = std::env::var_os("FABRIK_BENCH_USAGE_DB").map(std::path::PathBuf::from);
    let path = kept
        .clone()
        .unwrap_or_else(|| dir.path().join("fabrik.sqlite3"));
    let today = chrono::Utc::now().date_naive();
    let started = Instant::now();
    let ids = {
        let store = Store::open(&path).unwrap();
        let there: Vec<(i64, String)> = store
            .delivered_slugs(ENV)
            .unwrap()
            .into_iter()
            .filter_map(|slug| store.get_customer(&slug).ok().map(|c| (c.id, c.slug)))
            .collect();
        match kept.is_some() && !there.is_empty() {
            true => there,
            false => populate(&store, n, days, today),
        }
    };
    println!(
        "setup: {n} customers × {days} days written in {:.1} s, file {:.1} MiB",
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&path).unwrap().len() as f64 / 1048576.0
    );
    // Freshly opened, as the window opens it.
    let store = Store::open(&path).unwrap();
    store.set_environment(ENV);
    let first = Instant::now();
    let rows = store.fleet_usage(ENV, days as i64).unwrap().len();
    let fleet_first = first.elapsed();
    let fleet = median(|| store.fleet_usage(ENV, days as i64).unwrap());
    // Each of its queries: the median of RUNS of each, as the whole was timed.
    let runs: Vec<_> = (0..RUNS)
        .map(|_| store.fleet_usage_timed(ENV, days as i64).unwrap().1.laps)
        .collect();
    let queries: Vec<String> = runs[0]
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let mut times: Vec<Duration> = runs.iter().map(|r| r[i].1).collect();
            times.sort();
            format!("usage_query_{name}_ms={:.1}", ms(times[RUNS / 2]))
        })
        .collect();
    let (mid, _) = &ids[ids.len() / 2];
    let usage_of = median(|| store.usage_of(*mid, ENV, days as i64).unwrap());
    let store = std::sync::Arc::new(store);
    let api = fabrik::services::usage::UsageApi::new(store.clone());
    let view = median(|| api.fleet(days as i64).unwrap());
    let slug = &ids[ids.len() / 2].1;
    let page = median(|| api.customer(slug, days as i64).unwrap());
    let out = dir.path().join("export");
    std::fs::create_dir_all(&out).unwrap();
    let csv = median(|| api.csv_into(&out, days as i64).unwrap());
    let timed = [
        ("usage_fleet_first_ms", fleet_first),
        ("usage_fleet_ms", fleet),
        ("usage_fleet_view_ms", view),
        ("usage_of_ms", usage_of),
        ("usage_customer_ms", page),
        ("usage_csv_ms", csv),
    ];
    let said: Vec<String> = timed
        .iter()
        .map(|(key, d)| format!("{key}={:.1}", ms(*d)))
        .collect();
    println!(
        "bench: usage_fleet_n={rows} usage_fleet_days={days} {} {} usage_target_ms=16",
        said.join(" "),
        queries.join(" ")
    );
}
