//! Injected faults: make matching requests fail, hang, drop the connection, or end badly.

use serde::{Deserialize, Serialize};

/// What a test posts to `POST /__sim/faults`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// HTTP method to match; absent = any.
    #[serde(default)]
    pub method: Option<String>,
    /// Full simulator path (`/vercel/v10/projects`); `*` matches one segment.
    pub path: String,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub delay_ms: Option<u64>,
    #[serde(default)]
    pub drop: Option<bool>,
    /// The request is carried out, and then its answer is lost (the connection drops): what a
    /// timeout or a broken connection leaves a client with for real, the outcome unknown.
    #[serde(default)]
    pub lose_answer: Option<bool>,
    /// `INIT_FAILED` (Supabase project creation), `ERROR` (Vercel deployment),
    /// `ENV_ITEM_BUSY` / `ENV_ITEM_REJECTED` (the first item of a Vercel env batch fails inside
    /// the 201: transiently, or for good), `UNHEALTHY` (Supabase service health: the first
    /// service asked for reports `UNHEALTHY`).
    #[serde(default)]
    pub outcome: Option<String>,
    /// Apply to the next N matching calls only.
    #[serde(default)]
    pub times: Option<u32>,
    /// Apply to every K-th matching call (the K-th, 2K-th, ...).
    #[serde(default)]
    pub one_in: Option<u32>,
    /// Seconds for a `Retry-After` header (with `status`).
    #[serde(default)]
    pub retry_after: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fault {
    pub id: String,
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Matching requests seen.
    pub matched: u64,
    /// Times the fault was applied.
    pub applied: u64,
}

/// The outcomes a handler knows how to produce.
pub const OUTCOMES: [&str; 6] = [
    "INIT_FAILED",
    "ERROR",
    "ENV_ITEM_BUSY",
    "ENV_ITEM_REJECTED",
    "UNHEALTHY",
    "ANALYTICS_ERROR",
];

/// What the middleware does with a request.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultAction {
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    Delay(u64),
    Drop,
    LoseAnswer,
    Outcome(String),
}

/// Marker put in request extensions for handlers that honour `outcome` faults.
#[derive(Debug, Clone)]
pub struct FaultOutcome(pub String);

#[derive(Debug, Default)]
pub struct FaultSet {
    faults: Vec<Fault>,
    next_id: u64,
}

impl FaultSpec {
    /// Checks that exactly one effect is given and values make sense.
    pub fn validate(&self) -> Result<(), String> {
        let effects = [
            self.status.is_some(),
            self.delay_ms.is_some(),
            self.drop == Some(true),
            self.lose_answer == Some(true),
            self.outcome.is_some(),
        ];
        if effects.iter().filter(|e| **e).count() != 1 {
            return Err(
                "give exactly one of status, delay_ms, drop: true, lose_answer: true, outcome"
                    .into(),
            );
        }
        if let Some(s) = self.status {
            if !(100..=599).contains(&s) {
                return Err("status must be 100..=599".into());
            }
        }
        if let Some(o) = &self.outcome {
            if !OUTCOMES.contains(&o.as_str()) {
                return Err(format!("outcome must be one of {}", OUTCOMES.join(", ")));
            }
        }
        if self.one_in == Some(0) {
            return Err("one_in must be at least 1".into());
        }
        if !self.path.starts_with('/') {
            return Err("path must be the full simulator path, starting with /".into());
        }
        Ok(())
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        if let Some(m) = &self.method {
            if !m.eq_ignore_ascii_case(method) {
                return false;
            }
        }
        let pat: Vec<&str> = self.path.trim_end_matches('/').split('/').collect();
        let got: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        pat.len() == got.len() && pat.iter().zip(&got).all(|(p, g)| *p == "*" || p == g)
    }

    fn action(&self) -> FaultAction {
        if let Some(status) = self.status {
            FaultAction::Status {
                status,
                retry_after: self.retry_after,
            }
        } else if let Some(ms) = self.delay_ms {
            FaultAction::Delay(ms)
        } else if self.drop == Some(true) {
            FaultAction::Drop
        } else if self.lose_answer == Some(true) {
            FaultAction::LoseAnswer
        } else {
            FaultAction::Outcome(self.outcome.clone().unwrap_or_default())
        }
    }
}

impl FaultSet {
    pub fn add(&mut self, spec: FaultSpec) -> Fault {
        self.next_id += 1;
        let f = Fault {
            id: format!("fault_{}", self.next_id),
            spec,
            matched: 0,
            applied: 0,
        };
        self.faults.push(f.clone());
        f
    }

    pub fn list(&self) -> Vec<Fault> {
        self.faults.clone()
    }

    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.faults.len();
        self.faults.retain(|f| f.id != id);
        before != self.faults.len()
    }

    pub fn clear(&mut self) {
        self.faults.clear();
    }

    /// The action of the first fault that matches and fires on this call (first added wins).
    pub fn check(&mut self, method: &str, path: &str) -> Option<FaultAction> {
        for f in &mut self.faults {
            if !f.spec.matches(method, path) {
                continue;
            }
            if let Some(times) = f.spec.times {
                if f.applied >= times as u64 {
                    continue;
                }
            }
            f.matched += 1;
            if let Some(k) = f.spec.one_in {
                if f.matched % k as u64 != 0 {
                    continue;
                }
            }
            f.applied += 1;
            return Some(f.spec.action());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(path: &str) -> FaultSpec {
        FaultSpec {
            method: Some("POST".into()),
            path: path.into(),
            status: Some(500),
            delay_ms: None,
            drop: None,
            lose_answer: None,
            outcome: None,
            times: None,
            one_in: None,
            retry_after: None,
        }
    }

    #[test]
    fn wildcard_times_and_one_in() {
        let mut set = FaultSet::default();
        set.add(FaultSpec {
            times: Some(1),
            ..spec("/vercel/v10/projects/*/env")
        });
        assert!(set.check("GET", "/vercel/v10/projects/p/env").is_none());
        assert!(set.check("POST", "/vercel/v10/projects/p/env").is_some());
        assert!(set.check("POST", "/vercel/v10/projects/p/env").is_none());
        set.clear();
        set.add(FaultSpec {
            one_in: Some(2),
            ..spec("/x")
        });
        assert!(set.check("POST", "/x").is_none());
        assert!(set.check("POST", "/x").is_some());
        assert!(set.check("POST", "/x").is_none());
    }
}
