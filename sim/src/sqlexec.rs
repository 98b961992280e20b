//! Executes project SQL on a real PostgreSQL server: one database per simulated Supabase project,
//! prepared like a Supabase database (`auth` schema, `auth.uid()`, the API roles).
//!
//! Result rendering: a single SELECT (or `VALUES`/`WITH ... SELECT`) is wrapped in
//! `json_agg` so every column keeps its JSON type (`SELECT 1` → `[{"?column?": 1}]`, as recorded);
//! anything else (DDL, DML, several statements) runs as one simple-protocol script and the rows of
//! the last statement come back with every value as text (or `[]` when it returns no rows).
//!
//! A script runs as PostgreSQL runs a simple-protocol query string: without `BEGIN` it is one
//! implicit transaction; with `BEGIN; …; COMMIT;` an error anywhere rolls all of it back. After
//! an error the connection is rolled back before it is released, so no aborted transaction is
//! left behind. Errors are rendered as Supabase's API (postgres-meta) renders them, psql-style:
//! `ERROR:  42P01: relation "x" does not exist`, then `LINE n:` with a caret, `DETAIL:`, `HINT:`,
//! `QUERY:` and `CONTEXT:` lines when the server sent them.

use std::collections::HashSet;

use serde_json::Value;
use tokio_postgres::types::{Format, IsNull, ToSql, Type};
use tokio_postgres::{Client, Config, NoTls, SimpleQueryMessage};

/// Roles every Supabase cluster has. Created once per server; concurrent creation is tolerated.
const ROLES_SQL: &str = r#"
DO $$ BEGIN CREATE ROLE anon NOLOGIN NOINHERIT; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE authenticated NOLOGIN NOINHERIT; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
"#;

/// Per-database preparation, modelled on Supabase's `auth` schema (only what policies and
/// foreign keys of an app schema commonly use).
const PREPARE_SQL: &str = r#"
CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE TABLE IF NOT EXISTS auth.users (
    instance_id uuid,
    id uuid PRIMARY KEY,
    aud varchar(255),
    role varchar(255),
    email varchar(255) UNIQUE,
    encrypted_password varchar(255),
    email_confirmed_at timestamptz,
    phone text UNIQUE,
    phone_confirmed_at timestamptz,
    last_sign_in_at timestamptz,
    raw_app_meta_data jsonb,
    raw_user_meta_data jsonb,
    is_super_admin boolean,
    created_at timestamptz DEFAULT now(),
    updated_at timestamptz DEFAULT now(),
    banned_until timestamptz,
    deleted_at timestamptz,
    is_anonymous boolean NOT NULL DEFAULT false
);
-- Invitation and one-time-link columns (added here too for databases prepared before them).
ALTER TABLE auth.users ADD COLUMN IF NOT EXISTS invited_at timestamptz;
ALTER TABLE auth.users ADD COLUMN IF NOT EXISTS confirmation_token varchar(255);
ALTER TABLE auth.users ADD COLUMN IF NOT EXISTS confirmation_sent_at timestamptz;
ALTER TABLE auth.users ADD COLUMN IF NOT EXISTS recovery_token varchar(255);
ALTER TABLE auth.users ADD COLUMN IF NOT EXISTS recovery_sent_at timestamptz;
-- How a user signs in (GoTrue's `auth.identities`: one row per provider, the e-mail's own).
CREATE TABLE IF NOT EXISTS auth.identities (
    provider_id text NOT NULL,
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    identity_data jsonb NOT NULL,
    provider text NOT NULL,
    last_sign_in_at timestamptz,
    created_at timestamptz,
    updated_at timestamptz,
    email text GENERATED ALWAYS AS (lower(identity_data ->> 'email')) STORED,
    id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    CONSTRAINT identities_provider_id_provider_unique UNIQUE (provider_id, provider)
);
CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
CREATE OR REPLACE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
CREATE OR REPLACE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
-- Supabase Storage's objects (the columns usage reads: the size is in `metadata`).
CREATE SCHEMA IF NOT EXISTS storage;
CREATE TABLE IF NOT EXISTS storage.objects (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    bucket_id text,
    name text,
    owner uuid,
    created_at timestamptz DEFAULT now(),
    updated_at timestamptz DEFAULT now(),
    last_accessed_at timestamptz DEFAULT now(),
    metadata jsonb
);
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA auth TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
"#;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PgError(pub String);

impl From<tokio_postgres::Error> for PgError {
    fn from(e: tokio_postgres::Error) -> Self {
        PgError(format_pg_error(&e))
    }
}

/// The error as Supabase puts it after "Failed to run sql query: " (postgres-meta's
/// `formattedError`), without the `LINE` excerpt (see [`format_pg_error_in`]).
pub fn format_pg_error(e: &tokio_postgres::Error) -> String {
    format_pg_error_in(e, "", "")
}

/// `ERROR:  42P01: relation "x" does not exist\nLINE 1: select * from x\n   ^\n` and the
/// server's `DETAIL`/`HINT`/`QUERY`/`CONTEXT` lines, as postgres-meta formats an error for the
/// Management API. `sent` is the text the server ran and `shown` the caller's query: a position
/// in `sent` (e.g. inside the `json_agg` wrapper) is moved to the same spot of `shown`.
pub fn format_pg_error_in(e: &tokio_postgres::Error, sent: &str, shown: &str) -> String {
    use tokio_postgres::error::ErrorPosition;
    let Some(db) = e.as_db_error() else {
        return format!("ERROR:  {e}\n");
    };
    let mut out = format!(
        "{}:  {}: {}\n",
        db.severity(),
        db.code().code(),
        db.message()
    );
    if let Some(ErrorPosition::Original(p)) = db.position() {
        if let Some(pos) = position_in(sent, shown, *p as usize) {
            // postgres-meta's rendering: the line holding the (1-based) position and a caret.
            let mut offset = 0usize;
            for (i, line) in shown.split('\n').enumerate() {
                let len = line.chars().count();
                if offset + len > pos {
                    let n = i + 1;
                    let pad = 5 + n.to_string().len() + 2 + (pos - offset);
                    out.push_str(&format!("LINE {n}: {line}\n{}^\n", " ".repeat(pad)));
                    break;
                }
                offset += len + 1;
            }
        }
    }
    if let Some(d) = db.detail() {
        out.push_str(&format!("DETAIL:  {d}\n"));
    }
    if let Some(h) = db.hint() {
        out.push_str(&format!("HINT:  {h}\n"));
    }
    if let Some(ErrorPosition::Internal { query, .. }) = db.position() {
        out.push_str(&format!("QUERY:  {query}\n"));
    }
    if let Some(w) = db.where_() {
        out.push_str(&format!("CONTEXT:  {w}\n"));
    }
    out
}

/// A 1-based character position in `sent` as a 0-based one in `shown`, when `shown`'s trimmed
/// text appears in `sent` and the position falls inside it.
fn position_in(sent: &str, shown: &str, p: usize) -> Option<usize> {
    let body = shown.trim().trim_end_matches(';').trim_end();
    if body.is_empty() || p == 0 {
        return None;
    }
    let in_sent = sent.find(body).map(|b| sent[..b].chars().count())?;
    let in_shown = shown.find(body).map(|b| shown[..b].chars().count())?;
    let rel = (p - 1).checked_sub(in_sent)?;
    (rel < body.chars().count()).then_some(in_shown + rel)
}

pub struct PgBackend {
    admin: Config,
    prepared: tokio::sync::Mutex<HashSet<String>>,
    /// The prepared database every new project's is copied from (made once per server).
    template: tokio::sync::OnceCell<String>,
    /// ` STRATEGY FILE_COPY` where the server has it (PostgreSQL 15 and later): a copy of the
    /// template's files, where the default writes every page of it to the WAL as well. On a
    /// data folder in memory a project's database is then made in about 9 ms instead of 43.
    copy_strategy: &'static str,
}

/// A query parameter sent in PostgreSQL's text format, so the server converts it to whatever type
/// the statement expects (uuid, int, jsonb, ...) exactly as it would a literal.
#[derive(Debug)]
struct TextParam(Option<String>);

impl ToSql for TextParam {
    fn to_sql(
        &self,
        _ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match &self.0 {
            Some(s) => {
                out.extend_from_slice(s.as_bytes());
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }
    fn accepts(_ty: &Type) -> bool {
        true
    }
    fn encode_format(&self, _ty: &Type) -> Format {
        Format::Text
    }
    tokio_postgres::types::to_sql_checked!();
}

fn text_param(v: &Value) -> TextParam {
    TextParam(match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    })
}

async fn connect(cfg: &Config) -> Result<Client, PgError> {
    let (client, conn) = cfg.connect(NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!("fabrik-sim: postgres connection ended: {e}");
        }
    });
    Ok(client)
}

impl PgBackend {
    /// Connects as the given (super)user and creates the cluster-wide roles.
    pub async fn connect(url: &str) -> Result<PgBackend, PgError> {
        let admin: Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| PgError(e.to_string()))?;
        let client = connect(&admin).await?;
        client.batch_execute(ROLES_SQL).await?;
        let version: i32 = client
            .query_one("SELECT current_setting('server_version_num')::int", &[])
            .await?
            .get(0);
        Ok(PgBackend {
            admin,
            prepared: tokio::sync::Mutex::new(HashSet::new()),
            template: tokio::sync::OnceCell::new(),
            copy_strategy: if version >= 150000 {
                " STRATEGY FILE_COPY"
            } else {
                ""
            },
        })
    }

    /// Database name of a project: unique per simulator instance, so simulators can share a server.
    pub fn db_name(&self, instance: &str, project_ref: &str) -> String {
        format!("fabrik_sim_{instance}_{project_ref}")
    }

    /// Creates the project's database on first use, as a copy of the prepared template; one
    /// that was there already (a simulator started again on its saved world) is prepared again,
    /// which adds what a newer preparation has.
    pub async fn ensure_db(&self, name: &str) -> Result<(), PgError> {
        let mut prepared = self.prepared.lock().await;
        if prepared.contains(name) {
            return Ok(());
        }
        let template = self
            .template
            .get_or_try_init(|| self.make_template())
            .await?;
        let admin = connect(&self.admin).await?;
        let exists = admin
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
            .await?
            .is_some();
        let made = !exists
            && match admin
                .batch_execute(&format!(
                    "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"{}",
                    self.copy_strategy
                ))
                .await
            {
                Ok(()) => true,
                Err(e) => {
                    // Another session may have created it meanwhile: PostgreSQL says so with
                    // 42P04, or, when the two creations race in its catalog, with 23505 on
                    // pg_database_datname_index.
                    use tokio_postgres::error::SqlState;
                    let raced = [SqlState::DUPLICATE_DATABASE, SqlState::UNIQUE_VIOLATION];
                    if !e.code().is_some_and(|c| raced.contains(c)) {
                        return Err(e.into());
                    }
                    false
                }
            };
        if !made {
            let mut cfg = self.admin.clone();
            cfg.dbname(name);
            connect(&cfg).await?.batch_execute(PREPARE_SQL).await?;
        }
        prepared.insert(name.to_string());
        Ok(())
    }

    /// The template for this preparation (its name carries a hash of `PREPARE_SQL`, so a
    /// server kept across versions gets a new one): made under a name of its own, prepared, and
    /// renamed; a simulator that lost the race to another one drops its own.
    async fn make_template(&self) -> Result<String, PgError> {
        let hash = PREPARE_SQL.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        let name = format!("fabrik_sim_template_{hash:016x}");
        let admin = connect(&self.admin).await?;
        let has = |n: String| {
            let admin = &admin;
            async move {
                admin
                    .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&n])
                    .await
                    .map(|r| r.is_some())
            }
        };
        if has(name.clone()).await? {
            return Ok(name);
        }
        let building = format!("{name}_{:08x}", rand::random::<u32>());
        admin
            .batch_execute(&format!("CREATE DATABASE \"{building}\""))
            .await?;
        let mut cfg = self.admin.clone();
        cfg.dbname(&building);
        connect(&cfg).await?.batch_execute(PREPARE_SQL).await?;
        let mut renamed = Err(PgError("the template could not be renamed".into()));
        for _ in 0..20 {
            // The preparing session may still be ending; a rename waits for none.
            admin
                .execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    &[&building],
                )
                .await?;
            match admin
                .batch_execute(&format!(
                    "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
                ))
                .await
            {
                Ok(()) => {
                    renamed = Ok(());
                    break;
                }
                Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::OBJECT_IN_USE) => {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                Err(e) => {
                    renamed = Err(e.into());
                    break;
                }
            }
        }
        if renamed.is_err() {
            admin
                .batch_execute(&format!(
                    "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
                ))
                .await?;
            if !has(name.clone()).await? {
                renamed?;
            }
        }
        Ok(name)
    }

    /// How the simulator connects as the server's administrator.
    pub fn admin(&self) -> Config {
        self.admin.clone()
    }

    /// Drops every database of the simulator `instance` (its projects and their copies): the
    /// end of a simulator whose world is not saved, so nothing can reach them again.
    pub async fn drop_instance(admin: &Config, instance: &str) -> Result<(), PgError> {
        let admin = connect(admin).await?;
        let prefix = format!("fabrik_sim_{instance}_");
        let rows = admin
            .query(
                "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
                &[&prefix],
            )
            .await?;
        for row in rows {
            let name: String = row.get(0);
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await?;
        }
        Ok(())
    }

    async fn client(&self, name: &str) -> Result<Client, PgError> {
        self.ensure_db(name).await?;
        let mut cfg = self.admin.clone();
        cfg.dbname(name);
        connect(&cfg).await
    }

    /// Drops the project's database (terminating its sessions).
    pub async fn drop_db(&self, name: &str) -> Result<(), PgError> {
        self.prepared.lock().await.remove(name);
        let admin = connect(&self.admin).await?;
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await?;
        Ok(())
    }

    /// `CREATE DATABASE copy TEMPLATE source`: a copy of the project's database as it is now.
    /// PostgreSQL refuses a template with sessions on it, so the source's sessions (the
    /// simulator opens one per request) are ended first, and the copy tried again a few times
    /// when a new one came in meanwhile.
    pub async fn copy_db(&self, source: &str, copy: &str) -> Result<(), PgError> {
        self.ensure_db(source).await?;
        let admin = connect(&self.admin).await?;
        let mut last = None;
        for _ in 0..20 {
            admin
                .execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                    &[&source],
                )
                .await?;
            match admin
                .batch_execute(&format!(
                    "CREATE DATABASE \"{copy}\" TEMPLATE \"{source}\"{}",
                    self.copy_strategy
                ))
                .await
            {
                Ok(()) => return Ok(()),
                Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::OBJECT_IN_USE) => {
                    last = Some(e);
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(last
            .map(PgError::from)
            .unwrap_or_else(|| PgError("the copy did not start".into())))
    }

    /// The project's database replaced by a copy of `snapshot` (the snapshot stays): its
    /// sessions ended, the database dropped and made again from the snapshot.
    pub async fn replace_db(&self, target: &str, snapshot: &str) -> Result<(), PgError> {
        let mut prepared = self.prepared.lock().await;
        let admin = connect(&self.admin).await?;
        admin
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{target}\" WITH (FORCE)"
            ))
            .await?;
        admin
            .batch_execute(&format!(
                "CREATE DATABASE \"{target}\" TEMPLATE \"{snapshot}\"{}",
                self.copy_strategy
            ))
            .await?;
        // The snapshot was taken of a prepared database: the copy is prepared too.
        prepared.insert(target.to_string());
        Ok(())
    }

    /// Runs a query and renders the result as Supabase does (array of row objects).
    pub async fn run(
        &self,
        db: &str,
        query: &str,
        params: &[Value],
        read_only: bool,
    ) -> Result<Value, String> {
        let client = self.client(db).await.map_err(|e| e.0)?;
        if read_only {
            client
                .batch_execute("BEGIN READ ONLY")
                .await
                .map_err(|e| format_pg_error(&e))?;
        }
        let result = self.run_in(&client, query, params).await;
        if read_only && result.is_ok() {
            let _ = client.batch_execute("COMMIT").await;
        } else if result.is_err() {
            // A failed `BEGIN; …; COMMIT;` script leaves the session in an aborted transaction
            // (the server skips the rest of the string, COMMIT included): end it here, so the
            // connection never carries it further. Outside a transaction this is only a warning.
            let _ = client.batch_execute("ROLLBACK").await;
        }
        result
    }

    async fn run_in(
        &self,
        client: &Client,
        query: &str,
        params: &[Value],
    ) -> Result<Value, String> {
        let kind = crate::sqlparse::classify(query);
        let body = query.trim().trim_end_matches(';').trim_end();
        let wrapped = match kind {
            crate::sqlparse::Kind::SingleSelect => Some(format!(
                "SELECT coalesce(json_agg(t), '[]'::json) FROM (\n{body}\n) t"
            )),
            crate::sqlparse::Kind::SingleReturning => Some(format!(
                "WITH t AS (\n{body}\n) SELECT coalesce(json_agg(t), '[]'::json) FROM t"
            )),
            _ => None,
        };
        let text_params: Vec<TextParam> = params.iter().map(text_param).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = text_params
            .iter()
            .map(|p| p as &(dyn ToSql + Sync))
            .collect();
        if let Some(sql) = wrapped {
            match client.query_one(&sql, &refs).await {
                Ok(row) => return row.try_get::<_, Value>(0).map_err(|e| format_pg_error(&e)),
                // The wrapper itself can be the problem (e.g. a trailing comment): fall through.
                Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::SYNTAX_ERROR) => {}
                Err(e) => return Err(format_pg_error_in(&e, &sql, query)),
            }
        }
        if !params.is_empty() {
            client
                .execute(body, &refs)
                .await
                .map_err(|e| format_pg_error_in(&e, body, query))?;
            return Ok(Value::Array(vec![]));
        }
        let messages = client
            .simple_query(query)
            .await
            .map_err(|e| format_pg_error_in(&e, query, query))?;
        let mut current: Vec<Value> = vec![];
        let mut last: Vec<Value> = vec![];
        for m in messages {
            match m {
                SimpleQueryMessage::Row(row) => {
                    let mut obj = serde_json::Map::new();
                    for (i, col) in row.columns().iter().enumerate() {
                        let v = row
                            .get(i)
                            .map(|s| Value::String(s.to_string()))
                            .unwrap_or(Value::Null);
                        obj.insert(col.name().to_string(), v);
                    }
                    current.push(Value::Object(obj));
                }
                SimpleQueryMessage::CommandComplete(_) => last = std::mem::take(&mut current),
                _ => {}
            }
        }
        Ok(Value::Array(last))
    }

    /// Reads `public.<table>` as PostgREST runs a request: in a transaction, as `role`, with the
    /// JWT's claims in `request.jwt.claims` (so `auth.uid()` and row-level security apply).
    /// `table` must be a plain identifier (the caller checks). `Err` is (SQLSTATE, message).
    pub async fn select_as(
        &self,
        db: &str,
        role: &str,
        claims: &Value,
        table: &str,
    ) -> Result<Value, (String, String)> {
        let fail = |e: tokio_postgres::Error| {
            let code = e.code().map(|c| c.code().to_string()).unwrap_or_default();
            (code, format_pg_error(&e))
        };
        let mut client = self
            .client(db)
            .await
            .map_err(|e| ("08000".to_string(), e.0))?;
        let tx = client.transaction().await.map_err(fail)?;
        tx.batch_execute(&format!("SET LOCAL ROLE \"{role}\""))
            .await
            .map_err(fail)?;
        let claims = claims.to_string();
        tx.execute(
            "SELECT set_config('request.jwt.claims', $1, true)",
            &[&claims],
        )
        .await
        .map_err(fail)?;
        let row = tx
            .query_one(
                &format!("SELECT coalesce(json_agg(t), '[]'::json) FROM public.\"{table}\" t"),
                &[],
            )
            .await
            .map_err(fail)?;
        let rows: Value = row.try_get(0).map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        Ok(rows)
    }

    /// Mirrors an Auth user into `auth.users`: inserted the first time, its Auth-owned columns
    /// updated afterwards (confirmation, invitation, ban, sign-in, metadata, one-time tokens).
    /// `user` is the user as GoTrue answers it; a `None` password keeps the one stored.
    pub async fn upsert_auth_user(
        &self,
        db: &str,
        user: &Value,
        encrypted_password: Option<&str>,
        tokens: AuthTokens<'_>,
    ) -> Result<(), PgError> {
        let client = self.client(db).await?;
        let p = |k: &str| text_param(user.get(k).unwrap_or(&Value::Null));
        let own = |v: Option<&str>| TextParam(v.map(str::to_string));
        let args = [
            p("id"),
            p("aud"),
            p("role"),
            p("email"),
            own(encrypted_password),
            p("email_confirmed_at"),
            p("phone"),
            p("app_metadata"),
            p("user_metadata"),
            p("created_at"),
            p("updated_at"),
            p("invited_at"),
            p("confirmation_sent_at"),
            own(tokens.confirmation_token),
            p("recovery_sent_at"),
            own(tokens.recovery_token),
            p("banned_until"),
            p("last_sign_in_at"),
        ];
        let refs: Vec<&(dyn ToSql + Sync)> =
            args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        client
            .execute(
                "INSERT INTO auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, phone, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, \
                   invited_at, confirmation_sent_at, confirmation_token, recovery_sent_at, recovery_token, banned_until, last_sign_in_at) \
                 VALUES ($1::uuid, $2, $3, $4, $5, $6::timestamptz, nullif($7, ''), $8::jsonb, $9::jsonb, $10::timestamptz, $11::timestamptz, \
                   $12::timestamptz, $13::timestamptz, $14, $15::timestamptz, $16, $17::timestamptz, $18::timestamptz) \
                 ON CONFLICT (id) DO UPDATE SET email = excluded.email, \
                   encrypted_password = coalesce(excluded.encrypted_password, auth.users.encrypted_password), \
                   email_confirmed_at = excluded.email_confirmed_at, raw_app_meta_data = excluded.raw_app_meta_data, \
                   raw_user_meta_data = excluded.raw_user_meta_data, updated_at = excluded.updated_at, \
                   invited_at = excluded.invited_at, confirmation_sent_at = excluded.confirmation_sent_at, \
                   confirmation_token = excluded.confirmation_token, recovery_sent_at = excluded.recovery_sent_at, \
                   recovery_token = excluded.recovery_token, banned_until = excluded.banned_until, \
                   last_sign_in_at = excluded.last_sign_in_at",
                &refs,
            )
            .await?;
        // GoTrue gives a user with an e-mail its `email` identity when it makes the user.
        client
            .execute(
                "INSERT INTO auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at) \
                 SELECT $1::text, $1::text::uuid, jsonb_build_object('sub', $1::text, 'email', $2::text, 'email_verified', false), 'email', now(), now() \
                 WHERE nullif($2::text, '') IS NOT NULL ON CONFLICT (provider_id, provider) DO NOTHING",
                &[&args[0], &args[3]],
            )
            .await?;
        Ok(())
    }

    /// The user GoTrue signs in by e-mail, read from `auth.users` (its own table is what it
    /// trusts): id, stored password hash, confirmed, banned until (unix ms), metadata, role, aud,
    /// created (unix ms). `None` when no row has the address.
    pub async fn auth_user_by_email(
        &self,
        db: &str,
        email: &str,
    ) -> Result<Option<Value>, PgError> {
        let client = self.client(db).await?;
        let row = client
            .query_opt(
                "SELECT json_build_object('id', id::text, 'hash', encrypted_password, \
                   'confirmed_ms', (extract(epoch FROM email_confirmed_at) * 1000)::bigint, \
                   'banned_until_ms', (extract(epoch FROM banned_until) * 1000)::bigint, \
                   'app_metadata', coalesce(raw_app_meta_data, '{}'), 'user_metadata', coalesce(raw_user_meta_data, '{}'), \
                   'role', role, 'aud', aud, 'email', email, \
                   'created_ms', (extract(epoch FROM created_at) * 1000)::bigint) \
                 FROM auth.users WHERE lower(email) = lower($1) LIMIT 1",
                &[&email],
            )
            .await?;
        Ok(row.map(|r| r.get::<_, Value>(0)))
    }
}

/// A user's pending one-time tokens (hashes), mirrored as GoTrue keeps them in `auth.users`.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthTokens<'a> {
    pub confirmation_token: Option<&'a str>,
    pub recovery_token: Option<&'a str>,
}
