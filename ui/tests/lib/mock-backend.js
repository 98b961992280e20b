// A small, faithful in-memory fake of the Rust command surface (src/api/mod.rs), installed in the
// page through `mockIPC` before the app loads. Classic script: it runs as an init script, with
// `window.__TAURI_MOCKS__` (mockIPC, mockWindows), `window.__FABRIK_MOCK_CONFIG__`, the core's rules
// `window.__FABRIK_CORE_RULES__` (tests/fixtures/core-rules.json) and their interpreter
// `window.__fabrikMockRules` (mock-rules.js) set before it.
// It holds what every area of the fake shares (the configuration, the errors, the texts, the
// clock and the session's state) and calls each area's script, set before it too (harness.mjs,
// FAKE_BACKEND_FILES), in the order below: each gets `fake`, what the areas before it share, and
// answers its commands and what it shares in turn (mock-customers.js, mock-runs.js …).
// State lives in sessionStorage so a reload keeps it (preferences always, customers when small).
(function () {
  'use strict';
  const CONFIG = window.__FABRIK_MOCK_CONFIG__ || {};
  const KEY = 'fabrik-mock-state';
  const LATENCY = CONFIG.latency ?? 3;
  const BASE_TIME = Date.parse('2025-01-06T09:00:00Z');

  // The customer rules (manifest, plans, statuses, slugs, field checks, messages) are the core's:
  // mock-rules.js interprets ui/tests/fixtures/core-rules.json, which the harness injects first.
  const rules = window.__fabrikMockRules(window.__FABRIK_CORE_RULES__);
  const { MANIFEST, coded } = rules;

  // ---------- errors (mirrors crates/fabrik-base/src/error.rs) ----------
  function apiError(code, message, fields = []) {
    return { code, message, fields };
  }
  const validation = (fields) => apiError('validation', fields.map((e) => `${e.field}: ${e.message}`).join('; '), fields);
  const notFound = (slug) => apiError('customer_not_found', `Kunden '${slug}' finns inte`);
  const coreError = (code, params) => ({ ...apiError(code, coded(code, params).sv), params });
  /** A field's problem, worded as the core words it. */
  const problem = (field, code, params) => ({ field, code, text: code, message: coded(code, params).sv, params });
  /** A sentence in both languages, as the core stores and sends them (`Text`). */
  function T(sv, en = sv) {
    return typeof sv === 'object' && sv !== null ? sv : { sv, en };
  }
  /** The environment this window works in (src/api/cloud.rs); its own cards, runs and settings. */
  const ENVIRONMENT = CONFIG.environment === 'production' ? 'production' : 'sandbox';

  // ---------- clocks ----------
  const iso = () => new Date().toISOString();
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const hoursAgo = (h) => new Date(Date.now() - h * 3_600_000).toISOString();
  /** A commit-like SHA, different for every n (an LCG's hex digits, not a hash). */
  const fakeSha = (n) => {
    let x = (n * 2654435761) >>> 0;
    let out = '';
    while (out.length < 40) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      out += x.toString(16).padStart(8, '0');
    }
    return out.slice(0, 40);
  };

  // ---------- state ----------
  let state = null;
  try {
    state = JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch {
    state = null;
  }
  if (!state) state = { prefs: { language: CONFIG.language || 'sv' }, nextId: 1, tick: 0, customers: [], seeded: false, shared: CONFIG.shared ?? null };
  // Tokens: only a verdict (how the fake provider will answer) is kept, never the token.
  if (!state.creds) state.creds = {};
  if (!state.credCache) state.credCache = {};
  if (!state.settings) state.settings = { ...(CONFIG.settings || {}) };

  function now() {
    state.tick += 1;
    return new Date(BASE_TIME + state.tick * 60_000).toISOString();
  }
  function save() {
    const small = state.customers.length <= 2000;
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ ...state, customers: small ? state.customers : null }));
    } catch {
      /* storage full: state stays in memory */
    }
  }

  /** What the areas share: the above, then what each area answers besides its commands. */
  const fake = { CONFIG, BASE_TIME, rules, T, apiError, validation, notFound, coreError, problem, ENVIRONMENT, iso, sleep, hoursAgo, fakeSha, state, now, save };
  // How each kind of run starts, behind `start_run` (the core's one way in), filled by the areas.
  fake.starts = {};

  // ---------- commands ----------
  const commands = {
    app_info: () => ({ version: '0.1.0-mock', database_path: '/tmp/fabrik-mock.sqlite', schema_version: 1, customer_count: state.customers.length }),
    module_manifest: () => JSON.parse(JSON.stringify(MANIFEST)),
    get_preferences: () => ({ ...state.prefs }),
    set_language: ({ language }) => {
      if (language !== 'sv' && language !== 'en') throw apiError('invalid_args', `unknown variant ${language}`);
      state.prefs.language = language;
      return { ...state.prefs };
    },
    open_external: ({ url }) => {
      let ok = false;
      try {
        const u = new URL(url);
        ok = u.protocol === 'https:' && !!u.hostname;
      } catch {
        ok = false;
      }
      if (!ok) throw apiError('unsafe_link', `Bara https-länkar kan öppnas: ${String(url).slice(0, 200)}`);
      return null;
    },
  };
  /** Calls an area's script with what the areas before it share; keeps what it shares, and its commands. */
  function area(factory) {
    const { commands: own, ...shared } = factory(fake);
    Object.assign(fake, shared);
    Object.assign(commands, own);
  }
  area(window.__fabrikMockCustomers);
  area(window.__fabrikMockSettings);
  area(window.__fabrikMockRuns);
  const { byslug, playDayTwo, RUN_KIND_STEPS, R, newRun } = fake;
  // A handover: its status, its withdrawal and its run (mock-handover.js).
  const handover = window.__fabrikMockHandover({ CONFIG, byslug, notFound, apiError, playDayTwo, steps: RUN_KIND_STEPS.handover });
  fake.starts.handover = handover.start;
  area(window.__fabrikMockInstances);
  area(window.__fabrikMockBackups);
  area(window.__fabrikMockDeployments);
  area(window.__fabrikMockTeam);
  area(window.__fabrikMockRollouts);
  area(window.__fabrikMockRegister);
  area(window.__fabrikMockSetup);
  area(window.__fabrikMockSchedule);
  area(window.__fabrikMockUpdate);
  area(window.__fabrikMockIntake);
  area(window.__fabrikMockExports);
  // Usage, cost and the price book (mock-usage.js).
  Object.assign(commands, window.__fabrikMockUsage({ CONFIG, customers: () => state.customers, apiError, validation }));
  // Billing beside the fleet (mock-billing.js).
  Object.assign(commands, window.__fabrikMockBilling({ CONFIG, customers: () => state.customers, settings: () => state.settings, apiError }));
  // A handover to the customer's own accounts (mock-handover.js).
  Object.assign(commands, handover.commands);
  // Översikt: what needs a person, from the fake's own state (mock-overview.js).
  Object.assign(commands, window.__fabrikMockOverview({ CONFIG, customers: () => state.customers, byslug, R, newRun, intake: () => fake.INTAKE.items, environment: ENVIRONMENT }));

  const calls = [];
  window.__mockCalls = calls;
  window.__mockState = () => JSON.parse(JSON.stringify(state.customers.length > 2000 ? { ...state, customers: state.customers.length } : state));
  window.__mockFail = {}; // cmd -> ApiError to reject with once

  const { mockIPC, mockWindows } = window.__TAURI_MOCKS__;
  mockWindows('main');
  mockIPC(async (cmd, args) => {
    // A call is logged when it is made; `settled` says its `ok`, `result` and `error` are final
    // (a test that read `ok` as soon as the call appeared read the default on a loaded machine).
    const entry = { cmd, args: JSON.parse(JSON.stringify(args ?? {})), ok: true, settled: false, at: performance.now() };
    calls.push(entry);
    try {
      if (LATENCY) await new Promise((r) => setTimeout(r, LATENCY));
      const forced = window.__mockFail[cmd];
      if (forced) {
        delete window.__mockFail[cmd];
        entry.ok = false;
        throw forced;
      }
      const fn = commands[cmd];
      if (!fn) {
        entry.ok = false;
        throw `command ${cmd} not found`;
      }
      try {
        const result = await fn(args ?? {});
        save();
        entry.result = Array.isArray(result) ? { rows: result.length } : result;
        return result;
      } catch (e) {
        entry.ok = false;
        entry.error = e;
        throw e;
      }
    } finally {
      entry.settled = true;
    }
  }, { shouldMockEvents: true });
})();
