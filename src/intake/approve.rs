//! Approving a request: claimed in the register (only one seat can, and a source on its own
//! only within its limit a day), its customer made and checked like any other, then its
//! provisioning run, whose steps and end the portal is told as they happen.

use std::sync::Arc;

use super::inbox::{decided, intake_error};
use super::Intake;
use crate::customer::rows::CustomerRows;
use crate::customer::Plan;
use crate::error::{ApiResult, Error};
use crate::ledger::RunEvent;
use crate::messages::{params, Say};
use crate::provision::settings::ProvisionSettings;
use crate::provision::RunRequest;
use crate::requests::IntakeRows;
use crate::requests::{AutoClaim, IntakeItem, IntakeSource, IntakeState};
use crate::supervisor::host::RunHost;

/// Who approves a request: a person (with the plan they chose, which a Stripe price nobody
/// mapped needs), or its source on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Person(Option<Plan>),
    Automatic,
}

/// What claiming a request for an approval found.
pub(super) enum Claimed {
    /// Its customer, to provision.
    Customer(String),
    /// The source's limit a day is reached: it waits.
    Limit,
}

/// What a run approved from the inbox reports to: everything goes on to the window or the
/// CLI, and each step started and the run's end are told to the portal as they happen.
struct Telling {
    inner: Arc<dyn RunHost>,
    intake: Arc<Intake>,
}

impl RunHost for Telling {
    fn emit(&self, event: &RunEvent) {
        self.inner.emit(event);
        if matches!(
            event,
            RunEvent::StepStarted { .. }
                | RunEvent::StepFailed { .. }
                | RunEvent::RunFinished { .. }
        ) {
            self.intake.sync_soon();
        }
    }

    fn notify(&self, title: &str, body: &str) {
        self.inner.notify(title, body);
    }

    fn sweep(&self, status: &crate::supervisor::host::Sweep) {
        self.inner.sweep(status);
    }
}

impl Intake {
    /// A person approves a pending request: a customer made from it (on `plan`, which a
    /// Stripe price nobody mapped needs), then its provisioning run. An approved one whose run
    /// never started (the window closed, a check refused) starts now.
    pub async fn approve(
        self: &Arc<Self>,
        id: i64,
        plan: Option<Plan>,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<IntakeItem> {
        Ok(self.approve_launch(id, plan, host).await?.0)
    }

    /// `approve`, with the run to wait for (the CLI follows it to its end).
    pub async fn approve_launch(
        self: &Arc<Self>,
        id: i64,
        plan: Option<Plan>,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<(IntakeItem, crate::supervisor::Launched)> {
        match self.claim(id, Approval::Person(plan)).await? {
            Claimed::Customer(slug) => self.launch(id, slug, host).await,
            // A person is held to no limit.
            Claimed::Limit => Err(decided(&self.item(id)?).into()),
        }
    }

    /// Takes the request for an approval, in the register (only one seat can), and makes its
    /// customer. A source on its own takes only a request still pending (so a seat never counts
    /// another's approval as its own) and only while its limit a day is not reached.
    pub(super) async fn claim(self: &Arc<Self>, id: i64, how: Approval) -> ApiResult<Claimed> {
        // Taken only when its run could start (the gate the run's start applies: the tokens,
        // the settings), so neither a source's limit a day nor a person's approval is spent on
        // a run that would be refused; the request stays pending.
        let supervisor = self.supervisor.clone();
        if let Some(reason) = crate::blocking::run(move || supervisor.readiness())
            .await?
            .reason
        {
            return Err(Error::NotReady(reason).into());
        }
        let me = self.clone();
        Ok(crate::blocking::run(move || -> crate::Result<Claimed> {
            let store = me.cloud.store();
            let item = me.item(id)?;
            match item.state {
                IntakeState::Pending => {}
                IntakeState::Approved if item.run_id.is_none() && how != Approval::Automatic => {
                    if let Some(slug) = item.slug.clone() {
                        return Ok(Claimed::Customer(slug));
                    }
                }
                _ => return Err(decided(&item)),
            }
            let source = store.intake_source(item.source)?;
            let plan = match how {
                Approval::Person(Some(plan)) => Some(plan),
                _ => super::plan_for(&item, &source),
            };
            // A price nobody mapped is no plan: never the starter plan by default.
            if let (IntakeSource::Stripe, None) = (item.source, plan) {
                let prices = match super::waiting(&item, &source) {
                    Some(super::Waiting::Unmapped(p)) => p.join(", "),
                    _ => String::new(),
                };
                return Err(intake_error(
                    Say::IntakeChoosePlan,
                    params! { "name" => item.name.as_str(), "prices" => prices },
                ));
            }
            let by = store.person().unwrap_or(store.seat()).to_string();
            if item.state == IntakeState::Pending {
                let taken = match how {
                    Approval::Person(_) => store.claim_intake(id, &by)?,
                    Approval::Automatic => {
                        match store.claim_intake_automatically(id, item.source, &by)? {
                            AutoClaim::Claimed => true,
                            AutoClaim::Decided => false,
                            AutoClaim::Limit => return Ok(Claimed::Limit),
                        }
                    }
                };
                if !taken {
                    return Err(decided(&me.item(id)?));
                }
            }
            // Checked like any customer; a request that is not one stays in the inbox.
            let draft = super::draft_of(&item, plan);
            // The manifest as the settings say (a file of the owner's, or the bundled one),
            // read, not an engine built for it.
            let settings =
                ProvisionSettings::load_with(store, &me.cloud.seat, &me.cloud.overrides)?;
            match store.create_intake_customer(id, draft, &settings.manifest) {
                Ok(c) => Ok(Claimed::Customer(c.slug)),
                Err(e) => {
                    store.unclaim_intake(id, &e.to_string())?;
                    Err(e)
                }
            }
        })
        .await?)
    }

    /// Starts the provisioning run of an approved request's customer, told to the portal.
    pub(super) async fn launch(
        self: &Arc<Self>,
        id: i64,
        slug: String,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<(IntakeItem, crate::supervisor::Launched)> {
        let host: Arc<dyn RunHost> = Arc::new(Telling {
            inner: host,
            intake: self.clone(),
        });
        let launched = self
            .supervisor
            .start_run(slug.clone(), RunRequest::Provision, host)
            .await?;
        let run = launched.outcome.run_id;
        let me = self.clone();
        let item = crate::blocking::run(move || -> crate::Result<IntakeItem> {
            let store = me.cloud.store();
            let customer = store.get_customer(&slug)?;
            store.link_intake(id, customer.id, Some(run))?;
            me.item(id)
        })
        .await?;
        // The portal hears of the start now; the rest as the run goes (`sync`).
        let _ = self.sync().await;
        Ok((item, launched))
    }
}
