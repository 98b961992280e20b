//! `GET /v2/teams`: the teams the token's user belongs to, newest first, a page at a time
//! (spec: getTeams; `limit`, `until`, and `pagination.next` the timestamp to ask the next page
//! with). The seed's team is one; a test adds more (`POST /__sim/vercel/teams`), so a client
//! that reads only the first page is caught.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};

use super::{bad, St, Q};
use crate::errors::json_response;
use crate::state::AppState;

/// A page when `limit` is not given, and the most one page holds.
const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;

/// When the seed's team was made (ms); the teams a test adds are newer.
const SEED_CREATED: i64 = 1_700_000_000_000;

pub(super) async fn get_teams(State(st): St, q: Q) -> Response {
    let limit = match q.0.get("limit").map(|l| l.parse::<f64>()) {
        None => DEFAULT_LIMIT,
        Some(Ok(l)) if l >= 1.0 => (l as usize).min(MAX_LIMIT),
        Some(_) => return bad("limit must be a number of at least 1"),
    };
    let until = match q.0.get("until").map(|u| u.parse::<f64>()) {
        None => None,
        Some(Ok(u)) => Some(u as i64),
        Some(Err(_)) => return bad("until must be a timestamp in milliseconds"),
    };
    let mut teams = st.read(|w| {
        let s = &w.seed;
        let mut all = vec![team(
            &s.vercel_team_id,
            &s.vercel_team_slug,
            &s.vercel_team_name,
            SEED_CREATED,
            &s.vercel_user_id,
        )];
        all.extend(w.vercel.other_teams.iter().cloned());
        all
    });
    teams.sort_by_key(|t| std::cmp::Reverse(created(t)));
    let older: Vec<Value> = teams
        .into_iter()
        .filter(|t| until.is_none_or(|u| created(t) < u))
        .collect();
    let more = older.len() > limit;
    let page: Vec<Value> = older.into_iter().take(limit).collect();
    let next = match (more, page.last()) {
        (true, Some(last)) => json!(created(last)),
        _ => Value::Null,
    };
    let prev = page.first().map_or(Value::Null, |f| json!(created(f)));
    json_response(
        200,
        json!({"teams": page, "pagination": {"count": page.len(), "next": next, "prev": prev}}),
    )
}

fn created(t: &Value) -> i64 {
    t["createdAt"].as_i64().unwrap_or(0)
}

fn team(id: &str, slug: &str, name: &str, created: i64, user: &str) -> Value {
    json!({
        "id": id, "slug": slug, "name": name, "avatar": null, "description": null,
        "stagingPrefix": slug, "createdAt": created, "creatorId": user, "updatedAt": created,
        "membership": {"role": "OWNER", "confirmed": true, "createdAt": created, "created": created,
                       "teamId": id, "uid": user},
    })
}

/// `POST /__sim/vercel/teams` `{"count": n}`: the user joins `n` more teams (each a second
/// newer than the last). `200 {"teams": total}`.
pub async fn admin_add(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let count = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|b| b["count"].as_u64())
        .filter(|n| (1..=1000).contains(n));
    let Some(count) = count else {
        return json_response(400, json!({"error": "give {\"count\": 1..1000}"}));
    };
    let total = st.mutate(|w| {
        let user = w.seed.vercel_user_id.clone();
        for _ in 0..count {
            let n = w.vercel.other_teams.len() + 1;
            let created = SEED_CREATED + n as i64 * 1000;
            let id = format!("team_other{n:06}");
            let slug = format!("other-team-{n}");
            w.vercel
                .other_teams
                .push(team(&id, &slug, &format!("Other Team {n}"), created, &user));
        }
        w.vercel.other_teams.len() + 1
    });
    json_response(200, json!({ "teams": total }))
}
