//! A Vercel project's variables and deployments in the simulator: one variable edited and
//! removed, deployments listed and an older one promoted.

use super::*;

/// One variable edited (its targets) and removed, as the agency might by hand: the project's
/// listing shows each change, and a variable that is gone is a 404.
#[tokio::test]
async fn one_variable_is_edited_and_removed() {
    let sim = sim_with(SimConfig::default()).await;
    let v = sim.vercel_api_url();
    let team = sim.seed().vercel_team_id.clone();
    let c = client();
    generate_repo(&c, &sim.github_api_url(), "env-app").await;
    let body = json!({"name": "env-app", "framework": "nextjs", "gitRepository": {"type": "github", "repo": "fabrik-agency/env-app"}});
    let (s, _, p) = json_of(
        c.post(format!("{v}/v11/projects?teamId={team}"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    let pid = p["id"].as_str().unwrap().to_string();
    let vars = json!([
        {"key": "A", "value": "1", "type": "encrypted", "target": ["production", "preview"]},
        {"key": "B", "value": "2", "type": "encrypted", "target": ["production"]}
    ]);
    let (s, _, _) = json_of(
        c.post(format!("{v}/v10/projects/{pid}/env?teamId={team}"))
            .bearer_auth(TOKEN)
            .json(&vars)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201);
    let list = |c: reqwest::Client| {
        let url = format!("{v}/v10/projects/{pid}/env?teamId={team}");
        async move {
            let (s, _, l) = json_of(c.get(url).bearer_auth(TOKEN).send().await.unwrap()).await;
            assert_eq!(s, 200);
            l
        }
    };
    let l = list(c.clone()).await;
    let id = |l: &Value, key: &str| {
        l["envs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == key)
            .map(|e| e["id"].as_str().unwrap().to_string())
    };
    let (a, b) = (id(&l, "A").unwrap(), id(&l, "B").unwrap());

    let edit = json!({"target": ["preview"]});
    assert_request(
        Spec::Vercel,
        "PATCH",
        "/v9/projects/{idOrName}/env/{id}",
        &edit,
    );
    let (s, _, e) = json_of(
        c.patch(format!("{v}/v9/projects/{pid}/env/{a}?teamId={team}"))
            .bearer_auth(TOKEN)
            .json(&edit)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{e}");
    assert_response_variant(
        Spec::Vercel,
        "PATCH",
        "/v9/projects/{idOrName}/env/{id}",
        200,
        0,
        &e,
    );
    assert_eq!(e["target"], json!(["preview"]));
    let (s, _, _) = json_of(
        c.patch(format!("{v}/v9/projects/{pid}/env/{a}?teamId={team}"))
            .bearer_auth(TOKEN)
            .json(&json!({"colour": "red"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400, "a property the spec does not have");

    let (s, _, gone) = json_of(
        c.delete(format!("{v}/v9/projects/{pid}/env/{b}?teamId={team}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{gone}");
    assert_response_variant(
        Spec::Vercel,
        "DELETE",
        "/v9/projects/{idOrName}/env/{id}",
        200,
        2,
        &gone,
    );
    assert_eq!(gone["key"], "B");
    let l = list(c.clone()).await;
    assert_eq!(id(&l, "B"), None);
    assert_eq!(
        l["envs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == "A")
            .unwrap()["target"],
        json!(["preview"])
    );
    let (s, _, _) = json_of(
        c.delete(format!("{v}/v9/projects/{pid}/env/{b}?teamId={team}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 404);
    sim.shutdown().await;
}

/// `getDeployments` lists a project's deployments newest first, each with `uid` and the commit
/// it built in `meta`, as the description has it; `requestPromote` makes an older READY one
/// serve production (201, pinned), refuses one that is not READY (400) and an unknown one (404),
/// and promoting the newest lifts the pin.
#[tokio::test]
async fn deployments_are_listed_and_an_older_one_is_promoted() {
    let timings = Timings {
        vercel_queue: Duration::from_millis(0),
        vercel_build: Duration::from_millis(300),
        ..Timings::instant()
    };
    let sim = sim_with(SimConfig {
        profile: Profile::Realistic,
        timings: Some(timings),
        ..Default::default()
    })
    .await;
    let v = sim.vercel_api_url();
    let team = sim.seed().vercel_team_id.clone();
    let c = client();
    generate_repo(&c, &sim.github_api_url(), "roll-app").await;
    let body = json!({"name": "roll-app", "framework": "nextjs", "gitRepository": {"type": "github", "repo": "fabrik-agency/roll-app"}});
    let (_, _, p) = json_of(
        c.post(format!("{v}/v11/projects?teamId={team}"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let pid = p["id"].as_str().unwrap().to_string();
    let deploy = || {
        let (c, url) = (c.clone(), format!("{v}/v13/deployments?teamId={team}"));
        let body = json!({"name": "roll-app", "project": pid, "target": "production", "gitSource": {"type": "github", "org": "fabrik-agency", "repo": "roll-app", "ref": "main"}});
        async move {
            let (_, _, d) = json_of(
                c.post(url)
                    .bearer_auth(TOKEN)
                    .json(&body)
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            d["id"].as_str().unwrap().to_string()
        }
    };
    let list = |query: String| {
        let (c, url) = (
            c.clone(),
            format!("{v}/v6/deployments?teamId={team}&{query}"),
        );
        async move { json_of(c.get(url).bearer_auth(TOKEN).send().await.unwrap()).await }
    };
    let promote = |id: String| {
        let (c, url) = (
            c.clone(),
            format!("{v}/v10/projects/{pid}/promote/{id}?teamId={team}"),
        );
        async move {
            c.post(url)
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let production = || {
        let (c, url) = (c.clone(), format!("{v}/v9/projects/{pid}?teamId={team}"));
        async move {
            let (_, _, p) = json_of(c.get(url).bearer_auth(TOKEN).send().await.unwrap()).await;
            p["targets"]["production"]["id"]
                .as_str()
                .map(str::to_string)
        }
    };
    let older = deploy().await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let newer = deploy().await;
    // The newer one is still building: it cannot be promoted yet.
    assert_eq!(promote(newer.clone()).await, 400);
    tokio::time::sleep(Duration::from_millis(400)).await;

    let (s, _, l) = list(format!("projectId={pid}&target=production&limit=10")).await;
    assert_eq!(s, 200, "{l}");
    assert_response(Spec::Vercel, "GET", "/v6/deployments", 200, &l);
    let ids: Vec<&str> = l["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["uid"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [newer.as_str(), older.as_str()], "newest first");
    let first = &l["deployments"][0];
    assert_eq!(first["readyState"], "READY");
    assert_eq!(first["target"], "production");
    assert_eq!(first["meta"]["githubCommitRef"], "main");
    assert_eq!(
        first["meta"]["githubCommitSha"].as_str().map(str::len),
        Some(40)
    );
    let (_, _, one) = list("projectId=roll-app&limit=1".into()).await;
    assert_eq!(one["deployments"].as_array().unwrap().len(), 1);
    assert!(one["pagination"]["next"].is_number(), "{one}");
    let (_, _, none) = list("projectId=prj_nobody".into()).await;
    assert_eq!(none["deployments"], json!([]));
    assert_eq!(production().await.as_deref(), Some(newer.as_str()));

    assert_eq!(promote(older.clone()).await, 201);
    assert_eq!(production().await.as_deref(), Some(older.as_str()));
    assert_eq!(promote("dpl_nope".into()).await, 404);
    assert_eq!(promote(newer.clone()).await, 201);
    assert_eq!(production().await.as_deref(), Some(newer.as_str()));
    sim.shutdown().await;
}
