//! The one reader of rate-limit headers, and of the token expiry GitHub names in its answers.

use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::provider::Reset;
use crate::secrets::Provider;

/// What an answer's rate-limit headers say about its bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateHeaders {
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    /// How long until the window resets, as the provider states it (units differ: Supabase
    /// and Resend send seconds remaining, GitHub and Vercel an epoch timestamp).
    pub reset_in: Option<Duration>,
}

/// The one reader of rate-limit headers.
pub fn rate_headers(provider: Provider, h: &HeaderMap) -> RateHeaders {
    let rates = &provider.declared().rates;
    let prefix = rates.headers;
    let num = |name: &str| {
        h.get(format!("{prefix}{name}"))
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let reset_in = num("reset").map(|r| match rates.reset {
        Reset::Epoch => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            Duration::from_secs(r.saturating_sub(now))
        }
        Reset::SecondsLeft => Duration::from_secs(r.min(u64::from(u32::MAX))),
    });
    RateHeaders {
        limit: num("limit").map(|v| v.min(u64::from(u32::MAX)) as u32),
        remaining: num("remaining").map(|v| v.min(u64::from(u32::MAX)) as u32),
        reset_in,
    }
}

/// `GitHub-Authentication-Token-Expiration`: `YYYY-MM-DD HH:MM:SS UTC` (also seen with a
/// numeric offset, `+0100`, and without seconds' zone name).
pub fn token_expiry(value: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let v = value.trim();
    if let Some(utc) = v.strip_suffix(" UTC") {
        return chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%d %H:%M:%S")
            .ok()
            .map(|t| t.and_utc());
    }
    chrono::DateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S %z")
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}
