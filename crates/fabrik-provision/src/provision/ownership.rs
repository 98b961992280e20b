//! Proof that Fabrik made a resource for a customer: the customer's immutable id (`uid`),
//! written on the resource in the very call that creates it and read back through the
//! provider's API before Fabrik adopts, changes or deletes anything. A name proves nothing.
//!
//! | provider | where the marker is |
//! |---|---|
//! | Supabase | the project name, `<slug>-<uid>`, since issue #67 followed by `-<run mark>` (the create body has no other field that reads back) |
//! | GitHub | the repository description, `… [fabrik:<uid>]` (given to "generate from template") |
//! | Vercel | a plain env var `FABRIK_CUSTOMER_ID=<uid>` in the create body |
//! | n8n | a sticky-note node `Fabrik` whose content is `fabrik:<uid>` |
//!
//! A resource adopted on purpose gets the same marker, written by Fabrik when the owner has
//! confirmed it (see `adopt_or_refuse`), and from then on is the customer's like any other.

use std::future::Future;

use serde_json::{json, Value};

use crate::ledger::StepKey;
use crate::ledger::{AdoptionState, LogLevel};
use crate::messages::params;
use crate::messages::{ErrorCode, Text};
use crate::provision::adoptions::AdoptionRows;
use crate::provision::context::{RunCtx, StepError};

/// The text every marker contains.
pub fn marker(uid: &str) -> String {
    format!("fabrik:{uid}")
}

/// Whether a text (a description, a note) carries this customer's marker.
pub fn carries(text: Option<&str>, uid: &str) -> bool {
    text.is_some_and(|t| t.contains(&marker(uid)))
}

/// Fabrik's marker on a person in the instance's Auth (the first administrator, an invited
/// member): `app_metadata.fabrik.customer`. Only the service role writes `app_metadata`, so
/// the person cannot forge it, and it reads back with the user.
pub fn auth_marker(uid: &str) -> Value {
    json!({ "customer": uid })
}

/// Whether a user's `app_metadata` carries this customer's marker.
pub fn auth_marked(app_metadata: &Value, uid: &str) -> bool {
    app_metadata["fabrik"]["customer"].as_str() == Some(uid)
}

pub fn supabase_project_name(slug: &str, uid: &str) -> String {
    format!("{slug}-{uid}")
}

/// The name a run gives the project it creates: the customer's marker name and the run's mark
/// (`creation`), the only field of a project that reads back.
pub fn supabase_project_name_by_run(slug: &str, uid: &str, mark: &str) -> String {
    format!("{}-{mark}", supabase_project_name(slug, uid))
}

/// The run mark a customer's project name carries: `None` for another's name, `Some("")` for
/// the marker name alone (a project made before runs were marked).
pub fn supabase_run_mark<'a>(name: &'a str, slug: &str, uid: &str) -> Option<&'a str> {
    let rest = name.strip_prefix(&supabase_project_name(slug, uid))?;
    if rest.is_empty() {
        return Some("");
    }
    let mark = rest.strip_prefix('-')?;
    let is_mark = mark.len() == 13
        && mark.starts_with('r')
        && mark[1..].bytes().all(|b| b.is_ascii_hexdigit());
    is_mark.then_some(mark)
}

/// Whether a project's name is the customer's (with or without a run's mark).
pub fn supabase_named(name: &str, slug: &str, uid: &str) -> bool {
    supabase_run_mark(name, slug, uid).is_some()
}

pub fn github_description(customer_name: &str, uid: &str) -> String {
    format!("SaaS-instans för {customer_name} [{}]", marker(uid))
}

/// The description a run gives the repository it creates: the customer's marker and the run's
/// own (`creation`), the repository's proof of which run made it.
pub fn github_description_by_run(customer_name: &str, uid: &str, mark: &str) -> String {
    format!(
        "{} [{}]",
        github_description(customer_name, uid),
        super::creation::tag(mark)
    )
}

/// A description that keeps what the owner wrote and adds the marker (adoption on purpose).
pub fn github_description_marked(existing: Option<&str>, customer_name: &str, uid: &str) -> String {
    match existing.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => format!("{d} [{}]", marker(uid)),
        None => github_description(customer_name, uid),
    }
}

pub const VERCEL_ENV_KEY: &str = "FABRIK_CUSTOMER_ID";
/// The plain variable that names the run that created a Vercel project (`creation`).
pub const VERCEL_RUN_KEY: &str = "FABRIK_RUN";

/// The create body's `environmentVariables` entry that marks a Vercel project.
pub fn vercel_env(uid: &str) -> Value {
    json!({
        "key": VERCEL_ENV_KEY, "value": uid, "type": "plain",
        "target": ["production", "preview", "development"],
    })
}

pub const N8N_NODE_NAME: &str = "Fabrik";

/// The create body's entry that names the run creating a Vercel project (`creation`).
pub fn vercel_run_env(mark: &str) -> Value {
    json!({
        "key": VERCEL_RUN_KEY, "value": mark, "type": "plain",
        "target": ["production", "preview", "development"],
    })
}

/// The sticky note a run puts in the workflow it creates: the customer's marker and the run's.
pub fn n8n_node_by_run(uid: &str, mark: &str) -> Value {
    let mut node = n8n_node(uid);
    node["parameters"]["content"] = json!(format!(
        "Skapad av Fabrik för kunden {} [{}]. Ändra inte den här lappen.",
        marker(uid),
        super::creation::tag(mark)
    ));
    node
}

/// Whether the workflow's sticky note names this run (`creation`).
pub fn n8n_made(nodes: &[Value], mark: &str) -> super::creation::Made {
    let note = nodes
        .iter()
        .find(|n| n["name"] == N8N_NODE_NAME)
        .and_then(|n| n["parameters"]["content"].as_str());
    super::creation::in_text(note, mark)
}

/// A sticky note in the workflow, visible in n8n's editor too.
pub fn n8n_node(uid: &str) -> Value {
    json!({
        "id": format!("fabrik-{uid}"),
        "name": N8N_NODE_NAME,
        "type": "n8n-nodes-base.stickyNote",
        "typeVersion": 1,
        "position": [0, -200],
        "parameters": {
            "content": format!("Skapad av Fabrik för kunden {}. Ändra inte den här lappen.", marker(uid)),
        },
    })
}

pub fn n8n_carries(nodes: &[Value], uid: &str) -> bool {
    nodes
        .iter()
        .any(|n| n["name"] == N8N_NODE_NAME && carries(n["parameters"]["content"].as_str(), uid))
}

/// A resource found by the customer's name without the customer's marker, met on the way
/// forward. Left alone and recorded as refused, unless the owner allowed adopting it (typed
/// confirmation in the window, `--adopt NAME` in the CLI): then `mark` writes the marker on it
/// and the adoption is recorded with this run and the resource's id. `Ok` means adopted.
pub async fn adopt_or_refuse<F, Fut>(
    ctx: &RunCtx,
    step: StepKey,
    (resource_sv, resource_en): (&str, &str),
    name: &str,
    external_id: &str,
    mark: F,
) -> Result<(), StepError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(), StepError>>,
{
    let (customer, env, run_id) = (ctx.customer.id, ctx.environment, ctx.run_id);
    let resource = name.to_string();
    // The permission covers the resource the owner was shown, by its id: one made since under
    // the same name is refused again.
    let allowed = ctx
        .db(move |s| s.adoption(customer, env, &resource))
        .await?
        .is_some_and(|a| {
            a.state == AdoptionState::Allowed && a.external_id.as_deref() == Some(external_id)
        });
    if !allowed {
        let (resource, id) = (name.to_string(), external_id.to_string());
        ctx.db(move |s| s.record_refusal(customer, env, step, &resource, &id, Some(run_id)))
            .await?;
        return Err(StepError::permanent(
            ErrorCode::ResourceForeign,
            params! {
                "resource" => resource_sv, "resource_en" => resource_en,
                "name" => name, "id" => external_id, "slug" => ctx.customer.slug,
            },
        ));
    }
    mark().await?;
    let (resource, id) = (name.to_string(), external_id.to_string());
    ctx.db(move |s| s.record_adopted(customer, env, &resource, run_id, &id))
        .await?;
    let mut p = crate::messages::params! { "name" => name };
    crate::messages::param_text(&mut p, "what", &Text::new(resource_sv, resource_en));
    let text = crate::messages::Say::AdoptedOnPurpose.with(p);
    ctx.log(step, LogLevel::Info, &text).await;
    Ok(())
}

/// The refusal for a resource by our name that is not ours, with the ways out.
pub fn not_ours(resource_sv: &str, resource_en: &str, name: &str) -> StepError {
    StepError::permanent(
        ErrorCode::ResourceNotOurs,
        params! { "resource" => resource_sv, "resource_en" => resource_en, "name" => name },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_name_exactly_one_customer() {
        let uid = "6f1d2c9a-0000-4000-8000-000000000001";
        let other = "6f1d2c9a-0000-4000-8000-000000000002";
        assert!(carries(Some(&github_description("Kund AB", uid)), uid));
        assert!(!carries(Some(&github_description("Kund AB", other)), uid));
        assert!(!carries(Some("SaaS-instans för Kund AB"), uid));
        assert!(!carries(None, uid));
        assert!(n8n_carries(&[n8n_node(uid)], uid));
        assert!(!n8n_carries(&[n8n_node(other)], uid));
        assert_eq!(vercel_env(uid)["value"], uid);
        let by_run = supabase_project_name_by_run("kund-ab", uid, "r0123456789ab");
        assert_eq!(
            supabase_run_mark(&by_run, "kund-ab", uid),
            Some("r0123456789ab")
        );
        assert!(supabase_named(
            &supabase_project_name("kund-ab", uid),
            "kund-ab",
            uid
        ));
        assert!(!supabase_named(&by_run, "kund-ab", other));
        // A name that goes on past the marker is someone else's.
        assert!(!supabase_named(&format!("{by_run}0"), "kund-ab", uid));
        assert!(!supabase_named(
            &format!("{}-x", supabase_project_name("kund-ab", uid)),
            "kund-ab",
            uid
        ));
        // A run's own mark keeps the customer's marker beside it.
        let by_run = github_description_by_run("Kund AB", uid, "r0123456789ab");
        assert!(carries(Some(&by_run), uid));
        assert_eq!(
            super::super::creation::in_text(Some(&by_run), "r0123456789ab"),
            super::super::creation::Made::ThisRun
        );
        let note = n8n_node_by_run(uid, "r0123456789ab");
        assert!(n8n_carries(std::slice::from_ref(&note), uid));
        assert_eq!(
            n8n_made(&[note], "r0123456789ab"),
            super::super::creation::Made::ThisRun
        );
        assert_eq!(
            n8n_made(&[n8n_node(uid)], "r0123456789ab"),
            super::super::creation::Made::Elsewhere
        );
    }
}
