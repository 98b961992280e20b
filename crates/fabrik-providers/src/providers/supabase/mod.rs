//! Supabase Management API (spec: supabase/management-api-v1-subset.openapi.json): organizations,
//! projects, their keys and SQL; their backups in `backups.rs`; one project's Auth admin API in
//! `auth.rs`; its Storage API in `storage.rs`; what a project uses in `usage.rs`.

mod auth;
mod backups;
mod claim;
#[cfg(test)]
mod recorded_tests;
mod storage;
mod usage;

pub use auth::{AuthMail, AuthMailConfig, AuthUser};
pub use backups::{BackupSchedule, Backups, PhysicalBackupData, ProviderBackup, RestorePoint};
pub use claim::{ClaimApp, ClaimToken};
pub use storage::{Downloaded, StorageObject, DOWNLOAD_TIMEOUT, MAX_OBJECTS, MAX_OBJECT_BYTES};
pub use usage::{ApiCount, ApiCounts, DatabaseFigures, DiskUse};

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::error::{ErrorKind, ProviderError};
use super::http;
use crate::secrets::{Provider, Secret};

const P: Provider = Provider::Supabase;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Organization {
    pub slug: String,
    #[serde(default)]
    pub name: String,
}

/// `RegionsInfo`: the recommended regions and all of them (smart groups are not used: a
/// project's region is chosen, not left to Supabase).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Regions {
    pub recommendations: RegionGroup,
    pub all: RegionGroup,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RegionGroup {
    #[serde(default)]
    pub specific: Vec<Region>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub provider: Option<String>,
    /// `capacity`: no new projects there for now.
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Project {
    #[serde(rename = "ref")]
    pub project_ref: String,
    pub name: String,
    #[serde(default)]
    pub organization_slug: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    pub status: String,
}

/// One service's health as the project reports it: `COMING_UP`, `ACTIVE_HEALTHY` or
/// `UNHEALTHY` (the deprecated `healthy` flag is not read).
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceHealth {
    pub name: String,
    pub status: String,
    #[serde(default)]
    pub error: Option<String>,
}

/// Whether Supabase locked the project's database read-only (spec:
/// v1-get-readonly-mode-status): past its plan's database size, until space is freed or the
/// plan changes; `override_enabled` while the lock is lifted for 15 minutes.
#[derive(Debug, Clone, Deserialize)]
pub struct ReadOnlyMode {
    pub enabled: bool,
    #[serde(default)]
    pub override_enabled: bool,
}

impl ReadOnlyMode {
    /// The database refuses every write now.
    pub fn locked(&self) -> bool {
        self.enabled && !self.override_enabled
    }
}

#[derive(Deserialize)]
struct ProjectPage {
    projects: Vec<Project>,
    pagination: Pagination,
}

#[derive(Deserialize)]
struct Pagination {
    count: u64,
}

#[derive(Deserialize)]
struct RawKey {
    name: String,
    #[serde(default)]
    api_key: Option<String>,
}

/// The two legacy JWT keys a project's API needs.
pub struct ApiKeys {
    pub anon: Secret,
    pub service_role: Secret,
}

pub struct Supabase {
    http: reqwest::Client,
    api: String,
    project_url: String,
    token: Secret,
}

impl Supabase {
    /// A request to one of the project's own services (`/auth/v1`, `/storage/v1`) as the
    /// project's service role: one place for the URL and the two headers both need.
    fn as_service(
        &self,
        method: Method,
        project_ref: &str,
        service: &str,
        path: &str,
        keys: &ApiKeys,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(
                method,
                format!("{}{service}{path}", self.project_url(project_ref)),
            )
            .header("apikey", keys.service_role.expose())
            .bearer_auth(keys.service_role.expose())
    }

    pub fn new(
        api: &str,
        project_url_template: &str,
        token: Secret,
        timeout: std::time::Duration,
    ) -> Supabase {
        Supabase {
            http: http::client(timeout),
            api: api.trim_end_matches('/').into(),
            project_url: project_url_template.into(),
            token,
        }
    }

    fn req(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.api))
            .bearer_auth(self.token.expose())
    }

    pub async fn list_organizations(&self) -> Result<Vec<Organization>, ProviderError> {
        let r = http::send(P, self.req(Method::GET, "/v1/organizations")).await?;
        http::json(P, r).await
    }

    /// The regions a new project of `org` can be made in (`v1-get-available-regions`), the
    /// recommended ones first.
    pub async fn available_regions(&self, org: &str) -> Result<Regions, ProviderError> {
        let req = self
            .req(Method::GET, "/v1/projects/available-regions")
            .query(&[("organization_slug", org)]);
        http::json(P, http::send(P, req).await?).await
    }

    /// Every project in the organization whose name `search` finds and `keep` accepts (the
    /// search is a substring match, and the list pages by 100).
    pub async fn find_projects(
        &self,
        org: &str,
        name: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Result<Vec<Project>, ProviderError> {
        let mut found = Vec::new();
        let mut offset = 0u64;
        // Bounded: 50 pages of 100 is far beyond any organization's project count.
        for _ in 0..50 {
            let req = self
                .req(Method::GET, &format!("/v1/organizations/{org}/projects"))
                .query(&[
                    ("search", name),
                    ("limit", "100"),
                    ("offset", &offset.to_string()),
                ]);
            let page: ProjectPage = http::json(P, http::send(P, req).await?).await?;
            let n = page.projects.len() as u64;
            found.extend(page.projects.into_iter().filter(|p| keep(&p.name)));
            offset += n;
            if n == 0 || offset >= page.pagination.count {
                break;
            }
        }
        Ok(found)
    }

    /// The organization's plan (`free`, `pro`, …); `None` when the answer leaves it out.
    pub async fn organization_plan(&self, org: &str) -> Result<Option<String>, ProviderError> {
        #[derive(Deserialize)]
        struct OrgDetail {
            #[serde(default)]
            plan: Option<String>,
        }
        let req = self.req(Method::GET, &format!("/v1/organizations/{org}"));
        let detail: OrgDetail = http::json(P, http::send(P, req).await?).await?;
        Ok(detail.plan)
    }

    /// How many projects of the organization hold a place on its plan: every one not paused.
    /// The list filters only by `ACTIVE_HEALTHY` and `INACTIVE` (spec:
    /// v1-list-all-projects-for-organization, `statuses`), and a project coming up or being
    /// restored holds a place too, so it is all of them less the paused ones: two pages of one,
    /// each count the pagination's.
    pub async fn projects_holding_a_place(&self, org: &str) -> Result<u64, ProviderError> {
        let (all, paused) = futures_util::future::try_join(
            self.count_projects(org, None),
            self.count_projects(org, Some("INACTIVE")),
        )
        .await?;
        Ok(all.saturating_sub(paused))
    }

    async fn count_projects(&self, org: &str, status: Option<&str>) -> Result<u64, ProviderError> {
        let mut query = vec![("limit", "1")];
        query.extend(status.map(|s| ("statuses", s)));
        let req = self
            .req(Method::GET, &format!("/v1/organizations/{org}/projects"))
            .query(&query);
        let page: ProjectPage = http::json(P, http::send(P, req).await?).await?;
        Ok(page.pagination.count)
    }

    pub async fn create_project(
        &self,
        org: &str,
        name: &str,
        region: &str,
        db_pass: &Secret,
    ) -> Result<Project, ProviderError> {
        // organization_slug and region_selection, not the deprecated organization_id/region.
        let body = json!({
            "name": name,
            "organization_slug": org,
            "db_pass": db_pass.expose(),
            "region_selection": { "type": "specific", "code": region },
        });
        let r = http::send(P, self.req(Method::POST, "/v1/projects").json(&body)).await?;
        http::json(P, r).await
    }

    pub async fn get_project(&self, project_ref: &str) -> Result<Project, ProviderError> {
        let r = http::send(
            P,
            self.req(Method::GET, &format!("/v1/projects/{project_ref}")),
        )
        .await?;
        http::json(P, r).await
    }

    /// The health of some of the project's services (spec: v1-get-services-health). The
    /// services go as one `services=` pair each, the form the spec's array parameter takes.
    pub async fn services_health(
        &self,
        project_ref: &str,
        services: &[&str],
    ) -> Result<Vec<ServiceHealth>, ProviderError> {
        let query: Vec<(&str, &str)> = services.iter().map(|s| ("services", *s)).collect();
        let req = self
            .req(Method::GET, &format!("/v1/projects/{project_ref}/health"))
            .query(&query);
        http::json(P, http::send(P, req).await?).await
    }

    /// The project's read-only mode (spec: v1-get-readonly-mode-status).
    pub async fn read_only_mode(&self, project_ref: &str) -> Result<ReadOnlyMode, ProviderError> {
        let req = self.req(Method::GET, &format!("/v1/projects/{project_ref}/readonly"));
        http::json(P, http::send(P, req).await?).await
    }

    pub async fn api_keys(&self, project_ref: &str) -> Result<ApiKeys, ProviderError> {
        let req = self
            .req(Method::GET, &format!("/v1/projects/{project_ref}/api-keys"))
            .query(&[("reveal", "true")]);
        let keys: Vec<RawKey> = http::json(P, http::send(P, req).await?).await?;
        let pick = |name: &str| {
            keys.iter()
                .find(|k| k.name == name)
                .and_then(|k| k.api_key.clone())
                .filter(|k| !k.is_empty())
        };
        match (pick("anon"), pick("service_role")) {
            (Some(a), Some(s)) => Ok(ApiKeys {
                anon: Secret::new(a),
                service_role: Secret::new(s),
            }),
            // Keys not served yet: the project is still coming up, so this is worth a retry.
            _ => Err(ProviderError::new(
                P,
                ErrorKind::Transient,
                "the project's API keys do not exist yet",
            )),
        }
    }

    /// Runs SQL on the project's database; the rows of the result (201 on success).
    pub async fn run_query(
        &self,
        project_ref: &str,
        sql: &str,
    ) -> Result<Vec<Value>, ProviderError> {
        self.run_query_with(project_ref, sql, &[]).await
    }

    /// One statement with `$1…` parameters (`V1RunQueryBody.parameters`): values from the
    /// register (names, e-mail addresses) never become SQL text.
    pub async fn run_query_with(
        &self,
        project_ref: &str,
        sql: &str,
        parameters: &[Value],
    ) -> Result<Vec<Value>, ProviderError> {
        self.query(project_ref, sql, parameters, None).await
    }

    /// One long statement (a backup's restore, which replaces a whole database in one
    /// transaction) with a timeout of its own instead of the client's per-call one.
    pub async fn run_query_within(
        &self,
        project_ref: &str,
        sql: &str,
        timeout: std::time::Duration,
    ) -> Result<Vec<Value>, ProviderError> {
        self.query(project_ref, sql, &[], Some(timeout)).await
    }

    async fn query(
        &self,
        project_ref: &str,
        sql: &str,
        parameters: &[Value],
        timeout: Option<std::time::Duration>,
    ) -> Result<Vec<Value>, ProviderError> {
        let mut body = json!({ "query": sql });
        if !parameters.is_empty() {
            body["parameters"] = Value::Array(parameters.to_vec());
        }
        let mut req = self
            .req(
                Method::POST,
                &format!("/v1/projects/{project_ref}/database/query"),
            )
            .json(&body);
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        let v: Value = http::json(P, http::send(P, req).await?).await?;
        Ok(match v {
            Value::Array(rows) => rows,
            Value::Null => Vec::new(),
            other => vec![other],
        })
    }

    pub async fn delete_project(&self, project_ref: &str) -> Result<(), ProviderError> {
        http::send(
            P,
            self.req(Method::DELETE, &format!("/v1/projects/{project_ref}")),
        )
        .await
        .map(|_| ())
    }

    /// Pauses the project (spec: v1-pause-a-project): `PAUSING`, then `INACTIVE`.
    pub async fn pause_project(&self, project_ref: &str) -> Result<(), ProviderError> {
        let path = format!("/v1/projects/{project_ref}/pause");
        http::send(P, self.req(Method::POST, &path))
            .await
            .map(|_| ())
    }

    /// Restores a paused project (spec: v1-restore-a-project): `RESTORING`, then `ACTIVE_HEALTHY`.
    pub async fn restore_project(&self, project_ref: &str) -> Result<(), ProviderError> {
        let path = format!("/v1/projects/{project_ref}/restore");
        http::send(P, self.req(Method::POST, &path))
            .await
            .map(|_| ())
    }

    pub fn project_url(&self, project_ref: &str) -> String {
        self.project_url.replace("{ref}", project_ref)
    }
}

/// What a read by id answers, `None` when there is nothing by that id (404).
async fn found<T: serde::de::DeserializeOwned>(
    req: reqwest::RequestBuilder,
) -> Result<Option<T>, ProviderError> {
    match http::send(P, req).await {
        Ok(r) => http::json(P, r).await.map(Some),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}
