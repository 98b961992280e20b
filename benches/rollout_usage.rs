//! The schema roll-out and the nightly usage collection over one delivered fleet (issue #60:
//! the suite delivers the 500 instances both measure once; numbers, not assertions). Needs the
//! OS keyring and PostgreSQL: run through `bash scripts/bench.sh rollout_usage`.
//!
//! Setup (timed apart): `FABRIK_BENCH_ROLLOUT_N` instances (default 500), delivered as
//! benches/rollout.rs delivers them. Then the roll-out as benches/rollout.rs measures it (the
//! same `bench: rollout_…` line), and after it the tick's usage collection as
//! benches/usage_collect.rs measures it (the same `bench: usage_…` line). The roll-out goes
//! first, on a fleet nothing else has touched since its delivery, as it does alone; the usage
//! collection only reads, so the order changes neither figure's work. Each alone:
//! `bash scripts/bench.sh rollout` or `usage_collect`.

use crate::fleet;
use crate::schema_rollout;
use crate::usage_nightly;
use fleet::*;

const SCALE: f64 = 0.1;

pub fn main() {
    let asked = schema_rollout::Asked::from_env();
    let work = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let (sim, store, _cluster) = world(work.path(), SCALE, None).await;
        let name = |i| format!("Flottkund {i}");
        let (built, setup_wall) = delivered(
            "rollout_usage",
            &sim,
            &store,
            name,
            asked.n,
            asked.setup_parallel,
        )
        .await;
        let (supervisor, ticker) = cli_ticker(&sim, &store, work.path()).await;
        schema_rollout::measure(
            &sim,
            &store,
            work.path(),
            supervisor,
            &asked,
            &built,
            setup_wall,
        )
        .await;
        usage_nightly::measure(&sim, &store, &ticker, &built).await;
        sim.shutdown().await;
    });
}
