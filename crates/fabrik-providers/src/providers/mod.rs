//! One client per cloud. Every base URL comes from configuration (`Endpoints`), so the same code
//! talks to the real hosts or to fabrik-sim. rustls only; a timeout on every call.

pub mod choices;
pub mod clients;
pub mod declared;
pub mod endpoints;
pub mod error;
pub mod git_sha;
pub mod gitea;
pub mod github;
pub mod guide;
pub mod http;
pub mod n8n;
pub mod pacer;
pub mod resend;
pub mod retry;
pub mod site;
pub mod stripe;
pub mod supabase;
pub mod vercel;
pub mod verify;

pub use clients::{Clients, Tokens};
pub use endpoints::Endpoints;
pub use error::{ErrorKind, ProviderError};

/// `owner/name` as its two parts, or why not (for `provider`'s errors).
pub fn owner_and_name(
    provider: crate::secrets::Provider,
    full_name: &str,
) -> Result<(&str, &str), ProviderError> {
    full_name
        .split_once('/')
        .filter(|(o, n)| !o.is_empty() && !n.is_empty() && !n.contains('/'))
        .ok_or_else(|| {
            ProviderError::new(
                provider,
                ErrorKind::Invalid,
                format!("{full_name:?} is not owner/repository"),
            )
        })
}

/// rustls needs one process-wide crypto provider; call once at start-up (idempotent).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
