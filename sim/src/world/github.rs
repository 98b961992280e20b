//! GitHub in the simulated world: repositories with their Git history, and pull requests.

use serde::{Deserialize, Serialize};

use super::{now_ms, World};
use crate::git::{Commit, Flat, Git, Object, Person};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GithubState {
    pub repos: Vec<Repo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Repo {
    pub id: u64,
    pub owner: String,
    pub owner_id: u64,
    pub owner_is_org: bool,
    pub name: String,
    pub private: bool,
    pub description: Option<String>,
    pub is_template: bool,
    /// `owner/name` of the template it was generated from.
    pub template: Option<String>,
    pub created_ms: i64,
    /// Before this instant the repository is empty (template copy in progress).
    pub contents_ready_ms: i64,
    pub files: Vec<(String, String)>,
    pub default_branch: String,
    pub head_sha: String,
    pub seeded: bool,
    /// Names it had before a rename: GitHub redirects them (301 on reads, 307 on writes).
    #[serde(default)]
    pub previous_names: Vec<String>,
    /// Earlier commits of the default branch, oldest first: (commit sha, files at that commit),
    /// so contents can be read at an older ref.
    /// (Kept to read worlds saved before the object model; [`Repo::ensure_git`] turns them into
    /// commits and empties it.)
    #[serde(default)]
    pub earlier: Vec<(String, Vec<(String, String)>)>,
    /// The repository's git objects and refs. `files` and `head_sha` mirror the default branch.
    #[serde(default)]
    pub git: Git,
    /// Pull requests, numbered from 1.
    #[serde(default)]
    pub pulls: Vec<Pull>,
}

/// A pull request (`pulls/get`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pull {
    pub number: u64,
    pub id: u64,
    pub title: String,
    pub body: Option<String>,
    /// Branch names in this repository.
    pub head: String,
    pub base: String,
    pub draft: bool,
    /// `open` or `closed`.
    pub state: String,
    pub user: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub closed_ms: Option<i64>,
    pub merged_ms: Option<i64>,
    pub merge_commit_sha: Option<String>,
    /// Head and base commits when it was closed (the branches may move on afterwards).
    pub closed_shas: Option<(String, String)>,
    /// `head:base` commits the mergeability check last ran for: until a read finds it equal
    /// to the current pair, `mergeable` is `null` (GitHub computes it in the background).
    pub checked: Option<String>,
}

impl Repo {
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
    pub fn is_empty_at(&self, now: i64) -> bool {
        now < self.contents_ready_ms || self.files.is_empty()
    }

    /// The commit at `git_ref` (default branch when `None`): a branch, tag or commit sha.
    pub fn commit_at(&self, git_ref: Option<&str>) -> Option<String> {
        self.git.resolve(git_ref.unwrap_or(&self.default_branch))
    }

    /// The tree (as a flat view) at `git_ref`. `None` for a ref it does not have.
    pub fn flat_at(&self, git_ref: Option<&str>) -> Option<Flat> {
        let c = self.commit_at(git_ref)?;
        Some(self.git.flatten(&self.git.tree_of(&c)?))
    }

    /// Brings `files` and `head_sha` in line with the default branch after a git change.
    pub fn sync(&mut self) {
        if let Some(head) = self.git.branch(&self.default_branch).cloned() {
            let tree = self.git.tree_of(&head).unwrap_or_default();
            self.files = self.git.text_files(&tree);
            self.head_sha = head;
        }
    }

    /// A new repository's history: one commit whose tree is `from`'s default-branch tree (a
    /// repository generated from a template), or one commit of its `files`.
    pub fn start_history(&mut self, from: Option<&Repo>, who: &Person) {
        let source = from.and_then(|t| Some((t, t.git.tree_of(t.git.branch(&t.default_branch)?)?)));
        match source {
            Some((t, tree)) => {
                self.git.copy_from(&t.git, &tree);
                let c = self.git.put(Object::Commit(Commit {
                    tree,
                    parents: vec![],
                    message: "Initial commit".into(),
                    author: who.clone(),
                    committer: who.clone(),
                }));
                self.git
                    .refs
                    .insert(format!("refs/heads/{}", self.default_branch), c);
                self.sync();
            }
            None => self.ensure_git(who),
        }
    }

    /// A repository without git objects (built before the object model, or just made from
    /// `files`) gets them: its earlier commits and its files become a history on the default
    /// branch (their shas change to real git ids).
    pub fn ensure_git(&mut self, who: &Person) {
        if !self.git.refs.is_empty() || (self.files.is_empty() && self.earlier.is_empty()) {
            return;
        }
        let mut parent: Option<String> = None;
        let mut snapshots: Vec<Vec<(String, String)>> =
            self.earlier.drain(..).map(|(_, f)| f).collect();
        snapshots.push(self.files.clone());
        for (i, files) in snapshots.iter().enumerate() {
            let mut flat = Flat::new();
            for (p, c) in files {
                let sha = self.git.put_blob(c.as_bytes());
                flat.insert(p.clone(), (crate::git::FILE_MODE.into(), sha));
            }
            let tree = self.git.build(&flat);
            let message = if i == 0 {
                "Initial commit"
            } else {
                "Update files"
            };
            let c = self.git.put(Object::Commit(Commit {
                tree,
                parents: parent.into_iter().collect(),
                message: message.into(),
                author: who.clone(),
                committer: who.clone(),
            }));
            parent = Some(c);
        }
        if let Some(c) = parent {
            self.git
                .refs
                .insert(format!("refs/heads/{}", self.default_branch), c);
        }
        self.sync();
    }
}

impl World {
    /// Who the simulator's own commits are by: the token's user.
    pub fn agent(&self, now: i64) -> Person {
        Person {
            name: self.seed.github_user.clone(),
            email: format!(
                "{}+{}@users.noreply.github.com",
                self.seed.github_user_id, self.seed.github_user
            ),
            date_ms: now,
        }
    }

    /// Gives every repository its git objects (see [`Repo::ensure_git`]): the seeded ones as
    /// made by the agency's maintainers (so a repository generated from the template in the
    /// same second still gets its own commit), the others as made by the token's user.
    pub fn ensure_git(&mut self) {
        let now = now_ms();
        let who = self.agent(now);
        let maintainer = Person {
            name: format!("{} maintainers", self.seed.github_org),
            email: format!("{}@users.noreply.github.com", self.seed.github_org),
            date_ms: now,
        };
        for r in &mut self.github.repos {
            r.ensure_git(if r.seeded { &maintainer } else { &who });
        }
    }
}
