//! The customer's team in their own instance (issue #44), against fabrik-sim on a real
//! PostgreSQL with the real keyring: provisioning makes the instance send as the agency, a list
//! is checked before anyone is invited, each invited person is made in the instance's Auth with
//! their profile and role and gets the agency's invitation through Resend, an accepted person
//! sees their own organization only (row-level security on PostgreSQL), a revoked one nothing
//! while their rows stay, and nobody Fabrik did not invite is touched.

use crate::common::*;

use fabrik::customer::{Invitee, TeamRole};
use fabrik::error::Error;
use fabrik::messages::ErrorCode;
use fabrik::provision::engine::team::{InviteOutcome, MemberStatus};
use fabrik::provision::{RunRequest, RunState};
use serde_json::{json, Value};

fn person(email: &str, name: &str, role: TeamRole) -> Invitee {
    Invitee {
        email: email.into(),
        full_name: Some(name.into()),
        role,
    }
}

fn code(e: &Error) -> ErrorCode {
    e.code()
}

/// The refusal's code, or the first field's when it is a validation.
fn why(e: &Error) -> ErrorCode {
    match e {
        Error::Validation(f) => f[0].code,
        other => code(other),
    }
}

/// A world whose customer is provisioned (`None` without a keyring).
async fn delivered(tag: &str, name: &str) -> Option<World> {
    let w = world(tag, name).await?;
    let (_, state, events) = provision_logged(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    Some(w)
}

/// `delivered` on a register file of its own, for what reads or writes the file itself.
async fn delivered_on_file(tag: &str, name: &str) -> Option<(World, tempfile::TempDir)> {
    let secrets = keyring(tag)?;
    let sim = sim(fabrik_sim::Profile::Instant).await;
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(
        fabrik::store::Store::open(&dir.path().join("fabrik.sqlite3")).unwrap(),
    );
    let engine = engine(
        &sim,
        store.clone(),
        secrets.clone(),
        fabrik::provision::FailurePolicy::Rollback,
    );
    let slug = customer(&store, name);
    let (_, state, events) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let w = World {
        sim,
        store,
        engine,
        slug,
        secrets,
    };
    Some((w, dir))
}

fn quiet(_: u32, _: u32, _: &fabrik::provision::engine::team::InviteResult) {}

/// The emails Resend received for `to`.
async fn mails_to(sim: &fabrik_sim::SimHandle, to: &str) -> Vec<Value> {
    inventory(sim).await["resend"]["emails"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|m| {
            m["to"]
                .as_array()
                .is_some_and(|t| t.iter().any(|x| x == to))
        })
        .collect()
}

/// The one-time token of an invitation's link (GoTrue's `…/verify?token=<hash>&type=invite`).
fn token_in(mail: &Value) -> String {
    let html = mail["html"].as_str().unwrap_or_default();
    let at = html
        .find("verify?token=")
        .expect("the invitation carries its link")
        + 13;
    html[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The customer's project ref and its anon key.
async fn project(w: &World) -> (String, String) {
    let c = w.store.get_customer(&w.slug).unwrap();
    let r = c.instance.supabase_project_ref.clone().unwrap();
    let keys = w.engine.clients().supabase.api_keys(&r).await.unwrap();
    (r, keys.anon.expose().to_string())
}

/// Accepts an invitation as the person would: the link's token for a session; its claims.
async fn accept(w: &World, r: &str, anon: &str, to: &str) -> Value {
    let mail = mails_to(&w.sim, to).await.pop().expect("an invitation");
    let session: Value = reqwest::Client::new()
        .post(format!("{}/auth/v1/verify", w.sim.supabase_project_url(r)))
        .header("apikey", anon)
        .json(&json!({ "type": "invite", "token_hash": token_in(&mail) }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{session}"));
    use base64::Engine as _;
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.split('.').nth(1).unwrap())
        .unwrap();
    serde_json::from_slice(&claims).unwrap()
}

/// The customer's database on the PostgreSQL behind the simulator.
async fn database(w: &World, r: &str) -> tokio_postgres::Client {
    let db = w.sim.project_database(r).expect("SQL runs on PostgreSQL");
    let mut config: tokio_postgres::Config = cluster().url().parse().unwrap();
    config.dbname(&db);
    let (pg, conn) = config.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    pg
}

/// A person the customer's own app made (not Fabrik): a confirmed Auth user and their profile
/// in the customer's organization. Their Auth id.
async fn apps_own(w: &World, r: &str, email: &str, role: &str) -> String {
    let keys = w.engine.clients().supabase.api_keys(r).await.unwrap();
    let theirs = reqwest::Client::new()
        .post(format!(
            "{}/auth/v1/admin/users",
            w.sim.supabase_project_url(r)
        ))
        .header("apikey", keys.service_role.expose())
        .bearer_auth(keys.service_role.expose())
        .json(&json!({ "email": email, "password": "hemligt-123", "email_confirm": true }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let id = theirs["id"].as_str().unwrap().to_string();
    let uid = w.store.get_customer(&w.slug).unwrap().uid;
    database(w, r)
        .await
        .execute(
            "insert into public.users (id, organization_id, email, role) values ($1::text::uuid, $2::text::uuid, $3, $4)",
            &[&id, &uid, &email, &role],
        )
        .await
        .unwrap();
    id
}

/// What a signed-in person sees of a table, the way the Data API runs a request (their role
/// and claims, then row-level security).
async fn as_person(pg: &mut tokio_postgres::Client, claims: &Value, sql: &str) -> Vec<String> {
    let tx = pg.transaction().await.unwrap();
    tx.batch_execute("set local role authenticated")
        .await
        .unwrap();
    tx.execute(
        "select set_config('request.jwt.claims', $1, true)",
        &[&claims.to_string()],
    )
    .await
    .unwrap();
    let rows = tx.query(sql, &[]).await.unwrap();
    rows.iter().map(|r| r.get::<_, String>(0)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_is_invited_and_an_accepted_person_sees_their_organization_only() {
    let Some(w) = delivered("team-list", "Teamets Kund AB").await else {
        return;
    };
    let (r, anon) = project(&w).await;
    let c = w.store.get_customer(&w.slug).unwrap();

    // Provisioning made the instance send as the agency, through Resend's relay.
    let config = w.engine.clients().supabase.auth_config(&r).await.unwrap();
    let sender = w.engine.settings().sender_address().to_string();
    assert_eq!(config.smtp_host.as_deref(), Some("smtp.resend.com"));
    assert_eq!(config.smtp_admin_email.as_deref(), Some(sender.as_str()));
    assert_eq!(config.rate_limit_email_sent, Some(100));

    // A list with bad rows invites nobody, and names every one.
    let team = w.engine.team();
    let preview = team
        .preview(
            &w.slug,
            "namn;e-post;roll\nKarin Ek;karin@kund.example.se;admin\nOlle;olle@;chef\nAdmin;ADMIN@kund.example.se;member\nKarin igen;karin@kund.example.se;viewer\n",
        )
        .await
        .unwrap();
    let named: Vec<(u32, Vec<ErrorCode>)> = preview
        .bad
        .iter()
        .map(|b| (b.line, b.problems.iter().map(|f| f.code).collect()))
        .collect();
    assert_eq!(
        named,
        vec![
            (3, vec![ErrorCode::EmailInvalid, ErrorCode::TeamRoleUnknown]),
            (4, vec![ErrorCode::TeamAlreadyInTeam]),
            (5, vec![ErrorCode::TeamDuplicateRow]),
        ],
        "the first admin is in the team already; every bad row is named"
    );
    let before = inventory(&w.sim).await["resend"]["emails"]
        .as_array()
        .unwrap()
        .len();

    // The corrected list: three people, each invited, each mailed from the agency.
    let preview = team
        .preview(
            &w.slug,
            "namn;e-post;roll\nKarin Ek;karin@kund.example.se;admin\nOlle Berg;olle@kund.example.se;medlem\nLisa;lisa@kund.example.se;läsare\n",
        )
        .await
        .unwrap();
    assert!(preview.bad.is_empty(), "{:?}", preview.bad);
    let report = team.invite(&w.slug, &preview.people, &quiet).await.unwrap();
    assert_eq!((report.invited, report.failed), (3, 0), "{report:?}");
    // Paced in the Resend team's budget (2 a second, the welcome email's turn included): no
    // invitation met the relay's refusal and was asked again. Five to look, three each.
    assert_eq!(report.calls, 5 + 3 * 3, "{report:?}");
    assert!(report
        .results
        .iter()
        .all(|r| r.outcome == InviteOutcome::Invited));
    let emails = inventory(&w.sim).await["resend"]["emails"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        emails.len(),
        before + 3,
        "one invitation each, through Resend"
    );
    for to in [
        "karin@kund.example.se",
        "olle@kund.example.se",
        "lisa@kund.example.se",
    ] {
        let mail = mails_to(&w.sim, to).await;
        assert_eq!(mail.len(), 1, "{to}");
        assert!(
            mail[0]["from"].as_str().unwrap().contains(&sender),
            "from the agency's sender: {}",
            mail[0]["from"]
        );
    }

    // In the instance's real PostgreSQL: their Auth users, and their profiles with the role.
    let mut pg = database(&w, &r).await;
    let rows = pg
        .query(
            "select u.email, u.role, u.status, u.organization_id::text from public.users u join auth.users a on a.id = u.id order by u.email",
            &[],
        )
        .await
        .unwrap();
    let rows: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|x| (x.get(0), x.get(1), x.get(2), x.get(3)))
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "admin@kund.example.se".into(),
                "owner".into(),
                "active".into(),
                c.uid.clone()
            ),
            (
                "karin@kund.example.se".into(),
                "admin".into(),
                "invited".into(),
                c.uid.clone()
            ),
            (
                "lisa@kund.example.se".into(),
                "viewer".into(),
                "invited".into(),
                c.uid.clone()
            ),
            (
                "olle@kund.example.se".into(),
                "member".into(),
                "invited".into(),
                c.uid.clone()
            ),
        ]
    );

    // Another tenant in the same database, written past RLS.
    pg.batch_execute(
        "insert into public.organizations (id, name, slug) values
           ('00000000-0000-4000-8000-0000000000bb', 'Annan Organisation', 'annan-team');
         insert into public.contacts (organization_id, first_name) values
           ('00000000-0000-4000-8000-0000000000bb', 'Hemlig');",
    )
    .await
    .unwrap();

    // Lisa accepts: her link's token gives a session; row-level security shows her the
    // customer's organization only, and her own profile as a viewer.
    let lisa = accept(&w, &r, &anon, "lisa@kund.example.se").await;
    assert_eq!(lisa["role"], "authenticated");
    let orgs = as_person(&mut pg, &lisa, "select id::text from public.organizations").await;
    assert_eq!(orgs, vec![c.uid.clone()], "exactly her own organization");
    let role = as_person(
        &mut pg,
        &lisa,
        "select role from public.users where id = auth.uid()",
    )
    .await;
    assert_eq!(role, vec!["viewer".to_string()]);
    let hidden = as_person(&mut pg, &lisa, "select first_name from public.contacts").await;
    assert!(
        hidden.is_empty(),
        "another organization's contact is invisible"
    );
    let listed = team.list(&w.slug).await.unwrap();
    let status = |e: &str| {
        listed
            .members
            .iter()
            .find(|m| m.email == e)
            .map(|m| (m.status, m.by_fabrik, m.first_admin))
    };
    assert!(listed.sends_as_agency);
    assert_eq!(
        status("lisa@kund.example.se"),
        Some((MemberStatus::Active, true, false))
    );
    assert_eq!(
        status("olle@kund.example.se"),
        Some((MemberStatus::Invited, true, false))
    );
    assert_eq!(
        status("admin@kund.example.se"),
        Some((MemberStatus::Active, true, true))
    );

    // Nobody is invited twice.
    let again = team
        .invite(
            &w.slug,
            &[person("OLLE@kund.example.se", "Olle", TeamRole::Member)],
            &quiet,
        )
        .await
        .unwrap_err();
    assert_eq!(why(&again), ErrorCode::TeamAlreadyInTeam);
    // Resent at once: refused before the instance is asked (its own limit is a minute).
    let soon = team
        .resend(&w.slug, "olle@kund.example.se")
        .await
        .unwrap_err();
    assert_eq!(code(&soon), ErrorCode::TeamResendTooSoon, "{soon}");
    // Accepted already: no invitation again.
    let accepted = team
        .resend(&w.slug, "lisa@kund.example.se")
        .await
        .unwrap_err();
    assert_eq!(code(&accepted), ErrorCode::TeamAlreadyAccepted);

    // Lisa adds a contact, then her access is revoked: she sees nothing, her row stays.
    {
        let tx = pg.transaction().await.unwrap();
        tx.batch_execute("set local role authenticated")
            .await
            .unwrap();
        tx.execute(
            "select set_config('request.jwt.claims', $1, true)",
            &[&lisa.to_string()],
        )
        .await
        .unwrap();
        tx.execute(
            "insert into public.contacts (organization_id, first_name) values ($1::text::uuid, 'Lisas kontakt')",
            &[&c.uid],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let revoked = team
        .revoke(&w.slug, "lisa@kund.example.se", None)
        .await
        .unwrap();
    assert_eq!(revoked.role, "viewer");
    let orgs = as_person(&mut pg, &lisa, "select id::text from public.organizations").await;
    assert!(orgs.is_empty(), "a revoked person's session opens nothing");
    let kept: i64 = pg
        .query_one(
            "select count(*) from public.contacts where first_name = 'Lisas kontakt'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(kept, 1, "what she made stays");
    let banned = w
        .engine
        .clients()
        .supabase
        .find_user(
            &r,
            &w.engine.clients().supabase.api_keys(&r).await.unwrap(),
            "lisa@kund.example.se",
        )
        .await
        .unwrap()
        .unwrap();
    assert!(banned.banned_until.is_some(), "she cannot sign in again");

    // An administrator is revoked only with the address typed; the first admin likewise.
    let karin = team
        .revoke(&w.slug, "karin@kund.example.se", None)
        .await
        .unwrap_err();
    assert_eq!(code(&karin), ErrorCode::TeamRevokeConfirm);
    let wrong = team
        .revoke(
            &w.slug,
            "karin@kund.example.se",
            Some("olle@kund.example.se"),
        )
        .await
        .unwrap_err();
    assert_eq!(code(&wrong), ErrorCode::TeamRevokeConfirm);
    let owner = team
        .revoke(&w.slug, "admin@kund.example.se", None)
        .await
        .unwrap_err();
    assert_eq!(code(&owner), ErrorCode::TeamRevokeConfirm);
    team.revoke(
        &w.slug,
        "karin@kund.example.se",
        Some("Karin@kund.example.se"),
    )
    .await
    .unwrap();

    // Someone the customer's own app added is not Fabrik's to change.
    apps_own(&w, &r, "egen@kund.example.se", "member").await;
    let not_ours = team
        .revoke(&w.slug, "egen@kund.example.se", None)
        .await
        .unwrap_err();
    assert_eq!(code(&not_ours), ErrorCode::TeamNotFabriks, "{not_ours}");
    let gone = team
        .revoke(&w.slug, "ingen@kund.example.se", None)
        .await
        .unwrap_err();
    assert_eq!(code(&gone), ErrorCode::TeamNotInTeam);

    // A revoked person invited again has their access back, without a new email.
    let mails = mails_to(&w.sim, "lisa@kund.example.se").await.len();
    let back = team
        .invite(
            &w.slug,
            &[person("lisa@kund.example.se", "Lisa", TeamRole::Member)],
            &quiet,
        )
        .await
        .unwrap();
    assert_eq!(back.results[0].outcome, InviteOutcome::Restored, "{back:?}");
    assert_eq!(mails_to(&w.sim, "lisa@kund.example.se").await.len(), mails);
    let orgs = as_person(&mut pg, &lisa, "select id::text from public.organizations").await;
    assert_eq!(orgs, vec![c.uid.clone()]);

    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// An instance delivered before provisioning set its mail sends with Supabase's built-in
/// mailer: invitations are refused (nobody made) until the `auth_mail` run, then they go.
/// One invitation the instance refuses names that person; the others are done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earlier_instance_sends_as_the_agency_after_its_run_and_a_failure_names_the_person() {
    let Some(w) = delivered("team-mail", "Tidigare Kund AB").await else {
        return;
    };
    let (r, _) = project(&w).await;
    // As delivered before issue #44: no SMTP of its own.
    auth_config(
        &w,
        &r,
        Some(json!({ "smtp_host": null, "smtp_user": null, "smtp_pass": null, "smtp_admin_email": null, "smtp_port": null, "rate_limit_email_sent": 2 })),
    )
    .await;
    let team = w.engine.team();
    let people = vec![
        person("a@kund.example.se", "A", TeamRole::Member),
        person("b@kund.example.se", "B", TeamRole::Member),
        person("c@kund.example.se", "C", TeamRole::Viewer),
    ];
    let refused = team.invite(&w.slug, &people, &quiet).await.unwrap_err();
    assert_eq!(code(&refused), ErrorCode::TeamMailNotAgency, "{refused}");
    let listed = team.list(&w.slug).await.unwrap();
    assert!(!listed.sends_as_agency);
    assert_eq!(
        listed.members.len(),
        1,
        "nobody was made: {:?}",
        listed.members
    );

    // The day-two run for instances delivered before.
    let state = w
        .engine
        .run(&w.slug, &RunRequest::AuthMail, Events::default().sink())
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    assert!(team.list(&w.slug).await.unwrap().sends_as_agency);

    // The instance refuses the second invitation (for good: a 400 is not asked again).
    fault(
        &w.sim,
        json!({ "method": "POST", "path": format!("/supabase-project/{r}/auth/v1/invite"), "status": 400, "one_in": 2, "times": 1 }),
    )
    .await;
    let told = std::sync::Mutex::new(Vec::new());
    let report = team
        .invite(&w.slug, &people, &|done, total, res| {
            told.lock().unwrap().push((done, total, res.email.clone()))
        })
        .await
        .unwrap();
    let outcomes: Vec<(String, InviteOutcome)> = report
        .results
        .iter()
        .map(|x| (x.email.clone(), x.outcome))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("a@kund.example.se".into(), InviteOutcome::Invited),
            ("b@kund.example.se".into(), InviteOutcome::Failed),
            ("c@kund.example.se".into(), InviteOutcome::Invited),
        ]
    );
    let problem = report.results[1].problem.clone().unwrap();
    assert!(problem.sv.contains("b@kund.example.se"), "{problem:?}");
    assert_eq!(told.lock().unwrap().len(), 3, "each person told as it came");
    assert!(mails_to(&w.sim, "b@kund.example.se").await.is_empty());
    let listed = team.list(&w.slug).await.unwrap();
    let b = listed
        .members
        .iter()
        .find(|m| m.email == "b@kund.example.se")
        .unwrap();
    assert_eq!(b.status, MemberStatus::Failed);
    assert!(b.problem.is_some());
    // Asked again, the failed one is invited; a relay busy for a moment (GoTrue's 500, which
    // makes nobody) is asked again after Resend's window.
    fault(
        &w.sim,
        json!({ "method": "POST", "path": format!("/supabase-project/{r}/auth/v1/invite"), "status": 500, "times": 1 }),
    )
    .await;
    let again = team.invite(&w.slug, &people[1..2], &quiet).await.unwrap();
    assert_eq!(
        again.results[0].outcome,
        InviteOutcome::Invited,
        "{again:?}"
    );
    assert_eq!(mails_to(&w.sim, "b@kund.example.se").await.len(), 1);
    assert_eq!(
        again.calls,
        5 + 2 + 2,
        "five to look, two invitations, marker and profile"
    );
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// A list larger than what the instance may still send this hour is refused whole, with the
/// numbers, before anyone is invited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_beyond_the_hourly_limit_invites_nobody() {
    let Some(w) = world("team-limit", "Timgräns AB").await else {
        return;
    };
    w.store.set_setting("team.emails_per_hour", "2").unwrap();
    let w = World {
        engine: engine(
            &w.sim,
            w.store.clone(),
            w.secrets.clone(),
            fabrik::provision::FailurePolicy::Rollback,
        ),
        ..w
    };
    let (_, state, events) = provision_logged(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let people: Vec<Invitee> = (0..3)
        .map(|i| person(&format!("p{i}@kund.example.se"), "P", TeamRole::Member))
        .collect();
    let refused = w
        .engine
        .team()
        .invite(&w.slug, &people, &quiet)
        .await
        .unwrap_err();
    assert_eq!(code(&refused), ErrorCode::TeamOverHourlyLimit, "{refused}");
    assert!(
        refused.to_string().contains("2 e-brev i timmen"),
        "{refused}"
    );
    for p in &people {
        assert!(mails_to(&w.sim, &p.email).await.is_empty());
    }
    let two = w
        .engine
        .team()
        .invite(&w.slug, &people[..2], &quiet)
        .await
        .unwrap();
    assert_eq!(two.invited, 2);
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// A crash between the instance's invitation and the register's record of it (the seat died
/// after GoTrue sent the mail) leaves the person `sending`. Invited again, Fabrik finds them by
/// their address, finishes them (marker, profile) and sends no second email.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_a_crash_interrupted_is_finished_without_a_second_email() {
    let Some(w) = delivered("team-crash", "Krasch AB").await else {
        return;
    };
    let (r, _) = project(&w).await;
    let c = w.store.get_customer(&w.slug).unwrap();
    // What the dead seat did: its row written `sending`, then the instance asked.
    w.store
        .begin_team_invite(
            c.id,
            fabrik::environment::Environment::Sandbox,
            "nina@kund.example.se",
            Some("Nina"),
            TeamRole::Member,
        )
        .unwrap();
    let keys = w.engine.clients().supabase.api_keys(&r).await.unwrap();
    w.engine
        .clients()
        .supabase
        .invite_user(
            &r,
            &keys,
            "nina@kund.example.se",
            &json!({ "full_name": "Nina" }),
        )
        .await
        .unwrap();
    assert_eq!(mails_to(&w.sim, "nina@kund.example.se").await.len(), 1);

    let report = w
        .engine
        .team()
        .invite(
            &w.slug,
            &[person("nina@kund.example.se", "Nina", TeamRole::Member)],
            &quiet,
        )
        .await
        .unwrap();
    assert_eq!(
        report.results[0].outcome,
        InviteOutcome::Again,
        "{report:?}"
    );
    assert_eq!(
        mails_to(&w.sim, "nina@kund.example.se").await.len(),
        1,
        "no second invitation"
    );
    let listed = w.engine.team().list(&w.slug).await.unwrap();
    let nina = listed
        .members
        .iter()
        .find(|m| m.email == "nina@kund.example.se")
        .unwrap();
    assert_eq!(
        (nina.status, nina.by_fabrik, nina.role.as_str()),
        (MemberStatus::Invited, true, "member")
    );
    // And she is Fabrik's now: revoking her needs no more than for any member.
    w.engine
        .team()
        .revoke(&w.slug, "nina@kund.example.se", None)
        .await
        .unwrap();
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

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
    let report = engine.team().invite(&slug, &people, &quiet).await.unwrap();
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
    let revoke = seen
        .team()
        .revoke(&slug, "olle@kund.example.se", None)
        .await
        .unwrap_err();
    let resend = seen
        .team()
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
    let refused = seen
        .team()
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
    let revoke = w
        .engine
        .team()
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
    let resend = w
        .engine
        .team()
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
    let listed = w.engine.team().list(&w.slug).await.unwrap();
    let chef = listed
        .members
        .iter()
        .find(|m| m.email == "chef@kund.example.se")
        .unwrap();
    assert!(!chef.by_fabrik && !chef.first_admin, "{chef:?}");
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// The Resend API keys of the account (the simulator's inventory): id, name, permission,
/// domain and the hash of the token.
async fn sending_keys(sim: &fabrik_sim::SimHandle) -> Vec<Value> {
    inventory(sim).await["resend"]["api_keys"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The project's Auth configuration, changed by `patch` first (as someone at the agency would,
/// through the Management API).
async fn auth_config(w: &World, r: &str, patch: Option<Value>) -> Value {
    let url = format!("{}/v1/projects/{r}/config/auth", w.sim.supabase_api_url());
    match patch {
        Some(p) => api(reqwest::Method::PATCH, url, Some(p)).await,
        None => api(reqwest::Method::GET, url, None).await,
    }
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
    assert_eq!(key["name"], format!("fabrik:{}", c.uid));
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
    let report = w
        .engine
        .team()
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
    let report = w
        .engine
        .team()
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
