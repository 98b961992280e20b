//! One PostgreSQL database per simulated Supabase project: prepared like a Supabase database
//! (`auth` schema, `auth.uid()`, the API roles), made as a copy of one prepared template, copied
//! for a backup, replaced by a restore, and dropped with the project or the simulator.

use std::collections::HashSet;

use tokio_postgres::{Client, Config, NoTls};

use crate::pg_error::PgError;

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

async fn connect(cfg: &Config) -> Result<Client, PgError> {
    let (client, conn) = cfg.connect(NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!("fabrik-sim: postgres connection ended: {e}");
        }
    });
    Ok(client)
}
/// Whether the server holds a database of that name.
async fn database_exists(admin: &Client, name: &str) -> Result<bool, PgError> {
    let row = admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await?;
    Ok(row.is_some())
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
        let made = !database_exists(&admin, name).await?
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
        if database_exists(&admin, &name).await? {
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
            if !database_exists(&admin, &name).await? {
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

    /// A new connection to the project's database, made on first use.
    pub(crate) async fn client(&self, name: &str) -> Result<Client, PgError> {
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
}
