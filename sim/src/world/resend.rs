//! Resend in the simulated world: sending domains, the mail sent and idempotency keys.

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
