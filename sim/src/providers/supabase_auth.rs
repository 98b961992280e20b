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
fn password_digest(user_id: &str, password: &str) -> String {
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
    if user.password_digest.as_deref() != Some(password_digest(&user.id, password).as_str()) {
        return invalid();
    }
    let now = now_ms();
    if user.email_confirmed_ms.is_none() {
        return errors::gotrue(400, "email_not_confirmed", "Email not confirmed", api24);
    }
    if user.banned_until_ms.is_some_and(|t| t > now) {
        return errors::gotrue(400, "user_banned", "User is banned", api24);
    }
    let iat = now / 1000;
    let (access, refresh, session) = st.mutate(|w| {
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
            "amr": [{"method": "password", "timestamp": iat}],
            "session_id": session,
            "is_anonymous": false,
        });
        (
            super::supabase_keys::unsigned_jwt(&mut w.ids, &claims),
            w.ids.b64url(12),
            session,
        )
    });
    tracing::debug!(project = %r, session = %session, "fabrik-sim: signed in");
    json_response(
        200,
        json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": 3600,
            "expires_at": iat + 3600,
            "refresh_token": refresh,
            "user": user_json(&user),
        }),
    )
}

fn v2024(h: &HeaderMap) -> bool {
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
fn authorize(st: &AppState, r: &str, h: &HeaderMap) -> Result<Project, Response> {
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
        "updated_at": iso(u.created_ms),
        "is_anonymous": false,
    });
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

fn valid_email(e: &str) -> bool {
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
            banned_until_ms: None,
        };
        if let Some(proj) = w.supabase.projects.iter_mut().find(|x| x.r#ref == r) {
            proj.auth_users.push(user.clone());
        }
        user
    });
    let v = user_json(&user);
    if let Some(pg) = &st.pg {
        let db = pg.db_name(&st.read(|w| w.instance.clone()), &r);
        // The hash only marks that a password exists; nothing signs in against the simulator.
        let hash = user
            .has_password
            .then_some("$2a$10$fabriksimulatedpasswordhashxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        if let Err(e) = pg.insert_auth_user(&db, &v, hash).await {
            tracing::warn!("fabrik-sim: cannot mirror auth user into {db}: {e}");
        }
    }
    json_response(200, v)
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

/// `PUT /admin/users/{userId}`: the fields given change (a password is checked like at
/// creation; `user_metadata` is merged into what the user has, as GoTrue does).
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
    let password = b.get("password").and_then(Value::as_str);
    if password.is_some_and(|pw| pw.chars().count() < 6) {
        return errors::gotrue(
            422,
            "weak_password",
            "Password should be at least 6 characters.",
            api24,
        );
    }
    let meta = b.get("user_metadata").cloned();
    if meta
        .as_ref()
        .is_some_and(|v| !v.is_object() && !v.is_null())
    {
        return errors::gotrue(
            400,
            "bad_json",
            "Could not parse request body as JSON: user_metadata must be an object",
            api24,
        );
    }
    let updated = st.mutate(|w| {
        let proj = w.supabase.projects.iter_mut().find(|x| x.r#ref == r)?;
        let u = proj.auth_users.iter_mut().find(|u| u.id == id)?;
        if let Some(pw) = password {
            u.password_digest = Some(password_digest(&u.id, pw));
            u.has_password = true;
        }
        if let (Some(Value::Object(m)), Value::Object(have)) = (&meta, &mut u.user_metadata) {
            have.extend(m.clone());
        }
        Some(u.clone())
    });
    match updated {
        Some(u) => json_response(200, user_json(&u)),
        None => user_not_found(api24),
    }
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
