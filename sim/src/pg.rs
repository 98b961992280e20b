//! Throw-away PostgreSQL servers for tests.
//!
//! [`TestCluster::start`] uses `FABRIK_TEST_DATABASE_URL` when it is set (a superuser URL of a
//! server you manage; nothing is started or stopped), otherwise it runs Debian's `initdb` and
//! `pg_ctl` (`/usr/lib/postgresql/<newest>/bin`) on a fresh temporary directory and a free port,
//! and stops the server and deletes the directory on drop. A detached watcher does the same as
//! soon as the test process is gone, however it ended (a panic with `abort`, a kill, a cluster
//! held in a `static` that is never dropped): no server outlives its test run. Each call makes
//! its own cluster, so
//! several test binaries can run at once; inside one binary, [`TestCluster::shared`] hands out
//! one cluster to all tests alive at the same time. Simulators name project databases with a
//! per-instance tag, so many simulators can share one server safely.
//!
//! [`TestCluster::persistent`] is the variant for the desktop sandbox: its data directory is a
//! given folder that is kept (initialised on first use, reused afterwards), it listens on a free
//! loopback port only (no unix socket), and it is stopped cleanly (`-m fast`) on drop or, by
//! the same kind of watcher, when the process that started it is gone.
//!
//! ```no_run
//! # async fn demo() {
//! let pg = fabrik_sim::pg::TestCluster::start().expect("postgres");
//! let sim = fabrik_sim::start(fabrik_sim::SimConfig {
//!     database_url: Some(pg.url().to_string()),
//!     ..Default::default()
//! }).await.unwrap();
//! # }
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, Weak};

/// Environment variable naming an existing server to use instead of starting one.
pub const DATABASE_URL_ENV: &str = "FABRIK_TEST_DATABASE_URL";

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("no PostgreSQL installation found under /usr/lib/postgresql/*/bin (set {DATABASE_URL_ENV} to use an existing server)")]
    NotInstalled,
    #[error("{step} failed: {message}")]
    Command { step: String, message: String },
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

/// A PostgreSQL server for tests; stopped on drop if this process started it.
#[derive(Debug)]
pub struct TestCluster {
    url: String,
    owned: Option<Owned>,
}

#[derive(Debug)]
struct Owned {
    bin: PathBuf,
    data: PathBuf,
    log: PathBuf,
    as_postgres: bool,
    /// `pg_ctl stop` mode: `immediate` for a throw-away cluster, `fast` (a clean shutdown) for
    /// a persistent one.
    stop_mode: &'static str,
    // Kept for its Drop (deletes the directory after the server has stopped); `None` for a
    // persistent cluster, whose directory stays.
    _dir: Option<tempfile::TempDir>,
}

static SHARED: Mutex<Weak<TestCluster>> = Mutex::new(Weak::new());

impl TestCluster {
    /// Superuser connection URL (`postgres://postgres@127.0.0.1:PORT/postgres`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether this process started the server (false when `FABRIK_TEST_DATABASE_URL` is used).
    pub fn is_owned(&self) -> bool {
        self.owned.is_some()
    }

    /// The server's data folder, when this process started it.
    pub fn data_dir(&self) -> Option<&Path> {
        self.owned.as_ref().map(|o| o.data.as_path())
    }

    /// One cluster for every test of this process that holds it at the same time; it stops when
    /// the last holder drops it.
    pub fn shared() -> Result<Arc<TestCluster>, ClusterError> {
        let mut slot = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = slot.upgrade() {
            return Ok(c);
        }
        let c = Arc::new(TestCluster::start()?);
        *slot = Arc::downgrade(&c);
        Ok(c)
    }

    /// Uses `FABRIK_TEST_DATABASE_URL` or starts a new cluster (blocking, about a second).
    pub fn start() -> Result<TestCluster, ClusterError> {
        if let Ok(url) = std::env::var(DATABASE_URL_ENV) {
            if !url.trim().is_empty() {
                return Ok(TestCluster { url, owned: None });
            }
        }
        TestCluster::start_own()
    }

    /// A new cluster of the caller's own, whatever `FABRIK_TEST_DATABASE_URL` says: for a test
    /// that stops or restarts its server, and for `fabrik-test-pg`.
    pub fn start_own() -> Result<TestCluster, ClusterError> {
        let bin = find_bin().ok_or(ClusterError::NotInstalled)?;
        let as_postgres = is_root();
        // Under the test command, inside its work folder: a server killed with the run (the
        // watcher stops it, but a killed process drops no temp dir) leaves no folder behind.
        let mut builder = tempfile::Builder::new();
        builder.prefix("fabrik-sim-pg-");
        let dir = match std::env::var_os("FABRIK_TEST_WORK").filter(|w| Path::new(w).is_dir()) {
            Some(work) => builder.tempdir_in(work)?,
            None => builder.tempdir()?,
        };
        let data = dir.path().join("data");
        let sock = dir.path().join("sock");
        std::fs::create_dir(&sock)?;
        if as_postgres {
            chown_to_postgres(dir.path())?;
        }
        initdb(&bin, as_postgres, &data, &["--no-sync"])?;
        let log = dir.path().join("server.log");
        let port = start_on_free_port(
            &bin,
            as_postgres,
            &data,
            &log,
            &format!(
                "-c unix_socket_directories={} -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                sock.display()
            ),
        )?;
        TestCluster::owned(port, bin, data, log, as_postgres, Some(dir))
    }
}

impl TestCluster {
    /// A server on the data directory `dir/data`, which is kept: created with `initdb` the first
    /// time, reused by every later call (so databases survive a restart of the process). It
    /// listens on a free loopback port, logs to `dir/server.log`, ignores
    /// `FABRIK_TEST_DATABASE_URL`, and is stopped cleanly on drop or, by a watcher, as soon as
    /// this process is gone. Blocking: about a second, more the first time. Refused when a
    /// server already runs on that directory for a live process (the pid in `dir/owner`), or
    /// one left by a dead process does not stop within a few seconds.
    pub fn persistent(dir: &Path) -> Result<TestCluster, ClusterError> {
        let bin = find_bin().ok_or(ClusterError::NotInstalled)?;
        let as_postgres = is_root();
        std::fs::create_dir_all(dir)?;
        let dir = dir.canonicalize()?;
        let data = dir.join("data");
        let log = dir.join("server.log");
        if as_postgres {
            chown_to_postgres(&dir)?;
            // The server runs as `postgres`, which must reach the folder through its parents.
            run(
                "access check",
                Command::new("runuser")
                    .args(["-u", "postgres", "--", "test", "-w"])
                    .arg(&dir),
            )
            .map_err(|_| ClusterError::Command {
                step: "access check".into(),
                message: format!(
                    "PostgreSQL runs as user postgres (this process is root), which cannot write to {}",
                    dir.display()
                ),
            })?;
        }
        // A server left on this directory by a process that just died is being stopped by its
        // watcher: wait for that. One whose starter (`dir/owner`) is alive is in use.
        let owner = dir.join("owner");
        let owner_alive = || {
            std::fs::read_to_string(&owner)
                .ok()
                .and_then(|p| p.trim().parse::<u32>().ok())
                .is_some_and(|p| Path::new(&format!("/proc/{p}")).exists())
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while data.join("postmaster.pid").exists()
            && pg_command(&bin, as_postgres, "pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("status")
                .output()
                .is_ok_and(|o| o.status.success())
        {
            if owner_alive() || std::time::Instant::now() > deadline {
                return Err(ClusterError::Command {
                    step: "pg_ctl start".into(),
                    message: format!(
                        "a PostgreSQL server already runs on {} (another process uses it)",
                        data.display()
                    ),
                });
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        if !data.join("PG_VERSION").exists() {
            // No cluster yet, or an initdb that was interrupted: (re)create it.
            if data.exists() {
                std::fs::remove_dir_all(&data)?;
            }
            initdb(&bin, as_postgres, &data, &[])?;
        }
        let port = start_on_free_port(
            &bin,
            as_postgres,
            &data,
            &log,
            "-c unix_socket_directories=''",
        )?;
        std::fs::write(&owner, std::process::id().to_string())?;
        TestCluster::owned(port, bin, data, log, as_postgres, None)
    }

    /// A server this process started, on `port` of the loopback interface, watched from now
    /// on. With `temp` (a throw-away cluster) it is stopped at once and the folder removed;
    /// without, stopped cleanly and kept.
    fn owned(
        port: u16,
        bin: PathBuf,
        data: PathBuf,
        log: PathBuf,
        as_postgres: bool,
        temp: Option<tempfile::TempDir>,
    ) -> Result<TestCluster, ClusterError> {
        let stop_mode = if temp.is_some() { "immediate" } else { "fast" };
        let remove = temp.as_ref().map(|t| t.path());
        watch_owner(&bin, &data, remove, as_postgres, stop_mode)?;
        Ok(TestCluster {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            owned: Some(Owned {
                bin,
                data,
                log,
                as_postgres,
                stop_mode,
                _dir: temp,
            }),
        })
    }

    /// Restarts the server this process started (`pg_ctl restart -m fast`: every connection
    /// is ended, as in an upgrade or a failover), on the same port and data.
    pub fn restart(&self) -> Result<(), ClusterError> {
        let Some(o) = &self.owned else {
            return Err(ClusterError::NotInstalled);
        };
        let mut c = pg_command(&o.bin, o.as_postgres, "pg_ctl");
        run(
            "pg_ctl restart",
            // The log as at the start: without it the server would hold this call's pipe.
            c.arg("-D")
                .arg(&o.data)
                .arg("-l")
                .arg(&o.log)
                .args(["-m", "fast", "-w", "-t", "60", "restart"]),
        )
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        if let Some(o) = &self.owned {
            let _ = pg_command(&o.bin, o.as_postgres, "pg_ctl")
                .arg("-D")
                .arg(&o.data)
                .args(["-m", o.stop_mode, "-w", "stop"])
                .output();
        }
    }
}

/// Starts a watcher in its own session (so a kill of the test's process group spares it) that
/// waits for this process to end, then stops the server (`mode`: `pg_ctl stop -m`) and removes
/// `remove`, if given. Only the server this process started is stopped (its postmaster's pid is
/// compared): a later process may already have started a new one on a kept data directory.
fn watch_owner(
    bin: &Path,
    data: &Path,
    remove: Option<&Path>,
    as_postgres: bool,
    mode: &str,
) -> Result<(), ClusterError> {
    let pg_ctl = bin.join("pg_ctl");
    let stop = if as_postgres {
        format!("runuser -u postgres -- \"$1\" -D \"$2\" -m {mode} -w stop")
    } else {
        format!("\"$1\" -D \"$2\" -m {mode} -w stop")
    };
    let postmaster = std::fs::read_to_string(data.join("postmaster.pid"))
        .ok()
        .and_then(|s| s.lines().next().map(|l| l.trim().to_string()))
        .unwrap_or_default();
    let script = format!(
        "while kill -0 \"$0\" 2>/dev/null; do sleep 0.5; done; \
         if [ \"$(head -n 1 \"$2/postmaster.pid\" 2>/dev/null)\" = \"$4\" ]; then {stop} >/dev/null 2>&1; fi; \
         if [ -n \"$3\" ]; then rm -rf \"$3\"; fi"
    );
    Command::new("setsid")
        .args(["sh", "-c", &script])
        .arg(std::process::id().to_string())
        .arg(pg_ctl)
        .arg(data)
        .arg(remove.map(|p| p.as_os_str()).unwrap_or_default())
        .arg(postmaster)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| ClusterError::Command {
            step: "watcher".into(),
            message: e.to_string(),
        })?;
    Ok(())
}

/// Hands `dir` to the `postgres` user, who runs the server when this process is root.
fn chown_to_postgres(dir: &Path) -> Result<(), ClusterError> {
    run(
        "chown",
        Command::new("chown")
            .arg("-R")
            .arg("postgres:postgres")
            .arg(dir),
    )
}

/// A PostgreSQL tool, run as `postgres` (through `runuser`) when this process is root: initdb
/// refuses root, and the server must own its directory.
fn pg_command(bin: &Path, as_postgres: bool, tool: &str) -> Command {
    let exe = bin.join(tool);
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(exe);
        c
    } else {
        Command::new(exe)
    }
}

/// The group whose members must give their password over TCP, as every login on a hosted
/// register must: a test that proves a password stopped working (a spent invitation) puts its
/// login in it. Nobody else is in it, so every other login is trusted as before.
pub const PASSWORD_CHECKED_GROUP: &str = "fabrik_password_checked";

/// `initdb` with a trusting superuser `postgres`, UTF-8 and the C locale, plus `extra`; members
/// of `PASSWORD_CHECKED_GROUP` are asked for their password (SCRAM).
fn initdb(bin: &Path, as_postgres: bool, data: &Path, extra: &[&str]) -> Result<(), ClusterError> {
    run(
        "initdb",
        pg_command(bin, as_postgres, "initdb")
            .arg("-D")
            .arg(data)
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"])
            .args(extra),
    )?;
    // The first line that matches decides: this one before initdb's trusting ones.
    let hba = data.join("pg_hba.conf");
    let rest = std::fs::read_to_string(&hba)?;
    std::fs::write(
        &hba,
        format!("host all +{PASSWORD_CHECKED_GROUP} 127.0.0.1/32 scram-sha-256\n{rest}"),
    )?;
    Ok(())
}

/// `pg_ctl start` on a free loopback port with the server options `opts` added; returns the
/// port. Tries a few ports (another process may take one between probing and binding); the
/// error carries the end of the server's log.
fn start_on_free_port(
    bin: &Path,
    as_postgres: bool,
    data: &Path,
    log: &Path,
    opts: &str,
) -> Result<u16, ClusterError> {
    let mut last_err = None;
    for _ in 0..5 {
        let port = free_port()?;
        // Dynamic shared memory as files in the data folder (`pg_dynshmem`), not in /dev/shm:
        // a server killed with kill -9 (the test command's cleanup, a crashed run) never
        // removes its segments, and /dev/shm had gathered 391 MB of them over a few days.
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -c max_connections=200 \
             -c dynamic_shared_memory_type=mmap {opts}"
        );
        match run(
            "pg_ctl start",
            pg_command(bin, as_postgres, "pg_ctl")
                .arg("-D")
                .arg(data)
                .arg("-l")
                .arg(log)
                .arg("-o")
                .arg(&opts)
                .args(["-w", "-t", "60", "start"]),
        ) {
            Ok(()) => return Ok(port),
            Err(e) => last_err = Some(e),
        }
    }
    let server_log = std::fs::read_to_string(log).unwrap_or_default();
    let tail: Vec<&str> = server_log.lines().rev().take(40).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(match last_err {
        Some(ClusterError::Command { step, message }) => ClusterError::Command {
            step,
            message: format!("{message}\n{}", tail.join("\n")),
        },
        Some(e) => e,
        None => ClusterError::NotInstalled,
    })
}

fn run(step: &str, cmd: &mut Command) -> Result<(), ClusterError> {
    let out = cmd.output().map_err(|e| ClusterError::Command {
        step: step.into(),
        message: e.to_string(),
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(ClusterError::Command {
            step: step.into(),
            message: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        })
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` that has `initdb`.
fn find_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b)
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(Path::new("/proc/self"))
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
