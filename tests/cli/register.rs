//! The register from the command line: export and import, two seats on one PostgreSQL register,
//! moving the file to a shared register (killed halfway, never showing a password).

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::ListingRows;

#[test]
fn register_export_and_import_round_trip_with_a_preview_and_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (dir.path().join("a.sqlite3"), dir.path().join("b.sqlite3"));
    for (name, email) in [
        ("Åkeri Nord", "ola@akeri.se"),
        ("=Formel AB", "x@formel.se"),
    ] {
        fabrik(&from)
            .args(["customers", "add", "--name", name, "--email", email])
            .assert()
            .success();
    }
    let csv = dir.path().join("reg.csv");
    fabrik(&from)
        .args(["register", "export", "--out"])
        .arg(&csv)
        .assert()
        .success()
        .stderr(predicate::str::contains("2 kunder"));
    // An export never writes over a file.
    fabrik(&from)
        .args(["register", "export", "--format", "json", "--out"])
        .arg(&csv)
        .assert()
        .failure();

    // A row that breaks a rule is named with its line; the preview adds nothing.
    let mut file = std::fs::read_to_string(&csv).unwrap();
    file.push_str("utan-epost,Utan E-post,,,starter,,pending,,,,,,,,,\n");
    std::fs::write(&csv, &file).unwrap();
    fabrik(&to)
        .args(["register", "import", "--preview"])
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("Läggs till (sandbox): 2"))
        .stdout(predicate::str::contains("rad 4"));
    assert!(list_json(&to).is_empty());
    // Without a terminal and without --yes nothing is imported.
    fabrik(&to)
        .args(["register", "import"])
        .arg(&csv)
        .assert()
        .success();
    assert!(list_json(&to).is_empty());

    let out = fabrik(&to)
        .args(["register", "import", "--yes", "--json"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["added"], 2);
    assert_eq!(report["skipped"][0]["line"], 4);
    let names: Vec<_> = list_json(&to).iter().map(|r| r["name"].clone()).collect();
    assert_eq!(names, ["=Formel AB", "Åkeri Nord"]);

    // Not UTF-8: refused as a whole, by code.
    let latin1 = dir.path().join("latin1.csv");
    std::fs::write(&latin1, b"name,email\nK\xe4nd,a@b.se\n").unwrap();
    fabrik(&to)
        .args(["register", "import", "--yes"])
        .arg(&latin1)
        .assert()
        .failure()
        .stderr(predicate::str::contains("import_file_invalid"));
}

/// Two seats (two processes, each with its own local folder) on one shared register: what one
/// adds the other lists, and a slug one seat took is refused to the other by code.
#[test]
fn two_seats_on_one_postgresql_register_see_each_other() {
    let url = common::pg_database_url();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let seat = |dir: &tempfile::TempDir| {
        let mut c = fabrik(&dir.path().join("local.sqlite3"));
        c.env("FABRIK_DATABASE_URL", &url);
        c
    };
    seat(&a)
        .args([
            "customers",
            "add",
            "--name",
            "Delad Kund AB",
            "--email",
            "a@delad.se",
        ])
        .assert()
        .success();
    let out = seat(&b)
        .args(["customers", "list", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["slug"], "delad-kund-ab");
    seat(&b)
        .args([
            "customers",
            "add",
            "--name",
            "Delad Kund AB",
            "--email",
            "b@delad.se",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("slug_taken"));
    // Neither seat's own file holds the customer: the register is the shared one.
    assert!(list_json(&a.path().join("local.sqlite3")).is_empty());

    // A URL that cannot be used is named, not a panic; the password never appears.
    fabrik(&a.path().join("local.sqlite3"))
        .env(
            "FABRIK_DATABASE_URL",
            "postgres://fabrik:SENTINEL-pw@db.example.invalid:5432/x?sslmode=disable",
        )
        .args(["customers", "list"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("database_open"))
        .stderr(predicate::str::contains("SENTINEL").not());
}

/// `fabrik register migrate --to URL` on a register of 10,000 customers with runs and their
/// ledger: killed (SIGKILL) in the middle, the shared register holds nothing of it; started
/// again, every table has the same rows and checksum on both sides.
#[test]
fn a_move_of_ten_thousand_customers_killed_halfway_and_started_again_is_whole() {
    use fabrik::customer::{CustomerDraft, ModuleManifest};
    use fabrik::environment::Environment;
    use fabrik::provision::{LogLevel, RunKind, RunState, StepKey};
    use fabrik::store::runs::NewRun;
    use fabrik::store::Store;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reg.sqlite3");
    let store = Store::open(&file).unwrap();
    let drafts = (0..10_000)
        .map(|i| CustomerDraft {
            name: format!("Flytt Kund {i}"),
            admin_email: format!("kund{i}@flytt.se"),
            ..Default::default()
        })
        .collect();
    store
        .insert_many(drafts, &ModuleManifest::bundled())
        .unwrap();
    let ids: Vec<i64> = store
        .list_customers(&fabrik::customer::CustomerQuery {
            limit: Some(200),
            ..Default::default()
        })
        .unwrap()
        .rows
        .iter()
        .map(|r| r.id)
        .collect();
    for id in ids {
        let steps = [StepKey::SupabaseProject, StepKey::GithubRepo];
        let NewRun::Created(driver) = store
            .create_run(id, RunKind::Provision, Environment::Sandbox, &steps)
            .unwrap()
        else {
            panic!("a new run");
        };
        let start = fabrik::messages::Text::new("start", "start");
        let line = fabrik::ledger::Entry::note().line(None, LogLevel::Info, start);
        fabrik::ledger::Ledger::write(&store, &driver, &line).unwrap();
        store
            .set_run_state(&driver, RunState::Failed, None, None)
            .unwrap();
    }
    store.set_setting("github.owner", "byran").unwrap();
    drop(store);

    let url = common::pg_database_url();
    let admin = fabrik::store::db::PgConfig::parse(&url).unwrap();
    let watcher =
        fabrik::store::db::Conn::postgres(fabrik::store::db::PgConn::connect(&admin).unwrap());
    let migrate = |json: bool| {
        let mut c = fabrik(&file);
        c.args(["register", "migrate", "--to", &url]);
        if json {
            c.arg("--json");
        }
        c
    };
    // Killed once it is writing inside its transaction.
    let mut child = migrate(false)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let writing = std::time::Instant::now();
    loop {
        let busy: i64 = watcher
            .query_row(
                "SELECT COUNT(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL",
                (),
                |r| r.get(0),
            )
            .unwrap();
        if busy > 0 || writing.elapsed() > std::time::Duration::from_secs(30) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    child.kill().unwrap(); // SIGKILL
    assert!(
        !child.wait().unwrap().success(),
        "killed before it finished"
    );
    let target = Store::connect(&admin).unwrap();
    assert_eq!(target.count_customers().unwrap(), 0, "nothing half-moved");
    drop(target);

    let started = std::time::Instant::now();
    let out = migrate(true).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tables = report["tables"].as_array().unwrap();
    for t in tables {
        assert_eq!(t["rows"], t["target_rows"], "{t}");
        assert_eq!(t["checksum"], t["target_checksum"], "{t}");
    }
    let rows = |name: &str| tables.iter().find(|t| t["table"] == name).unwrap()["rows"].clone();
    assert_eq!(rows("customers"), 10_000);
    assert_eq!(rows("runs"), 200);
    assert_eq!(rows("run_steps"), 400);
    eprintln!(
        "moved 10,000 customers and 200 runs in {} ms (the command: {} ms)",
        report["millis"],
        started.elapsed().as_millis()
    );
    // The shared register is usable as it is: the list and a new customer.
    let target = Store::connect(&admin).unwrap();
    assert_eq!(target.count_customers().unwrap(), 10_000);
    target
        .create_customer(
            CustomerDraft {
                name: "Efter Flytten AB".into(),
                admin_email: "a@efter.se".into(),
                ..Default::default()
            },
            &ModuleManifest::bundled(),
        )
        .unwrap();
    // A second move into a register that is no longer empty is refused.
    migrate(false)
        .assert()
        .failure()
        .stderr(predicate::str::contains("redan"));
}

/// `register migrate --to URL`: a password never travels on the command line (where `ps` shows
/// it) and is never printed. A URL that carries one is refused without echoing it; a URL without
/// one takes it from the environment (PGPASSWORD), the keyring or a prompt.
#[test]
fn a_move_never_shows_a_password_or_takes_it_on_the_command_line() {
    const PASSWORD: &str = "SENTINEL-pw-4f2a91";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reg.sqlite3");
    fabrik(&file)
        .args([
            "customers",
            "add",
            "--name",
            "Flytt AB",
            "--email",
            "a@flytt.se",
        ])
        .assert()
        .success();
    let bare = common::pg_database_url();
    let mut with_password = url::Url::parse(&bare).unwrap();
    with_password.set_password(Some(PASSWORD)).unwrap();
    let logs = |dir: &Path| -> String {
        std::fs::read_dir(dir.join("logs"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect()
    };
    let out = fabrik(&file)
        .args(["register", "migrate", "--to", with_password.as_str()])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = common::said(&out);
    assert!(!text.contains(PASSWORD), "the password was shown: {text}");
    assert!(
        !logs(dir.path()).contains(PASSWORD),
        "the password is in the log"
    );
    assert!(
        !out.status.success(),
        "a password on the command line was taken: {text}"
    );
    // The URL without it, the password from the environment: the move goes through.
    let out = fabrik(&file)
        .args(["register", "migrate", "--to", &bare])
        .env("PGPASSWORD", PASSWORD)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = common::said(&out);
    assert!(out.status.success(), "{text}");
    assert!(!text.contains(PASSWORD), "the password was shown: {text}");
    assert!(
        text.contains(&format!("FABRIK_DATABASE_URL={bare}")),
        "{text}"
    );
    assert!(
        !logs(dir.path()).contains(PASSWORD),
        "the password is in the log"
    );
}

/// Inställningar's "Delat register": the choice is kept beside the register file without its
/// password, the next start opens the shared register (with this computer's customers moved into
/// it), and going back opens the file again, as it was.
#[test]
fn choosing_a_shared_register_moves_the_file_and_keeps_no_password_on_disk() {
    use fabrik::store::location::{chosen, stop_sharing, use_shared};
    use fabrik::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reg.sqlite3");
    fabrik(&file)
        .args([
            "customers",
            "add",
            "--name",
            "Lokal Kund AB",
            "--email",
            "a@lokal.se",
        ])
        .assert()
        .success();
    let mut url = url::Url::parse(&common::pg_database_url()).unwrap();
    url.set_password(Some("SENTINEL-pw")).unwrap();
    let report = use_shared(&file, url.as_str(), None, true)
        .unwrap()
        .expect("a move");
    assert!(report.tables.iter().all(|t| t.rows == t.target_rows));
    let kept = chosen(&file).unwrap();
    assert!(!kept.contains("SENTINEL"), "{kept}");
    // The CLI (and the window) open the shared register from now on: a trust-auth test server
    // needs no password, so the kept URL works as it is.
    let rows = list_json(&file);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["slug"], "lokal-kund-ab");
    let shared = Store::open_register(&file).unwrap();
    assert!(shared
        .path()
        .display()
        .to_string()
        .starts_with("postgres://"));
    stop_sharing(&file).unwrap();
    assert!(chosen(&file).is_none());
    assert!(Store::open_register(&file)
        .unwrap()
        .path()
        .ends_with("reg.sqlite3"));
    assert_eq!(list_json(&file).len(), 1, "the file is as it was");
}

/// A shared register chosen with the password in its URL (and the password field left empty):
/// the kept URL has no password, so the password must go to the keyring, or the next start
/// could not log in.
#[test]
fn a_password_typed_in_the_url_is_kept_in_the_keyring_not_on_disk() {
    use fabrik::secrets::{SecretKey, SecretStore};
    use fabrik::store::location::{chosen, use_shared};
    if common::keyring("shared-url-password").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reg.sqlite3");
    let mut url = url::Url::parse(&common::pg_database_url()).unwrap();
    url.set_password(Some("SENTINEL-url-pw")).unwrap();
    use_shared(&file, url.as_str(), None, false).unwrap();
    let kept_url = chosen(&file).unwrap();
    assert!(!kept_url.contains("SENTINEL"), "{kept_url}");
    let key = SecretKey::Database(
        fabrik::store::db::PgConfig::parse(&kept_url)
            .unwrap()
            .describe(),
    );
    let keyring = SecretStore::new("register");
    let kept = keyring.get(&key).unwrap();
    assert_eq!(
        kept.as_ref().map(|s| s.expose()),
        Some("SENTINEL-url-pw"),
        "the URL's password is in the keyring"
    );
    let _ = keyring.delete(&key);
}
