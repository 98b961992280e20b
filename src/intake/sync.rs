//! Telling the portal what changed for every decided request, from the register's own record:
//! the writes made, and each refusal kept on the request and written again next time; soon and
//! off the caller's path while a run goes (`sync_soon`).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::portal::Portal;
use super::Intake;
use crate::customer::rows::CustomerRows;
use crate::error::ApiResult;
use crate::messages::{params, Say, Text};
use crate::requests::IntakeRows;
use crate::requests::IntakeSource;

impl Intake {
    /// Tells the portal what changed, soon and off the caller's path: one write at a time,
    /// and one more after it when something changed meanwhile. A refusal is kept on the
    /// request (`sync`) and written again later.
    pub(super) fn sync_soon(self: &Arc<Self>) {
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
            let want = super::portal_columns(
                &item,
                customer.as_ref(),
                started.as_deref(),
                finished.as_deref(),
            );
            if !super::changed(&want, item.portal_written.as_deref()).is_empty() {
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
            for (part, columns) in super::changed(&want, item.portal_written.as_deref()) {
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
