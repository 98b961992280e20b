//! Utrullningar and Mallen: schema and template roll-outs planned, driven in the background
//! by the window's desk, paused, resumed and aborted.

use super::app::{blocking, Fabrik};
use crate::error::ApiResult;
use crate::services::rollout_desk::{RolloutsOverview, TemplatesOverview};
use crate::services::rollouts::{RolloutSource, RolloutView};
use crate::services::templates::TemplateRolloutView;

impl Fabrik {
    pub(crate) async fn rollouts_overview(&self) -> ApiResult<RolloutsOverview> {
        blocking(self.rollouts().await?, |r| r.overview()).await
    }

    pub(crate) async fn plan_rollout(
        &self,
        source: RolloutSource,
        waves: String,
        halt_share: f64,
    ) -> ApiResult<RolloutView> {
        self.rollouts().await?.plan(source, waves, halt_share).await
    }

    pub(crate) async fn rollout(&self, id: i64) -> ApiResult<RolloutView> {
        blocking(self.rollouts().await?, move |r| r.view(id)).await
    }

    pub(crate) async fn start_rollout(&self, id: i64) -> ApiResult<RolloutView> {
        let host = self.run_host();
        self.rollouts().await?.start(id, host).await
    }

    pub(crate) async fn pause_rollout(&self, id: i64) -> ApiResult<RolloutView> {
        blocking(self.rollouts().await?, move |r| r.pause(id)).await
    }

    /// Resuming is starting again: the core continues from where the roll-out stands.
    pub(crate) async fn resume_rollout(&self, id: i64) -> ApiResult<RolloutView> {
        self.start_rollout(id).await
    }

    pub(crate) async fn abort_rollout(&self, id: i64) -> ApiResult<RolloutView> {
        blocking(self.rollouts().await?, move |r| r.abort(id)).await
    }

    pub(crate) async fn templates_overview(&self) -> ApiResult<TemplatesOverview> {
        blocking(self.rollouts().await?, |r| r.templates_overview()).await
    }

    pub(crate) async fn refresh_templates(&self) -> ApiResult<TemplatesOverview> {
        self.rollouts().await?.refresh_templates().await
    }

    pub(crate) async fn plan_template(
        &self,
        at: Option<String>,
        waves: String,
        halt_share: f64,
    ) -> ApiResult<TemplateRolloutView> {
        self.rollouts()
            .await?
            .plan_template(at, waves, halt_share)
            .await
    }

    pub(crate) async fn template_rollout(&self, id: i64) -> ApiResult<TemplateRolloutView> {
        blocking(self.rollouts().await?, move |r| r.template_rollout(id)).await
    }
}
