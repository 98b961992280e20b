//! Every rule a customer must satisfy, in one place: the form, the CLI and the store all come
//! through here, so a rule cannot differ between front ends.

use super::manifest::ModuleManifest;
use super::model::{Customer, CustomerDraft, CustomerPatch, Instance, Module, Plan, Status};
use super::slug::{derive_slug, validate_slug};
use crate::messages::FieldError;
use crate::messages::{ErrorCode, Params};

/// The parameters of a field's label, in Swedish and English.
fn label(sv: &str, en: &str) -> Params {
    crate::messages::params! { "label" => sv, "label_en" => en }
}

fn label_max(sv: &str, en: &str, max: usize) -> Params {
    let mut p = label(sv, en);
    p.insert("max".into(), max.to_string());
    p
}

pub const NAME_MAX: usize = 200;
pub const NOTES_MAX: usize = 10_000;
pub const EMAIL_MAX: usize = 254;

/// A customer's fields after validation and normalisation, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidFields {
    pub name: String,
    pub slug: String,
    pub admin_email: String,
    pub contact_name: Option<String>,
    pub plan: Plan,
    pub modules: Vec<Module>,
    pub status: Status,
    pub notes: String,
    pub instance: Instance,
}

pub fn validate_email(email: &str) -> Result<(), FieldError> {
    const FIELD: &str = "admin_email";
    if email.is_empty() {
        return Err(FieldError::new(
            FIELD,
            ErrorCode::Required,
            label("E-postadress", "The email address"),
        ));
    }
    if email.len() > EMAIL_MAX {
        return Err(FieldError::plain(FIELD, ErrorCode::EmailTooLong));
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(FieldError::worded(
            FIELD,
            ErrorCode::EmailInvalid,
            ErrorCode::EmailNoAt,
            Params::new(),
        ));
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if local.is_empty() || !domain_ok || !email_address::EmailAddress::is_valid(email) {
        return Err(FieldError::plain(FIELD, ErrorCode::EmailInvalid));
    }
    Ok(())
}

pub fn validate_https_url(field: &str, value: &str) -> Result<(), FieldError> {
    match url::Url::parse(value) {
        Ok(u) if u.scheme() == "https" && u.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        Ok(_) => Err(FieldError::plain(field, ErrorCode::UrlNotHttps)),
        Err(_) => Err(FieldError::plain(field, ErrorCode::UrlInvalid)),
    }
}

/// Text from outside (a portal's request, a payer's checkout, the update feed) as a terminal
/// may print it and a customer may be named: without control characters (C0, DEL and C1: an
/// escape sequence clears a screen or retitles the window, a bell rings, a carriage return
/// writes over the line) and without the bidirectional controls that reorder what is shown
/// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069). Borrowed when there is none.
pub fn without_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let control = |c: char| {
        c.is_control()
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if text.chars().any(control) {
        text.chars()
            .filter(|c| !control(*c))
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// A host name: trimmed, lower-cased, without a trailing dot; two labels or more, each of
/// letters, digits and inner hyphens. `None` for anything else (it may become part of a URL
/// path, where a `..` or a `/` must never get).
pub fn host_name(value: &str) -> Option<String> {
    let d = value.trim().trim_end_matches('.').to_ascii_lowercase();
    let ok = d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    ok.then_some(d)
}

/// A custom domain for an instance: a host name (`host_name`) whose last label is not a
/// number, and not a `*.vercel.app` name (Vercel's own, never the customer's).
pub fn validate_domain(value: &str) -> Result<String, FieldError> {
    match host_name(value) {
        Some(d)
            if !d.ends_with(".vercel.app")
                && d.rsplit('.')
                    .next()
                    .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic())) =>
        {
            Ok(d)
        }
        _ => Err(FieldError::new(
            "domain",
            ErrorCode::DomainInvalid,
            crate::messages::params! { "domain" => value.trim() },
        )),
    }
}

fn check_instance(instance: &Instance, errors: &mut Vec<FieldError>) {
    for (field, value) in [
        ("production_url", &instance.production_url),
        ("github_repo_url", &instance.github_repo_url),
    ] {
        if let Some(v) = value {
            if let Err(e) = validate_https_url(field, v) {
                errors.push(e);
            }
        }
    }
    if let Some(r) = &instance.supabase_project_ref {
        if r.len() != 20 || !r.chars().all(|c| c.is_ascii_lowercase()) {
            errors.push(FieldError::plain(
                "supabase_project_ref",
                ErrorCode::SupabaseRefInvalid,
            ));
        }
    }
    if let Some(id) = &instance.vercel_project_id {
        let ok = id.strip_prefix("prj_").is_some_and(|rest| {
            !rest.is_empty() && rest.len() <= 64 && rest.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if !ok {
            errors.push(FieldError::plain(
                "vercel_project_id",
                ErrorCode::VercelIdInvalid,
            ));
        }
    }
    if let Some(id) = &instance.n8n_workflow_id {
        if id.is_empty()
            || id.len() > 64
            || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            errors.push(FieldError::plain(
                "n8n_workflow_id",
                ErrorCode::N8nIdInvalid,
            ));
        }
    }
}

/// Trims a free-text field and maps "" to None.
fn optional_text(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn check_common(f: &ValidFields, errors: &mut Vec<FieldError>) {
    if f.name.is_empty() {
        errors.push(FieldError::new(
            "name",
            ErrorCode::Required,
            label("Namn", "The name"),
        ));
    } else if f.name.chars().count() > NAME_MAX {
        errors.push(FieldError::new(
            "name",
            ErrorCode::TooLong,
            label_max("Namnet", "The name", NAME_MAX),
        ));
    }
    if let Err(e) = validate_email(&f.admin_email) {
        errors.push(e);
    }
    if f.contact_name
        .as_ref()
        .is_some_and(|c| c.chars().count() > NAME_MAX)
    {
        errors.push(FieldError::new(
            "contact_name",
            ErrorCode::TooLong,
            label_max("Kontaktnamnet", "The contact name", NAME_MAX),
        ));
    }
    if f.notes.chars().count() > NOTES_MAX {
        errors.push(FieldError::new(
            "notes",
            ErrorCode::TooLong,
            label_max("Anteckningarna", "The notes", NOTES_MAX),
        ));
    }
    check_instance(&f.instance, errors);
}

fn slug_error(field_value_given: bool, e: super::slug::SlugError) -> FieldError {
    let rule = e.field_error();
    if field_value_given {
        return rule;
    }
    // A name that yields no valid slug: say why, and that one can be typed instead.
    FieldError::worded(
        "slug",
        rule.code,
        ErrorCode::SlugNotDerivable,
        crate::messages::params! {
            "reason" => rule.message.to_lowercase(),
            "reason_en" => rule.en().to_lowercase(),
        },
    )
}

/// Validates and normalises a new customer; every problem is reported at once.
pub fn validate_draft(
    draft: CustomerDraft,
    manifest: &ModuleManifest,
) -> Result<ValidFields, Vec<FieldError>> {
    validate_new(draft, Instance::default(), manifest)
}

/// A new customer that arrives with its instance card filled in (an import from the portal or
/// an exported register): the card is checked by the same rules as an edit of it.
pub fn validate_new(
    draft: CustomerDraft,
    instance: Instance,
    manifest: &ModuleManifest,
) -> Result<ValidFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = draft.name.trim().to_string();
    let given_slug = optional_text(draft.slug);
    let slug = match &given_slug {
        Some(s) => validate_slug(s)
            .map(|_| s.clone())
            .map_err(|e| slug_error(true, e)),
        None if name.is_empty() => Ok(String::new()),
        None => derive_slug(&name).map_err(|e| slug_error(false, e)),
    };
    let slug = slug.unwrap_or_else(|e| {
        errors.push(e);
        String::new()
    });
    let plan = draft.plan.unwrap_or(Plan::Starter);
    let fields = ValidFields {
        name,
        slug,
        admin_email: draft.admin_email.trim().to_string(),
        contact_name: optional_text(draft.contact_name),
        plan,
        modules: manifest.normalize(draft.modules.unwrap_or_else(|| manifest.defaults_for(plan))),
        status: draft.status.unwrap_or(Status::Pending),
        notes: draft.notes.unwrap_or_default().trim().to_string(),
        instance,
    };
    check_common(&fields, &mut errors);
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

/// Applies a patch to a stored customer and validates the result as a whole.
pub fn validate_patch(
    current: &Customer,
    patch: CustomerPatch,
    manifest: &ModuleManifest,
) -> Result<ValidFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let keep_or = |new: Option<String>, old: &Option<String>| match new {
        Some(v) => optional_text(Some(v)),
        None => old.clone(),
    };
    let old = &current.instance;
    let instance = Instance {
        production_url: keep_or(patch.production_url, &old.production_url),
        github_repo_url: keep_or(patch.github_repo_url, &old.github_repo_url),
        supabase_project_ref: keep_or(patch.supabase_project_ref, &old.supabase_project_ref),
        vercel_project_id: keep_or(patch.vercel_project_id, &old.vercel_project_id),
        n8n_workflow_id: keep_or(patch.n8n_workflow_id, &old.n8n_workflow_id),
    };
    let slug = match patch.slug.map(|s| s.trim().to_string()) {
        Some(s) if s != current.slug => {
            if let Err(e) = validate_slug(&s) {
                errors.push(slug_error(true, e));
            } else if !current.instance.is_empty()
                || !matches!(current.status, Status::Pending | Status::Failed)
            {
                // Every cloud resource is named after the slug; renaming would orphan them.
                errors.push(FieldError::plain("slug", ErrorCode::SlugLocked));
            }
            s
        }
        _ => current.slug.clone(),
    };
    let plan = patch.plan.unwrap_or(current.plan);
    let modules = match (patch.modules, patch.plan) {
        (Some(m), _) => m,
        // A plan change without an explicit module list takes the new plan's defaults.
        (None, Some(p)) if p != current.plan => manifest.defaults_for(p),
        (None, _) => current.modules.clone(),
    };
    let fields = ValidFields {
        name: patch
            .name
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| current.name.clone()),
        slug,
        admin_email: patch
            .admin_email
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| current.admin_email.clone()),
        contact_name: keep_or(patch.contact_name, &current.contact_name),
        plan,
        modules: manifest.normalize(modules),
        status: patch.status.unwrap_or(current.status),
        notes: patch
            .notes
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| current.notes.clone()),
        instance,
    };
    check_common(&fields, &mut errors);
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn outside_text_loses_its_control_characters_and_nothing_else() {
        let said = without_controls("Evil\u{1b}[2J\u{7}Co\u{202e}fdp.exe\u{9b}\r\n\t Åsa");
        assert_eq!(said, "Evil[2JCofdp.exe Åsa");
        assert!(matches!(
            without_controls("Åsa's Bageri & Café AB"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn domains_are_host_names_of_the_customer() {
        use super::validate_domain;
        assert_eq!(
            validate_domain(" Kund.Byran.SE. ").unwrap(),
            "kund.byran.se"
        );
        assert_eq!(
            validate_domain("xn--bjrn-ira.se").unwrap(),
            "xn--bjrn-ira.se"
        );
        for bad in [
            "",
            "se",
            "kund",
            "-kund.se",
            "kund-.se",
            "ku nd.se",
            "kund..se",
            "https://kund.se",
            "kund.se/x",
            "1.2.3.4",
            "kund.vercel.app",
            "kund_1.se",
            "björn.se",
        ] {
            let e = validate_domain(bad).expect_err(bad);
            assert_eq!(e.code, crate::messages::ErrorCode::DomainInvalid, "{bad}");
        }
        assert!(validate_domain(&format!("{}.se", "a".repeat(64))).is_err());
    }

    use super::*;
    use proptest::prelude::*;

    fn draft(name: &str, email: &str) -> CustomerDraft {
        CustomerDraft {
            name: name.into(),
            admin_email: email.into(),
            ..Default::default()
        }
    }

    fn codes(r: Result<ValidFields, Vec<FieldError>>) -> Vec<(String, String)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code.as_str().to_string()))
            .collect()
    }

    #[test]
    fn a_good_draft_is_normalised() {
        let m = ModuleManifest::bundled();
        let f = validate_draft(draft("  Åsa's Bageri & Café AB ", "asa@bageri.se"), &m).unwrap();
        assert_eq!(f.slug, "asas-bageri-cafe-ab");
        assert_eq!(f.name, "Åsa's Bageri & Café AB");
        assert_eq!(f.plan, Plan::Starter);
        assert_eq!(f.modules, vec![Module::Crm]);
        assert_eq!(f.status, Status::Pending);
    }

    #[test]
    fn plan_defaults_modules_from_the_manifest() {
        let m = ModuleManifest::bundled();
        let mut d = draft("Stor Kund AB", "it@storkund.se");
        d.plan = Some(Plan::Enterprise);
        assert_eq!(validate_draft(d, &m).unwrap().modules, Module::ALL.to_vec());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let m = ModuleManifest::bundled();
        let got = codes(validate_draft(draft("", "nope"), &m));
        assert_eq!(
            got,
            vec![
                ("name".into(), "required".into()),
                ("admin_email".into(), "email_invalid".into())
            ]
        );
    }

    #[test]
    fn explicit_slug_is_checked_not_derived() {
        let m = ModuleManifest::bundled();
        let mut d = draft("Kund", "a@b.se");
        d.slug = Some("api".into());
        assert_eq!(
            codes(validate_draft(d, &m)),
            vec![("slug".into(), "slug_reserved".into())]
        );
        let mut d = draft("Kund AB", "a@b.se");
        d.slug = Some("kund--ab".into());
        assert_eq!(
            codes(validate_draft(d, &m)),
            vec![("slug".into(), "slug_double_hyphen".into())]
        );
    }

    #[test]
    fn emails() {
        for ok in [
            "anna@foretag.se",
            "first.last+tag@sub.example.com",
            "x@a.io",
        ] {
            assert!(validate_email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "anna",
            "anna@",
            "@foretag.se",
            "anna@foretag",
            "anna@.se",
            "a b@c.se",
            "anna@foretag.se.",
            "anna@-x.se",
        ] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_must_be_https() {
        assert!(validate_https_url("production_url", "https://kund.example.se").is_ok());
        assert_eq!(
            validate_https_url("production_url", "http://kund.se")
                .unwrap_err()
                .code
                .as_str(),
            "url_not_https"
        );
        assert_eq!(
            validate_https_url("production_url", "javascript:alert(1)")
                .unwrap_err()
                .code
                .as_str(),
            "url_not_https"
        );
        assert_eq!(
            validate_https_url("production_url", "kund.se")
                .unwrap_err()
                .code
                .as_str(),
            "url_invalid"
        );
    }

    proptest! {
        #[test]
        fn any_draft_validates_or_returns_field_errors(name in "\\PC{0,80}", email in "\\PC{0,40}", slug in proptest::option::of("\\PC{0,50}")) {
            let m = ModuleManifest::bundled();
            let d = CustomerDraft { name, admin_email: email, slug, ..Default::default() };
            match validate_draft(d, &m) {
                Ok(f) => prop_assert!(validate_slug(&f.slug).is_ok()),
                Err(errs) => prop_assert!(!errs.is_empty()),
            }
        }
    }
}
