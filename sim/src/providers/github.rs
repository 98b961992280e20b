//! GitHub REST (`/github/...`): the authenticated user, template generation, repositories.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};

use super::{bearer, json_body, query_num};
use crate::errors::{self, json_response, with_header, GITHUB_DOCS};
use crate::state::{lock, AppState};
use crate::world::{iso_secs, now_ms, Repo};

type St = State<Arc<AppState>>;

const SECONDARY_MESSAGE: &str = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.";

pub fn router(st: Arc<AppState>) -> Router<Arc<AppState>> {
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
        .route("/repos/{owner}/{repo}/branches/{branch}", get(branch))
        .route("/repos/{owner}/{repo}/contents/", get(contents_root))
        .route("/repos/{owner}/{repo}/contents", get(contents_root))
        .route(
            "/repos/{owner}/{repo}/contents/{*path}",
            get(contents).put(put_contents),
        )
        .route_layer(middleware::from_fn_with_state(st, auth_and_limit))
}

fn doc(path: &str) -> String {
    format!("https://docs.github.com/rest/{path}")
}

/// The token a request was authenticated with (put in extensions by the middleware).
#[derive(Clone)]
struct Token(String);

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
    req.extensions_mut().insert(Token(token));
    let resp = if info.allowed || !counts {
        next.run(req).await
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

fn api(st: &AppState) -> String {
    format!("{}/github", st.base_url)
}

fn user_json(st: &AppState, login: &str, id: u64, is_org: bool) -> Value {
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

fn node_id(prefix: &str, id: u64) -> String {
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

fn find(st: &AppState, owner: &str, name: &str) -> Option<Repo> {
    st.read(|w| {
        w.github
            .repos
            .iter()
            .find(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
            .cloned()
    })
}

fn repo_not_found(what: &str) -> Response {
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

/// The secondary limit on content-generating requests (a repository, a commit), per token:
/// `Some` is the refusal once the minute's budget is spent.
fn content_limit(st: &AppState, token: &str) -> Option<Response> {
    let now = now_ms();
    let sec = lock(&st.limiter).hit(
        &format!("github|content|{token}"),
        st.cfg.rate_limits.github_content_per_minute,
        60_000,
        now,
        true,
    );
    if sec.allowed {
        return None;
    }
    let resp = errors::github(
        403,
        SECONDARY_MESSAGE,
        &doc("overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"),
    );
    Some(with_header(
        resp,
        "retry-after",
        sec.reset_in_secs(now).to_string(),
    ))
}

async fn generate(
    State(st): St,
    axum::Extension(Token(token)): axum::Extension<Token>,
    Path((towner, tname)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let gen_doc = doc("repos/repos#create-a-repository-using-a-template");
    if let Some(refused) = content_limit(&st, &token) {
        return refused;
    }
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
        let repo = Repo {
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
        };
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

fn empty_repo(what: &str) -> Response {
    errors::github(409, "Git Repository is empty.", &doc(what))
}

fn commit_json(st: &AppState, r: &Repo) -> Value {
    let u = format!("{}/repos/{}", api(st), r.full_name());
    let at = iso_secs(r.contents_ready_ms);
    let who = json!({"name": "fabrik-agent", "email": "agent@fabrik.test", "date": at});
    json!({
        "sha": r.head_sha, "node_id": node_id("C_", r.id), "url": format!("{u}/commits/{}", r.head_sha),
        "html_url": format!("https://github.com/{}/commit/{}", r.full_name(), r.head_sha),
        "commit": {"message": "Initial commit", "author": who, "committer": who, "tree": {"sha": r.head_sha, "url": format!("{u}/git/trees/{}", r.head_sha)}, "comment_count": 0},
        "parents": []
    })
}

/// `GET /repos/{o}/{r}/commits`: 409 "Git Repository is empty." until the template copy is done.
async fn commits(State(st): St, Path((owner, name)): Path<(String, String)>) -> Response {
    let Some(r) = find(&st, &owner, &name) else {
        return repo_not_found("commits/commits#list-commits");
    };
    if r.is_empty_at(now_ms()) {
        return empty_repo("commits/commits#list-commits");
    }
    json_response(200, json!([commit_json(&st, &r)]))
}

/// `GET /repos/{o}/{r}/branches/{b}`: 404 "Branch not found" while empty.
async fn branch(State(st): St, Path((owner, name, b)): Path<(String, String, String)>) -> Response {
    let Some(r) = find(&st, &owner, &name) else {
        return repo_not_found("branches/branches#get-a-branch");
    };
    if r.is_empty_at(now_ms()) || b != r.default_branch {
        return errors::github(
            404,
            "Branch not found",
            &doc("branches/branches#get-a-branch"),
        );
    }
    let u = format!("{}/repos/{}", api(&st), r.full_name());
    json_response(
        200,
        json!({"name": b, "commit": commit_json(&st, &r), "_links": {"self": format!("{u}/branches/{b}"), "html": format!("https://github.com/{}/tree/{b}", r.full_name())}, "protected": false, "protection_url": format!("{u}/branches/{b}/protection")}),
    )
}

/// One entry of `repos/get-content` (`content-file`, or an item of `content-directory`): the
/// links GitHub gives at `git_ref`, and `content` (Base64) when `content` is `Some` and asked for.
fn content_item(
    st: &AppState,
    r: &Repo,
    path: &str,
    entry: Entry<'_>,
    git_ref: &str,
    with_content: bool,
) -> Value {
    let full = r.full_name();
    let u = format!("{}/repos/{full}/contents/{path}?ref={git_ref}", api(st));
    let name = path.rsplit('/').next().unwrap_or(path);
    let (kind, sha, size) = match entry {
        Entry::File(c) => ("file", blob_sha(c), c.len()),
        Entry::Dir => ("dir", blob_sha(&format!("tree {}:{path}", r.id)), 0),
    };
    let git = match entry {
        Entry::File(_) => format!("{}/repos/{full}/git/blobs/{sha}", api(st)),
        Entry::Dir => format!("{}/repos/{full}/git/trees/{sha}", api(st)),
    };
    let html = match entry {
        Entry::File(_) => format!("https://github.com/{full}/blob/{git_ref}/{path}"),
        Entry::Dir => format!("https://github.com/{full}/tree/{git_ref}/{path}"),
    };
    let download = match entry {
        Entry::File(_) => json!(format!(
            "https://raw.githubusercontent.com/{full}/{git_ref}/{path}"
        )),
        Entry::Dir => Value::Null,
    };
    let mut v = json!({
        "type": kind, "name": name, "path": path, "sha": sha, "size": size,
        "url": u, "html_url": html, "git_url": git, "download_url": download,
        "_links": {"self": u, "git": git, "html": html}
    });
    if let (Entry::File(c), true) = (entry, with_content) {
        // GitHub wraps the Base64 text at 60 columns, each line ending in "\n".
        let b64 = base64::engine::general_purpose::STANDARD.encode(c);
        let mut wrapped = String::with_capacity(b64.len() + b64.len() / 60 + 1);
        for chunk in b64.as_bytes().chunks(60) {
            wrapped.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            wrapped.push('\n');
        }
        v["encoding"] = json!("base64");
        v["content"] = json!(wrapped);
    }
    v
}

#[derive(Clone, Copy)]
enum Entry<'a> {
    File(&'a str),
    Dir,
}

/// A blob's sha, from its content (as git's is), so a stale one is told from the current one.
fn blob_sha(content: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(format!("blob {}\0{content}", content.len()).as_bytes());
    d.iter().take(20).map(|b| format!("{b:02x}")).collect()
}

const PUT_CONTENTS_DOC: &str = "repos/contents#create-or-update-file-contents";

/// `PUT /repos/{owner}/{repo}/contents/{path}` (`repos/create-or-update-file-contents`): one file
/// in one commit on the default branch. 201 when created, 200 when replaced; replacing without
/// `sha` is a 422, with a stale `sha` a 409; `message` and `content` (base64) are required.
async fn put_contents(
    State(st): St,
    axum::Extension(Token(token)): axum::Extension<Token>,
    Path((owner, name, path)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    // A commit is content: it counts against the same minute as a new repository.
    if let Some(refused) = content_limit(&st, &token) {
        return refused;
    }
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
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let sha = b.get("sha").and_then(Value::as_str).map(str::to_string);
    let Some(repo) = find(&st, &owner, &name) else {
        return repo_not_found(PUT_CONTENTS_DOC);
    };
    if repo.is_empty_at(now_ms()) {
        return errors::github(409, "Git Repository is empty.", &doc(PUT_CONTENTS_DOC));
    }
    let existing = repo
        .files
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, c)| blob_sha(c));
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
    let (updated, commit) = st
        .mutate(|w| {
            let commit = w.ids.hex(40);
            let r = w.github.repos.iter_mut().find(|r| r.id == repo.id)?;
            let before = (r.head_sha.clone(), r.files.clone());
            r.earlier.push(before);
            match r.files.iter_mut().find(|(p, _)| *p == path) {
                Some((_, c)) => *c = text.clone(),
                None => r.files.push((path.clone(), text.clone())),
            }
            r.head_sha = commit.clone();
            Some((r.clone(), commit))
        })
        .map_or((None, String::new()), |(r, c)| (Some(r), c));
    let Some(r) = updated else {
        return repo_not_found(PUT_CONTENTS_DOC);
    };
    json_response(
        if existing.is_some() { 200 } else { 201 },
        json!({
            "content": content_item(&st, &r, &path, Entry::File(&text), &r.default_branch, false),
            "commit": {"sha": commit, "message": message, "tree": {"sha": blob_sha(&commit)}, "parents": []},
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
/// Base64 `content`) or a directory (`content-directory`, in git's tree order) at `ref` (default branch when absent; a branch name, the
/// head commit or an earlier commit of the simulated history). 404 for an unknown ref or path.
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
    let Some(files) = r.files_at(git_ref) else {
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
    if let Some((_, c)) = files.iter().find(|(p, _)| *p == path) {
        return json_response(
            200,
            content_item(st, &r, path, Entry::File(c), shown_ref, true),
        );
    }
    let prefix = if path.is_empty() {
        String::new()
    } else {
        format!("{path}/")
    };
    let mut entries: Vec<(String, Option<&str>)> = vec![];
    for (p, c) in files {
        if let Some(rest) = p.strip_prefix(&prefix) {
            let entry = match rest.split_once('/') {
                Some((d, _)) => (d.to_string(), None),
                None => (rest.to_string(), Some(c.as_str())),
            };
            if !entries.iter().any(|(n, _)| *n == entry.0) {
                entries.push(entry);
            }
        }
    }
    if entries.is_empty() {
        return repo_not_found(GET_CONTENTS_DOC);
    }
    // Git's tree order: by name, a directory compared as `name/`.
    let key = |(n, c): &(String, Option<&str>)| match c {
        Some(_) => n.clone(),
        None => format!("{n}/"),
    };
    entries.sort_by_key(key);
    let items: Vec<Value> = entries
        .iter()
        .map(|(n, c)| {
            let entry = match c {
                Some(c) => Entry::File(c),
                None => Entry::Dir,
            };
            content_item(st, &r, &format!("{prefix}{n}"), entry, shown_ref, false)
        })
        .collect();
    json_response(200, Value::Array(items))
}
