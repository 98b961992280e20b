//! Installationsguiden: the steps and where this seat stopped, the choices read from each
//! account, the proof (a test customer provisioned and torn down), and what each account has
//! left and what a bulk run would take of it.

use std::sync::Arc;

use super::app::{blocking, Fabrik};
use super::left::{AccountsLeft, Budget, RateLimits};
use super::proof::{Proof, ProofPlan, ProofReport};
use super::setup::{SetupGuide, SetupStep};
use crate::error::ApiResult;
use crate::ledger::RunKind;
use crate::providers::choices::AccountChoices;
use crate::secrets::Provider;

impl Fabrik {
    pub(crate) async fn setup_guide(&self) -> ApiResult<SetupGuide> {
        Ok(super::setup::seat_guide(&*self.cloud().await?))
    }

    pub(crate) async fn setup_progress(
        &self,
        at: SetupStep,
        skipped: Vec<SetupStep>,
    ) -> ApiResult<SetupGuide> {
        blocking(self.cloud().await?, move |c| {
            super::setup::progress(c, at, &skipped)
        })
        .await
    }

    pub(crate) async fn setup_choices(&self, provider: Provider) -> ApiResult<AccountChoices> {
        self.cloud().await?.setup_choices(provider).await
    }

    pub(crate) async fn create_backup_repository(&self) -> ApiResult<AccountChoices> {
        self.cloud().await?.create_backup_repository().await
    }

    async fn proof(&self) -> ApiResult<Arc<Proof>> {
        Ok(Arc::new(Proof::new(
            self.cloud().await?,
            self.supervisor().await?,
        )))
    }

    pub(crate) async fn setup_proof_plan(&self) -> ApiResult<ProofPlan> {
        self.proof().await?.plan().await
    }

    pub(crate) async fn start_setup_proof(&self) -> ApiResult<ProofReport> {
        let host = self.run_host();
        self.proof().await?.start(host).await
    }

    pub(crate) async fn setup_proof(&self) -> ApiResult<ProofReport> {
        self.proof().await?.report().await
    }

    pub(crate) fn rate_limits(&self) -> ApiResult<RateLimits> {
        Ok(super::left::rate_limits(
            self.register()?.store().environment(),
        ))
    }

    pub(crate) async fn accounts_left(&self) -> ApiResult<AccountsLeft> {
        super::left::accounts_left(&self.cloud().await?, &self.supervisor().await?).await
    }

    pub(crate) async fn bulk_budget(&self, kind: RunKind, count: u32) -> ApiResult<Budget> {
        let (cloud, supervisor) = (self.cloud().await?, self.supervisor().await?);
        super::left::bulk_budget(&cloud, &supervisor, kind, count).await
    }
}
