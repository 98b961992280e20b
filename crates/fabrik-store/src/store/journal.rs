//! The store as the journal's `Ledger`: a run's or a step's transition and its log line in one
//! transaction, fenced by the driver that holds the run. Every write of a driver comes here
//! (`Store::write`, through `ledger::Journal`); `set_run_state` and `step_update` are the same
//! write with one part.

use super::db::{params, Conn};
use super::{now, Store};
use crate::error::{Error, Result};
use crate::ledger::journal::{Change, Entry, Ledger, Line};
use crate::ledger::{Driver, RunState, StepKey, StepState, StepUpdate};
use crate::messages::Text;

/// A ledger write that changed no row (or several) wrote nothing it meant to: an error, never
/// a silent success — the ledger is what rollback and resume trust.
pub fn exactly_one(changed: usize, run: i64, step: Option<StepKey>) -> Result<()> {
    if changed == 1 {
        Ok(())
    } else {
        Err(Error::LedgerRowMissing { run, step })
    }
}

/// A fenced write that changed nothing: the run is another driver's now (`DriverLost`), or
/// the row is not there at all.
pub(super) fn fenced(
    conn: &Conn,
    changed: usize,
    driver: &Driver,
    step: Option<StepKey>,
) -> Result<()> {
    if changed == 1 {
        return Ok(());
    }
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?1)",
        [driver.run_id],
        |r| r.get(0),
    )?;
    if exists && changed == 0 {
        Err(Error::DriverLost(driver.run_id))
    } else {
        exactly_one(changed, driver.run_id, step)
    }
}

impl Ledger for Store {
    type Error = Error;

    fn write(&self, driver: &Driver, entry: &Entry) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        match &entry.change {
            // A line alone is fenced too: a driver that lost the run says nothing more in it.
            Change::Nothing => hold(&tx, driver, None)?,
            Change::Run {
                state,
                error,
                failed_step,
            } => run_state(&tx, driver, *state, error.as_ref(), *failed_step)?,
            Change::Step(key, update) => step(&tx, driver, *key, update)?,
        }
        if let Some(line) = &entry.line {
            log_line(&tx, driver.run_id, line)?;
        }
        tx.commit()?;
        Ok(())
    }
}

impl Store {
    /// The fence, on its own: `Ok` while this driver still holds the run, `DriverLost` once
    /// another has taken it over. Checked right before every call that changes something
    /// outside (`provision::proof`), so a driver frozen after its ownership read and thawed
    /// after a takeover makes no call.
    pub fn hold(&self, driver: &Driver) -> Result<()> {
        hold(&self.conn(), driver, None)
    }

    /// The driver's own run state. A driver that lost the run writes nothing (`DriverLost`).
    pub fn set_run_state(
        &self,
        driver: &Driver,
        state: RunState,
        error: Option<&Text>,
        failed_step: Option<StepKey>,
    ) -> Result<()> {
        let change = Change::Run {
            state,
            error: error.cloned(),
            failed_step,
        };
        self.write(
            driver,
            &Entry {
                change,
                line: None,
                event: None,
            },
        )
    }

    /// A step's ledger row, written by the run's driver only.
    pub fn step_update(&self, driver: &Driver, key: StepKey, update: StepUpdate) -> Result<()> {
        self.write(driver, &Entry::step(key, update))
    }
}

fn log_line(conn: &Conn, run_id: i64, line: &Line) -> Result<()> {
    // The ledger is a log that a user reads: scrub secrets here too, not only in tracing.
    let message = line.message.redacted();
    conn.execute(
        "INSERT INTO run_log (run_id, step, at, level, message, attempt, duration_ms, request_id, message_en) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![run_id, line.step, now().to_rfc3339(), line.level, message.sv, line.attempt,
                line.duration_ms.map(|d| d as i64), line.request_id.as_deref(), message.en],
    )?;
    Ok(())
}

fn run_state(
    conn: &Conn,
    driver: &Driver,
    state: RunState,
    error: Option<&Text>,
    failed_step: Option<StepKey>,
) -> Result<()> {
    let finished = (!state.is_active()).then(|| now().to_rfc3339());
    let error = error.map(Text::redacted);
    let (sv, en) = (error.as_ref().map(|e| &e.sv), error.as_ref().map(|e| &e.en));
    let changed = conn.execute(
        "UPDATE runs SET state = ?2, error = ?3, failed_step = ?4, finished_at = ?5, error_en = ?6
         WHERE id = ?1 AND driver = ?7",
        params![
            driver.run_id,
            state,
            sv,
            failed_step,
            finished,
            en,
            driver.token()
        ],
    )?;
    fenced(conn, changed, driver, None)
}

/// That the run is still this driver's, inside the transaction that writes for it.
fn hold(conn: &Conn, driver: &Driver, step: Option<StepKey>) -> Result<()> {
    let holds: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?1 AND driver = ?2)",
        params![driver.run_id, driver.token()],
        |r| r.get(0),
    )?;
    if holds {
        Ok(())
    } else {
        fenced(conn, 0, driver, step)
    }
}

/// A step's row, in the transaction that checks the run is still this driver's.
fn step(conn: &Conn, driver: &Driver, key: StepKey, update: &StepUpdate) -> Result<()> {
    hold(conn, driver, Some(key))?;
    let run_id = driver.run_id;
    let ts = now().to_rfc3339();
    let redact = crate::secrets::redact;
    let changed = match update {
        StepUpdate::Started { attempt } => conn.execute(
            "UPDATE run_steps SET state = ?5, attempts = ?3, error = NULL, waiting_for = NULL, error_en = NULL, waiting_for_en = NULL,
                started_at = COALESCE(started_at, ?4), finished_at = NULL WHERE run_id = ?1 AND key = ?2",
            params![run_id, key, attempt, ts, StepState::Running],
        )?,
        StepUpdate::Intent(name) => {
            conn.execute("UPDATE run_steps SET intent = ?3 WHERE run_id = ?1 AND key = ?2", params![run_id, key, name])?
        }
        StepUpdate::Waiting(what) => conn.execute(
            "UPDATE run_steps SET state = ?4, waiting_for = ?3, waiting_for_en = ?5 WHERE run_id = ?1 AND key = ?2",
            params![run_id, key, what.sv, StepState::Waiting, what.en],
        )?,
        StepUpdate::Retrying(reason) => conn.execute(
            "UPDATE run_steps SET state = ?4, error = ?3, error_en = ?5 WHERE run_id = ?1 AND key = ?2",
            params![run_id, key, redact(&reason.sv), StepState::Retrying, redact(&reason.en)],
        )?,
        StepUpdate::Resource { external_id, created, output } => conn.execute(
            "UPDATE run_steps SET external_id = ?3, created = ?4, output = ?5,
                seq = COALESCE(seq, (SELECT COALESCE(MAX(seq), 0) + 1 FROM run_steps WHERE run_id = ?1))
             WHERE run_id = ?1 AND key = ?2",
            params![run_id, key, external_id, created, output.as_ref().map(|o| o.to_string())],
        )?,
        StepUpdate::Succeeded => conn.execute(
            "UPDATE run_steps SET state = ?4, waiting_for = NULL, error = NULL, waiting_for_en = NULL, error_en = NULL, finished_at = ?3 WHERE run_id = ?1 AND key = ?2",
            params![run_id, key, ts, StepState::Succeeded],
        )?,
        StepUpdate::Failed(error) => conn.execute(
            "UPDATE run_steps SET state = ?5, waiting_for = NULL, waiting_for_en = NULL, error = ?3, error_en = ?6, finished_at = ?4 WHERE run_id = ?1 AND key = ?2",
            params![run_id, key, redact(&error.sv), ts, StepState::Failed, redact(&error.en)],
        )?,
        StepUpdate::State(state) => {
            conn.execute("UPDATE run_steps SET state = ?3, waiting_for = NULL, waiting_for_en = NULL WHERE run_id = ?1 AND key = ?2", params![run_id, key, state])?
        }
    };
    exactly_one(changed, run_id, Some(key))
}
