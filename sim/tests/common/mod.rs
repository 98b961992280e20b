//! Shared test helpers: starting a simulator, an HTTP client, and validation of bodies against the
//! official OpenAPI descriptions in the repository's contracts/ folder (via a small OpenAPI → JSON
//! Schema adapter).
#![allow(dead_code)]

use std::path::PathBuf;

use fabrik_sim::{SimConfig, SimHandle};
use serde_json::{json, Map, Value};

pub const TOKEN: &str = fabrik_sim::DEFAULT_TOKEN;

pub async fn sim() -> SimHandle {
    fabrik_sim::start(SimConfig::default())
        .await
        .expect("simulator starts")
}

pub async fn sim_with(cfg: SimConfig) -> SimHandle {
    fabrik_sim::start(cfg).await.expect("simulator starts")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().build().expect("client")
}

pub async fn json_of(r: reqwest::Response) -> (u16, reqwest::header::HeaderMap, Value) {
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, headers, v)
}

#[derive(Clone, Copy, Debug)]
pub enum Spec {
    Supabase,
    Auth,
    Storage,
    Github,
    Vercel,
    N8n,
    Resend,
    Stripe,
}

pub fn contracts() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../contracts"))
}

/// A description, read and parsed once per test binary.
fn loaded(spec: Spec) -> std::sync::Arc<Value> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static SPECS: OnceLock<Mutex<HashMap<String, Arc<Value>>>> = OnceLock::new();
    let specs = SPECS.get_or_init(Default::default);
    let key = format!("{spec:?}");
    if let Some(v) = specs.lock().unwrap().get(&key) {
        return v.clone();
    }
    let v = Arc::new(load(spec));
    specs.lock().unwrap().insert(key, v.clone());
    v
}

pub fn load(spec: Spec) -> Value {
    let rel = match spec {
        Spec::Supabase => "supabase/management-api-v1-subset.openapi.json",
        Spec::Auth => "supabase/auth-gotrue.openapi.yaml",
        Spec::Storage => "supabase/storage-api-subset.openapi.json",
        Spec::Github => "github/github-rest-subset.openapi.json",
        Spec::Vercel => "vercel/vercel-subset.openapi.json",
        Spec::N8n => "n8n/n8n-public-api-v1.openapi.yml",
        Spec::Resend => "resend/resend.openapi.json",
        Spec::Stripe => "stripe/stripe-subset.openapi.json",
    };
    let path = contracts().join(rel);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    if rel.ends_with(".json") {
        serde_json::from_str(&text).expect("spec json")
    } else {
        serde_norway::from_str(&text).expect("spec yaml")
    }
}

/// OpenAPI schema object → JSON Schema 2020-12: `nullable` becomes a null alternative, component
/// refs point into `$defs`, boolean `exclusiveMinimum/Maximum` (3.0) become numeric, and
/// documentation-only keywords (`discriminator`, `example`, `xml`, `x-*`) are dropped.
pub fn convert(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, val) in m {
                match k.as_str() {
                    "discriminator" | "example" | "xml" | "externalDocs" | "nullable" => {}
                    k if k.starts_with("x-") => {}
                    // Vercel's `microfrontends.groupIds.items` has `oneOf: []`, which is not valid
                    // JSON Schema (minItems 1); treated as absent (listed in sim/README.md).
                    "oneOf" | "anyOf" | "allOf" if val.as_array().is_some_and(|a| a.is_empty()) => {
                    }
                    "$ref" => {
                        let r = val.as_str().unwrap_or("");
                        out.insert(
                            "$ref".into(),
                            json!(r.replace("#/components/schemas/", "#/$defs/")),
                        );
                    }
                    "exclusiveMinimum" | "exclusiveMaximum" if val.is_boolean() => {
                        let bound = if k == "exclusiveMinimum" {
                            "minimum"
                        } else {
                            "maximum"
                        };
                        if val == &json!(true) {
                            if let Some(b) = m.get(bound) {
                                out.insert(k.to_string(), b.clone());
                            }
                        }
                    }
                    "properties" | "$defs" | "definitions" | "patternProperties" => {
                        let props: Map<String, Value> = val
                            .as_object()
                            .map(|p| p.iter().map(|(n, s)| (n.clone(), convert(s))).collect())
                            .unwrap_or_default();
                        out.insert(k.to_string(), Value::Object(props));
                    }
                    _ => {
                        out.insert(k.to_string(), convert(val));
                    }
                }
            }
            // A boolean exclusive bound replaces the inclusive one.
            for (ex, b) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                if m.get(ex) == Some(&json!(true)) {
                    out.remove(b);
                }
            }
            if m.get("nullable") == Some(&json!(true)) {
                match out.get("type").cloned() {
                    Some(Value::String(t)) => {
                        out.insert("type".into(), json!([t, "null"]));
                        if let Some(Value::Array(e)) = out.get_mut("enum") {
                            e.push(Value::Null);
                        }
                    }
                    _ => return json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(convert).collect()),
        other => other.clone(),
    }
}

/// A description's component schemas, as JSON Schema.
type Defs = std::sync::Arc<Map<String, Value>>;

/// A description's component schemas as JSON Schema, converted once per test binary (Stripe's
/// description has 900, Vercel's thousands).
fn converted_defs(spec: &Value) -> Defs {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, Defs>>> = OnceLock::new();
    let all = spec
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(json!({}));
    let key = format!(
        "{}|{}|{}",
        spec["info"]["title"],
        spec["info"]["version"],
        all.as_object().map_or(0, Map::len)
    );
    let cache = CACHE.get_or_init(Default::default);
    if let Some(d) = cache.lock().unwrap().get(&key) {
        return d.clone();
    }
    let Value::Object(defs) = convert(&json!({ "$defs": all }))["$defs"].take() else {
        unreachable!("an object converts to an object")
    };
    let defs = Arc::new(defs);
    cache.lock().unwrap().insert(key, defs.clone());
    defs
}

/// The component schemas a converted schema names (`#/$defs/Name`).
pub fn refs_in(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    if let Some(name) = r.strip_prefix("#/$defs/") {
                        out.push(name.to_string());
                    }
                }
                stack.extend(m.values());
            }
            Value::Array(a) => stack.extend(a),
            _ => {}
        }
    }
    out
}

/// A converted schema as a 2020-12 document with only the component schemas it reaches, each
/// passed through `prepare` first: a validator neither copies nor indexes the rest of a large
/// description (Vercel's has thousands).
pub fn with_reached_defs(
    mut root: Value,
    defs: &Map<String, Value>,
    prepare: impl Fn(&mut Value),
) -> Value {
    prepare(&mut root);
    let mut reached = Map::new();
    let mut todo = refs_in(&root);
    while let Some(name) = todo.pop() {
        if reached.contains_key(&name) {
            continue;
        }
        let mut def = defs.get(&name).cloned().unwrap_or(json!({}));
        prepare(&mut def);
        todo.extend(refs_in(&def));
        reached.insert(name, def);
    }
    if !root.is_object() {
        root = json!({ "allOf": [root] });
    }
    root["$defs"] = Value::Object(reached);
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root
}

/// Compiled validators by spec and schema: a test validates many bodies against the same few
/// schemas.
fn validator(spec: &Value, schema: &Value, what: &str) -> std::sync::Arc<jsonschema::Validator> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let key = format!(
        "{}|{}|{schema}",
        spec["info"]["title"], spec["info"]["version"]
    );
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap().get(&key) {
        return v.clone();
    }
    let root = with_reached_defs(convert(schema), &converted_defs(spec), |_| {});
    let v = Arc::new(
        jsonschema::validator_for(&root)
            .unwrap_or_else(|e| panic!("{what}: schema does not compile: {e}")),
    );
    cache.lock().unwrap().insert(key, v.clone());
    v
}

fn check(spec: &Value, schema: &Value, instance: &Value, what: &str) {
    let validator = validator(spec, schema, what);
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(8)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the official schema:\n{}\ninstance: {}",
        errors.join("\n"),
        instance
    );
}

fn operation<'a>(spec: &'a Value, method: &str, path: &str) -> &'a Value {
    let op = &spec["paths"][path][method.to_lowercase()];
    assert!(op.is_object(), "no operation {method} {path} in the spec");
    op
}

/// Validates a response body against `responses.<status>` of an operation.
pub fn assert_response(spec: Spec, method: &str, path: &str, status: u16, body: &Value) {
    let s = loaded(spec);
    let op = operation(&s, method, path);
    let resp = &op["responses"][status.to_string()];
    assert!(
        resp.is_object(),
        "{method} {path}: status {status} is not documented in {spec:?}"
    );
    let schema = &resp["content"]["application/json"]["schema"];
    if schema.is_null() {
        // The operation documents no body for this status.
        return;
    }
    check(
        &s,
        schema,
        body,
        &format!("{spec:?} {method} {path} {status} response"),
    );
}

/// Validates a request body against an operation's `requestBody`.
pub fn assert_request(spec: Spec, method: &str, path: &str, body: &Value) {
    let s = loaded(spec);
    let op = operation(&s, method, path);
    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
    assert!(
        !schema.is_null(),
        "{method} {path} has no JSON request body in {spec:?}"
    );
    check(
        &s,
        schema,
        body,
        &format!("{spec:?} {method} {path} request"),
    );
}

/// Validates against a named component schema.
pub fn assert_component(spec: Spec, name: &str, body: &Value) {
    let s = loaded(spec);
    check(
        &s,
        &json!({"$ref": format!("#/components/schemas/{name}")}),
        body,
        &format!("{spec:?} {name}"),
    );
}

/// Validates against alternative `index` of a response schema that is a top-level `oneOf`.
/// Used where the official `oneOf` is ambiguous (one alternative is a subset of another, so a
/// complete object matches both and plain `oneOf` can never pass); see sim/README.md.
pub fn assert_response_variant(
    spec: Spec,
    method: &str,
    path: &str,
    status: u16,
    index: usize,
    body: &Value,
) {
    let s = loaded(spec);
    let op = operation(&s, method, path);
    let alt = &op["responses"][status.to_string()]["content"]["application/json"]["schema"]
        ["oneOf"][index];
    assert!(
        alt.is_object(),
        "{method} {path} {status}: no oneOf alternative {index}"
    );
    check(
        &s,
        alt,
        body,
        &format!("{spec:?} {method} {path} {status} response (oneOf[{index}])"),
    );
}

/// Gitea's description (`contracts/gitea/gitea-contents-subset.swagger.json`, Swagger 2.0).
pub fn load_gitea() -> Value {
    let path = contracts().join("gitea/gitea-contents-subset.swagger.json");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("gitea spec json")
}

/// Swagger 2.0 has no `nullable`, but Gitea's Go pointer fields answer `null`: a referenced
/// object (`signer`, `parent`, `repo_transfer`, …), the fields whose description says "otherwise
/// null" (`content`, `encoding`, `target`, `submodule_git_url`), `download_url` (null for a
/// directory), and a deleted path's entry in `FilesResponse.files`. Listed in sim/README.md.
fn gitea_nullable(defs: &Value) -> Value {
    let mut defs = defs.clone();
    let Some(map) = defs.as_object_mut() else {
        return defs;
    };
    for (name, def) in map.iter_mut() {
        let Some(props) = def.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (prop, schema) in props.iter_mut() {
            let says_null = schema["description"]
                .as_str()
                .is_some_and(|d| d.contains("otherwise null"));
            if schema.get("$ref").is_some() {
                *schema = json!({"anyOf": [schema.clone(), {"type": "null"}]});
            } else if says_null || prop == "download_url" {
                schema["nullable"] = json!(true);
            }
            if name == "FilesResponse" && prop == "files" {
                let item = schema["items"].clone();
                schema["items"] = json!({"anyOf": [item, {"type": "null"}]});
            }
        }
    }
    defs
}

/// Validates a Gitea response body against `responses.<status>` of an operation (following a
/// `#/responses/...` reference to its schema; a response without a schema is not checked).
pub fn assert_gitea_response(method: &str, path: &str, status: u16, body: &Value) {
    let s = load_gitea();
    let op = &s["paths"][path][method.to_lowercase()];
    assert!(
        op.is_object(),
        "no operation {method} {path} in the Gitea spec"
    );
    let mut resp = op["responses"][status.to_string()].clone();
    assert!(
        resp.is_object(),
        "{method} {path}: status {status} is not documented in the Gitea spec"
    );
    if let Some(r) = resp["$ref"].as_str() {
        let name = r.trim_start_matches("#/responses/");
        resp = s["responses"][name].clone();
    }
    let Some(schema) = resp.get("schema") else {
        return;
    };
    gitea_check(&s, schema, body, &format!("Gitea {method} {path} {status}"));
}

/// Validates against a named Gitea definition (a directory read answers an array of
/// `ContentsResponse`, which the subset's repoGetContents does not describe: it is
/// repoGetContentsList's `ContentsListResponse` in the full description).
pub fn assert_gitea_definition(name: &str, body: &Value) {
    let s = load_gitea();
    gitea_check(
        &s,
        &json!({"$ref": format!("#/definitions/{name}")}),
        body,
        &format!("Gitea {name}"),
    );
}

fn gitea_check(s: &Value, schema: &Value, body: &Value, what: &str) {
    let text = serde_json::to_string(schema)
        .unwrap()
        .replace("#/definitions/", "#/$defs/");
    let defs_text = serde_json::to_string(&gitea_nullable(&s["definitions"]))
        .unwrap()
        .replace("#/definitions/", "#/$defs/");
    let defs = convert(&json!({"$defs": serde_json::from_str::<Value>(&defs_text).unwrap()}))
        ["$defs"]
        .clone();
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [convert(&serde_json::from_str::<Value>(&text).unwrap())],
        "$defs": defs,
    });
    let validator = jsonschema::validator_for(&root)
        .unwrap_or_else(|e| panic!("{what}: schema does not compile: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(8)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the official schema:\n{}\ninstance: {}",
        errors.join("\n"),
        body
    );
}
