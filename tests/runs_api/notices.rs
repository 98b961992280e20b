//! What the desktop is told at a run's end (issue #68): the customer by its name, never its
//! slug, and a cancelled run in words, not as the state's code.

use super::*;

/// The notices said so far, once at least one is there (they follow the run's last event).
async fn told(host: &Host) -> Vec<String> {
    for _ in 0..200 {
        let said = host.notices.lock().unwrap().clone();
        if !said.is_empty() {
            return said;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Vec::new()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_is_told_by_the_customers_name_in_words() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((Sandboxed { runs, .. }, slugs)) = sandboxed(&["Avbruten Kund AB"]).await else {
        return;
    };
    let slug = slugs[0].clone();
    let host = Arc::new(Host::default());
    let run = runs
        .supervisor()
        .start_run(slug.clone(), RunRequest::Provision, host.clone())
        .await
        .unwrap()
        .outcome
        .run_id;
    runs.supervisor().cancel(run, false).unwrap();
    assert_eq!(host.finished(run).await, RunState::Cancelled);
    let said = told(&host).await;
    assert_eq!(
        said,
        ["Körningen stannade: Avbruten Kund AB: Provisionering avbröts och kan återupptas"],
        "{said:?}"
    );
}
