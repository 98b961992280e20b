//! The customer's team in the register (issue #44): each person Fabrik invited into a
//! customer's instance, by address, with the role it gave them, what the instance answered and
//! when the last invitation went (the register's clock). The instance itself holds the person;
//! this is Fabrik's record of having invited them, which a resend or a revoke proves first.
//!
//! Every action is written here before the instance is asked (issue #55): an invitation as
//! `sending`, a resend as one more send, a revoke as `revoked`. On a shared register the
//! database refuses a login without the right, and the instance is then never touched; when the
//! instance refuses, the row is put back as it was, with what the instance said.

use serde::Serialize;
use ts_rs::TS;

use crate::customer::TeamRole;
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::messages::Right;
use crate::store::db::{params, Optional, Row};
use crate::store::db_now;
use crate::store::{Rows, Store};
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

fn row(r: &Row) -> crate::store::db::Result<TeamInvite> {
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

/// Where a resend stands once the register has been asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResendClaim {
    /// Counted as sent now; what the row held before, to put back if the instance refuses.
    Claimed {
        sends: u32,
        last_sent_at: Option<String>,
    },
    /// The address was mailed less than the gap ago: this many seconds are left.
    TooSoon(u64),
    /// The row is not an invitation that went out (failed, revoked, or under way).
    NotInvited,
}

/// What a revoke's row held before it was written `revoked`, to put back if the instance
/// refuses (`None`: the row is new, the first administrator's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoking {
    pub id: i64,
    pub before: Option<(InviteState, Option<String>)>,
}

/// The register's rows of this area: bring it into scope to read or write them.
pub trait TeamRows: Rows {
    /// Whether this login may act on a customer's team (invite, resend, revoke): asked of the
    /// database with a write that changes nothing, before anything is asked of the instance.
    fn team_may_act(&self) -> Result<()> {
        self.store()
            .conn()
            .execute(
                "UPDATE team_invites SET state = state, sends = sends WHERE 1 = 0",
                (),
            )
            .map_err(team_refused(self.store()))?;
        Ok(())
    }

    /// Everyone Fabrik invited into the customer's instance in `environment`, by address.
    fn team_invites(&self, customer_id: i64, environment: Environment) -> Result<Vec<TeamInvite>> {
        let conn = self.store().conn();
        Ok(conn.query_map(
            &format!(
                "SELECT {COLUMNS} FROM team_invites WHERE customer_id = ?1 AND environment = ?2 ORDER BY email"
            ),
            params![customer_id, environment],
            row,
        )?)
    }

    fn team_invite(
        &self,
        customer_id: i64,
        environment: Environment,
        email: &str,
    ) -> Result<Option<TeamInvite>> {
        let conn = self.store().conn();
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
    fn begin_team_invite(
        &self,
        customer_id: i64,
        environment: Environment,
        email: &str,
        full_name: Option<&str>,
        role: TeamRole,
    ) -> Result<TeamInvite> {
        let mut conn = self.store().conn();
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
        )
        .map_err(team_refused(self.store()))?;
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
    fn team_invite_sent(&self, id: i64, auth_user_id: &str) -> Result<()> {
        let conn = self.store().conn();
        let now = db_now(&conn)?.to_rfc3339();
        conn.execute(
            "UPDATE team_invites SET state = 'invited', auth_user_id = ?2, sends = sends + 1,
                    last_sent_at = ?3, problem = NULL, revoked_at = NULL
             WHERE id = ?1",
            params![id, auth_user_id, now],
        )
        .map_err(team_refused(self.store()))?;
        Ok(())
    }

    /// The person is in the instance already, without a new invitation (one that a crash
    /// interrupted after the instance sent it).
    fn team_invite_found(&self, id: i64, auth_user_id: &str) -> Result<()> {
        let conn = self.store().conn();
        conn.execute(
            "UPDATE team_invites SET state = 'invited', auth_user_id = ?2, problem = NULL
             WHERE id = ?1",
            params![id, auth_user_id],
        )
        .map_err(team_refused(self.store()))?;
        Ok(())
    }

    /// The instance refused: a first invitation becomes `failed`; a resend or a revoke keeps
    /// the state it had and says what went wrong.
    fn team_invite_problem(&self, id: i64, problem: &str) -> Result<()> {
        let conn = self.store().conn();
        conn.execute(
            "UPDATE team_invites SET problem = ?2,
                    state = CASE WHEN state = 'sending' THEN 'failed' ELSE state END
             WHERE id = ?1",
            params![id, problem],
        )
        .map_err(team_refused(self.store()))?;
        Ok(())
    }

    /// A revoke written before the instance is asked: the person's row `revoked` now, or, for
    /// the first administrator (whom provisioning made, not an invitation), a row of theirs
    /// written `revoked`. Answers what to put back if the instance refuses.
    fn team_revoking(
        &self,
        customer_id: i64,
        environment: Environment,
        email: &str,
        auth_user_id: &str,
        role: TeamRole,
    ) -> Result<Revoking> {
        let mut conn = self.store().conn();
        let tx = conn.transaction()?;
        let now = db_now(&tx)?.to_rfc3339();
        let email = email.to_lowercase();
        let before: Option<(i64, InviteState, Option<String>)> = tx
            .query_row(
                "SELECT id, state, revoked_at FROM team_invites
                 WHERE customer_id = ?1 AND environment = ?2 AND email = ?3",
                params![customer_id, environment, email],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let revoking = match before {
            Some((id, state, revoked_at)) => {
                tx.execute(
                    "UPDATE team_invites SET state = 'revoked', revoked_at = ?2, problem = NULL
                     WHERE id = ?1",
                    params![id, now],
                )
                .map_err(team_refused(self.store()))?;
                Revoking {
                    id,
                    before: Some((state, revoked_at)),
                }
            }
            None => {
                tx.execute(
                    "INSERT INTO team_invites (customer_id, environment, email, role, state,
                                               auth_user_id, revoked_at, created_at)
                     VALUES (?1, ?2, ?3, ?4, 'revoked', ?5, ?6, ?6)",
                    params![customer_id, environment, email, role, auth_user_id, now],
                )
                .map_err(team_refused(self.store()))?;
                let id = tx.query_row(
                    "SELECT id FROM team_invites
                     WHERE customer_id = ?1 AND environment = ?2 AND email = ?3",
                    params![customer_id, environment, email],
                    |r| r.get(0),
                )?;
                Revoking { id, before: None }
            }
        };
        tx.commit()?;
        Ok(revoking)
    }

    /// The instance refused the revoke: the row as it was before (a new row stays `revoked`,
    /// with the refusal), with what the instance said.
    fn team_revoke_refused(&self, revoking: &Revoking, problem: &str) -> Result<()> {
        let (state, revoked_at) = match &revoking.before {
            Some((state, at)) => (*state, at.clone()),
            None => (InviteState::Revoked, None),
        };
        self.store()
            .conn()
            .execute(
                "UPDATE team_invites SET state = ?2, revoked_at = ?3, problem = ?4 WHERE id = ?1",
                params![revoking.id, state, revoked_at, problem],
            )
            .map_err(team_refused(self.store()))?;
        Ok(())
    }

    /// A resend written before the instance is asked: one more send, now, when the row is an
    /// invitation that went and its address was last mailed `gap_seconds` ago or more (the
    /// register's clock, so two seats and a double click send once).
    fn team_resend_claim(&self, id: i64, gap_seconds: u64) -> Result<ResendClaim> {
        let mut conn = self.store().conn();
        let tx = conn.transaction()?;
        let now = db_now(&tx)?;
        let (state, sends, last): (InviteState, i64, Option<String>) = tx.query_row(
            "SELECT state, sends, last_sent_at FROM team_invites WHERE id = ?1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        if state != InviteState::Invited {
            return Ok(ResendClaim::NotInvited);
        }
        let gone = last
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| (now - t.with_timezone(&chrono::Utc)).num_seconds().max(0) as u64);
        if let Some(wait) = gone
            .map(|g| gap_seconds.saturating_sub(g))
            .filter(|w| *w > 0)
        {
            return Ok(ResendClaim::TooSoon(wait));
        }
        tx.execute(
            "UPDATE team_invites SET sends = sends + 1, last_sent_at = ?2 WHERE id = ?1",
            params![id, now.to_rfc3339()],
        )
        .map_err(team_refused(self.store()))?;
        tx.commit()?;
        Ok(ResendClaim::Claimed {
            sends: sends.try_into().unwrap_or(0),
            last_sent_at: last,
        })
    }

    /// The instance sent the invitation again.
    fn team_resent(&self, id: i64, auth_user_id: &str) -> Result<()> {
        self.store()
            .conn()
            .execute(
                "UPDATE team_invites SET auth_user_id = ?2, problem = NULL WHERE id = ?1",
                params![id, auth_user_id],
            )
            .map_err(team_refused(self.store()))?;
        Ok(())
    }

    /// The instance refused the resend: the count and time as they were, with what it said.
    fn team_resend_refused(
        &self,
        id: i64,
        sends: u32,
        last_sent_at: Option<&str>,
        problem: &str,
    ) -> Result<()> {
        self.store()
            .conn()
            .execute(
                "UPDATE team_invites SET sends = ?2, last_sent_at = ?3, problem = ?4 WHERE id = ?1",
                params![id, i64::from(sends), last_sent_at, problem],
            )
            .map_err(team_refused(self.store()))?;
        Ok(())
    }

    /// The invitations that went to the customer's instance within the last hour (the
    /// register's clock): what its hourly email limit has left.
    fn team_sent_within_hour(&self, customer_id: i64, environment: Environment) -> Result<u32> {
        let conn = self.store().conn();
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

impl TeamRows for Store {}

/// A write of the team's register refused by the shared register's database: named as the
/// right of acting on a delivered instance, for this login.
fn team_refused(store: &Store) -> impl Fn(crate::store::db::DbError) -> Error + '_ {
    move |e| store.refused(Right::DayTwo)(e.into())
}

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(INVITE_STATES: "invite_states" => InviteState);
