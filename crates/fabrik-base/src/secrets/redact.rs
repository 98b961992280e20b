//! The one redaction policy: every secret value the process has seen (a token read from the
//! keyring or typed by the user, a password a run generated) is replaced by `<redacted>` in log
//! lines and error text.

use std::io::{self, Write};
use std::sync::RwLock;

use zeroize::Zeroizing;

/// Shorter values are not registered: redacting "abc" everywhere would garble logs, and no real
/// token or generated password is that short.
const MIN_LEN: usize = 8;
/// Bounded so a long-running app that creates many passwords does not grow without limit.
const MAX_KNOWN: usize = 4096;

/// What stands where a secret was.
pub const REDACTED: &str = "<redacted>";

static KNOWN: RwLock<Vec<Zeroizing<String>>> = RwLock::new(Vec::new());

pub(super) fn register(value: &str) {
    if value.len() < MIN_LEN {
        return;
    }
    let mut known = KNOWN.write().unwrap_or_else(|p| p.into_inner());
    if known.iter().any(|k| k.as_str() == value) {
        return;
    }
    if known.len() >= MAX_KNOWN {
        known.remove(0);
    }
    known.push(Zeroizing::new(value.to_string()));
}

/// Replaces every known secret in `text`.
pub fn redact(text: &str) -> String {
    let known = KNOWN.read().unwrap_or_else(|p| p.into_inner());
    let mut out = text.to_string();
    for k in known.iter() {
        if out.contains(k.as_str()) {
            out = out.replace(k.as_str(), REDACTED);
        }
    }
    out
}

/// A `tracing_subscriber` writer that redacts each formatted event before it reaches `W`.
pub struct RedactingWriter<W: Write> {
    inner: W,
    buf: Vec<u8>,
}

impl<W: Write> RedactingWriter<W> {
    pub fn new(inner: W) -> Self {
        RedactingWriter {
            inner,
            buf: Vec::new(),
        }
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            let text = redact(&String::from_utf8_lossy(&self.buf));
            self.buf.clear();
            self.inner.write_all(text.as_bytes())?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        // tracing_subscriber's fmt layer writes one event per writer and drops it.
        let _ = self.flush();
    }
}

impl crate::messages::Text {
    /// Both languages with secrets scrubbed (before anything is stored).
    pub fn redacted(&self) -> crate::messages::Text {
        crate::messages::Text::new(redact(&self.sv), redact(&self.en))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::Secret;

    #[test]
    fn known_secrets_are_scrubbed() {
        let s = Secret::new("sbp_SENTINEL_redact_test_123456");
        let line = format!("request failed with token {} in it", s.expose());
        assert_eq!(redact(&line), "request failed with token <redacted> in it");
        assert_eq!(redact("short abc"), "short abc");
    }

    #[test]
    fn the_writer_redacts_what_it_forwards() {
        let s = Secret::new("re_SENTINEL_writer_test_987654");
        let mut out = Vec::new();
        {
            let mut w = RedactingWriter::new(&mut out);
            write!(w, "sending {}", s.expose()).unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "sending <redacted>");
    }
}
