//! The instance's own operations as runs: pause and resume move the database and the workflow
//! together, a redeploy and what it gives back, a new admin password, the welcome email again.

use super::*;
use fabrik::customer::rows::CustomerRows;

#[tokio::test]
async fn pause_and_resume_move_the_instance_and_its_parts_together() {
    let Some(w) = delivered("d2-pause", "Paus Och Start AB").await else {
        return;
    };
    // Resume is for a paused instance only.
    let refused = w
        .engine
        .record(
            &w.slug,
            &RunRequest::without_input(RunKind::Resume).unwrap(),
        )
        .unwrap_err();
    assert_eq!(refused.code().as_str(), "not_now");

    let (state, events) = day_two(&w, RunKind::Pause).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(customer(&w).status, Status::Inactive);
    assert_eq!(supabase_status(&w).await, "INACTIVE");
    assert!(!workflow_active(&w).await);
    // The check says paused, and not that the workflow drifted (the pause turned it off).
    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    let kinds: Vec<_> = h.findings.iter().map(|f| (f.part, f.kind)).collect();
    assert!(
        kinds.contains(&(
            fabrik::health::HealthPart::SupabaseProject,
            fabrik::health::FindingKind::Paused
        )),
        "{kinds:?}"
    );
    assert!(
        !kinds
            .iter()
            .any(|(p, _)| *p == fabrik::health::HealthPart::Workflow),
        "{kinds:?}"
    );
    let again = w
        .engine
        .record(&w.slug, &RunRequest::without_input(RunKind::Pause).unwrap())
        .unwrap_err();
    assert_eq!(again.code().as_str(), "not_now");

    let (state, events) = day_two(&w, RunKind::Resume).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(customer(&w).status, Status::Active);
    assert_eq!(supabase_status(&w).await, "ACTIVE_HEALTHY");
    assert!(workflow_active(&w).await);
    assert!(
        w.engine
            .reader()
            .check_health(&w.slug)
            .await
            .unwrap()
            .healthy
    );
    done(w).await;
}

#[tokio::test]
async fn a_pause_refused_by_supabase_turns_the_workflow_back_on() {
    let Some(w) = delivered("d2-pause-fail", "Paus Nekad AB").await else {
        return;
    };
    fault(
        &w.sim,
        json!({"method": "POST", "path": "/supabase/v1/projects/*/pause", "status": 400}),
    )
    .await;
    let (state, events) = day_two(&w, RunKind::Pause).await;
    clear_faults(&w.sim).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    assert_eq!(events.first_failure()["step"], "supabase.pause");
    // The workflow the run turned off is on again; the instance stays active and serving.
    assert!(workflow_active(&w).await);
    assert_eq!(supabase_status(&w).await, "ACTIVE_HEALTHY");
    assert_eq!(customer(&w).status, Status::Active);
    assert!(
        w.engine
            .reader()
            .check_health(&w.slug)
            .await
            .unwrap()
            .healthy
    );
    done(w).await;
}

#[tokio::test]
async fn a_resume_whose_workflow_fails_pauses_the_database_again() {
    let Some(w) = delivered("d2-resume-fail", "Start Nekad AB").await else {
        return;
    };
    assert_eq!(day_two(&w, RunKind::Pause).await.0, RunState::Succeeded);
    fault(
        &w.sim,
        json!({"method": "POST", "path": "/n8n/api/v1/workflows/*/activate", "status": 400}),
    )
    .await;
    let (state, events) = day_two(&w, RunKind::Resume).await;
    clear_faults(&w.sim).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    assert_eq!(events.first_failure()["step"], "n8n.activate");
    // All or nothing: the project the run restored is paused again, and the customer stays
    // inactive, so "Återuppta" can be tried again.
    assert_eq!(supabase_status(&w).await, "INACTIVE");
    assert_eq!(customer(&w).status, Status::Inactive);
    assert_eq!(day_two(&w, RunKind::Resume).await.0, RunState::Succeeded);
    done(w).await;
}

#[tokio::test]
async fn a_redeploy_makes_a_new_production_and_a_broken_one_is_given_back() {
    let Some(w) = delivered("d2-redeploy", "Ny Driftsättning AB").await else {
        return;
    };
    let first = production_deployment(&w).await;
    let (state, events) = day_two(&w, RunKind::Redeploy).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let second = production_deployment(&w).await;
    assert_ne!(second, first, "a new deployment serves production");

    // The next one's site asks for a login: production goes back to the one before.
    fault(
        &w.sim,
        json!({"method": "GET", "path": format!("/vercel-site/{}.vercel.app", w.slug), "status": 401}),
    )
    .await;
    let (state, events) = day_two(&w, RunKind::Redeploy).await;
    clear_faults(&w.sim).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    assert_eq!(events.first_failure()["step"], "vercel.redeploy");
    assert_eq!(production_deployment(&w).await, second);
    done(w).await;
}

#[tokio::test]
async fn a_new_admin_password_is_mailed_signs_in_and_is_never_written_down() {
    let Some(w) = delivered("d2-password", "Nytt Lösenord AB").await else {
        return;
    };
    let admin = customer(&w).admin_email;
    let (sent, old) = mailed_password(&w, &admin).await;
    assert_eq!(sign_in(&w, &old).await, 200);

    let (state, events) = day_two(&w, RunKind::ResetPassword).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let (now_sent, new) = mailed_password(&w, &admin).await;
    assert_eq!(now_sent, sent + 1, "one new welcome email");
    assert_ne!(new, old);
    assert_eq!(sign_in(&w, &new).await, 200);
    assert_eq!(sign_in(&w, &old).await, 400);
    // The keyring holds the admin's password now; the pending one is gone.
    let key = |which| SecretKey::Customer {
        customer: customer(&w).uid,
        which,
    };
    assert_eq!(
        w.secrets
            .get(&key(CustomerSecret::AdminPassword))
            .unwrap()
            .unwrap()
            .expose(),
        new
    );
    assert!(w
        .secrets
        .get(&key(CustomerSecret::NewAdminPassword))
        .unwrap()
        .is_none());
    // Never in the ledger or the events.
    let runs = w.store.list_runs(None, 50).unwrap();
    let ledger = serde_json::to_string(
        &runs
            .iter()
            .map(|r| {
                (
                    w.store.run_steps(r.id).unwrap(),
                    w.store.run_log(r.id, 0).unwrap(),
                )
            })
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert!(!ledger.contains(&new) && !events.json().contains(&new));

    // The next email is refused for good: the password the last email carried is put back.
    fault(
        &w.sim,
        json!({"method": "POST", "path": "/resend/emails", "status": 422}),
    )
    .await;
    let (state, events) = day_two(&w, RunKind::ResetPassword).await;
    clear_faults(&w.sim).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    assert_eq!(events.first_failure()["step"], "email.new_password");
    assert_eq!(
        sign_in(&w, &new).await,
        200,
        "the mailed password still works"
    );
    done(w).await;
}

/// Two seats on one shared register: seat A delivered the instance (its keyring holds that
/// first password), then seat B sent a new one on purpose. A's own reset fails at its email and
/// is rolled back: the password A holds is older than the one B sent, so it is not put back
/// (the admin would be locked out of B's email, and A's stale password would work again).
#[tokio::test]
async fn a_rollback_never_restores_a_password_another_seat_replaced_since() {
    use fabrik::provision::FailurePolicy;
    use fabrik::store::Store;
    use std::sync::Arc;
    let (Some(keys_a), Some(keys_b)) = (keyring("reset-seat-a"), keyring("reset-seat-b")) else {
        return;
    };
    let sim = sim(fabrik_sim::Profile::Instant).await;
    let db = pg_database();
    let seat = |name: &str| Arc::new(Store::connect(&db).unwrap().with_seat(name));
    let (store_a, store_b) = (seat("anna@dator-a"), seat("bo@dator-b"));
    let engine_a = engine(
        &sim,
        store_a.clone(),
        keys_a.clone(),
        FailurePolicy::Rollback,
    );
    let engine_b = engine(
        &sim,
        store_b.clone(),
        keys_b.clone(),
        FailurePolicy::Rollback,
    );
    let slug = common::customer(&store_a, "Två Lösenord AB");
    let w = World {
        sim,
        store: store_a.clone(),
        engine: engine_a,
        slug: slug.clone(),
        secrets: keys_a,
    };
    let (_, state) = provision(&w.engine, &slug).await;
    assert_eq!(state, RunState::Succeeded);
    let admin = customer(&w).admin_email;
    let (_, first) = mailed_password(&w, &admin).await;

    // Seat B sends the admin a new password on purpose.
    let start = engine_b
        .record(
            &slug,
            &RunRequest::without_input(RunKind::ResetPassword).unwrap(),
        )
        .unwrap();
    let events = Events::default();
    let state = engine_b
        .drive(
            start.driver.unwrap(),
            events.sink(),
            CancellationToken::new(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let (_, from_b) = mailed_password(&w, &admin).await;
    assert_ne!(from_b, first);

    // Seat A's reset cannot send its email and is rolled back.
    fault(
        &w.sim,
        json!({"method": "POST", "path": "/resend/emails", "status": 422}),
    )
    .await;
    let (state, events) = day_two(&w, RunKind::ResetPassword).await;
    clear_faults(&w.sim).await;
    assert_ne!(state, RunState::Succeeded, "{}", events.json());
    assert_ne!(
        sign_in(&w, &first).await,
        200,
        "the rollback put back seat A's older password, which seat B had replaced: {}",
        events.json()
    );
    // Said, with the seat whose email is the one that counts, and the way out.
    assert!(
        events.json().contains("sätts inte tillbaka")
            && events.json().contains("bo på dator-b")
            && events.json().contains("reset-password"),
        "the rollback does not say why: {}",
        events.json()
    );
    cleanup(&w.engine, &slug).await;
    w.sim.shutdown().await;
}

/// #39's worked example of a kind added as one declaration: the welcome email again, to the
/// first administrator, without the one-time password (it went once; the email points to the
/// reset instead).
#[tokio::test]
async fn the_welcome_email_goes_again_without_the_password() {
    let Some(w) = delivered("d2-welcome-again", "Välkommen Igen AB").await else {
        return;
    };
    let admin = customer(&w).admin_email;
    let mails = |inv: &Value| -> Vec<Value> {
        inv["resend"]["emails"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["to"].to_string().contains(&admin))
            .cloned()
            .collect()
    };
    let before = mails(&inventory(&w.sim).await);
    let (_, password) = mailed_password(&w, &admin).await;

    let (state, events) = day_two(&w, RunKind::ResendWelcome).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let after = mails(&inventory(&w.sim).await);
    assert_eq!(after.len(), before.len() + 1, "one more email to {admin}");
    let text = after.last().unwrap()["text"].as_str().unwrap();
    assert!(
        !text.contains("Engångslösenord") && !text.contains(&password),
        "the password went once: {text}"
    );
    assert!(
        text.contains(customer(&w).instance.production_url.as_deref().unwrap()),
        "the instance's address: {text}"
    );
    let run = w.store.list_runs(None, 1).unwrap().remove(0);
    assert_eq!(run.kind, RunKind::ResendWelcome);
    assert_eq!(
        run.input,
        Some(json!({ "kind": "resend_welcome" })),
        "the ledger keeps the request"
    );
    done(w).await;
}

/// #39: a kind declared never to continue (`Continues::Never`: a backup is of the database as
/// it is now) starts a new run when asked again after one stopped, instead of taking the
/// stopped one up. The declaration was there before; nothing read it.
#[tokio::test]
async fn a_stopped_backup_asked_again_is_a_new_run() {
    let Some(w) = delivered("d2-continues", "Ny Kopia AB").await else {
        return;
    };
    // Paused on failure, so the stopped run stays there to be continued (or not).
    let paused = common::engine(
        &w.sim,
        w.store.clone(),
        w.secrets.clone(),
        fabrik::provision::FailurePolicy::Pause,
    );
    fault(
        &w.sim,
        json!({"method": "POST", "path": "/supabase/v1/projects/*/database/query", "status": 400}),
    )
    .await;
    let request = RunRequest::Backup { scheduled: None };
    let first = paused.record(&w.slug, &request).unwrap();
    let events = Events::default();
    let state = paused
        .drive(
            first.driver.unwrap(),
            events.sink(),
            CancellationToken::new(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Failed, "{}", events.json());
    clear_faults(&w.sim).await;

    let again = paused.record(&w.slug, &request).unwrap();
    assert_ne!(again.run_id, first.run_id, "a backup is taken anew");
    assert_eq!(
        w.store.get_run(first.run_id).unwrap().state,
        RunState::Failed,
        "the stopped one is left as it was"
    );
    done(w).await;
}

/// Issue #55: a new password goes to the first administrator's own account, proven Fabrik's by
/// its marker, never to where the card's address was edited (an operator's edit, and before
/// this an account taken over); an account that carries another customer's marker is refused,
/// named, with no password set and nothing mailed.
#[tokio::test]
async fn a_new_password_goes_to_the_proven_administrator_only() {
    let Some(w) = delivered("d2-takeover", "Kapad Kund AB").await else {
        return;
    };
    let admin = customer(&w).admin_email;
    let r = customer(&w).instance.supabase_project_ref.unwrap();
    let inv = inventory(&w.sim).await;
    let user = &inv["supabase"]["projects"][0]["auth_users"][0];
    assert_eq!(user["email"], admin.as_str());
    let keys = w.engine.clients().supabase.api_keys(&r).await.unwrap();
    let id = customer_admin_id(&w);
    let made = w.engine.clients().supabase.get_user(&r, &keys, &id).await;
    let marker = made.unwrap().unwrap().app_metadata;
    assert_eq!(
        marker["fabrik"]["customer"].as_str(),
        Some(customer(&w).uid.as_str()),
        "Fabrik's marker is on the admin it made: {marker}"
    );
    let (sent, _) = mailed_password(&w, &admin).await;

    let outsider = "angripare@ondska.example";
    let patch = fabrik::customer::CustomerPatch {
        admin_email: Some(outsider.into()),
        ..Default::default()
    };
    w.store
        .update_customer(&w.slug, patch, &fabrik::customer::ModuleManifest::bundled())
        .unwrap();
    let (state, events) = day_two(&w, RunKind::ResetPassword).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let (now, _) = mailed_password(&w, &admin).await;
    assert_eq!(
        now,
        sent + 1,
        "the new password went to the account's own address"
    );
    let mails = inventory(&w.sim).await["resend"]["emails"].to_string();
    assert!(
        !mails.contains(outsider),
        "nothing went to the card's edited address"
    );

    // The account carries another customer's marker now: not Fabrik's for this customer.
    let foreign = json!({ "app_metadata": { "fabrik": { "customer": "en-annan-kund" } } });
    w.engine
        .clients()
        .supabase
        .update_user(&r, &keys, &id, &foreign)
        .await
        .unwrap();
    let emails = inventory(&w.sim).await["resend"]["emails"]
        .as_array()
        .unwrap()
        .len();
    let (state, events) = day_two(&w, RunKind::ResetPassword).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    let failure = events.first_failure();
    assert_eq!(failure["code"], "resource_not_ours", "{failure}");
    assert!(failure.to_string().contains(&admin), "named: {failure}");
    let after = inventory(&w.sim).await["resend"]["emails"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, emails, "nothing was mailed");
    done(w).await;
}

/// The first administrator's id as provisioning recorded it.
fn customer_admin_id(w: &World) -> String {
    let c = customer(w);
    let out = w
        .store
        .last_step_output(c.id, StepKey::SupabaseAdminUser, c.environment)
        .unwrap()
        .unwrap();
    out["user_id"].as_str().unwrap().to_string()
}
