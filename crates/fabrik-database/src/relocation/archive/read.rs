//! A move archive read a chunk at a time: once whole, to prove it and read its manifest and
//! people (`open`); again for its script, a part at a time, into a restore (`Opened::body`).

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{
    hex, io, Manifest, People, BEGIN, COMMIT, FORMAT, FORMAT_V1, HEAD_BYTES, IO_BUFFER, MAX_BYTES,
};
use crate::database::backup::{self, crypt, BackupError};
use crate::secrets::SecretStore;

/// An archive opened and proven whole: its manifest and its people. Its script stays in the
/// file until `body` reads it again, a part at a time.
pub struct Opened {
    pub manifest: Manifest,
    pub users: Vec<Value>,
    pub identities: Vec<Value>,
    again: Again,
}

/// What reading the script again takes.
#[derive(Clone)]
struct Again {
    path: PathBuf,
    key: crypt::BackupKey,
    binding: crypt::Binding,
    v1: bool,
    /// Where, in the script, its statements begin (after `BEGIN;`).
    body_at: u64,
    /// The script's size and sha256, as `open` proved them.
    sql_bytes: u64,
    sql_sha256: String,
}

/// Reads and decrypts the archive at `path` with the key it names from this computer's keyring
/// (`KeyMissing` when the keyring has no such key), and checks its parts, reading it once to
/// its end a chunk at a time: a backup file, a changed or cut-off archive, or one whose
/// manifest names another instance than its seal are refused. Blocking (the file, the keyring).
pub fn open(secrets: &SecretStore, path: &Path) -> Result<Opened, BackupError> {
    open_with(path, |id| crypt::key_by_id(secrets, id))
}

/// `open` with the key the file names found by `key_by_id`.
pub(super) fn open_with(
    path: &Path,
    key_by_id: impl FnOnce(&str) -> Result<crypt::BackupKey, BackupError>,
) -> Result<Opened, BackupError> {
    let size = std::fs::metadata(path)
        .map_err(|e| io("cannot read", path, e))?
        .len();
    if size > MAX_BYTES {
        return Err(io("too large to read", path, format!("{size} bytes")));
    }
    let mut file = reader(path)?;
    let (id, binding, _) = crypt::read_header_from(&mut file)?;
    let binding = binding.ok_or_else(|| not_ours("it names no instance"))?;
    let key = key_by_id(&id)?;
    let mut plain = Plain::new(crypt::Reader::new(&key, reader(path)?, &binding)?);
    let v1 = match plain.line()?.as_slice() {
        l if l == FORMAT.as_bytes() => false,
        l if l == FORMAT_V1.as_bytes() => true,
        _ => return Err(not_ours("its first line is not the archive's")),
    };
    let head = match v1 {
        true => Some(plain.line()?),
        false => None,
    };
    let people = plain.line()?;
    let people: People =
        serde_json::from_slice(&people).map_err(|_| not_ours("its users are not readable"))?;
    let mut script = Proving::new(!v1);
    while let Some(piece) = plain.chunk()? {
        script.add(&piece);
    }
    let (head, proof) = script.end(head)?;
    let manifest: Manifest =
        serde_json::from_slice(&head).map_err(|_| not_ours("its manifest is not readable"))?;
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
        || manifest.sql_sha256 != proof.sha256
        || manifest.sql_bytes != proof.bytes
    {
        return Err(not_ours("its manifest does not describe it"));
    }
    Ok(Opened {
        again: Again {
            path: path.to_path_buf(),
            key,
            binding,
            v1,
            body_at: proof.body_at,
            sql_bytes: proof.bytes,
            sql_sha256: proof.sha256,
        },
        manifest,
        users: people.users,
        identities: people.identities,
    })
}

fn not_ours(why: &str) -> BackupError {
    BackupError::Unreadable(format!("not a Fabrik move archive ({why})"))
}

fn reader(path: &Path) -> Result<BufReader<std::fs::File>, BackupError> {
    let file = std::fs::File::open(path).map_err(|e| io("cannot read", path, e))?;
    Ok(BufReader::with_capacity(IO_BUFFER, file))
}

impl Opened {
    /// The script's statements (between its `BEGIN;` and its last `COMMIT;`), `first` before
    /// them, read from the file again on a blocking thread and handed out in parts of at most
    /// `backup::PART_BYTES` (`backup::restore_coming` stages them): a few parts are held at
    /// once, never the script. The script is held to the manifest's sha256 again as it is read (the file could
    /// have been replaced since `open`), and the last part is followed by `Ok(None)` only once
    /// the whole was authentic.
    pub fn body(&self, first: String) -> backup::Coming {
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        let (again, first) = (self.again.clone(), Zeroizing::new(first));
        tokio::task::spawn_blocking(move || {
            if let Err(e) = again.body(&first, &tx) {
                let _ = tx.blocking_send(Err(e));
            }
        });
        rx
    }
}

impl Again {
    fn body(
        &self,
        first: &str,
        tx: &tokio::sync::mpsc::Sender<Result<Option<Zeroizing<String>>, BackupError>>,
    ) -> Result<(), BackupError> {
        let stopped = || BackupError::Io("the import stopped reading the archive".into());
        let send = |part: &str| {
            tx.blocking_send(Ok(Some(Zeroizing::new(part.to_string()))))
                .map_err(|_| stopped())
        };
        for part in backup::parts(first, backup::PART_BYTES) {
            send(part)?;
        }
        let mut plain = Plain::new(crypt::Reader::new(
            &self.key,
            reader(&self.path)?,
            &self.binding,
        )?);
        for _ in 0..if self.v1 { 3 } else { 2 } {
            plain.line()?;
        }
        let body_to = self.sql_bytes.saturating_sub(COMMIT.len() as u64);
        let (mut at, mut sha) = (0u64, Sha256::new());
        let mut pending = Zeroizing::new(Vec::with_capacity(2 * backup::PART_BYTES));
        while at < self.sql_bytes {
            let Some(piece) = plain.chunk()? else {
                return Err(not_ours("its script is cut off"));
            };
            let take = (self.sql_bytes - at).min(piece.len() as u64) as usize;
            sha.update(&piece[..take]);
            let (from, to) = (self.body_at.max(at), body_to.min(at + take as u64));
            if from < to {
                pending.extend_from_slice(&piece[(from - at) as usize..(to - at) as usize]);
            }
            at += take as u64;
            // Whole parts go as soon as there are enough bytes for one, cut at a character.
            while pending.len() >= backup::PART_BYTES {
                let valid = match std::str::from_utf8(&pending) {
                    Ok(text) => text,
                    Err(e) => std::str::from_utf8(&pending[..e.valid_up_to()]).unwrap_or_default(),
                };
                if valid.is_empty() {
                    return Err(not_ours("its script is not text"));
                }
                let part = backup::first_part(valid, backup::PART_BYTES);
                let n = part.len();
                send(part)?;
                pending.drain(..n);
            }
        }
        // The rest of the file (a v2 archive's manifest) is read too: its last chunk proves the
        // file was not cut.
        while plain.chunk()?.is_some() {}
        if hex(sha.finalize().as_slice()) != self.sql_sha256 {
            return Err(not_ours("its script changed since it was opened"));
        }
        let rest = std::str::from_utf8(&pending).map_err(|_| not_ours("its script is not text"))?;
        for part in backup::parts(rest, backup::PART_BYTES) {
            send(part)?;
        }
        tx.blocking_send(Ok(None)).map_err(|_| stopped())
    }
}

/// The plaintext of an archive as it is read: its first lines, then the rest a chunk at a time.
struct Plain<R: Read> {
    reader: crypt::Reader<R>,
    buf: Zeroizing<Vec<u8>>,
}

impl<R: Read> Plain<R> {
    fn new(reader: crypt::Reader<R>) -> Plain<R> {
        Plain {
            reader,
            buf: Zeroizing::new(Vec::new()),
        }
    }

    /// The next line, without its newline.
    fn line(&mut self) -> Result<Zeroizing<Vec<u8>>, BackupError> {
        let mut searched = 0;
        loop {
            if let Some(i) = self.buf[searched..].iter().position(|b| *b == b'\n') {
                let at = searched + i;
                let line = Zeroizing::new(self.buf[..at].to_vec());
                self.buf.drain(..=at);
                return Ok(line);
            }
            searched = self.buf.len();
            match self.reader.piece()? {
                Some(piece) => self.buf.extend_from_slice(&piece),
                None => return Err(not_ours("its parts are missing")),
            }
        }
    }

    /// What is left, a piece at a time; `None` at the end (the last chunk proven).
    fn chunk(&mut self) -> Result<Option<Zeroizing<Vec<u8>>>, BackupError> {
        if !self.buf.is_empty() {
            return Ok(Some(Zeroizing::new(std::mem::take(&mut *self.buf))));
        }
        self.reader.piece()
    }
}

/// What reading a script proved: its size and sha256, and where its statements begin.
struct Proof {
    bytes: u64,
    sha256: String,
    body_at: u64,
}

/// The script, hashed as it is read. In a v2 archive the manifest is the last line, after
/// the script: the newest whole line is held back until another follows it, so that at the
/// end the held line is the manifest and everything hashed is the script.
struct Proving {
    sha: Sha256,
    bytes: u64,
    /// The script's first bytes (its header and `BEGIN;`) and its last (`COMMIT;`).
    head: Vec<u8>,
    tail: Vec<u8>,
    /// Bytes not yet known to be the script's (v2): from after the second newline from the end.
    held: Zeroizing<Vec<u8>>,
    last_newline: Option<usize>,
    hold: bool,
}

impl Proving {
    fn new(hold: bool) -> Proving {
        Proving {
            sha: Sha256::new(),
            bytes: 0,
            head: Vec::new(),
            tail: Vec::new(),
            held: Zeroizing::new(Vec::new()),
            last_newline: None,
            hold,
        }
    }

    fn add_script(&mut self, bytes: &[u8]) {
        self.sha.update(bytes);
        self.bytes += bytes.len() as u64;
        if self.head.len() < HEAD_BYTES {
            let n = (HEAD_BYTES - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..n]);
        }
        self.tail
            .extend_from_slice(&bytes[bytes.len().saturating_sub(COMMIT.len())..]);
        let cut = self.tail.len().saturating_sub(COMMIT.len());
        self.tail.drain(..cut);
    }

    fn add(&mut self, piece: &[u8]) {
        if !self.hold {
            self.add_script(piece);
            return;
        }
        let base = self.held.len();
        self.held.extend_from_slice(piece);
        let mut before_last = None;
        for (i, b) in piece.iter().enumerate() {
            if *b == b'\n' {
                before_last = self.last_newline.or(before_last);
                self.last_newline = Some(base + i);
            }
        }
        // Everything up to the newline before the newest one is surely the script's.
        if let Some(p) = before_last {
            let done = Zeroizing::new(self.held.drain(..=p).collect::<Vec<u8>>());
            self.add_script(&done);
            self.last_newline = self.last_newline.map(|l| l - (p + 1));
        }
    }

    /// The manifest's line (v2: the held last line; v1: `head`, read before the people) and
    /// what the script proved; `Unreadable` when the script is not one `dump_into` wrote.
    fn end(
        mut self,
        head: Option<Zeroizing<Vec<u8>>>,
    ) -> Result<(Zeroizing<Vec<u8>>, Proof), BackupError> {
        let head = match head {
            Some(head) => head,
            None => {
                // The held bytes: the last line, or the script's last lines and the manifest's.
                let held = Zeroizing::new(std::mem::take(&mut *self.held));
                let Some(line) = held.strip_suffix(b"\n") else {
                    return Err(not_ours("its manifest is missing"));
                };
                let at = line.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                self.add_script(&line[..at]);
                Zeroizing::new(line[at..].to_vec())
            }
        };
        let body_at = self
            .head
            .windows(BEGIN.len())
            .position(|w| w == BEGIN)
            .map(|i| (i + BEGIN.len()) as u64);
        match body_at {
            Some(body_at)
                if self.head.starts_with(backup::HEADER.as_bytes())
                    && self.tail == COMMIT
                    && body_at + COMMIT.len() as u64 <= self.bytes =>
            {
                let sha256 = hex(self.sha.finalize().as_slice());
                Ok((
                    head,
                    Proof {
                        bytes: self.bytes,
                        sha256,
                        body_at,
                    },
                ))
            }
            _ => Err(not_ours("its script is not a backup's")),
        }
    }
}
