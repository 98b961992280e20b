//! The rules of a handover's targets: the accounts a customer names to receive their instance
//! (every rule once; the run's request and the window's form both come here).

use crate::error::{Error, Result};
use crate::messages::{params, ErrorCode, FieldError};

/// The GitHub account or organization, the Vercel team and the Supabase organization, each a
/// name its provider could have given: refused together, each named, before anything is written.
pub fn handover_targets(github: &str, vercel_team: &str, supabase_org: &str) -> Result<()> {
    let mut errors = Vec::new();
    let fields = [
        (
            "to_github",
            "GitHub-konto",
            "GitHub account",
            github,
            github_login as fn(&str) -> bool,
        ),
        (
            "to_vercel_team",
            "Vercel-team",
            "Vercel team",
            vercel_team,
            team_slug,
        ),
        (
            "to_supabase_org",
            "Supabase-organisation",
            "Supabase organization",
            supabase_org,
            org_slug,
        ),
    ];
    for (field, sv, en, value, valid) in fields {
        let value = value.trim();
        if value.is_empty() {
            errors.push(FieldError::new(
                field,
                ErrorCode::Required,
                params! { "label" => sv, "label_en" => en },
            ));
        } else if !valid(value) {
            errors.push(FieldError::new(
                field,
                ErrorCode::AccountNameInvalid,
                params! { "label" => sv, "label_en" => en, "value" => value },
            ));
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Error::Validation(errors)),
    }
}

/// The address the owner typed for the handover's letter, checked as an email address:
/// `None` when none was typed (the letter then goes to the proven first administrator).
pub fn handover_letter_to(typed: Option<&str>) -> Result<Option<String>> {
    let Some(address) = typed.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    super::validate_email(address).map_err(|mut e| {
        e.field = "letter_to".into();
        Error::Validation(vec![e])
    })?;
    Ok(Some(address.to_string()))
}

/// GitHub: letters, digits and single hyphens, not at either end, at most 39.
fn github_login(s: &str) -> bool {
    s.len() <= 39
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Vercel's team slugs: lower-case letters, digits and hyphens, at most 48.
fn team_slug(s: &str) -> bool {
    s.len() <= 48
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Supabase's organization slug (`^[\w-]+$` in the Management API's description).
fn org_slug(s: &str) -> bool {
    s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_target_is_named_when_wrong() {
        assert!(handover_targets("kund-ab", "kund-team", "kund_org-1").is_ok());
        let Err(Error::Validation(errors)) = handover_targets("-bad", "Has Space", "") else {
            panic!("three wrong targets are refused");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["to_github", "to_vercel_team", "to_supabase_org"]);
    }
}
