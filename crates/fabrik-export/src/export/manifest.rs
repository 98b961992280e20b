//! `manifest.json`: what the archive is (whose, when, of which versions), what each part holds
//! or why it was left out, each table's columns and types, and every other file with its size
//! and SHA-256, so a person (or a script) can check the archive without Fabrik.

use serde::{Deserialize, Serialize};

use super::archive::FileEntry;
use crate::vocabulary::vocabulary;

vocabulary!(
    /// A part of a customer's export, in the order the archive holds them.
    pub enum ExportPart {
        /// Every table of the `public` schema, as CSV and JSON, with its columns' types.
        Tables => "tables",
        /// The Auth users: id, email, name, role, when created and last signed in.
        Users => "users",
        /// The n8n workflow, redacted by shape as a workflow backup is.
        Workflow => "workflow",
        /// The repository as one git bundle.
        Repository => "repository",
        /// The files in the project's storage buckets.
        Storage => "storage",
    }
);

impl ExportPart {
    /// The folder (or file) it fills in the archive.
    pub const fn path(self) -> &'static str {
        match self {
            ExportPart::Tables => "tables/",
            ExportPart::Users => "auth/",
            ExportPart::Workflow => "workflow/",
            ExportPart::Repository => "repo/",
            ExportPart::Storage => "storage/",
        }
    }
}

/// The manifest's own name in the archive.
pub const MANIFEST: &str = "manifest.json";
/// What the archive says it is, and the version of that form: a reader refuses a newer one.
pub const FORMAT: &str = "fabrik-export";
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub customer: CustomerAbout,
    /// RFC 3339, UTC: when the export began reading.
    pub taken_at: String,
    /// The Fabrik that wrote it.
    pub fabrik_version: String,
    /// `sandbox` or `production`.
    pub environment: String,
    /// The newest version in the instance's migration history (`None`: it keeps none).
    pub schema_version: Option<String>,
    /// The template commit the instance's repository stands on, as the register knows it.
    pub template_version: Option<String>,
    pub parts: Vec<PartEntry>,
    pub tables: Vec<TableAbout>,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAbout {
    pub slug: String,
    pub name: String,
}

/// A part of the archive: where its files are, or why it is not there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartEntry {
    pub part: ExportPart,
    /// The folder or file it fills.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omitted: Option<String>,
}

/// One table of the `public` schema: its rows as written and its columns' types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableAbout {
    pub name: String,
    /// Its files without the extension: `tables/NAME` (`.csv`, `.json`, `.schema.json`).
    pub file: String,
    pub rows: u64,
    pub columns: Vec<Column>,
    /// The primary key's columns (empty: the table has none).
    pub primary_key: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// PostgreSQL's name for it (`format_type`): `text`, `timestamp with time zone`, `numeric(10,2)`.
    #[serde(rename = "type")]
    pub ty: String,
    pub nullable: bool,
}

impl Manifest {
    /// The manifest as its file holds it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).expect("a manifest serializes");
        out.push(b'\n');
        out
    }
}
