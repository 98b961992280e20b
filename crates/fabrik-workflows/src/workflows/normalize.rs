//! An exported n8n workflow as a file that is byte-identical while the workflow is unchanged:
//! only what defines the workflow is kept (not `updatedAt`, `versionId`, activation, run
//! state), keys are sorted, credentials are kept as the references n8n gives (type → id and
//! name) and never as values, and every secret is replaced: those this process knows, and
//! whatever has a secret's name or form (`secrets::redact_json`).

use serde_json::{Map, Value};

use crate::secrets::REDACTED;

/// What a workflow is: everything else an export carries changes without the workflow
/// changing (timestamps, version ids, activation, trigger counts, static data a trigger keeps
/// between runs, pinned test data, sharing).
const KEPT: [&str; 5] = ["id", "name", "nodes", "connections", "settings"];

/// What a credential reference on a node may say; a value would be anything else.
const CREDENTIAL_REF: [&str; 2] = ["id", "name"];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NormalizeError {
    #[error("the workflow is not a JSON object")]
    NotAnObject,
    #[error("the workflow has no id")]
    NoId,
}

/// The file for one workflow: pretty JSON with sorted keys and a final newline.
pub fn normalize(workflow: &Value) -> Result<Vec<u8>, NormalizeError> {
    let obj = workflow.as_object().ok_or(NormalizeError::NotAnObject)?;
    if !obj
        .get("id")
        .is_some_and(|v| v.is_string() || v.is_number())
    {
        return Err(NormalizeError::NoId);
    }
    let mut kept = Map::new();
    for key in KEPT {
        if let Some(v) = obj.get(key) {
            kept.insert(key.to_string(), v.clone());
        }
    }
    if let Some(nodes) = kept.get_mut("nodes").and_then(Value::as_array_mut) {
        for node in nodes.iter_mut() {
            only_credential_refs(node);
        }
    }
    // Every secret out: this process's known ones, and by shape (a key typed into a node's
    // header, a password in a URL, a constant in a Code node) what nobody told Fabrik about.
    let stable = crate::secrets::redact_json(sorted(Value::Object(kept)));
    let mut out = serde_json::to_vec_pretty(&stable).expect("a JSON value serializes");
    out.push(b'\n');
    Ok(out)
}

/// `credentials: {type: {id, name}}`: anything else under a credential is dropped.
fn only_credential_refs(node: &mut Value) {
    let Some(creds) = node.get_mut("credentials").and_then(Value::as_object_mut) else {
        return;
    };
    for reference in creds.values_mut() {
        match reference.as_object_mut() {
            Some(r) => r.retain(|k, _| CREDENTIAL_REF.contains(&k.as_str())),
            None => *reference = Value::Object(Map::new()),
        }
    }
}

/// Keys in order at every depth, whatever map the JSON library was built with.
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// A backed-up version made ready to write back over `current`: a value the backup could only
/// keep as `<redacted>` takes the current workflow's value at the same place (the same node by
/// name, the same path in it), so writing a version back never writes the placeholder over a
/// working secret. A value with no counterpart stays as it is.
pub fn unredact(version: &mut Value, current: &Value) {
    let Some(nodes) = version.get_mut("nodes").and_then(Value::as_array_mut) else {
        return;
    };
    let current_nodes = current["nodes"].as_array().cloned().unwrap_or_default();
    for node in nodes.iter_mut() {
        if let Some(was) = current_nodes.iter().find(|n| n["name"] == node["name"]) {
            fill(node, was);
        }
    }
}

fn fill(v: &mut Value, was: &Value) {
    match v {
        Value::String(s) if s.contains(REDACTED) => {
            if let Some(w) = was.as_str() {
                *s = w.to_string();
            }
        }
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                fill(child, &was[k.as_str()]);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter_mut().enumerate() {
                fill(child, &was[i]);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn workflow() -> Value {
        json!({
            "id": "wf1", "name": "Kund", "active": true,
            "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-11-24T10:00:00.000Z",
            "versionId": "7c1e", "triggerCount": 1, "isArchived": false,
            "staticData": {"lastId": 41}, "pinData": {}, "meta": {"templateCredsSetupCompleted": true},
            "tags": [{"id": "t1", "name": "kund"}], "shared": [],
            "settings": {"timezone": "Europe/Stockholm", "executionOrder": "v1"},
            "connections": {"Webhook": {"main": [[{"node": "Set", "type": "main", "index": 0}]]}},
            "nodes": [
                {"name": "Webhook", "type": "n8n-nodes-base.webhook", "parameters": {"path": "p"},
                 "position": [0, 0], "id": "n1"},
                {"name": "Set", "type": "n8n-nodes-base.httpRequest", "parameters": {},
                 "credentials": {"httpHeaderAuth": {"id": "c1", "name": "Kundens API", "data": "hemligt"}},
                 "position": [200, 0], "id": "n2"}
            ]
        })
    }

    #[test]
    fn only_what_defines_the_workflow_is_kept() {
        let file: Value = serde_json::from_slice(&normalize(&workflow()).unwrap()).unwrap();
        let keys: Vec<&str> = file
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["connections", "id", "name", "nodes", "settings"]);
        assert_eq!(
            file["nodes"][1]["credentials"],
            json!({"httpHeaderAuth": {"id": "c1", "name": "Kundens API"}})
        );
    }

    #[test]
    fn an_unchanged_workflow_gives_the_same_bytes_whatever_moved_around_it() {
        let a = normalize(&workflow()).unwrap();
        let mut w = workflow();
        w["updatedAt"] = json!("2026-11-25T08:00:00.000Z");
        w["versionId"] = json!("99aa");
        w["active"] = json!(false);
        w["staticData"] = json!({"lastId": 42});
        // The same object with its keys in another order.
        let reordered: Value = serde_json::from_str(
            &serde_json::to_string(&w)
                .unwrap()
                .replace("\"id\":\"wf1\",", ""),
        )
        .unwrap();
        let mut reordered = reordered;
        reordered["id"] = json!("wf1");
        assert_eq!(normalize(&reordered).unwrap(), a);
        assert!(a.ends_with(b"\n"));
        let mut changed = workflow();
        changed["nodes"][0]["parameters"]["path"] = json!("q");
        assert_ne!(normalize(&changed).unwrap(), a);
    }

    #[test]
    fn a_known_secret_typed_into_a_node_is_replaced() {
        let token = crate::secrets::Secret::new("sentinel-token-4711-abcdef");
        let mut w = workflow();
        w["nodes"][1]["parameters"]["headerValue"] = json!(format!("Bearer {}", token.expose()));
        let file = String::from_utf8(normalize(&w).unwrap()).unwrap();
        assert!(!file.contains(token.expose()), "{file}");
        assert!(file.contains("Bearer <redacted>"));
    }

    #[test]
    fn a_redacted_value_takes_the_current_workflows_on_the_way_back() {
        let token = crate::secrets::Secret::new("sentinel-token-0815-abcdef");
        let mut w = workflow();
        w["nodes"][1]["parameters"]["headerValue"] = json!(format!("Bearer {}", token.expose()));
        let mut version: Value = serde_json::from_slice(&normalize(&w).unwrap()).unwrap();
        assert_eq!(
            version["nodes"][1]["parameters"]["headerValue"],
            "Bearer <redacted>"
        );
        // The version has another path; the current workflow still has the secret.
        version["nodes"][0]["parameters"]["path"] = json!("old");
        unredact(&mut version, &w);
        assert_eq!(
            version["nodes"][1]["parameters"]["headerValue"],
            json!(format!("Bearer {}", token.expose()))
        );
        assert_eq!(version["nodes"][0]["parameters"]["path"], "old");
        // Nothing to take it from: it stays a placeholder.
        let mut lone = version.clone();
        lone["nodes"][1]["parameters"]["headerValue"] = json!("Bearer <redacted>");
        unredact(&mut lone, &json!({"nodes": []}));
        assert_eq!(
            lone["nodes"][1]["parameters"]["headerValue"],
            "Bearer <redacted>"
        );
    }

    #[test]
    fn what_is_not_a_workflow_is_refused() {
        assert_eq!(normalize(&json!([1])), Err(NormalizeError::NotAnObject));
        assert_eq!(normalize(&json!({"name": "x"})), Err(NormalizeError::NoId));
    }
}
