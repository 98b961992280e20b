//! `POST /verify` and `GET /verify`, the link of the mail (GoTrue: internal/api/verify.go).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::redirect::referrer;
use super::{go_body, go_string, settings_of, validate_email, St};
use crate::errors::{self, json_response};
use crate::providers::supabase_auth::{
    confirm_email, gateway, issue_session, password_digest, v2024,
};
use crate::providers::supabase_auth_config::effective;
use crate::providers::supabase_mailer::{self as mailer, query_escape};
use crate::world::{now_ms, AuthUser, World};

/// Which pending token a verification type spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spends {
    /// `signup`, `invite`: the confirmation token.
    Confirmation,
    /// `recovery`, `magiclink`: the recovery token.
    Recovery,
    /// `email`: either.
    Either,
}

fn spends(kind: &str) -> Option<Spends> {
    match kind {
        "signup" | "invite" => Some(Spends::Confirmation),
        "recovery" | "magiclink" => Some(Spends::Recovery),
        "email" => Some(Spends::Either),
        _ => None,
    }
}

/// Why a verification failed (GoTrue's answers).
#[derive(Debug)]
enum VerifyError {
    /// 403 `otp_expired` with this message.
    Expired(&'static str),
    Banned,
    Invalid(&'static str),
}

impl VerifyError {
    fn status_code_message(&self) -> (u16, &'static str, &'static str) {
        match self {
            VerifyError::Expired(m) => (403, "otp_expired", m),
            VerifyError::Banned => (403, "user_banned", "User is banned"),
            VerifyError::Invalid(m) => (400, "validation_failed", m),
        }
    }

    fn response(&self, api24: bool) -> Response {
        let (status, code, message) = self.status_code_message();
        errors::gotrue(status, code, message, api24)
    }
}

const LINK_EXPIRED: &str = "Email link is invalid or has expired";
const OTP_INVALID: &str = "Token has expired or is invalid";

/// What a verification looks for: the hash of a link, or an address and its code.
enum Proof {
    Hash(String),
    Code { email: String, hash: String },
}

/// Spends the token on the locked world and returns the user's id, or why not.
fn verify_in(
    w: &mut World,
    r: &str,
    kind: &str,
    proof: &Proof,
    now: i64,
) -> Result<String, VerifyError> {
    let Some(which) = spends(kind) else {
        return Err(match proof {
            Proof::Hash(_) => VerifyError::Invalid("Invalid email verification type"),
            Proof::Code { .. } => VerifyError::Expired(OTP_INVALID),
        });
    };
    let settings = settings_of(w, r).ok_or(VerifyError::Expired(LINK_EXPIRED))?;
    let exp_ms = settings.int("mailer_otp_exp").unwrap_or(3600).max(0) * 1000;
    // For an invitee without a password (below); drawn before the project is borrowed.
    let random_password = w.ids.b64url(40);
    let p = w
        .supabase
        .projects
        .iter_mut()
        .find(|p| p.r#ref == r)
        .ok_or(VerifyError::Expired(LINK_EXPIRED))?;
    let (hash, missing) = match proof {
        Proof::Hash(h) => (h.as_str(), LINK_EXPIRED),
        Proof::Code { hash, .. } => (hash.as_str(), OTP_INVALID),
    };
    let holds = |u: &AuthUser| -> Option<Spends> {
        let conf = u.confirmation_token.as_deref() == Some(hash);
        let rec = u.recovery_token.as_deref() == Some(hash);
        match which {
            Spends::Confirmation if conf => Some(Spends::Confirmation),
            Spends::Recovery if rec => Some(Spends::Recovery),
            Spends::Either if conf => Some(Spends::Confirmation),
            Spends::Either if rec => Some(Spends::Recovery),
            _ => None,
        }
    };
    let u = match proof {
        Proof::Hash(_) => p.auth_users.iter_mut().find(|u| holds(u).is_some()),
        Proof::Code { email, .. } => p.auth_users.iter_mut().find(|u| {
            u.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        }),
    }
    .ok_or(VerifyError::Expired(missing))?;
    if u.is_banned(now) {
        return Err(VerifyError::Banned);
    }
    let found = holds(u).ok_or(VerifyError::Expired(missing))?;
    let sent = match found {
        Spends::Recovery => u.recovery_sent_ms,
        _ => u.confirmation_sent_ms,
    };
    if sent.is_none_or(|t| now > t + exp_ms) {
        return Err(VerifyError::Expired(missing));
    }
    if found == Spends::Confirmation && !u.has_password && u.invited_ms.is_some() {
        // GoTrue gives an invited user a random password, for the app to replace.
        u.password_digest = Some(password_digest(&u.id, &random_password));
        u.has_password = true;
    }
    if found == Spends::Recovery && u.email_confirmed_ms.is_some() {
        u.recovery_token = None;
        u.confirmation_token = None;
        u.updated_ms = Some(now);
    } else {
        confirm_email(u, now);
    }
    Ok(u.id.clone())
}

/// The checks of GoTrue's `VerifyParams.Validate` for a POST body.
fn verify_params(b: &Map<String, Value>, api24: bool) -> Result<(String, Proof), Response> {
    let field = |k: &str| go_string(b, k, "VerifyParams", api24);
    let (kind, token, token_hash) = (field("type")?, field("token")?, field("token_hash")?);
    let (email, phone, redirect) = (field("email")?, field("phone")?, field("redirect_to")?);
    let bad = |m: &str| Err(errors::gotrue(400, "validation_failed", m, api24));
    if kind.is_empty() {
        return bad("Verify requires a verification type");
    }
    if token.is_empty() == token_hash.is_empty() {
        return bad("Verify requires either a token or a token hash");
    }
    if !token_hash.is_empty() {
        if !email.is_empty() || !phone.is_empty() || !redirect.is_empty() {
            return bad("Only the token_hash and type should be provided");
        }
        return Ok((kind, Proof::Hash(token_hash)));
    }
    if email.is_empty() || !phone.is_empty() {
        return bad("Only an email address or phone number should be provided on verify");
    }
    let Ok(email) = validate_email(&email, api24) else {
        return Err(errors::gotrue(
            422,
            "validation_failed",
            "Invalid email format",
            api24,
        ));
    };
    let hash = mailer::token_hash(&email, &token);
    Ok((kind, Proof::Code { email, hash }))
}

/// `POST /verify` → `AccessTokenResponseSchema`.
pub async fn verify(State(st): St, Path(r): Path<String>, h: HeaderMap, body: Bytes) -> Response {
    let api24 = v2024(&h);
    if let Err(resp) = gateway(&st, &r, &h) {
        return resp;
    }
    let b = match go_body(&body, api24) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let (kind, proof) = match verify_params(&b, api24) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if matches!(kind.as_str(), "email_change" | "sms" | "phone_change") {
        return errors::gotrue(
            400,
            "validation_failed",
            "Unsupported verification type",
            api24,
        );
    }
    let now = now_ms();
    let verified = st.mutate(|w| verify_in(w, &r, &kind, &proof, now));
    let user_id = match verified {
        Ok(id) => id,
        Err(e) => return e.response(api24),
    };
    match issue_session(&st, &r, &user_id, "otp").await {
        Some(session) => json_response(200, session),
        None => VerifyError::Expired(LINK_EXPIRED).response(api24),
    }
}

/// `GET /verify?token=…&type=…&redirect_to=…`: the link of the mail. 303 to `redirect_to`
/// (when allowed, else the site URL) with the session, or the error, in the fragment.
pub async fn verify_link(
    State(st): St,
    Path(r): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    h: HeaderMap,
) -> Response {
    let api24 = v2024(&h);
    let now = now_ms();
    let found = st.read(|w| {
        let p = w.supabase.projects.iter().find(|p| p.r#ref == r)?;
        Some((p.status(now), effective(&p.auth_config)))
    });
    let Some((status, settings)) = found else {
        return errors::json_response(
            404,
            json!({"message": "no Route matched with those values"}),
        );
    };
    if status != "ACTIVE_HEALTHY" {
        // As the gateway answers for a project that does not serve (see `gateway`).
        return errors::json_response(
            503,
            json!({"message": format!("Project is not reachable: it is {status}")}),
        );
    }
    let kind = q.get("type").cloned().unwrap_or_default();
    let token = q.get("token").cloned().unwrap_or_default();
    if kind.is_empty() {
        return errors::gotrue(
            400,
            "validation_failed",
            "Verify requires a verification type",
            api24,
        );
    }
    if token.is_empty() {
        return errors::gotrue(
            400,
            "validation_failed",
            "Verify requires a token or a token hash",
            api24,
        );
    }
    let to = referrer(&settings, &h, &q);
    let verified = st.mutate(|w| verify_in(w, &r, &kind, &Proof::Hash(token), now));
    let fragment = match verified {
        Ok(id) => match issue_session(&st, &r, &id, "otp").await {
            Some(s) => session_fragment(&s, &kind),
            None => error_fragment(&VerifyError::Expired(LINK_EXPIRED)),
        },
        Err(e) => error_fragment(&e),
    };
    let mut resp = axum::response::IntoResponse::into_response(axum::http::StatusCode::SEE_OTHER);
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("{to}#{fragment}")) {
        resp.headers_mut().insert(axum::http::header::LOCATION, v);
    }
    resp
}

/// `AccessTokenResponse.AsRedirectURL`'s fragment (Go's `url.Values.Encode`: keys sorted).
fn session_fragment(s: &Value, kind: &str) -> String {
    let text = |k: &str| match &s[k] {
        Value::String(v) => v.clone(),
        other => other.to_string(),
    };
    let pairs = [
        ("access_token", text("access_token")),
        ("expires_at", text("expires_at")),
        ("expires_in", text("expires_in")),
        ("refresh_token", text("refresh_token")),
        ("sb", String::new()),
        ("token_type", text("token_type")),
        ("type", kind.to_string()),
    ];
    encode(&pairs)
}

/// `prepErrorRedirectURL`'s fragment: `error`, `error_code`, `error_description`, `sb`.
fn error_fragment(e: &VerifyError) -> String {
    let (status, code, message) = e.status_code_message();
    let error = if status == 403 {
        "access_denied"
    } else {
        "invalid_request"
    };
    encode(&[
        ("error", error.to_string()),
        ("error_code", code.to_string()),
        ("error_description", message.to_string()),
        ("sb", String::new()),
    ])
}

fn encode(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", query_escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}
