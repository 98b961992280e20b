//! `fabrik billing policy`: the policy shown in Swedish, changed only when every change is
//! valid, and a teardown's `do` refused.

use assert_cmd::prelude::*;
use predicates::prelude::*;
use serde_json::Value;

use crate::cli::fabrik;

fn policy(db: &std::path::Path) -> Vec<Value> {
    let out = fabrik(db)
        .args(["billing", "policy", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn rule(rows: &[Value], plan: &str, transition: &str) -> (String, Value) {
    let r = rows
        .iter()
        .find(|r| r["plan"] == plan && r["transition"] == transition)
        .unwrap();
    (
        r["step"].as_str().unwrap().to_string(),
        r["grace_days"].clone(),
    )
}

#[test]
fn the_policy_is_shown_and_changed_only_when_every_change_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    fabrik(&db)
        .args(["billing", "policy"])
        .assert()
        .success()
        .stdout(predicate::str::contains("betalningen misslyckades"))
        .stdout(predicate::str::contains("tills Stripe ger upp"))
        .stdout(predicate::str::contains(
            "sparas kundens export i exportmappen",
        ));
    let before = policy(&db);
    assert_eq!(before.len(), 12);
    assert_eq!(rule(&before, "starter", "resumed").0, "do");

    for (args, says) in [
        (
            vec![
                "--set",
                "starter.paused=do",
                "--set",
                "starter.period_ended=do",
            ],
            "En avveckling görs aldrig automatiskt",
        ),
        (vec!["--set", "starter.paused"], "skriv PLAN.ÖVERGÅNG=STEG"),
        (vec!["--set", "guld.paused=do"], "skriv PLAN.ÖVERGÅNG=STEG"),
    ] {
        fabrik(&db)
            .args(["billing", "policy"])
            .args(&args)
            .assert()
            .failure()
            .stderr(predicate::str::contains(says));
        assert_eq!(policy(&db), before, "{args:?} changed nothing");
    }
    fabrik(&db)
        .args(["billing", "policy", "--grace-days", "-1"])
        .assert()
        .failure();

    fabrik(&db)
        .args([
            "billing",
            "policy",
            "--set",
            "*.payment_failed=do",
            "--grace-days",
            "7",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("7 dagar"));
    let after = policy(&db);
    for plan in ["starter", "professional", "enterprise"] {
        assert_eq!(
            rule(&after, plan, "payment_failed"),
            ("do".to_string(), serde_json::json!(7))
        );
    }
    assert_eq!(rule(&after, "starter", "paused").0, "offer");
}
