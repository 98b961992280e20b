//! A customer's data as one archive they open without Fabrik (issue #59): a ZIP file with a
//! README, the `public` tables as CSV and JSON with their columns' types, the Auth users
//! without any secret, the workflow redacted by shape, and a manifest with every file's size
//! and SHA-256, the schema and template versions. The repository's bundle and the storage
//! files are parts of their own (`parts.rs`), named in the manifest with why they are left out
//! until their clients exist.
//!
//! Everything is read through the query endpoint and n8n's API, page after page, and written
//! as it comes (`archive.rs`): memory holds one page whatever the instance's size. The archive
//! is made in a work folder beside the target and appears under its name only when whole; a
//! failure leaves nothing behind. The caller proves the instance the customer's first (the
//! service does, by the project's marker name), and records the export in the register.

mod archive;
pub mod deliver;
pub mod keeping;
mod manifest;
mod parts;
mod readme;
pub mod rows;
mod tables;
mod users;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::database::backup::BackupError;
use crate::environment::Environment;
use crate::providers::n8n::N8n;
use crate::providers::supabase::Supabase;
use crate::providers::ProviderError;

pub use archive::{hash_file, FileEntry};
pub use manifest::{
    Column, CustomerAbout, ExportPart, Manifest, PartEntry, TableAbout, FORMAT, FORMAT_VERSION,
    MANIFEST,
};
pub use parts::WORKFLOW_FILE;
pub use readme::README;
pub use users::FILE as USERS_FILE;

/// Where the data is read: the customer's project and workflow, already proven theirs.
pub struct Source<'a> {
    pub supabase: &'a Supabase,
    pub n8n: &'a N8n,
    pub github: &'a crate::providers::github::Github,
    /// The repository provisioning recorded (`None`: the instance has none).
    pub repo: Option<crate::provision::outputs::GithubRepo>,
    pub project_ref: String,
    /// The instance card's workflow (`None`: it has none).
    pub workflow_id: Option<String>,
    /// The customer's uid, whose marker the workflow must carry to be taken.
    pub customer_uid: String,
}

/// What the archive says of itself.
#[derive(Debug, Clone)]
pub struct About {
    pub slug: String,
    pub name: String,
    pub environment: Environment,
    pub schema_version: Option<String>,
    pub template_version: Option<String>,
    pub taken_at: DateTime<Utc>,
}

/// A finished archive: its size and SHA-256, and its manifest.
#[derive(Debug, Clone)]
pub struct Written {
    pub bytes: u64,
    pub sha256: String,
    pub manifest: Manifest,
}

/// Why no archive was written. Nothing is left behind in any case.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ExportError {
    /// The target file exists already: an export never writes over a file.
    #[error("{0} exists already")]
    Exists(PathBuf),
    /// The target's folder does not exist.
    #[error("the folder {0} does not exist")]
    NoFolder(PathBuf),
    #[error("{0}")]
    Query(#[from] ProviderError),
    /// An answer that could not be read (the database's or n8n's).
    #[error("{0}")]
    Unreadable(String),
    #[error("{0}")]
    Io(String),
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> ExportError {
        ExportError::Io(e.to_string())
    }
}

impl From<BackupError> for ExportError {
    fn from(e: BackupError) -> ExportError {
        match e {
            BackupError::Query(p) => ExportError::Query(p),
            other => ExportError::Unreadable(other.to_string()),
        }
    }
}

/// Whether an archive may be written at `target`: not over a file, into a folder that exists.
pub fn check_target(target: &Path) -> Result<(), ExportError> {
    if target.exists() || target.is_symlink() {
        return Err(ExportError::Exists(target.to_path_buf()));
    }
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(ExportError::NoFolder(folder.to_path_buf()));
    }
    Ok(())
}

/// Writes the customer's archive to `target` (checked first: no file there, its folder
/// there); its size, SHA-256 and manifest. On any failure nothing is left.
pub async fn write(target: &Path, about: About, from: &Source<'_>) -> Result<Written, ExportError> {
    check_target(target)?;
    let (target, at) = (target.to_path_buf(), about.taken_at);
    let readme = readme::text(&about);
    let (work, archive) = crate::blocking::run(move || {
        let work = archive::Work::beside(&target)?;
        let mut archive = archive::Archive::create(&work, at)?;
        archive.add(README, &readme)?;
        Ok::<_, ExportError>((work, archive))
    })
    .await?;
    // Boxed, as each part is: the whole export's future would not fit a test thread's stack.
    let written = Box::pin(parts::write(archive, from)).await?;
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        customer: CustomerAbout {
            slug: about.slug,
            name: about.name,
        },
        taken_at: about.taken_at.to_rfc3339(),
        fabrik_version: env!("CARGO_PKG_VERSION").into(),
        environment: about.environment.to_string(),
        schema_version: about.schema_version,
        template_version: about.template_version,
        parts: written.parts,
        tables: written.tables,
        files: written.archive.files().to_vec(),
    };
    let bytes = manifest.to_bytes();
    let archive = written.archive;
    let (size, sha256) = crate::blocking::run(move || {
        archive.close(&bytes, MANIFEST)?;
        Ok::<_, ExportError>(work.finish()?)
    })
    .await?;
    Ok(Written {
        bytes: size,
        sha256,
        manifest,
    })
}

/// A name as a file name every system accepts (a table may be called anything PostgreSQL
/// allows), made unique among `used`.
fn file_name(name: &str, used: &mut BTreeSet<String>) -> String {
    let clean: String = name
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let clean = match clean.trim_matches(['.', ' ']) {
        "" => "_".to_string(),
        c => c.to_string(),
    };
    let mut candidate = clean.clone();
    let mut n = 2;
    // Windows compares names without case.
    while !used.insert(candidate.to_lowercase()) {
        candidate = format!("{clean}-{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_name_becomes_a_file_name_every_system_accepts_once() {
        let mut used = BTreeSet::new();
        assert_eq!(file_name("orders", &mut used), "orders");
        assert_eq!(file_name("Orders", &mut used), "Orders-2");
        assert_eq!(file_name("a/b:c", &mut used), "a_b_c");
        assert_eq!(file_name("..", &mut used), "_");
    }

    #[test]
    fn a_target_that_exists_or_whose_folder_does_not_is_refused() {
        let dir = std::env::temp_dir().join(format!("fabrik-export-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let there = dir.join("there.zip");
        std::fs::write(&there, b"x").unwrap();
        assert!(matches!(check_target(&there), Err(ExportError::Exists(_))));
        let missing = dir.join("missing").join("a.zip");
        assert!(matches!(
            check_target(&missing),
            Err(ExportError::NoFolder(_))
        ));
        assert!(check_target(&dir.join("new.zip")).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
