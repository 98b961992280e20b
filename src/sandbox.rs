//! The sandbox environment: fabrik-sim started in-process with a preconfigured world, so the
//! whole product can be tried without any account. Its world is kept in the app-data folder
//! between launches, so an interrupted sandbox run can be resumed.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use fabrik_sim::{Profile, SimConfig, SimHandle};

use crate::error::{Error, Result};
use crate::providers::Endpoints;
use crate::provision::Tokens;
use crate::secrets::{Provider, Secret, SecretKey, SecretStore};

pub const WORLD_FILE: &str = "sandbox-world.json";
/// How much faster than the real services the sandbox runs (Supabase start-up ~90 s real);
/// `FABRIK_SANDBOX_TIME_SCALE` overrides it.
pub const DEFAULT_TIME_SCALE: f64 = 0.15;

pub struct Sandbox {
    sim: SimHandle,
    token: Secret,
    /// The local PostgreSQL the projects' SQL runs on (see [`SandboxPostgres`]); stopped when
    /// the sandbox is dropped (field order: after the simulator).
    postgres: Option<fabrik_sim::pg::TestCluster>,
}

/// `FABRIK_SANDBOX_POSTGRES`: `1` requires real PostgreSQL for the sandbox's Supabase projects
/// (starting the sandbox fails without it), `0` turns it off, unset leaves this process's
/// default (see [`prefer_postgres`]).
pub const POSTGRES_ENV: &str = "FABRIK_SANDBOX_POSTGRES";

/// Folder of the sandbox's data dir that holds its PostgreSQL cluster. Kept between launches,
/// as the world file beside it is: a resumed sandbox finds its projects' databases again.
pub const POSTGRES_DIR: &str = "sandbox-postgres";

/// Where the sandbox's Supabase projects run their SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxPostgres {
    /// The simulator's parse-only SQL emulation (no rows, no backups).
    Off,
    /// A real PostgreSQL when one is installed; otherwise the emulation, with one warning.
    Auto,
    /// A real PostgreSQL, or the sandbox does not start.
    Required,
}

/// Whether sandboxes of this process use PostgreSQL when `FABRIK_SANDBOX_POSTGRES` is unset.
static PREFER_POSTGRES: AtomicBool = AtomicBool::new(false);

/// Makes [`SandboxPostgres::Auto`] the default for this process. The desktop app calls it at
/// start, so the sandbox a user tries has real databases (migrations, backups and restores
/// behave as in production). Everything else (the CLI, the many tests that open a sandbox)
/// keeps the emulation unless `FABRIK_SANDBOX_POSTGRES=1`: a PostgreSQL start costs one to a
/// few seconds per sandbox, and most of those tests only provision.
pub fn prefer_postgres() {
    PREFER_POSTGRES.store(true, Ordering::Relaxed);
}

impl SandboxPostgres {
    /// From `FABRIK_SANDBOX_POSTGRES`, else this process's default.
    pub fn from_env() -> SandboxPostgres {
        match std::env::var(POSTGRES_ENV).as_deref().map(str::trim) {
            Ok("1") | Ok("true") | Ok("on") => SandboxPostgres::Required,
            Ok("0") | Ok("false") | Ok("off") => SandboxPostgres::Off,
            _ if PREFER_POSTGRES.load(Ordering::Relaxed) => SandboxPostgres::Auto,
            _ => SandboxPostgres::Off,
        }
    }
}

/// Starts the sandbox's PostgreSQL: the kept cluster in `data_dir/sandbox-postgres`, or, when
/// that cannot start (e.g. the app runs as root and the server's user cannot reach the folder,
/// or another process uses it), a temporary one for this launch. `Ok(None)` in `Auto` mode
/// when there is none; the reason is logged once.
async fn start_postgres(
    data_dir: &Path,
    mode: SandboxPostgres,
) -> Result<Option<fabrik_sim::pg::TestCluster>> {
    use fabrik_sim::pg::{ClusterError, TestCluster};
    if mode == SandboxPostgres::Off {
        return Ok(None);
    }
    let dir = data_dir.join(POSTGRES_DIR);
    let started = tokio::task::spawn_blocking(move || match TestCluster::persistent(&dir) {
        Err(ClusterError::NotInstalled) => Err(ClusterError::NotInstalled),
        Err(kept) => {
            tracing::warn!(
                "sandbox: PostgreSQL could not start on {} ({kept}); this launch uses a temporary database server, so the sandbox's databases will not be kept",
                dir.display()
            );
            // Its own, whatever a test run's FABRIK_TEST_DATABASE_URL names.
            TestCluster::start_own()
        }
        ok => ok,
    })
    .await
    .map_err(|e| Error::Sandbox(format!("PostgreSQL: {e}")))?;
    match (started, mode) {
        (Ok(c), _) => Ok(Some(c)),
        (Err(e), SandboxPostgres::Required) => Err(Error::Sandbox(format!("PostgreSQL: {e}"))),
        (Err(ClusterError::NotInstalled), _) => {
            tracing::warn!(
                "sandbox: no PostgreSQL installation found (/usr/lib/postgresql/*/bin); the sandbox's Supabase projects only parse their SQL (no rows, no backups or restores). Install PostgreSQL for real project databases, or set {POSTGRES_ENV}=0 to silence this."
            );
            Ok(None)
        }
        (Err(e), _) => {
            tracing::warn!(
                "sandbox: PostgreSQL could not start ({e}); the sandbox's Supabase projects only parse their SQL (no rows, no backups or restores)"
            );
            Ok(None)
        }
    }
}

impl Sandbox {
    /// Starts the simulator on a free loopback port. It accepts the built-in sandbox token and
    /// every token saved in the sandbox keyring, so a token the user typed works as well. Its
    /// projects' SQL runs where [`SandboxPostgres::from_env`] says.
    pub async fn start(data_dir: &Path, keyring: Option<&SecretStore>) -> Result<Sandbox> {
        Self::start_with(data_dir, keyring, SandboxPostgres::from_env()).await
    }

    /// [`Sandbox::start`] with the PostgreSQL choice given.
    pub async fn start_with(
        data_dir: &Path,
        keyring: Option<&SecretStore>,
        postgres: SandboxPostgres,
    ) -> Result<Sandbox> {
        let mut config = SimConfig {
            profile: Profile::Realistic,
            ..SimConfig::default()
        };
        // Tests pin the port to reach the simulator's /__sim API (faults, inventory).
        if let Some(port) = std::env::var("FABRIK_SANDBOX_PORT")
            .ok()
            .and_then(|p| p.parse::<u16>().ok())
        {
            config.listen = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        }
        config.time_scale = std::env::var("FABRIK_SANDBOX_TIME_SCALE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_TIME_SCALE);
        std::fs::create_dir_all(data_dir)?;
        config.state_file = Some(data_dir.join(WORLD_FILE));
        if let Some(store) = keyring {
            for p in Provider::ALL {
                if let Ok(Some(t)) = store.get(&SecretKey::Token(p)) {
                    add_token(&mut config, p, t.expose());
                }
            }
        }
        let postgres = start_postgres(data_dir, postgres).await?;
        config.database_url = postgres.as_ref().map(|c| c.url().to_string());
        let token = Secret::new(fabrik_sim::DEFAULT_TOKEN);
        let sim = fabrik_sim::start(config)
            .await
            .map_err(|e| Error::Sandbox(e.to_string()))?;
        backup_repository(&sim).await?;
        Ok(Sandbox {
            sim,
            token,
            postgres,
        })
    }

    /// The superuser URL of the sandbox's PostgreSQL, when its projects run on one.
    pub fn postgres_url(&self) -> Option<&str> {
        self.postgres.as_ref().map(|c| c.url())
    }

    /// Accepts a token the user just saved, without a restart.
    pub fn accept(&self, token: &Secret) {
        self.sim.add_token(token.expose());
    }

    pub fn base_url(&self) -> &str {
        self.sim.base_url()
    }

    pub fn endpoints(&self) -> Endpoints {
        Endpoints {
            supabase_api: self.sim.supabase_api_url(),
            supabase_project_url: self.sim.supabase_project_url_template(),
            github_api: self.sim.github_api_url(),
            vercel_api: self.sim.vercel_api_url(),
            n8n_api: self.sim.n8n_api_url(),
            resend_api: self.sim.resend_api_url(),
            gitea_api: self.sim.gitea_api_url(),
            stripe_api: self.sim.stripe_api_url(),
            site_url: self.sim.vercel_site_url_template(),
        }
    }

    /// The simulator's own token for every provider; a token saved in the keyring wins.
    pub fn tokens(&self, keyring: Option<&SecretStore>) -> Tokens {
        let mut t = Tokens::all(&self.token);
        if let Some(store) = keyring {
            for p in Provider::ALL {
                if let Ok(Some(s)) = store.get(&SecretKey::Token(p)) {
                    t.set(p, Some(s));
                }
            }
        }
        t
    }

    /// The settings that describe the simulated world; in the sandbox they take precedence
    /// over what is stored for production.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        let s = self.sim.seed();
        vec![
            ("github.template", s.github_template.clone()),
            ("github.owner", s.github_org.clone()),
            ("supabase.organization", s.supabase_org_slug.clone()),
            ("supabase.region", "eu-north-1".into()),
            (
                "supabase.oauth_client_id",
                s.supabase_oauth_client_id.clone(),
            ),
            (
                "supabase.oauth_redirect_uri",
                s.supabase_oauth_redirect_uri.clone(),
            ),
            ("vercel.team_id", s.vercel_team_id.clone()),
            ("vercel.team_slug", s.vercel_team_slug.clone()),
            (
                "email.sender_address",
                format!("valkommen@{}", s.resend_domain),
            ),
        ]
    }

    pub async fn shutdown(self) {
        self.sim.shutdown().await;
    }
}

/// The agency's backup repository in the sandbox's Gitea, as an agency makes it once by hand
/// (a world kept from an earlier start has it already: Gitea answers 409).
async fn backup_repository(sim: &fabrik_sim::SimHandle) -> Result<()> {
    let (owner, name) = crate::provision::settings::DEFAULT_BACKUP_REPOSITORY
        .split_once('/')
        .unwrap_or_default();
    let made = reqwest::Client::new()
        .post(format!("{}/__sim/gitea/repos", sim.base_url()))
        .json(&serde_json::json!({ "owner": owner, "name": name, "private": true }))
        .send()
        .await
        .map_err(|e| Error::Sandbox(format!("the sandbox's Gitea: {e}")))?;
    match made.status().as_u16() {
        201 | 409 => Ok(()),
        other => Err(Error::Sandbox(format!(
            "the sandbox's Gitea answered {other} when making {owner}/{name}"
        ))),
    }
}

fn add_token(config: &mut SimConfig, p: Provider, token: &str) {
    let Some(list) = config.tokens.of_mut(p.as_str()) else {
        return;
    };
    if !list.iter().any(|t| t == token) {
        list.push(token.to_string());
    }
}
