//! A Supabase project's API keys as the Management API hands them out (`anon`, `service_role`):
//! JWTs with the project's ref and role, unsigned (the simulator checks claims, not signatures).

use base64::Engine;
use serde_json::{json, Value};

use crate::ids::IdGen;
use crate::world::ProjectKeys;

pub(crate) fn b64(v: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

/// An HS256-shaped JWT carrying `role` and `ref` (the signature is random: nothing verifies it).
pub(crate) fn jwt(ids: &mut IdGen, project_ref: &str, role: &str, now: i64) -> String {
    let iat = now / 1000;
    unsigned_jwt(
        ids,
        &json!({"iss": "supabase", "ref": project_ref, "role": role, "iat": iat, "exp": iat + 10 * 365 * 24 * 3600}),
    )
}

/// An HS256-shaped JWT with these claims and a random signature (nothing here verifies one;
/// the claims are what a test applies as the Data API would).
pub(crate) fn unsigned_jwt(ids: &mut IdGen, claims: &Value) -> String {
    format!(
        "{}.{}.{}",
        b64(&json!({"alg": "HS256", "typ": "JWT"})),
        b64(claims),
        ids.b64url(43)
    )
}

pub(crate) fn make_keys(ids: &mut IdGen, r: &str, now: i64) -> ProjectKeys {
    ProjectKeys {
        anon: jwt(ids, r, "anon", now),
        service_role: jwt(ids, r, "service_role", now),
        publishable: format!("sb_publishable_{}", ids.b64url(31)),
        publishable_id: ids.uuid_v4(),
        secret: format!("sb_secret_{}", ids.b64url(31)),
        secret_id: ids.uuid_v4(),
        hashes: [
            ids.b64url(43),
            ids.b64url(43),
            ids.b64url(43),
            ids.b64url(43),
        ],
        created_ms: now,
    }
}

/// Decodes the payload of a JWT-shaped string.
pub fn jwt_claims(token: &str) -> Option<Value> {
    let mut parts = token.split('.');
    let (_, payload, _, none) = (parts.next()?, parts.next()?, parts.next()?, parts.next());
    if none.is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}
