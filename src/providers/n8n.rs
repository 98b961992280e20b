//! n8n Public API v1 (spec: n8n/n8n-public-api-v1.openapi.yml). Names are not unique in n8n,
//! so lookups are by exact name and creation strips the read-only fields the API rejects.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{ErrorKind, ProviderError};
use super::http;
use crate::secrets::{Provider, Secret};

const P: Provider = Provider::N8n;

/// Fields an exported workflow carries that the create endpoint refuses (400).
const READ_ONLY: [&str; 9] = [
    "id",
    "active",
    "tags",
    "createdAt",
    "updatedAt",
    "versionId",
    "meta",
    "pinData",
    "isArchived",
];

/// What the update endpoint accepts (the `workflow` schema has `additionalProperties: false`).
const WRITABLE: [&str; 5] = ["name", "nodes", "connections", "settings", "staticData"];

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Workflow {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub active: bool,
    #[serde(default)]
    pub nodes: Vec<Value>,
}

pub struct N8n {
    http: reqwest::Client,
    api: String,
    key: Secret,
}

impl N8n {
    pub fn new(api: &str, key: Secret, timeout: std::time::Duration) -> N8n {
        N8n {
            http: http::client(timeout),
            api: api.trim_end_matches('/').into(),
            key,
        }
    }

    fn req(&self, method: Method, path: &str) -> Result<reqwest::RequestBuilder, ProviderError> {
        if self.api.is_empty() {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                "no n8n address is set (n8n.api_url)",
            ));
        }
        Ok(self
            .http
            .request(method, format!("{}{path}", self.api))
            .header("X-N8N-API-KEY", self.key.expose()))
    }

    pub async fn list(&self, limit: u32) -> Result<Vec<Workflow>, ProviderError> {
        #[derive(Deserialize)]
        struct Page {
            data: Vec<Workflow>,
        }
        let req = self
            .req(Method::GET, "/workflows")?
            .query(&[("limit", limit.to_string())]);
        Ok(http::json::<Page>(P, http::send(P, req).await?).await?.data)
    }

    /// Every workflow with exactly this name (cursor pagination, bounded).
    pub async fn find_by_name(&self, name: &str) -> Result<Vec<Workflow>, ProviderError> {
        #[derive(Deserialize)]
        struct Page {
            data: Vec<Workflow>,
            #[serde(rename = "nextCursor", default)]
            next_cursor: Option<String>,
        }
        let mut found = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..40 {
            let mut req = self
                .req(Method::GET, "/workflows")?
                .query(&[("name", name), ("limit", "250")]);
            if let Some(c) = &cursor {
                req = req.query(&[("cursor", c)]);
            }
            let page: Page = http::json(P, http::send(P, req).await?).await?;
            found.extend(page.data.into_iter().filter(|w| w.name == name));
            match page.next_cursor {
                Some(c) if !c.is_empty() => cursor = Some(c),
                _ => break,
            }
        }
        Ok(found)
    }

    /// Creates a workflow from the template, with `extra_node` (the ownership marker) added.
    pub async fn create(
        &self,
        name: &str,
        template: &Value,
        extra_node: Value,
    ) -> Result<Workflow, ProviderError> {
        let mut body = template.clone();
        if let Some(obj) = body.as_object_mut() {
            match obj.get_mut("nodes").and_then(Value::as_array_mut) {
                Some(nodes) => nodes.push(extra_node),
                None => {
                    obj.insert("nodes".into(), Value::Array(vec![extra_node]));
                }
            }
            for k in READ_ONLY {
                obj.remove(k);
            }
            obj.insert("name".into(), Value::String(name.into()));
            obj.entry("settings")
                .or_insert_with(|| serde_json::json!({}));
            obj.entry("connections")
                .or_insert_with(|| serde_json::json!({}));
        }
        http::json(
            P,
            http::send(P, self.req(Method::POST, "/workflows")?.json(&body)).await?,
        )
        .await
    }

    /// Adds `extra_node` (the ownership marker) to an existing workflow: GET, then PUT the
    /// same workflow back with the node added and the read-only fields removed (the update
    /// endpoint refuses them, as create does).
    pub async fn add_node(&self, id: &str, extra_node: Value) -> Result<Workflow, ProviderError> {
        let path = format!("/workflows/{id}");
        let mut body: Value =
            http::json(P, http::send(P, self.req(Method::GET, &path)?).await?).await?;
        let Some(obj) = body.as_object_mut() else {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                "unexpected answer: the workflow is not an object",
            ));
        };
        match obj.get_mut("nodes").and_then(Value::as_array_mut) {
            Some(nodes) => nodes.push(extra_node),
            None => {
                obj.insert("nodes".into(), Value::Array(vec![extra_node]));
            }
        }
        obj.retain(|k, _| WRITABLE.contains(&k.as_str()));
        obj.entry("settings")
            .or_insert_with(|| serde_json::json!({}));
        obj.entry("connections")
            .or_insert_with(|| serde_json::json!({}));
        http::json(
            P,
            http::send(P, self.req(Method::PUT, &path)?.json(&body)).await?,
        )
        .await
    }

    pub async fn activate(&self, id: &str) -> Result<Workflow, ProviderError> {
        http::json(
            P,
            http::send(
                P,
                self.req(Method::POST, &format!("/workflows/{id}/activate"))?,
            )
            .await?,
        )
        .await
    }

    pub async fn deactivate(&self, id: &str) -> Result<Workflow, ProviderError> {
        let path = format!("/workflows/{id}/deactivate");
        http::json(P, http::send(P, self.req(Method::POST, &path)?).await?).await
    }

    pub async fn get(&self, id: &str) -> Result<Option<Workflow>, ProviderError> {
        match http::send(P, self.req(Method::GET, &format!("/workflows/{id}"))?).await {
            Ok(r) => http::json(P, r).await.map(Some),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The workflow as n8n exports it (every field), or `None` when it does not exist.
    pub async fn export(&self, id: &str) -> Result<Option<Value>, ProviderError> {
        match http::send(P, self.req(Method::GET, &format!("/workflows/{id}"))?).await {
            Ok(r) => http::json(P, r).await.map(Some),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes a workflow's definition back by id (`PUT`, only the fields the update accepts).
    /// n8n keeps an active workflow active across an update.
    pub async fn replace(&self, id: &str, workflow: &Value) -> Result<Workflow, ProviderError> {
        let mut body = workflow.clone();
        let Some(obj) = body.as_object_mut() else {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                "a workflow to write must be a JSON object",
            ));
        };
        obj.retain(|k, _| WRITABLE.contains(&k.as_str()));
        obj.entry("settings")
            .or_insert_with(|| serde_json::json!({}));
        obj.entry("connections")
            .or_insert_with(|| serde_json::json!({}));
        let path = format!("/workflows/{id}");
        http::json(
            P,
            http::send(P, self.req(Method::PUT, &path)?.json(&body)).await?,
        )
        .await
    }

    pub async fn delete(&self, id: &str) -> Result<(), ProviderError> {
        http::send(P, self.req(Method::DELETE, &format!("/workflows/{id}"))?)
            .await
            .map(|_| ())
    }
}
