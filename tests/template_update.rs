//! Template updates through the library's public API on the shared corpus (tests/common): what
//! an integration test against the simulated GitHub builds on, without the network.

use crate::common;

use std::collections::BTreeMap;

use common::template_corpus::{self as corpus, check, Files};
use fabrik::template::{apply, blob_sha, classify, Outcome, Rules, Tree};

fn tree(files: &Files, blobs: &mut BTreeMap<String, Vec<u8>>) -> Tree {
    files
        .iter()
        .map(|(p, t)| {
            let sha = blob_sha(t.as_bytes());
            blobs.insert(sha.clone(), t.as_bytes().to_vec());
            (p.clone(), sha)
        })
        .collect()
}

#[test]
fn every_customer_keeps_their_changes() {
    let c = corpus::corpus(7);
    let mut blobs = BTreeMap::new();
    let base = tree(&c.base, &mut blobs);
    let template = tree(&c.release, &mut blobs);
    let rules = Rules::standard(&c.release[corpus::IGNORE_FILE]).unwrap();
    for customer in &c.customers {
        let theirs = tree(&customer.files, &mut blobs);
        let changes = classify(&base, &template, &theirs, &rules);
        let applied = apply(&changes, &|sha: &str| blobs.get(sha).cloned()).unwrap();
        let mut result = customer.files.clone();
        for o in applied.outcomes {
            match o {
                Outcome::Write { path, content, .. } => {
                    result.insert(path, String::from_utf8(content).unwrap());
                }
                Outcome::Remove { path } => {
                    result.remove(&path);
                }
            }
        }
        if let Err(errors) = check(customer, &result) {
            panic!("{}", errors.join("\n"));
        }
    }
}
