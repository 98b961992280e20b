//! Repository transfers (`repos/transfer`): 202 with the repository under its original owner,
//! then the move. Into the agency's own account or organization, or an organization where the
//! agency's user may create repositories, it moves at once; to another user it waits until that
//! user accepts (`POST /__sim/handover/github/{owner}/{repo}/accept`, the customer acting).
//! The description documents no refusal; these are GitHub's general answers: 403 where the
//! user may not create repositories, 422 for a name the target already has, an owner that does
//! not exist, or a transfer already waiting. Once moved, the old name redirects (301/307).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use super::{body_object, doc, find, repo_json, repo_not_found, unprocessable};
use crate::errors::{self, json_response};
use crate::state::AppState;
use crate::world::{now_ms, RepoTransfer, World};

type St = State<Arc<AppState>>;

const DOC: &str = "repos/repos#transfer-a-repository";

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/repos/{owner}/{repo}/transfer", post(transfer))
}

/// Where a transfer to `new_owner` may go: (owner id, is an organization, waits for the user).
fn target(w: &World, new_owner: &str) -> Result<(u64, bool, bool), Response> {
    let s = &w.seed;
    if new_owner.eq_ignore_ascii_case(&s.github_org) {
        return Ok((s.github_org_id, true, false));
    }
    if new_owner.eq_ignore_ascii_case(&s.github_user) {
        return Ok((s.github_user_id, false, false));
    }
    match w.handover.account("github", new_owner) {
        Some(a) if a.org && !a.admits_agency => Err(errors::github(
            403,
            &format!(
                "You don't have the permission to create repositories on {}",
                a.name
            ),
            &doc(DOC),
        )),
        Some(a) => Ok((a.id.parse().unwrap_or(0), a.org, !a.org)),
        None => Err(unprocessable(&format!("{new_owner} does not exist"), DOC)),
    }
}

async fn transfer(
    State(st): St,
    Path((owner, name)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let b = match body_object(&body, DOC) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(new_owner) = b
        .get("new_owner")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return unprocessable("new_owner is required", DOC);
    };
    let Some(repo) = find(&st, &owner, &name) else {
        return repo_not_found(DOC);
    };
    let answer = st.mutate(|w| {
        let (owner_id, is_org, waits) = target(w, &new_owner)?;
        if w.handover.repo_transfers.iter().any(|t| t.repo_id == repo.id && !t.done) {
            return Err(unprocessable("A transfer of this repository is already pending", DOC));
        }
        if taken(w, &new_owner, &repo.name) {
            return Err(unprocessable(
                &format!("{new_owner} already has a repository named {}: name already exists on this account", repo.name),
                DOC,
            ));
        }
        w.handover.repo_transfers.push(RepoTransfer {
            repo_id: repo.id,
            from: repo.full_name(),
            to_owner: new_owner.clone(),
            done: false,
        });
        if !waits {
            finish(w, repo.id, owner_id, is_org);
        }
        Ok(())
    });
    match answer {
        Ok(()) => json_response(202, repo_json(&st, &repo, now_ms(), false)),
        Err(r) => r,
    }
}

fn taken(w: &World, owner: &str, name: &str) -> bool {
    w.github
        .repos
        .iter()
        .any(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
}

/// The move itself: the repository's owner becomes the transfer's target.
fn finish(w: &mut World, repo_id: u64, owner_id: u64, is_org: bool) {
    let Some(t) = w
        .handover
        .repo_transfers
        .iter_mut()
        .find(|t| t.repo_id == repo_id && !t.done)
    else {
        return;
    };
    t.done = true;
    let to = t.to_owner.clone();
    if let Some(r) = w.github.repos.iter_mut().find(|r| r.id == repo_id) {
        r.owner = to;
        r.owner_id = owner_id;
        r.owner_is_org = is_org;
    }
}

/// The user the pending transfer of `owner/name` waits for accepts it (the test surface).
pub(crate) fn accept(st: &AppState, owner: &str, name: &str) -> Response {
    let Some(repo) = find(st, owner, name) else {
        return repo_not_found(DOC);
    };
    let answer = st.mutate(|w| {
        let Some(t) = w
            .handover
            .repo_transfers
            .iter()
            .find(|t| t.repo_id == repo.id && !t.done)
            .cloned()
        else {
            return Err(repo_not_found(DOC));
        };
        if taken(w, &t.to_owner, &repo.name) {
            return Err(unprocessable("name already exists on this account", DOC));
        }
        let (owner_id, is_org, _) = target(w, &t.to_owner)?;
        finish(w, repo.id, owner_id, is_org);
        Ok(())
    });
    match answer {
        Ok(()) => json_response(200, json!({ "accepted": true })),
        Err(r) => r,
    }
}

/// The repository that was `owner/name` before a transfer moved it.
pub(super) fn moved_from(w: &World, owner: &str, name: &str) -> Option<u64> {
    let asked = format!("{owner}/{name}");
    w.handover
        .repo_transfers
        .iter()
        .rev()
        .find(|t| t.done && t.from.eq_ignore_ascii_case(&asked))
        .map(|t| t.repo_id)
}
