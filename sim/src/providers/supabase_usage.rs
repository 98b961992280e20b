//! What a Supabase project uses (`/supabase/v1/projects/{ref}/…`): its disk
//! (v1-get-disk-utilization), its API requests (v1-get-project-usage-api-count) and its add-ons
//! (v1-list-project-addons), with figures from `usage.rs` on the simulator's day. Behind the
//! Management API's token check and rate limit (`supabase.rs`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};

use crate::errors::{self, json_response};
use crate::faults::FaultOutcome;
use crate::state::AppState;
use crate::usage;
use crate::world::{iso, Profile, Project, World};

type St = State<Arc<AppState>>;

fn find(w: &World, r: &str) -> Option<(Project, Profile, i64)> {
    let p = w.supabase.projects.iter().find(|p| p.r#ref == r)?.clone();
    let profile = usage::profile(w, r);
    Some((p, profile, usage::now_ms(w)))
}

/// `GET …/config/disk/util` (`DiskUtilMetricsResponse`).
pub async fn disk_util(State(st): St, Path(r): Path<String>) -> Response {
    let Some((p, profile, now)) = st.read(|w| find(w, &r)) else {
        return errors::supabase_project_not_found();
    };
    let (size, used) = usage::disk(&r, profile, p.created_ms, usage::day_of(now));
    json_response(
        200,
        json!({
            "timestamp": iso(now),
            "metrics": {"fs_size_bytes": size, "fs_avail_bytes": size - used, "fs_used_bytes": used},
        }),
    )
}

/// The intervals the spec's enum allows, and how many daily buckets each answers (the
/// simulator counts by day, each bucket the whole day's figure; a shorter interval answers
/// today's bucket alone).
const INTERVALS: [(&str, i64); 7] = [
    ("15min", 1),
    ("30min", 1),
    ("1hr", 1),
    ("3hr", 1),
    ("1day", 1),
    ("3day", 3),
    ("7day", 7),
];

/// `GET …/analytics/endpoints/usage.api-counts?interval=` (`V1GetUsageApiCountResponse`): one
/// bucket a day, oldest first, the simulator's day last. The fault outcome `ANALYTICS_ERROR`
/// answers as Supabase's analytics backend does when it fails: 200 with an `error`.
pub async fn api_counts(
    State(st): St,
    Path(r): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    outcome: Option<Extension<FaultOutcome>>,
) -> Response {
    let interval = q.get("interval").map_or("1day", String::as_str);
    let Some((_, days)) = INTERVALS.iter().find(|(i, _)| *i == interval) else {
        let names: Vec<&str> = INTERVALS.iter().map(|(i, _)| *i).collect();
        return errors::supabase(
            400,
            &format!(
                "interval must be one of the following values: {}",
                names.join(", ")
            ),
        );
    };
    let Some((p, profile, now)) = st.read(|w| find(w, &r)) else {
        return errors::supabase_project_not_found();
    };
    if outcome.is_some_and(|Extension(FaultOutcome(o))| o == "ANALYTICS_ERROR") {
        return json_response(
            200,
            json!({"error": {
                "code": 500,
                "errors": [{"domain": "global", "location": "q", "locationType": "parameter",
                            "message": "Query exceeded resource limits", "reason": "resourcesExceeded"}],
                "message": "Query exceeded resource limits",
                "status": "INTERNAL",
            }}),
        );
    }
    let today = usage::day_of(now);
    let result: Vec<Value> = (0..*days)
        .rev()
        .map(|back| {
            let day = today - chrono::Days::new(back as u64);
            let [rest, auth, storage, realtime] =
                usage::api_requests(&r, profile, p.created_ms, day);
            json!({
                "timestamp": iso(usage::day_start_ms(day)),
                "total_rest_requests": rest,
                "total_auth_requests": auth,
                "total_storage_requests": storage,
                "total_realtime_requests": realtime,
            })
        })
        .collect();
    json_response(200, json!({ "result": result }))
}

/// A compute size as the add-on listing names and prices it (hourly, USD).
fn compute_variant(id: &str) -> Value {
    let (name, hourly) = match id {
        "ci_small" => ("Small", 0.0206),
        "ci_medium" => ("Medium", 0.0822),
        _ => ("Micro", 0.01344),
    };
    json!({"id": id, "name": name, "price": {
        "description": format!("${hourly}/hour"), "type": "usage", "interval": "hourly", "amount": hourly,
    }})
}

/// `GET …/billing/addons` (`ListProjectAddonsResponse`): the compute size it runs on, and the
/// sizes it could. A project on the free plan runs on Nano compute, which is no add-on: none is
/// selected (the sizes need a paid plan; `/__sim/supabase/projects/{ref}/plan` makes it `pro`).
pub async fn addons(State(st): St, Path(r): Path<String>) -> Response {
    let Some((p, profile, _)) = st.read(|w| find(w, &r)) else {
        return errors::supabase_project_not_found();
    };
    let selected: Vec<Value> = match p.recovery.on_paid_plan() {
        true => {
            let size = usage::compute(&r, profile);
            vec![json!({"type": "compute_instance", "variant": compute_variant(size)})]
        }
        false => Vec::new(),
    };
    let sizes = ["ci_micro", "ci_small", "ci_medium"].map(compute_variant);
    json_response(
        200,
        json!({
            "selected_addons": selected,
            "available_addons": [{
                "type": "compute_instance",
                "name": "Compute Instance",
                "variants": sizes,
            }],
        }),
    )
}
