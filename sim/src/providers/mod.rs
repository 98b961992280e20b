//! One module per simulated service; each exposes a `router` mounted under its prefix.

pub mod gitea;
pub mod github;
pub mod handover;
pub mod n8n;
pub mod n8n_executions;
pub mod n8n_page;
pub mod resend;
pub mod stripe;
pub mod supabase;
pub mod supabase_auth;
pub mod supabase_auth_config;
pub mod supabase_auth_mail;
pub mod supabase_backups;
pub mod supabase_claim;
pub mod supabase_data;
pub mod supabase_keys;
pub mod supabase_mailer;
pub mod supabase_orgs;
pub mod supabase_readonly;
pub mod supabase_storage;
pub mod supabase_usage;
pub mod vercel;

use axum::http::HeaderMap;
use serde_json::Value;

/// The bearer token of a request (`Authorization: Bearer x`; GitHub also accepts `token x`).
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get("authorization")?.to_str().ok()?.trim();
    let (scheme, rest) = v.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token") {
        Some(rest.trim().to_string())
    } else {
        None
    }
}

/// A request body as JSON (`None` for invalid JSON; `Some(Null)` for an empty body).
pub fn json_body(bytes: &[u8]) -> Option<Value> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Some(Value::Null);
    }
    serde_json::from_slice(bytes).ok()
}

/// A query parameter parsed as a number, with a default and bounds.
pub fn query_num(
    q: &std::collections::HashMap<String, String>,
    name: &str,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, String> {
    match q.get(name) {
        None => Ok(default),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if n >= min && n <= max => Ok(n),
            _ => Err(format!("{name} must be an integer between {min} and {max}")),
        },
    }
}
