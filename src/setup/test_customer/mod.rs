//! The setup guide's proof (`fabrik setup --proof`, the guide's last step), named for the test
//! customer it makes (`provision::proof` is another thing: a run's proof that a resource is the
//! customer's own). A test customer
//! provisioned for real and torn down again, with what it will cost said first and each
//! resource made and removed reported. The test customer is an ordinary customer and its runs
//! ordinary runs (the same ledger, ownership proof and teardown), so the proof shows that a
//! real one will work. What the seat has under way is kept on the seat (`setup.proof`), so a
//! window closed in the middle continues where it stopped and never leaves the customer's
//! resources behind unannounced; the test customer is marked in the register when it is made,
//! and the proof tears down no customer without that mark (`its_own`).

use std::sync::Arc;

use crate::customer::rows::CustomerRows;
use crate::customer::rows::ProofRows;
use crate::customer::CustomerDraft;
use crate::error::{ApiResult, Error};
use crate::ledger::{RunKind, RunState};
use crate::messages::{params, Say};
use crate::provision::RunRequest;
use crate::supervisor::cloud::CloudApi;
use crate::supervisor::host::RunHost;
use crate::supervisor::Supervisor;

mod plan;
mod report;

pub use plan::{ProofItem, ProofPlan, PROOF_NAME};
use report::{claim, release, Kept};
pub use report::{ProofPhase, ProofReport, ProofResource, PROOF_SETTING};

/// The guide's proof for one environment: its plan, its start (or continuation), its report.
pub struct Proof {
    cloud: Arc<CloudApi>,
    supervisor: Arc<Supervisor>,
}

impl Proof {
    pub fn new(cloud: Arc<CloudApi>, supervisor: Arc<Supervisor>) -> Proof {
        Proof { cloud, supervisor }
    }

    /// What the proof will make and cost, read from the settings and the accounts.
    pub async fn plan(&self) -> ApiResult<ProofPlan> {
        Ok(plan::plan(&self.cloud).await?.0)
    }

    /// Starts the proof, or continues the one under way, and returns at once; `report`
    /// follows it.
    pub async fn start(self: &Arc<Self>, host: Arc<dyn RunHost>) -> ApiResult<ProofReport> {
        let kept = self.prepare().await?;
        if claim(&kept.slug) {
            let me = self.clone();
            let k = kept.clone();
            tokio::spawn(async move {
                let slug = k.slug.clone();
                if let Err(e) = me.drive(k, host).await {
                    tracing::warn!(code = %e.code, "the setup proof stopped: {}", e.message);
                }
                release(&slug);
            });
        }
        self.report_of(Some(kept)).await
    }

    /// The proof from start (or where it stopped) to its end, waited for: the CLI's.
    pub async fn run(&self, host: Arc<dyn RunHost>) -> ApiResult<ProofReport> {
        let kept = self.prepare().await?;
        if !claim(&kept.slug) {
            return Err(
                Error::Internal("the proof is already under way in this process".into()).into(),
            );
        }
        let result = self.drive(kept.clone(), host).await;
        release(&kept.slug);
        result?;
        self.report().await
    }

    /// The proof under way on this seat, or a new test customer for one.
    async fn prepare(&self) -> ApiResult<Kept> {
        if let Some(k) = Kept::read(&self.cloud) {
            // One whose teardown succeeded is over: a start after it is a new proof.
            if self.run_state(k.teardown).await != Some(RunState::Succeeded) {
                let (cloud, kept) = (self.cloud.clone(), k.clone());
                crate::blocking::run(move || its_own(&cloud, &kept)).await?;
                return Ok(k);
            }
        }
        // The settings the plan read name the modules (no engine: this makes no run).
        let (plan, settings) = plan::plan(&self.cloud).await?;
        let manifest = settings.manifest;
        let cloud = self.cloud.clone();
        let customer = crate::blocking::run(move || {
            let name = format!(
                "{PROOF_NAME} {}",
                chrono::Utc::now().format("%Y-%m-%d %H.%M.%S")
            );
            let draft = CustomerDraft {
                name,
                slug: None,
                admin_email: plan.admin_email,
                contact_name: None,
                plan: None,
                modules: None,
                status: None,
                notes: Some(Say::ProofNote.text().sv),
            };
            cloud.store().create_proof_customer(draft, &manifest)
        })
        .await?;
        let kept = Kept {
            slug: customer.slug,
            ..Kept::default()
        };
        kept.write(&self.cloud)?;
        Ok(kept)
    }

    /// The state of a recorded run (SQLite, on the blocking pool).
    async fn run_state(&self, run: Option<i64>) -> Option<RunState> {
        let (cloud, id) = (self.cloud.clone(), run?);
        crate::blocking::run(move || cloud.store().get_run(id).map(|r| r.state))
            .await
            .ok()
    }

    async fn drive(&self, mut kept: Kept, host: Arc<dyn RunHost>) -> ApiResult<()> {
        let slug = kept.slug.clone();
        // Provisioning, unless it already ended well or the teardown has begun.
        let provisioned = self.run_state(kept.provision).await == Some(RunState::Succeeded);
        if !provisioned && kept.teardown.is_none() {
            let launched = self
                .supervisor
                .start_run(slug.clone(), RunRequest::Provision, host.clone())
                .await?;
            kept.provision = Some(launched.outcome.run_id);
            kept.write(&self.cloud)?;
            launched.wait().await;
            self.wait_idle(&slug).await;
        }
        // Whatever provisioning made goes, whether or not it got to the end.
        let launched = self
            .supervisor
            .start_run(
                slug.clone(),
                RunRequest::Teardown {
                    confirmation: slug.clone(),
                },
                host,
            )
            .await?;
        kept.teardown = Some(launched.outcome.run_id);
        kept.write(&self.cloud)?;
        if let Some(Ok(RunState::Succeeded)) = launched.wait().await {
            let cloud = self.cloud.clone();
            crate::blocking::run(move || cloud.store().delete_customer(&slug)).await?;
        }
        Ok(())
    }

    /// Waits while the customer has a run under way (the backup that follows provisioning).
    async fn wait_idle(&self, slug: &str) {
        // Bounded: a backup run ends in minutes; after that the teardown's own check refuses.
        for _ in 0..1200 {
            let (cloud, s) = (self.cloud.clone(), slug.to_string());
            let busy = crate::blocking::run(move || {
                let id = cloud.store().get_customer(&s)?.id;
                Ok::<_, Error>(
                    cloud
                        .store()
                        .list_runs(Some(id), 5)?
                        .iter()
                        .any(|r| r.state.is_active()),
                )
            })
            .await
            .unwrap_or(false);
            if !busy {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }

    /// Where the proof on this seat stands.
    pub async fn report(&self) -> ApiResult<ProofReport> {
        self.report_of(Kept::read(&self.cloud)).await
    }

    async fn report_of(&self, kept: Option<Kept>) -> ApiResult<ProofReport> {
        let cloud = self.cloud.clone();
        Ok(crate::blocking::run(move || report::report(&cloud, kept)).await?)
    }
}

/// The proof continues only with the test customer it made: the one marked so in the register
/// when the proof made it (`Store::create_proof_customer`), the runs the seat kept being that
/// customer's own provisioning and teardown. Another customer in `setup.proof` (written by hand,
/// or by anyone who can write this seat's settings) is refused by name and nothing of it is
/// touched; the value is forgotten, so that the next start is a new proof.
fn its_own(cloud: &CloudApi, kept: &Kept) -> crate::Result<()> {
    let store = cloud.store();
    let customer = match store.get_customer(&kept.slug) {
        Ok(c) => Some(c),
        Err(Error::CustomerNotFound(_)) => None,
        Err(e) => return Err(e),
    };
    if let Some(c) = &customer {
        let of_it = |run: Option<i64>, kind: RunKind| {
            run.is_none_or(|id| {
                store
                    .get_run(id)
                    .is_ok_and(|r| r.customer_id == c.id && r.kind == kind)
            })
        };
        if store.is_proof_customer(c.id)?
            && of_it(kept.provision, RunKind::Provision)
            && of_it(kept.teardown, RunKind::Teardown)
        {
            return Ok(());
        }
    }
    cloud
        .seat
        .set(PROOF_SETTING, "")
        .map_err(|e| Error::Internal(format!("could not forget the proof's progress: {e}")))?;
    let name = customer.map_or_else(|| kept.slug.clone(), |c| c.name);
    Err(Error::NotNow {
        slug: kept.slug.clone(),
        reason: Say::ProofNotItsCustomer.with(params! { "name" => name }),
    })
}
