//! "Testa anslutning": checks a token against its provider with read-only calls and says, in
//! Swedish, whether it works, for which account, or exactly what is wrong.

use crate::messages::Text;
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
    /// Production checks the format of Resend keys (`re_…`); the sandbox's are its own.
    pub strict_format: bool,
}

fn tx(sv: impl Into<String>, en: impl Into<String>) -> Text {
    Text::new(sv, en)
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
            tx(
                format!("Token avvisades ({})", e.status.unwrap_or(401)),
                format!("The token was rejected ({})", e.status.unwrap_or(401)),
            ),
        ),
        ErrorKind::Forbidden if e.code.as_deref() == Some("invalid_token") => result(
            provider,
            VerifyState::Rejected,
            None,
            tx(
                format!("Token avvisades ({})", e.status.unwrap_or(403)),
                format!("The token was rejected ({})", e.status.unwrap_or(403)),
            ),
        ),
        ErrorKind::Forbidden => result(
            provider,
            VerifyState::Rejected,
            None,
            tx(
                format!("Token saknar åtkomst ({})", e.status.unwrap_or(403)),
                format!("The token has no access ({})", e.status.unwrap_or(403)),
            ),
        ),
        _ => result(
            provider,
            VerifyState::Unreachable,
            None,
            tx(
                format!("Kunde inte kontrollera: {}", e.message),
                format!("Could not check: {}", e.message),
            ),
        ),
    }
}

pub async fn verify(
    provider: Provider,
    token: &Secret,
    endpoints: &Endpoints,
    expect: &Expectations<'_>,
    timeout: std::time::Duration,
) -> Verification {
    match provider {
        Provider::Github => github(token, endpoints, expect, timeout).await,
        Provider::Supabase => supabase(token, endpoints, expect, timeout).await,
        Provider::Vercel => vercel(token, endpoints, expect, timeout).await,
        Provider::N8n => n8n(token, endpoints, timeout).await,
        Provider::Resend => resend(token, expect),
    }
}

async fn github(
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
                tx(err.message.clone(), err.message),
            )
        }
    };
    let user = match gh.user().await {
        Ok(u) => u,
        Err(err) => return from_error(p, &err),
    };
    let account = Some(user.login.clone());
    match &user.scopes {
        Some(scopes) => {
            if !scopes.iter().any(|s| s == "repo") {
                return result(
                    p,
                    VerifyState::MissingScope,
                    account,
                    tx("Token saknar behörigheten repo", "The token lacks the repo scope"),
                );
            }
            let mut v = result(
                p,
                VerifyState::Verified,
                account,
                tx(format!("Verifierad som {}", user.login), format!("Verified as {}", user.login)),
            );
            if !scopes.iter().any(|s| s == "delete_repo") {
                v.warnings.push(tx("Token saknar behörigheten delete_repo: en återställning kan inte ta bort repon", "The token lacks the delete_repo scope: a rollback cannot delete repositories"));
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
                        tx(
                            format!("Verifierad som {}; åtkomst till mallrepot {owner}/{repo}", user.login),
                            format!("Verified as {}; access to the template repository {owner}/{repo}", user.login),
                        ),
                    );
                    v.warnings.push(tx("Finkorniga token kan inte lista sina behörigheter; kontrollera att den får skapa och ta bort repon", "A fine-grained token cannot list its permissions; check that it may create and delete repositories"));
                    v
                }
                Ok(None) => result(
                    p,
                    VerifyState::MissingScope,
                    account,
                    tx(format!("Token saknar åtkomst till mallrepot {owner}/{repo}"), format!("The token has no access to the template repository {owner}/{repo}")),
                ),
                Err(err) => from_error(p, &err),
            },
            None => result(
                p,
                VerifyState::NotConfigured,
                account,
                tx("Ställ in mallrepot (github.template) för att kunna kontrollera en finkornig token", "Set the template repository (github.template) to check a fine-grained token"),
            ),
        },
    }
}

async fn supabase(
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
                let seen = names.join(", ");
                tx(
                    format!(
                        "Organisationen {org} syns inte för token (den ser: {})",
                        if seen.is_empty() { "inga" } else { &seen }
                    ),
                    format!(
                        "The organization {org} is not visible to the token (it sees: {})",
                        if seen.is_empty() { "none" } else { &seen }
                    ),
                )
            })
        }
        Some(org) => result(
            p,
            VerifyState::Verified,
            account,
            tx(
                format!("Verifierad; ser organisationen {org}"),
                format!("Verified; sees the organization {org}"),
            ),
        ),
        None => result(
            p,
            VerifyState::Verified,
            account,
            tx(
                format!("Verifierad; ser {}", names.join(", ")),
                format!("Verified; sees {}", names.join(", ")),
            ),
        ),
    }
}

async fn vercel(
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
                let seen: Vec<String> = teams.iter().map(|t| t.slug.clone()).collect();
                return result(p, VerifyState::WrongAccount, account, {
                    let seen = seen.join(", ");
                    tx(
                        format!(
                            "Teamet {team} syns inte för token (den ser: {})",
                            if seen.is_empty() { "inga" } else { &seen }
                        ),
                        format!(
                            "The team {team} is not visible to the token (it sees: {})",
                            if seen.is_empty() { "none" } else { &seen }
                        ),
                    )
                });
            }
            Err(err) => return from_error(p, &err),
        }
    }
    result(
        p,
        VerifyState::Verified,
        account,
        tx(
            format!("Verifierad som {}", user.username),
            format!("Verified as {}", user.username),
        ),
    )
}

async fn n8n(token: &Secret, e: &Endpoints, timeout: std::time::Duration) -> Verification {
    let p = Provider::N8n;
    if e.n8n_api.is_empty() {
        return result(
            p,
            VerifyState::NotConfigured,
            None,
            tx(
                "Ställ in n8n-instansens adress (n8n.api_url)",
                "Set the n8n instance's address (n8n.api_url)",
            ),
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
            tx(
                format!("Verifierad mot {}", e.n8n_api),
                format!("Verified against {}", e.n8n_api),
            ),
        ),
        Err(err) => from_error(p, &err),
    }
}

fn resend(token: &Secret, expect: &Expectations<'_>) -> Verification {
    let p = Provider::Resend;
    // Resend has no read-only endpoint for a sending key; the format is what can be checked
    // without sending (a test email is a separate, explicit action).
    if expect.strict_format && !token.expose().starts_with("re_") {
        return result(
            p,
            VerifyState::Rejected,
            None,
            tx(
                "Ser inte ut som en API-nyckel från Resend (de börjar med re_)",
                "Does not look like a Resend API key (they start with re_)",
            ),
        );
    }
    result(
        p,
        VerifyState::Verified,
        None,
        tx(
            "Formatet stämmer; skicka ett testmejl för att prova nyckeln",
            "The format is right; send a test email to try the key",
        ),
    )
}
