//! Fabrik's Supabase client against answers of the real Management API (issue #70): the
//! request/response pairs Supabase's own CLI recorded against its staging API
//! (`contracts/supabase/recorded-fixtures`, provenance in `contracts/supabase/SOURCE.txt`),
//! served back as recorded. A field Fabrik reads that the real service does not send, a status
//! it does not expect or an error it reads the wrong way fails here, whatever the simulator
//! answers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::Supabase;
use crate::providers::error::ErrorKind;
use crate::secrets::Secret;

/// Where the recordings are kept, beside the official descriptions.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contracts/supabase/recorded-fixtures")
}

/// One recorded exchange.
#[derive(Clone)]
struct Recording {
    method: String,
    /// The recorded path, `__PROJECT_REF__` where a project's or organization's id stood.
    path: String,
    query: BTreeMap<String, String>,
    body: Value,
    status: u16,
    headers: BTreeMap<String, String>,
    answer: Value,
}

fn read(file: &Path) -> Value {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The recordings of one folder (`POST_v1_projects`), in the order the CLI's suite made them:
/// `default` first, then `2`, `3`, ….
fn recordings(dir: &str) -> Vec<Recording> {
    let dir = fixtures().join(dir);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".request.json").map(str::to_string))
        .collect();
    names.sort_by_key(|n| n.parse::<u32>().unwrap_or(1));
    names
        .iter()
        .map(|n| {
            let q = read(&dir.join(format!("{n}.request.json")));
            let a = read(&dir.join(format!("{n}.response.json")));
            let strings = |v: &Value| -> BTreeMap<String, String> {
                v.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            };
            Recording {
                method: q["method"].as_str().unwrap().to_string(),
                path: q["path"].as_str().unwrap().to_string(),
                query: strings(&q["query"]),
                body: q["body"].clone(),
                status: a["status"].as_u64().unwrap() as u16,
                headers: strings(&a["headers"]),
                answer: a["body"].clone(),
            }
        })
        .collect()
}

/// What the client sent.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: BTreeMap<String, String>,
    body: Value,
}

/// Serves recordings in turn, each route its own queue (the last one again once they run out),
/// and keeps what was asked. A request no recording answers gets 599, which fails the test.
#[derive(Default)]
struct Replay {
    queues: Vec<(Recording, bool)>,
    seen: Vec<Seen>,
}

/// Whether `path` is the recorded one, `__PROJECT_REF__` standing for any one segment.
fn fits(recorded: &str, path: &str) -> bool {
    let (r, p): (Vec<&str>, Vec<&str>) = (recorded.split('/').collect(), path.split('/').collect());
    r.len() == p.len()
        && r.iter()
            .zip(&p)
            .all(|(r, p)| r == p || (*r == "__PROJECT_REF__" && !p.is_empty()))
}

impl Replay {
    fn answer(&mut self, method: &Method, uri: &Uri, body: &Bytes) -> Response {
        let query = uri
            .query()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        self.seen.push(Seen {
            method: method.to_string(),
            path: uri.path().to_string(),
            query,
            body: serde_json::from_slice(body).unwrap_or(Value::Null),
        });
        let route = |r: &Recording| r.method == method.as_str() && fits(&r.path, uri.path());
        let next = self.queues.iter_mut().find(|(r, used)| route(r) && !*used);
        let rec = match next {
            Some((r, used)) => {
                *used = true;
                r.clone()
            }
            None => match self.queues.iter().rev().find(|(r, _)| route(r)) {
                Some((r, _)) => r.clone(),
                None => {
                    return (StatusCode::from_u16(599).unwrap(), "not recorded").into_response()
                }
            },
        };
        let mut headers = HeaderMap::new();
        for (k, v) in &rec.headers {
            // The recorded length is the CLI's (compressed) body's, not this one's.
            if k != "content-length" && k != "content-encoding" {
                headers.insert(
                    HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    HeaderValue::from_str(v).unwrap(),
                );
            }
        }
        let status = StatusCode::from_u16(rec.status).unwrap();
        (status, headers, rec.answer.to_string()).into_response()
    }
}

/// A replay server of the given folders' recordings and a client of it.
async fn replay(dirs: &[&str]) -> (Supabase, Arc<Mutex<Replay>>) {
    crate::providers::install_crypto_provider();
    let state = Arc::new(Mutex::new(Replay {
        queues: dirs
            .iter()
            .flat_map(|d| recordings(d))
            .map(|r| (r, false))
            .collect(),
        seen: Vec::new(),
    }));
    let served = state.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, body: Bytes| {
        let state = served.clone();
        async move { state.lock().unwrap().answer(&method, &uri, &body) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Supabase::new(
        &url,
        &format!("{url}/project/{{ref}}"),
        Secret::new("sbp_recorded"),
        Duration::from_secs(10),
    );
    (client, state)
}

/// Every key of the object Fabrik reads is one the real answer holds: what Fabrik keeps of an
/// answer (its own type, written back as JSON) names no field the service did not send, an
/// optional one included (Fabrik would read it as missing every time).
fn reads_only_what_was_sent(kept: &Value, sent: &Value, what: &str) {
    let (Some(kept), Some(fields)) = (kept.as_object(), sent.as_object()) else {
        panic!("{what}: an object, as recorded: {sent}");
    };
    let unsent: Vec<&String> = kept
        .iter()
        .filter(|(k, _)| !fields.contains_key(*k))
        .map(|(k, _)| k)
        .collect();
    assert!(
        unsent.is_empty(),
        "{what}: Fabrik reads {unsent:?}, which the service did not send: {sent}"
    );
}

#[tokio::test]
async fn organizations_and_projects_are_read_as_the_service_answers_them() {
    let (client, _) = replay(&["GET_v1_organizations", "GET_v1_projects___PROJECT_REF__"]).await;
    let orgs = client
        .list_organizations()
        .await
        .expect("the recorded organizations");
    let recorded = &recordings("GET_v1_organizations")[0].answer;
    assert_eq!(orgs.len(), recorded.as_array().unwrap().len());
    assert_eq!(orgs[1].name, "CLIPort-TEST");
    for (kept, sent) in orgs.iter().zip(recorded.as_array().unwrap()) {
        reads_only_what_was_sent(
            &serde_json::to_value(kept).unwrap(),
            sent,
            "an organization",
        );
    }

    let project = client
        .get_project("abcdefghijklmnopqrst")
        .await
        .expect("the recorded project");
    assert_eq!(
        (
            project.name.as_str(),
            project.status.as_str(),
            project.region.as_deref()
        ),
        ("cli-e2e-test", "ACTIVE_HEALTHY", Some("us-east-1"))
    );
    let sent = &recordings("GET_v1_projects___PROJECT_REF__")[0].answer;
    reads_only_what_was_sent(&serde_json::to_value(&project).unwrap(), sent, "a project");
}

/// A new project is `UNKNOWN` at first, not `COMING_UP` (the simulator's word): the wait for it
/// goes on through any status that is not an end.
#[tokio::test]
async fn a_new_project_is_read_in_the_status_the_service_gives_it() {
    let (client, state) = replay(&["POST_v1_projects"]).await;
    let pass = Secret::new("a-database-password");
    let project = client
        .create_project("org-slug", "kund-ab", "eu-north-1", &pass)
        .await
        .expect("the recorded creation");
    assert_eq!(project.status, "UNKNOWN");
    let sent = &recordings("POST_v1_projects")[0].answer;
    reads_only_what_was_sent(
        &serde_json::to_value(&project).unwrap(),
        sent,
        "a new project",
    );
    // What Fabrik asked with: the recorded request's fields but the deprecated `region`
    // (v1-create-a-project: `region_selection` replaces it).
    let asked = state.lock().unwrap().seen[0].clone();
    assert_eq!(
        (asked.method.as_str(), asked.path.as_str()),
        ("POST", "/v1/projects")
    );
    let recorded = &recordings("POST_v1_projects")[0].body;
    for field in ["name", "organization_slug", "db_pass"] {
        assert!(
            recorded.get(field).is_some() && asked.body.get(field).is_some(),
            "{field}"
        );
    }
    assert_eq!(
        asked.body["region_selection"],
        json!({"type": "specific", "code": "eu-north-1"})
    );
}

#[tokio::test]
async fn the_legacy_keys_are_read_from_the_revealed_list() {
    let (client, state) = replay(&["GET_v1_projects___PROJECT_REF___api_keys"]).await;
    let keys = client
        .api_keys("abcdefghijklmnopqrst")
        .await
        .expect("the recorded keys");
    assert_eq!(keys.anon.expose(), "__JWT__");
    assert_eq!(keys.service_role.expose(), "__JWT__");
    let asked = state.lock().unwrap().seen[0].clone();
    assert_eq!(asked.path, "/v1/projects/abcdefghijklmnopqrst/api-keys");
    assert_eq!(
        asked.query,
        recordings("GET_v1_projects___PROJECT_REF___api_keys")[0].query
    );
}

#[tokio::test]
async fn a_query_answers_its_rows_with_201() {
    let (client, _) = replay(&["POST_v1_projects___PROJECT_REF___database_query"]).await;
    let rows = client
        .run_query("abcdefghijklmnopqrst", "SELECT 1")
        .await
        .expect("the recorded rows");
    assert_eq!(rows, vec![json!({"?column?": 1})]);
}

/// The deletion of a project that is not ready is refused with 400 and a message; the
/// teardown waits on exactly that (`provision/steps/supabase.rs`: `Invalid` and "not ready").
#[tokio::test]
async fn a_project_not_ready_for_deletion_is_told_apart_from_other_refusals() {
    let (client, state) = replay(&["DELETE_v1_projects___PROJECT_REF__"]).await;
    client
        .delete_project("abcdefghijklmnopqrst")
        .await
        .expect("the recorded deletion");
    let refused = client
        .delete_project("abcdefghijklmnopqrst")
        .await
        .unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Invalid, "{refused:?}");
    assert_eq!(refused.status, Some(400));
    assert!(
        refused.message.to_lowercase().contains("not ready"),
        "{refused:?}"
    );
    assert_eq!(state.lock().unwrap().seen.len(), 2);
}
