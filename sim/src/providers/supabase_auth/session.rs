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
