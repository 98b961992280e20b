//! Gitea in the simulated world: the backup repositories.

use serde::{Deserialize, Serialize};

use crate::git::Git;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GiteaState {
    pub repos: Vec<GiteaRepo>,
    /// The last repository id handed out (Gitea numbers repositories from 1).
    #[serde(default)]
    pub last_id: u64,
}

/// A Gitea repository: its settings and its git objects and refs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GiteaRepo {
    pub id: u64,
    pub owner: String,
    pub name: String,
    pub private: bool,
    pub description: String,
    pub default_branch: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    #[serde(default)]
    pub git: Git,
}

impl GiteaRepo {
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// No branch yet (created without `auto_init`; the first write makes the default branch).
    pub fn is_empty(&self) -> bool {
        self.git.branches().is_empty()
    }

    /// Commits of the default branch, newest first (git log order).
    pub fn history(&self) -> Vec<String> {
        self.git
            .branch(&self.default_branch)
            .map(|h| self.git.log(h))
            .unwrap_or_default()
    }
}
