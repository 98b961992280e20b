//! Every code the core can report, and what it says in Swedish and in English. A message is a
//! code plus named parameters; the text is rendered from the template of the reader's language
//! (the CLI and logs: Swedish; the window: the user's choice, with the same templates exported
//! to `ui/src/bindings.ts`). Front ends branch on the code, never on the text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::vocabulary::vocabulary;

mod field_error;
mod say;
pub mod seat;
pub mod typescript;
pub use field_error::FieldError;
pub use say::{param_text, Say};

/// Named values a message's template refers to as `{name}`.
pub type Params = BTreeMap<String, String>;

/// Builds `Params` from `name => value` pairs (`use crate::messages::params;`). Exported from
/// the crate's root under a hidden name, and named here, so every crate uses it by this path.
#[doc(hidden)]
#[macro_export]
macro_rules! __fabrik_params {
    ($($k:literal => $v:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut p = $crate::messages::Params::new();
        $( p.insert($k.to_string(), $v.to_string()); )*
        p
    }};
}
pub use crate::__fabrik_params as params;

vocabulary!(
    /// The stable codes of every error and field problem.
    pub enum ErrorCode {
        // The register and the app.
        Validation => "validation",
        CustomerNotFound => "customer_not_found",
        CustomerBusy => "customer_busy",
        CustomerHasInstance => "customer_has_instance",
        StaleVersion => "stale_version",
        DatabaseTooNew => "database_too_new",
        DatabaseNewerWords => "database_newer_words",
        DatabaseOpen => "database_open",
        Database => "database",
        RegisterUnreachable => "register_unreachable",
        RegisterWriteLost => "register_write_lost",
        PasswordOnCommandLine => "password_on_command_line",
        InvitationMalformed => "invitation_malformed",
        InvitationSpent => "invitation_spent",
        MoveRunActive => "move_run_active",
        MissingTokens => "missing_tokens",
        PreflightFailed => "preflight_failed",
        RunBusy => "run_busy",
        Forbidden => "forbidden",
        NotProvisioned => "not_provisioned",
        NotNow => "not_now",
        RunTakenOver => "run_taken_over",
        SandboxFailed => "sandbox_failed",
        RunNotActive => "run_not_active",
        RunNotSucceeded => "run_not_succeeded",
        RunFinished => "run_finished",
        NotConfirmed => "not_confirmed",
        AdoptionNotFound => "adoption_not_found",
        AdoptionMismatch => "adoption_mismatch",
        ProviderError => "provider_error",
        InvalidToken => "invalid_token",
        NotReady => "not_ready",
        RunNotFound => "run_not_found",
        InvalidSetting => "invalid_setting",
        UnsafeLink => "unsafe_link",
        OpenFailed => "open_failed",
        Io => "io",
        Internal => "internal",
        // Importing customers from a file.
        ImportFileInvalid => "import_file_invalid",
        ImportPortal => "import_portal",
        Intake => "intake",
        ImportValueUnknown => "import_value_unknown",
        ImportStatus => "import_status",
        ImportExists => "import_exists",
        ImportDuplicate => "import_duplicate",
        // The OS keyring.
        KeyringNoSessionBus => "keyring_no_session_bus",
        KeyringNoSecretService => "keyring_no_secret_service",
        KeyringLocked => "keyring_locked",
        // The customer's team (issue #44).
        TeamAlreadyInTeam => "team_already_in_team",
        TeamOwnerRole => "team_owner_role",
        TeamRoleUnknown => "team_role_unknown",
        TeamDuplicateRow => "team_duplicate_row",
        TeamListUnreadable => "team_list_unreadable",
        TeamListEmpty => "team_list_empty",
        TeamListTooLong => "team_list_too_long",
        TeamMailNotAgency => "team_mail_not_agency",
        TeamOverHourlyLimit => "team_over_hourly_limit",
        TeamNotInTeam => "team_not_in_team",
        TeamNotFabriks => "team_not_fabriks",
        TeamAlreadyAccepted => "team_already_accepted",
        TeamResendTooSoon => "team_resend_too_soon",
        TeamRevokeConfirm => "team_revoke_confirm",
        TeamInviteFailed => "team_invite_failed",
        // Billing (issue #58).
        BillingTeardownNeverDo => "billing_teardown_never_do",
        BillingGraceNegative => "billing_grace_negative",
        // Scheduled work (issue #43).
        TickBusy => "tick_busy",
        ScheduleFailed => "schedule_failed",
        SchedulePlan => "schedule_plan",
        KeyringTimeout => "keyring_timeout",
        KeyringError => "keyring_error",
        // A provider's answer, by kind.
        ProviderUnauthorized => "provider_unauthorized",
        ProviderForbidden => "provider_forbidden",
        ProviderNotFound => "provider_not_found",
        ProviderConflict => "provider_conflict",
        ProviderRateLimited => "provider_rate_limited",
        ProviderUnavailable => "provider_unavailable",
        ProviderRejected => "provider_rejected",
        ProviderMoved => "provider_moved",
        ProviderTooLarge => "provider_too_large",
        // A step that cannot succeed by retrying.
        RepoNameTaken => "repo_name_taken",
        ResourceNotOurs => "resource_not_ours",
        NotInLedger => "not_in_ledger",
        // A rollback's delete refused by the rule of creation proof (`provision::creation`).
        ResourceDelivered => "resource_delivered",
        NotMadeByRun => "not_made_by_run",
        // A stopped run whose starter does not hold its kind's right: not taken up.
        RunNotVouched => "run_not_vouched",
        ChangedElsewhere => "changed_elsewhere",
        NotRestorable => "not_restorable",
        AdminPasswordReplaced => "admin_password_replaced",
        ResourceGone => "resource_gone",
        DomainNotAdded => "domain_not_added",
        DomainTaken => "domain_taken",
        ResourceForeign => "resource_foreign",
        VercelNameTaken => "vercel_name_taken",
        VercelEnvRejected => "vercel_env_rejected",
        VercelEnvNotSaved => "vercel_env_not_saved",
        SchemaMismatch => "schema_mismatch",
        AuthMailNotTaken => "auth_mail_not_taken",
        /// A provider refused a handover's part (issue #59): a target without permission, a
        /// name the target already has, a code used or withdrawn.
        HandoverRefused => "handover_refused",
        /// The sender's domain is not a verified domain of the agency's Resend account: an
        /// instance's sending key cannot be restricted to it.
        SendingDomainUnusable => "sending_domain_unusable",
        /// The agency's Resend key may only send: it cannot make an instance's sending key.
        ResendKeySendsOnly => "resend_key_sends_only",
        /// The instance's history or schema disagrees with the roll-out's files: reported, skipped.
        SchemaDrift => "schema_drift",
        /// A migration file Fabrik cannot apply as one transaction with its history row.
        MigrationRefused => "migration_refused",
        RolloutNotFound => "rollout_not_found",
        RolloutOpen => "rollout_open",
        RolloutBusy => "rollout_busy",
        RolloutState => "rollout_state",
        RolloutPlan => "rollout_plan",
        /// Which template commit a repository stands on is not recorded and was not found.
        TemplateBaseUnknown => "template_base_unknown",
        /// A branch of Fabrik's name that Fabrik did not write: left alone.
        TemplateBranchTaken => "template_branch_taken",
        BackupFailed => "backup_failed",
        BackupNotFound => "backup_not_found",
        BackupUnreadable => "backup_unreadable",
        RestoreFailed => "restore_failed",
        /// Workflow backups need the agency's Gitea (its address and a token).
        GiteaNotSet => "gitea_not_set",
        /// The backup repository refused or kept changing under the backup.
        WorkflowBackupFailed => "workflow_backup_failed",
        WorkflowVersionNotFound => "workflow_version_not_found",
        /// A customer's export is never written over a file that is there.
        ExportOutExists => "export_out_exists",
        /// A customer's export into a folder that does not exist.
        ExportFolderMissing => "export_folder_missing",
        /// The export could not be written; nothing was left behind.
        ExportFailed => "export_failed",
        // Fabrik's own updates (crates/fabrik-update/src/update): each leaves the running version in place.
        UpdateNoFeed => "update_no_feed",
        UpdateNoKey => "update_no_key",
        UpdateInsecureFeed => "update_insecure_feed",
        UpdateUnreachable => "update_unreachable",
        UpdateFeedInvalid => "update_feed_invalid",
        UpdateNothingNewer => "update_nothing_newer",
        UpdateDownload => "update_download",
        UpdateSignature => "update_signature",
        UpdateNotNewer => "update_not_newer",
        UpdateInstall => "update_install",
        UpdateRunsActive => "update_runs_active",
        UpdateNotInstallable => "update_not_installable",
        /// A backed-up version that is not this customer's workflow (no marker, another id).
        WorkflowVersionNotOurs => "workflow_version_not_ours",
        RestoreMismatch => "restore_mismatch",
        /// The project's plan has neither point-in-time recovery nor physical backups.
        RecoveryNotOnPlan => "recovery_not_on_plan",
        /// The point asked for lies outside what Supabase can restore.
        RecoveryOutsideWindow => "recovery_outside_window",
        /// Without PITR only a physical backup's own time can be restored.
        RecoveryNoBackupAt => "recovery_no_backup_at",
        /// Supabase's restore ended in a failed state.
        RecoveryFailed => "recovery_failed",
        SupabaseInitFailed => "supabase_init_failed",
        DeploymentFailed => "deployment_failed",
        /// A deployment to make production that Vercel does not know.
        DeploymentUnknown => "deployment_unknown",
        /// A deployment to make production that belongs to another project than the customer's.
        DeploymentForeign => "deployment_foreign",
        /// A deployment to make production that is not READY (building, failed, cancelled).
        DeploymentNotReady => "deployment_not_ready",
        /// A deployment to make production that was not built for production (a preview).
        DeploymentNotProduction => "deployment_not_production",
        /// "Ångra" with no earlier production recorded by a promote run of the customer's.
        NothingToUndo => "nothing_to_undo",
        SiteNotPublic => "site_not_public",
        WaitTimeout => "wait_timeout",
        LedgerIncomplete => "ledger_incomplete",
        LedgerWriteFailed => "ledger_write_failed",
        LedgerRowMissing => "ledger_row_missing",
        Cancelled => "cancelled",
        // One field of a customer.
        Required => "required",
        TooLong => "too_long",
        EmailTooLong => "email_too_long",
        EmailInvalid => "email_invalid",
        EmailNoAt => "email_no_at",
        UrlNotHttps => "url_not_https",
        DomainInvalid => "domain_invalid",
        UrlInvalid => "url_invalid",
        SupabaseRefInvalid => "supabase_ref_invalid",
        VercelIdInvalid => "vercel_id_invalid",
        N8nIdInvalid => "n8n_id_invalid",
        SlugTooShort => "slug_too_short",
        SlugTooLong => "slug_too_long",
        SlugInvalidCharacter => "slug_invalid_character",
        SlugEdgeHyphen => "slug_edge_hyphen",
        SlugDoubleHyphen => "slug_double_hyphen",
        SlugReserved => "slug_reserved",
        SlugNotDerivable => "slug_not_derivable",
        SlugTaken => "slug_taken",
        /// A handover's target that its provider could not have named (issue #59).
        AccountNameInvalid => "account_name_invalid",
        SlugLocked => "slug_locked",
        /// A moment that is neither RFC 3339 nor unix seconds.
        MomentInvalid => "moment_invalid",
        // A move (issue #59): the archive, the target's version, the check after.
        MoveArchiveUnreadable => "move_archive_unreadable",
        MoveVersion => "move_version",
        MoveFailed => "move_failed",
        MoveMismatch => "move_mismatch",
    }
);

/// What a person's login on the shared register may be refused (issue #29): PostgreSQL's
/// grants and policies refuse it, and the refusal names the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// The register at all: the login is in none of its groups.
    Read,
    /// Any other write (the catch-all when the store does not know more).
    Write,
    /// Adding, editing and removing customers in the register (operators and owners).
    Customers,
    /// Allowing Fabrik to take over a resource it did not make (owners).
    Adopt,
    Provision,
    DayTwo,
    Teardown,
    /// A restore replaces a customer's database: an owner's, like a teardown.
    Restore,
    /// Removing what a delivered instance stands on short of a teardown (a custom domain, its
    /// first administrator): an owner's, through the guarded gate.
    Remove,
    Settings,
    People,
}

impl Right {
    /// The weakest of the register's groups that holds this right (`has_right`'s word).
    pub fn group(self) -> &'static str {
        match self {
            Right::Read => "viewer",
            Right::Write | Right::Customers | Right::Provision | Right::DayTwo => "operator",
            Right::Teardown
            | Right::Restore
            | Right::Remove
            | Right::Adopt
            | Right::Settings
            | Right::People => "owner",
        }
    }

    pub fn text(self) -> Text {
        match self {
            Right::Read => Say::RightRead,
            Right::Write => Say::RightWrite,
            Right::Customers => Say::RightCustomers,
            Right::Adopt => Say::RightAdopt,
            Right::Provision => Say::RightProvision,
            Right::DayTwo => Say::RightDayTwo,
            Right::Teardown => Say::RightTeardown,
            Right::Restore => Say::RightRestore,
            Right::Remove => Say::RightRemove,
            Right::Settings => Say::RightSettings,
            Right::People => Say::RightPeople,
        }
        .text()
    }
}

/// A sentence the core says to a person, in both languages: what a run logs, waits for or
/// failed with. The ledger keeps both; the CLI prints `sv`, the window the user's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Text {
    pub sv: String,
    pub en: String,
}

impl Text {
    pub fn new(sv: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            sv: sv.into(),
            en: en.into(),
        }
    }

    /// A code's text with its parameters, in both languages.
    pub fn of(code: ErrorCode, params: &Params) -> Text {
        Text::new(code.sv(params), code.en(params))
    }

    /// This text inside a sentence, language by language.
    pub fn within(&self, sv: impl FnOnce(&str) -> String, en: impl FnOnce(&str) -> String) -> Text {
        Text::new(sv(&self.sv), en(&self.en))
    }

    /// Joins texts with a separator, language by language.
    pub fn join(texts: &[Text], sep: &str) -> Text {
        let sv: Vec<&str> = texts.iter().map(|t| t.sv.as_str()).collect();
        let en: Vec<&str> = texts.iter().map(|t| t.en.as_str()).collect();
        Text::new(sv.join(sep), en.join(sep))
    }
}

impl From<(&str, &str)> for Text {
    fn from((sv, en): (&str, &str)) -> Text {
        Text::new(sv, en)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sv)
    }
}

/// A message's text in each language, with `{name}` where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    pub sv: &'static str,
    pub en: &'static str,
}

const fn t(sv: &'static str, en: &'static str) -> Template {
    Template { sv, en }
}

impl ErrorCode {
    /// The texts. An exhaustive match: a new code does not compile without both languages.
    pub const fn template(self) -> Template {
        use ErrorCode::*;
        match self {
            Validation => t("{problems}", "{problems_en}"),
            CustomerNotFound => t("Kunden '{slug}' finns inte", "The customer '{slug}' does not exist"),
            CustomerBusy => t(
                "Kunden {slug} har en körning som pågår; vänta tills den är klar eller avbryt den först",
                "The customer {slug} has a run in progress; wait for it to finish or cancel it first",
            ),
            CustomerHasInstance => t(
                "Kunden {slug} har en instans (eller delar av en) som Fabrik skapat; avveckla den först med Avveckla, sedan kan kunden tas bort",
                "The customer {slug} has an instance (or parts of one) that Fabrik created; tear it down first with Tear down, then the customer can be deleted",
            ),
            StaleVersion => t(
                "Kunden har ändrats av någon annan sedan du öppnade den; ladda om och försök igen",
                "Someone else changed this customer since you opened it; reload and try again",
            ),
            DatabaseTooNew => t(
                "Databasen {path} skrevs av en nyare version av Fabrik (schemaversion {found}, den här versionen känner till {known}); uppdatera Fabrik i stället för att öppna den",
                "The database {path} was written by a newer Fabrik (schema version {found}; this version knows {known}); update Fabrik instead of opening it",
            ),
            DatabaseNewerWords => t(
                "Databasen {path} har körningar eller steg som den här versionen av Fabrik inte känner till ({words}): en nyare Fabrik har skrivit i den. Uppdatera Fabrik i stället för att öppna den",
                "The database {path} holds kinds of run or steps this Fabrik does not know ({words}): a newer Fabrik wrote to it. Update Fabrik instead of opening it",
            ),
            DatabaseOpen => t("Databasen kunde inte öppnas: {detail}", "The database could not be opened: {detail}"),
            Database => t("Databasfel: {detail}", "Database error: {detail}"),
            RegisterUnreachable => t(
                "Det delade registret {register} kan inte nås just nu; Fabrik ansluter igen av sig självt. Försök igen om en stund.",
                "The shared register {register} cannot be reached right now; Fabrik connects again by itself. Try again in a moment.",
            ),
            MoveRunActive => t(
                "Registret flyttas inte medan körning {run} för {slug} pågår ({state}): den skulle fortsätta skriva i filen medan det delade registret visade den som pågående, för en annan plats att ta över. Låt den bli klar (en körning vars process har stannat fortsätter med `fabrik runs resume {run}`) eller avbryt den (`fabrik runs cancel {run}`, eller Avbryt i fönstret), och flytta sedan.",
                "The register is not moved while run {run} for {slug} is in progress ({state}): it would go on writing to the file while the shared register showed it as in progress, for another seat to take over. Let it finish (a run whose process has stopped continues with `fabrik runs resume {run}`) or cancel it (`fabrik runs cancel {run}`, or Cancel in the window), then move.",
            ),
            InvitationMalformed => t(
                "Det här är ingen inbjudan till ett delat register. En inbjudan börjar med fabrik-inbjudan: och kommer från en ägare (Inställningar → Personer → Lägg till); klistra in hela.",
                "This is not an invitation to a shared register. An invitation starts with fabrik-inbjudan: and comes from an owner (Settings → People → Add); paste all of it.",
            ),
            InvitationSpent => t(
                "Inbjudan till {register} gäller inte längre: den har redan använts eller så har personen tagits bort. Be en ägare om en ny (Inställningar → Personer).",
                "The invitation to {register} no longer holds: it has been used already or the person was removed. Ask an owner for a new one (Settings → People).",
            ),
            PasswordOnCommandLine => t(
                "Lösenordet hör inte hemma på kommandoraden, där alla på datorn kan se det (ps), och användes inte. Ge adressen utan lösenord ({register}); lösenordet tas då från PGPASSWORD, från nyckelringen (`fabrik register password`) eller frågas efter.",
                "The password does not belong on the command line, where everyone on the computer can see it (ps), and was not used. Give the address without a password ({register}); the password then comes from PGPASSWORD, from the keyring (`fabrik register password`) or is asked for.",
            ),
            RegisterWriteLost => t(
                "Anslutningen till det delade registret {register} bröts mitt i en ändring; servern ångrade den, så inget av den sparades. Försök igen om en stund.",
                "The connection to the shared register {register} broke in the middle of a change; the server undid it, so nothing of it was saved. Try again in a moment.",
            ),
            MissingTokens => t(
                "Token saknas för {providers}; spara dem under Inställningar → Inloggningsuppgifter",
                "Tokens are missing for {providers}; save them under Settings → Credentials",
            ),
            PreflightFailed => t(
                "Förkontrollen stoppade körningen innan något skapades: {problems}",
                "The preflight stopped the run before anything was created: {problems_en}",
            ),
            RunBusy => t(
                "Körningen {run} drivs redan av {by}",
                "Run {run} is already being driven by {by_en}",
            ),
            Forbidden => t(
                "Inloggningen {person} saknar rätten att {right}; en ägare (owner) av det delade registret kan ge den",
                "The login {person} lacks the right to {right_en}; an owner of the shared register can grant it",
            ),
            NotProvisioned => t(
                "{slug} har ingen levererad instans i den här miljön: ingen provisionering av Fabrik har lyckats sedan den senaste avvecklingen (ett importerat eller inskrivet instanskort räknas inte); provisionera kunden först.",
                "{slug} has no delivered instance in this environment: no provisioning by Fabrik has succeeded since the last teardown (an imported or typed-in instance card does not count); provision the customer first.",
            ),
            NotNow => t("{slug}: {reason}", "{slug}: {reason_en}"),
            RunTakenOver => t(
                "Körningen {run} togs över av en annan process medan den här stod still; den här slutade utan att skriva mer",
                "Run {run} was taken over by another process while this one stood still; this one stopped without writing more",
            ),
            SandboxFailed => t("Sandlådan kunde inte starta: {detail}", "The sandbox could not start: {detail}"),
            RunNotActive => t("Körningen {run} är inte aktiv", "Run {run} is not active"),
            RunNotSucceeded => t("Körningen slutade som {state}", "The run ended as {state}"),
            RunFinished => t("Körning {run} ({slug}): {reason}", "Run {run} ({slug}): {reason_en}"),
            NotConfirmed => t("Inte bekräftat; inget gjordes", "Not confirmed; nothing was done"),
            ProviderError => t("{detail}", "A cloud service answered with an error: {detail}"),
            InvalidToken => t("{detail}", "{detail_en}"),
            NotReady => t("Provisionera går inte ännu: {reason}", "Provisioning is not possible yet: {reason_en}"),
            RunNotFound => t("Körningen {run} finns inte", "Run {run} does not exist"),
            InvalidSetting => t("Ogiltig inställning {key}: {reason}", "Invalid setting {key}: {reason_en}"),
            UnsafeLink => t("Bara https-länkar kan öppnas: {url}", "Only https links can be opened: {url}"),
            ImportFileInvalid => t(
                "Filen kan inte importeras: {reason}; ingenting lades till",
                "The file cannot be imported: {reason_en}; nothing was added",
            ),
            ImportPortal => t(
                "Portalens tabell kan inte importeras: {reason}; ingenting lades till",
                "The portal's table cannot be imported: {reason_en}; nothing was added",
            ),
            Intake => t("Inkorgen: {reason}", "Inbox: {reason_en}"),
            ImportValueUnknown => t(
                "{label} \"{value}\" finns inte (giltiga: {valid})",
                "{label_en} \"{value}\" does not exist (valid: {valid})",
            ),
            ImportStatus => t(
                "Statusen \"{value}\" kan inte importeras: en pågående körning följer inte med en fil; ange pending, active, inactive eller failed",
                "The status \"{value}\" cannot be imported: a run in progress does not come with a file; use pending, active, inactive or failed",
            ),
            ImportExists => t(
                "Adressen {slug} finns redan i registret; en import lägger bara till nya kunder och ändrar aldrig en befintlig",
                "The address {slug} is already in the register; an import only adds new customers and never changes an existing one",
            ),
            ImportDuplicate => t(
                "Adressen {slug} används redan av rad {line} i filen",
                "The address {slug} is already used by line {line} of the file",
            ),
            OpenFailed => t("Länken kunde inte öppnas: {detail}", "The link could not be opened: {detail}"),
            Io => t("{detail}", "A file operation failed: {detail}"),
            Internal => t("Internt fel: {detail}", "Internal error: {detail}"),
            KeyringNoSessionBus => t(
                "Nyckelringen kan inte nås: ingen D-Bus-session körs. Starta Fabrik från en skrivbordssession (eller i en terminal med `dbus-run-session`).",
                "The keyring cannot be reached: no D-Bus session is running. Start Fabrik from a desktop session (or in a terminal with `dbus-run-session`).",
            ),
            KeyringNoSecretService => t(
                "Ingen nyckelringstjänst (Secret Service) körs. Installera och starta gnome-keyring (eller KeePassXC med Secret Service påslaget) och försök igen.",
                "No keyring service (Secret Service) is running. Install and start gnome-keyring (or KeePassXC with Secret Service enabled) and try again.",
            ),
            TickBusy => t(
                "En annan körning av fabrik tick pågår redan på den här datorn (sedan {since}); den här avslutas utan att göra något.",
                "Another fabrik tick is already running on this computer (since {since}); this one ends without doing anything.",
            ),
            ScheduleFailed => t(
                "Schemaläggaren ({scheduler}) tog inte emot jobbet: {detail}. Inget installerades.",
                "The scheduler ({scheduler}) did not take the job: {detail}. Nothing was installed.",
            ),
            SchedulePlan => t(
                "Ogiltig tid för fabrik tick: {value}. Ange antingen var 5–1440:e minut eller ett eller flera klockslag som TT:MM.",
                "Invalid time for fabrik tick: {value}. Give either every 5–1440 minutes or one or more times of day as HH:MM.",
            ),
            KeyringLocked => t(
                "Nyckelringen är låst. Lås upp den (till exempel genom att logga ut och in igen) och försök igen.",
                "The keyring is locked. Unlock it (for example by logging out and in again) and try again.",
            ),
            KeyringTimeout => t(
                "Nyckelringen svarade inte inom {seconds} sekunder, troligen för att den väntar på att låsas upp. Lås upp nyckelringen och försök igen.",
                "The keyring did not answer within {seconds} seconds, probably because it is waiting to be unlocked. Unlock the keyring and try again.",
            ),
            KeyringError => t("Nyckelringen gav ett fel: {detail}", "The keyring reported an error: {detail}"),
            ProviderUnauthorized => t(
                "{provider} avvisade token ({detail})",
                "{provider} rejected the token ({detail})",
            ),
            ProviderForbidden => t(
                "{provider} nekade åtkomst ({detail})",
                "{provider} denied access ({detail})",
            ),
            ProviderNotFound => t("{provider} hittade inte resursen ({detail})", "{provider} did not find the resource ({detail})"),
            ProviderConflict => t("{provider} rapporterade en konflikt ({detail})", "{provider} reported a conflict ({detail})"),
            ProviderRateLimited => t(
                "{provider} begränsar anropen just nu ({detail})",
                "{provider} is limiting requests right now ({detail})",
            ),
            ProviderUnavailable => t(
                "{provider} svarar inte som det ska just nu ({detail})",
                "{provider} is not answering properly right now ({detail})",
            ),
            ProviderRejected => t("{provider} avvisade anropet ({detail})", "{provider} rejected the request ({detail})"),
            ProviderMoved => t(
                "{provider}: resursen har flyttats eller bytt namn och ändras inte här ({detail})",
                "{provider}: the resource has moved or been renamed and is not changed here ({detail})",
            ),
            ProviderTooLarge => t(
                "{provider} skickade ett större svar än Fabrik läser ({detail}); läsningen slutade där",
                "{provider} sent a larger answer than Fabrik reads ({detail}); reading stopped there",
            ),
            RepoNameTaken => t(
                "Repot {repo} finns redan men skapades inte från mallen {template}. Ta bort eller byt namn på det, eller ge kunden ett annat adressnamn.",
                "The repository {repo} already exists but was not made from the template {template}. Delete or rename it, or give the customer another address name.",
            ),
            NotInLedger => t(
                "{resource} {name} står på kundkortet men inte i Fabriks liggare: Fabrik har varken skapat eller tagit över det, så det tas inte bort, inte ens med kundens märkning (en märkning kan vara kopierad). Ta bort det för hand om det är kundens.",
                "{resource_en} {name} is on the customer's card but not in Fabrik's ledger: Fabrik neither created nor adopted it, so it is not deleted, not even with the customer's marker (a marker can be copied). Delete it by hand if it is the customer's.",
            ),
            ResourceNotOurs => t(
                "{resource} {name} finns redan men skapades inte av Fabrik för den här kunden (Fabriks märkning saknas), så det varken tas över, ändras eller tas bort. Byt namn på eller ta bort det, eller ge kunden ett annat adressnamn.",
                "{resource_en} {name} already exists but was not created by Fabrik for this customer (Fabrik's marker is missing), so it is not adopted, changed or deleted. Rename or delete it, or give the customer another address name.",
            ),
            ResourceDelivered => t(
                "{name} levererades av körning {run} och tas inte bort av en återställning: det som levererats tas bara bort av en avveckling (fabrik teardown {slug}).",
                "{name} was delivered by run {run} and is not removed by a rollback: what was delivered is removed only by a teardown (fabrik teardown {slug}).",
            ),
            RunNotVouched => t(
                "Körning {run} ({slug}, {kind}) startades av {person}, som inte längre har rätten att {right}; ingen dator tar upp den av sig själv. En ägare ser över den (fabrik runs show {run}) och tar upp eller återställer den.",
                "Run {run} ({slug}, {kind_en}) was started by {person}, who no longer holds the right to {right_en}; no computer takes it up on its own. An owner looks it over (fabrik runs show {run}) and resumes or rolls it back.",
            ),
            NotMadeByRun => t(
                "{name} bär inte den här körningens märkning, så körningen skapade det inte och tar inte bort det. Ska det bort görs det med en avveckling (fabrik teardown {slug}) eller för hand.",
                "{name} does not carry this run's mark, so this run did not create it and does not remove it. If it should go, a teardown (fabrik teardown {slug}) or a person removes it.",
            ),
            ChangedElsewhere => t(
                "{resource} {name} har ändrats av någon annan sedan Fabrik skrev det, så Fabrik återställer det inte och lämnar det som det är. Återställ det för hand om ändringen inte ska vara kvar.",
                "{resource_en} {name} was changed by someone else after Fabrik wrote it, so Fabrik does not restore it and leaves it as it is. Restore it by hand if the change should not stay.",
            ),
            NotRestorable => t(
                "{resource} {name} fanns inte före uppdateringen, så det finns inget tidigare innehåll att återställa.",
                "{resource_en} {name} did not exist before the update, so there is no earlier content to restore.",
            ),
            AdminPasswordReplaced => t(
                "Administratörens lösenord ({name}) sätts inte tillbaka: det senast mejlade lösenordet skickades från {seat}, och det som finns kvar på den här datorn kan vara ett äldre som det ersatte. Administratören har nu ett nytt lösenord som inte skickades; skicka ett nytt med \"Nytt lösenord\" eller `fabrik admin reset-password`.",
                "The administrator's password ({name}) is not put back: the password mailed last was sent from {seat_en}, and the one left on this computer may be an older one it replaced. The administrator now has a new password that was not sent; send a new one with \"New password\" or `fabrik admin reset-password`.",
            ),
            ResourceGone => t(
                "{resource} {name} finns inte längre, så det finns inget att ändra. Kör en hälsokontroll för att se vad som saknas.",
                "{resource_en} {name} no longer exists, so there is nothing to change. Run a health check to see what is missing.",
            ),
            DomainNotAdded => t(
                "Domänen {domain} på Vercel-projektet {project} lades inte till av Fabrik för den här kunden, så Fabrik tar inte bort den. Ta bort den i Vercel (projektet → Settings → Domains) om den ska bort.",
                "The domain {domain} on the Vercel project {project} was not added by Fabrik for this customer, so Fabrik does not remove it. Remove it in Vercel (the project → Settings → Domains) if it should go.",
            ),
            DomainTaken => t(
                "Domänen {domain} används redan av ett annat Vercel-projekt ({detail}). Ta bort den där först, eller välj en annan domän.",
                "The domain {domain} is already used by another Vercel project ({detail}). Remove it there first, or choose another domain.",
            ),
            ResourceForeign => t(
                "{resource} {name} (id {id}) finns redan men skapades inte av Fabrik för den här kunden (Fabriks märkning saknas), så Fabrik varken tar över, ändrar eller tar bort det. Byt namn på eller ta bort det, ge kunden ett annat adressnamn, eller ta över just det med avsikt: \"Ta över…\" i fönstret eller `fabrik provision {slug} --adopt {name}`.",
                "{resource_en} {name} (id {id}) already exists but was not created by Fabrik for this customer (Fabrik's marker is missing), so Fabrik does not adopt, change or delete it. Rename or delete it, give the customer another address name, or adopt this one on purpose: \"Adopt…\" in the window or `fabrik provision {slug} --adopt {name}`.",
            ),
            AdoptionNotFound => t(
                "Fabrik har inte visat någon resurs som heter {name} för kunden {slug}, så det finns inget att ta över; visa planen först (`fabrik provision {slug} --plan` eller Provisionera i fönstret), som visar resursens id.",
                "Fabrik has not shown any resource named {name} for the customer {slug}, so there is nothing to adopt; show the plan first (`fabrik provision {slug} --plan` or Provision in the window), which shows the resource's id.",
            ),
            AdoptionMismatch => t(
                "Skriv resursens namn exakt ({name}) för att ta över den; inget gjordes.",
                "Type the resource's name exactly ({name}) to adopt it; nothing was done.",
            ),
            SiteNotPublic => t(
                "Produktionsadressen {url} svarar {status} för en besökare utan inloggning: Vercels Deployment Protection skyddar den. Stäng av skyddet för produktionsdomäner (projektet i Vercel → Settings → Deployment Protection) och försök igen.",
                "The production address {url} answers {status} to a visitor who is not logged in: Vercel's Deployment Protection covers it. Turn the protection off for production domains (the project in Vercel → Settings → Deployment Protection) and try again.",
            ),
            VercelEnvRejected => t(
                "Vercel sparade inte miljövariabeln {key}: {message}",
                "Vercel did not save the environment variable {key}: {message}",
            ),
            VercelEnvNotSaved => t(
                "Vercel sparade inte {keys} efter {attempts} försök: {message}",
                "Vercel did not save {keys} after {attempts} attempts: {message}",
            ),
            VercelNameTaken => t(
                "Vercel-projektet {name} finns redan och är kopplat till ett annat repo ({repo}).",
                "The Vercel project {name} already exists and is linked to another repository ({repo}).",
            ),
            BackupFailed => t(
                "Säkerhetskopian kunde inte tas: {detail}",
                "The backup could not be taken: {detail}",
            ),
            BackupNotFound => t(
                "Säkerhetskopia {backup} finns inte för den här kunden i {environment} (eller är borttagen); välj en i listan över kundens säkerhetskopior.",
                "Backup {backup} does not exist for this customer in {environment} (or was removed); choose one from the customer's list of backups.",
            ),
            BackupUnreadable => t(
                "Säkerhetskopia {backup} kan inte läsas: {detail}",
                "Backup {backup} cannot be read: {detail}",
            ),
            GiteaNotSet => t(
                "Säkerhetskopior av flöden går till byråns Gitea, men {missing} saknas. Ange den under Inställningar → Gitea (eller fabrik secrets set gitea / fabrik settings set gitea.api_url URL) och testa anslutningen.",
                "Workflow backups go to the agency's Gitea, but {missing_en} is missing. Set it under Settings → Gitea (or fabrik secrets set gitea / fabrik settings set gitea.api_url URL) and test the connection.",
            ),
            WorkflowBackupFailed => t(
                "Flödena kunde inte säkerhetskopieras till {repository}: {detail}",
                "The workflows could not be backed up to {repository}: {detail}",
            ),
            WorkflowVersionNotFound => t(
                "Version {version} av flödet {workflow} finns inte för den här kunden; välj en i listan (fabrik backup list {slug}).",
                "Version {version} of the workflow {workflow} does not exist for this customer; choose one from the list (fabrik backup list {slug}).",
            ),
            ExportOutExists => t(
                "{path} finns redan; exporten skriver aldrig över en fil. Välj ett annat namn.",
                "{path} exists already; an export never writes over a file. Choose another name.",
            ),
            ExportFolderMissing => t(
                "Mappen {folder} finns inte; skapa den först eller välj en annan.",
                "The folder {folder} does not exist; create it first or choose another.",
            ),
            ExportFailed => t(
                "Exporten av {slug} kunde inte skrivas, och inget lämnades kvar: {detail}",
                "The export of {slug} could not be written, and nothing was left behind: {detail}",
            ),
            UpdateNoFeed => t(
                "Den här versionen av Fabrik ({current}) är byggd utan uppdateringskälla; en ny version installeras som ett nytt paket (docs/INSTALL.md).",
                "This build of Fabrik ({current}) names no update feed; a new version is installed as a new package (docs/INSTALL.md).",
            ),
            UpdateNoKey => t(
                "Den här versionen av Fabrik ({current}) är byggd utan nyckel att kontrollera uppdateringar med, så ingen installeras; en ny version installeras som ett nytt paket (docs/INSTALL.md).",
                "This build of Fabrik ({current}) carries no key to verify updates with, so none is installed; a new version is installed as a new package (docs/INSTALL.md).",
            ),
            UpdateInsecureFeed => t(
                "Uppdateringskällan {feed} är inte https; Fabrik läser bara en källa över https (eller http på den här datorn). Fabrik {current} körs vidare.",
                "The update feed {feed} is not https; Fabrik reads a feed over https only (or http on this computer). Fabrik {current} keeps running.",
            ),
            UpdateUnreachable => t(
                "Uppdateringskällan {feed} gick inte att nå ({detail}). Fabrik {current} körs vidare; försök igen senare.",
                "The update feed {feed} could not be reached ({detail}). Fabrik {current} keeps running; try again later.",
            ),
            UpdateFeedInvalid => t(
                "Uppdateringskällan {feed} gav inget giltigt svar ({detail}). Fabrik {current} körs vidare.",
                "The update feed {feed} gave no valid answer ({detail}). Fabrik {current} keeps running.",
            ),
            UpdateNothingNewer => t(
                "Det finns ingen nyare version än {current} att installera.",
                "There is no version newer than {current} to install.",
            ),
            UpdateDownload => t(
                "Nedladdningen av Fabrik {version} blev inte hel ({detail}); inget installerades och Fabrik {current} körs vidare.",
                "The download of Fabrik {version} did not complete ({detail}); nothing was installed and Fabrik {current} keeps running.",
            ),
            UpdateSignature => t(
                "Fabrik {version} är inte signerad med nyckeln som den här versionen litar på ({detail}): filen kan vara ändrad eller signerad av någon annan. Inget installerades och Fabrik {current} körs vidare.",
                "Fabrik {version} is not signed with the key this version trusts ({detail}): the file may have been altered or signed by someone else. Nothing was installed and Fabrik {current} keeps running.",
            ),
            UpdateNotNewer => t(
                "Uppdateringskällan erbjuder Fabrik {version}, men paketets signatur säger {signed}: Fabrik installerar bara den erbjudna versionen när den är nyare än {current}, aldrig en äldre under ett nyare nummer. Inget installerades och Fabrik {current} körs vidare.",
                "The update feed offers Fabrik {version}, but the bundle's signature says {signed_en}: Fabrik installs the version offered only when it is newer than {current}, never an older one under a newer number. Nothing was installed and Fabrik {current} keeps running.",
            ),
            UpdateInstall => t(
                "Fabrik {version} kunde inte installeras ({detail}); Fabrik {current} finns kvar och körs vidare.",
                "Fabrik {version} could not be installed ({detail}); Fabrik {current} is still in place and keeps running.",
            ),
            UpdateRunsActive => t(
                "Fabrik {version} väntade i tolv timmar på att körningarna {runs} skulle bli klara och installerades inte; Fabrik {current} körs vidare. Sök efter uppdatering igen när de är klara.",
                "Fabrik {version} waited twelve hours for the runs {runs} to finish and was not installed; Fabrik {current} keeps running. Check for updates again once they are done.",
            ),
            UpdateNotInstallable => t(
                "Den här installationen av Fabrik ({how}) byts inte ut av Fabrik själv: installera den nya versionens paket (docs/INSTALL.md).",
                "This installation of Fabrik ({how}) is not replaced by Fabrik itself: install the new version's package (docs/INSTALL.md).",
            ),
            WorkflowVersionNotOurs => t(
                "Version {version} i {repository} är inte kundens flöde {workflow} ({why}) och skrivs inte tillbaka. Välj en annan version.",
                "Version {version} in {repository} is not the customer's workflow {workflow} ({why_en}) and is not written back. Choose another version.",
            ),
            MoveArchiveUnreadable => t(
                "Flyttarkivet {file} kan inte läsas: {detail}",
                "The move archive {file} cannot be read: {detail}",
            ),
            MoveVersion => t(
                "Arkivet flyttas inte in i {slug}, och ingenting ändrades: {problem}",
                "The archive is not moved into {slug}, and nothing was changed: {problem_en}",
            ),
            MoveFailed => t(
                "Arkivet kunde inte flyttas in i {slug}, som är som det var: {detail}",
                "The archive could not be moved into {slug}, which is as it was: {detail}",
            ),
            MoveMismatch => t(
                "Arkivet är inflyttat i {slug} (databasen och användarna är ersatta), men det gav inte tillbaka detsamma: {differs}",
                "The archive was moved into {slug} (the database and the users are replaced), but it did not bring back the same: {differs}",
            ),
            RestoreFailed => t(
                "Databasen kunde inte återställas från säkerhetskopia {backup} och är som den var: {detail}",
                "The database could not be restored from backup {backup} and is as it was: {detail}",
            ),
            RestoreMismatch => t(
                "Återställningen från säkerhetskopia {backup} är gjord (databasen är ersatt), men den gav inte tillbaka samma rader: {tables}",
                "The restore from backup {backup} was committed (the database is replaced), but it did not bring back the same rows: {tables}",
            ),
            RecoveryNotOnPlan => t(
                "Supabase-projektet för {slug} har ingen återställning till en tidpunkt (PITR) och inga fysiska säkerhetskopior på sin plan — använd Fabriks egna säkerhetskopior: fabrik backup list {slug}",
                "The Supabase project of {slug} has no point-in-time recovery and no physical backups on its plan — use Fabrik's own backups: fabrik backup list {slug}",
            ),
            RecoveryOutsideWindow => t(
                "{at} ligger utanför det Supabase kan återställa för {slug}: från {earliest} till {latest} (UTC); inget gjordes",
                "{at} is outside what Supabase can restore for {slug}: from {earliest} to {latest} (UTC); nothing was done",
            ),
            RecoveryNoBackupAt => t(
                "Supabase-projektet för {slug} har ingen återställning till en godtycklig tidpunkt (PITR), bara fysiska säkerhetskopior; ange en av deras tider: {times}. Inget gjordes",
                "The Supabase project of {slug} has no point-in-time recovery, only physical backups; give one of their times: {times}. Nothing was done",
            ),
            RecoveryFailed => t(
                "Supabase kunde inte återställa databasen i projektet {project} till {at} ({status}); Fabriks säkerhetskopia av det som fanns före finns i fabrik backup list {slug}",
                "Supabase could not restore the database of the project {project} to {at} ({status}); Fabrik's backup of what was there before is in fabrik backup list {slug}",
            ),
            TeamAlreadyInTeam => t(
                "{email} är redan med i teamet (inbjuden eller med ett konto i instansen) och bjuds inte in igen",
                "{email} is in the team already (invited, or with an account in the instance) and is not invited again",
            ),
            TeamOwnerRole => t(
                "Ägare är den första administratören; bjud in som admin, medlem eller läsare",
                "The owner is the first administrator; invite as admin, member or viewer",
            ),
            TeamRoleUnknown => t(
                "Rollen «{role}» finns inte; skriv admin, medlem eller läsare (member, viewer)",
                "There is no role \"{role}\"; write admin, member or viewer",
            ),
            TeamDuplicateRow => t(
                "Samma adress som på rad {line}",
                "The same address as on line {line}",
            ),
            TeamListUnreadable => t(
                "Listan kan inte läsas som CSV: {detail}",
                "The list cannot be read as CSV: {detail}",
            ),
            TeamListEmpty => t(
                "Listan har ingen person (kolumnerna är namn, e-post, roll)",
                "The list has nobody in it (the columns are name, email, role)",
            ),
            TeamListTooLong => t(
                "Listan har {count} personer; högst {max} bjuds in åt gången",
                "The list has {count} people; at most {max} are invited at a time",
            ),
            TeamMailNotAgency => t(
                "Instansen för {slug} skickar ännu sin e-post med Supabases inbyggda tjänst (några brev i timmen, från Supabases adress). Låt den skicka som byrån först: «Skicka e-post som byrån» på kundsidan, eller fabrik team mail {slug}. Ingen bjöds in.",
                "The instance of {slug} still sends its email through Supabase's built-in service (a few emails an hour, from Supabase's address). Let it send as the agency first: \"Send email as the agency\" on the customer page, or fabrik team mail {slug}. Nobody was invited.",
            ),
            TeamOverHourlyLimit => t(
                "Instansen för {slug} får skicka {limit} e-brev i timmen och {sent} har gått den senaste timmen: {count} inbjudningar ryms inte. Bjud in högst {left} nu och resten om en timme, eller höj team.emails_per_hour och kör «Skicka e-post som byrån». Ingen bjöds in.",
                "The instance of {slug} may send {limit} emails an hour and {sent} went in the last hour: {count} invitations do not fit. Invite at most {left} now and the rest in an hour, or raise team.emails_per_hour and run \"Send email as the agency\". Nobody was invited.",
            ),
            BillingTeardownNeverDo => t(
                "En avveckling görs aldrig automatiskt: välj ingenting, meddela eller erbjud",
                "A teardown is never done on its own: choose nothing, tell or offer",
            ),
            BillingGraceNegative => t(
                "Anståndet är ett antal dagar, 0 eller fler (0 gör steget direkt), eller inget: tills Stripe ger upp",
                "The grace is a number of days, 0 or more (0 acts at once), or none: until Stripe gives up",
            ),
            TeamNotInTeam => t(
                "{email} finns inte i teamet för {slug}",
                "{email} is not in the team of {slug}",
            ),
            TeamNotFabriks => t(
                "{email} i {slug} lades inte till av Fabrik ({why}) och ändras inte härifrån. Gör det i kundens app eller i Supabase (Authentication → Users).",
                "{email} in {slug} was not added by Fabrik ({why_en}) and is not changed from here. Do it in the customer's app or in Supabase (Authentication → Users).",
            ),
            TeamAlreadyAccepted => t(
                "{email} har redan tackat ja och har ett konto; en ny inbjudan behövs inte (ett glömt lösenord återställs från appens inloggning)",
                "{email} has accepted already and has an account; no new invitation is needed (a forgotten password is reset from the app's sign-in)",
            ),
            TeamResendTooSoon => t(
                "Inbjudan till {email} gick för mindre än en minut sedan; skicka igen om {seconds} s",
                "The invitation to {email} went less than a minute ago; send again in {seconds} s",
            ),
            TeamRevokeConfirm => t(
                "{email} är {role} i {slug}: skriv adressen för att ta bort behörigheten",
                "{email} is {role} in {slug}: type the address to revoke the access",
            ),
            TeamInviteFailed => t(
                "{email} bjöds inte in: {detail}",
                "{email} was not invited: {detail}",
            ),
            SchemaMismatch => t("Databasschemat stämmer inte: {problem}", "The database schema does not match: {problem}"),
            AuthMailNotTaken => t(
                "Supabase-projektet {project} tog inte emot byråns e-postinställningar; det svarade {detail}. Kontrollera avsändaren (email.sender_address) och kör «Skicka e-post som byrån» igen.",
                "The Supabase project {project} did not take the agency's email settings; it answered {detail}. Check the sender (email.sender_address) and run \"Send email as the agency\" again.",
            ),
            HandoverRefused => t(
                "{provider} tog inte emot överlämningen till {target}: {why} ({detail}). Inget mer lämnades över; rätta det och kör överlämningen igen, eller dra tillbaka den med `fabrik handover SLUG --withdraw`.",
                "{provider} did not take the handover to {target}: {why_en} ({detail}). Nothing more was handed over; put it right and run the handover again, or withdraw it with `fabrik handover SLUG --withdraw`.",
            ),
            SendingDomainUnusable => t(
                "Avsändardomänen {domain} är inte en verifierad domän i byråns Resend-konto ({status}): instansens sändningsnyckel begränsas till den domänen. Verifiera den i Resend (Domains) eller byt email.sender_address.",
                "The sender domain {domain} is not a verified domain of the agency's Resend account ({status}): the instance's sending key is restricted to that domain. Verify it in Resend (Domains) or change email.sender_address.",
            ),
            ResendKeySendsOnly => t(
                "Byråns Resend-nyckel får bara skicka e-post, så den kan inte ge instansen en egen sändningsnyckel. Skapa en nyckel med Full access i Resend (API Keys) och spara den: fabrik secrets set resend.",
                "The agency's Resend key may only send email, so it cannot give the instance a sending key of its own. Make a key with Full access in Resend (API Keys) and save it: fabrik secrets set resend.",
            ),
            SchemaDrift => t(
                "Databasen har glidit från migreringsfilerna och hoppas över: {problem}",
                "The database has drifted from the migration files and is skipped: {problem}",
            ),
            MigrationRefused => t("Migreringen läggs inte in: {problem}", "The migration is not applied: {problem}"),
            RolloutNotFound => t("Ingen utrullning {id} i registret", "No roll-out {id} in the register"),
            RolloutOpen => t(
                "Utrullning {id} är inte avslutad: starta, pausa eller avbryt den först (fabrik rollout status)",
                "Roll-out {id} is not finished: start, pause or abort it first (fabrik rollout status)",
            ),
            RolloutBusy => t(
                "Utrullning {id} drivs redan av en annan process; vänta, eller pausa den därifrån",
                "Roll-out {id} is already driven by another process; wait, or pause it from there",
            ),
            RolloutState => t(
                "Utrullning {id} är {state} och kan inte ändras så",
                "Roll-out {id} is {state} and cannot change that way",
            ),
            RolloutPlan => t("Utrullningen kan inte planeras: {reason}", "The roll-out cannot be planned: {reason_en}"),
            TemplateBaseUnknown => t(
                "Det är okänt vilken version av mallen {repo} står på (ingen i registret, och ingen mallversion har repots första commit); ange den med fabrik template base {slug} <sha>",
                "It is unknown which version of the template {repo} stands on (none in the register, and no template version has the repository's first commit); state it with fabrik template base {slug} <sha>",
            ),
            TemplateBranchTaken => t(
                "Grenen {branch} i {repo} finns redan men är inte Fabriks; Fabrik rör den inte. Ta bort eller byt namn på grenen och kör utrullningen igen",
                "The branch {branch} in {repo} exists but is not Fabrik's; Fabrik leaves it alone. Delete or rename the branch and run the roll-out again",
            ),
            SupabaseInitFailed => t(
                "Supabase-projektet {project} kunde inte starta ({status})",
                "The Supabase project {project} could not start ({status})",
            ),
            DeploymentFailed => t(
                "Driftsättningen {deployment} misslyckades ({state}): {detail}",
                "The deployment {deployment} failed ({state}): {detail}",
            ),
            DeploymentUnknown => t(
                "Vercel känner inte till någon driftsättning {deployment}, så inget ändrades. Välj en av {slug}s driftsättningar i `fabrik deployments list {slug}` (eller under Driftsättningar i fönstret).",
                "Vercel knows no deployment {deployment}, so nothing was changed. Choose one of {slug}'s deployments from `fabrik deployments list {slug}` (or under Deployments in the window).",
            ),
            DeploymentForeign => t(
                "Driftsättningen {deployment} hör till Vercel-projektet {project}, inte till {slug}s projekt {own}, så Fabrik gör den inte till produktion för {slug}; inget ändrades. Välj en av kundens egna driftsättningar i `fabrik deployments list {slug}`.",
                "The deployment {deployment} belongs to the Vercel project {project}, not to {slug}'s project {own}, so Fabrik does not make it production for {slug}; nothing was changed. Choose one of the customer's own deployments from `fabrik deployments list {slug}`.",
            ),
            DeploymentNotReady => t(
                "Driftsättningen {deployment} är {state}, inte READY, så den kan inte bli produktion; inget ändrades. Välj en som är READY i `fabrik deployments list {slug}`, eller vänta tills den här är klar.",
                "The deployment {deployment} is {state}, not READY, so it cannot become production; nothing was changed. Choose one that is READY from `fabrik deployments list {slug}`, or wait until this one has finished.",
            ),
            DeploymentNotProduction => t(
                "Driftsättningen {deployment} byggdes inte för produktion (mål: {target}), så Fabrik gör den inte till produktion; inget ändrades. Välj en produktionsdriftsättning i `fabrik deployments list {slug}`, eller gör en ny med `fabrik redeploy {slug}`.",
                "The deployment {deployment} was not built for production (target: {target}), so Fabrik does not make it production; nothing was changed. Choose a production deployment from `fabrik deployments list {slug}`, or make a new one with `fabrik redeploy {slug}`.",
            ),
            NothingToUndo => t(
                "Det finns ingen återgång att ångra för {slug}: ingen lyckad körning har gjort en tidigare driftsättning till produktion. Välj en driftsättning i `fabrik deployments list {slug}` och gör den till produktion.",
                "There is no rollback to undo for {slug}: no successful run made an earlier deployment production. Choose a deployment from `fabrik deployments list {slug}` and make it production.",
            ),
            WaitTimeout => t("{what}: gav upp efter {seconds} s", "Gave up waiting after {seconds} s ({what_en})"),
            LedgerIncomplete => t(
                "{step} saknar {field} i körningens liggare",
                "{step} has no {field} in the run's ledger",
            ),
            LedgerWriteFailed => t(
                "Körningens liggare kunde inte skrivas: {detail}",
                "The run's ledger could not be written: {detail}",
            ),
            LedgerRowMissing => t(
                "Liggaren har ingen rad för körning {run}, steg {step}; inget skrevs",
                "The ledger has no row for run {run}, step {step}; nothing was written",
            ),
            Cancelled => t("Avbruten", "Cancelled"),
            Required => t("{label} måste anges", "{label_en} is required"),
            AccountNameInvalid => t(
                "{label} \"{value}\" är inget namn som kontot kan ha: bara bokstäver, siffror och bindestreck",
                "{label_en} \"{value}\" is not a name the account can have: only letters, digits and hyphens",
            ),
            TooLong => t("{label} får vara högst {max} tecken", "{label_en} may be at most {max} characters"),
            EmailTooLong => t("E-postadressen är för lång", "The email address is too long"),
            EmailInvalid => t(
                "Ogiltig e-postadress (till exempel anna@foretag.se)",
                "Invalid email address (for example anna@company.com)",
            ),
            EmailNoAt => t("E-postadressen saknar @", "The email address has no @"),
            UrlNotHttps => t("Adressen måste börja med https://", "The address must start with https://"),
            UrlInvalid => t("Ogiltig webbadress", "Invalid web address"),
            DomainInvalid => t(
                "«{domain}» är inte ett domännamn som kan läggas till; skriv bara namnet, till exempel kund.byran.se",
                "“{domain}” is not a domain name that can be added; write just the name, for example customer.agency.com",
            ),
            SupabaseRefInvalid => t(
                "Supabase-projektets ref är 20 små bokstäver a–z",
                "A Supabase project ref is 20 lower-case letters a–z",
            ),
            VercelIdInvalid => t(
                "Vercel-projektets id börjar med prj_ följt av bokstäver och siffror",
                "A Vercel project id starts with prj_ followed by letters and digits",
            ),
            N8nIdInvalid => t(
                "n8n-flödets id får bara innehålla bokstäver, siffror och bindestreck",
                "An n8n workflow id may contain only letters, digits and hyphens",
            ),
            SlugTooShort => t("Adressnamnet måste vara minst {min} tecken", "The address name must be at least {min} characters"),
            SlugTooLong => t("Adressnamnet får vara högst {max} tecken", "The address name may be at most {max} characters"),
            SlugInvalidCharacter => t(
                "Adressnamnet får bara innehålla a–z, 0–9 och bindestreck",
                "The address name may contain only a–z, 0–9 and hyphens",
            ),
            SlugEdgeHyphen => t(
                "Adressnamnet får inte börja eller sluta med bindestreck",
                "The address name may not start or end with a hyphen",
            ),
            SlugDoubleHyphen => t(
                "Adressnamnet får inte innehålla två bindestreck i rad",
                "The address name may not contain two hyphens in a row",
            ),
            SlugReserved => t("Adressnamnet är reserverat", "The address name is reserved"),
            SlugNotDerivable => t(
                "Kunde inte skapa ett adressnamn av namnet ({reason}); skriv ett själv",
                "Could not make an address name from the name ({reason_en}); type one yourself",
            ),
            SlugTaken => t(
                "Adressnamnet {slug} används redan av en annan kund",
                "The address name {slug} is already used by another customer",
            ),
            SlugLocked => t(
                "Adressnamnet kan inte ändras när kunden har en instans",
                "The address name cannot change while the customer has an instance",
            ),
            MomentInvalid => t(
                "Tiden «{value}» kan inte läsas; ange den som RFC 3339 (2025-03-01T12:00:00Z) eller i unixsekunder",
                "The time “{value}” cannot be read; give it as RFC 3339 (2025-03-01T12:00:00Z) or in unix seconds",
            ),
        }
    }

    pub fn sv(self, params: &Params) -> String {
        render(self.template().sv, params)
    }

    pub fn en(self, params: &Params) -> String {
        render(self.template().en, params)
    }
}

/// Fills `{name}` placeholders; an unknown name is left as it is (visible, never a panic).
pub fn render(template: &str, params: &Params) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if params.contains_key(&after[..close]) => {
                out.push_str(&params[&after[..close]]);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholder names of a template.
pub fn placeholders(template: &str) -> std::collections::BTreeSet<&str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
        .collect()
}

/// `ERROR_TEXT` for `ui/src/bindings.ts`: the templates, so the window renders a code in the
/// user's language from the same text the core uses.
pub fn typescript_catalog() -> String {
    let mut out = String::from(
        "export const ERROR_TEXT: Record<ErrorCode, { sv: string; en: string }> = {\n",
    );
    for code in ErrorCode::ALL {
        let t = code.template();
        out.push_str(&format!(
            "  {}: {{ sv: {}, en: {} }},\n",
            code.as_str(),
            serde_json::to_string(t.sv).expect("a string serialises"),
            serde_json::to_string(t.en).expect("a string serialises"),
        ));
    }
    out.push_str("};\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code has both languages, with the same parameters (an English template may use
    /// an `_en` variant of a parameter whose value is itself language-bound), and the English
    /// text has no Swedish letters.
    #[test]
    fn every_code_has_swedish_and_english_with_the_same_parameters() {
        for code in ErrorCode::ALL {
            let t = code.template();
            assert!(!t.sv.trim().is_empty(), "{code}: no Swedish text");
            assert!(!t.en.trim().is_empty(), "{code}: no English text");
            let sv: Vec<&str> = placeholders(t.sv).into_iter().collect();
            let en: Vec<String> = placeholders(t.en)
                .into_iter()
                .map(|p| p.trim_end_matches("_en").to_string())
                .collect();
            assert_eq!(sv, en, "{code}: the languages take different parameters");
            assert!(
                !t.en.chars().any(|c| "åäöÅÄÖ".contains(c)),
                "{code}: Swedish letters in the English text: {}",
                t.en
            );
            let only_a_parameter = t.sv.starts_with('{') && t.sv.ends_with('}');
            if !only_a_parameter {
                assert_ne!(t.sv, t.en, "{code}: not translated");
            }
        }
    }

    #[test]
    fn rendering_fills_known_parameters_and_leaves_the_rest() {
        let p = params! { "max" => 40 };
        assert_eq!(
            ErrorCode::SlugTooLong.en(&p),
            "The address name may be at most 40 characters"
        );
        assert_eq!(render("{a} {max} {", &p), "{a} 40 {");
    }
}
