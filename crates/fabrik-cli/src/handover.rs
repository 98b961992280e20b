//! `fabrik handover SLUG --to-github OWNER --to-vercel-team TEAM --to-supabase-org ORG`: the
//! instance handed to the customer through the core's `HandoverApi` (the window's too), behind
//! the teardown's gate (the slug typed); `--status` follows it, `--withdraw` takes it back
//! while it waits. This file only asks and prints.

use crate::language::{tr, trf, Said};
use fabrik::customer::rows::CustomerRows;
use std::sync::Arc;

use clap::Args;
use fabrik::services::handover::{HandoverApi, Receivers};
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use crate::print::{ask, print_json};
use crate::runtime;
use crate::watch::{follow, stop_on_ctrl_c, terminal};

#[derive(Args)]
pub struct HandoverArgs {
    /// The customer's slug (its address name).
    slug: String,
    /// The GitHub account or organization the repository goes to.
    #[arg(long, required_unless_present_any = ["status", "withdraw"])]
    to_github: Option<String>,
    /// The customer's Vercel team (its slug), which accepts the project.
    #[arg(long, required_unless_present_any = ["status", "withdraw"])]
    to_vercel_team: Option<String>,
    /// The customer's Supabase organization (its slug), which claims the project.
    #[arg(long, required_unless_present_any = ["status", "withdraw"])]
    to_supabase_org: Option<String>,
    /// Send the letter with the codes to this address instead of the instance's proven first
    /// administrator (who is named in the question otherwise).
    #[arg(long, value_name = "EMAIL")]
    letter_to: Option<String>,
    /// The slug typed again, to confirm (otherwise asked for at the terminal): a handover gives
    /// the instance away.
    #[arg(long)]
    confirm: Option<String>,
    /// Where the handover stands: what the customer has taken.
    #[arg(long, conflicts_with = "withdraw")]
    status: bool,
    /// Withdraw the handover while the customer has not taken all of it.
    #[arg(long)]
    withdraw: bool,
    /// JSON instead of sentences (one event per line while the run goes).
    #[arg(long)]
    json: bool,
}

fn typed(slug: &str, given: Option<String>, question: &str) -> Result<String, ApiError> {
    match given {
        Some(t) => Ok(t),
        None => ask(&trf!(
            "{question} Skriv kundens adressnamn ({slug}) för att bekräfta: ",
            "{question} Type the customer's address name ({slug}) to confirm: "
        ))
        .ok_or_else(|| fabrik::Error::NotConfirmed.into()),
    }
}

pub async fn run(cloud: &Arc<CloudApi>, a: HandoverArgs) -> Result<(), ApiError> {
    let supervisor = runtime::supervisor(cloud, false);
    let api = HandoverApi::new(supervisor.clone());
    if a.status {
        let status = api.status(&a.slug).await?;
        match a.json {
            true => print_json(&status),
            false => status.lines.iter().for_each(|l| println!("{}", l.said())),
        }
        return Ok(());
    }
    if a.withdraw {
        let confirmation = typed(
            &a.slug,
            a.confirm,
            tr("Överlämningen dras tillbaka.", "The handover is withdrawn."),
        )?;
        let done = api.withdraw(&a.slug, &confirmation).await?;
        match a.json {
            true => print_json(&done),
            false => done.lines.iter().for_each(|l| println!("{}", l.said())),
        }
        return Ok(());
    }
    cloud.store().get_customer(&a.slug)?;
    let (github, team, org) = (
        a.to_github.unwrap_or_default(),
        a.to_vercel_team.unwrap_or_default(),
        a.to_supabase_org.unwrap_or_default(),
    );
    // The letter's recipient, the one typed or as the instance's Auth holds the proven first
    // administrator: said before anyone confirms, and on stderr when the slug was given on the command line.
    let typed_to = fabrik::customer::handover_letter_to(a.letter_to.as_deref())?;
    let recipient = match &typed_to {
        Some(to) => to.clone(),
        None => api.recipient(&a.slug).await?,
    };
    let question = trf!(
        "{} lämnas över: Supabase-projektet till organisationen {org}, Vercel-projektet till teamet {team}, GitHub-repot till {github}. Brevet med koderna skickas till {recipient}. Det kan inte tas tillbaka när kunden tagit emot det.",
        "{} is handed over: the Supabase project to the organization {org}, the Vercel project to the team {team}, the GitHub repository to {github}. The letter with the codes is sent to {recipient}. It cannot be taken back once the customer has accepted it.",
        a.slug
    );
    if a.confirm.is_some() && !a.json {
        eprintln!(
            "{}",
            trf!(
                "Brevet med koderna skickas till {recipient}.",
                "The letter with the codes is sent to {recipient}."
            )
        );
    }
    let confirmation = typed(&a.slug, a.confirm, &question)?;
    stop_on_ctrl_c(&supervisor);
    let to = Receivers {
        github: &github,
        vercel_team: &team,
        supabase_org: &org,
        letter_to: typed_to.as_deref(),
    };
    let launched = api
        .start(&a.slug, to, &confirmation, terminal(a.json))
        .await?;
    follow(&a.slug, launched).await
}
