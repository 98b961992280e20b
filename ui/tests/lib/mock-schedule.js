// The fake backend's scheduled work, Schemalagt arbete (src/schedule/): the job installed with
// the system's scheduler, or refused, and the ticks it ran. Classic script; mock-backend.js calls
// `__fabrikMockSchedule`.
(function () {
  'use strict';

  window.__fabrikMockSchedule = function (fake) {
    const { CONFIG, state, apiError } = fake;

    // The scheduled jobs are the core's (`JOBS` in the generated bindings, injected by the harness).
    const JOBS = window.__FABRIK_BINDINGS__.JOBS;

    /** A tick's report as the core writes it: every job in the core's order, those the test names as
     * it says, the rest with nothing due; a refused tick did no job. A job the core lacks is refused. */
    function tickReport(t) {
      const report = t.report ?? { jobs: [] };
      if (t.outcome === 'refused') return report;
      const named = new Map((report.jobs ?? []).map((j) => [j.job, j]));
      for (const job of named.keys()) if (!JOBS.includes(job)) throw new Error(`the core has no scheduled job ${job}`);
      return { ...report, jobs: JOBS.map((job) => named.get(job) ?? { job, state: 'nothing', did: [], alerted: [], failed: [], held_by: null, ms: 0 }) };
    }

    function scheduleView() {
      const sch = CONFIG.schedule ?? {};
      if (state.schedulePlan === undefined) state.schedulePlan = sch.plan ?? null;
      const plan = state.schedulePlan;
      const files = plan ? ['/home/user/.config/systemd/user/fabrik-tick.service', '/home/user/.config/systemd/user/fabrik-tick.timer'] : [];
      return {
        installed: { scheduler: 'systemd', files, plan, scheduler_says: plan ? 'NEXT                        LEFT     LAST PASSED UNIT\nThu 2026-11-26 23:45:00 UTC 9min left -    -      fabrik-tick.timer' : null },
        ticks: (sch.ticks ?? []).map((t, i) => ({ id: 100 - i, seat: 'anna@laptop #5201dd47', person: null, who: { sv: 'anna på laptop', en: 'anna on laptop' }, started_at: '2026-11-26T02:30:04+00:00', finished_at: '2026-11-26T02:31:10+00:00', outcome: 'ok', reason: null, ...t, report: JSON.stringify(tickReport(t)) })),
        refused_here: sch.refusedHere ? JSON.stringify(sch.refusedHere) : null,
      };
    }

    const scheduleCommands = {
      // Schemalagt arbete (src/schedule/). CONFIG.schedule: { plan (installed), ticks: [partial
      // TickRow] (newest first; `report` an object), refusedHere: object, refuse: code (the
      // scheduler's answer to install) }.
      schedule_status: () => scheduleView(),
      schedule_install: ({ plan }) => {
        const sch = CONFIG.schedule ?? {};
        if (sch.refuse) throw { ...apiError(sch.refuse, 'Schemaläggaren tog inte emot jobbet'), params: { scheduler: 'systemd (användarens timer)', detail: 'systemctl --user daemon-reload: Failed to connect to bus' } };
        state.schedulePlan = plan;
        return scheduleView();
      },
      schedule_remove: () => {
        state.schedulePlan = null;
        return scheduleView();
      },
    };
    return { commands: scheduleCommands };
  };
})();
