//! A handover (issue #59): where it stands, and withdrawing it. The run itself starts through
//! `start_run` (`{ "kind": "handover", … }`), like every run.

use super::app::Fabrik;
use crate::error::ApiResult;
use crate::handover::{HandoverStatus, Withdrawal};
use crate::services::handover::HandoverApi;

impl Fabrik {
    pub(crate) async fn handover_status(&self, slug: String) -> ApiResult<HandoverStatus> {
        HandoverApi::new(self.supervisor().await?)
            .status(&slug)
            .await
    }

    pub(crate) async fn handover_recipient(&self, slug: String) -> ApiResult<String> {
        HandoverApi::new(self.supervisor().await?)
            .recipient(&slug)
            .await
    }

    pub(crate) async fn handover_withdraw(
        &self,
        slug: String,
        confirmation: String,
    ) -> ApiResult<Withdrawal> {
        HandoverApi::new(self.supervisor().await?)
            .withdraw(&slug, &confirmation)
            .await
    }
}
