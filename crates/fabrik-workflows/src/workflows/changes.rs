//! What one commit must change so the backup repository holds a customer's workflows: a file
//! per workflow under `<slug>/workflows/`, created when missing, updated when its bytes differ
//! (named by the blob SHA the repository showed, so a change made meanwhile is refused, not
//! overwritten), left alone when equal. Files of workflows that no longer exist stay: the
//! repository is history, not a mirror.

use std::collections::BTreeMap;

use crate::providers::git_sha::blob_sha;
use crate::providers::gitea::Change;

/// The customer's folder in the backup repository.
pub fn folder_of(slug: &str) -> String {
    format!("{slug}/workflows")
}

/// One workflow's file.
pub fn path_of(slug: &str, workflow_id: &str) -> String {
    format!("{}/{workflow_id}.json", folder_of(slug))
}

/// The commit to make, and each file's blob SHA once it is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub changes: Vec<Change>,
    /// path → blob SHA of the bytes the repository will hold.
    pub blobs: BTreeMap<String, String>,
}

/// `files`: path → the normalized bytes; `present`: path → blob SHA as the repository shows
/// its folder now.
pub fn changes(files: &BTreeMap<String, Vec<u8>>, present: &BTreeMap<String, String>) -> Planned {
    let mut planned = Planned {
        changes: Vec::new(),
        blobs: BTreeMap::new(),
    };
    for (path, bytes) in files {
        let sha = blob_sha(bytes);
        match present.get(path) {
            Some(there) if *there == sha => {}
            Some(there) => planned.changes.push(Change::Update {
                path: path.clone(),
                content: bytes.clone(),
                sha: there.clone(),
            }),
            None => planned.changes.push(Change::Create {
                path: path.clone(),
                content: bytes.clone(),
            }),
        }
        planned.blobs.insert(path.clone(), sha);
    }
    planned
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        list.iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn nothing_changed_means_no_change_and_new_or_changed_files_are_named() {
        let now = files(&[
            ("a/workflows/1.json", "one\n"),
            ("a/workflows/2.json", "two\n"),
        ]);
        let present: BTreeMap<String, String> = [
            ("a/workflows/1.json".to_string(), blob_sha(b"one\n")),
            ("a/workflows/2.json".to_string(), blob_sha(b"two\n")),
            ("a/workflows/old.json".to_string(), blob_sha(b"gone\n")),
        ]
        .into();
        assert!(changes(&now, &present).changes.is_empty());

        let edited = files(&[
            ("a/workflows/1.json", "one!\n"),
            ("a/workflows/3.json", "three\n"),
        ]);
        let planned = changes(&edited, &present);
        assert_eq!(
            planned.changes,
            vec![
                Change::Update {
                    path: "a/workflows/1.json".into(),
                    content: b"one!\n".to_vec(),
                    sha: blob_sha(b"one\n"),
                },
                Change::Create {
                    path: "a/workflows/3.json".into(),
                    content: b"three\n".to_vec(),
                },
            ]
        );
        assert_eq!(planned.blobs["a/workflows/1.json"], blob_sha(b"one!\n"));
    }

    #[test]
    fn paths_are_under_the_customer() {
        assert_eq!(path_of("kund-ab", "wf9"), "kund-ab/workflows/wf9.json");
    }
}
