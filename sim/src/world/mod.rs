//! The simulated world: every resource of every provider, serialisable so it can be persisted.
//!
//! Timestamps are wall-clock epoch milliseconds and asynchronous states (project start-up,
//! template copy, builds) are derived from them when read, so progress continues across restarts.

use serde::{Deserialize, Serialize};

use crate::config::SeedConfig;
use crate::git::Git;
use crate::ids::IdGen;

mod gitea;
mod github;
mod handover;
mod n8n;
mod resend;
mod storage;
mod stripe;
mod supabase;
mod usage_profile;
mod vercel;

pub use gitea::{GiteaRepo, GiteaState};
pub use github::{GithubState, Pull, Repo};
pub use handover::{
    ClaimState, ClaimToken, HandoverState, OutsideAccount, RepoTransfer, TransferRequest,
};
pub use n8n::{N8nState, Workflow};
pub use resend::{Email, IdempotencyEntry, ResendAccess, ResendApiKey, ResendDomain, ResendState};
pub use storage::{Bucket, ProjectStorage, StoredObject};
pub use stripe::{
    BillingSettings, EventCtx, StripeState, EVENT_RETENTION_SECS, STRIPE_API_VERSION,
};
pub use supabase::{
    AuthConfig, AuthMail, AuthUser, HistoryRow, Org, Phase, PhysicalBackup, Project, ProjectKeys,
    Recovery, RestorePoint, Snapshot, SupabaseState, TableInfo,
};
pub use usage_profile::Profile;
pub use vercel::{Deployment, EnvVar, GitLink, ProjectDomain, VProject, VercelState};

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
    /// E-mail addresses of the Supabase organization's team: the only ones a project's Auth
    /// mails without custom SMTP (a world saved before has none).
    #[serde(default)]
    pub supabase_org_members: Vec<String>,
    /// Stripe product and price of the "Fabrik Starter" plan (4 900 SEK a month).
    #[serde(default)]
    pub stripe_starter_product_id: String,
    #[serde(default)]
    pub stripe_starter_price_id: String,
    /// Stripe product and price of the "Fabrik Professional" plan (14 900 SEK a month).
    #[serde(default)]
    pub stripe_professional_product_id: String,
    #[serde(default)]
    pub stripe_professional_price_id: String,
    /// The agency's OAuth app at Supabase (Organization settings → OAuth Apps), which the
    /// project claim flow names: its client id and its one redirect address.
    #[serde(default)]
    pub supabase_oauth_client_id: String,
    #[serde(default)]
    pub supabase_oauth_redirect_uri: String,
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
    /// The Stripe account (a world saved before Stripe was simulated gets the seeded
    /// catalogue on load, see `ensure_stripe`).
    #[serde(default)]
    pub stripe: StripeState,
    /// Resources seeded through `POST /__sim/foreign` ("made by someone else"), as
    /// `<provider>:<id>` (`supabase:<ref>`, `github:<id>`, `vercel:<prj_id>`, `n8n:<id>`).
    #[serde(default)]
    pub foreign: Vec<String>,
    /// Days the simulator's own clock runs ahead of the wall clock (`POST /__sim/clock`): the
    /// day the usage figures are of (`usage.rs`). The Stripe clock is its own.
    #[serde(default)]
    pub clock_offset_days: i64,
    /// How a resource is used, when a test set it (`POST /__sim/usage/profile`), by its id.
    #[serde(default)]
    pub usage_profiles: std::collections::BTreeMap<String, Profile>,
    /// Each Supabase project's Storage, by project ref (a world saved before has none).
    #[serde(default)]
    pub storage: std::collections::BTreeMap<String, ProjectStorage>,
    /// Claim tokens, transfer requests, repository transfers and the customer's own accounts
    /// (a world saved before handovers has none).
    #[serde(default)]
    pub handover: HandoverState,
}

impl World {
    /// Whether `<provider>:<id>` was seeded as someone else's resource.
    pub fn is_foreign(&self, provider: &str, id: &str) -> bool {
        self.foreign
            .iter()
            .any(|f| f.strip_prefix(provider).and_then(|r| r.strip_prefix(':')) == Some(id))
    }
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
            supabase_org_members: cfg.supabase_org_members.clone(),
            stripe_starter_product_id: String::new(),
            stripe_starter_price_id: String::new(),
            stripe_professional_product_id: String::new(),
            stripe_professional_price_id: String::new(),
            supabase_oauth_client_id: String::new(),
            supabase_oauth_redirect_uri: String::new(),
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
                    plan: "free".into(),
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
                other_teams: vec![],
            },
            n8n: N8nState { workflows: vec![] },
            gitea: GiteaState::default(),
            resend: ResendState {
                emails: vec![],
                idempotency: vec![],
                domains: vec![],
                api_keys: vec![],
            },
            foreign: vec![],
            clock_offset_days: 0,
            usage_profiles: Default::default(),
            storage: Default::default(),
            handover: Default::default(),
            stripe: StripeState::default(),
            seed: seed_world,
            ids,
        };
        world.ensure_git();
        world.seed_stripe(seed);
        world.ensure_oauth_app();
        world
    }

    /// The agency's OAuth app, made last so that every id before it stays what it was (a world
    /// saved before the claim flow was simulated gets one too).
    pub fn ensure_oauth_app(&mut self) {
        if self.seed.supabase_oauth_client_id.is_empty() {
            self.seed.supabase_oauth_client_id = self.ids.uuid_v4();
            self.seed.supabase_oauth_redirect_uri =
                format!("https://{}/supabase/claimed", self.seed.resend_domain);
        }
    }

    /// A world saved before Stripe was simulated gets the seeded catalogue.
    pub fn ensure_stripe(&mut self, seed: u64) {
        if self.stripe.objects.is_empty() {
            self.seed_stripe(seed);
        }
    }

    fn seed_stripe(&mut self, seed: u64) {
        let (state, cat) = StripeState::seeded(seed, now_ms());
        self.stripe = state;
        self.seed.stripe_starter_product_id = cat.starter_product;
        self.seed.stripe_starter_price_id = cat.starter_price;
        self.seed.stripe_professional_product_id = cat.professional_product;
        self.seed.stripe_professional_price_id = cat.professional_price;
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
