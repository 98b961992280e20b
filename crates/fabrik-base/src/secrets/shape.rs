//! Redaction by shape: what looks like a secret wherever it stands, for text that leaves the
//! seat with content Fabrik did not write (a customer's workflow, backed up to the agency's
//! shared repository). The known-value policy (`redact`) only knows this process's own
//! secrets; a key someone typed into an HTTP node's header, a password in a URL or a constant
//! in a Code node is found here by its place or its form.
//!
//! Over-redacting is the safe side: a backed-up value that was replaced takes the running
//! workflow's value again when a version is written back (`workflows::unredact`).

use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde_json::{Map, Value};

use super::redact::{redact, REDACTED};

/// A name (object key, header or query parameter, variable) whose value is a secret: the
/// name's letters and digits, lower-cased, equal one of these or end with one of the suffixes.
const SECRET_NAMES: [&str; 8] = [
    "authorization",
    "proxyauthorization",
    "cookie",
    "setcookie",
    "key",
    "auth",
    "sig",
    "signature",
];
const SECRET_SUFFIXES: [&str; 10] = [
    "apikey",
    "token",
    "secret",
    "password",
    "passwd",
    "privatekey",
    "accesskey",
    "secretkey",
    // Azure: `x-functions-key` (Functions), `Ocp-Apim-Subscription-Key` (API Management).
    "functionskey",
    "subscriptionkey",
];

/// Is a value named `name` a secret? `Authorization`, `x-api-key`, `api_key`, `clientSecret`,
/// `DB_PASSWORD`, `access_token`, `x-functions-key`; not `authentication`, `tokenType` or
/// `keyword`.
pub fn secret_name(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    !folded.is_empty()
        && (SECRET_NAMES.contains(&folded.as_str())
            || SECRET_SUFFIXES.iter().any(|s| folded.ends_with(s)))
}

/// A name as the patterns below see it: an identifier, a header or a query key.
const NAME: &str = r"[A-Za-z0-9_.\-]+";

static URL_USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    // scheme://user:password@host: the password goes, the user and host stay.
    Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s/:@?#]*):([^\s/@?#]+)@").expect("pattern")
});
static QUERY_PARAM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"([?&;])({NAME})=([^&#\s'`<]+)")).expect("pattern"));
static AUTH_SCHEME: LazyLock<Regex> = LazyLock::new(|| {
    // "Bearer abc…", "Basic dXNl…", "Token abc…" with a literal credential (an expression such
    // as `Bearer {{ $json.token }}` has none).
    Regex::new(r"\b((?i:bearer|basic)|Token)\s+([A-Za-z0-9._~+/=\-]{8,})").expect("pattern")
});
static QUOTED_ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    // Code and JSON: `const API_KEY = "…"`, `apiKey: '…'`, `"Authorization": "…"`,
    // `'x-api-key': '…'`.
    Regex::new(&format!(
        r#"(["']?)({NAME})(["']?\s*[:=]\s*)(["'`])([^"'`\n]+)(["'`])"#
    ))
    .expect("pattern")
});
static BARE_ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    // Environment lines and headers typed as text: `OPENAI_API_KEY=sk-…`, `X-Api-Key: abc1…`.
    // No dots: `apiKey: credentials.apiKey` in code is a reference.
    Regex::new(&format!(r"\b({NAME})(=|:[ \t]*)([A-Za-z0-9_\-+/=]{{8,}})")).expect("pattern")
});
static TOKEN_SHAPED: LazyLock<Regex> = LazyLock::new(|| {
    // The forms the common providers give their keys, and JSON Web Tokens.
    Regex::new(concat!(
        r"\b(?:",
        r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}",
        r"|whsec_[A-Za-z0-9+/=]{10,}",
        r"|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}",
        r"|glpat-[A-Za-z0-9_\-]{16,}",
        r"|xox[abprs]-[A-Za-z0-9\-]{10,}",
        r"|sbp_[A-Za-z0-9]{16,}|sb_secret_[A-Za-z0-9_\-]{16,}",
        r"|re_[A-Za-z0-9_]{16,}",
        r"|sk-[A-Za-z0-9_\-]{20,}",
        r"|AKIA[0-9A-Z]{16}",
        r"|AIza[0-9A-Za-z_\-]{30,}",
        r"|eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
        r")"
    ))
    .expect("pattern")
});

/// Every shape rule over one text: URL passwords, secret-named query parameters, literal
/// credentials after an auth scheme, quoted and bare assignments to a secret name, and values
/// in a provider's key format.
pub fn redact_shapes(text: &str) -> String {
    let out = URL_USERINFO.replace_all(text, |c: &Captures| format!("{}:{REDACTED}@", &c[1]));
    let out = QUERY_PARAM.replace_all(&out, |c: &Captures| {
        if secret_name(&c[2]) {
            format!("{}{}={REDACTED}", &c[1], &c[2])
        } else {
            c[0].to_string()
        }
    });
    let out = AUTH_SCHEME.replace_all(&out, |c: &Captures| {
        // A credential has a digit or a symbol; "Basic information" is prose.
        if c[2].bytes().any(|b| !b.is_ascii_alphabetic()) {
            format!("{} {REDACTED}", &c[1])
        } else {
            c[0].to_string()
        }
    });
    let out = QUOTED_ASSIGNMENT.replace_all(&out, |c: &Captures| {
        // A value that is only an expression (`{{ … }}`, `${…}`) refers to a secret elsewhere.
        if secret_name(&c[2]) && looks_like_a_value(&c[5]) {
            format!("{}{}{}{}{REDACTED}{}", &c[1], &c[2], &c[3], &c[4], &c[6])
        } else {
            c[0].to_string()
        }
    });
    let out = BARE_ASSIGNMENT.replace_all(&out, |c: &Captures| {
        // After a colon, a word without a digit is a name in code (`Authorization: header`).
        let value = &c[3];
        if secret_name(&c[1]) && (&c[2] == "=" || value.bytes().any(|b| b.is_ascii_digit())) {
            format!("{}{}{REDACTED}", &c[1], &c[2])
        } else {
            c[0].to_string()
        }
    });
    TOKEN_SHAPED.replace_all(&out, REDACTED).into_owned()
}

/// A quoted value that could be a secret: long enough, one word, and not an expression that
/// names where the secret comes from (`{{ $env.KEY }}`, `${KEY}`) or a placeholder. Code such as
/// `'Authorization': 'Bearer ' + token` keeps its fragment, so a Code node is not rewritten
/// for nothing.
fn looks_like_a_value(value: &str) -> bool {
    let v = value.trim();
    v.len() >= 8
        && !v.contains(char::is_whitespace)
        && v != REDACTED
        && !(v.starts_with("{{") || v.starts_with("${") || refers_only(v))
}

/// Whether an n8n field in expression mode (`=` first) only refers to a secret kept elsewhere:
/// `={{ $env.KEY }}`, `=Bearer {{ $json.token }}`. Its text outside the braces holds no word a
/// key could be (8 characters or more). Without braces (`=sk-…`) the field is its literal text,
/// the key itself.
fn refers_only(value: &str) -> bool {
    let Some(mut rest) = value.trim().strip_prefix('=') else {
        return false;
    };
    if !rest.contains("{{") {
        return false;
    }
    let mut literal = String::new();
    while let Some(open) = rest.find("{{") {
        literal.push_str(&rest[..open]);
        literal.push(' ');
        match rest[open..].find("}}") {
            Some(close) => rest = &rest[open + close + 2..],
            // Not closed: all of it is text.
            None => {
                literal.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    literal.push_str(rest);
    literal.split_whitespace().all(|w| w.chars().count() < 8)
}

/// A JSON document (an exported workflow) with every secret replaced: the process's known
/// secrets, the value of every secret-named key or `{name, value}` pair (the form n8n keeps
/// headers, query and body parameters and Set assignments in), and every shape in every
/// string. An n8n expression (`={{ … }}`) under a secret name is kept: it refers to a secret,
/// and its literal parts still go through the shape rules; a field in expression mode with a
/// literal in it (`=sk-…`) is not kept (`refers_only`).
pub fn redact_json(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(redact_shapes(&redact(&s))),
        Value::Array(a) => Value::Array(a.into_iter().map(redact_json).collect()),
        Value::Object(m) => {
            let pair_is_secret = matches!(
                (m.get("name"), m.get("value")),
                (Some(Value::String(n)), Some(Value::String(_))) if secret_name(n)
            );
            let mut out = Map::new();
            for (k, v) in m {
                let secret = secret_name(&k) || (pair_is_secret && k == "value");
                let v = match v {
                    Value::String(s) if secret && !s.is_empty() && !refers_only(&s) => {
                        Value::String(REDACTED.to_string())
                    }
                    other => redact_json(other),
                };
                out.insert(k, v);
            }
            Value::Object(out)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_names_and_their_look_alikes() {
        for n in [
            "Authorization",
            "x-api-key",
            "api_key",
            "apikey",
            "clientSecret",
            "DB_PASSWORD",
            "access_token",
            "private-key",
            "Cookie",
            "key",
        ] {
            assert!(secret_name(n), "{n}");
        }
        for n in [
            "authentication",
            "tokenType",
            "keyword",
            "name",
            "url",
            "value",
            "monkey-business",
            "",
        ] {
            assert!(!secret_name(n), "{n}");
        }
    }

    #[test]
    fn each_shape_is_found_in_text() {
        let cases = [
            (
                "https://otto:hemligt-lösen@db.example.se:5432/x",
                "https://otto:<redacted>@db.example.se:5432/x",
            ),
            (
                "https://api.example.se/v1/x?limit=10&api_key=abc123def&page=2",
                "https://api.example.se/v1/x?limit=10&api_key=<redacted>&page=2",
            ),
            ("Bearer abcdefgh12345678", "Bearer <redacted>"),
            (
                "const API_KEY = 'zz-9f8e7d6c5b4a';",
                "const API_KEY = '<redacted>';",
            ),
            (
                r#"{"X-Api-Key": "k-123456789"}"#,
                r#"{"X-Api-Key": "<redacted>"}"#,
            ),
            (
                "OPENAI_API_KEY=abcdefghijklmnop",
                "OPENAI_API_KEY=<redacted>",
            ),
            ("X-Api-Key: abc123def456", "X-Api-Key: <redacted>"),
            (
                "nyckel: sk_live_4eC39HqLyjWDarjtT1zdp7dc",
                "nyckel: <redacted>",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(redact_shapes(text), want, "{text}");
        }
    }

    #[test]
    fn what_only_refers_to_a_secret_stays() {
        for text in [
            "Bearer {{ $json.token }}",
            "const apiKey = '{{ $env.API_KEY }}';",
            "const apiKey = process.env.API_KEY;",
            "headers: { Authorization: authHeader, apiKey: credentials.apiKey }",
            "const h = { 'Authorization': 'Bearer ' + token };",
            "https://api.example.se/v1/x?limit=10&page=2",
            "const tokenCount = items.length;",
            "Authentication: generic",
            "en vanlig mening om nycklar och lösenord",
            "Basic information about the bearer authentication",
        ] {
            assert_eq!(redact_shapes(text), text);
        }
    }

    #[test]
    fn a_redacted_text_is_redacted_again_to_the_same_bytes() {
        let text = "curl -H 'Authorization: Bearer abcdefgh12345678' https://u:pw123456@h/x?token=zzzzzzzz";
        let once = redact_shapes(text);
        assert_eq!(redact_shapes(&once), once);
        assert!(!once.contains("abcdefgh12345678") && !once.contains("pw123456"));
        assert!(!once.contains("zzzzzzzz"), "{once}");
    }

    #[test]
    fn named_values_and_pairs_in_json() {
        let v = redact_json(json!({
            "headerParameters": {"parameters": [
                {"name": "Authorization", "value": "Token plain"},
                {"name": "Accept", "value": "application/json"},
                {"name": "x-api-key", "value": "={{ $env.KEY }}"}
            ]},
            "password": "kort",
            "authentication": "genericCredentialType",
        }));
        assert_eq!(v["headerParameters"]["parameters"][0]["value"], REDACTED);
        assert_eq!(
            v["headerParameters"]["parameters"][1]["value"],
            "application/json"
        );
        assert_eq!(
            v["headerParameters"]["parameters"][2]["value"],
            "={{ $env.KEY }}"
        );
        assert_eq!(v["password"], REDACTED);
        assert_eq!(v["authentication"], "genericCredentialType");
    }

    /// Issue #55: n8n's expression mode puts `=` before a field's text, and a key pasted into
    /// such a field (`=sk-…`, no `{{ … }}` in it) is the key itself, not a reference. It was kept
    /// because it began with `=`.
    #[test]
    fn a_secret_named_value_that_starts_with_an_equals_sign_is_redacted() {
        const SENTINEL: &str = "SENTINEL-eq-9f8e7d6c5b4a";
        let v = redact_json(json!({
            "password": format!("={SENTINEL}"),
            "headerParameters": {"parameters": [
                {"name": "x-api-key", "value": format!("={SENTINEL}")},
                {"name": "Authorization", "value": format!("=Bearer {SENTINEL}{{{{ '' }}}}")},
                {"name": "Authorization", "value": "=Bearer {{ $json.token }}"},
                {"name": "x-api-key", "value": "={{ $env.KEY }}"}
            ]},
            "jsCode": format!("const apiKey = '={SENTINEL}';"),
        }));
        let text = v.to_string();
        assert!(!text.contains(SENTINEL), "{text}");
        assert_eq!(v["password"], REDACTED);
        let p = &v["headerParameters"]["parameters"];
        assert_eq!(p[0]["value"], REDACTED);
        assert_eq!(p[1]["value"], REDACTED);
        // What only refers to a secret stays.
        assert_eq!(p[2]["value"], "=Bearer {{ $json.token }}");
        assert_eq!(p[3]["value"], "={{ $env.KEY }}");
        assert_eq!(v["jsCode"], "const apiKey = '<redacted>';");
    }

    /// Issue #55: Azure's key headers, `x-functions-key` (Functions) and
    /// `Ocp-Apim-Subscription-Key` (API Management), in any case, as text and as n8n's pairs.
    #[test]
    fn the_azure_key_headers_are_secret() {
        const SENTINEL: &str = "SENTINEL0azure1key2a7c";
        for n in [
            "x-functions-key",
            "X-Functions-Key",
            "Ocp-Apim-Subscription-Key",
            "ocp-apim-subscription-key",
        ] {
            assert!(secret_name(n), "{n}");
            let line = format!("{n}: {SENTINEL}");
            assert_eq!(redact_shapes(&line), format!("{n}: {REDACTED}"));
            let v = redact_json(json!({"parameters": [{"name": n, "value": SENTINEL}]}));
            assert_eq!(v["parameters"][0]["value"], REDACTED, "{n}");
        }
        assert!(!secret_name("functions"));
    }
}
