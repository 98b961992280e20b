// UI tests for scheduled work (views/Schedule.tsx, issue #43): Inställningar → Schemalagt arbete
// installs `fabrik tick` every N minutes or at a time of day, says what the scheduler answered
// and removes it; a refusal is shown with the scheduler's own words; the last ticks say who,
// when and what, and Aktivitet shows the last one and a tick refused before the register
// answered. Built UI in headless Chromium, fake backend (CONFIG.schedule).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcCalls, launchBrowser, openApp, requireDist, startServer } from './lib/harness.mjs';

requireDist();

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(t, schedule, language) {
  const app = await openApp(browser, server.url, { schedule, ...(language ? { language } : {}) });
  t.after(async () => {
    await app.close();
  });
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id);

const NIGHTLY = {
  outcome: 'failed',
  report: {
    jobs: [
      { job: 'database_backups', state: 'done', did: ['cykel-ab', 'bageri-ab'], alerted: [], failed: [], held_by: null, ms: 2100 },
      { job: 'health_sweep', state: 'nothing', did: [], alerted: [], failed: [], held_by: null, ms: 3 },
      { job: 'backup_alert', state: 'done', did: [], alerted: ['pausad-ab'], failed: [], held_by: null, ms: 40 },
      { job: 'workflow_backups', state: 'failed', did: [], alerted: [], failed: ['bageri-ab: Gitea svarade 503'], held_by: null, ms: 900 },
    ],
  },
};

async function openSchedule(page) {
  await tid(page, 'nav-settings').click();
  await tid(page, 'schedule').waitFor();
  await tid(page, 'schedule-state').waitFor();
}

describe('scheduled work', () => {
  test('install every 30 minutes, change to a time of day, remove: each said, each sent to the core', async (t) => {
    const { page, assertClean } = await open(t, {});
    await openSchedule(page);
    assert.match(await tid(page, 'schedule-state').innerText(), /Inte installerat \(systemd \(din användartimer\)\)/);
    assert.equal(await tid(page, 'ticks-empty').count(), 1);
    await tid(page, 'schedule-every').fill('30');
    await tid(page, 'schedule-install').click();
    // A text match is a case-blind substring: 'Installerat' matched "Inte installerat" at once,
    // and on a loaded machine (the run of 2026-11-29, 18:52) the state was read before the install.
    await page.locator('[data-testid="schedule-state"]', { hasText: /^Installerat i/ }).waitFor();
    assert.match(await tid(page, 'schedule-state').innerText(), /Installerat i systemd \(din användartimer\): var 30:e minut\./);
    assert.match(await tid(page, 'schedule-says').textContent(), /fabrik-tick\.timer/);

    await tid(page, 'schedule-how-at').check();
    await tid(page, 'schedule-at').fill('02:30');
    await tid(page, 'schedule-install').click();
    await page.locator('[data-testid="schedule-state"]', { hasText: 'kl. 02:30' }).waitFor();
    const calls = await ipcCalls(page, 'schedule_install');
    assert.deepEqual(
      calls.map((c) => c.args.plan),
      [
        { every_minutes: 30, at: [] },
        { every_minutes: null, at: ['02:30'] },
      ],
    );
    await tid(page, 'schedule-remove').click();
    await page.locator('[data-testid="schedule-state"]', { hasText: 'Inte installerat' }).waitFor();
    assert.equal(await tid(page, 'schedule-remove').count(), 0);
    assertClean();
  });

  test('the scheduler refuses: its own words, and nothing shown as installed', async (t) => {
    const { page, assertClean } = await open(t, { refuse: 'schedule_failed' });
    await openSchedule(page);
    await tid(page, 'schedule-install').click();
    await tid(page, 'schedule-error').waitFor();
    assert.match(await tid(page, 'schedule-error').innerText(), /Schemaläggaren \(systemd \(användarens timer\)\) tog inte emot jobbet: systemctl --user daemon-reload: Failed to connect to bus\. Inget installerades\./);
    assert.match(await tid(page, 'schedule-state').innerText(), /Inte installerat/);
    assertClean();
  });

  test('the last ticks say who, when and what: backups, the alert and the failure named', async (t) => {
    const { page, assertClean } = await open(t, {
      plan: { every_minutes: 15, at: [] },
      ticks: [NIGHTLY, { outcome: 'refused', reason: 'keyring_locked', report: { refused: { code: 'keyring_locked', message: 'x', params: {}, fields: [] }, jobs: [] } }],
    });
    await openSchedule(page);
    const lines = tid(page, 'tick');
    assert.equal(await lines.count(), 2);
    const first = await lines.nth(0).innerText();
    // The seat by its person and computer, never `user@host #installation`.
    assert.match(first, /anna på laptop/);
    assert.doesNotMatch(first, /@|#5201dd47/);
    assert.match(first, /Något misslyckades/);
    assert.match(first, /Databaskopior: cykel-ab, bageri-ab/);
    assert.match(first, /Larm om gamla kopior \(larm: pausad-ab\)/);
    assert.match(first, /Flödeskopior — bageri-ab: Gitea svarade 503/);
    assert.doesNotMatch(first, /Hälsokontroll/, 'a job with nothing due is not listed');
    assert.match(await lines.nth(1).innerText(), /Började inte.*Nyckelringen är låst/s);
    assertClean();
  });

  test('Aktivitet shows the last tick, and a tick refused here before the register answered', async (t) => {
    const { page, assertClean } = await open(t, {
      ticks: [NIGHTLY],
      refusedHere: { at: '2026-11-26T03:00:00Z', refused: { code: 'register_unreachable', message: 'x', params: { detail: 'connection refused' }, fields: [] } },
    });
    await tid(page, 'nav-activity').click();
    await tid(page, 'last-tick').waitFor();
    const text = await tid(page, 'last-tick').innerText();
    assert.match(text, /Senaste schemalagda körningen/);
    assert.match(text, /Databaskopior: cykel-ab, bageri-ab/);
    assert.match(await tid(page, 'tick-refused-here').innerText(), /nådde inte registret/);
    assertClean();
  });

  test('in English', async (t) => {
    const { page, assertClean } = await open(t, { ticks: [NIGHTLY] }, 'en');
    await openSchedule(page);
    assert.match(await tid(page, 'schedule-state').innerText(), /Not installed \(systemd \(your user timer\)\)/);
    assert.match(await tid(page, 'tick').innerText(), /Database backups: cykel-ab, bageri-ab/);
    assert.match(await tid(page, 'tick').innerText(), /anna on laptop/);
    assertClean();
  });
});
