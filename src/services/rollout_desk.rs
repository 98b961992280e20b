//! "Utrullningar" in the window: the core's `RolloutsApi` behind the window's commands, and the
//! one thing only a window needs on top of it: "Starta" returns at once while the roll-out is
//! driven in the background, and this process never drives the same roll-out twice (a second
//! press, or "Fortsätt" while it is still driven here, answers with where it stands).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use super::rollouts::{InstanceSchemaView, RolloutSource, RolloutView, RolloutsApi};
use super::templates::{TemplateInstance, TemplateRolloutView, TemplatesApi};
use crate::error::ApiResult;
use crate::provision::rollouts::RolloutRow;
use crate::store::Store;
use crate::supervisor::host::RunHost;
use crate::supervisor::Supervisor;

/// How long "Starta" waits for the driver's first answer (the lease taken, or why not), so a
/// roll-out driven by another process is refused to the button that asked, not afterwards.
const FIRST_ANSWER: Duration = Duration::from_millis(1500);

/// What "Utrullningar" shows first.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RolloutsOverview {
    /// Every delivered instance with its schema version: who is behind.
    pub instances: Vec<InstanceSchemaView>,
    /// The environment's roll-outs, newest first.
    pub rollouts: Vec<RolloutRow>,
    /// The open roll-out (planned, running or paused), if any.
    pub open: Option<RolloutView>,
    /// The roll-outs this window's process drives now.
    #[ts(type = "number[]")]
    pub driving: Vec<i64>,
}

/// What "Mallen" shows first.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TemplatesOverview {
    /// Every delivered customer's template version and newest pull request.
    pub instances: Vec<TemplateInstance>,
    /// The environment's template roll-outs, newest first.
    pub rollouts: Vec<RolloutRow>,
    /// The open template roll-out, if any, with its plans and pull requests.
    pub open: Option<TemplateRolloutView>,
    #[ts(type = "number[]")]
    pub driving: Vec<i64>,
}

pub struct RolloutDesk {
    api: Arc<RolloutsApi>,
    templates: Arc<TemplatesApi>,
    /// Roll-outs whose driver runs in this process.
    driving: Arc<Mutex<HashSet<i64>>>,
}

impl RolloutDesk {
    pub fn new(store: Arc<Store>, supervisor: Arc<Supervisor>) -> RolloutDesk {
        RolloutDesk {
            templates: Arc::new(TemplatesApi::new(store.clone(), supervisor.clone())),
            api: Arc::new(RolloutsApi::new(store, supervisor)),
            driving: Arc::default(),
        }
    }

    fn driving(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.lock().iter().copied().collect();
        ids.sort_unstable();
        ids
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<i64>> {
        self.driving.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn overview(&self) -> ApiResult<RolloutsOverview> {
        let open = match self.api.open()? {
            Some(r) => Some(self.api.view(r.id)?),
            None => None,
        };
        Ok(RolloutsOverview {
            instances: self.api.instances()?,
            rollouts: self.api.list()?,
            open,
            driving: self.driving(),
        })
    }

    pub fn templates_overview(&self) -> ApiResult<TemplatesOverview> {
        let open = match self.templates.open()? {
            Some(r) => Some(self.templates.view(r.id)?),
            None => None,
        };
        Ok(TemplatesOverview {
            instances: self.templates.instances()?,
            rollouts: self.templates.list()?,
            open,
            driving: self.driving(),
        })
    }

    /// Reads the open pull requests back from GitHub (a merged one moves its repository's
    /// template version), then the overview.
    pub async fn refresh_templates(&self) -> ApiResult<TemplatesOverview> {
        self.templates.refresh().await?;
        let desk = self.templates.clone();
        let driving = self.driving();
        crate::blocking::run(move || {
            let open = match desk.open()? {
                Some(r) => Some(desk.view(r.id)?),
                None => None,
            };
            Ok(TemplatesOverview {
                instances: desk.instances()?,
                rollouts: desk.list()?,
                open,
                driving,
            })
        })
        .await
    }

    pub async fn plan_template(
        &self,
        at: Option<String>,
        waves: String,
        halt_share: f64,
    ) -> ApiResult<TemplateRolloutView> {
        self.templates.plan(at.as_deref(), &waves, halt_share).await
    }

    pub fn template_rollout(&self, id: i64) -> ApiResult<TemplateRolloutView> {
        self.templates.view(id)
    }

    pub async fn plan(
        &self,
        source: RolloutSource,
        waves: String,
        halt_share: f64,
    ) -> ApiResult<RolloutView> {
        self.api.plan(source, &waves, halt_share).await
    }

    pub fn view(&self, id: i64) -> ApiResult<RolloutView> {
        self.api.view(id)
    }

    pub fn pause(&self, id: i64) -> ApiResult<RolloutView> {
        self.api.pause(id)
    }

    pub fn abort(&self, id: i64) -> ApiResult<RolloutView> {
        self.api.abort(id)
    }

    /// Starts (continues, resumes) a roll-out's driver in the background and answers with
    /// where it stands. Already driven here: nothing new starts. Refused at once (another
    /// process holds it, it is not found): that error. A later failure of the driver is told
    /// through the host's notification; the roll-out's state in the register says the rest.
    pub async fn start(&self, id: i64, host: Arc<dyn RunHost>) -> ApiResult<RolloutView> {
        if !self.lock().insert(id) {
            return self.view_off(id).await;
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        let api = self.api.clone();
        let driving = self.driving.clone();
        tokio::spawn(async move {
            let result = api.drive(id, host.clone()).await;
            driving
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
            // Nobody waits for the answer any more: say a failure where the owner sees it.
            if let Err(Err(e)) = tx.send(result) {
                tracing::warn!(rollout = id, code = %e.code, "roll-out driver stopped: {}", e.message);
                host.notify("Fabrik", &e.message);
            }
        });
        match tokio::time::timeout(FIRST_ANSWER, rx).await {
            Ok(Ok(result)) => result,
            // Still driving (or the task ended without a word): where it stands now.
            _ => self.view_off(id).await,
        }
    }

    /// `view`, read on the blocking pool (the register is SQLite or PostgreSQL).
    async fn view_off(&self, id: i64) -> ApiResult<RolloutView> {
        let api = self.api.clone();
        crate::blocking::run(move || api.view(id)).await
    }
}
