//! Inviting one person or a checked list: the whole list judged before anyone is asked, then
//! each person on their own (the register's row first, then the instance), a failure naming
//! that person and leaving the others done.

use super::*;
use crate::team::rows::TeamRows;

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

/// A revoked person's access given back, with the role asked: `$1` the Auth id, `$2` role.
const ENABLE_SQL: &str = "update public.users set status = 'active', role = $2 where id = $1::uuid returning id::text as id, status, role";

impl Team {
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
        let s = &self.engine.clients().supabase;
        let config = calls
            .add(s.auth_config(&at.project_ref).await)
            .map_err(provider)?;
        let sender = self.engine.settings().sender_address().to_string();
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
        let (id, env) = (at.customer.id, self.engine.environment());
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
        let (cid, env) = (at.customer.id, self.engine.environment());
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
        let s = &self.engine.clients().supabase;
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
pub(super) fn failed(email: &str, e: &Error) -> Text {
    let (code, p) = (e.code(), e.params());
    let sv = params! { "email" => email, "detail" => code.sv(&p) };
    let en = params! { "email" => email, "detail" => code.en(&p) };
    Text::new(
        ErrorCode::TeamInviteFailed.sv(&sv),
        ErrorCode::TeamInviteFailed.en(&en),
    )
}
