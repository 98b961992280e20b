use std::path::Path;

use serde_json::{json, Value};

use super::read::open_with;
use super::write::Sealing;
use super::{Manifest, People, Source, FORMAT_V1};
use crate::database::backup::{crypt, BackupError, Script, HEADER, PART_BYTES};
use crate::environment::Environment;

fn source() -> Source {
    Source {
        slug: "kund-ab".into(),
        customer_uid: "c0ffee".into(),
        environment: Environment::Sandbox,
        project_ref: "abcdefghijklmnopqrst".into(),
    }
}

fn manifest(s: &Source) -> Manifest {
    Manifest {
        format: 2,
        slug: s.slug.clone(),
        customer_uid: s.customer_uid.clone(),
        environment: s.environment,
        project_ref: s.project_ref.clone(),
        schema_version: Some("20260101000000".into()),
        taken_at: "2026-11-30T00:00:00Z".into(),
        tables: vec![],
        users: 1,
        identities: 0,
        sql_bytes: 0,
        sql_sha256: String::new(),
    }
}

/// A script as `dump_into` writes one, with lines long and short and text of every width,
/// three parts' worth and more.
fn script() -> (String, String) {
    let mut body = String::from("CREATE TABLE public.t (id int, body text);\n");
    let mut i = 0;
    while body.len() < 3 * PART_BYTES + 12_345 {
        let width = [10, 70_000, 300, 1][i % 4];
        body.push_str(&format!(
            "INSERT INTO public.t VALUES ({i}, '{}');\n",
            "åäö🦐\u{1}x".repeat(width)
        ));
        i += 1;
    }
    let head = format!("{HEADER}\n-- project p, taken now\n-- Run with: psql\n\nBEGIN;\n");
    (format!("{head}{body}COMMIT;\n"), body)
}

fn private(tmp: &Path) -> std::fs::File {
    crate::paths::create_private(tmp).unwrap()
}

fn people() -> People {
    People {
        users: vec![json!({"id": "u1", "email": "a@kund.se", "encrypted_password": "$2a$10$x"})],
        identities: vec![],
    }
}

/// The archive written a piece at a time, as an export writes it.
fn write(key: &crypt::BackupKey, path: &Path, sql: &str) -> Manifest {
    let s = source();
    let tmp = path.with_extension("tmp");
    let mut out = Sealing::begin(key, &s, &people(), path, private(&tmp)).unwrap();
    // Pieces cut anywhere between characters: the script's own are whole lines and pages.
    let mut rest = sql;
    while !rest.is_empty() {
        let mut n = rest.len().min(9_999);
        while !rest.is_char_boundary(n) {
            n -= 1;
        }
        out.put(&rest[..n]).unwrap();
        rest = &rest[n..];
    }
    out.end(manifest(&s), &tmp).unwrap().manifest
}

async fn body(opened: &super::Opened, first: &str) -> Result<String, BackupError> {
    let mut rx = opened.body(first.to_string());
    let mut out = String::new();
    loop {
        match rx.recv().await {
            Some(Ok(Some(part))) => {
                assert!(Value::from(part.as_str()).to_string().len() <= PART_BYTES);
                out.push_str(&part);
            }
            Some(Ok(None)) => return Ok(out),
            Some(Err(e)) => return Err(e),
            None => panic!("the reader stopped without its end"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_written_as_it_comes_opens_and_gives_its_statements_back_in_parts() {
    let dir = tempfile::tempdir().unwrap();
    let key = crypt::BackupKey::generate();
    let (sql, statements) = script();
    // Whole strings only, as `dump_into` puts them.
    let path = dir.path().join("flytt.fbk");
    let s = source();
    let tmp = path.with_extension("tmp");
    let mut out = Sealing::begin(&key, &s, &people(), &path, private(&tmp)).unwrap();
    for line in sql.split_inclusive('\n') {
        out.put(line).unwrap();
    }
    let written = out.end(manifest(&s), &tmp).unwrap();
    assert_eq!(written.manifest.sql_bytes, sql.len() as u64);
    assert!(!tmp.exists());
    let file = std::fs::read(&path).unwrap();
    assert_eq!(written.bytes, file.len() as u64);
    assert!(!file.windows(8).any(|w| w == b"$2a$10$x"), "sealed");

    let opened = open_with(&path, |_| Ok(key.clone())).unwrap();
    assert_eq!(opened.manifest, written.manifest);
    assert_eq!(opened.users, people().users);
    let people_sql = "DELETE FROM auth.users;\n".repeat(50_000);
    let back = body(&opened, &people_sql).await.unwrap();
    assert_eq!(back.len(), people_sql.len() + statements.len());
    assert!(
        back == format!("{people_sql}{statements}"),
        "the body differs"
    );

    // The same script cut into pieces anywhere in a character writes the same archive.
    let other = dir.path().join("andra.fbk");
    assert_eq!(
        write(&key, &other, &sql).sql_sha256,
        written.manifest.sql_sha256
    );

    // Replaced after it was opened by another archive of the same instance: the body says so
    // before its end, so the restore never runs it.
    std::fs::remove_file(&path).unwrap();
    let (mut changed, _) = script();
    changed = changed.replace(
        "INSERT INTO public.t VALUES (0,",
        "INSERT INTO public.t VALUES (9,",
    );
    write(&key, &path, &changed);
    let e = body(&opened, "").await.unwrap_err();
    assert!(e.to_string().contains("changed since it was opened"), "{e}");
}

#[test]
fn a_changed_or_cut_archive_or_another_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = crypt::BackupKey::generate();
    let (sql, _) = script();
    let path = dir.path().join("flytt.fbk");
    write(&key, &path, &sql);
    let file = std::fs::read(&path).unwrap();
    let refused = |bytes: &[u8]| {
        let p = dir.path().join("x.fbk");
        std::fs::write(&p, bytes).unwrap();
        open_with(&p, |_| Ok(key.clone())).err()
    };
    for at in [file.len() / 3, file.len() - 1] {
        let mut bad = file.clone();
        bad[at] ^= 1;
        assert!(
            matches!(refused(&bad), Some(BackupError::Unreadable(_))),
            "byte {at}"
        );
    }
    let cut = 70_000;
    assert!(matches!(
        refused(&file[..cut]),
        Some(BackupError::Unreadable(_))
    ));
    let missing = open_with(&path, |id| Err(BackupError::KeyMissing(id.into()))).err();
    assert!(matches!(missing, Some(BackupError::KeyMissing(_))));
    let other = crypt::BackupKey::generate();
    let other = open_with(&path, |_| Ok(other.clone())).err();
    assert!(
        matches!(other, Some(BackupError::KeyMissing(_))),
        "{other:?}"
    );

    // A script that is not a backup's (no `COMMIT;` at its end).
    let p = dir.path().join("ingen.fbk");
    write(&key, &p, &sql.replace("COMMIT;\n", "END;\n"));
    let e = open_with(&p, |_| Ok(key.clone())).err().unwrap();
    assert!(e.to_string().contains("not a backup's"), "{e}");
}

/// A move archive written whole, manifest first, as every one was before issue #71.
fn write_v1(key: &crypt::BackupKey, path: &Path, manifest: &Manifest, sql: &str) {
    let people = serde_json::to_string(&people()).unwrap();
    let head = serde_json::to_string(manifest).unwrap();
    let plain = format!("{FORMAT_V1}\n{head}\n{people}\n{sql}");
    let binding = crypt::Binding {
        customer_uid: manifest.customer_uid.clone(),
        environment: manifest.environment,
        project_ref: manifest.project_ref.clone(),
    };
    std::fs::write(path, crypt::encrypt(key, &binding, plain.as_bytes())).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_from_before_issue_71_still_opens_and_moves() {
    let dir = tempfile::tempdir().unwrap();
    let key = crypt::BackupKey::generate();
    let (sql, statements) = script();
    let mut m = manifest(&source());
    m.format = 1;
    m.sql_bytes = sql.len() as u64;
    m.sql_sha256 = super::hex(&{
        use sha2::Digest;
        sha2::Sha256::digest(sql.as_bytes())
    });
    let path = dir.path().join("gammal.fbk");
    write_v1(&key, &path, &m, &sql);
    let opened = open_with(&path, |_| Ok(key.clone())).unwrap();
    assert_eq!(opened.manifest, m);
    assert_eq!(opened.users, people().users);
    assert!(body(&opened, "").await.unwrap() == statements);
}

#[tokio::test]
async fn a_failed_export_leaves_another_exports_temporary_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flytt.fbk");
    let theirs = dir.path().join(".flytt.fbk.tmp");
    std::fs::write(&theirs, "another export's archive, half written").unwrap();
    // A client that reaches nothing: the export must fail before any call.
    let supabase = crate::providers::supabase::Supabase::new(
        "http://127.0.0.1:9",
        "http://127.0.0.1:9/{ref}",
        crate::secrets::Secret::new("sbp_test"),
        std::time::Duration::from_secs(1),
    );
    let key = crypt::BackupKey::generate();
    let e = super::export(&supabase, &source(), &key, &path)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("flytt.fbk"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&theirs).unwrap(),
        "another export's archive, half written"
    );
    assert!(!path.exists());
}
