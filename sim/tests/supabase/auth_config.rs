//! The Management API's Auth settings (`GET`/`PATCH /v1/projects/{ref}/config/auth`): a new
//! project's defaults, validation by the description, custom SMTP and the hidden password.

use super::*;

/// Resend's SMTP relay as the agency sets it up for a customer's project.
pub(super) fn resend_smtp() -> Value {
    json!({
        "smtp_host": "smtp.resend.com",
        "smtp_port": "465",
        "smtp_user": "resend",
        "smtp_pass": TOKEN,
        "smtp_admin_email": "team@sandbox.fabrik.test",
        "smtp_sender_name": "Fabrik Agency",
    })
}

/// `PATCH …/config/auth` (the body checked against `UpdateAuthConfigBody` when `valid`).
pub(super) async fn patch_auth(
    c: &reqwest::Client,
    base: &str,
    r: &str,
    body: &Value,
    valid: bool,
) -> (u16, Value) {
    if valid {
        assert_request(
            Spec::Supabase,
            "PATCH",
            "/v1/projects/{ref}/config/auth",
            body,
        );
    }
    let (s, _, v) = json_of(
        c.patch(format!("{base}/v1/projects/{r}/config/auth"))
            .bearer_auth(TOKEN)
            .json(body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    (s, v)
}

async fn get_auth(c: &reqwest::Client, base: &str, r: &str) -> (u16, Value) {
    let (s, _, v) = json_of(
        c.get(format!("{base}/v1/projects/{r}/config/auth"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    (s, v)
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn auth_config_defaults_validation_and_a_password_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("world.json");
    let cfg = SimConfig {
        state_file: Some(state.clone()),
        ..Default::default()
    };
    let sim = sim_with(cfg.clone()).await;
    let base = sim.supabase_api_url();
    let c = client();
    let r = create(&c, &base, "authcfg").await["ref"]
        .as_str()
        .unwrap()
        .to_string();

    // A new project: the built-in mailer, 2 mails an hour, 60 s between mails to one address.
    let (s, v) = get_auth(&c, &base, &r).await;
    assert_eq!(s, 200, "{v}");
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/projects/{ref}/config/auth",
        200,
        &v,
    );
    for k in [
        "smtp_host",
        "smtp_port",
        "smtp_user",
        "smtp_pass",
        "smtp_admin_email",
        "smtp_sender_name",
    ] {
        assert!(v[k].is_null(), "{k}: {}", v[k]);
    }
    assert_eq!(v["rate_limit_email_sent"], 2);
    assert_eq!(v["smtp_max_frequency"], 60);
    assert_eq!(v["site_url"], "http://localhost:3000");
    assert_eq!(v["external_email_enabled"], true);
    assert_eq!(v["mailer_autoconfirm"], false);

    // The same checks as the other project routes.
    let (s, _) = get_auth(&c, &base, "abcdefghijklmnopqrst").await;
    assert_eq!(s, 404);
    let s = c
        .get(format!("{base}/v1/projects/{r}/config/auth"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(s, 401);

    // Types, ranges, formats and patterns of `UpdateAuthConfigBody`: 400 naming the field.
    for (body, says) in [
        (json!({"smtp_port": 465}), "smtp_port must be a string"),
        (
            json!({"smtp_max_frequency": 40000}),
            "smtp_max_frequency must not be greater than 32767",
        ),
        (
            json!({"smtp_max_frequency": "60"}),
            "smtp_max_frequency must be an integer number",
        ),
        (
            json!({"rate_limit_email_sent": 0}),
            "rate_limit_email_sent must not be less than 1",
        ),
        (
            json!({"smtp_admin_email": "not-an-address"}),
            "smtp_admin_email must be an email",
        ),
        (
            json!({"site_url": "https://a.se,https://b.se"}),
            "site_url must match /^[^,]+$/ regular expression",
        ),
        (
            json!({"mailer_autoconfirm": "yes"}),
            "mailer_autoconfirm must be a boolean value",
        ),
        (
            json!({"smtp_host": "smtp.resend.com", "smtp_password": "x"}),
            "property smtp_password should not exist",
        ),
    ] {
        let (s, v) = patch_auth(&c, &base, &r, &body, false).await;
        assert_eq!((s, v["message"].as_str()), (400, Some(says)), "{body}");
    }
    let (_, unchanged) = get_auth(&c, &base, &r).await;
    assert!(
        unchanged["smtp_host"].is_null(),
        "a refused PATCH changes nothing"
    );

    // Custom SMTP on: the whole config back, the password only as its SHA-256, and the email
    // limit raised to 30 as Supabase does when custom SMTP is switched on.
    let (s, v) = patch_auth(&c, &base, &r, &resend_smtp(), true).await;
    assert_eq!(s, 200, "{v}");
    assert_response(
        Spec::Supabase,
        "PATCH",
        "/v1/projects/{ref}/config/auth",
        200,
        &v,
    );
    assert_eq!(v["smtp_host"], "smtp.resend.com");
    assert_eq!(v["smtp_port"], "465");
    assert_eq!(v["smtp_pass"], sha256_hex(TOKEN));
    assert_eq!(v["rate_limit_email_sent"], 30);
    assert!(
        !v.to_string().contains(TOKEN),
        "the password is never echoed"
    );
    let (_, v) = get_auth(&c, &base, &r).await;
    assert_eq!(v["smtp_pass"], sha256_hex(TOKEN));
    assert!(!v.to_string().contains(TOKEN));
    // Nor logged, nor saved.
    let (_, _, log) = json_of(
        c.get(format!("{}/__sim/requests", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        !log.to_string().contains(TOKEN),
        "request log masks smtp_pass"
    );
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains(&sha256_hex(TOKEN)));
    assert!(
        !saved.contains(&format!("\"{TOKEN}\"")),
        "the state file has no password"
    );

    // A limit named in the PATCH wins; a later PATCH leaves SMTP as it is.
    let (s, v) = patch_auth(
        &c,
        &base,
        &r,
        &json!({"rate_limit_email_sent": 100, "smtp_max_frequency": 5, "mailer_subjects_invite": "Välkommen"}),
        true,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (
            v["rate_limit_email_sent"].clone(),
            v["smtp_max_frequency"].clone()
        ),
        (json!(100), json!(5))
    );
    assert_eq!(v["smtp_host"], "smtp.resend.com");
    sim.shutdown().await;

    // The settings are part of the saved world.
    let sim = sim_with(cfg).await;
    let (s, v) = get_auth(&c, &sim.supabase_api_url(), &r).await;
    assert_eq!(s, 200);
    assert_eq!(v["smtp_pass"], sha256_hex(TOKEN));
    assert_eq!(v["mailer_subjects_invite"], "Välkommen");
    // SMTP off again: back to the built-in mailer's limit.
    let (_, v) = patch_auth(
        &c,
        &sim.supabase_api_url(),
        &r,
        &json!({"smtp_host": null}),
        true,
    )
    .await;
    assert_eq!(v["rate_limit_email_sent"], 2);
    sim.shutdown().await;
}
