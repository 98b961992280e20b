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

use super::actions;
use super::clients::Clients;
use super::context::{Done, RunCtx, StepError};
use super::events::{EventSink, RunEvent};
use super::policy::Timing;
use super::settings::ProvisionSettings;
use super::step::StepKey;
use super::RunState;
use crate::customer::{CustomerPatch, Status};
use crate::error::{Error, Result};
use crate::secrets::SecretStore;
use crate::store::runs::{NewRun, StepUpdate};
use crate::store::Store;

/// How often a driving process says it is alive, and when silence means it is gone.
pub const HEARTBEAT: Duration = Duration::from_secs(2);
pub const STALE_AFTER: Duration = Duration::from_secs(10);

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
}

pub struct Engine {
    pub store: Arc<Store>,
    pub clients: Arc<Clients>,
    pub settings: Arc<ProvisionSettings>,
    pub secrets: SecretStore,
    pub timing: Timing,
    pub environment: String,
    pub on_failure: FailurePolicy,
}

fn now_ms(started: Instant) -> u64 {
    started.elapsed().as_millis() as u64
}

impl Engine {
    /// Starts a provisioning run for the customer, or returns the one already active. A
    /// failed or cancelled run that was not rolled back is continued rather than doubled.
    pub fn start(&self, slug: &str) -> Result<StartOutcome> {
        let customer = self.store.get_customer(slug)?;
        if let Some(r) = self
            .store
            .list_runs(Some(customer.id), 1)?
            .into_iter()
            .next()
        {
            if r.kind == "provision" && matches!(r.state.as_str(), "failed" | "cancelled") {
                if self.store.claim_run(r.id, "running", STALE_AFTER)? {
                    self.store.reset_unfinished_steps(r.id, true)?;
                    return Ok(StartOutcome {
                        run_id: r.id,
                        already_running: false,
                    });
                }
                return Ok(StartOutcome {
                    run_id: r.id,
                    already_running: true,
                });
            }
        }
        let keys: Vec<&str> = StepKey::ALL.iter().map(|k| k.as_str()).collect();
        match self
            .store
            .create_run(customer.id, "provision", &self.environment, &keys)?
        {
            NewRun::Created(id) => Ok(StartOutcome {
                run_id: id,
                already_running: false,
            }),
            NewRun::AlreadyActive(id) => Ok(StartOutcome {
                run_id: id,
                already_running: true,
            }),
        }
    }

    /// Takes over an interrupted, failed or cancelled run and drives it to its end.
    pub async fn resume(
        &self,
        run_id: i64,
        sink: Arc<dyn EventSink>,
        cancel: CancellationToken,
    ) -> Result<RunState> {
        let run = self.store.get_run(run_id)?;
        if run.state == "rolling_back" {
            if !self.store.claim_run(run_id, "rolling_back", STALE_AFTER)? {
                return Err(Error::RunBusy(run_id));
            }
            return self.rollback_claimed(run_id, sink).await;
        }
        if !self.store.claim_run(run_id, "running", STALE_AFTER)? {
            return Err(Error::RunBusy(run_id));
        }
        self.store.reset_unfinished_steps(run_id, true)?;
        self.drive(run_id, sink, cancel, true).await
    }

    /// Asks a run to stop at its next safe point (from any process); `rollback` chooses what
    /// follows.
    pub fn cancel(&self, run_id: i64, rollback: bool) -> Result<bool> {
        self.store.set_cancel_action(run_id, rollback)
    }

    fn context(
        &self,
        run_id: i64,
        sink: Arc<dyn EventSink>,
        cancel: CancellationToken,
    ) -> Result<Arc<RunCtx>> {
        let run = self.store.get_run(run_id)?;
        let customer = self.store.get_customer(&run.slug)?;
        let mut outputs = HashMap::new();
        for s in self.store.run_steps(run_id)? {
            if let (Some(k), Some(o)) = (StepKey::parse(&s.key), s.output) {
                outputs.insert(k, o);
            }
        }
        Ok(Arc::new(RunCtx {
            run_id,
            customer,
            store: self.store.clone(),
            clients: self.clients.clone(),
            settings: self.settings.clone(),
            secrets: self.secrets.clone(),
            timing: self.timing.clone(),
            events: sink,
            cancel,
            outputs: Mutex::new(outputs),
            keys: Default::default(),
        }))
    }

    /// Drives a claimed run until every step succeeded, one failed for good, or it was cancelled.
    pub async fn drive(
        &self,
        run_id: i64,
        sink: Arc<dyn EventSink>,
        cancel: CancellationToken,
        resumed: bool,
    ) -> Result<RunState> {
        let stop = cancel.child_token();
        let ctx = self.context(run_id, sink.clone(), stop.clone())?;
        tracing::info!(run = run_id, customer = %ctx.customer.slug, resumed, "run started");
        let _ = self.store.update_customer(
            &ctx.customer.slug,
            CustomerPatch {
                status: Some(Status::Provisioning),
                ..Default::default()
            },
            &self.settings.manifest,
        );
        sink.emit(&RunEvent::RunStarted {
            run_id,
            slug: ctx.customer.slug.clone(),
            resumed,
        });
        self.store.log(
            run_id,
            None,
            "info",
            if resumed {
                "Körningen återupptas"
            } else {
                "Körningen startar"
            },
            None,
            None,
            None,
        )?;

        let watcher = self.watch(run_id, stop.clone());
        let mut states: HashMap<StepKey, String> = self
            .store
            .run_steps(run_id)?
            .into_iter()
            .filter_map(|s| StepKey::parse(&s.key).map(|k| (k, s.state)))
            .collect();
        let mut running: JoinSet<(StepKey, std::result::Result<Done, StepError>)> = JoinSet::new();
        let mut spawned: HashSet<StepKey> = HashSet::new();
        let mut failure: Option<(StepKey, StepError)> = None;

        loop {
            if failure.is_none() && !stop.is_cancelled() {
                for key in StepKey::ALL {
                    if self.timing.sequential && !spawned.is_empty() {
                        break;
                    }
                    let ready = states.get(&key).is_some_and(|s| s == "pending")
                        && !spawned.contains(&key)
                        && key
                            .needs()
                            .iter()
                            .all(|d| states.get(d).is_some_and(|s| s == "succeeded"));
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
                    states.insert(key, "succeeded".into());
                }
                Err(StepError::Cancelled) => {
                    // Stopped at a safe point; it starts over (idempotently) on resume.
                    self.store
                        .step_update(run_id, key.as_str(), StepUpdate::State("pending"))?;
                    states.insert(key, "pending".into());
                }
                Err(e) => {
                    states.insert(key, "failed".into());
                    if failure.is_none() {
                        failure = Some((key, e));
                        // A permanent failure stops new steps; running ones stop at a safe point.
                        stop.cancel();
                    }
                }
            }
        }
        watcher.abort();
        tracing::info!(run = run_id, customer = %ctx.customer.slug, "steps stopped");

        let cancel_rollback = self.store.cancel_requested(run_id)?;
        let state = if let Some((key, err)) = failure {
            let message = err.message();
            self.store
                .set_run_state(run_id, "failed", Some(&message), Some(key.as_str()))?;
            self.mark_customer(&ctx, Status::Failed);
            if self.on_failure == FailurePolicy::Rollback {
                self.rollback_claimed(run_id, sink.clone()).await?
            } else {
                sink.emit(&RunEvent::RunFinished {
                    run_id,
                    state: RunState::Failed,
                    error: Some(message),
                });
                RunState::Failed
            }
        } else if states.values().all(|s| s == "succeeded") {
            self.store.set_run_state(run_id, "succeeded", None, None)?;
            self.store
                .log(run_id, None, "info", "Körningen är klar", None, None, None)?;
            sink.emit(&RunEvent::RunFinished {
                run_id,
                state: RunState::Succeeded,
                error: None,
            });
            RunState::Succeeded
        } else if cancel_rollback == Some(true) {
            self.store
                .set_run_state(run_id, "cancelled", Some("Avbruten"), None)?;
            self.rollback_claimed(run_id, sink.clone()).await?
        } else {
            // Cancelled (by the user, or the process is shutting down): resumable.
            self.store.set_run_state(
                run_id,
                "cancelled",
                Some("Avbruten; kan återupptas"),
                None,
            )?;
            self.mark_customer(&ctx, Status::Pending);
            sink.emit(&RunEvent::RunFinished {
                run_id,
                state: RunState::Cancelled,
                error: None,
            });
            RunState::Cancelled
        };
        Ok(state)
    }

    fn mark_customer(&self, ctx: &RunCtx, status: Status) {
        let _ = self.store.update_customer(
            &ctx.customer.slug,
            CustomerPatch {
                status: Some(status),
                ..Default::default()
            },
            &self.settings.manifest,
        );
    }

    /// Heartbeats, and turns a cancel asked for in the database (by any process) into the
    /// in-process cancellation signal.
    fn watch(&self, run_id: i64, stop: CancellationToken) -> tokio::task::JoinHandle<()> {
        let store = self.store.clone();
        let every = HEARTBEAT.min(self.timing.poll.cap);
        tokio::spawn(async move {
            loop {
                let _ = store.heartbeat(run_id);
                if let Ok(Some(_)) = store.cancel_requested(run_id) {
                    stop.cancel();
                }
                tokio::time::sleep(every.min(Duration::from_millis(500))).await;
            }
        })
    }

    /// Rolls back a failed or cancelled run (public entry: claims it first).
    pub async fn rollback(&self, run_id: i64, sink: Arc<dyn EventSink>) -> Result<RunState> {
        if !self.store.claim_run(run_id, "rolling_back", STALE_AFTER)? {
            return Err(Error::RunBusy(run_id));
        }
        self.rollback_claimed(run_id, sink).await
    }

    /// Compensates, newest first, everything this run created.
    async fn rollback_claimed(&self, run_id: i64, sink: Arc<dyn EventSink>) -> Result<RunState> {
        self.store
            .set_run_state(run_id, "rolling_back", None, None)?;
        let ctx = self.context(run_id, sink.clone(), CancellationToken::new())?;
        let watcher = self.watch(run_id, CancellationToken::new());
        let left = self.compensate_all(&ctx, false).await?;
        watcher.abort();
        let state = if left.is_empty() {
            self.store
                .set_run_state(run_id, "rolled_back", None, None)?;
            // Nothing of the instance exists any more.
            let _ = self.store.update_customer(
                &ctx.customer.slug,
                CustomerPatch {
                    status: Some(Status::Pending),
                    ..Default::default()
                },
                &self.settings.manifest,
            );
            RunState::RolledBack
        } else {
            let msg = format!("Kvar att ta bort för hand: {}", left.join(" "));
            self.store
                .set_run_state(run_id, "rollback_failed", Some(&msg), None)?;
            self.mark_customer(&ctx, Status::Failed);
            RunState::RollbackFailed
        };
        let error = (state == RunState::RollbackFailed)
            .then(|| self.store.get_run(run_id).ok().and_then(|r| r.error))
            .flatten();
        sink.emit(&RunEvent::RunFinished {
            run_id,
            state,
            error,
        });
        Ok(state)
    }

    /// Runs the compensations in reverse order of creation; returns what could not be removed,
    /// as instructions. With `everything`, adopted resources are removed too (teardown).
    async fn compensate_all(&self, ctx: &RunCtx, everything: bool) -> Result<Vec<String>> {
        let mut steps = self.store.run_steps(ctx.run_id)?;
        steps.sort_by_key(|s| std::cmp::Reverse(s.seq.unwrap_or(0)));
        let mut left = Vec::new();
        for s in steps {
            let Some(key) = StepKey::parse(&s.key) else {
                continue;
            };
            if !matches!(
                key,
                StepKey::SupabaseProject
                    | StepKey::GithubRepo
                    | StepKey::VercelProject
                    | StepKey::N8nWorkflow
            ) {
                continue;
            }
            if s.state == "compensated" {
                continue;
            }
            let output = s.output.clone().unwrap_or(Value::Null);
            // The id, or — when a crash came between the create and recording its answer — the
            // resource found by the name this run recorded as its intent.
            let target = match (&s.external_id, &s.intent) {
                (Some(id), _) if s.created || everything => Some((id.clone(), output)),
                (None, Some(intent)) => match actions::find_by_intent(ctx, key, intent).await {
                    Ok(found) => found,
                    Err(e) => {
                        left.push(format!("{key}: {}", e.message()));
                        continue;
                    }
                },
                _ => None,
            };
            let Some((external_id, output)) = target else {
                continue;
            };
            ctx.emit(RunEvent::CompensationStarted {
                run_id: ctx.run_id,
                step: key,
                external_id: external_id.clone(),
            });
            self.store
                .step_update(ctx.run_id, key.as_str(), StepUpdate::State("compensating"))?;
            let started = Instant::now();
            let mut attempt = 1;
            let result = loop {
                match actions::compensate(ctx, key, &external_id, &output).await {
                    Ok(()) => break Ok(()),
                    Err(StepError::Provider(e)) => match self.timing.retry.delay(attempt, &e) {
                        Some(d) => {
                            ctx.log(
                                key,
                                "warn",
                                &format!(
                                    "Borttagningen misslyckades ({e}); försöker igen om {} ms",
                                    d.as_millis()
                                ),
                            );
                            tokio::time::sleep(d).await;
                            attempt += 1;
                        }
                        None => break Err(StepError::Provider(e)),
                    },
                    Err(e) => break Err(e),
                }
            };
            match result {
                Ok(()) => {
                    self.store.step_update(
                        ctx.run_id,
                        key.as_str(),
                        StepUpdate::State("compensated"),
                    )?;
                    self.store.log(
                        ctx.run_id,
                        Some(key.as_str()),
                        "info",
                        &format!("Tog bort {external_id}"),
                        Some(attempt),
                        Some(now_ms(started)),
                        None,
                    )?;
                    ctx.emit(RunEvent::CompensationDone {
                        run_id: ctx.run_id,
                        step: key,
                    });
                }
                Err(e) => {
                    let manual = actions::manual_removal(key, &external_id);
                    self.store.step_update(
                        ctx.run_id,
                        key.as_str(),
                        StepUpdate::State("compensation_failed"),
                    )?;
                    self.store.log(
                        ctx.run_id,
                        Some(key.as_str()),
                        "error",
                        &format!(
                            "Kunde inte ta bort {external_id}: {}. {manual}",
                            e.message()
                        ),
                        Some(attempt),
                        None,
                        None,
                    )?;
                    ctx.emit(RunEvent::CompensationFailed {
                        run_id: ctx.run_id,
                        step: key,
                        message: e.message(),
                        manual: manual.clone(),
                    });
                    left.push(manual);
                }
            }
        }
        Ok(left)
    }

    /// Deletes everything a provisioned customer owns ("Avveckla"), reusing the compensations,
    /// then clears its instance and marks it inactive.
    pub async fn teardown(&self, slug: &str, sink: Arc<dyn EventSink>) -> Result<RunState> {
        let customer = self.store.get_customer(slug)?;
        let keys = [
            StepKey::SupabaseProject,
            StepKey::GithubRepo,
            StepKey::VercelProject,
            StepKey::N8nWorkflow,
        ];
        let names: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        let run_id =
            match self
                .store
                .create_run(customer.id, "teardown", &self.environment, &names)?
            {
                NewRun::Created(id) => id,
                NewRun::AlreadyActive(id) => return Err(Error::RunBusy(id)),
            };
        sink.emit(&RunEvent::RunStarted {
            run_id,
            slug: slug.to_string(),
            resumed: false,
        });
        // What the customer owns: its recorded instance, completed by the ledger of its runs.
        let repo = self
            .store
            .last_step_output(customer.id, StepKey::GithubRepo.as_str())?;
        let targets: Vec<(StepKey, Option<String>, Value)> = vec![
            (
                StepKey::SupabaseProject,
                customer.instance.supabase_project_ref.clone(),
                Value::Null,
            ),
            (
                StepKey::GithubRepo,
                repo.as_ref()
                    .and_then(|r| r["full_name"].as_str().map(str::to_string))
                    .or_else(|| repo_from_url(customer.instance.github_repo_url.as_deref())),
                repo.unwrap_or(Value::Null),
            ),
            (
                StepKey::VercelProject,
                customer.instance.vercel_project_id.clone(),
                Value::Null,
            ),
            (
                StepKey::N8nWorkflow,
                customer.instance.n8n_workflow_id.clone(),
                Value::Null,
            ),
        ];
        // Recorded in provisioning order, so compensation (newest first) removes the workflow,
        // the Vercel project, the repo, then the Supabase project.
        for (key, id, out) in &targets {
            match id {
                Some(id) => self.store.step_update(
                    run_id,
                    key.as_str(),
                    StepUpdate::Resource {
                        external_id: id,
                        created: true,
                        output: Some(out),
                    },
                )?,
                None => {
                    self.store
                        .step_update(run_id, key.as_str(), StepUpdate::State("skipped"))?
                }
            }
        }
        let ctx = self.context(run_id, sink.clone(), CancellationToken::new())?;
        let left = self.compensate_all(&ctx, true).await?;
        let state = if left.is_empty() {
            self.store.set_run_state(run_id, "succeeded", None, None)?;
            let clear = CustomerPatch {
                status: Some(Status::Inactive),
                production_url: Some(String::new()),
                github_repo_url: Some(String::new()),
                supabase_project_ref: Some(String::new()),
                vercel_project_id: Some(String::new()),
                n8n_workflow_id: Some(String::new()),
                ..Default::default()
            };
            self.store
                .update_customer(slug, clear, &self.settings.manifest)?;
            for which in [
                crate::secrets::CustomerSecret::DatabasePassword,
                crate::secrets::CustomerSecret::ServiceRoleKey,
                crate::secrets::CustomerSecret::AdminPassword,
            ] {
                let _ = self.secrets.delete(&crate::secrets::SecretKey::Customer {
                    slug: slug.into(),
                    which,
                });
            }
            RunState::Succeeded
        } else {
            self.store.set_run_state(
                run_id,
                "rollback_failed",
                Some(&format!("Kvar att ta bort för hand: {}", left.join(" "))),
                None,
            )?;
            RunState::RollbackFailed
        };
        sink.emit(&RunEvent::RunFinished {
            run_id,
            state,
            error: None,
        });
        Ok(state)
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
    retry: &super::policy::RetryPolicy,
) -> std::result::Result<Done, StepError> {
    let started = Instant::now();
    let mut attempt: u32 = 1;
    loop {
        if ctx.cancel.is_cancelled() {
            return Err(StepError::Cancelled);
        }
        let _ = ctx
            .store
            .step_update(ctx.run_id, key.as_str(), StepUpdate::Started { attempt });
        ctx.emit(RunEvent::StepStarted {
            run_id: ctx.run_id,
            step: key,
            attempt,
        });
        let attempt_started = Instant::now();
        let result = actions::run(ctx, key).await;
        let took = now_ms(attempt_started);
        match result {
            Ok(done) => {
                if let Some(id) = &done.external_id {
                    // Steps that create record their resource themselves; this keeps outputs of
                    // the others (and is harmless for those).
                    let created = matches!(done.outcome, super::events::StepOutcome::Created);
                    let keep = ctx
                        .store
                        .run_steps(ctx.run_id)
                        .ok()
                        .and_then(|s| s.into_iter().find(|r| r.key == key.as_str()))
                        .is_some_and(|r| r.external_id.is_some());
                    if !keep {
                        let _ = ctx.store.step_update(
                            ctx.run_id,
                            key.as_str(),
                            StepUpdate::Resource {
                                external_id: id,
                                created: created && is_compensable(key),
                                output: Some(&done.output),
                            },
                        );
                    }
                }
                ctx.outputs
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .entry(key)
                    .or_insert_with(|| done.output.clone());
                let _ = ctx
                    .store
                    .step_update(ctx.run_id, key.as_str(), StepUpdate::Succeeded);
                let word = match done.outcome {
                    super::events::StepOutcome::Created => "skapad",
                    super::events::StepOutcome::Adopted => "fanns redan, övertagen",
                    super::events::StepOutcome::Done => "klar",
                    super::events::StepOutcome::Skipped => "hoppades över",
                };
                let _ = ctx.store.log(
                    ctx.run_id,
                    Some(key.as_str()),
                    "info",
                    &format!(
                        "{}: {word}{}",
                        key.label(),
                        done.external_id
                            .as_ref()
                            .map(|i| format!(" ({i})"))
                            .unwrap_or_default()
                    ),
                    Some(attempt),
                    Some(took),
                    None,
                );
                ctx.emit(RunEvent::StepDone {
                    run_id: ctx.run_id,
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
                match retry.delay(attempt, &e) {
                    Some(delay) => {
                        let reason = e.to_string();
                        let _ = ctx.store.step_update(
                            ctx.run_id,
                            key.as_str(),
                            StepUpdate::Retrying(&reason),
                        );
                        let _ = ctx.store.log(
                            ctx.run_id,
                            Some(key.as_str()),
                            "warn",
                            &format!(
                                "Försök {attempt} misslyckades: {reason}; nytt försök om {} ms",
                                delay.as_millis()
                            ),
                            Some(attempt),
                            Some(took),
                            rid.as_deref(),
                        );
                        ctx.emit(RunEvent::StepRetrying {
                            run_id: ctx.run_id,
                            step: key,
                            attempt,
                            delay_ms: delay.as_millis() as u64,
                            reason,
                        });
                        ctx.sleep(delay).await?;
                        attempt += 1;
                    }
                    None => {
                        return Err(fail(
                            ctx,
                            key,
                            StepError::Provider(e),
                            attempt,
                            took,
                            rid.as_deref(),
                        ))
                    }
                }
            }
            Err(e) => return Err(fail(ctx, key, e, attempt, took, None)),
        }
    }
}

fn is_compensable(key: StepKey) -> bool {
    matches!(
        key,
        StepKey::SupabaseProject
            | StepKey::GithubRepo
            | StepKey::VercelProject
            | StepKey::N8nWorkflow
    )
}

fn fail(
    ctx: &RunCtx,
    key: StepKey,
    e: StepError,
    attempt: u32,
    took: u64,
    request_id: Option<&str>,
) -> StepError {
    let message = e.message();
    let _ = ctx
        .store
        .step_update(ctx.run_id, key.as_str(), StepUpdate::Failed(&message));
    let _ = ctx.store.log(
        ctx.run_id,
        Some(key.as_str()),
        "error",
        &message,
        Some(attempt),
        Some(took),
        request_id,
    );
    ctx.emit(RunEvent::StepFailed {
        run_id: ctx.run_id,
        step: key,
        code: e.code(),
        message,
    });
    e
}
