//! `--json` on every command that prints (issue #68): the settings, a run's cancellation, the
//! scheduler's install and removal; what a script reads is the same fact the terminal is told.

use super::fabrik;
use fabrik::customer::rows::CustomerRows;
use fabrik::environment::Environment;
use fabrik::ledger::RunKind;
use fabrik::store::runs::NewRun;
use fabrik::store::Store;

fn json(db: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let out = fabrik(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        crate::common::said(&out)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?} printed no JSON ({e}): {}",
            crate::common::said(&out)
        )
    })
}

#[test]
fn settings_say_each_value_and_whose_it_is_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    let set = json(
        &db,
        &[
            "settings",
            "set",
            "github.owner",
            " exempel-byra ",
            "--json",
        ],
    );
    assert_eq!(
        set,
        serde_json::json!({ "key": "github.owner", "value": "exempel-byra", "seat": false })
    );
    let seat = json(
        &db,
        &["settings", "--json", "set", "backup.target", "github"],
    );
    assert_eq!(seat["seat"], true, "this computer's own: {seat}");
    assert_eq!(
        json(&db, &["settings", "get", "github.owner", "--json"])["value"],
        "exempel-byra"
    );
    let all = json(&db, &["settings", "list", "--json"]);
    let all = all.as_array().unwrap();
    let owner = all.iter().find(|s| s["key"] == "github.owner").unwrap();
    assert_eq!(owner["value"], "exempel-byra");
    assert!(owner["help"].as_str().is_some_and(|h| !h.is_empty()));
    assert!(all
        .iter()
        .any(|s| s["key"] == "supabase.region" && s["value"].is_null()));
    let unset = json(&db, &["settings", "unset", "github.owner", "--json"]);
    assert_eq!(unset["value"], serde_json::Value::Null);
    assert_eq!(
        json(&db, &["settings", "get", "github.owner", "--json"])["value"],
        serde_json::Value::Null
    );
}

#[test]
fn a_cancelled_run_and_a_removed_schedule_are_said_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    let store = Store::open(&db).unwrap();
    let slug = crate::common::customer(&store, "Avbruten Kund AB");
    let customer = store.get_customer(&slug).unwrap();
    let NewRun::Created(driver) = store
        .create_run(customer.id, RunKind::Redeploy, Environment::Sandbox, &[])
        .unwrap()
    else {
        panic!("a new run")
    };
    let id = driver.run_id.to_string();
    let cancelled = json(
        &db,
        &["--sandbox", "runs", "cancel", &id, "--rollback", "--json"],
    );
    assert_eq!(
        cancelled,
        serde_json::json!({ "run": driver.run_id, "cancelling": true, "rollback": true })
    );
    assert_eq!(store.cancel_requested(driver.run_id).unwrap(), Some(true));

    let config = dir.path().join("config");
    let out = fabrik(&db)
        .args(["schedule", "remove", "--json"])
        .env("XDG_CONFIG_HOME", &config)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::common::said(&out));
    let removed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(removed, serde_json::json!({ "removed": [] }));
}

#[test]
fn a_customer_removed_and_the_examples_are_said_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    let added = json(&db, &["customers", "examples", "--json"]);
    let n = added["added"].as_u64().unwrap();
    assert!(n > 0, "{added}");
    let first = super::list_json(&db)[0]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        json(&db, &["customers", "rm", &first, "--json"]),
        serde_json::json!({ "removed": first })
    );
    let removed = json(&db, &["customers", "examples", "--remove", "--json"]);
    assert_eq!(removed["removed"].as_u64(), Some(n - 1), "{removed}");
}

/// The commands whose output is not a report: an export writes the data itself (`--format
/// json`), and the shared register's password is only asked for.
const NOT_A_REPORT: [&str; 2] = ["register export", "register password"];

/// Every command that reports takes `--json`: a new one without it fails here. Read from the
/// command line's definition (what `--help` prints): a process a command took a minute.
#[test]
fn every_command_that_reports_takes_json() {
    let cli = fabrik_cli::definition();
    let mut without = Vec::new();
    let mut seen = 0;
    for group in fabrik_cli::listed(&cli) {
        let leaves: Vec<(String, &clap::Command)> = match fabrik_cli::listed(group).next() {
            None => vec![(group.get_name().to_string(), group)],
            Some(_) => fabrik_cli::listed(group)
                .map(|c| (format!("{} {}", group.get_name(), c.get_name()), c))
                .collect(),
        };
        for (path, cmd) in leaves {
            seen += 1;
            let json = cmd.get_arguments().any(|a| a.get_long() == Some("json"));
            if !json && !NOT_A_REPORT.contains(&path.as_str()) {
                without.push(path);
            }
        }
    }
    assert!(seen > 50, "the commands were found ({seen})");
    assert_eq!(without, Vec::<String>::new(), "commands without --json");
}
