//! `/__sim/clock` and `/__sim/usage/profile`: the simulator's own day, which the usage figures
//! follow (`usage.rs`), and how a resource is used. Apart from the Stripe clock
//! (`/__sim/stripe/clock`), which moves Stripe's timestamps only.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};

use crate::errors::json_response;
use crate::state::AppState;
use crate::usage;
use crate::world::{Profile, World};

type St = State<Arc<AppState>>;

fn answer(w: &World) -> Value {
    json!({
        "today": usage::today(w).to_string(),
        "now_ms": usage::now_ms(w),
        "offset_days": w.clock_offset_days,
    })
}

/// `GET /__sim/clock` → `{"today", "now_ms", "offset_days"}`.
pub async fn get_clock(State(st): St) -> Response {
    json_response(200, st.read(answer))
}

/// `POST /__sim/clock` `{"advance_days": n}` (n ≥ 0: the clock moves forward only).
pub async fn advance(State(st): St, body: Bytes) -> Response {
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(days) = v["advance_days"]
        .as_i64()
        .filter(|d| (0..=3650).contains(d))
    else {
        return json_response(
            400,
            json!({"error": "advance_days must be a whole number of days from 0 to 3650"}),
        );
    };
    json_response(
        200,
        st.mutate(|w| {
            w.clock_offset_days += days;
            // The days that passed may pause a free project nobody uses (`idle.rs`).
            crate::idle::pause_unused(w, crate::world::now_ms());
            answer(w)
        }),
    )
}

/// `POST /__sim/usage/profile` `{"id": ref or workflow id, "profile": "normal"|"idle"|"busy"|"near_limit"}`.
pub async fn set_profile(State(st): St, body: Bytes) -> Response {
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (Some(id), Some(profile)) = (
        v["id"].as_str().filter(|s| !s.is_empty()),
        v["profile"].as_str().and_then(Profile::parse),
    ) else {
        return json_response(
            400,
            json!({"error": "id and profile (normal, idle, busy, near_limit) are required"}),
        );
    };
    st.mutate(|w| w.usage_profiles.insert(id.to_string(), profile));
    json_response(200, json!({"id": id, "profile": profile}))
}
