// The fake backend's cloud: the providers, their tokens (only a verdict kept, never the token:
// how the fake provider will answer a check), the keyring's failures, each provider's check and
// the settings, fixed by the sandbox or kept on this seat (mirrors src/api/cloud.rs,
// src/credentials.rs, crates/fabrik-providers/src/providers/verify.rs, crates/fabrik-provision/src/provision/settings.rs). Classic script;
// mock-backend.js calls `__fabrikMockSettings`.
(function () {
  'use strict';

  window.__fabrikMockSettings = function (fake) {
    const { CONFIG, state, T, apiError, ENVIRONMENT } = fake;
    const { validateEmail } = fake.rules;

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

    window.__mockCredentials = {
      release() {
        (window.__credentialWaiters ?? []).splice(0).forEach((r) => r());
      },
    };

    const settingCommands = {
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
    };
    return { commands: settingCommands, SIM, settingValue, tokenOf, checkProvider };
  };
})();
