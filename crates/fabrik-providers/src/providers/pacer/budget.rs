//! One bucket's budget: counted here from the documented limit until the provider's headers
//! describe it, emptied by a refusal until the wait it asked for.

use std::time::Duration;

// tokio's clock: real time in the app, paused and advanced by hand in tests.
use tokio::time::Instant;

use super::headers::RateHeaders;
use crate::provider::{Limit, Reset};
use crate::secrets::Provider;

/// Added to resets given as epoch seconds: the provider's window may end up to a second after
/// the whole second it names.
pub(super) const EPOCH_SLACK: Duration = Duration::from_secs(1);

/// Added to a window this side estimates (no header yet): the provider's window opened when
/// its first request arrived, a little after ours left.
const ESTIMATE_SLACK: Duration = Duration::from_millis(250);

#[derive(Debug)]
pub(super) struct Budget {
    /// `None`: nothing documented and no header seen yet, so not paced.
    limit: Option<u32>,
    /// The provider's headers have described this budget (otherwise it is counted here, from
    /// the documented limit).
    pub(super) reported: bool,
    window: Duration,
    remaining: u32,
    /// When the current window ends and the budget is whole again.
    reset_at: Instant,
}

impl Budget {
    pub(super) fn new(limit: Option<Limit>, now: Instant) -> Budget {
        Budget {
            limit: limit.map(|l| l.requests),
            reported: false,
            window: limit.map_or(Duration::from_secs(60), |l| l.window),
            remaining: limit.map_or(0, |l| l.requests),
            reset_at: now,
        }
    }

    /// Takes one request from the budget, or says how long until there is one.
    pub(super) fn take(&mut self, now: Instant) -> Option<Duration> {
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

    /// Takes in an answer's rate-limit headers. True when the window now ends sooner than the
    /// budget had it (a wait for it may be cut short).
    pub(super) fn learn(&mut self, provider: Provider, seen: RateHeaders, now: Instant) -> bool {
        if let Some(limit) = seen.limit.filter(|l| *l > 0) {
            self.limit = Some(limit);
        }
        let (Some(remaining), Some(reset_in)) = (seen.remaining, seen.reset_in) else {
            return false;
        };
        self.reported = true;
        let slack = match provider.declared().rates.reset {
            Reset::Epoch => EPOCH_SLACK,
            Reset::SecondsLeft => Duration::ZERO,
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
        let sooner = reset_at < self.reset_at;
        self.reset_at = reset_at;
        sooner
    }

    /// What is left now: the whole limit once the window has ended.
    pub(super) fn left(&self, now: Instant) -> Option<(u32, u32, Duration)> {
        let limit = self.limit?;
        if now >= self.reset_at {
            return Some((limit, limit, Duration::ZERO));
        }
        Some((limit, self.remaining.min(limit), self.reset_at - now))
    }

    /// A refusal: nothing more until the wait it asked for, which may be shorter than the
    /// window its headers describe (a brief overload is not a spent budget).
    pub(super) fn exhaust(&mut self, wait: Duration, now: Instant) {
        self.remaining = 0;
        self.reset_at = now + wait;
    }
}
