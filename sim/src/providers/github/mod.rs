//! GitHub REST (`/github/...`): the router, the token check and rate limits every route shares,
//! and the JSON shapes the routes have in common. The routes are by resource: repositories
//! (`repos.rs`), commits, branches and contents (`contents.rs`), the Git database (`git.rs`),
//! comparisons (`compare.rs`) and pull requests (`pulls.rs`).

mod compare;
pub(crate) mod contents;
mod git;
mod pulls;
mod repos;
pub mod smart_http;
pub(crate) mod transfer;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::errors::{self, json_response, with_header, GITHUB_DOCS};
use crate::git::{Flat, Person};
use crate::providers::{bearer, json_body};
use crate::state::{lock, AppState};
use crate::world::{iso_secs, now_ms, Repo};

use compare::compare;
use contents::{branch, commit_one, commits, contents, contents_root, put_contents};
use pulls::{check_merged, create_pull, get_pull, list_pulls, merge_pull, update_pull};
use repos::{
    content_limit, delete_repo, delete_repo_by_id, generate, get_repo, get_repo_by_id, get_user,
    list_repos, rate_limit, update_repo, update_repo_by_id,
};

pub(crate) use repos::valid_repo_name;

type St = State<Arc<AppState>>;

/// The repository `owner/name` when it exists and is ready (not still being generated), else
/// the answer to return.
macro_rules! ready {
    ($st:expr, $owner:expr, $name:expr, $what:expr) => {
        match ready_repo(&$st, &$owner, &$name, $what) {
            Ok(r) => r,
            Err(resp) => return resp,
        }
    };
}
pub(super) use ready;

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
        .route("/repos/{owner}/{repo}/commits/{ref}", get(commit_one))
        .route("/repos/{owner}/{repo}/branches/{*branch}", get(branch))
        .route("/repos/{owner}/{repo}/contents/", get(contents_root))
        .route("/repos/{owner}/{repo}/contents", get(contents_root))
        .route(
            "/repos/{owner}/{repo}/contents/{*path}",
            get(contents).put(put_contents),
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
        .merge(git::router())
        .merge(transfer::routes())
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
    let expires = st.cfg.github_token_expiry.get(&token).copied();
    if expires.is_some_and(|at| at <= now) {
        return errors::github(401, "Bad credentials", GITHUB_DOCS);
    }
    let counts = !req.uri().path().ends_with("/rate_limit");
    let info = lock(&st.limiter).hit(
        &format!("github|core|{token}"),
        st.rate_limits().github_per_hour,
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
    let resp = match expires.and_then(chrono::DateTime::from_timestamp_millis) {
        Some(at) => with_header(
            resp,
            "github-authentication-token-expiration",
            at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        ),
        None => resp,
    };
    with_header(resp, "x-github-api-version-selected", "2022-11-28")
}

fn has_scope(st: &AppState, token: &str, scope: &str) -> bool {
    st.cfg.scopes_for(token).iter().any(|s| s == scope)
}

/// Where git clones a repository: the simulator's own smart HTTP (`smart_http.rs`), as GitHub's
/// `clone_url` names github.com.
pub(crate) fn clone_url(st: &AppState, full_name: &str) -> String {
    format!("{}/github-git/{full_name}.git", st.base_url)
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
        "teams_url": format!("{u}/teams"), "trees_url": format!("{u}/git/trees{{/sha}}"), "clone_url": clone_url(st, &full_name),
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
