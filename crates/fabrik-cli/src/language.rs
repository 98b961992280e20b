//! The language the command line speaks on this seat, Swedish or English: `FABRIK_LANG` for one
//! command, else this seat's choice (`fabrik use sv|en`, or the window's language switch, both
//! kept in the seat's own settings as `cli.language`), else Swedish. Help (`help_sv`), the
//! catalogue's sentences and the core's errors follow it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clap::{Arg, ArgAction, Command};
use fabrik::messages::Text;
use fabrik::services::register::Language;

use crate::{help_sv, help_sv_args};

/// The seat setting the choice is kept in (shared with the window's language switch).
pub use fabrik::seat_settings::CLI_LANGUAGE_KEY as LANGUAGE_KEY;

/// One command's language, whatever the seat chose.
pub const LANG_ENV: &str = "FABRIK_LANG";

static CURRENT: OnceLock<Language> = OnceLock::new();

/// The language of this process, decided once from the seat of the register `db`.
pub fn init(db: &Path) -> Language {
    *CURRENT.get_or_init(|| resolve(db))
}

pub fn current() -> Language {
    CURRENT.get().copied().unwrap_or(Language::Sv)
}

/// `sv`/`svenska` or `en`/`english`; none for anything else.
pub fn parse(word: &str) -> Option<Language> {
    match word.trim().to_lowercase().as_str() {
        "sv" | "svenska" | "swedish" => Some(Language::Sv),
        "en" | "english" | "engelska" => Some(Language::En),
        _ => None,
    }
}

/// The code kept for a language (`sv`, `en`), as the window keeps its own.
pub fn code(lang: Language) -> String {
    serde_json::to_value(lang)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn resolve(db: &Path) -> Language {
    if let Some(l) = std::env::var(LANG_ENV).ok().as_deref().and_then(parse) {
        return l;
    }
    fabrik::seat_settings::SeatSettings::open(&fabrik::paths::seat_dir(db))
        .get(LANGUAGE_KEY)
        .as_deref()
        .and_then(parse)
        .unwrap_or(Language::Sv)
}

/// The register file the command line was given (`--db`, `FABRIK_DB`), read before the
/// arguments are parsed: the help itself is in the seat's language.
pub fn db_from_args() -> PathBuf {
    let args: Vec<String> = std::env::args().collect();
    let given = args
        .iter()
        .enumerate()
        .find_map(|(i, a)| match a.strip_prefix("--db=") {
            Some(v) => Some(v.to_string()),
            None if a == "--db" => args.get(i + 1).cloned(),
            None => None,
        });
    given
        .or_else(|| std::env::var("FABRIK_DB").ok().filter(|v| !v.is_empty()))
        .map(PathBuf::from)
        .unwrap_or_else(fabrik::paths::default_db_path)
}

/// One of the command line's own fixed lines in this command's language (a table heading, a
/// word in a line): `tr("Inkorgen är tom.", "The inbox is empty.")`. A line with values is
/// `trf!` with the same two texts as `format!` strings.
pub fn tr<T>(sv: T, en: T) -> T {
    match current() {
        Language::Sv => sv,
        Language::En => en,
    }
}

/// `tr` for a line with values: `trf!("Plan för {}:", "Plan for {}:", p.slug)`, each text a
/// `format!` string over the same arguments (or the same names, `{slug}`).
macro_rules! trf {
    ($sv:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        match $crate::language::current() {
            ::fabrik::services::register::Language::Sv => format!($sv $(, $arg)*),
            ::fabrik::services::register::Language::En => format!($en $(, $arg)*),
        }
    };
}
pub(crate) use trf;

/// A text of the core's in this command's language.
pub trait Said {
    fn said(&self) -> String;
}

impl Said for Text {
    fn said(&self) -> String {
        match current() {
            Language::Sv => self.sv.clone(),
            Language::En => self.en.clone(),
        }
    }
}

/// The command line as clap prints its help: the doc comments' English, or for a Swedish seat
/// each command's, each of its arguments' (`help_sv_args`) and each shared flag's Swedish line,
/// and Swedish headings.
pub fn localized(cmd: Command) -> Command {
    match current() {
        Language::En => cmd,
        Language::Sv => swedish(cmd, ""),
    }
}

fn swedish(cmd: Command, path: &str) -> Command {
    let template = format!(
        "{{about-with-newline}}\n{}: {{usage}}\n\n{{all-args}}{{after-help}}",
        help_sv::USAGE
    );
    let mut cmd = cmd
        .help_template(template)
        .subcommand_help_heading(help_sv::COMMANDS_HEADING)
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(flag("help").unwrap_or_default()),
        )
        .mut_args(|a| {
            let id = a.get_id().as_str();
            let a = match arg_line(path, id).or_else(|| flag(id)) {
                Some(line) => a.help(line).long_help(None),
                None => a,
            };
            let heading = if a.is_positional() {
                help_sv::ARGUMENTS_HEADING
            } else {
                help_sv::OPTIONS_HEADING
            };
            a.help_heading(heading)
        });
    if cmd.get_version().is_some() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(flag("version").unwrap_or_default())
                .help_heading(help_sv::OPTIONS_HEADING),
        );
    }
    if let Some(line) = command_line(path) {
        cmd = cmd.about(line).long_about(None);
    }
    if path.is_empty() {
        cmd = cmd.after_help(help_sv::AFTER_HELP);
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |s| swedish(s, &sub));
    }
    cmd
}

/// A command's Swedish line by its path (`customers list`).
pub fn command_line(path: &str) -> Option<&'static str> {
    help_sv::COMMANDS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, l)| *l)
}

/// A command's own argument's Swedish line, by the command's path and the argument's id
/// (`customers add`, `email`).
pub fn arg_line(path: &str, id: &str) -> Option<&'static str> {
    help_sv_args::ARGS
        .iter()
        .find(|(p, i, _)| *p == path && *i == id)
        .map(|(_, _, l)| *l)
}

/// A shared flag's Swedish line (`help_sv::FLAGS`), by its id.
pub fn flag(name: &str) -> Option<&'static str> {
    help_sv::FLAGS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, l)| *l)
}
