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

pub struct Resend {
    http: reqwest::Client,
    api: String,
    key: Secret,
}

impl Resend {
    pub fn new(api: &str, key: Secret, timeout: std::time::Duration) -> Resend {
        Resend {
            http: http::client(timeout),
            api: api.trim_end_matches('/').into(),
            key,
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
        let req = self
            .http
            .post(format!("{}/emails", self.api))
            .bearer_auth(self.key.expose())
            .header("Idempotency-Key", idempotency_key)
            .json(&json!({ "from": email.from, "to": [email.to], "subject": email.subject, "html": email.html, "text": email.text }));
        Ok(http::json::<Sent>(P, http::send(P, req).await?).await?.id)
    }
}
