//! Layers only point down (issues #27, #69). Between crates Cargo holds it: a crate names only
//! the crates below it in its `Cargo.toml`. Inside a crate this test does: it reads every source
//! file of the core and of each crate below it (the CLI, `crates/fabrik-cli`, which stands on top
//! of the core, has a rule of its own below), finds the modules each one names (`crate::a::b`, `super::c`, and `use
//! crate::a::{b, c::d}` groups), follows a name a module passes on (`pub use`) to the file that
//! defines it, and holds the result to two rules:
//! - no cycle between files;
//! - no top-level module names one above it in its crate's layers (`LAYERS`, `CRATES`).
//!
//! Tests inside a file (`#[cfg(test)] mod tests`) are left out: they may reach anywhere.

mod reader;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use reader::{code, graph_of, name, no_cycle, source_files, Module};

/// Fabrik's crates below the core, lowest first: each one's source folder and its modules,
/// lowest first. A crate may use the crates before it, which Cargo enforces (each names only
/// those in its `Cargo.toml`); inside a crate a module may use the ones before it, which this
/// test holds. The core passes every module of theirs on under the same name (`pub use
/// fabrik_x::…` in `src/lib.rs`), so `crate::store` reads the same in every crate.
const CRATES: &[(&str, &[&str])] = &[
    (BASE, BASE_LAYERS),
    ("crates/fabrik-store/src", &["store"]),
    ("crates/fabrik-customer/src", &["customer"]),
    ("crates/fabrik-usage/src", &["usage"]),
    ("crates/fabrik-intake/src", &["requests"]),
    ("crates/fabrik-providers/src", &["providers"]),
    ("crates/fabrik-billing/src", &["billing"]),
    ("crates/fabrik-update/src", &["update"]),
    ("crates/fabrik-database/src", &["database", "relocation"]),
    ("crates/fabrik-template/src", &["template"]),
    ("crates/fabrik-workflows/src", &["workflows"]),
    ("crates/fabrik-health/src", &["health"]),
    ("crates/fabrik-metering/src", &["metering"]),
    ("crates/fabrik-provision/src", &["provision"]),
    ("crates/fabrik-fleet/src", &["fleet"]),
    ("crates/fabrik-team/src", &["team"]),
    ("crates/fabrik-export/src", &["export", "handover"]),
    ("crates/fabrik-register/src", &["register"]),
];

/// The foundation (`crates/fabrik-base`), the lowest crate: its modules, lowest first.
const BASE: &str = "crates/fabrik-base/src";
const BASE_LAYERS: &[&str] = &[
    "fnv",
    "blocking",
    "paths",
    "seat",
    "seat_settings",
    "sql",
    "vocabulary",
    "words",
    "spreadsheet",
    "messages",
    "provider",
    "figures",
    "secrets",
    "logging",
    "ledger",
    "environment",
    "error",
];

/// The core's top-level modules (`src/`), lowest first, each above every crate of `CRATES`. A
/// module may use the ones before it.
const LAYERS: &[&str] = &[
    "credentials",
    "sandbox",
    "supervisor",
    "setup",
    "intake",
    "schedule",
    "overview",
    "services",
    "api",
];

fn graph() -> BTreeMap<Module, BTreeSet<Module>> {
    graph_of("src")
}

/// The imports of a crate's files that point at a module above their own in `layers`.
fn upward(edges: BTreeMap<Module, BTreeSet<Module>>, layers: &[&str]) -> Vec<String> {
    let rank = |m: &Module| {
        layers
            .iter()
            .position(|l| m.first().is_some_and(|f| f == l))
    };
    let mut upward = Vec::new();
    for (from, targets) in edges {
        let Some(r) = rank(&from) else {
            assert!(from.is_empty(), "{} is not in {layers:?}", name(&from));
            continue;
        };
        for to in targets {
            match rank(&to) {
                Some(t) if t > r => upward.push(format!("{} -> {}", name(&from), name(&to))),
                None => panic!("{} is not in {layers:?}", name(&to)),
                _ => {}
            }
        }
    }
    upward
}

#[test]
fn no_module_of_the_core_uses_one_above_it() {
    let up = upward(graph(), LAYERS);
    assert!(up.is_empty(), "imports that point up: {up:#?}");
}

#[test]
fn no_module_of_a_lower_crate_uses_one_above_it() {
    for (folder, layers) in CRATES {
        let up = upward(graph_of(folder), layers);
        assert!(up.is_empty(), "{folder}: imports that point up: {up:#?}");
    }
}

#[test]
fn no_two_files_of_the_core_use_each_other() {
    no_cycle(&graph());
}

#[test]
fn no_two_files_of_a_lower_crate_use_each_other() {
    for (folder, _) in CRATES {
        no_cycle(&graph_of(folder));
    }
}

/// The simulator too: two of its services that need each other are one service, or share a
/// module below both.
#[test]
fn no_two_files_of_the_simulator_use_each_other() {
    no_cycle(&graph_of("sim/src"));
}

/// The CLI stands on the core like the window does, and its files keep the same discipline: the
/// shared ground (printing, following a run, the runtime, the roll-out commands every roll-out
/// kind shares, the seat's language and its Swedish help) is used by the command groups; a
/// command group uses no other command group, so each `fabrik <group>` reads on its own and
/// nothing circles.
const CLI_GROUND: &[&str] = &[
    "print",
    "progress",
    "runtime",
    "watch",
    "fleet",
    "language",
    "help_sv",
    "help_sv_args",
];

#[test]
fn the_clis_command_groups_stand_on_its_ground_alone() {
    let edges = graph_of("crates/fabrik-cli/src");
    no_cycle(&edges);
    let is_ground = |m: &Module| m.first().is_some_and(|f| CLI_GROUND.contains(&f.as_str()));
    let mut across = Vec::new();
    for (from, targets) in &edges {
        // The crate's root (`lib.rs`: the flags and the dispatch) names every group.
        if from.is_empty() {
            continue;
        }
        for to in targets {
            if !is_ground(to) {
                across.push(format!("{} -> {}", name(from), name(to)));
            }
        }
    }
    assert!(
        across.is_empty(),
        "CLI files that use a command group (move what they share to the ground: {CLI_GROUND:?}): {across:#?}"
    );
}

/// A macro exported at the crate root would be named `crate::m!` from below, an import that
/// runs up to `lib.rs`: the core's macros belong to the module that declares them. The top
/// layer (`api`) alone exports one, the command table the shells expand; a lower crate exports
/// its own under hidden names (`__fabrik_…`), each named by its module (the foundation's
/// `vocabulary!` and `params!`, the register's `store::db::params!`).
#[test]
fn no_module_of_the_core_names_a_macro_at_the_crate_root() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut paths = Vec::new();
    source_files(&src, &mut paths);
    for (folder, _) in CRATES {
        source_files(&root.join(folder), &mut paths);
    }
    let top = src.join(LAYERS[LAYERS.len() - 1]);
    let mut found = Vec::new();
    for path in paths.into_iter().filter(|p| !p.starts_with(&top)) {
        let text = std::fs::read_to_string(&path).unwrap();
        let hidden = |i: usize| text[i..].contains("macro_rules! __fabrik_");
        let exports: Vec<usize> = text
            .match_indices("#[macro_export]")
            .map(|(i, _)| i)
            .collect();
        let lower = path.starts_with(root.join("crates"));
        if exports.iter().any(|&i| !(lower && hidden(i))) {
            found.push(format!("{}: #[macro_export]", path.display()));
        }
        let code = code(&text);
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if code[i + 7 + name.len()..].starts_with('!') {
                found.push(format!("{}: crate::{name}!", path.display()));
            }
        }
    }
    assert!(found.is_empty(), "macros at the crate root: {found:#?}");
}

/// The command surface is one layer thin: no file in `src/api/` uses another but `app.rs`
/// (`Fabrik`, the handles every command reads: the register, the cloud, the supervisor, the
/// host), and `mod.rs` only declares them. What a command does beyond calling one service is
/// that service's, below.
#[test]
fn no_file_of_the_command_surface_uses_another() {
    let in_api = |m: &Module| m.first().is_some_and(|f| f == "api");
    let handles: Module = vec!["api".into(), "app".into()];
    let mut found = Vec::new();
    for (from, targets) in graph() {
        if !in_api(&from) || from.len() == 1 {
            continue;
        }
        for to in targets.iter().filter(|t| in_api(t)) {
            if *to != handles {
                found.push(format!("{} -> {}", name(&from), name(to)));
            }
        }
    }
    assert!(
        found.is_empty(),
        "api files that use each other: {found:#?}"
    );
}

/// The top-level modules a crate's `lib.rs` declares (`folder` is its source folder).
fn declared_modules(folder: &str) -> Vec<String> {
    let lib = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(folder)
            .join("lib.rs"),
    )
    .unwrap();
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').trim().to_string())
        .collect()
}

/// `LAYERS` is every top-level module of the core and each crate of `CRATES` lists every one of
/// its own, each once, and each has its file; the core passes on every module of the crates
/// below it under its own name (`pub use fabrik_x::{…}` or `pub use fabrik_x::m;`), so a path
/// reads the same in all of them.
#[test]
fn the_layers_are_the_cores_modules() {
    let all = std::iter::once(("src", LAYERS)).chain(CRATES.iter().copied());
    for (folder, list) in all {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
        let layers: BTreeSet<String> = list.iter().map(|l| l.to_string()).collect();
        assert_eq!(layers.len(), list.len(), "a module twice in {list:?}");
        let declared: BTreeSet<String> = declared_modules(folder).into_iter().collect();
        assert_eq!(
            declared, layers,
            "{folder}/lib.rs declares other modules than its layers"
        );
        for m in list {
            assert!(
                src.join(format!("{m}.rs")).is_file() || src.join(m).join("mod.rs").is_file(),
                "{m} has neither {folder}/{m}.rs nor {folder}/{m}/mod.rs"
            );
        }
    }
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for (folder, list) in CRATES {
        let name = folder
            .strip_prefix("crates/")
            .and_then(|f| f.strip_suffix("/src"))
            .expect("crates/<name>/src")
            .replace('-', "_");
        let passed: BTreeSet<&str> = lib
            .split(&format!("pub use {name}::"))
            .skip(1)
            .flat_map(|rest| {
                let rest = rest.trim_start();
                match rest.strip_prefix('{') {
                    Some(group) => group.split('}').next().unwrap_or_default(),
                    None => rest.split(';').next().unwrap_or_default(),
                }
                .split(',')
            })
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .collect();
        assert_eq!(
            passed,
            list.iter().copied().collect::<BTreeSet<_>>(),
            "src/lib.rs passes on the modules of {folder}"
        );
    }
}

/// Every layer, lowest first: the crates' below the core, then the core's.
fn every_layer() -> Vec<&'static str> {
    CRATES
        .iter()
        .flat_map(|(_, layers)| layers.iter())
        .chain(LAYERS)
        .copied()
        .collect()
}

/// The section of docs/ARCHITECTURE.md whose level-2 heading ends with `title`.
fn architecture_section(title: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ARCHITECTURE.md");
    let text = std::fs::read_to_string(path).unwrap();
    text.split("\n## ")
        .skip(1)
        .find(|s| {
            s.lines()
                .next()
                .is_some_and(|h| h.trim_end().ends_with(title))
        })
        .unwrap_or_else(|| panic!("docs/ARCHITECTURE.md has no section \"{title}\""))
        .to_string()
}

fn spans(line: &str) -> impl Iterator<Item = &str> {
    line.split('`').skip(1).step_by(2)
}

/// The document's layer list (the names after "lowest first:", up to the end of that
/// sentence) is `LAYERS`, in the same order.
#[test]
fn the_architectures_layer_list_is_the_layers() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ARCHITECTURE.md");
    let text = std::fs::read_to_string(path).unwrap();
    let start = text
        .to_lowercase()
        .find("lowest first:")
        .expect("docs/ARCHITECTURE.md lists the layers after \"lowest first:\"");
    let after = &text[start + "lowest first:".len()..];
    // The sentence ends at a full stop outside backticks.
    let mut inside = false;
    let end = after
        .char_indices()
        .find(|&(_, c)| {
            if c == '`' {
                inside = !inside;
            }
            c == '.' && !inside
        })
        .map_or(after.len(), |(i, _)| i);
    let listed: Vec<&str> = spans(&after[..end]).collect();
    assert_eq!(
        listed,
        every_layer(),
        "docs/ARCHITECTURE.md: the layer list, lowest first (the crates' below the core, then the core's), as tests/layers.rs has it"
    );
}

/// The document's layout table names every top-level module (`src/x.rs` or `src/x/`) in a
/// row of its own, in the order of `LAYERS`.
#[test]
fn the_architectures_layout_table_has_every_module_in_layer_order() {
    let section = architecture_section("Layout");
    let mut listed = Vec::new();
    for row in section.lines().filter(|l| l.starts_with('|')) {
        let first = row.trim_matches('|').split('|').next().unwrap_or("");
        for path in spans(first) {
            let inside = CRATES
                .iter()
                .find_map(|(folder, _)| path.strip_prefix(&format!("{folder}/")));
            let module = inside
                .or_else(|| path.strip_prefix("src/"))
                .and_then(|p| p.strip_suffix(".rs").or_else(|| p.strip_suffix('/')))
                .filter(|m| !m.contains('/'));
            if let Some(m) = module.filter(|m| every_layer().contains(m)) {
                listed.push(m);
            }
        }
    }
    assert_eq!(
        listed,
        every_layer(),
        "docs/ARCHITECTURE.md, \"Layout\": one row per top-level module, in layer order"
    );
}

/// The crates' table in docs/ARCHITECTURE.md ("Layers") is the workspace: one row per member, in
/// an order where each uses only rows above it, and its "Uses" are the Fabrik crates its
/// `Cargo.toml` names as dependencies (not the ones only its tests use).
#[test]
fn the_architectures_crate_table_is_the_workspace() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let section = architecture_section("Layers");
    let rows: Vec<(String, String, BTreeSet<String>)> = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|row| {
            let cells: Vec<&str> = row.trim_matches('|').split('|').collect();
            let first = |c: &str| spans(c).next().unwrap_or_default().to_string();
            let uses = spans(cells[2]).map(String::from).collect();
            (first(cells[0]), first(cells[1]), uses)
        })
        .collect();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members = manifest
        .split("\nmembers = [")
        .nth(1)
        .and_then(|r| r.split(']').next())
        .expect("the workspace's members");
    let mut folders = BTreeSet::new();
    for member in members.split(',').map(|m| m.trim().trim_matches('"')) {
        match member.strip_suffix("/*") {
            Some(parent) => {
                for e in std::fs::read_dir(root.join(parent)).unwrap() {
                    let name = e.unwrap().file_name().to_string_lossy().to_string();
                    folders.insert(format!("{parent}/{name}/"));
                }
            }
            None if member == "." => drop(folders.insert("./".to_string())),
            None if !member.is_empty() => drop(folders.insert(format!("{member}/"))),
            None => {}
        }
    }
    let listed: BTreeSet<String> = rows.iter().map(|(_, f, _)| f.clone()).collect();
    assert_eq!(listed, folders, "the crates' table names every member once");
    let mut above = BTreeSet::new();
    for (name, folder, uses) in &rows {
        let cargo = std::fs::read_to_string(root.join(folder).join("Cargo.toml")).unwrap();
        assert!(
            cargo.contains(&format!("\nname = \"{name}\"")),
            "{folder}Cargo.toml is not {name}"
        );
        let mut section = "";
        let mut named = BTreeSet::new();
        for line in cargo.lines() {
            if line.starts_with('[') {
                section = line;
            } else if section.ends_with("dependencies]") && !section.contains("dev-") {
                let dep = line.split(['=', ' ']).next().unwrap_or_default();
                if dep.starts_with("fabrik") {
                    named.insert(dep.to_string());
                }
            }
        }
        assert_eq!(&named, uses, "{name}: what its Cargo.toml uses");
        let later: Vec<&String> = named.iter().filter(|n| !above.contains(*n)).collect();
        assert!(later.is_empty(), "{name} uses crates below it: {later:?}");
        above.insert(name.clone());
    }
}
