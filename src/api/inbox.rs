//! Inkorgen: the requests from the portal and Stripe, read, approved (a provisioning run) or
//! rejected, and where they come from.

use std::sync::Arc;

use super::app::Fabrik;
use crate::customer::Plan;
use crate::error::ApiResult;
use crate::intake::{Inbox, Intake, PollReport};
use crate::requests::{IntakeChoices, IntakeItem, IntakeSource, IntakeSourceState};

impl Fabrik {
    async fn intake(&self) -> ApiResult<Arc<Intake>> {
        Ok(Arc::new(Intake::new(
            self.cloud().await?,
            self.supervisor().await?,
        )))
    }

    pub(crate) async fn intake_list(&self) -> ApiResult<Inbox> {
        self.intake().await?.inbox().await
    }

    pub(crate) async fn intake_poll(&self) -> ApiResult<PollReport> {
        let host = self.run_host();
        self.intake().await?.poll(host).await
    }

    pub(crate) async fn intake_approve(
        &self,
        id: i64,
        plan: Option<Plan>,
    ) -> ApiResult<IntakeItem> {
        let host = self.run_host();
        self.intake().await?.approve(id, plan, host).await
    }

    pub(crate) async fn intake_reject(&self, id: i64, reason: String) -> ApiResult<IntakeItem> {
        self.intake().await?.reject(id, reason).await
    }

    pub(crate) async fn intake_set_source(
        &self,
        source: IntakeSource,
        choices: IntakeChoices,
    ) -> ApiResult<IntakeSourceState> {
        self.intake().await?.set_source(source, choices).await
    }

    pub(crate) async fn intake_set_portal(
        &self,
        url: String,
        password: String,
    ) -> ApiResult<Inbox> {
        let intake = self.intake().await?;
        let i = intake.clone();
        crate::blocking::run(move || i.set_portal(&url, &password)).await?;
        intake.inbox().await
    }
}
