//! The health checks outside a run (issue #13), beside the check the supervisor makes after
//! one: one instance checked ("Kontrollera nu"), every delivered instance checked in the
//! background ("Kontrollera alla", on the window's clock set in `health.check_minutes`, or run
//! to its end by the scheduled tick), the alert when a check finds an instance turned
//! unhealthy, and the alert when a token the sweep saw is about to expire. Each check also
//! shows the usage warnings of the instance's stored days (`Health::usage`), read from the
//! register: the sweep makes no usage call of its own.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;

use super::cloud::CloudApi;
use super::host::{RunHost, Sweep};
use crate::customer::rows::CustomerRows;
use crate::customer::rows::HealthRows;
use crate::error::ApiResult;
use crate::health::Health;
use crate::messages::{params, Say, Text};
use crate::provision::{Engine, FailurePolicy, Timing};
use crate::secrets::Provider;
use crate::store::Store;

/// How often the schedule looks at its setting (a changed interval takes effect within this).
const SCHEDULE_TICK: Duration = Duration::from_secs(60);
/// The setting that turns the schedule on (minutes; empty = off).
pub const SCHEDULE_SETTING: &str = "health.check_minutes";

pub struct HealthChecks {
    store: Arc<Store>,
    cloud: Arc<CloudApi>,
    sweep: Mutex<Sweep>,
    last_sweep: Mutex<Option<Instant>>,
}

/// An instance that was healthy (or never checked) and is not any more: worth an alert.
pub fn turned_unhealthy(before: Option<&Health>, after: &Health) -> bool {
    !after.healthy && before.is_none_or(|b| b.healthy)
}

impl HealthChecks {
    pub fn new(store: Arc<Store>, cloud: Arc<CloudApi>) -> Arc<HealthChecks> {
        Arc::new(HealthChecks {
            store,
            cloud,
            sweep: Mutex::new(Sweep::default()),
            last_sweep: Mutex::new(None),
        })
    }

    fn engine(&self) -> crate::Result<Engine> {
        self.cloud.engine(Timing::default(), FailurePolicy::Pause)
    }

    /// "Kontrollera nu": reads the instance at every provider, keeps the result, and alerts
    /// when the instance turned unhealthy.
    pub async fn check(&self, slug: String) -> ApiResult<Health> {
        // The engine reads the tokens from the keyring: on the blocking pool.
        let cloud = self.cloud.clone();
        let engine =
            crate::blocking::run(move || cloud.engine(Timing::default(), FailurePolicy::Pause))
                .await?;
        Ok(check_one(&engine, &self.store, &slug).await?)
    }

    /// Where "Kontrollera alla" stands.
    pub fn sweep(&self) -> Sweep {
        self.sweep.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// "Kontrollera alla": starts checking every delivered instance in the background, a few
    /// at a time, and returns at once; progress comes to `host` as it goes. Pressed again while
    /// a check runs, it starts nothing and says where that one stands. Blocking (the keyring
    /// and SQLite): callers on the runtime use `start_all`.
    pub fn check_all(self: &Arc<Self>, host: Arc<dyn RunHost>) -> ApiResult<Sweep> {
        let Some((engine, slugs)) = self.prepare(host.as_ref())? else {
            return Ok(self.sweep());
        };
        let me = self.clone();
        tokio::spawn(async move { me.run_sweep(engine, slugs, host).await });
        Ok(self.sweep())
    }

    /// The sweep claimed and set up: the engine and the instances, or `None` while another
    /// sweep runs. Blocking (the keyring and SQLite).
    fn prepare(&self, host: &dyn RunHost) -> ApiResult<Option<(Engine, Vec<String>)>> {
        // Claimed first, so a second press neither starts a second sweep nor touches the
        // keyring while the first one is being set up.
        {
            let mut s = self.sweep.lock().unwrap_or_else(|p| p.into_inner());
            if s.running {
                return Ok(None);
            }
            *s = Sweep {
                running: true,
                ..Sweep::default()
            };
        }
        let prepared = self.engine().and_then(|engine| {
            let slugs = self.store.delivered_slugs(self.store.environment())?;
            Ok((engine, slugs))
        });
        let (engine, slugs) = match prepared {
            Ok(p) => p,
            Err(e) => {
                self.sweep.lock().unwrap_or_else(|p| p.into_inner()).running = false;
                return Err(e.into());
            }
        };
        self.sweep.lock().unwrap_or_else(|p| p.into_inner()).total = slugs.len() as u32;
        *self.last_sweep.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        host.sweep(&self.sweep());
        Ok(Some((engine, slugs)))
    }

    /// "Kontrollera alla" run here to its end: the scheduled tick waits for it. While another
    /// sweep runs, where that one stands.
    pub async fn sweep_to_end(self: &Arc<Self>, host: Arc<dyn RunHost>) -> ApiResult<Sweep> {
        let (me, h) = (self.clone(), host.clone());
        let prepared = crate::blocking::run(move || me.prepare(h.as_ref())).await?;
        if let Some((engine, slugs)) = prepared {
            self.clone().run_sweep(engine, slugs, host).await;
        }
        Ok(self.sweep())
    }

    /// `check_all` from async code, on the blocking pool.
    pub async fn start_all(self: &Arc<Self>, host: Arc<dyn RunHost>) -> ApiResult<Sweep> {
        let me = self.clone();
        crate::blocking::run(move || me.check_all(host)).await
    }

    async fn run_sweep(
        self: Arc<Self>,
        engine: Engine,
        slugs: Vec<String>,
        host: Arc<dyn RunHost>,
    ) {
        use futures_util::StreamExt;
        let (engine, store) = (&engine, &self.store);
        let mut checks = futures_util::stream::iter(slugs)
            .map(|slug| async move { check_one(engine, store, &slug).await })
            .buffer_unordered(crate::health::AT_ONCE);
        while let Some(result) = checks.next().await {
            let now = {
                let mut s = self.sweep.lock().unwrap_or_else(|p| p.into_inner());
                s.done += 1;
                match &result {
                    Ok(h) => {
                        s.unhealthy += u32::from(!h.healthy);
                        s.usage += u32::from(!h.usage.is_empty());
                    }
                    Err(e) => {
                        tracing::warn!("an instance could not be checked: {e}");
                        s.failed += 1;
                    }
                }
                s.clone()
            };
            host.sweep(&now);
        }
        // The sweep read every delivered instance's repository: GitHub's answers said when the
        // token stops working.
        alert_expiring_tokens(engine, host.as_ref()).await;
        let end = {
            let mut s = self.sweep.lock().unwrap_or_else(|p| p.into_inner());
            s.running = false;
            s.finished_at = Some(Utc::now());
            s.clone()
        };
        host.sweep(&end);
    }

    /// While the app is open: every `health.check_minutes` minutes (when set), "Kontrollera
    /// alla". Looks at the setting once a minute, so a change takes effect without a restart.
    pub fn schedule(self: &Arc<Self>, host: Arc<dyn RunHost>) {
        self.schedule_every(host, SCHEDULE_TICK, Duration::from_secs(60));
    }

    /// `schedule` with its clock given: it looks every `tick`, and the setting counts in
    /// `unit`s (a minute in the app; shorter in tests).
    pub fn schedule_every(
        self: &Arc<Self>,
        host: Arc<dyn RunHost>,
        tick: Duration,
        unit: Duration,
    ) {
        let me = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(tick).await;
                // The window closed (the APIs dropped): the schedule ends with it.
                let Some(me) = me.upgrade() else { return };
                let minutes = me
                    .store
                    .get_setting(SCHEDULE_SETTING)
                    .ok()
                    .flatten()
                    .and_then(|m| m.parse::<u32>().ok())
                    .filter(|m| *m > 0);
                let Some(minutes) = minutes else { continue };
                let last = *me.last_sweep.lock().unwrap_or_else(|p| p.into_inner());
                let due = last.is_none_or(|t| t.elapsed() >= unit * minutes);
                if due {
                    if let Err(e) = me.start_all(host.clone()).await {
                        tracing::warn!(code = %e.code, "the scheduled check could not start");
                    }
                }
            }
        });
    }
}

/// One check, kept, with its alert: when `alerts.email` is set, an email to the agency (the
/// window's notification comes from the overview, `services::notices`).
async fn check_one(engine: &Engine, store: &Arc<Store>, slug: &str) -> crate::Result<Health> {
    let before = {
        let (store, slug) = (store.clone(), slug.to_string());
        crate::blocking::run(move || {
            let c = store.get_customer(&slug)?;
            store.health(c.id, c.environment)
        })
        .await?
    };
    let after = engine.reader().check_health(slug).await?;
    if turned_unhealthy(before.as_ref(), &after) {
        alert_unhealthy(engine, &after).await;
    }
    Ok(after)
}

async fn alert_unhealthy(engine: &Engine, h: &Health) {
    let title = format!("{} är inte frisk", h.slug);
    let mut lines: Vec<String> = h
        .findings
        .iter()
        .map(|f| format!("{} {}", f.message.sv, f.action.sv))
        .collect();
    lines.insert(0, format!("Fabrik kontrollerade {} och fann:", h.slug));
    match engine.send_alert(&title, &lines.join("\n")).await {
        Ok(_) => {}
        Err(e) => tracing::warn!(slug = %h.slug, "the alert email could not be sent: {e}"),
    }
}

/// A token that stops working within a week (as its provider's answers said): an OS
/// notification and the alert email, naming the token and where to renew it. Said once per
/// token and expiry in this process (a renewed token has another expiry, and is said again
/// when it too comes near). Returns what was said.
pub async fn alert_expiring_tokens(engine: &Engine, host: &dyn RunHost) -> Vec<Text> {
    static SAID: Mutex<Vec<(Provider, chrono::DateTime<Utc>)>> = Mutex::new(Vec::new());
    let mut said = Vec::new();
    for provider in Provider::ALL {
        let Some(at) = crate::providers::pacer::shared().token_expiry(provider) else {
            continue;
        };
        let Some(warning) = expiry_warning(provider, at) else {
            continue;
        };
        {
            let mut done = SAID.lock().unwrap_or_else(|p| p.into_inner());
            if done.contains(&(provider, at)) {
                continue;
            }
            done.push((provider, at));
        }
        let title = Say::LeftTokenExpiresTitle.with(params! {
            "provider" => provider.display_name(),
        });
        host.notify_said(&title, &warning);
        if let Err(e) = engine.send_alert(&title.sv, &warning.sv).await {
            tracing::warn!(?provider, "the alert email could not be sent: {e}");
        }
        said.push(warning);
    }
    said
}

/// A token that stops working within a week, named with where it is renewed (the alert's
/// text, and what Kvar på kontona says beside the token).
pub fn expiry_warning(provider: Provider, at: chrono::DateTime<chrono::Utc>) -> Option<Text> {
    let soon = crate::providers::verify::expires_soon(at);
    let guide = crate::providers::guide::guide(provider, "", "");
    soon.then(|| {
        Say::LeftTokenExpires.with(params! {
            "provider" => provider.display_name(),
            "date" => at.format("%Y-%m-%d %H:%M UTC").to_string(),
            "url" => guide.kinds.first().map(|k| k.url.clone()).unwrap_or_default(),
        })
    })
}
