//! `fabrik use [sandbox|production]`: the environment this seat's command line works in, kept
//! in the seat's own folder (never the register, which the window and other seats share). A
//! flag or `FABRIK_ENVIRONMENT` still wins for one command (`runtime`).

use std::path::Path;

use clap::Args;
use fabrik::seat_settings::SeatSettings;
use fabrik::supervisor::cloud::Environment;
use fabrik::ApiError;

use crate::print::print_json;
use crate::runtime::{seat_choice, USE_KEY};

#[derive(Args)]
pub struct UseArgs {
    /// sandbox or production; left out, the choice is shown.
    environment: Option<String>,
    /// The choice as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, args: UseArgs) -> Result<(), ApiError> {
    if let Some(word) = &args.environment {
        let env = Environment::parse(word.trim()).ok_or_else(|| {
            ApiError::from(fabrik::error::invalid_setting(
                USE_KEY,
                fabrik::messages::Text::new(
                    format!("«{word}» är ingen miljö; ange sandbox eller production"),
                    format!("“{word}” is not an environment; use sandbox or production"),
                ),
            ))
        })?;
        SeatSettings::open(&fabrik::paths::seat_dir(db))
            .set(USE_KEY, env.as_str())
            .map_err(fabrik::Error::Io)?;
    }
    let chosen = seat_choice(db);
    if args.json {
        print_json(&serde_json::json!({ "environment": chosen }));
        return Ok(());
    }
    match chosen {
        Some(Environment::Production) => println!(
            "Kommandoraden arbetar i produktion på den här datorn (--sandbox för ett kommando)."
        ),
        Some(Environment::Sandbox) => println!(
            "Kommandoraden arbetar i sandlådan på den här datorn (--production för ett kommando)."
        ),
        None => println!(
            "Inget val gjort: kommandoraden arbetar i sandlådan. `fabrik use production` byter."
        ),
    }
    Ok(())
}
