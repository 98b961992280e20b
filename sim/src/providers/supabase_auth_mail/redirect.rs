//! Where a link leads after it is spent: `redirect_to` when the project allows it (GoTrue's
//! `IsRedirectURLValid`, `GetReferrer`), else the site URL.

use std::collections::HashMap;

use axum::http::HeaderMap;

use crate::providers::supabase_auth_config::Settings;

/// Scheme, host and port of an absolute URL.
fn origin(url: &str) -> Option<(String, String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => (h, p),
        _ => (authority, ""),
    };
    (!host.is_empty()).then(|| (scheme.to_lowercase(), host.to_lowercase(), port.to_string()))
}

/// A glob of the allow list (`gobwas/glob` with separators `.` and `/`): `**` matches
/// anything, `*` and `?` stop at a separator.
fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    let sep = |c: u8| c == b'.' || c == b'/';
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) if rest.first() == Some(&b'*') => {
            (0..=text.len()).any(|i| glob_match(&rest[1..], &text[i..]))
        }
        Some((b'*', rest)) => {
            let run = text.iter().take_while(|c| !sep(**c)).count();
            (0..=run).any(|i| glob_match(rest, &text[i..]))
        }
        Some((b'?', rest)) => text
            .split_first()
            .is_some_and(|(c, t)| !sep(*c) && glob_match(rest, t)),
        Some((p, rest)) => text
            .split_first()
            .is_some_and(|(c, t)| c == p && glob_match(rest, t)),
    }
}

/// GoTrue's `IsRedirectURLValid`: the site itself (any port on localhost), or an entry of
/// `uri_allow_list` (comma-separated globs).
fn redirect_allowed(settings: &Settings, url: &str) -> bool {
    let (Some(site), Some(to)) = (origin(settings.site_url()), origin(url)) else {
        return false;
    };
    let local = matches!(to.1.as_str(), "localhost" | "127.0.0.1" | "[::1]");
    if site.0 == to.0 && site.1 == to.1 && (site.2 == to.2 || local) {
        return true;
    }
    let without_fragment = url.split('#').next().unwrap_or(url);
    settings
        .str("uri_allow_list")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .any(|p| glob_match(p.as_bytes(), without_fragment.as_bytes()))
}

/// GoTrue's `GetReferrer`: `redirect_to` (header, then query) when allowed, else the site URL.
pub(super) fn referrer(settings: &Settings, h: &HeaderMap, q: &HashMap<String, String>) -> String {
    let header = h.get("redirect_to").and_then(|v| v.to_str().ok());
    let wanted = header.or(q.get("redirect_to").map(String::as_str));
    match wanted {
        Some(u) if redirect_allowed(settings, u) => u.to_string(),
        _ => settings.site_url().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_list_globs_stop_at_separators() {
        assert!(glob_match(
            b"https://*.example.com/**",
            b"https://app.example.com/a/b"
        ));
        assert!(!glob_match(
            b"https://*.example.com/**",
            b"https://a.b.example.com/x"
        ));
        assert!(glob_match(
            b"http://localhost:3000/*",
            b"http://localhost:3000/welcome"
        ));
        assert!(!glob_match(
            b"http://localhost:3000/*",
            b"http://localhost:3000/a/b"
        ));
        assert_eq!(
            origin("https://App.example.com:8443/x?y#z"),
            Some(("https".into(), "app.example.com".into(), "8443".into()))
        );
    }
}
