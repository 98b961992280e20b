// The fake backend's roll-outs, of the schema and of the template: the plan in waves, the
// driver with its halt rule, pause and abort, and the template's pull requests. Classic script;
// mock-backend.js calls `__fabrikMockRollouts`.
(function () {
  'use strict';

  window.__fabrikMockRollouts = function (fake) {
    const { CONFIG, state, T, apiError, iso, sleep, ENVIRONMENT, SIM, newRun, nocase, cmp } = fake;

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
    return { commands: { ...rolloutCommands, ...templateCommands } };
  };
})();
