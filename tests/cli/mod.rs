//! The `fabrik` binary on a temporary register: what a user types, what they see, and that
//! invalid input changes nothing.

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;
use predicates::prelude::*;

use crate::common;

mod backup;
mod billing;
mod environment;
mod gate;
mod json;
mod labels;
mod language;
mod portal;
mod register;
mod team;
mod update;
mod usage;

pub(crate) fn fabrik(db: &Path) -> Command {
    let mut c = Command::new(crate::common::fabrik_exe());
    c.arg("--db")
        .arg(db)
        .env_remove("FABRIK_DB")
        .env_remove("FABRIK_DATABASE_URL")
        // The seat's own choice decides, not the developer's shell.
        .env_remove("FABRIK_LANG");
    c
}

pub(crate) fn list_json(db: &Path) -> Vec<serde_json::Value> {
    let out = fabrik(db)
        .args(["customers", "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn add_list_show_edit_rm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    fabrik(&db)
        .args([
            "customers",
            "add",
            "--name",
            "Åsa's Bageri & Café AB",
            "--email",
            "asa@bageri.se",
            "--plan",
            "professional",
            "--contact",
            "Åsa",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("asas-bageri-cafe-ab"));
    let rows = list_json(&db);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["slug"], "asas-bageri-cafe-ab");
    assert_eq!(rows[0]["plan"], "professional");

    fabrik(&db)
        .args([
            "customers",
            "edit",
            "asas-bageri-cafe-ab",
            "--production-url",
            "https://asa.example.se",
            "--status",
            "active",
            "--supabase-project-ref",
            "abcdefghijklmnopqrst",
        ])
        .assert()
        .success();
    let out = fabrik(&db)
        .args(["customers", "show", "asas-bageri-cafe-ab", "--json"])
        .output()
        .unwrap();
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(c["instance"]["production_url"], "https://asa.example.se");
    assert_eq!(
        c["links"]["supabase"],
        "https://supabase.com/dashboard/project/abcdefghijklmnopqrst"
    );
    assert_eq!(c["status"], "active");
    assert_eq!(c["modules"], serde_json::json!(["crm", "email", "content"]));

    fabrik(&db)
        .args(["customers", "show", "asas-bageri-cafe-ab"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Produktions-URL:   https://asa.example.se",
        ));
    fabrik(&db)
        .args(["customers", "rm", "asas-bageri-cafe-ab"])
        .assert()
        .success();
    assert!(list_json(&db).is_empty());
    fabrik(&db)
        .args(["customers", "rm", "asas-bageri-cafe-ab"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("customer_not_found"));
}

#[test]
fn invalid_input_fails_with_the_reason_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    fabrik(&db)
        .args([
            "customers",
            "add",
            "--name",
            "Kund Ett",
            "--email",
            "a@kund.se",
        ])
        .assert()
        .success();
    let before = list_json(&db);

    fabrik(&db)
        .args(["customers", "add", "--name", "Kund Två", "--email", "anna@"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("admin_email").and(predicate::str::contains("email_invalid")),
        );
    fabrik(&db)
        .args([
            "customers",
            "add",
            "--name",
            "Kund",
            "--email",
            "a@b.se",
            "--slug",
            "api",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("slug_reserved"));
    fabrik(&db)
        .args([
            "customers",
            "add",
            "--name",
            "Dubblett",
            "--email",
            "a@b.se",
            "--slug",
            "kund-ett",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("slug_taken"));
    fabrik(&db)
        .args([
            "customers",
            "edit",
            "kund-ett",
            "--name",
            "Nytt",
            "--production-url",
            "http://osaker.se",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("https://"));
    fabrik(&db)
        .args([
            "customers",
            "add",
            "--name",
            "X",
            "--email",
            "a@b.se",
            "--plan",
            "gold",
        ])
        .assert()
        .code(2);
    assert_eq!(list_json(&db), before);
}

#[test]
fn the_database_path_comes_from_fabrik_db() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("env.sqlite3");
    Command::new(crate::common::fabrik_exe())
        .env("FABRIK_DB", &db)
        .args([
            "customers",
            "add",
            "--name",
            "Miljö Kund",
            "--email",
            "m@kund.se",
        ])
        .assert()
        .success();
    assert!(db.exists());
    assert_eq!(list_json(&db)[0]["slug"], "miljo-kund");
}

#[test]
fn a_newer_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.sqlite3");
    fabrik(&db).args(["customers", "list"]).assert().success();
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    fabrik(&db)
        .args(["customers", "list"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("database_too_new"));
}

#[test]
fn two_processes_adding_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.sqlite3");
    fabrik(&db).args(["customers", "list"]).assert().success();
    let script = |p: usize| {
        (0..15).map(|i| format!("{} --db {} customers add --name 'Process {p} Kund {i}' --email p@kund.se >/dev/null || exit 1\n", crate::common::fabrik_exe().display(), db.display())).collect::<String>()
    };
    let children: Vec<_> = (0..2)
        .map(|p| Command::new("sh").arg("-c").arg(script(p)).spawn().unwrap())
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    assert_eq!(list_json(&db).len(), 30);
}

#[test]
fn examples_are_added_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ex.sqlite3");
    fabrik(&db)
        .args(["customers", "examples"])
        .assert()
        .success()
        .stdout(predicate::str::contains("12"));
    let rows = list_json(&db);
    assert_eq!(rows.len(), 12);
    assert!(rows.iter().all(|r| r["is_example"] == true));
    fabrik(&db)
        .args(["customers", "examples", "--remove"])
        .assert()
        .success();
    assert!(list_json(&db).is_empty());
}

/// #28: "Ta bort exempel" removes the examples Fabrik never worked on and keeps one it
/// provisioned, with its ledger and its resources in the cloud, saying which and why (tear it
/// down first). After the teardown the next removal takes it too; its ledger stays archived.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provisioned_example_is_kept_until_it_is_torn_down() {
    let Some(_) = common::keyring("examples-kept") else {
        return;
    };
    let sim = common::sim(fabrik_sim::Profile::Instant).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fabrik.sqlite3");
    {
        let store = fabrik::store::Store::open(&db).unwrap();
        for (k, v) in common::settings_for(&sim) {
            store.set_setting(k, &v).unwrap();
        }
    }
    let run = |args: &[&str]| common::cli(&sim, &db).args(args).output().unwrap();
    let ok = |args: &[&str]| {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", common::said(&out));
        common::said(&out)
    };
    let listed = || -> Vec<String> {
        let out = run(&["customers", "list", "--json"]);
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        rows.iter()
            .map(|r| r["slug"].as_str().unwrap().to_string())
            .collect()
    };
    ok(&["customers", "examples"]);
    assert_eq!(listed().len(), 12);
    let slug = "goteborgs-cykelverkstad";
    ok(&["provision", slug, "--yes"]);

    let said = ok(&["customers", "examples", "--remove"]);
    assert!(
        said.contains("Exempelkunder borttagna: 11.")
            && said.contains(
                "Göteborgs Cykelverkstad (goteborgs-cykelverkstad): Fabrik kan ha skapat resurser"
            )
            && said.contains("Avveckla dem först"),
        "{said}"
    );
    assert_eq!(listed(), [slug], "the provisioned example is kept");
    let inv = common::inventory(&sim).await;
    assert_eq!(
        common::counts(&inv)["projects"],
        1,
        "its instance is there: {inv}"
    );

    ok(&["teardown", slug, "--confirm", slug]);
    let said = ok(&["customers", "examples", "--remove"]);
    assert!(
        said.contains("Exempelkunder borttagna: 1.") && !said.contains("Behölls"),
        "{said}"
    );
    assert!(listed().is_empty());
    let store = fabrik::store::Store::open(&db).unwrap();
    assert!(
        store.list_runs(None, 10).unwrap().len() >= 2,
        "its runs are kept in the archive"
    );
    sim.shutdown().await;
}

/// The environment is said once, on a line of its own, and only by a command that reaches a
/// cloud; a command of the register alone (a setting, a customer) says nothing of it, and an
/// error is a line of its own.
#[test]
fn the_environment_is_said_once_and_only_where_a_cloud_is_reached() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    for args in [
        &["settings", "set", "health.check_minutes", "5"][..],
        &[
            "customers",
            "add",
            "--name",
            "Kund Ett",
            "--email",
            "a@kund.se",
        ],
        &["customers", "add", "--name", "Kund Två", "--email", "anna@"],
        &["customers", "list"],
    ] {
        let out = fabrik(&db).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("Miljö"), "{args:?}: {stderr}");
    }
    // A cloud command that fails: the environment first, then the error, each a line.
    let out = fabrik(&db)
        .args(["--production", "provision", "ingen-sadan-kund", "--yes"])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.iter().filter(|l| l.contains("Miljö")).count(),
        1,
        "{stderr}"
    );
    assert_eq!(
        lines[0], "Miljö: produktion (vald; --sandbox byter)",
        "{stderr}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("fel [")),
        "the error starts a line: {stderr}"
    );
}
