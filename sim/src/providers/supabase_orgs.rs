//! The organizations a Supabase token sees, each organization's projects, and the regions a
//! project can be created in (Management API v1: `/v1/organizations`,
//! `/v1/organizations/{slug}`, `/v1/organizations/{slug}/projects`,
//! `/v1/projects/available-regions`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde_json::{json, Value};

use crate::errors::{self, json_response};
use crate::providers::query_num;
use crate::state::AppState;
use crate::world::{iso, now_ms, Project};

type St = State<Arc<AppState>>;

pub(crate) async fn list_orgs(State(st): St) -> Response {
    let orgs: Vec<Value> = st.read(|w| {
        w.supabase
            .orgs
            .iter()
            .map(|o| json!({"id": o.id, "slug": o.slug, "name": o.name}))
            .collect()
    });
    json_response(200, Value::Array(orgs))
}

/// `v1-get-an-organization`: `V1OrganizationSlugResponse` (`plan` is optional in the
/// description; the simulator's organization is on the free plan).
pub(crate) async fn get_org(State(st): St, Path(slug): Path<String>) -> Response {
    let org = st.read(|w| w.supabase.orgs.iter().find(|o| o.slug == slug).cloned());
    match org {
        Some(o) => json_response(
            200,
            json!({"id": o.id, "name": o.name, "plan": o.plan, "opt_in_tags": [], "allowed_release_channels": ["ga"]}),
        ),
        None => errors::supabase(404, "Organization not found"),
    }
}

pub(crate) async fn org_projects(
    State(st): St,
    Path(slug): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let now = now_ms();
    if !st.read(|w| w.supabase.orgs.iter().any(|o| o.slug == slug)) {
        return errors::supabase(404, "Organization not found");
    }
    let offset = match query_num(&q, "offset", 0, 0, i64::MAX) {
        Ok(n) => n as usize,
        Err(m) => return errors::supabase(400, &m),
    };
    let limit = match query_num(&q, "limit", 100, 1, 100) {
        Ok(n) => n as usize,
        Err(m) => return errors::supabase(400, &m),
    };
    let search = q
        .get("search")
        .map(|s| s.to_lowercase())
        .filter(|s| !s.is_empty());
    let statuses: Option<Vec<String>> = q
        .get("statuses")
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    // The description supports these two and no other (`statuses`); another is refused, so a
    // client that filters by a status the service does not is caught here too.
    if let Some(odd) = statuses
        .iter()
        .flatten()
        .find(|s| !["ACTIVE_HEALTHY", "INACTIVE"].contains(&s.as_str()))
    {
        return errors::supabase(
            400,
            &format!("statuses: {odd} is not one of ACTIVE_HEALTHY, INACTIVE"),
        );
    }
    let mut found: Vec<Project> = st.read(|w| {
        w.supabase
            .projects
            .iter()
            .filter(|p| p.org_slug == slug)
            .filter(|p| {
                search
                    .as_ref()
                    .is_none_or(|s| p.name.to_lowercase().contains(s))
            })
            .filter(|p| {
                statuses
                    .as_ref()
                    .is_none_or(|ss| ss.iter().any(|s| s == p.status(now)))
            })
            .cloned()
            .collect()
    });
    match q.get("sort").map(String::as_str) {
        Some("name_asc") => found.sort_by(|a, b| a.name.cmp(&b.name)),
        Some("name_desc") => found.sort_by(|a, b| b.name.cmp(&a.name)),
        Some("created_desc") => found.sort_by_key(|p| std::cmp::Reverse(p.created_ms)),
        _ => found.sort_by_key(|a| a.created_ms),
    }
    let count = found.len();
    let page: Vec<Value> = found
        .iter()
        .skip(offset)
        .take(limit)
        .map(|p| org_project_json(p, now))
        .collect();
    json_response(
        200,
        json!({"projects": page, "pagination": {"count": count, "limit": limit, "offset": offset}}),
    )
}

/// Item shape of `OrganizationProjectsResponse.projects`.
pub(crate) fn org_project_json(p: &Project, now: i64) -> Value {
    json!({
        "ref": p.r#ref,
        "name": p.name,
        "cloud_provider": "AWS",
        "region": p.region,
        "is_branch": false,
        "status": p.status(now),
        "inserted_at": iso(p.created_ms),
        "databases": [{
            "infra_compute_size": "nano",
            "region": p.region,
            "status": if p.status(now) == "ACTIVE_HEALTHY" { "ACTIVE_HEALTHY" } else { "COMING_UP" },
            "cloud_provider": "AWS",
            "identifier": p.r#ref,
            "type": "PRIMARY",
            "disk_volume_size_gb": 8,
            "disk_type": "gp3",
            "disk_throughput_mbps": 125,
            "disk_last_modified_at": iso(p.created_ms)
        }]
    })
}

/// Every region the API description's `RegionsInfo` names, with Supabase's own names. One is
/// at capacity (`status: capacity`), as regions are at times: a client must not offer it.
const REGIONS: [(&str, &str); 18] = [
    ("us-east-1", "East US (North Virginia)"),
    ("us-east-2", "East US (Ohio)"),
    ("us-west-1", "West US (North California)"),
    ("us-west-2", "West US (Oregon)"),
    ("ap-southeast-1", "Southeast Asia (Singapore)"),
    ("ap-northeast-1", "Northeast Asia (Tokyo)"),
    ("ap-northeast-2", "Northeast Asia (Seoul)"),
    ("ap-east-1", "East Asia (Hong Kong)"),
    ("ap-southeast-2", "Oceania (Sydney)"),
    ("eu-west-1", "West EU (Ireland)"),
    ("eu-west-2", "West Europe (London)"),
    ("eu-west-3", "West EU (Paris)"),
    ("eu-north-1", "North EU (Stockholm)"),
    ("eu-central-1", "Central EU (Frankfurt)"),
    ("eu-central-2", "Central Europe (Zurich)"),
    ("ca-central-1", "Canada (Central)"),
    ("ap-south-1", "South Asia (Mumbai)"),
    ("sa-east-1", "South America (São Paulo)"),
];
const AT_CAPACITY: &str = "eu-central-2";

/// `v1-get-available-regions`: `organization_slug` is required; `continent` picks the
/// recommendations (Europe's for `EU`, North America's otherwise).
pub(crate) async fn available_regions(
    State(st): St,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(slug) = q.get("organization_slug").filter(|s| !s.is_empty()) else {
        return errors::supabase(400, "organization_slug must be a string");
    };
    if !st.read(|w| w.supabase.orgs.iter().any(|o| &o.slug == slug)) {
        return errors::supabase(404, "Organization not found");
    }
    let region = |code: &str, name: &str| {
        let mut r = json!({"code": code, "name": name, "provider": "AWS", "type": "specific"});
        if code == AT_CAPACITY {
            r["status"] = json!("capacity");
        }
        r
    };
    let (group, recommended): (Value, &[&str]) = match q.get("continent").map(String::as_str) {
        Some("EU" | "AF") => (
            json!({"code": "emea", "name": "Europe, Middle East and Africa", "type": "smartGroup"}),
            &["eu-central-1", "eu-north-1"],
        ),
        Some("AS" | "OC") => (
            json!({"code": "apac", "name": "Asia-Pacific", "type": "smartGroup"}),
            &["ap-southeast-1"],
        ),
        _ => (
            json!({"code": "americas", "name": "Americas", "type": "smartGroup"}),
            &["us-east-1"],
        ),
    };
    let named = |code: &&str| {
        REGIONS
            .iter()
            .find(|(c, _)| c == code)
            .map(|(c, n)| region(c, n))
    };
    json_response(
        200,
        json!({
            "recommendations": {
                "smartGroup": group,
                "specific": recommended.iter().filter_map(named).collect::<Vec<_>>()
            },
            "all": {
                "smartGroup": [
                    {"code": "americas", "name": "Americas", "type": "smartGroup"},
                    {"code": "emea", "name": "Europe, Middle East and Africa", "type": "smartGroup"},
                    {"code": "apac", "name": "Asia-Pacific", "type": "smartGroup"}
                ],
                "specific": REGIONS.iter().map(|(c, n)| region(c, n)).collect::<Vec<_>>()
            }
        }),
    )
}
