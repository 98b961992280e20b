//! Where a schema roll-out and each of its instances stand.


use crate::vocabulary::vocabulary;
vocabulary!(
    /// A roll-out as a whole.
    pub enum RolloutState {
        /// Made and shown, nothing applied yet.
        Planned => "planned",
        Running => "running",
        /// The owner paused it: runs in flight finish, no new one starts.
        Paused => "paused",
        /// A halt rule stopped it before the next wave; `halt_reason` says which.
        Halted => "halted",
        Aborted => "aborted",
        Done => "done",
    }
);

vocabulary!(
    /// One instance of a roll-out.
    pub enum MemberState {
        Pending => "pending",
        /// Its `migrate` run is started (or was, before a crash: the run's row says how far).
        Running => "running",
        Done => "done",
        /// Its run failed; `reason` is the database's own error.
        Failed => "failed",
        /// Drift, or a paused instance: reported with the reason, never forced.
        Skipped => "skipped",
    }
);

impl RolloutState {
    /// A roll-out that may still apply something.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RolloutState::Planned | RolloutState::Running | RolloutState::Paused
        )
    }
}

impl MemberState {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            MemberState::Done | MemberState::Failed | MemberState::Skipped
        )
    }
}
