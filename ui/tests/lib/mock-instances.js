// The fake backend's instances: how each kind of run on a customer's instance starts behind
// `start_run` (a delivery, a module update, the day-two runs, a domain added or removed, a
// teardown; crates/fabrik-provision/src/provision/engine.rs), what a teardown would do with each resource, the
// domains, and the health checks, one or all (crates/fabrik-health/src/health, src/supervisor/sweep.rs). Classic
// script; mock-backend.js calls `__fabrikMockInstances`.
(function () {
  'use strict';

  window.__fabrikMockInstances = function (fake) {
    const { CONFIG, state, T, apiError, notFound, ENVIRONMENT, sleep, byslug, starts } = fake;
    const { SCENARIO, EVENT_DELAY, RUN_KIND_STEPS, STEP_KEYS, RESOURCE_KEYS, MODULE_KEYS, ACTIVE, R, newRun, play, playDayTwo, setCustomer } = fake;
    const { coded } = fake.rules;

    // How each kind of run starts, behind `start_run` (the core's one way in).
    Object.assign(starts, {
      start_provision: ({ slug }) => {
        const c = byslug(slug);
        if (!c) throw notFound(slug);
        if (CONFIG.notReady) throw apiError('not_ready', CONFIG.notReady);
        // CONFIG.forbidden: the shared register's database refused this login the right
        // (crates/fabrik-base/src/error.rs Error::Forbidden; the params it carries).
        if (CONFIG.forbidden) throw { ...apiError('forbidden', coded('forbidden', CONFIG.forbidden).sv), params: CONFIG.forbidden };
        const blocking = (CONFIG.preflight || []).filter((f) => f.blocking);
        if (blocking.length) throw apiError('preflight_failed', `Förkontrollen stoppade körningen innan något skapades: ${blocking.map((f) => f.message.sv).join('; ')}`);
        const open = R.runs.filter((r) => r.customer_id === c.id).sort((a, b) => b.id - a.id)[0];
        if (open && ACTIVE.includes(open.state)) return { run_id: open.id, already_running: true, driven_by: open.seat ?? null };
        const run = newRun(c, 'provision', STEP_KEYS);
        // CONFIG.backupAfterDelivery: the workflow backup the core starts the moment a delivery
        // succeeds (crates/fabrik-provision/src/provision/kinds.rs `then`), with no pause between them.
        void play(run.id, SCENARIO.start).then(() => {
          if (CONFIG.backupAfterDelivery && run.state === 'succeeded') fake.playWorkflowRun(c, 'workflow_backup', () => {});
        });
        return { run_id: run.id, already_running: false, driven_by: null };
      },
      // "Uppdatera moduler" (crates/fabrik-provision/src/provision/engine.rs start_update_modules): three steps, played.
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
      // Day two (crates/fabrik-provision/src/provision/engine.rs start_day_two / start_repair / start_domain): the
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
          instanceCommands.check_health({ slug });
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
    });

    const instanceCommands = {
      domains: ({ slug }) => {
        if (!byslug(slug)) throw notFound(slug);
        return (CONFIG.domains || {})[slug] || [];
      },
      // What "Avveckla" would do with each target (crates/fabrik-provision/src/provision/engine.rs teardown_preview):
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
      // Health (crates/fabrik-health/src/health): CONFIG.healthReports[slug] is the kept check; "Kontrollera nu"
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
            const h = instanceCommands.check_health({ slug });
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
    };
    return { commands: instanceCommands };
  };
})();
