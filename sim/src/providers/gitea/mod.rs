//! Gitea API v1 (`/gitea/api/v1/...`): the router, the token check, the repository and the
//! token's user here; the contents API in `read.rs` (a file or a directory) and `write.rs`
//! (create, update and delete one file, change many files in one commit). Written from
//! `contracts/gitea/gitea-contents-subset.swagger.json` (operations
//! repoGetContents, repoCreateFile, repoUpdateFile, repoDeleteFile, repoChangeFiles, repoGet,
//! userGetCurrent) and Gitea's own handling of them (see sim/README.md).
//!
//! Repositories live in the world's git object model ([`crate::git`]): blob, tree and commit ids
//! are real git SHA-1s, so a client can compute a blob's sha itself.

mod read;
mod write;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::bearer;
use crate::errors::{self, json_response};
use crate::git::{diff, Git, Person};
use crate::state::AppState;
use crate::world::{iso_secs, now_ms, GiteaRepo, World};

use read::{contents_get, contents_root};
use write::{change_files, create_file, delete_file, update_file};

type St = State<Arc<AppState>>;

/// Gitea numbers users from 1; the first one (the site administrator) owns the token.
const USER_ID: u64 = 1;

pub fn router(st: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/user", get(user))
        .route("/user/repos", get(user_repos).post(user_repo_create))
        .route("/orgs/{org}/repos", axum::routing::post(org_repo_create))
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

/// `POST /__sim/gitea/repos` `{"owner"?, "name", "private"?, "description"?, "default_branch"?,
/// "auto_init"?}`: a repository as someone made it in Gitea's UI. Without `auto_init` it is
/// empty (no branch; the first write makes the default branch), with it one commit of a
/// `README.md`. 201 with the repository, 409 when it exists, 400 for a bad body.
pub async fn admin_create(State(st): St, body: Bytes) -> Response {
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let owner = v["owner"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| st.read(|w| w.seed.github_user.clone()));
    match make_repo(&st, &owner, &v) {
        Ok(r) => json_response(
            201,
            json!({"id": r.id, "full_name": r.full_name(), "default_branch": r.default_branch, "empty": r.is_empty(), "private": r.private}),
        ),
        Err(GErr(409, _)) => {
            json_response(409, json!({"error": "a repository by that name exists"}))
        }
        Err(GErr(_, m)) => json_response(400, json!({"error": m})),
    }
}

/// A repository made from a `CreateRepoOption` (`name` required; `private`, `description`,
/// `default_branch`, `auto_init`), as Gitea makes one: 409 when the owner has one by that name
/// (any case), 422 for a name Gitea refuses.
fn make_repo(st: &AppState, owner: &str, v: &Value) -> Result<GiteaRepo, GErr> {
    let valid = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && s != "."
            && s != ".."
    };
    let name = v["name"].as_str().unwrap_or("");
    if name.is_empty() {
        return Err(GErr::invalid("[Name]: Required"));
    }
    if !valid(name) || !valid(owner) {
        return Err(GErr::invalid(
            "[Name]: must be valid alpha or numeric or dash(-_) or dot characters",
        ));
    }
    let private = v["private"].as_bool().unwrap_or(false);
    let description = v["description"].as_str().unwrap_or("").to_string();
    let default_branch = v["default_branch"]
        .as_str()
        .filter(|b| !b.is_empty())
        .unwrap_or("main")
        .to_string();
    let auto_init = v["auto_init"].as_bool().unwrap_or(false);
    let now = now_ms();
    st.mutate(|w| {
        if find(w, owner, name).is_some() {
            return Err(GErr(
                409,
                "The repository with the same name already exists.".into(),
            ));
        }
        w.gitea.last_id += 1;
        let mut r = GiteaRepo {
            id: w.gitea.last_id,
            owner: owner.to_string(),
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
        Ok(r)
    })
}

/// `POST /user/repos` (createCurrentUserRepo): a repository of the token's user. 201 with the
/// repository; 409 when it has one by that name; 422 for a name Gitea refuses.
async fn user_repo_create(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    body: Bytes,
) -> Response {
    let urls = Urls::of(&st);
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return GErr::invalid("the body is not JSON").into_response(&urls.html);
    };
    let owner = doer.0.clone().unwrap_or_default();
    match make_repo(&st, &owner, &v) {
        Ok(r) => json_response(201, repo_json(&r, &doer, &urls)),
        Err(e) => e.into_response(&urls.html),
    }
}

/// `POST /orgs/{org}/repos` (createOrgRepo): 404 for an organization Gitea does not have (here:
/// one that owns no repository and is not the seeded organization).
async fn org_repo_create(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let urls = Urls::of(&st);
    let known = st.read(|w| {
        org.eq_ignore_ascii_case(&w.seed.github_org)
            || w.gitea
                .repos
                .iter()
                .any(|r| r.owner.eq_ignore_ascii_case(&org))
    });
    if !known {
        return GErr::not_found().into_response(&urls.html);
    }
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return GErr::invalid("the body is not JSON").into_response(&urls.html);
    };
    match make_repo(&st, &org, &v) {
        Ok(r) => json_response(201, repo_json(&r, &doer, &urls)),
        Err(e) => e.into_response(&urls.html),
    }
}

/// `GET /user/repos` (userCurrentListRepos): the repositories the token's user can reach (the
/// site administrator: all), by id, `page` from 1 and `limit` up to 50 (Gitea's
/// `MAX_RESPONSE_ITEMS`), with `X-Total-Count`.
async fn user_repos(
    State(st): St,
    axum::Extension(doer): axum::Extension<Doer>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let urls = Urls::of(&st);
    let num = |k: &str, d: usize| q.get(k).and_then(|v| v.parse::<usize>().ok()).unwrap_or(d);
    let (page, limit) = (num("page", 1).max(1), num("limit", 30).clamp(1, 50));
    let (all, total) = st.read(|w| {
        let mut repos: Vec<GiteaRepo> = w.gitea.repos.clone();
        repos.sort_by_key(|r| r.id);
        let total = repos.len();
        let page: Vec<Value> = repos
            .iter()
            .skip((page - 1) * limit)
            .take(limit)
            .map(|r| repo_json(r, &doer, &urls))
            .collect();
        (page, total)
    });
    let mut resp = json_response(200, Value::Array(all));
    if let Ok(v) = axum::http::HeaderValue::from_str(&total.to_string()) {
        resp.headers_mut().insert("x-total-count", v);
    }
    resp
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
