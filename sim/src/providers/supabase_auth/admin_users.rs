//! The admin API on a project's users: create, read, list, update (`/admin/users`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use super::user_changes::UserChanges;
use super::{authorize, mirror, password_digest, user_json, v2024, valid_email};
use crate::errors::{self, json_response, with_header};
use crate::providers::{json_body, query_num};
use crate::state::AppState;
use crate::world::{now_ms, AuthUser};

type St = State<Arc<AppState>>;

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

pub(super) async fn create_user(
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
pub(super) async fn get_user(
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
pub(super) async fn update_user(
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

pub(super) async fn list_users(
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
