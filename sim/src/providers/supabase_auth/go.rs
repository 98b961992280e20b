//! Go's conventions GoTrue answers with: its JSON decoding error and its duration syntax.

use axum::response::Response;
use serde_json::Value;

use crate::errors;

/// Go's decoding error for a field of the wrong JSON type (`field`: `Struct.field`).
pub(crate) fn go_type_error(field: &str, got: &Value, want: &str, api24: bool) -> Response {
    let kind = match got {
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        _ => "object",
    };
    errors::gotrue(
        400,
        "bad_json",
        &format!("Could not parse request body as JSON: json: cannot unmarshal {kind} into Go struct field {field} of type {want}"),
        api24,
    )
}

/// Go's `time.ParseDuration` (`876000h`, `1h30m`, `-1.5s`, `0`), in milliseconds; the error
/// text is Go's.
pub(crate) fn parse_go_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration \"{orig}\"");
    let (neg, mut s) = match orig.as_bytes().first() {
        Some(b'-') => (true, &orig[1..]),
        Some(b'+') => (false, &orig[1..]),
        _ => (false, orig),
    };
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total_ns = 0f64;
    while !s.is_empty() {
        let digits = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let number = &s[..digits];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(invalid());
        }
        let value: f64 = number.parse().map_err(|_| invalid())?;
        s = &s[digits..];
        let unit_len = s
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(s.len());
        let unit = &s[..unit_len];
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration \"{orig}\""));
        }
        let scale = match unit {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            other => {
                return Err(format!(
                    "time: unknown unit \"{other}\" in duration \"{orig}\""
                ))
            }
        };
        total_ns += value * scale;
        s = &s[unit_len..];
    }
    if total_ns > i64::MAX as f64 {
        return Err(invalid());
    }
    let ms = (total_ns / 1e6) as i64;
    Ok(if neg { -ms } else { ms })
}
