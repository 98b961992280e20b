//! What the keyring answered a moment ago, for the agency's own entries: the providers'
//! tokens and the backup keys, which every run reads (an engine resolves every token; a
//! backup reads its key and the pointer to it). Each keyring read is a D-Bus connection of its
//! own and a Diffie-Hellman session with the Secret Service, and reads take turns: a schema
//! roll-out over 150 instances spent 13 % of this two-core machine on them (Fabrik, the
//! keyring daemon and the bus), about eight reads an instance, one at a time.
//!
//! An answer is kept for `FRESH`, in this process only, whatever `SecretStore` asked: a change
//! made by another process (the window's setup guide while a CLI roll-out runs) is seen within
//! that time; this process's own writes and removals are seen at once. A customer's secrets
//! and the register's password are read once a run and never kept here.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::{Secret, SecretKey};

/// How long an answer stands.
pub const FRESH: Duration = Duration::from_secs(30);

type Answers = HashMap<(String, String), (Instant, Option<Secret>)>;

static ANSWERS: Mutex<Option<Answers>> = Mutex::new(None);

fn answers() -> MutexGuard<'static, Option<Answers>> {
    ANSWERS.lock().unwrap_or_else(|p| p.into_inner())
}

/// Whether `key`'s answers are kept.
pub fn kept(key: &SecretKey) -> bool {
    matches!(key, SecretKey::Token(_) | SecretKey::BackupKey(_))
}

/// The answer given less than `FRESH` ago (`Some(None)`: there was no entry).
pub fn get(service: &str, account: &str) -> Option<Option<Secret>> {
    let mut guard = answers();
    let map = guard.get_or_insert_with(HashMap::new);
    let k = (service.to_string(), account.to_string());
    match map.get(&k) {
        Some((at, answer)) if at.elapsed() < FRESH => Some(answer.clone()),
        Some(_) => {
            map.remove(&k);
            None
        }
        None => None,
    }
}

/// Keeps what the keyring holds now under `account`.
pub fn put(service: &str, account: &str, answer: Option<Secret>) {
    answers().get_or_insert_with(HashMap::new).insert(
        (service.to_string(), account.to_string()),
        (Instant::now(), answer),
    );
}

/// Forgets `account`'s answer: a write whose outcome is not known.
pub fn forget(service: &str, account: &str) {
    if let Some(map) = answers().as_mut() {
        map.remove(&(service.to_string(), account.to_string()));
    }
}
