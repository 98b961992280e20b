//! Customers from the agency's portal: its organizations imported in a read-only session, only
//! the columns an import reads, a portal over the limit refused before it is read whole.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::requests::IntakeRows;

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

/// Issue #55: names and emails from outside are printed without their control characters: a
/// portal request named with a terminal's escape sequences, a bell and a right-to-left
/// override clears no screen and reorders no line of `fabrik intake list`, nor of the customer
/// it became in `fabrik customers list` and `show`.
#[test]
fn outside_names_are_printed_without_their_control_characters() {
    use fabrik::requests::{IntakeSource, NewIntake};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    let evil = "Evil\u{1b}[2J\u{7}Co\u{202e}gpj.exe\u{9b}31m\r";
    {
        let api = fabrik::services::register::Register::open(&db).unwrap();
        api.store()
            .add_intake(&NewIntake {
                source: IntakeSource::Portal,
                external_id: "req-1".into(),
                name: evil.into(),
                admin_email: "eve\u{1b}]0;x\u{7}@evil.se".into(),
                plan: None,
                organization_id: None,
                detail: "{}".into(),
            })
            .unwrap();
        api.store()
            .create_customer(
                fabrik::customer::CustomerDraft {
                    name: evil.into(),
                    admin_email: "eve@evil.se".into(),
                    contact_name: Some("Eve\u{1b}[1A".into()),
                    ..Default::default()
                },
                &fabrik::customer::ModuleManifest::bundled(),
            )
            .unwrap();
    }
    let printed = |args: &[&str]| {
        let out = fabrik(&db).args(args).output().unwrap();
        assert!(out.status.success(), "{}", common::said(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let slug = list_json(&db)[0]["slug"].as_str().unwrap().to_string();
    for said in [
        printed(&["intake", "list"]),
        printed(&["customers", "list"]),
        printed(&["customers", "show", &slug]),
    ] {
        assert!(said.contains("Evil"), "{said:?}");
        for bad in ['\u{1b}', '\u{7}', '\r', '\u{202e}', '\u{9b}'] {
            assert!(!said.contains(bad), "{bad:?} in {said:?}");
        }
    }
}
