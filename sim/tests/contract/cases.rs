//! The check's own cases: it finds what is outside a description, and only that.

use super::*;

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
