//! Resend (`/resend/emails`): sending mail from the verified domain, idempotency keys, 2 req/s
//! per team; API keys (`/resend/api-keys`): a `sending_access` key only sends, from its domain
//! when it names one, and a deleted key stops at once (here and at the SMTP relay).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;
use serde_json::{json, Value};

use super::{bearer, json_body};
use crate::errors::{self, json_response, with_header};
use crate::state::{lock, AppState};
use crate::world::{iso, now_ms, Email, IdempotencyEntry, ResendAccess, ResendApiKey};

type St = State<Arc<AppState>>;

pub fn router(st: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/emails", post(send))
        .route("/emails/{id}", get(get_email))
        .route("/domains", get(list_domains))
        .route("/api-keys", post(create_key).get(list_keys))
        .route("/api-keys/{id}", delete(delete_key))
        .route_layer(middleware::from_fn_with_state(st, auth_and_limit))
}

/// The one budget of the Resend team (2 requests a second): the API's requests and the mail an
/// instance sends through the SMTP relay, whichever key they come with.
pub(crate) const TEAM_BUDGET: &str = "resend|team";

/// What `token` may do: a configured token is the account's own (full access); a key made
/// through the API has its permission; anything else is no key.
pub(crate) fn access(st: &AppState, token: &str) -> Option<ResendAccess> {
    if st.accepts(|x| &x.resend, token) {
        return Some(ResendAccess::Full);
    }
    let sha = super::supabase_auth_config::sha256_hex(token);
    st.read(|w| w.resend_key_access(&sha))
}

async fn auth_and_limit(State(st): St, mut req: Request, next: Next) -> Response {
    let Some(token) = bearer(req.headers()) else {
        return errors::resend(
            401,
            "missing_api_key",
            "Missing API key in the authorization header. Include the following header 'Authorization: Bearer YOUR_API_KEY' in the request.",
        );
    };
    let Some(access) = access(&st, &token) else {
        return errors::resend(403, "invalid_api_key", "API key is invalid");
    };
    let sending = req.method() == axum::http::Method::POST && req.uri().path() == "/emails";
    if matches!(access, ResendAccess::Sending { .. }) && !sending {
        return errors::resend(
            401,
            "restricted_api_key",
            "This API key is restricted to only send emails.",
        );
    }
    req.extensions_mut().insert(access);
    let now = now_ms();
    let limit = st.rate_limits().resend_per_second;
    let info = lock(&st.limiter).hit(TEAM_BUDGET, limit, 1_000, now, true);
    let resp = if info.allowed {
        next.run(req).await
    } else {
        errors::generic(errors::Provider::Resend, 429, None)
    };
    let reset = info.reset_in_secs(now).max(1).to_string();
    let resp = with_header(resp, "ratelimit-limit", limit.to_string());
    let resp = with_header(resp, "ratelimit-remaining", info.remaining.to_string());
    let resp = with_header(resp, "ratelimit-reset", &reset);
    if info.allowed {
        resp
    } else {
        with_header(resp, "retry-after", reset)
    }
}

/// `addr@domain` or `Name <addr@domain>` → the address.
fn address(s: &str) -> Option<String> {
    let s = s.trim();
    let addr = match (s.rfind('<'), s.ends_with('>')) {
        (Some(i), true) => &s[i + 1..s.len() - 1],
        (None, false) => s,
        _ => return None,
    };
    let (local, domain) = addr.split_once('@')?;
    (!local.is_empty() && domain.contains('.') && !addr.contains(char::is_whitespace))
        .then(|| addr.to_lowercase())
}

fn list(v: Option<&Value>) -> Result<Vec<String>, ()> {
    match v {
        None | Some(Value::Null) => Ok(vec![]),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map(str::to_string).ok_or(()))
            .collect(),
        _ => Err(()),
    }
}

async fn send(
    State(st): St,
    axum::Extension(access): axum::Extension<ResendAccess>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(Value::Object(b)) = json_body(&body) else {
        return errors::resend(400, "validation_error", "Invalid JSON body.");
    };
    let idem_key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(k) = &idem_key {
        if k.is_empty() || k.len() > 256 {
            return errors::resend(
                400,
                "invalid_idempotency_key",
                "The key must be between 1-256 chars.",
            );
        }
    }
    for field in ["from", "to", "subject"] {
        if b.get(field).is_none_or(Value::is_null) {
            return errors::resend(
                422,
                "missing_required_field",
                &format!("Missing `{field}` field."),
            );
        }
    }
    let from = b
        .get("from")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(from_addr) = address(&from) else {
        return errors::resend(
            422,
            "invalid_from_address",
            "Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.",
        );
    };
    let (Ok(to), Ok(cc), Ok(bcc), Ok(reply_to)) = (
        list(b.get("to")),
        list(b.get("cc")),
        list(b.get("bcc")),
        list(b.get("reply_to")),
    ) else {
        return errors::resend(422, "validation_error", "Invalid `to`, `cc`, `bcc` or `reply_to` field: expected a string or an array of strings.");
    };
    if to.is_empty() || to.len() > 50 {
        return errors::resend(
            422,
            "validation_error",
            "The `to` field must contain between 1 and 50 recipients.",
        );
    }
    if let Some(bad) = to
        .iter()
        .chain(&cc)
        .chain(&bcc)
        .find(|a| address(a).is_none())
    {
        return errors::resend(
            422,
            "validation_error",
            &format!("Invalid `to` field. The email address `{bad}` is not valid."),
        );
    }
    let Some(subject) = b.get("subject").and_then(Value::as_str).map(str::to_string) else {
        return errors::resend(
            422,
            "validation_error",
            "The `subject` field must be a string.",
        );
    };
    let from_domain = from_addr.rsplit('@').next().unwrap_or("").to_string();
    let verified = st.read(|w| {
        w.resend_domains()
            .iter()
            .any(|d| d.name == from_domain && d.status == "verified")
    });
    if !verified {
        return errors::resend(
            403,
            "validation_error",
            &format!("The {from_domain} domain is not verified. Please, add and verify your domain on https://resend.com/domains"),
        );
    }
    // A key restricted to one domain (the answer's wording is not confirmed).
    if !access.may_send_from(&from_domain) {
        return errors::resend(
            403,
            "validation_error",
            &format!("This API key is not authorized to send emails from {from_domain}"),
        );
    }
    // Canonical form of the payload for idempotency comparison (serde_json maps are sorted).
    let payload = Value::Object(b.clone()).to_string();
    let now = now_ms();
    let result = st.mutate(|w| {
        w.resend
            .idempotency
            .retain(|e| now - e.created_ms < 24 * 3600 * 1000);
        if let Some(k) = &idem_key {
            if let Some(e) = w.resend.idempotency.iter().find(|e| &e.key == k) {
                return if e.payload == payload {
                    Ok(e.email_id.clone())
                } else {
                    Err(())
                };
            }
        }
        let id = w.ids.uuid_v4();
        w.resend.emails.push(Email {
            id: id.clone(),
            from: from.clone(),
            to: to.clone(),
            subject: subject.clone(),
            html: b.get("html").and_then(Value::as_str).map(str::to_string),
            text: b.get("text").and_then(Value::as_str).map(str::to_string),
            cc: cc.clone(),
            bcc: bcc.clone(),
            reply_to: reply_to.clone(),
            created_ms: now,
        });
        if let Some(k) = &idem_key {
            w.resend.idempotency.push(IdempotencyEntry {
                key: k.clone(),
                payload: payload.clone(),
                email_id: id.clone(),
                created_ms: now,
            });
        }
        Ok(id)
    });
    match result {
        Ok(id) => json_response(200, json!({"id": id})),
        Err(()) => errors::resend(
            409,
            "invalid_idempotent_request",
            "Same idempotency key used with a different request payload. Change your idempotency key or payload.",
        ),
    }
}

async fn get_email(State(st): St, Path(id): Path<String>) -> Response {
    match st.read(|w| w.resend.emails.iter().find(|e| e.id == id).cloned()) {
        Some(e) => {
            let mut v = json!({"object": "email", "id": e.id, "from": e.from, "to": e.to, "subject": e.subject, "html": e.html, "text": e.text,
                   "cc": e.cc, "bcc": e.bcc, "reply_to": e.reply_to, "created_at": iso(e.created_ms), "last_event": "delivered", "scheduled_at": null});
            // `html` and `text` are strings in the description (`Email`), not null: a part the
            // email did not have is left out.
            for part in ["html", "text"] {
                if v[part].is_null() {
                    v.as_object_mut().map(|m| m.remove(part));
                }
            }
            json_response(200, v)
        }
        None => errors::resend(404, "not_found", "Email not found"),
    }
}

/// `GET /domains` (`domains/list`): every domain with its status, newest first, one page
/// (`limit` 1–100, default 20; `has_more` says when more follow).
async fn list_domains(
    State(st): St,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let mut all = st.read(|w| w.resend_domains());
    all.reverse();
    let all = all
        .iter()
        .map(|d| {
            let v = json!({"id": d.id, "name": d.name, "status": d.status, "created_at": iso(d.created_ms),
                   "region": "eu-west-1", "capabilities": {"sending": "enabled", "receiving": "disabled"}});
            (d.id.clone(), v)
        })
        .collect();
    page(&q, all, "Domain not found")
}

/// One page of a list (`limit` 1–100, default 20; `after` an item's id, `missing` when it is
/// none of them): `{object: "list", has_more, data}`.
fn page(
    q: &std::collections::HashMap<String, String>,
    all: Vec<(String, Value)>,
    missing: &str,
) -> Response {
    let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
        None => 20,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(_) => {
            return errors::resend(
                422,
                "validation_error",
                "The `limit` parameter must be an integer between 1 and 100.",
            )
        }
    };
    let start = match q.get("after") {
        Some(after) => match all.iter().position(|(id, _)| id == after) {
            Some(i) => i + 1,
            None => return errors::resend(404, "not_found", missing),
        },
        None => 0,
    };
    let data: Vec<Value> = all
        .iter()
        .skip(start)
        .take(limit)
        .map(|(_, v)| v.clone())
        .collect();
    let has_more = start + data.len() < all.len();
    json_response(
        200,
        json!({"object": "list", "has_more": has_more, "data": data}),
    )
}

/// `POST /api-keys` (`api-keys/create`): `name` (required, at most 50 characters),
/// `permission` (`full_access`, the default, or `sending_access`), `domain_id` (a domain of the
/// account; with `sending_access` only). 201 `{id, token}`: the token this once.
async fn create_key(State(st): St, body: Bytes) -> Response {
    let Some(Value::Object(b)) = json_body(&body) else {
        return errors::resend(400, "validation_error", "Invalid JSON body.");
    };
    let Some(name) = b.get("name").and_then(Value::as_str).map(str::to_string) else {
        return errors::resend(422, "missing_required_field", "Missing `name` field.");
    };
    if name.trim().is_empty() || name.chars().count() > 50 {
        return errors::resend(
            422,
            "validation_error",
            "The `name` field must be between 1 and 50 characters.",
        );
    }
    let permission = match b.get("permission") {
        None | Some(Value::Null) => "full_access",
        Some(Value::String(p)) if p == "full_access" || p == "sending_access" => p.as_str(),
        Some(_) => {
            return errors::resend(
                422,
                "validation_error",
                "The `permission` field must be `full_access` or `sending_access`.",
            )
        }
    }
    .to_string();
    let domain_id = match b.get("domain_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(d)) => Some(d.clone()),
        Some(_) => {
            return errors::resend(
                422,
                "validation_error",
                "The `domain_id` field must be a string.",
            )
        }
    };
    if let Some(d) = &domain_id {
        if st.read(|w| w.resend_domains().iter().all(|x| &x.id != d)) {
            return errors::resend(404, "not_found", "Domain not found");
        }
    }
    // Resend uses the domain only with sending access.
    let domain_id = domain_id.filter(|_| permission == "sending_access");
    let now = now_ms();
    let (id, token) = st.mutate(|w| {
        let id = w.ids.uuid_v4();
        let token = format!("re_{}", w.ids.alnum(32));
        w.resend.api_keys.push(ResendApiKey {
            id: id.clone(),
            name,
            permission,
            domain_id,
            token_sha256: super::supabase_auth_config::sha256_hex(&token),
            created_ms: now,
        });
        (id, token)
    });
    st.issued(&id, &token);
    json_response(201, json!({"id": id, "token": token}))
}

/// `GET /api-keys` (`api-keys/list`): newest first, `limit` 1–100 (default 20) and `after`.
async fn list_keys(
    State(st): St,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let all: Vec<(String, Value)> = st.read(|w| {
        w.resend
            .api_keys
            .iter()
            .rev()
            .map(|k| {
                let v = json!({"id": k.id, "name": k.name, "created_at": iso(k.created_ms), "last_used_at": null});
                (k.id.clone(), v)
            })
            .collect()
    });
    page(&q, all, "API key not found")
}

/// `DELETE /api-keys/{id}` (`api-keys/remove`): the key stops at once.
async fn delete_key(State(st): St, Path(id): Path<String>) -> Response {
    let removed = st.mutate(|w| {
        let before = w.resend.api_keys.len();
        w.resend.api_keys.retain(|k| k.id != id);
        w.resend.api_keys.len() < before
    });
    if removed {
        json_response(200, json!({"object": "api_key", "id": id, "deleted": true}))
    } else {
        errors::resend(404, "not_found", "API key not found")
    }
}
