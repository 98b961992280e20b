// The fake backend's customer's team (crates/fabrik-provision/src/provision/engine/team.rs, crates/fabrik-customer/src/customer/team.rs):
// every active, delivered customer's instance has its first administrator (the card's admin
// address, role owner, made by provisioning). CONFIG.team: { slug: { members: [partial Member
// (+ accepted: bool, whether a revoked person had accepted)], perHour, sender, sentLastHour } }
// adds people (by_fabrik defaults to true); CONFIG.teamNotAgency: [slug] — the instance still
// sends with Supabase's built-in mailer (invitations refused with team_mail_not_agency until an
// `auth_mail` run succeeds); CONFIG.teamFailing: [email] — the instance refuses those people's
// invitations (each result names them); CONFIG.teamDelay: ms between people (default 60);
// CONFIG.teamHoldAfter: n — the n-th person's `team-progress` is held until the test calls
// window.__mockTeamRelease(). Classic script; mock-backend.js calls `__fabrikMockTeam`.
(function () {
  'use strict';

  window.__fabrikMockTeam = function (fake) {
    const { CONFIG, T, apiError, notFound, coreError, validation, problem, hoursAgo, iso, sleep, byslug, settingValue, starts } = fake;
    const { RUN_KIND_STEPS, playDayTwo } = fake;
    const { coded, validateEmail } = fake.rules;

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
    return { commands: teamCommands };
  };
})();
