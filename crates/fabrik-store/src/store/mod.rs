//! SQLite storage: one file, WAL, foreign keys on, embedded versioned migrations. Several
//! Fabrik processes (the window and the CLI) may use the same file at once: every write is an
//! IMMEDIATE transaction, and readers wait on a busy timeout rather than fail.

mod clock;
pub mod db;
pub mod delivery;
pub mod invitation;
mod journal;
mod leases;
pub mod location;
mod mailed;
pub mod migrations;
pub mod people;
pub mod rights;
pub mod runs;
pub mod search;
mod settings;
pub mod transfer;
mod words;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock};
use std::time::Duration;

use rusqlite::Connection;

use db::Conn;

use crate::environment::Environment;
use crate::error::{Error, Result};

pub use clock::db_now;
pub use journal::exactly_one;
pub use leases::{driver_gone, stale_before};
pub use migrations::SCHEMA_VERSION;
/// The SQL functions the register's triggers call (a connection opened without the store needs them).
pub use search::register_functions;

/// From this many matches the customers' search (`customer::rows::listing`) walks the list in its order, each row looked up among the
/// index's matches, instead of sorting the matches: sorting costs about 1.5 microseconds a
/// match (its row read for the sort key), walking about 0.1 a row passed (a first page passes
/// `page × rows / matches` rows). Measured at 100,000 customers (issue #71): a town among the
/// active (10,000 matches) 19.2 ms sorted, 6.1 walked; two letters newest first 21.5 and 2.2.
pub const WALK_FROM: u32 = 2_000;

/// From this many matches the walk checks each row's own text instead: the set of the index's
/// matches would be as large as a quarter of the register, and so many matches put a page
/// within a few times its length.
pub const WALK_BY_NEEDLE_FROM: u32 = 25_000;

/// How long a statement waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Store {
    conn: Mutex<Conn>,
    path: PathBuf,
    /// The environment whose instance card and status a customer is read and written with.
    /// One per process (the window's choice, or the CLI's `--sandbox`); the engine names its
    /// own environment explicitly.
    view: RwLock<Environment>,
    /// Who writes through this store (`user@host #id`, see `crate::seat`): runs record it.
    seat: String,
    /// The shared register's address (with its password), for the live-update listener.
    shared: Option<db::PgConfig>,
    /// From how many matches a search walks the list instead of sorting them (`listing.rs`).
    walk_from: std::sync::atomic::AtomicU32,
    /// From how many it checks each row's own text instead of the index's matches.
    walk_by_needle_from: std::sync::atomic::AtomicU32,
}

impl Store {
    /// Opens (creating if needed) the register at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::DatabaseOpen(format!("kan inte skapa mappen {}: {e}", dir.display()))
            })?;
        }
        let mut conn = Connection::open(path)
            .map_err(|e| Error::DatabaseOpen(format!("{}: {e}", path.display())))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Before any pragma that writes: a file from a newer Fabrik must stay byte-for-byte.
        migrations::refuse_newer(&conn, path)?;
        configure(&conn)?;
        migrations::migrate(&mut conn, path)?;
        Ok(Store::new(Conn::sqlite(conn), path.to_path_buf()))
    }

    /// The register this seat uses: the shared one `FABRIK_DATABASE_URL` names, else the file.
    /// The seat is this installation's, its id kept beside the file.
    pub fn open_register(file: &Path) -> Result<Store> {
        let mut store = location::Location::from_env(file)?.open()?;
        let dir = file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        store.seat = crate::seat::recorded(crate::seat::this(), &crate::seat::installation_id(dir));
        Ok(store)
    }

    /// Connects to a shared register on PostgreSQL and brings its schema up to date.
    pub fn connect(config: &db::PgConfig) -> Result<Store> {
        let describe = config.describe();
        let pg = db::PgConn::connect(config)
            .map_err(|e| Error::DatabaseOpen(format!("{describe}: {e}")))?;
        let mut conn = Conn::postgres(pg);
        migrations::migrate_postgres(&mut conn, &describe, config.user())?;
        let mut store = Store::new(conn, PathBuf::from(format!("postgres://{describe}")));
        store.shared = Some(config.clone());
        Ok(store)
    }

    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn)?;
        migrations::migrate(&mut conn, Path::new(":memory:"))?;
        Ok(Store::new(Conn::sqlite(conn), PathBuf::from(":memory:")))
    }

    fn new(conn: Conn, path: PathBuf) -> Store {
        let store = Store {
            conn: Mutex::new(conn),
            path,
            view: RwLock::new(Environment::Sandbox),
            seat: crate::seat::recorded(crate::seat::this(), crate::seat::process_id()),
            shared: None,
            walk_from: std::sync::atomic::AtomicU32::new(WALK_FROM),
            walk_by_needle_from: std::sync::atomic::AtomicU32::new(WALK_BY_NEEDLE_FROM),
        };
        store.set_environment(store.stored_environment());
        store
    }

    /// The environment customers are read in (their instance card and status).
    pub fn environment(&self) -> Environment {
        *self.view.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Reads and writes customers in `environment` from now on (the process's environment).
    pub fn set_environment(&self, environment: Environment) {
        *self.view.write().unwrap_or_else(|p| p.into_inner()) = environment;
    }

    /// Calls `on_event` for every change any seat makes to a shared register (PostgreSQL
    /// `LISTEN`) and whenever listening stops or resumes, until the returned listener is
    /// dropped; `None` for a register file, which only this computer writes.
    pub fn watch(
        &self,
        on_event: impl Fn(db::Live) + Send + Sync + 'static,
    ) -> Option<db::Listener> {
        let config = self.shared.clone()?;
        db::Listener::start(config, on_event)
            .map_err(|e| tracing::warn!("live updates are off: {e}"))
            .ok()
    }

    /// The seat this store's runs are started and driven by.
    pub fn seat(&self) -> &str {
        &self.seat
    }

    /// The person's login on a shared register; a register file has no logins.
    pub fn person(&self) -> Option<&str> {
        self.shared.as_ref().and_then(|c| c.user())
    }

    /// A refusal by the shared register's database, named as `right` for this login.
    pub fn refused(&self, right: crate::messages::Right) -> impl FnOnce(Error) -> Error + '_ {
        move |e| e.as_refusal_of(right, self.person())
    }

    /// Another seat, of this name, on an installation of its own (tests that play two seats
    /// in one process).
    pub fn with_seat(mut self, name: &str) -> Store {
        self.seat = crate::seat::recorded(name, &crate::seat::new_id());
        self
    }

    /// Searches walk the list from `matches` matches on, and check each row's own text from
    /// `by_needle` on (tests take every way with a few customers: 0 walks always, `u32::MAX`
    /// never).
    #[doc(hidden)]
    /// From how many matches the customers' search walks the list, and from how many it checks
    /// each row's own text (`WALK_FROM`, `WALK_BY_NEEDLE_FROM`, or what a test set).
    pub fn walks_from(&self) -> (u32, u32) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            self.walk_from.load(Relaxed),
            self.walk_by_needle_from.load(Relaxed),
        )
    }

    pub fn walk_searches_from(&self, matches: u32, by_needle: u32) {
        use std::sync::atomic::Ordering::Relaxed;
        self.walk_from.store(matches, Relaxed);
        self.walk_by_needle_from.store(by_needle, Relaxed);
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A register only this seat uses (a SQLite file or one in memory), not a shared one.
    pub fn is_own(&self) -> bool {
        self.conn().dialect() == db::Dialect::Sqlite
    }

    /// A connection of its own for a long read (an export) of a register file, so the
    /// window's queries do not wait behind it; `None` when the store's own is to be used.
    pub fn own_reader(&self) -> Result<Option<Conn>> {
        if self.conn().dialect() != db::Dialect::Sqlite || self.path.as_os_str() == ":memory:" {
            return Ok(None);
        }
        let c = Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        c.busy_timeout(BUSY_TIMEOUT)?;
        Ok(Some(Conn::sqlite(c)))
    }

    /// A connection of its own for a long write (an import), so the store's connection stays
    /// free for the seat's heartbeats meanwhile: a run driven here must not lose its lease to
    /// an import. `None` for an in-memory register, which has only the one.
    pub fn own_writer(&self) -> Result<Option<Conn>> {
        if let Some(config) = &self.shared {
            return Ok(Some(Conn::postgres(db::PgConn::connect(config)?)));
        }
        if self.conn().dialect() != db::Dialect::Sqlite || self.path.as_os_str() == ":memory:" {
            return Ok(None);
        }
        // On a file the write lock is the file's: heartbeats wait for it (at most the busy
        // timeout), not for the whole import behind this process's mutex.
        let c = Connection::open(&self.path)?;
        configure(&c)?;
        Ok(Some(Conn::sqlite(c)))
    }

    /// The register's connection, for an area's reads and writes of its own tables (in the
    /// areas' crates, such as `metering::kept`): held until the guard drops.
    pub fn conn(&self) -> MutexGuard<'_, Conn> {
        // A panic while holding the lock leaves the connection usable: SQLite rolls back the
        // open transaction when the Transaction guard drops.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Reads from the mapped file and a larger cache rather than a read() per page: a search
    // at 100,000 customers visits thousands of index pages.
    conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
    conn.pragma_update(None, "cache_size", -32 * 1024)?;
    search::register_functions(conn)?;
    Ok(())
}

/// The register as an area's tables see it. An area declares the reads and writes of its own
/// tables as a trait of provided methods over [`Rows::store`] and provides it for `Store`
/// (`impl BillingRows for Store {}`): the register holds none of them and imports no area.
pub trait Rows {
    fn store(&self) -> &Store;
}

impl Rows for Store {
    fn store(&self) -> &Store {
        self
    }
}

pub fn now() -> chrono::DateTime<chrono::Utc> {
    // Second precision keeps the stored text stable and sortable.
    let t = chrono::Utc::now();
    t - Duration::from_nanos(u64::from(chrono::Timelike::nanosecond(&t)))
}
