//! Resend (spec: resend/resend.openapi.yaml, `emails/send`). The idempotency key makes a resent
//! request return the first answer instead of sending twice.

use serde::Deserialize;
use serde_json::json;

use super::error::ProviderError;
use super::http;
use crate::secrets::{Provider, Secret};

const P: Provider = Provider::Resend;

pub struct Email<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub html: &'a str,
    pub text: &'a str,
}

/// Resend allows 2 requests per second per team; sends are spaced to stay within it, so many
/// runs at once queue instead of tripping 429s.
const MIN_INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);

pub struct Resend {
    http: reqwest::Client,
    api: String,
    key: Secret,
    next_slot: tokio::sync::Mutex<tokio::time::Instant>,
}

impl Resend {
    pub fn new(api: &str, key: Secret, timeout: std::time::Duration) -> Resend {
        Resend {
            http: http::client(timeout),
            api: api.trim_end_matches('/').into(),
            key,
            next_slot: tokio::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    /// Sends once per idempotency key; returns Resend's email id.
    pub async fn send(
        &self,
        email: &Email<'_>,
        idempotency_key: &str,
    ) -> Result<String, ProviderError> {
        #[derive(Deserialize)]
        struct Sent {
            id: String,
        }
        {
            let mut slot = self.next_slot.lock().await;
            let now = tokio::time::Instant::now();
            if *slot > now {
                tokio::time::sleep_until(*slot).await;
            }
            *slot = (*slot).max(now) + MIN_INTERVAL;
        }
        let req = self
            .http
            .post(format!("{}/emails", self.api))
            .bearer_auth(self.key.expose())
            .header("Idempotency-Key", idempotency_key)
            .json(&json!({ "from": email.from, "to": [email.to], "subject": email.subject, "html": email.html, "text": email.text }));
        Ok(http::json::<Sent>(P, http::send(P, req).await?).await?.id)
    }
}
