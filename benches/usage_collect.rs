//! The nightly usage collection (issue #57; numbers, not assertions). Needs the OS keyring and
//! PostgreSQL: run through `bash scripts/bench.sh usage_collect`.
//!
//! Setup (timed apart): N instances (`FABRIK_BENCH_USAGE_N`, default 500) provisioned through
//! the engine as benches/tick.rs does, on a simulator at `Profile::Realistic` ×0.1. Then the
//! tick's usage job as `fabrik tick` runs it (`Ticker::tick`, that job only): the nightly
//! collection of every instance, then one straight after (each read today: nothing due). Each:
//! wall time, the simulator's requests by provider, calls per instance and the 429s (target 0:
//! the shared pacer keeps each provider within its limits).

use crate::fleet;
use crate::usage_nightly;
use fleet::*;

const SCALE: f64 = 0.1;

pub fn main() {
    let n: usize = env_or("FABRIK_BENCH_USAGE_N", 500);
    let setup_parallel: usize = env_or("FABRIK_BENCH_USAGE_SETUP_PARALLEL", 100);
    let work = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let (sim, store, _cluster) = world(work.path(), SCALE, None).await;
        let (built, ticker) = delivered_ticker(
            "usage_collect",
            &sim,
            &store,
            work.path(),
            |i| format!("Mätkund {i}"),
            n,
            setup_parallel,
        )
        .await;

        usage_nightly::measure(&sim, &store, &ticker, &built).await;
        sim.shutdown().await;
    });
}
