//! Signing in (GoTrue `/token`, password grant) and the session a sign-in or a spent link
//! starts.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use super::{gateway, mirror, password_digest, user_json, v2024};
use crate::errors::{self, json_response};
use crate::state::AppState;
use crate::world::now_ms;

/// `POST /token?grant_type=password` (GoTrue `/token`): signs a user in with e-mail and
/// password and answers the session; the access token carries the claims PostgREST applies
/// (`sub`, `role: authenticated`, `email`, …).
pub(super) async fn token(
    State(st): State<Arc<AppState>>,
    Path(r): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    let api24 = v2024(&h);
    let p = match gateway(&st, &r, &h) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if q.get("grant_type").map(String::as_str) != Some("password") {
        return errors::gotrue(400, "validation_failed", "unsupported_grant_type", api24);
    }
    let b: serde_json::Map<String, Value> = match serde_json::from_slice(&body) {
        Ok(Value::Object(m)) => m,
        _ => {
            return errors::gotrue(
                400,
                "bad_json",
                "Could not parse request body as JSON",
                api24,
            )
        }
    };
    let email = b
        .get("email")
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    let password = b.get("password").and_then(Value::as_str).unwrap_or("");
    let invalid = || {
        errors::gotrue(
            400,
            "invalid_credentials",
            "Invalid login credentials",
            api24,
        )
    };
    let Some(email) = email else { return invalid() };
    // With a database, GoTrue's table is the truth: a user moved in by SQL signs in, one
    // deleted by SQL does not.
    if let Err(refused) = from_database(&st, &r, &email).await {
        return refused.then(invalid).unwrap_or_else(|| {
            errors::gotrue(
                500,
                "unexpected_failure",
                "Database error querying schema",
                api24,
            )
        });
    }
    let p = st
        .read(|w| w.supabase.projects.iter().find(|x| x.r#ref == r).cloned())
        .unwrap_or(p);
    let Some(user) = p
        .auth_users
        .iter()
        .find(|u| u.email.as_deref().map(str::to_lowercase).as_deref() == Some(email.as_str()))
        .cloned()
    else {
        return invalid();
    };
    let now = now_ms();
    // GoTrue's order: a banned user is told so before the password is checked.
    if user.is_banned(now) {
        return errors::gotrue(400, "user_banned", "User is banned", api24);
    }
    if user.password_digest.as_deref() != Some(password_digest(&user.id, password).as_str()) {
        return invalid();
    }
    if user.email_confirmed_ms.is_none() {
        return errors::gotrue(400, "email_not_confirmed", "Email not confirmed", api24);
    }
    match issue_session(&st, &r, &user.id, "password").await {
        Some(session) => json_response(200, session),
        None => invalid(),
    }
}

/// In PostgreSQL mode, the user with `email` as `auth.users` holds it, brought into the
/// project's users (the row's id, hash, confirmation, ban and metadata win). `Err(true)` when
/// the table has no such user, `Err(false)` when it cannot be read; `Ok` without a database.
async fn from_database(st: &AppState, r: &str, email: &str) -> Result<(), bool> {
    let Some(pg) = &st.pg else {
        return Ok(());
    };
    let db = pg.db_name(&st.read(|w| w.instance.clone()), r);
    let row = match pg.auth_user_by_email(&db, email).await {
        Ok(Some(row)) => row,
        Ok(None) => return Err(true),
        Err(e) => {
            tracing::warn!("fabrik-sim: cannot read auth.users of {db}: {e}");
            return Err(false);
        }
    };
    let text = |k: &str| row[k].as_str().map(str::to_string);
    let Some(id) = text("id") else {
        return Err(true);
    };
    let digest = text("hash").and_then(|h| super::digest_of(&h).map(str::to_string));
    st.mutate(|w| {
        let Some(p) = w.supabase.projects.iter_mut().find(|x| x.r#ref == r) else {
            return;
        };
        // An address is one user's: another that had it is no longer in the table.
        p.auth_users.retain(|u| {
            u.id == id || u.email.as_deref().map(str::to_lowercase).as_deref() != Some(email)
        });
        let at = match p.auth_users.iter().position(|u| u.id == id) {
            Some(at) => at,
            None => {
                p.auth_users.push(crate::world::AuthUser {
                    id: id.clone(),
                    ..Default::default()
                });
                p.auth_users.len() - 1
            }
        };
        let u = &mut p.auth_users[at];
        u.email = text("email");
        u.has_password = row["hash"].is_string();
        if digest.is_some() {
            u.password_digest = digest.clone();
        }
        u.email_confirmed_ms = row["confirmed_ms"].as_i64();
        u.banned_until_ms = row["banned_until_ms"].as_i64();
        u.app_metadata = row["app_metadata"].clone();
        u.user_metadata = row["user_metadata"].clone();
        u.role = text("role").unwrap_or_else(|| "authenticated".into());
        u.aud = text("aud").unwrap_or_else(|| "authenticated".into());
        u.created_ms = row["created_ms"].as_i64().unwrap_or(u.created_ms);
    });
    Ok(())
}

/// A new session for a user of project `r` (GoTrue's `issueRefreshToken`): `last_sign_in_at`
/// is set and the answer is `AccessTokenResponseSchema`, whose access token carries the claims
/// PostgREST applies (`sub`, `role: authenticated`, `email`, …). `None` when the user is gone.
pub(crate) async fn issue_session(
    st: &AppState,
    r: &str,
    user_id: &str,
    method: &str,
) -> Option<Value> {
    let now = now_ms();
    let iat = now / 1000;
    let (user, access, refresh) = st.mutate(|w| {
        let u = w
            .supabase
            .projects
            .iter_mut()
            .find(|x| x.r#ref == r)?
            .auth_users
            .iter_mut()
            .find(|u| u.id == user_id)?;
        u.last_sign_in_ms = Some(now);
        let user = u.clone();
        let session = w.ids.uuid_v4();
        let claims = json!({
            "aud": user.aud,
            "exp": iat + 3600,
            "iat": iat,
            "iss": format!("https://{r}.supabase.co/auth/v1"),
            "sub": user.id,
            "email": user.email,
            "phone": user.phone.clone().unwrap_or_default(),
            "app_metadata": user.app_metadata,
            "user_metadata": user.user_metadata,
            "role": user.role,
            "aal": "aal1",
            "amr": [{"method": method, "timestamp": iat}],
            "session_id": session,
            "is_anonymous": false,
        });
        let access = crate::providers::supabase_keys::unsigned_jwt(&mut w.ids, &claims);
        Some((user, access, w.ids.b64url(12)))
    })?;
    tracing::debug!(project = %r, user = %user.id, "fabrik-sim: session issued");
    mirror(st, r, &user).await;
    Some(json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": 3600,
        "expires_at": iat + 3600,
        "refresh_token": refresh,
        "user": user_json(&user),
    }))
}
