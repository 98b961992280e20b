//! The usage job (issue #57): every delivered instance read once a collection's interval
//! (`usage.collect_days`, once a day by default) and kept in the register, then the limits
//! its stored days come near alerted, once per episode (and an episode closed once its limit
//! is no longer near). `fabrik usage collect` and the
//! window's "Läs av nu" collect the same way, every instance afresh.

use std::sync::Arc;

use super::report::JobReport;
use super::ticker::Ticker;
use crate::error::{ApiError, ApiResult};
use crate::messages::{params, Say};
use crate::metering::collect::{self, Collected};
use crate::provision::{FailurePolicy, Timing};
use crate::schedule::rows::AlertKind;
use crate::schedule::rows::ScheduleRows;
use crate::secrets::Provider;
use crate::supervisor::cloud::CloudApi;
use crate::supervisor::host::RunHost;

/// Reads and keeps the delivered instances of the cloud's environment that are due: those
/// not read within `every` days, or all of them with `None`.
pub async fn collect(cloud: Arc<CloudApi>, every: Option<i64>) -> ApiResult<Collected> {
    let c = cloud.clone();
    // The keyring and the register: on the blocking pool.
    let (engine, stripe, today, due, skipped) = crate::blocking::run(move || {
        let engine = c.engine(Timing::default(), FailurePolicy::Pause)?;
        let stripe = c.token(Provider::Stripe)?.map(|key| {
            crate::providers::stripe::Stripe::new(&c.endpoints().stripe_api, key, c.timeout)
        });
        let store = c.shared_store();
        let today = collect::today(&store)?;
        let (due, skipped) = collect::due(&store, c.environment, today, every.unwrap_or(0))?;
        Ok::<_, ApiError>((engine, stripe, today, due, skipped))
    })
    .await?;
    let mut done = collect::collect(
        cloud.shared_store(),
        engine.clients(),
        stripe.as_ref(),
        cloud.environment,
        today,
        due,
    )
    .await;
    done.skipped = skipped;
    Ok(done)
}

impl Ticker {
    /// Every how many days the job reads an instance again; `None`: off.
    pub(super) async fn usage_every(&self) -> ApiResult<Option<i64>> {
        self.db(|s| Ok(collect::every_days(s))).await
    }

    /// Whether a delivered instance waits for its reading, or a limit's alert is new or over
    /// (the stored days changed since, by a collection asked for in the window or the CLI).
    /// Reads the register only.
    pub(super) async fn usage_due(&self) -> ApiResult<bool> {
        let Some(every) = self.usage_every().await? else {
            return Ok(false);
        };
        let env = self.supervisor.environment();
        let unread = self
            .db(move |s| {
                let today = collect::today(s)?;
                Ok(!collect::due(s, env, today, every)?.0.is_empty())
            })
            .await?;
        if unread {
            return Ok(true);
        }
        let (now, open) = self.usage_warnings().await?;
        Ok(now.iter().any(|(s, _)| !open.contains(s))
            || open.iter().any(|o| !now.iter().any(|(s, _)| s == o)))
    }

    /// The limits near now (subject, line) and the open episodes.
    async fn usage_warnings(&self) -> ApiResult<(Vec<(String, String)>, Vec<String>)> {
        let env = self.supervisor.environment();
        self.db(move |s| {
            let now = crate::metering::warnings::fleet(s, env)?;
            Ok((now, s.open_alerts(AlertKind::UsageLimit)?))
        })
        .await
    }

    /// The job's work: the collection, then its alert.
    pub(super) async fn usage_work(&self, r: &mut JobReport, host: &dyn RunHost) -> ApiResult<()> {
        let every = self.usage_every().await?;
        let c = collect(self.cloud.clone(), every).await?;
        if c.read > 0 {
            r.did.push(format!("{} avlästa", c.read));
        }
        // A figure not reported is kept as such, with why, on the customer's page: the job
        // did its part. Only a reading that could not be kept fails it.
        if c.partial > 0 {
            r.did
                .push(format!("{} med siffror som inte rapporterades", c.partial));
        }
        r.failed.extend(c.not_kept.into_iter().map(|p| p.sv));
        self.usage_alert(r, host).await
    }

    /// The limits the stored days come near that no alert named yet: one email naming them
    /// all; the episodes of those no longer near closed.
    async fn usage_alert(&self, r: &mut JobReport, host: &dyn RunHost) -> ApiResult<()> {
        let (now, open) = self.usage_warnings().await?;
        let new: Vec<&(String, String)> = now.iter().filter(|(s, _)| !open.contains(s)).collect();
        if !new.is_empty() {
            let subjects: Vec<String> = new.iter().map(|(s, _)| s.clone()).collect();
            let lines: Vec<String> = new.iter().map(|(_, line)| line.clone()).collect();
            let text = Say::UsageLimitsAlert
                .with(params! { "warnings" => lines.join("; ") })
                .sv;
            let title = Say::UsageLimits.text().sv;
            self.alert(AlertKind::UsageLimit, &subjects, &title, &text, host)
                .await?;
            r.alerted = lines;
        }
        let still: Vec<String> = now.into_iter().map(|(s, _)| s).collect();
        let cleared: Vec<String> = open.into_iter().filter(|s| !still.contains(s)).collect();
        if !cleared.is_empty() {
            self.db(move |s| s.clear_alerts_except(AlertKind::UsageLimit, &still))
                .await?;
            r.did
                .extend(cleared.iter().map(|s| format!("{s}: inte längre nära")));
        }
        Ok(())
    }
}
