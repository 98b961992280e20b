//! XChaCha20-Poly1305 in the STREAM construction (RustCrypto's `chacha20poly1305`, big-endian
//! 32-bit counter) over fixed-size chunks, each framed as a little-endian u32 length and that
//! many bytes of ciphertext; the last chunk is sealed as the last, so a truncated, reordered or
//! altered stream fails to open.
//!
//! Why a crate of its own: the cipher is generic code, compiled where it is instantiated. In the
//! core, a debug build (every test) ran it unoptimised, with every bounds and alignment check:
//! most of a backup test's CPU. Here it is instantiated once, behind two plain functions, and
//! the workspace's dev profile compiles this crate optimised.

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
}
