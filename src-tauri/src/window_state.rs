//! Remembers the window's size and position as soon as the user changes them. The window-state
//! plugin writes its file only on a clean close, so a killed or logged-out app forgot them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{Manager, Runtime, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// Bumped by every resize or move; a save happens once the window has been still for a moment.
static GENERATION: AtomicU64 = AtomicU64::new(0);
const SETTLE: Duration = Duration::from_millis(400);

pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if !matches!(event, WindowEvent::Resized(_) | WindowEvent::Moved(_)) {
        return;
    }
    let generation = GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
    let app = window.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        if GENERATION.load(Ordering::SeqCst) == generation {
            if let Err(e) = app.save_window_state(StateFlags::all()) {
                tracing::warn!("could not save the window state: {e}");
            }
        }
    });
}
