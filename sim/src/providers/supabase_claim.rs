//! Supabase's project claim: the documented claim flow (`GET /v1/oauth/authorize/project-claim`,
//! "Supabase for Platforms": the platform's token and OAuth app, the customer then led through
//! Supabase's pages), the claim tokens it leaves (`/v1/projects/{ref}/claim-token`) and their
//! redemption by an organization (`/v1/organizations/{slug}/project-claim/{token}`), from the
//! Management API's description. It documents only 200/204, 401, 403 and 429: a token used,
//! revoked, expired or unknown, and an organization the caller may not administer, are its 403
//! "Forbidden action".

use std::sync::Arc;

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::errors::{self, json_response};
use crate::state::AppState;
use crate::world::{iso, now_ms, ClaimState, ClaimToken, World};

type St = State<Arc<AppState>>;

/// How long a claim token is valid (not documented; a week here).
const VALID_MS: i64 = 7 * 24 * 3_600_000;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/oauth/authorize/project-claim", get(authorize_claim))
        .route(
            "/v1/projects/{ref}/claim-token",
            get(get_token).post(create_token).delete(revoke_token),
        )
        .route(
            "/v1/organizations/{slug}/project-claim/{token}",
            get(preview).post(claim),
        )
}

fn forbidden() -> Response {
    errors::supabase(403, "Forbidden action")
}

fn open<'a>(w: &'a World, project_ref: &str) -> Option<&'a ClaimToken> {
    w.handover
        .claims
        .iter()
        .find(|c| c.project_ref == project_ref && c.state == ClaimState::Open)
}

/// A new open token for the project `r`, replacing the one before.
fn new_token(w: &mut World, r: &str, now: i64) -> ClaimToken {
    for c in w.handover.claims.iter_mut().filter(|c| c.project_ref == r) {
        if c.state == ClaimState::Open {
            c.state = ClaimState::Revoked;
        }
    }
    let c = ClaimToken {
        project_ref: r.to_string(),
        token: w.ids.hex(40),
        alias: w.ids.lower_alnum(8),
        created_ms: now,
        expires_ms: now + VALID_MS,
        state: ClaimState::Open,
        claimed_by: None,
    };
    w.handover.claims.push(c.clone());
    c
}

/// Where the claim flow sends the customer: Supabase's own pages (sign in, pick an
/// organization, review the app and the move, confirm), here the simulator's page for them.
pub const CLAIM_PAGE: &str = "/__sim/handover/supabase/claim-page";

/// The claim flow (`v1-oauth-authorize-project-claim`): the platform's token names its project
/// and its OAuth app; the answer is the redirect to the page where the customer claims it (the
/// guide follows it with `curl -L`; the description lists the success as 204). An unknown app
/// or a redirect address it does not have is refused before any redirect, as OAuth asks.
async fn authorize_claim(State(st): St, Query(q): Query<HashMap<String, String>>) -> Response {
    let param = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let (Some(r), Some(client), Some(kind), Some(redirect)) = (
        param("project_ref"),
        param("client_id"),
        param("response_type"),
        param("redirect_uri"),
    ) else {
        return errors::supabase(
            400,
            "project_ref, client_id, response_type and redirect_uri are required",
        );
    };
    if !matches!(kind, "code" | "token" | "id_token token") {
        return errors::supabase(
            400,
            "response_type must be one of: code, token, id_token token",
        );
    }
    let now = now_ms();
    let made = st.mutate(|w| {
        if w.seed.supabase_oauth_client_id != client {
            return Err(errors::supabase(400, "Unknown OAuth client"));
        }
        if w.seed.supabase_oauth_redirect_uri != redirect {
            return Err(errors::supabase(
                400,
                "redirect_uri is not one of the OAuth app's",
            ));
        }
        // Only a project of an organization the caller administers can be handed.
        let ours = w
            .supabase
            .projects
            .iter()
            .any(|p| p.r#ref == r && w.supabase.orgs.iter().any(|o| o.slug == p.org_slug));
        if !ours {
            return Err(forbidden());
        }
        Ok(new_token(w, r, now))
    });
    match made {
        Ok(c) => Response::builder()
            .status(302)
            .header("location", format!("{CLAIM_PAGE}?token={}", c.token))
            .body(axum::body::Body::empty())
            .unwrap_or_else(|_| forbidden()),
        Err(refused) => refused,
    }
}

async fn create_token(State(st): St, Path(r): Path<String>) -> Response {
    let now = now_ms();
    let made = st.mutate(|w| {
        w.supabase.projects.iter().find(|p| p.r#ref == r)?;
        // A new token replaces the one before.
        Some(new_token(w, &r, now))
    });
    match made {
        Some(c) => json_response(
            200,
            json!({"token": c.token, "token_alias": c.alias, "expires_at": iso(c.expires_ms),
                   "created_at": iso(c.created_ms), "created_by": CREATED_BY}),
        ),
        None => errors::supabase_project_not_found(),
    }
}

/// Who made a token: the simulator has one user behind its tokens.
const CREATED_BY: &str = "00000000-0000-4000-8000-000000000001";

async fn get_token(State(st): St, Path(r): Path<String>) -> Response {
    let now = now_ms();
    let (exists, token) = st.read(|w| {
        (
            w.supabase.projects.iter().any(|p| p.r#ref == r),
            open(w, &r).filter(|c| c.expires_ms > now).cloned(),
        )
    });
    match (exists, token) {
        (false, _) => errors::supabase_project_not_found(),
        (true, None) => errors::supabase(404, "No claim token for this project"),
        (true, Some(c)) => json_response(
            200,
            json!({"token_alias": c.alias, "expires_at": iso(c.expires_ms),
                   "created_at": iso(c.created_ms), "created_by": CREATED_BY}),
        ),
    }
}

async fn revoke_token(State(st): St, Path(r): Path<String>) -> Response {
    let exists = st.mutate(|w| {
        let exists = w.supabase.projects.iter().any(|p| p.r#ref == r);
        for c in w.handover.claims.iter_mut().filter(|c| c.project_ref == r) {
            if c.state == ClaimState::Open {
                c.state = ClaimState::Revoked;
            }
        }
        exists
    });
    match exists {
        true => axum::http::StatusCode::NO_CONTENT.into_response(),
        false => errors::supabase_project_not_found(),
    }
}

/// The open, unexpired token's project, when `slug` is an organization this caller
/// administers (`outside`: the customer acting through the test surface may administer the
/// customer's own organizations; the agency's token only the agency's).
fn redeemable(w: &World, slug: &str, token: &str, outside: bool, now: i64) -> Option<ClaimToken> {
    let admin = match outside {
        true => w.handover.account("supabase", slug).is_some(),
        false => w.supabase.orgs.iter().any(|o| o.slug == slug),
    };
    let c = w
        .handover
        .claims
        .iter()
        .find(|c| c.token == token && c.state == ClaimState::Open && c.expires_ms > now)?;
    admin.then(|| c.clone())
}

async fn preview(State(st): St, Path((slug, token)): Path<(String, String)>) -> Response {
    preview_as(&st, &slug, &token, false)
}

pub(crate) fn preview_as(st: &AppState, slug: &str, token: &str, outside: bool) -> Response {
    let now = now_ms();
    let found = st.read(|w| {
        let c = redeemable(w, slug, token, outside, now)?;
        let p = w
            .supabase
            .projects
            .iter()
            .find(|p| p.r#ref == c.project_ref)?;
        Some((c, p.name.clone()))
    });
    match found {
        Some((c, name)) => json_response(
            200,
            json!({"project": {"ref": c.project_ref, "name": name},
                   "preview": {"valid": true, "warnings": [], "errors": [], "info": [],
                               "members_exceeding_free_project_limit": [],
                               "source_subscription_plan": "free", "target_subscription_plan": "free"},
                   "expires_at": iso(c.expires_ms), "created_at": iso(c.created_ms), "created_by": CREATED_BY}),
        ),
        None => forbidden(),
    }
}

async fn claim(State(st): St, Path((slug, token)): Path<(String, String)>) -> Response {
    claim_as(&st, &slug, &token, false)
}

/// Redeems `token` for the organization `slug`: the project moves there, the token is used.
pub(crate) fn claim_as(st: &AppState, slug: &str, token: &str, outside: bool) -> Response {
    let now = now_ms();
    let done = st.mutate(|w| {
        let c = redeemable(w, slug, token, outside, now)?;
        let p = w
            .supabase
            .projects
            .iter_mut()
            .find(|p| p.r#ref == c.project_ref)?;
        p.org_slug = slug.to_string();
        let kept = w.handover.claims.iter_mut().find(|x| x.token == token)?;
        kept.state = ClaimState::Used;
        kept.claimed_by = Some(slug.to_string());
        Some(())
    });
    match done {
        Some(()) => axum::http::StatusCode::NO_CONTENT.into_response(),
        None => forbidden(),
    }
}
