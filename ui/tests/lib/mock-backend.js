// A small, faithful in-memory fake of the Rust command surface (src/api/mod.rs), installed in the
// page through `mockIPC` before the app loads. Classic script: it runs as an init script, with
// `window.__TAURI_MOCKS__` (mockIPC, mockWindows), `window.__FABRIK_MOCK_CONFIG__`, the core's rules
// `window.__FABRIK_CORE_RULES__` (tests/fixtures/core-rules.json) and their interpreter
// `window.__fabrikMockRules` (mock-rules.js) set before it.
// State lives in sessionStorage so a reload keeps it (preferences always, customers when small).
(function () {
  'use strict';
  const CONFIG = window.__FABRIK_MOCK_CONFIG__ || {};
  const KEY = 'fabrik-mock-state';
  const LATENCY = CONFIG.latency ?? 3;
  const BASE_TIME = Date.parse('2025-01-06T09:00:00Z');

  // The customer rules (manifest, plans, statuses, slugs, field checks, messages) are the core's:
  // mock-rules.js interprets ui/tests/fixtures/core-rules.json, which the harness injects first.
  const {
    MANIFEST,
    PLANS,
    STATUSES,
    coded,
    deriveSlug,
    validateEmail,
    validateDraft,
    validatePatch,
    checkDraft,
    takenField,
    emptyInstance,
  } = window.__fabrikMockRules(window.__FABRIK_CORE_RULES__);

  function links(inst, slug) {
    const https = (v) => (v && v.startsWith('https://') ? v : null);
    return {
      production: https(inst.production_url),
      github: https(inst.github_repo_url),
      supabase: inst.supabase_project_ref ? `https://supabase.com/dashboard/project/${inst.supabase_project_ref}` : null,
      vercel: inst.vercel_project_id ? (CONFIG.vercelScope ? `https://vercel.com/${CONFIG.vercelScope}/${slug}` : 'https://vercel.com/dashboard') : null,
    };
  }

  // ---------- errors (mirrors src/error.rs) ----------
  function apiError(code, message, fields = []) {
    return { code, message, fields };
  }
  const validation = (fields) => apiError('validation', fields.map((e) => `${e.field}: ${e.message}`).join('; '), fields);
  const notFound = (slug) => apiError('customer_not_found', `Kunden '${slug}' finns inte`);

  // ---------- import (mirrors src/register/import.rs for the cases the UI tests use) ----------
  const problem = (field, code, params) => ({ field, code, text: code, message: coded(code, params).sv, params });
  function importPlan(contents) {
    const fileError = (sv, en) => ({ ...apiError('import_file_invalid', `Filen kan inte importeras: ${sv}; ingenting lades till`), params: { reason: sv, reason_en: en } });
    let text = String(contents ?? '').replace(/^\ufeff/, '');
    // A JSON list (what read_portal hands over) is read as the CSV it would be; its rows are
    // numbered by their place in the list, as the core does.
    let firstLine = 2;
    if (/^\s*\[/.test(text)) {
      const list = JSON.parse(text);
      const keys = [...new Set(list.flatMap((o) => Object.keys(o)))];
      text = [keys.join(','), ...list.map((o) => keys.map((k) => o[k] ?? '').join(','))].join('\n');
      firstLine = 1;
    }
    if (text.includes('\ufffd')) throw fileError('filen är inte UTF-8 (byte 0); spara den som "CSV UTF-8" och försök igen', 'the file is not UTF-8');
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length === 0) throw fileError('filen är tom', 'the file is empty');
    const ALIASES = { name: ['name', 'namn'], admin_email: ['admin_email', 'email', 'e-post'], slug: ['slug', 'adress'], plan: ['plan'] };
    const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
    const col = (k) => header.findIndex((h) => ALIASES[k].includes(h));
    if (col('admin_email') < 0) throw fileError('kolumnen admin_email saknas', 'the column admin_email is missing');
    const ignored = header.filter((h) => !Object.values(ALIASES).some((a) => a.includes(h)));
    const add = [];
    const sample = [];
    const skipped = [];
    const seen = new Map();
    lines.slice(1).forEach((line, i) => {
      const cells = line.split(',').map((c) => c.trim());
      const get = (k) => (col(k) >= 0 ? cells[col(k)] ?? '' : '');
      const draft = { name: get('name'), admin_email: get('admin_email'), slug: get('slug') || null, plan: get('plan') || null };
      const r = validateDraft(draft);
      const row = { line: i + firstLine, name: draft.name, slug: r.fields?.slug ?? draft.slug ?? '', admin_email: draft.admin_email, problems: [] };
      if (r.errors) row.problems = r.errors;
      else if (byslug(r.fields.slug)) row.problems = [problem('slug', 'import_exists', { slug: r.fields.slug })];
      else if (seen.has(r.fields.slug)) row.problems = [problem('slug', 'import_duplicate', { slug: r.fields.slug, line: String(seen.get(r.fields.slug)) })];
      if (row.problems.length) return skipped.push(row);
      seen.set(r.fields.slug, row.line);
      add.push(r.fields);
      if (sample.length < 100) sample.push(row);
    });
    return { add, preview: { environment: ENVIRONMENT, to_add: add.length, sample, skipped, ignored_columns: ignored } };
  }

  // ---------- cloud: environment, credentials, settings (mirrors src/api/cloud.rs,
  // src/credentials.rs, src/providers/verify.rs, src/provision/settings.rs) ----------
  const ENVIRONMENT = CONFIG.environment === 'production' ? 'production' : 'sandbox';
  const PROVIDERS = ['github', 'supabase', 'vercel', 'n8n', 'resend', 'gitea', 'stripe'];
  const SETTING_KEYS = [
    ['github.template', 'Mallrepo på GitHub, ägare/namn'],
    ['github.owner', 'Användare eller organisation som nya repon hamnar hos'],
    ['supabase.organization', 'Supabase-organisationens slug'],
    ['supabase.region', 'Supabase-region, t.ex. eu-north-1'],
    ['vercel.team_id', 'Vercel-teamets id (team_…); tomt = personligt konto'],
    ['vercel.team_slug', 'Vercel-teamets slug, för länkar'],
    ['vercel.framework', 'Ramverk för Vercel-projektet'],
    ['email.sender_name', 'Avsändarnamn för välkomstmejlet'],
    ['email.sender_address', 'Avsändaradress (på en verifierad domän hos Resend)'],
    ['alerts.email', T('Byråns adress för larm: en instans som blir ej frisk, en körning som misslyckas (tomt = bara aviseringar på datorn)', "The agency's address for alerts: an instance turning unhealthy, a run failing (empty = desktop notifications only)")],
    ['domains.agency', 'Byråns domän för kundernas underdomäner, t.ex. byran.se'],
    ['schema.template_path', 'Egen SQL-mall för kundens databas (tomt = den inbyggda)'],
    ['n8n.workflow_template_path', 'Eget n8n-flöde som JSON (tomt = det inbyggda)'],
    ['modules.manifest_path', 'Eget modulmanifest som JSON (tomt = det inbyggda)'],
    ['env.supabase_url', 'Namnet på miljövariabeln för Supabase-URL:en'],
    ['env.supabase_anon_key', 'Namnet på miljövariabeln för anon-nyckeln'],
    ['env.supabase_service_role_key', 'Namnet på miljövariabeln för service role-nyckeln'],
    ['env.customer_slug', 'Namnet på miljövariabeln för kundens adressnamn'],
    ['env.modules', 'Namnet på miljövariabeln för kundens moduler'],
    ['supabase.api_url', 'Supabase Management API (avancerat)'],
    ['supabase.project_url_template', 'Adress till ett projekts API, med {ref} (avancerat)'],
    ['github.api_url', 'GitHub API (avancerat)'],
    ['vercel.api_url', 'Vercel API (avancerat)'],
    ['n8n.api_url', 'n8n-instansens API, t.ex. https://n8n.byran.se/api/v1'],
    ['resend.api_url', 'Resend API (avancerat)'],
    ['gitea.api_url', T('Byråns Gitea-API för säkerhetskopior av flöden, t.ex. https://git.byran.se/api/v1', "The agency's Gitea API for workflow backups, e.g. https://git.agency.com/api/v1")],
    ['backup.schedule_hours', T('Säkerhetskopiera varje aktiv instans vars senaste kopia är äldre än N timmar (tomt = 24, 0 = av)', 'Back up every active instance whose newest backup is older than N hours (empty = 24, 0 = off)')],
    ['backup.repository', T('Förrådet i Gitea där kundernas n8n-flöden säkerhetskopieras, ägare/namn (tomt = ops-hub/client-backups)', "The Gitea repository the customers' n8n workflows are backed up to, owner/name (empty = ops-hub/client-backups)")],
    ['usage.stripe_subscriptions', T('Kundernas prenumerationer i Stripe: slug=sub_… eller slug=cus_…, kommaseparerade', "The customers' Stripe subscriptions: slug=sub_… or slug=cus_…, comma-separated")],
    ['backup.alert_hours', T('Larma om en instans vars senaste säkerhetskopia (databas eller flöden) är äldre än N timmar (tomt = 48, 0 = av)', 'Alert about an instance whose newest backup (database or workflows) is older than N hours (empty = 48, 0 = off)')],
  ];
  // The simulated world (fabrik-sim's default seed); it takes precedence over stored settings.
  const SIM = {
    user: 'fabrik-agent',
    org: 'fabrik-agency',
    supabaseOrg: 'fabrik-sandbox',
    teamId: 'team_sim0000000000000000001',
    teamSlug: 'fabrik-agency',
    n8nApi: 'http://127.0.0.1:41017/n8n/api/v1',
  };
  const OVERRIDES =
    ENVIRONMENT === 'sandbox'
      ? {
          'github.template': `${SIM.org}/saas-template`,
          'github.owner': SIM.org,
          'supabase.organization': SIM.supabaseOrg,
          'supabase.region': 'eu-north-1',
          'vercel.team_id': SIM.teamId,
          'vercel.team_slug': SIM.teamSlug,
          'email.sender_address': 'valkommen@sandbox.fabrik.test',
        }
      : {};
  // Which tokens the fake providers treat how (matched when the token is saved; only the
  // verdict is kept, never the token).
  const TOKENS = {
    rejected: ['rejected-token', ...((CONFIG.tokens && CONFIG.tokens.rejected) || [])],
    forbidden: ['forbidden-token', ...((CONFIG.tokens && CONFIG.tokens.forbidden) || [])],
    missingScope: ['noscope-token', ...((CONFIG.tokens && CONFIG.tokens.missingScope) || [])],
    noDeleteRepo: ['nodelete-token', ...((CONFIG.tokens && CONFIG.tokens.noDeleteRepo) || [])],
    unreachable: ['unreachable-token', ...((CONFIG.tokens && CONFIG.tokens.unreachable) || [])],
  };
  // Providers whose token comes from an environment variable (FABRIK_*_TOKEN).
  const FROM_ENV = CONFIG.fromEnv || [];
  const KEYRING_MESSAGES = {
    keyring_no_session_bus:
      'Nyckelringen kan inte nås: ingen D-Bus-session körs. Starta Fabrik från en skrivbordssession (eller i en terminal med `dbus-run-session`).',
    keyring_no_secret_service:
      'Ingen nyckelringstjänst (Secret Service) körs. Installera och starta gnome-keyring (eller KeePassXC med Secret Service påslaget) och försök igen.',
    keyring_locked: 'Nyckelringen är låst. Lås upp den (till exempel genom att logga ut och in igen) och försök igen.',
    keyring_timeout: 'Nyckelringen svarade inte inom 10 sekunder, troligen för att den väntar på att låsas upp. Lås upp nyckelringen och försök igen.',
    keyring_error: 'Nyckelringen gav ett fel: org.freedesktop.DBus.Error.Failed',
  };
  function keyring() {
    // CONFIG.keyring: a keyring error code every keyring access fails with.
    if (CONFIG.keyring) throw apiError(CONFIG.keyring, KEYRING_MESSAGES[CONFIG.keyring] || 'Nyckelringen gav ett fel');
  }
  function checkProvider(p) {
    if (!PROVIDERS.includes(p)) throw apiError('invalid_args', `unknown variant \`${p}\`, expected one of \`github\`, \`supabase\`, \`vercel\`, \`n8n\`, \`resend\`, \`gitea\`, \`stripe\``);
  }
  function verdictOf(token) {
    for (const [kind, list] of Object.entries(TOKENS)) if (list.includes(token)) return kind;
    return 'ok';
  }
  function settingValue(key) {
    if (key in OVERRIDES) return OVERRIDES[key];
    const v = state.settings[key];
    return v ? v : null;
  }
  function tokenOf(p) {
    if (FROM_ENV.includes(p)) return { token: { verdict: 'ok', resendFormat: true }, fromEnv: true };
    keyring();
    return { token: state.creds[p] || null, fromEnv: false };
  }
  function credStatus(p) {
    const { token, fromEnv } = tokenOf(p);
    const v = state.credCache[p] || null;
    const st = !token ? 'missing' : !v ? 'saved' : v.state === 'verified' ? 'verified' : 'problem';
    return { provider: p, state: st, from_env: fromEnv, verification: token ? v : null };
  }
  function verification(p, stateName, account, message, warnings = []) {
    return { provider: p, state: stateName, account, message: T(message), warnings: warnings.map((w) => T(w)) };
  }
  function verify(p, t) {
    if (t.verdict === 'rejected') return verification(p, 'rejected', null, 'Token avvisades (401)');
    if (t.verdict === 'forbidden') return verification(p, 'rejected', null, 'Token saknar åtkomst (403)');
    if (t.verdict === 'unreachable' && p !== 'resend')
      return verification(p, 'unreachable', null, 'Kunde inte kontrollera: anslutningen bröts (tidsgräns)');
    switch (p) {
      case 'github': {
        if (t.verdict === 'missingScope') return verification(p, 'missing_scope', SIM.user, 'Token saknar behörigheten repo');
        const warnings =
          t.verdict === 'noDeleteRepo' ? ['Token saknar behörigheten delete_repo: en återställning kan inte ta bort repon'] : [];
        return verification(p, 'verified', SIM.user, `Verifierad som ${SIM.user}`, warnings);
      }
      case 'supabase': {
        const names = [SIM.supabaseOrg];
        const org = settingValue('supabase.organization');
        if (org && !names.includes(org))
          return verification(p, 'wrong_account', names.join(', '), `Organisationen ${org} syns inte för token (den ser: ${names.join(', ')})`);
        return verification(p, 'verified', names.join(', '), org ? `Verifierad; ser organisationen ${org}` : `Verifierad; ser ${names.join(', ')}`);
      }
      case 'vercel': {
        const team = settingValue('vercel.team_id');
        if (team && team !== SIM.teamId)
          return verification(p, 'wrong_account', SIM.user, `Teamet ${team} syns inte för token (den ser: ${SIM.teamSlug})`);
        return verification(p, 'verified', SIM.user, `Verifierad som ${SIM.user}`);
      }
      case 'n8n': {
        const api = ENVIRONMENT === 'sandbox' ? SIM.n8nApi : settingValue('n8n.api_url') || '';
        if (!api) return verification(p, 'not_configured', null, 'Ställ in n8n-instansens adress (n8n.api_url)');
        return verification(p, 'verified', api, `Verifierad mot ${api}`);
      }
      case 'n8n':
        return { provider, problem: null, lists: [], about: [T('n8n version 1.97.1.', 'n8n version 1.97.1.')] };
      case 'gitea': {
        const api = settingValue('gitea.api_url') || (ENVIRONMENT === 'sandbox' ? 'http://127.0.0.1:41017/gitea/api/v1' : '');
        if (!api) return verification(p, 'not_configured', null, T('Ställ in Gitea-adressen (gitea.api_url)', 'Set the Gitea address (gitea.api_url)'));
        const repo = settingValue('backup.repository') || 'ops-hub/client-backups';
        return verification(p, 'verified', 'fabrik-backup', T(`Verifierad som fabrik-backup; kan skriva till ${repo}`, `Verified as fabrik-backup; can write to ${repo}`));
      }
      default: {
        if (ENVIRONMENT === 'production' && !t.resendFormat)
          return verification(p, 'rejected', null, 'Ser inte ut som en API-nyckel från Resend (de börjar med re_)');
        return verification(p, 'verified', null, 'Formatet stämmer; skicka ett testmejl för att prova nyckeln');
      }
    }
  }
  function checkSetting(key, raw) {
    const value = raw.trim();
    const bad = (reason) => {
      throw apiError('invalid_setting', `Ogiltig inställning ${key}: ${reason}`);
    };
    if (key === 'github.template') {
      const i = value.indexOf('/');
      const o = i < 0 ? '' : value.slice(0, i);
      const r = i < 0 ? '' : value.slice(i + 1);
      if (!(i >= 0 && o && r && !r.includes('/'))) bad('skriv som ägare/repo');
    } else if (key === 'backup.repository') {
      if (value !== '' && !/^[^/\s]+\/[^/\s]+$/.test(value)) bad('skriv som ägare/namn');
    } else if (key === 'backup.schedule_hours' || key === 'backup.alert_hours') {
      if (value !== '' && !/^\d+$/.test(value)) bad('ett heltal antal timmar');
    } else if (key === 'email.sender_address') {
      if (validateEmail(value)) bad('ogiltig e-postadress');
    } else if (key.endsWith('api_url') && value !== '') {
      let ok = false;
      try {
        const u = new URL(value);
        ok = u.protocol === 'https:' || u.protocol === 'http:';
      } catch {
        ok = false;
      }
      if (!ok) bad('måste vara en http(s)-adress');
    } else if (key === 'supabase.project_url_template') {
      if (!value.includes('{ref}')) bad('måste innehålla {ref}');
    } else if (key === 'vercel.team_id') {
      if (value !== '' && !value.startsWith('team_')) bad('ett team-id börjar med team_');
    }
  }
  // The core's seat_settings::SEAT_KEYS: kept on the seat, never in the shared register.
  const SEAT_KEYS = [
    'supabase.api_url', 'supabase.project_url_template', 'github.api_url', 'vercel.api_url', 'n8n.api_url',
    'resend.api_url', 'gitea.api_url', 'site.url_template', 'backup.repository', 'schema.template_path', 'n8n.workflow_template_path', 'modules.manifest_path',
  ];
  function listSettings() {
    return SETTING_KEYS.map(([key, help]) => {
      const fixed = key in OVERRIDES;
      const onThisSeat = SEAT_KEYS.includes(key);
      return { key, value: fixed ? OVERRIDES[key] : state.settings[key] ?? '', help: T(help), fixed_by_sandbox: fixed, on_this_seat: onThisSeat };
    });
  }

  // ---------- state ----------
  const EXAMPLES = [
    ["Åsa's Bageri & Café AB", 'asa@asasbageri.se', 'Åsa Lindqvist', 'professional', 'active', ['asas-bageri-cafe-ab', 'qwertyuiopasdfghjklz']],
    ['Fjällstugan Boende', 'bokning@fjallstugan.se', 'Per Ek', 'enterprise', 'active', ['fjallstugan-boende', 'mnbvcxzlkjhgfdsapoiu']],
    ['Göteborgs Cykelverkstad', 'info@gbgcykel.se', 'Sara Holm', 'starter', 'pending', null],
    ['Nordisk Redovisning AB', 'ekonomi@nordiskredovisning.se', 'Johan Berg', 'professional', 'provisioning', null],
    ['Malmö Marknadsföring', 'hej@malmomarknad.se', 'Leila Haddad', 'enterprise', 'failed', null],
    ['Café Öresund', 'kontakt@cafeoresund.se', 'Nils Öberg', 'starter', 'active', ['cafe-oresund', 'zyxwvutsrqponmlkjihg']],
    ['Uppsala Tandvård', 'reception@uppsalatand.se', 'Eva Strand', 'professional', 'inactive', null],
    ['Kiruna Snöskoter Safari', 'tur@kirunasafari.se', 'Anders Niia', 'starter', 'pending', null],
    ['Linköpings Blomsterhandel', 'blommor@lkpgblom.se', 'Maja Ström', 'starter', 'active', ['linkopings-blomsterhandel', 'abcdefghijklmnopqrst']],
    ['Västerås Bilvård', 'service@vasterasbil.se', 'Omar Said', 'professional', 'pending', null],
    ['Skärgårdens Kajak & Äventyr', 'paddla@skargardskajak.se', 'Linnea Wik', 'enterprise', 'failed', null],
    ['Hälsohuset i Lund', 'info@halsohusetlund.se', 'Karin Dahl', 'professional', 'active', ['halsohuset-i-lund', 'lundlundlundlundlund']],
  ];

  let state = null;
  try {
    state = JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch {
    state = null;
  }
  if (!state) state = { prefs: { language: CONFIG.language || 'sv' }, nextId: 1, tick: 0, customers: [], seeded: false, shared: CONFIG.shared ?? null };
  if (!state.seeded) {
    state.seeded = true;
    if (CONFIG.examples) insertExamples();
    for (const d of CONFIG.customers || []) {
      const r = validateDraft(d);
      if (r.fields) insertFields(r.fields, false);
    }
  }
  if (state.customers == null) state.customers = [];
  // Tokens: only a verdict (how the fake provider will answer) is kept, never the token.
  if (!state.creds) state.creds = {};
  if (!state.credCache) state.credCache = {};
  if (!state.settings) state.settings = { ...(CONFIG.settings || {}) };
  if (CONFIG.bulk && state.customers.length === 0) seedBulk(CONFIG.bulk);
  save();

  function now() {
    state.tick += 1;
    return new Date(BASE_TIME + state.tick * 60_000).toISOString();
  }
  function save() {
    const small = state.customers.length <= 2000;
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ ...state, customers: small ? state.customers : null }));
    } catch {
      /* storage full: state stays in memory */
    }
  }
  function insertFields(f, isExample, seeding = true) {
    const ts = now();
    const c = {
      id: state.nextId++,
      slug: f.slug,
      name: f.name,
      admin_email: f.admin_email,
      contact_name: f.contact_name,
      plan: f.plan,
      modules: f.modules,
      status: f.status,
      notes: f.notes,
      is_example: isExample,
      instance: f.instance,
      // The ledger's word (Customer::made_by_fabrik): the examples and the configured customers
      // stand for an agency whose instances Fabrik delivered, unless the test names a card as
      // typed by hand (CONFIG.typedByHand); the form's customers have made nothing yet.
      made_by_fabrik: seeding && Object.values(f.instance || {}).some(Boolean) && !(CONFIG.typedByHand || []).includes(f.slug),
      created_at: ts,
      updated_at: ts,
      version: 1,
      // The card and status are this environment's (src/store/customers.rs).
      environment: ENVIRONMENT,
    };
    state.customers.push(c);
    return c;
  }
  function insertExamples() {
    let added = 0;
    for (const [name, email, contact, plan, status, live] of EXAMPLES) {
      const r = validateDraft({ name, admin_email: email, contact_name: contact, plan, notes: 'Exempelkund – kan tas bort med ett klick.' });
      const f = r.fields;
      f.status = status;
      if (live) {
        const [slug, ref] = live;
        f.instance = {
          production_url: `https://${slug}.exempel-fabrik.se`,
          github_repo_url: `https://github.com/exempel-byra/${slug}`,
          supabase_project_ref: ref,
          vercel_project_id: `prj_exempel${slug.replace(/-/g, '')}`,
          n8n_workflow_id: `exempel${ref.slice(0, 8)}`,
        };
      }
      if (!byslug(f.slug)) {
        insertFields(f, true);
        added++;
      }
    }
    return added;
  }
  function seedBulk(n) {
    const words = ['Nord', 'Syd', 'Väst', 'Öst', 'Berg', 'Sjö', 'Skog', 'Fjäll', 'Dal', 'Ängs', 'Ström', 'Holm'];
    const kinds = ['Bygg', 'Café', 'Konsult', 'Redovisning', 'Tandvård', 'Bilvård', 'Design', 'Hotell', 'Frisör', 'Media'];
    for (let i = 1; i <= n; i++) {
      const num = String(i).padStart(5, '0');
      const name = `${words[i % words.length]} ${kinds[i % kinds.length]} ${num} AB`;
      const slug = deriveSlug(name).slug;
      insertFields(
        {
          name,
          slug,
          admin_email: `admin${num}@kund${num}.se`,
          contact_name: null,
          plan: PLANS[i % PLANS.length],
          modules: MANIFEST.plans[PLANS[i % PLANS.length]],
          status: STATUSES[i % STATUSES.length],
          notes: '',
          instance: emptyInstance(),
        },
        false,
      );
    }
  }
  function byslug(slug) {
    return state.customers.find((c) => c.slug === slug) || null;
  }
  // What the instance runs against what is saved (Customer::outdated in src/customer/model.rs).
  function outdated(c) {
    const applied = c.applied ?? null;
    const same = (a, b) => [...new Set(a)].sort().join() === [...new Set(b)].sort().join();
    return c.status === 'active' && (!applied || applied.plan !== c.plan || !same(applied.modules, c.modules));
  }
  function full(c) {
    return JSON.parse(JSON.stringify({ ...c, applied: c.applied ?? null, modules_outdated: outdated(c), links: links(c.instance, c.slug), cancelled_at: cancelledAt(c), made_by_fabrik: !!c.made_by_fabrik }));
  }
  function row(c) {
    return {
      id: c.id,
      slug: c.slug,
      name: c.name,
      admin_email: c.admin_email,
      plan: c.plan,
      status: c.status,
      is_example: c.is_example,
      production_url: c.instance.production_url,
      created_at: c.created_at,
      // The last health check (src/store/health.rs): from the test's config, by slug.
      health: (CONFIG.health || {})[c.slug] ?? null,
      links: links(c.instance, c.slug),
      cancelled_at: cancelledAt(c),
    };
  }
  // Stripe ended the customer's subscription (the inbox): CONFIG.cancelled, by slug.
  function cancelledAt(c) {
    return (CONFIG.cancelled || {})[c.slug] ?? null;
  }
  // SQLite's NOCASE folds ASCII only; everything else compares by code point.
  const nocase = (s) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

  // ---------- runs (mirrors src/api/runs.rs and the ledger effects of src/provision/engine.rs) ----------
  // The engine is replaced by a player of RECORDED event streams (tests/fixtures/*.json, passed as
  // CONFIG.scenario): each event is applied to the fake ledger first, then emitted as `run-event`,
  // so run_detail/list_runs always agree with what the window was told.
  const SCENARIO = CONFIG.scenario || {};
  const EVENT_DELAY = CONFIG.eventDelay ?? 40;
  const HOLDS = [...(CONFIG.holdAfter || [])];
  // Each kind's steps and each step's label are the core's (ui/src/bindings.ts, injected by the
  // harness as window.__FABRIK_BINDINGS__): a step the core adds reaches the fake at once.
  const { RUN_KIND_STEPS, STEP_LABEL: STEP_TEXT } = window.__FABRIK_BINDINGS__;
  const STEP_KEYS = RUN_KIND_STEPS.provision;
  const RESOURCE_KEYS = ['supabase.project', 'github.repo', 'vercel.project', 'n8n.workflow'];
  const STEP_LABEL = Object.fromEntries(Object.entries(STEP_TEXT).map(([key, text]) => [key, text.sv]));
  const MODULE_KEYS = RUN_KIND_STEPS.update_modules;
  const ACTIVE = ['running', 'cancelling', 'rolling_back'];
  const R = { runs: [], steps: {}, log: {}, nextRun: 1, nextLog: 1, seq: 0, players: {}, adoptions: {} };
  for (const [slug, names] of Object.entries(CONFIG.refused || {})) {
    R.adoptions[slug] = names.map(([resource, step], i) => ({
      id: i + 1, environment: 'sandbox', resource, step, state: 'refused', refused_at: new Date().toISOString(),
      allowed_at: null, allowed_by: null, adopted_at: null, adopted_run: null, external_id: null,
    }));
  }
  window.__mockRuns = R;
  const iso = () => new Date().toISOString();
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  /** A day-two run of `keys`, played to success; `after` applies what it changed before it ends. */
  function playDayTwo(c, kind, keys, after) {
    const open = R.runs.filter((r) => r.customer_id === c.id).sort((a, b) => b.id - a.id)[0];
    if (open && ACTIVE.includes(open.state)) return { run_id: open.id, already_running: true, driven_by: open.seat ?? null };
    const run = newRun(c, kind, keys);
    const events = [{ type: 'run_started', run_id: run.id, slug: c.slug, resumed: false }];
    for (const step of keys) {
      events.push({ type: 'step_started', run_id: run.id, step, attempt: 1 });
      events.push({ type: 'step_done', run_id: run.id, step, outcome: 'done', external_id: null, duration_ms: 30 });
    }
    void (async () => {
      await play(run.id, events);
      after();
      await play(run.id, [{ type: 'run_finished', run_id: run.id, state: 'succeeded', error: null }]);
    })();
    return { run_id: run.id, already_running: false, driven_by: null };
  }
  function newRun(c, kind, keys) {
    const id = R.nextRun++;
    const run = { id, customer_id: c.id, slug: c.slug, customer_name: c.name, kind, state: 'running', environment: ENVIRONMENT, error: null, failed_step: null, started_at: iso(), finished_at: null, owner_pid: 4242, heartbeat_at: iso(), input: null, started_by: 'agency@mock', seat: 'agency@mock', person: CONFIG.person ?? null };
    R.runs.push(run);
    R.steps[id] = keys.map((key) => ({ key, state: 'pending', attempts: 0, intent: null, external_id: null, created: false, output: null, error: null, waiting_for: null, started_at: null, finished_at: null, seq: null }));
    R.log[id] = [];
    return run;
  }
  const runById = (id) => R.runs.find((r) => r.id === id);
  const stepOf = (id, key) => {
    let s = R.steps[id].find((x) => x.key === key);
    if (!s) {
      s = { key, state: 'pending', attempts: 0, intent: null, external_id: null, created: false, output: null, error: null, waiting_for: null, started_at: null, finished_at: null, seq: null };
      R.steps[id].push(s);
    }
    return s;
  };
  /** A sentence in both languages, as the core stores and sends them (`Text`). */
  function T(sv, en = sv) {
    return typeof sv === 'object' && sv !== null ? sv : { sv, en };
  }
  const withDetail = (what, detail) => (detail ? T(`${what.sv} (${detail})`, `${what.en} (${detail})`) : what);
  function log(id, step, level, message, attempt = null, duration = null) {
    R.log[id].push({ id: R.nextLog++, step, at: iso(), level, message: T(message), attempt, duration_ms: duration, request_id: step ? `req_${R.nextLog}` : null });
  }
  function setCustomer(slug, patch) {
    const c = byslug(slug);
    if (!c) return;
    Object.assign(c, patch, { updated_at: now(), version: c.version + 1 });
    save();
  }
  function ref20(slug) {
    const letters = slug.replace(/[^a-z]/g, '') + 'abcdefghijklmnopqrst';
    return letters.slice(0, 20);
  }

  /** The ledger effects of one event, as the engine writes them before it emits the event. */
  function applyToLedger(e) {
    const run = runById(e.run_id);
    if (!run) return;
    const id = run.id;
    const s = e.step ? stepOf(id, e.step) : null;
    // Steps still running when a run stops were stopped at a safe point: pending again.
    if (e.type === 'run_finished' && e.state !== 'succeeded')
      for (const x of R.steps[id]) if (['running', 'waiting', 'retrying'].includes(x.state)) Object.assign(x, { state: 'pending', waiting_for: null });
    switch (e.type) {
      case 'run_started':
        run.state = 'running';
        run.finished_at = null;
        run.error = null;
        if (run.kind === 'provision') setCustomer(run.slug, { status: 'provisioning' });
        log(id, null, 'info', e.resumed ? T('Körningen återupptas', 'The run resumes') : T('Körningen startar', 'The run starts'));
        break;
      case 'step_started':
        Object.assign(s, { state: 'running', attempts: e.attempt, error: null, waiting_for: null, started_at: s.started_at ?? iso(), finished_at: null });
        break;
      case 'step_waiting':
        Object.assign(s, { state: 'waiting', waiting_for: withDetail(T(e.waiting_for), e.detail) });
        log(id, e.step, 'info', withDetail(T(e.waiting_for), e.detail));
        break;
      case 'step_retrying':
        Object.assign(s, { state: 'retrying', error: T(e.reason) });
        log(id, e.step, 'warn', T(`Försök ${e.attempt} misslyckades: ${T(e.reason).sv}; nytt försök om ${e.delay_ms} ms`, `Attempt ${e.attempt} failed: ${T(e.reason).en}; trying again in ${e.delay_ms} ms`), e.attempt, 120);
        break;
      case 'step_done': {
        R.seq += 1;
        Object.assign(s, { state: 'succeeded', error: null, waiting_for: null, finished_at: iso() });
        if (e.external_id) Object.assign(s, { external_id: e.external_id, created: e.outcome === 'created' && RESOURCE_KEYS.includes(e.step), seq: R.seq });
        const word = { created: 'skapad', adopted: 'fanns redan, övertagen', done: 'klar', skipped: 'hoppades över' }[e.outcome];
        log(id, e.step, 'info', `${STEP_LABEL[e.step]}: ${word}${e.external_id ? ` (${e.external_id})` : ''}`, s.attempts, e.duration_ms);
        break;
      }
      case 'step_failed':
        Object.assign(s, { state: 'failed', error: coded(e.code, e.params, e.message), waiting_for: null, finished_at: iso() });
        run.error = coded(e.code, e.params, e.message);
        run.failed_step = e.step;
        log(id, e.step, 'error', coded(e.code, e.params, e.message), s.attempts, 80);
        break;
      case 'compensation_started':
        run.state = 'rolling_back';
        s.state = 'compensating';
        log(id, e.step, 'info', `Tar bort ${e.external_id}`);
        break;
      case 'compensation_done':
        s.state = 'compensated';
        log(id, e.step, 'info', `${STEP_LABEL[e.step]}: borttagen`);
        break;
      case 'compensation_failed':
        Object.assign(s, { state: 'compensation_failed', error: T(e.message) });
        log(id, e.step, 'error', T(`${T(e.message).sv}; ${T(e.manual).sv}`, `${T(e.message).en}; ${T(e.manual).en}`));
        break;
      case 'run_finished':
        run.state = e.state;
        run.finished_at = iso();
        // A failed run's error is its failed step's (already recorded, in both languages).
        if (e.error && !(e.state === 'failed' && run.error)) run.error = T(e.error);
        else if (e.state !== 'failed') run.error = e.state === 'cancelled' ? T('Avbruten; kan återupptas', 'Cancelled; can be resumed') : null;
        if (e.state === 'succeeded' && run.kind === 'provision') {
          log(id, null, 'info', 'Körningen är klar');
          const built = byslug(run.slug);
          setCustomer(run.slug, {
            status: 'active',
            made_by_fabrik: true,
            applied: built ? { plan: built.plan, modules: [...built.modules] } : null,
            instance: {
              production_url: `https://${run.slug}.vercel.app`,
              github_repo_url: `https://github.com/fabrik-kunder/${run.slug}`,
              supabase_project_ref: ref20(run.slug),
              vercel_project_id: `prj_${run.slug.replace(/-/g, '')}`,
              n8n_workflow_id: `wf${run.id}`,
            },
          });
        } else if (run.kind === 'update_modules') {
          // The instance keeps serving whatever happens; only a success changes what it runs.
          const c = byslug(run.slug);
          if (e.state === 'succeeded' && c) setCustomer(run.slug, { applied: { plan: c.plan, modules: [...c.modules] } });
        } else if (!['provision', 'teardown'].includes(run.kind)) {
          // Day two: the instance keeps its status unless the run said otherwise (playDayTwo).
        } else if (e.state === 'succeeded' && run.kind === 'teardown') {
          setCustomer(run.slug, { status: 'inactive', instance: emptyInstance(), made_by_fabrik: false });
        } else if (e.state === 'failed' || e.state === 'rollback_failed') setCustomer(run.slug, { status: 'failed' });
        else setCustomer(run.slug, { status: 'pending' });
        break;
    }
  }

  function emitEvent(payload) {
    return window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: 'run-event', payload });
  }

  /** Plays a recorded stream for a run (its run_id rewritten); a newer stream for the run stops it. */
  async function play(runId, events) {
    const token = {};
    R.players[runId] = token;
    for (const raw of events || []) {
      // `pause_ms` entries are the recorded gaps between events, not events.
      if (raw.pause_ms != null) {
        await sleep(raw.pause_ms);
        continue;
      }
      await sleep(EVENT_DELAY);
      if (R.players[runId] !== token) return;
      const e = { ...raw, run_id: runId };
      applyToLedger(e);
      window.__mockEmitted.push(e);
      await emitEvent(e);
      // A test that reads a passing state holds the stream there (CONFIG.holdAfter: the
      // events' type and step, each held once, in order) until it calls
      // window.__mockRelease(): no timing decides whether the state was still showing when
      // the test looked.
      const hold = HOLDS[0];
      if (hold && e.type === hold.type && e.step === hold.step) {
        HOLDS.shift();
        await new Promise((release) => {
          window.__mockRelease = release;
        });
      }
    }
  }
  window.__mockEmitted = [];

  function defaultPlan(slug) {
    const items = STEP_KEYS.map((step) => {
      if (step === 'supabase.project') return { step, action: 'create', detail: T(`Supabase-projektet fabrik-${slug} skapas`) };
      if (step === 'github.repo') return { step, action: 'create', detail: T(`Repot fabrik-kunder/${slug} skapas från mallen`) };
      if (step === 'vercel.project') return { step, action: 'create', detail: T(`Vercel-projektet ${slug} skapas`) };
      if (step === 'n8n.workflow') return { step, action: 'create', detail: T(`Flödet ${slug} – välkomstflöde skapas`) };
      return { step, action: 'run', detail: T(STEP_LABEL[step]) };
    });
    const preflight = CONFIG.preflight || [];
    // With a blocking finding the core plans nothing else (its provider calls are not trusted).
    if (preflight.some((f) => f.blocking)) return { slug, items: [], preflight, feasible: false };
    return { slug, items, preflight, feasible: true };
  }

  // A run left running by a process that is gone (the resume banner).
  if (SCENARIO.interrupted && state.customers[0]) {
    const c = byslug(SCENARIO.interruptedSlug) || state.customers[0];
    const run = newRun(c, 'provision', STEP_KEYS);
    for (const raw of SCENARIO.interrupted.filter((x) => x.type)) applyToLedger({ ...raw, run_id: run.id });
    run.owner_pid = 999999;
    run.heartbeat_at = new Date(Date.now() - 10 * 60_000).toISOString();
    run.interrupted = true;
  }

  // A handover: its status, its withdrawal and its run (mock-handover.js).
  const handover = window.__fabrikMockHandover({ CONFIG, byslug, notFound, apiError, playDayTwo, steps: RUN_KIND_STEPS.handover });

  // How each kind of run starts, behind `start_run` (the core's one way in).
  const starts = {
    start_provision: ({ slug }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      if (CONFIG.notReady) throw apiError('not_ready', CONFIG.notReady);
      // CONFIG.forbidden: the shared register's database refused this login the right
      // (src/error.rs Error::Forbidden; the params it carries).
      if (CONFIG.forbidden) throw { ...apiError('forbidden', coded('forbidden', CONFIG.forbidden).sv), params: CONFIG.forbidden };
      const blocking = (CONFIG.preflight || []).filter((f) => f.blocking);
      if (blocking.length) throw apiError('preflight_failed', `Förkontrollen stoppade körningen innan något skapades: ${blocking.map((f) => f.message.sv).join('; ')}`);
      const open = R.runs.filter((r) => r.customer_id === c.id).sort((a, b) => b.id - a.id)[0];
      if (open && ACTIVE.includes(open.state)) return { run_id: open.id, already_running: true, driven_by: open.seat ?? null };
      const run = newRun(c, 'provision', STEP_KEYS);
      // CONFIG.backupAfterDelivery: the workflow backup the core starts the moment a delivery
      // succeeds (src/provision/kinds.rs `then`), with no pause between them.
      void play(run.id, SCENARIO.start).then(() => {
        if (CONFIG.backupAfterDelivery && run.state === 'succeeded') playWorkflowRun(c, 'workflow_backup', () => {});
      });
      return { run_id: run.id, already_running: false, driven_by: null };
    },
    // "Uppdatera moduler" (src/provision/engine.rs start_update_modules): three steps, played.
    update_modules: ({ slug }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      if (c.status !== 'active') throw apiError('not_provisioned', `${slug} har ingen levererad instans i den här miljön att uppdatera; provisionera kunden först.`);
      const open = R.runs.filter((r) => r.customer_id === c.id).sort((a, b) => b.id - a.id)[0];
      if (open && ACTIVE.includes(open.state)) return { run_id: open.id, already_running: true, driven_by: open.seat ?? null };
      const run = newRun(c, 'update_modules', MODULE_KEYS);
      const events = [{ type: 'run_started', run_id: run.id, slug, resumed: false }];
      for (const step of MODULE_KEYS) {
        events.push({ type: 'step_started', run_id: run.id, step, attempt: 1 });
        events.push({ type: 'step_done', run_id: run.id, step, outcome: step === 'modules.deploy' ? 'created' : 'done', external_id: null, duration_ms: 30 });
      }
      events.push({ type: 'run_finished', run_id: run.id, state: 'succeeded', error: null });
      void play(run.id, events);
      return { run_id: run.id, already_running: false, driven_by: null };
    },
    // Day two (src/provision/engine.rs start_day_two / start_repair / start_domain): the
    // kind's steps, played to success; repair then keeps a healthy check, pause/resume move the
    // status, a domain run adds or removes CONFIG.domains[slug] entries.
    start_day_two: ({ slug, kind }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      if (!c.instance.production_url) throw apiError('not_provisioned', `${slug} har ingen levererad instans i den här miljön att uppdatera; provisionera kunden först.`);
      const wants = kind === 'resume' ? 'inactive' : 'active';
      if (c.status !== wants) throw apiError('not_now', `${slug}: instansen är ${c.status}`);
      const report = (CONFIG.healthReports || {})[slug];
      // A repair's steps are what the last check found; the others' are the kind's own.
      const dayTwo = ['pause', 'resume', 'redeploy', 'reset_password', 'resend_welcome'];
      const keys = kind === 'repair'
        ? [...new Set((report?.findings || []).map((f) => f.repair).filter(Boolean))]
        : dayTwo.includes(kind) ? RUN_KIND_STEPS[kind] : undefined;
      if (!keys) throw apiError('internal', `${kind} is not started this way`);
      if (keys.length === 0) throw apiError('not_now', `${slug}: den senaste hälsokontrollen fann inget som en reparation kan laga`);
      return playDayTwo(c, kind, keys, () => {
        if (kind === 'pause') setCustomer(slug, { status: 'inactive' });
        if (kind === 'resume') setCustomer(slug, { status: 'active' });
        CONFIG.nextHealth = { ...(CONFIG.nextHealth || {}), [slug]: [] };
        runCommands.check_health({ slug });
      });
    },
    add_domain: ({ slug, domain }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      const d = String(domain).trim().toLowerCase();
      if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)) throw apiError('validation', `«${domain}» är inte ett domännamn som kan läggas till`);
      return playDayTwo(c, 'domain_add', RUN_KIND_STEPS.domain_add, () => {
        const list = ((CONFIG.domains ||= {})[slug] ||= []);
        for (const x of list) x.production = false;
        list.push({ domain: d, verified: true, configured: true, records: [], production: true, added_by_fabrik: true });
        setCustomer(slug, { instance: { ...c.instance, production_url: `https://${d}` } });
      });
    },
    remove_domain: ({ slug, domain }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      return playDayTwo(c, 'domain_remove', RUN_KIND_STEPS.domain_remove, () => {
        (CONFIG.domains ||= {})[slug] = (CONFIG.domains[slug] || []).filter((x) => x.domain !== domain);
        setCustomer(slug, { instance: { ...c.instance, production_url: `https://${slug}.vercel.app` } });
      });
    },
    teardown_customer: ({ slug, confirmation }) => {
      if (String(confirmation ?? '').trim() !== slug) throw apiError('not_confirmed', 'Skriv kundens adressnamn för att bekräfta');
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      const run = newRun(c, 'teardown', RESOURCE_KEYS);
      const ids = { 'supabase.project': c.instance.supabase_project_ref, 'github.repo': c.instance.github_repo_url, 'vercel.project': c.instance.vercel_project_id, 'n8n.workflow': c.instance.n8n_workflow_id };
      const events = [{ type: 'run_started', run_id: run.id, slug, resumed: false }];
      for (const key of ['n8n.workflow', 'vercel.project', 'github.repo', 'supabase.project']) {
        if (!ids[key]) continue;
        events.push({ type: 'compensation_started', run_id: run.id, step: key, external_id: ids[key] });
        events.push({ type: 'compensation_done', run_id: run.id, step: key });
      }
      events.push({ type: 'run_finished', run_id: run.id, state: 'succeeded', error: null });
      void play(run.id, events);
      return { run_id: run.id, already_running: false, driven_by: null };
    },
  };

  // ---------- workflow backups (src/provision/steps/workflows.rs, src/store/workflow_backups.rs) ----------
  // Each customer's workflow has a content version; a backup commits when it differs from the
  // last one backed up, and when nothing changed records `changed: 0` with the commit that
  // already holds the file (src/store/workflow_backups.rs). A restore backs the
  // current one up first (`before_restore`), then the workflow holds the version restored.
  // CONFIG.workflowBackups: { slug: [{ hours_ago, reason?, unchanged? }] } (oldest first) seeds
  // the register; CONFIG.workflowEdited: [slug] says the workflow changed since its last backup;
  // CONFIG.databaseBackups: { slug: hours_ago } the newest database backup (for backup_ages);
  // CONFIG.giteaNotSet: the Gitea address or token is missing (the backup step fails).
  const WB = { rows: {}, nextId: 1, content: {}, backedUp: {} };
  window.__mockWorkflowBackups = WB;
  const hoursAgo = (h) => new Date(Date.now() - h * 3_600_000).toISOString();
  /** A commit-like SHA, different for every n (an LCG's hex digits, not a hash). */
  const fakeSha = (n) => {
    let x = (n * 2654435761) >>> 0;
    let out = '';
    while (out.length < 40) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      out += x.toString(16).padStart(8, '0');
    }
    return out.slice(0, 40);
  };
  const backupRepo = () => settingValue('backup.repository') || 'ops-hub/client-backups';
  function workflowFile(c, content) {
    const id = c.instance.n8n_workflow_id || `wf-${c.slug}`;
    return { workflow: id, name: `${c.slug} – välkomstflöde`, path: `${c.slug}/workflows/${id}.json`, blob: fakeSha(content * 7919 + 1), active: c.status === 'active' };
  }
  function recordWorkflowBackup(c, reason, runId, takenAt = iso()) {
    const list = (WB.rows[c.slug] ||= []);
    const content = WB.content[c.slug] ?? 0;
    const changed = WB.backedUp[c.slug] !== content;
    const id = WB.nextId++;
    // Nothing changed: no commit, and the version names the commit that already holds the file.
    const holding = [...list].reverse().find((r) => r.changed > 0)?.commit_sha ?? null;
    const row = {
      id, customer_id: c.id, environment: ENVIRONMENT, run_id: runId, target: 'gitea', repository: backupRepo(),
      commit_sha: changed ? fakeSha(id) : holding, files: [workflowFile(c, content)], changed: changed ? 1 : 0, reason, taken_at: takenAt,
    };
    row.content = content;
    list.push(row);
    WB.backedUp[c.slug] = content;
    return row;
  }
  for (const [slug, seeds] of Object.entries(CONFIG.workflowBackups || {})) {
    const c = byslug(slug);
    if (!c) continue;
    for (const seed of seeds) {
      if (!seed.unchanged) WB.content[slug] = (WB.content[slug] ?? -1) + 1;
      recordWorkflowBackup(c, seed.reason || 'scheduled', null, hoursAgo(seed.hours_ago ?? 1));
    }
  }
  for (const slug of CONFIG.workflowEdited || []) WB.content[slug] = (WB.content[slug] ?? 0) + 1;
  const publicRow = ({ content, ...row }) => JSON.parse(JSON.stringify(row));
  /** A workflow run: `n8n.backup` (and `n8n.restore`), then `after`; Gitea missing fails the backup. */
  function playWorkflowRun(c, kind, after) {
    const open = R.runs.filter((r) => r.customer_id === c.id).sort((a, b) => b.id - a.id)[0];
    if (open && ACTIVE.includes(open.state)) return { run_id: open.id, already_running: true, driven_by: open.seat ?? null };
    const keys = RUN_KIND_STEPS[kind];
    const run = newRun(c, kind, keys);
    const started = { type: 'run_started', run_id: run.id, slug: c.slug, resumed: false };
    if (CONFIG.giteaNotSet) {
      const params = { missing: 'Gitea-adressen eller token', missing_en: 'the Gitea address or token' };
      const failed = { type: 'step_failed', run_id: run.id, step: 'n8n.backup', code: 'gitea_not_set', message: coded('gitea_not_set', params).sv, params };
      void play(run.id, [started, { type: 'step_started', run_id: run.id, step: 'n8n.backup', attempt: 1 }, failed, { type: 'run_finished', run_id: run.id, state: 'failed', error: coded('gitea_not_set', params) }]);
      return { run_id: run.id, already_running: false, driven_by: null };
    }
    void (async () => {
      await play(run.id, [started, { type: 'step_started', run_id: run.id, step: 'n8n.backup', attempt: 1 }]);
      const row = recordWorkflowBackup(c, kind === 'workflow_restore' ? 'before_restore' : 'on_demand', run.id);
      await play(run.id, [{ type: 'step_done', run_id: run.id, step: 'n8n.backup', outcome: 'done', external_id: row.commit_sha, duration_ms: 40 }]);
      if (kind === 'workflow_restore') {
        await play(run.id, [{ type: 'step_started', run_id: run.id, step: 'n8n.restore', attempt: 1 }]);
        after();
        await play(run.id, [{ type: 'step_done', run_id: run.id, step: 'n8n.restore', outcome: 'done', external_id: null, duration_ms: 40 }]);
      }
      await play(run.id, [{ type: 'run_finished', run_id: run.id, state: 'succeeded', error: null }]);
    })();
    return { run_id: run.id, already_running: false, driven_by: null };
  }
  starts.workflow_backup = ({ slug }) => {
    const c = byslug(slug);
    if (!c) throw notFound(slug);
    if (!c.instance.production_url) throw apiError('not_provisioned', `${slug} har ingen levererad instans i den här miljön att uppdatera; provisionera kunden först.`);
    return playWorkflowRun(c, 'workflow_backup', () => {});
  };
  starts.workflow_restore = ({ slug, version }) => {
    const c = byslug(slug);
    if (!c) throw notFound(slug);
    const v = (WB.rows[slug] || []).find((r) => r.id === version && r.commit_sha);
    if (!v) {
      const params = { version: String(version), workflow: c.instance.n8n_workflow_id || '?', slug };
      throw { ...apiError('workflow_version_not_found', coded('workflow_version_not_found', params).sv), params };
    }
    return playWorkflowRun(c, 'workflow_restore', () => {
      WB.content[slug] = v.content;
    });
  };
  const workflowCommands = {
    workflow_backups: ({ slug }) => {
      if (!byslug(slug)) throw notFound(slug);
      return (WB.rows[slug] || []).map(publicRow).reverse();
    },
    backup_ages: () => {
      const raw = settingValue('backup.alert_hours');
      const limit = raw == null || raw === '' ? 48 : Number(raw);
      const old = (at) => !at || Date.now() - Date.parse(at) > limit * 3_600_000;
      return state.customers
        .filter((c) => c.instance.production_url)
        .map((c) => {
          const rows = WB.rows[c.slug] || [];
          const workflows_at = rows.length ? rows.map((r) => r.taken_at).sort().at(-1) : null;
          const h = (CONFIG.databaseBackups || {})[c.slug];
          const database_at = h == null ? null : hoursAgo(h);
          return { slug: c.slug, database_at, workflows_at, stale: limit > 0 && (old(database_at) || old(workflows_at)) };
        });
    },
    backups: ({ slug }) => {
      if (!byslug(slug)) throw notFound(slug);
      return JSON.parse(JSON.stringify((CONFIG.backups || {})[slug] || []));
    },
  };


  // ---------- deployment rollback (src/api/deployments.rs, src/provision/steps/promote.rs) ----------
  // Every delivered customer with a Vercel project has three production deployments, newest
  // first: the one serving (READY), a failed build (ERROR) and an earlier READY one.
  // CONFIG.deployments: { slug: [DeploymentView-like seeds] } replaces them. A promote is
  // judged before the run exists (unknown, not READY, not built for production: refused with
  // the core's codes), then runs `vercel.promote`; the undo target is what the last successful
  // rollback replaced (src/provision/engine/queries.rs undo_target_of).
  const DP = { rows: {}, production: {}, undo: {} };
  window.__mockDeployments = DP;
  function seedDeployments(c) {
    if (DP.rows[c.slug] || !c.instance.vercel_project_id) return;
    const seeds = (CONFIG.deployments || {})[c.slug] || [
      { hours_ago: 3, state: 'READY', serving: true, commit_ref: 'main', commit_message: 'Nya öppettider på startsidan' },
      { hours_ago: 20, state: 'ERROR', commit_ref: 'main', commit_message: 'Bildgalleri (bygget föll)' },
      { hours_ago: 50, state: 'READY', commit_ref: 'main', commit_message: 'Leverans från Fabrik' },
    ];
    DP.rows[c.slug] = seeds.map((s, i) => ({
      id: s.id || `dpl_${c.slug.replace(/-/g, '').slice(0, 10)}${String.fromCharCode(65 + i)}${i}x`,
      url: `https://${c.slug}-${fakeSha(c.id * 31 + i).slice(0, 9)}-fabrik.vercel.app`,
      created_at: hoursAgo(s.hours_ago ?? i * 24 + 1),
      state: s.state || 'READY',
      target: s.target ?? 'production',
      commit: s.commit === undefined ? fakeSha(c.id * 97 + i) : s.commit,
      commit_ref: s.commit_ref ?? null,
      commit_message: s.commit_message ?? null,
      serving: !!s.serving,
    }));
    DP.production[c.slug] = DP.rows[c.slug].find((d) => d.serving)?.id ?? null;
    DP.undo[c.slug] = null;
  }
  function deploymentsOf(c) {
    seedDeployments(c);
    const prod = DP.production[c.slug];
    const deployments = (DP.rows[c.slug] || [])
      .filter((d) => d.target === 'production')
      .map(({ target, serving, ...d }) => ({ ...d, serving: d.id === prod, promotable: d.state === 'READY' && d.id !== prod }));
    return { slug: c.slug, project_id: c.instance.vercel_project_id, project: c.slug, production: prod, deployments, undo: DP.undo[c.slug] ?? null };
  }
  const coreError = (code, params) => ({ ...apiError(code, coded(code, params).sv), params });
  function checkPromotion(c, id) {
    seedDeployments(c);
    const d = (DP.rows[c.slug] || []).find((x) => x.id === id);
    if (!d) throw coreError('deployment_unknown', { deployment: id, slug: c.slug });
    if (d.target !== 'production') throw coreError('deployment_not_production', { deployment: id, target: d.target || 'preview', slug: c.slug });
    if (d.state !== 'READY') throw coreError('deployment_not_ready', { deployment: id, state: d.state, slug: c.slug });
    return d;
  }
  starts.promote = ({ slug, deployment }) => {
    const c = byslug(slug);
    if (!c) throw notFound(slug);
    checkPromotion(c, deployment);
    // CONFIG.sitePrivate: [slug] — the production address answers 401 to an anonymous visitor
    // after the switch (Deployment Protection): the step fails and production is put back.
    if ((CONFIG.sitePrivate || []).includes(slug)) {
      const open = R.runs.filter((r) => r.customer_id === c.id).sort((a, b) => b.id - a.id)[0];
      if (open && ACTIVE.includes(open.state)) return { run_id: open.id, already_running: true, driven_by: open.seat ?? null };
      const run = newRun(c, 'promote', RUN_KIND_STEPS.promote);
      const params = { url: c.instance.production_url || `https://${slug}.vercel.app`, status: '401' };
      void play(run.id, [
        { type: 'run_started', run_id: run.id, slug, resumed: false },
        { type: 'step_started', run_id: run.id, step: 'vercel.promote', attempt: 1 },
        { type: 'step_failed', run_id: run.id, step: 'vercel.promote', code: 'site_not_public', message: coded('site_not_public', params).sv, params },
        { type: 'run_finished', run_id: run.id, state: 'failed', error: coded('site_not_public', params) },
      ]);
      return { run_id: run.id, already_running: false, driven_by: null };
    }
    return playDayTwo(c, 'promote', RUN_KIND_STEPS.promote, () => {
      const previous = DP.production[slug];
      DP.production[slug] = deployment;
      DP.undo[slug] = previous && previous !== deployment ? previous : DP.undo[slug];
    });
  };

  // ---------- recovery with Supabase's backups (src/database/recovery.rs) ----------
  // CONFIG.recovery: { slug: 'pitr' | 'physical' | 'free' }; everyone else is on the free plan.
  // PITR: any second of the last seven days (to a minute ago); physical: the daily backups'
  // own times only. A recover run: Fabrik's backup, `supabase.recover`, `supabase.verify`.
  const RV = { recovered: {} };
  window.__mockRecovery = RV;
  const DAY = 86_400;
  function recoveryOf(c) {
    const plan = (CONFIG.recovery || {})[c.slug] || 'free';
    const nowS = Math.floor(Date.now() / 1000);
    const ref = c.instance.supabase_project_ref || ref20(c.slug);
    const daily = (n) => {
      const d = new Date();
      d.setUTCHours(2, 0, 0, 0);
      if (d.getTime() > Date.now()) d.setUTCDate(d.getUTCDate() - 1);
      d.setUTCDate(d.getUTCDate() - n);
      return d;
    };
    const backups = plan === 'free' ? [] : [6, 5, 4, 3, 2, 1, 0].map((n, i) => {
      const d = daily(n);
      return { id: 9000 + i, status: 'COMPLETED', inserted_at: d.toISOString().replace('Z', '').replace('.000', '.000000'), at: Math.floor(d.getTime() / 1000) };
    });
    if (plan === 'free') {
      return { slug: c.slug, project_ref: ref, pitr_enabled: false, physical_enabled: false, available: false, earliest: null, latest: null, schedule: null, backups: [], note: coded('recovery_not_on_plan', { slug: c.slug }) };
    }
    const pitr = plan === 'pitr';
    const times = backups.map((b) => b.at);
    return {
      slug: c.slug, project_ref: ref, pitr_enabled: pitr, physical_enabled: true, available: true,
      earliest: pitr ? nowS - 7 * DAY : Math.min(...times), latest: pitr ? nowS - 60 : Math.max(...times),
      schedule: '02:00:00', backups, note: null,
    };
  }
  const moment = (at) => new Date(at * 1000).toISOString().replace('.000Z', 'Z');
  starts.recover = ({ slug, target, confirmation }) => {
    const c = byslug(slug);
    if (!c) throw notFound(slug);
    if (String(confirmation ?? '').trim() !== slug) throw coreError('not_confirmed', {});
    const v = recoveryOf(c);
    if (!v.available) throw coreError('recovery_not_on_plan', { slug });
    if (typeof target !== 'number' || !Number.isInteger(target)) throw coreError('moment_invalid', { value: String(target) });
    if (target < v.earliest || target > v.latest) throw coreError('recovery_outside_window', { slug, at: moment(target), earliest: moment(v.earliest), latest: moment(v.latest) });
    if (!v.pitr_enabled && !v.backups.some((b) => b.at === target)) throw coreError('recovery_no_backup_at', { slug, times: v.backups.map((b) => `${moment(b.at)} (${b.at})`).join(', ') });
    return playDayTwo(c, 'recover', RUN_KIND_STEPS.recover, () => {
      RV.recovered[slug] = target;
    });
  };
  const rollbackCommands = {
    deployments: ({ slug }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      if (!c.instance.vercel_project_id) throw apiError('not_provisioned', `${slug} har inget Vercel-projekt i den här miljön; provisionera kunden först.`);
      return deploymentsOf(c);
    },
    promote_deployment: ({ slug, deployment }) => starts.promote({ slug, deployment }),
    undo_promotion: ({ slug }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      seedDeployments(c);
      const previous = DP.undo[slug];
      if (!previous) throw coreError('nothing_to_undo', { slug });
      return starts.promote({ slug, deployment: previous });
    },
    recovery: ({ slug }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      return recoveryOf(c);
    },
  };

  // ---------- the customer's team (src/provision/engine/team.rs, src/customer/team.rs) ----------
  // Every active, delivered customer's instance has its first administrator (the card's admin
  // address, role owner, made by provisioning). CONFIG.team: { slug: { members: [partial Member
  // (+ accepted: bool, whether a revoked person had accepted)], perHour, sender, sentLastHour } }
  // adds people (by_fabrik defaults to true); CONFIG.teamNotAgency: [slug] — the instance still
  // sends with Supabase's built-in mailer (invitations refused with team_mail_not_agency until an
  // `auth_mail` run succeeds); CONFIG.teamFailing: [email] — the instance refuses those people's
  // invitations (each result names them); CONFIG.teamDelay: ms between people (default 60);
  // CONFIG.teamHoldAfter: n — the n-th person's `team-progress` is held until the test calls
  // window.__mockTeamRelease().
  const TEAM_CFG = CONFIG.team || {};
  const TM = { teams: {}, holds: CONFIG.teamHoldAfter != null ? [CONFIG.teamHoldAfter] : [] };
  window.__mockTeam = TM;
  const TEAM_NAME_MAX = Number((window.__FABRIK_CORE_RULES__.limits || {}).name_max ?? 200);
  const TEAM_MAX_PEOPLE = 500;
  function teamOf(c) {
    if (TM.teams[c.slug]) return TM.teams[c.slug];
    const cfg = TEAM_CFG[c.slug] || {};
    const members = [
      {
        email: c.admin_email.toLowerCase(), full_name: c.contact_name ?? null, role: 'owner', status: 'active', by_fabrik: true, first_admin: true,
        sends: 0, last_sent_at: null, last_sign_in_at: hoursAgo(2), problem: null, accepted: true,
      },
    ];
    for (const m of cfg.members || []) {
      const byFabrik = m.by_fabrik ?? true;
      const status = m.status || 'invited';
      members.push({
        email: String(m.email).toLowerCase(), full_name: m.full_name ?? null, role: m.role || 'member', status, by_fabrik: byFabrik, first_admin: false,
        sends: m.sends ?? (byFabrik && status !== 'failed' ? 1 : 0),
        last_sent_at: m.last_sent_at ?? (byFabrik ? hoursAgo(m.sent_hours_ago ?? 5) : null),
        last_sign_in_at: m.last_sign_in_at ?? (status === 'active' ? hoursAgo(1) : null),
        problem: m.problem ?? null,
        accepted: m.accepted ?? status === 'active',
      });
    }
    TM.teams[c.slug] = {
      agency: !(CONFIG.teamNotAgency || []).includes(c.slug),
      perHour: cfg.perHour ?? 30,
      sender: cfg.sender ?? settingValue('email.sender_address') ?? 'valkommen@byran.se',
      sent: Array.from({ length: cfg.sentLastHour ?? 0 }, () => Date.now()),
      members,
    };
    return TM.teams[c.slug];
  }
  /** The customer's delivered, active instance (Team::instance): refused as the core does. */
  function teamInstance(slug) {
    const c = byslug(slug);
    if (!c) throw notFound(slug);
    if (!c.instance.supabase_project_ref) throw apiError('not_provisioned', `${slug} har ingen levererad instans i den här miljön att uppdatera; provisionera kunden först.`);
    if (c.status !== 'active') throw coreError('not_now', { slug, reason: 'instansen är pausad; återuppta den först', reason_en: 'the instance is paused; resume it first' });
    return c;
  }
  const sentLastHour = (tm) => tm.sent.filter((at) => Date.now() - at < 3_600_000).length;
  function teamView(c) {
    const tm = teamOf(c);
    return JSON.parse(JSON.stringify({
      slug: c.slug,
      project_ref: c.instance.supabase_project_ref,
      sends_as_agency: tm.agency,
      // Supabase's built-in mailer: its own address and its small limit.
      sender: tm.agency ? tm.sender : null,
      per_hour: tm.agency ? tm.perHour : 2,
      sent_last_hour: sentLastHour(tm),
      members: tm.members.map(({ accepted, ...m }) => m),
    }));
  }
  const ROLE_WORDS = {
    admin: 'admin', administratör: 'admin', administrator: 'admin',
    member: 'member', medlem: 'member',
    viewer: 'viewer', läsare: 'viewer', betraktare: 'viewer',
  };
  /** check_invitee: one person judged (the address in lower case, the name trimmed). */
  function checkInvitee(rawEmail, rawName, rawRole, taken) {
    const email = String(rawEmail ?? '').trim().toLowerCase();
    const problems = [];
    const bad = validateEmail(email);
    if (bad) problems.push({ ...bad, field: 'email' });
    else if (taken(email)) problems.push(problem('email', 'team_already_in_team', { email }));
    const full_name = String(rawName ?? '').trim() || null;
    if (full_name && [...full_name].length > TEAM_NAME_MAX) problems.push(problem('full_name', 'too_long', { label: 'Namnet', label_en: 'The name', max: String(TEAM_NAME_MAX) }));
    const word = String(rawRole ?? '').trim().toLowerCase();
    let role = ROLE_WORDS[word] ?? null;
    if (!role && (word === 'owner' || word === 'ägare')) problems.push(problem('role', 'team_owner_role', {}));
    else if (!role && word === '') role = 'member';
    else if (!role) problems.push(problem('role', 'team_role_unknown', { role: word }));
    return problems.length || !role ? { problems } : { person: { email, full_name, role } };
  }
  const TEAM_COLUMNS = {
    name: ['name', 'namn', 'full_name', 'full name'],
    email: ['email', 'e-post', 'epost', 'e-mail', 'mail', 'e-postadress'],
    role: ['role', 'roll'],
  };
  const teamColumn = (h) => Object.keys(TEAM_COLUMNS).find((k) => TEAM_COLUMNS[k].includes(h.trim().toLowerCase())) ?? null;
  /** customer::team::preview: comma or semicolon, an optional header, every bad row named. */
  function teamPreview(csv, taken) {
    const text = String(csv ?? '').replace(/^\ufeff/, '');
    const lines = text.split(/\r\n|\n|\r/);
    const first = lines[0] ?? '';
    const delimiter = first.split(';').length > first.split(',').length ? ';' : ',';
    let order = ['name', 'email', 'role'];
    const people = [];
    const bad = [];
    const seen = [];
    let record = 0;
    lines.forEach((raw, at) => {
      if (raw.trim() === '') return;
      const i = record++;
      const line = at + 1;
      const cells = raw.split(delimiter).map((x) => x.trim().replace(/^"(.*)"$/, '$1').trim());
      if (cells.every((x) => x === '')) return;
      const cols = cells.map(teamColumn);
      if (i === 0 && cols.includes('email')) {
        order = cols.map((x) => x ?? 'name');
        return;
      }
      const cell = (want) => (order.indexOf(want) >= 0 ? cells[order.indexOf(want)] ?? '' : '');
      const email = cell('email');
      const again = seen.find(([e]) => e === email.trim().toLowerCase());
      const r = checkInvitee(email, cell('name'), cell('role'), taken);
      if (r.person && !again) {
        seen.push([r.person.email, line]);
        people.push(r.person);
      } else if (r.person) bad.push({ line, email, problems: [problem('email', 'team_duplicate_row', { line: String(again[1]) })] });
      else bad.push({ line, email, problems: r.problems });
    });
    const count = people.length + bad.length;
    if (count === 0) throw validation([problem('file', 'team_list_empty', {})]);
    if (count > TEAM_MAX_PEOPLE) throw validation([problem('file', 'team_list_too_long', { count: String(count), max: String(TEAM_MAX_PEOPLE) })]);
    return { people, bad };
  }
  /** One person's failure, naming them (engine::team::failed). */
  const TEAM_REFUSAL = { provider: 'Supabase', detail: '422: Unable to process request' };
  /** What the instance answered (kept on the member, as the core keeps the error's text). */
  const teamAnswer = () => coded('provider_rejected', TEAM_REFUSAL).sv;
  function teamFailure(email) {
    const detail = coded('provider_rejected', TEAM_REFUSAL);
    return T(coded('team_invite_failed', { email, detail: detail.sv }).sv, coded('team_invite_failed', { email, detail: detail.en }).en);
  }
  const emitTeam = (payload) => window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: 'team-progress', payload });
  const notInTeam = (email, slug) => coreError('team_not_in_team', { email, slug });
  const notFabriks = (email, slug) => coreError('team_not_fabriks', { email, slug, why: 'Fabrik har inte bjudit in personen', why_en: 'Fabrik did not invite them' });
  starts.auth_mail = ({ slug }) => {
    const c = byslug(slug);
    if (!c) throw notFound(slug);
    if (!c.instance.production_url) throw apiError('not_provisioned', `${slug} har ingen levererad instans i den här miljön att uppdatera; provisionera kunden först.`);
    if (c.status !== 'active') throw apiError('not_now', `${slug}: instansen är ${c.status}`);
    return playDayTwo(c, 'auth_mail', RUN_KIND_STEPS.auth_mail, () => {
      teamOf(c).agency = true;
    });
  };
  const teamCommands = {
    team: ({ slug }) => teamView(teamInstance(slug)),
    team_preview: ({ slug, csv }) => {
      const tm = teamOf(teamInstance(slug));
      // Everyone with an account in the instance, and Fabrik's invitations not refused.
      return teamPreview(csv, (e) => tm.members.some((m) => m.email === e && m.status !== 'failed'));
    },
    team_invite: async ({ slug, people }) => {
      const started = performance.now();
      const c = teamInstance(slug);
      const tm = teamOf(c);
      if (!tm.agency) throw coreError('team_mail_not_agency', { slug });
      const problems = [];
      const checked = [];
      for (const p of people || []) {
        const email = String(p.email ?? '').trim().toLowerCase();
        const known = tm.members.find((m) => m.email === email);
        // Fabrik's own revoked person, or an invitation left under way: asked again, not new.
        const oursAgain = !!known && known.by_fabrik && !known.first_admin && ['revoked', 'sending'].includes(known.status);
        const taken = (e) => !oursAgain && (tm.members.some((m) => m.email === e && m.status !== 'failed') || checked.some((x) => x.email === e));
        const r = checkInvitee(email, p.full_name, p.role, taken);
        if (r.person) checked.push(r.person);
        else problems.push(...r.problems);
      }
      if (problems.length) throw validation(problems);
      const sent = sentLastHour(tm);
      const left = Math.max(0, tm.perHour - sent);
      const mailing = checked.filter((p) => !tm.members.some((m) => m.email === p.email && m.status === 'revoked' && m.accepted)).length;
      if (mailing > left) throw coreError('team_over_hourly_limit', { slug, limit: String(tm.perHour), sent: String(sent), count: String(mailing), left: String(left) });
      const failing = CONFIG.teamFailing || [];
      const results = [];
      let calls = 5;
      for (const [n, person] of checked.entries()) {
        await sleep(CONFIG.teamDelay ?? 60);
        calls += 4;
        const known = tm.members.find((m) => m.email === person.email);
        let result;
        if (failing.includes(person.email)) {
          const why = teamFailure(person.email);
          if (known) Object.assign(known, { status: 'failed', problem: teamAnswer() });
          else tm.members.push({ ...person, status: 'failed', by_fabrik: true, first_admin: false, sends: 0, last_sent_at: null, last_sign_in_at: null, problem: teamAnswer(), accepted: false });
          result = { email: person.email, outcome: 'failed', problem: why };
        } else if (known && known.status === 'revoked' && known.accepted) {
          Object.assign(known, { status: 'active', role: person.role, problem: null });
          result = { email: person.email, outcome: 'restored', problem: null };
        } else {
          const outcome = known && ['revoked', 'sending'].includes(known.status) ? 'again' : 'invited';
          const at = iso();
          if (known) Object.assign(known, { status: 'invited', role: person.role, full_name: person.full_name ?? known.full_name, sends: known.sends + 1, last_sent_at: at, problem: null });
          else tm.members.push({ ...person, status: 'invited', by_fabrik: true, first_admin: false, sends: 1, last_sent_at: at, last_sign_in_at: null, problem: null, accepted: false });
          tm.sent.push(Date.now());
          result = { email: person.email, outcome, problem: null };
        }
        results.push(result);
        await emitTeam({ slug, done: n + 1, total: checked.length, result });
        if (TM.holds[0] === n + 1) {
          TM.holds.shift();
          await new Promise((release) => {
            window.__mockTeamRelease = release;
          });
        }
      }
      const failed = results.filter((r) => r.outcome === 'failed').length;
      return { slug, results, invited: results.length - failed, failed, calls, elapsed_ms: Math.round(performance.now() - started) };
    },
    team_resend: ({ slug, email }) => {
      const started = performance.now();
      const c = teamInstance(slug);
      const tm = teamOf(c);
      const e = String(email ?? '').trim().toLowerCase();
      const m = tm.members.find((x) => x.email === e);
      if (!m || m.status === 'failed') throw notInTeam(e, slug);
      if (!m.by_fabrik) throw notFabriks(e, slug);
      if (m.first_admin || m.status !== 'invited') {
        if (m.status === 'active' && !m.first_admin) throw coreError('team_already_accepted', { email: e });
        throw notInTeam(e, slug);
      }
      const gone = m.last_sent_at ? Math.floor((Date.now() - Date.parse(m.last_sent_at)) / 1000) : Infinity;
      if (gone < 60) throw coreError('team_resend_too_soon', { email: e, seconds: String(60 - gone) });
      let result;
      if ((CONFIG.teamFailing || []).includes(e)) {
        const why = teamFailure(e);
        m.problem = teamAnswer();
        result = { email: e, outcome: 'failed', problem: why };
      } else {
        Object.assign(m, { sends: m.sends + 1, last_sent_at: iso(), problem: null });
        tm.sent.push(Date.now());
        result = { email: e, outcome: 'again', problem: null };
      }
      const failed = result.outcome === 'failed' ? 1 : 0;
      return { slug, results: [result], invited: 1 - failed, failed, calls: 4, elapsed_ms: Math.round(performance.now() - started) };
    },
    team_revoke: ({ slug, email, confirmation }) => {
      const c = teamInstance(slug);
      const tm = teamOf(c);
      const e = String(email ?? '').trim().toLowerCase();
      const m = tm.members.find((x) => x.email === e);
      if (!m || m.status === 'failed' || m.status === 'sending') throw notInTeam(e, slug);
      if (!m.by_fabrik) throw notFabriks(e, slug);
      if (['owner', 'admin'].includes(m.role) && String(confirmation ?? '').trim().toLowerCase() !== e) throw coreError('team_revoke_confirm', { email: e, role: m.role, slug });
      m.status = 'revoked';
      return { slug, email: e, role: m.role };
    },
  };

  const runCommands = {
    readiness: () =>
      CONFIG.notReady ? { ready: false, missing: ['github'], reason: T(CONFIG.notReady) } : { ready: true, missing: [], reason: null },
    preflight: () => CONFIG.preflight || [],
    plan_provision: ({ slug }) => {
      if (!byslug(slug)) throw notFound(slug);
      return SCENARIO.plan ? { ...SCENARIO.plan, slug } : defaultPlan(slug);
    },
    cancel_run: ({ run: id, rollback }) => {
      const run = runById(id);
      if (!run) throw apiError('run_not_found', `Körning ${id} finns inte`);
      if (!['running', 'cancelling'].includes(run.state)) return false;
      run.state = 'cancelling';
      void play(id, rollback ? SCENARIO.cancel_rollback : SCENARIO.cancel_keep);
      return true;
    },
    resume_run: ({ run: id }) => {
      const run = runById(id);
      if (!run) throw apiError('run_not_found', `Körning ${id} finns inte`);
      run.interrupted = false;
      run.owner_pid = 4242;
      // Unfinished steps start over (reset_unfinished_steps).
      for (const s of R.steps[id]) if (!['succeeded', 'compensated'].includes(s.state)) Object.assign(s, { state: 'pending', waiting_for: null });
      run.state = 'running';
      void play(id, SCENARIO.resume);
      return null;
    },
    rollback_run: ({ run: id }) => {
      const run = runById(id);
      if (!run) throw apiError('run_not_found', `Körning ${id} finns inte`);
      run.state = 'rolling_back';
      void play(id, SCENARIO.rollback);
      return null;
    },
    // The core's one way in (src/api/supervisor.rs start_run): the request's kind picks the run.
    start_run: ({ slug, request }) => {
      const kind = request?.kind;
      const start = {
        provision: starts.start_provision,
        update_modules: starts.update_modules,
        repair: starts.start_day_two,
        pause: starts.start_day_two,
        resume: starts.start_day_two,
        redeploy: starts.start_day_two,
        reset_password: starts.start_day_two,
        resend_welcome: starts.start_day_two,
        domain_add: starts.add_domain,
        domain_remove: starts.remove_domain,
        teardown: starts.teardown_customer,
        workflow_backup: starts.workflow_backup,
        workflow_restore: starts.workflow_restore,
        promote: starts.promote,
        recover: starts.recover,
        auth_mail: starts.auth_mail,
        handover: handover.start,
      }[kind];
      if (!start) throw apiError('internal', `unknown run kind ${kind}`);
      return start({ slug, ...request });
    },
    domains: ({ slug }) => {
      if (!byslug(slug)) throw notFound(slug);
      return (CONFIG.domains || {})[slug] || [];
    },
    // What "Avveckla" would do with each target (src/provision/engine.rs teardown_preview):
    // ids listed in CONFIG.foreignIds read back without Fabrik's marker and are kept.
    teardown_preview: ({ slug }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      const ids = { 'supabase.project': c.instance.supabase_project_ref, 'github.repo': c.instance.github_repo_url, 'vercel.project': c.instance.vercel_project_id, 'n8n.workflow': c.instance.n8n_workflow_id };
      return RESOURCE_KEYS.filter((k) => ids[k]).map((k) => {
        const foreign = (CONFIG.foreignIds || []).includes(ids[k]);
        return {
          step: k,
          id: ids[k],
          verdict: foreign ? 'keep' : 'delete',
          reason: foreign ? T(`${ids[k]} finns redan men skapades inte av Fabrik för den här kunden`, `${ids[k]} already exists but was not created by Fabrik for this customer`) : null,
        };
      });
    },
    // Health (src/health): CONFIG.healthReports[slug] is the kept check; "Kontrollera nu"
    // answers CONFIG.nextHealth[slug] (or a healthy check) and keeps it, list dot included.
    instance_health: ({ slug }) => {
      if (!byslug(slug)) throw notFound(slug);
      // The core's Health always carries its usage warnings (`#[serde(default)]`).
      const report = (CONFIG.healthReports || {})[slug];
      return report ? { usage: [], ...report } : null;
    },
    check_health: ({ slug }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      if (!c.instance.production_url) throw apiError('not_provisioned', `${slug} har ingen levererad instans; provisionera kunden först.`);
      const found = (CONFIG.nextHealth || {})[slug] ?? [];
      const h = {
        slug,
        environment: ENVIRONMENT,
        checked_at: new Date().toISOString(),
        healthy: found.length === 0,
        site: { url: c.instance.production_url, status: 200, ms: 84 },
        findings: found,
        // The core's Health always carries its usage warnings (none here).
        usage: [],
      };
      (CONFIG.healthReports ||= {})[slug] = h;
      (CONFIG.health ||= {})[slug] = { healthy: h.healthy, findings: found.length, checked_at: h.checked_at };
      return h;
    },
    // "Kontrollera alla" (src/supervisor/sweep.rs): every delivered instance, one `health-sweep`
    // event per check; a second press while it runs starts nothing.
    check_all_health: () => {
      if (R.sweep?.running) return { ...R.sweep };
      const slugs = state.customers.filter((c) => ['active', 'inactive'].includes(c.status) && c.instance.production_url).map((c) => c.slug);
      R.sweep = { running: true, total: slugs.length, done: 0, unhealthy: 0, failed: 0, finished_at: null };
      const emitSweep = () => window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: 'health-sweep', payload: { ...R.sweep } });
      void (async () => {
        await emitSweep();
        for (const slug of slugs) {
          await sleep(EVENT_DELAY);
          const h = runCommands.check_health({ slug });
          R.sweep.done += 1;
          if (!h.healthy) R.sweep.unhealthy += 1;
          await emitSweep();
        }
        R.sweep.running = false;
        R.sweep.finished_at = new Date().toISOString();
        await emitSweep();
      })();
      return { ...R.sweep };
    },
    health_sweep: () => ({ ...(R.sweep || { running: false, total: 0, done: 0, unhealthy: 0, failed: 0, finished_at: null }) }),
    // The adoption ledger (src/store/adoptions.rs): CONFIG.refused seeds refusals per slug.
    adoptions: ({ slug }) => {
      if (!byslug(slug)) throw notFound(slug);
      return (R.adoptions[slug] || []).map((a) => ({ ...a }));
    },
    adopt_resource: ({ slug, name, confirmation }) => {
      if (!byslug(slug)) throw notFound(slug);
      if (String(confirmation ?? '').trim() !== name) throw apiError('adoption_mismatch', `Skriv resursens namn exakt (${name}) för att ta över den; inget gjordes.`);
      const row = (R.adoptions[slug] || []).find((a) => a.resource === name);
      if (!row) throw apiError('adoption_not_found', `Fabrik har inte vägrat röra någon resurs som heter ${name} för kunden ${slug}; det finns inget att ta över.`);
      Object.assign(row, { state: 'allowed', allowed_at: iso(), allowed_by: 'window' });
      return { ...row };
    },
    list_runs: ({ slug }) => {
      let list = R.runs;
      if (slug != null) {
        const c = byslug(slug);
        if (!c) throw notFound(slug);
        list = list.filter((r) => r.customer_id === c.id);
      }
      return list
        .slice()
        .sort((a, b) => b.id - a.id)
        .map(({ interrupted, ...r }) => ({ ...r }));
    },
    run_detail: ({ run: id }) => {
      const run = runById(id);
      if (!run) throw apiError('run_not_found', `Körning ${id} finns inte`);
      const { interrupted, ...row } = run;
      return JSON.parse(JSON.stringify({ run: row, steps: R.steps[id], log: R.log[id] }));
    },
    interrupted_runs: () => R.runs.filter((r) => r.interrupted && ACTIVE.includes(r.state)).map(({ interrupted, ...r }) => ({ ...r })),
    set_environment: ({ environment }) => {
      if (environment !== 'sandbox' && environment !== 'production') throw apiError('invalid_args', `unknown variant ${environment}`);
      window.__mockEnvironmentChosen = environment;
      return null;
    },
  };

  // ---------- roll-outs (src/api/rollouts.rs, src/fleet.rs, src/api/rollout_desk.rs) ----------
  // CONFIG.rollouts: { folders: { path: [FileHead] } (what a folder holds), versions: { slug:
  // version } (each history's newest), drift: { slug: Text } (a history the files do not
  // explain), fail: { slug: Text } (the database's error when that instance migrates), delay:
  // ms per instance }. Waves, the halt rule, pause and abort as the core has them.
  const RC = CONFIG.rollouts || {};
  const RO = { rows: [], members: {}, files: {}, next: 1, driving: new Set(), versions: { ...(RC.versions || {}) } };
  window.__mockRollouts = RO;
  const rolloutError = (code, sv, params) => ({ ...apiError(code, sv), params });
  const planError = (sv, en) => rolloutError('rollout_plan', `Utrullningen kan inte planeras: ${sv}`, { reason: sv, reason_en: en });
  const newerThan = (a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  const deliveredCustomers = () =>
    state.customers.filter((c) => ['active', 'inactive'].includes(c.status) && c.instance.production_url).sort((a, b) => cmp(nocase(a.name), nocase(b.name)) || a.id - b.id);
  function parseWaves(spec) {
    const waves = [];
    for (const part of String(spec).split(',').map((p) => p.trim()).filter(Boolean)) {
      if (waves[waves.length - 1] === 'rest') throw planError('"rest" måste vara den sista vågen', '"rest" must be the last wave');
      const pct = part.endsWith('%') ? Number(part.slice(0, -1).trim()) : null;
      if (part.toLowerCase() === 'rest') waves.push('rest');
      else if (pct !== null && pct > 0 && pct <= 100) waves.push({ pct });
      else if (/^\d+$/.test(part) && Number(part) > 0) waves.push({ n: Number(part) });
      else throw planError(`Vågen "${part}" är varken ett antal, en andel (10%) eller "rest"`, `The wave "${part}" is neither a count, a share (10%) nor "rest"`);
    }
    if (waves[waves.length - 1] !== 'rest') waves.push('rest');
    return waves;
  }
  function assignWaves(n, waves) {
    const out = [];
    let wave = 0;
    for (const w of waves) {
      const left = n - out.length;
      if (left === 0) break;
      const size = w === 'rest' ? left : w.n ? Math.min(w.n, left) : Math.min(Math.max(Math.ceil((n * w.pct) / 100), 1), left);
      for (let i = 0; i < size; i++) out.push(wave);
      wave += 1;
    }
    return out;
  }
  function rolloutView(id) {
    const rollout = RO.rows.find((r) => r.id === id);
    if (!rollout) throw rolloutError('rollout_not_found', `Ingen utrullning ${id} i registret`, { id: String(id) });
    const members = RO.members[id];
    const waves = [];
    for (const m of members) {
      while (waves.length <= m.wave) waves.push({ index: waves.length, total: 0, pending: 0, running: 0, done: 0, failed: 0, skipped: 0 });
      waves[m.wave].total += 1;
      waves[m.wave][m.state] += 1;
    }
    return JSON.parse(JSON.stringify({ rollout, files: RO.files[id], waves, members }));
  }
  const openRollout = (kind = 'schema') => RO.rows.find((r) => (r.kind ?? 'schema') === kind && ['planned', 'running', 'paused'].includes(r.state)) ?? null;
  function setRollout(r, patch) {
    Object.assign(r, patch, { updated_at: iso() });
  }
  async function driveRollout(id) {
    const r = RO.rows.find((x) => x.id === id);
    const members = RO.members[id];
    const last = Math.max(0, ...members.map((m) => m.wave));
    while (r.state === 'running') {
      for (const m of members.filter((x) => x.wave === r.wave && x.state === 'pending')) {
        if (r.state !== 'running') return;
        const c = state.customers.find((x) => x.id === m.customer_id);
        const template = r.kind === 'template';
        const step = template ? 'github.template_pr' : 'supabase.migrate';
        const run = newRun(c, template ? 'template_sync' : 'migrate', [step]);
        Object.assign(m, { state: 'running', run_id: run.id });
        await sleep((template ? TC.delay : null) ?? RC.delay ?? 200);
        const failure = ((template ? TC.fail : RC.fail) || {})[m.slug];
        Object.assign(run, { state: failure ? 'failed' : 'succeeded', finished_at: iso(), error: failure ?? null, failed_step: failure ? step : null });
        if (failure) Object.assign(m, { state: 'failed', reason: failure });
        else if (template) {
          openTemplatePr(r.id, c, run.id);
          Object.assign(m, { state: 'done', version_after: TT.target[r.id] });
        } else {
          const newest = RO.files[id].map((f) => f.version).sort(newerThan).pop();
          RO.versions[m.slug] = newest;
          Object.assign(m, { state: 'done', version_after: newest });
        }
      }
      if (r.state !== 'running') return;
      const wave = members.filter((m) => m.wave === r.wave);
      const done = wave.filter((m) => m.state === 'done').length;
      const failed = wave.filter((m) => m.state === 'failed').length;
      const share = failed / Math.max(1, done + failed);
      if (failed > 0 && (r.wave === 0 || share > r.halt_share)) {
        const pct = (v) => `${Math.round(v * 100)} %`;
        const why =
          r.wave === 0
            ? T(`Kanarievågen misslyckades (${failed} av ${done + failed})`, `The canary wave failed (${failed} of ${done + failed})`)
            : T(`Våg ${r.wave + 1} stoppades: ${failed} av ${done + failed} misslyckades (${pct(share)}, gränsen är ${pct(r.halt_share)})`, `Wave ${r.wave + 1} halted: ${failed} of ${done + failed} failed (${pct(share)}, the limit is ${pct(r.halt_share)})`);
        return setRollout(r, { state: 'halted', halt_reason: why });
      }
      if (r.wave >= last) return setRollout(r, { state: 'done' });
      setRollout(r, { wave: r.wave + 1 });
    }
  }
  const rolloutCommands = {
    rollouts_overview: () => {
      const open = openRollout();
      return {
        instances: deliveredCustomers().map((c) => ({ slug: c.slug, name: c.name, status: c.status, schema_version: RO.versions[c.slug] ?? null })),
        rollouts: RO.rows.filter((r) => (r.kind ?? 'schema') === 'schema').sort((a, b) => b.id - a.id).map((r) => ({ ...r })),
        open: open ? rolloutView(open.id) : null,
        driving: [...RO.driving],
      };
    },
    plan_rollout: ({ source, waves, halt_share }) => {
      const spec = parseWaves(waves);
      if (!(halt_share >= 0 && halt_share <= 1)) throw planError('Stoppgränsen är en andel mellan 0 och 1', 'The halt share is a fraction between 0 and 1');
      const open = openRollout();
      if (open) throw rolloutError('rollout_open', `Utrullning ${open.id} är inte avslutad: starta, pausa eller avbryt den först (fabrik rollout status)`, { id: String(open.id) });
      const files = source.kind === 'dir' ? (RC.folders || {})[source.path] : null;
      if (source.kind === 'ref') throw planError('mallrepot kan inte läsas i den här testmiljön', 'the template repository cannot be read in this test environment');
      if (!files) throw planError(`${source.path} finns inte`, `${source.path} does not exist`);
      const newest = files.map((f) => f.version).sort(newerThan).pop();
      const members = [];
      const behind = [];
      for (const c of deliveredCustomers()) {
        const base = { customer_id: c.id, slug: c.slug, name: c.name, wave: 0, run_id: null, version_before: RO.versions[c.slug] ?? null, version_after: null };
        if (c.status === 'inactive') members.push({ ...base, state: 'skipped', reason: T('Instansen är pausad; återstarta den och kör utrullningen igen', 'The instance is paused; resume it and run the roll-out again') });
        else if ((RC.drift || {})[c.slug]) members.push({ ...base, state: 'skipped', reason: RC.drift[c.slug] });
        else if (base.version_before && newerThan(base.version_before, newest) >= 0) members.push({ ...base, state: 'done', reason: T('Redan aktuell: varje fil finns i historiken', 'Already current: every file is in the history') });
        else behind.push(base);
      }
      assignWaves(behind.length, spec).forEach((wave, i) => members.push({ ...behind[i], wave, state: 'pending', reason: null }));
      const id = RO.next++;
      RO.rows.push({ id, kind: 'schema', environment: ENVIRONMENT, source: `dir:${source.path}`, state: 'planned', wave: 0, halt_share, halt_reason: null, created_at: iso(), created_by: CONFIG.person ?? null, updated_at: iso() });
      RO.members[id] = members;
      RO.files[id] = files;
      return rolloutView(id);
    },
    rollout: ({ id }) => rolloutView(id),
    start_rollout: ({ id }) => {
      const r = RO.rows.find((x) => x.id === id);
      if (!r) return rolloutView(id);
      if (RO.driving.has(id) || !['planned', 'running', 'paused', 'halted'].includes(r.state)) return rolloutView(id);
      if ((RC.busy || []).includes(id)) throw rolloutError('rollout_busy', `Utrullning ${id} drivs redan av en annan process; vänta, eller pausa den därifrån`, { id: String(id) });
      setRollout(r, { state: 'running', halt_reason: null });
      RO.driving.add(id);
      void driveRollout(id).finally(() => RO.driving.delete(id));
      return rolloutView(id);
    },
    resume_rollout: (args) => rolloutCommands.start_rollout(args),
    pause_rollout: ({ id }) => {
      const r = RO.rows.find((x) => x.id === id);
      if (!r) return rolloutView(id);
      if (!['running', 'planned'].includes(r.state)) throw rolloutError('rollout_state', `Utrullning ${id} är ${r.state} och kan inte ändras så`, { id: String(id), state: r.state });
      setRollout(r, { state: 'paused' });
      return rolloutView(id);
    },
    abort_rollout: ({ id }) => {
      const r = RO.rows.find((x) => x.id === id);
      if (!r) return rolloutView(id);
      if (!['running', 'planned', 'paused', 'halted'].includes(r.state)) throw rolloutError('rollout_state', `Utrullning ${id} är ${r.state} och kan inte ändras så`, { id: String(id), state: r.state });
      setRollout(r, { state: 'aborted' });
      return rolloutView(id);
    },
  };

  // ---------- template roll-outs (src/api/templates.rs) ----------
  // CONFIG.templates: { template: 'owner/name', target: sha (what plan_template reads at the
  // default branch), bases: { slug: TemplateBase }, plans: { slug: partial RepoPlan } (its files,
  // needs_person, summary, behind, problem), prs: { slug: partial TemplatePr } (found before the
  // window opens), fail: { slug: Text }, merged: [slug] (what GitHub says was merged, read by
  // refresh_templates), delay: ms per repository }. Waves, halt, pause and abort as the schema's.
  const TC = CONFIG.templates || {};
  const TT = { target: {}, plans: {}, prs: [], nextPr: 1, bases: JSON.parse(JSON.stringify(TC.bases || {})) };
  const TEMPLATE = TC.template || `${SIM.org}/saas-template`;
  function makePr(c, patch) {
    const id = TT.nextPr++;
    const number = patch.number ?? 40 + id;
    return { id, customer_id: c.id, slug: c.slug, rollout_id: null, run_id: null, repo_id: c.id, base_sha: '', target_sha: '', branch: 'fabrik/template', commit_sha: 'c0ffee'.padEnd(40, '0'), number, url: `https://github.com/${SIM.org}/${c.slug}/pull/${number}`, files: '[]', conflicts: 0, state: 'open', created_at: iso(), checked_at: null, ...patch };
  }
  for (const [slug, patch] of Object.entries(TC.prs || {})) {
    const c = state.customers.find((x) => x.slug === slug);
    if (c) TT.prs.push(makePr(c, patch));
  }
  function openTemplatePr(id, c, runId) {
    const plan = (TT.plans[id] || []).find((p) => p.slug === c.slug);
    const conflicts = plan ? plan.needs_person.reduce((n, x) => n + x.conflicts, 0) : 0;
    TT.prs.push(makePr(c, { rollout_id: id, run_id: runId, base_sha: plan?.base ?? '', target_sha: TT.target[id], branch: `fabrik/template-${TT.target[id].slice(0, 7)}`, conflicts }));
  }
  const newestPr = (slug) => TT.prs.filter((p) => p.slug === slug).sort((a, b) => b.id - a.id)[0] ?? null;
  function repoPlan(c) {
    const p = (TC.plans || {})[c.slug] || {};
    const base = TT.bases[c.slug] ?? null;
    const summary = { template_changed: 0, customer_changed_too: 0, conflicts: 0, own: 0, ignored: 0, ...(p.summary || {}) };
    return { slug: c.slug, name: c.name, repo: `${SIM.org}/${c.slug}`, base: base?.sha ?? null, base_how: base?.how ?? null, behind: base ? 0 : null, changes: [], needs_person: [], problem: base ? null : T(`Okänt vilken version av mallen ${SIM.org}/${c.slug} står på`, `It is unknown which version of the template ${SIM.org}/${c.slug} stands on`), ...p, summary };
  }
  function templateView(id) {
    const view = rolloutView(id);
    return JSON.parse(JSON.stringify({ view, template: TEMPLATE, target: TT.target[id], plans: TT.plans[id], prs: TT.prs.filter((p) => p.rollout_id === id) }));
  }
  function templatesOverview() {
    const open = openRollout('template');
    return {
      instances: deliveredCustomers().map((c) => ({ slug: c.slug, name: c.name, status: c.status, base: TT.bases[c.slug] ?? null, pr: newestPr(c.slug) })),
      rollouts: RO.rows.filter((r) => r.kind === 'template').sort((a, b) => b.id - a.id).map((r) => ({ ...r })),
      open: open ? templateView(open.id) : null,
      driving: [...RO.driving],
    };
  }
  const templateCommands = {
    templates_overview: () => templatesOverview(),
    refresh_templates: () => {
      for (const slug of TC.merged || []) {
        const pr = newestPr(slug);
        if (pr && pr.state === 'open') {
          Object.assign(pr, { state: 'merged', checked_at: iso() });
          TT.bases[slug] = { sha: pr.target_sha, how: 'synced', at: iso() };
        }
      }
      return templatesOverview();
    },
    plan_template: ({ at, waves, halt_share }) => {
      const spec = parseWaves(waves);
      if (!(halt_share >= 0 && halt_share <= 1)) throw planError('Stoppgränsen är en andel mellan 0 och 1', 'The halt share is a fraction between 0 and 1');
      const open = openRollout('template');
      if (open) throw rolloutError('rollout_open', `Utrullning ${open.id} är inte avslutad: starta, pausa eller avbryt den först (fabrik rollout status)`, { id: String(open.id) });
      if (at !== null && at !== 'main') throw planError(`${at} finns inte i ${TEMPLATE}`, `${at} does not exist in ${TEMPLATE}`);
      const target = TC.target || 'abcdef1234567890abcdef1234567890abcdef12';
      const plans = [];
      const members = [];
      const behind = [];
      for (const c of deliveredCustomers()) {
        const plan = repoPlan(c);
        plans.push(plan);
        const base = { customer_id: c.id, slug: c.slug, name: c.name, wave: 0, run_id: null, version_before: plan.base, version_after: null };
        if (c.status === 'inactive') members.push({ ...base, state: 'skipped', reason: T('Instansen är pausad; återstarta den och kör utrullningen igen', 'The instance is paused; resume it and run the roll-out again') });
        else if (plan.problem) members.push({ ...base, state: 'skipped', reason: plan.problem });
        else if (plan.base === target || plan.changes.length === 0) members.push({ ...base, state: 'done', reason: T('Redan aktuell med mallen', 'Already current with the template') });
        else behind.push(base);
      }
      assignWaves(behind.length, spec).forEach((wave, i) => members.push({ ...behind[i], wave, state: 'pending', reason: null }));
      const id = RO.next++;
      RO.rows.push({ id, kind: 'template', environment: ENVIRONMENT, source: `template:${TEMPLATE}@${target.slice(0, 7)}`, state: 'planned', wave: 0, halt_share, halt_reason: null, created_at: iso(), created_by: CONFIG.person ?? null, updated_at: iso() });
      RO.members[id] = members;
      RO.files[id] = [];
      TT.target[id] = target;
      TT.plans[id] = plans;
      return templateView(id);
    },
    template_rollout: ({ id }) => templateView(id),
  };

  // ---------- commands ----------
  const commands = {
    app_info: () => ({ version: '0.1.0-mock', database_path: '/tmp/fabrik-mock.sqlite', schema_version: 1, customer_count: state.customers.length }),
    list_customers: ({ query }) => {
      const q = query || {};
      const needle = (q.search || '').trim().toLowerCase();
      if (q.status != null && !STATUSES.includes(q.status)) throw apiError('invalid_args', `unknown status ${q.status}`);
      let list = state.customers.filter(
        (c) => (!needle || `${c.name}\n${c.slug}\n${c.admin_email}`.toLowerCase().includes(needle)) && (!q.status || c.status === q.status),
      );
      const sort = q.sort || 'name_asc';
      const by = {
        name_asc: (a, b) => cmp(nocase(a.name), nocase(b.name)) || a.id - b.id,
        name_desc: (a, b) => cmp(nocase(b.name), nocase(a.name)) || b.id - a.id,
        created_desc: (a, b) => cmp(b.created_at, a.created_at) || b.id - a.id,
        created_asc: (a, b) => cmp(a.created_at, b.created_at) || a.id - b.id,
      }[sort];
      if (!by) throw apiError('invalid_args', `unknown sort ${sort}`);
      list = list.slice().sort(by);
      // A page, as the core answers (CustomerQuery::PAGE, at most MAX_PAGE).
      const offset = q.offset ?? 0;
      const limit = Math.min(q.limit ?? 100, 500);
      return {
        total: list.length,
        offset,
        rows: list.slice(offset, offset + limit).map(row),
        has_examples: state.customers.some((c) => c.is_example),
      };
    },
    get_customer: ({ slug }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      return full(c);
    },
    create_customer: ({ draft }) => {
      const r = validateDraft(draft);
      if (r.errors) throw validation(r.errors);
      if (byslug(r.fields.slug)) throw validation([takenField(r.fields.slug)]);
      return full(insertFields(r.fields, false, false));
    },
    update_customer: ({ slug, patch }) => {
      const cur = byslug(slug);
      if (!cur) throw notFound(slug);
      if (patch.expected_version != null && patch.expected_version !== cur.version)
        throw apiError('stale_version', 'Kunden har ändrats av någon annan sedan du öppnade den; ladda om och försök igen');
      const r = validatePatch(cur, patch);
      if (r.errors) throw validation(r.errors);
      const f = r.fields;
      if (f.slug !== cur.slug && byslug(f.slug)) throw validation([takenField(f.slug)]);
      Object.assign(cur, {
        slug: f.slug,
        name: f.name,
        admin_email: f.admin_email,
        contact_name: f.contact_name,
        plan: f.plan,
        modules: f.modules,
        status: f.status,
        notes: f.notes,
        instance: f.instance,
        updated_at: now(),
        version: cur.version + 1,
      });
      return full(cur);
    },
    delete_customer: ({ slug }) => {
      const i = state.customers.findIndex((c) => c.slug === slug);
      if (i < 0) throw notFound(slug);
      state.customers.splice(i, 1);
      return null;
    },
    check_draft: ({ draft }) => checkDraft(draft, (slug) => !!byslug(slug)),
    check_patch: ({ slug, patch }) => {
      const cur = byslug(slug);
      if (!cur) throw notFound(slug);
      const r = validatePatch(cur, patch);
      if (r.errors) return { slug: null, errors: r.errors };
      const other = byslug(r.fields.slug);
      return { slug: r.fields.slug, errors: other && other.id !== cur.id ? [takenField(r.fields.slug)] : [] };
    },
    load_examples: () => insertExamples(),
    // As the core: an example whose newest run is not a finished teardown may own resources in
    // a cloud, and is kept with the reason (tear it down first).
    remove_examples: () => {
      const touched = (c) => {
        const newest = R.runs.filter((r) => r.customer_id === c.id).sort((a, b) => b.id - a.id)[0];
        return !!newest && !(newest.kind === 'teardown' && newest.state === 'succeeded');
      };
      const kept = state.customers.filter((c) => c.is_example && touched(c));
      const before = state.customers.length;
      state.customers = state.customers.filter((c) => !c.is_example || kept.includes(c));
      const removed = before - state.customers.length;
      const reason = { sv: 'Fabrik kan ha skapat resurser i molnet för den', en: 'Fabrik may have created cloud resources for it' };
      const list = (l) => kept.map((c) => `${c.name} (${c.slug}): ${reason[l]}`).join('; ');
      const message = {
        sv: `Exempelkunder borttagna: ${removed}.` + (kept.length ? ` Behölls: ${list('sv')}. Avveckla dem först (Avveckla på kundsidan, eller fabrik teardown), och ta sedan bort exemplen igen.` : ''),
        en: `Example customers removed: ${removed}.` + (kept.length ? ` Kept: ${list('en')}. Tear them down first (Avveckla on the customer page, or fabrik teardown), then remove the examples again.` : ''),
      };
      return { removed, kept: kept.map((c) => ({ slug: c.slug, name: c.name, reason })), message };
    },
    // The register as a file (src/register): a small CSV reader (comma, a header naming
    // name and admin_email/email, optional slug and plan) with the core's row rules.
    preview_import: ({ contents }) => importPlan(contents).preview,
    import_customers: ({ contents }) => {
      const plan = importPlan(contents);
      for (const f of plan.add) insertFields(f, false);
      return { environment: ENVIRONMENT, added: plan.add.length, skipped: plan.preview.skipped };
    },
    // The portal's organizations (CONFIG.portal: its rows), only the columns an import reads.
    read_portal: ({ source }) => {
      const url = String(source?.url ?? '');
      const m = url.match(/^postgres:\/\/([^:@]+)(:[^@]*)?@([^/]+)\/?(.*)$/);
      const place = m ? `${m[1]}@${m[3]}/${m[4] || 'postgres'} ${source.table || 'public.organizations'}` : url;
      const fail = (sv, en) => ({ ...apiError('import_portal', `Portalens tabell kan inte importeras: ${sv}; ingenting lades till`), params: { reason: sv, reason_en: en } });
      if (!m) throw fail('adressen kan inte läsas: ange en adress som börjar med postgres://', 'the address cannot be read');
      if (!CONFIG.portal) throw fail(`${place} kan inte läsas: connection refused`, `${place} cannot be read: connection refused`);
      const rows = CONFIG.portal.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, ['name', 'email', 'slug', 'plan'].includes(k) ? v : null])));
      return { source: place, rows: rows.length, contents: JSON.stringify(rows) };
    },
    export_register: ({ format }) => {
      if (format !== 'csv' && format !== 'json') throw apiError('invalid_args', `unknown variant ${format}`);
      state.exports = (state.exports ?? 0) + 1;
      const count = state.customers.filter((c) => !c.is_example).length;
      return { path: `/home/user/Hämtningar/fabrik-register-${ENVIRONMENT}-${state.exports}.${format}`, count };
    },
    // The shared register (src/store/location.rs): the choice only; the mock never restarts.
    shared_register: () => ({ shared: state.shared ?? null, from_env: false, file: '/home/user/.local/share/se.fabrik.desktop/fabrik.sqlite3' }),
    use_shared_register: ({ url, move_file }) => {
      if (!String(url).startsWith('postgres://')) throw apiError('database_open', 'Databasen kunde inte öppnas: ange en adress som börjar med postgres://');
      state.shared = String(url).replace(/^postgres:\/\/([^:@]+)(:[^@]*)?@([^/]+)\/?(.*)$/, '$1@$3/$4');
      const n = state.customers.filter((c) => !c.is_example).length;
      return move_file ? { target: `postgres://${state.shared}`, millis: 412, tables: [{ table: 'customers', rows: n, checksum: '00', target_rows: n, target_checksum: '00' }] } : null;
    },
    // Schemalagt arbete (src/schedule/). CONFIG.schedule: { plan (installed), ticks: [partial
    // TickRow] (newest first; `report` an object), refusedHere: object, refuse: code (the
    // scheduler's answer to install) }.
    schedule_status: () => scheduleView(),
    schedule_install: ({ plan }) => {
      const sch = CONFIG.schedule ?? {};
      if (sch.refuse) throw { ...apiError(sch.refuse, 'Schemaläggaren tog inte emot jobbet'), params: { scheduler: 'systemd (användarens timer)', detail: 'systemctl --user daemon-reload: Failed to connect to bus' } };
      state.schedulePlan = plan;
      return scheduleView();
    },
    schedule_remove: () => {
      state.schedulePlan = null;
      return scheduleView();
    },
    // CONFIG.people: the shared register's logins ({ name, role, you }); CONFIG.peopleRefused:
    // this login may not add or remove (the core's `forbidden`, Right::People).
    people: () => (state.people ??= [...(CONFIG.people || [])]),
    add_person: ({ name, role }) => {
      if (CONFIG.peopleRefused) throw { ...apiError('forbidden', coded('forbidden', CONFIG.peopleRefused).sv), params: CONFIG.peopleRefused };
      state.people = [...(state.people ?? CONFIG.people ?? []), { name, role, you: false }];
      return { name, password: 'SENTINEL-one-time-password', invitation: `fabrik-inbjudan:SENTINEL-one-time-${name}` };
    },
    remove_person: ({ name }) => (state.people = (state.people ?? CONFIG.people ?? []).filter((p) => p.name !== name)),
    // The core's join (src/store/location.rs): a pasted invitation, the login it names.
    join_shared_register: ({ invitation }) => {
      const m = /^fabrik-inbjudan:SENTINEL-one-time-(.+)$/.exec(invitation.replace(/\s+/g, ''));
      if (!m) throw coreError('invitation_malformed', {});
      // CONFIG.spentInvitations: the logins whose invitation was used already.
      if ((state.joined ??= new Set(CONFIG.spentInvitations || [])).has(m[1])) throw coreError('invitation_spent', { register: 'db.example.se:5432/postgres' });
      state.joined.add(m[1]);
      state.shared = `${m[1]}@db.example.se:5432/postgres`;
      return m[1];
    },
    stop_shared_register: () => {
      state.shared = null;
      return null;
    },
    module_manifest: () => JSON.parse(JSON.stringify(MANIFEST)),
    get_preferences: () => ({ ...state.prefs }),
    set_language: ({ language }) => {
      if (language !== 'sv' && language !== 'en') throw apiError('invalid_args', `unknown variant ${language}`);
      state.prefs.language = language;
      return { ...state.prefs };
    },
    environment: () => ENVIRONMENT,
    credentials_status: () => PROVIDERS.map(credStatus),
    save_credential: ({ provider, token }) => {
      checkProvider(provider);
      const t = String(token ?? '').trim();
      if (t === '') throw apiError('invalid_token', 'Token är tom');
      if (/\s/.test(t) || new TextEncoder().encode(t).length > 4096)
        throw apiError('invalid_token', 'Token innehåller mellanslag eller radbrytningar; klistra in den igen');
      keyring();
      state.creds[provider] = { verdict: verdictOf(t), resendFormat: t.startsWith('re_') };
      delete state.credCache[provider];
      return credStatus(provider);
    },
    test_credential: async ({ provider }) => {
      checkProvider(provider);
      const { token } = tokenOf(provider);
      if (!token) return credStatus(provider);
      if (CONFIG.testHeld && !state.testHeldOnce) {
        // CONFIG.testHeld: the first check waits until the test lets it go
        // (window.__mockCredentials.release()), so the spinner is there for as long as the
        // test looks at it, however slow the machine.
        state.testHeldOnce = true;
        await new Promise((r) => (window.__credentialWaiters = [...(window.__credentialWaiters ?? []), r]));
      } else {
        // A network round trip: long enough for the spinner to be seen.
        await new Promise((r) => setTimeout(r, CONFIG.testLatency ?? 150));
      }
      state.credCache[provider] = verify(provider, token);
      return credStatus(provider);
    },
    send_test_email: async () => {
      const { token } = tokenOf('resend');
      if (!token) return credStatus('resend');
      await new Promise((r) => setTimeout(r, CONFIG.testLatency ?? 150));
      const to = state.settings['email.sender_address'] ?? 'valkommen@sandbox.fabrik.test';
      state.sentTestEmails = (state.sentTestEmails ?? 0) + 1;
      state.credCache.resend = { provider: 'resend', state: 'verified', account: to, message: T(`Testmejlet skickades till ${to} (id mock-${state.sentTestEmails})`), warnings: [] };
      return credStatus('resend');
    },
    delete_credential: ({ provider }) => {
      checkProvider(provider);
      keyring();
      delete state.creds[provider];
      delete state.credCache[provider];
      return credStatus(provider);
    },
    list_settings: () => listSettings(),
    set_setting: ({ key, value }) => {
      if (!SETTING_KEYS.some(([k]) => k === key)) throw apiError('invalid_setting', `Ogiltig inställning ${key}: okänd inställning`);
      checkSetting(key, String(value ?? ''));
      const v = String(value ?? '').trim();
      if (v === '') delete state.settings[key];
      else state.settings[key] = v;
      return listSettings();
    },
    open_external: ({ url }) => {
      let ok = false;
      try {
        const u = new URL(url);
        ok = u.protocol === 'https:' && !!u.hostname;
      } catch {
        ok = false;
      }
      if (!ok) throw apiError('unsafe_link', `Bara https-länkar kan öppnas: ${String(url).slice(0, 200)}`);
      return null;
    },
  };

  // ---------- The setup guide (src/setup/guide.rs, src/providers/choices.rs) ----------
  // The steps and their texts are the core's (fixtures/core-rules.json, `setup_guide`).
  // CONFIG.setup: { started: false (a first start: the guide opens by itself; default true,
  // finished), at, skipped }. The choices mirror the simulator's seeded accounts, one of each
  // kind that cannot be used.
  const SETUP_CFG = CONFIG.setup || {};
  const SETUP = {
    at: SETUP_CFG.at ?? (SETUP_CFG.started === false ? 'agency' : 'done'),
    skipped: [...(SETUP_CFG.skipped || [])],
    started: SETUP_CFG.started !== false,
  };
  const setupGuide = () => ({ ...window.__FABRIK_CORE_RULES__.setup_guide, environment: ENVIRONMENT, at: SETUP.at, skipped: [...SETUP.skipped], started: SETUP.started });
  const STEPS = window.__FABRIK_CORE_RULES__.setup_guide.steps.map((s) => s.step);
  const choiceOf = (value, label, note = null, usable = true, also = []) => ({ value, label, note: note && T(note), usable, also });
  const choiceList = (setting, choices, kind = 'value') => ({ setting, kind, choices });
  function setupChoices(provider) {
    const { token } = tokenOf(provider);
    const none = (problem) => ({ provider, lists: [], problem: problem && T(problem) });
    if (!token) return none(T('Spara token först: valen läses från kontot den öppnar.', 'Save the token first: the choices are read from the account it opens.'));
    if (token.verdict === 'rejected') return none(T('Token avvisades (401)', 'The token was rejected (401)'));
    switch (provider) {
      case 'github':
        return { provider, problem: null, lists: [
          choiceList('github.owner', [choiceOf(SIM.user, SIM.user, T('ditt eget konto', 'your own account')), choiceOf(SIM.org, SIM.org)]),
          choiceList('github.template', [
            choiceOf(`${SIM.org}/saas-template`, `${SIM.org}/saas-template`),
            choiceOf(`${SIM.org}/kund-app`, `${SIM.org}/kund-app`, T('inte ett mallrepo: gör det till ett under repots Settings → Template repository', "not a template: make it one in the repository's Settings → Template repository"), false),
          ]),
        ] };
      case 'supabase': {
        const regions = [
          choiceOf('us-east-1', 'East US (North Virginia) (us-east-1)', T('rekommenderad', 'recommended')),
          choiceOf('eu-north-1', 'North EU (Stockholm) (eu-north-1)'),
          choiceOf('eu-central-1', 'Central EU (Frankfurt) (eu-central-1)'),
          choiceOf('eu-central-2', 'Central Europe (Zurich) (eu-central-2)', T('fullt just nu: Supabase tar inte emot nya projekt här', 'at capacity: Supabase takes no new projects here for now'), false),
        ];
        return { provider, problem: null, lists: [choiceList('supabase.organization', [choiceOf(SIM.supabaseOrg, 'Fabrik Sandbox (fabrik-sandbox)')]), choiceList('supabase.region', regions)] };
      }
      case 'vercel':
        return { provider, problem: null, lists: [choiceList('vercel.team_id', [
          choiceOf('', SIM.user, T('personligt konto', 'personal account'), true, [{ setting: 'vercel.team_slug', value: '' }]),
          choiceOf(SIM.teamId, 'Fabrik Agency (fabrik-agency)', null, true, [{ setting: 'vercel.team_slug', value: SIM.teamSlug }]),
        ])] };
      case 'resend':
        return { provider, problem: null, lists: [choiceList('email.sender_address', [
          choiceOf('sandbox.fabrik.test', 'sandbox.fabrik.test'),
          choiceOf('ny.byran.se', 'ny.byran.se', T('inte verifierad (pending): Resend skickar bara från verifierade domäner', 'not verified (pending): Resend sends only from verified domains'), false),
        ], 'domain')] };
      case 'n8n':
        return { provider, problem: null, lists: [], about: [T('n8n version 1.97.1.', 'n8n version 1.97.1.')] };
      case 'gitea': {
        // The repositories the token may write to; the one set, when Gitea has none by that
        // name, offered to be made (create_backup_repository).
        const wanted = settingValue('backup.repository') || 'ops-hub/client-backups';
        const have = [...GITEA_REPOS];
        return { provider, problem: null, lists: [{ ...choiceList('backup.repository', have.map((r) => choiceOf(r, r))), create: have.includes(wanted) ? null : wanted }] };
      }
      default:
        return { provider, lists: [], problem: null };
    }
  }
  const GITEA_REPOS = new Set(CONFIG.giteaRepos || []);
  Object.assign(commands, {
    setup_guide: () => setupGuide(),
    setup_progress: ({ at, skipped }) => {
      if (!STEPS.includes(at)) throw apiError('invalid_args', `unknown variant ${at}`);
      SETUP.at = at;
      SETUP.skipped = [...new Set((skipped || []).filter((s) => s !== 'done'))];
      SETUP.started = true;
      return setupGuide();
    },
    setup_choices: async ({ provider }) => {
      checkProvider(provider);
      await new Promise((r) => setTimeout(r, CONFIG.testLatency ?? 150));
      return setupChoices(provider);
    },
    create_backup_repository: () => {
      GITEA_REPOS.add(settingValue('backup.repository') || 'ops-hub/client-backups');
      return setupChoices('gitea');
    },
    setup_proof_plan: () => proofPlan(),
    start_setup_proof: () => {
      if (PROOF.phase === 'not_started' || PROOF.phase === 'done') Object.assign(PROOF, { phase: 'provisioning', polls: 0, slug: 'fabrik-provkund-2026-11-26-14-00-00', made: [], removed: [] });
      else if (PROOF.phase === 'stopped') PROOF.phase = 'tearing_down';
      return proofReport();
    },
    setup_proof: () => {
      proofTick();
      return proofReport();
    },
  });

  // ---------- What each account has left (src/setup/accounts_left.rs) ----------
  // CONFIG.left: { providers: [ProviderLeft] (what rate_limits says; default none, so the
  // status bar stays away), plan: [PlanLimit] }.
  const LEFT_CFG = CONFIG.left || {};
  Object.assign(commands, {
    rate_limits: () => ({ environment: ENVIRONMENT, providers: LEFT_CFG.providers || [] }),
    // CONFIG.budget: what bulk_budget answers (default: within every limit).
    bulk_budget: ({ kind, count }) => CONFIG.budget || { count, takes: T(`${kind}: ${count} körningar.`, `${kind}: ${count} runs.`), over: [], minutes: 0 },
    accounts_left: async () => {
      await new Promise((r) => setTimeout(r, CONFIG.testLatency ?? 150));
      return { rates: { environment: ENVIRONMENT, providers: LEFT_CFG.providers || [] }, plan: LEFT_CFG.plan || [] };
    },
  });

  // ---------- The guide's proof (src/setup/test_customer/) ----------
  // CONFIG.proof: { active: n (Supabase's active projects: 2 names the free plan's limit),
  // stopAfterProvision: true (the window "closed" between the runs: it stops there) }. Each
  // `setup_proof` call moves it one step on, as polling a run does.
  const PROOF_CFG = CONFIG.proof || {};
  const PROOF = { phase: 'not_started', polls: 0, slug: null, made: [], removed: [] };
  const PROOF_RESOURCES = [
    ['supabase.project', 'abcdefghijklmnopqrst'],
    ['github.repo', `${SIM.org}/fabrik-provkund-2026-11-26-14-00-00`],
    ['vercel.project', 'prj_proof1'],
    ['n8n.workflow', 'wf_proof1'],
  ];
  function proofPlan() {
    const active = PROOF_CFG.active ?? 0;
    const item = (provider, made, cost) => ({ provider, made: T(...made), cost: T(...cost) });
    return {
      environment: ENVIRONMENT,
      name: 'Fabrik provkund',
      admin_email: 'larm@byran.se',
      items: [
        item('supabase', [`Ett databasprojekt i organisationen ${SIM.supabaseOrg}, region eu-north-1, med mallens schema och en första admin.`, `A database project in the organization ${SIM.supabaseOrg}, region eu-north-1, with the template's schema and a first admin.`], [`Gratisplanen tillåter 2 aktiva gratisprojekt per användare; ${SIM.supabaseOrg} har ${active} aktiva nu. Projektet tas bort efteråt.`, `The free plan allows 2 active free projects per user; ${SIM.supabaseOrg} has ${active} active now. The project is removed afterwards.`]),
        item('github', [`Ett privat repo hos ${SIM.org}, skapat från mallen ${SIM.org}/saas-template.`, `A private repository under ${SIM.org}, made from the template ${SIM.org}/saas-template.`], ['Kostar inget; räknas mot GitHubs gräns för innehåll (500 skrivningar i timmen). Repot tas bort efteråt.', "Costs nothing; counts against GitHub's content limit (500 writes an hour). The repository is removed afterwards."]),
        item('vercel', ['Ett Vercel-projekt med miljövariabler och en publik produktionsdriftsättning.', 'A Vercel project with environment variables and a public production deployment.'], ['En av dagens driftsättningar (100 per dag på Hobby, 6 000 på Pro) och ett av Hobbys 200 projekt. Projektet tas bort efteråt.', "One of today's deployments (100 a day on Hobby, 6,000 on Pro) and one of Hobby's 200 projects. The project is removed afterwards."]),
        item('n8n', ['Ett n8n-flöde för provkunden, aktiverat.', 'An n8n workflow for the test customer, activated.'], ['Kostar inget. Flödet tas bort efteråt.', 'Costs nothing. The workflow is removed afterwards.']),
        item('resend', ['Ett välkomstmejl från Byrån <valkommen@sandbox.fabrik.test> till larm@byran.se.', 'A welcome email from Byrån <valkommen@sandbox.fabrik.test> to larm@byran.se.'], ['Ett av dagens mejl (100 per dag på gratisplanen). Ett skickat mejl kan inte tas tillbaka.', "One of today's emails (100 a day on the free plan). A sent email cannot be taken back."]),
      ],
      caveats: active >= 2 ? [T(`${SIM.supabaseOrg} har redan ${active} aktiva projekt: på gratisplanen (2 per användare) nekar Supabase ett till. Pausa ett, eller välj en organisation med betald plan.`, `${SIM.supabaseOrg} already has ${active} active projects: on the free plan (2 per user) Supabase refuses another. Pause one, or choose an organization on a paid plan.`)] : [],
    };
  }
  function proofTick() {
    if (PROOF.phase === 'provisioning') {
      if (PROOF.made.length < PROOF_RESOURCES.length) {
        const [step, id] = PROOF_RESOURCES[PROOF.made.length];
        PROOF.made.push({ step, id, state: 'succeeded' });
      } else PROOF.phase = PROOF_CFG.stopAfterProvision && !PROOF.resumed ? 'stopped' : 'tearing_down';
      if (PROOF.phase === 'stopped') PROOF.resumed = true;
    } else if (PROOF.phase === 'tearing_down') {
      if (PROOF.removed.length < PROOF.made.length) {
        const m = PROOF.made[PROOF.made.length - 1 - PROOF.removed.length];
        PROOF.removed.push({ step: m.step, id: m.id, state: 'compensated' });
      } else PROOF.phase = 'done';
    }
  }
  const proofReport = () => ({
    phase: PROOF.phase,
    slug: PROOF.slug,
    provision_run: PROOF.slug ? 41 : null,
    teardown_run: PROOF.removed.length || PROOF.phase === 'done' ? 42 : null,
    made: [...PROOF.made],
    removed: [...PROOF.removed],
    seconds: PROOF.phase === 'done' ? 94 : null,
    problem: null,
  });

  // ---------- Schemalagt arbete ----------
  // The scheduled jobs are the core's (`JOBS` in the generated bindings, injected by the harness).
  const JOBS = window.__FABRIK_BINDINGS__.JOBS;

  /** A tick's report as the core writes it: every job in the core's order, those the test names as
   * it says, the rest with nothing due; a refused tick did no job. A job the core lacks is refused. */
  function tickReport(t) {
    const report = t.report ?? { jobs: [] };
    if (t.outcome === 'refused') return report;
    const named = new Map((report.jobs ?? []).map((j) => [j.job, j]));
    for (const job of named.keys()) if (!JOBS.includes(job)) throw new Error(`the core has no scheduled job ${job}`);
    return { ...report, jobs: JOBS.map((job) => named.get(job) ?? { job, state: 'nothing', did: [], alerted: [], failed: [], held_by: null, ms: 0 }) };
  }

  function scheduleView() {
    const sch = CONFIG.schedule ?? {};
    if (state.schedulePlan === undefined) state.schedulePlan = sch.plan ?? null;
    const plan = state.schedulePlan;
    const files = plan ? ['/home/user/.config/systemd/user/fabrik-tick.service', '/home/user/.config/systemd/user/fabrik-tick.timer'] : [];
    return {
      installed: { scheduler: 'systemd', files, plan, scheduler_says: plan ? 'NEXT                        LEFT     LAST PASSED UNIT\nThu 2026-11-26 23:45:00 UTC 9min left -    -      fabrik-tick.timer' : null },
      ticks: (sch.ticks ?? []).map((t, i) => ({ id: 100 - i, seat: 'anna@laptop #5201dd47', person: null, who: { sv: 'anna på laptop', en: 'anna on laptop' }, started_at: '2026-11-26T02:30:04+00:00', finished_at: '2026-11-26T02:31:10+00:00', outcome: 'ok', reason: null, ...t, report: JSON.stringify(tickReport(t)) })),
      refused_here: sch.refusedHere ? JSON.stringify(sch.refusedHere) : null,
    };
  }

  // ---------- Fabrik's own update (src/api/updates.rs) ----------
  // CONFIG.update: { offer: Offer (default: up to date), error: code (the check fails with it),
  // runs: [ids] (runs this window drives: the install waits; window.__mockUpdate.endRuns()),
  // fails: code (the download's verdict, e.g. update_signature) }.
  const UP = { cfg: CONFIG.update || {}, runs: [...((CONFIG.update || {}).runs || [])], installed: false };
  const UPDATE_CURRENT = '0.1.0-mock';
  const updateError = (code, extra = {}) => ({ code, message: code, fields: [], params: { current: UPDATE_CURRENT, feed: 'https://releases.example.test/latest.json', detail: 'connection refused', ...extra } });
  const emitUpdate = (payload) => window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: 'update', payload });
  function updateProceed() {
    const version = UP.cfg.offer.version;
    const total = 50 * 1048576;
    void emitUpdate({ phase: 'downloading', version, received: total / 2, total });
    setTimeout(() => {
      void emitUpdate({ phase: 'downloading', version, received: total, total });
      if (UP.cfg.fails) {
        void emitUpdate({ phase: 'failed', error: updateError(UP.cfg.fails, { version, detail: 'signature mismatch' }) });
      } else {
        UP.installed = true;
        void emitUpdate({ phase: 'installing', version });
        void emitUpdate({ phase: 'restarting', version });
      }
    }, 50);
  }
  window.__mockCredentials = {
    release() {
      (window.__credentialWaiters ?? []).splice(0).forEach((r) => r());
    },
  };
  window.__mockUpdate = {
    /** Another answer from now on (a test that walks several in one window). */
    configure(cfg) {
      UP.cfg = cfg;
      UP.runs = [...(cfg.runs || [])];
    },
    endRuns() {
      UP.runs = [];
      updateProceed();
    },
    installed: () => UP.installed,
  };
  Object.assign(commands, {
    update_check: () => {
      if (UP.cfg.error) throw updateError(UP.cfg.error);
      return { current: UPDATE_CURRENT, feed: 'https://releases.example.test/latest.json', offer: UP.cfg.offer || { kind: 'up_to_date', version: UPDATE_CURRENT } };
    },
    update_install: () => {
      if (UP.cfg.offer?.kind !== 'newer') throw updateError('update_nothing_newer');
      if (UP.runs.length) return { phase: 'waiting', runs: [...UP.runs] };
      setTimeout(updateProceed, 30);
      return { phase: 'downloading', version: UP.cfg.offer.version, received: 0, total: null };
    },
  });


  // ---------- Inkorg (src/intake/) ----------
  // CONFIG.intake: { items: [partial IntakeItem] (id, name, admin_email, source, plan, state …;
  // the rest filled in), sources: [partial SourceView] (default: the portal and Stripe, neither
  // set up), poll: partial PollReport (what intake_poll answers; default nothing new) }.
  // Approving makes a customer from the request and a running provisioning run (no run events).
  const INTAKE_CFG = CONFIG.intake || {};
  const intakeItem = (i, n) => ({
    id: n + 1,
    source: 'portal',
    external_id: `req-${n + 1}`,
    name: `Förfrågan ${n + 1}`,
    admin_email: `admin${n + 1}@example.se`,
    plan: 'starter',
    detail: {},
    state: 'pending',
    reason: null,
    slug: null,
    run_id: null,
    run_state: null,
    run_step: null,
    run_error: null,
    cancelled_at: null,
    received_at: new Date(BASE_TIME - (n + 1) * 3600_000).toISOString(),
    decided_at: null,
    decided_by: null,
    automatic: false,
    organization_id: null,
    waiting: null,
    portal_error: null,
    ...i,
  });
  const intakeSource = (source, v = {}) => ({
    configured: false,
    place: null,
    notes: [],
    ...v,
    state: { source, cursor: null, polled_at: null, polled_by: null, problem: null, auto: false, plans: {}, trials: [], daily_limit: 3, automatic_today: 0, ...(v.state || {}) },
  });
  const INTAKE = {
    items: (INTAKE_CFG.items || []).map(intakeItem),
    sources: INTAKE_CFG.sources
      ? INTAKE_CFG.sources.map((v) => intakeSource(v.state?.source ?? v.source, v))
      : [intakeSource('portal'), intakeSource('stripe', { notes: [T('Stripe visar händelser i 30 dagar.', 'Stripe keeps events for 30 days.')] })],
    nextRun: 9000,
  };
  window.__mockIntake = INTAKE;
  const intakeFind = (id) => {
    const item = INTAKE.items.find((i) => i.id === id);
    if (!item) throw { ...apiError('intake', `Inkorgen: förfrågan ${id} finns inte`), params: { reason: `förfrågan ${id} finns inte`, reason_en: `request ${id} does not exist` } };
    return item;
  };
  const intakeDecided = (item) => {
    if (item.state !== 'pending') throw { ...apiError('intake', 'Inkorgen: redan avgjord'), params: { reason: 'redan avgjord', reason_en: 'already decided' } };
  };
  const intakeInbox = () => JSON.parse(JSON.stringify({ items: INTAKE.items, sources: INTAKE.sources }));
  Object.assign(commands, {
    intake_list: () => intakeInbox(),
    intake_poll: () => {
      const now = new Date(BASE_TIME).toISOString();
      for (const s of INTAKE.sources) Object.assign(s.state, { polled_at: now, polled_by: 'den här datorn' });
      return { new_requests: 0, cancelled: 0, events: 0, seen_before: 0, requests: 2, approved: [], written: 0, problems: [], ...(INTAKE_CFG.poll || {}) };
    },
    intake_approve: ({ id, plan }) => {
      const item = intakeFind(id);
      intakeDecided(item);
      // A Stripe price no plan is mapped to: a person chooses the plan (src/intake/).
      if (item.source === 'stripe' && !(plan ?? item.plan)) {
        throw { ...apiError('intake', `Inkorgen: Välj en plan för ${item.name}`), params: { reason: `Välj en plan för ${item.name}`, reason_en: `Choose a plan for ${item.name}` } };
      }
      const r = validateDraft({ name: item.name, admin_email: item.admin_email, slug: null, plan: plan ?? item.plan });
      if (r.errors) throw validation(r.errors);
      Object.assign(item, {
        state: 'approved',
        plan: plan ?? item.plan,
        waiting: null,
        slug: r.fields.slug,
        run_id: INTAKE.nextRun++,
        run_state: 'running',
        run_step: 'supabase.project',
        decided_at: new Date(BASE_TIME).toISOString(),
        decided_by: 'den här datorn',
      });
      return JSON.parse(JSON.stringify(item));
    },
    intake_reject: ({ id, reason }) => {
      const item = intakeFind(id);
      intakeDecided(item);
      if (!String(reason ?? '').trim()) throw validation([{ field: 'reason', code: 'required', text: 'required', message: 'Obligatoriskt', params: {} }]);
      Object.assign(item, { state: 'rejected', reason: reason.trim(), decided_at: new Date(BASE_TIME).toISOString(), decided_by: 'den här datorn' });
      return JSON.parse(JSON.stringify(item));
    },
    intake_set_source: ({ source, choices }) => {
      const s = INTAKE.sources.find((x) => x.state.source === source);
      const { auto, plans, trials, daily_limit } = choices;
      Object.assign(s.state, { auto, plans: { ...plans }, trials: [...trials], daily_limit });
      return JSON.parse(JSON.stringify(s.state));
    },
    intake_set_portal: ({ url, password }) => {
      const s = INTAKE.sources.find((x) => x.state.source === 'portal');
      const m = /^postgres(?:ql)?:\/\/(?:([^:@/]+)(?::[^@/]*)?@)?([^/]+)\/(\S+)$/.exec(String(url ?? '').trim());
      if (!m) throw validation([{ field: 'url', code: 'url_invalid', text: 'url_invalid', message: 'Ogiltig adress', params: {} }]);
      Object.assign(s, { configured: !!password || s.configured, place: `${m[1] ?? 'postgres'}@${m[2]}/${m[3]}` });
      return intakeInbox();
    },
  });

  Object.assign(commands, runCommands, rolloutCommands, templateCommands, workflowCommands, rollbackCommands, teamCommands);
  // A customer's export (src/api/export.rs): the archive written to the export folder and
  // recorded; the repository and the storage files named as left out. The one a teardown offers
  // passes the teardown's gate first; CONFIG.exportFails makes the export fail as the core says.
  const exportsOf = {};
  const EXPORT_FOLDER = '/home/user/Hämtningar';
  function writeExport(slug, reason) {
    const c = state.customers.find((x) => x.slug === slug);
    if (!c) throw notFound(slug);
    if (c.status !== 'active') throw apiError('not_provisioned', `${slug} har ingen levererad instans i den här miljön`);
    if (CONFIG.exportFails) throw apiError('export_failed', `Exporten av ${slug} misslyckades: ${CONFIG.exportFails}`);
    const list = (exportsOf[slug] ||= []);
    const file = `fabrik-export-${slug}-2025-01-06-12000${list.length}.zip`;
    const record = {
      id: list.length + 1, customer_id: c.id, environment: 'sandbox', file, bytes: 2_621_440,
      sha256: '9f2c'.repeat(16), schema_version: '20250101000000', template_version: 'c0ffee'.padEnd(40, '0'),
      taken_at: iso(), seat: 'byran@laptop', person: null, reason, in_folder: true, removed_at: null,
    };
    list.unshift(record);
    return {
      path: `${EXPORT_FOLDER}/${file}`, record, tables: 21, rows: 12345,
      omitted: [
        { part: 'repository', why: "the repository's git bundle is not part of this version of Fabrik's export yet" },
        { part: 'storage', why: "the storage files are not part of this version of Fabrik's export yet" },
      ],
    };
  }
  const keepDays = () => {
    const set = state.settings?.['export.keep_days'];
    const n = set === undefined || set === '' ? 90 : Number(set);
    return n === 0 ? null : n;
  };
  Object.assign(commands, {
    export_customer: ({ slug }) => writeExport(slug, 'asked'),
    export_before_teardown: ({ slug, confirmation }) => {
      if (String(confirmation ?? '').trim() !== slug) throw apiError('not_confirmed', 'Skriv kundens adressnamn för att bekräfta');
      return writeExport(slug, 'teardown');
    },
    export_keeping: ({ slug }) => {
      const latest = (exportsOf[slug] ?? [])[0] ?? null;
      const days = keepDays();
      const until = latest && days != null ? new Date(Date.parse(latest.taken_at) + days * 86400000).toISOString() : null;
      return { days, folder: EXPORT_FOLDER, latest, latest_until: until };
    },
    exports: ({ slug }) => exportsOf[slug] ?? [],
  });
  // Usage, cost and the price book (mock-usage.js).
  Object.assign(commands, window.__fabrikMockUsage({ CONFIG, customers: () => state.customers, apiError, validation }));
  // Billing beside the fleet (mock-billing.js).
  Object.assign(commands, window.__fabrikMockBilling({ CONFIG, customers: () => state.customers, settings: () => state.settings, apiError }));
  // A handover to the customer's own accounts (mock-handover.js).
  Object.assign(commands, handover.commands);
  // Översikt: what needs a person, from the fake's own state (mock-overview.js).
  Object.assign(commands, window.__fabrikMockOverview({ CONFIG, customers: () => state.customers, byslug, R, newRun, intake: () => INTAKE.items, environment: ENVIRONMENT }));

  const calls = [];
  window.__mockCalls = calls;
  window.__mockState = () => JSON.parse(JSON.stringify(state.customers.length > 2000 ? { ...state, customers: state.customers.length } : state));
  window.__mockFail = {}; // cmd -> ApiError to reject with once

  const { mockIPC, mockWindows } = window.__TAURI_MOCKS__;
  mockWindows('main');
  mockIPC(async (cmd, args) => {
    const entry = { cmd, args: JSON.parse(JSON.stringify(args ?? {})), ok: true, at: performance.now() };
    calls.push(entry);
    if (LATENCY) await new Promise((r) => setTimeout(r, LATENCY));
    const forced = window.__mockFail[cmd];
    if (forced) {
      delete window.__mockFail[cmd];
      entry.ok = false;
      throw forced;
    }
    const fn = commands[cmd];
    if (!fn) {
      entry.ok = false;
      throw `command ${cmd} not found`;
    }
    try {
      const result = await fn(args ?? {});
      save();
      entry.result = Array.isArray(result) ? { rows: result.length } : result;
      return result;
    } catch (e) {
      entry.ok = false;
      entry.error = e;
      throw e;
    }
  }, { shouldMockEvents: true });
})();
