//! The customer's team as a person gives it (issue #44): one person, or a list from a CSV file
//! (name, email, role), checked all at once before anyone is invited. Every rule is here, so
//! the window, the CLI and the core judge a row alike.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::validate::{validate_email, NAME_MAX};
use crate::messages::{params, ErrorCode, FieldError};
use crate::vocabulary::vocabulary;

vocabulary!(
    /// What a person may do in the customer's app (the template's `public.users.role`). The
    /// owner is the first administrator provisioning made; nobody else is invited as one.
    pub enum TeamRole {
        Admin => "admin",
        Member => "member",
        Viewer => "viewer",
    }
);

impl TeamRole {
    /// A role as a person writes it, in Swedish or English, any case.
    pub fn read(text: &str) -> Option<TeamRole> {
        match text.trim().to_lowercase().as_str() {
            "admin" | "administratör" | "administrator" => Some(TeamRole::Admin),
            "member" | "medlem" => Some(TeamRole::Member),
            "viewer" | "läsare" | "betraktare" => Some(TeamRole::Viewer),
            _ => None,
        }
    }
}

/// One person to invite, checked: the address in lower case, the name trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Invitee {
    pub email: String,
    #[serde(default)]
    pub full_name: Option<String>,
    pub role: TeamRole,
}

/// A row of a list that cannot be invited, and every reason.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BadRow {
    /// The file's line (1 is the first line, the header when there is one).
    pub line: u32,
    /// The address as written (may be empty or wrong).
    pub email: String,
    pub problems: Vec<FieldError>,
}

/// What inviting a list would do, before anyone is invited: everyone on it, or, when any row
/// is bad, every bad row and nobody (all or nothing).
#[derive(Debug, Clone, Serialize, TS)]
pub struct TeamPreview {
    pub people: Vec<Invitee>,
    pub bad: Vec<BadRow>,
}

/// At most this many people in one list (a team, not a mailing list).
pub const MAX_PEOPLE: usize = 500;

/// Checks one person. `taken` says whether an address is in the team already (invited before
/// or in the instance): nobody is invited twice.
pub fn check_invitee(
    email: &str,
    full_name: Option<&str>,
    role: &str,
    taken: &dyn Fn(&str) -> bool,
) -> Result<Invitee, Vec<FieldError>> {
    let email = email.trim().to_lowercase();
    let mut problems = Vec::new();
    if let Err(mut e) = validate_email(&email) {
        e.field = "email".into();
        problems.push(e);
    } else if taken(&email) {
        problems.push(FieldError::new(
            "email",
            ErrorCode::TeamAlreadyInTeam,
            params! { "email" => email },
        ));
    }
    let full_name = full_name.map(str::trim).filter(|n| !n.is_empty());
    if full_name.is_some_and(|n| n.chars().count() > NAME_MAX) {
        problems.push(FieldError::new(
            "full_name",
            ErrorCode::TooLong,
            params! { "label" => "Namnet", "label_en" => "The name", "max" => NAME_MAX },
        ));
    }
    let role = match (TeamRole::read(role), role.trim().to_lowercase().as_str()) {
        (Some(r), _) => Some(r),
        (None, "owner" | "ägare") => {
            problems.push(FieldError::plain("role", ErrorCode::TeamOwnerRole));
            None
        }
        (None, "") => Some(TeamRole::Member),
        (None, other) => {
            problems.push(FieldError::new(
                "role",
                ErrorCode::TeamRoleUnknown,
                params! { "role" => other },
            ));
            None
        }
    };
    match (problems.is_empty(), role) {
        (true, Some(role)) => Ok(Invitee {
            email,
            full_name: full_name.map(str::to_string),
            role,
        }),
        _ => Err(problems),
    }
}

/// The columns a list is read by, whatever the header calls them (Swedish or English).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Email,
    Role,
}

fn column(header: &str) -> Option<Col> {
    match header.trim().to_lowercase().as_str() {
        "name" | "namn" | "full_name" | "full name" => Some(Col::Name),
        "email" | "e-post" | "epost" | "e-mail" | "mail" | "e-postadress" => Some(Col::Email),
        "role" | "roll" => Some(Col::Role),
        _ => None,
    }
}

/// Reads a list (CSV, comma or semicolon, with or without a header of name, email and role in
/// any order; without one the columns are name, email, role) and judges every row. An
/// unreadable file is an error; bad rows are named in the preview.
pub fn preview(text: &str, taken: &dyn Fn(&str) -> bool) -> Result<TeamPreview, FieldError> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut order = [Col::Name, Col::Email, Col::Role].to_vec();
    let mut people: Vec<Invitee> = Vec::new();
    let mut bad = Vec::new();
    let mut seen: Vec<(String, u32)> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            FieldError::new(
                "file",
                ErrorCode::TeamListUnreadable,
                params! { "detail" => e },
            )
        })?;
        let line = record
            .position()
            .map(|p| p.line() as u32)
            .unwrap_or(i as u32 + 1);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let cols: Vec<Option<Col>> = record.iter().map(column).collect();
        if i == 0 && cols.contains(&Some(Col::Email)) {
            order = cols.into_iter().map(|c| c.unwrap_or(Col::Name)).collect();
            continue;
        }
        let cell = |want: Col| {
            order
                .iter()
                .position(|c| *c == want)
                .and_then(|at| record.get(at))
                .unwrap_or("")
        };
        let email = cell(Col::Email).to_string();
        let again = seen
            .iter()
            .find(|(e, _)| e.eq_ignore_ascii_case(email.trim()))
            .map(|(_, l)| *l);
        let checked = check_invitee(&email, Some(cell(Col::Name)), cell(Col::Role), taken);
        match (checked, again) {
            (Ok(p), None) => {
                seen.push((p.email.clone(), line));
                people.push(p);
            }
            (Ok(_), Some(first)) => bad.push(BadRow {
                line,
                email,
                problems: vec![FieldError::new(
                    "email",
                    ErrorCode::TeamDuplicateRow,
                    params! { "line" => first },
                )],
            }),
            (Err(problems), _) => bad.push(BadRow {
                line,
                email,
                problems,
            }),
        }
    }
    let count = people.len() + bad.len();
    if count == 0 {
        return Err(FieldError::plain("file", ErrorCode::TeamListEmpty));
    }
    if count > MAX_PEOPLE {
        return Err(FieldError::new(
            "file",
            ErrorCode::TeamListTooLong,
            params! { "count" => count, "max" => MAX_PEOPLE },
        ));
    }
    Ok(TeamPreview { people, bad })
}

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(TEAM_ROLES: "team_roles" => TeamRole);

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> bool {
        false
    }

    #[test]
    fn a_list_with_a_swedish_header_in_its_own_order_is_read() {
        let p = preview(
            "e-post;namn;roll\nKARIN@kund.se;Karin Ek;medlem\nolle@kund.se;Olle;Admin\n",
            &none,
        )
        .unwrap();
        assert!(p.bad.is_empty(), "{:?}", p.bad);
        assert_eq!(p.people.len(), 2);
        assert_eq!(p.people[0].email, "karin@kund.se");
        assert_eq!(p.people[0].full_name.as_deref(), Some("Karin Ek"));
        assert_eq!(p.people[1].role, TeamRole::Admin);
    }

    #[test]
    fn every_bad_row_is_named_with_its_line_and_reasons() {
        let taken = |e: &str| e == "finns@kund.se";
        let p = preview(
            "name,email,role\nA,a@kund.se,member\nB,inte-en-adress,chef\nC,A@KUND.SE,viewer\nD,finns@kund.se,\nE,e@kund.se,owner\n",
            &taken,
        )
        .unwrap();
        assert_eq!(p.people.len(), 1);
        let lines: Vec<(u32, Vec<ErrorCode>)> = p
            .bad
            .iter()
            .map(|b| (b.line, b.problems.iter().map(|f| f.code).collect()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (3, vec![ErrorCode::EmailInvalid, ErrorCode::TeamRoleUnknown]),
                (4, vec![ErrorCode::TeamDuplicateRow]),
                (5, vec![ErrorCode::TeamAlreadyInTeam]),
                (6, vec![ErrorCode::TeamOwnerRole]),
            ]
        );
        assert_eq!(p.bad[1].problems[0].params["line"], "2");
    }

    #[test]
    fn without_a_header_the_columns_are_name_email_role_and_an_empty_role_is_member() {
        let p = preview("Karin,karin@kund.se\n", &none).unwrap();
        assert_eq!(p.people[0].role, TeamRole::Member);
        assert!(matches!(
            preview("\n\n", &none),
            Err(e) if e.code == ErrorCode::TeamListEmpty
        ));
        let long: String = (0..=MAX_PEOPLE)
            .map(|i| format!("P,p{i}@kund.se,member\n"))
            .collect();
        assert!(matches!(
            preview(&long, &none),
            Err(e) if e.code == ErrorCode::TeamListTooLong
        ));
    }
}
