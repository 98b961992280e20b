//! The register's words as tables (issues #39, #56 and #69). Every word a column takes (a run's
//! kind and state, a step and its state, a log line's level, a plan, an environment, an
//! instance's status, the roll-outs', backups', templates', adoptions', inbox's, scheduler's,
//! team's, usage's, billing's and exports' words) is declared once, in the code (a
//! `vocabulary!`), and handed to the register by the crate that declares it (`words_table!`):
//! the register imports none of them. It keeps the words in a table each, filled from the code
//! whenever it opens, and the columns point at them with foreign keys. No migration holds a list of
//! words: a new word needs no migration, and a word the code does not declare is refused.
//!
//! A register holding a word this build does not declare was written by a newer Fabrik (one
//! with another kind of run): it is refused before anything is written to it, as a newer schema
//! version is.

use crate::error::{Error, Result};
use crate::words::handed;

/// Each table of words and the words the program declares for it: every table handed to the
/// register by the crate that declares its words (`fabrik_base::words`), by name.
pub(super) fn declared() -> Vec<(&'static str, Vec<&'static str>)> {
    handed()
        .into_iter()
        .map(|w| (w.table, (w.words)()))
        .collect()
}

/// Adds the declared words a register lacks (the same SQL in both dialects; the words are the
/// code's own, never input). A word may come with a column beside its name: a kind of run with
/// whether only owners may start it (`RunKind::owners_only`), which the policy on `runs` reads
/// on a shared register; an alert's kind with the job that raises it (`AlertKind::raised_by`),
/// which the shared register's guard reads, so a new kind is a row, not a rewritten trigger.
pub(super) fn fill_sql() -> String {
    handed()
        .into_iter()
        .map(|table| {
            let words = (table.words)();
            let (columns, values): (String, Vec<String>) = match &table.with {
                Some(column) => (
                    format!("name, {}", column.name),
                    words
                        .iter()
                        .map(|w| format!("('{w}', {})", (column.value)(w)))
                        .collect(),
                ),
                None => (
                    "name".to_string(),
                    words.iter().map(|w| format!("('{w}')")).collect(),
                ),
            };
            format!(
                "INSERT INTO {} ({columns}) VALUES {} ON CONFLICT (name) DO NOTHING;\n",
                table.table,
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
