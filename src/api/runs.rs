//! The provisioning commands of the window: plan, start (in the background, with events),
//! cancel, retry, resume, roll back, tear down; the run history; and the readiness gate for
//! "Provisionera". Tauri-free: the shell supplies a `RunHost` that forwards events.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::cloud::{CloudApi, Environment};
pub use super::host::RunHost;
use super::ApiResult;
use crate::credentials::CredentialState;
use crate::error::Error;
use crate::messages::Text;
use crate::provision::preflight::Finding;
use crate::provision::{
    plan::ProvisionPlan, AllowedBy, DomainStatus, Engine, EventSink, FailurePolicy,
    ProvisionSettings, RunEvent, RunKind, RunState, StartOutcome, TeardownTarget, Timing,
};
use crate::secrets::Provider;
use crate::store::adoptions::Adoption;
use crate::store::runs::{Driver, LogLine, RunRow, StepRow};
use crate::store::Store;

#[derive(Debug, Clone, Serialize, TS)]
pub struct RunDetail {
    pub run: RunRow,
    pub steps: Vec<StepRow>,
    pub log: Vec<LogLine>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Readiness {
    pub ready: bool,
    /// Providers whose token is missing (production only; the sandbox has its own).
    pub missing: Vec<Provider>,
    /// Settings that must be set first, or a keyring problem.
    pub reason: Option<Text>,
}

pub struct RunsApi {
    store: Arc<Store>,
    cloud: Arc<CloudApi>,
    /// Runs this process drives, so "Avbryt" reaches them at once (other processes see the
    /// database flag within a heartbeat).
    active: Mutex<HashMap<i64, CancellationToken>>,
}

struct HostSink(Arc<dyn RunHost>);

impl EventSink for HostSink {
    fn emit(&self, event: &RunEvent) {
        self.0.emit(event);
    }
}

impl RunsApi {
    pub fn new(store: Arc<Store>, cloud: Arc<CloudApi>) -> Arc<RunsApi> {
        Arc::new(RunsApi {
            store,
            cloud,
            active: Mutex::new(HashMap::new()),
        })
    }

    fn engine(&self) -> crate::Result<Engine> {
        // The window lets the user choose after a failure: "Försök igen" or "Återställ".
        self.cloud.engine(Timing::default(), FailurePolicy::Pause)
    }

    /// Whether "Provisionera" may be pressed, and if not, why.
    pub fn readiness(&self) -> ApiResult<Readiness> {
        let missing = if self.cloud.environment == Environment::Sandbox {
            Vec::new()
        } else {
            match self.cloud.credentials_status() {
                Ok(all) => all
                    .into_iter()
                    .filter(|s| s.state == CredentialState::Missing)
                    .map(|s| s.provider)
                    .collect(),
                Err(e) => {
                    return Ok(Readiness {
                        ready: false,
                        missing: Vec::new(),
                        reason: Some(Text::of(e.code, &e.params)),
                    })
                }
            }
        };
        let settings = self
            .cloud
            .check_endpoints()
            .and_then(|_| ProvisionSettings::load_with(&self.store, &self.cloud.overrides));
        let reason = match settings {
            Err(e) => Some(Text::of(e.code(), &e.params())),
            Ok(_) if !missing.is_empty() => {
                let names: Vec<&str> = missing.iter().map(|p| p.display_name()).collect();
                let names = names.join(", ");
                Some(Text::new(
                    format!("Token saknas för {names}"),
                    format!("Tokens are missing for {names}"),
                ))
            }
            Ok(_) => None,
        };
        Ok(Readiness {
            ready: reason.is_none(),
            missing,
            reason,
        })
    }

    /// The customer's custom domains, read from Vercel, with the DNS records still to set.
    pub async fn domains(self: &Arc<Self>, slug: String) -> ApiResult<Vec<DomainStatus>> {
        let me = self.clone();
        let engine = crate::blocking::run(move || me.engine()).await?;
        Ok(engine.domains(&slug).await?)
    }

    pub async fn plan(&self, slug: String) -> ApiResult<ProvisionPlan> {
        Ok(self.cloud.plan(|| self.engine(), &slug).await?)
    }

    /// The preflight alone (the bulk dialog: one check for every customer it starts).
    pub async fn preflight(&self) -> ApiResult<Vec<Finding>> {
        Ok(self.cloud.preflight().await?)
    }

    /// `start` behind the preflight: a blocking finding refuses before anything is created.
    pub async fn start_checked(
        self: &Arc<Self>,
        slug: String,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<StartOutcome> {
        self.checked(slug, host, |e, slug| e.start(slug)).await
    }

    /// "Uppdatera moduler" behind the same preflight: the customer's saved plan and modules
    /// into its repository and Vercel, then a new deployment; returns at once, like `start`.
    pub async fn update_modules_checked(
        self: &Arc<Self>,
        slug: String,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<StartOutcome> {
        self.checked(slug, host, |e, slug| e.start_update_modules(slug))
            .await
    }

    /// A day-two run (repair, pause, resume, redeploy, a new admin password) behind the same
    /// preflight; returns at once, like `start`.
    pub async fn day_two_checked(
        self: &Arc<Self>,
        slug: String,
        kind: RunKind,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<StartOutcome> {
        self.checked(slug, host, move |e, slug| match kind {
            RunKind::Repair => e.start_repair(slug),
            RunKind::Pause | RunKind::Resume | RunKind::Redeploy | RunKind::ResetPassword => {
                e.start_day_two(slug, kind, None)
            }
            other => Err(Error::Internal(format!("{other} is not started this way"))),
        })
        .await
    }

    /// Adds or removes a custom domain as a run (`RunKind::DomainAdd`/`DomainRemove`).
    pub async fn domain_checked(
        self: &Arc<Self>,
        slug: String,
        kind: RunKind,
        domain: String,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<StartOutcome> {
        self.checked(slug, host, move |e, slug| {
            e.start_domain(slug, kind, &domain)
        })
        .await
    }

    /// `begin` after the preflight passed.
    async fn checked(
        self: &Arc<Self>,
        slug: String,
        host: Arc<dyn RunHost>,
        record: impl FnOnce(&Engine, &str) -> crate::Result<StartOutcome> + Send + 'static,
    ) -> ApiResult<StartOutcome> {
        self.cloud.require_preflight().await?;
        let me = self.clone();
        crate::blocking::run(move || me.begin(slug, host, record)).await
    }

    /// `resume` behind the preflight (a token fixed since the failure passes now).
    pub async fn resume_checked(
        self: &Arc<Self>,
        run_id: i64,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<()> {
        self.cloud.require_preflight().await?;
        let me = self.clone();
        crate::blocking::run(move || me.resume(run_id, host)).await
    }

    /// Drives `work` in the background with this environment's engine; "Avbryt" reaches it
    /// through the token registered here. The run already exists, so it has a real id.
    fn spawn<F, Fut>(
        self: &Arc<Self>,
        driver: Driver,
        host: Arc<dyn RunHost>,
        slug: String,
        work: F,
    ) where
        F: FnOnce(Engine, Arc<dyn EventSink>, CancellationToken) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = crate::Result<RunState>> + Send + 'static,
    {
        let (cancel, run_id) = (CancellationToken::new(), driver.run_id);
        self.active
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(run_id, cancel.clone());
        let this = self.clone();
        tokio::spawn(async move {
            let sink: Arc<dyn EventSink> = Arc::new(HostSink(host.clone()));
            let outcome = match this.engine() {
                Ok(engine) => work(engine, sink, cancel).await,
                Err(e) => Err(e),
            };
            this.active
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&run_id);
            match outcome {
                Ok(RunState::Succeeded) => {
                    host.notify("Provisionering klar", &format!("{slug} är i drift"))
                }
                Ok(state) => {
                    let body = format!("{slug}: {state}");
                    host.notify("Provisioneringen stannade", &body);
                    // The agency hears of a failed run by email too, when it asked to (not of
                    // one the owner cancelled).
                    let failed = matches!(
                        state,
                        RunState::Failed | RunState::RolledBack | RunState::RollbackFailed
                    );
                    if let (true, Ok(engine)) = (failed, this.engine()) {
                        let text = format!("Körning {run_id} för {slug} slutade som {state}.");
                        if let Err(e) = engine.send_alert("Provisioneringen stannade", &text).await
                        {
                            tracing::warn!(run = run_id, "the alert email could not be sent: {e}");
                        }
                    }
                }
                Err(e) => {
                    tracing::error!(run = run_id, "run could not be driven: {e}");
                    // The engine writes a final state on its own errors; this covers an engine
                    // that could not even be built (e.g. the keyring locked in between).
                    let (store, text) = (this.store.clone(), Text::of(e.code(), &e.params()));
                    let _ = crate::blocking::run(move || {
                        if store.get_run(run_id)?.state.is_active() {
                            store.set_run_state(&driver, RunState::Failed, Some(&text), None)?;
                        }
                        Ok::<_, Error>(())
                    })
                    .await;
                    host.emit(&RunEvent::RunFinished {
                        run_id,
                        state: RunState::Failed,
                        error: Some(crate::messages::Text::of(e.code(), &e.params())),
                    });
                }
            }
        });
    }

    /// Starts (or shows) the customer's run; returns at once, progress comes as events.
    pub fn start(
        self: &Arc<Self>,
        slug: String,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<StartOutcome> {
        self.begin(slug, host, |e, slug| e.start(slug))
    }

    /// Records a run with `record` (or finds the active one) and drives what it claimed.
    fn begin(
        self: &Arc<Self>,
        slug: String,
        host: Arc<dyn RunHost>,
        record: impl FnOnce(&Engine, &str) -> crate::Result<StartOutcome>,
    ) -> ApiResult<StartOutcome> {
        let readiness = self.readiness()?;
        if let Some(reason) = readiness.reason {
            return Err(Error::NotReady(reason).into());
        }
        let engine = self.engine()?;
        let outcome = record(&engine, &slug)?;
        if let Some(driver) = outcome.driver.clone() {
            self.spawn(
                driver.clone(),
                host,
                slug,
                move |engine, sink, cancel| async move {
                    engine.drive(driver, sink, cancel, false).await
                },
            );
        }
        Ok(outcome)
    }

    pub fn cancel(&self, run_id: i64, rollback: bool) -> ApiResult<bool> {
        let asked = self.store.set_cancel_action(run_id, rollback)?;
        if let Some(token) = self
            .active
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&run_id)
        {
            token.cancel();
        }
        Ok(asked)
    }

    /// "Försök igen" and the resume banner: continue a failed, cancelled or interrupted run.
    /// The run is claimed here, before the task starts: a second click (or the CLI on the
    /// same run) is refused with `run_busy` at once and never becomes a second driver.
    pub fn resume(self: &Arc<Self>, run_id: i64, host: Arc<dyn RunHost>) -> ApiResult<()> {
        let run = self.store.get_run(run_id)?;
        let claimed = self.engine()?.claim_resume(run_id)?;
        self.spawn(
            claimed.driver().clone(),
            host,
            run.slug,
            move |engine, sink, cancel| async move {
                engine.resume_claimed(claimed, sink, cancel).await
            },
        );
        Ok(())
    }

    /// "Återställ": remove what the run created. Claimed before the task starts, as `resume`.
    pub fn rollback(self: &Arc<Self>, run_id: i64, host: Arc<dyn RunHost>) -> ApiResult<()> {
        let run = self.store.get_run(run_id)?;
        let driver = self.engine()?.claim_rollback(run_id)?;
        self.spawn(
            driver.clone(),
            host,
            run.slug,
            move |engine, sink, _| async move { engine.rollback_claimed(driver, sink).await },
        );
        Ok(())
    }

    /// "Avveckla": only when the typed confirmation is the customer's slug. The teardown run
    /// is recorded before this returns, so the window knows its id from the start.
    pub fn teardown(
        self: &Arc<Self>,
        slug: String,
        confirmation: String,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<i64> {
        if confirmation.trim() != slug {
            return Err(Error::NotConfirmed.into());
        }
        let driver = self.engine()?.begin_teardown(&slug)?;
        let run_id = driver.run_id;
        self.spawn(
            driver.clone(),
            host,
            slug,
            move |engine, sink, _| async move { engine.drive_teardown(driver, sink).await },
        );
        Ok(run_id)
    }

    /// What "Avveckla" would delete and what it leaves alone, read back now.
    pub async fn teardown_preview(&self, slug: String) -> ApiResult<Vec<TeardownTarget>> {
        Ok(self.engine()?.teardown_preview(&slug).await?)
    }

    /// Resources Fabrik refused to touch for the customer, and the ones adopted on purpose.
    pub fn adoptions(&self, slug: String) -> ApiResult<Vec<Adoption>> {
        Ok(self.engine()?.adoptions(&slug)?)
    }

    /// "Ta över…": the owner typed the resource's name to adopt it; the next run marks it.
    pub fn adopt(&self, slug: String, name: String, confirmation: String) -> ApiResult<Adoption> {
        Ok(self
            .engine()?
            .allow_adoption(&slug, &name, &confirmation, AllowedBy::Window)?)
    }

    pub fn list_runs(&self, slug: Option<String>) -> ApiResult<Vec<RunRow>> {
        let id = match slug {
            Some(s) => Some(self.store.get_customer(&s)?.id),
            None => None,
        };
        Ok(self.store.list_runs(id, 500)?)
    }

    pub fn run_detail(&self, run_id: i64) -> ApiResult<RunDetail> {
        Ok(RunDetail {
            run: self.store.get_run(run_id)?,
            steps: self.store.run_steps(run_id)?,
            log: self.store.run_log(run_id, 0)?,
        })
    }

    /// Runs left active by a process that is gone (quit, crash): the resume banner.
    pub fn interrupted_runs(&self) -> ApiResult<Vec<RunRow>> {
        Ok(self
            .store
            .interrupted_runs(crate::provision::STALE_AFTER, self.cloud.environment)?)
    }
}
