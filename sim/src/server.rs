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

use crate::contract_record;
use crate::errors::{self, Provider};
use crate::faults::{FaultAction, FaultOutcome};
use crate::providers;
use crate::requestlog::{mask, mask_query, mask_shaped, LogEntry};
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
    let parsed = serde_json::from_slice::<Value>(&bytes).ok();
    let bytes_len = bytes.len();
    let logged = parsed.as_ref().map_or(Value::Null, mask);
    let recording = contract_record::enabled();
    // For the contract check: the request masked keeping its shape, and a form body.
    let request = recording.then(|| parsed.as_ref().map_or(Value::Null, mask_shaped));
    let form = recording.then(|| form_of(&parts.headers, &bytes)).flatten();
    let probe = parts.headers.contains_key(contract_record::PROBE_HEADER);
    let by_fabrik = contract_record::by_fabrik(
        parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok()),
    );
    let mut resp = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = if resp.extensions().get::<Dropped>().is_some() {
        0
    } else {
        resp.status().as_u16()
    };
    if let (Some(request), true) = (request, status != 0) {
        let (answer, unread);
        (resp, answer, unread) = read_answer(resp).await;
        contract_record::record(&contract_record::Exchange {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            request,
            form,
            status,
            answer,
            answer_unread: unread,
            probe,
            by_fabrik,
        });
    }
    lock(&st.log).push(LogEntry {
        seq: 0,
        at: iso(now_ms()),
        method,
        path,
        query,
        body: logged,
        status,
        duration_ms: started.elapsed().as_millis() as u64,
        body_bytes: bytes_len,
    });
    resp
}

/// A form body (Stripe's requests), its secret-looking fields masked.
fn form_of(headers: &axum::http::HeaderMap, bytes: &Bytes) -> Option<String> {
    let form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    form.then(|| mask_query(&String::from_utf8_lossy(bytes)))
}

/// The answer's JSON for the contract check, and the answer again to send: read whole only
/// when it says it is JSON and is within [`contract_record::MAX_ANSWER`].
async fn read_answer(resp: Response) -> (Response, Value, bool) {
    let json = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("json"));
    let small = resp
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_none_or(|n| n <= contract_record::MAX_ANSWER);
    if !json || !small {
        let empty = resp
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .is_some_and(|v| v == "0");
        return (resp, Value::Null, !empty);
    }
    let (parts, body) = resp.into_parts();
    // Read whole whatever its size (a body that fails to read is sent as one that fails), and
    // kept only within the limit.
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            let answer = (bytes.len() <= contract_record::MAX_ANSWER)
                .then(|| {
                    serde_json::from_slice::<Value>(&bytes)
                        .ok()
                        .map(|v| mask_shaped(&v))
                })
                .flatten();
            let unread = answer.is_none() && !bytes.is_empty();
            (
                Response::from_parts(parts, Body::from(bytes)),
                answer.unwrap_or(Value::Null),
                unread,
            )
        }
        Err(e) => {
            let stream = futures_util::stream::once(async move {
                Err::<Bytes, std::io::Error>(std::io::Error::other(e.to_string()))
            });
            (
                Response::from_parts(parts, Body::from_stream(stream)),
                Value::Null,
                true,
            )
        }
    }
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
