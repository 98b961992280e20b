//! Git's object ids, as GitHub and Gitea report them for a file: a client that computes one
//! locally knows whether a file already holds exactly these bytes without reading it.

/// The git blob SHA-1 of some bytes (`blob <len>\0<bytes>`).
pub fn blob_sha(bytes: &[u8]) -> String {
    use sha1::{Digest, Sha1};
    let mut h = Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
