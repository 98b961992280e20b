//! Roll-out benchmark (issue #30; numbers, not assertions). Needs the OS keyring and
//! PostgreSQL: run through `bash scripts/bench.sh`, which provides a private keyring
//! (`scripts/setup.sh` puts PostgreSQL on the PATH).
//!
//! 1. Setup: N instances (`FABRIK_BENCH_ROLLOUT_N`, default 500) provisioned through the engine
//!    on a simulator at `Profile::Realistic` ×0.1 whose project databases are real PostgreSQL,
//!    all at once (a semaphore of `FABRIK_BENCH_ROLLOUT_SETUP_PARALLEL`, default 100), the
//!    shared pacer keeping every key's documented limits and the simulator's own lifted while
//!    it delivers (`fleet::setup`; they are back before the roll-out): the set-up spreads the
//!    runs over one token set per 25 instances, as an agency with several machine accounts
//!    could. Every instance is delivered exactly as Fabrik delivers one (the
//!    ledger's runs, the instance card, the project's schema and history); its time is printed
//!    apart.
//! 2. One roll-out of two migration files over all N (waves `FABRIK_BENCH_ROLLOUT_WAVES`,
//!    default "1,10%,rest"), through `RolloutsApi::plan` and `drive` as the CLI runs it: wall
//!    time of each, calls per instance by endpoint (the simulator's request log, read as it
//!    goes: it keeps the last 5,000), 429s and failures (target 0 each), and the bound:
//!    - `bound_limits_s`: what the documented limits force (Supabase counts per project and
//!      endpoint: the busiest bucket's windows);
//!    - `bound_latency_s`: the simulated latencies along one instance's critical path, times
//!      the rounds the parallelism needs (a roll-out waits on no simulated transition: 0);
//!    - `bound_service_s`: the simulator's own answer times (real PostgreSQL work) along each
//!      instance's chain of calls, the mean per instance times the rounds of `parallel` each
//!      wave needs — the floor when the limits and latencies allow everything at once.
//!
//!    `bound_s` is the largest; `ratio = drive wall / bound`. Target ≤ 1.2, and N=500 in ≤ 15 min.

use crate::fleet;
use crate::schema_rollout;
use fleet::*;

const SCALE: f64 = 0.1;

pub fn main() {
    let asked = schema_rollout::Asked::from_env();
    let work = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let (sim, store, _cluster) = world(work.path(), SCALE, None).await;
        let name = |i| format!("Utrullning Kund {i}");
        let (built, setup_wall) =
            delivered("rollout", &sim, &store, name, asked.n, asked.setup_parallel).await;
        let (_cloud, supervisor) = cli_supervisor(&sim, &store, work.path(), "bench-token-0").await;
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
        sim.shutdown().await;
    });
}
