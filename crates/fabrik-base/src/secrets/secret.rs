//! A secret value in memory: prints as `<redacted>`, has no `Serialize`, is zeroed on drop,
//! and is registered with the redactor so it is scrubbed from any log line or error text.

use std::fmt;

use zeroize::Zeroizing;

pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        let value = Zeroizing::new(value.into());
        super::redact::register(&value);
        Secret(value)
    }

    /// The raw value, for the one place that must send it (an HTTP header, the keyring).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Clone for Secret {
    fn clone(&self) -> Self {
        Secret(self.0.clone())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes() == other.0.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The type must never become serialisable by accident.
    static_assertions::assert_not_impl_any!(Secret: serde::Serialize);

    #[test]
    fn prints_redacted() {
        let s = Secret::new("ghp_SENTINEL_secret_print_test_0001");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&s)), "Some(<redacted>)");
        assert_eq!(s.expose(), "ghp_SENTINEL_secret_print_test_0001");
    }
}
