//! Inkorg (`fabrik intake`): the portal's requests and Stripe's payments as requests to
//! approve or reject. The service (`Intake`) and what the window shows of it are here, with
//! the portal's address on this seat and a rejection; reading the sources is `poll.rs`,
//! approving `approve.rs`, telling the portal `sync.rs`. Approving is one ordinary
//! provisioning run of a customer made from the request; the portal is then kept told what
//! happened, from the register's own record, so a write it refused is written again and never
//! blocks the run. A source approves on its own only what `waiting` lets through, and only its
//! limit a day.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{ApiResult, Error};
use crate::messages::{params, Say, Text};
use crate::requests::IntakeRows;
use crate::requests::{IntakeChoices, IntakeItem, IntakeSource, IntakeSourceState, IntakeState};
use crate::secrets::{Provider, SecretKey};
use crate::store::db::PgConfig;
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

pub struct Intake {
    pub(super) cloud: Arc<CloudApi>,
    pub(super) supervisor: Arc<Supervisor>,
    /// A portal write under way, and one asked for meanwhile (`sync_soon`).
    pub(super) syncing: AtomicBool,
    pub(super) again: AtomicBool,
}

pub(super) fn intake_error(say: Say, p: crate::messages::Params) -> Error {
    Error::Intake(say.with(p))
}

/// A request someone already decided: nothing is done, and who decided is named.
pub(super) fn decided(item: &IntakeItem) -> Error {
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

    /// The portal's connection settings (blocking: the keyring), or `None` when not set up.
    pub(super) fn portal_config(&self) -> crate::Result<Option<PgConfig>> {
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

    pub(super) fn item(&self, id: i64) -> crate::Result<IntakeItem> {
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
}
