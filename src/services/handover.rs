//! A handover (issue #59), one core behind the window's "Lämna över" and `fabrik handover`:
//! the run that hands the instance to the customer (through the guarded gate, a run like any
//! other), where it stands (each part asked of its provider, what the customer took kept), and
//! withdrawing it while it waits.

use std::sync::Arc;

use crate::customer::rows::CustomerRows;
use crate::error::{ApiResult, Error};
use crate::handover::{HandoverStatus, Handovers, Withdrawal};
use crate::ledger::StepKey;
use crate::provision::proof;
use crate::provision::refusal::Refusal;
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
    /// The letter's address when the owner types one (else the proven first administrator).
    pub letter_to: Option<&'a str>,
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
            letter_to: to.letter_to.map(str::to_string),
            confirmation: confirmation.to_string(),
        };
        self.supervisor
            .start_run(slug.to_string(), request, host)
            .await
    }

    /// Where a handover's letter would go now: the address the instance's Auth holds for its
    /// proven first administrator (`proof::first_admin_email`), shown before anyone confirms.
    pub async fn recipient(&self, slug: &str) -> ApiResult<String> {
        let me = self.supervisor.clone();
        let engine = crate::blocking::run(move || me.engine()).await?;
        let (slug, env) = (slug.to_string(), engine.environment());
        let (customer, project, admin) = engine
            .db(move |s| {
                let c = s.get_customer_in(&slug, env)?;
                let project = s.last_step_output(c.id, StepKey::SupabaseProject, env)?;
                let admin = s.last_step_output(c.id, StepKey::SupabaseAdminUser, env)?;
                Ok((c, project, admin))
            })
            .await?;
        let read = |v: Option<serde_json::Value>, field: &str| {
            v.and_then(|v| v[field].as_str().map(str::to_string))
        };
        let (Some(project_ref), Some(user_id)) = (read(project, "ref"), read(admin, "user_id"))
        else {
            return Err(Error::NotProvisioned(customer.slug).into());
        };
        let supabase = &engine.clients().supabase;
        proof::supabase_project(supabase, &customer, &project_ref).await?;
        let keys = supabase
            .api_keys(&project_ref)
            .await
            .map_err(|e| Error::Provider(e.to_string()))?;
        proof::first_admin_email(supabase, &keys, &customer, &project_ref, &user_id)
            .await
            .map_err(|e| Error::from(Refusal::from(e)).into())
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
