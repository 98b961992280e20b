//! The engine: drives runs of every kind the declaration (`kinds`) names. Its parts:
//! - `claims`: a request becomes a recorded run; claims and the heartbeat (the lease);
//! - `drive`: the steps forward, side by side, under the retry policy;
//! - `compensate`: rollback and teardown, newest first, each resource proven ours first;
//! - `retry`: the one retry loop both use;
//! - `reader`: what reads an instance apart from driving runs (`Reader`: the plan, a health
//!   check, domains, deployments, what a teardown would do, adoptions; `recovery`: what
//!   Supabase's own backups can bring back, and a recovery refused before it is recorded);
//! - `owner`: an adoption allowed, the alert email.

mod claims;
mod compensate;
mod drive;
mod owner;
mod reader;
mod recovery;
mod retry;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::context::RunCtx;
use super::kinds::{self, Drive, RunRequest};
use super::policy::Timing;
use super::settings::ProvisionSettings;
use super::steps;
use crate::customer::rows::CustomerRows;
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::ledger::events::EventSink;
use crate::ledger::journal::Journal;
use crate::ledger::Driver;
use crate::ledger::{RunState, StepKey};
use crate::providers::Clients;
use crate::provision::handovers::HandoverRows;
use crate::secrets::SecretStore;
use crate::store::Store;

pub use claims::cancel_run;
pub use owner::ALERT_ADDRESS;
pub use reader::{
    DeploymentView, Deployments, Reader, TargetVerdict, TeardownTarget, DEPLOYMENTS_LISTED,
};

/// What happens when a step fails for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailurePolicy {
    /// Compensate at once (the CLI's default): nothing is left behind.
    Rollback,
    /// Stop and keep everything, so the user can retry from the failed step or roll back.
    Pause,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StartOutcome {
    #[ts(type = "number")]
    pub run_id: i64,
    /// The customer already had an active run; this is that run.
    pub already_running: bool,
    /// The seat (user@host) driving the run that was already active, when known: a second
    /// seat's "Provisionera" names who is at it.
    pub driven_by: Option<String>,
    /// This caller's hold on the run, when it got one (never leaves the process).
    #[serde(skip)]
    #[ts(skip)]
    pub driver: Option<Driver>,
}

impl StartOutcome {
    fn driven(driver: Driver) -> StartOutcome {
        StartOutcome {
            run_id: driver.run_id,
            already_running: false,
            driven_by: None,
            driver: Some(driver),
        }
    }

    fn busy(store: &Store, run_id: i64) -> Result<StartOutcome> {
        Ok(StartOutcome {
            run_id,
            already_running: true,
            driven_by: store.get_run(run_id)?.seat,
            driver: None,
        })
    }
}

/// Drives runs: one engine per environment, built by `CloudApi::engine` (or a test). Its parts
/// are private; front ends use its methods, and start runs through the supervisor. Cloning is
/// cheap (shared parts).
#[derive(Clone)]
pub struct Engine {
    store: Arc<Store>,
    clients: Arc<Clients>,
    settings: Arc<ProvisionSettings>,
    secrets: SecretStore,
    timing: Timing,
    environment: Environment,
    on_failure: FailurePolicy,
}

/// A run one caller holds: it alone may drive it.
#[derive(Debug, Clone)]
pub struct Claimed {
    driver: Driver,
    /// An interrupted rollback is continued as a rollback.
    rolling_back: bool,
}

impl Claimed {
    pub fn driver(&self) -> &Driver {
        &self.driver
    }
}

fn now_ms(started: Instant) -> u64 {
    started.elapsed().as_millis() as u64
}

impl Engine {
    /// An engine with the default timing that rolls back on a permanent failure.
    pub fn new(
        store: Arc<Store>,
        clients: Clients,
        settings: ProvisionSettings,
        secrets: SecretStore,
        environment: Environment,
    ) -> Engine {
        Engine {
            store,
            clients: Arc::new(clients),
            settings: Arc::new(settings),
            secrets,
            timing: Timing::default(),
            environment,
            on_failure: FailurePolicy::Rollback,
        }
    }

    pub fn with_timing(mut self, timing: Timing) -> Engine {
        self.timing = timing;
        self
    }

    pub fn with_failure_policy(mut self, on_failure: FailurePolicy) -> Engine {
        self.on_failure = on_failure;
        self
    }

    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The settings its runs read (the template repository, the schema).
    pub fn settings(&self) -> &ProvisionSettings {
        &self.settings
    }

    /// The provider clients this engine calls (read-only checks, e.g. a test's own query).
    pub fn clients(&self) -> &Clients {
        &self.clients
    }

    /// The timing its runs keep: what works beside runs (the team's invitations) starts its
    /// own retry from the same policy.
    pub fn timing(&self) -> &Timing {
        &self.timing
    }

    /// Whether the customer is as a run of `kind` needs them, for what works beside runs on
    /// the same instance (the team: as the instance's mail needs it). Blocking (SQLite).
    pub fn ready_for(
        &self,
        kind: crate::ledger::RunKind,
        customer: &crate::customer::Customer,
    ) -> Result<()> {
        self.requires(kinds::def(kind), customer)
    }

    /// Records the run a request asks for, or continues the one of its kind that stopped, or
    /// names the customer's active run: the one way a run comes to exist. The kind's
    /// declaration (`kinds::def`) says what the customer must be and how a stopped run is
    /// continued; bad input (a domain, a confirmation) is refused before anything is written.
    /// Blocking (SQLite): call it from the blocking pool or a plain thread.
    pub fn record(&self, slug: &str, request: &RunRequest) -> Result<StartOutcome> {
        let def = kinds::def(request.kind());
        // Through the guarded gate before anything is read or written: the right, then what
        // was typed (`checked` holds the typing again for every other caller).
        if let Some((expected, typed)) = request.consent(slug) {
            crate::provision::gate::pass(&self.store, request.kind().right(), expected, typed)?;
        }
        let request = request.checked(slug)?;
        let customer = self.store.get_customer_in(slug, self.environment)?;
        // Handed over: the customer's now. No run of any kind touches it again (a teardown
        // would reach for what is theirs), whoever asks.
        if self.store.handed_over(customer.id, self.environment)? {
            return Err(Error::NotNow {
                slug: customer.slug.clone(),
                reason: crate::messages::Say::HandedOver.text(),
            });
        }
        self.requires(def, &customer)?;
        match def.drive {
            Drive::Compensate => {
                claims::record_teardown(&self.store, self.environment, &customer, &request)
            }
            Drive::Mend => self.start_repair(&customer, def, &request),
            Drive::Forward => {
                let keys: Vec<StepKey> = def.steps.to_vec();
                self.continue_or_create_with(&customer, def, &keys, &request)
            }
        }
    }

    /// Records and drives a run in one call, this caller the driver (tests and benchmarks; the
    /// window and the CLI go through the supervisor, which also notifies and checks).
    pub async fn run(
        &self,
        slug: &str,
        request: &RunRequest,
        sink: Arc<dyn EventSink>,
    ) -> Result<RunState> {
        self.refuse_early(slug, request).await?;
        let (slug, me) = (slug.to_string(), request.clone());
        let start = self.blocking_record(slug, me).await?;
        match start.driver {
            Some(driver) => {
                self.drive(driver, sink, CancellationToken::new(), false)
                    .await
            }
            None => Err(Error::RunBusy {
                run: start.run_id,
                seat: start.driven_by,
            }),
        }
    }

    async fn blocking_record(&self, slug: String, request: RunRequest) -> Result<StartOutcome> {
        let engine = self.clone();
        crate::blocking::run(move || engine.record(&slug, &request)).await
    }

    /// The customer is in the state the kind needs: a delivered instance for day two, with
    /// the status the action needs (pause an active one, resume a paused one).
    fn requires(&self, def: &kinds::KindDef, customer: &crate::customer::Customer) -> Result<()> {
        let kinds::Requires::Delivered(status) = def.requires else {
            return Ok(());
        };
        self.delivered(customer)?;
        if customer.status != status {
            return Err(Error::NotNow {
                slug: customer.slug.clone(),
                reason: def.refusal(customer.status),
            });
        }
        Ok(())
    }

    /// The customer has an instance this environment delivered, whatever its status.
    fn delivered(&self, customer: &crate::customer::Customer) -> Result<()> {
        // The ledger decides, not the card: an imported or hand-typed card was never delivered.
        let delivered = self.store.delivered_by(customer.id, self.environment)?;
        if delivered.is_none() || customer.instance.is_empty() {
            return Err(Error::NotProvisioned(customer.slug.clone()));
        }
        Ok(())
    }

    /// Ledger work on the blocking pool (SQLite never runs on an async worker); public for
    /// what keeps its own rows in the same register beside runs (the team's invitations).
    pub async fn db<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        crate::blocking::run(move || f(&store)).await
    }

    async fn context(
        &self,
        driver: &Driver,
        sink: Arc<dyn EventSink>,
        cancel: CancellationToken,
    ) -> Result<Arc<RunCtx>> {
        let run_id = driver.run_id;
        let (run, customer, outputs) = self
            .db(move |s| {
                let run = s.get_run(run_id)?;
                let customer = s.get_customer_in(&run.slug, run.environment)?;
                let mut outputs: HashMap<StepKey, Value> = s
                    .run_steps(run_id)?
                    .into_iter()
                    .filter_map(|s| s.output.map(|o| (s.key, o)))
                    .collect();
                // A later run works on what provisioning made: the repository, the projects,
                // the admin (its own steps' outputs come first).
                if kinds::def(run.kind).reads_delivery {
                    for def in steps::delivery() {
                        if outputs.contains_key(&def.key) {
                            continue;
                        }
                        if let Some(o) =
                            s.last_step_output(customer.id, def.key, run.environment)?
                        {
                            outputs.insert(def.key, o);
                        }
                    }
                }
                Ok((run, customer, outputs))
            })
            .await?;
        let mut ctx = self.run_ctx(driver.clone(), customer, sink, cancel, outputs);
        ctx.kind = run.kind;
        ctx.request = RunRequest::from_stored(run.kind, run.input.as_ref());
        ctx.mark = crate::provision::creation::run_mark(&ctx.customer.uid, run.id, &run.started_at);
        Ok(Arc::new(ctx))
    }

    /// What a step (or an `owns` read-back) can reach, for one run of one customer.
    fn run_ctx(
        &self,
        driver: Driver,
        customer: crate::customer::Customer,
        events: Arc<dyn EventSink>,
        cancel: CancellationToken,
        outputs: HashMap<StepKey, Value>,
    ) -> RunCtx {
        RunCtx {
            run_id: driver.run_id,
            kind: crate::ledger::RunKind::Provision,
            journal: Journal::new(self.store.clone(), events, driver.clone()),
            driver,
            customer,
            store: self.store.clone(),
            clients: self.clients.clone(),
            settings: self.settings.clone(),
            secrets: self.secrets.clone(),
            timing: self.timing.clone(),
            cancel,
            outputs: Mutex::new(outputs),
            environment: self.environment,
            keys: Default::default(),
            request: None,
            mark: String::new(),
        }
    }
}
