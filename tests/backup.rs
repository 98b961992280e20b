//! Backups and restores of a customer's database (issue #30), on the simulator's real
//! PostgreSQL: a backup run and a restore run bring every row back exactly (counts and
//! checksums per table), the script runs in the real `psql` into a fresh database, a failed
//! restore changes nothing, a changed file is refused, and no secret reaches a file, the
//! register or a log.

mod common;

use std::sync::Arc;

use common::*;
use fabrik::database::backup::{self, crypt, files, TableSum};
use fabrik::providers::supabase::Supabase;
use fabrik::provision::{RunRequest, RunState};
use fabrik::store::backups::{Backup, BackupReason};
use fabrik::store::Store;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// Awkward values in several schemas, with what the schema must carry: an enum, identity,
/// serial, generated and defaulted columns, a foreign key across schemas, an index on an
/// expression, a view, functions with a trigger on the customer's table and one on
/// `auth.users`, row-level security with a policy, grants, and the migration history.
const AWKWARD: &str = r#"
CREATE TYPE public.mood AS ENUM ('glad', 'ledsen', 'it''s complicated');
CREATE SCHEMA crm;
GRANT USAGE ON SCHEMA crm TO authenticated;
CREATE TABLE crm.companies (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE public.awkward (
  id serial PRIMARY KEY,
  company_id bigint REFERENCES crm.companies (id) ON DELETE CASCADE,
  t text, q text, b bytea, j jsonb, arr text[], ints int[], ts timestamptz, d date,
  n numeric(30, 10), f double precision, m public.mood, iv interval,
  u uuid DEFAULT gen_random_uuid(),
  upper_t text GENERATED ALWAYS AS (upper(t)) STORED,
  CONSTRAINT awkward_n_check CHECK (n IS NULL OR n > -1000)
);
CREATE INDEX awkward_lower_t ON public.awkward (lower(t));
CREATE VIEW public.awkward_named AS SELECT a.id, a.t, c.name FROM public.awkward a LEFT JOIN crm.companies c ON c.id = a.company_id;
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.t := coalesce(NEW.t, 'touched'); RETURN NEW; END $$;
CREATE TRIGGER awkward_touch BEFORE INSERT ON public.awkward FOR EACH ROW EXECUTE FUNCTION public.touch();
CREATE FUNCTION public.handle_new_user() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION public.handle_new_user();
ALTER TABLE public.awkward ENABLE ROW LEVEL SECURITY;
CREATE POLICY awkward_read ON public.awkward FOR SELECT TO authenticated USING (m IS DISTINCT FROM 'ledsen');
GRANT SELECT ON public.awkward TO authenticated;
GRANT SELECT, INSERT ON crm.companies TO authenticated;
INSERT INTO crm.companies (name) VALUES ('Åkesson & Söner'), ('O''Brien "Ltd"');
INSERT INTO public.awkward (company_id, t, q, b, j, arr, ints, ts, d, n, f, m, iv) VALUES
 (1, 'räksmörgås 🦐', 'it''s "quoted" \ back', '\x00ff10'::bytea, '{"a": [1, 2.50, null], "ö": "\"x\""}',
  ARRAY['a,b', NULL, '{curly}', ''], '{1,2,3}', '2024-02-29 23:59:59.123456+01', '2024-02-29',
  12345678901234567890.0123456789, 1.0000000000000002, 'it''s complicated', '1 year 2 mons 3 days 04:05:06.7'),
 (2, NULL, E'line\nbreak\ttab', '', 'null', '{}', NULL, 'infinity', NULL, -0.5, 'NaN', NULL, NULL),
 (NULL, 'x', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-Infinity', 'glad', NULL);
-- Inserted through the trigger, then made NULL: a restore must not run the trigger on its rows.
UPDATE public.awkward SET t = NULL WHERE id = 2;
CREATE SCHEMA IF NOT EXISTS supabase_migrations;
CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text PRIMARY KEY, statements text[], name text);
INSERT INTO supabase_migrations.schema_migrations VALUES ('29990101000000', ARRAY['select 1'], 'awkward') ON CONFLICT DO NOTHING;
"#;

/// Changes a restore must undo: rows changed and deleted, a view dropped, a table added.
const CHANGES: &str = "
UPDATE public.awkward SET t = 'changed', b = NULL WHERE id = 1;
DELETE FROM crm.companies WHERE id = 2;
DROP VIEW public.awkward_named;
CREATE TABLE public.extra (x int);
INSERT INTO public.extra VALUES (1);
DELETE FROM supabase_migrations.schema_migrations;
";

struct Case {
    world: World,
    project_ref: String,
}

impl Case {
    fn supabase(&self) -> &Supabase {
        &self.world.engine.clients().supabase
    }

    async fn sql(&self, sql: &str) -> Vec<Value> {
        self.supabase()
            .run_query(&self.project_ref, sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn one(&self, sql: &str) -> String {
        let rows = self.sql(sql).await;
        let row = rows[0].as_object().unwrap();
        backup_text(row.values().next().unwrap())
    }

    async fn sums(&self) -> Vec<TableSum> {
        backup::checksums(self.supabase(), &self.project_ref)
            .await
            .unwrap()
    }

    fn customer_id(&self) -> i64 {
        self.world
            .store
            .get_customer(&self.world.slug)
            .unwrap()
            .id
    }

    fn backups(&self) -> Vec<Backup> {
        self.world
            .store
            .backups(self.customer_id(), fabrik::environment::Environment::Sandbox, false)
            .unwrap()
    }

    /// Records and drives a run; its id, end and events.
    async fn run(&self, request: RunRequest) -> (i64, RunState, Events) {
        let events = Events::default();
        let start = self.world.engine.record(&self.world.slug, &request).unwrap();
        let state = self
            .world
            .engine
            .drive(
                start.driver.clone().unwrap(),
                events.sink(),
                CancellationToken::new(),
                false,
            )
            .await
            .unwrap();
        (start.run_id, state, events)
    }
}

/// The restore run put the backup back: its step is done, and the run succeeded or
/// stopped only at the schema check after it (`supabase.verify`, the roll-out's, built
/// beside this).
fn restored(state: RunState, events: &Events) {
    let all: Vec<Value> = events.all().iter().map(|e| serde_json::to_value(e).unwrap()).collect();
    assert!(
        all.iter().any(|e| e["type"] == "step_done" && e["step"] == "supabase.restore_backup"),
        "{}",
        events.json()
    );
    if state != RunState::Succeeded {
        assert_eq!(events.first_failure()["step"], "supabase.verify", "{}", events.json());
    }
}

fn backup_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A delivered instance with the awkward tables; `None` without a keyring.
async fn case(tag: &str, name: &str) -> Option<Case> {
    let world = world(tag, name).await?;
    provision(&world.engine, &world.slug).await;
    let project_ref = world
        .store
        .get_customer(&world.slug)
        .unwrap()
        .instance
        .supabase_project_ref
        .expect("a delivered instance has its project");
    let case = Case { world, project_ref };
    case.sql(AWKWARD).await;
    Some(case)
}

/// The decrypted script of a recorded backup, with the keyring's key.
async fn script(case: &Case, b: &Backup) -> String {
    let (secrets, b) = (case.world.secrets.clone(), b.clone());
    tokio::task::spawn_blocking(move || {
        let file = files::read(&b).unwrap();
        let key = crypt::key_by_id(&secrets, &crypt::key_id(&file).unwrap()).unwrap();
        String::from_utf8(crypt::decrypt(&key, &file).unwrap().to_vec()).unwrap()
    })
    .await
    .unwrap()
}

async fn source_users(project_ref: &str, supabase: &Supabase) -> String {
    let rows = supabase
        .run_query(project_ref, "SELECT coalesce(json_agg(u), '[]')::text AS users FROM auth.users u")
        .await
        .unwrap();
    backup_text(&rows[0]["users"])
}

fn psql() -> std::path::PathBuf {
    let mut found: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's binaries (scripts/setup.sh)")
        .filter_map(|v| v.ok().map(|v| v.path().join("bin/psql")))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found.pop().expect("psql")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_and_a_restore_bring_back_every_row_and_psql_reads_the_script() {
    let Some(case) = case("backup-roundtrip", "Backup Runda AB").await else {
        return;
    };
    let original = case.sums().await;
    let names: Vec<String> = original.iter().map(|t| format!("{}.{}", t.schema, t.table)).collect();
    for t in ["public.awkward", "crm.companies", "supabase_migrations.schema_migrations"] {
        assert!(names.contains(&t.to_string()), "{t} not among {names:?}");
    }
    assert!(!names.iter().any(|n| n.starts_with("auth.")), "{names:?}");

    let (backup_run, state, events) = case.run(RunRequest::Backup).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let taken = case.backups();
    assert_eq!(taken.len(), 1);
    let b = &taken[0];
    assert_eq!(b.reason, BackupReason::OnDemand);
    assert_eq!(b.run_id, Some(backup_run));
    assert_eq!(b.tables, original, "the backup records what the tables held");
    let newest = case.one("SELECT max(version) FROM supabase_migrations.schema_migrations").await;
    assert_eq!(b.schema_version.as_deref(), Some(newest.as_str()));
    let sealed = std::fs::read(files::path_of(b)).unwrap();
    assert_eq!(files::sha256_hex(&sealed), b.sha256);
    assert_eq!(sealed.len() as i64, b.bytes);

    case.sql(CHANGES).await;
    assert_ne!(case.sums().await, original);

    // A restore is typed like a teardown.
    let wrong = case.world.engine.record(
        &case.world.slug,
        &RunRequest::Restore { backup: b.id, confirmation: "fel".into() },
    );
    assert!(matches!(wrong, Err(fabrik::Error::NotConfirmed)), "{wrong:?}");

    let (_, state, events) = case
        .run(RunRequest::Restore { backup: b.id, confirmation: case.world.slug.clone() })
        .await;
    restored(state, &events);
    assert_eq!(case.sums().await, original, "every table's rows as they were");
    assert_eq!(case.one("SELECT coalesce(to_regclass('public.extra')::text, 'gone')").await, "gone");
    assert_eq!(case.one("SELECT count(*) FROM public.awkward_named").await, "3");
    assert_eq!(case.one("SELECT count(*) FROM public.awkward WHERE t IS NULL").await, "1");
    assert_eq!(
        case.one("SELECT count(*) FROM pg_trigger WHERE tgname IN ('on_auth_user_created', 'awkward_touch')").await,
        "2",
        "the triggers, on auth.users too"
    );
    assert_eq!(case.one("SELECT relrowsecurity::text FROM pg_class WHERE oid = 'public.awkward'::regclass").await, "true");
    assert_eq!(case.one("SELECT count(*) FROM pg_policy WHERE polname = 'awkward_read'").await, "1");
    assert_eq!(
        case.one("SELECT has_table_privilege('authenticated', 'crm.companies', 'INSERT')::text").await,
        "true"
    );
    // Sequences continue where they were: the next company is the third.
    assert_eq!(case.one("INSERT INTO crm.companies (name) VALUES ('Ny') RETURNING id").await, "3");
    case.sql("DELETE FROM crm.companies WHERE name = 'Ny'").await;
    let both = case.backups();
    assert_eq!(both.len(), 2, "the restore first took a backup of what it replaced");
    assert_eq!(both[0].reason, BackupReason::BeforeRestore);

    // The decrypted script in the real psql, into a fresh project's database.
    let sql = script(&case, b).await;
    let seed = case.world.sim.seed();
    let other = case
        .supabase()
        .create_project(&seed.supabase_org_slug, "psql-target", "eu-north-1", &fabrik::secrets::Secret::new("Pw-1234567890-x"))
        .await
        .unwrap();
    let case_ref = case.project_ref.clone();
    let target = Case { world: case.world, project_ref: other.project_ref.clone() };
    let mut ready = target.supabase().run_query(&target.project_ref, "SELECT 1").await;
    for _ in 0..100 {
        if ready.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        ready = target.supabase().run_query(&target.project_ref, "SELECT 1").await;
    }
    ready.unwrap();
    // The backup holds the customer's schemas, not Supabase's: the target has its own auth
    // users, here the same ones (the template's tables reference them).
    let users = source_users(&case_ref, target.supabase()).await;
    target
        .supabase()
        .run_query_with(
            &target.project_ref,
            "INSERT INTO auth.users SELECT * FROM json_populate_recordset(NULL::auth.users, $1::json)",
            &[Value::String(users)],
        )
        .await
        .unwrap();
    let db = target.world.sim.project_database(&target.project_ref).unwrap();
    let mut url = url::Url::parse(cluster().url()).unwrap();
    url.set_path(&db);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.sql");
    std::fs::write(&path, &sql).unwrap();
    let out = std::process::Command::new(psql())
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(&path)
        .arg(url.as_str())
        .output()
        .unwrap();
    assert!(out.status.success(), "psql: {}", said(&out));
    assert_eq!(target.sums().await, original, "psql restores the same rows");

    // No secret in the script, the file, the register or the run's log.
    let keys = target.supabase().api_keys(&target.project_ref).await.unwrap();
    let key_hex = {
        let secrets = target.world.secrets.clone();
        let id = b.key_id.clone();
        tokio::task::spawn_blocking(move || {
            secrets
                .get(&fabrik::secrets::SecretKey::BackupKey(id))
                .unwrap()
                .unwrap()
                .expose()
                .to_string()
        })
        .await
        .unwrap()
    };
    let log = serde_json::to_string(&target.world.store.run_log(backup_run, 0).unwrap()).unwrap();
    let rows = serde_json::to_string(&target.world.store.all_backups(fabrik::environment::Environment::Sandbox, true).unwrap()).unwrap();
    let sealed_text = String::from_utf8_lossy(&sealed).to_string();
    for secret in [TOKEN, keys.service_role.expose(), key_hex.as_str()] {
        for (what, text) in [("script", &sql), ("file", &sealed_text), ("log", &log), ("register", &rows)] {
            assert!(!text.contains(secret), "a secret in the {what}");
        }
    }
    assert!(!sealed_text.contains("räksmörgås"), "the file is encrypted");
    cleanup(&target.world.engine, &target.world.slug).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_restore_changes_nothing_and_a_changed_file_is_refused() {
    let Some(case) = case("backup-failure", "Backup Fel AB").await else {
        return;
    };
    let (_, state, events) = case.run(RunRequest::Backup).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let b = case.backups().remove(0);
    case.sql(CHANGES).await;
    let changed = case.sums().await;

    // A script that fails at its very end: the database keeps what it had, and the error is
    // the database's own.
    let sql = script(&case, &b).await;
    let at = sql.rfind("COMMIT;").unwrap();
    let broken = format!("{}SELECT 1 / 0;\n{}", &sql[..at], &sql[at..]);
    let err = backup::restore(case.supabase(), &case.project_ref, &broken)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("division by zero"), "{err}");
    assert_eq!(case.sums().await, changed, "nothing of the failed restore stays");
    assert_eq!(case.one("SELECT count(*) FROM public.extra").await, "1");
    let refused = backup::restore(case.supabase(), &case.project_ref, "DROP SCHEMA public CASCADE;").await;
    assert!(matches!(refused, Err(backup::BackupError::Unreadable(_))), "{refused:?}");

    // A file changed on disk: the restore run refuses it before touching the database.
    let path = files::path_of(&b);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    let (_, state, events) = case
        .run(RunRequest::Restore { backup: b.id, confirmation: case.world.slug.clone() })
        .await;
    assert_ne!(state, RunState::Succeeded);
    assert!(events.first_failure().to_string().contains("backup_unreadable"), "{}", events.json());
    assert_eq!(case.sums().await, changed);

    // A backup of another customer, or none, is not restored here.
    let (_, state, events) = case
        .run(RunRequest::Restore { backup: b.id + 1000, confirmation: case.world.slug.clone() })
        .await;
    assert_ne!(state, RunState::Succeeded);
    assert!(events.first_failure().to_string().contains("backup_not_found"), "{}", events.json());
    cleanup(&case.world.engine, &case.world.slug).await;
}

#[tokio::test]
async fn retention_keeps_the_newest_and_the_recent_and_deletes_the_rest() {
    let store = Arc::new(Store::open_in_memory().unwrap());
    let slug = customer(&store, "Retention AB");
    let c = store.get_customer(&slug).unwrap();
    let env = fabrik::environment::Environment::Sandbox;
    let mut ids = Vec::new();
    for i in 0..12 {
        let w = files::write(&c.uid, BackupReason::Scheduled, format!("sealed {i}").as_bytes()).unwrap();
        let b = store
            .insert_backup(&fabrik::store::backups::NewBackup {
                customer_id: c.id,
                environment: env,
                project_ref: "ref".into(),
                run_id: None,
                reason: BackupReason::Scheduled,
                file: w.file,
                bytes: w.bytes,
                sha256: w.sha256,
                key_id: "k".into(),
                schema_version: None,
                tables: vec![],
            })
            .unwrap();
        ids.push(b.id);
    }
    // Everything is younger than 30 days: nothing goes.
    assert!(files::apply_retention(&store, c.id, env, 10, 30).unwrap().is_empty());
    // Counted as old: all but the newest ten go, files and all.
    let removed = files::apply_retention(&store, c.id, env, 10, -1).unwrap();
    assert_eq!(removed, vec![ids[1], ids[0]]);
    assert_eq!(store.backups(c.id, env, false).unwrap().len(), 10);
    let gone = store.backup(ids[0]).unwrap().unwrap();
    assert!(gone.removed_at.is_some());
    assert!(!files::path_of(&gone).exists());
    assert!(files::path_of(&store.backup(ids[11]).unwrap().unwrap()).exists());
    assert_eq!(files::retention_rule(&store), (10, 30));
    store.set_setting("backup_keep", "3").unwrap();
    assert_eq!(files::retention_rule(&store).0, 3);
}
