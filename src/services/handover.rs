//! A handover (issue #59), one core behind the window's "Lämna över" and `fabrik handover`:
//! the run that hands the instance to the customer (through the guarded gate, a run like any
//! other), where it stands (each part asked of its provider, what the customer took kept), and
//! withdrawing it while it waits.

use std::sync::Arc;

use crate::error::ApiResult;
use crate::handover::{HandoverStatus, Handovers, Withdrawal};
use crate::provision::RunRequest;
use crate::supervisor::host::RunHost;
use crate::supervisor::{Launched, Supervisor};

pub struct HandoverApi {
    supervisor: Arc<Supervisor>,
}

/// Who receives the instance.
pub struct Receivers<'a> {
    pub github: &'a str,
    pub vercel_team: &'a str,
    pub supabase_org: &'a str,
}

impl HandoverApi {
    pub fn new(supervisor: Arc<Supervisor>) -> HandoverApi {
        HandoverApi { supervisor }
    }

    async fn handovers(&self) -> ApiResult<Handovers> {
        let me = self.supervisor.clone();
        crate::blocking::run(move || Ok(Handovers::new(&me.engine()?))).await
    }

    /// Starts the handover run: the gate (the teardown's right, the slug typed) and the
    /// receivers' names are checked before anything is written.
    pub async fn start(
        &self,
        slug: &str,
        to: Receivers<'_>,
        confirmation: &str,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        let request = RunRequest::Handover {
            to_github: to.github.trim().to_string(),
            to_vercel_team: to.vercel_team.trim().to_string(),
            to_supabase_org: to.supabase_org.trim().to_string(),
            confirmation: confirmation.to_string(),
        };
        self.supervisor
            .start_run(slug.to_string(), request, host)
            .await
    }

    /// Where the customer's handover stands, each waiting part asked of its provider now.
    pub async fn status(&self, slug: &str) -> ApiResult<HandoverStatus> {
        Ok(self.handovers().await?.status(slug).await?)
    }

    /// Withdraws the handover while the customer has not taken all of it.
    pub async fn withdraw(&self, slug: &str, confirmation: &str) -> ApiResult<Withdrawal> {
        Ok(self.handovers().await?.withdraw(slug, confirmation).await?)
    }
}
