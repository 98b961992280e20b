//! Vercel project domains (spec: vercel-subset.openapi.json addProjectDomain, getProjectDomains,
//! getProjectDomain, removeProjectDomain, verifyProjectDomain; getDomainConfig).
//!
//! A domain is on at most one project in the whole world. It starts unverified with one TXT
//! challenge at `_vercel.<apex>`; the simulator has no DNS, so a test says when the customer's
//! records are in place (`POST /__sim/vercel/domains/{domain}/verifiable`). From then on verify
//! succeeds, the domain config stops saying `misconfigured`, and a visitor reaches the project's
//! production site on the domain (`/vercel-site/{domain}`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::bad;
use super::{find_project, scope, St, Q};
use crate::errors::{self, json_response};
use crate::providers::json_body;
use crate::state::AppState;
use crate::world::{now_ms, ProjectDomain, World};

pub(crate) use super::names::{apex_of, valid_domain};

/// Where Vercel asks an apex domain's A record to point (getDomainConfig `recommendedIPv4`).
pub const APEX_IPV4: &str = "76.76.21.21";
/// Where Vercel asks a subdomain's CNAME to point (getDomainConfig `recommendedCNAME`).
pub const CNAME_TARGET: &str = "cname.vercel-dns.com.";

fn invalid_domain(name: &str) -> Response {
    errors::vercel(
        400,
        "invalid_domain",
        &format!("The domain \"{name}\" is not valid."),
    )
}

fn domain_missing(name: &str) -> Response {
    errors::vercel(
        404,
        "not_found",
        &format!("The domain \"{name}\" was not found on the project."),
    )
}

/// A project-domain object as the spec describes it; `verification` only while unverified.
pub(crate) fn domain_json(d: &ProjectDomain) -> Value {
    let mut v = json!({
        "name": d.name, "apexName": d.apex_name, "projectId": d.project_id,
        "redirect": d.redirect, "redirectStatusCode": d.redirect_status_code,
        "gitBranch": d.git_branch, "customEnvironmentId": d.custom_environment_id,
        "updatedAt": d.updated_ms, "createdAt": d.created_ms, "verified": d.verified,
    });
    if !d.verified {
        v["verification"] = json!([{
            "type": "TXT",
            "domain": format!("_vercel.{}", d.apex_name),
            "value": d.challenge,
            "reason": "pending_domain_verification",
        }]);
    }
    v
}

/// The id of the caller's project `id_or_name`, or the 404 every project route gives.
fn project_id(st: &AppState, owner: &str, id_or_name: &str) -> Result<String, Response> {
    st.read(|w| find_project(w, owner, id_or_name).map(|p| p.id.clone()))
        .ok_or_else(super::not_found)
}

const ADD_FIELDS: &[&str] = &[
    "name",
    "gitBranch",
    "customEnvironmentId",
    "redirect",
    "redirectStatusCode",
];

/// An optional string property that may be `null`; `Err` for another type.
fn opt_str(b: &Map<String, Value>, k: &str) -> Result<Option<String>, Response> {
    match b.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(&format!("Invalid request: `{k}` should be string."))),
    }
}

/// `POST /v10/projects/{idOrName}/domains` (addProjectDomain): 200 with the project domain,
/// unverified with a TXT challenge; 400 when the project already has it, 409 when another
/// project does.
pub async fn add(State(st): St, Path(id): Path<String>, Query(q): Q, body: Bytes) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let b = match json_body(&body) {
        Some(Value::Object(b)) => b,
        None => return bad("Invalid JSON"),
        Some(_) => return bad("Invalid request: body should be an object."),
    };
    if let Some(extra) = b.keys().find(|k| !ADD_FIELDS.contains(&k.as_str())) {
        return bad(&format!(
            "Invalid request: should NOT have additional property `{extra}`."
        ));
    }
    let name = match b.get("name") {
        None => return bad("Invalid request: missing required property `name`."),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return bad("Invalid request: `name` should be string."),
    };
    if !valid_domain(&name) {
        return invalid_domain(&name);
    }
    let (git_branch, custom_env, redirect) = match (
        opt_str(&b, "gitBranch"),
        b.get("customEnvironmentId"),
        opt_str(&b, "redirect"),
    ) {
        (Err(r), _, _) | (_, _, Err(r)) => return r,
        (_, Some(v), _) if !v.is_string() => {
            return bad("Invalid request: `customEnvironmentId` should be string.")
        }
        (Ok(g), c, Ok(r)) => (g, c.and_then(Value::as_str).map(str::to_string), r),
    };
    if git_branch.as_ref().is_some_and(|g| g.chars().count() > 250) {
        return bad("Invalid request: `gitBranch` should NOT be longer than 250 characters.");
    }
    let status = match b.get("redirectStatusCode") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(c @ (301 | 302 | 307 | 308)) => Some(c as u16),
            _ => return bad("Invalid request: `redirectStatusCode` should be equal to one of the allowed values null, 301, 302, 307, 308."),
        },
    };
    if let Some(r) = &redirect {
        if !valid_domain(r) {
            return bad("The domain redirect is not valid.");
        }
        if *r == name {
            return bad("A domain cannot redirect to itself.");
        }
        if git_branch.is_some() {
            return bad("You can't set both a git branch and a redirect for the domain.");
        }
    }
    let apex = apex_of(&name).unwrap_or_else(|| name.clone());
    let now = now_ms();
    let added = st.mutate(|w| {
        let Some(project) = find_project(w, &owner, &id).cloned() else {
            return Err(super::not_found());
        };
        if let (Some(g), Some(l)) = (&git_branch, &project.link) {
            if *g == l.production_branch {
                return Err(bad(
                    "You can not set the production branch as a branch for your domain.",
                ));
            }
        }
        if let Some(d) = w.vercel.domains.iter().find(|d| d.name == name) {
            return Err(if d.project_id == project.id {
                errors::vercel(
                    400,
                    "domain_already_in_use",
                    &format!("Cannot add {name} since it's already in use by your project."),
                )
            } else {
                errors::vercel(
                    409,
                    "domain_taken",
                    &format!("Cannot add {name} since it's already assigned to another project."),
                )
            });
        }
        // Distinct creation times within a project keep the listing's paging exact.
        let created = w
            .vercel
            .domains
            .iter()
            .filter(|d| d.project_id == project.id)
            .map(|d| d.created_ms + 1)
            .max()
            .map_or(now, |next| next.max(now));
        let d = ProjectDomain {
            challenge: format!("vc-domain-verify={name},{}", w.ids.hex(20)),
            name: name.clone(),
            apex_name: apex.clone(),
            project_id: project.id.clone(),
            redirect: redirect.clone(),
            redirect_status_code: status,
            git_branch: git_branch.clone(),
            custom_environment_id: custom_env.clone(),
            created_ms: created,
            updated_ms: created,
            verified: false,
            dns_configured: false,
        };
        w.vercel.domains.push(d.clone());
        Ok(d)
    });
    match added {
        Ok(d) => json_response(200, domain_json(&d)),
        Err(r) => r,
    }
}

/// A query parameter restricted to `allowed`; `Err` is the 400.
fn enum_query<'a>(
    q: &'a HashMap<String, String>,
    name: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, Response> {
    match q.get(name) {
        None => Ok(None),
        Some(v) if allowed.contains(&v.as_str()) => Ok(Some(v.as_str())),
        Some(_) => Err(bad(&format!(
            "Invalid request: `{name}` should be equal to one of the allowed values {}.",
            allowed
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A numeric query parameter (`limit`, `since`, `until`); `Err` is the 400.
fn num_query(q: &HashMap<String, String>, name: &str) -> Result<Option<i64>, Response> {
    match q.get(name) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .or_else(|| {
                v.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(|f| f as i64)
            })
            .map(Some)
            .ok_or_else(|| bad(&format!("Invalid request: `{name}` should be number."))),
    }
}

/// `GET /v9/projects/{idOrName}/domains` (getProjectDomains): newest first by default, at
/// most `limit` (20; up to 100) a page; `pagination.next` is the `createdAt` to pass as
/// `until` (or `since` with `order=ASC`) for the next page, `null` on the last.
pub async fn list(State(st): St, Path(id): Path<String>, Query(q): Q) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let filters = (|| {
        Ok::<_, Response>((
            enum_query(&q, "production", &["true", "false"])?,
            enum_query(&q, "target", &["production", "preview"])?,
            enum_query(&q, "redirects", &["true", "false"])?,
            enum_query(&q, "verified", &["true", "false"])?,
            enum_query(&q, "order", &["ASC", "DESC"])?,
            num_query(&q, "limit")?,
            num_query(&q, "since")?,
            num_query(&q, "until")?,
        ))
    })();
    let (production, target, redirects, verified, order, limit, since, until) = match filters {
        Ok(f) => f,
        Err(r) => return r,
    };
    let pid = match project_id(&st, &owner, &id) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let limit = limit.unwrap_or(20).clamp(1, 100) as usize;
    let ascending = order == Some("ASC");
    let mut all: Vec<ProjectDomain> = st.read(|w| {
        w.vercel
            .domains
            .iter()
            .filter(|d| d.project_id == pid)
            .filter(|d| production != Some("true") || d.is_production())
            .filter(|d| match target {
                Some("production") => d.is_production(),
                Some(_) => !d.is_production(),
                None => true,
            })
            .filter(|d| redirects != Some("false") || d.redirect.is_none())
            .filter(|d| verified.is_none_or(|v| (v == "true") == d.verified))
            .filter(|d| {
                q.get("gitBranch")
                    .is_none_or(|g| d.git_branch.as_ref() == Some(g))
            })
            .filter(|d| {
                q.get("redirect")
                    .is_none_or(|r| d.redirect.as_ref() == Some(r))
            })
            .filter(|d| {
                q.get("customEnvironmentId")
                    .is_none_or(|c| d.custom_environment_id.as_ref() == Some(c))
            })
            .filter(|d| since.is_none_or(|s| d.created_ms > s))
            .filter(|d| until.is_none_or(|u| d.created_ms < u))
            .cloned()
            .collect()
    });
    all.sort_by_key(|d| d.created_ms);
    if !ascending {
        all.reverse();
    }
    let more = all.len() > limit;
    let page: Vec<&ProjectDomain> = all.iter().take(limit).collect();
    let cursor_given = since.is_some() || until.is_some();
    json_response(
        200,
        json!({
            "domains": page.iter().map(|d| domain_json(d)).collect::<Vec<_>>(),
            "pagination": {
                "count": page.len(),
                "next": if more { page.last().map(|d| d.created_ms) } else { None },
                "prev": if cursor_given { page.first().map(|d| d.created_ms) } else { None },
            },
        }),
    )
}

/// `GET /v9/projects/{idOrName}/domains/{domain}` (getProjectDomain); 404 when the project
/// does not have it (real Vercel's answer; the spec lists no 404).
pub async fn get_one(
    State(st): St,
    Path((id, domain)): Path<(String, String)>,
    Query(q): Q,
) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let pid = match project_id(&st, &owner, &id) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let domain = domain.to_ascii_lowercase();
    match st.read(|w| on_project(w, &pid, &domain).cloned()) {
        Some(d) => json_response(200, domain_json(&d)),
        None => domain_missing(&domain),
    }
}

fn on_project<'a>(w: &'a World, project_id: &str, name: &str) -> Option<&'a ProjectDomain> {
    w.vercel
        .domains
        .iter()
        .find(|d| d.project_id == project_id && d.name == name)
}

/// `DELETE /v9/projects/{idOrName}/domains/{domain}` (removeProjectDomain): 200 `{}`; 404 when
/// the project does not have it. `{"removeRedirects": true}` also removes the project's
/// domains that redirect to it.
pub async fn remove(
    State(st): St,
    Path((id, domain)): Path<(String, String)>,
    Query(q): Q,
    body: Bytes,
) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let remove_redirects = match json_body(&body) {
        Some(Value::Null) => false,
        Some(Value::Object(b)) => {
            if let Some(extra) = b.keys().find(|k| *k != "removeRedirects") {
                return bad(&format!(
                    "Invalid request: should NOT have additional property `{extra}`."
                ));
            }
            match b.get("removeRedirects") {
                None => false,
                Some(Value::Bool(x)) => *x,
                Some(_) => return bad("Invalid request: `removeRedirects` should be boolean."),
            }
        }
        None => return bad("Invalid JSON"),
        Some(_) => return bad("Invalid request: body should be an object."),
    };
    let pid = match project_id(&st, &owner, &id) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let domain = domain.to_ascii_lowercase();
    let removed = st.mutate(|w| {
        let i = w
            .vercel
            .domains
            .iter()
            .position(|d| d.project_id == pid && d.name == domain)?;
        w.vercel.domains.remove(i);
        if remove_redirects {
            w.vercel
                .domains
                .retain(|d| !(d.project_id == pid && d.redirect.as_deref() == Some(&domain)));
        }
        Some(())
    });
    match removed {
        Some(()) => json_response(200, json!({})),
        None => domain_missing(&domain),
    }
}

/// `POST /v9/projects/{idOrName}/domains/{domain}/verify` (verifyProjectDomain): 200 with the
/// domain once its TXT record is in place (or when it already was verified); 400
/// `missing_txt_record` before; 400 when the project does not have the domain (the spec's
/// "Project domain is not assigned to project").
pub async fn verify(
    State(st): St,
    Path((id, domain)): Path<(String, String)>,
    Query(q): Q,
) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let pid = match project_id(&st, &owner, &id) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let domain = domain.to_ascii_lowercase();
    let now = now_ms();
    let outcome = st.mutate(|w| {
        let Some(d) = w
            .vercel
            .domains
            .iter_mut()
            .find(|d| d.project_id == pid && d.name == domain)
        else {
            return Err(errors::vercel(
                400,
                "bad_request",
                "Project domain is not assigned to project.",
            ));
        };
        if !d.verified {
            if !d.dns_configured {
                return Err(errors::vercel(
                    400,
                    "missing_txt_record",
                    &format!(
                        "Domain _vercel.{} is missing required TXT Record \"{}\"",
                        d.apex_name, d.challenge
                    ),
                ));
            }
            d.verified = true;
            d.updated_ms = now;
        }
        Ok(d.clone())
    });
    match outcome {
        Ok(d) => json_response(200, domain_json(&d)),
        Err(r) => r,
    }
}

/// `GET /v6/domains/{domain}/config` (getDomainConfig): `misconfigured` until the domain is
/// verified on one of the caller's projects and its DNS points at Vercel; the records to set
/// are an A record (`76.76.21.21`) for an apex domain, a CNAME (`cname.vercel-dns.com.`) for a
/// subdomain.
pub async fn config(State(st): St, Path(domain): Path<String>, Query(q): Q) -> Response {
    let owner = match scope(&st, &q) {
        Ok(o) => o,
        Err(r) => return r,
    };
    if let Err(r) = enum_query(&q, "strict", &["true", "false"]) {
        return r;
    }
    let domain = domain.to_ascii_lowercase();
    if !valid_domain(&domain) {
        return invalid_domain(&domain);
    }
    let configured = st.read(|w| {
        w.vercel.domains.iter().any(|d| {
            d.name == domain
                && d.configured()
                && w.vercel
                    .projects
                    .iter()
                    .any(|p| p.id == d.project_id && p.account_id == owner)
        })
    });
    let apex = apex_of(&domain).as_deref() == Some(domain.as_str());
    json_response(
        200,
        json!({
            "configuredBy": match (configured, apex) {
                (false, _) => Value::Null,
                (true, true) => json!("A"),
                (true, false) => json!("CNAME"),
            },
            "acceptedChallenges": if configured { json!(["http-01"]) } else { json!([]) },
            "recommendedIPv4": if apex { json!([{"rank": 1, "value": [APEX_IPV4]}]) } else { json!([]) },
            "recommendedCNAME": if apex { json!([]) } else { json!([{"rank": 1, "value": CNAME_TARGET}]) },
            "misconfigured": !configured,
        }),
    )
}

/// The verified production custom domains of a project: Vercel lists them in the `alias` of
/// the deployment production serves.
pub(crate) fn custom_aliases(w: &World, project_id: &str) -> Vec<String> {
    w.vercel
        .domains
        .iter()
        .filter(|d| {
            d.project_id == project_id && d.verified && d.is_production() && d.redirect.is_none()
        })
        .map(|d| d.name.clone())
        .collect()
}

/// What a visitor's request for a custom domain reaches.
pub(crate) enum Served {
    /// The production site of this project.
    Project(String),
    /// A redirect domain: the status and the domain it sends the visitor to.
    Redirect(u16, String),
}

/// Who answers on `host` when it is a custom domain: only once it is configured (verified,
/// DNS at Vercel); a domain for a branch or a custom environment is not served here.
pub(crate) fn served(w: &World, host: &str) -> Option<Served> {
    let d = w
        .vercel
        .domains
        .iter()
        .find(|d| d.name == host && d.configured())?;
    match &d.redirect {
        Some(target) => Some(Served::Redirect(
            d.redirect_status_code.unwrap_or(307),
            target.clone(),
        )),
        None if d.is_production() => Some(Served::Project(d.project_id.clone())),
        None => None,
    }
}

/// `POST /__sim/vercel/domains/{domain}/verifiable`: the customer has set the DNS records
/// (the TXT challenge, and the A or CNAME record) for a domain some project has; the next
/// verify succeeds and, once verified, the domain config says it is configured. Body
/// optional: `{"verifiable": false}` takes the records away again (a verified domain stays
/// verified, but is misconfigured and no longer served). `200 {"name", "project_id",
/// "verifiable"}`; `404 {"error"}` when no project has the domain.
pub async fn admin_verifiable(
    State(st): State<Arc<AppState>>,
    Path(domain): Path<String>,
    body: Bytes,
) -> Response {
    let verifiable = match json_body(&body) {
        Some(Value::Null) => true,
        Some(Value::Object(b)) => match b.get("verifiable") {
            None => true,
            Some(Value::Bool(v)) => *v,
            Some(_) => {
                return json_response(400, json!({"error": "`verifiable` must be a boolean"}))
            }
        },
        _ => {
            return json_response(
                400,
                json!({"error": "the body must be empty or a JSON object"}),
            )
        }
    };
    let domain = domain.to_ascii_lowercase();
    let now = now_ms();
    let found = st.mutate(|w| {
        let d = w.vercel.domains.iter_mut().find(|d| d.name == domain)?;
        d.dns_configured = verifiable;
        d.updated_ms = now;
        Some(d.project_id.clone())
    });
    match found {
        Some(pid) => json_response(
            200,
            json!({"name": domain, "project_id": pid, "verifiable": verifiable}),
        ),
        None => json_response(
            404,
            json!({"error": format!("no project has the domain {domain}")}),
        ),
    }
}
