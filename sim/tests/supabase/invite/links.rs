//! What the mailed links lead to: `/recover`'s per-address frequency, `/verify` into one
//! session, bans, and the invited users' rows in PostgreSQL's `auth.users`.

use super::*;

#[tokio::test]
async fn recovery_mails_wait_smtp_max_frequency_per_address() {
    let sim = smtp_sim().await;
    let c = client();
    let p = project(&sim, &c, "recover-freq").await;
    patch_auth(&c, &sim.supabase_api_url(), &p.r, &resend_smtp(), true).await;
    assert_eq!(p.invite(&c, "kund@acme.se").await.0, 200);

    let (s, v) = p
        .public(&c, "/recover", &json!({"email": "kund@acme.se"}))
        .await;
    assert_eq!((s, v), (200, json!({})));
    let (s, v) = p
        .public(&c, "/recover", &json!({"email": "kund@acme.se"}))
        .await;
    assert_eq!(
        (s, v["error_code"].as_str()),
        (429, Some("over_email_send_rate_limit")),
        "{v}"
    );
    let msg = v["msg"].as_str().unwrap();
    let left: i64 = msg
        .trim_start_matches("For security purposes, you can only request this after ")
        .trim_end_matches(" seconds.")
        .parse()
        .unwrap_or_else(|_| panic!("{msg}"));
    assert!((55..=60).contains(&left), "{msg}");
    // Another address has its own wait; an unknown one is answered the same, without mail.
    let (s, _) = p
        .public(&c, "/recover", &json!({"email": "ingen@acme.se"}))
        .await;
    assert_eq!(s, 200);
    let subjects: Vec<String> = sim
        .resend_emails()
        .iter()
        .map(|m| m.subject.clone())
        .collect();
    assert_eq!(
        subjects,
        vec!["You have been invited", "Reset Your Password"]
    );

    // With the frequency at 0 there is no wait.
    patch_auth(
        &c,
        &sim.supabase_api_url(),
        &p.r,
        &json!({"smtp_max_frequency": 0}),
        true,
    )
    .await;
    let (s, _) = p
        .public(&c, "/recover", &json!({"email": "kund@acme.se"}))
        .await;
    assert_eq!(s, 200);
    // The recovery link signs in (and confirms the address).
    let mails = sim.resend_emails();
    let token = link_token(mails.last().and_then(|m| m.html.as_deref()).unwrap_or(""));
    let (s, v) = p.verify(&c, "recovery", &token).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["user"]["email_confirmed_at"].is_string());
    sim.shutdown().await;
}

#[tokio::test]
async fn the_mailed_link_gives_one_session_for_the_invited_user() {
    let sim = smtp_sim().await;
    let c = client();
    let p = project(&sim, &c, "invite-verify").await;
    patch_auth(&c, &sim.supabase_api_url(), &p.r, &resend_smtp(), true).await;
    let (_, user) = p.invite(&c, "kund@acme.se").await;
    let token = link_token(sim.resend_emails()[0].html.as_deref().unwrap_or(""));

    let (s, session) = p.verify(&c, "invite", &token).await;
    assert_eq!(s, 200, "{session}");
    let cl = claims(session["access_token"].as_str().unwrap());
    assert_eq!(cl["sub"], user["id"]);
    assert_eq!(cl["role"], "authenticated");
    assert_eq!(cl["email"], "kund@acme.se");
    assert_eq!(session["user"]["id"], user["id"]);
    assert!(session["user"]["email_confirmed_at"].is_string());
    assert!(session["user"]["last_sign_in_at"].is_string());
    assert_eq!(session["user"]["user_metadata"]["email_verified"], true);
    assert_eq!(session["user"]["user_metadata"]["company"], "Acme AB");

    // Spent: a second use is refused, as is a token that never was.
    let (s, v) = p.verify(&c, "invite", &token).await;
    assert_eq!(s, 403, "{v}");
    assert_eq!(v["error_code"], "otp_expired");
    assert_eq!(v["msg"], "Email link is invalid or has expired");
    let (s, _) = p.verify(&c, "invite", &"0".repeat(56)).await;
    assert_eq!(s, 403);
    let (s, v) = p.public(&c, "/verify", &json!({"type": "invite"})).await;
    assert_eq!(
        (s, v["error_code"].as_str()),
        (400, Some("validation_failed"))
    );

    // The user sets a password through the admin API and signs in with it.
    let (s, _) = p
        .put_user(
            &c,
            user["id"].as_str().unwrap(),
            json!({"password": "ett-långt-lösen"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, v) = p.sign_in(&c, "kund@acme.se", "ett-långt-lösen").await;
    assert_eq!(s, 200, "{v}");
    assert_response(Spec::Auth, "POST", "/token", 200, &v);

    // The link itself, as the browser opens it: 303 to the site with the session in the fragment.
    let (_, other) = p.invite(&c, "kollega@acme.se").await;
    let html = sim.resend_emails()[1].html.clone().unwrap_or_default();
    let start = html.find("href=\"").unwrap() + 6;
    let link = html[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirects.get(&link).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.starts_with("http://localhost:3000#access_token="),
        "{to}"
    );
    assert!(to.ends_with("&type=invite"), "{to}");
    let access = to
        .split("access_token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    assert_eq!(claims(access)["sub"], other["id"]);
    let again = no_redirects.get(&link).send().await.unwrap();
    let to = again.headers()["location"].to_str().unwrap().to_string();
    assert!(to.contains("error_code=otp_expired"), "{to}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_ban_blocks_sign_in_and_links_until_lifted() {
    let sim = smtp_sim().await;
    let c = client();
    let p = project(&sim, &c, "ban").await;
    patch_auth(&c, &sim.supabase_api_url(), &p.r, &resend_smtp(), true).await;
    let (s, _, admin) = json_of(
        p.admin(&c, reqwest::Method::POST, "/admin/users")
            .json(&json!({"email": "owner@acme.se", "password": "correct-horse", "email_confirm": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{admin}");
    let id = admin["id"].as_str().unwrap().to_string();

    let (s, v) = p.put_user(&c, &id, json!({"ban_duration": "1d"})).await;
    assert_eq!(
        (s, v["error_code"].as_str()),
        (400, Some("validation_failed"))
    );
    assert_eq!(
        v["msg"],
        "invalid format for ban duration: time: unknown unit \"d\" in duration \"1d\""
    );
    let (s, v) = p.put_user(&c, &id, json!({"ban_duration": 24})).await;
    assert_eq!((s, v["error_code"].as_str()), (400, Some("bad_json")));

    let (s, v) = p
        .put_user(
            &c,
            &id,
            json!({"ban_duration": "24h", "app_metadata": {"role": "owner"}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_component(Spec::Auth, "UserSchema", &v);
    let until = chrono::DateTime::parse_from_rfc3339(v["banned_until"].as_str().unwrap()).unwrap();
    let hours = (until.timestamp() - chrono::Utc::now().timestamp()) / 3600;
    assert!((23..=24).contains(&hours), "{until}");
    assert_eq!(v["app_metadata"]["role"], "owner");
    assert_eq!(
        v["app_metadata"]["provider"], "email",
        "app_metadata is merged"
    );
    let (s, v) = p.sign_in(&c, "owner@acme.se", "correct-horse").await;
    assert_eq!(
        (s, v["error_code"].as_str()),
        (400, Some("user_banned")),
        "{v}"
    );
    // Banned is said before the password is checked.
    let (s, v) = p.sign_in(&c, "owner@acme.se", "wrong").await;
    assert_eq!((s, v["error_code"].as_str()), (400, Some("user_banned")));

    // A banned invitee's link does not sign in either (GoTrue: 403).
    let (_, invited) = p.invite(&c, "kund@acme.se").await;
    let token = link_token(sim.resend_emails()[0].html.as_deref().unwrap_or(""));
    let (s, _) = p
        .put_user(
            &c,
            invited["id"].as_str().unwrap(),
            json!({"ban_duration": "876000h"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, v) = p.verify(&c, "invite", &token).await;
    assert_eq!(
        (s, v["error_code"].as_str()),
        (403, Some("user_banned")),
        "{v}"
    );

    // Lifted: sign-in works again, and `email_confirm` confirms an invitee by hand.
    let (s, v) = p.put_user(&c, &id, json!({"ban_duration": "none"})).await;
    assert_eq!(s, 200);
    assert!(v.get("banned_until").is_none(), "{v}");
    assert_eq!(p.sign_in(&c, "owner@acme.se", "correct-horse").await.0, 200);
    let (s, v) = p
        .put_user(
            &c,
            invited["id"].as_str().unwrap(),
            json!({"ban_duration": "none", "email_confirm": true}),
        )
        .await;
    assert_eq!(s, 200);
    assert!(v["email_confirmed_at"].is_string());
    let (s, _) = p.verify(&c, "invite", &token).await;
    assert_eq!(s, 403, "confirming spends the link");
    sim.shutdown().await;
}

#[tokio::test]
async fn invited_users_are_rows_of_auth_users_before_their_profile() {
    let (pg, sim) = super::pg_sim().await;
    let c = client();
    let base = sim.supabase_api_url();
    let p = project(&sim, &c, "invite-pg").await;
    let q = |sql: String| {
        let c = c.clone();
        let url = format!("{base}/v1/projects/{}/database/query", p.r);
        async move {
            json_of(
                c.post(url)
                    .bearer_auth(TOKEN)
                    .json(&json!({"query": sql}))
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    let (s, _, v) = q(
        "create table public.users (id uuid primary key references auth.users(id), name text)"
            .into(),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    // The built-in mailer: the seeded organization's member may be invited.
    let (s, user) = p.invite(&c, "fabrik-agent@sandbox.fabrik.test").await;
    assert_eq!(s, 200, "{user}");
    let id = user["id"].as_str().unwrap().to_string();
    let (s, _, v) = q(format!(
        "insert into public.users (id, name) values ('{id}', 'Ada')"
    ))
    .await;
    assert_eq!(s, 201, "the row is there for the foreign key: {v}");
    let row = || {
        q(format!("select invited_at is not null as invited, email_confirmed_at is not null as confirmed, banned_until is not null as banned from auth.users where id = '{id}'"))
    };
    let (_, _, v) = row().await;
    assert_eq!(
        v,
        json!([{"invited": true, "confirmed": false, "banned": false}])
    );

    let token = sim.auth_mail(&p.r)[0].token_hash.clone();
    assert_eq!(p.verify(&c, "invite", &token).await.0, 200);
    let (s, _) = p.put_user(&c, &id, json!({"ban_duration": "1h"})).await;
    assert_eq!(s, 200);
    let (_, _, v) = row().await;
    assert_eq!(
        v,
        json!([{"invited": true, "confirmed": true, "banned": true}])
    );
    drop(pg);
    sim.shutdown().await;
}
