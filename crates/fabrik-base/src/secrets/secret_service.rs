//! The keyring on Linux: the Secret Service (gnome-keyring, KWallet), over one session that
//! the keyring's thread keeps for the process.
//!
//! The `keyring` crate opened a new D-Bus connection and a new encrypted session (a 1024-bit
//! Diffie-Hellman exchange) for every operation, two for a write: 21 ms and 10 ms of CPU an
//! operation here, 16 % of the machine in the test suite. The entries are the ones it made
//! (same attributes, in the default collection), so what an older Fabrik kept is found.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use dbus_secret_service::{EncryptionType, Error, Item, SecretService};

use super::keyring_error::{classify_platform, SecretError};

/// Sessions this process has opened with the Secret Service (for tests).
static SESSIONS: AtomicU64 = AtomicU64::new(0);

pub fn sessions_opened() -> u64 {
    SESSIONS.load(Ordering::Relaxed)
}

/// The keyring thread's session; opened on first use and again after any failure (a daemon
/// that was started again no longer knows the old one).
#[derive(Default)]
pub struct Session {
    service: Option<SecretService>,
}

fn classify(e: Error) -> SecretError {
    match e {
        Error::Locked | Error::NoResult | Error::Prompt => SecretError::Locked,
        other => classify_platform(&other.to_string()),
    }
}

/// How the `keyring` crate (v3) named an entry: the search attributes of `Entry::new`.
fn attributes<'a>(service: &'a str, account: &'a str) -> HashMap<&'a str, &'a str> {
    HashMap::from([
        ("target", "default"),
        ("service", service),
        ("username", account),
    ])
}

/// The one entry under the name, unlocked; more than one is an error (which to believe?).
fn find<'a>(
    ss: &'a SecretService,
    service: &str,
    account: &str,
) -> Result<Option<Item<'a>>, SecretError> {
    let found = ss
        .search_items(attributes(service, account))
        .map_err(classify)?;
    for item in &found.locked {
        item.unlock().map_err(classify)?;
    }
    let mut all = found.unlocked;
    all.extend(found.locked);
    match all.len() {
        0 | 1 => Ok(all.pop()),
        n => Err(SecretError::Backend(format!(
            "{n} entries in the keyring for {account} ({service}); remove all but one in the keyring's own tool"
        ))),
    }
}

impl Session {
    fn with<T>(
        &mut self,
        op: impl FnOnce(&SecretService) -> Result<T, SecretError>,
    ) -> Result<T, SecretError> {
        if self.service.is_none() {
            self.service = Some(SecretService::connect(EncryptionType::Dh).map_err(classify)?);
            SESSIONS.fetch_add(1, Ordering::Relaxed);
        }
        let answer = op(self.service.as_ref().expect("connected above"));
        if answer.is_err() {
            self.service = None;
        }
        answer
    }

    pub fn get(&mut self, service: &str, account: &str) -> Result<Option<String>, SecretError> {
        self.with(|ss| {
            let Some(item) = find(ss, service, account)? else {
                return Ok(None);
            };
            let bytes = item.get_secret().map_err(classify)?;
            String::from_utf8(bytes).map(Some).map_err(|_| {
                SecretError::Backend(format!("the keyring's entry for {account} is not text"))
            })
        })
    }

    pub fn set(&mut self, service: &str, account: &str, value: &str) -> Result<(), SecretError> {
        self.with(|ss| {
            if let Some(item) = find(ss, service, account)? {
                return item
                    .set_secret(value.as_bytes(), "text/plain")
                    .map_err(classify);
            }
            let collection = ss.get_default_collection().map_err(classify)?;
            if collection.is_locked().map_err(classify)? {
                collection.unlock().map_err(classify)?;
            }
            let mut attributes = attributes(service, account);
            attributes.insert("application", "rust-keyring");
            collection
                .create_item(
                    &format!("{account}@{service}:default (Fabrik)"),
                    attributes,
                    value.as_bytes(),
                    true,
                    "text/plain",
                )
                .map_err(classify)?;
            Ok(())
        })
    }

    /// `false` when there was no entry.
    pub fn delete(&mut self, service: &str, account: &str) -> Result<bool, SecretError> {
        self.with(|ss| match find(ss, service, account)? {
            Some(item) => item.delete().map(|()| true).map_err(classify),
            None => Ok(false),
        })
    }
}
