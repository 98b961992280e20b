//! Proof right before a change. Every call that changes a customer's repository or Vercel
//! project goes through here first: the resource is read by the immutable id the ledger
//! recorded (a rename is followed, a stranger under the old name is never read as ours), it
//! must carry the customer's marker (an id alone is not enough: the resource may have been
//! handed to someone), and last, this driver must still hold the run. What fails the proof is
//! left alone with a message naming it and the way out. Names only ever come from the read
//! that just proved the id.
//!
//! The fence is checked twice: here, after the read, and again by the pacer right before each
//! call that changes something (`RunFence`, set around every step and compensation), so a
//! driver frozen anywhere between its read and its call makes no change after a takeover.

use crate::error::Error;
use crate::messages::params;
use crate::messages::ErrorCode;
use crate::providers::github::Repo;
use crate::providers::vercel::Project;
use crate::provision::context::{RunCtx, StepError};
use crate::provision::{outputs, ownership};

/// The ledger's Supabase project of `customer`, read now by its ref, proven theirs by its
/// marker name: for what reads or changes an instance beside runs (the team, an export).
pub async fn supabase_project(
    supabase: &crate::providers::supabase::Supabase,
    customer: &crate::customer::Customer,
    project_ref: &str,
) -> Result<(), Error> {
    match supabase.get_project(project_ref).await {
        Ok(p) if ownership::supabase_named(&p.name, &customer.slug, &customer.uid) => Ok(()),
        Ok(p) => {
            let not_ours = ownership::not_ours(
                "Supabase-projektet",
                "The Supabase project",
                &format!("{} ({project_ref})", p.name),
            );
            Err(crate::provision::refusal::Refusal::from(not_ours).into())
        }
        Err(e) if e.kind == crate::providers::ErrorKind::NotFound => Err(Error::Refused {
            code: ErrorCode::ResourceGone,
            params: params! { "resource" => "Supabase-projektet", "resource_en" => "The Supabase project", "name" => project_ref },
        }),
        Err(e) => Err(Error::Provider(e.to_string())),
    }
}

/// The address the instance's Auth holds for its first administrator (`user_id`, the ledger's
/// record), proven the customer's by Fabrik's marker in the person's `app_metadata`, which only
/// the service role writes: where a handover's letter with its codes goes. Never the card's
/// address, which a register login can edit.
pub async fn first_admin_email(
    supabase: &crate::providers::supabase::Supabase,
    keys: &crate::providers::supabase::ApiKeys,
    customer: &crate::customer::Customer,
    project_ref: &str,
    user_id: &str,
) -> Result<String, StepError> {
    let admin = ("Den första administratören", "The first administrator");
    let user = supabase.get_user(project_ref, keys, user_id).await?;
    let Some(user) = user else {
        return Err(gone(admin, user_id));
    };
    match user.email.filter(|e| !e.trim().is_empty()) {
        Some(email) if ownership::auth_marked(&user.app_metadata, &customer.uid) => Ok(email),
        _ => Err(ownership::not_ours(admin.0, admin.1, user_id)),
    }
}

/// Whether the customer's Supabase project is still the agency's to hand over: in the agency's
/// organization (`agency_org`) and named with the customer's marker. Only then is its claim
/// token Fabrik's to revoke; a project the customer claimed is theirs, token and all. A project
/// no longer there is not.
pub async fn supabase_handable(
    supabase: &crate::providers::supabase::Supabase,
    agency_org: &str,
    customer: &crate::customer::Customer,
    project_ref: &str,
) -> Result<bool, crate::providers::ProviderError> {
    match supabase.get_project(project_ref).await {
        Ok(p) => Ok(p.organization_slug.as_deref() == Some(agency_org)
            && ownership::supabase_named(&p.name, &customer.slug, &customer.uid)),
        Err(e) if e.kind == crate::providers::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// The run's fence as the providers see it (`pacer::FENCE`).
pub struct RunFence {
    pub store: std::sync::Arc<crate::store::Store>,
    pub driver: crate::ledger::Driver,
}

impl crate::providers::pacer::Fence for RunFence {
    fn check(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), i64>> + Send + '_>> {
        let (store, driver) = (self.store.clone(), self.driver.clone());
        Box::pin(async move {
            let run = driver.run_id;
            match crate::blocking::run(move || store.hold(&driver)).await {
                Ok(()) => Ok(()),
                Err(e) => {
                    tracing::warn!(run, "a change was not sent: {e}");
                    Err(run)
                }
            }
        })
    }
}

/// Runs `work` (a step, a compensation) with the run's fence on every changing call.
pub async fn fenced<T>(ctx: &RunCtx, work: impl std::future::Future<Output = T>) -> T {
    let fence: std::sync::Arc<dyn crate::providers::pacer::Fence> = std::sync::Arc::new(RunFence {
        store: ctx.store.clone(),
        driver: ctx.driver.clone(),
    });
    crate::providers::pacer::FENCE.scope(fence, work).await
}

/// The fence: this driver still holds the run. A driver frozen after its ownership read and
/// thawed after another took the run over stops here, before its call.
pub async fn fence(ctx: &RunCtx) -> Result<(), StepError> {
    let driver = ctx.driver.clone();
    let store = ctx.store.clone();
    crate::blocking::run(move || store.hold(&driver))
        .await
        .map_err(|e: Error| StepError::permanent(e.code(), e.params()))
}

/// The customer's repository, proven: found by the id provisioning recorded (by its name and
/// marker for a run recorded before ids were), carrying the marker, with the fence held.
pub async fn repo(ctx: &RunCtx) -> Result<Repo, StepError> {
    let recorded = ctx.out::<outputs::GithubRepo>()?;
    let r = repo_by_record(ctx, &recorded).await?;
    let Some(r) = r else {
        return Err(gone(
            ("GitHub-repot", "The GitHub repository"),
            &recorded.full_name(),
        ));
    };
    if !ownership::carries(r.description.as_deref(), &ctx.customer.uid) {
        return Err(ownership::not_ours(
            "GitHub-repot",
            "The GitHub repository",
            &r.full_name,
        ));
    }
    fence(ctx).await?;
    Ok(r)
}

/// The repository a ledger record names, wherever it is now; `None` when it no longer exists.
pub async fn repo_by_record(
    ctx: &RunCtx,
    recorded: &outputs::GithubRepo,
) -> Result<Option<Repo>, StepError> {
    let github = &ctx.clients.github;
    let known = (recorded.owner.as_str(), recorded.name.as_str());
    Ok(match recorded.id {
        Some(id) => github.by_id(id, known).await?,
        // No id recorded: only exactly this name counts (a renamed one fails as moved).
        None => github.lookup(known.0, known.1).await?,
    })
}

/// The customer's Vercel project, proven: read by its id, carrying the marker, fence held.
pub async fn project(ctx: &RunCtx) -> Result<Project, StepError> {
    let recorded = ctx.out::<outputs::VercelProject>()?;
    let Some(p) = ctx.clients.vercel.project(&recorded.id).await? else {
        return Err(gone(
            ("Vercel-projektet", "The Vercel project"),
            &recorded.name,
        ));
    };
    // Vercel reads a path segment as an id or a name: only the project with this id counts.
    if p.id != recorded.id || !project_carries(&p, &ctx.customer.uid) {
        return Err(ownership::not_ours(
            "Vercel-projektet",
            "The Vercel project",
            &p.name,
        ));
    }
    fence(ctx).await?;
    Ok(p)
}

pub fn project_carries(p: &Project, uid: &str) -> bool {
    p.plain_env(ownership::VERCEL_ENV_KEY) == Some(uid)
}

fn gone((sv, en): (&str, &str), name: &str) -> StepError {
    StepError::permanent(
        ErrorCode::ResourceGone,
        params! { "resource" => sv, "resource_en" => en, "name" => name },
    )
}
