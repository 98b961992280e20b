//! Supabase Auth admin API of each simulated project (`/supabase-project/{ref}/auth/v1/admin/users`).
//!
//! Gateway rule: `apikey` must be one of the project's keys (else 401 like Supabase's API gateway).
//! GoTrue rule: the bearer must be a JWT whose role is `service_role` (missing → 401
//! `no_authorization`, other role → 403 `not_admin`, not a JWT → 403 `bad_jwt`).
//! A project that is not `ACTIVE_HEALTHY` answers 503 (the real host does not serve yet).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{bearer, json_body, query_num};
use crate::errors::{self, json_response, with_header};
use crate::state::AppState;
use crate::world::{iso, now_ms, AuthUser, Project};

type St = State<Arc<AppState>>;

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

/// `POST /token?grant_type=password` (GoTrue `/token`): signs a user in with e-mail and
/// password and answers the session; the access token carries the claims PostgREST applies
/// (`sub`, `role: authenticated`, `email`, …).
async fn token(
    State(st): St,
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
        let access = super::supabase_keys::unsigned_jwt(&mut w.ids, &claims);
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

/// Writes the user into the project's `auth.users` (PostgreSQL mode only), inserting or
/// updating the row, so foreign keys to `auth.users(id)` hold as soon as Auth answers.
pub(crate) async fn mirror(st: &AppState, r: &str, user: &AuthUser) {
    let Some(pg) = &st.pg else {
        return;
    };
    let db = pg.db_name(&st.read(|w| w.instance.clone()), r);
    // The hash only marks that a password exists; nothing signs in against the database.
    let hash = user
        .has_password
        .then_some("$2a$10$fabriksimulatedpasswordhashxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    let tokens = crate::sqlexec::AuthTokens {
        confirmation_token: user.confirmation_token.as_deref(),
        recovery_token: user.recovery_token.as_deref(),
    };
    if let Err(e) = pg
        .upsert_auth_user(&db, &user_json(user), hash, tokens)
        .await
    {
        tracing::warn!("fabrik-sim: cannot mirror auth user into {db}: {e}");
    }
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

const USER_FIELDS: &[&str] = &[
    "email",
    "phone",
    "password",
    "password_hash",
    "email_confirm",
    "phone_confirm",
    "user_metadata",
    "app_metadata",
    "role",
    "aud",
    "id",
    "ban_duration",
    "nonce",
];

/// GoTrue decodes a user body strictly: a field it does not know is a 400.
fn known_fields(b: &serde_json::Map<String, Value>, api24: bool) -> Result<(), Response> {
    match b.keys().find(|k| !USER_FIELDS.contains(&k.as_str())) {
        Some(extra) => Err(errors::gotrue(
            400,
            "bad_json",
            &format!("Could not parse request body as JSON: json: unknown field \"{extra}\""),
            api24,
        )),
        None => Ok(()),
    }
}

async fn create_user(
    State(st): St,
    Path(r): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let api24 = v2024(&headers);
    let p = match authorize(&st, &r, &headers) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let bad = |msg: &str| errors::gotrue(400, "validation_failed", msg, api24);
    let Some(Value::Object(b)) = json_body(&body) else {
        return errors::gotrue(
            400,
            "bad_json",
            "Could not parse request body as JSON",
            api24,
        );
    };
    if let Err(refused) = known_fields(&b, api24) {
        return refused;
    }
    let email = b
        .get("email")
        .and_then(Value::as_str)
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty());
    let phone = b
        .get("phone")
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|p| !p.is_empty());
    if email.is_none() && phone.is_none() {
        return bad("Cannot create a user without either an email or phone");
    }
    if let Some(e) = &email {
        if !valid_email(e) {
            return bad("Unable to validate email address: invalid format");
        }
    }
    let password = b.get("password").and_then(Value::as_str);
    if password.is_some() && b.get("password_hash").is_some() {
        return bad("Only a password or a password hash should be provided");
    }
    if let Some(pw) = password {
        if pw.chars().count() < 6 {
            return errors::gotrue(
                422,
                "weak_password",
                "Password should be at least 6 characters.",
                api24,
            );
        }
    }
    for k in ["user_metadata", "app_metadata"] {
        if b.get(k).is_some_and(|v| !v.is_object() && !v.is_null()) {
            return errors::gotrue(
                400,
                "bad_json",
                &format!("Could not parse request body as JSON: {k} must be an object"),
                api24,
            );
        }
    }
    if let Some(e) = &email {
        if p.auth_users
            .iter()
            .any(|u| u.email.as_deref() == Some(e.as_str()))
        {
            return errors::gotrue(
                422,
                "email_exists",
                "A user with this email address has already been registered",
                api24,
            );
        }
    }
    if let Some(ph) = &phone {
        if p.auth_users
            .iter()
            .any(|u| u.phone.as_deref() == Some(ph.as_str()))
        {
            return errors::gotrue(
                422,
                "phone_exists",
                "A user with this phone number has already been registered",
                api24,
            );
        }
    }
    let now = now_ms();
    let mut app_metadata = b
        .get("app_metadata")
        .filter(|v| v.is_object())
        .cloned()
        .unwrap_or_else(|| json!({}));
    if app_metadata.get("provider").is_none() {
        app_metadata["provider"] = json!(if email.is_some() { "email" } else { "phone" });
        app_metadata["providers"] = json!([if email.is_some() { "email" } else { "phone" }]);
    }
    let confirm = |k: &str| b.get(k).and_then(Value::as_bool).unwrap_or(false);
    let requested_id = b.get("id").and_then(Value::as_str).map(str::to_string);
    let user = st.mutate(|w| {
        let id = requested_id.unwrap_or_else(|| w.ids.uuid_v4());
        let user = AuthUser {
            password_digest: password.map(|pw| password_digest(&id, pw)),
            id,
            email: email.clone(),
            phone: phone.clone(),
            has_password: password.is_some() || b.contains_key("password_hash"),
            email_confirmed_ms: (email.is_some() && confirm("email_confirm")).then_some(now),
            phone_confirmed_ms: (phone.is_some() && confirm("phone_confirm")).then_some(now),
            user_metadata: b
                .get("user_metadata")
                .filter(|v| v.is_object())
                .cloned()
                .unwrap_or_else(|| json!({})),
            app_metadata,
            role: b
                .get("role")
                .and_then(Value::as_str)
                .unwrap_or("authenticated")
                .to_string(),
            aud: b
                .get("aud")
                .and_then(Value::as_str)
                .unwrap_or("authenticated")
                .to_string(),
            created_ms: now,
            ..Default::default()
        };
        if let Some(proj) = w.supabase.projects.iter_mut().find(|x| x.r#ref == r) {
            proj.auth_users.push(user.clone());
        }
        user
    });
    mirror(&st, &r, &user).await;
    json_response(200, user_json(&user))
}

fn user_not_found(api24: bool) -> Response {
    errors::gotrue(404, "user_not_found", "User not found", api24)
}

/// `GET /admin/users/{userId}` (auth-gotrue.openapi.yaml).
async fn get_user(
    State(st): St,
    Path((r, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let api24 = v2024(&headers);
    let p = match authorize(&st, &r, &headers) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    match p.auth_users.iter().find(|u| u.id == id) {
        Some(u) => json_response(200, user_json(u)),
        None => user_not_found(api24),
    }
}

/// `PUT /admin/users/{userId}` (GoTrue's `adminUserUpdate`): the fields given change. A
/// password is checked like at creation; `user_metadata` and `app_metadata` are merged into
/// what the user has (a `null` value removes its key); `email_confirm: true` confirms the
/// address; `ban_duration` (a Go duration) bans from now, `"none"` lifts the ban.
async fn update_user(
    State(st): St,
    Path((r, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let api24 = v2024(&headers);
    if let Err(resp) = authorize(&st, &r, &headers) {
        return resp;
    }
    let Some(Value::Object(b)) = json_body(&body) else {
        return errors::gotrue(
            400,
            "bad_json",
            "Could not parse request body as JSON",
            api24,
        );
    };
    if let Err(refused) = known_fields(&b, api24) {
        return refused;
    }
    let changes = match UserChanges::parse(&b, api24) {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let now = now_ms();
    let updated = st.mutate(|w| {
        let proj = w.supabase.projects.iter_mut().find(|x| x.r#ref == r)?;
        let u = proj.auth_users.iter_mut().find(|u| u.id == id)?;
        changes.apply(u, now);
        Some(u.clone())
    });
    match updated {
        Some(u) => {
            mirror(&st, &r, &u).await;
            json_response(200, user_json(&u))
        }
        None => user_not_found(api24),
    }
}

/// What a `PUT /admin/users/{id}` changes.
struct UserChanges {
    password: Option<String>,
    user_metadata: Option<serde_json::Map<String, Value>>,
    app_metadata: Option<serde_json::Map<String, Value>>,
    email_confirm: bool,
    /// `Some(None)`: lift the ban; `Some(Some(ms))`: banned for `ms` from now.
    ban: Option<Option<i64>>,
}

/// Go's decoding error for a field of the wrong JSON type (`field`: `Struct.field`).
pub(crate) fn go_type_error(field: &str, got: &Value, want: &str, api24: bool) -> Response {
    let kind = match got {
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        _ => "object",
    };
    errors::gotrue(
        400,
        "bad_json",
        &format!("Could not parse request body as JSON: json: cannot unmarshal {kind} into Go struct field {field} of type {want}"),
        api24,
    )
}

impl UserChanges {
    /// GoTrue's order: the body is decoded, the ban duration parsed, the password checked.
    fn parse(b: &serde_json::Map<String, Value>, api24: bool) -> Result<Self, Response> {
        let typed = |k: &str, ok: fn(&Value) -> bool, want: &str| match b.get(k) {
            Some(v) if !v.is_null() && !ok(v) => Err(go_type_error(
                &format!("adminUserParams.{k}"),
                v,
                want,
                api24,
            )),
            _ => Ok(()),
        };
        typed("password", Value::is_string, "string")?;
        typed("ban_duration", Value::is_string, "string")?;
        typed("email_confirm", Value::is_boolean, "bool")?;
        typed("user_metadata", Value::is_object, "map[string]interface {}")?;
        typed("app_metadata", Value::is_object, "map[string]interface {}")?;
        let ban = match b.get("ban_duration").and_then(Value::as_str) {
            None | Some("") => None,
            Some("none") => Some(None),
            Some(d) => match parse_go_duration(d) {
                Ok(ms) => Some((ms != 0).then_some(ms)),
                Err(e) => {
                    return Err(errors::gotrue(
                        400,
                        "validation_failed",
                        &format!("invalid format for ban duration: {e}"),
                        api24,
                    ))
                }
            },
        };
        let password = b
            .get("password")
            .and_then(Value::as_str)
            .map(str::to_string);
        if password.as_ref().is_some_and(|pw| pw.chars().count() < 6) {
            return Err(errors::gotrue(
                422,
                "weak_password",
                "Password should be at least 6 characters.",
                api24,
            ));
        }
        let object = |k: &str| b.get(k).and_then(Value::as_object).cloned();
        Ok(UserChanges {
            password,
            user_metadata: object("user_metadata"),
            app_metadata: object("app_metadata"),
            email_confirm: b.get("email_confirm").and_then(Value::as_bool) == Some(true),
            ban,
        })
    }

    fn apply(&self, u: &mut AuthUser, now: i64) {
        if self.email_confirm {
            confirm_email(u, now);
        }
        if let Some(pw) = &self.password {
            u.password_digest = Some(password_digest(&u.id, pw));
            u.has_password = true;
        }
        if let Some(m) = &self.app_metadata {
            merge_metadata(&mut u.app_metadata, m);
        }
        if let Some(m) = &self.user_metadata {
            merge_metadata(&mut u.user_metadata, m);
        }
        if let Some(ban) = self.ban {
            u.banned_until_ms = ban.map(|ms| now.saturating_add(ms));
        }
        u.updated_ms = Some(now);
    }
}

/// GoTrue's `UpdateUserMetaData`/`UpdateAppMetaData`: keys set, a `null` removes its key.
pub(crate) fn merge_metadata(have: &mut Value, updates: &serde_json::Map<String, Value>) {
    if !have.is_object() {
        *have = json!({});
    }
    if let Value::Object(have) = have {
        for (k, v) in updates {
            if v.is_null() {
                have.remove(k);
            } else {
                have.insert(k.clone(), v.clone());
            }
        }
    }
}

/// GoTrue's `User.Confirm`: the address confirmed now, `email_verified` in the user's metadata,
/// and every one-time token of the user spent.
pub(crate) fn confirm_email(u: &mut AuthUser, now: i64) {
    u.email_confirmed_ms = Some(now);
    u.confirmation_token = None;
    u.recovery_token = None;
    let verified = json!({"email_verified": true});
    if let Some(m) = verified.as_object() {
        merge_metadata(&mut u.user_metadata, m);
    }
    u.updated_ms = Some(now);
}

/// Go's `time.ParseDuration` (`876000h`, `1h30m`, `-1.5s`, `0`), in milliseconds; the error
/// text is Go's.
pub(crate) fn parse_go_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration \"{orig}\"");
    let (neg, mut s) = match orig.as_bytes().first() {
        Some(b'-') => (true, &orig[1..]),
        Some(b'+') => (false, &orig[1..]),
        _ => (false, orig),
    };
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total_ns = 0f64;
    while !s.is_empty() {
        let digits = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let number = &s[..digits];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(invalid());
        }
        let value: f64 = number.parse().map_err(|_| invalid())?;
        s = &s[digits..];
        let unit_len = s
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(s.len());
        let unit = &s[..unit_len];
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration \"{orig}\""));
        }
        let scale = match unit {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            other => {
                return Err(format!(
                    "time: unknown unit \"{other}\" in duration \"{orig}\""
                ))
            }
        };
        total_ns += value * scale;
        s = &s[unit_len..];
    }
    if total_ns > i64::MAX as f64 {
        return Err(invalid());
    }
    let ms = (total_ns / 1e6) as i64;
    Ok(if neg { -ms } else { ms })
}

async fn list_users(
    State(st): St,
    Path(r): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let api24 = v2024(&headers);
    let p = match authorize(&st, &r, &headers) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let page = match query_num(&q, "page", 1, 1, i64::MAX) {
        Ok(n) => n as usize,
        Err(m) => return errors::gotrue(400, "validation_failed", &m, api24),
    };
    let per_page = match query_num(&q, "per_page", 50, 1, 1000) {
        Ok(n) => n as usize,
        Err(m) => return errors::gotrue(400, "validation_failed", &m, api24),
    };
    let total = p.auth_users.len();
    let users: Vec<Value> = p
        .auth_users
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(user_json)
        .collect();
    let last = total.div_ceil(per_page).max(1);
    let base = format!("{}/supabase-project/{r}/auth/v1/admin/users", st.base_url);
    let mut links = vec![];
    if page < last {
        links.push(format!(
            "<{base}?page={}&per_page={per_page}>; rel=\"next\"",
            page + 1
        ));
    }
    links.push(format!(
        "<{base}?page={last}&per_page={per_page}>; rel=\"last\""
    ));
    let resp = json_response(200, json!({"users": users, "aud": "authenticated"}));
    let resp = with_header(resp, "x-total-count", total.to_string());
    with_header(resp, "link", links.join(", "))
}
