// The fake backend's runs (mirrors src/api/runs.rs and the ledger effects of
// crates/fabrik-provision/src/provision/engine.rs): the ledger, and a player of recorded event streams in place of the
// engine, a day-two run played to success, cancel, resume and roll back, the adoption ledger,
// and `start_run`, the core's one way in, which hands each kind to its start in `fake.starts`
// (mock-instances.js, mock-backups.js, mock-deployments.js, mock-team.js, mock-handover.js).
// Classic script; mock-backend.js calls `__fabrikMockRuns`.
(function () {
  'use strict';

  window.__fabrikMockRuns = function (fake) {
    const { CONFIG, state, T, apiError, notFound, ENVIRONMENT, iso, sleep, byslug, now, save, starts } = fake;
    const { coded, emptyInstance } = fake.rules;

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
          handover: starts.handover,
        }[kind];
        if (!start) throw apiError('internal', `unknown run kind ${kind}`);
        return start({ slug, ...request });
      },
      // The adoption ledger (crates/fabrik-store/src/store/adoptions.rs): CONFIG.refused seeds refusals per slug.
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
    return { commands: runCommands, SCENARIO, EVENT_DELAY, RUN_KIND_STEPS, STEP_KEYS, RESOURCE_KEYS, MODULE_KEYS, ACTIVE, R, newRun, play, playDayTwo, setCustomer, ref20 };
  };
})();
