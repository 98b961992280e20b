//! Inkorg (`fabrik intake`): the portal's requests and Stripe's payments as requests to
//! approve or reject. Approving is one ordinary provisioning run of a customer made from the
//! request; the portal is then kept told what happened (`sync`), from the register's own
//! record, so a write it refused is written again and never blocks the run. A source approves
//! on its own only what `crate::intake::waiting` lets through, and only its limit a day.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::runs::RunHost;
use super::ApiResult;
use crate::customer::Plan;
use crate::error::Error;
use crate::intake::portal::Portal;
use crate::ledger::RunEvent;
use crate::messages::{params, Say, Text};
use crate::provision::RunRequest;
use crate::secrets::{Provider, SecretKey};
use crate::store::db::PgConfig;
use crate::store::intake::{
    AutoClaim, IntakeChoices, IntakeItem, IntakeSource, IntakeSourceState, IntakeState, NewIntake,
};
use crate::supervisor::cloud::CloudApi;
use crate::supervisor::Supervisor;

/// The portal's address (a seat setting: this seat's password goes there).
pub const PORTAL_URL: &str = "portal.database_url";
pub const PORTAL_URL_ENV: &str = "FABRIK_PORTAL_DATABASE_URL";

/// The inbox as the window shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Inbox {
    pub items: Vec<IntakeItem>,
    pub sources: Vec<SourceView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SourceView {
    pub state: IntakeSourceState,
    /// Set up on this seat (the portal's address and password, a Stripe key).
    pub configured: bool,
    /// Where it is read from, without a secret (`user@host:port/db`, Stripe's API).
    pub place: Option<String>,
    /// What to know about it (Stripe's 30 days).
    pub notes: Vec<Text>,
}

/// What a poll found and did.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct PollReport {
    pub new_requests: u32,
    pub cancelled: u32,
    /// Stripe events read, and those handled before (the overlap, another seat).
    pub events: u32,
    pub seen_before: u32,
    /// Requests sent to Stripe and to the portal.
    pub requests: u32,
    /// Approved on their own (a source set to provision automatically).
    #[ts(type = "number[]")]
    pub approved: Vec<i64>,
    /// Portal writes made, and refused (kept and tried again).
    pub written: u32,
    pub problems: Vec<Text>,
}

/// Who approves a request: a person (with the plan they chose, which a Stripe price nobody
/// mapped needs), or its source on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Person(Option<Plan>),
    Automatic,
}

/// What claiming a request for an approval found.
enum Claimed {
    /// Its customer, to provision.
    Customer(String),
    /// The source's limit a day is reached: it waits.
    Limit,
}

pub struct Intake {
    cloud: Arc<CloudApi>,
    supervisor: Arc<Supervisor>,
    /// A portal write under way, and one asked for meanwhile (`sync_soon`).
    syncing: AtomicBool,
    again: AtomicBool,
}

/// What a run approved from the inbox reports to: everything goes on to the window or the
/// CLI, and each step started and the run's end are told to the portal as they happen.
struct Telling {
    inner: Arc<dyn RunHost>,
    intake: Arc<Intake>,
}

impl RunHost for Telling {
    fn emit(&self, event: &RunEvent) {
        self.inner.emit(event);
        if matches!(
            event,
            RunEvent::StepStarted { .. }
                | RunEvent::StepFailed { .. }
                | RunEvent::RunFinished { .. }
        ) {
            self.intake.sync_soon();
        }
    }

    fn notify(&self, title: &str, body: &str) {
        self.inner.notify(title, body);
    }

    fn sweep(&self, status: &crate::supervisor::host::Sweep) {
        self.inner.sweep(status);
    }
}

fn intake_error(say: Say, p: crate::messages::Params) -> Error {
    Error::Intake(say.with(p))
}

/// A request someone already decided: nothing is done, and who decided is named.
fn decided(item: &IntakeItem) -> Error {
    intake_error(
        Say::IntakeDecided,
        params! {
            "name" => item.name.as_str(), "state" => item.state.as_str(),
            "by" => item.decided_by.clone().unwrap_or_default(),
        },
    )
}

impl Intake {
    pub fn new(cloud: Arc<CloudApi>, supervisor: Arc<Supervisor>) -> Intake {
        Intake {
            cloud,
            supervisor,
            syncing: AtomicBool::new(false),
            again: AtomicBool::new(false),
        }
    }

    /// Tells the portal what changed, soon and off the caller's path: one write at a time,
    /// and one more after it when something changed meanwhile. A refusal is kept on the
    /// request (`sync`) and written again later.
    fn sync_soon(self: &Arc<Self>) {
        self.again.store(true, Ordering::SeqCst);
        if self.syncing.swap(true, Ordering::SeqCst) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.syncing.store(false, Ordering::SeqCst);
            return;
        };
        let me = self.clone();
        runtime.spawn(async move {
            while me.again.swap(false, Ordering::SeqCst) {
                let _ = me.sync().await;
            }
            me.syncing.store(false, Ordering::SeqCst);
            // Asked for between the last write and the flag's reset.
            if me.again.load(Ordering::SeqCst) {
                me.sync_soon();
            }
        });
    }

    /// The portal's connection settings (blocking: the keyring), or `None` when not set up.
    fn portal_config(&self) -> crate::Result<Option<PgConfig>> {
        let url = std::env::var(PORTAL_URL_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .or_else(|| {
                self.cloud
                    .seat
                    .get(PORTAL_URL)
                    .filter(|v| !v.trim().is_empty())
            });
        let Some(url) = url else {
            return Ok(None);
        };
        let mut config = PgConfig::parse(url.trim())
            .map_err(|e| Error::Intake(Say::PortalAddressCannotRead.with(params! { "e" => e })))?;
        if !config.has_password() {
            if let Some(p) = self
                .cloud
                .secrets
                .get(&SecretKey::Database(config.describe()))?
            {
                config.set_password(p.expose());
            }
        }
        Ok(Some(config))
    }

    /// Saves the portal's address on this seat and its password in the keyring.
    pub fn set_portal(&self, url: &str, password: &str) -> crate::Result<()> {
        crate::provision::settings::check_setting(PORTAL_URL, url)?;
        let config = PgConfig::parse(url.trim())
            .map_err(|e| Error::Intake(Say::PortalAddressCannotRead.with(params! { "e" => e })))?;
        if !password.is_empty() {
            self.cloud.secrets.set(
                &SecretKey::Database(config.describe()),
                &crate::secrets::Secret::new(password),
            )?;
        }
        self.cloud
            .seat
            .set(PORTAL_URL, url.trim())
            .map_err(|e| Error::Internal(format!("could not keep the portal's address: {e}")))
    }

    /// The inbox: what waits, and what was decided in the last 30 days.
    pub async fn inbox(self: &Arc<Self>) -> ApiResult<Inbox> {
        let me = self.clone();
        Ok(crate::blocking::run(move || me.inbox_now()).await?)
    }

    fn inbox_now(&self) -> crate::Result<Inbox> {
        let store = self.cloud.store();
        let mut items = store.intake(30)?;
        let portal = self.portal_config().ok().flatten();
        let stripe_key = self.cloud.token(Provider::Stripe).ok().flatten();
        let mut sources = Vec::new();
        for source in IntakeSource::ALL {
            let state = store.intake_source(*source)?;
            let (configured, place, mut notes) = match source {
                IntakeSource::Portal => (
                    portal.is_some(),
                    portal.as_ref().map(|c| c.describe()),
                    Vec::new(),
                ),
                IntakeSource::Stripe => (
                    stripe_key.is_some(),
                    Some(self.cloud.endpoints().stripe_api),
                    vec![Say::IntakeStripeDays.text()],
                ),
            };
            if let (IntakeSource::Stripe, Some(at)) = (source, &state.polled_at) {
                let days = store.seconds_since(at)? / 86_400;
                if days >= crate::providers::stripe::EVENT_DAYS {
                    notes.push(
                        Say::IntakeStripeGap.with(params! { "at" => at.as_str(), "days" => days }),
                    );
                }
            }
            for item in items.iter_mut().filter(|i| i.source == *source) {
                if item.state == IntakeState::Pending {
                    item.plan = crate::intake::plan_for(item, &state);
                }
                item.waiting = crate::intake::waiting(item, &state).map(|w| w.text());
            }
            sources.push(SourceView {
                state,
                configured,
                place,
                notes,
            });
        }
        Ok(Inbox { items, sources })
    }

    /// Reads both sources, approves what a source provisions on its own, and tells the portal
    /// what changed. A source not set up is skipped; one that fails is named and the other
    /// goes on.
    pub async fn poll(self: &Arc<Self>, host: Arc<dyn RunHost>) -> ApiResult<PollReport> {
        let mut report = PollReport::default();
        let me = self.clone();
        let (portal, stripe_key) = crate::blocking::run(move || {
            Ok::<_, Error>((me.portal_config()?, me.cloud.token(Provider::Stripe)?))
        })
        .await?;
        let store = self.cloud.shared_store();
        if let Some(config) = portal {
            let s = store.clone();
            let read = crate::blocking::run(move || -> crate::Result<Result<u32, String>> {
                let found = Portal::connect(&config).and_then(|p| p.pending());
                let outcome = match found {
                    Ok(requests) => {
                        let mut added = 0;
                        for r in requests {
                            let new = NewIntake {
                                source: IntakeSource::Portal,
                                external_id: r.id,
                                name: r.agency_name,
                                admin_email: r.admin_email,
                                plan: None,
                                organization_id: r.organization_id,
                                detail: serde_json::json!({ "created_at": r.created_at })
                                    .to_string(),
                            };
                            added += u32::from(s.add_intake(&new)?.is_some());
                        }
                        Ok(added)
                    }
                    Err(e) => Err(e.0),
                };
                let problem = outcome.as_ref().err().map(String::as_str);
                s.intake_polled(IntakeSource::Portal, None, problem)?;
                Ok(outcome)
            })
            .await?;
            report.requests += 1;
            match read {
                Ok(n) => report.new_requests += n,
                Err(e) => report
                    .problems
                    .push(Say::IntakePortalUnread.with(params! { "e" => e })),
            }
        }
        if let Some(key) = stripe_key {
            let stripe = crate::providers::stripe::Stripe::new(
                &self.cloud.endpoints().stripe_api,
                key,
                self.cloud.timeout,
            );
            let s = store.clone();
            let state = crate::blocking::run(move || s.intake_source(IntakeSource::Stripe)).await?;
            let now = chrono::Utc::now().timestamp();
            match crate::intake::stripe::poll(
                store.clone(),
                &stripe,
                state.cursor,
                now,
                &state.plans,
            )
            .await
            {
                Ok(p) => {
                    report.events += p.events;
                    report.seen_before += p.seen_before;
                    report.requests += p.requests;
                    report.cancelled += p.cancelled;
                    report.new_requests += p.new_requests.len() as u32;
                    let (s, cursor) = (store.clone(), p.cursor);
                    crate::blocking::run(move || {
                        s.intake_polled(IntakeSource::Stripe, cursor, None)?;
                        // What Stripe lists no more cannot come twice.
                        let _ = s.forget_intake_events(
                            now - (crate::providers::stripe::EVENT_DAYS + 1) * 86_400,
                        );
                        Ok::<_, Error>(())
                    })
                    .await?;
                }
                Err(e) => {
                    let text = e.to_string();
                    let s = store.clone();
                    let t = text.clone();
                    crate::blocking::run(move || {
                        s.intake_polled(IntakeSource::Stripe, None, Some(&t))
                    })
                    .await?;
                    report
                        .problems
                        .push(Say::IntakeStripeUnread.with(params! { "e" => text }));
                }
            }
        }
        // What a source provisions on its own: paid for a mapped price (or a trial the owner
        // marked), oldest first, until the source's limit a day; the rest wait, with the reason.
        let s = store.clone();
        let auto = crate::blocking::run(move || -> crate::Result<Vec<(i64, IntakeSource)>> {
            let mut due = Vec::new();
            for source in IntakeSource::ALL {
                let state = s.intake_source(*source)?;
                if !state.auto {
                    continue;
                }
                let mut items: Vec<IntakeItem> = s
                    .intake(30)?
                    .into_iter()
                    .filter(|i| i.source == *source && crate::intake::waiting(i, &state).is_none())
                    .collect();
                items.reverse();
                due.extend(items.into_iter().map(|i| (i.id, i.source)));
            }
            Ok(due)
        })
        .await?;
        let mut full: Vec<IntakeSource> = Vec::new();
        for (id, source) in auto {
            if full.contains(&source) {
                continue;
            }
            match self.claim(id, Approval::Automatic).await {
                Ok(Claimed::Customer(slug)) => match self.launch(id, slug, host.clone()).await {
                    Ok(_) => report.approved.push(id),
                    Err(e) => report
                        .problems
                        .push(Text::new(e.message.clone(), e.message.clone())),
                },
                Ok(Claimed::Limit) => full.push(source),
                // Another seat or a person decided first: it is under way there.
                Err(e) if e.code == crate::messages::ErrorCode::Intake => {}
                Err(e) => report
                    .problems
                    .push(Text::new(e.message.clone(), e.message.clone())),
            }
        }
        let (written, problems) = self.sync().await?;
        report.written = written;
        report.problems.extend(problems);
        Ok(report)
    }

    /// A person approves a pending request: a customer made from it (on `plan`, which a
    /// Stripe price nobody mapped needs), then its provisioning run. An approved one whose run
    /// never started (the window closed, a check refused) starts now.
    pub async fn approve(
        self: &Arc<Self>,
        id: i64,
        plan: Option<Plan>,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<IntakeItem> {
        Ok(self.approve_launch(id, plan, host).await?.0)
    }

    /// `approve`, with the run to wait for (the CLI follows it to its end).
    pub async fn approve_launch(
        self: &Arc<Self>,
        id: i64,
        plan: Option<Plan>,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<(IntakeItem, crate::supervisor::Launched)> {
        match self.claim(id, Approval::Person(plan)).await? {
            Claimed::Customer(slug) => self.launch(id, slug, host).await,
            // A person is held to no limit.
            Claimed::Limit => Err(decided(&self.item(id)?).into()),
        }
    }

    /// Takes the request for an approval, in the register (only one seat can), and makes its
    /// customer. A source on its own takes only a request still pending (so a seat never counts
    /// another's approval as its own) and only while its limit a day is not reached.
    async fn claim(self: &Arc<Self>, id: i64, how: Approval) -> ApiResult<Claimed> {
        let me = self.clone();
        let manifest = self.supervisor.engine()?.settings().manifest.clone();
        Ok(crate::blocking::run(move || -> crate::Result<Claimed> {
            let store = me.cloud.store();
            let item = me.item(id)?;
            match item.state {
                IntakeState::Pending => {}
                IntakeState::Approved if item.run_id.is_none() && how != Approval::Automatic => {
                    if let Some(slug) = item.slug.clone() {
                        return Ok(Claimed::Customer(slug));
                    }
                }
                _ => return Err(decided(&item)),
            }
            let source = store.intake_source(item.source)?;
            let plan = match how {
                Approval::Person(Some(plan)) => Some(plan),
                _ => crate::intake::plan_for(&item, &source),
            };
            // A price nobody mapped is no plan: never the starter plan by default.
            if let (IntakeSource::Stripe, None) = (item.source, plan) {
                let prices = match crate::intake::waiting(&item, &source) {
                    Some(crate::intake::Waiting::Unmapped(p)) => p.join(", "),
                    _ => String::new(),
                };
                return Err(intake_error(
                    Say::IntakeChoosePlan,
                    params! { "name" => item.name.as_str(), "prices" => prices },
                ));
            }
            let by = store.person().unwrap_or(store.seat()).to_string();
            if item.state == IntakeState::Pending {
                let taken = match how {
                    Approval::Person(_) => store.claim_intake(id, &by)?,
                    Approval::Automatic => {
                        match store.claim_intake_automatically(id, item.source, &by)? {
                            AutoClaim::Claimed => true,
                            AutoClaim::Decided => false,
                            AutoClaim::Limit => return Ok(Claimed::Limit),
                        }
                    }
                };
                if !taken {
                    return Err(decided(&me.item(id)?));
                }
            }
            // Checked like any customer; a request that is not one stays in the inbox.
            let draft = crate::intake::draft_of(&item, plan);
            match store.create_intake_customer(id, draft, &manifest) {
                Ok(c) => Ok(Claimed::Customer(c.slug)),
                Err(e) => {
                    store.unclaim_intake(id, &e.to_string())?;
                    Err(e)
                }
            }
        })
        .await?)
    }

    /// Starts the provisioning run of an approved request's customer, told to the portal.
    async fn launch(
        self: &Arc<Self>,
        id: i64,
        slug: String,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<(IntakeItem, crate::supervisor::Launched)> {
        let host: Arc<dyn RunHost> = Arc::new(Telling {
            inner: host,
            intake: self.clone(),
        });
        let launched = self
            .supervisor
            .start_run(slug.clone(), RunRequest::Provision, host)
            .await?;
        let run = launched.outcome.run_id;
        let me = self.clone();
        let item = crate::blocking::run(move || -> crate::Result<IntakeItem> {
            let store = me.cloud.store();
            let customer = store.get_customer(&slug)?;
            store.link_intake(id, customer.id, Some(run))?;
            me.item(id)
        })
        .await?;
        // The portal hears of the start now; the rest as the run goes (`sync`).
        let _ = self.sync().await;
        Ok((item, launched))
    }

    fn item(&self, id: i64) -> crate::Result<IntakeItem> {
        self.cloud
            .store()
            .intake_item(id)?
            .ok_or_else(|| intake_error(Say::IntakeNoSuchRequest, params! { "id" => id }))
    }

    /// Rejects a pending request with the reason (the portal is told).
    pub async fn reject(self: &Arc<Self>, id: i64, reason: String) -> ApiResult<IntakeItem> {
        let me = self.clone();
        let item = crate::blocking::run(move || -> crate::Result<IntakeItem> {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(Error::Validation(vec![crate::customer::FieldError::new(
                    "reason",
                    crate::messages::ErrorCode::Required,
                    crate::messages::Params::new(),
                )]));
            }
            let store = me.cloud.store();
            let by = store.person().unwrap_or(store.seat()).to_string();
            if !store.reject_intake(id, reason, &by)? {
                return Err(decided(&me.item(id)?));
            }
            me.item(id)
        })
        .await?;
        let _ = self.sync().await;
        Ok(item)
    }

    /// The owner's choices for a source: automatic provisioning and its limit a day, Stripe's
    /// price → plan and the prices whose free checkouts count as trials.
    pub async fn set_source(
        self: &Arc<Self>,
        source: IntakeSource,
        choices: IntakeChoices,
    ) -> ApiResult<IntakeSourceState> {
        let me = self.clone();
        Ok(
            crate::blocking::run(move || me.cloud.store().set_intake_source(source, &choices))
                .await?,
        )
    }

    /// Tells the portal what changed for every decided request: the writes made, and each
    /// refusal (kept on the request, written again next time).
    pub async fn sync(self: &Arc<Self>) -> ApiResult<(u32, Vec<Text>)> {
        let me = self.clone();
        Ok(crate::blocking::run(move || me.sync_now()).await?)
    }

    fn sync_now(&self) -> crate::Result<(u32, Vec<Text>)> {
        let Some(config) = self.portal_config()? else {
            return Ok((0, Vec::new()));
        };
        let store = self.cloud.store();
        let mut todo = Vec::new();
        for item in store.intake_approved()? {
            let customer = item
                .slug
                .as_deref()
                .and_then(|s| store.get_customer(s).ok());
            let run = item.run_id.and_then(|r| store.get_run(r).ok());
            let started = run.as_ref().map(|r| r.started_at.clone());
            let finished = run.as_ref().and_then(|r| r.finished_at.clone());
            let want = crate::intake::portal_columns(
                &item,
                customer.as_ref(),
                started.as_deref(),
                finished.as_deref(),
            );
            if !crate::intake::changed(&want, item.portal_written.as_deref()).is_empty() {
                todo.push((item, want));
            }
        }
        if todo.is_empty() {
            return Ok((0, Vec::new()));
        }
        let portal = match Portal::connect(&config) {
            Ok(p) => p,
            Err(e) => {
                let text = e.to_string();
                for (item, _) in &todo {
                    store.intake_portal(item.id, None, Some(&text))?;
                }
                return Ok((
                    0,
                    vec![Say::IntakePortalUnwritten.with(params! { "e" => text })],
                ));
            }
        };
        let (mut written, mut problems) = (0, Vec::new());
        for (item, want) in todo {
            let mut had: serde_json::Value = item
                .portal_written
                .as_deref()
                .and_then(|h| serde_json::from_str(h).ok())
                .unwrap_or_else(|| serde_json::json!({}));
            let mut refused = None;
            for (part, columns) in crate::intake::changed(&want, item.portal_written.as_deref()) {
                let done = match part {
                    "request" if item.source == IntakeSource::Portal => {
                        portal.write_request(&item.external_id, &columns)
                    }
                    "job" if item.source == IntakeSource::Portal => {
                        portal.write_job(&item.external_id, &columns)
                    }
                    "organization" => match &item.organization_id {
                        Some(organization) => portal.write_organization(organization, &columns),
                        None => Ok(()),
                    },
                    _ => Ok(()),
                };
                match done {
                    Ok(()) => {
                        written += 1;
                        had[part] = want[part].clone();
                    }
                    Err(e) => {
                        refused = Some(e.to_string());
                        break;
                    }
                }
            }
            store.intake_portal(item.id, Some(&had.to_string()), refused.as_deref())?;
            if let Some(e) = refused {
                tracing::warn!(request = %item.external_id, "the portal refused a write: {e}");
                problems.push(
                    Say::IntakePortalRefused
                        .with(params! { "name" => item.name.as_str(), "e" => e }),
                );
            }
        }
        Ok((written, problems))
    }
}
