//! Handovers in the register (issue #59): what of a customer's instance was handed to whom,
//! when the customer took each part, and whether it was withdrawn. The codes and tokens
//! themselves are never here: they went to the customer in the letter only.

use serde::Serialize;
use ts_rs::TS;

use crate::environment::Environment;
use crate::error::Result;
use crate::messages::Right;
use crate::store::db::{params, Optional, Row};
use crate::store::db_now;
use crate::store::{Rows, Store};

/// One handover of a customer's instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Handover {
    #[ts(type = "number")]
    pub id: i64,
    #[serde(skip)]
    pub customer_id: i64,
    #[ts(type = "number | null")]
    pub run_id: Option<i64>,
    /// The GitHub account or organization the repository goes to.
    pub to_github: String,
    /// The Vercel team that accepts the project.
    pub to_vercel_team: String,
    /// The Supabase organization that claims the project.
    pub to_supabase_org: String,
    /// Where the letter went.
    pub contact: String,
    /// Where the letter was saved, on the seat that sent it.
    pub letter: Option<String>,
    pub requested_at: String,
    pub requested_by: Option<String>,
    pub supabase_claimed_at: Option<String>,
    pub vercel_accepted_at: Option<String>,
    pub github_accepted_at: Option<String>,
    /// All three taken: the instance is the customer's, and Fabrik leaves it alone.
    pub handed_over_at: Option<String>,
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<String>,
}

/// What a handover asks, as the run records it.
#[derive(Debug, Clone)]
pub struct NewHandover<'a> {
    pub customer_id: i64,
    pub environment: Environment,
    pub run_id: i64,
    pub to_github: &'a str,
    pub to_vercel_team: &'a str,
    pub to_supabase_org: &'a str,
    pub contact: &'a str,
    pub letter: Option<&'a str>,
}

/// One part of a handover the customer takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Supabase,
    Vercel,
    Github,
}

impl Part {
    fn column(self) -> &'static str {
        match self {
            Part::Supabase => "supabase_claimed_at",
            Part::Vercel => "vercel_accepted_at",
            Part::Github => "github_accepted_at",
        }
    }
}

const COLUMNS: &str = "id, customer_id, run_id, to_github, to_vercel_team, to_supabase_org, contact, letter, requested_at, requested_by, supabase_claimed_at, vercel_accepted_at, github_accepted_at, handed_over_at, withdrawn_at, withdrawn_by";

fn row(r: &Row) -> crate::store::db::Result<Handover> {
    Ok(Handover {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        run_id: r.get(2)?,
        to_github: r.get(3)?,
        to_vercel_team: r.get(4)?,
        to_supabase_org: r.get(5)?,
        contact: r.get(6)?,
        letter: r.get(7)?,
        requested_at: r.get(8)?,
        requested_by: r.get(9)?,
        supabase_claimed_at: r.get(10)?,
        vercel_accepted_at: r.get(11)?,
        github_accepted_at: r.get(12)?,
        handed_over_at: r.get(13)?,
        withdrawn_at: r.get(14)?,
        withdrawn_by: r.get(15)?,
    })
}

/// The register's rows of this area: bring it into scope to read or write them.
pub trait HandoverRows: Rows {
    /// Records the handover a run made (once: a resumed run's second write changes the row
    /// it wrote). Refused on a shared register to a login without the teardown's right.
    fn record_handover(&self, h: &NewHandover) -> Result<i64> {
        let conn = self.store().conn();
        let now = db_now(&conn)?.to_rfc3339();
        let mine: Option<i64> = conn
            .query_row(
                "SELECT id FROM handovers WHERE run_id = ?1",
                params![h.run_id],
                |r| r.get(0),
            )
            .optional()?;
        let write = match mine {
            Some(id) => conn
                .execute(
                    "UPDATE handovers SET letter = ?2 WHERE id = ?1",
                    params![id, h.letter],
                )
                .map(|_| id),
            None => conn
                .execute(
                    "INSERT INTO handovers (customer_id, environment, run_id, to_github,
                        to_vercel_team, to_supabase_org, contact, letter, requested_at, requested_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        h.customer_id,
                        h.environment,
                        h.run_id,
                        h.to_github,
                        h.to_vercel_team,
                        h.to_supabase_org,
                        h.contact,
                        h.letter,
                        now,
                        self.store().person()
                    ],
                )
                .and_then(|_| {
                    conn.query_row(
                        "SELECT id FROM handovers WHERE run_id = ?1",
                        params![h.run_id],
                        |r| r.get(0),
                    )
                }),
        };
        write.map_err(|e| self.store().refused(Right::Teardown)(e.into()))
    }

    /// The customer's handover in `env` that was not withdrawn, if any.
    fn handover(&self, customer_id: i64, env: Environment) -> Result<Option<Handover>> {
        Ok(self
            .store()
            .conn()
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM handovers
                     WHERE customer_id = ?1 AND environment = ?2 AND withdrawn_at IS NULL"
                ),
                params![customer_id, env],
                row,
            )
            .optional()?)
    }

    /// Whether the customer's instance in `env` was handed over: no run touches it again.
    fn handed_over(&self, customer_id: i64, env: Environment) -> Result<bool> {
        Ok(self
            .handover(customer_id, env)?
            .is_some_and(|h| h.handed_over_at.is_some()))
    }

    /// Every handover in `env` still waiting for the customer, with the customer's slug.
    fn handovers_waiting(&self, env: Environment) -> Result<Vec<(String, Handover)>> {
        let cols = COLUMNS
            .split(", ")
            .map(|c| format!("h.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(self.store().conn().query_map(
            &format!(
                "SELECT {cols}, c.slug FROM handovers h JOIN customers c ON c.id = h.customer_id
                 WHERE h.environment = ?1 AND h.withdrawn_at IS NULL AND h.handed_over_at IS NULL
                 ORDER BY h.id"
            ),
            params![env],
            |r| Ok((r.get(16)?, row(r)?)),
        )?)
    }

    /// The customer took `part`: kept once, with the register's time; the last of the three
    /// marks the handover done. What it is now.
    fn handover_taken(&self, id: i64, part: Part) -> Result<Handover> {
        let conn = self.store().conn();
        let now = db_now(&conn)?.to_rfc3339();
        let column = part.column();
        conn.execute(
            &format!(
                "UPDATE handovers SET {column} = ?2
                 WHERE id = ?1 AND {column} IS NULL AND withdrawn_at IS NULL"
            ),
            params![id, now],
        )?;
        conn.execute(
            "UPDATE handovers SET handed_over_at = ?2
             WHERE id = ?1 AND handed_over_at IS NULL AND withdrawn_at IS NULL
               AND supabase_claimed_at IS NOT NULL AND vercel_accepted_at IS NOT NULL
               AND github_accepted_at IS NOT NULL",
            params![id, now],
        )?;
        Ok(conn.query_row(
            &format!("SELECT {COLUMNS} FROM handovers WHERE id = ?1"),
            params![id],
            row,
        )?)
    }

    /// Withdraws a handover the customer has not finished taking. `false` when there was none
    /// to withdraw (none, or already handed over).
    fn withdraw_handover(&self, id: i64) -> Result<bool> {
        let conn = self.store().conn();
        let now = db_now(&conn)?.to_rfc3339();
        let n = conn
            .execute(
                "UPDATE handovers SET withdrawn_at = ?2, withdrawn_by = ?3
                 WHERE id = ?1 AND withdrawn_at IS NULL AND handed_over_at IS NULL",
                params![id, now, self.store().person()],
            )
            .map_err(|e| self.store().refused(Right::Teardown)(e.into()))?;
        Ok(n > 0)
    }
}

impl HandoverRows for Store {}
