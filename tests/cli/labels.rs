//! The command line's words come from the catalogue (issue #56): no match arm in `crates/fabrik-cli/src`
//! yields a string literal with words (`X => "tas bort"`, `X => format!("på {}", …)`), which
//! made the CLI a third text catalogue beside `crates/fabrik-base/src/messages` and `ui/src/i18n.ts`. A label is a
//! sentence of `Say` (`crates/fabrik-base/src/messages/say.rs`), reached through the thing's own `label()` where
//! the core declares one. Symbols (`⇄`, `✗`) are no words and pass.

use std::path::{Path, PathBuf};

/// Files whose arms are not in the catalogue yet. None is left, and none is added.
const CONVERTED_ELSEWHERE: &[&str] = &[];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Each arm yielding a literal with a letter in it (placeholders aside): `line: arm`.
fn label_arms(code: &str) -> Vec<String> {
    let arm = regex::Regex::new(r#"=>\s*\{?\s*(?:format!\(\s*)?"((?:[^"\\]|\\.)*)""#).unwrap();
    let placeholder = regex::Regex::new(r"\{[^}]*\}").unwrap();
    arm.captures_iter(code)
        .filter(|c| {
            placeholder
                .replace_all(&c[1], "")
                .chars()
                .any(char::is_alphabetic)
        })
        .map(|c| {
            let at = c.get(0).unwrap().start();
            format!("{}: {}", code[..at].lines().count(), &c[0])
        })
        .collect()
}

#[test]
fn no_match_arm_in_the_command_line_yields_words() {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/fabrik-cli/src");
    let mut files = Vec::new();
    rust_files(&bin, &mut files);
    assert!(files.len() > 10, "{files:?}");
    let mut found = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(&bin)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if CONVERTED_ELSEWHERE.contains(&rel.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        found.extend(
            label_arms(&text)
                .into_iter()
                .map(|a| format!("crates/fabrik-cli/src/{rel}:{a}")),
        );
    }
    assert!(
        found.is_empty(),
        "labels written in the command line; declare them in crates/fabrik-base/src/messages/say.rs:\n{}",
        found.join("\n")
    );
}

/// The scan finds an arm over several lines and a `format!`, and lets symbols through.
#[test]
fn the_scan_finds_words_and_lets_symbols_through() {
    let code = "match x {\n    A => \"tas bort\",\n    B => format!(\n        \"på {}\", s),\n    \
                C => \"⇄\",\n    D => format!(\"{} ({r})\", c),\n}";
    assert_eq!(
        label_arms(code),
        vec![
            "2: => \"tas bort\"".to_string(),
            "3: => format!(\n        \"på {}\"".to_string(),
        ]
    );
}
