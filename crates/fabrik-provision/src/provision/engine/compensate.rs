//! Compensation: a rollback removes, newest first, what a run created (or puts back what it
//! changed); a teardown removes everything the customer owns. Each resource is read back right
//! before it is touched, and only what carries the customer's marker goes.

use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::{now_ms, retry, Engine};
use crate::customer::rows::InstanceRows;
use crate::customer::{Instance, Status};
use crate::error::{Error, Result};
use crate::ledger::events::{EventSink, RunEvent};
use crate::ledger::journal::Entry;
use crate::ledger::{Driver, StepUpdate};
use crate::ledger::{LogLevel, RunState, StepKey, StepState};
use crate::messages::params;
use crate::messages::{param_text, ErrorCode, Say, Text};
use crate::provision::context::{RunCtx, StepError};
use crate::provision::steps::StepTable;
use crate::provision::steps::{self, Owned};
use crate::provision::{creation, proof};
use crate::store::runs::StepRow;

impl Engine {
    /// Rolls back a failed or cancelled run (public entry: claims it first).
    pub async fn rollback(&self, run_id: i64, sink: Arc<dyn EventSink>) -> Result<RunState> {
        let me = self.clone();
        let driver = crate::blocking::run(move || me.claim_rollback(run_id)).await?;
        self.rollback_claimed(driver, sink).await
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
        let ctx = self
            .context(&driver, sink.clone(), CancellationToken::new())
            .await?;
        ctx.journal
            .record(Entry::run(RunState::RollingBack))
            .await?;
        let left = self.compensate_watched(&ctx, false).await?;
        let finished = |state, error| RunEvent::RunFinished {
            run_id,
            state,
            error,
        };
        let state = if left.is_empty() {
            // Nothing of the instance exists any more.
            self.mark_customer(&ctx, Status::Pending).await;
            let done = Entry::run(RunState::RolledBack).event(finished(RunState::RolledBack, None));
            ctx.journal.record(done).await?;
            RunState::RolledBack
        } else {
            let msg = left_by_hand(&left);
            self.mark_customer(&ctx, Status::Failed).await;
            let event = finished(RunState::RollbackFailed, Some(msg.redacted()));
            let stopped = Entry::run_stopped(RunState::RollbackFailed, msg, None).event(event);
            ctx.journal.record(stopped).await?;
            RunState::RollbackFailed
        };
        Ok(state)
    }

    pub(super) async fn teardown_claimed(
        &self,
        driver: Driver,
        sink: Arc<dyn EventSink>,
    ) -> Result<RunState> {
        let run_id = driver.run_id;
        let ctx = self
            .context(&driver, sink.clone(), CancellationToken::new())
            .await?;
        let slug = ctx.customer.slug.clone();
        // The run was recorded running when it was asked for: this only shows it started.
        ctx.journal.show(RunEvent::RunStarted {
            run_id,
            slug: slug.clone(),
            resumed: false,
        });
        let left = self.compensate_watched(&ctx, true).await?;
        let finished = |state| RunEvent::RunFinished {
            run_id,
            state,
            error: None,
        };
        let state = if left.is_empty() {
            // This environment's card is cleared; the other environment's is not touched. Done
            // before the run is marked done: a teardown resumed after a crash in between finds
            // nothing left to delete and clears the card again.
            let (id, env) = (ctx.customer.id, self.environment);
            self.db(move |s| s.set_instance(id, env, Status::Inactive, Some(&Instance::default())))
                .await?;
            let (secrets, uid) = (self.secrets.clone(), ctx.customer.uid.clone());
            crate::blocking::run(move || secrets.forget_customer(&uid, &slug)).await;
            let done = Entry::run(RunState::Succeeded).event(finished(RunState::Succeeded));
            ctx.journal.record(done).await?;
            RunState::Succeeded
        } else {
            let msg = left_by_hand(&left);
            let stopped = Entry::run_stopped(RunState::RollbackFailed, msg, None)
                .event(finished(RunState::RollbackFailed));
            ctx.journal.record(stopped).await?;
            RunState::RollbackFailed
        };
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
                        let key = row.key;
                        left.push(why.within(|w| format!("{key}: {w}"), |w| format!("{key}: {w}")));
                        continue;
                    }
                },
                _ => None,
            };
            if let Some((external_id, output)) = target {
                if let Some(manual) = self
                    .compensate_one(ctx, &row, undo, &external_id, &output, everything)
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
        everything: bool,
    ) -> Result<Option<Text>> {
        let (run_id, key) = (ctx.run_id, row.key);
        let started = RunEvent::CompensationStarted {
            run_id,
            step: key,
            external_id: external_id.to_string(),
        };
        let compensating = Entry::step(key, StepUpdate::State(StepState::Compensating));
        ctx.journal.record(compensating.event(started)).await?;
        let started = Instant::now();
        let (result, attempt) = retry::retrying(
            &self.timing.retry,
            // Read back right before deleting: only what carries the customer's marker goes.
            |_| {
                proof::fenced(ctx, async move {
                    if let Some(refusal) = super::claims::card_only(key, external_id, output) {
                        return Err(refusal);
                    }
                    match (undo.owns)(ctx, external_id, output).await {
                        // A rollback deletes only what this run made and nothing delivered,
                        // proven by the resource as read now and the register (`creation`).
                        Ok(Owned::Ours(made)) if !everything && !undo.restores => {
                            match rollback_may_delete(ctx, key, external_id, made).await {
                                Ok(()) => match proof::fence(ctx).await {
                                    Ok(()) => (undo.delete)(ctx, external_id, output)
                                        .await
                                        .map(|()| false),
                                    Err(e) => Err(e),
                                },
                                Err(refusal) => Err(refusal),
                            }
                        }
                        // The fence right after the read; the pacer checks it again at the call.
                        Ok(Owned::Ours(_)) => match proof::fence(ctx).await {
                            Ok(()) => (undo.delete)(ctx, external_id, output)
                                .await
                                .map(|()| false),
                            Err(e) => Err(e),
                        },
                        Ok(Owned::Gone) => Ok(true),
                        Ok(Owned::NotOurs(refusal)) => Err(refusal),
                        Err(e) => Err(e),
                    }
                })
            },
            |_, e, delay| async move {
                let mut p = params! { "ms" => delay.as_millis() };
                param_text(&mut p, "reason", &StepError::Provider(e).text());
                ctx.log(key, LogLevel::Warn, &Say::DeleteRetrying.with(p))
                    .await;
                tokio::time::sleep(delay).await;
                Ok(())
            },
        )
        .await;
        let took = now_ms(started);
        match result {
            // Not Fabrik's (no marker for this customer): left exactly as it is, and said so.
            Err(e)
                if matches!(
                    e.code(),
                    ErrorCode::ResourceNotOurs
                        | ErrorCode::NotInLedger
                        | ErrorCode::ResourceDelivered
                        | ErrorCode::NotMadeByRun
                ) =>
            {
                let mut p = params! { "id" => external_id };
                param_text(&mut p, "reason", &e.text());
                let text = Say::LeftAloneNotOurs.with(p);
                let entry = (StepState::Skipped, LogLevel::Warn, text, None);
                let done = RunEvent::CompensationDone { run_id, step: key };
                settle(ctx, key, attempt, entry, done).await?;
                Ok(None)
            }
            // Changed by someone after this run wrote it: theirs now, left as it is.
            Err(e) if e.code() == ErrorCode::ChangedElsewhere => {
                let text = e.text();
                let entry = (StepState::Skipped, LogLevel::Warn, text, None);
                let done = RunEvent::CompensationDone { run_id, step: key };
                settle(ctx, key, attempt, entry, done).await?;
                Ok(None)
            }
            Ok(was_gone) => {
                let say = match (was_gone, undo.restores) {
                    (true, true) => Say::AlreadyAsBefore,
                    (true, false) => Say::NoLongerExisted,
                    (false, true) => Say::Restored,
                    (false, false) => Say::Deleted,
                };
                let text = say.with(params! { "id" => external_id });
                let entry = (StepState::Compensated, LogLevel::Info, text, Some(took));
                let done = RunEvent::CompensationDone { run_id, step: key };
                settle(ctx, key, attempt, entry, done).await?;
                Ok(None)
            }
            Err(e) => {
                let manual = if e.code() == ErrorCode::ProviderMoved {
                    // Renamed or moved by someone: no longer what the ledger names. Left alone.
                    Say::MovedLeftAlone.with(params! { "id" => external_id })
                } else {
                    (undo.manual)(external_id)
                };
                let why = e.text();
                let mut p = params! { "id" => external_id };
                param_text(&mut p, "reason", &why);
                param_text(&mut p, "manual", &manual);
                let text = if undo.restores {
                    Say::CouldNotRestore.with(p)
                } else {
                    Say::CouldNotDelete.with(p)
                };
                let entry = (StepState::CompensationFailed, LogLevel::Error, text, None);
                let failed = RunEvent::CompensationFailed {
                    run_id,
                    step: key,
                    message: why,
                    manual: manual.clone(),
                };
                settle(ctx, key, attempt, entry, failed).await?;
                Ok(Some(manual))
            }
        }
    }
}

/// The rule of creation proof at a rollback's delete (`creation::rollback_may_delete`): the
/// resource as just read, and the register's succeeded runs of the customer that name it
/// through a step of the same provider.
async fn rollback_may_delete(
    ctx: &RunCtx,
    key: StepKey,
    external_id: &str,
    made: creation::Made,
) -> std::result::Result<(), StepError> {
    let (customer, env, id) = (ctx.customer.id, ctx.environment, external_id.to_string());
    let delivered = ctx
        .db(move |s| s.delivered_resource(customer, env, &id))
        .await?
        .into_iter()
        .find(|(run, k)| *run != ctx.run_id && k.provider() == key.provider())
        .map(|(run, _)| run);
    creation::rollback_may_delete(made, delivered).map_err(|keep| {
        let (code, run) = match keep {
            creation::Keep::Delivered(run) => (ErrorCode::ResourceDelivered, run),
            creation::Keep::NotThisRun => (ErrorCode::NotMadeByRun, ctx.run_id),
        };
        StepError::permanent(
            code,
            params! { "name" => external_id, "run" => run, "slug" => ctx.customer.slug },
        )
    })
}

/// A compensation's end in the ledger: the step's state, the line that says why, the event.
async fn settle(
    ctx: &RunCtx,
    key: StepKey,
    attempt: u32,
    (state, level, text, took): (StepState, LogLevel, Text, Option<u64>),
    event: RunEvent,
) -> Result<()> {
    let entry = Entry::step(key, StepUpdate::State(state))
        .line(Some(key), level, text)
        .measured(attempt, took, None)
        .event(event);
    ctx.journal.record(entry).await
}

/// "Kvar att ta bort för hand: …": what a rollback or teardown could not delete.
fn left_by_hand(left: &[Text]) -> Text {
    let mut p = params! {};
    param_text(&mut p, "list", &Text::join(left, " "));
    Say::LeftByHand.with(p)
}
