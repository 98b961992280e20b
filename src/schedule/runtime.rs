//! Where a tick runs: the open window's own round every quarter of an hour, and a whole
//! scheduled tick from `fabrik tick` (what the system's scheduler starts, installed from the
//! window's settings or by `fabrik schedule install`): this computer's lock, the register, the
//! clouds, the keyring, then each due job.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::lock::{lock_seat, refuse, unreachable};
use super::report::TickReport;
use super::ticker::Ticker;
use crate::schedule::rows::Job;
use crate::store::Store;
use crate::supervisor::cloud::CloudApi;
use crate::supervisor::host::RunHost;
use crate::supervisor::Supervisor;

/// How often the open window runs its jobs.
const WINDOW_EVERY: Duration = Duration::from_secs(15 * 60);

impl Ticker {
    /// While the window is open: every quarter of an hour, the jobs declared for the window
    /// (`jobs::window_jobs`), each when due. A tick of `fabrik tick` on this computer at that
    /// moment has the seat: the window waits for its next round.
    pub fn in_window(self: Arc<Self>, host: Arc<dyn RunHost>) {
        let jobs = super::jobs::window_jobs();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(WINDOW_EVERY).await;
                let Ok(_lock) = lock_seat(&self.data_dir) else {
                    continue;
                };
                self.round(&jobs, host.clone()).await;
            }
        });
    }
}

/// A whole scheduled tick on the register at `db` (`fabrik tick`, which the scheduler starts): this computer's lock, the register, the
/// clouds of `environment` (the window's choice when `None`), the keyring, then each due job.
/// Whatever stops it is the report's, never an error.
pub async fn run_scheduled(
    db: &Path,
    environment: Option<crate::environment::Environment>,
    timing: crate::provision::Timing,
    only: &[Job],
    host: Arc<dyn RunHost>,
) -> TickReport {
    let dir = crate::paths::seat_dir(db);
    let started = Instant::now();
    let _lock = match lock_seat(&dir) {
        Ok(lock) => lock,
        Err(e) => {
            let store = Store::open_register(db).ok();
            return refuse(&dir, store.as_ref(), e, started);
        }
    };
    let store = match Store::open_register(db) {
        Ok(s) => Arc::new(s),
        Err(e) => return unreachable(&dir, e.into()),
    };
    let environment = environment.unwrap_or_else(|| store.stored_environment());
    store.set_environment(environment);
    let mut cloud = match CloudApi::open_in(store.clone(), environment, &dir).await {
        Ok(c) => c,
        Err(e) => return refuse(&dir, Some(&store), e.into(), started),
    };
    cloud.timeout = timing.call_timeout;
    let cloud = Arc::new(cloud);
    let supervisor = Supervisor::new(
        store,
        cloud.clone(),
        timing,
        crate::provision::FailurePolicy::Rollback,
    );
    let ticker = Ticker::new(cloud.clone(), supervisor, &dir);
    let report = ticker.tick(only, host).await;
    drop(ticker);
    // The sandbox saves its world as it stops.
    if let Some(sb) = Arc::into_inner(cloud).and_then(|c| c.sandbox) {
        sb.shutdown().await;
    }
    report
}

/// A tick's runs need no screen: their notifications go to the log.
pub struct LogHost;

impl RunHost for LogHost {
    fn emit(&self, _event: &crate::provision::RunEvent) {}
    fn notify(&self, title: &str, body: &str) {
        tracing::info!("{title}: {body}");
    }
}
