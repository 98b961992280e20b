//! The contract check (issue #70): every exchange the test suite had with the simulator, held to
//! its provider's official description in `contracts/`.
//!
//! The simulator records each exchange when `FABRIK_CONTRACT_RECORD` names a folder
//! (`fabrik_sim::contract_record`); `scripts/test.sh` sets it for the Rust suite and then runs
//! `recorded_exchanges_hold_to_their_descriptions` on that folder. A route, a method, a query
//! parameter or value, a request body or an answer outside the description fails it, unless its
//! route is listed in `contracts/README.md` ("Calls outside the descriptions") with why, the public source, and what Fabrik does if
//! the service refuses it.

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

fn exchange(method: &str, path: &str, request: Value, status: u16, answer: Value) -> Exchange {
    Exchange {
        method: method.into(),
        path: path.into(),
        query: None,
        request,
        form: None,
        status,
        answer,
        answer_unread: false,
        probe: false,
        by_fabrik: false,
    }
}

/// The report names each route Fabrik's own clients called, with its verdict; a test's own
/// call (as the customer, say) is not among them.
#[test]
fn the_report_lists_the_routes_fabrik_called_with_their_verdict() {
    let mut fabriks = exchange(
        "GET",
        "/n8n/api/v1/workflows/12",
        Value::Null,
        404,
        Value::Null,
    );
    fabriks.by_fabrik = true;
    let mut metrics = exchange("GET", "/n8n/metrics", Value::Null, 404, Value::Null);
    metrics.by_fabrik = true;
    let tests_own = exchange(
        "GET",
        "/n8n/api/v1/executions",
        Value::Null,
        404,
        Value::Null,
    );
    let said = report(&check(&[fabriks.clone(), fabriks, metrics, tests_own]));
    assert!(
        said.contains("the routes Fabrik's clients called: 2"),
        "{said}"
    );
    assert!(
        said.contains("n8n GET /workflows/{id}: in the description (2 exchanges)"),
        "{said}"
    );
    assert!(
        said.contains("n8n GET /metrics: listed as outside it"),
        "{said}"
    );
    assert!(!said.contains("GET /executions:"), "{said}");
}

/// The check can fail: a route, a field and a value outside Vercel's description are each
/// found, and a documented exchange is not.
#[test]
fn the_check_finds_what_is_outside_a_description() {
    use serde_json::json;
    let good = exchange(
        "GET",
        "/vercel/v9/projects/prj_1",
        Value::Null,
        404,
        json!({"error": {"code": "not_found", "message": "Project not found"}}),
    );
    let unknown_route = exchange(
        "GET",
        "/vercel/v9/invented/route",
        Value::Null,
        200,
        json!({}),
    );
    let mut bad_query = exchange("GET", "/vercel/v10/projects", Value::Null, 200, Value::Null);
    bad_query.query = Some("invented=1".into());
    // The same request refused, as the service would: no finding.
    let mut refused = bad_query.clone();
    refused.status = 400;
    let bad_body = exchange(
        "POST",
        "/vercel/v10/projects/prj_1/env",
        json!([{"key": "A", "value": "b", "type": "not-a-type", "target": ["production"]}]),
        201,
        Value::Null,
    );
    let tallies = check(&[good, refused]);
    assert_eq!(
        held_findings(&tallies),
        Vec::<String>::new(),
        "{}",
        report(&tallies)
    );
    for bad in [unknown_route, bad_query, bad_body] {
        let tallies = check(std::slice::from_ref(&bad));
        assert_eq!(
            held_findings(&tallies).len(),
            1,
            "{bad:?}: {}",
            report(&tallies)
        );
    }
}

/// A test's deliberate call outside the description is no finding when the simulator refused
/// it (the service's own 404), and a finding when it was served.
#[test]
fn a_probe_is_a_finding_only_when_it_was_served() {
    use serde_json::json;
    let mut refused = exchange(
        "GET",
        "/vercel/v9/invented/route",
        Value::Null,
        404,
        json!({"error": {"code": "not_found", "message": "The requested path was not found"}}),
    );
    refused.probe = true;
    let tallies = check(std::slice::from_ref(&refused));
    assert_eq!(
        held_findings(&tallies),
        Vec::<String>::new(),
        "{}",
        report(&tallies)
    );
    assert_eq!(tallies["vercel"].probes, 1);
    let mut served = refused.clone();
    served.status = 200;
    let tallies = check(&[served]);
    assert_eq!(held_findings(&tallies).len(), 1, "{}", report(&tallies));
}

/// Storage's upload takes any media type (`*/*`): a JSON object uploaded is within it. The
/// project's gateway answers before Storage (no `apikey`): `{message, hint}` with 401 is the
/// gateway's and not held to Storage's error schema; Storage's own error without its fields is.
#[test]
fn an_upload_of_any_type_and_the_gateways_answer_are_within_storages_description() {
    use serde_json::json;
    let upload = exchange(
        "POST",
        "/supabase-project/abcdefghijklmnopqrst/storage/v1/object/backups/a/b.json",
        json!({"nodes": []}),
        200,
        json!({"Key": "backups/a/b.json", "Id": "5f1c8a4e-3b61-4e52-9a8e-2a1f4c2b9d10"}),
    );
    let gateway = exchange(
        "GET",
        "/supabase-project/abcdefghijklmnopqrst/storage/v1/bucket/",
        Value::Null,
        401,
        json!({"message": "No API key found in request", "hint": "No `apikey` request header or url param was found."}),
    );
    let tallies = check(&[upload, gateway.clone()]);
    assert_eq!(
        tallies["supabase-storage"].findings.len(),
        0,
        "{}",
        report(&tallies)
    );
    // Storage's own error lacks none of `statusCode`, `error`, `message`, `code`.
    let mut own = gateway;
    own.status = 400;
    own.answer = json!({"message": "Bucket not found"});
    let tallies = check(&[own]);
    assert_eq!(held_findings(&tallies).len(), 1, "{}", report(&tallies));
}

/// The Management API's claim flow redirects (302) to Supabase's claim page, where the
/// description lists 204: held to the 204's description (`ERRATA`). Another redirect is a
/// finding.
#[test]
fn the_claim_flows_redirect_is_held_to_the_answer_the_description_lists() {
    let mut claim = exchange(
        "GET",
        "/supabase/v1/oauth/authorize/project-claim",
        Value::Null,
        302,
        Value::Null,
    );
    claim.query = Some(
        "project_ref=abcdefghijklmnopqrst&client_id=66666666-6666-4666-8666-666666666666\
         &response_type=code&redirect_uri=https%3A%2F%2Fbyran.se%2Fclaimed&state=s"
            .into(),
    );
    let tallies = check(std::slice::from_ref(&claim));
    assert_eq!(
        held_findings(&tallies),
        Vec::<String>::new(),
        "{}",
        report(&tallies)
    );
    let mut moved = claim;
    moved.status = 301;
    let tallies = check(&[moved]);
    assert_eq!(held_findings(&tallies).len(), 1, "{}", report(&tallies));
}

/// GoTrue's link redirects with 303 See Other, which Auth's description lists as 302 (the one
/// erratum, `ERRATA`): held to the 302's description. Another status it does not list is a
/// finding.
#[test]
fn the_links_see_other_is_held_to_the_redirect_the_description_lists() {
    use serde_json::json;
    let verify = exchange(
        "GET",
        "/supabase-project/abcdefghijklmnopqrst/auth/v1/verify",
        Value::Null,
        303,
        Value::Null,
    );
    let tallies = check(std::slice::from_ref(&verify));
    assert_eq!(
        held_findings(&tallies),
        Vec::<String>::new(),
        "{}",
        report(&tallies)
    );
    let mut moved = verify;
    moved.status = 301;
    moved.answer = json!(null);
    let tallies = check(&[moved]);
    assert_eq!(held_findings(&tallies).len(), 1, "{}", report(&tallies));
}

/// A value the recorder masked (`***`) is held to its type, not to the rules on its value: the
/// Auth settings' `password_required_characters` is masked by its name, and its enum is then
/// no finding; an unmasked value outside the enum still is.
#[test]
fn a_masked_value_is_held_to_its_type_not_its_value() {
    use serde_json::json;
    let body = |v: Value| {
        exchange(
            "PATCH",
            "/supabase/v1/projects/abcdefghijklmnopqrst/config/auth",
            json!({ "password_required_characters": v }),
            200,
            Value::Null,
        )
    };
    let masked = check(&[body(json!("***"))]);
    assert_eq!(
        held_findings(&masked),
        Vec::<String>::new(),
        "{}",
        report(&masked)
    );
    let outside = check(&[body(json!("letters only"))]);
    assert_eq!(held_findings(&outside).len(), 1, "{}", report(&outside));
    let not_a_string = check(&[body(json!(8))]);
    let findings = held_findings(&not_a_string);
    assert!(
        findings.iter().any(|f| f.contains("`type`")),
        "{}",
        report(&not_a_string)
    );
}

/// What the simulator records for the check: the exchange with its request and answer, and no
/// secret of either (a sentinel value sent as a variable's value and in a secret-named query
/// parameter is searched for in the whole folder afterwards).
#[tokio::test]
async fn the_simulator_records_each_exchange_with_its_secrets_masked() {
    const SENTINEL: &str = "SENTINEL-contract-record-5b1e";
    let dir = tempfile::tempdir().unwrap();
    // Read once a process, when the first exchange is recorded: set before the simulator starts.
    std::env::set_var(fabrik_sim::contract_record::ENV, dir.path());
    let sim = crate::common::sim().await;
    let url = format!(
        "{}/v10/projects/no-such-project/env?teamId={}&token={SENTINEL}",
        sim.vercel_api_url(),
        sim.seed().vercel_team_id
    );
    let answer = crate::common::client()
        .post(url)
        .bearer_auth(crate::common::TOKEN)
        .json(&serde_json::json!({"key": "A", "value": SENTINEL, "type": "encrypted", "target": ["production"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 404);
    let recorded = read_recorded(dir.path());
    let (e, _) = recorded
        .iter()
        .find(|(e, _)| e.path.ends_with("/env"))
        .unwrap_or_else(|| panic!("the exchange was recorded: {recorded:?}"));
    assert_eq!((e.method.as_str(), e.status), ("POST", 404));
    assert_eq!(e.request["key"], "A");
    assert_eq!(e.request["value"], "***", "masked, still a string");
    assert!(
        e.answer["error"]["code"].is_string(),
        "the answer: {}",
        e.answer
    );
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(
            !text.contains(SENTINEL),
            "no secret in what was recorded: {text}"
        );
    }
}
