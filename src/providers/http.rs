//! The HTTP policy every reqwest-based client shares: a timeout on every call, the provider's
//! error body and rate-limit headers read into a `ProviderError`. Retrying is not done here;
//! it is the engine's single retry policy (provision/retry.rs) that decides.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;

use super::error::{ErrorKind, ProviderError};
use crate::secrets::{redact, Provider};

/// Per-call ceiling; long waits (a project coming up) are polling loops of short calls.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(CONNECT_TIMEOUT)
        .user_agent(concat!("fabrik/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// Sends a request and turns every failure into a `ProviderError`.
pub async fn send(provider: Provider, req: RequestBuilder) -> Result<Response, ProviderError> {
    let resp = req.send().await.map_err(|e| transport(provider, &e))?;
    if resp.status().is_success() {
        Ok(resp)
    } else {
        Err(from_response(provider, resp).await)
    }
}

pub async fn json<T: DeserializeOwned>(
    provider: Provider,
    resp: Response,
) -> Result<T, ProviderError> {
    let status = resp.status().as_u16();
    let rid = request_id(resp.headers());
    let bytes = resp.bytes().await.map_err(|e| transport(provider, &e))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        let mut err =
            ProviderError::new(provider, ErrorKind::Invalid, format!("oväntat svar: {e}"));
        err.status = Some(status);
        err.request_id = rid;
        err
    })
}

fn transport(provider: Provider, e: &reqwest::Error) -> ProviderError {
    let what = if e.is_timeout() {
        "svarade inte i tid"
    } else if e.is_connect() {
        "kunde inte nås"
    } else {
        "anslutningen bröts"
    };
    // reqwest's text names the URL, never a header, so no token can be in it; redact anyway.
    let mut err = ProviderError::new(
        provider,
        ErrorKind::Transient,
        format!("{what} ({})", redact(&e.to_string())),
    );
    err.timed_out = e.is_timeout();
    err
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

fn request_id(h: &HeaderMap) -> Option<String> {
    [
        "x-request-id",
        "x-github-request-id",
        "x-vercel-id",
        "cf-ray",
        "x-sb-request-id",
    ]
    .iter()
    .find_map(|n| header(h, n))
    .map(str::to_string)
}

fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The wait the provider asked for. Units differ: Supabase and Resend send seconds remaining,
/// GitHub and Vercel an epoch timestamp (contracts README §8).
pub fn retry_after(provider: Provider, h: &HeaderMap) -> Option<Duration> {
    if let Some(s) = header(h, "retry-after").and_then(|v| v.trim().parse::<u64>().ok()) {
        return Some(Duration::from_secs(s));
    }
    let reset = |name: &str| header(h, name).and_then(|v| v.trim().parse::<u64>().ok());
    match provider {
        Provider::Supabase => reset("x-ratelimit-reset").map(Duration::from_secs),
        Provider::Resend => reset("ratelimit-reset").map(Duration::from_secs),
        Provider::Github | Provider::Vercel => {
            let exhausted = header(h, "x-ratelimit-remaining").is_some_and(|r| r.trim() == "0");
            reset("x-ratelimit-reset")
                .filter(|_| exhausted)
                .map(|at| Duration::from_secs(at.saturating_sub(now_epoch())))
        }
        Provider::N8n => None,
    }
}

/// Reads the provider's error body shape into code and message.
fn parse_body(provider: Provider, body: &str) -> (Option<String>, Option<String>) {
    let v: serde_json::Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(_) => {
            return (
                None,
                Some(body.chars().take(300).collect()).filter(|s: &String| !s.trim().is_empty()),
            )
        }
    };
    let s = |v: &serde_json::Value| v.as_str().map(str::to_string);
    match provider {
        // An unknown token is a 403 with `invalidToken: true`, not a missing permission.
        Provider::Vercel if v["error"]["invalidToken"] == true => {
            (Some("invalid_token".into()), s(&v["error"]["message"]))
        }
        Provider::Vercel => (s(&v["error"]["code"]), s(&v["error"]["message"])),
        Provider::Resend => (s(&v["name"]), s(&v["message"])),
        // Supabase Auth sends {error_code, msg} or {code, message} depending on the API version.
        Provider::Supabase => (
            s(&v["error_code"]).or_else(|| s(&v["code"])),
            s(&v["message"])
                .or_else(|| s(&v["msg"]))
                .or_else(|| s(&v["error_description"])),
        ),
        Provider::Github => {
            let detail = v["errors"]
                .as_array()
                .and_then(|e| e.first())
                .and_then(|e| s(&e["message"]));
            (
                detail.as_ref().map(|_| "validation".to_string()),
                s(&v["message"]).map(|m| match &detail {
                    Some(d) if !m.contains(d.as_str()) => format!("{m}: {d}"),
                    _ => m,
                }),
            )
        }
        Provider::N8n => (None, s(&v["message"])),
    }
}

pub async fn from_response(provider: Provider, resp: Response) -> ProviderError {
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.text().await.unwrap_or_default();
    let (code, message) = parse_body(provider, &body);
    let retry = retry_after(provider, &headers);
    let rate_limited = status == StatusCode::TOO_MANY_REQUESTS
        || (provider == Provider::Github
            && status == StatusCode::FORBIDDEN
            && (header(&headers, "x-ratelimit-remaining") == Some("0")
                || message.as_deref().is_some_and(|m| m.contains("rate limit"))));
    let kind = match status.as_u16() {
        _ if rate_limited => ErrorKind::RateLimited,
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        408 | 500..=599 => ErrorKind::Transient,
        _ => ErrorKind::Invalid,
    };
    let message = message.unwrap_or_else(|| status.canonical_reason().unwrap_or("fel").to_string());
    ProviderError {
        provider,
        kind,
        status: Some(status.as_u16()),
        code,
        message: redact(&message),
        retry_after: retry,
        request_id: request_id(&headers),
        timed_out: false,
    }
}
