//! GitHub behaviour, validated against the official description.

use crate::common;

use std::collections::HashMap;
use std::time::Duration;

use common::*;
use fabrik_sim::{Profile, RateLimits, SimConfig, Timings};
use serde_json::json;

mod repository;

#[tokio::test]
async fn user_template_generate_empty_then_filled_and_delete() {
    let timings = Timings {
        github_template_copy: Duration::from_millis(1500), // wide: "empty at first" must hold on a loaded machine
        ..Timings::instant()
    };
    let sim = sim_with(SimConfig {
        profile: Profile::Realistic,
        timings: Some(timings),
        ..Default::default()
    })
    .await;
    let gh = sim.github_api_url();
    let c = client();

    let (s, h, user) = json_of(
        c.get(format!("{gh}/user"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::Github, "GET", "/user", 200, &user);
    assert_eq!(user["login"], "fabrik-agent");
    assert_eq!(h["x-oauth-scopes"], "repo, delete_repo, read:user");
    assert_eq!(h["x-ratelimit-limit"], "5000");
    assert_eq!(h["x-ratelimit-resource"], "core");
    assert!(
        h["x-ratelimit-reset"]
            .to_str()
            .unwrap()
            .parse::<i64>()
            .unwrap()
            > 1_700_000_000
    );

    let (s, _, tpl) = json_of(
        c.get(format!("{gh}/repos/fabrik-agency/saas-template"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::Github, "GET", "/repos/{owner}/{repo}", 200, &tpl);
    assert_eq!(tpl["is_template"], true);

    let body = json!({"name": "acme-app", "owner": "fabrik-agency", "private": true, "description": "Acme"});
    assert_request(
        Spec::Github,
        "POST",
        "/repos/{template_owner}/{template_repo}/generate",
        &body,
    );
    let (s, h, repo) = json_of(
        c.post(format!("{gh}/repos/fabrik-agency/saas-template/generate"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201, "{repo}");
    assert_response(
        Spec::Github,
        "POST",
        "/repos/{template_owner}/{template_repo}/generate",
        201,
        &repo,
    );
    assert_eq!(
        h["location"],
        format!("{gh}/repos/fabrik-agency/acme-app").as_str()
    );
    assert_eq!(repo["size"], 0);
    assert_eq!(
        repo["template_repository"]["full_name"],
        "fabrik-agency/saas-template"
    );

    // Empty until the copy finishes.
    let (s, _, v) = json_of(
        c.get(format!(
            "{gh}/repos/fabrik-agency/acme-app/commits?per_page=1"
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (409, Some("Git Repository is empty."))
    );
    let (s, _, v) = json_of(
        c.get(format!(
            "{gh}/repos/fabrik-agency/acme-app/git/ref/heads/main"
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (409, Some("Git Repository is empty."))
    );
    tokio::time::sleep(Duration::from_millis(1700)).await;
    let (s, _, v) = json_of(
        c.get(format!(
            "{gh}/repos/fabrik-agency/acme-app/commits?per_page=1"
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v.as_array().unwrap().len(), 1);
    let (s, _, v) = json_of(
        c.get(format!(
            "{gh}/repos/fabrik-agency/acme-app/git/ref/heads/main"
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((s, v["ref"].as_str()), (200, Some("refs/heads/main")));
    let (s, _, v) = json_of(
        c.get(format!(
            "{gh}/repos/fabrik-agency/acme-app/contents/README.md"
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((s, v["name"].as_str()), (200, Some("README.md")));
    let (_, _, repo) = json_of(
        c.get(format!("{gh}/repos/fabrik-agency/acme-app"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(repo["size"].as_u64().unwrap() > 0);
    assert_response(Spec::Github, "GET", "/repos/{owner}/{repo}", 200, &repo);

    // Name taken.
    let (s, _, v) = json_of(
        c.post(format!("{gh}/repos/fabrik-agency/saas-template/generate"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(
        v["message"],
        "Could not clone: Name already exists on this account"
    );
    assert!(v["documentation_url"].is_string());

    // A non-template cannot be generated from.
    let (s, _, _) = json_of(
        c.post(format!("{gh}/repos/fabrik-agency/acme-app/generate"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 422);

    let (s, h, list) = json_of(
        c.get(format!("{gh}/user/repos?per_page=1"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::Github, "GET", "/user/repos", 200, &list);
    assert!(h["link"].to_str().unwrap().contains("rel=\"next\""));

    let r = c
        .delete(format!("{gh}/repos/fabrik-agency/acme-app"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (s, _, v) = json_of(
        c.get(format!("{gh}/repos/fabrik-agency/acme-app"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["message"].as_str()), (404, Some("Not Found")));

    let (s, _, rl) = json_of(
        c.get(format!("{gh}/rate_limit"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::Github, "GET", "/rate_limit", 200, &rl);
    sim.shutdown().await;
}

#[tokio::test]
async fn bad_token_scopes_and_rate_limits() {
    let mut cfg = SimConfig {
        rate_limits: RateLimits {
            github_content_per_minute: 2,
            github_per_hour: 50,
            ..Default::default()
        },
        ..Default::default()
    };
    cfg.tokens.github.push("weak".into());
    cfg.github_scopes = HashMap::from([("weak".to_string(), vec!["read:user".to_string()])]);
    let sim = sim_with(cfg).await;
    let gh = sim.github_api_url();
    let c = client();

    let (s, _, v) = json_of(
        c.get(format!("{gh}/user"))
            .bearer_auth("nope")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v),
        (
            401,
            json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"})
        )
    );

    let (_, h, _) = json_of(
        c.get(format!("{gh}/user"))
            .bearer_auth("weak")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(h["x-oauth-scopes"], "read:user");
    let (s, _, _) = json_of(
        c.post(format!("{gh}/repos/fabrik-agency/saas-template/generate"))
            .bearer_auth("weak")
            .json(&json!({"name": "w"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 404, "a token without repo cannot create");

    for i in 0..2 {
        let r = c
            .post(format!("{gh}/repos/fabrik-agency/saas-template/generate"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": format!("r{i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let (s, h, v) = json_of(
        c.post(format!("{gh}/repos/fabrik-agency/saas-template/generate"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "r3"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 403);
    assert!(v["message"]
        .as_str()
        .unwrap()
        .starts_with("You have exceeded a secondary rate limit"));
    assert!(h["retry-after"].to_str().unwrap().parse::<u64>().unwrap() <= 60);
    // A commit is content too: the spent minute refuses it as well.
    let r = c
        .put(format!("{gh}/repos/fabrik-agency/r0/contents/a.txt"))
        .bearer_auth(TOKEN)
        .json(&json!({"message": "m", "content": "YQ=="}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "PUT contents counts as content creation");
    assert!(r.headers().contains_key("retry-after"));

    let r = c
        .delete(format!("{gh}/repos/fabrik-agent/r0"))
        .bearer_auth("weak")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "delete needs delete_repo");

    // Primary limit: 50 per hour for this test.
    let mut last = 0;
    for _ in 0..60 {
        last = c
            .get(format!("{gh}/user"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
    }
    assert_eq!(last, 403);
    let r = c
        .get(format!("{gh}/user"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
    sim.shutdown().await;
}
