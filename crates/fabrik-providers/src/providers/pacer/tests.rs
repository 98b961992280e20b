use super::budget::Budget;
use super::*;
use crate::provider::per;
use crate::providers::http::tests::headers;

#[test]
fn endpoints_name_the_route_not_the_resource() {
    assert_eq!(endpoint("/v13/deployments/dpl_1"), "/v13/deployments/{}");
    assert_eq!(endpoint("/v13/deployments"), "/v13/deployments");
    assert_eq!(endpoint("/v10/projects/prj_1/env"), "/v10/projects/{}/env");
    assert_eq!(
        endpoint("/v10/projects/prj_1/promote/dpl_2"),
        "/v10/projects/{}/promote/{}"
    );
    let a = account("api.vercel.com", b"t");
    let one = buckets(Provider::Vercel, a, &Method::GET, "/v13/deployments/dpl_1");
    let two = buckets(Provider::Vercel, a, &Method::GET, "/v13/deployments/dpl_2");
    assert_eq!(one, two, "Vercel counts per endpoint");
    let p1 = buckets(Provider::Supabase, a, &Method::GET, "/v1/projects/a");
    let p2 = buckets(Provider::Supabase, a, &Method::GET, "/v1/projects/b");
    assert_ne!(p1, p2, "Supabase counts per project");
    // #70: its limit is the Management API's; a project's Auth and Storage document none.
    let storage = "/storage/v1/object/list/exports";
    assert!(buckets(Provider::Supabase, a, &Method::POST, storage).is_empty());
    let auth = "/supabase-project/abc/auth/v1/admin/users";
    assert!(buckets(Provider::Supabase, a, &Method::GET, auth).is_empty());
    assert_eq!(
        buckets(Provider::Github, a, &Method::PUT, "").len(),
        3,
        "a GitHub commit spends the hourly budget and the content-creation minute and hour"
    );
    assert_eq!(buckets(Provider::Github, a, &Method::PATCH, "").len(), 3);
    assert_eq!(buckets(Provider::Github, a, &Method::GET, "").len(), 1);
    assert_ne!(
        account("api.vercel.com", b"t"),
        account("api.vercel.com", b"u"),
        "each token has its own budget"
    );
}

#[test]
fn reads_each_providers_reset_units() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let at = (now + 30).to_string();
    let v = rate_headers(
        Provider::Vercel,
        &headers(&[
            ("x-ratelimit-limit", "100"),
            ("x-ratelimit-remaining", "7"),
            ("x-ratelimit-reset", &at),
        ]),
    );
    assert_eq!((v.limit, v.remaining), (Some(100), Some(7)));
    let r = v.reset_in.unwrap().as_secs();
    assert!((29..=30).contains(&r), "{r}");
    let s = rate_headers(
        Provider::Resend,
        &headers(&[("ratelimit-remaining", "0"), ("ratelimit-reset", "1")]),
    );
    assert_eq!(s.reset_in, Some(Duration::from_secs(1)));
    assert_eq!(s.remaining, Some(0));
    let huge = rate_headers(
        Provider::Supabase,
        &headers(&[("x-ratelimit-reset", "18446744073709551615")]),
    );
    assert!(huge.reset_in.is_some(), "a hostile number does not panic");
}

#[test]
fn a_budget_is_spent_then_waits_for_its_window() {
    let t0 = Instant::now();
    let mut b = Budget::new(Some(per(2, 1)), t0);
    assert_eq!(b.take(t0), None);
    assert_eq!(b.take(t0), None);
    let wait = b.take(t0).expect("the third waits");
    assert!(wait >= Duration::from_secs(1), "{wait:?}");
    assert_eq!(b.take(t0 + wait), None, "the next window has room");
}

#[test]
fn headers_lower_the_budget_and_a_refusal_empties_it() {
    let t0 = Instant::now();
    let mut b = Budget::new(Some(per(100, 60)), t0);
    assert_eq!(b.take(t0), None);
    b.learn(
        Provider::Supabase,
        RateHeaders {
            limit: Some(120),
            remaining: Some(1),
            reset_in: Some(Duration::from_secs(30)),
        },
        t0,
    );
    assert_eq!(b.take(t0), None);
    assert!(b.take(t0).is_some(), "the provider's count wins");
    let mut c = Budget::new(Some(per(100, 60)), t0);
    c.exhaust(Duration::from_secs(5), t0);
    let wait = c.take(t0).expect("a 429 stops the bucket");
    assert!(wait >= Duration::from_secs(5) - Duration::from_millis(1));
}

/// A 429 asking for one second, on an answer whose headers describe a minute's window
/// with room left, stops the bucket for that second, not for the minute.
#[test]
fn a_refusal_waits_as_long_as_it_asks() {
    let t0 = Instant::now();
    let mut b = Budget::new(Some(per(120, 60)), t0);
    assert_eq!(b.take(t0), None);
    b.learn(
        Provider::Supabase,
        RateHeaders {
            limit: Some(120),
            remaining: Some(118),
            reset_in: Some(Duration::from_secs(60)),
        },
        t0,
    );
    b.exhaust(Duration::from_secs(1), t0);
    let wait = b.take(t0).expect("stopped");
    assert!(wait <= Duration::from_secs(1), "{wait:?}");
    assert_eq!(b.take(t0 + Duration::from_secs(1)), None);
}

#[test]
fn unknown_limits_are_not_paced_until_a_header_names_one() {
    let t0 = Instant::now();
    let mut b = Budget::new(None, t0);
    for _ in 0..1000 {
        assert_eq!(b.take(t0), None);
    }
    b.learn(
        Provider::N8n,
        RateHeaders {
            limit: Some(1),
            remaining: Some(0),
            reset_in: Some(Duration::from_secs(10)),
        },
        t0,
    );
    assert!(b.take(t0).is_some());
}

/// A call waiting for its turn stops as soon as its run is cancelled, and a turn
/// further away than `MAX_WAIT` is not waited for at all.
#[tokio::test(start_paused = true)]
async fn a_turn_is_not_waited_when_cancelled_or_too_far() {
    let pacer = Pacer::default();
    let bucket = buckets(Provider::Resend, 2, &Method::POST, "/emails");
    let started = Instant::now();
    lock(&pacer.entry(&bucket[0]).budget).exhaust(Duration::from_secs(30), started);
    let cancel = CancellationToken::new();
    cancel.cancel();
    let waited = CANCEL.scope(cancel, pacer.acquire(&bucket)).await;
    assert!(waited.is_err(), "a cancelled run does not wait its turn");
    assert!(started.elapsed() < Duration::from_secs(1));

    lock(&pacer.entry(&bucket[0]).budget).exhaust(MAX_WAIT * 2, started);
    pacer.acquire(&bucket).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the provider's answer decides instead"
    );
}

/// Fifty callers on a 2-a-second budget go two per window, in turn, and none is refused.
#[tokio::test(start_paused = true)]
async fn many_callers_share_one_budget_in_turn() {
    let pacer = Arc::new(Pacer::default());
    let bucket = buckets(Provider::Resend, 1, &Method::POST, "/emails");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (pacer, bucket) = (pacer.clone(), bucket.clone());
        tasks.spawn(async move {
            pacer.acquire(&bucket).await.unwrap();
            started.elapsed()
        });
    }
    let mut times = Vec::new();
    while let Some(t) = tasks.join_next().await {
        times.push(t.unwrap());
    }
    times.sort();
    // Two per window: the 9th and 10th go in the fifth window.
    assert!(times[1] < Duration::from_millis(10), "{times:?}");
    assert!(times[2] >= Duration::from_secs(1), "{times:?}");
    assert!(times[9] >= Duration::from_secs(4), "{times:?}");
    assert!(times[9] < Duration::from_secs(6), "{times:?}");
}

/// A limit an answer raised (a benchmark's set-up under lifted limits) is forgotten: the
/// budget is the documented one again, as in a new process.
#[tokio::test(start_paused = true)]
async fn forgetting_goes_back_to_the_documented_limit() {
    let pacer = Pacer::default();
    let bucket = buckets(Provider::Resend, 3, &Method::POST, "/emails");
    let lifted = headers(&[
        ("ratelimit-limit", "4294967295"),
        ("ratelimit-remaining", "4294967200"),
        ("ratelimit-reset", "1"),
    ]);
    pacer.observe(&bucket, 200, &lifted, None);
    let started = Instant::now();
    for _ in 0..10 {
        pacer.acquire(&bucket).await.unwrap();
    }
    assert!(started.elapsed() < Duration::from_millis(10), "lifted");
    pacer.forget();
    let started = Instant::now();
    for _ in 0..3 {
        pacer.acquire(&bucket).await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Resend's documented 2 a second again"
    );
}

/// A call waiting for the next window goes when an answer shows that the window ends sooner
/// than the budget's own estimate (its first call's departure, the window and a slack): Resend
/// at two a second, where bulk runs went at two per 1.25 s (#71).
#[tokio::test(start_paused = true)]
async fn a_wait_ends_when_an_answer_shows_the_window_ends_sooner() {
    let pacer = Arc::new(Pacer::default());
    let bucket = buckets(Provider::Resend, 4, &Method::POST, "/emails");
    let started = Instant::now();
    pacer.acquire(&bucket).await.unwrap();
    pacer.acquire(&bucket).await.unwrap();
    let third = {
        let (pacer, bucket) = (pacer.clone(), bucket.clone());
        tokio::spawn(async move {
            pacer.acquire(&bucket).await.unwrap();
            started.elapsed()
        })
    };
    // The first two answers, 20 ms on: the provider's window ends a second after them at most.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let answer = headers(&[
        ("ratelimit-limit", "2"),
        ("ratelimit-remaining", "0"),
        ("ratelimit-reset", "1"),
    ]);
    pacer.observe(&bucket, 200, &answer, None);
    let went = third.await.unwrap();
    assert!(
        went >= Duration::from_millis(1_020),
        "not before the window the answer names ends: {went:?}"
    );
    assert!(
        went < Duration::from_millis(1_100),
        "not at the budget's own estimate (1.25 s): {went:?}"
    );
}
