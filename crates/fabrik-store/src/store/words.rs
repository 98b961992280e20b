//! The register's words as tables (issues #39, #56 and #69). Every word a column takes (a run's
//! kind and state, a step and its state, a log line's level, a plan, an environment, an
//! instance's status, the roll-outs', backups', templates', adoptions', inbox's, scheduler's,
//! team's, usage's, billing's and exports' words) is declared once, in the code (a
//! `vocabulary!`); the register keeps the words in a table each, filled from the code whenever
//! it opens, and the columns point at them with foreign keys. No migration holds a list of
//! words: a new word needs no migration, and a word the code does not declare is refused.
//!
//! A register holding a word this build does not declare was written by a newer Fabrik (one
//! with another kind of run): it is refused before anything is written to it, as a newer schema
//! version is.

use crate::customer::{Plan, Status, TeamRole};
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::figures::Figure;
use crate::ledger::{
    AdoptionState, AllowedBy, BaseHow, LogLevel, MemberState, PrState, RolloutKind, RolloutState,
    RunKind, RunState, StepKey, StepState,
};
use crate::store::backups::BackupReason;
use crate::store::billing::{DecisionState, Step, Transition};
use crate::store::exports::ExportReason;
use crate::store::intake::{IntakeSource, IntakeState};
use crate::store::schedule::{AlertKind, JobOutcome, TickOutcome};
use crate::store::team::InviteState;
use crate::store::workflow_backups::{TargetKind, WorkflowBackupReason};

/// The words of one vocabulary, as stored.
fn words<T: Copy + 'static>(all: &'static [T], text: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|w| text(*w)).collect()
}

/// Each table of words and the words the code declares for it.
pub(super) fn declared() -> [(&'static str, Vec<&'static str>); 30] {
    [
        ("run_kinds", words(RunKind::ALL, RunKind::as_str)),
        ("step_keys", words(StepKey::ALL, StepKey::as_str)),
        (
            "rollout_kinds",
            words(RolloutKind::ALL, RolloutKind::as_str),
        ),
        (
            "intake_source_names",
            words(IntakeSource::ALL, IntakeSource::as_str),
        ),
        (
            "intake_states",
            words(IntakeState::ALL, IntakeState::as_str),
        ),
        ("plans", words(Plan::ALL, Plan::as_str)),
        ("job_outcomes", words(JobOutcome::ALL, JobOutcome::as_str)),
        (
            "tick_outcomes",
            words(TickOutcome::ALL, TickOutcome::as_str),
        ),
        ("alert_kinds", words(AlertKind::ALL, AlertKind::as_str)),
        ("environments", words(Environment::ALL, Environment::as_str)),
        ("team_roles", words(TeamRole::ALL, TeamRole::as_str)),
        (
            "invite_states",
            words(InviteState::ALL, InviteState::as_str),
        ),
        ("figures", words(Figure::ALL, Figure::as_str)),
        (
            "billing_transitions",
            words(Transition::ALL, Transition::as_str),
        ),
        ("billing_steps", words(Step::ALL, Step::as_str)),
        (
            "billing_decision_states",
            words(DecisionState::ALL, DecisionState::as_str),
        ),
        (
            "export_reasons",
            words(ExportReason::ALL, ExportReason::as_str),
        ),
        // The ledger's, the fleet's and the backups' words, CHECK lists until 040.
        ("run_states", words(RunState::ALL, RunState::as_str)),
        ("step_states", words(StepState::ALL, StepState::as_str)),
        ("log_levels", words(LogLevel::ALL, LogLevel::as_str)),
        ("statuses", words(Status::ALL, Status::as_str)),
        ("template_base_hows", words(BaseHow::ALL, BaseHow::as_str)),
        ("template_pr_states", words(PrState::ALL, PrState::as_str)),
        (
            "rollout_states",
            words(RolloutState::ALL, RolloutState::as_str),
        ),
        (
            "rollout_member_states",
            words(MemberState::ALL, MemberState::as_str),
        ),
        (
            "backup_reasons",
            words(BackupReason::ALL, BackupReason::as_str),
        ),
        (
            "workflow_backup_reasons",
            words(WorkflowBackupReason::ALL, WorkflowBackupReason::as_str),
        ),
        (
            "workflow_backup_targets",
            words(TargetKind::ALL, TargetKind::as_str),
        ),
        (
            "adoption_states",
            words(AdoptionState::ALL, AdoptionState::as_str),
        ),
        (
            "adoption_approvers",
            words(AllowedBy::ALL, AllowedBy::as_str),
        ),
    ]
}

/// Adds the declared words a register lacks (the same SQL in both dialects; the words are the
/// code's own, never input). A kind of run comes with whether only owners may start it
/// (`RunKind::owners_only`), which the policy on `runs` reads on a shared register; an alert's
/// kind with the job that raises it (`AlertKind::raised_by`).
pub(super) fn fill_sql() -> String {
    declared()
        .iter()
        .map(|(table, words)| {
            let (columns, values): (&str, Vec<String>) = match *table {
                "run_kinds" => (
                    "name, owners_only",
                    RunKind::ALL
                        .iter()
                        .map(|k| format!("('{k}', {})", k.owners_only()))
                        .collect(),
                ),
                // An alert kind comes with the job whose lease holder raises it (the shared
                // register's guard reads it): a new kind is a row, not a rewritten trigger.
                "alert_kinds" => (
                    "name, job",
                    AlertKind::ALL
                        .iter()
                        .map(|k| format!("('{k}', '{}')", k.raised_by()))
                        .collect(),
                ),
                _ => ("name", words.iter().map(|w| format!("('{w}')")).collect()),
            };
            format!(
                "INSERT INTO {table} ({columns}) VALUES {} ON CONFLICT (name) DO NOTHING;\n",
                values.join(", ")
            )
        })
        .collect()
}

/// Reads what the register holds (`read(table)` gives a table's words) and refuses one with
/// words this build does not declare; says whether any declared word is missing.
pub(super) fn compare(
    describe: &str,
    mut read: impl FnMut(&str) -> Result<Vec<String>>,
) -> Result<Missing> {
    let mut newer = Vec::new();
    let mut missing = false;
    for (table, words) in declared() {
        let stored = read(table)?;
        newer.extend(
            stored
                .iter()
                .filter(|w| !words.contains(&w.as_str()))
                .cloned(),
        );
        missing |= words.iter().any(|w| !stored.iter().any(|s| s == w));
    }
    if !newer.is_empty() {
        newer.sort();
        return Err(Error::DatabaseNewerWords {
            path: describe.to_string(),
            words: newer.join(", "),
        });
    }
    Ok(Missing(missing))
}

/// Whether a declared word is missing from the register (a build with a new kind opens it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Missing(pub bool);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_word_is_filled_and_a_stranger_is_refused() {
        let sql = fill_sql();
        assert!(sql.contains("('provision', false)") && sql.contains("('supabase.project')"));
        assert!(sql.contains("('teardown', true)") && sql.contains("('recover', true)"));
        let all = |t: &str| -> Result<Vec<String>> {
            Ok(declared()
                .into_iter()
                .find(|(n, _)| *n == t)
                .unwrap()
                .1
                .into_iter()
                .map(String::from)
                .collect())
        };
        assert_eq!(compare("r", all).unwrap(), Missing(false));
        let fewer = |t: &str| {
            all(t).map(|mut w| {
                w.pop();
                w
            })
        };
        assert_eq!(compare("r", fewer).unwrap(), Missing(true));
        let newer = |t: &str| {
            all(t).map(|mut w| {
                w.push(format!("{t}_from_the_future"));
                w
            })
        };
        let err = compare("fabrik.sqlite3", newer).unwrap_err();
        assert_eq!(err.code().as_str(), "database_newer_words");
        assert!(
            err.to_string().contains("run_kinds_from_the_future"),
            "{err}"
        );
    }
}
