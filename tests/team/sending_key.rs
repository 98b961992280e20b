//! Each instance sends on a Resend key of its own (issue #55): made by provisioning, by the
//! `auth_mail` run for an earlier instance, and anew for a run taken over after its key was
//! made; teardown deletes it.

use super::*;
use fabrik::customer::rows::CustomerRows;

/// The Resend API keys of the account (the simulator's inventory): id, name, permission,
/// domain and the hash of the token.
async fn sending_keys(sim: &fabrik_sim::SimHandle) -> Vec<Value> {
    inventory(sim).await["resend"]["api_keys"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}
/// The SHA-256 of the SMTP password the project's Auth holds (all the simulator answers).
async fn smtp_pass(w: &World, r: &str) -> String {
    let config = auth_config(w, r, None).await;
    config["smtp_pass"].as_str().unwrap_or_default().to_string()
}

fn sha256(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The one key the instance has, checked: named with the customer's marker, sending only, from
/// the agency's domain, and the one the project's Auth sends with. Its id.
async fn the_instance_key(w: &World, r: &str) -> String {
    let c = w.store.get_customer(&w.slug).unwrap();
    let keys = sending_keys(&w.sim).await;
    assert_eq!(keys.len(), 1, "one key per instance: {keys:?}");
    let key = &keys[0];
    let domain = inventory(&w.sim).await["resend"]["domains"][0]["id"].clone();
    // The customer's marker and the mark of the run that made it (issue #67), in Resend's 50.
    let name = key["name"].as_str().unwrap();
    let mark = name.strip_prefix(&format!("fabrik:{} ", c.uid));
    assert!(
        mark.is_some_and(|m| m.len() == 6 && m.chars().all(|c| c.is_ascii_hexdigit())),
        "{name}"
    );
    assert_eq!(name.len(), 50);
    assert_eq!(key["permission"], "sending_access");
    assert_eq!(
        key["domain_id"], domain,
        "restricted to the agency's domain"
    );
    let pass = smtp_pass(w, r).await;
    assert_eq!(
        pass,
        key["token_sha256"].as_str().unwrap(),
        "the relay's password is the instance's key"
    );
    assert_ne!(pass, sha256(TOKEN), "not the agency's key");
    key["id"].as_str().unwrap().to_string()
}
/// Issue #55: the agency's one Resend key was every instance's SMTP password. Provisioning
/// now makes the instance a key of its own, which may only send, only from the agency's domain;
/// the instance's invitations go through the relay on it; it can do nothing else at Resend; its
/// token is nowhere in the register (the file and its WAL); teardown deletes it and it stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_instance_sends_on_a_sending_key_of_its_own() {
    let Some((w, _dir)) = delivered_on_file("team-key", "Egen Nyckel AB").await else {
        return;
    };
    let (r, _) = project(&w).await;
    let id = the_instance_key(&w, &r).await;
    let (_, token) = w
        .sim
        .resend_key_tokens()
        .into_iter()
        .find(|(k, _)| *k == id)
        .expect("the simulator made it");

    // The ledger keeps its id, never its token.
    let c = w.store.get_customer(&w.slug).unwrap();
    let recorded = w
        .store
        .last_step_output(
            c.id,
            fabrik::provision::StepKey::ResendSendingKey,
            fabrik::environment::Environment::Sandbox,
        )
        .unwrap()
        .unwrap();
    assert_eq!(recorded["id"], id.as_str(), "{recorded}");

    // The instance invites through the relay on its own key.
    let report = Team::new(&w.engine)
        .invite(
            &w.slug,
            &[person("nora@kund.example.se", "Nora", TeamRole::Member)],
            &quiet,
        )
        .await
        .unwrap();
    assert_eq!(report.invited, 1, "{report:?}");
    assert_eq!(mails_to(&w.sim, "nora@kund.example.se").await.len(), 1);

    // A key that only sends: nothing else of the agency's account is open to it.
    let listed = reqwest::Client::new()
        .get(format!("{}/domains", w.sim.resend_api_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 401);
    let body: Value = listed.json().await.unwrap();
    assert_eq!(body["name"], "restricted_api_key");

    // The token is in no row of the register, nor its WAL.
    let mut found = Vec::new();
    for suffix in ["", "-wal"] {
        let file = format!("{}{suffix}", w.store.path().display());
        let bytes = std::fs::read(&file).unwrap_or_default();
        for secret in [token.as_str(), TOKEN] {
            if bytes.windows(secret.len()).any(|x| x == secret.as_bytes()) {
                found.push(format!("{secret} in {file}"));
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");

    // Teardown deletes it: it sends nothing more.
    cleanup(&w.engine, &w.slug).await;
    assert!(sending_keys(&w.sim).await.is_empty());
    let sent = reqwest::Client::new()
        .post(format!("{}/emails", w.sim.resend_api_url()))
        .bearer_auth(&token)
        .json(&json!({ "from": w.engine.settings().sender_address(), "to": ["x@kund.example.se"], "subject": "x", "text": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 403, "a deleted key is refused");
    w.sim.shutdown().await;
}

/// Issue #55: an instance delivered before sends with the agency's key. Its `auth_mail` run
/// (`fabrik team mail`) makes it a key of its own and gives it to it; run again, it gets a new
/// one and the one before goes, so there is one key per instance.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earlier_instance_gets_its_own_key_from_its_auth_mail_run() {
    let Some(w) = delivered("team-key-later", "Senare Nyckel AB").await else {
        return;
    };
    let (r, _) = project(&w).await;
    let first = the_instance_key(&w, &r).await;
    // As delivered before issue #55: the agency's key is the relay's password.
    auth_config(&w, &r, Some(json!({ "smtp_pass": TOKEN }))).await;
    assert_eq!(smtp_pass(&w, &r).await, sha256(TOKEN));

    for _ in 0..2 {
        let state = w
            .engine
            .run(&w.slug, &RunRequest::AuthMail, Events::default().sink())
            .await
            .unwrap();
        assert_eq!(state, RunState::Succeeded);
        let now = the_instance_key(&w, &r).await;
        assert_ne!(now, first, "a new key, and the one before gone");
    }
    let report = Team::new(&w.engine)
        .invite(
            &w.slug,
            &[person("ola@kund.example.se", "Ola", TeamRole::Viewer)],
            &quiet,
        )
        .await
        .unwrap();
    assert_eq!(report.invited, 1, "{report:?}");
    cleanup(&w.engine, &w.slug).await;
    assert!(sending_keys(&w.sim).await.is_empty());
    w.sim.shutdown().await;
}

/// A seat that takes a provisioning run over after its key was made has no token for it
/// (Resend shows it once, to the process that made it). `supabase.auth_mail` then makes the
/// instance a key of its own and the unusable one goes: one key, the instance's, which
/// teardown deletes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_taken_over_after_its_key_was_made_gives_the_instance_a_new_one() {
    let Some(w) = world("team-key-taken", "Övertagen Nyckel AB").await else {
        return;
    };
    let engine = engine(
        &w.sim,
        w.store.clone(),
        w.secrets.clone(),
        fabrik::provision::FailurePolicy::Pause,
    );
    // The first seat stops at the instance's mail settings, its key made.
    fault(
        &w.sim,
        json!({ "method": "PATCH", "path": "/supabase/v1/projects/*/config/auth", "status": 400, "times": 1 }),
    )
    .await;
    let (run, state, events) = provision_logged(&engine, &w.slug).await;
    assert_eq!(state, RunState::Failed, "{}", events.json());
    let made = sending_keys(&w.sim).await;
    assert_eq!(made.len(), 1, "{made:?}");
    let made = made[0]["id"].as_str().unwrap().to_string();
    // Another seat continues: it never held the token.
    fabrik::provision::steps::forget_held_token(&made);
    let state = engine
        .resume(
            run.run_id,
            Events::default().sink(),
            tokio_util::sync::CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    let (r, _) = project(&w).await;
    let now = the_instance_key(&w, &r).await;
    assert_ne!(now, made, "the key with no token went");
    cleanup(&engine, &w.slug).await;
    assert!(sending_keys(&w.sim).await.is_empty());
    w.sim.shutdown().await;
}
