//! The `fabrik` binary on a temporary register: what a user types, what they see, and that
//! invalid input changes nothing.

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::cargo_bin;
use assert_cmd::prelude::*;
use predicates::prelude::*;

use crate::common;

fn fabrik(db: &Path) -> Command {
    let mut c = Command::new(cargo_bin("fabrik"));
    c.arg("--db")
        .arg(db)
        .env_remove("FABRIK_DB")
        .env_remove("FABRIK_DATABASE_URL");
    c
}

fn list_json(db: &Path) -> Vec<serde_json::Value> {
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
    Command::new(cargo_bin("fabrik"))
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
        (0..15).map(|i| format!("{} --db {} customers add --name 'Process {p} Kund {i}' --email p@kund.se >/dev/null || exit 1\n", cargo_bin("fabrik").display(), db.display())).collect::<String>()
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

/// A portal larger than an import takes is refused as soon as what was read passes the limit,
/// never fetched whole first: past 80 MB this portal's rows cannot even be computed (a division
/// by zero), so a reader that asks for all of them fails with that instead of the limit.
#[test]
fn a_portal_over_the_limit_is_refused_before_it_is_read_whole() {
    use fabrik::store::db::{Conn, PgConfig, PgConn};
    let url = common::pg_database_url();
    let portal = Conn::postgres(PgConn::connect(&PgConfig::parse(&url).unwrap()).unwrap());
    portal
        .execute_batch(
            "CREATE VIEW public.organizations AS
               SELECT 'Kund ' || i AS name, 'k' || i || '@kund.se' AS email,
                      CASE WHEN i <= 80 THEN repeat('x', 1048576) ELSE (1 / (i - i))::text END
                        AS production_url
               FROM generate_series(1, 200) AS i",
        )
        .unwrap();
    let source = fabrik::register::PortalSource {
        url,
        password: None,
        table: None,
    };
    let started = std::time::Instant::now();
    let err = fabrik::register::read_portal(&source).unwrap_err();
    let said = err.to_string();
    assert_eq!(
        err.code(),
        fabrik::messages::ErrorCode::ImportPortal,
        "{said}"
    );
    assert!(said.contains("större än de 32 MB"), "{said}");
    eprintln!("refused in {:?}: {said}", started.elapsed());
}

/// `fabrik register import --from-portal URL`: the portal's `organizations` table (the sprint
/// document's columns) read straight from its database. The preview validates every row and
/// says why one is skipped; the import adds the good rows with their instance card; a column
/// the import does not read (a key) is named, its value never fetched; the portal is unchanged.
#[test]
fn customers_are_imported_straight_from_the_portals_organizations_table() {
    use fabrik::store::db::{Conn, PgConfig, PgConn};
    let url = common::pg_database_url();
    let portal = Conn::postgres(PgConn::connect(&PgConfig::parse(&url).unwrap()).unwrap());
    portal
        .execute_batch(
            "CREATE TABLE public.organizations (
                id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                name text NOT NULL,
                email text,
                production_url text,
                github_repo_url text,
                supabase_project_ref text,
                stripe_secret_key text,
                credits integer NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL DEFAULT now()
             );
             INSERT INTO public.organizations
                (name, email, production_url, github_repo_url, supabase_project_ref, stripe_secret_key, created_at)
             VALUES
                ('Hotell Fjäll', 'bokning@fjall.se', 'https://fjall.example.se', 'https://github.com/byran/hotell-fjall', 'qwertyuiopasdfghjklz', 'SENTINEL-portal-key', '2025-12-24T10:00:00Z'),
                ('Utan E-post', NULL, NULL, NULL, NULL, 'SENTINEL-portal-key', '2025-12-25T10:00:00Z'),
                ('Fel Adress', 'a@feladress.se', 'ftp://feladress.se', NULL, NULL, NULL, '2025-12-26T10:00:00Z'),
                ('Hotell Fjäll', 'igen@fjall.se', NULL, NULL, NULL, NULL, '2025-12-27T10:00:00Z');",
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    let import = |extra: &[&str]| {
        let mut c = fabrik(&db);
        c.args(["register", "import", "--from-portal", &url])
            .args(extra);
        c.output().unwrap()
    };

    let out = import(&["--preview", "--json"]);
    let said = common::said(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("4 rader lästa från postgres@127.0.0.1"),
        "{said}"
    );
    assert!(
        !said.contains("SENTINEL"),
        "a column the import does not read: {said}"
    );
    let preview: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(preview["to_add"], 1, "{preview}");
    let skipped: Vec<(i64, Vec<String>)> = preview["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let codes = r["problems"].as_array().unwrap();
            (
                r["line"].as_i64().unwrap(),
                codes
                    .iter()
                    .map(|p| {
                        format!(
                            "{}:{}",
                            p["field"].as_str().unwrap(),
                            p["code"].as_str().unwrap()
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    assert_eq!(skipped.len(), 3, "{preview}");
    assert_eq!(skipped[0].0, 2);
    assert!(
        skipped[0].1.iter().any(|p| p.starts_with("admin_email:")),
        "{skipped:?}"
    );
    assert_eq!(skipped[1].0, 3);
    assert!(
        skipped[1]
            .1
            .iter()
            .any(|p| p.starts_with("production_url:")),
        "{skipped:?}"
    );
    assert_eq!(
        skipped[2].1,
        vec!["slug:import_duplicate".to_string()],
        "{skipped:?}"
    );
    let ignored: Vec<&str> = preview["ignored_columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(ignored, ["credits", "id", "stripe_secret_key"]);
    assert!(list_json(&db).is_empty(), "the preview writes nothing");

    let out = import(&["--yes"]);
    assert!(out.status.success(), "{}", common::said(&out));
    let rows = list_json(&db);
    assert_eq!(rows.len(), 1);
    let shown = fabrik(&db)
        .args(["customers", "show", "hotell-fjall", "--json"])
        .output()
        .unwrap();
    let c: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(c["admin_email"], "bokning@fjall.se");
    assert_eq!(
        c["instance"]["supabase_project_ref"],
        "qwertyuiopasdfghjklz"
    );
    assert_eq!(
        c["instance"]["github_repo_url"],
        "https://github.com/byran/hotell-fjall"
    );

    // The portal is as it was: its rows, and nothing of Fabrik's in its database.
    let n: i64 = portal
        .query_row("SELECT count(*) FROM public.organizations", (), |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, 4);
    let schemas: i64 = portal
        .query_row(
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'fabrik'",
            (),
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(schemas, 0, "reading the portal created nothing there");

    // A table that is not there, or lacks an email column, is named; nothing is added.
    for (table, says) in [
        ("public.kunder", "public.kunder finns inte"),
        ("public.organizations; drop", "inget tabellnamn"),
    ] {
        let out = import(&["--table", table, "--yes"]);
        assert!(!out.status.success());
        let said = common::said(&out);
        assert!(
            said.contains("import_portal") && said.contains(says),
            "{said}"
        );
    }
    portal
        .execute_batch("CREATE TABLE public.orgs_utan_epost (name text)")
        .unwrap();
    let out = import(&["--table", "orgs_utan_epost", "--yes"]);
    assert!(
        common::said(&out).contains("har ingen kolumn för admin_email"),
        "{}",
        common::said(&out)
    );
    // An unreachable portal is named without its password.
    let out = fabrik(&db)
        .args([
            "register",
            "import",
            "--from-portal",
            "postgres://postgres:SENTINEL-pw@127.0.0.1:9/postgres?sslmode=disable",
        ])
        .output()
        .unwrap();
    let said = common::said(&out);
    assert!(
        !out.status.success() && said.contains("import_portal"),
        "{said}"
    );
    assert!(!said.contains("SENTINEL"), "{said}");
    assert_eq!(list_json(&db).len(), 1);
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

/// The portal is not Fabrik's: its session is read-only, and only the columns an import reads
/// are fetched. A view whose `name` writes when it is read is refused and writes nothing; a
/// key column's value is not in the rows handed to the import.
#[test]
fn the_portal_is_read_in_a_read_only_session_and_only_the_columns_an_import_reads() {
    use fabrik::register::{read_portal, PortalSource};
    use fabrik::store::db::{Conn, PgConfig, PgConn};
    let url = common::pg_database_url();
    let portal = Conn::postgres(PgConn::connect(&PgConfig::parse(&url).unwrap()).unwrap());
    portal
        .execute_batch(
            "CREATE TABLE public.reads (at timestamptz);
             CREATE FUNCTION public.noisy_name() RETURNS text LANGUAGE sql AS
                 'INSERT INTO public.reads VALUES (now()); SELECT ''Bullrig AB''::text';
             CREATE VIEW public.noisy_orgs AS
                 SELECT public.noisy_name() AS name, 'a@bullrig.se'::text AS email;
             CREATE TABLE public.organizations (name text, email text, service_role_key text);
             INSERT INTO public.organizations VALUES ('Nyckel AB', 'a@nyckel.se', 'SENTINEL-portal-key');",
        )
        .unwrap();
    let source = |table: &str| PortalSource {
        url: url.clone(),
        password: None,
        table: Some(table.into()),
    };
    let e = read_portal(&source("public.noisy_orgs")).unwrap_err();
    assert!(e.to_string().contains("read-only"), "{e}");
    let writes: i64 = portal
        .query_row("SELECT count(*) FROM public.reads", (), |r| r.get(0))
        .unwrap();
    assert_eq!(writes, 0, "reading the portal wrote to it");

    let rows = read_portal(&source("public.organizations")).unwrap();
    assert_eq!(rows.rows, 1);
    assert!(rows.contents.contains("Nyckel AB"), "{}", rows.contents);
    assert!(!rows.contents.contains("SENTINEL"), "{}", rows.contents);
    // The sprint document's portal lists organizations through a view too.
    portal
        .execute_batch("CREATE VIEW public.organizations_with_credits AS SELECT name, email, 40 AS credits FROM public.organizations")
        .unwrap();
    let rows = read_portal(&source("public.organizations_with_credits")).unwrap();
    assert_eq!(rows.rows, 1, "{}", rows.contents);
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

    ok(&["teardown", slug, "--yes"]);
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
