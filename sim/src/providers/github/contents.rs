//! A repository's commits, branches and files through GitHub's REST API (`commits`,
//! `branches`, `contents`): listing and reading them, and writing a file as a commit.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use base64::Engine;
use serde_json::{json, Value};

use super::{
    api, change, commit_json, diff_entries, doc, find, link_header, ready_repo, repo_not_found,
    unsigned, wrapped_base64,
};
use crate::errors::{self, json_response, with_header};
use crate::git::{Flat, Person, TreeEntry};
use crate::providers::query_num;
use crate::state::AppState;
use crate::world::{now_ms, Repo};

type St = State<Arc<AppState>>;

pub(super) const LIST_COMMITS_DOC: &str = "commits/commits#list-commits";

/// `GET /repos/{o}/{r}/commits` (`repos/list-commits`): the history from `sha` (a branch or a
/// commit; the default branch when absent), newest first, only commits that changed `path` when
/// given, paged by `per_page` (≤ 100, default 30) and `page` with a `Link` header. 409 "Git
/// Repository is empty." until the template copy is done.
pub(super) async fn commits(
    State(st): St,
    Path((owner, name)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r = match ready_repo(&st, &owner, &name, LIST_COMMITS_DOC) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let from = q.get("sha").map(String::as_str);
    let Some(head) = r.commit_at(from) else {
        return errors::github(404, "Not Found", &doc(LIST_COMMITS_DOC));
    };
    let per_page = query_num(&q, "per_page", 30, 1, i64::MAX)
        .unwrap_or(30)
        .min(100) as usize;
    let page = query_num(&q, "page", 1, 1, i64::MAX).unwrap_or(1) as usize;
    let mut log = r.git.log(&head);
    if let Some(path) = q.get("path").map(|p| p.trim_matches('/').to_string()) {
        let touched = |flat: &Flat| -> Vec<(String, String)> {
            let prefix = format!("{path}/");
            flat.iter()
                .filter(|(p, _)| **p == path || p.starts_with(&prefix))
                .map(|(p, (_, s))| (p.clone(), s.clone()))
                .collect()
        };
        log.retain(|sha| {
            let Some(c) = r.git.commit(sha) else {
                return false;
            };
            let mine = touched(&r.git.flatten(&c.tree));
            let parent = c
                .parents
                .first()
                .and_then(|p| r.git.tree_of(p))
                .map(|t| touched(&r.git.flatten(&t)))
                .unwrap_or_default();
            mine != parent
        });
    }
    let total = log.len();
    let items: Vec<Value> = log
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|sha| commit_json(&st, &r, sha))
        .collect();
    let mut base = format!("{}/repos/{}/commits", api(&st), r.full_name());
    let mut params = vec![];
    for k in ["sha", "path"] {
        if let Some(v) = q.get(k) {
            params.push(format!("{k}={v}"));
        }
    }
    if !params.is_empty() {
        base = format!("{base}?{}", params.join("&"));
    }
    let resp = json_response(200, Value::Array(items));
    match link_header(&base, per_page, page, total) {
        Some(l) => with_header(resp, "link", l),
        None => resp,
    }
}

/// `GET /repos/{o}/{r}/commits/{ref}` (`repos/get-commit`): one commit with `stats` and `files`
/// (its changes from its first parent). 422 "No commit found for SHA: …" for an unknown ref.
pub(super) async fn commit_one(
    State(st): St,
    Path((owner, name, git_ref)): Path<(String, String, String)>,
) -> Response {
    let what = "commits/commits#get-a-commit";
    let r = match ready_repo(&st, &owner, &name, what) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let Some(sha) = r.commit_at(Some(&git_ref)) else {
        return json_response(
            422,
            json!({"message": format!("No commit found for SHA: {git_ref}"), "documentation_url": doc(what), "status": "422"}),
        );
    };
    let c = r.git.commit(&sha).cloned().expect("resolved commit");
    let new = r.git.flatten(&c.tree);
    let old = c
        .parents
        .first()
        .and_then(|p| r.git.tree_of(p))
        .map(|t| r.git.flatten(&t))
        .unwrap_or_default();
    let files = diff_entries(&st, &r, &old, &new, &sha);
    let additions: u64 = files
        .iter()
        .map(|f| f["additions"].as_u64().unwrap_or(0))
        .sum();
    let deletions: u64 = files
        .iter()
        .map(|f| f["deletions"].as_u64().unwrap_or(0))
        .sum();
    let mut v = commit_json(&st, &r, &sha);
    v["stats"] =
        json!({"total": additions + deletions, "additions": additions, "deletions": deletions});
    v["files"] = json!(files);
    json_response(200, v)
}

/// `GET /repos/{o}/{r}/branches/{b}` (`repos/get-branch`): any branch; 404 "Branch not found"
/// for another name, and for every name while the repository is empty.
pub(super) async fn branch(
    State(st): St,
    Path((owner, name, b)): Path<(String, String, String)>,
) -> Response {
    let Some(r) = find(&st, &owner, &name) else {
        return repo_not_found("branches/branches#get-a-branch");
    };
    let head = r.git.branch(&b).cloned();
    let Some(head) = head.filter(|_| !r.is_empty_at(now_ms())) else {
        return errors::github(
            404,
            "Branch not found",
            &doc("branches/branches#get-a-branch"),
        );
    };
    let u = format!("{}/repos/{}", api(&st), r.full_name());
    json_response(
        200,
        json!({"name": b, "commit": commit_json(&st, &r, &head), "_links": {"self": format!("{u}/branches/{b}"), "html": format!("https://github.com/{}/tree/{b}", r.full_name())}, "protected": false, "protection_url": format!("{u}/branches/{b}/protection")}),
    )
}

/// One entry of `repos/get-content` (`content-file`, or an item of `content-directory`): the
/// links GitHub gives at `git_ref`, and `content` (Base64) when `content` is `Some`.
pub(super) fn content_item(
    st: &AppState,
    r: &Repo,
    path: &str,
    entry: &TreeEntry,
    git_ref: &str,
    content: Option<&[u8]>,
) -> Value {
    let full = r.full_name();
    let u = format!("{}/repos/{full}/contents/{path}?ref={git_ref}", api(st));
    let name = path.rsplit('/').next().unwrap_or(path);
    let dir = entry.is_dir();
    let sha = &entry.sha;
    let size = if dir {
        0
    } else {
        r.git.blob(sha).map_or(0, <[u8]>::len)
    };
    let git = if dir {
        format!("{}/repos/{full}/git/trees/{sha}", api(st))
    } else {
        format!("{}/repos/{full}/git/blobs/{sha}", api(st))
    };
    let html = if dir {
        format!("https://github.com/{full}/tree/{git_ref}/{path}")
    } else {
        format!("https://github.com/{full}/blob/{git_ref}/{path}")
    };
    let download = if dir {
        Value::Null
    } else {
        json!(format!(
            "https://raw.githubusercontent.com/{full}/{git_ref}/{path}"
        ))
    };
    let mut v = json!({
        "type": if dir { "dir" } else { "file" }, "name": name, "path": path, "sha": sha, "size": size,
        "url": u, "html_url": html, "git_url": git, "download_url": download,
        "_links": {"self": u, "git": git, "html": html}
    });
    if let Some(c) = content {
        v["encoding"] = json!("base64");
        v["content"] = json!(wrapped_base64(c));
    }
    v
}

/// The entry at `path` under the tree `root` (`path` "" is the root itself, as a directory).
pub(super) fn entry_at(r: &Repo, root: &str, path: &str) -> Option<TreeEntry> {
    let mut cur = TreeEntry {
        name: String::new(),
        mode: crate::git::DIR_MODE.into(),
        sha: root.to_string(),
    };
    for part in path.split('/').filter(|p| !p.is_empty()) {
        if !cur.is_dir() {
            return None;
        }
        cur = r
            .git
            .tree(&cur.sha)?
            .iter()
            .find(|e| e.name == part)?
            .clone();
    }
    Some(cur)
}

pub(super) const PUT_CONTENTS_DOC: &str = "repos/contents#create-or-update-file-contents";

/// `PUT /repos/{owner}/{repo}/contents/{path}` (`repos/create-or-update-file-contents`): one file
/// in one commit on `branch` (default branch when absent). 201 when created, 200 when replaced;
/// replacing without `sha` is a 422, with a stale `sha` a 409; `message` and `content` (base64)
/// are required.
pub(super) async fn put_contents(
    State(st): St,
    Path((owner, name, path)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let path = path.trim_matches('/').to_string();
    let invalid = |what: &str| {
        json_response(
            422,
            json!({"message": format!("Invalid request.\n\n{what}"), "documentation_url": doc(PUT_CONTENTS_DOC), "status": "422"}),
        )
    };
    let Ok(Value::Object(b)) = serde_json::from_slice::<Value>(&body) else {
        return errors::github(400, "Problems parsing JSON", &doc(PUT_CONTENTS_DOC));
    };
    let (Some(message), Some(content)) = (
        b.get("message").and_then(Value::as_str),
        b.get("content").and_then(Value::as_str),
    ) else {
        return invalid("\"message\" and \"content\" weren't supplied.");
    };
    let packed: String = content.split_whitespace().collect();
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(packed) else {
        return invalid("content is not valid Base64");
    };
    let sha = b.get("sha").and_then(Value::as_str).map(str::to_string);
    let Some(repo) = find(&st, &owner, &name) else {
        return repo_not_found(PUT_CONTENTS_DOC);
    };
    if repo.is_empty_at(now_ms()) {
        return errors::github(409, "Git Repository is empty.", &doc(PUT_CONTENTS_DOC));
    }
    let branch = b
        .get("branch")
        .and_then(Value::as_str)
        .unwrap_or(&repo.default_branch)
        .to_string();
    let Some(parent) = repo.git.branch(&branch).cloned() else {
        return errors::github(
            404,
            &format!("Branch {branch} not found"),
            &doc(PUT_CONTENTS_DOC),
        );
    };
    let existing = repo
        .flat_at(Some(&parent))
        .and_then(|f| f.get(&path).map(|(_, s)| s.clone()));
    match (&existing, &sha) {
        (Some(_), None) => return invalid("\"sha\" wasn't supplied."),
        (Some(current), Some(given)) if current != given => {
            return errors::github(
                409,
                &format!("{path} does not match {given}"),
                &doc(PUT_CONTENTS_DOC),
            )
        }
        _ => {}
    }
    let now = now_ms();
    let committed = st.mutate(|w| {
        let mut who = w.agent(now);
        if let Some(c) = b.get("committer") {
            if let (Some(n), Some(e)) = (c["name"].as_str(), c["email"].as_str()) {
                who = Person {
                    name: n.into(),
                    email: e.into(),
                    date_ms: now,
                };
            }
        }
        let r = w.github.repos.iter_mut().find(|r| r.id == repo.id)?;
        // The branch moved since it was read (another write landed in between): GitHub
        // answers 409 rather than drop that write from the history.
        if r.git.branch(&branch) != Some(&parent) {
            return Some(Err(()));
        }
        let commit = r.git.commit_changes(
            vec![parent.clone()],
            &[(path.clone(), Some(bytes.clone()))],
            message,
            &who,
        );
        r.git
            .refs
            .insert(format!("refs/heads/{branch}"), commit.clone());
        r.sync();
        Some(Ok((r.clone(), commit)))
    });
    let (r, commit) = match committed {
        Some(Ok(made)) => made,
        Some(Err(())) => {
            return errors::github(
                409,
                &format!("{branch} moved while {path} was written; read it again"),
                &doc(PUT_CONTENTS_DOC),
            )
        }
        None => return repo_not_found(PUT_CONTENTS_DOC),
    };
    let tree = r.git.tree_of(&commit).unwrap_or_default();
    let entry = entry_at(&r, &tree, &path).expect("the file just written");
    let c = &commit_json(&st, &r, &commit);
    json_response(
        if existing.is_some() { 200 } else { 201 },
        json!({
            "content": content_item(&st, &r, &path, &entry, &branch, None),
            "commit": {
                "sha": commit, "node_id": c["node_id"], "url": c["commit"]["url"], "html_url": c["html_url"],
                "author": c["commit"]["author"], "committer": c["commit"]["committer"], "message": message,
                "tree": c["commit"]["tree"], "parents": c["parents"], "verification": unsigned(),
            },
        }),
    )
}

pub(super) const GET_CONTENTS_DOC: &str = "repos/contents#get-repository-content";

pub(super) async fn contents_root(
    State(st): St,
    Path((owner, name)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    read_contents(&st, &owner, &name, "", q.get("ref").map(String::as_str))
}

pub(super) async fn contents(
    State(st): St,
    Path((owner, name, path)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    read_contents(
        &st,
        &owner,
        &name,
        path.trim_matches('/'),
        q.get("ref").map(String::as_str),
    )
}

/// `GET /repos/{owner}/{repo}/contents/{path}?ref=` (`repos/get-content`): a file (`content-file`,
/// Base64 `content`) or a directory (`content-directory`, in git's tree order) at `ref` (default
/// branch when absent; a branch, a tag or a commit sha, full or a prefix of at least 7). 404 for an
/// unknown ref or path.
pub(super) fn read_contents(
    st: &AppState,
    owner: &str,
    name: &str,
    path: &str,
    git_ref: Option<&str>,
) -> Response {
    let Some(r) = find(st, owner, name) else {
        return repo_not_found(GET_CONTENTS_DOC);
    };
    if r.is_empty_at(now_ms()) {
        return errors::github(404, "This repository is empty.", &doc(GET_CONTENTS_DOC));
    }
    let Some(tree) = r.commit_at(git_ref).and_then(|c| r.git.tree_of(&c)) else {
        return errors::github(
            404,
            &format!(
                "No commit found for the ref {}",
                git_ref.unwrap_or_default()
            ),
            &doc(GET_CONTENTS_DOC),
        );
    };
    let shown_ref = git_ref.unwrap_or(&r.default_branch);
    let Some(entry) = entry_at(&r, &tree, path) else {
        return repo_not_found(GET_CONTENTS_DOC);
    };
    if !entry.is_dir() {
        let bytes = r.git.blob(&entry.sha).unwrap_or_default();
        return json_response(
            200,
            content_item(st, &r, path, &entry, shown_ref, Some(bytes)),
        );
    }
    let prefix = if path.is_empty() {
        String::new()
    } else {
        format!("{path}/")
    };
    // Stored in git's tree order already.
    let items: Vec<Value> = r
        .git
        .tree(&entry.sha)
        .unwrap_or_default()
        .iter()
        .map(|e| content_item(st, &r, &format!("{prefix}{}", e.name), e, shown_ref, None))
        .collect();
    json_response(200, Value::Array(items))
}

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
