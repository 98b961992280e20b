//! Project transfer requests (`createProjectTransferRequest`, `acceptProjectTransferRequest`):
//! the project's team makes a code, valid for 24 hours; the receiving team accepts it with
//! `PUT /projects/transfer-request/{code}`, and the project moves to that team. A code used,
//! lapsed or unknown is the accept's documented 404; a name the receiving team already has,
//! its documented 422.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{post, put};
use axum::Router;
use serde_json::json;

use super::{find_project, not_found, scope};
use crate::errors::{self, json_response};
use crate::state::AppState;
use crate::world::{now_ms, TransferRequest};

type St = State<Arc<AppState>>;
type Q = Query<HashMap<String, String>>;

/// A code is valid for 24 hours (the operation's description).
const VALID_MS: i64 = 24 * 3_600_000;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/projects/{id}/transfer-request", post(request))
        .route("/projects/transfer-request/{code}", put(accept))
}

async fn request(State(st): St, Path(id): Path<String>, Query(q): Q) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let now = now_ms();
    let code = st.mutate(|w| {
        let pid = find_project(w, &owner, &id)?.id.clone();
        let code = w.ids.uuid_v4();
        w.handover.transfer_requests.push(TransferRequest {
            code: code.clone(),
            project_id: pid,
            from_account: owner.clone(),
            created_ms: now,
            accepted_by: None,
        });
        Some(code)
    });
    match code {
        Some(code) => json_response(200, json!({ "code": code })),
        None => not_found(),
    }
}

/// The agency's own token accepts only into the agency's scope (any other team is 403, as
/// every route's scope is).
async fn accept(State(st): St, Path(code): Path<String>, Query(q): Q) -> Response {
    match scope(&st, &q) {
        Ok(owner) => accept_into(&st, &code, &owner),
        Err(r) => r,
    }
}

/// Accepts `code` for the account `into` (a team id): the project moves there.
pub(crate) fn accept_into(st: &AppState, code: &str, into: &str) -> Response {
    let now = now_ms();
    let answer = st.mutate(|w| {
        let Some(i) = w.handover.transfer_requests.iter().position(|t| {
            t.code == code && t.accepted_by.is_none() && now - t.created_ms < VALID_MS
        }) else {
            return Err(errors::vercel(
                404,
                "not_found",
                "Transfer request not found",
            ));
        };
        let pid = w.handover.transfer_requests[i].project_id.clone();
        let Some(name) = w
            .vercel
            .projects
            .iter()
            .find(|p| p.id == pid)
            .map(|p| p.name.clone())
        else {
            return Err(errors::vercel(404, "not_found", "Project not found"));
        };
        if w.vercel
            .projects
            .iter()
            .any(|p| p.account_id == into && p.name == name)
        {
            return Err(errors::vercel(
                422,
                "project_name_taken",
                &format!("A project named \"{name}\" already exists in the receiving team."),
            ));
        }
        if let Some(p) = w.vercel.projects.iter_mut().find(|p| p.id == pid) {
            p.account_id = into.to_string();
            p.updated_ms = now;
        }
        w.handover.transfer_requests[i].accepted_by = Some(into.to_string());
        Ok(())
    });
    match answer {
        // The description's second variant (an object): the first, with partner calls, is for
        // integrations' resources, which the simulator has none of.
        Ok(()) => json_response(202, json!({})),
        Err(r) => r,
    }
}
