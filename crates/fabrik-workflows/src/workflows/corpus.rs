//! The redaction of backed-up workflows against a corpus of n8n exports with secrets where
//! people put them (`tests/fixtures/n8n`, each secret containing `SENTINEL`, each value that is
//! not a secret containing `KEEP`): no secret reaches the file, nothing else in it changes, and
//! writing a version back takes every secret from the running workflow again.

use serde_json::Value;

use super::{normalize, unredact};

const CORPUS: [(&str, &str); 4] = [
    (
        "http-request-v4",
        include_str!("../../../../tests/fixtures/n8n/http-request-v4.json"),
    ),
    (
        "http-request-v1",
        include_str!("../../../../tests/fixtures/n8n/http-request-v1.json"),
    ),
    (
        "code-nodes",
        include_str!("../../../../tests/fixtures/n8n/code-nodes.json"),
    ),
    (
        "set-command-email",
        include_str!("../../../../tests/fixtures/n8n/set-command-email.json"),
    ),
];

/// Every string in a document with its path.
fn strings(v: &Value, path: String, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) => out.push((path, s.clone())),
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                strings(c, format!("{path}/{i}"), out);
            }
        }
        Value::Object(m) => {
            for (k, c) in m {
                strings(c, format!("{path}/{k}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_secret_of_the_corpus_reaches_a_backup_and_nothing_else_changes() {
    for (name, text) in CORPUS {
        let export: Value = serde_json::from_str(text).unwrap();
        let file = String::from_utf8(normalize(&export).unwrap()).unwrap();
        let left: Vec<&str> = file.lines().filter(|l| l.contains("SENTINEL")).collect();
        assert!(left.is_empty(), "{name}: secrets left: {left:#?}");

        let backed_up: Value = serde_json::from_str(&file).unwrap();
        let mut before = Vec::new();
        strings(&export, String::new(), &mut before);
        let mut after = Vec::new();
        strings(&backed_up, String::new(), &mut after);
        let planted = before
            .iter()
            .filter(|(_, s)| s.contains("SENTINEL"))
            .count();
        assert!(planted >= 3, "{name}: the corpus plants secrets");
        for (path, value) in before.iter().filter(|(_, s)| s.contains("KEEP")) {
            let kept = after.iter().find(|(p, _)| p == path).map(|(_, s)| s);
            if value.contains("SENTINEL") {
                // A string with a secret and more: only the secret goes.
                let kept = kept.unwrap_or_else(|| panic!("{name}: {path} is gone"));
                assert_eq!(
                    kept.matches("KEEP").count(),
                    value.matches("KEEP").count(),
                    "{name}: {path}: {kept}"
                );
            } else {
                assert_eq!(kept, Some(value), "{name}: {path} changed");
            }
        }
        // Stable: the backed-up file backs up to the same bytes.
        assert_eq!(normalize(&backed_up).unwrap(), file.as_bytes(), "{name}");
    }
}

#[test]
fn a_version_written_back_takes_each_secret_from_the_running_workflow() {
    for (name, text) in CORPUS {
        let running: Value = serde_json::from_str(text).unwrap();
        let mut version: Value = serde_json::from_slice(&normalize(&running).unwrap()).unwrap();
        unredact(&mut version, &running);
        let mut want = Vec::new();
        strings(&running["nodes"], String::new(), &mut want);
        let mut got = Vec::new();
        strings(&version["nodes"], String::new(), &mut got);
        for (path, value) in want {
            // Credential references keep only their id and name (never their data).
            if path.contains("/credentials/") && !path.ends_with("/id") && !path.ends_with("/name")
            {
                continue;
            }
            let back = got.iter().find(|(p, _)| *p == path).map(|(_, s)| s);
            assert_eq!(back, Some(&value), "{name}: {path}");
        }
    }
}
