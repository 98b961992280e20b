//! What an archive holds, part by part (`manifest::ExportPart`). Each part fills its folder or
//! says why it is not there (`manifest.json`'s `omitted`): the repository and the storage files
//! are named here and left out until their clients exist (`Github::bundle`,
//! `Supabase::storage_objects`), so plugging them in is an arm of `write` below and nothing
//! else.

use super::archive::Archive;
use super::manifest::{ExportPart, PartEntry, TableAbout};
use super::{users, ExportError, Source};
use crate::provision::ownership;

/// The workflow's file in the archive.
pub const WORKFLOW_FILE: &str = "workflow/n8n-workflow.json";

/// What writing the parts gave: the archive, each part's entry, the tables.
pub(super) struct Written {
    pub archive: Archive,
    pub parts: Vec<PartEntry>,
    pub tables: Vec<TableAbout>,
}

/// Every part in turn into `archive`.
pub(super) async fn write(mut archive: Archive, from: &Source<'_>) -> Result<Written, ExportError> {
    let (mut parts, mut tables) = (Vec::new(), Vec::new());
    for &part in ExportPart::ALL {
        let omitted = match part {
            ExportPart::Tables => {
                let (a, t) = super::tables::write(archive, from).await?;
                (archive, tables) = (a, t);
                None
            }
            ExportPart::Users => {
                archive = users::write(archive, from).await?.0;
                None
            }
            ExportPart::Workflow => match workflow(from).await? {
                Ok(bytes) => {
                    archive = crate::blocking::run(move || {
                        archive.add(WORKFLOW_FILE, &bytes)?;
                        Ok::<_, ExportError>(archive)
                    })
                    .await?;
                    None
                }
                Err(why) => Some(why),
            },
            // The bundle comes from the GitHub client (`Github::bundle`), not written yet.
            ExportPart::Repository => Some(
                "the repository's git bundle is not part of this version of Fabrik's export yet"
                    .into(),
            ),
            // The files come from Supabase's Storage API (`Supabase::storage_objects`), not read yet.
            ExportPart::Storage => {
                Some("the storage files are not part of this version of Fabrik's export yet".into())
            }
        };
        parts.push(PartEntry {
            part,
            path: part.path().to_string(),
            omitted,
        });
    }
    Ok(Written {
        archive,
        parts,
        tables,
    })
}

/// The customer's workflow as a workflow backup writes it (`workflows::normalize`: only what
/// defines it, credentials as references, every secret out by shape), or why it is left out.
async fn workflow(from: &Source<'_>) -> Result<Result<Vec<u8>, String>, ExportError> {
    let Some(id) = &from.workflow_id else {
        return Ok(Err("the instance has no n8n workflow".into()));
    };
    let Some(exported) = from.n8n.export(id).await? else {
        return Ok(Err(format!("the n8n workflow {id} no longer exists")));
    };
    let nodes = exported["nodes"].as_array().cloned().unwrap_or_default();
    // Only the workflow that carries the customer's marker is theirs to take.
    if !ownership::n8n_carries(&nodes, &from.customer_uid) {
        return Ok(Err(format!(
            "the n8n workflow {id} does not carry this customer's marker"
        )));
    }
    Ok(crate::workflows::normalize(&exported).map_err(|e| e.to_string()))
}
