//! The customer's n8n workflow, created from the agency's template and activated.

use serde_json::{json, Value};

use super::{created_or_adopted, done, gone, Owned, StepDef};
use crate::ledger::StepKey;
use crate::messages::Text;
use crate::providers::n8n::Workflow;
use crate::provision::context::{Done, RunCtx, StepError};
use crate::provision::{creation, ownership};
use crate::secrets::Provider;

pub fn workflow_name(slug: &str) -> String {
    format!("fabrik-{slug}")
}

/// The agency's template with every webhook on the customer's own path (`<path>-<uid>`): n8n
/// allows one active webhook per method and path across all workflows, so a shared path would
/// let only one customer's workflow be active. The template's `webhookId`s go too (n8n makes
/// new ones), so no two customers share one either.
pub fn customer_workflow(template: &Value, uid: &str) -> Value {
    let mut wf = template.clone();
    let nodes = wf.get_mut("nodes").and_then(Value::as_array_mut);
    for node in nodes.into_iter().flatten() {
        let webhook = is_webhook(node);
        let Some(obj) = node.as_object_mut().filter(|_| webhook) else {
            continue;
        };
        obj.remove("webhookId");
        let params = obj.entry("parameters").or_insert_with(|| json!({}));
        let base = params["path"].as_str().unwrap_or("").trim_matches('/');
        let base = if base.is_empty() { "fabrik" } else { base };
        params["path"] = json!(format!("{base}-{uid}"));
    }
    wf
}

step!(WORKFLOW: N8nWorkflow, "Skapa n8n-flöde", "Create n8n workflow", needs [], Some(Provider::N8n), workflow;
    undo find_workflow, owns_workflow, delete_workflow,
    by hand "Ta bort n8n-flödet {id} i n8n (Workflows → ⋯ → Delete).",
    "Delete the n8n workflow {id} in n8n (Workflows → ⋯ → Delete).");

async fn workflow(ctx: &RunCtx) -> Result<Done, StepError> {
    let name = workflow_name(&ctx.customer.slug);
    let found = ctx.clients.n8n.find_by_name(&name).await?;
    let recorded = ctx.workflow_id();
    let uid = &ctx.customer.uid;
    // Only a workflow carrying this customer's marker is ours; any other by this name is refused.
    let ours: Vec<&Workflow> = found
        .iter()
        .filter(|w| ownership::n8n_carries(&w.nodes, uid))
        .collect();
    let theirs = found.first().filter(|_| ours.is_empty());
    let (wf, created) = match (
        ours.iter()
            .find(|w| Some(&w.id) == recorded.as_ref())
            .or(ours.first()),
        theirs,
    ) {
        // The customer's: this run's own only when its note names this run (`creation`).
        (Some(w), _) => (
            (*w).clone(),
            creation::claims(ownership::n8n_made(&w.nodes, &ctx.mark)),
        ),
        // Someone else's by this name: adopted only when the owner allowed it.
        (None, Some(theirs)) => {
            let n8n = &ctx.clients.n8n;
            ownership::adopt_or_refuse(
                ctx,
                StepKey::N8nWorkflow,
                ("n8n-flödet", "The n8n workflow"),
                &name,
                &theirs.id,
                || async {
                    n8n.add_node(&theirs.id, ownership::n8n_node(uid)).await?;
                    Ok(())
                },
            )
            .await?;
            (theirs.clone(), false)
        }
        (None, None) => {
            ctx.record_intent(StepKey::N8nWorkflow, &name).await?;
            let template = customer_workflow(&ctx.settings.workflow_template, uid);
            (
                ctx.clients
                    .n8n
                    .create(&name, &template, ownership::n8n_node_by_run(uid, &ctx.mark))
                    .await?,
                true,
            )
        }
    };
    // The paths it listens on, as n8n holds them (an adopted workflow keeps its own).
    let paths = webhook_paths(&wf.nodes);
    let out = json!({ "id": wf.id, "name": wf.name, "webhook_paths": paths });
    ctx.record_resource(StepKey::N8nWorkflow, &wf.id, created, &out)
        .await?;
    if !wf.active {
        ctx.clients.n8n.activate(&wf.id).await?;
    }
    done(created_or_adopted(created), Some(wf.id), out)
}

/// A node n8n serves a webhook for.
fn is_webhook(node: &Value) -> bool {
    node["type"]
        .as_str()
        .is_some_and(|t| t.to_ascii_lowercase().ends_with(".webhook"))
}

fn webhook_paths(nodes: &[Value]) -> Vec<String> {
    nodes
        .iter()
        .filter(|n| is_webhook(n))
        .filter_map(|n| n["parameters"]["path"].as_str().map(str::to_string))
        .collect()
}

async fn find_workflow(ctx: &RunCtx, intent: &str) -> Result<Option<(String, Value)>, StepError> {
    let uid = ctx.customer.uid.clone();
    Ok(ctx
        .clients
        .n8n
        .find_by_name(intent)
        .await?
        .into_iter()
        .find(|w| {
            ownership::n8n_carries(&w.nodes, &uid)
                && creation::claims(ownership::n8n_made(&w.nodes, &ctx.mark))
        })
        .map(|w| (w.id, json!({}))))
}

/// Re-reads the workflow: only one carrying this customer's marker is ours.
pub(super) async fn owns_workflow(ctx: &RunCtx, id: &str, _: &Value) -> Result<Owned, StepError> {
    Ok(match ctx.clients.n8n.get(id).await? {
        None => Owned::Gone,
        Some(w) if ownership::n8n_carries(&w.nodes, &ctx.customer.uid) => {
            Owned::Ours(ownership::n8n_made(&w.nodes, &ctx.mark))
        }
        Some(w) => Owned::NotOurs(ownership::not_ours(
            "n8n-flödet",
            "The n8n workflow",
            &w.name,
        )),
    })
}

async fn delete_workflow(ctx: &RunCtx, id: &str, _: &Value) -> Result<(), StepError> {
    gone(ctx.clients.n8n.delete(id).await)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// Every webhook listens on the customer's own path and loses the template's webhookId
    /// (n8n makes a new one); other nodes are left as they are.
    #[test]
    fn each_customer_gets_its_own_webhook_paths() {
        let template = json!({"nodes": [
            {"type": "n8n-nodes-base.webhook", "webhookId": "shared-id", "parameters": {"path": "/events/", "httpMethod": "POST"}},
            {"type": "n8n-nodes-base.webhook", "parameters": {}},
            {"type": "n8n-nodes-base.set", "parameters": {"path": "not-a-webhook"}}
        ]});
        let wf = super::customer_workflow(&template, "uid-1");
        let nodes = wf["nodes"].as_array().unwrap();
        assert_eq!(nodes[0]["parameters"]["path"], "events-uid-1");
        assert_eq!(nodes[0]["parameters"]["httpMethod"], "POST");
        assert!(nodes[0].get("webhookId").is_none());
        assert_eq!(nodes[1]["parameters"]["path"], "fabrik-uid-1");
        assert_eq!(nodes[2]["parameters"]["path"], "not-a-webhook");
        assert_eq!(
            super::webhook_paths(nodes),
            ["events-uid-1", "fabrik-uid-1"]
        );
    }
}
