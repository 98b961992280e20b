//! The fields of an n8n workflow as an export (GET) sees them, against the `workflow` schema of
//! contracts/n8n/n8n-public-api-v1.openapi.yml: exactly the documented properties, a new version
//! on every update that changes something, what was PUT read back unchanged, and an active
//! workflow still active (and re-published) after an update.

use crate::common;

use common::*;
use serde_json::{json, Value};

struct N8n {
    sim: fabrik_sim::SimHandle,
    http: reqwest::Client,
}

impl N8n {
    async fn new() -> N8n {
        N8n {
            sim: sim().await,
            http: client(),
        }
    }

    async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .http
            .request(m, format!("{}{path}", self.sim.n8n_api_url()))
            .header("X-N8N-API-KEY", TOKEN);
        if let Some(b) = body {
            req = req.json(b);
        }
        let (status, _, v) = json_of(req.send().await.unwrap()).await;
        (status, v)
    }

    /// The simulator's record of a workflow (its `version_id` is not part of the API's answer).
    async fn inventory(&self, id: &str) -> Value {
        let v: Value = self
            .http
            .get(format!("{}/__sim/inventory", self.sim.base_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["n8n"]["workflows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["id"] == id)
            .cloned()
            .expect("in inventory")
    }
}

/// A workflow as Fabrik's client sends it on update: name, nodes, connections, settings,
/// staticData. The HTTP node uses a credential by reference (`{type: {id, name}}`), never by
/// value.
fn body(name: &str, url: &str) -> Value {
    json!({
        "name": name,
        "nodes": [
            {"id": "0f5532f9-36ba-4bef-86c7-30d607400b15", "name": "Every hour", "type": "n8n-nodes-base.scheduleTrigger",
             "typeVersion": 1.2, "position": [-100, 80], "parameters": {"rule": {"interval": [{"field": "hours"}]}}},
            {"id": "9a3c1d2e-0000-4000-8000-000000000001", "name": "Call", "type": "n8n-nodes-base.httpRequest",
             "typeVersion": 4.2, "position": [120, 80],
             "parameters": {"url": url, "method": "POST", "options": {"timeout": 10000}, "sendBody": true,
                            "bodyParameters": {"parameters": [{"name": "a", "value": "={{ $json.a }}"}]}},
             "credentials": {"httpHeaderAuth": {"id": "35", "name": "Customer API key"}},
             "retryOnFail": true, "maxTries": 3, "onError": "continueRegularOutput"},
        ],
        "connections": {"Every hour": {"main": [[{"node": "Call", "type": "main", "index": 0}]]}},
        "settings": {"executionOrder": "v1", "timezone": "Europe/Stockholm", "saveManualExecutions": false, "callerPolicy": "workflowsFromSameOwner"},
        "staticData": {"lastId": 1},
    })
}

/// The properties the `workflow` schema documents, read from the contract.
fn documented() -> Vec<String> {
    let spec = load(Spec::N8n);
    let mut keys: Vec<String> = spec["components"]["schemas"]["workflow"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test]
async fn a_read_has_exactly_the_documented_fields() {
    let n = N8n::new().await;
    let (s, created) = n
        .call(
            "POST",
            "/workflows",
            Some(&body("Export", "https://a.example")),
        )
        .await;
    assert_eq!(s, 200, "{created}");
    let id = created["id"].as_str().unwrap();
    let (s, v) = n.call("GET", &format!("/workflows/{id}"), None).await;
    assert_eq!(s, 200);
    assert_response(Spec::N8n, "GET", "/workflows/{id}", 200, &v);
    assert_eq!(keys(&v), documented());
    assert_eq!(v["tags"], json!([]));
    assert_eq!(v["shared"][0]["role"], "workflow:owner");
    assert_eq!(v["shared"][0]["workflowId"], id);
    assert_eq!(v["activeVersion"], Value::Null);
    // The credential is still a reference.
    assert_eq!(
        v["nodes"][1]["credentials"],
        json!({"httpHeaderAuth": {"id": "35", "name": "Customer API key"}})
    );

    // Read-only and undocumented fields are refused on create and update alike.
    for (field, value, message) in [
        (
            "activeVersion",
            json!(null),
            "request/body/activeVersion is read-only",
        ),
        ("tags", json!([]), "request/body/tags is read-only"),
        ("id", json!(id), "request/body/id is read-only"),
        (
            "versionId",
            json!("x"),
            "request/body must NOT have additional properties",
        ),
        (
            "meta",
            json!({}),
            "request/body must NOT have additional properties",
        ),
        (
            "pinData",
            json!({}),
            "request/body must NOT have additional properties",
        ),
        (
            "isArchived",
            json!(false),
            "request/body must NOT have additional properties",
        ),
    ] {
        let mut b = body("Export", "https://a.example");
        b[field] = value;
        for (method, path) in [
            ("POST", "/workflows".to_string()),
            ("PUT", format!("/workflows/{id}")),
        ] {
            let (s, e) = n.call(method, &path, Some(&b)).await;
            assert_eq!(
                (s, e),
                (400, json!({"message": message})),
                "{method} with {field}"
            );
        }
    }
}

#[tokio::test]
async fn an_update_that_changes_something_is_a_new_version() {
    let n = N8n::new().await;
    let first = body("Versions", "https://a.example");
    let (_, created) = n.call("POST", "/workflows", Some(&first)).await;
    let id = created["id"].as_str().unwrap().to_string();
    let v1 = n.inventory(&id).await["version_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(v1.len(), 36);

    // The same body again: nothing changes, not even updatedAt.
    let (s, same) = n
        .call("PUT", &format!("/workflows/{id}"), Some(&first))
        .await;
    assert_eq!(s, 200);
    assert_response(Spec::N8n, "PUT", "/workflows/{id}", 200, &same);
    assert_eq!(n.inventory(&id).await["version_id"], v1);
    assert_eq!(same["updatedAt"], created["updatedAt"]);

    // A change: a new version id and a later updatedAt.
    let (s, changed) = n
        .call(
            "PUT",
            &format!("/workflows/{id}"),
            Some(&body("Versions", "https://b.example")),
        )
        .await;
    assert_eq!(s, 200);
    let v2 = n.inventory(&id).await["version_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(v2, v1);
    assert!(changed["updatedAt"].as_str().unwrap() > created["updatedAt"].as_str().unwrap());
    // Each kind of change counts: name, settings, staticData.
    let mut renamed = body("Versions 2", "https://b.example");
    let (_, r) = n
        .call("PUT", &format!("/workflows/{id}"), Some(&renamed))
        .await;
    let v3 = n.inventory(&id).await["version_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(v3, v2);
    assert!(r["updatedAt"].as_str().unwrap() > changed["updatedAt"].as_str().unwrap());
    renamed["settings"]["timezone"] = json!("UTC");
    n.call("PUT", &format!("/workflows/{id}"), Some(&renamed))
        .await;
    let v4 = n.inventory(&id).await["version_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(v4, v3);
    renamed["staticData"] = json!({"lastId": 2});
    n.call("PUT", &format!("/workflows/{id}"), Some(&renamed))
        .await;
    assert_ne!(n.inventory(&id).await["version_id"], v4);
}

#[tokio::test]
async fn get_after_put_returns_what_was_put() {
    let n = N8n::new().await;
    let (_, created) = n
        .call(
            "POST",
            "/workflows",
            Some(&body("Round trip", "https://a.example")),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let put = body("Round trip", "https://b.example/hook?x=1&y=ä");
    assert_request(Spec::N8n, "PUT", "/workflows/{id}", &put);
    let (s, answer) = n.call("PUT", &format!("/workflows/{id}"), Some(&put)).await;
    assert_eq!(s, 200, "{answer}");
    let (s, got) = n.call("GET", &format!("/workflows/{id}"), None).await;
    assert_eq!(s, 200);
    for field in ["name", "nodes", "connections", "settings", "staticData"] {
        assert_eq!(got[field], put[field], "{field} read back differs");
        assert_eq!(
            answer[field], put[field],
            "{field} in the PUT answer differs"
        );
    }
    // Numbers keep their JSON form (typeVersion 4.2 stays 4.2, position integers stay integers).
    assert_eq!(
        serde_json::to_string(&got["nodes"]).unwrap(),
        serde_json::to_string(&put["nodes"]).unwrap()
    );
}

#[tokio::test]
async fn an_active_workflow_stays_active_when_updated() {
    let n = N8n::new().await;
    let (_, created) = n
        .call(
            "POST",
            "/workflows",
            Some(&body("Live", "https://a.example")),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let (s, on) = n
        .call("POST", &format!("/workflows/{id}/activate"), None)
        .await;
    assert_eq!(s, 200, "{on}");
    assert_response(Spec::N8n, "POST", "/workflows/{id}/activate", 200, &on);
    let v1 = n.inventory(&id).await["version_id"].clone();
    assert_eq!(on["activeVersion"]["versionId"], v1);

    let put = body("Live", "https://b.example");
    let (s, updated) = n.call("PUT", &format!("/workflows/{id}"), Some(&put)).await;
    assert_eq!(s, 200);
    assert_response(Spec::N8n, "PUT", "/workflows/{id}", 200, &updated);
    assert_eq!(updated["active"], true);
    let (_, got) = n.call("GET", &format!("/workflows/{id}"), None).await;
    assert_response(Spec::N8n, "GET", "/workflows/{id}", 200, &got);
    assert_eq!(got["active"], true);
    // Re-published: the active version is the new one, with the new nodes.
    let v2 = n.inventory(&id).await["version_id"].clone();
    assert_ne!(v2, v1);
    assert_eq!(got["activeVersion"]["versionId"], v2);
    assert_eq!(got["activeVersion"]["workflowId"], id.as_str());
    assert_eq!(got["activeVersion"]["nodes"], put["nodes"]);
    assert_eq!(n.inventory(&id).await["active"], true);

    // Deactivated: no active version, and an update keeps it inactive.
    n.call("POST", &format!("/workflows/{id}/deactivate"), None)
        .await;
    let (_, off) = n
        .call(
            "PUT",
            &format!("/workflows/{id}"),
            Some(&body("Live", "https://c.example")),
        )
        .await;
    assert_eq!(off["active"], false);
    assert_eq!(off["activeVersion"], Value::Null);
}
