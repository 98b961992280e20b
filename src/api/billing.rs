//! Fakturering: a customer's subscription beside its instance, the register's billing column
//! (both from the register), and a reconciliation with Stripe on demand.

use super::app::Fabrik;
use crate::billing::reconcile::Reconciled;
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

    pub(crate) async fn billing_reconcile(&self) -> ApiResult<Reconciled> {
        crate::services::billing::reconcile_now(self.cloud().await?).await
    }
}
