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

use super::error::{ErrorKind, ProviderError};
use crate::secrets::Provider;

/// The longest a call waits for its turn. Beyond it the call is sent anyway, and the
/// provider's answer (a 429 with its own wait) goes to the retry policy, which decides
/// whether to sit through it or report it.
pub const MAX_WAIT: Duration = Duration::from_secs(90);

/// Added to resets given as epoch seconds: the provider's window may end up to a second after
/// the whole second it names.
const EPOCH_SLACK: Duration = Duration::from_secs(1);

/// Added to a window this side estimates (no header yet): the provider's window opened when
/// its first request arrived, a little after ours left.
const ESTIMATE_SLACK: Duration = Duration::from_millis(250);

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

/// A documented limit: this many requests per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Limit {
    requests: u32,
    window: Duration,
}

const fn per(requests: u32, secs: u64) -> Limit {
    Limit {
        requests,
        window: Duration::from_secs(secs),
    }
}

/// What each provider documents (contracts/README.md, "Rate limits"). Vercel publishes no
/// figure per endpoint; 100 a minute is the common value its answers report.
fn documented(provider: Provider, name: &str) -> Option<Limit> {
    match provider {
        Provider::Supabase => Some(per(120, 60)),
        Provider::Github if name == GITHUB_CONTENT => Some(per(80, 60)),
        Provider::Github if name == GITHUB_CONTENT_HOUR => Some(per(500, 3600)),
        Provider::Github => Some(per(5000, 3600)),
        Provider::Vercel => Some(per(100, 60)),
        Provider::Resend => Some(per(2, 1)),
        // 25 read requests a second in test mode, 100 live (contracts/README.md, "Stripe API"):
        // the lower one, as a poll is a handful of requests either way.
        Provider::Stripe => Some(per(25, 1)),
        // Neither documents a rate limit (Gitea's is off unless its admin turns it on).
        Provider::N8n | Provider::Gitea => None,
    }
}

const GITHUB_CORE: &str = "core";
/// GitHub's secondary limits on content-generating requests (a repository, a commit).
const GITHUB_CONTENT: &str = "content";
const GITHUB_CONTENT_HOUR: &str = "content per hour";

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
    match provider {
        // Per scope (the project or organization the path names) and endpoint.
        Provider::Supabase => vec![b(format!("{method} {path}"))],
        // Per token and endpoint.
        Provider::Vercel => vec![b(format!("{method} {}", endpoint(path)))],
        // Every write may count as content-generating (a minute's and an hour's budget): GitHub
        // does not list which do, and a ref moved (PATCH) or a repository deleted is a change.
        Provider::Github if *method != Method::GET && *method != Method::HEAD => vec![
            b(GITHUB_CORE.into()),
            b(GITHUB_CONTENT.into()),
            b(GITHUB_CONTENT_HOUR.into()),
        ],
        Provider::Github => vec![b(GITHUB_CORE.into())],
        // Per team.
        Provider::Resend => vec![b("team".into())],
        Provider::Stripe => vec![b("account".into())],
        Provider::N8n | Provider::Gitea => Vec::new(),
    }
}

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
    let prefix = if provider == Provider::Resend {
        "ratelimit-"
    } else {
        "x-ratelimit-"
    };
    let num = |name: &str| {
        h.get(format!("{prefix}{name}"))
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let reset_in = num("reset").map(|r| match provider {
        Provider::Github | Provider::Vercel => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            Duration::from_secs(r.saturating_sub(now))
        }
        _ => Duration::from_secs(r.min(u64::from(u32::MAX))),
    });
    RateHeaders {
        limit: num("limit").map(|v| v.min(u64::from(u32::MAX)) as u32),
        remaining: num("remaining").map(|v| v.min(u64::from(u32::MAX)) as u32),
        reset_in,
    }
}

#[derive(Debug)]
struct Budget {
    /// `None`: nothing documented and no header seen yet, so not paced.
    limit: Option<u32>,
    /// The provider's headers have described this budget (otherwise it is counted here, from
    /// the documented limit).
    reported: bool,
    window: Duration,
    remaining: u32,
    /// When the current window ends and the budget is whole again.
    reset_at: Instant,
}

impl Budget {
    fn new(limit: Option<Limit>, now: Instant) -> Budget {
        Budget {
            limit: limit.map(|l| l.requests),
            reported: false,
            window: limit.map_or(Duration::from_secs(60), |l| l.window),
            remaining: limit.map_or(0, |l| l.requests),
            reset_at: now,
        }
    }

    /// Takes one request from the budget, or says how long until there is one.
    fn take(&mut self, now: Instant) -> Option<Duration> {
        // No known limit: go.
        let limit = self.limit?;
        if now >= self.reset_at {
            self.remaining = limit;
            self.reset_at = now + self.window + ESTIMATE_SLACK;
        }
        if self.remaining > 0 {
            self.remaining -= 1;
            None
        } else {
            Some(self.reset_at - now)
        }
    }

    fn learn(&mut self, provider: Provider, seen: RateHeaders, now: Instant) {
        if let Some(limit) = seen.limit.filter(|l| *l > 0) {
            self.limit = Some(limit);
        }
        let (Some(remaining), Some(reset_in)) = (seen.remaining, seen.reset_in) else {
            return;
        };
        self.reported = true;
        let slack = match provider {
            Provider::Github | Provider::Vercel => EPOCH_SLACK,
            _ => Duration::ZERO,
        };
        let reset_at = now + reset_in + slack;
        // A reset well after ours is a window we have not counted in yet: its count is the
        // provider's. Otherwise the lower count wins, since answers to calls still in flight
        // arrive out of order.
        if reset_at > self.reset_at + self.window / 2 {
            self.remaining = remaining;
        } else {
            self.remaining = self.remaining.min(remaining);
        }
        self.reset_at = reset_at;
    }

    /// What is left now: the whole limit once the window has ended.
    fn left(&self, now: Instant) -> Option<(u32, u32, Duration)> {
        let limit = self.limit?;
        if now >= self.reset_at {
            return Some((limit, limit, Duration::ZERO));
        }
        Some((limit, self.remaining.min(limit), self.reset_at - now))
    }

    /// A refusal: nothing more until the wait it asked for, which may be shorter than the
    /// window its headers describe (a brief overload is not a spent budget).
    fn exhaust(&mut self, wait: Duration, now: Instant) {
        self.remaining = 0;
        self.reset_at = now + wait;
    }
}

#[derive(Debug)]
struct Entry {
    /// Calls take their turn in the order they asked (tokio's mutex is fair).
    turn: tokio::sync::Mutex<()>,
    budget: Mutex<Budget>,
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
pub const GITHUB_CONTENT_PER_HOUR: &str = GITHUB_CONTENT_HOUR;

/// The pacer of this process: every client of every run sends through it.
pub fn shared() -> &'static Pacer {
    static SHARED: LazyLock<Pacer> = LazyLock::new(Pacer::default);
    &SHARED
}

impl Pacer {
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
                let wait = lock(&entry.budget).take(Instant::now());
                match wait {
                    None => break,
                    Some(w) if w > MAX_WAIT => break,
                    Some(w) => {
                        tracing::debug!(provider = ?bucket.provider, bucket = %bucket.name, wait_ms = w.as_millis() as u64, "paced");
                        sleep_unless_cancelled(bucket.provider, w).await?;
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
        if first.provider == Provider::Github {
            let expires = headers
                .get(GITHUB_TOKEN_EXPIRATION)
                .and_then(|v| v.to_str().ok())
                .and_then(token_expiry);
            if let Some(at) = expires {
                lock(&self.expiry).insert(first.account, at);
            }
        }
        let now = Instant::now();
        let seen = rate_headers(first.provider, headers);
        lock(&self.entry(first).budget).learn(first.provider, seen, now);
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

/// The header GitHub names a token's expiry in (fine-grained and expiring classic tokens).
pub const GITHUB_TOKEN_EXPIRATION: &str = "github-authentication-token-expiration";

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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

async fn sleep_unless_cancelled(provider: Provider, d: Duration) -> Result<(), ProviderError> {
    let cancel = CANCEL.try_with(CancellationToken::clone).ok();
    match cancel {
        Some(c) => tokio::select! {
            _ = c.cancelled() => Err(ProviderError::new(
                provider,
                ErrorKind::Transient,
                "cancelled while waiting for the provider's rate limit",
            )),
            _ = tokio::time::sleep(d) => Ok(()),
        },
        None => {
            tokio::time::sleep(d).await;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::http::tests::headers;

    #[test]
    fn endpoints_name_the_route_not_the_resource() {
        assert_eq!(endpoint("/v13/deployments/dpl_1"), "/v13/deployments/{}");
        assert_eq!(endpoint("/v13/deployments"), "/v13/deployments");
        assert_eq!(endpoint("/v10/projects/prj_1/env"), "/v10/projects/{}/env");
        assert_eq!(
            endpoint("/v10/projects/prj_1/promote/dpl_2"),
            "/v10/projects/{}/promote/{}"
        );
        let a = account("api.vercel.com", b"t");
        let one = buckets(Provider::Vercel, a, &Method::GET, "/v13/deployments/dpl_1");
        let two = buckets(Provider::Vercel, a, &Method::GET, "/v13/deployments/dpl_2");
        assert_eq!(one, two, "Vercel counts per endpoint");
        let p1 = buckets(Provider::Supabase, a, &Method::GET, "/v1/projects/a");
        let p2 = buckets(Provider::Supabase, a, &Method::GET, "/v1/projects/b");
        assert_ne!(p1, p2, "Supabase counts per project");
        assert_eq!(
            buckets(Provider::Github, a, &Method::PUT, "").len(),
            3,
            "a GitHub commit spends the hourly budget and the content-creation minute and hour"
        );
        assert_eq!(buckets(Provider::Github, a, &Method::PATCH, "").len(), 3);
        assert_eq!(buckets(Provider::Github, a, &Method::GET, "").len(), 1);
        assert_ne!(
            account("api.vercel.com", b"t"),
            account("api.vercel.com", b"u"),
            "each token has its own budget"
        );
    }

    #[test]
    fn reads_each_providers_reset_units() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let at = (now + 30).to_string();
        let v = rate_headers(
            Provider::Vercel,
            &headers(&[
                ("x-ratelimit-limit", "100"),
                ("x-ratelimit-remaining", "7"),
                ("x-ratelimit-reset", &at),
            ]),
        );
        assert_eq!((v.limit, v.remaining), (Some(100), Some(7)));
        let r = v.reset_in.unwrap().as_secs();
        assert!((29..=30).contains(&r), "{r}");
        let s = rate_headers(
            Provider::Resend,
            &headers(&[("ratelimit-remaining", "0"), ("ratelimit-reset", "1")]),
        );
        assert_eq!(s.reset_in, Some(Duration::from_secs(1)));
        assert_eq!(s.remaining, Some(0));
        let huge = rate_headers(
            Provider::Supabase,
            &headers(&[("x-ratelimit-reset", "18446744073709551615")]),
        );
        assert!(huge.reset_in.is_some(), "a hostile number does not panic");
    }

    #[test]
    fn a_budget_is_spent_then_waits_for_its_window() {
        let t0 = Instant::now();
        let mut b = Budget::new(Some(per(2, 1)), t0);
        assert_eq!(b.take(t0), None);
        assert_eq!(b.take(t0), None);
        let wait = b.take(t0).expect("the third waits");
        assert!(wait >= Duration::from_secs(1), "{wait:?}");
        assert_eq!(b.take(t0 + wait), None, "the next window has room");
    }

    #[test]
    fn headers_lower_the_budget_and_a_refusal_empties_it() {
        let t0 = Instant::now();
        let mut b = Budget::new(Some(per(100, 60)), t0);
        assert_eq!(b.take(t0), None);
        b.learn(
            Provider::Supabase,
            RateHeaders {
                limit: Some(120),
                remaining: Some(1),
                reset_in: Some(Duration::from_secs(30)),
            },
            t0,
        );
        assert_eq!(b.take(t0), None);
        assert!(b.take(t0).is_some(), "the provider's count wins");
        let mut c = Budget::new(Some(per(100, 60)), t0);
        c.exhaust(Duration::from_secs(5), t0);
        let wait = c.take(t0).expect("a 429 stops the bucket");
        assert!(wait >= Duration::from_secs(5) - Duration::from_millis(1));
    }

    /// A 429 asking for one second, on an answer whose headers describe a minute's window
    /// with room left, stops the bucket for that second, not for the minute.
    #[test]
    fn a_refusal_waits_as_long_as_it_asks() {
        let t0 = Instant::now();
        let mut b = Budget::new(Some(per(120, 60)), t0);
        assert_eq!(b.take(t0), None);
        b.learn(
            Provider::Supabase,
            RateHeaders {
                limit: Some(120),
                remaining: Some(118),
                reset_in: Some(Duration::from_secs(60)),
            },
            t0,
        );
        b.exhaust(Duration::from_secs(1), t0);
        let wait = b.take(t0).expect("stopped");
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
        assert_eq!(b.take(t0 + Duration::from_secs(1)), None);
    }

    #[test]
    fn unknown_limits_are_not_paced_until_a_header_names_one() {
        let t0 = Instant::now();
        let mut b = Budget::new(None, t0);
        for _ in 0..1000 {
            assert_eq!(b.take(t0), None);
        }
        b.learn(
            Provider::N8n,
            RateHeaders {
                limit: Some(1),
                remaining: Some(0),
                reset_in: Some(Duration::from_secs(10)),
            },
            t0,
        );
        assert!(b.take(t0).is_some());
    }

    /// A call waiting for its turn stops as soon as its run is cancelled, and a turn
    /// further away than `MAX_WAIT` is not waited for at all.
    #[tokio::test(start_paused = true)]
    async fn a_turn_is_not_waited_when_cancelled_or_too_far() {
        let pacer = Pacer::default();
        let bucket = buckets(Provider::Resend, 2, &Method::POST, "/emails");
        let started = Instant::now();
        lock(&pacer.entry(&bucket[0]).budget).exhaust(Duration::from_secs(30), started);
        let cancel = CancellationToken::new();
        cancel.cancel();
        let waited = CANCEL.scope(cancel, pacer.acquire(&bucket)).await;
        assert!(waited.is_err(), "a cancelled run does not wait its turn");
        assert!(started.elapsed() < Duration::from_secs(1));

        lock(&pacer.entry(&bucket[0]).budget).exhaust(MAX_WAIT * 2, started);
        pacer.acquire(&bucket).await.unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the provider's answer decides instead"
        );
    }

    /// Fifty callers on a 2-a-second budget go two per window, in turn, and none is refused.
    #[tokio::test(start_paused = true)]
    async fn many_callers_share_one_budget_in_turn() {
        let pacer = Arc::new(Pacer::default());
        let bucket = buckets(Provider::Resend, 1, &Method::POST, "/emails");
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let (pacer, bucket) = (pacer.clone(), bucket.clone());
            tasks.spawn(async move {
                pacer.acquire(&bucket).await.unwrap();
                started.elapsed()
            });
        }
        let mut times = Vec::new();
        while let Some(t) = tasks.join_next().await {
            times.push(t.unwrap());
        }
        times.sort();
        // Two per window: the 9th and 10th go in the fifth window.
        assert!(times[1] < Duration::from_millis(10), "{times:?}");
        assert!(times[2] >= Duration::from_secs(1), "{times:?}");
        assert!(times[9] >= Duration::from_secs(4), "{times:?}");
        assert!(times[9] < Duration::from_secs(6), "{times:?}");
    }
}
