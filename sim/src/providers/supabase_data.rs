//! The Data API (PostgREST) of each simulated project, the part a signed-in user's first screen
//! needs: `GET /supabase-project/{ref}/rest/v1/{table}` reads the table as the caller. As
//! PostgREST does, the request runs in a transaction with the JWT's role (`SET LOCAL ROLE`) and
//! its claims in `request.jwt.claims`, so the template's row-level security decides what comes
//! back. Only with the simulator's PostgreSQL (the SQL emulation has no RLS): otherwise 501.
//!
//! Gateway rule as for Auth (`apikey` must be one of the project's keys). The bearer (default:
//! the `apikey`) must be one of the project's keys or an access token this project's Auth
//! issued and that has not expired; otherwise 401 `PGRST301`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use super::bearer;
use crate::errors::json_response;
use crate::state::AppState;
use crate::world::now_ms;

type St = State<Arc<AppState>>;

pub fn router(_st: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new().route("/supabase-project/{ref}/rest/v1/{table}", get(select))
}

fn pgrst(status: u16, code: &str, message: impl Into<String>) -> Response {
    json_response(
        status,
        json!({"code": code, "message": message.into(), "details": null, "hint": null}),
    )
}

/// A plain identifier (PostgREST would quote anything else; nothing else is needed here).
fn identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

async fn select(State(st): St, Path((r, table)): Path<(String, String)>, h: HeaderMap) -> Response {
    let p = match super::supabase_auth::gateway(&st, &r, &h) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let token = bearer(&h).or_else(|| {
        h.get("apikey")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });
    let Some(token) = token else {
        return pgrst(401, "PGRST301", "No suitable key or wrong key type");
    };
    let Some(claims) = super::supabase_keys::jwt_claims(&token) else {
        return pgrst(401, "PGRST301", "Expected 3 parts in JWT; got 1");
    };
    let issued_here = claims["iss"].as_str() == Some(&format!("https://{r}.supabase.co/auth/v1"))
        && claims["sub"]
            .as_str()
            .is_some_and(|sub| p.auth_users.iter().any(|u| u.id == sub));
    if !(p.keys.all().contains(&token.as_str()) || issued_here) {
        return pgrst(401, "PGRST301", "JWSError JWSInvalidSignature");
    }
    if claims["exp"]
        .as_i64()
        .is_some_and(|exp| exp * 1000 < now_ms())
    {
        return pgrst(401, "PGRST303", "JWT expired");
    }
    let role = claims["role"].as_str().unwrap_or("anon").to_string();
    if !matches!(role.as_str(), "anon" | "authenticated" | "service_role") {
        return pgrst(401, "PGRST301", format!("role \"{role}\" does not exist"));
    }
    if !identifier(&table) {
        return pgrst(
            404,
            "PGRST205",
            format!("Could not find the table 'public.{table}' in the schema cache"),
        );
    }
    let Some(pg) = &st.pg else {
        return pgrst(
            501,
            "PGRST000",
            "the simulator's Data API needs its PostgreSQL mode (database_url)",
        );
    };
    let db = pg.db_name(&st.read(|w| w.instance.clone()), &r);
    match pg.select_as(&db, &role, &claims, &table).await {
        Ok(rows) => json_response(200, rows),
        Err((code, message)) if code == "42P01" => pgrst(
            404,
            "PGRST205",
            format!("Could not find the table 'public.{table}' in the schema cache ({message})"),
        ),
        Err((code, message)) if code == "42501" => {
            pgrst(if role == "anon" { 401 } else { 403 }, &code, message)
        }
        Err((code, message)) => pgrst(400, &code, message),
    }
}
