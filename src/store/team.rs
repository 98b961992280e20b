//! The customer's team in the register (issue #44): each person Fabrik invited into a
//! customer's instance, by address, with the role it gave them, what the instance answered and
//! when the last invitation went (the register's clock). The instance itself holds the person;
//! this is Fabrik's record of having invited them, which a resend or a revoke proves first.

use serde::Serialize;
use ts_rs::TS;

use super::clock::db_now;
use super::db::{params, Optional, Row};
use super::Store;
use crate::customer::TeamRole;
use crate::environment::Environment;
use crate::error::Result;
use crate::vocabulary::vocabulary;

vocabulary!(
    /// Where an invitation stands in the register.
    pub enum InviteState {
        /// Written before the instance is asked: found again after a crash, and settled by
        /// what the instance holds, so nobody gets two invitations.
        Sending => "sending",
        /// The instance made the person and sent the invitation.
        Invited => "invited",
        /// The instance refused or did not answer; nothing of the person was made.
        Failed => "failed",
        /// The person's access was taken away; their data stays.
        Revoked => "revoked",
    }
);

/// One person Fabrik invited into a customer's instance.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TeamInvite {
    #[ts(type = "number")]
    pub id: i64,
    #[serde(skip)]
    pub customer_id: i64,
    pub email: String,
    pub full_name: Option<String>,
    pub role: TeamRole,
    pub state: InviteState,
    /// The instance's Auth user id, once it made the person.
    pub auth_user_id: Option<String>,
    /// How many invitations went (the first and every resend).
    pub sends: u32,
    pub last_sent_at: Option<String>,
    pub revoked_at: Option<String>,
    /// What the instance answered the last time it refused.
    pub problem: Option<String>,
    pub created_at: String,
    /// The login that first invited them, on a shared register.
    pub created_by: Option<String>,
}

const COLUMNS: &str = "id, customer_id, email, full_name, role, state, auth_user_id, sends, last_sent_at, revoked_at, problem, created_at, created_by";

fn row(r: &Row) -> super::db::Result<TeamInvite> {
    Ok(TeamInvite {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        email: r.get(2)?,
        full_name: r.get(3)?,
        role: r.get(4)?,
        state: r.get(5)?,
        auth_user_id: r.get(6)?,
        sends: r.get::<i64>(7)?.try_into().unwrap_or(0),
        last_sent_at: r.get(8)?,
        revoked_at: r.get(9)?,
        problem: r.get(10)?,
        created_at: r.get(11)?,
        created_by: r.get(12)?,
    })
}

impl Store {
    /// Everyone Fabrik invited into the customer's instance in `environment`, by address.
    pub fn team_invites(
        &self,
        customer_id: i64,
        environment: Environment,
    ) -> Result<Vec<TeamInvite>> {
        let conn = self.conn();
        Ok(conn.query_map(
            &format!(
                "SELECT {COLUMNS} FROM team_invites WHERE customer_id = ?1 AND environment = ?2 ORDER BY email"
            ),
            params![customer_id, environment],
            row,
        )?)
    }

    pub fn team_invite(
        &self,
        customer_id: i64,
        environment: Environment,
        email: &str,
    ) -> Result<Option<TeamInvite>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM team_invites WHERE customer_id = ?1 AND environment = ?2 AND email = ?3"
                ),
                params![customer_id, environment, email.to_lowercase()],
                row,
            )
            .optional()?)
    }

    /// Writes the invitation as `sending` before the instance is asked: a new row, or one
    /// that failed or was revoked before (asked again with this name and role). A row that is
    /// `invited` or `sending` is left as it is. Answers the row as it now stands.
    pub fn begin_team_invite(
        &self,
        customer_id: i64,
        environment: Environment,
        email: &str,
        full_name: Option<&str>,
        role: TeamRole,
    ) -> Result<TeamInvite> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let now = db_now(&tx)?.to_rfc3339();
        let email = email.to_lowercase();
        tx.execute(
            "INSERT INTO team_invites (customer_id, environment, email, full_name, role, state, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'sending', ?6)
             ON CONFLICT (customer_id, environment, email) DO UPDATE
                SET state = 'sending', full_name = excluded.full_name, role = excluded.role,
                    problem = NULL, revoked_at = NULL
                WHERE team_invites.state IN ('failed', 'revoked')",
            params![customer_id, environment, email, full_name, role, now],
        )?;
        let invite = tx.query_row(
            &format!(
                "SELECT {COLUMNS} FROM team_invites WHERE customer_id = ?1 AND environment = ?2 AND email = ?3"
            ),
            params![customer_id, environment, email],
            row,
        )?;
        tx.commit()?;
        Ok(invite)
    }

    /// The instance made the person and sent an invitation (a first one or a resend).
    pub fn team_invite_sent(&self, id: i64, auth_user_id: &str) -> Result<()> {
        let conn = self.conn();
        let now = db_now(&conn)?.to_rfc3339();
        conn.execute(
            "UPDATE team_invites SET state = 'invited', auth_user_id = ?2, sends = sends + 1,
                    last_sent_at = ?3, problem = NULL, revoked_at = NULL
             WHERE id = ?1",
            params![id, auth_user_id, now],
        )?;
        Ok(())
    }

    /// The person is in the instance already, without a new invitation (one that a crash
    /// interrupted after the instance sent it).
    pub fn team_invite_found(&self, id: i64, auth_user_id: &str) -> Result<()> {
        let conn = self.conn();
        conn.execute(
            "UPDATE team_invites SET state = 'invited', auth_user_id = ?2, problem = NULL
             WHERE id = ?1",
            params![id, auth_user_id],
        )?;
        Ok(())
    }

    /// The instance refused: a first invitation becomes `failed`; a resend or a revoke keeps
    /// the state it had and says what went wrong.
    pub fn team_invite_problem(&self, id: i64, problem: &str) -> Result<()> {
        let conn = self.conn();
        conn.execute(
            "UPDATE team_invites SET problem = ?2,
                    state = CASE WHEN state = 'sending' THEN 'failed' ELSE state END
             WHERE id = ?1",
            params![id, problem],
        )?;
        Ok(())
    }

    pub fn team_invite_revoked(&self, id: i64) -> Result<()> {
        let conn = self.conn();
        let now = db_now(&conn)?.to_rfc3339();
        conn.execute(
            "UPDATE team_invites SET state = 'revoked', revoked_at = ?2, problem = NULL WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }

    /// The invitations that went to the customer's instance within the last hour (the
    /// register's clock): what its hourly email limit has left.
    pub fn team_sent_within_hour(&self, customer_id: i64, environment: Environment) -> Result<u32> {
        let conn = self.conn();
        let since = (db_now(&conn)? - chrono::Duration::hours(1)).to_rfc3339();
        let n: i64 = conn.query_row(
            "SELECT COUNT(*) FROM team_invites
             WHERE customer_id = ?1 AND environment = ?2 AND last_sent_at >= ?3",
            params![customer_id, environment, since],
            |r| r.get(0),
        )?;
        Ok(n.try_into().unwrap_or(0))
    }
}
