//! The supervisor: the one way a run starts, continues or is rolled back, from the window and
//! the CLI alike. It owns what surrounds a run: the readiness gate and the preflight before it,
//! spawning its driver, "Avbryt", and what follows its end (the instance checked, then the
//! window told, a notification, the alert email when it failed). Beside it what every service
//! stands on: the seat's cloud (`cloud.rs`: environment, endpoints, tokens, settings) and the
//! host runs report to (`host.rs`).

pub mod cloud;
pub mod host;
pub mod sweep;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use self::cloud::{CloudApi, Environment};
use self::host::RunHost;
use crate::credentials::CredentialState;
use crate::customer::rows::CustomerRows;
use crate::error::ApiResult;
use crate::error::Error;
use crate::ledger::{RunKind, RunState};
use crate::messages::params;
use crate::messages::{param_text, Say, Text};
use crate::provision::kinds::{self, Checks, Drive, RunRequest};
use crate::provision::{
    Engine, EventSink, FailurePolicy, ProvisionSettings, Reader, RunEvent, StartOutcome, Timing,
};
use crate::secrets::Provider;
use crate::store::runs::Driver;
use crate::store::Store;

/// A run the supervisor drives, and its end (awaited by the CLI; the window hears events).
pub struct Launched {
    pub outcome: StartOutcome,
    /// `None` when another driver has the run (`outcome.already_running`).
    pub finished: Option<JoinHandle<crate::Result<RunState>>>,
}

impl Launched {
    /// Waits for the run this caller drives; `None` when another driver has it.
    pub async fn wait(self) -> Option<crate::Result<RunState>> {
        let handle = self.finished?;
        Some(handle.await.unwrap_or_else(|e| {
            Err(Error::Internal(format!(
                "the run's task ended abnormally: {e}"
            )))
        }))
    }
}

/// Whether a run may start now, and if not, why.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct Readiness {
    pub ready: bool,
    /// Providers whose token is missing (production only; the sandbox has its own).
    pub missing: Vec<Provider>,
    /// Settings that must be set first, or a keyring problem.
    pub reason: Option<Text>,
}

pub struct Supervisor {
    store: Arc<Store>,
    cloud: Arc<CloudApi>,
    timing: Timing,
    /// The window keeps what failed so the user can retry or roll back; the CLI rolls back
    /// unless asked to keep it.
    on_failure: FailurePolicy,
    /// Runs this process drives, so "Avbryt" reaches them at once (other processes see the
    /// database flag within a heartbeat).
    active: Mutex<HashMap<i64, CancellationToken>>,
}

/// The events of one run, forwarded to the host; the run's last event is held back until the
/// supervisor has done what follows the run, so the window reads a check that is current.
struct HostSink {
    host: Arc<dyn RunHost>,
    finished: Mutex<Option<RunEvent>>,
}

impl EventSink for HostSink {
    fn emit(&self, event: &RunEvent) {
        if matches!(event, RunEvent::RunFinished { .. }) {
            *self.finished.lock().unwrap_or_else(|p| p.into_inner()) = Some(event.clone());
        } else {
            self.host.emit(event);
        }
    }
}

impl HostSink {
    fn release(&self) -> bool {
        let held = self
            .finished
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        match held {
            Some(e) => {
                self.host.emit(&e);
                true
            }
            None => false,
        }
    }
}

impl Supervisor {
    pub fn new(
        store: Arc<Store>,
        cloud: Arc<CloudApi>,
        timing: Timing,
        on_failure: FailurePolicy,
    ) -> Arc<Supervisor> {
        Arc::new(Supervisor {
            store,
            cloud,
            timing,
            on_failure,
            active: Mutex::new(HashMap::new()),
        })
    }

    /// This environment's engine, with the supervisor's timing and failure policy.
    pub fn engine(&self) -> crate::Result<Engine> {
        self.cloud.engine(self.timing.clone(), self.on_failure)
    }

    /// What reads this environment's instances (plan, health, domains, deployments, teardown
    /// preview, recovery) without driving a run.
    pub fn reader(&self) -> crate::Result<Reader> {
        self.engine().map(|e| e.reader())
    }

    pub fn environment(&self) -> Environment {
        self.cloud.environment
    }

    /// The seat's cloud the supervisor's runs use (its credentials and settings, to read).
    pub fn cloud(&self) -> &Arc<CloudApi> {
        &self.cloud
    }

    /// How long a driver's heartbeat counts (a roll-out's lease follows its runs').
    pub fn lease(&self) -> std::time::Duration {
        self.timing.lease
    }

    /// Whether a run may start, and if not, why: the tokens (production only; the sandbox has
    /// its own) and the settings.
    pub fn readiness(&self) -> ApiResult<Readiness> {
        let missing = if self.cloud.environment == Environment::Sandbox {
            Vec::new()
        } else {
            match self.cloud.credentials_status() {
                // Only the tokens a run needs: Gitea's is optional (the backup repository).
                Ok(all) => all
                    .into_iter()
                    .filter(|s| s.state == CredentialState::Missing)
                    .filter(|s| crate::secrets::Provider::REQUIRED.contains(&s.provider))
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
        let settings = self.cloud.check_endpoints().and_then(|_| {
            ProvisionSettings::load_with(&self.store, &self.cloud.seat, &self.cloud.overrides)
        });
        let reason = match settings {
            Err(e) => Some(Text::of(e.code(), &e.params())),
            Ok(_) if !missing.is_empty() => {
                let names: Vec<&str> = missing.iter().map(|p| p.display_name()).collect();
                Some(Say::TokensMissing.with(params! { "names" => names.join(", ") }))
            }
            Ok(_) => None,
        };
        Ok(Readiness {
            ready: reason.is_none(),
            missing,
            reason,
        })
    }

    /// `not_ready` with the reason, when a run may not start yet.
    fn gate(&self) -> ApiResult<()> {
        match self.readiness()?.reason {
            Some(reason) => Err(Error::NotReady(reason).into()),
            None => Ok(()),
        }
    }

    /// Starts any run: the preflight (a blocking finding refuses before anything is created),
    /// the readiness gate, then the run recorded (or continued, or the active one named) and
    /// driven in the background. Returns at once; progress comes as events.
    pub async fn start_run(
        self: &Arc<Self>,
        slug: String,
        request: RunRequest,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        // What the kind checks first (`KindDef::checks`). The preflight comes before the gate:
        // it names every problem at once, the gate only the first.
        let checks = kinds::def(request.kind()).checks;
        if checks != Checks::Nothing {
            self.cloud.require_preflight().await?;
            let me = self.clone();
            crate::blocking::run(move || me.gate()).await?;
        }
        // What the provider would refuse is refused before a run exists (the engine is made
        // on the blocking pool: it reads the register).
        if checks == Checks::PreflightAndProvider {
            let me = self.clone();
            let engine = crate::blocking::run(move || me.engine()).await?;
            engine.refuse_early(&slug, &request).await?;
        }
        let me = self.clone();
        crate::blocking::run(move || me.begin(slug, request, host)).await
    }

    fn begin(
        self: &Arc<Self>,
        slug: String,
        request: RunRequest,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        let engine = self.engine()?;
        let outcome = engine.record(&slug, &request)?;
        let kind = request.kind();
        if outcome.already_running && kinds::def(kind).drive == Drive::Compensate {
            if let Some(launched) = self.continue_teardown(&engine, &outcome, kind, &slug, &host)? {
                return Ok(launched);
            }
        }
        let finished = outcome.driver.clone().map(|driver| {
            self.launch(
                driver.clone(),
                host,
                slug,
                request.kind(),
                move |e, sink, cancel| async move { e.drive(driver, sink, cancel, false).await },
            )
        });
        Ok(Launched { outcome, finished })
    }

    /// "Avveckla" again while a teardown (`Drive::Compensate`) stands interrupted (its driver
    /// killed, its lease lapsed): that teardown is the one asked for, so it is continued, as a
    /// provisioning run is, rather than named as active while nothing deletes. `None` when the
    /// active run is another kind or still driven.
    fn continue_teardown(
        self: &Arc<Self>,
        engine: &Engine,
        outcome: &StartOutcome,
        kind: RunKind,
        slug: &str,
        host: &Arc<dyn RunHost>,
    ) -> ApiResult<Option<Launched>> {
        if self.store.get_run(outcome.run_id)?.kind != kind {
            return Ok(None);
        }
        let claimed = match engine.claim_resume(outcome.run_id) {
            Ok(claimed) => claimed,
            Err(Error::RunBusy { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let finished = self.launch(
            claimed.driver().clone(),
            host.clone(),
            slug.to_string(),
            kind,
            move |e, sink, cancel| async move { e.resume_claimed(claimed, sink, cancel).await },
        );
        Ok(Some(Launched {
            outcome: StartOutcome {
                already_running: false,
                driven_by: None,
                ..outcome.clone()
            },
            finished: Some(finished),
        }))
    }

    /// "Försök igen" and the resume banner: continue a failed, cancelled or interrupted run.
    /// The run is claimed here, before the task starts: a second click (or the CLI on the
    /// same run) is refused with `run_busy` at once and never becomes a second driver.
    pub async fn resume(
        self: &Arc<Self>,
        run_id: i64,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<JoinHandle<crate::Result<RunState>>> {
        let me = self.clone();
        let kind = crate::blocking::run(move || me.store.get_run(run_id).map(|r| r.kind)).await?;
        // A run that only deletes needs nothing more, resumed or not (see `start_run`).
        if kinds::def(kind).checks != Checks::Nothing {
            self.cloud.require_preflight().await?;
        }
        let me = self.clone();
        crate::blocking::run(move || {
            let run = me.store.get_run(run_id)?;
            let claimed = me.engine()?.claim_resume(run_id)?;
            Ok(me.launch(
                claimed.driver().clone(),
                host,
                run.slug,
                run.kind,
                move |e, sink, cancel| async move { e.resume_claimed(claimed, sink, cancel).await },
            ))
        })
        .await
    }

    /// "Återställ": remove what the run created. Claimed before the task starts, as `resume`.
    pub async fn rollback(
        self: &Arc<Self>,
        run_id: i64,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<JoinHandle<crate::Result<RunState>>> {
        let me = self.clone();
        crate::blocking::run(move || {
            let run = me.store.get_run(run_id)?;
            let driver = me.engine()?.claim_rollback(run_id)?;
            Ok(me.launch(
                driver.clone(),
                host,
                run.slug,
                run.kind,
                move |e, sink, _| async move { e.rollback_claimed(driver, sink).await },
            ))
        })
        .await
    }

    /// "Avbryt": the run stops at its next safe point, here at once, elsewhere within a beat.
    pub fn cancel(&self, run_id: i64, rollback: bool) -> ApiResult<bool> {
        let asked = crate::provision::cancel_run(&self.store, run_id, rollback)?;
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

    /// The runs this process drives now (an update of the app waits for them).
    pub fn active_here(&self) -> Vec<i64> {
        let mut runs: Vec<i64> = self
            .active
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .keys()
            .copied()
            .collect();
        runs.sort_unstable();
        runs
    }

    /// Stops every run this process drives at its next safe point (the CLI's Ctrl-C): each
    /// stays resumable.
    pub fn cancel_all_here(&self) {
        for token in self
            .active
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
        {
            token.cancel();
        }
    }

    /// Drives `work` in the background with this environment's engine, then does what follows
    /// the run. The run already exists, so it has a real id.
    fn launch<F, Fut>(
        self: &Arc<Self>,
        driver: Driver,
        host: Arc<dyn RunHost>,
        slug: String,
        kind: RunKind,
        work: F,
    ) -> JoinHandle<crate::Result<RunState>>
    where
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
            let sink = Arc::new(HostSink {
                host: host.clone(),
                finished: Mutex::new(None),
            });
            let (engine, outcome) = match this.engine() {
                Ok(engine) => {
                    let outcome = work(engine.clone(), sink.clone(), cancel).await;
                    (Some(engine), outcome)
                }
                Err(e) => (None, Err(e)),
            };
            this.active
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&run_id);
            let then = match (&outcome, &engine, kinds::def(kind).then) {
                (Ok(RunState::Succeeded), Some(engine), Some(then)) => then(engine.clients()),
                _ => None,
            };
            this.follow_up(engine, &driver, &host, &sink, &slug, kind, &outcome)
                .await;
            // The run that follows is waited for: whoever waits for this one (the CLI) sees
            // both end.
            if let Some(request) = then {
                // Its progress shows in the window; the desktop heard of the run it follows.
                let quiet: Arc<dyn RunHost> = Arc::new(Quiet(host.clone()));
                let next = this.start_run(slug.clone(), request, quiet).await;
                if let Ok(launched) = next {
                    let _ = launched.wait().await;
                }
            }
            outcome
        })
    }

    /// What follows a run's end, in this order: the instance checked (a day-two run changed
    /// it), the window told the run ended, a notification, the alert email for a failure.
    #[allow(clippy::too_many_arguments)]
    async fn follow_up(
        &self,
        engine: Option<Engine>,
        driver: &Driver,
        host: &Arc<dyn RunHost>,
        sink: &HostSink,
        slug: &str,
        kind: RunKind,
        outcome: &crate::Result<RunState>,
    ) {
        let def = kinds::def(kind);
        let run_id = driver.run_id;
        // The owner's word for the customer (its name), not the slug; the slug if it is gone.
        let name = {
            let (store, key) = (self.store.clone(), slug.to_string());
            crate::blocking::run(move || Ok(store.get_customer(&key)?.name))
                .await
                .unwrap_or_else(|_: crate::Error| slug.to_string())
        };
        let mut what = params! { "slug" => slug, "name" => name, "run" => run_id };
        param_text(&mut what, "what", &def.label_text());
        match (outcome, &engine) {
            (Ok(RunState::Succeeded), Some(engine)) if def.checks_after => {
                if let Err(e) = engine.reader().check_health(slug).await {
                    tracing::warn!(run = run_id, "the check after the run failed: {e}");
                }
            }
            _ => {}
        }
        match outcome {
            Ok(state) => {
                sink.release();
                if *state == RunState::Succeeded {
                    let title = def.done.with(what.clone());
                    host.notify_said(&title, &Say::DoneBody.with(what));
                    return;
                }
                let mut stopped = what.clone();
                stopped.insert("state".into(), state.as_str().into());
                let failed = matches!(
                    state,
                    RunState::Failed | RunState::RolledBack | RunState::RollbackFailed
                );
                // A failed run is on the overview, and notified from there (once, in the
                // reader's language, opening the run); a cancelled one is said here.
                if *state == RunState::Cancelled {
                    host.notify_said(
                        &Say::RunStopped.text(),
                        &Say::RunStoppedBody.with(stopped.clone()),
                    );
                }
                // The agency hears of a failed run by email too, when it asked to (not of one
                // the owner cancelled).
                if let (true, Some(engine)) = (failed, &engine) {
                    let text = Say::RunStoppedAlert.with(stopped).sv;
                    if let Err(e) = engine.send_alert(&Say::RunStopped.text().sv, &text).await {
                        tracing::warn!(run = run_id, "the alert email could not be sent: {e}");
                    }
                }
            }
            Err(e) => {
                tracing::error!(run = run_id, "run could not be driven: {e}");
                // The engine writes a final state on its own errors; this covers an engine
                // that could not even be built (e.g. the keyring locked in between).
                let (store, text, d) = (
                    self.store.clone(),
                    Text::of(e.code(), &e.params()),
                    driver.clone(),
                );
                let _ = crate::blocking::run(move || {
                    if store.get_run(run_id)?.state.is_active() {
                        store.set_run_state(&d, RunState::Failed, Some(&text), None)?;
                    }
                    Ok::<_, Error>(())
                })
                .await;
                if !sink.release() {
                    host.emit(&RunEvent::RunFinished {
                        run_id,
                        state: RunState::Failed,
                        error: Some(Text::of(e.code(), &e.params())),
                    });
                }
            }
        }
    }
}

/// A host that passes events on and sends no desktop notification (a run that follows another).
struct Quiet(Arc<dyn RunHost>);

impl RunHost for Quiet {
    fn emit(&self, event: &RunEvent) {
        self.0.emit(event);
    }

    fn notify(&self, _title: &str, _body: &str) {}
}
