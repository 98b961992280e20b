//! The command line in the seat's language (issue #68): Swedish until the seat chooses English
//! (`fabrik use en`, or the window's language switch), then its help, the catalogue's sentences
//! and the core's errors in English; `FABRIK_LANG` for one command; `fabrik use sv` back.

use super::fabrik;

fn run(db: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = fabrik(db).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_sentences_and_errors_follow_the_seats_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");

    // Nothing chosen: Swedish, help included.
    let (_, help, _) = run(&db, &["--help"]);
    assert!(help.contains("Användning: fabrik"), "{help}");
    assert!(
        help.contains("Kommandon:") && help.contains("Kundregistret"),
        "{help}"
    );
    let (_, help, _) = run(&db, &["customers", "list", "--help"]);
    assert!(help.starts_with("Lista kunderna"), "{help}");
    assert!(
        help.contains("Skriv ut JSON i stället för en tabell") && help.contains("Visa hjälpen"),
        "{help}"
    );
    let (code, _, err) = run(&db, &["customers", "show", "ingen-sadan"]);
    assert_eq!(code, Some(1));
    assert!(err.starts_with("fel [customer_not_found]"), "{err}");

    // This seat speaks English from now on.
    let (code, out, _) = run(&db, &["use", "en"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("speaks English"), "{out}");
    let (_, help, _) = run(&db, &["--help"]);
    assert!(
        help.contains("Usage: fabrik") && help.contains("The customer register"),
        "{help}"
    );
    assert!(!help.contains("Kundregistret"), "{help}");
    let (code, _, err) = run(&db, &["customers", "show", "ingen-sadan"]);
    assert_eq!(code, Some(1));
    assert!(err.starts_with("error [customer_not_found]"), "{err}");
    assert!(
        !err.contains("finns inte"),
        "the core's English text: {err}"
    );
    let (_, out, _) = run(&db, &["use", "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["language"],
        "en"
    );

    // One command in Swedish, the choice kept; then back for good.
    let out = fabrik(&db)
        .args(["--help"])
        .env("FABRIK_LANG", "sv")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Användning:"));
    let (_, help, _) = run(&db, &["--help"]);
    assert!(help.contains("Usage:"), "{help}");
    let (_, out, _) = run(&db, &["use", "svenska"]);
    assert!(out.contains("talar svenska"), "{out}");
    let (_, help, _) = run(&db, &["--help"]);
    assert!(help.contains("Användning:"), "{help}");

    // Neither an environment nor a language: said in the seat's language, nothing kept.
    let (code, _, err) = run(&db, &["use", "klingon"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("varken en miljö eller ett språk"), "{err}");
}

/// Each command's own flags have their Swedish line beside the English one, and the command
/// line's own fixed lines (an empty register's answers, a cloud command's first line) follow
/// the seat: English on an English seat, Swedish as before on a Swedish one.
#[test]
fn own_flags_and_fixed_lines_follow_the_seats_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    let (code, _, _) = run(&db, &["use", "en"]);
    assert_eq!(code, Some(0));

    // A command's own flag: the English doc comment here, its Swedish line for a Swedish one.
    let (_, help, _) = run(&db, &["customers", "add", "--help"]);
    assert!(help.contains("The first admin's email address"), "{help}");
    assert!(!help.contains("administratörens"), "{help}");
    let out = fabrik(&db)
        .args(["customers", "add", "--help"])
        .env("FABRIK_LANG", "sv")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Den första administratörens e-postadress")
            && help.contains("Kontaktpersonens namn")
            && help.contains("Skriv ut den nya kunden som JSON"),
        "{help}"
    );
    assert!(!help.contains("The first admin's"), "{help}");

    // Fixed lines in English: an empty register, the overview, and a cloud command's first
    // line (the sandbox, nothing reached over the network).
    let (code, out, _) = run(&db, &["customers", "list"]);
    assert_eq!(code, Some(0));
    assert_eq!(out.trim(), "No customers.");
    let (_, out, _) = run(&db, &["overview"]);
    assert!(
        out.starts_with("Overview: ") && out.contains("The business: 0 of 0 customers active"),
        "{out}"
    );
    assert!(!out.contains("Verksamheten"), "{out}");
    let (_, out, _) = run(&db, &["use"]);
    assert!(
        out.starts_with("Nothing chosen: the command line works in the sandbox"),
        "{out}"
    );
    let (code, out, err) = run(&db, &["--sandbox", "intake", "list"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        err.lines().next(),
        Some("Environment: sandbox (chosen; --production switches)"),
        "{err}"
    );
    assert!(out.contains("The inbox is empty."), "{out}");
    assert!(!out.contains("Inkorgen"), "{out}");

    // The same lines on a Swedish seat, as they always were.
    run(&db, &["use", "sv"]);
    let (_, out, _) = run(&db, &["customers", "list"]);
    assert_eq!(out.trim(), "Inga kunder.");
    let (_, out, _) = run(&db, &["overview"]);
    assert!(out.contains("Verksamheten: 0 av 0 kunder aktiva"), "{out}");
    let (_, out, err) = run(&db, &["--sandbox", "intake", "list"]);
    assert_eq!(
        err.lines().next(),
        Some("Miljö: sandlådan (vald; --production byter)"),
        "{err}"
    );
    assert!(out.contains("Inkorgen är tom."), "{out}");
}
