//! The Tauri shell: window, plugins and one thin command per core API method. Nothing here
//! decides anything; every rule lives in the `fabrik` crate.

mod commands;
mod window_state;

use std::sync::Arc;

use fabrik::api::cloud::CloudApi;
use fabrik::api::runs::RunsApi;
use fabrik::api::Api;
use tauri::Manager;
use tokio::sync::OnceCell;

/// The shared core, or the reason it could not be opened (shown by every command, so the
/// window can explain a broken or too-new database instead of failing to start).
/// The environment's APIs once up, or why they could not start.
type Clouds = Result<(Arc<CloudApi>, Arc<RunsApi>), fabrik::ApiError>;

pub struct Shell {
    api: Result<Arc<Api>, fabrik::ApiError>,
    /// The clouds (the sandbox's simulator, keyring tokens) come up in the background, so the
    /// window paints the register at once; commands that need them wait here.
    cloud: Arc<OnceCell<Clouds>>,
}

impl Shell {
    async fn cloud(&self) -> Clouds {
        let api = self.api.clone()?;
        self.cloud
            .get_or_init(|| async move {
                let cloud = CloudApi::open(api.shared_store(), &fabrik::paths::data_dir())
                    .await
                    .map(Arc::new)
                    .map_err(|e| {
                        tracing::error!(
                            code = e.code(),
                            "could not open the cloud environment: {e}"
                        );
                        e.to_api()
                    })?;
                let runs = RunsApi::new(api.shared_store(), cloud.clone());
                Ok((cloud, runs))
            })
            .await
            .clone()
    }
}

pub fn run() {
    let _log_guard = fabrik::logging::init(&fabrik::paths::data_dir().join("logs"), true);
    let db = fabrik::paths::default_db_path();
    let api = Api::open(&db).map(Arc::new).map_err(|e| {
        tracing::error!(code = e.code(), "could not open the register: {e}");
        e.to_api()
    });
    tracing::info!(path = %db.display(), "register");
    let shell = Shell {
        api,
        cloud: Arc::new(OnceCell::new()),
    };

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
        .on_window_event(window_state::on_window_event)
        .setup(|app| {
            // Start the clouds while the window loads.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let _ = handle.state::<Shell>().cloud().await;
            });
            Ok(())
        })
        .manage(shell)
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!("the window could not start: {e}");
        eprintln!("Fabrik kunde inte starta: {e}");
        std::process::exit(1);
    }
}
