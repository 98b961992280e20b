//! One error type for every cloud call: a kind the engine's retry policy branches on, the
//! provider's own code and message (redacted), the wait it asked for, and its request id.

use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use crate::messages::{ErrorCode, Params};
use crate::secrets::Provider;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    RateLimited,
    /// 5xx, 408, a timeout, a dropped connection: worth another attempt.
    Transient,
    /// The request itself is wrong (4xx other than the above): retrying cannot help.
    Invalid,
    /// 3xx: the resource lives elsewhere now (a renamed repository). Never followed: a write
    /// must reach exactly the resource it names, and a read by name means "not here".
    Moved,
    /// Not sent: the run it was for is another driver's now (`pacer::fenced`). The message is
    /// the run's id.
    Fenced,
    /// The answer was larger than Fabrik reads (`http::MAX_RESPONSE_BYTES`): reading stopped
    /// there. Asking again would get the same answer, so it is not retried.
    TooLarge,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: {message}{}", provider.display_name(), status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
pub struct ProviderError {
    pub provider: Provider,
    pub kind: ErrorKind,
    pub status: Option<u16>,
    /// The provider's machine code when it sends one (`email_exists`, `rate_limited`, …).
    pub code: Option<String>,
    pub message: String,
    /// How long the provider asked us to wait (Retry-After or a rate-limit reset).
    pub retry_after: Option<Duration>,
    pub request_id: Option<String>,
    /// The call timed out: the request may still be executing at the provider.
    pub timed_out: bool,
    /// The connection broke before any answer came (not a time-out): the request may be sent
    /// once more if it only reads (`http::broke_unanswered`).
    pub unanswered: bool,
}

/// The most of a provider's own words an error keeps: a message quoting a whole answer (a
/// parse error names the value it choked on) would otherwise carry it into logs and the window.
const MAX_MESSAGE_CHARS: usize = 500;

/// A provider's words as an error keeps them: redacted and bounded.
pub(crate) fn shown(message: &str) -> String {
    let mut text = crate::secrets::redact(message);
    if let Some((cut, _)) = text.char_indices().nth(MAX_MESSAGE_CHARS) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

impl ProviderError {
    pub fn new(provider: Provider, kind: ErrorKind, message: impl Into<String>) -> Self {
        ProviderError {
            provider,
            kind,
            status: None,
            code: None,
            message: shown(&message.into()),
            retry_after: None,
            request_id: None,
            timed_out: false,
            unanswered: false,
        }
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self.kind, ErrorKind::Transient | ErrorKind::RateLimited)
    }

    /// The stable code front ends branch on.
    pub fn code(&self) -> ErrorCode {
        match self.kind {
            ErrorKind::Unauthorized => ErrorCode::ProviderUnauthorized,
            ErrorKind::Forbidden => ErrorCode::ProviderForbidden,
            ErrorKind::NotFound => ErrorCode::ProviderNotFound,
            ErrorKind::Conflict => ErrorCode::ProviderConflict,
            ErrorKind::RateLimited => ErrorCode::ProviderRateLimited,
            ErrorKind::Transient => ErrorCode::ProviderUnavailable,
            ErrorKind::Invalid => ErrorCode::ProviderRejected,
            ErrorKind::Moved => ErrorCode::ProviderMoved,
            ErrorKind::Fenced => ErrorCode::RunTakenOver,
            ErrorKind::TooLarge => ErrorCode::ProviderTooLarge,
        }
    }

    /// The provider and what it said (its own words, with the HTTP status).
    pub fn params(&self) -> Params {
        if self.kind == ErrorKind::Fenced {
            return crate::messages::params! { "run" => self.message };
        }
        let status = self
            .status
            .map(|s| format!("HTTP {s}: "))
            .unwrap_or_default();
        crate::messages::params! {
            "provider" => self.provider.display_name(),
            "detail" => format!("{status}{}", self.message),
        }
    }
}
