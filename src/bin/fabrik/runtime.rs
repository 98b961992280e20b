//! Builds the engine for a command: production (real APIs, keyring tokens or FABRIK_* env) or
//! the sandbox (an in-process fabrik-sim). No rules here, only wiring.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use fabrik::providers::Endpoints;
use fabrik::provision::{Clients, Engine, FailurePolicy, ProvisionSettings, Timing, Tokens};
use fabrik::sandbox::Sandbox;
use fabrik::secrets::SecretStore;
use fabrik::store::Store;
use fabrik::{ApiError, Error};

pub struct Env {
    pub engine: Engine,
    pub sandbox: Option<Sandbox>,
}

pub fn environment(sandbox: bool) -> &'static str {
    if sandbox {
        fabrik::sandbox::ENVIRONMENT
    } else {
        "production"
    }
}

/// `FABRIK_FAST_POLL=1` polls and retries quickly (tests and demos against the simulator).
pub fn timing() -> Timing {
    let mut t = Timing::default();
    if std::env::var_os("FABRIK_FAST_POLL").is_some() {
        t.poll.first = Duration::from_millis(50);
        t.poll.cap = Duration::from_millis(250);
        t.retry.base_delay = Duration::from_millis(50);
        t.retry.max_delay = Duration::from_secs(2);
        t.call_timeout = Duration::from_secs(3);
        t.retry.after_timeout = t.call_timeout;
    }
    t
}

pub async fn build(db: &Path, sandbox: bool, on_failure: FailurePolicy) -> Result<Env, ApiError> {
    fabrik::providers::install_crypto_provider();
    let store = Arc::new(Store::open(db)?);
    let env = environment(sandbox);
    let secrets = SecretStore::new(env);
    let timing = timing();
    let (endpoints, tokens, overrides, sim) = if sandbox {
        let dir = db
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let sim = Sandbox::start(dir, Some(&secrets)).await?;
        let tokens = sim.tokens(Some(&secrets));
        (sim.endpoints(), tokens, sim.settings(), Some(sim))
    } else {
        let endpoints = Endpoints::resolve(|k| store.get_setting(k).ok().flatten());
        let tokens = Tokens::resolve(&secrets).map_err(Error::from)?;
        (endpoints, tokens, Vec::new(), None)
    };
    let settings = ProvisionSettings::load_with(&store, &overrides)?;
    let clients = Clients::new(
        &endpoints,
        &tokens,
        settings.vercel_team_id.clone(),
        timing.call_timeout,
    )?;
    let engine = Engine {
        store,
        clients: Arc::new(clients),
        settings: Arc::new(settings),
        secrets,
        timing,
        environment: env.to_string(),
        on_failure,
    };
    Ok(Env {
        engine,
        sandbox: sim,
    })
}

/// What the credential commands need: the register, the keyring of this environment, where
/// the providers are, and (in the sandbox) the running simulator.
pub struct Cloud {
    pub store: Store,
    pub secrets: SecretStore,
    pub endpoints: Endpoints,
    pub overrides: Vec<(&'static str, String)>,
    pub sandbox: Option<Sandbox>,
    pub environment: &'static str,
}

pub async fn cloud(db: &Path, sandbox: bool) -> Result<Cloud, ApiError> {
    fabrik::providers::install_crypto_provider();
    let store = Store::open(db)?;
    let env = environment(sandbox);
    let secrets = SecretStore::new(env);
    let (endpoints, overrides, sim) = if sandbox {
        let dir = db
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let sim = Sandbox::start(dir, Some(&secrets)).await?;
        (sim.endpoints(), sim.settings(), Some(sim))
    } else {
        (
            Endpoints::resolve(|k| store.get_setting(k).ok().flatten()),
            Vec::new(),
            None,
        )
    };
    Ok(Cloud {
        store,
        secrets,
        endpoints,
        overrides,
        sandbox: sim,
        environment: env,
    })
}

impl Cloud {
    pub fn credentials(&self) -> fabrik::credentials::Credentials<'_> {
        fabrik::credentials::Credentials {
            store: &self.store,
            secrets: &self.secrets,
            environment: self.environment,
            endpoints: &self.endpoints,
            overrides: &self.overrides,
            timeout: timing().call_timeout,
        }
    }
}
