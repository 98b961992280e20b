//! A project's read-only mode (`/supabase/v1/projects/{ref}/readonly…`): Supabase locks a
//! database past its plan's size ("Database size › Free Plan behavior"); v1-get-readonly-mode-status
//! says whether it is locked and v1-disable-readonly-mode-temporarily lifts the lock for 15
//! minutes so space can be freed. The lock itself is `usage::over_free_limit`; queries run under
//! it in `supabase.rs` (`Access::Locked`). Behind the Management API's token check and limit.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::errors::{self, json_response};
use crate::state::AppState;
use crate::usage;
use crate::world::{iso, now_ms, Project, World};

type St = State<Arc<AppState>>;

/// How long `temporary-disable` lifts the lock (the operation's summary: "for the next 15
/// minutes").
pub const OVERRIDE_MS: i64 = 15 * 60 * 1000;

/// Whether the project's queries are locked read-only now: past its plan's size, and the lock
/// not lifted for the moment.
pub fn locked(w: &World, p: &Project, now: i64) -> bool {
    usage::over_free_limit(w, p) && !overridden(p, now)
}

fn overridden(p: &Project, now: i64) -> bool {
    p.read_only_override_until_ms
        .is_some_and(|until| now < until)
}

/// `GET …/readonly` (`ReadOnlyStatusResponse`; all three fields required).
pub async fn status(State(st): St, Path(r): Path<String>) -> Response {
    let now = now_ms();
    let answer = st.read(|w| {
        let p = w.supabase.projects.iter().find(|p| p.r#ref == r)?;
        Some(json!({
            "enabled": usage::over_free_limit(w, p),
            "override_enabled": overridden(p, now),
            "override_active_until": p.read_only_override_until_ms.map(iso).unwrap_or_default(),
        }))
    });
    match answer {
        Some(v) => json_response(200, v),
        None => errors::supabase_project_not_found(),
    }
}

/// `POST …/readonly/temporary-disable`: 201 without a body, the lock lifted for 15 minutes.
pub async fn temporary_disable(State(st): St, Path(r): Path<String>) -> Response {
    let now = now_ms();
    let found = st.mutate(|w| {
        let p = w.supabase.projects.iter_mut().find(|p| p.r#ref == r)?;
        p.read_only_override_until_ms = Some(now + OVERRIDE_MS);
        Some(())
    });
    match found {
        Some(()) => axum::http::StatusCode::CREATED.into_response(),
        None => errors::supabase_project_not_found(),
    }
}
