//! Bounded log of the provider requests received, with secrets masked.

use std::collections::VecDeque;

use serde::Serialize;
use serde_json::Value;

/// How many entries are kept.
pub const CAPACITY: usize = 5_000;
/// How many bytes of request bodies are kept, the oldest entries dropped first: a move's import
/// sends 300 parts of 900 KiB, and a log that kept them all held 270 MB (and as much again as
/// parsed JSON) in the process that runs the simulator: most of issue #71's import peak. Eight
/// MiB keep thousands of ordinary requests.
pub const CAPACITY_BYTES: usize = 8 << 20;

#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub seq: u64,
    pub at: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// The JSON body with secrets masked; `null` for empty or non-JSON bodies.
    pub body: Value,
    pub status: u16,
    pub duration_ms: u64,
    /// The request body's size as received, counted against `CAPACITY_BYTES`.
    #[serde(skip)]
    pub body_bytes: usize,
}

#[derive(Debug, Default)]
pub struct RequestLog {
    entries: VecDeque<LogEntry>,
    next_seq: u64,
    body_bytes: usize,
}

impl RequestLog {
    pub fn push(&mut self, mut e: LogEntry) {
        self.next_seq += 1;
        e.seq = self.next_seq;
        self.body_bytes += e.body_bytes;
        self.entries.push_back(e);
        while self.entries.len() > CAPACITY
            || (self.body_bytes > CAPACITY_BYTES && self.entries.len() > 1)
        {
            let dropped = self.entries.pop_front().map_or(0, |d| d.body_bytes);
            self.body_bytes -= dropped;
        }
    }

    pub fn entries(&self) -> Vec<LogEntry> {
        self.entries.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.body_bytes = 0;
    }
}

const MASK: &str = "***";

/// Whether a JSON field of this name carries a secret (passwords, keys, env values, mail bodies
/// that hold one-time passwords).
fn is_secret_field(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "password",
        "db_pass",
        "secret",
        "token",
        "api_key",
        "apikey",
        "authorization",
        "private_key",
    ]
    .iter()
    .any(|s| n.contains(s))
        || n.ends_with("_pass")
        || matches!(n.as_str(), "value" | "html" | "text" | "content")
}

/// Copy of `v` with every secret field replaced by `***`.
pub fn mask(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, val)| {
                    let masked = if is_secret_field(k) && !val.is_null() {
                        Value::String(MASK.into())
                    } else {
                        mask(val)
                    };
                    (k.clone(), masked)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(mask).collect()),
        other => other.clone(),
    }
}

/// Secrets masked as [`mask`] masks them, but keeping each value's shape (the contract check's
/// record): a string under a secret-looking name becomes `***`, an array or object under one
/// keeps its items (each string masked), so the masked body still has the description's types.
pub fn mask_shaped(v: &Value) -> Value {
    fn all_strings(v: &Value) -> Value {
        match v {
            Value::String(_) => Value::String(MASK.into()),
            Value::Array(a) => Value::Array(a.iter().map(all_strings).collect()),
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), all_strings(v))).collect())
            }
            other => other.clone(),
        }
    }
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, val)| {
                    let masked = if is_secret_field(k) {
                        all_strings(val)
                    } else {
                        mask_shaped(val)
                    };
                    (k.clone(), masked)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(mask_shaped).collect()),
        other => other.clone(),
    }
}

/// Masks secret-looking query parameters too (`?token=...`).
pub fn mask_query(q: &str) -> String {
    q.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret_field(k) => format!("{k}={MASK}"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_nested_secrets() {
        let v = json!({"name": "x", "db_pass": "p", "env": [{"key": "K", "value": "v"}], "html": "<p>123456</p>"});
        let m = mask(&v);
        assert_eq!(m["name"], "x");
        assert_eq!(m["db_pass"], "***");
        assert_eq!(m["env"][0]["key"], "K");
        assert_eq!(m["env"][0]["value"], "***");
        assert_eq!(m["html"], "***");
        assert_eq!(mask_query("a=1&access_token=zz"), "a=1&access_token=***");
        assert_eq!(mask(&json!({"smtp_pass": "re_x"}))["smtp_pass"], "***");
    }

    fn entry(body_bytes: usize) -> LogEntry {
        LogEntry {
            seq: 0,
            at: String::new(),
            method: "POST".into(),
            path: "/x".into(),
            query: None,
            body: Value::Null,
            status: 201,
            duration_ms: 0,
            body_bytes,
        }
    }

    #[test]
    fn the_log_keeps_the_newest_within_its_entries_and_its_bytes() {
        let mut log = RequestLog::default();
        for _ in 0..CAPACITY + 10 {
            log.push(entry(10));
        }
        assert_eq!(log.entries.len(), CAPACITY);
        assert_eq!(log.entries.back().unwrap().seq, (CAPACITY + 10) as u64);
        // Parts of a move's import: only the newest that fit in the bytes stay.
        for _ in 0..300 {
            log.push(entry(900 << 10));
        }
        assert!(log.body_bytes <= CAPACITY_BYTES, "{}", log.body_bytes);
        assert_eq!(log.entries.len(), CAPACITY_BYTES / (900 << 10));
        assert_eq!(
            log.body_bytes,
            log.entries.iter().map(|e| e.body_bytes).sum::<usize>()
        );
        // One body larger than the whole is still the newest entry.
        log.push(entry(CAPACITY_BYTES * 2));
        assert_eq!(log.entries.len(), 1);
        log.clear();
        assert_eq!(log.body_bytes, 0);
    }
}
