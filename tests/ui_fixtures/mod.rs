//! Generates `ui/tests/fixtures/core-rules.json`: the customer rules as the core applies them, for
//! the UI tests' fake backend (ui/tests/lib/mock-rules.js). The fake reads its manifest, reserved
//! slugs, limits, messages and slug folding from the file, and `ui/tests/rules.test.mjs` holds it
//! to every sample answer recorded here, so it cannot drift from the core. `cargo test` fails
//! when the committed file is stale; `UPDATE_UI_FIXTURES=1 cargo test -p fabrik --test all
//! ui_fixtures::` rewrites it. The samples it records are in `samples.rs`. It uses only the
//! core's public API, as the UI does.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use fabrik::customer::{
    derive_slug, validate_draft, validate_email, validate_https_url, validate_patch, validate_slug,
    Customer, CustomerDraft, CustomerPatch, FieldError, Instance, InstanceLinks, Module,
    ModuleManifest, Plan, SlugError, Status, ValidFields, EMAIL_MAX, NAME_MAX, NOTES_MAX,
    RESERVED_SLUGS, SLUG_MAX, SLUG_MIN,
};
use fabrik::messages::{ErrorCode, Params};
use fabrik::services::register::{DraftCheck, Register};
use fabrik::store::Store;
use samples::{drafts, names, patches, slugs};

mod samples;

const PATH: &str = "ui/tests/fixtures/core-rules.json";

#[derive(Serialize)]
struct CoreRules {
    about: &'static str,
    limits: Limits,
    reserved_slugs: &'static [&'static str],
    plans: &'static [Plan],
    statuses: &'static [Status],
    modules: &'static [Module],
    manifest: ModuleManifest,
    /// Every code's Swedish and English templates (`messages::ErrorCode::template`).
    catalog: BTreeMap<ErrorCode, Template>,
    /// Each field problem's rule, text and parameters, keyed `field.text` (`url.…` for
    /// every URL field).
    field_errors: BTreeMap<String, Shape>,
    /// What each character contributes to a derived slug: letters and digits as they are
    /// kept, `-` for a separator, nothing for a character that is dropped.
    slug_fold: BTreeMap<String, String>,
    samples: Samples,
    /// The setup guide as a new seat sees it in production, its n8n at `N8N_API`
    /// (views/Setup.tsx; the fake answers `setup_guide` with it).
    setup_guide: fabrik::setup::guide::SetupGuide,
}

const N8N_API: &str = "https://n8n.byran.se/api/v1";

#[derive(Serialize)]
struct Limits {
    slug_min: usize,
    slug_max: usize,
    name_max: usize,
    notes_max: usize,
    email_max: usize,
    /// The longest local part (before the `@`) and domain label `validate_email` accepts.
    email_local_max: usize,
    email_label_max: usize,
}

#[derive(Serialize)]
struct Samples {
    derive_slug: Vec<DeriveSample>,
    validate_slug: Vec<SlugSample>,
    /// `check` is `check_draft`'s answer while `taken_slugs` are in use.
    taken_slugs: Vec<String>,
    validate_draft: Vec<DraftSample>,
    validate_patch: Vec<PatchSample>,
}

#[derive(Serialize)]
struct DeriveSample {
    name: String,
    slug: Option<String>,
    error: Option<ErrorCode>,
}

#[derive(Serialize)]
struct SlugSample {
    slug: String,
    error: Option<ErrorCode>,
}

#[derive(Serialize)]
struct DraftSample {
    draft: BTreeMap<String, Value>,
    expect: Outcome,
    check: DraftCheck,
}

#[derive(Serialize)]
struct PatchSample {
    current: Current,
    patch: BTreeMap<String, Value>,
    expect: Outcome,
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Outcome {
    Fields(Box<Fields>),
    Errors(Vec<FieldError>),
}

/// `ValidFields` as JSON.
#[derive(Serialize)]
struct Fields {
    name: String,
    slug: String,
    admin_email: String,
    contact_name: Option<String>,
    plan: Plan,
    modules: Vec<Module>,
    status: Status,
    notes: String,
    instance: Instance,
}

/// The stored customer a patch applies to: the fields validation reads.
#[derive(Serialize)]
struct Current {
    slug: String,
    name: String,
    admin_email: String,
    contact_name: Option<String>,
    plan: Plan,
    modules: Vec<Module>,
    status: Status,
    notes: String,
    instance: Instance,
}

fn outcome(r: Result<ValidFields, Vec<FieldError>>) -> Outcome {
    match r {
        Ok(f) => Outcome::Fields(Box::new(Fields {
            name: f.name,
            slug: f.slug,
            admin_email: f.admin_email,
            contact_name: f.contact_name,
            plan: f.plan,
            modules: f.modules,
            status: f.status,
            notes: f.notes,
            instance: f.instance,
        })),
        Err(e) => Outcome::Errors(e),
    }
}

/// A draft or patch as the window would send it: the fields that are set, in key order.
fn set_fields<T: Serialize>(v: &T) -> BTreeMap<String, Value> {
    match serde_json::to_value(v).expect("serialise") {
        Value::Object(m) => m.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        other => panic!("not an object: {other}"),
    }
}

const SLUG_ERRORS: [SlugError; 6] = [
    SlugError::TooShort,
    SlugError::TooLong,
    SlugError::InvalidCharacter,
    SlugError::EdgeHyphen,
    SlugError::DoubleHyphen,
    SlugError::Reserved,
];

/// Fails to compile when a rule is added, so `SLUG_ERRORS` (and the file) learn it.
#[allow(dead_code)]
fn every_slug_error_is_listed(e: SlugError) {
    match e {
        SlugError::TooShort
        | SlugError::TooLong
        | SlugError::InvalidCharacter
        | SlugError::EdgeHyphen
        | SlugError::DoubleHyphen
        | SlugError::Reserved => {}
    }
}

fn draft(name: &str, email: &str) -> CustomerDraft {
    CustomerDraft {
        name: name.into(),
        admin_email: email.into(),
        ..Default::default()
    }
}

fn customer(slug: &str, status: Status, instance: Instance) -> Customer {
    let at = chrono::DateTime::from_timestamp(0, 0).expect("epoch");
    // An active instance was built with what the customer says.
    let applied = (status == Status::Active).then(|| fabrik::customer::Applied {
        plan: Plan::Starter,
        modules: vec![Module::Crm],
    });
    // What the fixtures' instances show was made by Fabrik's runs (none is typed by hand).
    let made_by_fabrik = !instance.is_empty();
    Customer {
        made_by_fabrik,
        modules_outdated: Customer::outdated(
            status,
            Plan::Starter,
            &[Module::Crm],
            applied.as_ref(),
        ),
        applied,
        id: 1,
        slug: slug.into(),
        name: "Kund AB".into(),
        admin_email: "kund@kund.se".into(),
        contact_name: Some("Per Ek".into()),
        plan: Plan::Starter,
        modules: vec![Module::Crm],
        status,
        notes: "Anteckning".into(),
        is_example: false,
        instance,
        links: InstanceLinks::default(),
        created_at: at,
        updated_at: at,
        version: 1,
        uid: "00000000-0000-4000-8000-000000000000".into(),
        cancelled_at: None,
        environment: fabrik::environment::Environment::Sandbox,
    }
}

fn live_instance() -> Instance {
    Instance {
        production_url: Some("https://kund-ab.vercel.app".into()),
        github_repo_url: Some("https://github.com/byran/kund-ab".into()),
        supabase_project_ref: Some("abcdefghijklmnopqrst".into()),
        vercel_project_id: Some("prj_kundab".into()),
        n8n_workflow_id: Some("wf-1".into()),
    }
}

/// The largest n for which `validate_email` accepts `address(n)` (and refuses n + 1).
fn longest_accepted(address: impl Fn(usize) -> String) -> usize {
    let n = (1..=EMAIL_MAX)
        .take_while(|&n| validate_email(&address(n)).is_ok())
        .last()
        .expect("a one-character part is accepted");
    assert!(validate_email(&address(n + 1)).is_err());
    n
}

fn errors_of(r: Result<ValidFields, Vec<FieldError>>) -> Vec<FieldError> {
    r.expect_err("the probe is refused")
}

/// A field problem as the fake builds it: which rule (`code`), which text (`text`) and the
/// parameters the core gives it; the message is rendered from `catalog[text]`.
#[derive(Serialize)]
struct Shape {
    code: ErrorCode,
    text: ErrorCode,
    params: Params,
}

fn shape(e: FieldError) -> Shape {
    Shape {
        code: e.code,
        text: e.text,
        params: e.params,
    }
}

/// Every code's templates, as the core renders them.
fn catalog() -> BTreeMap<ErrorCode, Template> {
    ErrorCode::ALL
        .iter()
        .map(|&c| {
            let t = c.template();
            (c, Template { sv: t.sv, en: t.en })
        })
        .collect()
}

#[derive(Serialize)]
struct Template {
    sv: &'static str,
    en: &'static str,
}

/// Finds the one error with `field` and `text` and records it as `field.text`.
fn probe(out: &mut BTreeMap<String, Shape>, errors: Vec<FieldError>, field: &str, text: ErrorCode) {
    let e = errors
        .into_iter()
        .find(|e| e.field == field && e.text == text)
        .unwrap_or_else(|| panic!("no {field} error worded {text}"));
    assert_eq!(
        e.message,
        text.sv(&e.params),
        "{field}.{text}: the message is its template"
    );
    out.insert(format!("{field}.{text}"), shape(e));
}

/// The shape of every field problem, read off the validators' answers to inputs that break
/// each rule once.
fn field_errors(api: &Register, taken: &str) -> BTreeMap<String, Shape> {
    use ErrorCode as C;
    let m = ModuleManifest::bundled();
    let mut out = BTreeMap::new();
    for e in SLUG_ERRORS {
        probe(&mut out, vec![e.field_error()], "slug", e.code());
    }
    // A name that gives no slug (the parameters say which rule; the fake fills them in).
    probe(
        &mut out,
        errors_of(validate_draft(draft("AB", "a@b.se"), &m)),
        "slug",
        C::SlugNotDerivable,
    );
    // A slug another customer has (the fake fills in the slug).
    let mut d = draft("Annan AB", "a@b.se");
    d.slug = Some(taken.into());
    probe(
        &mut out,
        api.check_draft(d).expect("check").errors,
        "slug",
        C::SlugTaken,
    );

    let d = |name: &str, f: &dyn Fn(&mut CustomerDraft)| {
        let mut d = draft(name, "a@b.se");
        f(&mut d);
        errors_of(validate_draft(d, &m))
    };
    let (long, notes) = ("k".repeat(NAME_MAX + 1), "n".repeat(NOTES_MAX + 1));
    let email = |v: &str| vec![validate_email(v).expect_err("refused")];
    let probes = [
        (d("", &|_| {}), "name", C::Required),
        (d(&"n".repeat(NAME_MAX + 1), &|_| {}), "name", C::TooLong),
        (
            d("Kund", &|d| d.contact_name = Some(long.clone())),
            "contact_name",
            C::TooLong,
        ),
        (
            d("Kund", &|d| d.notes = Some(notes.clone())),
            "notes",
            C::TooLong,
        ),
        (email(""), "admin_email", C::Required),
        (
            email(&"a".repeat(EMAIL_MAX + 1)),
            "admin_email",
            C::EmailTooLong,
        ),
        (email("anna"), "admin_email", C::EmailNoAt),
        (email("anna@"), "admin_email", C::EmailInvalid),
    ];
    for (errors, field, code) in probes {
        probe(&mut out, errors, field, code);
    }

    // The URL rules are the same for every URL field.
    let url = |v: &str| vec![validate_https_url("url", v).expect_err("refused")];
    probe(&mut out, url("kund"), "url", C::UrlInvalid);
    probe(&mut out, url("http://kund.se"), "url", C::UrlNotHttps);

    let live = customer("kund-ab", Status::Active, live_instance());
    let patch = CustomerPatch {
        slug: Some("ny-kund".into()),
        supabase_project_ref: Some("x".into()),
        vercel_project_id: Some("x".into()),
        n8n_workflow_id: Some("x y".into()),
        ..Default::default()
    };
    let errors = errors_of(validate_patch(&live, patch, &m));
    for (field, text) in [
        ("slug", C::SlugLocked),
        ("supabase_project_ref", C::SupabaseRefInvalid),
        ("vercel_project_id", C::VercelIdInvalid),
        ("n8n_workflow_id", C::N8nIdInvalid),
    ] {
        probe(&mut out, errors.clone(), field, text);
    }
    out
}

/// Every character's part in a derived slug, read off `derive_slug` itself: what it makes of
/// the character between two fixed words.
fn slug_fold(extra: impl Iterator<Item = char>) -> BTreeMap<String, String> {
    let ranges = [
        0x20..=0x7e,     // ASCII
        0xa0..=0x24f,    // Latin-1 Supplement, Latin Extended-A and -B
        0x300..=0x36f,   // Combining Diacritical Marks (names typed in NFD)
        0x370..=0x4ff,   // Greek, Cyrillic
        0x1e00..=0x1eff, // Latin Extended Additional
        0x2000..=0x206f, // General Punctuation (typographic apostrophes, dashes, spaces)
        0x20a0..=0x20cf, // Currency Symbols
        0x2100..=0x214f, // Letterlike Symbols
    ];
    let mut out = BTreeMap::new();
    for c in ranges
        .into_iter()
        .flatten()
        .filter_map(char::from_u32)
        .chain(extra)
    {
        let part = |before: &str, after: &str| {
            derive_slug(&format!("{before}{c}{after}"))
                .ok()
                .and_then(|s| Some(s.strip_prefix(before)?.strip_suffix(after)?.to_string()))
        };
        match (part("aa", "zz"), part("bbb", "yyy")) {
            (Some(a), Some(b)) if a == b => {
                out.insert(c.to_string(), a);
            }
            _ => {}
        }
    }
    out
}

fn rules() -> CoreRules {
    let manifest = ModuleManifest::bundled();
    let taken = "upptagen-ab";
    let api = Register::new(Store::open_in_memory().expect("store"));
    let created = api
        .create_customer(draft("Upptagen AB", "a@upptagen.se"))
        .expect("create");
    assert_eq!(created.slug, taken);

    let names = names();
    let derive = names
        .iter()
        .map(|n| {
            let r = derive_slug(n);
            DeriveSample {
                name: n.clone(),
                error: r.as_ref().err().map(|e| e.code()),
                slug: r.ok(),
            }
        })
        .collect();
    let validate = slugs()
        .into_iter()
        .map(|s| SlugSample {
            error: validate_slug(&s).err().map(|e| e.code()),
            slug: s,
        })
        .collect();
    let drafts = drafts()
        .into_iter()
        .map(|d| DraftSample {
            draft: set_fields(&d),
            check: api.check_draft(d.clone()).expect("check_draft"),
            expect: outcome(validate_draft(d, &manifest)),
        })
        .collect();
    let patches = patches()
        .into_iter()
        .map(|(c, p)| PatchSample {
            patch: set_fields(&p),
            expect: outcome(validate_patch(&c, p, &manifest)),
            current: Current {
                slug: c.slug,
                name: c.name,
                admin_email: c.admin_email,
                contact_name: c.contact_name,
                plan: c.plan,
                modules: c.modules,
                status: c.status,
                notes: c.notes,
                instance: c.instance,
            },
        })
        .collect();

    CoreRules {
        about: "Generated from the core by `UPDATE_UI_FIXTURES=1 cargo test -p fabrik --test all ui_fixtures::` (tests/ui_fixtures.rs). Do not edit.",
        limits: Limits {
            slug_min: SLUG_MIN,
            slug_max: SLUG_MAX,
            name_max: NAME_MAX,
            notes_max: NOTES_MAX,
            email_max: EMAIL_MAX,
            email_local_max: longest_accepted(|n| format!("{}@foretag.se", "a".repeat(n))),
            email_label_max: longest_accepted(|n| format!("anna@{}.se", "b".repeat(n))),
        },
        reserved_slugs: RESERVED_SLUGS,
        plans: Plan::ALL,
        statuses: Status::ALL,
        modules: Module::ALL,
        catalog: catalog(),
        field_errors: field_errors(&api, taken),
        slug_fold: slug_fold(names.iter().flat_map(|n| n.chars())),
        manifest,
        samples: Samples {
            derive_slug: derive,
            validate_slug: validate,
            taken_slugs: vec![taken.to_string()],
            validate_draft: drafts,
            validate_patch: patches,
        },
        setup_guide: fabrik::setup::guide::setup_guide(
            &fabrik::seat_settings::SeatSettings::in_memory(&[]),
            fabrik::environment::Environment::Production,
            N8N_API,
            "",
        ),
    }
}

#[test]
fn ui_fixtures_are_current() {
    let fresh = serde_json::to_string_pretty(&rules()).expect("serialise") + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(PATH);
    if std::env::var_os("UPDATE_UI_FIXTURES").is_some() {
        std::fs::write(&path, &fresh).expect("write the fixture");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == fresh, "{PATH} is stale: run `UPDATE_UI_FIXTURES=1 cargo test -p fabrik --test all ui_fixtures::` and commit it");
}
