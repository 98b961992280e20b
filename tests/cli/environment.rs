//! `fabrik use` (issue #68): the command line's environment is this seat's own choice, never
//! the window's switch. Nothing chosen is the sandbox; the window in production does not move a
//! command there (it is refused and told how to choose); `fabrik use production` does, for
//! this computer only; a flag still wins for one command; the first line says how it was chosen.

use super::fabrik;
use fabrik::environment::Environment;
use fabrik::store::Store;

fn run(db: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = fabrik(db)
        .args(args)
        .env_remove("FABRIK_ENVIRONMENT")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_line_works_where_this_seat_chose_never_where_the_window_is() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    let (code, out, _) = run(&db, &["use", "--json"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap(),
        serde_json::json!({ "environment": null, "language": "sv" })
    );

    // The window switched to production: the command line does not follow it.
    Store::open(&db)
        .unwrap()
        .store_environment_choice(Environment::Production)
        .unwrap();
    let (code, _, err) = run(&db, &["customers", "list"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("fabrik use production"), "{err}");
    let (code, _, err) = run(&db, &["status"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(!err.contains("Miljö: produktion"), "nothing reached: {err}");

    // Chosen for this seat: every command works there, and says so.
    let (code, out, _) = run(&db, &["use", "production"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("produktion"), "{out}");
    let (code, _, err) = run(&db, &["customers", "list"]);
    assert_eq!(code, Some(0), "{err}");
    let (_, _, err) = run(&db, &["provision", "ingen-sadan-kund", "--yes"]);
    assert_eq!(
        err.lines().next(),
        Some("Miljö: produktion (fabrik use; --sandbox byter)"),
        "{err}"
    );
    // A flag wins for one command; the choice stays.
    let (_, _, err) = run(
        &db,
        &["--sandbox", "provision", "ingen-sadan-kund", "--yes"],
    );
    assert_eq!(
        err.lines().next(),
        Some("Miljö: sandlådan (vald; --production byter)"),
        "{err}"
    );
    let (_, out, _) = run(&db, &["use", "--json"]);
    assert!(out.contains("\"production\""), "{out}");

    // A word that is no environment changes nothing.
    let (code, _, err) = run(&db, &["use", "prod"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("«prod» är varken en miljö eller ett språk"),
        "{err}"
    );
    let (_, out, _) = run(&db, &["use", "--json"]);
    assert!(out.contains("\"production\""), "{out}");
    // Kept in the seat's own folder, not the register other seats share.
    let kept = std::fs::read_to_string(dir.path().join("seat-settings.json")).unwrap();
    assert!(kept.contains("cli.environment"), "{kept}");
    assert_eq!(
        Store::open(&db)
            .unwrap()
            .get_setting("cli.environment")
            .unwrap(),
        None
    );
}
