//! Supabase Management API (spec: supabase/management-api-v1-subset.openapi.json) and one
//! project's Auth admin API (contract: supabase/auth admin.go, see contracts/README.md, section
//! "2. Supabase Auth admin").

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

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AuthUser {
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    /// When the last invitation went (an invited person has this and no confirmation yet).
    #[serde(default)]
    pub invited_at: Option<String>,
    #[serde(default)]
    pub email_confirmed_at: Option<String>,
    #[serde(default)]
    pub last_sign_in_at: Option<String>,
    /// Set while the person may not sign in (a revoked team member).
    #[serde(default)]
    pub banned_until: Option<String>,
    /// Only the service role writes it: where Fabrik's marker lives.
    #[serde(default)]
    pub app_metadata: Value,
}

/// What Fabrik reads back of a project's Auth configuration (`AuthConfigResponse`): the mail
/// settings it sets. The SMTP password is never read back.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuthMailConfig {
    #[serde(default)]
    pub site_url: Option<String>,
    #[serde(default)]
    pub smtp_host: Option<String>,
    /// A string in the spec; some answers carry a number.
    #[serde(default, deserialize_with = "text_or_number")]
    pub smtp_port: Option<String>,
    #[serde(default)]
    pub smtp_user: Option<String>,
    #[serde(default)]
    pub smtp_admin_email: Option<String>,
    #[serde(default)]
    pub smtp_sender_name: Option<String>,
    /// Emails the project's Auth sends an hour, at most.
    #[serde(default)]
    pub rate_limit_email_sent: Option<u32>,
    /// Seconds before the same address may be mailed again.
    #[serde(default)]
    pub smtp_max_frequency: Option<u32>,
}

fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// The mail settings Fabrik gives an instance's Auth: the agency's SMTP relay and sender.
pub struct AuthMail<'a> {
    pub smtp_host: &'a str,
    pub smtp_port: &'a str,
    pub smtp_user: &'a str,
    pub smtp_pass: &'a Secret,
    pub admin_email: &'a str,
    pub sender_name: &'a str,
    pub per_hour: u32,
    pub max_frequency: u32,
    /// Where the invitation's link leads (the instance's address), when known.
    pub site_url: Option<&'a str>,
}

impl AuthMailConfig {
    /// Whether the project's Auth sends through `host` from `sender` (what an invitation needs).
    pub fn relays(&self, host: &str, sender: &str) -> bool {
        self.smtp_host.as_deref() == Some(host)
            && self
                .smtp_admin_email
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(sender))
    }

    /// Whether the project sends as `want` says (the password aside, which is not readable).
    pub fn sends_as(&self, want: &AuthMail<'_>) -> bool {
        let is = |v: &Option<String>, w: &str| v.as_deref() == Some(w);
        self.relays(want.smtp_host, want.admin_email)
            && is(&self.smtp_port, want.smtp_port)
            && is(&self.smtp_user, want.smtp_user)
            && is(&self.smtp_sender_name, want.sender_name)
            && self.rate_limit_email_sent == Some(want.per_hour)
            && want.site_url.is_none_or(|u| is(&self.site_url, u))
    }
}

/// What Supabase itself keeps of a project's database (spec: `V1BackupsResponse`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Backups {
    pub region: String,
    /// Physical backups (WAL-G): the paid plans.
    pub walg_enabled: bool,
    /// Point-in-time recovery: the add-on.
    pub pitr_enabled: bool,
    pub backups: Vec<ProviderBackup>,
    #[serde(default)]
    pub physical_backup_data: PhysicalBackupData,
}

/// One of Supabase's backups of a project (`V1BackupsResponse.backups[]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ProviderBackup {
    pub id: i64,
    pub is_physical_backup: bool,
    /// `COMPLETED`, `FAILED`, `PENDING`, `REMOVED`, `ARCHIVED` or `CANCELLED`.
    pub status: String,
    pub inserted_at: String,
}

/// The span the physical backups (or, with PITR, the restorable window) cover, unix seconds.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PhysicalBackupData {
    #[serde(default)]
    pub earliest_physical_backup_date_unix: Option<i64>,
    #[serde(default)]
    pub latest_physical_backup_date_unix: Option<i64>,
}

/// A named restore point (`V1RestorePointResponse`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RestorePoint {
    pub name: String,
    /// `AVAILABLE`, `PENDING`, `REMOVED` or `FAILED`.
    pub status: String,
    #[serde(default)]
    pub completed_on: Option<String>,
}

/// When the daily backup runs (`V1BackupScheduleResponse`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct BackupSchedule {
    /// Time of day, UTC, `HH:MM:SS`.
    pub schedule_for: String,
    pub updated_at: String,
}

pub struct Supabase {
    http: reqwest::Client,
    api: String,
    project_url: String,
    token: Secret,
}

impl Supabase {
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

    /// Every project in the organization whose name matches exactly (the search is a substring
    /// match, and the list pages by 100).
    pub async fn find_projects(
        &self,
        org: &str,
        name: &str,
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
            found.extend(page.projects.into_iter().filter(|p| p.name == name));
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

    /// How many projects of the organization are in one of `statuses` (one page of one: the
    /// count is the pagination's).
    pub async fn count_projects(&self, org: &str, statuses: &[&str]) -> Result<u64, ProviderError> {
        let req = self
            .req(Method::GET, &format!("/v1/organizations/{org}/projects"))
            .query(&[("statuses", statuses.join(",").as_str()), ("limit", "1")]);
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

    /// Supabase's own backups of the project (spec: v1-list-all-backups).
    pub async fn backups(&self, project_ref: &str) -> Result<Backups, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/database/backups");
        http::json(P, http::send(P, self.req(Method::GET, &path)).await?).await
    }

    /// The database put back to a point in time (spec: v1-restore-pitr-backup, 201): only with
    /// the PITR add-on (otherwise 400 "PITR is not enabled for this project.", recorded).
    pub async fn restore_pitr(
        &self,
        project_ref: &str,
        recovery_time_target_unix: i64,
    ) -> Result<(), ProviderError> {
        let path = format!("/v1/projects/{project_ref}/database/backups/restore-pitr");
        let body = json!({ "recovery_time_target_unix": recovery_time_target_unix });
        http::send(P, self.req(Method::POST, &path).json(&body))
            .await
            .map(|_| ())
    }

    /// The database put back to one physical backup by its id (spec: v1-restore-physical-backup, 201).
    pub async fn restore_physical(
        &self,
        project_ref: &str,
        backup_id: i64,
    ) -> Result<(), ProviderError> {
        let path = format!("/v1/projects/{project_ref}/database/backups/restore");
        http::send(
            P,
            self.req(Method::POST, &path)
                .json(&json!({ "id": backup_id })),
        )
        .await
        .map(|_| ())
    }

    /// A named restore point (spec: v1-get-restore-point); `None` when there is none.
    pub async fn restore_point(
        &self,
        project_ref: &str,
        name: &str,
    ) -> Result<Option<RestorePoint>, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/database/backups/restore-point");
        let req = self.req(Method::GET, &path).query(&[("name", name)]);
        found(req).await
    }

    /// Makes a named restore point now (spec: v1-create-restore-point; a name of at most 20).
    pub async fn create_restore_point(
        &self,
        project_ref: &str,
        name: &str,
    ) -> Result<RestorePoint, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/database/backups/restore-point");
        let req = self.req(Method::POST, &path).json(&json!({ "name": name }));
        http::json(P, http::send(P, req).await?).await
    }

    /// When the daily backup runs (spec: v1-get-backup-schedule); `None` on a plan without one
    /// (402 "Feature requires a higher plan") or when there is no schedule (404).
    pub async fn backup_schedule(
        &self,
        project_ref: &str,
    ) -> Result<Option<BackupSchedule>, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/database/backups/schedule");
        match http::send(P, self.req(Method::GET, &path)).await {
            Ok(r) => http::json(P, r).await.map(Some),
            Err(e) if e.status == Some(402) || e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn project_url(&self, project_ref: &str) -> String {
        self.project_url.replace("{ref}", project_ref)
    }

    /// Creates a confirmed user through the project's Auth admin API, an administrator with
    /// `marker` (Fabrik's) in its `app_metadata`. `email_exists` comes back as a `Conflict` so
    /// the caller can adopt the user.
    pub async fn create_user(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        email: &str,
        password: &Secret,
        marker: &Value,
    ) -> Result<AuthUser, ProviderError> {
        let url = format!("{}/auth/v1/admin/users", self.project_url(project_ref));
        let req = self
            .http
            .post(url)
            .header("apikey", keys.service_role.expose())
            .bearer_auth(keys.service_role.expose())
            .header("X-Supabase-Api-Version", "2024-01-01")
            // The password is a one-time one (it goes out by e-mail): the app asks for a new one
            // at first login, which it reads from the user's metadata.
            .json(&json!({
                "email": email,
                "password": password.expose(),
                "email_confirm": true,
                "app_metadata": { "role": "admin", "fabrik": marker },
                "user_metadata": { "must_change_password": true },
            }));
        user_or_conflict(req).await
    }

    /// Gives a user a new password through the Auth admin API (`PUT /admin/users/{id}`), and
    /// asks the app to have it changed at the next login, as at first delivery.
    pub async fn set_user_password(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        user_id: &str,
        password: &Secret,
    ) -> Result<AuthUser, ProviderError> {
        let req = self
            .auth_admin(
                Method::PUT,
                project_ref,
                &format!("/admin/users/{user_id}"),
                keys,
            )
            .json(&json!({
                "password": password.expose(),
                "user_metadata": { "must_change_password": true },
            }));
        http::json(P, http::send(P, req).await?).await
    }

    /// The project's Auth configuration (spec: v1-get-auth-service-config), its mail part.
    pub async fn auth_config(&self, project_ref: &str) -> Result<AuthMailConfig, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/config/auth");
        http::json(P, http::send(P, self.req(Method::GET, &path)).await?).await
    }

    /// Makes the project's Auth send through `mail` (spec: v1-update-auth-service-config):
    /// invitations, confirmations and password resets leave from the agency's address, under
    /// the hourly limit given. Answers the configuration as it now stands.
    pub async fn set_auth_mail(
        &self,
        project_ref: &str,
        mail: &AuthMail<'_>,
    ) -> Result<AuthMailConfig, ProviderError> {
        let mut body = json!({
            "external_email_enabled": true,
            "smtp_host": mail.smtp_host,
            "smtp_port": mail.smtp_port,
            "smtp_user": mail.smtp_user,
            "smtp_pass": mail.smtp_pass.expose(),
            "smtp_admin_email": mail.admin_email,
            "smtp_sender_name": mail.sender_name,
            "smtp_max_frequency": mail.max_frequency,
            "rate_limit_email_sent": mail.per_hour,
        });
        if let Some(url) = mail.site_url {
            body["site_url"] = json!(url);
        }
        let path = format!("/v1/projects/{project_ref}/config/auth");
        let req = self.req(Method::PATCH, &path).json(&body);
        http::json(P, http::send(P, req).await?).await
    }

    fn auth_admin(
        &self,
        method: Method,
        project_ref: &str,
        path: &str,
        keys: &ApiKeys,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(
                method,
                format!("{}/auth/v1{path}", self.project_url(project_ref)),
            )
            .header("apikey", keys.service_role.expose())
            .bearer_auth(keys.service_role.expose())
    }

    /// Invites a person by email (GoTrue `POST /invite`): they are made unconfirmed and sent a
    /// link with which they set their own password. Asked again before they accepted, the
    /// invitation goes again; once they have, 422 `email_exists` comes back as a `Conflict`.
    pub async fn invite_user(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        email: &str,
        data: &Value,
    ) -> Result<AuthUser, ProviderError> {
        let req = self
            .auth_admin(Method::POST, project_ref, "/invite", keys)
            .json(&json!({ "email": email, "data": data }));
        user_or_conflict(req).await
    }

    /// One user by id (GoTrue `GET /admin/users/{id}`); `None` when there is none.
    pub async fn get_user(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        user_id: &str,
    ) -> Result<Option<AuthUser>, ProviderError> {
        let req = self.auth_admin(
            Method::GET,
            project_ref,
            &format!("/admin/users/{user_id}"),
            keys,
        );
        found(req).await
    }

    /// Changes a user's account (GoTrue `PUT /admin/users/{id}`): `ban_duration` ("876000h"
    /// bars signing in, "none" lifts it) and `app_metadata` (merged; only the service role
    /// writes it).
    pub async fn update_user(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        user_id: &str,
        change: &Value,
    ) -> Result<AuthUser, ProviderError> {
        let req = self
            .auth_admin(
                Method::PUT,
                project_ref,
                &format!("/admin/users/{user_id}"),
                keys,
            )
            .json(change);
        http::json(P, http::send(P, req).await?).await
    }

    /// Finds a user by email, paging through the admin list (bounded).
    pub async fn find_user(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        email: &str,
    ) -> Result<Option<AuthUser>, ProviderError> {
        Ok(self.users(project_ref, keys).await?.into_iter().find(|u| {
            u.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        }))
    }

    /// Every user of the project's Auth, pages of 100 (bounded: 20 pages).
    pub async fn users(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
    ) -> Result<Vec<AuthUser>, ProviderError> {
        #[derive(Deserialize)]
        struct Page {
            users: Vec<AuthUser>,
        }
        let mut all = Vec::new();
        for page in 1..=20 {
            let req = self
                .auth_admin(Method::GET, project_ref, "/admin/users", keys)
                .query(&[("page", page.to_string()), ("per_page", "100".to_string())]);
            let p: Page = http::json(P, http::send(P, req).await?).await?;
            let n = p.users.len();
            all.extend(p.users);
            if n < 100 {
                break;
            }
        }
        Ok(all)
    }
}

/// A user made (201/200), or GoTrue's 422 `email_exists` as a `Conflict`, so the caller can
/// adopt or name the person who is there already.
async fn user_or_conflict(req: reqwest::RequestBuilder) -> Result<AuthUser, ProviderError> {
    match http::send(P, req).await {
        Ok(r) => http::json(P, r).await,
        Err(mut e) if e.status == Some(422) && e.code.as_deref() == Some("email_exists") => {
            e.kind = ErrorKind::Conflict;
            Err(e)
        }
        Err(e) => Err(e),
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
