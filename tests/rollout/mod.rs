//! Schema roll-outs (issue #30) on the simulator, whose project databases are real PostgreSQL:
//! five delivered instances, two migration files, one instance that already has a table the
//! first file creates (drift), one paused. Through the CLI, as the agency runs it: the roll-out
//! applies both files to the other three and reports the two with their reasons; a second start
//! applies nothing; a failing file on the canary halts the roll-out before the next wave, and the
//! canary's restore brings its rows back exactly; kill -9 during a wave at several points, then
//! start again: every history matches its schema and no file is applied twice.

use crate::common;
use fabrik::customer::rows::CustomerRows;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use common::*;
use fabrik::provision::{Engine, FailurePolicy, RunKind, RunRequest, RunState};
use fabrik::store::Store;
use fabrik::supervisor::cloud::Environment;
use fabrik_sim::{Profile, SimHandle};
use serde_json::Value;

mod locked;
mod once;
mod refusals;

const INVOICES: &str = "20250601000000_invoices.sql";
/// Creates a table with row-level security and a policy, and notes that it ran.
const INVOICES_SQL: &str = "
create table public.invoices (
    id uuid primary key default gen_random_uuid(),
    organization_id uuid not null references public.organizations (id) on delete cascade,
    amount_ore bigint not null check (amount_ore >= 0),
    created_at timestamptz not null default now()
);
alter table public.invoices enable row level security;
create policy invoices_of_own_organization on public.invoices for all to authenticated
    using (organization_id in (select organization_id from public.users where id = auth.uid()));
create table public.applied_files (version text not null, at timestamptz not null default now());
alter table public.applied_files enable row level security;
insert into public.applied_files (version) values ('20250601000000');
";
const NOTES: &str = "20250602000000_invoice_notes.sql";
/// Changes the first file's table; a second apply would add a second row to `applied_files`.
const NOTES_SQL: &str = "
alter table public.invoices add column note text;
comment on column public.invoices.note is 'Fri text på fakturan';
insert into public.applied_files (version) values ('20250602000000');
";

/// Delivered instances in one register file, and the engine that delivered them.
struct Fleet {
    sim: SimHandle,
    _dir: tempfile::TempDir,
    db: PathBuf,
    engine: Engine,
    store: Arc<Store>,
    slugs: Vec<String>,
}

async fn fleet(tag: &str, names: &[&str]) -> Option<Fleet> {
    let secrets = keyring(tag)?;
    let sim = sim_scaled(Profile::Realistic, 0.02).await;
    let (dir, db, first) = register_file(&sim, names[0]);
    let store = Arc::new(Store::open(&db).unwrap());
    let mut slugs = vec![first];
    for name in &names[1..] {
        slugs.push(customer(&store, name));
    }
    let engine = engine_in(
        &sim,
        store.clone(),
        secrets,
        FailurePolicy::Rollback,
        Environment::Production,
    );
    let runs = slugs.iter().map(|s| provision_logged(&engine, s));
    for (_, state, events) in futures_util::future::join_all(runs).await {
        assert_eq!(state, RunState::Succeeded, "{}", events.json());
    }
    Some(Fleet {
        sim,
        _dir: dir,
        db,
        engine,
        store,
        slugs,
    })
}

impl Fleet {
    fn project_ref(&self, slug: &str) -> String {
        self.store
            .get_customer_in(slug, Environment::Production)
            .unwrap()
            .instance
            .supabase_project_ref
            .unwrap()
    }

    async fn sql(&self, slug: &str, sql: &str) -> Vec<Value> {
        self.engine
            .clients()
            .supabase
            .run_query(&self.project_ref(slug), sql)
            .await
            .unwrap_or_else(|e| panic!("{slug}: {sql}: {e}"))
    }

    /// The instance's history, oldest first.
    async fn history(&self, slug: &str) -> Vec<String> {
        self.sql(
            slug,
            "select version from supabase_migrations.schema_migrations order by version",
        )
        .await
        .iter()
        .map(|r| r["version"].as_str().unwrap().to_string())
        .collect()
    }

    /// Row count and an md5 of the rows per table of `public`, computed here, not by Fabrik.
    async fn checksums(&self, slug: &str) -> BTreeMap<String, (i64, String)> {
        let tables = self
            .sql(
                slug,
                "select tablename from pg_tables where schemaname = 'public' order by 1",
            )
            .await;
        let mut out = BTreeMap::new();
        for t in tables {
            let name = t["tablename"].as_str().unwrap().to_string();
            let row = &self
                .sql(
                    slug,
                    &format!(
                        "select count(*)::bigint as n, coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as sum from public.\"{name}\" t"
                    ),
                )
                .await[0];
            let n = row["n"]
                .as_i64()
                .unwrap_or_else(|| row["n"].as_str().unwrap().parse().unwrap());
            out.insert(name, (n, row["sum"].as_str().unwrap().to_string()));
        }
        out
    }

    fn cli(&self) -> Command {
        cli(&self.sim, &self.db)
    }
}

fn files(dir: &Path, files: &[(&str, &str)]) {
    let migrations = dir.join("supabase/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    for (name, sql) in files {
        std::fs::write(migrations.join(name), sql).unwrap();
    }
}

/// Runs the CLI, returns (exit code, stdout, stderr).
fn run(mut cmd: Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The roll-out a `--json` start printed last.
fn ended(stdout: &str) -> Value {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .rfind(|v| v["type"] == "rollout")
        .unwrap_or_else(|| panic!("no roll-out in:\n{stdout}"))["view"]
        .clone()
}

fn member<'a>(view: &'a Value, slug: &str) -> &'a Value {
    view["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} not in {view}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_applies_to_the_instances_behind_reports_drift_and_paused_and_applies_nothing_twice(
) {
    let Some(f) = fleet(
        "rollout",
        &[
            "Utrullning Ett AB",
            "Utrullning Två AB",
            "Utrullning Tre AB",
            "Glidit AB",
            "Pausad AB",
        ],
    )
    .await
    else {
        return;
    };
    let (drifted, paused) = (f.slugs[3].clone(), f.slugs[4].clone());
    // Someone made the invoices table by hand in one instance.
    f.sql(&drifted, "create table public.invoices (id int primary key); alter table public.invoices enable row level security").await;
    let pause = f
        .engine
        .run(
            &paused,
            &RunRequest::without_input(RunKind::Pause).unwrap(),
            Events::default().sink(),
        )
        .await
        .unwrap();
    assert_eq!(pause, RunState::Succeeded);
    // Delivered before templates had files: the history starts with the baseline.
    assert_eq!(f.history(&f.slugs[0]).await, ["20250101000000"]);

    let dir = tempfile::tempdir().unwrap();
    files(dir.path(), &[(INVOICES, INVOICES_SQL), (NOTES, NOTES_SQL)]);
    let dir_arg = dir.path().to_str().unwrap().to_string();

    // The plan applies nothing and shows who is skipped, and why, before anything runs.
    let mut plan = f.cli();
    plan.args(["rollout", "plan", "--dir", &dir_arg, "--json"]);
    let (code, out, err) = run(plan);
    assert_eq!(code, 3, "two instances are skipped: {out}{err}");
    let planned: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(member(&planned, &drifted)["state"], "skipped");
    assert_eq!(member(&planned, &paused)["state"], "skipped");
    assert_eq!(
        f.history(&f.slugs[0]).await,
        ["20250101000000"],
        "planning applies nothing"
    );
    let id = planned["rollout"]["id"].as_i64().unwrap();

    let mut start = f.cli();
    start.args(["rollout", "start", "--yes", "--json"]);
    let (code, out, err) = run(start);
    assert_eq!(code, 3, "{out}{err}");
    let view = ended(&out);
    assert_eq!(
        view["rollout"]["id"], id,
        "start continues the planned roll-out"
    );
    assert_eq!(view["rollout"]["state"], "done", "{view}");
    for slug in &f.slugs[..3] {
        let m = member(&view, slug);
        assert_eq!(m["state"], "done", "{m}");
        assert_eq!(m["version_after"], "20250602000000");
        assert_eq!(
            f.history(slug).await,
            ["20250101000000", "20250601000000", "20250602000000"]
        );
        let applied = f
            .sql(
                slug,
                "select version from public.applied_files order by version",
            )
            .await;
        assert_eq!(applied.len(), 2, "{slug}: each file once: {applied:?}");
    }
    let canary = view["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["wave"] == 0 && m["state"] == "done")
        .count();
    assert_eq!(canary, 1, "one canary in the first wave: {view}");
    let drift = member(&view, &drifted);
    assert_eq!(drift["state"], "skipped");
    assert!(
        drift["reason"]["en"]
            .as_str()
            .unwrap()
            .contains("public.invoices"),
        "{drift}"
    );
    assert_eq!(
        f.history(&drifted).await,
        ["20250101000000"],
        "drift is never forced"
    );
    let p = member(&view, &paused);
    assert_eq!(p["state"], "skipped");
    assert!(
        p["reason"]["en"].as_str().unwrap().contains("paused"),
        "{p}"
    );

    // Every instance that changed was backed up right before.
    let mut list = f.cli();
    list.args(["backup", "list", "--json"]);
    let (code, out, err) = run(list);
    assert_eq!(code, 0, "{out}{err}");
    let backups = databases(&out);
    for slug in &f.slugs[..3] {
        assert!(
            backups
                .iter()
                .any(|b| b["slug"] == *slug && b["reason"] == "before_migration"),
            "{slug} has a backup from before: {out}"
        );
    }

    // The schedule: only the active instance without a backup younger than a day is due.
    let mut due = f.cli();
    due.args(["backup", "create", "--due"]);
    let (code, out, err) = run(due);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("1 säkerhetskopior tagna"), "{err}");
    let mut list = f.cli();
    list.args(["backup", "list", &drifted, "--json"]);
    let scheduled = databases(&run(list).1);
    assert_eq!(scheduled.len(), 1);
    assert_eq!(scheduled[0]["reason"], "scheduled");
    let mut again = f.cli();
    again.args(["backup", "create", "--due"]);
    assert!(run(again).2.contains("0 säkerhetskopior tagna"));

    // A second start: a new roll-out over the same files that applies nothing.
    let mut again = f.cli();
    again.args(["rollout", "start", "--dir", &dir_arg, "--yes", "--json"]);
    let (_, out, err) = run(again);
    let second = ended(&out);
    assert_ne!(second["rollout"]["id"], id, "{err}");
    for slug in &f.slugs[..3] {
        assert_eq!(member(&second, slug)["state"], "done");
        assert_eq!(
            member(&second, slug)["run_id"],
            Value::Null,
            "no run: nothing to apply"
        );
        let applied = f
            .sql(slug, "select version from public.applied_files")
            .await;
        assert_eq!(applied.len(), 2, "{slug}: nothing applied twice");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_file_halts_the_rollout_at_the_canary_and_its_restore_brings_back_every_row() {
    let Some(f) = fleet(
        "rollout-halt",
        &["Kanarie AB", "Väntar Ett AB", "Väntar Två AB"],
    )
    .await
    else {
        return;
    };
    // Rows of the customer's own, in a table of the template.
    for slug in &f.slugs {
        f.sql(
            slug,
            "update public.organizations set name = name || ' – ändrad före'",
        )
        .await;
    }
    let before: Vec<_> =
        futures_util::future::join_all(f.slugs.iter().map(|s| f.checksums(s))).await;

    let dir = tempfile::tempdir().unwrap();
    files(
        dir.path(),
        &[
            (INVOICES, INVOICES_SQL),
            // Changes rows, then fails: the file's transaction takes its own change back, the
            // first file's stays, and only the backup brings the instance back.
            (
                "20250603000000_broken.sql",
                "update public.organizations set name = 'x';\nselect * from public.no_such_table;",
            ),
        ],
    );
    let mut start = f.cli();
    start.args([
        "rollout",
        "start",
        "--dir",
        dir.path().to_str().unwrap(),
        "--waves",
        "1,rest",
        "--yes",
        "--json",
    ]);
    let (code, out, err) = run(start);
    assert_eq!(code, 3, "{out}{err}");
    let view = ended(&out);
    assert_eq!(view["rollout"]["state"], "halted", "{view}");
    assert!(view["rollout"]["halt_reason"]["en"]
        .as_str()
        .unwrap()
        .contains("canary"));
    let canary = view["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["wave"] == 0)
        .unwrap()
        .clone();
    let canary_slug = canary["slug"].as_str().unwrap().to_string();
    assert_eq!(canary["state"], "failed");
    assert!(
        canary["reason"]["sv"]
            .as_str()
            .unwrap()
            .contains("no_such_table"),
        "the database's own error: {canary}"
    );
    // The next wave never started.
    for m in view["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["wave"] == 1)
    {
        assert_eq!(m["state"], "pending", "{m}");
        let slug = m["slug"].as_str().unwrap();
        assert_eq!(f.history(slug).await, ["20250101000000"]);
    }
    let i = f.slugs.iter().position(|s| *s == canary_slug).unwrap();
    assert_ne!(
        f.checksums(&canary_slug).await,
        before[i],
        "the first file changed the canary"
    );
    assert_eq!(
        f.history(&canary_slug).await,
        ["20250101000000", "20250601000000"],
        "the failed file left nothing, the one before it stays"
    );

    // The canary's backup from right before, restored with the slug typed.
    let mut list = f.cli();
    list.args(["backup", "list", &canary_slug, "--json"]);
    let (_, out, _) = run(list);
    let backups = databases(&out);
    let backup = backups
        .iter()
        .find(|b| b["reason"] == "before_migration")
        .unwrap_or_else(|| panic!("{out}"));
    let id = backup["id"].as_i64().unwrap().to_string();
    let mut wrong = f.cli();
    wrong.args([
        "backup",
        "restore",
        &canary_slug,
        "--backup",
        &id,
        "--confirm",
        "fel-kund",
    ]);
    let (code, _, err) = run(wrong);
    assert_ne!(code, 0);
    assert!(
        err.contains("not_confirmed") || err.contains("bekräfta"),
        "{err}"
    );
    // The wave put back as a whole: the canary's restore run takes its backup from right before.
    let rollout = view["rollout"]["id"].as_i64().unwrap().to_string();
    let mut restore = f.cli();
    restore.args(["rollout", "restore", &rollout, "--confirm", &rollout]);
    let (code, out, err) = run(restore);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("{canary_slug}: succeeded")), "{out}");
    let restores: Vec<Value> = {
        let mut list = f.cli();
        list.args(["backup", "list", &canary_slug, "--json"]);
        databases(&run(list).1)
    };
    assert!(
        restores.iter().any(|b| b["reason"] == "before_restore"),
        "what the restore replaced was backed up first"
    );
    assert_eq!(
        f.checksums(&canary_slug).await,
        before[i],
        "every row back, exactly"
    );
    assert_eq!(f.history(&canary_slug).await, ["20250101000000"]);
}

/// Puts a file on the template repository's default branch, as a person pushing to it would.
/// The database backups `fabrik backup list --json` prints (beside the workflow backups).
fn databases(out: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    v["databases"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{out}"))
}

async fn push_to_template(sim: &SimHandle, path: &str, text: &str) {
    use base64::Engine as _;
    let template = sim.seed().github_template.clone();
    let body = serde_json::json!({
        "message": format!("Add {path}"),
        "content": base64::engine::general_purpose::STANDARD.encode(text),
    });
    let r = reqwest::Client::new()
        .put(format!(
            "{}/repos/{template}/contents/{path}",
            sim.github_api_url()
        ))
        .bearer_auth(TOKEN)
        .header("User-Agent", "fabrik-test")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_instance_gets_the_template_repositorys_files_and_starts_current() {
    let Some(f) = fleet("rollout-template", &["Före Mallen AB"]).await else {
        return;
    };
    // The template repository gets a migrations folder: its first file is the schema Fabrik
    // carried (the baseline's version), then the invoices.
    let bundled = fabrik::provision::settings::BUNDLED_SCHEMA;
    push_to_template(
        &f.sim,
        "supabase/migrations/20250101000000_fabrik_template.sql",
        bundled,
    )
    .await;
    push_to_template(
        &f.sim,
        &format!("supabase/migrations/{INVOICES}"),
        INVOICES_SQL,
    )
    .await;

    let new = customer(&f.store, "Efter Mallen AB");
    let (_, state) = provision(&f.engine, &new).await;
    assert_eq!(state, RunState::Succeeded);
    assert_eq!(f.history(&new).await, ["20250101000000", "20250601000000"]);
    assert_eq!(
        f.sql(&new, "select version from public.applied_files")
            .await
            .len(),
        1
    );

    // The template at its default branch: the older instance is behind by one, the new one is
    // current and needs no run.
    let mut start = f.cli();
    start.args(["rollout", "start", "--yes", "--json"]);
    let (code, out, err) = run(start);
    assert_eq!(code, 0, "{out}{err}");
    let view = ended(&out);
    assert!(
        view["rollout"]["source"]
            .as_str()
            .unwrap()
            .starts_with("ref:"),
        "{view}"
    );
    assert_eq!(member(&view, &new)["run_id"], Value::Null);
    assert_eq!(member(&view, &f.slugs[0])["state"], "done");
    assert_eq!(
        f.history(&f.slugs[0]).await,
        ["20250101000000", "20250601000000"]
    );
}
