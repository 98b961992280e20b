//! Fixed-window request counters, keyed by whatever scope each provider uses.

use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: HashMap<String, (i64, u32)>,
}

/// The state of one counter after a request.
#[derive(Debug, Clone, Copy)]
pub struct RateInfo {
    pub limit: u32,
    pub remaining: u32,
    pub used: u32,
    /// Epoch milliseconds when the window resets.
    pub reset_ms: i64,
    pub allowed: bool,
}

impl RateInfo {
    /// Whole seconds until the window resets (at least 1 while a window is running).
    pub fn reset_in_secs(&self, now: i64) -> i64 {
        ((self.reset_ms - now).max(0) + 999) / 1000
    }
}

impl RateLimiter {
    /// Counts one request against `key` (when `count` is true) and reports the window.
    pub fn hit(
        &mut self,
        key: &str,
        limit: u32,
        window_ms: i64,
        now: i64,
        count: bool,
    ) -> RateInfo {
        let entry = self.windows.entry(key.to_string()).or_insert((now, 0));
        if now - entry.0 >= window_ms {
            *entry = (now, 0);
        }
        let allowed = entry.1 < limit;
        if count && allowed {
            entry.1 += 1;
        }
        RateInfo {
            limit,
            remaining: limit.saturating_sub(entry.1),
            used: entry.1,
            reset_ms: entry.0 + window_ms,
            allowed,
        }
    }

    /// Drops one counter: its window starts again with the next request.
    pub fn forget(&mut self, key: &str) {
        self.windows.remove(key);
    }

    pub fn clear(&mut self) {
        self.windows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_blocks_then_resets() {
        let mut r = RateLimiter::default();
        assert!(r.hit("k", 2, 1000, 0, true).allowed);
        let second = r.hit("k", 2, 1000, 10, true);
        assert!(second.allowed);
        assert_eq!(second.remaining, 0);
        assert!(!r.hit("k", 2, 1000, 20, true).allowed);
        assert!(r.hit("k", 2, 1000, 1000, true).allowed);
    }
}
