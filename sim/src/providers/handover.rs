//! `/__sim/handover/...`: the customer's side of a handover, which no agency token can act on.
//! A test makes the customer's own accounts (an organization at Supabase, a team at Vercel, a
//! user or organization at GitHub) and then redeems, accepts and accepts, as the customer would
//! in each provider's dashboard.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use crate::errors::json_response;
use crate::state::AppState;
use crate::world::OutsideAccount;

type St = State<Arc<AppState>>;

pub fn admin_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/handover/accounts", post(add_account))
        .route("/handover/supabase/{slug}/claim/{token}", post(claim))
        .route(
            "/handover/supabase/claim-page",
            axum::routing::get(claim_page).post(claim_confirmed),
        )
        .route("/handover/supabase/{slug}/preview/{token}", post(preview))
        .route(
            "/handover/vercel/{team}/accept/{code}",
            post(accept_project),
        )
        .route("/handover/github/{owner}/{repo}/accept", post(accept_repo))
}

/// `{"provider": "supabase"|"vercel"|"github", "name": "…", "org": bool, "admits_agency":
/// bool}`: an account that is not the agency's. Answers it with its id.
async fn add_account(State(st): St, body: Bytes) -> Response {
    let b: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let provider = b["provider"].as_str().unwrap_or_default().to_string();
    let name = b["name"].as_str().unwrap_or_default().to_string();
    if !matches!(provider.as_str(), "supabase" | "vercel" | "github") || name.is_empty() {
        return json_response(400, json!({"message": "provider and name are required"}));
    }
    let account = st.mutate(|w| {
        let id = match provider.as_str() {
            "vercel" => w.ids.prefixed("team_"),
            "github" => w.ids.number().to_string(),
            _ => w.ids.lower_alnum(20),
        };
        let a = OutsideAccount {
            provider,
            name,
            id,
            org: b["org"].as_bool().unwrap_or(false),
            admits_agency: b["admits_agency"].as_bool().unwrap_or(false),
        };
        w.handover.accounts.push(a.clone());
        a
    });
    json_response(201, json!({"id": account.id, "name": account.name}))
}

async fn claim(State(st): St, Path((slug, token)): Path<(String, String)>) -> Response {
    super::supabase_claim::claim_as(&st, &slug, &token, true)
}

/// The page the claim flow's link opens (Supabase's own pages in the service): the project, and
/// the organization to claim it for. In the sandbox, where an owner opens the letter's link.
async fn claim_page(
    State(st): St,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let token = q.get("token").cloned().unwrap_or_default();
    let now = crate::world::now_ms();
    let found = st.read(|w| {
        let c = w.handover.claims.iter().find(|c| {
            c.token == token && c.state == crate::world::ClaimState::Open && c.expires_ms > now
        })?;
        let p = w
            .supabase
            .projects
            .iter()
            .find(|p| p.r#ref == c.project_ref)?;
        let orgs: Vec<String> = w
            .handover
            .accounts
            .iter()
            .filter(|a| a.provider == "supabase")
            .map(|a| a.name.clone())
            .collect();
        Some((p.name.clone(), orgs))
    });
    let esc = super::supabase_mailer::html_escape;
    let body = match found {
        Some((name, orgs)) => {
            let options: String = orgs
                .iter()
                .map(|o| format!("<option>{}</option>", esc(o)))
                .collect();
            format!(
                "<h1>Claim the project {}</h1><p>Simulated Supabase: the project moves to the organization you pick, and the agency's OAuth app keeps its access until you remove it.</p>\
                 <form method=\"post\"><input type=\"hidden\" name=\"token\" value=\"{}\"><select name=\"organization\">{options}</select> <button>Confirm</button></form>",
                esc(&name),
                esc(&token)
            )
        }
        None => "<h1>This claim link is used, withdrawn or too old</h1>".into(),
    };
    axum::response::Html(format!(
        "<!doctype html><html><meta charset=\"utf-8\"><title>Supabase: claim a project</title><body>{body}</body></html>"
    ))
    .into_response()
}

/// The page's form: the project claimed for the organization picked.
async fn claim_confirmed(
    State(st): St,
    axum::extract::Form(f): axum::extract::Form<std::collections::HashMap<String, String>>,
) -> Response {
    let (token, org) = (
        f.get("token").cloned().unwrap_or_default(),
        f.get("organization").cloned().unwrap_or_default(),
    );
    super::supabase_claim::claim_as(&st, &org, &token, true)
}

async fn preview(State(st): St, Path((slug, token)): Path<(String, String)>) -> Response {
    super::supabase_claim::preview_as(&st, &slug, &token, true)
}

/// The customer's team accepts: the team must be one of the customer's accounts.
async fn accept_project(State(st): St, Path((team, code)): Path<(String, String)>) -> Response {
    let Some(id) = st.read(|w| w.handover.account("vercel", &team).map(|a| a.id.clone())) else {
        return crate::errors::vercel(
            403,
            "forbidden",
            "You don't have permission to access this team.",
        );
    };
    super::vercel::transfer::accept_into(&st, &code, &id)
}

async fn accept_repo(State(st): St, Path((owner, repo)): Path<(String, String)>) -> Response {
    super::github::transfer::accept(&st, &owner, &repo)
}
