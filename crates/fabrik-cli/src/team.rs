//! `fabrik team list|invite|resend|revoke|mail`: the customer's team in their own instance,
//! through the core's `TeamApi` (the window's too). This file only asks and prints.

use crate::language::{tr, trf, Said};
use std::sync::Arc;

use clap::Subcommand;
use fabrik::customer::{check_invitee, TeamPreview};
use fabrik::messages::Say;
use fabrik::provision::RunRequest;
use fabrik::services::team::TeamApi;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::team::{InviteOutcome, InviteReport, TeamView};
use fabrik::ApiError;

use crate::print::{ask, confirm, print_json, say};
use crate::runtime;
use crate::watch::{day_two, DayTwo};

#[derive(Subcommand)]
pub enum TeamCmd {
    /// Everyone in the customer's instance: address, role, whether they accepted, and who
    /// Fabrik invited (only they are changed from here).
    List {
        /// The customer's slug (its address name).
        slug: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Invite one person (EMAIL) or a list (--csv FILE: name, email, role; a header is
    /// optional). A list is checked first and every bad row named: all or nothing. Each
    /// person is made in the instance's Auth with their profile and role, and gets an
    /// invitation from the agency's address to set their own password. Exit 3 when anyone
    /// could not be invited (they are named; the others are done).
    Invite {
        /// The customer's slug (its address name).
        slug: String,
        /// The person's address.
        #[arg(required_unless_present = "csv", conflicts_with = "csv")]
        email: Option<String>,
        /// Their name.
        #[arg(long, conflicts_with = "csv")]
        name: Option<String>,
        /// admin, member or viewer (Swedish: admin, medlem, läsare); default member.
        #[arg(long, conflicts_with = "csv", default_value = "member")]
        role: String,
        /// A CSV file of people: name, email, role.
        #[arg(long)]
        csv: Option<std::path::PathBuf>,
        /// Only check the list and print what would be done.
        #[arg(long, requires = "csv")]
        dry_run: bool,
        /// Invite without asking.
        #[arg(long)]
        yes: bool,
        /// The report as JSON (and, with --dry-run, the preview).
        #[arg(long)]
        json: bool,
    },
    /// Send the invitation again to a person Fabrik invited who has not accepted yet.
    Resend {
        /// The customer's slug (its address name).
        slug: String,
        /// The person's address.
        email: String,
        /// The report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Take a person's access away: they can no longer sign in or see the organization's
    /// rows; everything they made stays (an invitation gives it back). Asked first (--yes
    /// skips the question). An owner or admin goes through the guarded gate: their address
    /// typed (asked, or --confirm EMAIL), which --yes never skips.
    Revoke {
        /// The customer's slug (its address name).
        slug: String,
        /// The person's address.
        email: String,
        /// The person's address, typed: needed for an owner or admin (and, typed, no question
        /// is asked for anyone else either).
        #[arg(long, value_name = "EMAIL")]
        confirm: Option<String>,
        /// Revoke without the question (an owner or admin still needs the address typed).
        #[arg(long)]
        yes: bool,
        /// What was done, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make the instance send its emails (invitations, password resets) through the agency's
    /// Resend on a sending key of its own (a new one; the one it had is deleted), from the
    /// agency's sender: a run, for instances delivered before provisioning did it, or after
    /// the sender changed.
    Mail(DayTwo),
}

pub async fn run(cloud: &Arc<CloudApi>, cmd: TeamCmd) -> Result<(), ApiError> {
    let api = || TeamApi::new(runtime::supervisor(cloud, false));
    match cmd {
        TeamCmd::List { slug, json } => {
            let team = api().list(&slug).await?;
            match json {
                true => print_json(&team),
                false => print_team(&team),
            }
            Ok(())
        }
        TeamCmd::Invite {
            slug,
            email,
            name,
            role,
            csv,
            dry_run,
            yes,
            json,
        } => {
            let api = api();
            let people = match (email, csv) {
                // Judged by the core's rule for a person, as a list's rows are (the team's own
                // addresses are judged again by the invitation itself).
                (Some(email), _) => vec![check_invitee(&email, name.as_deref(), &role, &|_| false)
                    .map_err(|f| fabrik::Error::Validation(f).to_api())?],
                (None, Some(path)) => {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| fabrik::Error::Io(e).to_api())?;
                    let preview = api.preview(&slug, &text).await?;
                    if json && dry_run {
                        print_json(&preview);
                    } else {
                        print_preview(&preview);
                    }
                    if !preview.bad.is_empty() {
                        return Err(fabrik::Error::Validation(
                            preview.bad.into_iter().flat_map(|b| b.problems).collect(),
                        )
                        .into());
                    }
                    if dry_run {
                        return Ok(());
                    }
                    if !yes
                        && !confirm(&trf!(
                            "Bjud in {} personer till {slug}? [j/N] ",
                            "Invite {} people to {slug}? [y/N] ",
                            preview.people.len()
                        ))
                    {
                        return Err(fabrik::Error::NotConfirmed.into());
                    }
                    preview.people
                }
                (None, None) => unreachable!("clap requires one"),
            };
            let report = api
                .invite(&slug, &people, |p| {
                    if !json {
                        println!("  [{}/{}] {}", p.done, p.total, line(&p.result));
                    }
                })
                .await?;
            finish(report, json)
        }
        TeamCmd::Resend { slug, email, json } => {
            let report = api().resend(&slug, &email).await?;
            if !json {
                for r in &report.results {
                    println!("  {}", line(r));
                }
            }
            finish(report, json)
        }
        TeamCmd::Revoke {
            slug,
            email,
            confirm: typed,
            yes,
            json,
        } => {
            let api = api();
            // The question, skipped by --yes or by the address typed (which says more).
            if typed.is_none()
                && !yes
                && !confirm(&trf!(
                    "Ta bort behörigheten för {email} i {slug}? Allt personen har gjort finns kvar. [j/N] ",
                    "Remove the access of {email} in {slug}? Everything the person did remains. [y/N] "
                ))
            {
                return Err(fabrik::Error::NotConfirmed.into());
            }
            let done = match api.revoke(&slug, &email, typed.as_deref()).await {
                // An owner or admin: asked for the address, typed, when it was not given.
                Err(e)
                    if e.code == fabrik::messages::ErrorCode::TeamRevokeConfirm
                        && typed.is_none() =>
                {
                    let text = fabrik::messages::Text::of(e.code, &e.params);
                    eprintln!("{}", tr(e.message, text.said()));
                    let typed =
                        ask(tr("Skriv adressen: ", "Type the address: ")).unwrap_or_default();
                    api.revoke(&slug, &email, Some(&typed)).await?
                }
                other => other?,
            };
            match json {
                true => print_json(&done),
                false => println!(
                    "{}",
                    trf!(
                        "{} ({}) har inte längre tillgång till {}; allt personen har gjort finns kvar.",
                        "{} ({}) no longer has access to {}; everything the person did remains.",
                        done.email,
                        done.role,
                        done.slug
                    )
                ),
            }
            Ok(())
        }
        TeamCmd::Mail(a) => day_two(cloud, a, RunRequest::AuthMail).await,
    }
}

fn line(r: &fabrik::team::InviteResult) -> String {
    let done = match (&r.outcome, &r.problem) {
        (_, Some(p)) => return format!("✗ {}", p.said()),
        (InviteOutcome::Failed, None) => return format!("✗ {}", r.email),
        (InviteOutcome::Invited, None) => Say::TeamCliInvited,
        (InviteOutcome::Again, None) => Say::TeamCliInvitedAgain,
        (InviteOutcome::Restored, None) => Say::TeamCliRestored,
    };
    format!("✓ {}", say(done, &[("email", &r.email)]))
}

/// Prints the report's totals; exit 3 (named) when anyone failed.
fn finish(report: InviteReport, json: bool) -> Result<(), ApiError> {
    if json {
        print_json(&report);
    } else {
        println!(
            "{}",
            trf!(
                "{} klara, {} misslyckades; {} anrop till instansen på {:.1} s.",
                "{} done, {} failed; {} calls to the instance in {:.1} s.",
                report.invited,
                report.failed,
                report.calls,
                report.elapsed_ms as f64 / 1000.0
            )
        );
    }
    if report.failed > 0 {
        std::process::exit(3);
    }
    Ok(())
}

fn print_preview(p: &TeamPreview) {
    println!(
        "{}",
        trf!("{} att bjuda in:", "{} to invite:", p.people.len())
    );
    for x in &p.people {
        println!(
            "  {:<36} {:<8} {}",
            x.email,
            x.role.as_str(),
            x.full_name.as_deref().unwrap_or("")
        );
    }
    if !p.bad.is_empty() {
        println!(
            "{}",
            trf!(
                "{} rader kan inte bjudas in (ingen bjuds in förrän de är rättade):",
                "{} rows cannot be invited (no one is invited until they are corrected):",
                p.bad.len()
            )
        );
        for b in &p.bad {
            let why: Vec<String> = b
                .problems
                .iter()
                .map(|f| tr(f.message.clone(), f.en()))
                .collect();
            println!(
                "  {} {}: {} — {}",
                tr("rad", "row"),
                b.line,
                b.email,
                why.join("; ")
            );
        }
    }
}

fn print_team(t: &TeamView) {
    let mail = match (t.sends_as_agency, &t.sender) {
        (true, Some(s)) => {
            let per_hour = t.per_hour.unwrap_or(0);
            say(
                Say::TeamCliSendsAs,
                &[("sender", s), ("per_hour", &per_hour)],
            )
        }
        _ => say(Say::TeamCliSendsBuiltIn, &[("slug", &t.slug)]),
    };
    println!(
        "{}",
        trf!(
            "Teamet i {} (Supabase-projektet {}; {mail}):",
            "The team in {} (the Supabase project {}; {mail}):",
            t.slug,
            t.project_ref
        )
    );
    for m in &t.members {
        let by = match (m.first_admin, m.by_fabrik) {
            (true, _) => Say::TeamCliFirstAdmin,
            (false, true) => Say::TeamCliByFabrik,
            (false, false) => Say::TeamCliNotFabriks,
        };
        let by = say(by, &[]);
        println!(
            "  {:<36} {:<7} {:<8} {:<13} {}",
            m.email,
            m.role,
            m.status.as_str(),
            by,
            m.problem.as_deref().unwrap_or("")
        );
    }
}
