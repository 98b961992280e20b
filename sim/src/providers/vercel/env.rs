//! A Vercel project's environment variables (`/v10/projects/{id}/env` and `/v9/.../env/{id}`):
//! creating (one or many, `upsert`), listing (encrypted unless `decrypt`), editing and removing,
//! validated as Vercel does.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Extension;
use base64::Engine;
use serde_json::{json, Value};

use super::bad;
use super::{find_project, not_found, scope};
use crate::errors::json_response;
use crate::faults::FaultOutcome;
use crate::providers::json_body;
use crate::state::AppState;
use crate::world::{now_ms, EnvVar, World};

type St = State<Arc<AppState>>;
type Q = Query<HashMap<String, String>>;

pub(super) fn ciphertext(id: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{{\"v\":\"v2\",\"env\":\"{id}\"}}"))
}

pub(super) fn env_json(e: &EnvVar, user_id: &str, decrypt: bool) -> Value {
    let mut v = json!({
        "type": e.kind, "id": e.id, "key": e.key, "target": e.target, "configurationId": null,
        "createdAt": e.created_ms, "updatedAt": e.updated_ms, "createdBy": user_id, "updatedBy": null,
        "decrypted": decrypt && e.kind == "encrypted",
    });
    match e.kind.as_str() {
        // Sensitive values can never be read back; encrypted ones only with `decrypt=true`.
        "sensitive" | "secret" => v["value"] = json!(ciphertext(&e.id)),
        "encrypted" if !decrypt => v["value"] = json!(ciphertext(&e.id)),
        _ => v["value"] = json!(e.value),
    }
    if let Some(b) = &e.git_branch {
        v["gitBranch"] = json!(b);
    }
    if let Some(c) = &e.comment {
        v["comment"] = json!(c);
    }
    v
}

pub(super) const ENV_TYPES: &[&str] = &["system", "secret", "encrypted", "plain", "sensitive"];

pub(super) const TARGETS: &[&str] = &["production", "preview", "development"];

/// Vercel's limit on one variable's value (64 KB).
pub(super) const MAX_VALUE: usize = 65_536;

pub(crate) struct NewEnv {
    key: String,
    value: String,
    kind: String,
    target: Vec<String>,
    git_branch: Option<String>,
    comment: Option<String>,
}

/// Checks one env item; `Err((key, code, message))`.
pub(crate) fn validate_env(
    item: &Value,
    _upsert: bool,
) -> Result<NewEnv, (String, &'static str, String)> {
    let key = item
        .get("key")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let err = |code: &'static str, msg: &str| Err((key.clone(), code, msg.to_string()));
    if !item.is_object() {
        return err(
            "bad_request",
            "Invalid request: each environment variable should be an object.",
        );
    }
    if key.is_empty() {
        return err(
            "missing_key",
            "Invalid request: missing required property `key`.",
        );
    }
    let mut chars = key.chars();
    if !chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return err(
            "invalid_key",
            "The name of your Environment Variable contains invalid characters. Only letters, digits and underscores are allowed. Furthermore, the name should not start with a digit.",
        );
    }
    let Some(value) = item.get("value").and_then(Value::as_str) else {
        return err(
            "missing_value",
            "Invalid request: missing required property `value`.",
        );
    };
    if value.len() > MAX_VALUE {
        return err(
            "env_value_too_long",
            "The value of your Environment Variable exceeds the maximum size of 64 KB.",
        );
    }
    let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
    if !ENV_TYPES.contains(&kind) {
        return err("invalid_type", "Invalid request: `type` should be equal to one of the allowed values \"system\", \"secret\", \"encrypted\", \"plain\", \"sensitive\".");
    }
    let target: Vec<String> = match item.get("target") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => vec![],
    };
    if target.is_empty() || target.iter().any(|t| !TARGETS.contains(&t.as_str())) {
        return err("invalid_target", "Invalid request: `target` should contain one or more of \"production\", \"preview\", \"development\".");
    }
    if kind == "sensitive" && target.iter().any(|t| t == "development") {
        return err(
            "invalid_target",
            "Sensitive Environment Variables cannot be created in the Development Environment.",
        );
    }
    Ok(NewEnv {
        key,
        value: value.to_string(),
        kind: kind.to_string(),
        target,
        git_branch: item
            .get("gitBranch")
            .and_then(Value::as_str)
            .map(str::to_string),
        comment: item
            .get("comment")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

pub(crate) fn new_env(w: &mut World, e: NewEnv, now: i64) -> EnvVar {
    EnvVar {
        id: w.ids.alnum(16),
        key: e.key,
        value: e.value,
        kind: e.kind,
        target: e.target,
        git_branch: e.git_branch,
        comment: e.comment,
        created_ms: now,
        updated_ms: now,
    }
}

pub(super) const ENV_EXISTS: &str =
    "The environment variable cannot be created because it already exists";

/// Body: one object or an array. Single object: any failure is the answer's status. Array:
/// failures go to `failed` inside a 201 (Vercel's partial-success behaviour).
/// An `ENV_ITEM_*` fault: the first item of the batch fails inside the 201, as Vercel reports
/// per item. Busy is the 400 "ongoing update" condition (try again); rejected is for good.
pub(super) fn injected_item_failure(outcome: Option<&str>, item: &Value) -> Option<Value> {
    let key = item.get("key").and_then(Value::as_str).unwrap_or("");
    let (code, message) = match outcome? {
        "ENV_ITEM_BUSY" => ("env_update_in_progress", "The environment variable coudn't be created because an ongoing update env update is already happening"),
        "ENV_ITEM_REJECTED" => ("invalid_value", "The value of the Environment Variable is invalid for the target production."),
        _ => return None,
    };
    Some(json!({"error": {"code": code, "message": message, "key": key, "envVarKey": key}}))
}

pub(super) async fn create_env(
    State(st): St,
    Path(id): Path<String>,
    Query(q): Q,
    outcome: Option<Extension<FaultOutcome>>,
    body: Bytes,
) -> Response {
    let outcome = outcome.map(|Extension(FaultOutcome(o))| o);
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let upsert = q.get("upsert").is_some_and(|v| v == "true" || v == "1");
    let (items, single) = match json_body(&body) {
        Some(Value::Array(a)) => (a, false),
        Some(o @ Value::Object(_)) => (vec![o], true),
        _ => return bad("Invalid request: body should be an object or an array."),
    };
    let now = now_ms();
    let user_id = st.read(|w| w.seed.vercel_user_id.clone());
    let outcome = st.mutate(|w| {
        let pidx = w.vercel.projects.iter().position(|p| p.account_id == owner && (p.id == id || p.name == id))?;
        let mut created = vec![];
        let mut failed: Vec<(u16, Value)> = vec![];
        for (i, item) in items.iter().enumerate() {
            if let Some(f) = (i == 0)
                .then(|| injected_item_failure(outcome.as_deref(), item))
                .flatten()
            {
                failed.push((400, f));
                continue;
            }
            let e = match validate_env(item, upsert) {
                Ok(e) => e,
                Err((key, code, msg)) => {
                    failed.push((400, json!({"error": {"code": code, "message": msg, "key": key}})));
                    continue;
                }
            };
            let existing = w.vercel.projects[pidx]
                .env
                .iter()
                .position(|x| x.key == e.key && x.git_branch == e.git_branch && x.target.iter().any(|t| e.target.contains(t)));
            match existing {
                Some(i) if upsert => {
                    let x = &mut w.vercel.projects[pidx].env[i];
                    x.value = e.value;
                    x.kind = e.kind;
                    x.target = e.target;
                    x.comment = e.comment;
                    x.updated_ms = now;
                    created.push(x.clone());
                }
                Some(i) => {
                    let x = &w.vercel.projects[pidx].env[i];
                    failed.push((
                        403,
                        json!({"error": {"code": "ENV_ALREADY_EXISTS", "message": ENV_EXISTS, "key": x.key, "envVarId": x.id, "envVarKey": x.key, "target": x.target}}),
                    ));
                }
                None => {
                    let env = new_env(w, e, now);
                    w.vercel.projects[pidx].env.push(env.clone());
                    created.push(env);
                }
            }
        }
        w.vercel.projects[pidx].updated_ms = now;
        Some((created, failed))
    });
    let Some((created, failed)) = outcome else {
        return not_found();
    };
    if single {
        if let Some((status, err)) = failed.into_iter().next() {
            return json_response(status, err);
        }
        let c = created
            .first()
            .map(|e| env_json(e, &user_id, false))
            .unwrap_or(Value::Null);
        return json_response(201, json!({"created": c, "failed": []}));
    }
    let c: Vec<Value> = created
        .iter()
        .map(|e| env_json(e, &user_id, false))
        .collect();
    let f: Vec<Value> = failed.into_iter().map(|(_, e)| e).collect();
    json_response(201, json!({"created": c, "failed": f}))
}

/// `DELETE /v9/projects/{idOrName}/env/{id}` (spec: removeProjectEnv): 200 with the removed
/// variable; 404 when the project or the variable is not there.
pub(super) async fn remove_env(
    State(st): St,
    Path((id, env)): Path<(String, String)>,
    Query(q): Q,
) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let user_id = st.read(|w| w.seed.vercel_user_id.clone());
    let removed = st.mutate(|w| {
        let p = w
            .vercel
            .projects
            .iter_mut()
            .find(|p| p.account_id == owner && (p.id == id || p.name == id))?;
        let i = p.env.iter().position(|e| e.id == env)?;
        Some(p.env.remove(i))
    });
    match removed {
        Some(e) => json_response(200, env_json(&e, &user_id, false)),
        None => not_found(),
    }
}

/// `PATCH /v9/projects/{idOrName}/env/{id}` (spec: editProjectEnv): changes a variable's
/// targets, value, type or comment; the body takes no other field.
pub(super) async fn edit_env(
    State(st): St,
    Path((id, env)): Path<(String, String)>,
    Query(q): Q,
    body: Bytes,
) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(Value::Object(b)) = json_body(&body) else {
        return bad("Invalid request: body should be an object.");
    };
    const FIELDS: [&str; 7] = [
        "key",
        "target",
        "gitBranch",
        "type",
        "value",
        "customEnvironmentIds",
        "comment",
    ];
    if let Some(k) = b.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return bad(&format!(
            "Invalid request: should NOT have additional property `{k}`."
        ));
    }
    let target = match b.get("target") {
        None => None,
        Some(Value::Array(a))
            if a.iter()
                .all(|t| matches!(t.as_str(), Some("production" | "preview" | "development"))) =>
        {
            Some(
                a.iter()
                    .filter_map(|t| t.as_str().map(String::from))
                    .collect::<Vec<_>>(),
            )
        }
        Some(_) => {
            return bad(
                "Invalid request: `target` should be an array of production, preview, development.",
            )
        }
    };
    let user_id = st.read(|w| w.seed.vercel_user_id.clone());
    let now = now_ms();
    let edited = st.mutate(|w| {
        let p = w
            .vercel
            .projects
            .iter_mut()
            .find(|p| p.account_id == owner && (p.id == id || p.name == id))?;
        let e = p.env.iter_mut().find(|e| e.id == env)?;
        if let Some(t) = target {
            e.target = t;
        }
        if let Some(v) = b.get("value").and_then(Value::as_str) {
            e.value = v.to_string();
        }
        if let Some(c) = b.get("comment").and_then(Value::as_str) {
            e.comment = Some(c.to_string());
        }
        e.updated_ms = now;
        Some(e.clone())
    });
    match edited {
        Some(e) => json_response(200, env_json(&e, &user_id, false)),
        None => not_found(),
    }
}

pub(super) async fn list_env(State(st): St, Path(id): Path<String>, Query(q): Q) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let decrypt = q.get("decrypt").is_some_and(|v| v == "true");
    let user_id = st.read(|w| w.seed.vercel_user_id.clone());
    match st.read(|w| find_project(w, &owner, &id).cloned()) {
        Some(p) => json_response(
            200,
            json!({"envs": p.env.iter().map(|e| env_json(e, &user_id, decrypt)).collect::<Vec<_>>()}),
        ),
        None => not_found(),
    }
}
