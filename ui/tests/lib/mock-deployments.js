// The fake backend's deployment rollback (src/api/deployments.rs, crates/fabrik-provision/src/provision/steps/promote.rs):
// every delivered customer with a Vercel project has three production deployments, newest
// first: the one serving (READY), a failed build (ERROR) and an earlier READY one.
// CONFIG.deployments: { slug: [DeploymentView-like seeds] } replaces them. A promote is
// judged before the run exists (unknown, not READY, not built for production: refused with
// the core's codes), then runs `vercel.promote`; the undo target is what the last successful
// rollback replaced (crates/fabrik-provision/src/provision/engine/queries.rs undo_target_of). Classic script;
// mock-backend.js calls `__fabrikMockDeployments`.
(function () {
  'use strict';

  window.__fabrikMockDeployments = function (fake) {
    const { CONFIG, apiError, notFound, coreError, hoursAgo, fakeSha, byslug, starts } = fake;
    const { RUN_KIND_STEPS, ACTIVE, R, newRun, play, playDayTwo } = fake;
    const { coded } = fake.rules;

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

    const deploymentCommands = {
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
    };
    return { commands: deploymentCommands };
  };
})();
