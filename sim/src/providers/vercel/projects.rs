//! Vercel's projects (`/vercel/v9/projects`, `/v10/projects` to list, `/v11/projects` to create): creating one
//! (linked to a GitHub repository through the integration), listing, reading and deleting, with
//! the fields and validation Vercel answers with.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::deployments::latest_deployment_json;
use super::env::{env_json, new_env, validate_env};
use super::{bad, production_of, sso_protection, INSTALL_GITHUB};
use super::{find_project, not_found, scope};
use crate::errors::{self, json_response};
use crate::providers::json_body;
use crate::state::AppState;
use crate::world::{now_ms, GitLink, VProject};

type St = State<Arc<AppState>>;
type Q = Query<HashMap<String, String>>;

pub(super) fn project_json(st: &AppState, p: &VProject, now: i64) -> Value {
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
pub(super) fn targets_json(st: &AppState, p: &VProject, now: i64) -> Value {
    st.read(|w| match production_of(w, p, now) {
        Some(d) => json!({ "production": latest_deployment_json(w, d, now) }),
        None => json!({}),
    })
}

pub(super) const PROJECT_FIELDS: &[&str] = &[
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

pub(super) const ECHOED_SETTINGS: &[&str] = &[
    "buildCommand",
    "devCommand",
    "installCommand",
    "outputDirectory",
    "rootDirectory",
    "commandForIgnoringBuildStep",
];

pub(crate) fn valid_project_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 100
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
        && !n.contains("---")
}

pub(super) async fn create_project(State(st): St, Query(q): Q, body: Bytes) -> Response {
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

pub(super) async fn list_projects(State(st): St, Query(q): Q) -> Response {
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

pub(super) async fn get_project(State(st): St, Path(id): Path<String>, Query(q): Q) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    match st.read(|w| find_project(w, &owner, &id).cloned()) {
        Some(p) => json_response(200, project_json(&st, &p, now_ms())),
        None => not_found(),
    }
}

pub(super) async fn delete_project(State(st): St, Path(id): Path<String>, Query(q): Q) -> Response {
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
