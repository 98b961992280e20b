//! A run removes only what it made, proven by the resource itself (issue #67): provisioning a
//! delivered instance again, with a provider answering its first call with a rate limit or a
//! lost answer, and the run then failing and rolled back, removes nothing and adds nothing.

use super::*;

/// The finding's own path, then each provider in turn: its first call answered with a rate
/// limit (GitHub's secondary limit is a 403) or carried out with its answer lost, in a run that then
/// fails for good and is rolled back. Before the rule of creation proof, the GitHub cases
/// deleted the delivered repository: the retry found it, the run claimed it as its own
/// creation, and the rollback deleted it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provisioning_again_under_rate_limits_and_lost_answers_removes_nothing_and_adds_nothing() {
    let Some(w) = world("rerun", "Levererad Igen AB").await else {
        return;
    };
    let (sim, slug, engine) = (&w.sim, &w.slug, &w.engine);
    let (_, state, events) = provision_logged(engine, slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let delivered = resources(&inventory(sim).await);
    assert_eq!(delivered["resend_keys"].as_array().unwrap().len(), 1);

    let first_calls = [
        (
            "GitHub's secondary rate limit",
            json!({"method": "POST", "path": "/github/repos/*/*/generate", "status": 403, "retry_after": 1, "times": 1}),
        ),
        (
            "GitHub's answer lost",
            json!({"method": "POST", "path": "/github/repos/*/*/generate", "lose_answer": true, "times": 1}),
        ),
        (
            "Vercel 429",
            json!({"method": "POST", "path": "/vercel/v11/projects", "status": 429, "retry_after": 1, "times": 1}),
        ),
        (
            "Vercel's answer lost",
            json!({"method": "POST", "path": "/vercel/v11/projects", "lose_answer": true, "times": 1}),
        ),
        (
            "n8n 503",
            json!({"method": "POST", "path": "/n8n/api/v1/workflows", "status": 503, "times": 1}),
        ),
        (
            "Supabase 429",
            json!({"method": "GET", "path": "/supabase/v1/organizations/*/projects", "status": 429, "retry_after": 1, "times": 1}),
        ),
        (
            "Resend 429",
            json!({"method": "GET", "path": "/resend/api-keys", "status": 429, "retry_after": 1, "times": 1}),
        ),
    ];
    // What fails the run after the first calls, so that it is rolled back: the repository's
    // client configuration refused, as GitHub refused the write without the file's sha.
    let late =
        json!({"method": "GET", "path": "/github/repos/*/*/contents/*", "status": 422, "times": 1});
    for (what, first) in first_calls {
        for fails in [false, true] {
            clear_faults(sim).await;
            fault(sim, first.clone()).await;
            if fails {
                fault(sim, late.clone()).await;
            }
            let (run, outcome, events) = start_and_drive(engine, slug).await;
            let state = outcome.unwrap_or_else(|e| panic!("{what}: {e}\n{}", events.json()));
            let expected = if fails {
                [RunState::RolledBack, RunState::Failed]
            } else {
                [RunState::Succeeded; 2]
            };
            assert!(
                expected.contains(&state),
                "{what} (fails: {fails}): {state:?}\n{}",
                events.json()
            );
            assert_eq!(
                resources(&inventory(sim).await),
                delivered,
                "{what} (fails: {fails}): run {} changed the providers' inventory\n{}",
                run.run_id,
                events.json()
            );
        }
    }
    clear_faults(sim).await;
    // Still the customer's delivered instance: a run again succeeds on it.
    let (_, state) = provision(engine, slug).await;
    assert_eq!(state, RunState::Succeeded);
    assert_eq!(resources(&inventory(sim).await), delivered);
    w.sim.shutdown().await;
}

/// The finding itself: a delivered instance provisioned again, GitHub answering the template's
/// generate with its secondary rate limit, the step retried and finding the delivered
/// repository, then failing; the rollback deleted the delivered repository (`DELETE
/// /repos/{owner}/{repo}` → 204), four times in four tries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_after_githubs_secondary_rate_limit_keeps_the_delivered_repository() {
    let Some(World {
        sim, engine, slug, ..
    }) = world("rerun-github", "Repot Kvar AB").await
    else {
        return;
    };
    let (_, state) = provision(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded);
    let repos = resources(&inventory(&sim).await)["github"].clone();
    assert_eq!(repos.as_array().unwrap().len(), 1);
    fault(
        &sim,
        json!({"method": "POST", "path": "/github/repos/*/*/generate", "status": 403, "retry_after": 1, "times": 1}),
    )
    .await;
    fault(
        &sim,
        json!({"method": "GET", "path": "/github/repos/*/*/contents/*", "status": 422, "times": 1}),
    )
    .await;
    let (_, outcome, events) = start_and_drive(&engine, &slug).await;
    assert_eq!(outcome.unwrap(), RunState::RolledBack, "{}", events.json());
    let log = get(&sim, "/__sim/requests").await["requests"].clone();
    let deletes: Vec<_> = log
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| {
            r["method"] == "DELETE" && r["path"].as_str().unwrap_or("").starts_with("/github/")
        })
        .collect();
    assert!(
        deletes.is_empty(),
        "a rollback asked GitHub to delete: {deletes:?}"
    );
    assert_eq!(resources(&inventory(&sim).await)["github"], repos);
    sim.shutdown().await;
}

/// Three provisionings of one customer left three live sending keys named `fabrik:<uid>`. A
/// run again adopts the instance's key: one key, the same one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provisioning_three_times_leaves_the_instance_its_one_sending_key() {
    let Some(World {
        sim, engine, slug, ..
    }) = world("rerun-keys", "En Nyckel AB").await
    else {
        return;
    };
    let mut keys = Vec::new();
    for _ in 0..3 {
        let (_, state, events) = provision_logged(&engine, &slug).await;
        assert_eq!(state, RunState::Succeeded, "{}", events.json());
        keys.push(resources(&inventory(&sim).await)["resend_keys"].clone());
    }
    assert_eq!(keys[0].as_array().unwrap().len(), 1, "{keys:?}");
    assert_eq!(keys[1], keys[0], "the second run added or replaced a key");
    assert_eq!(keys[2], keys[0], "the third run added or replaced a key");
    sim.shutdown().await;
}

/// The other side of the rule: a create whose answer was lost (carried out, the connection
/// then dropped) is found again by this run's mark, claimed, and removed by the rollback, for
/// every provider that creates. Without the mark it would be adopted and left
/// behind: a Supabase project was, while its name carried only the customer's marker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_whose_answer_was_lost_is_claimed_by_its_mark_and_rolled_back_to_nothing() {
    let Some(w) = world("lost-answer", "Borttappat Svar AB").await else {
        return;
    };
    let (sim, slug, engine) = (&w.sim, &w.slug, &w.engine);
    let deploy_fails =
        json!({"method": "POST", "path": "/vercel/v13/deployments", "outcome": "ERROR"});
    let mail_fails =
        json!({"method": "PATCH", "path": "/supabase/v1/projects/*/config/auth", "status": 400});
    let cases = [
        ("Supabase", "/supabase/v1/projects", &deploy_fails),
        ("GitHub", "/github/repos/*/*/generate", &deploy_fails),
        ("Vercel", "/vercel/v11/projects", &deploy_fails),
        ("n8n", "/n8n/api/v1/workflows", &deploy_fails),
        ("Resend", "/resend/api-keys", &mail_fails),
    ];
    for (what, path, late) in cases {
        clear_faults(sim).await;
        fault(
            sim,
            json!({"method": "POST", "path": path, "lose_answer": true, "times": 1}),
        )
        .await;
        fault(sim, late.clone()).await;
        let (_, outcome, events) = start_and_drive(engine, slug).await;
        let state = outcome.unwrap_or_else(|e| panic!("{what}: {e}\n{}", events.json()));
        assert_eq!(state, RunState::RolledBack, "{what}\n{}", events.json());
        let inv = inventory(sim).await;
        assert_eq!(
            counts(&inv),
            json!({"projects": 0, "repos": 0, "vercel_projects": 0, "workflows": 0, "emails": 0}),
            "{what}: the rollback left what its run made\n{}",
            events.json()
        );
        assert_eq!(resources(&inv)["resend_keys"], json!([]), "{what}");
    }
    w.sim.shutdown().await;
}
