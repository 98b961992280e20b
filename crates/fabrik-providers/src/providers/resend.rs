//! Resend (spec: resend/resend.openapi.json: `emails/send`, `domains/list`, and
//! `api-keys/create`, `api-keys/list`, `api-keys/remove` for each instance's own sending key).
//! The idempotency key makes a resent request return the first answer instead of sending twice.

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
/// password an API key; each instance's own sending-only key (`create_sending_key`).
pub const SMTP_HOST: &str = "smtp.resend.com";
pub const SMTP_PORT: &str = "465";
pub const SMTP_USER: &str = "resend";

impl Resend {
    /// Waits for one email's turn in the team's budget (2 a second), shared with the emails
    /// Fabrik sends itself: for a mail an instance sends through the relay on its own key (the
    /// team counts every key's).
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

/// At most this many pages of 100 are read (an account with more is not one agency's).
const MAX_PAGES: usize = 10;

impl Resend {
    /// Every item of a list endpoint (`domains/list`, `api-keys/list`), pages of 100 followed
    /// by the last item's id (`after`).
    async fn all<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        id: fn(&T) -> &str,
    ) -> Result<Vec<T>, ProviderError> {
        #[derive(Deserialize)]
        struct Page<T> {
            #[serde(default)]
            has_more: bool,
            data: Vec<T>,
        }
        let mut all: Vec<T> = Vec::new();
        for _ in 0..MAX_PAGES {
            let mut req = self
                .http
                .get(format!("{}{path}", self.api))
                .bearer_auth(self.key.expose())
                .query(&[("limit", "100")]);
            if let Some(last) = all.last() {
                req = req.query(&[("after", id(last))]);
            }
            let page: Page<T> = http::json(P, http::send(P, req).await?).await?;
            let more = page.has_more && !page.data.is_empty();
            all.extend(page.data);
            if !more {
                break;
            }
        }
        Ok(all)
    }

    /// Every domain of the account. A sending-only key gets 401 `restricted_api_key` here.
    pub async fn domains(&self) -> Result<Vec<Domain>, ProviderError> {
        self.all("/domains", |d: &Domain| d.id.as_str()).await
    }
}

/// An API key of the account as `api-keys/list` shows it: never its token.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// A key just made (`api-keys/create`): Resend shows its token this once.
pub struct NewKey {
    pub id: String,
    pub token: Secret,
}

impl Resend {
    /// A key that may only send, and only from the domain `domain_id` (`POST /api-keys`,
    /// `permission: sending_access`). Its token comes back once, straight into a `Secret`.
    pub async fn create_sending_key(
        &self,
        name: &str,
        domain_id: &str,
    ) -> Result<NewKey, ProviderError> {
        #[derive(Deserialize)]
        struct Made {
            id: String,
            token: String,
        }
        let req = self
            .http
            .post(format!("{}/api-keys", self.api))
            .bearer_auth(self.key.expose())
            .json(&json!({ "name": name, "permission": "sending_access", "domain_id": domain_id }));
        let made: Made = http::json(P, http::send(P, req).await?).await?;
        Ok(NewKey {
            id: made.id,
            token: Secret::new(made.token),
        })
    }

    /// Every API key of the account (`api-keys/list`): ids and names, never a token.
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>, ProviderError> {
        self.all("/api-keys", |k: &ApiKey| k.id.as_str()).await
    }

    /// Removes the key `id` (`DELETE /api-keys/{id}`); from then on it sends nothing, through
    /// the API or the relay. `NotFound` when it is gone already.
    pub async fn delete_api_key(&self, id: &str) -> Result<(), ProviderError> {
        let req = self
            .http
            .delete(format!("{}/api-keys/{id}", self.api))
            .bearer_auth(self.key.expose());
        http::send(P, req).await.map(|_| ())
    }
}
