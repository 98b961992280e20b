//! Every sentence the core says to a person that is not an error: what a run logs, what a
//! notification says, why an action waits. Declared once, in both languages, like the error
//! codes: a sentence is a name plus named parameters, rendered from its templates.

use super::{render, Params, Text};
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
        // Schema roll-outs (issue #30).
        RolloutFolderMissing => "rollout_folder_missing",
        RolloutHaltShareRange => "rollout_halt_share_range",
        RolloutNoProject => "rollout_no_project",
        RolloutRunEnded => "rollout_run_ended",
        RolloutInstancePaused => "rollout_instance_paused",
        RolloutAlreadyCurrent => "rollout_already_current",
        RolloutUnknownHistory => "rollout_unknown_history",
        RolloutSchemaHas => "rollout_schema_has",
        WaveNotUnderstood => "wave_not_understood",
        WaveRestLast => "wave_rest_last",
        CanaryFailed => "canary_failed",
        WaveHalted => "wave_halted",
        MigrateBaselineWritten => "migrate_baseline_written",
        MigrationApplied => "migration_applied",
        MigrationAlreadyThere => "migration_already_there",
        SettingGiveWholeNumber => "setting_give_whole_number",
        SettingGiveParallel => "setting_give_parallel",
        AlreadyPaused => "already_paused",
        AlreadyRunning => "already_running",
        PausedResumeFirst => "paused_resume_first",
        NotDelivered => "not_delivered",
        NothingToRepair => "nothing_to_repair",
        TokensMissing => "tokens_missing",
        NoKnownSeat => "no_known_seat",
        // What a person's login on the shared register may lack (`Right`).
        RightRead => "right_read",
        RightWrite => "right_write",
        RightProvision => "right_provision",
        RightDayTwo => "right_day_two",
        RightTeardown => "right_teardown",
        RightRestore => "right_restore",
        RightSettings => "right_settings",
        RightPeople => "right_people",
        // "Ta bort exempel": what was removed, what was kept and why.
        ExamplesRemoved => "examples_removed",
        ExampleKeptBusy => "example_kept_busy",
        ExampleKeptResources => "example_kept_resources",
        ExampleKeptItem => "example_kept_item",
        ExamplesKeptTeardownFirst => "examples_kept_teardown_first",
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
        StepOldBackupsNotPruned => "step_old_backups_not_pruned",
        ImportMBMostMBCanImported => "import_m_b_most_m_b_can_imported",
        ImportLargerThanCanImported => "import_larger_than_can_imported",
        // Settings, token checks, the plan, files to import.
        VerifyOrganizationNotVisible => "verify_organization_not_visible",
        SettingTemplateCreatesNoTables => "setting_template_creates_no_tables",
        SettingNotValidModuleManifest => "setting_not_valid_module_manifest",
        ImportHeaderRowMissing => "import_header_row_missing",
        WaitRetrying => "wait_retrying",
        AdoptedOnPurpose => "adopted_on_purpose",
        ConfigWritten => "config_written",
        ConfigWrittenWithPlan => "config_written_with_plan",
        NothingSeen => "nothing_seen",
        PlanAdoptedOnPurpose => "plan_adopted_on_purpose",
        PlanRefusedNotOurs => "plan_refused_not_ours",
        VerifyTeamNotVisible => "verify_team_not_visible",
        SettingTeamIdStartsTeam => "setting_team_id_starts_team",
        SettingMustContain => "setting_must_contain",
        SettingMustContain2 => "setting_must_contain2",
        SettingGiveMinutes51440Empty => "setting_give_minutes51440_empty",
        SettingMustStartHttpsHttpOnly => "setting_must_start_https_http_only",
        SettingNotValidEmailAddress => "setting_not_valid_email_address",
        SettingWriteJustDomainNameE => "setting_write_just_domain_name_e",
        SettingWriteOwnerRepo => "setting_write_owner_repo",
        SettingPublicSentVisitorsBrowsersSecret => "setting_public_sent_visitors_browsers_secret",
        SettingVariableNameZ09 => "setting_variable_name_z09",
        SettingNotValidJSON => "setting_not_valid_j_s_o_n",
        SettingMustSetBeforeCustomerCan => "setting_must_set_before_customer_can",
        SettingFileCannotRead => "setting_file_cannot_read",
        SettingUnknownSetting => "setting_unknown_setting",
        SettingSetSenderAddressFirst => "setting_set_sender_address_first",
        SettingMustSetBeforeCustomerCan2 => "setting_must_set_before_customer_can2",
        SettingMustStartHttpsHttpOnly2 => "setting_must_start_https_http_only2",
        VerifyFormatRightSendTestEmail => "verify_format_right_send_test_email",
        VerifyDoesNotLookLikeResend => "verify_does_not_look_like_resend",
        VerifyVerifiedAgainst => "verify_verified_against",
        VerifySetN8nInstanceSAddress => "verify_set_n8n_instance_s_address",
        VerifyVerified => "verify_verified",
        VerifyVerifiedSees => "verify_verified_sees",
        VerifyVerifiedSeesOrganization => "verify_verified_sees_organization",
        VerifySetTemplateRepositoryGithubTemplate => "verify_set_template_repository_github_template",
        VerifyTokenHasNoAccessTemplate => "verify_token_has_no_access_template",
        VerifyFineGrainedTokenCannotList => "verify_fine_grained_token_cannot_list",
        VerifyVerifiedAccessTemplateRepository => "verify_verified_access_template_repository",
        VerifyTokenLacksDeleteRepoScope => "verify_token_lacks_delete_repo_scope",
        VerifyVerified2 => "verify_verified2",
        VerifyTokenLacksRepoScope => "verify_token_lacks_repo_scope",
        VerifyCouldNotCheck => "verify_could_not_check",
        VerifyTokenHasNoAccess => "verify_token_has_no_access",
        VerifyTokenWasRejected => "verify_token_was_rejected",
        VerifyTokenWasRejected2 => "verify_token_was_rejected2",
        ImportJSONFileNeitherListNor => "import_j_s_o_n_file_neither_list_nor",
        ImportJSONFileHasNoCustomers => "import_j_s_o_n_file_has_no_customers",
        ImportJSONFileCannotReadLine => "import_j_s_o_n_file_cannot_read_line",
        ImportCSVFileCannotReadLine => "import_c_s_v_file_cannot_read_line",
        ImportColumnAppearsTwiceHeaderRow => "import_column_appears_twice_header_row",
        ImportFileEmpty => "import_file_empty",
        ImportFileNotUTF8Byte => "import_file_not_u_t_f8_byte",
        PortalHasNoColumnColumnsAre => "portal_has_no_column_columns_are",
        PortalDoesNotExistRoleMay => "portal_does_not_exist_role_may",
        PortalCannotRead => "portal_cannot_read",
        PortalAddressCannotRead => "portal_address_cannot_read",
        PortalNotTableNameWriteExample => "portal_not_table_name_write_example",
        PlanSavesInstanceSDetailsCustomer => "plan_saves_instance_s_details_customer",
        PlanSendsWelcomeEmail => "plan_sends_welcome_email",
        PlanWelcomeEmailHasAlreadyBeen => "plan_welcome_email_has_already_been",
        PlanCreatesActivatesN8nWorkflow => "plan_creates_activates_n8n_workflow",
        PlanN8nWorkflowAlreadyCustomerS => "plan_n8n_workflow_already_customer_s",
        PlanDeploysProductionWaitsREADY => "plan_deploys_production_waits_r_e_a_d_y",
        PlanSetsEnvironmentVariablesSupabaseURL => "plan_sets_environment_variables_supabase_u_r_l",
        PlanCreatesVercelProjectLinkedRepository => "plan_creates_vercel_project_linked_repository",
        PlanVercelProjectAlreadyCustomerS => "plan_vercel_project_already_customer_s",
        PlanCreatesPrivateRepositoryFromTemplate => "plan_creates_private_repository_from_template",
        PlanRepositoryAlreadyExistsButWas => "plan_repository_already_exists_but_was",
        PlanRepositoryAlreadyCustomerSUsed => "plan_repository_already_customer_s_used",
        PlanNotMarkedTemplateRepositoryTemplate => "plan_not_marked_template_repository_template",
        PlanTemplateRepositoryDoesNotExist => "plan_template_repository_does_not_exist",
        PlanCreatesAdministratorAdoptsExistingOne => "plan_creates_administrator_adopts_existing_one",
        PlanAppliesSchemaTablesRowLevel => "plan_applies_schema_tables_row_level",
        PlanFetchesAnonServiceRoleKeys => "plan_fetches_anon_service_role_keys",
        PlanWaitsUntilProjectACTIVEHEALTHY => "plan_waits_until_project_a_c_t_i_v_e_h_e_a_l_t_h_y",
        PlanCreatesSupabaseProjectOrganization => "plan_creates_supabase_project_organization",
        PlanSupabaseProjectAlreadyCustomerS => "plan_supabase_project_already_customer_s",
    }
);

impl Say {
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

#[path = "say_texts.rs"]
mod texts;

#[cfg(test)]
#[path = "say_tests.rs"]
mod tests;
