//! The rule of creation proof (issue #67), in one place: a run calls a resource its own making
//! only when the resource itself says so, and a rollback removes only that.
//!
//! Every run has a mark, `fabrik-run:r<12 hex>`, derived from the customer's immutable id and
//! the run's own row (its id and the time the register stamped on it), so no two runs share
//! one and no login can give a new run the mark of an old one (the id is the ledger's key).
//! A step writes the mark on what it creates in the very call that creates it, beside the
//! customer's marker (`ownership`): the repository's description, a plain Vercel variable
//! `FABRIK_RUN`, the n8n workflow's sticky note, the Resend key's name, the Supabase project's
//! name. Then:
//!
//! * a resource the create call answered with is this run's;
//! * a resource found after a create whose outcome is unknown (a timeout, a rate limit, a 5xx,
//!   a dropped connection, a crash) is this run's only when it carries this run's mark;
//!   otherwise it is adopted, never claimed;
//! * a rollback deletes a resource only when, read again right before the delete, it carries
//!   this run's mark, and it was not delivered: no succeeded run of the customer since its last
//!   teardown names it (`Store::delivered_resource`). What a succeeded run delivered goes only
//!   by a teardown, whatever the ledger of a failed run says.

use crate::fnv::Fnv1a;

/// How a resource read back answers "did this run make it?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    /// It carries this run's mark.
    ThisRun,
    /// It carries another run's mark, or none (made by an earlier run, or before runs were
    /// marked): never this run's to remove.
    Elsewhere,
    /// A resource that has no place for a mark (a domain on a project, a claim token): the
    /// ledger's record of the create call's answer is all there is.
    Unmarkable,
}

/// The run's mark: the same for every seat and process that drives the run.
pub fn run_mark(customer_uid: &str, run_id: i64, started_at: &str) -> String {
    let mut h = Fnv1a::new();
    for part in [customer_uid, &run_id.to_string(), started_at] {
        h.write(part.as_bytes());
        h.write(&[0]);
    }
    format!("r{:012x}", h.finish() & 0xffff_ffff_ffff)
}

/// The mark as it is written in a free text (a description, a note).
pub fn tag(mark: &str) -> String {
    format!("fabrik-run:{mark}")
}

/// Whether a free text carries this run's mark.
pub fn in_text(text: Option<&str>, mark: &str) -> Made {
    if text.is_some_and(|t| t.contains(&tag(mark))) {
        Made::ThisRun
    } else {
        Made::Elsewhere
    }
}

/// Whether a value written as the mark itself (a Vercel variable, a name's suffix) is this run's.
pub fn exactly(value: Option<&str>, mark: &str) -> Made {
    if value == Some(mark) {
        Made::ThisRun
    } else {
        Made::Elsewhere
    }
}

/// Whether a run may call a resource it found (not the answer of its own create call) its own
/// creation: only when the resource proves it.
pub fn claims(found: Made) -> bool {
    found == Made::ThisRun
}

/// Why a rollback leaves a resource where it is, when it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keep {
    /// A succeeded run of the customer (this id) delivered it: only a teardown removes it.
    Delivered(i64),
    /// The resource does not carry this run's mark.
    NotThisRun,
}

/// The one decision a rollback makes before a delete: the resource as read now (`made`), and
/// the succeeded run of the customer that names it, if any. A teardown does not ask.
pub fn rollback_may_delete(made: Made, delivered_by: Option<i64>) -> Result<(), Keep> {
    if let Some(run) = delivered_by {
        return Err(Keep::Delivered(run));
    }
    match made {
        Made::ThisRun | Made::Unmarkable => Ok(()),
        Made::Elsewhere => Err(Keep::NotThisRun),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_run_has_its_own_mark() {
        let uid = "6f1d2c9a-0000-4000-8000-000000000001";
        let a = run_mark(uid, 7, "2026-11-28T10:00:00.000Z");
        assert_eq!(a.len(), 13);
        assert_eq!(a, run_mark(uid, 7, "2026-11-28T10:00:00.000Z"), "stable");
        assert_ne!(a, run_mark(uid, 8, "2026-11-28T10:00:00.000Z"));
        // A new register numbering its runs from 1 again does not repeat an old run's mark.
        assert_ne!(a, run_mark(uid, 7, "2026-11-29T10:00:00.000Z"));
        assert_ne!(a, run_mark("another", 7, "2026-11-28T10:00:00.000Z"));
    }

    #[test]
    fn only_this_runs_mark_claims_and_nothing_delivered_is_deleted() {
        let mark = "r0123456789ab";
        let text = format!("SaaS-instans [fabrik:x] [{}]", tag(mark));
        assert_eq!(in_text(Some(&text), mark), Made::ThisRun);
        assert_eq!(in_text(Some(&text), "r0123456789ac"), Made::Elsewhere);
        assert_eq!(in_text(None, mark), Made::Elsewhere);
        assert!(claims(Made::ThisRun));
        assert!(!claims(Made::Elsewhere));
        assert!(!claims(Made::Unmarkable));
        assert_eq!(rollback_may_delete(Made::ThisRun, None), Ok(()));
        assert_eq!(
            rollback_may_delete(Made::ThisRun, Some(3)),
            Err(Keep::Delivered(3))
        );
        assert_eq!(
            rollback_may_delete(Made::Elsewhere, None),
            Err(Keep::NotThisRun)
        );
    }
}
