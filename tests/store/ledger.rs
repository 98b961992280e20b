//! The ledger in the register, on both backends: a write that changes no row is an error, a
//! driver that lost its run writes nothing, a transition with its line and event, a roll-out's
//! plan and driver, a template's base and pull request.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::provision::rollouts::RolloutRows;
use fabrik::template::rows::TemplateRows;

/// The ledger is what rollback and resume trust: a write that finds no row to change is an
/// error, never a silent success.
fn a_ledger_write_that_changes_no_row_is_an_error(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::provision::{RunKind, RunState, StepKey, StepState};
    use fabrik::store::runs::{Driver, NewRun, StepUpdate};

    let c = store
        .create_customer(
            draft("Liggare AB", "a@liggare.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    // A teardown run has rows only for the steps it deletes.
    let NewRun::Created(run) = store
        .create_run(
            c.id,
            RunKind::Teardown,
            Environment::Sandbox,
            &[StepKey::GithubRepo],
        )
        .unwrap()
    else {
        panic!("a new run");
    };
    store
        .step_update(
            &run,
            StepKey::GithubRepo,
            StepUpdate::State(StepState::Skipped),
        )
        .unwrap();
    let missing_step = store.step_update(
        &run,
        StepKey::Finalize,
        StepUpdate::State(StepState::Succeeded),
    );
    assert_eq!(
        missing_step.unwrap_err().code().as_str(),
        "ledger_row_missing"
    );
    let missing_run = store.set_run_state(&Driver::none(), RunState::Succeeded, None, None);
    assert_eq!(
        missing_run.unwrap_err().code().as_str(),
        "ledger_row_missing"
    );
    assert!(store.heartbeat(&Driver::none()).is_err());
    assert!(store.heartbeat(&run).is_ok());
}

/// A driver frozen past its heartbeat (SIGSTOP, a laptop lid) while another process took the
/// run over must not write when it thaws: every write is fenced by the token of its claim.
/// Before, the thawed driver's heartbeat, step writes and final state all landed on top of
/// the new driver's.
fn a_driver_that_lost_its_run_writes_nothing(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::provision::{RunKind, RunState, StepKey, StepState};
    use fabrik::store::runs::{NewRun, StepUpdate};

    let c = store
        .create_customer(draft("Fryst AB", "a@fryst.se"), &ModuleManifest::bundled())
        .unwrap();
    let NewRun::Created(frozen) = store
        .create_run(c.id, RunKind::Provision, Environment::Sandbox, StepKey::ALL)
        .unwrap()
    else {
        panic!("a new run");
    };
    std::thread::sleep(std::time::Duration::from_millis(5));
    // Another process finds the heartbeat lapsed and takes the run over.
    let thawed_too_late = store
        .claim_stale(frozen.run_id, std::time::Duration::ZERO)
        .unwrap()
        .expect("a stale run is taken over");
    assert_ne!(thawed_too_late, frozen);

    let code = |r: fabrik::Result<()>| r.unwrap_err().code().as_str();
    assert_eq!(code(store.heartbeat(&frozen)), "run_taken_over");
    assert_eq!(
        code(store.step_update(
            &frozen,
            StepKey::GithubRepo,
            StepUpdate::State(StepState::Succeeded)
        )),
        "run_taken_over"
    );
    assert_eq!(
        code(store.set_run_state(&frozen, RunState::Succeeded, None, None)),
        "run_taken_over"
    );
    let run = store.get_run(frozen.run_id).unwrap();
    assert_eq!(
        run.state,
        RunState::Running,
        "the new driver's run is untouched"
    );
    let steps = store.run_steps(frozen.run_id).unwrap();
    assert!(steps.iter().all(|s| s.state == StepState::Pending));
    // The driver that holds it now writes as before.
    store.heartbeat(&thawed_too_late).unwrap();
    store
        .set_run_state(&thawed_too_late, RunState::Succeeded, None, None)
        .unwrap();
}

/// The journal writes a transition, its log line and its event in one call: all of it or none.
/// A change that fails (a step the run does not have) leaves no line and sends no event; a
/// driver that lost its run writes no line and sends no event either.
fn the_journal_writes_a_transition_its_line_and_its_event_together(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::ledger::{Entry, Journal, LogLevel, RunEvent, StepUpdate};
    use fabrik::messages::Text;
    use fabrik::provision::{RunKind, StepKey, StepState};
    use fabrik::store::runs::NewRun;
    use std::sync::{Arc, Mutex};

    let c = store
        .create_customer(
            draft("Journal AB", "a@journal.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    let NewRun::Created(driver) = store
        .create_run(
            c.id,
            RunKind::Provision,
            Environment::Sandbox,
            &[StepKey::GithubRepo],
        )
        .unwrap()
    else {
        panic!("a new run");
    };
    let run_id = driver.run_id;
    let store = Arc::new(store);
    let seen: Arc<Mutex<Vec<RunEvent>>> = Arc::default();
    let sink = {
        let seen = seen.clone();
        Arc::new(move |e: &RunEvent| seen.lock().unwrap().push(e.clone()))
    };
    let journal = Journal::new(store.clone(), sink, driver.clone());
    let started = |step| RunEvent::StepStarted {
        run_id,
        step,
        attempt: 1,
    };
    let entry = |step: StepKey, text: &str| {
        Entry::step(step, StepUpdate::Started { attempt: 1 })
            .line(Some(step), LogLevel::Info, Text::new(text, text))
            .event(started(step))
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    rt.block_on(journal.record(entry(StepKey::GithubRepo, "börjar")))
        .unwrap();
    let steps = store.run_steps(run_id).unwrap();
    assert_eq!(steps[0].state, StepState::Running);
    let lines = |s: &Store| s.run_log(run_id, 0).unwrap().len();
    assert_eq!(lines(&store), 1);
    assert_eq!(seen.lock().unwrap().len(), 1);

    // The run has no such step: the change fails, and its line and event go nowhere.
    let failed = rt.block_on(journal.record(entry(StepKey::VercelProject, "ingen sådan")));
    assert_eq!(failed.unwrap_err().code().as_str(), "ledger_row_missing");
    assert_eq!(lines(&store), 1, "no line without its transition");
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "no event without its transition"
    );

    // Another driver takes the run over: the old one's journal writes and shows nothing.
    std::thread::sleep(std::time::Duration::from_millis(5));
    store
        .claim_stale(run_id, std::time::Duration::ZERO)
        .unwrap()
        .expect("a stale run is taken over");
    let note = Entry::note()
        .line(None, LogLevel::Info, Text::new("för sent", "too late"))
        .event(started(StepKey::GithubRepo));
    let lost = rt.block_on(journal.record(note));
    assert_eq!(lost.unwrap_err().code().as_str(), "run_taken_over");
    assert_eq!(lines(&store), 1);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

/// "Ångra" after a deployment rollback reads the newest promotion that changed production
/// (`created`), in a run that was not rolled back: one that found its deployment already
/// serving (not created) is passed over, and so is one whose run was rolled back.
fn the_last_change_of_a_step_passes_over_one_that_changed_nothing(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::provision::{RunKind, RunState, StepKey};
    use fabrik::store::runs::{NewRun, StepUpdate};

    let env = Environment::Sandbox;
    let c = store
        .create_customer(draft("Ångra AB", "a@angra.se"), &ModuleManifest::bundled())
        .unwrap();
    let promote = |id: &str, previous: &str, created: bool, end: RunState| {
        let NewRun::Created(run) = store
            .create_run(c.id, RunKind::Promote, env, &[StepKey::VercelPromote])
            .unwrap()
        else {
            panic!("a new run");
        };
        let output = serde_json::json!({ "id": id, "project_id": "prj_1", "previous": previous });
        let resource = StepUpdate::Resource {
            external_id: id.to_string(),
            created,
            output: Some(output),
        };
        store
            .step_update(&run, StepKey::VercelPromote, resource)
            .unwrap();
        store
            .step_update(&run, StepKey::VercelPromote, StepUpdate::Succeeded)
            .unwrap();
        store.set_run_state(&run, end, None, None).unwrap();
    };
    let last = || {
        store
            .last_change_output(c.id, StepKey::VercelPromote, env)
            .unwrap()
            .map(|o| (o["id"].clone(), o["previous"].clone()))
    };
    assert_eq!(last(), None);
    promote("dpl_old", "dpl_new", true, RunState::Succeeded);
    assert_eq!(last(), Some(("dpl_old".into(), "dpl_new".into())));
    promote("dpl_old", "dpl_old", false, RunState::Succeeded);
    assert_eq!(
        last(),
        Some(("dpl_old".into(), "dpl_new".into())),
        "nothing changed"
    );
    promote("dpl_x", "dpl_old", true, RunState::RolledBack);
    assert_eq!(
        last(),
        Some(("dpl_old".into(), "dpl_new".into())),
        "rolled back"
    );
    assert_eq!(
        store
            .last_change_output(c.id, StepKey::VercelPromote, Environment::Production)
            .unwrap(),
        None,
        "per environment"
    );
}

/// A roll-out in the register (issue #30): planned with its members in one transaction, a state
/// change guarded against one made meanwhile, one lease holder at a time on the database's clock.
fn a_rollout_keeps_its_plan_its_state_and_one_driver(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::ledger::{MemberState, RolloutState};
    use fabrik::messages::Text;
    use fabrik::provision::rollouts::NewMember;
    use std::time::Duration;

    let a = store
        .create_customer(draft("Våg Ett AB", "a@vag.se"), &ModuleManifest::bundled())
        .unwrap();
    let b = store
        .create_customer(draft("Våg Två AB", "b@vag.se"), &ModuleManifest::bundled())
        .unwrap();
    let members = [
        NewMember {
            customer_id: a.id,
            wave: 0,
            state: MemberState::Pending,
            reason: None,
            version_before: Some("20250101000000".into()),
        },
        NewMember {
            customer_id: b.id,
            wave: 0,
            state: MemberState::Skipped,
            reason: Some(Text::new("pausad", "paused")),
            version_before: None,
        },
    ];
    let id = store
        .create_rollout(
            Environment::Production,
            fabrik::ledger::RolloutKind::Schema,
            "dir:/m",
            "[]",
            0.2,
            &members,
        )
        .unwrap();
    assert_eq!(
        store
            .open_rollout(Environment::Production, fabrik::ledger::RolloutKind::Schema)
            .unwrap()
            .unwrap()
            .id,
        id
    );
    assert!(store
        .open_rollout(Environment::Sandbox, fabrik::ledger::RolloutKind::Schema)
        .unwrap()
        .is_none());
    let got = store.rollout_members(id).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].reason.as_ref().unwrap().en, "paused");

    // A pause made meanwhile is not overwritten by a driver that only moves a running one.
    assert!(store
        .set_rollout_state(
            id,
            RolloutState::Paused,
            None,
            None,
            &[RolloutState::Planned]
        )
        .unwrap());
    assert!(!store
        .set_rollout_state(
            id,
            RolloutState::Done,
            Some(1),
            None,
            &[RolloutState::Running]
        )
        .unwrap());
    assert_eq!(
        store.get_rollout(id).unwrap().unwrap().state,
        RolloutState::Paused
    );

    // One driver: the second is refused while the first beats, and takes over once it lapsed.
    let lease = Duration::from_secs(60);
    assert!(store.claim_rollout(id, "first", lease).unwrap());
    assert!(!store.claim_rollout(id, "second", lease).unwrap());
    assert!(store.beat_rollout(id, "first").unwrap());
    assert!(store.claim_rollout(id, "second", Duration::ZERO).unwrap());
    assert!(
        !store.beat_rollout(id, "first").unwrap(),
        "the first is fenced out"
    );
    store.release_rollout(id, "second").unwrap();
    assert!(store.claim_rollout(id, "third", lease).unwrap());

    let fabrik::store::runs::NewRun::Created(run) = store
        .create_run(
            a.id,
            fabrik::provision::RunKind::Migrate,
            Environment::Production,
            &[fabrik::provision::StepKey::SupabaseMigrate],
        )
        .unwrap()
    else {
        panic!("a new run");
    };
    store
        .set_member(
            id,
            a.id,
            MemberState::Done,
            None,
            Some(run.run_id),
            Some("20250601000000"),
        )
        .unwrap();
    let done = &store.rollout_members(id).unwrap()[0];
    assert_eq!(
        (done.state, done.run_id),
        (MemberState::Done, Some(run.run_id))
    );
}

/// Template updates in the register (issue #31): an instance's base as recorded and moved, a
/// pull request recorded once per target (a resumed run's second record is the same row), its
/// state moved as read back, the open ones listed.
fn a_template_base_and_pull_request_are_kept_once_per_target(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::ledger::{BaseHow, PrState};
    use fabrik::template::rows::NewPr;

    let env = Environment::Production;
    // The instance's row is made in the store's environment.
    store.set_environment(env);
    let a = store
        .create_customer(
            draft("Mall Ett AB", "a@mall.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    assert_eq!(store.template_base(a.id, env).unwrap(), None);
    store
        .set_template_base(a.id, env, "1111111aaaa", BaseHow::Found)
        .unwrap();
    let base = store.template_base(a.id, env).unwrap().unwrap();
    assert_eq!(
        (base.sha.as_str(), base.how),
        ("1111111aaaa", BaseHow::Found)
    );
    assert!(!base.at.is_empty(), "when, on the database's clock");

    let pr = |number: i64, commit: &'static str| NewPr {
        customer_id: a.id,
        environment: env,
        rollout_id: None,
        run_id: None,
        repo_id: 42,
        base_sha: "1111111aaaa",
        target_sha: "2222222bbbb",
        branch: "fabrik/template-2222222",
        commit_sha: commit,
        number,
        url: "https://github.com/o/mall-ett-ab/pull/7",
        files: "[]",
        conflicts: 2,
    };
    let first = store.record_template_pr(&pr(7, "c1")).unwrap();
    let again = store.record_template_pr(&pr(7, "c1")).unwrap();
    assert_eq!(first, again, "one row per repository and target");
    let got = store
        .template_pr_for(a.id, env, "2222222bbbb")
        .unwrap()
        .unwrap();
    assert_eq!(
        (got.number, got.state, got.conflicts),
        (7, PrState::Open, 2)
    );
    assert_eq!(store.template_prs(env, true).unwrap().len(), 1);
    store.set_template_pr_state(first, PrState::Merged).unwrap();
    assert!(store.template_prs(env, true).unwrap().is_empty());
    assert_eq!(
        store.template_prs(env, false).unwrap()[0].state,
        PrState::Merged
    );
    assert!(store
        .template_pr_for(a.id, Environment::Sandbox, "2222222bbbb")
        .unwrap()
        .is_none());
}

on_both!(
    a_ledger_write_that_changes_no_row_is_an_error,
    a_driver_that_lost_its_run_writes_nothing,
    the_journal_writes_a_transition_its_line_and_its_event_together,
    the_last_change_of_a_step_passes_over_one_that_changed_nothing,
    a_rollout_keeps_its_plan_its_state_and_one_driver,
    a_template_base_and_pull_request_are_kept_once_per_target,
);
