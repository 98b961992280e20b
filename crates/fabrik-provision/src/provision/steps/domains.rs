//! A custom domain for a delivered instance: onto its Vercel project, verified by the DNS
//! records the customer sets, then the instance's production URL; and off again. The domain
//! is the run's input. Fabrik removes only a domain its own run added for this customer (the
//! ledger is the proof); one someone added by hand is refused, named, with the way out.

use crate::customer::rows::CustomerRows;
use crate::customer::rows::InstanceRows;
use crate::provision::outputs;
use serde_json::{json, Value};

use super::modules::nothing_to_find;
use super::vercel::{owns_project, public_site};
use super::{done, gone, Owned, StepDef};
use crate::ledger::events::StepOutcome;
use crate::ledger::StepKey;
use crate::messages::params;
use crate::messages::{ErrorCode, Text};
use crate::providers::vercel::{DomainConfig, ProjectDomain};
use crate::providers::ErrorKind;
use crate::provision::context::{Done, Poll, RunCtx, StepError};
use crate::secrets::Provider;

const VERCEL: Option<Provider> = Some(Provider::Vercel);

const WAIT_DNS: (&str, &str) = (
    "Väntar på att kunden lägger in DNS-posterna och att Vercel verifierar domänen",
    "Waiting for the customer to set the DNS records and for Vercel to verify the domain",
);

step!(ADD: VercelDomainAdd, "Lägg till domänen i Vercel-projektet", "Add the domain to the Vercel project", needs [], VERCEL, add;
    undo find_domain, owns_domain, remove_domain,
    by hand "Ta bort domänen {id} i Vercel (projektet → Settings → Domains → Remove).",
    "Remove the domain {id} in Vercel (the project → Settings → Domains → Remove).");

step!(VERIFY: VercelDomainVerify, "Vänta på DNS och verifiering", "Wait for DNS and verification", needs [VercelDomainAdd], VERCEL, verify);

step!(PRODUCTION: VercelDomainProduction, "Gör domänen till produktionsadress", "Make the domain the production URL", needs [VercelDomainVerify], VERCEL, production;
    restore nothing_to_find, owns_address, previous_address,
    by hand "Sätt tillbaka kundens produktionsadress till {id} under Redigera i Fabrik.",
    "Set the customer's production URL back to {id} under Edit in Fabrik.");

step!(REMOVE: VercelDomainRemove, "Ta bort domänen från Vercel-projektet", "Remove the domain from the Vercel project", needs [], VERCEL, remove);

/// One DNS record the customer must set at their DNS host.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct DnsRecord {
    /// `A`, `CNAME` or `TXT`.
    pub kind: String,
    pub name: String,
    pub value: String,
}

/// What the window and `fabrik domain status` show of one domain on the project.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct DomainStatus {
    pub domain: String,
    /// Vercel verified that the domain is the agency's to use.
    pub verified: bool,
    /// The DNS points at Vercel (visitors reach the site).
    pub configured: bool,
    /// What is left for the customer to set (empty once verified and configured).
    pub records: Vec<DnsRecord>,
    /// The instance's production URL is this domain.
    pub production: bool,
    /// A Fabrik run added it for this customer: Fabrik may remove it.
    pub added_by_fabrik: bool,
}

/// The records still missing for `d`: the ownership challenge until verified, then the record
/// that points the name at Vercel until its DNS does.
pub fn records(d: &ProjectDomain, config: &DomainConfig) -> Vec<DnsRecord> {
    let mut out: Vec<DnsRecord> = if d.verified {
        Vec::new()
    } else {
        d.verification
            .iter()
            .map(|c| DnsRecord {
                kind: c.kind.clone(),
                name: c.domain.clone(),
                value: c.value.clone(),
            })
            .collect()
    };
    if config.misconfigured {
        let apex = d.apex_name.is_empty() || d.apex_name == d.name;
        match (&config.recommended_cname, config.recommended_ipv4.first()) {
            (Some(cname), _) if !apex => out.push(DnsRecord {
                kind: "CNAME".into(),
                name: d.name.clone(),
                value: cname.trim_end_matches('.').to_string(),
            }),
            (_, Some(ip)) => out.push(DnsRecord {
                kind: "A".into(),
                name: d.name.clone(),
                value: ip.clone(),
            }),
            (Some(cname), None) => out.push(DnsRecord {
                kind: "CNAME".into(),
                name: d.name.clone(),
                value: cname.trim_end_matches('.').to_string(),
            }),
            (None, None) => {}
        }
    }
    out
}

/// One line per record, as the waiting step and the CLI say it.
pub fn records_line(records: &[DnsRecord]) -> String {
    records
        .iter()
        .map(|r| format!("{} {} = {}", r.kind, r.name, r.value))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The run's domain (validated before the run was created).
fn domain(ctx: &RunCtx) -> Result<String, StepError> {
    ctx.request
        .as_ref()
        .and_then(|r| r.domain())
        .map(str::to_string)
        .ok_or_else(|| {
            StepError::permanent(
                ErrorCode::LedgerIncomplete,
                params! { "step" => StepKey::VercelDomainAdd, "field" => "domain" },
            )
        })
}

/// The customer's Vercel project, proven theirs before anything on it changes.
/// The customer's Vercel project by its recorded id, proven ours right before the change.
async fn project(ctx: &RunCtx) -> Result<String, StepError> {
    Ok(crate::provision::proof::project(ctx).await?.id)
}

fn not_added(domain: &str, project: &str) -> StepError {
    StepError::permanent(
        ErrorCode::DomainNotAdded,
        params! { "domain" => domain, "project" => project },
    )
}

/// Whether a run of Fabrik's added `domain` to this customer's project (and it was not rolled
/// back): the only proof that lets Fabrik take it off again.
async fn added_by_fabrik(ctx: &RunCtx, domain: &str) -> Result<bool, StepError> {
    let (id, env, d) = (ctx.customer.id, ctx.environment, domain.to_string());
    ctx.db(move |s| s.domain_added(id, env, &d)).await
}

async fn add(ctx: &RunCtx) -> Result<Done, StepError> {
    let (domain, project) = (domain(ctx)?, project(ctx).await?);
    let vercel = &ctx.clients.vercel;
    let (d, created) = match vercel.project_domain(&project, &domain).await? {
        // On the project already: this run's lost answer, or an earlier run's domain.
        Some(d) => {
            let ours = ctx.intended_by_this_run(StepKey::VercelDomainAdd).await?
                || added_by_fabrik(ctx, &domain).await?;
            if !ours {
                return Err(not_added(&domain, &project));
            }
            (d, ctx.intended_by_this_run(StepKey::VercelDomainAdd).await?)
        }
        None => {
            ctx.record_intent(StepKey::VercelDomainAdd, &domain).await?;
            match vercel.add_domain(&project, &domain).await {
                Ok(d) => (d, true),
                Err(e) if e.kind == ErrorKind::Conflict => {
                    return Err(StepError::permanent(
                        ErrorCode::DomainTaken,
                        params! { "domain" => domain, "detail" => e.message },
                    ))
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let out = json!({ "domain": d.name, "project_id": project, "verified": d.verified });
    ctx.record_resource(StepKey::VercelDomainAdd, &d.name, created, &out)
        .await?;
    let outcome = if created {
        StepOutcome::Created
    } else {
        StepOutcome::Adopted
    };
    done(outcome, Some(d.name), out)
}

async fn find_domain(ctx: &RunCtx, intent: &str) -> Result<Option<(String, Value)>, StepError> {
    let project = ctx.out::<outputs::VercelProject>()?.id;
    Ok(ctx
        .clients
        .vercel
        .project_domain(&project, intent)
        .await?
        .map(|d| (d.name, json!({ "project_id": project }))))
}

async fn owns_domain(ctx: &RunCtx, domain: &str, out: &Value) -> Result<Owned, StepError> {
    let out: outputs::DomainOnProject = outputs::read(out);
    let Some(project) = out.project_id.as_deref() else {
        return Ok(Owned::Gone);
    };
    match owns_project(ctx, project, &Value::Null).await? {
        Owned::Ours(_) => {}
        other => return Ok(other),
    }
    Ok(
        match ctx.clients.vercel.project_domain(project, domain).await? {
            Some(_) => Owned::Ours(crate::provision::creation::Made::Unmarkable),
            None => Owned::Gone,
        },
    )
}

async fn remove_domain(ctx: &RunCtx, domain: &str, out: &Value) -> Result<(), StepError> {
    let out: outputs::DomainOnProject = outputs::read(out);
    let Some(project) = out.project_id.as_deref() else {
        return Ok(());
    };
    gone(ctx.clients.vercel.remove_domain(project, domain).await)
}

/// The domain's state on the project now, and what is left to set.
pub async fn status_of(
    clients: &crate::providers::Clients,
    project: &str,
    domain: &str,
) -> Result<Option<(ProjectDomain, DomainConfig)>, crate::providers::ProviderError> {
    let Some(d) = clients.vercel.project_domain(project, domain).await? else {
        return Ok(None);
    };
    let config = clients.vercel.domain_config(domain).await?;
    Ok(Some((d, config)))
}

async fn verify(ctx: &RunCtx) -> Result<Done, StepError> {
    let (domain, project) = (domain(ctx)?, project(ctx).await?);
    let ceiling = ctx.timing.domain_verification;
    let vercel = &ctx.clients.vercel;
    ctx.wait_until(StepKey::VercelDomainVerify, WAIT_DNS.into(), ceiling, || async {
        let Some((mut d, config)) = status_of(&ctx.clients, &project, &domain).await? else {
            return Err(StepError::permanent(
                ErrorCode::ResourceGone,
                params! { "resource" => "Domänen", "resource_en" => "The domain", "name" => domain },
            ));
        };
        if !d.verified {
            // Vercel checks the challenge when asked; "not yet" is part of waiting.
            match vercel.verify_domain(&project, &domain).await {
                Ok(v) => d = v,
                Err(e) if matches!(e.kind, ErrorKind::Invalid | ErrorKind::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let left = records(&d, &config);
        Ok(if d.verified && !config.misconfigured {
            Poll::Ready(())
        } else {
            Poll::Pending(Some(records_line(&left)))
        })
    })
    .await?;
    done(
        StepOutcome::Done,
        None,
        json!({ "domain": domain, "verified": true }),
    )
}

async fn production(ctx: &RunCtx) -> Result<Done, StepError> {
    let domain = domain(ctx)?;
    public_site(ctx, StepKey::VercelDomainProduction, &domain).await?;
    let url = format!("https://{domain}");
    let out = match ctx.recorded_as::<outputs::AddressChange>(StepKey::VercelDomainProduction) {
        Some(out) => outputs::json(&out),
        None => {
            let out = outputs::json(&outputs::AddressChange {
                previous: ctx.customer.instance.production_url.clone(),
                url: Some(url.clone()),
            });
            ctx.record_resource(StepKey::VercelDomainProduction, &url, true, &out)
                .await?;
            out
        }
    };
    set_address(ctx, Some(url.clone())).await?;
    ctx.log(
        StepKey::VercelDomainProduction,
        crate::provision::LogLevel::Info,
        &crate::messages::Say::StepProductionURLNow.with(crate::messages::params! { "url" => url }),
    )
    .await;
    done(StepOutcome::Done, Some(url), out)
}

/// The instance card's production URL (the card of this run's environment only).
async fn set_address(ctx: &RunCtx, url: Option<String>) -> Result<(), StepError> {
    let (id, env) = (ctx.customer.id, ctx.environment);
    ctx.db(move |s| s.set_production_url(id, env, url.as_deref()))
        .await
}

/// The address is this run's to put back while the card still says what the run wrote.
async fn owns_address(ctx: &RunCtx, url: &str, _: &Value) -> Result<Owned, StepError> {
    let (slug, env) = (ctx.customer.slug.clone(), ctx.environment);
    let now = ctx
        .db(move |s| s.get_customer_in(&slug, env))
        .await?
        .instance
        .production_url;
    Ok(if now.as_deref() == Some(url) {
        Owned::Ours(crate::provision::creation::Made::Unmarkable)
    } else {
        Owned::Gone
    })
}

async fn previous_address(ctx: &RunCtx, _: &str, out: &Value) -> Result<(), StepError> {
    let out: outputs::AddressChange = outputs::read(out);
    set_address(ctx, out.previous).await
}

/// The address the instance had before any custom domain: provisioning's production domain.
fn default_address(ctx: &RunCtx) -> Option<String> {
    ctx.recorded::<outputs::Deployment>().map(|d| d.url)
}

async fn remove(ctx: &RunCtx) -> Result<Done, StepError> {
    let (domain, project) = (domain(ctx)?, project(ctx).await?);
    if !added_by_fabrik(ctx, &domain).await? {
        return Err(not_added(&domain, &project));
    }
    // Visitors keep an address: production goes back to the project's own domain first.
    let url = format!("https://{domain}");
    if ctx.customer.instance.production_url.as_deref() == Some(url.as_str()) {
        set_address(ctx, default_address(ctx)).await?;
    }
    gone(ctx.clients.vercel.remove_domain(&project, &domain).await)?;
    done(
        StepOutcome::Done,
        Some(domain.clone()),
        json!({ "domain": domain, "project_id": project }),
    )
}
