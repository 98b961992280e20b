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
                    .appname("Fabrik")
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
