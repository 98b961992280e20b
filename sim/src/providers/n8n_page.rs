//! n8n's list pages: `limit` and the opaque `cursor` (workflows and executions alike).

use std::collections::HashMap;

use axum::response::Response;
use base64::Engine;
use serde_json::{json, Value};

use crate::errors;

/// A list's page as asked: `limit` (default 100, at most 250, as n8n's validator says) and the
/// offset the cursor carries (base64 of {"offset": n}; n8n's real cursors are opaque base64 too).
pub fn page_of(q: &HashMap<String, String>) -> Result<(usize, usize), Response> {
    let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
        None => 100,
        Some(Ok(n)) if (1..=250).contains(&n) => n,
        Some(_) => return Err(errors::n8n(400, "request/query/limit must be <= 250")),
    };
    let offset = match q.get("cursor") {
        None => 0,
        Some(c) => match base64::engine::general_purpose::STANDARD
            .decode(c)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|v| v.get("offset").and_then(Value::as_u64))
        {
            Some(o) => o as usize,
            None => return Err(errors::n8n(400, "An invalid cursor was provided")),
        },
    };
    Ok((limit, offset))
}

/// The cursor of the page after `offset`, `None` after the last.
pub fn next_cursor(offset: usize, limit: usize, total: usize) -> Option<String> {
    (offset + limit < total).then(|| {
        base64::engine::general_purpose::STANDARD
            .encode(json!({"offset": offset + limit, "limit": limit}).to_string())
    })
}
