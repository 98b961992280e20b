//! The Tauri shell: window, plugins and one thin command per core API method. Nothing here
//! decides anything; every rule lives in the `fabrik` crate.

mod commands;

use std::sync::Arc;

use fabrik::api::cloud::CloudApi;
use fabrik::api::runs::RunsApi;
use fabrik::api::Api;
use tauri::Manager;

/// The shared core, or the reason it could not be opened (shown by every command, so the
/// window can explain a broken or too-new database instead of failing to start).
pub struct Shell {
    api: Result<Arc<Api>, fabrik::ApiError>,
    cloud: Result<Arc<CloudApi>, fabrik::ApiError>,
    runs: Result<Arc<RunsApi>, fabrik::ApiError>,
}

pub fn run() {
    let _log_guard = fabrik::logging::init(&fabrik::paths::data_dir().join("logs"), true);
    let db = fabrik::paths::default_db_path();
    let api = Api::open(&db).map(Arc::new).map_err(|e| {
        tracing::error!(code = e.code(), "could not open the register: {e}");
        e.to_api()
    });
    tracing::info!(path = %db.display(), "register");
    // The sandbox's simulator (or the production endpoints) before the window opens: a few ms.
    let cloud = match &api {
        Ok(api) => tauri::async_runtime::block_on(CloudApi::open(
            api.shared_store(),
            &fabrik::paths::data_dir(),
        ))
        .map(Arc::new)
        .map_err(|e| {
            tracing::error!(code = e.code(), "could not open the cloud environment: {e}");
            e.to_api()
        }),
        Err(e) => Err(e.clone()),
    };
    let runs = match (&api, &cloud) {
        (Ok(api), Ok(cloud)) => Ok(RunsApi::new(api.shared_store(), cloud.clone())),
        (Err(e), _) | (_, Err(e)) => Err(e.clone()),
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
        .manage(Shell { api, cloud, runs })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!("the window could not start: {e}");
        eprintln!("Fabrik kunde inte starta: {e}");
        std::process::exit(1);
    }
}
