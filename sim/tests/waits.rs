//! How the simulated services say how long to wait (issue #70).

use crate::common;

use common::*;
use serde_json::json;

/// An injected 429 says its wait as each service says it (contracts/README.md), not as one
/// `Retry-After` for all (issue #70): Supabase's Management API documents no `Retry-After`, only
/// its window's `X-RateLimit-*` with the reset in seconds left; Vercel the same with an epoch;
/// GitHub's secondary limit and Resend a `retry-after`; Stripe, n8n and Gitea nothing.
#[tokio::test]
async fn an_injected_429_says_its_wait_as_each_service_does() {
    let sim = sim().await;
    let base = sim.base_url().to_string();
    let c = client();
    let cases = [
        (
            "GET",
            "/supabase/v1/organizations",
            &["x-ratelimit-reset"][..],
        ),
        ("GET", "/vercel/v2/teams", &["x-ratelimit-reset"][..]),
        ("GET", "/github/user", &["retry-after"][..]),
        (
            "GET",
            "/resend/domains",
            &["retry-after", "ratelimit-reset"][..],
        ),
        ("GET", "/stripe/v1/events", &[][..]),
        ("GET", "/n8n/api/v1/workflows", &[][..]),
        ("GET", "/gitea/api/v1/user", &[][..]),
    ];
    for (method, path, said) in cases {
        let fault =
            json!({"method": method, "path": path, "status": 429, "retry_after": 7, "times": 1});
        let r = c.post(format!("{base}/__sim/faults")).json(&fault).send();
        assert_eq!(r.await.unwrap().status(), 201);
        let r = c
            .get(format!("{base}{path}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 429, "{path}");
        let h = r.headers();
        let waits: Vec<&str> = ["retry-after", "x-ratelimit-reset", "ratelimit-reset"]
            .into_iter()
            .filter(|k| h.contains_key(*k))
            .collect();
        let mut expected = said.to_vec();
        expected.sort_by_key(|k| {
            ["retry-after", "x-ratelimit-reset", "ratelimit-reset"]
                .iter()
                .position(|x| x == k)
        });
        assert_eq!(waits, expected, "{path}: {h:?}");
        if path.starts_with("/supabase") {
            assert_eq!(h["x-ratelimit-reset"], "7", "seconds left");
            assert_eq!(h["x-ratelimit-remaining"], "0");
        }
        if path.starts_with("/vercel") {
            let reset: i64 = h["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
            let now = chrono::Utc::now().timestamp();
            assert!((now + 5..=now + 9).contains(&reset), "an epoch: {reset}");
        }
    }
    sim.shutdown().await;
}
