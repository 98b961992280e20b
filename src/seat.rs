//! Who this seat is: the person and the computer (`anna@byran-laptop`) a run records as the one
//! that started it and the one that drives it, so another seat's "Provisionera" can say whose
//! run is in the way.

use std::sync::OnceLock;

/// Overrides the seat's name (tests run several seats on one machine).
pub const SEAT_ENV: &str = "FABRIK_SEAT";

/// This process's seat, `user@host`.
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

/// The host part of a seat's name; a process id means something only on its own host.
pub fn host(seat: &str) -> &str {
    seat.rsplit_once('@').map_or(seat, |(_, h)| h)
}
