//! Who drives a run: leases judged on the database's clock, claims, heartbeats, and the runs
//! whose driver is gone.

use super::clock::db_now;
use super::db::{params, Conn, Optional};
use super::runs::{active_list, run_row, RunRow, RUN_COLUMNS};
use super::Store;
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::ledger::{Driver, RunState};

impl Store {
    /// Takes over a run to drive it (resume, retry, roll back): only when no driver holds it,
    /// i.e. it is paused (failed, cancelled) or its driver stopped sending heartbeats. A live
    /// driver in this same process holds it too: a second "Försök igen" click, or "Återställ"
    /// during a retry, is refused rather than becoming a second driver of the same run.
    pub fn claim_run(
        &self,
        run_id: i64,
        state: RunState,
        stale_after: std::time::Duration,
    ) -> Result<Option<Driver>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let now = db_now(&tx)?;
        let stale_before = stale_before(now, stale_after);
        let lease = Lease::read(&tx, run_id)?;
        let (active, customer_id) = (lease.state.is_active(), lease.customer_id);
        let stale = lease.gone(&stale_before, self.seat());
        if active && !stale {
            return Ok(None);
        }
        if !active {
            // Becoming active again must respect one active run per customer.
            let other: Option<i64> = tx
                .query_row(
                    &format!(
                        "SELECT id FROM runs WHERE customer_id = ?1 AND id != ?2 AND state IN {}",
                        active_list()
                    ),
                    params![customer_id, run_id],
                    |r| r.get(0),
                )
                .optional()?;
            if other.is_some() {
                return Ok(None);
            }
        }
        let driver = Driver::new(run_id);
        tx.execute(
            "UPDATE runs SET state = ?2, owner_pid = ?3, heartbeat_at = ?4, finished_at = NULL, driver = ?5, seat = ?6
             WHERE id = ?1",
            params![run_id, state, std::process::id(), now.to_rfc3339(), driver.token(), self.seat()],
        )?;
        tx.commit()?;
        Ok(Some(driver))
    }

    /// Takes over an active run whose driver is gone (killed, power lost): its heartbeat is
    /// older than `stale_after`, or (on Linux) its process no longer exists. A live driver —
    /// in this process too — keeps its run. Only `running`/`cancelling` runs; a run that was
    /// rolling back is continued by an explicit resume.
    pub fn claim_stale(
        &self,
        run_id: i64,
        stale_after: std::time::Duration,
    ) -> Result<Option<Driver>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let now = db_now(&tx)?;
        let stale_before = stale_before(now, stale_after);
        let lease = Lease::read(&tx, run_id)?;
        let (state, stale) = (lease.state, lease.gone(&stale_before, self.seat()));
        if !matches!(state, RunState::Running | RunState::Cancelling) || !stale {
            return Ok(None);
        }
        let driver = Driver::new(run_id);
        tx.execute(
            "UPDATE runs SET state = ?2, owner_pid = ?3, heartbeat_at = ?4, cancel_rollback = NULL, driver = ?5, seat = ?6
             WHERE id = ?1",
            params![run_id, RunState::Running, std::process::id(), now.to_rfc3339(), driver.token(),
                    self.seat()],
        )?;
        tx.commit()?;
        Ok(Some(driver))
    }

    /// The driver's sign of life; `DriverLost` once another driver has claimed the run.
    pub fn heartbeat(&self, driver: &Driver) -> Result<()> {
        let conn = self.conn();
        let changed = conn.execute(
            &format!(
                "UPDATE runs SET heartbeat_at = {} WHERE id = ?1 AND driver = ?2",
                conn.dialect().now()
            ),
            params![driver.run_id, driver.token()],
        )?;
        super::journal::fenced(&conn, changed, driver, None)
    }

    /// Runs that were active when their process stopped: heartbeats older than `stale_after`.
    pub fn interrupted_runs(
        &self,
        stale_after: std::time::Duration,
        environment: Environment,
    ) -> Result<Vec<RunRow>> {
        let conn = self.conn();
        let stale_before = stale_before(db_now(&conn)?, stale_after);
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM runs r JOIN customers c ON c.id = r.customer_id
             WHERE r.state IN {} AND r.environment = ?1 ORDER BY r.id",
            active_list()
        );
        let rows = conn.query_map(&sql, [environment], run_row)?;
        // Interrupted: its owner stopped sending heartbeats, or (on Linux) is known to be gone.
        let me = i64::from(std::process::id());
        let this_seat = self.seat();
        Ok(rows
            .into_iter()
            .filter(|r| {
                let mine =
                    r.owner_pid == Some(me) && r.seat.as_deref().is_none_or(|s| s == this_seat);
                !mine
                    && driver_gone(
                        r.heartbeat_at.as_deref(),
                        r.seat.as_deref(),
                        r.owner_pid,
                        &stale_before,
                        this_seat,
                    )
            })
            .collect())
    }
}

/// Whether the process that last drove a run still exists. On Linux a dead owner is known at
/// once (no need to wait for its heartbeat to age); elsewhere the heartbeat alone decides.
fn process_alive(pid: i64) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

/// The newest heartbeat that counts as lapsed at `now`. Heartbeats are stored to the second,
/// so a beat as old as this bound has lapsed too (with no grace, any beat has: a test's
/// takeover).
pub fn stale_before(
    now: chrono::DateTime<chrono::Utc>,
    stale_after: std::time::Duration,
) -> String {
    (now - chrono::Duration::from_std(stale_after).unwrap_or_default()).to_rfc3339()
}

fn lapsed(heartbeat: Option<&str>, stale_before: &str) -> bool {
    heartbeat.is_none_or(|h| h <= stale_before)
}

/// Whether a run's driver is gone: its heartbeat lapsed, or this very installation drove it
/// and that process no longer exists. Any other seat's process id says nothing here, even one
/// of the same name (two computers called `ubuntu`): only its lease does.
pub fn driver_gone(
    heartbeat: Option<&str>,
    seat: Option<&str>,
    pid: Option<i64>,
    stale_before: &str,
    this_seat: &str,
) -> bool {
    let here = seat.is_some_and(|s| crate::seat::same_installation(s, this_seat));
    lapsed(heartbeat, stale_before) || (here && pid.is_some_and(|p| !process_alive(p)))
}

/// Who holds a run, as its row says.
struct Lease {
    state: RunState,
    heartbeat: Option<String>,
    pid: Option<i64>,
    seat: Option<String>,
    customer_id: i64,
}

impl Lease {
    fn read(conn: &Conn, run_id: i64) -> Result<Lease> {
        conn.query_row(
            "SELECT state, heartbeat_at, owner_pid, seat, customer_id FROM runs WHERE id = ?1",
            [run_id],
            |r| {
                Ok(Lease {
                    state: r.get(0)?,
                    heartbeat: r.get(1)?,
                    pid: r.get(2)?,
                    seat: r.get(3)?,
                    customer_id: r.get(4)?,
                })
            },
        )
        .optional()?
        .ok_or(Error::RunNotFound(run_id))
    }

    fn gone(&self, stale_before: &str, this_seat: &str) -> bool {
        driver_gone(
            self.heartbeat.as_deref(),
            self.seat.as_deref(),
            self.pid,
            stale_before,
            this_seat,
        )
    }
}
