//! The PostgreSQL backend: one connection, owned by a thread of its own that runs
//! tokio-postgres. The store is synchronous and is called from async tasks too; a blocking
//! client inside a Tokio runtime would panic, so callers hand their statement to the thread and
//! wait for its answer (with a bound), as they wait for SQLite's file lock.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_postgres::types::{to_sql_checked, IsNull, ToSql, Type};

use super::{numbered_placeholders, DbError, Result, Row, Value};

/// How long a statement may take before the caller stops waiting (the server is told the same).
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The schema Fabrik's tables live in, apart from whatever else the database holds (a
/// Supabase project's `public`, `auth` …).
pub const SCHEMA: &str = "fabrik";
/// The advisory lock every write transaction takes first: writers take turns, as on SQLite.
const WRITE_LOCK: i64 = 0x4641_4252_494b; // "FABRIK"

/// Where the shared register is, and how to reach it.
#[derive(Clone)]
pub struct PgConfig {
    config: tokio_postgres::Config,
    /// A CA file for a server whose certificate no public root signs (Supabase, RDS).
    root_cert: Option<std::path::PathBuf>,
    tls: bool,
}

impl std::fmt::Debug for PgConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.write_str(&self.describe())
    }
}

impl PgConfig {
    /// Reads a `postgres://` URL. `sslmode=disable` is honoured only for a server on this
    /// machine; any other host is reached over TLS. `sslrootcert=PATH` adds a CA.
    pub fn parse(url: &str) -> std::result::Result<PgConfig, String> {
        let mut root_cert = None;
        let mut sslmode = None;
        let cleaned = match url::Url::parse(url) {
            Ok(mut u) if u.scheme() == "postgres" || u.scheme() == "postgresql" => {
                let kept: Vec<(String, String)> = u
                    .query_pairs()
                    .filter_map(|(k, v)| match &*k {
                        "sslrootcert" => {
                            root_cert = Some(std::path::PathBuf::from(&*v));
                            None
                        }
                        "sslmode" => {
                            sslmode = Some(v.to_string());
                            None
                        }
                        _ => Some((k.to_string(), v.to_string())),
                    })
                    .collect();
                u.set_query(None);
                if !kept.is_empty() {
                    u.query_pairs_mut().extend_pairs(kept);
                }
                u.to_string()
            }
            _ => return Err("ange en adress som börjar med postgres://".into()),
        };
        let mut config = tokio_postgres::Config::from_str(&cleaned).map_err(|e| e.to_string())?;
        config.connect_timeout(CONNECT_TIMEOUT);
        if config.get_dbname().is_none() {
            config.dbname("postgres");
        }
        let local = config.get_hosts().iter().all(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => {
                matches!(name.as_str(), "localhost" | "127.0.0.1" | "::1" | "[::1]")
            }
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(_) => true,
        });
        let tls = match sslmode.as_deref() {
            Some("disable") if local => false,
            Some("disable") => {
                return Err("sslmode=disable gäller bara en server på den här datorn; en annan server nås alltid med TLS".into())
            }
            Some("require" | "verify-ca" | "verify-full") => true,
            Some("prefer" | "allow") | None => !local,
            Some(other) => return Err(format!("okänt sslmode: {other}")),
        };
        Ok(PgConfig {
            config,
            root_cert,
            tls,
        })
    }

    /// The password, when it is kept apart from the URL (in the OS keyring).
    pub fn set_password(&mut self, password: &str) {
        self.config.password(password);
    }

    pub fn has_password(&self) -> bool {
        self.config.get_password().is_some()
    }

    /// The password the URL carried (decoded), to be moved to the keyring.
    pub(crate) fn password(&self) -> Option<String> {
        self.config
            .get_password()
            .and_then(|p| std::str::from_utf8(p).ok())
            .map(str::to_string)
    }

    /// `user@host:port/db` — what a person recognises; never the password.
    pub fn describe(&self) -> String {
        let host = self
            .config
            .get_hosts()
            .first()
            .map(|h| match h {
                tokio_postgres::config::Host::Tcp(n) => n.clone(),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
            })
            .unwrap_or_default();
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        format!(
            "{}@{host}:{port}/{}",
            self.config.get_user().unwrap_or("?"),
            self.config.get_dbname().unwrap_or("postgres")
        )
    }

    /// The login: on a register with a login per person, the person.
    pub fn user(&self) -> Option<&str> {
        self.config.get_user()
    }

    pub fn tls(&self) -> bool {
        self.tls
    }

    fn tls_connector(
        &self,
    ) -> std::result::Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
        use rustls::pki_types::pem::PemObject;
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        if let Some(path) = &self.root_cert {
            let certs = rustls::pki_types::CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            for cert in certs {
                roots
                    .add(cert.map_err(|e| format!("{}: {e}", path.display()))?)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
    }

    /// Opens a connection on the current Tokio runtime; the connection's task is spawned there.
    pub(crate) async fn connect_async(&self) -> Result<tokio_postgres::Client> {
        let (client, mut messages) = self.connect_listening().await?;
        // Nobody listens on this connection: its messages are only read so it keeps running.
        tokio::spawn(async move {
            while let Some(m) = messages.recv().await {
                if let Err(e) = m {
                    tracing::warn!("PostgreSQL connection ended: {e}");
                }
            }
        });
        client
            .batch_execute(&format!(
                "SET statement_timeout = {}; SET search_path TO {SCHEMA}",
                STATEMENT_TIMEOUT.as_millis()
            ))
            .await
            .map_err(pg_error)?;
        Ok(client)
    }
}

/// The messages of a connection (notifications, notices), handed over by the task that drives
/// the connection.
pub(crate) type Messages = tokio::sync::mpsc::UnboundedReceiver<
    Result<tokio_postgres::AsyncMessage, tokio_postgres::Error>,
>;

impl PgConfig {
    /// A connection whose notifications the caller reads (`LISTEN`), on the current runtime.
    pub(crate) async fn connect_listening(&self) -> Result<(tokio_postgres::Client, Messages)> {
        if self.tls {
            let tls = self
                .tls_connector()
                .map_err(|e| DbError::Postgres(format!("TLS: {e}"), None))?;
            let (client, connection) = self.config.connect(tls).await.map_err(pg_error)?;
            Ok((client, forward(connection)))
        } else {
            let (client, connection) = self
                .config
                .connect(tokio_postgres::NoTls)
                .await
                .map_err(pg_error)?;
            Ok((client, forward(connection)))
        }
    }
}

/// Drives `connection` on a task of its own and passes its messages on.
fn forward<S, T>(mut connection: tokio_postgres::Connection<S, T>) -> Messages
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(m) = futures_util::StreamExt::next(&mut messages).await {
            let failed = m.is_err();
            if tx.send(m).is_err() || failed {
                break;
            }
        }
    });
    rx
}

pub(crate) fn pg_error(e: tokio_postgres::Error) -> DbError {
    match e.as_db_error() {
        Some(db) => DbError::Postgres(
            format!("{}: {}", db.severity(), db.message()),
            Some(db.code().code().to_string()),
        ),
        // The driver's own text is short ("error performing TLS handshake"); the reason
        // ("invalid peer certificate: UnknownIssuer") is in its sources.
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                text.push_str(&format!(": {s}"));
                source = s.source();
            }
            DbError::Postgres(text, None)
        }
    }
}

enum Op {
    Execute(String, Vec<Value>),
    Query(String, Vec<Value>),
    /// A query read row by row until its values pass the bound.
    Within(String, Vec<Value>, usize),
    Batch(String),
}

enum Reply {
    Count(u64),
    Rows(Vec<Row>),
    /// The bound was passed: no rows.
    Over,
    Done,
}

struct Job {
    op: Op,
    reply: std_mpsc::SyncSender<Result<Reply>>,
}

/// A connection to the shared register, served by its own thread.
pub struct PgConn {
    jobs: mpsc::UnboundedSender<Job>,
    describe: String,
}

impl PgConn {
    /// Connects (and fails within the connect timeout if the server cannot be reached).
    pub fn connect(config: &PgConfig) -> Result<PgConn> {
        let (jobs, mut inbox) = mpsc::unbounded_channel::<Job>();
        let (ready_tx, ready_rx) = std_mpsc::sync_channel::<Result<()>>(1);
        let config_for_thread = config.clone();
        std::thread::Builder::new()
            .name("fabrik-postgres".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(DbError::Postgres(e.to_string(), None)));
                        return;
                    }
                };
                rt.block_on(async move {
                    let client = match config_for_thread.connect_async().await {
                        Ok(c) => {
                            let _ = ready_tx.send(Ok(()));
                            c
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return;
                        }
                    };
                    let mut statements = HashMap::new();
                    while let Some(job) = inbox.recv().await {
                        let answer = serve(&client, &mut statements, job.op).await;
                        let _ = job.reply.send(answer);
                    }
                });
            })
            .map_err(|e| DbError::Postgres(e.to_string(), None))?;
        match ready_rx.recv_timeout(CONNECT_TIMEOUT + Duration::from_secs(5)) {
            Ok(Ok(())) => Ok(PgConn {
                jobs,
                describe: config.describe(),
            }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(DbError::Timeout(CONNECT_TIMEOUT)),
        }
    }

    pub fn describe(&self) -> &str {
        &self.describe
    }

    fn ask(&self, op: Op) -> Result<Reply> {
        let (reply, answer) = std_mpsc::sync_channel(1);
        self.jobs
            .send(Job { op, reply })
            .map_err(|_| DbError::Closed)?;
        // The server's statement_timeout ends a slow statement first; this bound is for a
        // server that stopped answering at all.
        let bound = STATEMENT_TIMEOUT + Duration::from_secs(5);
        answer.recv_timeout(bound).map_err(|e| match e {
            std_mpsc::RecvTimeoutError::Timeout => DbError::Timeout(bound),
            std_mpsc::RecvTimeoutError::Disconnected => DbError::Closed,
        })?
    }

    pub(super) fn execute(&self, sql: &str, params: Vec<Value>) -> Result<usize> {
        match self.ask(Op::Execute(sql.to_string(), params))? {
            Reply::Count(n) => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
            _ => Ok(0),
        }
    }

    pub(super) fn query(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>> {
        match self.ask(Op::Query(sql.to_string(), params))? {
            Reply::Rows(rows) => Ok(rows),
            _ => Ok(Vec::new()),
        }
    }

    pub(super) fn query_within(
        &self,
        sql: &str,
        params: Vec<Value>,
        max_bytes: usize,
    ) -> Result<Option<Vec<Row>>> {
        match self.ask(Op::Within(sql.to_string(), params, max_bytes))? {
            Reply::Rows(rows) => Ok(Some(rows)),
            _ => Ok(None),
        }
    }

    pub fn batch(&self, sql: &str) -> Result<()> {
        self.ask(Op::Batch(sql.to_string())).map(|_| ())
    }

    pub(super) fn for_each<E: From<DbError>>(
        &self,
        sql: &str,
        params: Vec<Value>,
        mut f: impl FnMut(&Row) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        for row in self.query(sql, params)? {
            f(&row)?;
        }
        Ok(())
    }

    pub(super) fn begin_write(&self) -> Result<()> {
        self.batch(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
        ))
    }
}

async fn serve(
    client: &tokio_postgres::Client,
    statements: &mut HashMap<String, tokio_postgres::Statement>,
    op: Op,
) -> Result<Reply> {
    match op {
        Op::Batch(sql) => {
            client.batch_execute(&sql).await.map_err(pg_error)?;
            Ok(Reply::Done)
        }
        Op::Execute(sql, params) => {
            let stmt = prepared(client, statements, &sql).await?;
            let refs: Vec<&(dyn ToSql + Sync)> =
                params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
            let n = client.execute(&stmt, &refs).await.map_err(pg_error)?;
            Ok(Reply::Count(n))
        }
        Op::Query(sql, params) => {
            let stmt = prepared(client, statements, &sql).await?;
            let refs: Vec<&(dyn ToSql + Sync)> =
                params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
            let rows = client.query(&stmt, &refs).await.map_err(pg_error)?;
            rows.iter()
                .map(read_row)
                .collect::<Result<Vec<_>>>()
                .map(Reply::Rows)
        }
        Op::Within(sql, params, max_bytes) => {
            use futures_util::StreamExt as _;
            let stmt = prepared(client, statements, &sql).await?;
            let refs = params.iter().map(|p| p as &(dyn ToSql + Sync));
            // Row by row as the server sends them (the driver reads ahead only what its buffer
            // holds); at the bound the stream is dropped, and what follows is discarded unkept.
            let stream = client.query_raw(&stmt, refs).await.map_err(pg_error)?;
            let mut stream = std::pin::pin!(stream);
            let (mut rows, mut size) = (Vec::new(), 0);
            while let Some(row) = stream.next().await {
                let row = read_row(&row.map_err(pg_error)?)?;
                size += row.size();
                if size > max_bytes {
                    return Ok(Reply::Over);
                }
                rows.push(row);
            }
            Ok(Reply::Rows(rows))
        }
    }
}

async fn prepared(
    client: &tokio_postgres::Client,
    statements: &mut HashMap<String, tokio_postgres::Statement>,
    sql: &str,
) -> Result<tokio_postgres::Statement> {
    if let Some(s) = statements.get(sql) {
        return Ok(s.clone());
    }
    let stmt = client
        .prepare(&numbered_placeholders(sql))
        .await
        .map_err(pg_error)?;
    statements.insert(sql.to_string(), stmt.clone());
    Ok(stmt)
}

fn read_row(r: &tokio_postgres::Row) -> Result<Row> {
    (0..r.len())
        .map(|i| read_value(r, i))
        .collect::<Result<Vec<_>>>()
        .map(Row)
}

fn read_value(r: &tokio_postgres::Row, i: usize) -> Result<Value> {
    let ty = r.columns()[i].type_().clone();
    let wrong = |e: tokio_postgres::Error| DbError::conversion(i, e.to_string());
    let v = match ty {
        Type::BOOL => r
            .try_get::<_, Option<bool>>(i)
            .map_err(wrong)?
            .map(Value::Bool),
        Type::INT2 => r
            .try_get::<_, Option<i16>>(i)
            .map_err(wrong)?
            .map(|v| Value::Int(v.into())),
        Type::INT4 => r
            .try_get::<_, Option<i32>>(i)
            .map_err(wrong)?
            .map(|v| Value::Int(v.into())),
        Type::INT8 => r
            .try_get::<_, Option<i64>>(i)
            .map_err(wrong)?
            .map(Value::Int),
        Type::FLOAT4 => r
            .try_get::<_, Option<f32>>(i)
            .map_err(wrong)?
            .map(|v| Value::Real(v.into())),
        Type::FLOAT8 => r
            .try_get::<_, Option<f64>>(i)
            .map_err(wrong)?
            .map(Value::Real),
        Type::JSON | Type::JSONB => r
            .try_get::<_, Option<serde_json::Value>>(i)
            .map_err(wrong)?
            .map(|v| Value::Text(v.to_string())),
        _ => r
            .try_get::<_, Option<String>>(i)
            .map_err(|_| DbError::conversion(i, format!("the type {ty} is not read")))?
            .map(Value::Text),
    };
    Ok(v.unwrap_or(Value::Null))
}

fn textual(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
    )
}

/// A value written as the column's type asks: SQLite's leniency, on purpose, so one query text
/// serves both (an id into `INT8`, a flag into `BOOLEAN`, a count into `INT4`).
impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match (self, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Int(i), &Type::INT8) => i.to_sql(ty, out),
            (Value::Int(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            (Value::Int(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Value::Int(i), t) if textual(t) => i.to_string().to_sql(&Type::TEXT, out),
            (Value::Bool(b), &Type::BOOL) => b.to_sql(ty, out),
            (Value::Bool(b), &Type::INT8) => i64::from(*b).to_sql(ty, out),
            (Value::Bool(b), &Type::INT4) => i32::from(*b).to_sql(ty, out),
            (Value::Bool(b), t) if textual(t) => b.to_string().to_sql(&Type::TEXT, out),
            (Value::Real(r), &Type::FLOAT4) => (*r as f32).to_sql(ty, out),
            (Value::Real(r), &Type::FLOAT8) => r.to_sql(ty, out),
            (Value::Real(r), t) if textual(t) => r.to_string().to_sql(&Type::TEXT, out),
            (Value::Text(s), &Type::JSON | &Type::JSONB) => {
                serde_json::from_str::<serde_json::Value>(s)?.to_sql(ty, out)
            }
            (Value::Text(s), t) if textual(t) => s.as_str().to_sql(&Type::TEXT, out),
            (v, t) => Err(format!("{v:?} cannot be written as {t}").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}
