//! GitHub's Git Data API and pull requests (spec: github/github-rest-subset.openapi.json,
//! `git/*`, `repos/list-commits`, `repos/compare-commits`, `pulls/*`): what a template update
//! reads (trees, blobs, a template's history) and writes (one tree, one commit, one ref, one
//! pull request per repository: a handful of content-creating calls, whatever the file count).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Github, P};
use crate::providers::error::{ErrorKind, ProviderError};

/// How many pages of 100 commits a history walk reads at most.
const MAX_COMMIT_PAGES: u32 = 30;

/// One file (a blob) of a tree read recursively.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TreeEntry {
    pub path: String,
    pub mode: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub sha: String,
    #[serde(default)]
    pub size: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Tree {
    pub sha: String,
    #[serde(default)]
    pub truncated: bool,
    pub tree: Vec<TreeEntry>,
}

/// A commit of a history listing: its sha, its tree and its parents.
#[derive(Debug, Clone)]
pub struct CommitHead {
    pub sha: String,
    pub tree: String,
    pub parents: Vec<String>,
    pub message: String,
}

/// What a tree written by Fabrik changes: a path's new text (written as a blob by GitHub),
/// its new blob, or its removal.
#[derive(Debug, Clone)]
pub enum TreeChange {
    Text {
        path: String,
        mode: String,
        text: String,
    },
    Blob {
        path: String,
        mode: String,
        sha: String,
    },
    Remove {
        path: String,
    },
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PullRef {
    #[serde(rename = "ref")]
    pub branch: String,
    pub sha: String,
}

/// A pull request, as far as Fabrik reads it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Pull {
    pub number: u64,
    pub state: String,
    #[serde(default)]
    pub merged: Option<bool>,
    #[serde(default)]
    pub merged_at: Option<String>,
    pub html_url: String,
    pub head: PullRef,
    pub base: PullRef,
    /// Computed by GitHub in the background: `None` until it has been.
    #[serde(default)]
    pub mergeable: Option<bool>,
}

impl Pull {
    pub fn is_merged(&self) -> bool {
        self.merged == Some(true) || self.merged_at.is_some()
    }
}

fn invalid(what: impl std::fmt::Display) -> ProviderError {
    ProviderError::new(P, ErrorKind::Invalid, what.to_string())
}

fn sha_of(v: &serde_json::Value, what: &str) -> Result<String, ProviderError> {
    v["sha"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| invalid(format!("{what}: no sha in the answer")))
}

/// A path segment for a URL (branch names carry `/`, which GitHub's ref paths keep).
fn seg(s: &str) -> String {
    s.split('/')
        .map(|p| url::form_urlencoded::byte_serialize(p.as_bytes()).collect::<String>())
        .collect::<Vec<_>>()
        .join("/")
}

impl Github {
    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: String,
    ) -> Result<T, ProviderError> {
        let resp = self.call(Method::GET, |o| o._get(&path)).await?;
        self.json(resp).await
    }

    async fn post_json<T: serde::de::DeserializeOwned>(
        &self,
        path: String,
        body: &serde_json::Value,
    ) -> Result<T, ProviderError> {
        let resp = self
            .call(Method::POST, |o| o._post(&path, Some(body)))
            .await?;
        self.json(resp).await
    }

    /// A tree with every file under it (`git/get-tree`, `recursive=1`). A truncated answer is
    /// refused: a merge must see every file, or it could delete what it did not see.
    pub async fn tree(&self, owner: &str, name: &str, sha: &str) -> Result<Tree, ProviderError> {
        let t: Tree = self
            .get_json(format!("/repos/{owner}/{name}/git/trees/{sha}?recursive=1"))
            .await?;
        if t.truncated {
            return Err(invalid(format!(
                "{owner}/{name}: the tree {sha} is too large to read whole"
            )));
        }
        Ok(t)
    }

    /// A blob's bytes (`git/get-blob`).
    pub async fn blob(&self, owner: &str, name: &str, sha: &str) -> Result<Vec<u8>, ProviderError> {
        let v: serde_json::Value = self
            .get_json(format!("/repos/{owner}/{name}/git/blobs/{sha}"))
            .await?;
        match v["encoding"].as_str() {
            Some("utf-8") => Ok(v["content"]
                .as_str()
                .unwrap_or_default()
                .as_bytes()
                .to_vec()),
            _ => Self::decoded(&v, sha),
        }
    }

    /// A new blob from bytes (`git/create-blob`, base64): for a file that is not text.
    pub async fn create_blob(
        &self,
        owner: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<String, ProviderError> {
        use base64::Engine as _;
        let body = json!({
            "content": base64::engine::general_purpose::STANDARD.encode(bytes),
            "encoding": "base64",
        });
        let v: serde_json::Value = self
            .post_json(format!("/repos/{owner}/{name}/git/blobs"), &body)
            .await?;
        sha_of(&v, "git/blobs")
    }

    /// One new tree on top of `base_tree` (`git/create-tree`): text inline (GitHub writes the
    /// blob), a blob by sha, or `sha: null` to remove a path. Returns the tree's sha.
    pub async fn create_tree(
        &self,
        owner: &str,
        name: &str,
        base_tree: &str,
        changes: &[TreeChange],
    ) -> Result<String, ProviderError> {
        let entries: Vec<serde_json::Value> = changes
            .iter()
            .map(|c| match c {
                TreeChange::Text { path, mode, text } => {
                    json!({ "path": path, "mode": mode, "type": "blob", "content": text })
                }
                TreeChange::Blob { path, mode, sha } => {
                    json!({ "path": path, "mode": mode, "type": "blob", "sha": sha })
                }
                TreeChange::Remove { path } => {
                    json!({ "path": path, "mode": "100644", "type": "blob", "sha": null })
                }
            })
            .collect();
        let body = json!({ "base_tree": base_tree, "tree": entries });
        let v: serde_json::Value = self
            .post_json(format!("/repos/{owner}/{name}/git/trees"), &body)
            .await?;
        sha_of(&v, "git/trees")
    }

    /// One commit of a tree on top of its parents (`git/create-commit`).
    pub async fn create_commit(
        &self,
        owner: &str,
        name: &str,
        message: &str,
        tree: &str,
        parents: &[String],
    ) -> Result<String, ProviderError> {
        let body = json!({ "message": message, "tree": tree, "parents": parents });
        let v: serde_json::Value = self
            .post_json(format!("/repos/{owner}/{name}/git/commits"), &body)
            .await?;
        sha_of(&v, "git/commits")
    }

    /// A commit's tree and parents (`git/get-commit`).
    pub async fn commit(
        &self,
        owner: &str,
        name: &str,
        sha: &str,
    ) -> Result<CommitHead, ProviderError> {
        let v: serde_json::Value = self
            .get_json(format!("/repos/{owner}/{name}/git/commits/{sha}"))
            .await?;
        Ok(CommitHead {
            sha: sha_of(&v, "git/commits")?,
            tree: v["tree"]["sha"]
                .as_str()
                .ok_or_else(|| invalid("git/commits: no tree"))?
                .to_string(),
            parents: v["parents"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| p["sha"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            message: v["message"].as_str().unwrap_or_default().to_string(),
        })
    }

    /// The commit a branch points at (`git/get-ref`, `heads/<branch>`); `None` when there is
    /// no such branch.
    pub async fn branch_head(
        &self,
        owner: &str,
        name: &str,
        branch: &str,
    ) -> Result<Option<String>, ProviderError> {
        let path = format!("/repos/{owner}/{name}/git/ref/heads/{}", seg(branch));
        match self.get_json::<serde_json::Value>(path).await {
            Ok(v) => Ok(Some(
                v["object"]["sha"]
                    .as_str()
                    .ok_or_else(|| invalid("git/ref: no object.sha"))?
                    .to_string(),
            )),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A new branch at a commit (`git/create-ref`). One that exists already answers 422
    /// ("Reference already exists"), read as `Conflict`.
    pub async fn create_branch(
        &self,
        owner: &str,
        name: &str,
        branch: &str,
        sha: &str,
    ) -> Result<(), ProviderError> {
        let body = json!({ "ref": format!("refs/heads/{branch}"), "sha": sha });
        self.post_json::<serde_json::Value>(format!("/repos/{owner}/{name}/git/refs"), &body)
            .await
            .map(|_| ())
    }

    /// Moves a branch to a commit that has its head as an ancestor (`git/update-ref`, never
    /// forced): a branch someone moved meanwhile answers 422 and stays where it is.
    pub async fn update_branch(
        &self,
        owner: &str,
        name: &str,
        branch: &str,
        sha: &str,
    ) -> Result<(), ProviderError> {
        let path = format!("/repos/{owner}/{name}/git/refs/heads/{}", seg(branch));
        let body = json!({ "sha": sha, "force": false });
        let resp = self
            .call(Method::PATCH, |o| o._patch(&path, Some(&body)))
            .await?;
        self.json::<serde_json::Value>(resp).await.map(|_| ())
    }

    /// The history of a branch or commit, newest first (`repos/list-commits`), up to `limit`
    /// commits.
    pub async fn history(
        &self,
        owner: &str,
        name: &str,
        at: &str,
        limit: usize,
    ) -> Result<Vec<CommitHead>, ProviderError> {
        let mut out = Vec::new();
        for page in 1..=MAX_COMMIT_PAGES {
            let items: Vec<serde_json::Value> = self
                .get_json(format!(
                    "/repos/{owner}/{name}/commits?sha={}&per_page=100&page={page}",
                    seg(at)
                ))
                .await?;
            let n = items.len();
            for v in items {
                out.push(CommitHead {
                    sha: sha_of(&v, "commits")?,
                    tree: v["commit"]["tree"]["sha"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    parents: v["parents"]
                        .as_array()
                        .map(|ps| {
                            ps.iter()
                                .filter_map(|p| p["sha"].as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default(),
                    message: v["commit"]["message"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                });
                if out.len() >= limit {
                    return Ok(out);
                }
            }
            if n < 100 {
                break;
            }
        }
        Ok(out)
    }

    /// How many commits `head` is ahead of `base` (`repos/compare-commits`).
    pub async fn ahead_by(
        &self,
        owner: &str,
        name: &str,
        base: &str,
        head: &str,
    ) -> Result<u64, ProviderError> {
        let v: serde_json::Value = self
            .get_json(format!(
                "/repos/{owner}/{name}/compare/{base}...{head}?per_page=1"
            ))
            .await?;
        v["ahead_by"]
            .as_u64()
            .ok_or_else(|| invalid("compare: no ahead_by"))
    }

    /// A new pull request (`pulls/create`). GitHub refuses a second one for the same head with
    /// 422 ("A pull request already exists for …"), read as `Conflict`.
    pub async fn create_pull(
        &self,
        owner: &str,
        name: &str,
        title: &str,
        head: &str,
        base: &str,
        body: &str,
    ) -> Result<Pull, ProviderError> {
        let req = json!({ "title": title, "head": head, "base": base, "body": body });
        self.post_json(format!("/repos/{owner}/{name}/pulls"), &req)
            .await
    }

    /// The pull requests (open and closed) whose head is this branch of the repository
    /// (`pulls/list`, `head=owner:branch`, `state=all`).
    pub async fn pulls_of(
        &self,
        owner: &str,
        name: &str,
        branch: &str,
    ) -> Result<Vec<Pull>, ProviderError> {
        let head: String =
            url::form_urlencoded::byte_serialize(format!("{owner}:{branch}").as_bytes()).collect();
        self.get_json(format!(
            "/repos/{owner}/{name}/pulls?head={head}&state=all&per_page=100"
        ))
        .await
    }

    /// One pull request (`pulls/get`).
    pub async fn pull(&self, owner: &str, name: &str, number: u64) -> Result<Pull, ProviderError> {
        self.get_json(format!("/repos/{owner}/{name}/pulls/{number}"))
            .await
    }

    /// Merges a pull request if its head is still `sha` (`pulls/merge`; GitHub answers 409 when
    /// the head moved and 405 when it cannot be merged).
    pub async fn merge_pull(
        &self,
        owner: &str,
        name: &str,
        number: u64,
        sha: &str,
    ) -> Result<(), ProviderError> {
        let body = json!({ "sha": sha, "merge_method": "merge" });
        self.call(Method::PUT, |o| {
            o._put(
                format!("/repos/{owner}/{name}/pulls/{number}/merge"),
                Some(&body),
            )
        })
        .await
        .map(|_| ())
    }
}
