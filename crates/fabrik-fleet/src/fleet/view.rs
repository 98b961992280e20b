//! A roll-out as the window and the CLI show it, whatever its kind: the row, its files, its
//! waves' progress and its members.

use serde::Serialize;
use ts_rs::TS;

pub use super::definition::FileHead;
use super::definition::FleetResult;
use crate::error::Error;
use crate::ledger::MemberState;
use crate::provision::rollouts::RolloutRows;
use crate::provision::rollouts::{MemberRow, RolloutRow};
use crate::store::Store;

/// One wave's progress.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct WaveView {
    #[ts(type = "number")]
    pub index: i64,
    pub total: u32,
    pub pending: u32,
    pub running: u32,
    pub done: u32,
    pub failed: u32,
    pub skipped: u32,
}

/// A roll-out with its files, waves and members.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RolloutView {
    pub rollout: RolloutRow,
    pub files: Vec<FileHead>,
    pub waves: Vec<WaveView>,
    pub members: Vec<MemberRow>,
}

impl RolloutView {
    /// Every planned instance is done: nothing failed, nothing was skipped.
    pub fn all_done(&self) -> bool {
        self.members.iter().all(|m| m.state == MemberState::Done)
    }
}

/// A roll-out with its files, waves and members.
pub fn view(store: &Store, id: i64) -> FleetResult<RolloutView> {
    let rollout = store.get_rollout(id)?.ok_or(Error::RolloutNotFound(id))?;
    let members = store.rollout_members(id)?;
    let mut waves: Vec<WaveView> = Vec::new();
    for m in &members {
        let i = m.wave as usize;
        while waves.len() <= i {
            waves.push(WaveView {
                index: waves.len() as i64,
                ..WaveView::default()
            });
        }
        let w = &mut waves[i];
        w.total += 1;
        match m.state {
            MemberState::Pending => w.pending += 1,
            MemberState::Running => w.running += 1,
            MemberState::Done => w.done += 1,
            MemberState::Failed => w.failed += 1,
            MemberState::Skipped => w.skipped += 1,
        }
    }
    Ok(RolloutView {
        files: super::kinds::definition(rollout.kind).files(&rollout),
        rollout,
        waves,
        members,
    })
}
