//! The twelve-customer corpus through classify and apply, in memory, held to its ground truth.

use std::collections::BTreeMap;

use super::corpus::{self, check, Corpus, CustomerRepo, Files};
use super::{apply, blob_sha, classify, Action, Applied, FileChange, Outcome, Rules, Tree};

const SEED: u64 = 0x5EED_FAB1;

/// Blob SHAs as git computes them, with the texts behind them.
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

/// The update for one customer: its changes, and its files afterwards.
fn update(c: &Corpus, customer: &CustomerRepo) -> (Vec<FileChange>, Applied, Files) {
    let mut blobs = BTreeMap::new();
    let base = tree(&c.base, &mut blobs);
    let template = tree(&c.release, &mut blobs);
    let theirs = tree(&customer.files, &mut blobs);
    let rules = Rules::standard(&c.release[corpus::IGNORE_FILE]).unwrap();
    let changes = classify(&base, &template, &theirs, &rules);
    let applied = apply(&changes, &|sha: &str| blobs.get(sha).cloned()).unwrap();
    let mut result = customer.files.clone();
    for o in &applied.outcomes {
        match o {
            Outcome::Write { path, content, .. } => {
                result.insert(path.clone(), String::from_utf8(content.clone()).unwrap());
            }
            Outcome::Remove { path } => {
                result.remove(path);
            }
        }
    }
    (changes, applied, result)
}

#[test]
fn twelve_customers_lose_nothing_and_see_every_overlap_as_a_conflict() {
    let started = std::time::Instant::now();
    let c = corpus::corpus(SEED);
    assert_eq!(c.customers.len(), corpus::CUSTOMERS);
    let mut actions: BTreeMap<String, usize> = BTreeMap::new();
    let (mut changed, mut conflict_files, mut regions, mut clean_merges) = (0, 0, 0, 0);
    let mut errors = Vec::new();
    for customer in &c.customers {
        let share = customer.changed_paths(&c.base) as f64 / c.base.len() as f64;
        assert!(
            share >= 0.30,
            "{}: only {share:.2} of the files changed",
            customer.name
        );
        changed += customer.changed_paths(&c.base);

        let (changes, applied, result) = update(&c, customer);
        for ch in &changes {
            *actions.entry(format!("{:?}", ch.action)).or_default() += 1;
        }
        for o in &applied.outcomes {
            if let Outcome::Write {
                path, conflicts, ..
            } = o
            {
                let merged = changes.iter().any(|ch| {
                    &ch.path == path && matches!(ch.action, Action::Merge | Action::AddBoth)
                });
                match (*conflicts, merged) {
                    (0, true) => clean_merges += 1,
                    (0, false) => {}
                    (n, _) => {
                        conflict_files += 1;
                        regions += n;
                    }
                }
            }
        }
        if let Err(e) = check(customer, &result) {
            errors.extend(e);
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // Every kind of case occurred somewhere in the corpus.
    for a in [
        "TakeTemplate",
        "Delete",
        "KeepDeleted",
        "Merge",
        "KeepCustomer",
        "AddBoth",
        "Same",
        "Own",
        "Ignored",
    ] {
        assert!(actions.contains_key(a), "no {a} in {actions:?}");
    }
    assert!(clean_merges > 0 && conflict_files > 0);
    eprintln!(
        "corpus: {} template files (release: {}), {} customers, template files the customers changed \
         or deleted {} ({:.0} % of {}), \
         actions {actions:?}, clean merges {clean_merges}, files with conflicts {conflict_files} \
         ({regions} regions), {:?}",
        c.base.len(),
        c.release.len(),
        c.customers.len(),
        changed,
        100.0 * changed as f64 / (c.base.len() * c.customers.len()) as f64,
        c.base.len() * c.customers.len(),
        started.elapsed()
    );
}

#[test]
fn the_corpus_is_the_same_for_the_same_seed() {
    let (a, b) = (corpus::corpus(SEED), corpus::corpus(SEED));
    assert_eq!(a.base, b.base);
    assert_eq!(a.release, b.release);
    for (x, y) in a.customers.iter().zip(&b.customers) {
        assert_eq!(x.files, y.files);
        assert_eq!(x.truth, y.truth);
    }
    assert_ne!(
        corpus::corpus(SEED + 1).customers[0].files,
        a.customers[0].files
    );
}

/// The checker catches an update that took the template's files wholesale.
#[test]
fn the_checker_catches_lost_customer_lines() {
    let c = corpus::corpus(SEED);
    for customer in &c.customers {
        let mut result = customer.files.clone();
        for (p, t) in &c.release {
            result.insert(p.clone(), t.clone());
        }
        for p in c.base.keys().filter(|p| !c.release.contains_key(*p)) {
            result.remove(p);
        }
        let errors = check(customer, &result).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.contains("the customer's line is lost")),
            "{errors:?}"
        );
    }
}

/// ... and one that settled conflicts silently for the customer's side.
#[test]
fn the_checker_catches_conflicts_settled_silently() {
    let c = corpus::corpus(SEED);
    let mut caught = 0;
    for customer in &c.customers {
        let (_, _, mut result) = update(&c, customer);
        for text in result.values_mut() {
            if text.contains("<<<<<<<") {
                *text = ours_only(text);
            }
        }
        if let Err(errors) = check(customer, &result) {
            assert!(
                errors.iter().any(|e| e.contains("not shown as a conflict")),
                "{errors:?}"
            );
            caught += 1;
        }
    }
    assert!(caught > 0);
}

fn ours_only(text: &str) -> String {
    let mut out = String::new();
    let mut keep = true;
    for l in text.split_inclusive('\n') {
        if l.starts_with("<<<<<<<") || l.starts_with(">>>>>>>") {
            keep = true;
        } else if l.starts_with("|||||||") || l.starts_with("=======") {
            keep = false;
        } else if keep {
            out.push_str(l);
        }
    }
    out
}

/// Other seeds, other mixes: the same guarantees.
#[test]
fn other_seeds_hold_too() {
    let mut errors = Vec::new();
    for seed in 1..=10 {
        let c = corpus::corpus(seed);
        for customer in &c.customers {
            let (_, _, result) = update(&c, customer);
            if let Err(e) = check(customer, &result) {
                errors.push(format!("seed {seed}: {}", e.join("\n")));
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
