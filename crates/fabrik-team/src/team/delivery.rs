//! The invitation's delivery: the instance's Auth makes the person and sends it through the
//! agency's Resend, paced in the Resend team's budget and asked again after its window.

use super::*;

impl Team {
    /// The instance's Auth makes the person and sends the invitation, in the Resend team's
    /// budget (its relay spends the agency's key).
    pub(super) async fn send_invitation(
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
        let (s, resend) = (
            &self.engine.clients().supabase,
            &self.engine.clients().resend,
        );
        // The relay counts against the Resend team's budget, which another process (a CLI
        // run, another seat) may have spent this second: GoTrue then answers 500 and makes
        // nobody, so the invitation is asked again after Resend's window. A few times only: a
        // relay that refuses for good (a revoked key) fails each person in seconds, named.
        // Not after a 429: that is the instance's hourly limit, and an invitation does not
        // wait an hour.
        let policy = crate::providers::retry::RetryPolicy {
            max_attempts: 3,
            max_rate_limited_attempts: 1,
            base_delay: std::time::Duration::from_secs(1),
            ..self.engine.timing().retry.clone()
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
