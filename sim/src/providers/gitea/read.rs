//! Reading a Gitea repository's files (repoGetContents): a file or a directory at a ref, with the
//! commit that last changed each entry.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use base64::Engine;
use serde_json::{json, Value};

use super::{visible, Doer, GErr, Urls};
use crate::errors::json_response;
use crate::git::{Git, TreeEntry};
use crate::state::AppState;
use crate::world::GiteaRepo;

type St = State<Arc<AppState>>;

/// The entry at `path` under a tree (`None` when absent; the root itself is not an entry).
pub(super) fn entry_at(git: &Git, tree: &str, path: &str) -> Option<TreeEntry> {
    let mut current = tree.to_string();
    let parts: Vec<&str> = path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let e = git
            .tree(&current)?
            .iter()
            .find(|e| e.name == *part)?
            .clone();
        if i + 1 == parts.len() {
            return Some(e);
        }
        if !e.is_dir() {
            return None;
        }
        current = e.sha;
    }
    None
}

/// The newest commit (from `head`) that changed `path`, as `git log -1 -- path`: a commit
/// whose entry at `path` differs from every parent's.
pub(super) fn last_commit(git: &Git, head: &str, path: &str) -> Option<String> {
    let at = |c: &str| git.tree_of(c).and_then(|t| entry_at(git, &t, path));
    for c in git.log(head) {
        let mine = at(&c);
        let commit = git.commit(&c)?;
        if commit.parents.is_empty() {
            return mine.map(|_| c);
        }
        if commit.parents.iter().all(|p| at(p) != mine) {
            return Some(c);
        }
    }
    None
}

/// How a read names its commit: the ref as given (branch, tag or commit) and the commit.
pub(super) struct At {
    pub(super) ref_name: String,
    pub(super) is_branch: bool,
    pub(super) commit: String,
}

pub(super) fn resolve(r: &GiteaRepo, git_ref: Option<&str>) -> Result<At, GErr> {
    let name = git_ref
        .filter(|s| !s.is_empty())
        .unwrap_or(&r.default_branch)
        .to_string();
    let commit = r.git.resolve(&name).ok_or_else(GErr::not_found)?;
    Ok(At {
        is_branch: r.git.branch(&name).is_some(),
        ref_name: name,
        commit,
    })
}

/// A `ContentsResponse` for the entry `e` at `path`; `with_content` for a file read on its own.
pub(super) fn contents_json(
    r: &GiteaRepo,
    at: &At,
    path: &str,
    e: &TreeEntry,
    with_content: bool,
    urls: &Urls,
) -> Value {
    let full = r.full_name();
    let kind = match e.mode.as_str() {
        "040000" => "dir",
        "120000" => "symlink",
        "160000" => "submodule",
        _ => "file",
    };
    let blob = r.git.blob(&e.sha);
    let size = blob.map_or(0, |b| b.len());
    let self_url = format!(
        "{}/repos/{full}/contents/{path}?ref={}",
        urls.api, at.ref_name
    );
    let git_url = format!(
        "{}/repos/{full}/git/{}/{}",
        urls.api,
        if kind == "dir" { "trees" } else { "blobs" },
        e.sha
    );
    let src = if at.is_branch { "branch" } else { "commit" };
    let html_url = format!("{}/{full}/src/{src}/{}/{path}", urls.html, at.ref_name);
    let download =
        (kind == "file").then(|| format!("{}/{full}/raw/{src}/{}/{path}", urls.html, at.ref_name));
    let (encoding, content) = if with_content && kind == "file" {
        let b64 = base64::engine::general_purpose::STANDARD.encode(blob.unwrap_or_default());
        (Some("base64"), Some(b64))
    } else {
        (None, None)
    };
    let target =
        (kind == "symlink").then(|| String::from_utf8_lossy(blob.unwrap_or_default()).into_owned());
    json!({
        "name": path.rsplit('/').next().unwrap_or(path),
        "path": path,
        "sha": e.sha,
        "last_commit_sha": last_commit(&r.git, &at.commit, path),
        "type": kind,
        "size": size,
        "encoding": encoding,
        "content": content,
        "target": target,
        "url": self_url,
        "html_url": html_url,
        "git_url": git_url,
        "download_url": download,
        "submodule_git_url": null,
        "_links": {"self": self_url, "git": git_url, "html": html_url},
    })
}

/// A file's `ContentsResponse` with content, or a directory's entries (the root for `""`).
pub(super) fn read_contents(
    r: &GiteaRepo,
    at: &At,
    path: &str,
    urls: &Urls,
) -> Result<Value, GErr> {
    let tree = r.git.tree_of(&at.commit).ok_or_else(GErr::not_found)?;
    let dir_tree = if path.is_empty() {
        tree
    } else {
        let e = entry_at(&r.git, &tree, path).ok_or_else(GErr::not_found)?;
        if !e.is_dir() {
            return Ok(contents_json(r, at, path, &e, true, urls));
        }
        e.sha
    };
    let entries: Vec<Value> = r
        .git
        .tree(&dir_tree)
        .unwrap_or_default()
        .iter()
        .map(|e| {
            let p = if path.is_empty() {
                e.name.clone()
            } else {
                format!("{path}/{}", e.name)
            };
            contents_json(r, at, &p, e, false, urls)
        })
        .collect();
    Ok(Value::Array(entries))
}

pub(super) async fn get_contents(
    st: &AppState,
    doer: &Doer,
    owner: &str,
    name: &str,
    path: &str,
    q: &HashMap<String, String>,
) -> Response {
    let urls = Urls::of(st);
    let path = path.trim_matches('/');
    let res = st.read(|w| {
        let r = visible(w, doer, owner, name)?;
        let at = resolve(r, q.get("ref").map(String::as_str))?;
        read_contents(r, &at, path, &urls)
    });
    match res {
        Ok(v) => json_response(200, v),
        Err(e) => e.into_response(&st.base_url),
    }
}

/// `GET /repos/{owner}/{repo}/contents/{filepath}?ref=` (repoGetContents).
pub(super) async fn contents_get(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    Path((owner, name, path)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    get_contents(&st, &doer, &owner, &name, &path, &q).await
}

/// `GET /repos/{owner}/{repo}/contents?ref=` (repoGetContentsList, the root directory).
pub(super) async fn contents_root(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    Path((owner, name)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    get_contents(&st, &doer, &owner, &name, "", &q).await
}

// ------------------------------------------------------------------ writing
