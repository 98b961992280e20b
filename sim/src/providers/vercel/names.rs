//! Domain names as Vercel takes them: which are valid, and the apex (registrable domain) of one.

/// Public suffixes of two labels that customers' domains commonly sit under. Not the Public
/// Suffix List: any other name's apex is its last two labels (`www.kund.se` → `kund.se`).
pub(super) const TWO_LABEL_SUFFIXES: &[&str] = &[
    "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "ac.uk", "gov.uk", "com.au", "net.au",
    "org.au", "co.nz", "org.nz", "co.za", "com.br", "com.mx", "com.ar", "com.tr", "co.jp", "co.kr",
    "co.in", "com.cn", "com.sg", "com.hk", "co.il", "com.pl",
];

/// The registrable domain of a host name (`shop.kund.co.uk` → `kund.co.uk`); `None` when the
/// name is a public suffix itself.
pub(crate) fn apex_of(name: &str) -> Option<String> {
    let labels: Vec<&str> = name.split('.').collect();
    let n = labels.len();
    let keep = if n >= 2 && TWO_LABEL_SUFFIXES.contains(&labels[n - 2..].join(".").as_str()) {
        3
    } else {
        2
    };
    (n >= keep).then(|| labels[n - keep..].join("."))
}

/// A syntactically valid, lower-case host name under a public suffix: labels of 1–63 of
/// `a-z`, `0-9` and `-` (not first or last), at most 253 characters, no trailing dot, no
/// wildcard, not an IP address.
pub(crate) fn valid_domain(name: &str) -> bool {
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = name.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    labels.len() >= 2
        && labels.iter().all(label_ok)
        && !labels[labels.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && apex_of(name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_names_and_their_apex() {
        for ok in [
            "kund.se",
            "www.kund.se",
            "a-b.c1.example.com",
            "xn--kund-ira.se",
            "shop.kund.co.uk",
        ] {
            assert!(valid_domain(ok), "{ok}");
        }
        for bad in [
            "",
            "kund",
            "Kund.se",
            "www.kund.se.",
            "-a.se",
            "a-.se",
            "a..se",
            "*.kund.se",
            "10.0.0.1",
            "kund_ab.se",
            "co.uk",
            "a b.se",
        ] {
            assert!(!valid_domain(bad), "{bad}");
        }
        assert!(!valid_domain(&format!("{}.se", "a".repeat(64))));
        assert_eq!(apex_of("www.kund.se").as_deref(), Some("kund.se"));
        assert_eq!(apex_of("kund.se").as_deref(), Some("kund.se"));
        assert_eq!(apex_of("a.shop.kund.co.uk").as_deref(), Some("kund.co.uk"));
    }
}
