//! XChaCha20-Poly1305 in the STREAM construction (RustCrypto's `chacha20poly1305`, big-endian
//! 32-bit counter) over fixed-size chunks, each framed as a little-endian u32 length and that
//! many bytes of ciphertext; the last chunk is sealed as the last, so a truncated, reordered or
//! altered stream fails to open.
//!
//! Why a crate of its own: the cipher is generic code, compiled where it is instantiated. In the
//! core, a debug build (every test) ran it unoptimised, with every bounds and alignment check:
//! most of a backup test's CPU. Here it is instantiated once, behind plain functions, and the
//! workspace's dev profile compiles this crate optimised. What is generic here (the streams'
//! `impl Write` and `impl Read`) only moves bytes: it is compiled in the caller, unoptimised,
//! so it calls the cipher through the plain methods below (`seal_next`, `seal_last`,
//! `open_piece`), never directly.

use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;

/// The nonce prefix STREAM takes with XChaCha20 (24 bytes less the 5 of counter and flag).
pub const NONCE_PREFIX: usize = 19;
/// Poly1305's tag, added to every chunk.
pub const TAG: usize = 16;

/// The stream did not open: a chunk was changed, cut off, reordered or framed wrongly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tampered;

/// Appends `plaintext` sealed in `chunk`-byte pieces to `out`, each bound to `aad`. An empty
/// plaintext is still one (empty) last chunk, so truncation is always detected.
pub fn seal(
    key: &[u8; 32],
    nonce: &[u8; NONCE_PREFIX],
    aad: &[u8],
    plaintext: &[u8],
    chunk: usize,
    out: &mut Vec<u8>,
) {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut stream = EncryptorBE32::from_aead(cipher, nonce.into());
    let mut push = |sealed: Vec<u8>| {
        out.extend_from_slice(&(sealed.len() as u32).to_le_bytes());
        out.extend_from_slice(&sealed);
    };
    // Every chunk but the last (which may be empty) is sealed as "next".
    let last_at = plaintext.len().saturating_sub(1) / chunk * chunk;
    for piece in plaintext[..last_at].chunks(chunk) {
        let payload = Payload { msg: piece, aad };
        push(stream.encrypt_next(payload).expect("sealing cannot fail"));
    }
    let payload = Payload {
        msg: &plaintext[last_at..],
        aad,
    };
    push(stream.encrypt_last(payload).expect("sealing cannot fail"));
}

/// Appends the plaintext of `sealed` (what `seal` appended) to `out`; `Tampered` when any byte
/// of it was changed, cut off or reordered, or a chunk is longer than `chunk` allows.
pub fn open(
    key: &[u8; 32],
    nonce: &[u8; NONCE_PREFIX],
    aad: &[u8],
    mut sealed: &[u8],
    chunk: usize,
    out: &mut Vec<u8>,
) -> Result<(), Tampered> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut stream = DecryptorBE32::from_aead(cipher, nonce.into());
    loop {
        let len = sealed.get(..4).ok_or(Tampered)?;
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        if !(TAG..=chunk + TAG).contains(&len) {
            return Err(Tampered);
        }
        let piece = sealed.get(4..4 + len).ok_or(Tampered)?;
        sealed = &sealed[4 + len..];
        let payload = Payload { msg: piece, aad };
        if sealed.is_empty() {
            out.extend_from_slice(&stream.decrypt_last(payload).map_err(|_| Tampered)?);
            return Ok(());
        }
        out.extend_from_slice(&stream.decrypt_next(payload).map_err(|_| Tampered)?);
    }
}

/// `seal` a piece at a time, for a stream too large to hold: bytes go in as they come, and
/// each whole chunk goes out to `out` once more bytes follow it (the last is sealed by
/// `finish`). What it writes is byte for byte what `seal` would have appended.
pub struct Sealer {
    stream: EncryptorBE32<XChaCha20Poly1305>,
    aad: Vec<u8>,
    chunk: usize,
    buf: Vec<u8>,
}

impl Sealer {
    pub fn new(key: &[u8; 32], nonce: &[u8; NONCE_PREFIX], aad: &[u8], chunk: usize) -> Sealer {
        let cipher = XChaCha20Poly1305::new(key.into());
        Sealer {
            stream: EncryptorBE32::from_aead(cipher, nonce.into()),
            aad: aad.to_vec(),
            chunk,
            buf: Vec::with_capacity(2 * chunk),
        }
    }

    /// Takes `bytes`; every chunk that more bytes now follow is sealed and written.
    pub fn push(&mut self, mut bytes: &[u8], out: &mut impl std::io::Write) -> std::io::Result<()> {
        while !bytes.is_empty() {
            let room = 2 * self.chunk - self.buf.len();
            let (now, rest) = bytes.split_at(room.min(bytes.len()));
            self.buf.extend_from_slice(now);
            bytes = rest;
            // A chunk is sealed as "next" only once a byte after it is known to exist.
            while self.buf.len() > self.chunk {
                frame(&self.seal_next(), out)?;
            }
        }
        Ok(())
    }

    /// Seals what is left as the last chunk (empty when nothing came) and writes it.
    pub fn finish(self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        frame(&self.seal_last(), out)
    }

    /// The first chunk of `buf`, sealed as "next" and taken out of it.
    fn seal_next(&mut self) -> Vec<u8> {
        let payload = Payload {
            msg: &self.buf[..self.chunk],
            aad: &self.aad,
        };
        let sealed = self
            .stream
            .encrypt_next(payload)
            .expect("sealing cannot fail");
        self.buf.drain(..self.chunk);
        sealed
    }

    /// What is left in `buf`, sealed as the last chunk.
    fn seal_last(self) -> Vec<u8> {
        let payload = Payload {
            msg: &self.buf,
            aad: &self.aad,
        };
        self.stream
            .encrypt_last(payload)
            .expect("sealing cannot fail")
    }
}

fn frame(sealed: &[u8], out: &mut impl std::io::Write) -> std::io::Result<()> {
    out.write_all(&(sealed.len() as u32).to_le_bytes())?;
    out.write_all(sealed)
}

/// `open` a chunk at a time from a reader, for a stream too large to hold. A chunk is handed
/// out only once it is authentic; the end of the reader must come right after the chunk sealed
/// as the last, so a stream cut at a chunk's edge fails as one cut anywhere else.
pub struct Opener {
    stream: Option<DecryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    chunk: usize,
    /// The next chunk's length, read ahead to know whether the one before it is the last.
    next_len: Option<usize>,
}

/// Why `Opener::next` stopped: the stream is not authentic, or the reader failed.
#[derive(Debug)]
pub enum OpenError {
    Tampered,
    Io(std::io::Error),
}

impl Opener {
    pub fn new(key: &[u8; 32], nonce: &[u8; NONCE_PREFIX], aad: &[u8], chunk: usize) -> Opener {
        let cipher = XChaCha20Poly1305::new(key.into());
        Opener {
            stream: Some(DecryptorBE32::from_aead(cipher, nonce.into())),
            aad: aad.to_vec(),
            chunk,
            next_len: None,
        }
    }

    /// The next chunk's plaintext, `None` after the last one.
    pub fn next_chunk(
        &mut self,
        from: &mut impl std::io::Read,
    ) -> Result<Option<Vec<u8>>, OpenError> {
        if self.stream.is_none() {
            return Ok(None);
        }
        let len = match self.next_len.take() {
            Some(len) => len,
            None => self.read_len(from)?.ok_or(OpenError::Tampered)?,
        };
        let mut piece = vec![0u8; len];
        from.read_exact(&mut piece).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => OpenError::Tampered,
            _ => OpenError::Io(e),
        })?;
        self.next_len = self.read_len(from)?;
        let last = self.next_len.is_none();
        self.open_piece(&piece, last).map(Some)
    }

    /// `piece` opened as the next chunk, or as the last one; after a chunk that does not open,
    /// nothing more is.
    fn open_piece(&mut self, piece: &[u8], last: bool) -> Result<Vec<u8>, OpenError> {
        let payload = Payload {
            msg: piece,
            aad: &self.aad,
        };
        let plain = if last {
            self.stream.take().map(|s| s.decrypt_last(payload))
        } else {
            self.stream.as_mut().map(|s| s.decrypt_next(payload))
        };
        match plain {
            Some(Ok(plain)) => Ok(plain),
            _ => {
                self.stream = None;
                Err(OpenError::Tampered)
            }
        }
    }

    /// A chunk's length; `None` at the reader's very end, `Tampered` for half a length or one
    /// no chunk may have.
    fn read_len(&self, from: &mut impl std::io::Read) -> Result<Option<usize>, OpenError> {
        let mut len = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            match from.read(&mut len[got..]) {
                Ok(0) if got == 0 => return Ok(None),
                Ok(0) => return Err(OpenError::Tampered),
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(OpenError::Io(e)),
            }
        }
        let len = u32::from_le_bytes(len) as usize;
        if !(TAG..=self.chunk + TAG).contains(&len) {
            return Err(OpenError::Tampered);
        }
        Ok(Some(len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_opens_whole_and_refuses_any_cut_or_change() {
        let (key, nonce) = ([7u8; 32], [9u8; NONCE_PREFIX]);
        for size in [0, 1, 100, 256, 257, 1000] {
            let plain: Vec<u8> = (0..size).map(|i| i as u8).collect();
            let mut sealed = Vec::new();
            seal(&key, &nonce, b"aad", &plain, 256, &mut sealed);
            let mut back = Vec::new();
            open(&key, &nonce, b"aad", &sealed, 256, &mut back).unwrap();
            assert_eq!(back, plain);
            let mut other = Vec::new();
            assert_eq!(
                open(&key, &nonce, b"other", &sealed, 256, &mut other),
                Err(Tampered)
            );
            // Cut after any whole chunk: the last chunk is missing.
            let first = 4 + u32::from_le_bytes(sealed[..4].try_into().unwrap()) as usize;
            if first < sealed.len() {
                let mut cut = Vec::new();
                let opened = open(&key, &nonce, b"aad", &sealed[..first], 256, &mut cut);
                assert_eq!(opened, Err(Tampered));
            }
            let mut changed = sealed.clone();
            let middle = changed.len() / 2;
            changed[middle] ^= 1;
            let mut out = Vec::new();
            assert_eq!(
                open(&key, &nonce, b"aad", &changed, 256, &mut out),
                Err(Tampered)
            );
        }
    }

    #[test]
    fn a_stream_sealed_in_pieces_is_the_same_and_opens_in_pieces() {
        let (key, nonce) = ([3u8; 32], [5u8; NONCE_PREFIX]);
        for size in [0, 1, 255, 256, 257, 512, 1000, 2049] {
            let plain: Vec<u8> = (0..size).map(|i| (i * 7) as u8).collect();
            let mut whole = Vec::new();
            seal(&key, &nonce, b"aad", &plain, 256, &mut whole);
            for step in [1, 100, 256, 300, 5000] {
                let mut sealer = Sealer::new(&key, &nonce, b"aad", 256);
                let mut pieces = Vec::new();
                for part in plain.chunks(step) {
                    sealer.push(part, &mut pieces).unwrap();
                }
                sealer.finish(&mut pieces).unwrap();
                assert_eq!(pieces, whole, "size {size}, pushed {step} at a time");
            }
            let mut opener = Opener::new(&key, &nonce, b"aad", 256);
            let (mut read, mut back) = (&whole[..], Vec::new());
            while let Some(chunk) = opener.next_chunk(&mut read).unwrap() {
                assert!(chunk.len() <= 256);
                back.extend_from_slice(&chunk);
            }
            assert_eq!(back, plain);
            // Cut at the edge of any chunk, or inside one: never read to its end.
            let mut edges = vec![whole.len() - 1, 3];
            let mut at = 0;
            while at < whole.len() {
                let len = u32::from_le_bytes(whole[at..at + 4].try_into().unwrap()) as usize;
                at += 4 + len;
                if at < whole.len() {
                    edges.push(at);
                }
            }
            for cut in edges {
                let mut opener = Opener::new(&key, &nonce, b"aad", 256);
                let mut read = &whole[..cut];
                let ended = loop {
                    match opener.next_chunk(&mut read) {
                        Ok(Some(_)) => continue,
                        Ok(None) => break Ok(()),
                        Err(e) => break Err(e),
                    }
                };
                assert!(
                    matches!(ended, Err(OpenError::Tampered)),
                    "cut at {cut} of {}",
                    whole.len()
                );
            }
        }
    }
}
