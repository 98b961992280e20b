//! WebKitGTK set up for what the window is: a list and forms, drawn without the GPU.
//!
//! With accelerated compositing WebKit keeps a GL context and tiled layer textures for the
//! scrolling list; at idle that cost the web process 205 MiB PSS against 121 MiB without it
//! (release builds, `scripts/measure-window.sh`), while an empty Tauri window's takes 150 MiB.
//! A page of text and tables paints fine on the CPU. `FABRIK_GPU_COMPOSITING` set to any value
//! (even `0`) keeps WebKit's default, for a machine where that draws better.

/// Applies the settings to the window's webview (Linux: WebKitGTK; elsewhere nothing to do).
pub fn tune(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        if std::env::var_os("FABRIK_GPU_COMPOSITING").is_some() {
            return;
        }
        let tuned = window.with_webview(|w| {
            use webkit2gtk::{SettingsExt, WebViewExt};
            if let Some(settings) = WebViewExt::settings(&w.inner()) {
                settings.set_hardware_acceleration_policy(
                    webkit2gtk::HardwareAccelerationPolicy::Never,
                );
            }
        });
        if let Err(e) = tuned {
            tracing::warn!("the webview's compositing could not be set: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
