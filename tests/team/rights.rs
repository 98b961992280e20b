//! Who may act on a team (issue #55): a viewer is refused before the instance changes, an
//! operator may not revoke the first administrator, and the ledger's id alone proves nothing.

use super::*;
use fabrik::customer::rows::CustomerRows;

/// The sim's requests that change something in a project's Auth or data (a ban, an
/// invitation, a profile written), since the log was last cleared.
async fn changes_to(sim: &fabrik_sim::SimHandle, r: &str) -> Vec<Value> {
    let log = get(sim, "/__sim/requests").await["requests"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    log.into_iter()
        .filter(|q| {
            let (method, path) = (
                q["method"].as_str().unwrap_or(""),
                q["path"].as_str().unwrap_or(""),
            );
            let auth = path.starts_with(&format!("/supabase-project/{r}/auth/v1/"));
            let sql = path.ends_with(&format!("/projects/{r}/database/query"));
            (auth && method != "GET")
                || (sql
                    && !q["body"]
                        .to_string()
                        .to_lowercase()
                        .contains("select id::text as id, email"))
        })
        .collect()
}

async fn clear_requests(sim: &fabrik_sim::SimHandle) {
    api(
        reqwest::Method::DELETE,
        format!("{}/__sim/requests", sim.base_url()),
        None,
    )
    .await;
}

/// A shared register (made by `fabrik-role.sql`) with one customer delivered on the simulator
/// by the register's own role, its owner.
struct Shared {
    register: crate::rights::Register,
    sim: fabrik_sim::SimHandle,
    owner: std::sync::Arc<fabrik::store::Store>,
    engine: fabrik::provision::Engine,
    slug: String,
    secrets: fabrik::secrets::SecretStore,
}

async fn delivered_on_shared(tag: &str, register: &str, name: &str) -> Option<Shared> {
    let secrets = keyring(tag)?;
    let register = crate::rights::Register::new(register);
    let sim = sim(fabrik_sim::Profile::Instant).await;
    let owner = std::sync::Arc::new(
        fabrik::store::Store::connect(&register.config(&register.role)).unwrap(),
    );
    let engine = engine(
        &sim,
        owner.clone(),
        secrets.clone(),
        fabrik::provision::FailurePolicy::Rollback,
    );
    let slug = customer(&owner, name);
    let (_, state, events) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    Some(Shared {
        register,
        sim,
        owner,
        engine,
        slug,
        secrets,
    })
}

/// An engine on `person`'s own login of the shared register.
fn engine_of(
    sim: &fabrik_sim::SimHandle,
    register: &crate::rights::Register,
    person: &str,
    secrets: &fabrik::secrets::SecretStore,
) -> fabrik::provision::Engine {
    let store = fabrik::store::Store::connect(&register.config(person)).unwrap();
    engine_as_set(
        sim,
        std::sync::Arc::new(store),
        secrets.clone(),
        fabrik::provision::FailurePolicy::Rollback,
        fabrik::environment::Environment::Sandbox,
        fast_timing(),
    )
}

/// Issue #55: on a shared register a viewer may not act on a customer's team. Their revoke and
/// resend are refused by PostgreSQL (the register's write comes first), named as the right
/// they lack, and the instance is not changed: nobody banned, no invitation sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewers_revoke_and_resend_are_refused_before_the_instance_changes() {
    let Some(Shared {
        register,
        sim,
        owner,
        engine,
        slug,
        secrets,
    }) = delivered_on_shared("team-viewer", "teamview", "Läsarens Kund AB").await
    else {
        return;
    };
    let people = [person("olle@kund.example.se", "Olle", TeamRole::Member)];
    let report = Team::new(&engine)
        .invite(&slug, &people, &quiet)
        .await
        .unwrap();
    assert_eq!(report.invited, 1, "{report:?}");
    let r = owner
        .get_customer(&slug)
        .unwrap()
        .instance
        .supabase_project_ref
        .unwrap();

    // Olle's invitation went long ago: a resend now is not refused as too soon.
    register
        .conn(&register.role)
        .execute(
            "UPDATE team_invites SET last_sent_at = '2020-01-01T00:00:00+00:00'",
            (),
        )
        .unwrap();
    let vera = register.person("vera", "viewer");
    let seen = engine_of(&sim, &register, &vera, &secrets);
    clear_requests(&sim).await;
    let revoke = Team::new(&seen)
        .revoke(&slug, "olle@kund.example.se", None)
        .await
        .unwrap_err();
    let resend = Team::new(&seen)
        .resend(&slug, "olle@kund.example.se")
        .await
        .unwrap_err();
    for refused in [&revoke, &resend] {
        assert!(
            matches!(
                refused,
                Error::Forbidden {
                    right: fabrik::messages::Right::DayTwo,
                    person: Some(p),
                } if p == &vera
            ),
            "{refused:?}"
        );
        assert_eq!(code(refused), ErrorCode::Forbidden);
    }
    let changed = changes_to(&sim, &r).await;
    assert!(changed.is_empty(), "the instance was changed: {changed:?}");
    let keys = engine.clients().supabase.api_keys(&r).await.unwrap();
    let olle = engine
        .clients()
        .supabase
        .find_user(&r, &keys, "olle@kund.example.se")
        .await
        .unwrap()
        .unwrap();
    assert!(olle.banned_until.is_none(), "{olle:?}");
    assert_eq!(mails_to(&sim, "olle@kund.example.se").await.len(), 1);
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

/// Issue #55: an administrator is what a customer's instance stands on, revoked only through
/// the guarded gate. An operator who typed the first administrator's address is refused,
/// named as the owner's right to remove, and the administrator keeps their access.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_may_not_revoke_the_first_administrator() {
    let Some(Shared {
        register,
        sim,
        owner,
        engine,
        slug,
        secrets,
    }) = delivered_on_shared("team-gate", "teamgate", "Grindens Kund AB").await
    else {
        return;
    };
    let c = owner.get_customer(&slug).unwrap();
    let r = c.instance.supabase_project_ref.unwrap();
    let otto = register.person("otto", "operator");
    let seen = engine_of(&sim, &register, &otto, &secrets);
    clear_requests(&sim).await;
    let refused = Team::new(&seen)
        .revoke(&slug, &c.admin_email, Some(&c.admin_email))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &refused,
            Error::Forbidden {
                right: fabrik::messages::Right::Remove,
                person: Some(p),
            } if p == &otto
        ),
        "{refused:?}"
    );
    let changed = changes_to(&sim, &r).await;
    assert!(changed.is_empty(), "the instance was changed: {changed:?}");
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

/// Issue #55: the first administrator's id in the ledger is no proof. An operator who rewrote
/// the `supabase.admin_user` step to the id of someone the customer's own app made does not
/// get that person banned through Fabrik: revoke and resend are refused naming them, since
/// Fabrik's marker is not on their account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_admin_rewritten_in_the_ledger_is_not_fabriks_to_revoke() {
    // On a shared register the ledger guard refuses the rewrite itself (tests/rights/); a
    // register file is written by whoever has it.
    let Some((w, _dir)) = delivered_on_file("team-forged", "Förfalskad Kund AB").await else {
        return;
    };
    let (r, _) = project(&w).await;
    let keys = w.engine.clients().supabase.api_keys(&r).await.unwrap();
    let id = apps_own(&w, &r, "chef@kund.example.se", "admin").await;
    // The operator's own SQL on the register file.
    let file = rusqlite::Connection::open(w.store.path()).unwrap();
    let rows = file
        .execute(
            "UPDATE run_steps SET external_id = ?1, output = json_set(output, '$.user_id', ?1)
             WHERE key = 'supabase.admin_user' AND state = 'succeeded'",
            [&id],
        )
        .unwrap();
    assert_eq!(rows, 1);

    clear_requests(&w.sim).await;
    let revoke = Team::new(&w.engine)
        .revoke(
            &w.slug,
            "chef@kund.example.se",
            Some("chef@kund.example.se"),
        )
        .await
        .unwrap_err();
    assert_eq!(code(&revoke), ErrorCode::TeamNotFabriks, "{revoke}");
    assert!(
        revoke.to_string().contains("chef@kund.example.se"),
        "{revoke}"
    );
    let resend = Team::new(&w.engine)
        .resend(&w.slug, "chef@kund.example.se")
        .await
        .unwrap_err();
    assert!(
        matches!(
            code(&resend),
            ErrorCode::TeamNotFabriks | ErrorCode::TeamNotInTeam
        ),
        "{resend}"
    );
    assert!(
        resend.to_string().contains("chef@kund.example.se"),
        "{resend}"
    );
    let changed = changes_to(&w.sim, &r).await;
    assert!(changed.is_empty(), "the instance was changed: {changed:?}");
    let chef = w
        .engine
        .clients()
        .supabase
        .find_user(&r, &keys, "chef@kund.example.se")
        .await
        .unwrap()
        .unwrap();
    assert!(chef.banned_until.is_none(), "nobody banned: {chef:?}");
    let listed = Team::new(&w.engine).list(&w.slug).await.unwrap();
    let chef = listed
        .members
        .iter()
        .find(|m| m.email == "chef@kund.example.se")
        .unwrap();
    assert!(!chef.by_fabrik && !chef.first_admin, "{chef:?}");
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}
