#![recursion_limit = "256"]
// Handlers return `Result<_, Response>` (axum idiom); the error is a whole HTTP response, not a
// value passed around, so its size does not matter.
#![allow(clippy::result_large_err)]
//! `fabrik-sim`: one local HTTP server that behaves like the Supabase Management API, Supabase
//! Auth admin, GitHub, Vercel, n8n, Resend and Stripe for every operation Fabrik uses.
//!
//! Start it in-process with [`start`] (it runs on the caller's tokio runtime) or as the
//! `fabrik-sim` binary. See `sim/README.md` for the seeded world, the fault API and deviations.

pub mod config;
pub mod git;
pub mod ids;
pub mod pg;
pub mod world;

mod admin;
mod clock;
pub mod contract_record;
mod errors;
mod faults;
mod foreign;
mod idle;
mod persist;
mod pg_error;
mod pgdb;
mod providers;
mod ratelimit;
mod requestlog;
mod server;
mod sqlexec;
mod sqlparse;
mod state;
mod usage;

use std::net::SocketAddr;
use std::sync::Arc;

pub use config::{Profile, RateLimits, SeedConfig, SimConfig, Timings, Tokens, DEFAULT_TOKEN};
pub use world::SeedWorld;

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot load state file {path}: {message}")]
    State { path: String, message: String },
    #[error("cannot prepare PostgreSQL at the given database URL: {0}")]
    Database(String),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

/// A running simulator. Drop it or call [`SimHandle::shutdown`] to stop it.
pub struct SimHandle {
    addr: SocketAddr,
    base_url: String,
    seed: SeedWorld,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    state: Arc<state::AppState>,
}

impl SimHandle {
    /// Accepts `token` for every provider from now on (the desktop sandbox calls this when the
    /// user saves a token, so it works without a restart).
    pub fn add_token(&self, token: &str) {
        self.state
            .tokens
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .add_all(token);
    }

    /// Puts `limits` in force from the next request on, every counter starting again: a bench
    /// lifts them while it delivers the fleet it then measures under the configured ones.
    pub fn set_rate_limits(&self, limits: RateLimits) {
        self.state.set_rate_limits(limits);
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// Base of the Supabase Management API (`{base}/supabase`; paths continue with `/v1/...`).
    pub fn supabase_api_url(&self) -> String {
        format!("{}/supabase", self.base_url)
    }
    /// URL template of a project's own API; replace `{ref}` (e.g. `{base}/supabase-project/{ref}/auth/v1`).
    pub fn supabase_project_url_template(&self) -> String {
        format!("{}/supabase-project/{{ref}}", self.base_url)
    }
    /// A project's URL (the simulated `https://<ref>.supabase.co`).
    pub fn supabase_project_url(&self, project_ref: &str) -> String {
        format!("{}/supabase-project/{project_ref}", self.base_url)
    }
    /// Base of the GitHub REST API (`{base}/github`).
    pub fn github_api_url(&self) -> String {
        format!("{}/github", self.base_url)
    }
    /// Base of the Vercel REST API (`{base}/vercel`).
    pub fn vercel_api_url(&self) -> String {
        format!("{}/vercel", self.base_url)
    }
    /// Where a site Vercel serves is visited anonymously: `{host}` is the site's host name
    /// (the simulated `https://{host}`).
    pub fn vercel_site_url_template(&self) -> String {
        format!("{}/vercel-site/{{host}}", self.base_url)
    }
    /// Base of the n8n public API (`{base}/n8n/api/v1`).
    pub fn n8n_api_url(&self) -> String {
        format!("{}/n8n/api/v1", self.base_url)
    }
    /// Base of the Gitea API (`{base}/gitea/api/v1`); the instance's web address is `{base}/gitea`.
    pub fn gitea_api_url(&self) -> String {
        format!("{}/gitea/api/v1", self.base_url)
    }
    /// Base of the Resend API (`{base}/resend`).
    pub fn resend_api_url(&self) -> String {
        format!("{}/resend", self.base_url)
    }
    /// Base of the Stripe API (`{base}/stripe`; paths continue with `/v1/...`).
    pub fn stripe_api_url(&self) -> String {
        format!("{}/stripe", self.base_url)
    }
    /// Names and ids of the seeded accounts.
    pub fn seed(&self) -> &SeedWorld {
        &self.seed
    }
    /// Whether SQL runs on PostgreSQL (true) or is only parsed (false).
    pub fn executes_sql(&self) -> bool {
        self.state.pg.is_some()
    }
    /// The name of a project's database on the PostgreSQL server (`None` when SQL is parsed
    /// only). Unique per simulator: simulators sharing a server may hand out the same refs.
    pub fn project_database(&self, project_ref: &str) -> Option<String> {
        let pg = self.state.pg.as_ref()?;
        Some(pg.db_name(&self.state.read(|w| w.instance.clone()), project_ref))
    }
    /// Every mail of the Resend account, oldest first: those sent through the API and those a
    /// Supabase project's Auth sent through Resend's SMTP relay.
    pub fn resend_emails(&self) -> Vec<world::Email> {
        self.state.read(|w| w.resend.emails.clone())
    }
    /// The tokens of the Resend API keys made since the simulator started, with their key ids
    /// (the world keeps only their hashes).
    pub fn resend_key_tokens(&self) -> Vec<(String, String)> {
        self.state.issued_tokens()
    }

    /// What a project's Auth sent through Supabase's built-in mailer (no custom SMTP), oldest
    /// first; empty for an unknown project.
    pub fn auth_mail(&self, project_ref: &str) -> Vec<world::AuthMail> {
        self.state.read(|w| {
            w.supabase
                .projects
                .iter()
                .find(|p| p.r#ref == project_ref)
                .map(|p| p.auth_mail.clone())
                .unwrap_or_default()
        })
    }
    /// The configuration in effect.
    pub fn config(&self) -> &SimConfig {
        &self.state.cfg
    }
    /// Stops accepting connections and waits for the server task to finish.
    pub async fn shutdown(mut self) {
        self.stop();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        // Without an explicit shutdown the server task would keep running on the caller's runtime.
        self.stop();
        self.drop_databases();
    }
}

impl SimHandle {
    /// A simulator whose world is not saved leaves nothing on the PostgreSQL server: its
    /// projects' databases could never be reached again, and a test run's server (its data
    /// folder in memory) would otherwise hold every test's until the run ends. On a thread of
    /// its own with a runtime of its own, as the caller's may be ending; 30 s at most.
    fn drop_databases(&mut self) {
        if self.state.cfg.state_file.is_some() {
            return;
        }
        let Some(mut admin) = self.state.pg.as_ref().map(|pg| pg.admin()) else {
            return;
        };
        admin.connect_timeout(std::time::Duration::from_secs(5));
        let instance = self.state.read(|w| w.instance.clone());
        let dropping = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = runtime {
                let done = rt.block_on(async {
                    tokio::time::timeout(
                        std::time::Duration::from_secs(30),
                        sqlexec::PgBackend::drop_instance(&admin, &instance),
                    )
                    .await
                });
                if let Ok(Err(e)) = done {
                    tracing::debug!("fabrik-sim: the databases were not dropped: {e}");
                }
            }
        });
        let _ = dropping.join();
    }
}

/// Starts the simulator on the current tokio runtime and returns once it accepts connections.
pub async fn start(config: SimConfig) -> Result<SimHandle, SimError> {
    let world = match &config.state_file {
        Some(path) => persist::load(path)?,
        None => None,
    }
    .unwrap_or_else(|| world::World::seeded(&config.world, config.seed));
    let mut world = world;
    // A world saved before the git object model gets one.
    world.ensure_git();
    world.ensure_stripe(config.seed);
    world.ensure_oauth_app();
    let pg = match &config.database_url {
        Some(url) => Some(
            sqlexec::PgBackend::connect(url)
                .await
                .map_err(|e| SimError::Database(e.to_string()))?,
        ),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| SimError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    let seed = world.seed.clone();
    let state = Arc::new(state::AppState::new(config, world, pg, base_url.clone()));
    if let Some(path) = &state.cfg.state_file {
        // Write the initial world so a crash before the first change still leaves a loadable file.
        state.read(|w| persist::save(path, w));
    }
    let app = server::router(state.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!("fabrik-sim server stopped: {e}");
        }
    });
    Ok(SimHandle {
        addr,
        base_url,
        seed,
        shutdown: Some(tx),
        task: Some(task),
        state,
    })
}
