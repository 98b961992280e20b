//! `Fabrik`: the handles every command reads, and the one type the command table (`commands.rs`)
//! is implemented on, a file per area beside this one. The register opens at once; the clouds
//! (the sandbox's simulator, keyring tokens) come up in the background so the window paints the
//! register first, and commands that need them wait. What only a window can do (events,
//! notifications, opening a link, restarting) goes through the `Host` the shell supplies.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::OnceCell;

use crate::error::{ApiError, ApiResult};
use crate::overview::notices::{Notice, Notices};
use crate::services::backups::BackupsApi;
use crate::services::notices::Watcher;
use crate::services::register::Register;
use crate::services::rollout_desk::RolloutDesk;
use crate::services::runs::RunsApi;
use crate::supervisor::cloud::CloudApi;
use crate::supervisor::host::{RunHost, Sweep};
use crate::supervisor::sweep::HealthChecks as HealthApi;
use crate::supervisor::Supervisor;
use crate::update::window::{UpdateHost, Updates};

/// What the window does for the core.
pub trait Host: RunHost + UpdateHost {
    /// Opens an `https:` link (already checked) in the system browser.
    fn open_url(&self, url: &str) -> Result<(), String>;
    /// Starts the app again (after the environment changed).
    fn restart(&self);
    /// Another seat changed the shared register (a customer, a run): the window reads it again.
    fn register_changed(&self, _change: &crate::store::db::RegisterChange) {}
    /// Live changes stopped (since when) or resumed (the window reads everything it shows
    /// again: what changed meanwhile was never announced).
    fn live_updates(&self, _status: &crate::store::db::LiveStatus) {}
    /// One person of a team invitation done.
    fn team(&self, _progress: &crate::services::team::TeamProgress) {}
    /// Something the overview lists as new: a desktop notification whose click opens it (the
    /// shell's to do where the desktop tells it of a click).
    fn notice(&self, notice: &Notice) {
        self.notify(&notice.title, &notice.body);
    }
}

type Clouds = Result<
    (
        Arc<CloudApi>,
        Arc<RunsApi>,
        Arc<HealthApi>,
        Arc<RolloutDesk>,
    ),
    ApiError,
>;

pub struct Fabrik {
    /// The register, or why it could not be opened (shown by every command, so the window can
    /// explain a broken or too-new database instead of failing to start).
    register: Result<Arc<Register>, ApiError>,
    clouds: OnceCell<Clouds>,
    pub(crate) data_dir: PathBuf,
    /// The register file (used, or moved from, when no shared register is).
    pub(crate) db: PathBuf,
    pub(crate) host: Arc<dyn Host>,
    pub(crate) updates: Arc<Updates>,
    /// What this person was notified of, and which kinds they turned off.
    pub(crate) notices: Arc<Notices>,
    /// The watch that notifies what is new (while the register is open).
    watcher: Option<Arc<Watcher>>,
    /// Live changes from other seats, while the register is a shared one.
    _listener: Option<crate::store::db::Listener>,
}

impl Fabrik {
    pub fn open(db: &Path, data_dir: &Path, host: Arc<dyn Host>) -> Fabrik {
        let register = Register::open(db).map(Arc::new).map_err(|e| {
            tracing::error!(code = %e.code(), "could not open the register: {e}");
            e.to_api()
        });
        let notices = Arc::new(Notices::open(data_dir));
        let watcher = register.as_ref().ok().map(|api| {
            let host = host.clone();
            Arc::new(Watcher::start(api.clone(), notices.clone(), move |n| {
                host.notice(n)
            }))
        });
        let listener = register.as_ref().ok().and_then(|api| {
            let (host, watcher) = (host.clone(), watcher.clone());
            api.store().watch(move |event| match event {
                crate::store::db::Live::Change(change) => {
                    host.register_changed(&change);
                    watcher.iter().for_each(|w| w.poke());
                }
                crate::store::db::Live::Status(status) => host.live_updates(&status),
            })
        });
        Fabrik {
            register,
            clouds: OnceCell::new(),
            data_dir: data_dir.to_path_buf(),
            db: db.to_path_buf(),
            updates: Arc::new(Updates::new(host.clone(), crate::update::feed_url())),
            host,
            notices,
            watcher,
            _listener: listener,
        }
    }

    /// Something may have changed: the notifications' watch looks soon.
    pub(crate) fn poke_notices(&self) {
        self.watcher.iter().for_each(|w| w.poke());
    }

    /// The register, or why it could not be opened.
    pub(crate) fn register(&self) -> ApiResult<&Register> {
        self.register.as_deref().map_err(Clone::clone)
    }

    /// The environment's APIs, started on first use: the window asks for them once its list
    /// is painted (ui/src/state/startup.ts), so start-up reads the register only.
    async fn clouds(&self) -> Clouds {
        let api = self.register.clone()?;
        let data_dir = self.data_dir.clone();
        let host = self.run_host();
        self.clouds
            .get_or_init(|| async move {
                let cloud = CloudApi::open(api.shared_store(), &data_dir)
                    .await
                    .map(Arc::new)
                    .map_err(|e| {
                        tracing::error!(code = %e.code(), "could not open the cloud environment: {e}");
                        e.to_api()
                    })?;
                let runs = RunsApi::window(api.shared_store(), cloud.clone());
                let health = HealthApi::new(api.shared_store(), cloud.clone());
                health.schedule(host.clone());
                // The scheduled jobs the window does while it is open (the backups and the
                // alerts), leased through the register like `fabrik tick`'s.
                Arc::new(crate::schedule::Ticker::new(
                    cloud.clone(),
                    runs.supervisor().clone(),
                    &data_dir,
                ))
                .in_window(host);
                // Roll-outs run their instances through the window's supervisor: one pacer,
                // one lease per run, and a failed instance kept as it failed (its backup is
                // the way back).
                let rollouts = Arc::new(RolloutDesk::new(
                    api.shared_store(),
                    runs.supervisor().clone(),
                ));
                Ok((cloud, runs, health, rollouts))
            })
            .await
            .clone()
    }

    pub(crate) async fn cloud(&self) -> ApiResult<Arc<CloudApi>> {
        Ok(self.clouds().await?.0)
    }

    pub(crate) async fn runs(&self) -> ApiResult<Arc<RunsApi>> {
        Ok(self.clouds().await?.1)
    }

    pub(crate) async fn supervisor(&self) -> ApiResult<Arc<Supervisor>> {
        Ok(self.clouds().await?.1.supervisor().clone())
    }

    /// The backups of this environment, over the window's supervisor.
    pub(crate) async fn backup_service(&self) -> ApiResult<Arc<BackupsApi>> {
        let cloud = self.cloud().await?;
        Ok(Arc::new(BackupsApi::new(
            cloud.shared_store(),
            self.supervisor().await?,
            cloud.secrets.clone(),
        )))
    }

    pub(crate) async fn health(&self) -> ApiResult<Arc<HealthApi>> {
        Ok(self.clouds().await?.2)
    }

    pub(crate) async fn rollouts(&self) -> ApiResult<Arc<RolloutDesk>> {
        Ok(self.clouds().await?.3)
    }

    /// The supervisor this window drives runs with, when the clouds came up.
    pub(crate) fn driving(&self) -> Option<Arc<Supervisor>> {
        match self.clouds.get() {
            Some(Ok(clouds)) => Some(clouds.1.supervisor().clone()),
            _ => None,
        }
    }

    pub(crate) fn run_host(&self) -> Arc<dyn RunHost> {
        Arc::new(HostRef(
            self.host.clone(),
            self.watcher.clone(),
            self.register.as_ref().ok().cloned(),
        ))
    }
}

/// A `Host` seen as the `RunHost` the runs API takes; a run's end wakes the notifications'
/// watch (a failed run is notified from the overview, in the reader's language), and what the
/// core notifies in both languages is said in the reader's (the register's preferences).
struct HostRef(Arc<dyn Host>, Option<Arc<Watcher>>, Option<Arc<Register>>);

impl RunHost for HostRef {
    fn emit(&self, event: &crate::provision::RunEvent) {
        self.0.emit(event);
        if matches!(event, crate::provision::RunEvent::RunFinished { .. }) {
            self.1.iter().for_each(|w| w.poke());
        }
    }
    fn notify(&self, title: &str, body: &str) {
        self.0.notify(title, body)
    }
    fn notify_said(&self, title: &crate::messages::Text, body: &crate::messages::Text) {
        let english = self.2.as_ref().is_some_and(|r| {
            r.get_preferences()
                .is_ok_and(|p| p.language == crate::services::register::Language::En)
        });
        match english {
            true => self.0.notify(&title.en, &body.en),
            false => self.0.notify(&title.sv, &body.sv),
        }
    }
    fn sweep(&self, status: &Sweep) {
        self.0.sweep(status);
        if !status.running {
            self.1.iter().for_each(|w| w.poke());
        }
    }
}

/// Runs keyring or SQLite work of a cloud command on the blocking pool.
pub(crate) async fn blocking<T, C>(
    target: Arc<C>,
    f: impl FnOnce(&Arc<C>) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T>
where
    T: Send + 'static,
    C: Send + Sync + 'static,
{
    crate::blocking::run(move || f(&target)).await
}
