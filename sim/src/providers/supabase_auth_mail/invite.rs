//! `POST /invite` (GoTrue: internal/api/invite.go).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use super::redirect::referrer;
use super::{find_by_email, go_body, go_string, settings_of, validate_email, St};
use crate::errors::{self, json_response};
use crate::providers::supabase_auth::{authorize, go_type_error, mirror, user_json, v2024};
use crate::providers::supabase_mailer::{self as mailer, Letter, MailError, MailKind};
use crate::state::AppState;
use crate::world::{now_ms, AuthUser, World};

/// Why an invitation was not sent.
enum InviteRefused {
    Exists,
    Mail(MailError),
    NoProject,
}

/// `POST /invite` `{email, data}` → the user (`UserSchema`).
pub async fn invite(
    State(st): St,
    Path(r): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    let api24 = v2024(&h);
    if let Err(resp) = authorize(&st, &r, &h) {
        return resp;
    }
    let b = match go_body(&body, api24) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let email = match go_string(&b, "email", "InviteParams", api24) {
        Ok(e) => e,
        Err(resp) => return resp,
    };
    let data = match b.get("data") {
        None | Some(Value::Null) => json!({}),
        Some(v @ Value::Object(_)) => v.clone(),
        Some(other) => {
            return go_type_error("InviteParams.data", other, "map[string]interface {}", api24)
        }
    };
    let email = match validate_email(&email, api24) {
        Ok(e) => e,
        Err(resp) => return resp,
    };
    let now = now_ms();
    let result = st.mutate(|w| invite_in(&st, w, &r, &h, &q, &email, &data, now));
    match result {
        Ok(user) => {
            mirror(&st, &r, &user).await;
            json_response(200, user_json(&user))
        }
        Err(InviteRefused::Exists) => errors::gotrue(
            422,
            "email_exists",
            "A user with this email address has already been registered",
            api24,
        ),
        Err(InviteRefused::Mail(e)) => e.response(MailKind::Invite, api24),
        Err(InviteRefused::NoProject) => errors::json_response(
            404,
            json!({"message": "no Route matched with those values"}),
        ),
    }
}

/// The invitation as one step on the locked world: the user (new or the unconfirmed one),
/// the mail, then the user kept with its new link.
#[allow(clippy::too_many_arguments)]
fn invite_in(
    st: &AppState,
    w: &mut World,
    r: &str,
    h: &HeaderMap,
    q: &HashMap<String, String>,
    email: &str,
    data: &Value,
    now: i64,
) -> Result<AuthUser, InviteRefused> {
    let settings = settings_of(w, r).ok_or(InviteRefused::NoProject)?;
    let existing = w
        .supabase
        .projects
        .iter()
        .find(|p| p.r#ref == r)
        .and_then(|p| find_by_email(&p.auth_users, email).cloned());
    if existing
        .as_ref()
        .is_some_and(|u| u.email_confirmed_ms.is_some())
    {
        return Err(InviteRefused::Exists);
    }
    let is_new = existing.is_none();
    let mut user = match existing {
        Some(u) => u,
        None => invited_user(w, email, data, now),
    };
    let otp_len = settings.int("mailer_otp_length").unwrap_or(6).max(0) as usize;
    let (otp, hash) = mailer::new_token(w, email, otp_len);
    let redirect = referrer(&settings, h, q);
    let letter = Letter {
        kind: MailKind::Invite,
        to: email,
        otp: &otp,
        token_hash: &hash,
        redirect_to: &redirect,
        data: &user.user_metadata,
    };
    mailer::send(st, w, r, &letter, now).map_err(InviteRefused::Mail)?;
    user.confirmation_token = Some(hash);
    user.confirmation_sent_ms = Some(now);
    user.invited_ms = Some(now);
    user.updated_ms = Some(now);
    let project = w
        .supabase
        .projects
        .iter_mut()
        .find(|p| p.r#ref == r)
        .ok_or(InviteRefused::NoProject)?;
    match project.auth_users.iter_mut().find(|u| u.id == user.id) {
        Some(kept) if !is_new => *kept = user.clone(),
        _ => project.auth_users.push(user.clone()),
    }
    Ok(user)
}

/// A user as `signupNewUser` makes it for an invitation: e-mail provider, no password.
fn invited_user(w: &mut World, email: &str, data: &Value, now: i64) -> AuthUser {
    AuthUser {
        id: w.ids.uuid_v4(),
        email: Some(email.to_string()),
        user_metadata: data.clone(),
        app_metadata: json!({"provider": "email", "providers": ["email"]}),
        role: "authenticated".into(),
        aud: "authenticated".into(),
        created_ms: now,
        ..Default::default()
    }
}
