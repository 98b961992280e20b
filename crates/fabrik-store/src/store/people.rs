//! The people of a shared register (issue #29): each a login of their own in one of the
//! register's groups (scripts/postgres/fabrik-rights.sql). An owner adds and removes them through
//! the register's `add_person` and `remove_person` functions, which PostgreSQL lets only owners
//! call; a register file has no people.

use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Store;
use crate::error::{Error, Result};
use crate::messages::Right;
use crate::secrets::Secret;

/// What a person's group lets them do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "PersonRole")]
pub enum Role {
    /// Reads the register.
    Viewer,
    /// Also adds and edits customers, provisions and runs day two.
    Operator,
    /// Also tears down, changes the register's settings and adds and removes people.
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Owner => "owner",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Person {
    pub name: String,
    pub role: Role,
    /// The login this seat uses.
    pub you: bool,
}

/// A person just added, with the first password and the one-time invitation that carries it:
/// the window shows the invitation once, for the person to paste into their own Fabrik
/// (Inställningar → Delat register → Gå med, or `fabrik register join`). No `Debug`: it holds
/// the password.
#[derive(Clone, Serialize, TS)]
pub struct NewPerson {
    pub name: String,
    pub password: String,
    /// `fabrik-inbjudan:…` (store::invitation); none when this seat's register address is not
    /// known to it.
    pub invitation: Option<String>,
}

/// How long a new person's first password is: it is shown once and then kept in their keyring.
const PASSWORD_LEN: usize = 24;

impl Store {
    /// Whether this login holds `right`, asked of the register itself (PostgreSQL's
    /// `has_right`, which the grants and policies follow); a register file is its one person's,
    /// who holds every right. The guarded gate asks before anything is written.
    pub fn holds(&self, right: crate::messages::Right) -> Result<bool> {
        if self.shared.is_none() {
            return Ok(true);
        }
        Ok(self
            .conn()
            .query_row("SELECT fabrik.has_right(?1)", [right.group()], |r| {
                r.get::<Option<bool>>(0)
            })?
            .unwrap_or(false))
    }

    /// Whether the login `person` holds `right` now, as the register's groups say: a seat asks
    /// before it takes up a run another login started (`Engine::vouch`). A login that is gone
    /// or may no longer log in holds nothing; on a register file its one person holds all.
    pub fn person_holds(&self, person: &str, right: crate::messages::Right) -> Result<bool> {
        if self.shared.is_none() {
            return Ok(true);
        }
        Ok(self
            .conn()
            .query_row(
                "SELECT coalesce((
                    SELECT pg_has_role(r.oid, n.nspowner, 'MEMBER')
                           OR EXISTS (SELECT 1 FROM pg_roles g
                                       WHERE g.rolname = fabrik.register_group(?2)
                                         AND pg_has_role(r.oid, g.oid, 'MEMBER'))
                      FROM pg_roles r, pg_namespace n
                     WHERE r.rolname = ?1 AND r.rolcanlogin AND n.nspname = 'fabrik'), false)",
                [person, right.group()],
                |r| r.get::<Option<bool>>(0),
            )?
            .unwrap_or(false))
    }

    /// Whether this seat may take up `run` (`Engine::vouch`): it started it, or its starter
    /// holds its kind's right now. A run from before the register stamped logins names none.
    pub fn vouches_for(&self, run: &super::runs::RunRow) -> Result<bool> {
        match run.person.as_deref() {
            None => Ok(true),
            Some(person) if self.person() == Some(person) => Ok(true),
            Some(person) => self.person_holds(person, run.kind.right()),
        }
    }

    /// `right` held by this login, or the refusal that names it and the person: the one way a
    /// service asks before it acts.
    pub fn require(&self, right: crate::messages::Right) -> Result<()> {
        if self.holds(right)? {
            return Ok(());
        }
        Err(Error::Forbidden {
            right,
            person: self.person().map(str::to_string),
        })
    }

    /// The register's people, by name; none on a register file.
    pub fn people(&self) -> Result<Vec<Person>> {
        if self.shared.is_none() {
            return Ok(Vec::new());
        }
        let conn = self.conn();
        // A person may be in more than one group; the highest one counts.
        let rows: Vec<(String, String)> = conn.query_map(
            "SELECT m.rolname::text, max(CASE g.rolname WHEN register_group('owner') THEN 'owner'
                                                     WHEN register_group('operator') THEN 'operator'
                                                     ELSE 'viewer' END)
               FROM pg_auth_members a
               JOIN pg_roles m ON m.oid = a.member
               JOIN pg_roles g ON g.oid = a.roleid
              WHERE m.rolcanlogin
                AND g.rolname IN (register_group('viewer'), register_group('operator'), register_group('owner'))
              GROUP BY m.rolname ORDER BY m.rolname",
            (),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let you = self.person();
        Ok(rows
            .into_iter()
            .map(|(name, role)| Person {
                you: you == Some(name.as_str()),
                role: match role.as_str() {
                    "owner" => Role::Owner,
                    "operator" => Role::Operator,
                    _ => Role::Viewer,
                },
                name,
            })
            .collect())
    }

    /// Adds a login for `name` in `role`'s group, with a new random password: returned to be
    /// shown once, and crossing to the server only as its SCRAM verifier.
    pub fn add_person(&self, name: &str, role: Role) -> Result<Secret> {
        self.require_shared()?;
        let password = Secret::new(Alphanumeric.sample_string(&mut rand::rng(), PASSWORD_LEN));
        let verifier = postgres_protocol::password::scram_sha_256(password.expose().as_bytes());
        self.conn()
            .execute(
                "SELECT add_person(?1, ?2, ?3)",
                super::db::params![name, role.as_str(), verifier],
            )
            .map_err(|e| self.refused(Right::People)(e.into()))?;
        Ok(password)
    }

    /// Gives this login a new password, known from now on only to the caller: a person joining
    /// by invitation makes its first password (the one the invitation carried) stop working.
    /// It crosses to the server only as its SCRAM verifier; PostgreSQL lets every login change
    /// its own password and no other.
    pub fn set_own_password(&self, password: &Secret) -> Result<()> {
        self.require_shared()?;
        let verifier = postgres_protocol::password::scram_sha_256(password.expose().as_bytes());
        // ALTER ROLE takes no bound parameter: the verifier (base64, `$` and `:`) is checked to
        // be only that before it is written into the statement.
        let safe = verifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=$:-".contains(c));
        if !safe {
            return Err(Error::Internal("an unexpected SCRAM verifier".into()));
        }
        self.conn().execute(
            &format!("ALTER ROLE SESSION_USER PASSWORD '{verifier}'"),
            (),
        )?;
        Ok(())
    }

    /// Takes `name`'s login away (not the caller's own).
    pub fn remove_person(&self, name: &str) -> Result<()> {
        self.require_shared()?;
        self.conn()
            .execute("SELECT remove_person(?1)", [name])
            .map_err(|e| self.refused(Right::People)(e.into()))?;
        Ok(())
    }

    fn require_shared(&self) -> Result<()> {
        match self.shared {
            Some(_) => Ok(()),
            None => Err(Error::Forbidden {
                right: Right::People,
                person: None,
            }),
        }
    }
}
