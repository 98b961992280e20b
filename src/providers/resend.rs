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
        // Resend's 2 requests a second per team are kept by the shared pacer (http::send).
        let req = self
            .http
            .post(format!("{}/emails", self.api))
            .bearer_auth(self.key.expose())
            .header("Idempotency-Key", idempotency_key)
            .json(&json!({ "from": email.from, "to": [email.to], "subject": email.subject, "html": email.html, "text": email.text }));
        Ok(http::json::<Sent>(P, http::send(P, req).await?).await?.id)
    }
}

/// Resend's SMTP relay (https://resend.com/docs/send-with-smtp): the user is `resend` and the
/// password an API key; a sending-only key is enough.
pub const SMTP_HOST: &str = "smtp.resend.com";
pub const SMTP_PORT: &str = "465";
pub const SMTP_USER: &str = "resend";

impl Resend {
    /// The key the relay takes as its password. It goes only to the instance's Auth (the
    /// Management API, over TLS); Fabrik keeps it nowhere but the keyring.
    pub fn smtp_password(&self) -> &Secret {
        &self.key
    }

    /// Waits for one email's turn in the team's budget (2 a second), shared with the emails
    /// Fabrik sends itself: for a mail an instance sends through the relay on the agency's key.
    pub async fn pace_relayed(&self) -> Result<(), ProviderError> {
        let req = self
            .http
            .post(format!("{}/emails", self.api))
            .bearer_auth(self.key.expose());
        http::pace(P, req).await
    }
}

/// A sending domain of the account (`domains/list`).
#[derive(Debug, Clone, Deserialize)]
pub struct Domain {
    pub id: String,
    pub name: String,
    /// `verified` is the only status Resend sends from.
    pub status: String,
}

/// At most this many pages of 100 domains are read (an account with more is not one agency's).
const MAX_DOMAIN_PAGES: usize = 10;

impl Resend {
    /// Every domain of the account. A sending-only key gets 401 `restricted_api_key` here.
    pub async fn domains(&self) -> Result<Vec<Domain>, ProviderError> {
        #[derive(Deserialize)]
        struct Page {
            #[serde(default)]
            has_more: bool,
            data: Vec<Domain>,
        }
        let mut all: Vec<Domain> = Vec::new();
        for _ in 0..MAX_DOMAIN_PAGES {
            let mut req = self
                .http
                .get(format!("{}/domains", self.api))
                .bearer_auth(self.key.expose())
                .query(&[("limit", "100")]);
            if let Some(last) = all.last() {
                req = req.query(&[("after", last.id.as_str())]);
            }
            let page: Page = http::json(P, http::send(P, req).await?).await?;
            let more = page.has_more && !page.data.is_empty();
            all.extend(page.data);
            if !more {
                break;
            }
        }
        Ok(all)
    }
}
