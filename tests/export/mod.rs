//! A customer's export (issue #59) on the simulator's real PostgreSQL: a delivered instance
//! with rows in the template's tables (more than a page of them), an awkward cell, a table
//! without a key, and Auth users with a password hash and tokens. The archive is opened with
//! the zip crate: every file's SHA-256 and size is the manifest's, each table's CSV and JSON
//! hold as many rows as the table, the columns' types are there, no password hash, token,
//! service key or agency token is in any byte of it, and a second export to the same file is
//! refused and leaves nothing, as does one that fails half-way.

use crate::common;
use fabrik::customer::rows::CustomerRows;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use common::*;
use fabrik::export::{self, About, Manifest, Source};
use fabrik::providers::supabase::Supabase;
use serde_json::Value;
use sha2::{Digest, Sha256};

mod cli;
mod keeping;

/// Rows in the template's tables (contacts over two pages of 5,000), a cell a spreadsheet
/// would run, a table without a key, and Auth users carrying what must never leave: a
/// password hash and tokens, with sentinels in them.
pub const DATA: &str = r#"
INSERT INTO public.organizations (name, slug) VALUES ('Export AB', 'export-ab');
INSERT INTO public.companies (organization_id, name, tags, annual_revenue)
  SELECT o.id, '=HYPERLINK("http://evil.example")', ARRAY['a,b', 'c"d'], 1234.50
    FROM public.organizations o WHERE o.slug = 'export-ab';
INSERT INTO public.contacts (organization_id, first_name, last_name, email)
  SELECT o.id, 'Förnamn ' || g, E'Efter\nnamn "' || g || '"', 'p' || g || '@example.se'
    FROM public.organizations o, generate_series(1, 12000) g WHERE o.slug = 'export-ab';
CREATE TABLE public.no_key (x int, t text);
INSERT INTO public.no_key SELECT g % 7, 'samma' FROM generate_series(1, 6001) g;
INSERT INTO auth.users (id, aud, role, email, encrypted_password, raw_user_meta_data, created_at)
  VALUES (gen_random_uuid(), 'authenticated', 'authenticated', 'asa@example.se',
          '$2a$10$SENTINELhashSENTINELhashSENTINELhashSENTINELhash000',
          '{"full_name": "Åsa Åkesson"}', now());
UPDATE auth.users SET recovery_token = 'SENTINEL-recovery-token-9c1e',
                      confirmation_token = 'SENTINEL-confirmation-token-9c1e',
                      last_sign_in_at = now();
"#;

/// What must never be in an archive, whatever the instance holds.
pub const NEVER: [&str; 3] = [
    "SENTINEL-recovery-token-9c1e",
    "SENTINEL-confirmation-token-9c1e",
    "SENTINELhashSENTINELhash",
];

/// A customer delivered in the simulator (through the CLI's register file), with `DATA` in its
/// instance: what the CLI tests export.
pub struct Delivered {
    pub sim: fabrik_sim::SimHandle,
    pub dir: tempfile::TempDir,
    pub db: std::path::PathBuf,
    pub store: std::sync::Arc<fabrik::store::Store>,
    pub slug: String,
    pub engine: fabrik::provision::Engine,
    pub customer: fabrik::customer::Customer,
    pub project_ref: String,
}

pub async fn delivered_with_data(keyring: &str, name: &str) -> Option<Delivered> {
    let secrets = common::keyring(keyring)?;
    let sim = common::sim(fabrik_sim::Profile::Instant).await;
    let (dir, db, store, slugs) =
        common::delivered_fleet(&sim, secrets.clone(), &[name.to_string()]).await;
    let slug = slugs[0].clone();
    let engine = common::engine_in(
        &sim,
        store.clone(),
        secrets,
        fabrik::provision::FailurePolicy::Rollback,
        fabrik::environment::Environment::Production,
    );
    let customer = store
        .get_customer_in(&slug, fabrik::environment::Environment::Production)
        .unwrap();
    let project_ref = customer.instance.supabase_project_ref.clone().unwrap();
    sql(&engine.clients().supabase, &project_ref, DATA).await;
    Some(Delivered {
        sim,
        dir,
        db,
        store,
        slug,
        engine,
        customer,
        project_ref,
    })
}

pub async fn sql(supabase: &Supabase, project_ref: &str, sql: &str) -> Vec<Value> {
    supabase
        .run_query(project_ref, sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Every file of the archive, read whole (the tests' archives are small).
pub fn entries(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        out.insert(f.name().unwrap().to_string(), bytes);
    }
    out
}

/// The manifest, with every file it lists checked against the archive (size and SHA-256) and
/// every file of the archive listed.
pub fn checked_manifest(files: &BTreeMap<String, Vec<u8>>) -> Manifest {
    let manifest: Manifest = serde_json::from_slice(&files[export::MANIFEST]).unwrap();
    assert_eq!(manifest.format, export::FORMAT);
    for f in &manifest.files {
        let bytes = files
            .get(&f.path)
            .unwrap_or_else(|| panic!("{} not in the archive", f.path));
        assert_eq!(bytes.len() as u64, f.bytes, "{}", f.path);
        let sha: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sha, f.sha256, "{}", f.path);
    }
    let listed: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    for name in files.keys() {
        assert!(
            name == export::MANIFEST || listed.contains(&name.as_str()),
            "{name} is in the archive but not in the manifest"
        );
    }
    manifest
}

/// No byte of the archive, packed or unpacked, holds any of `secrets`.
pub fn holds_none(path: &Path, files: &BTreeMap<String, Vec<u8>>, secrets: &[String]) {
    let packed = std::fs::read(path).unwrap();
    for s in secrets {
        assert!(!s.is_empty());
        let needle = s.as_bytes();
        let found = |hay: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        assert!(!found(&packed), "a secret is in the archive's bytes");
        for (name, bytes) in files {
            assert!(!found(bytes), "a secret is in {name}");
        }
    }
}

/// A CSV file's header and how many records follow it.
pub fn csv_file(bytes: &[u8]) -> (Vec<String>, usize) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    (header, reader.records().map(Result::unwrap).count())
}

/// The names in a folder, sorted.
pub fn listing(dir: &Path) -> Vec<std::ffi::OsString> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    names
}

/// Row counts of the `public` tables as the database holds them.
/// A private bucket with a file in a nested folder and one at its root, uploaded through
/// `POST /storage/v1/object/{bucket}/{path}`: each path in the bucket and its bytes.
async fn stored_files(
    supabase: &Supabase,
    project_ref: &str,
    keys: &fabrik::providers::supabase::ApiKeys,
) -> Vec<(String, Vec<u8>)> {
    let key = keys.service_role.expose().to_string();
    let base = format!("{}/storage/v1", supabase.project_url(project_ref));
    let http = reqwest::Client::new();
    let made = http
        .post(format!("{base}/bucket"))
        .header("apikey", &key)
        .bearer_auth(&key)
        .json(&serde_json::json!({"name": "avtal", "public": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 200);
    let files = vec![
        (
            "avtal/2026/kund avtal.pdf".to_string(),
            (0..200_000u32).map(|i| (i % 251) as u8).collect(),
        ),
        ("avtal/logga.txt".to_string(), b"logga\n".to_vec()),
    ];
    for (path, body) in &files {
        let r = http
            .post(format!("{base}/object/{path}"))
            .header("apikey", &key)
            .bearer_auth(&key)
            .header("content-type", "application/octet-stream")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    files
}

pub async fn counts(supabase: &Supabase, project_ref: &str) -> BTreeMap<String, u64> {
    let tables = sql(
        supabase,
        project_ref,
        "SELECT c.relname AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1",
    )
    .await;
    let mut out = BTreeMap::new();
    for r in tables {
        let name = text(&r["rel"]);
        let q = format!(
            "SELECT count(*)::text AS n FROM public.\"{}\"",
            name.replace('"', "\"\"")
        );
        let n = sql(supabase, project_ref, &q).await;
        out.insert(name, text(&n[0]["n"]).parse().unwrap());
    }
    out
}

/// Each table's CSV and JSON hold as many rows as the table, and its columns have types.
pub fn tables_whole(
    manifest: &Manifest,
    files: &BTreeMap<String, Vec<u8>>,
    expected: &BTreeMap<String, u64>,
) {
    let names: Vec<&str> = manifest.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        expected.keys().map(String::as_str).collect::<Vec<_>>()
    );
    for t in &manifest.tables {
        let rows = expected[&t.name];
        assert_eq!(t.rows, rows, "{}", t.name);
        let (header, count) = csv_file(&files[&format!("{}.csv", t.file)]);
        let columns: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
        assert_eq!(header, columns, "{}", t.name);
        assert_eq!(count as u64, rows, "{}.csv", t.name);
        let json: Vec<Value> = serde_json::from_slice(&files[&format!("{}.json", t.file)]).unwrap();
        assert_eq!(json.len() as u64, rows, "{}.json", t.name);
        assert!(t.columns.iter().all(|c| !c.ty.is_empty()), "{}", t.name);
        let schema: Value =
            serde_json::from_slice(&files[&format!("{}.schema.json", t.file)]).unwrap();
        assert_eq!(schema["columns"].as_array().unwrap().len(), t.columns.len());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_holds_every_table_and_user_as_its_manifest_says_and_no_secret() {
    let Some(world) = world("export-archive", "Export Arkiv AB").await else {
        return;
    };
    provision(&world.engine, &world.slug).await;
    let customer = world.store.get_customer(&world.slug).unwrap();
    let project_ref = customer.instance.supabase_project_ref.clone().unwrap();
    let supabase = &world.engine.clients().supabase;
    sql(supabase, &project_ref, DATA).await;
    let expected = counts(supabase, &project_ref).await;
    assert_eq!(expected["contacts"], 12_000);
    let users = text(
        &sql(
            supabase,
            &project_ref,
            "SELECT count(*)::text AS n FROM auth.users",
        )
        .await[0]["n"],
    );
    let keys = supabase.api_keys(&project_ref).await.unwrap();
    // Two stored files through the Storage API's own routes: a private bucket, a nested folder.
    let stored = stored_files(supabase, &project_ref, &keys).await;
    let repo: fabrik::provision::outputs::GithubRepo = serde_json::from_value(
        world
            .store
            .last_step_output(
                customer.id,
                fabrik::ledger::StepKey::GithubRepo,
                fabrik::environment::Environment::Sandbox,
            )
            .unwrap()
            .unwrap(),
    )
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("export.zip");
    let about = About {
        slug: customer.slug.clone(),
        name: customer.name.clone(),
        environment: fabrik::environment::Environment::Sandbox,
        schema_version: Some("20250101000000".into()),
        template_version: Some("abc123".into()),
        taken_at: chrono::Utc::now(),
    };
    let source = Source {
        supabase,
        n8n: &world.engine.clients().n8n,
        github: &world.engine.clients().github,
        repo: Some(repo.clone()),
        project_ref: project_ref.clone(),
        workflow_id: customer.instance.n8n_workflow_id.clone(),
        customer_uid: customer.uid.clone(),
    };
    let written = export::write(&target, about.clone(), &source)
        .await
        .unwrap();
    let (bytes, sha) = export::hash_file(&target).unwrap();
    assert_eq!((bytes, sha), (written.bytes, written.sha256.clone()));

    let files = entries(&target);
    let manifest = checked_manifest(&files);
    assert_eq!(manifest, written.manifest);
    assert_eq!(manifest.customer.slug, customer.slug);
    assert_eq!(manifest.schema_version.as_deref(), Some("20250101000000"));
    assert_eq!(manifest.template_version.as_deref(), Some("abc123"));
    assert_eq!(manifest.fabrik_version, env!("CARGO_PKG_VERSION"));
    assert!(files.contains_key(export::README));
    tables_whole(&manifest, &files, &expected);

    // Types as PostgreSQL names them, and a formula written as text.
    let companies = manifest
        .tables
        .iter()
        .find(|t| t.name == "companies")
        .unwrap();
    let ty = |n: &str| {
        companies
            .columns
            .iter()
            .find(|c| c.name == n)
            .map(|c| c.ty.clone())
            .unwrap()
    };
    assert_eq!(ty("tags"), "text[]");
    assert_eq!(ty("annual_revenue"), "numeric(16,2)");
    assert_eq!(companies.primary_key, vec!["id".to_string()]);
    let csv = String::from_utf8(files["tables/companies.csv"].clone()).unwrap();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    let json: Vec<Value> = serde_json::from_slice(&files["tables/companies.json"]).unwrap();
    assert_eq!(json[0]["name"], "=HYPERLINK(\"http://evil.example\")");
    assert_eq!(json[0]["tags"], serde_json::json!(["a,b", "c\"d"]));
    let no_key = manifest.tables.iter().find(|t| t.name == "no_key").unwrap();
    assert!(no_key.primary_key.is_empty());

    // The users: the named columns and nothing else.
    let (header, count) = csv_file(&files["auth/users.csv"]);
    assert_eq!(
        header,
        [
            "id",
            "email",
            "name",
            "role",
            "created_at",
            "last_sign_in_at"
        ]
    );
    assert_eq!(count.to_string(), users);
    let people: Vec<Value> = serde_json::from_slice(&files["auth/users.json"]).unwrap();
    let asa = people
        .iter()
        .find(|p| p["email"] == "asa@example.se")
        .unwrap();
    assert_eq!(asa["name"], "Åsa Åkesson");
    let mut keys_of: Vec<&String> = asa.as_object().unwrap().keys().collect();
    keys_of.sort();
    assert_eq!(
        keys_of,
        [
            "created_at",
            "email",
            "id",
            "last_sign_in_at",
            "name",
            "role"
        ]
    );

    // The workflow came, redacted; the repository as a bundle git reads; the stored files
    // byte for byte.
    let part = |p: export::ExportPart| manifest.parts.iter().find(|e| e.part == p).unwrap();
    assert!(
        part(export::ExportPart::Workflow).omitted.is_none(),
        "{manifest:?}"
    );
    assert!(files.contains_key(export::WORKFLOW_FILE));
    for p in [export::ExportPart::Repository, export::ExportPart::Storage] {
        assert!(part(p).omitted.is_none(), "{manifest:?}");
    }
    let bundle = &files[&format!("repo/{}.bundle", repo.name)];
    assert!(
        bundle.starts_with(b"# v2 git bundle\n") || bundle.starts_with(b"# v3 git bundle\n"),
        "a git bundle"
    );
    for (path, body) in &stored {
        assert_eq!(&files[&format!("storage/{path}")], body, "{path}");
    }

    let hashes = sql(
        supabase,
        &project_ref,
        "SELECT encrypted_password AS p FROM auth.users WHERE encrypted_password IS NOT NULL",
    )
    .await;
    let mut secrets: Vec<String> = NEVER.iter().map(|s| s.to_string()).collect();
    secrets.extend(
        hashes
            .iter()
            .map(|h| text(&h["p"]))
            .filter(|h| !h.is_empty()),
    );
    secrets.push(keys.service_role.expose().to_string());
    secrets.push(TOKEN.to_string());
    holds_none(&target, &files, &secrets);

    // The same file again: refused, and the folder holds what it held.
    let before = listing(dir.path());
    let again = export::write(&target, about.clone(), &source).await;
    assert!(
        matches!(again, Err(export::ExportError::Exists(_))),
        "{again:?}"
    );
    assert_eq!(listing(dir.path()), before);
    assert_eq!(export::hash_file(&target).unwrap().1, written.sha256);

    // n8n refuses once the tables and users are written: the export fails whole.
    fault(
        &world.sim,
        serde_json::json!({"method": "GET", "path": "/n8n/api/v1/workflows/*", "status": 400, "times": 10}),
    )
    .await;
    let failed = export::write(&dir.path().join("half.zip"), about, &source).await;
    assert!(
        matches!(failed, Err(export::ExportError::Query(_))),
        "{failed:?}"
    );
    assert_eq!(listing(dir.path()), before);
}
