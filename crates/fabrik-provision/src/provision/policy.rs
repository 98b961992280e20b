//! The polling policy of the engine: polling that starts fast and is capped, and waits as long
//! as the state took before. The retry policy is the providers' (`providers::retry`).

use std::time::Duration;

use crate::environment::Environment;
use crate::providers::retry::RetryPolicy;

#[derive(Debug, Clone)]
pub struct PollPolicy {
    pub first: Duration,
    pub factor: f64,
    pub cap: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            first: Duration::from_millis(1000),
            factor: 1.5,
            cap: Duration::from_secs(10),
        }
    }
}

impl PollPolicy {
    pub fn next(&self, current: Duration) -> Duration {
        // Checked: a provider-supplied wait can be arbitrarily large, and an overflow would panic.
        Duration::try_from_secs_f64(current.as_secs_f64() * self.factor)
            .unwrap_or(self.cap)
            .min(self.cap)
    }

    /// The pause before the first check and the pause after the first "not yet". Without an
    /// estimate: check at once, then from `first`. With one: check when the change is due,
    /// then in small steps (a twentieth of it), which grow as `next` says if it is late.
    pub fn schedule(&self, expected: Option<Duration>) -> (Duration, Duration) {
        match expected {
            None => (Duration::ZERO, self.first),
            Some(e) => (e, (e / 20).clamp(Duration::from_millis(50), self.cap)),
        }
    }
}

/// How far an estimate moves down after a wait found by its first call. An early check puts it
/// where the change was seen, at most one small step (a twentieth) late, so its margin is
/// about 2.5 % of the wait: a probe of one percent a run (issue #38) spent a second call on
/// nearly every third wait of each kind, and a new process's first run, reading estimates
/// that had come down for two runs, asked early twice (issue #60). A quarter percent spends
/// one about every eleventh and still follows a provider that became 10 % faster in 40 runs.
pub const PROBE: f64 = 0.0025;

/// How long each kind of wait has taken in this process, so that polling waits about as long
/// as the provider's state takes to change instead of asking at a fixed pace: a run needs
/// fewer calls, and in a bulk run the polls leave the budget to the creates. Kept per
/// environment: production's accounts and the sandbox's simulator take very different times.
#[derive(Debug, Default)]
pub struct Observed {
    /// Milliseconds by `environment/kind`, kept in the seat's folder (`seat_files::keep_in`): every
    /// CLI command is a process of its own, and without them its first wait of each kind
    /// polls blind.
    estimates: super::kept::Kept<u64>,
}

/// The record every run of this process learns from and adds to.
pub fn observed() -> &'static Observed {
    static SHARED: std::sync::LazyLock<Observed> = std::sync::LazyLock::new(Observed::default);
    &SHARED
}

fn key(env: Environment, what: &str) -> String {
    format!("{env}/{what}")
}

impl Observed {
    /// Reads the estimates an earlier process kept in `file` (this seat's own folder) and
    /// keeps every new one there. A missing or unreadable file is a start from nothing.
    pub fn keep_in(&self, file: &std::path::Path) {
        self.estimates.keep_in(file);
    }

    /// Forgets what this process saw and where it kept it, as a new process starts (benches).
    #[doc(hidden)]
    pub fn forget(&self) {
        self.estimates.forget();
    }

    /// How long a wait of this kind is expected to take, once one has been seen.
    pub fn expected(&self, env: Environment, what: &str) -> Option<Duration> {
        self.estimates
            .get(&key(env, what))
            .map(Duration::from_millis)
    }

    /// One finished wait: the state changed after `pending` (the last check that said "not
    /// yet", if any) and by `ready`.
    ///
    /// Asked too early: the next estimate is `ready`, where the state had surely changed, so a
    /// wait that takes as long as last time is found by one call (after a blind first wait it
    /// lies up to one of its coarse steps late; each hit then brings it closer). Found by the
    /// first call: the change came at some point before, so the estimate moves down by
    /// `PROBE` each time and a provider that became faster is noticed, at the price of a
    /// second call now and then. Calls are what a bulk run is short of (the rate limits),
    /// so a few hundred milliseconds late is the better error than a second call.
    pub fn record(&self, env: Environment, what: &str, pending: Option<Duration>, ready: Duration) {
        self.estimates.update(key(env, what), |old| {
            let estimate = match (pending, old) {
                (Some(_), _) => ready,
                (None, Some(&old)) => Duration::from_millis(old).min(ready).mul_f64(1.0 - PROBE),
                (None, None) => ready.mul_f64(1.0 - PROBE),
            };
            estimate.as_millis() as u64
        });
    }
}

/// Everything about timing a run, in one place so tests can shrink it.
#[derive(Debug, Clone)]
pub struct Timing {
    pub retry: RetryPolicy,
    pub poll: PollPolicy,
    /// Ceiling for a Supabase project to become ACTIVE_HEALTHY.
    pub supabase_ready: Duration,
    /// Ceiling for a new repository's contents to appear.
    pub repo_contents: Duration,
    /// Ceiling for a deployment to finish (Vercel caps builds at 45 minutes).
    pub deployment: Duration,
    /// Ceiling for a custom domain's DNS to be set and verified: the customer sets it by
    /// hand, often days later (the user can stop waiting sooner; the run resumes).
    pub domain_verification: Duration,
    /// Per-request timeout of every provider call.
    pub call_timeout: Duration,
    /// Run one step at a time (benchmarks compare it with the concurrent DAG).
    pub sequential: bool,
    /// How long a run's heartbeat may be silent before another seat may take the run over.
    pub lease: Duration,
    /// How often the driver renews its lease (a failed beat is tried again at once).
    pub heartbeat: Duration,
}

/// How often a driving process says it is alive, and when silence means it is gone
/// (`Timing::heartbeat`, `Timing::lease`). Sized for real networks, not a test machine: a seat
/// on hotel Wi-Fi, or a shared database that stalls for a while, misses a few beats and keeps
/// its run; a dead seat's run waits under a minute to be taken over.
pub const HEARTBEAT: Duration = Duration::from_secs(10);
pub const STALE_AFTER: Duration = Duration::from_secs(45);

impl Default for Timing {
    fn default() -> Self {
        Timing {
            retry: RetryPolicy::default(),
            poll: PollPolicy::default(),
            supabase_ready: Duration::from_secs(15 * 60),
            repo_contents: Duration::from_secs(120),
            deployment: Duration::from_secs(45 * 60),
            domain_verification: Duration::from_secs(72 * 3600),
            call_timeout: crate::providers::http::CALL_TIMEOUT,
            sequential: false,
            lease: STALE_AFTER,
            heartbeat: HEARTBEAT,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What one process observed, the next one reads: kept per environment and kind, and a
    /// file that is missing or not ours is a start from nothing.
    #[test]
    fn the_waits_seen_are_kept_for_the_next_process() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("waits.json");
        let first = Observed::default();
        first.keep_in(&file);
        first.record(
            Environment::Sandbox,
            "project",
            None,
            Duration::from_secs(10),
        );
        first.record(
            Environment::Production,
            "project",
            None,
            Duration::from_secs(100),
        );
        let next = Observed::default();
        assert_eq!(next.expected(Environment::Sandbox, "project"), None);
        next.keep_in(&file);
        // Kept to the millisecond.
        let kept = |d: Duration| {
            Some(Duration::from_millis(
                d.mul_f64(1.0 - PROBE).as_millis() as u64
            ))
        };
        assert_eq!(
            next.expected(Environment::Sandbox, "project"),
            kept(Duration::from_secs(10))
        );
        assert_eq!(
            next.expected(Environment::Production, "project"),
            kept(Duration::from_secs(100))
        );
        std::fs::write(&file, b"not json").unwrap();
        let fresh = Observed::default();
        fresh.keep_in(&file);
        assert_eq!(fresh.expected(Environment::Sandbox, "project"), None);
    }

    /// A provider's enormous wait never overflows the polling.
    #[test]
    fn huge_waits_never_overflow() {
        let p = PollPolicy::default();
        assert_eq!(p.next(Duration::MAX), p.cap);
        assert_eq!(p.next(Duration::from_secs(u64::MAX / 2)), p.cap);
    }

    /// The estimate follows what waits take, from above and from below, and shapes the
    /// schedule: the first check when the change is due, then a twentieth of it.
    #[test]
    fn polling_waits_about_as_long_as_the_state_takes() {
        use Environment::Sandbox as S;
        let o = Observed::default();
        let p = PollPolicy::default();
        assert_eq!(p.schedule(o.expected(S, "x")), (Duration::ZERO, p.first));
        // Asked too early: next time at the moment it was seen ready.
        o.record(
            S,
            "x",
            Some(Duration::from_secs(8)),
            Duration::from_secs(10),
        );
        assert_eq!(o.expected(S, "x"), Some(Duration::from_secs(10)));
        let (first, then) = p.schedule(o.expected(S, "x"));
        assert_eq!(first, Duration::from_secs(10));
        assert_eq!(then, Duration::from_millis(500));
        // Ready at the first check: the next estimate is lower, so it keeps probing.
        o.record(S, "x", None, Duration::from_secs(10));
        assert!(o.expected(S, "x").unwrap() < Duration::from_secs(10));
        // A slower day pulls it up.
        o.record(
            S,
            "x",
            Some(Duration::from_secs(20)),
            Duration::from_secs(22),
        );
        assert!(o.expected(S, "x").unwrap() > Duration::from_secs(14));
        assert_eq!(o.expected(S, "other"), None, "kinds are kept apart");
        assert_eq!(
            o.expected(Environment::Production, "x"),
            None,
            "environments are kept apart"
        );
    }

    /// A wait that takes as long every time costs one call a run once it has been seen
    /// (issue #38: the estimate climbed by an eighth of a step after each early check and fell
    /// back after each hit, so nearly every wait asked twice), and now and then two, as the
    /// estimate probes for a faster provider.
    #[test]
    fn a_steady_wait_is_found_by_one_call() {
        let o = Observed::default();
        let p = PollPolicy::default();
        let truth = Duration::from_secs(9);
        let mut calls = Vec::new();
        for _ in 0..40 {
            let (first, mut step) = p.schedule(o.expected(Environment::Sandbox, "x"));
            let (mut at, mut pending, mut n) = (first, None, 1);
            while at < truth {
                pending = Some(at);
                at += step;
                step = p.next(step);
                n += 1;
            }
            o.record(Environment::Sandbox, "x", pending, at);
            calls.push(n);
        }
        let warm: usize = calls[1..].iter().sum();
        assert!(
            warm * 10 <= 39 * 13,
            "{warm} calls in 39 informed waits: {calls:?}"
        );
        // Blind, the first wait's last step is coarse (4.4 s here): the estimate comes down
        // from that step's end towards the truth.
        let late = o.expected(Environment::Sandbox, "x").unwrap();
        assert!(late < truth.mul_f64(1.4), "coming down: {late:?}");
    }

    /// An estimate set by an early check lies at most a small step (a twentieth) late; the
    /// runs after it, in this process or the next ones reading the kept file, find the change
    /// by one call each rather than probing below it within a few runs (issue #60: with one
    /// percent a run, the third run after a check 2 % late asked early).
    #[test]
    fn an_estimate_a_little_late_holds_for_the_next_runs() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("waits.json");
        let truth = Duration::from_secs(10);
        let p = PollPolicy::default();
        let first = Observed::default();
        first.keep_in(&file);
        first.record(
            Environment::Sandbox,
            "x",
            Some(Duration::from_millis(9_800)),
            Duration::from_millis(10_200),
        );
        for run in 1..=6 {
            // Every run a new process: what it knows is what the file kept.
            let o = Observed::default();
            o.keep_in(&file);
            let (at, _) = p.schedule(o.expected(Environment::Sandbox, "x"));
            assert!(at >= truth, "run {run} asked early, at {at:?}");
            o.record(Environment::Sandbox, "x", None, at);
        }
    }

    #[test]
    fn polling_starts_fast_and_is_capped() {
        let p = PollPolicy::default();
        let mut d = p.first;
        for _ in 0..20 {
            d = p.next(d);
        }
        assert_eq!(d, p.cap);
    }
}
