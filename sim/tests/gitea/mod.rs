//! Gitea's contents API in the simulator: one commit per write with real git SHAs, the checks on
//! stale and missing files (all operations or none), reads at a ref, auth, inventory, request
//! log and faults. Responses are validated against contracts/gitea/gitea-contents-subset.swagger.json.

use crate::common;

use base64::Engine;
use common::*;
use serde_json::{json, Value};
use sha1::{Digest, Sha1};

mod accounts;

const CONTENTS: &str = "/repos/{owner}/{repo}/contents";
const FILE: &str = "/repos/{owner}/{repo}/contents/{filepath}";

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn unb64(s: &Value) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.as_str().expect("base64 string"))
        .expect("valid base64");
    String::from_utf8(bytes).expect("utf-8")
}

/// `git hash-object` of some bytes, computed here and not by the simulator.
fn git_blob_sha(bytes: &[u8]) -> String {
    let mut h = Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

struct Gitea {
    sim: fabrik_sim::SimHandle,
    http: reqwest::Client,
}

impl Gitea {
    async fn new() -> Gitea {
        Gitea {
            sim: sim().await,
            http: client(),
        }
    }

    fn api(&self, path: &str) -> String {
        format!("{}{path}", self.sim.gitea_api_url())
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .http
            .request(m, self.api(path))
            .header("authorization", format!("token {TOKEN}"));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let (status, _, v) = json_of(req.send().await.expect("request")).await;
        (status, v)
    }

    async fn make_repo(&self, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}/__sim/gitea/repos", self.sim.base_url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        let (status, _, v) = json_of(r).await;
        assert_eq!(status, 201, "{v}");
        v
    }

    async fn inventory_repo(&self, full_name: &str) -> Value {
        let r = self
            .http
            .get(format!("{}/__sim/inventory", self.sim.base_url()))
            .send()
            .await
            .unwrap();
        let (_, _, v) = json_of(r).await;
        v["gitea"]["repos"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["full_name"] == full_name)
            .cloned()
            .unwrap_or_else(|| panic!("{full_name} not in inventory: {v}"))
    }

    async fn commit_count(&self, full_name: &str) -> u64 {
        self.inventory_repo(full_name).await["commit_count"]
            .as_u64()
            .unwrap()
    }
}

const REPO: &str = "fabrik-agency/backups";
const R: &str = "/repos/fabrik-agency/backups";

async fn with_three_files() -> (Gitea, Value) {
    let g = Gitea::new().await;
    g.make_repo(json!({"owner": "fabrik-agency", "name": "backups", "private": true}))
        .await;
    let (status, v) = g
        .call(
            "POST",
            &format!("{R}/contents"),
            Some(json!({
                "message": "Back up three workflows",
                "files": [
                    {"operation": "create", "path": "README.md", "content": b64("# Backups\n")},
                    {"operation": "create", "path": "workflows/a.json", "content": b64("{\"name\":\"a\"}\n")},
                    {"operation": "create", "path": "workflows/b.json", "content": b64("{\"name\":\"b\"}\n")},
                ],
            })),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    assert_gitea_response("POST", CONTENTS, 201, &v);
    (g, v)
}

#[tokio::test]
async fn three_files_make_one_commit_with_real_git_shas() {
    let (g, v) = with_three_files().await;
    // One commit, on the default branch, without parents (the repository was empty).
    assert_eq!(g.commit_count(REPO).await, 1);
    let commit = &v["commit"];
    let sha = commit["sha"].as_str().unwrap();
    assert_eq!(sha.len(), 40);
    assert_eq!(commit["parents"], json!([]));
    assert_eq!(commit["message"], "Back up three workflows\n");
    assert_eq!(commit["author"]["name"], "fabrik-agent");
    assert_eq!(v["verification"]["verified"], false);
    let inv = g.inventory_repo(REPO).await;
    assert_eq!(inv["branches"]["main"], sha);
    assert_eq!(inv["empty"], false);
    // Each file as written, its blob sha the one git computes.
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(files[1]["path"], "workflows/a.json");
    assert_eq!(files[1]["type"], "file");
    assert_eq!(files[1]["sha"], git_blob_sha(b"{\"name\":\"a\"}\n"));
    assert_eq!(files[1]["last_commit_sha"], sha);
    assert_eq!(unb64(&files[1]["content"]), "{\"name\":\"a\"}\n");
    assert_eq!(
        inv["files"]["workflows/b.json"],
        git_blob_sha(b"{\"name\":\"b\"}\n")
    );
    assert_eq!(inv["files"].as_object().unwrap().len(), 3);

    // A directory lists its entries, without content.
    let (status, dir) = g
        .call("GET", &format!("{R}/contents/workflows"), None)
        .await;
    assert_eq!(status, 200, "{dir}");
    let entries = dir.as_array().expect("a directory is an array");
    for e in entries {
        assert_gitea_definition("ContentsResponse", e);
    }
    let paths: Vec<&str> = entries
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["workflows/a.json", "workflows/b.json"]);
    assert_eq!(entries[0]["type"], "file");
    assert_eq!(entries[0]["name"], "a.json");
    assert_eq!(entries[0]["size"], 13);
    assert_eq!(entries[0]["sha"], git_blob_sha(b"{\"name\":\"a\"}\n"));
    assert_eq!(entries[0]["content"], Value::Null);

    // The root lists the file and the directory.
    let (status, root) = g.call("GET", &format!("{R}/contents"), None).await;
    assert_eq!(status, 200);
    let (status, slash) = g.call("GET", &format!("{R}/contents/"), None).await;
    assert_eq!((status, &slash), (200, &root));
    let kinds: Vec<(String, String)> = root
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().into(),
                e["type"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("README.md".into(), "file".into()),
            ("workflows".into(), "dir".into())
        ]
    );

    // A file is one ContentsResponse with its content.
    let (status, f) = g
        .call("GET", &format!("{R}/contents/README.md"), None)
        .await;
    assert_eq!(status, 200);
    assert_gitea_response("GET", FILE, 200, &f);
    assert_eq!(f["encoding"], "base64");
    assert_eq!(unb64(&f["content"]), "# Backups\n");
    assert_eq!(f["sha"], git_blob_sha(b"# Backups\n"));

    // Missing path, ref and repository: 404.
    for path in [
        format!("{R}/contents/nope.json"),
        format!("{R}/contents/README.md?ref=no-such-branch"),
        "/repos/fabrik-agency/nothing/contents/README.md".to_string(),
        "/repos/fabrik-agency/nothing".to_string(),
    ] {
        let (status, _) = g.call("GET", &path, None).await;
        assert_eq!(status, 404, "{path}");
    }
}

#[tokio::test]
async fn updates_need_the_current_sha_and_old_commits_stay_readable() {
    let (g, first) = with_three_files().await;
    let first_commit = first["commit"]["sha"].as_str().unwrap().to_string();
    let old_sha = first["files"][1]["sha"].as_str().unwrap().to_string();

    // Update with the sha the writer saw: a new commit on top of the first.
    let (status, v) = g
        .call(
            "POST",
            &format!("{R}/contents"),
            Some(json!({"files": [{"operation": "update", "path": "workflows/a.json", "sha": old_sha, "content": b64("{\"name\":\"a2\"}\n")}]})),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["commit"]["parents"][0]["sha"], first_commit);
    assert_eq!(v["commit"]["message"], "Update workflows/a.json\n");
    let new_sha = v["files"][0]["sha"].as_str().unwrap().to_string();
    assert_eq!(new_sha, git_blob_sha(b"{\"name\":\"a2\"}\n"));
    assert_eq!(g.commit_count(REPO).await, 2);

    // The same stale sha again (a parallel writer's view): refused, no commit.
    let (status, e) = g
        .call(
            "POST",
            &format!("{R}/contents"),
            Some(json!({"files": [{"operation": "update", "path": "workflows/a.json", "sha": old_sha, "content": b64("lost")}]})),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("sha does not match"),
        "{e}"
    );
    assert!(e["url"].is_string());
    // Without a sha: refused too.
    let (status, _) = g
        .call(
            "POST",
            &format!("{R}/contents"),
            Some(json!({"files": [{"operation": "update", "path": "workflows/a.json", "content": b64("x")}]})),
        )
        .await;
    assert_eq!(status, 422);
    // Creating a file that exists, updating or deleting one that does not: refused.
    let (status, e) = g
        .call(
            "POST",
            &format!("{R}/contents"),
            Some(json!({"files": [{"operation": "create", "path": "README.md", "content": b64("x")}]})),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    let (status, _) = g
        .call(
            "POST",
            &format!("{R}/contents"),
            Some(json!({"files": [{"operation": "delete", "path": "nope.json", "sha": old_sha}]})),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(g.commit_count(REPO).await, 2);

    // Single-file operations: POST creates (422 when it exists), PUT updates, DELETE deletes.
    let (status, c) = g
        .call(
            "POST",
            &format!("{R}/contents/workflows/c.json"),
            Some(json!({"content": b64("c\n"), "message": "Add c"})),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    assert_gitea_response("POST", FILE, 201, &c);
    assert_eq!(c["content"]["sha"], git_blob_sha(b"c\n"));
    let (status, _) = g
        .call(
            "POST",
            &format!("{R}/contents/workflows/c.json"),
            Some(json!({"content": b64("again")})),
        )
        .await;
    assert_eq!(status, 422);
    let (status, u) = g
        .call(
            "PUT",
            &format!("{R}/contents/workflows/c.json"),
            Some(json!({"content": b64("c2\n"), "sha": git_blob_sha(b"c\n")})),
        )
        .await;
    assert_eq!(status, 200, "{u}");
    assert_gitea_response("PUT", FILE, 200, &u);
    let (status, _) = g
        .call(
            "PUT",
            &format!("{R}/contents/workflows/c.json"),
            Some(json!({"content": b64("c3\n"), "sha": git_blob_sha(b"c\n")})),
        )
        .await;
    assert_eq!(status, 422);
    let (status, d) = g
        .call(
            "DELETE",
            &format!("{R}/contents/workflows/c.json"),
            Some(json!({"sha": git_blob_sha(b"c2\n")})),
        )
        .await;
    assert_eq!(status, 200, "{d}");
    assert_gitea_response("DELETE", FILE, 200, &d);
    assert_eq!(d["content"], Value::Null);
    assert_eq!(g.commit_count(REPO).await, 5);

    // The first commit still has the old content; the branch has the new.
    let (status, old) = g
        .call(
            "GET",
            &format!("{R}/contents/workflows/a.json?ref={first_commit}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{old}");
    assert_eq!(unb64(&old["content"]), "{\"name\":\"a\"}\n");
    assert_eq!(old["sha"], old_sha);
    let (_, now) = g
        .call(
            "GET",
            &format!("{R}/contents/workflows/a.json?ref=main"),
            None,
        )
        .await;
    assert_eq!(unb64(&now["content"]), "{\"name\":\"a2\"}\n");
    assert_eq!(now["last_commit_sha"], v["commit"]["sha"]);
    let (status, _) = g
        .call("GET", &format!("{R}/contents/workflows/c.json"), None)
        .await;
    assert_eq!(status, 404);

    // An unknown branch is a 404; a new branch starts from `branch`.
    let (status, _) = g
        .call(
            "POST",
            &format!("{R}/contents"),
            Some(json!({"branch": "nope", "files": [{"operation": "create", "path": "x", "content": b64("x")}]})),
        )
        .await;
    assert_eq!(status, 404);
    let (status, nb) = g
        .call(
            "POST",
            &format!("{R}/contents"),
            Some(json!({"new_branch": "draft", "files": [{"operation": "create", "path": "x", "content": b64("x")}]})),
        )
        .await;
    assert_eq!(status, 201, "{nb}");
    let inv = g.inventory_repo(REPO).await;
    assert_eq!(inv["branches"]["draft"], nb["commit"]["sha"]);
    assert_eq!(inv["commit_count"], 5, "main did not move");
}

#[tokio::test]
async fn a_failing_batch_changes_nothing() {
    let (g, first) = with_three_files().await;
    let a_sha = first["files"][1]["sha"].as_str().unwrap().to_string();
    let before = g.inventory_repo(REPO).await;
    let bad = [
        // The last operation is stale: the create before it must not land either.
        json!({"files": [
            {"operation": "create", "path": "new.json", "content": b64("new")},
            {"operation": "update", "path": "workflows/b.json", "sha": a_sha, "content": b64("x")},
        ]}),
        json!({"files": [
            {"operation": "create", "path": "new.json", "content": b64("new")},
            {"operation": "create", "path": "bad.json", "content": "not base64!"},
        ]}),
        json!({"files": []}),
        json!({"message": "no files"}),
        json!({"files": [{"operation": "create", "path": "../escape", "content": b64("x")}]}),
        json!({"files": [{"operation": "create", "path": "/etc/passwd", "content": b64("x")}]}),
        json!({"files": [{"operation": "create", "path": "a//b", "content": b64("x")}]}),
        json!({"files": [{"operation": "create", "path": ".git/config", "content": b64("x")}]}),
        json!({"files": [{"operation": "rename", "path": "x", "content": b64("x")}]}),
        // A file where a directory is, and a directory under a file.
        json!({"files": [{"operation": "create", "path": "workflows", "content": b64("x")}]}),
        json!({"files": [{"operation": "create", "path": "README.md/x", "content": b64("x")}]}),
        json!({"files": "not a list"}),
    ];
    for body in bad {
        let (status, e) = g
            .call("POST", &format!("{R}/contents"), Some(body.clone()))
            .await;
        assert_eq!(status, 422, "{body} → {e}");
        assert!(e["message"].is_string(), "{e}");
    }
    // Same commits, same files.
    assert_eq!(g.inventory_repo(REPO).await, before);
}

#[tokio::test]
async fn parallel_writers_with_the_same_view_one_wins() {
    let (g, first) = with_three_files().await;
    let sha = first["files"][2]["sha"].as_str().unwrap().to_string();
    let body = |n: &str| json!({"files": [{"operation": "update", "path": "workflows/b.json", "sha": sha, "content": b64(n)}]});
    let path = format!("{R}/contents");
    let (one, two) = tokio::join!(
        g.call("POST", &path, Some(body("one"))),
        g.call("POST", &path, Some(body("two")))
    );
    let mut statuses = [one.0, two.0];
    statuses.sort();
    assert_eq!(statuses, [201, 422]);
    assert_eq!(g.commit_count(REPO).await, 2);
}

#[tokio::test]
async fn a_write_that_changes_nothing_still_commits() {
    let (g, first) = with_three_files().await;
    let sha = first["files"][0]["sha"].as_str().unwrap().to_string();
    // The same content again: Gitea makes a commit with the same tree (clients must avoid it).
    let (status, v) = g
        .call(
            "PUT",
            &format!("{R}/contents/README.md"),
            Some(json!({"content": b64("# Backups\n"), "sha": sha})),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["commit"]["tree"]["sha"], first["commit"]["tree"]["sha"]);
    assert_eq!(v["content"]["sha"], sha);
    let inv = g.inventory_repo(REPO).await;
    assert_eq!(inv["commit_count"], 2);
    assert_eq!(inv["commits"][0]["files_changed"], json!([]));
}
