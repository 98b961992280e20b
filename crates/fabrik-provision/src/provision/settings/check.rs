//! One value checked before it is stored (`fabrik settings set`, the settings screen): the
//! shape each key must have, said in both languages.

use super::env_names::check_env_name;
use crate::error::{invalid_setting as invalid, Result};
use crate::messages::Text;

/// The most emails an hour `team.emails_per_hour` may ask of an instance.
pub const MAX_EMAILS_PER_HOUR: u32 = 10_000;

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
        | "export.keep_days"
            if !value.is_empty() && value.trim().parse::<u32>().is_err() =>
        {
            bad(crate::messages::Say::SettingGiveWholeNumber.text())
        }
        "usage.collect_days" if !value.is_empty() && value.parse::<u32>().is_err() => {
            bad(crate::messages::Say::SettingGiveWholeNumber.text())
        }
        "usage.stripe_subscriptions"
            if crate::billing::link::parse_links(value).len()
                != value
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|p| !p.is_empty())
                    .count() =>
        {
            bad(crate::messages::Say::SettingGiveSubscriptions.text())
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
        "supabase.oauth_client_id"
            if !value.is_empty() && uuid::Uuid::try_parse(value).is_err() =>
        {
            bad(crate::messages::Say::SettingGiveOauthClientId.text())
        }
        "supabase.oauth_redirect_uri"
            if !value.is_empty() && !crate::providers::endpoints::secure_or_local(value) =>
        {
            bad(crate::messages::Say::SettingMustStartHttpsHttpOnly.text())
        }
        "vercel.team_id" if !value.is_empty() && !value.starts_with("team_") => {
            bad(crate::messages::Say::SettingTeamIdStartsTeam.text())
        }
        _ => Ok(()),
    }
}
