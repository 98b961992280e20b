//! `fabrik register …`: the register as a file (export, import, the portal's table), the
//! shared register's password, and moving a register file into a shared one.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use fabrik::services::register::Register;
use fabrik::ApiError;

use crate::language::{tr, trf};
use crate::print::{confirm, print_json, read_secret_line};

#[derive(Subcommand)]
pub enum RegisterCmd {
    /// Move this seat's register file (customers, runs and ledger) into an empty shared register
    /// on PostgreSQL, in one transaction, then compare counts and checksums of every table. The
    /// file is only read; an interrupted move leaves the target as it was and can be run again.
    Migrate {
        /// The shared register, `postgres://user@host:5432/db`, without a password: that comes
        /// from PGPASSWORD, the keyring (`fabrik register password`) or is asked for.
        #[arg(long, value_name = "URL")]
        to: String,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Keep the password of the shared register (FABRIK_DATABASE_URL) in this seat's keyring,
    /// read without echo (or as one line from a pipe).
    Password,
    /// Join the agency's shared register with the one-time invitation an owner made
    /// (Inställningar → Personer → Lägg till), read without echo (or from a pipe): its password is
    /// changed at once to one only this seat's keyring keeps, and this seat uses the register
    /// from then on.
    Join {
        /// Print who joined which register as JSON.
        #[arg(long)]
        json: bool,
    },
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

pub fn migrate(file: &Path, to: &str, json: bool) -> Result<(), ApiError> {
    use fabrik::secrets::Secret;
    use fabrik::store::location::{save_password, saved_password, without_password, Location};
    use std::io::IsTerminal;
    if !file.exists() {
        return Err(fabrik::Error::DatabaseOpen(trf!(
            "{} finns inte",
            "{} does not exist",
            file.display()
        ))
        .into());
    }
    let Location::Postgres(mut config) = Location::postgres(to)? else {
        unreachable!("Location::postgres is a PostgreSQL location");
    };
    // On the command line every user of the computer sees it (`ps`), and the shell keeps it in
    // its history: refused, and never repeated in what is said.
    if config.has_password() {
        return Err(fabrik::Error::PasswordOnCommandLine {
            register: config.describe(),
        }
        .into());
    }
    let from_env = std::env::var("PGPASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .map(Secret::new);
    let mut asked = None;
    let password = match from_env.or_else(|| saved_password(&config)) {
        Some(p) => Some(p),
        None if std::io::stdin().is_terminal() => {
            let typed = read_secret_line(&trf!(
                "Lösenord för {} (visas inte; tomt om servern inte frågar): ",
                "Password for {} (not shown; empty if the server does not ask): ",
                config.describe()
            ))?;
            let typed = Secret::new(typed.trim_end_matches(['\r', '\n']));
            if typed.expose().is_empty() {
                None
            } else {
                asked = Some(typed.clone());
                Some(typed)
            }
        }
        None => None,
    };
    if let Some(p) = &password {
        config.set_password(p.expose());
    }
    let source = fabrik::store::Store::open(file)?;
    let target = Location::Postgres(config.clone()).open()?;
    let report = source.move_into(&target)?;
    // Typed here and it worked: kept as `register password` keeps it, for every later start.
    if let Some(p) = &asked {
        save_password(&config, p.expose())?;
    }
    if json {
        print_json(&report);
    } else {
        println!(
            "{}",
            trf!(
                "Registret {} flyttat till {} på {} ms",
                "The register {} moved to {} in {} ms",
                file.display(),
                report.target,
                report.millis
            )
        );
        for t in &report.tables {
            println!(
                "  {}",
                trf!(
                    "{:<14} {:>8} rader  kontrollsumma {}  (målet: {} rader, {})",
                    "{:<14} {:>8} rows  checksum {}  (the target: {} rows, {})",
                    t.table,
                    t.rows,
                    t.checksum,
                    t.target_rows,
                    t.target_checksum
                )
            );
        }
        println!(
            "{}",
            trf!(
                "Peka nu varje plats på det delade registret: FABRIK_DATABASE_URL={}",
                "Now point every seat at the shared register: FABRIK_DATABASE_URL={}",
                without_password(to)?
            )
        );
    }
    Ok(())
}

pub fn password() -> Result<(), ApiError> {
    use fabrik::store::location::{save_password, Location, DATABASE_URL_ENV};
    let Location::Postgres(config) = Location::from_env(Path::new(""))? else {
        return Err(fabrik::Error::DatabaseOpen(trf!(
            "{DATABASE_URL_ENV} är inte satt: ange den delade databasens adress (postgres://…) först",
            "{DATABASE_URL_ENV} is not set: give the shared database's address (postgres://…) first"
        ))
        .into());
    };
    let password = read_secret_line(&trf!(
        "Lösenord för {} (visas inte): ",
        "Password for {} (not shown): ",
        config.describe()
    ))?;
    save_password(&config, &password)?;
    println!(
        "{}",
        trf!(
            "Lösenordet för {} är sparat i nyckelringen",
            "The password for {} is saved in the keyring",
            config.describe()
        )
    );
    Ok(())
}

pub fn join(file: &Path, json: bool) -> Result<(), ApiError> {
    use fabrik::store::invitation::join;
    use fabrik::store::location::register_url;
    // It carries a password: never an argument (`ps`, the shell's history), always read here.
    let invitation = read_secret_line(tr(
        "Klistra in inbjudan (visas inte): ",
        "Paste the invitation (not shown): ",
    ))?;
    let person = join(file, &invitation)?;
    let register = register_url(file).unwrap_or_default();
    if json {
        print_json(&serde_json::json!({ "person": person, "register": register }));
    } else {
        println!(
            "{}",
            trf!(
                "Du är med i det delade registret som {person} ({register}); lösenordet finns bara i den här datorns nyckelring.",
                "You are in the shared register as {person} ({register}); the password is only in this computer's keyring."
            )
        );
    }
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
        _ => Some(read_secret_line(tr(
            "Lösenord för portalens databas (visas inte): ",
            "Password for the portal's database (not shown): ",
        ))?),
    };
    Ok(fabrik::register::PortalSource {
        url,
        password,
        table: Some(table),
    })
}

pub fn run(api: &Register, cmd: RegisterCmd) -> Result<(), ApiError> {
    use fabrik::register::{apply_import, export, export_file, preview_import, MAX_IMPORT_BYTES};
    match cmd {
        RegisterCmd::Export { format, out } => {
            let env = api.store().environment();
            let n = match &out {
                Some(path) => export_file(api.store(), env, format, path)?,
                None => export(api.store(), env, format, std::io::stdout().lock())?,
            };
            if let Some(path) = out {
                let path = path.display();
                eprintln!(
                    "{}",
                    trf!(
                        "{n} kunder ({env}) skrivna till {path}",
                        "{n} customers ({env}) written to {path}"
                    )
                );
            }
            Ok(())
        }
        RegisterCmd::Password => password(),
        RegisterCmd::Join { .. } => {
            Err(fabrik::Error::Internal("register join opens its own register".into()).into())
        }
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
                    eprintln!(
                        "{}",
                        trf!(
                            "{} rader lästa från {}",
                            "{} rows read from {}",
                            rows.rows,
                            rows.source
                        )
                    );
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
                && !confirm(&trf!(
                    "Lägga till {} kunder ({})? [j/N] ",
                    "Add {} customers ({})? [y/N] ",
                    plan.to_add,
                    plan.environment
                ))
            {
                println!("{}", tr("Inget importerades.", "Nothing was imported."));
                return Ok(());
            }
            let report = apply_import(api.store(), &bytes, api.manifest())?;
            if json {
                print_json(&report);
            } else {
                println!(
                    "{}",
                    trf!(
                        "{} kunder tillagda ({}), {} rader hoppades över.",
                        "{} customers added ({}), {} rows skipped.",
                        report.added,
                        report.environment,
                        report.skipped.len()
                    )
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
    let (env, to_add) = (&p.environment, p.to_add);
    println!(
        "{}",
        trf!("Läggs till ({env}): {to_add}", "To add ({env}): {to_add}")
    );
    let row = tr("rad", "row");
    for r in &p.sample {
        println!("  {row} {:<5} {:<32} {}", r.line, r.slug, r.name);
    }
    if (p.sample.len() as u32) < p.to_add {
        let more = p.to_add - p.sample.len() as u32;
        println!("  {}", trf!("… och {more} till", "… and {more} more"));
    }
    if !p.ignored_columns.is_empty() {
        let columns = p.ignored_columns.join(", ");
        println!(
            "{}",
            trf!(
                "Kolumner som inte läses: {columns}",
                "Columns not read: {columns}"
            )
        );
    }
    let skipped = p.skipped.len();
    println!("{}", trf!("Hoppas över: {skipped}", "Skipped: {skipped}"));
    print_skipped(&p.skipped);
}

fn print_skipped(rows: &[fabrik::register::ImportRow]) {
    for r in rows {
        let who = if r.slug.is_empty() { &r.name } else { &r.slug };
        println!("  {} {:<5} {who}", tr("rad", "row"), r.line);
        for f in &r.problems {
            let message = tr(f.message.clone(), f.en());
            println!("            {}: {message} [{}]", f.field, f.code);
        }
    }
}
