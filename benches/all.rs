//! Every benchmark in one program, each a module: one program compiles the shared set-up
//! (`common/`) once and links once, where a program a benchmark linked the whole core thirteen
//! times in the test command's build. Numbers, not assertions, printed as `bench: key=value`.
//! `bash scripts/bench.sh [NAME...]` runs them, each in a keyring session of its own; one alone:
//! `cargo bench --bench all -- NAME`.

#[path = "common/fleet.rs"]
mod fleet;
#[path = "common/schema_rollout.rs"]
mod schema_rollout;
#[path = "common/usage_nightly.rs"]
mod usage_nightly;

mod export;
mod overview;
mod provision;
mod register;
mod relocation;
mod rollout;
mod rollout_usage;
mod team;
mod template;
mod tick;
mod usage_collect;
mod usage_fleet;
mod workflow_backup;

/// The benchmarks by the name `bench.sh` and `cargo bench --bench all -- NAME` give them.
const BENCHES: &[(&str, fn())] = &[
    ("register", register::main),
    ("provision", provision::main),
    ("rollout", rollout::main),
    ("rollout_usage", rollout_usage::main),
    ("template", template::main),
    ("workflow_backup", workflow_backup::main),
    ("tick", tick::main),
    ("team", team::main),
    ("usage_fleet", usage_fleet::main),
    ("overview", overview::main),
    ("usage_collect", usage_collect::main),
    ("export", export::main),
    ("relocation", relocation::main),
];

fn main() {
    // `cargo bench` adds `--bench`; the one other argument names the benchmark.
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let known = || {
        BENCHES
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let [name] = named.as_slice() else {
        eprintln!(
            "name one benchmark: cargo bench --bench all -- NAME ({})",
            known()
        );
        std::process::exit(2);
    };
    match BENCHES.iter().find(|(n, _)| n == name) {
        Some((_, run)) => run(),
        None => {
            eprintln!("no benchmark named {name}: {}", known());
            std::process::exit(2);
        }
    }
}
