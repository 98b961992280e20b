//! `fabrik update check`: what the update feed offers this computer, the same check as the
//! window's Om Fabrik (`fabrik::update`). Installing is the window's (it holds the key the
//! bundle must be signed with, and restarts itself); a package installed by the system is
//! updated by installing the new package.

use clap::Subcommand;
use fabrik::update::{self, Offer, UpdateError};
use fabrik::ApiError;

use crate::language::{tr, trf};

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
    let check = update::check(&feed, update::running_version()).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&check).unwrap_or_default()
        );
        return Ok(());
    }
    println!(
        "{}",
        trf!(
            "Fabrik {} körs; uppdateringskällan är {}.",
            "Fabrik {} is running; the update feed is {}.",
            check.current,
            check.feed
        )
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
            println!(
                "{}",
                trf!(
                    "Fabrik {version} finns{date}.",
                    "Fabrik {version} is out{date}."
                )
            );
            // The feed's words, not ours: printed without control characters.
            for line in notes.lines() {
                println!("  {}", crate::print::plain(line));
            }
            println!(
                "{}",
                tr(
                    "Installera den från fönstret (Inställningar → Om Fabrik → Sök efter uppdatering), \
                     eller installera den nya versionens paket (docs/INSTALL.md).",
                    "Install it from the window (Settings → About Fabrik → Check for updates), \
                     or install the new version's package (docs/INSTALL.md)."
                )
            );
        }
        Offer::UpToDate { version } => println!(
            "{}",
            trf!(
                "Du har den senaste versionen ({version}).",
                "You have the latest version ({version})."
            )
        ),
        Offer::Older { version } => println!(
            "{}",
            trf!(
                "Källan erbjuder {version}, som är äldre än {}; inget installeras.",
                "The feed offers {version}, which is older than {}; nothing is installed.",
                check.current
            )
        ),
        Offer::NotForThisSystem { version, platform } => println!(
            "{}",
            trf!(
                "Fabrik {version} finns, men inte ännu för det här systemet ({platform}).",
                "Fabrik {version} is out, but not yet for this system ({platform})."
            )
        ),
    }
    Ok(())
}
