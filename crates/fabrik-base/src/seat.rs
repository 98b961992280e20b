//! Who this seat is: the person and the computer (`anna@byran-laptop`) a run records as the one
//! that started it and the one that drives it, so another seat's "Provisionera" can say whose
//! run is in the way; and which installation it is (`#3f9a1c2e`), since names repeat (two
//! laptops called `ubuntu`, or the `okänd-dator` fallback) and a process id means something
//! only to the installation that recorded it.

use std::path::Path;
use std::sync::OnceLock;

/// Overrides the seat's name (tests run several seats on one machine).
pub const SEAT_ENV: &str = "FABRIK_SEAT";

/// The file, beside the register file, that keeps this installation's seat id.
const ID_FILE: &str = "seat-id";

/// What separates the name from the installation's id in a recorded seat.
const ID_MARK: &str = " #";

/// This process's person and computer, `user@host`.
pub fn this() -> &'static str {
    static SEAT: OnceLock<String> = OnceLock::new();
    SEAT.get_or_init(|| match std::env::var(SEAT_ENV) {
        Ok(s) if !s.trim().is_empty() => s.trim().chars().take(120).collect(),
        _ => format!(
            "{}@{}",
            whoami::username().unwrap_or_else(|_| "okänd".into()),
            whoami::hostname().unwrap_or_else(|_| "okänd-dator".into())
        ),
    })
}

/// A new random seat id: 32 bits, plenty for the seats of one agency.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_string()
}

/// The id of a seat with no folder of its own (a register in memory): this process only, so
/// nothing another process recorded is ever taken for its own.
pub fn process_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(new_id)
}

/// This installation's seat id, kept in `dir` (the folder of the register file): made once,
/// then read. A folder that cannot keep it gives this process's id, which only costs the quick
/// takeover of this installation's own dead runs (their lease still lapses).
pub fn installation_id(dir: &Path) -> String {
    let path = dir.join(ID_FILE);
    if let Some(id) = std::fs::read_to_string(&path)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| is_id(s))
    {
        return id;
    }
    let id = new_id();
    // Written whole or not at all: two processes starting at once must not read half an id.
    let tmp = dir.join(format!("{ID_FILE}.{}", std::process::id()));
    let kept = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&tmp, &id))
        .and_then(|()| std::fs::hard_link(&tmp, &path));
    let _ = std::fs::remove_file(&tmp);
    match kept {
        Ok(()) => id,
        // Another process made it first: theirs is the installation's.
        Err(_) => std::fs::read_to_string(&path)
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| is_id(s))
            .unwrap_or_else(|| process_id().to_string()),
    }
}

fn is_id(s: &str) -> bool {
    s.len() == 8 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The seat as a run records it: the name, then the installation (`anna@ubuntu #3f9a1c2e`), so
/// whoever reads whose run it is can tell two seats of one name apart.
pub fn recorded(name: &str, id: &str) -> String {
    format!("{name}{ID_MARK}{id}")
}

/// The person and computer of a recorded seat, without its id.
pub fn name(seat: &str) -> &str {
    id(seat).map_or(seat, |_| seat.rsplit_once(ID_MARK).map_or(seat, |(n, _)| n))
}

/// The installation of a recorded seat; `None` for one recorded before seats had ids.
pub fn id(seat: &str) -> Option<&str> {
    seat.rsplit_once(ID_MARK)
        .map(|(_, id)| id)
        .filter(|id| is_id(id))
}

/// Whether two recorded seats are one installation: only then does a process id one of them
/// recorded mean anything to the other.
pub fn same_installation(a: &str, b: &str) -> bool {
    matches!((id(a), id(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_seat_names_its_person_and_installation() {
        let s = recorded("anna@ubuntu", "3f9a1c2e");
        assert_eq!(s, "anna@ubuntu #3f9a1c2e");
        assert_eq!((name(&s), id(&s)), ("anna@ubuntu", Some("3f9a1c2e")));
        assert_eq!(
            (name("anna@ubuntu"), id("anna@ubuntu")),
            ("anna@ubuntu", None)
        );
        assert!(same_installation(&s, "bo@ubuntu #3f9a1c2e"));
        assert!(!same_installation(&s, "anna@ubuntu #0badc0de"));
        assert!(
            !same_installation("anna@ubuntu", "anna@ubuntu"),
            "no id, no trust"
        );
    }

    #[test]
    fn an_installation_keeps_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let first = installation_id(dir.path());
        assert!(is_id(&first));
        assert_eq!(installation_id(dir.path()), first);
        let other = tempfile::tempdir().unwrap();
        assert_ne!(installation_id(other.path()), first);
    }
}
