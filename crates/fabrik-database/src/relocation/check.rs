//! What an import is held to. Before anything changes: the target must be at the archive's
//! schema version (the script carries the schema as it was; put onto another version, the
//! site's code and the database would disagree). After: every table's rows and checksum, and
//! the people, equal to what the archive recorded.

use serde::Serialize;
use ts_rs::TS;

use crate::database::backup::TableSum;
use crate::messages::{params, Say, Text};

/// Why an archive at `archive` does not go into a target at `target`, and what to roll out
/// first; `None` when the versions are the same.
pub fn version_refusal(archive: Option<&str>, target: Option<&str>) -> Option<Text> {
    if archive == target {
        return None;
    }
    let name = |v: Option<&str>| v.unwrap_or("–").to_string();
    let (a, t) = (name(archive), name(target));
    let newer = crate::database::migration::newest([a.as_str(), t.as_str()].iter());
    let say = match newer.as_deref() == Some(a.as_str()) {
        // The target lacks what the archive's data was written under.
        true => Say::MoveRollOutTargetFirst,
        // The target is past it: the source has to come up to the target's version.
        false => Say::MoveRollOutSourceFirst,
    };
    Some(say.with(params! { "target" => t, "archive" => a }))
}

/// One table after an import: what the archive recorded and what the target holds now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MovedTable {
    pub table: String,
    #[ts(type = "number")]
    pub rows_archive: u64,
    /// `None`: the table is not on the target.
    #[ts(type = "number | null")]
    pub rows_now: Option<u64>,
    pub checksum_archive: String,
    pub checksum_now: Option<String>,
    pub equal: bool,
}

/// Every table either side has, by name, with whether both sides agree.
pub fn tables(archive: &[TableSum], now: &[TableSum]) -> Vec<MovedTable> {
    let name = |t: &TableSum| format!("{}.{}", t.schema, t.table);
    let mut out: Vec<MovedTable> = archive
        .iter()
        .map(|a| {
            let n = now
                .iter()
                .find(|n| n.schema == a.schema && n.table == a.table);
            MovedTable {
                table: name(a),
                rows_archive: a.rows,
                rows_now: n.map(|n| n.rows),
                checksum_archive: a.checksum.clone(),
                checksum_now: n.map(|n| n.checksum.clone()),
                equal: n == Some(a),
            }
        })
        .collect();
    for n in now {
        if !archive
            .iter()
            .any(|a| a.schema == n.schema && a.table == n.table)
        {
            out.push(MovedTable {
                table: name(n),
                rows_archive: 0,
                rows_now: Some(n.rows),
                checksum_archive: String::new(),
                checksum_now: Some(n.checksum.clone()),
                equal: false,
            });
        }
    }
    out.sort_by(|a, b| a.table.cmp(&b.table));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(table: &str, rows: u64, checksum: &str) -> TableSum {
        TableSum {
            schema: "public".into(),
            table: table.into(),
            rows,
            checksum: checksum.into(),
        }
    }

    #[test]
    fn only_the_same_version_goes_in_and_the_refusal_says_what_to_roll_out() {
        assert!(version_refusal(Some("20250101000000"), Some("20250101000000")).is_none());
        let behind = version_refusal(Some("20260101000000"), Some("20250101000000")).unwrap();
        assert!(behind.sv.contains("20250101000000") && behind.sv.contains("20260101000000"));
        assert!(behind.sv.contains("fabrik rollout"), "{}", behind.sv);
        let ahead = version_refusal(Some("20250101000000"), Some("20260101000000")).unwrap();
        assert_ne!(behind.sv, ahead.sv);
        assert!(version_refusal(None, Some("20250101000000")).is_some());
    }

    #[test]
    fn a_table_differing_or_on_one_side_only_is_not_equal() {
        let archive = [sum("a", 2, "x"), sum("b", 1, "y")];
        let now = [sum("a", 2, "x"), sum("b", 1, "z"), sum("c", 0, "0-0")];
        let checks = tables(&archive, &now);
        let equal: Vec<(&str, bool)> = checks.iter().map(|c| (c.table.as_str(), c.equal)).collect();
        assert_eq!(
            equal,
            [("public.a", true), ("public.b", false), ("public.c", false)]
        );
        assert_eq!(tables(&archive, &[])[0].rows_now, None);
    }
}
