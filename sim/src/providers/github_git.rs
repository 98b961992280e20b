//! GitHub's Git database, comparisons and pull requests (`/github/repos/{owner}/{repo}/...`),
//! over the object model of [`crate::git`]. Shapes and answers follow GitHub's official REST
//! description (github/rest-api-description, `api.github.com.yaml`), by operationId:
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
//! - `repos/compare-commits`: `GET compare/{base}...{head}` with `status` (`identical`, `ahead`,
//!   `behind`, `diverged`), `ahead_by`, `behind_by`, `total_commits`, `commits` (oldest first) and
//!   `files` (from the merge base to head).
//! - `pulls/create`, `pulls/list`, `pulls/get`, `pulls/merge`.
//!
//! `mergeable` is computed lazily as on GitHub: `null` (`mergeable_state: unknown`) on the first
//! read after the pull request was opened or either branch moved, then `true`/`false`. The check
//! is simple: mergeable when the base is an ancestor of the head, or when the paths both sides
//! changed since their merge base do not overlap (or were changed the same way).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::Router;
use base64::Engine;
use serde_json::{json, Map, Value};

use super::github::{
    api, commit_json, diff_entries, doc, find, link_header, node_id, person_json, ready_repo,
    repo_not_found, unsigned, user_json, wrapped_base64,
};
use super::{json_body, query_num};
use crate::errors::{self, json_response, with_header};
use crate::git::{self, Commit, Flat, Object, Person, TreeEntry};
use crate::state::AppState;
use crate::world::{iso_secs, now_ms, Pull, Repo};

type St = State<Arc<AppState>>;
type RepoPath = Path<(String, String)>;

/// Most entries `git/get-tree` returns before it says `truncated`.
const MAX_TREE_ENTRIES: usize = 100_000;
/// Most commits `repos/compare-commits` lists without paging parameters.
const MAX_COMPARE_COMMITS: usize = 250;
/// Most files `repos/compare-commits` lists.
const MAX_COMPARE_FILES: usize = 300;

pub fn router() -> Router<Arc<AppState>> {
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
        .route("/repos/{owner}/{repo}/compare/{*basehead}", get(compare))
        .route(
            "/repos/{owner}/{repo}/pulls",
            get(list_pulls).post(create_pull),
        )
        .route(
            "/repos/{owner}/{repo}/pulls/{number}",
            get(get_pull).patch(update_pull),
        )
        .route(
            "/repos/{owner}/{repo}/pulls/{number}/merge",
            get(check_merged).put(merge_pull),
        )
}

fn unprocessable(message: &str, what: &str) -> Response {
    errors::github(422, message, &doc(what))
}

/// GitHub's "Validation Failed" with error items.
fn validation(errors: Value, what: &str) -> Response {
    json_response(
        422,
        json!({"message": "Validation Failed", "errors": errors, "documentation_url": doc(what), "status": "422"}),
    )
}

fn body_object(body: &[u8], what: &str) -> Result<Map<String, Value>, Response> {
    match json_body(body) {
        Some(Value::Object(b)) => Ok(b),
        _ => Err(errors::github(400, "Problems parsing JSON", &doc(what))),
    }
}

/// Changes the repository `id` (then re-mirrors its default branch).
fn change<R>(st: &AppState, id: u64, f: impl FnOnce(&mut Repo, &Person) -> R) -> Option<R> {
    let now = now_ms();
    st.mutate(|w| {
        let who = w.agent(now);
        let r = w.github.repos.iter_mut().find(|r| r.id == id)?;
        let out = f(r, &who);
        r.sync();
        Some(out)
    })
}

fn repo_url(st: &AppState, r: &Repo) -> String {
    format!("{}/repos/{}", api(st), r.full_name())
}

macro_rules! ready {
    ($st:expr, $owner:expr, $name:expr, $what:expr) => {
        match ready_repo(&$st, &$owner, &$name, $what) {
            Ok(r) => r,
            Err(resp) => return resp,
        }
    };
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
    let Some(current) = repo.git.refs.get(&full).cloned() else {
        return unprocessable("Reference does not exist", what);
    };
    if repo.git.commit(sha).is_none() {
        return unprocessable("Object does not exist", what);
    }
    if !force && !repo.git.is_ancestor(&current, sha) {
        return unprocessable("Update is not a fast forward", what);
    }
    match change(&st, repo.id, |x, _| {
        x.git.refs.insert(full.clone(), sha.to_string());
        x.clone()
    }) {
        Some(x) => json_response(200, ref_json(&st, &x, &full, sha)),
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

/// A branch or commit of a comparison or pull request: `branch`, `owner:branch` (the
/// repository's owner only), or a sha.
fn resolve_side(r: &Repo, side: &str) -> Option<String> {
    let side = match side.split_once(':') {
        Some((o, b)) if o.eq_ignore_ascii_case(&r.owner) => b,
        Some(_) => return None,
        None => side,
    };
    r.git.resolve(side)
}

/// Commits reachable from `head` and not from `base`, oldest first.
fn only_in(r: &Repo, head: &str, base: &str) -> Vec<String> {
    let of_base: std::collections::BTreeSet<String> = r.git.log(base).into_iter().collect();
    let mut v: Vec<String> = r
        .git
        .log(head)
        .into_iter()
        .filter(|s| !of_base.contains(s))
        .collect();
    v.reverse();
    v
}

fn flat_of(r: &Repo, commit: &str) -> Flat {
    r.git
        .tree_of(commit)
        .map(|t| r.git.flatten(&t))
        .unwrap_or_default()
}

/// `GET compare/{base}...{head}` (`repos/compare-commits`).
async fn compare(
    State(st): St,
    Path((owner, name, basehead)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let what = "commits/commits#compare-two-commits";
    let r = ready!(st, owner, name, what);
    let Some((base_ref, head_ref)) = basehead.split_once("...") else {
        return repo_not_found(what);
    };
    let (Some(base), Some(head)) = (resolve_side(&r, base_ref), resolve_side(&r, head_ref)) else {
        return repo_not_found(what);
    };
    let mb = r.git.merge_base(&base, &head);
    let ahead = only_in(&r, &head, &base);
    let behind = only_in(&r, &base, &head);
    let status = match (ahead.len(), behind.len()) {
        (0, 0) => "identical",
        (_, 0) => "ahead",
        (0, _) => "behind",
        _ => "diverged",
    };
    let old = mb.as_deref().map(|m| flat_of(&r, m)).unwrap_or_default();
    let mut files = diff_entries(&st, &r, &old, &flat_of(&r, &head), &head);
    // "up to 300 changed files for the entire comparison", only on the first page.
    files.truncate(MAX_COMPARE_FILES);
    // Without `per_page`/`page`: at most 250 commits, ending with the most recent one; with
    // them: pages in chronological order.
    let paged = q.contains_key("per_page") || q.contains_key("page");
    let per_page = query_num(&q, "per_page", 30, 1, i64::MAX)
        .unwrap_or(30)
        .min(100) as usize;
    let page = query_num(&q, "page", 1, 1, i64::MAX).unwrap_or(1) as usize;
    let shown: Vec<&String> = if paged {
        if page > 1 {
            files.clear();
        }
        ahead
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .collect()
    } else {
        ahead
            .iter()
            .skip(ahead.len().saturating_sub(MAX_COMPARE_COMMITS))
            .collect()
    };
    let link = paged
        .then(|| {
            link_header(
                &format!("{}/compare/{basehead}", repo_url(&st, &r)),
                per_page,
                page,
                ahead.len(),
            )
        })
        .flatten();
    let full = r.full_name();
    let resp = json_response(
        200,
        json!({
            "url": format!("{}/compare/{basehead}", repo_url(&st, &r)),
            "html_url": format!("https://github.com/{full}/compare/{basehead}"),
            "permalink_url": format!("https://github.com/{full}/compare/{base}...{head}"),
            "diff_url": format!("https://github.com/{full}/compare/{basehead}.diff"),
            "patch_url": format!("https://github.com/{full}/compare/{basehead}.patch"),
            "base_commit": commit_json(&st, &r, &base),
            "merge_base_commit": mb.as_deref().map_or(Value::Null, |m| commit_json(&st, &r, m)),
            "status": status, "ahead_by": ahead.len(), "behind_by": behind.len(),
            "total_commits": ahead.len(),
            "commits": shown.iter().map(|s| commit_json(&st, &r, s)).collect::<Vec<_>>(),
            "files": files,
        }),
    );
    match link {
        Some(l) => with_header(resp, "link", l),
        None => resp,
    }
}

// ---------------------------------------------------------------- pulls

const PULLS_DOC: &str = "pulls/pulls#create-a-pull-request";

/// Whether `head` merges into `base` without conflicts, and the merged tree when it does.
fn merged_flat(r: &Repo, base: &str, head: &str) -> Option<Flat> {
    if r.git.is_ancestor(base, head) {
        return Some(flat_of(r, head));
    }
    let mb = r.git.merge_base(base, head)?;
    let (m, b, h) = (flat_of(r, &mb), flat_of(r, base), flat_of(r, head));
    let mut out = b.clone();
    for (path, _, _, new) in git::diff(&m, &h) {
        let ours_changed = m.get(&path) != b.get(&path);
        if ours_changed && b.get(&path) != new.as_ref() {
            return None;
        }
        match new {
            Some(e) => {
                out.insert(path, e);
            }
            None => {
                out.remove(&path);
            }
        }
    }
    Some(out)
}

/// Head and base commits of a pull request: the branches while open, what they were at closing.
fn pull_shas(r: &Repo, p: &Pull) -> (String, String) {
    if let Some(s) = &p.closed_shas {
        return s.clone();
    }
    let get = |b: &str| r.git.branch(b).cloned().unwrap_or_default();
    (get(&p.head), get(&p.base))
}

fn pull_json(st: &AppState, r: &Repo, p: &Pull, mergeable: Option<bool>) -> Value {
    let u = repo_url(st, r);
    let full = r.full_name();
    let (head_sha, base_sha) = pull_shas(r, p);
    let (login, uid) = st.read(|w| (w.seed.github_user.clone(), w.seed.github_user_id));
    let user = if p.user == login {
        user_json(st, &login, uid, false)
    } else {
        json!({"login": p.user, "type": "User"})
    };
    let owner = user_json(st, &r.owner, r.owner_id, r.owner_is_org);
    let side = |b: &str, sha: &str| json!({"label": format!("{}:{b}", r.owner), "ref": b, "sha": sha, "user": owner, "repo": {"id": r.id, "name": r.name, "full_name": full, "private": r.private, "url": u}});
    let merged = p.merged_ms.is_some();
    let mergeable_state = if p.state != "open" {
        "unknown"
    } else {
        match mergeable {
            None => "unknown",
            Some(_) if p.draft => "draft",
            Some(true) => "clean",
            Some(false) => "dirty",
        }
    };
    let changes = diff_stats(r, &base_sha, &head_sha);
    let html = format!("https://github.com/{full}/pull/{}", p.number);
    json!({
        "url": format!("{u}/pulls/{}", p.number), "id": p.id, "node_id": node_id("PR_", p.id),
        "html_url": html, "diff_url": format!("{html}.diff"), "patch_url": format!("{html}.patch"),
        "issue_url": format!("{u}/issues/{}", p.number), "commits_url": format!("{u}/pulls/{}/commits", p.number),
        "review_comments_url": format!("{u}/pulls/{}/comments", p.number),
        "review_comment_url": format!("{u}/pulls/comments{{/number}}"),
        "comments_url": format!("{u}/issues/{}/comments", p.number),
        "statuses_url": format!("{u}/statuses/{head_sha}"),
        "number": p.number, "state": p.state, "locked": false, "title": p.title, "user": user, "body": p.body,
        "labels": [], "milestone": null, "active_lock_reason": null,
        "created_at": iso_secs(p.created_ms), "updated_at": iso_secs(p.updated_ms),
        "closed_at": p.closed_ms.map(iso_secs), "merged_at": p.merged_ms.map(iso_secs),
        "merge_commit_sha": p.merge_commit_sha, "assignee": null, "assignees": [], "requested_reviewers": [],
        "requested_teams": [], "head": side(&p.head, &head_sha), "base": side(&p.base, &base_sha),
        "_links": {"self": {"href": format!("{u}/pulls/{}", p.number)}, "html": {"href": html}},
        "author_association": "OWNER", "auto_merge": null, "draft": p.draft,
        "merged": merged, "mergeable": mergeable, "rebaseable": mergeable, "mergeable_state": mergeable_state,
        "merged_by": if merged { user_json(st, &login, uid, false) } else { Value::Null },
        "comments": 0, "review_comments": 0, "maintainer_can_modify": false,
        "commits": changes.0, "additions": changes.1, "deletions": changes.2, "changed_files": changes.3,
    })
}

/// (commits, additions, deletions, changed files) of head over base.
fn diff_stats(r: &Repo, base: &str, head: &str) -> (usize, u64, u64, usize) {
    if base.is_empty() || head.is_empty() {
        return (0, 0, 0, 0);
    }
    let commits = only_in(r, head, base).len();
    let old = r
        .git
        .merge_base(base, head)
        .map(|m| flat_of(r, &m))
        .unwrap_or_default();
    let new = flat_of(r, head);
    let d = git::diff(&old, &new);
    let lines = |e: &Option<(String, String)>| {
        e.as_ref()
            .and_then(|(_, s)| r.git.blob(s))
            .map_or(0, |b| String::from_utf8_lossy(b).lines().count() as u64)
    };
    let add: u64 = d.iter().map(|x| lines(&x.3)).sum();
    let del: u64 = d.iter().map(|x| lines(&x.2)).sum();
    (commits, add, del, d.len())
}

/// `POST pulls` (`pulls/create`): `title`, `head` (`branch` or `owner:branch`), `base`, `body`,
/// `draft`.
async fn create_pull(State(st): St, Path((owner, name)): RepoPath, body: Bytes) -> Response {
    let r = ready!(st, owner, name, PULLS_DOC);
    let b = match body_object(&body, PULLS_DOC) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let (Some(head_in), Some(base)) = (
        b.get("head").and_then(Value::as_str),
        b.get("base").and_then(Value::as_str),
    ) else {
        return unprocessable(
            "Invalid request.\n\n\"head\" and \"base\" weren't supplied.",
            PULLS_DOC,
        );
    };
    let Some(title) = b.get("title").and_then(Value::as_str) else {
        return unprocessable("Invalid request.\n\n\"title\" wasn't supplied.", PULLS_DOC);
    };
    let head = match head_in.split_once(':') {
        Some((o, h)) if o.eq_ignore_ascii_case(&r.owner) => h.to_string(),
        Some(_) => String::new(),
        None => head_in.to_string(),
    };
    let (Some(head_sha), Some(base_sha)) =
        (r.git.branch(&head).cloned(), r.git.branch(base).cloned())
    else {
        let field = if r.git.branch(base).is_none() {
            "base"
        } else {
            "head"
        };
        return validation(
            json!([{"resource": "PullRequest", "field": field, "code": "invalid"}]),
            PULLS_DOC,
        );
    };
    if r.pulls
        .iter()
        .any(|p| p.state == "open" && p.head == head && p.base == base)
    {
        return validation(
            json!([{"resource": "PullRequest", "code": "custom", "message": format!("A pull request already exists for {}:{head}.", r.owner)}]),
            PULLS_DOC,
        );
    }
    if only_in(&r, &head_sha, &base_sha).is_empty() {
        return validation(
            json!([{"resource": "PullRequest", "code": "custom", "message": format!("No commits between {base} and {head}")}]),
            PULLS_DOC,
        );
    }
    let now = now_ms();
    let login = st.read(|w| w.seed.github_user.clone());
    let made = st.mutate(|w| {
        let pid = w.ids.number();
        let repo = w.github.repos.iter_mut().find(|x| x.id == r.id)?;
        let p = Pull {
            number: repo.pulls.iter().map(|p| p.number).max().unwrap_or(0) + 1,
            id: pid,
            title: title.to_string(),
            body: b.get("body").and_then(Value::as_str).map(str::to_string),
            head: head.clone(),
            base: base.to_string(),
            draft: b.get("draft").and_then(Value::as_bool).unwrap_or(false),
            state: "open".into(),
            user: login.clone(),
            created_ms: now,
            updated_ms: now,
            closed_ms: None,
            merged_ms: None,
            merge_commit_sha: None,
            closed_shas: None,
            checked: None,
        };
        repo.pulls.push(p.clone());
        Some((repo.clone(), p))
    });
    let Some((repo, p)) = made else {
        return repo_not_found(PULLS_DOC);
    };
    let v = pull_json(&st, &repo, &p, None);
    let url = v["url"].as_str().unwrap_or_default().to_string();
    with_header(json_response(201, v), "location", url)
}

/// `GET pulls` (`pulls/list`): `state` (open, closed, all), `head` (`owner:branch`), `base`,
/// newest first, paged.
async fn list_pulls(
    State(st): St,
    Path((owner, name)): RepoPath,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let what = "pulls/pulls#list-pull-requests";
    let Some(r) = find(&st, &owner, &name) else {
        return repo_not_found(what);
    };
    let state = q.get("state").map(String::as_str).unwrap_or("open");
    let head = q.get("head").map(|h| match h.split_once(':') {
        Some((o, b)) => (Some(o.to_string()), b.to_string()),
        None => (None, h.clone()),
    });
    let mut pulls: Vec<&Pull> = r
        .pulls
        .iter()
        .filter(|p| state == "all" || p.state == state)
        .filter(|p| q.get("base").is_none_or(|b| *b == p.base))
        .filter(|p| match &head {
            None => true,
            Some((o, b)) => {
                *b == p.head && o.as_ref().is_none_or(|o| o.eq_ignore_ascii_case(&r.owner))
            }
        })
        .collect();
    match q.get("sort").map(String::as_str) {
        Some("updated") => pulls.sort_by_key(|p| (p.updated_ms, p.number)),
        _ => pulls.sort_by_key(|p| (p.created_ms, p.number)),
    }
    // Newest first unless `direction=asc` (GitHub's default is `desc` for `created`).
    if q.get("direction").map(String::as_str) != Some("asc") {
        pulls.reverse();
    }
    let per_page = query_num(&q, "per_page", 30, 1, i64::MAX)
        .unwrap_or(30)
        .min(100) as usize;
    let page = query_num(&q, "page", 1, 1, i64::MAX).unwrap_or(1) as usize;
    let total = pulls.len();
    let items: Vec<Value> = pulls
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|p| {
            let mut v = pull_json(&st, &r, p, None);
            // The list has no mergeability (pull-request-simple).
            for k in [
                "merged",
                "mergeable",
                "rebaseable",
                "mergeable_state",
                "merged_by",
                "comments",
                "review_comments",
                "maintainer_can_modify",
                "commits",
                "additions",
                "deletions",
                "changed_files",
            ] {
                if let Value::Object(m) = &mut v {
                    m.remove(k);
                }
            }
            v
        })
        .collect();
    let base = format!("{}/pulls?state={state}", repo_url(&st, &r));
    let resp = json_response(200, Value::Array(items));
    match link_header(&base, per_page, page, total) {
        Some(l) => with_header(resp, "link", l),
        None => resp,
    }
}

/// `GET pulls/{number}` (`pulls/get`), with the lazy `mergeable`.
async fn get_pull(
    State(st): St,
    Path((owner, name, number)): Path<(String, String, u64)>,
) -> Response {
    let what = "pulls/pulls#get-a-pull-request";
    let Some(mut r) = find(&st, &owner, &name) else {
        return repo_not_found(what);
    };
    let Some(mut p) = r.pulls.iter().find(|p| p.number == number).cloned() else {
        return repo_not_found(what);
    };
    let (head_sha, base_sha) = pull_shas(&r, &p);
    let key = format!("{head_sha}:{base_sha}");
    let mergeable = if p.state != "open" {
        None
    } else if p.checked.as_deref() == Some(&key) {
        let merged = merged_flat(&r, &base_sha, &head_sha);
        if let Some(flat) = &merged {
            // "If `mergeable` is `true`, then `merge_commit_sha` will be the SHA of the
            // _test_ merge commit" (built here on a copy, not stored).
            let who = st.read(|w| w.agent(p.updated_ms));
            let tree = r.git.build(flat);
            let test = r.git.put(Object::Commit(Commit {
                tree,
                parents: vec![base_sha.clone(), head_sha.clone()],
                message: format!("Merge {head_sha} into {base_sha}"),
                author: who.clone(),
                committer: who,
            }));
            p.merge_commit_sha = Some(test);
        }
        Some(merged.is_some())
    } else {
        // The first read after a change starts the background check.
        change(&st, r.id, |x, _| {
            if let Some(q) = x.pulls.iter_mut().find(|q| q.number == number) {
                q.checked = Some(key.clone());
            }
        });
        None
    };
    json_response(200, pull_json(&st, &r, &p, mergeable))
}

/// `GET pulls/{number}/merge` (`pulls/check-if-merged`): 204 when merged, else 404.
async fn check_merged(
    State(st): St,
    Path((owner, name, number)): Path<(String, String, u64)>,
) -> Response {
    let merged = find(&st, &owner, &name)
        .and_then(|r| r.pulls.iter().find(|p| p.number == number).cloned())
        .is_some_and(|p| p.merged_ms.is_some());
    if merged {
        axum::http::StatusCode::NO_CONTENT.into_response()
    } else {
        repo_not_found("pulls/pulls#check-if-a-pull-request-has-been-merged")
    }
}

/// `PATCH pulls/{number}` (`pulls/update`): `title`, `body`, `state` (`open`, `closed`),
/// `base` (an existing branch). A merged pull request cannot be reopened.
async fn update_pull(
    State(st): St,
    Path((owner, name, number)): Path<(String, String, u64)>,
    body: Bytes,
) -> Response {
    let what = "pulls/pulls#update-a-pull-request";
    let Some(r) = find(&st, &owner, &name) else {
        return repo_not_found(what);
    };
    let Some(p) = r.pulls.iter().find(|p| p.number == number).cloned() else {
        return repo_not_found(what);
    };
    let b = match json_body(&body) {
        Some(Value::Object(b)) => b,
        Some(Value::Null) => Map::new(),
        _ => return errors::github(400, "Problems parsing JSON", &doc(what)),
    };
    let state = b.get("state").and_then(Value::as_str);
    if let Some(s) = state {
        if s != "open" && s != "closed" {
            return unprocessable(
                &format!(
                    "Invalid request.\n\nFor 'properties/state', \"{s}\" is not a member of enum."
                ),
                what,
            );
        }
    }
    let base = b.get("base").and_then(Value::as_str);
    if let Some(base) = base {
        if r.git.branch(base).is_none() {
            return validation(
                json!([{"resource": "PullRequest", "field": "base", "code": "invalid"}]),
                what,
            );
        }
    }
    if state == Some("open") && p.state == "closed" {
        if p.merged_ms.is_some() {
            return validation(
                json!([{"resource": "PullRequest", "code": "custom", "field": "state", "message": "state cannot be changed. The pull request has been merged."}]),
                what,
            );
        }
        let target = base.unwrap_or(&p.base);
        if r.pulls
            .iter()
            .any(|q| q.state == "open" && q.head == p.head && q.base == target)
        {
            return validation(
                json!([{"resource": "PullRequest", "code": "custom", "message": format!("A pull request already exists for {}:{}.", r.owner, p.head)}]),
                what,
            );
        }
    }
    let now = now_ms();
    let updated = change(&st, r.id, |x, _| {
        let (head_sha, base_sha) = {
            let q = x.pulls.iter().find(|q| q.number == number)?;
            pull_shas(x, q)
        };
        let q = x.pulls.iter_mut().find(|q| q.number == number)?;
        if let Some(t) = b.get("title").and_then(Value::as_str) {
            q.title = t.to_string();
        }
        if let Some(v) = b.get("body") {
            q.body = v.as_str().map(str::to_string);
        }
        if let Some(base) = base {
            q.base = base.to_string();
            q.checked = None;
        }
        match state {
            Some("closed") if q.state == "open" => {
                q.state = "closed".into();
                q.closed_ms = Some(now);
                q.closed_shas = Some((head_sha, base_sha));
            }
            Some("open") if q.state == "closed" => {
                q.state = "open".into();
                q.closed_ms = None;
                q.closed_shas = None;
                q.checked = None;
            }
            _ => {}
        }
        q.updated_ms = now;
        let q = q.clone();
        Some((x.clone(), q))
    });
    match updated.flatten() {
        Some((x, q)) => json_response(200, pull_json(&st, &x, &q, None)),
        None => repo_not_found(what),
    }
}

/// `PUT pulls/{number}/merge` (`pulls/merge`): `sha` (must be the head, else 409),
/// `merge_method` (`merge`: a commit with the base and the head as parents; `squash`: one
/// parent), `commit_title`, `commit_message`. 405 when not mergeable (closed, draft, conflicts).
async fn merge_pull(
    State(st): St,
    Path((owner, name, number)): Path<(String, String, u64)>,
    body: Bytes,
) -> Response {
    let what = "pulls/pulls#merge-a-pull-request";
    let Some(r) = find(&st, &owner, &name) else {
        return repo_not_found(what);
    };
    let Some(p) = r.pulls.iter().find(|p| p.number == number).cloned() else {
        return repo_not_found(what);
    };
    // The body is optional.
    let b = match json_body(&body) {
        Some(Value::Object(b)) => b,
        Some(Value::Null) => Map::new(),
        _ => return errors::github(400, "Problems parsing JSON", &doc(what)),
    };
    let not_mergeable = |m: &str| errors::github(405, m, &doc(what));
    if p.state != "open" {
        return not_mergeable("Pull Request is not mergeable");
    }
    let (head_sha, base_sha) = pull_shas(&r, &p);
    if let Some(given) = b.get("sha").and_then(Value::as_str) {
        if given != head_sha {
            return errors::github(
                409,
                "Head branch was modified. Review and try the merge again.",
                &doc(what),
            );
        }
    }
    if p.draft {
        return not_mergeable("Pull Request is still a draft");
    }
    let method = b
        .get("merge_method")
        .and_then(Value::as_str)
        .unwrap_or("merge");
    if !matches!(method, "merge" | "squash" | "rebase") {
        return unprocessable(
            &format!("Invalid request.\n\nFor 'properties/merge_method', \"{method}\" is not a member of enum."),
            what,
        );
    }
    let Some(flat) = merged_flat(&r, &base_sha, &head_sha) else {
        return not_mergeable("Pull Request is not mergeable");
    };
    let title = b.get("commit_title").and_then(Value::as_str);
    let extra = b.get("commit_message").and_then(Value::as_str);
    let (parents, message) = if method == "merge" {
        let t = title.map_or_else(
            || format!("Merge pull request #{number} from {}/{}", r.owner, p.head),
            str::to_string,
        );
        (
            vec![base_sha.clone(), head_sha.clone()],
            format!("{t}\n\n{}", extra.unwrap_or(&p.title)),
        )
    } else {
        let t = title.map_or_else(|| format!("{} (#{number})", p.title), str::to_string);
        let list: Vec<String> = only_in(&r, &head_sha, &base_sha)
            .iter()
            .filter_map(|s| r.git.commit(s).map(|c| format!("* {}", c.message)))
            .collect();
        (
            vec![base_sha.clone()],
            format!(
                "{t}\n\n{}",
                extra.map_or_else(|| list.join("\n\n"), str::to_string)
            ),
        )
    };
    let now = now_ms();
    let merged = change(&st, r.id, |x, who| {
        let sha = if method == "rebase" {
            // Each commit of the head, replayed on the base: its own change, a new committer.
            let mut cur = base_sha.clone();
            for c in only_in(x, &head_sha, &base_sha) {
                let Some(commit) = x.git.commit(&c).cloned() else {
                    continue;
                };
                let before = commit
                    .parents
                    .first()
                    .map(|p| flat_of(x, p))
                    .unwrap_or_default();
                let mut next = flat_of(x, &cur);
                for (path, _, _, new) in git::diff(&before, &flat_of(x, &c)) {
                    match new {
                        Some(e) => next.insert(path, e),
                        None => next.remove(&path),
                    };
                }
                let tree = x.git.build(&next);
                cur = x.git.put(Object::Commit(Commit {
                    tree,
                    parents: vec![cur],
                    message: commit.message,
                    author: commit.author,
                    committer: who.clone(),
                }));
            }
            cur
        } else {
            let tree = x.git.build(&flat);
            x.git.put(Object::Commit(Commit {
                tree,
                parents: parents.clone(),
                message: message.clone(),
                author: who.clone(),
                committer: who.clone(),
            }))
        };
        x.git
            .refs
            .insert(format!("refs/heads/{}", p.base), sha.clone());
        if let Some(q) = x.pulls.iter_mut().find(|q| q.number == number) {
            q.state = "closed".into();
            q.closed_ms = Some(now);
            q.merged_ms = Some(now);
            q.updated_ms = now;
            q.merge_commit_sha = Some(sha.clone());
            q.closed_shas = Some((head_sha.clone(), sha.clone()));
        }
        sha
    });
    match merged {
        Some(sha) => json_response(
            200,
            json!({"sha": sha, "merged": true, "message": "Pull Request successfully merged"}),
        ),
        None => repo_not_found(what),
    }
}

// ---------------------------------------------------------------- a person's commit (admin)

/// `POST /__sim/github/commit`: someone (not Fabrik) commits onto a branch of a repository, as
/// from their own clone: `{"repo": "owner/name", "branch": "b", "from"?: "main", "message"?,
/// "author"?: {"name", "email"}, "files": {"path": "content" | null}}` (`null` deletes the path).
/// A branch that does not exist yet starts at `from` (default branch when absent). Answers 201
/// `{"commit", "tree", "branch", "parents"}`; 400 for a bad body, 404 for an unknown repository,
/// 422 for an unknown `from`. Not authenticated, not rate limited.
pub async fn admin_commit(State(st): St, body: Bytes) -> Response {
    let bad = |m: &str| json_response(400, json!({"error": m}));
    let Ok(Value::Object(b)) = serde_json::from_slice::<Value>(&body) else {
        return bad("the body must be a JSON object");
    };
    let (Some(full), Some(branch)) = (
        b.get("repo").and_then(Value::as_str),
        b.get("branch").and_then(Value::as_str),
    ) else {
        return bad("`repo` (\"owner/name\") and `branch` are required");
    };
    let Some(Value::Object(files)) = b.get("files") else {
        return bad("`files` must be an object of path: content (or null to delete)");
    };
    let mut changes = vec![];
    for (path, v) in files {
        match v {
            Value::String(s) => changes.push((
                path.trim_matches('/').to_string(),
                Some(s.as_bytes().to_vec()),
            )),
            Value::Null => changes.push((path.trim_matches('/').to_string(), None)),
            _ => return bad("each `files` value must be a string or null"),
        }
    }
    let Some((owner, name)) = full.split_once('/') else {
        return bad("`repo` must be \"owner/name\"");
    };
    let Some(r) = find(&st, owner, name) else {
        return json_response(404, json!({"error": "no such repository"}));
    };
    let start = match r.git.branch(branch) {
        Some(s) => s.clone(),
        None => {
            let from = b
                .get("from")
                .and_then(Value::as_str)
                .unwrap_or(&r.default_branch);
            match r.git.resolve(from) {
                Some(s) => s,
                None => {
                    return json_response(
                        422,
                        json!({"error": format!("no branch or commit `{from}`")}),
                    )
                }
            }
        }
    };
    let now = now_ms();
    let who = Person {
        name: b
            .get("author")
            .and_then(|a| a["name"].as_str())
            .unwrap_or("A Person")
            .to_string(),
        email: b
            .get("author")
            .and_then(|a| a["email"].as_str())
            .unwrap_or("person@example.com")
            .to_string(),
        date_ms: now,
    };
    let message = b
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("Edit files")
        .to_string();
    let done = change(&st, r.id, |x, _| {
        let sha = x
            .git
            .commit_changes(vec![start.clone()], &changes, &message, &who);
        x.git
            .refs
            .insert(format!("refs/heads/{branch}"), sha.clone());
        let tree = x.git.tree_of(&sha).unwrap_or_default();
        (sha, tree)
    });
    match done {
        Some((sha, tree)) => json_response(
            201,
            json!({"commit": sha, "tree": tree, "branch": branch, "parents": [start]}),
        ),
        None => json_response(404, json!({"error": "no such repository"})),
    }
}
