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

/// Of n8n's metrics only the first lines are read: `n8n_version_info` comes early.
const METRICS_BYTES: usize = 256 * 1024;

/// `n8n_version_info{version="v1.97.1",major="1",…} 1` → `1.97.1`.
fn version_info(metrics: &str) -> Option<String> {
    let line = metrics
        .lines()
        .find(|l| l.starts_with("n8n_version_info{"))?;
    let rest = &line[line.find("version=\"")? + "version=\"".len()..];
    let v = &rest[..rest.find('"')?];
    let v = v.strip_prefix('v').unwrap_or(v);
    (!v.is_empty() && v.len() <= 40).then(|| v.to_string())
}

/// The major version of `1.97.1` or `2.3.0`.
fn major(version: &str) -> Option<u32> {
    version.split('.').next()?.parse().ok()
}

/// How a workflow is switched on and off, by the server's version: n8n 2 calls it publishing
/// (`POST /workflows/{id}/publish`, `/unpublish`; its source's description: "In n8n v1, this
/// action was termed activating a workflow") and keeps `/activate` and `/deactivate` as
/// deprecated; n8n 1 has only those. A server whose version cannot be read (metrics off) is
/// asked as n8n 1, which both answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    Activate,
    Publish,
}

impl Switch {
    fn of(major: Option<u32>) -> Switch {
        match major {
            Some(m) if m >= 2 => Switch::Publish,
            _ => Switch::Activate,
        }
    }

    fn on(self) -> &'static str {
        match self {
            Switch::Activate => "activate",
            Switch::Publish => "publish",
        }
    }

    fn off(self) -> &'static str {
        match self {
            Switch::Activate => "deactivate",
            Switch::Publish => "unpublish",
        }
    }
}

pub struct N8n {
    http: reqwest::Client,
    api: String,
    key: Secret,
    /// The server's major version, read once (from its metrics) when a workflow is first
    /// switched on or off; `None` inside when it cannot be read.
    major: tokio::sync::OnceCell<Option<u32>>,
}

impl N8n {
    pub fn new(api: &str, key: Secret, timeout: std::time::Duration) -> N8n {
        N8n {
            http: http::client(timeout),
            api: api.trim_end_matches('/').into(),
            key,
            major: tokio::sync::OnceCell::new(),
        }
    }

    /// How this server switches a workflow on and off (`Switch`). A failed read of the
    /// version is not kept: the next switch asks again, and this one goes as on n8n 1.
    pub async fn switch(&self) -> Switch {
        let major = self
            .major
            .get_or_try_init(|| async {
                self.version().await.map(|v| v.as_deref().and_then(major))
            })
            .await;
        Switch::of(major.ok().copied().flatten())
    }

    /// The instance's version, from `n8n_version_info` in its Prometheus metrics (`GET
    /// /metrics` beside the API): n8n's public API has no version endpoint, and serves metrics
    /// only when `N8N_METRICS` is on. `None` when they are off (404).
    pub async fn version(&self) -> Result<Option<String>, ProviderError> {
        let origin = self.api.strip_suffix("/api/v1").unwrap_or(&self.api);
        if origin.is_empty() {
            return Ok(None);
        }
        let req = self.http.get(format!("{origin}/metrics"));
        let resp = match http::send(P, req).await {
            Ok(r) => r,
            Err(e) if e.kind == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let body = http::read_body(P, resp, METRICS_BYTES).await?;
        Ok(version_info(&body.text()))
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

    /// Switches the workflow on: publishes it on n8n 2, activates it on n8n 1 (`Switch`).
    pub async fn activate(&self, id: &str) -> Result<Workflow, ProviderError> {
        let path = format!("/workflows/{id}/{}", self.switch().await.on());
        http::json(P, http::send(P, self.req(Method::POST, &path)?).await?).await
    }

    /// Switches the workflow off: unpublishes it on n8n 2, deactivates it on n8n 1.
    pub async fn deactivate(&self, id: &str) -> Result<Workflow, ProviderError> {
        let path = format!("/workflows/{id}/{}", self.switch().await.off());
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

/// A workflow's executions on one day (UTC): all of them, and the failed ones (`error` or
/// `crashed`), `None` when some execution did not say its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayExecutions {
    pub total: u64,
    pub failed: Option<u64>,
}

/// At most this many pages of 250 executions are read (10,000 on a day); beyond it the day's
/// count is not known and is not reported.
pub const MAX_EXECUTION_PAGES: usize = 40;

impl N8n {
    /// The executions of workflow `id` that started on `day` (`GET /executions?workflowId=`,
    /// newest first, by cursor), read until one started before the day. One listing gives both
    /// counts: each execution carries its status.
    pub async fn executions_on(
        &self,
        id: &str,
        day: chrono::NaiveDate,
    ) -> Result<DayExecutions, ProviderError> {
        #[derive(Deserialize)]
        struct Execution {
            #[serde(rename = "startedAt", default)]
            started_at: Option<String>,
            #[serde(default)]
            status: Option<String>,
        }
        #[derive(Deserialize)]
        struct Page {
            #[serde(default)]
            data: Vec<Execution>,
            #[serde(rename = "nextCursor", default)]
            next_cursor: Option<String>,
        }
        let mut counted = DayExecutions {
            total: 0,
            failed: Some(0),
        };
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_EXECUTION_PAGES {
            let mut req = self
                .req(Method::GET, "/executions")?
                .query(&[("workflowId", id), ("limit", "250")]);
            if let Some(c) = &cursor {
                req = req.query(&[("cursor", c)]);
            }
            let page: Page = http::json(P, http::send(P, req).await?).await?;
            let mut before = false;
            for e in &page.data {
                let started = e
                    .started_at
                    .as_deref()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.with_timezone(&chrono::Utc).date_naive());
                match started {
                    Some(d) if d == day => {
                        counted.total += 1;
                        counted.failed = match (counted.failed, e.status.as_deref()) {
                            (Some(n), Some("error" | "crashed")) => Some(n + 1),
                            (Some(n), Some(_)) => Some(n),
                            _ => None,
                        };
                    }
                    Some(d) if d < day => before = true,
                    _ => {}
                }
            }
            match page.next_cursor {
                Some(c) if !c.is_empty() && !before && !page.data.is_empty() => cursor = Some(c),
                _ => return Ok(counted),
            }
        }
        Err(ProviderError::new(
            P,
            ErrorKind::TooLarge,
            format!("> {} executions", MAX_EXECUTION_PAGES * 250),
        ))
    }
}

#[cfg(test)]
mod version_tests {
    #[test]
    fn the_version_is_read_from_its_metric() {
        let m = "# HELP n8n_version_info n8n version info.\n# TYPE n8n_version_info gauge\nn8n_version_info{version=\"v1.97.1\",major=\"1\",minor=\"97\",patch=\"1\"} 1\n";
        assert_eq!(super::version_info(m).as_deref(), Some("1.97.1"));
        assert_eq!(super::version_info("process_cpu 1\n"), None);
        assert_eq!(
            super::version_info("n8n_version_info{version=\"\"} 1"),
            None
        );
    }

    #[test]
    fn n8n_2_publishes_and_n8n_1_or_an_unknown_server_activates() {
        use super::{major, Switch};
        assert_eq!(Switch::of(major("2.3.0")), Switch::Publish);
        assert_eq!(Switch::of(major("10.0.1")), Switch::Publish);
        assert_eq!(Switch::of(major("1.97.1")), Switch::Activate);
        assert_eq!(Switch::of(major("next")), Switch::Activate);
        assert_eq!(Switch::of(None), Switch::Activate);
        assert_eq!(
            (Switch::Publish.on(), Switch::Publish.off()),
            ("publish", "unpublish")
        );
        assert_eq!(
            (Switch::Activate.on(), Switch::Activate.off()),
            ("activate", "deactivate")
        );
    }
}
