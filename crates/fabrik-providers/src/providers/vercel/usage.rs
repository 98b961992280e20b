//! How often a project went to production (`getDeployments`), for its usage.

use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

use super::{Vercel, P};
use crate::providers::error::{ErrorKind, ProviderError};
use crate::providers::http;

/// At most this many pages of 100 are read: Hobby allows 100 deployments a day, so a month of
/// a busy project fits; beyond it the count is not known and is not reported.
pub const MAX_DEPLOYMENT_PAGES: usize = 40;

impl Vercel {
    /// The project's production deployments created at or after `since_ms` (ms since the
    /// epoch), newest first page by page (`pagination.next` is the next page's `until`).
    /// `TooLarge` past `MAX_DEPLOYMENT_PAGES`.
    pub async fn production_deployments_since(
        &self,
        project_id: &str,
        since_ms: i64,
    ) -> Result<u64, ProviderError> {
        #[derive(Deserialize)]
        struct Item {
            #[serde(rename = "projectId", default)]
            project_id: Option<String>,
            #[serde(default)]
            created: Option<f64>,
        }
        #[derive(Deserialize)]
        struct Page {
            deployments: Vec<Item>,
            #[serde(default)]
            pagination: Option<Value>,
        }
        let since = since_ms.to_string();
        let mut until: Option<i64> = None;
        let mut count = 0u64;
        for _ in 0..MAX_DEPLOYMENT_PAGES {
            let mut req = self.req(Method::GET, "/v6/deployments").query(&[
                ("projectId", project_id),
                ("target", "production"),
                ("since", since.as_str()),
                ("limit", "100"),
            ]);
            if let Some(u) = until {
                req = req.query(&[("until", u.to_string())]);
            }
            let page: Page = http::json(P, http::send(P, req).await?).await?;
            // Only the project asked for, and only since the start (whatever the filter did).
            count += page
                .deployments
                .iter()
                .filter(|d| d.project_id.as_deref() == Some(project_id))
                .filter(|d| d.created.is_none_or(|c| c >= since_ms as f64))
                .count() as u64;
            let pagination = page.pagination.unwrap_or_default();
            match super::next_until(&pagination, page.deployments.is_empty(), until) {
                Some(n) => until = Some(n),
                None => return Ok(count),
            }
        }
        Err(ProviderError::new(
            P,
            ErrorKind::TooLarge,
            format!("> {} deployments", MAX_DEPLOYMENT_PAGES * 100),
        ))
    }
}
