//! The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
//! One service name per environment, so sandbox and production never see each other's entries;
//! one entry per provider token, and entries under each customer for what a run generates.
//!
//! Every call runs on its own thread with a timeout: a locked keyring can open an unlock prompt
//! and block forever, and the app must never hang on it.

use std::sync::mpsc;
use std::time::Duration;

use super::{Provider, Secret};

pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(5);

/// What a run keeps under the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerSecret {
    DatabasePassword,
    AdminPassword,
    ServiceRoleKey,
}

impl CustomerSecret {
    /// Every secret Fabrik keeps per customer: teardown and rollback forget exactly these.
    pub const ALL: [CustomerSecret; 3] = [
        CustomerSecret::DatabasePassword,
        CustomerSecret::AdminPassword,
        CustomerSecret::ServiceRoleKey,
    ];

    fn as_str(self) -> &'static str {
        match self {
            CustomerSecret::DatabasePassword => "database_password",
            CustomerSecret::AdminPassword => "admin_password",
            CustomerSecret::ServiceRoleKey => "service_role_key",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretKey {
    Token(Provider),
    Customer { slug: String, which: CustomerSecret },
}

impl SecretKey {
    fn account(&self) -> String {
        match self {
            SecretKey::Token(p) => format!("token:{}", p.as_str()),
            SecretKey::Customer { slug, which } => {
                format!("customer:{slug}:{}", which.as_str())
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("Nyckelringen kan inte nås: ingen D-Bus-session körs. Starta Fabrik från en skrivbordssession (eller i en terminal med `dbus-run-session`).")]
    NoSessionBus,
    #[error("Ingen nyckelringstjänst (Secret Service) körs. Installera och starta gnome-keyring (eller KeePassXC med Secret Service påslaget) och försök igen.")]
    NoSecretService,
    #[error("Nyckelringen är låst. Lås upp den (till exempel genom att logga ut och in igen) och försök igen.")]
    Locked,
    #[error("Nyckelringen svarade inte inom {0} sekunder, troligen för att den väntar på att låsas upp. Lås upp nyckelringen och försök igen.")]
    Timeout(u64),
    #[error("Nyckelringen gav ett fel: {0}")]
    Backend(String),
}

impl SecretError {
    pub fn code(&self) -> &'static str {
        match self {
            SecretError::NoSessionBus => "keyring_no_session_bus",
            SecretError::NoSecretService => "keyring_no_secret_service",
            SecretError::Locked => "keyring_locked",
            SecretError::Timeout(_) => "keyring_timeout",
            SecretError::Backend(_) => "keyring_error",
        }
    }
}

fn classify(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::NoStorageAccess(_) => SecretError::Locked,
        keyring::Error::PlatformFailure(inner) => {
            let text = inner.to_string();
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
                SecretError::Backend(super::redact(&text))
            }
        }
        other => SecretError::Backend(super::redact(&other.to_string())),
    }
}

#[derive(Debug, Clone)]
pub struct SecretStore {
    service: String,
    timeout: Duration,
}

impl SecretStore {
    /// `environment` is `sandbox` or `production`.
    pub fn new(environment: &str) -> SecretStore {
        SecretStore {
            service: format!("{}.{environment}", crate::paths::APP_IDENTIFIER),
            timeout: KEYRING_TIMEOUT,
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Runs one keyring operation on its own thread; the outer error is the timeout.
    fn call<T: Send + 'static>(
        &self,
        key: &SecretKey,
        op: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<keyring::Result<T>, SecretError> {
        let (service, account) = (self.service.clone(), key.account());
        let (tx, rx) = mpsc::channel();
        // A blocked keyring call cannot be cancelled; the thread is left to finish or die with
        // the process, and the caller gets a clear answer in time.
        std::thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let r = keyring::Entry::new(&service, &account).and_then(op);
                let _ = tx.send(r);
            })
            .map_err(|e| SecretError::Backend(e.to_string()))?;
        rx.recv_timeout(self.timeout)
            .map_err(|_| SecretError::Timeout(self.timeout.as_secs().max(1)))
    }

    pub fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        match self.call(key, |e| e.get_password())? {
            Ok(v) => Ok(Some(Secret::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(e)),
        }
    }

    pub fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretError> {
        let value = secret.clone();
        self.call(key, move |e| e.set_password(value.expose()))?
            .map_err(classify)
    }

    /// Removes the entry; `false` when there was none.
    pub fn delete(&self, key: &SecretKey) -> Result<bool, SecretError> {
        match self.call(key, |e| e.delete_credential())? {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(classify(e)),
        }
    }

    /// Forgets every secret kept for a customer (after teardown or a full rollback).
    pub fn forget_customer(&self, slug: &str) {
        for which in CustomerSecret::ALL {
            let _ = self.delete(&SecretKey::Customer {
                slug: slug.to_string(),
                which,
            });
        }
    }

    pub fn exists(&self, key: &SecretKey) -> Result<bool, SecretError> {
        Ok(self.get(key)?.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_that_hangs_times_out_with_a_clear_error() {
        let store = SecretStore::new("unit").with_timeout(Duration::from_millis(200));
        let started = std::time::Instant::now();
        let r = store.call(&SecretKey::Token(Provider::Github), |_| {
            std::thread::sleep(Duration::from_secs(30));
            Ok(())
        });
        assert!(matches!(r, Err(SecretError::Timeout(_))), "{r:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(SecretError::Timeout(5).to_string().contains("låsas upp"));
    }
}
