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
