//! A database Supabase locked for writing in a roll-out (issue #70: the simulator now locks a
//! free project past its plan's size, as Supabase does).

use super::*;

/// The locked canary is skipped with the reason, at the plan and right before its run, and the
/// wave after it gets the file. Before, its write failed on the lock and halted the roll-out for
/// every instance after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_database_is_skipped_with_its_reason_and_the_rest_are_applied() {
    let Some(f) = fleet("rollout-locked", &["Full Kanarie AB", "Ledig Plats AB"]).await else {
        return;
    };
    let (locked, free) = (f.slugs[0].clone(), f.slugs[1].clone());
    // Each project's use set, not drawn from its id: an idle one would be paused 25 days on.
    for (slug, profile) in [(&locked, "near_limit"), (&free, "normal")] {
        let body = serde_json::json!({"id": f.project_ref(slug), "profile": profile});
        let url = format!("{}/__sim/usage/profile", f.sim.base_url());
        let r = reqwest::Client::new().post(url).json(&body).send().await;
        assert!(r.unwrap().status().is_success());
    }
    // 480 MB and 1 MB a day: past the free plan's 500 MB.
    let url = format!("{}/__sim/clock", f.sim.base_url());
    let days = serde_json::json!({"advance_days": 25});
    let r = reqwest::Client::new().post(url).json(&days).send().await;
    assert!(r.unwrap().status().is_success());

    let dir = tempfile::tempdir().unwrap();
    files(dir.path(), &[(INVOICES, INVOICES_SQL)]);
    let mut start = f.cli();
    let dir_arg = dir.path().to_str().unwrap();
    start.args([
        "rollout", "start", "--dir", dir_arg, "--waves", "1,rest", "--yes", "--json",
    ]);
    let (code, out, err) = run(start);
    assert_eq!(code, 3, "one instance skipped: {out}{err}");
    let view = ended(&out);
    assert_eq!(view["rollout"]["state"], "done", "{view}");
    let m = member(&view, &locked);
    assert_eq!(m["state"], "skipped", "{m}");
    assert!(
        m["reason"]["en"]
            .as_str()
            .unwrap()
            .contains("locked the database"),
        "{m}"
    );
    assert_eq!(member(&view, &free)["state"], "done", "{view}");
    assert_eq!(f.history(&free).await, ["20250101000000", "20250601000000"]);
    assert_eq!(
        f.history(&locked).await,
        ["20250101000000"],
        "nothing written"
    );
}
