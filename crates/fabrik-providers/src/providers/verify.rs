//! "Testa anslutning": checks a token against its provider with read-only calls and says, in
//! Swedish, whether it works, for which account, or exactly what is wrong.

use crate::messages::{Say, Text};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::error::{ErrorKind, ProviderError};
use super::Endpoints;
use crate::secrets::{Provider, Secret};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VerifyState {
    Verified,
    /// The provider refused the token (401/403).
    Rejected,
    /// The token works but lacks a permission a run needs.
    MissingScope,
    /// The token works but does not see the configured organization or team.
    WrongAccount,
    /// The provider could not be reached, or answered with an error.
    Unreachable,
    /// Something the check needs (a URL, an organization) is not set.
    NotConfigured,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Verification {
    pub provider: Provider,
    pub state: VerifyState,
    /// Who the token belongs to (GitHub login, Supabase organizations, Vercel user).
    pub account: Option<String>,
    pub message: Text,
    /// Works, but with a caveat (e.g. no `delete_repo`: rollback cannot delete repositories).
    pub warnings: Vec<Text>,
}

/// What the checks compare against (from the settings).
pub struct Expectations<'a> {
    pub template: Option<&'a str>,
    pub supabase_org: Option<&'a str>,
    pub vercel_team_id: Option<&'a str>,
    /// Where workflow backups go (`backup.repository`, `owner/name`).
    pub backup_repository: Option<&'a str>,
    /// Production checks the format of Resend keys (`re_…`); the sandbox's are its own.
    pub strict_format: bool,
}

/// "… syns inte för token (den ser: a, b)": what the token sees instead of what it should.
fn seen(say: Say, name: &str, value: &str, seen: &[String]) -> Text {
    let list = seen.join(", ");
    let mut p = crate::messages::Params::new();
    p.insert(name.to_string(), value.to_string());
    let listed = if list.is_empty() {
        Say::NothingSeen.text()
    } else {
        Text::new(list.clone(), list)
    };
    crate::messages::param_text(&mut p, "seen", &listed);
    say.with(p)
}

fn result(
    provider: Provider,
    state: VerifyState,
    account: Option<String>,
    message: Text,
) -> Verification {
    Verification {
        provider,
        state,
        account,
        message,
        warnings: Vec::new(),
    }
}

fn from_error(provider: Provider, e: &ProviderError) -> Verification {
    match e.kind {
        ErrorKind::Unauthorized => result(
            provider,
            VerifyState::Rejected,
            None,
            crate::messages::Say::VerifyTokenWasRejected2
                .with(crate::messages::params! { "status" => e.status.unwrap_or(401) }),
        ),
        ErrorKind::Forbidden if e.code.as_deref() == Some("invalid_token") => result(
            provider,
            VerifyState::Rejected,
            None,
            crate::messages::Say::VerifyTokenWasRejected
                .with(crate::messages::params! { "status" => e.status.unwrap_or(403) }),
        ),
        ErrorKind::Forbidden => result(
            provider,
            VerifyState::Rejected,
            None,
            crate::messages::Say::VerifyTokenHasNoAccess
                .with(crate::messages::params! { "status" => e.status.unwrap_or(403) }),
        ),
        _ => result(
            provider,
            VerifyState::Unreachable,
            None,
            crate::messages::Say::VerifyCouldNotCheck
                .with(crate::messages::params! { "message" => e.message }),
        ),
    }
}

/// What a failed call says, in the words of a check ("the token was rejected", …).
pub(crate) fn problem_of(provider: Provider, e: &ProviderError) -> Text {
    from_error(provider, e).message
}

/// A token that stops working within this many days is warned about.
pub const EXPIRY_WARNING_DAYS: i64 = 7;

/// The key reads events; a secret key (`sk_`) works but may do anything, so a restricted one
/// that only reads is asked for.
pub(super) async fn stripe(
    token: &Secret,
    e: &Endpoints,
    timeout: std::time::Duration,
) -> Verification {
    let p = Provider::Stripe;
    let stripe = super::stripe::Stripe::new(&e.stripe_api, token.clone(), timeout);
    if let Err(err) = stripe.check().await {
        return from_error(p, &err);
    }
    let key = token.expose();
    let mode = if key.contains("_live_") {
        "live"
    } else {
        "test"
    };
    let params = crate::messages::params! { "mode" => mode };
    let mut v = result(
        p,
        VerifyState::Verified,
        None,
        Say::VerifyStripeReads.with(params.clone()),
    );
    if key.starts_with("sk_") {
        v.warnings.push(Say::VerifyStripeSecretKey.with(params));
    }
    v
}

pub(super) async fn github(
    token: &Secret,
    e: &Endpoints,
    expect: &Expectations<'_>,
    timeout: std::time::Duration,
) -> Verification {
    let p = Provider::Github;
    let gh = match super::github::Github::new(&e.github_api, token, timeout) {
        Ok(g) => g,
        Err(err) => {
            return result(
                p,
                VerifyState::NotConfigured,
                None,
                Text::new(err.message.clone(), err.message),
            )
        }
    };
    let user = match gh.user().await {
        Ok(u) => u,
        Err(err) => return from_error(p, &err),
    };
    let account = Some(user.login.clone());
    let expiry = user.expires.and_then(expiry_warning);
    let mut v = github_scopes(&gh, user, account, expect).await;
    v.warnings.extend(expiry);
    v
}

/// Whether a token that stops working at `at` is to be warned about now.
pub fn expires_soon(at: chrono::DateTime<chrono::Utc>) -> bool {
    at - chrono::Utc::now() <= chrono::Duration::days(EXPIRY_WARNING_DAYS)
}

/// GitHub tells when a token with an expiry stops working; a week ahead it is said.
fn expiry_warning(at: chrono::DateTime<chrono::Utc>) -> Option<Text> {
    expires_soon(at).then(|| {
        Say::VerifyTokenExpires.with(crate::messages::params! {
            "date" => at.format("%Y-%m-%d %H:%M UTC").to_string(),
            "url" => "https://github.com/settings/tokens"
        })
    })
}

async fn github_scopes(
    gh: &super::github::Github,
    user: super::github::User,
    account: Option<String>,
    expect: &Expectations<'_>,
) -> Verification {
    let p = Provider::Github;
    match &user.scopes {
        Some(scopes) => {
            if !scopes.iter().any(|s| s == "repo") {
                return result(
                    p,
                    VerifyState::MissingScope,
                    account,
                    crate::messages::Say::VerifyTokenLacksRepoScope.text(),
                );
            }
            let mut v = result(
                p,
                VerifyState::Verified,
                account,
                crate::messages::Say::VerifyVerified2
                    .with(crate::messages::params! { "login" => user.login }),
            );
            if !scopes.iter().any(|s| s == "delete_repo") {
                v.warnings
                    .push(crate::messages::Say::VerifyTokenLacksDeleteRepoScope.text());
            }
            v
        }
        // Fine-grained tokens have no scopes to list; what matters is the template.
        None => match expect.template.and_then(|t| t.split_once('/')) {
            Some((owner, repo)) => match gh.repo(owner, repo).await {
                Ok(Some(_)) => {
                    let mut v = result(
                        p,
                        VerifyState::Verified,
                        account,
                        crate::messages::Say::VerifyVerifiedAccessTemplateRepository.with(crate::messages::params! { "login" => user.login, "owner" => owner, "repo" => repo }),
                    );
                    v.warnings
                        .push(crate::messages::Say::VerifyFineGrainedTokenCannotList.text());
                    v
                }
                Ok(None) => result(
                    p,
                    VerifyState::MissingScope,
                    account,
                    crate::messages::Say::VerifyTokenHasNoAccessTemplate
                        .with(crate::messages::params! { "owner" => owner, "repo" => repo }),
                ),
                Err(err) => from_error(p, &err),
            },
            None => result(
                p,
                VerifyState::NotConfigured,
                account,
                crate::messages::Say::VerifySetTemplateRepositoryGithubTemplate.text(),
            ),
        },
    }
}

pub(super) async fn supabase(
    token: &Secret,
    e: &Endpoints,
    expect: &Expectations<'_>,
    timeout: std::time::Duration,
) -> Verification {
    let p = Provider::Supabase;
    let sb = super::supabase::Supabase::new(
        &e.supabase_api,
        &e.supabase_project_url,
        token.clone(),
        timeout,
    );
    let orgs = match sb.list_organizations().await {
        Ok(o) => o,
        Err(err) => return from_error(p, &err),
    };
    let names: Vec<String> = orgs.iter().map(|o| o.slug.clone()).collect();
    let account = Some(names.join(", "));
    match expect.supabase_org {
        Some(org) if !names.iter().any(|n| n == org) => {
            result(p, VerifyState::WrongAccount, account, {
                seen(Say::VerifyOrganizationNotVisible, "org", org, &names)
            })
        }
        Some(org) => result(
            p,
            VerifyState::Verified,
            account,
            crate::messages::Say::VerifyVerifiedSeesOrganization
                .with(crate::messages::params! { "org" => org }),
        ),
        None => result(
            p,
            VerifyState::Verified,
            account,
            crate::messages::Say::VerifyVerifiedSees
                .with(crate::messages::params! { "list" => names.join(", ") }),
        ),
    }
}

pub(super) async fn vercel(
    token: &Secret,
    e: &Endpoints,
    expect: &Expectations<'_>,
    timeout: std::time::Duration,
) -> Verification {
    let p = Provider::Vercel;
    let vc = super::vercel::Vercel::new(&e.vercel_api, token.clone(), None, timeout);
    let user = match vc.user().await {
        Ok(u) => u,
        Err(err) => return from_error(p, &err),
    };
    let account = Some(user.username.clone());
    if let Some(team) = expect.vercel_team_id {
        match vc.teams().await {
            Ok(teams) if teams.iter().any(|t| t.id == team) => {}
            Ok(teams) => {
                let slugs: Vec<String> = teams.iter().map(|t| t.slug.clone()).collect();
                let why = seen(Say::VerifyTeamNotVisible, "team", team, &slugs);
                return result(p, VerifyState::WrongAccount, account, why);
            }
            Err(err) => return from_error(p, &err),
        }
    }
    result(
        p,
        VerifyState::Verified,
        account,
        crate::messages::Say::VerifyVerified
            .with(crate::messages::params! { "username" => user.username }),
    )
}

pub(super) async fn n8n(
    token: &Secret,
    e: &Endpoints,
    timeout: std::time::Duration,
) -> Verification {
    let p = Provider::N8n;
    if e.n8n_api.is_empty() {
        return result(
            p,
            VerifyState::NotConfigured,
            None,
            crate::messages::Say::VerifySetN8nInstanceSAddress.text(),
        );
    }
    match super::n8n::N8n::new(&e.n8n_api, token.clone(), timeout)
        .list(1)
        .await
    {
        Ok(_) => result(
            p,
            VerifyState::Verified,
            Some(e.n8n_api.clone()),
            crate::messages::Say::VerifyVerifiedAgainst
                .with(crate::messages::params! { "n8n_api" => e.n8n_api }),
        ),
        Err(err) => from_error(p, &err),
    }
}

/// The token's user, then the backup repository: there, and writable by it.
pub(super) async fn gitea(
    token: &Secret,
    e: &Endpoints,
    expect: &Expectations<'_>,
    timeout: std::time::Duration,
) -> Verification {
    let p = Provider::Gitea;
    let not_set = |say: Say| result(p, VerifyState::NotConfigured, None, say.text());
    if e.gitea_api.is_empty() {
        return not_set(Say::VerifySetGiteaAddress);
    }
    let gitea = super::gitea::Gitea::new(&e.gitea_api, token.clone(), timeout);
    let login = match gitea.user().await {
        Ok(l) => l,
        Err(err) => return from_error(p, &err),
    };
    let Some(repository) = expect.backup_repository.filter(|r| !r.trim().is_empty()) else {
        return not_set(Say::VerifySetBackupRepository);
    };
    let params = crate::messages::params! { "login" => login, "repository" => repository };
    match gitea.repository(repository).await {
        Ok(None) => result(
            p,
            VerifyState::WrongAccount,
            Some(login.clone()),
            Say::VerifyBackupRepositoryMissing.with(params),
        ),
        Ok(Some(r)) if !r.permissions.as_ref().is_some_and(|p| p.push) => result(
            p,
            VerifyState::MissingScope,
            Some(login.clone()),
            Say::VerifyBackupRepositoryReadOnly.with(params),
        ),
        Ok(Some(_)) => result(
            p,
            VerifyState::Verified,
            Some(login.clone()),
            Say::VerifyBackupRepository.with(params),
        ),
        Err(err) => from_error(p, &err),
    }
}

pub(super) fn resend(token: &Secret, expect: &Expectations<'_>) -> Verification {
    let p = Provider::Resend;
    // Resend has no read-only endpoint for a sending key; the format is what can be checked
    // without sending (a test email is a separate, explicit action).
    if expect.strict_format && !token.expose().starts_with("re_") {
        return result(
            p,
            VerifyState::Rejected,
            None,
            crate::messages::Say::VerifyDoesNotLookLikeResend.text(),
        );
    }
    result(
        p,
        VerifyState::Verified,
        None,
        crate::messages::Say::VerifyFormatRightSendTestEmail.text(),
    )
}
