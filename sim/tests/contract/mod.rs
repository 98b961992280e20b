//! The contract check (issue #70): every exchange the test suite had with the simulator, held to
//! its provider's official description in `contracts/`.
//!
//! The simulator records each exchange when `FABRIK_CONTRACT_RECORD` names a folder
//! (`fabrik_sim::contract_record`); `scripts/test.sh` sets it for the Rust suite and then runs
//! `recorded_exchanges_hold_to_their_descriptions` on that folder. A route, a method, a query
//! parameter or value, a request body or an answer outside the description fails it, unless its
//! route is listed in `contracts/README.md` ("Calls outside the descriptions") with why, the public source, and what Fabrik does if
//! the service refuses it.

mod cases;
mod describe;
mod outside;
mod routes;
mod swagger2;

use std::collections::BTreeMap;

use fabrik_sim::contract_record::Exchange;
use serde_json::Value;

use describe::{Description, Finding};

/// The providers whose exchanges fail the check when outside their description: every one
/// Fabrik calls. The one left out, `supabase-rest` (a project's own REST API, PostgREST), Fabrik
/// never calls: only a test does, as the customer's app would (a signed-in administrator reading
/// their organization), and its description is the one each project's PostgREST makes from its
/// own schema, with nothing stored to hold it to. Its exchanges are reported.
pub const HELD: &[&str] = &[
    "vercel",
    "n8n",
    "resend",
    "supabase",
    "supabase-storage",
    "supabase-auth",
    "github",
    "gitea",
    "stripe",
];

/// What one run of the check saw, by provider.
#[derive(Debug, Default)]
pub struct Tally {
    pub exchanges: usize,
    pub validated: usize,
    pub listed: usize,
    /// Answers not validated: a fault the test injected, or a body too large or not JSON.
    pub answers_skipped: usize,
    /// A test's deliberate calls outside the description that the simulator refused, as the
    /// service would (`fabrik_sim::contract_record::PROBE_HEADER`).
    pub probes: usize,
    /// Each finding once, with how many exchanges had it.
    pub findings: BTreeMap<String, usize>,
    /// Each route Fabrik's own clients called (`METHOD /template`), with its verdict ("in the
    /// description" or "listed as outside it") and how many exchanges.
    pub routes: BTreeMap<String, (&'static str, usize)>,
}

const IN_THE_DESCRIPTION: &str = "in the description";
const LISTED: &str = "listed as outside it (contracts/README.md)";
const FIELDS_LISTED: &str = "in the description, some fields listed (contracts/README.md)";

/// Checks exchanges against the descriptions, by provider.
pub fn check(exchanges: &[Exchange]) -> BTreeMap<&'static str, Tally> {
    let once: Vec<(Exchange, usize)> = exchanges.iter().map(|e| (e.clone(), 1)).collect();
    check_counted(&once)
}

/// The same, each exchange with how often it happened (read once, counted as often). The
/// exchanges are shared out among the machine's cores (alone at the end of the test command, the
/// check took 24 s of one core): every n-th to each, and each thread starts its share at its own
/// place in their order (by route), so that no two threads need the same schema compiled at
/// once, where one would wait for the other.
pub fn check_counted(exchanges: &[(Exchange, usize)]) -> BTreeMap<&'static str, Tally> {
    let listed = outside::table();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let shares: Vec<Vec<&(Exchange, usize)>> = (0..threads)
        .map(|i| {
            let mut share: Vec<_> = exchanges.iter().skip(i).step_by(threads).collect();
            let start = share.len() * i / threads;
            share.rotate_left(start);
            share
        })
        .collect();
    std::thread::scope(|s| {
        let parts: Vec<_> = shares
            .into_iter()
            .map(|share| {
                let listed = &listed;
                s.spawn(move || check_some(share.into_iter(), listed))
            })
            .collect();
        let mut tallies: BTreeMap<&'static str, Tally> = BTreeMap::new();
        for part in parts {
            let part = part.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            for (provider, t) in part {
                tallies.entry(provider).or_default().add(t);
            }
        }
        tallies
    })
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.exchanges += other.exchanges;
        self.validated += other.validated;
        self.listed += other.listed;
        self.answers_skipped += other.answers_skipped;
        self.probes += other.probes;
        for (f, n) in other.findings {
            *self.findings.entry(f).or_default() += n;
        }
        for (route, (verdict, n)) in other.routes {
            self.routes.entry(route).or_insert((verdict, 0)).1 += n;
        }
    }
}

fn check_some<'a>(
    exchanges: impl Iterator<Item = &'a (Exchange, usize)>,
    listed: &[outside::Listed],
) -> BTreeMap<&'static str, Tally> {
    let mut tallies: BTreeMap<&'static str, Tally> = BTreeMap::new();
    for (e, times) in exchanges.map(|(e, n)| (e, *n)) {
        let Some((provider, route_path)) = routes::provider_of(&e.path) else {
            continue;
        };
        let tally = tallies.entry(provider).or_default();
        tally.exchanges += times;
        if e.probe {
            if e.status >= 400 {
                tally.probes += times;
            } else {
                let text = format!(
                    "{} {route_path}: a probe outside the description was served ({})",
                    e.method, e.status
                );
                *tally
                    .findings
                    .entry(format!("{provider}: {text}"))
                    .or_default() += times;
            }
            continue;
        }
        if outside::is_listed(listed, provider, &e.method, &route_path, None) {
            tally.listed += times;
            if e.by_fabrik {
                let route = listed_route(listed, provider, &e.method, &route_path);
                tally.routes.entry(route).or_insert((LISTED, 0)).1 += times;
            }
            continue;
        }
        let Some(description) = Description::of(provider) else {
            *tally
                .findings
                .entry(format!("{provider}: no official description is stored"))
                .or_default() += times;
            continue;
        };
        let template = description.route(&e.method, &route_path);
        let findings = match &template {
            None => vec![Finding::new(format!(
                "{} {route_path}: not in the description",
                e.method
            ))],
            Some(t) => {
                let (findings, answer_checked) = description.exchange(t, e);
                if !answer_checked {
                    tally.answers_skipped += times;
                }
                findings
            }
        };
        // A field listed in the table is not a finding.
        let template = template.unwrap_or(route_path);
        if e.by_fabrik {
            let some_fields = listed.iter().any(|l| {
                l.provider == provider
                    && l.method.eq_ignore_ascii_case(&e.method)
                    && l.route == template
            });
            let verdict = match some_fields {
                true => FIELDS_LISTED,
                false => IN_THE_DESCRIPTION,
            };
            let route = format!("{} {template}", e.method);
            tally.routes.entry(route).or_insert((verdict, 0)).1 += times;
        }
        let findings: Vec<Finding> = findings
            .into_iter()
            .filter(|f| {
                f.place.as_deref().is_none_or(|place| {
                    !outside::is_listed(listed, provider, &e.method, &template, Some(place))
                })
            })
            .collect();
        if findings.is_empty() {
            tally.validated += times;
        }
        for f in findings {
            *tally
                .findings
                .entry(format!("{provider}: {}", f.text))
                .or_default() += times;
        }
    }
    tallies
}

/// The table's own template of a listed route (`GET /metrics`), as the report names it.
fn listed_route(listed: &[outside::Listed], provider: &str, method: &str, path: &str) -> String {
    listed
        .iter()
        .find(|l| {
            l.provider == provider
                && l.method.eq_ignore_ascii_case(method)
                && routes::fits(&l.route, path).is_some()
        })
        .map_or_else(
            || format!("{method} {path}"),
            |l| format!("{method} {}", l.route),
        )
}

/// Every exchange recorded in `dir` (one JSON line each, one file a process), each once with how
/// often it happened: a poll answered alike is the same line again.
pub fn read_recorded(dir: &std::path::Path) -> Vec<(Exchange, usize)> {
    let mut lines: std::collections::HashMap<String, usize> = Default::default();
    for entry in std::fs::read_dir(dir).expect("the recorded exchanges' folder") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|x| x != "jsonl") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a recorded file");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            *lines.entry(line.to_string()).or_default() += 1;
        }
    }
    let mut all: Vec<(Exchange, usize)> = lines
        .into_iter()
        // A process killed mid-write leaves its last line cut: that one is not counted.
        .filter_map(|(line, n)| Some((serde_json::from_str::<Exchange>(&line).ok()?, n)))
        .collect();
    all.sort_by(|a, b| (&a.0.path, &a.0.method).cmp(&(&b.0.path, &b.0.method)));
    all
}

/// One line a provider, then its findings, for the test command's output.
pub fn report(tallies: &BTreeMap<&'static str, Tally>) -> String {
    let mut out = String::new();
    for (provider, t) in tallies {
        let held = if HELD.contains(provider) {
            "held"
        } else {
            "reported"
        };
        out.push_str(&format!(
            "contract: {provider} ({held}): {} exchanges, {} within the description, {} listed as outside it, {} refused probes, {} answers not validated, {} findings\n",
            t.exchanges,
            t.validated,
            t.listed,
            t.probes,
            t.answers_skipped,
            t.findings.len()
        ));
        for (f, n) in &t.findings {
            out.push_str(&format!("  {n:>5} × {f}\n"));
        }
    }
    let called: usize = tallies.values().map(|t| t.routes.len()).sum();
    out.push_str(&format!(
        "contract: the routes Fabrik's clients called: {called}\n"
    ));
    for (provider, t) in tallies {
        for (route, (verdict, n)) in &t.routes {
            out.push_str(&format!(
                "  {provider} {route}: {verdict} ({n} exchanges)\n"
            ));
        }
    }
    out
}

/// The findings of the held providers.
pub fn held_findings(tallies: &BTreeMap<&'static str, Tally>) -> Vec<String> {
    tallies
        .iter()
        .filter(|(p, _)| HELD.contains(p))
        .flat_map(|(_, t)| t.findings.keys().cloned())
        .collect()
}

/// Reads what the suite recorded (`FABRIK_CONTRACT_RECORDED`) and fails on any finding of a held
/// provider. Ignored in a plain `cargo test`: there is nothing recorded before the suite ran.
#[test]
#[ignore = "reads what the suite recorded: scripts/test.sh runs it after the suite"]
fn recorded_exchanges_hold_to_their_descriptions() {
    let dir = std::env::var_os("FABRIK_CONTRACT_RECORDED")
        .expect("FABRIK_CONTRACT_RECORDED names the folder the suite recorded in");
    let exchanges = read_recorded(std::path::Path::new(&dir));
    assert!(
        !exchanges.is_empty(),
        "nothing was recorded: was FABRIK_CONTRACT_RECORD set for the suite?"
    );
    let tallies = check_counted(&exchanges);
    println!("{}", report(&tallies));
    let held = held_findings(&tallies);
    assert!(
        held.is_empty(),
        "{} findings outside the official descriptions (fix the call or the simulator, or list the route in contracts/README.md):\n{}",
        held.len(),
        held.join("\n")
    );
}
