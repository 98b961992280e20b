//! The simulated GitHub's git database, comparisons and pull requests: real git object ids,
//! nested trees, refs and fast forwards, compare, pull requests with the lazy `mergeable`, merges,
//! a person's own commits (`/__sim/github/commit`) and the secondary limit on writes.

use crate::common;

use base64::Engine as _;
use common::*;
use fabrik_sim::config::RateLimits;
use fabrik_sim::SimConfig;
use serde_json::{json, Value};

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

/// Commits and refs: a new branch, 422 when it exists, fast forwards only unless `force`;
/// contents and the commit list follow the refs (`sha`, `path`, paging with `Link`).
#[tokio::test]
async fn commits_and_refs_move_only_forward_unless_forced() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let main = gh.head(REPO, "main").await;
    let base = gh.tree_of(REPO, &main).await;
    let (_, t) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/trees"),
            json!({"base_tree": base, "tree": [{"path": "supabase/migrations/0001_init.sql", "mode": "100644", "type": "blob", "content": "create table t (id int);\n"}]}),
        )
        .await;
    let (s, c1) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/commits"),
            json!({"message": "Template update 1", "tree": t["sha"], "parents": [main],
                   "author": {"name": "Fabrik", "email": "bot@fabrik.test", "date": "2026-01-02T03:04:05Z"}}),
        )
        .await;
    assert_eq!(s, 201, "{c1}");
    assert_eq!(c1["author"]["date"], "2026-01-02T03:04:05Z");
    assert_eq!(c1["parents"][0]["sha"], main.as_str());
    assert_eq!(c1["verification"]["verified"], false);
    let c1 = c1["sha"].as_str().unwrap().to_string();
    let (s, got) = gh.get(&format!("/repos/{REPO}/git/commits/{c1}")).await;
    assert_eq!(
        (s, got["message"].as_str()),
        (200, Some("Template update 1"))
    );

    let (s, v) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/commits"),
            json!({"message": "x", "tree": "4".repeat(40)}),
        )
        .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (422, Some("Tree SHA does not exist"))
    );
    let (s, _) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/commits"),
            json!({"message": "x", "tree": t["sha"], "parents": ["5".repeat(40)]}),
        )
        .await;
    assert_eq!(s, 422);

    let (s, r) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/refs"),
            json!({"ref": "refs/heads/fabrik/update", "sha": c1}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["ref"], "refs/heads/fabrik/update");
    let (s, v) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/refs"),
            json!({"ref": "refs/heads/fabrik/update", "sha": c1}),
        )
        .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (422, Some("Reference already exists"))
    );
    assert_eq!(gh.head(REPO, "fabrik/update").await, c1);
    let (s, _) = gh.get(&format!("/repos/{REPO}/git/ref/heads/nope")).await;
    assert_eq!(s, 404);

    // Contents and branches at the new branch.
    let (s, f) = gh
        .get(&format!(
            "/repos/{REPO}/contents/supabase/migrations/0001_init.sql?ref=fabrik/update"
        ))
        .await;
    assert_eq!(s, 200, "{f}");
    let (s, _) = gh
        .get(&format!(
            "/repos/{REPO}/contents/supabase/migrations/0001_init.sql?ref=main"
        ))
        .await;
    assert_eq!(s, 404);
    let (s, b) = gh
        .get(&format!("/repos/{REPO}/branches/fabrik/update"))
        .await;
    assert_eq!((s, b["commit"]["sha"].as_str()), (200, Some(c1.as_str())));

    // A sibling of c1 (also on main's head): not a fast forward from c1.
    let (_, c2) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/commits"),
            json!({"message": "Other", "tree": base, "parents": [main]}),
        )
        .await;
    let c2 = c2["sha"].as_str().unwrap().to_string();
    let (s, v) = gh
        .send(
            "PATCH",
            &format!("/repos/{REPO}/git/refs/heads/fabrik/update"),
            json!({"sha": c2}),
        )
        .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (422, Some("Update is not a fast forward"))
    );
    let (s, v) = gh
        .send(
            "PATCH",
            &format!("/repos/{REPO}/git/refs/heads/fabrik/update"),
            json!({"sha": c2, "force": true}),
        )
        .await;
    assert_eq!((s, v["object"]["sha"].as_str()), (200, Some(c2.as_str())));
    // main → c1 is a fast forward.
    let (s, _) = gh
        .send(
            "PATCH",
            &format!("/repos/{REPO}/git/refs/heads/main"),
            json!({"sha": c1}),
        )
        .await;
    assert_eq!(s, 200);

    // The list: newest first, paged, filtered by path.
    let (s, h, list) = gh
        .call(
            "GET",
            &format!("/repos/{REPO}/commits?sha=main&per_page=1"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(list[0]["sha"], c1.as_str());
    let link = h["link"].to_str().unwrap();
    assert!(
        link.contains("page=2") && link.contains("rel=\"next\""),
        "{link}"
    );
    let (_, all) = gh.get(&format!("/repos/{REPO}/commits")).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let (_, by_path) = gh
        .get(&format!("/repos/{REPO}/commits?path=supabase/migrations"))
        .await;
    assert_eq!(by_path.as_array().unwrap().len(), 1);
    let (s, one) = gh.get(&format!("/repos/{REPO}/commits/{c1}")).await;
    assert_eq!(s, 200);
    assert_eq!(
        one["files"][0]["filename"],
        "supabase/migrations/0001_init.sql"
    );
    assert_eq!(one["files"][0]["status"], "added");
    let (s, _) = gh.get(&format!("/repos/{REPO}/commits/no-such-ref")).await;
    assert_eq!(s, 422);

    let (s, _, _) = gh
        .call(
            "DELETE",
            &format!("/repos/{REPO}/git/refs/heads/fabrik/update"),
            None,
        )
        .await;
    assert_eq!(s, 204);
    let (s, _, _) = gh
        .call(
            "DELETE",
            &format!("/repos/{REPO}/git/refs/heads/fabrik/update"),
            None,
        )
        .await;
    assert_eq!(s, 422);
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

/// `repos/compare-commits`: ahead, behind, diverged, identical, with the files from the merge base.
#[tokio::test]
async fn compare_counts_from_the_merge_base() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let (s, v) = gh.get(&format!("/repos/{REPO}/compare/main...main")).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("identical")));
    gh.person_commit(REPO, "feature", json!({"a.txt": "1\n"}))
        .await;
    gh.person_commit(REPO, "feature", json!({"README.md": null}))
        .await;
    let (s, v) = gh
        .get(&format!("/repos/{REPO}/compare/main...feature"))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (
            v["status"].as_str(),
            v["ahead_by"].as_u64(),
            v["behind_by"].as_u64(),
            v["total_commits"].as_u64()
        ),
        (Some("ahead"), Some(2), Some(0), Some(2))
    );
    assert_eq!(v["commits"][0]["commit"]["message"], "Customer edit");
    let files: Vec<(&str, &str)> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["filename"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(files, [("README.md", "removed"), ("a.txt", "added")]);
    let (_, v) = gh
        .get(&format!("/repos/{REPO}/compare/feature...main"))
        .await;
    assert_eq!(
        (v["status"].as_str(), v["behind_by"].as_u64()),
        (Some("behind"), Some(2))
    );
    gh.person_commit(REPO, "main", json!({"package.json": "{}\n"}))
        .await;
    let (_, v) = gh
        .get(&format!(
            "/repos/{REPO}/compare/main...fabrik-agency:feature"
        ))
        .await;
    assert_eq!(
        (
            v["status"].as_str(),
            v["ahead_by"].as_u64(),
            v["behind_by"].as_u64()
        ),
        (Some("diverged"), Some(2), Some(1))
    );
    assert_eq!(
        v["files"].as_array().unwrap().len(),
        2,
        "only head's changes since the merge base"
    );
    let (s, _) = gh.get(&format!("/repos/{REPO}/compare/main...nope")).await;
    assert_eq!(s, 404);

    // Branch names with '/', and pages of commits (files on the first page only).
    gh.person_commit(REPO, "fabrik/update", json!({"u.txt": "u\n"}))
        .await;
    let (s, v) = gh
        .get(&format!("/repos/{REPO}/compare/main...fabrik/update"))
        .await;
    assert_eq!((s, v["ahead_by"].as_u64()), (200, Some(1)), "{v}");
    let (s, h, p1) = gh
        .call(
            "GET",
            &format!("/repos/{REPO}/compare/main...feature?per_page=1"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(p1["commits"].as_array().unwrap().len(), 1);
    assert!(h["link"].to_str().unwrap().contains("rel=\"next\""));
    let (_, p2) = gh
        .get(&format!(
            "/repos/{REPO}/compare/main...feature?per_page=1&page=2"
        ))
        .await;
    assert_eq!(p2["files"], json!([]));
    assert_ne!(p1["commits"][0]["sha"], p2["commits"][0]["sha"]);
    sim.shutdown().await;
}

/// A pull request: created (422 for a second one and for no commits), `mergeable` null on the
/// first read and after a push, then true; a stale `sha` is 409; the merge makes a two-parent
/// commit on the base and closes it.
#[tokio::test]
async fn pull_request_lifecycle_with_lazy_mergeable() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let pulls = format!("/repos/{REPO}/pulls");
    let (s, v) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Nothing", "head": "main", "base": "main"}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    gh.person_commit(
        REPO,
        "fabrik/template-update",
        json!({"supabase/migrations/0002.sql": "select 1;\n"}),
    )
    .await;
    let (s, pr) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Template update", "head": "fabrik-agency:fabrik/template-update", "base": "main", "body": "From the template", "draft": false}),
        )
        .await;
    assert_eq!(s, 201, "{pr}");
    assert_eq!(pr["number"], 1);
    assert_eq!(pr["state"], "open");
    assert_eq!(pr["mergeable"], Value::Null);
    assert_eq!(pr["head"]["ref"], "fabrik/template-update");
    assert_eq!(pr["base"]["ref"], "main");
    assert!(pr["html_url"].as_str().unwrap().ends_with("/pull/1"));
    let (s, v) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Again", "head": "fabrik/template-update", "base": "main"}),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(
        v["errors"][0]["message"],
        "A pull request already exists for fabrik-agency:fabrik/template-update."
    );
    let (s, _) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "x", "head": "no-branch", "base": "main"}),
        )
        .await;
    assert_eq!(s, 422);

    let (_, first) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(
        (
            first["mergeable"].clone(),
            first["mergeable_state"].as_str()
        ),
        (Value::Null, Some("unknown"))
    );
    let (_, second) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(
        (
            second["mergeable"].as_bool(),
            second["mergeable_state"].as_str()
        ),
        (Some(true), Some("clean"))
    );
    assert!(
        second["merge_commit_sha"].is_string(),
        "the test merge commit"
    );
    let (s, _, _) = gh.call("GET", &format!("{pulls}/1/merge"), None).await;
    assert_eq!(s, 404, "not merged yet");

    // The customer pushes to the pull request's branch: unknown again, then computed.
    let pushed = gh
        .person_commit(
            REPO,
            "fabrik/template-update",
            json!({"app/page.tsx": "export default 1;\n"}),
        )
        .await;
    let (_, v) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(v["mergeable"], Value::Null);
    assert_eq!(v["head"]["sha"], pushed.as_str());
    let (_, v) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(v["mergeable"], true);

    let old = first["head"]["sha"].as_str().unwrap();
    let (s, v) = gh
        .send("PUT", &format!("{pulls}/1/merge"), json!({"sha": old}))
        .await;
    assert_eq!(s, 409, "{v}");
    let main_before = gh.head(REPO, "main").await;
    let (s, m) = gh
        .send(
            "PUT",
            &format!("{pulls}/1/merge"),
            json!({"sha": pushed, "merge_method": "merge"}),
        )
        .await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(m["merged"], true);
    let merge = m["sha"].as_str().unwrap();
    assert_eq!(gh.head(REPO, "main").await, merge);
    let (_, c) = gh.get(&format!("/repos/{REPO}/git/commits/{merge}")).await;
    let parents: Vec<&str> = c["parents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sha"].as_str().unwrap())
        .collect();
    assert_eq!(parents, [main_before.as_str(), pushed.as_str()]);
    assert!(c["message"]
        .as_str()
        .unwrap()
        .starts_with("Merge pull request #1 from fabrik-agency/fabrik/template-update"));
    let (s, f) = gh
        .get(&format!("/repos/{REPO}/contents/app/page.tsx"))
        .await;
    assert_eq!(s, 200, "{f}");

    let (_, v) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(
        (v["state"].as_str(), v["merged"].as_bool()),
        (Some("closed"), Some(true))
    );
    assert!(v["merged_at"].is_string());
    assert_eq!(v["merge_commit_sha"], merge);
    let (s, _) = gh.send("PUT", &format!("{pulls}/1/merge"), json!({})).await;
    assert_eq!(s, 405);
    let (s, _, _) = gh.call("GET", &format!("{pulls}/1/merge"), None).await;
    assert_eq!(s, 204);
    let (s, _) = gh
        .send("PATCH", &format!("{pulls}/1"), json!({"state": "open"}))
        .await;
    assert_eq!(s, 422, "a merged pull request stays closed");

    let (_, open) = gh.get(&pulls).await;
    assert_eq!(open, json!([]));
    let (_, closed) = gh
        .get(&format!(
            "{pulls}?state=closed&head=fabrik-agency:fabrik/template-update"
        ))
        .await;
    assert_eq!(closed.as_array().unwrap().len(), 1);
    let (_, none) = gh.get(&format!("{pulls}?state=all&base=develop")).await;
    assert_eq!(none, json!([]));
    let (s, _) = gh.get(&format!("{pulls}/99")).await;
    assert_eq!(s, 404);
    sim.shutdown().await;
}

/// Both sides changed the same file differently: not mergeable (false once computed), and the
/// merge is a 405. Separate paths merge with `squash` into one commit with one parent.
#[tokio::test]
async fn conflicts_are_not_mergeable_and_squash_has_one_parent() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let pulls = format!("/repos/{REPO}/pulls");
    gh.person_commit(REPO, "clash", json!({"README.md": "theirs\n"}))
        .await;
    gh.person_commit(REPO, "main", json!({"README.md": "ours\n"}))
        .await;
    let (s, _) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Clash", "head": "clash", "base": "main"}),
        )
        .await;
    assert_eq!(s, 201);
    let (_, v) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(v["mergeable"], Value::Null);
    let (_, v) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(
        (v["mergeable"].as_bool(), v["mergeable_state"].as_str()),
        (Some(false), Some("dirty"))
    );
    let (s, v) = gh.send("PUT", &format!("{pulls}/1/merge"), json!({})).await;
    assert_eq!(
        (s, v["message"].as_str()),
        (405, Some("Pull Request is not mergeable"))
    );

    gh.person_commit(REPO, "separate", json!({"other.txt": "x\n"}))
        .await;
    let (s, pr) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Separate", "head": "separate", "base": "main"}),
        )
        .await;
    assert_eq!(s, 201);
    assert_eq!(pr["number"], 2);
    let main_before = gh.head(REPO, "main").await;
    let (s, m) = gh
        .send(
            "PUT",
            &format!("{pulls}/2/merge"),
            json!({"merge_method": "squash"}),
        )
        .await;
    assert_eq!(s, 200, "{m}");
    let (_, c) = gh
        .get(&format!(
            "/repos/{REPO}/git/commits/{}",
            m["sha"].as_str().unwrap()
        ))
        .await;
    assert_eq!(c["parents"].as_array().unwrap().len(), 1);
    assert_eq!(c["parents"][0]["sha"], main_before.as_str());
    assert!(c["message"].as_str().unwrap().starts_with("Separate (#2)"));
    let (_, f) = gh.get(&format!("/repos/{REPO}/contents/README.md")).await;
    assert_eq!(unwrap_b64(f["content"].as_str().unwrap()), b"ours\n");
    let (s, _) = gh
        .send(
            "PUT",
            &format!("{pulls}/1/merge"),
            json!({"merge_method": "octopus"}),
        )
        .await;
    assert_eq!(s, 422);
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

/// Objects, refs and pull requests survive a restart from the state file.
#[tokio::test]
async fn git_state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = SimConfig {
        state_file: Some(dir.path().join("world.json")),
        ..Default::default()
    };
    let sim = sim_with(cfg.clone()).await;
    let gh = Gh::new(&sim);
    let head = gh
        .person_commit(REPO, "kept", json!({"k.txt": "kept\n"}))
        .await;
    let (s, _) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/pulls"),
            json!({"title": "Kept", "head": "kept", "base": "main"}),
        )
        .await;
    assert_eq!(s, 201);
    sim.shutdown().await;

    let sim = sim_with(cfg).await;
    let gh = Gh::new(&sim);
    assert_eq!(gh.head(REPO, "kept").await, head);
    let (s, v) = gh.get(&format!("/repos/{REPO}/pulls/1")).await;
    assert_eq!((s, v["head"]["sha"].as_str()), (200, Some(head.as_str())));
    let (s, f) = gh
        .get(&format!("/repos/{REPO}/contents/k.txt?ref=kept"))
        .await;
    assert_eq!(s, 200);
    assert_eq!(unwrap_b64(f["content"].as_str().unwrap()), b"kept\n");
    let (_, _, inv) = json_of(
        client()
            .get(format!("{}/__sim/inventory", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let tpl = inv["github"]["repos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["full_name"] == REPO)
        .unwrap();
    assert_eq!(tpl["branches"]["kept"], head.as_str());
    assert_eq!(tpl["pulls"][0]["head"], "kept");
    sim.shutdown().await;
}

/// `pulls/update` closes and reopens (422 when another open one has the same head); a `rebase`
/// merge replays the head's commits on the base with their authors.
#[tokio::test]
async fn close_reopen_and_rebase_merge() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let pulls = format!("/repos/{REPO}/pulls");
    gh.person_commit(REPO, "upd", json!({"one.txt": "1\n"}))
        .await;
    gh.person_commit(REPO, "upd", json!({"two.txt": "2\n"}))
        .await;
    gh.person_commit(REPO, "main", json!({"main.txt": "m\n"}))
        .await;
    let (s, _) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Upd", "head": "upd", "base": "main"}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, v) = gh
        .send(
            "PATCH",
            &format!("{pulls}/1"),
            json!({"state": "closed", "title": "Upd (old)"}),
        )
        .await;
    assert_eq!(
        (s, v["state"].as_str(), v["title"].as_str()),
        (200, Some("closed"), Some("Upd (old)"))
    );
    let (s, _) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Upd again", "head": "upd", "base": "main"}),
        )
        .await;
    assert_eq!(s, 201, "a closed one does not block a new one");
    let (s, _) = gh
        .send("PATCH", &format!("{pulls}/1"), json!({"state": "open"}))
        .await;
    assert_eq!(s, 422);
    let (_, listed) = gh.get(&format!("{pulls}?state=all&direction=asc")).await;
    let numbers: Vec<u64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2]);

    let main_before = gh.head(REPO, "main").await;
    let (s, m) = gh
        .send(
            "PUT",
            &format!("{pulls}/2/merge"),
            json!({"merge_method": "rebase"}),
        )
        .await;
    assert_eq!(s, 200, "{m}");
    let (_, log) = gh.get(&format!("/repos/{REPO}/commits?per_page=3")).await;
    assert_eq!(log[0]["sha"], m["sha"]);
    assert_eq!(log[2]["sha"], main_before.as_str());
    assert_eq!(log[0]["commit"]["author"]["name"], "Kund");
    assert_eq!(log[0]["parents"].as_array().unwrap().len(), 1);
    for f in ["one.txt", "two.txt", "main.txt"] {
        let (s, _) = gh.get(&format!("/repos/{REPO}/contents/{f}")).await;
        assert_eq!(s, 200, "{f}");
    }
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
