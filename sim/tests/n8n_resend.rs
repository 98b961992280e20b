//! n8n and Resend behaviour, validated against the official descriptions.

use crate::common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn n8n_workflow_create_validate_list_activate_delete() {
    let sim = sim().await;
    let n = sim.n8n_api_url();
    let c = client();
    let key = |r: reqwest::RequestBuilder| r.header("X-N8N-API-KEY", TOKEN);

    let (s, _, v) = json_of(c.get(format!("{n}/workflows")).send().await.unwrap()).await;
    assert_eq!((s, v), (401, json!({"message": "unauthorized"})));

    let wf = json!({"name": "Welcome", "nodes": [{"id": "1", "name": "Hook", "type": "n8n-nodes-base.webhook", "typeVersion": 2, "position": [0, 0], "parameters": {}}], "connections": {}, "settings": {}});
    assert_request(Spec::N8n, "POST", "/workflows", &wf);
    let (s, _, created) = json_of(
        key(c.post(format!("{n}/workflows")))
            .json(&wf)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{created}");
    assert_response(Spec::N8n, "POST", "/workflows", 200, &created);
    assert_eq!(created["active"], false);
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 16);

    let mut with_active = wf.clone();
    with_active["active"] = json!(true);
    let (s, _, v) = json_of(
        key(c.post(format!("{n}/workflows")))
            .json(&with_active)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v),
        (400, json!({"message": "request/body/active is read-only"}))
    );
    let mut extra = wf.clone();
    extra["pinData"] = json!({});
    let (s, _, v) = json_of(
        key(c.post(format!("{n}/workflows")))
            .json(&extra)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v),
        (
            400,
            json!({"message": "request/body must NOT have additional properties"})
        )
    );
    let (s, _, _) = json_of(
        key(c.post(format!("{n}/workflows")))
            .json(&json!({"name": "x", "nodes": []}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);

    // No uniqueness: a second one with the same name; then paginate.
    let (s, _, _) = json_of(
        key(c.post(format!("{n}/workflows")))
            .json(&wf)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _, page) = json_of(
        key(c.get(format!("{n}/workflows?name=Welcome&limit=1")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::N8n, "GET", "/workflows", 200, &page);
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    let cursor = page["nextCursor"].as_str().unwrap().to_string();
    let (_, _, page2) = json_of(
        key(c.get(format!(
            "{n}/workflows?name=Welcome&limit=1&cursor={cursor}"
        )))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(page2["data"].as_array().unwrap().len(), 1);
    assert!(page2["nextCursor"].is_null());

    let (s, _, v) = json_of(
        key(c.post(format!("{n}/workflows/{id}/activate")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, &v["active"]), (200, &json!(true)));
    assert_response(Spec::N8n, "POST", "/workflows/{id}/activate", 200, &v);
    let no_trigger = json!({"name": "Manual", "nodes": [{"id": "1", "name": "Set", "type": "n8n-nodes-base.set", "typeVersion": 3, "position": [0, 0], "parameters": {}}], "connections": {}, "settings": {}});
    let (_, _, m) = json_of(
        key(c.post(format!("{n}/workflows")))
            .json(&no_trigger)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (s, _, v) = json_of(
        key(c.post(format!(
            "{n}/workflows/{}/activate",
            m["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    assert!(v["message"].as_str().unwrap().contains("trigger"));
    let (s, _, v) = json_of(
        key(c.post(format!("{n}/workflows/{id}/deactivate")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, &v["active"]), (200, &json!(false)));

    let (s, _, v) = json_of(
        key(c.get(format!("{n}/workflows/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::N8n, "GET", "/workflows/{id}", 200, &v);
    let (s, _, v) = json_of(
        key(c.delete(format!("{n}/workflows/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::N8n, "DELETE", "/workflows/{id}", 200, &v);
    let (s, _, _) = json_of(
        key(c.get(format!("{n}/workflows/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 404);
    sim.shutdown().await;
}

#[tokio::test]
async fn resend_send_idempotency_domain_and_rate_limit() {
    let sim = sim().await;
    let r = sim.resend_api_url();
    let c = client();
    let mail = json!({"from": "Fabrik <welcome@sandbox.fabrik.test>", "to": ["owner@acme.test"], "subject": "Welcome", "html": "<p>Your code: 482913</p>"});
    assert_request(Spec::Resend, "POST", "/emails", &mail);

    let (s, _, v) = json_of(
        c.post(format!("{r}/emails"))
            .json(&mail)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["name"].as_str(), v["statusCode"].as_u64()),
        (401, Some("missing_api_key"), Some(401))
    );
    let (s, _, v) = json_of(
        c.post(format!("{r}/emails"))
            .bearer_auth("re_wrong")
            .json(&mail)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["name"].as_str()), (403, Some("invalid_api_key")));

    let (s, h, first) = json_of(
        c.post(format!("{r}/emails"))
            .bearer_auth(TOKEN)
            .header("Idempotency-Key", "welcome-1")
            .json(&mail)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::Resend, "POST", "/emails", 200, &first);
    assert_eq!(h["ratelimit-limit"], "2");
    assert_eq!(first["id"].as_str().unwrap().len(), 36);
    let (s, _, again) = json_of(
        c.post(format!("{r}/emails"))
            .bearer_auth(TOKEN)
            .header("Idempotency-Key", "welcome-1")
            .json(&mail)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, &again), (200, &first));
    // Third call within the same second: rate limited.
    let (s, h, v) = json_of(
        c.post(format!("{r}/emails"))
            .bearer_auth(TOKEN)
            .json(&mail)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["name"].as_str()), (429, Some("rate_limit_exceeded")));
    assert!(h.contains_key("retry-after"));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let mut other = mail.clone();
    other["subject"] = json!("Different");
    let (s, _, v) = json_of(
        c.post(format!("{r}/emails"))
            .bearer_auth(TOKEN)
            .header("Idempotency-Key", "welcome-1")
            .json(&other)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["name"].as_str()),
        (409, Some("invalid_idempotent_request"))
    );
    let mut foreign = mail.clone();
    foreign["from"] = json!("me@gmail.com");
    let (s, _, v) = json_of(
        c.post(format!("{r}/emails"))
            .bearer_auth(TOKEN)
            .json(&foreign)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["name"].as_str()), (403, Some("validation_error")));

    let (_, _, inv) = json_of(
        c.get(format!("{}/__sim/inventory", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let emails = inv["resend"]["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 1, "the replay did not send twice");
    assert!(emails[0]["html"].as_str().unwrap().contains("482913"));
    let (_, _, log) = json_of(
        c.get(format!("{}/__sim/requests", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        !log.to_string().contains("482913"),
        "mail bodies are masked in the request log"
    );
    sim.shutdown().await;
}

/// As n8n: one active webhook per method and path across all workflows. A second workflow
/// on a path and method an active one uses is refused (409, the node named); a different
/// path, a different method, or the first one deactivated, and it activates.
#[tokio::test]
async fn n8n_refuses_to_activate_a_webhook_path_already_in_use() {
    let sim = sim().await;
    let n = sim.n8n_api_url();
    let c = client();
    let key = |r: reqwest::RequestBuilder| r.header("X-N8N-API-KEY", TOKEN);
    let make = |name: &str, method: &str, path: &str| json!({"name": name, "nodes": [{"id": "1", "name": "Inkommande", "type": "n8n-nodes-base.webhook", "typeVersion": 2, "position": [0, 0], "parameters": {"httpMethod": method, "path": path}}], "connections": {}, "settings": {}});
    let mut ids = Vec::new();
    for (name, method, path) in [
        ("a", "POST", "events"),
        ("b", "POST", "/events"),
        ("c", "GET", "events"),
        ("d", "POST", "events-2"),
    ] {
        let (s, _, v) = json_of(
            key(c.post(format!("{n}/workflows")))
                .json(&make(name, method, path))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    let activate = |id: &str| key(c.post(format!("{n}/workflows/{id}/activate"))).send();
    let (s, _, _) = json_of(activate(&ids[0]).await.unwrap()).await;
    assert_eq!(s, 200);
    let (s, _, v) = json_of(activate(&ids[1]).await.unwrap()).await;
    assert_eq!(s, 409, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("\"Inkommande\" node uses is already taken"),
        "{v}"
    );
    for other in [&ids[2], &ids[3]] {
        let (s, _, v) = json_of(activate(other).await.unwrap()).await;
        assert_eq!(s, 200, "another method or path: {v}");
    }
    let (s, _, _) = json_of(
        key(c.post(format!("{n}/workflows/{}/deactivate", ids[0])))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _, _) = json_of(activate(&ids[1]).await.unwrap()).await;
    assert_eq!(s, 200, "free once the first is deactivated");
    sim.shutdown().await;
}

/// Resend's API keys (issue #55): the account's key makes a sending key restricted to its
/// domain; that key sends from the domain and nowhere else, may call nothing but
/// `POST /emails` (401 `restricted_api_key`, as Resend's error catalogue says), is listed by
/// id and name only, and stops the moment it is deleted.
#[tokio::test]
async fn resend_sending_keys_send_only_from_their_domain_until_deleted() {
    // The team's two requests a second are another test's (above).
    let mut cfg = fabrik_sim::SimConfig::default();
    cfg.rate_limits.resend_per_second = 100;
    let sim = sim_with(cfg).await;
    let (r, c) = (sim.resend_api_url(), client());
    let call =
        |method: reqwest::Method, path: &str, token: &str, body: Option<serde_json::Value>| {
            let req = c.request(method, format!("{r}{path}")).bearer_auth(token);
            let req = match body {
                Some(b) => req.json(&b),
                None => req,
            };
            async move { json_of(req.send().await.unwrap()).await }
        };
    use reqwest::Method as M;
    let (_, _, domains) = call(M::GET, "/domains", TOKEN, None).await;
    let domain = domains["data"][0]["id"].as_str().unwrap().to_string();
    let body =
        json!({"name": "fabrik:kund-1", "permission": "sending_access", "domain_id": domain});
    assert_request(Spec::Resend, "POST", "/api-keys", &body);
    let (s, _, made) = call(M::POST, "/api-keys", TOKEN, Some(body.clone())).await;
    assert_eq!(s, 201, "{made}");
    assert_response(Spec::Resend, "POST", "/api-keys", 201, &made);
    let (id, key) = (
        made["id"].as_str().unwrap().to_string(),
        made["token"].as_str().unwrap().to_string(),
    );
    assert!(key.starts_with("re_"));
    assert_eq!(sim.resend_key_tokens(), vec![(id.clone(), key.clone())]);

    let send = |from: &str| {
        let mail = json!({"from": from, "to": ["a@kund.test"], "subject": "Hej", "text": "x"});
        call(M::POST, "/emails", &key, Some(mail))
    };
    let (s, _, v) = send("noreply@sandbox.fabrik.test").await;
    assert_eq!(s, 200, "{v}");
    // Another verified domain of the account: not this key's.
    let other = json!({"kind": "resend_domain", "name": "annan.test", "status": "verified"});
    let added = c
        .post(format!("{}/__sim/foreign", sim.base_url()))
        .json(&other)
        .send()
        .await
        .unwrap();
    assert!(added.status().is_success());
    let (s, _, v) = send("noreply@annan.test").await;
    assert_eq!(
        (s, v["name"].as_str()),
        (403, Some("validation_error")),
        "{v}"
    );
    let one = format!("/api-keys/{id}");
    for (method, path) in [
        (M::GET, "/domains"),
        (M::GET, "/api-keys"),
        (M::POST, "/api-keys"),
        (M::DELETE, one.as_str()),
    ] {
        let (s, _, v) = call(method.clone(), path, &key, Some(body.clone())).await;
        assert_eq!(
            (s, v["name"].as_str()),
            (401, Some("restricted_api_key")),
            "{method} {path}: {v}"
        );
    }

    let (s, _, listed) = call(M::GET, "/api-keys", TOKEN, None).await;
    assert_eq!(s, 200);
    assert_response(Spec::Resend, "GET", "/api-keys", 200, &listed);
    assert_eq!(listed["data"][0]["name"], "fabrik:kund-1");
    assert!(!listed.to_string().contains(&key), "a token is shown once");

    let (s, _, gone) = call(M::DELETE, &one, TOKEN, None).await;
    assert_eq!((s, &gone["deleted"]), (200, &json!(true)));
    assert_response(Spec::Resend, "DELETE", "/api-keys/{api_key_id}", 200, &gone);
    let (s, _, v) = send("noreply@sandbox.fabrik.test").await;
    assert_eq!((s, v["name"].as_str()), (403, Some("invalid_api_key")));
    assert_eq!(call(M::DELETE, &one, TOKEN, None).await.0, 404);
    sim.shutdown().await;
}

/// A bench lifts the limits while it delivers the fleet it measures (`SimHandle::set_rate_limits`):
/// nothing is refused meanwhile, and once the configured limits are back they hold from zero,
/// so what is measured runs under the documented ones.
#[tokio::test]
async fn lifted_limits_refuse_nothing_and_the_configured_ones_hold_again_from_zero() {
    let sim = sim_with(fabrik_sim::SimConfig::default()).await;
    let (r, c) = (sim.resend_api_url(), client());
    let domains = || async {
        let resp = c
            .get(format!("{r}/domains"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        resp.status().as_u16()
    };
    let configured = sim.config().rate_limits;
    assert_eq!(configured.resend_per_second, 2);
    sim.set_rate_limits(configured.lifted());
    for _ in 0..6 {
        assert_eq!(domains().await, 200, "lifted: nothing refused");
    }
    sim.set_rate_limits(configured);
    let answers = [domains().await, domains().await, domains().await];
    assert_eq!(
        answers,
        [200, 200, 429],
        "Resend's two a second, counted from zero"
    );
    sim.shutdown().await;
}
