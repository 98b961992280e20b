//! `fabrik`: the command-line front over the same core as the window. Each subcommand is a few
//! lines over `fabrik::api::Api`; no rule lives here.

mod progress;
mod runtime;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use fabrik::api::Api;
use fabrik::customer::{
    Customer, CustomerDraft, CustomerPatch, CustomerQuery, CustomerRow, Plan, SortKey, Status,
};
use fabrik::provision::RunKind;
use fabrik::ApiError;

#[derive(Parser)]
#[command(
    name = "fabrik",
    version,
    about = "Fabrik – kundregister och provisionering för SaaS-fabriken"
)]
struct Cli {
    /// The register file (default: the app-data folder, the same file the window uses).
    #[arg(long, global = true, env = "FABRIK_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// Run against the in-process simulator (no accounts needed), not the real clouds.
    #[arg(long, global = true)]
    sandbox: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
// Parsed once per process; the size difference between subcommands does not matter.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// The customer register.
    #[command(subcommand)]
    Customers(CustomersCmd),
    /// Provision a customer's instance (a run with live progress).
    Provision {
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
        /// a Vercel project or an n8n workflow): the run writes Fabrik's marker on it, and
        /// from then on it is the customer's (changed by runs, deleted by teardown).
        #[arg(long, value_name = "NAME")]
        adopt: Vec<String>,
    },
    /// "Uppdatera moduler": bring a delivered instance to the customer's saved plan and
    /// modules (client-config.json, the modules variable, a new production deployment).
    UpdateModules {
        /// The customer's slug (its address name).
        slug: String,
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
        /// On a permanent failure keep what was changed (retry later) instead of putting the
        /// instance back as it was.
        #[arg(long)]
        keep_on_failure: bool,
    },
    /// "Reparera": check the instance, then run the steps that mend what the check found
    /// (a missing env var, an inactive workflow, a failed production deployment).
    Repair(DayTwo),
    /// Pause the instance: the n8n workflow off, the Supabase project paused; the customer
    /// becomes inactive.
    Pause(DayTwo),
    /// Resume a paused instance: the Supabase project restored, the workflow on again.
    Resume(DayTwo),
    /// A new production deployment of the customer's repository as it is.
    Redeploy(DayTwo),
    /// Custom domains: add one (and wait for its DNS), show what to set, remove one.
    #[command(subcommand)]
    Domain(DomainCmd),
    /// The customer's first administrator.
    #[command(subcommand)]
    Admin(AdminCmd),
    /// Provisioning runs: list, show, resume, cancel, roll back.
    #[command(subcommand)]
    Runs(RunsCmd),
    /// Delete everything a customer's instance owns (asks for the slug to confirm).
    Teardown {
        /// The customer's slug (its address name).
        slug: String,
        /// Do not ask for the slug to confirm.
        #[arg(long)]
        yes: bool,
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
    },
    /// Check delivered instances against what Fabrik delivered (only reads). Exit 0 when
    /// every checked instance is healthy, 3 when any is not.
    Status {
        /// One customer's slug; every active or paused instance when left out.
        slug: Option<String>,
        /// Print JSON: `healthy`, and per customer its `findings`.
        #[arg(long)]
        json: bool,
    },
    /// The register as a file: export it, or import customers from a file.
    #[command(subcommand)]
    Register(RegisterCmd),
    /// Non-secret settings (template repo, organization, region, base URLs, …).
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// The agency's tokens in the OS keyring (never shown, never on the command line).
    #[command(subcommand)]
    Secrets(SecretsCmd),
}

/// What every day-two run takes.
#[derive(Args)]
struct DayTwo {
    /// The customer's slug (its address name).
    slug: String,
    /// One JSON event per line.
    #[arg(long)]
    json: bool,
    /// On a permanent failure keep what was changed (retry later) instead of putting the
    /// instance back as it was.
    #[arg(long)]
    keep_on_failure: bool,
}

#[derive(Subcommand)]
enum DomainCmd {
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
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AdminCmd {
    /// A new one-time password for the first administrator, sent in a new welcome email (it
    /// is never printed).
    ResetPassword(DayTwo),
}

#[derive(Subcommand)]
enum SecretsCmd {
    /// Saved, verified or missing, per provider.
    Status {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Save a token: typed at a hidden prompt, or read from standard input.
    Set {
        /// github, supabase, vercel, n8n or resend.
        provider: fabrik::secrets::Provider,
    },
    /// Verify saved tokens against the providers (read-only calls).
    Test {
        /// One provider (github, supabase, vercel, n8n, resend); all when left out.
        provider: Option<fabrik::secrets::Provider>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Resend: also send a test email to the sender address.
        #[arg(long)]
        send_email: bool,
    },
    /// Delete a token from the keyring.
    Rm {
        /// github, supabase, vercel, n8n or resend.
        provider: fabrik::secrets::Provider,
    },
}

#[derive(Subcommand)]
enum RunsCmd {
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

#[derive(Subcommand)]
enum RegisterCmd {
    /// Move this seat's register file (customers, runs and ledger) into an empty shared register
    /// on PostgreSQL, in one transaction, then compare counts and checksums of every table. The
    /// file is only read; an interrupted move leaves the target as it was and can be run again.
    Migrate {
        /// The shared register, `postgres://user@host:5432/db` (its password from the keyring
        /// when the URL has none).
        #[arg(long, value_name = "URL")]
        to: String,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Keep the password of the shared register (FABRIK_DATABASE_URL) in this seat's keyring,
    /// read without echo (or as one line from a pipe).
    Password,
    /// Write every customer (examples left out) with status and instance card, as CSV or JSON.
    Export {
        /// csv (one row per customer, opens in a spreadsheet) or json.
        #[arg(long, value_enum, default_value = "csv")]
        format: fabrik::register::ExportFormat,
        /// The file to write (it must not exist); standard output when left out.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Add customers from a CSV file (an export, the portal's `organizations` table saved as
    /// CSV, a spreadsheet), a JSON export, or straight from the portal's database. Shows what
    /// would be added and skipped and asks; a slug already in the register is skipped, never
    /// overwritten.
    Import {
        /// The file to read.
        #[arg(
            required_unless_present = "from_portal",
            conflicts_with = "from_portal"
        )]
        file: Option<PathBuf>,
        /// Read the portal's table instead, read-only (postgres://user@host/db; the password
        /// from PGPASSWORD or asked for).
        #[arg(long, value_name = "URL")]
        from_portal: Option<String>,
        /// The portal's table.
        #[arg(long, value_name = "SCHEMA.TABLE", default_value = fabrik::register::PORTAL_TABLE, requires = "from_portal")]
        table: String,
        /// Only show what would be added and skipped.
        #[arg(long)]
        preview: bool,
        /// Import without asking.
        #[arg(long)]
        yes: bool,
        /// Print the preview or the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum SettingsCmd {
    /// Every setting with its value and what it is for.
    List,
    /// One setting's value.
    Get {
        /// The setting's key (see `fabrik settings list`).
        key: String,
    },
    /// Change a setting (checked before it is saved).
    Set {
        /// The setting's key (see `fabrik settings list`).
        key: String,
        /// The new value.
        value: String,
    },
    /// Remove a setting (back to its default).
    Unset {
        /// The setting's key (see `fabrik settings list`).
        key: String,
    },
}

#[derive(Subcommand)]
enum CustomersCmd {
    /// List customers.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Search name, slug or email.
        #[arg(long)]
        search: Option<String>,
        /// Only customers with this status (pending, provisioning, active, failed, inactive).
        #[arg(long)]
        status: Option<Status>,
        /// The order of the list.
        #[arg(long, value_enum, default_value = "name")]
        sort: SortArg,
    },
    /// Add a customer.
    Add {
        /// The customer's name, e.g. "Åsa's Bageri & Café AB".
        #[arg(long)]
        name: String,
        /// The first admin's email address.
        #[arg(long)]
        email: String,
        /// The address name; derived from the name when left out.
        #[arg(long)]
        slug: Option<String>,
        /// starter (default), professional or enterprise.
        #[arg(long)]
        plan: Option<Plan>,
        /// The contact person's name.
        #[arg(long)]
        contact: Option<String>,
        /// Print the new customer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one customer.
    Show {
        /// The customer's slug (its address name).
        slug: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Change a customer; an empty value clears an optional field.
    Edit(EditArgs),
    /// Delete a customer.
    Rm {
        /// The customer's slug (its address name).
        slug: String,
    },
    /// Add the example customers, or remove them with --remove.
    Examples {
        /// Remove the example customers instead of adding them.
        #[arg(long)]
        remove: bool,
    },
}

#[derive(Args)]
struct EditArgs {
    /// The customer's slug (its address name).
    slug: String,
    /// A new name.
    #[arg(long)]
    name: Option<String>,
    /// A new admin email address.
    #[arg(long)]
    email: Option<String>,
    /// A new address name (refused while the customer has an instance).
    #[arg(long = "new-slug")]
    new_slug: Option<String>,
    /// A new contact person ("" clears it).
    #[arg(long)]
    contact: Option<String>,
    /// starter, professional or enterprise.
    #[arg(long)]
    plan: Option<Plan>,
    /// pending, provisioning, active, failed or inactive.
    #[arg(long)]
    status: Option<Status>,
    /// Free-text notes ("" clears them).
    #[arg(long)]
    notes: Option<String>,
    /// The instance's production URL (https://).
    #[arg(long)]
    production_url: Option<String>,
    /// The instance's GitHub repository URL (https://).
    #[arg(long)]
    github_repo_url: Option<String>,
    /// The instance's Supabase project ref (20 letters a–z).
    #[arg(long)]
    supabase_project_ref: Option<String>,
    /// The instance's Vercel project id (prj_…).
    #[arg(long)]
    vercel_project_id: Option<String>,
    /// The instance's n8n workflow id.
    #[arg(long)]
    n8n_workflow_id: Option<String>,
    /// Print the changed customer as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SortArg {
    /// By name, A to Ö.
    Name,
    /// By name, Ö to A.
    NameDesc,
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
}

/// `fabrik status` found an instance that is not healthy: the process exits 3.
static UNHEALTHY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) if UNHEALTHY.load(std::sync::atomic::Ordering::Relaxed) => ExitCode::from(3),
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if e.fields.is_empty() {
                eprintln!("fel [{}]: {}", e.code, e.message);
            } else {
                eprintln!("fel [{}]: ogiltiga uppgifter", e.code);
            }
            for f in &e.fields {
                eprintln!("  {}: {} [{}]", f.field, f.message, f.code);
            }
            ExitCode::FAILURE
        }
    }
}

/// The register, read in the environment the window is set to (what it shows), or in the
/// sandbox with `--sandbox`: a customer's instance card and status are per environment.
fn register(path: &Path, sandbox: bool) -> Result<Api, ApiError> {
    let api = Api::open(path)?;
    if sandbox {
        api.store()
            .set_environment(fabrik::environment::Environment::Sandbox);
    }
    Ok(api)
}

fn run(cli: Cli) -> Result<(), ApiError> {
    let path = cli.db.unwrap_or_else(fabrik::paths::default_db_path);
    // The log lives beside the register, so a test's temporary register gets its own log.
    let log_dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("logs");
    let _log = fabrik::logging::init(&log_dir, false);
    match cli.command {
        Command::Customers(cmd) => customers(&register(&path, cli.sandbox)?, cmd),
        Command::Settings(cmd) => settings(&register(&path, cli.sandbox)?, cmd),
        Command::Register(RegisterCmd::Password) => register_password(),
        Command::Register(RegisterCmd::Migrate { to, json }) => register_migrate(&path, &to, json),
        Command::Register(cmd) => register_file(&register(&path, cli.sandbox)?, cmd),
        Command::Runs(RunsCmd::List { customer, json }) => {
            runs_list(&register(&path, cli.sandbox)?, customer, json)
        }
        Command::Runs(RunsCmd::Show { id, json }) => {
            run_show(&register(&path, cli.sandbox)?, id, json)
        }
        Command::Runs(RunsCmd::Cancel { id, rollback }) => {
            let api = register(&path, cli.sandbox)?;
            if !api.store().set_cancel_action(id, rollback)? {
                return Err(fabrik::Error::RunNotActive(id).into());
            }
            println!(
                "Körning {id} stoppas vid nästa säkra punkt{}",
                if rollback {
                    " och återställs"
                } else {
                    "; den kan återupptas"
                }
            );
            Ok(())
        }
        other => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| ApiError::from(fabrik::Error::Io(e)))?
            .block_on(async_command(&path, cli.sandbox, other)),
    }
}

async fn async_command(db: &Path, sandbox: bool, cmd: Command) -> Result<(), ApiError> {
    if let Command::Secrets(cmd) = cmd {
        return secrets(db, sandbox, cmd).await;
    }
    let keep = matches!(
        cmd,
        Command::Provision {
            keep_on_failure: true,
            ..
        } | Command::UpdateModules {
            keep_on_failure: true,
            ..
        } | Command::Repair(DayTwo {
            keep_on_failure: true,
            ..
        }) | Command::Pause(DayTwo {
            keep_on_failure: true,
            ..
        }) | Command::Resume(DayTwo {
            keep_on_failure: true,
            ..
        }) | Command::Redeploy(DayTwo {
            keep_on_failure: true,
            ..
        }) | Command::Admin(AdminCmd::ResetPassword(DayTwo {
            keep_on_failure: true,
            ..
        })) | Command::Domain(DomainCmd::Add {
            keep_on_failure: true,
            ..
        })
    );
    let policy = if keep {
        fabrik::provision::FailurePolicy::Pause
    } else {
        fabrik::provision::FailurePolicy::Rollback
    };
    let cloud = Arc::new(runtime::open(db, sandbox).await?);
    // The preflight comes before the engine: with a setting missing no engine can be built,
    // and the owner should hear every problem at once, not the first.
    let found = match &cmd {
        Command::Provision { .. }
        | Command::UpdateModules { .. }
        | Command::Repair(_)
        | Command::Pause(_)
        | Command::Resume(_)
        | Command::Redeploy(_)
        | Command::Admin(_)
        | Command::Domain(DomainCmd::Add { .. } | DomainCmd::Rm { .. })
        | Command::Runs(RunsCmd::Resume { .. }) => cloud.preflight().await?,
        _ => Vec::new(),
    };
    if let (
        true,
        Command::Provision {
            slug,
            plan: true,
            json,
            ..
        },
    ) = (fabrik::provision::preflight::blocks(&found), &cmd)
    {
        let p = cloud
            .plan_with(|| cloud.engine(runtime::timing(), policy), slug, found)
            .await?;
        if *json {
            print_json(&p);
        } else {
            print_plan(&p);
        }
        close(cloud).await;
        return Ok(());
    }
    let found = match fabrik::provision::preflight::gate(found) {
        Ok(caveats) => caveats,
        Err(e) => {
            close(cloud).await;
            return Err(e.into());
        }
    };
    let engine = &cloud.engine(runtime::timing(), policy)?;
    let cancel = tokio_util::sync::CancellationToken::new();
    {
        // Ctrl-C stops at the next safe point and leaves the run resumable.
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("Avbryter vid nästa säkra punkt…");
                cancel.cancel();
            }
        });
    }
    let result = match cmd {
        Command::Provision {
            slug,
            plan,
            yes,
            json,
            adopt,
            ..
        } => {
            // Typing the name on the command line is the confirmation.
            for name in &adopt {
                let a =
                    engine.allow_adoption(&slug, name, name, fabrik::provision::AllowedBy::Cli)?;
                eprintln!(
                    "{} tas över med avsikt i {}: Fabriks märkning skrivs på det vid körningen.",
                    a.resource, a.environment
                );
            }
            if plan || !yes {
                let mut p = engine.plan(&slug).await?;
                p.preflight = found;
                if json {
                    print_json(&p);
                } else {
                    print_plan(&p);
                }
                if plan {
                    return Ok(());
                }
                if !confirm("Starta provisioneringen? [j/N] ") {
                    return Err(fabrik::Error::NotConfirmed.into());
                }
            }
            drive_started(engine, &slug, engine.start(&slug)?, json, cancel).await
        }
        Command::UpdateModules { slug, json, .. } => {
            let start = engine.start_update_modules(&slug)?;
            drive_started(engine, &slug, start, json, cancel).await
        }
        Command::Runs(RunsCmd::Resume { id, json }) => {
            let printer = Arc::new(progress::Printer::new(json));
            finished(
                engine
                    .resume(
                        id,
                        Arc::new(move |e: &fabrik::provision::RunEvent| printer.print(e)),
                        cancel,
                    )
                    .await?,
            )
        }
        Command::Runs(RunsCmd::Rollback { id, json }) => {
            let printer = Arc::new(progress::Printer::new(json));
            finished(
                engine
                    .rollback(
                        id,
                        Arc::new(move |e: &fabrik::provision::RunEvent| printer.print(e)),
                    )
                    .await?,
            )
        }
        Command::Teardown { slug, yes, json } => {
            cloud.store().get_customer(&slug)?;
            let targets = engine.teardown_preview(&slug).await?;
            if json {
                print_json(&targets);
            } else {
                print_teardown(&slug, &targets);
            }
            if !yes {
                eprint!("Allt som {slug} äger tas bort för gott. Skriv kundens adressnamn för att bekräfta: ");
                let mut typed = String::new();
                let _ = std::io::stdin().read_line(&mut typed);
                if typed.trim() != slug {
                    return Err(fabrik::Error::NotConfirmed.into());
                }
            }
            let printer = Arc::new(progress::Printer::new(json));
            finished(
                engine
                    .teardown(
                        &slug,
                        Arc::new(move |e: &fabrik::provision::RunEvent| printer.print(e)),
                    )
                    .await?,
            )
        }
        Command::Status { slug, json } => status(engine, cloud.store(), slug, json).await,
        Command::Repair(DayTwo { slug, json, .. }) => {
            // Repairs what is wrong now, not what an older check saw.
            let health = engine.check_health(&slug).await?;
            if health.healthy {
                println!("{slug} är frisk; inget att reparera");
                return Ok(());
            }
            let start = engine.start_repair(&slug)?;
            drive_started(engine, &slug, start, json, cancel).await
        }
        Command::Pause(DayTwo { slug, json, .. }) => {
            let start = engine.start_day_two(&slug, RunKind::Pause, None)?;
            drive_started(engine, &slug, start, json, cancel).await
        }
        Command::Resume(DayTwo { slug, json, .. }) => {
            let start = engine.start_day_two(&slug, RunKind::Resume, None)?;
            drive_started(engine, &slug, start, json, cancel).await
        }
        Command::Redeploy(DayTwo { slug, json, .. }) => {
            let start = engine.start_day_two(&slug, RunKind::Redeploy, None)?;
            drive_started(engine, &slug, start, json, cancel).await
        }
        Command::Admin(AdminCmd::ResetPassword(DayTwo { slug, json, .. })) => {
            let start = engine.start_day_two(&slug, RunKind::ResetPassword, None)?;
            drive_started(engine, &slug, start, json, cancel).await
        }
        Command::Domain(DomainCmd::Add {
            slug, domain, json, ..
        }) => {
            let start = engine.start_domain(&slug, RunKind::DomainAdd, &domain)?;
            drive_started(engine, &slug, start, json, cancel).await
        }
        Command::Domain(DomainCmd::Rm { slug, domain, json }) => {
            let start = engine.start_domain(&slug, RunKind::DomainRemove, &domain)?;
            drive_started(engine, &slug, start, json, cancel).await
        }
        Command::Domain(DomainCmd::Status { slug, domain, json }) => {
            let mut found = engine.domains(&slug).await?;
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
        _ => Ok(()),
    };
    close(cloud).await;
    result
}

/// Checks one instance, or every active and paused one (a few at a time; the shared pacer
/// keeps them within the providers' limits), and prints what differs.
async fn status(
    engine: &fabrik::provision::Engine,
    store: &fabrik::store::Store,
    slug: Option<String>,
    json: bool,
) -> Result<(), ApiError> {
    use futures_util::StreamExt;
    let slugs = match slug {
        Some(s) => vec![s],
        None => store.delivered_slugs(store.environment())?,
    };
    let checks: Vec<_> = futures_util::stream::iter(slugs)
        .map(|s| async move { engine.check_health(&s).await })
        .buffered(fabrik::health::AT_ONCE)
        .collect()
        .await;
    let checks = checks.into_iter().collect::<Result<Vec<_>, _>>()?;
    let healthy = checks.iter().all(|h| h.healthy);
    if json {
        print_json(&serde_json::json!({ "healthy": healthy, "customers": checks }));
    } else if checks.is_empty() {
        println!("Inga levererade instanser att kontrollera.");
    } else {
        checks.iter().for_each(print_health);
    }
    UNHEALTHY.store(!healthy, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}

fn print_health(h: &fabrik::health::Health) {
    let site = h
        .site
        .as_ref()
        .map(|s| match s.status {
            Some(code) => format!("webbplatsen {code} på {} ms", s.ms),
            None => format!("webbplatsen svarade inte ({} ms)", s.ms),
        })
        .unwrap_or_default();
    let state = if h.healthy { "frisk" } else { "ej frisk" };
    println!("{:<32} {:<9} {site}", h.slug, state);
    for f in &h.findings {
        let kind = match f.kind {
            fabrik::health::FindingKind::Missing => "saknas",
            fabrik::health::FindingKind::Changed => "ändrad",
            fabrik::health::FindingKind::Unhealthy => "ej frisk",
            fabrik::health::FindingKind::Paused => "pausad",
            fabrik::health::FindingKind::Unreachable => "nås inte",
        };
        println!("  {kind:<9} {}", f.message.sv);
        println!("            → {}", f.action.sv);
    }
}

/// Stops the sandbox's simulator (it saves its world) once nothing else holds the clouds.
async fn close(cloud: Arc<fabrik::api::cloud::CloudApi>) {
    if let Some(sb) = Arc::into_inner(cloud).and_then(|c| c.sandbox) {
        sb.shutdown().await;
    }
}

async fn secrets(db: &Path, sandbox: bool, cmd: SecretsCmd) -> Result<(), ApiError> {
    let cloud = runtime::open(db, sandbox).await?;
    let creds = cloud.credentials();
    let result = match cmd {
        SecretsCmd::Status { json } => {
            let all = creds.all()?;
            if json {
                print_json(&all);
            } else {
                all.iter().for_each(print_credential);
            }
            Ok(())
        }
        SecretsCmd::Set { provider } => {
            let token = read_token(provider)?;
            print_credential(&creds.save(provider, &token)?);
            Ok(())
        }
        SecretsCmd::Test {
            provider,
            json,
            send_email,
        } => {
            let providers = provider
                .map(|p| vec![p])
                .unwrap_or_else(|| fabrik::secrets::Provider::ALL.to_vec());
            let mut out = Vec::new();
            for p in providers {
                let resend = p == fabrik::secrets::Provider::Resend;
                out.push(if send_email && resend {
                    creds.send_test_email().await?
                } else {
                    creds.test(p).await?
                });
            }
            if json {
                print_json(&out);
            } else {
                out.iter().for_each(print_credential);
            }
            let bad = out
                .iter()
                .any(|s| s.state == fabrik::credentials::CredentialState::Problem);
            if bad {
                Err(fabrik::Error::InvalidToken(fabrik::messages::Text::new(
                    "minst en token fungerar inte (se ovan)",
                    "at least one token does not work (see above)",
                ))
                .into())
            } else {
                Ok(())
            }
        }
        SecretsCmd::Rm { provider } => {
            print_credential(&creds.delete(provider)?);
            Ok(())
        }
    };
    if let Some(sb) = cloud.sandbox {
        sb.shutdown().await;
    }
    result
}

/// Reads a token without echo at a terminal, or as one line from a pipe.
fn read_token(p: fabrik::secrets::Provider) -> Result<String, ApiError> {
    read_secret_line(&format!("Token för {} (visas inte): ", p.display_name()))
}

fn read_secret_line(prompt: &str) -> Result<String, ApiError> {
    use std::io::IsTerminal;
    let token = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).map_err(fabrik::Error::Io)?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(fabrik::Error::Io)?;
        line
    };
    Ok(token)
}

fn print_credential(s: &fabrik::credentials::CredentialStatus) {
    use fabrik::credentials::CredentialState::*;
    let state = match s.state {
        Missing => "Saknas",
        Saved => "Sparad",
        Verified => "Verifierad",
        Problem => "Problem",
    };
    let detail = s
        .verification
        .as_ref()
        .map(|v| v.message.sv.clone())
        .unwrap_or_default();
    let env = if s.from_env {
        " (från miljövariabel)"
    } else {
        ""
    };
    println!(
        "{:<10} {:<11} {detail}{env}",
        s.provider.display_name(),
        state
    );
    if let Some(v) = &s.verification {
        for w in &v.warnings {
            println!("{:<10} {:<11} obs: {w}", "", "");
        }
    }
}

/// Drives a run this process just started, with live progress; a run already active
/// elsewhere is only named.
async fn drive_started(
    engine: &fabrik::provision::Engine,
    slug: &str,
    start: fabrik::provision::StartOutcome,
    json: bool,
    cancel: tokio_util::sync::CancellationToken,
) -> Result<(), ApiError> {
    let Some(driver) = start.driver else {
        let by = start
            .driven_by
            .as_deref()
            .map(|seat| format!(", som drivs av {seat}"))
            .unwrap_or_default();
        println!(
            "{slug} har redan en aktiv körning: {}{by} (visa den med `fabrik runs show {}`)",
            start.run_id, start.run_id
        );
        return Ok(());
    };
    let printer = Arc::new(progress::Printer::new(json));
    let sink = Arc::new(move |e: &fabrik::provision::RunEvent| printer.print(e));
    finished(engine.drive(driver, sink, cancel, false).await?)
}

fn print_domains(slug: &str, found: &[fabrik::provision::DomainStatus]) {
    if found.is_empty() {
        println!("{slug} har inga egna domäner");
    }
    for d in found {
        let state = match (d.verified, d.configured) {
            (true, true) => "verifierad, pekar på Vercel",
            (true, false) => "verifierad, DNS pekar inte på Vercel än",
            (false, _) => "inte verifierad än",
        };
        let mut notes = Vec::new();
        if d.production {
            notes.push("produktionsadress");
        }
        if !d.added_by_fabrik {
            notes.push("inte tillagd av Fabrik");
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

fn finished(state: fabrik::provision::RunState) -> Result<(), ApiError> {
    match state {
        fabrik::provision::RunState::Succeeded => Ok(()),
        other => Err(fabrik::Error::RunEnded(other).into()),
    }
}

fn confirm(question: &str) -> bool {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        eprintln!("Ingen terminal att fråga i; använd --yes för att starta.");
        return false;
    }
    eprint!("{question}");
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    matches!(
        answer.trim().to_lowercase().as_str(),
        "j" | "ja" | "y" | "yes"
    )
}

/// Every target of a teardown: "tas bort" only for what carries the customer's marker.
fn print_teardown(slug: &str, targets: &[fabrik::provision::TeardownTarget]) {
    use fabrik::provision::TargetVerdict::*;
    println!("Avveckling av {slug}:");
    if targets.is_empty() {
        println!("  (inget registrerat att ta bort)");
    }
    for t in targets {
        let what = match t.verdict {
            Delete => "tas bort".to_string(),
            Keep => "lämnas kvar (inte skapad av Fabrik)".to_string(),
            Gone => "finns inte längre".to_string(),
            Unknown => format!(
                "kunde inte läsas ({}); tas bort bara om den bär Fabriks märkning",
                t.reason
                    .as_ref()
                    .map(|r| r.sv.as_str())
                    .unwrap_or("okänt fel")
            ),
        };
        println!("  {:<18} {:<40} {what}", t.step.as_str(), t.id);
    }
}

fn print_plan(p: &fabrik::provision::ProvisionPlan) {
    use fabrik::provision::PlanAction::*;
    println!("Plan för {}:", p.slug);
    let blocking = p.preflight.iter().filter(|f| f.blocking).count();
    if blocking > 0 {
        println!("Förkontrollen hittade {blocking} problem som måste lösas först:");
    }
    for f in &p.preflight {
        let mark = if f.blocking { "✗" } else { "!" };
        println!("  {mark} {:<28} {}", f.subject, f.message.sv);
    }
    for i in &p.items {
        let mark = match i.action {
            Create => "+ skapa ",
            Adopt => "= ta över",
            Refuse => "✗ vägrar",
            Run => "• kör   ",
            Skip => "- hoppar",
        };
        println!("  {mark}  {:<20} {}", i.step.as_str(), i.detail);
    }
    if !p.feasible {
        println!("Planen kan inte genomföras som den är (se ✗ ovan).");
    }
}

fn settings(api: &Api, cmd: SettingsCmd) -> Result<(), ApiError> {
    use fabrik::provision::settings::SETTING_KEYS;
    let known = |k: &str| {
        SETTING_KEYS
            .iter()
            .any(|(key, _, _)| *key == k)
            .then_some(())
            .ok_or_else(|| {
                ApiError::from(fabrik::provision::settings::invalid(
                    k,
                    "okänd inställning (se `fabrik settings list`)",
                    "unknown setting (see `fabrik settings list`)",
                ))
            })
    };
    match cmd {
        SettingsCmd::List => {
            let stored = api.store().list_settings()?;
            for (key, help, _) in SETTING_KEYS {
                let v = stored.get(*key).map(String::as_str).unwrap_or("–");
                println!("{key:<32} {v:<40} {help}");
            }
        }
        SettingsCmd::Get { key } => {
            known(&key)?;
            println!("{}", api.store().get_setting(&key)?.unwrap_or_default());
        }
        SettingsCmd::Set { key, value } => {
            known(&key)?;
            fabrik::provision::settings::check_setting(&key, &value)?;
            api.store().set_setting(&key, value.trim())?;
            println!("{key} = {}", value.trim());
        }
        SettingsCmd::Unset { key } => {
            known(&key)?;
            api.store().remove_setting(&key)?;
        }
    }
    Ok(())
}

fn runs_list(api: &Api, customer: Option<String>, json: bool) -> Result<(), ApiError> {
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
        "{:>5}  {:<28} {:<14} {:<16} STARTAD",
        "ID", "KUND", "TYP", "STATUS"
    );
    for r in runs {
        println!(
            "{:>5}  {:<28} {:<14} {:<16} {}",
            r.id, r.slug, r.kind, r.state, r.started_at
        );
    }
    Ok(())
}

fn run_show(api: &Api, id: i64, json: bool) -> Result<(), ApiError> {
    let run = api.store().get_run(id)?;
    let steps = api.store().run_steps(id)?;
    let log = api.store().run_log(id, 0)?;
    if json {
        print_json(&serde_json::json!({ "run": run, "steps": steps, "log": log }));
        return Ok(());
    }
    println!(
        "Körning {} ({}) för {}: {}",
        run.id, run.kind, run.slug, run.state
    );
    if let Some(e) = &run.error {
        println!("  Fel: {e}");
    }
    for s in &steps {
        println!(
            "  {:<20} {:<20} försök {:<2} {}",
            s.key,
            s.state,
            s.attempts,
            s.external_id.as_deref().unwrap_or("")
        );
    }
    println!("Logg:");
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

fn customers(api: &Api, cmd: CustomersCmd) -> Result<(), ApiError> {
    match cmd {
        CustomersCmd::List {
            json,
            search,
            status,
            sort,
        } => {
            let sort = match sort {
                SortArg::Name => SortKey::NameAsc,
                SortArg::NameDesc => SortKey::NameDesc,
                SortArg::Newest => SortKey::CreatedDesc,
                SortArg::Oldest => SortKey::CreatedAsc,
            };
            // The whole list, a page at a time (the register answers in bounded pages).
            let mut rows = Vec::new();
            loop {
                let page = api.list_customers(CustomerQuery {
                    search: search.clone(),
                    status,
                    sort: Some(sort),
                    offset: Some(rows.len() as u32),
                    limit: Some(CustomerQuery::MAX_PAGE),
                })?;
                let done =
                    page.rows.is_empty() || rows.len() + page.rows.len() >= page.total as usize;
                rows.extend(page.rows);
                if done {
                    break;
                }
            }
            if json {
                print_json(&rows);
            } else {
                print_table(&rows);
            }
        }
        CustomersCmd::Add {
            name,
            email,
            slug,
            plan,
            contact,
            json,
        } => {
            let draft = CustomerDraft {
                name,
                admin_email: email,
                slug,
                plan,
                contact_name: contact,
                ..Default::default()
            };
            let c = api.create_customer(draft)?;
            if json {
                print_json(&c);
            } else {
                println!("Lade till {} ({})", c.name, c.slug);
            }
        }
        CustomersCmd::Show { slug, json } => {
            let c = api.get_customer(slug)?;
            if json {
                print_json(&c);
            } else {
                print_customer(&c);
            }
        }
        CustomersCmd::Edit(a) => {
            let patch = CustomerPatch {
                name: a.name,
                slug: a.new_slug,
                admin_email: a.email,
                contact_name: a.contact,
                plan: a.plan,
                status: a.status,
                notes: a.notes,
                production_url: a.production_url,
                github_repo_url: a.github_repo_url,
                supabase_project_ref: a.supabase_project_ref,
                vercel_project_id: a.vercel_project_id,
                n8n_workflow_id: a.n8n_workflow_id,
                ..Default::default()
            };
            let c = api.update_customer(a.slug, patch)?;
            if a.json {
                print_json(&c);
            } else {
                println!("Uppdaterade {} ({})", c.name, c.slug);
            }
        }
        CustomersCmd::Rm { slug } => {
            api.delete_customer(slug.clone())?;
            println!("Tog bort {slug}");
        }
        CustomersCmd::Examples { remove } => {
            if remove {
                println!("Tog bort {} exempelkunder", api.remove_examples()?);
            } else {
                println!("Lade till {} exempelkunder", api.load_examples()?);
            }
        }
    }
    Ok(())
}

fn register_migrate(file: &Path, to: &str, json: bool) -> Result<(), ApiError> {
    use fabrik::store::location::Location;
    if !file.exists() {
        return Err(fabrik::Error::DatabaseOpen(format!("{} finns inte", file.display())).into());
    }
    let source = fabrik::store::Store::open(file)?;
    let target = Location::postgres(to)?.open()?;
    let report = source.move_into(&target)?;
    if json {
        print_json(&report);
    } else {
        println!(
            "Registret {} flyttat till {} på {} ms",
            file.display(),
            report.target,
            report.millis
        );
        for t in &report.tables {
            println!(
                "  {:<14} {:>8} rader  kontrollsumma {}  (målet: {} rader, {})",
                t.table, t.rows, t.checksum, t.target_rows, t.target_checksum
            );
        }
        println!("Peka nu varje plats på det delade registret: FABRIK_DATABASE_URL={to}");
    }
    Ok(())
}

fn register_password() -> Result<(), ApiError> {
    use fabrik::store::location::{save_password, Location, DATABASE_URL_ENV};
    let Location::Postgres(config) = Location::from_env(Path::new(""))? else {
        return Err(fabrik::Error::DatabaseOpen(format!(
            "{DATABASE_URL_ENV} är inte satt: ange den delade databasens adress (postgres://…) först"
        ))
        .into());
    };
    let password = read_secret_line(&format!(
        "Lösenord för {} (visas inte): ",
        config.describe()
    ))?;
    save_password(&config, &password)?;
    println!(
        "Lösenordet för {} är sparat i nyckelringen",
        config.describe()
    );
    Ok(())
}

/// The portal's database: its password from PGPASSWORD (as psql reads it), the URL, or asked
/// for at a terminal; none (a server that trusts this machine) otherwise.
fn portal_source(url: String, table: String) -> Result<fabrik::register::PortalSource, ApiError> {
    use std::io::IsTerminal;
    let in_url = url::Url::parse(&url).is_ok_and(|u| u.password().is_some());
    let password = match std::env::var("PGPASSWORD") {
        Ok(p) if !p.is_empty() => Some(p),
        _ if in_url || !std::io::stdin().is_terminal() => None,
        _ => Some(read_secret_line(
            "Lösenord för portalens databas (visas inte): ",
        )?),
    };
    Ok(fabrik::register::PortalSource {
        url,
        password,
        table: Some(table),
    })
}

fn register_file(api: &Api, cmd: RegisterCmd) -> Result<(), ApiError> {
    use fabrik::register::{apply_import, export, export_file, preview_import, MAX_IMPORT_BYTES};
    match cmd {
        RegisterCmd::Export { format, out } => {
            let env = api.store().environment();
            let n = match &out {
                Some(path) => export_file(api.store(), env, format, path)?,
                None => export(api.store(), env, format, std::io::stdout().lock())?,
            };
            if let Some(path) = out {
                eprintln!("{n} kunder ({env}) skrivna till {}", path.display());
            }
            Ok(())
        }
        RegisterCmd::Password => register_password(),
        // Opens its own two registers (see `run`); never reached through here.
        RegisterCmd::Migrate { .. } => {
            Err(fabrik::Error::Internal("register migrate opens its own registers".into()).into())
        }
        RegisterCmd::Import {
            file,
            from_portal,
            table,
            preview,
            yes,
            json,
        } => {
            let bytes = match (file, from_portal) {
                (Some(file), _) => read_limited(&file, MAX_IMPORT_BYTES)?,
                (None, Some(url)) => {
                    let rows = fabrik::register::read_portal(&portal_source(url, table)?)?;
                    eprintln!("{} rader lästa från {}", rows.rows, rows.source);
                    rows.contents.into_bytes()
                }
                (None, None) => unreachable!("clap requires a file or --from-portal"),
            };
            let plan = preview_import(api.store(), &bytes, api.manifest())?;
            if preview || !yes {
                if json {
                    print_json(&plan);
                } else {
                    print_import_preview(&plan);
                }
            }
            if preview || plan.to_add == 0 {
                return Ok(());
            }
            if !yes
                && !confirm(&format!(
                    "Lägga till {} kunder ({})? [j/N] ",
                    plan.to_add, plan.environment
                ))
            {
                println!("Inget importerades.");
                return Ok(());
            }
            let report = apply_import(api.store(), &bytes, api.manifest())?;
            if json {
                print_json(&report);
            } else {
                println!(
                    "{} kunder tillagda ({}), {} rader hoppades över.",
                    report.added,
                    report.environment,
                    report.skipped.len()
                );
                print_skipped(&report.skipped);
            }
            Ok(())
        }
    }
}

/// The file's bytes, refused before reading when it is larger than an import takes.
fn read_limited(path: &Path, max: usize) -> Result<Vec<u8>, ApiError> {
    let size = std::fs::metadata(path).map_err(fabrik::Error::Io)?.len();
    if size > max as u64 {
        return Err(fabrik::Error::ImportFile(fabrik::messages::Text::new(
            format!(
                "{} är {size} byte; en import läser högst {max}",
                path.display()
            ),
            format!(
                "{} is {size} bytes; an import reads at most {max}",
                path.display()
            ),
        ))
        .into());
    }
    Ok(std::fs::read(path).map_err(fabrik::Error::Io)?)
}

fn print_import_preview(p: &fabrik::register::ImportPreview) {
    println!("Läggs till ({}): {}", p.environment, p.to_add);
    for r in &p.sample {
        println!("  rad {:<5} {:<32} {}", r.line, r.slug, r.name);
    }
    if (p.sample.len() as u32) < p.to_add {
        println!("  … och {} till", p.to_add - p.sample.len() as u32);
    }
    if !p.ignored_columns.is_empty() {
        println!("Kolumner som inte läses: {}", p.ignored_columns.join(", "));
    }
    println!("Hoppas över: {}", p.skipped.len());
    print_skipped(&p.skipped);
}

fn print_skipped(rows: &[fabrik::register::ImportRow]) {
    for r in rows {
        let who = if r.slug.is_empty() { &r.name } else { &r.slug };
        println!("  rad {:<5} {who}", r.line);
        for f in &r.problems {
            println!("            {}: {} [{}]", f.field, f.message, f.code);
        }
    }
}

fn print_json<T: serde::Serialize>(v: &T) {
    // Serialising our own plain data types cannot fail.
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

fn print_table(rows: &[CustomerRow]) {
    if rows.is_empty() {
        println!("Inga kunder.");
        return;
    }
    let w = rows
        .iter()
        .map(|r| r.slug.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    println!("{:<w$}  {:<12}  {:<12}  NAMN", "SLUG", "STATUS", "PLAN");
    for r in rows {
        println!(
            "{:<w$}  {:<12}  {:<12}  {}",
            r.slug,
            r.status.as_str(),
            r.plan.as_str(),
            r.name
        );
    }
    println!("{} kunder", rows.len());
}

fn print_customer(c: &Customer) {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
    println!("{} ({})", c.name, c.slug);
    println!("  Admin-e-post:      {}", c.admin_email);
    println!("  Kontaktperson:     {}", dash(&c.contact_name));
    println!("  Plan:              {}", c.plan);
    println!(
        "  Moduler:           {}",
        c.modules
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("  Status:            {}", c.status);
    if c.status == fabrik::customer::Status::Active {
        let applied = c.applied.as_ref().map_or("okänt".to_string(), |a| {
            let list: Vec<&str> = a.modules.iter().map(|m| m.as_str()).collect();
            format!("{} ({})", a.plan, list.join(", "))
        });
        println!("  I drift:           {applied}");
        if c.modules_outdated {
            println!(
                "                     skiljer sig från det sparade: `fabrik update-modules {}`",
                c.slug
            );
        }
    }
    println!("  Produktions-URL:   {}", dash(&c.instance.production_url));
    println!("  GitHub-repo:       {}", dash(&c.instance.github_repo_url));
    println!(
        "  Supabase-projekt:  {}",
        dash(&c.instance.supabase_project_ref)
    );
    println!(
        "  Vercel-projekt:    {}",
        dash(&c.instance.vercel_project_id)
    );
    println!("  n8n-flöde:         {}", dash(&c.instance.n8n_workflow_id));
    println!(
        "  Skapad:            {}",
        c.created_at.format("%Y-%m-%d %H:%M UTC")
    );
    if !c.notes.is_empty() {
        println!("  Anteckningar:      {}", c.notes);
    }
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
}
