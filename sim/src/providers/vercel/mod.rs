//! Vercel REST (`/vercel/...`): the router, the token check and rate limits, the scope every
//! route shares, the user and teams. The routes are by resource: projects (`projects.rs`),
//! environment variables (`env.rs`), deployments (`deployments.rs`), project domains
//! (`domains.rs`), a deployment's site as a visitor sees it (`site.rs`), and the teams
//! (`teams.rs`).
//!
//! Scope: `?teamId=` (or `?slug=`) acts on the team; without it, on the personal account. A
//! resource of one scope is invisible (404) from the other.

mod deployments;
pub(crate) mod domains;
mod env;
mod names;
mod projects;
mod site;
pub(crate) mod teams;
pub(crate) mod transfer;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::bearer;
use crate::errors::{self, json_response, with_header};
use crate::state::{lock, AppState};
use crate::world::{now_ms, Deployment, VProject, World};

use deployments::{create_deployment, get_deployment, list_deployments, promote};
use env::{create_env, edit_env, list_env, remove_env};
use projects::{create_project, delete_project, get_project, list_projects};

pub(crate) use deployments::deployment_url;
pub(crate) use env::{new_env, validate_env};
pub(crate) use projects::valid_project_name;
pub use site::site;

type St = State<Arc<AppState>>;
type Q = Query<HashMap<String, String>>;

pub fn router(st: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/v2/user", get(get_user))
        .route("/v2/teams", get(teams::get_teams))
        .route("/v11/projects", post(create_project))
        // Creating is `/v11/projects` (createProject); `/v10/projects` only lists (getProjects).
        .route("/v10/projects", get(list_projects))
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
        .merge(transfer::routes())
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
    let limit = st.rate_limits().vercel_per_minute;
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

fn bad(msg: &str) -> Response {
    errors::vercel(400, "bad_request", msg)
}

const INSTALL_GITHUB: &str = "To link a GitHub repository, you need to install the GitHub integration first. Make sure there aren't any typos and that you have access to the repository if it's private.";

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
