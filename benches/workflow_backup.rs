//! Workflow-backup benchmark (issue #32; numbers, not assertions). Needs the OS keyring and
//! PostgreSQL: run through `bash scripts/bench.sh`, which provides a private keyring
//! (`scripts/setup.sh` puts PostgreSQL on the PATH).
//!
//! 1. Setup (timed apart): N instances (`FABRIK_BENCH_WORKFLOWS_N`, default 100) provisioned
//!    through the engine as benches/rollout.rs does (not through the supervisor, so no backup
//!    follows a delivery), on a simulator at `Profile::Realistic` ×0.1 whose Gitea timings are
//!    raised tenfold so that after the scale they are the realistic ones (a read 40 ms, a
//!    contents write 300 ms); the backup repository `ops-hub/client-backups` (the default
//!    `backup.repository`) is made through the simulator's admin route.
//! 2. Three passes over all N through `BackupsApi::back_up_all_workflows` as
//!    `fabrik backup workflows --parallel P` runs it (`FABRIK_BENCH_WORKFLOWS_PARALLEL`,
//!    default 8): the first (every file new), the same again (nothing changed), and again
//!    after 10 % of the workflows were edited through the n8n API as a person would. Each
//!    pass: wall time, runs that failed, commits made (the repository's `commit_count`), and
//!    from the simulator's request log (emptied before each pass, read as it goes: it keeps
//!    the last 5,000) Gitea's content-creating calls (POST, PUT, PATCH, DELETE) and every
//!    read, by endpoint.
//!
//! Targets: at most one content-creating call per changed instance, and 100 instances backed
//! up in at most 10 minutes (the first pass, where every instance commits).

use crate::fleet;
use fabrik::customer::rows::CustomerRows;
use fleet::*;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fabrik::provision::RunState;
use fabrik::services::backups::BackupsApi;
use fabrik::store::Store;
use fabrik::supervisor::cloud::Environment;
use fabrik_sim::SimHandle;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

const SCALE: f64 = 0.1;
const OWNER: &str = "ops-hub";
const NAME: &str = "client-backups";
/// The targets.
const TARGET_WRITES_PER_CHANGED: f64 = 1.0;
const TARGET_SECONDS_AT_100: f64 = 600.0;

/// One pass over all instances.
struct Pass {
    wall: Duration,
    succeeded: usize,
    failed: usize,
    commits: u64,
    /// Gitea's content-creating calls.
    writes: usize,
    /// Every GET, all providers.
    reads: usize,
    by_endpoint: BTreeMap<String, usize>,
    /// The simulator's answer times, summed over the pass (simulated latency and its own work).
    answers: Duration,
    gaps: u64,
}

/// `/gitea/api/v1/repos/ops-hub/client-backups/contents/x/workflows` → `gitea …/contents/{path}`.
fn endpoint(method: &str, path: &str) -> String {
    let path = path.split('?').next().unwrap_or("");
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    let provider = segs.next().unwrap_or("");
    let rest: Vec<&str> = segs.collect();
    let shape = match (provider, rest.as_slice()) {
        ("gitea", [_, _, "repos", _, _, "contents", ..]) => "/repos/{o}/{r}/contents/{path}".into(),
        ("gitea", [_, _, "repos", _, _, tail @ ..]) => {
            format!("/repos/{{o}}/{{r}}/{}", tail.join("/"))
        }
        ("n8n", [_, _, "workflows", _, tail @ ..]) => {
            format!(
                "/workflows/{{id}}{}",
                tail.iter().map(|t| format!("/{t}")).collect::<String>()
            )
        }
        _ => format!("/{}", rest.join("/")),
    };
    format!("{provider} {method} {shape}")
}

async fn commit_count(sim: &SimHandle) -> u64 {
    let v: Value = reqwest::get(format!("{}/__sim/inventory", sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["gitea"]["repos"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["full_name"] == format!("{OWNER}/{NAME}"))
        .and_then(|r| r["commit_count"].as_u64())
        .unwrap_or(0)
}

async fn pass(label: &str, sim: &SimHandle, api: &Arc<BackupsApi>, parallel: usize) -> Pass {
    clear_log(sim).await;
    let before = commit_count(sim).await;
    let log = Arc::new(Mutex::new(Log::default()));
    let reading = CancellationToken::new();
    let reader = read_log_while(sim.base_url(), log.clone(), reading.clone());
    let started = Instant::now();
    let results = api
        .back_up_all_workflows(parallel, Arc::new(Quiet))
        .await
        .unwrap();
    let wall = started.elapsed();
    reading.cancel();
    reader.await.unwrap();
    let commits = commit_count(sim).await - before;
    let succeeded = results
        .iter()
        .filter(|(_, r)| matches!(r, Ok(RunState::Succeeded)))
        .count();
    for (slug, r) in results
        .iter()
        .filter(|(_, r)| !matches!(r, Ok(RunState::Succeeded)))
    {
        eprintln!("{label}: {slug}: {r:?}");
    }
    let (entries, gaps) = Log::take(&log);
    let mut by_endpoint = BTreeMap::new();
    let (mut writes, mut reads, mut answer_ms) = (0, 0, 0);
    for e in entries.values() {
        answer_ms += e["duration_ms"].as_u64().unwrap_or(0);
        let method = e["method"].as_str().unwrap_or("");
        let path = e["path"].as_str().unwrap_or("");
        *by_endpoint.entry(endpoint(method, path)).or_default() += 1;
        if method == "GET" || method == "HEAD" {
            reads += 1;
        } else if path.starts_with("/gitea/") {
            writes += 1;
        }
    }
    println!(
        "{label}: {:.1} s, {succeeded} succeeded, {} failed, {commits} commits, {writes} Gitea writes, {reads} reads; load {}",
        wall.as_secs_f64(),
        results.len() - succeeded,
        load()
    );
    Pass {
        wall,
        succeeded,
        failed: results.len() - succeeded,
        commits,
        writes,
        reads,
        by_endpoint,
        answers: Duration::from_millis(answer_ms),
        gaps,
    }
}

/// A person changes a node's parameter of the customer's workflow in n8n.
async fn edit_workflow(sim: &SimHandle, store: &Store, slug: &str) {
    let id = store
        .get_customer_in(slug, Environment::Production)
        .unwrap()
        .instance
        .n8n_workflow_id
        .expect("a delivered workflow");
    let url = format!("{}/workflows/{id}", sim.n8n_api_url());
    let client = reqwest::Client::new();
    let key = ("X-N8N-API-KEY", "bench-token-0");
    let mut wf: Value = client
        .get(&url)
        .header(key.0, key.1)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    wf["nodes"][0]["parameters"]["path"] = json!(format!("andrad-sokvag-{slug}"));
    let body = json!({ "name": wf["name"], "nodes": wf["nodes"], "connections": wf["connections"], "settings": wf["settings"] });
    let resp = client
        .put(&url)
        .header(key.0, key.1)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{url}: {}", resp.status());
}

pub fn main() {
    let n: usize = env_or("FABRIK_BENCH_WORKFLOWS_N", 100);
    let parallel: usize = env_or("FABRIK_BENCH_WORKFLOWS_PARALLEL", 8);
    let setup_parallel: usize = env_or("FABRIK_BENCH_WORKFLOWS_SETUP_PARALLEL", 100);
    let work = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        // Gitea's realistic timings after the scale; the setup's slow transitions at ×0.1.
        let (sim, store, _cluster) = world_with_backups(work.path(), SCALE).await;

        let name = |i| format!("Flödeskund {i}");
        let (built, setup_wall) =
            delivered("workflow_backup", &sim, &store, name, n, setup_parallel).await;

        // The backups as `fabrik backup workflows` runs them.
        let (cloud, supervisor) = cli_supervisor(&sim, &store, work.path(), "bench-token-0").await;
        let api = Arc::new(BackupsApi::new(
            store.clone(),
            supervisor,
            cloud.secrets.clone(),
        ));

        let first = pass("first", &sim, &api, parallel).await;
        let unchanged = pass("unchanged", &sim, &api, parallel).await;
        let edited: Vec<&String> = built.iter().step_by(10).collect();
        for slug in &edited {
            edit_workflow(&sim, &store, slug).await;
        }
        let after_edit = pass("edited", &sim, &api, parallel).await;
        let load_after = load();

        let passes = [("first", &first), ("unchanged", &unchanged), ("edited", &after_edit)];
        let keys: std::collections::BTreeSet<&String> =
            passes.iter().flat_map(|(_, p)| p.by_endpoint.keys()).collect();
        let instances = built.len().max(1) as f64;
        println!("calls by endpoint (first, unchanged, edited), per instance:");
        for k in keys {
            let counts: Vec<String> = passes
                .iter()
                .map(|(_, p)| {
                    let c = p.by_endpoint.get(k).copied().unwrap_or(0);
                    format!("{c} ({:.2})", c as f64 / instances)
                })
                .collect();
            println!("  {k}: {}", counts.join(", "));
        }
        // What the simulator's answers alone allow: one instance's calls follow each other, so
        // a pass needs its rounds of `parallel` times the mean answer time per instance.
        let rounds = built.len().div_ceil(parallel.max(1)) as f64;
        let bound = |p: &Pass| rounds * p.answers.as_secs_f64() / instances;
        for (label, p) in &passes {
            println!(
                "{label}: answers {:.0} ms per instance, bound {:.1} s, wall over bound {:.1}, Fabrik's own time per run {:.0} ms",
                p.answers.as_secs_f64() * 1000.0 / instances,
                bound(p),
                p.wall.as_secs_f64() / bound(p).max(1e-9),
                (p.wall.as_secs_f64() - bound(p)) * 1000.0 / rounds,
            );
        }
        let per_changed = |p: &Pass, changed: usize| p.writes as f64 / changed.max(1) as f64;
        let first_per_changed = per_changed(&first, built.len());
        let edited_per_changed = per_changed(&after_edit, edited.len());
        let reads = first.reads + unchanged.reads + after_edit.reads;
        let failures = first.failed + unchanged.failed + after_edit.failed;
        let gaps = first.gaps + unchanged.gaps + after_edit.gaps;
        // The wall time of the first pass, where every instance commits, brought to 100.
        let at_100 = first.wall.as_secs_f64() * 100.0 / instances;
        let writes_met = first.succeeded > 0
            && first_per_changed <= TARGET_WRITES_PER_CHANGED
            && edited_per_changed <= TARGET_WRITES_PER_CHANGED
            && unchanged.writes == 0;
        let time_met = first.succeeded > 0 && at_100 <= TARGET_SECONDS_AT_100;
        println!("parallel {parallel}; load after {load_after}");
        println!(
            "bench: workflows_n={} workflows_setup_s={:.0} workflows_first_s={:.1} workflows_first_commits={} workflows_first_writes_per_changed={:.2} workflows_unchanged_s={:.1} workflows_unchanged_writes={} workflows_unchanged_commits={} workflows_edited={} workflows_edited_s={:.1} workflows_edited_commits={} workflows_edited_writes_per_changed={:.2} workflows_reads_per_instance={:.2} workflows_failures={failures} workflows_parallel={parallel} workflows_first_bound_s={:.1} workflows_unchanged_bound_s={:.1} workflows_log_gaps={gaps}",
            built.len(),
            setup_wall.as_secs_f64(),
            first.wall.as_secs_f64(),
            first.commits,
            first_per_changed,
            unchanged.wall.as_secs_f64(),
            unchanged.writes,
            unchanged.commits,
            edited.len(),
            after_edit.wall.as_secs_f64(),
            after_edit.commits,
            edited_per_changed,
            reads as f64 / (3.0 * instances),
            bound(&first),
            bound(&unchanged),
        );
        println!(
            "bench: workflows_target_writes_per_changed_met={writes_met} workflows_target_100_in_10_min_met={time_met} workflows_first_s_at_100={at_100:.1}"
        );
        println!(
            "target: at most 1 content-creating call per changed instance: {} (first {first_per_changed:.2}, unchanged {}, edited {edited_per_changed:.2})",
            if writes_met { "met" } else { "not met" },
            unchanged.writes
        );
        println!(
            "target: 100 instances in ≤ 10 min: {} (first pass {:.1} s for {}, {at_100:.1} s at 100)",
            if time_met { "met" } else { "not met" },
            first.wall.as_secs_f64(),
            built.len()
        );
        sim.shutdown().await;
    });
}
