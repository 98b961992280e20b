//! Live changes across seats: a connection of its own that `LISTEN`s on the channel the
//! baseline's triggers `NOTIFY` (`fabrik_changes`, payload `{"table": …, "id": …}`), so a window
//! learns within a moment that another seat added a customer or moved a run, and reads just that,
//! instead of polling the whole register.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::postgres::PgConfig;

/// The channel the triggers notify on.
pub const CHANNEL: &str = "fabrik_changes";
/// Reconnects in a row before the listener gives up (and says so in the log); a working
/// connection resets the count.
const MAX_RECONNECTS: u32 = 20;
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What changed: a customer (`customers`, `instances`, `health_checks`: `id` is the customer's)
/// or a run (`runs`, `run_steps`, `run_log`: `id` is the run's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RegisterChange {
    pub table: String,
    #[ts(type = "number")]
    pub id: i64,
}

/// Listens until dropped.
pub struct Listener {
    stop: Arc<AtomicBool>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl Listener {
    /// Starts listening on a thread of its own; `on_change` is called for every notification.
    pub fn start(
        config: PgConfig,
        on_change: impl Fn(RegisterChange) + Send + Sync + 'static,
    ) -> std::io::Result<Listener> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::Builder::new()
            .name("fabrik-listen".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => return tracing::warn!("live updates are off: {e}"),
                };
                rt.block_on(listen(config, flag, on_change));
            })?;
        Ok(Listener { stop })
    }
}

async fn listen(
    config: PgConfig,
    stop: Arc<AtomicBool>,
    on_change: impl Fn(RegisterChange) + Send + Sync + 'static,
) {
    let mut failures = 0;
    while !stop.load(Ordering::SeqCst) {
        match config.connect_listening().await {
            Ok((client, mut messages)) => {
                if let Err(e) = client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
                    tracing::warn!("LISTEN failed: {e}");
                } else {
                    failures = 0;
                    // Wakes now and then to see whether the listener was dropped.
                    loop {
                        if stop.load(Ordering::SeqCst) {
                            return;
                        }
                        match tokio::time::timeout(Duration::from_millis(500), messages.recv())
                            .await
                        {
                            Err(_) => continue,
                            Ok(Some(Ok(tokio_postgres::AsyncMessage::Notification(n)))) => {
                                match serde_json::from_str::<RegisterChange>(n.payload()) {
                                    Ok(change) => on_change(change),
                                    Err(e) => tracing::warn!("an unreadable notification: {e}"),
                                }
                            }
                            Ok(Some(Ok(_))) => {}
                            Ok(Some(Err(e))) => {
                                tracing::warn!("the live-update connection failed: {e}");
                                break;
                            }
                            Ok(None) => break,
                        }
                    }
                }
            }
            Err(e) => tracing::warn!("live updates cannot connect: {e}"),
        }
        failures += 1;
        if failures > MAX_RECONNECTS {
            tracing::error!("live updates stopped after {MAX_RECONNECTS} failed connections");
            return;
        }
        let backoff = Duration::from_millis(250 * 2u64.saturating_pow(failures.min(10)));
        tokio::time::sleep(backoff.min(MAX_BACKOFF)).await;
    }
}
