//! GitHub REST through octocrab (spec: github/github-rest-subset.openapi.json). octocrab owns
//! authentication, the base URL and the connection; the raw `_get`/`_post`/`_delete` calls keep
//! the response headers (scopes, rate limits) that the typed API would drop.

use std::time::Duration;

use http::Response;
use octocrab::Octocrab;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::error::{ErrorKind, ProviderError};
use super::http::CONNECT_TIMEOUT;
use super::pacer;
use crate::secrets::{redact, Provider, Secret};

const P: Provider = Provider::Github;

mod bundle;
mod contents;
pub mod git;
mod transfer;

pub use transfer::Transferring;

pub use bundle::{BundleRef, Bundled, MAX_BUNDLE_BYTES};

/// How many pages of 100 repositories `by_id` reads at most (10,000 repositories).
const MAX_LIST_PAGES: u32 = 100;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Owner {
    pub login: String,
    /// `User` or `Organization`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// What the token may do in a repository (`repos/list-for-authenticated-user` sends it).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Permissions {
    #[serde(default)]
    pub admin: bool,
    #[serde(default)]
    pub push: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TemplateRef {
    pub full_name: String,
    /// GitHub gives the template as a whole repository; its branch saves reading it again.
    #[serde(default)]
    pub default_branch: Option<String>,
}

/// A file in a repository, as the contents API gives it.
#[derive(Debug, Clone)]
pub struct RepoFile {
    pub sha: String,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Repo {
    /// Where Fabrik writes its ownership marker (see provision::ownership).
    #[serde(default)]
    pub description: Option<String>,
    pub id: u64,
    pub name: String,
    pub full_name: String,
    pub owner: Owner,
    pub html_url: String,
    #[serde(default)]
    pub private: bool,
    /// Archived: read-only for everyone until someone unarchives it.
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub is_template: bool,
    #[serde(default)]
    pub template_repository: Option<TemplateRef>,
    #[serde(default)]
    pub default_branch: Option<String>,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub permissions: Option<Permissions>,
    /// Where git clones it over HTTPS (`bundle.rs`).
    #[serde(default)]
    pub clone_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct User {
    pub login: String,
    /// `X-OAuth-Scopes`; `None` for fine-grained tokens, which have no scopes to list.
    pub scopes: Option<Vec<String>>,
    /// When the token stops working, for a token made with an expiry
    /// (`GitHub-Authentication-Token-Expiration`, `2026-12-01 10:00:00 UTC`).
    pub expires: Option<chrono::DateTime<chrono::Utc>>,
}

/// octocrab's read timeout surfaces as an `io::Error` of kind `TimedOut` somewhere in the chain.
fn caused_by_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        cur = err.source();
    }
    false
}

pub struct Github {
    /// Made at the first call (`octo`): building it loads the system's TLS roots from disk,
    /// and most runs (every schema roll-out's) never call GitHub. The error is kept as said.
    octo: std::sync::OnceLock<Result<Octocrab, String>>,
    /// The API's base URL and the token, for what goes past octocrab: git's own clone.
    api: String,
    token: Secret,
    timeout: Duration,
    /// Which budget of the shared pacer this token spends.
    account: u64,
}

type Body = http_body_util::combinators::BoxBody<bytes::Bytes, octocrab::Error>;

/// octocrab's answer, read by the providers' one bounded reader (`http::read_limited`).
struct Octo(Response<Body>);

impl super::http::Chunks for Octo {
    fn announced(&self) -> Option<u64> {
        self.0
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse().ok())
    }

    async fn next_chunk(&mut self) -> Result<Option<bytes::Bytes>, ProviderError> {
        use http_body_util::BodyExt as _;
        loop {
            match self.0.body_mut().frame().await {
                None => return Ok(None),
                Some(Err(e)) => {
                    let mut err = ProviderError::new(
                        P,
                        ErrorKind::Transient,
                        format!("the connection broke ({})", redact(&e.to_string())),
                    );
                    err.timed_out = caused_by_timeout(&e);
                    return Err(err);
                }
                // Trailers carry nothing read here.
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        return Ok(Some(data));
                    }
                }
            }
        }
    }
}

impl Github {
    pub fn new(api: &str, token: &Secret, timeout: Duration) -> Result<Github, ProviderError> {
        // The address is checked here, as octocrab reads it, so a wrong one is said at once.
        api.trim_end_matches('/')
            .parse::<http::Uri>()
            .map_err(|e| {
                ProviderError::new(P, ErrorKind::Invalid, format!("ogiltig GitHub-adress: {e}"))
            })?;
        let account = pacer::account(api, token.expose().as_bytes());
        Ok(Github {
            octo: std::sync::OnceLock::new(),
            api: api.trim_end_matches('/').to_string(),
            token: token.clone(),
            timeout,
            account,
        })
    }

    /// octocrab's client for this address and token, made once.
    fn octo(&self) -> Result<&Octocrab, ProviderError> {
        let made = self.octo.get_or_init(|| {
            Octocrab::builder()
                .base_uri(self.api.as_str())
                .and_then(|b| {
                    b.personal_token(self.token.expose().to_string())
                        .add_header(http::header::ACCEPT, "application/vnd.github+json".into())
                        .add_header(
                            http::HeaderName::from_static("x-github-api-version"),
                            "2022-11-28".into(),
                        )
                        .set_connect_timeout(Some(CONNECT_TIMEOUT))
                        .set_read_timeout(Some(self.timeout))
                        .set_write_timeout(Some(self.timeout))
                        .build()
                })
                .map_err(|e| redact(&e.to_string()))
        });
        made.as_ref().map_err(|e| {
            ProviderError::new(P, ErrorKind::Invalid, format!("ogiltig GitHub-adress: {e}"))
        })
    }

    /// One exchange, sent when the token's budgets allow (the shared pacer). `request` makes
    /// octocrab's lazy request: nothing leaves before it is awaited. A read whose connection
    /// broke before any answer is sent once more (`http::RESENDS`): a pooled keep-alive
    /// connection the server closed at that moment is no answer from GitHub.
    async fn call<'a, F>(
        &'a self,
        method: Method,
        request: impl Fn(&'a Octocrab) -> F,
    ) -> Result<Response<Body>, ProviderError>
    where
        F: std::future::Future<Output = octocrab::Result<Response<Body>>>,
    {
        let octo = self.octo()?;
        let mut resends = super::http::resends(&method);
        loop {
            match self.exchange(&method, request(octo)).await {
                Err(e) if resends > 0 && super::http::broke_unanswered(&e) => resends -= 1,
                answer => return answer,
            }
        }
    }

    async fn exchange(
        &self,
        method: &Method,
        fut: impl std::future::Future<Output = octocrab::Result<Response<Body>>>,
    ) -> Result<Response<Body>, ProviderError> {
        // Buckets are per token (hourly) and, for writes, per token (content creation).
        let buckets = pacer::buckets(P, self.account, method, "");
        pacer::shared().acquire(&buckets).await?;
        pacer::fenced(P, method).await?;
        // octocrab bounds each read; this bounds the whole exchange.
        let answer = match tokio::time::timeout(self.timeout + Duration::from_secs(1), fut).await {
            Err(_) => {
                let mut err = ProviderError::new(P, ErrorKind::Transient, "did not answer in time");
                err.timed_out = true;
                Err(err)
            }
            Ok(Err(e)) => {
                let mut err = ProviderError::new(
                    P,
                    ErrorKind::Transient,
                    format!("could not be reached ({})", redact(&e.to_string())),
                );
                err.timed_out = caused_by_timeout(&e);
                err.unanswered = !err.timed_out;
                Err(err)
            }
            Ok(Ok(resp)) => Ok(resp),
        }?;
        let status = answer.status().as_u16();
        if answer.status().is_success() {
            pacer::shared().observe(&buckets, status, answer.headers(), None);
            Ok(answer)
        } else {
            let headers = answer.headers().clone();
            let err = self.error(answer).await;
            pacer::shared().observe(&buckets, status, &headers, Some(&err));
            Err(err)
        }
    }

    async fn error(&self, resp: Response<Body>) -> ProviderError {
        let status = resp.status();
        let headers = reqwest::header::HeaderMap::from_iter(
            resp.headers().iter().map(|(k, v)| (k.clone(), v.clone())),
        );
        let body = super::http::read_limited(Octo(resp), super::http::MAX_ERROR_BODY_BYTES)
            .await
            .map(|b| b.text())
            .unwrap_or_default();
        super::http::classify(P, status, &headers, &body)
    }

    async fn json<T: serde::de::DeserializeOwned>(
        &self,
        resp: Response<Body>,
    ) -> Result<T, ProviderError> {
        let body = super::http::read_limited(Octo(resp), super::http::MAX_RESPONSE_BYTES)
            .await?
            .complete(P)?;
        serde_json::from_slice(&body).map_err(|e| {
            ProviderError::new(P, ErrorKind::Invalid, format!("unexpected answer: {e}"))
        })
    }

    pub async fn user(&self) -> Result<User, ProviderError> {
        let resp = self.call(Method::GET, |o| o._get("/user")).await?;
        let scopes = resp
            .headers()
            .get("x-oauth-scopes")
            .and_then(|v| v.to_str().ok())
            .map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            });
        let expiry_header = Provider::Github.declared().rates.token_expiry_header;
        let expires = expiry_header
            .and_then(|h| resp.headers().get(h))
            .and_then(|v| v.to_str().ok())
            .and_then(pacer::token_expiry);
        let owner: Owner = self.json(resp).await?;
        Ok(User {
            login: owner.login,
            scopes,
            expires,
        })
    }

    /// One page of 100 of the repositories the token can see, by name.
    async fn repos_page(&self, page: u32) -> Result<Vec<Repo>, ProviderError> {
        let resp = self
            .call(Method::GET, |o| {
                o._get(format!(
                    "/user/repos?per_page=100&page={page}&sort=full_name"
                ))
            })
            .await?;
        self.json(resp).await
    }

    /// The repositories the token can see (`repos/list-for-authenticated-user`), at most
    /// `pages` pages of 100, by name.
    pub async fn my_repos(&self, pages: u32) -> Result<Vec<Repo>, ProviderError> {
        let mut all = Vec::new();
        for page in 1..=pages.clamp(1, MAX_LIST_PAGES) {
            let repos = self.repos_page(page).await?;
            let last = repos.len() < 100;
            all.extend(repos);
            if last {
                break;
            }
        }
        Ok(all)
    }

    /// `None` when no repository has this name (or the token cannot see it).
    pub async fn repo(&self, owner: &str, name: &str) -> Result<Option<Repo>, ProviderError> {
        match self.lookup(owner, name).await {
            // Renamed away: nothing is called this any more.
            Err(e) if e.kind == ErrorKind::Moved => Ok(None),
            other => other,
        }
    }

    /// Like `repo`, but a renamed repository's old name fails with `Moved` (the redirect is
    /// never followed): before a delete, "renamed" must not read as "gone".
    pub async fn lookup(&self, owner: &str, name: &str) -> Result<Option<Repo>, ProviderError> {
        match self
            .call(Method::GET, |o| o._get(format!("/repos/{owner}/{name}")))
            .await
        {
            Ok(r) => {
                let repo: Repo = self.json(r).await?;
                // Only the repository by exactly this name: never one a redirect or a proxy
                // answered with instead (a renamed repository is someone else's business now).
                let asked = format!("{owner}/{name}");
                if repo.full_name.eq_ignore_ascii_case(&asked) {
                    Ok(Some(repo))
                } else {
                    Err(ProviderError::new(
                        P,
                        ErrorKind::Moved,
                        format!("{asked} answered as {}", repo.full_name),
                    ))
                }
            }
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn generate(
        &self,
        template_owner: &str,
        template: &str,
        owner: &str,
        name: &str,
        description: &str,
    ) -> Result<Repo, ProviderError> {
        let body = json!({ "owner": owner, "name": name, "description": description, "private": true, "include_all_branches": false });
        let resp = self
            .call(Method::POST, |o| {
                o._post(
                    format!("/repos/{template_owner}/{template}/generate"),
                    Some(&body),
                )
            })
            .await?;
        self.json(resp).await
    }

    /// Sets a repository's description (PATCH /repos/{owner}/{repo}, `repos/update`): how a
    /// repository adopted on purpose gets Fabrik's marker. A renamed repository answers 307,
    /// which is never followed.
    pub async fn set_description(
        &self,
        owner: &str,
        name: &str,
        description: &str,
    ) -> Result<Repo, ProviderError> {
        let body = json!({ "description": description });
        let resp = self
            .call(Method::PATCH, |o| {
                o._patch(format!("/repos/{owner}/{name}"), Some(&body))
            })
            .await?;
        self.json(resp).await
    }

    /// The repository with this immutable id, wherever it is now: first by the name it had
    /// (`known`), and only if that name answers with another repository, a redirect or nothing,
    /// among the repositories the token can see (`repos/list-for-authenticated-user`, bounded
    /// to `MAX_LIST_PAGES` pages). GitHub's documented API has no read by id, and its redirect
    /// for an old name points at an undocumented one; the list is documented and carries ids.
    /// `None`: no repository with this id is visible (deleted, or moved out of reach).
    pub async fn by_id(&self, id: u64, known: (&str, &str)) -> Result<Option<Repo>, ProviderError> {
        match self.lookup(known.0, known.1).await {
            Ok(Some(r)) if r.id == id => return Ok(Some(r)),
            Ok(_) => {}
            Err(e) if e.kind == ErrorKind::Moved => {}
            Err(e) => return Err(e),
        }
        for page in 1..=MAX_LIST_PAGES {
            let repos = self.repos_page(page).await?;
            if let Some(r) = repos.iter().find(|r| r.id == id) {
                return Ok(Some(r.clone()));
            }
            if repos.len() < 100 {
                break;
            }
        }
        Ok(None)
    }

    pub async fn delete(&self, owner: &str, name: &str) -> Result<(), ProviderError> {
        self.call(Method::DELETE, |o| {
            o._delete(format!("/repos/{owner}/{name}"), None::<&()>)
        })
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests;
