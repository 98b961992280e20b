//! The register of customers' exports (issue #59): one row per archive written for a customer,
//! with who wrote it, when, and its size and SHA-256. The archive is on the disk of the seat
//! that wrote it; the register only says what was handed out, and when the agency's keeping of
//! one in its export folder ended (`removed_at`).

use serde::Serialize;
use ts_rs::TS;

use crate::environment::Environment;
use crate::error::Result;
use crate::store::db::{params, Dialect, Row};
use crate::store::{now, Rows, Store};
use crate::vocabulary::vocabulary;

vocabulary!(
    /// Why an archive was written.
    pub enum ExportReason {
        /// A person asked for it (the window's button, `fabrik export`).
        Asked => "asked",
        /// Before the instance was torn down, as the teardown offers.
        Teardown => "teardown",
        /// At the end of a subscription cancelled at its period's end (the tick).
        PeriodEnd => "period_end",
        /// The instance's database and people for another instance (`fabrik export --for-move`).
        Move => "move",
    }
);

/// An export as the register keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExportRecord {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub customer_id: i64,
    pub environment: Environment,
    /// The archive's file name (not its folder: a seat's own disk).
    pub file: String,
    #[ts(type = "number")]
    pub bytes: i64,
    pub sha256: String,
    pub schema_version: Option<String>,
    pub template_version: Option<String>,
    pub taken_at: String,
    /// The seat (user@host) that wrote it, and the login on a shared register.
    pub seat: String,
    pub person: Option<String>,
    pub reason: ExportReason,
    /// In the seat's export folder, kept for the agency's `export.keep_days`; otherwise where a
    /// person put it, and theirs.
    pub in_folder: bool,
    /// When the keeping ended and the file was deleted (or found gone).
    pub removed_at: Option<String>,
}

/// An export as written, before the register numbers it.
pub struct NewExport<'a> {
    pub customer_id: i64,
    pub environment: Environment,
    pub file: &'a str,
    pub bytes: u64,
    pub sha256: &'a str,
    pub schema_version: Option<&'a str>,
    pub template_version: Option<&'a str>,
    pub reason: ExportReason,
    pub in_folder: bool,
}

const COLUMNS: &str = "id, customer_id, environment, file, bytes, sha256, schema_version,
    template_version, taken_at, seat, person, COALESCE(reason, 'asked'), in_folder, removed_at";

fn row(r: &Row) -> crate::store::db::Result<ExportRecord> {
    Ok(ExportRecord {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        environment: r.get(2)?,
        file: r.get(3)?,
        bytes: r.get(4)?,
        sha256: r.get(5)?,
        schema_version: r.get(6)?,
        template_version: r.get(7)?,
        taken_at: r.get(8)?,
        seat: r.get(9)?,
        person: r.get(10)?,
        reason: r.get(11)?,
        in_folder: r.get(12)?,
        removed_at: r.get(13)?,
    })
}

/// The register's rows of this area: bring it into scope to read or write them.
pub trait ExportRows: Rows {
    /// Records an export written (on a shared register the server writes when and by whom).
    fn record_export(&self, new: &NewExport<'_>) -> Result<ExportRecord> {
        let bytes = i64::try_from(new.bytes).unwrap_or(i64::MAX);
        Ok(self.store().conn().query_row(
            &format!(
                "INSERT INTO exports (customer_id, environment, file, bytes, sha256, schema_version,
                                      template_version, taken_at, seat, person, reason, in_folder)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING {COLUMNS}"
            ),
            params![
                new.customer_id,
                new.environment,
                new.file,
                bytes,
                new.sha256,
                new.schema_version,
                new.template_version,
                now().to_rfc3339(),
                self.store().seat(),
                self.store().person(),
                new.reason,
                new.in_folder,
            ],
            row,
        )?)
    }

    /// The customer's exports in `env`, newest first.
    fn exports(&self, customer_id: i64, env: Environment) -> Result<Vec<ExportRecord>> {
        Ok(self.store().conn().query_map(
            &format!(
                "SELECT {COLUMNS} FROM exports WHERE customer_id = ?1 AND environment = ?2
                  ORDER BY id DESC"
            ),
            params![customer_id, env],
            row,
        )?)
    }

    /// The archives this seat wrote into its export folder and still keeps, oldest first: what
    /// its keeping may delete. On a shared register only rows its own login wrote (the server
    /// stamps the login), so a row written in this seat's name by another cannot steer it.
    fn own_kept_exports(&self) -> Result<Vec<ExportRecord>> {
        let conn = self.store().conn();
        let login = match conn.dialect() {
            Dialect::Sqlite => "",
            Dialect::Postgres => "AND person = session_user",
        };
        Ok(conn.query_map(
            &format!(
                "SELECT {COLUMNS} FROM exports
                  WHERE seat = ?1 AND in_folder AND removed_at IS NULL {login}
                  ORDER BY taken_at, id"
            ),
            params![self.store().seat()],
            row,
        )?)
    }

    /// Marks an export's file as deleted; `false` when it already was.
    fn mark_export_removed(&self, id: i64) -> Result<bool> {
        let changed = self.store().conn().execute(
            "UPDATE exports SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL",
            params![id, now().to_rfc3339()],
        )?;
        Ok(changed > 0)
    }
}

impl ExportRows for Store {}

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(EXPORT_REASONS: "export_reasons" => ExportReason);
