//! Om Fabrik's "Sök efter uppdatering" and its install: the check reads the feed (the same as
//! `fabrik update check`); the install waits while this window drives a run, then has the
//! window (the `Host`, with Tauri's updater and the built-in key) download, verify and put the
//! new version in place, and starts it. Every failure leaves the running version in place and
//! is said in the `update` event.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[cfg(test)]
mod tests;

use crate::error::ApiResult;
use crate::update::{self, UpdateCheck, UpdateError, UpdateProgress};

/// How often a waiting update looks again whether the runs ended.
const WAIT_POLL: Duration = Duration::from_secs(2);
/// The longest an update waits for runs (a roll-out of a large fleet); then it gives up and
/// says so, and the user asks again.
const MAX_WAIT: Duration = Duration::from_secs(12 * 3600);

/// The installed version once the host has put it in place.
pub type Installing = Pin<Box<dyn Future<Output = Result<String, UpdateError>> + Send>>;

/// What only the window can do for an update.
pub trait UpdateHost: Send + Sync + 'static {
    /// The version that runs (the window's; the workspace's unless built otherwise).
    fn version(&self) -> String {
        update::running_version().to_string()
    }
    /// How this copy was installed when it can replace itself (`appimage`); otherwise why not.
    fn installer(&self) -> Result<&'static str, UpdateError> {
        Err(UpdateError::NotInstallable {
            how: "fabrik".into(),
        })
    }
    /// Downloads what `feed` offers, verifies its signature with the built-in key and puts it
    /// in place of the running copy, reporting progress; the new version's number.
    fn install(&self, _feed: String) -> Installing {
        Box::pin(async {
            Err(UpdateError::NotInstallable {
                how: "fabrik".into(),
            })
        })
    }
    fn progress(&self, _p: &UpdateProgress) {}
    /// Starts the installed version in place of this one.
    fn restart_updated(&self) {}
}

pub struct Updates {
    host: Arc<dyn UpdateHost>,
    /// `update::feed_url()` when the window opened.
    feed: Option<String>,
    /// An install is under way (waiting or downloading): asking again joins it.
    busy: AtomicBool,
}

impl Updates {
    pub fn new(host: Arc<dyn UpdateHost>, feed: Option<String>) -> Updates {
        Updates {
            host,
            feed,
            busy: AtomicBool::new(false),
        }
    }

    pub async fn check(&self) -> ApiResult<UpdateCheck> {
        let feed = self.feed.clone().ok_or(UpdateError::NoFeed)?;
        Ok(update::check(&feed, &self.host.version()).await?)
    }

    /// Starts the install and says where it stands: waiting for `active()`'s runs, or
    /// downloading. What follows comes as `update` events.
    pub async fn install(
        self: &Arc<Self>,
        active: impl Fn() -> Vec<i64> + Send + Sync + 'static,
    ) -> ApiResult<UpdateProgress> {
        let feed = self.feed.clone().ok_or(UpdateError::NoFeed)?;
        self.host.installer()?;
        // Checked first, so "nothing newer" or an unreachable feed is the answer, not an event.
        let offered = match update::check(&feed, &self.host.version()).await?.offer {
            update::Offer::Newer { version, .. } => version,
            _ => return Err(UpdateError::NothingNewer.into()),
        };
        let runs = active();
        let first = if runs.is_empty() {
            UpdateProgress::Downloading {
                version: offered.clone(),
                received: 0,
                total: None,
            }
        } else {
            UpdateProgress::Waiting { runs }
        };
        if self.busy.swap(true, Ordering::SeqCst) {
            return Ok(first);
        }
        let this = self.clone();
        tokio::spawn(async move {
            let outcome = this.wait_then_install(feed, offered, &active).await;
            match outcome {
                Ok(version) => {
                    this.host.progress(&UpdateProgress::Restarting { version });
                    this.host.restart_updated();
                }
                Err(e) => {
                    tracing::warn!(code = %e.code(), "update not installed: {e}");
                    this.host
                        .progress(&UpdateProgress::Failed { error: e.into() });
                }
            }
            this.busy.store(false, Ordering::SeqCst);
        });
        Ok(first)
    }

    async fn wait_then_install(
        &self,
        feed: String,
        version: String,
        active: &(impl Fn() -> Vec<i64> + Send + Sync),
    ) -> Result<String, UpdateError> {
        let started = tokio::time::Instant::now();
        loop {
            let runs = active();
            if runs.is_empty() {
                break;
            }
            if started.elapsed() > MAX_WAIT {
                return Err(UpdateError::RunsStillActive {
                    version,
                    runs: runs
                        .iter()
                        .map(|r| format!("#{r}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            self.host.progress(&UpdateProgress::Waiting { runs });
            tokio::time::sleep(WAIT_POLL).await;
        }
        self.host.install(feed).await
    }
}
