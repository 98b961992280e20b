//! `/__sim/*`: the test surface (inventory, request log, faults, reset, status). Not authenticated:
//! the simulator only listens where the caller tells it to (127.0.0.1 by default).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::errors::json_response;
use crate::faults::FaultSpec;
use crate::providers::stripe::admin as stripe;
use crate::state::{lock, AppState};
use crate::world::{iso, now_ms, World};

type St = State<Arc<AppState>>;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/inventory", get(inventory))
        .route("/requests", get(requests).delete(clear_requests))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/faults/{id}", delete(remove_fault))
        .route("/reset", post(reset))
        .route("/status", get(status))
        .route("/github/rename", post(rename_repo))
        .route(
            "/github/commit",
            post(crate::providers::github::contents::admin_commit),
        )
        .route("/vercel/rename", post(rename_project))
        .route(
            "/vercel/teams",
            post(crate::providers::vercel::teams::admin_add),
        )
        .route(
            "/vercel/domains/{domain}/verifiable",
            post(crate::providers::vercel::domains::admin_verifiable),
        )
        .route("/foreign", post(crate::foreign::seed))
        .route("/gitea/repos", post(crate::providers::gitea::admin_create))
        .route("/stripe/checkout", post(stripe::checkout))
        .route("/stripe/checkout/{id}/pay", post(stripe::pay))
        .route("/stripe/subscriptions", post(stripe::subscription))
        .route("/stripe/subscriptions/{id}/renew", post(stripe::renew))
        .route("/stripe/subscriptions/{id}/cancel", post(stripe::cancel))
        .route("/stripe/subscriptions/{id}/pause", post(stripe::pause))
        .route("/stripe/subscriptions/{id}/resume", post(stripe::resume))
        .route(
            "/stripe/subscriptions/{id}/cancel_at_period_end",
            post(stripe::cancel_at_period_end),
        )
        .route("/stripe/invoices/{id}/pay", post(stripe::pay_invoice))
        .route("/stripe/customers/{id}/card", post(stripe::card))
        .route("/stripe/settings", post(stripe::settings))
        .route("/stripe/clock", post(stripe::clock))
        .route(
            "/clock",
            get(crate::clock::get_clock).post(crate::clock::advance),
        )
        .route("/usage/profile", post(crate::clock::set_profile))
        .route(
            "/supabase/projects/{ref}/plan",
            post(crate::providers::supabase_backups::admin_plan),
        )
        .route(
            "/supabase/projects/{ref}/backups",
            post(crate::providers::supabase_backups::admin_backup),
        )
        .route("/supabase/projects/{ref}/auth/mail", get(auth_mail))
        .merge(crate::providers::handover::admin_routes())
}

fn sql_mode(st: &AppState) -> &'static str {
    if st.pg.is_some() {
        "executed"
    } else {
        "parsed_only"
    }
}

/// Every resource that exists, per provider.
pub fn inventory_json(w: &World, sql_mode: &str, now: i64) -> Value {
    let projects: Vec<Value> = w
        .supabase
        .projects
        .iter()
        .map(|p| {
            json!({
                "ref": p.r#ref,
                "name": p.name,
                "organization_slug": p.org_slug,
                "status": p.status(now),
                "region": p.region,
                "created_at": iso(p.created_ms),
                "foreign": w.is_foreign("supabase", &p.r#ref),
                "sql": sql_mode,
                "tables": p.tables.iter().map(|t| json!({"schema": t.schema, "name": t.name, "rls": t.rls, "columns": t.columns, "policies": t.policies})).collect::<Vec<_>>(),
                "auth_users": p.auth_users.iter().map(|u| json!({
                    "id": u.id, "email": u.email, "phone": u.phone, "email_confirmed": u.email_confirmed_ms.is_some(),
                    "user_metadata": u.user_metadata, "app_metadata": u.app_metadata,
                    "invited_at": u.invited_ms.map(iso), "banned_until": u.banned_until_ms.map(iso),
                    "last_sign_in_at": u.last_sign_in_ms.map(iso),
                })).collect::<Vec<_>>(),
                "auth_mail": p.auth_mail.iter().map(auth_mail_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let repos: Vec<Value> = w
        .github
        .repos
        .iter()
        .map(|r| {
            json!({
                "full_name": r.full_name(), "id": r.id, "private": r.private, "description": r.description,
                "is_template": r.is_template, "template": r.template, "default_branch": r.default_branch,
                "previous_names": r.previous_names, "empty": r.is_empty_at(now), "seeded": r.seeded,
                "foreign": w.is_foreign("github", &r.id.to_string()),
                "files": r.files.iter().map(|(path, content)| json!({"path": path, "content": content})).collect::<Vec<_>>(),
                "branches": r.git.branches().into_iter().map(|(b, s)| (b, Value::String(s))).collect::<serde_json::Map<String, Value>>(),
                "pulls": r.pulls.iter().map(|p| json!({"number": p.number, "state": p.state, "head": p.head, "base": p.base, "title": p.title, "merged": p.merged_ms.is_some()})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let vprojects: Vec<Value> = w
        .vercel
        .projects
        .iter()
        .map(|p| {
            json!({
                "id": p.id, "name": p.name, "account_id": p.account_id, "framework": p.framework,
                "link": p.link.as_ref().map(|l| json!({"type": l.kind, "repo": format!("{}/{}", l.org, l.repo), "repo_id": l.repo_id, "production_branch": l.production_branch})),
                "created_at": iso(p.created_ms), "updated_at": iso(p.updated_ms),
                "foreign": w.is_foreign("vercel", &p.id),
                "domains": w.vercel.domains.iter().filter(|d| d.project_id == p.id).map(|d| json!({
                    "name": d.name, "verified": d.verified, "dns_configured": d.dns_configured,
                    "redirect": d.redirect, "git_branch": d.git_branch,
                })).collect::<Vec<_>>(),
                "env": p.env.iter().map(|e| json!({
                    "id": e.id, "key": e.key, "type": e.kind, "target": e.target,
                    "value": if matches!(e.kind.as_str(), "sensitive" | "secret") { json!("***") } else { json!(e.value) },
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let deployments: Vec<Value> = w
        .vercel
        .deployments
        .iter()
        .map(|d| json!({"id": d.id, "project_id": d.project_id, "url": d.url, "ready_state": d.ready_state(now), "target": d.target, "created_at": iso(d.created_ms)}))
        .collect();
    let workflows: Vec<Value> = w
        .n8n
        .workflows
        .iter()
        .map(|f| {
            json!({
                "id": f.id, "name": f.name, "active": f.active, "nodes": f.nodes, "connections": f.connections,
                "settings": f.settings, "updated_at": iso(f.updated_ms), "version_id": f.version_id, "foreign": w.is_foreign("n8n", &f.id),
            })
        })
        .collect();
    let emails: Vec<Value> = w
        .resend
        .emails
        .iter()
        .map(|e| json!({"id": e.id, "from": e.from, "to": e.to, "cc": e.cc, "bcc": e.bcc, "subject": e.subject, "html": e.html, "text": e.text, "created_at": iso(e.created_ms)}))
        .collect();
    let keys: Vec<Value> = w
        .resend
        .api_keys
        .iter()
        .map(|k| json!({"id": k.id, "name": k.name, "permission": k.permission, "domain_id": k.domain_id, "token_sha256": k.token_sha256, "created_at": iso(k.created_ms)}))
        .collect();
    let created = w.supabase.projects.len()
        + w.github.repos.iter().filter(|r| !r.seeded).count()
        + w.vercel.projects.len()
        + w.n8n.workflows.len()
        + w.resend.api_keys.len();
    json!({
        "total_created_resources": created,
        "sql": sql_mode,
        "supabase": {"organizations": w.supabase.orgs.iter().map(|o| &o.slug).collect::<Vec<_>>(), "projects": projects},
        "github": {"repos": repos},
        "vercel": {"projects": vprojects, "deployments": deployments},
        "n8n": {"workflows": workflows},
        "gitea": crate::providers::gitea::inventory(w),
        "stripe": stripe::inventory(w, now),
        "resend": {"domains": w.resend_domains().iter().map(|d| json!({"id": d.id, "name": d.name, "status": d.status})).collect::<Vec<_>>(), "emails": emails, "api_keys": keys},
    })
}

/// One message of a project's built-in outbox.
fn auth_mail_json(m: &crate::world::AuthMail) -> Value {
    json!({
        "id": m.id, "kind": m.kind, "from": m.from, "to": m.to, "subject": m.subject, "html": m.html,
        "link": m.link, "token_hash": m.token_hash, "otp": m.otp, "created_at": iso(m.created_ms),
    })
}

/// `GET /__sim/supabase/projects/{ref}/auth/mail`: what the project's Auth sent through
/// Supabase's built-in mailer (mail through custom SMTP is in Resend's `emails` instead).
async fn auth_mail(State(st): St, Path(r): Path<String>) -> Response {
    let found = st.read(|w| {
        w.supabase
            .projects
            .iter()
            .find(|p| p.r#ref == r)
            .map(|p| p.auth_mail.iter().map(auth_mail_json).collect::<Vec<_>>())
    });
    match found {
        Some(messages) => json_response(200, json!({ "messages": messages })),
        None => json_response(404, json!({"error": "no such project"})),
    }
}

async fn inventory(State(st): St) -> Response {
    let mode = sql_mode(&st);
    json_response(200, st.read(|w| inventory_json(w, mode, now_ms())))
}

async fn requests(State(st): St) -> Response {
    let entries = lock(&st.log).entries();
    json_response(
        200,
        json!({"capacity": crate::requestlog::CAPACITY, "capacity_bytes": crate::requestlog::CAPACITY_BYTES, "requests": entries}),
    )
}

async fn clear_requests(State(st): St) -> Response {
    lock(&st.log).clear();
    json_response(200, json!({"cleared": true}))
}

async fn list_faults(State(st): St) -> Response {
    json_response(200, json!({"faults": lock(&st.faults).list()}))
}

async fn add_fault(State(st): St, body: Bytes) -> Response {
    let spec: FaultSpec = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return json_response(400, json!({"error": format!("invalid fault: {e}")})),
    };
    if let Err(e) = spec.validate() {
        return json_response(400, json!({"error": e}));
    }
    let f = lock(&st.faults).add(spec);
    json_response(201, json!({"id": f.id, "fault": f}))
}

async fn clear_faults(State(st): St) -> Response {
    lock(&st.faults).clear();
    json_response(200, json!({"cleared": true}))
}

async fn remove_fault(State(st): St, Path(id): Path<String>) -> Response {
    if lock(&st.faults).remove(&id) {
        json_response(200, json!({"removed": id}))
    } else {
        json_response(404, json!({"error": "no such fault"}))
    }
}

/// Someone renames a repository (as in GitHub's settings): its old name then redirects.
/// Body: `{"owner": "...", "from": "...", "to": "..."}`.
async fn rename_repo(State(st): St, body: Bytes) -> Response {
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (Some(owner), Some(from), Some(to)) =
        (v["owner"].as_str(), v["from"].as_str(), v["to"].as_str())
    else {
        return json_response(400, json!({"error": "owner, from and to are required"}));
    };
    let renamed = st.mutate(|w| {
        let repo =
            w.github.repos.iter_mut().find(|r| {
                r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(from)
            })?;
        repo.previous_names.push(repo.name.clone());
        repo.name = to.to_string();
        Some(repo.full_name())
    });
    match renamed {
        Some(full_name) => json_response(200, json!({ "full_name": full_name })),
        None => json_response(404, json!({"error": "no such repository"})),
    }
}

/// Someone renames a Vercel project (Settings → General → Project Name). Unlike GitHub,
/// Vercel keeps nothing of the old name: it answers 404, and anyone may take it.
/// Body: `{"from": "...", "to": "..."}`.
async fn rename_project(State(st): St, body: Bytes) -> Response {
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (Some(from), Some(to)) = (v["from"].as_str(), v["to"].as_str()) else {
        return json_response(400, json!({"error": "from and to are required"}));
    };
    let renamed = st.mutate(|w| {
        if w.vercel.projects.iter().any(|p| p.name == to) {
            return Err(409);
        }
        let project = w
            .vercel
            .projects
            .iter_mut()
            .find(|p| p.name == from)
            .ok_or(404)?;
        project.name = to.to_string();
        Ok(project.id.clone())
    });
    match renamed {
        Ok(id) => json_response(200, json!({ "id": id, "name": to })),
        Err(409) => json_response(409, json!({"error": "a project by that name exists"})),
        Err(_) => json_response(404, json!({"error": "no such project"})),
    }
}

/// Back to the seeded world: project databases dropped, faults, limits and logs cleared.
async fn reset(State(st): St) -> Response {
    if let Some(pg) = &st.pg {
        let (instance, refs): (String, Vec<(String, Vec<String>)>) = st.read(|w| {
            (
                w.instance.clone(),
                w.supabase
                    .projects
                    .iter()
                    .map(|p| {
                        (
                            p.r#ref.clone(),
                            crate::providers::supabase_backups::snapshot_dbs(p),
                        )
                    })
                    .collect(),
            )
        });
        for (r, snaps) in refs {
            let db = pg.db_name(&instance, &r);
            for db in std::iter::once(db).chain(snaps) {
                if let Err(e) = pg.drop_db(&db).await {
                    tracing::warn!("fabrik-sim: reset cannot drop {db}: {e}");
                }
            }
        }
    }
    let fresh = World::seeded(&st.cfg.world, st.cfg.seed);
    st.mutate(|w| *w = fresh);
    lock(&st.faults).clear();
    lock(&st.log).clear();
    lock(&st.limiter).clear();
    json_response(200, json!({"reset": true}))
}

async fn status(State(st): St) -> Response {
    let t = st.timings;
    let ms = |d: std::time::Duration| d.as_millis() as u64;
    json_response(
        200,
        json!({
            "ok": true,
            "base_url": st.base_url,
            "sql": sql_mode(&st),
            "sql_executed": st.pg.is_some(),
            "profile": st.cfg.profile,
            "time_scale": st.cfg.time_scale,
            "timings_ms": {
                "supabase_startup": ms(t.supabase_startup),
                "supabase_api_keys_flaky": ms(t.supabase_api_keys_flaky),
                "supabase_pause": ms(t.supabase_pause),
                "supabase_restore": ms(t.supabase_restore),
                "github_template_copy": ms(t.github_template_copy),
                "vercel_queue": ms(t.vercel_queue),
                "vercel_build": ms(t.vercel_build),
                "gitea_read": ms(t.gitea_read),
                "gitea_write": ms(t.gitea_write),
            },
            "rate_limits": st.rate_limits(),
            "state_file": st.cfg.state_file.as_ref().map(|p| p.display().to_string()),
            "seed": st.cfg.seed,
            "world": st.read(|w| w.seed.clone()),
        }),
    )
}
