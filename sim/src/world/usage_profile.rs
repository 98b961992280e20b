//! How a simulated instance is used (`usage.rs` draws its figures from it).

use serde::{Deserialize, Serialize};

/// How a simulated instance is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    Normal,
    /// Used for its first two days, then never again.
    Idle,
    /// Ten to a hundred times a normal instance's traffic.
    Busy,
    /// Its database starts at 480 MB and grows 1 MB a day: past Supabase free's 500 MB in
    /// about three weeks.
    NearLimit,
}

impl Profile {
    pub fn parse(s: &str) -> Option<Profile> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
}
