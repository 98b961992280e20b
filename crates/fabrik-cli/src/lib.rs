//! `fabrik` with a subcommand: the command-line front over the same core as the window, in the
//! same executable (src-tauri's `main` calls [`main`] when there is anything after `fabrik`).
//! Each command group has its file, a thin printer over `fabrik::api`; runs start through the
//! core's supervisor, as the window's do. No rule lives here.

mod backup;
mod billing;
mod customers;
mod deployments;
mod environment;
mod export;
mod fleet;
mod handover;
mod health;
mod help_sv;
mod help_sv_args;
mod import;
mod intake;
mod language;
mod overview;
mod print;
mod progress;
mod register;
mod rollout;
mod runs;
mod runtime;
mod schedule;
mod secrets;
mod settings;
mod setup;
mod team;
mod template;
mod update;
mod usage;
mod watch;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use fabrik::provision::RunRequest;
use fabrik::ApiError;

#[derive(Parser)]
#[command(
    name = "fabrik",
    version,
    about = "Fabrik – the customer register and provisioning of the SaaS factory",
    after_help = "What removes or replaces what a delivered instance stands on (teardown, a database \
restore or recovery, domain rm, revoking an administrator) goes through one guarded gate: an \
owner's right and the name typed, at the terminal or as --confirm VALUE. --yes skips a question, \
never that."
)]
struct Cli {
    /// The register file (default: the app-data folder, the same file the window uses).
    #[arg(long, global = true, env = "FABRIK_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// Work in the sandbox (the in-process simulator, no accounts needed). Without --sandbox
    /// or --production (or FABRIK_ENVIRONMENT), this computer's `fabrik use`, else the sandbox.
    #[arg(long, global = true, conflicts_with = "production")]
    sandbox: bool,
    /// Work in production (the real APIs, tokens from the keyring or FABRIK_*_TOKEN).
    #[arg(long, global = true)]
    production: bool,
    /// Without a command (only flags, as `fabrik --sandbox`) at a terminal: the overview (what
    /// needs you now). `fabrik` with nothing after it opens the window instead.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
// Parsed once per process; the size difference between subcommands does not matter.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// The environment this computer's command line works in (sandbox or production), kept
    /// for this seat alone; left out, the choice is shown.
    Use(environment::UseArgs),
    /// What needs a person now, each with the command that does it, and the business at a
    /// glance (the window's Översikt).
    Overview(overview::OverviewArgs),
    /// The customer register.
    #[command(subcommand)]
    Customers(customers::CustomersCmd),
    /// Provision a customer's instance (a run with live progress).
    Provision(runs::ProvisionArgs),
    /// "Uppdatera moduler": bring a delivered instance to the customer's saved plan and
    /// modules (client-config.json, the modules variable, a new production deployment).
    UpdateModules(watch::DayTwo),
    /// "Reparera": check the instance, then run the steps that mend what the check found
    /// (a missing env var, an inactive workflow, a failed production deployment).
    Repair(watch::DayTwo),
    /// Pause the instance: the n8n workflow off, the Supabase project paused; the customer
    /// becomes inactive.
    Pause(watch::DayTwo),
    /// Resume a paused instance: the Supabase project restored, the workflow on again.
    Resume(watch::DayTwo),
    /// A new production deployment of the customer's repository as it is.
    Redeploy(watch::DayTwo),
    /// Production deployments: list the recent ones, make an earlier one production again
    /// (a rollback of the site), or undo the last rollback.
    #[command(subcommand)]
    Deployments(deployments::DeploymentsCmd),
    /// Hand the instance to the customer: the Supabase project to their organization, the
    /// Vercel project to their team, the repository to their GitHub account, the workflow
    /// exported, a letter with every code and step (the slug typed to confirm); --status
    /// follows it, --withdraw takes it back while it waits.
    Handover(handover::HandoverArgs),
    /// Custom domains: add one (and wait for its DNS), show what to set, remove one.
    #[command(subcommand)]
    Domain(runs::DomainCmd),
    /// The customer's first administrator.
    #[command(subcommand)]
    Admin(runs::AdminCmd),
    /// The customer's team in their own instance: list, invite (one or a CSV list), send an
    /// invitation again, revoke access; `mail` makes the instance send as the agency.
    #[command(subcommand)]
    Team(team::TeamCmd),
    /// Runs: list, show, resume, cancel, roll back.
    #[command(subcommand)]
    Runs(runs::RunsCmd),
    /// Delete everything a customer's instance owns (the slug typed, or --confirm SLUG).
    Teardown(runs::TeardownArgs),
    /// Check delivered instances against what Fabrik delivered (only reads). Exit 0 when
    /// every checked instance is healthy, 3 when any is not.
    Status(health::StatusArgs),
    /// Schema roll-outs: migration files into every delivered instance, in waves, with a
    /// backup of each database first. Exit 0 when every planned instance is done, 3 when any
    /// failed or was skipped.
    #[command(subcommand)]
    Rollout(rollout::RolloutCmd),
    /// Backups of the customers' databases: list, take one now, restore one, export one.
    #[command(subcommand)]
    Backup(backup::BackupCmd),
    /// Write a backed-up version back.
    #[command(subcommand)]
    Restore(backup::RestoreCmd),
    /// A customer's data as one archive for them (a ZIP file anyone opens): the tables as CSV
    /// and JSON with their column types, the users (never a password), the workflow, and a
    /// manifest with every file's size and SHA-256. Never over a file; nothing half-written.
    /// --for-move: the full form, encrypted, for `fabrik import`.
    Export(export::ExportArgs),
    /// A move archive into another delivered instance: its database and users replaced (the
    /// slug typed, or --confirm SLUG), then every table and the users checked against it.
    Import(import::ImportArgs),
    /// Template updates: the template's changes into every customer's repository as one pull
    /// request each (three-way merged, the customer's changes kept), in waves. Exit 0 when
    /// every planned repository is done, 3 when any failed or was skipped.
    #[command(subcommand)]
    Template(template::TemplateCmd),
    /// The register as a file: export it, or import customers from a file.
    #[command(subcommand)]
    Register(register::RegisterCmd),
    /// Non-secret settings (template repo, organization, region, base URLs, …).
    Settings(settings::SettingsArgs),
    /// The agency's tokens in the OS keyring (never shown, never on the command line).
    #[command(subcommand)]
    Secrets(secrets::SecretsCmd),
    /// The setup guide: each provider's token (what it is for, where it is made, what it must
    /// be allowed to do), saved to the keyring and checked. --check runs every check without
    /// asking: exit 0 when every required token works, 1 naming each that does not.
    Setup(setup::SetupArgs),
    /// Fabrik's own updates: what the update feed offers this computer.
    #[command(subcommand)]
    Update(update::UpdateCmd),
    /// The inbox: the portal's requests and Stripe's payments, approved into provisioning
    /// runs or rejected; the portal is told what was built.
    #[command(subcommand)]
    Intake(intake::IntakeCmd),
    /// Work without an open window: `fabrik tick` in this computer's own scheduler (systemd
    /// user timer, launchd agent, Task Scheduler task) for you: install, status, remove.
    #[command(subcommand)]
    Schedule(schedule::ScheduleCmd),
    /// Does the scheduled work that is due, and nothing else: the inbox's polls, backups whose
    /// schedule has come, the health sweep, the stale-backup and failed-run alerts. Exit 0, or
    /// 3 when something failed or the tick did not begin (named).
    Tick(schedule::TickArgs),
    /// What each customer uses, costs and pays: the fleet sorted by margin, or one customer's
    /// figures, warnings and money (from the days collected); `collect`: read them now;
    /// `prices`: the price book.
    Usage(usage::UsageArgs),
    /// Billing beside the fleet: each customer's subscription, what differs between Stripe
    /// and the instance with what to do, the decisions waiting (from the register);
    /// `reconcile`: Stripe's subscriptions compared with the register now; `policy`: what a
    /// failed payment, a pause, a resume or the period's end does to the instance, per plan.
    Billing(billing::BillingArgs),
}

/// The command line: parses the process's arguments, runs the command, and says how it went.
/// `version` is the executable's (what the window's Om Fabrik shows), so `fabrik --version`
/// and the window agree.
/// The lease a CLI run is held on under `FABRIK_FAST_POLL` (the takeover tests wait it out).
pub use runtime::FAST_LEASE;

pub fn main(version: &str) -> ExitCode {
    // The seat's language first: the help itself is in it.
    language::init(&language::db_from_args());
    // What `fabrik update check` and its errors call the running version.
    fabrik::update::set_running_version(version);
    // Once per process; clap keeps a static text.
    let version: &'static str = Box::leak(version.to_owned().into_boxed_str());
    let matches = language::localized(Cli::command().version(version)).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match run(cli) {
        Ok(()) if runtime::incomplete() => ExitCode::FAILURE,
        Ok(()) if health::unhealthy() || fleet::not_all_done() || schedule::tick_failed() => {
            ExitCode::from(3)
        }
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            use language::Said;
            let sv = language::current() == fabrik::services::register::Language::Sv;
            let word = if sv { "fel" } else { "error" };
            if e.fields.is_empty() {
                // The core's text in the seat's language, from its code and parameters.
                let text = fabrik::messages::Text::of(e.code, &e.params);
                let message = if sv { e.message.clone() } else { text.said() };
                eprintln!("{word} [{}]: {message}", e.code);
            } else if sv {
                eprintln!("{word} [{}]: ogiltiga uppgifter", e.code);
            } else {
                eprintln!("{word} [{}]: invalid input", e.code);
            }
            for f in &e.fields {
                let message = if sv { f.message.clone() } else { f.en() };
                eprintln!("  {}: {message} [{}]", f.field, f.code);
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), ApiError> {
    let path = cli.db.unwrap_or_else(fabrik::paths::default_db_path);
    // The log lives beside the register, so a test's temporary register gets its own log.
    let log_dir = fabrik::paths::seat_dir(&path).join("logs");
    let _log = fabrik::logging::init(&log_dir, false);
    let chosen = runtime::Chosen::from_flags(cli.sandbox, cli.production)?;
    // Flags without a command: the overview at a terminal; in a script, the help (nothing is
    // guessed). `fabrik` with nothing at all never comes here: it opens the window.
    let command = match cli.command {
        Some(c) => c,
        None if std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            Command::Overview(overview::OverviewArgs::default())
        }
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            std::process::exit(2);
        }
    };
    match command {
        Command::Overview(args) => overview::run(&runtime::register(&path, chosen)?, args),
        Command::Use(args) => environment::run(&path, args),
        // Fabrik itself, not a register.
        Command::Update(cmd) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ApiError::from(fabrik::Error::Io(e)))?
            .block_on(update::run(cmd)),
        // These work on registers by their addresses, in no environment.
        Command::Register(register::RegisterCmd::Password) => register::password(),
        Command::Register(register::RegisterCmd::Join { json }) => register::join(&path, json),
        Command::Register(register::RegisterCmd::Migrate { to, json }) => {
            register::migrate(&path, &to, json)
        }
        Command::Schedule(cmd) => {
            let flag = if cli.sandbox {
                Some("--sandbox")
            } else if cli.production {
                Some("--production")
            } else {
                None
            };
            schedule::run(&path, flag, cmd)
        }
        // Its own opening: a register it cannot reach is the tick's report, not an error.
        Command::Tick(args) => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| ApiError::from(fabrik::Error::Io(e)))?
            .block_on(schedule::tick(&path, chosen, args)),
        Command::Customers(cmd) => customers::run(&runtime::register(&path, chosen)?, cmd),
        Command::Settings(cmd) => {
            // The seat's own folder: the one the register file is in, as `runtime::open` has it.
            let seat = fabrik::seat_settings::SeatSettings::open(&fabrik::paths::seat_dir(&path));
            settings::run(&runtime::register(&path, chosen)?, &seat, cmd)
        }
        Command::Register(cmd) => register::run(&runtime::register(&path, chosen)?, cmd),
        Command::Usage(args) if !args.collects() => {
            usage::run(&runtime::register(&path, chosen)?, args)
        }
        Command::Billing(args) if !args.reads_stripe() => {
            billing::run(&runtime::register(&path, chosen)?, args)
        }
        Command::Runs(runs::RunsCmd::List { customer, json }) => {
            runs::list(&runtime::register(&path, chosen)?, customer, json)
        }
        Command::Runs(runs::RunsCmd::Show { id, json }) => {
            runs::show(&runtime::register(&path, chosen)?, id, json)
        }
        Command::Runs(runs::RunsCmd::Cancel { id, rollback, json }) => {
            runs::cancel(&runtime::register(&path, chosen)?, id, rollback, json)
        }
        other => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| ApiError::from(fabrik::Error::Io(e)))?
            .block_on(clouds(&path, chosen, other)),
    }
}

/// The commands that reach the clouds, in the environment the register resolves.
async fn clouds(db: &Path, chosen: runtime::Chosen, cmd: Command) -> Result<(), ApiError> {
    // The sandbox's projects get real PostgreSQL databases, as in the window: a customer
    // provisioned here is the same instance a roll-out or a backup reads later.
    fabrik::sandbox::prefer_postgres();
    let cloud = runtime::open(db, chosen).await?;
    let result = match cmd {
        Command::Secrets(cmd) => secrets::run(&cloud, cmd).await,
        Command::Setup(args) => setup::run(&cloud, args).await,
        Command::Intake(cmd) => intake::run(&cloud, cmd).await,
        Command::Status(args) => health::status(&cloud, args).await,
        Command::Provision(args) => runs::provision(&cloud, args).await,
        Command::UpdateModules(a) => watch::day_two(&cloud, a, RunRequest::UpdateModules).await,
        Command::Repair(a) => runs::repair(&cloud, a).await,
        Command::Pause(a) => watch::day_two(&cloud, a, RunRequest::Pause { cause: None }).await,
        Command::Resume(a) => watch::day_two(&cloud, a, RunRequest::Resume { cause: None }).await,
        Command::Redeploy(a) => watch::day_two(&cloud, a, RunRequest::Redeploy).await,
        Command::Admin(runs::AdminCmd::ResetPassword(a)) => {
            watch::day_two(&cloud, a, RunRequest::ResetPassword).await
        }
        Command::Admin(runs::AdminCmd::ResendWelcome(a)) => {
            watch::day_two(&cloud, a, RunRequest::ResendWelcome).await
        }
        Command::Domain(cmd) => runs::domain(&cloud, cmd).await,
        Command::Deployments(cmd) => deployments::run(&cloud, cmd).await,
        Command::Handover(args) => handover::run(&cloud, args).await,
        Command::Team(cmd) => team::run(&cloud, cmd).await,
        Command::Teardown(args) => runs::teardown(&cloud, args).await,
        Command::Runs(cmd) => runs::continue_run(&cloud, cmd).await,
        Command::Rollout(cmd) => rollout::run(&cloud, cmd).await,
        Command::Backup(cmd) => backup::run(&cloud, cmd).await,
        Command::Restore(cmd) => backup::restore(&cloud, cmd).await,
        Command::Export(args) => export::run(&cloud, args).await,
        Command::Import(args) => import::run(&cloud, args).await,
        Command::Template(cmd) => template::run(&cloud, cmd).await,
        Command::Usage(args) => usage::collect(&cloud, args).await,
        Command::Billing(args) => billing::reconcile(&cloud, args).await,
        Command::Customers(_)
        | Command::Use(_)
        | Command::Overview(_)
        | Command::Settings(_)
        | Command::Register(_)
        | Command::Update(_)
        | Command::Schedule(_)
        | Command::Tick(_) => Ok(()),
    };
    runtime::close(cloud).await;
    result
}

/// The command line as clap defines it (every command, argument and flag, global flags given
/// to each command): the tests hold the README's table and the `--json` rule to it, without a
/// process a command.
pub fn definition() -> clap::Command {
    let mut cmd = Cli::command();
    cmd.build();
    cmd
}

/// A command's commands as its `--help` lists them: neither hidden ones nor `help`.
pub fn listed(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every command, argument and flag says what it is for in `--help`.
    #[test]
    fn every_command_argument_and_flag_has_a_help_line() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let path = format!("{path} {}", cmd.get_name());
            if cmd.get_about().is_none() && path.trim() != "fabrik" {
                missing.push(format!("{path}: no about"));
            }
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} <{id}>"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &path, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "without help: {missing:#?}");
    }

    /// Every command has its Swedish line (`help_sv`), and so has each of its arguments with a
    /// help text (`help_sv_args`; a global flag may have the shared one of `help_sv::FLAGS`): a
    /// new command or flag is not left English in a Swedish seat's help; and no line is kept for
    /// a command or an argument that is gone.
    #[test]
    fn every_command_has_a_swedish_line() {
        fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<String>, args: &mut Vec<Arg>) {
            out.push(path.to_string());
            for arg in cmd.get_arguments() {
                // clap's own --help and --version have theirs in `help_sv::FLAGS`.
                let own = matches!(
                    arg.get_action(),
                    clap::ArgAction::Help | clap::ArgAction::Version
                );
                if own || (arg.get_help().is_none() && arg.get_long_help().is_none()) {
                    continue;
                }
                let id = arg.get_id().as_str();
                args.push((path.to_string(), id.to_string(), arg.is_global_set()));
            }
            for sub in cmd.get_subcommands() {
                let sub_path = [path, sub.get_name()].join(" ").trim().to_string();
                walk(sub, &sub_path, out, args);
            }
        }
        type Arg = (String, String, bool);
        let mut paths = Vec::new();
        let mut args = Vec::new();
        walk(&super::Cli::command(), "", &mut paths, &mut args);
        let untranslated: Vec<_> = paths
            .iter()
            .filter(|p| crate::language::command_line(p).is_none())
            .collect();
        assert!(
            untranslated.is_empty(),
            "no Swedish line: {untranslated:#?}"
        );
        let gone: Vec<_> = crate::help_sv::COMMANDS
            .iter()
            .filter(|(p, _)| !paths.iter().any(|q| q == p))
            .collect();
        assert!(gone.is_empty(), "a line for no command: {gone:#?}");

        let untranslated: Vec<_> = args
            .iter()
            .filter(|(path, id, global)| {
                crate::language::arg_line(path, id).is_none()
                    && !(*global && crate::language::flag(id).is_some())
            })
            .map(|(path, id, _)| format!("{path} <{id}>"))
            .collect();
        assert!(
            untranslated.is_empty(),
            "an argument without a Swedish line (help_sv_args): {untranslated:#?}"
        );
        let gone: Vec<_> = crate::help_sv_args::ARGS
            .iter()
            .filter(|(p, i, _)| !args.iter().any(|(q, j, _)| q == p && j == i))
            .collect();
        assert!(gone.is_empty(), "a line for no argument: {gone:#?}");
    }
}
