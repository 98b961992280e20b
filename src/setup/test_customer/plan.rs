//! What the setup proof makes and what it costs, said before it starts: read from the settings
//! and the accounts (Supabase's active projects counted), never by building an engine.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::environment::Environment;
use crate::error::ApiResult;
use crate::messages::{params, Say, Text};
use crate::provision::{ProvisionSettings, ALERT_ADDRESS};
use crate::secrets::Provider;
use crate::setup::plan_limits::SUPABASE_FREE_ACTIVE;
use crate::supervisor::cloud::CloudApi;

/// What the test customer is called (the date and time follow, so two proofs never meet).
pub const PROOF_NAME: &str = "Fabrik provkund";

/// One thing the proof makes, and what it costs.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProofItem {
    pub provider: Provider,
    pub made: Text,
    pub cost: Text,
}

/// What a person reads before the proof starts.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProofPlan {
    pub environment: Environment,
    /// The test customer it will make.
    pub name: String,
    /// Where its welcome email goes: the agency's own alert address (or its support address).
    pub admin_email: String,
    pub items: Vec<ProofItem>,
    /// What may stop it (a Supabase organization at its free plan's limit) or could not be
    /// read; none blocks the start (a paid plan has no such limit).
    pub caveats: Vec<Text>,
}

/// What the proof will make and cost, read from the settings and the accounts (no engine:
/// nothing here starts a run), and the settings it read (the proof's customer is made by them).
pub async fn plan(cloud: &Arc<CloudApi>) -> ApiResult<(ProofPlan, ProvisionSettings)> {
    let c = cloud.clone();
    let (s, clients) = crate::blocking::run(move || c.settings_and_clients(c.timeout)).await?;
    let store = cloud.shared_store();
    let alert = crate::blocking::run(move || store.get_setting(ALERT_ADDRESS)).await?;
    // The agency's own inbox: its alert address, or the address its customers write to.
    let admin_email = alert
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| s.support_address.clone());
    let mut caveats = Vec::new();

    // Supabase: how many projects of the organization are active now.
    let active = clients
        .supabase
        .projects_holding_a_place(&s.supabase_org)
        .await;
    let org = params! { "org" => s.supabase_org.as_str(), "region" => s.supabase_region.as_str() };
    let supabase_cost = match &active {
        Ok(n) => {
            if *n >= SUPABASE_FREE_ACTIVE {
                caveats.push(Say::ProofSupabaseFull.with(params! {
                    "org" => s.supabase_org.as_str(), "active" => *n,
                    "free" => SUPABASE_FREE_ACTIVE,
                }));
            }
            Say::ProofSupabaseCost.with(params! {
                "org" => s.supabase_org.as_str(), "active" => *n,
                "free" => SUPABASE_FREE_ACTIVE,
            })
        }
        Err(e) => {
            caveats.push(Say::ProofUnread.with(params! {
                "what" => "Supabase", "problem" => e.to_string(),
            }));
            Say::ProofSupabaseCostUnread.with(params! { "free" => SUPABASE_FREE_ACTIVE })
        }
    };
    let mut items = vec![
        ProofItem {
            provider: Provider::Supabase,
            made: Say::ProofSupabase.with(org),
            cost: supabase_cost,
        },
        ProofItem {
            provider: Provider::Github,
            made: Say::ProofGithub.with(params! {
                "owner" => s.repo_owner.as_str(),
                "template" => format!("{}/{}", s.template_owner, s.template_repo),
            }),
            cost: Say::ProofGithubCost.text(),
        },
        ProofItem {
            provider: Provider::Vercel,
            made: Say::ProofVercel.text(),
            cost: Say::ProofVercelCost.text(),
        },
        ProofItem {
            provider: Provider::N8n,
            made: Say::ProofN8n.text(),
            cost: Say::ProofN8nCost.text(),
        },
        ProofItem {
            provider: Provider::Resend,
            made: Say::ProofResend.with(params! {
                "from" => s.sender.as_str(), "to" => admin_email.as_str(),
            }),
            cost: Say::ProofResendCost.text(),
        },
    ];
    if clients.gitea.is_some() {
        items.push(ProofItem {
            provider: Provider::Gitea,
            made: Say::ProofGitea.with(params! { "repo" => s.backup_repository.as_str() }),
            cost: Say::ProofGiteaCost.text(),
        });
    }
    let plan = ProofPlan {
        environment: cloud.environment,
        name: PROOF_NAME.to_string(),
        admin_email,
        items,
        caveats,
    };
    Ok((plan, s))
}
