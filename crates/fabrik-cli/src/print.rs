//! What every command group prints with: JSON, a question at the terminal, a hidden line, the
//! catalogue's sentences (`say`), and text from outside made safe to print (`plain`).

use fabrik::ApiError;

/// Text from outside (a portal's request, a payer's name, a customer named from them, the update
/// feed's notes) as the terminal gets it: without control characters, so an escape sequence in
/// a name clears no screen and a bidirectional override reorders no line.
pub use fabrik::customer::without_controls as plain;

pub fn print_json<T: serde::Serialize>(v: &T) {
    // Serialising our own plain data types cannot fail.
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

pub fn confirm(question: &str) -> bool {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        eprintln!(
            "{}",
            crate::language::tr(
                "Ingen terminal att fråga i; --yes hoppar över frågan.",
                "No terminal to ask at; --yes skips the question."
            )
        );
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

/// One line typed at the terminal; `None` without one.
pub fn ask(question: &str) -> Option<String> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        eprintln!(
            "{}",
            crate::language::tr("Ingen terminal att fråga i.", "No terminal to ask at.")
        );
        return None;
    }
    eprint!("{question}");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).ok()?;
    Some(answer.trim().to_string())
}

pub fn read_secret_line(prompt: &str) -> Result<String, ApiError> {
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

/// A sentence of the core's catalogue in the seat's language (`language`), its parameters by name.
pub fn say(sentence: fabrik::messages::Say, params: &[(&str, &dyn std::fmt::Display)]) -> String {
    let params = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    crate::language::Said::said(&sentence.with(params))
}

/// A customer's export written: where, how much, its SHA-256, and the parts it does not hold.
pub fn print_export(slug: &str, done: &fabrik::services::export::Exported) {
    let r = &done.record;
    println!(
        "{}",
        say(
            fabrik::messages::Say::ExportWritten,
            &[
                ("slug", &slug),
                ("path", &done.path),
                ("tables", &done.tables),
                ("rows", &done.rows),
                ("bytes", &r.bytes),
                ("sha256", &r.sha256),
            ],
        )
    );
    for o in &done.omitted {
        println!(
            "{}",
            say(
                fabrik::messages::Say::ExportOmitted,
                &[("part", &o.part), ("why", &o.why)]
            )
        );
    }
}
