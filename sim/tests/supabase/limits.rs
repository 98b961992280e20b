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

/// A free project past the free plan's 500 MB is locked read-only, as Supabase locks it (issue
/// #70: the free plan's limits in force; the simulator let it write): it still answers reads, a
/// write is refused with PostgreSQL's own error, a query that opens a read-write transaction of
/// its own frees space, and on a paid plan it writes again.
#[tokio::test]
async fn a_free_project_past_its_database_size_is_read_only() {
    let (_pg, sim) = pg_sim().await;
    let base = sim.supabase_api_url();
    let c = client();
    let r = create(&c, &base, "full").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let sql = |q: &'static str| {
        let c = c.clone();
        let (base, r) = (base.clone(), r.clone());
        async move {
            let (s, _, v) = json_of(post_sql(&c, &base, &r, q).await.unwrap()).await;
            (s, v)
        }
    };
    let admin = |path: &str, body: Value| {
        c.post(format!("{}/__sim{path}", sim.base_url()))
            .json(&body)
            .send()
    };
    let (s, v) = sql("create table notes (body text); insert into notes values ('a')").await;
    assert_eq!(s, 201, "{v}");
    let near = json!({"id": r, "profile": "near_limit"});
    assert!(admin("/usage/profile", near)
        .await
        .unwrap()
        .status()
        .is_success());
    // 480 MB and 1 MB a day (`usage::database_bytes`): within the plan for 20 days.
    let days = json!({"advance_days": 19});
    assert!(admin("/clock", days).await.unwrap().status().is_success());
    assert_eq!(sql("insert into notes values ('b')").await.0, 201);
    let url = format!("{base}/v1/projects/{r}/readonly");
    let (_, _, v) = json_of(c.get(url).bearer_auth(TOKEN).send().await.unwrap()).await;
    assert_eq!(v["enabled"], false, "{v}");
    let days = json!({"advance_days": 5});
    assert!(admin("/clock", days).await.unwrap().status().is_success());

    // Said by the documented status (v1-get-readonly-mode-status).
    let status = || {
        let url = format!("{base}/v1/projects/{r}/readonly");
        let c = c.clone();
        async move {
            let (s, _, v) = json_of(c.get(url).bearer_auth(TOKEN).send().await.unwrap()).await;
            assert_eq!(s, 200, "{v}");
            assert_response(
                Spec::Supabase,
                "GET",
                "/v1/projects/{ref}/readonly",
                200,
                &v,
            );
            v
        }
    };
    assert_eq!(status().await["enabled"], true);
    assert_eq!(status().await["override_enabled"], false);

    let (s, refused) = sql("insert into notes values ('c')").await;
    assert_eq!(s, 400, "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("25006") && message.contains("read-only transaction"),
        "{message}"
    );
    let (s, rows) = sql("select count(*)::int as n from notes").await;
    assert_eq!((s, &rows[0]["n"]), (201, &json!(2)), "{rows}");
    // Space freed the way the lock allows; the next request is locked again.
    let (s, v) = sql("begin; set transaction read write; delete from notes; commit").await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(sql("insert into notes values ('d')").await.0, 400);
    // Lifted for 15 minutes (v1-disable-readonly-mode-temporarily): it writes meanwhile.
    let lift = format!("{base}/v1/projects/{r}/readonly/temporary-disable");
    let lifted = c.post(lift).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(lifted.status(), 201);
    let v = status().await;
    assert_eq!(
        (&v["enabled"], &v["override_enabled"]),
        (&json!(true), &json!(true)),
        "{v}"
    );
    assert_eq!(sql("insert into notes values ('lifted')").await.0, 201);
    // On a paid plan the size is no longer a lock.
    let pro = format!("/supabase/projects/{r}/plan");
    assert!(admin(&pro, json!({"plan": "pro"}))
        .await
        .unwrap()
        .status()
        .is_success());
    assert_eq!(sql("insert into notes values ('e')").await.0, 201);
    assert_eq!(status().await["enabled"], false);
    sim.shutdown().await;
}
