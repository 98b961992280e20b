//! GitHub REST (`/github/...`): the authenticated user, template generation, repositories.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};

use super::{bearer, json_body, query_num};
use crate::errors::{self, json_response, with_header, GITHUB_DOCS};
use crate::git::{Flat, Person, TreeEntry};
use crate::state::{lock, AppState};
use crate::world::{iso_secs, now_ms, Repo};

type St = State<Arc<AppState>>;

const SECONDARY_MESSAGE: &str = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.";

pub fn router(st: Arc<AppState>, git: Router<Arc<AppState>>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/user", get(get_user))
        .route("/user/repos", get(list_repos))
        .route("/rate_limit", get(rate_limit))
        .route(
            "/repos/{owner}/{repo}",
            get(get_repo).patch(update_repo).delete(delete_repo),
        )
        .route(
            "/repositories/{id}",
            get(get_repo_by_id)
                .patch(update_repo_by_id)
                .delete(delete_repo_by_id),
        )
        .route("/repos/{owner}/{repo}/generate", post(generate))
        .route("/repos/{owner}/{repo}/commits", get(commits))
        .route("/repos/{owner}/{repo}/commits/{ref}", get(commit_one))
        .route("/repos/{owner}/{repo}/branches/{*branch}", get(branch))
        .route("/repos/{owner}/{repo}/contents/", get(contents_root))
        .route("/repos/{owner}/{repo}/contents", get(contents_root))
        .route(
            "/repos/{owner}/{repo}/contents/{*path}",
            get(contents).put(put_contents),
        )
        .merge(git)
        .route_layer(middleware::from_fn_with_state(st, auth_and_limit))
}

pub(crate) fn doc(path: &str) -> String {
    format!("https://docs.github.com/rest/{path}")
}

/// The token a request was authenticated with (put in extensions by the middleware).
#[derive(Clone)]
pub(crate) struct Token(pub(crate) String);

/// Token check and the primary (per hour) limit, with `x-ratelimit-*` on every answer.
async fn auth_and_limit(State(st): St, mut req: Request, next: Next) -> Response {
    let Some(token) = bearer(req.headers()).filter(|t| st.accepts(|t| &t.github, t)) else {
        return errors::github(401, "Bad credentials", GITHUB_DOCS);
    };
    let now = now_ms();
    let counts = !req.uri().path().ends_with("/rate_limit");
    let info = lock(&st.limiter).hit(
        &format!("github|core|{token}"),
        st.cfg.rate_limits.github_per_hour,
        3_600_000,
        now,
        counts,
    );
    let scopes = st.cfg.scopes_for(&token).join(", ");
    req.extensions_mut().insert(Token(token.clone()));
    let writes = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let resp = if info.allowed || !counts {
        match writes.then(|| content_limit(&st, &token)).flatten() {
            Some(refused) => refused,
            None => next.run(req).await,
        }
    } else {
        errors::github(403, "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.", &doc("overview/rate-limits-for-the-rest-api"))
    };
    let resp = with_header(resp, "x-ratelimit-limit", info.limit.to_string());
    let resp = with_header(resp, "x-ratelimit-remaining", info.remaining.to_string());
    let resp = with_header(resp, "x-ratelimit-used", info.used.to_string());
    let resp = with_header(
        resp,
        "x-ratelimit-reset",
        (info.reset_ms / 1000).to_string(),
    );
    let resp = with_header(resp, "x-ratelimit-resource", "core");
    let resp = with_header(resp, "x-oauth-scopes", scopes);
    with_header(resp, "x-github-api-version-selected", "2022-11-28")
}

fn has_scope(st: &AppState, token: &str, scope: &str) -> bool {
    st.cfg.scopes_for(token).iter().any(|s| s == scope)
}

pub(crate) fn api(st: &AppState) -> String {
    format!("{}/github", st.base_url)
}

pub(crate) fn user_json(st: &AppState, login: &str, id: u64, is_org: bool) -> Value {
    let a = api(st);
    let kind = if is_org { "Organization" } else { "User" };
    let base = if is_org {
        format!("{a}/orgs/{login}")
    } else {
        format!("{a}/users/{login}")
    };
    json!({
        "login": login, "id": id, "node_id": node_id(if is_org { "O_" } else { "U_" }, id),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"), "gravatar_id": "",
        "url": base, "html_url": format!("https://github.com/{login}"),
        "followers_url": format!("{a}/users/{login}/followers"), "following_url": format!("{a}/users/{login}/following{{/other_user}}"),
        "gists_url": format!("{a}/users/{login}/gists{{/gist_id}}"), "starred_url": format!("{a}/users/{login}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{a}/users/{login}/subscriptions"), "organizations_url": format!("{a}/users/{login}/orgs"),
        "repos_url": format!("{base}/repos"), "events_url": format!("{a}/users/{login}/events{{/privacy}}"),
        "received_events_url": format!("{a}/users/{login}/received_events"), "type": kind, "user_view_type": "public", "site_admin": false
    })
}

pub(crate) fn node_id(prefix: &str, id: u64) -> String {
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("kgDO{id}"))
    )
}

fn repo_json(st: &AppState, r: &Repo, now: i64, full: bool) -> Value {
    let a = api(st);
    let full_name = r.full_name();
    let u = format!("{a}/repos/{full_name}");
    let empty = r.is_empty_at(now);
    let size: u64 = if empty {
        0
    } else {
        (r.files.iter().map(|(_, c)| c.len() as u64).sum::<u64>() / 1024).max(1)
    };
    let pushed = if empty {
        r.created_ms
    } else {
        r.contents_ready_ms
    };
    let mut v = json!({
        "id": r.id, "node_id": node_id("R_", r.id), "name": r.name, "full_name": full_name,
        "owner": user_json(st, &r.owner, r.owner_id, r.owner_is_org),
        "private": r.private, "html_url": format!("https://github.com/{full_name}"), "description": r.description, "fork": false,
        "url": u, "archive_url": format!("{u}/{{archive_format}}{{/ref}}"), "assignees_url": format!("{u}/assignees{{/user}}"),
        "blobs_url": format!("{u}/git/blobs{{/sha}}"), "branches_url": format!("{u}/branches{{/branch}}"),
        "collaborators_url": format!("{u}/collaborators{{/collaborator}}"), "comments_url": format!("{u}/comments{{/number}}"),
        "commits_url": format!("{u}/commits{{/sha}}"), "compare_url": format!("{u}/compare/{{base}}...{{head}}"),
        "contents_url": format!("{u}/contents/{{+path}}"), "contributors_url": format!("{u}/contributors"),
        "deployments_url": format!("{u}/deployments"), "downloads_url": format!("{u}/downloads"), "events_url": format!("{u}/events"),
        "forks_url": format!("{u}/forks"), "git_commits_url": format!("{u}/git/commits{{/sha}}"), "git_refs_url": format!("{u}/git/refs{{/sha}}"),
        "git_tags_url": format!("{u}/git/tags{{/sha}}"), "git_url": format!("git://github.com/{full_name}.git"),
        "issue_comment_url": format!("{u}/issues/comments{{/number}}"), "issue_events_url": format!("{u}/issues/events{{/number}}"),
        "issues_url": format!("{u}/issues{{/number}}"), "keys_url": format!("{u}/keys{{/key_id}}"), "labels_url": format!("{u}/labels{{/name}}"),
        "languages_url": format!("{u}/languages"), "merges_url": format!("{u}/merges"), "milestones_url": format!("{u}/milestones{{/number}}"),
        "notifications_url": format!("{u}/notifications{{?since,all,participating}}"), "pulls_url": format!("{u}/pulls{{/number}}"),
        "releases_url": format!("{u}/releases{{/id}}"), "ssh_url": format!("git@github.com:{full_name}.git"),
        "stargazers_url": format!("{u}/stargazers"), "statuses_url": format!("{u}/statuses/{{sha}}"),
        "subscribers_url": format!("{u}/subscribers"), "subscription_url": format!("{u}/subscription"), "tags_url": format!("{u}/tags"),
        "teams_url": format!("{u}/teams"), "trees_url": format!("{u}/git/trees{{/sha}}"), "clone_url": format!("https://github.com/{full_name}.git"),
        "mirror_url": null, "hooks_url": format!("{u}/hooks"), "svn_url": format!("https://github.com/{full_name}"),
        "homepage": null, "language": if empty { Value::Null } else { json!("TypeScript") },
        "forks_count": 0, "stargazers_count": 0, "watchers_count": 0, "size": size, "default_branch": r.default_branch,
        "open_issues_count": 0, "is_template": r.is_template, "topics": [], "has_issues": true, "has_projects": true,
        "has_wiki": true, "has_pages": false, "has_downloads": true, "has_discussions": false, "archived": false, "disabled": false,
        "visibility": if r.private { "private" } else { "public" },
        "pushed_at": iso_secs(pushed), "created_at": iso_secs(r.created_ms), "updated_at": iso_secs(pushed),
        "permissions": {"admin": true, "maintain": true, "push": true, "triage": true, "pull": true},
        "allow_forking": true, "web_commit_signoff_required": false, "forks": 0, "open_issues": 0, "watchers": 0, "license": null,
    });
    if full {
        v["network_count"] = json!(0);
        v["subscribers_count"] = json!(1);
        v["allow_rebase_merge"] = json!(true);
        v["allow_squash_merge"] = json!(true);
        v["allow_merge_commit"] = json!(true);
        v["allow_auto_merge"] = json!(false);
        v["delete_branch_on_merge"] = json!(false);
        if r.owner_is_org {
            v["organization"] = user_json(st, &r.owner, r.owner_id, true);
        }
        if let Some(t) = &r.template {
            let tpl = st.read(|w| w.github.repos.iter().find(|x| &x.full_name() == t).cloned());
            v["template_repository"] = match tpl {
                Some(t) => repo_json(st, &t, now, false),
                None => Value::Null,
            };
        }
    }
    v
}

pub(crate) fn find(st: &AppState, owner: &str, name: &str) -> Option<Repo> {
    st.read(|w| {
        w.github
            .repos
            .iter()
            .find(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
            .cloned()
    })
}

pub(crate) fn repo_not_found(what: &str) -> Response {
    errors::github(404, "Not Found", &doc(what))
}

async fn get_user(State(st): St) -> Response {
    let (login, id, created, repos) = st.read(|w| {
        (
            w.seed.github_user.clone(),
            w.seed.github_user_id,
            w.github
                .repos
                .iter()
                .map(|r| r.created_ms)
                .min()
                .unwrap_or(0),
            w.github.repos.len(),
        )
    });
    let mut v = user_json(&st, &login, id, false);
    let extra = json!({
        "user_view_type": "private", "name": "Fabrik Agent", "company": null, "blog": "", "location": null,
        "email": null, "hireable": null, "bio": null, "twitter_username": null, "notification_email": null,
        "public_repos": repos, "public_gists": 0, "followers": 0, "following": 0,
        "created_at": iso_secs(created), "updated_at": iso_secs(created),
        "private_gists": 0, "total_private_repos": 0, "owned_private_repos": 0, "disk_usage": 0, "collaborators": 0,
        "two_factor_authentication": true,
        "plan": {"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000}
    });
    if let (Value::Object(a), Value::Object(b)) = (&mut v, extra) {
        a.extend(b);
    }
    with_header(json_response(200, v), "x-accepted-oauth-scopes", "")
}

async fn list_repos(State(st): St, Query(q): Query<HashMap<String, String>>) -> Response {
    if q.contains_key("type") && (q.contains_key("visibility") || q.contains_key("affiliation")) {
        return json_response(
            422,
            json!({"message": "If you specify visibility or affiliation, you cannot specify type.", "documentation_url": doc("repos/repos#list-repositories-for-the-authenticated-user"), "status": "422"}),
        );
    }
    let per_page = match query_num(&q, "per_page", 30, 1, i64::MAX) {
        Ok(n) => n.min(100) as usize,
        Err(_) => 30,
    };
    let page = query_num(&q, "page", 1, 1, i64::MAX).unwrap_or(1) as usize;
    let now = now_ms();
    let mut repos: Vec<Repo> = st.read(|w| w.github.repos.clone());
    match q.get("visibility").map(String::as_str) {
        Some("public") => repos.retain(|r| !r.private),
        Some("private") => repos.retain(|r| r.private),
        _ => {}
    }
    match q.get("sort").map(String::as_str) {
        Some("full_name") => repos.sort_by_key(|r| r.full_name().to_lowercase()),
        Some("created") => repos.sort_by_key(|r| std::cmp::Reverse(r.created_ms)),
        _ => repos.sort_by_key(|r| std::cmp::Reverse(r.contents_ready_ms.max(r.created_ms))),
    }
    if q.get("direction").map(String::as_str) == Some("asc")
        && q.get("sort").map(String::as_str) != Some("full_name")
    {
        repos.reverse();
    }
    let total = repos.len();
    let last = total.div_ceil(per_page).max(1);
    let items: Vec<Value> = repos
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|r| repo_json(&st, r, now, false))
        .collect();
    let base = format!("{}/user/repos", api(&st));
    let link =
        |p: usize, rel: &str| format!("<{base}?per_page={per_page}&page={p}>; rel=\"{rel}\"");
    let mut links = vec![];
    if page > 1 {
        links.push(link(page - 1, "prev"));
        links.push(link(1, "first"));
    }
    if page < last {
        links.push(link(page + 1, "next"));
        links.push(link(last, "last"));
    }
    let resp = json_response(200, Value::Array(items));
    if links.is_empty() {
        resp
    } else {
        with_header(resp, "link", links.join(", "))
    }
}

async fn rate_limit(State(st): St, headers: HeaderMap) -> Response {
    let token = bearer(&headers).unwrap_or_default();
    let now = now_ms();
    let core = lock(&st.limiter).hit(
        &format!("github|core|{token}"),
        st.cfg.rate_limits.github_per_hour,
        3_600_000,
        now,
        false,
    );
    let r = |limit: u32, remaining: u32, used: u32, reset: i64| json!({"limit": limit, "remaining": remaining, "reset": reset, "used": used});
    let core_v = r(core.limit, core.remaining, core.used, core.reset_ms / 1000);
    let later = now / 1000 + 3600;
    json_response(
        200,
        json!({
            "resources": {
                "core": core_v,
                "search": r(30, 30, 0, now / 1000 + 60),
                "graphql": r(5000, 5000, 0, later),
                "integration_manifest": r(5000, 5000, 0, later),
                "code_search": r(10, 10, 0, now / 1000 + 60)
            },
            "rate": core_v
        }),
    )
}

async fn get_repo(State(st): St, Path((owner, name)): Path<(String, String)>) -> Response {
    match find(&st, &owner, &name) {
        Some(r) => json_response(200, repo_json(&st, &r, now_ms(), true)),
        None => match renamed(&st, &owner, &name) {
            Some(r) => moved(&st, &r, 301),
            None => repo_not_found("repos/repos#get-a-repository"),
        },
    }
}

/// Where GitHub's redirects for renamed repositories point.
async fn get_repo_by_id(State(st): St, Path(id): Path<u64>) -> Response {
    match st.read(|w| w.github.repos.iter().find(|r| r.id == id).cloned()) {
        Some(r) => json_response(200, repo_json(&st, &r, now_ms(), true)),
        None => repo_not_found("repos/repos#get-a-repository"),
    }
}

async fn delete_repo_by_id(
    State(st): St,
    axum::Extension(Token(token)): axum::Extension<Token>,
    Path(id): Path<u64>,
) -> Response {
    let Some(r) = st.read(|w| w.github.repos.iter().find(|r| r.id == id).cloned()) else {
        return repo_not_found("repos/repos#delete-a-repository");
    };
    if !has_scope(&st, &token, "delete_repo") {
        return errors::github(
            403,
            "Must have admin rights to Repository.",
            &doc("repos/repos#delete-a-repository"),
        );
    }
    st.mutate(|w| w.github.repos.retain(|x| x.id != r.id));
    axum::http::StatusCode::NO_CONTENT.into_response()
}

/// A repository that was called `owner/name` before a rename.
fn renamed(st: &AppState, owner: &str, name: &str) -> Option<Repo> {
    st.read(|w| {
        w.github
            .repos
            .iter()
            .find(|r| {
                r.owner.eq_ignore_ascii_case(owner)
                    && r.previous_names
                        .iter()
                        .any(|p| p.eq_ignore_ascii_case(name))
            })
            .cloned()
    })
}

/// GitHub's answer for an old name: 301 on reads, 307 on writes, to `/repositories/{id}`.
fn moved(st: &AppState, r: &Repo, status: u16) -> Response {
    let url = format!("{}/repositories/{}", api(st), r.id);
    let message = if status == 301 {
        "Moved Permanently"
    } else {
        "Temporary Redirect"
    };
    let body = json!({ "message": message, "url": url, "documentation_url": GITHUB_DOCS });
    with_header(json_response(status, body), "location", url)
}

async fn delete_repo(
    State(st): St,
    axum::Extension(Token(token)): axum::Extension<Token>,
    Path((owner, name)): Path<(String, String)>,
) -> Response {
    let Some(r) = find(&st, &owner, &name) else {
        return match renamed(&st, &owner, &name) {
            Some(r) => moved(&st, &r, 307),
            None => repo_not_found("repos/repos#delete-a-repository"),
        };
    };
    if !has_scope(&st, &token, "delete_repo") {
        let resp = errors::github(
            403,
            "Must have admin rights to Repository.",
            &doc("repos/repos#delete-a-repository"),
        );
        return with_header(resp, "x-accepted-oauth-scopes", "delete_repo");
    }
    st.mutate(|w| w.github.repos.retain(|x| x.id != r.id));
    axum::http::StatusCode::NO_CONTENT.into_response()
}

const UPDATE_DOC: &str = "repos/repos#update-a-repository";

/// `PATCH /repos/{owner}/{repo}` ("Update a repository"); an old name answers 307.
async fn update_repo(
    State(st): St,
    axum::Extension(Token(token)): axum::Extension<Token>,
    Path((owner, name)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    match find(&st, &owner, &name) {
        Some(r) => update(&st, &token, r, &body),
        None => match renamed(&st, &owner, &name) {
            Some(r) => moved(&st, &r, 307),
            None => repo_not_found(UPDATE_DOC),
        },
    }
}

/// `PATCH /repositories/{id}`: where the 307 for an old name points.
async fn update_repo_by_id(
    State(st): St,
    axum::Extension(Token(token)): axum::Extension<Token>,
    Path(id): Path<u64>,
    body: Bytes,
) -> Response {
    match st.read(|w| w.github.repos.iter().find(|r| r.id == id).cloned()) {
        Some(r) => update(&st, &token, r, &body),
        None => repo_not_found(UPDATE_DOC),
    }
}

/// GitHub's 422 for a body property of the wrong type (its JSON-schema check).
fn wrong_type(field: &str, value: &Value, expected: &str) -> Response {
    json_response(
        422,
        json!({"message": format!("Invalid request.\n\nFor 'properties/{field}', {value} is not {expected}."), "documentation_url": doc(UPDATE_DOC), "status": "422"}),
    )
}

/// GitHub's "Validation Failed" answer with one error item.
fn validation_failed(error: Value) -> Response {
    json_response(
        422,
        json!({"message": "Validation Failed", "errors": [error], "documentation_url": doc(UPDATE_DOC), "status": "422"}),
    )
}

/// The changes of an update body, type-checked. Other documented properties are accepted and ignored.
#[derive(Default)]
struct RepoChanges {
    name: Option<String>,
    description: Option<Option<String>>,
    private: Option<bool>,
    is_template: Option<bool>,
    default_branch: Option<String>,
}

fn parse_changes(b: &serde_json::Map<String, Value>) -> Result<RepoChanges, Response> {
    let mut c = RepoChanges::default();
    let string = |k: &str| -> Result<Option<String>, Response> {
        match b.get(k) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(wrong_type(k, v, "a string")),
        }
    };
    let boolean = |k: &str| -> Result<Option<bool>, Response> {
        match b.get(k) {
            None => Ok(None),
            Some(Value::Bool(x)) => Ok(Some(*x)),
            Some(v) => Err(wrong_type(k, v, "a boolean")),
        }
    };
    c.name = string("name")?;
    c.description = match b.get("description") {
        None => None,
        // GitHub clears the description on null or "".
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some((!s.is_empty()).then(|| s.clone())),
        Some(v) => return Err(wrong_type("description", v, "a string")),
    };
    c.private = boolean("private")?;
    match string("visibility")?.as_deref() {
        None => {}
        Some("public") => c.private = Some(false),
        Some("private") => c.private = Some(true),
        Some(v) => {
            return Err(json_response(
                422,
                json!({"message": format!("Invalid request.\n\nFor 'properties/visibility', \"{v}\" is not a member of enum."), "documentation_url": doc(UPDATE_DOC), "status": "422"}),
            ))
        }
    }
    c.is_template = boolean("is_template")?;
    c.default_branch = string("default_branch")?;
    Ok(c)
}

/// Applies an update to `r` (found by name or id): scopes, body, validation, then the change.
fn update(st: &AppState, token: &str, r: Repo, body: &[u8]) -> Response {
    let may_admin =
        has_scope(st, token, "repo") || (!r.private && has_scope(st, token, "public_repo"));
    if !may_admin {
        // Without `repo` a classic token cannot see private repositories at all.
        let resp = if r.private {
            repo_not_found(UPDATE_DOC)
        } else {
            errors::github(
                403,
                "Must have admin rights to Repository.",
                &doc(UPDATE_DOC),
            )
        };
        return with_header(resp, "x-accepted-oauth-scopes", "public_repo, repo");
    }
    let b = match json_body(body) {
        Some(Value::Object(b)) => b,
        // The body is optional: none means no change.
        Some(Value::Null) => serde_json::Map::new(),
        _ => return errors::github(400, "Problems parsing JSON", &doc(UPDATE_DOC)),
    };
    let c = match parse_changes(&b) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    if let Some(n) = &c.name {
        if !valid_repo_name(n) {
            return validation_failed(
                json!({"resource": "Repository", "code": "custom", "field": "name", "message": "name is invalid"}),
            );
        }
    }
    if let Some(b) = &c.default_branch {
        // The simulated repository has one branch, its default (none while the copy runs).
        if *b != r.default_branch {
            return validation_failed(
                json!({"resource": "Repository", "code": "invalid", "field": "default_branch"}),
            );
        }
    }
    let updated = st.mutate(|w| {
        if let Some(n) = &c.name {
            let taken = w.github.repos.iter().any(|x| {
                x.id != r.id
                    && x.owner.eq_ignore_ascii_case(&r.owner)
                    && x.name.eq_ignore_ascii_case(n)
            });
            if taken {
                return Err(true);
            }
            // The new name takes over a redirect another repository's old name held.
            for x in w.github.repos.iter_mut() {
                if x.owner.eq_ignore_ascii_case(&r.owner) {
                    x.previous_names.retain(|p| !p.eq_ignore_ascii_case(n));
                }
            }
        }
        let Some(repo) = w.github.repos.iter_mut().find(|x| x.id == r.id) else {
            return Err(false);
        };
        if let Some(n) = &c.name {
            if !repo.name.eq_ignore_ascii_case(n) {
                repo.previous_names.push(repo.name.clone());
            }
            repo.name = n.clone();
        }
        if let Some(d) = c.description.clone() {
            repo.description = d;
        }
        if let Some(p) = c.private {
            repo.private = p;
        }
        if let Some(t) = c.is_template {
            repo.is_template = t;
        }
        Ok(repo.clone())
    });
    match updated {
        Ok(repo) => json_response(200, repo_json(st, &repo, now_ms(), true)),
        Err(false) => repo_not_found(UPDATE_DOC),
        Err(true) => validation_failed(
            json!({"resource": "Repository", "code": "custom", "field": "name", "message": "name already exists on this account"}),
        ),
    }
}

pub(crate) fn valid_repo_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 100
        && n != "."
        && n != ".."
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The secondary limit on content-generating requests (every POST, PUT, PATCH and DELETE: a
/// repository, a blob, a commit, a ref, a pull request, a merge), per token: "no more than 80
/// content-generating requests per minute and no more than 500 content-generating requests per
/// hour" (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api, "About secondary
/// rate limits"). `Some` is the refusal, a 403 with `retry-after` (seconds until the window that
/// is full resets), once either budget is spent. A limit of 0 is off.
fn content_limit(st: &AppState, token: &str) -> Option<Response> {
    let now = now_ms();
    let limits = st.cfg.rate_limits;
    let mut limiter = lock(&st.limiter);
    let mut refused_for: Option<i64> = None;
    for (scope, limit, window) in [
        ("minute", limits.github_content_per_minute, 60_000),
        ("hour", limits.github_content_per_hour, 3_600_000),
    ] {
        if limit == 0 {
            continue;
        }
        // Look first, count only when both windows have room.
        let seen = limiter.hit(
            &format!("github|content-{scope}|{token}"),
            limit,
            window,
            now,
            false,
        );
        if !seen.allowed {
            refused_for = Some(refused_for.unwrap_or(0).max(seen.reset_in_secs(now)));
        }
    }
    if refused_for.is_none() {
        for (scope, limit, window) in [
            ("minute", limits.github_content_per_minute, 60_000),
            ("hour", limits.github_content_per_hour, 3_600_000),
        ] {
            if limit > 0 {
                limiter.hit(
                    &format!("github|content-{scope}|{token}"),
                    limit,
                    window,
                    now,
                    true,
                );
            }
        }
        return None;
    }
    drop(limiter);
    let retry = refused_for.unwrap_or(60).max(1);
    let resp = errors::github(
        403,
        SECONDARY_MESSAGE,
        &doc("overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"),
    );
    Some(with_header(resp, "retry-after", retry.to_string()))
}

async fn generate(
    State(st): St,
    axum::Extension(Token(token)): axum::Extension<Token>,
    Path((towner, tname)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let gen_doc = doc("repos/repos#create-a-repository-using-a-template");
    let now = now_ms();
    let Some(template) = find(&st, &towner, &tname) else {
        return repo_not_found("repos/repos#create-a-repository-using-a-template");
    };
    let may_create = has_scope(&st, &token, "repo")
        || (has_scope(&st, &token, "public_repo") && !template.private);
    if !may_create {
        // Classic tokens without `repo` cannot create repositories; GitHub hides the resource.
        let resp = repo_not_found("repos/repos#create-a-repository-using-a-template");
        return with_header(resp, "x-accepted-oauth-scopes", "public_repo, repo");
    }
    if !template.is_template {
        return json_response(
            422,
            json!({"message": format!("{} is not a template repository", template.full_name()), "documentation_url": gen_doc, "status": "422"}),
        );
    }
    let Some(Value::Object(b)) = json_body(&body) else {
        return errors::github(400, "Problems parsing JSON", &gen_doc);
    };
    let Some(name) = b.get("name").and_then(Value::as_str).map(str::to_string) else {
        return json_response(
            422,
            json!({"message": "Invalid request.\n\n\"name\" wasn't supplied.", "documentation_url": gen_doc, "status": "422"}),
        );
    };
    if !valid_repo_name(&name) {
        return json_response(
            422,
            json!({"message": "Repository creation failed.", "errors": [{"resource": "Repository", "code": "custom", "field": "name", "message": "name is invalid"}], "documentation_url": gen_doc, "status": "422"}),
        );
    }
    let (user, user_id, org, org_id) = st.read(|w| {
        (
            w.seed.github_user.clone(),
            w.seed.github_user_id,
            w.seed.github_org.clone(),
            w.seed.github_org_id,
        )
    });
    let owner = b
        .get("owner")
        .and_then(Value::as_str)
        .unwrap_or(&user)
        .to_string();
    let (owner, owner_id, is_org) = if owner.eq_ignore_ascii_case(&user) {
        (user, user_id, false)
    } else if owner.eq_ignore_ascii_case(&org) {
        (org, org_id, true)
    } else {
        return repo_not_found("repos/repos#create-a-repository-using-a-template");
    };
    if find(&st, &owner, &name).is_some() {
        return json_response(
            422,
            json!({"message": "Could not clone: Name already exists on this account", "documentation_url": gen_doc, "status": "422"}),
        );
    }
    let copy = AppState::ms(st.timings.github_template_copy);
    let repo = st.mutate(|w| {
        let mut repo = Repo {
            id: w.ids.number(),
            owner: owner.clone(),
            owner_id,
            owner_is_org: is_org,
            name: name.clone(),
            private: b.get("private").and_then(Value::as_bool).unwrap_or(false),
            description: b
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            is_template: false,
            template: Some(template.full_name()),
            created_ms: now,
            contents_ready_ms: now + copy,
            files: template.files.clone(),
            default_branch: template.default_branch.clone(),
            head_sha: w.ids.hex(40),
            seeded: false,
            previous_names: Vec::new(),
            earlier: Vec::new(),
            git: Default::default(),
            pulls: Vec::new(),
        };
        // A fresh history: one commit whose tree is the template's default branch now.
        repo.start_history(Some(&template), &w.agent(now));
        w.github.repos.push(repo.clone());
        repo
    });
    // The answer is given before the contents are copied (size 0, no commits yet).
    let mut v = repo_json(&st, &repo, now, true);
    v["size"] = json!(0);
    let resp = json_response(201, v);
    with_header(
        resp,
        "location",
        format!("{}/repos/{}", api(&st), repo.full_name()),
    )
}

pub(crate) fn empty_repo(what: &str) -> Response {
    errors::github(409, "Git Repository is empty.", &doc(what))
}

/// The git `author`/`committer` of the REST answers.
pub(crate) fn person_json(p: &Person) -> Value {
    json!({"name": p.name, "email": p.email, "date": iso_secs(p.date_ms)})
}

/// A GitHub account for a commit's person: the simulator's user when it is them, else `null`.
fn account_of(st: &AppState, p: &Person) -> Value {
    let (login, id) = st.read(|w| (w.seed.github_user.clone(), w.seed.github_user_id));
    if p.name == login {
        user_json(st, &login, id, false)
    } else {
        Value::Null
    }
}

/// `verification` of an unsigned commit.
pub(crate) fn unsigned() -> Value {
    json!({"verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null})
}

/// A commit as `repos/get-commit` and `repos/list-commits` show it (`commit` schema), without
/// `files`/`stats`. `Null` for a sha that is not a commit of `r`.
pub(crate) fn commit_json(st: &AppState, r: &Repo, sha: &str) -> Value {
    let Some(c) = r.git.commit(sha) else {
        return Value::Null;
    };
    let full = r.full_name();
    let u = format!("{}/repos/{full}", api(st));
    json!({
        "sha": sha, "node_id": node_id("C_", r.id), "url": format!("{u}/commits/{sha}"),
        "html_url": format!("https://github.com/{full}/commit/{sha}"),
        "comments_url": format!("{u}/commits/{sha}/comments"),
        "commit": {
            "url": format!("{u}/git/commits/{sha}"),
            "message": c.message, "author": person_json(&c.author), "committer": person_json(&c.committer),
            "tree": {"sha": c.tree, "url": format!("{u}/git/trees/{}", c.tree)}, "comment_count": 0,
            "verification": unsigned(),
        },
        "author": account_of(st, &c.author), "committer": account_of(st, &c.committer),
        "parents": c.parents.iter().map(|p| json!({"sha": p, "url": format!("{u}/commits/{p}"), "html_url": format!("https://github.com/{full}/commit/{p}")})).collect::<Vec<_>>(),
    })
}

/// `files[]` of a comparison or a commit (`diff-entry`): what changed from `old` to `new`.
pub(crate) fn diff_entries(
    st: &AppState,
    r: &Repo,
    old: &Flat,
    new: &Flat,
    at: &str,
) -> Vec<Value> {
    let full = r.full_name();
    let lines = |e: &Option<(String, String)>| {
        e.as_ref()
            .and_then(|(_, sha)| r.git.blob(sha))
            .map_or(0, |b| String::from_utf8_lossy(b).lines().count())
    };
    crate::git::diff(old, new)
        .into_iter()
        .map(|(path, status, o, n)| {
            let (additions, deletions) = match status {
                "added" => (lines(&n), 0),
                "removed" => (0, lines(&o)),
                _ => (lines(&n), lines(&o)),
            };
            let sha = n
                .as_ref()
                .or(o.as_ref())
                .map(|(_, s)| s.clone())
                .unwrap_or_default();
            json!({
                "sha": sha, "filename": path, "status": status,
                "additions": additions, "deletions": deletions, "changes": additions + deletions,
                "blob_url": format!("https://github.com/{full}/blob/{at}/{path}"),
                "raw_url": format!("https://github.com/{full}/raw/{at}/{path}"),
                "contents_url": format!("{}/repos/{full}/contents/{path}?ref={at}", api(st)),
            })
        })
        .collect()
}

/// A repository that exists and has contents: 404 otherwise, 409 "Git Repository is empty."
/// while a template copy runs.
pub(crate) fn ready_repo(
    st: &AppState,
    owner: &str,
    name: &str,
    what: &str,
) -> Result<Repo, Response> {
    let r = find(st, owner, name).ok_or_else(|| repo_not_found(what))?;
    if r.is_empty_at(now_ms()) {
        return Err(empty_repo(what));
    }
    Ok(r)
}

/// `Link` header of a page of `total` items (`None` when it is the only page).
pub(crate) fn link_header(
    base: &str,
    per_page: usize,
    page: usize,
    total: usize,
) -> Option<String> {
    let last = total.div_ceil(per_page).max(1);
    let sep = if base.contains('?') { '&' } else { '?' };
    let link =
        |p: usize, rel: &str| format!("<{base}{sep}per_page={per_page}&page={p}>; rel=\"{rel}\"");
    let mut links = vec![];
    if page > 1 {
        links.push(link(page - 1, "prev"));
        links.push(link(1, "first"));
    }
    if page < last {
        links.push(link(page + 1, "next"));
        links.push(link(last, "last"));
    }
    (!links.is_empty()).then(|| links.join(", "))
}

const LIST_COMMITS_DOC: &str = "commits/commits#list-commits";

/// `GET /repos/{o}/{r}/commits` (`repos/list-commits`): the history from `sha` (a branch or a
/// commit; the default branch when absent), newest first, only commits that changed `path` when
/// given, paged by `per_page` (≤ 100, default 30) and `page` with a `Link` header. 409 "Git
/// Repository is empty." until the template copy is done.
async fn commits(
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
async fn commit_one(
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
async fn branch(State(st): St, Path((owner, name, b)): Path<(String, String, String)>) -> Response {
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
fn content_item(
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

/// Base64 as GitHub sends it in `content`: wrapped at 60 columns, each line ending in "\n".
pub(crate) fn wrapped_base64(bytes: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut wrapped = String::with_capacity(b64.len() + b64.len() / 60 + 1);
    for chunk in b64.as_bytes().chunks(60) {
        wrapped.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        wrapped.push('\n');
    }
    wrapped
}

/// The entry at `path` under the tree `root` (`path` "" is the root itself, as a directory).
fn entry_at(r: &Repo, root: &str, path: &str) -> Option<TreeEntry> {
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

const PUT_CONTENTS_DOC: &str = "repos/contents#create-or-update-file-contents";

/// `PUT /repos/{owner}/{repo}/contents/{path}` (`repos/create-or-update-file-contents`): one file
/// in one commit on `branch` (default branch when absent). 201 when created, 200 when replaced;
/// replacing without `sha` is a 422, with a stale `sha` a 409; `message` and `content` (base64)
/// are required.
async fn put_contents(
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
        Some((r.clone(), commit))
    });
    let Some((r, commit)) = committed else {
        return repo_not_found(PUT_CONTENTS_DOC);
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

const GET_CONTENTS_DOC: &str = "repos/contents#get-repository-content";

async fn contents_root(
    State(st): St,
    Path((owner, name)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    read_contents(&st, &owner, &name, "", q.get("ref").map(String::as_str))
}

async fn contents(
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
fn read_contents(
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
