//! A move archive written as the source's pages of rows come.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{hex, io, Manifest, People, Source, Written, FORMAT, IO_BUFFER};
use crate::database::backup::{self, crypt, BackupError, Script};
use crate::providers::supabase::Supabase;
use crate::relocation::auth;

/// The archive's script as it is written: sealed into the file a chunk at a time, counted and
/// hashed for the manifest. The writes are to a buffered file (the page cache), made on the
/// task that reads the pages: a 64 KiB seal and write take microseconds.
pub(super) struct Sealing {
    writer: crypt::Writer<BufWriter<std::fs::File>>,
    sha: Sha256,
    bytes: u64,
    path: PathBuf,
}

impl Sealing {
    fn plain(&mut self, bytes: &[u8]) -> Result<(), BackupError> {
        self.writer
            .write(bytes)
            .map_err(|e| io("cannot write", &self.path, e))
    }
}

impl Script for Sealing {
    fn put(&mut self, text: &str) -> Result<(), BackupError> {
        self.sha.update(text.as_bytes());
        self.bytes += text.len() as u64;
        self.plain(text.as_bytes())
    }
}

/// Takes the source's database and people into a move archive at `path`, sealed with `key`,
/// owner-only, as the pages of rows come (memory holds a page, not the instance). It is
/// written under a temporary name beside `path` and renamed when whole, so a crash or a
/// failed read never leaves half an archive under its name; an existing file is not replaced.
/// The script is the backup's (`dump_into`), so the same per-table counts and checksums prove
/// the import.
pub async fn export(
    supabase: &Supabase,
    source: &Source,
    key: &crypt::BackupKey,
    path: &Path,
) -> Result<Written, BackupError> {
    if path.exists() {
        return Err(io("will not replace", path, "the file exists"));
    }
    let name = path
        .file_name()
        .ok_or_else(|| io("cannot write", path, "no file name"))?;
    let tmp = path.with_file_name(format!(".{}.tmp", name.to_string_lossy()));
    // Made here, new (never an existing file), so that only a file this export made is removed
    // when it fails: another export's temporary file under the same name is left alone.
    let file = crate::paths::create_private(&tmp).map_err(|e| io("cannot write", path, e))?;
    let written = write_to(supabase, source, key, path, file, &tmp).await;
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

async fn write_to(
    supabase: &Supabase,
    source: &Source,
    key: &crypt::BackupKey,
    path: &Path,
    file: std::fs::File,
    tmp: &Path,
) -> Result<Written, BackupError> {
    let r = &source.project_ref;
    let people = People {
        users: auth::rows(supabase, r, auth::TABLES[0]).await?,
        identities: auth::rows(supabase, r, auth::TABLES[1]).await?,
    };
    let mut out = Sealing::begin(key, source, &people, path, file)?;
    let dumped = backup::dump_into(supabase, r, &mut out).await?;
    let manifest = Manifest {
        format: 2,
        slug: source.slug.clone(),
        customer_uid: source.customer_uid.clone(),
        environment: source.environment,
        project_ref: r.clone(),
        schema_version: dumped.schema_version,
        taken_at: chrono::Utc::now().to_rfc3339(),
        tables: dumped.tables,
        users: people.users.len() as u64,
        identities: people.identities.len() as u64,
        sql_bytes: 0,
        sql_sha256: String::new(),
    };
    out.end(manifest, tmp)
}

impl Sealing {
    /// A new archive into `file` (to be renamed to `path`), its first line and its people written.
    pub(super) fn begin(
        key: &crypt::BackupKey,
        source: &Source,
        people: &People,
        path: &Path,
        file: std::fs::File,
    ) -> Result<Sealing, BackupError> {
        let binding = crypt::Binding {
            customer_uid: source.customer_uid.clone(),
            environment: source.environment,
            project_ref: source.project_ref.clone(),
        };
        let writer = crypt::Writer::new(key, &binding, BufWriter::with_capacity(IO_BUFFER, file))
            .map_err(|e| io("cannot write", path, e))?;
        let mut out = Sealing {
            writer,
            sha: Sha256::new(),
            bytes: 0,
            path: path.to_path_buf(),
        };
        let line =
            Zeroizing::new(serde_json::to_vec(people).map_err(|e| BackupError::Io(e.to_string()))?);
        for part in [FORMAT.as_bytes(), b"\n", &line, b"\n"] {
            out.plain(part)?;
        }
        Ok(out)
    }

    /// The manifest written last (with the script's size and sha256), the file sealed, synced
    /// and renamed from `tmp` to its name.
    pub(super) fn end(
        mut self,
        mut manifest: Manifest,
        tmp: &Path,
    ) -> Result<Written, BackupError> {
        manifest.sql_bytes = self.bytes;
        manifest.sql_sha256 = hex(self.sha.clone().finalize().as_slice());
        let head = serde_json::to_vec(&manifest).map_err(|e| BackupError::Io(e.to_string()))?;
        self.plain(&head)?;
        self.plain(b"\n")?;
        let path = self.path;
        let (buffered, bytes, sha256) = self
            .writer
            .finish()
            .map_err(|e| io("cannot write", &path, e))?;
        let file = buffered
            .into_inner()
            .map_err(|e| io("cannot write", &path, e.error()))?;
        file.sync_all().map_err(|e| io("cannot write", &path, e))?;
        drop(file);
        if path.exists() {
            return Err(io("will not replace", &path, "the file exists"));
        }
        std::fs::rename(tmp, &path).map_err(|e| io("cannot write", &path, e))?;
        Ok(Written {
            manifest,
            bytes,
            sha256,
        })
    }
}
