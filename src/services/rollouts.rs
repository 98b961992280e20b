//! Roll-outs for the window and the CLI: the fleet's driver (`crate::fleet`) over this
//! process's supervisor. `RolloutsApi` is the schema roll-outs' surface and every roll-out's
//! controls by id (drive, pause, abort, restore a wave); `TemplatesApi` plans template ones.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;

use crate::environment::Environment;
use crate::error::ApiResult;
use crate::error::Error;
use crate::fleet::definition::{FleetResult, Runs, Started};
pub use crate::fleet::definition::{PARALLEL, PARALLEL_SETTING};
use crate::fleet::driver;
use crate::fleet::schema::Schema;
pub use crate::fleet::schema::{InstanceSchemaView, RolloutSource};
pub use crate::fleet::view::{FileHead, RolloutView, WaveView};
use crate::ledger::{RolloutKind, RunState};
use crate::provision::rollouts::RolloutRow;
use crate::provision::rollouts::RolloutRows;
use crate::provision::{Engine, RunRequest};
use crate::store::Store;
use crate::supervisor::host::RunHost;
use crate::supervisor::Supervisor;

/// The fleet's way to runs: the supervisor, telling `host` what the runs and the driver say.
pub(super) struct Supervised {
    pub store: Arc<Store>,
    pub supervisor: Arc<Supervisor>,
    pub host: Arc<dyn RunHost>,
}

impl Runs for Supervised {
    fn store(&self) -> &Arc<Store> {
        &self.store
    }

    fn environment(&self) -> Environment {
        self.supervisor.environment()
    }

    fn engine(&self) -> crate::Result<Engine> {
        self.supervisor.engine()
    }

    fn lease(&self) -> std::time::Duration {
        self.supervisor.lease()
    }

    fn start(&self, slug: String, request: RunRequest) -> BoxFuture<'_, FleetResult<Started>> {
        async move {
            let launched = self
                .supervisor
                .start_run(slug, request, self.host.clone())
                .await?;
            Ok(Started {
                run_id: launched.outcome.run_id,
                already_running: launched.outcome.already_running,
                end: launched.wait().boxed(),
            })
        }
        .boxed()
    }

    fn resume(
        &self,
        run_id: i64,
    ) -> BoxFuture<'_, FleetResult<BoxFuture<'static, crate::Result<RunState>>>> {
        async move {
            let handle = self.supervisor.resume(run_id, self.host.clone()).await?;
            let end = async move {
                handle
                    .await
                    .unwrap_or_else(|e| Err(Error::Internal(e.to_string())))
            };
            Ok(end.boxed())
        }
        .boxed()
    }

    fn notify(&self, body: &str) {
        self.host.notify("Fabrik", body);
    }
}

/// A host for what starts no run (plans, reads).
struct Silent;

impl RunHost for Silent {
    fn emit(&self, _event: &crate::provision::RunEvent) {}
    fn notify(&self, _title: &str, _body: &str) {}
}

pub struct RolloutsApi {
    store: Arc<Store>,
    supervisor: Arc<Supervisor>,
}

impl RolloutsApi {
    pub fn new(store: Arc<Store>, supervisor: Arc<Supervisor>) -> RolloutsApi {
        RolloutsApi { store, supervisor }
    }

    /// The fleet's way to runs, telling `host`.
    pub(super) fn runs(&self, host: Arc<dyn RunHost>) -> Supervised {
        Supervised {
            store: self.store.clone(),
            supervisor: self.supervisor.clone(),
            host,
        }
    }

    pub(super) fn reads(&self) -> Supervised {
        self.runs(Arc::new(Silent))
    }

    fn environment(&self) -> Environment {
        self.supervisor.environment()
    }

    /// How many instances work at once: the setting `rollout.parallel`, else `PARALLEL`.
    pub fn parallel(&self) -> usize {
        crate::fleet::definition::parallel(&self.store)
    }

    /// Every delivered instance of the environment with the schema version it was last seen at.
    pub fn instances(&self) -> ApiResult<Vec<InstanceSchemaView>> {
        crate::fleet::schema::instances(&self.reads())
    }

    /// Plans a schema roll-out: the files, every delivered instance's verdict read from its
    /// own database (paused ones skipped without asking), and the waves over those behind.
    /// Nothing is applied. Refused while another roll-out of the environment is open.
    pub async fn plan(
        &self,
        source: RolloutSource,
        waves: &str,
        halt_share: f64,
    ) -> ApiResult<RolloutView> {
        let id = driver::plan(&self.reads(), &Schema, source, waves, halt_share).await?;
        self.view(id)
    }

    /// A roll-out with its files, waves and members.
    pub fn view(&self, id: i64) -> ApiResult<RolloutView> {
        crate::fleet::view::view(&self.store, id)
    }

    /// The environment's schema roll-outs, newest first.
    pub fn list(&self) -> ApiResult<Vec<RolloutRow>> {
        Ok(self
            .store
            .list_rollouts(self.environment(), RolloutKind::Schema, 50)?)
    }

    /// The open schema roll-out, if any.
    pub fn open(&self) -> ApiResult<Option<RolloutRow>> {
        Ok(self
            .store
            .open_rollout(self.environment(), RolloutKind::Schema)?)
    }

    /// Pauses: the driver finishes the runs in flight and starts no new one.
    pub fn pause(&self, id: i64) -> ApiResult<RolloutView> {
        driver::pause(&self.store, id)?;
        self.view(id)
    }

    /// Aborts: nothing more is applied; what was applied stays (restore it per instance).
    pub fn abort(&self, id: i64) -> ApiResult<RolloutView> {
        driver::abort(&self.store, id)?;
        self.view(id)
    }

    /// "Återställ vågen" (see `fleet::driver::restore_wave`).
    pub async fn restore_wave(
        &self,
        id: i64,
        confirmation: &str,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Vec<(String, RunState)>> {
        driver::restore_wave(&self.runs(host), id, confirmation).await
    }

    /// Starts (or continues, or resumes) a roll-out of any kind and drives it until it is
    /// done, halted, paused or aborted.
    pub async fn drive(&self, id: i64, host: Arc<dyn RunHost>) -> ApiResult<RolloutView> {
        driver::drive(&self.runs(host), id).await?;
        self.view(id)
    }
}
