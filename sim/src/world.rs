//! The simulated world: every resource of every provider, serialisable so it can be persisted.
//!
//! Timestamps are wall-clock epoch milliseconds and asynchronous states (project start-up,
//! template copy, builds) are derived from them when read, so progress continues across restarts.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::SeedConfig;
use crate::git::{Commit, Flat, Git, Object, Person};
use crate::ids::IdGen;

/// Wall-clock epoch milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// RFC 3339 UTC timestamp of epoch milliseconds (`2024-01-01T00:00:00.000Z`).
pub fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// RFC 3339 UTC timestamp without fractional seconds (GitHub style).
pub fn iso_secs(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Names and ids of the pre-existing accounts, as a client discovers them through the APIs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedWorld {
    pub supabase_org_slug: String,
    pub supabase_org_name: String,
    pub github_user: String,
    pub github_user_id: u64,
    pub github_org: String,
    pub github_org_id: u64,
    /// `owner/name` of the template repository.
    pub github_template: String,
    pub vercel_user: String,
    pub vercel_user_id: String,
    pub vercel_user_email: String,
    pub vercel_team_id: String,
    pub vercel_team_slug: String,
    pub vercel_team_name: String,
    pub resend_domain: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct World {
    /// Random per world (not from the seed): keeps database names unique when several simulators
    /// share one PostgreSQL server.
    pub instance: String,
    pub ids: IdGen,
    pub seed: SeedWorld,
    pub supabase: SupabaseState,
    pub github: GithubState,
    pub vercel: VercelState,
    pub n8n: N8nState,
    pub resend: ResendState,
    /// Gitea repositories (made through `POST /__sim/gitea/repos`; a world saved before Gitea
    /// was simulated has none).
    #[serde(default)]
    pub gitea: GiteaState,
    /// Resources seeded through `POST /__sim/foreign` ("made by someone else"), as
    /// `<provider>:<id>` (`supabase:<ref>`, `github:<id>`, `vercel:<prj_id>`, `n8n:<id>`).
    #[serde(default)]
    pub foreign: Vec<String>,
}

impl World {
    /// Whether `<provider>:<id>` was seeded as someone else's resource.
    pub fn is_foreign(&self, provider: &str, id: &str) -> bool {
        self.foreign
            .iter()
            .any(|f| f.strip_prefix(provider).and_then(|r| r.strip_prefix(':')) == Some(id))
    }
}

// ---------------------------------------------------------------- Supabase

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SupabaseState {
    pub orgs: Vec<Org>,
    pub projects: Vec<Project>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Org {
    pub id: String,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Being created; `fail` makes it end `INIT_FAILED`.
    Creating {
        fail: bool,
    },
    Pausing,
    Restoring,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Project {
    /// Numeric id returned by DELETE (recorded body `{"id": 711274, ...}`).
    pub numeric_id: i64,
    pub r#ref: String,
    pub name: String,
    pub org_slug: String,
    pub region: String,
    pub created_ms: i64,
    pub phase: Phase,
    pub phase_since_ms: i64,
    pub phase_duration_ms: i64,
    pub keys: ProjectKeys,
    pub auth_users: Vec<AuthUser>,
    /// Tables seen in parse-only SQL mode.
    pub tables: Vec<TableInfo>,
    /// Rows of `supabase_migrations.schema_migrations` in parse-only SQL mode.
    #[serde(default)]
    pub history: Vec<HistoryRow>,
}

impl Project {
    /// Management API status at `now`.
    pub fn status(&self, now: i64) -> &'static str {
        let elapsed = now - self.phase_since_ms;
        let done = elapsed >= self.phase_duration_ms;
        match self.phase {
            Phase::Creating { fail } => {
                // The recorded create answer says UNKNOWN; polls shortly after do too.
                let unknown_window = (self.phase_duration_ms / 10).min(2_000);
                if done {
                    if fail {
                        "INIT_FAILED"
                    } else {
                        "ACTIVE_HEALTHY"
                    }
                } else if elapsed < unknown_window {
                    "UNKNOWN"
                } else {
                    "COMING_UP"
                }
            }
            Phase::Pausing => {
                if done {
                    "INACTIVE"
                } else {
                    "PAUSING"
                }
            }
            Phase::Restoring => {
                if done {
                    "ACTIVE_HEALTHY"
                } else {
                    "RESTORING"
                }
            }
        }
    }

    /// When the project last became `ACTIVE_HEALTHY`, if it is.
    pub fn healthy_since(&self, now: i64) -> Option<i64> {
        (self.status(now) == "ACTIVE_HEALTHY")
            .then_some(self.phase_since_ms + self.phase_duration_ms)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectKeys {
    pub anon: String,
    pub service_role: String,
    pub publishable: String,
    pub publishable_id: String,
    pub secret: String,
    pub secret_id: String,
    pub hashes: [String; 4],
    pub created_ms: i64,
}

impl ProjectKeys {
    /// Every key the gateway accepts in `apikey`.
    pub fn all(&self) -> [&str; 4] {
        [
            &self.anon,
            &self.service_role,
            &self.publishable,
            &self.secret,
        ]
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthUser {
    pub id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub has_password: bool,
    pub email_confirmed_ms: Option<i64>,
    pub phone_confirmed_ms: Option<i64>,
    pub user_metadata: Value,
    pub app_metadata: Value,
    pub role: String,
    pub aud: String,
    pub created_ms: i64,
    pub banned_until_ms: Option<i64>,
    /// SHA-256 of the user's id and password, for `grant_type=password` (never the password).
    #[serde(default)]
    pub password_digest: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableInfo {
    pub schema: String,
    pub name: String,
    pub rls: bool,
    pub columns: Vec<String>,
    /// Names of the policies created on the table.
    #[serde(default)]
    pub policies: Vec<String>,
}

/// One row of the Supabase CLI's migration history (`supabase_migrations.schema_migrations`),
/// kept by the parse-only SQL mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub version: String,
    pub name: Option<String>,
    pub statements: Option<Vec<String>>,
}

// ---------------------------------------------------------------- GitHub

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

// ---------------------------------------------------------------- Vercel

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VercelState {
    pub projects: Vec<VProject>,
    pub deployments: Vec<Deployment>,
    /// Custom domains added to projects (a world saved before they existed has none). A name
    /// is on at most one project in the whole world.
    #[serde(default)]
    pub domains: Vec<ProjectDomain>,
}

/// A custom domain of a project (addProjectDomain).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectDomain {
    /// Lower-case host name, e.g. `www.kund.se`.
    pub name: String,
    /// The registrable domain it belongs to, e.g. `kund.se`.
    pub apex_name: String,
    pub project_id: String,
    pub redirect: Option<String>,
    pub redirect_status_code: Option<u16>,
    pub git_branch: Option<String>,
    pub custom_environment_id: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Verified for use on the project (the TXT challenge was met).
    pub verified: bool,
    /// The TXT value the challenge asks for at `_vercel.<apex>`
    /// (`vc-domain-verify=<name>,<hex>`); new on every add.
    pub challenge: String,
    /// The customer's DNS carries the challenge and points the name at Vercel. Only a test
    /// sets it (`POST /__sim/vercel/domains/{domain}/verifiable`): the simulator has no DNS.
    #[serde(default)]
    pub dns_configured: bool,
}

impl ProjectDomain {
    /// The project's production site answers on it: no branch, no custom environment.
    pub fn is_production(&self) -> bool {
        self.git_branch.is_none() && self.custom_environment_id.is_none()
    }

    /// What getDomainConfig calls configured: verified, and the DNS points at Vercel.
    pub fn configured(&self) -> bool {
        self.verified && self.dns_configured
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VProject {
    pub id: String,
    pub name: String,
    /// User id or team id.
    pub account_id: String,
    pub framework: Option<String>,
    pub link: Option<GitLink>,
    pub env: Vec<EnvVar>,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Optional settings from the create body (buildCommand, rootDirectory, ...), echoed back.
    pub settings: serde_json::Map<String, Value>,
    /// The deployment a promote (an Instant Rollback, or promoting an older one) pinned
    /// production to. While set, Vercel stops moving the production domains to new
    /// production deployments by itself, until one is promoted on purpose.
    #[serde(default)]
    pub promoted: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GitLink {
    pub kind: String,
    pub org: String,
    pub repo: String,
    pub repo_id: u64,
    pub production_branch: String,
    pub created_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnvVar {
    pub id: String,
    pub key: String,
    pub value: String,
    pub kind: String,
    pub target: Vec<String>,
    pub git_branch: Option<String>,
    pub comment: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deployment {
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub owner_id: String,
    pub url: String,
    pub target: Option<String>,
    pub created_ms: i64,
    pub queue_ms: i64,
    pub build_ms: i64,
    /// `Some((code, message))`: the deployment ends in `ERROR`.
    pub error: Option<(String, String)>,
    /// Git errors surface when the build would start (no build happens).
    pub error_before_build: bool,
    pub git_source: Option<Value>,
    /// What the Git provider said about the commit built (`githubCommitSha`, `githubCommitRef`),
    /// as the deployment's `meta` carries it; empty for a deployment not made from Git.
    #[serde(default)]
    pub meta: serde_json::Map<String, Value>,
}

impl Deployment {
    /// `readyState` at `now`.
    pub fn ready_state(&self, now: i64) -> &'static str {
        let elapsed = now - self.created_ms;
        if self.error_before_build && self.error.is_some() {
            return if elapsed < self.queue_ms {
                "QUEUED"
            } else {
                "ERROR"
            };
        }
        if elapsed < self.queue_ms {
            "QUEUED"
        } else if elapsed < self.queue_ms + self.build_ms {
            "BUILDING"
        } else if self.error.is_some() {
            "ERROR"
        } else {
            "READY"
        }
    }
}

// ---------------------------------------------------------------- n8n

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct N8nState {
    pub workflows: Vec<Workflow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Workflow {
    pub id: String,
    pub name: String,
    pub active: bool,
    pub nodes: Value,
    pub connections: Value,
    pub settings: Value,
    pub static_data: Value,
    pub version_id: String,
    pub created_ms: i64,
    pub updated_ms: i64,
}

// ---------------------------------------------------------------- Gitea

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

// ---------------------------------------------------------------- Resend

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResendState {
    pub emails: Vec<Email>,
    pub idempotency: Vec<IdempotencyEntry>,
    /// Domains added to the account besides the seeded, verified one (a world saved before
    /// they existed has none).
    #[serde(default)]
    pub domains: Vec<ResendDomain>,
}

/// A sending domain of the Resend account (`GET /domains`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResendDomain {
    pub id: String,
    pub name: String,
    /// One of the spec's statuses: `pending`, `verified`, `failed`, `not_started`,
    /// `partially_verified`, `partially_failed`.
    pub status: String,
    pub created_ms: i64,
}

impl World {
    /// Every domain of the Resend account: the seeded one (verified) unless one of the same
    /// name was added, then the added ones.
    pub fn resend_domains(&self) -> Vec<ResendDomain> {
        let seeded = &self.seed.resend_domain;
        let mut all = Vec::new();
        if !self.resend.domains.iter().any(|d| &d.name == seeded) {
            all.push(ResendDomain {
                id: format!("seeded-{seeded}"),
                name: seeded.clone(),
                status: "verified".into(),
                created_ms: 0,
            });
        }
        all.extend(self.resend.domains.iter().cloned());
        all
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Email {
    pub id: String,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub html: Option<String>,
    pub text: Option<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub reply_to: Vec<String>,
    pub created_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdempotencyEntry {
    pub key: String,
    /// Canonical JSON of the first request body.
    pub payload: String,
    pub email_id: String,
    pub created_ms: i64,
}

// ---------------------------------------------------------------- seeding

impl World {
    /// The initial world: accounts from `cfg`, the template repository, nothing else.
    pub fn seeded(cfg: &SeedConfig, seed: u64) -> World {
        let mut ids = IdGen::new(seed);
        let now = now_ms();
        let github_user_id = ids.number();
        let github_org_id = ids.number();
        let seed_world = SeedWorld {
            supabase_org_slug: cfg.supabase_org_slug.clone(),
            supabase_org_name: cfg.supabase_org_name.clone(),
            github_user: cfg.github_user.clone(),
            github_user_id,
            github_org: cfg.github_org.clone(),
            github_org_id,
            github_template: format!("{}/{}", cfg.github_org, cfg.github_template_repo),
            vercel_user: cfg.vercel_user.clone(),
            vercel_user_id: ids.alnum(24),
            vercel_user_email: format!("{}@{}", cfg.vercel_user, cfg.resend_domain),
            vercel_team_id: ids.prefixed("team_"),
            vercel_team_slug: cfg.vercel_team_slug.clone(),
            vercel_team_name: title_case(&cfg.vercel_team_slug),
            resend_domain: cfg.resend_domain.clone(),
        };
        let template = Repo {
            id: ids.number(),
            owner: cfg.github_org.clone(),
            owner_id: github_org_id,
            owner_is_org: true,
            name: cfg.github_template_repo.clone(),
            private: false,
            description: Some("Template every Fabrik customer instance is generated from".into()),
            is_template: true,
            template: None,
            created_ms: now,
            contents_ready_ms: now,
            files: cfg.github_template_files.clone(),
            default_branch: "main".into(),
            head_sha: ids.hex(40),
            seeded: true,
            previous_names: Vec::new(),
            earlier: Vec::new(),
            git: Git::default(),
            pulls: Vec::new(),
        };
        let mut world = World {
            instance: instance_tag(),
            supabase: SupabaseState {
                orgs: vec![Org {
                    id: ids.supabase_ref(),
                    slug: cfg.supabase_org_slug.clone(),
                    name: cfg.supabase_org_name.clone(),
                }],
                projects: vec![],
            },
            github: GithubState {
                repos: vec![template],
            },
            vercel: VercelState {
                projects: vec![],
                deployments: vec![],
                domains: vec![],
            },
            n8n: N8nState { workflows: vec![] },
            gitea: GiteaState::default(),
            resend: ResendState {
                emails: vec![],
                idempotency: vec![],
                domains: vec![],
            },
            foreign: vec![],
            seed: seed_world,
            ids,
        };
        world.ensure_git();
        world
    }
}

fn title_case(slug: &str) -> String {
    slug.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// 8 random lowercase characters from OS entropy.
fn instance_tag() -> String {
    use rand::Rng;
    let mut r = rand::rng();
    (0..8)
        .map(|_| (b'a' + r.random_range(0..26u8)) as char)
        .collect()
}

#[cfg(test)]
mod git_tests {
    use super::*;

    /// A repository saved before the object model (flat files and earlier snapshots, random
    /// shas) gets a history: each snapshot a commit, the files the head of the default branch.
    #[test]
    fn an_old_repository_becomes_a_history() {
        let mut w = World::seeded(&SeedConfig::default(), 7);
        let mut r = w.github.repos[0].clone();
        r.git = Git::default();
        r.head_sha = "f".repeat(40);
        r.earlier = vec![("e".repeat(40), vec![("a.txt".into(), "old\n".into())])];
        r.files = vec![("a.txt".into(), "new\n".into())];
        w.github.repos = vec![r];
        // Saved as before: no `git`, no `pulls`.
        let mut json = serde_json::to_value(&w).unwrap();
        let saved = json["github"]["repos"][0].as_object_mut().unwrap();
        saved.remove("git");
        saved.remove("pulls");
        let mut back: World = serde_json::from_value(json).unwrap();
        back.ensure_git();
        let r = &back.github.repos[0];
        assert!(r.earlier.is_empty());
        assert_eq!(r.git.branch("main"), Some(&r.head_sha));
        let log = r.git.log(&r.head_sha);
        assert_eq!(log.len(), 2);
        let old = r.flat_at(Some(&log[1])).unwrap();
        let blob = &old["a.txt"].1;
        assert_eq!(r.git.blob(blob), Some(&b"old\n"[..]));
        assert_eq!(r.files, vec![("a.txt".to_string(), "new\n".to_string())]);
    }
}
