//! Vercel REST (`/vercel/...`): user/teams, projects, environment variables, deployments,
//! project domains (`domains`).
//!
//! Scope: `?teamId=` (or `?slug=`) acts on the team; without it, on the personal account. A
//! resource of one scope is invisible (404) from the other.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use base64::Engine;
use serde_json::{json, Map, Value};

use super::{bearer, json_body};
use crate::errors::{self, json_response, with_header};
use crate::faults::FaultOutcome;
use crate::state::{lock, AppState};
use crate::world::{now_ms, Deployment, EnvVar, GitLink, VProject, World};

pub(crate) mod domains;

type St = State<Arc<AppState>>;
type Q = Query<HashMap<String, String>>;

pub fn router(st: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/v2/user", get(get_user))
        .route("/v2/teams", get(get_teams))
        .route("/v11/projects", post(create_project))
        .route("/v10/projects", post(create_project).get(list_projects))
        .route("/v9/projects/{id}", get(get_project).delete(delete_project))
        .route("/v10/projects/{id}/env", post(create_env).get(list_env))
        .route(
            "/v9/projects/{id}/env/{env}",
            axum::routing::patch(edit_env).delete(remove_env),
        )
        .route(
            "/v10/projects/{project}/promote/{deployment}",
            post(promote),
        )
        .route("/v6/deployments", get(list_deployments))
        .route("/v13/deployments", post(create_deployment))
        .route("/v13/deployments/{id}", get(get_deployment))
        .route("/v10/projects/{id}/domains", post(domains::add))
        .route("/v9/projects/{id}/domains", get(domains::list))
        .route(
            "/v9/projects/{id}/domains/{domain}",
            get(domains::get_one).delete(domains::remove),
        )
        .route(
            "/v9/projects/{id}/domains/{domain}/verify",
            post(domains::verify),
        )
        .route("/v6/domains/{domain}/config", get(domains::config))
        .route_layer(middleware::from_fn_with_state(st, auth_and_limit))
}

async fn auth_and_limit(State(st): St, req: Request, next: Next) -> Response {
    match bearer(req.headers()) {
        None => {
            return json_response(
                403,
                json!({"error": {"code": "forbidden", "message": "Not authorized", "missingToken": true}}),
            )
        }
        Some(t) if !st.accepts(|x| &x.vercel, &t) => {
            return json_response(
                403,
                json!({"error": {"code": "forbidden", "message": "Not authorized", "invalidToken": true}}),
            )
        }
        Some(_) => {}
    }
    let token = bearer(req.headers()).unwrap_or_default();
    let endpoint = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    let now = now_ms();
    let limit = st.cfg.rate_limits.vercel_per_minute;
    let info = lock(&st.limiter).hit(
        &format!("vercel|{token}|{} {endpoint}", req.method()),
        limit,
        60_000,
        now,
        true,
    );
    let reset = info.reset_ms / 1000;
    let resp = if info.allowed {
        next.run(req).await
    } else {
        json_response(
            429,
            json!({"error": {"code": "rate_limited", "message": format!("Rate limit exceeded. Try again in {} seconds.", info.reset_in_secs(now)), "limit": {"remaining": 0, "reset": reset, "resetMs": info.reset_ms, "total": limit}}}),
        )
    };
    let resp = with_header(resp, "x-ratelimit-limit", limit.to_string());
    let resp = with_header(resp, "x-ratelimit-remaining", info.remaining.to_string());
    with_header(resp, "x-ratelimit-reset", reset.to_string())
}

/// The account a request acts on: the team for `teamId`/`slug`, else the user. `Err` = 403.
fn scope(st: &AppState, q: &HashMap<String, String>) -> Result<String, Response> {
    let (team_id, team_slug, user_id) = st.read(|w| {
        (
            w.seed.vercel_team_id.clone(),
            w.seed.vercel_team_slug.clone(),
            w.seed.vercel_user_id.clone(),
        )
    });
    match (q.get("teamId"), q.get("slug")) {
        (Some(t), _) if *t == team_id => Ok(team_id),
        (None, Some(s)) if *s == team_slug => Ok(team_id),
        (None, None) => Ok(user_id),
        _ => Err(errors::vercel(
            403,
            "forbidden",
            "You don't have permission to access this team.",
        )),
    }
}

fn not_found() -> Response {
    errors::vercel(404, "not_found", "Project not found")
}

fn find_project<'a>(w: &'a World, owner: &str, id_or_name: &str) -> Option<&'a VProject> {
    w.vercel
        .projects
        .iter()
        .find(|p| p.account_id == owner && (p.id == id_or_name || p.name == id_or_name))
}

async fn get_user(State(st): St) -> Response {
    let s = st.read(|w| w.seed.clone());
    json_response(
        200,
        json!({"user": {
            "id": s.vercel_user_id, "email": s.vercel_user_email, "name": "Fabrik Agent", "username": s.vercel_user,
            "avatar": null, "defaultTeamId": s.vercel_team_id, "createdAt": 1_700_000_000_000i64, "softBlock": null,
            "billing": {"plan": "hobby", "period": null, "trial": null, "cancelation": null, "addons": null, "email": null, "tax": null,
                        "language": null, "address": null, "name": null, "currency": "usd", "status": "active", "platform": "stripe"},
            "resourceConfig": {}, "stagingPrefix": s.vercel_user, "hasTrialAvailable": false, "version": "northstar"
        }}),
    )
}

async fn get_teams(State(st): St) -> Response {
    let s = st.read(|w| w.seed.clone());
    json_response(
        200,
        json!({
            "teams": [{"id": s.vercel_team_id, "slug": s.vercel_team_slug, "name": s.vercel_team_name, "avatar": null,
                       "description": null, "stagingPrefix": s.vercel_team_slug,
                       "createdAt": 1_700_000_000_000i64, "creatorId": s.vercel_user_id, "updatedAt": 1_700_000_000_000i64,
                       "membership": {"role": "OWNER", "confirmed": true, "createdAt": 1_700_000_000_000i64, "created": 1_700_000_000_000i64, "teamId": s.vercel_team_id, "uid": s.vercel_user_id}}],
            "pagination": {"count": 1, "next": null, "prev": null}
        }),
    )
}

fn ciphertext(id: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{{\"v\":\"v2\",\"env\":\"{id}\"}}"))
}

fn env_json(e: &EnvVar, user_id: &str, decrypt: bool) -> Value {
    let mut v = json!({
        "type": e.kind, "id": e.id, "key": e.key, "target": e.target, "configurationId": null,
        "createdAt": e.created_ms, "updatedAt": e.updated_ms, "createdBy": user_id, "updatedBy": null,
        "decrypted": decrypt && e.kind == "encrypted",
    });
    match e.kind.as_str() {
        // Sensitive values can never be read back; encrypted ones only with `decrypt=true`.
        "sensitive" | "secret" => v["value"] = json!(ciphertext(&e.id)),
        "encrypted" if !decrypt => v["value"] = json!(ciphertext(&e.id)),
        _ => v["value"] = json!(e.value),
    }
    if let Some(b) = &e.git_branch {
        v["gitBranch"] = json!(b);
    }
    if let Some(c) = &e.comment {
        v["comment"] = json!(c);
    }
    v
}

fn project_json(st: &AppState, p: &VProject, now: i64) -> Value {
    let user_id = st.read(|w| w.seed.vercel_user_id.clone());
    let deployments: Vec<Value> = st.read(|w| {
        w.vercel
            .deployments
            .iter()
            .filter(|d| d.project_id == p.id)
            .rev()
            .take(1)
            .map(|d| latest_deployment_json(w, d, now))
            .collect()
    });
    let mut v = json!({
        "accountId": p.account_id, "id": p.id, "name": p.name, "framework": p.framework,
        "directoryListing": false, "nodeVersion": "22.x",
        "resourceConfig": {"functionDefaultRegions": ["iad1"], "fluid": true},
        "defaultResourceConfig": {"functionDefaultRegions": ["iad1"], "fluid": true},
        "createdAt": p.created_ms, "updatedAt": p.updated_ms, "live": false, "latestDeployments": deployments,
        "env": p.env.iter().map(|e| env_json(e, &user_id, false)).collect::<Vec<_>>(),
        "targets": targets_json(st, p, now), "autoExposeSystemEnvs": true, "publicSource": null, "serverlessFunctionRegion": "iad1",
        "gitForkProtection": true,
    });
    if let Some(l) = &p.link {
        v["link"] = json!({
            "type": l.kind, "repo": l.repo, "repoId": l.repo_id, "org": l.org, "repoOwnerId": l.repo_id / 7,
            "gitCredentialId": format!("cred_{}", &p.id[4..]), "productionBranch": l.production_branch,
            "sourceless": true, "createdAt": l.created_ms, "updatedAt": l.created_ms, "deployHooks": []
        });
    }
    if let Value::Object(m) = &mut v {
        m.insert(
            "ssoProtection".into(),
            match sso_protection(p) {
                Some(t) => json!({ "deploymentType": t }),
                None => Value::Null,
            },
        );
        for (k, val) in &p.settings {
            m.insert(k.clone(), val.clone());
        }
    }
    v
}

/// `targets.production`: the deployment the production domains serve, as getProject answers
/// it (a `latestDeployments`-shaped item); `{}` before the first production deployment.
fn targets_json(st: &AppState, p: &VProject, now: i64) -> Value {
    st.read(|w| match production_of(w, p, now) {
        Some(d) => json!({ "production": latest_deployment_json(w, d, now) }),
        None => json!({}),
    })
}

/// What the project's production domains serve: the promoted deployment while production is
/// pinned to one, else the newest READY production deployment (Vercel moves the domains to
/// each new production deployment once it is ready).
pub(crate) fn production_of<'a>(w: &'a World, p: &VProject, now: i64) -> Option<&'a Deployment> {
    let ours = |d: &&Deployment| d.project_id == p.id;
    match &p.promoted {
        Some(id) => w
            .vercel
            .deployments
            .iter()
            .filter(ours)
            .find(|d| d.id == *id),
        None => {
            w.vercel.deployments.iter().filter(ours).rev().find(|d| {
                d.target.as_deref() == Some("production") && d.ready_state(now) == "READY"
            })
        }
    }
}

/// `requestPromote`: points the production domains at an existing READY deployment of the
/// project without building it again. Promoting anything but the newest production
/// deployment pins production there (new deployments then wait to be promoted); promoting
/// the newest lifts the pin. 201; 404 for an unknown project or deployment, 400 for one that
/// is not READY.
async fn promote(
    State(st): St,
    Path((project, deployment)): Path<(String, String)>,
    Query(q): Q,
) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let now = now_ms();
    let done = st.mutate(|w| {
        let Some(pi) = w
            .vercel
            .projects
            .iter()
            .position(|p| p.account_id == owner && (p.id == project || p.name == project))
        else {
            return Err(errors::vercel(404, "not_found", "Project not found"));
        };
        let pid = w.vercel.projects[pi].id.clone();
        let Some(d) = w
            .vercel
            .deployments
            .iter()
            .find(|d| d.id == deployment && d.project_id == pid)
        else {
            return Err(errors::vercel(
                404,
                "not_found",
                "The deployment was not found",
            ));
        };
        if d.ready_state(now) != "READY" {
            return Err(errors::vercel(
                400,
                "bad_request",
                "Only a deployment in the READY state can be promoted.",
            ));
        }
        let newest = w
            .vercel
            .deployments
            .iter()
            .rev()
            .find(|x| x.project_id == pid && x.target.as_deref() == Some("production"))
            .map(|x| x.id.clone());
        let id = d.id.clone();
        w.vercel.projects[pi].promoted = if newest.as_deref() == Some(id.as_str()) {
            None
        } else {
            Some(id)
        };
        w.vercel.projects[pi].updated_ms = now;
        Ok(())
    });
    match done {
        Ok(()) => (axum::http::StatusCode::CREATED, "").into_response(),
        Err(r) => r,
    }
}

const PROJECT_FIELDS: &[&str] = &[
    "enablePreviewFeedback",
    "enableProductionFeedback",
    "previewDeploymentsDisabled",
    "buildCommand",
    "commandForIgnoringBuildStep",
    "devCommand",
    "environmentVariables",
    "framework",
    "gitRepository",
    "installCommand",
    "name",
    "skipGitConnectDuringLink",
    "ssoProtection",
    "outputDirectory",
    "publicSource",
    "rootDirectory",
    "serverlessFunctionRegion",
    "serverlessFunctionZeroConfigFailover",
    "oidcTokenConfig",
    "enableAffectedProjectsDeployments",
    "resourceConfig",
];
const ECHOED_SETTINGS: &[&str] = &[
    "buildCommand",
    "devCommand",
    "installCommand",
    "outputDirectory",
    "rootDirectory",
    "commandForIgnoringBuildStep",
];

fn bad(msg: &str) -> Response {
    errors::vercel(400, "bad_request", msg)
}

const INSTALL_GITHUB: &str = "To link a GitHub repository, you need to install the GitHub integration first. Make sure there aren't any typos and that you have access to the repository if it's private.";

pub(crate) fn valid_project_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 100
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
        && !n.contains("---")
}

async fn create_project(State(st): St, Query(q): Q, body: Bytes) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(Value::Object(b)) = json_body(&body) else {
        return bad("Invalid JSON");
    };
    if let Some(extra) = b.keys().find(|k| !PROJECT_FIELDS.contains(&k.as_str())) {
        return bad(&format!(
            "Invalid request: should NOT have additional property `{extra}`."
        ));
    }
    let Some(name) = b.get("name").and_then(Value::as_str).map(str::to_string) else {
        return bad("Invalid request: missing required property `name`.");
    };
    if !valid_project_name(&name) {
        return bad("The name of a Project can only contain up to 100 lowercase alphanumeric characters, '.', '_' and '-', and cannot contain '---'.");
    }
    let now = now_ms();
    let link = match b.get("gitRepository") {
        None | Some(Value::Null) => None,
        Some(g) => {
            let (Some(kind), Some(repo)) = (
                g.get("type").and_then(Value::as_str),
                g.get("repo").and_then(Value::as_str),
            ) else {
                return bad("Invalid request: `gitRepository` should have required properties `type` and `repo`.");
            };
            if !matches!(kind, "github" | "github-limited" | "gitlab" | "bitbucket") {
                return bad("Invalid request: `gitRepository.type` should be equal to one of the allowed values \"github\", \"github-limited\", \"gitlab\", \"bitbucket\".");
            }
            // Only the simulated GitHub exists: other providers can never be linked.
            let found = (kind == "github" || kind == "github-limited")
                .then(|| {
                    st.read(|w| {
                        w.github
                            .repos
                            .iter()
                            .find(|r| r.full_name().eq_ignore_ascii_case(repo))
                            .cloned()
                    })
                })
                .flatten();
            let Some(r) = found else {
                return bad(INSTALL_GITHUB);
            };
            Some(GitLink {
                kind: kind.into(),
                org: r.owner.clone(),
                repo: r.name.clone(),
                repo_id: r.id,
                production_branch: r.default_branch.clone(),
                created_ms: now,
            })
        }
    };
    let framework = b
        .get("framework")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut settings = Map::new();
    for k in ECHOED_SETTINGS {
        if let Some(v) = b.get(*k) {
            settings.insert((*k).into(), v.clone());
        }
    }
    let env_items: Vec<Value> = match b.get("environmentVariables") {
        Some(Value::Array(a)) => a.clone(),
        None | Some(Value::Null) => vec![],
        Some(_) => return bad("Invalid request: `environmentVariables` should be array."),
    };
    // Validate the initial variables up front: a bad one fails the whole creation.
    for item in &env_items {
        if let Err((_, code, msg)) = validate_env(item, false) {
            return errors::vercel(400, code, &msg);
        }
    }
    let created = st.mutate(|w| {
        if w.vercel
            .projects
            .iter()
            .any(|p| p.account_id == owner && p.name == name)
        {
            return None;
        }
        let id = w.ids.prefixed("prj_");
        let mut env = vec![];
        for item in &env_items {
            if let Ok(e) = validate_env(item, false) {
                env.push(new_env(w, e, now));
            }
        }
        let p = VProject {
            id,
            name: name.clone(),
            account_id: owner.clone(),
            framework,
            link,
            env,
            created_ms: now,
            updated_ms: now,
            settings,
            promoted: None,
        };
        w.vercel.projects.push(p.clone());
        Some(p)
    });
    match created {
        Some(p) => json_response(200, project_json(&st, &p, now)),
        None => errors::vercel(
            409,
            "conflict",
            "A project with the provided name already exists.",
        ),
    }
}

async fn list_projects(State(st): St, Query(q): Q) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let now = now_ms();
    let search = q.get("search").cloned().unwrap_or_default();
    let limit: usize = q
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(20)
        .clamp(1, 100);
    let list: Vec<VProject> = st.read(|w| {
        w.vercel
            .projects
            .iter()
            .filter(|p| p.account_id == owner && p.name.contains(&search))
            .cloned()
            .collect()
    });
    let items: Vec<Value> = list
        .iter()
        .take(limit)
        .map(|p| project_json(&st, p, now))
        .collect();
    json_response(
        200,
        json!({"projects": items, "pagination": {"count": items.len(), "next": null, "prev": null}}),
    )
}

async fn get_project(State(st): St, Path(id): Path<String>, Query(q): Q) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    match st.read(|w| find_project(w, &owner, &id).cloned()) {
        Some(p) => json_response(200, project_json(&st, &p, now_ms())),
        None => not_found(),
    }
}

async fn delete_project(State(st): St, Path(id): Path<String>, Query(q): Q) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let removed = st.mutate(|w| {
        let pid = find_project(w, &owner, &id)?.id.clone();
        w.vercel.projects.retain(|p| p.id != pid);
        w.vercel.deployments.retain(|d| d.project_id != pid);
        w.vercel.domains.retain(|d| d.project_id != pid);
        Some(())
    });
    match removed {
        Some(()) => axum::http::StatusCode::NO_CONTENT.into_response(),
        None => not_found(),
    }
}

const ENV_TYPES: &[&str] = &["system", "secret", "encrypted", "plain", "sensitive"];
const TARGETS: &[&str] = &["production", "preview", "development"];
/// Vercel's limit on one variable's value (64 KB).
const MAX_VALUE: usize = 65_536;

pub(crate) struct NewEnv {
    key: String,
    value: String,
    kind: String,
    target: Vec<String>,
    git_branch: Option<String>,
    comment: Option<String>,
}

/// Checks one env item; `Err((key, code, message))`.
pub(crate) fn validate_env(
    item: &Value,
    _upsert: bool,
) -> Result<NewEnv, (String, &'static str, String)> {
    let key = item
        .get("key")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let err = |code: &'static str, msg: &str| Err((key.clone(), code, msg.to_string()));
    if !item.is_object() {
        return err(
            "bad_request",
            "Invalid request: each environment variable should be an object.",
        );
    }
    if key.is_empty() {
        return err(
            "missing_key",
            "Invalid request: missing required property `key`.",
        );
    }
    let mut chars = key.chars();
    if !chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return err(
            "invalid_key",
            "The name of your Environment Variable contains invalid characters. Only letters, digits and underscores are allowed. Furthermore, the name should not start with a digit.",
        );
    }
    let Some(value) = item.get("value").and_then(Value::as_str) else {
        return err(
            "missing_value",
            "Invalid request: missing required property `value`.",
        );
    };
    if value.len() > MAX_VALUE {
        return err(
            "env_value_too_long",
            "The value of your Environment Variable exceeds the maximum size of 64 KB.",
        );
    }
    let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
    if !ENV_TYPES.contains(&kind) {
        return err("invalid_type", "Invalid request: `type` should be equal to one of the allowed values \"system\", \"secret\", \"encrypted\", \"plain\", \"sensitive\".");
    }
    let target: Vec<String> = match item.get("target") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => vec![],
    };
    if target.is_empty() || target.iter().any(|t| !TARGETS.contains(&t.as_str())) {
        return err("invalid_target", "Invalid request: `target` should contain one or more of \"production\", \"preview\", \"development\".");
    }
    if kind == "sensitive" && target.iter().any(|t| t == "development") {
        return err(
            "invalid_target",
            "Sensitive Environment Variables cannot be created in the Development Environment.",
        );
    }
    Ok(NewEnv {
        key,
        value: value.to_string(),
        kind: kind.to_string(),
        target,
        git_branch: item
            .get("gitBranch")
            .and_then(Value::as_str)
            .map(str::to_string),
        comment: item
            .get("comment")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

pub(crate) fn new_env(w: &mut World, e: NewEnv, now: i64) -> EnvVar {
    EnvVar {
        id: w.ids.alnum(16),
        key: e.key,
        value: e.value,
        kind: e.kind,
        target: e.target,
        git_branch: e.git_branch,
        comment: e.comment,
        created_ms: now,
        updated_ms: now,
    }
}

const ENV_EXISTS: &str = "The environment variable cannot be created because it already exists";

/// Body: one object or an array. Single object: any failure is the answer's status. Array:
/// failures go to `failed` inside a 201 (Vercel's partial-success behaviour).
/// An `ENV_ITEM_*` fault: the first item of the batch fails inside the 201, as Vercel reports
/// per item. Busy is the 400 "ongoing update" condition (try again); rejected is for good.
fn injected_item_failure(outcome: Option<&str>, item: &Value) -> Option<Value> {
    let key = item.get("key").and_then(Value::as_str).unwrap_or("");
    let (code, message) = match outcome? {
        "ENV_ITEM_BUSY" => ("env_update_in_progress", "The environment variable coudn't be created because an ongoing update env update is already happening"),
        "ENV_ITEM_REJECTED" => ("invalid_value", "The value of the Environment Variable is invalid for the target production."),
        _ => return None,
    };
    Some(json!({"error": {"code": code, "message": message, "key": key, "envVarKey": key}}))
}

async fn create_env(
    State(st): St,
    Path(id): Path<String>,
    Query(q): Q,
    outcome: Option<Extension<FaultOutcome>>,
    body: Bytes,
) -> Response {
    let outcome = outcome.map(|Extension(FaultOutcome(o))| o);
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let upsert = q.get("upsert").is_some_and(|v| v == "true" || v == "1");
    let (items, single) = match json_body(&body) {
        Some(Value::Array(a)) => (a, false),
        Some(o @ Value::Object(_)) => (vec![o], true),
        _ => return bad("Invalid request: body should be an object or an array."),
    };
    let now = now_ms();
    let user_id = st.read(|w| w.seed.vercel_user_id.clone());
    let outcome = st.mutate(|w| {
        let pidx = w.vercel.projects.iter().position(|p| p.account_id == owner && (p.id == id || p.name == id))?;
        let mut created = vec![];
        let mut failed: Vec<(u16, Value)> = vec![];
        for (i, item) in items.iter().enumerate() {
            if let Some(f) = (i == 0)
                .then(|| injected_item_failure(outcome.as_deref(), item))
                .flatten()
            {
                failed.push((400, f));
                continue;
            }
            let e = match validate_env(item, upsert) {
                Ok(e) => e,
                Err((key, code, msg)) => {
                    failed.push((400, json!({"error": {"code": code, "message": msg, "key": key}})));
                    continue;
                }
            };
            let existing = w.vercel.projects[pidx]
                .env
                .iter()
                .position(|x| x.key == e.key && x.git_branch == e.git_branch && x.target.iter().any(|t| e.target.contains(t)));
            match existing {
                Some(i) if upsert => {
                    let x = &mut w.vercel.projects[pidx].env[i];
                    x.value = e.value;
                    x.kind = e.kind;
                    x.target = e.target;
                    x.comment = e.comment;
                    x.updated_ms = now;
                    created.push(x.clone());
                }
                Some(i) => {
                    let x = &w.vercel.projects[pidx].env[i];
                    failed.push((
                        403,
                        json!({"error": {"code": "ENV_ALREADY_EXISTS", "message": ENV_EXISTS, "key": x.key, "envVarId": x.id, "envVarKey": x.key, "target": x.target}}),
                    ));
                }
                None => {
                    let env = new_env(w, e, now);
                    w.vercel.projects[pidx].env.push(env.clone());
                    created.push(env);
                }
            }
        }
        w.vercel.projects[pidx].updated_ms = now;
        Some((created, failed))
    });
    let Some((created, failed)) = outcome else {
        return not_found();
    };
    if single {
        if let Some((status, err)) = failed.into_iter().next() {
            return json_response(status, err);
        }
        let c = created
            .first()
            .map(|e| env_json(e, &user_id, false))
            .unwrap_or(Value::Null);
        return json_response(201, json!({"created": c, "failed": []}));
    }
    let c: Vec<Value> = created
        .iter()
        .map(|e| env_json(e, &user_id, false))
        .collect();
    let f: Vec<Value> = failed.into_iter().map(|(_, e)| e).collect();
    json_response(201, json!({"created": c, "failed": f}))
}

/// `DELETE /v9/projects/{idOrName}/env/{id}` (spec: removeProjectEnv): 200 with the removed
/// variable; 404 when the project or the variable is not there.
async fn remove_env(
    State(st): St,
    Path((id, env)): Path<(String, String)>,
    Query(q): Q,
) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let user_id = st.read(|w| w.seed.vercel_user_id.clone());
    let removed = st.mutate(|w| {
        let p = w
            .vercel
            .projects
            .iter_mut()
            .find(|p| p.account_id == owner && (p.id == id || p.name == id))?;
        let i = p.env.iter().position(|e| e.id == env)?;
        Some(p.env.remove(i))
    });
    match removed {
        Some(e) => json_response(200, env_json(&e, &user_id, false)),
        None => not_found(),
    }
}

/// `PATCH /v9/projects/{idOrName}/env/{id}` (spec: editProjectEnv): changes a variable's
/// targets, value, type or comment; the body takes no other field.
async fn edit_env(
    State(st): St,
    Path((id, env)): Path<(String, String)>,
    Query(q): Q,
    body: Bytes,
) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(Value::Object(b)) = json_body(&body) else {
        return bad("Invalid request: body should be an object.");
    };
    const FIELDS: [&str; 7] = [
        "key",
        "target",
        "gitBranch",
        "type",
        "value",
        "customEnvironmentIds",
        "comment",
    ];
    if let Some(k) = b.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return bad(&format!(
            "Invalid request: should NOT have additional property `{k}`."
        ));
    }
    let target = match b.get("target") {
        None => None,
        Some(Value::Array(a))
            if a.iter()
                .all(|t| matches!(t.as_str(), Some("production" | "preview" | "development"))) =>
        {
            Some(
                a.iter()
                    .filter_map(|t| t.as_str().map(String::from))
                    .collect::<Vec<_>>(),
            )
        }
        Some(_) => {
            return bad(
                "Invalid request: `target` should be an array of production, preview, development.",
            )
        }
    };
    let user_id = st.read(|w| w.seed.vercel_user_id.clone());
    let now = now_ms();
    let edited = st.mutate(|w| {
        let p = w
            .vercel
            .projects
            .iter_mut()
            .find(|p| p.account_id == owner && (p.id == id || p.name == id))?;
        let e = p.env.iter_mut().find(|e| e.id == env)?;
        if let Some(t) = target {
            e.target = t;
        }
        if let Some(v) = b.get("value").and_then(Value::as_str) {
            e.value = v.to_string();
        }
        if let Some(c) = b.get("comment").and_then(Value::as_str) {
            e.comment = Some(c.to_string());
        }
        e.updated_ms = now;
        Some(e.clone())
    });
    match edited {
        Some(e) => json_response(200, env_json(&e, &user_id, false)),
        None => not_found(),
    }
}

async fn list_env(State(st): St, Path(id): Path<String>, Query(q): Q) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let decrypt = q.get("decrypt").is_some_and(|v| v == "true");
    let user_id = st.read(|w| w.seed.vercel_user_id.clone());
    match st.read(|w| find_project(w, &owner, &id).cloned()) {
        Some(p) => json_response(
            200,
            json!({"envs": p.env.iter().map(|e| env_json(e, &user_id, decrypt)).collect::<Vec<_>>()}),
        ),
        None => not_found(),
    }
}

fn deployment_json(w: &World, d: &Deployment, now: i64) -> Value {
    let state = d.ready_state(now);
    let building_at = d.created_ms + d.queue_ms;
    let mut v = json!({
        "id": d.id, "name": d.name, "url": d.url, "projectId": d.project_id, "ownerId": d.owner_id,
        "createdAt": d.created_ms, "buildingAt": building_at, "bootedAt": d.created_ms,
        "readyState": state, "status": state, "type": "LAMBDAS", "version": 2, "target": d.target,
        "inspectorUrl": format!("https://vercel.com/{}/{}/{}", w.seed.vercel_team_slug, d.name, &d.id[4..]),
        "isInConcurrentBuildsQueue": false, "isInSystemBuildsQueue": false, "projectSettings": {},
        "aliasAssigned": state == "READY", "aliasError": null, "alias": aliases(w, d, now),
        "buildSkipped": false, "creator": {"uid": w.seed.vercel_user_id, "username": w.seed.vercel_user},
        "public": false, "meta": d.meta, "regions": ["iad1"], "plan": "hobby", "createdIn": "sfo1", "routes": null,
        "build": {"env": []}, "env": [], "readySubstate": if state == "READY" { json!("PROMOTED") } else { Value::Null },
    });
    if v["readySubstate"].is_null() {
        if let Value::Object(m) = &mut v {
            m.remove("readySubstate");
        }
    }
    if let Some(g) = &d.git_source {
        v["gitSource"] = g.clone();
    }
    if state == "READY" {
        v["ready"] = json!(d.created_ms + d.queue_ms + d.build_ms);
    }
    if state == "ERROR" {
        if let Some((code, msg)) = &d.error {
            v["errorCode"] = json!(code);
            v["errorMessage"] = json!(msg);
        }
    }
    v
}

/// The production domain a READY production deployment is served on, `<project>.vercel.app`.
/// A preview gets none; Fabrik reads whatever `alias` says rather than guessing the name
/// (Vercel adds a suffix when the name is taken elsewhere).
fn production_aliases(d: &Deployment, state: &str) -> Vec<String> {
    if state == "READY" && d.target.as_deref() == Some("production") {
        vec![format!("{}.vercel.app", d.name)]
    } else {
        vec![]
    }
}

/// Every domain a deployment is served on: `production_aliases`, and while production serves
/// it, the project's verified custom domains (Vercel moves them with production).
fn aliases(w: &World, d: &Deployment, now: i64) -> Vec<String> {
    let mut all = production_aliases(d, d.ready_state(now));
    if all.is_empty() {
        return all;
    }
    let serving = w
        .vercel
        .projects
        .iter()
        .find(|p| p.id == d.project_id)
        .and_then(|p| production_of(w, p, now))
        .is_some_and(|x| x.id == d.id);
    if serving {
        all.extend(domains::custom_aliases(w, &d.project_id));
    }
    all
}

/// Vercel Authentication ("Standard Protection", the default for new projects): every
/// per-deployment URL asks for a Vercel login; production domains stay public. `null` turns it
/// off, `all` protects the production domains too.
const DEFAULT_SSO: &str = "prod_deployment_urls_and_all_previews";

fn sso_protection(p: &VProject) -> Option<String> {
    match p.settings.get("ssoProtection") {
        None => Some(DEFAULT_SSO.to_string()),
        Some(Value::Null) => None,
        Some(v) => Some(
            v["deploymentType"]
                .as_str()
                .unwrap_or(DEFAULT_SSO)
                .to_string(),
        ),
    }
}

/// What a visitor's browser gets at `https://{host}/…` (the sandbox's stand-in for the public
/// internet, `/vercel-site/{host}`): a production domain serves the project's production
/// deployment (`production_of`) to anyone, and names it in `x-fabrik-sim-deployment` (the
/// simulator's own header, so a test can tell which build answers); a per-deployment URL answers 401 (Vercel's login page)
/// while the project's Deployment Protection is on; anything else is Vercel's 404. A custom
/// domain answers like the production domain once it is configured (verified, DNS at
/// Vercel); a redirect domain sends the visitor on to its target.
pub async fn site(State(st): St, Path(params): Path<HashMap<String, String>>) -> Response {
    let host = params
        .get("host")
        .cloned()
        .unwrap_or_default()
        .to_lowercase();
    let now = now_ms();
    enum Visit {
        /// The project's name and the deployment that answers.
        Page(String, String),
        Login,
        Missing,
        /// A redirect domain's status and target.
        Redirect(u16, String),
    }
    let visit = st.read(|w| {
        let project = |id: &str| w.vercel.projects.iter().find(|p| p.id == id);
        if let Some(d) = w.vercel.deployments.iter().find(|d| d.url == host) {
            let Some(p) = project(&d.project_id) else {
                return Visit::Missing;
            };
            return match (sso_protection(p), d.ready_state(now)) {
                (Some(_), _) => Visit::Login,
                (None, "READY") => Visit::Page(p.name.clone(), d.id.clone()),
                _ => Visit::Missing,
            };
        }
        let named = match domains::served(w, &host) {
            Some(domains::Served::Redirect(status, target)) => {
                return Visit::Redirect(status, target)
            }
            Some(domains::Served::Project(id)) => project(&id),
            None => w
                .vercel
                .deployments
                .iter()
                .rev()
                .find(|d| production_aliases(d, d.ready_state(now)).contains(&host))
                .and_then(|d| project(&d.project_id)),
        };
        let Some(p) = named else {
            return Visit::Missing;
        };
        match production_of(w, p, now) {
            _ if sso_protection(p).as_deref() == Some("all") => Visit::Login,
            Some(d) => Visit::Page(p.name.clone(), d.id.clone()),
            None => Visit::Missing,
        }
    });
    let html = |status: u16, body: String| {
        let mut r = (
            axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::OK),
            body,
        )
            .into_response();
        r.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        r
    };
    match visit {
        Visit::Page(name, deployment) => with_header(
            html(
                200,
                format!("<!doctype html><html><head><title>{name}</title></head><body><div id=\"__next\">{name}</div></body></html>"),
            ),
            "x-fabrik-sim-deployment",
            &deployment,
        ),
        Visit::Login => with_header(
            html(
                401,
                "<!doctype html><html><head><title>Authentication Required</title></head><body>Vercel Authentication</body></html>".into(),
            ),
            "x-vercel-protection",
            "sso",
        ),
        Visit::Missing => with_header(
            html(404, "The deployment could not be found on Vercel.\n\nDEPLOYMENT_NOT_FOUND".into()),
            "x-vercel-error",
            "DEPLOYMENT_NOT_FOUND",
        ),
        // To the target as the sandbox visits it (`https://{target}/…` on the internet).
        Visit::Redirect(status, target) => {
            let rest = params.get("rest").map(|r| format!("/{r}")).unwrap_or_default();
            with_header(
                html(status, String::new()),
                "location",
                format!("{}/vercel-site/{target}{rest}", st.base_url),
            )
        }
    }
}

/// A deployment's generated URL: `<project>-<9 chars>-<team slug>.vercel.app`.
pub(crate) fn deployment_url(w: &mut World, project_name: &str) -> String {
    format!(
        "{project_name}-{}-{}.vercel.app",
        w.ids.lower_alnum(9),
        w.seed.vercel_team_slug
    )
}

/// A deployment as a project's `latestDeployments` item (a shape of its own, not getDeployment's).
fn latest_deployment_json(w: &World, d: &Deployment, now: i64) -> Value {
    let state = d.ready_state(now);
    let ready = state == "READY";
    let mut v = json!({
        "id": d.id, "name": d.name, "url": d.url, "createdAt": d.created_ms, "createdIn": "sfo1",
        "buildingAt": d.created_ms + d.queue_ms, "readyState": state, "type": "LAMBDAS", "target": d.target,
        "creator": {"uid": w.seed.vercel_user_id, "username": w.seed.vercel_user, "email": w.seed.vercel_user_email},
        "deploymentHostname": d.url.trim_end_matches(".vercel.app"), "plan": "hobby",
        "private": d.owner_id.starts_with("team_"), "userId": w.seed.vercel_user_id,
        "teamId": if d.owner_id.starts_with("team_") { json!(d.owner_id) } else { Value::Null },
        "meta": {}, "aliasError": null, "aliasAssigned": ready,
        "alias": aliases(w, d, now),
    });
    if ready {
        v["readyAt"] = json!(d.created_ms + d.queue_ms + d.build_ms);
        v["readySubstate"] = json!("PROMOTED");
    }
    v
}

const DEPLOY_FIELDS: &[&str] = &[
    "name",
    "project",
    "target",
    "gitSource",
    "projectSettings",
    "meta",
    "files",
    "deploymentId",
    "customEnvironmentSlugOrId",
    "withLatestCommit",
    "monorepoManager",
    "gitMetadata",
];
const EMPTY_REPO: &str = "The provided GitHub repository does not contain the requested branch or commit reference. Please ensure the repository is not empty.";

async fn create_deployment(
    State(st): St,
    Query(q): Q,
    outcome: Option<Extension<FaultOutcome>>,
    body: Bytes,
) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(Value::Object(b)) = json_body(&body) else {
        return bad("Invalid JSON");
    };
    if let Some(extra) = b.keys().find(|k| !DEPLOY_FIELDS.contains(&k.as_str())) {
        return bad(&format!(
            "Invalid request: should NOT have additional property `{extra}`."
        ));
    }
    let Some(name) = b.get("name").and_then(Value::as_str).map(str::to_string) else {
        return bad("Invalid request: missing required property `name`.");
    };
    if b.contains_key("files") && b.contains_key("gitSource") {
        return bad("Invalid request: `files` and `gitSource` cannot be used together.");
    }
    let project_key = b
        .get("project")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| name.clone());
    let Some(project) = st.read(|w| find_project(w, &owner, &project_key).cloned()) else {
        return not_found();
    };
    let now = now_ms();
    // Which repository and ref the build would check out.
    let git = b.get("gitSource").cloned();
    let repo = st.read(|w| {
        let by_source = git.as_ref().and_then(|g| {
            if let Some(id) = g.get("repoId").and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            }) {
                return w.github.repos.iter().find(|r| r.id == id).cloned();
            }
            let (org, repo) = (
                g.get("org").and_then(Value::as_str)?,
                g.get("repo").and_then(Value::as_str)?,
            );
            w.github
                .repos
                .iter()
                .find(|r| r.owner.eq_ignore_ascii_case(org) && r.name.eq_ignore_ascii_case(repo))
                .cloned()
        });
        by_source.or_else(|| {
            project
                .link
                .as_ref()
                .and_then(|l| w.github.repos.iter().find(|r| r.id == l.repo_id).cloned())
        })
    });
    if git.is_some() && repo.is_none() {
        return bad(INSTALL_GITHUB);
    }
    let git_ref = git
        .as_ref()
        .and_then(|g| g.get("ref"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let error = match &repo {
        Some(r)
            if r.is_empty_at(now)
                || git_ref
                    .as_ref()
                    // Any branch, tag or commit the repository has (a pull request's branch too).
                    .is_some_and(|x| r.commit_at(Some(x)).is_none()) =>
        {
            Some((
                (
                    "incorrect_git_source_info".to_string(),
                    EMPTY_REPO.to_string(),
                ),
                true,
            ))
        }
        _ if outcome.is_some_and(|Extension(FaultOutcome(o))| o == "ERROR") => Some((
            (
                "BUILD_FAILED".to_string(),
                "Command \"npm run build\" exited with 1".to_string(),
            ),
            false,
        )),
        _ => None,
    };
    let target = b.get("target").and_then(Value::as_str).map(str::to_string);
    // The commit the build checks out, as Vercel's Git integration records it in `meta`.
    let mut meta = Map::new();
    if let Some(sha) = repo
        .as_ref()
        .and_then(|r| r.commit_at(git_ref.as_deref()))
        .filter(|_| error.as_ref().is_none_or(|(_, early)| !*early))
    {
        meta.insert("githubCommitSha".into(), json!(sha));
        let branch = git_ref
            .clone()
            .or_else(|| repo.as_ref().map(|r| r.default_branch.clone()));
        if let Some(branch) = branch {
            meta.insert("githubCommitRef".into(), json!(branch));
        }
    }
    let (queue, build) = (
        AppState::ms(st.timings.vercel_queue),
        AppState::ms(st.timings.vercel_build),
    );
    let json = st.mutate(|w| {
        let id = w.ids.prefixed("dpl_");
        let url = deployment_url(w, &project.name);
        let d = Deployment {
            id,
            name: project.name.clone(),
            project_id: project.id.clone(),
            owner_id: owner.clone(),
            url,
            target,
            created_ms: now,
            queue_ms: queue,
            build_ms: build,
            error_before_build: error.as_ref().is_some_and(|(_, early)| *early),
            error: error.map(|(e, _)| e),
            git_source: git.clone(),
            meta,
        };
        w.vercel.deployments.push(d.clone());
        let mut v = deployment_json(w, &d, now);
        // The creation answer is always QUEUED, whatever the profile.
        v["readyState"] = json!("QUEUED");
        v["status"] = json!("QUEUED");
        if let Value::Object(m) = &mut v {
            for k in ["errorCode", "errorMessage", "ready", "readySubstate"] {
                m.remove(k);
            }
            m.insert("aliasAssigned".into(), json!(false));
            m.insert("alias".into(), json!([]));
        }
        v
    });
    json_response(200, json)
}

/// A deployment as a `getDeployments` item: `uid` rather than `id`, `created`, `state`.
fn listed_deployment_json(w: &World, d: &Deployment, now: i64) -> Value {
    let state = d.ready_state(now);
    let ready = state == "READY";
    let mut v = json!({
        "uid": d.id, "name": d.name, "projectId": d.project_id, "url": d.url,
        "created": d.created_ms, "createdAt": d.created_ms, "buildingAt": d.created_ms + d.queue_ms,
        "state": state, "readyState": state, "type": "LAMBDAS",
        "creator": {"uid": w.seed.vercel_user_id, "username": w.seed.vercel_user, "email": w.seed.vercel_user_email},
        "inspectorUrl": format!("https://vercel.com/{}/{}/{}", w.seed.vercel_team_slug, d.name, &d.id[4..]),
        "meta": d.meta, "target": d.target, "aliasError": null, "aliasAssigned": ready,
        "isRollbackCandidate": ready && d.target.as_deref() == Some("production"),
        "projectSettings": {},
    });
    if ready {
        v["ready"] = json!(d.created_ms + d.queue_ms + d.build_ms);
        v["readySubstate"] = json!("PROMOTED");
    }
    if state == "ERROR" {
        if let Some((code, msg)) = &d.error {
            v["errorCode"] = json!(code);
            v["errorMessage"] = json!(msg);
        }
    }
    v
}

/// `getDeployments`: the account's deployments, newest first, filtered by `projectId` (an id or
/// a name), `target`, `state` (comma-separated) and `until` (created before, ms); at most
/// `limit` (default 20, at most 100). `pagination.next` is the `until` of the next page.
async fn list_deployments(State(st): St, Query(q): Q) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let now = now_ms();
    let limit: usize = q
        .get("limit")
        .and_then(|l| l.parse::<f64>().ok())
        .map(|l| l as usize)
        .unwrap_or(20)
        .clamp(1, 100);
    let until: Option<i64> = q
        .get("until")
        .and_then(|u| u.parse::<f64>().ok())
        .map(|u| u as i64);
    let states: Option<Vec<String>> = q.get("state").map(|s| {
        s.split(',')
            .map(|x| x.trim().to_ascii_uppercase())
            .collect()
    });
    let listed = st.read(|w| {
        let project = match q.get("projectId") {
            Some(key) => match find_project(w, &owner, key) {
                Some(p) => Some(p.id.clone()),
                // An unknown project has no deployments.
                None => return Vec::new(),
            },
            None => None,
        };
        w.vercel
            .deployments
            .iter()
            .rev()
            .filter(|d| d.owner_id == owner)
            .filter(|d| project.as_ref().is_none_or(|p| d.project_id == *p))
            .filter(|d| {
                q.get("target")
                    .is_none_or(|t| d.target.as_deref() == Some(t.as_str()))
            })
            .filter(|d| {
                states
                    .as_ref()
                    .is_none_or(|s| s.iter().any(|x| x == d.ready_state(now)))
            })
            .filter(|d| until.is_none_or(|u| d.created_ms < u))
            .take(limit + 1)
            .map(|d| (d.created_ms, listed_deployment_json(w, d, now)))
            .collect::<Vec<_>>()
    });
    let more = listed.len() > limit;
    let items: Vec<Value> = listed.iter().take(limit).map(|(_, v)| v.clone()).collect();
    let next = if more {
        listed
            .get(limit - 1)
            .map(|(created, _)| json!(created))
            .unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    json_response(
        200,
        json!({"pagination": {"count": items.len(), "next": next, "prev": null}, "deployments": items}),
    )
}

async fn get_deployment(State(st): St, Path(id): Path<String>, Query(q): Q) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let url = id.trim_start_matches("https://").to_string();
    let now = now_ms();
    let found = st.read(|w| {
        w.vercel
            .deployments
            .iter()
            .find(|d| d.owner_id == owner && (d.id == id || d.url == url))
            .map(|d| deployment_json(w, d, now))
    });
    match found {
        Some(v) => json_response(200, v),
        None => errors::vercel(404, "not_found", "The deployment was not found"),
    }
}
