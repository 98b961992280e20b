//! The setup guide against fabrik-sim: the choices it reads from each account (owners and
//! templates, organizations and regions, teams, domains), each unusable one with why, and a
//! GitHub token's expiry seen a week ahead; an expired one refused.

use crate::common;

use std::collections::HashMap;
use std::time::Duration;

use common::*;
use fabrik::providers::choices::{AccountChoices, ChoiceKind, ChoiceList};
use fabrik::providers::declared::{choices, verify};
use fabrik::providers::verify::{Expectations, VerifyState};
use fabrik::secrets::{Provider, Secret};
use fabrik_sim::SimConfig;

const SOON: &str = "SENTINEL-github-token-expiring-in-three-days";
const EXPIRED: &str = "SENTINEL-github-token-expired-yesterday";

fn expect<'a>(org: Option<&'a str>) -> Expectations<'a> {
    Expectations {
        template: None,
        supabase_org: org,
        vercel_team_id: None,
        backup_repository: None,
        strict_format: false,
    }
}

fn list<'a>(c: &'a AccountChoices, setting: &str) -> &'a ChoiceList {
    c.lists
        .iter()
        .find(|l| l.setting == setting)
        .unwrap_or_else(|| panic!("no list for {setting}: {c:?}"))
}

/// (value, usable, note in Swedish) of every choice.
fn seen(l: &ChoiceList) -> Vec<(String, bool, String)> {
    l.choices
        .iter()
        .map(|c| {
            let note = c.note.as_ref().map(|n| n.sv.clone()).unwrap_or_default();
            (c.value.clone(), c.usable, note)
        })
        .collect()
}

/// A simulator that accepts `TOKEN` everywhere, its addresses, the token, a call timeout.
async fn one_token_sim() -> (
    fabrik_sim::SimHandle,
    fabrik::providers::Endpoints,
    Secret,
    Duration,
) {
    fabrik::providers::install_crypto_provider();
    let sim = fabrik_sim::start(SimConfig {
        tokens: fabrik_sim::Tokens::single(TOKEN),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let e = endpoints(&sim);
    (
        sim,
        e,
        Secret::new(TOKEN.to_string()),
        Duration::from_secs(10),
    )
}

#[tokio::test]
async fn the_choices_come_from_the_accounts_each_unusable_one_with_why() {
    let (sim, e, token, t) = one_token_sim().await;
    let seed = sim.seed().clone();

    // A repository that is not a template, beside the template.
    let gh = fabrik::providers::github::Github::new(&e.github_api, &token, t).unwrap();
    let (owner, name) = seed.github_template.split_once('/').unwrap();
    gh.generate(owner, name, &seed.github_org, "kund-app", "a customer's")
        .await
        .unwrap();

    let github = choices(Provider::Github, &token, &e, &expect(None), t).await;
    assert_eq!(github.problem, None);
    let owners = seen(list(&github, "github.owner"));
    assert_eq!(
        owners.iter().map(|o| o.0.as_str()).collect::<Vec<_>>(),
        [seed.github_user.as_str(), seed.github_org.as_str()]
    );
    assert_eq!(owners[0].2, "ditt eget konto");
    let templates = seen(list(&github, "github.template"));
    assert_eq!(
        templates[0],
        (seed.github_template.clone(), true, String::new())
    );
    let other = format!("{}/kund-app", seed.github_org);
    let not = templates.iter().find(|t| t.0 == other).expect("listed");
    assert!(!not.1 && not.2.contains("inte ett mallrepo"), "{not:?}");

    // Supabase: the one organization, so its regions too; the one at capacity cannot be chosen.
    let supabase = choices(Provider::Supabase, &token, &e, &expect(None), t).await;
    assert_eq!(supabase.problem, None, "{supabase:?}");
    let orgs = seen(list(&supabase, "supabase.organization"));
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0].0, seed.supabase_org_slug);
    let regions = seen(list(&supabase, "supabase.region"));
    assert_eq!(regions.len(), 18);
    assert_eq!(
        regions[0],
        ("us-east-1".into(), true, "rekommenderad".into())
    );
    assert!(regions.iter().any(|r| r.0 == "eu-north-1" && r.1));
    let full = regions.iter().find(|r| !r.1).expect("one at capacity");
    assert!(full.2.contains("fullt"), "{full:?}");
    assert_eq!(regions.last().unwrap().0, full.0, "the unusable come last");

    // Vercel: the personal account, then the team, whose slug is set with its id.
    let vercel = choices(Provider::Vercel, &token, &e, &expect(None), t).await;
    let teams = list(&vercel, "vercel.team_id");
    assert_eq!(teams.choices[0].value, "");
    assert_eq!(teams.choices[1].value, seed.vercel_team_id);
    assert_eq!(teams.choices[1].also[0].setting, "vercel.team_slug");
    assert_eq!(teams.choices[1].also[0].value, seed.vercel_team_slug);

    // Resend: the verified domain, for an address on it.
    let resend = choices(Provider::Resend, &token, &e, &expect(None), t).await;
    let domains = list(&resend, "email.sender_address");
    assert_eq!(domains.kind, ChoiceKind::Domain);
    assert_eq!(
        seen(domains)[0],
        (seed.resend_domain.clone(), true, String::new())
    );

    // A token the provider refuses: nothing listed, the refusal said; typing stays possible.
    let wrong = Secret::new("SENTINEL-not-a-token".to_string());
    let refused = choices(Provider::Vercel, &wrong, &e, &expect(None), t).await;
    assert!(refused.lists.is_empty());
    assert!(
        refused.problem.as_ref().unwrap().sv.contains("avvisades"),
        "{refused:?}"
    );
    sim.shutdown().await;
}

/// #70: the teams list is read page by page (getTeams pages by `until`): a user in more teams
/// than one page holds is offered every one, the seed's oldest team included.
#[tokio::test]
async fn every_vercel_team_is_offered_whatever_the_pages() {
    let (sim, e, token, t) = one_token_sim().await;
    let seed = sim.seed().clone();
    let added = common::api(
        reqwest::Method::POST,
        format!("{}/__sim/vercel/teams", sim.base_url()),
        Some(serde_json::json!({"count": 130})),
    )
    .await;
    assert_eq!(added["teams"], 131, "{added}");
    let vercel = choices(Provider::Vercel, &token, &e, &expect(None), t).await;
    assert_eq!(vercel.problem, None, "{vercel:?}");
    let teams = list(&vercel, "vercel.team_id");
    // The personal account first, then every team.
    assert_eq!(teams.choices.len(), 1 + 131);
    assert!(teams.choices.iter().any(|c| c.value == seed.vercel_team_id));
    let log = common::api(
        reqwest::Method::GET,
        format!("{}/__sim/requests", sim.base_url()),
        None,
    )
    .await;
    let pages = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/vercel/v2/teams")
        .count();
    assert_eq!(pages, 2, "two pages of at most 100");
}

#[tokio::test]
async fn a_github_token_that_expires_within_a_week_is_warned_about_and_an_expired_one_refused() {
    fabrik::providers::install_crypto_provider();
    let now = chrono::Utc::now().timestamp_millis();
    let mut tokens = fabrik_sim::Tokens::single(TOKEN);
    tokens.add_all(SOON);
    tokens.add_all(EXPIRED);
    let sim = fabrik_sim::start(SimConfig {
        tokens,
        github_token_expiry: HashMap::from([
            (SOON.to_string(), now + 3 * 86_400_000),
            (EXPIRED.to_string(), now - 86_400_000),
            // Far ahead: nothing to say yet.
            (TOKEN.to_string(), now + 60 * 86_400_000),
        ]),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let e = endpoints(&sim);
    let t = Duration::from_secs(10);
    let check = |token: &str| {
        let token = Secret::new(token.to_string());
        let e = e.clone();
        async move { verify(Provider::Github, &token, &e, &expect(None), t).await }
    };

    let soon = check(SOON).await;
    assert_eq!(soon.state, VerifyState::Verified);
    let day = chrono::DateTime::from_timestamp_millis(now + 3 * 86_400_000)
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    let warned = soon
        .warnings
        .iter()
        .find(|w| w.sv.contains("slutar fungera"))
        .unwrap_or_else(|| panic!("no expiry warning: {soon:?}"));
    assert!(
        warned.sv.contains(&day) && warned.sv.contains("https://github.com/settings/tokens"),
        "{warned:?}"
    );
    assert!(warned.en.contains("stops working"), "{warned:?}");

    let far = check(TOKEN).await;
    assert_eq!(far.state, VerifyState::Verified);
    assert!(
        !far.warnings.iter().any(|w| w.sv.contains("slutar fungera")),
        "{far:?}"
    );

    let expired = check(EXPIRED).await;
    assert_eq!(expired.state, VerifyState::Rejected, "{expired:?}");
    sim.shutdown().await;
}

/// What the answers said, without a call: GitHub's budget and the token's expiry a week ahead
/// (Inställningar and the status bar read `rate_limits`); the health sweep's end says it by
/// notification and the alert email once, naming the token and where to renew it.
#[tokio::test]
async fn an_expiring_token_is_shown_with_the_budgets_and_emailed_once() {
    fabrik::providers::install_crypto_provider();
    let now = chrono::Utc::now().timestamp_millis();
    let mut config = SimConfig {
        tokens: fabrik_sim::Tokens::single(TOKEN),
        github_token_expiry: HashMap::from([(TOKEN.to_string(), now + 3 * 86_400_000)]),
        ..SimConfig::default()
    };
    config.tokens.resend.push(RESEND_KEY.into());
    let sim = fabrik_sim::start(config).await.unwrap();
    let store = std::sync::Arc::new(test_store());
    store
        .set_setting("alerts.email", "larm@byran.example.se")
        .unwrap();
    let secrets = fabrik::secrets::SecretStore::new("test-left");
    let engine = engine(
        &sim,
        store,
        secrets,
        fabrik::provision::FailurePolicy::Pause,
    );
    let env = fabrik::environment::Environment::Production;
    assert!(
        fabrik::setup::accounts_left::rate_limits(env)
            .providers
            .is_empty(),
        "nothing is known before an answer"
    );

    engine.clients().github.user().await.unwrap();
    engine
        .clients()
        .supabase
        .list_organizations()
        .await
        .unwrap();
    let limits = fabrik::setup::accounts_left::rate_limits(env);
    let github = limits
        .providers
        .iter()
        .find(|p| p.provider == Provider::Github)
        .unwrap_or_else(|| panic!("{limits:?}"));
    let core = &github.rates[0];
    assert_eq!((core.bucket.as_str(), core.limit), ("core", 5000));
    assert!(core.reported && core.remaining < 5000, "{core:?}");
    assert!(core.reset_in_secs <= 3600, "{core:?}");
    let warning = github.expiry_warning.as_ref().expect("warned a week ahead");
    assert!(
        warning.sv.starts_with("GitHub-token slutar fungera")
            && warning.sv.contains("https://github.com/settings/tokens"),
        "{warning:?}"
    );
    let supabase = limits
        .providers
        .iter()
        .find(|p| p.provider == Provider::Supabase)
        .unwrap();
    assert_eq!(supabase.rates[0].limit, 120);
    assert!(supabase.rates[0].reported);

    #[derive(Default)]
    struct Notices(std::sync::Mutex<Vec<String>>);
    impl fabrik::supervisor::host::RunHost for Notices {
        fn emit(&self, _: &fabrik::provision::RunEvent) {}
        fn notify(&self, title: &str, _: &str) {
            self.0.lock().unwrap().push(title.to_string());
        }
        fn sweep(&self, _: &fabrik::supervisor::host::Sweep) {}
    }
    let host = Notices::default();
    let alert = fabrik::supervisor::sweep::alert_expiring_tokens;
    assert_eq!(alert(&engine, &host).await.len(), 1);
    assert!(alert(&engine, &host).await.is_empty(), "said once");
    assert_eq!(
        *host.0.lock().unwrap(),
        ["GitHub-token slutar snart fungera"]
    );
    let inv = inventory(&sim).await;
    let emails: Vec<&serde_json::Value> = inv["resend"]["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["to"].to_string().contains("larm@byran.example.se"))
        .collect();
    assert_eq!(emails.len(), 1, "{emails:?}");
    assert!(emails[0]["text"]
        .as_str()
        .unwrap()
        .contains("https://github.com/settings/tokens"));
    sim.shutdown().await;
}

/// Gitea's step: the repositories the token can write to are the choices; the backup
/// repository the settings name, not there yet, is offered and made on the owner's word
/// (private, with a first commit), under the token's user or an organization.
#[tokio::test]
async fn the_backup_repository_is_chosen_from_gitea_or_made_when_missing() {
    let (sim, e, token, t) = one_token_sim().await;
    let org = sim.seed().github_org.clone();
    let wanted = format!("{org}/kund-backups");
    let mut expectations = expect(None);
    expectations.backup_repository = Some(&wanted);

    let before = choices(Provider::Gitea, &token, &e, &expectations, t).await;
    assert_eq!(before.problem, None, "{before:?}");
    let backups = list(&before, "backup.repository");
    assert!(backups.choices.is_empty(), "{backups:?}");
    assert_eq!(backups.create.as_deref(), Some(wanted.as_str()));

    let gitea = fabrik::providers::gitea::Gitea::new(&e.gitea_api, token.clone(), t);
    let made = gitea
        .create_repository(&wanted, "Fabrik: säkerhetskopior")
        .await
        .unwrap();
    assert_eq!(made.full_name, wanted);
    assert!(
        !made.empty,
        "a first commit, so there is a branch to write to"
    );
    let again = gitea.create_repository(&wanted, "x").await.unwrap_err();
    assert_eq!(
        again.kind,
        fabrik::providers::ErrorKind::Conflict,
        "{again:?}"
    );
    // The token's own user: its repository is made under /user/repos.
    let user = gitea.user().await.unwrap();
    let own = gitea
        .create_repository(&format!("{user}/egna-backups"), "x")
        .await
        .unwrap();
    assert_eq!(own.full_name, format!("{user}/egna-backups"));
    // An organization Gitea does not have is named as such.
    let nowhere = gitea
        .create_repository("finns-inte-org/backups", "x")
        .await
        .unwrap_err();
    assert_eq!(nowhere.kind, fabrik::providers::ErrorKind::NotFound);

    let after = choices(Provider::Gitea, &token, &e, &expectations, t).await;
    let backups = list(&after, "backup.repository");
    assert_eq!(backups.create, None);
    let values: Vec<&str> = backups.choices.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(
        values,
        [wanted.as_str(), format!("{user}/egna-backups").as_str()]
    );
    assert!(backups.choices.iter().all(|c| c.usable));
    let inv = inventory(&sim).await;
    let repo = inv["gitea"]["repos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["full_name"] == wanted.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("{inv}"));
    assert_eq!(repo["private"], true, "{repo}");
    sim.shutdown().await;
}

/// n8n's version: its public API has none; its metrics name it when they are on, and the
/// guide says how to turn them on when they are off.
#[tokio::test]
async fn the_n8n_version_comes_from_its_metrics_or_says_how_to_see_it() {
    fabrik::providers::install_crypto_provider();
    for (metrics, said) in [(true, "n8n version 1.97.1."), (false, "N8N_METRICS=true")] {
        let sim = fabrik_sim::start(SimConfig {
            tokens: fabrik_sim::Tokens::single(TOKEN),
            n8n_metrics: metrics,
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let e = endpoints(&sim);
        let token = Secret::new(TOKEN.to_string());
        let c = choices(
            Provider::N8n,
            &token,
            &e,
            &expect(None),
            Duration::from_secs(10),
        )
        .await;
        assert_eq!(c.problem, None);
        assert_eq!(c.about.len(), 1, "{c:?}");
        assert!(c.about[0].sv.contains(said), "{c:?}");
        sim.shutdown().await;
    }
}
