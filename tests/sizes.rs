//! Every source stays under 600 lines (issues #56, #69): Rust, TypeScript, JavaScript (the UI
//! tests' fake backend, the end-to-end tests, the scripts), CSS and SQL. A file that grows past it
//! holds more than one thing: split it into modules named for what they hold. Two files had
//! been split under the limit and grew back while nothing held it; this test does.
//!
//! The exceptions are named, each with why: the text catalogues (one entry a line, read by
//! key, never as a whole), the generated bindings, and the customer template's schema.

use std::path::{Path, PathBuf};

const LIMIT: usize = 600;

/// The folders of the repository that hold source; `target`, `node_modules` and `dist` are
/// build output and never read.
const ROOTS: &[&str] = &[
    "src",
    "crates",
    "src-tauri/src",
    "sim",
    "seal",
    "tests",
    "benches",
    "examples",
    "ui/src",
    "ui/tests",
    "ui/scripts",
    "schema",
    "scripts",
];

const EXEMPT: &[(&str, &str)] = &[
    (
        "crates/fabrik-base/src/messages.rs",
        "the error codes' catalogue, a code and its two texts an entry",
    ),
    (
        "crates/fabrik-base/src/messages/say_texts.rs",
        "the sentences' catalogue, one sentence in two languages an entry",
    ),
    (
        "ui/src/i18n.ts",
        "the UI's text catalogue, one key in two languages a line",
    ),
    (
        "ui/src/bindings.ts",
        "generated from the core by src/api/bindings.rs",
    ),
    (
        "schema/template.sql",
        "the customer template's schema, applied whole as one migration: split with the Rust that applies it",
    ),
];

/// The kinds of source: Rust, TypeScript, JavaScript (classic scripts and modules), CSS and SQL.
const EXTENSIONS: &[&str] = &["rs", "ts", "tsx", "js", "mjs", "css", "sql"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy();
        if path.is_dir() {
            if !matches!(name.as_ref(), "target" | "node_modules" | "dist") {
                sources(&path, out);
            }
        } else if path
            .extension()
            .is_some_and(|e| EXTENSIONS.iter().any(|x| e == *x))
        {
            out.push(path);
        }
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn every_source_is_under_six_hundred_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ROOTS {
        sources(&root.join(dir), &mut files);
    }
    assert!(
        files.len() > 300,
        "the walk found only {} sources",
        files.len()
    );
    let mut long: Vec<String> = files
        .iter()
        .filter(|p| !EXEMPT.iter().any(|(e, _)| *e == relative(root, p)))
        .filter_map(|p| {
            let lines = std::fs::read_to_string(p).unwrap().lines().count();
            (lines >= LIMIT).then(|| format!("{} ({lines} lines)", relative(root, p)))
        })
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "sources of {LIMIT} lines or more; split each into modules named for what they hold: {long:#?}"
    );
}

/// An exception that no longer exists, or no longer needs to be one, is taken off the list.
#[test]
fn every_exception_is_a_long_file_that_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, why) in EXEMPT {
        let text = std::fs::read_to_string(root.join(path))
            .unwrap_or_else(|e| panic!("{path} ({why}) is named as an exception: {e}"));
        assert!(
            text.lines().count() >= LIMIT,
            "{path} is under {LIMIT} lines: it needs no exception"
        );
    }
}

/// The command surface stays a surface: each command a short call of one service below it, so
/// no file of `src/api/` holds more than 300 lines and the folder at most 3,000.
#[test]
fn the_command_surface_is_thin() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src/api"), &mut files);
    let mut total = 0;
    let mut long = Vec::new();
    for f in &files {
        let lines = std::fs::read_to_string(f).unwrap().lines().count();
        total += lines;
        if lines > 300 {
            long.push(format!("{} ({lines} lines)", relative(root, f)));
        }
    }
    assert!(long.is_empty(), "src/api/ files over 300 lines: {long:#?}");
    assert!(total <= 3_000, "src/api/ holds {total} lines, over 3,000");
}
