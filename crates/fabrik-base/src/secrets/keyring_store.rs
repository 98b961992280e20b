//! The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
//! One service name per environment, so sandbox and production never see each other's entries;
//! one entry per provider token, and entries under each customer for what a run generates.
//!
//! Every call runs on the keyring's own thread with a timeout: a locked keyring can open an
//! unlock prompt and block forever, and the app must never hang on it. The thread keeps the
//! platform's session (`backend::Session`) for the next call.

use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use super::key::{CustomerSecret, SecretKey};
use super::keyring_error::SecretError;
use super::{recent, Secret};

#[cfg(not(target_os = "linux"))]
use super::platform_keyring as backend;
#[cfg(target_os = "linux")]
use super::secret_service as backend;

pub use backend::sessions_opened as keyring_sessions;

pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(5);

/// Seconds a keyring call may take, in place of `KEYRING_TIMEOUT` (1 to 600). The test command
/// sets it: a keyring shared by four test processes on a loaded machine answered one of them
/// after more than 5 s, and a test that waited for another refusal read "the keyring did not
/// answer" instead.
pub const KEYRING_TIMEOUT_ENV: &str = "FABRIK_KEYRING_TIMEOUT_SECS";

/// The timeout a new store gets: `KEYRING_TIMEOUT_ENV` when it holds a number of seconds from 1
/// to 600, otherwise `KEYRING_TIMEOUT`.
fn timeout_setting(value: Option<&str>) -> Duration {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| (1..=600).contains(s))
        .map(Duration::from_secs)
        .unwrap_or(KEYRING_TIMEOUT)
}

/// Operations asked of the keyring by this process (for tests and benchmarks).
static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many operations this process has asked of the keyring itself.
pub fn keyring_calls() -> u64 {
    CALLS.load(std::sync::atomic::Ordering::Relaxed)
}

/// An operation for the keyring's thread, which holds the session.
type Job = Box<dyn FnOnce(&mut backend::Session) + Send>;

/// Whose turn it is with the keyring, and the thread that answers.
struct Turn {
    stuck_until: Option<Instant>,
    thread: Option<mpsc::Sender<Job>>,
}

/// The thread that keeps the process's keyring session and runs one operation after another.
fn keyring_thread() -> Result<mpsc::Sender<Job>, SecretError> {
    let (tx, rx) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("keyring".into())
        .spawn(move || {
            let mut session = backend::Session::default();
            for job in rx {
                job(&mut session);
            }
        })
        .map_err(|e| SecretError::Backend(e.to_string()))?;
    Ok(tx)
}

#[derive(Debug, Clone)]
pub struct SecretStore {
    service: String,
    timeout: Duration,
    /// Whether reads of the agency's own entries may be answered from `recent`.
    recent: bool,
}

impl SecretStore {
    /// `environment` is `sandbox` or `production`.
    pub fn new(environment: &str) -> SecretStore {
        SecretStore {
            service: format!("{}.{environment}", crate::paths::APP_IDENTIFIER),
            timeout: timeout_setting(std::env::var(KEYRING_TIMEOUT_ENV).ok().as_deref()),
            recent: true,
        }
    }

    /// A store whose every read asks the keyring (what it holds, not what it said): the
    /// keyring's own tests. Its writes still update what other stores remember.
    pub fn always_asking(mut self) -> Self {
        self.recent = false;
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Runs one keyring operation on the keyring's thread; a call that does not answer in time
    /// is a `Timeout`.
    ///
    /// Operations go one at a time, and the timeout counts from a call's own turn: the Secret
    /// Service answers one request after another, so fifty runs writing at once would
    /// otherwise wait behind each other and time out as if the keyring were locked. Once a call
    /// has timed out, the keyring counts as stuck for as long again, and the calls waiting for
    /// their turn fail at once instead of each waiting the whole timeout; the stuck thread is
    /// left behind (a blocked call cannot be cancelled) and the next call gets a new one.
    fn call<T: Send + 'static>(
        &self,
        op: impl FnOnce(&mut backend::Session) -> Result<T, SecretError> + Send + 'static,
    ) -> Result<T, SecretError> {
        static TURN: Mutex<Turn> = Mutex::new(Turn {
            stuck_until: None,
            thread: None,
        });
        CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut turn = TURN.lock().unwrap_or_else(|p| p.into_inner());
        let timed_out = SecretError::Timeout(self.timeout.as_secs().max(1));
        // No time at all is never in time, whatever the thread would answer: on a loaded
        // machine the answer was seen to arrive before the wait began (ten suite runs in a
        // row, run 7: a keyring given no time read a token).
        if self.timeout.is_zero() || turn.stuck_until.is_some_and(|t| Instant::now() < t) {
            return Err(timed_out);
        }
        let (tx, rx) = mpsc::channel();
        let mut job: Job = Box::new(move |session| {
            let _ = tx.send(op(session));
        });
        // A thread that ended (an operation panicked) is replaced once.
        for _ in 0..2 {
            let thread = match turn.thread.take() {
                Some(t) => t,
                None => keyring_thread()?,
            };
            match thread.send(job) {
                Ok(()) => {
                    turn.thread = Some(thread);
                    break;
                }
                Err(mpsc::SendError(back)) => job = back,
            }
        }
        match rx.recv_timeout(self.timeout) {
            Ok(answer) => {
                turn.stuck_until = None;
                answer
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                turn.stuck_until = Some(Instant::now() + self.timeout);
                turn.thread = None;
                Err(timed_out)
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                turn.thread = None;
                Err(SecretError::Backend(
                    "the keyring's thread stopped before it answered".into(),
                ))
            }
        }
    }

    /// `op` again, five times at most, when the keyring daemon left the bus while it was asked:
    /// gnome-keyring dies on some requests (seen: `g_variant_new: expected GVariant of type 'v'`
    /// under many clients at once) and is started again by the session, so a run does not
    /// fail on it. Every operation is the same when repeated (a value written is the same
    /// value). The pauses add up to 3 s: a restart on a loaded machine can take longer than
    /// the 0.8 s waited before (a CI run saw the daemon restart in the middle of the crash
    /// test's resumes). A keyring that is not there at all is reported within about 3 s.
    fn again<T>(&self, mut op: impl FnMut() -> Result<T, SecretError>) -> Result<T, SecretError> {
        // The pause before each repeat; one attempt more than pauses.
        const PAUSES_MS: [u64; 5] = [200, 400, 800, 800, 800];
        let went_away = |e: &SecretError| match e {
            SecretError::NoSecretService => true,
            SecretError::Backend(t) => {
                t.contains("disconnected") || t.contains("NoReply") || t.contains("does not exist")
            }
            _ => false,
        };
        for pause in PAUSES_MS {
            match op() {
                Err(e) if went_away(&e) => std::thread::sleep(Duration::from_millis(pause)),
                answer => return answer,
            }
        }
        op()
    }

    /// The entry's value; the agency's own entries (tokens, backup keys) from what the keyring
    /// said less than `recent::FRESH` ago, when it was asked (`recent`).
    pub fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        let kept = recent::kept(key);
        if kept && self.recent {
            if let Some(answer) = recent::get(&self.service, &key.account()) {
                return Ok(answer);
            }
        }
        let (service, account) = (self.service.clone(), key.account());
        let answer = self
            .again(|| {
                let (service, account) = (service.clone(), account.clone());
                self.call(move |s| s.get(&service, &account))
            })?
            .map(Secret::new);
        if kept {
            recent::put(&self.service, &key.account(), answer.clone());
        }
        Ok(answer)
    }

    pub fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretError> {
        let (service, account) = (self.service.clone(), key.account());
        let written = self.again(|| {
            let (service, account, value) = (service.clone(), account.clone(), secret.clone());
            self.call(move |s| s.set(&service, &account, value.expose()))
        });
        self.remember(key, written.as_ref().ok().map(|_| Some(secret.clone())));
        written
    }

    /// Removes the entry; `false` when there was none.
    pub fn delete(&self, key: &SecretKey) -> Result<bool, SecretError> {
        let (service, account) = (self.service.clone(), key.account());
        let removed = self.again(|| {
            let (service, account) = (service.clone(), account.clone());
            self.call(move |s| s.delete(&service, &account))
        });
        self.remember(key, removed.as_ref().ok().map(|_| None));
        removed
    }

    /// After a write: what the keyring now holds, or `None` when the write's outcome is not
    /// known (the next read asks the keyring).
    fn remember(&self, key: &SecretKey, now: Option<Option<Secret>>) {
        if !recent::kept(key) {
            return;
        }
        match now {
            Some(answer) => recent::put(&self.service, &key.account(), answer),
            None => recent::forget(&self.service, &key.account()),
        }
    }

    /// A customer's secret, under its uid; one stored under its slug by an older Fabrik is
    /// moved to the uid on the way (a slug can later belong to someone else).
    pub fn get_customer(
        &self,
        uid: &str,
        slug: &str,
        which: CustomerSecret,
    ) -> Result<Option<Secret>, SecretError> {
        let key = |customer: &str| SecretKey::Customer {
            customer: customer.to_string(),
            which,
        };
        if let Some(s) = self.get(&key(uid))? {
            return Ok(Some(s));
        }
        let Some(legacy) = self.get(&key(slug))? else {
            return Ok(None);
        };
        self.set(&key(uid), &legacy)?;
        let _ = self.delete(&key(slug));
        Ok(Some(legacy))
    }

    /// Forgets every secret kept for a customer (after teardown or a full rollback), under
    /// its uid and any left under its slug.
    pub fn forget_customer(&self, uid: &str, slug: &str) {
        for which in CustomerSecret::ALL {
            for customer in [uid, slug] {
                let _ = self.delete(&SecretKey::Customer {
                    customer: customer.to_string(),
                    which,
                });
            }
        }
    }

    pub fn exists(&self, key: &SecretKey) -> Result<bool, SecretError> {
        Ok(self.get(key)?.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One test, as the keyring's turn is one per process. The Secret Service answers one
    /// request after another: 12 callers at once, each request taking 150 ms, all succeed
    /// within a 1 s timeout, because each timeout counts from the caller's own turn (before,
    /// the last ones waited 1.8 s behind the others and timed out). A call that hangs times
    /// out with a clear error, and the calls right after it fail at once rather than wait.
    #[test]
    fn calls_take_turns_and_a_hung_one_times_out_with_a_clear_error() {
        static SERVICE: Mutex<()> = Mutex::new(());
        let store = SecretStore::new("unit-turns").with_timeout(Duration::from_secs(1));
        let callers: Vec<_> = (0..12)
            .map(|_| {
                let store = store.clone();
                std::thread::spawn(move || {
                    store.call(|_| {
                        let _one_at_a_time = SERVICE.lock().unwrap();
                        std::thread::sleep(Duration::from_millis(150));
                        Ok(())
                    })
                })
            })
            .collect();
        for c in callers {
            assert!(matches!(c.join().unwrap(), Ok(())));
        }

        let store = store.with_timeout(Duration::from_millis(200));
        let started = Instant::now();
        let r = store.call(|_| {
            std::thread::sleep(Duration::from_secs(30));
            Ok(())
        });
        assert!(matches!(r, Err(SecretError::Timeout(_))), "{r:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(SecretError::Timeout(5).to_string().contains("låsas upp"));
        let next = Instant::now();
        let r = store.call(|_| Ok(()));
        assert!(
            matches!(r, Err(SecretError::Timeout(_))),
            "still stuck: {r:?}"
        );
        assert!(
            next.elapsed() < Duration::from_millis(100),
            "failed at once"
        );
        std::thread::sleep(Duration::from_millis(250));
        let r = store.call(|_| Ok(()));
        assert!(matches!(r, Ok(())), "answers again: {r:?}");
    }

    #[test]
    fn the_timeout_is_the_settings_number_of_seconds_or_five() {
        use super::timeout_setting;
        assert_eq!(timeout_setting(Some("30")), Duration::from_secs(30));
        assert_eq!(timeout_setting(Some(" 600 ")), Duration::from_secs(600));
        for odd in [
            None,
            Some(""),
            Some("0"),
            Some("601"),
            Some("fem"),
            Some("-3"),
        ] {
            assert_eq!(timeout_setting(odd), super::KEYRING_TIMEOUT, "{odd:?}");
        }
    }
}
