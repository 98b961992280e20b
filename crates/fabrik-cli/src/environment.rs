//! `fabrik use [sandbox|production|sv|en]`: the environment this seat's command line works in,
//! and the language it speaks, kept in the seat's own folder (never the register, which the
//! window and other seats share). A flag or `FABRIK_ENVIRONMENT` (`FABRIK_LANG`) still wins for
//! one command (`runtime`, `language`).

use std::path::Path;

use clap::Args;
use fabrik::seat_settings::SeatSettings;
use fabrik::supervisor::cloud::Environment;
use fabrik::ApiError;

use crate::language::{self, tr};
use crate::print::print_json;
use crate::runtime::{seat_choice, USE_KEY};
use fabrik::services::register::Language;

#[derive(Args)]
pub struct UseArgs {
    /// sandbox or production, or the language sv or en; left out, the choices are shown.
    environment: Option<String>,
    /// The choice as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, args: UseArgs) -> Result<(), ApiError> {
    let seat = SeatSettings::open(&fabrik::paths::seat_dir(db));
    if let Some(lang) = args.environment.as_deref().and_then(language::parse) {
        seat.set(language::LANGUAGE_KEY, &language::code(lang))
            .map_err(fabrik::Error::Io)?;
        // Said in the language just chosen.
        let sv = lang == Language::Sv;
        if args.json {
            print_json(&serde_json::json!({ "language": language::code(lang) }));
        } else if sv {
            println!(
                "Kommandoraden talar svenska på den här datorn (FABRIK_LANG=en för ett kommando)."
            );
        } else {
            println!("The command line speaks English on this computer (FABRIK_LANG=sv for one command).");
        }
        return Ok(());
    }
    if let Some(word) = &args.environment {
        let env = Environment::parse(word.trim()).ok_or_else(|| {
            ApiError::from(fabrik::error::invalid_setting(
                USE_KEY,
                fabrik::messages::Text::new(
                    format!("«{word}» är varken en miljö eller ett språk; ange sandbox, production, sv eller en"),
                    format!("“{word}” is neither an environment nor a language; use sandbox, production, sv or en"),
                ),
            ))
        })?;
        seat.set(USE_KEY, env.as_str()).map_err(fabrik::Error::Io)?;
    }
    let chosen = seat_choice(db);
    if args.json {
        let lang = language::code(language::current());
        print_json(&serde_json::json!({ "environment": chosen, "language": lang }));
        return Ok(());
    }
    let line = match chosen {
        Some(Environment::Production) => tr(
            "Kommandoraden arbetar i produktion på den här datorn (--sandbox för ett kommando).",
            "The command line works in production on this computer (--sandbox for one command).",
        ),
        Some(Environment::Sandbox) => tr(
            "Kommandoraden arbetar i sandlådan på den här datorn (--production för ett kommando).",
            "The command line works in the sandbox on this computer (--production for one command).",
        ),
        None => tr(
            "Inget val gjort: kommandoraden arbetar i sandlådan. `fabrik use production` byter.",
            "Nothing chosen: the command line works in the sandbox. `fabrik use production` switches.",
        ),
    };
    println!("{line}");
    Ok(())
}
