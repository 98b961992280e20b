// Every text the UI shows, Swedish first, English second. Components never hold literal text.
import { createContext, useContext } from 'react';
import { ERROR_TEXT, PLANS as CORE_PLANS, STATUSES as CORE_STATUSES } from './bindings';
import type { AdoptionState, ErrorCode, Language, Plan, RunKind, RunState, SortKey, Status, StepState, TargetVerdict, Text } from './bindings';

const sv = {
  'app.name': 'Fabrik',
  'app.loading': 'Laddar …',
  'nav.main': 'Huvudmeny',
  'nav.customers': 'Kunder',
  'lang.label': 'Språk',
  'lang.sv': 'Svenska',
  'lang.en': 'English',

  'nav.settings': 'Inställningar',
  'env.sandboxBanner': 'Sandlåda – inga riktiga konton används; allt körs mot en lokal simulator',
  'env.production': 'Produktion',

  'settings.title': 'Inställningar',
  'settings.loadFailed': 'Inställningarna kunde inte hämtas.',
  'settings.retry': 'Försök igen',
  'cred.title': 'Inloggningsuppgifter',
  'cred.intro': 'Token sparas i datorns nyckelring och visas aldrig igen. Här syns bara om de finns och fungerar.',
  'cred.sandboxHint': 'I sandlådan används en simulator: en token du sparar här godtas direkt, och utan token används simulatorns egen.',
  'cred.loadFailed': 'Inloggningsuppgifterna kunde inte hämtas.',
  'cred.state.missing': 'Saknas',
  'cred.state.saved': 'Sparad',
  'cred.state.verified': 'Verifierad',
  'cred.state.problem': 'Problem',
  'cred.account': 'Konto: {account}',
  'cred.fromEnv': '(från miljövariabel)',
  'cred.noneSaved': 'Ingen token sparad.',
  'cred.notTested': 'Sparad men inte kontrollerad; välj Testa anslutning.',
  'cred.tokenLabel': 'Ny token för {provider}',
  'cred.tokenPlaceholder': 'Klistra in en ny token',
  'cred.save': 'Spara',
  'cred.saving': 'Sparar …',
  'cred.saved': 'Token för {provider} har sparats',
  'cred.test': 'Testa anslutning',
  'cred.sendEmail': 'Skicka testmejl',
  'cred.sendingEmail': 'Skickar…',
  'cred.testing': 'Testar …',
  'cred.delete': 'Ta bort',
  'cred.deleteTitle': 'Ta bort token?',
  'cred.deleteBody': 'Token för {provider} tas bort ur nyckelringen. Fabrik kan inte provisionera med {provider} förrän du sparar en ny.',
  'cred.confirmDelete': 'Ta bort token',
  'cred.deleted': 'Token för {provider} har tagits bort',

  'settings.section': 'Inställningar',
  'settings.intro': 'Det som behövs för att provisionera en kund. Inget här är hemligt.',
  'settings.fixed': 'Bestäms av sandlådan',
  'settings.save': 'Spara inställningar',
  'settings.saving': 'Sparar …',
  'settings.saved': 'Inställningarna har sparats',
  'settings.noChanges': 'Inga ändringar att spara',
  'settings.group.github': 'GitHub',
  'settings.group.supabase': 'Supabase',
  'settings.group.vercel': 'Vercel',
  'settings.group.n8n': 'n8n',
  'settings.group.email': 'E-post',
  'settings.group.templates': 'Mallar',
  'settings.group.advanced': 'Avancerat',
  'settings.advancedHint': 'API-adresser; ändra bara om byrån använder egna installationer.',

  'list.title': 'Kunder',
  'list.search': 'Sök',
  'list.searchPlaceholder': 'Sök på namn, adressnamn eller e-post',
  'list.statusFilter': 'Status',
  'list.allStatuses': 'Alla',
  'list.sort': 'Sortering',
  'list.count.one': '{n} kund',
  'list.count.other': '{n} kunder',
  'list.add': 'Lägg till kund',
  'list.noMatch': 'Inga kunder matchar sökningen.',
  'list.clearFilters': 'Rensa sökning och filter',
  'list.col.customer': 'Kund',
  'list.col.email': 'Admin-e-post',
  'list.col.plan': 'Plan',
  'list.col.status': 'Status',
  'list.col.created': 'Skapad',
  'list.example': 'Exempel',
  'list.examplesNotice': 'Registret innehåller exempeldata.',
  'list.removeExamples': 'Ta bort exempeldata',
  'list.examplesRemoved.one': '{n} exempelkund togs bort',
  'list.examplesRemoved.other': '{n} exempelkunder togs bort',
  'list.examplesLoaded.one': '{n} exempelkund lades till',
  'list.examplesLoaded.other': '{n} exempelkunder lades till',
  'list.loadFailed': 'Kundlistan kunde inte hämtas.',
  'list.retry': 'Försök igen',

  'sort.name_asc': 'Namn A–Ö',
  'sort.name_desc': 'Namn Ö–A',
  'sort.created_desc': 'Nyast först',
  'sort.created_asc': 'Äldst först',

  'status.pending': 'Väntande',
  'status.provisioning': 'Provisioneras',
  'status.active': 'Aktiv',
  'status.failed': 'Misslyckad',
  'status.inactive': 'Inaktiv',

  'plan.starter': 'Starter',
  'plan.professional': 'Professional',
  'plan.enterprise': 'Enterprise',

  'empty.title': 'Inga kunder än',
  'empty.body': 'Här samlas agenturens kunder och deras SaaS-instanser. Lägg till den första kunden, eller titta runt med exempeldata som du kan ta bort med ett klick.',
  'empty.loadExamples': 'Visa exempeldata',

  'form.newTitle': 'Ny kund',
  'form.editTitle': 'Redigera {name}',
  'form.name': 'Namn',
  'form.slug': 'Adressnamn',
  'form.slugHelp': 'Kundens adress: a–z, 0–9 och bindestreck.',
  'form.slugDerived': 'Skapas från namnet: {slug}',
  'form.slugWillBe': 'Adressnamn som används: {slug}',
  'form.admin_email': 'Admin-e-post',
  'form.contact_name': 'Kontaktperson',
  'form.plan': 'Plan',
  'form.modules': 'Moduler',
  'form.modulesHelp': 'Förvalda utifrån planen tills du ändrar dem.',
  'form.status': 'Status',
  'form.notes': 'Anteckningar',
  'form.required': 'obligatoriskt',
  'form.save': 'Spara',
  'form.saving': 'Sparar …',
  'form.cancel': 'Avbryt',
  'form.created': 'Kunden {name} har lagts till',
  'form.saved': 'Ändringarna har sparats',
  'form.invalid': 'Rätta de markerade fälten innan du sparar.',

  'customer.back': 'Tillbaka till kunder',
  'customer.details': 'Uppgifter',
  'customer.slug': 'Adressnamn',
  'customer.admin_email': 'Admin-e-post',
  'customer.contact_name': 'Kontaktperson',
  'customer.plan': 'Plan',
  'customer.modules': 'Moduler',
  'customer.status': 'Status',
  'customer.notes': 'Anteckningar',
  'customer.created': 'Skapad',
  'customer.updated': 'Senast ändrad',
  'customer.none': '–',
  'customer.edit': 'Redigera',
  'customer.delete': 'Ta bort',
  'customer.loadFailed': 'Kunden kunde inte hämtas.',
  'customer.deleteTitle': 'Ta bort kund?',
  'customer.deleteBody': 'Kunden {name} ({slug}) tas bort ur registret. Det går inte att ångra.',
  'customer.confirmDelete': 'Ta bort kunden',
  'customer.deleted': 'Kunden {name} har tagits bort',

  'instance.title': 'SaaS-instans',
  'instance.edit': 'Redigera',
  'instance.save': 'Spara',
  'instance.cancel': 'Avbryt',
  'instance.saved': 'Instansens uppgifter har sparats',
  'instance.production_url': 'Produktions-URL',
  'instance.github_repo_url': 'GitHub-repo-URL',
  'instance.supabase_project_ref': 'Supabase-projektref',
  'instance.vercel_project_id': 'Vercel-projekt-id',
  'instance.n8n_workflow_id': 'n8n-flödes-id',
  'instance.empty': 'Ingen instans är registrerad än.',
  'instance.links': 'Snabblänkar',
  'link.production': 'Gå till produktion',
  'link.github': 'Öppna GitHub-repo',
  'link.supabase': 'Öppna Supabase',
  'link.vercel': 'Öppna Vercel',

  'dialog.close': 'Stäng',
  'toast.close': 'Stäng meddelandet',

  'err.n8n_id_invalid': 'n8n-flödets id får bara innehålla bokstäver, siffror och bindestreck',
  'err.unknown': 'Något gick fel.',
  'nav.activity': 'Aktivitet',
  'group.supabase': 'Supabase',
  'group.github': 'GitHub',
  'group.vercel': 'Vercel',
  'group.n8n': 'n8n',
  'group.email': 'E-post',
  'group.finalize': 'Slutför',
  'stepState.pending': 'Väntar',
  'stepState.running': 'Pågår',
  'stepState.waiting': 'Pågår',
  'stepState.retrying': 'Försöker igen',
  'stepState.succeeded': 'Klar',
  'stepState.failed': 'Misslyckades',
  'stepState.compensating': 'Återställs',
  'stepState.compensated': 'Återställd',
  'stepState.compensation_failed': 'Kunde inte återställas',
  'stepState.skipped': 'Hoppades över',
  'runState.running': 'Pågår',
  'runState.cancelling': 'Avbryts …',
  'runState.rolling_back': 'Återställs …',
  'runState.succeeded': 'Klar',
  'runState.failed': 'Misslyckades',
  'runState.cancelled': 'Avbruten',
  'runState.rolled_back': 'Återställd',
  'runState.rollback_failed': 'Återställningen misslyckades',
  'runKind.provision': 'Provisionering',
  'runKind.teardown': 'Avveckling',
  'run.provision': 'Provisionera',
  'run.provisioning': 'Provisioneras …',
  'run.notReady': 'Kan inte provisionera: {reason}',
  'run.hasInstance': 'Kunden har redan en instans',
  'run.title': 'Provisionering',
  'run.none': 'Ingen körning ännu.',
  'run.attempts': 'försök {n}',
  'run.waiting': '{what} — {detail}, {elapsed}',
  'run.waitingNoDetail': '{what}, {elapsed}',
  'run.retrying': 'Nytt försök om {delay}: {reason}',
  'run.outcome.created': 'Skapad',
  'run.outcome.adopted': 'Fanns redan, övertagen',
  'run.outcome.done': 'Klar',
  'run.outcome.skipped': 'Hoppades över',
  'run.failedAt': '”{step}” misslyckades: {message}',
  'run.manual': 'Ta bort för hand: {manual}',
  'run.retry': 'Försök igen',
  'run.continue': 'Återuppta',
  'run.rollback': 'Återställ',
  'run.showLog': 'Visa logg',
  'run.hideLog': 'Dölj logg',
  'run.stepLog': 'Logg för {step}',
  'run.noLog': 'Inga loggrader ännu.',
  'run.cancel': 'Avbryt',
  'run.cancelTitle': 'Avbryta körningen?',
  'run.cancelBody': 'Körningen stannar vid nästa säkra punkt. Välj om det som hittills skapats ska tas bort eller sparas så att körningen kan återupptas senare.',
  'run.cancelKeep': 'Avbryt och spara',
  'run.cancelRollback': 'Avbryt och återställ',
  'run.cancelBack': 'Fortsätt köra',
  'run.done': 'Provisioneringen av {name} är klar',
  'run.stopped': 'Provisioneringen av {name} stannade: {state}',
  'run.teardownDone': '{name} har avvecklats',
  'run.startFailed': 'Provisioneringen kunde inte startas: {message}',
  'run.started': 'Startad {time}',
  'run.elapsed': 'Tid',
  'plan.title': 'Provisionera {name}?',
  'plan.intro': 'Det här skapas eller tas över:',
  'plan.loading': 'Tar fram planen …',
  'plan.action.create': 'Skapas',
  'plan.action.adopt': 'Tas över',
  'plan.action.refuse': 'Går inte',
  'plan.action.run': 'Körs',
  'plan.action.skip': 'Hoppas över',
  'plan.infeasible': 'Planen kan inte genomföras; åtgärda det som är markerat först.',
  'plan.start': 'Starta',
  'plan.cancel': 'Avbryt',
  'plan.bulkTitle': 'Provisionera {n} kunder?',
  'plan.bulkIntro': 'Varje kund får en egen körning; de köas inom leverantörernas gränser.',
  'plan.failed': 'Planen kunde inte tas fram: {message}',
  'preflight.blocking': 'Förkontrollen hittade {n} problem som måste lösas innan något skapas:',
  'preflight.problem': 'Åtgärda',
  'preflight.caveat': 'Obs',
  'list.select': 'Välj {name}',
  'list.selectAll': 'Välj alla synliga',
  'list.provisionSelected': 'Provisionera valda ({n})',
  'list.col.provision': 'Instans',
  'activity.title': 'Aktivitet',
  'activity.intro': 'Alla körningar, senaste först.',
  'activity.empty': 'Inga körningar ännu.',
  'activity.active': '{n} pågår',
  'activity.indicator': '{n} körning(ar) pågår',
  'history.title': 'Historik',
  'history.empty': 'Kunden har inga körningar ännu.',
  'resume.text': 'Provisioneringen av {name} avbröts när Fabrik stängdes.',
  'resume.run': 'Återuppta',
  'resume.dismiss': 'Inte nu',
  'teardown.button': 'Avveckla',
  'teardown.title': 'Avveckla {name}?',
  'teardown.body': 'Det som bär Fabriks märkning för kunden tas bort för gott; allt annat lämnas orört. Skriv kundens adressnamn {slug} för att bekräfta.',
  'teardown.reading': 'Läser av vad som finns hos molntjänsterna…',
  'teardown.nothing': 'Inget registrerat att ta bort.',
  'teardownVerdict.delete': 'tas bort',
  'teardownVerdict.keep': 'lämnas kvar (inte skapad av Fabrik)',
  'teardownVerdict.gone': 'finns inte längre',
  'teardownVerdict.unknown': 'kunde inte läsas; tas bort bara om den bär Fabriks märkning',
  'foreign.title': 'Inte skapat av Fabrik',
  'adoptionState.refused': 'finns redan men skapades inte av Fabrik; lämnas orört.',
  'adoptionState.allowed': 'tas över med avsikt vid nästa körning.',
  'adoptionState.adopted': 'togs över med avsikt och är nu kundens.',
  'foreign.adopt': 'Ta över…',
  'foreign.help': 'Byt namn på eller ta bort resursen hos molntjänsten, ge kunden ett annat adressnamn, eller ta över den med avsikt.',
  'foreign.adoptTitle': 'Ta över {name}?',
  'foreign.adoptBody': '{name} skapades inte av Fabrik. Tar du över den skriver Fabrik sin märkning på den vid nästa körning; sedan ändras den av körningar och tas bort vid Avveckla, som om Fabrik hade skapat den. Skriv namnet {name} för att bekräfta.',
  'foreign.adoptLabel': 'Resursens namn',
  'foreign.adoptConfirm': 'Ta över',
  'foreign.adopted': '{name} tas över vid nästa körning. Tryck Försök igen eller Provisionera.',
  'teardown.label': 'Adressnamn',
  'teardown.confirm': 'Avveckla för gott',
  'env.title': 'Miljö',
  'env.intro': 'Sandlådan kör allt mot en lokal simulator. Produktion använder de riktiga kontona.',
  'env.label': 'Miljö',
  'env.sandbox': 'Sandlåda',
  'env.switchTitle': 'Byta till {env}?',
  'env.switchBody': 'Fabrik startar om. Körningar som pågår stannar vid en säker punkt och kan återupptas när du byter tillbaka.',
  'env.switchConfirm': 'Byt och starta om',
};

export type TextKey = keyof typeof sv;

const en: Record<TextKey, string> = {
  'app.name': 'Fabrik',
  'app.loading': 'Loading …',
  'nav.main': 'Main menu',
  'nav.customers': 'Customers',
  'lang.label': 'Language',
  'lang.sv': 'Svenska',
  'lang.en': 'English',

  'nav.settings': 'Settings',
  'env.sandboxBanner': 'Sandbox – no real accounts are used; everything runs against a local simulator',
  'env.production': 'Production',

  'settings.title': 'Settings',
  'settings.loadFailed': 'The settings could not be loaded.',
  'settings.retry': 'Try again',
  'cred.title': 'Credentials',
  'cred.intro': "Tokens are kept in the computer's keyring and are never shown again. Only whether they exist and work is shown here.",
  'cred.sandboxHint': 'In the sandbox a simulator is used: a token you save here is accepted at once, and without one the simulator’s own is used.',
  'cred.loadFailed': 'The credentials could not be loaded.',
  'cred.state.missing': 'Missing',
  'cred.state.saved': 'Saved',
  'cred.state.verified': 'Verified',
  'cred.state.problem': 'Problem',
  'cred.account': 'Account: {account}',
  'cred.fromEnv': '(from environment variable)',
  'cred.noneSaved': 'No token saved.',
  'cred.notTested': 'Saved but not checked; choose Test connection.',
  'cred.tokenLabel': 'New token for {provider}',
  'cred.tokenPlaceholder': 'Paste a new token',
  'cred.save': 'Save',
  'cred.saving': 'Saving …',
  'cred.saved': 'Token for {provider} saved',
  'cred.test': 'Test connection',
  'cred.sendEmail': 'Send test email',
  'cred.sendingEmail': 'Sending…',
  'cred.testing': 'Testing …',
  'cred.delete': 'Remove',
  'cred.deleteTitle': 'Remove token?',
  'cred.deleteBody': 'The token for {provider} is removed from the keyring. Fabrik cannot provision with {provider} until you save a new one.',
  'cred.confirmDelete': 'Remove token',
  'cred.deleted': 'Token for {provider} removed',

  'settings.section': 'Settings',
  'settings.intro': 'What provisioning a customer needs. Nothing here is secret.',
  'settings.fixed': 'Set by the sandbox',
  'settings.save': 'Save settings',
  'settings.saving': 'Saving …',
  'settings.saved': 'Settings saved',
  'settings.noChanges': 'No changes to save',
  'settings.group.github': 'GitHub',
  'settings.group.supabase': 'Supabase',
  'settings.group.vercel': 'Vercel',
  'settings.group.n8n': 'n8n',
  'settings.group.email': 'Email',
  'settings.group.templates': 'Templates',
  'settings.group.advanced': 'Advanced',
  'settings.advancedHint': "API addresses; change them only if the agency runs its own installations.",

  'list.title': 'Customers',
  'list.search': 'Search',
  'list.searchPlaceholder': 'Search by name, address name or email',
  'list.statusFilter': 'Status',
  'list.allStatuses': 'All',
  'list.sort': 'Sort',
  'list.count.one': '{n} customer',
  'list.count.other': '{n} customers',
  'list.add': 'Add customer',
  'list.noMatch': 'No customers match the search.',
  'list.clearFilters': 'Clear search and filter',
  'list.col.customer': 'Customer',
  'list.col.email': 'Admin email',
  'list.col.plan': 'Plan',
  'list.col.status': 'Status',
  'list.col.created': 'Created',
  'list.example': 'Example',
  'list.examplesNotice': 'The register contains example data.',
  'list.removeExamples': 'Remove example data',
  'list.examplesRemoved.one': '{n} example customer removed',
  'list.examplesRemoved.other': '{n} example customers removed',
  'list.examplesLoaded.one': '{n} example customer added',
  'list.examplesLoaded.other': '{n} example customers added',
  'list.loadFailed': 'The customer list could not be loaded.',
  'list.retry': 'Try again',

  'sort.name_asc': 'Name A–Z',
  'sort.name_desc': 'Name Z–A',
  'sort.created_desc': 'Newest first',
  'sort.created_asc': 'Oldest first',

  'status.pending': 'Pending',
  'status.provisioning': 'Provisioning',
  'status.active': 'Active',
  'status.failed': 'Failed',
  'status.inactive': 'Inactive',

  'plan.starter': 'Starter',
  'plan.professional': 'Professional',
  'plan.enterprise': 'Enterprise',

  'empty.title': 'No customers yet',
  'empty.body': "This is where the agency's customers and their SaaS instances live. Add the first customer, or look around with example data you can remove in one click.",
  'empty.loadExamples': 'Show example data',

  'form.newTitle': 'New customer',
  'form.editTitle': 'Edit {name}',
  'form.name': 'Name',
  'form.slug': 'Address name',
  'form.slugHelp': "The customer's address: a–z, 0–9 and hyphens.",
  'form.slugDerived': 'Made from the name: {slug}',
  'form.slugWillBe': 'Address name used: {slug}',
  'form.admin_email': 'Admin email',
  'form.contact_name': 'Contact person',
  'form.plan': 'Plan',
  'form.modules': 'Modules',
  'form.modulesHelp': 'Preselected from the plan until you change them.',
  'form.status': 'Status',
  'form.notes': 'Notes',
  'form.required': 'required',
  'form.save': 'Save',
  'form.saving': 'Saving …',
  'form.cancel': 'Cancel',
  'form.created': 'Customer {name} added',
  'form.saved': 'Changes saved',
  'form.invalid': 'Correct the marked fields before saving.',

  'customer.back': 'Back to customers',
  'customer.details': 'Details',
  'customer.slug': 'Address name',
  'customer.admin_email': 'Admin email',
  'customer.contact_name': 'Contact person',
  'customer.plan': 'Plan',
  'customer.modules': 'Modules',
  'customer.status': 'Status',
  'customer.notes': 'Notes',
  'customer.created': 'Created',
  'customer.updated': 'Last changed',
  'customer.none': '–',
  'customer.edit': 'Edit',
  'customer.delete': 'Delete',
  'customer.loadFailed': 'The customer could not be loaded.',
  'customer.deleteTitle': 'Delete customer?',
  'customer.deleteBody': 'The customer {name} ({slug}) will be removed from the register. This cannot be undone.',
  'customer.confirmDelete': 'Delete customer',
  'customer.deleted': 'Customer {name} deleted',

  'instance.title': 'SaaS instance',
  'instance.edit': 'Edit',
  'instance.save': 'Save',
  'instance.cancel': 'Cancel',
  'instance.saved': 'Instance details saved',
  'instance.production_url': 'Production URL',
  'instance.github_repo_url': 'GitHub repo URL',
  'instance.supabase_project_ref': 'Supabase project ref',
  'instance.vercel_project_id': 'Vercel project id',
  'instance.n8n_workflow_id': 'n8n workflow id',
  'instance.empty': 'No instance is registered yet.',
  'instance.links': 'Quick links',
  'link.production': 'Go to production',
  'link.github': 'Open GitHub repo',
  'link.supabase': 'Open Supabase',
  'link.vercel': 'Open Vercel',

  'dialog.close': 'Close',
  'toast.close': 'Dismiss message',

  'err.n8n_id_invalid': 'An n8n workflow id may only contain letters, digits and hyphens',
  'err.unknown': 'Something went wrong.',
  'nav.activity': 'Activity',
  'group.supabase': 'Supabase',
  'group.github': 'GitHub',
  'group.vercel': 'Vercel',
  'group.n8n': 'n8n',
  'group.email': 'Email',
  'group.finalize': 'Finish',
  'stepState.pending': 'Waiting',
  'stepState.running': 'Running',
  'stepState.waiting': 'Running',
  'stepState.retrying': 'Retrying',
  'stepState.succeeded': 'Done',
  'stepState.failed': 'Failed',
  'stepState.compensating': 'Rolling back',
  'stepState.compensated': 'Rolled back',
  'stepState.compensation_failed': 'Could not roll back',
  'stepState.skipped': 'Skipped',
  'runState.running': 'Running',
  'runState.cancelling': 'Cancelling …',
  'runState.rolling_back': 'Rolling back …',
  'runState.succeeded': 'Done',
  'runState.failed': 'Failed',
  'runState.cancelled': 'Cancelled',
  'runState.rolled_back': 'Rolled back',
  'runState.rollback_failed': 'Rollback failed',
  'runKind.provision': 'Provisioning',
  'runKind.teardown': 'Teardown',
  'run.provision': 'Provision',
  'run.provisioning': 'Provisioning …',
  'run.notReady': 'Cannot provision: {reason}',
  'run.hasInstance': 'The customer already has an instance',
  'run.title': 'Provisioning',
  'run.none': 'No run yet.',
  'run.attempts': 'attempt {n}',
  'run.waiting': '{what} — {detail}, {elapsed}',
  'run.waitingNoDetail': '{what}, {elapsed}',
  'run.retrying': 'Retrying in {delay}: {reason}',
  'run.outcome.created': 'Created',
  'run.outcome.adopted': 'Already existed, adopted',
  'run.outcome.done': 'Done',
  'run.outcome.skipped': 'Skipped',
  'run.failedAt': '“{step}” failed: {message}',
  'run.manual': 'Remove by hand: {manual}',
  'run.retry': 'Try again',
  'run.continue': 'Resume',
  'run.rollback': 'Roll back',
  'run.showLog': 'Show log',
  'run.hideLog': 'Hide log',
  'run.stepLog': 'Log for {step}',
  'run.noLog': 'No log lines yet.',
  'run.cancel': 'Cancel',
  'run.cancelTitle': 'Cancel the run?',
  'run.cancelBody': 'The run stops at its next safe point. Choose whether what was created so far is removed, or kept so that the run can be resumed later.',
  'run.cancelKeep': 'Cancel and keep',
  'run.cancelRollback': 'Cancel and roll back',
  'run.cancelBack': 'Keep running',
  'run.done': 'Provisioning of {name} is done',
  'run.stopped': 'Provisioning of {name} stopped: {state}',
  'run.teardownDone': '{name} has been torn down',
  'run.startFailed': 'The run could not start: {message}',
  'run.started': 'Started {time}',
  'run.elapsed': 'Time',
  'plan.title': 'Provision {name}?',
  'plan.intro': 'This will be created or adopted:',
  'plan.loading': 'Preparing the plan …',
  'plan.action.create': 'Create',
  'plan.action.adopt': 'Adopt',
  'plan.action.refuse': 'Refused',
  'plan.action.run': 'Run',
  'plan.action.skip': 'Skip',
  'plan.infeasible': 'The plan cannot be carried out; fix what is marked first.',
  'plan.start': 'Start',
  'plan.cancel': 'Cancel',
  'plan.bulkTitle': 'Provision {n} customers?',
  'plan.bulkIntro': 'Each customer gets its own run; they are queued within the providers’ limits.',
  'plan.failed': 'The plan could not be prepared: {message}',
  'preflight.blocking': 'The preflight found {n} problems to fix before anything is created:',
  'preflight.problem': 'Fix',
  'preflight.caveat': 'Note',
  'list.select': 'Select {name}',
  'list.selectAll': 'Select all visible',
  'list.provisionSelected': 'Provision selected ({n})',
  'list.col.provision': 'Instance',
  'activity.title': 'Activity',
  'activity.intro': 'Every run, newest first.',
  'activity.empty': 'No runs yet.',
  'activity.active': '{n} running',
  'activity.indicator': '{n} run(s) in progress',
  'history.title': 'History',
  'history.empty': 'The customer has no runs yet.',
  'resume.text': 'Provisioning of {name} was interrupted when Fabrik closed.',
  'resume.run': 'Resume',
  'resume.dismiss': 'Not now',
  'teardown.button': 'Tear down',
  'teardown.title': 'Tear down {name}?',
  'teardown.body': 'What carries Fabrik’s marker for this customer is deleted for good; everything else is left alone. Type the customer’s slug {slug} to confirm.',
  'teardown.reading': 'Reading what exists at the cloud services…',
  'teardown.nothing': 'Nothing recorded to delete.',
  'teardownVerdict.delete': 'is deleted',
  'teardownVerdict.keep': 'is left alone (not created by Fabrik)',
  'teardownVerdict.gone': 'no longer exists',
  'teardownVerdict.unknown': 'could not be read; deleted only if it carries Fabrik’s marker',
  'foreign.title': 'Not created by Fabrik',
  'adoptionState.refused': 'already exists but was not created by Fabrik; left alone.',
  'adoptionState.allowed': 'is adopted on purpose at the next run.',
  'adoptionState.adopted': 'was adopted on purpose and is now the customer’s.',
  'foreign.adopt': 'Adopt…',
  'foreign.help': 'Rename or delete the resource at the cloud service, give the customer another slug, or adopt it on purpose.',
  'foreign.adoptTitle': 'Adopt {name}?',
  'foreign.adoptBody': '{name} was not created by Fabrik. If you adopt it, Fabrik writes its marker on it at the next run; from then on runs change it and a teardown deletes it, as if Fabrik had created it. Type the name {name} to confirm.',
  'foreign.adoptLabel': 'Resource name',
  'foreign.adoptConfirm': 'Adopt',
  'foreign.adopted': '{name} is adopted at the next run. Press Retry or Provision.',
  'teardown.label': 'Slug',
  'teardown.confirm': 'Tear down for good',
  'env.title': 'Environment',
  'env.intro': 'The sandbox runs everything against a local simulator. Production uses the real accounts.',
  'env.label': 'Environment',
  'env.sandbox': 'Sandbox',
  'env.switchTitle': 'Switch to {env}?',
  'env.switchBody': 'Fabrik restarts. Runs in progress stop at a safe point and can be resumed when you switch back.',
  'env.switchConfirm': 'Switch and restart',
};

const TEXTS: Record<Language, Record<TextKey, string>> = { sv, en };

export const LANGUAGES: Language[] = ['sv', 'en'];
export const STATUSES: readonly Status[] = CORE_STATUSES;
export const PLANS: readonly Plan[] = CORE_PLANS;
export const SORT_KEYS: SortKey[] = ['name_asc', 'name_desc', 'created_desc', 'created_asc'];

// The text key of each vocabulary member. `t()` takes only keys that exist in both languages,
// so a member the core adds without a text here is a type error, not a raw key on screen.
export const runStateKey = (s: RunState) => `runState.${s}` as const;
export const targetVerdictKey = (v: TargetVerdict) => `teardownVerdict.${v}` as const;
export const adoptionStateKey = (s: AdoptionState) => `adoptionState.${s}` as const;
export const stepStateKey = (s: StepState) => `stepState.${s}` as const;
export const runKindKey = (k: RunKind) => `runKind.${k}` as const;
export const statusKey = (s: Status) => `status.${s}` as const;
export const planKey = (p: Plan) => `plan.${p}` as const;

export type Params = Record<string, string | number>;

export function translate(lang: Language, key: TextKey, params?: Params): string {
  let text = TEXTS[lang][key] ?? sv[key] ?? key;
  if (params) {
    for (const [k, v] of Object.entries(params)) text = text.split(`{${k}}`).join(String(v));
  }
  return text;
}

/** Anything the core reports with a code: an `ApiError`, a `FieldError`, a failed step. */
export interface Coded {
  code: ErrorCode;
  message: string;
  params?: Record<string, string>;
  /** A field problem's more specific template (e.g. `email_no_at` for `email_invalid`). */
  text?: ErrorCode;
}

/**
 * The text of a core error in the user's language, from the core's own catalog (`ERROR_TEXT`)
 * and the parameters it sent, so both languages say the same thing. Branches on the code,
 * never on the text; the core's Swedish message is only a fallback when parameters are missing.
 */
export function errorText(lang: Language, err: Coded): string {
  const template = ERROR_TEXT[err.text ?? err.code]?.[lang];
  if (!template) return lang === 'sv' && err.message ? err.message : translate(lang, 'err.unknown');
  const params = err.params ?? {};
  let missing = false;
  const text = template.replace(/\{([a-z_]+)\}/g, (_whole, name: string) => {
    if (name in params) return params[name];
    missing = true;
    return '…';
  });
  return missing && lang === 'sv' && err.message ? err.message : text;
}

/** Plural-aware count text: "1 kund", "10 000 kunder". */
export function countText(lang: Language, base: 'list.count' | 'list.examplesRemoved' | 'list.examplesLoaded', n: number): string {
  const key = (n === 1 ? `${base}.one` : `${base}.other`) as TextKey;
  return translate(lang, key, { n: formatNumber(lang, n) });
}

const numberFormats: Partial<Record<Language, Intl.NumberFormat>> = {};
export function formatNumber(lang: Language, n: number): string {
  const f = (numberFormats[lang] ??= new Intl.NumberFormat(lang === 'sv' ? 'sv-SE' : 'en-GB'));
  return f.format(n);
}

const dateFormats: Partial<Record<Language, Intl.DateTimeFormat>> = {};
const dateTimeFormats: Partial<Record<Language, Intl.DateTimeFormat>> = {};

/** A date as the user reads it: "2025-03-14" in Swedish, "14 Mar 2025" in English. */
export function formatDate(lang: Language, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const f = (dateFormats[lang] ??=
    lang === 'sv' ? new Intl.DateTimeFormat('sv-SE') : new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' }));
  return f.format(d);
}

export function formatDateTime(lang: Language, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const f = (dateTimeFormats[lang] ??= new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }));
  return f.format(d);
}

export interface I18n {
  lang: Language;
  t: (key: TextKey, params?: Params) => string;
  err: (e: Coded) => string;
  /** A sentence the core sent in both languages. */
  tx: (text: Text) => string;
  setLanguage: (lang: Language) => void;
}

export function makeI18n(lang: Language, setLanguage: (lang: Language) => void): I18n {
  return {
    lang,
    t: (key, params) => translate(lang, key, params),
    err: (e) => errorText(lang, e),
    tx: (text) => text[lang],
    setLanguage,
  };
}

export const I18nContext = createContext<I18n>(makeI18n('sv', () => {}));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
