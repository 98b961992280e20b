//! The Auth routes of a simulated project that mail one-time links, and the route the links
//! lead to (GoTrue: internal/api/invite.go, recover.go, verify.go):
//!
//! - `POST /invite` (service role): a new user, unconfirmed, with `invited_at`, gets an
//!   invitation; an unconfirmed one gets it again (new link, the old one stops working); a
//!   confirmed one → 422 `email_exists`. As GoTrue does it in one transaction: when the mail
//!   cannot be sent the user is not kept. No per-address frequency check (GoTrue has none for
//!   invitations; the project's mails-per-hour limit applies).
//! - `POST /recover` (apikey): a recovery link to an existing user, at most one per
//!   `smtp_max_frequency` seconds per user; `{}` whether or not the address has a user.
//! - `POST /verify` (apikey) with `{type, token_hash}` or `{type, email, token}`, and `GET
//!   /verify?token=…&type=…&redirect_to=…` (the link in the mail; no apikey, as a browser
//!   opens it): spends the token and starts a session (303 to `redirect_to` with the session
//!   in the fragment for GET).

mod invite;
mod recover;
mod redirect;
mod verify;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::{Map, Value};

use super::supabase_auth::go_type_error;
use super::supabase_auth_config::{effective, Settings};
use crate::errors;
use crate::state::AppState;
use crate::world::{AuthUser, World};

use invite::invite;
use recover::recover;
use verify::{verify, verify_link};

type St = State<Arc<AppState>>;

/// The routes that mail: invitations, password recovery, and the links' verification (their
/// own router, beside `supabase_auth`'s, so neither file uses the other both ways).
pub fn router(_st: Arc<AppState>) -> axum::Router<Arc<AppState>> {
    axum::Router::new()
        .route(
            "/supabase-project/{ref}/auth/v1/invite",
            axum::routing::post(invite),
        )
        .route(
            "/supabase-project/{ref}/auth/v1/recover",
            axum::routing::post(recover),
        )
        .route(
            "/supabase-project/{ref}/auth/v1/verify",
            axum::routing::get(verify_link).post(verify),
        )
}

/// The body of a GoTrue request, decoded as Go's `json.Unmarshal` does: unknown fields are
/// ignored, a field of the wrong type is a 400 `bad_json` naming the Go field.
fn go_body(body: &Bytes, api24: bool) -> Result<Map<String, Value>, Response> {
    match super::json_body(body) {
        Some(Value::Object(m)) => Ok(m),
        Some(Value::Null) => Ok(Map::new()),
        _ => Err(errors::gotrue(
            400,
            "bad_json",
            "Could not parse request body as JSON: invalid character in request body",
            api24,
        )),
    }
}

/// A string field (absent or `null`: empty), or Go's decoding error for another type.
fn go_string(
    b: &Map<String, Value>,
    field: &str,
    go_struct: &str,
    api24: bool,
) -> Result<String, Response> {
    match b.get(field) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(go_type_error(
            &format!("{go_struct}.{field}"),
            other,
            "string",
            api24,
        )),
    }
}

/// GoTrue's `validateEmail`: required, at most 255 bytes, a valid format; lowercased.
fn validate_email(email: &str, api24: bool) -> Result<String, Response> {
    let bad = |m: &str| Err(errors::gotrue(400, "validation_failed", m, api24));
    if email.is_empty() {
        return bad("An email address is required");
    }
    if email.len() > 255 {
        return bad("An email address is too long");
    }
    if !super::supabase_auth::valid_email(email) {
        return bad("Unable to validate email address: invalid format");
    }
    Ok(email.to_lowercase())
}

fn find_by_email<'a>(users: &'a [AuthUser], email: &str) -> Option<&'a AuthUser> {
    users.iter().find(|u| {
        u.email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(email))
    })
}

fn settings_of(w: &World, r: &str) -> Option<Settings> {
    w.supabase
        .projects
        .iter()
        .find(|p| p.r#ref == r)
        .map(|p| effective(&p.auth_config))
}

fn user_mut<'a>(w: &'a mut World, r: &str, id: &str) -> Option<&'a mut AuthUser> {
    w.supabase
        .projects
        .iter_mut()
        .find(|p| p.r#ref == r)?
        .auth_users
        .iter_mut()
        .find(|u| u.id == id)
}
