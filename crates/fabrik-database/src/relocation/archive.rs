//! The move archive as a file. Sealed exactly as a backup is (`crypt::encrypt` with the
//! keyring's current backup key, bound to the source's customer, environment and project); its
//! plaintext is four parts, each readable by a person once decrypted:
//!
//! 1. the line `-- Fabrik move archive v1`;
//! 2. the manifest, one line of JSON (`Manifest`);
//! 3. the people, one line of JSON: `{"users": [...], "identities": [...]}`, GoTrue's rows;
//! 4. the logical backup's script, as `database::backup::dump` wrote it (`psql -f` runs it).

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use super::auth;
use crate::database::backup::{self, crypt, files, BackupError, TableSum};
use crate::environment::Environment;
use crate::providers::supabase::Supabase;
use crate::secrets::SecretStore;

/// The first line of every move archive's plaintext; `open` refuses anything else.
pub const FORMAT: &str = "-- Fabrik move archive v1";
/// The largest archive `open` reads into memory (its script is restored in one statement).
pub const MAX_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// What the archive holds, written before it: whose instance, at which schema version, every
/// table's rows and checksum, and how many people.
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
struct People {
    users: Vec<Value>,
    identities: Vec<Value>,
}

/// The instance an archive is taken of.
#[derive(Debug, Clone)]
pub struct Source {
    pub slug: String,
    pub customer_uid: String,
    pub environment: Environment,
    pub project_ref: String,
}

/// An archive's plaintext, taken: its manifest and its bytes (wiped when dropped).
pub struct Taken {
    pub manifest: Manifest,
    pub plain: Zeroizing<Vec<u8>>,
}

/// Reads the source's database and people into an archive's plaintext. The script is the
/// backup's (`dump`), so the same per-table counts and checksums prove the import.
pub async fn take(supabase: &Supabase, source: &Source) -> Result<Taken, BackupError> {
    let r = &source.project_ref;
    let dump = backup::dump(supabase, r).await?;
    let people = People {
        users: auth::rows(supabase, r, auth::TABLES[0]).await?,
        identities: auth::rows(supabase, r, auth::TABLES[1]).await?,
    };
    let sql = Zeroizing::new(dump.sql);
    let manifest = Manifest {
        format: 1,
        slug: source.slug.clone(),
        customer_uid: source.customer_uid.clone(),
        environment: source.environment,
        project_ref: r.clone(),
        schema_version: dump.schema_version,
        taken_at: chrono::Utc::now().to_rfc3339(),
        tables: dump.tables,
        users: people.users.len() as u64,
        identities: people.identities.len() as u64,
        sql_bytes: sql.len() as u64,
        sql_sha256: files::sha256_hex(sql.as_bytes()),
    };
    let head = serde_json::to_string(&manifest).map_err(|e| BackupError::Io(e.to_string()))?;
    let people =
        Zeroizing::new(serde_json::to_string(&people).map_err(|e| BackupError::Io(e.to_string()))?);
    let mut plain = Zeroizing::new(Vec::with_capacity(
        FORMAT.len() + head.len() + people.len() + sql.len() + 3,
    ));
    for part in [FORMAT, head.as_str(), people.as_str()] {
        plain.extend_from_slice(part.as_bytes());
        plain.push(b'\n');
    }
    plain.extend_from_slice(sql.as_bytes());
    Ok(Taken { manifest, plain })
}

/// The archive's bytes: the plaintext sealed with `key`, bound to the source.
pub fn seal(key: &crypt::BackupKey, taken: &Taken) -> Vec<u8> {
    let m = &taken.manifest;
    let binding = crypt::Binding {
        customer_uid: m.customer_uid.clone(),
        environment: m.environment,
        project_ref: m.project_ref.clone(),
    };
    crypt::encrypt(key, &binding, &taken.plain)
}

fn io(what: &str, path: &Path, e: impl std::fmt::Display) -> BackupError {
    BackupError::Io(format!("{what} {}: {e}", path.display()))
}

/// Writes the archive to `path`, owner-only: to a temporary name beside it first, then renamed,
/// so a crash never leaves half an archive under its name. An existing file is not replaced.
pub fn write(path: &Path, sealed: &[u8]) -> Result<(), BackupError> {
    if path.exists() {
        return Err(io("will not replace", path, "the file exists"));
    }
    let name = path
        .file_name()
        .ok_or_else(|| io("cannot write", path, "no file name"))?;
    let tmp = path.with_file_name(format!(".{}.tmp", name.to_string_lossy()));
    let written = crate::paths::create_private(&tmp).and_then(|mut f| {
        std::io::Write::write_all(&mut f, sealed)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io("cannot write", path, e));
    }
    Ok(())
}

/// An archive opened: its manifest, its people and its script.
pub struct Opened {
    pub manifest: Manifest,
    pub users: Vec<Value>,
    pub identities: Vec<Value>,
    plain: Zeroizing<Vec<u8>>,
    sql_at: usize,
}

impl Opened {
    /// The logical backup's script.
    pub fn sql(&self) -> &str {
        // Checked to be UTF-8 when opened.
        std::str::from_utf8(&self.plain[self.sql_at..]).unwrap_or_default()
    }
}

/// Reads and decrypts the archive at `path` with the key it names from this computer's keyring
/// (`KeyMissing` when the keyring has no such key), and checks its parts: a backup file, a
/// changed or cut-off archive, or one whose manifest names another instance than its seal are
/// refused. Blocking (the file, the keyring).
pub fn open(secrets: &SecretStore, path: &Path) -> Result<Opened, BackupError> {
    let size = std::fs::metadata(path)
        .map_err(|e| io("cannot read", path, e))?
        .len();
    if size > MAX_BYTES {
        return Err(io("too large to read", path, format!("{size} bytes")));
    }
    let file = std::fs::read(path).map_err(|e| io("cannot read", path, e))?;
    parse(secrets, &file)
}

fn parse(secrets: &SecretStore, file: &[u8]) -> Result<Opened, BackupError> {
    let not_ours =
        |why: &str| BackupError::Unreadable(format!("not a Fabrik move archive ({why})"));
    let binding = crypt::binding(file)?.ok_or_else(|| not_ours("it names no instance"))?;
    let key = crypt::key_by_id(secrets, &crypt::key_id(file)?)?;
    let plain = crypt::decrypt(&key, file, &binding)?;
    let mut lines = plain.splitn(4, |b| *b == b'\n');
    let (Some(format), Some(head), Some(people_line), Some(_)) =
        (lines.next(), lines.next(), lines.next(), lines.next())
    else {
        return Err(not_ours("its parts are missing"));
    };
    // Each of the three lines ends with its newline; the script is the rest.
    let sql_at = format.len() + head.len() + people_line.len() + 3;
    if format != FORMAT.as_bytes() {
        return Err(not_ours("its first line is not the archive's"));
    }
    let manifest: Manifest =
        serde_json::from_slice(head).map_err(|_| not_ours("its manifest is not readable"))?;
    let people: People =
        serde_json::from_slice(people_line).map_err(|_| not_ours("its users are not readable"))?;
    let sql =
        std::str::from_utf8(&plain[sql_at..]).map_err(|_| not_ours("its script is not text"))?;
    let sealed_for = (
        &manifest.customer_uid,
        manifest.environment,
        &manifest.project_ref,
    );
    if sealed_for
        != (
            &binding.customer_uid,
            binding.environment,
            &binding.project_ref,
        )
        || manifest.sql_sha256 != files::sha256_hex(sql.as_bytes())
        || !sql.starts_with(backup::HEADER)
    {
        return Err(not_ours("its manifest does not describe it"));
    }
    Ok(Opened {
        manifest,
        users: people.users,
        identities: people.identities,
        plain,
        sql_at,
    })
}
