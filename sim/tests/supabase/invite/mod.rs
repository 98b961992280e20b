//! Inviting a customer's team into their own Supabase (issue #44): `POST /invite` through the
//! agency's Resend over SMTP or the built-in mailer, its limits, `/verify` of the mailed link,
//! `/recover`'s per-address frequency, bans, and the mirror in PostgreSQL.

use super::auth_config::{patch_auth, resend_smtp};
use super::*;

use base64::Engine;
use fabrik_sim::SimHandle;

mod links;

/// A project with its keys and its Auth URL (`{project}/auth/v1`).
struct Proj {
    r: String,
    anon: String,
    service: String,
    auth: String,
}

async fn project(sim: &SimHandle, c: &reqwest::Client, name: &str) -> Proj {
    let base = sim.supabase_api_url();
    let r = create(c, &base, name).await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let keys = revealed_keys(c, &base, &r).await;
    let key = |name: &str| {
        keys.as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == name)
            .unwrap()["api_key"]
            .as_str()
            .unwrap()
            .to_string()
    };
    Proj {
        auth: format!("{}/auth/v1", sim.supabase_project_url(&r)),
        anon: key("anon"),
        service: key("service_role"),
        r,
    }
}

impl Proj {
    /// A request with the service role (what `/invite` and the admin routes need).
    fn admin(
        &self,
        c: &reqwest::Client,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        c.request(method, format!("{}{path}", self.auth))
            .header("apikey", &self.service)
            .bearer_auth(&self.service)
    }

    async fn invite(&self, c: &reqwest::Client, email: &str) -> (u16, Value) {
        let body = json!({"email": email, "data": {"company": "Acme AB"}});
        assert_request(Spec::Auth, "POST", "/invite", &body);
        let (s, _, v) = json_of(
            self.admin(c, reqwest::Method::POST, "/invite")
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        if s == 200 {
            assert_response(Spec::Auth, "POST", "/invite", 200, &v);
        }
        (s, v)
    }

    /// The public routes: the gateway's `apikey` (anon), no bearer.
    async fn public(&self, c: &reqwest::Client, path: &str, body: &Value) -> (u16, Value) {
        let (s, _, v) = json_of(
            c.post(format!("{}{path}", self.auth))
                .header("apikey", &self.anon)
                .json(body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        (s, v)
    }

    async fn verify(&self, c: &reqwest::Client, kind: &str, token_hash: &str) -> (u16, Value) {
        let body = json!({"type": kind, "token_hash": token_hash});
        assert_request(Spec::Auth, "POST", "/verify", &body);
        let (s, v) = self.public(c, "/verify", &body).await;
        if s == 200 {
            assert_response(Spec::Auth, "POST", "/verify", 200, &v);
        }
        (s, v)
    }

    async fn sign_in(&self, c: &reqwest::Client, email: &str, password: &str) -> (u16, Value) {
        self.public(
            c,
            "/token?grant_type=password",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    async fn users(&self, c: &reqwest::Client) -> Vec<Value> {
        let (_, _, v) = json_of(
            self.admin(c, reqwest::Method::GET, "/admin/users")
                .send()
                .await
                .unwrap(),
        )
        .await;
        v["users"].as_array().cloned().unwrap_or_default()
    }

    async fn put_user(&self, c: &reqwest::Client, id: &str, body: Value) -> (u16, Value) {
        let (s, _, v) = json_of(
            self.admin(c, reqwest::Method::PUT, &format!("/admin/users/{id}"))
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        (s, v)
    }
}

/// The one-time token of the `/verify` link in a mail body (`&` is `&amp;` in HTML).
fn link_token(html: &str) -> String {
    let start = html.find("/verify?token=").expect("a verify link") + "/verify?token=".len();
    html[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// A simulator where Resend's per-second limit does not get in the way.
async fn smtp_sim() -> SimHandle {
    sim_with(SimConfig {
        rate_limits: RateLimits {
            resend_per_second: 100,
            ..Default::default()
        },
        ..Default::default()
    })
    .await
}

async fn outbox(sim: &SimHandle, c: &reqwest::Client, r: &str) -> Vec<Value> {
    let (s, _, v) = json_of(
        c.get(format!(
            "{}/__sim/supabase/projects/{r}/auth/mail",
            sim.base_url()
        ))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    v["messages"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn an_invitation_through_resend_smtp_is_a_resend_mail_from_the_agency() {
    let sim = smtp_sim().await;
    let c = client();
    let p = project(&sim, &c, "invite-resend").await;
    let (s, v) = patch_auth(&c, &sim.supabase_api_url(), &p.r, &resend_smtp(), true).await;
    assert_eq!(s, 200, "{v}");

    let (s, user) = p.invite(&c, "Kund@Acme.se").await;
    assert_eq!(s, 200, "{user}");
    assert_eq!(user["email"], "kund@acme.se");
    assert!(user["invited_at"].is_string(), "{user}");
    assert!(user["confirmation_sent_at"].is_string());
    assert!(user.get("email_confirmed_at").is_none());
    assert_eq!(user["user_metadata"], json!({"company": "Acme AB"}));

    let mails = sim.resend_emails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let m = &mails[0];
    assert_eq!(m.from, "Fabrik Agency <team@sandbox.fabrik.test>");
    assert_eq!(m.to, vec!["kund@acme.se".to_string()]);
    assert_eq!(m.subject, "You have been invited");
    let html = m.html.clone().unwrap_or_default();
    assert!(
        html.contains(&format!("{}/verify?token=", p.auth)),
        "{html}"
    );
    assert!(
        html.contains("&amp;type=invite&amp;redirect_to=http://localhost:3000"),
        "{html}"
    );
    assert_eq!(link_token(&html).len(), 56);
    // Resend's own API knows the mail; the built-in outbox has nothing.
    let (s, _, got) = json_of(
        c.get(format!("{}/emails/{}", sim.resend_api_url(), m.id))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, got["from"].as_str()), (200, Some(m.from.as_str())));
    assert!(outbox(&sim, &c, &p.r).await.is_empty());
    assert!(sim.auth_mail(&p.r).is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn the_built_in_mailer_mails_only_the_team_and_stops_at_two_an_hour() {
    let team = ["a@agency.se", "b@agency.se", "c@agency.se"];
    let sim = sim_with(SimConfig {
        world: fabrik_sim::SeedConfig {
            supabase_org_members: team.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let c = client();
    let p = project(&sim, &c, "invite-builtin").await;

    // Someone outside the organization's team: refused, and nobody is left behind.
    let (s, v) = p.invite(&c, "kund@acme.se").await;
    assert_eq!(
        (s, v["error_code"].as_str()),
        (400, Some("email_address_not_authorized")),
        "{v}"
    );
    assert_eq!(
        v["msg"],
        "Email address \"kund@acme.se\" cannot be used as it is not authorized"
    );
    assert!(p.users(&c).await.is_empty());

    assert_eq!(p.invite(&c, team[0]).await.0, 200);
    assert_eq!(p.invite(&c, team[1]).await.0, 200);
    let (s, v) = p.invite(&c, team[2]).await;
    assert_eq!(s, 429, "{v}");
    assert_eq!(v["error_code"], "over_email_send_rate_limit");
    assert_eq!(v["msg"], "email rate limit exceeded");
    let emails: Vec<Value> = p
        .users(&c)
        .await
        .iter()
        .map(|u| u["email"].clone())
        .collect();
    assert_eq!(
        emails,
        vec![json!(team[0]), json!(team[1])],
        "the third was not kept"
    );

    let mails = outbox(&sim, &c, &p.r).await;
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[0]["to"], team[0]);
    assert_eq!(mails[0]["kind"], "invite");
    assert_eq!(
        mails[0]["from"],
        "Supabase Auth <noreply@mail.app.supabase.io>"
    );
    assert!(mails[0]["link"].as_str().unwrap().contains("type=invite"));
    assert!(
        sim.resend_emails().is_empty(),
        "the built-in mailer does not reach Resend"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn the_hourly_window_is_configurable_and_starts_again() {
    let sim = sim_with(SimConfig {
        rate_limits: RateLimits {
            supabase_auth_email_window_secs: 3,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let c = client();
    let p = project(&sim, &c, "invite-window").await;
    let member = "fabrik-agent@sandbox.fabrik.test";
    // Invitations to one unconfirmed user are sent again each time (no per-address wait).
    assert_eq!(p.invite(&c, member).await.0, 200);
    assert_eq!(p.invite(&c, member).await.0, 200);
    assert_eq!(p.invite(&c, member).await.0, 429);
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(p.invite(&c, member).await.0, 200);
    assert_eq!(sim.auth_mail(&p.r).len(), 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_failing_smtp_setup_is_a_500_and_leaves_no_user() {
    let sim = smtp_sim().await;
    let c = client();
    let base = sim.supabase_api_url();
    let p = project(&sim, &c, "invite-badsmtp").await;
    let (s, _, _) = json_of(
        c.post(format!("{}/__sim/foreign", sim.base_url()))
            .json(&json!({"kind": "resend_domain", "name": "pending.agency.se"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201);
    for (change, what) in [
        (json!({"smtp_pass": "re_not_a_key"}), "a wrong password"),
        (json!({"smtp_user": "apikey"}), "a wrong user"),
        (json!({"smtp_host": "smtp.sendgrid.net"}), "another host"),
        (
            json!({"smtp_port": "2525"}),
            "a port Resend does not listen on",
        ),
        (
            json!({"smtp_admin_email": "team@pending.agency.se"}),
            "an unverified sender domain",
        ),
    ] {
        let mut cfg = resend_smtp();
        for (k, v) in change.as_object().unwrap() {
            cfg[k] = v.clone();
        }
        let (s, v) = patch_auth(&c, &base, &p.r, &cfg, true).await;
        assert_eq!(s, 200, "{v}");
        let (s, v) = p.invite(&c, "kund@acme.se").await;
        assert_eq!(s, 500, "{what}: {v}");
        assert_eq!(
            (v["error_code"].as_str(), v["msg"].as_str()),
            (
                Some("unexpected_failure"),
                Some("Error sending invite email")
            ),
            "{what}"
        );
        assert!(
            p.users(&c).await.is_empty(),
            "{what}: the user is rolled back"
        );
    }
    assert!(sim.resend_emails().is_empty());
    assert!(sim.auth_mail(&p.r).is_empty());
    // Put right, the same address can be invited.
    patch_auth(&c, &base, &p.r, &resend_smtp(), true).await;
    assert_eq!(p.invite(&c, "kund@acme.se").await.0, 200);
    assert_eq!(p.users(&c).await.len(), 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn resends_count_against_resends_per_second_limit() {
    // Resend's default 2 requests a second apply to its SMTP relay too: a third invitation in
    // the same second fails like any other SMTP error.
    let sim = sim().await;
    let c = client();
    let p = project(&sim, &c, "invite-burst").await;
    patch_auth(&c, &sim.supabase_api_url(), &p.r, &resend_smtp(), true).await;
    let mut statuses = vec![];
    let started = std::time::Instant::now();
    for i in 0..3 {
        statuses.push(p.invite(&c, &format!("person{i}@acme.se")).await.0);
    }
    if started.elapsed() < Duration::from_millis(900) {
        assert_eq!(statuses, [200, 200, 500]);
    } else {
        // A slow machine crossed into the next second: each mail is still sent or refused.
        assert!(
            statuses.iter().all(|s| *s == 200 || *s == 500),
            "{statuses:?}"
        );
    }
    let sent = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(sim.resend_emails().len(), sent);
    assert_eq!(p.users(&c).await.len(), sent);
    sim.shutdown().await;
}

#[tokio::test]
async fn inviting_again_resends_until_confirmed_then_422() {
    let sim = smtp_sim().await;
    let c = client();
    let p = project(&sim, &c, "invite-again").await;
    patch_auth(&c, &sim.supabase_api_url(), &p.r, &resend_smtp(), true).await;

    let (s, first) = p.invite(&c, "kund@acme.se").await;
    assert_eq!(s, 200);
    let (s, again) = p.invite(&c, "kund@acme.se").await;
    assert_eq!(s, 200, "{again}");
    assert_eq!(again["id"], first["id"], "the same user");
    assert!(again["invited_at"].as_str() >= first["invited_at"].as_str());
    let mails = sim.resend_emails();
    assert_eq!(mails.len(), 2, "the invitation was sent again");
    let old = link_token(mails[0].html.as_deref().unwrap_or(""));
    let new = link_token(mails[1].html.as_deref().unwrap_or(""));
    assert_ne!(old, new);
    // Only the newest link works.
    let (s, v) = p.verify(&c, "invite", &old).await;
    assert_eq!(
        (s, v["error_code"].as_str()),
        (403, Some("otp_expired")),
        "{v}"
    );
    let (s, _) = p.verify(&c, "invite", &new).await;
    assert_eq!(s, 200);

    let (s, v) = p.invite(&c, "kund@acme.se").await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(
        v,
        json!({"code": 422, "error_code": "email_exists", "msg": "A user with this email address has already been registered"})
    );
    assert_eq!(sim.resend_emails().len(), 2, "no mail to a confirmed user");
    // Bad addresses are GoTrue's validation errors.
    let (s, v) = p.invite(&c, "not an address").await;
    assert_eq!(
        (s, v["error_code"].as_str()),
        (400, Some("validation_failed"))
    );
    let (s, v) = p.invite(&c, "").await;
    assert_eq!(
        (s, v["msg"].as_str()),
        (400, Some("An email address is required"))
    );
    // The service role is required, as for the admin routes.
    let s = c
        .post(format!("{}/invite", p.auth))
        .header("apikey", &p.anon)
        .bearer_auth(&p.anon)
        .json(&json!({"email": "x@acme.se"}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(s, 403);
    sim.shutdown().await;
}
