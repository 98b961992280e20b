//! Starting a run and holding it: a request becomes a recorded run (or continues the one that
//! stopped, or names the one already active), a claim makes this caller its one driver, and the
//! heartbeat keeps the claim (the lease) while the driver works.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::{Claimed, Engine, StartOutcome};
use crate::customer::rows::HealthRows;
use crate::customer::rows::InstanceRows;
use crate::customer::Customer;
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::ledger::{Driver, StepUpdate};
use crate::ledger::{RunKind, RunState, StepKey, StepState};
use crate::messages::Say;
use crate::provision::context::StepError;
use crate::provision::kinds::{Continues, KindDef, RunRequest};
use crate::provision::steps;
use crate::store::runs::NewRun;
use crate::store::Store;

impl Engine {
    /// The customer's last run of the request's kind in this environment, continued when its
    /// driver died (its heartbeat lapsed), or when it stopped without being rolled back, was
    /// asked the same (a domain run for another domain starts anew) and its kind `continues`;
    /// else a new run. `request` is checked (`RunRequest::checked`).
    pub(super) fn continue_or_create_with(
        &self,
        customer: &Customer,
        def: &KindDef,
        keys: &[StepKey],
        request: &RunRequest,
    ) -> Result<StartOutcome> {
        let kind = def.kind;
        let continues = def.continues == Continues::WhenAskedTheSame;
        if let Some(r) = self.store.latest_run(customer.id, self.environment)? {
            // A run whose driver died (kill -9, power loss) is continued once its heartbeat
            // has lapsed, instead of being refused as "already active" for ever.
            if r.kind == kind && r.state.is_active() {
                self.vouch(&r)?;
                if let Some(driver) = self.store.claim_stale(r.id, self.timing.lease)? {
                    self.store.reset_unfinished_steps(r.id, false)?;
                    return Ok(StartOutcome::driven(driver));
                }
            }
            if continues
                && r.kind == kind
                && r.state.is_resumable()
                && request.asks_as(kind, r.input.as_ref())
            {
                return Ok(
                    match self
                        .store
                        .claim_run(r.id, RunState::Running, self.timing.lease)?
                    {
                        Some(driver) => {
                            self.store.reset_unfinished_steps(r.id, true)?;
                            StartOutcome::driven(driver)
                        }
                        None => StartOutcome::busy(&self.store, r.id)?,
                    },
                );
            }
        }
        self.create(customer, kind, keys, &request.to_stored())
    }

    /// A new run, or the customer's active one.
    fn create(
        &self,
        customer: &Customer,
        kind: RunKind,
        keys: &[StepKey],
        input: &Value,
    ) -> Result<StartOutcome> {
        match self
            .store
            .create_run_with(customer.id, kind, self.environment, keys, Some(input))?
        {
            NewRun::Created(driver) => Ok(StartOutcome::driven(driver)),
            NewRun::AlreadyActive(id) => StartOutcome::busy(&self.store, id),
        }
    }

    /// "Reparera": a run of the steps the last health check said can mend what it found (a
    /// new deployment follows mended variables, which only a new deployment reads). Always a
    /// new run: a repair is for the findings of now, never an older repair's.
    pub(super) fn start_repair(
        &self,
        customer: &Customer,
        def: &KindDef,
        request: &RunRequest,
    ) -> Result<StartOutcome> {
        let health = self.store.health(customer.id, self.environment)?;
        let mut wanted: Vec<StepKey> = health
            .iter()
            .flat_map(|h| h.findings.iter().filter_map(|f| f.repair))
            .collect();
        if wanted.contains(&StepKey::VercelEnv) {
            wanted.push(StepKey::VercelRedeploy);
        }
        let keys: Vec<StepKey> = def
            .steps
            .iter()
            .copied()
            .filter(|k| wanted.contains(k))
            .collect();
        if keys.is_empty() {
            return Err(Error::NotNow {
                slug: customer.slug.clone(),
                reason: Say::NothingToRepair.text(),
            });
        }
        self.create(customer, def.kind, &keys, &request.to_stored())
    }

    /// Claims a stopped or interrupted run for one driver: a compare-and-set in the register,
    /// so of two callers (two clicks, the CLI and the window) exactly one gets it and the other
    /// `RunBusy` at once, before any task starts. Blocking (SQLite).
    pub fn claim_resume(&self, run_id: i64) -> Result<Claimed> {
        let run = self.store.get_run(run_id)?;
        if let Some(refusal) = finished(&run, Act::Resume) {
            return Err(refusal);
        }
        self.vouch(&run)?;
        let rolling_back = run.state == RunState::RollingBack;
        // A day-two run stopped before the instance was torn down (or recorded for a card
        // Fabrik never delivered) must not go on working on what is not Fabrik's delivery,
        // whoever resumes it: the window, the CLI or a caller of the engine.
        let day_two = matches!(
            crate::provision::kinds::def(run.kind).requires,
            crate::provision::kinds::Requires::Delivered(_)
        );
        if day_two
            && !rolling_back
            && self
                .store
                .delivered_by(run.customer_id, run.environment)?
                .is_none()
        {
            return Err(Error::NotProvisioned(run.slug));
        }
        let target = if rolling_back {
            RunState::RollingBack
        } else {
            RunState::Running
        };
        let driver = self
            .store
            .claim_run(run_id, target, self.timing.lease)?
            .ok_or_else(|| run_busy(&self.store, run_id))?;
        Ok(Claimed {
            driver,
            rolling_back,
        })
    }

    /// A seat takes up only a run it can vouch for: one this login started, or one whose
    /// starter (the login the register stamped on it) holds its kind's right now. Anything
    /// else (the run of a person since removed or demoted) is refused, naming the run and its
    /// starter, and waits for an owner, whose own resume or rollback vouches for it; the
    /// tick never takes one up (`schedule::work`). What a run's steps name is proven again
    /// by the resource before anything is removed (`provision::creation`).
    fn vouch(&self, run: &crate::store::runs::RunRow) -> Result<()> {
        if self.store.vouches_for(run)? || self.store.holds(crate::messages::Right::People)? {
            return Ok(());
        }
        let person = run.person.as_deref().unwrap_or("–");
        let (label, right) = (
            crate::provision::kinds::def(run.kind).label_text(),
            run.kind.right().text(),
        );
        Err(Error::Refused {
            code: crate::messages::ErrorCode::RunNotVouched,
            params: crate::messages::params! {
                "run" => run.id, "slug" => run.slug.clone(), "person" => person,
                "kind" => label.sv, "kind_en" => label.en,
                "right" => right.sv, "right_en" => right.en,
            },
        })
    }

    /// Claims a run for "Återställ" (see `claim_resume`): only a run that stopped (failed,
    /// cancelled, a rollback that failed) or whose driver died. A succeeded run delivered what
    /// it made: that goes only through a teardown, the guarded gate, never a rollback.
    /// Blocking (SQLite).
    pub fn claim_rollback(&self, run_id: i64) -> Result<Driver> {
        let run = self.store.get_run(run_id)?;
        if let Some(refusal) = finished(&run, Act::Rollback) {
            return Err(refusal);
        }
        self.vouch(&run)?;
        self.store
            .claim_run(run_id, RunState::RollingBack, self.timing.lease)?
            .ok_or_else(|| run_busy(&self.store, run_id))
    }

    /// Asks a run to stop at its next safe point (from any process); `rollback` chooses what
    /// follows. A run that has ended is left as it is, and the refusal says how it ended.
    /// Blocking (SQLite).
    pub fn cancel(&self, run_id: i64, rollback: bool) -> Result<bool> {
        cancel_run(&self.store, run_id, rollback)
    }

    /// Heartbeats, and turns a cancel asked for in the database (by any process) into the
    /// in-process cancellation signal. Stops when the returned guard is dropped, on every way
    /// out of the caller, `?` included.
    /// If another driver claims the run meanwhile, it stops the steps and says so (`stop()`).
    pub(super) fn watch(&self, driver: &Driver, stop: CancellationToken) -> Heartbeat {
        let (store, driver) = (self.store.clone(), driver.clone());
        let lost = Arc::new(std::sync::atomic::AtomicBool::new(false));
        // A cancel is looked for often (the user waits for it); the lease is renewed at its
        // own pace, each write a round trip to a database that may be far away.
        let beat_every = self.timing.heartbeat;
        let every = beat_every
            .min(self.timing.poll.cap)
            .min(Duration::from_millis(500));
        let flag = lost.clone();
        let task = tokio::spawn(async move {
            let mut beaten: Option<Instant> = None;
            loop {
                let due = beaten.is_none_or(|t| t.elapsed() >= beat_every);
                let (store, driver) = (store.clone(), driver.clone());
                let beat = crate::blocking::run(move || {
                    if due {
                        store.heartbeat(&driver)?;
                    }
                    store.cancel_requested(driver.run_id)
                })
                .await;
                match beat {
                    Ok(cancel) => {
                        if due {
                            beaten = Some(Instant::now());
                        }
                        if cancel.is_some() {
                            stop.cancel();
                        }
                    }
                    Err(Error::DriverLost(_)) => {
                        flag.store(true, std::sync::atomic::Ordering::SeqCst);
                        stop.cancel();
                        return;
                    }
                    // A busy database now and then is not a lost run; the next tick beats
                    // again rather than waiting a whole interval.
                    Err(_) => {}
                }
                tokio::time::sleep(every).await;
            }
        });
        Heartbeat { task, lost }
    }
}

/// A run's heartbeat task; dropping the guard stops it.
pub(super) struct Heartbeat {
    task: tokio::task::JoinHandle<()>,
    lost: Arc<std::sync::atomic::AtomicBool>,
}

impl Heartbeat {
    /// Stops the heartbeat; whether another driver took the run meanwhile.
    pub(super) fn stop(self) -> bool {
        self.lost.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What a person asked of a run that may have ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Resume,
    Rollback,
    Cancel,
}

/// The refusal of `act` on a run that has ended where `act` has nothing to do, with the way
/// out; `None` when `act` may go on to its claim. Nothing is written either way.
fn finished(run: &crate::store::runs::RunRow, act: Act) -> Option<Error> {
    let compensates =
        crate::provision::kinds::def(run.kind).drive == crate::provision::kinds::Drive::Compensate;
    let state = run.state;
    let params = crate::messages::params! {
        "slug" => run.slug, "run" => run.id, "state" => state
    };
    let say = match (act, state) {
        (Act::Rollback, _) if compensates => Say::TeardownNotRolledBack,
        (Act::Rollback, RunState::Succeeded) => Say::SucceededNotRolledBack,
        (Act::Rollback | Act::Resume, RunState::RolledBack) => Say::AlreadyRolledBack,
        (Act::Resume, RunState::Succeeded) => Say::FinishedNothingToResume,
        (Act::Cancel, s) if !s.is_active() => Say::FinishedNothingToCancel,
        _ => return None,
    };
    Some(Error::RunFinished {
        run: run.id,
        slug: run.slug.clone(),
        reason: say.with(params),
    })
}

/// "Avbryt" from any process: the flag in the register, which the driver reads within a
/// heartbeat. A run that has ended is refused, named with how it ended.
pub fn cancel_run(store: &Store, run_id: i64, rollback: bool) -> Result<bool> {
    if store.set_cancel_action(run_id, rollback)? {
        return Ok(true);
    }
    let run = store.get_run(run_id)?;
    Err(finished(&run, Act::Cancel).unwrap_or(Error::RunNotActive(run_id)))
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
/// Only what the ledger recorded can be deleted, and only while it carries the customer's
/// marker when read back: an id only the card names is listed and left alone (`card_only`),
/// since a marker can be copied (a duplicated workflow carries it too).
pub(super) fn teardown_targets(
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
        let from_ledger = match key {
            StepKey::SupabaseProject => field("ref"),
            StepKey::GithubRepo => field("full_name"),
            StepKey::VercelProject | StepKey::N8nWorkflow => field("id"),
            // The instance's sending keys: the newest one made, and the one it was given (a
            // failed run may have made one it never got). Only the ledger names them.
            StepKey::ResendSendingKey => field("id"),
            StepKey::SupabaseAuthMail => field("key_id"),
            _ => None,
        };
        let id = match key {
            StepKey::SupabaseProject => field("ref").or(instance.supabase_project_ref.clone()),
            StepKey::GithubRepo => {
                field("full_name").or_else(|| repo_from_url(instance.github_repo_url.as_deref()))
            }
            StepKey::VercelProject => field("id").or(instance.vercel_project_id.clone()),
            StepKey::N8nWorkflow => field("id").or(instance.n8n_workflow_id.clone()),
            _ => from_ledger.clone(),
        };
        // One resource once (the instance's key is most often the newest one made).
        let id = id.filter(|i| {
            !targets
                .iter()
                .any(|t: &(StepKey, Option<String>, Value)| t.1.as_ref() == Some(i))
        });
        let output = match (&from_ledger, &id) {
            (None, Some(_)) => serde_json::json!({ CARD_ONLY: true }),
            _ => recorded.unwrap_or(Value::Null),
        };
        targets.push((key, id, output));
    }
    Ok(targets)
}

/// Records a teardown run of everything a provisioned customer owns. Recorded in
/// provisioning order (the order of `undoable`), so compensation (newest first) removes the
/// workflow, the Vercel project, the repo, then the Supabase project.
pub(super) fn record_teardown(
    store: &Store,
    environment: Environment,
    customer: &Customer,
    request: &RunRequest,
) -> Result<StartOutcome> {
    let targets = teardown_targets(store, environment, customer)?;
    let keys: Vec<StepKey> = targets.iter().map(|t| t.0).collect();
    let stored = request.to_stored();
    let created = store.create_run_with(
        customer.id,
        request.kind(),
        environment,
        &keys,
        Some(&stored),
    )?;
    let driver = match created {
        NewRun::Created(driver) => driver,
        NewRun::AlreadyActive(id) => return StartOutcome::busy(store, id),
    };
    for (key, id, out) in targets {
        let update = match id {
            Some(external_id) => StepUpdate::Resource {
                external_id,
                created: true,
                output: Some(out),
            },
            None => StepUpdate::State(StepState::Skipped),
        };
        store.step_update(&driver, key, update)?;
    }
    Ok(StartOutcome::driven(driver))
}

/// Marks a teardown target that only the instance card names.
const CARD_ONLY: &str = "card_only";

/// The refusal for a target only the card names: never deleted (see `teardown_targets`).
pub(super) fn card_only(key: StepKey, id: &str, output: &Value) -> Option<StepError> {
    if output[CARD_ONLY] != Value::Bool(true) {
        return None;
    }
    let (sv, en) = match key {
        StepKey::SupabaseProject => ("Supabase-projektet", "The Supabase project"),
        StepKey::GithubRepo => ("GitHub-repot", "The GitHub repository"),
        StepKey::VercelProject => ("Vercel-projektet", "The Vercel project"),
        _ => ("n8n-flödet", "The n8n workflow"),
    };
    Some(StepError::permanent(
        crate::messages::ErrorCode::NotInLedger,
        crate::messages::params! { "resource" => sv, "resource_en" => en, "name" => id },
    ))
}

fn repo_from_url(url: Option<&str>) -> Option<String> {
    let u = url::Url::parse(url?).ok()?;
    let mut parts = u.path_segments()?;
    Some(format!("{}/{}", parts.next()?, parts.next()?))
}
