//! The simulated GitHub's git database, comparisons and pull requests: real git object ids,
//! nested trees, refs and fast forwards, compare, pull requests with the lazy `mergeable`, merges,
//! a person's own commits (`/__sim/github/commit`) and the secondary limit on writes.

use crate::common;

use base64::Engine as _;
use common::*;
use fabrik_sim::config::RateLimits;
use fabrik_sim::SimConfig;
use serde_json::{json, Value};

mod history;
mod pulls;
mod smart_http;

const REPO: &str = "fabrik-agency/saas-template";

struct Gh {
    c: reqwest::Client,
    api: String,
    admin: String,
}

impl Gh {
    fn new(sim: &fabrik_sim::SimHandle) -> Self {
        Gh {
            c: client(),
            api: sim.github_api_url(),
            admin: format!("{}/__sim", sim.base_url()),
        }
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let url = format!("{}{path}", self.api);
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut r = self.c.request(m, url).bearer_auth(TOKEN);
        if let Some(b) = body {
            r = r.json(&b);
        }
        json_of(r.send().await.unwrap()).await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let (s, _, v) = self.call("GET", path, None).await;
        (s, v)
    }

    async fn send(&self, method: &str, path: &str, body: Value) -> (u16, Value) {
        let (s, _, v) = self.call(method, path, Some(body)).await;
        (s, v)
    }

    /// A person's commit onto `branch` (made from `from` when new).
    async fn person_commit(&self, repo: &str, branch: &str, files: Value) -> String {
        let (s, _, v) = json_of(
            self.c
                .post(format!("{}/github/commit", self.admin))
                .json(&json!({"repo": repo, "branch": branch, "message": "Customer edit", "author": {"name": "Kund", "email": "kund@example.se"}, "files": files}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 201, "{v}");
        v["commit"].as_str().unwrap().to_string()
    }

    async fn head(&self, repo: &str, branch: &str) -> String {
        let (s, v) = self
            .get(&format!("/repos/{repo}/git/ref/heads/{branch}"))
            .await;
        assert_eq!(s, 200, "{v}");
        v["object"]["sha"].as_str().unwrap().to_string()
    }

    async fn tree_of(&self, repo: &str, commit: &str) -> String {
        let (s, v) = self
            .get(&format!("/repos/{repo}/git/commits/{commit}"))
            .await;
        assert_eq!(s, 200, "{v}");
        v["tree"]["sha"].as_str().unwrap().to_string()
    }
}

fn unwrap_b64(s: &str) -> Vec<u8> {
    let packed: String = s.split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(packed)
        .unwrap()
}

/// Blobs and trees get git's own ids: "hello\n" is ce01362…, the empty tree 4b825dc…
/// (`git hash-object -t tree /dev/null`). A blob reads back as Base64 wrapped at 60 columns.
#[tokio::test]
async fn blobs_and_trees_have_git_object_ids() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let (s, v) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/blobs"),
            json!({"content": "hello\n", "encoding": "utf-8"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["sha"], "ce013625030ba8dba906f756967f9e9ca394464a");
    let (s, v) = gh
        .get(&format!(
            "/repos/{REPO}/git/blobs/ce013625030ba8dba906f756967f9e9ca394464a"
        ))
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        (v["encoding"].as_str(), v["size"].as_u64()),
        (Some("base64"), Some(6))
    );
    assert_eq!(v["content"], "aGVsbG8K\n");

    let long: Vec<u8> = (0..200u8).collect();
    let (s, v) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/blobs"),
            json!({"content": base64::engine::general_purpose::STANDARD.encode(&long), "encoding": "base64"}),
        )
        .await;
    assert_eq!(s, 201);
    let (_, v) = gh
        .get(&format!(
            "/repos/{REPO}/git/blobs/{}",
            v["sha"].as_str().unwrap()
        ))
        .await;
    let content = v["content"].as_str().unwrap();
    assert!(content.lines().all(|l| l.len() <= 60) && content.lines().count() == 5);
    assert_eq!(unwrap_b64(content), long);

    let (s, v) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/trees"),
            json!({"tree": []}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["sha"], "4b825dc642cb6eb9a060e54bf8d69288fbee4904");

    let (s, _) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/blobs"),
            json!({"content": "x", "encoding": "latin1"}),
        )
        .await;
    assert_eq!(s, 422);
    let (s, _) = gh
        .get(&format!("/repos/{REPO}/git/blobs/{}", "0".repeat(40)))
        .await;
    assert_eq!(s, 404);
    sim.shutdown().await;
}

/// `git/create-tree` on a base tree: nested paths make subtrees, `sha: null` deletes; unknown
/// shas are 422; `git/get-tree` lists one level, or all with `recursive=1`.
#[tokio::test]
async fn trees_nest_delete_and_list_recursively() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let main = gh.head(REPO, "main").await;
    let base = gh.tree_of(REPO, &main).await;
    let (s, t) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/trees"),
            json!({"base_tree": base, "tree": [
                {"path": "a/b/c.txt", "mode": "100644", "type": "blob", "content": "deep\n"},
                {"path": "bin/run", "mode": "100755", "type": "blob", "content": "#!/bin/sh\n"},
                {"path": "README.md", "mode": "100644", "type": "blob", "sha": null},
            ]}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    let top: Vec<&str> = t["tree"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(top, ["a", "bin", "package.json", "supabase"]);
    assert_eq!(t["tree"][0]["type"], "tree");
    assert_eq!(t["tree"][0]["mode"], "040000");
    assert_eq!(t["truncated"], false);
    let sha = t["sha"].as_str().unwrap();
    let (s, all) = gh
        .get(&format!("/repos/{REPO}/git/trees/{sha}?recursive=1"))
        .await;
    assert_eq!(s, 200);
    let paths: Vec<(&str, &str)> = all["tree"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["mode"].as_str().unwrap()))
        .collect();
    assert!(paths.contains(&("a/b", "040000")), "{paths:?}");
    assert!(paths.contains(&("a/b/c.txt", "100644")));
    assert!(paths.contains(&("bin/run", "100755")));
    assert!(paths.contains(&("supabase/seed.sql", "100644")));
    assert!(!paths.iter().any(|(p, _)| *p == "README.md"));
    let (_, one) = gh.get(&format!("/repos/{REPO}/git/trees/{sha}")).await;
    assert_eq!(one["tree"].as_array().unwrap().len(), 4);

    // The same tree built twice, or elsewhere, has the same sha.
    let (_, again) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/trees"),
            json!({"base_tree": sha, "tree": []}),
        )
        .await;
    assert_eq!(again["sha"], sha);

    let (s, v) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/trees"),
            json!({"tree": [{"path": "x", "mode": "100644", "type": "blob", "sha": "1".repeat(40)}]}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    let (s, _) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/trees"),
            json!({"base_tree": "2".repeat(40), "tree": []}),
        )
        .await;
    assert_eq!(s, 422);
    let (s, _) = gh
        .get(&format!("/repos/{REPO}/git/trees/{}", "3".repeat(40)))
        .await;
    assert_eq!(s, 404);
    // "Returns an error if you try to delete a file that does not exist."
    let (s, _) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/trees"),
            json!({"base_tree": sha, "tree": [{"path": "nope.txt", "mode": "100644", "type": "blob", "sha": null}]}),
        )
        .await;
    assert_eq!(s, 422);
    // "Using both `tree.sha` and `content` will return an error."
    let (s, _) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/trees"),
            json!({"tree": [{"path": "x", "mode": "100644", "type": "blob", "sha": "ce013625030ba8dba906f756967f9e9ca394464a", "content": "x"}]}),
        )
        .await;
    assert_eq!(s, 422);
    // `recursive` with any value, even 0, lists every level; a branch names its tree.
    let (_, zero) = gh
        .get(&format!("/repos/{REPO}/git/trees/{sha}?recursive=0"))
        .await;
    assert_eq!(zero["tree"], all["tree"]);
    let (s, by_branch) = gh.get(&format!("/repos/{REPO}/git/trees/main")).await;
    assert_eq!(s, 200);
    assert_eq!(by_branch["sha"], base.as_str());
    sim.shutdown().await;
}

/// Generating from the template makes a fresh history: one commit, no parents, whose tree is
/// the template's head tree (same sha); a contents PUT then commits on top of it.
#[tokio::test]
async fn generated_repository_starts_with_the_template_tree() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let tpl_head = gh.head(REPO, "main").await;
    let tpl_tree = gh.tree_of(REPO, &tpl_head).await;
    let (s, v) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/generate"),
            json!({"name": "kund-app", "owner": "fabrik-agency", "private": true}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let repo = "fabrik-agency/kund-app";
    let (s, commits) = gh.get(&format!("/repos/{repo}/commits")).await;
    assert_eq!(s, 200, "{commits}");
    assert_eq!(commits.as_array().unwrap().len(), 1);
    let first = &commits[0];
    assert_eq!(first["parents"], json!([]));
    assert_eq!(first["commit"]["tree"]["sha"], tpl_tree.as_str());
    assert_ne!(
        first["sha"],
        tpl_head.as_str(),
        "a fresh history, not the template's"
    );

    let (s, put) = gh
        .send(
            "PUT",
            &format!("/repos/{repo}/contents/notes.txt"),
            json!({"message": "notes", "content": base64::engine::general_purpose::STANDARD.encode("hello\n")}),
        )
        .await;
    assert_eq!(s, 201, "{put}");
    assert_eq!(
        put["content"]["sha"],
        "ce013625030ba8dba906f756967f9e9ca394464a"
    );
    assert_eq!(put["commit"]["parents"][0]["sha"], first["sha"]);
    assert_eq!(
        gh.head(repo, "main").await,
        put["commit"]["sha"].as_str().unwrap()
    );
    sim.shutdown().await;
}

/// GitHub's secondary limit on content-creating requests: a 403 with "You have exceeded a
/// secondary rate limit" and `retry-after`, per minute and per hour, reads unaffected; the
/// limits show in `/__sim/status`.
#[tokio::test]
async fn secondary_limit_on_writes_per_minute_and_per_hour() {
    let sim = sim_with(SimConfig {
        rate_limits: RateLimits {
            github_content_per_minute: 3,
            github_content_per_hour: 500,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let gh = Gh::new(&sim);
    for i in 0..3 {
        let (s, _) = gh
            .send(
                "POST",
                &format!("/repos/{REPO}/git/blobs"),
                json!({"content": format!("{i}")}),
            )
            .await;
        assert_eq!(s, 201);
    }
    let (s, h, v) = gh
        .call(
            "POST",
            &format!("/repos/{REPO}/git/trees"),
            Some(json!({"tree": []})),
        )
        .await;
    assert_eq!(s, 403, "{v}");
    assert!(v["message"]
        .as_str()
        .unwrap()
        .starts_with("You have exceeded a secondary rate limit"));
    let retry: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let (s, _) = gh.get(&format!("/repos/{REPO}/git/ref/heads/main")).await;
    assert_eq!(s, 200, "reads are not content-creating");
    let (_, _, status) = json_of(
        client()
            .get(format!("{}/__sim/status", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status["rate_limits"]["github_content_per_minute"], 3);
    assert_eq!(status["rate_limits"]["github_content_per_hour"], 500);
    sim.shutdown().await;

    let sim = sim_with(SimConfig {
        rate_limits: RateLimits {
            github_content_per_minute: 0,
            github_content_per_hour: 2,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let gh = Gh::new(&sim);
    for _ in 0..2 {
        let (s, _) = gh
            .send(
                "POST",
                &format!("/repos/{REPO}/git/trees"),
                json!({"tree": []}),
            )
            .await;
        assert_eq!(s, 201);
    }
    let (s, h, _) = gh
        .call(
            "PATCH",
            &format!("/repos/{REPO}/git/refs/heads/main"),
            Some(json!({"sha": "x"})),
        )
        .await;
    assert_eq!(s, 403);
    let retry: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 60 && retry <= 3600, "{retry}");
    sim.shutdown().await;
}

/// A Vercel deployment may build any branch or commit the linked repository has (a pull
/// request's branch for a preview); a ref it does not have fails as before.
#[tokio::test]
async fn vercel_builds_a_branch_of_the_repository() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let c = client();
    let branch_head = gh
        .person_commit(REPO, "fabrik/template-update", json!({"x.txt": "x\n"}))
        .await;
    let (s, _, p) = json_of(
        c.post(format!("{}/foreign", gh.admin))
            .json(&json!({"kind": "vercel_project", "name": "kund-site", "linked_repo": REPO}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    let team = sim.seed().vercel_team_id.clone();
    let v = sim.vercel_api_url();
    let mut states = vec![];
    for git_ref in [
        "fabrik/template-update",
        branch_head.as_str(),
        "no-such-branch",
    ] {
        let (s, _, d) = json_of(
            c.post(format!("{v}/v13/deployments?teamId={team}"))
                .bearer_auth(TOKEN)
                .json(&json!({"name": "kund-site", "project": p["id"], "target": "preview",
                    "gitSource": {"type": "github", "org": "fabrik-agency", "repo": "saas-template", "ref": git_ref}}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 200, "{d}");
        let (_, _, got) = json_of(
            c.get(format!(
                "{v}/v13/deployments/{}?teamId={team}",
                d["id"].as_str().unwrap()
            ))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
        )
        .await;
        states.push(got["readyState"].as_str().unwrap_or_default().to_string());
    }
    assert_eq!(states, ["READY", "READY", "ERROR"]);
    sim.shutdown().await;
}
