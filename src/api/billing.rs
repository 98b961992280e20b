//! Fakturering: a customer's subscription beside its instance, the register's billing column
//! (both from the register), and a reconciliation with Stripe on demand.

use super::app::Fabrik;
use crate::billing::candidates::Candidate;
use crate::billing::policy::{PolicyView, Step, Transition};
use crate::billing::reconcile::Reconciled;
use crate::customer::Plan;
use crate::error::ApiResult;
use crate::services::billing::{BillingApi, BillingCell, CustomerBilling};

impl Fabrik {
    fn billing(&self) -> ApiResult<BillingApi> {
        Ok(BillingApi::new(self.register()?.shared_store()))
    }

    pub(crate) fn billing_column(&self) -> ApiResult<Vec<BillingCell>> {
        self.billing()?.column()
    }

    pub(crate) fn billing_customer(&self, slug: String) -> ApiResult<CustomerBilling> {
        self.billing()?.customer(&slug)
    }

    pub(crate) fn billing_settle(&self, id: i64, dismissed: bool) -> ApiResult<bool> {
        self.billing()?.settle(id, dismissed)
    }

    pub(crate) fn billing_policy(&self) -> ApiResult<PolicyView> {
        self.billing()?.policy()
    }

    pub(crate) fn billing_policy_set(
        &self,
        plan: Plan,
        transition: Transition,
        step: Step,
    ) -> ApiResult<PolicyView> {
        self.billing()?.set_policy_step(plan, transition, step)
    }

    pub(crate) fn billing_policy_grace(
        &self,
        plan: Plan,
        days: Option<i64>,
    ) -> ApiResult<PolicyView> {
        self.billing()?.set_policy_grace(plan, days)
    }

    pub(crate) async fn billing_reconcile(&self) -> ApiResult<Reconciled> {
        crate::services::billing::reconcile_now(self.cloud().await?).await
    }

    pub(crate) async fn billing_candidates(&self, slug: String) -> ApiResult<Vec<Candidate>> {
        crate::services::billing::candidates(self.cloud().await?, slug).await
    }

    pub(crate) async fn billing_link(
        &self,
        slug: String,
        subscription: String,
    ) -> ApiResult<CustomerBilling> {
        crate::services::billing::link(self.cloud().await?, slug, subscription).await
    }
}
