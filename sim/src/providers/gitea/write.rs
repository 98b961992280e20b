//! Writing a Gitea repository's files as commits: one file created, updated or deleted
//! (repoCreateFile, repoUpdateFile, repoDeleteFile) or many in one commit (repoChangeFiles), with
//! Gitea's checks (the file's sha, paths, the branch) and its answers.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

use super::read::{contents_json, entry_at, At};
use super::{find, find_mut, visible, Doer, GErr, Urls};
use crate::errors::json_response;
use crate::git::{Commit, Flat, Object, Person, FILE_MODE};
use crate::state::AppState;
use crate::world::{iso_secs, now_ms, GiteaRepo, World};

type St = State<Arc<AppState>>;

#[derive(Debug, Default, Deserialize)]
pub(super) struct Identity {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CommitDates {
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    committer: Option<String>,
}

/// The options every write shares (`FileOptions` in Gitea: branch, new_branch, message,
/// author, committer, dates, signoff).
#[derive(Debug, Default, Deserialize)]
pub(super) struct Common {
    #[serde(default)]
    branch: Option<String>,
    #[serde(default)]
    new_branch: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    author: Option<Identity>,
    #[serde(default)]
    committer: Option<Identity>,
    #[serde(default)]
    dates: Option<CommitDates>,
    #[serde(default)]
    signoff: Option<bool>,
}

/// `ChangeFileOperation`.
#[derive(Debug, Deserialize)]
pub(super) struct FileOp {
    #[serde(default)]
    operation: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    sha: Option<String>,
    #[serde(default)]
    from_path: Option<String>,
}

/// `ChangeFilesOptions`.
#[derive(Debug, Deserialize)]
pub(super) struct ChangeFiles {
    #[serde(default)]
    files: Option<Vec<FileOp>>,
    #[serde(flatten)]
    common: Common,
}

/// `CreateFileOptions`, `UpdateFileOptions` and `DeleteFileOptions` in one.
#[derive(Debug, Deserialize)]
pub(super) struct OneFile {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    sha: Option<String>,
    #[serde(default)]
    from_path: Option<String>,
    #[serde(flatten)]
    common: Common,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Create,
    Update,
    Delete,
}

/// One checked operation.
#[derive(Debug)]
pub(super) struct Op {
    kind: Kind,
    path: String,
    from_path: String,
    content: Vec<u8>,
    sha: Option<String>,
}

/// A path inside the repository, as given: no empty, `.` or `..` component, no leading or
/// trailing `/`, no `.git` component. Gitea itself cleans `../x` or `/x` into `x` silently; the
/// simulator refuses them (422, Gitea's "malformed path component" error) so a client bug shows.
pub(super) fn check_path(p: &str) -> Result<String, GErr> {
    let bad = p.is_empty()
        || p.contains('\0')
        || p.split('/')
            .any(|c| c.is_empty() || c == "." || c == ".." || c.eq_ignore_ascii_case(".git"));
    if bad {
        return Err(GErr::invalid(format!(
            "path contains a malformed path component [path: {p}]"
        )));
    }
    Ok(p.to_string())
}

pub(super) fn decode(content: Option<&str>) -> Result<Vec<u8>, GErr> {
    base64::engine::general_purpose::STANDARD
        .decode(content.unwrap_or(""))
        .map_err(|e| GErr::invalid(e.to_string()))
}

pub(super) fn parse_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, GErr> {
    serde_json::from_slice(body).map_err(|e| GErr::invalid(format!("[]: {e}")))
}

pub(super) fn op_of(f: &FileOp) -> Result<Op, GErr> {
    let kind = match f.operation.as_deref() {
        Some("create") => Kind::Create,
        Some("update") => Kind::Update,
        Some("delete") => Kind::Delete,
        Some(o) => {
            return Err(GErr::invalid(format!(
                "[Operation]: the operation must be create, update or delete, not {o:?}"
            )))
        }
        None => return Err(GErr::invalid("[Operation]: Required")),
    };
    let path = check_path(f.path.as_deref().unwrap_or(""))?;
    let from_path = match f.from_path.as_deref() {
        Some(p) if !p.is_empty() && kind == Kind::Update => check_path(p)?,
        _ => path.clone(),
    };
    let content = if kind == Kind::Delete {
        vec![]
    } else {
        decode(f.content.as_deref())?
    };
    Ok(Op {
        kind,
        path,
        from_path,
        content,
        sha: f.sha.clone().filter(|s| !s.is_empty()),
    })
}

/// Gitea's default message when none is given: `Add a, b` / `Update c` / `Delete d`, one a line.
pub(super) fn default_message(ops: &[Op]) -> String {
    let list = |k: Kind| {
        ops.iter()
            .filter(|o| o.kind == k)
            .map(|o| o.path.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut lines = vec![];
    for (k, verb) in [
        (Kind::Create, "Add"),
        (Kind::Update, "Update"),
        (Kind::Delete, "Delete"),
    ] {
        let l = list(k);
        if !l.is_empty() {
            lines.push(format!("{verb} {l}"));
        }
    }
    lines.join("\n")
}

pub(super) fn parse_date(s: Option<&str>, default: i64) -> Result<i64, GErr> {
    match s.filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|d| d.timestamp_millis())
            .map_err(|e| GErr::invalid(format!("[Dates]: {e}"))),
    }
}

pub(super) fn identity(i: &Option<Identity>) -> Option<(String, String)> {
    let i = i.as_ref()?;
    let name = i.name.clone().unwrap_or_default();
    let email = i.email.clone().unwrap_or_default();
    (!name.is_empty() || !email.is_empty()).then_some((name, email))
}

/// What a write committed: the repository, the branch it moved and the commit.
pub(super) struct Written {
    branch: String,
    commit: String,
    paths: Vec<String>,
}

/// Checks every operation against the branch's head and applies them all in one commit, or
/// none: the checks Gitea's `ChangeRepoFiles` makes, in its order.
pub(super) fn apply(
    w: &mut World,
    owner: &str,
    name: &str,
    doer: &str,
    ops: Vec<Op>,
    common: &Common,
) -> Result<Written, GErr> {
    let now = now_ms();
    let r = find_mut(w, owner, name).ok_or_else(GErr::not_found)?;
    let old_branch = common
        .branch
        .clone()
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| r.default_branch.clone());
    let new_branch = common
        .new_branch
        .clone()
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| old_branch.clone());
    let head = r.git.branch(&old_branch).cloned();
    if head.is_none() && !r.is_empty() {
        return Err(GErr(
            404,
            format!("branch does not exist [name: {old_branch}]"),
        ));
    }
    if new_branch != old_branch && r.git.branch(&new_branch).is_some() {
        return Err(GErr::invalid(format!(
            "branch already exists [name: {new_branch}]"
        )));
    }
    let tree = head.as_ref().and_then(|h| r.git.tree_of(h));
    let at = |p: &str| tree.as_ref().and_then(|t| entry_at(&r.git, t, p));
    // Checks against the head, as Gitea's handleCheckErrors.
    for op in &ops {
        if op.kind != Kind::Create {
            let from = at(&op.from_path).filter(|e| !e.is_dir());
            let Some(from) = from else {
                return Err(GErr(
                    404,
                    format!("object does not exist [id: , rel_path: {}]", op.from_path),
                ));
            };
            match &op.sha {
                Some(sha) if *sha != from.sha => {
                    return Err(GErr::invalid(format!(
                        "sha does not match [given: {sha}, expected: {}]",
                        from.sha
                    )))
                }
                Some(_) => {}
                None => {
                    return Err(GErr::invalid(
                        "a SHA or commit ID must be proved when updating a file",
                    ))
                }
            }
        }
        if op.kind != Kind::Delete {
            let parts: Vec<&str> = op.path.split('/').collect();
            for i in 0..parts.len() {
                let sub = parts[..=i].join("/");
                let Some(e) = at(&sub) else { break };
                if i + 1 < parts.len() {
                    if !e.is_dir() {
                        return Err(GErr::invalid(format!("a file exists where you’re trying to create a subdirectory [path: {sub}]")));
                    }
                } else if e.is_dir() {
                    return Err(GErr::invalid(format!(
                        "a directory exists where you’re trying to create a file [path: {sub}]"
                    )));
                } else if op.kind == Kind::Create || op.from_path != op.path {
                    return Err(GErr::invalid(format!(
                        "repository file already exists [path: {}]",
                        op.path
                    )));
                }
            }
        }
    }
    // Apply in order on the head's files (a second create of one path in a batch is refused too).
    let mut flat: Flat = tree.as_ref().map(|t| r.git.flatten(t)).unwrap_or_default();
    for op in &ops {
        match op.kind {
            Kind::Create | Kind::Update => {
                if op.kind == Kind::Create && flat.contains_key(&op.path) {
                    return Err(GErr::invalid(format!(
                        "repository file already exists [path: {}]",
                        op.path
                    )));
                }
                let mode = flat
                    .get(&op.from_path)
                    .map(|(m, _)| m.clone())
                    .unwrap_or_else(|| FILE_MODE.into());
                flat.remove(&op.from_path);
                let sha = r.git.put_blob(&op.content);
                flat.insert(op.path.clone(), (mode, sha));
            }
            Kind::Delete => {
                flat.remove(&op.path);
            }
        }
    }
    // A path that is now both a file and a directory prefix cannot be written as a tree.
    for p in flat.keys() {
        let prefix = format!("{p}/");
        if let Some((q, _)) = flat.range(prefix.clone()..).next() {
            if q.starts_with(&prefix) {
                return Err(GErr::invalid(format!(
                    "a file exists where you’re trying to create a subdirectory [path: {p}]"
                )));
            }
        }
    }
    let new_tree = r.git.build(&flat);
    let author_id = identity(&common.author);
    let committer_id = identity(&common.committer);
    let doer_id = (doer.to_string(), format!("{doer}@noreply.localhost"));
    let (author_id, committer_id) = match (author_id, committer_id) {
        (Some(a), Some(c)) => (a, c),
        (Some(a), None) => (a.clone(), a),
        (None, Some(c)) => (c.clone(), c),
        (None, None) => (doer_id.clone(), doer_id),
    };
    let dates = common.dates.as_ref();
    let author_ms = parse_date(dates.and_then(|d| d.author.as_deref()), now)?;
    let committer_ms = parse_date(dates.and_then(|d| d.committer.as_deref()), now)?;
    let mut message = common
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| default_message(&ops));
    if common.signoff == Some(true) {
        message.push_str(&format!(
            "\n\nSigned-off-by: {} <{}>",
            committer_id.0, committer_id.1
        ));
    }
    message.push('\n');
    let commit = r.git.put(Object::Commit(Commit {
        tree: new_tree,
        parents: head.into_iter().collect(),
        message,
        author: Person {
            name: author_id.0,
            email: author_id.1,
            date_ms: author_ms,
        },
        committer: Person {
            name: committer_id.0,
            email: committer_id.1,
            date_ms: committer_ms,
        },
    }));
    r.git
        .refs
        .insert(format!("refs/heads/{new_branch}"), commit.clone());
    r.updated_ms = now;
    Ok(Written {
        branch: new_branch,
        commit,
        paths: ops.into_iter().map(|o| o.path).collect(),
    })
}

pub(super) fn person_json(p: &Person) -> Value {
    json!({"name": p.name, "email": p.email, "date": iso_secs(p.date_ms)})
}

/// `FileCommitResponse` of a commit.
pub(super) fn commit_json(r: &GiteaRepo, sha: &str, urls: &Urls) -> Value {
    let full = r.full_name();
    let Some(c) = r.git.commit(sha) else {
        return Value::Null;
    };
    let meta = |kind: &str, s: &str, ms: Option<i64>| {
        let mut v = json!({"url": format!("{}/repos/{full}/git/{kind}/{s}", urls.api), "sha": s});
        if let Some(ms) = ms {
            v["created"] = json!(iso_secs(ms));
        }
        v
    };
    json!({
        "url": format!("{}/repos/{full}/git/commits/{sha}", urls.api),
        "sha": sha,
        "created": iso_secs(c.committer.date_ms),
        "html_url": format!("{}/{full}/commit/{sha}", urls.html),
        "author": person_json(&c.author),
        "committer": person_json(&c.committer),
        "parents": c.parents.iter().map(|p| meta("commits", p, r.git.commit(p).map(|pc| pc.committer.date_ms))).collect::<Vec<_>>(),
        "message": c.message,
        "tree": meta("trees", &c.tree, Some(c.committer.date_ms)),
    })
}

/// An unsigned commit's `PayloadCommitVerification`.
pub(super) fn verification() -> Value {
    json!({"verified": false, "reason": "gpg.error.not_signed_commit", "signature": "", "signer": null, "payload": ""})
}

/// `FilesResponse`: each path at the new commit (`null` for a deleted one), the commit, its
/// verification.
pub(super) fn files_response(r: &GiteaRepo, wr: &Written, urls: &Urls) -> Value {
    let at = At {
        ref_name: wr.branch.clone(),
        is_branch: true,
        commit: wr.commit.clone(),
    };
    let tree = r.git.tree_of(&wr.commit).unwrap_or_default();
    let files: Vec<Value> = wr
        .paths
        .iter()
        .map(|p| match entry_at(&r.git, &tree, p) {
            Some(e) if !e.is_dir() => contents_json(r, &at, p, &e, true, urls),
            _ => Value::Null,
        })
        .collect();
    json!({"files": files, "commit": commit_json(r, &wr.commit, urls), "verification": verification()})
}

/// Runs a write and answers `status` with `FilesResponse`, or with the first file only
/// (`FileResponse` / `FileDeleteResponse`) when `single`.
pub(super) async fn write(
    st: &AppState,
    doer: &Doer,
    (owner, name): (&str, &str),
    (ops, common): (Result<Vec<Op>, GErr>, Common),
    status: u16,
    single: bool,
) -> Response {
    let urls = Urls::of(st);
    let login = doer.0.clone().unwrap_or_default();
    let res: Result<Value, GErr> = st.mutate(|w| {
        // An invisible repository is a 404 before the body is looked at.
        visible(w, doer, owner, name)?;
        let ops = ops?;
        let wr = apply(w, owner, name, &login, ops, &common)?;
        let r = find(w, owner, name).ok_or_else(GErr::not_found)?;
        let files = files_response(r, &wr, &urls);
        Ok(if single {
            json!({"content": files["files"][0], "commit": files["commit"], "verification": files["verification"]})
        } else {
            files
        })
    });
    match res {
        Ok(v) => json_response(status, v),
        Err(e) => e.into_response(&st.base_url),
    }
}

/// `POST /repos/{owner}/{repo}/contents` (repoChangeFiles): many files, one commit, 201.
pub(super) async fn change_files(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    Path((owner, name)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let parsed: Result<ChangeFiles, GErr> = parse_body(&body);
    let (ops, common) = match parsed {
        Ok(b) => {
            let ops = match b.files.as_deref() {
                None | Some([]) => Err(GErr::invalid("[Files]: Required")),
                Some(files) => files.iter().map(op_of).collect(),
            };
            (ops, b.common)
        }
        Err(e) => (Err(e), Common::default()),
    };
    write(&st, &doer, (&owner, &name), (ops, common), 201, false).await
}

pub(super) fn one_file(body: &Bytes, kind: Kind, path: &str) -> (Result<Vec<Op>, GErr>, Common) {
    let parsed: Result<OneFile, GErr> = parse_body(body);
    match parsed {
        Ok(b) => {
            let op = FileOp {
                operation: Some(
                    match kind {
                        Kind::Create => "create",
                        Kind::Update => "update",
                        Kind::Delete => "delete",
                    }
                    .into(),
                ),
                path: Some(path.to_string()),
                content: b.content.clone(),
                sha: b.sha.clone(),
                from_path: b.from_path.clone(),
            };
            let required = match kind {
                Kind::Create if b.content.is_none() => Some("[Content]: Required"),
                Kind::Update if b.content.is_none() => Some("[Content]: Required"),
                Kind::Update | Kind::Delete if b.sha.as_deref().unwrap_or("").is_empty() => {
                    Some("[SHA]: Required")
                }
                _ => None,
            };
            let ops = match required {
                Some(m) => Err(GErr::invalid(m)),
                None => op_of(&op).map(|o| vec![o]),
            };
            (ops, b.common)
        }
        Err(e) => (Err(e), Common::default()),
    }
}

/// `POST /repos/{owner}/{repo}/contents/{filepath}` (repoCreateFile): 201 `FileResponse`.
pub(super) async fn create_file(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    Path((owner, name, path)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let req = one_file(&body, Kind::Create, &path);
    write(&st, &doer, (&owner, &name), req, 201, true).await
}

/// `PUT /repos/{owner}/{repo}/contents/{filepath}` (repoUpdateFile): 200 `FileResponse`.
pub(super) async fn update_file(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    Path((owner, name, path)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let req = one_file(&body, Kind::Update, &path);
    write(&st, &doer, (&owner, &name), req, 200, true).await
}

/// `DELETE /repos/{owner}/{repo}/contents/{filepath}` (repoDeleteFile): 200
/// `FileDeleteResponse` (`content` is null).
pub(super) async fn delete_file(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    Path((owner, name, path)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let req = one_file(&body, Kind::Delete, &path);
    write(&st, &doer, (&owner, &name), req, 200, true).await
}

// ------------------------------------------------------------------ test surface
