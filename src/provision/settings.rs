//! The non-secret settings a run needs (SQLite `settings` table), with their defaults and the
//! one check that tells the user what is missing before anything is created.

use serde_json::Value;

use crate::customer::ModuleManifest;
use crate::error::{Error, Result};
use crate::messages::{Say, Text};
use crate::seat_settings::{is_seat_key, SeatSettings};
use crate::store::Store;

pub const BUNDLED_SCHEMA: &str = include_str!("../../schema/template.sql");
pub const BUNDLED_WORKFLOW: &str = include_str!("../../assets/n8n-workflow.json");

/// Every settings key the user can set, with its meaning (for `fabrik settings list` and the UI).
pub const SETTING_KEYS: &[(&str, &str, &str)] = &[
    (
        "github.template",
        "Mallrepo på GitHub, ägare/namn",
        "Template repository on GitHub, owner/name",
    ),
    (
        "github.owner",
        "Användare eller organisation som nya repon hamnar hos",
        "User or organization that new repositories go to",
    ),
    (
        "supabase.organization",
        "Supabase-organisationens slug",
        "The Supabase organization's slug",
    ),
    (
        "supabase.region",
        "Supabase-region, t.ex. eu-north-1",
        "Supabase region, e.g. eu-north-1",
    ),
    (
        "vercel.team_id",
        "Vercel-teamets id (team_…); tomt = personligt konto",
        "The Vercel team's id (team_…); empty = personal account",
    ),
    (
        "vercel.team_slug",
        "Vercel-teamets slug, för länkar",
        "The Vercel team's slug, for links",
    ),
    (
        "vercel.framework",
        "Ramverk för Vercel-projektet",
        "Framework of the Vercel project",
    ),
    (
        "email.sender_name",
        "Avsändarnamn för välkomstmejlet",
        "Sender name of the welcome email",
    ),
    (
        "email.sender_address",
        "Avsändaradress (på en verifierad domän hos Resend)",
        "Sender address (on a domain verified at Resend)",
    ),
    (
        "email.support_address",
        "Supportadress som välkomstmejlet hänvisar till (tomt = avsändaradressen)",
        "Support address the welcome email refers to (empty = the sender address)",
    ),
    (
        "alerts.email",
        "Byråns adress för larm: en instans som blir ej frisk, en körning som misslyckas (tomt = bara aviseringar på datorn)",
        "The agency's address for alerts: an instance turning unhealthy, a run failing (empty = desktop notifications only)",
    ),
    (
        "health.check_minutes",
        "Kontrollera alla instanser var N:e minut medan Fabrik är öppet (tomt = av)",
        "Check every instance every N minutes while Fabrik is open (empty = off)",
    ),
    (
        "backup.schedule_hours",
        "Säkerhetskopiera varje aktiv instans vars senaste kopia är äldre än N timmar (tomt = 24, 0 = av)",
        "Back up every active instance whose newest backup is older than N hours (empty = 24, 0 = off)",
    ),
    (
        "team.emails_per_hour",
        "Hur många e-brev en kunds instans får skicka i timmen genom byråns Resend: inbjudningar, lösenordsbyten, bekräftelser, 1–10000 (tomt = 100)",
        "How many emails a customer's instance may send an hour through the agency's Resend: invitations, password resets, confirmations, 1–10000 (empty = 100)",
    ),
    (
        "rollout.parallel",
        "Hur många instanser i en utrullningsvåg som uppdateras samtidigt, 1–64 (tomt = 8)",
        "How many instances of a roll-out wave are updated at once, 1–64 (empty = 8)",
    ),
    (
        "backup.repository",
        "Förrådet i Gitea där kundernas n8n-flöden säkerhetskopieras, ägare/namn (tomt = ops-hub/client-backups)",
        "The Gitea repository the customers' n8n workflows are backed up to, owner/name (empty = ops-hub/client-backups)",
    ),
    (
        "backup.target",
        "Var flödenas säkerhetskopior ligger: gitea (byråns server) eller github (tomt = gitea)",
        "Where the workflows' backups are kept: gitea (the agency's server) or github (empty = gitea)",
    ),
    (
        "backup.alert_hours",
        "Larma om en instans vars senaste säkerhetskopia (databas eller flöden) är äldre än N timmar (tomt = 48, 0 = av)",
        "Alert about an instance whose newest backup (database or workflows) is older than N hours (empty = 48, 0 = off)",
    ),
    (
        "backup.keep_last",
        "Gallring: behåll minst de N senaste säkerhetskopiorna per kund (tomt = 10)",
        "Retention: keep at least the newest N backups per customer (empty = 10)",
    ),
    (
        "backup.keep_days",
        "Gallring: behåll alla säkerhetskopior yngre än N dagar (tomt = 30)",
        "Retention: keep every backup younger than N days (empty = 30)",
    ),
    (
        "domains.agency",
        "Byråns domän för kundernas underdomäner, t.ex. byran.se: \"Lägg till\" ger kund.byran.se med ett klick (tomt = av)",
        "The agency's domain for customers' subdomains, e.g. agency.com: \"Add\" gives customer.agency.com in one click (empty = off)",
    ),
    (
        "schema.template_path",
        "Egen SQL-mall för kundens databas (tomt = den inbyggda)",
        "Own SQL template for the customer's database (empty = the bundled one)",
    ),
    (
        "n8n.workflow_template_path",
        "Eget n8n-flöde som JSON (tomt = det inbyggda)",
        "Own n8n workflow as JSON (empty = the bundled one)",
    ),
    (
        "modules.manifest_path",
        "Eget modulmanifest som JSON (tomt = det inbyggda)",
        "Own module manifest as JSON (empty = the bundled one)",
    ),
    (
        "env.supabase_url",
        "Namnet på miljövariabeln för Supabase-URL:en",
        "Name of the environment variable for the Supabase URL",
    ),
    (
        "env.supabase_anon_key",
        "Namnet på miljövariabeln för anon-nyckeln",
        "Name of the environment variable for the anon key",
    ),
    (
        "env.supabase_service_role_key",
        "Namnet på miljövariabeln för service role-nyckeln",
        "Name of the environment variable for the service role key",
    ),
    (
        "env.customer_slug",
        "Namnet på miljövariabeln för kundens adressnamn",
        "Name of the environment variable for the customer's address name",
    ),
    (
        "env.modules",
        "Namnet på miljövariabeln för kundens moduler",
        "Name of the environment variable for the customer's modules",
    ),
    (
        "supabase.api_url",
        "Supabase Management API (avancerat)",
        "Supabase Management API (advanced)",
    ),
    (
        "supabase.project_url_template",
        "Adress till ett projekts API, med {ref} (avancerat)",
        "Address of a project's API, with {ref} (advanced)",
    ),
    (
        "site.url_template",
        "Var en kunds webbplats hämtas som en besökare, med {host} (avancerat; tomt = https://{host})",
        "Where a customer's site is fetched as a visitor, with {host} (advanced; empty = https://{host})",
    ),
    (
        "github.api_url",
        "GitHub API (avancerat)",
        "GitHub API (advanced)",
    ),
    (
        "vercel.api_url",
        "Vercel API (avancerat)",
        "Vercel API (advanced)",
    ),
    (
        "n8n.api_url",
        "n8n-instansens API, t.ex. https://n8n.byran.se/api/v1",
        "The n8n instance's API, e.g. https://n8n.agency.com/api/v1",
    ),
    (
        "resend.api_url",
        "Resend API (avancerat)",
        "Resend API (advanced)",
    ),
    (
        "gitea.api_url",
        "Byråns Gitea-API för säkerhetskopior av flöden, t.ex. https://git.byran.se/api/v1",
        "The agency's Gitea API for workflow backups, e.g. https://git.agency.com/api/v1",
    ),
    (
        "stripe.api_url",
        "Stripe API (avancerat)",
        "Stripe API (advanced)",
    ),
    (
        "portal.database_url",
        "Portalens databas, som Inkorgen läser förfrågningar ur och skriver tillbaka till: postgres://fabrik_intake@host:5432/postgres (lösenordet i nyckelringen)",
        "The portal's database, which the inbox reads requests from and writes back to: postgres://fabrik_intake@host:5432/postgres (the password in the keyring)",
    ),
];

pub use crate::customer::EnvNames;

#[derive(Debug, Clone)]
pub struct ProvisionSettings {
    pub template_owner: String,
    pub template_repo: String,
    pub repo_owner: String,
    pub supabase_org: String,
    pub supabase_region: String,
    pub vercel_team_id: Option<String>,
    pub vercel_framework: String,
    pub sender: String,
    /// What an instance's Auth may send an hour through the agency's Resend
    /// (`team.emails_per_hour`).
    pub emails_per_hour: u32,
    /// The agency's name as the welcome email signs it (the sender name).
    pub agency: String,
    /// Where the customer's admin writes with questions.
    pub support_address: String,
    /// The template's schema: the baseline when it is one file, all files joined when a folder.
    pub schema_sql: String,
    /// The template's migration files, when `schema.template_path` is a folder of them.
    pub migrations: Option<Vec<crate::database::migration::Migration>>,
    pub expected_tables: Vec<String>,
    pub workflow_template: Value,
    pub manifest: ModuleManifest,
    pub env: EnvNames,
    /// Where workflow backups go (`backup.repository`, this seat's own).
    pub backup_repository: String,
    /// Which server holds it (`backup.target`: the agency's Gitea, or GitHub).
    pub backup_target: crate::workflows::TargetKind,
}

/// The backup repository when none is set: the provisioning plan's `ops-hub/client-backups`.
/// An instance's emails an hour when `team.emails_per_hour` is empty: Supabase's own limit
/// for a project with its own SMTP is 30, too few to invite a team.
pub const DEFAULT_EMAILS_PER_HOUR: u32 = 100;
pub const MAX_EMAILS_PER_HOUR: u32 = 10_000;

pub const DEFAULT_BACKUP_REPOSITORY: &str = "ops-hub/client-backups";

fn read_file(key: &str, path: &str) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        invalid(
            key,
            crate::messages::Say::SettingFileCannotRead
                .with(crate::messages::params! { "path" => path, "e" => e }),
        )
    })
}

const BAD_SENDER: (&str, Say) = ("email.sender_address", Say::SettingNotValidEmailAddress);
const BAD_SUPPORT: (&str, Say) = ("email.support_address", Say::SettingNotValidEmailAddress);
const NO_TABLES: (&str, Say) = ("schema.template_path", Say::SettingTemplateCreatesNoTables);

/// `Ok` when `holds`, otherwise the setting `key` is invalid for the reason given (sv, en).
fn ensure(holds: bool, (key, why): (&str, Say)) -> Result<()> {
    if holds {
        Ok(())
    } else {
        Err(invalid(key, why.text()))
    }
}

/// A setting that is missing or wrong, and why, in both languages.
pub use crate::error::invalid_setting as invalid;

impl ProvisionSettings {
    /// Reads and checks the settings; every missing or invalid one is named at once.
    pub fn load(store: &Store) -> Result<ProvisionSettings> {
        Self::load_with(store, &SeatSettings::default(), &[])
    }

    /// As `load`, with `overrides` taking precedence (the sandbox's fixed world).
    pub fn load_with(
        store: &Store,
        seat: &SeatSettings,
        overrides: &[(&str, String)],
    ) -> Result<ProvisionSettings> {
        Self::check_with(store, seat, overrides).map_err(|mut all| all.remove(0))
    }

    /// Reads and checks every setting, and on failure names every missing or invalid one
    /// (never empty), so the preflight can list them all at once. The seat's own settings
    /// (`seat_settings::SEAT_KEYS`: endpoints, URL templates, file paths) come from `seat`
    /// only, never from the register, which another seat may write.
    pub fn check_with(
        store: &Store,
        seat: &SeatSettings,
        overrides: &[(&str, String)],
    ) -> std::result::Result<ProvisionSettings, Vec<Error>> {
        let get = |k: &str| {
            overrides
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.clone())
                .or_else(|| match is_seat_key(k) {
                    true => seat.get(k),
                    false => store.get_setting(k).ok().flatten(),
                })
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut problems: Vec<Error> = Vec::new();
        let mut missing = Vec::new();
        let mut need = |k: &str| {
            get(k).unwrap_or_else(|| {
                missing.push(k.to_string());
                String::new()
            })
        };
        let template = need("github.template");
        let repo_owner = need("github.owner");
        let supabase_org = need("supabase.organization");
        let sender_address = need("email.sender_address");
        if !missing.is_empty() {
            problems.push(invalid(
                &missing.join(", "),
                crate::messages::Say::SettingMustSetBeforeCustomerCan.text(),
            ));
        }
        let mut check = |r: Result<()>| {
            if let Err(e) = r {
                problems.push(e);
            }
        };
        let (template_owner, template_repo) = match template.split_once('/') {
            Some((o, r)) if !o.is_empty() && !r.is_empty() => (o.to_string(), r.to_string()),
            _ => {
                if !template.is_empty() {
                    check(Err(invalid(
                        "github.template",
                        crate::messages::Say::SettingWriteOwnerRepo.text(),
                    )));
                }
                (String::new(), String::new())
            }
        };
        if !sender_address.is_empty() {
            check(ensure(
                crate::customer::validate_email(&sender_address).is_ok(),
                BAD_SENDER,
            ));
        }
        let support_address =
            get("email.support_address").unwrap_or_else(|| sender_address.clone());
        if !support_address.is_empty() {
            check(ensure(
                crate::customer::validate_email(&support_address).is_ok(),
                BAD_SUPPORT,
            ));
        }
        // A folder is the template's migration files (the Supabase CLI's layout); a file is one
        // schema, applied as the baseline migration.
        let mut migrations = None;
        let schema_sql = match get("schema.template_path") {
            Some(p) if std::path::Path::new(&p).is_dir() => {
                match crate::database::migration::from_dir(std::path::Path::new(&p)) {
                    Ok(files) => {
                        let all: Vec<&str> = files.iter().map(|m| m.sql.as_str()).collect();
                        let sql = all.join("\n");
                        migrations = Some(files);
                        sql
                    }
                    Err(e) => {
                        check(Err(invalid("schema.template_path", e.text())));
                        String::new()
                    }
                }
            }
            Some(p) => read_file("schema.template_path", &p).unwrap_or_else(|e| {
                check(Err(e));
                String::new()
            }),
            None => BUNDLED_SCHEMA.to_string(),
        };
        let expected_tables = super::schema::declared_tables(&schema_sql);
        if !schema_sql.is_empty() {
            check(ensure(!expected_tables.is_empty(), NO_TABLES));
        }
        let workflow_text = match get("n8n.workflow_template_path") {
            Some(p) => read_file("n8n.workflow_template_path", &p),
            None => Ok(BUNDLED_WORKFLOW.to_string()),
        };
        let workflow_template: Value = workflow_text
            .and_then(|text| {
                serde_json::from_str(&text).map_err(|e| {
                    invalid(
                        "n8n.workflow_template_path",
                        crate::messages::Say::SettingNotValidJSON
                            .with(crate::messages::params! { "e" => e }),
                    )
                })
            })
            .unwrap_or_else(|e| {
                check(Err(e));
                Value::Null
            });
        let manifest = match get("modules.manifest_path") {
            Some(p) => read_file("modules.manifest_path", &p)
                .and_then(|text| {
                    ModuleManifest::parse(&text).map_err(|reason| {
                        invalid(
                            "modules.manifest_path",
                            Say::SettingNotValidModuleManifest
                                .with(crate::messages::params! { "reason" => reason }),
                        )
                    })
                })
                .unwrap_or_else(|e| {
                    check(Err(e));
                    ModuleManifest::bundled()
                }),
            None => ModuleManifest::bundled(),
        };
        let sender_name = get("email.sender_name").unwrap_or_else(|| "Fabrik".into());
        let or = |k: &str, d: &str| get(k).unwrap_or_else(|| d.to_string());
        // Stored values are checked again: they may predate a rule.
        for (key, default) in ENV_DEFAULTS {
            check(check_env_name(key, &or(key, default)));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(ProvisionSettings {
            template_owner,
            template_repo,
            repo_owner,
            supabase_org,
            supabase_region: or("supabase.region", "eu-north-1"),
            vercel_team_id: get("vercel.team_id"),
            backup_repository: or("backup.repository", DEFAULT_BACKUP_REPOSITORY),
            backup_target: crate::workflows::TargetKind::parse(&or("backup.target", "gitea"))
                .unwrap_or(crate::workflows::TargetKind::Gitea),
            vercel_framework: or("vercel.framework", "nextjs"),
            emails_per_hour: get("team.emails_per_hour")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(DEFAULT_EMAILS_PER_HOUR),
            sender: format!("{sender_name} <{sender_address}>"),
            agency: sender_name,
            support_address,
            schema_sql,
            migrations,
            expected_tables,
            workflow_template,
            manifest,
            env: EnvNames {
                supabase_url: or(ENV_DEFAULTS[0].0, ENV_DEFAULTS[0].1),
                anon_key: or(ENV_DEFAULTS[1].0, ENV_DEFAULTS[1].1),
                service_role_key: or(ENV_DEFAULTS[2].0, ENV_DEFAULTS[2].1),
                slug: or(ENV_DEFAULTS[3].0, ENV_DEFAULTS[3].1),
                modules: or(ENV_DEFAULTS[4].0, ENV_DEFAULTS[4].1),
            },
        })
    }

    /// The sender's bare address (`Byrån <valkommen@agency.se>` → `valkommen@agency.se`).
    pub fn sender_address(&self) -> &str {
        self.sender
            .rsplit_once('<')
            .map(|(_, a)| a.trim_end_matches('>'))
            .unwrap_or(&self.sender)
    }

    /// The sending domain of the sender address (`valkommen@agency.se` → `agency.se`).
    pub fn sender_domain(&self) -> &str {
        let addr = self
            .sender
            .rsplit_once('<')
            .map(|(_, a)| a.trim_end_matches('>'))
            .unwrap_or(&self.sender);
        addr.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

/// The env-name settings and their defaults (the names the customer's app reads).
const ENV_DEFAULTS: [(&str, &str); 5] = [
    ("env.supabase_url", "NEXT_PUBLIC_SUPABASE_URL"),
    ("env.supabase_anon_key", "NEXT_PUBLIC_SUPABASE_ANON_KEY"),
    ("env.supabase_service_role_key", "SUPABASE_SERVICE_ROLE_KEY"),
    ("env.customer_slug", "FABRIK_CUSTOMER_SLUG"),
    ("env.modules", "FABRIK_MODULES"),
];

/// Prefixes that frameworks inline into the code they send to every visitor's browser.
pub const PUBLIC_PREFIXES: &[&str] = &[
    "NEXT_PUBLIC_",
    "VITE_",
    "PUBLIC_",
    "NUXT_PUBLIC_",
    "REACT_APP_",
    "GATSBY_",
    "EXPO_PUBLIC_",
];

/// The env settings whose variable holds a secret: never a public name.
const SECRET_ENV_KEYS: &[&str] = &["env.supabase_service_role_key"];

/// An environment variable's name (`[A-Za-z_][A-Za-z0-9_]*`), and never a public one for a
/// secret: a service role key named `NEXT_PUBLIC_…` would be shipped to every browser.
fn check_env_name(key: &str, name: &str) -> Result<()> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 256;
    if !valid {
        return Err(invalid(
            key,
            crate::messages::Say::SettingVariableNameZ09.text(),
        ));
    }
    let upper = name.to_ascii_uppercase();
    if SECRET_ENV_KEYS.contains(&key) && PUBLIC_PREFIXES.iter().any(|p| upper.starts_with(p)) {
        return Err(invalid(
            key,
            crate::messages::Say::SettingPublicSentVisitorsBrowsersSecret
                .with(crate::messages::params! { "name" => name }),
        ));
    }
    Ok(())
}

/// Checks one value before it is stored (`fabrik settings set`, the settings screen).
pub fn check_setting(key: &str, value: &str) -> Result<()> {
    let value = value.trim();
    let bad = |why: Text| Err(invalid(key, why));
    match key {
        "github.template" | "backup.repository"
            if !value
                .split_once('/')
                .is_some_and(|(o, r)| !o.is_empty() && !r.is_empty() && !r.contains('/')) =>
        {
            bad(crate::messages::Say::SettingWriteOwnerRepo.text())
        }
        "email.sender_address" | "email.support_address"
            if crate::customer::validate_email(value).is_err() =>
        {
            bad(crate::messages::Say::SettingNotValidEmailAddress.text())
        }
        "domains.agency"
            if !value.is_empty() && crate::customer::validate_domain(value).is_err() =>
        {
            bad(crate::messages::Say::SettingWriteJustDomainNameE.text())
        }
        "portal.database_url" if !value.is_empty() => {
            match crate::store::db::PgConfig::parse(value) {
                Err(e) => bad(crate::messages::Say::PortalAddressCannotRead
                    .with(crate::messages::params! { "e" => e })),
                // A password in a setting would be in a file on disk: it belongs in the keyring.
                Ok(c) if c.has_password() => {
                    bad(crate::messages::Say::SettingPortalPasswordInUrl.text())
                }
                Ok(_) => Ok(()),
            }
        }
        "alerts.email" if !value.is_empty() && crate::customer::validate_email(value).is_err() => {
            bad(crate::messages::Say::SettingNotValidEmailAddress.text())
        }
        k if (k.ends_with("api_url") || k.ends_with("url_template"))
            && !value.is_empty()
            && !crate::providers::endpoints::secure_or_local(
                &crate::providers::endpoints::filled(value),
            ) =>
        {
            bad(crate::messages::Say::SettingMustStartHttpsHttpOnly.text())
        }
        k if k.starts_with("env.") => check_env_name(k, value),
        "health.check_minutes"
            if !value.is_empty()
                && !value.parse::<u32>().is_ok_and(|m| (5..=1440).contains(&m)) =>
        {
            bad(crate::messages::Say::SettingGiveMinutes51440Empty.text())
        }
        "team.emails_per_hour"
            if !value.is_empty()
                && !value
                    .trim()
                    .parse::<u32>()
                    .is_ok_and(|n| (1..=MAX_EMAILS_PER_HOUR).contains(&n)) =>
        {
            bad(crate::messages::Say::SettingGiveEmailsPerHour.text())
        }
        "rollout.parallel"
            if !value.is_empty()
                && !value
                    .trim()
                    .parse::<u32>()
                    .is_ok_and(|n| (1..=64).contains(&n)) =>
        {
            bad(crate::messages::Say::SettingGiveParallel.text())
        }
        "backup.schedule_hours"
        | "backup.keep_days"
        | "backup.keep_last"
        | "backup.alert_hours"
            if !value.is_empty() && value.trim().parse::<u32>().is_err() =>
        {
            bad(crate::messages::Say::SettingGiveWholeNumber.text())
        }
        "backup.target"
            if !value.is_empty() && crate::workflows::TargetKind::parse(value).is_none() =>
        {
            bad(crate::messages::Say::SettingGiveBackupTarget.text())
        }
        "supabase.project_url_template" if !value.contains("{ref}") => {
            bad(crate::messages::Say::SettingMustContain2.text())
        }
        "site.url_template" if !value.is_empty() && !value.contains("{host}") => {
            bad(crate::messages::Say::SettingMustContain.text())
        }
        "vercel.team_id" if !value.is_empty() && !value.starts_with("team_") => {
            bad(crate::messages::Say::SettingTeamIdStartsTeam.text())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
