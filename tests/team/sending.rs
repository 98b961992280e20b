//! Invitations going out: an earlier instance sends as the agency only after its run, a
//! failure names the person, a list beyond the hourly limit invites nobody, and an invitation
//! a crash interrupted is finished without a second email.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::team::rows::TeamRows;

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
    let team = Team::new(&w.engine);
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
    let refused = Team::new(&w.engine)
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
    let two = Team::new(&w.engine)
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

    let report = Team::new(&w.engine)
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
    let listed = Team::new(&w.engine).list(&w.slug).await.unwrap();
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
    Team::new(&w.engine)
        .revoke(&w.slug, "nina@kund.example.se", None)
        .await
        .unwrap();
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}
