//! `POST /__sim/foreign`: a resource "made by someone else" (by hand, at the agency), under the
//! seeded accounts and with the name Fabrik would use, built directly in the world. Tests use it
//! to prove that Fabrik never adopts, changes or deletes what it did not create.
//!
//! Body by `kind` (answer `201`; `400 {"error"}` for a bad body, `409 {"error"}` for a taken name):
//! - `{"kind": "supabase_project", "name", "status"?}` → `{"id", "ref", "name"}`
//! - `{"kind": "github_repo", "name", "description"?, "from_template"?}` → `{"id", "full_name"}`
//! - `{"kind": "vercel_project", "name", "env"?, "linked_repo"?, "deployments"?, "domains"?}` →
//!   `{"id", "name"}`; `domains` are custom domains already verified and configured on it
//! - `{"kind": "n8n_workflow", "name", "active"?}` → `{"id", "name"}`
//! - `{"kind": "resend_domain", "name", "status"?}` → `{"id", "name"}`: a sending domain added
//!   to the account by hand, `pending` (not yet verified) unless `status` says otherwise

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::errors::json_response;
use crate::providers::{github, supabase_keys, vercel};
use crate::state::AppState;
use crate::world::{
    now_ms, Deployment, GitLink, Phase, Project, ProjectDomain, Repo, VProject, Workflow,
};

const KINDS: &str = "supabase_project, github_repo, vercel_project, n8n_workflow, resend_domain";
/// Most deployments one call may seed.
const MAX_DEPLOYMENTS: u64 = 50;

fn bad(msg: impl Into<String>) -> Response {
    json_response(400, json!({"error": msg.into()}))
}

fn conflict(msg: impl Into<String>) -> Response {
    json_response(409, json!({"error": msg.into()}))
}

/// Optional string property; `Err` names the property when it has another type.
fn opt_str<'a>(b: &'a Map<String, Value>, k: &str) -> Result<Option<&'a str>, Response> {
    match b.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad(format!("`{k}` must be a string"))),
    }
}

fn opt_bool(b: &Map<String, Value>, k: &str) -> Result<Option<bool>, Response> {
    match b.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(x)) => Ok(Some(*x)),
        Some(_) => Err(bad(format!("`{k}` must be a boolean"))),
    }
}

pub async fn seed(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let Ok(Value::Object(b)) = serde_json::from_slice::<Value>(&body) else {
        return bad("the body must be a JSON object with `kind` and `name`");
    };
    let kind = match b.get("kind") {
        Some(Value::String(k)) => k.as_str(),
        None | Some(Value::Null) => return bad(format!("`kind` is required (one of {KINDS})")),
        Some(_) => return bad("`kind` must be a string"),
    };
    if !matches!(
        kind,
        "supabase_project" | "github_repo" | "vercel_project" | "n8n_workflow" | "resend_domain"
    ) {
        return bad(format!("unknown kind `{kind}` (one of {KINDS})"));
    }
    let name = match opt_str(&b, "name") {
        Ok(Some(n)) if !n.trim().is_empty() => n.to_string(),
        Ok(_) => return bad("`name` is required and must not be empty"),
        Err(r) => return r,
    };
    let result = match kind {
        "supabase_project" => supabase_project(&st, &b, name),
        "github_repo" => github_repo(&st, &b, name),
        "vercel_project" => vercel_project(&st, &b, name),
        "resend_domain" => resend_domain(&st, &b, name),
        _ => n8n_workflow(&st, &b, name),
    };
    match result {
        Ok(v) => json_response(201, v),
        Err(r) => r,
    }
}

/// A project in the seeded organization, in `status` (default `ACTIVE_HEALTHY`) already, with
/// its API keys served at once.
fn supabase_project(
    st: &AppState,
    b: &Map<String, Value>,
    name: String,
) -> Result<Value, Response> {
    let status = opt_str(b, "status")?.unwrap_or("ACTIVE_HEALTHY");
    let phase = match status {
        "ACTIVE_HEALTHY" => Phase::Creating { fail: false },
        "INACTIVE" => Phase::Pausing,
        "INIT_FAILED" => Phase::Creating { fail: true },
        other => {
            return Err(bad(format!(
                "unsupported status `{other}` (one of ACTIVE_HEALTHY, INACTIVE, INIT_FAILED)"
            )))
        }
    };
    if name.chars().count() > 256 {
        return Err(bad("`name` must be between 1 and 256 characters"));
    }
    let now = now_ms();
    // Healthy for longer than the api-keys window, so keys are served at once too.
    let since = now - AppState::ms(st.timings.supabase_api_keys_flaky) - 1;
    let p = st.mutate(|w| {
        let r = w.ids.supabase_ref();
        let numeric_id = w.ids.number() as i64 % 1_000_000;
        let keys = supabase_keys::make_keys(&mut w.ids, &r, since);
        let p = Project {
            numeric_id,
            r#ref: r,
            name,
            org_slug: w.seed.supabase_org_slug.clone(),
            region: "eu-north-1".into(),
            created_ms: since,
            phase,
            phase_since_ms: since,
            phase_duration_ms: 0,
            keys,
            auth_users: vec![],
            tables: vec![],
            history: vec![],
            recovery: Default::default(),
            auth_config: Default::default(),
            auth_mail: vec![],
            ready_ms: Some(crate::usage::now_ms(w)),
            read_only_override_until_ms: None,
        };
        w.supabase.projects.push(p.clone());
        w.foreign.push(format!("supabase:{}", p.r#ref));
        p
    });
    debug_assert_eq!(p.status(now), status);
    Ok(json!({"id": p.r#ref, "ref": p.r#ref, "name": p.name}))
}

/// A private repository of the seeded organization, its contents ready at once: generated from
/// the seeded template (`from_template: true`; one commit whose tree is the template's) or a
/// plain repository with one commit of a README on `main`.
fn github_repo(st: &AppState, b: &Map<String, Value>, name: String) -> Result<Value, Response> {
    let description = opt_str(b, "description")?.map(str::to_string);
    let from_template = opt_bool(b, "from_template")?.unwrap_or(false);
    if !github::valid_repo_name(&name) {
        return Err(bad(format!(
            "`{name}` is not a valid repository name (letters, digits, '-', '_', '.'; at most 100)"
        )));
    }
    let now = now_ms();
    st.mutate(|w| {
        let org = w.seed.github_org.clone();
        if w.github
            .repos
            .iter()
            .any(|r| r.owner.eq_ignore_ascii_case(&org) && r.name.eq_ignore_ascii_case(&name))
        {
            return Err(conflict(format!(
                "a repository {org}/{name} already exists"
            )));
        }
        let (template, files, default_branch) = if from_template {
            let t = w.seed.github_template.clone();
            let Some(tpl) = w.github.repos.iter().find(|r| r.full_name() == t) else {
                return Err(conflict(format!(
                    "the seeded template {t} no longer exists"
                )));
            };
            (
                Some(tpl.clone()),
                tpl.files.clone(),
                tpl.default_branch.clone(),
            )
        } else {
            (
                None,
                vec![("README.md".to_string(), format!("# {name}\n"))],
                "main".to_string(),
            )
        };
        // Its name is no longer a redirect to a renamed repository.
        for r in w.github.repos.iter_mut() {
            if r.owner.eq_ignore_ascii_case(&org) {
                r.previous_names.retain(|p| !p.eq_ignore_ascii_case(&name));
            }
        }
        let mut repo = Repo {
            id: w.ids.number(),
            owner: org.clone(),
            owner_id: w.seed.github_org_id,
            owner_is_org: true,
            name: name.clone(),
            private: true,
            description,
            is_template: false,
            template: template.as_ref().map(Repo::full_name),
            created_ms: now,
            contents_ready_ms: now,
            files,
            default_branch,
            head_sha: w.ids.hex(40),
            seeded: false,
            previous_names: Vec::new(),
            earlier: Vec::new(),
            git: Default::default(),
            pulls: Vec::new(),
        };
        repo.start_history(template.as_ref(), &w.agent(now));
        w.foreign.push(format!("github:{}", repo.id));
        let v = json!({"id": repo.id, "full_name": repo.full_name()});
        w.github.repos.push(repo);
        Ok(v)
    })
}

/// A project of the seeded team with `plain` variables for all three targets, optionally linked
/// to a GitHub repository (which need not exist yet), with READY production deployments and
/// with custom domains (verified, DNS configured).
fn vercel_project(st: &AppState, b: &Map<String, Value>, name: String) -> Result<Value, Response> {
    if !vercel::valid_project_name(&name) {
        return Err(bad(format!(
            "`{name}` is not a valid Vercel project name (up to 100 lowercase alphanumerics, '.', '_', '-'; no '---')"
        )));
    }
    let mut env = vec![];
    match b.get("env") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                let Some(value) = v.as_str() else {
                    return Err(bad(format!("`env.{k}` must be a string")));
                };
                let item = json!({"key": k, "value": value, "type": "plain", "target": ["production", "preview", "development"]});
                match vercel::validate_env(&item, false) {
                    Ok(e) => env.push(e),
                    Err((_, _, msg)) => return Err(bad(format!("`env.{k}`: {msg}"))),
                }
            }
        }
        Some(_) => return Err(bad("`env` must be an object of KEY: value strings")),
    }
    let linked = opt_str(b, "linked_repo")?;
    let linked = match linked {
        None => None,
        Some(l) => match l.split_once('/') {
            Some((o, r)) if !o.is_empty() && !r.is_empty() && !r.contains('/') => Some((o, r)),
            _ => return Err(bad("`linked_repo` must be \"owner/name\"")),
        },
    };
    let deployments = match b.get("deployments") {
        None | Some(Value::Null) => 0,
        Some(v) => match v.as_u64() {
            Some(n) if n <= MAX_DEPLOYMENTS => n,
            _ => {
                return Err(bad(format!(
                    "`deployments` must be an integer from 0 to {MAX_DEPLOYMENTS}"
                )))
            }
        },
    };
    let domains: Vec<String> = match b.get("domains") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => {
            let mut names = vec![];
            for d in a {
                match d.as_str() {
                    Some(n) if vercel::domains::valid_domain(n) => {
                        if !names.iter().any(|x| x == n) {
                            names.push(n.to_string());
                        }
                    }
                    _ => {
                        return Err(bad(format!(
                            "`domains` must be lower-case domain names; `{d}` is not one"
                        )))
                    }
                }
            }
            names
        }
        Some(_) => return Err(bad("`domains` must be an array of domain names")),
    };
    let now = now_ms();
    st.mutate(|w| {
        if let Some(taken) = domains
            .iter()
            .find(|n| w.vercel.domains.iter().any(|d| d.name == **n))
        {
            return Err(conflict(format!(
                "the domain {taken} is already on a project"
            )));
        }
        let team = w.seed.vercel_team_id.clone();
        if w
            .vercel
            .projects
            .iter()
            .any(|p| p.account_id == team && p.name == name)
        {
            return Err(conflict(format!(
                "a project named {name} already exists in the team"
            )));
        }
        let link = linked.map(|(o, r)| {
            match w.github.repos.iter().find(|x| {
                x.owner.eq_ignore_ascii_case(o) && x.name.eq_ignore_ascii_case(r)
            }) {
                Some(x) => GitLink {
                    kind: "github".into(),
                    org: x.owner.clone(),
                    repo: x.name.clone(),
                    repo_id: x.id,
                    production_branch: x.default_branch.clone(),
                    created_ms: now,
                },
                // Linked to a repository that does not exist (yet).
                None => GitLink {
                    kind: "github".into(),
                    org: o.to_string(),
                    repo: r.to_string(),
                    repo_id: 0,
                    production_branch: "main".into(),
                    created_ms: now,
                },
            }
        });
        let env = env.into_iter().map(|e| vercel::new_env(w, e, now)).collect();
        let p = VProject {
            id: w.ids.prefixed("prj_"),
            name: name.clone(),
            account_id: team.clone(),
            framework: Some("nextjs".into()),
            link,
            env,
            created_ms: now,
            updated_ms: now,
            settings: Map::new(),
            promoted: None,
        };
        let git_source = p.link.as_ref().map(|l| {
            json!({"type": "github", "org": l.org, "repo": l.repo, "repoId": l.repo_id, "ref": l.production_branch})
        });
        // Oldest first (the newest is the project's latest deployment), all READY already.
        for i in 0..deployments as i64 {
            let d = Deployment {
                id: w.ids.prefixed("dpl_"),
                name: p.name.clone(),
                project_id: p.id.clone(),
                owner_id: team.clone(),
                url: vercel::deployment_url(w, &p.name),
                target: Some("production".into()),
                created_ms: now - (deployments as i64 - i) * 60_000,
                queue_ms: 0,
                build_ms: 0,
                error: None,
                error_before_build: false,
                git_source: git_source.clone(),
                meta: Map::new(),
            };
            w.vercel.deployments.push(d);
        }
        for (i, name) in domains.iter().enumerate() {
            // Distinct creation times, as the domain listing pages by them.
            let created = now + i as i64;
            let d = ProjectDomain {
                challenge: format!("vc-domain-verify={name},{}", w.ids.hex(20)),
                name: name.clone(),
                apex_name: vercel::domains::apex_of(name).unwrap_or_else(|| name.clone()),
                project_id: p.id.clone(),
                redirect: None,
                redirect_status_code: None,
                git_branch: None,
                custom_environment_id: None,
                created_ms: created,
                updated_ms: created,
                verified: true,
                dns_configured: true,
            };
            w.vercel.domains.push(d);
        }
        w.foreign.push(format!("vercel:{}", p.id));
        let v = json!({"id": p.id, "name": p.name});
        w.vercel.projects.push(p);
        Ok(v)
    })
}

/// A workflow of the n8n instance: a schedule trigger connected to one Set node, `active` (default
/// true). Names need not be unique (n8n allows duplicates).
fn n8n_workflow(st: &AppState, b: &Map<String, Value>, name: String) -> Result<Value, Response> {
    let active = opt_bool(b, "active")?.unwrap_or(true);
    let now = now_ms();
    let wf = st.mutate(|w| {
        let nodes = json!([
            {"id": w.ids.uuid_v4(), "name": "Schedule Trigger", "type": "n8n-nodes-base.scheduleTrigger",
             "typeVersion": 1.2, "position": [0, 0], "parameters": {"rule": {"interval": [{"field": "hours"}]}}},
            {"id": w.ids.uuid_v4(), "name": "Edit Fields", "type": "n8n-nodes-base.set",
             "typeVersion": 3.4, "position": [220, 0], "parameters": {}}
        ]);
        let wf = Workflow {
            id: w.ids.n8n_id(),
            name,
            active,
            nodes,
            connections: json!({"Schedule Trigger": {"main": [[{"node": "Edit Fields", "type": "main", "index": 0}]]}}),
            settings: json!({}),
            static_data: Value::Null,
            version_id: w.ids.uuid_v4(),
            created_ms: now,
            updated_ms: now,
        };
        w.n8n.workflows.push(wf.clone());
        w.foreign.push(format!("n8n:{}", wf.id));
        wf
    });
    Ok(json!({"id": wf.id, "name": wf.name}))
}

/// A sending domain in the Resend account, in `status` (default `pending`: added, DNS records
/// not yet confirmed). Replaces the seeded domain's entry when it has the same name.
fn resend_domain(st: &AppState, b: &Map<String, Value>, name: String) -> Result<Value, Response> {
    const STATUSES: [&str; 6] = [
        "pending",
        "verified",
        "failed",
        "not_started",
        "partially_verified",
        "partially_failed",
    ];
    let status = opt_str(b, "status")?.unwrap_or("pending");
    if !STATUSES.contains(&status) {
        return Err(bad(format!(
            "unsupported status `{status}` (one of {})",
            STATUSES.join(", ")
        )));
    }
    let name = name.trim().to_ascii_lowercase();
    st.mutate(|w| {
        if w.resend.domains.iter().any(|d| d.name == name) {
            return Err(conflict(format!(
                "the domain {name} is already in the account"
            )));
        }
        let d = crate::world::ResendDomain {
            id: w.ids.uuid_v4(),
            name,
            status: status.to_string(),
            created_ms: now_ms(),
        };
        w.foreign.push(format!("resend:{}", d.id));
        let v = json!({"id": d.id, "name": d.name});
        w.resend.domains.push(d);
        Ok(v)
    })
}
