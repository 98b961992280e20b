//! The one retry policy of every provider call: exponential backoff with jitter, bounded,
//! honouring the wait a provider asks for. The engine's steps, their compensations and the
//! readers outside a run (usage, delivery) all retry by it.

use std::time::Duration;

use rand::Rng;

use super::ProviderError;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Attempts when the provider says "too many requests": waiting is the cure, so more.
    pub max_rate_limited_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A provider asking for a longer wait than this is treated as a failure to report, not
    /// something to sit through (e.g. GitHub's hourly limit).
    pub max_honoured_wait: Duration,
    /// After a timed-out call the request may still be executing at the provider; waiting this
    /// long (the call timeout) lets a late create land, so the retry's lookup adopts it instead
    /// of creating a second one.
    pub after_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            max_rate_limited_attempts: 30,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_honoured_wait: Duration::from_secs(15 * 60),
            after_timeout: crate::providers::http::CALL_TIMEOUT,
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1`, or `None` when the error is permanent or the
    /// attempts are used up.
    pub fn delay(&self, attempt: u32, err: &ProviderError) -> Option<Duration> {
        let bound = if err.kind == crate::providers::ErrorKind::RateLimited {
            self.max_rate_limited_attempts
        } else {
            self.max_attempts
        };
        if !err.is_retryable() || attempt >= bound {
            return None;
        }
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.max_delay);
        // Full jitter on the upper half spreads out clients that failed together.
        let mut jittered = exp.mul_f64(rand::rng().random_range(0.5..=1.0));
        if err.timed_out {
            jittered = jittered.max(self.after_timeout);
        }
        match err.retry_after {
            Some(wait) if wait > self.max_honoured_wait => None,
            Some(wait) => Some(wait.max(jittered)),
            None => Some(jittered),
        }
    }
}

impl RetryPolicy {
    /// `op` until it succeeds, fails for good, or the attempts are used up, waiting as
    /// `delay` says in between (for calls outside a step, which has its own loop).
    pub async fn retry<T, F, Fut>(&self, mut op: F) -> Result<T, ProviderError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ProviderError>>,
    {
        let mut attempt = 1;
        loop {
            match op().await {
                Ok(v) => return Ok(v),
                Err(e) => match self.delay(attempt, &e) {
                    Some(wait) => tokio::time::sleep(wait).await,
                    None => return Err(e),
                },
            }
            attempt += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ErrorKind;
    use crate::secrets::Provider;

    fn err(kind: ErrorKind, retry_after: Option<u64>) -> ProviderError {
        let mut e = ProviderError::new(Provider::Vercel, kind, "x");
        e.retry_after = retry_after.map(Duration::from_secs);
        e
    }

    #[test]
    fn backs_off_exponentially_within_bounds() {
        let p = RetryPolicy::default();
        let d1 = p.delay(1, &err(ErrorKind::Transient, None)).unwrap();
        let d4 = p.delay(4, &err(ErrorKind::Transient, None)).unwrap();
        assert!(
            d1 >= Duration::from_millis(250) && d1 <= Duration::from_millis(500),
            "{d1:?}"
        );
        assert!(
            d4 >= Duration::from_secs(2) && d4 <= Duration::from_secs(4),
            "{d4:?}"
        );
        assert!(
            p.delay(30, &err(ErrorKind::Transient, None)).is_none(),
            "bounded"
        );
        for a in 1..p.max_attempts {
            assert!(p.delay(a, &err(ErrorKind::Transient, None)).unwrap() <= p.max_delay);
        }
    }

    #[test]
    fn honours_retry_after_and_gives_up_on_permanent_errors() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, &err(ErrorKind::RateLimited, Some(7))),
            Some(Duration::from_secs(7))
        );
        assert!(
            p.delay(1, &err(ErrorKind::RateLimited, Some(3600)))
                .is_none(),
            "an hour is reported, not waited"
        );
        assert!(p.delay(1, &err(ErrorKind::Invalid, None)).is_none());
        assert!(p.delay(1, &err(ErrorKind::Unauthorized, None)).is_none());
    }

    /// A provider's enormous wait (already clamped, or not) never overflows the policy.
    #[test]
    fn huge_waits_are_reported_not_waited() {
        let r = RetryPolicy::default();
        let mut e = err(ErrorKind::RateLimited, None);
        e.retry_after = Some(Duration::MAX);
        assert_eq!(r.delay(1, &e), None, "reported, not waited");
    }
}
