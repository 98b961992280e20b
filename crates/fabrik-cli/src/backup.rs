//! `fabrik backup list|create|restore|export|workflows|recovery|recover` and `fabrik restore
//! workflow`: the customers' database backups (Fabrik's own, and Supabase's own for recovery)
//! and workflow backups, through the core's `BackupsApi` (the window's too). This file only
//! asks and prints.

use crate::language::{tr, trf, Said};
use std::sync::Arc;

use clap::Subcommand;
use fabrik::messages::Say;
use fabrik::services::backups::BackupsApi;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use crate::print::{print_json, say};
use crate::runtime;
use crate::watch::{follow, stop_on_ctrl_c, terminal};

#[derive(Subcommand)]
pub enum BackupCmd {
    /// The backups, newest first (one customer's when SLUG is given).
    List {
        /// The customer's slug.
        slug: Option<String>,
        /// Also those the retention rule removed.
        #[arg(long)]
        all: bool,
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Back up a customer's database now (a run), or with --due every instance whose newest
    /// backup is older than the setting backup.schedule_hours (for cron).
    Create {
        /// The customer's slug.
        #[arg(required_unless_present = "due")]
        slug: Option<String>,
        /// Every instance whose backup is due.
        #[arg(long, conflicts_with = "slug")]
        due: bool,
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
    },
    /// Put a customer's database back to a backup (a run that first backs up what it replaces).
    Restore {
        /// The customer's slug.
        slug: String,
        /// The backup's number (`fabrik backup list SLUG`).
        #[arg(long)]
        backup: i64,
        /// The customer's slug again, typed: the restore replaces the database's contents.
        #[arg(long, value_name = "SLUG")]
        confirm: Option<String>,
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
    },
    /// Back up the n8n workflow of a customer (or of every delivered instance) to the backup
    /// repository in Gitea: one commit when it changed, none when it did not.
    Workflows {
        /// The customer's slug; every delivered instance when left out.
        slug: Option<String>,
        /// How many instances at once when backing up all (1–32).
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=32))]
        parallel: u16,
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
    },
    /// What Supabase's own backups can bring a customer's database back to: point-in-time
    /// recovery and its window, the physical backups; or that the plan has none.
    Recovery {
        /// The customer's slug.
        slug: String,
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Put a customer's database back with Supabase's own backups, to a moment of the PITR
    /// window or a physical backup's time (a run that first takes Fabrik's own backup of what
    /// it replaces).
    Recover {
        /// The customer's slug.
        slug: String,
        /// The moment: RFC 3339 (2025-03-01T12:00:00Z) or unix seconds.
        #[arg(long, value_name = "TIME")]
        at: String,
        /// The customer's slug again, typed: the recovery replaces the database's contents.
        #[arg(long, value_name = "SLUG")]
        confirm: Option<String>,
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
    },
    /// Write a backup decrypted, as the plain SQL script it holds (`psql -f FILE`).
    Export {
        /// The backup's number.
        id: i64,
        /// Where to write it (readable by you alone).
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// What was written, as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum RestoreCmd {
    /// Write a backed-up version of the customer's n8n workflow back (a run that first backs
    /// up the current one; activation stays as it is).
    Workflow {
        /// The customer's slug.
        slug: String,
        /// The version: its number or the start of its commit (`fabrik backup list SLUG`).
        version: String,
        /// One JSON event per line.
        #[arg(long)]
        json: bool,
    },
}

pub async fn restore(cloud: &Arc<CloudApi>, cmd: RestoreCmd) -> Result<(), ApiError> {
    let supervisor = runtime::supervisor(cloud, true);
    let api = BackupsApi::new(
        cloud.shared_store(),
        supervisor.clone(),
        cloud.secrets.clone(),
    );
    let RestoreCmd::Workflow {
        slug,
        version,
        json,
    } = cmd;
    let found = api.workflow_version(&slug, &version)?;
    stop_on_ctrl_c(&supervisor);
    let launched = api
        .restore_workflow(&slug, found.id, terminal(json))
        .await?;
    follow(&slug, launched).await
}

fn print_workflow_backups(list: &[fabrik::workflows::backups::WorkflowBackup]) {
    if list.is_empty() {
        println!(
            "{}",
            tr("Inga säkerhetskopior av flöden.", "No workflow backups.")
        );
        return;
    }
    println!(
        "{}",
        trf!("Flöden (i {}):", "Workflows (in {}):", list[0].repository)
    );
    for b in list {
        let short = |c: &String| c.chars().take(10).collect::<String>();
        let commit = match (&b.commit_sha, b.changed) {
            (Some(c), 0) => say(Say::WorkflowsUnchangedAt, &[("commit", &short(c))]),
            (Some(c), _) => say(Say::WorkflowsCommit, &[("commit", &short(c))]),
            (None, _) => Say::WorkflowsUnchanged.text().said(),
        };
        let names: Vec<String> = b
            .files
            .iter()
            .map(|f| {
                format!(
                    "{} ({})",
                    f.name,
                    if f.active {
                        tr("på", "on")
                    } else {
                        tr("av", "off")
                    }
                )
            })
            .collect();
        println!(
            "{:>5}  {}  {:<15} {:<17} {}",
            b.id,
            b.taken_at,
            b.reason,
            commit,
            names.join(", ")
        );
    }
}

pub async fn run(cloud: &Arc<CloudApi>, cmd: BackupCmd) -> Result<(), ApiError> {
    // A failed restore keeps its backup of what it replaced: that is the way back.
    let supervisor = runtime::supervisor(cloud, true);
    let api = BackupsApi::new(
        cloud.shared_store(),
        supervisor.clone(),
        cloud.secrets.clone(),
    );
    match cmd {
        BackupCmd::List { slug, all, json } => {
            let list = api.list(slug.as_deref(), all)?;
            let workflows = match &slug {
                Some(s) => api.workflow_backups(s)?,
                None => Vec::new(),
            };
            if json {
                print_json(&serde_json::json!({ "databases": list, "workflows": workflows }));
                return Ok(());
            }
            if slug.is_some() {
                print_workflow_backups(&workflows);
                println!("{}", tr("Databaser:", "Databases:"));
            }
            if list.is_empty() {
                println!("{}", tr("Inga säkerhetskopior.", "No backups."));
            }
            for b in &list {
                let where_ = match (&b.backup.removed_at, b.here, &b.backup.seat) {
                    (Some(_), _, _) => Say::BackupPruned.text().said(),
                    (None, true, _) => Say::BackupHere.text().said(),
                    (None, false, Some(seat)) => say(
                        Say::BackupOnSeat,
                        &[("seat", &fabrik::messages::seat::shown(seat, None).said())],
                    ),
                    (None, false, None) => Say::BackupOnAnotherSeat.text().said(),
                };
                println!(
                    "{:>5}  {:<28} {}  {:<16} version {:<16} {:>9} B  {}",
                    b.backup.id,
                    b.slug,
                    b.backup.created_at,
                    b.backup.reason,
                    b.backup.schema_version.as_deref().unwrap_or("–"),
                    b.backup.bytes,
                    where_
                );
            }
        }
        BackupCmd::Create { slug, due, json } => {
            stop_on_ctrl_c(&supervisor);
            if due {
                let done = api.run_due(terminal(json)).await?;
                eprintln!(
                    "{}",
                    trf!("{} säkerhetskopior tagna", "{} backups taken", done.len())
                );
                return Ok(());
            }
            let slug = slug.unwrap_or_default();
            let launched = api.create(&slug, false, terminal(json)).await?;
            follow(&slug, launched).await?;
        }
        BackupCmd::Restore {
            slug,
            backup,
            confirm,
            json,
        } => {
            let confirmation = match confirm {
                Some(c) => c,
                None => crate::print::ask(&trf!(
                    "Återställningen ersätter databasens innehåll för {slug}. Skriv kundens slug för att bekräfta: ",
                    "The restore replaces the contents of {slug}'s database. Type the customer's slug to confirm: "
                ))
                .unwrap_or_default(),
            };
            stop_on_ctrl_c(&supervisor);
            let launched = api
                .restore(&slug, backup, confirmation, terminal(json))
                .await?;
            follow(&slug, launched).await?;
        }
        BackupCmd::Workflows {
            slug: Some(slug),
            json,
            ..
        } => {
            stop_on_ctrl_c(&supervisor);
            let launched = api.back_up_workflows(&slug, false, terminal(json)).await?;
            follow(&slug, launched).await?;
        }
        BackupCmd::Workflows {
            slug: None,
            parallel,
            json,
        } => {
            stop_on_ctrl_c(&supervisor);
            let api = Arc::new(api);
            let results = api
                .back_up_all_workflows(parallel as usize, terminal(json))
                .await?;
            let failed: Vec<&String> = results
                .iter()
                .filter(|(_, r)| !matches!(r, Ok(fabrik::ledger::RunState::Succeeded)))
                .map(|(s, _)| s)
                .collect();
            for (slug, r) in &results {
                match r {
                    Ok(state) => eprintln!("{slug}: {state}"),
                    Err(e) => eprintln!("{slug}: {e}"),
                }
            }
            eprintln!(
                "{}",
                trf!(
                    "{} av {} instanser säkerhetskopierade",
                    "{} of {} instances backed up",
                    results.len() - failed.len(),
                    results.len()
                )
            );
            if !failed.is_empty() {
                return Err(fabrik::Error::RunEnded(fabrik::ledger::RunState::Failed).into());
            }
        }
        BackupCmd::Recovery { slug, json } => {
            let view = api.recovery(&slug).await?;
            if json {
                print_json(&view);
                return Ok(());
            }
            print_recovery(&view);
        }
        BackupCmd::Recover {
            slug,
            at,
            confirm,
            json,
        } => {
            let Some(target) = parse_moment(&at) else {
                return Err(
                    fabrik::Error::Validation(vec![fabrik::customer::FieldError::new(
                        "at",
                        fabrik::messages::ErrorCode::MomentInvalid,
                        fabrik::messages::Params::from([("value".to_string(), at.clone())]),
                    )])
                    .into(),
                );
            };
            let confirmation = match confirm {
                Some(c) => c,
                None => crate::print::ask(&trf!(
                    "Supabase återställer databasen för {slug} till {} och ersätter allt som skrivits efter det (Fabrik tar en egen säkerhetskopia först). Skriv kundens slug för att bekräfta: ",
                    "Supabase restores {slug}'s database to {} and replaces everything written after it (Fabrik takes a backup of its own first). Type the customer's slug to confirm: ",
                    fabrik::database::recovery::moment(target)
                ))
                .unwrap_or_default(),
            };
            stop_on_ctrl_c(&supervisor);
            let launched = api
                .recover(&slug, target, confirmation, terminal(json))
                .await?;
            follow(&slug, launched).await?;
        }
        BackupCmd::Export { id, out, json } => {
            let bytes = api.export_plain(id, &out)?;
            if json {
                crate::print::print_json(&serde_json::json!({
                    "backup": id, "path": out, "bytes": bytes,
                }));
                return Ok(());
            }
            eprintln!(
                "{}",
                trf!(
                    "Skrev {} ({} B): psql -v ON_ERROR_STOP=1 -f {}",
                    "Wrote {} ({} B): psql -v ON_ERROR_STOP=1 -f {}",
                    out.display(),
                    bytes,
                    out.display()
                )
            );
        }
    }
    Ok(())
}

/// A moment as `--at` takes it: RFC 3339, or unix seconds.
fn parse_moment(at: &str) -> Option<i64> {
    let at = at.trim();
    if let Ok(n) = at.parse::<i64>() {
        return (n >= 0).then_some(n);
    }
    chrono::DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| t.timestamp())
}

fn print_recovery(v: &fabrik::database::recovery::RecoveryView) {
    use fabrik::database::recovery::moment;
    println!(
        "{}",
        trf!(
            "{} (Supabase-projekt {})",
            "{} (Supabase project {})",
            v.slug,
            v.project_ref
        )
    );
    if let Some(note) = &v.note {
        println!(
            "{}",
            trf!(
                "Inte tillgängligt på den här planen: {}",
                "Not available on this plan: {}",
                note.said()
            )
        );
        return;
    }
    println!(
        "{}",
        trf!(
            "Återställning till en tidpunkt (PITR): {}",
            "Point-in-time recovery (PITR): {}",
            if v.pitr_enabled {
                tr("på", "on")
            } else {
                tr("av", "off")
            }
        )
    );
    let show = |t: Option<i64>| {
        t.map(|t| format!("{} ({t})", moment(t)))
            .unwrap_or_else(|| "–".into())
    };
    println!(
        "{}",
        trf!(
            "Tidigaste återställningspunkt: {}",
            "Earliest recovery point: {}",
            show(v.earliest)
        )
    );
    println!(
        "{}",
        trf!(
            "Senaste återställningspunkt:   {}",
            "Latest recovery point:   {}",
            show(v.latest)
        )
    );
    if let Some(s) = &v.schedule {
        println!(
            "{}",
            trf!(
                "Daglig säkerhetskopia kl. {s} UTC",
                "Daily backup at {s} UTC"
            )
        );
    }
    if v.backups.is_empty() {
        println!(
            "{}",
            tr("Inga fysiska säkerhetskopior.", "No physical backups.")
        );
    }
    for b in &v.backups {
        println!(
            "{:>12}  {}  {:<10} --at {}",
            b.id,
            b.inserted_at,
            b.status,
            b.at.map(|t| t.to_string()).unwrap_or_else(|| "–".into())
        );
    }
    if v.pitr_enabled {
        println!(
            "{}",
            trf!(
                "Återställ: fabrik backup recover {} --at <tid inom fönstret>",
                "Recover: fabrik backup recover {} --at <a time within the window>",
                v.slug
            )
        );
    } else {
        println!(
            "{}",
            trf!(
                "Återställ: fabrik backup recover {} --at <en säkerhetskopias tid>",
                "Recover: fabrik backup recover {} --at <a backup's time>",
                v.slug
            )
        );
    }
}
