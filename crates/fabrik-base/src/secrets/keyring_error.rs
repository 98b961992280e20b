//! What can go wrong with the keyring, in the app's words, whichever platform's keyring it is.

use crate::messages::{ErrorCode, Params};

/// Why the keyring could not be used; the text comes from the message catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretError {
    NoSessionBus,
    NoSecretService,
    Locked,
    /// Seconds waited.
    Timeout(u64),
    Backend(String),
}

impl SecretError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SecretError::NoSessionBus => ErrorCode::KeyringNoSessionBus,
            SecretError::NoSecretService => ErrorCode::KeyringNoSecretService,
            SecretError::Locked => ErrorCode::KeyringLocked,
            SecretError::Timeout(_) => ErrorCode::KeyringTimeout,
            SecretError::Backend(_) => ErrorCode::KeyringError,
        }
    }

    pub fn params(&self) -> Params {
        match self {
            SecretError::Timeout(s) => crate::messages::params! { "seconds" => s },
            SecretError::Backend(d) => crate::messages::params! { "detail" => d },
            _ => Params::new(),
        }
    }
}

impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code().sv(&self.params()))
    }
}

impl std::error::Error for SecretError {}

/// What the platform said, as text, read for the cases the app explains (no session bus, no
/// Secret Service, locked); anything else is passed on with secrets masked.
pub(super) fn classify_platform(text: &str) -> SecretError {
    if text.contains("autolaunch")
        || text.contains("DBUS_SESSION_BUS_ADDRESS")
        || text.contains("Failed to connect to socket")
    {
        SecretError::NoSessionBus
    } else if text.contains("ServiceUnknown") || text.contains("org.freedesktop.secrets") {
        SecretError::NoSecretService
    } else if text.to_lowercase().contains("locked") {
        SecretError::Locked
    } else {
        SecretError::Backend(super::redact(text))
    }
}
