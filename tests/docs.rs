//! The documents stay true to the repository (issue #38): every path the README and the
//! documents in `docs/` link to or name in backticks exists, every link into a document lands
//! on a heading, and the README's table of the command line names exactly the command groups
//! and commands the `fabrik` binary has. The layer list and the layout table of
//! docs/ARCHITECTURE.md are held to the layers in tests/layers.rs, beside the list they follow.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The README and every document in `docs/`.
fn documents() -> Vec<PathBuf> {
    let mut docs = vec![root().join("README.md")];
    let mut more: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    more.sort();
    docs.extend(more);
    docs
}

/// The repository's own top-level names (build output and installed packages are not).
fn top_level() -> BTreeSet<String> {
    std::fs::read_dir(root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !matches!(n.as_str(), ".git" | "target" | "node_modules"))
        .collect()
}

/// A word that names a file of this repository: it starts with one of the repository's
/// top-level names, or it is a path to a source or document file. Placeholders
/// (`<slug>/…`, `{client}`, `*.sql`) and addresses are not paths.
fn repository_path(word: &str, roots: &BTreeSet<String>) -> Option<String> {
    let word = word
        .trim_start_matches(['(', '"', '\''])
        .trim_end_matches([',', ';', ':', '.', ')', '"', '\'']);
    if word.is_empty()
        || word.starts_with('/')
        || word.contains("://")
        || word.contains(['<', '>', '{', '}', '*', '…', '$', '=', '|', '@', '?'])
    {
        return None;
    }
    let word = word.strip_prefix("./").unwrap_or(word);
    let first = word.split('/').next().unwrap_or("");
    let source = word.contains('/')
        && [".rs", ".sql", ".sh", ".md", ".mjs", ".ts", ".tsx"]
            .iter()
            .any(|e| word.ends_with(e));
    (roots.contains(first) && (word.contains('/') || word == first) || source)
        .then(|| word.to_string())
}

/// The spans of a line between backticks.
fn code_spans(line: &str) -> Vec<&str> {
    line.split('`').skip(1).step_by(2).collect()
}

/// Markdown links' targets: `[text](target)` and `![alt](target)`.
fn link_targets(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        let Some(end) = after.find(')') else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end..];
    }
    out
}

/// GitHub's anchor for a heading: lowercase, punctuation dropped, spaces as hyphens.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> BTreeSet<String> {
    let mut fenced = false;
    let mut out = BTreeSet::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            out.insert(anchor(line.trim_start_matches('#')));
        }
    }
    out
}

/// Every problem with the paths and links of one document, as "file:line: what".
fn problems_of(doc: &Path, roots: &BTreeSet<String>) -> Vec<String> {
    let text = std::fs::read_to_string(doc).unwrap();
    let name = doc.strip_prefix(root()).unwrap().display().to_string();
    let mut out = Vec::new();
    let mut fenced = false;
    for (n, line) in text.lines().enumerate() {
        let at = format!("{name}:{}", n + 1);
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        // In a code block every word may be a path (`psql … -f scripts/postgres/…`); in prose
        // only what is in backticks.
        let words: Vec<&str> = if fenced {
            line.split_whitespace().collect()
        } else {
            code_spans(line)
                .into_iter()
                .flat_map(str::split_whitespace)
                .collect()
        };
        for word in words {
            if let Some(path) = repository_path(word, roots) {
                if !root().join(&path).exists() {
                    out.push(format!("{at}: `{path}` does not exist"));
                }
            }
        }
        if fenced {
            continue;
        }
        for target in link_targets(line) {
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            let (file, fragment) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            let linked = if file.is_empty() {
                doc.to_path_buf()
            } else {
                doc.parent().unwrap().join(file)
            };
            if !linked.exists() {
                out.push(format!("{at}: the link to {target} leads nowhere"));
                continue;
            }
            if let Some(fragment) = fragment {
                let linked_text = std::fs::read_to_string(&linked).unwrap_or_default();
                if !anchors(&linked_text).contains(fragment) {
                    out.push(format!("{at}: {target} names no heading"));
                }
            }
        }
    }
    out
}

#[test]
fn every_path_the_documents_name_exists() {
    let roots = top_level();
    let problems: Vec<String> = documents()
        .iter()
        .flat_map(|d| problems_of(d, &roots))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The reader itself: what it takes for a path, and what it leaves alone.
#[test]
fn the_reader_tells_paths_from_other_words() {
    let roots: BTreeSet<String> = ["src", "docs", "Cargo.toml", ".ci"]
        .map(String::from)
        .into();
    let path = |w: &str| repository_path(w, &roots);
    assert_eq!(
        path("src/bin/fabrik.rs").as_deref(),
        Some("src/bin/fabrik.rs")
    );
    assert_eq!(path("docs/").as_deref(), Some("docs/"));
    assert_eq!(path("Cargo.toml").as_deref(), Some("Cargo.toml"));
    assert_eq!(path(".ci/run),").as_deref(), Some(".ci/run"));
    assert_eq!(path("tests/e2e/x.mjs").as_deref(), Some("tests/e2e/x.mjs"));
    for other in [
        "supabase/migrations/<version>_<name>.sql",
        "ops-hub/client-backups",
        "/v10/projects/{}/promote/{}",
        "https://git.byran.se/api/v1",
        "FABRIK_SCREENSHOTS=$PWD/docs",
        "logs/fabrik.YYYY-MM-DD.log",
    ] {
        assert_eq!(path(other), None, "{other}");
    }
    assert_eq!(
        link_targets("see [a](docs/A.md#x) and ![b](docs/b.png)."),
        ["docs/A.md#x", "docs/b.png"]
    );
    assert_eq!(anchor(" 7. Ownership"), "7-ownership");
    assert_eq!(
        anchor(" Changing every instance: schema roll-outs and backups"),
        "changing-every-instance-schema-roll-outs-and-backups"
    );
}

/// The names `fabrik [GROUP] --help` lists under "Commands:", `help` aside (from the command
/// line's definition, which the help prints).
fn commands_of(group: Option<&str>) -> BTreeSet<String> {
    let cli = fabrik_cli::definition();
    let cmd = match group {
        None => &cli,
        Some(g) => match cli.find_subcommand(g) {
            Some(c) => c,
            None => return BTreeSet::new(),
        },
    };
    fabrik_cli::listed(cmd)
        .map(|c| c.get_name().to_string())
        .collect()
}

/// The README's table of the command line: each row's group (its first cell, in backticks)
/// and the commands its second cell names in backticks.
fn readme_cli_table() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("The command line"))
        .expect("the README has a section \"The command line\"");
    let mut out = BTreeMap::new();
    for row in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.trim_matches('|').split('|').collect();
        let Some(group) = cells.first().and_then(|c| code_spans(c).first().copied()) else {
            continue;
        };
        let commands = cells
            .get(1)
            .map(|c| code_spans(c).into_iter().map(String::from).collect())
            .unwrap_or_default();
        out.insert(group.to_string(), commands);
    }
    out
}

#[test]
fn the_readmes_command_table_is_the_command_line() {
    let table = readme_cli_table();
    let groups = commands_of(None);
    assert!(groups.contains("customers"), "read no commands: {groups:?}");
    let named: BTreeSet<String> = table.keys().cloned().collect();
    assert_eq!(
        named.difference(&groups).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "the README names command groups fabrik does not have"
    );
    assert_eq!(
        groups.difference(&named).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "command groups missing from the README's table"
    );
    for (group, commands) in &table {
        let actual = commands_of(Some(group));
        assert_eq!(
            commands, &actual,
            "the commands of `fabrik {group}` in the README's table"
        );
    }
}

/// The words in backticks of the paragraph of `doc` that starts with `opening`, up to its end
/// (an empty line or the next bullet).
fn paragraph_words(doc: &str, opening: &str) -> Vec<String> {
    let start = doc
        .find(opening)
        .unwrap_or_else(|| panic!("docs/ARCHITECTURE.md no longer says {opening:?}"));
    let rest = &doc[start..];
    let end = rest[1..]
        .find("\n\n")
        .into_iter()
        .chain(rest[1..].find("\n- "))
        .min()
        .map_or(rest.len(), |e| e + 1);
    rest[..end]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn architecture() -> String {
    std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap()
}

/// A count in the document, as digits or an English number word up to twenty.
fn count_after(doc: &str, before: &str, after: &str) -> usize {
    const WORDS: [&str; 21] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    let at = doc
        .find(before)
        .unwrap_or_else(|| panic!("docs/ARCHITECTURE.md no longer says {before:?}"));
    let tail = &doc[at + before.len()..];
    let word = tail[..tail.find(after).expect(after)].trim();
    word.parse()
        .ok()
        .or_else(|| WORDS.iter().position(|w| *w == word))
        .unwrap_or_else(|| panic!("{word:?} is no count"))
}

#[test]
fn the_architecture_counts_and_lists_every_run_kind() {
    use fabrik::ledger::RunKind;
    let doc = architecture();
    let all: Vec<String> = RunKind::ALL
        .iter()
        .map(|k| k.as_str().to_string())
        .collect();
    assert_eq!(count_after(&doc, "There are ", " kinds:"), all.len());
    let mut listed = paragraph_words(&doc, "There are ");
    listed.retain(|w| all.contains(w));
    assert_eq!(listed, all, "the kinds, in RunKind's order");
    let day_two: Vec<String> = RunKind::ALL
        .iter()
        .filter(|k| k.right() == fabrik::messages::Right::DayTwo)
        .map(|k| k.as_str().to_string())
        .collect();
    let mut said = paragraph_words(&doc, "- **Day-two runs**");
    said.retain(|w| all.contains(w));
    assert_eq!(said, day_two, "the day-two runs, in RunKind's order");
}

#[test]
fn the_architecture_counts_the_cloud_apis_and_the_readme_names_them() {
    use fabrik::secrets::Provider;
    let doc = architecture();
    assert_eq!(
        count_after(&doc, "a simulator of the ", " cloud APIs"),
        Provider::ALL.len()
    );
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let at = readme.find("an in-process simulator of").unwrap();
    let sentence = readme[at..].split(", so ").next().unwrap();
    for p in Provider::ALL {
        assert!(
            sentence.contains(p.display_name()),
            "the README's sandbox leaves out {}",
            p.display_name()
        );
    }
}

/// The files of the engine and the supervisor that name a kind are the ones the document names.
#[test]
fn the_architecture_names_every_place_the_engine_names_a_kind() {
    let doc = architecture();
    let named: BTreeSet<String> = paragraph_words(&doc, "or names the active one")
        .into_iter()
        .filter(|w| (w.starts_with("src/") || w.starts_with("crates/")) && w.ends_with(".rs"))
        .collect();
    let mut found = BTreeSet::new();
    for dir in [
        "crates/fabrik-provision/src/provision/engine",
        "src/supervisor",
    ] {
        let mut stack = vec![root().join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap();
                let names_a_kind = ["RunKind::", "RunRequest::"].iter().any(|t| {
                    code.match_indices(t).any(|(i, _)| {
                        code[i + t.len()..].starts_with(|c: char| c.is_ascii_uppercase())
                            && !code[..i].ends_with("//! ")
                    })
                });
                if names_a_kind {
                    let rel = p.strip_prefix(root()).unwrap();
                    found.insert(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    assert_eq!(named, found);
}

/// The table of calls outside the descriptions (contracts/README.md, issue #70) names only
/// routes the clients call: each route's fixed words (its path without the `{…}` parts) are in
/// the source of `crates/fabrik-providers/src/providers/`, so a row cannot outlive the call it excuses.
#[test]
fn the_calls_outside_the_descriptions_are_calls_the_clients_make() {
    let readme = std::fs::read_to_string(root().join("contracts/README.md")).unwrap();
    let table: Vec<&str> = readme
        .split("## Calls outside the descriptions")
        .nth(1)
        .expect("the section")
        .lines()
        .skip_while(|l| !l.starts_with("| Provider"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(table.len() >= 5, "{table:?}");
    let mut source = String::new();
    let mut dirs = vec![root().join("crates/fabrik-providers/src/providers")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                source.push_str(&std::fs::read_to_string(p).unwrap());
            }
        }
    }
    let mut missing = Vec::new();
    for row in table {
        let route = code_spans(row.split('|').nth(2).unwrap_or_default())[0];
        let path = route.split_whitespace().nth(1).expect("METHOD /path");
        for fixed in path
            .split('/')
            .filter(|p| !p.is_empty() && !p.starts_with('{'))
        {
            if !source.contains(fixed) {
                missing.push(format!("{route}: `{fixed}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes in the table no client calls: {missing:?}"
    );
}
