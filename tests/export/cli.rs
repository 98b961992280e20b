//! `fabrik export SLUG --out FILE` as the agency uses it: the archive is written, whole and
//! checked, and recorded in the register with its size and SHA-256; an unknown customer, one
//! without a delivered instance, an --out that exists and one whose folder is missing are each
//! refused in Swedish, leaving the folder as it was and the register without a row.

use super::*;
use fabrik::environment::Environment;
use fabrik::export::rows::ExportRows;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fabrik_export_writes_and_records_the_archive_and_refuses_leaving_nothing() {
    let Some(Delivered {
        sim,
        dir,
        db,
        store,
        slug,
        engine,
        customer,
        project_ref,
    }) = delivered_with_data("cli-export", "Exportkund AB").await
    else {
        return;
    };
    let supabase = &engine.clients().supabase;
    let expected = counts(supabase, &project_ref).await;

    let out_dir = dir.path().join("ut");
    std::fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("kund.zip");
    let run = |args: &[&str]| common::cli(&sim, &db).args(args).output().unwrap();
    let out = run(&["export", &slug, "--out", target.to_str().unwrap()]);
    let said = common::said(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("Exporten av") && said.contains("SHA-256"),
        "{said}"
    );
    // Every part came: the repository as a bundle too (git is on every machine the tests run).
    assert!(!said.contains("Inte med i arkivet"), "{said}");

    let files = entries(&target);
    assert!(
        files
            .keys()
            .any(|k| k.starts_with("repo/") && k.ends_with(".bundle")),
        "{:?}",
        files.keys().collect::<Vec<_>>()
    );
    let manifest = checked_manifest(&files);
    tables_whole(&manifest, &files, &expected);
    let mut secrets: Vec<String> = NEVER.iter().map(|s| s.to_string()).collect();
    secrets.push(TOKEN.to_string());
    secrets.push(
        supabase
            .api_keys(&project_ref)
            .await
            .unwrap()
            .service_role
            .expose()
            .to_string(),
    );
    holds_none(&target, &files, &secrets);

    let records = || store.exports(customer.id, Environment::Production).unwrap();
    let (bytes, sha256) = export::hash_file(&target).unwrap();
    let kept = records();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (
            kept[0].file.as_str(),
            kept[0].bytes as u64,
            kept[0].sha256.as_str()
        ),
        ("kund.zip", bytes, sha256.as_str())
    );
    assert!(!kept[0].seat.is_empty());
    assert_eq!(manifest.schema_version, kept[0].schema_version);

    common::cli(&sim, &db)
        .args([
            "customers",
            "add",
            "--name",
            "Ej Levererad AB",
            "--email",
            "admin@ejlev.example.se",
        ])
        .output()
        .unwrap();
    let before = listing(&out_dir);
    let new = out_dir.join("ny.zip");
    let new = new.to_str().unwrap();
    let missing = out_dir.join("saknas").join("x.zip");
    for (args, says) in [
        (
            vec!["export", &slug, "--out", target.to_str().unwrap()],
            "finns redan",
        ),
        (
            vec!["export", &slug, "--out", missing.to_str().unwrap()],
            "finns inte",
        ),
        (
            vec!["export", "ingen-sadan-kund", "--out", new],
            "ingen-sadan-kund",
        ),
        (
            vec!["export", "ej-levererad-ab", "--out", new],
            "ingen levererad instans",
        ),
    ] {
        let out = run(&args);
        let said = common::said(&out);
        assert!(!out.status.success(), "{args:?}: {said}");
        assert!(said.contains(says), "{args:?}: {said}");
        assert_eq!(listing(&out_dir), before, "{args:?}");
        assert_eq!(records().len(), 1, "{args:?}");
    }
    assert_eq!(export::hash_file(&target).unwrap().1, sha256);
}
