//! Deployment rollback (issue #32), one core behind the window and the CLI: a customer's
//! recent production deployments (read by the Vercel project id the ledger recorded, the one
//! production serves marked), an earlier READY one made production again as a `promote` run,
//! and "Ångra": a `promote` run back to the deployment the last rollback replaced.
//!
//! A deployment is judged before the run is recorded (unknown, another project's, not READY,
//! not built for production: refused with its own code, nothing written), and judged again by
//! the run's step right before the change.

use std::sync::Arc;

use crate::error::ApiResult;
use crate::provision::{Deployments, Reader, RunRequest};
use crate::supervisor::host::RunHost;
use crate::supervisor::{Launched, Supervisor};

pub struct DeploymentsApi {
    supervisor: Arc<Supervisor>,
}

impl DeploymentsApi {
    pub fn new(supervisor: Arc<Supervisor>) -> DeploymentsApi {
        DeploymentsApi { supervisor }
    }

    async fn reader(&self) -> ApiResult<Reader> {
        let me = self.supervisor.clone();
        crate::blocking::run(move || Ok(me.reader()?)).await
    }

    /// The customer's recent production deployments, newest first, the one serving marked,
    /// and what "Ångra" would make production again. Only reads.
    pub async fn list(&self, slug: &str) -> ApiResult<Deployments> {
        Ok(self.reader().await?.deployments(slug).await?)
    }

    /// Makes `deployment` production for the customer, as a `promote` run: refused before
    /// anything is recorded when it is not one of the customer's READY production deployments.
    pub async fn promote(
        &self,
        slug: &str,
        deployment: &str,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        let id = self
            .reader()
            .await?
            .check_promotion(slug, deployment)
            .await?;
        self.supervisor
            .start_run(
                slug.to_string(),
                RunRequest::Promote { deployment: id },
                host,
            )
            .await
    }

    /// What "Ångra" would make production again (the deployment the last successful rollback
    /// replaced); `nothing_to_undo` when there is none.
    pub async fn undo_target(&self, slug: &str) -> ApiResult<String> {
        Ok(self.reader().await?.undo_target(slug).await?)
    }

    /// "Ångra": a `promote` run back to the deployment the last successful rollback replaced.
    pub async fn undo(&self, slug: &str, host: Arc<dyn RunHost>) -> ApiResult<Launched> {
        let previous = self.undo_target(slug).await?;
        self.promote(slug, &previous, host).await
    }
}
