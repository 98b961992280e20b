//! The customer's team in their own instance (issue #44): who is in it, inviting people (one or
//! a checked list), sending an invitation again, and taking a person's access away while their
//! data stays. Outside runs: each person is one invitation, and a failure names that person and
//! leaves the others done.
//!
//! The instance is the ledger's Supabase project, proven the customer's (its marker name) before
//! anything is asked of it. A person is changed only when Fabrik invited them (the register's
//! row with their Auth id, and Fabrik's marker in their `app_metadata`, which only the service
//! role writes) or is the first administrator provisioning made, and an administrator only with
//! the address typed. Invitations go out through the instance's own Auth, which sends through
//! the agency's Resend (`supabase.auth_mail`): each waits for its turn in the Resend team's
//! budget, and a list that does not fit in the instance's hourly email limit is refused whole.
//!
//! Each action asks the register first (issue #55): whether this login may act at all (a write
//! that changes nothing), then the action's own row (`sending`, a send counted, `revoked`),
//! and only then the instance. On a shared register a viewer is refused by the database before
//! anything is asked of the instance. The first administrator is changed only with Fabrik's
//! marker on their account, like anyone invited: the ledger's id alone proves nothing.

//!
//! The parts: `instance` (the customer's instance proven theirs, and what it holds of the
//! team), `list` (the team as it is now, and a list checked against it), `invite` (one person
//! or many, each on their own), `delivery` (the invitation sent through the agency's Resend, in
//! its budget), `access` (an invitation again, a person's access taken away). Not a run: it
//! reads what it needs of the run engine through the engine's public surface (its register,
//! clients, settings, timing, and whether the customer is delivered as the instance's mail
//! needs it).

use std::collections::HashMap;
use std::time::Instant;

use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

use crate::customer::{check_invitee, Customer, Invitee, TeamPreview, TeamRole};
use crate::error::{Error, Result};
use crate::ledger::{RunKind, StepKey};
use crate::messages::{params, ErrorCode, Params, Text};
use crate::providers::resend::SMTP_HOST;
use crate::providers::supabase::{ApiKeys, AuthUser};
use crate::providers::{ErrorKind, ProviderError};
use crate::provision::{outputs, ownership, Engine};
use crate::team::rows::TeamRows;
use crate::team::rows::{InviteState, ResendClaim, TeamInvite};
use crate::vocabulary::vocabulary;

mod access;
mod delivery;
mod instance;
mod invite;
mod list;
pub mod rows;

use instance::{marked, Calls, Instance};

vocabulary!(
    /// Where a person stands in the customer's team.
    pub enum MemberStatus {
        /// Invited; has not accepted yet.
        Invited => "invited",
        /// Has accepted (a confirmed account).
        Active => "active",
        /// Their access was taken away; their data stays.
        Revoked => "revoked",
        /// Fabrik's invitation was refused; nothing of them was made.
        Failed => "failed",
        /// An invitation under way (or one a crash interrupted: the next invitation settles it).
        Sending => "sending",
    }
);

/// One person of the customer's team as the list shows them.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Member {
    pub email: String,
    pub full_name: Option<String>,
    /// The instance's word: `owner`, `admin`, `member` or `viewer`.
    pub role: String,
    pub status: MemberStatus,
    /// Fabrik invited them (or made them: the first administrator): only they are changed here.
    pub by_fabrik: bool,
    /// The first administrator provisioning made.
    pub first_admin: bool,
    /// Invitations Fabrik sent, and when the last went (the register's clock).
    pub sends: u32,
    pub last_sent_at: Option<String>,
    pub last_sign_in_at: Option<String>,
    /// What the instance answered the last time it refused.
    pub problem: Option<String>,
}

/// The customer's team, read now from the instance and the register.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TeamView {
    pub slug: String,
    pub project_ref: String,
    /// The instance's Auth sends through the agency's Resend (invitations may go).
    pub sends_as_agency: bool,
    /// The address its emails leave from, when it has its own.
    pub sender: Option<String>,
    /// Emails it may send an hour, and how many of Fabrik's invitations went in the last one.
    pub per_hour: Option<u32>,
    pub sent_last_hour: u32,
    pub members: Vec<Member>,
}

vocabulary!(
    /// What came of one person's invitation.
    pub enum InviteOutcome {
        /// Made in the instance, with their profile and role, and the invitation sent.
        Invited => "invited",
        /// Invited again: the invitation sent anew (a resend), or a crash's half-made
        /// invitation found and finished without a second email.
        Again => "again",
        /// A revoked person given their access back (they had accepted: no email).
        Restored => "restored",
        Failed => "failed",
    }
);

/// One person's result.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InviteResult {
    pub email: String,
    pub outcome: InviteOutcome,
    /// Why it failed, naming the person.
    pub problem: Option<Text>,
}

/// What an invitation of one or many did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InviteReport {
    pub slug: String,
    pub results: Vec<InviteResult>,
    pub invited: u32,
    pub failed: u32,
    /// Requests made to the instance (Supabase's APIs), all of them.
    pub calls: u32,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

/// What a revoke did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Revoked {
    pub slug: String,
    pub email: String,
    pub role: String,
}

fn refused(code: ErrorCode, params: Params) -> Error {
    Error::Refused { code, params }
}

fn provider(e: ProviderError) -> Error {
    Error::Provider(e.to_string())
}

/// A team operation on one customer's instance: list, invite, resend, revoke. It holds the
/// engine only to read through its public surface; it drives no run.
pub struct Team {
    engine: Engine,
}

impl Team {
    /// The customer's team in their instance, read and changed through `engine`'s register,
    /// clients and settings.
    pub fn new(engine: &Engine) -> Team {
        Team {
            engine: engine.clone(),
        }
    }

    /// Whether this login may act on a team, asked of the register before anything else.
    async fn may_act(&self) -> Result<()> {
        self.engine.db(|s| s.team_may_act()).await
    }
}
