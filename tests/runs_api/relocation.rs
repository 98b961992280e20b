//! Issue #67: `fabrik export SLUG --for-move` read a customer's database and people with no
//! right asked and nothing recorded. It is an export: the day-two right, recorded with the
//! file, its size and checksum.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::export::rows::ExportRows;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_export_is_recorded_as_an_export() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((
        Sandboxed {
            api, cloud, runs, ..
        },
        slugs,
    )) = sandboxed(&["Flyttas Ut AB"]).await
    else {
        return;
    };
    let slug = slugs[0].clone();
    let host = Arc::new(Host::default());
    let run = start_provision(&runs, &host, &slug).await;
    assert_eq!(host.finished(run).await, RunState::Succeeded);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("flytt.fbk");
    let relocation = fabrik::services::relocation::RelocationApi::new(
        api.shared_store(),
        runs.supervisor().clone(),
        cloud.secrets.clone(),
    );
    let made = relocation.export(&slug, &file).await.unwrap();
    let customer = api.store().get_customer(&slug).unwrap();
    let recorded = api
        .store()
        .exports(customer.id, fabrik::environment::Environment::Sandbox)
        .unwrap();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let r = &recorded[0];
    assert_eq!(r.reason, fabrik::export::rows::ExportReason::Move);
    assert_eq!(
        (r.bytes as u64, r.sha256.as_str()),
        (made.bytes, made.sha256.as_str())
    );
    assert_eq!(r.file, file.display().to_string());
    assert!(!r.in_folder);
}
