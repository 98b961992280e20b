// Every text the UI shows, Swedish first, English second. Components never hold literal text.
import { createContext, useContext } from 'react';
import type { ApiError, FieldError, Language, Plan, SortKey, Status } from './bindings';

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
  'cred.sandboxHint': 'I sandlådan godtar simulatorn en token du sparar här först när Fabrik har startats om.',
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

  'err.required': 'Fältet måste fyllas i',
  'err.name.required': 'Namn måste anges',
  'err.admin_email.required': 'E-postadress måste anges',
  'err.too_long': 'Texten är för lång',
  'err.email_invalid': 'Ogiltig e-postadress (till exempel anna@foretag.se)',
  'err.email_too_long': 'E-postadressen är för lång',
  'err.url_not_https': 'Adressen måste börja med https://',
  'err.url_invalid': 'Ogiltig webbadress',
  'err.slug_too_short': 'Adressnamnet måste vara minst 3 tecken',
  'err.slug_too_long': 'Adressnamnet får vara högst 40 tecken',
  'err.slug_invalid_character': 'Adressnamnet får bara innehålla a–z, 0–9 och bindestreck',
  'err.slug_edge_hyphen': 'Adressnamnet får inte börja eller sluta med bindestreck',
  'err.slug_double_hyphen': 'Adressnamnet får inte innehålla två bindestreck i rad',
  'err.slug_reserved': 'Adressnamnet är reserverat',
  'err.slug_taken': 'Adressnamnet används redan av en annan kund',
  'err.slug_locked': 'Adressnamnet kan inte ändras när kunden har en instans',
  'err.supabase_ref_invalid': 'Supabase-projektets ref är 20 små bokstäver a–z',
  'err.vercel_id_invalid': 'Vercel-projektets id börjar med prj_ följt av bokstäver och siffror',
  'err.n8n_id_invalid': 'n8n-flödets id får bara innehålla bokstäver, siffror och bindestreck',
  'err.validation': 'Några uppgifter behöver rättas.',
  'err.customer_not_found': 'Kunden finns inte längre.',
  'err.stale_version': 'Kunden har ändrats av någon annan sedan du öppnade den; ladda om och försök igen.',
  'err.database_too_new': 'Databasen skrevs av en nyare version av Fabrik; uppdatera Fabrik.',
  'err.database_open': 'Databasen kunde inte öppnas.',
  'err.database': 'Ett databasfel inträffade.',
  'err.unsafe_link': 'Bara https-länkar kan öppnas.',
  'err.io': 'Ett fel uppstod vid läsning eller skrivning av en fil.',
  'err.invalid_token': 'Token är ogiltig; klistra in den igen',
  'err.keyring_no_session_bus': 'Nyckelringen kan inte nås: ingen D-Bus-session körs. Starta Fabrik från en skrivbordssession.',
  'err.keyring_no_secret_service': 'Ingen nyckelringstjänst (Secret Service) körs. Installera och starta gnome-keyring och försök igen.',
  'err.keyring_locked': 'Nyckelringen är låst. Lås upp den och försök igen.',
  'err.keyring_timeout': 'Nyckelringen svarade inte i tid, troligen för att den väntar på att låsas upp. Lås upp nyckelringen och försök igen.',
  'err.sandbox_failed': 'Sandlådan kunde inte starta.',
  'err.unknown': 'Något gick fel.',
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
  'cred.sandboxHint': 'In the sandbox, the simulator accepts a token you save here only after Fabrik has been restarted.',
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

  'err.required': 'This field is required',
  'err.name.required': 'Name is required',
  'err.admin_email.required': 'Email address is required',
  'err.too_long': 'The text is too long',
  'err.email_invalid': 'Invalid email address (for example anna@company.com)',
  'err.email_too_long': 'The email address is too long',
  'err.url_not_https': 'The address must start with https://',
  'err.url_invalid': 'Invalid web address',
  'err.slug_too_short': 'The address name must be at least 3 characters',
  'err.slug_too_long': 'The address name may be at most 40 characters',
  'err.slug_invalid_character': 'The address name may only contain a–z, 0–9 and hyphens',
  'err.slug_edge_hyphen': 'The address name may not start or end with a hyphen',
  'err.slug_double_hyphen': 'The address name may not contain two hyphens in a row',
  'err.slug_reserved': 'The address name is reserved',
  'err.slug_taken': 'The address name is already used by another customer',
  'err.slug_locked': 'The address name cannot change once the customer has an instance',
  'err.supabase_ref_invalid': "A Supabase project ref is 20 lowercase letters a–z",
  'err.vercel_id_invalid': 'A Vercel project id starts with prj_ followed by letters and digits',
  'err.n8n_id_invalid': 'An n8n workflow id may only contain letters, digits and hyphens',
  'err.validation': 'Some details need correcting.',
  'err.customer_not_found': 'The customer no longer exists.',
  'err.stale_version': 'Someone else changed the customer since you opened it; reload and try again.',
  'err.database_too_new': 'The database was written by a newer version of Fabrik; update Fabrik.',
  'err.database_open': 'The database could not be opened.',
  'err.database': 'A database error occurred.',
  'err.unsafe_link': 'Only https links can be opened.',
  'err.io': 'A file could not be read or written.',
  'err.invalid_token': 'The token is not valid; paste it again',
  'err.keyring_no_session_bus': 'The keyring cannot be reached: no D-Bus session is running. Start Fabrik from a desktop session (or in a terminal with `dbus-run-session`).',
  'err.keyring_no_secret_service': 'No keyring service (Secret Service) is running. Install and start gnome-keyring (or KeePassXC with Secret Service enabled) and try again.',
  'err.keyring_locked': 'The keyring is locked. Unlock it (for example by logging out and in again) and try again.',
  'err.keyring_timeout': 'The keyring did not answer in time, probably because it is waiting to be unlocked. Unlock the keyring and try again.',
  'err.sandbox_failed': 'The sandbox could not start.',
  'err.unknown': 'Something went wrong.',
};

const TEXTS: Record<Language, Record<TextKey, string>> = { sv, en };

export const LANGUAGES: Language[] = ['sv', 'en'];
export const STATUSES: Status[] = ['pending', 'provisioning', 'active', 'failed', 'inactive'];
export const PLANS: Plan[] = ['starter', 'professional', 'enterprise'];
export const SORT_KEYS: SortKey[] = ['name_asc', 'name_desc', 'created_desc', 'created_asc'];

/**
 * Codes whose Swedish server message carries a parameter (a slug, a limit, a path), so in
 * Swedish the server's own text says more than a fixed translation.
 */
const SERVER_TEXT_IN_SWEDISH = new Set([
  'slug_taken',
  'too_long',
  'customer_not_found',
  'database_too_new',
  'database_open',
  'database',
  'unsafe_link',
  'io',
  // Two different reasons (empty, whitespace inside).
  'invalid_token',
  // The keyring's messages name the cause and the fix; shown in full.
  'keyring_no_session_bus',
  'keyring_no_secret_service',
  'keyring_locked',
  'keyring_timeout',
  'sandbox_failed',
]);

export type Params = Record<string, string | number>;

export function translate(lang: Language, key: TextKey, params?: Params): string {
  let text = TEXTS[lang][key] ?? sv[key] ?? key;
  if (params) {
    for (const [k, v] of Object.entries(params)) text = text.split(`{${k}}`).join(String(v));
  }
  return text;
}

function hasKey(k: string): k is TextKey {
  return Object.prototype.hasOwnProperty.call(sv, k);
}

/** The text for an error code, or for one field's error: branches on the code, never the text. */
export function errorText(lang: Language, err: Pick<ApiError, 'code' | 'message'> | FieldError): string {
  const code = err.code;
  const field = 'field' in err ? err.field : undefined;
  if (lang === 'sv' && SERVER_TEXT_IN_SWEDISH.has(code) && err.message) return err.message;
  if (field && hasKey(`err.${field}.${code}`)) return translate(lang, `err.${field}.${code}` as TextKey);
  if (hasKey(`err.${code}`)) {
    // A slug the app derived from the name explains itself better in the server's words.
    if (lang === 'sv' && field === 'slug' && err.message.startsWith('Kunde inte')) return err.message;
    return translate(lang, `err.${code}` as TextKey);
  }
  return err.message || translate(lang, 'err.unknown');
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
  err: (e: Pick<ApiError, 'code' | 'message'> | FieldError) => string;
  setLanguage: (lang: Language) => void;
}

export function makeI18n(lang: Language, setLanguage: (lang: Language) => void): I18n {
  return {
    lang,
    t: (key, params) => translate(lang, key, params),
    err: (e) => errorText(lang, e),
    setLanguage,
  };
}

export const I18nContext = createContext<I18n>(makeI18n('sv', () => {}));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
