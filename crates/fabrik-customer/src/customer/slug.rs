//! Slugs: the customer's subdomain and the root of every resource name a run derives.

use serde::Serialize;
use ts_rs::TS;

use crate::messages::FieldError;
use crate::messages::{ErrorCode, Params};

pub const SLUG_MIN: usize = 3;
pub const SLUG_MAX: usize = 40;

/// Names that would collide with the agency's own hosts or confuse a customer.
pub const RESERVED_SLUGS: &[&str] = &[
    "www",
    "api",
    "admin",
    "app",
    "apps",
    "auth",
    "login",
    "mail",
    "smtp",
    "ftp",
    "cdn",
    "static",
    "assets",
    "dashboard",
    "status",
    "support",
    "help",
    "docs",
    "blog",
    "dev",
    "staging",
    "test",
    "demo",
    "fabrik",
    "root",
    "system",
];

/// The first rule a slug breaks. Its text comes from the message catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlugError {
    TooShort,
    TooLong,
    InvalidCharacter,
    EdgeHyphen,
    DoubleHyphen,
    Reserved,
}

impl SlugError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SlugError::TooShort => ErrorCode::SlugTooShort,
            SlugError::TooLong => ErrorCode::SlugTooLong,
            SlugError::InvalidCharacter => ErrorCode::SlugInvalidCharacter,
            SlugError::EdgeHyphen => ErrorCode::SlugEdgeHyphen,
            SlugError::DoubleHyphen => ErrorCode::SlugDoubleHyphen,
            SlugError::Reserved => ErrorCode::SlugReserved,
        }
    }

    pub fn params(&self) -> Params {
        match self {
            SlugError::TooShort => crate::messages::params! { "min" => SLUG_MIN },
            SlugError::TooLong => crate::messages::params! { "max" => SLUG_MAX },
            _ => Params::new(),
        }
    }

    /// This rule as a problem of the `slug` field.
    pub fn field_error(&self) -> FieldError {
        FieldError::new("slug", self.code(), self.params())
    }
}

impl std::fmt::Display for SlugError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code().sv(&self.params()))
    }
}

impl std::error::Error for SlugError {}

/// Checks a slug against every rule; the first broken rule wins.
pub fn validate_slug(slug: &str) -> Result<(), SlugError> {
    if let Some(c) = slug
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-'))
    {
        let _ = c;
        return Err(SlugError::InvalidCharacter);
    }
    let len = slug.len();
    if len < SLUG_MIN {
        return Err(SlugError::TooShort);
    }
    if len > SLUG_MAX {
        return Err(SlugError::TooLong);
    }
    if slug.starts_with('-') || slug.ends_with('-') {
        return Err(SlugError::EdgeHyphen);
    }
    if slug.contains("--") {
        return Err(SlugError::DoubleHyphen);
    }
    if RESERVED_SLUGS.contains(&slug) {
        return Err(SlugError::Reserved);
    }
    Ok(())
}

/// Derives a slug from a customer name: accents folded (å/ä→a, ö→o, é→e, …), apostrophes
/// dropped so "Åsa's" reads "asas", every other run of punctuation or space one hyphen, cut at
/// a word boundary to fit. Returns a valid slug or the rule the name cannot satisfy.
pub fn derive_slug(name: &str) -> Result<String, SlugError> {
    let mut out = String::with_capacity(name.len());
    let mut pending_hyphen = false;
    for ch in name.chars() {
        if is_apostrophe(ch) {
            continue;
        }
        // deunicode turns "Å" into "A", "ß" into "ss", "æ" into "ae"; symbols become words
        // or punctuation, which then act as separators.
        let folded = deunicode::deunicode_char(ch).unwrap_or(" ");
        for c in folded.chars() {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                }
                pending_hyphen = false;
                out.push(c);
            } else if !is_apostrophe(c) {
                pending_hyphen = true;
            }
        }
    }
    if out.len() > SLUG_MAX {
        out.truncate(SLUG_MAX);
        // Prefer ending at a whole word when that still leaves a usable slug.
        if let Some(cut) = out.rfind('-').filter(|&i| i >= SLUG_MIN) {
            out.truncate(cut);
        }
        while out.ends_with('-') {
            out.pop();
        }
    }
    validate_slug(&out)?;
    Ok(out)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '`' | '´' | 'ʼ')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn swedish_company_name() {
        assert_eq!(
            derive_slug("Åsa's Bageri & Café AB").unwrap(),
            "asas-bageri-cafe-ab"
        );
    }

    #[test]
    fn folds_accents_and_collapses_punctuation() {
        assert_eq!(derive_slug("Örebro Ölhall").unwrap(), "orebro-olhall");
        assert_eq!(derive_slug("  Crème -- Brûlée!! ").unwrap(), "creme-brulee");
        assert_eq!(derive_slug("Müller & Søn GmbH").unwrap(), "muller-son-gmbh");
        assert_eq!(derive_slug("Straße 42").unwrap(), "strasse-42");
        assert_eq!(
            derive_slug("Ärlig Åkeri i Väst").unwrap(),
            "arlig-akeri-i-vast"
        );
    }

    #[test]
    fn long_names_are_cut_at_a_word() {
        let slug =
            derive_slug("Stora Kopparbergs Bergslags Aktiebolag Med Dotterbolag i Falun").unwrap();
        assert!(slug.len() <= SLUG_MAX, "{slug}");
        assert_eq!(slug, "stora-kopparbergs-bergslags-aktiebolag");
    }

    #[test]
    fn names_that_give_no_slug_are_typed_errors() {
        assert_eq!(derive_slug("AB"), Err(SlugError::TooShort));
        assert_eq!(derive_slug("!!!"), Err(SlugError::TooShort));
        assert_eq!(derive_slug("Admin"), Err(SlugError::Reserved));
    }

    #[test]
    fn validation_rules() {
        assert_eq!(validate_slug("ok-slug-1"), Ok(()));
        assert_eq!(validate_slug("ab"), Err(SlugError::TooShort));
        assert_eq!(validate_slug(&"a".repeat(41)), Err(SlugError::TooLong));
        assert_eq!(validate_slug(&"a".repeat(40)), Ok(()));
        assert_eq!(validate_slug("-abc"), Err(SlugError::EdgeHyphen));
        assert_eq!(validate_slug("abc-"), Err(SlugError::EdgeHyphen));
        assert_eq!(validate_slug("ab--c"), Err(SlugError::DoubleHyphen));
        assert_eq!(validate_slug("Abc"), Err(SlugError::InvalidCharacter));
        assert_eq!(validate_slug("åsa"), Err(SlugError::InvalidCharacter));
        assert_eq!(validate_slug("a_b"), Err(SlugError::InvalidCharacter));
        for r in ["www", "api", "admin", "app"] {
            assert_eq!(validate_slug(r), Err(SlugError::Reserved));
        }
    }

    proptest! {
        #[test]
        fn any_name_yields_a_valid_slug_or_a_typed_error(name in ".{0,120}") {
            if let Ok(slug) = derive_slug(&name) { prop_assert_eq!(validate_slug(&slug), Ok(())) }
        }

        #[test]
        fn derivation_is_idempotent(name in "[a-zA-ZåäöÅÄÖé' &.-]{3,80}") {
            if let Ok(slug) = derive_slug(&name) {
                prop_assert_eq!(derive_slug(&slug), Ok(slug.clone()));
            }
        }

        #[test]
        fn validate_never_panics(s in "\\PC{0,64}") {
            let _ = validate_slug(&s);
        }
    }
}
