//! Where workflow backups go: the agency's Gitea (the provisioning plan's), or a GitHub
//! repository as the alternative. Each writes a customer's changed files as one commit on the
//! default branch and never a commit when nothing changed; each refuses a write made on a stale
//! view (Gitea: the blob SHA it replaces; GitHub: a branch moved meanwhile is not a fast
//! forward), so two writers settle on one commit instead of overwriting each other.

use std::collections::BTreeMap;

use crate::providers::gitea::{Change, Gitea, Identity};
use crate::providers::github::git::TreeChange;
use crate::providers::github::Github;
use crate::providers::{ErrorKind, ProviderError};

/// Which server holds the backup repository: declared with the register's rows that name it.
pub use crate::workflows::backups::TargetKind;

/// A backup repository and the client that writes it.
pub enum Target<'a> {
    Gitea(&'a Gitea),
    Github(&'a Github),
}

/// A customer's folder as the repository shows it now.
#[derive(Debug, Default)]
pub struct Listing {
    /// path → blob SHA
    pub blobs: BTreeMap<String, String>,
    /// path → the commit that holds the file as it is (when the server says).
    pub holds: BTreeMap<String, String>,
}

impl Target<'_> {
    pub fn kind(&self) -> TargetKind {
        match self {
            Target::Gitea(_) => TargetKind::Gitea,
            Target::Github(_) => TargetKind::Github,
        }
    }

    /// The folder's files on the default branch; empty when the folder is not there.
    pub async fn listing(&self, repository: &str, folder: &str) -> Result<Listing, ProviderError> {
        match self {
            Target::Gitea(g) => {
                let entries = g.folder(repository, folder, None).await?;
                Ok(Listing {
                    blobs: entries
                        .iter()
                        .map(|e| (e.path.clone(), e.sha.clone()))
                        .collect(),
                    holds: entries
                        .iter()
                        .filter_map(|e| Some((e.path.clone(), e.last_commit_sha.clone()?)))
                        .collect(),
                })
            }
            Target::Github(g) => {
                let (owner, name) = split(repository)?;
                let branch = default_branch(g, owner, name).await?;
                let Some(head) = g.branch_head(owner, name, &branch).await? else {
                    return Ok(Listing::default());
                };
                let blobs = g.folder_shas(owner, name, folder, Some(&head)).await?;
                // The head it was read at holds every file of the listing.
                let holds = blobs.keys().map(|p| (p.clone(), head.clone())).collect();
                Ok(Listing { blobs, holds })
            }
        }
    }

    /// The changes as one commit on the default branch; its SHA.
    pub async fn commit(
        &self,
        repository: &str,
        message: &str,
        author: &Identity,
        changes: &[Change],
    ) -> Result<String, ProviderError> {
        match self {
            Target::Gitea(g) => g.commit(repository, None, message, author, changes).await,
            Target::Github(g) => {
                let (owner, name) = split(repository)?;
                let branch = default_branch(g, owner, name).await?;
                let tree_changes: Vec<TreeChange> = changes.iter().map(tree_change).collect();
                // Backups of several instances share the repository: another commit may land
                // between this one's read of the tip and its move of the branch, which GitHub
                // then refuses (not a fast forward). The changes are this instance's files
                // alone, so they are made again on the new tip, a bounded number of times.
                let mut tries = 0;
                loop {
                    tries += 1;
                    let head = branch_tip(g, repository, owner, name, &branch).await?;
                    let base = g.commit(owner, name, &head).await?.tree;
                    let tree = g.create_tree(owner, name, &base, &tree_changes).await?;
                    let commit = g
                        .create_commit(owner, name, message, &tree, std::slice::from_ref(&head))
                        .await?;
                    match g.update_branch(owner, name, &branch, &commit).await {
                        Ok(_) => return Ok(commit),
                        Err(e) if tries < BRANCH_TRIES && e.kind == ErrorKind::Invalid => {
                            let now = g.branch_head(owner, name, &branch).await?;
                            if now.as_deref() == Some(head.as_str()) {
                                return Err(e);
                            }
                            let pause = rand::random_range(0..50 * u64::from(tries));
                            tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }

    /// A file's bytes at a commit; `None` when it is not there.
    pub async fn file_at(
        &self,
        repository: &str,
        path: &str,
        commit: &str,
    ) -> Result<Option<Vec<u8>>, ProviderError> {
        match self {
            Target::Gitea(g) => g.file(repository, path, Some(commit)).await,
            Target::Github(g) => {
                let (owner, name) = split(repository)?;
                g.file_at(owner, name, path, commit).await
            }
        }
    }
}

/// How often a commit is made again on a branch that moved meanwhile (`Target::commit`): one
/// of the writers wins each round, so enough for a wave of backups at once, each try after a
/// short random pause that keeps the writers from meeting again.
const BRANCH_TRIES: u32 = 12;

/// The branch's tip now; an empty repository has none.
async fn branch_tip(
    g: &Github,
    repository: &str,
    owner: &str,
    name: &str,
    branch: &str,
) -> Result<String, ProviderError> {
    g.branch_head(owner, name, branch).await?.ok_or_else(|| {
        ProviderError::new(
            crate::secrets::Provider::Github,
            ErrorKind::NotFound,
            format!("{repository} has no branch {branch} (an empty repository)"),
        )
    })
}

fn tree_change(c: &Change) -> TreeChange {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    match c {
        Change::Create { path, content } | Change::Update { path, content, .. } => {
            TreeChange::Text {
                path: path.clone(),
                mode: "100644".into(),
                text: text(content),
            }
        }
        Change::Delete { path, .. } => TreeChange::Remove { path: path.clone() },
    }
}

async fn default_branch(g: &Github, owner: &str, name: &str) -> Result<String, ProviderError> {
    let repo = g.repo(owner, name).await?.ok_or_else(|| {
        ProviderError::new(
            crate::secrets::Provider::Github,
            ErrorKind::NotFound,
            format!("{owner}/{name} does not exist or the token cannot see it"),
        )
    })?;
    Ok(repo.default_branch.unwrap_or_else(|| "main".into()))
}

fn split(repository: &str) -> Result<(&str, &str), ProviderError> {
    crate::providers::owner_and_name(crate::secrets::Provider::Github, repository)
}
