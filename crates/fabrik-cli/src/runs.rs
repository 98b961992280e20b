//! The commands that start, continue and show runs: provisioning, day two, domains, teardown,
//! and `runs …`. Every run starts through the core's supervisor (`fabrik::supervisor`),
//! the same way in as the window's: the readiness gate and the preflight, the driver, the check
//! after a day-two run, the alert email when a run fails. This file only prints.

use crate::language::{tr, trf, Said};
use fabrik::customer::rows::CustomerRows;
use std::sync::Arc;

use clap::{Args, Subcommand};
use fabrik::messages::Say;
use fabrik::provision::{AllowedBy, RunRequest};
use fabrik::services::export::ExportApi;
use fabrik::services::register::Register;
use fabrik::services::runs::RunsApi;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::supervisor::Supervisor;
use fabrik::ApiError;

use crate::print::{confirm, print_export, print_json, say};
use crate::runtime;
use crate::watch::{finished, start, stop_on_ctrl_c, terminal, DayTwo};

#[derive(Args)]
pub struct ProvisionArgs {
    /// The customer's slug (its address name).
    slug: String,
    /// Only show what would be created, adopted or refused (read-only calls).
    #[arg(long)]
    plan: bool,
    /// Start without asking.
    #[arg(long)]
    yes: bool,
    /// One JSON event per line.
    #[arg(long)]
    json: bool,
    /// On a permanent failure keep what was created (retry later) instead of rolling back.
    #[arg(long)]
    keep_on_failure: bool,
    /// Adopt on purpose a resource by this name that Fabrik did not create (`owner/repo`,
    /// a Vercel project or an n8n workflow), as a plan or a refused run showed it (with its
    /// id; one replaced since is refused again): the run writes Fabrik's marker on it, and
    /// from then on it is the customer's (changed by runs, deleted by teardown).
    #[arg(long, value_name = "NAME")]
    adopt: Vec<String>,
}

#[derive(Subcommand)]
pub enum DomainCmd {
    /// Add DOMAIN to the customer's Vercel project, print the DNS records to set, wait until
    /// Vercel has verified it (Ctrl-C stops waiting; `fabrik runs resume` goes on), then make
    /// it the production URL.
    Add {
        /// The customer's slug (its address name).
        slug: String,
        /// The domain, e.g. kund.byran.se (just the name, no https://).
        domain: String,
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
        /// On a permanent failure keep what was done (retry later) instead of taking the
        /// domain off again.
        #[arg(long)]
        keep_on_failure: bool,
    },
    /// The customer's custom domains: verified, pointed at Vercel, the records still to set.
    Status {
        /// The customer's slug (its address name).
        slug: String,
        /// Only this domain.
        domain: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Remove DOMAIN from the project (only one a Fabrik run added); production goes back to
    /// the project's own address first if it was this domain.
    Rm {
        /// The customer's slug (its address name).
        slug: String,
        /// The domain to remove.
        domain: String,
        /// The domain typed again, to confirm (otherwise asked for at the terminal). Removing
        /// it is an owner's right.
        #[arg(long, value_name = "DOMAIN")]
        confirm: Option<String>,
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum AdminCmd {
    /// A new one-time password for the first administrator, sent in a new welcome email (it
    /// is never printed).
    ResetPassword(DayTwo),
    /// The welcome email again, to the first administrator, without a password (it went once;
    /// the email points to the password reset).
    ResendWelcome(DayTwo),
}

#[derive(Subcommand)]
pub enum RunsCmd {
    /// Runs, newest first.
    List {
        /// Only this customer's runs (its slug).
        #[arg(long)]
        customer: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The run with its steps and per-step log.
    Show {
        /// The run's number (see `fabrik runs list`).
        id: i64,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Continue an interrupted, failed or cancelled run from where it stopped.
    Resume {
        /// The run's number (see `fabrik runs list`).
        id: i64,
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
    },
    /// Stop a run at its next safe point; --rollback then removes what it created.
    Cancel {
        /// The run's number (see `fabrik runs list`).
        id: i64,
        /// Remove what the run created once it has stopped.
        #[arg(long)]
        rollback: bool,
        /// What was asked, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove what a failed or cancelled run created.
    Rollback {
        /// The run's number (see `fabrik runs list`).
        id: i64,
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct TeardownArgs {
    /// The customer's slug (its address name).
    slug: String,
    /// The slug typed again, to confirm (otherwise asked for at the terminal): a teardown goes
    /// through the guarded gate, and nothing short of the name typed lets it through.
    #[arg(long, value_name = "SLUG")]
    confirm: Option<String>,
    /// The customer's data exported first, into the export folder (the agency keeps it for
    /// `export.keep_days`); the teardown starts only once the archive is written.
    #[arg(long)]
    export: bool,
    /// One JSON event per line.
    #[arg(long)]
    json: bool,
}

pub async fn provision(cloud: &Arc<CloudApi>, a: ProvisionArgs) -> Result<(), ApiError> {
    let supervisor = runtime::supervisor(cloud, a.keep_on_failure);
    let runs = reader(cloud, &supervisor);
    // Typing the name on the command line is the confirmation, of the resource a plan or a
    // run showed under that name: the permission names its id.
    for name in &a.adopt {
        let adopted = runs.adopt_by(&a.slug, name, name, AllowedBy::Cli)?;
        eprintln!(
            "{}",
            trf!(
                "{} (id {}) tas över med avsikt i {}: Fabriks märkning skrivs på det vid körningen.",
                "{} (id {}) is adopted on purpose in {}: the run writes Fabrik's marker on it.",
                adopted.resource,
                adopted.external_id.as_deref().unwrap_or("?"),
                adopted.environment
            )
        );
    }
    if a.plan {
        // The preflight's findings come with the plan, so the owner hears every problem at once.
        print_plan_as(&runs.plan(a.slug.clone()).await?, a.json);
        return Ok(());
    }
    if !a.yes {
        print_plan_as(&runs.plan_to_start(a.slug.clone()).await?, a.json);
        if !confirm(tr(
            "Starta provisioneringen? [j/N] ",
            "Start the provisioning? [y/N] ",
        )) {
            return Err(fabrik::Error::NotConfirmed.into());
        }
    }
    start(&supervisor, &a.slug, RunRequest::Provision, a.json).await
}

/// What the command line reads about a customer's instance without starting a run: the same
/// reader as the window's (`RunsApi`), on this command's supervisor.
fn reader(cloud: &Arc<CloudApi>, supervisor: &Arc<Supervisor>) -> RunsApi {
    RunsApi::new(cloud.shared_store(), cloud.clone(), supervisor.clone())
}

fn print_plan_as(p: &fabrik::provision::ProvisionPlan, json: bool) {
    if json {
        print_json(p);
    } else {
        print_plan(p);
    }
}

/// "Reparera": repairs what is wrong now, not what an older check saw.
pub async fn repair(cloud: &Arc<CloudApi>, a: DayTwo) -> Result<(), ApiError> {
    let supervisor = runtime::supervisor(cloud, a.keep_on_failure);
    let health = supervisor.reader()?.check_health(&a.slug).await?;
    if health.healthy {
        println!(
            "{}",
            trf!(
                "{} är frisk; inget att reparera",
                "{} is healthy; nothing to repair",
                a.slug
            )
        );
        return Ok(());
    }
    // Asked once the check found something to mend.
    crate::watch::confirmed(cloud, &a.slug, &RunRequest::Repair, a.yes)?;
    start(&supervisor, &a.slug, RunRequest::Repair, a.json).await
}

pub async fn domain(cloud: &Arc<CloudApi>, cmd: DomainCmd) -> Result<(), ApiError> {
    match cmd {
        DomainCmd::Add {
            slug,
            domain,
            json,
            keep_on_failure,
        } => {
            let supervisor = runtime::supervisor(cloud, keep_on_failure);
            start(&supervisor, &slug, RunRequest::DomainAdd { domain }, json).await
        }
        DomainCmd::Rm {
            slug,
            domain,
            confirm,
            json,
        } => {
            let supervisor = runtime::supervisor(cloud, false);
            let confirmation = match confirm {
                Some(typed) => typed,
                None => typed_at_terminal(&trf!(
                    "{domain} tas bort från {slug}s webbplats. Skriv domänen för att bekräfta: ",
                    "{domain} is removed from {slug}'s site. Type the domain to confirm: "
                )),
            };
            let request = RunRequest::DomainRemove {
                domain,
                confirmation,
            };
            start(&supervisor, &slug, request, json).await
        }
        DomainCmd::Status { slug, domain, json } => {
            let supervisor = runtime::supervisor(cloud, false);
            let mut found = reader(cloud, &supervisor).domains(slug.clone()).await?;
            if let Some(d) = &domain {
                let d = fabrik::customer::validate_domain(d)
                    .map_err(|e| fabrik::Error::Validation(vec![e]))?;
                found.retain(|s| s.domain == d);
            }
            if json {
                print_json(&found);
            } else {
                print_domains(&slug, &found);
            }
            Ok(())
        }
    }
}

/// "Avveckla": every target read back first, then the slug typed to confirm.
pub async fn teardown(cloud: &Arc<CloudApi>, a: TeardownArgs) -> Result<(), ApiError> {
    let supervisor = runtime::supervisor(cloud, false);
    cloud.store().get_customer(&a.slug)?;
    let targets = reader(cloud, &supervisor)
        .teardown_preview(a.slug.clone())
        .await?;
    if a.json {
        print_json(&targets);
    } else {
        print_teardown(&a.slug, &targets);
    }
    let confirmation = match a.confirm {
        Some(typed) => typed,
        None => typed_at_terminal(&trf!(
            "Allt som {} äger tas bort för gott. Skriv kundens adressnamn för att bekräfta: ",
            "Everything {} owns is removed for good. Type the customer's address name to confirm: ",
            a.slug
        )),
    };
    if a.export {
        export_before_teardown(cloud, &supervisor, &a.slug, &confirmation, a.json).await?;
    } else if !a.json {
        println!("{}", say(Say::TeardownWithoutExport, &[]));
    }
    start(
        &supervisor,
        &a.slug,
        RunRequest::Teardown { confirmation },
        a.json,
    )
    .await
}

/// `fabrik teardown --export`: the archive written into the export folder behind the
/// teardown's gate (`confirmation`: the slug typed), and how long the agency keeps it.
async fn export_before_teardown(
    cloud: &Arc<CloudApi>,
    supervisor: &Arc<Supervisor>,
    slug: &str,
    confirmation: &str,
    json: bool,
) -> Result<(), ApiError> {
    let api = ExportApi::new(cloud.shared_store(), supervisor.clone());
    let done = api.before_teardown(slug, confirmation).await?;
    if json {
        print_json(&done);
        return Ok(());
    }
    print_export(slug, &done);
    let keeping = api.keeping(slug)?;
    let line = match (keeping.days, &keeping.latest_until) {
        (Some(days), Some(until)) => say(
            Say::ExportKeptDays,
            &[
                ("days", &days),
                ("until", &until.get(..10).unwrap_or(until)),
            ],
        ),
        _ => say(Say::ExportKeptAlways, &[]),
    };
    println!("{line}");
    Ok(())
}

/// `runs resume` and `runs rollback`: claimed here, driven by the supervisor.
pub async fn continue_run(cloud: &Arc<CloudApi>, cmd: RunsCmd) -> Result<(), ApiError> {
    let supervisor = runtime::supervisor(cloud, false);
    stop_on_ctrl_c(&supervisor);
    let handle = match cmd {
        RunsCmd::Resume { id, json } => supervisor.resume(id, terminal(json)).await?,
        RunsCmd::Rollback { id, json } => supervisor.rollback(id, terminal(json)).await?,
        // Read from the register alone (see `main::run`).
        RunsCmd::List { .. } | RunsCmd::Show { .. } | RunsCmd::Cancel { .. } => return Ok(()),
    };
    let state = handle.await.unwrap_or_else(|e| {
        Err(fabrik::Error::Internal(format!(
            "the run's task ended abnormally: {e}"
        )))
    });
    finished(state?)
}

/// `runs cancel`: the flag in the register; the driving process stops within a heartbeat.
pub fn cancel(api: &Register, id: i64, rollback: bool, json: bool) -> Result<(), ApiError> {
    fabrik::provision::cancel_run(api.store(), id, rollback)?;
    if json {
        print_json(&serde_json::json!({ "run": id, "cancelling": true, "rollback": rollback }));
        return Ok(());
    }
    let line = if rollback {
        trf!(
            "Körning {id} stoppas vid nästa säkra punkt och återställs",
            "Run {id} stops at the next safe point and is rolled back"
        )
    } else {
        trf!(
            "Körning {id} stoppas vid nästa säkra punkt; den kan återupptas",
            "Run {id} stops at the next safe point; it can be resumed"
        )
    };
    println!("{line}");
    Ok(())
}

pub fn list(api: &Register, customer: Option<String>, json: bool) -> Result<(), ApiError> {
    let id = match customer {
        Some(slug) => Some(api.store().get_customer(&slug)?.id),
        None => None,
    };
    let runs = api.store().list_runs(id, 200)?;
    if json {
        print_json(&runs);
        return Ok(());
    }
    println!(
        "{:>5}  {:<28} {:<14} {:<16} {}",
        "ID",
        tr("KUND", "CUSTOMER"),
        tr("TYP", "KIND"),
        "STATUS",
        tr("STARTAD", "STARTED")
    );
    for r in runs {
        println!(
            "{:>5}  {:<28} {:<14} {:<16} {}",
            r.id, r.slug, r.kind, r.state, r.started_at
        );
    }
    Ok(())
}

pub fn show(api: &Register, id: i64, json: bool) -> Result<(), ApiError> {
    let run = api.store().get_run(id)?;
    let steps = api.store().run_steps(id)?;
    let log = api.store().run_log(id, 0)?;
    if json {
        print_json(&serde_json::json!({ "run": run, "steps": steps, "log": log }));
        return Ok(());
    }
    println!(
        "{}",
        trf!(
            "Körning {} ({}) för {}: {}",
            "Run {} ({}) for {}: {}",
            run.id,
            run.kind,
            run.slug,
            run.state
        )
    );
    if let Some(e) = &run.error {
        println!("  {}", trf!("Fel: {}", "Error: {}", e.said()));
    }
    for s in &steps {
        println!(
            "  {:<20} {:<20} {} {:<2} {}",
            s.key,
            s.state,
            tr("försök", "attempt"),
            s.attempts,
            s.external_id.as_deref().unwrap_or("")
        );
    }
    println!("{}", tr("Logg:", "Log:"));
    for l in log {
        let step = l.step.map(|s| s.as_str()).unwrap_or("");
        let rid = l
            .request_id
            .as_deref()
            .map(|r| format!(" [{r}]"))
            .unwrap_or_default();
        println!("  {} {:<5} {:<20} {}{rid}", l.at, l.level, step, l.message);
    }
    Ok(())
}

fn print_domains(slug: &str, found: &[fabrik::provision::DomainStatus]) {
    if found.is_empty() {
        println!(
            "{}",
            trf!(
                "{slug} har inga egna domäner",
                "{slug} has no custom domains"
            )
        );
    }
    for d in found {
        let state = match (d.verified, d.configured) {
            (true, true) => Say::DomainPointsAtVercel,
            (true, false) => Say::DomainDnsNotYet,
            (false, _) => Say::DomainNotVerified,
        }
        .text()
        .said();
        let mut notes = Vec::new();
        if d.production {
            notes.push(tr("produktionsadress", "production address"));
        }
        if !d.added_by_fabrik {
            notes.push(tr("inte tillagd av Fabrik", "not added by Fabrik"));
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join(", "))
        };
        println!("{}: {state}{notes}", d.domain);
        for r in &d.records {
            println!("  {:<6} {}  →  {}", r.kind, r.name, r.value);
        }
    }
}

/// Every target of a teardown: "tas bort" only for what carries the customer's marker.
fn print_teardown(slug: &str, targets: &[fabrik::provision::TeardownTarget]) {
    println!("{}", trf!("Avveckling av {slug}:", "Teardown of {slug}:"));
    if targets.is_empty() {
        println!(
            "  {}",
            tr(
                "(inget registrerat att ta bort)",
                "(nothing registered to remove)"
            )
        );
    }
    for t in targets {
        let reason = t
            .reason
            .as_ref()
            .map(|r| r.said())
            .unwrap_or_else(|| tr("okänt fel", "unknown error").into());
        let what = say(t.verdict.label(), &[("reason", &reason)]);
        println!("  {:<18} {:<40} {what}", t.step.as_str(), t.id);
    }
}

fn print_plan(p: &fabrik::provision::ProvisionPlan) {
    use fabrik::provision::PlanAction::*;
    println!("{}", trf!("Plan för {}:", "Plan for {}:", p.slug));
    let blocking = p.preflight.iter().filter(|f| f.blocking).count();
    if blocking > 0 {
        println!(
            "{}",
            trf!(
                "Förkontrollen hittade {blocking} problem som måste lösas först:",
                "The preflight found {blocking} problems to solve first:"
            )
        );
    }
    for f in &p.preflight {
        let mark = if f.blocking { "✗" } else { "!" };
        println!("  {mark} {:<28} {}", f.subject, f.message.said());
    }
    for i in &p.items {
        let sign = match i.action {
            Create => "+",
            Adopt => "=",
            Refuse => "✗",
            Run => "•",
            Skip => "-",
        };
        let mark = format!("{sign} {:<6}", i.action.label().text().said());
        println!("  {mark}  {:<20} {}", i.step.as_str(), i.detail.said());
    }
    if !p.feasible {
        println!(
            "{}",
            tr(
                "Planen kan inte genomföras som den är (se ✗ ovan).",
                "The plan cannot be carried out as it is (see ✗ above)."
            )
        );
    }
}

/// The name of what goes, typed at the terminal after `question` (empty without a line).
fn typed_at_terminal(question: &str) -> String {
    eprint!("{question}");
    let mut typed = String::new();
    let _ = std::io::stdin().read_line(&mut typed);
    typed.trim().to_string()
}
