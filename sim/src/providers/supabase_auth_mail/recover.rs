//! `POST /recover` (GoTrue: internal/api/recover.go).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::redirect::referrer;
use super::{find_by_email, go_body, go_string, settings_of, user_mut, validate_email, St};
use crate::errors::{self, json_response};
use crate::providers::supabase_auth::{gateway, mirror, v2024};
use crate::providers::supabase_mailer::{
    self as mailer, check_frequency, frequency_response, Letter, MailError, MailKind,
};
use crate::state::AppState;
use crate::world::{now_ms, AuthUser, World};

/// `POST /recover` `{email}` → `{}`.
pub async fn recover(
    State(st): St,
    Path(r): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    let api24 = v2024(&h);
    if let Err(resp) = gateway(&st, &r, &h) {
        return resp;
    }
    let b = match go_body(&body, api24) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let email = match go_string(&b, "email", "RecoverParams", api24) {
        Ok(e) if e.is_empty() => {
            return errors::gotrue(
                400,
                "validation_failed",
                "Password recovery requires an email",
                api24,
            )
        }
        Ok(e) => e,
        Err(resp) => return resp,
    };
    let email = match validate_email(&email, api24) {
        Ok(e) => e,
        Err(resp) => return resp,
    };
    let now = now_ms();
    let result = st.mutate(|w| recover_in(&st, w, &r, &h, &q, &email, now));
    match result {
        Ok(Some(user)) => {
            mirror(&st, &r, &user).await;
            json_response(200, json!({}))
        }
        // No such user: the same answer, so addresses cannot be probed.
        Ok(None) => json_response(200, json!({})),
        Err(Recovery::TooSoon(left)) => frequency_response(left, api24),
        Err(Recovery::Mail(e)) => e.response(MailKind::Recovery, api24),
    }
}

enum Recovery {
    TooSoon(i64),
    Mail(MailError),
}

fn recover_in(
    st: &AppState,
    w: &mut World,
    r: &str,
    h: &HeaderMap,
    q: &HashMap<String, String>,
    email: &str,
    now: i64,
) -> Result<Option<AuthUser>, Recovery> {
    let Some(settings) = settings_of(w, r) else {
        return Ok(None);
    };
    let Some(user) = w
        .supabase
        .projects
        .iter()
        .find(|p| p.r#ref == r)
        .and_then(|p| find_by_email(&p.auth_users, email).cloned())
    else {
        return Ok(None);
    };
    check_frequency(user.recovery_sent_ms, &settings, now).map_err(Recovery::TooSoon)?;
    let otp_len = settings.int("mailer_otp_length").unwrap_or(6).max(0) as usize;
    let (otp, hash) = mailer::new_token(w, email, otp_len);
    let redirect = referrer(&settings, h, q);
    let letter = Letter {
        kind: MailKind::Recovery,
        to: email,
        otp: &otp,
        token_hash: &hash,
        redirect_to: &redirect,
        data: &user.user_metadata,
    };
    mailer::send(st, w, r, &letter, now).map_err(Recovery::Mail)?;
    let Some(u) = user_mut(w, r, &user.id) else {
        return Ok(None);
    };
    u.recovery_token = Some(hash);
    u.recovery_sent_ms = Some(now);
    u.updated_ms = Some(now);
    Ok(Some(u.clone()))
}
