//! Simulator configuration: listen address, tokens, timing profile, rate limits and seed world.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How long asynchronous work takes in the simulated services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Durations close to what the real services show (Supabase ~90 s, Vercel build ~45 s, ...).
    Realistic,
    /// Everything finishes immediately: for fast tests.
    Instant,
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "realistic" => Ok(Profile::Realistic),
            "instant" => Ok(Profile::Instant),
            other => Err(format!(
                "unknown profile `{other}` (expected realistic or instant)"
            )),
        }
    }
}

/// Durations of the asynchronous transitions, before `time_scale` is applied.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Supabase project creation: `UNKNOWN`/`COMING_UP` until this has elapsed.
    pub supabase_startup: Duration,
    /// After `ACTIVE_HEALTHY`, `GET /api-keys` still answers 400 for this long (seen by Supabase's own e2e suite).
    pub supabase_api_keys_flaky: Duration,
    /// `PAUSING` → `INACTIVE`.
    pub supabase_pause: Duration,
    /// `RESTORING` → `ACTIVE_HEALTHY`.
    pub supabase_restore: Duration,
    /// A repository generated from a template stays empty this long.
    pub github_template_copy: Duration,
    /// Vercel deployment stays `QUEUED` this long ...
    pub vercel_queue: Duration,
    /// ... then `BUILDING` this long before `READY`/`ERROR`.
    pub vercel_build: Duration,
    /// How long a Gitea API read (GET) takes to answer.
    #[serde(default)]
    pub gitea_read: Duration,
    /// How long a Gitea contents write (POST/PUT/DELETE: a temporary clone, a commit and a push
    /// on the server) takes to answer.
    #[serde(default)]
    pub gitea_write: Duration,
}

impl Timings {
    /// Durations observed on the real services (see sim/README.md).
    pub fn realistic() -> Self {
        Timings {
            supabase_startup: Duration::from_secs(90),
            supabase_api_keys_flaky: Duration::from_secs(5),
            supabase_pause: Duration::from_secs(30),
            supabase_restore: Duration::from_secs(60),
            github_template_copy: Duration::from_secs(3),
            vercel_queue: Duration::from_secs(5),
            vercel_build: Duration::from_secs(40),
            gitea_read: Duration::from_millis(40),
            gitea_write: Duration::from_millis(300),
        }
    }

    /// Zero everywhere.
    pub fn instant() -> Self {
        Timings {
            supabase_startup: Duration::ZERO,
            supabase_api_keys_flaky: Duration::ZERO,
            supabase_pause: Duration::ZERO,
            supabase_restore: Duration::ZERO,
            github_template_copy: Duration::ZERO,
            vercel_queue: Duration::ZERO,
            vercel_build: Duration::ZERO,
            gitea_read: Duration::ZERO,
            gitea_write: Duration::ZERO,
        }
    }

    /// Every duration multiplied by `factor` (negative or NaN factors count as 0).
    pub fn scaled(self, factor: f64) -> Self {
        let f = if factor.is_finite() && factor > 0.0 {
            factor
        } else {
            0.0
        };
        let s = |d: Duration| Duration::from_secs_f64(d.as_secs_f64() * f);
        Timings {
            supabase_startup: s(self.supabase_startup),
            supabase_api_keys_flaky: s(self.supabase_api_keys_flaky),
            supabase_pause: s(self.supabase_pause),
            supabase_restore: s(self.supabase_restore),
            github_template_copy: s(self.github_template_copy),
            vercel_queue: s(self.vercel_queue),
            vercel_build: s(self.vercel_build),
            gitea_read: s(self.gitea_read),
            gitea_write: s(self.gitea_write),
        }
    }
}

/// Request limits. Defaults are the documented real values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimits {
    /// Supabase Management API: requests per minute per scope (user / project / org) and endpoint.
    pub supabase_per_minute: u32,
    /// GitHub primary limit: requests per hour per token.
    pub github_per_hour: u32,
    /// GitHub secondary limit: content-creating requests (POST, PUT, PATCH, DELETE) per minute
    /// per token; 0 turns it off. GitHub: "no more than 80 content-generating requests per
    /// minute and no more than 500 content-generating requests per hour" (docs.github.com,
    /// rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits).
    pub github_content_per_minute: u32,
    /// GitHub secondary limit: content-creating requests per hour per token (500); 0 turns it off.
    #[serde(default = "default_content_per_hour")]
    pub github_content_per_hour: u32,
    /// Vercel: requests per minute per token and endpoint (Vercel's limits are per endpoint; 100 is a
    /// conservative common value, not an official figure).
    pub vercel_per_minute: u32,
    /// Resend: requests per second per token (team). Mail a Supabase project sends through
    /// Resend's SMTP relay counts too.
    pub resend_per_second: u32,
    /// Supabase Auth: the length of the window `rate_limit_email_sent` (mails per hour) counts
    /// in, in seconds (3600). A test makes it short to see the window reset.
    #[serde(default = "default_auth_email_window")]
    pub supabase_auth_email_window_secs: u32,
    /// Stripe: requests per second per key; test mode allows 25 read operations a second
    /// (docs.stripe.com/rate-limits).
    #[serde(default = "default_stripe_per_second")]
    pub stripe_per_second: u32,
}

fn default_content_per_hour() -> u32 {
    500
}

fn default_stripe_per_second() -> u32 {
    25
}

fn default_auth_email_window() -> u32 {
    3600
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            supabase_per_minute: 120,
            github_per_hour: 5000,
            github_content_per_minute: 80,
            github_content_per_hour: 500,
            vercel_per_minute: 100,
            resend_per_second: 2,
            stripe_per_second: default_stripe_per_second(),
            supabase_auth_email_window_secs: default_auth_email_window(),
        }
    }
}

impl RateLimits {
    /// No provider's request limit is reached (a set-up that is not what is measured); the Auth
    /// mail window stays as it is.
    pub fn lifted(self) -> Self {
        RateLimits {
            supabase_per_minute: u32::MAX,
            github_per_hour: u32::MAX,
            github_content_per_minute: 0,
            github_content_per_hour: 0,
            vercel_per_minute: u32::MAX,
            resend_per_second: u32::MAX,
            stripe_per_second: u32::MAX,
            ..self
        }
    }
}

/// Accepted tokens per provider. A request with any listed token of its provider is authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tokens {
    pub supabase: Vec<String>,
    pub github: Vec<String>,
    pub vercel: Vec<String>,
    pub n8n: Vec<String>,
    pub resend: Vec<String>,
    /// Gitea access tokens (`Authorization: token <t>`).
    #[serde(default)]
    pub gitea: Vec<String>,
    /// Stripe secret or restricted keys (`sk_test_…`, `rk_test_…`; Bearer or Basic auth).
    #[serde(default)]
    pub stripe: Vec<String>,
}

impl Tokens {
    /// The same token for every provider (what the desktop sandbox uses).
    pub fn single(token: impl Into<String>) -> Self {
        let t = token.into();
        Tokens {
            supabase: vec![t.clone()],
            github: vec![t.clone()],
            vercel: vec![t.clone()],
            n8n: vec![t.clone()],
            resend: vec![t.clone()],
            gitea: vec![t.clone()],
            stripe: vec![t],
        }
    }

    /// The tokens of the provider Fabrik names `provider` (`github`, …), if the simulator has it.
    pub fn of_mut(&mut self, provider: &str) -> Option<&mut Vec<String>> {
        Some(match provider {
            "supabase" => &mut self.supabase,
            "github" => &mut self.github,
            "vercel" => &mut self.vercel,
            "n8n" => &mut self.n8n,
            "resend" => &mut self.resend,
            "gitea" => &mut self.gitea,
            "stripe" => &mut self.stripe,
            _ => return None,
        })
    }

    /// Adds `token` to every provider.
    pub fn add_all(&mut self, token: &str) {
        for list in [
            &mut self.supabase,
            &mut self.github,
            &mut self.vercel,
            &mut self.n8n,
            &mut self.resend,
            &mut self.gitea,
            &mut self.stripe,
        ] {
            if !list.iter().any(|t| t == token) {
                list.push(token.to_string());
            }
        }
    }
}

/// Names of the pre-existing accounts in the simulated world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedConfig {
    /// Supabase organization slug (default `fabrik-sandbox`).
    pub supabase_org_slug: String,
    /// Supabase organization display name (default `Fabrik Sandbox`).
    pub supabase_org_name: String,
    /// GitHub user owning the token (default `fabrik-agent`).
    pub github_user: String,
    /// GitHub organization the user belongs to (default `fabrik-agency`).
    pub github_org: String,
    /// Template repository in `github_org` (default `saas-template`, `is_template: true`).
    pub github_template_repo: String,
    /// Files of the template repository: (path, content).
    pub github_template_files: Vec<(String, String)>,
    /// Vercel personal account username (default `fabrik-agent`).
    pub vercel_user: String,
    /// Vercel team slug (default `fabrik-agency`); its id is `team_` + 24 characters from the seed.
    pub vercel_team_slug: String,
    /// Resend verified sending domain (default `sandbox.fabrik.test`).
    pub resend_domain: String,
    /// E-mail addresses of the Supabase organization's team (default
    /// `fabrik-agent@sandbox.fabrik.test`). Without custom SMTP a project's Auth only mails
    /// these addresses, as Supabase's built-in mailer does.
    #[serde(default = "default_org_members")]
    pub supabase_org_members: Vec<String>,
}

fn default_org_members() -> Vec<String> {
    vec!["fabrik-agent@sandbox.fabrik.test".into()]
}

impl Default for SeedConfig {
    fn default() -> Self {
        SeedConfig {
            supabase_org_slug: "fabrik-sandbox".into(),
            supabase_org_name: "Fabrik Sandbox".into(),
            github_user: "fabrik-agent".into(),
            github_org: "fabrik-agency".into(),
            github_template_repo: "saas-template".into(),
            github_template_files: vec![
                ("README.md".into(), "# SaaS template\n\nGenerated by Fabrik.\n".into()),
                (
                    "package.json".into(),
                    "{\n  \"name\": \"saas-template\",\n  \"private\": true,\n  \"scripts\": {\"build\": \"next build\"}\n}\n".into(),
                ),
                // No supabase/migrations: a template without migration files gets the schema
                // Fabrik carries (a test pushes files when it wants them).
                ("supabase/seed.sql".into(), "-- Sample rows for a local supabase db reset.\n".into()),
            ],
            vercel_user: "fabrik-agent".into(),
            vercel_team_slug: "fabrik-agency".into(),
            resend_domain: "sandbox.fabrik.test".into(),
            supabase_org_members: default_org_members(),
        }
    }
}

/// Everything `start` needs.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Accepted tokens per provider.
    pub tokens: Tokens,
    /// GitHub token → scopes sent in `X-OAuth-Scopes`. Tokens not listed get `default_github_scopes`.
    pub github_scopes: HashMap<String, Vec<String>>,
    /// Scopes of GitHub tokens not in `github_scopes` (default `repo, delete_repo, read:user`).
    pub default_github_scopes: Vec<String>,
    /// GitHub tokens made with an expiry (epoch milliseconds): GitHub names it in
    /// `GitHub-Authentication-Token-Expiration` on every answer, and refuses the token after it
    /// as it refuses a wrong one (401 "Bad credentials").
    pub github_token_expiry: HashMap<String, i64>,
    /// The version the n8n server runs: n8n 2 and later also serve `/publish` and `/unpublish`
    /// (n8n 1 only `/activate` and `/deactivate`).
    pub n8n_version: String,
    /// Whether n8n serves its Prometheus metrics (`N8N_METRICS`), whose `n8n_version_info`
    /// names the version; off, `/metrics` is a 404 as in a default installation.
    pub n8n_metrics: bool,
    /// Timing profile.
    pub profile: Profile,
    /// Multiplies every duration of the profile.
    pub time_scale: f64,
    /// Overrides the profile's durations (still multiplied by `time_scale`).
    pub timings: Option<Timings>,
    /// Request limits.
    pub rate_limits: RateLimits,
    /// Persist the world to this JSON file after each change and load it at start.
    pub state_file: Option<PathBuf>,
    /// PostgreSQL server URL (superuser). When set, each Supabase project gets a real database
    /// and SQL is executed; otherwise SQL is only parsed.
    pub database_url: Option<String>,
    /// Makes generated ids reproducible.
    pub seed: u64,
    /// Names of the pre-existing accounts.
    pub world: SeedConfig,
}

/// The token `SimConfig::default()` accepts for every provider.
pub const DEFAULT_TOKEN: &str = "fabrik-sim-token";

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tokens: Tokens::single(DEFAULT_TOKEN),
            github_scopes: HashMap::new(),
            default_github_scopes: vec!["repo".into(), "delete_repo".into(), "read:user".into()],
            github_token_expiry: HashMap::new(),
            n8n_version: "1.97.1".into(),
            n8n_metrics: true,
            profile: Profile::Instant,
            time_scale: 1.0,
            timings: None,
            rate_limits: RateLimits::default(),
            state_file: None,
            database_url: None,
            seed: 0,
            world: SeedConfig::default(),
        }
    }
}

impl SimConfig {
    /// The durations in effect: the override or the profile's, multiplied by `time_scale`.
    pub fn effective_timings(&self) -> Timings {
        let base = self.timings.unwrap_or(match self.profile {
            Profile::Realistic => Timings::realistic(),
            Profile::Instant => Timings::instant(),
        });
        base.scaled(self.time_scale)
    }

    /// Scopes of a GitHub token.
    pub fn scopes_for(&self, token: &str) -> Vec<String> {
        self.github_scopes
            .get(token)
            .cloned()
            .unwrap_or_else(|| self.default_github_scopes.clone())
    }
}
