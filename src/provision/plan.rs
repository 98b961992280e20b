//! The dry run: for each step, what a run would create, adopt or refuse, found with read-only
//! calls only.

use serde::Serialize;
use ts_rs::TS;

use super::ownership;
use super::settings::ProvisionSettings;
use crate::customer::Customer;
use crate::environment::Environment;
use crate::ledger::AdoptionState;
use crate::ledger::StepKey;
use crate::messages::Text;
use crate::providers::Clients;
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
    /// The resource's name and what will happen to it.
    pub detail: Text,
    /// For a refused resource that was not created by Fabrik: its name, which the owner may
    /// type to adopt it on purpose.
    pub adoptable: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ProvisionPlan {
    pub slug: String,
    pub items: Vec<PlanItem>,
    /// What the preflight found: blocking problems (then there are no items) or caveats.
    pub preflight: Vec<super::preflight::Finding>,
    /// False when any step would be refused, or the preflight found a blocking problem.
    pub feasible: bool,
}

fn item(
    step: StepKey,
    action: PlanAction,
    sv: impl Into<String>,
    en: impl Into<String>,
) -> PlanItem {
    PlanItem {
        step,
        action,
        detail: Text::new(sv, en),
        adoptable: None,
    }
}

/// What the plan needs from the ledger, read before it (on the blocking pool) so planning itself
/// only makes read-only provider calls.
#[derive(Debug, Default)]
pub struct PlanLedger {
    /// Resource names the owner allowed adopting on purpose, in this environment.
    pub allowed: Vec<String>,
    /// Whether this environment already sent the customer's welcome email.
    pub welcome_sent: bool,
}

impl PlanLedger {
    pub fn read(
        store: &Store,
        customer: &Customer,
        environment: Environment,
    ) -> crate::Result<Self> {
        Ok(PlanLedger {
            allowed: store
                .adoptions(customer.id)?
                .into_iter()
                .filter(|a| a.environment == environment && a.state == AdoptionState::Allowed)
                .map(|a| a.resource)
                .collect(),
            welcome_sent: store.step_done_before(
                customer.id,
                StepKey::EmailWelcome,
                0,
                environment,
            )?,
        })
    }
}

/// The refusals a plan met, for the ledger (so the owner can adopt them from the window).
pub fn refusals(plan: &ProvisionPlan) -> Vec<(StepKey, String)> {
    plan.items
        .iter()
        .filter(|i| i.action == PlanAction::Refuse)
        .filter_map(|i| i.adoptable.clone().map(|name| (i.step, name)))
        .collect()
}

pub async fn plan(
    customer: &Customer,
    settings: &ProvisionSettings,
    clients: &Clients,
    ledger: &PlanLedger,
) -> Result<ProvisionPlan, ProviderError> {
    use PlanAction::*;
    let slug = &customer.slug;
    let mut items = Vec::new();
    // A same-named resource without the customer's marker: refused, unless the owner allowed
    // adopting it on purpose (then the run marks it).
    let foreign = |step: StepKey, (what_sv, what_en): (&str, &str), name: &str| {
        if ledger.allowed.iter().any(|a| a == name) {
            item(
                step,
                Adopt,
                format!("{what_sv} {name} skapades inte av Fabrik men tas över med avsikt: Fabriks märkning skrivs på det"),
                format!("{what_en} {name} was not created by Fabrik but is adopted on purpose: Fabrik's marker is written on it"),
            )
        } else {
            // `adoptable`: the engine records the refusal, so the owner can adopt it.
            PlanItem {
                adoptable: Some(name.to_string()),
                ..item(
                    step,
                    Refuse,
                    format!("{what_sv} {name} finns redan men skapades inte av Fabrik; det lämnas orört (ta över med --adopt {name})"),
                    format!("{what_en} {name} already exists but was not created by Fabrik; it is left alone (adopt it with --adopt {name})"),
                )
            }
        }
    };

    let projects = clients
        .supabase
        .find_projects(
            &settings.supabase_org,
            &super::ownership::supabase_project_name(slug, &customer.uid),
        )
        .await?;
    let project = projects
        .iter()
        .find(|p| !matches!(p.status.as_str(), "REMOVED" | "GOING_DOWN"));
    items.push(match project {
        Some(p) => item(
            StepKey::SupabaseProject,
            Adopt,
            format!(
                "Supabase-projektet {slug} ({}, {}) är redan kundens och används igen",
                p.project_ref, p.status
            ),
            format!(
                "The Supabase project {slug} ({}, {}) is already the customer's and is used again",
                p.project_ref, p.status
            ),
        ),
        None => {
            let (org, region) = (&settings.supabase_org, &settings.supabase_region);
            item(
                StepKey::SupabaseProject,
                Create,
                format!("Skapar Supabase-projektet {slug} i organisationen {org} ({region})"),
                format!("Creates the Supabase project {slug} in the organization {org} ({region})"),
            )
        }
    });
    items.push(item(
        StepKey::SupabaseReady,
        Run,
        "Väntar tills projektet är ACTIVE_HEALTHY",
        "Waits until the project is ACTIVE_HEALTHY",
    ));
    items.push(item(
        StepKey::SupabaseKeys,
        Run,
        "Hämtar anon- och service role-nycklar (sparas i nyckelringen)",
        "Fetches the anon and service role keys (kept in the keyring)",
    ));
    let tables = settings.expected_tables.len();
    items.push(item(
        StepKey::SupabaseSchema,
        Run,
        format!("Lägger in schemat ({tables} tabeller, radnivåsäkerhet på alla)"),
        format!("Applies the schema ({tables} tables, row-level security on all)"),
    ));
    let admin = &customer.admin_email;
    items.push(item(
        StepKey::SupabaseAdminUser,
        Run,
        format!("Skapar administratören {admin} (eller tar över en befintlig)"),
        format!("Creates the administrator {admin} (or adopts an existing one)"),
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
            format!("The template repository {template_name} does not exist or is not visible to the token"),
        ),
        (Some(t), _) if !t.is_template => item(
            StepKey::GithubRepo,
            Refuse,
            format!("{template_name} är inte markerat som mallrepo (is_template)"),
            format!("{template_name} is not marked as a template repository (is_template)"),
        ),
        (_, Some(r))
            if r.template_repository
                .as_ref()
                .is_some_and(|t| t.full_name.eq_ignore_ascii_case(&template_name)) =>
        {
            if ownership::carries(r.description.as_deref(), &customer.uid) {
                item(
                    StepKey::GithubRepo,
                    Adopt,
                    format!("Repot {} är redan kundens och används igen", r.full_name),
                    format!("The repository {} is already the customer's and is used again", r.full_name),
                )
            } else {
                foreign(StepKey::GithubRepo, ("Repot", "The repository"), &r.full_name)
            }
        }
        (_, Some(r)) => item(
            StepKey::GithubRepo,
            Refuse,
            format!(
                "Repot {} finns redan men skapades inte från mallen {template_name}",
                r.full_name
            ),
            format!(
                "The repository {} already exists but was not made from the template {template_name}",
                r.full_name
            ),
        ),
        (_, None) => {
            let owner = &settings.repo_owner;
            item(
                StepKey::GithubRepo,
                Create,
                format!("Skapar det privata repot {owner}/{slug} från mallen {template_name}"),
                format!("Creates the private repository {owner}/{slug} from the template {template_name}"),
            )
        }
    };
    items.push(repo_item);

    items.push(match clients.vercel.project(slug).await? {
        Some(p) if p.plain_env(ownership::VERCEL_ENV_KEY) == Some(customer.uid.as_str()) => item(
            StepKey::VercelProject,
            Adopt,
            format!(
                "Vercel-projektet {} ({}) är redan kundens och används igen",
                p.name, p.id
            ),
            format!(
                "The Vercel project {} ({}) is already the customer's and is used again",
                p.name, p.id
            ),
        ),
        Some(p) => foreign(
            StepKey::VercelProject,
            ("Vercel-projektet", "The Vercel project"),
            &p.name,
        ),
        None => item(
            StepKey::VercelProject,
            Create,
            format!("Skapar Vercel-projektet {slug} kopplat till repot"),
            format!("Creates the Vercel project {slug} linked to the repository"),
        ),
    });
    items.push(item(
        StepKey::VercelEnv,
        Run,
        "Sätter miljövariabler (Supabase-URL, nycklar, adressnamn, moduler)",
        "Sets environment variables (Supabase URL, keys, address name, modules)",
    ));
    items.push(item(
        StepKey::VercelDeploy,
        Run,
        "Driftsätter till produktion och väntar på READY",
        "Deploys to production and waits for READY",
    ));

    let wf = super::workflow_name(slug);
    let found = clients.n8n.find_by_name(&wf).await?;
    let ours = found
        .iter()
        .find(|w| ownership::n8n_carries(&w.nodes, &customer.uid));
    items.push(match (ours, found.first()) {
        (Some(w), _) => item(
            StepKey::N8nWorkflow,
            Adopt,
            format!(
                "n8n-flödet {wf} ({}) är redan kundens och används igen",
                w.id
            ),
            format!(
                "The n8n workflow {wf} ({}) is already the customer's and is used again",
                w.id
            ),
        ),
        (None, Some(_)) => foreign(
            StepKey::N8nWorkflow,
            ("n8n-flödet", "The n8n workflow"),
            &wf,
        ),
        (None, None) => item(
            StepKey::N8nWorkflow,
            Create,
            format!("Skapar och aktiverar n8n-flödet {wf}"),
            format!("Creates and activates the n8n workflow {wf}"),
        ),
    });
    let sent = ledger.welcome_sent;
    items.push(if sent {
        item(
            StepKey::EmailWelcome,
            Skip,
            "Välkomstmejlet är redan skickat",
            "The welcome email has already been sent",
        )
    } else {
        item(
            StepKey::EmailWelcome,
            Run,
            format!("Skickar välkomstmejlet till {admin}"),
            format!("Sends the welcome email to {admin}"),
        )
    });
    items.push(item(
        StepKey::Finalize,
        Run,
        "Sparar instansens uppgifter på kunden",
        "Saves the instance's details on the customer",
    ));
    let feasible = !items.iter().any(|i| i.action == Refuse);
    Ok(ProvisionPlan {
        slug: slug.clone(),
        items,
        preflight: Vec::new(),
        feasible,
    })
}
