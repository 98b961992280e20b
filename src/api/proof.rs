//! The setup guide's proof (`fabrik setup --proof`, the guide's last step): a test customer
//! provisioned for real and torn down again, with what it will cost said first and each
//! resource made and removed reported. The test customer is an ordinary customer and its runs
//! ordinary runs (the same ledger, ownership proof and teardown), so the proof shows that a
//! real one will work. What the seat has under way is kept on the seat (`setup.proof`), so a
//! window closed in the middle continues where it stopped and never leaves the customer's
//! resources behind unannounced; the test customer is marked in the register when it is made,
//! and the proof tears down no customer without that mark (`its_own`).

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::cloud::CloudApi;
use super::runs::RunHost;
use super::supervisor::Supervisor;
use super::ApiResult;
use crate::customer::CustomerDraft;
use crate::environment::Environment;
use crate::error::Error;
use crate::ledger::{RunKind, RunState, StepKey, StepState};
use crate::messages::{params, Say, Text};
use crate::provision::{RunRequest, ALERT_ADDRESS};
use crate::secrets::Provider;

/// The test customer under way on this seat and its runs: `slug provision_run teardown_run`.
pub const PROOF_SETTING: &str = "setup.proof";

/// What the test customer is called (the date and time follow, so two proofs never meet).
const PROOF_NAME: &str = "Fabrik provkund";

/// Supabase's free plan: active free projects per user, across organizations (its declaration).
pub const SUPABASE_FREE_ACTIVE: u64 = crate::provider::SUPABASE_FREE_ACTIVE.count;

/// One thing the proof makes, and what it costs.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProofItem {
    pub provider: Provider,
    pub made: Text,
    pub cost: Text,
}

/// What a person reads before the proof starts.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProofPlan {
    pub environment: Environment,
    /// The test customer it will make.
    pub name: String,
    /// Where its welcome email goes: the agency's own alert address (or its support address).
    pub admin_email: String,
    pub items: Vec<ProofItem>,
    /// What may stop it (a Supabase organization at its free plan's limit) or could not be
    /// read; none blocks the start (a paid plan has no such limit).
    pub caveats: Vec<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProofPhase {
    NotStarted,
    Provisioning,
    TearingDown,
    /// Made and removed, every resource.
    Done,
    /// A run stopped (failed, cancelled, or the window was closed): starting again continues.
    Stopped,
}

/// One resource in the report: the step that made it, its provider id, and its state in
/// that run (made: `succeeded`; removed: `compensated`, or why not).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProofResource {
    pub step: StepKey,
    pub id: String,
    pub state: StepState,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ProofReport {
    pub phase: ProofPhase,
    pub slug: Option<String>,
    #[ts(type = "number | null")]
    pub provision_run: Option<i64>,
    #[ts(type = "number | null")]
    pub teardown_run: Option<i64>,
    pub made: Vec<ProofResource>,
    pub removed: Vec<ProofResource>,
    /// From the first run's start to the last one's end (or to now), in seconds.
    #[ts(type = "number | null")]
    pub seconds: Option<i64>,
    /// Why a run stopped, as its ledger says.
    pub problem: Option<Text>,
}

/// The proof under way on this seat, as `setup.proof` keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Kept {
    slug: String,
    provision: Option<i64>,
    teardown: Option<i64>,
}

impl Kept {
    fn read(cloud: &CloudApi) -> Option<Kept> {
        let text = cloud.seat.get(PROOF_SETTING)?;
        let mut parts = text.split_whitespace();
        let slug = parts.next()?.to_string();
        let id = |p: Option<&str>| p.and_then(|s| s.parse().ok()).filter(|n: &i64| *n > 0);
        Some(Kept {
            slug,
            provision: id(parts.next()),
            teardown: id(parts.next()),
        })
    }

    fn write(&self, cloud: &CloudApi) -> crate::Result<()> {
        let text = format!(
            "{} {} {}",
            self.slug,
            self.provision.unwrap_or(0),
            self.teardown.unwrap_or(0)
        );
        cloud
            .seat
            .set(PROOF_SETTING, &text)
            .map_err(|e| Error::Internal(format!("could not keep the proof's progress: {e}")))
    }
}

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
        let engine = self.supervisor.engine()?;
        let s = engine.settings().clone();
        let store = self.cloud.shared_store();
        let alert = crate::blocking::run(move || store.get_setting(ALERT_ADDRESS)).await?;
        // The agency's own inbox: its alert address, or the address its customers write to.
        let admin_email = alert
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| s.support_address.clone());
        let mut caveats = Vec::new();

        // Supabase: how many projects of the organization are active now.
        let active = engine
            .clients()
            .supabase
            .count_projects(&s.supabase_org, &["ACTIVE_HEALTHY", "COMING_UP"])
            .await;
        let org =
            params! { "org" => s.supabase_org.as_str(), "region" => s.supabase_region.as_str() };
        let supabase_cost = match &active {
            Ok(n) => {
                if *n >= SUPABASE_FREE_ACTIVE {
                    caveats.push(Say::ProofSupabaseFull.with(params! {
                        "org" => s.supabase_org.as_str(), "active" => *n,
                        "free" => SUPABASE_FREE_ACTIVE,
                    }));
                }
                Say::ProofSupabaseCost.with(params! {
                    "org" => s.supabase_org.as_str(), "active" => *n,
                    "free" => SUPABASE_FREE_ACTIVE,
                })
            }
            Err(e) => {
                caveats.push(Say::ProofUnread.with(params! {
                    "what" => "Supabase", "problem" => e.to_string(),
                }));
                Say::ProofSupabaseCostUnread.with(params! { "free" => SUPABASE_FREE_ACTIVE })
            }
        };
        let mut items = vec![
            ProofItem {
                provider: Provider::Supabase,
                made: Say::ProofSupabase.with(org),
                cost: supabase_cost,
            },
            ProofItem {
                provider: Provider::Github,
                made: Say::ProofGithub.with(params! {
                    "owner" => s.repo_owner.as_str(),
                    "template" => format!("{}/{}", s.template_owner, s.template_repo),
                }),
                cost: Say::ProofGithubCost.text(),
            },
            ProofItem {
                provider: Provider::Vercel,
                made: Say::ProofVercel.text(),
                cost: Say::ProofVercelCost.text(),
            },
            ProofItem {
                provider: Provider::N8n,
                made: Say::ProofN8n.text(),
                cost: Say::ProofN8nCost.text(),
            },
            ProofItem {
                provider: Provider::Resend,
                made: Say::ProofResend.with(params! {
                    "from" => s.sender.as_str(), "to" => admin_email.as_str(),
                }),
                cost: Say::ProofResendCost.text(),
            },
        ];
        if engine.clients().gitea.is_some() {
            items.push(ProofItem {
                provider: Provider::Gitea,
                made: Say::ProofGitea.with(params! { "repo" => s.backup_repository.as_str() }),
                cost: Say::ProofGiteaCost.text(),
            });
        }
        Ok(ProofPlan {
            environment: self.cloud.environment,
            name: PROOF_NAME.to_string(),
            admin_email,
            items,
            caveats,
        })
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
        let plan = self.plan().await?;
        let manifest = self.supervisor.engine()?.settings().manifest.clone();
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
        Ok(crate::blocking::run(move || report(&cloud, kept)).await?)
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

/// The proofs this process drives: a report of one is never `stopped` between its two runs,
/// and a second start while it runs only reports.
static DRIVING: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn driving() -> std::sync::MutexGuard<'static, Vec<String>> {
    DRIVING.lock().unwrap_or_else(|p| p.into_inner())
}

/// `false` when the proof is driven here already.
fn claim(slug: &str) -> bool {
    let mut d = driving();
    if d.iter().any(|s| s == slug) {
        return false;
    }
    d.push(slug.to_string());
    true
}

fn release(slug: &str) {
    driving().retain(|s| s != slug);
}

fn is_driven(slug: &str) -> bool {
    driving().iter().any(|s| s == slug)
}

fn report(cloud: &CloudApi, kept: Option<Kept>) -> crate::Result<ProofReport> {
    let Some(kept) = kept else {
        return Ok(ProofReport {
            phase: ProofPhase::NotStarted,
            slug: None,
            provision_run: None,
            teardown_run: None,
            made: Vec::new(),
            removed: Vec::new(),
            seconds: None,
            problem: None,
        });
    };
    let store = cloud.store();
    let run = |id: Option<i64>| id.and_then(|id| store.get_run(id).ok());
    let (provision, teardown) = (run(kept.provision), run(kept.teardown));
    let resources = |id: Option<i64>, keep: fn(&crate::store::runs::StepRow) -> bool| {
        id.map(|id| store.run_steps(id)).transpose().map(|steps| {
            steps
                .unwrap_or_default()
                .into_iter()
                .filter(keep)
                .filter_map(|s| {
                    Some(ProofResource {
                        id: s.external_id.clone()?,
                        step: s.key,
                        state: s.state,
                    })
                })
                .collect::<Vec<_>>()
        })
    };
    let made = resources(kept.provision, |s| s.created)?;
    let removed = resources(kept.teardown, |_| true)?;
    let driven = is_driven(&kept.slug);
    let active =
        |r: &Option<crate::store::runs::RunRow>| r.as_ref().is_some_and(|r| r.state.is_active());
    let phase = if teardown
        .as_ref()
        .is_some_and(|t| t.state == RunState::Succeeded)
    {
        ProofPhase::Done
    } else if active(&teardown) || (driven && teardown.is_some()) {
        ProofPhase::TearingDown
    } else if active(&provision) || driven {
        ProofPhase::Provisioning
    } else {
        // Nothing drives it (the window was closed, a run failed): starting again continues.
        ProofPhase::Stopped
    };
    let stopped = [&teardown, &provision]
        .into_iter()
        .flatten()
        .find(|r| !r.state.is_active() && r.state != RunState::Succeeded);
    let problem = if phase == ProofPhase::Stopped {
        stopped.and_then(|r| r.error.clone()).or_else(|| {
            stopped.map(|r| {
                Say::ProofRunStopped.with(params! { "run" => r.id, "state" => r.state.as_str() })
            })
        })
    } else {
        None
    };
    let started = provision
        .as_ref()
        .or(teardown.as_ref())
        .map(|r| r.started_at.clone());
    let ended = match phase {
        ProofPhase::Done | ProofPhase::Stopped => teardown
            .as_ref()
            .or(provision.as_ref())
            .and_then(|r| r.finished_at.clone()),
        _ => None,
    };
    let seconds = started.and_then(|s| {
        let from = chrono::DateTime::parse_from_rfc3339(&s).ok()?;
        let to = match ended {
            Some(e) => chrono::DateTime::parse_from_rfc3339(&e).ok()?.to_utc(),
            None => chrono::Utc::now(),
        };
        Some((to - from.to_utc()).num_seconds())
    });
    Ok(ProofReport {
        phase,
        slug: Some(kept.slug),
        provision_run: kept.provision,
        teardown_run: kept.teardown,
        made,
        removed,
        seconds,
        problem,
    })
}
