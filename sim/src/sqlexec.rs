//! Executes project SQL on a real PostgreSQL server, in the project's own database
//! (`pgdb.rs`).
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

use serde_json::Value;
use tokio_postgres::types::{Format, IsNull, ToSql, Type};
use tokio_postgres::{Client, SimpleQueryMessage};

pub use crate::pg_error::{format_pg_error, format_pg_error_in, PgError};
pub use crate::pgdb::PgBackend;

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

/// How a query may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Write,
    /// The request's `read_only`: one read-only transaction.
    Read,
    /// A free project past its plan's database size is locked read-only (Supabase: "Database
    /// size › Free Plan behavior"): every transaction is read-only unless the query opens
    /// one of its own with `set transaction read write` to free space.
    Locked,
}

impl PgBackend {
    /// Runs a query and renders the result as Supabase does (array of row objects).
    pub async fn run(
        &self,
        db: &str,
        query: &str,
        params: &[Value],
        access: Access,
    ) -> Result<Value, String> {
        let client = self.client(db).await.map_err(|e| e.0)?;
        let begin = match access {
            Access::Write => None,
            Access::Read => Some("BEGIN READ ONLY"),
            Access::Locked => Some("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"),
        };
        if let Some(begin) = begin {
            client
                .batch_execute(begin)
                .await
                .map_err(|e| format_pg_error(&e))?;
        }
        let result = self.run_in(&client, query, params).await;
        if access == Access::Read && result.is_ok() {
            let _ = client.batch_execute("COMMIT").await;
        } else if result.is_err() {
            // A failed `BEGIN; …; COMMIT;` script leaves the session in an aborted transaction
            // (the server skips the rest of the string, COMMIT included): end it here, so the
            // connection never carries it further. Outside a transaction this is only a warning.
            let _ = client.batch_execute("ROLLBACK").await;
        }
        if access == Access::Locked {
            // The connection goes back to the pool as it came.
            let _ = client
                .batch_execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
                .await;
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
