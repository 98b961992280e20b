// The fake backend's inbox, Inkorg (src/intake/): the requests from the portal and Stripe,
// approved into a customer and a delivery or rejected, and each source's choices. Classic
// script; mock-backend.js calls `__fabrikMockIntake`.
(function () {
  'use strict';

  window.__fabrikMockIntake = function (fake) {
    const { CONFIG, BASE_TIME, T, apiError, validation } = fake;
    const { validateDraft } = fake.rules;

    const intakeCommands = {};
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
    Object.assign(intakeCommands, {
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
    return { commands: intakeCommands, INTAKE };
  };
})();
