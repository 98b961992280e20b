//! One Tauri command per core API method (the table is `fabrik::api::bindings::COMMANDS`).
//! Each runs on the blocking pool: SQLite I/O never runs on the UI thread.

use std::sync::Arc;

use fabrik::api::cloud::{CloudApi, Environment, SettingEntry};
use fabrik::api::runs::{Readiness, RunDetail, RunHost, RunsApi};
use fabrik::api::{Api, AppInfo, DraftCheck, Language, Preferences};
use fabrik::credentials::CredentialStatus;
use fabrik::customer::{
    Customer, CustomerDraft, CustomerPatch, CustomerQuery, CustomerRow, ModuleManifest,
};
use fabrik::provision::plan::ProvisionPlan;
use fabrik::provision::{RunEvent, StartOutcome};
use fabrik::secrets::Provider;
use fabrik::store::runs::RunRow;
use fabrik::ApiError;
use tauri::Emitter;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::Shell;

type Res<T> = Result<T, ApiError>;

async fn with_api<T: Send + 'static>(
    shell: &Shell,
    f: impl FnOnce(&Api) -> Res<T> + Send + 'static,
) -> Res<T> {
    let api: Arc<Api> = shell.api.clone()?;
    tauri::async_runtime::spawn_blocking(move || f(&api))
        .await
        .unwrap_or_else(|e| {
            Err(ApiError {
                code: "internal".into(),
                message: format!("Internt fel: {e}"),
                fields: vec![],
            })
        })
}

#[tauri::command]
pub async fn app_info(shell: State<'_, Shell>) -> Res<AppInfo> {
    with_api(&shell, |a| a.app_info()).await
}

#[tauri::command]
pub async fn list_customers(
    shell: State<'_, Shell>,
    query: CustomerQuery,
) -> Res<Vec<CustomerRow>> {
    with_api(&shell, move |a| a.list_customers(query)).await
}

#[tauri::command]
pub async fn get_customer(shell: State<'_, Shell>, slug: String) -> Res<Customer> {
    with_api(&shell, move |a| a.get_customer(slug)).await
}

#[tauri::command]
pub async fn create_customer(shell: State<'_, Shell>, draft: CustomerDraft) -> Res<Customer> {
    with_api(&shell, move |a| a.create_customer(draft)).await
}

#[tauri::command]
pub async fn update_customer(
    shell: State<'_, Shell>,
    slug: String,
    patch: CustomerPatch,
) -> Res<Customer> {
    with_api(&shell, move |a| a.update_customer(slug, patch)).await
}

#[tauri::command]
pub async fn delete_customer(shell: State<'_, Shell>, slug: String) -> Res<()> {
    with_api(&shell, move |a| a.delete_customer(slug)).await
}

#[tauri::command]
pub async fn check_draft(shell: State<'_, Shell>, draft: CustomerDraft) -> Res<DraftCheck> {
    with_api(&shell, move |a| a.check_draft(draft)).await
}

#[tauri::command]
pub async fn check_patch(
    shell: State<'_, Shell>,
    slug: String,
    patch: CustomerPatch,
) -> Res<DraftCheck> {
    with_api(&shell, move |a| a.check_patch(slug, patch)).await
}

#[tauri::command]
pub async fn load_examples(shell: State<'_, Shell>) -> Res<u32> {
    with_api(&shell, |a| a.load_examples()).await
}

#[tauri::command]
pub async fn remove_examples(shell: State<'_, Shell>) -> Res<u32> {
    with_api(&shell, |a| a.remove_examples()).await
}

#[tauri::command]
pub async fn module_manifest(shell: State<'_, Shell>) -> Res<ModuleManifest> {
    with_api(&shell, |a| a.module_manifest()).await
}

#[tauri::command]
pub async fn get_preferences(shell: State<'_, Shell>) -> Res<Preferences> {
    with_api(&shell, |a| a.get_preferences()).await
}

#[tauri::command]
pub async fn set_language(shell: State<'_, Shell>, language: Language) -> Res<Preferences> {
    with_api(&shell, move |a| a.set_language(language)).await
}

/// Opens an `https:` link in the system browser; anything else is refused by the core.
#[tauri::command]
pub async fn open_external(app: AppHandle, url: String) -> Res<()> {
    let url = fabrik::api::checked_external_link(&url)?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| ApiError {
            code: "open_failed".into(),
            message: format!("Länken kunde inte öppnas: {e}"),
            fields: vec![],
        })
}

async fn with_cloud<T: Send + 'static>(
    shell: &Shell,
    f: impl FnOnce(&CloudApi) -> Res<T> + Send + 'static,
) -> Res<T> {
    let (cloud, _) = shell.cloud().await?;
    // Keyring calls can take seconds (bounded by the keyring timeout): never on the UI thread.
    tauri::async_runtime::spawn_blocking(move || f(&cloud))
        .await
        .unwrap_or_else(|e| {
            Err(ApiError {
                code: "internal".into(),
                message: format!("Internt fel: {e}"),
                fields: vec![],
            })
        })
}

#[tauri::command]
pub async fn environment(shell: State<'_, Shell>) -> Res<Environment> {
    Ok(shell.cloud().await?.0.environment)
}

#[tauri::command]
pub async fn credentials_status(shell: State<'_, Shell>) -> Res<Vec<CredentialStatus>> {
    with_cloud(&shell, |c| c.credentials_status()).await
}

/// The token comes in and never goes back out: the answer is its status only.
#[tauri::command]
pub async fn save_credential(
    shell: State<'_, Shell>,
    provider: Provider,
    token: String,
) -> Res<CredentialStatus> {
    with_cloud(&shell, move |c| c.save_credential(provider, token)).await
}

#[tauri::command]
pub async fn test_credential(shell: State<'_, Shell>, provider: Provider) -> Res<CredentialStatus> {
    let (cloud, _) = shell.cloud().await?;
    cloud.test_credential(provider).await
}

#[tauri::command]
pub async fn send_test_email(shell: State<'_, Shell>) -> Res<CredentialStatus> {
    let (cloud, _) = shell.cloud().await?;
    cloud.send_test_email().await
}

#[tauri::command]
pub async fn delete_credential(
    shell: State<'_, Shell>,
    provider: Provider,
) -> Res<CredentialStatus> {
    with_cloud(&shell, move |c| c.delete_credential(provider)).await
}

#[tauri::command]
pub async fn list_settings(shell: State<'_, Shell>) -> Res<Vec<SettingEntry>> {
    with_cloud(&shell, |c| c.list_settings()).await
}

#[tauri::command]
pub async fn set_setting(
    shell: State<'_, Shell>,
    key: String,
    value: String,
) -> Res<Vec<SettingEntry>> {
    with_cloud(&shell, move |c| c.set_setting(key, value)).await
}

/// Forwards engine events to the window and ends of runs to the OS notification centre.
struct WindowHost(AppHandle);

impl RunHost for WindowHost {
    fn emit(&self, event: &RunEvent) {
        let _ = self.0.emit("run-event", event);
    }

    fn notify(&self, title: &str, body: &str) {
        use tauri_plugin_notification::NotificationExt;
        let _ = self
            .0
            .notification()
            .builder()
            .title(title)
            .body(body)
            .show();
    }
}

fn host(app: &AppHandle) -> Arc<dyn RunHost> {
    Arc::new(WindowHost(app.clone()))
}

async fn runs(shell: &Shell) -> Res<Arc<RunsApi>> {
    Ok(shell.cloud().await?.1)
}

/// Sandlåda ⇄ Produktion: stored, then the app restarts into it (runs in progress stop at a
/// safe point and can be resumed from the banner when switching back).
#[tauri::command]
pub async fn set_environment(
    app: AppHandle,
    shell: State<'_, Shell>,
    environment: Environment,
) -> Res<()> {
    let api = shell.api.clone()?;
    environment.store_choice(api.store())?;
    app.restart();
}

#[tauri::command]
pub async fn readiness(shell: State<'_, Shell>) -> Res<Readiness> {
    let r = runs(&shell).await?;
    tauri::async_runtime::spawn_blocking(move || r.readiness())
        .await
        .unwrap_or_else(|e| Err(internal(e)))
}

#[tauri::command]
pub async fn plan_provision(shell: State<'_, Shell>, slug: String) -> Res<ProvisionPlan> {
    runs(&shell).await?.plan(slug).await
}

#[tauri::command]
pub async fn start_provision(
    app: AppHandle,
    shell: State<'_, Shell>,
    slug: String,
) -> Res<StartOutcome> {
    // Readiness reads the keyring (bounded, but seconds when it is locked): the blocking pool.
    let (r, h) = (runs(&shell).await?, host(&app));
    tauri::async_runtime::spawn_blocking(move || r.start(slug, h))
        .await
        .unwrap_or_else(|e| Err(internal(e)))
}

#[tauri::command]
pub async fn cancel_run(shell: State<'_, Shell>, run: i64, rollback: bool) -> Res<bool> {
    runs(&shell).await?.cancel(run, rollback)
}

#[tauri::command]
pub async fn resume_run(app: AppHandle, shell: State<'_, Shell>, run: i64) -> Res<()> {
    runs(&shell).await?.resume(run, host(&app))
}

#[tauri::command]
pub async fn rollback_run(app: AppHandle, shell: State<'_, Shell>, run: i64) -> Res<()> {
    runs(&shell).await?.rollback(run, host(&app))
}

#[tauri::command]
pub async fn teardown_customer(
    app: AppHandle,
    shell: State<'_, Shell>,
    slug: String,
    confirmation: String,
) -> Res<()> {
    runs(&shell).await?.teardown(slug, confirmation, host(&app))
}

#[tauri::command]
pub async fn list_runs(shell: State<'_, Shell>, slug: Option<String>) -> Res<Vec<RunRow>> {
    runs(&shell).await?.list_runs(slug)
}

#[tauri::command]
pub async fn run_detail(shell: State<'_, Shell>, run: i64) -> Res<RunDetail> {
    runs(&shell).await?.run_detail(run)
}

#[tauri::command]
pub async fn interrupted_runs(shell: State<'_, Shell>) -> Res<Vec<RunRow>> {
    runs(&shell).await?.interrupted_runs()
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError {
        code: "internal".into(),
        message: format!("Internt fel: {e}"),
        fields: vec![],
    }
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app_info,
        list_customers,
        get_customer,
        create_customer,
        update_customer,
        delete_customer,
        check_draft,
        check_patch,
        load_examples,
        remove_examples,
        module_manifest,
        get_preferences,
        set_language,
        open_external,
        environment,
        credentials_status,
        save_credential,
        test_credential,
        delete_credential,
        send_test_email,
        list_settings,
        set_setting,
        set_environment,
        readiness,
        plan_provision,
        start_provision,
        cancel_run,
        resume_run,
        rollback_run,
        teardown_customer,
        list_runs,
        run_detail,
        interrupted_runs,
    ]
}
