//! Installationsguiden: the steps and where this seat stopped, the choices read from each
//! account, the proof (a test customer provisioned and torn down), and what each account has
//! left and what a bulk run would take of it.

use std::sync::Arc;

use super::app::{blocking, Fabrik};
use crate::error::ApiResult;
use crate::ledger::RunKind;
use crate::providers::choices::AccountChoices;
use crate::secrets::Provider;
use crate::setup::accounts_left::{self, AccountsLeft, RateLimits};
use crate::setup::budget::{self, Budget};
use crate::setup::guide::{self, SetupGuide, SetupStep};
use crate::setup::test_customer::{Proof, ProofPlan, ProofReport};

impl Fabrik {
    pub(crate) async fn setup_guide(&self) -> ApiResult<SetupGuide> {
        Ok(guide::seat_guide(&*self.cloud().await?))
    }

    pub(crate) async fn setup_progress(
        &self,
        at: SetupStep,
        skipped: Vec<SetupStep>,
    ) -> ApiResult<SetupGuide> {
        blocking(self.cloud().await?, move |c| {
            guide::progress(c, at, &skipped)
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
        Ok(accounts_left::rate_limits(
            self.register()?.store().environment(),
        ))
    }

    pub(crate) async fn accounts_left(&self) -> ApiResult<AccountsLeft> {
        accounts_left::accounts_left(&self.cloud().await?).await
    }

    pub(crate) async fn bulk_budget(&self, kind: RunKind, count: u32) -> ApiResult<Budget> {
        budget::bulk_budget(&self.cloud().await?, kind, count).await
    }
}
