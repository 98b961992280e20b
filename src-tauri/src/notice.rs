//! A desktop notification whose click opens what it names (issue #68). On Linux the desktop's
//! notification server tells of a click through D-Bus (`ActionInvoked`, the "default" action);
//! elsewhere the notification plugin shows it, without a click.

use fabrik::api::events::WindowEvent;
use fabrik::overview::notices::Notice;
use tauri::{AppHandle, Emitter, Manager};

/// Shows `notice`; a click brings the window forward and tells the webview to open it.
pub fn show(app: &AppHandle, notice: &Notice) {
    #[cfg(target_os = "linux")]
    {
        let (app, notice) = (app.clone(), notice.clone());
        // Waiting for the click blocks until the notification closes: a thread of its own
        // (the overview says at most three at once).
        let spawned = std::thread::Builder::new()
            .name("fabrik-notice".into())
            .spawn(move || {
                let shown = notify_rust::Notification::new()
                    .appname(APP_NAME)
                    .summary(&notice.title)
                    .body(&notice.body)
                    .action("default", &notice.title)
                    .show();
                match shown {
                    Ok(handle) => handle.wait_for_action(|action| {
                        if action == "default" {
                            open(&app, &notice);
                        }
                    }),
                    Err(e) => tracing::debug!("no desktop notification: {e}"),
                }
            });
        if let Err(e) = spawned {
            tracing::debug!("no desktop notification: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        use tauri_plugin_notification::NotificationExt;
        let _ = app
            .notification()
            .builder()
            .title(&notice.title)
            .body(&notice.body)
            .show();
    }
}

/// A notification that opens nothing (a run's end, a sweep's finding): under the app's own
/// name, as the notices above, not the binary's that the notification plugin gives on Linux.
pub fn say(app: &AppHandle, title: &str, body: &str) {
    #[cfg(target_os = "linux")]
    {
        let _ = app;
        let (title, body) = (title.to_string(), body.to_string());
        // A D-Bus call: off the caller's thread (an async task), bounded by the bus.
        let spawned = std::thread::Builder::new()
            .name("fabrik-say".into())
            .spawn(move || {
                let shown = notify_rust::Notification::new()
                    .appname(APP_NAME)
                    .summary(&title)
                    .body(&body)
                    .show();
                if let Err(e) = shown {
                    tracing::debug!("no desktop notification: {e}");
                }
            });
        if let Err(e) = spawned {
            tracing::debug!("no desktop notification: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        use tauri_plugin_notification::NotificationExt;
        let _ = app.notification().builder().title(title).body(body).show();
    }
}

/// The name a desktop shows beside every notification of Fabrik's.
#[cfg(target_os = "linux")]
const APP_NAME: &str = "Fabrik";

/// The window forward, on the notice's item (or Översikt).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn open(app: &AppHandle, notice: &Notice) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
    let event = WindowEvent::OpenNotice(notice);
    let _ = app.emit(event.name(), event);
}
