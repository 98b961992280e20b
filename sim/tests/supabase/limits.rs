//! The simulated Supabase's rate limits, per endpoint.

use super::*;

#[tokio::test]
async fn rate_limit_per_endpoint() {
    let sim = sim_with(SimConfig {
        rate_limits: RateLimits {
            supabase_per_minute: 3,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let base = sim.supabase_api_url();
    let c = client();
    for i in 0..3 {
        let r = c
            .get(format!("{base}/v1/organizations"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()["x-ratelimit-remaining"],
            (2 - i).to_string().as_str()
        );
    }
    let r = c
        .get(format!("{base}/v1/organizations"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
    // Another endpoint has its own counter.
    let r = c
        .get(format!("{base}/v1/projects"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Each project has its own counter for the same endpoint (README: per project scope).
    let one = create(&c, &base, "scope-a").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let two = create(&c, &base, "scope-b").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let get = |r: String| {
        let c = c.clone();
        let url = format!("{base}/v1/projects/{r}");
        async move { c.get(url).bearer_auth(TOKEN).send().await.unwrap().status() }
    };
    for _ in 0..3 {
        assert_eq!(get(one.clone()).await, 200);
    }
    assert_eq!(get(one.clone()).await, 429);
    assert_eq!(
        get(two.clone()).await,
        200,
        "another project is not limited by the first"
    );
    sim.shutdown().await;
}
