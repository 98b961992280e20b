//! What the window asks about runs without starting one: the plan, the preflight, domains, what
//! a teardown would delete, adoptions, the run history and the resume banner. Runs themselves
//! start, continue and roll back through the supervisor (`supervisor.rs`).

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::customer::rows::CustomerRows;
use crate::error::ApiResult;
use crate::provision::adoptions::Adoption;
use crate::provision::preflight::Finding;
use crate::provision::{plan::ProvisionPlan, AllowedBy, DomainStatus, TeardownTarget};
use crate::store::runs::{LogLine, RunRow, StepRow};
use crate::store::Store;
use crate::supervisor::cloud::CloudApi;
use crate::supervisor::Supervisor;

#[derive(Debug, Clone, Serialize, TS)]
pub struct RunDetail {
    pub run: RunRow,
    pub steps: Vec<StepRow>,
    pub log: Vec<LogLine>,
}

pub struct RunsApi {
    store: Arc<Store>,
    cloud: Arc<CloudApi>,
    supervisor: Arc<Supervisor>,
}

impl RunsApi {
    /// The window's: a failed run is kept as it is, so the user chooses "Försök igen" or
    /// "Återställ".
    pub fn window(store: Arc<Store>, cloud: Arc<CloudApi>) -> Arc<RunsApi> {
        let supervisor = Supervisor::new(
            store.clone(),
            cloud.clone(),
            crate::provision::Timing::default(),
            crate::provision::FailurePolicy::Pause,
        );
        Arc::new(RunsApi::new(store, cloud, supervisor))
    }

    pub fn new(store: Arc<Store>, cloud: Arc<CloudApi>, supervisor: Arc<Supervisor>) -> RunsApi {
        RunsApi {
            store,
            cloud,
            supervisor,
        }
    }

    pub fn supervisor(&self) -> &Arc<Supervisor> {
        &self.supervisor
    }

    /// The customer's custom domains, read from Vercel, with the DNS records still to set.
    pub async fn domains(&self, slug: String) -> ApiResult<Vec<DomainStatus>> {
        let me = self.supervisor.clone();
        let reader = crate::blocking::run(move || me.reader()).await?;
        Ok(reader.domains(&slug).await?)
    }

    pub async fn plan(&self, slug: String) -> ApiResult<ProvisionPlan> {
        Ok(self.cloud.plan(|| self.supervisor.engine(), &slug).await?)
    }

    /// The preflight alone (the bulk dialog: one check for every customer it starts).
    pub async fn preflight(&self) -> ApiResult<Vec<Finding>> {
        Ok(self.cloud.preflight().await?)
    }

    /// What "Avveckla" would delete and what it leaves alone, read back now.
    pub async fn teardown_preview(&self, slug: String) -> ApiResult<Vec<TeardownTarget>> {
        Ok(self.supervisor.reader()?.teardown_preview(&slug).await?)
    }

    /// Resources Fabrik refused to touch for the customer, and the ones adopted on purpose.
    pub fn adoptions(&self, slug: String) -> ApiResult<Vec<Adoption>> {
        Ok(self.supervisor.reader()?.adoptions(&slug)?)
    }

    /// "Ta över…": the owner typed the resource's name to adopt it; the next run marks it.
    pub fn adopt(&self, slug: String, name: String, confirmation: String) -> ApiResult<Adoption> {
        self.adopt_by(&slug, &name, &confirmation, AllowedBy::Window)
    }

    /// An adoption allowed from the window or the command line (`--adopt NAME`), recorded so.
    pub fn adopt_by(
        &self,
        slug: &str,
        name: &str,
        confirmation: &str,
        by: AllowedBy,
    ) -> ApiResult<Adoption> {
        Ok(self
            .supervisor
            .engine()?
            .allow_adoption(slug, name, confirmation, by)?)
    }

    /// What a person sees before "Provisionera" and confirms: the plan with the preflight's
    /// findings. `Ok` only when it may start (a blocking finding is the error, naming every
    /// finding at once), so a front end shows it and asks.
    pub async fn plan_to_start(&self, slug: String) -> ApiResult<ProvisionPlan> {
        let plan = self.plan(slug).await?;
        crate::provision::preflight::gate(plan.preflight.clone())?;
        Ok(plan)
    }

    pub fn list_runs(&self, slug: Option<String>) -> ApiResult<Vec<RunRow>> {
        let id = match slug {
            Some(s) => Some(self.store.get_customer(&s)?.id),
            None => None,
        };
        Ok(self.store.list_runs(id, 500)?)
    }

    pub fn run_detail(&self, run_id: i64) -> ApiResult<RunDetail> {
        Ok(RunDetail {
            run: self.store.get_run(run_id)?,
            steps: self.store.run_steps(run_id)?,
            log: self.store.run_log(run_id, 0)?,
        })
    }

    /// Runs left active by a process that is gone (quit, crash): the resume banner. The
    /// window's lease (`Timing::default`), whoever drove the run.
    pub fn interrupted_runs(&self) -> ApiResult<Vec<RunRow>> {
        Ok(self
            .store
            .interrupted_runs(crate::provision::STALE_AFTER, self.cloud.environment)?)
    }
}
