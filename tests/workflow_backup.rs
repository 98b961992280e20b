//! Workflow backups (issue #32) through the CLI as the agency runs them, on the simulated n8n
//! and Gitea: twenty delivered instances backed up, one commit each; the same again makes no
//! commit; one workflow edited makes exactly one commit, for that instance only; no token in
//! any file of the backup repository; a restore writes the chosen version back exactly, with
//! its activation, and a restore that fails after its write leaves the current one.

use crate::common;
use fabrik::customer::rows::CustomerRows;

use std::process::Command;
use std::sync::Arc;

use common::*;
use fabrik::store::Store;
use fabrik::supervisor::cloud::Environment;
use fabrik_sim::SimHandle;
use serde_json::{json, Value};

const REPOSITORY: &str = "ops-hub/client-backups";
const INSTANCES: usize = 20;

fn run(mut cmd: Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The CLI with this seat's Gitea token.
fn fabrik(sim: &SimHandle, db: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let mut c = cli(sim, db);
    c.env("FABRIK_GITEA_TOKEN", TOKEN).args(args);
    run(c)
}

/// The backup repository as the simulator's inventory shows it.
async fn repository(sim: &SimHandle) -> Value {
    inventory(sim).await["gitea"]["repos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["full_name"] == REPOSITORY)
        .cloned()
        .expect("the backup repository")
}

async fn gitea(sim: &SimHandle, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", sim.gitea_api_url()))
        .header("Authorization", format!("token {TOKEN}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {v}");
    v
}

/// A file of the backup repository at a commit.
async fn file_at(sim: &SimHandle, path: &str, commit: &str) -> Vec<u8> {
    use base64::Engine as _;
    let v = gitea(
        sim,
        reqwest::Method::GET,
        &format!("/repos/{REPOSITORY}/contents/{path}?ref={commit}"),
        None,
    )
    .await;
    let text: String = v["content"].as_str().unwrap().split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

async fn n8n(sim: &SimHandle, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", sim.n8n_api_url()))
        .header("X-N8N-API-KEY", TOKEN);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap()
}

/// A person changes a workflow in n8n: `change` on what it reads, the writable fields back.
async fn edit(sim: &SimHandle, id: &str, change: impl FnOnce(&mut Value)) {
    let path = format!("/workflows/{id}");
    let mut wf = n8n(sim, reqwest::Method::GET, &path, None).await;
    change(&mut wf);
    let body = json!({ "name": wf["name"], "nodes": wf["nodes"], "connections": wf["connections"], "settings": wf["settings"] });
    n8n(sim, reqwest::Method::PUT, &path, Some(body)).await;
}

struct Fleet {
    sim: SimHandle,
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    store: Arc<Store>,
    slugs: Vec<String>,
}

impl Fleet {
    fn workflow_of(&self, slug: &str) -> String {
        self.store
            .get_customer_in(slug, Environment::Production)
            .unwrap()
            .instance
            .n8n_workflow_id
            .expect("a delivered workflow")
    }

    fn versions(&self, slug: &str) -> Value {
        let (code, out, err) = fabrik(&self.sim, &self.db, &["backup", "list", slug, "--json"]);
        assert_eq!(code, 0, "{out}{err}");
        serde_json::from_str::<Value>(&out).unwrap()["workflows"].clone()
    }
}

async fn fleet(tag: &str, n: usize) -> Option<Fleet> {
    let secrets = keyring(tag)?;
    let sim = sim_scaled(fabrik_sim::Profile::Realistic, 0.02).await;
    backup_repository(&sim).await;
    let names: Vec<String> = (0..n).map(|i| format!("Flödeskund {i:02} AB")).collect();
    let (dir, db, store, slugs) = delivered_fleet(&sim, secrets, &names).await;
    Some(Fleet {
        sim,
        _dir: dir,
        db,
        store,
        slugs,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_commit_per_changed_instance_and_none_when_nothing_changed() {
    let Some(f) = fleet("workflow-backup", INSTANCES).await else {
        return;
    };
    let sim = &f.sim;
    // A person pastes the agency's token into one workflow's node by hand: it must not reach
    // the repository.
    let careless = f.workflow_of(&f.slugs[3]);
    edit(sim, &careless, |wf| {
        wf["nodes"][0]["parameters"]["headerValue"] = json!(format!("Bearer {TOKEN}"))
    })
    .await;

    let (code, out, err) = fabrik(sim, &f.db, &["backup", "workflows", "--parallel", "8"]);
    assert_eq!(code, 0, "{out}{err}");
    let repo = repository(sim).await;
    assert_eq!(repo["commit_count"], INSTANCES, "{repo}");
    for slug in &f.slugs {
        let path = format!("{slug}/workflows/{}.json", f.workflow_of(slug));
        assert!(repo["files"][&path].is_string(), "{path} in {repo}");
    }

    // Nothing changed: no commit.
    let (code, out, err) = fabrik(sim, &f.db, &["backup", "workflows"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(repository(sim).await["commit_count"], INSTANCES);

    // One workflow edited: exactly one commit, touching that instance's file only.
    let edited = &f.slugs[7];
    let id = f.workflow_of(edited);
    edit(sim, &id, |wf| {
        wf["nodes"][0]["parameters"]["path"] = json!("andrad-sokvag")
    })
    .await;
    let (code, out, err) = fabrik(sim, &f.db, &["backup", "workflows"]);
    assert_eq!(code, 0, "{out}{err}");
    let repo = repository(sim).await;
    assert_eq!(repo["commit_count"], INSTANCES + 1, "{repo}");
    let newest = &repo["commits"][0];
    let touched: Vec<&str> = newest["files_changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        touched,
        [format!("{edited}/workflows/{id}.json")],
        "{newest}"
    );

    // The register: the edited instance has two backups that committed; the others one and
    // two that found nothing changed, each naming the commit that holds it.
    let versions = f.versions(edited);
    let with_commit = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|b| b["changed"].as_i64() > Some(0))
            .count()
    };
    let first_of = f.versions(&f.slugs[0]);
    assert!(first_of
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b["commit_sha"] == first_of[2]["commit_sha"]));
    assert_eq!(with_commit(&versions), 2, "{versions}");
    assert_eq!(with_commit(&f.versions(&f.slugs[0])), 1);
    assert_eq!(f.versions(&f.slugs[0]).as_array().unwrap().len(), 3);

    // No token in any file of the repository, at any commit.
    let mut read = 0;
    for commit in repo["commits"].as_array().unwrap() {
        let sha = commit["sha"].as_str().unwrap();
        for change in commit["files_changed"].as_array().unwrap() {
            let bytes = file_at(sim, change["path"].as_str().unwrap(), sha).await;
            let text = String::from_utf8(bytes).unwrap();
            assert!(!text.contains("SENTINEL"), "{}: {text}", change["path"]);
            read += 1;
        }
    }
    assert_eq!(read, INSTANCES + 1);
    let pasted = file_at(
        sim,
        &format!("{}/workflows/{careless}.json", f.slugs[3]),
        repo["commits"][0]["sha"].as_str().unwrap(),
    )
    .await;
    assert!(String::from_utf8(pasted)
        .unwrap()
        .contains("Bearer <redacted>"));
    // Nor in the register the runs wrote.
    for file in [f.db.clone(), f.db.with_extension("sqlite3-wal")] {
        if let Ok(bytes) = std::fs::read(&file) {
            let found = bytes.windows(8).any(|w| w == b"SENTINEL");
            assert!(!found, "a sentinel in {}", file.display());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_writes_the_version_back_exactly_and_a_failed_one_leaves_the_current() {
    let Some(f) = fleet("workflow-restore", 2).await else {
        return;
    };
    let sim = &f.sim;
    let slug = &f.slugs[0];
    let id = f.workflow_of(slug);
    let path = format!("{slug}/workflows/{id}.json");
    let (code, out, err) = fabrik(sim, &f.db, &["backup", "workflows", slug]);
    assert_eq!(code, 0, "{out}{err}");
    let first = f.versions(slug)[0].clone();
    let first_commit = first["commit_sha"].as_str().unwrap().to_string();

    // The workflow changes twice after the backup.
    for path_name in ["andra", "tredje"] {
        edit(sim, &id, |wf| {
            wf["nodes"][0]["parameters"]["path"] = json!(path_name)
        })
        .await;
    }
    let before = n8n(sim, reqwest::Method::GET, &format!("/workflows/{id}"), None).await;
    assert_eq!(before["active"], true);

    // Restored by the start of its commit: the workflow is the backed-up one, still active,
    // and the one it replaced was backed up first.
    let (code, out, err) = fabrik(
        sim,
        &f.db,
        &["restore", "workflow", slug, &first_commit[..8]],
    );
    assert_eq!(code, 0, "{out}{err}");
    let now = n8n(sim, reqwest::Method::GET, &format!("/workflows/{id}"), None).await;
    assert_eq!(
        fabrik::workflows::normalize(&now).unwrap(),
        file_at(sim, &path, &first_commit).await,
        "the workflow is exactly the backed-up version"
    );
    assert_eq!(now["active"], true, "activation kept");
    let versions = f.versions(slug);
    assert_eq!(versions[0]["reason"], "before_restore", "{versions}");
    let replaced = versions[0]["commit_sha"].as_str().unwrap();
    assert_eq!(
        file_at(sim, &path, replaced).await,
        fabrik::workflows::normalize(&before).unwrap(),
        "what the restore replaced is in the repository"
    );

    // A restore whose check after the write fails puts the current one back.
    let current = n8n(sim, reqwest::Method::GET, &format!("/workflows/{id}"), None).await;
    let version_with_tredje = versions[0]["id"].as_i64().unwrap().to_string();
    // The restore run reads the workflow four times before its write (the backup's proof and
    // export, the restore's proof and export); the fifth read, right after the write, fails.
    fault(
        sim,
        json!({"method": "GET", "path": "/n8n/api/v1/workflows/*", "status": 400, "one_in": 5}),
    )
    .await;
    let (code, out, err) = fabrik(
        sim,
        &f.db,
        &["restore", "workflow", slug, &version_with_tredje],
    );
    clear_faults(sim).await;
    assert_ne!(code, 0, "{out}{err}");
    let after = n8n(sim, reqwest::Method::GET, &format!("/workflows/{id}"), None).await;
    assert_eq!(
        fabrik::workflows::normalize(&after).unwrap(),
        fabrik::workflows::normalize(&current).unwrap(),
        "the failed restore left the current workflow"
    );
    assert_eq!(after["active"], true);
    assert_ne!(
        after["updatedAt"], current["updatedAt"],
        "the restore wrote, then put the current one back (not refused before writing)"
    );

    // An unknown version is refused by name.
    let (code, _, err) = fabrik(sim, &f.db, &["restore", "workflow", slug, "999999"]);
    assert_ne!(code, 0);
    assert!(err.contains("workflow_version_not_found"), "{err}");
}

/// kill -9 while the commit is on its way (Gitea slowed), then the same again: the instance
/// ends with exactly one commit, whether the killed write landed or not, and the register's
/// newest backup names the commit that holds the workflow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_while_committing_then_again_makes_exactly_one_commit() {
    let Some(f) = fleet("workflow-kill", 1).await else {
        return;
    };
    let (sim, slug) = (&f.sim, &f.slugs[0]);
    fault(
        sim,
        json!({"method": "POST", "path": "/gitea/api/v1/repos/*/*/contents", "delay_ms": 1500}),
    )
    .await;
    let mut cmd = cli(sim, &f.db);
    cmd.env("FABRIK_GITEA_TOKEN", TOKEN)
        .args(["backup", "workflows", slug, "--json"]);
    let (_, output, killed) = run_until(cmd, &|e: &Value| {
        let hit = e["type"] == "step_started" && e["step"] == "n8n.backup";
        if hit {
            // The folder read is quick; by now the commit is waiting in Gitea.
            std::thread::sleep(std::time::Duration::from_millis(400));
        }
        hit
    });
    assert!(killed, "{output}");
    clear_faults(sim).await;
    let (code, out, err) = fabrik(sim, &f.db, &["backup", "workflows", slug]);
    assert_eq!(code, 0, "{out}{err}");
    let repo = repository(sim).await;
    assert_eq!(repo["commit_count"], 1, "{repo}");
    let versions = f.versions(slug);
    assert_eq!(
        versions[0]["commit_sha"], repo["commits"][0]["sha"],
        "{versions}"
    );
    // And once more: nothing changed, nothing written.
    let (code, out, err) = fabrik(sim, &f.db, &["backup", "workflows", slug]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(repository(sim).await["commit_count"], 1);
}

/// The alternative target: a GitHub repository (`backup.target github`), written with the
/// GitHub token provisioning uses and no Gitea at all. One commit per changed instance, none when
/// nothing changed, and a version written back from it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_github_repository_as_the_target_gets_the_same_commits() {
    let Some(f) = fleet("workflow-github", 2).await else {
        return;
    };
    let sim = &f.sim;
    let org = sim.seed().github_org.clone();
    let made = common::seed(
        sim,
        json!({ "kind": "github_repo", "name": "kundflodena", "from_template": true }),
    )
    .await;
    let repository = made["full_name"].as_str().unwrap().to_string();
    assert_eq!(repository, format!("{org}/kundflodena"));
    let gh = |args: &[&str]| {
        let mut c = cli(sim, &f.db);
        c.args(args);
        run(c)
    };
    for (k, v) in [
        ("backup.target", "github"),
        ("backup.repository", repository.as_str()),
    ] {
        let (code, out, err) = gh(&["settings", "set", k, v]);
        assert_eq!(code, 0, "{out}{err}");
    }
    let commits = || async {
        let history: Value = reqwest::Client::new()
            .get(format!(
                "{}/repos/{repository}/commits?per_page=100",
                sim.github_api_url()
            ))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        history.as_array().map(Vec::len).unwrap_or(0)
    };
    let before = commits().await;
    let (code, out, err) = gh(&["backup", "workflows"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(commits().await, before + 2);
    let (code, out, err) = gh(&["backup", "workflows"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(commits().await, before + 2, "nothing changed, no commit");

    let slug = &f.slugs[0];
    let id = f.workflow_of(slug);
    let first = f.versions(slug).as_array().unwrap().last().unwrap().clone();
    assert_eq!(first["target"], "github");
    edit(sim, &id, |wf| {
        wf["nodes"][0]["parameters"]["path"] = json!("annan")
    })
    .await;
    let (code, out, err) = gh(&["restore", "workflow", slug, &first["id"].to_string()]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        commits().await,
        before + 3,
        "the changed one backed up first"
    );
    let now = n8n(sim, reqwest::Method::GET, &format!("/workflows/{id}"), None).await;
    assert_ne!(now["nodes"][0]["parameters"]["path"], "annan");
    assert_eq!(now["active"], true);
}

/// Backups of several instances commit to one repository at once. The simulator moved the
/// branch without checking that it was still where the commit was made (so one of two
/// commits fell out of the history, as `a_github_repository_as_the_target_gets_the_same_commits`
/// saw under load); GitHub refuses such a move as not a fast forward. Eight commits at once
/// now all land, each made again on the new tip when the branch moved under it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commits_at_once_to_one_github_repository_all_land() {
    let sim = sim(fabrik_sim::Profile::Instant).await;
    let org = sim.seed().github_org.clone();
    let made = common::seed(
        &sim,
        json!({ "kind": "github_repo", "name": "samtidiga", "from_template": true }),
    )
    .await;
    let repository = made["full_name"].as_str().unwrap().to_string();
    assert_eq!(repository, format!("{org}/samtidiga"));
    let github = fabrik::providers::github::Github::new(
        &sim.github_api_url(),
        &fabrik::secrets::Secret::new(TOKEN),
        std::time::Duration::from_secs(10),
    )
    .unwrap();
    let target = fabrik::workflows::Target::Github(&github);
    let author = fabrik::providers::gitea::Identity {
        name: "Fabrik".into(),
        email: "fabrik@byran.example.se".into(),
    };
    let commits = (0..8).map(|i| {
        let (target, author, repository) = (&target, &author, &repository);
        async move {
            let change = fabrik::providers::gitea::Change::Create {
                path: format!("kund-{i}/workflow.json"),
                content: format!("{{\"i\": {i}}}").into_bytes(),
            };
            target
                .commit(repository, &format!("kund {i}"), author, &[change])
                .await
        }
    });
    for made in futures_util::future::join_all(commits).await {
        made.unwrap();
    }
    for i in 0..8 {
        let path = format!("kund-{i}/workflow.json");
        let head = github
            .branch_head(&org, "samtidiga", "main")
            .await
            .unwrap()
            .unwrap();
        let file = target.file_at(&repository, &path, &head).await.unwrap();
        assert!(file.is_some(), "{path} fell out of the branch");
    }
    sim.shutdown().await;
}
