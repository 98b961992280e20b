//! The non-secret settings a run needs (SQLite `settings` table), with their defaults and the
//! one check that tells the user what is missing before anything is created.

use serde_json::Value;

use crate::customer::ModuleManifest;
use crate::error::{Error, Result};
use crate::messages::Say;
use crate::seat_settings::{is_seat_key, SeatSettings};
use crate::store::Store;

mod check;
mod env_names;
mod keys;

pub use check::{check_setting, MAX_EMAILS_PER_HOUR};
pub use env_names::PUBLIC_PREFIXES;
use env_names::{check_env_name, ENV_DEFAULTS};
pub use keys::SETTING_KEYS;

pub const BUNDLED_SCHEMA: &str = include_str!("../../../../../schema/template.sql");
pub const BUNDLED_WORKFLOW: &str = include_str!("../../../../../assets/n8n-workflow.json");

pub use crate::customer::EnvNames;

#[derive(Debug, Clone)]
pub struct ProvisionSettings {
    pub template_owner: String,
    pub template_repo: String,
    pub repo_owner: String,
    pub supabase_org: String,
    pub supabase_region: String,
    /// The agency's OAuth app, through which a handover asks Supabase for the customer's claim
    /// link (`supabase.oauth_client_id`, `supabase.oauth_redirect_uri`); only a handover needs it.
    pub supabase_claim_app: Option<crate::providers::supabase::ClaimApp>,
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

/// An instance's emails an hour when `team.emails_per_hour` is empty: Supabase's own limit
/// for a project with its own SMTP is 30, too few to invite a team.
pub const DEFAULT_EMAILS_PER_HOUR: u32 = 100;

/// The backup repository when none is set: the provisioning plan's `ops-hub/client-backups`.
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
        // Stored values are checked again: they may predate a rule.
        for key in ["supabase.oauth_client_id", "supabase.oauth_redirect_uri"] {
            if let Some(v) = get(key) {
                check(check_setting(key, &v));
            }
        }
        let supabase_claim_app = match (
            get("supabase.oauth_client_id"),
            get("supabase.oauth_redirect_uri"),
        ) {
            (Some(client_id), Some(redirect_uri)) => Some(crate::providers::supabase::ClaimApp {
                client_id,
                redirect_uri,
            }),
            _ => None,
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(ProvisionSettings {
            template_owner,
            template_repo,
            repo_owner,
            supabase_org,
            supabase_region: or("supabase.region", "eu-north-1"),
            supabase_claim_app,
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

#[cfg(test)]
mod tests;
