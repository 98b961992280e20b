//! What the simulator was asked and answered, kept for the contract check (issue #70).
//!
//! With `FABRIK_CONTRACT_RECORD` naming a folder, every provider exchange (method, path, query,
//! the request's and the answer's JSON, secrets masked) is appended as one JSON line to a file of
//! this process's own in it; `sim/tests/contract` (run by `scripts/test.sh` after the suite)
//! validates each against its provider's official description in `contracts/`. Unset (the app's
//! sandbox, a developer's own run), nothing is kept and no answer is read twice.

use std::io::Write;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The environment variable naming the folder.
pub const ENV: &str = "FABRIK_CONTRACT_RECORD";

/// Answers larger than this are recorded without their body (a backup's download, a bundle).
pub const MAX_ANSWER: usize = 4 << 20;

/// One exchange as recorded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exchange {
    pub method: String,
    /// The path as the simulator received it, its provider's prefix included.
    pub path: String,
    pub query: Option<String>,
    /// The request's JSON (masked); `null` when it had none or it was not JSON.
    pub request: Value,
    /// The request's body when it was a form (Stripe), masked by field name.
    pub form: Option<String>,
    pub status: u16,
    /// The answer's JSON (masked); `null` when it had none, was not JSON or was too large.
    pub answer: Value,
    /// Whether the answer had a body that is not in `answer` (too large, or not JSON).
    pub answer_unread: bool,
    /// A test's deliberate call outside the description ([`PROBE_HEADER`]), to see the
    /// simulator refuse it as the service would.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub probe: bool,
    /// Sent by Fabrik's own clients (their user agent: `fabrik/…`, or octocrab's for GitHub),
    /// not by a test acting as someone else: the routes Fabrik calls are these.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_fabrik: bool,
}

/// Whether a request's user agent is one of Fabrik's clients.
pub fn by_fabrik(user_agent: Option<&str>) -> bool {
    user_agent.is_some_and(|a| a.starts_with("fabrik/") || a.starts_with("octocrab"))
}

/// The header a test of the simulator's refusals sends with a call it makes outside the
/// description on purpose (an unknown route, to see the service's own 404). The check counts
/// such a call as a probe when it was refused, and as a finding when it was served.
pub const PROBE_HEADER: &str = "x-fabrik-contract-probe";

struct Recorder {
    file: Mutex<std::fs::File>,
}

fn recorder() -> Option<&'static Recorder> {
    static ONE: OnceLock<Option<Recorder>> = OnceLock::new();
    ONE.get_or_init(|| {
        let dir = std::env::var_os(ENV).filter(|d| !d.is_empty())?;
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).ok()?;
        // One file a process (a pid used again later appends whole lines to the same file).
        let name = format!("{}.jsonl", std::process::id());
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(name))
            .ok()?;
        Some(Recorder {
            file: Mutex::new(file),
        })
    })
    .as_ref()
}

/// Whether exchanges are recorded in this process.
pub fn enabled() -> bool {
    recorder().is_some()
}

/// Appends one exchange; a failed write is only logged (the check then counts fewer).
pub fn record(e: &Exchange) {
    let Some(r) = recorder() else { return };
    let Ok(mut line) = serde_json::to_vec(e) else {
        return;
    };
    line.push(b'\n');
    let mut file = r.file.lock().unwrap_or_else(|p| p.into_inner());
    if let Err(err) = file.write_all(&line) {
        tracing::warn!("fabrik-sim: an exchange was not recorded for the contract check: {err}");
    }
}
