//! The CLI's own wiring: which environment a command acts in, where its files live, and the
//! FABRIK_FAST_POLL knob. Everything else (endpoints, tokens, settings, the engine, the
//! supervisor) is the core's, the same as the window's.
//!
//! One environment rule for every command, reads and runs alike: `--sandbox` or `--production`
//! when given, else `FABRIK_ENVIRONMENT`, else this seat's own choice (`fabrik use`, kept in the
//! seat's folder), else the sandbox. The window's switch never moves the command line into
//! production: with the window there and no choice of the command line's own, a command is
//! refused and told how to choose (as `vercel link` makes the target explicit). A command that
//! reaches a cloud says which, once, on a line of its own on stderr; one that only reads or
//! writes the register says nothing (its answer, e.g. `customers show --json`, names the
//! environment itself).

use crate::language::{tr, trf, Said};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use fabrik::messages::Say;
use fabrik::provision::{FailurePolicy, Timing};
use fabrik::services::register::Register;
use fabrik::store::Store;
use fabrik::supervisor::cloud::{CloudApi, Environment};
use fabrik::supervisor::Supervisor;
use fabrik::ApiError;

/// The environment variable that names the environment when no flag does.
const ENVIRONMENT_ENV: &str = "FABRIK_ENVIRONMENT";

/// This seat's own choice (`fabrik use`), in its settings file.
pub const USE_KEY: &str = "cli.environment";

/// How the environment came to be chosen, as the first line says it.
#[derive(Debug, Clone, Copy)]
enum How {
    /// A flag or `FABRIK_ENVIRONMENT`.
    Asked,
    /// `fabrik use`.
    Seat,
    /// Nothing chosen: the sandbox.
    Default,
}

/// This seat's `fabrik use`, if it made one.
pub fn seat_choice(db: &Path) -> Option<Environment> {
    fabrik::seat_settings::SeatSettings::open(&fabrik::paths::seat_dir(db))
        .get(USE_KEY)
        .and_then(|v| Environment::parse(v.trim()))
}

/// What the command line asked for; `None`: what the window is set to.
#[derive(Debug, Clone, Copy)]
pub struct Chosen(Option<Environment>);

impl Chosen {
    pub fn from_flags(sandbox: bool, production: bool) -> Result<Chosen, ApiError> {
        if sandbox {
            return Ok(Chosen(Some(Environment::Sandbox)));
        }
        if production {
            return Ok(Chosen(Some(Environment::Production)));
        }
        match std::env::var(ENVIRONMENT_ENV) {
            Ok(v) if !v.trim().is_empty() => Environment::parse(v.trim())
                .map(|e| Chosen(Some(e)))
                .ok_or_else(|| {
                    fabrik::error::invalid_setting(
                        ENVIRONMENT_ENV,
                        fabrik::messages::Text::new(
                            format!("«{v}» är ingen miljö; ange sandbox eller production"),
                            format!("“{v}” is not an environment; use sandbox or production"),
                        ),
                    )
                    .into()
                }),
            _ => Ok(Chosen(None)),
        }
    }

    /// The environment asked for, if any (`None`: the window's).
    pub fn environment(self) -> Option<Environment> {
        self.0
    }

    /// The environment for this register, and how it was chosen.
    fn resolve(self, store: &Store, db: &Path) -> Result<(Environment, How), ApiError> {
        if let Some(env) = self.0 {
            return Ok((env, How::Asked));
        }
        if let Some(env) = seat_choice(db) {
            return Ok((env, How::Seat));
        }
        match store.stored_environment() {
            Environment::Sandbox => Ok((Environment::Sandbox, How::Default)),
            Environment::Production => Err(fabrik::error::invalid_setting(
                USE_KEY,
                fabrik::messages::Text::new(
                    "fönstret står på produktion, men kommandoraden väljer sin miljö själv: \
                     `fabrik use production` (en gång, för den här datorn) eller --production \
                     för ett kommando; `fabrik use sandbox` för sandlådan",
                    "the window is set to production, but the command line chooses its own: \
                     `fabrik use production` (once, for this computer) or --production for one \
                     command; `fabrik use sandbox` for the sandbox",
                ),
            )
            .into()),
        }
    }

    /// Says which environment a cloud command acts in, on stderr (stdout stays the command's
    /// answer): once, before anything else the command prints.
    fn say(env: Environment, how: How) {
        let (name, other) = match env {
            Environment::Sandbox => (tr("sandlådan", "sandbox"), "--production"),
            Environment::Production => (tr("produktion", "production"), "--sandbox"),
        };
        let how = match how {
            How::Asked => Say::CliEnvAsked,
            How::Seat => Say::CliEnvSeat,
            How::Default => Say::CliEnvDefault,
        }
        .text()
        .said();
        eprintln!(
            "{}",
            trf!(
                "Miljö: {name} ({how}; {other} byter)",
                "Environment: {name} ({how}; {other} switches)"
            )
        );
    }
}

/// The lease a run is held on under `FABRIK_FAST_POLL`: a dead seat's run is taken over in
/// seconds, not the better part of a minute, yet not before a test on two loaded cores has
/// started the two processes it asks while the lease holds (5 s was passed there: a takeover
/// test failed with both cores busy).
pub const FAST_LEASE: Duration = Duration::from_secs(15);

/// `FABRIK_FAST_POLL=1` polls and retries quickly, and holds runs on a short lease (tests and
/// demos against the simulator).
pub fn timing() -> Timing {
    let mut t = Timing::default();
    if std::env::var_os("FABRIK_FAST_POLL").is_some() {
        t.poll.first = Duration::from_millis(50);
        t.poll.cap = Duration::from_millis(250);
        t.retry.base_delay = Duration::from_millis(50);
        t.retry.max_delay = Duration::from_secs(2);
        // Not short: the simulator's answers include real PostgreSQL work, and an export's
        // read past 3 s failed CI's loaded two cores (the in-process tests' `fast_timing`).
        t.call_timeout = Duration::from_secs(10);
        t.retry.after_timeout = t.call_timeout;
        t.lease = FAST_LEASE;
        t.heartbeat = Duration::from_millis(500);
    }
    t
}

/// The register in the chosen environment: a customer's instance card and status are per
/// environment.
pub fn register(path: &Path, chosen: Chosen) -> Result<Register, ApiError> {
    let api = Register::open(path)?;
    let (env, _) = chosen.resolve(api.store(), path)?;
    api.store().set_environment(env);
    Ok(api)
}

/// Opens the chosen environment's clouds. The sandbox keeps its world beside the register, so
/// a test's temporary register gets a world of its own.
pub async fn open(db: &Path, chosen: Chosen) -> Result<Arc<CloudApi>, ApiError> {
    let store = Arc::new(Store::open_register(db)?);
    let (environment, how) = chosen.resolve(&store, db)?;
    Chosen::say(environment, how);
    store.set_environment(environment);
    let dir = fabrik::paths::seat_dir(db);
    let mut cloud = CloudApi::open_in(store, environment, &dir).await?;
    cloud.timeout = timing().call_timeout;
    Ok(Arc::new(cloud))
}

/// The core's supervisor over these clouds: the CLI rolls a failed run back unless asked to
/// keep what it made.
pub fn supervisor(cloud: &Arc<CloudApi>, keep_on_failure: bool) -> Arc<Supervisor> {
    let policy = if keep_on_failure {
        FailurePolicy::Pause
    } else {
        FailurePolicy::Rollback
    };
    Supervisor::new(cloud.shared_store(), cloud.clone(), timing(), policy)
}

/// Stops the sandbox's simulator (it saves its world) once nothing else holds the clouds.
pub async fn close(cloud: Arc<CloudApi>) {
    if let Some(sb) = Arc::into_inner(cloud).and_then(|c| c.sandbox) {
        sb.shutdown().await;
    }
}

static INCOMPLETE: AtomicBool = AtomicBool::new(false);

/// A check found a required token missing or not working: the command exits 1.
pub fn incomplete() -> bool {
    INCOMPLETE.load(Ordering::Relaxed)
}

/// Another command's run did not end well: the command exits 1 too.
pub fn mark_incomplete() {
    INCOMPLETE.store(true, Ordering::Relaxed);
}
