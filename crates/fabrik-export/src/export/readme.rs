//! `README.txt`, the archive's first file: what each folder holds and how to open it without
//! Fabrik, in Swedish and in English. Plain text with Windows line ends, so Notepad shows it
//! as well as any other editor.

use super::About;

/// The README's name in the archive.
pub const README: &str = "README.txt";

pub(super) fn text(about: &About) -> Vec<u8> {
    let (name, slug) = (&about.name, &about.slug);
    let when = about.taken_at.format("%Y-%m-%d %H:%M UTC");
    let body = format!(
        "{name} ({slug}) - export {when}
==========================================================================

SVENSKA

Det här arkivet innehåller era data från er instans, i öppna format som
kan läsas utan Fabrik.

  tables/     Varje tabell i databasens public-schema:
                NAMN.csv          öppnas i Excel, Numbers eller LibreOffice
                                  (UTF-8, kommatecken; i Excel: Data >
                                  Från text/CSV). En tom cell är NULL.
                NAMN.json         samma rader som JSON, med NULL som null.
                NAMN.schema.json  kolumnerna och deras typer.
              En cell som börjar med = + - @ har fått en ' framför, så att
              ett kalkylprogram inte kör den som en formel.
  auth/       Användarna: id, e-post, namn, roll, när de skapades och
              senast loggade in (users.csv, users.json). Inga lösenord.
  workflow/   Ert n8n-flöde som JSON (importeras i n8n: Import from File).
              Hemligheter är bortplockade och ersatta med <redacted>.
  repo/       Koden som en git bundle: git clone repo/NAMN.bundle
  storage/    Filerna i projektets lagring, en mapp per bucket.
  manifest.json  Vad arkivet innehåller: varje fils storlek och SHA-256,
              schemaversion, mallversion, och varför en del saknas
              (\"omitted\"). Kontrollera en fil med
              sha256sum FIL (Linux), shasum -a 256 FIL (macOS) eller
              Get-FileHash FIL (Windows PowerShell).

ENGLISH

This archive holds your data from your instance, in open formats that can
be read without Fabrik.

  tables/     Every table of the database's public schema:
                NAME.csv          opens in Excel, Numbers or LibreOffice
                                  (UTF-8, comma separated; in Excel: Data >
                                  From Text/CSV). An empty cell is NULL.
                NAME.json         the same rows as JSON, NULL as null.
                NAME.schema.json  the columns and their types.
              A cell that starts with = + - @ has a ' in front, so that a
              spreadsheet does not run it as a formula.
  auth/       The users: id, email, name, role, when created and last
              signed in (users.csv, users.json). No passwords.
  workflow/   Your n8n workflow as JSON (n8n: Import from File). Secrets
              are taken out and replaced with <redacted>.
  repo/       The code as a git bundle: git clone repo/NAME.bundle
  storage/    The files in the project's storage, a folder per bucket.
  manifest.json  What the archive holds: each file's size and SHA-256, the
              schema version, the template version, and why a part is
              missing (\"omitted\"). Check a file with sha256sum FILE
              (Linux), shasum -a 256 FILE (macOS) or Get-FileHash FILE
              (Windows PowerShell).
"
    );
    body.replace('\n', "\r\n").into_bytes()
}
