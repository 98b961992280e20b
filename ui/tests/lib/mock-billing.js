// The fake backend's billing (the shapes of src/services/billing.rs and crates/fabrik-billing/src/billing/, the
// commands of src/api/billing.rs): each delivered example's Stripe subscription, and the drift
// findings worked out from the customer as it is now (a pause the page starts changes what
// differs), as the core's `billing::drift` does. Classic script; mock-backend.js calls
// `__fabrikMockBilling`.
(function () {
  'use strict';
  const T = (sv, en = sv) => ({ sv, en });
  const NOW = Date.parse('2025-01-06T00:00:00Z') / 1000;
  const DAY = 86_400;
  const LINKS = 'usage.stripe_subscriptions';

  /** Each example's subscription: what Stripe says of it (CONFIG.billing.subscriptions adds or replaces). */
  const SUBSCRIPTIONS = {
    'asas-bageri-cafe-ab': { status: 'active', plan: 'professional' },
    'fjallstugan-boende': { status: 'canceled', plan: 'enterprise' },
    'cafe-oresund': { status: 'past_due', plan: 'professional', failure: 'insufficient_funds', attempts: 3 },
    'linkopings-blomsterhandel': { status: 'active', plan: 'starter', endsAtPeriod: true },
  };

  const ENDED = ['canceled', 'incomplete_expired'];
  const PAYING = ['active', 'trialing'];

  window.__fabrikMockBilling = function ({ CONFIG, customers, settings, apiError }) {
    const B = CONFIG.billing || {};
    const subs = { ...SUBSCRIPTIONS, ...(B.subscriptions || {}) };
    const delivered = () => customers().filter((c) => c.instance?.production_url && (c.status === 'active' || c.status === 'inactive'));
    const ownLinks = () =>
      Object.fromEntries(
        String(settings()[LINKS] ?? '')
          .split(/[\s,]+/)
          .map((p) => p.split('='))
          .filter(([s, l]) => s && /^(sub|cus)_/.test(l ?? '')),
      );

    // The core's words (crates/fabrik-billing/src/billing/words.rs) for what the examples use.
    const STATUS_WORD = {
      active: { sv: 'Aktiv', en: 'Active' },
      past_due: { sv: 'Förfallen', en: 'Past due' },
      canceled: { sv: 'Uppsagd', en: 'Cancelled' },
      trialing: { sv: 'Provperiod', en: 'Trial' },
      unpaid: { sv: 'Obetald', en: 'Unpaid' },
    };
    const FAILURE_WORD = {
      insufficient_funds: { sv: 'Kortet saknar täckning eller har nått sin gräns', en: 'The card has insufficient funds or reached its limit' },
    };

    function view(slug, s, i) {
      const ended = ENDED.includes(s.status);
      const end = NOW + (10 + i) * DAY;
      return {
        id: `sub_mock${slug.replace(/-/g, '').slice(0, 12)}`,
        customer: `cus_mock${i}`,
        status: s.status,
        cancel_at_period_end: !!s.endsAtPeriod,
        current_period_end: end,
        next_payment: s.failure ? NOW + 2 * DAY : ended || s.endsAtPeriod ? null : end,
        status_text: STATUS_WORD[s.status] ?? { sv: `Okänd (${s.status})`, en: `Unknown (${s.status})` },
        // The core's words for Stripe's code (crates/fabrik-billing/src/billing/words.rs), and the code itself.
        last_failure: s.failure ? FAILURE_WORD[s.failure] : null,
        failure_code: s.failure ?? null,
        attempt_count: s.attempts ?? 1,
        price: `price_mock_${s.plan}`,
        plan: s.plan,
        amount: 49900,
        currency: 'sek',
        interval: 'month',
      };
    }

    function finding(c, kind, sub, message, action, offers) {
      return { slug: c.slug, kind, subscription: sub, message, action, offers };
    }

    /** The core's drift for one customer (crates/fabrik-billing/src/billing/drift.rs). */
    function drift(c, link, v) {
      if (!v) {
        if (link) return [];
        return [
          finding(
            c,
            'no_subscription',
            null,
            T('Instansen är levererad men ingen prenumeration i Stripe hör till kunden', 'The instance is delivered but no Stripe subscription belongs to the customer'),
            T('Länka en prenumeration: slug=sub_… i inställningen usage.stripe_subscriptions', 'Link a subscription: slug=sub_… in the setting usage.stripe_subscriptions'),
            [{ kind: 'link' }],
          ),
        ];
      }
      const out = [];
      if (ENDED.includes(v.status)) {
        if (c.status === 'active')
          out.push(
            finding(
              c,
              'cancelled_running',
              v.id,
              T('Prenumerationen är avslutad i Stripe men instansen är igång', 'The subscription has ended in Stripe but the instance is running'),
              T('Pausa instansen, eller riv den genom den skyddade grinden när kunden är avslutad; Fabrik river aldrig själv', 'Pause the instance, or tear it down through the guarded gate once the customer is done; Fabrik never tears down on its own'),
              [{ kind: 'pause' }, { kind: 'teardown' }],
            ),
          );
        return out;
      }
      if (PAYING.includes(v.status) && c.status === 'inactive')
        out.push(
          finding(
            c,
            'paying_paused',
            v.id,
            T('Prenumerationen betalas i Stripe men instansen är pausad', 'The subscription is being paid in Stripe but the instance is paused'),
            T('Återuppta instansen', 'Resume the instance'),
            [{ kind: 'resume' }],
          ),
        );
      if (v.plan && v.plan !== c.plan)
        out.push(
          finding(
            c,
            'plan_differs',
            v.id,
            T(`Prenumerationens pris hör till planen ${v.plan}, men instansen har ${c.plan}`, `The subscription's price maps to the plan ${v.plan}, but the instance has ${c.plan}`),
            T(`Byt kundens plan till ${v.plan} och kör Uppdatera moduler`, `Change the customer's plan to ${v.plan} and run Update modules`),
            [{ kind: 'change_plan', plan: v.plan }],
          ),
        );
      return out;
    }

    /** Every delivered customer compared (`Source::Kept`: a link without a snapshot is unread). */
    function compare() {
      const own = ownLinks();
      const linked = {};
      const findings = [];
      delivered().forEach((c, i) => {
        const s = subs[c.slug];
        const v = s ? view(c.slug, s, i) : null;
        const link = v?.id ?? own[c.slug] ?? null;
        if (v) linked[c.slug] = v;
        findings.push(...drift(c, link, v));
      });
      return { linked, findings, links: { ...own, ...Object.fromEntries(Object.entries(linked).map(([s, v]) => [s, v.id])) } };
    }

    /** Settled decisions by id (`billing_settle`), so each is settled once. */
    const settled = new Map();
    /** CONFIG.billing.waiting: { slug: [transition, step][] } decisions the tick offers. */
    function waiting(slug) {
      const base = 100 + Object.keys(B.waiting ?? {}).indexOf(slug) * 10;
      return (B.waiting?.[slug] ?? []).map(([transition, step], i) => ({
        id: base + i,
        customer_id: 1,
        slug,
        environment: 'sandbox',
        subscription: subs[slug] ? `sub_mock${slug.replace(/-/g, '').slice(0, 12)}` : 'sub_unknown',
        transition,
        step,
        episode: '2025-01-04T08:00:00Z',
        event_id: 'evt_mock1',
        run_id: null,
        state: 'waiting',
        note: null,
        created_at: '2025-01-04T08:00:00Z',
        decided_at: null,
        decided_by: null,
      })).filter((d) => !settled.has(d.id));
    }

    // The owner's policy (crates/fabrik-billing/src/billing/policy.rs): the defaults, the owner's choices over them,
    // and the core's refusals (a teardown never "do", a grace not below 0). CONFIG.billing
    // .policyRefused: the shared register refuses this login (`forbidden`, Right::Settings).
    const PLANS = ['starter', 'professional', 'enterprise'];
    const TRANSITIONS = ['payment_failed', 'paused', 'resumed', 'period_ended'];
    const STEPS = ['nothing', 'tell', 'offer', 'do'];
    const ACTION = { payment_failed: 'pause', paused: 'pause', resumed: 'resume', period_ended: 'teardown' };
    const defaultStep = (tr) => (tr === 'resumed' ? 'do' : 'offer');
    const chosen = new Map(Object.entries(B.policy ?? {}));
    const allowed = (tr) => STEPS.filter((s) => !(tr === 'period_ended' && s === 'do'));
    const rule = (plan, tr) => chosen.get(`${plan}.${tr}`) ?? { step: defaultStep(tr), grace_days: null };
    function policyView() {
      return {
        cells: PLANS.flatMap((plan) => TRANSITIONS.map((transition) => ({ plan, transition, ...rule(plan, transition), chosen: chosen.has(`${plan}.${transition}`) }))),
        transitions: TRANSITIONS.map((transition) => ({ transition, allowed: allowed(transition), grace: transition === 'payment_failed', action: ACTION[transition] })),
        export_available: false,
      };
    }
    function refusePolicy() {
      if (!B.policyRefused) return;
      const p = { right: 'ändra registrets inställningar', right_en: "change the register's settings", person: B.policyRefused };
      throw { ...apiError('forbidden', `Inloggningen ${p.person} saknar rätten att ${p.right}; en ägare (owner) av det delade registret kan ge den`), params: p };
    }
    const invalid = (field, code, sv, en) => ({
      ...apiError('validation', `${field}: ${sv}`, [{ field, code, text: code, message: sv, params: {} }]),
      params: { problems: sv, problems_en: en },
    });

    const commands = {
      billing_policy: () => policyView(),
      billing_policy_set: ({ plan, transition, step }) => {
        if (!allowed(transition).includes(step))
          throw invalid('step', 'billing_teardown_never_do', 'En avveckling görs aldrig automatiskt: välj ingenting, meddela eller erbjud', 'A teardown is never done on its own: choose nothing, tell or offer');
        refusePolicy();
        chosen.set(`${plan}.${transition}`, { ...rule(plan, transition), step });
        return policyView();
      },
      billing_policy_grace: ({ plan, days }) => {
        if (days !== null && !(Number.isInteger(days) && days >= 0))
          throw invalid('grace_days', 'billing_grace_negative', 'Anståndet är ett antal dagar, 0 eller fler (0 gör steget direkt), eller inget: tills Stripe ger upp', 'The grace is a number of days, 0 or more (0 acts at once), or none: until Stripe gives up');
        refusePolicy();
        chosen.set(`${plan}.payment_failed`, { ...rule(plan, 'payment_failed'), grace_days: days });
        return policyView();
      },
      billing_column: () => {
        const r = compare();
        const slugs = [...new Set([...Object.keys(r.linked), ...r.findings.map((f) => f.slug), ...Object.keys(B.waiting ?? {})])].sort();
        return slugs.map((slug) => {
          const v = r.linked[slug];
          return {
            slug,
            linked: !!v,
            status: v?.status ?? null,
            cancel_at_period_end: !!v?.cancel_at_period_end,
            next_payment: v?.next_payment ?? null,
            failing: !!v?.last_failure,
            findings: r.findings.filter((f) => f.slug === slug).length,
            waiting: waiting(slug).length,
          };
        });
      },
      billing_customer: ({ slug }) => {
        const c = customers().find((x) => x.slug === slug);
        if (!c) throw apiError('customer_not_found', `Kunden ${slug} finns inte`);
        const r = compare();
        return {
          slug,
          link: r.links[slug] ?? null,
          subscription: r.linked[slug] ?? null,
          cancelled_at: c.cancelled_at ?? null,
          findings: r.findings.filter((f) => f.slug === slug),
          waiting: waiting(slug),
        };
      },
      billing_settle: ({ id, dismissed }) => {
        if (settled.has(id)) return false;
        settled.set(id, dismissed ? 'dismissed' : 'done');
        return true;
      },
      // The account's subscriptions a person may link a customer to (crates/fabrik-billing/src/billing/candidates.rs):
      // CONFIG.billing.account [{ id, name, email, status, amount, interval }], the ones with
      // the customer's email, then its name, first; the ended left out.
      billing_candidates: ({ slug }) => {
        if (B.noStripe) throw apiError('missing_tokens', 'Token saknas för Stripe; spara dem under Inställningar → Inloggningsuppgifter');
        const c = customers().find((x) => x.slug === slug);
        if (!c) throw apiError('customer_not_found', `Kunden ${slug} finns inte`);
        const plain = (n) => String(n ?? '').toLowerCase().replace(/[^\p{L}\p{N} ]/gu, '').split(/\s+/).filter((w) => w && w !== 'ab').join(' ');
        const own = ownLinks();
        const owner = (id) => customers().find((x) => x.slug !== slug && own[x.slug] === id)?.name ?? null;
        const rank = { email: 0, name: 1, none: 2 };
        return (B.account ?? [])
          .filter((a) => !ENDED.includes(a.status))
          .map((a) => ({
            subscription: a.id, payer_name: a.name ?? null, payer_email: a.email ?? null, status: a.status,
            amount: a.amount ?? null, currency: a.amount == null ? null : 'sek', interval: a.interval ?? 'month',
            matched: a.email && a.email.toLowerCase() === c.admin_email.toLowerCase() ? 'email' : a.name && plain(a.name) === plain(c.name) ? 'name' : 'none',
            linked_to: owner(a.id),
          }))
          .sort((x, y) => rank[x.matched] - rank[y.matched]);
      },
      billing_link: ({ slug, subscription }) => {
        const a = (B.account ?? []).find((x) => x.id === subscription);
        if (!a) throw apiError('provider_error', `Stripe: No such subscription: '${subscription}'`);
        const taken = customers().find((x) => x.slug !== slug && ownLinks()[x.slug] === subscription);
        if (taken) throw apiError('invalid_setting', `Ogiltig inställning usage.stripe_subscriptions: prenumerationen är redan länkad till ${taken.name}; ta bort den länken först`);
        const kept = Object.entries(ownLinks()).filter(([s]) => s !== slug).map(([s, l]) => `${s}=${l}`);
        settings()[LINKS] = [...kept, `${slug}=${subscription}`].join(', ');
        const c = customers().find((x) => x.slug === slug);
        subs[slug] = { status: a.status, plan: c.plan };
        return commands.billing_customer({ slug });
      },
      billing_reconcile: () => {
        if (B.noStripe) throw apiError('missing_tokens', 'Token saknas för Stripe; spara dem under Inställningar → Inloggningsuppgifter');
        const r = compare();
        return { subscriptions: Object.keys(r.linked).length + 1, customers: delivered().length, findings: r.findings, unlinked: [], linked: r.linked, problems: [] };
      },
    };
    return commands;
  };
})();
