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
use crate::messages::{Say, Text};
use crate::providers::Clients;
use crate::providers::ProviderError;
use crate::provision::adoptions::AdoptionRows;
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

impl PlanAction {
    /// What the plan does with a step, from the catalogue.
    pub fn label(self) -> Say {
        match self {
            PlanAction::Create => Say::PlanCreate,
            PlanAction::Adopt => Say::PlanAdopt,
            PlanAction::Refuse => Say::PlanRefuse,
            PlanAction::Run => Say::PlanRun,
            PlanAction::Skip => Say::PlanSkip,
        }
    }
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
    /// That resource's id at its provider: what the owner sees, and what a permission names.
    pub provider_id: Option<String>,
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

fn item(step: StepKey, action: PlanAction, detail: Text) -> PlanItem {
    PlanItem {
        step,
        action,
        detail,
        adoptable: None,
        provider_id: None,
    }
}

/// What the plan needs from the ledger, read before it (on the blocking pool) so planning itself
/// only makes read-only provider calls.
#[derive(Debug, Default)]
pub struct PlanLedger {
    /// The resources the owner allowed adopting on purpose in this environment: name and id.
    pub allowed: Vec<(String, Option<String>)>,
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
                .map(|a| (a.resource, a.external_id))
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

/// The refusals a plan met, with the ids it showed, for the ledger (so the owner can adopt
/// them from the window).
pub fn refusals(plan: &ProvisionPlan) -> Vec<(StepKey, String, String)> {
    plan.items
        .iter()
        .filter(|i| i.action == PlanAction::Refuse)
        .filter_map(|i| Some((i.step, i.adoptable.clone()?, i.provider_id.clone()?)))
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
    // Shown with its provider id; allowed only as that id (one replaced since is refused).
    let foreign = |step: StepKey, (what_sv, what_en): (&str, &str), name: &str, id: &str| {
        let mut p = crate::messages::params! { "name" => name, "id" => id };
        crate::messages::param_text(&mut p, "what", &Text::new(what_sv, what_en));
        if ledger
            .allowed
            .iter()
            .any(|(n, i)| n == name && i.as_deref() == Some(id))
        {
            item(step, Adopt, Say::PlanAdoptedOnPurpose.with(p))
        } else {
            // `adoptable`: the engine records the refusal, so the owner can adopt it.
            PlanItem {
                adoptable: Some(name.to_string()),
                provider_id: Some(id.to_string()),
                ..item(step, Refuse, Say::PlanRefusedNotOurs.with(p))
            }
        }
    };

    let projects = clients
        .supabase
        .find_projects(
            &settings.supabase_org,
            &super::ownership::supabase_project_name(slug, &customer.uid),
            |name| super::ownership::supabase_named(name, slug, &customer.uid),
        )
        .await?;
    let project = projects
        .iter()
        .find(|p| !matches!(p.status.as_str(), "REMOVED" | "GOING_DOWN"));
    items.push(match project {
        Some(p) => item(StepKey::SupabaseProject, Adopt, crate::messages::Say::PlanSupabaseProjectAlreadyCustomerS.with(crate::messages::params! { "slug" => slug, "project_ref" => p.project_ref, "status" => p.status })),
        None => {
            let (org, region) = (&settings.supabase_org, &settings.supabase_region);
            item(StepKey::SupabaseProject, Create, crate::messages::Say::PlanCreatesSupabaseProjectOrganization.with(crate::messages::params! { "slug" => slug, "org" => org, "region" => region }))
        }
    });
    items.push(item(
        StepKey::SupabaseReady,
        Run,
        crate::messages::Say::PlanWaitsUntilProjectACTIVEHEALTHY.text(),
    ));
    items.push(item(
        StepKey::SupabaseKeys,
        Run,
        crate::messages::Say::PlanFetchesAnonServiceRoleKeys.text(),
    ));
    let tables = settings.expected_tables.len();
    items.push(item(
        StepKey::SupabaseSchema,
        Run,
        crate::messages::Say::PlanAppliesSchemaTablesRowLevel
            .with(crate::messages::params! { "tables" => tables }),
    ));
    let admin = &customer.admin_email;
    items.push(item(
        StepKey::SupabaseAdminUser,
        Run,
        crate::messages::Say::PlanCreatesAdministratorAdoptsExistingOne
            .with(crate::messages::params! { "admin" => admin }),
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
            crate::messages::Say::PlanTemplateRepositoryDoesNotExist
                .with(crate::messages::params! { "template_name" => template_name }),
        ),
        (Some(t), _) if !t.is_template => item(
            StepKey::GithubRepo,
            Refuse,
            crate::messages::Say::PlanNotMarkedTemplateRepositoryTemplate
                .with(crate::messages::params! { "template_name" => template_name }),
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
                    crate::messages::Say::PlanRepositoryAlreadyCustomerSUsed
                        .with(crate::messages::params! { "full_name" => r.full_name }),
                )
            } else {
                foreign(
                    StepKey::GithubRepo,
                    ("Repot", "The repository"),
                    &r.full_name,
                    &r.id.to_string(),
                )
            }
        }
        (_, Some(r)) => item(
            StepKey::GithubRepo,
            Refuse,
            crate::messages::Say::PlanRepositoryAlreadyExistsButWas.with(
                crate::messages::params! { "full_name" => r.full_name, "template_name" => template_name },
            ),
        ),
        (_, None) => {
            let owner = &settings.repo_owner;
            item(StepKey::GithubRepo, Create, crate::messages::Say::PlanCreatesPrivateRepositoryFromTemplate.with(crate::messages::params! { "owner" => owner, "slug" => slug, "template_name" => template_name }))
        }
    };
    items.push(repo_item);

    items.push(match clients.vercel.project(slug).await? {
        Some(p) if p.plain_env(ownership::VERCEL_ENV_KEY) == Some(customer.uid.as_str()) => item(
            StepKey::VercelProject,
            Adopt,
            crate::messages::Say::PlanVercelProjectAlreadyCustomerS
                .with(crate::messages::params! { "name" => p.name, "id" => p.id }),
        ),
        Some(p) => foreign(
            StepKey::VercelProject,
            ("Vercel-projektet", "The Vercel project"),
            &p.name,
            &p.id,
        ),
        None => item(
            StepKey::VercelProject,
            Create,
            crate::messages::Say::PlanCreatesVercelProjectLinkedRepository
                .with(crate::messages::params! { "slug" => slug }),
        ),
    });
    items.push(item(
        StepKey::VercelEnv,
        Run,
        crate::messages::Say::PlanSetsEnvironmentVariablesSupabaseURL.text(),
    ));
    items.push(item(
        StepKey::VercelDeploy,
        Run,
        crate::messages::Say::PlanDeploysProductionWaitsREADY.text(),
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
            crate::messages::Say::PlanN8nWorkflowAlreadyCustomerS
                .with(crate::messages::params! { "wf" => wf, "id" => w.id }),
        ),
        (None, Some(theirs)) => foreign(
            StepKey::N8nWorkflow,
            ("n8n-flödet", "The n8n workflow"),
            &wf,
            &theirs.id,
        ),
        (None, None) => item(
            StepKey::N8nWorkflow,
            Create,
            crate::messages::Say::PlanCreatesActivatesN8nWorkflow
                .with(crate::messages::params! { "wf" => wf }),
        ),
    });
    let sent = ledger.welcome_sent;
    items.push(if sent {
        item(
            StepKey::EmailWelcome,
            Skip,
            crate::messages::Say::PlanWelcomeEmailHasAlreadyBeen.text(),
        )
    } else {
        item(
            StepKey::EmailWelcome,
            Run,
            crate::messages::Say::PlanSendsWelcomeEmail
                .with(crate::messages::params! { "admin" => admin }),
        )
    });
    items.push(item(
        StepKey::Finalize,
        Run,
        crate::messages::Say::PlanSavesInstanceSDetailsCustomer.text(),
    ));
    let feasible = !items.iter().any(|i| i.action == Refuse);
    Ok(ProvisionPlan {
        slug: slug.clone(),
        items,
        preflight: Vec::new(),
        feasible,
    })
}
