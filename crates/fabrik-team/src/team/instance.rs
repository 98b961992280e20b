//! The customer's instance, proven theirs before anything is asked of it (the ledger's project
//! read now by its id, its marker name), and what it holds of the team: its keys, its profiles,
//! and the register's invitations. Each request to the instance is counted (`Calls`).

use super::*;
use crate::customer::rows::CustomerRows;
use crate::team::rows::TeamRows;

/// The profiles of the instance's team, every one.
const PROFILES_SQL: &str = "select id::text as id, email, full_name, role, status from public.users order by created_at, email";

/// One row of `public.users` as read.
#[derive(Debug, Clone)]
pub(super) struct Profile {
    pub(super) id: String,
    pub(super) email: String,
    pub(super) full_name: Option<String>,
    pub(super) role: String,
    pub(super) status: String,
}

fn profile(v: &Value) -> Option<Profile> {
    let s = |k: &str| v[k].as_str().map(str::to_string);
    Some(Profile {
        id: s("id")?,
        email: s("email").unwrap_or_default().to_lowercase(),
        full_name: s("full_name"),
        role: s("role").unwrap_or_default(),
        status: s("status").unwrap_or_default(),
    })
}

/// The customer's delivered instance, proven theirs, and what is known of its team.
pub(super) struct Instance {
    pub(super) customer: Customer,
    pub(super) project_ref: String,
    /// The first administrator provisioning made (the ledger's).
    pub(super) first_admin: Option<String>,
}

/// Counts the requests made to the instance.
pub(super) struct Calls(pub(super) u32);

impl Calls {
    /// The count once `Team::instance` read the project to prove it the customer's.
    pub(super) fn after_proof() -> Calls {
        Calls(1)
    }

    pub(super) fn add<T>(
        &mut self,
        r: std::result::Result<T, ProviderError>,
    ) -> std::result::Result<T, ProviderError> {
        self.0 += 1;
        r
    }
}

/// Whether Fabrik's marker for this customer is on the user (only the service role writes
/// `app_metadata`).
pub(super) fn marked(user: &AuthUser, uid: &str) -> bool {
    ownership::auth_marked(&user.app_metadata, uid)
}

impl Team {
    /// The ledger's project for the customer's delivered, active instance, proven theirs now.
    pub(super) async fn instance(&self, slug: &str) -> Result<Instance> {
        let (slug, env) = (slug.to_string(), self.engine.environment());
        let (customer, project, admin) = self
            .engine
            .db(move |s| {
                let c = s.get_customer_in(&slug, env)?;
                let p = s.last_step_output(c.id, StepKey::SupabaseProject, env)?;
                let a = s.last_step_output(c.id, StepKey::SupabaseAdminUser, env)?;
                Ok((c, p, a))
            })
            .await?;
        let (checked, engine) = (customer.clone(), self.engine.clone());
        crate::blocking::run(move || engine.ready_for(RunKind::AuthMail, &checked)).await?;
        let project = project
            .and_then(|v| serde_json::from_value::<outputs::SupabaseProject>(v).ok())
            .ok_or_else(|| Error::NotProvisioned(customer.slug.clone()))?;
        let first_admin = admin
            .and_then(|v| serde_json::from_value::<outputs::AdminUser>(v).ok())
            .map(|a| a.user_id);
        let r = project.project_ref;
        crate::provision::proof::supabase_project(&self.engine.clients().supabase, &customer, &r)
            .await?;
        Ok(Instance {
            customer,
            project_ref: r,
            first_admin,
        })
    }

    pub(super) async fn keys(&self, at: &Instance, calls: &mut Calls) -> Result<ApiKeys> {
        let s = &self.engine.clients().supabase;
        calls
            .add(s.api_keys(&at.project_ref).await)
            .map_err(provider)
    }

    pub(super) async fn profiles(&self, at: &Instance, calls: &mut Calls) -> Result<Vec<Profile>> {
        let s = &self.engine.clients().supabase;
        let rows = calls
            .add(s.run_query(&at.project_ref, PROFILES_SQL).await)
            .map_err(provider)?;
        Ok(rows.iter().filter_map(profile).collect())
    }

    pub(super) async fn invites(&self, at: &Instance) -> Result<Vec<TeamInvite>> {
        let (id, env) = (at.customer.id, self.engine.environment());
        self.engine.db(move |s| s.team_invites(id, env)).await
    }
}
