//! The dry run: for each step, what a run would create, adopt or refuse, found with read-only
//! calls only.

use serde::Serialize;
use ts_rs::TS;

use super::clients::Clients;
use super::settings::ProvisionSettings;
use super::step::StepKey;
use crate::customer::Customer;
use crate::providers::ProviderError;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PlanAction {
    Create,
    Adopt,
    Refuse,
    Run,
    Skip,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PlanItem {
    pub step: StepKey,
    pub action: PlanAction,
    /// In Swedish: the resource name and what will happen to it.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ProvisionPlan {
    pub slug: String,
    pub items: Vec<PlanItem>,
    /// False when any step would be refused.
    pub feasible: bool,
}

fn item(step: StepKey, action: PlanAction, detail: impl Into<String>) -> PlanItem {
    PlanItem {
        step,
        action,
        detail: detail.into(),
    }
}

pub async fn plan(
    customer: &Customer,
    settings: &ProvisionSettings,
    clients: &Clients,
    store: &Store,
) -> Result<ProvisionPlan, ProviderError> {
    use PlanAction::*;
    let slug = &customer.slug;
    let mut items = Vec::new();

    let projects = clients
        .supabase
        .find_projects(&settings.supabase_org, slug)
        .await?;
    let project = projects
        .iter()
        .find(|p| !matches!(p.status.as_str(), "REMOVED" | "GOING_DOWN"));
    items.push(match project {
        Some(p) => item(
            StepKey::SupabaseProject,
            Adopt,
            format!(
                "Supabase-projektet {slug} finns redan ({}, {}) och tas över",
                p.project_ref, p.status
            ),
        ),
        None => item(
            StepKey::SupabaseProject,
            Create,
            format!(
                "Skapar Supabase-projektet {slug} i organisationen {} ({})",
                settings.supabase_org, settings.supabase_region
            ),
        ),
    });
    items.push(item(
        StepKey::SupabaseReady,
        Run,
        "Väntar tills projektet är ACTIVE_HEALTHY",
    ));
    items.push(item(
        StepKey::SupabaseKeys,
        Run,
        "Hämtar anon- och service role-nycklar (sparas i nyckelringen)",
    ));
    items.push(item(
        StepKey::SupabaseSchema,
        Run,
        format!(
            "Lägger in schemat ({} tabeller, radnivåsäkerhet på alla)",
            settings.expected_tables.len()
        ),
    ));
    items.push(item(
        StepKey::SupabaseAdminUser,
        Run,
        format!(
            "Skapar administratören {} (eller tar över en befintlig)",
            customer.admin_email
        ),
    ));

    let template = clients
        .github
        .repo(&settings.template_owner, &settings.template_repo)
        .await?;
    let template_name = format!("{}/{}", settings.template_owner, settings.template_repo);
    let repo_item = match (
        &template,
        clients.github.repo(&settings.repo_owner, slug).await?,
    ) {
        (None, _) => item(
            StepKey::GithubRepo,
            Refuse,
            format!("Mallrepot {template_name} finns inte eller syns inte för token"),
        ),
        (Some(t), _) if !t.is_template => item(
            StepKey::GithubRepo,
            Refuse,
            format!("{template_name} är inte markerat som mallrepo (is_template)"),
        ),
        (_, Some(r))
            if r.template_repository
                .as_ref()
                .is_some_and(|t| t.full_name.eq_ignore_ascii_case(&template_name)) =>
        {
            item(
                StepKey::GithubRepo,
                Adopt,
                format!("Repot {} finns redan från mallen och tas över", r.full_name),
            )
        }
        (_, Some(r)) => item(
            StepKey::GithubRepo,
            Refuse,
            format!(
                "Repot {} finns redan men skapades inte från mallen {template_name}",
                r.full_name
            ),
        ),
        (_, None) => item(
            StepKey::GithubRepo,
            Create,
            format!(
                "Skapar det privata repot {}/{slug} från mallen {template_name}",
                settings.repo_owner
            ),
        ),
    };
    items.push(repo_item);

    items.push(match clients.vercel.project(slug).await? {
        Some(p) => item(
            StepKey::VercelProject,
            Adopt,
            format!(
                "Vercel-projektet {} finns redan ({}) och tas över",
                p.name, p.id
            ),
        ),
        None => item(
            StepKey::VercelProject,
            Create,
            format!("Skapar Vercel-projektet {slug} kopplat till repot"),
        ),
    });
    items.push(item(
        StepKey::VercelEnv,
        Run,
        "Sätter miljövariabler (Supabase-URL, nycklar, adressnamn, moduler)",
    ));
    items.push(item(
        StepKey::VercelDeploy,
        Run,
        "Driftsätter till produktion och väntar på READY",
    ));

    let wf = super::workflow_name(slug);
    items.push(match clients.n8n.find_by_name(&wf).await?.first() {
        Some(w) => item(
            StepKey::N8nWorkflow,
            Adopt,
            format!("n8n-flödet {wf} finns redan ({}) och tas över", w.id),
        ),
        None => item(
            StepKey::N8nWorkflow,
            Create,
            format!("Skapar och aktiverar n8n-flödet {wf}"),
        ),
    });
    let sent = store
        .step_done_before(customer.id, StepKey::EmailWelcome, 0)
        .unwrap_or(false);
    items.push(if sent {
        item(
            StepKey::EmailWelcome,
            Skip,
            "Välkomstmejlet är redan skickat",
        )
    } else {
        item(
            StepKey::EmailWelcome,
            Run,
            format!("Skickar välkomstmejlet till {}", customer.admin_email),
        )
    });
    items.push(item(
        StepKey::Finalize,
        Run,
        "Sparar instansens uppgifter på kunden",
    ));
    let feasible = !items.iter().any(|i| i.action == Refuse);
    Ok(ProvisionPlan {
        slug: slug.clone(),
        items,
        feasible,
    })
}
