//! The shared register on PostgreSQL: the same tables and columns as SQLite, the least-privilege
//! role, another seat's change within a second, a lost connection said and read again, TLS that
//! verifies the server, and a namesake seat that keeps its hands off a live run.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::ListingRows;

/// The same schema on both backends: every table and column SQLite has after its migrations,
/// PostgreSQL has after its own, at the same version (FTS5's tables and their view excepted: PostgreSQL
/// searches with LIKE; `run_steps.rowid` is SQLite's implicit insertion order made explicit).
#[test]
fn postgresql_holds_the_same_tables_and_columns_at_the_same_version() {
    let (_dir, path) = tmp_db();
    drop(Store::open(&path).unwrap());
    let lite = rusqlite::Connection::open(&path).unwrap();
    let mut sqlite: Vec<(String, String)> = lite
        .prepare(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'customers_find%'",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    sqlite.sort();

    let db = common::pg_database();
    drop(Store::connect(&db).unwrap());
    let pg = fabrik::store::db::Conn::postgres(fabrik::store::db::PgConn::connect(&db).unwrap());
    let mut postgres: Vec<(String, String)> = pg
        .query_map(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = 'fabrik' AND table_name NOT IN ('schema_version', 'rights_applied')
               AND NOT (table_name = 'run_steps' AND column_name = 'rowid')",
            (),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    postgres.sort();
    assert_eq!(postgres, sqlite);
    let version: i64 = pg
        .query_row("SELECT max(version) FROM schema_version", (), |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

/// scripts/postgres/fabrik-role.sql makes a role that is no superuser and can create nothing
/// outside its schema, and Fabrik's migrations and writes work as that role.
#[test]
fn the_least_privilege_role_runs_the_register() {
    let Some(psql) = std::fs::read_dir("/usr/lib/postgresql").ok().and_then(|d| {
        d.flatten()
            .map(|e| e.path().join("bin/psql"))
            .find(|p| p.exists())
    }) else {
        panic!("psql is installed with PostgreSQL (scripts/setup.sh)");
    };
    let admin_url = common::pg_database_url();
    let role = format!("fabrik_app_{}", std::process::id());
    let out = std::process::Command::new(psql)
        .arg(&admin_url)
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-v"])
        .arg(format!("role={role}"))
        .args(["-v", "password=ett-lösen'ord", "-f"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/postgres/fabrik-role.sql"
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_username(&role).unwrap();
    url.set_password(Some("ett-lösen'ord")).unwrap();
    let config = fabrik::store::db::PgConfig::parse(url.as_str()).unwrap();
    let store = Store::connect(&config).unwrap();
    store
        .create_customer(
            draft("Minsta Rätt AB", "a@minsta.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    assert_eq!(store.count_customers().unwrap(), 1);

    let pg =
        fabrik::store::db::Conn::postgres(fabrik::store::db::PgConn::connect(&config).unwrap());
    let (sup, db, roles): (bool, bool, bool) = pg
        .query_row(
            "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user",
            (),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(!sup && !db && !roles);
    let refused = pg
        .execute_batch("CREATE TABLE public.fabrik_was_here (id BIGINT)")
        .unwrap_err();
    assert!(
        refused.to_string().contains("permission denied"),
        "{refused}"
    );
}

/// A change on one seat reaches another seat's listener (PostgreSQL LISTEN/NOTIFY), naming what
/// changed, well within the second the window has; a register file has nothing to listen to.
#[test]
fn another_seats_change_arrives_within_a_second() {
    assert!(Store::open_in_memory().unwrap().watch(|_| {}).is_none());
    let db = common::pg_database();
    let (here, there) = (Store::connect(&db).unwrap(), Store::connect(&db).unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let _listener = here.watch(move |e| {
        if let fabrik::store::db::Live::Change(c) = e {
            let _ = tx.send((c, std::time::Instant::now()));
        }
    });
    // The listener connects on its own thread; a change made before it listens is not seen.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let sent = std::time::Instant::now();
    let c = there
        .create_customer(
            draft("Annan Plats AB", "a@annan.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    let mut seen = Vec::new();
    while let Ok((change, at)) = rx.recv_timeout(std::time::Duration::from_secs(1)) {
        seen.push((change.table.clone(), change.id, at.duration_since(sent)));
        if change.table == "customers" {
            break;
        }
    }
    let customers = seen.iter().find(|(t, _, _)| t == "customers");
    let Some((_, id, after)) = customers else {
        panic!("no change to customers arrived within a second: {seen:?}");
    };
    assert_eq!(*id, c.id);
    assert!(*after < std::time::Duration::from_secs(1), "{after:?}");
    eprintln!("a customer added on one seat reached the other in {after:?}");
}

/// A lost live connection is said at once, with when it was lost; once it is back the window
/// is told to read again, since what changed meanwhile was announced to no one.
#[test]
fn a_lost_live_connection_is_said_and_what_it_missed_is_read_again() {
    use fabrik::store::db::{Live, LiveStatus, PgConn};
    use std::time::{Duration, Instant};
    let db = common::pg_database();
    let here = Store::connect(&db).unwrap();
    let admin = PgConn::connect(&db).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let _listener = here.watch(move |e| {
        if let Live::Status(s) = e {
            let _ = tx.send(s);
        }
    });
    let listening = |admin: &PgConn| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let n = admin
                .batch(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_stat_activity
                       WHERE datname = current_database() AND query LIKE 'LISTEN%')
                     THEN RAISE EXCEPTION 'not yet'; END IF; END $$",
                )
                .is_ok();
            if n {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the listener never listened");
    };
    listening(&admin);
    // The server ends the listener's connection, as a restart or a network drop would.
    let cut = chrono::Utc::now();
    admin
        .batch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .unwrap();
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Ok(s) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        seen.push(s.clone());
        if s == (LiveStatus::Live { resumed: true }) {
            break;
        }
    }
    let stopped = seen.iter().find_map(|s| match s {
        LiveStatus::Stopped { since } => Some(*since),
        _ => None,
    });
    let Some(since) = stopped else {
        panic!("the lost connection was not reported: {seen:?}");
    };
    assert!(
        since >= cut - chrono::Duration::seconds(1) && since <= chrono::Utc::now(),
        "{since} vs {cut}"
    );
    assert_eq!(
        seen.last(),
        Some(&LiveStatus::Live { resumed: true }),
        "after the connection came back the window was not told to read again: {seen:?}"
    );
    eprintln!(
        "a cut live connection was said and back {:?} after the cut",
        (chrono::Utc::now() - cut).to_std().unwrap_or_default()
    );
}

/// The shared register over TLS, as it is reached anywhere but this machine: the test's server
/// gets a certificate for `localhost` from a CA of the test's own (openssl), and the register
/// is used through it with `sslrootcert`. The server's certificate is verified: without the CA
/// it is refused, and a name the certificate does not carry is refused too.
#[test]
fn the_shared_register_over_tls_verifies_the_server() {
    let cluster = common::cluster();
    if !cluster.is_owned() {
        eprintln!("skipping: the tests' PostgreSQL is not ours to reconfigure");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(d)
            .output()
            .expect("openssl (scripts/setup.sh installs it)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=Fabrik test CA",
            ],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
            ],
        ]
        .concat(),
    );
    std::fs::write(
        d.join("server.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    // The server (user postgres when the tests run as root) reads its key, which must be its own.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(d.join("server.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    if nix_is_root() {
        let ok = std::process::Command::new("chown")
            .args(["postgres:postgres"])
            .arg(d.join("server.key"))
            .arg(d.join("server.pem"))
            .status()
            .unwrap();
        assert!(ok.success());
    }
    let admin = fabrik::store::db::Conn::postgres(
        fabrik::store::db::PgConn::connect(
            &fabrik::store::db::PgConfig::parse(cluster.url()).unwrap(),
        )
        .unwrap(),
    );
    let set = |on: bool| {
        let sql = if on {
            format!(
                "ALTER SYSTEM SET ssl_cert_file = '{}'; ALTER SYSTEM SET ssl_key_file = '{}'; ALTER SYSTEM SET ssl = on; SELECT pg_reload_conf();",
                d.join("server.pem").display(),
                d.join("server.key").display()
            )
        } else {
            "ALTER SYSTEM RESET ssl; ALTER SYSTEM RESET ssl_cert_file; ALTER SYSTEM RESET ssl_key_file; SELECT pg_reload_conf();".into()
        };
        // One at a time: several statements in one message are one transaction, and ALTER
        // SYSTEM may not run in one.
        for statement in sql.split("; ") {
            admin.execute_batch(statement).unwrap();
        }
    };
    set(true);
    // Put TLS back off whatever happens below: other tests share this server.
    struct Off<F: Fn(bool)>(F);
    impl<F: Fn(bool)> Drop for Off<F> {
        fn drop(&mut self) {
            (self.0)(false)
        }
    }
    let _off = Off(set);

    let db_url = url::Url::parse(&common::pg_database_url()).unwrap();
    let (port, db) = (
        db_url.port().unwrap(),
        db_url.path().trim_start_matches('/').to_string(),
    );
    let ca = d.join("ca.pem");
    let url = |host: &str, extra: &str| {
        format!("postgres://postgres@{host}:{port}/{db}?sslmode=verify-full{extra}")
    };
    // The reload is a signal: the server takes the new settings a moment later.
    let with_ca = fabrik::store::db::PgConfig::parse(&url(
        "localhost",
        &format!("&sslrootcert={}", ca.display()),
    ))
    .unwrap();
    assert!(with_ca.tls());
    let mut connected = None;
    for _ in 0..50 {
        match fabrik::store::db::PgConn::connect(&with_ca) {
            Ok(c) => {
                connected = Some(c);
                break;
            }
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(100)),
        }
    }
    let conn = fabrik::store::db::Conn::postgres(connected.expect("a TLS connection with the CA"));
    let (ssl, version): (bool, String) = conn
        .query_row(
            "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            (),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(ssl, "the connection is encrypted");
    assert!(version.starts_with("TLSv1."), "{version}");
    // The register itself, over TLS.
    let store = Store::connect(&with_ca).unwrap();
    store
        .create_customer(
            draft("Krypterad AB", "a@krypterad.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    assert_eq!(store.count_customers().unwrap(), 1);

    // Not signed by anything this machine trusts: refused, and said so.
    let unknown = fabrik::store::db::PgConfig::parse(&url("localhost", "")).unwrap();
    let e = fabrik::store::db::PgConn::connect(&unknown)
        .err()
        .expect("refused");
    assert!(e.to_string().to_lowercase().contains("certificate"), "{e}");
    eprintln!("without the CA: {e}");
    // Signed, but for another name (the certificate names localhost, not 127.0.0.1): refused.
    let other_name = fabrik::store::db::PgConfig::parse(&url(
        "127.0.0.1",
        &format!("&sslrootcert={}", ca.display()),
    ))
    .unwrap();
    let e = fabrik::store::db::PgConn::connect(&other_name)
        .err()
        .expect("refused");
    assert!(e.to_string().to_lowercase().contains("certificate"), "{e}");
    eprintln!("under another name: {e}");
}

#[test]
fn a_namesake_seat_keeps_its_hands_off_a_live_run_sqlite() {
    let (_d, path) = tmp_db();
    let (a, b) = (Store::open(&path).unwrap(), Store::open(&path).unwrap());
    a_namesake_seat_keeps_its_hands_off_a_live_run(a, b, |run, pid| {
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute(
                "UPDATE runs SET owner_pid = ?1 WHERE id = ?2",
                rusqlite::params![pid, run],
            )
            .unwrap();
    });
}

#[test]
fn a_namesake_seat_keeps_its_hands_off_a_live_run_postgres() {
    let db = common::pg_database();
    let (a, b) = (Store::connect(&db).unwrap(), Store::connect(&db).unwrap());
    a_namesake_seat_keeps_its_hands_off_a_live_run(a, b, |run, pid| {
        let conn =
            fabrik::store::db::Conn::postgres(fabrik::store::db::PgConn::connect(&db).unwrap());
        conn.execute(
            &format!("UPDATE fabrik.runs SET owner_pid = {pid} WHERE id = {run}"),
            (),
        )
        .unwrap();
    });
}
