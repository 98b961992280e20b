//! Vercel's deployments (`/v13/deployments`, `/v6/deployments`) and promotion
//! (`/v10/projects/{id}/promote/{deployment}`): creating one from the linked repository's
//! branch or commit, listing, reading, the production alias, and which deployment is production.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{json, Map, Value};

use super::domains;
use super::{bad, production_of, INSTALL_GITHUB};
use super::{find_project, not_found, scope};
use crate::errors::{self, json_response};
use crate::faults::FaultOutcome;
use crate::providers::json_body;
use crate::state::AppState;
use crate::world::{now_ms, Deployment, World};

type St = State<Arc<AppState>>;
type Q = Query<HashMap<String, String>>;

/// `requestPromote`: points the production domains at an existing READY deployment of the
/// project without building it again. Promoting anything but the newest production
/// deployment pins production there (new deployments then wait to be promoted); promoting
/// the newest lifts the pin. 201; 404 for an unknown project or deployment, 400 for one that
/// is not READY.
pub(super) async fn promote(
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

/// The target as a deployment's answers carry it: `production` or `staging`, and null for a
/// preview (the description's enum; "`null` value indicates the preview deployment").
fn answered_target(d: &Deployment) -> Option<&str> {
    d.target
        .as_deref()
        .filter(|t| matches!(*t, "production" | "staging"))
}

pub(super) fn deployment_json(w: &World, d: &Deployment, now: i64) -> Value {
    let state = d.ready_state(now);
    let building_at = d.created_ms + d.queue_ms;
    let mut v = json!({
        "id": d.id, "name": d.name, "url": d.url, "projectId": d.project_id, "ownerId": d.owner_id,
        "createdAt": d.created_ms, "buildingAt": building_at, "bootedAt": d.created_ms,
        "readyState": state, "status": state, "type": "LAMBDAS", "version": 2, "target": answered_target(d),
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
pub(super) fn production_aliases(d: &Deployment, state: &str) -> Vec<String> {
    if state == "READY" && d.target.as_deref() == Some("production") {
        vec![format!("{}.vercel.app", d.name)]
    } else {
        vec![]
    }
}

/// Every domain a deployment is served on: `production_aliases`, and while production serves
/// it, the project's verified custom domains (Vercel moves them with production).
pub(super) fn aliases(w: &World, d: &Deployment, now: i64) -> Vec<String> {
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

/// A deployment's generated URL: `<project>-<9 chars>-<team slug>.vercel.app`.
pub(crate) fn deployment_url(w: &mut World, project_name: &str) -> String {
    format!(
        "{project_name}-{}-{}.vercel.app",
        w.ids.lower_alnum(9),
        w.seed.vercel_team_slug
    )
}

/// A deployment as a project's `latestDeployments` item (a shape of its own, not getDeployment's).
pub(super) fn latest_deployment_json(w: &World, d: &Deployment, now: i64) -> Value {
    let state = d.ready_state(now);
    let ready = state == "READY";
    let mut v = json!({
        "id": d.id, "name": d.name, "url": d.url, "createdAt": d.created_ms, "createdIn": "sfo1",
        "buildingAt": d.created_ms + d.queue_ms, "readyState": state, "type": "LAMBDAS", "target": answered_target(d),
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

pub(super) const DEPLOY_FIELDS: &[&str] = &[
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

pub(super) const EMPTY_REPO: &str = "The provided GitHub repository does not contain the requested branch or commit reference. Please ensure the repository is not empty.";

pub(super) async fn create_deployment(
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
pub(super) fn listed_deployment_json(w: &World, d: &Deployment, now: i64) -> Value {
    let state = d.ready_state(now);
    let ready = state == "READY";
    let mut v = json!({
        "uid": d.id, "name": d.name, "projectId": d.project_id, "url": d.url,
        "created": d.created_ms, "createdAt": d.created_ms, "buildingAt": d.created_ms + d.queue_ms,
        "state": state, "readyState": state, "type": "LAMBDAS",
        "creator": {"uid": w.seed.vercel_user_id, "username": w.seed.vercel_user, "email": w.seed.vercel_user_email},
        "inspectorUrl": format!("https://vercel.com/{}/{}/{}", w.seed.vercel_team_slug, d.name, &d.id[4..]),
        "meta": d.meta, "target": answered_target(d), "aliasError": null, "aliasAssigned": ready,
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
/// a name), `target`, `state` (comma-separated), `since` (created after, ms) and `until`
/// (created before, ms); at most
/// `limit` (default 20, at most 100). `pagination.next` is the `until` of the next page.
pub(super) async fn list_deployments(State(st): St, Query(q): Q) -> Response {
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
    let since: Option<i64> = q
        .get("since")
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
            .filter(|d| since.is_none_or(|s| d.created_ms > s))
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

pub(super) async fn get_deployment(State(st): St, Path(id): Path<String>, Query(q): Q) -> Response {
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
