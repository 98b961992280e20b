//! What the owner does beside runs: allows the next run to adopt a resource it refused, and
//! the alert email to the agency.

use super::Engine;
use crate::customer::rows::CustomerRows;
use crate::error::{Error, Result};
use crate::ledger::AllowedBy;
use crate::provision::adoptions::Adoption;
use crate::provision::adoptions::AdoptionRows;

/// The setting that holds the agency's address for alerts (empty: OS notifications only).
pub const ALERT_ADDRESS: &str = "alerts.email";

impl Engine {
    /// The owner adopts on purpose a resource a run refused (or, from the CLI, one it will
    /// meet): `typed` must be its name exactly. The next run writes the marker on it and
    /// records the adoption. Blocking (SQLite).
    pub fn allow_adoption(
        &self,
        slug: &str,
        name: &str,
        typed: &str,
        by: AllowedBy,
    ) -> Result<Adoption> {
        let name = name.trim();
        if name.is_empty() || typed.trim() != name {
            return Err(Error::AdoptionMismatch {
                name: name.to_string(),
            });
        }
        let customer = self.store.get_customer(slug)?;
        self.store
            .allow_adoption(customer.id, slug, self.environment, name, by)
    }

    /// Emails the agency's alert address (setting `alerts.email`) through Resend, from the
    /// welcome email's sender. Nothing is sent when the address is not set.
    pub async fn send_alert(&self, subject: &str, text: &str) -> Result<bool> {
        let key = format!("fabrik-alert-{}", uuid::Uuid::new_v4());
        self.send_alert_keyed(subject, text, &key).await
    }

    /// `send_alert` under an idempotency key the caller derives from what it names: sent again
    /// after a crash between the email and its record, Resend delivers it once.
    pub async fn send_alert_keyed(&self, subject: &str, text: &str, key: &str) -> Result<bool> {
        let to = self
            .db(|s| s.get_setting(ALERT_ADDRESS))
            .await?
            .filter(|a| !a.trim().is_empty());
        let Some(to) = to else {
            return Ok(false);
        };
        let html = crate::provision::email::alert_html(text);
        let email = crate::providers::resend::Email {
            from: &self.settings.sender,
            to: to.trim(),
            subject,
            html: &html,
            text,
        };
        self.clients
            .resend
            .send(&email, key)
            .await
            .map_err(|e| Error::Provider(e.to_string()))?;
        Ok(true)
    }
}
