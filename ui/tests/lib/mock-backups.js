// The fake backend's backups: the workflows' (a version per backup, committed to Gitea when it
// changed, and a restore), the database's list and each instance's newest ages, and a recovery
// with Supabase's own backups (crates/fabrik-provision/src/provision/steps/workflows.rs, crates/fabrik-store/src/store/workflow_backups.rs,
// crates/fabrik-database/src/database/recovery.rs). Classic script; mock-backend.js calls `__fabrikMockBackups`.
(function () {
  'use strict';

  window.__fabrikMockBackups = function (fake) {
    const { CONFIG, state, apiError, notFound, coreError, ENVIRONMENT, iso, hoursAgo, fakeSha, byslug, settingValue, starts } = fake;
    const { RUN_KIND_STEPS, ACTIVE, R, newRun, play, playDayTwo, ref20 } = fake;
    const { coded } = fake.rules;

    // ---------- workflow backups (crates/fabrik-provision/src/provision/steps/workflows.rs, crates/fabrik-store/src/store/workflow_backups.rs) ----------
    // Each customer's workflow has a content version; a backup commits when it differs from the
    // last one backed up, and when nothing changed records `changed: 0` with the commit that
    // already holds the file (crates/fabrik-store/src/store/workflow_backups.rs). A restore backs the
    // current one up first (`before_restore`), then the workflow holds the version restored.
    // CONFIG.workflowBackups: { slug: [{ hours_ago, reason?, unchanged? }] } (oldest first) seeds
    // the register; CONFIG.workflowEdited: [slug] says the workflow changed since its last backup;
    // CONFIG.databaseBackups: { slug: hours_ago } the newest database backup (for backup_ages);
    // CONFIG.giteaNotSet: the Gitea address or token is missing (the backup step fails).
    const WB = { rows: {}, nextId: 1, content: {}, backedUp: {} };
    window.__mockWorkflowBackups = WB;
    const backupRepo = () => settingValue('backup.repository') || 'ops-hub/client-backups';
    function workflowFile(c, content) {
      const id = c.instance.n8n_workflow_id || `wf-${c.slug}`;
      return { workflow: id, name: `${c.slug} – välkomstflöde`, path: `${c.slug}/workflows/${id}.json`, blob: fakeSha(content * 7919 + 1), active: c.status === 'active' };
    }
    function recordWorkflowBackup(c, reason, runId, takenAt = iso()) {
      const list = (WB.rows[c.slug] ||= []);
      const content = WB.content[c.slug] ?? 0;
      const changed = WB.backedUp[c.slug] !== content;
      const id = WB.nextId++;
      // Nothing changed: no commit, and the version names the commit that already holds the file.
      const holding = [...list].reverse().find((r) => r.changed > 0)?.commit_sha ?? null;
      const row = {
        id, customer_id: c.id, environment: ENVIRONMENT, run_id: runId, target: 'gitea', repository: backupRepo(),
        commit_sha: changed ? fakeSha(id) : holding, files: [workflowFile(c, content)], changed: changed ? 1 : 0, reason, taken_at: takenAt,
      };
      row.content = content;
      list.push(row);
      WB.backedUp[c.slug] = content;
      return row;
    }
    for (const [slug, seeds] of Object.entries(CONFIG.workflowBackups || {})) {
      const c = byslug(slug);
      if (!c) continue;
      for (const seed of seeds) {
        if (!seed.unchanged) WB.content[slug] = (WB.content[slug] ?? -1) + 1;
        recordWorkflowBackup(c, seed.reason || 'scheduled', null, hoursAgo(seed.hours_ago ?? 1));
      }
    }
    for (const slug of CONFIG.workflowEdited || []) WB.content[slug] = (WB.content[slug] ?? 0) + 1;
    const publicRow = ({ content, ...row }) => JSON.parse(JSON.stringify(row));
    /** A workflow run: `n8n.backup` (and `n8n.restore`), then `after`; Gitea missing fails the backup. */
    function playWorkflowRun(c, kind, after) {
      const open = R.runs.filter((r) => r.customer_id === c.id).sort((a, b) => b.id - a.id)[0];
      if (open && ACTIVE.includes(open.state)) return { run_id: open.id, already_running: true, driven_by: open.seat ?? null };
      const keys = RUN_KIND_STEPS[kind];
      const run = newRun(c, kind, keys);
      const started = { type: 'run_started', run_id: run.id, slug: c.slug, resumed: false };
      if (CONFIG.giteaNotSet) {
        const params = { missing: 'Gitea-adressen eller token', missing_en: 'the Gitea address or token' };
        const failed = { type: 'step_failed', run_id: run.id, step: 'n8n.backup', code: 'gitea_not_set', message: coded('gitea_not_set', params).sv, params };
        void play(run.id, [started, { type: 'step_started', run_id: run.id, step: 'n8n.backup', attempt: 1 }, failed, { type: 'run_finished', run_id: run.id, state: 'failed', error: coded('gitea_not_set', params) }]);
        return { run_id: run.id, already_running: false, driven_by: null };
      }
      void (async () => {
        await play(run.id, [started, { type: 'step_started', run_id: run.id, step: 'n8n.backup', attempt: 1 }]);
        const row = recordWorkflowBackup(c, kind === 'workflow_restore' ? 'before_restore' : 'on_demand', run.id);
        await play(run.id, [{ type: 'step_done', run_id: run.id, step: 'n8n.backup', outcome: 'done', external_id: row.commit_sha, duration_ms: 40 }]);
        if (kind === 'workflow_restore') {
          await play(run.id, [{ type: 'step_started', run_id: run.id, step: 'n8n.restore', attempt: 1 }]);
          after();
          await play(run.id, [{ type: 'step_done', run_id: run.id, step: 'n8n.restore', outcome: 'done', external_id: null, duration_ms: 40 }]);
        }
        await play(run.id, [{ type: 'run_finished', run_id: run.id, state: 'succeeded', error: null }]);
      })();
      return { run_id: run.id, already_running: false, driven_by: null };
    }
    starts.workflow_backup = ({ slug }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      if (!c.instance.production_url) throw apiError('not_provisioned', `${slug} har ingen levererad instans i den här miljön att uppdatera; provisionera kunden först.`);
      return playWorkflowRun(c, 'workflow_backup', () => {});
    };
    starts.workflow_restore = ({ slug, version }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      const v = (WB.rows[slug] || []).find((r) => r.id === version && r.commit_sha);
      if (!v) {
        const params = { version: String(version), workflow: c.instance.n8n_workflow_id || '?', slug };
        throw { ...apiError('workflow_version_not_found', coded('workflow_version_not_found', params).sv), params };
      }
      return playWorkflowRun(c, 'workflow_restore', () => {
        WB.content[slug] = v.content;
      });
    };

    // ---------- recovery with Supabase's backups (crates/fabrik-database/src/database/recovery.rs) ----------
    // CONFIG.recovery: { slug: 'pitr' | 'physical' | 'free' }; everyone else is on the free plan.
    // PITR: any second of the last seven days (to a minute ago); physical: the daily backups'
    // own times only. A recover run: Fabrik's backup, `supabase.recover`, `supabase.verify`.
    const RV = { recovered: {} };
    window.__mockRecovery = RV;
    const DAY = 86_400;
    function recoveryOf(c) {
      const plan = (CONFIG.recovery || {})[c.slug] || 'free';
      const nowS = Math.floor(Date.now() / 1000);
      const ref = c.instance.supabase_project_ref || ref20(c.slug);
      const daily = (n) => {
        const d = new Date();
        d.setUTCHours(2, 0, 0, 0);
        if (d.getTime() > Date.now()) d.setUTCDate(d.getUTCDate() - 1);
        d.setUTCDate(d.getUTCDate() - n);
        return d;
      };
      const backups = plan === 'free' ? [] : [6, 5, 4, 3, 2, 1, 0].map((n, i) => {
        const d = daily(n);
        return { id: 9000 + i, status: 'COMPLETED', inserted_at: d.toISOString().replace('Z', '').replace('.000', '.000000'), at: Math.floor(d.getTime() / 1000) };
      });
      if (plan === 'free') {
        return { slug: c.slug, project_ref: ref, pitr_enabled: false, physical_enabled: false, available: false, earliest: null, latest: null, schedule: null, backups: [], note: coded('recovery_not_on_plan', { slug: c.slug }) };
      }
      const pitr = plan === 'pitr';
      const times = backups.map((b) => b.at);
      return {
        slug: c.slug, project_ref: ref, pitr_enabled: pitr, physical_enabled: true, available: true,
        earliest: pitr ? nowS - 7 * DAY : Math.min(...times), latest: pitr ? nowS - 60 : Math.max(...times),
        schedule: '02:00:00', backups, note: null,
      };
    }
    const moment = (at) => new Date(at * 1000).toISOString().replace('.000Z', 'Z');
    starts.recover = ({ slug, target, confirmation }) => {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      if (String(confirmation ?? '').trim() !== slug) throw coreError('not_confirmed', {});
      const v = recoveryOf(c);
      if (!v.available) throw coreError('recovery_not_on_plan', { slug });
      if (typeof target !== 'number' || !Number.isInteger(target)) throw coreError('moment_invalid', { value: String(target) });
      if (target < v.earliest || target > v.latest) throw coreError('recovery_outside_window', { slug, at: moment(target), earliest: moment(v.earliest), latest: moment(v.latest) });
      if (!v.pitr_enabled && !v.backups.some((b) => b.at === target)) throw coreError('recovery_no_backup_at', { slug, times: v.backups.map((b) => `${moment(b.at)} (${b.at})`).join(', ') });
      return playDayTwo(c, 'recover', RUN_KIND_STEPS.recover, () => {
        RV.recovered[slug] = target;
      });
    };

    const backupCommands = {
      workflow_backups: ({ slug }) => {
        if (!byslug(slug)) throw notFound(slug);
        return (WB.rows[slug] || []).map(publicRow).reverse();
      },
      backup_ages: () => {
        const raw = settingValue('backup.alert_hours');
        const limit = raw == null || raw === '' ? 48 : Number(raw);
        const old = (at) => !at || Date.now() - Date.parse(at) > limit * 3_600_000;
        return state.customers
          .filter((c) => c.instance.production_url)
          .map((c) => {
            const rows = WB.rows[c.slug] || [];
            const workflows_at = rows.length ? rows.map((r) => r.taken_at).sort().at(-1) : null;
            const h = (CONFIG.databaseBackups || {})[c.slug];
            const database_at = h == null ? null : hoursAgo(h);
            return { slug: c.slug, database_at, workflows_at, stale: limit > 0 && (old(database_at) || old(workflows_at)) };
          });
      },
      backups: ({ slug }) => {
        if (!byslug(slug)) throw notFound(slug);
        return JSON.parse(JSON.stringify((CONFIG.backups || {})[slug] || []));
      },
      recovery: ({ slug }) => {
        const c = byslug(slug);
        if (!c) throw notFound(slug);
        return recoveryOf(c);
      },
    };
    return { commands: backupCommands, playWorkflowRun };
  };
})();
