//! Taking access away and giving it again: the person proven Fabrik's (the register's row, the
//! instance's user by its id, Fabrik's marker), an invitation sent again, a person revoked
//! (banned and their profile disabled; their rows stay), an administrator only through the
//! guarded gate.

use super::invite::failed;
use super::*;
use crate::team::rows::TeamRows;

/// The ban that stands for "no access": a hundred years (GoTrue's duration syntax).
const BANNED: &str = "876000h";

/// A profile's access taken away (its rows stay): `$1` the Auth id.
const DISABLE_SQL: &str =
    "update public.users set status = 'disabled' where id = $1::uuid returning id::text as id, status";

impl Team {
    /// A person of the register's, and the instance's user by the id the register holds,
    /// proven Fabrik's invitation for this customer (the marker) and the same address.
    async fn ours(
        &self,
        at: &Instance,
        keys: &ApiKeys,
        email: &str,
        calls: &mut Calls,
    ) -> Result<(Option<TeamInvite>, AuthUser, String)> {
        let email = email.trim().to_lowercase();
        let (cid, env, e) = (at.customer.id, self.engine.environment(), email.clone());
        let invite = self.engine.db(move |s| s.team_invite(cid, env, &e)).await?;
        let profiles = self.profiles(at, calls).await?;
        let profile = profiles.iter().find(|p| p.email == email);
        let not_in_team = || {
            refused(
                ErrorCode::TeamNotInTeam,
                params! { "email" => email, "slug" => at.customer.slug },
            )
        };
        let not_ours = |why: &str, why_en: &str| {
            refused(
                ErrorCode::TeamNotFabriks,
                params! { "email" => email, "slug" => at.customer.slug, "why" => why, "why_en" => why_en },
            )
        };
        // The id the ledger holds: the register's for an invited person, provisioning's for
        // the first administrator.
        let id = match (&invite, profile) {
            (Some(i), _) if i.auth_user_id.is_some() => i.auth_user_id.clone().unwrap_or_default(),
            (_, Some(p)) if at.first_admin.as_deref() == Some(p.id.as_str()) => p.id.clone(),
            (_, Some(_)) => {
                return Err(not_ours(
                    "Fabrik har inte bjudit in personen",
                    "Fabrik did not invite them",
                ))
            }
            (Some(_), None) | (None, None) => return Err(not_in_team()),
        };
        let s = &self.engine.clients().supabase;
        let Some(user) = calls
            .add(s.get_user(&at.project_ref, keys, &id).await)
            .map_err(provider)?
        else {
            return Err(not_in_team());
        };
        if !user
            .email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(&email))
        {
            return Err(not_ours(
                "kontot har bytt adress",
                "the account's address changed",
            ));
        }
        // The first administrator too: the ledger's id is only where to look.
        if !marked(&user, &at.customer.uid) {
            return Err(not_ours(
                "Fabriks märkning saknas på kontot",
                "Fabrik's marker is missing from the account",
            ));
        }
        let role = profile.map(|p| p.role.clone()).unwrap_or_default();
        Ok((invite, user, role))
    }

    /// The invitation again, to a person Fabrik invited who has not accepted yet. The send is
    /// counted in the register before the instance is asked (at most one a minute per
    /// address, by the register's clock), and put back when the instance refuses.
    pub async fn resend(&self, slug: &str, email: &str) -> Result<InviteReport> {
        let started = Instant::now();
        self.may_act().await?;
        let at = self.instance(slug).await?;
        let mut calls = Calls::after_proof();
        let keys = self.keys(&at, &mut calls).await?;
        let (invite, user, _) = self.ours(&at, &keys, email, &mut calls).await?;
        let email = email.trim().to_lowercase();
        let not_in_team = || {
            refused(
                ErrorCode::TeamNotInTeam,
                params! { "email" => email, "slug" => at.customer.slug },
            )
        };
        let Some(invite) = invite.filter(|i| i.state == InviteState::Invited) else {
            return Err(not_in_team());
        };
        if user.email_confirmed_at.is_some() {
            return Err(refused(
                ErrorCode::TeamAlreadyAccepted,
                params! { "email" => email },
            ));
        }
        // The instance refuses the same address within its frequency: said before asking, and
        // the send counted before it goes (two seats, a double click: one invitation).
        let (id, gap) = (
            invite.id,
            u64::from(crate::provision::steps::MAX_FREQUENCY_SECONDS),
        );
        let claim = self
            .engine
            .db(move |s| s.team_resend_claim(id, gap))
            .await?;
        let (sends, last_sent_at) = match claim {
            ResendClaim::Claimed {
                sends,
                last_sent_at,
            } => (sends, last_sent_at),
            ResendClaim::TooSoon(wait) => {
                return Err(refused(
                    ErrorCode::TeamResendTooSoon,
                    params! { "email" => email, "seconds" => wait },
                ))
            }
            ResendClaim::NotInvited => return Err(not_in_team()),
        };
        let person = Invitee {
            email: email.clone(),
            full_name: invite.full_name.clone(),
            role: invite.role,
        };
        let result = match self.send_invitation(&at, &keys, &person, &mut calls).await {
            Ok(u) => {
                self.engine.db(move |s| s.team_resent(id, &u.id)).await?;
                InviteResult {
                    email: email.clone(),
                    outcome: InviteOutcome::Again,
                    problem: None,
                }
            }
            Err(e) => {
                let problem = e.to_string();
                self.engine
                    .db(move |s| {
                        s.team_resend_refused(id, sends, last_sent_at.as_deref(), &problem)
                    })
                    .await?;
                InviteResult {
                    email: email.clone(),
                    outcome: InviteOutcome::Failed,
                    problem: Some(failed(&email, &e)),
                }
            }
        };
        let failed = u32::from(result.outcome == InviteOutcome::Failed);
        Ok(InviteReport {
            slug: at.customer.slug,
            results: vec![result],
            invited: 1 - failed,
            failed,
            calls: calls.0,
            elapsed_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// Takes a person's access away: they cannot sign in (a ban on their account) and their
    /// profile no longer opens the organization's rows (disabled); everything they made stays.
    /// An owner or admin only with `confirmation` their address, typed.
    pub async fn revoke(
        &self,
        slug: &str,
        email: &str,
        confirmation: Option<&str>,
    ) -> Result<Revoked> {
        self.may_act().await?;
        let at = self.instance(slug).await?;
        let mut calls = Calls::after_proof();
        let keys = self.keys(&at, &mut calls).await?;
        let (invite, user, role) = self.ours(&at, &keys, email, &mut calls).await?;
        let email = email.trim().to_lowercase();
        // An owner or an administrator is what the customer's instance stands on: revoked only
        // through the guarded gate, an owner's right and the address typed.
        if matches!(role.as_str(), "owner" | "admin") {
            let (e, typed) = (email.clone(), confirmation.unwrap_or_default().to_string());
            let passed = self
                .engine
                .db(move |s| {
                    crate::provision::gate::pass(s, crate::messages::Right::Remove, &e, &typed)
                })
                .await;
            match passed {
                Ok(()) => {}
                Err(Error::NotConfirmed) => {
                    return Err(refused(
                        ErrorCode::TeamRevokeConfirm,
                        params! { "email" => email, "role" => role, "slug" => at.customer.slug },
                    ))
                }
                Err(e) => return Err(e),
            }
        }
        // The register first: a login that may not is refused before the instance changes.
        // The first administrator's row is written now (the role column holds invitations'
        // roles: an owner is written as an admin).
        let (cid, env, uid) = (at.customer.id, self.engine.environment(), user.id.clone());
        let (e, as_role) = (
            email.clone(),
            invite.map(|i| i.role).unwrap_or(TeamRole::Admin),
        );
        let revoking = self
            .engine
            .db(move |s| s.team_revoking(cid, env, &e, &uid, as_role))
            .await?;
        if let Err(e) = self
            .take_access(&at, &keys, &user, &email, &mut calls)
            .await
        {
            let problem = e.to_string();
            self.engine
                .db(move |s| s.team_revoke_refused(&revoking, &problem))
                .await?;
            return Err(e);
        }
        Ok(Revoked {
            slug: at.customer.slug,
            email,
            role,
        })
    }

    /// The person's account banned and their profile disabled (their rows stay).
    async fn take_access(
        &self,
        at: &Instance,
        keys: &ApiKeys,
        user: &AuthUser,
        email: &str,
        calls: &mut Calls,
    ) -> Result<()> {
        let s = &self.engine.clients().supabase;
        let r = &at.project_ref;
        calls
            .add(
                s.update_user(r, keys, &user.id, &json!({ "ban_duration": BANNED }))
                    .await,
            )
            .map_err(provider)?;
        let rows = calls
            .add(s.run_query_with(r, DISABLE_SQL, &[json!(user.id)]).await)
            .map_err(provider)?;
        if rows.first().is_none_or(|row| row["status"] != "disabled") {
            return Err(refused(
                ErrorCode::SchemaMismatch,
                params! { "problem" => format!("the profile of {email} was not disabled (the database answered {})", Value::Array(rows)) },
            ));
        }
        Ok(())
    }
}
