//! The customer as stored, as listed, as drafted and as patched.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::vocabulary::vocabulary;

vocabulary!(
    /// The agency's price plans; each implies a default set of modules (the module manifest).
    pub enum Plan { Starter => "starter", Professional => "professional", Enterprise => "enterprise" }
);
vocabulary!(
    /// Product modules a customer's instance enables.
    pub enum Module { Crm => "crm", Email => "email", Social => "social", Content => "content", Accommodation => "accommodation" }
);
vocabulary!(
    /// Where the customer stands in its life cycle.
    pub enum Status { Pending => "pending", Provisioning => "provisioning", Active => "active", Failed => "failed", Inactive => "inactive" }
);

/// What Fabrik knows of the customer's SaaS instance ("SaaS-instans").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Instance {
    pub production_url: Option<String>,
    pub github_repo_url: Option<String>,
    pub supabase_project_ref: Option<String>,
    pub vercel_project_id: Option<String>,
    pub n8n_workflow_id: Option<String>,
}

impl Instance {
    pub fn is_empty(&self) -> bool {
        self == &Instance::default()
    }
}

/// Quick links derived from the instance; a link exists only when its value does, and only
/// `https:` links are ever produced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct InstanceLinks {
    pub production: Option<String>,
    pub github: Option<String>,
    pub supabase: Option<String>,
    pub vercel: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Customer {
    #[ts(type = "number")]
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub admin_email: String,
    pub contact_name: Option<String>,
    pub plan: Plan,
    pub modules: Vec<Module>,
    pub status: Status,
    pub notes: String,
    /// Example data ("exempeldata"), removable in one click.
    pub is_example: bool,
    pub instance: Instance,
    pub links: InstanceLinks,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped on every write; an edit made against an older version is refused.
    #[ts(type = "number")]
    pub version: i64,
    /// Immutable from creation (UUID v4): the ownership marker on everything Fabrik creates
    /// for this customer.
    pub uid: String,
    /// The environment whose instance card and status these are (sandbox or production).
    pub environment: crate::environment::Environment,
    /// What the instance in this environment was last built with (`client-config.json` and
    /// the modules variable); `None` when unknown (never built, or built before Fabrik kept it).
    pub applied: Option<Applied>,
    /// The saved plan or modules differ from what the instance runs: "Uppdatera moduler" has
    /// something to do. Only for an active instance.
    pub modules_outdated: bool,
    /// When Stripe ended the subscription this customer came from (the inbox): shown as
    /// cancelled, with pause and teardown offered. Fabrik never tears down on its own.
    pub cancelled_at: Option<String>,
    /// Fabrik's own runs made (or may have made) something for this customer in this
    /// environment that no teardown has removed since: the ledger's word, not the card's. Only
    /// then is "Avveckla" offered; a card typed by hand or imported has nothing of Fabrik's.
    pub made_by_fabrik: bool,
}

/// A plan and its modules as an instance was built with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Applied {
    pub plan: Plan,
    pub modules: Vec<Module>,
}

impl Customer {
    /// Whether "Uppdatera moduler" would change the active instance: the saved plan or modules
    /// are not what it was built with (or that is not known).
    pub fn outdated(
        status: Status,
        plan: Plan,
        modules: &[Module],
        applied: Option<&Applied>,
    ) -> bool {
        status == Status::Active
            && applied.is_none_or(|a| a.plan != plan || sorted(&a.modules) != sorted(modules))
    }
}

fn sorted(modules: &[Module]) -> Vec<Module> {
    let mut m = modules.to_vec();
    m.sort();
    m.dedup();
    m
}

/// One line of the register: what the list shows, kept small for 10,000 rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CustomerRow {
    #[ts(type = "number")]
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub admin_email: String,
    pub plan: Plan,
    pub status: Status,
    pub is_example: bool,
    pub production_url: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The instance's last health check in this environment; `None` when never checked.
    pub health: Option<super::health::HealthSummary>,
    /// The instance's site, repository, Supabase and Vercel, for the register's column.
    pub links: InstanceLinks,
    /// Stripe ended the subscription (`Customer::cancelled_at`).
    pub cancelled_at: Option<String>,
}

/// A new customer as typed in the form or on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct CustomerDraft {
    pub name: String,
    /// Derived from the name when empty.
    #[ts(optional)]
    pub slug: Option<String>,
    pub admin_email: String,
    #[ts(optional)]
    pub contact_name: Option<String>,
    /// `starter` when absent.
    #[ts(optional)]
    pub plan: Option<Plan>,
    /// From the plan (module manifest) when absent.
    #[ts(optional)]
    pub modules: Option<Vec<Module>>,
    /// `pending` when absent.
    #[ts(optional)]
    pub status: Option<Status>,
    #[ts(optional)]
    pub notes: Option<String>,
}

/// A change to an existing customer: absent fields stay as they are; an empty string clears an
/// optional text field (contact, notes, the instance values).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct CustomerPatch {
    #[ts(optional)]
    pub name: Option<String>,
    #[ts(optional)]
    pub slug: Option<String>,
    #[ts(optional)]
    pub admin_email: Option<String>,
    #[ts(optional)]
    pub contact_name: Option<String>,
    #[ts(optional)]
    pub plan: Option<Plan>,
    #[ts(optional)]
    pub modules: Option<Vec<Module>>,
    #[ts(optional)]
    pub status: Option<Status>,
    #[ts(optional)]
    pub notes: Option<String>,
    #[ts(optional)]
    pub production_url: Option<String>,
    #[ts(optional)]
    pub github_repo_url: Option<String>,
    #[ts(optional)]
    pub supabase_project_ref: Option<String>,
    #[ts(optional)]
    pub vercel_project_id: Option<String>,
    #[ts(optional)]
    pub n8n_workflow_id: Option<String>,
    /// The version the editor started from; the write is refused if the customer moved on.
    #[ts(optional, type = "number")]
    pub expected_version: Option<i64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    NameAsc,
    NameDesc,
    CreatedDesc,
    CreatedAsc,
}

/// Search, filter, order and the page of the register to read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct CustomerQuery {
    /// Matches name, slug or admin email, case-insensitively.
    #[ts(optional)]
    pub search: Option<String>,
    #[ts(optional)]
    pub status: Option<Status>,
    #[ts(optional)]
    pub sort: Option<SortKey>,
    /// The first row of the page, counted in the filtered and sorted list; 0 when absent.
    #[ts(optional)]
    pub offset: Option<u32>,
    /// Rows in the page: [`CustomerQuery::PAGE`] when absent, at most [`CustomerQuery::MAX_PAGE`].
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl CustomerQuery {
    /// A page: a few screens of rows, so the list scrolls without asking at every step.
    pub const PAGE: u32 = 100;
    /// The most rows one answer carries, whatever is asked: the register's size never
    /// decides how much one call moves or holds.
    pub const MAX_PAGE: u32 = 500;
}

/// One page of the register and where it sits in the whole filtered list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CustomerListing {
    /// Customers that match the search and filter, across all pages.
    pub total: u32,
    /// The list position of `rows[0]`.
    pub offset: u32,
    pub rows: Vec<CustomerRow>,
    /// Whether the register holds example customers (whatever the filter), for the notice
    /// that offers to remove them.
    pub has_examples: bool,
}

impl InstanceLinks {
    /// `vercel_scope` is the Vercel team (or account) slug, needed for a dashboard URL; the
    /// project is named after the customer's slug.
    pub fn derive(instance: &Instance, slug: &str, vercel_scope: Option<&str>) -> InstanceLinks {
        let https = |v: &Option<String>| v.clone().filter(|u| u.starts_with("https://"));
        InstanceLinks {
            production: https(&instance.production_url),
            github: https(&instance.github_repo_url),
            supabase: instance
                .supabase_project_ref
                .as_ref()
                .map(|r| format!("https://supabase.com/dashboard/project/{r}")),
            vercel: instance
                .vercel_project_id
                .as_ref()
                .map(|_| match vercel_scope {
                    Some(scope) if !scope.is_empty() => {
                        format!("https://vercel.com/{scope}/{slug}")
                    }
                    _ => "https://vercel.com/dashboard".to_string(),
                }),
        }
    }
}

/// The names of the variables an instance's Vercel project carries (settings `env.*`).
#[derive(Debug, Clone, Serialize, TS)]
pub struct EnvNames {
    pub supabase_url: String,
    pub anon_key: String,
    pub service_role_key: String,
    pub slug: String,
    pub modules: String,
}

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(PLANS: "plans" => Plan);
crate::words::words_table!(STATUSES: "statuses" => Status);
