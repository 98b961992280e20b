//! Vercel project domains (addProjectDomain, getProjectDomains, getProjectDomain,
//! removeProjectDomain, verifyProjectDomain, getDomainConfig), validated against the official
//! description, and the `/__sim` route that stands in for the customer's DNS.

use crate::common;

use common::*;
use fabrik_sim::{SimConfig, SimHandle};
use serde_json::{json, Value};

const ADD: &str = "/v10/projects/{idOrName}/domains";
const LIST: &str = "/v9/projects/{idOrName}/domains";
const ONE: &str = "/v9/projects/{idOrName}/domains/{domain}";
const VERIFY: &str = "/v9/projects/{idOrName}/domains/{domain}/verify";
const CONFIG: &str = "/v6/domains/{domain}/config";

/// Calls the simulated Vercel API as the seeded team.
struct Api {
    c: reqwest::Client,
    base: String,
    team: String,
}

impl Api {
    fn of(sim: &SimHandle) -> Api {
        Api {
            c: client(),
            base: sim.vercel_api_url(),
            team: sim.seed().vercel_team_id.clone(),
        }
    }

    fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{sep}teamId={}", self.base, self.team)
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.c.get(self.url(path)).bearer_auth(TOKEN).send().await;
        let (s, _, v) = json_of(r.unwrap()).await;
        (s, v)
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self.c.post(self.url(path)).bearer_auth(TOKEN).json(body);
        let (s, _, v) = json_of(r.send().await.unwrap()).await;
        (s, v)
    }

    async fn delete(&self, path: &str) -> (u16, Value) {
        let r = self
            .c
            .delete(self.url(path))
            .bearer_auth(TOKEN)
            .send()
            .await;
        let (s, _, v) = json_of(r.unwrap()).await;
        (s, v)
    }

    /// A project with one READY production deployment; its id.
    async fn project(&self, name: &str) -> String {
        let (s, p) = self.post("/v11/projects", &json!({"name": name})).await;
        assert_eq!(s, 200, "{p}");
        let (s, d) = self
            .post(
                "/v13/deployments",
                &json!({"name": name, "target": "production"}),
            )
            .await;
        assert_eq!(s, 200, "{d}");
        p["id"].as_str().unwrap().to_string()
    }

    async fn add(&self, project: &str, body: Value) -> (u16, Value) {
        self.post(&format!("/v10/projects/{project}/domains"), &body)
            .await
    }
}

/// `POST /__sim/vercel/domains/{domain}/verifiable`: the customer's DNS records are in place.
async fn make_verifiable(sim: &SimHandle, domain: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = client().post(format!(
        "{}/__sim/vercel/domains/{domain}/verifiable",
        sim.base_url()
    ));
    if let Some(b) = body {
        r = r.json(&b);
    }
    let (s, _, v) = json_of(r.send().await.unwrap()).await;
    (s, v)
}

/// A visitor's GET on `https://{host}/` (redirects not followed): status, `location`, page.
async fn visit(sim: &SimHandle, host: &str) -> (u16, Option<String>, String) {
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c
        .get(sim.vercel_site_url_template().replace("{host}", host))
        .send()
        .await
        .unwrap();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (r.status().as_u16(), location, r.text().await.unwrap())
}

fn error_code(e: &Value) -> &str {
    e["error"]["code"].as_str().unwrap_or("")
}

/// The whole life of a customer's domain: added unverified with a TXT challenge, verify
/// refused until the DNS is in place, then verified, configured, served as the production
/// site and listed in the production deployment's `alias`; removed, it is gone everywhere.
#[tokio::test]
async fn a_domain_is_challenged_verified_served_and_removed() {
    let sim = sim().await;
    let api = Api::of(&sim);
    let pid = api.project("acme-app").await;

    let body = json!({"name": "www.acme.se"});
    assert_request(Spec::Vercel, "POST", ADD, &body);
    let r = api
        .c
        .post(api.url(&format!("/v10/projects/{pid}/domains")))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (s, h, d) = json_of(r).await;
    assert_eq!(s, 200, "{d}");
    assert!(
        h.contains_key("x-ratelimit-remaining"),
        "the Vercel limits apply"
    );
    assert_response(Spec::Vercel, "POST", ADD, 200, &d);
    assert_eq!(
        (&d["name"], &d["apexName"], &d["projectId"], &d["verified"]),
        (
            &json!("www.acme.se"),
            &json!("acme.se"),
            &json!(pid),
            &json!(false)
        )
    );
    let challenge = d["verification"].as_array().unwrap();
    assert_eq!(challenge.len(), 1);
    assert_eq!(challenge[0]["type"], "TXT");
    assert_eq!(challenge[0]["domain"], "_vercel.acme.se");
    assert_eq!(challenge[0]["reason"], "pending_domain_verification");
    let value = challenge[0]["value"].as_str().unwrap().to_string();
    let hex = value
        .strip_prefix("vc-domain-verify=www.acme.se,")
        .unwrap_or_else(|| panic!("{value}"));
    assert!(
        hex.len() == 20 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "{value}"
    );

    let (s, one) = api.get("/v9/projects/acme-app/domains/www.acme.se").await;
    assert_eq!(s, 200, "by the project's name too");
    assert_response(Spec::Vercel, "GET", ONE, 200, &one);
    assert_eq!(one["verification"][0]["value"], value.as_str());

    // Before the DNS is in place: misconfigured, verify refused, nothing served.
    let (s, config) = api.get("/v6/domains/www.acme.se/config").await;
    assert_eq!(s, 200);
    assert_response(Spec::Vercel, "GET", CONFIG, 200, &config);
    assert_eq!(
        config,
        json!({"configuredBy": null, "acceptedChallenges": [], "recommendedIPv4": [],
               "recommendedCNAME": [{"rank": 1, "value": "cname.vercel-dns.com."}], "misconfigured": true})
    );
    let verify = format!("/v9/projects/{pid}/domains/www.acme.se/verify");
    let (s, e) = api.post(&verify, &Value::Null).await;
    assert_eq!((s, error_code(&e)), (400, "missing_txt_record"), "{e}");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("_vercel.acme.se") && msg.contains(&value),
        "{msg}"
    );
    assert_eq!(visit(&sim, "www.acme.se").await.0, 404);

    // The customer sets the records: still misconfigured until verified.
    let (s, v) = make_verifiable(&sim, "www.acme.se", None).await;
    assert_eq!(
        (s, v),
        (
            200,
            json!({"name": "www.acme.se", "project_id": pid, "verifiable": true})
        )
    );
    assert_eq!(
        api.get("/v6/domains/www.acme.se/config").await.1["misconfigured"],
        true
    );
    let (s, d) = api.post(&verify, &Value::Null).await;
    assert_eq!(s, 200, "{d}");
    assert_response(Spec::Vercel, "POST", VERIFY, 200, &d);
    assert_eq!(d["verified"], true);
    assert!(
        d.get("verification").is_none(),
        "no challenge once verified"
    );
    let (s, again) = api.post(&verify, &Value::Null).await;
    assert_eq!(
        (s, &again["verified"]),
        (200, &json!(true)),
        "already verified"
    );

    let (_, config) = api.get("/v6/domains/www.acme.se/config").await;
    assert_response(Spec::Vercel, "GET", CONFIG, 200, &config);
    assert_eq!(config["misconfigured"], false);
    assert_eq!(config["configuredBy"], "CNAME");
    assert_eq!(config["acceptedChallenges"], json!(["http-01"]));

    // Served like the production domain, and named in production's `alias`.
    let (s, _, page) = visit(&sim, "www.acme.se").await;
    assert_eq!((s, page.contains("acme-app")), (200, true), "{page}");
    let (_, p) = api.get(&format!("/v9/projects/{pid}")).await;
    let alias = p["targets"]["production"]["alias"].clone();
    assert_eq!(alias, json!(["acme-app.vercel.app", "www.acme.se"]));
    let (_, dep) = api
        .get(&format!(
            "/v13/deployments/{}",
            p["targets"]["production"]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(dep["alias"], alias);

    // An apex domain: an A record is recommended, no CNAME.
    let (s, apex) = api.add(&pid, json!({"name": "acme.se"})).await;
    assert_eq!((s, &apex["apexName"]), (200, &json!("acme.se")), "{apex}");
    assert_eq!(apex["verification"][0]["domain"], "_vercel.acme.se");
    let (_, config) = api.get("/v6/domains/acme.se/config").await;
    assert_response(Spec::Vercel, "GET", CONFIG, 200, &config);
    assert_eq!(
        (&config["recommendedIPv4"], &config["recommendedCNAME"]),
        (&json!([{"rank": 1, "value": ["76.76.21.21"]}]), &json!([]))
    );
    make_verifiable(&sim, "acme.se", None).await;
    api.post(
        &format!("/v9/projects/{pid}/domains/acme.se/verify"),
        &Value::Null,
    )
    .await;
    assert_eq!(
        api.get("/v6/domains/acme.se/config").await.1["configuredBy"],
        "A"
    );

    // The records taken away: the domain stays verified but is misconfigured and not served.
    let (s, _) = make_verifiable(&sim, "acme.se", Some(json!({"verifiable": false}))).await;
    assert_eq!(s, 200);
    assert_eq!(
        api.get("/v6/domains/acme.se/config").await.1["misconfigured"],
        true
    );
    assert_eq!(visit(&sim, "acme.se").await.0, 404);

    // Removed: 200 `{}`, then 404 everywhere, no longer served.
    let (s, gone) = api
        .delete(&format!("/v9/projects/{pid}/domains/www.acme.se"))
        .await;
    assert_eq!((s, &gone), (200, &json!({})));
    assert_response(Spec::Vercel, "DELETE", ONE, 200, &gone);
    let (s, e) = api
        .get(&format!("/v9/projects/{pid}/domains/www.acme.se"))
        .await;
    assert_eq!((s, error_code(&e)), (404, "not_found"));
    let (s, _) = api
        .delete(&format!("/v9/projects/{pid}/domains/www.acme.se"))
        .await;
    assert_eq!(s, 404);
    let (s, _) = api.post(&verify, &Value::Null).await;
    assert_eq!(s, 400, "not assigned to the project any more");
    assert_eq!(visit(&sim, "www.acme.se").await.0, 404);
    assert_eq!(
        api.get("/v6/domains/www.acme.se/config").await.1["misconfigured"],
        true
    );
    let (s, _) = make_verifiable(&sim, "www.acme.se", None).await;
    assert_eq!(s, 404, "no project has it");
    sim.shutdown().await;
}

/// A domain is on one project only: twice on the same project is a 400, on another project a
/// 409 (also when someone else's project has it). Deleting the project frees its domains.
#[tokio::test]
async fn a_domain_belongs_to_one_project_and_goes_with_it() {
    let sim = sim().await;
    let api = Api::of(&sim);
    let a = api.project("first").await;
    let b = api.project("second").await;
    assert_eq!(api.add(&a, json!({"name": "app.kund.se"})).await.0, 200);

    let (s, e) = api.add(&a, json!({"name": "app.kund.se"})).await;
    assert_eq!((s, error_code(&e)), (400, "domain_already_in_use"), "{e}");
    let (s, e) = api.add(&b, json!({"name": "app.kund.se"})).await;
    assert_eq!((s, error_code(&e)), (409, "domain_taken"), "{e}");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("another project"));

    // Someone else's project (seeded) holds a domain: ours cannot take it.
    let f = client()
        .post(format!("{}/__sim/foreign", sim.base_url()))
        .json(&json!({"kind": "vercel_project", "name": "theirs", "domains": ["shop.kund.se"], "deployments": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(f.status(), 201);
    let (s, _) = api.add(&a, json!({"name": "shop.kund.se"})).await;
    assert_eq!(s, 409);
    assert_eq!(visit(&sim, "shop.kund.se").await.0, 200, "theirs serves it");

    // Deleting the project deletes its domains: the other project may add it now.
    assert_eq!(api.delete(&format!("/v9/projects/{a}")).await.0, 204);
    let inv = client()
        .get(format!("{}/__sim/inventory", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let names: Vec<&Value> = inv["vercel"]["projects"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["domains"].as_array().unwrap())
        .map(|d| &d["name"])
        .collect();
    assert_eq!(names, vec![&json!("shop.kund.se")]);
    let (s, e) = api
        .get(&format!("/v9/projects/{a}/domains/app.kund.se"))
        .await;
    assert_eq!((s, error_code(&e)), (404, "not_found"));
    let (s, d) = api.add(&b, json!({"name": "app.kund.se"})).await;
    assert_eq!((s, &d["projectId"]), (200, &json!(b)), "{d}");
    assert_ne!(d["verification"][0]["value"], Value::Null);
    sim.shutdown().await;
}

/// The add body is checked as the spec types it; unknown projects and other scopes are 404
/// and 403 as for every project route.
#[tokio::test]
async fn bad_bodies_names_and_scopes_are_refused() {
    let sim = sim().await;
    let api = Api::of(&sim);
    let pid = api.project("checked").await;
    for name in [
        "Www.Acme.se",
        "acme",
        "acme.se.",
        "*.acme.se",
        "-x.acme.se",
        "a..se",
        "acme_ab.se",
        "10.0.0.1",
        "co.uk",
        "",
    ] {
        let (s, e) = api.add(&pid, json!({ "name": name })).await;
        assert_eq!((s, error_code(&e)), (400, "invalid_domain"), "{name}: {e}");
    }
    for body in [
        json!({}),
        json!({"name": 7}),
        json!({"name": "x.acme.se", "colour": "red"}),
        json!({"name": "x.acme.se", "redirectStatusCode": 303}),
        json!({"name": "x.acme.se", "gitBranch": 5}),
        json!({"name": "x.acme.se", "gitBranch": "b".repeat(251)}),
        json!({"name": "x.acme.se", "customEnvironmentId": null}),
        json!({"name": "x.acme.se", "redirect": "x.acme.se"}),
        json!({"name": "x.acme.se", "redirect": "not a domain"}),
        json!({"name": "x.acme.se", "redirect": "acme.se", "gitBranch": "dev"}),
        json!(["x.acme.se"]),
    ] {
        let (s, e) = api.add(&pid, body.clone()).await;
        assert_eq!((s, error_code(&e)), (400, "bad_request"), "{body}: {e}");
    }
    let r = api
        .c
        .post(api.url(&format!("/v10/projects/{pid}/domains")))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Optional properties as the spec types them are accepted and echoed.
    let body = json!({"name": "old.acme.se", "redirect": "www.acme.se", "redirectStatusCode": 308, "gitBranch": null});
    assert_request(Spec::Vercel, "POST", ADD, &body);
    let (s, d) = api.add(&pid, body).await;
    assert_eq!(s, 200, "{d}");
    assert_response(Spec::Vercel, "POST", ADD, 200, &d);
    assert_eq!(
        (&d["redirect"], &d["redirectStatusCode"]),
        (&json!("www.acme.se"), &json!(308))
    );
    let (s, d) = api
        .add(&pid, json!({"name": "dev.acme.se", "gitBranch": "dev"}))
        .await;
    assert_eq!((s, &d["gitBranch"]), (200, &json!("dev")), "{d}");

    // Unknown project: 404; the team's project is not visible without `teamId`; another
    // team is 403.
    let (s, e) = api.add("prj_nope", json!({"name": "y.acme.se"})).await;
    assert_eq!((s, error_code(&e)), (404, "not_found"));
    let c = client();
    let r = c
        .get(format!("{}/v9/projects/{pid}/domains", api.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .get(format!(
            "{}/v6/domains/old.acme.se/config?teamId=team_someoneelse",
            api.base
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .get(format!("{}/v6/domains/old.acme.se/config", api.base))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (s, e) = api.get("/v6/domains/not_a_domain/config").await;
    assert_eq!((s, error_code(&e)), (400, "invalid_domain"));
    sim.shutdown().await;
}

/// The listing: newest first, `limit` a page and `pagination.next` to pass as `until`;
/// filters; a redirect domain, once configured, sends visitors on to its target.
#[tokio::test]
async fn domains_are_listed_in_pages_and_redirects_are_followed() {
    let sim = sim().await;
    let api = Api::of(&sim);
    let pid = api.project("listed").await;
    for name in ["a.listed.se", "b.listed.se", "c.listed.se"] {
        assert_eq!(api.add(&pid, json!({ "name": name })).await.0, 200);
    }
    let (s, first) = api
        .get(&format!("/v9/projects/{pid}/domains?limit=2"))
        .await;
    assert_eq!(s, 200);
    // The spec's two alternatives differ only in how `pagination` is written (inline or a
    // reference to the same shape), so a valid answer matches both: checked against the first.
    assert_response_variant(Spec::Vercel, "GET", LIST, 200, 0, &first);
    let names = |l: &Value| -> Vec<String> {
        l["domains"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&first), ["c.listed.se", "b.listed.se"]);
    assert_eq!(first["pagination"]["count"], 2);
    let next = first["pagination"]["next"].as_i64().expect("a next page");
    let (_, rest) = api
        .get(&format!("/v9/projects/{pid}/domains?limit=2&until={next}"))
        .await;
    assert_response_variant(Spec::Vercel, "GET", LIST, 200, 0, &rest);
    assert_eq!(names(&rest), ["a.listed.se"]);
    assert_eq!(rest["pagination"]["next"], Value::Null);
    let (_, asc) = api
        .get(&format!("/v9/projects/{pid}/domains?order=ASC"))
        .await;
    assert_eq!(names(&asc), ["a.listed.se", "b.listed.se", "c.listed.se"]);

    make_verifiable(&sim, "b.listed.se", None).await;
    api.post(
        &format!("/v9/projects/{pid}/domains/b.listed.se/verify"),
        &Value::Null,
    )
    .await;
    let (_, verified) = api
        .get(&format!("/v9/projects/{pid}/domains?verified=true"))
        .await;
    assert_eq!(names(&verified), ["b.listed.se"]);
    let (_, pending) = api
        .get(&format!("/v9/projects/{pid}/domains?verified=false"))
        .await;
    assert_eq!(names(&pending), ["c.listed.se", "a.listed.se"]);
    for bad in ["limit=many", "verified=yes", "order=up", "target=staging"] {
        let (s, _) = api.get(&format!("/v9/projects/{pid}/domains?{bad}")).await;
        assert_eq!(s, 400, "{bad}");
    }

    // `listed.se` redirects to `b.listed.se` (permanently) once configured.
    let (s, _) = api
        .add(
            &pid,
            json!({"name": "listed.se", "redirect": "b.listed.se", "redirectStatusCode": 308}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, plain) = api
        .get(&format!("/v9/projects/{pid}/domains?redirects=false"))
        .await;
    assert!(!names(&plain).contains(&"listed.se".to_string()));
    make_verifiable(&sim, "listed.se", None).await;
    api.post(
        &format!("/v9/projects/{pid}/domains/listed.se/verify"),
        &Value::Null,
    )
    .await;
    let (s, location, _) = visit(&sim, "listed.se").await;
    assert_eq!(
        (s, location),
        (
            308,
            Some(format!("{}/vercel-site/b.listed.se", sim.base_url()))
        )
    );
    assert_eq!(visit(&sim, "b.listed.se").await.0, 200);

    // Removing with `removeRedirects` takes the redirecting domain too.
    let r = api
        .c
        .delete(api.url(&format!("/v9/projects/{pid}/domains/b.listed.se")))
        .bearer_auth(TOKEN)
        .json(&json!({"removeRedirects": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, all) = api.get(&format!("/v9/projects/{pid}/domains")).await;
    assert_eq!(names(&all), ["c.listed.se", "a.listed.se"]);
    sim.shutdown().await;
}

/// Domains are part of the persisted world.
#[tokio::test]
async fn domains_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = SimConfig {
        state_file: Some(dir.path().join("world.json")),
        ..Default::default()
    };
    let sim = sim_with(cfg.clone()).await;
    let api = Api::of(&sim);
    let pid = api.project("kept").await;
    assert_eq!(api.add(&pid, json!({"name": "kept.se"})).await.0, 200);
    make_verifiable(&sim, "kept.se", None).await;
    sim.shutdown().await;

    let sim = sim_with(cfg).await;
    let api = Api::of(&sim);
    let (s, d) = api
        .post(
            &format!("/v9/projects/{pid}/domains/kept.se/verify"),
            &Value::Null,
        )
        .await;
    assert_eq!((s, &d["verified"]), (200, &json!(true)), "{d}");
    sim.shutdown().await;
}
