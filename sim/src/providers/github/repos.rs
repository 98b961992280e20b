//! GitHub's repositories (`/github/repos/...`, `/github/repositories/{id}`): the user and their
//! repositories, reading, renaming (a rename leaves a redirect), deleting and generating one from
//! a template, with the validation and limits GitHub answers with.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::{
    api, doc, find, has_scope, repo_json, repo_not_found, user_json, Token, SECONDARY_MESSAGE,
};
use crate::errors::{self, json_response, with_header, GITHUB_DOCS};
use crate::providers::{bearer, json_body, query_num};
use crate::state::{lock, AppState};
use crate::world::{iso_secs, now_ms, Repo};

type St = State<Arc<AppState>>;

pub(super) async fn get_user(State(st): St) -> Response {
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

pub(super) async fn list_repos(
    State(st): St,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
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

pub(super) async fn rate_limit(State(st): St, headers: HeaderMap) -> Response {
    let token = bearer(&headers).unwrap_or_default();
    let now = now_ms();
    let core = lock(&st.limiter).hit(
        &format!("github|core|{token}"),
        st.rate_limits().github_per_hour,
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

pub(super) async fn get_repo(
    State(st): St,
    Path((owner, name)): Path<(String, String)>,
) -> Response {
    match find(&st, &owner, &name) {
        Some(r) => json_response(200, repo_json(&st, &r, now_ms(), true)),
        None => match renamed(&st, &owner, &name) {
            Some(r) => moved(&st, &r, 301),
            None => repo_not_found("repos/repos#get-a-repository"),
        },
    }
}

/// Where GitHub's redirects for renamed repositories point.
pub(super) async fn get_repo_by_id(State(st): St, Path(id): Path<u64>) -> Response {
    match st.read(|w| w.github.repos.iter().find(|r| r.id == id).cloned()) {
        Some(r) => json_response(200, repo_json(&st, &r, now_ms(), true)),
        None => repo_not_found("repos/repos#get-a-repository"),
    }
}

pub(super) async fn delete_repo_by_id(
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
pub(super) fn renamed(st: &AppState, owner: &str, name: &str) -> Option<Repo> {
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
            .or_else(|| {
                let id = super::transfer::moved_from(w, owner, name)?;
                w.github.repos.iter().find(|r| r.id == id)
            })
            .cloned()
    })
}

/// GitHub's answer for an old name: 301 on reads, 307 on writes, to `/repositories/{id}`.
pub(super) fn moved(st: &AppState, r: &Repo, status: u16) -> Response {
    let url = format!("{}/repositories/{}", api(st), r.id);
    let message = if status == 301 {
        "Moved Permanently"
    } else {
        "Temporary Redirect"
    };
    let body = json!({ "message": message, "url": url, "documentation_url": GITHUB_DOCS });
    with_header(json_response(status, body), "location", url)
}

pub(super) async fn delete_repo(
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

pub(super) const UPDATE_DOC: &str = "repos/repos#update-a-repository";

/// `PATCH /repos/{owner}/{repo}` ("Update a repository"); an old name answers 307.
pub(super) async fn update_repo(
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
pub(super) async fn update_repo_by_id(
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
pub(super) fn wrong_type(field: &str, value: &Value, expected: &str) -> Response {
    json_response(
        422,
        json!({"message": format!("Invalid request.\n\nFor 'properties/{field}', {value} is not {expected}."), "documentation_url": doc(UPDATE_DOC), "status": "422"}),
    )
}

/// GitHub's "Validation Failed" answer with one error item.
pub(super) fn validation_failed(error: Value) -> Response {
    json_response(
        422,
        json!({"message": "Validation Failed", "errors": [error], "documentation_url": doc(UPDATE_DOC), "status": "422"}),
    )
}

/// The changes of an update body, type-checked. Other documented properties are accepted and ignored.
#[derive(Default)]
pub(super) struct RepoChanges {
    name: Option<String>,
    description: Option<Option<String>>,
    private: Option<bool>,
    is_template: Option<bool>,
    default_branch: Option<String>,
}

pub(super) fn parse_changes(b: &serde_json::Map<String, Value>) -> Result<RepoChanges, Response> {
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
pub(super) fn update(st: &AppState, token: &str, r: Repo, body: &[u8]) -> Response {
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
pub(super) fn content_limit(st: &AppState, token: &str) -> Option<Response> {
    let now = now_ms();
    let limits = st.rate_limits();
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

pub(super) async fn generate(
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
