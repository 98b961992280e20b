//! For the tests that read the code itself (no sentence written inline, no `match` on a
//! provider outside its declaration): every Rust file of every crate of the core, the core's
//! `src/` and each of `crates/`, with its path from the repository's root.

use std::path::{Path, PathBuf};

/// Every `.rs` file under the core's `src/` and each `crates/*/src/`, as `(path from the
/// repository's root with `/`, file)`.
pub(crate) fn every_rust_file() -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    walk(&root.join("src"), &mut files);
    for krate in std::fs::read_dir(root.join("crates")).unwrap() {
        walk(&krate.unwrap().path().join("src"), &mut files);
    }
    assert!(
        files.len() > 300,
        "the walk reads the code: {} files",
        files.len()
    );
    files
        .into_iter()
        .map(|f| {
            let rel = f
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, f)
        })
        .collect()
}
