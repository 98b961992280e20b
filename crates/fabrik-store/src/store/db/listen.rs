//! Live changes across seats: a connection of its own that `LISTEN`s on the channel the
//! baseline's triggers `NOTIFY` (`fabrik_changes`, payload `{"table": …, "id": …}`), so a window
//! learns within a moment that another seat added a customer or moved a run, and reads just that,
//! instead of polling the whole register.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::pg_config::PgConfig;

/// The channel the triggers notify on.
pub const CHANNEL: &str = "fabrik_changes";

/// What changed: a customer (`customers`, `instances`, `health_checks`: `id` is the customer's)
/// or a run (`runs`, `run_steps`, `run_log`: `id` is the run's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RegisterChange {
    pub table: String,
    #[ts(type = "number")]
    pub id: i64,
}

/// Whether changes arrive live, as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LiveStatus {
    /// Listening: every change is announced as it is made. `resumed` after a lost
    /// connection: what changed meanwhile was announced to no one, so whatever is shown must
    /// be read again.
    Live { resumed: bool },
    /// Not listening since `since` (the connection was lost, or could not be made); trying
    /// again. Other seats' changes are not shown until it is back.
    Stopped {
        since: chrono::DateTime<chrono::Utc>,
    },
}

/// What the listener reports: a change, or whether it is listening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Live {
    Change(RegisterChange),
    Status(LiveStatus),
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
    /// Starts listening on a thread of its own; `on_event` is called for every notification
    /// and every change of status.
    pub fn start(
        config: PgConfig,
        on_event: impl Fn(Live) + Send + Sync + 'static,
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
                rt.block_on(listen(config, flag, on_event));
            })?;
        Ok(Listener { stop })
    }
}

async fn listen(
    config: PgConfig,
    stop: Arc<AtomicBool>,
    on_event: impl Fn(Live) + Send + Sync + 'static,
) {
    // When listening stopped, while it is stopped: a lost connection and one that could not
    // be made at all are the same to the window.
    let mut stopped: Option<chrono::DateTime<chrono::Utc>> = None;
    let mut failures = 0;
    while !stop.load(Ordering::SeqCst) {
        match config.connect_listening().await {
            Ok((client, mut messages)) => {
                if let Err(e) = client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
                    tracing::warn!("LISTEN failed: {e}");
                } else {
                    failures = 0;
                    // Listening again after a gap: nothing announces what changed in it.
                    let resumed = stopped.take().is_some();
                    if resumed {
                        tracing::info!("live updates resumed");
                    }
                    on_event(Live::Status(LiveStatus::Live { resumed }));
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
                                    Ok(change) => on_event(Live::Change(change)),
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
        if stop.load(Ordering::SeqCst) {
            return;
        }
        if stopped.is_none() {
            let since = chrono::Utc::now();
            stopped = Some(since);
            tracing::warn!("live updates stopped; reconnecting");
            on_event(Live::Status(LiveStatus::Stopped { since }));
        }
        // Reconnects never stop (a computer that slept over night comes back live by itself,
        // and meanwhile the window says since when it is not), with the store's own waits, so
        // the banner goes within seconds of the store working again.
        failures += 1;
        tokio::time::sleep(super::postgres::reconnect_wait(failures)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A register that cannot be reached is said at once, not after twenty silent tries.
    #[test]
    fn a_listener_that_cannot_connect_says_so_at_once() {
        let port = {
            let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            free.local_addr().unwrap().port()
        };
        let config = PgConfig::parse(&format!(
            "postgres://fabrik@127.0.0.1:{port}/x?sslmode=disable"
        ))
        .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let _listener = Listener::start(config, move |e| {
            let _ = tx.send(e);
        })
        .unwrap();
        let first = rx.recv_timeout(Duration::from_secs(5));
        assert!(
            matches!(first, Ok(Live::Status(LiveStatus::Stopped { .. }))),
            "{first:?}"
        );
    }
}
