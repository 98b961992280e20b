//! What a roll-out carries, and where a roll-out and each of its instances stand.

use crate::vocabulary::vocabulary;
vocabulary!(
    /// What a roll-out brings to every instance.
    pub enum RolloutKind {
        /// Migration files into every customer's database.
        Schema => "schema",
        /// A template commit into every customer's repository, as pull requests.
        Template => "template",
    }
);

vocabulary!(
    /// How Fabrik knows the template commit a customer's repository stands on.
    pub enum BaseHow {
        /// Recorded when Fabrik generated the repository from the template.
        Generated => "generated",
        /// A pull request of Fabrik's carrying the template to this commit was merged.
        Synced => "synced",
        /// Found: the template commit whose tree the repository's first commit has.
        Found => "found",
        /// The owner stated it.
        Stated => "stated",
    }
);

vocabulary!(
    /// Where a pull request Fabrik opened stands.
    pub enum PrState {
        Open => "open",
        /// Merged: the repository's template base moved to the pull request's target.
        Merged => "merged",
        /// Closed without merging: reported, never reopened.
        Closed => "closed",
        /// A person pushed to its branch: Fabrik leaves it as it is.
        Pushed => "pushed",
    }
);
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

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(ROLLOUT_KINDS: "rollout_kinds" => RolloutKind);
crate::words::words_table!(TEMPLATE_BASE_HOWS: "template_base_hows" => BaseHow);
crate::words::words_table!(TEMPLATE_PR_STATES: "template_pr_states" => PrState);
crate::words::words_table!(ROLLOUT_STATES: "rollout_states" => RolloutState);
crate::words::words_table!(ROLLOUT_MEMBER_STATES: "rollout_member_states" => MemberState);
