// The fake backend's usage (the shapes of crates/fabrik-usage/src/usage/view.rs, the commands of src/api/usage.rs):
// 90 days of figures for each delivered customer, with days not reported (a collection that
// failed for the fleet, a provider that did not answer for one customer), warnings before a
// limit, a customer paid in another currency than the price book's, one without a subscription,
// one costing more than it pays. Classic script; mock-backend.js calls `__fabrikMockUsage`.
(function () {
  'use strict';
  const T = (sv, en = sv) => ({ sv, en });
  const TODAY = Date.parse('2025-01-06T00:00:00Z');
  const DAY = 86_400_000;
  const HISTORY = 90;
  const MB = 1024 * 1024; // as the core counts (crates/fabrik-usage/src/usage/figures.rs)
  // The figures and the price book's keys are the core's (the generated bindings).
  const { FIGURES, FLEET_SORTS, PRICE_KEYS } = window.__FABRIK_BINDINGS__;
  const REVENUE = { starter: 49900, professional: 149900, enterprise: 399900 };
  const FREE_DB = 500 * MB;

  /** Each example's character: its database's start and pace, and what is odd about it. */
  const PROFILES = {
    'asas-bageri-cafe-ab': { db: 120, rate: 0.6, users: 40, requests: 9000, emailsGone: 6 },
    'fjallstugan-boende': { db: 260, rate: 0.3, users: 300, requests: 40000, currency: 'eur', revenue: 34900, compute: 'ci_small' },
    'cafe-oresund': { db: 250, rate: 2.5, users: 180, requests: 25000, fit: 'professional' },
    'linkopings-blomsterhandel': { db: 30, rate: 0.05, users: 3, requests: 400, idle: true, revenue: 9900 },
    'halsohuset-i-lund': { db: 80, rate: -0.1, users: 25, requests: 3000, noSubscription: true },
  };
  const fallback = (slug) => {
    let h = 0;
    for (const ch of slug) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return { db: 50 + (h % 200), rate: ((h >> 8) % 20) / 10, users: 5 + (h % 50), requests: 1000 + (h % 9000) };
  };

  const dayOf = (g) => new Date(TODAY - (HISTORY - 1 - g) * DAY).toISOString().slice(0, 10);
  /** Days 50–52 of the 90: the collection failed for the whole fleet (nothing is known). */
  const fleetGap = (g) => g >= 50 && g <= 52;

  window.__fabrikMockUsage = function ({ CONFIG, customers, apiError, validation }) {
    const U = CONFIG.usage || {};
    const book = U.priceBook ?? {
      currency: 'sek',
      lines: [
        { key: 'supabase.compute.ci_micro', amount: 11000 },
        { key: 'supabase.compute.ci_small', amount: 16500 },
        { key: 'supabase.disk_gb', amount: 130 },
        { key: 'vercel.project', amount: 20000 },
        { key: 'resend.email_1000', amount: 1000 },
        { key: 'n8n.execution_1000', amount: 500 },
        { key: 'fabrik.instance', amount: 0 },
      ],
    };
    let prices = JSON.parse(JSON.stringify(book));
    const priceOf = (key) => prices.lines.find((l) => l.key === key)?.amount ?? 0;
    const delivered = () => customers().filter((c) => c.instance?.production_url && (c.status === 'active' || c.status === 'inactive'));

    // CONFIG.usage.never: the slugs never collected (no day has a figure).
    // The core's names of the sizes the examples use (crates/fabrik-usage/src/usage/prices.rs COMPUTE).
    const COMPUTE_NAME = { ci_micro: 'Micro', ci_small: 'Small', ci_medium: 'Medium' };
    const never = (c) => (U.never || []).includes(c.slug);
    // CONFIG.usage.since: { slug: n }, a customer collected only these last n days.
    const before = (c, g) => U.since?.[c.slug] != null && g < HISTORY - U.since[c.slug];

    function value(c, p, figure, g) {
      if (fleetGap(g) || never(c) || before(c, g)) return null;
      const db = (p.db + p.rate * g) * MB;
      const idleFrom = p.idle ? HISTORY - 6 : Infinity;
      switch (figure) {
        case 'database_bytes':
          return Math.round(db);
        case 'disk_used_bytes':
          return Math.round(db * 1.4);
        case 'disk_size_bytes':
          return 8 * 1024 * MB;
        case 'api_requests':
          return g >= idleFrom ? 0 : Math.round(p.requests * (1 + 0.3 * Math.sin(g / 3)));
        case 'auth_users':
          return Math.round(p.users + g * p.users * 0.004);
        case 'storage_bytes':
          return Math.round(db * 0.5);
        case 'deployments':
          return (g % 30) >> 3;
        case 'executions':
          return g >= idleFrom ? 0 : 40 + (g % 7) * 5;
        case 'failed_executions':
          return g % 11 === 0 ? 3 : 0;
        case 'emails_sent':
          // Resend did not answer for this customer these last days.
          return p.emailsGone && g >= HISTORY - p.emailsGone ? null : 20 + (g % 5) * 4;
        case 'revenue':
          return p.noSubscription ? null : p.revenue ?? REVENUE[c.plan];
      }
      return null;
    }

    function economics(c, p) {
      const currency = p.currency ?? 'sek';
      const revenue = p.noSubscription ? null : { amount: p.revenue ?? REVENUE[c.plan], currency };
      const g = HISTORY - 1;
      const lines = [
        { what: T(`Supabase-beräkning ${COMPUTE_NAME[p.compute ?? 'ci_micro']}`, `Supabase compute ${COMPUTE_NAME[p.compute ?? 'ci_micro']}`), amount: priceOf(`supabase.compute.${p.compute ?? 'ci_micro'}`) },
        { what: T('Supabase-disk', 'Supabase disk'), amount: Math.round((value(c, p, 'disk_size_bytes', g) / (1024 * MB)) * priceOf('supabase.disk_gb')) },
        { what: T('Vercel-projekt', 'Vercel project'), amount: priceOf('vercel.project') },
        { what: T('Mejl via Resend', 'Email through Resend'), amount: Math.round(((30 * 30) / 1000) * priceOf('resend.email_1000')) },
        { what: T('n8n-körningar', 'n8n executions'), amount: Math.round(((30 * 60) / 1000) * priceOf('n8n.execution_1000')) },
      ].map((l) => ({ what: l.what, amount: { amount: l.amount, currency: prices.currency } }));
      const cost = { amount: lines.reduce((a, l) => a + l.amount.amount, 0), currency: prices.currency };
      let margin = null;
      let margin_missing = null;
      if (!revenue) margin_missing = T('Ingen prenumeration är känd för kunden: koppla den i Inkorgen.', 'No subscription is known for the customer: link one in the Inbox.');
      else if (revenue.currency !== cost.currency)
        margin_missing = T(`Intäkten är i ${revenue.currency.toUpperCase()} och prislistan i ${cost.currency.toUpperCase()}: ingen marginal räknas.`, `The revenue is in ${revenue.currency.toUpperCase()} and the price book in ${cost.currency.toUpperCase()}: no margin is counted.`);
      else margin = { amount: revenue.amount - cost.amount, currency: cost.currency };
      return { revenue, cost, cost_lines: lines, margin, margin_missing };
    }

    function warnings(c, p) {
      const out = [];
      const db = value(c, p, 'database_bytes', HISTORY - 1);
      if (db / FREE_DB >= 0.8) {
        const left = p.rate > 0 ? Math.floor((FREE_DB - db) / (p.rate * MB)) : null;
        out.push({
          kind: 'figure',
          figure: 'database_bytes',
          share: db / FREE_DB,
          limit: FREE_DB,
          value: db,
          days_left: left,
          limit_of: 'Supabase Free',
          message: T('Databasen närmar sig gränsen för Supabase Free', "The database nears Supabase Free's limit"),
        });
      }
      if (p.idle)
        out.push({
          kind: 'idle_pause',
          figure: null,
          share: 6 / 7,
          limit: 7,
          value: 6,
          days_left: 1,
          limit_of: 'Supabase Free',
          message: T('Projektet pausas av Supabase om det står stilla en dag till', 'Supabase pauses the project if it idles one more day'),
        });
      return out;
    }

    const fit = (c, p) =>
      p.fit ? { pays: c.plan, uses_like: p.fit, message: T(`Använder som ${p.fit}, betalar ${c.plan}`, `Uses like ${p.fit}, pays ${c.plan}`) } : null;
    const collectedAt = (p) => (p ? new Date(TODAY + 3 * 3600_000).toISOString() : null);
    const span = (days) => {
      const n = Math.max(1, Math.min(HISTORY, Number(days) || HISTORY));
      return Array.from({ length: n }, (_, i) => HISTORY - n + i);
    };

    function customerUsage(c, days) {
      const p = PROFILES[c.slug] ?? fallback(c.slug);
      const gs = span(days);
      return {
        slug: c.slug,
        name: c.name,
        plan: c.plan,
        collected_at: never(c) ? null : collectedAt(p),
        latest: FIGURES.map((f) => {
          const g = [...gs].reverse().find((x) => value(c, p, f, x) !== null);
          return { figure: f, value: g === undefined ? null : value(c, p, f, g), day: g === undefined ? null : dayOf(g) };
        }),
        series: FIGURES.filter((f) => f !== 'revenue').map((f) => ({ figure: f, points: gs.map((g) => ({ day: dayOf(g), value: value(c, p, f, g) })) })),
        compute: p.compute ?? 'ci_micro',
        economics: economics(c, p),
        fit: fit(c, p),
        warnings: warnings(c, p),
        problems: p.emailsGone ? [T('Resend: svarade 503 vid senaste avläsningen', 'Resend: answered 503 at the last collection')] : [],
      };
    }

    const byCurrency = (list) => {
      const sums = new Map();
      for (const m of list) if (m) sums.set(m.currency, (sums.get(m.currency) ?? 0) + m.amount);
      return [...sums].sort().map(([currency, amount]) => ({ amount, currency }));
    };

    /** The core's orders (crates/fabrik-usage/src/usage/order.rs), as the backend hands them: rows' indexes. */
    function orders(rows) {
      const share = (r) => {
        const { margin, revenue } = r.economics;
        if (!margin || !revenue) return null;
        return revenue.amount > 0 ? margin.amount / revenue.amount : margin.amount < 0 ? -Infinity : 0;
      };
      const keys = {
        margin: (r) => (share(r) === null ? null : [share(r), r.economics.margin.amount]),
        limit: (r) => (r.nearest ? [r.nearest.days_left ?? Infinity, -r.nearest.share] : null),
        growth: (r) => (r.growth === null ? null : [-r.growth, 0]),
      };
      return FLEET_SORTS.map((sort) => {
        const k = rows.map(keys[sort]);
        const at = rows.map((_, i) => i);
        at.sort((a, b) => {
          if (!k[a] || !k[b]) return (k[a] ? 0 : 1) - (k[b] ? 0 : 1);
          for (let i = 0; i < 2; i++) if (k[a][i] !== k[b][i]) return k[a][i] < k[b][i] ? -1 : 1;
          return 0;
        });
        return { sort, rows: at };
      });
    }

    function fleet(days) {
      const rows = delivered().map((c) => {
        const u = customerUsage(c, days);
        const db = u.series.find((s) => s.figure === 'database_bytes').points.map((x) => x.value);
        const known = db.filter((v) => v !== null);
        const nearest = [...u.warnings].sort((a, b) => (a.days_left ?? 1e9) - (b.days_left ?? 1e9) || b.share - a.share)[0] ?? null;
        return {
          slug: c.slug,
          name: c.name,
          plan: c.plan,
          status: c.status,
          collected_at: u.collected_at,
          economics: u.economics,
          nearest,
          warnings: u.warnings.length,
          growth: known.length > 1 ? known[known.length - 1] / known[0] - 1 : null,
          fit: u.fit,
          database: db,
        };
      });
      const e = rows.map((r) => r.economics);
      return { rows, orders: orders(rows), revenue: byCurrency(e.map((x) => x.revenue)), cost: byCurrency(e.map((x) => x.cost)), margin: byCurrency(e.map((x) => x.margin)), days: Number(days) };
    }

    let exports = 0;
    return {
      usage_fleet: ({ days }) => fleet(days),
      usage_customer: ({ slug, days }) => {
        const c = customers().find((x) => x.slug === slug);
        if (!c) throw apiError('customer_not_found', `Kunden '${slug}' finns inte`);
        return customerUsage(c, days);
      },
      usage_csv: ({ days }) => {
        exports += 1;
        return { path: `/home/user/Hämtningar/fabrik-usage-${days}d-${exports}.csv`, count: delivered().length };
      },
      // What the tick's job does (crates/fabrik-metering/src/metering/collect.rs): every delivered instance read, one
      // with a provider that did not answer.
      collect_usage: () => ({
        read: delivered().length,
        partial: 1,
        failed: 0,
        skipped: 0,
        problems: [T('asas-bageri-cafe-ab: Resend svarade 503', 'asas-bageri-cafe-ab: Resend answered 503')],
      }),
      price_book: () => JSON.parse(JSON.stringify(prices)),
      set_price_book: ({ book: next }) => {
        // The core's checks (crates/fabrik-usage/src/usage/prices.rs): a currency of three letters, known keys, amounts ≥ 0.
        if (!/^[a-z]{3}$/.test(next.currency)) throw validation([{ field: 'currency', code: 'invalid_setting', text: 'invalid_setting', message: 'Ogiltig valuta', params: {} }]);
        if (next.lines.some((l) => !PRICE_KEYS.includes(l.key) || !Number.isSafeInteger(l.amount) || l.amount < 0))
          throw validation([{ field: 'lines', code: 'invalid_setting', text: 'invalid_setting', message: 'Ogiltigt belopp', params: {} }]);
        prices = JSON.parse(JSON.stringify(next));
        return JSON.parse(JSON.stringify(prices));
      },
    };
  };
})();
