//! The move archive as a file. Sealed as a backup is (`crypt`, the keyring's current backup
//! key, bound to the source's customer, environment and project), and written and read a
//! chunk at a time (issue #71: at a million rows the archive is over 250 MB, and was held
//! whole, twice, on both sides). Its plaintext is four parts, each readable by a person once
//! decrypted:
//!
//! 1. the line `-- Fabrik move archive v2`;
//! 2. the people, one line of JSON: `{"users": [...], "identities": [...]}`, GoTrue's rows;
//! 3. the logical backup's script, as `database::backup::dump_into` writes it (`psql -f` runs it);
//! 4. the manifest, one line of JSON (`Manifest`), last: what it says of the script (its
//!    tables' checksums, its size and sha256) is known only once the script is written.
//!
//! A `v1` archive (manifest, people, script, written whole before issue #71) still reads.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::database::backup::{BackupError, TableSum};
use crate::environment::Environment;

mod read;
#[cfg(test)]
mod tests;
mod write;

pub use read::{open, Opened};
pub use write::export;

/// The first line of every move archive's plaintext; `open` refuses anything else.
pub const FORMAT: &str = "-- Fabrik move archive v2";
/// The first line of an archive written whole, manifest first (before issue #71).
pub(super) const FORMAT_V1: &str = "-- Fabrik move archive v1";
/// The largest archive `open` reads.
pub const MAX_BYTES: u64 = 8 * 1024 * 1024 * 1024;
/// The end of every script `dump_into` writes (the restore runs what lies before it).
pub(super) const COMMIT: &[u8] = b"COMMIT;\n";
/// Where the script's statements begin, after its header's comments.
pub(super) const BEGIN: &[u8] = b"\nBEGIN;\n";
/// How far into a script its `BEGIN;` is looked for (its header is three comment lines).
pub(super) const HEAD_BYTES: usize = 4096;
/// The file is read and written through buffers of this size, besides the sealed chunks.
pub(super) const IO_BUFFER: usize = 256 * 1024;

/// What the archive holds: whose instance, at which schema version, every table's rows and
/// checksum, and how many people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub slug: String,
    pub customer_uid: String,
    pub environment: Environment,
    pub project_ref: String,
    /// The newest version in the source's migration history.
    pub schema_version: Option<String>,
    pub taken_at: String,
    pub tables: Vec<TableSum>,
    pub users: u64,
    pub identities: u64,
    /// The script's size and sha256.
    pub sql_bytes: u64,
    pub sql_sha256: String,
}

/// GoTrue's rows, as the archive carries them.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct People {
    pub(super) users: Vec<Value>,
    pub(super) identities: Vec<Value>,
}

/// The instance an archive is taken of.
#[derive(Debug, Clone)]
pub struct Source {
    pub slug: String,
    pub customer_uid: String,
    pub environment: Environment,
    pub project_ref: String,
}

/// An archive written: what it holds, and the file's size and sha256.
#[derive(Debug, Clone)]
pub struct Written {
    pub manifest: Manifest,
    pub bytes: u64,
    pub sha256: String,
}

pub(super) fn io(what: &str, path: &Path, e: impl std::fmt::Display) -> BackupError {
    BackupError::Io(format!("{what} {}: {e}", path.display()))
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
