//! n8n's executions (`GET /n8n/api/v1/executions`, spec: getExecutions): each active
//! workflow's scheduled runs of the last `usage::EXECUTION_DAYS` days on the simulator's
//! clock (`usage.rs`), newest first (n8n orders by id), by cursor.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;
use serde_json::{json, Value};

use super::n8n_page::{next_cursor, page_of};
use crate::errors::{self, json_response};
use crate::state::AppState;
use crate::usage::{self, Execution};
use crate::world::iso;

type St = State<Arc<AppState>>;

/// The statuses the list filters by (the `status` parameter's enum).
const STATUSES: [&str; 5] = ["canceled", "error", "running", "success", "waiting"];

fn execution_json(workflow_id: &str, e: &Execution) -> Value {
    json!({
        "id": e.id,
        "finished": !e.failed,
        "mode": "trigger",
        "retryOf": null,
        "retrySuccessId": null,
        "startedAt": iso(e.started_ms),
        "stoppedAt": iso(e.stopped_ms),
        "workflowId": workflow_id,
        "waitTill": null,
        "customData": {},
        "status": if e.failed { "error" } else { "success" },
    })
}

pub async fn list(State(st): St, Query(q): Query<HashMap<String, String>>) -> Response {
    let (limit, offset) = match page_of(&q) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let status = q.get("status").map(String::as_str);
    if let Some(s) = status.filter(|s| !STATUSES.contains(s)) {
        return errors::n8n(
            400,
            &format!("request/query/status must be equal to one of the allowed values: {s}"),
        );
    }
    let mut all: Vec<(String, Execution)> = st.read(|w| {
        let now = usage::now_ms(w);
        let today = usage::day_of(now);
        w.n8n
            .workflows
            .iter()
            .filter(|f| f.active)
            .filter(|f| q.get("workflowId").is_none_or(|id| &f.id == id))
            .flat_map(|f| {
                let profile = usage::profile(w, &f.id);
                (0..usage::EXECUTION_DAYS).flat_map(move |back| {
                    let day = today - chrono::Days::new(back as u64);
                    usage::executions(&f.id, profile, f.created_ms, day, now)
                        .into_iter()
                        .map(|e| (f.id.clone(), e))
                })
            })
            .filter(|(_, e)| match status {
                Some("error") => e.failed,
                Some("success") => !e.failed,
                Some(_) => false,
                None => true,
            })
            .collect()
    });
    all.sort_by(|a, b| b.1.id.cmp(&a.1.id));
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|(wf, e)| execution_json(wf, e))
        .collect();
    let next = next_cursor(offset, limit, all.len());
    json_response(200, json!({"data": page, "nextCursor": next}))
}
