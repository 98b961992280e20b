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

use std::collections::HashMap;
use std::time::Instant;

use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

use super::Engine;
use crate::customer::{check_invitee, Customer, Invitee, TeamPreview, TeamRole};
use crate::error::{Error, Result};
use crate::ledger::{RunKind, StepKey};
use crate::messages::{params, ErrorCode, Params, Text};
use crate::providers::resend::SMTP_HOST;
use crate::providers::supabase::{ApiKeys, AuthUser};
use crate::providers::{ErrorKind, ProviderError};
use crate::provision::{kinds, outputs, ownership};
use crate::store::team::{InviteState, ResendClaim, TeamInvite};
use crate::vocabulary::vocabulary;

mod access;

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

/// The ban that stands for "no access": a hundred years (GoTrue's duration syntax).
const BANNED: &str = "876000h";

/// The profile of an invited person in the customer's organization: `$1` Auth id, `$2` the
/// organization (the customer's uid), `$3` email, `$4` name (may be empty), `$5` role. A
/// revoked person invited again is `invited` again; otherwise their status stays.
const PROFILE_SQL: &str = "
insert into public.users (id, organization_id, email, full_name, role, status)
values ($1::uuid, $2::uuid, $3, nullif($4, ''), $5, 'invited')
on conflict (id) do update
    set role = excluded.role,
        full_name = coalesce(excluded.full_name, public.users.full_name),
        status = case when public.users.status = 'disabled' then 'invited' else public.users.status end
returning organization_id::text as organization_id, role, status";

/// The profiles of the instance's team, every one.
const PROFILES_SQL: &str = "select id::text as id, email, full_name, role, status from public.users order by created_at, email";

/// A profile's access taken away (its rows stay): `$1` the Auth id.
const DISABLE_SQL: &str =
    "update public.users set status = 'disabled' where id = $1::uuid returning id::text as id, status";

/// A revoked person's access given back, with the role asked: `$1` the Auth id, `$2` role.
const ENABLE_SQL: &str = "update public.users set status = 'active', role = $2 where id = $1::uuid returning id::text as id, status, role";

/// One row of `public.users` as read.
#[derive(Debug, Clone)]
struct Profile {
    id: String,
    email: String,
    full_name: Option<String>,
    role: String,
    status: String,
}

fn profile(v: &Value) -> Option<Profile> {
    let s = |k: &str| v[k].as_str().map(str::to_string);
    Some(Profile {
        id: s("id")?,
        email: s("email").unwrap_or_default().to_lowercase(),
        full_name: s("full_name"),
        role: s("role").unwrap_or_default(),
        status: s("status").unwrap_or_default(),
    })
}

/// The customer's delivered instance, proven theirs, and what is known of its team.
struct Instance {
    customer: Customer,
    project_ref: String,
    /// The first administrator provisioning made (the ledger's).
    first_admin: Option<String>,
}

/// Counts the requests made to the instance.
struct Calls(u32);

impl Calls {
    /// The count once `Team::instance` read the project to prove it the customer's.
    fn after_proof() -> Calls {
        Calls(1)
    }

    fn add<T>(
        &mut self,
        r: std::result::Result<T, ProviderError>,
    ) -> std::result::Result<T, ProviderError> {
        self.0 += 1;
        r
    }
}

fn refused(code: ErrorCode, params: Params) -> Error {
    Error::Refused { code, params }
}

fn provider(e: ProviderError) -> Error {
    Error::Provider(e.to_string())
}

/// Whether Fabrik's marker for this customer is on the user (only the service role writes
/// `app_metadata`).
fn marked(user: &AuthUser, uid: &str) -> bool {
    ownership::auth_marked(&user.app_metadata, uid)
}

fn banned(user: &AuthUser) -> bool {
    user.banned_until
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .is_some_and(|t| t > chrono::Utc::now())
}

/// A team operation on one customer's instance (made by `Engine::team`).
pub struct Team {
    engine: Engine,
}

impl Engine {
    /// The customer's team in their instance: list, invite, resend, revoke.
    pub fn team(&self) -> Team {
        Team {
            engine: self.clone(),
        }
    }
}

impl Team {
    /// Whether this login may act on a team, asked of the register before anything else.
    async fn may_act(&self) -> Result<()> {
        self.engine.db(|s| s.team_may_act()).await
    }

    /// The ledger's project for the customer's delivered, active instance, proven theirs now.
    async fn instance(&self, slug: &str) -> Result<Instance> {
        let (slug, env) = (slug.to_string(), self.engine.environment);
        let (customer, project, admin) = self
            .engine
            .db(move |s| {
                let c = s.get_customer_in(&slug, env)?;
                let p = s.last_step_output(c.id, StepKey::SupabaseProject, env)?;
                let a = s.last_step_output(c.id, StepKey::SupabaseAdminUser, env)?;
                Ok((c, p, a))
            })
            .await?;
        let (checked, engine) = (customer.clone(), self.engine.clone());
        crate::blocking::run(move || engine.requires(kinds::def(RunKind::AuthMail), &checked))
            .await?;
        let project = project
            .and_then(|v| serde_json::from_value::<outputs::SupabaseProject>(v).ok())
            .ok_or_else(|| Error::NotProvisioned(customer.slug.clone()))?;
        let first_admin = admin
            .and_then(|v| serde_json::from_value::<outputs::AdminUser>(v).ok())
            .map(|a| a.user_id);
        let r = project.project_ref;
        let found = self.engine.clients.supabase.get_project(&r).await;
        let refusal = |e: crate::provision::context::StepError| {
            Error::from(crate::provision::steps::Refusal::from(e))
        };
        match found {
            Ok(p) if p.name == ownership::supabase_project_name(&customer.slug, &customer.uid) => {}
            Ok(p) => {
                return Err(refusal(ownership::not_ours(
                    "Supabase-projektet",
                    "The Supabase project",
                    &format!("{} ({r})", p.name),
                )))
            }
            Err(e) if e.kind == ErrorKind::NotFound => {
                return Err(refused(
                    ErrorCode::ResourceGone,
                    params! { "resource" => "Supabase-projektet", "resource_en" => "The Supabase project", "name" => r },
                ))
            }
            Err(e) => return Err(provider(e)),
        }
        Ok(Instance {
            customer,
            project_ref: r,
            first_admin,
        })
    }

    async fn keys(&self, at: &Instance, calls: &mut Calls) -> Result<ApiKeys> {
        let s = &self.engine.clients.supabase;
        calls
            .add(s.api_keys(&at.project_ref).await)
            .map_err(provider)
    }

    async fn profiles(&self, at: &Instance, calls: &mut Calls) -> Result<Vec<Profile>> {
        let s = &self.engine.clients.supabase;
        let rows = calls
            .add(s.run_query(&at.project_ref, PROFILES_SQL).await)
            .map_err(provider)?;
        Ok(rows.iter().filter_map(profile).collect())
    }

    async fn invites(&self, at: &Instance) -> Result<Vec<TeamInvite>> {
        let (id, env) = (at.customer.id, self.engine.environment);
        self.engine.db(move |s| s.team_invites(id, env)).await
    }

    /// The customer's team now: every profile of the instance with their account's state,
    /// and every invitation of Fabrik's that made nobody (failed, or under way).
    pub async fn list(&self, slug: &str) -> Result<TeamView> {
        let at = self.instance(slug).await?;
        let mut calls = Calls::after_proof();
        let s = &self.engine.clients.supabase;
        let config = calls
            .add(s.auth_config(&at.project_ref).await)
            .map_err(provider)?;
        let keys = self.keys(&at, &mut calls).await?;
        let users: HashMap<String, AuthUser> = calls
            .add(s.users(&at.project_ref, &keys).await)
            .map_err(provider)?
            .into_iter()
            .map(|u| (u.id.clone(), u))
            .collect();
        let profiles = self.profiles(&at, &mut calls).await?;
        let invites = self.invites(&at).await?;
        let (id, env) = (at.customer.id, self.engine.environment);
        let sent_last_hour = self
            .engine
            .db(move |s| s.team_sent_within_hour(id, env))
            .await?;
        let mut members: Vec<Member> = profiles
            .iter()
            .map(|p| {
                let user = users.get(&p.id);
                let invite = invites
                    .iter()
                    .find(|i| i.auth_user_id.as_deref() == Some(p.id.as_str()));
                // The ledger's id, and Fabrik's marker on the account.
                let first_admin = at.first_admin.as_deref() == Some(p.id.as_str())
                    && user.is_some_and(|u| marked(u, &at.customer.uid));
                let status = if p.status == "disabled" || user.is_some_and(banned) {
                    MemberStatus::Revoked
                } else if user.is_some_and(|u| u.email_confirmed_at.is_some()) {
                    MemberStatus::Active
                } else {
                    MemberStatus::Invited
                };
                Member {
                    email: p.email.clone(),
                    full_name: p.full_name.clone(),
                    role: p.role.clone(),
                    status,
                    by_fabrik: first_admin || invite.is_some(),
                    first_admin,
                    sends: invite.map(|i| i.sends).unwrap_or(0),
                    last_sent_at: invite
                        .and_then(|i| i.last_sent_at.clone())
                        .or_else(|| user.and_then(|u| u.invited_at.clone())),
                    last_sign_in_at: user.and_then(|u| u.last_sign_in_at.clone()),
                    problem: invite.and_then(|i| i.problem.clone()),
                }
            })
            .collect();
        for i in invites.iter().filter(|i| {
            !profiles
                .iter()
                .any(|p| Some(p.id.as_str()) == i.auth_user_id.as_deref())
        }) {
            members.push(Member {
                email: i.email.clone(),
                full_name: i.full_name.clone(),
                role: i.role.as_str().to_string(),
                status: match i.state {
                    InviteState::Sending => MemberStatus::Sending,
                    InviteState::Revoked => MemberStatus::Revoked,
                    _ => MemberStatus::Failed,
                },
                by_fabrik: true,
                first_admin: false,
                sends: i.sends,
                last_sent_at: i.last_sent_at.clone(),
                last_sign_in_at: None,
                problem: i.problem.clone(),
            });
        }
        let sender = self.engine.settings.sender_address().to_string();
        Ok(TeamView {
            slug: at.customer.slug.clone(),
            project_ref: at.project_ref.clone(),
            sends_as_agency: config.relays(SMTP_HOST, &sender),
            sender: config.smtp_admin_email.clone(),
            per_hour: config.rate_limit_email_sent,
            sent_last_hour,
            members,
        })
    }

    /// What inviting the list in `csv` would do, judged against the team as it is now (nobody
    /// is invited twice). Only reads.
    pub async fn preview(&self, slug: &str, csv: &str) -> Result<TeamPreview> {
        let taken = self.taken(slug).await?;
        crate::customer::team::preview(csv, &|e| taken.iter().any(|t| t == e))
            .map_err(|f| Error::Validation(vec![f]))
    }

    /// The addresses in the team already: the instance's profiles and Auth users, and
    /// everyone Fabrik invited who was not refused.
    async fn taken(&self, slug: &str) -> Result<Vec<String>> {
        let at = self.instance(slug).await?;
        let mut calls = Calls::after_proof();
        let keys = self.keys(&at, &mut calls).await?;
        let s = &self.engine.clients.supabase;
        let users = calls
            .add(s.users(&at.project_ref, &keys).await)
            .map_err(provider)?;
        let mut taken: Vec<String> = users
            .into_iter()
            .filter_map(|u| u.email.map(|e| e.to_lowercase()))
            .collect();
        taken.extend(
            self.profiles(&at, &mut calls)
                .await?
                .into_iter()
                .map(|p| p.email),
        );
        taken.extend(
            self.invites(&at)
                .await?
                .into_iter()
                .filter(|i| matches!(i.state, InviteState::Invited | InviteState::Sending))
                .map(|i| i.email),
        );
        Ok(taken)
    }

    /// Invites everyone in `people`, one at a time, each in the Resend team's budget. The
    /// whole list is refused before anyone is invited when a person is not valid or is in the
    /// team already, when the instance does not send as the agency, or when the list does not
    /// fit in the instance's hourly email limit. A revoked person of Fabrik's is given their
    /// access back. `progress` hears each person's result as it comes.
    pub async fn invite(
        &self,
        slug: &str,
        people: &[Invitee],
        progress: &(dyn Fn(u32, u32, &InviteResult) + Send + Sync),
    ) -> Result<InviteReport> {
        let started = Instant::now();
        self.may_act().await?;
        let at = self.instance(slug).await?;
        let mut calls = Calls::after_proof();
        let s = &self.engine.clients.supabase;
        let config = calls
            .add(s.auth_config(&at.project_ref).await)
            .map_err(provider)?;
        let sender = self.engine.settings.sender_address().to_string();
        if !config.relays(SMTP_HOST, &sender) {
            return Err(refused(
                ErrorCode::TeamMailNotAgency,
                params! { "slug" => at.customer.slug },
            ));
        }
        let keys = self.keys(&at, &mut calls).await?;
        let users = calls
            .add(s.users(&at.project_ref, &keys).await)
            .map_err(provider)?;
        let profiles = self.profiles(&at, &mut calls).await?;
        let invites = self.invites(&at).await?;
        let by_email = |e: &str| {
            users.iter().find(|u| {
                u.email
                    .as_deref()
                    .is_some_and(|x| x.eq_ignore_ascii_case(e))
            })
        };
        let invite_of = |e: &str| invites.iter().find(|i| i.email == e);
        // Who stands where, judged for the whole list before anyone is asked.
        let mut problems = Vec::new();
        let mut checked: Vec<Invitee> = Vec::new();
        for p in people {
            let email = p.email.trim().to_lowercase();
            // Fabrik's own revoked person, or an invitation a crash left: asked again, not new.
            // The first administrator's row (a revoke of theirs) is not an invitation.
            let ours_again = invite_of(&email).is_some_and(|i| {
                matches!(i.state, InviteState::Revoked | InviteState::Sending)
                    && (i.auth_user_id.is_none() || i.auth_user_id != at.first_admin)
            });
            let taken = |e: &str| {
                !ours_again
                    && (by_email(e).is_some()
                        || profiles.iter().any(|x| x.email == e)
                        || invite_of(e).is_some_and(|i| i.state == InviteState::Invited)
                        || checked.iter().any(|c| c.email == e))
            };
            match check_invitee(&email, p.full_name.as_deref(), p.role.as_str(), &taken) {
                Ok(i) => checked.push(i),
                Err(mut f) => problems.append(&mut f),
            }
        }
        if !problems.is_empty() {
            return Err(Error::Validation(problems));
        }
        let (id, env) = (at.customer.id, self.engine.environment);
        let sent = self
            .engine
            .db(move |s| s.team_sent_within_hour(id, env))
            .await?;
        // Supabase's own default for a project with its own SMTP, when the answer leaves it out.
        let limit = config.rate_limit_email_sent.unwrap_or(30);
        let left = limit.saturating_sub(sent);
        let mailing = checked
            .iter()
            .filter(|c| {
                // A person who accepted and is given their access back gets no email.
                by_email(&c.email).is_none_or(|u| u.email_confirmed_at.is_none())
            })
            .count() as u32;
        if mailing > left {
            return Err(refused(
                ErrorCode::TeamOverHourlyLimit,
                params! {
                    "slug" => at.customer.slug, "limit" => limit, "sent" => sent,
                    "count" => mailing, "left" => left,
                },
            ));
        }
        let total = checked.len() as u32;
        let mut results = Vec::new();
        for (n, person) in checked.iter().enumerate() {
            let result = self
                .invite_one(&at, &keys, person, by_email(&person.email), &mut calls)
                .await;
            let result = match result {
                Ok(outcome) => InviteResult {
                    email: person.email.clone(),
                    outcome,
                    problem: None,
                },
                // The register is gone: nothing more can be kept, so nothing more is asked.
                Err(e @ (Error::Database(_) | Error::RegisterUnreachable { .. })) => return Err(e),
                Err(e) => InviteResult {
                    email: person.email.clone(),
                    outcome: InviteOutcome::Failed,
                    problem: Some(failed(&person.email, &e)),
                },
            };
            progress(n as u32 + 1, total, &result);
            results.push(result);
        }
        let failed = results
            .iter()
            .filter(|r| r.outcome == InviteOutcome::Failed)
            .count() as u32;
        Ok(InviteReport {
            slug: at.customer.slug,
            invited: total - failed,
            failed,
            results,
            calls: calls.0,
            elapsed_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// One person: the register's row first (`sending`), then the instance.
    async fn invite_one(
        &self,
        at: &Instance,
        keys: &ApiKeys,
        person: &Invitee,
        existing: Option<&AuthUser>,
        calls: &mut Calls,
    ) -> Result<InviteOutcome> {
        let (cid, env) = (at.customer.id, self.engine.environment);
        let p = person.clone();
        let row = self
            .engine
            .db(move |s| s.begin_team_invite(cid, env, &p.email, p.full_name.as_deref(), p.role))
            .await?;
        let done = self
            .invite_in_instance(at, keys, person, &row, existing, calls)
            .await;
        match done {
            Ok((user, outcome, mailed)) => {
                let (id, uid) = (row.id, user.id.clone());
                self.engine
                    .db(move |s| match mailed {
                        true => s.team_invite_sent(id, &uid),
                        false => s.team_invite_found(id, &uid),
                    })
                    .await?;
                Ok(outcome)
            }
            Err(e) => {
                let (id, problem) = (row.id, e.to_string());
                self.engine
                    .db(move |s| s.team_invite_problem(id, &problem))
                    .await?;
                Err(e)
            }
        }
    }

    async fn invite_in_instance(
        &self,
        at: &Instance,
        keys: &ApiKeys,
        person: &Invitee,
        row: &TeamInvite,
        existing: Option<&AuthUser>,
        calls: &mut Calls,
    ) -> Result<(AuthUser, InviteOutcome, bool)> {
        let s = &self.engine.clients.supabase;
        let r = &at.project_ref;
        let uid = &at.customer.uid;
        let (user, outcome, mailed) = match existing {
            // A crash left the invitation half-made (the instance sent it; the register did
            // not hear): finished without a second email.
            Some(u)
                if row.state == InviteState::Sending
                    && u.email_confirmed_at.is_none()
                    && u.invited_at.is_some() =>
            {
                (u.clone(), InviteOutcome::Again, false)
            }
            // Fabrik's revoked person who had accepted: their access back, no email.
            Some(u) if row.state == InviteState::Revoked || marked(u, uid) => {
                if u.email_confirmed_at.is_some() {
                    let back = json!({ "ban_duration": "none" });
                    let u = calls
                        .add(s.update_user(r, keys, &u.id, &back).await)
                        .map_err(provider)?;
                    let rows = calls
                        .add(
                            s.run_query_with(
                                r,
                                ENABLE_SQL,
                                &[json!(u.id), json!(person.role.as_str())],
                            )
                            .await,
                        )
                        .map_err(provider)?;
                    check_profile(&rows, person.role, &u.id)?;
                    return Ok((u, InviteOutcome::Restored, false));
                }
                calls
                    .add(
                        s.update_user(r, keys, &u.id, &json!({ "ban_duration": "none" }))
                            .await,
                    )
                    .map_err(provider)?;
                (
                    self.send_invitation(at, keys, person, calls).await?,
                    InviteOutcome::Again,
                    true,
                )
            }
            Some(_) => {
                return Err(refused(
                    ErrorCode::TeamAlreadyInTeam,
                    params! { "email" => person.email },
                ))
            }
            None => (
                self.send_invitation(at, keys, person, calls).await?,
                InviteOutcome::Invited,
                true,
            ),
        };
        // Fabrik's marker, which a resend or a revoke proves before touching the person.
        let marker = json!({
            "app_metadata": { "fabrik": { "customer": uid, "invite": row.id }, "role": person.role.as_str() }
        });
        let user = calls
            .add(s.update_user(r, keys, &user.id, &marker).await)
            .map_err(provider)?;
        let profile = [
            json!(user.id),
            json!(uid),
            json!(person.email),
            json!(person.full_name.clone().unwrap_or_default()),
            json!(person.role.as_str()),
        ];
        let rows = calls
            .add(s.run_query_with(r, PROFILE_SQL, &profile).await)
            .map_err(provider)?;
        if rows
            .first()
            .is_none_or(|row| row["organization_id"] != json!(uid))
        {
            return Err(refused(
                ErrorCode::SchemaMismatch,
                params! { "problem" => format!("the profile of {} was not written in the customer's organization (the database answered {})", person.email, Value::Array(rows)) },
            ));
        }
        Ok((user, outcome, mailed))
    }

    /// The instance's Auth makes the person and sends the invitation, in the Resend team's
    /// budget (its relay spends the agency's key).
    async fn send_invitation(
        &self,
        at: &Instance,
        keys: &ApiKeys,
        person: &Invitee,
        calls: &mut Calls,
    ) -> Result<AuthUser> {
        let data = json!({
            "full_name": person.full_name,
            "organization_id": at.customer.uid,
            "role": person.role.as_str(),
        });
        let (s, resend) = (&self.engine.clients.supabase, &self.engine.clients.resend);
        // The relay counts against the Resend team's budget, which another process (a CLI
        // run, another seat) may have spent this second: GoTrue then answers 500 and makes
        // nobody, so the invitation is asked again after Resend's window. A few times only: a
        // relay that refuses for good (a revoked key) fails each person in seconds, named.
        // Not after a 429: that is the instance's hourly limit, and an invitation does not
        // wait an hour.
        let policy = crate::provision::RetryPolicy {
            max_attempts: 3,
            max_rate_limited_attempts: 1,
            base_delay: std::time::Duration::from_secs(1),
            ..self.engine.timing.retry.clone()
        };
        let attempts = std::sync::atomic::AtomicU32::new(0);
        let invited = policy
            .retry(|| async {
                attempts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                resend.pace_relayed().await?;
                s.invite_user(&at.project_ref, keys, &person.email, &data)
                    .await
            })
            .await;
        calls.0 += attempts.into_inner();
        invited.map_err(|e| match e.kind {
            ErrorKind::Conflict => refused(
                ErrorCode::TeamAlreadyInTeam,
                params! { "email" => person.email },
            ),
            _ => provider(e),
        })
    }
}

/// The profile a restore wrote is the person's, with the role asked.
fn check_profile(rows: &[Value], role: TeamRole, id: &str) -> Result<()> {
    match rows.first() {
        Some(r) if r["id"] == id && r["role"] == role.as_str() => Ok(()),
        _ => Err(refused(
            ErrorCode::SchemaMismatch,
            params! { "problem" => format!("the profile {id} was not enabled (the database answered {})", Value::Array(rows.to_vec())) },
        )),
    }
}

/// One person's failure, naming them.
fn failed(email: &str, e: &Error) -> Text {
    let (code, p) = (e.code(), e.params());
    let sv = params! { "email" => email, "detail" => code.sv(&p) };
    let en = params! { "email" => email, "detail" => code.en(&p) };
    Text::new(
        ErrorCode::TeamInviteFailed.sv(&sv),
        ErrorCode::TeamInviteFailed.en(&en),
    )
}
