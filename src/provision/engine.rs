//! The engine: runs the DAG of steps concurrently, retries under the one policy, records every
//! step in the ledger, stops at safe points when cancelled, compensates in reverse order of
//! creation, resumes interrupted runs, and tears customers down with the same compensations.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::context::{Done, RunCtx, StepError};
use super::events::{EventSink, RunEvent, StepOutcome};
use super::plan::{PlanLedger, ProvisionPlan};
use super::policy::{RetryPolicy, Timing};
use super::settings::ProvisionSettings;
use super::steps::{self, Owned};
use crate::customer::{Instance, Status};
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::ledger::StepKey;
use crate::ledger::{AllowedBy, LogLevel, RunKind, RunState, StepState};
use crate::messages::Text;
use crate::providers::Clients;
use crate::secrets::SecretStore;
use crate::store::adoptions::Adoption;
use crate::store::runs::{Driver, NewRun, StepRow, StepUpdate};
use crate::store::Store;
use crate::vocabulary::vocabulary;

/// How often a driving process says it is alive, and when silence means it is gone.
pub const HEARTBEAT: Duration = Duration::from_secs(2);
pub const STALE_AFTER: Duration = Duration::from_secs(10);
/// The setting that holds the agency's address for alerts (empty: OS notifications only).
pub const ALERT_ADDRESS: &str = "alerts.email";

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

vocabulary!(
    /// What "Avveckla" does with one target: deletes it (it carries the customer's marker),
    /// leaves it alone (not created by Fabrik), finds it gone, or cannot tell (not readable).
    pub enum TargetVerdict {
        Delete => "delete",
        Keep => "keep",
        Gone => "gone",
        Unknown => "unknown",
    }
);

/// One target of a teardown as read back now.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TeardownTarget {
    pub step: StepKey,
    /// The ref, `owner/repo` or id the ledger or the instance card names.
    pub id: String,
    pub verdict: TargetVerdict,
    /// Why it is kept, or why it could not be read.
    pub reason: Option<Text>,
}

/// Drives runs: one engine per environment, built by `CloudApi::engine` (or a test). Its parts
/// are private; front ends use its methods.
pub struct Engine {
    store: Arc<Store>,
    clients: Arc<Clients>,
    settings: Arc<ProvisionSettings>,
    secrets: SecretStore,
    timing: Timing,
    environment: Environment,
    on_failure: FailurePolicy,
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

    /// The provider clients this engine calls (read-only checks, e.g. a test's own query).
    pub fn clients(&self) -> &Clients {
        &self.clients
    }

    /// Ledger work on the blocking pool (SQLite never runs on an async worker).
    async fn db<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        crate::blocking::run(move || f(&store)).await
    }

    /// The dry run for a customer: what a run would create, adopt or refuse (read-only calls).
    pub async fn plan(&self, slug: &str) -> Result<ProvisionPlan> {
        let (slug, environment) = (slug.to_string(), self.environment);
        let (customer, ledger) = self
            .db(move |s| {
                let customer = s.get_customer_in(&slug, environment)?;
                let ledger = PlanLedger::read(s, &customer, environment)?;
                Ok((customer, ledger))
            })
            .await?;
        let plan = super::plan::plan(&customer, &self.settings, &self.clients, &ledger)
            .await
            .map_err(|e| Error::Provider(e.to_string()))?;
        // Every refusal is recorded, so the owner can adopt it from the window.
        let (customer_id, refused) = (customer.id, super::plan::refusals(&plan));
        self.db(move |s| {
            for (step, name) in &refused {
                s.record_refusal(customer_id, environment, *step, name, None)?;
            }
            Ok(())
        })
        .await?;
        Ok(plan)
    }

    /// Starts a provisioning run for the customer, or returns the one already active. A
    /// failed or cancelled run that was not rolled back is continued rather than doubled.
    /// Blocking (SQLite): call it from the blocking pool or a plain thread.
    pub fn start(&self, slug: &str) -> Result<StartOutcome> {
        let customer = self.store.get_customer(slug)?;
        self.continue_or_create(customer.id, RunKind::Provision)
    }

    /// The customer's last run of `kind`, continued when it stopped without being rolled
    /// back (or its driver died: its heartbeat lapsed), else a new one.
    fn continue_or_create(&self, customer_id: i64, kind: RunKind) -> Result<StartOutcome> {
        let keys: Vec<StepKey> = steps::for_kind(kind).iter().map(|d| d.key).collect();
        self.continue_or_create_with(customer_id, kind, &keys, None)
    }

    /// `continue_or_create` for a run with its own steps and input. A stopped run is continued
    /// only when it was asked the same (a domain run for another domain starts anew).
    fn continue_or_create_with(
        &self,
        customer_id: i64,
        kind: RunKind,
        keys: &[StepKey],
        input: Option<Value>,
    ) -> Result<StartOutcome> {
        if let Some(r) = self.store.latest_run(customer_id, self.environment)? {
            // A run whose driver died (kill -9, power loss) is continued once its heartbeat
            // has lapsed, instead of being refused as "already active" for ever.
            if r.kind == kind && r.state.is_active() {
                if let Some(driver) = self.store.claim_stale(r.id, STALE_AFTER)? {
                    self.store.reset_unfinished_steps(r.id, false)?;
                    return Ok(StartOutcome::driven(driver));
                }
            }
            if r.kind == kind && r.state.is_resumable() && r.input == input {
                return Ok(
                    match self.store.claim_run(r.id, RunState::Running, STALE_AFTER)? {
                        Some(driver) => {
                            self.store.reset_unfinished_steps(r.id, true)?;
                            StartOutcome::driven(driver)
                        }
                        None => StartOutcome::busy(&self.store, r.id)?,
                    },
                );
            }
        }
        match self.store.create_run_with(
            customer_id,
            kind,
            self.environment,
            keys,
            input.as_ref(),
        )? {
            NewRun::Created(driver) => Ok(StartOutcome::driven(driver)),
            NewRun::AlreadyActive(id) => StartOutcome::busy(&self.store, id),
        }
    }

    /// Emails the agency's alert address (setting `alerts.email`) through Resend, from the
    /// welcome email's sender. Nothing is sent when the address is not set.
    pub async fn send_alert(&self, subject: &str, text: &str) -> Result<bool> {
        let to = self
            .db(|s| s.get_setting(ALERT_ADDRESS))
            .await?
            .filter(|a| !a.trim().is_empty());
        let Some(to) = to else {
            return Ok(false);
        };
        let html = crate::provision::email::alert_html(text);
        let email = crate::providers::resend::Email {
            from: &self.settings.sender,
            to: to.trim(),
            subject,
            html: &html,
            text,
        };
        let key = format!("fabrik-alert-{}", uuid::Uuid::new_v4());
        self.clients
            .resend
            .send(&email, &key)
            .await
            .map_err(|e| Error::Provider(e.to_string()))?;
        Ok(true)
    }

    /// Day two: reads every part of the customer's instance in this environment, compares it
    /// with what was delivered, and keeps the result as the instance's last check. Only reads.
    pub async fn check_health(&self, slug: &str) -> Result<crate::health::Health> {
        let slug = slug.to_string();
        let env = self.environment;
        let customer = self.db(move |s| s.get_customer_in(&slug, env)).await?;
        if customer.instance.is_empty() {
            return Err(Error::NotProvisioned(customer.slug));
        }
        let (site, mut findings) =
            crate::health::check(&self.clients, &self.settings.env, &customer.instance).await;
        // A paused instance's workflow is off on purpose (the pause turned it off).
        if customer.status == Status::Inactive {
            findings.retain(|f| {
                !(f.part == crate::health::HealthPart::Workflow
                    && f.kind == crate::health::FindingKind::Changed)
            });
        }
        let health = crate::health::Health::new(&customer.slug, env, site, findings);
        let saved = health.clone();
        self.db(move |s| s.save_health(customer.id, &saved)).await?;
        Ok(health)
    }

    /// Starts "Uppdatera moduler" for a delivered customer: the saved plan and modules into
    /// `client-config.json` and the modules variable, then a new production deployment. An
    /// update that stopped without being rolled back is continued (it finishes what it
    /// recorded; a later change is a later update). Blocking (SQLite).
    pub fn start_update_modules(&self, slug: &str) -> Result<StartOutcome> {
        let customer = self.store.get_customer_in(slug, self.environment)?;
        let built =
            self.store
                .last_step_output(customer.id, StepKey::VercelProject, self.environment)?;
        if customer.status != Status::Active || built.is_none() {
            return Err(Error::NotProvisioned(slug.to_string()));
        }
        self.continue_or_create(customer.id, RunKind::UpdateModules)
    }

    /// Starts a day-two run for a delivered customer (`RunKind::Repair` goes through
    /// `start_repair`, which works out its steps). The instance must be in the state the
    /// action needs: pause an active one, resume an inactive one, anything else on an active
    /// one. A run of the same kind that stopped without being rolled back is continued.
    /// Blocking (SQLite).
    pub fn start_day_two(
        &self,
        slug: &str,
        kind: RunKind,
        input: Option<Value>,
    ) -> Result<StartOutcome> {
        let customer = self.store.get_customer_in(slug, self.environment)?;
        let built =
            self.store
                .last_step_output(customer.id, StepKey::VercelProject, self.environment)?;
        if built.is_none() || customer.instance.is_empty() {
            return Err(Error::NotProvisioned(slug.to_string()));
        }
        let needs = if kind == RunKind::Resume {
            Status::Inactive
        } else {
            Status::Active
        };
        if customer.status != needs {
            return Err(Error::NotNow {
                slug: slug.to_string(),
                reason: day_two_refusal(kind, customer.status),
            });
        }
        let keys: Vec<StepKey> = steps::for_kind(kind).iter().map(|d| d.key).collect();
        self.continue_or_create_with(customer.id, kind, &keys, input)
    }

    /// Adds (`DomainAdd`) or removes (`DomainRemove`) a custom domain: the name is checked
    /// first, so a bad one never becomes a run. Blocking (SQLite).
    pub fn start_domain(&self, slug: &str, kind: RunKind, domain: &str) -> Result<StartOutcome> {
        let domain =
            crate::customer::validate_domain(domain).map_err(|e| Error::Validation(vec![e]))?;
        if !matches!(kind, RunKind::DomainAdd | RunKind::DomainRemove) {
            return Err(Error::Internal(format!("{kind} is not a domain run")));
        }
        self.start_day_two(slug, kind, Some(serde_json::json!({ "domain": domain })))
    }

    /// The custom domains on the customer's Vercel project (not its own `*.vercel.app`), each
    /// with what the customer still has to set in DNS. Only reads.
    pub async fn domains(&self, slug: &str) -> Result<Vec<steps::DomainStatus>> {
        let (slug, env) = (slug.to_string(), self.environment);
        let (customer, project) = self
            .db(move |s| {
                let c = s.get_customer_in(&slug, env)?;
                let p = s.last_step_output(c.id, StepKey::VercelProject, env)?;
                Ok((c, p))
            })
            .await?;
        let Some(project) = project.and_then(|p| p["id"].as_str().map(str::to_string)) else {
            return Err(Error::NotProvisioned(customer.slug));
        };
        let provider = |e: crate::providers::ProviderError| Error::Provider(e.to_string());
        let listed = self
            .clients
            .vercel
            .project_domains(&project)
            .await
            .map_err(provider)?;
        let mut out = Vec::new();
        for d in listed
            .into_iter()
            .filter(|d| !d.name.ends_with(".vercel.app"))
        {
            let config = self
                .clients
                .vercel
                .domain_config(&d.name)
                .await
                .map_err(provider)?;
            let (id, name) = (customer.id, d.name.clone());
            let added = self.db(move |s| s.domain_added(id, env, &name)).await?;
            out.push(steps::DomainStatus {
                records: steps::domain_records(&d, &config),
                production: customer.instance.production_url.as_deref()
                    == Some(format!("https://{}", d.name).as_str()),
                configured: !config.misconfigured,
                verified: d.verified,
                added_by_fabrik: added,
                domain: d.name,
            });
        }
        Ok(out)
    }

    /// "Reparera": a run of the steps the last health check said can mend what it found (a
    /// new deployment follows mended variables, which only a new deployment reads).
    /// Blocking (SQLite).
    pub fn start_repair(&self, slug: &str) -> Result<StartOutcome> {
        let customer = self.store.get_customer_in(slug, self.environment)?;
        let health = self.store.health(customer.id, self.environment)?;
        let mut wanted: Vec<StepKey> = health
            .iter()
            .flat_map(|h| h.findings.iter().filter_map(|f| f.repair))
            .collect();
        if wanted.contains(&StepKey::VercelEnv) {
            wanted.push(StepKey::VercelRedeploy);
        }
        let keys: Vec<StepKey> = steps::REPAIR
            .iter()
            .map(|d| d.key)
            .filter(|k| wanted.contains(k))
            .collect();
        if keys.is_empty() {
            return Err(Error::NotNow {
                slug: slug.to_string(),
                reason: Text::new(
                    "den senaste hälsokontrollen fann inget som en reparation kan laga; kontrollera igen först",
                    "the last health check found nothing a repair can mend; check again first",
                ),
            });
        }
        if customer.status != Status::Active {
            return Err(Error::NotNow {
                slug: slug.to_string(),
                reason: day_two_refusal(RunKind::Repair, customer.status),
            });
        }
        let input = serde_json::json!({ "steps": keys });
        // A repair is always for the findings of now, never an older repair's.
        match self.store.create_run_with(
            customer.id,
            RunKind::Repair,
            self.environment,
            &keys,
            Some(&input),
        )? {
            NewRun::Created(driver) => Ok(StartOutcome::driven(driver)),
            NewRun::AlreadyActive(id) => StartOutcome::busy(&self.store, id),
        }
    }

    /// What a finished day-two run leaves on the instance card: the status a pause or resume
    /// means, the workflow a repair made anew.
    async fn settle_instance(&self, ctx: &RunCtx) -> Result<()> {
        let (id, env) = (ctx.customer.id, self.environment);
        let status = match ctx.kind {
            RunKind::Pause => Some(Status::Inactive),
            RunKind::Resume => Some(Status::Active),
            _ => None,
        };
        let workflow = (ctx.kind == RunKind::Repair)
            .then(|| {
                ctx.output(StepKey::N8nWorkflow)["id"]
                    .as_str()
                    .map(str::to_string)
            })
            .flatten();
        if status.is_none() && workflow.is_none() {
            return Ok(());
        }
        let slug = ctx.customer.slug.clone();
        self.db(move |s| {
            let now = s.get_customer_in(&slug, env)?;
            let mut instance = now.instance;
            if let Some(w) = workflow {
                instance.n8n_workflow_id = Some(w);
            }
            s.set_instance(id, env, status.unwrap_or(now.status), Some(&instance))
        })
        .await
    }

    /// Takes over an interrupted, failed or cancelled run and drives it to its end.
    pub async fn resume(
        &self,
        run_id: i64,
        sink: Arc<dyn EventSink>,
        cancel: CancellationToken,
    ) -> Result<RunState> {
        let claimed = self.db(move |s| claim_resume(s, run_id)).await?;
        self.resume_claimed(claimed, sink, cancel).await
    }

    /// Claims a stopped or interrupted run for one driver: a compare-and-set in SQLite, so of
    /// two callers (two clicks, the CLI and the window) exactly one gets it and the other
    /// `RunBusy` at once, before any task starts. Blocking (SQLite).
    pub fn claim_resume(&self, run_id: i64) -> Result<Claimed> {
        claim_resume(&self.store, run_id)
    }

    /// Drives a run this caller claimed with `claim_resume`.
    pub async fn resume_claimed(
        &self,
        claimed: Claimed,
        sink: Arc<dyn EventSink>,
        cancel: CancellationToken,
    ) -> Result<RunState> {
        let Claimed {
            driver,
            rolling_back,
        } = claimed;
        if rolling_back {
            return self.rollback_claimed(driver, sink).await;
        }
        let run_id = driver.run_id;
        self.db(move |s| s.reset_unfinished_steps(run_id, true))
            .await?;
        self.drive(driver, sink, cancel, true).await
    }

    /// Asks a run to stop at its next safe point (from any process); `rollback` chooses what
    /// follows. Blocking (SQLite).
    pub fn cancel(&self, run_id: i64, rollback: bool) -> Result<bool> {
        self.store.set_cancel_action(run_id, rollback)
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
                if !matches!(run.kind, RunKind::Provision | RunKind::Teardown) {
                    for def in steps::PROVISION {
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
        ctx.input = run.input.unwrap_or(Value::Null);
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
            kind: RunKind::Provision,
            driver,
            customer,
            store: self.store.clone(),
            clients: self.clients.clone(),
            settings: self.settings.clone(),
            secrets: self.secrets.clone(),
            timing: self.timing.clone(),
            events,
            cancel,
            outputs: Mutex::new(outputs),
            environment: self.environment,
            keys: Default::default(),
            input: Value::Null,
        }
    }

    async fn log(
        &self,
        run_id: i64,
        step: Option<StepKey>,
        level: LogLevel,
        message: Text,
    ) -> Result<()> {
        self.db(move |s| s.log(run_id, step, level, &message, None, None, None))
            .await
    }

    /// Drives a claimed run until every step succeeded, one failed for good, or it was cancelled.
    /// Every way out writes a final state: if driving itself fails (the ledger cannot be
    /// written, the customer is gone), the run is marked failed rather than left "running".
    pub async fn drive(
        &self,
        driver: Driver,
        sink: Arc<dyn EventSink>,
        cancel: CancellationToken,
        resumed: bool,
    ) -> Result<RunState> {
        let work = self.drive_claimed((driver.clone(), resumed), sink, cancel);
        self.finishing(&driver, RunState::Failed, work).await
    }

    /// Awaits a driver's work; if it fails, the run gets `on_error` as its final state.
    async fn finishing(
        &self,
        driver: &Driver,
        on_error: RunState,
        work: impl std::future::Future<Output = Result<RunState>>,
    ) -> Result<RunState> {
        let result = work.await;
        match &result {
            // The run is another driver's now: this one leaves its state to that one.
            Err(Error::DriverLost(run)) => {
                tracing::warn!(
                    run,
                    "the run was taken over by another driver; this one stops"
                );
            }
            Err(e) => self.stop_after_error(driver, on_error, e).await,
            Ok(_) => {}
        }
        result
    }

    /// Best effort, after an error: the run is no longer driven, so it must not look driven.
    async fn stop_after_error(&self, driver: &Driver, state: RunState, e: &Error) {
        let text = Text::of(e.code(), &e.params());
        let (run_id, driver) = (driver.run_id, driver.clone());
        let written = self
            .db(move |s| {
                if s.get_run(run_id)?.state.is_active() {
                    s.set_run_state(&driver, state, Some(&text), None)?;
                }
                Ok(())
            })
            .await;
        if let Err(w) = written {
            tracing::error!(
                run = run_id,
                "the run's final state could not be written: {w}"
            );
        }
    }

    async fn drive_claimed(
        &self,
        (driver, resumed): (Driver, bool),
        sink: Arc<dyn EventSink>,
        cancel: CancellationToken,
    ) -> Result<RunState> {
        let run_id = driver.run_id;
        let stop = cancel.child_token();
        let ctx = self.context(&driver, sink.clone(), stop.clone()).await?;
        self.preflight(&ctx).await?;
        tracing::info!(run = run_id, customer = %ctx.customer.slug, resumed, "run started");
        self.mark_customer(&ctx, Status::Provisioning).await;
        sink.emit(&RunEvent::RunStarted {
            run_id,
            slug: ctx.customer.slug.clone(),
            resumed,
        });
        let opening = if resumed {
            Text::new("Körningen återupptas", "The run resumes")
        } else {
            Text::new("Körningen startar", "The run starts")
        };
        self.log(run_id, None, LogLevel::Info, opening).await?;

        let watcher = self.watch(&driver, stop.clone());
        let mut states: HashMap<StepKey, StepState> = self
            .db(move |s| s.run_steps(run_id))
            .await?
            .into_iter()
            .map(|s| (s.key, s.state))
            .collect();
        let mut running: JoinSet<(StepKey, std::result::Result<Done, StepError>)> = JoinSet::new();
        let mut spawned: HashSet<StepKey> = HashSet::new();
        let mut failure: Option<(StepKey, StepError)> = None;

        loop {
            if failure.is_none() && !stop.is_cancelled() {
                for &def in steps::for_kind(ctx.kind) {
                    if self.timing.sequential && !spawned.is_empty() {
                        break;
                    }
                    let key = def.key;
                    // A need this run does not record was met by the run that provisioned.
                    let ready = states.get(&key) == Some(&StepState::Pending)
                        && !spawned.contains(&key)
                        && def
                            .needs
                            .iter()
                            .all(|d| states.get(d).is_none_or(|s| *s == StepState::Succeeded));
                    if ready {
                        spawned.insert(key);
                        let ctx = ctx.clone();
                        let retry = self.timing.retry.clone();
                        running.spawn(async move { (key, run_step(&ctx, key, &retry).await) });
                    }
                }
            }
            let Some(joined) = running.join_next().await else {
                break;
            };
            let (key, result) = match joined {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!("a step task panicked: {e}");
                    continue;
                }
            };
            spawned.remove(&key);
            match result {
                Ok(_) => {
                    states.insert(key, StepState::Succeeded);
                }
                Err(StepError::Cancelled) => {
                    // Stopped at a safe point; it starts over (idempotently) on resume.
                    let d = driver.clone();
                    self.db(move |s| s.step_update(&d, key, StepUpdate::State(StepState::Pending)))
                        .await?;
                    states.insert(key, StepState::Pending);
                }
                Err(e) => {
                    states.insert(key, StepState::Failed);
                    if failure.is_none() {
                        failure = Some((key, e));
                        // A permanent failure stops new steps; running ones stop at a safe point.
                        stop.cancel();
                    }
                }
            }
        }
        let lost = watcher.stop();
        tracing::info!(run = run_id, customer = %ctx.customer.slug, "steps stopped");
        if lost {
            return Err(Error::DriverLost(run_id));
        }

        let cancel_rollback = self.db(move |s| s.cancel_requested(run_id)).await?;
        let state = if let Some((key, err)) = failure {
            let message = err.text();
            let (m, d) = (message.clone(), driver.clone());
            self.db(move |s| s.set_run_state(&d, RunState::Failed, Some(&m), Some(key)))
                .await?;
            self.mark_customer(&ctx, Status::Failed).await;
            if self.on_failure == FailurePolicy::Rollback {
                self.rollback_claimed(driver, sink.clone()).await?
            } else {
                sink.emit(&RunEvent::RunFinished {
                    run_id,
                    state: RunState::Failed,
                    error: Some(message),
                });
                RunState::Failed
            }
        } else if states.values().all(|s| *s == StepState::Succeeded) {
            self.settle_instance(&ctx).await?;
            let d = driver.clone();
            self.db(move |s| s.set_run_state(&d, RunState::Succeeded, None, None))
                .await?;
            self.log(
                run_id,
                None,
                LogLevel::Info,
                Text::new("Körningen är klar", "The run is done"),
            )
            .await?;
            // A day-two run changed the instance: its kept check says how it is now (before
            // the window hears the run ended and reads it).
            if !matches!(ctx.kind, RunKind::Provision | RunKind::Teardown) {
                if let Err(e) = self.check_health(&ctx.customer.slug).await {
                    tracing::warn!(run = run_id, "the check after the run failed: {e}");
                }
            }
            sink.emit(&RunEvent::RunFinished {
                run_id,
                state: RunState::Succeeded,
                error: None,
            });
            RunState::Succeeded
        } else if cancel_rollback == Some(true) {
            let (text, d) = (StepError::Cancelled.text(), driver.clone());
            self.db(move |s| s.set_run_state(&d, RunState::Cancelled, Some(&text), None))
                .await?;
            self.rollback_claimed(driver, sink.clone()).await?
        } else {
            // Cancelled (by the user, or the process is shutting down): resumable.
            self.db(move |s| {
                s.set_run_state(
                    &driver,
                    RunState::Cancelled,
                    Some(&Text::new(
                        "Avbruten; kan återupptas",
                        "Cancelled; can be resumed",
                    )),
                    None,
                )
            })
            .await?;
            self.mark_customer(&ctx, Status::Pending).await;
            sink.emit(&RunEvent::RunFinished {
                run_id,
                state: RunState::Cancelled,
                error: None,
            });
            RunState::Cancelled
        };
        Ok(state)
    }

    /// What can be known before the first call, checked before it: the keyring, which keeps
    /// the customer's passwords and keys. A run that cannot reach it would create resources
    /// and then fail at the first secret; now it fails before anything exists (and can be
    /// tried again once the keyring is unlocked).
    async fn preflight(&self, ctx: &RunCtx) -> Result<()> {
        let (secrets, key) = (
            self.secrets.clone(),
            steps::customer_secret(ctx, crate::secrets::CustomerSecret::AdminPassword),
        );
        // Only whether the keyring answers matters here, not what it holds.
        crate::blocking::run(move || secrets.exists(&key).map(|_| ()))
            .await
            .map_err(Error::Secret)
    }

    /// The customer's status in this run's environment (the other environment's card stays).
    /// Only provisioning moves it: an update of a delivered instance leaves it active, since
    /// the instance keeps serving (and a rollback gives it back as it was).
    async fn mark_customer(&self, ctx: &RunCtx, status: Status) {
        if ctx.kind != RunKind::Provision {
            return;
        }
        let (id, env) = (ctx.customer.id, self.environment);
        if let Err(e) = self
            .db(move |s| s.set_instance(id, env, status, None))
            .await
        {
            tracing::warn!("the customer's status could not be updated: {e}");
        }
    }

    /// Heartbeats, and turns a cancel asked for in the database (by any process) into the
    /// in-process cancellation signal. Stops when the returned guard is dropped, on every way
    /// out of the caller, `?` included.
    /// If another driver claims the run meanwhile, it stops the steps and says so (`stop()`).
    fn watch(&self, driver: &Driver, stop: CancellationToken) -> Heartbeat {
        let (store, driver) = (self.store.clone(), driver.clone());
        let lost = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let every = HEARTBEAT
            .min(self.timing.poll.cap)
            .min(Duration::from_millis(500));
        let flag = lost.clone();
        let task = tokio::spawn(async move {
            loop {
                let (store, driver) = (store.clone(), driver.clone());
                let beat = crate::blocking::run(move || {
                    store.heartbeat(&driver)?;
                    store.cancel_requested(driver.run_id)
                })
                .await;
                match beat {
                    Ok(Some(_)) => stop.cancel(),
                    Err(Error::DriverLost(_)) => {
                        flag.store(true, std::sync::atomic::Ordering::SeqCst);
                        stop.cancel();
                        return;
                    }
                    // A busy database now and then is not a lost run; the next beat retries.
                    Ok(None) | Err(_) => {}
                }
                tokio::time::sleep(every).await;
            }
        });
        Heartbeat { task, lost }
    }

    /// Rolls back a failed or cancelled run (public entry: claims it first).
    pub async fn rollback(&self, run_id: i64, sink: Arc<dyn EventSink>) -> Result<RunState> {
        let driver = self.db(move |s| claim_rollback(s, run_id)).await?;
        self.rollback_claimed(driver, sink).await
    }

    /// Claims a run for "Återställ" (see `claim_resume`). Blocking (SQLite).
    pub fn claim_rollback(&self, run_id: i64) -> Result<Driver> {
        claim_rollback(&self.store, run_id)
    }

    /// Compensates, newest first, everything this run created; a rollback that cannot go on
    /// ends as `rollback_failed`, never left "rolling back". The caller has claimed the run.
    pub async fn rollback_claimed(
        &self,
        driver: Driver,
        sink: Arc<dyn EventSink>,
    ) -> Result<RunState> {
        let work = self.rollback_inner(driver.clone(), sink);
        self.finishing(&driver, RunState::RollbackFailed, work)
            .await
    }

    async fn rollback_inner(&self, driver: Driver, sink: Arc<dyn EventSink>) -> Result<RunState> {
        let run_id = driver.run_id;
        let d = driver.clone();
        self.db(move |s| s.set_run_state(&d, RunState::RollingBack, None, None))
            .await?;
        let ctx = self
            .context(&driver, sink.clone(), CancellationToken::new())
            .await?;
        let left = self.compensate_watched(&ctx, false).await?;
        let state = if left.is_empty() {
            let d = driver.clone();
            self.db(move |s| s.set_run_state(&d, RunState::RolledBack, None, None))
                .await?;
            // Nothing of the instance exists any more.
            self.mark_customer(&ctx, Status::Pending).await;
            RunState::RolledBack
        } else {
            let msg = left_by_hand(&left);
            self.db(move |s| s.set_run_state(&driver, RunState::RollbackFailed, Some(&msg), None))
                .await?;
            self.mark_customer(&ctx, Status::Failed).await;
            RunState::RollbackFailed
        };
        let error = if state == RunState::RollbackFailed {
            self.db(move |s| s.get_run(run_id))
                .await
                .ok()
                .and_then(|r| r.error)
        } else {
            None
        };
        sink.emit(&RunEvent::RunFinished {
            run_id,
            state,
            error,
        });
        Ok(state)
    }

    /// Runs the compensations in reverse order of creation; returns what could not be removed,
    /// as instructions. With `everything`, adopted resources are removed too (teardown).
    /// `compensate_all` under the driver's heartbeat: a driver that lost the run meanwhile
    /// says so (`DriverLost`) instead of reporting what it left.
    async fn compensate_watched(&self, ctx: &RunCtx, everything: bool) -> Result<Vec<Text>> {
        let watcher = self.watch(&ctx.driver, CancellationToken::new());
        let left = self.compensate_all(ctx, everything).await;
        if watcher.stop() {
            return Err(Error::DriverLost(ctx.run_id));
        }
        left
    }

    async fn compensate_all(&self, ctx: &RunCtx, everything: bool) -> Result<Vec<Text>> {
        let run_id = ctx.run_id;
        let mut rows = self.db(move |s| s.run_steps(run_id)).await?;
        rows.sort_by_key(|s| std::cmp::Reverse(s.seq.unwrap_or(0)));
        let mut left = Vec::new();
        for row in rows {
            let Some(undo) = row.key.def().undo.as_ref() else {
                continue;
            };
            if row.state == StepState::Compensated {
                continue;
            }
            // The id, or — when a crash came between the create and recording its answer — the
            // resource found by the name this run recorded as its intent.
            let target = match (&row.external_id, &row.intent) {
                (Some(id), _) if row.created || everything => {
                    Some((id.clone(), row.output.clone().unwrap_or(Value::Null)))
                }
                (None, Some(intent)) => match (undo.find)(ctx, intent).await {
                    Ok(found) => found,
                    Err(e) => {
                        let why = e.text();
                        left.push(Text::new(
                            format!("{}: {}", row.key, why.sv),
                            format!("{}: {}", row.key, why.en),
                        ));
                        continue;
                    }
                },
                _ => None,
            };
            if let Some((external_id, output)) = target {
                if let Some(manual) = self
                    .compensate_one(ctx, &row, undo, &external_id, &output)
                    .await?
                {
                    left.push(manual);
                }
            }
        }
        Ok(left)
    }

    /// Deletes one resource under the retry policy; `Some(instructions)` when it could not.
    async fn compensate_one(
        &self,
        ctx: &RunCtx,
        row: &StepRow,
        undo: &steps::Undo,
        external_id: &str,
        output: &Value,
    ) -> Result<Option<Text>> {
        let (run_id, key) = (ctx.run_id, row.key);
        ctx.emit(RunEvent::CompensationStarted {
            run_id,
            step: key,
            external_id: external_id.to_string(),
        });
        let d = ctx.driver.clone();
        self.db(move |s| s.step_update(&d, key, StepUpdate::State(StepState::Compensating)))
            .await?;
        let started = Instant::now();
        let mut attempt = 1;
        let result = loop {
            // Read back right before deleting: only what carries the customer's marker goes.
            let attempt_result = match (undo.owns)(ctx, external_id, output).await {
                Ok(Owned::Ours) => (undo.delete)(ctx, external_id, output)
                    .await
                    .map(|()| false),
                Ok(Owned::Gone) => Ok(true),
                Ok(Owned::NotOurs(refusal)) => Err(refusal),
                Err(e) => Err(e),
            };
            match attempt_result {
                Ok(was_gone) => break Ok(was_gone),
                Err(StepError::Provider(e)) => match self.timing.retry.delay(attempt, &e) {
                    Some(d) => {
                        let ms = d.as_millis();
                        let text = Text::new(
                            format!("Borttagningen misslyckades ({e}); försöker igen om {ms} ms"),
                            format!("The deletion failed ({e}); trying again in {ms} ms"),
                        );
                        ctx.log(key, LogLevel::Warn, &text).await;
                        tokio::time::sleep(d).await;
                        attempt += 1;
                    }
                    None => break Err(StepError::Provider(e)),
                },
                Err(e) => break Err(e),
            }
        };
        let took = now_ms(started);
        match result {
            // Not Fabrik's (no marker for this customer): left exactly as it is, and said so.
            Err(e) if e.code() == crate::messages::ErrorCode::ResourceNotOurs => {
                let text = e.text().within(
                    |w| format!("{external_id} lämnas kvar (inte skapad av Fabrik): {w}"),
                    |w| format!("{external_id} is left alone (not created by Fabrik): {w}"),
                );
                let entry = (StepState::Skipped, LogLevel::Warn, text, None);
                self.settle(&ctx.driver, key, attempt, entry).await?;
                ctx.emit(RunEvent::CompensationDone { run_id, step: key });
                Ok(None)
            }
            // Changed by someone after this run wrote it: theirs now, left as it is.
            Err(e) if e.code() == crate::messages::ErrorCode::ChangedElsewhere => {
                let text = e.text();
                let entry = (StepState::Skipped, LogLevel::Warn, text, None);
                self.settle(&ctx.driver, key, attempt, entry).await?;
                ctx.emit(RunEvent::CompensationDone { run_id, step: key });
                Ok(None)
            }
            Ok(was_gone) => {
                let text = if was_gone && undo.restores {
                    Text::new(
                        format!("{external_id} var redan som före körningen"),
                        format!("{external_id} was already as before the run"),
                    )
                } else if was_gone {
                    Text::new(
                        format!("{external_id} fanns inte längre"),
                        format!("{external_id} no longer existed"),
                    )
                } else if undo.restores {
                    Text::new(
                        format!("Återställde {external_id}"),
                        format!("Restored {external_id}"),
                    )
                } else {
                    Text::new(
                        format!("Tog bort {external_id}"),
                        format!("Deleted {external_id}"),
                    )
                };
                let entry = (StepState::Compensated, LogLevel::Info, text, Some(took));
                self.settle(&ctx.driver, key, attempt, entry).await?;
                ctx.emit(RunEvent::CompensationDone { run_id, step: key });
                Ok(None)
            }
            Err(e) => {
                let manual = if e.code() == crate::messages::ErrorCode::ProviderMoved {
                    // Renamed or moved by someone: no longer what the ledger names. Left alone.
                    Text::new(
                        format!("{external_id} har bytt namn eller flyttats sedan Fabrik skapade det och lämnas orört; ta bort det för hand bara om det fortfarande är kundens."),
                        format!("{external_id} was renamed or moved after Fabrik created it and is left alone; delete it by hand only if it is still the customer's."),
                    )
                } else {
                    (undo.manual)(external_id)
                };
                let why = e.text();
                let (verb_sv, verb_en) = if undo.restores {
                    ("återställa", "restore")
                } else {
                    ("ta bort", "delete")
                };
                let text = Text::new(
                    format!(
                        "Kunde inte {verb_sv} {external_id}: {}. {}",
                        why.sv, manual.sv
                    ),
                    format!(
                        "Could not {verb_en} {external_id}: {}. {}",
                        why.en, manual.en
                    ),
                );
                let entry = (StepState::CompensationFailed, LogLevel::Error, text, None);
                self.settle(&ctx.driver, key, attempt, entry).await?;
                ctx.emit(RunEvent::CompensationFailed {
                    run_id,
                    step: key,
                    message: why,
                    manual: manual.clone(),
                });
                Ok(Some(manual))
            }
        }
    }

    /// A compensation's end in the ledger: the step's state and the line that says why.
    async fn settle(
        &self,
        driver: &Driver,
        key: StepKey,
        attempt: u32,
        (state, level, text, took): (StepState, LogLevel, Text, Option<u64>),
    ) -> Result<()> {
        let driver = driver.clone();
        self.db(move |s| {
            s.step_update(&driver, key, StepUpdate::State(state))?;
            s.log(
                driver.run_id,
                Some(key),
                level,
                &text,
                Some(attempt),
                took,
                None,
            )
        })
        .await
    }

    /// Records a teardown ("Avveckla") of everything a provisioned customer owns and returns
    /// its run id at once; `drive_teardown` then does the deleting. Blocking (SQLite).
    pub fn begin_teardown(&self, slug: &str) -> Result<Driver> {
        record_teardown(&self.store, self.environment, slug)
    }

    /// Deletes what a teardown run recorded, then clears the customer's instance and marks it
    /// inactive. A teardown that cannot go on ends as `rollback_failed`.
    pub async fn drive_teardown(
        &self,
        driver: Driver,
        sink: Arc<dyn EventSink>,
    ) -> Result<RunState> {
        let work = self.teardown_claimed(driver.clone(), sink);
        self.finishing(&driver, RunState::RollbackFailed, work)
            .await
    }

    async fn teardown_claimed(&self, driver: Driver, sink: Arc<dyn EventSink>) -> Result<RunState> {
        let run_id = driver.run_id;
        let ctx = self
            .context(&driver, sink.clone(), CancellationToken::new())
            .await?;
        let slug = ctx.customer.slug.clone();
        sink.emit(&RunEvent::RunStarted {
            run_id,
            slug: slug.clone(),
            resumed: false,
        });
        let left = self.compensate_watched(&ctx, true).await?;
        let state = if left.is_empty() {
            let d = driver.clone();
            self.db(move |s| s.set_run_state(&d, RunState::Succeeded, None, None))
                .await?;
            // This environment's card is cleared; the other environment's is not touched.
            let (id, env) = (ctx.customer.id, self.environment);
            self.db(move |s| s.set_instance(id, env, Status::Inactive, Some(&Instance::default())))
                .await?;
            let (secrets, uid) = (self.secrets.clone(), ctx.customer.uid.clone());
            crate::blocking::run(move || secrets.forget_customer(&uid, &slug)).await;
            RunState::Succeeded
        } else {
            let msg = left_by_hand(&left);
            self.db(move |s| s.set_run_state(&driver, RunState::RollbackFailed, Some(&msg), None))
                .await?;
            RunState::RollbackFailed
        };
        sink.emit(&RunEvent::RunFinished {
            run_id,
            state,
            error: None,
        });
        Ok(state)
    }

    /// What "Avveckla" would do, target by target, read back from the providers now: "tas
    /// bort" only for what carries the customer's marker. Read-only; the window and the CLI
    /// show it before asking for the typed confirmation.
    pub async fn teardown_preview(&self, slug: &str) -> Result<Vec<TeardownTarget>> {
        let (slug, environment) = (slug.to_string(), self.environment);
        let (customer, targets) = self
            .db(move |s| {
                let customer = s.get_customer_in(&slug, environment)?;
                let targets = teardown_targets(s, environment, &customer)?;
                Ok((customer, targets))
            })
            .await?;
        let ctx = self.read_only_context(customer);
        let mut out = Vec::new();
        for (key, id, output) in targets {
            let (Some(id), Some(undo)) = (id, key.def().undo.as_ref()) else {
                continue;
            };
            let (verdict, reason) = match (undo.owns)(&ctx, &id, &output).await {
                Ok(Owned::Ours) => (TargetVerdict::Delete, None),
                Ok(Owned::Gone) => (TargetVerdict::Gone, None),
                Ok(Owned::NotOurs(refusal)) => (TargetVerdict::Keep, Some(refusal.text())),
                Err(e) => (TargetVerdict::Unknown, Some(e.text())),
            };
            out.push(TeardownTarget {
                step: key,
                id,
                verdict,
                reason,
            });
        }
        Ok(out)
    }

    /// The owner adopts on purpose a resource a run refused (or, from the CLI, one it will
    /// meet): `typed` must be its name exactly. The next run writes the marker on it and
    /// records the adoption. Blocking (SQLite).
    pub fn allow_adoption(
        &self,
        slug: &str,
        name: &str,
        typed: &str,
        by: AllowedBy,
    ) -> Result<Adoption> {
        let name = name.trim();
        if name.is_empty() || typed.trim() != name {
            return Err(Error::AdoptionMismatch {
                name: name.to_string(),
            });
        }
        let customer = self.store.get_customer(slug)?;
        self.store
            .allow_adoption(customer.id, slug, self.environment, name, by)
    }

    /// The customer's refused and adopted resources in this environment.
    pub fn adoptions(&self, slug: &str) -> Result<Vec<Adoption>> {
        let customer = self.store.get_customer(slug)?;
        Ok(self
            .store
            .adoptions(customer.id)?
            .into_iter()
            .filter(|a| a.environment == self.environment)
            .collect())
    }

    /// A context for reading only (the teardown's list): no run, no events, never written.
    fn read_only_context(&self, customer: crate::customer::Customer) -> RunCtx {
        let events: Arc<dyn EventSink> = Arc::new(|_: &RunEvent| {});
        self.run_ctx(
            Driver::none(),
            customer,
            events,
            CancellationToken::new(),
            HashMap::new(),
        )
    }

    /// "Avveckla" in one call (the CLI): records the teardown and drives it.
    pub async fn teardown(&self, slug: &str, sink: Arc<dyn EventSink>) -> Result<RunState> {
        let (slug, environment) = (slug.to_string(), self.environment);
        let driver = self
            .db(move |s| record_teardown(s, environment, &slug))
            .await?;
        self.drive_teardown(driver, sink).await
    }
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

/// Why a day-two action waits for another instance status, and what to do instead.
fn day_two_refusal(kind: RunKind, status: Status) -> Text {
    match (kind, status) {
        (RunKind::Pause, Status::Inactive) => Text::new(
            "instansen är redan pausad",
            "the instance is already paused",
        ),
        (RunKind::Resume, Status::Active) => Text::new(
            "instansen är redan igång",
            "the instance is already running",
        ),
        (_, Status::Inactive) => Text::new(
            "instansen är pausad; återuppta den först",
            "the instance is paused; resume it first",
        ),
        (_, other) => Text::new(
            format!(
                "instansen är {} och inte levererad; provisionera den färdigt först",
                other.as_str()
            ),
            format!(
                "the instance is {} and not delivered; finish provisioning it first",
                other.as_str()
            ),
        ),
    }
}

fn claim_resume(store: &Store, run_id: i64) -> Result<Claimed> {
    let rolling_back = store.get_run(run_id)?.state == RunState::RollingBack;
    let target = if rolling_back {
        RunState::RollingBack
    } else {
        RunState::Running
    };
    let driver = store
        .claim_run(run_id, target, STALE_AFTER)?
        .ok_or_else(|| run_busy(store, run_id))?;
    Ok(Claimed {
        driver,
        rolling_back,
    })
}

fn claim_rollback(store: &Store, run_id: i64) -> Result<Driver> {
    store
        .claim_run(run_id, RunState::RollingBack, STALE_AFTER)?
        .ok_or_else(|| run_busy(store, run_id))
}

/// "Run N is driven by anna@laptop": whose run is in the way, when the register knows.
fn run_busy(store: &Store, run: i64) -> Error {
    Error::RunBusy {
        run,
        seat: store.get_run(run).ok().and_then(|r| r.seat),
    }
}

/// What a customer owns in one environment, per undoable step in provisioning order: the
/// resource the ledger recorded, else the id on the instance card (typed by hand, perhaps).
/// Nothing here is deleted unless it carries the customer's marker when read back.
fn teardown_targets(
    store: &Store,
    environment: Environment,
    customer: &crate::customer::Customer,
) -> Result<Vec<(StepKey, Option<String>, Value)>> {
    let instance = &store.instance(customer.id, environment)?;
    let mut targets = Vec::new();
    for key in steps::undoable().map(|d| d.key) {
        let recorded = store.last_step_output(customer.id, key, environment)?;
        let field = |f: &str| {
            recorded
                .as_ref()
                .and_then(|o| o[f].as_str().map(str::to_string))
        };
        let id = match key {
            StepKey::SupabaseProject => field("ref").or(instance.supabase_project_ref.clone()),
            StepKey::GithubRepo => {
                field("full_name").or_else(|| repo_from_url(instance.github_repo_url.as_deref()))
            }
            StepKey::VercelProject => field("id").or(instance.vercel_project_id.clone()),
            StepKey::N8nWorkflow => field("id").or(instance.n8n_workflow_id.clone()),
            _ => None,
        };
        targets.push((key, id, recorded.unwrap_or(Value::Null)));
    }
    Ok(targets)
}

/// Records a teardown run of everything a provisioned customer owns; returns its id.
fn record_teardown(store: &Store, environment: Environment, slug: &str) -> Result<Driver> {
    let customer = store.get_customer(slug)?;
    let targets = teardown_targets(store, environment, &customer)?;
    let keys: Vec<StepKey> = targets.iter().map(|t| t.0).collect();
    let driver = match store.create_run(customer.id, RunKind::Teardown, environment, &keys)? {
        NewRun::Created(driver) => driver,
        NewRun::AlreadyActive(id) => return Err(run_busy(store, id)),
    };
    // Recorded in provisioning order (the order of `undoable`), so compensation (newest
    // first) removes the workflow, the Vercel project, the repo, then the Supabase project.
    for (key, id, out) in targets {
        let update = match &id {
            Some(id) => StepUpdate::Resource {
                external_id: id,
                created: true,
                output: Some(&out),
            },
            None => StepUpdate::State(StepState::Skipped),
        };
        store.step_update(&driver, key, update)?;
    }
    Ok(driver)
}

/// "Kvar att ta bort för hand: …": what a rollback or teardown could not delete.
fn left_by_hand(left: &[Text]) -> Text {
    let list = Text::join(left, " ");
    Text::new(
        format!("Kvar att ta bort för hand: {}", list.sv),
        format!("Left to delete by hand: {}", list.en),
    )
}

/// A run's heartbeat task; dropping the guard stops it.
struct Heartbeat {
    task: tokio::task::JoinHandle<()>,
    lost: Arc<std::sync::atomic::AtomicBool>,
}

impl Heartbeat {
    /// Stops the heartbeat; whether another driver took the run meanwhile.
    fn stop(self) -> bool {
        self.lost.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn repo_from_url(url: Option<&str>) -> Option<String> {
    let u = url::Url::parse(url?).ok()?;
    let mut parts = u.path_segments()?;
    Some(format!("{}/{}", parts.next()?, parts.next()?))
}

/// One step with the retry policy around it, recorded in the ledger and reported as events.
async fn run_step(
    ctx: &RunCtx,
    key: StepKey,
    retry: &RetryPolicy,
) -> std::result::Result<Done, StepError> {
    let def = key.def();
    let run_id = ctx.run_id;
    let started = Instant::now();
    let mut attempt: u32 = 1;
    loop {
        if ctx.cancel.is_cancelled() {
            return Err(StepError::Cancelled);
        }
        let d = ctx.driver.clone();
        ctx.db(move |s| s.step_update(&d, key, StepUpdate::Started { attempt }))
            .await?;
        ctx.emit(RunEvent::StepStarted {
            run_id,
            step: key,
            attempt,
        });
        let attempt_started = Instant::now();
        // A call waiting for its turn at the provider's rate limit stops when the run is cancelled.
        let result = crate::providers::pacer::CANCEL
            .scope(ctx.cancel.clone(), (def.run)(ctx))
            .await;
        let took = now_ms(attempt_started);
        match result {
            Ok(done) => {
                record_done(ctx, key, &done, attempt, took).await?;
                ctx.emit(RunEvent::StepDone {
                    run_id,
                    step: key,
                    outcome: done.outcome,
                    external_id: done.external_id.clone(),
                    duration_ms: now_ms(started),
                });
                return Ok(done);
            }
            Err(StepError::Cancelled) => return Err(StepError::Cancelled),
            Err(StepError::Provider(e)) => {
                let rid = e.request_id.clone();
                let Some(delay) = retry.delay(attempt, &e) else {
                    return Err(fail(ctx, key, StepError::Provider(e), attempt, took, rid).await);
                };
                let reason = StepError::Provider(e).text();
                let ms = delay.as_millis();
                let text = reason.within(
                    |r| format!("Försök {attempt} misslyckades: {r}; nytt försök om {ms} ms"),
                    |r| format!("Attempt {attempt} failed: {r}; trying again in {ms} ms"),
                );
                let (r, d) = (reason.clone(), ctx.driver.clone());
                ctx.db(move |s| {
                    s.step_update(&d, key, StepUpdate::Retrying(&r))?;
                    s.log(
                        run_id,
                        Some(key),
                        LogLevel::Warn,
                        &text,
                        Some(attempt),
                        Some(took),
                        rid.as_deref(),
                    )
                })
                .await?;
                ctx.emit(RunEvent::StepRetrying {
                    run_id,
                    step: key,
                    attempt,
                    delay_ms: delay.as_millis() as u64,
                    reason,
                });
                ctx.sleep(delay).await?;
                attempt += 1;
            }
            Err(e) => return Err(fail(ctx, key, e, attempt, took, None).await),
        }
    }
}

/// Records a finished step: its resource (unless the step recorded it itself), its output for
/// later steps, its state and a log line.
async fn record_done(
    ctx: &RunCtx,
    key: StepKey,
    done: &Done,
    attempt: u32,
    took: u64,
) -> std::result::Result<(), StepError> {
    let run_id = ctx.run_id;
    // Steps that create record their resource themselves; this keeps outputs of the others.
    let created = done.outcome == StepOutcome::Created && key.def().undo.is_some();
    let (sv, en) = match done.outcome {
        StepOutcome::Created => ("skapad", "created"),
        StepOutcome::Adopted => ("fanns redan, övertagen", "already existed, adopted"),
        StepOutcome::Done => ("klar", "done"),
        StepOutcome::Skipped => ("hoppades över", "skipped"),
    };
    let id = done
        .external_id
        .as_ref()
        .map(|i| format!(" ({i})"))
        .unwrap_or_default();
    let label = key.label_text();
    let text = Text::new(
        format!("{}: {sv}{id}", label.sv),
        format!("{}: {en}{id}", label.en),
    );
    let (id, output, d) = (
        done.external_id.clone(),
        done.output.clone(),
        ctx.driver.clone(),
    );
    ctx.db(move |s| {
        if let Some(id) = &id {
            let recorded = s
                .run_steps(run_id)?
                .into_iter()
                .any(|r| r.key == key && r.external_id.is_some());
            if !recorded {
                s.step_update(
                    &d,
                    key,
                    StepUpdate::Resource {
                        external_id: id,
                        created,
                        output: Some(&output),
                    },
                )?;
            }
        }
        s.step_update(&d, key, StepUpdate::Succeeded)?;
        s.log(
            run_id,
            Some(key),
            LogLevel::Info,
            &text,
            Some(attempt),
            Some(took),
            None,
        )
    })
    .await?;
    ctx.outputs
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(key)
        .or_insert_with(|| done.output.clone());
    Ok(())
}

async fn fail(
    ctx: &RunCtx,
    key: StepKey,
    e: StepError,
    attempt: u32,
    took: u64,
    request_id: Option<String>,
) -> StepError {
    let (run_id, message, d) = (ctx.run_id, e.text(), ctx.driver.clone());
    let m = message.clone();
    let written = ctx
        .db(move |s| {
            s.step_update(&d, key, StepUpdate::Failed(&m))?;
            s.log(
                run_id,
                Some(key),
                LogLevel::Error,
                &m,
                Some(attempt),
                Some(took),
                request_id.as_deref(),
            )
        })
        .await;
    if let Err(w) = written {
        tracing::error!(run = run_id, step = %key, "the failure could not be recorded: {}", w.message());
    }
    ctx.emit(RunEvent::StepFailed {
        run_id,
        step: key,
        code: e.code(),
        message: message.sv,
        params: e.params(),
    });
    e
}
