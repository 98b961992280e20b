//! `fabrik backup export` from the command line (issue #71: the script written a piece at a
//! time into a file that appears only once the whole backup proved authentic): each refusal in
//! words, with nothing left at the name or beside it.

use std::path::Path;

use fabrik::database::backup::rows::{BackupReason, NewBackup};
use fabrik::environment::Environment;
use fabrik::store::Store;

use assert_cmd::prelude::*;

use super::fabrik;
use fabrik::customer::rows::CustomerRows;
use fabrik::database::backup::rows::BackupRows;

/// A backup row as a backup run records it, of a file this computer does not have.
fn recorded(customer: i64, environment: Environment, uid: &str) -> NewBackup {
    NewBackup {
        customer_id: customer,
        environment,
        project_ref: "abcdefghijklmnopqrst".into(),
        run_id: None,
        reason: BackupReason::OnDemand,
        file: format!("{uid}/20261130T120000Z-on_demand.fbk"),
        bytes: 1024,
        sha256: "0".repeat(64),
        key_id: "fabrik-backup-1".into(),
        schema_version: None,
        tables: Vec::new(),
    }
}

/// What is at the export's name or beside it (its temporary `.kopia.sql.PID.tmp`).
fn left_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kopia"))
        .collect();
    names.sort();
    names
}

#[test]
fn an_export_is_refused_in_words_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    let out = dir.path().join("kopia.sql");
    fabrik(&db)
        .args(["customers", "add", "--name", "Exportkund AB", "--email"])
        .args(["kontakt@exportkund.se", "--plan", "starter"])
        .assert()
        .success();
    let store = Store::open(&db).unwrap();
    let customer = store
        .get_customer_in("exportkund-ab", Environment::Sandbox)
        .unwrap();
    let here = store
        .insert_backup(&recorded(customer.id, Environment::Sandbox, &customer.uid))
        .unwrap();
    let elsewhere = store
        .insert_backup(&recorded(
            customer.id,
            Environment::Production,
            &customer.uid,
        ))
        .unwrap();
    drop(store);
    let export = |id: i64| {
        let o = fabrik(&db)
            .args(["backup", "export", &id.to_string(), "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(!o.status.success(), "backup {id} was exported");
        let said = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(!said.contains("internal"), "{said}");
        said
    };

    // One that does not exist, and one of the other environment: the same words.
    for id in [999, elsewhere.id] {
        let said = export(id);
        assert!(
            said.contains(&format!("Säkerhetskopia {id} finns inte")),
            "{said}"
        );
        assert_eq!(left_in(dir.path()), Vec::<String>::new());
    }

    // A file that is there already is left as it was.
    std::fs::write(&out, "mitt eget\n").unwrap();
    let said = export(here.id);
    assert!(
        said.contains("finns redan; exporten skriver aldrig över en fil"),
        "{said}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mitt eget\n");
    std::fs::remove_file(&out).unwrap();

    // A backup whose sealed file is not on this computer: the backup cannot be read, said of
    // the backup (not of the file it would have written), and nothing is written.
    let said = export(here.id);
    assert!(
        said.contains(&format!("Säkerhetskopia {} kan inte läsas", here.id)),
        "{said}"
    );
    assert!(!said.contains(&out.display().to_string()), "{said}");
    assert_eq!(left_in(dir.path()), Vec::<String>::new());
}
