//! Template roll-out benchmark (issue #31; numbers, not assertions). Needs the OS keyring and
//! PostgreSQL: run through `bash scripts/bench.sh`, which provides a private keyring
//! (`scripts/setup.sh` puts PostgreSQL on the PATH).
//!
//! 1. Setup: N customers (`FABRIK_BENCH_TEMPLATE_N`, default 50) provisioned through the
//!    engine on a simulator at `Profile::Realistic` ×0.1 whose project databases are real
//!    PostgreSQL, from the template's first release (the seeded corpus of
//!    tests/common/template_corpus.rs), all at once (a semaphore of
//!    `FABRIK_BENCH_TEMPLATE_SETUP_PARALLEL`, default 50), as `fleet::setup` delivers (the
//!    simulator's limits lifted meanwhile). Then each repository is changed by its customer (the corpus's
//!    twelve customers, cycled: edits in the template's lines and others, deletions, new files)
//!    and the template gets its second release, both committed as a person through the Git
//!    Data API with a token of their own.
//! 2. One template roll-out over all N (waves `FABRIK_BENCH_TEMPLATE_WAVES`, default
//!    "1,10%,rest"), through `TemplatesApi::plan` and `RolloutsApi::drive` as
//!    `fabrik template start` runs it, with a GitHub token of its own. Counted from the
//!    simulator's request log (read as it goes: it keeps the last 5,000): content-creating
//!    calls (every POST, PUT, PATCH, DELETE to GitHub), blobs apart (one per changed file),
//!    reads, and GitHub's limit answers (403 and 429).
//!
//! GitHub's secondary limits (80 content-creating requests a minute, 500 an hour, per token)
//! would make a 200-repository roll-out an hour or more of waiting: the simulator's content
//! limits are turned off for this run (`github_content_per_minute = 0`,
//! `github_content_per_hour = 0`) and the bound is computed from the counted calls instead:
//! `bound_minutes = max(calls / 80, 60 * calls / 500)`, once without the blobs (the issue's
//! target counts them apart) and once with them (GitHub does not say whether a blob counts).
//! The primary limit (5,000 requests an hour per token, reads included) is raised as well: the
//! roll-out reads every file it compares (52 reads a repository before trees and blobs were
//! cached per process, 13 after), and the first run at 200 stalled on 403s before the cache. Its bound,
//! `60 * requests / 5000`, is printed apart; `template_github_bound_minutes` is the larger.
//! Fabrik's own pacer (crates/fabrik-providers/src/providers/pacer.rs) still paces the roll-out's token at 80 a minute
//! in this process (a call whose turn is further away than its `MAX_WAIT` of 90 s is sent
//! anyway, so the hour's budget does not hold the bench back), so the measured wall time is
//! at least every content-creating call (blobs included) over 80 a minute.
//!
//! Targets: at most 6 content-creating calls per repository besides the blobs, and N = 200
//! inside one hour of GitHub's limits. The calls per repository do not depend on N, and the
//! bound at 200 is printed from them at any N (`template_github_bound_minutes_at_200`): the
//! default is 50, whose content-creating calls stay within one token's hourly budget. At 200
//! they do not (about 800, against 500 an hour): GitHub allows that roll-out no less than 96
//! minutes, which no benchmark suite can wait for.

#[path = "../tests/common/github_person.rs"]
mod github_person;
#[path = "../tests/common/template_corpus.rs"]
mod template_corpus;
use crate::fleet;
use fleet::*;
use github_person::{Person, PERSON};

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use fabrik::ledger::MemberState;
use fabrik::services::templates::TemplatesApi;
use fabrik::store::Store;
use fabrik_sim::{Profile, SimConfig};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

const SCALE: f64 = 0.1;
/// The roll-out's own GitHub token (its pacer budgets start fresh).
const ROLLOUT_TOKEN: &str = "bench-template-token";
/// GitHub's secondary limits, per token.
const GITHUB_PER_MINUTE: f64 = 80.0;
const GITHUB_PER_HOUR: f64 = 500.0;
/// GitHub's primary limit: every request, per token.
const GITHUB_PRIMARY_PER_HOUR: f64 = 5000.0;
/// The targets.
const TARGET_CALLS_PER_REPO: f64 = 6.0;
const TARGET_MINUTES: f64 = 60.0;

/// `/github/repos/org/name/git/trees` → `/repos/{owner}/{repo}/git/trees`.
fn github_endpoint(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/github")?;
    let rest = rest.split('?').next().unwrap_or(rest);
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let mut out = String::new();
    for (i, s) in segs.iter().enumerate() {
        out.push('/');
        let named = match segs.first() {
            Some(&"repos") => i == 1 || i == 2,
            _ => false,
        };
        // A ref, a sha, a range or a number names a resource, not an endpoint.
        let resource = i > 0
            && (segs[i - 1] == "blobs"
                || segs[i - 1] == "commits"
                || segs[i - 1] == "trees"
                || segs[i - 1] == "pulls"
                || segs[i - 1] == "compare"
                || (i >= 2 && segs[i - 2] == "ref"));
        if named {
            out.push_str(if i == 1 { "{owner}" } else { "{repo}" });
        } else if resource {
            // The rest of a ref's name (`heads/template-3d0dc6d`) is the same resource.
            out.push_str("{}");
            if i >= 2 && segs[i - 2] == "ref" {
                break;
            }
        } else {
            out.push_str(s);
        }
    }
    Some(out)
}

/// What the roll-out's GitHub requests add up to.
#[derive(Default)]
struct Calls {
    content: usize,
    blobs: usize,
    reads: usize,
    other: usize,
    r403: usize,
    r429: usize,
    by_endpoint: BTreeMap<String, usize>,
}

fn calls(entries: &[Value]) -> Calls {
    let mut c = Calls::default();
    for e in entries {
        let method = e["method"].as_str().unwrap_or("");
        let path = e["path"].as_str().unwrap_or("");
        let Some(endpoint) = github_endpoint(path) else {
            c.other += 1;
            continue;
        };
        *c.by_endpoint
            .entry(format!("{method} {endpoint}"))
            .or_default() += 1;
        match e["status"].as_u64() {
            Some(403) => c.r403 += 1,
            Some(429) => c.r429 += 1,
            _ => {}
        }
        if method == "GET" || method == "HEAD" {
            c.reads += 1;
        } else if endpoint.ends_with("/git/blobs") {
            c.blobs += 1;
        } else {
            c.content += 1;
        }
    }
    c
}

/// The least time GitHub's secondary limits allow for `calls` content-creating requests of one
/// token, in minutes.
fn bound_minutes(calls: usize) -> f64 {
    let c = calls as f64;
    (c / GITHUB_PER_MINUTE).max(60.0 * c / GITHUB_PER_HOUR)
}

/// The least time GitHub's primary limit allows for `requests` requests of one token, in
/// minutes.
fn primary_minutes(requests: usize) -> f64 {
    60.0 * requests as f64 / GITHUB_PRIMARY_PER_HOUR
}

pub fn main() {
    let n: usize = env_or("FABRIK_BENCH_TEMPLATE_N", 50);
    let setup_parallel: usize = env_or("FABRIK_BENCH_TEMPLATE_SETUP_PARALLEL", 50);
    let waves: String = env_or("FABRIK_BENCH_TEMPLATE_WAVES", "1,10%,rest".to_string());
    let work = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        fabrik::providers::install_crypto_provider();
        let corpus = template_corpus::corpus(0x5EED_FAB1);
        let cluster = fabrik_sim::pg::TestCluster::shared().expect("PostgreSQL for the simulator");
        let mut config = SimConfig {
            profile: Profile::Realistic,
            time_scale: SCALE,
            database_url: Some(cluster.url().to_string()),
            ..SimConfig::default()
        };
        // GitHub's secondary limits off for the run: the bound is computed from the calls.
        config.rate_limits.github_content_per_minute = 0;
        config.rate_limits.github_content_per_hour = 0;
        // And the primary limit (5,000 requests an hour per token) raised: the roll-out's reads
        // alone pass it at 200 repositories; its bound is computed as well.
        config.rate_limits.github_per_hour = 1_000_000;
        config.world.github_template_files = corpus
            .base
            .iter()
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect();
        let sim = fabrik_sim::start(config).await.expect("simulator");
        sim.add_token(PERSON);
        sim.add_token(ROLLOUT_TOKEN);
        let db = work.path().join("fabrik.sqlite3");
        let store = Arc::new(Store::open(&db).unwrap());
        let seed = sim.seed().clone();
        for (k, v) in [
            ("github.template", seed.github_template.clone()),
            ("github.owner", seed.github_org.clone()),
            ("supabase.organization", seed.supabase_org_slug.clone()),
            ("vercel.team_id", seed.vercel_team_id.clone()),
            ("email.sender_address", format!("valkommen@{}", seed.resend_domain)),
        ] {
            store.set_setting(k, &v).unwrap();
        }

        let name = |i| format!("Mallkund {i:03} AB");
        let (built, provision_wall) =
            delivered("template", &sim, &store, name, n, setup_parallel).await;

        // The customers' own changes (the corpus's customers, cycled), then the template's
        // second release, as a person.
        let started = Instant::now();
        let person = Arc::new(Person::new(sim.github_api_url()));
        let customers = Arc::new(corpus.customers);
        let gate = Arc::new(tokio::sync::Semaphore::new(8));
        let mut tasks = tokio::task::JoinSet::new();
        for (i, slug) in built.iter().enumerate() {
            let repo = format!("{}/{slug}", seed.github_org);
            let (person, customers, gate) = (person.clone(), customers.clone(), gate.clone());
            tasks.spawn(async move {
                let _turn = gate.acquire_owned().await.unwrap();
                let c = &customers[i % customers.len()];
                person
                    .commit_exactly(&repo, "main", &c.files, "Kundens egna ändringar")
                    .await;
            });
        }
        while let Some(r) = tasks.join_next().await {
            r.expect("a customer's changes committed");
        }
        person
            .commit_exactly(
                &seed.github_template,
                "main",
                &corpus.release,
                "Mallen, andra utgåvan",
            )
            .await;
        println!(
            "customers' changes in {} repositories and the template's second release in {:.0} s",
            built.len(),
            started.elapsed().as_secs_f64()
        );
        clear_log(&sim).await;

        // The roll-out as `fabrik template start` runs it, with a GitHub token of its own.
        let (_cloud, supervisor) = cli_supervisor(&sim, &store, work.path(), ROLLOUT_TOKEN).await;
        if let Ok(p) = std::env::var("FABRIK_BENCH_TEMPLATE_PARALLEL") {
            store
                .set_setting(fabrik::services::rollouts::PARALLEL_SETTING, &p)
                .unwrap();
        }
        let api = TemplatesApi::new(store.clone(), supervisor);

        let log = Arc::new(Mutex::new(Log::default()));
        let reading = CancellationToken::new();
        let reader = read_log_while(sim.base_url(), log.clone(), reading.clone());

        println!("load before the roll-out: {}", load());
        let started = Instant::now();
        let view = api.plan(None, &waves, 0.1).await.unwrap();
        let plan_wall = started.elapsed();
        read_log(sim.base_url(), &log).await;
        let plan_seq = log.lock().unwrap().entries.keys().next_back().copied().unwrap_or(0);
        let wave_sizes: Vec<u32> = view.view.waves.iter().map(|w| w.total).collect();
        let planned_conflicts: usize = view
            .plans
            .iter()
            .filter(|p| !p.needs_person.is_empty())
            .count();
        let started = Instant::now();
        api.rollouts()
            .drive(view.view.rollout.id, Arc::new(Quiet))
            .await
            .unwrap();
        let drive_wall = started.elapsed();
        let view = api.view(view.view.rollout.id).unwrap();
        let load_after = load();
        reading.cancel();
        reader.await.unwrap();

        let (entries, gaps) = Log::take(&log);
        let all: Vec<Value> = entries.values().cloned().collect();
        let plan_entries: Vec<Value> = entries.range(..=plan_seq).map(|(_, v)| v.clone()).collect();
        let (total, plan_calls) = (calls(&all), calls(&plan_entries));
        let members = view.view.members.len();
        let done = view.view.members.iter().filter(|m| m.state == MemberState::Done).count();
        let failed = view.view.members.iter().filter(|m| m.state == MemberState::Failed).count();
        let skipped = view.view.members.iter().filter(|m| m.state == MemberState::Skipped).count();
        for m in view.view.members.iter().filter(|m| m.state != MemberState::Done) {
            eprintln!("{}: {:?} {:?}", m.slug, m.state, m.reason);
        }
        let prs = view.prs.len();
        let conflicted = view.prs.iter().filter(|p| p.conflicts > 0).count();
        let repos = prs.max(1) as f64;

        println!("roll-out GitHub calls by endpoint (plan, all), per repository:");
        let keys: std::collections::BTreeSet<&String> = total.by_endpoint.keys().collect();
        for k in keys {
            let p = plan_calls.by_endpoint.get(k).copied().unwrap_or(0);
            let a = total.by_endpoint[k];
            println!("  {k}: plan {p}, all {a} ({:.2})", a as f64 / repos);
        }
        let github = total.content + total.blobs + total.reads;
        let bound_content = bound_minutes(total.content);
        let bound_with_blobs = bound_minutes(total.content + total.blobs);
        let bound_primary = primary_minutes(github);
        let bound = bound_with_blobs.max(bound_primary);
        let wall = plan_wall + drive_wall;
        // What the issue asks of 200 repositories, from this run's calls per repository.
        let per_repo = total.content as f64 / repos;
        let at_200 = |c: usize| (c as f64 / repos * 200.0).round() as usize;
        let bound_200 = bound_minutes(at_200(total.content + total.blobs))
            .max(primary_minutes(at_200(github)));
        println!(
            "waves {wave_sizes:?}; parallel {}; {planned_conflicts} planned with files for a person; {conflicted} pull requests with conflicts; load after {load_after}",
            api.rollouts().parallel()
        );
        println!(
            "bench: template_repos={n} template_delivered={} template_members={members} template_setup_s={:.0} template_prs={prs} template_conflicted_prs={conflicted} template_done={done} template_failures={failed} template_skipped={skipped} template_content_calls={} template_content_calls_per_repo={:.2} template_blob_calls={} template_blob_calls_per_repo={:.2} template_read_calls={} template_read_calls_per_repo={:.2} template_plan_s={:.1} template_drive_s={:.1} template_wall_s={:.1} template_github_calls={github} template_github_bound_content_minutes={:.1} template_github_bound_content_minutes_with_blobs={:.1} template_github_bound_primary_minutes={:.1} template_github_bound_minutes={:.1} template_github_bound_minutes_at_200={:.1} template_wall_over_bound={:.3} template_429={} template_403={} template_log_gaps={gaps} template_target_calls_per_repo_met={} template_target_one_hour_met={}",
            built.len(),
            provision_wall.as_secs_f64(),
            total.content,
            per_repo,
            total.blobs,
            total.blobs as f64 / repos,
            total.reads,
            total.reads as f64 / repos,
            plan_wall.as_secs_f64(),
            drive_wall.as_secs_f64(),
            wall.as_secs_f64(),
            bound_content,
            bound_with_blobs,
            bound_primary,
            bound,
            bound_200,
            wall.as_secs_f64() / 60.0 / bound.max(1e-9),
            total.r429,
            total.r403,
            prs > 0 && per_repo <= TARGET_CALLS_PER_REPO,
            prs > 0 && bound_200 <= TARGET_MINUTES,
        );
        drop(api);
        sim.shutdown().await;
    });
}
