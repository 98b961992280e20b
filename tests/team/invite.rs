//! A list checked, invited and accepted (the person sees their own organization only), an
//! invitation again, and a person revoked while their rows stay; nobody Fabrik did not invite
//! is touched.

use super::*;
use fabrik::customer::rows::CustomerRows;

/// The refusal's code, or the first field's when it is a validation.
fn why(e: &Error) -> ErrorCode {
    match e {
        Error::Validation(f) => f[0].code,
        other => code(other),
    }
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
    let team = Team::new(&w.engine);
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
