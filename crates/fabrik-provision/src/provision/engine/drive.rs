//! Driving a run forward: the DAG of steps side by side, each under the retry policy, recorded
//! in the ledger and reported as events, stopped at safe points when cancelled.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::{now_ms, retry, Claimed, Engine, FailurePolicy};
use crate::customer::rows::CustomerRows;
use crate::customer::rows::InstanceRows;
use crate::customer::Status;
use crate::error::{Error, Result};
use crate::ledger::events::{EventSink, RunEvent, StepOutcome};
use crate::ledger::journal::Entry;
use crate::ledger::{Driver, StepUpdate};
use crate::ledger::{LogLevel, RunState, StepKey, StepState};
use crate::messages::params;
use crate::messages::{param_text, Say, Text};
use crate::providers::retry::RetryPolicy;
use crate::provision::context::{Done, RunCtx, StepError};
use crate::provision::kinds::{self, Drive, Settles};
use crate::provision::proof;
use crate::provision::steps;
use crate::provision::steps::StepTable;

impl Engine {
    /// Takes over an interrupted, failed or cancelled run and drives it to its end.
    pub async fn resume(
        &self,
        run_id: i64,
        sink: Arc<dyn EventSink>,
        cancel: CancellationToken,
    ) -> Result<RunState> {
        let me = self.clone();
        let claimed = crate::blocking::run(move || me.claim_resume(run_id)).await?;
        self.resume_claimed(claimed, sink, cancel).await
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

    /// Drives a claimed run until every step succeeded, one failed for good, or it was cancelled.
    /// Every way out writes a final state: if driving itself fails (the ledger cannot be
    /// written, the customer is gone), the run is marked failed rather than left "running".
    /// A teardown (`Drive::Compensate`) removes what it recorded instead, resumed or not.
    pub async fn drive(
        &self,
        driver: Driver,
        sink: Arc<dyn EventSink>,
        cancel: CancellationToken,
        resumed: bool,
    ) -> Result<RunState> {
        let run_id = driver.run_id;
        let kind = self.db(move |s| Ok(s.get_run(run_id)?.kind)).await?;
        match kinds::def(kind).drive {
            Drive::Forward | Drive::Mend => {
                let work = self.drive_claimed((driver.clone(), resumed), sink, cancel);
                self.finishing(&driver, RunState::Failed, work).await
            }
            Drive::Compensate => {
                let work = self.teardown_claimed(driver.clone(), sink);
                self.finishing(&driver, RunState::RollbackFailed, work)
                    .await
            }
        }
    }

    /// Awaits a driver's work; if it fails, the run gets `on_error` as its final state.
    pub(super) async fn finishing(
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
        let opening = if resumed {
            Say::RunResumes.text()
        } else {
            Say::RunStarts.text()
        };
        let started = RunEvent::RunStarted {
            run_id,
            slug: ctx.customer.slug.clone(),
            resumed,
        };
        ctx.journal
            .record(
                Entry::note()
                    .line(None, LogLevel::Info, opening)
                    .event(started),
            )
            .await?;

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
                // The steps a run of this kind may record (a teardown records the undoable
                // provisioning steps it finds; a repair the ones its findings named).
                for def in kinds::def(ctx.kind).steps.iter().map(|k| k.def()) {
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
                    let pending = StepUpdate::State(StepState::Pending);
                    ctx.journal.record(Entry::step(key, pending)).await?;
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
        let finished = |state, error| RunEvent::RunFinished {
            run_id,
            state,
            error,
        };
        let state = if let Some((key, err)) = failure {
            let message = err.text();
            self.mark_customer(&ctx, Status::Failed).await;
            let stopped = Entry::run_stopped(RunState::Failed, message.clone(), Some(key));
            if self.on_failure == FailurePolicy::Rollback {
                ctx.journal.record(stopped).await?;
                self.rollback_claimed(driver, sink.clone()).await?
            } else {
                let event = finished(RunState::Failed, Some(message));
                ctx.journal.record(stopped.event(event)).await?;
                RunState::Failed
            }
        } else if states.values().all(|s| *s == StepState::Succeeded) {
            self.settle_instance(&ctx).await?;
            let done = Entry::run(RunState::Succeeded)
                .line(None, LogLevel::Info, Say::RunDone.text())
                .event(finished(RunState::Succeeded, None));
            ctx.journal.record(done).await?;
            RunState::Succeeded
        } else if cancel_rollback == Some(true) {
            let text = StepError::Cancelled.text();
            ctx.journal
                .record(Entry::run_stopped(RunState::Cancelled, text, None))
                .await?;
            self.rollback_claimed(driver, sink.clone()).await?
        } else {
            // Cancelled (by the user, or the process is shutting down): resumable.
            self.mark_customer(&ctx, Status::Pending).await;
            let text = Say::CancelledResumable.text();
            let stopped = Entry::run_stopped(RunState::Cancelled, text, None)
                .event(finished(RunState::Cancelled, None));
            ctx.journal.record(stopped).await?;
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
    pub(super) async fn mark_customer(&self, ctx: &RunCtx, status: Status) {
        if !kinds::def(ctx.kind).marks_customer {
            return;
        }
        let (id, env, run) = (ctx.customer.id, self.environment, ctx.run_id);
        if let Err(e) = self
            .db(move |s| {
                // A rollback leaves what another run delivered (`creation`): still active.
                let delivered = s.delivered_by(id, env)?.is_some_and(|by| by != run);
                let status = match status {
                    Status::Pending if delivered => Status::Active,
                    other => other,
                };
                s.set_instance(id, env, status, None)
            })
            .await
        {
            tracing::warn!("the customer's status could not be updated: {e}");
        }
    }

    /// What a finished day-two run leaves on the instance card: the status a pause or resume
    /// means, the workflow a repair made anew.
    async fn settle_instance(&self, ctx: &RunCtx) -> Result<()> {
        let (id, env) = (ctx.customer.id, self.environment);
        let (status, workflow) = match kinds::def(ctx.kind).settles {
            Settles::Status(status) => (Some(status), None),
            Settles::Workflow => (None, ctx.workflow_id()),
            Settles::Nothing | Settles::Clears => (None, None),
        };
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
}

/// One step with the retry policy around it, recorded in the ledger and reported as events.
async fn run_step(
    ctx: &RunCtx,
    key: StepKey,
    policy: &RetryPolicy,
) -> std::result::Result<Done, StepError> {
    let def = key.def();
    let run_id = ctx.run_id;
    let started = Instant::now();
    // How long the last attempt took (shared by the attempt and the retry's log line).
    let took = AtomicU64::new(0);
    let took = &took;
    let (result, attempt) = retry::retrying(
        policy,
        |attempt| async move {
            if ctx.cancel.is_cancelled() {
                return Err(StepError::Cancelled);
            }
            let started = RunEvent::StepStarted {
                run_id,
                step: key,
                attempt,
            };
            ctx.record(Entry::step(key, StepUpdate::Started { attempt }).event(started))
                .await?;
            let attempt_started = Instant::now();
            // A call waiting for its turn at the provider's rate limit stops when the run is
            // cancelled.
            let result = crate::providers::pacer::CANCEL
                .scope(ctx.cancel.clone(), proof::fenced(ctx, (def.run)(ctx)))
                .await;
            took.store(now_ms(attempt_started), Ordering::Relaxed);
            result
        },
        |attempt, e, delay| async move {
            let rid = e.request_id.clone();
            let reason = StepError::Provider(e).text();
            let ms = delay.as_millis();
            let mut p = params! { "attempt" => attempt, "ms" => ms };
            param_text(&mut p, "reason", &reason);
            let text = Say::AttemptFailed.with(p);
            let retrying = RunEvent::StepRetrying {
                run_id,
                step: key,
                attempt,
                delay_ms: delay.as_millis() as u64,
                reason: reason.clone(),
            };
            let entry = Entry::step(key, StepUpdate::Retrying(reason))
                .line(Some(key), LogLevel::Warn, text)
                .measured(attempt, Some(took.load(Ordering::Relaxed)), rid)
                .event(retrying);
            ctx.record(entry).await?;
            ctx.sleep(delay).await
        },
    )
    .await;
    let took = took.load(Ordering::Relaxed);
    match result {
        Ok(done) => {
            let event = RunEvent::StepDone {
                run_id,
                step: key,
                outcome: done.outcome,
                external_id: done.external_id.clone(),
                duration_ms: now_ms(started),
            };
            record_done(ctx, key, &done, (attempt, took), event).await?;
            Ok(done)
        }
        Err(StepError::Cancelled) => Err(StepError::Cancelled),
        Err(e) => {
            let rid = match &e {
                StepError::Provider(p) => p.request_id.clone(),
                _ => None,
            };
            Err(fail(ctx, key, e, attempt, took, rid).await)
        }
    }
}

/// Records a finished step: its resource (unless the step recorded it itself), its output for
/// later steps, then its state with a log line and the event.
async fn record_done(
    ctx: &RunCtx,
    key: StepKey,
    done: &Done,
    (attempt, took): (u32, u64),
    event: RunEvent,
) -> std::result::Result<(), StepError> {
    let run_id = ctx.run_id;
    // Steps that create record their resource themselves; this keeps outputs of the others.
    let created = done.outcome == StepOutcome::Created && key.def().undo.is_some();
    let say = match done.outcome {
        StepOutcome::Created => Say::StepCreated,
        StepOutcome::Adopted => Say::StepAdopted,
        StepOutcome::Done => Say::StepDone,
        StepOutcome::Skipped => Say::StepSkipped,
    };
    let id = done
        .external_id
        .as_ref()
        .map(|i| format!(" ({i})"))
        .unwrap_or_default();
    let mut p = params! { "id" => id };
    param_text(&mut p, "label", &key.label_text());
    let text = say.with(p);
    if let Some(id) = &done.external_id {
        let recorded = ctx
            .db(move |s| s.run_steps(run_id))
            .await?
            .into_iter()
            .any(|r| r.key == key && r.external_id.is_some());
        if !recorded {
            let resource = StepUpdate::Resource {
                external_id: id.clone(),
                created,
                output: Some(done.output.clone()),
            };
            ctx.record(Entry::step(key, resource)).await?;
        }
    }
    let entry = Entry::step(key, StepUpdate::Succeeded)
        .line(Some(key), LogLevel::Info, text)
        .measured(attempt, Some(took), None)
        .event(event);
    ctx.record(entry).await?;
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
    let message = e.text();
    let failed = RunEvent::StepFailed {
        run_id: ctx.run_id,
        step: key,
        code: e.code(),
        message: message.sv.clone(),
        params: e.params(),
    };
    let entry = Entry::step(key, StepUpdate::Failed(message.clone()))
        .line(Some(key), LogLevel::Error, message)
        .measured(attempt, Some(took), request_id)
        .event(failed);
    if let Err(w) = ctx.record(entry).await {
        tracing::error!(run = ctx.run_id, step = %key, "the failure could not be recorded: {}", w.message());
    }
    e
}
