//! The axum application: provider routers under their prefixes, the `/__sim` admin API, and the
//! request-log and fault-injection middleware around everything.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use serde_json::Value;

use crate::errors::{self, Provider};
use crate::faults::{FaultAction, FaultOutcome};
use crate::providers;
use crate::requestlog::{mask, mask_query, LogEntry};
use crate::state::{lock, AppState};
use crate::world::{iso, now_ms};

/// Marks a response whose connection is dropped (logged with status 0).
#[derive(Clone, Copy)]
struct Dropped;

pub fn router(st: Arc<AppState>) -> Router {
    Router::new()
        .nest("/supabase", providers::supabase::router(st.clone()))
        .merge(providers::supabase_auth::router(st.clone()))
        .merge(providers::supabase_auth_mail::router(st.clone()))
        .merge(providers::supabase_data::router(st.clone()))
        .merge(providers::supabase_storage::router(st.clone()))
        // The Git database routes sit under the same token check and limits as the rest.
        .nest("/github", providers::github::router(st.clone()))
        // Git's own protocol for the same repositories, with git's own authentication.
        .nest("/github-git", providers::github::smart_http::router())
        .nest("/vercel", providers::vercel::router(st.clone()))
        // The sites Vercel serves, as an anonymous visitor sees them (no token).
        .route(
            "/vercel-site/{host}",
            axum::routing::get(providers::vercel::site),
        )
        .route(
            "/vercel-site/{host}/{*rest}",
            axum::routing::get(providers::vercel::site),
        )
        .nest("/n8n/api/v1", providers::n8n::router(st.clone()))
        .route("/n8n/metrics", axum::routing::get(providers::n8n::metrics))
        .nest("/resend", providers::resend::router(st.clone()))
        .nest("/gitea/api/v1", providers::gitea::router(st.clone()))
        .nest("/stripe", providers::stripe::router(st.clone()))
        .nest("/__sim", crate::admin::router())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(st.clone(), faults))
        .layer(middleware::from_fn_with_state(st.clone(), log))
        .with_state(st)
}

async fn not_found(req: Request) -> Response {
    match Provider::of_path(req.uri().path()) {
        Some(Provider::Github) => errors::github(404, "Not Found", errors::GITHUB_DOCS),
        Some(Provider::Gitea) => errors::gitea_not_found(),
        Some(p) => errors::generic(p, 404, None),
        None => errors::json_response(404, serde_json::json!({"message": "Not Found"})),
    }
}

fn is_admin(path: &str) -> bool {
    path.starts_with("/__sim")
}

/// Records every provider request (body masked) and the status returned.
async fn log(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if is_admin(&path) {
        return next.run(req).await;
    }
    let started = Instant::now();
    let method = req.method().to_string();
    let query = req.uri().query().map(mask_query);
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, 32 << 20).await {
        Ok(b) => b,
        Err(_) => {
            return errors::json_response(
                413,
                serde_json::json!({"message": "Request body too large"}),
            )
        }
    };
    let logged = serde_json::from_slice::<Value>(&bytes)
        .map(|v| mask(&v))
        .unwrap_or(Value::Null);
    let resp = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = if resp.extensions().get::<Dropped>().is_some() {
        0
    } else {
        resp.status().as_u16()
    };
    lock(&st.log).push(LogEntry {
        seq: 0,
        at: iso(now_ms()),
        method,
        path,
        query,
        body: logged,
        status,
        duration_ms: started.elapsed().as_millis() as u64,
    });
    resp
}

/// Applies the first matching injected fault.
async fn faults(State(st): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if is_admin(&path) {
        return next.run(req).await;
    }
    let action = lock(&st.faults).check(req.method().as_str(), &path);
    match action {
        None => next.run(req).await,
        Some(FaultAction::Delay(ms)) => {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            next.run(req).await
        }
        Some(FaultAction::Status {
            status,
            retry_after,
        }) => {
            let provider = Provider::of_path(&path).unwrap_or(Provider::Supabase);
            errors::generic(provider, status, retry_after)
        }
        Some(FaultAction::Drop) => dropped_connection(),
        Some(FaultAction::LoseAnswer) => {
            let _carried_out = next.run(req).await;
            dropped_connection()
        }
        Some(FaultAction::Outcome(o)) => {
            req.extensions_mut().insert(FaultOutcome(o));
            next.run(req).await
        }
    }
}

/// A response whose body fails at once: hyper then aborts the connection before a complete
/// response is written, so the client sees a connection error.
fn dropped_connection() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("fault: drop"))
    });
    let mut r = Response::new(Body::from_stream(stream));
    r.extensions_mut().insert(Dropped);
    r
}
