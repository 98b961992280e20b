//! `fabrik update check`: what the update feed offers this computer, the same check as the
//! window's Om Fabrik (`fabrik::update`). Installing is the window's (it holds the key the
//! bundle must be signed with, and restarts itself); a package installed by the system is
//! updated by installing the new package.

use clap::Subcommand;
use fabrik::update::{self, Offer, UpdateError};
use fabrik::ApiError;

#[derive(Subcommand)]
pub enum UpdateCmd {
    /// Ask the update feed whether a newer Fabrik exists for this computer (nothing is
    /// downloaded). Exit 0 when it answered, whatever it offers; 1 when it could not be read.
    Check {
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cmd: UpdateCmd) -> Result<(), ApiError> {
    let UpdateCmd::Check { json } = cmd;
    let feed = update::feed_url().ok_or(UpdateError::NoFeed)?;
    let check = update::check(&feed, update::VERSION).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&check).unwrap_or_default()
        );
        return Ok(());
    }
    println!(
        "Fabrik {} körs; uppdateringskällan är {}.",
        check.current, check.feed
    );
    match &check.offer {
        Offer::Newer {
            version,
            notes,
            date,
        } => {
            let date = date
                .as_deref()
                .map(|d| format!(" ({})", crate::print::plain(d)))
                .unwrap_or_default();
            println!("Fabrik {version} finns{date}.");
            // The feed's words, not ours: printed without control characters.
            for line in notes.lines() {
                println!("  {}", crate::print::plain(line));
            }
            println!(
                "Installera den från fönstret (Inställningar → Om Fabrik → Sök efter uppdatering), \
                 eller installera den nya versionens paket (docs/INSTALL.md)."
            );
        }
        Offer::UpToDate { version } => println!("Du har den senaste versionen ({version})."),
        Offer::Older { version } => println!(
            "Källan erbjuder {version}, som är äldre än {}; inget installeras.",
            check.current
        ),
        Offer::NotForThisSystem { version, platform } => {
            println!("Fabrik {version} finns, men inte ännu för det här systemet ({platform}).")
        }
    }
    Ok(())
}
