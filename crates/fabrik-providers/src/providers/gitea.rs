//! Gitea's contents API (spec: gitea/gitea-contents-subset.swagger.json), where the agency keeps
//! its workflow backups. `POST /repos/{owner}/{repo}/contents` writes many files as one commit;
//! an update names the blob SHA the writer last saw, so a stale view is refused (409) instead
//! of overwriting someone else's change.

use base64::Engine as _;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::error::{ErrorKind, ProviderError};
use super::http;
use crate::secrets::{Provider, Secret};

const P: Provider = Provider::Gitea;

/// The repository as `GET /repos/{owner}/{repo}` describes it (the fields Fabrik reads).
#[derive(Debug, Clone, Deserialize)]
pub struct Repository {
    pub id: i64,
    pub full_name: String,
    #[serde(default)]
    pub default_branch: String,
    #[serde(default)]
    pub empty: bool,
    #[serde(default)]
    pub permissions: Option<Permissions>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Permissions {
    #[serde(default)]
    pub push: bool,
}

/// One entry of a folder (`GET contents/{dir}`).
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub path: String,
    pub sha: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The commit that last changed the file (newer Gitea versions send it).
    #[serde(default)]
    pub last_commit_sha: Option<String>,
}

/// One change of a `ChangeFilesOptions`: content is sent as base64, `sha` for update/delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Create {
        path: String,
        content: Vec<u8>,
    },
    Update {
        path: String,
        content: Vec<u8>,
        sha: String,
    },
    Delete {
        path: String,
        sha: String,
    },
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Create { path, .. }
            | Change::Update { path, .. }
            | Change::Delete { path, .. } => path,
        }
    }

    fn to_json(&self) -> serde_json::Value {
        let b64 = |c: &[u8]| base64::engine::general_purpose::STANDARD.encode(c);
        match self {
            Change::Create { path, content } => {
                json!({ "operation": "create", "path": path, "content": b64(content) })
            }
            Change::Update { path, content, sha } => {
                json!({ "operation": "update", "path": path, "content": b64(content), "sha": sha })
            }
            Change::Delete { path, sha } => {
                json!({ "operation": "delete", "path": path, "sha": sha })
            }
        }
    }
}

/// Who the commit names as author and committer (Gitea takes the token's user otherwise).
#[derive(Debug, Clone, Serialize)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

pub struct Gitea {
    http: reqwest::Client,
    api: String,
    token: Secret,
}

impl Gitea {
    pub fn new(api: &str, token: Secret, timeout: std::time::Duration) -> Gitea {
        Gitea {
            http: http::client(timeout),
            api: api.trim_end_matches('/').into(),
            token,
        }
    }

    fn req(&self, method: Method, path: &str) -> Result<reqwest::RequestBuilder, ProviderError> {
        if self.api.is_empty() {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                "no Gitea address is set (gitea.api_url)",
            ));
        }
        Ok(self
            .http
            .request(method, format!("{}{path}", self.api))
            .header("Authorization", format!("token {}", self.token.expose())))
    }

    /// The token's user (`GET /user`).
    pub async fn user(&self) -> Result<String, ProviderError> {
        #[derive(Deserialize)]
        struct User {
            login: String,
        }
        let req = self.req(Method::GET, "/user")?;
        Ok(http::json::<User>(P, http::send(P, req).await?)
            .await?
            .login)
    }

    /// The repository, or `None` when Gitea says it does not exist (or the token cannot see it).
    pub async fn repository(&self, full_name: &str) -> Result<Option<Repository>, ProviderError> {
        let (owner, name) = split(full_name)?;
        let req = self.req(Method::GET, &format!("/repos/{owner}/{name}"))?;
        match http::send(P, req).await {
            Ok(r) => http::json(P, r).await.map(Some),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The repositories the token's user can reach (`GET /user/repos`), up to `pages` pages of
    /// 50 (Gitea's largest page).
    pub async fn my_repos(&self, pages: u32) -> Result<Vec<Repository>, ProviderError> {
        let mut all = Vec::new();
        for page in 1..=pages {
            let req = self
                .req(Method::GET, "/user/repos")?
                .query(&[("page", page.to_string()), ("limit", "50".to_string())]);
            let got: Vec<Repository> = http::json(P, http::send(P, req).await?).await?;
            let last = got.len() < 50;
            all.extend(got);
            if last {
                break;
            }
        }
        Ok(all)
    }

    /// Makes a private repository for the backups (`POST /user/repos` for the token's own
    /// user, `POST /orgs/{org}/repos` for an organization), with a first commit so it has a
    /// branch to write to. A name taken is `Conflict`.
    pub async fn create_repository(
        &self,
        full_name: &str,
        description: &str,
    ) -> Result<Repository, ProviderError> {
        let (owner, name) = split(full_name)?;
        let me = self.user().await?;
        let path = if owner.eq_ignore_ascii_case(&me) {
            "/user/repos".to_string()
        } else {
            format!("/orgs/{owner}/repos")
        };
        let body = serde_json::json!({
            "name": name,
            "private": true,
            "auto_init": true,
            "description": description,
        });
        let req = self.req(Method::POST, &path)?.json(&body);
        http::json(P, http::send(P, req).await?).await
    }

    /// `GET contents/{path}` at a ref (the default branch when `None`); `None` when Gitea has
    /// no such path, ref or repository.
    async fn contents(
        &self,
        full_name: &str,
        path: &str,
        at: Option<&str>,
    ) -> Result<Option<reqwest::Response>, ProviderError> {
        let (owner, name) = split(full_name)?;
        let mut req = self.req(
            Method::GET,
            &format!("/repos/{owner}/{name}/contents/{path}"),
        )?;
        if let Some(r) = at {
            req = req.query(&[("ref", r)]);
        }
        match http::send(P, req).await {
            Ok(r) => Ok(Some(r)),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The files of a folder at a ref (the default branch when `None`); a folder that does not
    /// exist is empty.
    pub async fn folder(
        &self,
        full_name: &str,
        path: &str,
        at: Option<&str>,
    ) -> Result<Vec<Entry>, ProviderError> {
        let Some(resp) = self.contents(full_name, path, at).await? else {
            return Ok(Vec::new());
        };
        // A path that names a file answers with one object, not a list.
        let v: serde_json::Value = http::json(P, resp).await?;
        match v {
            serde_json::Value::Array(items) => Ok(items
                .into_iter()
                .filter_map(|i| serde_json::from_value::<Entry>(i).ok())
                .filter(|e| e.kind == "file")
                .collect()),
            _ => Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                format!("{path} in {full_name} is a file, not a folder"),
            )),
        }
    }

    /// A file's bytes at a ref, or `None` when it is not there.
    pub async fn file(
        &self,
        full_name: &str,
        path: &str,
        at: Option<&str>,
    ) -> Result<Option<Vec<u8>>, ProviderError> {
        #[derive(Deserialize)]
        struct Contents {
            #[serde(rename = "type")]
            kind: String,
            #[serde(default)]
            content: Option<String>,
            #[serde(default)]
            encoding: Option<String>,
        }
        let Some(resp) = self.contents(full_name, path, at).await? else {
            return Ok(None);
        };
        let c: Contents = http::json(P, resp).await?;
        let unexpected = |what: &str| {
            ProviderError::new(
                P,
                ErrorKind::Invalid,
                format!("{path} in {full_name}: {what}"),
            )
        };
        if c.kind != "file" {
            return Err(unexpected("not a file"));
        }
        if c.encoding.as_deref().is_some_and(|e| e != "base64") {
            return Err(unexpected("content not in base64"));
        }
        let text: String = c.content.unwrap_or_default().split_whitespace().collect();
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Some)
            .map_err(|_| unexpected("content is not valid base64"))
    }

    /// Every change as one commit on `branch`; returns the commit's SHA. A change made on a
    /// stale view answers 409, a create of a file that exists 422: neither commits anything.
    pub async fn commit(
        &self,
        full_name: &str,
        branch: Option<&str>,
        message: &str,
        author: &Identity,
        changes: &[Change],
    ) -> Result<String, ProviderError> {
        #[derive(Deserialize)]
        struct Files {
            commit: Commit,
        }
        #[derive(Deserialize)]
        struct Commit {
            sha: String,
        }
        let (owner, name) = split(full_name)?;
        let mut body = json!({
            "message": message,
            "author": author,
            "committer": author,
            "files": changes.iter().map(Change::to_json).collect::<Vec<_>>(),
        });
        // Without a branch Gitea writes the repository's default branch.
        if let Some(b) = branch {
            body["branch"] = json!(b);
        }
        let req = self
            .req(Method::POST, &format!("/repos/{owner}/{name}/contents"))?
            .json(&body);
        Ok(http::json::<Files>(P, http::send(P, req).await?)
            .await?
            .commit
            .sha)
    }
}

fn split(full_name: &str) -> Result<(&str, &str), ProviderError> {
    super::owner_and_name(P, full_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_is_owner_slash_name() {
        assert!(split("ops-hub/client-backups").is_ok());
        for bad in ["client-backups", "/x", "a/", "a/b/c"] {
            assert!(split(bad).is_err(), "{bad}");
        }
    }
}
