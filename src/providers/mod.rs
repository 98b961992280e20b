//! One client per cloud. Every base URL comes from configuration (`Endpoints`), so the same code
//! talks to the real hosts or to fabrik-sim. rustls only; a timeout on every call.

pub mod clients;
pub mod endpoints;
pub mod error;
pub mod git_sha;
pub mod gitea;
pub mod github;
pub mod http;
pub mod n8n;
pub mod pacer;
pub mod resend;
pub mod site;
pub mod supabase;
pub mod vercel;
pub mod verify;

pub use clients::{Clients, Tokens};
pub use endpoints::Endpoints;
pub use error::{ErrorKind, ProviderError};

/// rustls needs one process-wide crypto provider; call once at start-up (idempotent).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
