//! The keyring on macOS (Keychain) and Windows (Credential Manager), through the `keyring`
//! crate: each operation is a call of the system's own library, with no session to keep.

use super::keyring_error::{classify_platform, SecretError};

pub fn sessions_opened() -> u64 {
    0
}

#[derive(Default)]
pub struct Session;

fn classify(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::NoStorageAccess(_) => SecretError::Locked,
        keyring::Error::PlatformFailure(inner) => classify_platform(&inner.to_string()),
        other => SecretError::Backend(super::redact(&other.to_string())),
    }
}

impl Session {
    pub fn get(&mut self, service: &str, account: &str) -> Result<Option<String>, SecretError> {
        match keyring::Entry::new(service, account).and_then(|e| e.get_password()) {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(e)),
        }
    }

    pub fn set(&mut self, service: &str, account: &str, value: &str) -> Result<(), SecretError> {
        keyring::Entry::new(service, account)
            .and_then(|e| e.set_password(value))
            .map_err(classify)
    }

    pub fn delete(&mut self, service: &str, account: &str) -> Result<bool, SecretError> {
        match keyring::Entry::new(service, account).and_then(|e| e.delete_credential()) {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(classify(e)),
        }
    }
}
