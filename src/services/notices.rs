//! The window's watch for what to notify (`overview::notices`): the overview read on a thread
//! of its own a few seconds after start, then every `EVERY` and whenever something may have
//! changed (a run ended, another seat wrote, the window read its overview), and what is new
//! handed to the window in the reader's language.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::error::Result;
use crate::overview::notices::{Notice, Notices};
use crate::services::register::{Language, Register};

/// The first look waits for the window to paint; then one look this often at the least.
const FIRST: Duration = Duration::from_secs(3);
const EVERY: Duration = Duration::from_secs(20);

/// One look now: the overview read, what is new to notify. Used by the watch and by tests.
pub fn look(register: &Register, notices: &Notices) -> Result<Vec<Notice>> {
    let overview = crate::overview::read(&register.shared_store())?;
    let english = register
        .get_preferences()
        .is_ok_and(|p| p.language == Language::En);
    Ok(notices.due(&overview, english))
}

#[derive(Default)]
struct Wake {
    poked: bool,
    stop: bool,
}

/// The watch; it ends when dropped.
pub struct Watcher {
    wake: Arc<(Mutex<Wake>, Condvar)>,
}

impl Watcher {
    pub fn start(
        register: Arc<Register>,
        notices: Arc<Notices>,
        show: impl Fn(&Notice) + Send + 'static,
    ) -> Watcher {
        let wake = Arc::new((Mutex::new(Wake::default()), Condvar::new()));
        let theirs = wake.clone();
        let spawned = std::thread::Builder::new()
            .name("fabrik-notices".into())
            .spawn(move || {
                let mut wait = FIRST;
                loop {
                    {
                        let (lock, cv) = &*theirs;
                        let guard = lock.lock().unwrap_or_else(|p| p.into_inner());
                        let (mut w, _) = cv
                            .wait_timeout_while(guard, wait, |w| !w.poked && !w.stop)
                            .unwrap_or_else(|p| p.into_inner());
                        if w.stop {
                            return;
                        }
                        w.poked = false;
                    }
                    wait = EVERY;
                    match look(&register, &notices) {
                        Ok(due) => due.iter().for_each(&show),
                        // The overview page says why the register cannot be read.
                        Err(e) => tracing::debug!("no look for notifications: {e}"),
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("no notifications this session: {e}");
        }
        Watcher { wake }
    }

    /// Something may have changed: look soon (a burst of pokes makes one look).
    pub fn poke(&self) {
        let (lock, cv) = &*self.wake;
        lock.lock().unwrap_or_else(|p| p.into_inner()).poked = true;
        cv.notify_one();
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let (lock, cv) = &*self.wake;
        lock.lock().unwrap_or_else(|p| p.into_inner()).stop = true;
        cv.notify_one();
    }
}
