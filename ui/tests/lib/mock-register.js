// The fake backend's register as a whole (crates/fabrik-register/src/register, crates/fabrik-store/src/store/location.rs): a file or the
// portal's table imported, the register exported, the shared register chosen, joined and left,
// and its people. Classic script; mock-backend.js calls `__fabrikMockRegister`.
(function () {
  'use strict';

  window.__fabrikMockRegister = function (fake) {
    const { CONFIG, state, apiError, coreError, problem, ENVIRONMENT, byslug, insertFields } = fake;
    const { coded, validateDraft } = fake.rules;

    // ---------- import (mirrors crates/fabrik-register/src/register/import.rs for the cases the UI tests use) ----------
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

    const registerCommands = {
      // The register as a file (crates/fabrik-register/src/register): a small CSV reader (comma, a header naming
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
      // The shared register (crates/fabrik-store/src/store/location.rs): the choice only; the mock never restarts.
      shared_register: () => ({ shared: state.shared ?? null, from_env: false, file: '/home/user/.local/share/se.fabrik.desktop/fabrik.sqlite3' }),
      use_shared_register: ({ url, move_file }) => {
        if (!String(url).startsWith('postgres://')) throw apiError('database_open', 'Databasen kunde inte öppnas: ange en adress som börjar med postgres://');
        state.shared = String(url).replace(/^postgres:\/\/([^:@]+)(:[^@]*)?@([^/]+)\/?(.*)$/, '$1@$3/$4');
        const n = state.customers.filter((c) => !c.is_example).length;
        return move_file ? { target: `postgres://${state.shared}`, millis: 412, tables: [{ table: 'customers', rows: n, checksum: '00', target_rows: n, target_checksum: '00' }] } : null;
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
      // The core's join (crates/fabrik-store/src/store/location.rs): a pasted invitation, the login it names.
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
    };
    return { commands: registerCommands };
  };
})();
