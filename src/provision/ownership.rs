//! Proof that Fabrik made a resource for a customer: the customer's immutable id (`uid`),
//! written on the resource in the very call that creates it and read back through the
//! provider's API before Fabrik adopts, changes or deletes anything. A name proves nothing.
//!
//! | provider | where the marker is |
//! |---|---|
//! | Supabase | the project name, `<slug>-<uid>` (the create body has no other field that reads back) |
//! | GitHub | the repository description, `… [fabrik:<uid>]` (given to "generate from template") |
//! | Vercel | a plain env var `FABRIK_CUSTOMER_ID=<uid>` in the create body |
//! | n8n | a sticky-note node `Fabrik` whose content is `fabrik:<uid>` |

use serde_json::{json, Value};

use crate::messages::ErrorCode;
use crate::params;
use crate::provision::context::StepError;

/// The text every marker contains.
pub fn marker(uid: &str) -> String {
    format!("fabrik:{uid}")
}

/// Whether a text (a description, a note) carries this customer's marker.
pub fn carries(text: Option<&str>, uid: &str) -> bool {
    text.is_some_and(|t| t.contains(&marker(uid)))
}

pub fn supabase_project_name(slug: &str, uid: &str) -> String {
    format!("{slug}-{uid}")
}

pub fn github_description(customer_name: &str, uid: &str) -> String {
    format!("SaaS-instans för {customer_name} [{}]", marker(uid))
}

pub const VERCEL_ENV_KEY: &str = "FABRIK_CUSTOMER_ID";

/// The create body's `environmentVariables` entry that marks a Vercel project.
pub fn vercel_env(uid: &str) -> Value {
    json!({
        "key": VERCEL_ENV_KEY, "value": uid, "type": "plain",
        "target": ["production", "preview", "development"],
    })
}

pub const N8N_NODE_NAME: &str = "Fabrik";

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
    }
}
