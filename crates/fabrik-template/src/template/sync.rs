//! One repository's template update against GitHub: read the three trees (the template at the
//! repository's base, the template at the target, the customer's default branch), classify and
//! merge per file (`classify`, `merge`, `apply`: pure), and write the result as one tree, one
//! commit, one branch and one pull request. Reads cost GETs; writes are the handful of
//! content-creating calls GitHub's secondary limits count.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use crate::providers::error::ProviderError;
use crate::providers::github::git::{CommitHead, TreeChange};
use crate::providers::github::Github;

/// Where a template roll-out takes every repository: the template and one commit of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Target {
    /// `owner/name` of the template repository.
    pub template: String,
    pub sha: String,
}

impl Target {
    pub fn owner_name(&self) -> (&str, &str) {
        self.template
            .split_once('/')
            .unwrap_or((&self.template, ""))
    }

    pub fn short(&self) -> &str {
        short(&self.sha)
    }

    /// The branch Fabrik writes this target's pull request on, the same in every repository.
    pub fn branch(&self) -> String {
        format!("fabrik/template-{}", self.short())
    }
}

pub fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

/// A repository's files: path → (blob sha, mode).
#[derive(Debug, Clone, Default)]
pub struct Files {
    pub blobs: BTreeMap<String, String>,
    pub modes: HashMap<String, String>,
}

impl Files {
    fn of(tree: crate::providers::github::git::Tree) -> Files {
        let mut f = Files::default();
        for e in tree.tree.into_iter().filter(|e| e.kind == "blob") {
            f.modes.insert(e.path.clone(), e.mode);
            f.blobs.insert(e.path, e.sha);
        }
        f
    }
}

/// Trees and blobs read once for every repository of a roll-out and for the plan and the run
/// alike. Git objects never change under their SHA (and a blob with a SHA has the same bytes in
/// every repository), so one cache serves the whole process (`shared`); its blobs are let go
/// when they pass `MAX_CACHED_BYTES`.
/// A commit's tree SHA and the files under it.
type Snapshot = (String, Arc<Files>);

#[derive(Default, Clone)]
pub struct TemplateCache {
    /// commit → its snapshot
    trees: Arc<Mutex<HashMap<String, Snapshot>>>,
    blobs: Arc<Mutex<HashMap<String, Arc<Vec<u8>>>>>,
}

/// How many bytes of blobs the shared cache keeps before it starts over.
const MAX_CACHED_BYTES: usize = 64 * 1024 * 1024;

/// The process's cache (every run and plan of this process reads through it).
pub fn shared() -> TemplateCache {
    static CACHE: std::sync::OnceLock<TemplateCache> = std::sync::OnceLock::new();
    CACHE.get_or_init(TemplateCache::default).clone()
}

impl TemplateCache {
    /// A commit's tree SHA and files, in a repository that has it.
    pub async fn commit_files(
        &self,
        gh: &Github,
        repo: (&str, &str),
        commit: &str,
    ) -> Result<Snapshot, ProviderError> {
        if let Some(f) = self.trees.lock().expect("cache").get(commit) {
            return Ok(f.clone());
        }
        let c = gh.commit(repo.0, repo.1, commit).await?;
        let files = Arc::new(Files::of(gh.tree(repo.0, repo.1, &c.tree).await?));
        let found = (c.tree, files);
        self.trees
            .lock()
            .expect("cache")
            .insert(commit.to_string(), found.clone());
        Ok(found)
    }

    /// The template's files at a commit.
    pub async fn files_at(
        &self,
        gh: &Github,
        target: &Target,
        commit: &str,
    ) -> Result<Arc<Files>, ProviderError> {
        Ok(self.commit_files(gh, target.owner_name(), commit).await?.1)
    }

    /// A blob's bytes, from a repository that has it.
    pub async fn blob_in(
        &self,
        gh: &Github,
        repo: (&str, &str),
        sha: &str,
    ) -> Result<Arc<Vec<u8>>, ProviderError> {
        if let Some(b) = self.blobs.lock().expect("cache").get(sha) {
            return Ok(b.clone());
        }
        let b = Arc::new(gh.blob(repo.0, repo.1, sha).await?);
        let mut blobs = self.blobs.lock().expect("cache");
        if blobs.values().map(|b| b.len()).sum::<usize>() + b.len() > MAX_CACHED_BYTES {
            blobs.clear();
        }
        blobs.insert(sha.to_string(), b.clone());
        Ok(b)
    }

    /// A template blob's bytes.
    pub async fn blob(
        &self,
        gh: &Github,
        target: &Target,
        sha: &str,
    ) -> Result<Arc<Vec<u8>>, ProviderError> {
        self.blob_in(gh, target.owner_name(), sha).await
    }
}

/// The template commit whose tree a repository's first commit has: where a repository
/// generated from the template (one fresh commit) stands, for one Fabrik did not record.
pub async fn find_base(
    gh: &Github,
    target: &Target,
    repo: (&str, &str),
    branch: &str,
) -> Result<Option<String>, ProviderError> {
    let history = gh.history(repo.0, repo.1, branch, 3000).await?;
    base_of(gh, target, &history).await
}

/// `find_base` for a repository whose history was read already.
pub async fn base_of(
    gh: &Github,
    target: &Target,
    history: &[CommitHead],
) -> Result<Option<String>, ProviderError> {
    // A generated repository's history starts with one commit of the template's tree.
    let Some(first) = history.iter().find(|c: &&CommitHead| c.parents.is_empty()) else {
        return Ok(None);
    };
    let (o, n) = target.owner_name();
    let template = gh.history(o, n, &target.sha, 3000).await?;
    Ok(template
        .into_iter()
        .find(|c| c.tree == first.tree)
        .map(|c| c.sha))
}

/// The customer's side: its default branch's head commit and files.
pub struct Customer {
    pub head: String,
    pub tree: String,
    pub files: Arc<Files>,
}

/// The customer's default branch as it is now (its head read fresh; its tree from the cache).
pub async fn customer(
    gh: &Github,
    cache: &TemplateCache,
    repo: (&str, &str),
    branch: &str,
) -> Result<Option<Customer>, ProviderError> {
    let Some(head) = gh.branch_head(repo.0, repo.1, branch).await? else {
        return Ok(None);
    };
    Ok(Some(customer_at(gh, cache, repo, &head).await?))
}

/// The tree changes a merge result becomes: text inline (GitHub writes the blob), other bytes
/// as a blob first.
pub async fn tree_changes(
    gh: &Github,
    repo: (&str, &str),
    writes: Vec<(String, String, Vec<u8>)>,
    removes: Vec<String>,
) -> Result<Vec<TreeChange>, ProviderError> {
    let mut out = Vec::new();
    for (path, mode, bytes) in writes {
        match String::from_utf8(bytes) {
            Ok(text) => out.push(TreeChange::Text { path, mode, text }),
            Err(e) => {
                let sha = gh.create_blob(repo.0, repo.1, e.as_bytes()).await?;
                out.push(TreeChange::Blob { path, mode, sha });
            }
        }
    }
    out.extend(removes.into_iter().map(|path| TreeChange::Remove { path }));
    Ok(out)
}

/// The customer's side at a given commit (a resumed run's branch parent).
pub async fn customer_at(
    gh: &Github,
    cache: &TemplateCache,
    repo: (&str, &str),
    head: &str,
) -> Result<Customer, ProviderError> {
    let (tree, files) = cache.commit_files(gh, repo, head).await?;
    Ok(Customer {
        head: head.to_string(),
        tree,
        files,
    })
}

/// One repository's update: every file the template changed with its decision, what the
/// commit writes and removes, and what needs a person.
#[derive(Debug, Clone, Default)]
pub struct Proposal {
    pub changes: Vec<super::FileChange>,
    /// (path, mode, bytes)
    pub writes: Vec<(String, String, Vec<u8>)>,
    pub removes: Vec<String>,
    pub needs_person: Vec<super::NeedsPerson>,
    pub conflicts: usize,
    pub summary: super::Summary,
}

impl Proposal {
    /// Nothing to write: the customer has every change already (or keeps what differs).
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.removes.is_empty()
    }

    /// The pull request's table: one row per file the template changed.
    pub fn table_lines(&self) -> Vec<String> {
        use super::{Action, CustomerChange, TemplateChange};
        self.changes
            .iter()
            .map(|c| {
                let template = match c.template {
                    TemplateChange::Added => "ny",
                    TemplateChange::Modified => "ändrad",
                    TemplateChange::Deleted => "borttagen",
                };
                let customer = match c.customer {
                    CustomerChange::Unchanged | CustomerChange::Absent => "–",
                    CustomerChange::Modified => "ändrad",
                    CustomerChange::Deleted => "borttagen",
                    CustomerChange::Added => "ny",
                };
                let person = self.needs_person.iter().find(|n| n.path == c.path);
                let result = match (c.action, person) {
                    (_, Some(n)) if n.conflicts > 0 => format!("⚠ {} konflikt(er)", n.conflicts),
                    (_, Some(_)) => "⚠ kundens behålls, se över".to_string(),
                    (Action::TakeTemplate, _) => "mallens".into(),
                    (Action::Delete, _) => "tas bort".into(),
                    (Action::KeepDeleted, _) => "förblir borttagen".into(),
                    (Action::Merge | Action::AddBoth, _) => "sammanslagen".into(),
                    (Action::KeepCustomer, _) => "kundens behålls".into(),
                    (Action::Same, _) => "redan lika".into(),
                    (Action::Own, _) => "Fabriks egen, orörd".into(),
                    (Action::Ignored, _) => "ignorerad, orörd".into(),
                };
                format!("| `{}` | {template} | {customer} | {result} |", c.path)
            })
            .collect()
    }
}

/// The template's ignore list at the target (`.fabrik/template-ignore`), empty when none.
async fn rules(
    gh: &Github,
    cache: &TemplateCache,
    target: &Target,
    files: &Files,
) -> Result<super::Rules, ProviderError> {
    let list = match files.blobs.get(super::IGNORE_FILE) {
        Some(sha) => String::from_utf8_lossy(&cache.blob(gh, target, sha).await?).into_owned(),
        None => String::new(),
    };
    super::Rules::standard(&list).map_err(|e| {
        ProviderError::new(
            crate::secrets::Provider::Github,
            crate::providers::error::ErrorKind::Invalid,
            format!("{}: {e}", super::IGNORE_FILE),
        )
    })
}

/// Classifies and merges one repository's files against its base; reads only.
pub async fn propose(
    gh: &Github,
    cache: &TemplateCache,
    target: &Target,
    base: &str,
    repo: (&str, &str),
    customer: &Customer,
) -> Result<Proposal, ProviderError> {
    use super::Action;
    let base_files = cache.files_at(gh, target, base).await?;
    let target_files = cache.files_at(gh, target, &target.sha).await?;
    let rules = rules(gh, cache, target, &target_files).await?;
    let changes = super::classify(
        &base_files.blobs,
        &target_files.blobs,
        &customer.files.blobs,
        &rules,
    );
    // The blobs the decisions read: the template's from the template, the customer's from
    // the customer's repository.
    let mut blobs: HashMap<String, Vec<u8>> = HashMap::new();
    for c in &changes {
        let (template_side, customer_side) = match c.action {
            Action::TakeTemplate => (vec![&c.template_blob], vec![]),
            Action::Merge | Action::AddBoth => {
                (vec![&c.base_blob, &c.template_blob], vec![&c.customer_blob])
            }
            _ => (vec![], vec![]),
        };
        for sha in template_side.into_iter().flatten() {
            if !blobs.contains_key(sha) {
                blobs.insert(sha.clone(), cache.blob(gh, target, sha).await?.to_vec());
            }
        }
        for sha in customer_side.into_iter().flatten() {
            if !blobs.contains_key(sha) {
                blobs.insert(sha.clone(), cache.blob_in(gh, repo, sha).await?.to_vec());
            }
        }
    }
    let applied = super::apply(&changes, &|sha: &str| blobs.get(sha).cloned()).map_err(|e| {
        ProviderError::new(
            crate::secrets::Provider::Github,
            crate::providers::error::ErrorKind::Invalid,
            e.to_string(),
        )
    })?;
    let mut proposal = Proposal {
        conflicts: applied
            .needs_person
            .iter()
            .filter(|n| n.conflicts > 0)
            .count(),
        needs_person: applied.needs_person,
        summary: applied.summary,
        ..Proposal::default()
    };
    for o in applied.outcomes {
        match o {
            super::Outcome::Write { path, content, .. } => {
                let mode = customer
                    .files
                    .modes
                    .get(&path)
                    .or_else(|| target_files.modes.get(&path))
                    .cloned()
                    .unwrap_or_else(|| "100644".into());
                proposal.writes.push((path, mode, content));
            }
            super::Outcome::Remove { path } => proposal.removes.push(path),
        }
    }
    proposal.changes = changes;
    Ok(proposal)
}
