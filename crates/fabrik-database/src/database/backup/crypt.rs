//! Backups at rest: XChaCha20-Poly1305 in the STREAM construction (`fabrik-seal`, over
//! RustCrypto's `chacha20poly1305`), 64 KiB chunks, so a truncated, reordered or altered file fails to
//! read instead of restoring something else. The key is 32 random bytes in the OS keyring,
//! made on first use; every file names its key's id, so a later key still leaves the older
//! files readable.
//!
//! File layout: `FBK2` · key id length (1 byte) · key id (ASCII) · binding length (1 byte) ·
//! binding · 19-byte nonce prefix · chunks, each a little-endian u32 length and that many
//! bytes of ciphertext (the last chunk is sealed as the last). Everything before the nonce is
//! the associated data of every chunk. The binding names whose database the file holds
//! (customer uid, environment, project ref): a register row re-pointed at another customer,
//! environment or project is refused before a restore touches anything, and the binding
//! cannot be rewritten without the key. `FBK1` files (before the binding) still read; their
//! customer is their folder's (`files::path_of`).

use fabrik_seal::{NONCE_PREFIX, TAG};
use rand::RngCore;
use zeroize::Zeroizing;

use super::BackupError;
use crate::secrets::{Secret, SecretKey, SecretStore};

const MAGIC: &[u8; 4] = b"FBK2";
const MAGIC_UNBOUND: &[u8; 4] = b"FBK1";
const CHUNK: usize = 64 * 1024;
/// The keyring entry that names the key new backups use.
const CURRENT: &str = "current";

/// A backup key: its id (in every file it wrote) and the 32 bytes, wiped when dropped.
#[derive(Clone)]
pub struct BackupKey {
    pub id: String,
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BackupKey({}, <redacted>)", self.id)
    }
}

impl BackupKey {
    /// A new random key with a random id (not yet in any keyring).
    pub fn generate() -> BackupKey {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(key.as_mut());
        let mut id = [0u8; 8];
        rand::rng().fill_bytes(&mut id);
        BackupKey {
            id: id.iter().map(|b| format!("{b:02x}")).collect(),
            key,
        }
    }

    fn from_hex(id: &str, hex: &Secret) -> Result<BackupKey, BackupError> {
        let text = hex.expose();
        let mut key = Zeroizing::new([0u8; 32]);
        if text.len() != 64 || !text.is_ascii() {
            return Err(BackupError::Unreadable(format!(
                "backup key {id} in the keyring is malformed"
            )));
        }
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| {
                BackupError::Unreadable(format!("backup key {id} in the keyring is malformed"))
            })?;
        }
        Ok(BackupKey {
            id: id.to_string(),
            key,
        })
    }

    fn to_hex(&self) -> Secret {
        Secret::new(
            self.key
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>(),
        )
    }
}

/// The key new backups are written with, made and kept in the keyring on first use (the key
/// itself first, then the pointer to it, so a crash between leaves no pointer to nothing).
/// Blocking: call it from the blocking pool.
pub fn current_key(secrets: &SecretStore) -> Result<BackupKey, BackupError> {
    if let Some(id) = secrets.get(&SecretKey::BackupKey(CURRENT.into()))? {
        return key_by_id(secrets, id.expose());
    }
    let key = BackupKey::generate();
    secrets.set(&SecretKey::BackupKey(key.id.clone()), &key.to_hex())?;
    secrets.set(
        &SecretKey::BackupKey(CURRENT.into()),
        &Secret::new(key.id.clone()),
    )?;
    Ok(key)
}

/// The key a file names. Blocking: call it from the blocking pool.
pub fn key_by_id(secrets: &SecretStore, id: &str) -> Result<BackupKey, BackupError> {
    if id == CURRENT || id.is_empty() {
        return Err(BackupError::KeyMissing(id.to_string()));
    }
    match secrets.get(&SecretKey::BackupKey(id.to_string()))? {
        Some(hex) => BackupKey::from_hex(id, &hex),
        None => Err(BackupError::KeyMissing(id.to_string())),
    }
}

/// Whose database a backup holds, sealed into the file with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub customer_uid: String,
    pub environment: crate::environment::Environment,
    pub project_ref: String,
}

impl Binding {
    /// The database a register row says its file holds.
    pub fn of(backup: &crate::database::backup::rows::Backup) -> Binding {
        Binding {
            customer_uid: backup.customer_uid.clone(),
            environment: backup.environment,
            project_ref: backup.project_ref.clone(),
        }
    }

    fn bytes(&self) -> Vec<u8> {
        format!(
            "{}\n{}\n{}",
            self.customer_uid,
            self.environment.as_str(),
            self.project_ref
        )
        .into_bytes()
    }

    fn parse(bytes: &[u8]) -> Option<Binding> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut parts = text.split('\n');
        let (uid, env, project) = (parts.next()?, parts.next()?, parts.next()?);
        Some(Binding {
            customer_uid: uid.to_string(),
            environment: env.parse().ok()?,
            project_ref: project.to_string(),
        })
    }
}

impl std::fmt::Display for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "customer {}, {}, project {}",
            self.customer_uid,
            self.environment.as_str(),
            self.project_ref
        )
    }
}

fn header(key_id: &str, binding: &Binding) -> Vec<u8> {
    let bound = binding.bytes();
    let mut h = MAGIC.to_vec();
    h.push(key_id.len() as u8);
    h.extend_from_slice(key_id.as_bytes());
    h.push(bound.len() as u8);
    h.extend_from_slice(&bound);
    h
}

/// A file's header, read: the key id, the binding (`None` in an `FBK1` file) and the header's
/// length (the associated data).
fn read_header(file: &[u8]) -> Result<(String, Option<Binding>, usize), BackupError> {
    let bad = || BackupError::Unreadable("not a Fabrik backup file".into());
    let magic = file.get(..4).ok_or_else(bad)?;
    if magic != MAGIC && magic != MAGIC_UNBOUND {
        return Err(bad());
    }
    let n = *file.get(4).ok_or_else(bad)? as usize;
    let id = file.get(5..5 + n).ok_or_else(bad)?;
    let id = String::from_utf8(id.to_vec()).map_err(|_| bad())?;
    if magic == MAGIC_UNBOUND {
        return Ok((id, None, 5 + n));
    }
    let m = *file.get(5 + n).ok_or_else(bad)? as usize;
    let bound = file.get(6 + n..6 + n + m).ok_or_else(bad)?;
    let binding = Binding::parse(bound).ok_or_else(bad)?;
    Ok((id, Some(binding), 6 + n + m))
}

/// Refuses a file bound to another database than `expected` (an `FBK1` file has no binding).
fn holds(binding: Option<Binding>, expected: &Binding) -> Result<(), BackupError> {
    match binding.filter(|b| b != expected) {
        Some(binding) => Err(BackupError::Unreadable(format!(
            "the backup file holds the database of {binding}, not of {expected}: \
             its register row was changed; restore a backup taken of this database"
        ))),
        None => Ok(()),
    }
}

/// `plaintext` sealed with `key` and bound to `binding`, as a backup file's bytes.
pub fn encrypt(key: &BackupKey, binding: &Binding, plaintext: &[u8]) -> Vec<u8> {
    // Uids, refs and environments are short ASCII; a longer binding is a bug, not input.
    assert!(
        binding.bytes().len() <= u8::MAX as usize,
        "binding too long"
    );
    seal(key, header(&key.id, binding), plaintext)
}

fn seal(key: &BackupKey, aad: Vec<u8>, plaintext: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_PREFIX];
    rand::rng().fill_bytes(&mut nonce);
    let mut out = Vec::with_capacity(
        aad.len() + NONCE_PREFIX + plaintext.len() + plaintext.len() / CHUNK * (4 + TAG) + 64,
    );
    out.extend_from_slice(&aad);
    out.extend_from_slice(&nonce);
    fabrik_seal::seal(&key.key, &nonce, &aad, plaintext, CHUNK, &mut out);
    out
}

/// A backup file written as its plaintext comes (a move archive at a million rows would be
/// hundreds of MB held twice otherwise): the header, then each 64 KiB chunk sealed as the next
/// one begins. The file is the same as `encrypt` makes of the same plaintext, but for its
/// random nonce. `written` counts and hashes the bytes that reach `out`.
pub struct Writer<W: std::io::Write> {
    sealer: fabrik_seal::Sealer,
    out: Hashed<W>,
}

impl<W: std::io::Write> Writer<W> {
    pub fn new(key: &BackupKey, binding: &Binding, out: W) -> std::io::Result<Writer<W>> {
        assert!(
            binding.bytes().len() <= u8::MAX as usize,
            "binding too long"
        );
        let aad = header(&key.id, binding);
        let mut nonce = [0u8; NONCE_PREFIX];
        rand::rng().fill_bytes(&mut nonce);
        let mut out = Hashed::new(out);
        std::io::Write::write_all(&mut out, &aad)?;
        std::io::Write::write_all(&mut out, &nonce)?;
        Ok(Writer {
            sealer: fabrik_seal::Sealer::new(&key.key, &nonce, &aad, CHUNK),
            out,
        })
    }

    pub fn write(&mut self, plain: &[u8]) -> std::io::Result<()> {
        self.sealer.push(plain, &mut self.out)
    }

    /// Seals the last chunk; the writer back, with the file's size and sha256.
    pub fn finish(self) -> std::io::Result<(W, u64, String)> {
        let mut out = self.out;
        self.sealer.finish(&mut out)?;
        Ok(out.finish())
    }
}

/// A writer or reader that counts and hashes what passes through it.
pub struct Hashed<T> {
    inner: T,
    sha: sha2::Sha256,
    bytes: u64,
}

impl<T> Hashed<T> {
    pub fn new(inner: T) -> Hashed<T> {
        use sha2::Digest;
        Hashed {
            inner,
            sha: sha2::Sha256::new(),
            bytes: 0,
        }
    }

    /// The inner writer or reader, with how many bytes passed and their sha256 (lowercase hex).
    pub fn finish(self) -> (T, u64, String) {
        use sha2::Digest;
        let sha = self
            .sha
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        (self.inner, self.bytes, sha)
    }
}

impl<R: std::io::Read> std::io::Read for Hashed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.read(buf)?;
        self.sha.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

impl<W: std::io::Write> std::io::Write for Hashed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A backup file read a chunk at a time (`Writer`'s counterpart): the header is read and held
/// to the key and binding before a byte is decrypted, as `decrypt` does.
pub struct Reader<R: std::io::Read> {
    opener: fabrik_seal::Opener,
    from: R,
}

/// The key id and binding of the file `from` starts with, and the header's bytes (the
/// associated data), read without reading further.
pub fn read_header_from(
    from: &mut impl std::io::Read,
) -> Result<(String, Option<Binding>, Vec<u8>), BackupError> {
    let bad = || BackupError::Unreadable("not a Fabrik backup file".into());
    let mut head = vec![0u8; 5];
    from.read_exact(&mut head).map_err(|_| bad())?;
    let mut id = vec![0u8; head[4] as usize];
    from.read_exact(&mut id).map_err(|_| bad())?;
    head.extend_from_slice(&id);
    // An `FBK1` file has no binding: its nonce follows the key's id.
    if &head[..4] == MAGIC {
        let mut m = [0u8; 1];
        from.read_exact(&mut m).map_err(|_| bad())?;
        let mut bound = vec![0u8; m[0] as usize];
        from.read_exact(&mut bound).map_err(|_| bad())?;
        head.push(m[0]);
        head.extend_from_slice(&bound);
    }
    let (id, binding, len) = read_header(&head)?;
    if len != head.len() {
        return Err(bad());
    }
    Ok((id, binding, head))
}

impl<R: std::io::Read> Reader<R> {
    /// `KeyMissing` when `key` is not the one the file names; `Unreadable` when the file holds
    /// another database than `expected` names or is no backup file.
    pub fn new(key: &BackupKey, mut from: R, expected: &Binding) -> Result<Reader<R>, BackupError> {
        let (id, binding, aad) = read_header_from(&mut from)?;
        if id != key.id {
            return Err(BackupError::KeyMissing(id));
        }
        holds(binding, expected)?;
        let mut nonce = [0u8; NONCE_PREFIX];
        from.read_exact(&mut nonce).map_err(|_| tampered())?;
        Ok(Reader {
            opener: fabrik_seal::Opener::new(&key.key, &nonce, &aad, CHUNK),
            from,
        })
    }

    /// The next piece of plaintext (at most 64 KiB, wiped when dropped), `None` after the
    /// last; `Unreadable` as soon as a byte read so far was changed, cut off or reordered.
    pub fn piece(&mut self) -> Result<Option<Zeroizing<Vec<u8>>>, BackupError> {
        match self.opener.next_chunk(&mut self.from) {
            Ok(piece) => Ok(piece.map(Zeroizing::new)),
            Err(fabrik_seal::OpenError::Tampered) => Err(tampered()),
            Err(fabrik_seal::OpenError::Io(e)) => Err(BackupError::Io(e.to_string())),
        }
    }

    /// What the file was read from, once its pieces are read.
    pub fn into_inner(self) -> R {
        self.from
    }
}

fn tampered() -> BackupError {
    BackupError::Unreadable("the backup file was changed or cut off; it cannot be trusted".into())
}

/// Whose database a file says it holds (`None` in an `FBK1` file), read before any byte is
/// decrypted; `decrypt` holds the file to it, as the key's seal covers it.
pub fn binding(file: &[u8]) -> Result<Option<Binding>, BackupError> {
    Ok(read_header(file)?.1)
}

/// The id of the key a backup file was written with.
pub fn key_id(file: &[u8]) -> Result<String, BackupError> {
    Ok(read_header(file)?.0)
}

/// The plaintext of a backup file, or `Unreadable` when any byte of it was changed, cut off
/// or reordered, or when it holds another database than `expected` names (checked before a
/// byte is decrypted); `KeyMissing` when `key` is not the one it names.
pub fn decrypt(
    key: &BackupKey,
    file: &[u8],
    expected: &Binding,
) -> Result<Zeroizing<Vec<u8>>, BackupError> {
    let tampered = || {
        BackupError::Unreadable(
            "the backup file was changed or cut off; it cannot be trusted".into(),
        )
    };
    let (id, binding, header_len) = read_header(file)?;
    if id != key.id {
        return Err(BackupError::KeyMissing(id));
    }
    holds(binding, expected)?;
    let aad = &file[..header_len];
    let nonce = file
        .get(header_len..header_len + NONCE_PREFIX)
        .ok_or_else(tampered)?;
    let nonce: &[u8; NONCE_PREFIX] = nonce.try_into().map_err(|_| tampered())?;
    let rest = &file[header_len + NONCE_PREFIX..];
    let mut out = Zeroizing::new(Vec::with_capacity(rest.len()));
    fabrik_seal::open(&key.key, nonce, aad, rest, CHUNK, &mut out).map_err(|_| tampered())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(uid: &str, environment: &str, project: &str) -> Binding {
        Binding {
            customer_uid: uid.into(),
            environment: environment.parse().unwrap(),
            project_ref: project.into(),
        }
    }

    #[test]
    fn a_file_reads_back_and_any_change_is_refused() {
        let key = BackupKey::generate();
        let a = bound("c0ffee", "production", "abcdefghijklmnopqrst");
        let plain = "INSERT INTO secret VALUES ('sentinel-7f3a');\n"
            .repeat(5_000)
            .into_bytes();
        let file = encrypt(&key, &a, &plain);
        assert_eq!(key_id(&file).unwrap(), key.id);
        assert_eq!(&*decrypt(&key, &file, &a).unwrap(), &plain);
        assert!(!file.windows(13).any(|w| w == b"sentinel-7f3a"));
        for at in [0, 10, 30, file.len() / 2, file.len() - 1] {
            let mut bad = file.clone();
            bad[at] ^= 1;
            assert!(
                decrypt(&key, &bad, &a).is_err(),
                "a flipped byte at {at} was accepted"
            );
        }
        // Cut off after the first chunk: the last one is missing.
        let (_, _, header) = read_header(&file).unwrap();
        let first = header + NONCE_PREFIX + 4 + CHUNK + TAG;
        assert!(decrypt(&key, &file[..first], &a).is_err());
        let other = BackupKey::generate();
        assert!(matches!(
            decrypt(&other, &file, &a),
            Err(BackupError::KeyMissing(_))
        ));
        let empty = encrypt(&key, &a, b"");
        assert!(decrypt(&key, &empty, &a).unwrap().is_empty());
    }

    #[test]
    fn a_file_restores_only_into_the_database_it_was_taken_of() {
        let key = BackupKey::generate();
        let a = bound("c0ffee", "production", "abcdefghijklmnopqrst");
        let file = encrypt(&key, &a, b"select 1;");
        for other in [
            bound("beef00", "production", "abcdefghijklmnopqrst"),
            bound("c0ffee", "sandbox", "abcdefghijklmnopqrst"),
            bound("c0ffee", "production", "zzzzzzzzzzzzzzzzzzzz"),
        ] {
            let e = decrypt(&key, &file, &other).unwrap_err().to_string();
            assert!(
                e.contains(&a.to_string()) && e.contains(&other.to_string()),
                "{e}"
            );
        }
        // The binding rewritten to the other customer's: the key's seal no longer holds.
        let b = bound("beef00", "production", "abcdefghijklmnopqrst");
        let at = file
            .windows(6)
            .position(|w| w == b"c0ffee")
            .expect("the binding is in the header");
        let mut moved = file.clone();
        moved[at..at + 6].copy_from_slice(b"beef00");
        assert!(matches!(
            decrypt(&key, &moved, &b),
            Err(BackupError::Unreadable(m)) if m.contains("changed or cut off")
        ));
    }

    #[test]
    fn a_file_from_before_the_binding_still_reads() {
        let key = BackupKey::generate();
        let mut aad = MAGIC_UNBOUND.to_vec();
        aad.push(key.id.len() as u8);
        aad.extend_from_slice(key.id.as_bytes());
        let file = seal(&key, aad, b"select 1;");
        let any = bound("c0ffee", "sandbox", "p");
        assert_eq!(key_id(&file).unwrap(), key.id);
        assert_eq!(&*decrypt(&key, &file, &any).unwrap(), b"select 1;");
    }

    #[test]
    fn a_file_written_as_it_comes_reads_whole_and_as_it_comes() {
        let key = BackupKey::generate();
        let a = bound("c0ffee", "production", "abcdefghijklmnopqrst");
        let plain = "INSERT INTO t VALUES ('sentinel-7f3a');\n"
            .repeat(9_000)
            .into_bytes();
        let mut w = Writer::new(&key, &a, Vec::new()).unwrap();
        for piece in plain.chunks(7_000) {
            w.write(piece).unwrap();
        }
        let (file, bytes, sha) = w.finish().unwrap();
        assert_eq!(bytes, file.len() as u64);
        assert_eq!(sha, super::super::files::sha256_hex(&file));
        assert_eq!(&*decrypt(&key, &file, &a).unwrap(), &plain);
        let mut r = Reader::new(&key, &file[..], &a).unwrap();
        let mut back = Vec::new();
        while let Some(piece) = r.piece().unwrap() {
            back.extend_from_slice(&piece);
        }
        assert_eq!(back, plain);
        // Another database's binding, another key, a cut: refused.
        let b = bound("beef00", "production", "abcdefghijklmnopqrst");
        assert!(matches!(
            Reader::new(&key, &file[..], &b),
            Err(BackupError::Unreadable(_))
        ));
        let other = BackupKey::generate();
        assert!(matches!(
            Reader::new(&other, &file[..], &a),
            Err(BackupError::KeyMissing(_))
        ));
        let mut cut = Reader::new(&key, &file[..file.len() - 100], &a).unwrap();
        let ended = loop {
            match cut.piece() {
                Ok(Some(_)) => continue,
                other => break other.map(|_| ()),
            }
        };
        assert!(matches!(ended, Err(BackupError::Unreadable(_))));
        // A file from before the binding reads as it comes too.
        let mut aad = MAGIC_UNBOUND.to_vec();
        aad.push(key.id.len() as u8);
        aad.extend_from_slice(key.id.as_bytes());
        let old = seal(&key, aad, b"select 1;");
        let mut r = Reader::new(&key, &old[..], &a).unwrap();
        assert_eq!(&**r.piece().unwrap().unwrap(), b"select 1;");
        assert!(r.piece().unwrap().is_none());
    }
}
