//! Template updates (issue #31) on the simulated GitHub, through the CLI as the agency runs
//! them: twelve customers delivered from the template's first release, each repository changed
//! by its customer (the seeded corpus of tests/common: edits in the template's lines and in
//! others, deletions, new files, Fabrik's own file), then the template's second release.
//! `fabrik template start` opens one pull request per repository; every pull request's files
//! are held to the corpus's truth (no customer line lost, every overlap a conflict, every other
//! template change present). The same roll-out again writes nothing. Then a person merges one,
//! closes one and pushes to a third: `fabrik template status` moves the first's base, reports
//! the second, and leaves the third as it is.

use crate::common;
use fabrik::customer::rows::CustomerRows;
use fabrik::template::rows::TemplateRows;

use std::collections::BTreeMap;
use std::process::Command;

use common::github_person::{Person, PERSON};
use common::template_corpus::{self as corpus, check, Files};
use common::*;
use fabrik::supervisor::cloud::Environment;
use fabrik_sim::{Profile, SimConfig, SimHandle};
use serde_json::{json, Value};

async fn sim_with_template(files: &Files) -> SimHandle {
    let mut config = SimConfig {
        profile: Profile::Realistic,
        time_scale: 0.02,
        database_url: Some(cluster().url().to_string()),
        ..SimConfig::default()
    };
    config.tokens = fabrik_sim::Tokens::single(TOKEN);
    config.tokens.resend.push(RESEND_KEY.into());
    config.tokens.github.push(PERSON.into());
    config.world.github_template_files =
        files.iter().map(|(p, t)| (p.clone(), t.clone())).collect();
    fabrik_sim::start(config).await.expect("simulator")
}

fn run(mut cmd: Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ended(stdout: &str) -> Value {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .rfind(|v| v["type"] == "template_rollout")
        .unwrap_or_else(|| panic!("no template roll-out in:\n{stdout}"))["view"]
        .clone()
}

/// The newest request the simulator logged, and how many GitHub requests after `since`
/// created content (POST, PUT, PATCH, DELETE).
async fn github_writes(sim: &SimHandle, since: u64) -> (u64, usize) {
    let log: Value = reqwest::get(format!("{}/__sim/requests", sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = log["requests"].as_array().unwrap();
    let last = entries
        .iter()
        .filter_map(|e| e["seq"].as_u64())
        .max()
        .unwrap_or(0);
    let writes = entries
        .iter()
        .filter(|e| e["seq"].as_u64().unwrap_or(0) > since)
        .filter(|e| e["path"].as_str().unwrap_or("").starts_with("/github/"))
        .filter(|e| e["method"] != "GET")
        .count();
    (last, writes)
}

/// Customers delivered from the template's first release, each repository changed by its
/// customer as the corpus says, then the template's second release.
struct Setup {
    sim: SimHandle,
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    person: Person,
    corpus: corpus::Corpus,
    /// slug → (owner/name, index into the corpus's customers)
    repos: BTreeMap<String, (String, usize)>,
    first_release: String,
    release: String,
}

impl Setup {
    fn customer(&self, slug: &str) -> (&str, &corpus::CustomerRepo) {
        let (repo, i) = &self.repos[slug];
        (repo.as_str(), &self.corpus.customers[*i])
    }
}

async fn setup(tag: &str, customers: usize) -> Option<Setup> {
    let secrets = keyring(tag)?;
    let c = corpus::corpus(0x5EED_FAB1);
    let sim = sim_with_template(&c.base).await;
    let names: Vec<String> = (0..customers)
        .map(|i| format!("Mallkund {i:02} AB"))
        .collect();
    let (dir, db, store, slugs) = delivered_fleet(&sim, secrets, &names).await;
    let seed = sim.seed();
    let org = seed.github_org.clone();
    let template = seed.github_template.clone();
    let person = Person::new(sim.github_api_url());
    // Each repository was recorded at the template's first release when Fabrik made it.
    let first_release = person
        .ok(
            reqwest::Method::GET,
            &format!("/repos/{template}/git/ref/heads/main"),
            None,
        )
        .await["object"]["sha"]
        .as_str()
        .unwrap()
        .to_string();
    for slug in &slugs {
        let id = store
            .get_customer_in(slug, Environment::Production)
            .unwrap()
            .id;
        let base = store
            .template_base(id, Environment::Production)
            .unwrap()
            .expect("recorded at provisioning");
        assert_eq!(base.sha, first_release, "{slug}");
        assert_eq!(base.how, fabrik::ledger::BaseHow::Generated);
    }
    // The customers' own changes, then the template's second release.
    let repos: BTreeMap<String, (String, usize)> = slugs
        .iter()
        .enumerate()
        .map(|(i, s)| (s.clone(), (format!("{org}/{s}"), i)))
        .collect();
    for (repo, i) in repos.values() {
        person
            .commit_exactly(
                repo,
                "main",
                &c.customers[*i].files,
                "Kundens egna ändringar",
            )
            .await;
    }
    let release = person
        .commit_exactly(&template, "main", &c.release, "Mallen, andra utgåvan")
        .await;
    Some(Setup {
        sim,
        _dir: dir,
        db,
        person,
        corpus: c,
        repos,
        first_release,
        release,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_repository_gets_one_pull_request_that_keeps_the_customers_changes() {
    let Some(f) = setup("template-rollout", corpus::CUSTOMERS).await else {
        return;
    };
    let (sim, db, person, release, first_release) =
        (&f.sim, &f.db, &f.person, &f.release, &f.first_release);
    // The plan writes nothing and shows every repository behind, with its files.
    let (mark, _) = github_writes(sim, 0).await;
    let mut plan = cli(sim, db);
    plan.args(["template", "plan", "--json"]);
    let (code, out, err) = run(plan);
    assert!(code == 0 || code == 3, "{out}{err}");
    let planned: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    assert_eq!(planned["target"], release.as_str());
    for p in planned["plans"].as_array().unwrap() {
        assert_eq!(p["behind"], 1, "{p}");
        assert!(p["problem"].is_null(), "{p}");
        assert!(!p["changes"].as_array().unwrap().is_empty(), "{p}");
    }
    let (mark, writes) = github_writes(sim, mark).await;
    assert_eq!(writes, 0, "planning writes nothing");

    let t0 = std::time::Instant::now();
    let mut start = cli(sim, db);
    start.args([
        "template",
        "start",
        "--yes",
        "--json",
        "--waves",
        "1,25%,rest",
    ]);
    let (code, out, err) = run(start);
    let view = ended(&out);
    assert_eq!(code, 0, "{view}\n{err}");
    assert_eq!(view["view"]["rollout"]["state"], "done", "{view}");
    let prs = view["prs"].as_array().unwrap();
    assert_eq!(prs.len(), corpus::CUSTOMERS, "{view}");
    let (mark, writes) = github_writes(sim, mark).await;
    eprintln!(
        "template roll-out: {} repositories in {:?}, {writes} content-creating calls ({:.1} per repository)",
        prs.len(),
        t0.elapsed(),
        writes as f64 / prs.len() as f64
    );
    assert!(writes <= 6 * prs.len(), "{writes} writes");

    // Every pull request's head holds the customer's changes and the template's.
    let mut conflicts = 0;
    for p in prs {
        let slug = p["slug"].as_str().unwrap();
        let (repo, cr) = f.customer(slug);
        let files = person
            .files_at(repo, p["commit_sha"].as_str().unwrap())
            .await;
        if let Err(problems) = check(cr, &files) {
            panic!("{slug}: {problems:#?}");
        }
        conflicts += p["conflicts"].as_i64().unwrap();
        let pr = person
            .ok(
                reqwest::Method::GET,
                &format!("/repos/{repo}/pulls/{}", p["number"]),
                None,
            )
            .await;
        assert_eq!(pr["state"], "open");
        assert_eq!(pr["base"]["ref"], "main");
        if p["conflicts"].as_i64().unwrap() > 0 {
            assert!(pr["title"].as_str().unwrap().contains("konflikter"), "{pr}");
        }
        // The customer's branch itself is untouched.
        let head = person
            .ok(
                reqwest::Method::GET,
                &format!("/repos/{repo}/git/ref/heads/main"),
                None,
            )
            .await;
        let main = person
            .files_at(repo, head["object"]["sha"].as_str().unwrap())
            .await;
        assert_eq!(&main, &cr.files, "{slug}: main changed");
    }
    assert!(conflicts > 0, "the corpus has overlapping changes");

    // The same roll-out again creates nothing.
    let (mark, _) = github_writes(sim, mark).await;
    let mut again = cli(sim, db);
    again.args(["template", "start", "--yes", "--json"]);
    let (code, out, err) = run(again);
    assert_eq!(code, 0, "{out}{err}");
    let view = ended(&out);
    for m in view["view"]["members"].as_array().unwrap() {
        assert_eq!(m["state"], "done", "{m}");
        assert!(m["run_id"].is_null(), "no run for {m}");
    }
    assert_eq!(
        github_writes(sim, mark).await.1,
        0,
        "a second start writes nothing"
    );

    // A person merges one, closes one, pushes to a third.
    let pr_of = |i: usize| {
        let p = &prs[i];
        let slug = p["slug"].as_str().unwrap().to_string();
        (
            f.repos[&slug].0.clone(),
            p["number"].as_i64().unwrap(),
            p["commit_sha"].as_str().unwrap().to_string(),
            slug,
            p["branch"].as_str().unwrap().to_string(),
        )
    };
    let (merged_repo, merged_n, merged_sha, merged_slug, _) = pr_of(0);
    // GitHub computes mergeability in the background: ask until it has.
    for _ in 0..20 {
        let pr = person
            .ok(
                reqwest::Method::GET,
                &format!("/repos/{merged_repo}/pulls/{merged_n}"),
                None,
            )
            .await;
        if !pr["mergeable"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    person
        .ok(
            reqwest::Method::PUT,
            &format!("/repos/{merged_repo}/pulls/{merged_n}/merge"),
            Some(json!({"sha": merged_sha})),
        )
        .await;
    let (closed_repo, closed_n, _, closed_slug, _) = pr_of(1);
    person
        .ok(
            reqwest::Method::PATCH,
            &format!("/repos/{closed_repo}/pulls/{closed_n}"),
            Some(json!({"state": "closed"})),
        )
        .await;
    let (pushed_repo, _, pushed_sha, pushed_slug, branch) = pr_of(2);
    let mut edited = person.files_at(&pushed_repo, &pushed_sha).await;
    edited.insert("NOTES.md".into(), "Löst för hand\n".into());
    person
        .commit_exactly(
            &pushed_repo,
            &branch,
            &edited,
            "Konflikterna lösta för hand",
        )
        .await;

    let mut status = cli(sim, db);
    status.args(["template", "versions", "--json"]);
    let (code, out, err) = run(status);
    assert_eq!(code, 0, "{out}{err}");
    let versions: Value = serde_json::from_str(&out).unwrap();
    let of = |slug: &str| {
        versions
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["slug"] == slug)
            .unwrap()
            .clone()
    };
    let m = of(&merged_slug);
    assert_eq!(m["base"]["sha"], release.as_str(), "{m}");
    assert_eq!(m["base"]["how"], "synced");
    assert_eq!(m["pr"]["state"], "merged");
    assert_eq!(of(&closed_slug)["pr"]["state"], "closed");
    assert_eq!(of(&closed_slug)["base"]["sha"], first_release.as_str());
    assert_eq!(of(&pushed_slug)["pr"]["state"], "pushed");
    // Fabrik wrote nothing to the branch a person pushed to.
    let head = person
        .ok(
            reqwest::Method::GET,
            &format!("/repos/{pushed_repo}/git/ref/heads/{branch}"),
            None,
        )
        .await["object"]["sha"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(head, pushed_sha);

    // The person who resolved it by hand merges it: its base moves too.
    let (_, pushed_n, _, _, _) = pr_of(2);
    person
        .ok(
            reqwest::Method::PUT,
            &format!("/repos/{pushed_repo}/pulls/{pushed_n}/merge"),
            Some(json!({"sha": head})),
        )
        .await;
    let mut status = cli(sim, db);
    status.args(["template", "versions", "--json"]);
    let (code, out, err) = run(status);
    assert_eq!(code, 0, "{out}{err}");
    let versions: Value = serde_json::from_str(&out).unwrap();
    let v = versions
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["slug"] == pushed_slug.as_str())
        .unwrap();
    assert_eq!(v["pr"]["state"], "merged", "{v}");
    assert_eq!(v["base"]["sha"], release.as_str(), "{v}");
}

/// Every pull request of a repository (open and closed), as GitHub lists them.
async fn pulls(person: &Person, repo: &str) -> Vec<Value> {
    person
        .ok(
            reqwest::Method::GET,
            &format!("/repos/{repo}/pulls?state=all&per_page=100"),
            None,
        )
        .await
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_during_a_wave_then_started_again_each_repository_has_exactly_one_pull_request() {
    let Some(f) = setup("template-kill", 5).await else {
        return;
    };
    // Opening a pull request takes a while: a kill lands between a repository's branch and its
    // pull request, or while GitHub is still answering.
    let fault = json!({"method": "POST", "path": "/github/repos/*/*/pulls", "delay_ms": 700});
    let r = reqwest::Client::new()
        .post(format!("{}/__sim/faults", f.sim.base_url()))
        .json(&fault)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let step = |kind: &'static str| {
        move |e: &Value| e["type"] == kind && e["step"] == "github.template_pr"
    };
    type KillAt = Box<dyn Fn(&Value) -> bool>;
    let nth_start = |n: usize| -> KillAt {
        let seen = std::sync::atomic::AtomicUsize::new(0);
        let is_start = step("step_started");
        Box::new(move |e: &Value| {
            is_start(e) && seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == n
        })
    };
    // In order: the canary's step under way; a later one's step under way while others write;
    // a pull request opened; a run ended.
    let points: Vec<KillAt> = vec![
        nth_start(1),
        nth_start(3),
        Box::new(step("step_done")),
        Box::new(|e: &Value| e["type"] == "run_finished"),
    ];
    let mut kills = 0;
    let mut all = String::new();
    for point in &points {
        let mut cmd = cli(&f.sim, &f.db);
        cmd.args(["template", "start", "--waves", "1,rest", "--yes", "--json"]);
        let (_, out, killed) = run_until(cmd, point.as_ref());
        all.push_str(&out);
        if !killed {
            break;
        }
        kills += 1;
    }
    let mut last = cli(&f.sim, &f.db);
    last.args(["template", "start", "--yes", "--json"]);
    let (code, out, err) = run(last);
    assert_eq!(code, 0, "{all}{out}{err}");
    assert!(kills >= 3, "killed {kills} times:\n{all}");
    let view = ended(&out);
    assert_eq!(view["view"]["rollout"]["state"], "done", "{view}");
    for (slug, (repo, _)) in &f.repos {
        let (_, cr) = f.customer(slug);
        let all_pulls = pulls(&f.person, repo).await;
        assert_eq!(all_pulls.len(), 1, "{slug}: {all_pulls:#?}");
        let head = all_pulls[0]["head"]["sha"].as_str().unwrap();
        let files = f.person.files_at(repo, head).await;
        if let Err(problems) = check(cr, &files) {
            panic!("{slug}: {problems:#?}");
        }
        let pr = view["prs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["slug"] == slug.as_str())
            .unwrap_or_else(|| panic!("{slug}: no pull request in the register: {view}"));
        assert_eq!(pr["number"], all_pulls[0]["number"], "{slug}");
        assert_eq!(pr["commit_sha"], head, "{slug}");
    }
}

/// Ownership right before the first write: a repository whose marker a person removed after
/// the plan is refused by its run, named, and nothing is written to it; the other still gets its
/// pull request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repository_that_lost_its_marker_after_the_plan_is_refused_and_left_unwritten() {
    let Some(f) = setup("template-foreign", 2).await else {
        return;
    };
    let mut plan = cli(&f.sim, &f.db);
    plan.args(["template", "plan", "--waves", "2", "--json"]);
    let (_, out, err) = run(plan);
    let planned: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    assert!(
        planned["plans"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["problem"].is_null()),
        "{planned}"
    );
    let (foreign_slug, (foreign, _)) = f.repos.iter().next().unwrap();
    f.person
        .ok(
            reqwest::Method::PATCH,
            &format!("/repos/{foreign}"),
            Some(json!({"description": "Kundens eget repo"})),
        )
        .await;
    let mut start = cli(&f.sim, &f.db);
    start.args(["template", "start", "--yes", "--json"]);
    let (code, out, err) = run(start);
    assert_eq!(code, 3, "{out}{err}");
    let view = ended(&out);
    let member = view["view"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["slug"] == foreign_slug.as_str())
        .unwrap()
        .clone();
    assert_eq!(member["state"], "failed", "{member}");
    assert!(
        member["reason"]["en"]
            .as_str()
            .unwrap()
            .contains(foreign.as_str()),
        "the refusal names the repository: {member}"
    );
    assert!(
        pulls(&f.person, foreign).await.is_empty(),
        "no pull request in {foreign}"
    );
    let branch = format!("fabrik/template-{}", &f.release[..7]);
    let (status, _) = f
        .person
        .call(
            reqwest::Method::GET,
            &format!("/repos/{foreign}/git/ref/heads/{branch}"),
            None,
        )
        .await;
    assert_eq!(status, 404, "no branch written in {foreign}");
    for (slug, (repo, _)) in f.repos.iter().skip(1) {
        assert_eq!(pulls(&f.person, repo).await.len(), 1, "{slug}");
    }
}
