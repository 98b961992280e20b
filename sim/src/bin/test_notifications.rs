//! A desktop notification server for the window tests (issue #68): it owns
//! `org.freedesktop.Notifications` on the test's private D-Bus session, as a desktop's would,
//! prints every notification it is given as a JSON line, and clicks one when told
//! (`click <id>` on stdin), so a test sees what Fabrik said and what a click opens. It ends
//! when its stdin closes: a test that dies leaves no server behind.
//!
//! With `--relay ADDRESS` it also hands each notification, as Fabrik gave it, to a real
//! notification daemon on another D-Bus (dunst, drawing on the test's X display), for the
//! picture of a notification in `docs/` (scripts/screenshots.sh).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedValue;

const PATH: &str = "/org/freedesktop/Notifications";

struct Server {
    next: AtomicU32,
    /// The real daemon's bus, when drawing for a picture.
    relay: Option<zbus::Connection>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(relay) = &self.relay {
            // Shown until closed (0), so the picture is taken while it is there.
            let hints: HashMap<&str, zbus::zvariant::Value> = HashMap::new();
            let drawn = relay
                .call_method(
                    Some("org.freedesktop.Notifications"),
                    PATH,
                    Some("org.freedesktop.Notifications"),
                    "Notify",
                    &(&app_name, 0u32, "", &summary, &body, &actions, hints, 0i32),
                )
                .await;
            if let Err(e) = drawn {
                eprintln!("the relayed daemon refused the notification: {e}");
            }
        }
        let line = serde_json::json!({
            "id": id, "app": app_name, "summary": summary, "body": body, "actions": actions,
        });
        println!("{line}");
        id
    }

    fn close_notification(&self, _id: u32) {}

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "fabrik-test-notifications".into(),
            "fabrik".into(),
            env!("CARGO_PKG_VERSION").into(),
            "1.2".into(),
        )
    }

    #[zbus(signal)]
    async fn action_invoked(e: &SignalEmitter<'_>, id: u32, action_key: &str) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn notification_closed(e: &SignalEmitter<'_>, id: u32, reason: u32) -> zbus::Result<()>;
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let relay = match args.as_slice() {
        [] => None,
        [flag, address] if flag == "--relay" => Some(
            zbus::connection::Builder::address(address.as_str())?
                .build()
                .await?,
        ),
        _ => return Err("usage: fabrik-test-notifications [--relay D-BUS-ADDRESS]".into()),
    };
    let conn = zbus::connection::Builder::session()?
        .name("org.freedesktop.Notifications")?
        .serve_at(
            PATH,
            Server {
                next: AtomicU32::new(0),
                relay,
            },
        )?
        .build()
        .await?;
    println!("{}", serde_json::json!({ "ready": true }));
    // The lines read on a thread of their own (blocking stdin); the channel closes with it.
    let (tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    while let Some(line) = lines.recv().await {
        let Some(id) = line
            .strip_prefix("click ")
            .and_then(|i| i.trim().parse::<u32>().ok())
        else {
            eprintln!("unknown command: {line}");
            continue;
        };
        let iface = conn.object_server().interface::<_, Server>(PATH).await?;
        Server::action_invoked(iface.signal_emitter(), id, "default").await?;
        // 2: dismissed by the user (the specification's reasons).
        Server::notification_closed(iface.signal_emitter(), id, 2).await?;
    }
    Ok(())
}
