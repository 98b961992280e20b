//! The texts of the core's sentences (`Say`), in Swedish and English: the catalogue's table,
//! kept apart from the names so each file reads as one thing.

use super::Say;
use crate::messages::Template;

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
            BackupsStale => t("Gamla säkerhetskopior", "Old backups"),
            BackupsStaleAlert => t(
                "De här instansernas senaste säkerhetskopia (databas eller flöden) är äldre än gränsen (backup.alert_hours): {slugs}. Ta en ny med fabrik backup create SLUG och fabrik backup workflows SLUG, eller se Säkerhetskopior på kundens sida.",
                "These instances' newest backup (database or workflows) is older than the limit (backup.alert_hours): {slugs}. Take a new one with fabrik backup create SLUG and fabrik backup workflows SLUG, or see Backups on the customer's page.",
            ),
            BillingPaymentFailed => t("betalningen misslyckades", "the payment failed"),
            BillingPaused => t("pausad i Stripe", "paused in Stripe"),
            BillingResumed => t("återupptagen eller betald igen", "resumed or paid again"),
            BillingPeriodEnded => t("slutade vid periodens slut", "ended at the period's end"),
            BillingStepNothing => t("ingenting", "nothing"),
            BillingStepTell => t("meddela", "tell"),
            BillingStepOffer => t("erbjud", "offer"),
            BillingStepDo => t("gör", "do"),
            BillingDid => t(
                "{slug}: {transition}; {action} startad (körning #{run})",
                "{slug}: {transition_en}; {action_en} started (run #{run})",
            ),
            BillingOffers => t(
                "{slug}: {transition}; väntar på ditt beslut: {action}",
                "{slug}: {transition_en}; waits for your decision: {action_en}",
            ),
            BillingTells => t("{slug}: {transition}", "{slug}: {transition_en}"),
            BillingStripeSaysOtherwise => t(
                "Stripe säger nu att prenumerationen är {status}",
                "Stripe now says the subscription is {status}",
            ),
            BillingNotStarted => t(
                "{slug}: {transition}; {action} kunde inte startas ({reason}) och väntar på ditt beslut",
                "{slug}: {transition_en}; {action_en} could not be started ({reason_en}) and waits for your decision",
            ),
            BillingPeriodEndExports => t(
                "Vid periodens slut sparas kundens export i exportmappen; avvecklingen erbjuds, görs aldrig automatiskt.",
                "At the period's end the customer's export is kept in the export folder; the teardown is offered, never done on its own.",
            ),
            BillingExported => t(
                "{slug}: kundens export är sparad i {path} inför avvecklingen",
                "{slug}: the customer's export is kept in {path} before the teardown",
            ),
            BillingExportFailed => t(
                "{slug}: kundens export kunde inte göras ({reason}); gör den med `fabrik export {slug}` innan du avvecklar",
                "{slug}: the customer's export could not be made ({reason}); make it with `fabrik export {slug}` before tearing down",
            ),
            BillingAlertTitle => t("Prenumerationer", "Subscriptions"),
            BillingGraceDays => t("{days} dagar", "{days} days"),
            BillingGraceUntilStripe => t("tills Stripe ger upp", "until Stripe gives up"),
            BillingAlert => t(
                "Stripe ändrade de här prenumerationerna: {lines}. Se Prenumeration på kundens sida i Fabrik.",
                "Stripe changed these subscriptions: {lines}. See Subscription on the customer's page in Fabrik.",
            ),
            RunsFailed => t("Misslyckade körningar", "Failed runs"),
            RunsFailedAlert => t(
                "De här körningarna misslyckades: {runs}. Se Aktivitet i Fabrik, eller fabrik runs show NUMMER.",
                "These runs failed: {runs}. See Activity in Fabrik, or fabrik runs show NUMBER.",
            ),
            JobIntakePoll => t("Inkorgen", "Inbox"),
            JobBilling => t("Fakturering", "Billing"),
            JobDatabaseBackups => t("Databaskopior", "Database backups"),
            JobWorkflowBackups => t("Flödeskopior", "Workflow backups"),
            JobHealthSweep => t("Hälsokontroll", "Health sweep"),
            JobBackupAlert => t("Larm om gamla kopior", "Old-backup alert"),
            JobRunAlert => t("Larm om misslyckade körningar", "Failed-run alert"),
            JobHandoverFollow => t("Följ överlämningar", "Follow handovers"),
            JobExportKeeping => t("Gallra kundexporter", "Prune customer exports"),
            JobUsageCollect => t("Användning", "Usage"),
            UsageNotRead => t("{slug}: {e}", "{slug}: {e_en}"),
            UsageNotKept => t(
                "{slug}: avläsningen kunde inte sparas: {e}",
                "{slug}: the reading could not be kept: {e}",
            ),
            SettingGiveSubscriptions => t(
                "Skriv slug=sub_… eller slug=cus_… för varje kund, kommaseparerade",
                "Write slug=sub_… or slug=cus_… for each customer, comma-separated",
            ),
            HealthUsageNear => t("gräns", "limit"),
            DriftCancelledRunning => t(
                "Prenumerationen är avslutad i Stripe men instansen är igång",
                "The subscription has ended in Stripe but the instance is running",
            ),
            DriftCancelledRunningDo => t(
                "Pausa instansen, eller riv den genom den skyddade grinden när kunden är avslutad; Fabrik river aldrig själv",
                "Pause the instance, or tear it down through the guarded gate once the customer is done; Fabrik never tears down on its own",
            ),
            DriftPayingPaused => t(
                "Prenumerationen betalas i Stripe men instansen är pausad",
                "The subscription is being paid in Stripe but the instance is paused",
            ),
            DriftPayingPausedDo => t("Återuppta instansen", "Resume the instance"),
            DriftNoSubscription => t(
                "Instansen är levererad men ingen prenumeration i Stripe hör till kunden",
                "The instance is delivered but no Stripe subscription belongs to the customer",
            ),
            DriftLinkNotFound => t(
                "Kunden är länkad till {link}, som inte finns bland Stripes prenumerationer",
                "The customer is linked to {link}, which is not among Stripe's subscriptions",
            ),
            DriftNoSubscriptionDo => t(
                "Länka en prenumeration: slug=sub_… i inställningen usage.stripe_subscriptions",
                "Link a subscription: slug=sub_… in the setting usage.stripe_subscriptions",
            ),
            DriftCliPause => t("fabrik pause {slug}", "fabrik pause {slug}"),
            DriftCliResume => t("fabrik resume {slug}", "fabrik resume {slug}"),
            DriftCliTeardown => t(
                "fabrik teardown {slug} (den skyddade grinden)",
                "fabrik teardown {slug} (the guarded gate)",
            ),
            DriftCliLink => t(
                "fabrik settings set usage.stripe_subscriptions \"{slug}=sub_…\"",
                "fabrik settings set usage.stripe_subscriptions \"{slug}=sub_…\"",
            ),
            DriftCliPlan => t(
                "fabrik customers edit {slug} --plan {plan}, sedan fabrik update-modules {slug}",
                "fabrik customers edit {slug} --plan {plan}, then fabrik update-modules {slug}",
            ),
            DriftPlanDiffers => t(
                "Prenumerationens pris hör till planen {plan}, men instansen har {current}",
                "The subscription's price maps to the plan {plan}, but the instance has {current}",
            ),
            DriftPlanDiffersDo => t(
                "Byt kundens plan till {plan} och kör Uppdatera moduler",
                "Change the customer's plan to {plan} and run Update modules",
            ),
            DriftUnlinked => t(
                "Prenumerationen {subscription} ({status}) hör inte till någon kund i registret",
                "Subscription {subscription} ({status}) belongs to no customer in the register",
            ),
            ReconcileTruncated => t(
                "Stripe har fler prenumerationer än Fabrik läser på en gång; jämförelsen är ofullständig",
                "Stripe has more subscriptions than Fabrik reads at once; the comparison is incomplete",
            ),
            ReconcileSkipped => t(
                "{n} prenumerationer kunde inte läsas och är inte jämförda",
                "{n} subscriptions could not be read and are not compared",
            ),
            ReconcileNotKept => t(
                "Det som lästes kunde inte sparas i registret ({e}); sidan visar det först efter nästa läsning",
                "What was read could not be kept in the register ({e}); the page shows it only after the next read",
            ),
            UsageLimits => t("Gränser nära", "Limits near"),
            UsageLimitsAlert => t(
                "De här instanserna närmar sig en gräns: {warnings}. Se Användning i Fabrik, eller fabrik usage SLUG.",
                "These instances are nearing a limit: {warnings}. See Usage in Fabrik, or fabrik usage SLUG.",
            ),
            JobStateDone => t("gjort", "done"),
            JobStateNothing => t("inget att göra", "nothing to do"),
            JobStateHeld => t("görs av en annan plats", "done by another seat"),
            JobStateOff => t("av", "off"),
            JobStateFailed => t("MISSLYCKADES", "FAILED"),
            WorkflowBackupCommitted => t(
                "Flödet sparat i {repository} (commit {commit})",
                "The workflow saved in {repository} (commit {commit})",
            ),
            WorkflowBackupUnchanged => t(
                "Flödet är oförändrat sedan förra säkerhetskopian i {repository}; ingen commit",
                "The workflow is unchanged since the last backup in {repository}; no commit",
            ),
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
            RolloutFolderMissing => t("{place} finns inte", "{place} does not exist"),
            RolloutHaltShareRange => t(
                "Stoppgränsen är en andel mellan 0 och 1",
                "The halt share is a fraction between 0 and 1",
            ),
            RolloutNoProject => t(
                "Instansen har inget Supabase-projekt i registret",
                "The instance has no Supabase project in the register",
            ),
            RolloutRunEnded => t("Körningen slutade som {state}", "The run ended {state}"),
            RolloutInstancePaused => t(
                "Instansen är pausad; återstarta den och kör utrullningen igen",
                "The instance is paused; resume it and run the roll-out again",
            ),
            RolloutDatabaseLocked => t(
                "Supabase har låst databasen för skrivning (den har nått sin plans storlek); frigör utrymme eller uppgradera planen och kör utrullningen igen",
                "Supabase has locked the database for writing (it has reached its plan's size); free space or upgrade the plan and run the roll-out again",
            ),
            RolloutInstanceBusy => t(
                "Instansen hade en annan körning igång {tries} gånger i rad; låt den bli klar och kör utrullningen igen",
                "The instance had another run going {tries} times in a row; let it finish and run the roll-out again",
            ),
            RolloutAlreadyCurrent => t(
                "Redan aktuell: varje fil finns i historiken",
                "Already current: every file is in the history",
            ),
            RolloutUnknownHistory => t(
                "Historiken har versioner som filerna saknar: {versions} (lägg till filerna, eller reparera historiken med supabase migration repair)",
                "The history holds versions the files do not: {versions} (add the files, or repair the history with supabase migration repair)",
            ),
            RolloutSchemaHas => t(
                "Schemat har redan {tables} som {version} skapar; läggs inte in",
                "The schema already has {tables} that {version} creates; not applied",
            ),
            TemplateCurrent => t(
                "Redan på mallens version {sha}",
                "Already at the template's version {sha}",
            ),
            TemplateNothingToChange => t(
                "Repot har redan mallens ändringar till {sha}: ingen pull request behövs",
                "The repository already has the template's changes up to {sha}: no pull request needed",
            ),
            TemplatePrOpened => t(
                "Pull request #{number} öppnad i {repo}: {files} filer, {conflicts} konflikter",
                "Pull request #{number} opened in {repo}: {files} files, {conflicts} conflicts",
            ),
            TemplatePrOpen => t(
                "Pull request #{number} är redan öppen för den här versionen",
                "Pull request #{number} is already open for this version",
            ),
            TemplatePrMerged => t(
                "Pull request #{number} är ihopslagen: repot står på mallens {sha}",
                "Pull request #{number} is merged: the repository stands on the template's {sha}",
            ),
            TemplatePrClosed => t(
                "Pull request #{number} stängdes utan att slås ihop; Fabrik öppnar den inte igen",
                "Pull request #{number} was closed without merging; Fabrik does not reopen it",
            ),
            TemplatePrPushed => t(
                "En person har pushat till {branch} (pull request #{number}): Fabrik lämnar den som den är",
                "A person pushed to {branch} (pull request #{number}): Fabrik leaves it as it is",
            ),
            TemplateNoRepo => t(
                "Inget GitHub-repo i registret för kunden",
                "No GitHub repository in the register for the customer",
            ),
            TemplateBaseNeeded => t(
                "Okänt vilken mallversion repot står på; ange den med fabrik template base {slug} <sha>",
                "Unknown which template version the repository stands on; state it with fabrik template base {slug} <sha>",
            ),
            WaveNotUnderstood => t(
                "Vågen \"{part}\" är varken ett antal, en andel (10%) eller \"rest\"",
                "The wave \"{part}\" is neither a count, a share (10%) nor \"rest\"",
            ),
            WaveRestLast => t("\"rest\" måste vara den sista vågen", "\"rest\" must be the last wave"),
            CanaryFailed => t(
                "Kanarievågen misslyckades ({failed} av {total})",
                "The canary wave failed ({failed} of {total})",
            ),
            WaveHalted => t(
                "Våg {wave} stoppades: {failed} av {total} misslyckades ({share} %, gränsen är {limit} %)",
                "Wave {wave} halted: {failed} of {total} failed ({share} %, the limit is {limit} %)",
            ),
            MigrateBaselineWritten => t(
                "Historiken fick en baslinje för schemat instansen levererades med",
                "The history got a baseline for the schema the instance was delivered with",
            ),
            MigrationApplied => t("{file} inlagd", "{file} applied"),
            MigrationAlreadyThere => t(
                "{file} fanns redan i historiken; inte inlagd igen",
                "{file} was in the history already; not applied again",
            ),
            SettingGiveEmailsPerHour => t(
                "Ange ett heltal från 1 till 10000 (tomt = 100)",
                "Give a whole number from 1 to 10000 (empty = 100)",
            ),
            SettingGiveParallel => t(
                "Ange ett heltal från 1 till 64 (tomt = 8)",
                "Give a whole number from 1 to 64 (empty = 8)",
            ),
            SettingGiveBackupTarget => t(
                "Skriv gitea eller github",
                "Write gitea or github",
            ),
            SettingGiveWholeNumber => t(
                "Ange ett heltal, 0 eller större (tomt = standardvärdet)",
                "Give a whole number, 0 or more (empty = the default)",
            ),
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
            SucceededNotRolledBack => t(
                "den lyckades, och en lyckad körning rullas inte tillbaka. Det en leverans skapade tas bort bara genom en avveckling (teardown: `fabrik teardown {slug}`, med ägarens rätt och slugen inskriven); ingenting ändrades",
                "it succeeded, and a succeeded run is not rolled back. What a delivery made is removed only by a teardown (`fabrik teardown {slug}`, with an owner's right and the slug typed); nothing was changed",
            ),
            AlreadyRolledBack => t(
                "den är redan återställd; ingenting ändrades",
                "it is rolled back already; nothing was changed",
            ),
            FinishedNothingToResume => t(
                "den slutade som {state} och har inget kvar att fortsätta; ingenting ändrades",
                "it ended as {state} and has nothing left to continue; nothing was changed",
            ),
            FinishedNothingToCancel => t(
                "den slutade redan som {state}; det finns inget att stoppa, ingenting ändrades",
                "it ended already as {state}; there is nothing to stop, nothing was changed",
            ),
            TeardownNotRolledBack => t(
                "en avveckling rullas inte tillbaka (det den tog bort kommer inte tillbaka); den fortsätts med `fabrik runs resume {run}`. Ingenting ändrades",
                "a teardown is not rolled back (what it removed does not come back); it is continued with `fabrik runs resume {run}`. Nothing was changed",
            ),
            HandedOver => t(
                "instansen är överlämnad till kunden; Fabrik rör den inte längre",
                "the instance was handed over to the customer; Fabrik no longer touches it",
            ),
            HandoverNone => t(
                "Ingen överlämning av {slug} pågår.",
                "No handover of {slug} is under way.",
            ),
            HandoverWaiting => t(
                "Överlämningen av {slug} (begärd {at}) väntar på kunden:",
                "The handover of {slug} (asked {at}) waits for the customer:",
            ),
            HandoverDone => t(
                "{slug} är överlämnad till kunden ({at}). Fabrik rör inte instansen längre.",
                "{slug} was handed over to the customer ({at}). Fabrik no longer touches the instance.",
            ),
            HandoverTaken => t("{part}: övertagen {at}", "{part}: taken {at}"),
            HandoverNotYet => t("{part}: väntar", "{part}: waiting"),
            HandoverWithdrawn => t(
                "Överlämningen av {slug} är tillbakadragen.",
                "The handover of {slug} was withdrawn.",
            ),
            HandoverRevoked => t(
                "Supabase: länken för att ta över projektet är återkallad.",
                "Supabase: the link to claim the project was revoked.",
            ),
            HandoverClaimAppRefused => t(
                "Supabase känner inte igen byråns OAuth-app eller dess omdirigeringsadress ({detail}). Jämför klient-id och omdirigeringsadress med appen under Organization settings → OAuth Apps och kör överlämningen igen.",
                "Supabase does not know the agency's OAuth app or its redirect address ({detail}). Compare the client id and the redirect address with the app under Organization settings → OAuth Apps and run the handover again.",
            ),
            HandoverNeedsClaimApp => t(
                "Supabase lämnar över ett projekt genom byråns OAuth-app (Supabase: Organization settings → OAuth Apps; flödet öppnas av Supabase på begäran). Ange appens klient-id och omdirigeringsadress i inställningarna och kör överlämningen igen.",
                "Supabase hands a project over through the agency's OAuth app (Supabase: Organization settings → OAuth Apps; Supabase opens the flow on request). Set the app's client id and redirect address in the settings and run the handover again.",
            ),
            HandoverVercelLapses => t(
                "Vercel: en flyttbegäran kan inte dras tillbaka; koden slutar gälla 24 timmar efter att den gjordes.",
                "Vercel: a transfer request cannot be withdrawn; its code lapses 24 hours after it was made.",
            ),
            HandoverGithubByHand => t(
                "GitHub: en flytt kan inte dras tillbaka genom API:t. Väntar den på en användare: avbryt den i GitHub (repot → Settings). Har den redan gått till en organisation: be kunden flytta tillbaka repot.",
                "GitHub: a transfer cannot be withdrawn through the API. If it waits for a user: cancel it in GitHub (the repository → Settings). If it already went to an organization: ask the customer to transfer the repository back.",
            ),
            HandoverAlreadyDone => t(
                "{slug} är redan överlämnad och kan inte dras tillbaka.",
                "{slug} was already handed over and cannot be withdrawn.",
            ),
            NothingToRepair => t(
                "den senaste hälsokontrollen fann inget som en reparation kan laga; kontrollera igen först",
                "the last health check found nothing a repair can mend; check again first",
            ),
            TokensMissing => t("Token saknas för {names}", "Tokens are missing for {names}"),
            NoKnownSeat => t("ingen plats som registret känner till", "no seat the register knows of"),
            RightRead => t("läsa registret", "read the register"),
            RightWrite => t("ändra i registret", "change the register"),
            RightRemove => t(
                "ta bort det en levererad instans står på (en domän, dess första administratör)",
                "remove what a delivered instance stands on (a domain, its first administrator)",
            ),
            RightAdopt => t(
                "låta Fabrik ta över en resurs som Fabrik inte skapade",
                "let Fabrik take over a resource Fabrik did not make",
            ),
            RightCustomers => t(
                "lägga till, ändra och ta bort kunder",
                "add, edit and remove customers",
            ),
            RightProvision => t("provisionera", "provision"),
            RightDayTwo => t(
                "köra åtgärder på en levererad instans",
                "run actions on a delivered instance",
            ),
            RightTeardown => t("avveckla", "tear down"),
            RightRestore => t("återställa en databas", "restore a database"),
            RightPeople => t("lägga till och ta bort personer", "add and remove people"),
            PriceKeyUnknown => t(
                "okänd post i prislistan; kända: {keys}",
                "not a line of the price book; known: {keys}",
            ),
            PriceNotNegative => t("beloppet kan inte vara negativt", "the amount cannot be negative"),
            PriceCurrency => t(
                "valutan ska vara tre bokstäver (sek, eur, usd), inte {currency}",
                "the currency is three letters (sek, eur, usd), not {currency}",
            ),
            PriceKeyTwice => t("posten står två gånger", "the line is there twice"),
            PriceGiveKeyAmount => t(
                "skriv POST=BELOPP i hela ören/cent, till exempel vercel.project=2100, inte {given}",
                "write KEY=AMOUNT in whole minor units, for example vercel.project=2100, not {given}",
            ),
            CostCompute => t("Supabase-beräkning {what}", "Supabase compute {what}"),
            StripeStatusUnknown => t("Okänd ({status})", "Unknown ({status})"),
            PaymentFailedCode => t("Betalningen misslyckades (Stripes kod {code})", "The payment failed (Stripe's code {code})"),
            PaymentFailed => t("Betalningen misslyckades", "The payment failed"),
            CostDisk => t("Supabase disk, {what} GB utöver det som ingår", "Supabase disk, {what} GB beyond what is included"),
            CostVercel => t("Vercel, andel per projekt{what}", "Vercel, share per project{what}"),
            CostEmails => t("Resend, {what} e-post i månaden", "Resend, {what} emails a month"),
            CostExecutions => t("n8n, {what} körningar i månaden", "n8n, {what} executions a month"),
            CostInstance => t("Fast kostnad per instans{what}", "Fixed cost per instance{what}"),
            LimitNear => t(
                "{figure}: {value} av {limit} ({limit_of}){days}",
                "{figure_en}: {value} of {limit} ({limit_of}){days_en}",
            ),
            LimitReached => t(
                "{figure}: {value} av {limit} ({limit_of}), gränsen är nådd",
                "{figure_en}: {value} of {limit} ({limit_of}), the limit is reached",
            ),
            LimitIdlePause => t(
                "Ingen aktivitet sedan {since}: Supabase pausar gratisprojekt efter {limit} dagar utan aktivitet, om {days_left} dagar",
                "No activity since {since}: Supabase pauses free projects after {limit} idle days, in {days_left} days",
            ),
            LimitIdlePaused => t(
                "Ingen aktivitet sedan {since}: Supabase kan ha pausat projektet ({limit} dagar utan aktivitet)",
                "No activity since {since}: Supabase may have paused the project ({limit} idle days)",
            ),
            PlanFitsBadly => t(
                "använder som {uses_like}, betalar {pays}",
                "uses like {uses_like}, pays {pays}",
            ),
            MarginNoRevenue => t(
                "ingen intäkt känd (Stripe är inte kopplat, eller kunden har ingen prenumeration)",
                "no revenue known (Stripe is not set up, or the customer has no subscription)",
            ),
            MarginNoCost => t("ingen kostnad kunde uppskattas än", "no cost could be estimated yet"),
            MarginCurrencies => t(
                "intäkten är i {revenue} och prislistan i {cost}",
                "the revenue is in {revenue} and the price book in {cost}",
            ),
            UsageNotReported => t("inte rapporterat", "not reported"),
            UsageDays => t("ange ett antal dagar från 1 till {max}", "give a number of days from 1 to {max}"),
            LimitDaysLeft => t(", om {days} dagar i nuvarande takt", ", in {days} days at the current pace"),
            FigureDatabaseBytes => t("Databasens storlek", "Database size"),
            FigureDiskUsedBytes => t("Använd disk", "Disk used"),
            FigureDiskSizeBytes => t("Diskens storlek", "Disk size"),
            FigureApiRequests => t("API-anrop", "API requests"),
            FigureAuthUsers => t("Användare", "Users"),
            FigureStorageBytes => t("Lagrade filer", "File storage"),
            FigureDeployments => t("Driftsättningar i månaden", "Deployments this month"),
            FigureExecutions => t("Flödeskörningar", "Workflow executions"),
            FigureFailedExecutions => t("Misslyckade flödeskörningar", "Failed workflow executions"),
            FigureEmailsSent => t("Skickad e-post", "Emails sent"),
            FigureRevenue => t("Intäkt i månaden", "Revenue a month"),
            RightSettings => t("ändra registrets inställningar", "change the register's settings"),
            ExamplesRemoved => t(
                "Exempelkunder borttagna: {removed}.",
                "Example customers removed: {removed}.",
            ),
            ExampleKeptBusy => t("en körning pågår", "a run is going on"),
            ExampleKeptResources => t(
                "Fabrik kan ha skapat resurser i molnet för den",
                "Fabrik may have created cloud resources for it",
            ),
            ExampleKeptItem => t("{name} ({slug}): {reason}", "{name} ({slug}): {reason_en}"),
            ExamplesKeptTeardownFirst => t(
                "Behölls: {list}. Avveckla dem först (Avveckla på kundsidan, eller fabrik teardown), och ta sedan bort exemplen igen.",
                "Kept: {list_en}. Tear them down first (Avveckla on the customer page, or fabrik teardown), then remove the examples again.",
            ),
            DoneProvision => t("Provisionering klar", "Provisioning done"),
            DoneTeardown => t("Avveckling klar", "Teardown done"),
            DoneDayTwo => t("Klart: {what}", "Done: {what_en}"),
            DoneBody => t("{name}: {what} är klar", "{name}: {what_en} is done"),
            RunStopped => t("Körningen stannade", "The run stopped"),
            RunStoppedBody => t("{name}: {what} avbröts och kan återupptas", "{name}: {what_en} was cancelled and can be resumed"),
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
            HealthSupabaseDatabaseReadOnly => t(
                "Supabase har låst projektets databas för skrivning: den har nått gränsen för sin plans databasstorlek. Kunden kan läsa men inte spara något.",
                "Supabase has locked the project's database for writing: it has reached its plan's database size limit. The customer can read but cannot save anything.",
            ),
            HealthSupabaseFreeSpaceOrUpgrade => t(
                "Frigör utrymme i databasen eller uppgradera projektets plan hos Supabase. Låset kan hävas i 15 minuter i taget medan utrymme frigörs.",
                "Free space in the database or upgrade the project's plan at Supabase. The lock can be lifted for 15 minutes at a time while space is freed.",
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
                "Resend-nyckeln får bara skicka, så den kan inte ge instansen en egen sändningsnyckel från {domain}: spara en nyckel med Full access (fabrik secrets set resend)",
                "The Resend key may only send, so it cannot give the instance a sending key of its own from {domain}: save a key with Full access (fabrik secrets set resend)",
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
            StepPromoted => t(
                "Produktionen pekar nu på {deployment} (före: {previous}); {url} svarar en besökare",
                "Production now points at {deployment} (before: {previous}); {url} answers a visitor",
            ),
            StepAlreadyProduction => t(
                "{deployment} är redan produktion; inget ändrades",
                "{deployment} is production already; nothing was changed",
            ),
            NoEarlierProduction => t("ingen", "none"),
            StepDatabaseRecovered => t(
                "Supabase har återställt databasen i {project} till {at} och projektet är igång igen",
                "Supabase restored the database of {project} to {at} and the project is up again",
            ),
            StepOldBackupsNotPruned => t(
                "Gamla säkerhetskopior kunde inte rensas ({reason}); det görs vid nästa säkerhetskopia",
                "Old backups could not be pruned ({reason_en}); the next backup does it",
            ),
            ImportMBMostMBCanImported => t(
                "är {mb} MB; högst {max} MB kan importeras åt gången",
                "is {mb} MB; at most {max} MB can be imported at a time",
            ),
            ImportLargerThanCanImported => t(
                "är större än de {max} MB som kan importeras åt gången",
                "is larger than the {max} MB that can be imported at a time",
            ),
            SettingGiveOauthClientId => t(
                "ange appens klient-id, ett UUID som Supabase visar under OAuth Apps",
                "give the app's client id, a UUID Supabase shows under OAuth Apps",
            ),
            SettingTeamIdStartsTeam => t(
                "ett team-id börjar med team_",
                "a team id starts with team_",
            ),
            SettingMustContain => t(
                "måste innehålla {host}",
                "must contain {host}",
            ),
            SettingMustContain2 => t(
                "måste innehålla {ref}",
                "must contain {ref}",
            ),
            SettingGiveMinutes51440Empty => t(
                "ange minuter, 5 till 1440 (tomt = av)",
                "give minutes, 5 to 1440 (empty = off)",
            ),
            SettingMustStartHttpsHttpOnly => t(
                "måste börja med https:// (http:// bara till den här datorn)",
                "must start with https:// (http:// only to this computer)",
            ),
            SettingNotValidEmailAddress => t(
                "ogiltig e-postadress",
                "not a valid email address",
            ),
            SettingWriteJustDomainNameE => t(
                "skriv bara domännamnet, t.ex. byran.se",
                "write just the domain name, e.g. agency.com",
            ),
            SettingWriteOwnerRepo => t(
                "skriv som ägare/repo",
                "write it as owner/repo",
            ),
            SettingPublicSentVisitorsBrowsersSecret => t(
                "{name} är publik (skickas till besökarnas webbläsare); en hemlig nyckel får inte ha det namnet",
                "{name} is public (sent to visitors' browsers); a secret key must not have that name",
            ),
            SettingVariableNameZ09 => t(
                "ett variabelnamn består av A–Z, 0–9 och _ och börjar inte med en siffra",
                "a variable name is A–Z, 0–9 and _ and does not start with a digit",
            ),
            SettingNotValidJSON => t(
                "ogiltig JSON: {e}",
                "not valid JSON: {e}",
            ),
            SettingMustSetBeforeCustomerCan => t(
                "måste anges innan en kund kan provisioneras",
                "must be set before a customer can be provisioned",
            ),
            SettingFileCannotRead => t(
                "filen {path} kan inte läsas: {e}",
                "the file {path} cannot be read: {e}",
            ),
            SettingUnknownSetting => t(
                "okänd inställning",
                "unknown setting",
            ),
            SettingSetSenderAddressFirst => t(
                "ange avsändaradressen först",
                "set the sender address first",
            ),
            SettingMustSetBeforeCustomerCan2 => t(
                "måste anges innan en kund kan provisioneras (n8n-instansens adress)",
                "must be set before a customer can be provisioned (the n8n instance's address)",
            ),
            SettingMustStartHttpsHttpOnly2 => t(
                "{url} måste börja med https:// (http:// bara till den här datorn)",
                "{url} must start with https:// (http:// only to this computer)",
            ),
            VerifyFormatRightSendTestEmail => t(
                "Formatet stämmer; skicka ett testmejl för att prova nyckeln",
                "The format is right; send a test email to try the key",
            ),
            VerifyDoesNotLookLikeResend => t(
                "Ser inte ut som en API-nyckel från Resend (de börjar med re_)",
                "Does not look like a Resend API key (they start with re_)",
            ),
            VerifyVerifiedAgainst => t(
                "Verifierad mot {n8n_api}",
                "Verified against {n8n_api}",
            ),
            VerifySetN8nInstanceSAddress => t(
                "Ställ in n8n-instansens adress (n8n.api_url)",
                "Set the n8n instance's address (n8n.api_url)",
            ),
            VerifySetGiteaAddress => t(
                "Ställ in Gitea-serverns API-adress (gitea.api_url), t.ex. https://git.byran.se/api/v1",
                "Set the Gitea server's API address (gitea.api_url), e.g. https://git.agency.com/api/v1",
            ),
            VerifySetBackupRepository => t(
                "Ställ in förrådet för flödenas säkerhetskopior (backup.repository), t.ex. ops-hub/client-backups",
                "Set the repository for the workflows' backups (backup.repository), e.g. ops-hub/client-backups",
            ),
            VerifyBackupRepositoryMissing => t(
                "Token fungerar för {login}, men förrådet {repository} finns inte eller syns inte för token. Skapa det i Gitea (privat) eller ändra backup.repository.",
                "The token works for {login}, but the repository {repository} does not exist or is not visible to it. Create it in Gitea (private) or change backup.repository.",
            ),
            VerifyBackupRepositoryReadOnly => t(
                "Token fungerar för {login}, men får inte skriva till {repository}. Ge kontot skrivrätt i förrådet.",
                "The token works for {login}, but may not write to {repository}. Give the account write access to the repository.",
            ),
            VerifyBackupRepository => t(
                "Verifierad: {login} kan skriva säkerhetskopior till {repository}",
                "Verified: {login} can write backups to {repository}",
            ),
            VerifyVerified => t(
                "Verifierad som {username}",
                "Verified as {username}",
            ),
            GuideToken => t("Token", "Token"),
            GuideOptionalGitea => t(
                "Valfri: för säkerhetskopior av n8n-flöden",
                "Optional: for backups of the n8n workflows",
            ),
            GuideOptionalStripe => t(
                "Valfri: för Inkorgen (betalningar i Stripe). En begränsad nyckel som bara läser.",
                "Optional: for the inbox (payments in Stripe). A restricted key that only reads.",
            ),
            GuideGithubPurpose => t(
                "Skapar varje kunds privata repo från mallrepot och skriver kundens inställningar i det.",
                "Creates each customer's private repository from the template and writes the customer's settings into it.",
            ),
            GuideGithubClassic => t(
                "Klassisk token",
                "Classic token",
            ),
            GuideGithubRepo => t(
                "Skapa privata repon från mallen och skriva filer i dem.",
                "Create private repositories from the template and write files in them.",
            ),
            GuideGithubDeleteRepo => t(
                "Ta bort ett repo som Fabrik skapade när en körning rullas tillbaka eller en kund avvecklas; utan den blir repot kvar och Fabrik säger till.",
                "Delete a repository Fabrik created when a run is rolled back or a customer torn down; without it the repository stays and Fabrik says so.",
            ),
            GuideGithubFineGrained => t(
                "Finkornig token (på ägaren med mallrepot)",
                "Fine-grained token (on the owner of the template)",
            ),
            GuideGithubAdministration => t(
                "Skapa kundernas repon (och ta bort dem Fabrik skapat).",
                "Create the customers' repositories (and delete those Fabrik created).",
            ),
            GuideGithubContents => t(
                "Läsa mallen och skriva kundens filer.",
                "Read the template and write the customer's files.",
            ),
            GuideGithubMetadata => t(
                "Krävs av GitHub för allt annat.",
                "Required by GitHub for everything else.",
            ),
            GuideGithubPullRequests => t(
                "Malluppdateringar som pull requests.",
                "Template updates as pull requests.",
            ),
            GuideSupabasePurpose => t(
                "Skapar varje kunds Supabase-projekt i byråns organisation, kör mallens schema och gör den första administratören.",
                "Creates each customer's Supabase project in the agency's organization, runs the template's schema and makes the first admin.",
            ),
            GuideSupabaseToken => t(
                "Supabase har inga behörigheter per token: den ser kontots organisationer. Skapa den med ett konto som bara är medlem i byråns organisation.",
                "Supabase has no permissions per token: it sees the account's organizations. Make it with an account that is a member of the agency's organization only.",
            ),
            GuideVercelPurpose => t(
                "Skapar varje kunds Vercel-projekt kopplat till repot, sätter miljövariablerna och gör den publika produktionsdriftsättningen.",
                "Creates each customer's Vercel project linked to the repository, sets its environment variables and makes the public production deployment.",
            ),
            GuideVercelScope => t(
                "Begränsa token till teamet som kundprojekten ska ligga i (inte hela kontot).",
                "Limit the token to the team the customers' projects belong to (not the whole account).",
            ),
            GuideN8nPurpose => t(
                "Lägger in och aktiverar varje kunds arbetsflöde i byråns n8n och säkerhetskopierar det.",
                "Imports and activates each customer's workflow in the agency's n8n and backs it up.",
            ),
            GuideN8nKey => t(
                "n8n:s API-nyckel (Settings → n8n API); på n8n Cloud och i företagsversionen väljs omfånget: workflow:read, workflow:create, workflow:update, workflow:activate.",
                "n8n's API key (Settings → n8n API); on n8n Cloud and the enterprise edition the scopes are chosen: workflow:read, workflow:create, workflow:update, workflow:activate.",
            ),
            GuideResendPurpose => t(
                "Skickar välkomstmejlet från byråns verifierade domän, och larmen, och ger varje instans en egen nyckel att skicka med.",
                "Sends the welcome email from the agency's verified domain, and the alerts, and gives each instance a key of its own to send with.",
            ),
            GuideResendSending => t(
                "Full åtkomst: Fabrik gör varje instans en egen nyckel som bara får skicka, från byråns verifierade domän, och tar bort den när instansen avvecklas. Byråns nyckel lämnar aldrig Fabrik.",
                "Full access: Fabrik makes each instance a key of its own that may only send, from the agency's verified domain, and deletes it when the instance is torn down. The agency's key never leaves Fabrik.",
            ),
            IntakeStripeDays => t(
                "Stripe sparar händelser i 30 dagar: en dator som inte frågat på längre än så missar betalningarna däremellan.",
                "Stripe keeps events for 30 days: a computer that has not asked for longer misses the payments in between.",
            ),
            IntakeStripeGap => t(
                "Stripe frågades senast {at}, för {days} dagar sedan: betalningar äldre än 30 dagar finns inte kvar som händelser. Se Stripes instrumentpanel (Betalningar) för tiden däremellan.",
                "Stripe was last asked {at}, {days} days ago: payments older than 30 days are no longer kept as events. See Stripe's Dashboard (Payments) for the time in between.",
            ),
            IntakePortalUnread => t(
                "Portalens förfrågningar kunde inte läsas: {e}",
                "The portal's requests could not be read: {e}",
            ),
            IntakeStripeUnread => t(
                "Stripes händelser kunde inte läsas: {e}",
                "Stripe's events could not be read: {e}",
            ),
            IntakeDecided => t(
                "{name} är redan {state} (av {by}); ingenting gjordes",
                "{name} is already {state} (by {by}); nothing was done",
            ),
            IntakeNoSuchRequest => t(
                "det finns ingen förfrågan {id} i inkorgen",
                "there is no request {id} in the inbox",
            ),
            IntakePortalUnwritten => t(
                "Portalen kunde inte nås för att få veta vad som byggts: {e}. Det skrivs igen vid nästa kontroll.",
                "The portal could not be reached to learn what was built: {e}. It is written again at the next check.",
            ),
            IntakePortalRefused => t(
                "Portalen tog inte emot det som hänt med {name}: {e}. Det skrivs igen vid nästa kontroll.",
                "The portal did not take what happened to {name}: {e}. It is written again at the next check.",
            ),
            IntakeUnmappedPrice => t(
                "Priset {prices} är inte knutet till någon plan: den som godkänner väljer planen (eller knyt priset till en plan under Inkorg → Stripe).",
                "The price {prices} is not mapped to a plan: whoever approves chooses the plan (or map the price to a plan under Inbox → Stripe).",
            ),
            IntakeUnpaid => t(
                "Inget betalades (en provperiod eller en rabatt på 100 %): en person godkänner, om inte priset är markerat som provperiod under Inkorg → Stripe.",
                "Nothing was paid (a trial or a 100 % discount): a person approves, unless the price is marked as a trial under Inbox → Stripe.",
            ),
            IntakeDailyLimit => t(
                "Dagens gräns för automatiska godkännanden är nådd ({limit} på 24 timmar): en person godkänner, eller ägaren höjer gränsen.",
                "Today's limit of automatic approvals is reached ({limit} in 24 hours): a person approves, or the owner raises the limit.",
            ),
            IntakeChoosePlan => t(
                "Välj en plan för {name}: priset {prices} är inte knutet till någon plan.",
                "Choose a plan for {name}: the price {prices} is not mapped to a plan.",
            ),
            SettingPortalPasswordInUrl => t(
                "Skriv adressen utan lösenord; lösenordet sparas i nyckelringen (Inkorg → Portalen).",
                "Write the address without its password; the password is kept in the keyring (Inbox → Portal).",
            ),
            GuideStripePurpose => t(
                "Läser betalningarna i Stripe: en betald checkout eller prenumeration hamnar i Inkorgen (valfritt).",
                "Reads the payments in Stripe: a paid checkout or subscription lands in the inbox (optional).",
            ),
            GuideStripeRestricted => t(
                "Begränsad nyckel (rk_), som bara läser",
                "Restricted key (rk_) that only reads",
            ),
            GuideStripeEvents => t(
                "Händelserna Fabrik hämtar (betald checkout, betald faktura, uppsagd prenumeration).",
                "The events Fabrik fetches (paid checkout, paid invoice, cancelled subscription).",
            ),
            GuideStripeCheckout => t(
                "Vilket pris en checkout sålde, som bestämmer kundens plan.",
                "Which price a checkout sold, which decides the customer's plan.",
            ),
            GuideStripePrices => t(
                "Priserna du knyter till planerna.",
                "The prices you tie to the plans.",
            ),
            GuideStripeSubscriptions => t(
                "Kundernas prenumerationer: vad varje kund betalar, och status och period när händelserna inte räcker bakåt.",
                "The customers' subscriptions: what each customer pays, and their status and period when the events do not reach back.",
            ),
            GuideStripeProducts => t(
                "Produkternas namn bredvid priserna.",
                "The products' names beside the prices.",
            ),
            GuideStripeInvoices => t(
                "Den senaste fakturan: betalningsförsök och nästa försök när ett kort nekas.",
                "The latest invoice: payment attempts and the next one when a card is declined.",
            ),
            VerifyStripeReads => t(
                "Nyckeln läser händelser ({mode}-läge)",
                "The key reads events ({mode} mode)",
            ),
            VerifyStripeSecretKey => t(
                "Det här är en hemlig nyckel som får göra allt i kontot; en begränsad nyckel (rk_) som bara läser räcker.",
                "This is a secret key that may do anything in the account; a restricted key (rk_) that only reads is enough.",
            ),
            ChoiceStripePrice => t(
                "{label} ({price}, {product})",
                "{label} ({price}, {product})",
            ),
            GuideGiteaPurpose => t(
                "Tar emot säkerhetskopiorna av kundernas arbetsflöden, en commit per ändring (valfritt: provisionering fungerar utan).",
                "Receives the backups of the customers' workflows, one commit per change (optional: provisioning works without it).",
            ),
            GuideGiteaWrite => t(
                "Skriva säkerhetskopiorna till backup-repot.",
                "Write the backups to the backup repository.",
            ),
            GuideGiteaReadUser => t(
                "Se vilket konto token hör till.",
                "See which account the token belongs to.",
            ),
            ChoiceYourAccount => t("ditt eget konto", "your own account"),
            ChoiceNotTemplate => t(
                "inte ett mallrepo: gör det till ett under repots Settings → Template repository",
                "not a template: make it one in the repository's Settings → Template repository",
            ),
            ChoiceRegionFull => t(
                "fullt just nu: Supabase tar inte emot nya projekt här",
                "at capacity: Supabase takes no new projects here for now",
            ),
            ChoiceRecommended => t("rekommenderad", "recommended"),
            ChoiceNoToken => t(
                "Spara token först: valen läses från kontot den öppnar.",
                "Save the token first: the choices are read from the account it opens.",
            ),
            ChoiceN8nVersion => t("n8n version {version}.", "n8n version {version}."),
            ChoiceN8nVersionOff => t(
                "n8n säger inte sin version: dess API har ingen, och mätvärdena (/metrics) är avstängda. Sätt N8N_METRICS=true i n8n för att se den här.",
                "n8n does not say its version: its API has none, and its metrics (/metrics) are off. Set N8N_METRICS=true in n8n to see it here.",
            ),
            ChoiceN8nVersionUnread => t(
                "Kunde inte läsa n8n:s version: {problem}",
                "Could not read n8n's version: {problem}",
            ),
            ChoiceRepoReadOnly => t(
                "token får bara läsa här",
                "the token may only read here",
            ),
            BackupRepositoryDescription => t(
                "Fabrik: säkerhetskopior av kundernas n8n-flöden",
                "Fabrik: backups of the customers' n8n workflows",
            ),
            ProofSupabase => t(
                "Ett databasprojekt i organisationen {org}, region {region}, med mallens schema och en första admin.",
                "A database project in the organization {org}, region {region}, with the template's schema and a first admin.",
            ),
            ProofSupabaseCost => t(
                "Gratisplanen tillåter {free} aktiva gratisprojekt per användare; {org} har {active} aktiva nu. Projektet tas bort efteråt.",
                "The free plan allows {free} active free projects per user; {org} has {active} active now. The project is removed afterwards.",
            ),
            ProofSupabaseCostUnread => t(
                "Gratisplanen tillåter {free} aktiva gratisprojekt per användare. Projektet tas bort efteråt.",
                "The free plan allows {free} active free projects per user. The project is removed afterwards.",
            ),
            ProofSupabaseFull => t(
                "{org} har redan {active} aktiva projekt: på gratisplanen ({free} per användare) nekar Supabase ett till. Pausa ett, eller välj en organisation med betald plan.",
                "{org} already has {active} active projects: on the free plan ({free} per user) Supabase refuses another. Pause one, or choose an organization on a paid plan.",
            ),
            ProofGithub => t(
                "Ett privat repo hos {owner}, skapat från mallen {template}.",
                "A private repository under {owner}, made from the template {template}.",
            ),
            ProofGithubCost => t(
                "Kostar inget; räknas mot GitHubs gräns för innehåll (500 skrivningar i timmen). Repot tas bort efteråt.",
                "Costs nothing; counts against GitHub's content limit (500 writes an hour). The repository is removed afterwards.",
            ),
            ProofVercel => t(
                "Ett Vercel-projekt med miljövariabler och en publik produktionsdriftsättning.",
                "A Vercel project with environment variables and a public production deployment.",
            ),
            ProofVercelCost => t(
                "En av dagens driftsättningar (100 per dag på Hobby, 6 000 på Pro) och ett av Hobbys 200 projekt. Projektet tas bort efteråt.",
                "One of today's deployments (100 a day on Hobby, 6,000 on Pro) and one of Hobby's 200 projects. The project is removed afterwards.",
            ),
            ProofN8n => t(
                "Ett n8n-flöde för provkunden, aktiverat.",
                "An n8n workflow for the test customer, activated.",
            ),
            ProofN8nCost => t(
                "Kostar inget. Flödet tas bort efteråt.",
                "Costs nothing. The workflow is removed afterwards.",
            ),
            ProofResend => t(
                "Ett välkomstmejl från {from} till {to}.",
                "A welcome email from {from} to {to}.",
            ),
            ProofResendCost => t(
                "Ett av dagens mejl (100 per dag på gratisplanen). Ett skickat mejl kan inte tas tillbaka.",
                "One of today's emails (100 a day on the free plan). A sent email cannot be taken back.",
            ),
            ProofGitea => t(
                "En säkerhetskopia av flödet i {repo}.",
                "A backup of the workflow in {repo}.",
            ),
            ProofGiteaCost => t(
                "Blir kvar i repots historik: Fabrik tar aldrig bort en säkerhetskopia.",
                "Stays in the repository's history: Fabrik never deletes a backup.",
            ),
            ProofUnread => t(
                "Kunde inte läsa {what}: {problem}",
                "Could not read {what}: {problem}",
            ),
            ProofNote => t(
                "Provkund från installationsguiden: provisioneras och avvecklas av sig själv.",
                "Test customer from the setup guide: provisioned and torn down by itself.",
            ),
            LeftTokenExpires => t(
                "{provider}-token slutar fungera {date}: gör en ny på {url} och spara den i Fabrik innan dess.",
                "The {provider} token stops working on {date}: make a new one at {url} and save it in Fabrik before then.",
            ),
            LeftTokenExpiresTitle => t(
                "{provider}-token slutar snart fungera",
                "The {provider} token stops working soon",
            ),
            BudgetTakes => t(
                "Det tar {supabase} Supabase-projekt, {github} GitHub-skrivningar, {vercel} Vercel-projekt, {deploys} driftsättningar och {emails} mejl.",
                "It takes {supabase} Supabase projects, {github} GitHub writes, {vercel} Vercel projects, {deploys} deployments and {emails} emails.",
            ),
            BudgetTakesNothing => t(
                "Det tar inget av kontonas plangränser.",
                "It takes nothing of the accounts' plan limits.",
            ),
            BudgetSupabaseOver => t(
                "{need} Supabase-projekt, men gratisplanen ger plats för {room} till: körningarna efter dem nekas tills ett projekt pausas eller planen uppgraderas.",
                "{need} Supabase projects, but the free plan has room for {room} more: the runs after them are refused until a project is paused or the plan upgraded.",
            ),
            BudgetVercelProjectsOver => t(
                "{need} Vercel-projekt, men Hobby-planen ger plats för {room} till.",
                "{need} Vercel projects, but the Hobby plan has room for {room} more.",
            ),
            BudgetVercelDeploysOver => t(
                "{need} driftsättningar: Hobby-planen tillåter {day} per dag, resten väntar till i morgon.",
                "{need} deployments: the Hobby plan allows {day} a day, the rest wait until tomorrow.",
            ),
            BudgetEmailsOver => t(
                "{need} mejl: Resends gratisplan skickar {day} per dag, resten nekas till i morgon.",
                "{need} emails: Resend's free plan sends {day} a day, the rest are refused until tomorrow.",
            ),
            BudgetGithubHour => t(
                "{need} GitHub-skrivningar, {room} kvar den här timmen: med GitHubs gräns (500 i timmen) tar det minst {minutes} min.",
                "{need} GitHub writes, {room} left this hour: under GitHub's limit (500 an hour) it takes at least {minutes} min.",
            ),
            LeftSupabaseProjects => t(
                "Aktiva projekt i {org} (gratisplanen: per användare)",
                "Active projects in {org} (the free plan: per user)",
            ),
            LeftVercelProjects => t(
                "Vercel-projekt som Fabrik har gjort (Hobby-planens gräns)",
                "Vercel projects Fabrik has made (the Hobby plan's limit)",
            ),
            LeftGithubContent => t(
                "GitHub-skrivningar som skapar innehåll den här timmen",
                "GitHub content-creating writes this hour",
            ),
            ProofRunStopped => t(
                "Körning {run} slutade som {state}.",
                "Run {run} ended as {state}.",
            ),
            ProofNotItsCustomer => t(
                "{name} är ingen testkund som provet har skapat (den här platsens setup.proof pekade på den), så provet avvecklar den inte och lämnar den orörd. Värdet är glömt: Prova igen börjar ett nytt prov med en ny testkund. Var det ett tidigare provs testkund, avveckla den på kundens sida.",
                "{name} is not a test customer the proof made (this seat's setup.proof pointed at it), so the proof does not tear it down and leaves it as it is. The value is forgotten: Try again starts a new proof with a new test customer. If it was an earlier proof's test customer, tear it down from the customer's page.",
            ),
            SetupCliSandbox => t(
                "Sandlådan behöver inga token: guiden gäller produktionen (fabrik setup --production).",
                "The sandbox needs no tokens: the guide is for production (fabrik setup --production).",
            ),
            SetupCliCheckingAll => t(
                "Kontrollerar allt (fabrik setup --check):",
                "Checking everything (fabrik setup --check):",
            ),
            SetupCliAllReady => t(
                "Allt är klart: varje token som krävs fungerar.",
                "All done: every token required works.",
            ),
            SetupCliNotReady => t(
                "Inte klart: {names} (kör fabrik setup).",
                "Not done: {names} (run fabrik setup).",
            ),
            SetupCliOptional => t(
                "valfri",
                "optional",
            ),
            SetupCliVerified => t(
                "Klar: {detail}",
                "Done: {detail}",
            ),
            SetupCliFromEnv => t(
                "Token kommer från miljövariabeln; den ändras där, inte här.",
                "The token comes from the environment variable; it is changed there, not here.",
            ),
            SetupCliPasteToken => t(
                "Klistra in token för {name} (visas inte; tom rad hoppar över): ",
                "Paste the token for {name} (not shown; an empty line skips): ",
            ),
            SetupCliSkipped => t(
                "Överhoppad: gör det senare med fabrik setup.",
                "Skipped: do it later with fabrik setup.",
            ),
            SetupCliNote => t(
                "obs: {warning}",
                "note: {warning}",
            ),
            SetupCliOptionalMissing => t(
                "valfri, inte angiven",
                "optional, not given",
            ),
            SetupCliMissing => t(
                "saknas — gör den på {url}",
                "missing — make it at {url}",
            ),
            SetupCliProofContinues => t(
                "Provet med {slug} slutade i förtid; det fortsätter där det stannade.",
                "The proof with {slug} ended early; it continues where it stopped.",
            ),
            SetupCliProofPlan => t(
                "Provet gör detta i {environment} och tar sedan bort det:",
                "The proof makes this in {environment} and then removes it:",
            ),
            SetupCliProofAsk => t(
                "Starta provet? [j/N] ",
                "Start the proof? [y/N] ",
            ),
            SetupCliNothingDone => t(
                "Inget gjordes.",
                "Nothing was done.",
            ),
            SetupCliProofMade => t(
                "Gjort ({slug}):",
                "Made ({slug}):",
            ),
            SetupCliProofRemoved => t(
                "Borttaget:",
                "Removed:",
            ),
            TeamCliInvited => t("{email} inbjuden", "{email} invited"),
            TeamCliInvitedAgain => t("{email} inbjuden igen", "{email} invited again"),
            TeamCliRestored => t("{email} har tillgång igen", "{email} has access again"),
            TeamCliSendsAs => t(
                "skickar som {sender}, högst {per_hour} i timmen",
                "sends as {sender}, at most {per_hour} an hour",
            ),
            TeamCliSendsBuiltIn => t(
                "skickar med Supabases inbyggda e-post: kör fabrik team mail {slug}",
                "sends with Supabase's built-in email: run fabrik team mail {slug}",
            ),
            TeamCliFirstAdmin => t("första admin", "first admin"),
            TeamCliByFabrik => t("Fabrik", "Fabrik"),
            TeamCliNotFabriks => t("inte Fabriks", "not Fabrik's"),
            SetupCliProofDone => t(
                "Provet gick igenom på {seconds} s: allt som gjordes är borttaget.",
                "The proof passed in {seconds} s: everything it made is removed.",
            ),
            SetupCliProofStopped => t(
                "Provet stannade: {problem} (kör fabrik setup --proof igen för att fortsätta).",
                "The proof stopped: {problem} (run fabrik setup --proof again to continue).",
            ),
            ChoicePersonalAccount => t("personligt konto", "personal account"),
            ChoiceDomainNotVerified => t(
                "inte verifierad ({status}): Resend skickar bara från verifierade domäner",
                "not verified ({status}): Resend sends only from verified domains",
            ),
            ChoiceSendingOnlyKey => t(
                "Nyckeln får bara skicka: Fabrik behöver en nyckel med Full access för att ge varje instans en egen sändningsnyckel. Skapa en i Resend (API Keys) och spara den här.",
                "The key may only send: Fabrik needs a key with Full access to give each instance a sending key of its own. Make one in Resend (API Keys) and save it here.",
            ),
            VerifyTokenExpires => t(
                "Token slutar fungera {date}: gör en ny på {url} och spara den här innan dess.",
                "The token stops working on {date}: make a new one at {url} and save it here before then.",
            ),
            VerifyVerifiedSees => t(
                "Verifierad; ser {list}",
                "Verified; sees {list}",
            ),
            VerifyVerifiedSeesOrganization => t(
                "Verifierad; ser organisationen {org}",
                "Verified; sees the organization {org}",
            ),
            VerifySetTemplateRepositoryGithubTemplate => t(
                "Ställ in mallrepot (github.template) för att kunna kontrollera en finkornig token",
                "Set the template repository (github.template) to check a fine-grained token",
            ),
            VerifyTokenHasNoAccessTemplate => t(
                "Token saknar åtkomst till mallrepot {owner}/{repo}",
                "The token has no access to the template repository {owner}/{repo}",
            ),
            VerifyFineGrainedTokenCannotList => t(
                "Finkorniga token kan inte lista sina behörigheter; kontrollera att den får skapa och ta bort repon",
                "A fine-grained token cannot list its permissions; check that it may create and delete repositories",
            ),
            VerifyVerifiedAccessTemplateRepository => t(
                "Verifierad som {login}; åtkomst till mallrepot {owner}/{repo}",
                "Verified as {login}; access to the template repository {owner}/{repo}",
            ),
            VerifyTokenLacksDeleteRepoScope => t(
                "Token saknar behörigheten delete_repo: en återställning kan inte ta bort repon",
                "The token lacks the delete_repo scope: a rollback cannot delete repositories",
            ),
            VerifyVerified2 => t(
                "Verifierad som {login}",
                "Verified as {login}",
            ),
            VerifyTokenLacksRepoScope => t(
                "Token saknar behörigheten repo",
                "The token lacks the repo scope",
            ),
            VerifyCouldNotCheck => t(
                "Kunde inte kontrollera: {message}",
                "Could not check: {message}",
            ),
            VerifyTokenHasNoAccess => t(
                "Token saknar åtkomst ({status})",
                "The token has no access ({status})",
            ),
            VerifyTokenWasRejected => t(
                "Token avvisades ({status})",
                "The token was rejected ({status})",
            ),
            VerifyTokenWasRejected2 => t(
                "Token avvisades ({status})",
                "The token was rejected ({status})",
            ),
            ImportJSONFileNeitherListNor => t(
                "JSON-filen är varken en lista eller en export från Fabrik",
                "the JSON file is neither a list nor an export from Fabrik",
            ),
            ImportJSONFileHasNoCustomers => t(
                "JSON-filen har ingen lista \"customers\"",
                "the JSON file has no \"customers\" list",
            ),
            ImportJSONFileCannotReadLine => t(
                "JSON-filen kan inte läsas på rad {line}: {e}",
                "the JSON file cannot be read at line {line}: {e}",
            ),
            ImportCSVFileCannotReadLine => t(
                "CSV-filen kan inte läsas på rad {line}: {e}",
                "the CSV file cannot be read at line {line}: {e}",
            ),
            ImportColumnAppearsTwiceHeaderRow => t(
                "kolumnen {column} finns två gånger i rubrikraden",
                "the column {column} appears twice in the header row",
            ),
            ImportFileEmpty => t(
                "filen är tom",
                "the file is empty",
            ),
            ImportFileNotUTF8Byte => t(
                "filen är inte UTF-8 (byte {at}); spara den som \"CSV UTF-8\" och försök igen",
                "the file is not UTF-8 (byte {at}); save it as \"CSV UTF-8\" and try again",
            ),
            PortalHasNoColumnColumnsAre => t(
                "{place} har ingen kolumn för {column} (kolumnerna är: {list})",
                "{place} has no column for {column} (its columns are: {list})",
            ),
            PortalDoesNotExistRoleMay => t(
                "{place} finns inte, eller så får rollen inte läsa den",
                "{place} does not exist, or the role may not read it",
            ),
            PortalCannotRead => t(
                "{place} kan inte läsas: {e}",
                "{place} cannot be read: {e}",
            ),
            PortalAddressCannotRead => t(
                "adressen kan inte läsas: {e}",
                "the address cannot be read: {e}",
            ),
            PortalNotTableNameWriteExample => t(
                "{table} är inget tabellnamn; skriv till exempel public.organizations",
                "{table} is not a table name; write for example public.organizations",
            ),
            PlanSavesInstanceSDetailsCustomer => t(
                "Sparar instansens uppgifter på kunden",
                "Saves the instance's details on the customer",
            ),
            PlanSendsWelcomeEmail => t(
                "Skickar välkomstmejlet till {admin}",
                "Sends the welcome email to {admin}",
            ),
            PlanWelcomeEmailHasAlreadyBeen => t(
                "Välkomstmejlet är redan skickat",
                "The welcome email has already been sent",
            ),
            PlanCreatesActivatesN8nWorkflow => t(
                "Skapar och aktiverar n8n-flödet {wf}",
                "Creates and activates the n8n workflow {wf}",
            ),
            PlanN8nWorkflowAlreadyCustomerS => t(
                "n8n-flödet {wf} ({id}) är redan kundens och används igen",
                "The n8n workflow {wf} ({id}) is already the customer's and is used again",
            ),
            PlanDeploysProductionWaitsREADY => t(
                "Driftsätter till produktion och väntar på READY",
                "Deploys to production and waits for READY",
            ),
            PlanSetsEnvironmentVariablesSupabaseURL => t(
                "Sätter miljövariabler (Supabase-URL, nycklar, adressnamn, moduler)",
                "Sets environment variables (Supabase URL, keys, address name, modules)",
            ),
            PlanCreatesVercelProjectLinkedRepository => t(
                "Skapar Vercel-projektet {slug} kopplat till repot",
                "Creates the Vercel project {slug} linked to the repository",
            ),
            PlanVercelProjectAlreadyCustomerS => t(
                "Vercel-projektet {name} ({id}) är redan kundens och används igen",
                "The Vercel project {name} ({id}) is already the customer's and is used again",
            ),
            PlanCreatesPrivateRepositoryFromTemplate => t(
                "Skapar det privata repot {owner}/{slug} från mallen {template_name}",
                "Creates the private repository {owner}/{slug} from the template {template_name}",
            ),
            PlanRepositoryAlreadyExistsButWas => t(
                "Repot {full_name} finns redan men skapades inte från mallen {template_name}",
                "The repository {full_name} already exists but was not made from the template {template_name}",
            ),
            PlanRepositoryAlreadyCustomerSUsed => t(
                "Repot {full_name} är redan kundens och används igen",
                "The repository {full_name} is already the customer's and is used again",
            ),
            PlanNotMarkedTemplateRepositoryTemplate => t(
                "{template_name} är inte markerat som mallrepo (is_template)",
                "{template_name} is not marked as a template repository (is_template)",
            ),
            PlanTemplateRepositoryDoesNotExist => t(
                "Mallrepot {template_name} finns inte eller syns inte för token",
                "The template repository {template_name} does not exist or is not visible to the token",
            ),
            PlanCreatesAdministratorAdoptsExistingOne => t(
                "Skapar administratören {admin} (eller tar över en befintlig)",
                "Creates the administrator {admin} (or adopts an existing one)",
            ),
            PlanAppliesSchemaTablesRowLevel => t(
                "Lägger in schemat ({tables} tabeller, radnivåsäkerhet på alla)",
                "Applies the schema ({tables} tables, row-level security on all)",
            ),
            PlanFetchesAnonServiceRoleKeys => t(
                "Hämtar anon- och service role-nycklar (sparas i nyckelringen)",
                "Fetches the anon and service role keys (kept in the keyring)",
            ),
            PlanWaitsUntilProjectACTIVEHEALTHY => t(
                "Väntar tills projektet är ACTIVE_HEALTHY",
                "Waits until the project is ACTIVE_HEALTHY",
            ),
            PlanCreatesSupabaseProjectOrganization => t(
                "Skapar Supabase-projektet {slug} i organisationen {org} ({region})",
                "Creates the Supabase project {slug} in the organization {org} ({region})",
            ),
            PlanSupabaseProjectAlreadyCustomerS => t(
                "Supabase-projektet {slug} ({project_ref}, {status}) är redan kundens och används igen",
                "The Supabase project {slug} ({project_ref}, {status}) is already the customer's and is used again",
            ),
            SettingTemplateCreatesNoTables => t("mallen skapar inga tabeller", "the template creates no tables"),
            SettingNotValidModuleManifest => t("{reason}", "not a valid module manifest: {reason}"),
            ImportHeaderRowMissing => t(
                "rubrikraden saknar {missing} (varje kund behöver namn och admin-e-post; rubrikerna var: {headers})",
                "the header row has no {missing_en} (every customer needs a name and an admin email; the headers were: {headers})",
            ),
            WaitRetrying => t("{what}: {e}; försöker igen", "{what_en}: {e}; trying again"),
            AdoptedOnPurpose => t(
                "{what} {name} togs över med avsikt: Fabriks märkning skrevs på det",
                "{what_en} {name} was adopted on purpose: Fabrik's marker was written on it",
            ),
            ConfigWritten => t(
                "{path} skrevs i {repo} (moduler: {list})",
                "{path} was written to {repo} (modules: {list})",
            ),
            ConfigWrittenWithPlan => t(
                "{path} skrevs i {repo} (plan {plan}, moduler: {list})",
                "{path} was written to {repo} (plan {plan}, modules: {list})",
            ),
            NothingSeen => t("inga", "none"),
            PlanAdoptedOnPurpose => t(
                "{what} {name} (id {id}) skapades inte av Fabrik men tas över med avsikt: Fabriks märkning skrivs på det",
                "{what_en} {name} (id {id}) was not created by Fabrik but is adopted on purpose: Fabrik's marker is written on it",
            ),
            PlanRefusedNotOurs => t(
                "{what} {name} (id {id}) finns redan men skapades inte av Fabrik; det lämnas orört (ta över just det med --adopt {name})",
                "{what_en} {name} (id {id}) already exists but was not created by Fabrik; it is left alone (adopt this one with --adopt {name})",
            ),
            VerifyOrganizationNotVisible => t(
                "Organisationen {org} syns inte för token (den ser: {seen})",
                "The organization {org} is not visible to the token (it sees: {seen_en})",
            ),
            VerifyTeamNotVisible => t(
                "Teamet {team} syns inte för token (den ser: {seen})",
                "The team {team} is not visible to the token (it sees: {seen_en})",
            ),
            FindingMissing => t("saknas", "missing"),
            FindingChanged => t("ändrad", "changed"),
            FindingUnhealthy => t("ej frisk", "unhealthy"),
            FindingPaused => t("pausad", "paused"),
            FindingUnreachable => t("nås inte", "unreachable"),
            SiteAnswered => t("webbplatsen {code} på {ms} ms", "the site {code} in {ms} ms"),
            SiteNoAnswer => t("webbplatsen svarade inte ({ms} ms)", "the site did not answer ({ms} ms)"),
            OutcomeCreated => t("skapad", "created"),
            OutcomeAdopted => t("fanns redan, övertagen", "already existed, adopted"),
            OutcomeDone => t("klar", "done"),
            OutcomeSkipped => t("hoppades över", "skipped"),
            VerdictDelete => t("tas bort", "is deleted"),
            VerdictKeep => t("lämnas kvar (inte skapad av Fabrik)", "is left alone (not created by Fabrik)"),
            VerdictGone => t("finns inte längre", "no longer exists"),
            VerdictUnknown => t("kunde inte läsas ({reason}); tas bort bara om den bär Fabriks märkning", "could not be read ({reason_en}); deleted only if it carries Fabrik’s marker"),
            PlanCreate => t("skapa", "create"),
            PlanAdopt => t("ta över", "adopt"),
            PlanRefuse => t("vägrar", "refused"),
            PlanRun => t("kör", "run"),
            PlanSkip => t("hoppar", "skip"),
            CredentialMissing => t("Saknas", "Missing"),
            CredentialSaved => t("Sparad", "Saved"),
            CredentialVerified => t("Verifierad", "Verified"),
            CredentialProblem => t("Problem", "Problem"),
            DomainPointsAtVercel => t("verifierad, pekar på Vercel", "verified, points at Vercel"),
            DomainDnsNotYet => t("verifierad, DNS pekar inte på Vercel än", "verified, DNS does not point at Vercel yet"),
            DomainNotVerified => t("inte verifierad än", "not verified yet"),
            DeploymentServing => t("← produktion nu", "← production now"),
            DeploymentNotPromotable => t("(kan inte bli produktion)", "(cannot become production)"),
            WorkflowsUnchanged => t("oförändrat", "unchanged"),
            WorkflowsUnchangedAt => t("oförändrat ({commit})", "unchanged ({commit})"),
            WorkflowsCommit => t("commit {commit}", "commit {commit}"),
            BackupPruned => t("borttagen (gallring)", "removed (pruned)"),
            BackupHere => t("här", "here"),
            BackupOnSeat => t("på {seat}", "on {seat}"),
            BackupOnAnotherSeat => t("på en annan plats", "on another seat"),
            UsageCouldNotRead => t(
                "{what} kunde inte läsas: {e}",
                "{what} could not be read: {e}",
            ),
            UsageApiCountsNotReported => t(
                "Supabase rapporterar inga API-anrop just nu: {reason}",
                "Supabase reports no API requests just now: {reason}",
            ),
            UsageTooMany => t(
                "{what}: fler än Fabrik läser ({limit}); talet rapporteras inte",
                "{what}: more than Fabrik reads ({limit}); the figure is not reported",
            ),
            MoveRollOutTargetFirst => t(
                "målet är på version {target}, arkivet på {archive}: rulla ut {archive} till målet först (fabrik rollout start --dir MAPP), importera sedan",
                "the target is at version {target}, the archive at {archive}: roll out {archive} to the target first (fabrik rollout start --dir FOLDER), then import",
            ),
            MoveRollOutSourceFirst => t(
                "målet är på version {target}, arkivet på {archive}: rulla ut {target} till källan först (fabrik rollout start --dir MAPP) och exportera igen",
                "the target is at version {target}, the archive at {archive}: roll out {target} to the source first (fabrik rollout start --dir FOLDER) and export again",
            ),
            MoveExported => t(
                "Flyttarkivet för {slug} är skrivet till {file}: {bytes} byte, {tables} tabeller, {users} användare, schemaversion {version}. Det är krypterat med byråns nyckel {key} och läses bara av en Fabrik med den nyckeln.",
                "The move archive of {slug} is written to {file}: {bytes} bytes, {tables} tables, {users} users, schema version {version}. It is encrypted with the agency's key {key} and only a Fabrik with that key reads it.",
            ),
            MoveConfirm => t(
                "Importen ersätter databasen och användarna i {slug} med arkivets (från {source}). Skriv målets slug för att bekräfta: ",
                "The import replaces the database and the users of {slug} with the archive's (from {source}). Type the target's slug to confirm: ",
            ),
            MoveTableHeader => t(
                "tabell|rader i arkivet|rader nu|kontrollsumma|lika",
                "table|rows in the archive|rows now|checksum|equal",
            ),
            MoveUsers => t(
                "användare: {archive} i arkivet, {now} nu",
                "users: {archive} in the archive, {now} now",
            ),
            MoveAllEqual => t(
                "{slug} håller nu arkivets data: varje tabell och användarna är lika.",
                "{slug} now holds the archive's data: every table and the users are equal.",
            ),
            MoveNotEqual => t(
                "{slug} håller inte detsamma som arkivet: se raderna med \"nej\".",
                "{slug} does not hold what the archive holds: see the rows with \"no\".",
            ),
            MoveYes => t("ja", "yes"),
            MoveNo => t("nej", "no"),
            ExportWritten => t(
                "Exporten av {slug} är skriven till {path}: {tables} tabeller, {rows} rader, {bytes} byte, SHA-256 {sha256}.",
                "The export of {slug} is written to {path}: {tables} tables, {rows} rows, {bytes} bytes, SHA-256 {sha256}.",
            ),
            ExportOmitted => t(
                "Inte med i arkivet: {part} ({why}).",
                "Not in the archive: {part} ({why}).",
            ),
            ExportKeptDays => t(
                "Byrån sparar arkivet i exportmappen i {days} dagar (till {until}); sedan tas det bort (inställningen export.keep_days).",
                "The agency keeps the archive in the export folder for {days} days (until {until}); then it is deleted (the setting export.keep_days).",
            ),
            ExportKeptAlways => t(
                "Byrån sparar arkivet i exportmappen tills någon tar bort det (export.keep_days är 0).",
                "The agency keeps the archive in the export folder until someone deletes it (export.keep_days is 0).",
            ),
            TeardownWithoutExport => t(
                "Ingen export tas först. Med --export sparas kundens data i exportmappen innan allt tas bort.",
                "No export is taken first. With --export the customer's data is saved in the export folder before everything is removed.",
            ),
            OverviewRunFailed => t(
                "{kind} för {name} misslyckades",
                "{kind_en} for {name} failed",
            ),
            OverviewRunStuck => t(
                "{kind} för {name} stannade halvvägs",
                "{kind_en} for {name} stopped half-way",
            ),
            OverviewHealth => t(
                "{name}: senaste kontrollen hittade {count} fel",
                "{name}: the last check found {count} problems",
            ),
            OverviewLimitNear => t(
                "{name} närmar sig en gräns",
                "{name} is nearing a limit",
            ),
            OverviewPaymentFailed => t(
                "Betalningen från {name} gick inte igenom",
                "The payment from {name} did not go through",
            ),
            OverviewPaymentFailedUnlinked => t(
                "En betalning gick inte igenom för en prenumeration som inte är länkad till någon kund",
                "A payment did not go through for a subscription linked to no customer",
            ),
            OverviewDecisionWaiting => t(
                "Ett beslut om {name} väntar på dig: {transition}",
                "A decision about {name} waits for you: {transition_en}",
            ),
            OverviewRequestWaiting => t(
                "{name} vill bli kund",
                "{name} wants to become a customer",
            ),
            OverviewTemplateConflict => t(
                "Malluppdateringen för {name} krockar med ändringar i kundens kod",
                "The template update for {name} conflicts with changes in the customer's code",
            ),
            OverviewHandoverWaiting => t(
                "Överlämningen av {name} väntar på kunden ({taken} av 3 delar tagna)",
                "The handover of {name} waits for the customer ({taken} of 3 parts taken)",
            ),
            OverviewBackupOverdue => t(
                "Säkerhetskopian av {name} är för gammal",
                "The backup of {name} is too old",
            ),
            OverviewTokenExpiring => t(
                "Nyckeln till {provider} går ut {date}",
                "The {provider} token expires {date}",
            ),
            OverviewNow => t("Nu", "Now"),
            OverviewSoon => t("Snart", "Soon"),
            OverviewNothing => t(
                "Inget behöver dig just nu.",
                "Nothing needs you right now.",
            ),
            NoticeOpen => t("Klicka för att öppna.", "Click to open."),
            NoticeManyTitle => t(
                "{count} saker behöver dig",
                "{count} things need you",
            ),
            NoticeManyBody => t(
                "Klicka för att öppna Översikt.",
                "Click to open the overview.",
            ),
            CliEnvAsked => t("vald", "chosen"),
            CliEnvSeat => t("fabrik use", "fabrik use"),
            CliEnvDefault => t("standard", "default"),
            BillingLinkTaken => t(
                "prenumerationen är redan länkad till {name}; ta bort den länken först",
                "the subscription is linked to {name} already; remove that link first",
            ),
            CliConfirmRun => t(
                "{what} för {name} ({slug})? [j/N] ",
                "{what_en} for {name} ({slug})? [y/N] ",
            ),
            NoticeKindSilent => t(
                "Fabrik visar ingen notis för {kind}: det står på Översikt.",
                "Fabrik shows no notification for {kind}: it waits on the overview.",
            ),
        }
    }
}
