//! Moving a register file into a shared register (`fabrik register migrate --to URL`): every
//! table's rows with their ids, in one transaction on the target, then counts and checksums of
//! both sides compared. The file is only read, and the target takes all of it or none (a move
//! killed half-way leaves the target as it was), so a move can always be started again.

use serde::Serialize;

use super::db::{Conn, Optional, Value};
use super::Store;
use crate::error::{Error, Result};

/// The tables a move copies, parents first. `listing` is not among them: the target's triggers
/// build it from these. `sql` names the columns a row is read by (`run_steps` keeps SQLite's
/// insertion order, its implicit `rowid`, in a column of that name).
const TABLES: &[(&str, &str)] = &[
    ("settings", "key"),
    ("customers", "id"),
    ("instances", "customer_id, environment"),
    ("health_checks", "customer_id, environment"),
    ("runs", "id"),
    ("run_steps", "rowid"),
    ("run_log", "id"),
    ("adoptions", "id"),
];

/// PostgreSQL takes at most 65,535 parameters in one statement; a batch stays well below.
const MAX_PARAMS: usize = 30_000;
const MAX_BATCH: usize = 1_000;

/// The tables whose `id` is an identity column on PostgreSQL, moved past the copied ids.
const IDENTITIES: &[(&str, &str)] = &[
    ("customers", "id"),
    ("runs", "id"),
    ("run_steps", "rowid"),
    ("run_log", "id"),
    ("adoptions", "id"),
];

/// One table on both sides after a move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TableCheck {
    pub table: String,
    #[ts(type = "number")]
    pub rows: u64,
    /// The sum of every row's FNV-1a over its values, the same on both backends.
    pub checksum: String,
    #[ts(type = "number")]
    pub target_rows: u64,
    pub target_checksum: String,
}

impl TableCheck {
    pub fn matches(&self) -> bool {
        self.rows == self.target_rows && self.checksum == self.target_checksum
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct MoveReport {
    pub target: String,
    pub tables: Vec<TableCheck>,
    #[ts(type = "number")]
    pub millis: u64,
}

impl Store {
    /// Copies this register (a file) into `target` (a shared register with no customers yet),
    /// then compares every table on both sides.
    pub fn move_into(&self, target: &Store) -> Result<MoveReport> {
        let started = std::time::Instant::now();
        let mut file = self.conn();
        if file.as_sqlite().is_none() {
            return Err(Error::DatabaseOpen(
                "bara ett registers fil kan flyttas till ett delat register".into(),
            ));
        }
        // The file's write lock for the whole move: no run starts, and nothing is written,
        // between the check below and the last row copied (only read; rolled back on drop).
        let source = file.transaction()?;
        refuse_active_runs(&source)?;
        let mut dest = target.conn();
        if dest.as_postgres().is_none() {
            return Err(Error::DatabaseOpen(
                "målet måste vara ett delat register (postgres://…)".into(),
            ));
        }
        let tx = dest.transaction()?;
        let already: i64 = tx.query_row("SELECT COUNT(*) FROM customers", (), |r| r.get(0))?;
        if already > 0 {
            return Err(Error::DatabaseOpen(format!(
                "{} har redan {already} kunder; en flytt görs bara till ett tomt register \
                 (importera en fil i stället för att slå ihop två register)",
                target.path().display()
            )));
        }
        // Settings a fresh target made on its own (none today) give way to the file's.
        tx.execute("DELETE FROM settings", ())?;
        for (table, key) in TABLES {
            let columns = source_columns(&source, table)?;
            let list = columns.join(", ");
            // Many rows per statement: one round trip per batch, not per row.
            let per_batch = (MAX_PARAMS / columns.len()).clamp(1, MAX_BATCH);
            let insert = |values: Vec<Value>| -> Result<()> {
                let rows = values.len() / columns.len();
                let tuples: Vec<String> = (0..rows)
                    .map(|r| {
                        let marks: Vec<String> = (1..=columns.len())
                            .map(|c| format!("?{}", r * columns.len() + c))
                            .collect();
                        format!("({})", marks.join(", "))
                    })
                    .collect();
                tx.execute(
                    &format!(
                        "INSERT INTO {table} ({list}) OVERRIDING SYSTEM VALUE VALUES {}",
                        tuples.join(", ")
                    ),
                    values,
                )?;
                Ok(())
            };
            let mut batch: Vec<Value> = Vec::with_capacity(per_batch * columns.len());
            source.for_each(
                &format!("SELECT {list} FROM {table} ORDER BY {key}"),
                (),
                |row| {
                    batch.extend_from_slice(row.values());
                    if batch.len() >= per_batch * columns.len() {
                        insert(std::mem::take(&mut batch))?;
                    }
                    Ok::<_, Error>(())
                },
            )?;
            if !batch.is_empty() {
                insert(batch)?;
            }
        }
        for (table, column) in IDENTITIES {
            tx.execute_batch(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                               COALESCE((SELECT max({column}) FROM {table}), 0) + 1, false)"
            ))?;
        }
        let mut tables = Vec::new();
        for (table, _) in TABLES {
            let columns = source_columns(&source, table)?;
            let (rows, sum) = checksum(&source, table, &columns)?;
            let (target_rows, target_checksum) = checksum(&tx, table, &columns)?;
            tables.push(TableCheck {
                table: table.to_string(),
                rows,
                checksum: sum,
                target_rows,
                target_checksum,
            });
        }
        if let Some(bad) = tables.iter().find(|t| !t.matches()) {
            return Err(Error::DatabaseOpen(format!(
                "flytten stämmer inte för {}: {} rader ({}) här, {} ({}) i målet; ingenting sparades",
                bad.table, bad.rows, bad.checksum, bad.target_rows, bad.target_checksum
            )));
        }
        tx.commit()?;
        Ok(MoveReport {
            target: target.path().display().to_string(),
            tables,
            millis: started.elapsed().as_millis().try_into().unwrap_or(u64::MAX),
        })
    }
}

/// A run in progress stays where it is driven: moved, its driver would go on writing to the
/// file while the shared copy showed it running for ever, for another seat to take over.
fn refuse_active_runs(source: &Conn) -> Result<()> {
    let active = crate::ledger::RunState::ACTIVE.map(|s| format!("'{}'", s.as_str()));
    let first = source
        .query_row(
            &format!(
                "SELECT r.id, r.state, c.slug FROM runs r JOIN customers c ON c.id = r.customer_id
                 WHERE r.state IN ({}) ORDER BY r.id LIMIT 1",
                active.join(", ")
            ),
            (),
            |r| Ok((r.get::<i64>(0)?, r.get(1)?, r.get::<String>(2)?)),
        )
        .optional()?;
    match first {
        Some((run, state, slug)) => Err(Error::MoveRunActive { run, state, slug }),
        None => Ok(()),
    }
}

/// The file's columns of `table`, in their order (`run_steps` with its `rowid`).
fn source_columns(source: &Conn, table: &str) -> Result<Vec<String>> {
    let mut columns: Vec<String> = source.query_map(
        &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
        (),
        |r| r.get(0),
    )?;
    if *table == *"run_steps" {
        columns.insert(0, "rowid".into());
    }
    Ok(columns)
}

/// Rows and a checksum of `columns` of `table`: the sum of each row's FNV-1a, so it does not
/// depend on the order either database sorts text in. A flag reads as 0 or 1 on both backends,
/// so a file's `1` and PostgreSQL's `true` sum the same.
fn checksum(conn: &Conn, table: &str, columns: &[String]) -> Result<(u64, String)> {
    let mut sum: u64 = 0;
    let mut rows = 0;
    conn.for_each(
        &format!("SELECT {} FROM {table}", columns.join(", ")),
        (),
        |row| {
            rows += 1;
            let mut hash = crate::fnv::Fnv1a::new();
            let mut feed = |bytes: &[u8]| hash.write(bytes);
            for v in row.values() {
                match v {
                    Value::Null => feed(b"\x00null"),
                    Value::Int(i) => feed(format!("\x01{i}").as_bytes()),
                    Value::Bool(b) => feed(format!("\x01{}", i64::from(*b)).as_bytes()),
                    Value::Real(r) => feed(format!("\x02{r}").as_bytes()),
                    Value::Text(t) => {
                        feed(b"\x03");
                        feed(t.as_bytes());
                    }
                }
                feed(b"\x1f");
            }
            sum = sum.wrapping_add(hash.finish());
            Ok::<_, Error>(())
        },
    )?;
    Ok((rows, format!("{sum:016x}")))
}
