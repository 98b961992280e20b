//! Vercel REST (spec: vercel/vercel-subset.openapi.json). Every call may act for a team
//! (`teamId`); without one it acts for the token's personal account. Custom domains are in
//! `domains.rs`.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::error::{ErrorKind, ProviderError};
use super::http;
use crate::secrets::{Provider, Secret};

const P: Provider = Provider::Vercel;

mod domains;
mod transfer;
mod usage;

pub use domains::{domain_name, DomainChallenge, DomainConfig, ProjectDomain};
pub use transfer::TRANSFER_CODE_HOURS;
pub use usage::MAX_DEPLOYMENT_PAGES;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub email: Option<String>,
}

/// The next page's `until` in Vercel's paging (`pagination.next`, a timestamp): none when the
/// list is done, or when the cursor would not move back in time (the same page again, a loop).
pub(crate) fn next_until(
    pagination: &serde_json::Value,
    empty: bool,
    until: Option<i64>,
) -> Option<i64> {
    let next = &pagination["next"];
    let n = next.as_i64().or_else(|| next.as_f64().map(|f| f as i64))?;
    (!empty && until.is_none_or(|u| n < u)).then_some(n)
}

/// Pages of 100 the teams list is followed for at most: 2,000 teams.
pub const MAX_TEAM_PAGES: usize = 20;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Team {
    pub id: String,
    pub slug: String,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ProjectLink {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub repo: Option<String>,
    #[serde(default, rename = "repoId")]
    pub repo_id: Option<Value>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Project {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub link: Option<ProjectLink>,
    /// The project's variables as the project read answers them (plain values readable).
    #[serde(default)]
    pub env: Vec<ProjectEnv>,
    /// Per target, the deployment it serves (`targets.production.id` is what the production
    /// domains point at); values may be `null`.
    #[serde(default)]
    pub targets: Option<Value>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ProjectEnv {
    pub key: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

impl Project {
    /// The deployment the production domains serve now, if any.
    pub fn production_deployment(&self) -> Option<&str> {
        self.targets.as_ref()?["production"]["id"].as_str()
    }

    /// A plain variable's value (the ownership marker is one).
    pub fn plain_env(&self, key: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|e| e.key == key && e.kind.as_deref() == Some("plain"))
            .and_then(|e| e.value.as_deref())
    }
}

/// A variable as the env listing describes it, without its value.
#[derive(Debug, Clone, Deserialize)]
pub struct EnvEntry {
    pub key: String,
    /// One target or several (`production`, `preview`, `development`).
    #[serde(default, deserialize_with = "one_or_many")]
    pub target: Vec<String>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

/// The env listing's answer: `{envs}` or `{envs, pagination}`, or one variable on its own.
#[derive(Deserialize)]
#[serde(untagged)]
enum EnvListing {
    Many { envs: Vec<EnvEntry> },
    One(EnvEntry),
}

impl EnvListing {
    fn entries(self) -> Vec<EnvEntry> {
        match self {
            EnvListing::Many { envs } => envs,
            EnvListing::One(e) => vec![e],
        }
    }
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
        Nothing(()),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
        OneOrMany::Nothing(()) => Vec::new(),
    })
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Deployment {
    pub id: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(rename = "readyState", alias = "state", default)]
    pub ready_state: String,
    #[serde(rename = "errorMessage", default)]
    pub error_message: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    /// The project it belongs to (`projectId`; the limited form of the answer has none).
    #[serde(rename = "projectId", default)]
    pub project_id: Option<String>,
    /// The domains assigned to the deployment: for a production one, the project's production
    /// domains (custom ones and `<name>.vercel.app`), once `aliasAssigned`.
    #[serde(default)]
    pub alias: Vec<String>,
    /// Branch and deployment aliases Vercel adds by itself (never the production domain).
    #[serde(rename = "automaticAliases", default)]
    pub automatic_aliases: Vec<String>,
}

impl Deployment {
    /// The domain a visitor reaches the production site on: a custom domain when one is
    /// assigned, else the shortest `*.vercel.app` alias (`<name>.vercel.app`, or the suffixed
    /// name Vercel picked when that was taken). Never the per-deployment URL or a branch
    /// alias: those sit behind Deployment Protection.
    pub fn production_domain(&self) -> Option<String> {
        let own = self.url.as_deref().map(host_of);
        let candidates: Vec<String> = self
            .alias
            .iter()
            .map(|a| host_of(a).to_ascii_lowercase())
            .filter(|a| !a.is_empty() && Some(a.as_str()) != own.as_deref())
            .filter(|a| !self.automatic_aliases.iter().any(|x| host_of(x) == *a))
            .filter(|a| !a.contains("-git-"))
            .collect();
        let custom = candidates.iter().find(|a| !a.ends_with(".vercel.app"));
        custom
            .or_else(|| candidates.iter().min_by_key(|a| a.len()))
            .cloned()
    }
}

/// One deployment as the listing describes it (`getDeployments`): named by `uid`, not `id`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ListedDeployment {
    pub uid: String,
    /// `null` while the deployment has not finished uploading.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(rename = "projectId", default)]
    pub project_id: Option<String>,
    /// When it was created (ms since the epoch).
    #[serde(default)]
    pub created: f64,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(rename = "readyState", default)]
    pub ready_state: Option<String>,
    /// `production`, `staging`, or `null` for a preview.
    #[serde(default)]
    pub target: Option<String>,
    /// What the Git provider said (`githubCommitSha`, `githubCommitRef`, `githubCommitMessage`).
    #[serde(default)]
    pub meta: std::collections::BTreeMap<String, Value>,
}

impl ListedDeployment {
    /// `readyState`, else `state` (the listing gives both, with the same words).
    pub fn state(&self) -> &str {
        self.ready_state
            .as_deref()
            .or(self.state.as_deref())
            .unwrap_or("")
    }

    /// A value of `meta` that is text (`githubCommitSha`, …).
    pub fn meta_text(&self, key: &str) -> Option<&str> {
        self.meta
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// `example.se` from `https://example.se/` or `example.se`.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or("").to_string()
}

/// What an env upsert saved, and the items Vercel reported as failed inside its 201.
#[derive(Debug)]
pub struct EnvSaved {
    pub saved: usize,
    pub failed: Vec<EnvItemFailure>,
}

/// One item Vercel could not save, as its `failed[].error` says.
#[derive(Debug, Clone)]
pub struct EnvItemFailure {
    pub key: String,
    pub code: String,
    pub message: String,
}

impl EnvItemFailure {
    fn read(error: &Value) -> EnvItemFailure {
        let text = |k: &str| error[k].as_str().unwrap_or("").to_string();
        let key = error["key"]
            .as_str()
            .or(error["envVarKey"].as_str())
            .unwrap_or("?");
        EnvItemFailure {
            key: key.to_string(),
            code: text("code"),
            message: text("message"),
        }
    }

    /// Definitive when it says the item itself is wrong (an invalid key or value, a target or
    /// type that is not allowed, too large); anything else (an update already going on, a
    /// hiccup) is tried again. Vercel does not document its item codes; the words decide.
    pub fn is_definitive(&self) -> bool {
        let said = format!("{} {}", self.code, self.message).to_ascii_lowercase();
        [
            "invalid",
            "forbidden",
            "not allowed",
            "not_allowed",
            "too large",
            "too_long",
            "exceeds",
            "reserved",
            "already exists",
        ]
        .iter()
        .any(|w| said.contains(w))
    }
}

/// One environment variable to upsert; sensitive values are never readable back.
pub struct EnvVar {
    pub key: String,
    pub value: EnvValue,
    pub sensitive: bool,
}

/// A variable's value: the keys are secrets; the URL, slug and modules are not, and must not be
/// registered with the redactor (it would scrub the customer's slug from every log line).
pub enum EnvValue {
    Plain(String),
    Secret(Secret),
}

impl EnvValue {
    fn expose(&self) -> &str {
        match self {
            EnvValue::Plain(s) => s,
            EnvValue::Secret(s) => s.expose(),
        }
    }
}

/// A project id or name as one path segment, percent-encoded; never empty or a dot segment.
fn project_segment(id_or_name: &str) -> Result<String, ProviderError> {
    if matches!(id_or_name.trim(), "" | "." | "..") {
        return Err(ProviderError::new(
            P,
            ErrorKind::Invalid,
            format!("\"{id_or_name}\" is not a project"),
        ));
    }
    Ok(id_or_name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect())
}

pub struct Vercel {
    http: reqwest::Client,
    api: String,
    token: Secret,
    team_id: Option<String>,
}

impl Vercel {
    pub fn new(
        api: &str,
        token: Secret,
        team_id: Option<String>,
        timeout: std::time::Duration,
    ) -> Vercel {
        Vercel {
            http: http::client(timeout),
            api: api.trim_end_matches('/').into(),
            token,
            team_id: team_id.filter(|t| !t.is_empty()),
        }
    }

    fn req(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let r = self
            .http
            .request(method, format!("{}{path}", self.api))
            .bearer_auth(self.token.expose());
        match &self.team_id {
            Some(t) => r.query(&[("teamId", t)]),
            None => r,
        }
    }

    pub async fn user(&self) -> Result<User, ProviderError> {
        #[derive(Deserialize)]
        struct Wrap {
            user: User,
        }
        let r = http::send(
            P,
            self.http
                .get(format!("{}/v2/user", self.api))
                .bearer_auth(self.token.expose()),
        )
        .await?;
        Ok(http::json::<Wrap>(P, r).await?.user)
    }

    /// Every team the token's user belongs to, following the pages (spec: getTeams,
    /// `pagination.next` as `until`), at most [`MAX_TEAM_PAGES`] of 100.
    pub async fn teams(&self) -> Result<Vec<Team>, ProviderError> {
        #[derive(Deserialize)]
        struct TeamPage {
            teams: Vec<Team>,
            #[serde(default)]
            pagination: serde_json::Value,
        }
        let mut all: Vec<Team> = Vec::new();
        let mut until: Option<i64> = None;
        for _ in 0..MAX_TEAM_PAGES {
            let mut req = self
                .http
                .get(format!("{}/v2/teams", self.api))
                .bearer_auth(self.token.expose())
                .query(&[("limit", "100")]);
            if let Some(u) = until {
                req = req.query(&[("until", u.to_string())]);
            }
            let page: TeamPage = http::json(P, http::send(P, req).await?).await?;
            let empty = page.teams.is_empty();
            for t in page.teams {
                if !all.iter().any(|x| x.id == t.id) {
                    all.push(t);
                }
            }
            match next_until(&page.pagination, empty, until) {
                Some(n) => until = Some(n),
                None => break,
            }
        }
        Ok(all)
    }

    /// By id or by name; `None` when it does not exist.
    pub async fn project(&self, id_or_name: &str) -> Result<Option<Project>, ProviderError> {
        match http::send(
            P,
            self.req(Method::GET, &format!("/v9/projects/{id_or_name}")),
        )
        .await
        {
            Ok(r) => http::json(P, r).await.map(Some),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn create_project(
        &self,
        name: &str,
        repo_full_name: &str,
        framework: &str,
        marker_env: &[Value],
    ) -> Result<Project, ProviderError> {
        let body = json!({
            "name": name, "framework": framework,
            "gitRepository": { "type": "github", "repo": repo_full_name },
            "environmentVariables": marker_env,
        });
        let r = http::send(P, self.req(Method::POST, "/v11/projects").json(&body)).await?;
        http::json(P, r).await
    }

    /// Upserts every variable for all targets. A 201 can still carry failures in `failed`,
    /// per item: they come back for the caller to retry (transient) or report (definitive).
    pub async fn upsert_env(
        &self,
        project_id: &str,
        vars: &[EnvVar],
    ) -> Result<EnvSaved, ProviderError> {
        let body: Vec<Value> = vars
            .iter()
            .map(|v| {
                json!({
                    "key": v.key,
                    "value": v.value.expose(),
                    "type": if v.sensitive { "sensitive" } else { "encrypted" },
                    "target": if v.sensitive { json!(["production", "preview"]) } else { json!(["production", "preview", "development"]) },
                })
            })
            .collect();
        let req = self
            .req(Method::POST, &format!("/v10/projects/{project_id}/env"))
            .query(&[("upsert", "true")])
            .json(&body);
        let v: Value = http::json(P, http::send(P, req).await?).await?;
        let failed = v["failed"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| EnvItemFailure::read(&f["error"]))
            .collect();
        Ok(EnvSaved {
            saved: match &v["created"] {
                Value::Array(a) => a.len(),
                Value::Null => 0,
                _ => 1,
            },
            failed,
        })
    }

    /// Writes one variable exactly as given (the ownership marker, a `plain` variable; see
    /// `provision::ownership::vercel_env`), replacing one by the same key and target.
    pub async fn put_env(&self, project_id: &str, var: &Value) -> Result<(), ProviderError> {
        let req = self
            .req(Method::POST, &format!("/v10/projects/{project_id}/env"))
            .query(&[("upsert", "true")])
            .json(var);
        http::send(P, req).await.map(|_| ())
    }

    /// The project's variables: keys, targets and types, never their values (not decrypted).
    /// The spec allows three answers: one variable, `{envs}`, or `{envs, pagination}`.
    pub async fn env_list(&self, project_id: &str) -> Result<Vec<EnvEntry>, ProviderError> {
        let req = self.req(Method::GET, &format!("/v10/projects/{project_id}/env"));
        let answer: EnvListing = http::json(P, http::send(P, req).await?).await?;
        Ok(answer.entries())
    }

    /// The project's newest deployments for `target` (`production`), newest first, at most
    /// `limit` (the listing's own bound is 100). `project_id` is the ledger's id.
    pub async fn deployments(
        &self,
        project_id: &str,
        target: &str,
        limit: u32,
    ) -> Result<Vec<ListedDeployment>, ProviderError> {
        #[derive(Deserialize)]
        struct Wrap {
            deployments: Vec<ListedDeployment>,
        }
        let limit = limit.clamp(1, 100).to_string();
        let req = self.req(Method::GET, "/v6/deployments").query(&[
            ("projectId", project_id),
            ("target", target),
            ("limit", limit.as_str()),
        ]);
        let w: Wrap = http::json(P, http::send(P, req).await?).await?;
        // Only the project asked for (`projectId` is required on every item), whatever the
        // filter made of an id that is also some project's name.
        Ok(w.deployments
            .into_iter()
            .filter(|d| d.project_id.as_deref() == Some(project_id))
            .collect())
    }

    /// A production deployment of `git_ref` of the repository with id `repo_id`, into the
    /// project with id `project_id`: both by their immutable ids (`project` overrides `name`,
    /// and `gitSource.repoId` names no repository by a name someone else could take).
    pub async fn create_deployment(
        &self,
        (project_id, project_name): (&str, &str),
        repo_id: u64,
        git_ref: &str,
    ) -> Result<Deployment, ProviderError> {
        let body = json!({
            "name": project_name,
            "project": project_id,
            "target": "production",
            "gitSource": { "type": "github", "repoId": repo_id, "ref": git_ref },
        });
        let req = self
            .req(Method::POST, "/v13/deployments")
            .query(&[("skipAutoDetectionConfirmation", "1")])
            .json(&body);
        http::json(P, http::send(P, req).await?).await
    }

    pub async fn deployment(&self, id: &str) -> Result<Deployment, ProviderError> {
        http::json(
            P,
            http::send(P, self.req(Method::GET, &format!("/v13/deployments/{id}"))).await?,
        )
        .await
    }

    /// Points the project's production domains at an existing deployment without building it
    /// again (`requestPromote`, 201 or 202): how "Uppdatera moduler" gives production back to
    /// the deployment it replaced, and how a `promote` run rolls production back.
    pub async fn promote(
        &self,
        project_id: &str,
        deployment_id: &str,
    ) -> Result<(), ProviderError> {
        let path = format!("/v10/projects/{project_id}/promote/{deployment_id}");
        http::send(P, self.req(Method::POST, &path))
            .await
            .map(|_| ())
    }

    pub async fn delete_project(&self, id_or_name: &str) -> Result<(), ProviderError> {
        http::send(
            P,
            self.req(Method::DELETE, &format!("/v9/projects/{id_or_name}")),
        )
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod production_domain_tests;

#[cfg(test)]
mod env_listing_tests;
