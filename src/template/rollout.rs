//! What a template roll-out keeps in the register and how a member is settled before its run:
//! shared by the roll-outs' driver and the template API (both in `api`), so neither uses the other.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::sync::{self, Target};
use super::{FileChange, NeedsPerson, Summary};
use crate::customer::Customer;
use crate::error::{Error, Result};
use crate::ledger::{BaseHow, MemberState, PrState};
use crate::messages::params;
use crate::messages::{Say, Text};
use crate::store::rollouts::RolloutRow;
use crate::store::templates::TemplatePr;
use crate::store::Store;

/// One repository's plan, as the window and the CLI show it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RepoPlan {
    pub slug: String,
    pub name: String,
    /// `owner/name` of the customer's repository.
    pub repo: Option<String>,
    pub base: Option<String>,
    pub base_how: Option<BaseHow>,
    /// Template commits between the base and the target.
    #[ts(type = "number | null")]
    pub behind: Option<u64>,
    pub changes: Vec<FileChange>,
    /// The files a person must look at: conflict markers, or the customer's kept.
    pub needs_person: Vec<NeedsPerson>,
    pub summary: Summary,
    /// Why it cannot be planned (no repository, unknown base, GitHub's error).
    pub problem: Option<Text>,
}

/// What a template roll-out keeps in the register (the roll-out row's payload): the target and
/// each repository's plan as planned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payload {
    #[serde(flatten)]
    pub target: Target,
    #[serde(default)]
    pub plans: BTreeMap<i64, RepoPlan>,
}

pub fn current(target: &Target) -> Text {
    Say::TemplateCurrent.with(params! { "sha" => target.short() })
}

pub fn pr_reason(p: &TemplatePr) -> Text {
    match p.state {
        PrState::Open => Say::TemplatePrOpen.with(params! { "number" => p.number }),
        PrState::Merged => Say::TemplatePrMerged
            .with(params! { "number" => p.number, "sha" => sync::short(&p.target_sha) }),
        PrState::Closed => Say::TemplatePrClosed.with(params! { "number" => p.number }),
        PrState::Pushed => Say::TemplatePrPushed
            .with(params! { "number" => p.number, "branch" => p.branch.clone() }),
    }
}

/// A member settled before its run: its repository at the target already, or a pull request
/// for the target opened before (the same roll-out started again creates nothing).
pub fn settled_before(
    store: &Store,
    r: &RolloutRow,
    c: &Customer,
) -> Result<Option<(MemberState, Text, Option<String>)>> {
    let payload: Payload =
        serde_json::from_str(&r.migrations).map_err(|e| Error::Internal(e.to_string()))?;
    let target = &payload.target;
    let base = store.template_base(c.id, c.environment)?;
    if base.as_ref().is_some_and(|b| b.sha == target.sha) {
        return Ok(Some((
            MemberState::Done,
            current(target),
            Some(target.short().to_string()),
        )));
    }
    Ok(store
        .template_pr_for(c.id, c.environment, &target.sha)?
        .map(|p| {
            (
                MemberState::Done,
                pr_reason(&p),
                base.map(|b| sync::short(&b.sha).to_string()),
            )
        }))
}

/// Where a repository stands after its run: `#N` for its pull request, else its base.
pub fn version_after(store: &Store, r: &RolloutRow, customer_id: i64) -> Result<Option<String>> {
    let payload: Payload =
        serde_json::from_str(&r.migrations).map_err(|e| Error::Internal(e.to_string()))?;
    let env = r.environment;
    if let Some(p) = store.template_pr_for(customer_id, env, &payload.target.sha)? {
        return Ok(Some(format!("#{}", p.number)));
    }
    Ok(store
        .template_base(customer_id, env)?
        .map(|b| sync::short(&b.sha).to_string()))
}
