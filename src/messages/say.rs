//! Every sentence the core says to a person that is not an error: what a run logs, what a
//! notification says, why an action waits. Declared once, in both languages, like the error
//! codes: a sentence is a name plus named parameters, rendered from its templates.

use super::{render, Params, Template, Text};
use crate::vocabulary::vocabulary;

vocabulary!(
    /// The names of the core's sentences.
    pub enum Say {
        // A run's own log lines.
        RunStarts => "run_starts",
        RunResumes => "run_resumes",
        RunDone => "run_done",
        CancelledResumable => "cancelled_resumable",
        AttemptFailed => "attempt_failed",
        StepCreated => "step_created",
        StepAdopted => "step_adopted",
        StepDone => "step_done",
        StepSkipped => "step_skipped",
        // Compensation: a rollback or a teardown.
        DeleteRetrying => "delete_retrying",
        LeftAloneNotOurs => "left_alone_not_ours",
        AlreadyAsBefore => "already_as_before",
        NoLongerExisted => "no_longer_existed",
        Restored => "restored",
        Deleted => "deleted",
        MovedLeftAlone => "moved_left_alone",
        CouldNotDelete => "could_not_delete",
        CouldNotRestore => "could_not_restore",
        LeftByHand => "left_by_hand",
        // Why a run cannot start now.
        AlreadyPaused => "already_paused",
        AlreadyRunning => "already_running",
        PausedResumeFirst => "paused_resume_first",
        NotDelivered => "not_delivered",
        NothingToRepair => "nothing_to_repair",
        TokensMissing => "tokens_missing",
        // What the agency is told when a run ends (notification title, body; alert email).
        DoneProvision => "done_provision",
        DoneTeardown => "done_teardown",
        DoneDayTwo => "done_day_two",
        DoneBody => "done_body",
        RunStopped => "run_stopped",
        RunStoppedBody => "run_stopped_body",
        RunStoppedAlert => "run_stopped_alert",
        // Health findings (what is wrong, what to do), token checks, the preflight, what a
        // step logs, an import's limits.
        TokenTestEmailCouldNotSent => "token_test_email_could_not_sent",
        TokenTestEmailWasSentId => "token_test_email_was_sent_id",
        TokenHasSpaces => "token_has_spaces",
        TokenEmpty => "token_empty",
        HealthRepairCreatesCustomerSWorkflow => "health_repair_creates_customer_s_workflow",
        HealthN8nWorkflowNoLongerExists => "health_n8n_workflow_no_longer_exists",
        HealthRepairTurnsWorkflowAgain => "health_repair_turns_workflow_again",
        HealthN8nWorkflowNotActive => "health_n8n_workflow_not_active",
        HealthRenameBackGitHubFabrikDoes => "health_rename_back_git_hub_fabrik_does",
        HealthInstanceMustBuiltAgainTear => "health_instance_must_built_again_tear",
        HealthRepositoryNoLongerExists => "health_repository_no_longer_exists",
        HealthMakeRepositoryPrivateAgainGitHub => "health_make_repository_private_again_git_hub",
        HealthUnarchiveRepositoryGitHub => "health_unarchive_repository_git_hub",
        HealthLookDeploymentSLogsVercel => "health_look_deployment_s_logs_vercel",
        HealthSiteAnswersHTTP => "health_site_answers_h_t_t_p",
        HealthRepairMakesNewProductionDeployment => "health_repair_makes_new_production_deployment",
        HealthSiteAnswers404DomainPoints => "health_site_answers404_domain_points",
        HealthTurnDeploymentProtectionOffProduction => "health_turn_deployment_protection_off_production",
        HealthSiteAsksLoginHTTPDeployment => "health_site_asks_login_h_t_t_p_deployment",
        HealthCheckAgainSeeDeployment => "health_check_again_see_deployment",
        HealthSiteDidNotAnswerMs => "health_site_did_not_answer_ms",
        HealthProductionDeploymentNoLongerExists => "health_production_deployment_no_longer_exists",
        HealthProductionDeploymentState => "health_production_deployment_state",
        HealthProjectHasNoProductionDeployment => "health_project_has_no_production_deployment",
        HealthRepairSetsVariableTarget => "health_repair_sets_variable_target",
        HealthEnvironmentVariableNoLongerApplies => "health_environment_variable_no_longer_applies",
        HealthRepairSetsMissingVariable => "health_repair_sets_missing_variable",
        HealthEnvironmentVariableMissingVercel => "health_environment_variable_missing_vercel",
        HealthVercelProjectNoLongerExists => "health_vercel_project_no_longer_exists",
        HealthCheckAgainFewMinutesStays => "health_check_again_few_minutes_stays",
        HealthServiceReports => "health_service_reports",
        HealthSupabaseProjectNotHealthy => "health_supabase_project_not_healthy",
        HealthSupabaseProjectBeingRemoved => "health_supabase_project_being_removed",
        HealthResumeProjectCustomerShouldActive => "health_resume_project_customer_should_active",
        HealthSupabaseProjectPausedCustomerCannot => "health_supabase_project_paused_customer_cannot",
        HealthSupabaseProjectNoLongerExists => "health_supabase_project_no_longer_exists",
        HealthCouldNotRead => "health_could_not_read",
        HealthCheckAgainLater => "health_check_again_later",
        HealthCheckTokenSettingsCheckAgain => "health_check_token_settings_check_again",
        PreflightSenderDomainCouldNotChecked => "preflight_sender_domain_could_not_checked",
        PreflightResendRejectedKey => "preflight_resend_rejected_key",
        PreflightResendKeyMayOnlySend => "preflight_resend_key_may_only_send",
        PreflightSenderDomainNotResendAccount => "preflight_sender_domain_not_resend_account",
        PreflightSenderDomainNotVerifiedResend => "preflight_sender_domain_not_verified_resend",
        StepProductionURLNow => "step_production_u_r_l_now",
        StepNewWelcomeEmailWent => "step_new_welcome_email_went",
        StepTablesExistAllRowLevel => "step_tables_exist_all_row_level",
        StepVercelDidNotSaveTrying => "step_vercel_did_not_save_trying",
        ImportMBMostMBCanImported => "import_m_b_most_m_b_can_imported",
    }
);

const fn t(sv: &'static str, en: &'static str) -> Template {
    Template { sv, en }
}

impl Say {
    /// The texts. An exhaustive match: a new sentence does not compile without both languages.
    pub const fn template(self) -> Template {
        use Say::*;
        match self {
            RunStarts => t("Körningen startar", "The run starts"),
            RunResumes => t("Körningen återupptas", "The run resumes"),
            RunDone => t("Körningen är klar", "The run is done"),
            CancelledResumable => t("Avbruten; kan återupptas", "Cancelled; can be resumed"),
            AttemptFailed => t(
                "Försök {attempt} misslyckades: {reason}; nytt försök om {ms} ms",
                "Attempt {attempt} failed: {reason_en}; trying again in {ms} ms",
            ),
            StepCreated => t("{label}: skapad{id}", "{label_en}: created{id}"),
            StepAdopted => t(
                "{label}: fanns redan, övertagen{id}",
                "{label_en}: already existed, adopted{id}",
            ),
            StepDone => t("{label}: klar{id}", "{label_en}: done{id}"),
            StepSkipped => t("{label}: hoppades över{id}", "{label_en}: skipped{id}"),
            DeleteRetrying => t(
                "Borttagningen misslyckades ({reason}); försöker igen om {ms} ms",
                "The deletion failed ({reason_en}); trying again in {ms} ms",
            ),
            LeftAloneNotOurs => t(
                "{id} lämnas kvar (inte skapad av Fabrik): {reason}",
                "{id} is left alone (not created by Fabrik): {reason_en}",
            ),
            AlreadyAsBefore => t("{id} var redan som före körningen", "{id} was already as before the run"),
            NoLongerExisted => t("{id} fanns inte längre", "{id} no longer existed"),
            Restored => t("Återställde {id}", "Restored {id}"),
            Deleted => t("Tog bort {id}", "Deleted {id}"),
            MovedLeftAlone => t(
                "{id} har bytt namn eller flyttats sedan Fabrik skapade det och lämnas orört; ta bort det för hand bara om det fortfarande är kundens.",
                "{id} was renamed or moved after Fabrik created it and is left alone; delete it by hand only if it is still the customer's.",
            ),
            CouldNotDelete => t(
                "Kunde inte ta bort {id}: {reason}. {manual}",
                "Could not delete {id}: {reason_en}. {manual_en}",
            ),
            CouldNotRestore => t(
                "Kunde inte återställa {id}: {reason}. {manual}",
                "Could not restore {id}: {reason_en}. {manual_en}",
            ),
            LeftByHand => t("Kvar att ta bort för hand: {list}", "Left to delete by hand: {list_en}"),
            AlreadyPaused => t("instansen är redan pausad", "the instance is already paused"),
            AlreadyRunning => t("instansen är redan igång", "the instance is already running"),
            PausedResumeFirst => t(
                "instansen är pausad; återuppta den först",
                "the instance is paused; resume it first",
            ),
            NotDelivered => t(
                "instansen är {status} och inte levererad; provisionera den färdigt först",
                "the instance is {status} and not delivered; finish provisioning it first",
            ),
            NothingToRepair => t(
                "den senaste hälsokontrollen fann inget som en reparation kan laga; kontrollera igen först",
                "the last health check found nothing a repair can mend; check again first",
            ),
            TokensMissing => t("Token saknas för {names}", "Tokens are missing for {names}"),
            DoneProvision => t("Provisionering klar", "Provisioning done"),
            DoneTeardown => t("Avveckling klar", "Teardown done"),
            DoneDayTwo => t("Klart: {what}", "Done: {what_en}"),
            DoneBody => t("{slug}: {what} är klar", "{slug}: {what_en} is done"),
            RunStopped => t("Körningen stannade", "The run stopped"),
            RunStoppedBody => t("{slug}: {what} slutade som {state}", "{slug}: {what_en} ended as {state}"),
            RunStoppedAlert => t(
                "Körning {run} ({what}) för {slug} slutade som {state}.",
                "Run {run} ({what_en}) for {slug} ended as {state}.",
            ),
            TokenTestEmailCouldNotSent => t(
                "Testmejlet kunde inte skickas: {message}",
                "The test email could not be sent: {message}",
            ),
            TokenTestEmailWasSentId => t(
                "Testmejlet skickades till {address} (id {id})",
                "The test email was sent to {address} (id {id})",
            ),
            TokenHasSpaces => t(
                "Token innehåller mellanslag eller radbrytningar; klistra in den igen",
                "The token contains spaces or line breaks; paste it again",
            ),
            TokenEmpty => t(
                "Token är tom",
                "The token is empty",
            ),
            HealthRepairCreatesCustomerSWorkflow => t(
                "Reparera skapar kundens flöde igen och slår på det.",
                "Repair creates the customer's workflow again and turns it on.",
            ),
            HealthN8nWorkflowNoLongerExists => t(
                "n8n-flödet {id} finns inte längre.",
                "The n8n workflow {id} no longer exists.",
            ),
            HealthRepairTurnsWorkflowAgain => t(
                "Reparera slår på flödet igen.",
                "Repair turns the workflow on again.",
            ),
            HealthN8nWorkflowNotActive => t(
                "n8n-flödet {name} är inte aktivt.",
                "The n8n workflow {name} is not active.",
            ),
            HealthRenameBackGitHubFabrikDoes => t(
                "Byt tillbaka namnet på GitHub; Fabrik följer inte ett namnbyte.",
                "Rename it back on GitHub; Fabrik does not follow a rename.",
            ),
            HealthInstanceMustBuiltAgainTear => t(
                "Instansen behöver byggas på nytt: riv den och provisionera igen.",
                "The instance must be built again: tear it down and provision again.",
            ),
            HealthRepositoryNoLongerExists => t(
                "Repot {full} finns inte längre.",
                "The repository {full} no longer exists.",
            ),
            HealthMakeRepositoryPrivateAgainGitHub => t(
                "Gör repot privat igen på GitHub, om ingen valt att visa det.",
                "Make the repository private again on GitHub, unless someone chose to show it.",
            ),
            HealthUnarchiveRepositoryGitHub => t(
                "Avarkivera repot på GitHub.",
                "Unarchive the repository on GitHub.",
            ),
            HealthLookDeploymentSLogsVercel => t(
                "Se deployens loggar i Vercel; en ny produktionsdeploy kan hjälpa.",
                "Look at the deployment's logs in Vercel; a new production deployment may help.",
            ),
            HealthSiteAnswersHTTP => t(
                "Webbplatsen svarar HTTP {s}.",
                "The site answers HTTP {s}.",
            ),
            HealthRepairMakesNewProductionDeployment => t(
                "Reparera gör en ny produktionsdeploy.",
                "Repair makes a new production deployment.",
            ),
            HealthSiteAnswers404DomainPoints => t(
                "Webbplatsen svarar 404: domänen pekar inte på någon deploy.",
                "The site answers 404: the domain points at no deployment.",
            ),
            HealthTurnDeploymentProtectionOffProduction => t(
                "Stäng av Deployment Protection för produktion i Vercel-projektets inställningar.",
                "Turn Deployment Protection off for production in the Vercel project's settings.",
            ),
            HealthSiteAsksLoginHTTPDeployment => t(
                "Webbplatsen kräver inloggning (HTTP {s}): Deployment Protection är påslaget.",
                "The site asks for a login (HTTP {s}): Deployment Protection is on.",
            ),
            HealthCheckAgainSeeDeployment => t(
                "Kontrollera igen om en stund; består det, se deployen i Vercel.",
                "Check again in a while; if it stays, look at the deployment in Vercel.",
            ),
            HealthSiteDidNotAnswerMs => t(
                "Webbplatsen svarade inte ({ms} ms): {message}",
                "The site did not answer ({ms} ms): {message}",
            ),
            HealthProductionDeploymentNoLongerExists => t(
                "Produktionsdeployen {id} finns inte längre.",
                "The production deployment {id} no longer exists.",
            ),
            HealthProductionDeploymentState => t(
                "Produktionsdeployen är {state}{why}.",
                "The production deployment is {state}{why}.",
            ),
            HealthProjectHasNoProductionDeployment => t(
                "Projektet har ingen produktionsdeploy.",
                "The project has no production deployment.",
            ),
            HealthRepairSetsVariableTarget => t(
                "Reparera sätter variabeln för produktion igen och gör en ny produktionsdeploy.",
                "Repair sets the variable for production again and makes a new production deployment.",
            ),
            HealthEnvironmentVariableNoLongerApplies => t(
                "Miljövariabeln {key} gäller inte längre produktion.",
                "The environment variable {key} no longer applies to production.",
            ),
            HealthRepairSetsMissingVariable => t(
                "Reparera sätter variabeln igen, för produktion, och gör en ny produktionsdeploy.",
                "Repair sets the variable again, for production, and makes a new production deployment.",
            ),
            HealthEnvironmentVariableMissingVercel => t(
                "Miljövariabeln {key} saknas i Vercel.",
                "The environment variable {key} is missing in Vercel.",
            ),
            HealthVercelProjectNoLongerExists => t(
                "Vercel-projektet {project_id} finns inte längre.",
                "The Vercel project {project_id} no longer exists.",
            ),
            HealthCheckAgainFewMinutesStays => t(
                "Kontrollera igen om några minuter; består det, se projektet i Supabase.",
                "Check again in a few minutes; if it stays, look at the project in Supabase.",
            ),
            HealthServiceReports => t(
                "Tjänsten {name} svarar {status}{why}.",
                "The {name} service reports {status}{why}.",
            ),
            HealthSupabaseProjectNotHealthy => t(
                "Supabase-projektet är inte friskt ({status}).",
                "The Supabase project is not healthy ({status}).",
            ),
            HealthSupabaseProjectBeingRemoved => t(
                "Supabase-projektet tas bort ({status}).",
                "The Supabase project is being removed ({status}).",
            ),
            HealthResumeProjectCustomerShouldActive => t(
                "Återuppta projektet om kunden ska vara aktiv.",
                "Resume the project if the customer should be active.",
            ),
            HealthSupabaseProjectPausedCustomerCannot => t(
                "Supabase-projektet är pausat ({status}): kunden kan inte logga in.",
                "The Supabase project is paused ({status}): the customer cannot sign in.",
            ),
            HealthSupabaseProjectNoLongerExists => t(
                "Supabase-projektet {project_ref} finns inte längre.",
                "The Supabase project {project_ref} no longer exists.",
            ),
            HealthCouldNotRead => t(
                "Kunde inte läsas: {e}",
                "Could not be read: {e}",
            ),
            HealthCheckAgainLater => t(
                "Kontrollera igen om en stund.",
                "Check again in a while.",
            ),
            HealthCheckTokenSettingsCheckAgain => t(
                "Kontrollera {provider}-token under Inställningar och kontrollera igen.",
                "Check the {provider} token in Settings and check again.",
            ),
            PreflightSenderDomainCouldNotChecked => t(
                "Avsändardomänen {domain} kunde inte kontrolleras: {e}",
                "The sender domain {domain} could not be checked: {e}",
            ),
            PreflightResendRejectedKey => t(
                "Resend avvisade nyckeln ({message})",
                "Resend rejected the key ({message})",
            ),
            PreflightResendKeyMayOnlySend => t(
                "Resend-nyckeln får bara skicka, så avsändardomänen {domain} kan inte kontrolleras i förväg",
                "The Resend key may only send, so the sender domain {domain} cannot be checked beforehand",
            ),
            PreflightSenderDomainNotResendAccount => t(
                "Avsändardomänen {domain} finns inte i Resend-kontot; lägg till och verifiera den på resend.com/domains, eller byt avsändaradress",
                "The sender domain {domain} is not in the Resend account; add and verify it at resend.com/domains, or change the sender address",
            ),
            PreflightSenderDomainNotVerifiedResend => t(
                "Avsändardomänen {domain} är inte verifierad i Resend (status {status}); verifiera den på resend.com/domains",
                "The sender domain {domain} is not verified in Resend (status {status}); verify it at resend.com/domains",
            ),
            StepProductionURLNow => t(
                "Produktionsadressen är nu {url}",
                "The production URL is now {url}",
            ),
            StepNewWelcomeEmailWent => t(
                "Ett nytt välkomstmejl gick till {admin_email}",
                "A new welcome email went to {admin_email}",
            ),
            StepTablesExistAllRowLevel => t(
                "{n} tabeller finns, alla med radnivåsäkerhet",
                "{n} tables exist, all with row-level security",
            ),
            StepVercelDidNotSaveTrying => t(
                "Vercel sparade inte {list} ({message}); försöker igen om {ms} ms",
                "Vercel did not save {list} ({message}); trying again in {ms} ms",
            ),
            ImportMBMostMBCanImported => t(
                "är {mb} MB; högst {max} MB kan importeras åt gången",
                "is {mb} MB; at most {max} MB can be imported at a time",
            ),
        }
    }

    /// The sentence with no parameters.
    pub fn text(self) -> Text {
        self.with(Params::new())
    }

    /// The sentence with its parameters, in both languages.
    pub fn with(self, params: Params) -> Text {
        let t = self.template();
        Text::new(render(t.sv, &params), render(t.en, &params))
    }
}

/// Puts a two-language value into a sentence's parameters: `name` and `name_en`.
pub fn param_text(params: &mut Params, name: &str, text: &Text) {
    params.insert(name.to_string(), text.sv.clone());
    params.insert(format!("{name}_en"), text.en.clone());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::placeholders;

    #[test]
    fn every_sentence_has_both_languages_with_the_same_parameters() {
        for s in Say::ALL {
            let t = s.template();
            assert!(!t.sv.trim().is_empty() && !t.en.trim().is_empty(), "{s}");
            let sv: Vec<&str> = placeholders(t.sv).into_iter().collect();
            let en: Vec<String> = placeholders(t.en)
                .into_iter()
                .map(|p| p.trim_end_matches("_en").to_string())
                .collect();
            assert_eq!(sv, en, "{s}: the languages take different parameters");
            assert!(
                !t.en.contains(['å', 'ä', 'ö', 'Å', 'Ä', 'Ö']),
                "{s}: Swedish letters in the English text"
            );
        }
    }
}
