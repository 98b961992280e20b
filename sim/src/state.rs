//! Shared server state: the world behind a lock, plus faults, limits and the request log.

use std::sync::{Mutex, MutexGuard};

use crate::config::{RateLimits, SimConfig, Timings};
use crate::faults::FaultSet;
use crate::persist;
use crate::ratelimit::RateLimiter;
use crate::requestlog::RequestLog;
use crate::sqlexec::PgBackend;
use crate::world::World;

pub struct AppState {
    pub cfg: SimConfig,
    /// Accepted tokens: the configured ones plus any added while running (the desktop
    /// sandbox adds a token the moment the user saves it).
    pub tokens: std::sync::RwLock<crate::config::Tokens>,
    pub timings: Timings,
    pub base_url: String,
    /// Shared with the work a request starts that must end whatever becomes of the request
    /// (an Auth user's row, `supabase_auth::mirror`).
    pub pg: Option<std::sync::Arc<PgBackend>>,
    world: Mutex<World>,
    pub faults: Mutex<FaultSet>,
    pub limiter: Mutex<RateLimiter>,
    /// The request limits in force: `cfg.rate_limits` until a bench lifts them for a set-up it
    /// does not measure (`SimHandle::set_rate_limits`).
    limits: std::sync::RwLock<RateLimits>,
    pub log: Mutex<RequestLog>,
    /// The tokens of the Resend keys made through the API since the simulator started, by key
    /// id: the world keeps only their hashes (a test looks for them where they must not be).
    issued: Mutex<Vec<(String, String)>>,
}

/// Locks ignoring poisoning: a panic in one handler must not take the whole simulator down.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl AppState {
    /// Whether `token` is accepted by the provider whose list `which` picks.
    pub fn accepts(&self, which: fn(&crate::config::Tokens) -> &Vec<String>, token: &str) -> bool {
        let tokens = self.tokens.read().unwrap_or_else(|p| p.into_inner());
        which(&tokens).iter().any(|t| t == token)
    }

    pub fn new(cfg: SimConfig, world: World, pg: Option<PgBackend>, base_url: String) -> Self {
        AppState {
            tokens: std::sync::RwLock::new(cfg.tokens.clone()),
            timings: cfg.effective_timings(),
            limits: std::sync::RwLock::new(cfg.rate_limits),
            cfg,
            base_url,
            pg: pg.map(std::sync::Arc::new),
            world: Mutex::new(world),
            faults: Mutex::new(FaultSet::default()),
            limiter: Mutex::new(RateLimiter::default()),
            log: Mutex::new(RequestLog::default()),
            issued: Mutex::new(Vec::new()),
        }
    }

    /// The request limits in force.
    pub fn rate_limits(&self) -> RateLimits {
        *self.limits.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts `limits` in force, every counter starting again with the next request.
    pub fn set_rate_limits(&self, limits: RateLimits) {
        *self.limits.write().unwrap_or_else(|p| p.into_inner()) = limits;
        lock(&self.limiter).clear();
    }

    /// Remembers a Resend key's token, in this process only.
    pub fn issued(&self, key_id: &str, token: &str) {
        lock(&self.issued).push((key_id.to_string(), token.to_string()));
    }

    /// Every Resend key token made since the start, with its key's id.
    pub fn issued_tokens(&self) -> Vec<(String, String)> {
        lock(&self.issued).clone()
    }

    /// Reads the world.
    pub fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        f(&lock(&self.world))
    }

    /// Changes the world and persists it (when a state file is configured).
    pub fn mutate<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        let mut w = lock(&self.world);
        let r = f(&mut w);
        if let Some(path) = &self.cfg.state_file {
            persist::save(path, &w);
        }
        r
    }

    /// Milliseconds of a configured duration.
    pub fn ms(d: std::time::Duration) -> i64 {
        d.as_millis() as i64
    }
}
