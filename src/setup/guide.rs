//! The setup guide (on first start, from Inställningar, and `fabrik setup`): its steps in
//! order, what each sets, where this seat stopped and what it skipped. Progress is the seat's
//! own (`seat_settings`): each person who opens Fabrik walks their own tokens.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::environment::Environment;
use crate::error::ApiResult;
use crate::providers::guide::{guide, Guide};
use crate::seat_settings::SeatSettings;
use crate::secrets::Provider;
use crate::supervisor::cloud::CloudApi;

/// Where the guide stopped (`agency`, `github`, …, `done`).
pub const STEP_SETTING: &str = "setup.step";
/// The steps skipped, comma-separated: shown as still to do.
pub const SKIPPED_SETTING: &str = "setup.skipped";

/// The guide's steps, in the order it walks them: the agency, then one per provider (as
/// `Provider::ALL`), then the proof (a test customer made and removed, `setup::test_customer`), then the
/// end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SetupStep {
    Agency,
    Github,
    Supabase,
    Vercel,
    N8n,
    Resend,
    Gitea,
    /// Optional: the inbox's payments (`intake`).
    Stripe,
    Proof,
    Done,
}

impl SetupStep {
    pub const ALL: [SetupStep; 10] = [
        SetupStep::Agency,
        SetupStep::Github,
        SetupStep::Supabase,
        SetupStep::Vercel,
        SetupStep::N8n,
        SetupStep::Resend,
        SetupStep::Gitea,
        SetupStep::Stripe,
        SetupStep::Proof,
        SetupStep::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SetupStep::Agency => "agency",
            SetupStep::Github => "github",
            SetupStep::Supabase => "supabase",
            SetupStep::Vercel => "vercel",
            SetupStep::N8n => "n8n",
            SetupStep::Resend => "resend",
            SetupStep::Gitea => "gitea",
            SetupStep::Stripe => "stripe",
            SetupStep::Proof => "proof",
            SetupStep::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<SetupStep> {
        SetupStep::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    pub fn provider(self) -> Option<Provider> {
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str() == self.as_str())
    }

    /// The settings the step asks for, in the order it shows them. A provider's address comes
    /// before its token (the check calls it).
    pub fn settings(self) -> &'static [&'static str] {
        match self {
            SetupStep::Agency => &["email.sender_name", "alerts.email"],
            SetupStep::Github => &["github.owner", "github.template"],
            SetupStep::Supabase => &["supabase.organization", "supabase.region"],
            SetupStep::Vercel => &["vercel.team_id"],
            SetupStep::N8n => &["n8n.api_url"],
            SetupStep::Resend => &["email.sender_address"],
            SetupStep::Gitea => &["gitea.api_url", "backup.repository"],
            SetupStep::Stripe | SetupStep::Proof | SetupStep::Done => &[],
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StepGuide {
    pub step: SetupStep,
    /// What the token is for, where it is made and what it must be allowed to do (a
    /// provider's step).
    pub guide: Option<Guide>,
    pub settings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SetupGuide {
    pub environment: Environment,
    pub steps: Vec<StepGuide>,
    /// Where this seat stopped; `agency` the first time.
    pub at: SetupStep,
    pub skipped: Vec<SetupStep>,
    /// The guide was opened on this seat before (the first start opens it by itself once).
    pub started: bool,
}

/// The guide as this seat left it. `n8n_api` and `gitea_api` are the agency's own services'
/// addresses (their token pages are there).
pub fn setup_guide(
    seat: &SeatSettings,
    environment: Environment,
    n8n_api: &str,
    gitea_api: &str,
) -> SetupGuide {
    let at = seat.get(STEP_SETTING).and_then(|s| SetupStep::parse(&s));
    let skipped = seat
        .get(SKIPPED_SETTING)
        .map(|s| s.split(',').filter_map(SetupStep::parse).collect())
        .unwrap_or_default();
    SetupGuide {
        environment,
        steps: SetupStep::ALL
            .into_iter()
            .map(|step| StepGuide {
                step,
                guide: step.provider().map(|p| guide(p, n8n_api, gitea_api)),
                settings: step.settings().iter().map(|s| s.to_string()).collect(),
            })
            .collect(),
        at: at.unwrap_or(SetupStep::Agency),
        skipped,
        started: at.is_some(),
    }
}

/// Remembers where the guide is and what was skipped (a step done is no longer skipped).
pub fn save_progress(
    seat: &SeatSettings,
    at: SetupStep,
    skipped: &[SetupStep],
) -> std::io::Result<()> {
    let mut kept: Vec<&str> = Vec::new();
    for s in skipped {
        if *s != SetupStep::Done && !kept.contains(&s.as_str()) {
            kept.push(s.as_str());
        }
    }
    seat.set(SKIPPED_SETTING, &kept.join(","))?;
    seat.set(STEP_SETTING, at.as_str())
}

/// The setup guide as this seat left it.
pub fn seat_guide(cloud: &CloudApi) -> SetupGuide {
    let e = cloud.endpoints();
    setup_guide(&cloud.seat, cloud.environment, &e.n8n_api, &e.gitea_api)
}

/// Where this seat stopped in the guide, kept; the guide as it now stands.
pub fn progress(cloud: &CloudApi, at: SetupStep, skipped: &[SetupStep]) -> ApiResult<SetupGuide> {
    save_progress(&cloud.seat, at, skipped).map_err(crate::error::Error::Io)?;
    Ok(seat_guide(cloud))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_has_its_step_in_order() {
        let providers: Vec<Provider> = SetupStep::ALL
            .into_iter()
            .filter_map(SetupStep::provider)
            .collect();
        assert_eq!(providers, Provider::ALL.to_vec());
        for s in SetupStep::ALL {
            assert_eq!(SetupStep::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn progress_is_kept_on_the_seat() {
        let seat = SeatSettings::in_memory(&[]);
        let g = setup_guide(&seat, Environment::Production, "", "");
        assert_eq!((g.at, g.started), (SetupStep::Agency, false));
        save_progress(
            &seat,
            SetupStep::Vercel,
            &[SetupStep::Github, SetupStep::Github, SetupStep::Done],
        )
        .unwrap();
        let g = setup_guide(&seat, Environment::Production, "", "");
        assert_eq!(g.at, SetupStep::Vercel);
        assert_eq!(g.skipped, vec![SetupStep::Github]);
        assert!(g.started);
        // One guided step per provider, whatever the providers are.
        let guided = g.steps.iter().filter(|s| s.guide.is_some()).count();
        assert_eq!(guided, Provider::ALL.len());
        assert!(g.steps[1].guide.is_some() && g.steps[0].guide.is_none());
    }
}
