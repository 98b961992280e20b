//! Client-side pacing: one budget per rate-limit bucket of a provider, shared by every run in
//! the process, so that fifty runs spend a limit in turn instead of colliding on 429s and
//! backing off. A budget starts from the documented limit (contracts/README.md) and then
//! follows the rate-limit headers each answer carries; a 429 empties it until the reset the
//! provider names. Pacing decides only when a call is sent, never whether or what.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

// tokio's clock: real time in the app, paused and advanced by hand in tests.
use tokio::time::Instant;

use reqwest::header::HeaderMap;
use reqwest::Method;
use tokio_util::sync::CancellationToken;

mod budget;
mod headers;

use budget::Budget;
pub use headers::{rate_headers, token_expiry, RateHeaders};

use super::error::{ErrorKind, ProviderError};
use crate::provider::{Counted, Limit};
use crate::secrets::Provider;

/// The longest a call waits for its turn. Beyond it the call is sent anyway, and the
/// provider's answer (a 429 with its own wait) goes to the retry policy, which decides
/// whether to sit through it or report it.
pub const MAX_WAIT: Duration = Duration::from_secs(90);

tokio::task_local! {
    /// The cancellation of the run a call belongs to, so that a call waiting for its turn
    /// stops when the run is cancelled (set by the engine around each step).
    pub static CANCEL: CancellationToken;
    /// The run's fence (set by the engine around each step and each compensation): checked
    /// right before every call that changes something.
    pub static FENCE: std::sync::Arc<dyn Fence>;
}

/// Whether the driver a call is made for still holds its run. Checked after the call's turn
/// came and right before it is sent, the latest moment there is: a driver frozen after its
/// ownership read and thawed after another took the run over makes no change.
pub trait Fence: Send + Sync {
    /// `Err(run id)` once the run is another driver's.
    fn check(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), i64>> + Send + '_>>;
}

/// The fence, for a call that changes something (any method but GET and HEAD) made inside a
/// run; reads and calls outside a run pass.
pub async fn fenced(provider: Provider, method: &Method) -> Result<(), ProviderError> {
    if matches!(*method, Method::GET | Method::HEAD) {
        return Ok(());
    }
    let Ok(fence) = FENCE.try_with(std::sync::Arc::clone) else {
        return Ok(());
    };
    fence
        .check()
        .await
        .map_err(|run| ProviderError::new(provider, ErrorKind::Fenced, run.to_string()))
}

/// A budget the provider counts separately.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Bucket {
    provider: Provider,
    /// Whose budget it is: a keyed hash of the API host and the credential. The credential
    /// itself is never kept here.
    account: u64,
    /// What the provider counts by within the account, e.g. `GET /v13/deployments/{}`.
    name: String,
}

/// The documented limit of a bucket (contracts/README.md, "Rate limits", in the declaration).
fn documented(provider: Provider, name: &str) -> Option<Limit> {
    let rates = &provider.declared().rates;
    rates
        .writes_also
        .iter()
        .find(|b| b.name == name)
        .map(|b| b.limit)
        .or(rates.limit)
}

/// Path segments after which the next segment names a resource, not an endpoint.
const COLLECTIONS: [&str; 7] = [
    "projects",
    "deployments",
    "promote",
    "env",
    "domains",
    "workflows",
    "emails",
];

/// The endpoint a path belongs to: `/v13/deployments/dpl_1` → `/v13/deployments/{}`.
fn endpoint(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut after_collection = false;
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        if after_collection {
            out.push_str("{}");
            after_collection = false;
        } else {
            out.push_str(seg);
            after_collection = COLLECTIONS.contains(&seg);
        }
    }
    out
}

/// Which account a credential at a host is; a keyed hash whose key is random per process.
pub fn account(host: &str, credential: &[u8]) -> u64 {
    static KEY: LazyLock<std::collections::hash_map::RandomState> =
        LazyLock::new(std::collections::hash_map::RandomState::new);
    KEY.hash_one((host, credential))
}

/// The buckets one request spends, the one its rate-limit headers describe first.
pub fn buckets(provider: Provider, account: u64, method: &Method, path: &str) -> Vec<Bucket> {
    let b = |name: String| Bucket {
        provider,
        account,
        name,
    };
    let rates = &provider.declared().rates;
    if rates.not_counted_under.iter().any(|s| path.contains(s)) {
        return Vec::new();
    }
    let first = match rates.counted {
        Counted::PerPath => b(format!("{method} {path}")),
        Counted::PerEndpoint => b(format!("{method} {}", endpoint(path))),
        Counted::Named(name) => b(name.into()),
        Counted::NotPaced => return Vec::new(),
    };
    let write = *method != Method::GET && *method != Method::HEAD;
    let also = rates.writes_also.iter().filter(|_| write);
    std::iter::once(first)
        .chain(also.map(|n| b(n.name.into())))
        .collect()
}

#[derive(Debug)]
struct Entry {
    /// Calls take their turn in the order they asked (tokio's mutex is fair).
    turn: tokio::sync::Mutex<()>,
    budget: Mutex<Budget>,
    /// Told when an answer shows the window ends sooner than the budget thought: the call
    /// waiting its turn reads the budget again instead of sleeping out the old estimate.
    sooner: tokio::sync::Notify,
}

/// The budgets of every bucket seen in this process.
#[derive(Debug, Default)]
pub struct Pacer {
    entries: Mutex<HashMap<Bucket, Arc<Entry>>>,
    /// The account each provider's last answer came for: the one this seat uses now (a
    /// change of environment starts the app again).
    last: Mutex<HashMap<Provider, u64>>,
    /// When a token stops working, as its provider's answers said (GitHub's
    /// `github-authentication-token-expiration`), per account.
    expiry: Mutex<HashMap<u64, chrono::DateTime<chrono::Utc>>>,
}

/// What one budget has left: shown in Inställningar and the status bar, and read by the
/// previews of bulk runs and roll-outs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Left {
    pub provider: Provider,
    /// What the provider counts by (`core`, `content per hour`, `GET /v13/deployments/{}`).
    pub bucket: String,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window ends and the limit is whole again.
    #[ts(type = "number")]
    pub reset_in_secs: u64,
    /// From the provider's own headers; otherwise counted here from the documented limit.
    pub reported: bool,
}

/// The name of GitHub's budget of content-creating requests an hour (a plan limit of runs).
pub const GITHUB_CONTENT_PER_HOUR: &str = crate::provider::GITHUB_CONTENT_HOUR.name;

/// The pacer of this process: every client of every run sends through it.
pub fn shared() -> &'static Pacer {
    static SHARED: LazyLock<Pacer> = LazyLock::new(Pacer::default);
    &SHARED
}

impl Pacer {
    /// Forgets what answers taught: every budget back to its documented limit, as in a new
    /// process. A benchmark calls it after a set-up under lifted limits, whose headers would
    /// otherwise keep pacing the measured part at those limits (a mail an instance relays
    /// through Resend gets no answer of Resend's here to correct them).
    pub fn forget(&self) {
        lock(&self.entries).clear();
        lock(&self.last).clear();
        lock(&self.expiry).clear();
    }

    fn entry(&self, bucket: &Bucket) -> Arc<Entry> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .entry(bucket.clone())
            .or_insert_with(|| {
                Arc::new(Entry {
                    turn: tokio::sync::Mutex::new(()),
                    budget: Mutex::new(Budget::new(
                        documented(bucket.provider, &bucket.name),
                        Instant::now(),
                    )),
                    sooner: tokio::sync::Notify::new(),
                })
            })
            .clone()
    }

    /// Waits until every bucket has a request left, and takes one from each. A wait longer
    /// than `MAX_WAIT` is not taken (the call goes, and the provider's answer decides).
    pub async fn acquire(&self, buckets: &[Bucket]) -> Result<(), ProviderError> {
        for bucket in buckets {
            let entry = self.entry(bucket);
            let _turn = entry.turn.lock().await;
            loop {
                // Listening before the budget is read: an answer that shortens the wait in
                // between is not missed.
                let sooner = entry.sooner.notified();
                tokio::pin!(sooner);
                sooner.as_mut().enable();
                let wait = lock(&entry.budget).take(Instant::now());
                match wait {
                    None => break,
                    Some(w) if w > MAX_WAIT => break,
                    Some(w) => {
                        tracing::debug!(provider = ?bucket.provider, bucket = %bucket.name, wait_ms = w.as_millis() as u64, "paced");
                        sleep_unless_cancelled(bucket.provider, w, sooner).await?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Takes in what an answer says about its buckets: its rate-limit headers describe the
    /// first; a rate-limited answer empties the bucket it names until the wait it asks for.
    pub fn observe(
        &self,
        buckets: &[Bucket],
        status: u16,
        headers: &HeaderMap,
        error: Option<&ProviderError>,
    ) {
        let Some(first) = buckets.first() else {
            return;
        };
        lock(&self.last).insert(first.provider, first.account);
        if let Some(header) = first.provider.declared().rates.token_expiry_header {
            let expires = headers
                .get(header)
                .and_then(|v| v.to_str().ok())
                .and_then(token_expiry);
            if let Some(at) = expires {
                lock(&self.expiry).insert(first.account, at);
            }
        }
        let now = Instant::now();
        let seen = rate_headers(first.provider, headers);
        let entry = self.entry(first);
        if lock(&entry.budget).learn(first.provider, seen, now) {
            entry.sooner.notify_waiters();
        }
        if let Some(e) = error.filter(|e| e.kind == ErrorKind::RateLimited) {
            // Without "remaining 0" a GitHub refusal is its secondary limit, not the hourly one.
            let exhausted_first = seen.remaining == Some(0) || buckets.len() == 1;
            let wait = e
                .retry_after
                .unwrap_or(Duration::from_secs(1))
                .min(MAX_WAIT);
            let named = if exhausted_first {
                &buckets[..1]
            } else {
                &buckets[1..]
            };
            for b in named {
                tracing::info!(provider = ?b.provider, bucket = %b.name, status, wait_ms = wait.as_millis() as u64, "rate limited; the bucket waits");
                lock(&self.entry(b).budget).exhaust(wait, now);
            }
        }
    }
}

impl Pacer {
    /// What the budgets of each provider's current account have left, the tightest first
    /// (the least left of its limit). Only budgets this process has used are known.
    pub fn left(&self) -> Vec<Left> {
        let last = lock(&self.last).clone();
        let entries: Vec<(Bucket, Arc<Entry>)> = lock(&self.entries)
            .iter()
            .map(|(b, e)| (b.clone(), e.clone()))
            .collect();
        let now = Instant::now();
        let mut out: Vec<Left> = entries
            .into_iter()
            .filter(|(b, _)| last.get(&b.provider) == Some(&b.account))
            .filter_map(|(b, e)| {
                let budget = lock(&e.budget);
                let (limit, remaining, reset) = budget.left(now)?;
                Some(Left {
                    provider: b.provider,
                    bucket: b.name,
                    limit,
                    remaining,
                    reset_in_secs: reset.as_secs(),
                    reported: budget.reported,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            let share = |l: &Left| u64::from(l.remaining) * 1000 / u64::from(l.limit.max(1));
            (a.provider.as_str(), share(a), &a.bucket).cmp(&(
                b.provider.as_str(),
                share(b),
                &b.bucket,
            ))
        });
        out
    }

    /// When the provider's current token stops working, when its answers said so.
    pub fn token_expiry(&self, provider: Provider) -> Option<chrono::DateTime<chrono::Utc>> {
        let account = *lock(&self.last).get(&provider)?;
        lock(&self.expiry).get(&account).copied()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Sleeps `d`, or less when the bucket's window turns out to end sooner (`sooner`).
async fn sleep_unless_cancelled(
    provider: Provider,
    d: Duration,
    sooner: std::pin::Pin<&mut tokio::sync::futures::Notified<'_>>,
) -> Result<(), ProviderError> {
    let cancel = CANCEL.try_with(CancellationToken::clone).ok();
    match cancel {
        Some(c) => tokio::select! {
            _ = c.cancelled() => Err(ProviderError::new(
                provider,
                ErrorKind::Transient,
                "cancelled while waiting for the provider's rate limit",
            )),
            _ = tokio::time::sleep(d) => Ok(()),
            _ = sooner => Ok(()),
        },
        None => {
            tokio::select! {
                _ = tokio::time::sleep(d) => {},
                _ = sooner => {},
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests;
