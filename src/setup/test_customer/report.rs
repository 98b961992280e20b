//! Where the setup proof on this seat stands: what the seat keeps of it (`setup.proof`), which
//! proofs this process drives, and the report read from the two runs' ledger.

use serde::Serialize;
use ts_rs::TS;

use crate::error::Error;
use crate::ledger::{RunState, StepKey, StepState};
use crate::messages::{params, Say, Text};
use crate::supervisor::cloud::CloudApi;

/// The test customer under way on this seat and its runs: `slug provision_run teardown_run`.
pub const PROOF_SETTING: &str = "setup.proof";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProofPhase {
    NotStarted,
    Provisioning,
    TearingDown,
    /// Made and removed, every resource.
    Done,
    /// A run stopped (failed, cancelled, or the window was closed): starting again continues.
    Stopped,
}

/// One resource in the report: the step that made it, its provider id, and its state in
/// that run (made: `succeeded`; removed: `compensated`, or why not).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProofResource {
    pub step: StepKey,
    pub id: String,
    pub state: StepState,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ProofReport {
    pub phase: ProofPhase,
    pub slug: Option<String>,
    #[ts(type = "number | null")]
    pub provision_run: Option<i64>,
    #[ts(type = "number | null")]
    pub teardown_run: Option<i64>,
    pub made: Vec<ProofResource>,
    pub removed: Vec<ProofResource>,
    /// From the first run's start to the last one's end (or to now), in seconds.
    #[ts(type = "number | null")]
    pub seconds: Option<i64>,
    /// Why a run stopped, as its ledger says.
    pub problem: Option<Text>,
}

/// The proof under way on this seat, as `setup.proof` keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Kept {
    pub(super) slug: String,
    pub(super) provision: Option<i64>,
    pub(super) teardown: Option<i64>,
}

impl Kept {
    pub(super) fn read(cloud: &CloudApi) -> Option<Kept> {
        let text = cloud.seat.get(PROOF_SETTING)?;
        let mut parts = text.split_whitespace();
        let slug = parts.next()?.to_string();
        let id = |p: Option<&str>| p.and_then(|s| s.parse().ok()).filter(|n: &i64| *n > 0);
        Some(Kept {
            slug,
            provision: id(parts.next()),
            teardown: id(parts.next()),
        })
    }

    pub(super) fn write(&self, cloud: &CloudApi) -> crate::Result<()> {
        let text = format!(
            "{} {} {}",
            self.slug,
            self.provision.unwrap_or(0),
            self.teardown.unwrap_or(0)
        );
        cloud
            .seat
            .set(PROOF_SETTING, &text)
            .map_err(|e| Error::Internal(format!("could not keep the proof's progress: {e}")))
    }
}

/// The proofs this process drives: a report of one is never `stopped` between its two runs,
/// and a second start while it runs only reports.
static DRIVING: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn driving() -> std::sync::MutexGuard<'static, Vec<String>> {
    DRIVING.lock().unwrap_or_else(|p| p.into_inner())
}

/// `false` when the proof is driven here already.
pub(super) fn claim(slug: &str) -> bool {
    let mut d = driving();
    if d.iter().any(|s| s == slug) {
        return false;
    }
    d.push(slug.to_string());
    true
}

pub(super) fn release(slug: &str) {
    driving().retain(|s| s != slug);
}

fn is_driven(slug: &str) -> bool {
    driving().iter().any(|s| s == slug)
}

pub(super) fn report(cloud: &CloudApi, kept: Option<Kept>) -> crate::Result<ProofReport> {
    let Some(kept) = kept else {
        return Ok(ProofReport {
            phase: ProofPhase::NotStarted,
            slug: None,
            provision_run: None,
            teardown_run: None,
            made: Vec::new(),
            removed: Vec::new(),
            seconds: None,
            problem: None,
        });
    };
    let store = cloud.store();
    let run = |id: Option<i64>| id.and_then(|id| store.get_run(id).ok());
    let (provision, teardown) = (run(kept.provision), run(kept.teardown));
    let resources = |id: Option<i64>, keep: fn(&crate::store::runs::StepRow) -> bool| {
        id.map(|id| store.run_steps(id)).transpose().map(|steps| {
            steps
                .unwrap_or_default()
                .into_iter()
                .filter(keep)
                .filter_map(|s| {
                    Some(ProofResource {
                        id: s.external_id.clone()?,
                        step: s.key,
                        state: s.state,
                    })
                })
                .collect::<Vec<_>>()
        })
    };
    let made = resources(kept.provision, |s| s.created)?;
    let removed = resources(kept.teardown, |_| true)?;
    let driven = is_driven(&kept.slug);
    let active =
        |r: &Option<crate::store::runs::RunRow>| r.as_ref().is_some_and(|r| r.state.is_active());
    let phase = if teardown
        .as_ref()
        .is_some_and(|t| t.state == RunState::Succeeded)
    {
        ProofPhase::Done
    } else if active(&teardown) || (driven && teardown.is_some()) {
        ProofPhase::TearingDown
    } else if active(&provision) || driven {
        ProofPhase::Provisioning
    } else {
        // Nothing drives it (the window was closed, a run failed): starting again continues.
        ProofPhase::Stopped
    };
    let stopped = [&teardown, &provision]
        .into_iter()
        .flatten()
        .find(|r| !r.state.is_active() && r.state != RunState::Succeeded);
    let problem = if phase == ProofPhase::Stopped {
        stopped.and_then(|r| r.error.clone()).or_else(|| {
            stopped.map(|r| {
                Say::ProofRunStopped.with(params! { "run" => r.id, "state" => r.state.as_str() })
            })
        })
    } else {
        None
    };
    let started = provision
        .as_ref()
        .or(teardown.as_ref())
        .map(|r| r.started_at.clone());
    let ended = match phase {
        ProofPhase::Done | ProofPhase::Stopped => teardown
            .as_ref()
            .or(provision.as_ref())
            .and_then(|r| r.finished_at.clone()),
        _ => None,
    };
    let seconds = started.and_then(|s| {
        let from = chrono::DateTime::parse_from_rfc3339(&s).ok()?;
        let to = match ended {
            Some(e) => chrono::DateTime::parse_from_rfc3339(&e).ok()?.to_utc(),
            None => chrono::Utc::now(),
        };
        Some((to - from.to_utc()).num_seconds())
    });
    Ok(ProofReport {
        phase,
        slug: Some(kept.slug),
        provision_run: kept.provision,
        teardown_run: kept.teardown,
        made,
        removed,
        seconds,
        problem,
    })
}
