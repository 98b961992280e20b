//! Recovery with Supabase's own backups, before any run: what the customer's project can be
//! brought back to (the window's panel, `fabrik backup recovery`), and a recover run refused
//! before it is recorded when Supabase could not do it (the plan, the window, a typo in the
//! confirmation), so a refusal leaves nothing behind. Only reads from Supabase.

use super::{Engine, Reader};
use crate::customer::rows::CustomerRows;
use crate::customer::Customer;
use crate::database::recovery::{self, RecoveryView};
use crate::error::{Error, Result};
use crate::provision::kinds::{self, RunRequest};
use crate::provision::outputs::{StepOutput, SupabaseProject};

/// A provider's answer as the refusal it is (its code, its words).
fn refused(e: crate::providers::ProviderError) -> Error {
    Error::Refused {
        code: e.code(),
        params: e.params(),
    }
}

impl Engine {
    /// The customer and the Supabase project the ledger recorded for their delivered
    /// instance (never the card alone: a typed-in ref is not proof).
    pub(super) async fn recovery_project(&self, slug: &str) -> Result<(Customer, String)> {
        let (slug, environment) = (slug.to_string(), self.environment);
        self.db(move |s| {
            let customer = s.get_customer_in(&slug, environment)?;
            let delivered = s.delivered_by(customer.id, environment)?;
            let recorded = s
                .last_step_output(customer.id, SupabaseProject::STEP, environment)?
                .and_then(|o| serde_json::from_value::<SupabaseProject>(o).ok());
            match (delivered, recorded) {
                (Some(_), Some(p)) if !customer.instance.is_empty() => {
                    Ok((customer, p.project_ref))
                }
                _ => Err(Error::NotProvisioned(customer.slug)),
            }
        })
        .await
    }
}

impl Reader {
    /// What Supabase's own backups can bring the customer's database back to: PITR on or off
    /// and its window, the physical backups, the schedule; on a plan with none of them, a
    /// note that says so and names Fabrik's own backups.
    pub async fn recovery(&self, slug: &str) -> Result<RecoveryView> {
        let (customer, project_ref) = self.engine.recovery_project(slug).await?;
        let sb = &self.engine.clients.supabase;
        let backups = sb.backups(&project_ref).await.map_err(refused)?;
        let schedule = sb.backup_schedule(&project_ref).await.map_err(refused)?;
        Ok(recovery::view(
            &customer.slug,
            &project_ref,
            &backups,
            schedule,
        ))
    }
}

impl Engine {
    /// A recover run is refused here, before anything is recorded, when the confirmation is
    /// not the slug, the instance cannot take it now, or Supabase could not do it (no PITR and
    /// no physical backups on the plan, a moment outside the window). Other kinds pass. The
    /// run's first step checks again, as things may change in between.
    pub async fn refuse_early(&self, slug: &str, request: &RunRequest) -> Result<()> {
        let RunRequest::Recover {
            target,
            confirmation,
        } = request
        else {
            return Ok(());
        };
        if confirmation.trim() != slug {
            return Err(Error::NotConfirmed);
        }
        let (customer, project_ref) = self.recovery_project(slug).await?;
        let me = self.clone();
        let c = customer.clone();
        let def = kinds::def(request.kind());
        crate::blocking::run(move || me.requires(def, &c)).await?;
        let backups = self
            .clients
            .supabase
            .backups(&project_ref)
            .await
            .map_err(refused)?;
        recovery::choose(&backups, &customer.slug, *target)
            .map(|_| ())
            .map_err(|(code, params)| Error::Refused { code, params })
    }
}
