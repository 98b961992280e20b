//! What a running step can reach: the customer, the clients, the ledger, the keyring, the event
//! sink, the cancellation signal; and the helpers every step uses to wait and to record.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

use super::policy::Timing;
use super::settings::ProvisionSettings;
use crate::customer::Customer;
use crate::environment::Environment;
use crate::ledger::events::RunEvent;
use crate::ledger::journal::{Entry, Journal};
use crate::ledger::LogLevel;
use crate::ledger::StepKey;
use crate::ledger::{Driver, StepUpdate};
use crate::messages::params;
use crate::messages::{ErrorCode, Params, Text};
use crate::providers::supabase::ApiKeys;
use crate::providers::Clients;
use crate::providers::ProviderError;
use crate::secrets::{SecretError, SecretStore};
use crate::store::Store;

/// A ledger that could not be written (or a run this driver no longer holds), as a step's
/// failure.
fn ledger_failed(e: crate::Error) -> StepError {
    StepError::permanent(ErrorCode::LedgerWriteFailed, params! { "detail" => e })
}

/// Why a step did not finish.
#[derive(Debug, Clone)]
pub enum StepError {
    Provider(ProviderError),
    /// Retrying cannot help: a conflict, a failed start, a schema mismatch, a timeout ceiling.
    Permanent {
        code: ErrorCode,
        params: Params,
    },
    Keyring(SecretError),
    Cancelled,
}

impl StepError {
    pub fn permanent(code: ErrorCode, params: Params) -> StepError {
        let params = params
            .into_iter()
            .map(|(k, v)| (k, crate::secrets::redact(&v)))
            .collect();
        StepError::Permanent { code, params }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            StepError::Provider(e) => e.code(),
            StepError::Permanent { code, .. } => *code,
            StepError::Keyring(e) => e.code(),
            StepError::Cancelled => ErrorCode::Cancelled,
        }
    }

    pub fn params(&self) -> Params {
        match self {
            StepError::Provider(e) => e.params(),
            StepError::Permanent { params, .. } => params.clone(),
            StepError::Keyring(e) => e.params(),
            StepError::Cancelled => Params::new(),
        }
    }

    /// In Swedish, for the CLI.
    pub fn message(&self) -> String {
        self.code().sv(&self.params())
    }

    /// In both languages, for the ledger and the window.
    pub fn text(&self) -> Text {
        Text::of(self.code(), &self.params())
    }
}

impl From<ProviderError> for StepError {
    fn from(e: ProviderError) -> Self {
        StepError::Provider(e)
    }
}

impl From<SecretError> for StepError {
    fn from(e: SecretError) -> Self {
        StepError::Keyring(e)
    }
}

/// What a step reports when it finishes.
pub struct Done {
    pub outcome: crate::ledger::events::StepOutcome,
    pub external_id: Option<String>,
    pub output: Value,
}

/// One poll of something that becomes ready later.
pub enum Poll<T> {
    Ready(T),
    /// Not yet; the provider's own word for the state, if any.
    Pending(Option<String>),
}

pub struct RunCtx {
    pub run_id: i64,
    /// What the run does: only a provisioning run moves the customer's status.
    pub kind: crate::ledger::RunKind,
    /// This driver's hold on the run: every ledger write of a step goes through it.
    pub driver: Driver,
    pub customer: Customer,
    pub store: Arc<Store>,
    pub clients: Arc<Clients>,
    pub settings: Arc<ProvisionSettings>,
    pub secrets: SecretStore,
    pub timing: Timing,
    /// Where this run's transitions, log lines and events are written, in one call each.
    pub journal: Journal<Store>,
    pub cancel: CancellationToken,
    pub outputs: Mutex<HashMap<StepKey, Value>>,
    /// Sandbox or production: every ledger lookup stays within it.
    pub environment: Environment,
    pub keys: OnceCell<Arc<ApiKeys>>,
    /// What the run was asked (`RunRow::input`, read back by `RunRequest::from_stored`);
    /// `None` when the ledger holds input this Fabrik does not know.
    pub request: Option<crate::provision::kinds::RunRequest>,
    /// This run's mark (`creation::run_mark`), written on what it creates: the resource's own
    /// proof that this run made it. Empty where no run is driven (a read-only context).
    pub mark: String,
}

impl RunCtx {
    /// Progress that changes nothing in the ledger (a step still waiting).
    pub fn emit(&self, e: RunEvent) {
        self.journal.show(e);
    }

    /// Writes a transition with its log line and event (`ledger::journal`). A ledger that
    /// cannot be written fails the step: carrying on would create resources it does not know of.
    pub async fn record(&self, entry: Entry) -> Result<(), StepError> {
        self.journal.record(entry).await.map_err(ledger_failed)
    }

    /// Ledger reads for a step, on the blocking pool.
    pub async fn db<T, F>(&self, f: F) -> Result<T, StepError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> crate::Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        crate::blocking::run(move || f(&store))
            .await
            .map_err(ledger_failed)
    }

    /// A line of the run's log about `step`.
    pub async fn log(&self, step: StepKey, level: LogLevel, message: &Text) {
        let entry = Entry::note().line(Some(step), level, message.clone());
        // A lost log line is not worth failing a step over; the journal traced it if written.
        if let Err(e) = self.record(entry).await {
            tracing::warn!(
                run = self.run_id,
                step = step.as_str(),
                "log line not written: {}",
                e.message()
            );
        }
    }

    pub fn output(&self, key: StepKey) -> Value {
        self.outputs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// A step's output, typed (`outputs`); `ledger_incomplete` naming the step when the
    /// ledger does not hold it.
    pub fn out<T: super::outputs::StepOutput>(&self) -> Result<T, StepError> {
        serde_json::from_value(self.output(T::STEP)).map_err(|e| {
            StepError::permanent(
                ErrorCode::LedgerIncomplete,
                params! { "step" => T::STEP, "field" => e },
            )
        })
    }

    /// A step's output, typed, when the step recorded one (`None` before it has).
    pub fn recorded<T: super::outputs::StepOutput>(&self) -> Option<T> {
        serde_json::from_value(self.output(T::STEP)).ok()
    }

    /// What `step` recorded so far, typed; `None` when it recorded nothing yet.
    pub fn recorded_as<T: serde::de::DeserializeOwned + Default>(
        &self,
        step: StepKey,
    ) -> Option<T> {
        let v = self.output(step);
        (!v.is_null()).then(|| super::outputs::read(&v))
    }

    /// The workflow `n8n.workflow` recorded, if it ran.
    pub fn workflow_id(&self) -> Option<String> {
        self.out::<super::outputs::Workflow>().ok().map(|w| w.id)
    }

    /// Records the name of what this step is about to create, before the call that creates it;
    /// if that cannot be written, the step fails without calling.
    pub async fn record_intent(&self, step: StepKey, name: &str) -> Result<(), StepError> {
        self.record(Entry::step(step, StepUpdate::Intent(name.to_string())))
            .await
    }

    /// Whether this run recorded the intent to create this step's resource: if so, a resource
    /// found by name now is one this run created (before a crash or a lost answer).
    pub async fn intended_by_this_run(&self, step: StepKey) -> Result<bool, StepError> {
        let run_id = self.run_id;
        let steps = self.db(move |s| s.run_steps(run_id)).await?;
        Ok(steps
            .into_iter()
            .find(|r| r.key == step)
            .is_some_and(|r| r.intent.is_some()))
    }

    /// Records the external id as soon as it is known, so a crash right after leaves it in the
    /// ledger for resume and rollback.
    pub async fn record_resource(
        &self,
        step: StepKey,
        external_id: &str,
        created: bool,
        output: &Value,
    ) -> Result<(), StepError> {
        let update = StepUpdate::Resource {
            external_id: external_id.to_string(),
            created,
            output: Some(output.clone()),
        };
        self.record(Entry::step(step, update)).await?;
        self.outputs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(step, output.clone());
        Ok(())
    }

    /// Sleeps unless cancelled first.
    pub async fn sleep(&self, d: Duration) -> Result<(), StepError> {
        tokio::select! {
            _ = self.cancel.cancelled() => Err(StepError::Cancelled),
            _ = tokio::time::sleep(d) => Ok(()),
        }
    }

    /// Polls `check` with the polling policy until it is ready, failing after `ceiling`: the
    /// first check when waits like this one have taken so long before (`policy::Observed`).
    /// Transient errors while polling are part of waiting (bounded by the same ceiling).
    pub async fn wait_until<T, F, Fut>(
        &self,
        step: StepKey,
        what: Text,
        ceiling: Duration,
        mut check: F,
    ) -> Result<T, StepError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Poll<T>, StepError>>,
    {
        let started = Instant::now();
        let observed = super::policy::observed();
        let (first, mut delay) = self
            .timing
            .poll
            .schedule(observed.expected(self.environment, &what.en));
        if !first.is_zero() {
            self.sleep(first.min(ceiling)).await?;
        }
        let mut last_detail: Option<String> = None;
        let mut last_pending: Option<Duration> = None;
        loop {
            if self.cancel.is_cancelled() {
                return Err(StepError::Cancelled);
            }
            let asked = started.elapsed();
            match check().await {
                Ok(Poll::Ready(v)) => {
                    observed.record(self.environment, &what.en, last_pending, asked);
                    return Ok(v);
                }
                Ok(Poll::Pending(detail)) => {
                    last_pending = Some(asked);
                    if detail != last_detail {
                        let text = match &detail {
                            Some(d) => {
                                what.within(|w| format!("{w} ({d})"), |w| format!("{w} ({d})"))
                            }
                            None => what.clone(),
                        };
                        let entry = Entry::step(step, StepUpdate::Waiting(text.clone())).line(
                            Some(step),
                            LogLevel::Info,
                            text,
                        );
                        // Best effort: the wait goes on whether or not its line was written.
                        let _ = self.record(entry).await;
                        last_detail = detail.clone();
                    }
                    self.emit(RunEvent::StepWaiting {
                        run_id: self.run_id,
                        step,
                        waiting_for: what.clone(),
                        detail,
                        elapsed_ms: started.elapsed().as_millis() as u64,
                    });
                }
                Err(StepError::Provider(e)) if e.is_retryable() => {
                    let mut p = params! { "e" => e };
                    crate::messages::param_text(&mut p, "what", &what);
                    let text = crate::messages::Say::WaitRetrying.with(p);
                    self.log(step, LogLevel::Warn, &text).await;
                    if let Some(wait) = e.retry_after {
                        delay = delay.max(wait);
                    }
                }
                Err(e) => return Err(e),
            }
            if started.elapsed() >= ceiling {
                return Err(StepError::permanent(
                    ErrorCode::WaitTimeout,
                    params! {
                        "what" => what.sv,
                        "what_en" => what.en,
                        "seconds" => ceiling.as_secs_f64().round(),
                    },
                ));
            }
            self.sleep(
                delay.min(
                    ceiling
                        .saturating_sub(started.elapsed())
                        .max(Duration::from_millis(10)),
                ),
            )
            .await?;
            delay = self.timing.poll.next(delay);
        }
    }

    /// The project's API keys, fetched once per process (they are secrets: never stored in
    /// the ledger; the service-role key is kept in the keyring by the keys step).
    pub async fn api_keys(&self) -> Result<Arc<ApiKeys>, StepError> {
        let project_ref = self.out::<super::outputs::SupabaseProject>()?.project_ref;
        self.keys
            .get_or_try_init(|| async {
                self.clients
                    .supabase
                    .api_keys(&project_ref)
                    .await
                    .map(Arc::new)
                    .map_err(StepError::from)
            })
            .await
            .cloned()
    }
}
