//! A handover after its run (issue #59): following each part until the customer took it, the
//! instance marked handed over when all three are (from then on no run, roll-out or scheduled
//! job touches it: `Engine::record` and `Store::delivered_slugs`), and a handover withdrawn
//! while it waits. The run itself (the claim link, the transfer request, the repository's
//! transfer, the workflow's export, the letter) is `provision::steps::handover`'s. Not a run:
//! it reads through the engine's public surface, as the team does.

use serde::Serialize;
use ts_rs::TS;

use crate::customer::rows::CustomerRows;
use crate::customer::Customer;
use crate::error::{Error, Result};
use crate::ledger::StepKey;
use crate::messages::{params, Right, Say, Text};
use crate::providers::{ErrorKind, ProviderError};
use crate::provision::engine::Engine;
use crate::provision::handovers::HandoverRows;
use crate::provision::handovers::{Handover, Part};

/// Where a customer's handover stands.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HandoverStatus {
    pub slug: String,
    /// The handover not withdrawn, if any (none: never asked, or withdrawn).
    pub handover: Option<Handover>,
    /// Every part taken: the instance is the customer's.
    pub handed_over: bool,
    /// The status in sentences, one a line (what the CLI prints, what the window shows).
    pub lines: Vec<Text>,
}

/// What withdrawing did, and what it could not.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Withdrawal {
    pub slug: String,
    pub lines: Vec<Text>,
}

fn provider(e: ProviderError) -> Error {
    Error::Provider(e.to_string())
}

pub struct Handovers {
    engine: Engine,
}

impl Handovers {
    pub fn new(engine: &Engine) -> Handovers {
        Handovers {
            engine: engine.clone(),
        }
    }

    async fn customer(&self, slug: &str) -> Result<Customer> {
        let (slug, env) = (slug.to_string(), self.engine.environment());
        self.engine.db(move |s| s.get_customer_in(&slug, env)).await
    }

    /// Where the customer's handover stands, after asking each provider about the parts not
    /// yet taken.
    pub async fn status(&self, slug: &str) -> Result<HandoverStatus> {
        let customer = self.customer(slug).await?;
        let handover = self.follow(&customer).await?;
        Ok(view(&customer.slug, handover))
    }

    /// Every waiting handover followed once (the tick's job): the slugs handed over now.
    pub async fn follow_all(&self) -> Result<Vec<String>> {
        let env = self.engine.environment();
        let waiting = self.engine.db(move |s| s.handovers_waiting(env)).await?;
        let mut done = Vec::new();
        for (slug, _) in waiting {
            let customer = self.customer(&slug).await?;
            if let Some(h) = self.follow(&customer).await? {
                if h.handed_over_at.is_some() {
                    done.push(slug);
                }
            }
        }
        Ok(done)
    }

    /// Asks about each part the customer has not taken yet and keeps what they took.
    async fn follow(&self, customer: &Customer) -> Result<Option<Handover>> {
        let (id, env) = (customer.id, self.engine.environment());
        let Some(mut h) = self.engine.db(move |s| s.handover(id, env)).await? else {
            return Ok(None);
        };
        if h.handed_over_at.is_some() {
            return Ok(Some(h));
        }
        let mut taken = Vec::new();
        if h.supabase_claimed_at.is_none() && self.supabase_taken(customer, &h).await? {
            taken.push(Part::Supabase);
        }
        if h.vercel_accepted_at.is_none() && self.vercel_taken(customer).await? {
            taken.push(Part::Vercel);
        }
        if h.github_accepted_at.is_none() && self.github_taken(&h).await? {
            taken.push(Part::Github);
        }
        for part in taken {
            let hid = h.id;
            h = self.engine.db(move |s| s.handover_taken(hid, part)).await?;
        }
        if h.handed_over_at.is_some() {
            remove_letter(customer, &h);
        }
        Ok(Some(h))
    }

    /// The project is in the customer's organization, or out of the agency's sight.
    async fn supabase_taken(&self, customer: &Customer, h: &Handover) -> Result<bool> {
        let Some(r) = &customer.instance.supabase_project_ref else {
            return Ok(false);
        };
        match self.engine.clients().supabase.get_project(r).await {
            Ok(p) => Ok(p.organization_slug.as_deref() == Some(h.to_supabase_org.as_str())),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(true),
            Err(e) => Err(provider(e)),
        }
    }

    /// The project left the agency's team (a project is seen only by its own team).
    async fn vercel_taken(&self, customer: &Customer) -> Result<bool> {
        let Some(id) = &customer.instance.vercel_project_id else {
            return Ok(false);
        };
        let p = self.engine.clients().vercel.project(id).await;
        Ok(p.map_err(provider)?.is_none_or(|p| &p.id != id))
    }

    /// The repository no longer answers under the name and owner it had when it was asked to
    /// move (moved, or out of the agency's sight).
    async fn github_taken(&self, h: &Handover) -> Result<bool> {
        let Some(run) = h.run_id else {
            return Ok(false);
        };
        let steps = self.engine.db(move |s| s.run_steps(run)).await?;
        let Some(out) = steps
            .into_iter()
            .find(|s| s.key == StepKey::GithubTransfer)
            .and_then(|s| s.output)
        else {
            return Ok(false);
        };
        let (Some(from), Some(id)) = (out["from"].as_str(), out["repo_id"].as_u64()) else {
            return Ok(false);
        };
        let Some((owner, name)) = from.split_once('/') else {
            return Ok(false);
        };
        match self.engine.clients().github.lookup(owner, name).await {
            Ok(Some(r)) => Ok(r.id != id || !r.owner.login.eq_ignore_ascii_case(owner)),
            Ok(None) => Ok(true),
            Err(e) if e.kind == ErrorKind::Moved => Ok(true),
            Err(e) => Err(provider(e)),
        }
    }

    /// Withdraws the customer's handover while it waits, through the guarded gate (the
    /// teardown's right, the slug typed): the Supabase claim (its link) revoked on the project
    /// proven the agency's; what the other providers cannot take back said so.
    pub async fn withdraw(&self, slug: &str, confirmation: &str) -> Result<Withdrawal> {
        let customer = self.customer(slug).await?;
        let (s2, typed) = (customer.slug.clone(), confirmation.to_string());
        self.engine
            .db(move |s| crate::provision::gate::pass(s, Right::Teardown, &s2, &typed))
            .await?;
        let slug_p = params! { "slug" => customer.slug.clone() };
        let Some(h) = self.follow(&customer).await? else {
            return Err(Error::NotNow {
                slug: customer.slug.clone(),
                reason: Say::HandoverNone.with(slug_p),
            });
        };
        if h.handed_over_at.is_some() {
            return Err(Error::NotNow {
                slug: customer.slug.clone(),
                reason: Say::HandoverAlreadyDone.with(slug_p),
            });
        }
        let mut lines = Vec::new();
        if h.supabase_claimed_at.is_none() {
            if let Some(r) = self.agency_project(&customer).await? {
                let supabase = &self.engine.clients().supabase;
                supabase.revoke_claim_token(&r).await.map_err(provider)?;
                lines.push(Say::HandoverRevoked.text());
            }
        }
        if h.vercel_accepted_at.is_none() {
            lines.push(Say::HandoverVercelLapses.text());
        }
        if h.github_accepted_at.is_none() {
            lines.push(Say::HandoverGithubByHand.text());
        }
        let hid = h.id;
        self.engine.db(move |s| s.withdraw_handover(hid)).await?;
        remove_letter(&customer, &h);
        lines.push(Say::HandoverWithdrawn.with(slug_p));
        Ok(Withdrawal {
            slug: customer.slug,
            lines,
        })
    }

    /// The customer's Supabase project, when it still carries the customer's marker in the
    /// agency's organization: only then is its claim token Fabrik's to revoke.
    async fn agency_project(&self, customer: &Customer) -> Result<Option<String>> {
        let Some(r) = customer.instance.supabase_project_ref.clone() else {
            return Ok(None);
        };
        let org = self.engine.settings().supabase_org.clone();
        let supabase = &self.engine.clients().supabase;
        let ours = crate::provision::proof::supabase_handable(supabase, &org, customer, &r).await;
        Ok(ours.map_err(provider)?.then_some(r))
    }
}

/// The status in sentences.
/// The letter (the claim link and the transfer code inside) goes once the handover is done or
/// withdrawn: its codes are of no more use to anyone but a thief. Only the file this seat's
/// handover run wrote, its path derived again, never the register's word for it.
fn remove_letter(customer: &Customer, h: &Handover) {
    let Some(run) = h.run_id else { return };
    let path = crate::provision::steps::handover_letter_path(&customer.slug, run);
    match std::fs::remove_file(&path) {
        Ok(()) => tracing::info!(path = %path.display(), "the handover letter was removed"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::warn!(path = %path.display(), "the handover letter was not removed: {e}")
        }
    }
}

fn view(slug: &str, handover: Option<Handover>) -> HandoverStatus {
    let mut lines = Vec::new();
    let handed_over = handover
        .as_ref()
        .is_some_and(|h| h.handed_over_at.is_some());
    match &handover {
        None => lines.push(Say::HandoverNone.with(params! { "slug" => slug })),
        Some(h) => {
            match &h.handed_over_at {
                Some(at) => {
                    lines.push(Say::HandoverDone.with(params! { "slug" => slug, "at" => at }))
                }
                None => lines.push(
                    Say::HandoverWaiting.with(params! { "slug" => slug, "at" => h.requested_at }),
                ),
            }
            let parts = [
                (
                    format!("Supabase → {}", h.to_supabase_org),
                    &h.supabase_claimed_at,
                ),
                (
                    format!("Vercel → {}", h.to_vercel_team),
                    &h.vercel_accepted_at,
                ),
                (format!("GitHub → {}", h.to_github), &h.github_accepted_at),
            ];
            for (part, at) in parts {
                lines.push(match at {
                    Some(at) => Say::HandoverTaken.with(params! { "part" => part, "at" => at }),
                    None => Say::HandoverNotYet.with(params! { "part" => part }),
                });
            }
        }
    }
    HandoverStatus {
        slug: slug.to_string(),
        handover,
        handed_over,
        lines,
    }
}
