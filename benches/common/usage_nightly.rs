//! The nightly usage collection measured over a delivered fleet (benches/usage_collect.rs
//! alone, and benches/rollout_usage.rs on the fleet it shares with the schema roll-out): the
//! tick's usage job as `fabrik tick` runs it, then once more the same day (nothing due).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use fabrik::metering::UsageRows;
use fabrik::schedule::rows::Job;
use fabrik::schedule::{JobReport, Ticker};
use fabrik::store::Store;
use fabrik_sim::SimHandle;

use crate::fleet::*;
use fabrik::customer::rows::CustomerRows;

struct Measured {
    wall: Duration,
    requests: usize,
    limited: usize,
    gaps: u64,
    by_provider: BTreeMap<String, usize>,
    job: JobReport,
}

async fn measured(sim: &SimHandle, ticker: &Ticker) -> Measured {
    let (wall, log, report) = timed_tick(sim, ticker, &[Job::UsageCollect]).await;
    let mut by_provider = BTreeMap::new();
    for e in log.entries.values() {
        // The simulator's paths begin with the provider (`/supabase/v1/…`, `/n8n/api/…`).
        let path = e["path"].as_str().unwrap_or("").trim_start_matches('/');
        let provider = path.split('/').next().unwrap_or("").to_string();
        *by_provider.entry(provider).or_default() += 1;
    }
    Measured {
        wall,
        requests: log.entries.len(),
        limited: log.entries.values().filter(|e| e["status"] == 429).count(),
        gaps: log.gaps,
        by_provider,
        job: report.jobs.into_iter().next().expect("the usage job"),
    }
}

fn say(label: &str, m: &Measured) {
    println!(
        "{label}: {:.1} s, {} requests {:?}, {} × 429, {} not in the log; job {} did {:?} failed {}; load {}",
        m.wall.as_secs_f64(),
        m.requests,
        m.by_provider,
        m.limited,
        m.gaps,
        m.job.state,
        m.job.did,
        m.job.failed.len(),
        load()
    );
    for f in m.job.failed.iter().take(5) {
        println!("  {f}");
    }
}

/// The nightly collection over `built` through `ticker`, then again; prints what it measured
/// and its `bench: usage_…` line.
pub async fn measure(sim: &SimHandle, store: &Arc<Store>, ticker: &Ticker, built: &[String]) {
    let nightly = measured(sim, ticker).await;
    say("nightly", &nightly);
    let again = measured(sim, ticker).await;
    say("again the same day", &again);
    let kept = {
        let env = fabrik::environment::Environment::Production;
        built
            .iter()
            .filter(|slug| {
                let c = store.get_customer_in(slug, env).unwrap();
                store.usage_collected_at(c.id, env).unwrap().is_some()
            })
            .count()
    };
    println!(
        "bench: usage_n={} usage_kept={kept} usage_nightly_s={:.1} usage_nightly_requests={} usage_calls_per_instance={:.2} usage_nightly_429={} usage_nightly_failed={} usage_log_gaps={} usage_again_ms={} usage_again_requests={}",
        built.len(),
        nightly.wall.as_secs_f64(),
        nightly.requests,
        nightly.requests as f64 / built.len().max(1) as f64,
        nightly.limited,
        nightly.job.failed.len(),
        nightly.gaps,
        again.wall.as_millis(),
        again.requests,
    );
}
