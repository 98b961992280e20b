//! The PostgreSQL backend: one connection, owned by a thread of its own that runs
//! tokio-postgres. The store is synchronous and is called from async tasks too; a blocking
//! client inside a Tokio runtime would panic, so callers hand their statement to the thread and
//! wait for its answer (with a bound), as they wait for SQLite's file lock.
//!
//! The connection heals: one lost (a server restart, a network drop noticed by keepalives, a
//! call unanswered past the statement timeout) is made again on the next call, with a growing
//! wait between failed tries, during which callers are told at once that the register cannot be
//! reached. Never inside a write transaction: its remaining statements fail until it ends.

use std::collections::HashMap;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_postgres::types::ToSql;

use super::pg_config::{PgConfig, CONNECT_TIMEOUT};
use super::pg_values::read_row;
use super::{numbered_placeholders, DbError, Result, Row, Value};

/// How long a statement may take before the caller stops waiting (the server is told the same).
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);
/// The schema Fabrik's tables live in, apart from whatever else the database holds (a
/// Supabase project's `public`, `auth` …).
pub const SCHEMA: &str = "fabrik";
/// The advisory lock every write transaction takes first: writers take turns, as on SQLite.
const WRITE_LOCK: i64 = 0x4641_4252_494b; // "FABRIK"

/// The messages of a connection (notifications, notices), handed over by the task that drives
/// the connection.
pub(crate) type Messages = tokio::sync::mpsc::UnboundedReceiver<
    Result<tokio_postgres::AsyncMessage, tokio_postgres::Error>,
>;

impl PgConfig {
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
    /// A write transaction: `BEGIN`, then the write lock.
    Begin,
    /// The end of a write transaction: commit, or roll back.
    End {
        commit: bool,
    },
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
                    let mut session = match Session::open(config_for_thread).await {
                        Ok(s) => {
                            let _ = ready_tx.send(Ok(()));
                            s
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return;
                        }
                    };
                    while let Some(job) = inbox.recv().await {
                        let answer = session.serve(job.op).await;
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
        // The server's statement_timeout ends a slow statement first, and the thread's own
        // bound a server that stopped answering; this one only if the thread itself is stuck.
        let bound = STATEMENT_TIMEOUT + CONNECT_TIMEOUT + Duration::from_secs(5);
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
        self.ask(Op::Begin).map(|_| ())
    }

    pub(super) fn end_write(&self, commit: bool) -> Result<()> {
        self.ask(Op::End { commit }).map(|_| ())
    }
}

/// The connection thread's side: the client, made again when it is lost.
struct Session {
    config: PgConfig,
    /// Shared with the call in progress, which may outlive a reconnect decision.
    client: Option<std::sync::Arc<tokio_postgres::Client>>,
    statements: HashMap<String, tokio_postgres::Statement>,
    /// A write transaction is open. If the connection is lost now the server has rolled it
    /// back; a new connection must not run its remaining statements outside it.
    in_tx: bool,
    /// The connection was lost inside the open transaction: everything fails until its end.
    lost_tx: bool,
    /// Failed reconnects in a row, and when the next may be tried: callers in the meantime are
    /// told at once that the register cannot be reached, not kept waiting for a connect.
    failures: u32,
    retry_at: Option<tokio::time::Instant>,
}

impl Session {
    async fn open(config: PgConfig) -> Result<Session> {
        let client = config.connect_async().await?;
        Ok(Session {
            config,
            client: Some(std::sync::Arc::new(client)),
            statements: HashMap::new(),
            in_tx: false,
            lost_tx: false,
            failures: 0,
            retry_at: None,
        })
    }

    async fn serve(&mut self, op: Op) -> Result<Reply> {
        if let Op::End { commit } = op {
            return self.end(commit).await;
        }
        if self.lost_tx {
            return Err(self.unreachable(true));
        }
        let client = self.client().await?;
        let answer = match op {
            Op::Begin => {
                // One batch, and on failure (the lock wait hit the statement timeout, or was
                // cancelled) a ROLLBACK: else the connection would stay in an aborted
                // transaction, refusing every statement after it.
                let begin = format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})");
                match bounded(client.batch_execute(&begin)).await {
                    Ok(()) => {
                        self.in_tx = true;
                        Ok(Reply::Done)
                    }
                    Err(e) => {
                        if !client.is_closed() && !matches!(e, DbError::Timeout(_)) {
                            let _ = bounded(client.batch_execute("ROLLBACK")).await;
                        }
                        Err(e)
                    }
                }
            }
            op => bounded(run(&client, &mut self.statements, op)).await,
        };
        match answer {
            Err(e) if self.gone(&client, &e) => {
                tracing::warn!("a call to the shared register failed with its connection: {e}");
                Err(self.unreachable(self.in_tx))
            }
            answer => answer,
        }
    }

    async fn end(&mut self, commit: bool) -> Result<Reply> {
        let was_lost = std::mem::take(&mut self.lost_tx);
        self.in_tx = false;
        let live = self.client.clone().filter(|c| !c.is_closed());
        match live {
            // The server rolled it back when the connection went: a rollback is done, a commit
            // is not.
            _ if was_lost => {
                if commit {
                    Err(self.unreachable(true))
                } else {
                    Ok(Reply::Done)
                }
            }
            None if !commit => Ok(Reply::Done),
            None => Err(self.unreachable(true)),
            Some(client) => {
                let sql = if commit { "COMMIT" } else { "ROLLBACK" };
                let answer = bounded(client.batch_execute(sql))
                    .await
                    .map(|_| Reply::Done);
                match answer {
                    // A rollback the server made itself when the connection went.
                    Err(e) if self.gone(&client, &e) && !commit => Ok(Reply::Done),
                    Err(e) if self.gone(&client, &e) => {
                        tracing::warn!("a commit to the shared register lost its connection: {e}");
                        Err(self.unreachable(true))
                    }
                    answer => answer,
                }
            }
        }
    }

    /// The client, connected again first if the connection was lost (never inside a
    /// transaction: see `lost_tx`).
    async fn client(&mut self) -> Result<std::sync::Arc<tokio_postgres::Client>> {
        if let Some(c) = self.client.as_ref().filter(|c| !c.is_closed()) {
            return Ok(c.clone());
        }
        if self.in_tx {
            self.client = None;
            self.lost_tx = true;
            return Err(self.unreachable(true));
        }
        if self
            .retry_at
            .is_some_and(|at| tokio::time::Instant::now() < at)
        {
            return Err(self.unreachable(false));
        }
        match self.config.connect_async().await {
            Ok(c) => {
                let c = std::sync::Arc::new(c);
                tracing::info!("connected to the shared register again");
                self.failures = 0;
                self.retry_at = None;
                // Prepared statements belong to the connection that prepared them.
                self.statements.clear();
                self.client = Some(c.clone());
                Ok(c)
            }
            Err(e) => {
                self.client = None;
                self.failures += 1;
                let wait = reconnect_wait(self.failures);
                self.retry_at = Some(tokio::time::Instant::now() + wait);
                tracing::warn!(
                    "the shared register cannot be reached ({} tries); next try in {wait:?}: {e}",
                    self.failures
                );
                Err(self.unreachable(false))
            }
        }
    }

    /// After a failed call: whether the connection is gone (closed, or it did not answer in
    /// time). It is dropped, to be made again on the next call.
    fn gone(&mut self, client: &tokio_postgres::Client, error: &DbError) -> bool {
        let gone = client.is_closed() || matches!(error, DbError::Timeout(_));
        if gone {
            self.client = None;
            if self.in_tx {
                self.lost_tx = true;
            }
        }
        gone
    }

    /// What a caller is told while the register cannot be reached (the driver's own words go
    /// to the log); `lost_write` when a write transaction went with the connection.
    fn unreachable(&self, lost_write: bool) -> DbError {
        DbError::Unreachable {
            register: self.config.describe(),
            lost_write,
        }
    }
}

/// The first wait before connecting again, and the longest: short enough that a server
/// back after a restart is used within seconds.
const RECONNECT_FIRST: Duration = Duration::from_millis(250);
const RECONNECT_MAX: Duration = Duration::from_secs(5);

/// How long to wait after the `failures`-th failed try to connect, before the next one: the
/// one reconnect policy, for the store's connection and the LISTEN connection alike.
pub(super) fn reconnect_wait(failures: u32) -> Duration {
    RECONNECT_FIRST
        .saturating_mul(2u32.saturating_pow(failures.clamp(1, 8) - 1))
        .min(RECONNECT_MAX)
}
/// Longer than the server's statement timeout: a call still waiting then is on a connection
/// that stopped answering (a network that dropped without a word), which is given up.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(STATEMENT_TIMEOUT.as_secs() + 2);

async fn bounded<T>(
    call: impl std::future::Future<Output = std::result::Result<T, impl Into<DbErrorFrom>>>,
) -> Result<T> {
    match tokio::time::timeout(ANSWER_TIMEOUT, call).await {
        Ok(r) => r.map_err(|e| e.into().0),
        Err(_) => Err(DbError::Timeout(ANSWER_TIMEOUT)),
    }
}

/// Either error a call here can end with, as a `DbError`.
struct DbErrorFrom(DbError);

impl From<DbError> for DbErrorFrom {
    fn from(e: DbError) -> Self {
        DbErrorFrom(e)
    }
}

impl From<tokio_postgres::Error> for DbErrorFrom {
    fn from(e: tokio_postgres::Error) -> Self {
        DbErrorFrom(pg_error(e))
    }
}

async fn run(
    client: &tokio_postgres::Client,
    statements: &mut HashMap<String, tokio_postgres::Statement>,
    op: Op,
) -> Result<Reply> {
    match op {
        Op::Begin | Op::End { .. } => unreachable!("served by the session"),
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
