//! The customer's n8n workflow, created from the agency's template and activated.

use serde_json::{json, Value};

use super::{created_or_adopted, done, gone, Owned, StepDef};
use crate::messages::Text;
use crate::providers::n8n::Workflow;
use crate::provision::context::{Done, RunCtx, StepError};
use crate::provision::ownership;
use crate::provision::step::StepKey;
use crate::secrets::Provider;

pub fn workflow_name(slug: &str) -> String {
    format!("fabrik-{slug}")
}

step!(WORKFLOW: N8nWorkflow, "Skapa n8n-flöde", "Create n8n workflow", needs [], Some(Provider::N8n), workflow;
    undo find_workflow, owns_workflow, delete_workflow,
    by hand "Ta bort n8n-flödet {id} i n8n (Workflows → ⋯ → Delete).",
    "Delete the n8n workflow {id} in n8n (Workflows → ⋯ → Delete).");

async fn workflow(ctx: &RunCtx) -> Result<Done, StepError> {
    let name = workflow_name(&ctx.customer.slug);
    let found = ctx.clients.n8n.find_by_name(&name).await?;
    let recorded = ctx.output(StepKey::N8nWorkflow)["id"]
        .as_str()
        .map(str::to_string);
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
        (Some(w), _) => (
            (*w).clone(),
            ctx.intended_by_this_run(StepKey::N8nWorkflow).await?,
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
            (
                ctx.clients
                    .n8n
                    .create(
                        &name,
                        &ctx.settings.workflow_template,
                        ownership::n8n_node(uid),
                    )
                    .await?,
                true,
            )
        }
    };
    let out = json!({ "id": wf.id, "name": wf.name });
    ctx.record_resource(StepKey::N8nWorkflow, &wf.id, created, &out)
        .await?;
    if !wf.active {
        ctx.clients.n8n.activate(&wf.id).await?;
    }
    done(created_or_adopted(created), Some(wf.id), out)
}

async fn find_workflow(ctx: &RunCtx, intent: &str) -> Result<Option<(String, Value)>, StepError> {
    let uid = ctx.customer.uid.clone();
    Ok(ctx
        .clients
        .n8n
        .find_by_name(intent)
        .await?
        .into_iter()
        .find(|w| ownership::n8n_carries(&w.nodes, &uid))
        .map(|w| (w.id, json!({}))))
}

/// Re-reads the workflow: only one carrying this customer's marker is ours.
async fn owns_workflow(ctx: &RunCtx, id: &str, _: &Value) -> Result<Owned, StepError> {
    Ok(match ctx.clients.n8n.get(id).await? {
        None => Owned::Gone,
        Some(w) if ownership::n8n_carries(&w.nodes, &ctx.customer.uid) => Owned::Ours,
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
