//! The ledger's words as tables (issue #39). A run kind, a step or a kind of roll-out is declared
//! once, in the code (`RunKind`, `StepKey`, `RolloutKind`); the register keeps the words in
//! `run_kinds`, `step_keys` and `rollout_kinds`, filled
//! from the code whenever it opens, and the ledger's columns point at them with foreign keys.
//! So a new kind needs no migration, and a word the code does not declare is still refused.
//!
//! A register holding a word this build does not declare was written by a newer Fabrik (one
//! with another kind of run): it is refused before anything is written to it, as a newer schema
//! version is.

use crate::error::{Error, Result};
use crate::ledger::{RolloutKind, RunKind, StepKey};

/// Each table of words and the words the code declares for it.
pub(super) fn declared() -> [(&'static str, Vec<&'static str>); 3] {
    [
        (
            "run_kinds",
            RunKind::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        (
            "step_keys",
            StepKey::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        (
            "rollout_kinds",
            RolloutKind::ALL.iter().map(|k| k.as_str()).collect(),
        ),
    ]
}

/// Adds the declared words a register lacks (the same SQL in both dialects; the words are the
/// code's own, never input). A kind of run comes with whether only owners may start it
/// (`RunKind::owners_only`), which the policy on `runs` reads on a shared register.
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
