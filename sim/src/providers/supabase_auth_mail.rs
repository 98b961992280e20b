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

use std::collections::HashMap;
use std::sync::Arc;

/// The routes that mail: invitations, password recovery, and the links' verification (their
/// own router, beside `supabase_auth`'s, so neither file uses the other both ways).
pub fn router(
    _st: std::sync::Arc<crate::state::AppState>,
) -> axum::Router<std::sync::Arc<crate::state::AppState>> {
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

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::supabase_auth::{
    authorize, confirm_email, gateway, go_type_error, issue_session, mirror, password_digest,
    user_json, v2024,
};
use super::supabase_auth_config::{effective, Settings};
use super::supabase_mailer::{
    self as mailer, check_frequency, frequency_response, query_escape, Letter, MailError, MailKind,
};
use crate::errors::{self, json_response};
use crate::state::AppState;
use crate::world::{now_ms, AuthUser, World};

type St = State<Arc<AppState>>;

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

// ------------------------------------------------------------------ redirect_to

/// Scheme, host and port of an absolute URL.
fn origin(url: &str) -> Option<(String, String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => (h, p),
        _ => (authority, ""),
    };
    (!host.is_empty()).then(|| (scheme.to_lowercase(), host.to_lowercase(), port.to_string()))
}

/// A glob of the allow list (`gobwas/glob` with separators `.` and `/`): `**` matches
/// anything, `*` and `?` stop at a separator.
fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    let sep = |c: u8| c == b'.' || c == b'/';
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) if rest.first() == Some(&b'*') => {
            (0..=text.len()).any(|i| glob_match(&rest[1..], &text[i..]))
        }
        Some((b'*', rest)) => {
            let run = text.iter().take_while(|c| !sep(**c)).count();
            (0..=run).any(|i| glob_match(rest, &text[i..]))
        }
        Some((b'?', rest)) => text
            .split_first()
            .is_some_and(|(c, t)| !sep(*c) && glob_match(rest, t)),
        Some((p, rest)) => text
            .split_first()
            .is_some_and(|(c, t)| c == p && glob_match(rest, t)),
    }
}

/// GoTrue's `IsRedirectURLValid`: the site itself (any port on localhost), or an entry of
/// `uri_allow_list` (comma-separated globs).
fn redirect_allowed(settings: &Settings, url: &str) -> bool {
    let (Some(site), Some(to)) = (origin(settings.site_url()), origin(url)) else {
        return false;
    };
    let local = matches!(to.1.as_str(), "localhost" | "127.0.0.1" | "[::1]");
    if site.0 == to.0 && site.1 == to.1 && (site.2 == to.2 || local) {
        return true;
    }
    let without_fragment = url.split('#').next().unwrap_or(url);
    settings
        .str("uri_allow_list")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .any(|p| glob_match(p.as_bytes(), without_fragment.as_bytes()))
}

/// GoTrue's `GetReferrer`: `redirect_to` (header, then query) when allowed, else the site URL.
fn referrer(settings: &Settings, h: &HeaderMap, q: &HashMap<String, String>) -> String {
    let header = h.get("redirect_to").and_then(|v| v.to_str().ok());
    let wanted = header.or(q.get("redirect_to").map(String::as_str));
    match wanted {
        Some(u) if redirect_allowed(settings, u) => u.to_string(),
        _ => settings.site_url().to_string(),
    }
}

// ------------------------------------------------------------------ /invite

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

// ------------------------------------------------------------------ /recover

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

// ------------------------------------------------------------------ /verify

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_list_globs_stop_at_separators() {
        assert!(glob_match(
            b"https://*.example.com/**",
            b"https://app.example.com/a/b"
        ));
        assert!(!glob_match(
            b"https://*.example.com/**",
            b"https://a.b.example.com/x"
        ));
        assert!(glob_match(
            b"http://localhost:3000/*",
            b"http://localhost:3000/welcome"
        ));
        assert!(!glob_match(
            b"http://localhost:3000/*",
            b"http://localhost:3000/a/b"
        ));
        assert_eq!(
            origin("https://App.example.com:8443/x?y#z"),
            Some(("https".into(), "app.example.com".into(), "8443".into()))
        );
    }
}
