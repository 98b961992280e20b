//! Fabrik's n8n client switching a workflow on and off by the server's version: n8n 2
//! publishes (`/publish`, `/unpublish`), n8n 1 activates (`/activate`, `/deactivate`), and a
//! server whose version cannot be read (metrics off) is asked as n8n 1, which both answer.

use std::time::Duration;

use fabrik::providers::n8n::{N8n, Switch, Workflow};
use fabrik::secrets::Secret;
use fabrik_sim::{SimConfig, SimHandle, Tokens};
use serde_json::json;

use crate::common::{get, TOKEN};

/// A simulator whose n8n runs `version` (its metrics on or off), Fabrik's client of it, and a
/// workflow with a trigger made through the client.
async fn started(version: &str, metrics: bool) -> (SimHandle, N8n, Workflow) {
    let sim = fabrik_sim::start(SimConfig {
        tokens: Tokens::single(TOKEN),
        n8n_version: version.into(),
        n8n_metrics: metrics,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let n8n = N8n::new(
        &sim.n8n_api_url(),
        Secret::new(TOKEN),
        Duration::from_secs(10),
    );
    let template = json!({"nodes": [{"name": "Start", "type": "n8n-nodes-base.webhook",
        "parameters": {"path": format!("kund-{version}-{metrics}"), "httpMethod": "POST"}}]});
    let marker = json!({"name": "Fabrik", "type": "n8n-nodes-base.noOp", "parameters": {}});
    let wf = n8n.create("Kund AB", &template, marker).await.unwrap();
    (sim, n8n, wf)
}

#[tokio::test]
async fn a_workflow_is_published_on_n8n_2_and_activated_on_n8n_1() {
    for (version, metrics, switch, on, off) in [
        ("1.97.1", true, Switch::Activate, "activate", "deactivate"),
        ("2.3.0", true, Switch::Publish, "publish", "unpublish"),
        // Metrics off: the version is unknown, and n8n 2 still answers `/activate`.
        ("2.3.0", false, Switch::Activate, "activate", "deactivate"),
    ] {
        let (sim, n8n, wf) = started(version, metrics).await;
        assert_eq!(n8n.switch().await, switch, "{version}, metrics {metrics}");
        assert!(n8n.activate(&wf.id).await.unwrap().active);
        assert!(!n8n.deactivate(&wf.id).await.unwrap().active);
        let log = get(&sim, "/__sim/requests").await["requests"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let switched: Vec<String> = log
            .iter()
            .filter_map(|r| r["path"].as_str())
            .filter_map(|p| p.strip_prefix(&format!("/n8n/api/v1/workflows/{}/", wf.id)))
            .map(str::to_string)
            .collect();
        assert_eq!(switched, [on, off], "{version}, metrics {metrics}");
        // The metrics are read once a client: a second switch asks no more.
        let metrics_read = log.iter().filter(|r| r["path"] == "/n8n/metrics").count();
        assert_eq!(metrics_read, 1, "{version}, metrics {metrics}");
        sim.shutdown().await;
    }
}

/// n8n 1 has no `/publish`: the simulator answers it as the server does an unknown route.
#[tokio::test]
async fn n8n_1_has_no_publish_route() {
    let (sim, _, wf) = started("1.97.1", true).await;
    let r = reqwest::Client::new()
        .post(format!("{}/workflows/{}/publish", sim.n8n_api_url(), wf.id))
        .header("X-N8N-API-KEY", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    sim.shutdown().await;
}
