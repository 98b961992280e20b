//! `fabrik`: one executable for the window and the command line (#71). Alone, as the desktop
//! entry, the dock or a terminal starts it, it opens the window; with anything after it
//! (`fabrik customers list`, `fabrik tick`, `fabrik --version`) it is the command line.

// No console window on Windows release builds; the command line attaches to its caller's.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    if wants_window(std::env::args_os().skip(1)) {
        fabrik_app::run();
        ExitCode::SUCCESS
    } else {
        #[cfg(windows)]
        attach_console();
        fabrik_cli::main(&fabrik_app::version())
    }
}

/// Nothing after the program's name; or, from an old macOS Finder, only its process serial
/// number (`-psn_…`).
fn wants_window(mut args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    match (args.next(), args.next()) {
        (None, _) => true,
        (Some(a), None) => a.to_string_lossy().starts_with("-psn_"),
        _ => false,
    }
}

/// A release build on Windows is a GUI program: without this, what the command line prints
/// goes nowhere. The console of the shell that started it, when there is one.
#[cfg(windows)]
fn attach_console() {
    use windows_sys::Win32::System::Console::{AttachConsole, ATTACH_PARENT_PROCESS};
    // SAFETY: a plain Win32 call with a constant argument; failing (no parent console) is fine.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}
