//! The simulated Supabase's SQL: parsed only, or run on a real PostgreSQL with auth users
//! mirrored; the migration history and atomic scripts on both.

use super::*;

#[tokio::test]
async fn sql_parse_only_records_tables_and_rls() {
    let sim = sim().await;
    let base = sim.supabase_api_url();
    let c = client();
    let r = create(&c, &base, "sqlproj").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let q = |sql: &str| post_sql(&c, &base, &r, sql);
    let (s, _, v) = json_of(q("SELECT 1").await.unwrap()).await;
    assert_eq!((s, v), (201, json!([{"?column?": 1}])));
    let (s, _, v) = json_of(q("create table public.todos (id uuid primary key, title text); alter table public.todos enable row level security;").await.unwrap()).await;
    assert_eq!((s, v), (201, json!([])));
    let (_, _, v) = json_of(
        q("select tablename, rowsecurity from pg_tables where schemaname = 'public'")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v, json!([{"tablename": "todos", "rowsecurity": true}]));
    let (s, _, v) = json_of(q("selec nonsense").await.unwrap()).await;
    assert_eq!(s, 400);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Failed to run sql query: ERROR:  42601: "),
        "{v}"
    );
    let (_, _, inv) = json_of(
        c.get(format!("{}/__sim/inventory", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(inv["sql"], "parsed_only");
    assert_eq!(inv["supabase"]["projects"][0]["tables"][0]["rls"], true);
    let (_, _, st) = json_of(
        c.get(format!("{}/__sim/status", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st["sql_executed"], false);
    sim.shutdown().await;
}

#[tokio::test]
async fn sql_runs_on_real_postgres_and_auth_users_are_mirrored() {
    let (pg, sim) = pg_sim().await;
    let base = sim.supabase_api_url();
    let c = client();
    let r = create(&c, &base, "pgproj").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let q = |sql: &str, params: Option<Value>| {
        let mut body = json!({"query": sql});
        if let Some(p) = params {
            body["parameters"] = p;
        }
        c.post(format!("{base}/v1/projects/{r}/database/query"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
    };
    let (s, _, v) = json_of(q("SELECT 1", None).await.unwrap()).await;
    assert_eq!((s, v), (201, json!([{"?column?": 1}])));
    let (s, _, v) = json_of(
        q("create table public.notes (id uuid primary key default gen_random_uuid(), owner uuid references auth.users(id), body text, n int);\
           alter table public.notes enable row level security;\
           create policy own on public.notes for select using (auth.uid() = owner);", None)
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((s, &v), (201, &json!([])), "{v}");
    let (s, _, v) = json_of(
        q(
            "insert into public.notes (body, n) values ($1, $2) returning body, n",
            Some(json!(["hello", 7])),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((s, v), (201, json!([{"body": "hello", "n": 7}])));
    let (_, _, v) = json_of(
        q(
            "select tablename, rowsecurity from pg_tables where schemaname = 'public'",
            None,
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v, json!([{"tablename": "notes", "rowsecurity": true}]));
    let (s, _, v) = json_of(q("select * from nope", None).await.unwrap()).await;
    assert_eq!(s, 400);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Failed to run sql query: ERROR:  42P01: relation \"nope\" does not exist\nLINE 1: select * from nope\n                      ^\n"),
        "{v}"
    );
    let (s, _, _) = json_of(
        c.post(format!("{base}/v1/projects/{r}/database/query"))
            .bearer_auth(TOKEN)
            .json(&json!({"query": "create table t2 (x int)", "read_only": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    let (_, _, v) = json_of(q("select auth.uid() is null as anonymous, (select rolbypassrls from pg_roles where rolname = 'service_role') as bypass", None).await.unwrap()).await;
    assert_eq!(v, json!([{"anonymous": true, "bypass": true}]));

    // Auth admin users land in auth.users.
    let keys = revealed_keys(&c, &base, &r).await;
    let service = keys[1]["api_key"].as_str().unwrap().to_string();
    let auth = format!("{}/auth/v1/admin/users", sim.supabase_project_url(&r));
    let (s, _, u) = json_of(
        c.post(&auth).header("apikey", &service).bearer_auth(&service).json(&json!({"email": "owner@acme.test", "password": "longpassword", "email_confirm": true})).send().await.unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{u}");
    let (_, _, v) = json_of(q("select email from auth.users", None).await.unwrap()).await;
    assert_eq!(v, json!([{"email": "owner@acme.test"}]));

    // Check the database directly, then deletion drops it.
    let (client_pg, conn) = tokio_postgres::connect(pg.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    // By the exact name: the tests share one server, and simulators with the same seed hand
    // out the same refs, so a pattern on the ref also finds a parallel test's database.
    let db = sim.project_database(&r).expect("executes SQL");
    let count = || {
        let (client_pg, db) = (&client_pg, &db);
        async move {
            let rows = client_pg
                .query("select datname from pg_database where datname = $1", &[db])
                .await
                .unwrap();
            rows.len()
        }
    };
    assert_eq!(count().await, 1);
    let (s, _, _) = json_of(
        c.delete(format!("{base}/v1/projects/{r}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(count().await, 0);
    let (_, _, st) = json_of(
        c.get(format!("{}/__sim/status", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st["sql"], "executed");
    sim.shutdown().await;
}

/// A simulator whose world is not saved leaves no database behind when it ends: a test run's
/// server (its data folder in memory) held every test's until the run's end. One whose world
/// is saved keeps its projects' databases for its next start.
#[tokio::test]
async fn a_simulator_without_a_saved_world_leaves_no_database_behind() {
    let pg = fabrik_sim::pg::TestCluster::shared().expect("postgres test cluster");
    let (admin, conn) = tokio_postgres::connect(pg.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let saved = tempfile::tempdir().unwrap();
    for state_file in [None, Some(saved.path().join("world.json"))] {
        let keeps = state_file.is_some();
        let sim = sim_with(SimConfig {
            database_url: Some(pg.url().to_string()),
            state_file,
            ..Default::default()
        })
        .await;
        let (base, c) = (sim.supabase_api_url(), client());
        let r = create(&c, &base, "ends").await["ref"]
            .as_str()
            .unwrap()
            .to_string();
        let (s, _, _) = json_of(
            c.post(format!("{base}/v1/projects/{r}/database/query"))
                .bearer_auth(TOKEN)
                .json(&json!({"query": "create table kept (id int)"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 201);
        let db = sim.project_database(&r).unwrap();
        let there = || {
            let (admin, db) = (&admin, &db);
            async move {
                admin
                    .query_opt("select 1 from pg_database where datname = $1", &[db])
                    .await
                    .unwrap()
                    .is_some()
            }
        };
        assert!(there().await);
        drop(sim);
        assert_eq!(there().await, keeps, "saved world: {keeps}");
        if keeps {
            admin
                .batch_execute(&format!("drop database \"{db}\" with (force)"))
                .await
                .unwrap();
        }
    }
}

const HISTORY_DDL: &str = "CREATE SCHEMA IF NOT EXISTS supabase_migrations; \
    CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text);";
const HISTORY_READ: &str =
    "select version, name from supabase_migrations.schema_migrations order by version";

/// One migration file applied as Fabrik applies it: one query text, one transaction.
/// A client that goes away mid-request leaves Auth as GoTrue would: every user Auth lists has
/// its row in `auth.users`, so a foreign key to it holds (a process killed mid-step in the crash
/// test met a user Auth had and its database did not).
#[tokio::test]
async fn an_auth_user_has_its_row_even_when_its_client_went_away() {
    let (_pg, sim) = pg_sim().await;
    let base = sim.supabase_api_url();
    let c = client();
    let r = create(&c, &base, "gone").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let sql = |query: &str| {
        c.post(format!("{base}/v1/projects/{r}/database/query"))
            .bearer_auth(TOKEN)
            .json(&json!({ "query": query }))
            .send()
    };
    let (s, _, v) = json_of(sql("select 1").await.unwrap()).await;
    assert_eq!(s, 201, "{v}");
    let keys = revealed_keys(&c, &base, &r).await;
    let service = keys[1]["api_key"].as_str().unwrap().to_string();
    let auth = format!("{}/auth/v1/admin/users", sim.supabase_project_url(&r));
    // Clients that give up after a fraction of a millisecond to a few: some before Auth
    // answered, some while it wrote the user.
    for i in 0..48u64 {
        let impatient = reqwest::Client::builder()
            .timeout(std::time::Duration::from_micros(300 + 200 * (i % 24)))
            .build()
            .unwrap();
        let user = json!({"email": format!("u{i}@gone.test"), "password": "longpassword"});
        let sent = impatient
            .post(&auth)
            .header("apikey", &service)
            .bearer_auth(&service);
        let _ = sent.json(&user).send().await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let (s, _, listed) = json_of(
        c.get(format!("{auth}?per_page=100"))
            .header("apikey", &service)
            .bearer_auth(&service)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{listed}");
    let listed: Vec<String> = listed["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect();
    let (_, _, rows) = json_of(sql("select email from auth.users").await.unwrap()).await;
    let stored: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect();
    let missing: Vec<&String> = listed.iter().filter(|e| !stored.contains(e)).collect();
    assert!(
        missing.is_empty(),
        "Auth has {} users, {} of them without a row: {missing:?}",
        listed.len(),
        missing.len()
    );
    sim.shutdown().await;
}

fn migration_script(version: &str, name: &str, body: &str) -> String {
    format!(
        "BEGIN;\nSELECT pg_advisory_xact_lock(727272);\n{body};\n\
         INSERT INTO supabase_migrations.schema_migrations (version, name, statements) \
         VALUES ('{version}', '{name}', ARRAY[$fabrik_q1$ {body} $fabrik_q1$]);\nCOMMIT;"
    )
}

/// The roll-out story on one project, asserted the same way on PostgreSQL and on the parse-only
/// executor: the history table, applied migrations, a failing script and a duplicate version
/// that each leave nothing behind, and the error answer's shape. Returns the project's ref.
async fn migration_history_story(sim: &fabrik_sim::SimHandle) -> String {
    let base = sim.supabase_api_url();
    let c = client();
    let r = create(&c, &base, "history").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let q = |sql: String| post_sql(&c, &base, &r, &sql);
    let tables = || async {
        json_of(
            q(
                "select tablename from pg_tables where schemaname = 'public' order by tablename"
                    .into(),
            )
            .await
            .unwrap(),
        )
        .await
        .2
    };
    // Reading the history before it exists is PostgreSQL's 42P01.
    let (s, _, v) = json_of(q(HISTORY_READ.into()).await.unwrap()).await;
    assert_eq!(s, 400, "{v}");
    assert!(
        v["message"].as_str().unwrap().starts_with(
            "Failed to run sql query: ERROR:  42P01: relation \"supabase_migrations.schema_migrations\" does not exist"
        ),
        "{v}"
    );
    for _ in 0..2 {
        let (s, _, v) = json_of(q(HISTORY_DDL.into()).await.unwrap()).await;
        assert_eq!((s, &v), (201, &json!([])), "{v}");
    }
    for (version, name, body) in [
        (
            "20250101000000",
            "init",
            "create table public.accounts (id uuid primary key)",
        ),
        (
            "20250202000000",
            "notes",
            "create table public.notes (id int primary key, body text)",
        ),
    ] {
        let (s, _, v) = json_of(q(migration_script(version, name, body)).await.unwrap()).await;
        assert_eq!((s, &v), (201, &json!([])), "{v}");
    }
    let (s, _, v) = json_of(q(HISTORY_READ.into()).await.unwrap()).await;
    assert_eq!(
        (s, v),
        (
            201,
            json!([{"version": "20250101000000", "name": "init"}, {"version": "20250202000000", "name": "notes"}])
        )
    );

    // A statement failing after others: nothing of the script stays, no history row.
    let (s, _, v) = json_of(
        q(migration_script(
            "20250303000000",
            "broken",
            "create table public.tags (id int); alter table public.missing enable row level security",
        ))
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    let obj = v.as_object().unwrap();
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["message"], "{v}");
    assert!(
        v["message"].as_str().unwrap().starts_with(
            "Failed to run sql query: ERROR:  42P01: relation \"public.missing\" does not exist\n"
        ),
        "{v}"
    );
    assert_eq!(
        tables().await,
        json!([{"tablename": "accounts"}, {"tablename": "notes"}])
    );

    // A version already applied: the whole transaction fails with the primary key's 23505.
    let (s, _, v) = json_of(
        q(migration_script(
            "20250202000000",
            "again",
            "create table public.again (id int)",
        ))
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    let msg = v["message"].as_str().unwrap();
    assert!(
        msg.starts_with(
            "Failed to run sql query: ERROR:  23505: duplicate key value violates unique constraint \"schema_migrations_pkey\"\n"
        ) && msg.contains("DETAIL:  Key (version)=(20250202000000) already exists.\n"),
        "{v}"
    );
    assert_eq!(
        tables().await,
        json!([{"tablename": "accounts"}, {"tablename": "notes"}])
    );
    let (_, _, v) = json_of(q(HISTORY_READ.into()).await.unwrap()).await;
    assert_eq!(v.as_array().unwrap().len(), 2, "{v}");
    r
}

#[tokio::test]
async fn migration_history_and_atomic_scripts_without_postgres() {
    let sim = sim().await;
    assert!(!sim.executes_sql());
    migration_history_story(&sim).await;
    sim.shutdown().await;
}

#[tokio::test]
async fn migration_history_atomic_scripts_and_errors_on_postgres() {
    let (_pg, sim) = pg_sim().await;
    let r = migration_history_story(&sim).await;
    let base = sim.supabase_api_url();
    let c = client();
    let q = |sql: &str| {
        c.post(format!("{base}/v1/projects/{r}/database/query"))
            .bearer_auth(TOKEN)
            .json(&json!({ "query": sql }))
            .send()
    };
    // The error carries the server's own text: the line and a caret under the position, and
    // the CONTEXT of an error raised inside a function.
    let (s, _, v) = json_of(
        q("begin;\ninsert into public.notes (id, body) values (1, 'a');\nselect nope from public.notes;\ncommit;")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(
        v["message"],
        "Failed to run sql query: ERROR:  42703: column \"nope\" does not exist\nLINE 3: select nope from public.notes;\n               ^\n",
    );
    let (s, _, v) = json_of(
        q("do $$ begin raise exception using errcode = 'P0001', message = 'stop here', hint = 'look'; end $$")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    let msg = v["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Failed to run sql query: ERROR:  P0001: stop here\nHINT:  look\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at RAISE"),
        "{v}"
    );
    // The rolled-back insert left nothing, the next script runs, and no session of the
    // project's database is left inside a transaction.
    let (s, _, v) = json_of(
        q("select count(*)::int as n from public.notes")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v), (201, json!([{"n": 0}])));
    let (_, _, v) = json_of(
        q("select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v, json!([{"n": 0}]));
    // The history table is PostgreSQL's own: its columns as the Supabase CLI creates them.
    let (_, _, v) = json_of(
        q("select column_name, data_type from information_schema.columns where table_schema = 'supabase_migrations' and table_name = 'schema_migrations' order by ordinal_position")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        v,
        json!([
            {"column_name": "version", "data_type": "text"},
            {"column_name": "statements", "data_type": "ARRAY"},
            {"column_name": "name", "data_type": "text"}
        ])
    );
    let (_, _, v) = json_of(
        q("select statements from supabase_migrations.schema_migrations where version = '20250101000000'")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        v,
        json!([{"statements": [" create table public.accounts (id uuid primary key) "]}])
    );
    sim.shutdown().await;
}
