//! Scheduled-work benchmark (issue #43; numbers, not assertions). Needs the OS keyring and
//! PostgreSQL: run through `bash scripts/bench.sh tick`.
//!
//! Setup (timed apart): N instances (`FABRIK_BENCH_TICK_N`, default 100) provisioned through
//! the engine as benches/workflow_backup.rs does, on a simulator at `Profile::Realistic` ×0.1
//! with Gitea at its realistic timings, and the backup repository made. Then three ticks as
//! `fabrik tick` does them (`Ticker::tick`, every job): the nightly one (every database and
//! workflow backup due, the health sweep never run), one straight after (nothing due), and a
//! third to read once more what nothing due costs. Each: wall time and the simulator's
//! requests, by method, from its request log.

use crate::fleet;
use fleet::*;

use std::collections::BTreeMap;
use std::time::Duration;

use fabrik::schedule::{JobState, TickReport, Ticker};

const SCALE: f64 = 0.1;

struct Measured {
    wall: Duration,
    requests: usize,
    by_method: BTreeMap<String, usize>,
    report: TickReport,
}

async fn measured(sim: &fabrik_sim::SimHandle, ticker: &Ticker) -> Measured {
    let (wall, log, report) = timed_tick(sim, ticker, &[]).await;
    let mut by_method = BTreeMap::new();
    for e in log.entries.values() {
        *by_method
            .entry(e["method"].as_str().unwrap_or("").to_string())
            .or_default() += 1;
    }
    Measured {
        wall,
        requests: log.entries.len(),
        by_method,
        report,
    }
}

fn say(label: &str, m: &Measured) {
    println!(
        "{label}: {:.1} s, {} requests {:?}, outcome {}; load {}",
        m.wall.as_secs_f64(),
        m.requests,
        m.by_method,
        m.report.outcome,
        load()
    );
    for j in &m.report.jobs {
        println!(
            "  {:<18} {:<8} {:>6} ms  did {}  alerted {}  failed {}",
            j.job.as_str(),
            j.state.as_str(),
            j.ms,
            j.did.len(),
            j.alerted.len(),
            j.failed.len()
        );
    }
}

pub fn main() {
    let n: usize = env_or("FABRIK_BENCH_TICK_N", 100);
    let setup_parallel: usize = env_or("FABRIK_BENCH_TICK_SETUP_PARALLEL", 100);
    let work = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (sim, store, _cluster) = world_with_backups(work.path(), SCALE).await;
        let (built, ticker) = delivered_ticker(
            "tick",
            &sim,
            &store,
            work.path(),
            |i| format!("Nattkund {i}"),
            n,
            setup_parallel,
        )
        .await;

        let nightly = measured(&sim, &ticker).await;
        say("nightly", &nightly);
        let idle = measured(&sim, &ticker).await;
        say("nothing due", &idle);
        let idle2 = measured(&sim, &ticker).await;
        say("nothing due again", &idle2);
        let done = |m: &Measured, job: &str| {
            m.report
                .jobs
                .iter()
                .find(|j| j.job.as_str() == job)
                .map(|j| j.did.len())
                .unwrap_or(0)
        };
        let nothing = |m: &Measured| {
            m.report
                .jobs
                .iter()
                .all(|j| matches!(j.state, JobState::Nothing | JobState::Off))
        };
        println!(
            "bench: tick_n={} tick_nightly_s={:.1} tick_nightly_requests={} tick_nightly_writes={} tick_nightly_db_backups={} tick_nightly_workflow_backups={} tick_idle_ms={} tick_idle_requests={} tick_idle_again_ms={} tick_idle_again_requests={} tick_idle_nothing_due={}",
            built.len(),
            nightly.wall.as_secs_f64(),
            nightly.requests,
            nightly.requests - nightly.by_method.get("GET").copied().unwrap_or(0),
            done(&nightly, "database_backups"),
            done(&nightly, "workflow_backups"),
            idle.wall.as_millis(),
            idle.requests,
            idle2.wall.as_millis(),
            idle2.requests,
            nothing(&idle) && nothing(&idle2),
        );
        sim.shutdown().await;
    });
}
