//! A Swagger 2.0 description (Gitea's) read as the OpenAPI 3 the check holds exchanges to:
//! `definitions`, `responses` and `parameters` under `components`; a body parameter as the
//! operation's `requestBody`; a parameter's type as its `schema`; an answer's `schema` as its
//! JSON content. Only the shape changes: every name, type, enum and required list is the
//! description's own.

use serde_json::{json, Map, Value};

/// `spec` as OpenAPI 3 when it is Swagger 2.0; as it is otherwise.
pub fn as_openapi3(mut spec: Value) -> Value {
    if spec["swagger"] != "2.0" {
        return spec;
    }
    refs(&mut spec);
    let mut components = Map::new();
    let mut schemas = spec["definitions"].take();
    optional_may_be_null(&mut schemas);
    components.insert("schemas".into(), schemas);
    let responses: Map<String, Value> = spec["responses"]
        .as_object()
        .map(|r| r.iter().map(|(k, v)| (k.clone(), response(v))).collect())
        .unwrap_or_default();
    components.insert("responses".into(), Value::Object(responses));
    let parameters: Map<String, Value> = spec["parameters"]
        .as_object()
        .map(|p| p.iter().map(|(k, v)| (k.clone(), parameter(v))).collect())
        .unwrap_or_default();
    components.insert("parameters".into(), Value::Object(parameters));
    if let Some(paths) = spec["paths"].as_object_mut() {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                for (key, op) in item.iter_mut() {
                    if key == "parameters" {
                        *op = params(op).0;
                    } else {
                        operation(op);
                    }
                }
            }
        }
    }
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    for key in ["info", "paths"] {
        out.insert(key.into(), spec[key].take());
    }
    out.insert("components".into(), Value::Object(components));
    Value::Object(out)
}

/// `#/definitions/X` and the like, as their place under `components`.
fn refs(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get_mut("$ref") {
                for (from, to) in [
                    ("#/definitions/", "#/components/schemas/"),
                    ("#/responses/", "#/components/responses/"),
                    ("#/parameters/", "#/components/parameters/"),
                ] {
                    if let Some(name) = r.strip_prefix(from) {
                        *r = format!("{to}{name}");
                    }
                }
            }
            o.values_mut().for_each(refs);
        }
        Value::Array(a) => a.iter_mut().for_each(refs),
        _ => {}
    }
}

/// Swagger 2.0 cannot say a field may be null, and a server written in Go (Gitea) writes a
/// pointer it leaves empty as `null` (a file's `target`, a repository's `parent`): a property
/// a definition does not require may be null. A required one may not.
fn optional_may_be_null(schemas: &mut Value) {
    fn walk(v: &mut Value) {
        let Some(o) = v.as_object_mut() else {
            if let Value::Array(a) = v {
                a.iter_mut().for_each(walk);
            }
            return;
        };
        let required: Vec<String> = o
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(props) = o.get_mut("properties").and_then(Value::as_object_mut) {
            for (name, p) in props.iter_mut() {
                if required.contains(name) {
                    continue;
                }
                // A `$ref` cannot carry `nullable` beside it in OpenAPI 3.0: it goes in an allOf.
                if p.get("$ref").is_some() {
                    *p = json!({"allOf": [p.clone()], "nullable": true});
                } else if let Some(po) = p.as_object_mut() {
                    po.insert("nullable".into(), json!(true));
                }
            }
        }
        o.values_mut().for_each(walk);
    }
    walk(schemas);
}

/// A parameter's type, format, enum and items as its `schema`.
fn parameter(p: &Value) -> Value {
    let Some(o) = p.as_object() else {
        return p.clone();
    };
    if o.contains_key("$ref") || o.contains_key("schema") {
        return p.clone();
    }
    let mut out = Map::new();
    let mut schema = Map::new();
    for (k, v) in o {
        match k.as_str() {
            "type" | "format" | "enum" | "items" | "default" | "minimum" | "maximum" => {
                schema.insert(k.clone(), v.clone());
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out.insert("schema".into(), Value::Object(schema));
    Value::Object(out)
}

/// An operation's parameters without its body, and the body's schema.
fn params(list: &Value) -> (Value, Option<Value>) {
    let mut body = None;
    let mut rest = Vec::new();
    for p in list.as_array().into_iter().flatten() {
        if p["in"] == "body" {
            body = Some(p["schema"].clone());
        } else {
            rest.push(parameter(p));
        }
    }
    (Value::Array(rest), body)
}

fn operation(op: &mut Value) {
    let Some(o) = op.as_object_mut() else {
        return;
    };
    if let Some(list) = o.get("parameters") {
        let (rest, body) = params(list);
        o.insert("parameters".into(), rest);
        if let Some(schema) = body {
            o.insert(
                "requestBody".into(),
                json!({"content": {"application/json": {"schema": schema}}}),
            );
        }
    }
    if let Some(responses) = o.get_mut("responses").and_then(Value::as_object_mut) {
        for r in responses.values_mut() {
            *r = response(r);
        }
    }
}

/// An answer's `schema` as its JSON content.
fn response(r: &Value) -> Value {
    let Some(o) = r.as_object() else {
        return r.clone();
    };
    let mut out = o.clone();
    if let Some(schema) = out.remove("schema") {
        out.insert(
            "content".into(),
            json!({"application/json": {"schema": schema}}),
        );
    }
    Value::Object(out)
}

#[test]
fn a_swagger_2_operation_reads_as_openapi_3() {
    let spec = json!({
        "swagger": "2.0",
        "info": {"title": "t"},
        "paths": {"/repos/{owner}/{repo}/contents/{filepath}": {"put": {
            "parameters": [
                {"name": "owner", "in": "path", "type": "string", "required": true},
                {"name": "body", "in": "body", "schema": {"$ref": "#/definitions/UpdateFileOptions"}},
                {"name": "ref", "in": "query", "type": "string", "enum": ["a", "b"]}
            ],
            "responses": {"200": {"$ref": "#/responses/FileResponse"}}
        }}},
        "responses": {"FileResponse": {"description": "d", "schema": {"$ref": "#/definitions/FileResponse"}}},
        "definitions": {"FileResponse": {"type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}, "target": {"type": "string"},
                "parent": {"$ref": "#/definitions/UpdateFileOptions"}}},
            "UpdateFileOptions": {"type": "object"}}
    });
    let v = as_openapi3(spec);
    let op = &v["paths"]["/repos/{owner}/{repo}/contents/{filepath}"]["put"];
    assert_eq!(
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/UpdateFileOptions"
    );
    assert_eq!(op["parameters"].as_array().unwrap().len(), 2);
    assert_eq!(op["parameters"][1]["schema"]["enum"], json!(["a", "b"]));
    assert_eq!(
        op["responses"]["200"]["$ref"],
        "#/components/responses/FileResponse"
    );
    assert_eq!(
        v["components"]["responses"]["FileResponse"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/FileResponse"
    );
    // What a definition does not require may be null; what it requires may not.
    let props = &v["components"]["schemas"]["FileResponse"]["properties"];
    assert_eq!(props["target"]["nullable"], true);
    assert_eq!(props["parent"]["nullable"], true);
    assert_eq!(
        props["parent"]["allOf"][0]["$ref"],
        "#/components/schemas/UpdateFileOptions"
    );
    assert!(props["name"].get("nullable").is_none());
}
