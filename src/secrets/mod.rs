//! Secrets: the in-memory type that cannot leak, the OS keyring that holds them, and the one
//! redaction policy applied to logs and error text (known values), and to content Fabrik
//! backs up but did not write (by shape as well).

mod keyring_store;
mod redact;
mod secret;
mod shape;

pub use keyring_store::{CustomerSecret, SecretError, SecretKey, SecretStore, KEYRING_TIMEOUT};
pub use redact::{redact, RedactingWriter, REDACTED};
pub use secret::Secret;
pub use shape::{redact_json, redact_shapes, secret_name};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The clouds Fabrik holds a token for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Github,
    Supabase,
    Vercel,
    N8n,
    Resend,
    /// The agency's own Gitea, where workflow backups go. Not needed to provision.
    Gitea,
    /// The agency's Stripe account, read for paid checkouts (the inbox). A restricted key that
    /// only reads; not needed to provision.
    Stripe,
}

impl Provider {
    pub const ALL: [Provider; 7] = [
        Provider::Github,
        Provider::Supabase,
        Provider::Vercel,
        Provider::N8n,
        Provider::Resend,
        Provider::Gitea,
        Provider::Stripe,
    ];

    /// The tokens a run of any kind needs; the others are asked for by the runs that use them.
    pub const REQUIRED: [Provider; 5] = [
        Provider::Github,
        Provider::Supabase,
        Provider::Vercel,
        Provider::N8n,
        Provider::Resend,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Github => "github",
            Provider::Supabase => "supabase",
            Provider::Vercel => "vercel",
            Provider::N8n => "n8n",
            Provider::Resend => "resend",
            Provider::Gitea => "gitea",
            Provider::Stripe => "stripe",
        }
    }

    /// What the UI and CLI call it.
    pub fn display_name(self) -> &'static str {
        match self {
            Provider::Github => "GitHub",
            Provider::Supabase => "Supabase",
            Provider::Vercel => "Vercel",
            Provider::N8n => "n8n",
            Provider::Resend => "Resend",
            Provider::Gitea => "Gitea",
            Provider::Stripe => "Stripe",
        }
    }

    /// For headless use the token may come from the environment instead of the keyring.
    pub fn token_env(self) -> &'static str {
        match self {
            Provider::Github => "FABRIK_GITHUB_TOKEN",
            Provider::Supabase => "FABRIK_SUPABASE_TOKEN",
            Provider::Vercel => "FABRIK_VERCEL_TOKEN",
            Provider::N8n => "FABRIK_N8N_API_KEY",
            Provider::Resend => "FABRIK_RESEND_API_KEY",
            Provider::Gitea => "FABRIK_GITEA_TOKEN",
            Provider::Stripe => "FABRIK_STRIPE_KEY",
        }
    }
}

impl std::str::FromStr for Provider {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str() == s.to_ascii_lowercase())
            .ok_or_else(|| {
                format!("okänd tjänst {s} (välj github, supabase, vercel, n8n, resend, gitea eller stripe)")
            })
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
