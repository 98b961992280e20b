//! The reads of one health check, one provider each, side by side. A provider that cannot be
//! read is a finding (`Unreachable`), never an error of the check: the other parts still count.

use std::time::Instant;

use super::{FindingKind, HealthFinding, HealthPart, SiteProbe};
use crate::customer::EnvNames;
use crate::customer::Instance;
use crate::ledger::StepKey;
use crate::messages::Text;
use crate::providers::error::{ErrorKind, ProviderError};
use crate::providers::vercel::host_of;
use crate::providers::Clients;

/// Instances checked at once by a bulk check ("Kontrollera alla", `fabrik status`): the shared
/// pacer keeps the calls within each provider's limits whatever this is; it bounds how many
/// wait at a time.
pub const AT_ONCE: usize = 8;

/// The services a delivered instance uses: sign-in, the database, the REST API.
const SERVICES: [&str; 3] = ["auth", "db", "rest"];

fn finding(
    part: HealthPart,
    kind: FindingKind,
    subject: &str,
    message: Text,
    action: Text,
    repair: Option<StepKey>,
) -> HealthFinding {
    HealthFinding {
        part,
        kind,
        subject: subject.to_string(),
        message,
        action,
        repair,
    }
}

fn unreachable(part: HealthPart, subject: &str, e: &ProviderError) -> HealthFinding {
    let action = match e.kind {
        ErrorKind::Unauthorized | ErrorKind::Forbidden => {
            crate::messages::Say::HealthCheckTokenSettingsCheckAgain
                .with(crate::messages::params! { "provider" => e.provider.display_name() })
        }
        _ => crate::messages::Say::HealthCheckAgainLater.text(),
    };
    finding(
        part,
        FindingKind::Unreachable,
        subject,
        crate::messages::Say::HealthCouldNotRead.with(crate::messages::params! { "e" => e }),
        action,
        None,
    )
}

/// Reads every part the instance card names and returns what differs, and the site's answer.
/// A part the card does not name (an instance built before Fabrik kept it) is not checked.
pub async fn check(
    clients: &Clients,
    env: &EnvNames,
    instance: &Instance,
) -> (Option<SiteProbe>, Vec<HealthFinding>) {
    let supabase = async {
        match &instance.supabase_project_ref {
            Some(r) => supabase(clients, r).await,
            None => Vec::new(),
        }
    };
    let vercel = async {
        match &instance.vercel_project_id {
            Some(id) => vercel(clients, env, id).await,
            None => Vec::new(),
        }
    };
    let site = async {
        match &instance.production_url {
            Some(url) => site(clients, url).await,
            None => (None, Vec::new()),
        }
    };
    let repo = async {
        match &instance.github_repo_url {
            Some(url) => repository(clients, url).await,
            None => Vec::new(),
        }
    };
    let workflow = async {
        match &instance.n8n_workflow_id {
            Some(id) => workflow(clients, id).await,
            None => Vec::new(),
        }
    };
    let (a, b, (probe, c), d, e) = tokio::join!(supabase, vercel, site, repo, workflow);
    (probe, [a, b, c, d, e].concat())
}

async fn supabase(clients: &Clients, project_ref: &str) -> Vec<HealthFinding> {
    use FindingKind::*;
    let part = HealthPart::SupabaseProject;
    let project = match clients.supabase.get_project(project_ref).await {
        Ok(p) => p,
        Err(e) if e.kind == ErrorKind::NotFound => {
            return vec![finding(
                part,
                Missing,
                project_ref,
                crate::messages::Say::HealthSupabaseProjectNoLongerExists
                    .with(crate::messages::params! { "project_ref" => project_ref }),
                crate::messages::Say::HealthInstanceMustBuiltAgainTear.text(),
                None,
            )]
        }
        Err(e) => return vec![unreachable(part, project_ref, &e)],
    };
    let status = project.status.as_str();
    match status {
        "ACTIVE_HEALTHY" => {}
        "INACTIVE" | "PAUSING" => {
            return vec![finding(
                part,
                Paused,
                project_ref,
                crate::messages::Say::HealthSupabaseProjectPausedCustomerCannot
                    .with(crate::messages::params! { "status" => status }),
                crate::messages::Say::HealthResumeProjectCustomerShouldActive.text(),
                None,
            )]
        }
        "REMOVED" | "GOING_DOWN" => {
            return vec![finding(
                part,
                Missing,
                project_ref,
                crate::messages::Say::HealthSupabaseProjectBeingRemoved
                    .with(crate::messages::params! { "status" => status }),
                crate::messages::Say::HealthInstanceMustBuiltAgainTear.text(),
                None,
            )]
        }
        _ => {
            return vec![finding(
                part,
                Unhealthy,
                project_ref,
                crate::messages::Say::HealthSupabaseProjectNotHealthy
                    .with(crate::messages::params! { "status" => status }),
                crate::messages::Say::HealthCheckAgainFewMinutesStays.text(),
                None,
            )]
        }
    }
    let (services, mode) = tokio::join!(
        clients.supabase.services_health(project_ref, &SERVICES),
        clients.supabase.read_only_mode(project_ref)
    );
    let mut out = match services {
        Err(e) => vec![unreachable(HealthPart::SupabaseService, project_ref, &e)],
        Ok(services) => services
            .iter()
            .filter(|s| s.status != "ACTIVE_HEALTHY")
            .map(|s| {
                let why = s
                    .error
                    .as_deref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default();
                finding(
                    HealthPart::SupabaseService,
                    Unhealthy,
                    &s.name,
                    crate::messages::Say::HealthServiceReports.with(
                        crate::messages::params! { "name" => s.name, "status" => s.status, "why" => why },
                    ),
                    crate::messages::Say::HealthCheckAgainFewMinutesStays.text(),
                    None,
                )
            })
            .collect(),
    };
    // Supabase locks a database past its plan's size: the site answers, nothing is saved.
    match mode {
        Ok(m) if m.locked() => out.push(finding(
            part,
            Unhealthy,
            project_ref,
            crate::messages::Say::HealthSupabaseDatabaseReadOnly.text(),
            crate::messages::Say::HealthSupabaseFreeSpaceOrUpgrade.text(),
            None,
        )),
        Ok(_) => {}
        // A service that does not know the route (another implementation) leaves it unknown.
        Err(e) if e.kind == ErrorKind::NotFound => {}
        Err(e) => out.push(unreachable(part, project_ref, &e)),
    }
    out
}

async fn vercel(clients: &Clients, env: &EnvNames, project_id: &str) -> Vec<HealthFinding> {
    use FindingKind::*;
    let project = match clients.vercel.project(project_id).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return vec![finding(
                HealthPart::VercelProject,
                Missing,
                project_id,
                crate::messages::Say::HealthVercelProjectNoLongerExists
                    .with(crate::messages::params! { "project_id" => project_id }),
                crate::messages::Say::HealthInstanceMustBuiltAgainTear.text(),
                None,
            )]
        }
        Err(e) => return vec![unreachable(HealthPart::VercelProject, project_id, &e)],
    };
    let mut out = Vec::new();
    // The variables Fabrik set: each present, and for production at least. Values are never
    // asked for (the listing is not decrypted).
    match clients.vercel.env_list(&project.id).await {
        Err(e) => out.push(unreachable(HealthPart::VercelEnv, &project.id, &e)),
        Ok(vars) => {
            for key in [
                &env.supabase_url,
                &env.anon_key,
                &env.service_role_key,
                &env.slug,
                &env.modules,
            ] {
                let found: Vec<_> = vars.iter().filter(|v| &v.key == key).collect();
                let repair = Some(StepKey::VercelEnv);
                if found.is_empty() {
                    out.push(finding(
                        HealthPart::VercelEnv,
                        Missing,
                        key,
                        crate::messages::Say::HealthEnvironmentVariableMissingVercel
                            .with(crate::messages::params! { "key" => key }),
                        crate::messages::Say::HealthRepairSetsMissingVariable.text(),
                        repair,
                    ));
                } else if !found
                    .iter()
                    .any(|v| v.target.iter().any(|t| t == "production"))
                {
                    out.push(finding(
                        HealthPart::VercelEnv,
                        Changed,
                        key,
                        crate::messages::Say::HealthEnvironmentVariableNoLongerApplies
                            .with(crate::messages::params! { "key" => key }),
                        crate::messages::Say::HealthRepairSetsVariableTarget.text(),
                        repair,
                    ));
                }
            }
        }
    }
    let redeploy = Some(StepKey::VercelRedeploy);
    match project.production_deployment() {
        None => out.push(finding(
            HealthPart::Deployment,
            Missing,
            &project.name,
            crate::messages::Say::HealthProjectHasNoProductionDeployment.text(),
            crate::messages::Say::HealthRepairMakesNewProductionDeployment.text(),
            redeploy,
        )),
        Some(id) => match clients.vercel.deployment(id).await {
            Ok(d) if d.ready_state == "READY" => {}
            Ok(d) => {
                let why = d
                    .error_message
                    .as_deref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default();
                let state = &d.ready_state;
                out.push(finding(
                    HealthPart::Deployment,
                    Unhealthy,
                    id,
                    crate::messages::Say::HealthProductionDeploymentState
                        .with(crate::messages::params! { "state" => state, "why" => why }),
                    crate::messages::Say::HealthRepairMakesNewProductionDeployment.text(),
                    redeploy,
                ))
            }
            Err(e) if e.kind == ErrorKind::NotFound => out.push(finding(
                HealthPart::Deployment,
                Missing,
                id,
                crate::messages::Say::HealthProductionDeploymentNoLongerExists
                    .with(crate::messages::params! { "id" => id }),
                crate::messages::Say::HealthRepairMakesNewProductionDeployment.text(),
                redeploy,
            )),
            Err(e) => out.push(unreachable(HealthPart::Deployment, id, &e)),
        },
    }
    out
}

async fn site(clients: &Clients, url: &str) -> (Option<SiteProbe>, Vec<HealthFinding>) {
    use FindingKind::*;
    let started = Instant::now();
    let answer = clients.site.visit(&host_of(url)).await;
    let ms = started.elapsed().as_millis() as u64;
    let probe = Some(SiteProbe {
        url: url.to_string(),
        status: answer.as_ref().ok().copied(),
        ms,
    });
    let (kind, message, action) = match answer {
        Ok(s) if (200..300).contains(&s) => return (probe, Vec::new()),
        Err(e) => (
            Unreachable,
            crate::messages::Say::HealthSiteDidNotAnswerMs
                .with(crate::messages::params! { "ms" => ms, "message" => e.message }),
            crate::messages::Say::HealthCheckAgainSeeDeployment.text(),
        ),
        Ok(s @ (401 | 403)) => (
            Changed,
            crate::messages::Say::HealthSiteAsksLoginHTTPDeployment
                .with(crate::messages::params! { "s" => s }),
            crate::messages::Say::HealthTurnDeploymentProtectionOffProduction.text(),
        ),
        Ok(404) => (
            Missing,
            crate::messages::Say::HealthSiteAnswers404DomainPoints.text(),
            crate::messages::Say::HealthRepairMakesNewProductionDeployment.text(),
        ),
        Ok(s) => (
            Unhealthy,
            crate::messages::Say::HealthSiteAnswersHTTP.with(crate::messages::params! { "s" => s }),
            crate::messages::Say::HealthLookDeploymentSLogsVercel.text(),
        ),
    };
    let repair = (kind == Missing).then_some(StepKey::VercelRedeploy);
    (
        probe,
        vec![finding(
            HealthPart::Site,
            kind,
            url,
            message,
            action,
            repair,
        )],
    )
}

/// `owner/name` from the repository's address (`https://github.com/owner/name`).
fn repo_name(url: &str) -> Option<(&str, &str)> {
    let mut parts = url.trim_end_matches('/').rsplit('/');
    let name = parts.next().filter(|s| !s.is_empty())?;
    let owner = parts.next().filter(|s| !s.is_empty() && !s.contains(':'))?;
    Some((owner, name.trim_end_matches(".git")))
}

async fn repository(clients: &Clients, url: &str) -> Vec<HealthFinding> {
    use FindingKind::*;
    let part = HealthPart::Repository;
    let Some((owner, name)) = repo_name(url) else {
        return Vec::new();
    };
    let full = format!("{owner}/{name}");
    let changed = |sv: String, en: String, action: Text| {
        vec![finding(
            part,
            Changed,
            &full,
            Text::new(sv, en),
            action,
            None,
        )]
    };
    match clients.github.lookup(owner, name).await {
        Ok(Some(r)) if r.archived => changed(
            format!("Repot {full} är arkiverat: ingen kan skriva till det."),
            format!("The repository {full} is archived: nobody can write to it."),
            crate::messages::Say::HealthUnarchiveRepositoryGitHub.text(),
        ),
        Ok(Some(r)) if !r.private => changed(
            format!("Repot {full} är publikt; Fabrik skapade det privat."),
            format!("The repository {full} is public; Fabrik created it private."),
            crate::messages::Say::HealthMakeRepositoryPrivateAgainGitHub.text(),
        ),
        Ok(Some(_)) => Vec::new(),
        Ok(None) => vec![finding(
            part,
            Missing,
            &full,
            crate::messages::Say::HealthRepositoryNoLongerExists
                .with(crate::messages::params! { "full" => full }),
            crate::messages::Say::HealthInstanceMustBuiltAgainTear.text(),
            None,
        )],
        Err(e) if e.kind == ErrorKind::Moved => changed(
            format!("Repot {full} har bytt namn eller ägare."),
            format!("The repository {full} was renamed or moved."),
            crate::messages::Say::HealthRenameBackGitHubFabrikDoes.text(),
        ),
        Err(e) => vec![unreachable(part, &full, &e)],
    }
}

async fn workflow(clients: &Clients, id: &str) -> Vec<HealthFinding> {
    use FindingKind::*;
    let part = HealthPart::Workflow;
    let repair = Some(StepKey::N8nWorkflow);
    match clients.n8n.get(id).await {
        Ok(Some(w)) if w.active => Vec::new(),
        Ok(Some(w)) => vec![finding(
            part,
            Changed,
            id,
            crate::messages::Say::HealthN8nWorkflowNotActive
                .with(crate::messages::params! { "name" => w.name }),
            crate::messages::Say::HealthRepairTurnsWorkflowAgain.text(),
            repair,
        )],
        Ok(None) => vec![finding(
            part,
            Missing,
            id,
            crate::messages::Say::HealthN8nWorkflowNoLongerExists
                .with(crate::messages::params! { "id" => id }),
            crate::messages::Say::HealthRepairCreatesCustomerSWorkflow.text(),
            repair,
        )],
        Err(e) => vec![unreachable(part, id, &e)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_address_names_its_owner_and_name() {
        assert_eq!(
            repo_name("https://github.com/byran/kund-ab"),
            Some(("byran", "kund-ab"))
        );
        assert_eq!(
            repo_name("https://github.com/byran/kund-ab.git/"),
            Some(("byran", "kund-ab"))
        );
        assert_eq!(repo_name("https://github.com"), None);
    }
}
