//! The archive as it is written: a ZIP file made in a work folder beside the target, entry by
//! entry, each file's size and SHA-256 noted as its bytes go by. A large part is first written
//! to a spool file in the same folder (so a table's CSV and JSON are written from one read of
//! its rows, and memory holds one page whatever the size), then copied in with its size known:
//! only a file over 4 GiB is marked ZIP64, so the archive opens in every system's own tool.
//! The target appears only when the archive is whole (`Work::finish`); the folder goes on every
//! way out.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

use crate::database::migration::{lower_hex, sha256_hex};

/// One file of the archive as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The work folder beside the target: the archive and its spools. Removed when dropped, so a
/// failure anywhere leaves nothing but what was there before.
pub(super) struct Work {
    dir: PathBuf,
    target: PathBuf,
}

impl Work {
    /// A new folder `.NAME.fabrik-export` beside `target` (refused if one is there: another
    /// export of the same file is under way, or a killed one left it).
    pub(super) fn beside(target: &Path) -> std::io::Result<Work> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = target.parent().unwrap_or(Path::new("."));
        let dir = parent.join(format!(".{name}.fabrik-export"));
        std::fs::create_dir(&dir)?;
        Ok(Work {
            dir,
            target: target.to_path_buf(),
        })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The finished archive put where it was asked for, never over a file that appeared
    /// meanwhile; its size and SHA-256.
    pub(super) fn finish(self) -> std::io::Result<(u64, String)> {
        let made = self.path(ARCHIVE);
        let (bytes, sha256) = hash_file(&made)?;
        // A link fails when the target exists; where the file system has no links (FAT on a
        // memory stick), a rename after one more look.
        match std::fs::hard_link(&made, &self.target) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e),
            Err(_) if self.target.exists() => {
                return Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists))
            }
            Err(_) => std::fs::rename(&made, &self.target)?,
        }
        Ok((bytes, sha256))
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const ARCHIVE: &str = "archive.zip";

/// The ZIP being written, and the files it holds so far.
pub(super) struct Archive {
    zip: ZipWriter<BufWriter<File>>,
    files: Vec<FileEntry>,
    modified: zip::DateTime,
    spools: PathBuf,
}

impl Archive {
    pub(super) fn create(work: &Work, at: DateTime<Utc>) -> std::io::Result<Archive> {
        let file = crate::paths::create_private(&work.path(ARCHIVE))?;
        // The DOS time ZIP keeps has no zone and two-second steps; outside 1980–2107 it is unset.
        let modified = zip::DateTime::from_date_and_time(
            u16::try_from(at.year()).unwrap_or(0),
            at.month() as u8,
            at.day() as u8,
            at.hour() as u8,
            at.minute() as u8,
            at.second() as u8,
        )
        .unwrap_or_default();
        Ok(Archive {
            zip: ZipWriter::new(BufWriter::with_capacity(256 * 1024, file)),
            files: Vec::new(),
            modified,
            spools: work.dir.clone(),
        })
    }

    fn options(&self, bytes: u64) -> SimpleFileOptions {
        SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(self.modified)
            .unix_permissions(0o644)
            .large_file(bytes >= u64::from(u32::MAX))
    }

    /// A small file, whole.
    pub(super) fn add(&mut self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.zip
            .start_file(path, self.options(bytes.len() as u64))
            .map_err(zip_error)?;
        self.zip.write_all(bytes)?;
        self.files.push(FileEntry {
            path: path.to_string(),
            bytes: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        });
        Ok(())
    }

    /// A new spool for the file `path` of the archive.
    pub(super) fn spool(&self, path: &str) -> std::io::Result<Spool> {
        let file = self
            .spools
            .join(format!("spool-{}", path.replace(['/', '\\'], "_")));
        Ok(Spool {
            path: path.to_string(),
            out: BufWriter::with_capacity(256 * 1024, crate::paths::create_private(&file)?),
            file,
            hasher: Sha256::new(),
            bytes: 0,
        })
    }

    /// A spool's file copied in as the archive's `spool.path`, and removed.
    pub(super) fn add_spool(&mut self, spool: Spool) -> std::io::Result<()> {
        let Spool {
            path,
            out,
            file,
            hasher,
            bytes,
        } = spool;
        out.into_inner().map_err(|e| e.into_error())?.sync_data()?;
        self.zip
            .start_file(&path, self.options(bytes))
            .map_err(zip_error)?;
        std::io::copy(&mut File::open(&file)?, &mut self.zip)?;
        std::fs::remove_file(&file)?;
        self.files.push(FileEntry {
            path,
            bytes,
            sha256: lower_hex(&hasher.finalize()),
        });
        Ok(())
    }

    /// A scratch file's path for a part that writes its file first (the git bundle, a stored
    /// object): beside the spools, removed with them.
    pub(super) fn scratch(&self, name: &str) -> PathBuf {
        self.spools
            .join(format!("scratch-{}", name.replace(['/', '\\'], "_")))
    }

    /// A finished scratch file copied in as `path` (its size and SHA-256 as its writer
    /// counted them), and removed.
    pub(super) fn add_file(
        &mut self,
        path: &str,
        file: &Path,
        bytes: u64,
        sha256: String,
    ) -> std::io::Result<()> {
        self.zip
            .start_file(path, self.options(bytes))
            .map_err(zip_error)?;
        std::io::copy(&mut File::open(file)?, &mut self.zip)?;
        std::fs::remove_file(file)?;
        self.files.push(FileEntry {
            path: path.to_string(),
            bytes,
            sha256,
        });
        Ok(())
    }

    pub(super) fn files(&self) -> &[FileEntry] {
        &self.files
    }

    /// The manifest last (it lists every other file), and the ZIP's directory.
    pub(super) fn close(mut self, manifest: &[u8], name: &str) -> std::io::Result<()> {
        self.zip
            .start_file(name, self.options(manifest.len() as u64))
            .map_err(zip_error)?;
        self.zip.write_all(manifest)?;
        let out = self.zip.finish().map_err(zip_error)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()
    }
}

/// A file of the archive on its way in: written, counted and hashed here first.
pub(super) struct Spool {
    path: String,
    out: BufWriter<File>,
    file: PathBuf,
    hasher: Sha256,
    bytes: u64,
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

fn zip_error(e: zip::result::ZipError) -> std::io::Error {
    match e {
        zip::result::ZipError::Io(io) => io,
        other => std::io::Error::other(other.to_string()),
    }
}

/// A file's size and SHA-256, read in pieces.
pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = File::open(path)?;
    let (mut hasher, mut buf, mut bytes) = (Sha256::new(), vec![0u8; 256 * 1024], 0u64);
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok((bytes, lower_hex(&hasher.finalize())))
}
