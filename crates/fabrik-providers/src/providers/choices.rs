//! The setup guide's choices, read from the account a token opens rather than typed: GitHub's
//! owners and template repositories, Supabase's organizations and regions, Vercel's teams and
//! Resend's sending domains. Each choice says whether it can be used and, when not, why (a
//! repository that is not a template, a domain not verified, a region at capacity). What an
//! API cannot list stays typed in the guide.

use serde::Serialize;
use ts_rs::TS;

use super::error::{ErrorKind, ProviderError};
use super::verify::{problem_of, Expectations};
use super::Endpoints;
use crate::messages::{params, Say, Text};
use crate::secrets::{Provider, Secret};

/// Pages of 100 repositories read for the owners and templates (300 repositories).
const REPO_PAGES: u32 = 3;

/// A setting a choice sets as well (a Vercel team's slug with its id).
#[derive(Debug, Clone, Serialize, TS)]
pub struct Also {
    pub setting: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// Why it cannot be chosen, or what to know about it ("recommended").
    pub note: Option<Text>,
    pub usable: bool,
    pub also: Vec<Also>,
}

/// How a list fills its setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceKind {
    /// The chosen value is the setting.
    Value,
    /// The chosen value is a domain: the setting is an address on it (`name@domain`).
    Domain,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ChoiceList {
    /// The setting a choice sets (`github.template`).
    pub setting: String,
    pub kind: ChoiceKind,
    pub choices: Vec<Choice>,
    /// The setting's value, which does not exist yet and Fabrik can make on the owner's word
    /// (the backup repository: `create_backup_repository`).
    pub create: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AccountChoices {
    pub provider: Provider,
    pub lists: Vec<ChoiceList>,
    /// Why nothing (or not everything) could be read: the settings stay typed.
    pub problem: Option<Text>,
    /// What else the account says about itself (the n8n instance's version).
    pub about: Vec<Text>,
}

fn choice(value: impl Into<String>, label: impl Into<String>) -> Choice {
    Choice {
        value: value.into(),
        label: label.into(),
        note: None,
        usable: true,
        also: Vec::new(),
    }
}

fn list(setting: &str, kind: ChoiceKind, choices: Vec<Choice>) -> ChoiceList {
    ChoiceList {
        setting: setting.into(),
        kind,
        choices,
        create: None,
    }
}

fn read(provider: Provider, lists: Vec<ChoiceList>) -> AccountChoices {
    AccountChoices {
        provider,
        lists,
        problem: None,
        about: Vec::new(),
    }
}

fn failed(provider: Provider, e: &ProviderError) -> AccountChoices {
    AccountChoices {
        provider,
        lists: Vec::new(),
        problem: Some(problem_of(provider, e)),
        about: Vec::new(),
    }
}

pub(super) async fn stripe(
    token: &Secret,
    e: &Endpoints,
    timeout: std::time::Duration,
) -> AccountChoices {
    let s = super::stripe::Stripe::new(&e.stripe_api, token.clone(), timeout);
    match s.prices().await {
        Ok(prices) => {
            let mut c = read(Provider::Stripe, Vec::new());
            c.about = prices
                .into_iter()
                .map(|p| {
                    Say::ChoiceStripePrice.with(params! {
                        "label" => p.label, "price" => p.price, "product" => p.product,
                    })
                })
                .collect();
            c
        }
        Err(err) => failed(Provider::Stripe, &err),
    }
}

/// The token's user and the organizations it can write in, then the repositories it sees:
/// templates first, the others listed as not usable (a repository becomes a template in its
/// settings, "Template repository").
pub(super) async fn github(
    token: &Secret,
    e: &Endpoints,
    timeout: std::time::Duration,
) -> AccountChoices {
    let p = Provider::Github;
    let gh = match super::github::Github::new(&e.github_api, token, timeout) {
        Ok(g) => g,
        Err(err) => return failed(p, &err),
    };
    let user = match gh.user().await {
        Ok(u) => u,
        Err(err) => return failed(p, &err),
    };
    let repos = match gh.my_repos(REPO_PAGES).await {
        Ok(r) => r,
        Err(err) => return failed(p, &err),
    };
    let mut owners = vec![{
        let mut c = choice(&user.login, &user.login);
        c.note = Some(Say::ChoiceYourAccount.text());
        c
    }];
    for r in &repos {
        let org = r.owner.kind.as_deref() == Some("Organization");
        let writes = r.permissions.as_ref().is_some_and(|p| p.admin || p.push);
        if org && writes && !owners.iter().any(|o| o.value == r.owner.login) {
            owners.push(choice(&r.owner.login, &r.owner.login));
        }
    }
    let mut templates: Vec<Choice> = repos
        .iter()
        .filter(|r| !r.archived)
        .map(|r| {
            let mut c = choice(&r.full_name, &r.full_name);
            if !r.is_template {
                c.usable = false;
                c.note = Some(Say::ChoiceNotTemplate.text());
            }
            c
        })
        .collect();
    templates.sort_by_key(|c| !c.usable);
    read(
        p,
        vec![
            list("github.owner", ChoiceKind::Value, owners),
            list("github.template", ChoiceKind::Value, templates),
        ],
    )
}

/// The organizations, then the regions a project of the chosen one (or the only one) can be
/// made in, recommended first; a region at capacity is listed as not usable.
pub(super) async fn supabase(
    token: &Secret,
    e: &Endpoints,
    expect: &Expectations<'_>,
    timeout: std::time::Duration,
) -> AccountChoices {
    let p = Provider::Supabase;
    let sb = super::supabase::Supabase::new(
        &e.supabase_api,
        &e.supabase_project_url,
        token.clone(),
        timeout,
    );
    let orgs = match sb.list_organizations().await {
        Ok(o) => o,
        Err(err) => return failed(p, &err),
    };
    let org_list = list(
        "supabase.organization",
        ChoiceKind::Value,
        orgs.iter()
            .map(|o| {
                let label = if o.name.is_empty() || o.name == o.slug {
                    o.slug.clone()
                } else {
                    format!("{} ({})", o.name, o.slug)
                };
                choice(&o.slug, label)
            })
            .collect(),
    );
    let chosen = expect
        .supabase_org
        .filter(|o| orgs.iter().any(|x| x.slug == *o))
        .map(str::to_string)
        .or_else(|| (orgs.len() == 1).then(|| orgs[0].slug.clone()));
    let Some(org) = chosen else {
        return read(p, vec![org_list]);
    };
    let regions = match sb.available_regions(&org).await {
        Ok(r) => r,
        Err(err) => {
            let mut c = read(p, vec![org_list]);
            c.problem = Some(problem_of(p, &err));
            return c;
        }
    };
    let recommended: Vec<&str> = regions
        .recommendations
        .specific
        .iter()
        .map(|r| r.code.as_str())
        .collect();
    let mut region_choices: Vec<Choice> = regions
        .all
        .specific
        .iter()
        .map(|r| {
            let mut c = choice(&r.code, format!("{} ({})", r.name, r.code));
            if r.status.as_deref() == Some("capacity") {
                c.usable = false;
                c.note = Some(Say::ChoiceRegionFull.text());
            } else if recommended.contains(&r.code.as_str()) {
                c.note = Some(Say::ChoiceRecommended.text());
            }
            c
        })
        .collect();
    region_choices.sort_by_key(|c| (!c.usable, c.note.is_none()));
    read(
        p,
        vec![
            org_list,
            list("supabase.region", ChoiceKind::Value, region_choices),
        ],
    )
}

/// The personal account and every team the token is scoped to; a team sets its slug too.
pub(super) async fn vercel(
    token: &Secret,
    e: &Endpoints,
    timeout: std::time::Duration,
) -> AccountChoices {
    let p = Provider::Vercel;
    let vc = super::vercel::Vercel::new(&e.vercel_api, token.clone(), None, timeout);
    let user = match vc.user().await {
        Ok(u) => u,
        Err(err) => return failed(p, &err),
    };
    let teams = match vc.teams().await {
        Ok(t) => t,
        Err(err) => return failed(p, &err),
    };
    let mut all = vec![{
        let mut c = choice("", &user.username);
        c.note = Some(Say::ChoicePersonalAccount.text());
        c.also.push(Also {
            setting: "vercel.team_slug".into(),
            value: String::new(),
        });
        c
    }];
    for t in teams {
        let label = t
            .name
            .clone()
            .filter(|n| !n.is_empty() && *n != t.slug)
            .map(|n| format!("{n} ({})", t.slug))
            .unwrap_or_else(|| t.slug.clone());
        let mut c = choice(&t.id, label);
        c.also.push(Also {
            setting: "vercel.team_slug".into(),
            value: t.slug,
        });
        all.push(c);
    }
    read(p, vec![list("vercel.team_id", ChoiceKind::Value, all)])
}

/// The account's domains, verified first. A key with sending access only (what the guide
/// asks for) cannot list them: the sender address is typed then.
pub(super) async fn resend(
    token: &Secret,
    e: &Endpoints,
    timeout: std::time::Duration,
) -> AccountChoices {
    let p = Provider::Resend;
    let rs = super::resend::Resend::new(&e.resend_api, token.clone(), timeout);
    match rs.domains().await {
        Ok(domains) => {
            let mut all: Vec<Choice> = domains
                .into_iter()
                .map(|d| {
                    let mut c = choice(&d.name, &d.name);
                    if d.status != "verified" {
                        c.usable = false;
                        c.note = Some(Say::ChoiceDomainNotVerified.with(params! {
                            "status" => d.status
                        }));
                    }
                    c
                })
                .collect();
            all.sort_by_key(|c| !c.usable);
            read(
                p,
                vec![list("email.sender_address", ChoiceKind::Domain, all)],
            )
        }
        Err(err)
            if err.kind == ErrorKind::Unauthorized
                && err.code.as_deref() == Some("restricted_api_key") =>
        {
            AccountChoices {
                provider: p,
                lists: Vec::new(),
                problem: Some(Say::ChoiceSendingOnlyKey.text()),
                about: Vec::new(),
            }
        }
        Err(err) => failed(p, &err),
    }
}

/// Pages of 50 repositories read for the backup repository (Gitea's largest page).
const GITEA_PAGES: u32 = 4;

/// The repositories the token can write to, for the backups; the one set (or the default)
/// offered to be made when it does not exist yet.
pub(super) async fn gitea(
    token: &Secret,
    e: &Endpoints,
    expect: &Expectations<'_>,
    timeout: std::time::Duration,
) -> AccountChoices {
    let p = Provider::Gitea;
    let gt = super::gitea::Gitea::new(&e.gitea_api, token.clone(), timeout);
    let repos = match gt.my_repos(GITEA_PAGES).await {
        Ok(r) => r,
        Err(err) => return failed(p, &err),
    };
    let mut all: Vec<Choice> = repos
        .iter()
        .map(|r| {
            let mut c = choice(&r.full_name, &r.full_name);
            if !r.permissions.as_ref().is_some_and(|p| p.push) {
                c.usable = false;
                c.note = Some(Say::ChoiceRepoReadOnly.text());
            }
            c
        })
        .collect();
    all.sort_by_key(|c| !c.usable);
    let wanted = expect
        .backup_repository
        .map(str::trim)
        .filter(|r| r.contains('/'));
    let missing = wanted.filter(|w| !repos.iter().any(|r| r.full_name.eq_ignore_ascii_case(w)));
    let mut backups = list("backup.repository", ChoiceKind::Value, all);
    backups.create = missing.map(str::to_string);
    read(p, vec![backups])
}

/// The n8n instance's version, when its metrics say it (the public API has no version).
pub(super) async fn n8n(
    token: &Secret,
    e: &Endpoints,
    timeout: std::time::Duration,
) -> AccountChoices {
    let n = super::n8n::N8n::new(&e.n8n_api, token.clone(), timeout);
    let about = match n.version().await {
        Ok(Some(version)) => Say::ChoiceN8nVersion.with(params! { "version" => version }),
        Ok(None) => Say::ChoiceN8nVersionOff.text(),
        Err(err) => Say::ChoiceN8nVersionUnread.with(params! {
            "problem" => problem_of(Provider::N8n, &err).sv,
        }),
    };
    let mut c = read(Provider::N8n, Vec::new());
    c.about.push(about);
    c
}
