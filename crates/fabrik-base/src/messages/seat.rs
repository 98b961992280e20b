//! A seat as a person reads it: the person's login on a shared register, else who on which
//! computer ("anna på byran-laptop"); never the installation's id (`#5201dd47`), which only tells
//! two seats of one name apart for the code.

use super::Text;

/// How a recorded seat (`anna@byran-laptop #3f9a1c2e`) is said, with the login that acted, when
/// the register has one per person.
pub fn shown(seat: &str, person: Option<&str>) -> Text {
    if let Some(p) = person.map(str::trim).filter(|p| !p.is_empty()) {
        return Text::new(p, p);
    }
    let name = crate::seat::name(seat);
    match name.split_once('@') {
        Some((who, host)) if !who.is_empty() && !host.is_empty() => {
            Text::new(format!("{who} på {host}"), format!("{who} on {host}"))
        }
        _ => Text::new(name, name),
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn a_seat_is_said_by_its_person_never_by_its_id() {
        let s = crate::seat::recorded("anna@ubuntu", "3f9a1c2e");
        assert_eq!(shown(&s, None).sv, "anna på ubuntu");
        assert_eq!(shown(&s, None).en, "anna on ubuntu");
        assert_eq!(shown(&s, Some("anna.berg")).sv, "anna.berg");
        assert_eq!(shown("tick-seat", None).sv, "tick-seat");
    }
}
