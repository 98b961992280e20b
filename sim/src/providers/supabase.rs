//! Supabase Management API v1 (`/supabase/v1/...`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde_json::{json, Value};

use super::supabase_keys::make_keys;
use super::supabase_orgs::{available_regions, get_org, list_orgs, org_projects};
use super::{bearer, json_body};
use crate::errors::{self, json_response, with_header};
use crate::faults::FaultOutcome;
use crate::sqlexec::Access;
use crate::state::{lock, AppState};
use crate::world::{iso, now_ms, Phase, Project, World};

type St = State<Arc<AppState>>;

pub fn router(st: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/organizations", get(list_orgs))
        .route("/v1/organizations/{slug}", get(get_org))
        .route("/v1/organizations/{slug}/projects", get(org_projects))
        .route("/v1/projects", get(list_projects).post(create_project))
        .route("/v1/projects/available-regions", get(available_regions))
        .route(
            "/v1/projects/{ref}",
            get(get_project).delete(delete_project),
        )
        .route("/v1/projects/{ref}/api-keys", get(api_keys))
        .route("/v1/projects/{ref}/database/query", post(run_query))
        .route("/v1/projects/{ref}/pause", post(pause))
        .route("/v1/projects/{ref}/restore", post(restore))
        .route("/v1/projects/{ref}/health", get(health))
        .route(
            "/v1/projects/{ref}/config/disk/util",
            get(super::supabase_usage::disk_util),
        )
        .route(
            "/v1/projects/{ref}/analytics/endpoints/usage.api-counts",
            get(super::supabase_usage::api_counts),
        )
        .route(
            "/v1/projects/{ref}/billing/addons",
            get(super::supabase_usage::addons),
        )
        .route(
            "/v1/projects/{ref}/config/auth",
            get(super::supabase_auth_config::get_config)
                .patch(super::supabase_auth_config::update_config),
        )
        .route(
            "/v1/projects/{ref}/database/backups",
            get(super::supabase_backups::list),
        )
        .route(
            "/v1/projects/{ref}/database/backups/restore-pitr",
            post(super::supabase_backups::restore_pitr),
        )
        .route(
            "/v1/projects/{ref}/database/backups/restore",
            post(super::supabase_backups::restore_physical),
        )
        .route(
            "/v1/projects/{ref}/database/backups/restore-point",
            get(super::supabase_backups::get_restore_point)
                .post(super::supabase_backups::create_restore_point),
        )
        .route(
            "/v1/projects/{ref}/database/backups/schedule",
            get(super::supabase_backups::schedule),
        )
        .route(
            "/v1/projects/{ref}/readonly",
            get(super::supabase_readonly::status),
        )
        .route(
            "/v1/projects/{ref}/readonly/temporary-disable",
            post(super::supabase_readonly::temporary_disable),
        )
        .merge(super::supabase_claim::routes())
        .route_layer(middleware::from_fn_with_state(st, auth_and_limit))
}

/// Token check and the 120/min per scope+endpoint limit, with `X-RateLimit-*` on every answer.
async fn auth_and_limit(State(st): St, req: Request, next: Next) -> Response {
    let token = bearer(req.headers());
    if !token
        .as_ref()
        .is_some_and(|t| st.accepts(|x| &x.supabase, t))
    {
        return errors::supabase(401, "Unauthorized");
    }
    let token = token.unwrap_or_default();
    let endpoint = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    let segs: Vec<String> = req.uri().path().split('/').map(str::to_string).collect();
    // [.., "v1", "projects"|"organizations", id, ...]; a nested router may or may not have
    // stripped the "/supabase" prefix, so find "v1" rather than count from the start.
    let v1 = segs.iter().position(|s| s == "v1").unwrap_or(0);
    let mut scope = match (segs.get(v1 + 1).map(String::as_str), segs.get(v1 + 2)) {
        (Some("projects"), Some(r)) if r != "available-regions" => format!("project:{r}"),
        (Some("organizations"), Some(slug)) => format!("org:{slug}"),
        _ => format!("user:{token}"),
    };
    let method = req.method().clone();
    let req = if method == axum::http::Method::POST && endpoint.ends_with("/v1/projects") {
        // Project creation is scoped by the organization named in the body.
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20)
            .await
            .unwrap_or_default();
        if let Some(slug) = json_body(&bytes).and_then(|v| {
            v.get("organization_slug")
                .and_then(Value::as_str)
                .map(str::to_string)
        }) {
            scope = format!("org:{slug}");
        }
        Request::from_parts(parts, Body::from(bytes))
    } else {
        req
    };
    let now = now_ms();
    // A free project nobody used for a week is paused before anyone reads it (`idle.rs`).
    if st.read(|w| crate::idle::any_due(w, now)) {
        st.mutate(|w| crate::idle::pause_unused(w, now));
    }
    let key = format!("supabase|{scope}|{method} {endpoint}");
    let info = lock(&st.limiter).hit(
        &key,
        st.rate_limits().supabase_per_minute,
        60_000,
        now,
        true,
    );
    let resp = if info.allowed {
        next.run(req).await
    } else {
        errors::supabase(429, "Too many requests")
    };
    let resp = with_header(resp, "x-ratelimit-limit", info.limit.to_string());
    let resp = with_header(resp, "x-ratelimit-remaining", info.remaining.to_string());
    with_header(
        resp,
        "x-ratelimit-reset",
        info.reset_in_secs(now).to_string(),
    )
}

pub fn not_found() -> Response {
    errors::supabase_project_not_found()
}

fn project_json(p: &Project, now: i64, with_db: bool) -> Value {
    let mut v = json!({
        "id": p.r#ref,
        "ref": p.r#ref,
        "organization_id": p.org_slug,
        "organization_slug": p.org_slug,
        "name": p.name,
        "region": p.region,
        "created_at": iso(p.created_ms),
        "status": p.status(now),
    });
    if with_db {
        v["database"] = json!({
            "host": format!("db.{}.supabase.co", p.r#ref),
            "version": "17.6.1.111",
            "postgres_engine": "17",
            "release_channel": "ga",
        });
    }
    v
}

async fn list_projects(State(st): St) -> Response {
    let now = now_ms();
    let list: Vec<Value> = st.read(|w| {
        w.supabase
            .projects
            .iter()
            .map(|p| project_json(p, now, true))
            .collect()
    });
    json_response(200, Value::Array(list))
}

const CREATE_FIELDS: &[&str] = &[
    "db_pass",
    "name",
    "organization_id",
    "organization_slug",
    "plan",
    "region",
    "region_selection",
    "kps_enabled",
    "desired_instance_size",
    "template_url",
];

async fn create_project(
    State(st): St,
    outcome: Option<Extension<FaultOutcome>>,
    body: Bytes,
) -> Response {
    let Some(Value::Object(b)) = json_body(&body) else {
        return errors::supabase(400, "Invalid request body: expected a JSON object");
    };
    if let Some(extra) = b.keys().find(|k| !CREATE_FIELDS.contains(&k.as_str())) {
        return errors::supabase(400, &format!("property {extra} should not exist"));
    }
    let name = match b.get("name").and_then(Value::as_str) {
        Some(n) if !n.trim().is_empty() && n.chars().count() <= 256 => n.to_string(),
        Some(_) => return errors::supabase(400, "name must be between 1 and 256 characters"),
        None => return errors::supabase(400, "name should not be empty"),
    };
    if b.get("db_pass")
        .and_then(Value::as_str)
        .is_none_or(|p| p.is_empty())
    {
        return errors::supabase(400, "db_pass should not be empty");
    }
    if b.contains_key("region") && b.contains_key("region_selection") {
        return errors::supabase(
            400,
            "Only one of region or region_selection can be specified",
        );
    }
    let region = b
        .get("region")
        .and_then(Value::as_str)
        .or_else(|| {
            b.get("region_selection")
                .and_then(|r| r.get("code"))
                .and_then(Value::as_str)
        })
        .unwrap_or("us-east-1")
        .to_string();
    let org_key = b
        .get("organization_slug")
        .or_else(|| b.get("organization_id"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let Some(org_key) = org_key else {
        return errors::supabase(400, "organization_slug should not be empty");
    };
    let fail = outcome.is_some_and(|Extension(FaultOutcome(o))| o == "INIT_FAILED");
    let startup = AppState::ms(st.timings.supabase_startup);
    let now = now_ms();
    let created = st.mutate(|w| {
        let org_slug = w
            .supabase
            .orgs
            .iter()
            .find(|o| o.slug == org_key || o.id == org_key)
            .map(|o| o.slug.clone())?;
        let r = w.ids.supabase_ref();
        let numeric_id = w.ids.number() as i64 % 1_000_000;
        let keys = make_keys(&mut w.ids, &r, now);
        let p = Project {
            numeric_id,
            r#ref: r,
            name,
            org_slug,
            region,
            created_ms: now,
            phase: Phase::Creating { fail },
            phase_since_ms: now,
            phase_duration_ms: startup,
            keys,
            auth_users: vec![],
            tables: vec![],
            history: vec![],
            recovery: Default::default(),
            auth_config: Default::default(),
            auth_mail: vec![],
            ready_ms: Some(crate::usage::now_ms(w)),
            read_only_override_until_ms: None,
        };
        w.supabase.projects.push(p.clone());
        Some(p)
    });
    match created {
        Some(p) => {
            let mut v = project_json(&p, now, false);
            // The recorded create answer says UNKNOWN even though nothing has happened yet.
            v["status"] = json!("UNKNOWN");
            json_response(201, v)
        }
        None => errors::supabase(404, &format!("Organization {org_key} not found")),
    }
}

fn find(w: &World, r: &str) -> Option<Project> {
    w.supabase.projects.iter().find(|p| p.r#ref == r).cloned()
}

async fn get_project(State(st): St, Path(r): Path<String>) -> Response {
    match st.read(|w| find(w, &r)) {
        Some(p) => json_response(200, project_json(&p, now_ms(), true)),
        None => not_found(),
    }
}

async fn delete_project(State(st): St, Path(r): Path<String>) -> Response {
    let now = now_ms();
    let Some(p) = st.read(|w| find(w, &r)) else {
        return not_found();
    };
    if matches!(p.status(now), "UNKNOWN" | "COMING_UP") {
        return errors::supabase(400, "Project not ready for deletion.");
    }
    if let Some(pg) = &st.pg {
        let db = pg.db_name(&st.read(|w| w.instance.clone()), &r);
        if let Err(e) = pg.drop_db(&db).await {
            tracing::warn!("fabrik-sim: cannot drop database {db}: {e}");
        }
        for snap in super::supabase_backups::snapshot_dbs(&p) {
            if let Err(e) = pg.drop_db(&snap).await {
                tracing::warn!("fabrik-sim: cannot drop snapshot {snap}: {e}");
            }
        }
    }
    // The project disappears at once (404 afterwards): the real GOING_DOWN/REMOVED window is not confirmed.
    st.mutate(|w| {
        w.supabase.projects.retain(|x| x.r#ref != r);
        w.storage.remove(&r);
    });
    json_response(
        200,
        json!({"id": p.numeric_id, "ref": p.r#ref, "name": p.name, "slug": p.r#ref}),
    )
}

async fn api_keys(
    State(st): St,
    Path(r): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let now = now_ms();
    let Some(p) = st.read(|w| find(w, &r)) else {
        return not_found();
    };
    let flaky = AppState::ms(st.timings.supabase_api_keys_flaky);
    match p.healthy_since(now) {
        Some(since) if now - since >= flaky => {}
        _ => {
            return errors::supabase(
                400,
                "Failed to retrieve API keys: the project is not ready yet.",
            )
        }
    }
    let reveal = q.get("reveal").is_some_and(|v| v == "true");
    let k = &p.keys;
    let secret = if reveal {
        k.secret.clone()
    } else {
        format!("{}{}", &k.secret[..14], "·".repeat(k.secret.len() - 14))
    };
    let at = iso(k.created_ms);
    json_response(
        200,
        json!([
            {"name": "anon", "api_key": k.anon, "id": "anon", "type": "legacy", "hash": k.hashes[0], "prefix": &k.anon[..5], "description": "Legacy anon API key"},
            {"name": "service_role", "api_key": k.service_role, "id": "service_role", "type": "legacy", "hash": k.hashes[1], "prefix": &k.service_role[..5], "description": "Legacy service_role API key"},
            {"id": k.publishable_id, "name": "default", "type": "publishable", "api_key": k.publishable, "description": null, "secret_jwt_template": null, "hash": k.hashes[2], "prefix": &k.publishable[..19], "inserted_at": at, "updated_at": at},
            {"id": k.secret_id, "name": "default", "type": "secret", "api_key": secret, "description": null, "secret_jwt_template": {"role": "service_role"}, "hash": k.hashes[3], "prefix": &k.secret[..14], "inserted_at": at, "updated_at": at}
        ]),
    )
}

async fn pause(State(st): St, Path(r): Path<String>) -> Response {
    let now = now_ms();
    let dur = AppState::ms(st.timings.supabase_pause);
    let res = st.mutate(|w| {
        let p = w.supabase.projects.iter_mut().find(|p| p.r#ref == r)?;
        let status = p.status(now);
        if status != "ACTIVE_HEALTHY" {
            return Some(Err(status));
        }
        p.phase = Phase::Pausing;
        p.phase_since_ms = now;
        p.phase_duration_ms = dur;
        Some(Ok(()))
    });
    match res {
        None => not_found(),
        Some(Err(status)) => errors::supabase(
            400,
            &format!("Project cannot be paused while it is {status}."),
        ),
        Some(Ok(())) => axum::http::StatusCode::OK.into_response(),
    }
}

async fn restore(State(st): St, Path(r): Path<String>) -> Response {
    let now = now_ms();
    let dur = AppState::ms(st.timings.supabase_restore);
    let res = st.mutate(|w| {
        let sim_now = crate::usage::now_ms(w);
        let p = w.supabase.projects.iter_mut().find(|p| p.r#ref == r)?;
        let status = p.status(now);
        if status != "INACTIVE" {
            return Some(Err(status));
        }
        p.phase = Phase::Restoring;
        p.phase_since_ms = now;
        p.phase_duration_ms = dur;
        // Its days without use begin again (`idle.rs`).
        p.ready_ms = Some(sim_now);
        Some(Ok(()))
    });
    match res {
        None => not_found(),
        Some(Err(status)) => {
            errors::supabase(400, &format!("This project is no longer in a paused state, it is {status}. Please refresh the page."))
        }
        Some(Ok(())) => axum::http::StatusCode::OK.into_response(),
    }
}

/// The services `GET …/health` knows (spec: v1-get-services-health, `services` enum).
const SERVICES: [&str; 8] = [
    "auth",
    "db",
    "db_postgres_user",
    "pooler",
    "realtime",
    "rest",
    "storage",
    "pg_bouncer",
];

async fn health(
    State(st): St,
    Path(r): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
    outcome: Option<Extension<FaultOutcome>>,
) -> Response {
    let now = now_ms();
    let Some(p) = st.read(|w| find(w, &r)) else {
        return not_found();
    };
    let services: Vec<String> = q
        .iter()
        .filter(|(k, _)| k == "services")
        .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_string()))
        .collect();
    if services.is_empty() {
        return errors::supabase(400, "services should not be empty");
    }
    // The spec's enum: an unknown name is a 400, as the real API validates it.
    if let Some(bad) = services.iter().find(|s| !SERVICES.contains(&s.as_str())) {
        return errors::supabase(
            400,
            &format!("services must be one of {}: {bad}", SERVICES.join(", ")),
        );
    }
    let up = p.status(now) == "ACTIVE_HEALTHY";
    let sick = outcome.is_some_and(|Extension(FaultOutcome(o))| o == "UNHEALTHY");
    let list: Vec<Value> = services
        .iter()
        .enumerate()
        .map(|(i, s)| match (up, sick && i == 0) {
            (true, true) => json!({"name": s, "healthy": false, "status": "UNHEALTHY", "error": "connection refused"}),
            (true, false) => json!({"name": s, "healthy": true, "status": "ACTIVE_HEALTHY"}),
            (false, _) => json!({"name": s, "healthy": false, "status": "COMING_UP"}),
        })
        .collect();
    json_response(200, Value::Array(list))
}

async fn run_query(State(st): St, Path(r): Path<String>, body: Bytes) -> Response {
    let Some(Value::Object(mut b)) = json_body(&body) else {
        return errors::supabase(400, "Invalid request body: expected a JSON object");
    };
    let Some(query) = b.get("query").and_then(Value::as_str).map(str::to_string) else {
        return errors::supabase(400, "query must be a string");
    };
    // Taken, not copied: a restore's parameter is a part of its script, up to 2 MB.
    let params: Vec<Value> = match b.remove("parameters") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a,
        Some(_) => return errors::supabase(400, "parameters must be an array"),
    };
    let read_only = b.get("read_only").and_then(Value::as_bool).unwrap_or(false);
    let now = now_ms();
    let Some(p) = st.read(|w| find(w, &r)) else {
        return not_found();
    };
    if p.status(now) != "ACTIVE_HEALTHY" {
        return errors::supabase(
            400,
            &format!("Project is not active: it is {}.", p.status(now)),
        );
    }
    // A free project past its plan's 500 MB is locked read-only (`supabase_readonly.rs`).
    let locked = st.read(|w| super::supabase_readonly::locked(w, &p, now));
    let access = match (read_only, locked) {
        (true, _) => Access::Read,
        (false, true) => Access::Locked,
        (false, false) => Access::Write,
    };
    // A usage profile a test set (`/__sim/usage/profile`) says how big the project is. On a
    // real PostgreSQL the database still answers first (a dropped `storage` schema is still a
    // 42P01); the profile's growth is then added to the sizes it covers (`usage::overlay`).
    let profiled = st.read(|w| {
        w.usage_profiles
            .contains_key(&r)
            .then(|| crate::usage::answer_sql(w, &r, &query))
            .flatten()
    });
    let result = match &st.pg {
        Some(pg) => {
            let db = pg.db_name(&st.read(|w| w.instance.clone()), &r);
            let real = pg.run(&db, &query, &params, access).await;
            match (real, profiled) {
                (Ok(rows), Some(figures)) => Ok(crate::usage::overlay(rows, &figures)),
                (real, _) => real,
            }
        }
        None => st.mutate(|w| {
            if let Some(rows) = crate::usage::answer_sql(w, &r, &query) {
                return Ok(rows);
            }
            let Some(p) = w.supabase.projects.iter_mut().find(|p| p.r#ref == r) else {
                return Err("ERROR: 3D000: project database does not exist".to_string());
            };
            let read_only = access != Access::Write;
            crate::sqlparse::run(&mut p.tables, &mut p.history, &query, &params, read_only)
        }),
    };
    match result {
        Ok(rows) => json_response(201, rows),
        Err(msg) => errors::supabase(400, &format!("Failed to run sql query: {msg}")),
    }
}
