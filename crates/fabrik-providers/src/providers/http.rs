//! The HTTP policy every reqwest-based client shares: a timeout on every call, the provider's
//! error body and rate-limit headers read into a `ProviderError`. Retrying is not done here;
//! it is the engine's single retry policy (provision/retry.rs) that decides.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;

use super::error::{ErrorKind, ProviderError};
use super::pacer;
use crate::provider::ResetWait;
use crate::secrets::{redact, Provider};

/// Per-call ceiling; long waits (a project coming up) are polling loops of short calls.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest wait a provider may ask for that is taken as such; beyond it the number is
/// nonsense or hostile, and the retry policy reports it rather than waiting.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);
/// The most of one answer Fabrik reads, from any provider. The largest real answers are a few
/// MB (an n8n workflow with pinned data, a GitHub file as base64); beyond this the answer is
/// broken or hostile, and reading on would only fill memory.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// Of an error answer only the code and message are used (300 characters are shown); what
/// lies beyond this is not read.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// The one HTTP client of the non-GitHub providers. Redirects are never followed: a write must
/// reach exactly the resource it names (a 3xx is reported as `ErrorKind::Moved`).
pub fn client(timeout: Duration) -> reqwest::Client {
    with_redirects(timeout, reqwest::redirect::Policy::none())
}

/// A client with the shared timeouts and user agent and its own redirect policy: only a
/// reader that never writes (a site visited as a visitor) may follow redirects.
pub fn with_redirects(timeout: Duration, redirects: reqwest::redirect::Policy) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(redirects)
        .user_agent(concat!("fabrik/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("a client with a timeout can always be built")
}

/// The pacer's buckets a request would spend (its account is its host and credential).
fn buckets_of(provider: Provider, request: &reqwest::Request) -> Vec<pacer::Bucket> {
    let url = request.url();
    let host = format!(
        "{}:{:?}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default()
    );
    let credential = request
        .headers()
        .get(reqwest::header::AUTHORIZATION)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    pacer::buckets(
        provider,
        pacer::account(&host, credential),
        request.method(),
        url.path(),
    )
}

/// Waits for the turn `req` would take, without sending it: for work another service does
/// on the provider's account (an instance's Auth mailing through Resend's SMTP relay spends
/// the same per-team budget as Fabrik's own emails).
pub async fn pace(provider: Provider, req: RequestBuilder) -> Result<(), ProviderError> {
    let request = req.build().map_err(|e| transport(provider, &e))?;
    pacer::shared()
        .acquire(&buckets_of(provider, &request))
        .await
}

/// Sends a request when the provider's budget allows (the shared pacer) and turns every
/// failure into a `ProviderError`.
pub async fn send(provider: Provider, req: RequestBuilder) -> Result<Response, ProviderError> {
    send_answered(provider, req, StatusCode::is_success).await
}

/// The address a request is redirected to, which is its answer (Supabase's project claim
/// names the customer's claim page so): the redirect's `Location`, resolved against the
/// request's URL. Never followed. `None` when the service answered 2xx without one.
pub async fn redirect(
    provider: Provider,
    req: RequestBuilder,
) -> Result<Option<String>, ProviderError> {
    let resp = send_answered(provider, req, |s| s.is_success() || s.is_redirection()).await?;
    let Some(location) = resp.headers().get(reqwest::header::LOCATION) else {
        return Ok(None);
    };
    let bad = |why: &str| {
        ProviderError::new(
            provider,
            ErrorKind::Invalid,
            format!("unexpected redirect: {why}"),
        )
    };
    if location.len() > MAX_LOCATION_BYTES {
        return Err(bad("the address is too long"));
    }
    let text = location
        .to_str()
        .map_err(|_| bad("the address is not text"))?;
    let url = resp
        .url()
        .join(text)
        .map_err(|_| bad("the address cannot be read"))?;
    match url.scheme() {
        "https" | "http" => Ok(Some(url.to_string())),
        _ => Err(bad("the address is not a web address")),
    }
}

/// The longest redirect address read (OAuth's redirect address and state together are at most
/// 4 kB at Supabase; a claim page's address adds its own few).
const MAX_LOCATION_BYTES: usize = 8 * 1024;

async fn send_answered(
    provider: Provider,
    req: RequestBuilder,
    answered: fn(&StatusCode) -> bool,
) -> Result<Response, ProviderError> {
    let (client, built) = req.build_split();
    let mut request = built.map_err(|e| transport(provider, &e))?;
    let buckets = buckets_of(provider, &request);
    let mut resends = resends(request.method());
    let resp = loop {
        pacer::shared().acquire(&buckets).await?;
        pacer::fenced(provider, request.method()).await?;
        // A body that cannot be cloned (a stream) is never sent twice.
        let again = request.try_clone().filter(|_| resends > 0);
        match client
            .execute(request)
            .await
            .map_err(|e| transport(provider, &e))
        {
            Ok(resp) => break resp,
            Err(e) if broke_unanswered(&e) && again.is_some() => {
                resends -= 1;
                request = again.expect("checked above");
            }
            Err(e) => return Err(e),
        }
    };
    let status = resp.status();
    if answered(&status) {
        pacer::shared().observe(&buckets, status.as_u16(), resp.headers(), None);
        Ok(resp)
    } else {
        let headers = resp.headers().clone();
        let err = from_response(provider, resp).await;
        pacer::shared().observe(&buckets, status.as_u16(), &headers, Some(&err));
        Err(err)
    }
}

pub async fn json<T: DeserializeOwned>(
    provider: Provider,
    resp: Response,
) -> Result<T, ProviderError> {
    let status = resp.status().as_u16();
    let rid = request_id(resp.headers());
    let bytes = read_body(provider, resp, MAX_RESPONSE_BYTES)
        .await?
        .complete(provider)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        let mut err = ProviderError::new(
            provider,
            ErrorKind::Invalid,
            format!("unexpected answer: {e}"),
        );
        err.status = Some(status);
        err.request_id = rid;
        err
    })
}

/// A body as far as it was read: all of it, or the first `limit` bytes.
pub(crate) struct Body {
    pub bytes: Vec<u8>,
    /// More followed (or was announced) than the limit allowed.
    pub cut: bool,
}

impl Body {
    /// The whole body, or `TooLarge`: an answer cut short must not be taken as the answer.
    pub(crate) fn complete(self, provider: Provider) -> Result<Vec<u8>, ProviderError> {
        if self.cut {
            Err(too_large(provider))
        } else {
            Ok(self.bytes)
        }
    }

    /// What was read, as text, for an error's message.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

pub(crate) fn too_large(provider: Provider) -> ProviderError {
    ProviderError::new(
        provider,
        ErrorKind::TooLarge,
        // The limit, in words both languages read alike.
        format!("> {} MB", MAX_RESPONSE_BYTES / 1_048_576),
    )
}

/// Where a body's pieces come from: reqwest's answer or octocrab's (GitHub).
pub(crate) trait Chunks {
    /// The length the answer announced (`Content-Length`), if it did.
    fn announced(&self) -> Option<u64>;
    async fn next_chunk(&mut self) -> Result<Option<bytes::Bytes>, ProviderError>;
}

impl Chunks for (Provider, Response) {
    fn announced(&self) -> Option<u64> {
        self.1.content_length()
    }

    async fn next_chunk(&mut self) -> Result<Option<bytes::Bytes>, ProviderError> {
        self.1.chunk().await.map_err(|e| transport(self.0, &e))
    }
}

/// The one reader of every provider's answer: piece by piece, stopping as soon as `limit`
/// would be passed (or at once when the announced length passes it), so no answer ever holds
/// more than `limit` bytes in memory. The rest is never read; dropping the answer closes it.
pub(crate) async fn read_limited(
    mut body: impl Chunks,
    limit: usize,
) -> Result<Body, ProviderError> {
    let mut bytes = Vec::new();
    if body.announced().is_some_and(|n| n > limit as u64) {
        return Ok(Body { bytes, cut: true });
    }
    while let Some(chunk) = body.next_chunk().await? {
        let room = limit - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok(Body { bytes, cut: true });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Body { bytes, cut: false })
}

pub(crate) async fn read_body(
    provider: Provider,
    resp: Response,
    limit: usize,
) -> Result<Body, ProviderError> {
    read_limited((provider, resp), limit).await
}

pub(super) fn transport(provider: Provider, e: &reqwest::Error) -> ProviderError {
    let what = if e.is_timeout() {
        "did not answer in time"
    } else if e.is_connect() {
        "could not be reached"
    } else {
        "the connection broke"
    };
    // reqwest's text names the URL, never a header, so no token can be in it; redact anyway.
    let mut err = ProviderError::new(
        provider,
        ErrorKind::Transient,
        format!("{what} ({})", redact(&e.to_string())),
    );
    err.timed_out = e.is_timeout();
    // No status and no time-out: the connection refused or broke before an answer came.
    err.unanswered = !e.is_timeout() && e.status().is_none();
    err
}

/// How often a request may be sent again after its connection broke unanswered: once for a
/// read (a pooled keep-alive connection the server closed just then is no answer from the
/// provider), never for a write, which the provider may have received.
pub(crate) fn resends(method: &reqwest::Method) -> u32 {
    u32::from(matches!(
        *method,
        reqwest::Method::GET | reqwest::Method::HEAD
    ))
}

/// Whether a failed exchange may be sent again under `resends`.
pub(crate) fn broke_unanswered(e: &ProviderError) -> bool {
    e.unanswered
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

/// The wait the provider asked for. Units differ: Supabase and Resend send seconds remaining,
/// GitHub and Vercel an epoch timestamp (contracts/README.md, section "8. Cross-provider notes
/// for the simulator").
pub fn retry_after(provider: Provider, h: &HeaderMap) -> Option<Duration> {
    asked_wait(provider, h).map(|d| d.min(MAX_RETRY_AFTER))
}

fn asked_wait(provider: Provider, h: &HeaderMap) -> Option<Duration> {
    if let Some(v) = header(h, "retry-after").map(str::trim) {
        // RFC 9110: delay-seconds or an HTTP-date.
        if let Ok(s) = v.parse::<u64>() {
            return Some(Duration::from_secs(s));
        }
        if let Ok(at) = chrono::DateTime::parse_from_rfc2822(v) {
            let secs = at
                .timestamp()
                .saturating_sub(chrono::Utc::now().timestamp());
            return Some(Duration::from_secs(secs.max(0) as u64));
        }
    }
    let seen = pacer::rate_headers(provider, h);
    match provider.declared().rates.reset_is_wait {
        ResetWait::Always => seen.reset_in,
        ResetWait::WhenSpent => seen.reset_in.filter(|_| seen.remaining == Some(0)),
        ResetWait::Never => None,
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
    let shape = &provider.declared().errors;
    let first = |pointers: &[&str]| {
        pointers
            .iter()
            .find_map(|p| v.pointer(p).and_then(|x| x.as_str()))
            .map(str::to_string)
    };
    let (mut code, mut message) = (first(shape.code), first(shape.message));
    if shape
        .invalid_token
        .is_some_and(|p| v.pointer(p) == Some(&serde_json::Value::Bool(true)))
    {
        code = Some("invalid_token".into());
    }
    if let Some(details) = shape.details {
        let detail = v
            .pointer(details)
            .and_then(|e| e.as_array())
            .and_then(|e| e.first())
            .and_then(|e| e["message"].as_str());
        if let Some(d) = detail {
            code = Some("validation".into());
            message = message.map(|m| {
                if m.contains(d) {
                    m
                } else {
                    format!("{m}: {d}")
                }
            });
        }
    }
    (code, message)
}

pub async fn from_response(provider: Provider, resp: Response) -> ProviderError {
    let status = resp.status();
    let headers = resp.headers().clone();
    // An error answer that breaks off is still an error: what arrived is the message.
    let body = read_body(provider, resp, MAX_ERROR_BODY_BYTES)
        .await
        .map(|b| b.text())
        .unwrap_or_default();
    classify(provider, status, &headers, &body)
}

/// The one mapping of a provider's error answer to a `ProviderError` (the reqwest clients and
/// the octocrab-based GitHub client both come here).
pub fn classify(
    provider: Provider,
    status: StatusCode,
    headers: &HeaderMap,
    body: &str,
) -> ProviderError {
    let (code, message) = parse_body(provider, body);
    let mut retry = retry_after(provider, headers);
    let declared = provider.declared();
    let rate_limited = status == StatusCode::TOO_MANY_REQUESTS
        || (declared.rates.forbidden_when_limited
            && status == StatusCode::FORBIDDEN
            && (header(headers, "x-ratelimit-remaining") == Some("0")
                || message.as_deref().is_some_and(|m| m.contains("rate limit"))));
    let kind = match status.as_u16() {
        _ if rate_limited => ErrorKind::RateLimited,
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        // GitHub: "Could not clone: Name already exists on this account".
        422 if declared.errors.exists_is_conflict
            && message
                .as_deref()
                .is_some_and(|m| m.contains("already exists")) =>
        {
            ErrorKind::Conflict
        }
        408 | 500..=599 => ErrorKind::Transient,
        300..=399 => ErrorKind::Moved,
        _ => ErrorKind::Invalid,
    };
    // A refusal that names no wait (GitHub's secondary limit): its declared one.
    if kind == ErrorKind::RateLimited && retry.is_none() {
        retry = declared.rates.unsaid_wait;
    }
    let message = message.unwrap_or_else(|| status.canonical_reason().unwrap_or("fel").to_string());
    ProviderError {
        provider,
        kind,
        status: Some(status.as_u16()),
        code,
        message: super::error::shown(&message),
        retry_after: retry,
        request_id: request_id(headers),
        timed_out: false,
        unanswered: false,
    }
}

#[cfg(test)]
pub(crate) mod tests;
