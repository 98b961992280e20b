//! The repository stands on its own (issue #9): no tracked file points at the reading folder that
//! sat beside the checkout while the project was started, or at a folder of one build machine, and
//! every relative link in the Markdown files leads to a file that exists. Works on the files `git`
//! tracks; skipped, with a note, where there is no git checkout (a source tarball).

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

// The patterns are put together from pieces so that this file does not match them itself.
/// A relative path that climbs out to the reading folder.
const UP_SHARED: &str = concat!("..", "/", "shared");
/// Names of its sub-folders; they exist nowhere in the repository.
const SHARED_SUBDIRS: [&str; 3] = [
    concat!("shared", "/", "contracts"),
    concat!("shared", "/", "DESIGN"),
    concat!("shared", "/", "seeds"),
];
/// Absolute folders of the machines the project was built on.
const MACHINE_ROOTS: [&str; 3] = [
    concat!("/", "work", "/"),
    concat!("/", "root", "/"),
    concat!("/", "tmp", "/", "contracts-work"),
];
/// Home folders: flagged unless the user name is a placeholder.
const HOME_ROOTS: [&str; 2] = [concat!("/", "home", "/"), concat!("/", "Users", "/")];
const PLACEHOLDER_USERS: [&str; 8] = [
    "user",
    "username",
    "you",
    "yourname",
    "your-name",
    "me",
    "name",
    "example",
];
/// A Windows home folder (drive letter, then Users) in prose, with doubled backslashes inside a
/// string literal, or with forward slashes.
const WINDOWS_USERS: [&str; 3] = [
    concat!(":", "\\", "Users", "\\"),
    concat!(":", "\\\\", "Users", "\\\\"),
    concat!(":", "/", "Users", "/"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The tracked files, or `None` (with a note) where there is no git checkout to ask.
fn tracked_files() -> Option<Vec<String>> {
    let root = root();
    if !root.join(".git").exists() {
        eprintln!(
            "note: {} has no .git (a tarball build?); skipping the self-contained checks",
            root.display()
        );
        return None;
    }
    let out = match Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["ls-files", "-z"])
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("note: git could not be run ({e}); skipping the self-contained checks");
            return None;
        }
    };
    if !out.status.success() {
        eprintln!(
            "note: git ls-files failed ({}); skipping the self-contained checks",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    let files = out
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    Some(files)
}

fn is_lock_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".lock")
        || matches!(
            name,
            "package-lock.json" | "pnpm-lock.yaml" | "yarn.lock" | "npm-shrinkwrap.json"
        )
}

/// The text of a tracked file, or `None` for binary files (a NUL byte) and files missing from
/// the working tree (deleted but not yet committed).
fn text_of(path: &str) -> Option<String> {
    let bytes = std::fs::read(root().join(path)).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Whether the character before a match lets it start a path: an absolute path starts a word,
/// so the same letters inside a URL path or a relative folder do not count.
fn starts_path(line: &str, at: usize) -> bool {
    match line[..at].chars().next_back() {
        None => true,
        Some(c) => !(c.is_alphanumeric() || "._-~/%$}".contains(c)),
    }
}

/// Lexically joins `rel` to `base` (both relative to the repository root); `None` when the
/// result climbs above the root.
fn join_inside(base: &Path, rel: &str) -> Option<PathBuf> {
    let mut parts: Vec<String> = Vec::new();
    for c in base.join(rel).components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

fn dir_of(path: &str) -> PathBuf {
    Path::new(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// What is wrong with one line, if anything.
fn line_problems(path: &str, line: &str) -> Vec<String> {
    let mut found = Vec::new();

    // UP_SHARED, after any number of further `../`: allowed only if it names a real folder of this
    // repository.
    for (at, _) in line.match_indices(UP_SHARED) {
        let after = &line[at + UP_SHARED.len()..];
        if after
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            continue; // a sibling whose name merely begins with the same letters: another name
        }
        let mut start = at;
        while line[..start].ends_with("../") {
            start -= 3;
        }
        let rel = &line[start..at + UP_SHARED.len()];
        let inside = join_inside(&dir_of(path), rel).filter(|p| root().join(p).exists());
        if inside.is_none() {
            found.push(format!("points outside the repository: {rel}"));
        }
    }
    for pat in SHARED_SUBDIRS {
        if line.contains(pat) {
            found.push(format!("names the reading folder: {pat}"));
        }
    }
    for pat in MACHINE_ROOTS {
        for (at, _) in line.match_indices(pat) {
            if starts_path(line, at) {
                found.push(format!("names a folder of a build machine: {pat}"));
            }
        }
    }
    for pat in HOME_ROOTS {
        for (at, _) in line.match_indices(pat) {
            if !starts_path(line, at) {
                continue;
            }
            let rest = &line[at + pat.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || "._-".contains(*c))
                .collect();
            let is_dir = rest[name.len()..].starts_with('/');
            if !name.is_empty() && is_dir && !PLACEHOLDER_USERS.contains(&name.as_str()) {
                found.push(format!("names a home folder: {pat}{name}/"));
            }
        }
    }
    for pat in WINDOWS_USERS {
        for (at, _) in line.match_indices(pat) {
            if line[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphabetic())
            {
                found.push(format!("names a Windows home folder: {}", &line[at - 1..]));
            }
        }
    }
    found
}

#[test]
fn no_tracked_file_points_outside_the_repository() {
    let Some(files) = tracked_files() else {
        return;
    };
    let mut problems = Vec::new();
    for path in files.iter().filter(|p| !is_lock_file(p)) {
        let Some(text) = text_of(path) else { continue };
        for (n, line) in text.lines().enumerate() {
            for p in line_problems(path, line) {
                problems.push(format!("{path}:{}: {p}", n + 1));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "tracked files refer to things outside the repository:\n  {}",
        problems.join("\n  ")
    );
}

/// Link targets on one line of Markdown: `[text](target)`, `![alt](target)` and
/// `[label]: target` definitions.
fn link_targets(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let trimmed = line.trim_start();
    if trimmed.starts_with('[') {
        if let Some(close) = trimmed.find("]:") {
            if !trimmed[..close].contains('(') {
                if let Some(t) = trimmed[close + 2..].split_whitespace().next() {
                    out.push(t.to_string());
                }
            }
        }
    }
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        // The target ends at the `)` that balances the `(`.
        let mut depth = 1usize;
        let mut end = None;
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else { break };
        let inner = after[..end].trim();
        let target = if let Some(stripped) = inner.strip_prefix('<') {
            stripped.split('>').next().unwrap_or("")
        } else {
            inner.split_whitespace().next().unwrap_or("")
        };
        out.push(target.to_string());
        rest = &after[end..];
    }
    out
}

fn is_external(target: &str) -> bool {
    target.is_empty()
        || target.starts_with('#')
        || target.contains("://")
        || target.starts_with("mailto:")
        || target.starts_with("tel:")
        || target.starts_with("data:")
}

#[test]
fn relative_markdown_links_lead_to_files_that_exist() {
    let Some(files) = tracked_files() else {
        return;
    };
    let mut problems = Vec::new();
    for path in files.iter().filter(|p| p.ends_with(".md")) {
        let Some(text) = text_of(path) else { continue };
        let mut in_fence = false;
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
                in_fence = !in_fence;
                continue;
            }
            if in_fence {
                continue;
            }
            for target in link_targets(line) {
                if is_external(&target) {
                    continue;
                }
                let file_part = target.split(['#', '?']).next().unwrap_or("");
                if file_part.is_empty() {
                    continue;
                }
                let file_part = file_part.replace("%20", " ");
                let resolved = match file_part.strip_prefix('/') {
                    Some(from_root) => join_inside(Path::new(""), from_root),
                    None => join_inside(&dir_of(path), &file_part),
                };
                let ok = resolved.is_some_and(|p| root().join(p).exists());
                if !ok {
                    problems.push(format!("{path}:{}: broken link ({target})", n + 1));
                }
            }
        }
    }
    let unique: BTreeSet<_> = problems.into_iter().collect();
    assert!(
        unique.is_empty(),
        "relative Markdown links that lead nowhere:\n  {}",
        unique.into_iter().collect::<Vec<_>>().join("\n  ")
    );
}

#[test]
fn the_rules_catch_what_they_should_and_nothing_else() {
    let bad = [
        format!("See [{UP_SHARED}/x.md]({UP_SHARED}/x.md)"),
        format!("let p = \"{}\";", SHARED_SUBDIRS[0]),
        format!("cd {}main", MACHINE_ROOTS[0]),
        format!("open {}.cargo/bin", MACHINE_ROOTS[1]),
        format!("{}/x.py", MACHINE_ROOTS[2]),
        format!("\"{}alice/src\"", HOME_ROOTS[0]),
        format!("({}bob/Library)", HOME_ROOTS[1]),
        format!("C{}carol", WINDOWS_USERS[0]),
        format!("\"C{}carol\"", WINDOWS_USERS[1]),
    ];
    for line in &bad {
        assert!(
            !line_problems("README.md", line).is_empty(),
            "not caught: {line}"
        );
    }
    let fine = [
        "writeFileSync(`/tmp/e2e-fail.png`)".to_string(),
        format!(
            "https://example.com/{w}/items and docs/{w}/notes",
            w = "work"
        ),
        format!("a generic example: {}user/projects", HOME_ROOTS[0]),
        format!("import x from '{UP_SHARED}_types'"),
        "the shared `Pagination` schema".to_string(),
        "/workflows/{id}/activate and #/components/schemas/root".to_string(),
    ];
    for line in &fine {
        assert!(
            line_problems("README.md", line).is_empty(),
            "false positive: {line}: {:?}",
            line_problems("README.md", line)
        );
    }
    assert_eq!(
        link_targets("[`a`](docs/a.md) and ![p](img.png \"t\") and [x](<b c.md>)"),
        ["docs/a.md", "img.png", "b c.md"]
    );
}
