//! The reader of `tests/layers.rs`: every source file of a crate's folder, the module paths
//! each names (`crate::a::b`, `super::c`, `use` groups), followed through what a module passes
//! on (`pub use`) to the file that defines it, as a graph of files; and the check for cycles.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub(super) type Module = Vec<String>;

pub(super) fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().unwrap() != "bin" {
                source_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` → `[a, b]`; `src/a/mod.rs` → `[a]`; `src/lib.rs` → `[]`.
pub(super) fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The code a file runs in the app: comments and its test module left out.
pub(super) fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_lowercase() || c == '_'
}

/// The path segments following `at`: the modules, and the item they lead to (`::a::b::C::d`
/// gives `[a, b, C]`: a type ends it). The item is what a re-export is followed by.
fn segments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(after) = rest.strip_prefix("::") {
        let seg: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if seg.is_empty() || seg.starts_with(|c: char| c.is_ascii_digit()) {
            break;
        }
        rest = &after[seg.len()..];
        let item = !seg.starts_with(is_ident_start);
        out.push(seg);
        if item {
            break;
        }
    }
    out
}

/// Every module path a file names, made absolute (`super` resolved against the file).
pub(super) fn named_paths(module: &Module, code: &str) -> Vec<Module> {
    let mut out = Vec::new();
    // The module `super` means: the parent of this module (for `a/b.rs` and `a/b/mod.rs` alike).
    let parent = |n: usize| -> Module { module[..module.len().saturating_sub(n)].to_vec() };
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let boundary = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let (base, after) = if boundary && rest.starts_with("crate::") && !code[..i].ends_with('$')
        {
            (Some(Vec::new()), &rest["crate".len()..])
        } else if boundary && rest.starts_with("super::") {
            // `super::super::x`: one level up per `super`.
            let mut n = 0;
            let mut r = rest;
            while let Some(x) = r.strip_prefix("super::") {
                n += 1;
                r = x;
            }
            (Some(parent(n)), &rest[rest.len() - r.len() - 2..])
        } else {
            (None, rest)
        };
        let Some(base) = base else {
            i += rest.chars().next().unwrap().len_utf8();
            continue;
        };
        let segs = segments(after);
        let mut path = base.clone();
        path.extend(segs.iter().cloned());
        out.push(path.clone());
        // `use crate::a::{b, c::d}`: each member of the group, under `a`.
        let consumed: usize = segs.iter().map(|s| s.len() + 2).sum();
        let tail = &after[consumed..];
        if let Some(group) = tail.strip_prefix("::{") {
            let end = group.find('}').unwrap_or(group.len());
            for member in group[..end].split(',') {
                let member = member.trim().split(" as ").next().unwrap_or("").trim();
                let mut p = path.clone();
                for seg in member.split("::") {
                    let seg = seg.trim();
                    let ident = seg.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                        && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                    if !ident || seg == "self" {
                        break;
                    }
                    p.push(seg.to_string());
                    if !seg.starts_with(is_ident_start) {
                        break;
                    }
                }
                out.push(p);
            }
        }
        i += after.as_ptr() as usize - rest.as_ptr() as usize + consumed.max(1);
    }
    out
}

/// The file module a path lands in: its longest prefix that is a file.
fn resolve(files: &BTreeSet<Module>, path: &Module) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| files.contains(p))
}

/// What each file re-exports: `pub use promote::{judge as judge_deployment, Refusal};` in
/// `provision/steps` maps `judge_deployment` and `Refusal` to the paths they stand for
/// (`provision/steps/promote/judge`, …). Globs (`*`) are left out.
type Reexports = BTreeMap<Module, BTreeMap<String, Module>>;

fn reexports_of(module: &Module, code: &str) -> BTreeMap<String, Module> {
    let statement = regex::Regex::new(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);").unwrap();
    let mut out = BTreeMap::new();
    for c in statement.captures_iter(code) {
        let tree: String = c[1]
            .chars()
            .filter(|c| !c.is_whitespace() || *c == ' ')
            .collect();
        use_tree(module, &[], tree.trim(), &mut out);
    }
    out
}

/// One use tree (`a::{b as c, d::{e, F}}`) under `prefix`, each leaf made absolute.
fn use_tree(module: &Module, prefix: &[String], tree: &str, out: &mut BTreeMap<String, Module>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .trim_end_matches("::")
            .split("::")
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_string())
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut start = 0;
        let mut path = prefix.to_vec();
        path.extend(head);
        for (i, ch) in inner.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    use_tree(module, &path, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        use_tree(module, &path, &inner[start..], out);
        return;
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((p, a)) => (p.trim(), Some(a.trim())),
        None => (tree, None),
    };
    let mut full = prefix.to_vec();
    full.extend(path.split("::").map(|s| s.trim().to_string()));
    let Some(last) = full.last().cloned() else {
        return;
    };
    if last.is_empty() || last == "*" || last == "self" {
        return;
    }
    // Where the path starts: the crate's root, a parent, this module, or (Rust 2018) a child.
    let absolute = match full.first().map(String::as_str) {
        Some("crate") => full[1..].to_vec(),
        Some("super") => {
            let ups = full.iter().take_while(|s| *s == "super").count();
            let mut p = module[..module.len().saturating_sub(ups)].to_vec();
            p.extend(full[ups..].iter().cloned());
            p
        }
        Some("self") => module.iter().chain(&full[1..]).cloned().collect(),
        _ => module.iter().chain(&full).cloned().collect(),
    };
    out.insert(alias.unwrap_or(&last).to_string(), absolute);
}

/// The file a path lands in, through re-exports: `crate::provision::steps::Refusal` lands in
/// the file that defines `Refusal`, not in `steps/mod.rs`, which only passes it on.
fn land(files: &BTreeSet<Module>, reexports: &Reexports, path: &Module) -> Option<Module> {
    let mut path = path.clone();
    // A bound: a re-export of a re-export is followed, a loop of them is not.
    for _ in 0..8 {
        let file = resolve(files, &path)?;
        let next = path
            .get(file.len())
            .and_then(|item| reexports.get(&file)?.get(item));
        match next {
            Some(to) if resolve(files, to).is_some() => {
                let mut to = to.clone();
                to.extend(path[file.len() + 1..].iter().cloned());
                path = to;
            }
            _ => return Some(file),
        }
    }
    resolve(files, &path)
}

/// The file-level import graph of one crate's source folder (`src`, `sim/src`).
pub(super) fn graph_of(folder: &str) -> BTreeMap<Module, BTreeSet<Module>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut paths = Vec::new();
    source_files(&src, &mut paths);
    // A top-level module the crate declares only for its tests (`#[cfg(test)] mod x;` in
    // `lib.rs`) is test code, left out as a file's own test module is.
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap_or_default();
    let for_tests: BTreeSet<String> = lib
        .split("#[cfg(test)]")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix("mod "))
        .filter_map(|rest| rest.split(';').next())
        .map(|m| m.trim().to_string())
        .collect();
    let files: BTreeMap<Module, PathBuf> = paths
        .into_iter()
        .map(|p| (module_of(&src, &p), p))
        .filter(|(m, _)| !m.first().is_some_and(|f| for_tests.contains(f)))
        .collect();
    let known: BTreeSet<Module> = files.keys().cloned().collect();
    let texts: BTreeMap<&Module, String> = files
        .iter()
        .map(|(m, p)| (m, code(&std::fs::read_to_string(p).unwrap())))
        .collect();
    let reexports: Reexports = texts
        .iter()
        .map(|(m, text)| ((*m).clone(), reexports_of(m, text)))
        .collect();
    let mut edges = BTreeMap::new();
    for (module, text) in &texts {
        let module = *module;
        let targets: BTreeSet<Module> = named_paths(module, text)
            .iter()
            .filter_map(|p| land(&known, &reexports, p))
            .filter(|t| t != module && !t.is_empty())
            .collect();
        edges.insert(module.clone(), targets);
    }
    edges
}

pub(super) fn no_cycle(edges: &BTreeMap<Module, BTreeSet<Module>>) {
    // Tarjan's strongly connected components: any with two or more files is a cycle.
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        on: BTreeSet<Module>,
        cycles: Vec<Vec<String>>,
    }
    fn visit(s: &mut State, v: &Module) {
        let n = s.index.len();
        s.index.insert(v.clone(), n);
        s.low.insert(v.clone(), n);
        s.stack.push(v.clone());
        s.on.insert(v.clone());
        for w in s.edges.get(v).cloned().unwrap_or_default() {
            if !s.index.contains_key(&w) {
                visit(s, &w);
                let lw = s.low[&w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on.contains(&w) {
                let iw = s.index[&w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on.remove(&w);
                comp.push(name(&w));
                if &w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.cycles.push(comp);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        cycles: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    assert!(
        s.cycles.is_empty(),
        "files that use each other: {:#?}",
        s.cycles
    );
}

/// The reader itself: a known upward import and a known cycle are found.
#[test]
fn the_reader_sees_imports_groups_and_super() {
    let m: Module = vec!["store".into(), "runs".into()];
    let found = named_paths(
        &m,
        "use super::{now, Store};\nuse crate::provision::{RunKind, engine::Engine};\nfn f() { crate::health::check(); super::super::x::y(); }",
    );
    let has = |p: &[&str]| found.iter().any(|f| f == p);
    assert!(has(&["store", "now"]), "{found:?}");
    assert!(has(&["provision", "engine", "Engine"]), "{found:?}");
    assert!(has(&["provision", "RunKind"]), "{found:?}");
    assert!(has(&["health", "check"]), "{found:?}");
    assert!(has(&["x", "y"]), "{found:?}");
}

/// A name a module passes on (`pub use`) leads to the file that defines it: the circle of
/// `provision/proof.rs` with `steps/promote.rs` through `steps::Refusal` (issue #69) was
/// invisible while the arrow stopped at `steps/mod.rs`.
#[test]
fn the_reader_follows_what_a_module_passes_on() {
    let steps: Module = vec!["provision".into(), "steps".into()];
    let passed = reexports_of(
        &steps,
        "pub use promote::{judge as judge_deployment, Refusal};\npub(crate) use super::super::x::{Y, z::W};\nmod promote;",
    );
    let at = |s: &[&str]| -> Module { s.iter().map(|s| s.to_string()).collect() };
    assert_eq!(
        passed["Refusal"],
        at(&["provision", "steps", "promote", "Refusal"])
    );
    assert_eq!(
        passed["judge_deployment"],
        at(&["provision", "steps", "promote", "judge"])
    );
    assert_eq!(passed["W"], at(&["x", "z", "W"]));
    let files: BTreeSet<Module> = [
        at(&["provision", "steps"]),
        at(&["provision", "steps", "promote"]),
        at(&["provision", "proof"]),
    ]
    .into();
    let reexports: Reexports = [(steps.clone(), passed)].into();
    let from_proof = named_paths(
        &at(&["provision", "proof"]),
        "crate::provision::steps::Refusal::from(e)",
    );
    let landed: Vec<Module> = from_proof
        .iter()
        .filter_map(|p| land(&files, &reexports, p))
        .collect();
    assert_eq!(landed, vec![at(&["provision", "steps", "promote"])]);
}

pub(super) fn name(m: &Module) -> String {
    m.join("/")
}
