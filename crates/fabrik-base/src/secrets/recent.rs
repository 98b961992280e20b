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
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::key::SecretKey;
use super::Secret;

/// How long an answer stands.
pub const FRESH: Duration = Duration::from_secs(30);

/// (service, account) → when the keyring gave the answer, and the answer.
type Answers = HashMap<(String, String), (Instant, Option<Secret>)>;

static ANSWERS: LazyLock<Mutex<Answers>> = LazyLock::new(Mutex::default);

fn answers() -> MutexGuard<'static, Answers> {
    ANSWERS.lock().unwrap_or_else(|p| p.into_inner())
}

fn at(service: &str, account: &str) -> (String, String) {
    (service.to_string(), account.to_string())
}

/// Whether `key`'s answers are kept.
pub fn kept(key: &SecretKey) -> bool {
    matches!(key, SecretKey::Token(_) | SecretKey::BackupKey(_))
}

/// The answer given less than `FRESH` ago (`Some(None)`: there was no entry).
pub fn get(service: &str, account: &str) -> Option<Option<Secret>> {
    let mut answers = answers();
    let k = at(service, account);
    match answers.get(&k) {
        Some((when, answer)) if when.elapsed() < FRESH => Some(answer.clone()),
        Some(_) => {
            answers.remove(&k);
            None
        }
        None => None,
    }
}

/// Keeps what the keyring holds now under `account`.
pub fn put(service: &str, account: &str, answer: Option<Secret>) {
    put_given(service, account, Instant::now(), answer);
}

fn put_given(service: &str, account: &str, when: Instant, answer: Option<Secret>) {
    answers().insert(at(service, account), (when, answer));
}

/// Forgets `account`'s answer: a write whose outcome is not known.
pub fn forget(service: &str, account: &str) {
    answers().remove(&at(service, account));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer older than `FRESH` is not given: the keyring is asked again.
    #[test]
    fn an_answer_stands_for_fresh_and_no_longer() {
        let given = |ago: Duration| {
            put_given("unit-recent", "token:x", Instant::now() - ago, None);
            get("unit-recent", "token:x")
        };
        assert_eq!(
            given(FRESH - Duration::from_secs(1)).map(|a| a.is_none()),
            Some(true)
        );
        assert!(given(FRESH + Duration::from_secs(1)).is_none(), "too old");
        forget("unit-recent", "token:x");
        assert!(get("unit-recent", "token:x").is_none());
    }
}
