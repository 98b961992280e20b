//! Tokens: saved in the real keyring, verified against fabrik-sim (valid, rejected, missing
//! scope, wrong organization or team, each with its own message), deleted; through the core
//! and through the CLI, with a sentinel token that must not appear anywhere afterwards.

use crate::common;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use fabrik::credentials::{CredentialState, Credentials};
use fabrik::providers::verify::VerifyState;
use fabrik::secrets::Provider;
use fabrik::store::Store;
use fabrik_sim::{SimConfig, SimHandle};

const NO_REPO_SCOPE: &str = "SENTINEL-token-without-repo-scope";

async fn sim_with_scopes() -> SimHandle {
    let mut tokens = fabrik_sim::Tokens::single(TOKEN);
    tokens.add_all(NO_REPO_SCOPE);
    let config = SimConfig {
        tokens,
        github_scopes: HashMap::from([(NO_REPO_SCOPE.to_string(), vec!["read:user".to_string()])]),
        ..SimConfig::default()
    };
    fabrik_sim::start(config).await.unwrap()
}

/// A seat with no folder: its own settings are the defaults.
fn seat() -> &'static fabrik::seat_settings::SeatSettings {
    static SEAT: std::sync::OnceLock<fabrik::seat_settings::SeatSettings> =
        std::sync::OnceLock::new();
    SEAT.get_or_init(Default::default)
}

fn creds<'a>(
    store: &'a Store,
    secrets: &'a fabrik::secrets::SecretStore,
    endpoints: &'a fabrik::providers::Endpoints,
) -> Credentials<'a> {
    Credentials {
        store,
        secrets,
        environment: "sandbox",
        endpoints: endpoints.clone(),
        overrides: &[],
        seat: seat(),
        timeout: Duration::from_secs(5),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_verification_outcome_has_its_own_message() {
    let Some(secrets) = keyring("verify") else {
        return;
    };
    fabrik::providers::install_crypto_provider();
    let sim = sim_with_scopes().await;
    let store = Store::open_in_memory().unwrap();
    for (k, v) in settings_for(&sim) {
        store.set_setting(k, &v).unwrap();
    }
    let endpoints = endpoints(&sim);
    let c = creds(&store, &secrets, &endpoints);

    // Gitea: the token works, but the backup repository is not there yet; it is named.
    c.save(Provider::Gitea, TOKEN).unwrap();
    let gitea = c.test(Provider::Gitea).await.unwrap().verification.unwrap();
    assert_eq!(gitea.state, VerifyState::WrongAccount);
    assert!(
        gitea.message.sv.contains("ops-hub/client-backups")
            && gitea.message.sv.contains("finns inte"),
        "{:?}",
        gitea.message
    );
    c.delete(Provider::Gitea).unwrap();
    let made = reqwest::Client::new()
        .post(format!("{}/__sim/gitea/repos", sim.base_url()))
        .json(&serde_json::json!({ "owner": "ops-hub", "name": "client-backups", "private": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status().as_u16(), 201);

    // Missing, then saved, then verified with the account it belongs to.
    for p in Provider::ALL {
        assert_eq!(c.status(p).unwrap().state, CredentialState::Missing);
        assert_eq!(
            c.save(p, &format!("  {TOKEN}\n")).unwrap().state,
            CredentialState::Saved,
            "{p}: surrounding whitespace is trimmed"
        );
        let s = c.test(p).await.unwrap();
        assert_eq!(
            s.state,
            CredentialState::Verified,
            "{p}: {:?}",
            s.verification
        );
    }
    let gh = c.status(Provider::Github).unwrap().verification.unwrap();
    assert_eq!(gh.account.as_deref(), Some("fabrik-agent"));
    assert!(c
        .status(Provider::Supabase)
        .unwrap()
        .verification
        .unwrap()
        .message
        .sv
        .contains("fabrik-sandbox"));

    let message = |s: fabrik::credentials::CredentialStatus| {
        let v = s.verification.unwrap();
        (v.state, v.message.sv)
    };
    // Rejected: a token the provider does not know.
    c.save(Provider::Vercel, "SENTINEL-unknown-token").unwrap();
    assert_eq!(
        message(c.test(Provider::Vercel).await.unwrap()),
        (VerifyState::Rejected, "Token avvisades (403)".to_string())
    );
    c.save(Provider::Github, "SENTINEL-unknown-token").unwrap();
    assert_eq!(
        message(c.test(Provider::Github).await.unwrap()),
        (VerifyState::Rejected, "Token avvisades (401)".to_string())
    );
    // Missing scope.
    c.save(Provider::Github, NO_REPO_SCOPE).unwrap();
    let s = c.test(Provider::Github).await.unwrap();
    assert_eq!(s.state, CredentialState::Problem);
    assert_eq!(
        message(s),
        (
            VerifyState::MissingScope,
            "Token saknar behörigheten repo".to_string()
        )
    );
    // Wrong organization and wrong team.
    c.save(Provider::Supabase, TOKEN).unwrap();
    store
        .set_setting("supabase.organization", "en-annan-byra")
        .unwrap();
    let (state, msg) = message(c.test(Provider::Supabase).await.unwrap());
    assert_eq!(state, VerifyState::WrongAccount);
    assert!(
        msg.contains("en-annan-byra") && msg.contains("fabrik-sandbox"),
        "{msg}"
    );
    c.save(Provider::Vercel, TOKEN).unwrap();
    store
        .set_setting("vercel.team_id", "team_finnsinte000000000000000")
        .unwrap();
    let (state, msg) = message(c.test(Provider::Vercel).await.unwrap());
    assert_eq!(state, VerifyState::WrongAccount);
    assert!(msg.contains("team_finnsinte"), "{msg}");
    // Bad input changes nothing.
    assert_eq!(
        c.save(Provider::N8n, "two words")
            .unwrap_err()
            .code()
            .as_str(),
        "invalid_token"
    );
    assert_eq!(
        c.save(Provider::N8n, "   ").unwrap_err().code().as_str(),
        "invalid_token"
    );
    assert_eq!(
        c.status(Provider::N8n).unwrap().state,
        CredentialState::Verified
    );

    for p in Provider::ALL {
        assert_eq!(c.delete(p).unwrap().state, CredentialState::Missing);
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_sets_tests_and_removes_without_leaking() {
    let Some(secrets) = keyring("cli-creds") else {
        return;
    };
    let sim = sim_with_scopes().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fabrik.sqlite3");
    {
        let store = Store::open(&db).unwrap();
        for (k, v) in settings_for(&sim) {
            store.set_setting(k, &v).unwrap();
        }
    }
    let fabrik = |args: &[&str], stdin: Option<&str>| {
        let mut c = Command::new(crate::common::fabrik_exe());
        c.args(args)
            .env("FABRIK_DB", &db)
            .env("FABRIK_ENVIRONMENT", "production")
            .env("FABRIK_GITHUB_API_URL", sim.github_api_url())
            .env("FABRIK_SUPABASE_API_URL", sim.supabase_api_url())
            .env("FABRIK_VERCEL_API_URL", sim.vercel_api_url())
            .env("FABRIK_RESEND_API_URL", sim.resend_api_url())
            .env_remove("FABRIK_GITHUB_TOKEN")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let mut all = String::new();
    let (ok, out) = fabrik(&["secrets", "set", "github"], Some(&format!("{TOKEN}\n")));
    assert!(ok, "{out}");
    assert!(out.contains("Sparad"), "{out}");
    all += &out;
    let (ok, out) = fabrik(&["secrets", "status"], None);
    assert!(
        ok && out.contains("GitHub") && out.contains("Sparad") && out.contains("Saknas"),
        "{out}"
    );
    all += &out;
    let (ok, out) = fabrik(&["secrets", "test", "github"], None);
    assert!(ok && out.contains("Verifierad som fabrik-agent"), "{out}");
    all += &out;
    // A token without `repo`: the test fails with the exact reason.
    let (_, out) = fabrik(&["secrets", "set", "github"], Some(NO_REPO_SCOPE));
    all += &out;
    let (ok, out) = fabrik(&["secrets", "test", "github"], None);
    assert!(
        !ok && out.contains("Token saknar behörigheten repo"),
        "{out}"
    );
    all += &out;
    let (ok, out) = fabrik(&["secrets", "rm", "github"], None);
    assert!(ok && out.contains("Saknas"), "{out}");
    all += &out;
    // Never from the command line: there is no argument to take a token.
    let (ok, _) = fabrik(&["secrets", "set", "github", TOKEN], None);
    assert!(!ok);
    assert!(secrets
        .get(&fabrik::secrets::SecretKey::Token(Provider::Github))
        .unwrap()
        .is_none());

    // The setup guide (#41), in the same keyring: a step per provider in the order of
    // Provider::ALL, each token pasted at its prompt; GitHub's first one lacks `repo` and is
    // refused by name, the second works; Gitea and Stripe (optional) are skipped with an empty line.
    let (_, out) = fabrik(&["setup", "--check"], None);
    assert!(out.contains("✗ GitHub: saknas — gör den på https://github.com/settings/tokens/new?scopes=repo,delete_repo"), "{out}");
    all += &out;
    let answers =
        format!("{NO_REPO_SCOPE}\n{TOKEN}\n{TOKEN}\n{TOKEN}\n{TOKEN}\n{RESEND_KEY}\n\n\n");
    let (ok, out) = fabrik(&["setup"], Some(&answers));
    assert!(ok, "{out}");
    for said in [
        "[1/7] GitHub — Skapar varje kunds privata repo",
        "    • repo: Skapa privata repon från mallen",
        "    • delete_repo (valfri):",
        "Finkornig token (på ägaren med mallrepot): https://github.com/settings/personal-access-tokens/new",
        "  ✗ Token saknar behörigheten repo",
        "  ✓ Verifierad som fabrik-agent",
        "[2/7] Supabase — ",
        "https://supabase.com/dashboard/account/tokens",
        "https://vercel.com/account/settings/tokens",
        "https://resend.com/api-keys",
        "[6/7] Gitea (valfri)",
        "[7/7] Stripe (valfri)",
        "✓ Stripe: valfri, inte angiven",
        "  Överhoppad: gör det senare med fabrik setup.",
        "✓ Gitea: valfri, inte angiven",
        "Allt är klart: varje token som krävs fungerar.",
    ] {
        assert!(out.contains(said), "{said:?} not in:\n{out}");
    }
    all += &out;
    // Again: every step is done, nothing is asked.
    let (ok, out) = fabrik(&["setup"], Some(""));
    assert!(ok && out.matches("  ✓ Klar: ").count() == 5, "{out}");
    all += &out;
    let (ok, out) = fabrik(&["setup", "--check", "--json"], None);
    assert!(ok, "{out}");
    // The JSON first (stdout), then whatever the log said (stderr).
    let checked: serde_json::Value = serde_json::Deserializer::from_str(&out)
        .into_iter()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(checked.as_array().unwrap().len(), 7);
    assert!(
        checked.as_array().unwrap().iter().all(|c| c["ok"] == true),
        "{out}"
    );
    all += &out;
    // One that stops working is named, and the check fails.
    let (_, out) = fabrik(&["secrets", "rm", "vercel"], None);
    all += &out;
    let (ok, out) = fabrik(&["setup", "--check"], None);
    assert!(!ok, "{out}");
    assert!(
        out.contains("✗ Vercel: saknas — gör den på https://vercel.com/account/settings/tokens"),
        "{out}"
    );
    assert!(
        out.contains("Inte klart: Vercel (kör fabrik setup)."),
        "{out}"
    );
    all += &out;
    for p in ["github", "supabase", "n8n", "resend"] {
        let (ok, out) = fabrik(&["secrets", "rm", p], None);
        assert!(ok, "{out}");
    }

    for sentinel in [TOKEN, NO_REPO_SCOPE] {
        assert!(!all.contains(sentinel), "the token was printed");
        for entry in std::fs::read_dir(dir.path())
            .unwrap()
            .chain(std::fs::read_dir(dir.path().join("logs")).unwrap())
        {
            let p = entry.unwrap().path();
            if p.is_file() {
                let bytes = std::fs::read(&p).unwrap();
                assert!(
                    !bytes
                        .windows(sentinel.len())
                        .any(|w| w == sentinel.as_bytes()),
                    "{sentinel} in {}",
                    p.display()
                );
            }
        }
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_email_goes_to_the_sender_address() {
    let Some(secrets) = keyring("test-email") else {
        return;
    };
    fabrik::providers::install_crypto_provider();
    let sim = sim_with_scopes().await;
    let store = Store::open_in_memory().unwrap();
    for (k, v) in settings_for(&sim) {
        store.set_setting(k, &v).unwrap();
    }
    let endpoints = endpoints(&sim);
    let c = creds(&store, &secrets, &endpoints);
    c.save(Provider::Resend, TOKEN).unwrap();
    let s = c.send_test_email().await.unwrap();
    assert_eq!(s.state, CredentialState::Verified, "{:?}", s.verification);
    let inv = inventory(&sim).await;
    let mail = &inv["resend"]["emails"][0];
    let sender = format!("valkommen@{}", sim.seed().resend_domain);
    assert_eq!(mail["to"], serde_json::json!([sender.clone()]));
    assert!(mail["subject"].as_str().unwrap().contains("Testmejl"));
    // A sender outside the verified domain is refused by Resend, and said so.
    store
        .set_setting("email.sender_address", "info@inte-verifierad.example")
        .unwrap();
    let s = c.send_test_email().await.unwrap();
    assert_eq!(s.state, CredentialState::Problem);
    assert!(s
        .verification
        .unwrap()
        .message
        .sv
        .starts_with("Testmejlet kunde inte skickas"));
    c.delete(Provider::Resend).unwrap();
    sim.shutdown().await;
}
