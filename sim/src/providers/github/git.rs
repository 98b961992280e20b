//! GitHub's Git database (`/github/repos/{owner}/{repo}/git/...`), over the object model of
//! [`crate::git`]. Shapes and answers follow GitHub's official REST description
//! (github/rest-api-description, `api.github.com.yaml`), by operationId:
//!
//! - `git/create-blob`, `git/get-blob`: `POST git/blobs` (`content`, `encoding` `utf-8` or
//!   `base64`) → 201 `{url, sha}`; `GET git/blobs/{sha}` → Base64 `content` wrapped at 60
//!   columns, `encoding`, `size`.
//! - `git/create-tree`, `git/get-tree`: `POST git/trees` (`base_tree`, `tree[]` of `{path, mode,
//!   type, sha | content}`; `sha: null` deletes the path; nested paths); 422 for an unknown sha.
//!   `GET git/trees/{sha}?recursive=1` lists subtrees too, `truncated` past 100 000 entries.
//! - `git/create-commit`, `git/get-commit`: `POST/GET git/commits`.
//! - `git/get-ref`, `git/create-ref`, `git/update-ref`, `git/delete-ref`: `GET git/ref/{ref}`,
//!   `POST git/refs` (422 "Reference already exists"), `PATCH git/refs/{ref}` (`sha`, `force`;
//!   422 "Update is not a fast forward"), `DELETE git/refs/{ref}`.
//!
//! Comparisons are in `compare.rs`, pull requests in `pulls.rs`; `router` routes all three.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};

use super::ready;
use super::{
    body_object, change, node_id, person_json, ready_repo, repo_not_found, repo_url, unprocessable,
    unsigned, wrapped_base64,
};
use crate::errors::{json_response, with_header};
use crate::git::{self, Commit, Flat, Object, Person, TreeEntry};
use crate::state::AppState;
use crate::world::{now_ms, Repo};

type St = State<Arc<AppState>>;
type RepoPath = Path<(String, String)>;

/// Most entries `git/get-tree` returns before it says `truncated`.
const MAX_TREE_ENTRIES: usize = 100_000;
pub(super) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/repos/{owner}/{repo}/git/blobs", post(create_blob))
        .route("/repos/{owner}/{repo}/git/blobs/{sha}", get(get_blob))
        .route("/repos/{owner}/{repo}/git/trees", post(create_tree))
        .route("/repos/{owner}/{repo}/git/trees/{*sha}", get(get_tree))
        .route("/repos/{owner}/{repo}/git/commits", post(create_commit))
        .route("/repos/{owner}/{repo}/git/commits/{sha}", get(get_commit))
        .route("/repos/{owner}/{repo}/git/ref/{*ref}", get(get_ref))
        .route("/repos/{owner}/{repo}/git/refs", post(create_ref))
        .route(
            "/repos/{owner}/{repo}/git/refs/{*ref}",
            patch(update_ref).delete(delete_ref),
        )
}

// ---------------------------------------------------------------- blobs

const BLOB_DOC: &str = "git/blobs#create-a-blob";

async fn create_blob(State(st): St, Path((owner, name)): RepoPath, body: Bytes) -> Response {
    let r = ready!(st, owner, name, BLOB_DOC);
    let b = match body_object(&body, BLOB_DOC) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let Some(content) = b.get("content").and_then(Value::as_str) else {
        return unprocessable("Invalid request.\n\n\"content\" wasn't supplied.", BLOB_DOC);
    };
    let bytes = match b.get("encoding").and_then(Value::as_str).unwrap_or("utf-8") {
        "utf-8" | "utf8" => content.as_bytes().to_vec(),
        "base64" => {
            let packed: String = content.split_whitespace().collect();
            match base64::engine::general_purpose::STANDARD.decode(packed) {
                Ok(b) => b,
                Err(_) => {
                    return unprocessable(
                        "Invalid request.\n\ncontent is not valid Base64",
                        BLOB_DOC,
                    )
                }
            }
        }
        other => {
            return unprocessable(
                &format!("Invalid request.\n\nencoding {other} is not supported (utf-8, base64)"),
                BLOB_DOC,
            )
        }
    };
    let sha = change(&st, r.id, |r, _| r.git.put_blob(&bytes)).unwrap_or_default();
    let url = format!("{}/git/blobs/{sha}", repo_url(&st, &r));
    with_header(
        json_response(201, json!({"url": url, "sha": sha})),
        "location",
        url,
    )
}

async fn get_blob(
    State(st): St,
    Path((owner, name, sha)): Path<(String, String, String)>,
) -> Response {
    let what = "git/blobs#get-a-blob";
    let r = ready!(st, owner, name, what);
    let Some(data) = r.git.blob(&sha) else {
        return repo_not_found(what);
    };
    json_response(
        200,
        json!({
            "sha": sha, "node_id": node_id("B_", r.id), "size": data.len(),
            "url": format!("{}/git/blobs/{sha}", repo_url(&st, &r)),
            "content": wrapped_base64(data), "encoding": "base64",
        }),
    )
}

// ---------------------------------------------------------------- trees

const TREE_DOC: &str = "git/trees#create-a-tree";

fn tree_entry_json(st: &AppState, r: &Repo, path: &str, e: &TreeEntry) -> Value {
    let u = repo_url(st, r);
    let mut v = json!({"path": path, "mode": e.mode, "type": e.kind(), "sha": e.sha});
    match e.kind() {
        "tree" => v["url"] = json!(format!("{u}/git/trees/{}", e.sha)),
        "blob" => {
            v["size"] = json!(r.git.blob(&e.sha).map_or(0, <[u8]>::len));
            v["url"] = json!(format!("{u}/git/blobs/{}", e.sha));
        }
        _ => {}
    }
    v
}

/// `git/get-tree` body: the entries of `sha` (all levels, depth first, when `recursive`).
fn tree_json(st: &AppState, r: &Repo, sha: &str, recursive: bool) -> Value {
    let mut entries = vec![];
    let mut truncated = false;
    fn walk(
        r: &Repo,
        sha: &str,
        prefix: &str,
        recursive: bool,
        out: &mut Vec<(String, TreeEntry)>,
    ) {
        for e in r.git.tree(sha).unwrap_or_default() {
            let path = format!("{prefix}{}", e.name);
            out.push((path.clone(), e.clone()));
            if recursive && e.is_dir() {
                walk(r, &e.sha, &format!("{path}/"), recursive, out);
            }
        }
    }
    let mut all = vec![];
    walk(r, sha, "", recursive, &mut all);
    if all.len() > MAX_TREE_ENTRIES {
        all.truncate(MAX_TREE_ENTRIES);
        truncated = true;
    }
    for (path, e) in &all {
        entries.push(tree_entry_json(st, r, path, e));
    }
    json!({"sha": sha, "url": format!("{}/git/trees/{sha}", repo_url(st, r)), "tree": entries, "truncated": truncated})
}

/// `POST git/trees` (`git/create-tree`).
async fn create_tree(State(st): St, Path((owner, name)): RepoPath, body: Bytes) -> Response {
    let r = ready!(st, owner, name, TREE_DOC);
    let b = match body_object(&body, TREE_DOC) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let Some(items) = b.get("tree").and_then(Value::as_array) else {
        return unprocessable("Invalid request.\n\n\"tree\" wasn't supplied.", TREE_DOC);
    };
    let mut flat = Flat::new();
    if let Some(base) = b.get("base_tree").and_then(Value::as_str) {
        if r.git.tree(base).is_none() {
            return unprocessable("Invalid tree info", TREE_DOC);
        }
        flat = r.git.flatten(base);
    }
    // Blobs written from `content`, stored with the tree.
    let mut new_blobs: Vec<Vec<u8>> = vec![];
    for item in items {
        let Some(path) = item["path"]
            .as_str()
            .map(|p| p.trim_matches('/').to_string())
        else {
            return unprocessable("Invalid tree info", TREE_DOC);
        };
        let mode = item["mode"].as_str().unwrap_or("");
        let kind = item["type"].as_str().unwrap_or("");
        let valid = matches!(
            (mode, kind),
            ("100644" | "100755" | "120000", "blob") | ("040000", "tree") | ("160000", "commit")
        );
        if !valid || path.is_empty() {
            return unprocessable("Invalid tree info", TREE_DOC);
        }
        let sha_given = item.get("sha").is_some_and(|v| !v.is_null());
        if sha_given && item.get("content").is_some() {
            // "Using both `tree.sha` and `content` will return an error."
            return unprocessable("Invalid tree info: use either sha or content", TREE_DOC);
        }
        match (item.get("sha"), item.get("content")) {
            (Some(Value::Null), _) => {
                // "Returns an error if you try to delete a file that does not exist."
                let prefix = format!("{path}/");
                if !flat.keys().any(|p| *p == path || p.starts_with(&prefix)) {
                    return unprocessable(
                        &format!("Invalid tree info: {path} does not exist"),
                        TREE_DOC,
                    );
                }
                git::remove_path(&mut flat, &path)
            }
            (Some(Value::String(sha)), _) => {
                let known = match kind {
                    "blob" => r.git.blob(sha).is_some(),
                    "tree" => r.git.tree(sha).is_some(),
                    _ => true,
                };
                if !known {
                    return unprocessable(
                        &format!("Invalid tree info: {sha} is not a {kind} of this repository"),
                        TREE_DOC,
                    );
                }
                git::remove_path(&mut flat, &path);
                if kind == "tree" {
                    for (p, e) in r.git.flatten(sha) {
                        flat.insert(format!("{path}/{p}"), e);
                    }
                } else {
                    flat.insert(path, (mode.to_string(), sha.clone()));
                }
            }
            (_, Some(Value::String(content))) if kind == "blob" => {
                let sha = git::object_sha("blob", content.as_bytes());
                new_blobs.push(content.as_bytes().to_vec());
                git::remove_path(&mut flat, &path);
                flat.insert(path, (mode.to_string(), sha));
            }
            _ => return unprocessable("Invalid tree info", TREE_DOC),
        }
    }
    let Some((sha, r)) = change(&st, r.id, |repo, _| {
        for b in &new_blobs {
            repo.git.put_blob(b);
        }
        (repo.git.build(&flat), repo.clone())
    }) else {
        return repo_not_found(TREE_DOC);
    };
    let url = format!("{}/git/trees/{sha}", repo_url(&st, &r));
    with_header(
        json_response(201, tree_json(&st, &r, &sha, false)),
        "location",
        url,
    )
}

/// `GET git/trees/{tree_sha}` (`git/get-tree`): a tree sha, or a commit or branch whose tree is
/// meant; `recursive` (any value) lists every level.
async fn get_tree(
    State(st): St,
    Path((owner, name, sha)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let what = "git/trees#get-a-tree";
    let r = ready!(st, owner, name, what);
    let tree = if r.git.tree(&sha).is_some() {
        Some(sha)
    } else {
        r.git.resolve(&sha).and_then(|c| r.git.tree_of(&c))
    };
    let Some(tree) = tree else {
        return repo_not_found(what);
    };
    // "Setting this parameter to any value returns the objects or subtrees" (0 and false too).
    let recursive = q.contains_key("recursive");
    json_response(200, tree_json(&st, &r, &tree, recursive))
}

// ---------------------------------------------------------------- commits

const COMMIT_DOC: &str = "git/commits#create-a-commit";

fn git_commit_json(st: &AppState, r: &Repo, sha: &str, c: &Commit) -> Value {
    let u = repo_url(st, r);
    let full = r.full_name();
    json!({
        "sha": sha, "node_id": node_id("C_", r.id), "url": format!("{u}/git/commits/{sha}"),
        "html_url": format!("https://github.com/{full}/commit/{sha}"),
        "author": person_json(&c.author), "committer": person_json(&c.committer),
        "tree": {"sha": c.tree, "url": format!("{u}/git/trees/{}", c.tree)},
        "message": c.message,
        "parents": c.parents.iter().map(|p| json!({"sha": p, "url": format!("{u}/git/commits/{p}"), "html_url": format!("https://github.com/{full}/commit/{p}")})).collect::<Vec<_>>(),
        "verification": unsigned(),
    })
}

fn person_from(v: Option<&Value>, default: &Person) -> Result<Person, ()> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(default.clone());
    };
    let (Some(name), Some(email)) = (v["name"].as_str(), v["email"].as_str()) else {
        return Err(());
    };
    let date_ms = match v["date"].as_str() {
        Some(d) => chrono::DateTime::parse_from_rfc3339(d)
            .map_err(|_| ())?
            .timestamp_millis(),
        None => default.date_ms,
    };
    Ok(Person {
        name: name.into(),
        email: email.into(),
        date_ms,
    })
}

/// `POST git/commits` (`git/create-commit`): `message`, `tree`, `parents`, optional `author`
/// and `committer` (the token's user, now, when absent).
async fn create_commit(State(st): St, Path((owner, name)): RepoPath, body: Bytes) -> Response {
    let r = ready!(st, owner, name, COMMIT_DOC);
    let b = match body_object(&body, COMMIT_DOC) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let (Some(message), Some(tree)) = (
        b.get("message").and_then(Value::as_str),
        b.get("tree").and_then(Value::as_str),
    ) else {
        return unprocessable(
            "Invalid request.\n\n\"message\" and \"tree\" weren't supplied.",
            COMMIT_DOC,
        );
    };
    if r.git.tree(tree).is_none() {
        return unprocessable("Tree SHA does not exist", COMMIT_DOC);
    }
    let parents: Vec<String> = match b.get("parents") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(_) => {
            return unprocessable(
                "Invalid request.\n\nFor 'properties/parents', it is not an array.",
                COMMIT_DOC,
            )
        }
    };
    if parents.iter().any(|p| r.git.commit(p).is_none()) {
        return unprocessable(
            "Parent SHA does not exist or is not a commit object",
            COMMIT_DOC,
        );
    }
    let agent = st.read(|w| w.agent(now_ms()));
    let Ok(author) = person_from(b.get("author"), &agent) else {
        return unprocessable(
            "Invalid request.\n\nauthor needs name and email (and an ISO 8601 date).",
            COMMIT_DOC,
        );
    };
    let Ok(committer) = person_from(b.get("committer"), &author) else {
        return unprocessable(
            "Invalid request.\n\ncommitter needs name and email (and an ISO 8601 date).",
            COMMIT_DOC,
        );
    };
    let commit = Commit {
        tree: tree.to_string(),
        parents,
        message: message.to_string(),
        author,
        committer,
    };
    let Some((sha, r)) = change(&st, r.id, |repo, _| {
        (repo.git.put(Object::Commit(commit.clone())), repo.clone())
    }) else {
        return repo_not_found(COMMIT_DOC);
    };
    let v = git_commit_json(&st, &r, &sha, &commit);
    let url = v["url"].as_str().unwrap_or_default().to_string();
    with_header(json_response(201, v), "location", url)
}

async fn get_commit(
    State(st): St,
    Path((owner, name, sha)): Path<(String, String, String)>,
) -> Response {
    let what = "git/commits#get-a-commit-object";
    let r = ready!(st, owner, name, what);
    match r.git.commit(&sha) {
        Some(c) => json_response(200, git_commit_json(&st, &r, &sha, c)),
        None => repo_not_found(what),
    }
}

// ---------------------------------------------------------------- refs

const REF_DOC: &str = "git/refs#get-a-reference";

fn ref_json(st: &AppState, r: &Repo, full_ref: &str, sha: &str) -> Value {
    let u = repo_url(st, r);
    json!({
        "ref": full_ref, "node_id": node_id("REF_", r.id),
        "url": format!("{u}/git/{full_ref}"),
        "object": {"type": "commit", "sha": sha, "url": format!("{u}/git/commits/{sha}")},
    })
}

/// `heads/main` → `refs/heads/main` (a full name stays).
fn full_ref(r: &str) -> String {
    if r.starts_with("refs/") {
        r.to_string()
    } else {
        format!("refs/{r}")
    }
}

/// `GET git/ref/{ref}` (`git/get-ref`): `ref` as `heads/<branch>` or `tags/<tag>`.
async fn get_ref(
    State(st): St,
    Path((owner, name, r)): Path<(String, String, String)>,
) -> Response {
    let repo = ready!(st, owner, name, REF_DOC);
    let full = full_ref(&r);
    match repo.git.refs.get(&full) {
        Some(sha) => json_response(200, ref_json(&st, &repo, &full, sha)),
        None => repo_not_found(REF_DOC),
    }
}

/// `POST git/refs` (`git/create-ref`): `ref` (`refs/heads/x`) and `sha`.
async fn create_ref(State(st): St, Path((owner, name)): RepoPath, body: Bytes) -> Response {
    let what = "git/refs#create-a-reference";
    let repo = ready!(st, owner, name, what);
    let b = match body_object(&body, what) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let (Some(r), Some(sha)) = (
        b.get("ref").and_then(Value::as_str),
        b.get("sha").and_then(Value::as_str),
    ) else {
        return unprocessable(
            "Invalid request.\n\n\"ref\" and \"sha\" weren't supplied.",
            what,
        );
    };
    if !r.starts_with("refs/") || r.matches('/').count() < 2 {
        return unprocessable(
            "Reference name must start with 'refs/' and have at least two slashes.",
            what,
        );
    }
    if repo.git.commit(sha).is_none() {
        return unprocessable("Object does not exist", what);
    }
    let done = change(&st, repo.id, |x, _| {
        if x.git.refs.contains_key(r) {
            return None;
        }
        x.git.refs.insert(r.to_string(), sha.to_string());
        Some(x.clone())
    });
    match done {
        None => repo_not_found(what),
        Some(None) => unprocessable("Reference already exists", what),
        Some(Some(x)) => {
            let v = ref_json(&st, &x, r, sha);
            let url = v["url"].as_str().unwrap_or_default().to_string();
            with_header(json_response(201, v), "location", url)
        }
    }
}

/// `PATCH git/refs/{ref}` (`git/update-ref`): `sha`, `force` (default false: only a fast
/// forward, a commit that has the current one in its history).
async fn update_ref(
    State(st): St,
    Path((owner, name, r)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let what = "git/refs#update-a-reference";
    let repo = ready!(st, owner, name, what);
    let b = match body_object(&body, what) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let Some(sha) = b.get("sha").and_then(Value::as_str) else {
        return unprocessable("Invalid request.\n\n\"sha\" wasn't supplied.", what);
    };
    let force = b.get("force").and_then(Value::as_bool).unwrap_or(false);
    let full = full_ref(&r);
    if repo.git.commit(sha).is_none() {
        return unprocessable("Object does not exist", what);
    }
    // Checked and moved in one step, as GitHub does: two updates that both read the same
    // tip never both land (the second is not a fast forward of the first).
    match change(&st, repo.id, |x, _| {
        let Some(current) = x.git.refs.get(&full).cloned() else {
            return Err("Reference does not exist");
        };
        if !force && !x.git.is_ancestor(&current, sha) {
            return Err("Update is not a fast forward");
        }
        x.git.refs.insert(full.clone(), sha.to_string());
        Ok(x.clone())
    }) {
        Some(Ok(x)) => json_response(200, ref_json(&st, &x, &full, sha)),
        Some(Err(why)) => unprocessable(why, what),
        None => repo_not_found(what),
    }
}

/// `DELETE git/refs/{ref}` (`git/delete-ref`): 204; 422 "Reference does not exist".
async fn delete_ref(
    State(st): St,
    Path((owner, name, r)): Path<(String, String, String)>,
) -> Response {
    let what = "git/refs#delete-a-reference";
    let repo = ready!(st, owner, name, what);
    let full = full_ref(&r);
    if full == format!("refs/heads/{}", repo.default_branch) {
        return unprocessable("Cannot delete the default branch", what);
    }
    match change(&st, repo.id, |x, _| x.git.refs.remove(&full)) {
        Some(Some(_)) => axum::http::StatusCode::NO_CONTENT.into_response(),
        Some(None) => unprocessable("Reference does not exist", what),
        None => repo_not_found(what),
    }
}

// ---------------------------------------------------------------- compare
