//! Runs: whether the seat is ready, the plan and the preflight, a run started, cancelled,
//! resumed or rolled back through the supervisor, the history and the resume banner, what a
//! teardown would delete, and resources adopted on purpose.

use super::app::{blocking, Fabrik};
use crate::error::ApiResult;
use crate::provision::adoptions::Adoption;
use crate::provision::preflight::Finding;
use crate::provision::{ProvisionPlan, RunRequest, StartOutcome, TeardownTarget};
use crate::services::runs::RunDetail;
use crate::store::runs::RunRow;
use crate::supervisor::Readiness;

impl Fabrik {
    pub(crate) async fn readiness(&self) -> ApiResult<Readiness> {
        let supervisor = self.supervisor().await?;
        blocking(supervisor, |s| s.readiness()).await
    }

    pub(crate) async fn preflight(&self) -> ApiResult<Vec<Finding>> {
        self.runs().await?.preflight().await
    }

    pub(crate) async fn plan_provision(&self, slug: String) -> ApiResult<ProvisionPlan> {
        self.runs().await?.plan(slug).await
    }

    pub(crate) async fn start_run(
        &self,
        slug: String,
        request: RunRequest,
    ) -> ApiResult<StartOutcome> {
        let host = self.run_host();
        let supervisor = self.supervisor().await?;
        Ok(supervisor.start_run(slug, request, host).await?.outcome)
    }

    pub(crate) async fn cancel_run(&self, run: i64, rollback: bool) -> ApiResult<bool> {
        blocking(self.supervisor().await?, move |s| s.cancel(run, rollback)).await
    }

    pub(crate) async fn resume_run(&self, run: i64) -> ApiResult<()> {
        let host = self.run_host();
        self.supervisor().await?.resume(run, host).await.map(|_| ())
    }

    pub(crate) async fn rollback_run(&self, run: i64) -> ApiResult<()> {
        let host = self.run_host();
        self.supervisor()
            .await?
            .rollback(run, host)
            .await
            .map(|_| ())
    }

    pub(crate) async fn teardown_preview(&self, slug: String) -> ApiResult<Vec<TeardownTarget>> {
        self.runs().await?.teardown_preview(slug).await
    }

    pub(crate) async fn adoptions(&self, slug: String) -> ApiResult<Vec<Adoption>> {
        blocking(self.runs().await?, move |r| r.adoptions(slug)).await
    }

    pub(crate) async fn adopt_resource(
        &self,
        slug: String,
        name: String,
        confirmation: String,
    ) -> ApiResult<Adoption> {
        blocking(self.runs().await?, move |r| {
            r.adopt(slug, name, confirmation)
        })
        .await
    }

    pub(crate) async fn list_runs(&self, slug: Option<String>) -> ApiResult<Vec<RunRow>> {
        blocking(self.runs().await?, move |r| r.list_runs(slug)).await
    }

    pub(crate) async fn run_detail(&self, run: i64) -> ApiResult<RunDetail> {
        blocking(self.runs().await?, move |r| r.run_detail(run)).await
    }

    pub(crate) async fn interrupted_runs(&self) -> ApiResult<Vec<RunRow>> {
        blocking(self.runs().await?, |r| r.interrupted_runs()).await
    }
}
