// The fake backend's Översikt (the shapes of src/overview/, the command of src/api/overview.rs):
// what needs a person, worked out from the fake's own state as the core's `gather` does for the
// kinds the fake keeps (a customer's newest run failed, a stopped run, a health check with
// findings, a request waiting in the inbox), most urgent and newest first, and the glance.
// CONFIG.overview: { failed?: [{ slug, kind?, error? }] seeds failed runs (a run's customer page
// shows them), items?: [AttentionItem] the list as the core would send it (its order kept,
// nothing worked out), glance?: partial OverviewGlance over the worked-out one,
// notificationsOff?: [AttentionKind] the kinds this seat turned off }.
// Classic script; mock-backend.js calls `__fabrikMockOverview`.
(function () {
  'use strict';
  const T = (sv, en = sv) => ({ sv, en });
  const RANK = { now: 0, soon: 1 };

  window.__fabrikMockOverview = function ({ CONFIG, customers, byslug, R, newRun, intake, environment }) {
    const O = CONFIG.overview || {};
    // Each kind's steps and name are the core's (ui/src/bindings.ts).
    const { RUN_KIND_STEPS: steps, RUN_KIND_LABEL: labels } = window.__FABRIK_BINDINGS__;
    // The failed runs the test asks for, as a provisioning engine would have left them.
    for (const f of O.failed || []) {
      const c = byslug(f.slug);
      if (!c) continue;
      const kind = f.kind || 'redeploy';
      const run = newRun(c, kind, steps[kind]);
      const at = new Date(Date.parse('2025-01-06T09:00:00Z') - (f.hours_ago ?? 2) * 3600_000).toISOString();
      const error = f.error || T('Vercel svarade inte.', 'Vercel did not answer.');
      Object.assign(run, { state: 'failed', error, failed_step: steps[kind][0], started_at: at, finished_at: at, heartbeat_at: at });
      Object.assign(R.steps[run.id][0], { state: 'failed', attempts: 1, error, started_at: at, finished_at: at });
    }

    const item = (kind, urgency, key, c, title, detail, since, place, id, command) => ({
      kind, urgency, key: String(key), slug: c?.slug ?? null, name: c?.name ?? null, title, detail, since, place, id, url: null, command,
    });

    function items() {
      const out = [];
      const live = customers();
      for (const c of live) {
        const newest = R.runs.filter((r) => r.customer_id === c.id).sort((a, b) => b.id - a.id)[0];
        if (!newest) continue;
        const kind = labels[newest.kind];
        if (newest.state === 'failed' || newest.state === 'rollback_failed') {
          out.push(item('run_failed', 'now', newest.id, c, T(`${kind.sv} för ${c.name} misslyckades`, `${kind.en} for ${c.name} failed`), newest.error, newest.finished_at, 'run', newest.id, `fabrik runs show ${newest.id}`));
        } else if (newest.interrupted && ['running', 'cancelling', 'rolling_back'].includes(newest.state)) {
          out.push(item('run_stuck', 'now', newest.id, c, T(`${kind.sv} för ${c.name} stannade halvvägs`, `${kind.en} for ${c.name} stopped half-way`), null, newest.heartbeat_at, 'run', newest.id, `fabrik runs resume ${newest.id}`));
        }
      }
      for (const [slug, h] of Object.entries(CONFIG.health || {})) {
        const c = byslug(slug);
        if (!c || !h || h.healthy) continue;
        const n = h.findings ?? 1;
        out.push(item('health', 'now', slug, c, T(`${c.name}: senaste kontrollen hittade ${n} fel`, `${c.name}: the last check found ${n} problems`), null, h.checked_at ?? null, 'customer', null, `fabrik repair ${slug}`));
      }
      for (const i of intake()) {
        if (i.state !== 'pending') continue;
        out.push(item('request_waiting', 'soon', i.id, null, T(`${i.name} vill bli kund`, `${i.name} wants to become a customer`), null, i.received_at, 'inbox', i.id, `fabrik intake approve ${i.id}`));
      }
      // Most urgent first, then the newest (src/overview/gather.rs).
      return out.sort((a, b) => RANK[a.urgency] - RANK[b.urgency] || String(b.since ?? '').localeCompare(String(a.since ?? '')) || a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key));
    }

    function glance(list) {
      const all = customers();
      const delivered = all.filter((c) => c.status === 'active' && c.instance?.production_url);
      const checks = delivered.map((c) => (CONFIG.health || {})[c.slug]).filter(Boolean);
      const healthy = checks.filter((h) => h.healthy).length;
      const unhealthy = checks.length - healthy;
      return {
        customers_active: all.filter((c) => c.status === 'active').length,
        customers: all.length,
        // No subscription is linked in the fake unless the test says: the money is unknown.
        revenue: [],
        cost: [],
        margin: [],
        revenue_unlinked: delivered.length,
        payments_failed: list.filter((x) => x.kind === 'payment_failed').length,
        healthy,
        unhealthy,
        unchecked: delivered.length - healthy - unhealthy,
        ...(O.glance || {}),
      };
    }

    // The desktop notifications' switches (src/overview/notices.rs): the kinds notified, each on
    // unless turned off; another kind is refused as the core refuses it.
    const NOTIFYING = ['run_failed', 'run_stuck', 'health', 'payment_failed', 'decision_waiting', 'request_waiting', 'limit_near'];
    const off = new Set(O.notificationsOff || []);
    const notificationSettings = () => NOTIFYING.map((kind) => ({ kind, on: !off.has(kind) }));

    return {
      overview: () => {
        const list = O.items ? JSON.parse(JSON.stringify(O.items)) : items();
        return { environment, items: list, glance: glance(list) };
      },
      notification_settings: () => notificationSettings(),
      set_notification: ({ kind, on }) => {
        if (!NOTIFYING.includes(kind)) {
          const reason = T(`Fabrik visar ingen notis för ${kind}: det står på Översikt.`, `Fabrik shows no notification for ${kind}: it waits on the overview.`);
          throw { code: 'invalid_setting', message: `Ogiltig inställning notifications.json: ${reason.sv}`, params: { key: 'notifications.json', reason: reason.sv, reason_en: reason.en }, fields: [] };
        }
        if (on) off.delete(kind);
        else off.add(kind);
        return notificationSettings();
      },
    };
  };
})();
