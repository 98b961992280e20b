//! The Tauri shell: window, plugins, and the commands generated from the core's table. Nothing
//! here decides anything; every rule lives in the `fabrik` crate (docs/ARCHITECTURE.md).

mod commands;
mod notice;
mod update;
mod webview;
mod window_state;

use std::sync::Arc;

use fabrik::api::app::{Fabrik, Host};
use fabrik::api::events::WindowEvent;
use fabrik::provision::RunEvent;
use fabrik::supervisor::host::RunHost;
use fabrik::update::window::{Installing, UpdateHost};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_opener::OpenerExt;

/// What the window does for the core: events to the webview, OS notifications, links, restart.
struct WindowHost(AppHandle);

impl WindowHost {
    /// Every event goes out under the name the core's event table gives it.
    fn send(&self, event: WindowEvent<'_>) {
        let _ = self.0.emit(event.name(), event);
    }
}

impl RunHost for WindowHost {
    fn emit(&self, event: &RunEvent) {
        self.send(WindowEvent::Run(event));
    }

    fn sweep(&self, status: &fabrik::supervisor::host::Sweep) {
        self.send(WindowEvent::HealthSweep(status));
    }

    fn notify(&self, title: &str, body: &str) {
        notice::say(&self.0, title, body);
    }
}

impl UpdateHost for WindowHost {
    /// Tauri's own version of this build (what its updater compares): the workspace's.
    fn version(&self) -> String {
        self.0.package_info().version.to_string()
    }

    fn installer(&self) -> Result<&'static str, fabrik::update::UpdateError> {
        update::installer(&self.0)
    }

    fn install(&self, feed: String) -> Installing {
        let window = WindowHost(self.0.clone());
        update::install(self.0.clone(), feed, move |p| window.progress(p))
    }

    fn progress(&self, p: &fabrik::update::UpdateProgress) {
        self.send(WindowEvent::Update(p));
    }

    fn restart_updated(&self) {
        self.0.restart();
    }
}

impl Host for WindowHost {
    fn team(&self, progress: &fabrik::services::team::TeamProgress) {
        self.send(WindowEvent::Team(progress));
    }

    fn open_url(&self, url: &str) -> Result<(), String> {
        self.0
            .opener()
            .open_url(url, None::<&str>)
            .map_err(|e| e.to_string())
    }

    fn restart(&self) {
        self.0.restart();
    }

    fn register_changed(&self, change: &fabrik::store::db::RegisterChange) {
        self.send(WindowEvent::RegisterChanged(change));
    }

    fn live_updates(&self, status: &fabrik::store::db::LiveStatus) {
        self.send(WindowEvent::LiveUpdates(status));
    }

    fn notice(&self, notice: &fabrik::overview::notices::Notice) {
        notice::show(&self.0, notice);
    }
}

/// This build's version as Tauri knows it: what Om Fabrik shows and the updater compares (the
/// workspace's; a test build's TAURI_CONFIG may set another). `fabrik --version` says it too.
pub fn version() -> String {
    context().package_info().version.to_string()
}

/// The one expansion of Tauri's context (the bundled UI is embedded where it expands).
fn context() -> tauri::Context {
    tauri::generate_context!()
}

pub fn run() {
    let _log_guard = fabrik::logging::init(&fabrik::paths::data_dir().join("logs"), true);
    // The app's sandbox gives its projects real PostgreSQL databases when PostgreSQL is
    // installed (FABRIK_SANDBOX_POSTGRES=0 turns it off); the CLI and tests opt in.
    fabrik::sandbox::prefer_postgres();
    let context = context();
    // What the update's errors call the running version, as Om Fabrik shows it.
    fabrik::update::set_running_version(&context.package_info().version.to_string());

    let result = tauri::Builder::default()
        // First: a second launch hands over to the running app and focuses its window.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(update::plugin())
        .on_window_event(window_state::on_window_event)
        .setup(|app| {
            let db = fabrik::paths::default_db_path();
            tracing::info!(path = %db.display(), "register");
            if let Some(window) = app.get_webview_window("main") {
                webview::tune(&window);
            }
            let host = Arc::new(WindowHost(app.handle().clone()));
            // The register only: the clouds (simulator, keyring, network) start on the first
            // command that needs them, which the window sends after painting its list.
            app.manage(Arc::new(Fabrik::open(
                &db,
                &fabrik::paths::data_dir(),
                host,
            )));
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(context);
    if let Err(e) = result {
        tracing::error!("the window could not start: {e}");
        eprintln!("Fabrik kunde inte starta: {e}");
        std::process::exit(1);
    }
}
