//! One provider's official description, and an exchange held to it: the route and method, each
//! query parameter and its value, the request's JSON, and the answer for its status.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use fabrik_sim::contract_record::Exchange;
use serde_json::{json, Value};

use super::routes::fits_rest;
use crate::common::{contracts, convert, with_reached_defs};

/// One thing outside the description, said without values so that one finding groups every
/// exchange it happens in; with the place in the body it is about (`/data/*/workflowId`), for
/// the table's field entries.
#[derive(Debug, Clone)]
pub struct Finding {
    pub text: String,
    pub place: Option<String>,
}

impl Finding {
    pub fn new(text: String) -> Finding {
        Finding { text, place: None }
    }
}

pub struct Description {
    spec: Value,
    templates: Vec<String>,
    /// The path parameters the description marks as spanning segments (`x-multi-segment`).
    multi_segment: Vec<String>,
    /// The description's component schemas as JSON Schema, converted once.
    defs: serde_json::Map<String, Value>,
    /// Compiled validators by schema, each compiled once (a suite validates many bodies against
    /// the same few): a thread that needs one another is compiling waits for it.
    validators: Mutex<HashMap<String, Arc<OnceLock<Arc<jsonschema::Validator>>>>>,
}

/// The stored description of each provider the check knows (the whole published one where the
/// repository holds it, otherwise the subset with its provenance in `SOURCE.txt`).
fn file_of(provider: &str) -> Option<&'static str> {
    Some(match provider {
        "vercel" => "vercel/vercel-spec.json",
        "supabase" => "supabase/management-api-v1.openapi.json",
        "supabase-auth" => "supabase/auth-gotrue.openapi.yaml",
        "supabase-storage" => "supabase/storage-api-subset.openapi.json",
        "github" => "github/github-rest-subset.openapi.json",
        "n8n" => "n8n/n8n-public-api-v1.openapi.yml",
        "resend" => "resend/resend.openapi.json",
        "stripe" => "stripe/stripe-subset.openapi.json",
        // The whole published Swagger 2.0 file (a server template whose placeholders sit only
        // in strings), read as OpenAPI 3 (`swagger2.rs`).
        "gitea" => "gitea/v1_json.tmpl",
        _ => return None,
    })
}

impl Description {
    /// Read and parsed once a process.
    pub fn of(provider: &str) -> Option<&'static Description> {
        static ALL: OnceLock<Mutex<HashMap<String, &'static Description>>> = OnceLock::new();
        let rel = file_of(provider)?;
        let mut all = ALL.get_or_init(Default::default).lock().unwrap();
        if let Some(d) = all.get(provider) {
            return Some(d);
        }
        let text = std::fs::read_to_string(contracts().join(rel)).expect("a stored description");
        let spec: Value = if rel.ends_with(".json") || rel.ends_with(".tmpl") {
            serde_json::from_str(&text).expect("the description's JSON")
        } else {
            serde_norway::from_str(&text).expect("the description's YAML")
        };
        let mut spec = super::swagger2::as_openapi3(spec);
        if provider == "gitea" {
            gitea_paths(&mut spec);
        }
        let templates = spec["paths"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        let defs = convert(
            &json!({"$defs": spec.pointer("/components/schemas").cloned().unwrap_or(json!({}))}),
        )["$defs"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let multi_segment = multi_segment(&spec);
        let d: &'static Description = Box::leak(Box::new(Description {
            spec,
            templates,
            multi_segment,
            defs,
            validators: Mutex::default(),
        }));
        all.insert(provider.to_string(), d);
        Some(d)
    }

    /// The description's path that `path` fits best: one that has the method before one that
    /// has not (`/v13/deployments/{idOrUrl}` is GET's, `/v13/deployments/{id}` another's), then
    /// the most literal segments; `None` when none fits.
    pub fn route(&self, method: &str, path: &str) -> Option<String> {
        let method = method.to_lowercase();
        self.templates
            .iter()
            .filter_map(|t| {
                let has = self.spec["paths"][t][&method].is_object();
                fits_rest(t, path, &self.multi_segment).map(|n| ((has, n), t))
            })
            .max_by_key(|(rank, _)| *rank)
            .map(|(_, t)| t.clone())
    }

    /// A `$ref` within the description followed to what it names.
    fn resolve<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => self.spec.pointer(pointer).unwrap_or(&Value::Null),
            None => v,
        }
    }

    /// The findings of one exchange on `template`, and whether its answer was validated.
    pub fn exchange(&self, template: &str, e: &Exchange) -> (Vec<Finding>, bool) {
        let at = format!("{} {template}", e.method);
        let path_item = &self.spec["paths"][template];
        let op = &path_item[e.method.to_lowercase()];
        if !op.is_object() {
            return (
                vec![Finding::new(format!(
                    "{at}: the method is not in the description"
                ))],
                false,
            );
        }
        // A request outside the description that was refused (4xx) is the simulator doing what
        // the service does; one that was taken is a finding.
        let mut findings = Vec::new();
        if !(400..500).contains(&e.status) {
            findings.extend(self.query(&at, path_item, op, e.query.as_deref()));
            findings.extend(self.request(&at, op, &e.request));
        }
        let (answer, checked) = self.answer(&at, op, e);
        findings.extend(answer);
        (findings, checked)
    }

    fn query(&self, at: &str, path_item: &Value, op: &Value, query: Option<&str>) -> Vec<Finding> {
        let params: Vec<&Value> = [&path_item["parameters"], &op["parameters"]]
            .into_iter()
            .filter_map(Value::as_array)
            .flatten()
            .map(|p| self.resolve(p))
            .filter(|p| p["in"] == "query")
            .collect();
        let mut findings = Vec::new();
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            // `expand[]`, `metadata[plan]`: the parameter is the name before the brackets.
            let name = key.split('[').next().unwrap_or(&key);
            let Some(param) = params.iter().find(|p| p["name"] == name) else {
                findings.push(Finding::new(format!(
                    "{at}: query parameter `{name}` is not in the description"
                )));
                continue;
            };
            let schema = self.resolve(&param["schema"]);
            let allowed = schema["enum"]
                .as_array()
                .or_else(|| self.resolve(&schema["items"])["enum"].as_array());
            if let Some(allowed) = allowed {
                let fits = |v: &str| {
                    allowed
                        .iter()
                        .any(|a| a.as_str() == Some(v) || *a == json!(v))
                };
                if !fits(&value) && !value.split(',').all(fits) {
                    findings.push(Finding::new(format!(
                        "{at}: query `{name}={value}` is not one of {}",
                        Value::Array(allowed.clone())
                    )));
                }
            }
        }
        findings
    }

    fn request(&self, at: &str, op: &Value, body: &Value) -> Vec<Finding> {
        if body.is_null() {
            return Vec::new();
        }
        let described = self.resolve(&op["requestBody"]);
        // A body the description takes as any type (Storage's upload, `*/*`) is within it as it
        // is: JSON too, with nothing to validate it by.
        if accepts_any(described) {
            return Vec::new();
        }
        let Some(schema) = json_schema(described) else {
            return vec![Finding::new(format!(
                "{at}: a JSON body where the description has none"
            ))];
        };
        self.validate(&format!("{at} request"), schema, body)
    }

    fn answer(&self, at: &str, op: &Value, e: &Exchange) -> (Vec<Finding>, bool) {
        if from_the_gateway(e) {
            return (Vec::new(), false);
        }
        let responses = &op["responses"];
        let status = erratum(e).unwrap_or(e.status).to_string();
        let family = format!("{}XX", e.status / 100);
        let described = [status.as_str(), family.as_str(), "default"]
            .into_iter()
            .map(|k| &responses[k])
            .find(|r| r.is_object())
            .map(|r| self.resolve(r));
        let Some(described) = described else {
            // An error status the operation does not list (a 404, a 429, a 500) is how every
            // service answers at times: its body is not held to the operation's.
            if e.status >= 400 {
                return (Vec::new(), false);
            }
            return (
                vec![Finding::new(format!(
                    "{at}: status {status} is not in the description"
                ))],
                false,
            );
        };
        if e.answer_unread || e.answer.is_null() {
            return (Vec::new(), false);
        }
        match json_schema(described) {
            Some(schema) => (
                self.validate(&format!("{at} {status} answer"), schema, &e.answer),
                true,
            ),
            None => (Vec::new(), false),
        }
    }

    /// The schema compiled with only the component schemas it reaches (Vercel's description
    /// has thousands; compiling each validator with all of them took seconds).
    fn validator(&self, schema: &Value, what: &str) -> Arc<jsonschema::Validator> {
        let cell = {
            let mut all = self.validators.lock().unwrap();
            all.entry(schema.to_string()).or_default().clone()
        };
        cell.get_or_init(|| Arc::new(self.compile(schema, what)))
            .clone()
    }

    fn compile(&self, schema: &Value, what: &str) -> jsonschema::Validator {
        let root = with_reached_defs(convert(schema), &self.defs, one_of_as_any_of);
        jsonschema::validator_for(&root)
            .unwrap_or_else(|e| panic!("{what}: the description's schema does not compile: {e}"))
    }

    fn validate(&self, what: &str, schema: &Value, instance: &Value) -> Vec<Finding> {
        let v = self.validator(schema, what);
        v.iter_errors(instance)
            // A secret the recorder masked (`***`, `fabrik_sim::requestlog::mask_shaped`) keeps
            // its type but not its value: a value's rule (one of an enum, a pattern, a length)
            // says nothing of what the simulator sent. The recorder masks by name, so a policy
            // such as Auth's `password_required_characters` is masked too.
            .filter(|err| {
                let keyword = err.schema_path().to_string();
                let keyword = keyword.rsplit('/').next().unwrap_or("").to_string();
                !(err.instance().as_ref() == &Value::String("***".into())
                    && VALUE_RULES.contains(&keyword.as_str()))
            })
            .take(3)
            .map(|err| {
                // Indices out, so one finding groups every item it happens on.
                let place: String = err
                    .instance_path()
                    .to_string()
                    .split('/')
                    .map(|s| if s.parse::<usize>().is_ok() { "*" } else { s })
                    .collect::<Vec<_>>()
                    .join("/");
                let keyword = err.schema_path().to_string();
                let keyword = keyword.rsplit('/').next().unwrap_or("");
                Finding {
                    text: format!("{what}: `{keyword}` at `{place}`"),
                    place: Some(place),
                }
            })
            .collect()
    }
}

/// The rules on a string's value, which a masked secret cannot keep.
const VALUE_RULES: &[&str] = &[
    "enum",
    "const",
    "pattern",
    "format",
    "minLength",
    "maxLength",
];

/// `oneOf` read as `anyOf`: the published descriptions use `oneOf` for alternatives that overlap
/// (Vercel's deployment, a project's domains, an env variable: one alternative a subset of
/// another), which a complete answer can never pass as written; each alternative is still held.
fn one_of_as_any_of(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(alternatives) = m.remove("oneOf") {
                m.insert("anyOf".into(), alternatives);
            }
            m.values_mut().for_each(one_of_as_any_of);
        }
        Value::Array(a) => a.iter_mut().for_each(one_of_as_any_of),
        _ => {}
    }
}

/// Where a description errs against its own service, with the service's source: the status
/// the service answers and the one the description lists it under (`contracts/README.md`,
/// "Where a description errs"). `(path prefix, method, path, answered, listed as)`.
const ERRATA: &[(&str, &str, &str, u16, u16)] = &[
    // GoTrue's `verifyGet` redirects with `http.StatusSeeOther` (supabase/auth
    // internal/api/verify.go); the description lists the redirect as `302`, and describes it
    // as "HTTP See Other redirect response".
    ("/supabase-project/", "GET", "/auth/v1/verify", 303, 302),
    // The Management API's claim flow answers with the redirect to Supabase's claim page: the
    // guide ("Supabase for Platforms", Claim flow) follows it (`curl -L`) and says the user "is
    // redirected to a Supabase UI"; the description lists the success as 204, with no body.
    (
        "/supabase",
        "GET",
        "/v1/oauth/authorize/project-claim",
        302,
        204,
    ),
];

/// The status an answer is held to: its own, or the one the description lists it under.
fn erratum(e: &Exchange) -> Option<u16> {
    ERRATA
        .iter()
        .find_map(|(prefix, method, path, answered, listed)| {
            let rest = e.path.strip_prefix(prefix)?;
            // A project's own API is under its ref; the Management API is not.
            let within = match prefix.ends_with('/') {
                true => rest.split_once('/').map(|(_, p)| format!("/{p}"))?,
                false => rest.to_string(),
            };
            (e.method == *method && within == *path && e.status == *answered).then_some(*listed)
        })
}

/// An answer of a Supabase project's API gateway, given before the request reaches Auth,
/// Storage or the REST API (no `apikey`, an unknown one, no such project, a project that does
/// not serve: `sim/src/providers/supabase_auth/mod.rs`, `gateway`): `{message, hint?}` with 401,
/// 404 or 503. The service's description does not describe its gateway, so such an answer is
/// not held to the service's error schema; any other answer is.
fn from_the_gateway(e: &Exchange) -> bool {
    e.path.starts_with("/supabase-project/")
        && matches!(e.status, 401 | 404 | 503)
        && e.answer.as_object().is_some_and(|o| {
            o.contains_key("message") && o.keys().all(|k| k == "message" || k == "hint")
        })
}

/// Gitea's file paths span segments (its router takes the rest of the path after
/// `contents/`, `raw/` and the like: a `{filepath}` of `a/b.json`), which Swagger 2 cannot say:
/// the check marks them as GitHub's description marks its own (`x-multi-segment`).
fn gitea_paths(spec: &mut Value) {
    fn mark(v: &mut Value) {
        match v {
            Value::Object(o) => {
                if o.get("in").and_then(Value::as_str) == Some("path")
                    && o.get("name").and_then(Value::as_str) == Some("filepath")
                {
                    o.insert("x-multi-segment".into(), json!(true));
                }
                o.values_mut().for_each(mark);
            }
            Value::Array(a) => a.iter_mut().for_each(mark),
            _ => {}
        }
    }
    mark(&mut spec["paths"]);
    mark(&mut spec["components"]["parameters"]);
    // "Gets the metadata and contents (if a file) of an entry in a repository, or a list of
    // entries if a dir" (the operation's summary), where its answer names one entry: a folder's
    // answer is held to a list of them.
    let one = "#/components/schemas/ContentsResponse";
    let get = &mut spec["paths"]["/repos/{owner}/{repo}/contents/{filepath}"]["get"];
    if get.is_object() {
        get["responses"]["200"] = json!({"description": "ContentsResponse", "content": {
            "application/json": {"schema": {"oneOf": [{"$ref": one}, {"type": "array", "items": {"$ref": one}}]}}
        }});
    }
}

/// The names of the path parameters marked `x-multi-segment` anywhere in the description (the
/// components' and each operation's own).
fn multi_segment(spec: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if o.get("in").and_then(Value::as_str) == Some("path")
                    && o.get("x-multi-segment").and_then(Value::as_bool) == Some(true)
                {
                    if let Some(name) = o.get("name").and_then(Value::as_str) {
                        out.push(name.to_string());
                    }
                }
                o.values().for_each(|v| walk(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&spec["paths"], &mut out);
    walk(&spec["components"]["parameters"], &mut out);
    out.sort();
    out.dedup();
    out
}

/// Whether a request body's content takes any media type (`*/*`, `application/*`) and gives no
/// JSON schema of its own.
fn accepts_any(described: &Value) -> bool {
    described["content"].as_object().is_some_and(|c| {
        c.keys().any(|t| t == "*/*" || t == "application/*")
            && !c.keys().any(|t| t.contains("json"))
    })
}

/// The JSON schema of a request body or an answer (`application/json`, or any `…json` type).
fn json_schema(described: &Value) -> Option<&Value> {
    let content = described["content"].as_object()?;
    let (_, media) = content
        .iter()
        .find(|(t, _)| t.as_str() == "application/json")
        .or_else(|| content.iter().find(|(t, _)| t.contains("json")))?;
    let schema = &media["schema"];
    (!schema.is_null() && schema != &json!({})).then_some(schema)
}
