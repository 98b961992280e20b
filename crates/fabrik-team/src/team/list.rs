//! The customer's team as it is now (every profile of the instance with their account's state,
//! and the invitations of Fabrik's that made nobody), and a list of people checked against it.

use super::*;
use crate::team::rows::TeamRows;

fn banned(user: &AuthUser) -> bool {
    user.banned_until
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .is_some_and(|t| t > chrono::Utc::now())
}

impl Team {
    /// The customer's team now: every profile of the instance with their account's state,
    /// and every invitation of Fabrik's that made nobody (failed, or under way).
    pub async fn list(&self, slug: &str) -> Result<TeamView> {
        let at = self.instance(slug).await?;
        let mut calls = Calls::after_proof();
        let s = &self.engine.clients().supabase;
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
        let (id, env) = (at.customer.id, self.engine.environment());
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
        let sender = self.engine.settings().sender_address().to_string();
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
        let s = &self.engine.clients().supabase;
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
}
