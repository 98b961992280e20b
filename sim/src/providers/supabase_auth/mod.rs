//! Supabase Auth admin API of each simulated project (`/supabase-project/{ref}/auth/v1/admin/users`)
//! and its password sign-in (`/token`).
//!
//! Gateway rule: `apikey` must be one of the project's keys (else 401 like Supabase's API gateway).
//! GoTrue rule: the bearer must be a JWT whose role is `service_role` (missing → 401
//! `no_authorization`, other role → 403 `not_admin`, not a JWT → 403 `bad_jwt`).
//! A project that is not `ACTIVE_HEALTHY` answers 503 (the real host does not serve yet).

mod admin_users;
mod go;
mod session;
mod user_changes;

use std::sync::Arc;

use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::bearer;
use crate::errors;
use crate::state::AppState;
use crate::world::{iso, now_ms, AuthUser, Project};

use admin_users::{create_user, get_user, list_users, update_user};
pub(crate) use go::go_type_error;
pub(crate) use session::issue_session;
use session::token;
pub(crate) use user_changes::confirm_email;

pub fn router(_st: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/supabase-project/{ref}/auth/v1/admin/users",
            get(list_users).post(create_user),
        )
        .route(
            "/supabase-project/{ref}/auth/v1/admin/users/{id}",
            get(get_user).put(update_user),
        )
        .route(
            "/supabase-project/{ref}/auth/v1/token",
            axum::routing::post(token),
        )
}

/// What the user's password is checked against: a digest bound to the user's id.
pub(crate) fn password_digest(user_id: &str, password: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(format!("{user_id}:{password}").as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// The simulator's password digest as `auth.users.encrypted_password` holds it.
pub(crate) fn stored_hash(digest: &str) -> String {
    format!("{SIM_HASH}{digest}")
}

/// The digest in a stored hash the simulator wrote (`None` for any other hash).
pub(crate) fn digest_of(hash: &str) -> Option<&str> {
    hash.strip_prefix(SIM_HASH)
}

const SIM_HASH: &str = "$fabrik-sim-sha256$";

/// Writes the user into the project's `auth.users` (PostgreSQL mode only), inserting or
/// updating the row, so foreign keys to `auth.users(id)` hold as soon as Auth answers.
///
/// The write is a task of its own: a client that goes away mid-request (a process killed, a
/// timeout) drops the request's future, and GoTrue's user is one row in its database, there or
/// not. Awaited in the request, the world kept a user whose row was never written, and the
/// crash test's resumed run then met a foreign key to a user Auth said it had.
pub(crate) async fn mirror(st: &AppState, r: &str, user: &AuthUser) {
    let Some(pg) = st.pg.clone() else {
        return;
    };
    let db = pg.db_name(&st.read(|w| w.instance.clone()), r);
    // The database keeps what sign-in checks (`/token` reads it back, as GoTrue reads its
    // own table): the digest when there is one, else a mark that a password exists.
    let digest = user.password_digest.as_deref().map(stored_hash);
    let hash = match (digest, user.has_password) {
        (Some(d), _) => Some(d),
        (None, true) => {
            Some("$2a$10$fabriksimulatedpasswordhashxxxxxxxxxxxxxxxxxxxxxxxxxxx".into())
        }
        (None, false) => None,
    };
    let (json, confirmation, recovery) = (
        user_json(user),
        user.confirmation_token.clone(),
        user.recovery_token.clone(),
    );
    let written = tokio::spawn(async move {
        let tokens = crate::sqlexec::AuthTokens {
            confirmation_token: confirmation.as_deref(),
            recovery_token: recovery.as_deref(),
        };
        let done = pg
            .upsert_auth_user(&db, &json, hash.as_deref(), tokens)
            .await;
        if let Err(e) = done {
            tracing::warn!("fabrik-sim: cannot mirror auth user into {db}: {e}");
        }
    });
    let _ = written.await;
}

pub(crate) fn v2024(h: &HeaderMap) -> bool {
    h.get("x-supabase-api-version")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "2024-01-01")
}

/// The API gateway's checks (the project is up, the `apikey` is one of its keys).
pub(crate) fn gateway(st: &AppState, r: &str, h: &HeaderMap) -> Result<Project, Response> {
    let Some(p) = st.read(|w| w.supabase.projects.iter().find(|p| p.r#ref == r).cloned()) else {
        return Err(errors::json_response(
            404,
            json!({"message": "no Route matched with those values"}),
        ));
    };
    if p.status(now_ms()) != "ACTIVE_HEALTHY" {
        return Err(errors::json_response(
            503,
            json!({"message": format!("Project is not reachable: it is {}", p.status(now_ms()))}),
        ));
    }
    let apikey = h.get("apikey").and_then(|v| v.to_str().ok());
    match apikey {
        None => {
            return Err(errors::json_response(
                401,
                json!({"message": "No API key found in request", "hint": "No `apikey` request header or url param was found."}),
            ))
        }
        Some(k) if !p.keys.all().contains(&k) => {
            return Err(errors::json_response(
                401,
                json!({"message": "Invalid API key", "hint": "Double check your Supabase `anon` or `service_role` API key."}),
            ))
        }
        Some(_) => {}
    }
    Ok(p)
}

/// Gateway + admin checks; returns the project when the request may proceed.
pub(crate) fn authorize(st: &AppState, r: &str, h: &HeaderMap) -> Result<Project, Response> {
    let api24 = v2024(h);
    let p = gateway(st, r, h)?;
    let Some(token) = bearer(h) else {
        return Err(errors::gotrue(
            401,
            "no_authorization",
            "This endpoint requires a valid Bearer token",
            api24,
        ));
    };
    let claims = super::supabase_keys::jwt_claims(&token);
    let known = token == p.keys.anon || token == p.keys.service_role;
    match claims {
        Some(c) if known => {
            if c.get("role").and_then(Value::as_str) == Some("service_role") {
                Ok(p)
            } else {
                Err(errors::gotrue(403, "not_admin", "User not allowed", api24))
            }
        }
        _ => Err(errors::gotrue(
            403,
            "bad_jwt",
            "invalid JWT: unable to parse or verify signature, signature is invalid",
            api24,
        )),
    }
}

pub fn user_json(u: &AuthUser) -> Value {
    let mut v = json!({
        "id": u.id,
        "aud": u.aud,
        "role": u.role,
        "email": u.email.clone().unwrap_or_default(),
        "phone": u.phone.clone().unwrap_or_default(),
        "app_metadata": u.app_metadata,
        "user_metadata": u.user_metadata,
        "identities": [],
        "created_at": iso(u.created_ms),
        "updated_at": iso(u.updated_ms.unwrap_or(u.created_ms)),
        "is_anonymous": false,
    });
    for (key, at) in [
        ("invited_at", u.invited_ms),
        ("confirmation_sent_at", u.confirmation_sent_ms),
        ("recovery_sent_at", u.recovery_sent_ms),
        ("last_sign_in_at", u.last_sign_in_ms),
    ] {
        if let Some(ms) = at {
            v[key] = json!(iso(ms));
        }
    }
    if let Some(ms) = u.email_confirmed_ms {
        v["email_confirmed_at"] = json!(iso(ms));
        v["confirmed_at"] = json!(iso(ms));
    }
    if let Some(ms) = u.phone_confirmed_ms {
        v["phone_confirmed_at"] = json!(iso(ms));
        v["confirmed_at"] = json!(iso(ms));
    }
    if let Some(ms) = u.banned_until_ms {
        v["banned_until"] = json!(iso(ms));
    }
    if let (Some(email), Some(Value::Array(ids))) = (&u.email, v.get_mut("identities")) {
        ids.push(json!({
            "identity_id": u.id, "id": u.id, "user_id": u.id,
            "identity_data": {"email": email, "email_verified": u.email_confirmed_ms.is_some(), "phone_verified": false, "sub": u.id},
            "provider": "email", "created_at": iso(u.created_ms), "updated_at": iso(u.created_ms), "email": email
        }));
    }
    v
}

pub(crate) fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.contains(char::is_whitespace)
}
