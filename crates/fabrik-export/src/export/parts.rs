//! What an archive holds, part by part (`manifest::ExportPart`). Each part fills its folder or
//! says why it is not there (`manifest.json`'s `omitted`). The repository is a git bundle of
//! every branch and tag (`Github::bundle`), taken only when the repository the ledger names
//! still carries the customer's marker; the storage files are every bucket's objects as the
//! Storage API lists them, each streamed to a scratch file and copied in.

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
                let (a, t) = Box::pin(super::tables::write(archive, from)).await?;
                (archive, tables) = (a, t);
                None
            }
            ExportPart::Users => {
                archive = Box::pin(users::write(archive, from)).await?.0;
                None
            }
            ExportPart::Workflow => match Box::pin(workflow(from)).await? {
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
            ExportPart::Repository => match Box::pin(repository(from)).await? {
                Ok((owner, name)) => {
                    let scratch = archive.scratch("repository.bundle");
                    match Box::pin(from.github.bundle(&owner, &name, &scratch)).await {
                        Ok(b) => {
                            let path = format!("{}{name}.bundle", part.path());
                            archive = add_file(archive, path, scratch, b.bytes, b.sha256).await?;
                            None
                        }
                        // Git missing on this computer, a repository too large or empty: the
                        // rest of the archive is still theirs, and the manifest says why.
                        Err(e) => Some(format!("the git bundle of {owner}/{name}: {e}")),
                    }
                }
                Err(why) => Some(why),
            },
            ExportPart::Storage => {
                // Boxed: the part futures side by side would not fit a test thread's stack.
                archive = Box::pin(storage(archive, from)).await?;
                None
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

/// The repository the ledger names, where it is now, if it still carries the customer's
/// marker: its owner and name; or why it is left out.
async fn repository(from: &Source<'_>) -> Result<Result<(String, String), String>, ExportError> {
    let Some(recorded) = &from.repo else {
        return Ok(Err("the instance has no GitHub repository".into()));
    };
    let known = (recorded.owner.as_str(), recorded.name.as_str());
    let found = match recorded.id {
        Some(id) => from.github.by_id(id, known).await?,
        None => from.github.lookup(known.0, known.1).await?,
    };
    let Some(repo) = found else {
        return Ok(Err(format!(
            "the repository {} no longer exists",
            recorded.full_name()
        )));
    };
    if !ownership::carries(repo.description.as_deref(), &from.customer_uid) {
        return Ok(Err(format!(
            "the repository {} does not carry this customer's marker",
            repo.full_name
        )));
    }
    Ok(Ok((repo.owner.login, repo.name)))
}

/// Every stored object, each downloaded to a scratch file (memory stays one chunk) and copied
/// in under `storage/BUCKET/NAME`.
async fn storage(mut archive: Archive, from: &Source<'_>) -> Result<Archive, ExportError> {
    let keys = from.supabase.api_keys(&from.project_ref).await?;
    let objects = from
        .supabase
        .storage_objects(&from.project_ref, &keys)
        .await?;
    for o in objects {
        let path = format!(
            "{}{}/{}",
            ExportPart::Storage.path(),
            safe(&o.bucket),
            safe(&o.name)
        );
        let scratch = archive.scratch(&path);
        let mut file = tokio::fs::File::create_new(&scratch).await?;
        let got = from
            .supabase
            .storage_download(&from.project_ref, &keys, &o.bucket, &o.name, &mut file)
            .await;
        drop(file);
        let got = match got {
            Ok(got) => got,
            Err(e) => {
                let _ = std::fs::remove_file(&scratch);
                return Err(e.into());
            }
        };
        archive = add_file(archive, path, scratch, got.size, got.sha256).await?;
    }
    Ok(archive)
}

/// A scratch file into the archive, on the blocking pool.
async fn add_file(
    mut archive: Archive,
    path: String,
    scratch: std::path::PathBuf,
    bytes: u64,
    sha256: String,
) -> Result<Archive, ExportError> {
    crate::blocking::run(move || {
        archive.add_file(&path, &scratch, bytes, sha256)?;
        Ok::<_, ExportError>(archive)
    })
    .await
}

/// A stored name as a path inside the archive that stays inside it when unpacked: no empty,
/// `.` or `..` segment, no backslash (a name may hold anything a bucket allows).
fn safe(name: &str) -> String {
    name.split('/')
        .map(|seg| match seg {
            "" | "." | ".." => "_".to_string(),
            s => s.replace('\\', "_"),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_stored_name_stays_inside_the_archive() {
        assert_eq!(super::safe("a/b/c.png"), "a/b/c.png");
        assert_eq!(super::safe("../../etc/passwd"), "_/_/etc/passwd");
        assert_eq!(super::safe("/abs//x\\y"), "_/abs/_/x_y");
    }
}
