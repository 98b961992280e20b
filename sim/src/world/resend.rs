//! Resend in the simulated world: sending domains, API keys, the mail sent and idempotency keys.

use serde::{Deserialize, Serialize};

use super::World;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResendState {
    pub emails: Vec<Email>,
    pub idempotency: Vec<IdempotencyEntry>,
    /// Domains added to the account besides the seeded, verified one (a world saved before
    /// they existed has none).
    #[serde(default)]
    pub domains: Vec<ResendDomain>,
    /// Keys made through `POST /api-keys` (the configured tokens are the account's own, with
    /// full access). A world saved before they existed has none.
    #[serde(default)]
    pub api_keys: Vec<ResendApiKey>,
}

/// An API key made through the API (`api-keys/create`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResendApiKey {
    pub id: String,
    pub name: String,
    /// `full_access` or `sending_access`.
    pub permission: String,
    /// A sending key restricted to one domain sends from that domain only.
    pub domain_id: Option<String>,
    /// The token's lowercase hex SHA-256: the token itself is shown once, when it is made.
    pub token_sha256: String,
    pub created_ms: i64,
}

/// What a Resend token may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResendAccess {
    /// A configured token or a `full_access` key: everything.
    Full,
    /// A `sending_access` key: `POST /emails` (and the SMTP relay) only, from its domain
    /// when it names one.
    Sending {
        key_id: String,
        domain: Option<String>,
    },
}

/// A sending domain of the Resend account (`GET /domains`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResendDomain {
    pub id: String,
    pub name: String,
    /// One of the spec's statuses: `pending`, `verified`, `failed`, `not_started`,
    /// `partially_verified`, `partially_failed`.
    pub status: String,
    pub created_ms: i64,
}

impl World {
    /// Every domain of the Resend account: the seeded one (verified) unless one of the same
    /// name was added, then the added ones.
    pub fn resend_domains(&self) -> Vec<ResendDomain> {
        let seeded = &self.seed.resend_domain;
        let mut all = Vec::new();
        if !self.resend.domains.iter().any(|d| &d.name == seeded) {
            all.push(ResendDomain {
                id: format!("seeded-{seeded}"),
                name: seeded.clone(),
                status: "verified".into(),
                created_ms: 0,
            });
        }
        all.extend(self.resend.domains.iter().cloned());
        all
    }

    /// What the API key whose token hashes to `sha256` may do, if the account has it (a
    /// deleted key is no key: it stops at once, through the API and the relay).
    pub fn resend_key_access(&self, sha256: &str) -> Option<ResendAccess> {
        let key = self
            .resend
            .api_keys
            .iter()
            .find(|k| k.token_sha256 == sha256)?;
        Some(match key.permission.as_str() {
            "sending_access" => ResendAccess::Sending {
                key_id: key.id.clone(),
                domain: key.domain_id.as_ref().and_then(|id| {
                    self.resend_domains()
                        .into_iter()
                        .find(|d| &d.id == id)
                        .map(|d| d.name)
                }),
            },
            _ => ResendAccess::Full,
        })
    }
}

impl ResendAccess {
    /// Whether this token may send from `domain` (the sender address's domain).
    pub fn may_send_from(&self, domain: &str) -> bool {
        match self {
            ResendAccess::Sending {
                domain: Some(d), ..
            } => d.eq_ignore_ascii_case(domain),
            _ => true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Email {
    pub id: String,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub html: Option<String>,
    pub text: Option<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub reply_to: Vec<String>,
    pub created_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdempotencyEntry {
    pub key: String,
    /// Canonical JSON of the first request body.
    pub payload: String,
    pub email_id: String,
    pub created_ms: i64,
}
