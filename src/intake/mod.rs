//! The inbox (issue #42): customers who asked in the portal or paid in Stripe become
//! provisioning runs, and the portal learns what was built. The sources are read here
//! (`portal`, `stripe`); the register keeps the requests (`store::intake`); what the portal
//! should hold of each request is derived from the register alone (`portal_columns`), so a
//! write it refused is simply written again next time, and nothing is ever lost.

pub mod portal;
pub mod stripe;

use serde_json::{json, Map, Value};

use crate::customer::{Customer, CustomerDraft};
use crate::ledger::RunState;
use crate::store::intake::{IntakeItem, IntakeSource, IntakeState};

/// The customer a request asks for (checked like any customer when it is created).
pub fn draft_of(item: &IntakeItem) -> CustomerDraft {
    let source = match item.source {
        IntakeSource::Portal => "portalen",
        IntakeSource::Stripe => "Stripe",
    };
    CustomerDraft {
        name: item.name.trim().to_string(),
        slug: None,
        admin_email: item.admin_email.trim().to_string(),
        contact_name: None,
        plan: item.plan,
        modules: None,
        status: None,
        notes: Some(format!("Från {source} ({})", item.external_id)),
    }
}

/// What the portal should hold now, in three parts: the request's columns (portal requests
/// only), its `provisioning_jobs` row, and the organization's instance columns.
pub fn portal_columns(
    item: &IntakeItem,
    customer: Option<&Customer>,
    started: Option<&str>,
    finished: Option<&str>,
) -> Value {
    let mut request = Map::new();
    let mut job = Map::new();
    let mut organization = Map::new();
    let instance = customer.map(|c| &c.instance);
    let text = |v: Option<&String>| v.map_or(Value::Null, |s| Value::String(s.clone()));
    match item.state {
        IntakeState::Rejected => {
            request.insert("status".into(), json!("rejected"));
            request.insert("error_message".into(), text(item.reason.as_ref()));
        }
        IntakeState::Approved => {
            request.insert(
                "provisioning_started_at".into(),
                started.map_or(Value::Null, |s| json!(s)),
            );
            request.insert(
                "instance_url".into(),
                text(instance.and_then(|i| i.production_url.as_ref())),
            );
            request.insert(
                "supabase_project_id".into(),
                text(instance.and_then(|i| i.supabase_project_ref.as_ref())),
            );
            request.insert(
                "vercel_project_id".into(),
                text(instance.and_then(|i| i.vercel_project_id.as_ref())),
            );
            let (status, job_status) = match item.run_state {
                Some(RunState::Succeeded) => (Some("deployed"), "completed"),
                Some(s) if !s.is_active() => (Some("failed"), "failed"),
                _ => (None, "in_progress"),
            };
            if let Some(status) = status {
                request.insert("status".into(), json!(status));
                request.insert(
                    "provisioning_completed_at".into(),
                    finished.map_or(Value::Null, |s| json!(s)),
                );
            }
            let error = if status == Some("failed") {
                text(item.run_error.as_ref())
            } else {
                Value::Null
            };
            request.insert("error_message".into(), error.clone());
            job.insert("status".into(), json!(job_status));
            job.insert(
                "current_step".into(),
                item.run_step.map_or(Value::Null, |s| json!(s.as_str())),
            );
            job.insert("error_message".into(), error);
            // The organization's columns follow the instance: a domain, a rename or a teardown
            // changes them, and they are written again.
            if item.run_state == Some(RunState::Succeeded)
                || instance.is_some_and(|i| !i.is_empty())
            {
                organization.insert(
                    "production_url".into(),
                    text(instance.and_then(|i| i.production_url.as_ref())),
                );
                organization.insert(
                    "github_repo_url".into(),
                    text(instance.and_then(|i| i.github_repo_url.as_ref())),
                );
                organization.insert(
                    "supabase_project_ref".into(),
                    text(instance.and_then(|i| i.supabase_project_ref.as_ref())),
                );
            }
        }
        IntakeState::Pending | IntakeState::Cancelled => {}
    }
    if item.source != IntakeSource::Portal {
        request.clear();
        job.clear();
    }
    json!({ "request": request, "job": job, "organization": organization })
}

/// The parts of `want` that differ from what the portal was last told (`had`).
pub fn changed(want: &Value, had: Option<&str>) -> Vec<(&'static str, Map<String, Value>)> {
    let had: Value = had
        .and_then(|h| serde_json::from_str(h).ok())
        .unwrap_or_default();
    ["request", "job", "organization"]
        .into_iter()
        .filter_map(|part| {
            let w = want[part].as_object()?;
            let h = had[part].as_object();
            let diff: Map<String, Value> = w
                .iter()
                .filter(|(k, v)| h.and_then(|h| h.get(*k)) != Some(*v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            (!diff.is_empty()).then_some((part, diff))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_changed_is_written_again() {
        let want = json!({"request": {"status": "deployed", "instance_url": "https://a"}, "job": {}, "organization": {}});
        let had = json!({"request": {"status": "deployed", "instance_url": null}, "job": {}, "organization": {}});
        let diff = changed(&want, Some(&had.to_string()));
        assert_eq!(diff.len(), 1);
        assert_eq!(diff[0].1.keys().collect::<Vec<_>>(), ["instance_url"]);
        assert!(changed(&want, Some(&want.to_string())).is_empty());
        assert_eq!(changed(&want, None)[0].1.len(), 2);
    }
}
