//! The CLI's own wiring: which environment its flag names, where its files live, and the
//! FABRIK_FAST_POLL knob. Everything else (endpoints, tokens, settings, the engine) is the
//! core's `CloudApi`, the same as the window's.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use fabrik::api::cloud::{CloudApi, Environment};
use fabrik::provision::Timing;
use fabrik::store::Store;
use fabrik::ApiError;

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

/// The environment `--sandbox` names: the CLI works in production without it.
pub fn environment(sandbox: bool) -> Environment {
    if sandbox {
        Environment::Sandbox
    } else {
        Environment::Production
    }
}

/// Opens the environment `--sandbox` names. The sandbox keeps its world beside the register,
/// so a test's temporary register gets a world of its own.
pub async fn open(db: &Path, sandbox: bool) -> Result<CloudApi, ApiError> {
    let store = Arc::new(Store::open_register(db)?);
    let environment = environment(sandbox);
    store.set_environment(environment);
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut cloud = CloudApi::open_in(store, environment, dir).await?;
    cloud.timeout = timing().call_timeout;
    Ok(cloud)
}
