//! From classified changes and the blobs behind them to what the update commit writes: the
//! files to write (merged where both sides changed) and to remove, and what needs a person.

use serde::Serialize;
use ts_rs::TS;

use super::classify::{Action, FileChange, Summary};
use super::merge::{merge3, Merged};

/// Where `apply` reads file contents by blob SHA.
pub trait Blobs {
    fn blob(&self, sha: &str) -> Option<Vec<u8>>;
}

impl<F: Fn(&str) -> Option<Vec<u8>>> Blobs for F {
    fn blob(&self, sha: &str) -> Option<Vec<u8>> {
        self(sha)
    }
}

/// A change to the customer's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Write {
        path: String,
        content: Vec<u8>,
        /// Conflict regions left in `content` for a person.
        conflicts: usize,
    },
    Remove {
        path: String,
    },
}

impl Outcome {
    pub fn path(&self) -> &str {
        match self {
            Outcome::Write { path, .. } | Outcome::Remove { path } => path,
        }
    }
}

/// Why a file needs a person even though the update leaves it as it is or with markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Attention {
    /// Merged with conflict markers.
    Conflicts,
    /// The template deleted a file the customer changed; the customer's is kept.
    DeletedInTemplate,
    /// Both changed a binary file; the customer's is kept.
    Binary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
pub struct NeedsPerson {
    pub path: String,
    pub why: Attention,
    /// Conflict regions, for `Conflicts`.
    pub conflicts: usize,
}

/// The update for one repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub outcomes: Vec<Outcome>,
    pub needs_person: Vec<NeedsPerson>,
    pub summary: Summary,
}

/// A blob a change names that the reader did not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the blob {sha} of {path} could not be read")]
pub struct MissingBlob {
    pub path: String,
    pub sha: String,
}

/// Turns `changes` (from `classify`) into outcomes. Nothing the customer changed is dropped:
/// where both changed a file it is merged, or kept as the customer's when it cannot be.
pub fn apply(changes: &[FileChange], blobs: &impl Blobs) -> Result<Applied, MissingBlob> {
    let mut outcomes = Vec::new();
    let mut needs_person = Vec::new();
    let read = |c: &FileChange, sha: &Option<String>| -> Result<Vec<u8>, MissingBlob> {
        let Some(sha) = sha else {
            return Ok(Vec::new());
        };
        blobs.blob(sha).ok_or_else(|| MissingBlob {
            path: c.path.clone(),
            sha: sha.clone(),
        })
    };
    for c in changes {
        match c.action {
            Action::TakeTemplate => outcomes.push(Outcome::Write {
                path: c.path.clone(),
                content: read(c, &c.template_blob)?,
                conflicts: 0,
            }),
            Action::Delete => outcomes.push(Outcome::Remove {
                path: c.path.clone(),
            }),
            Action::KeepCustomer => needs_person.push(NeedsPerson {
                path: c.path.clone(),
                why: Attention::DeletedInTemplate,
                conflicts: 0,
            }),
            Action::Merge | Action::AddBoth => {
                // AddBoth has no base blob: read as empty, so the merge sees two additions.
                let base = read(c, &c.base_blob)?;
                let ours = read(c, &c.customer_blob)?;
                let theirs = read(c, &c.template_blob)?;
                let texts = (text(&base), text(&ours), text(&theirs));
                let (Some(base), Some(ours_text), Some(theirs)) = texts else {
                    needs_person.push(NeedsPerson {
                        path: c.path.clone(),
                        why: Attention::Binary,
                        conflicts: 0,
                    });
                    continue;
                };
                let merged = merge3(base, ours_text, theirs);
                let conflicts = merged.conflicts();
                if conflicts > 0 {
                    needs_person.push(NeedsPerson {
                        path: c.path.clone(),
                        why: Attention::Conflicts,
                        conflicts,
                    });
                }
                let content = match merged {
                    Merged::Clean(t) | Merged::Conflicted { text: t, .. } => t.into_bytes(),
                };
                if content != ours {
                    outcomes.push(Outcome::Write {
                        path: c.path.clone(),
                        content,
                        conflicts,
                    });
                }
            }
            Action::KeepDeleted | Action::Same | Action::Own | Action::Ignored => {}
        }
    }
    let mut summary = Summary::of(changes);
    summary.conflicts = needs_person.len();
    Ok(Applied {
        outcomes,
        needs_person,
        summary,
    })
}

/// Text a line merge can work on: UTF-8 without NUL bytes (git's own test for binary).
fn text(bytes: &[u8]) -> Option<&str> {
    if bytes.contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

pub use crate::providers::git_sha::blob_sha;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::template::classify::{classify, Rules, Tree};

    struct Repo {
        blobs: BTreeMap<String, Vec<u8>>,
    }

    impl Repo {
        fn tree(&mut self, files: &[(&str, &[u8])]) -> Tree {
            files
                .iter()
                .map(|(p, b)| {
                    let sha = blob_sha(b);
                    self.blobs.insert(sha.clone(), b.to_vec());
                    (p.to_string(), sha)
                })
                .collect()
        }
    }

    #[test]
    fn blob_sha_is_gits() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            blob_sha(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(blob_sha(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn outcomes_per_action() {
        let mut r = Repo {
            blobs: BTreeMap::new(),
        };
        let bin_base: &[u8] = b"\x89PNG\0\x01";
        let base = r.tree(&[
            ("a.ts", b"1\n2\n3\n4\n5\n"),
            ("b.ts", b"1\n2\n3\n4\n5\n"),
            ("c.ts", b"x\n"),
            ("d.ts", b"y\n"),
            ("logo.png", bin_base),
            ("gone.ts", b"z\n"),
            ("client-config.json", b"{}\n"),
        ]);
        let template = r.tree(&[
            ("a.ts", b"1\n2\n3\n4\n5 mall\n"),
            ("b.ts", b"1 mall\n2\n3\n4\n5\n"),
            ("c.ts", b"x mall\n"),
            ("logo.png", b"\x89PNG\0\x02"),
            ("new.ts", b"n\n"),
            ("client-config.json", b"{\"v\":2}\n"),
        ]);
        let customer = r.tree(&[
            ("a.ts", b"1 kund\n2\n3\n4\n5\n"),
            ("b.ts", b"1 kund\n2\n3\n4\n5\n"),
            ("c.ts", b"x\n"),
            ("d.ts", b"y kund\n"),
            ("logo.png", b"\x89PNG\0\x03"),
            ("gone.ts", b"z\n"),
            ("client-config.json", b"{\"kund\":1}\n"),
        ]);
        let changes = classify(&base, &template, &customer, &Rules::standard("").unwrap());
        let blobs = r.blobs.clone();
        let applied = apply(&changes, &|sha: &str| blobs.get(sha).cloned()).unwrap();
        let by_path: BTreeMap<&str, &Outcome> =
            applied.outcomes.iter().map(|o| (o.path(), o)).collect();

        let write = |p: &str| match by_path.get(p) {
            Some(Outcome::Write {
                content, conflicts, ..
            }) => (String::from_utf8(content.clone()).unwrap(), *conflicts),
            other => panic!("{p}: {other:?}"),
        };
        assert_eq!(write("a.ts"), ("1 kund\n2\n3\n4\n5 mall\n".into(), 0));
        let (b, n) = write("b.ts");
        assert_eq!(n, 1);
        assert!(b.contains("1 kund\n") && b.contains("1 mall\n"));
        assert_eq!(write("c.ts"), ("x mall\n".into(), 0));
        assert_eq!(write("new.ts"), ("n\n".into(), 0));
        assert!(matches!(
            by_path.get("gone.ts"),
            Some(Outcome::Remove { .. })
        ));
        // d.ts: the template deleted what the customer changed; the binary and own file stay.
        for p in ["d.ts", "logo.png", "client-config.json"] {
            assert!(!by_path.contains_key(p), "{p}");
        }
        let why: Vec<(&str, Attention)> = applied
            .needs_person
            .iter()
            .map(|n| (n.path.as_str(), n.why))
            .collect();
        assert_eq!(
            why,
            [
                ("b.ts", Attention::Conflicts),
                ("d.ts", Attention::DeletedInTemplate),
                ("logo.png", Attention::Binary),
            ]
        );
        assert_eq!(applied.summary.conflicts, 3);
        assert_eq!(applied.summary.own, 1);
    }

    #[test]
    fn a_missing_blob_is_an_error_not_an_empty_file() {
        let mut r = Repo {
            blobs: BTreeMap::new(),
        };
        let base = r.tree(&[("a", b"1\n")]);
        let template = r.tree(&[("a", b"2\n")]);
        let customer = base.clone();
        let changes = classify(&base, &template, &customer, &Rules::standard("").unwrap());
        let err = apply(&changes, &|_: &str| None).unwrap_err();
        assert_eq!(err.path, "a");
    }
}
