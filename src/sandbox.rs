//! The sandbox environment: fabrik-sim started in-process with a preconfigured world, so the
//! whole product can be tried without any account. Its world is kept in the app-data folder
//! between launches, so an interrupted sandbox run can be resumed.

use std::path::Path;

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
    /// The local PostgreSQL the projects' SQL runs on (`FABRIK_SANDBOX_POSTGRES=1`); stopped
    /// when the sandbox is dropped.
    _postgres: Option<fabrik_sim::pg::TestCluster>,
}

/// `FABRIK_SANDBOX_POSTGRES=1`: the sandbox's Supabase projects run their SQL (schema, RLS,
/// the Data API) on a real local PostgreSQL, started for this process, instead of the
/// simulator's SQL emulation. The window tests use it to sign in as a customer's admin.
pub const POSTGRES_ENV: &str = "FABRIK_SANDBOX_POSTGRES";

impl Sandbox {
    /// Starts the simulator on a free loopback port. It accepts the built-in sandbox token and
    /// every token saved in the sandbox keyring, so a token the user typed works as well.
    pub async fn start(data_dir: &Path, keyring: Option<&SecretStore>) -> Result<Sandbox> {
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
        let postgres = match std::env::var(POSTGRES_ENV).as_deref() {
            Ok("1") => Some(
                fabrik_sim::pg::TestCluster::start()
                    .map_err(|e| Error::Sandbox(format!("PostgreSQL: {e}")))?,
            ),
            _ => None,
        };
        config.database_url = postgres.as_ref().map(|c| c.url().to_string());
        let token = Secret::new(fabrik_sim::DEFAULT_TOKEN);
        let sim = fabrik_sim::start(config)
            .await
            .map_err(|e| Error::Sandbox(e.to_string()))?;
        Ok(Sandbox {
            sim,
            token,
            _postgres: postgres,
        })
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

fn add_token(config: &mut SimConfig, p: Provider, token: &str) {
    let list = match p {
        Provider::Github => &mut config.tokens.github,
        Provider::Supabase => &mut config.tokens.supabase,
        Provider::Vercel => &mut config.tokens.vercel,
        Provider::N8n => &mut config.tokens.n8n,
        Provider::Resend => &mut config.tokens.resend,
    };
    if !list.iter().any(|t| t == token) {
        list.push(token.to_string());
    }
}
