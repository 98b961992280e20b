//! Gitea API v1 (`/gitea/api/v1/...`): the contents API (read a file or a directory, create,
//! update and delete one file, change many files in one commit), the repository and the token's
//! user. Written from `contracts/gitea/gitea-contents-subset.swagger.json` (operations
//! repoGetContents, repoCreateFile, repoUpdateFile, repoDeleteFile, repoChangeFiles, repoGet,
//! userGetCurrent) and Gitea's own handling of them (see sim/README.md).
//!
//! Repositories live in the world's git object model ([`crate::git`]): blob, tree and commit ids
//! are real git SHA-1s, so a client can compute a blob's sha itself.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

use super::bearer;
use crate::errors::{self, json_response};
use crate::git::{diff, Commit, Flat, Git, Object, Person, TreeEntry, FILE_MODE};
use crate::state::AppState;
use crate::world::{iso_secs, now_ms, GiteaRepo, World};

type St = State<Arc<AppState>>;

/// Gitea numbers users from 1; the first one (the site administrator) owns the token.
const USER_ID: u64 = 1;

pub fn router(st: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/user", get(user))
        .route("/repos/{owner}/{repo}", get(repo_get))
        .route(
            "/repos/{owner}/{repo}/contents",
            get(contents_root).post(change_files),
        )
        .route("/repos/{owner}/{repo}/contents/", get(contents_root))
        .route(
            "/repos/{owner}/{repo}/contents/{*filepath}",
            get(contents_get)
                .post(create_file)
                .put(update_file)
                .delete(delete_file),
        )
        .route_layer(middleware::from_fn_with_state(st, auth))
}

/// Who is calling: `Some(login)` with a valid token, `None` anonymously.
#[derive(Clone)]
struct Doer(Option<String>);

/// The token of a request: `Authorization: token <t>` (or `Bearer <t>`), or the deprecated
/// `?token=` / `?access_token=` query parameters the description still lists.
fn token_of(req: &Request) -> Option<String> {
    if let Some(t) = bearer(req.headers()) {
        return Some(t);
    }
    req.uri().query().and_then(|q| {
        q.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            matches!(k, "token" | "access_token").then(|| v.to_string())
        })
    })
}

/// A wrong token is refused everywhere (401); without one, reads go on anonymously (public
/// repositories only) and writes and `/user` are refused (401 "token is required"), as Gitea does.
/// Then the profile's latency: Gitea documents no rate limit.
async fn auth(State(st): St, mut req: Request, next: Next) -> Response {
    let doer = match token_of(&req) {
        Some(t) if st.accepts(|t| &t.gitea, &t) => Some(st.read(|w| w.seed.github_user.clone())),
        Some(_) => return errors::gitea(401, "invalid username, password or token"),
        None => None,
    };
    let write = req.method() != Method::GET && req.method() != Method::HEAD;
    if doer.is_none() && (write || req.uri().path().ends_with("/user")) {
        return errors::gitea(401, "token is required");
    }
    let pause = if write {
        st.timings.gitea_write
    } else {
        st.timings.gitea_read
    };
    if !pause.is_zero() {
        tokio::time::sleep(pause).await;
    }
    req.extensions_mut().insert(Doer(doer));
    next.run(req).await
}

/// An error as Gitea answers it: 404 `APINotFound`, others `APIError {message, url}`.
struct GErr(u16, String);

impl GErr {
    fn not_found() -> GErr {
        GErr(404, String::new())
    }
    fn invalid(msg: impl Into<String>) -> GErr {
        GErr(422, msg.into())
    }
    fn into_response(self, base: &str) -> Response {
        let url = format!("{base}{}", errors::GITEA_SWAGGER);
        if self.0 == 404 && self.1.is_empty() {
            return json_response(
                404,
                json!({"errors": [], "message": "The target couldn't be found.", "url": url}),
            );
        }
        json_response(self.0, json!({"message": self.1, "url": url}))
    }
}

/// Base URLs of the simulated instance: the web UI (`{base}/gitea`) and the API.
struct Urls {
    html: String,
    api: String,
}

impl Urls {
    fn of(st: &AppState) -> Urls {
        let html = format!("{}/gitea", st.base_url);
        Urls {
            api: format!("{html}/api/v1"),
            html,
        }
    }
}

fn user_json(login: &str, urls: &Urls) -> Value {
    json!({
        "id": USER_ID,
        "login": login,
        "login_name": "",
        "source_id": 0,
        "full_name": login,
        "email": format!("{login}@noreply.localhost"),
        "avatar_url": format!("{}/avatars/{login}", urls.html),
        "html_url": format!("{}/{login}", urls.html),
        "language": "en-US",
        "is_admin": true,
        "last_login": "1970-01-01T00:00:00Z",
        "created": "1970-01-01T00:00:00Z",
        "restricted": false,
        "active": true,
        "prohibit_login": false,
        "location": "",
        "website": "",
        "description": "",
        "visibility": "public",
        "followers_count": 0,
        "following_count": 0,
        "starred_repos_count": 0,
    })
}

/// `GET /user` (userGetCurrent): the token's user.
async fn user(State(st): St, axum::Extension(doer): axum::Extension<Doer>) -> Response {
    let login = doer.0.unwrap_or_default();
    json_response(200, user_json(&login, &Urls::of(&st)))
}

fn find<'a>(w: &'a World, owner: &str, name: &str) -> Option<&'a GiteaRepo> {
    w.gitea
        .repos
        .iter()
        .find(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
}

fn find_mut<'a>(w: &'a mut World, owner: &str, name: &str) -> Option<&'a mut GiteaRepo> {
    w.gitea
        .repos
        .iter_mut()
        .find(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
}

/// A repository the caller may see: private ones only with a token (the token's user is the
/// site administrator and sees everything); an invisible one is a 404, as in Gitea.
fn visible<'a>(w: &'a World, doer: &Doer, owner: &str, name: &str) -> Result<&'a GiteaRepo, GErr> {
    find(w, owner, name)
        .filter(|r| !r.private || doer.0.is_some())
        .ok_or_else(GErr::not_found)
}

fn repo_json(r: &GiteaRepo, doer: &Doer, urls: &Urls) -> Value {
    let full = r.full_name();
    let html = format!("{}/{full}", urls.html);
    let owner = json!({
        "id": if doer.0.as_deref() == Some(r.owner.as_str()) { USER_ID } else { 1000 + r.id },
        "login": r.owner, "login_name": "", "source_id": 0, "full_name": r.owner,
        "email": "", "avatar_url": format!("{}/avatars/{}", urls.html, r.owner),
        "html_url": format!("{}/{}", urls.html, r.owner), "language": "", "is_admin": false,
        "last_login": "1970-01-01T00:00:00Z", "created": iso_secs(r.created_ms), "restricted": false,
        "active": false, "prohibit_login": false, "location": "", "website": "", "description": "",
        "visibility": "public", "followers_count": 0, "following_count": 0, "starred_repos_count": 0,
    });
    let permitted = doer.0.is_some();
    json!({
        "id": r.id,
        "owner": owner,
        "name": r.name,
        "full_name": full,
        "description": r.description,
        "empty": r.is_empty(),
        "private": r.private,
        "fork": false,
        "template": false,
        "parent": null,
        "mirror": false,
        "size": 0,
        "language": "",
        "languages_url": format!("{}/repos/{full}/languages", urls.api),
        "html_url": html,
        "url": format!("{}/repos/{full}", urls.api),
        "link": "",
        "ssh_url": format!("git@127.0.0.1:{full}.git"),
        "clone_url": format!("{html}.git"),
        "original_url": "",
        "website": "",
        "stars_count": 0,
        "forks_count": 0,
        "watchers_count": 1,
        "open_issues_count": 0,
        "open_pr_counter": 0,
        "release_counter": 0,
        "default_branch": r.default_branch,
        "archived": false,
        "created_at": iso_secs(r.created_ms),
        "updated_at": iso_secs(r.updated_ms),
        "archived_at": "1970-01-01T00:00:00Z",
        "permissions": {"admin": permitted, "push": permitted, "pull": true},
        "has_issues": true,
        "internal_tracker": {"enable_time_tracker": true, "allow_only_contributors_to_track_time": true, "enable_issue_dependencies": true},
        "has_wiki": true,
        "has_pull_requests": true,
        "has_projects": true,
        "projects_mode": "all",
        "has_releases": true,
        "has_packages": true,
        "has_actions": true,
        "ignore_whitespace_conflicts": false,
        "allow_merge_commits": true,
        "allow_rebase": true,
        "allow_rebase_explicit": true,
        "allow_squash_merge": true,
        "allow_fast_forward_only_merge": true,
        "allow_rebase_update": true,
        "default_delete_branch_after_merge": false,
        "default_merge_style": "merge",
        "default_allow_maintainer_edit": false,
        "avatar_url": "",
        "internal": false,
        "mirror_interval": "",
        "object_format_name": "sha1",
        "mirror_updated": "0001-01-01T00:00:00Z",
        "repo_transfer": null,
        "topics": [],
        "licenses": [],
    })
}

/// `GET /repos/{owner}/{repo}` (repoGet).
async fn repo_get(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    Path((owner, name)): Path<(String, String)>,
) -> Response {
    let urls = Urls::of(&st);
    match st.read(|w| visible(w, &doer, &owner, &name).map(|r| repo_json(r, &doer, &urls))) {
        Ok(v) => json_response(200, v),
        Err(e) => e.into_response(&st.base_url),
    }
}

// ------------------------------------------------------------------ reading

/// The entry at `path` under a tree (`None` when absent; the root itself is not an entry).
fn entry_at(git: &Git, tree: &str, path: &str) -> Option<TreeEntry> {
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
fn last_commit(git: &Git, head: &str, path: &str) -> Option<String> {
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
struct At {
    ref_name: String,
    is_branch: bool,
    commit: String,
}

fn resolve(r: &GiteaRepo, git_ref: Option<&str>) -> Result<At, GErr> {
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
fn contents_json(
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
fn read_contents(r: &GiteaRepo, at: &At, path: &str, urls: &Urls) -> Result<Value, GErr> {
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

async fn get_contents(
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
async fn contents_get(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    Path((owner, name, path)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    get_contents(&st, &doer, &owner, &name, &path, &q).await
}

/// `GET /repos/{owner}/{repo}/contents?ref=` (repoGetContentsList, the root directory).
async fn contents_root(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    Path((owner, name)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    get_contents(&st, &doer, &owner, &name, "", &q).await
}

// ------------------------------------------------------------------ writing

#[derive(Debug, Default, Deserialize)]
struct Identity {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct CommitDates {
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    committer: Option<String>,
}

/// The options every write shares (`FileOptions` in Gitea: branch, new_branch, message,
/// author, committer, dates, signoff).
#[derive(Debug, Default, Deserialize)]
struct Common {
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
struct FileOp {
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
struct ChangeFiles {
    #[serde(default)]
    files: Option<Vec<FileOp>>,
    #[serde(flatten)]
    common: Common,
}

/// `CreateFileOptions`, `UpdateFileOptions` and `DeleteFileOptions` in one.
#[derive(Debug, Deserialize)]
struct OneFile {
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
enum Kind {
    Create,
    Update,
    Delete,
}

/// One checked operation.
#[derive(Debug)]
struct Op {
    kind: Kind,
    path: String,
    from_path: String,
    content: Vec<u8>,
    sha: Option<String>,
}

/// A path inside the repository, as given: no empty, `.` or `..` component, no leading or
/// trailing `/`, no `.git` component. Gitea itself cleans `../x` or `/x` into `x` silently; the
/// simulator refuses them (422, Gitea's "malformed path component" error) so a client bug shows.
fn check_path(p: &str) -> Result<String, GErr> {
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

fn decode(content: Option<&str>) -> Result<Vec<u8>, GErr> {
    base64::engine::general_purpose::STANDARD
        .decode(content.unwrap_or(""))
        .map_err(|e| GErr::invalid(e.to_string()))
}

fn parse_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, GErr> {
    serde_json::from_slice(body).map_err(|e| GErr::invalid(format!("[]: {e}")))
}

fn op_of(f: &FileOp) -> Result<Op, GErr> {
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
fn default_message(ops: &[Op]) -> String {
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

fn parse_date(s: Option<&str>, default: i64) -> Result<i64, GErr> {
    match s.filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|d| d.timestamp_millis())
            .map_err(|e| GErr::invalid(format!("[Dates]: {e}"))),
    }
}

fn identity(i: &Option<Identity>) -> Option<(String, String)> {
    let i = i.as_ref()?;
    let name = i.name.clone().unwrap_or_default();
    let email = i.email.clone().unwrap_or_default();
    (!name.is_empty() || !email.is_empty()).then_some((name, email))
}

/// What a write committed: the repository, the branch it moved and the commit.
struct Written {
    branch: String,
    commit: String,
    paths: Vec<String>,
}

/// Checks every operation against the branch's head and applies them all in one commit, or
/// none: the checks Gitea's `ChangeRepoFiles` makes, in its order.
fn apply(
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

fn person_json(p: &Person) -> Value {
    json!({"name": p.name, "email": p.email, "date": iso_secs(p.date_ms)})
}

/// `FileCommitResponse` of a commit.
fn commit_json(r: &GiteaRepo, sha: &str, urls: &Urls) -> Value {
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
fn verification() -> Value {
    json!({"verified": false, "reason": "gpg.error.not_signed_commit", "signature": "", "signer": null, "payload": ""})
}

/// `FilesResponse`: each path at the new commit (`null` for a deleted one), the commit, its
/// verification.
fn files_response(r: &GiteaRepo, wr: &Written, urls: &Urls) -> Value {
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
async fn write(
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
async fn change_files(
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

fn one_file(body: &Bytes, kind: Kind, path: &str) -> (Result<Vec<Op>, GErr>, Common) {
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
async fn create_file(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    Path((owner, name, path)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let req = one_file(&body, Kind::Create, &path);
    write(&st, &doer, (&owner, &name), req, 201, true).await
}

/// `PUT /repos/{owner}/{repo}/contents/{filepath}` (repoUpdateFile): 200 `FileResponse`.
async fn update_file(
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
async fn delete_file(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    Path((owner, name, path)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let req = one_file(&body, Kind::Delete, &path);
    write(&st, &doer, (&owner, &name), req, 200, true).await
}

// ------------------------------------------------------------------ test surface

/// `POST /__sim/gitea/repos` `{"owner"?, "name", "private"?, "description"?, "default_branch"?,
/// "auto_init"?}`: a repository as someone made it in Gitea's UI. Without `auto_init` it is
/// empty (no branch; the first write makes the default branch), with it one commit of a
/// `README.md`. 201 with the repository, 409 when it exists, 400 for a bad body.
pub async fn admin_create(State(st): St, body: Bytes) -> Response {
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(name) = v["name"].as_str().filter(|n| !n.is_empty()) else {
        return json_response(400, json!({"error": "name is required"}));
    };
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && s != "."
            && s != ".."
    };
    let owner = v["owner"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| st.read(|w| w.seed.github_user.clone()));
    if !valid(name) || !valid(&owner) {
        return json_response(
            400,
            json!({"error": "owner and name must be [A-Za-z0-9_.-]+"}),
        );
    }
    let private = v["private"].as_bool().unwrap_or(false);
    let description = v["description"].as_str().unwrap_or("").to_string();
    let default_branch = v["default_branch"].as_str().unwrap_or("main").to_string();
    let auto_init = v["auto_init"].as_bool().unwrap_or(false);
    let now = now_ms();
    let made = st.mutate(|w| {
        if find(w, &owner, name).is_some() {
            return None;
        }
        w.gitea.last_id += 1;
        let mut r = GiteaRepo {
            id: w.gitea.last_id,
            owner: owner.clone(),
            name: name.to_string(),
            private,
            description,
            default_branch: default_branch.clone(),
            created_ms: now,
            updated_ms: now,
            git: Git::default(),
        };
        if auto_init {
            let who = Person {
                name: w.seed.github_user.clone(),
                email: format!("{}@noreply.localhost", w.seed.github_user),
                date_ms: now,
            };
            let c = r.git.commit_changes(
                vec![],
                &[("README.md".into(), Some(format!("# {name}\n").into_bytes()))],
                "Initial commit\n",
                &who,
            );
            r.git.refs.insert(format!("refs/heads/{default_branch}"), c);
        }
        w.gitea.repos.push(r.clone());
        Some(r)
    });
    match made {
        Some(r) => json_response(
            201,
            json!({"id": r.id, "full_name": r.full_name(), "default_branch": r.default_branch, "empty": r.is_empty(), "private": r.private}),
        ),
        None => json_response(409, json!({"error": "a repository by that name exists"})),
    }
}

/// The Gitea part of `/__sim/inventory`: each repository with its branches, the commits of its
/// default branch (newest first, with the paths each changed) and its current files.
pub fn inventory(w: &World) -> Value {
    let repos: Vec<Value> = w
        .gitea
        .repos
        .iter()
        .map(|r| {
            let history = r.history();
            let flat_of = |c: &str| {
                r.git
                    .tree_of(c)
                    .map(|t| r.git.flatten(&t))
                    .unwrap_or_default()
            };
            let commits: Vec<Value> = history
                .iter()
                .filter_map(|sha| {
                    let c = r.git.commit(sha)?;
                    let before = c.parents.first().map(|p| flat_of(p)).unwrap_or_default();
                    let changed: Vec<Value> = diff(&before, &flat_of(sha))
                        .into_iter()
                        .map(|(p, status, _, _)| json!({"path": p, "status": status}))
                        .collect();
                    Some(json!({
                        "sha": sha, "message": c.message, "parents": c.parents,
                        "author": c.author.name, "date": iso_secs(c.committer.date_ms),
                        "files_changed": changed,
                    }))
                })
                .collect();
            let files: serde_json::Map<String, Value> = history
                .first()
                .map(|h| flat_of(h))
                .unwrap_or_default()
                .into_iter()
                .map(|(p, (_, sha))| (p, Value::String(sha)))
                .collect();
            json!({
                "id": r.id, "full_name": r.full_name(), "private": r.private,
                "default_branch": r.default_branch, "empty": r.is_empty(),
                "branches": r.git.branches().into_iter().map(|(b, s)| (b, Value::String(s))).collect::<serde_json::Map<String, Value>>(),
                "commit_count": history.len(),
                "commits": commits,
                "files": files,
            })
        })
        .collect();
    json!({ "repos": repos })
}
