//! Issue #67: every run kind asked twice on a delivered instance changes the providers'
//! inventory by nothing: no second project, repository, site, workflow or sending key, and
//! nothing removed. (A provisioning run again: `provision::rerun`.)

use super::*;

/// The kinds that take no input and leave the instance standing, each run twice in a row; the
/// inventory is counted after each pair. Left out, each for what it is: a teardown, a restore,
/// a recovery and a promotion replace or remove by design (the guarded gate); a domain and a
/// module change take input (`domains.rs`, `update_modules.rs`), a migration and a template
/// update a roll-out's (`rollout`), a workflow backup the agency's backup repository
/// (`workflow_backup`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_day_two_kind_twice_adds_nothing_and_removes_nothing() {
    let Some(w) = delivered("twice", "Två Gånger AB").await else {
        return;
    };
    let delivered = resources(&inventory(&w.sim).await);
    assert_eq!(delivered["resend_keys"].as_array().unwrap().len(), 1);
    let kinds = [
        RunKind::Repair,
        RunKind::Redeploy,
        RunKind::ResetPassword,
        RunKind::ResendWelcome,
        RunKind::Backup,
        RunKind::Pause,
        RunKind::Resume,
    ];
    let mut outcomes = Vec::new();
    for kind in kinds {
        for turn in 1..=2 {
            // Refused before it starts (a repair of a healthy instance, a second pause) is
            // also an answer: nothing was asked of a provider.
            let request = RunRequest::without_input(kind).expect("a kind without input");
            match w.engine.record(&w.slug, &request) {
                Ok(start) => {
                    let (state, events) = drive(&w, start).await;
                    assert_eq!(
                        state,
                        RunState::Succeeded,
                        "{kind} ({turn}): {}",
                        events.json()
                    );
                    outcomes.push(format!("{kind} {turn}: {state:?}"));
                }
                Err(fabrik::Error::NotNow { reason, .. }) => {
                    outcomes.push(format!("{kind} {turn}: refused ({})", reason.en));
                }
                Err(e) => panic!("{kind} ({turn}): {e}"),
            }
        }
        assert_eq!(
            resources(&inventory(&w.sim).await),
            delivered,
            "{kind} twice changed the providers' inventory"
        );
    }
    eprintln!("{}", outcomes.join("\n"));
    // Most of them ran: a refusal of every one would prove nothing.
    let ran = outcomes.iter().filter(|o| o.ends_with("Succeeded")).count();
    assert!(ran >= 9, "{outcomes:#?}");
    done(w).await;
}
