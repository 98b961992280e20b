//! A handover (issue #59) of a delivered instance in the simulator, end to end: the run behind
//! the teardown's gate, the letter in Resend's outbox with the codes, the customer taking each
//! part through the simulator's customer routes, the instance then handed over and left alone
//! by every run and roll-out; a withdrawal before it is taken; the providers' refusals in
//! words; and the codes nowhere in the register, the run's events or its log.

use crate::common;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::HealthRows;
use fabrik::provision::handovers::HandoverRows;

use common::*;
use fabrik::handover::Handovers;
use fabrik::provision::{RunRequest, RunState};
use fabrik::Error;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

/// A provisioned customer, and the customer's own accounts in the simulator.
async fn delivered(tag: &str, name: &str) -> Option<World> {
    let w = world(tag, name).await?;
    let (_, state) = provision(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded);
    for body in [
        json!({"provider": "supabase", "name": "kundens-org"}),
        json!({"provider": "vercel", "name": "kundens-team"}),
        json!({"provider": "github", "name": "kund-gh"}),
        json!({"provider": "github", "name": "stangd-org", "org": true}),
    ] {
        customer_side(&w.sim, "accounts", Some(body)).await;
    }
    Some(w)
}

/// The customer acting (`/__sim/handover/...`): status and answer.
async fn customer_side(
    sim: &fabrik_sim::SimHandle,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = reqwest::Client::new().post(format!("{}/__sim/handover/{path}", sim.base_url()));
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn request(w: &World, github: &str, typed: &str) -> RunRequest {
    let _ = w;
    RunRequest::Handover {
        to_github: github.into(),
        to_vercel_team: "kundens-team".into(),
        to_supabase_org: "kundens-org".into(),
        letter_to: None,
        confirmation: typed.into(),
    }
}

async fn hand_over(w: &World, github: &str) -> (Result<RunState, Error>, Events) {
    hand_over_by(&w.engine, w, github).await
}

/// As `hand_over`, by an engine of the test's own (settings of its own).
async fn hand_over_by(
    engine: &fabrik::provision::Engine,
    w: &World,
    github: &str,
) -> (Result<RunState, Error>, Events) {
    let start = engine
        .record(&w.slug, &request(w, github, &w.slug))
        .unwrap();
    let events = Events::default();
    let state = engine
        .drive(
            start.driver.expect("this caller drives the run"),
            events.sink(),
            CancellationToken::new(),
            false,
        )
        .await;
    (state, events)
}

/// The letter in the outbox: (html, the claim token its claim link carries, the transfer code).
async fn letter(w: &World) -> (String, String, String) {
    let inv = inventory(&w.sim).await;
    let mail = inv["resend"]["emails"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["subject"]
                .as_str()
                .unwrap_or("")
                .starts_with("Överlämning")
        })
        .cloned()
        .expect("the handover letter was sent");
    let html = mail["html"].as_str().unwrap().to_string();
    let after = |label: &str| {
        let i = html
            .find(label)
            .unwrap_or_else(|| panic!("{label} in {html}"))
            + label.len();
        html[i..].split('<').next().unwrap().trim().to_string()
    };
    // The customer opens the link: the simulator's claim page, which names its claim.
    let link = after("Länk för att ta över projektet:").replace("&amp;", "&");
    let link = reqwest::Url::parse(&link).unwrap_or_else(|e| panic!("{link}: {e}"));
    assert!(
        link.as_str().starts_with(w.sim.base_url()),
        "the link leads to Supabase's (the simulator's) page: {link}"
    );
    let token = link
        .query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| panic!("{link}"));
    (html.clone(), token, after("Kod för flytten:"))
}

/// The project's open claim, as the agency's token reads it.
async fn open_claim(w: &World, project: &str) -> Option<fabrik::providers::supabase::ClaimToken> {
    w.engine
        .clients()
        .supabase
        .claim_token(project)
        .await
        .unwrap()
}

fn register_text(w: &World) -> String {
    let c = w.store.get_customer(&w.slug).unwrap();
    let runs = w.store.list_runs(Some(c.id), 100).unwrap();
    let mut all = String::new();
    for r in &runs {
        all.push_str(&serde_json::to_string(&w.store.run_steps(r.id).unwrap()).unwrap());
        all.push_str(&serde_json::to_string(&w.store.run_log(r.id, 0).unwrap()).unwrap());
        all.push_str(&format!("{:?}", r));
    }
    all.push_str(&format!(
        "{:?}",
        w.store.handover(c.id, w.engine.environment()).unwrap()
    ));
    all
}

#[tokio::test]
async fn a_delivered_instance_is_handed_over_and_left_alone() {
    let Some(w) = delivered("handover-e2e", "Lämnas Över AB").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var(fabrik::paths::EXPORT_DIR_ENV, dir.path());

    let (state, events) = hand_over(&w, "kund-gh").await;
    assert_eq!(
        state.unwrap_or_else(|e| panic!("{e}\n{}", events.json())),
        RunState::Succeeded
    );
    let (html, token, code) = letter(&w).await;
    assert!(
        html.contains("kundens-org") && html.contains("kund-gh"),
        "{html}"
    );
    assert!(html.contains(&format!("https://vercel.com/claim-deployment?code={code}")));
    // The same letter saved for the owner to hand over, and the workflow beside it.
    let folder = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        std::fs::read_to_string(folder.join("overlamning.html")).unwrap(),
        html
    );
    let workflow = std::fs::read_to_string(folder.join("workflow.json")).unwrap();
    assert!(workflow.contains("\"nodes\""));

    // The codes went to the customer only: not the register, the events, the log.
    let kept = register_text(&w) + &events.json();
    assert!(!kept.contains(&token), "the claim link is kept somewhere");
    assert!(!kept.contains(&code), "the transfer code is kept somewhere");

    let handovers = Handovers::new(&w.engine);
    let waiting = handovers.status(&w.slug).await.unwrap();
    assert!(!waiting.handed_over);
    assert!(waiting.lines.iter().any(|l| l.sv.contains("väntar")));

    // The customer takes the three parts.
    let (s, _) = customer_side(&w.sim, &format!("supabase/kundens-org/claim/{token}"), None).await;
    assert_eq!(s, 204);
    let (s, used) =
        customer_side(&w.sim, &format!("supabase/kundens-org/claim/{token}"), None).await;
    assert_eq!(s, 403, "a used token: {used}");
    let (s, v) = customer_side(&w.sim, &format!("vercel/kundens-team/accept/{code}"), None).await;
    assert_eq!(s, 202, "{v}");
    let half = handovers.status(&w.slug).await.unwrap();
    assert!(!half.handed_over, "the repository still waits for its user");
    let h = half.handover.unwrap();
    assert!(h.supabase_claimed_at.is_some() && h.vercel_accepted_at.is_some());
    assert!(h.github_accepted_at.is_none());
    let repo = w
        .store
        .get_customer(&w.slug)
        .unwrap()
        .instance
        .github_repo_url
        .unwrap();
    let name = repo.rsplit('/').next().unwrap();
    let (s, v) = customer_side(&w.sim, &format!("github/fabrik-agency/{name}/accept"), None).await;
    assert_eq!(s, 200, "{v}");
    // The tick's job follows every waiting handover: this one is now handed over.
    assert_eq!(
        handovers.follow_all().await.unwrap(),
        std::slice::from_ref(&w.slug)
    );
    let done = handovers.status(&w.slug).await.unwrap();
    assert!(done.handed_over, "{:?}", done.lines);
    let h = done.handover.unwrap();
    assert_eq!(
        (h.to_github.as_str(), h.to_vercel_team.as_str()),
        ("kund-gh", "kundens-team")
    );

    // Left alone: no roll-out lists it, and no run of any kind starts on it.
    let env = w.engine.environment();
    assert!(!w.store.delivered_slugs(env).unwrap().contains(&w.slug));
    for asked in [
        RunRequest::Migrate { rollout: 1 },
        RunRequest::TemplateSync { rollout: 1 },
        RunRequest::Redeploy,
        RunRequest::Teardown {
            confirmation: w.slug.clone(),
        },
    ] {
        match w.engine.record(&w.slug, &asked) {
            Err(Error::NotNow { reason, .. }) => {
                assert!(reason.sv.contains("överlämnad"), "{reason}")
            }
            other => panic!("{asked:?} on a handed-over instance: {other:?}"),
        }
    }
    w.sim.shutdown().await;
}

#[tokio::test]
async fn the_gate_refuses_a_wrong_slug_and_bad_targets_before_anything_is_written() {
    let Some(w) = delivered("handover-gate", "Grind AB").await else {
        return;
    };
    let id = w.store.get_customer(&w.slug).unwrap().id;
    let before = w.store.list_runs(Some(id), 100).unwrap().len();
    assert!(matches!(
        w.engine
            .record(&w.slug, &request(&w, "kund-gh", "fel-kund")),
        Err(Error::NotConfirmed)
    ));
    match w
        .engine
        .record(&w.slug, &request(&w, "-inte ett namn", &w.slug))
    {
        Err(Error::Validation(errors)) => assert_eq!(errors[0].field, "to_github"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        w.store.list_runs(Some(id), 100).unwrap().len(),
        before,
        "nothing written"
    );
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

#[tokio::test]
async fn a_refusal_reaches_the_owner_in_words_and_a_withdrawal_revokes_the_token() {
    let Some(w) = delivered("handover-refused", "Vägrad AB").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var(fabrik::paths::EXPORT_DIR_ENV, dir.path());
    // An organization where the agency may not create repositories.
    let (state, events) = hand_over(&w, "stangd-org").await;
    let failed = format!("{state:?}\n{}", events.json());
    assert!(
        failed.contains("handover_refused") || failed.contains("tog inte emot"),
        "{failed}"
    );
    assert!(failed.contains("stangd-org"), "{failed}");
    let inv = inventory(&w.sim).await;
    assert!(
        !inv["resend"]["emails"].to_string().contains("Överlämning"),
        "no letter when a part was refused"
    );

    // A handover to a user, withdrawn before the customer took anything.
    let w2 = w;
    let (state, events) = hand_over(&w2, "kund-gh").await;
    assert_eq!(
        state.unwrap_or_else(|e| panic!("{e}\n{}", events.json())),
        RunState::Succeeded
    );
    let (_, token, _) = letter(&w2).await;
    let handovers = Handovers::new(&w2.engine);
    assert!(matches!(
        handovers.withdraw(&w2.slug, "fel").await,
        Err(Error::NotConfirmed)
    ));
    let done = handovers.withdraw(&w2.slug, &w2.slug).await.unwrap();
    let said: Vec<String> = done.lines.iter().map(|l| l.sv.clone()).collect();
    assert!(said.iter().any(|l| l.contains("återkallad")), "{said:?}");
    assert!(
        said.iter()
            .any(|l| l.contains("Vercel") && l.contains("24 timmar")),
        "{said:?}"
    );
    assert!(said.iter().any(|l| l.contains("GitHub")), "{said:?}");
    let (s, _) = customer_side(
        &w2.sim,
        &format!("supabase/kundens-org/claim/{token}"),
        None,
    )
    .await;
    assert_eq!(s, 403, "a revoked token is refused");
    let c = w2.store.get_customer(&w2.slug).unwrap();
    assert!(w2
        .store
        .handover(c.id, w2.engine.environment())
        .unwrap()
        .is_none());
    w2.sim.shutdown().await;
}

#[tokio::test]
async fn a_handover_rolled_back_revokes_the_claim_token_it_made() {
    let Some(w) = delivered("handover-rollback", "Återkallad AB").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var(fabrik::paths::EXPORT_DIR_ENV, dir.path());
    let c = w.store.get_customer(&w.slug).unwrap();
    let project = c.instance.supabase_project_ref.clone().unwrap();
    // The repository's transfer, the step after the token, is refused: the run fails, and
    // this engine rolls a failed run back.
    let (state, events) = hand_over(&w, "stangd-org").await;
    assert_eq!(
        state.unwrap_or_else(|e| panic!("{e}\n{}", events.json())),
        RunState::RolledBack
    );
    // The simulator has no open token for the project any more: none for anyone to redeem.
    let open = open_claim(&w, &project).await;
    assert!(open.is_none(), "a live claim token was left: {open:?}");
    // Revoked by the claim token step's undo, as the ledger says.
    let run = w.store.list_runs(Some(c.id), 1).unwrap().remove(0);
    let steps = w.store.run_steps(run.id).unwrap();
    let token = steps
        .iter()
        .find(|s| s.key == fabrik::ledger::StepKey::SupabaseClaimToken)
        .unwrap();
    assert!(token.external_id.is_some(), "the token was made: {token:?}");
    assert_eq!(token.state, fabrik::ledger::StepState::Compensated);
    // Only the token went: the project is still there.
    assert!(inventory(&w.sim).await["supabase"]["projects"]
        .to_string()
        .contains(&project));
    w.sim.shutdown().await;
}

/// Issue #70: the link comes from Supabase's documented claim flow, through the agency's OAuth
/// app. Without the app's settings, with a redirect address the app does not have, or with the
/// flow not open to the agency's account (Supabase's 403), the run stops at its first step,
/// says which in words, and hands nothing over: no claim open, no letter, the project still
/// the agency's.
#[tokio::test]
async fn without_the_agencys_oauth_app_nothing_is_handed_over_and_the_settings_are_named() {
    let Some(w) = delivered("handover-no-app", "Ingen App AB").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var(fabrik::paths::EXPORT_DIR_ENV, dir.path());
    assert!(w
        .store
        .remove_setting("supabase.oauth_redirect_uri")
        .unwrap());
    let said = refused_at_the_claim(&w).await;
    assert!(said.contains("supabase.oauth_client_id"), "{said}");
    let other = "https://annan.example.se/tillbaka";
    w.store
        .set_setting("supabase.oauth_redirect_uri", other)
        .unwrap();
    let said = refused_at_the_claim(&w).await;
    assert!(said.contains("OAuth"), "{said}");
    let ours = w.sim.seed().supabase_oauth_redirect_uri.clone();
    w.store
        .set_setting("supabase.oauth_redirect_uri", &ours)
        .unwrap();
    let flow = "/supabase/v1/oauth/authorize/project-claim";
    fault(
        &w.sim,
        json!({"method": "GET", "path": flow, "status": 403}),
    )
    .await;
    let said = refused_at_the_claim(&w).await;
    assert!(
        said.contains("handover_refused") && said.contains("on request"),
        "{said}"
    );
    clear_faults(&w.sim).await;
    w.sim.shutdown().await;
}

/// A handover by an engine on the settings the register holds now, refused at its first
/// step with nothing handed over: what its failure said.
async fn refused_at_the_claim(w: &World) -> String {
    let project = w
        .store
        .get_customer(&w.slug)
        .unwrap()
        .instance
        .supabase_project_ref
        .unwrap();
    let engine = engine_as_set(
        &w.sim,
        w.store.clone(),
        w.secrets.clone(),
        fabrik::provision::FailurePolicy::Rollback,
        w.engine.environment(),
        fast_timing(),
    );
    let (state, events) = hand_over_by(&engine, w, "kund-gh").await;
    assert_ne!(state.ok(), Some(RunState::Succeeded), "{}", events.json());
    assert!(letters_to(w).await.is_empty(), "a letter went");
    let open = open_claim(w, &project).await;
    assert!(open.is_none(), "a claim is open: {open:?}");
    let p = w
        .engine
        .clients()
        .supabase
        .get_project(&project)
        .await
        .unwrap();
    assert_eq!(
        p.organization_slug.as_deref(),
        Some(w.sim.seed().supabase_org_slug.as_str())
    );
    events.first_failure().to_string()
}

/// Issue #67: the letter with the claim token and the transfer code went to the card's
/// address, which any login that edits customers can change (`UPDATE customers SET
/// admin_email = 'angripare@…'`). It goes to the address the instance's Auth holds for the
/// proven first administrator, whatever the card says, and the service says so before anyone
/// confirms.
#[tokio::test]
async fn the_letter_goes_to_the_proven_first_administrator_not_the_cards_address() {
    let Some(w) = delivered("handover-recipient", "Rätt Mottagare AB").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var(fabrik::paths::EXPORT_DIR_ENV, dir.path());
    let admin = w.store.get_customer(&w.slug).unwrap().admin_email;
    let patch = fabrik::customer::CustomerPatch {
        admin_email: Some("angripare@annan.example.se".into()),
        ..Default::default()
    };
    w.store
        .update_customer(&w.slug, patch, &fabrik::customer::ModuleManifest::bundled())
        .unwrap();

    let (state, events) = hand_over(&w, "kund-gh").await;
    assert_eq!(state.unwrap(), RunState::Succeeded, "{}", events.json());
    let to = letters_to(&w).await;
    assert_eq!(to.len(), 1, "{to:?}");
    assert!(to[0].contains(&admin), "{to:?}");
    assert!(!to[0].contains("angripare"), "{to:?}");
    #[cfg(unix)]
    for entry in walk(dir.path()) {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&entry).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is readable by others", entry.display());
    }
}

/// Issue #67: the owner may send the letter elsewhere (the customer's CTO, say): typed at the
/// gate, checked as an address before anything is written, and the letter goes there only.
#[tokio::test]
async fn the_letter_goes_to_the_address_the_owner_typed() {
    let Some(w) = delivered("handover-typed", "Skrivet Till AB").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var(fabrik::paths::EXPORT_DIR_ENV, dir.path());
    let id = w.store.get_customer(&w.slug).unwrap().id;
    let runs = w.store.list_runs(Some(id), 100).unwrap().len();
    let with = |to: &str| match request(&w, "kund-gh", &w.slug) {
        RunRequest::Handover {
            to_github,
            to_vercel_team,
            to_supabase_org,
            confirmation,
            ..
        } => RunRequest::Handover {
            to_github,
            to_vercel_team,
            to_supabase_org,
            letter_to: Some(to.into()),
            confirmation,
        },
        _ => unreachable!(),
    };
    match w.engine.record(&w.slug, &with("cto at kunden")) {
        Err(Error::Validation(errors)) => assert_eq!(errors[0].field, "letter_to"),
        other => panic!("{other:?}"),
    }
    assert_eq!(w.store.list_runs(Some(id), 100).unwrap().len(), runs);

    let start = w
        .engine
        .record(&w.slug, &with(" cto@kunden.example.se "))
        .unwrap();
    let events = Events::default();
    let state = w
        .engine
        .drive(
            start.driver.unwrap(),
            events.sink(),
            CancellationToken::new(),
            false,
        )
        .await;
    assert_eq!(state.unwrap(), RunState::Succeeded, "{}", events.json());
    let to = letters_to(&w).await;
    assert_eq!(to.len(), 1, "{to:?}");
    assert!(to[0].contains("cto@kunden.example.se"), "{to:?}");
}

/// Whom each handover letter the simulator's Resend took went to.
async fn letters_to(w: &World) -> Vec<String> {
    inventory(&w.sim).await["resend"]["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["subject"]
                .as_str()
                .unwrap_or("")
                .starts_with("Överlämning")
        })
        .map(|e| e["to"].to_string())
        .collect()
}

/// Every file below `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files
}
