//! Översikt at 500 customers (issue #68; numbers, not assertions): the start page's one query
//! set (`fabrik::overview::read`) on a freshly opened SQLite register, target ≤ 50 ms.
//! `bash scripts/bench.sh overview`.
//!
//! Setup (timed apart): N delivered customers (`FABRIK_BENCH_OVERVIEW_N`, default 500), each
//! with 30 days of usage and a health check (one in ten found something), one in twenty with a
//! failed run, and twenty requests waiting in the inbox. Then the median of RUNS reads.

use std::time::{Duration, Instant};

use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::HealthRows;
use fabrik::customer::rows::InstanceRows;
use fabrik::customer::{CustomerDraft, Instance, ModuleManifest, Status};
use fabrik::environment::Environment;
use fabrik::health::Health;
use fabrik::ledger::{RunKind, RunState, StepKey};
use fabrik::metering::UsageRows;
use fabrik::requests::IntakeRows;
use fabrik::requests::{IntakeSource, NewIntake};
use fabrik::store::runs::NewRun;
use fabrik::store::Store;
use fabrik::usage::{Figure, Reading};

const RUNS: usize = 21;
const ENV: Environment = Environment::Production;
const DAYS: usize = 30;

fn populate(store: &Store, n: usize) {
    let today = chrono::Utc::now().date_naive();
    for i in 0..n {
        let c = store
            .create_customer(
                CustomerDraft {
                    name: format!("Översiktskund {i:03}"),
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
        for d in 0..DAYS {
            let day = today - chrono::Duration::days((DAYS - 1 - d) as i64);
            let mut r = Reading::default();
            r.set(Figure::DatabaseBytes, Some(2e7 + (i % 50 * d) as f64 * 1e5));
            r.set(Figure::ApiRequests, Some((1_000 + i * 37 % 9_000) as f64));
            store.save_usage(c.id, ENV, day, &r).unwrap();
        }
        let health = Health {
            slug: c.slug.clone(),
            environment: ENV,
            checked_at: chrono::Utc::now(),
            healthy: !i.is_multiple_of(10),
            site: None,
            findings: Vec::new(),
            usage: Vec::new(),
        };
        store.save_health(c.id, &health).unwrap();
        if i.is_multiple_of(20) {
            if let NewRun::Created(driver) = store
                .create_run_with(
                    c.id,
                    RunKind::Redeploy,
                    ENV,
                    &[StepKey::VercelRedeploy],
                    None,
                )
                .unwrap()
            {
                let why =
                    fabrik::messages::Text::new("Vercel svarade inte", "Vercel did not answer");
                store
                    .set_run_state(&driver, RunState::Failed, Some(&why), None)
                    .unwrap();
            }
        }
    }
    for i in 0..20 {
        store
            .add_intake(&NewIntake {
                source: IntakeSource::Portal,
                external_id: format!("req-{i}"),
                name: format!("Ny kund {i}"),
                admin_email: format!("ny{i}@exempel.se"),
                plan: None,
                organization_id: None,
                detail: "{}".into(),
            })
            .unwrap();
    }
}

pub fn main() {
    let n: usize = std::env::var("FABRIK_BENCH_OVERVIEW_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fabrik.sqlite3");
    let started = Instant::now();
    {
        let store = Store::open(&path).unwrap();
        store.set_environment(ENV);
        populate(&store, n);
    }
    println!(
        "setup: {n} customers × {DAYS} days written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let store = Store::open(&path).unwrap();
    store.set_environment(ENV);
    let first = Instant::now();
    let o = fabrik::overview::read(&store).unwrap();
    let first = first.elapsed();
    let mut kinds: std::collections::BTreeMap<&str, usize> = Default::default();
    for i in &o.items {
        *kinds.entry(i.kind.as_str()).or_default() += 1;
    }
    println!("items by kind: {kinds:?}");
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(fabrik::overview::read(&store).unwrap());
            t.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "bench: overview_customers={n} overview_items={} overview_first_ms={:.1} overview_ms={:.1} overview_target_ms=50",
        o.items.len(),
        ms(first),
        ms(times[RUNS / 2])
    );
}
