//! n8n public API v1 (`/n8n/api/v1/...`): workflows. Request bodies are checked the way n8n's
//! express-openapi-validator does (read-only and unknown properties are rejected with 400).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};

use super::json_body;
use crate::errors::{self, json_response};
use crate::state::AppState;
use crate::world::{iso, now_ms, Workflow};

type St = State<Arc<AppState>>;

/// `GET /metrics` (beside the API, no key): n8n's Prometheus metrics when `N8N_METRICS` is on,
/// of which `n8n_version_info` is the one the setup guide reads; 404 when off (the default).
pub async fn metrics(State(st): St) -> Response {
    if !st.cfg.n8n_metrics {
        return axum::response::IntoResponse::into_response((
            axum::http::StatusCode::NOT_FOUND,
            "Cannot GET /metrics",
        ));
    }
    let v = st.cfg.n8n_version.clone();
    let mut parts = v.split('.');
    let mut next = || parts.next().unwrap_or("0").to_string();
    let (major, minor, patch) = (next(), next(), next());
    let body = format!(
        "# HELP n8n_version_info n8n version info.\n# TYPE n8n_version_info gauge\nn8n_version_info{{version=\"v{v}\",major=\"{major}\",minor=\"{minor}\",patch=\"{patch}\"}} 1\n# HELP process_cpu_user_seconds_total Total user CPU time spent in seconds.\n# TYPE process_cpu_user_seconds_total counter\nprocess_cpu_user_seconds_total 0.5\n"
    );
    axum::response::IntoResponse::into_response((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    ))
}

pub fn router(st: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/workflows", post(create).get(list))
        .route(
            "/workflows/{id}",
            get(get_one).delete(delete_one).put(update),
        )
        .route("/workflows/{id}/activate", post(activate))
        .route("/workflows/{id}/deactivate", post(deactivate))
        .route("/workflows/{id}/publish", post(publish))
        .route("/workflows/{id}/unpublish", post(unpublish))
        .route("/executions", get(super::n8n_executions::list))
        .route_layer(middleware::from_fn_with_state(st, auth))
}

async fn auth(State(st): St, req: Request, next: Next) -> Response {
    let key = req
        .headers()
        .get("x-n8n-api-key")
        .and_then(|v| v.to_str().ok());
    if !key.is_some_and(|k| st.accepts(|t| &t.n8n, k)) {
        return errors::n8n(401, "unauthorized");
    }
    next.run(req).await
}

fn not_found() -> Response {
    errors::n8n(404, "Not Found")
}

/// The personal project of the instance's owner, which owns every workflow made through the API
/// (`shared[0]`). Fixed: the simulated instance has one user.
pub const OWNER_PROJECT_ID: &str = "fabrikOwnerProj1";

/// A workflow as the `workflow` schema describes it for a read, and nothing else (the schema has
/// `additionalProperties: false`): `tags` (tag objects; the simulator has none), `shared` (the
/// owner's `sharedWorkflow`) and `activeVersion` (the published version while the workflow is
/// active — every update of an active workflow is re-published, so it is the current version —,
/// `null` otherwise).
fn workflow_json(w: &Workflow) -> Value {
    let active_version = if w.active {
        json!({
            "versionId": w.version_id, "workflowId": w.id,
            "nodes": w.nodes, "connections": w.connections, "authors": "1",
            "createdAt": iso(w.updated_ms), "updatedAt": iso(w.updated_ms),
        })
    } else {
        Value::Null
    };
    json!({
        "id": w.id, "name": w.name, "active": w.active,
        "createdAt": iso(w.created_ms), "updatedAt": iso(w.updated_ms),
        "nodes": w.nodes, "connections": w.connections, "settings": w.settings, "staticData": w.static_data,
        "tags": [],
        "shared": [{
            "role": "workflow:owner", "workflowId": w.id, "projectId": OWNER_PROJECT_ID,
            "project": {"id": OWNER_PROJECT_ID, "name": "Fabrik Agent", "type": "personal"},
            "createdAt": iso(w.created_ms), "updatedAt": iso(w.created_ms),
        }],
        "activeVersion": active_version,
    })
}

/// The `workflow` schema's read-only properties (`readOnly: true` on the property, or on the
/// schema it refers to: `activeVersion`).
const READ_ONLY: &[&str] = &[
    "id",
    "active",
    "createdAt",
    "updatedAt",
    "tags",
    "activeVersion",
];
const WRITABLE: &[&str] = &[
    "name",
    "nodes",
    "connections",
    "settings",
    "staticData",
    "shared",
];

/// Validates a create/update body like the `workflow` schema (additionalProperties: false).
fn validate(b: &Value) -> Result<&Map<String, Value>, Response> {
    let Some(obj) = b.as_object() else {
        return Err(errors::n8n(400, "request/body must be object"));
    };
    for k in obj.keys() {
        if READ_ONLY.contains(&k.as_str()) {
            return Err(errors::n8n(400, &format!("request/body/{k} is read-only")));
        }
    }
    if obj.keys().any(|k| !WRITABLE.contains(&k.as_str())) {
        return Err(errors::n8n(
            400,
            "request/body must NOT have additional properties",
        ));
    }
    for k in ["name", "nodes", "connections", "settings"] {
        if !obj.contains_key(k) {
            return Err(errors::n8n(
                400,
                &format!("request/body must have required property '{k}'"),
            ));
        }
    }
    if !obj["name"].is_string() {
        return Err(errors::n8n(400, "request/body/name must be string"));
    }
    let Some(nodes) = obj["nodes"].as_array() else {
        return Err(errors::n8n(400, "request/body/nodes must be array"));
    };
    for (i, n) in nodes.iter().enumerate() {
        if !n.is_object() {
            return Err(errors::n8n(
                400,
                &format!("request/body/nodes/{i} must be object"),
            ));
        }
    }
    if !obj["connections"].is_object() {
        return Err(errors::n8n(400, "request/body/connections must be object"));
    }
    if !obj["settings"].is_object() {
        return Err(errors::n8n(400, "request/body/settings must be object"));
    }
    Ok(obj)
}

fn parse(body: &Bytes) -> Result<Value, Response> {
    json_body(body)
        .filter(|v| !v.is_null())
        .ok_or_else(|| errors::n8n(400, "Invalid JSON in request body"))
}

async fn create(State(st): St, body: Bytes) -> Response {
    let b = match parse(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let obj = match validate(&b) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let now = now_ms();
    // No uniqueness check on names: n8n happily creates duplicates.
    let wf = st.mutate(|w| {
        let wf = Workflow {
            id: w.ids.n8n_id(),
            name: obj["name"].as_str().unwrap_or_default().to_string(),
            active: false,
            nodes: obj["nodes"].clone(),
            connections: obj["connections"].clone(),
            settings: obj["settings"].clone(),
            static_data: obj.get("staticData").cloned().unwrap_or(Value::Null),
            version_id: w.ids.uuid_v4(),
            created_ms: now,
            updated_ms: now,
        };
        w.n8n.workflows.push(wf.clone());
        wf
    });
    json_response(200, workflow_json(&wf))
}

async fn list(State(st): St, Query(q): Query<HashMap<String, String>>) -> Response {
    let (limit, offset) = match super::n8n_page::page_of(&q) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let active = q.get("active").map(|a| a == "true");
    let all: Vec<Workflow> = st.read(|w| {
        w.n8n
            .workflows
            .iter()
            .filter(|f| q.get("name").is_none_or(|n| &f.name == n))
            .filter(|f| active.is_none_or(|a| f.active == a))
            .cloned()
            .collect()
    });
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(workflow_json)
        .collect();
    let next = super::n8n_page::next_cursor(offset, limit, all.len());
    json_response(200, json!({"data": page, "nextCursor": next}))
}

async fn get_one(State(st): St, Path(id): Path<String>) -> Response {
    match st.read(|w| w.n8n.workflows.iter().find(|f| f.id == id).cloned()) {
        Some(f) => json_response(200, workflow_json(&f)),
        None => not_found(),
    }
}

async fn delete_one(State(st): St, Path(id): Path<String>) -> Response {
    let removed = st.mutate(|w| {
        let i = w.n8n.workflows.iter().position(|f| f.id == id)?;
        Some(w.n8n.workflows.remove(i))
    });
    match removed {
        Some(f) => json_response(200, workflow_json(&f)),
        None => not_found(),
    }
}

async fn update(State(st): St, Path(id): Path<String>, body: Bytes) -> Response {
    let b = match parse(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let obj = match validate(&b) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let now = now_ms();
    let name = obj["name"].as_str().unwrap_or_default().to_string();
    let static_data = obj.get("staticData").cloned().unwrap_or(Value::Null);
    let updated = st.mutate(|w| {
        let i = w.n8n.workflows.iter().position(|f| f.id == id)?;
        let f = &w.n8n.workflows[i];
        let changed = f.name != name
            || f.nodes != obj["nodes"]
            || f.connections != obj["connections"]
            || f.settings != obj["settings"]
            || f.static_data != static_data;
        // A save that changes something is a new version (and, when the workflow is active, is
        // published at once: it stays active); an identical body changes nothing.
        if changed {
            let version = w.ids.uuid_v4();
            let f = &mut w.n8n.workflows[i];
            f.name = name;
            f.nodes = obj["nodes"].clone();
            f.connections = obj["connections"].clone();
            f.settings = obj["settings"].clone();
            f.static_data = static_data;
            f.version_id = version;
            // Strictly later than before, even within the same millisecond.
            f.updated_ms = now.max(f.updated_ms + 1);
        }
        Some(w.n8n.workflows[i].clone())
    });
    match updated {
        Some(f) => json_response(200, workflow_json(&f)),
        None => not_found(),
    }
}

/// A node that can start a workflow: trigger, poller or webhook.
fn is_trigger(node: &Value) -> bool {
    let t = node
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    t.ends_with("trigger")
        || t.contains("trigger")
        || t == "n8n-nodes-base.webhook"
        || t.ends_with(".webhook")
}

/// The webhooks a workflow listens on: (HTTP method, path, node name) of each webhook node.
fn webhooks(nodes: &Value) -> Vec<(String, String, String)> {
    nodes
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| {
            n.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.to_ascii_lowercase().ends_with(".webhook"))
        })
        .map(|n| {
            let p = &n["parameters"];
            (
                p["httpMethod"]
                    .as_str()
                    .unwrap_or("GET")
                    .to_ascii_uppercase(),
                p["path"]
                    .as_str()
                    .unwrap_or("")
                    .trim_matches('/')
                    .to_string(),
                n["name"].as_str().unwrap_or("Webhook").to_string(),
            )
        })
        .collect()
}

enum Activation {
    Missing,
    NoTrigger,
    /// Another active workflow already listens on this node's path and method.
    PathTaken(String),
    Done(Box<crate::world::Workflow>),
}

/// Whether this server is n8n 2 or later, which publishes (`/publish`, `/unpublish`) where
/// n8n 1 activates; n8n 2 still serves `/activate` and `/deactivate`, deprecated.
fn publishes(st: &AppState) -> bool {
    let major = st.cfg.n8n_version.split('.').next();
    major
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m >= 2)
}

/// `POST /workflows/{id}/publish` (n8n 2, `publishWorkflow`): as activating. On n8n 1 the route
/// does not exist.
async fn publish(st: St, id: Path<String>) -> Response {
    if !publishes(&st) {
        return errors::generic(errors::Provider::N8n, 404, None);
    }
    activate(st, id).await
}

/// `POST /workflows/{id}/unpublish` (n8n 2, `unpublishWorkflow`): as deactivating.
async fn unpublish(st: St, id: Path<String>) -> Response {
    if !publishes(&st) {
        return errors::generic(errors::Provider::N8n, 404, None);
    }
    deactivate(st, id).await
}

async fn activate(State(st): St, Path(id): Path<String>) -> Response {
    let now = now_ms();
    let res = st.mutate(|w| {
        let Some(f) = w.n8n.workflows.iter().find(|f| f.id == id) else {
            return Activation::Missing;
        };
        if !f.nodes.as_array().is_some_and(|n| n.iter().any(is_trigger)) {
            return Activation::NoTrigger;
        }
        // As n8n: one active webhook per method and path, across all workflows.
        let taken: Vec<(String, String)> = w
            .n8n
            .workflows
            .iter()
            .filter(|o| o.active && o.id != id)
            .flat_map(|o| webhooks(&o.nodes))
            .map(|(m, p, _)| (m, p))
            .collect();
        if let Some((_, _, node)) = webhooks(&f.nodes)
            .into_iter()
            .find(|(m, p, _)| taken.contains(&(m.clone(), p.clone())))
        {
            return Activation::PathTaken(node);
        }
        let f = w
            .n8n
            .workflows
            .iter_mut()
            .find(|f| f.id == id)
            .expect("found above");
        f.active = true;
        f.updated_ms = now.max(f.updated_ms + 1);
        Activation::Done(Box::new(f.clone()))
    });
    match res {
        Activation::Missing => not_found(),
        Activation::NoTrigger => errors::n8n(
            400,
            "Workflow has no node to start the workflow - at least one trigger, poller or webhook node is required",
        ),
        Activation::PathTaken(node) => errors::n8n(
            409,
            &format!("The URL path that the \"{node}\" node uses is already taken. Please change it to something else."),
        ),
        Activation::Done(f) => json_response(200, workflow_json(&f)),
    }
}

async fn deactivate(State(st): St, Path(id): Path<String>) -> Response {
    let now = now_ms();
    let res = st.mutate(|w| {
        let f = w.n8n.workflows.iter_mut().find(|f| f.id == id)?;
        f.active = false;
        f.updated_ms = now.max(f.updated_ms + 1);
        Some(f.clone())
    });
    match res {
        Some(f) => json_response(200, workflow_json(&f)),
        None => not_found(),
    }
}
