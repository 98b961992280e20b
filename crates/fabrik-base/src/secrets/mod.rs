//! Secrets: the in-memory type that cannot leak, the OS keyring that holds them, and the one
//! redaction policy applied to logs and error text (known values), and to content Fabrik
//! backs up but did not write (by shape as well).

mod key;
mod keyring_error;
mod keyring_store;
#[cfg(not(target_os = "linux"))]
mod platform_keyring;
mod recent;
mod redact;
mod secret;
#[cfg(target_os = "linux")]
mod secret_service;
mod shape;

pub use key::{CustomerSecret, SecretKey};
pub use keyring_error::SecretError;
pub use keyring_store::{keyring_calls, keyring_sessions, SecretStore, KEYRING_TIMEOUT};
pub use redact::{redact, RedactingWriter, REDACTED};
pub use secret::Secret;
pub use shape::{redact_json, redact_shapes, secret_name};

/// The providers are declared in `crate::provider`; their tokens are kept here.
pub use crate::provider::Provider;
