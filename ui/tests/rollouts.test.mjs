// "Utrullningar": the view's own logic (src/state/rollouts.ts, loaded through esbuild), then the
// built view in Chromium against the fake backend's roll-outs (lib/mock-rollouts.js: waves, the
// halt rule, pause and abort as src/services/rollouts.rs and src/fleet.rs have them). Run
// `npm run build` first.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { ipcCalls, openApp, requireDist, sharedBrowser } from './lib/harness.mjs';

const source = readFileSync(new URL('../src/state/rollouts.ts', import.meta.url), 'utf8');
const { code } = transformSync(source, { loader: 'ts', format: 'esm' });
const logic = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

const T = (sv, en = sv) => ({ sv, en });
const row = (patch = {}) => ({
  id: 7,
  environment: 'sandbox',
  source: 'dir:/srv/mall/supabase/migrations',
  state: 'running',
  wave: 1,
  halt_share: 0.2,
  halt_reason: null,
  created_at: '2026-01-02T10:00:00Z',
  created_by: null,
  updated_at: '2026-01-02T10:00:00Z',
  ...patch,
});
const member = (slug, patch = {}) => ({
  customer_id: slug.length,
  slug,
  name: slug.toUpperCase(),
  wave: 0,
  state: 'pending',
  reason: null,
  run_id: null,
  version_before: '20250101000000',
  version_after: null,
  ...patch,
});
const wave = (index, counts) => {
  const w = { index, pending: 0, running: 0, done: 0, failed: 0, skipped: 0, ...counts };
  return { ...w, total: w.pending + w.running + w.done + w.failed + w.skipped };
};

describe('roll-out logic', () => {
  test('buttons per state: start a plan, pause a run, continue a pause or a halt, abort anything unfinished', () => {
    assert.deepEqual(logic.actionsFor('planned'), ['start', 'abort']);
    assert.deepEqual(logic.actionsFor('running'), ['pause', 'abort']);
    assert.deepEqual(logic.actionsFor('paused'), ['resume', 'abort']);
    assert.deepEqual(logic.actionsFor('halted'), ['resume', 'abort']);
    assert.deepEqual(logic.actionsFor('aborted'), []);
    assert.deepEqual(logic.actionsFor('done'), []);
    // Driven by this window already: no second "Fortsätt".
    assert.deepEqual(logic.actionsFor('paused', true), ['abort']);
  });

  test('wave progress counts every finished instance; the current wave is marked; a halted wave says so', () => {
    assert.deepEqual(logic.waveProgress(wave(0, { done: 2, failed: 1, skipped: 1, running: 1, pending: 3 })), { finished: 4, total: 8, percent: 50 });
    assert.deepEqual(logic.waveProgress(wave(0, {})), { finished: 0, total: 0, percent: 0 });
    const r = row({ state: 'running', wave: 1 });
    assert.equal(logic.waveStatus(r, wave(0, { done: 1 })), 'done');
    assert.equal(logic.waveStatus(r, wave(1, { done: 1, pending: 2 })), 'current');
    assert.equal(logic.waveStatus(r, wave(2, { pending: 5 })), 'pending');
    assert.equal(logic.waveStatus(row({ state: 'halted', wave: 1 }), wave(1, { done: 1, failed: 3 })), 'halted');
    assert.equal(logic.waveStatus(row({ state: 'done', wave: 2 }), wave(1, { done: 3, failed: 1 })), 'failed');
    assert.equal(logic.waveStatus(row({ state: 'planned', wave: 0 }), wave(0, { pending: 1 })), 'pending');
    assert.equal(logic.currentWave(row({ state: 'paused', wave: 2 })), 2);
    assert.equal(logic.currentWave(row({ state: 'done', wave: 2 })), null);
  });

  test('live while running, and while this window’s driver still holds it', () => {
    const v = (state, members) => ({ rollout: row({ state }), files: [], waves: [], members });
    assert.equal(logic.isLive(v('running', []), false), true);
    assert.equal(logic.isLive(v('paused', [member('a', { state: 'running' })]), true), true);
    assert.equal(logic.isLive(v('paused', [member('a', { state: 'running' })]), false), false);
    assert.equal(logic.isLive(v('halted', [member('a', { state: 'failed' })]), false), false);
    assert.equal(logic.isLive(v('done', []), false), false);
  });

  test('the plan: instances per wave, the skipped with their reason, the already current apart', () => {
    const drift = T('Historiken har versioner som filerna saknar: 20240101000000');
    const view = {
      rollout: row({ state: 'planned', wave: 0 }),
      files: [],
      waves: [wave(0, { pending: 1, skipped: 1, done: 1 }), wave(1, { pending: 2 })],
      members: [
        member('drifted', { state: 'skipped', reason: drift }),
        member('current', { state: 'done', reason: T('Redan aktuell') }),
        member('canary'),
        member('b', { wave: 1 }),
        member('c', { wave: 1 }),
      ],
    };
    const parts = logic.planParts(view);
    assert.deepEqual(
      parts.waves.map((w) => [w.index, w.members.map((m) => m.slug)]),
      [
        [0, ['canary']],
        [1, ['b', 'c']],
      ],
    );
    assert.deepEqual(parts.skipped.map((m) => [m.slug, m.reason]), [['drifted', drift]]);
    assert.deepEqual(parts.current.map((m) => m.slug), ['current']);
    assert.equal(logic.toMigrate(view), 3);
  });

  test('a wave lists its failures first', () => {
    const view = { rollout: row(), files: [], waves: [], members: [member('z', { state: 'done' }), member('y', { state: 'failed' }), member('x', { state: 'pending' })] };
    assert.deepEqual(logic.waveMembers(view, 0).map((m) => m.slug), ['y', 'x', 'z']);
  });

  test('files an instance lacks, from the newest version of its history', () => {
    const files = [{ version: '20250101000000' }, { version: '20250201000000' }, { version: '20250301000000' }].map((f) => ({ ...f, name: 'x', sha256: 'ab' }));
    assert.equal(logic.filesLacking({ schema_version: '20250101000000' }, files), 2);
    assert.equal(logic.filesLacking({ schema_version: '20250301000000' }, files), 0);
    assert.equal(logic.filesLacking({ schema_version: '1' }, files), 3);
    assert.equal(logic.filesLacking({ schema_version: null }, files), null);
    assert.equal(logic.filesLacking({ schema_version: '1' }, []), null);
    const sorted = logic.behindFirst(
      [
        { slug: 'a', name: 'A', schema_version: '20250301000000' },
        { slug: 'b', name: 'B', schema_version: null },
        { slug: 'c', name: 'C', schema_version: '20250101000000' },
      ],
      files,
    );
    assert.deepEqual(sorted.map((i) => i.slug), ['c', 'b', 'a']);
  });

  test('the form: a folder or a ref (empty is the default branch), the halt share in per cent', () => {
    assert.deepEqual(logic.sourceFrom('dir', '  /x/y ', ''), { kind: 'dir', path: '/x/y' });
    assert.equal(logic.sourceFrom('dir', '  ', ''), null);
    assert.deepEqual(logic.sourceFrom('ref', '', ' v2 '), { kind: 'ref', ref: 'v2' });
    assert.deepEqual(logic.sourceFrom('ref', '', ''), { kind: 'ref', ref: null });
    assert.equal(logic.haltShareFrom('20'), 0.2);
    assert.equal(logic.haltShareFrom('12,5 %'), 0.125);
    assert.equal(logic.haltShareFrom('0'), 0);
    assert.equal(logic.haltShareFrom('101'), null);
    assert.equal(logic.haltShareFrom('-1'), null);
    assert.equal(logic.haltShareFrom('tjugo'), null);
    assert.deepEqual(logic.sourceOf('ref:byran/mall@main'), { kind: 'ref', place: 'byran/mall@main' });
    assert.equal(logic.shortSha('0123456789abcdef0123'), '0123456789ab');
  });
});

// ---------- the view, in the browser ----------

requireDist();

const FOLDER = '/srv/byran/mall/supabase/migrations';
const FILES = [
  { version: '20250101000000', name: 'baseline', sha256: 'a1'.repeat(32) },
  { version: '20250301000000', name: 'orders', sha256: 'b2'.repeat(32) },
  { version: '20250401000000', name: 'invoices', sha256: 'c3'.repeat(32) },
];
// The examples' five delivered instances (asas-bageri-cafe-ab, cafe-oresund, fjallstugan-boende,
// halsohuset-i-lund, linkopings-blomsterhandel).
const VERSIONS = {
  'asas-bageri-cafe-ab': '20250101000000',
  'cafe-oresund': '20250101000000',
  'fjallstugan-boende': '20250401000000',
  'halsohuset-i-lund': '20250101000000',
  'linkopings-blomsterhandel': '20250301000000',
};
const DRIFT = T('Historiken har versioner som filerna saknar: 20241224000000', 'The history holds versions the files do not: 20241224000000');

const shared = sharedBrowser();

async function open(t, rollouts = {}, config = {}) {
  const app = await openApp(shared.browser, shared.server.url, { examples: true, rollouts: { folders: { [FOLDER]: FILES }, versions: VERSIONS, delay: 120, ...rollouts }, ...config });
  t.after(() => app.close());
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  await app.page.getByTestId('nav-rollouts').click();
  await app.page.getByTestId('rollouts-fleet').waitFor();
  return app;
}

const tid = (page, id) => page.getByTestId(id, { exact: true });

async function plan(page, path = FOLDER) {
  await tid(page, 'rollout-path').fill(path);
  await tid(page, 'rollout-plan-submit').click();
}

async function waitState(page, state, timeout = 10000) {
  await page.waitForFunction((s) => document.querySelector('[data-testid="rollout-card"]')?.dataset.state === s, state, { timeout });
}

const fleet = (page) =>
  page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-testid="fleet-row"]')].map((r) => [r.dataset.slug, r.dataset.lacks])));

describe('Utrullningar', () => {
  test('who is behind, then a plan from a folder: files, waves, the skipped with their reason, before anything is applied', async (t) => {
    const { page, assertClean } = await open(t, { drift: { 'halsohuset-i-lund': DRIFT } });
    // Before any roll-out: versions only, nothing to count against.
    assert.equal(await page.locator('[data-testid="fleet-row"]').count(), 5);
    await plan(page);
    await waitState(page, 'planned');
    // Nothing applied: no run started, no driver.
    assert.equal((await ipcCalls(page, 'start_rollout')).length, 0);
    assert.deepEqual(
      await page.locator('[data-testid="rollout-file"]').evaluateAll((rs) => rs.map((r) => r.textContent)),
      ['20250101000000baselinea1a1a1a1a1a1', '20250301000000ordersb2b2b2b2b2b2', '20250401000000invoicesc3c3c3c3c3c3'],
    );
    // Three behind (one canary, then 10 % of three rounds up to one, then the rest), one drifted, one current.
    const waves = await page.locator('[data-testid="plan-wave"]').evaluateAll((ws) =>
      ws.map((w) => [w.dataset.index, [...w.querySelectorAll('[data-testid="plan-member"]')].map((m) => m.dataset.slug)]),
    );
    assert.deepEqual(waves.map(([i, m]) => [i, m.length]), [
      ['0', 1],
      ['1', 1],
      ['2', 1],
    ]);
    await tid(page, 'skipped-member').filter({ hasText: 'Historiken har versioner som filerna saknar' }).waitFor();
    assert.equal(await tid(page, 'skipped-member').getAttribute('data-slug'), 'halsohuset-i-lund');
    await tid(page, 'rollout-current').filter({ hasText: 'Fjällstugan Boende' }).waitFor();
    // Who is behind, counted against the plan's files.
    assert.deepEqual(await fleet(page), {
      'asas-bageri-cafe-ab': '2',
      'cafe-oresund': '2',
      'halsohuset-i-lund': '2',
      'linkopings-blomsterhandel': '1',
      'fjallstugan-boende': '0',
    });
    // A second plan is refused while this one is open.
    assert.equal(await tid(page, 'rollout-plan-submit').isDisabled(), true);
    await tid(page, 'rollout-plan-blocked').waitFor();
    // The buttons of a plan; English on switch.
    assert.deepEqual(await page.locator('[data-testid="rollout-card"] .actions button').evaluateAll((bs) => bs.map((b) => b.dataset.testid)), ['rollout-start', 'rollout-abort']);
    await tid(page, 'language-switch').selectOption('en');
    await tid(page, 'skipped-member').filter({ hasText: 'The history holds versions the files do not' }).waitFor();
    await page.getByRole('heading', { name: 'Roll-outs', exact: true }).waitFor();
    await tid(page, 'rollout-state').filter({ hasText: 'Planned' }).waitFor();
    assertClean();
  });

  test('Starta asks first, then the waves run live to the end; each instance links to its run', async (t) => {
    const { page, assertClean } = await open(t, { delay: 500 });
    await plan(page);
    await waitState(page, 'planned');
    await tid(page, 'rollout-start').click();
    await tid(page, 'rollout-start-dialog').filter({ hasText: '4 instanser får 3 filer' }).waitFor();
    // Going back starts nothing.
    await page.keyboard.press('Escape');
    assert.equal((await ipcCalls(page, 'start_rollout')).length, 0);
    await tid(page, 'rollout-start').click();
    await tid(page, 'rollout-start-confirm').click();
    // Live: the current wave is marked while it runs.
    await page.locator('[data-testid="wave"][aria-current="step"]').first().waitFor();
    await waitState(page, 'done', 15000);
    const waves = await page.locator('[data-testid="wave"]').evaluateAll((ws) => ws.map((w) => w.dataset.status));
    assert.ok(waves.every((s) => s === 'done'), `every wave done: ${waves}`);
    assert.ok((await ipcCalls(page, 'rollout')).length >= 2, 'the roll-out was read again while it ran');
    // Polling stops once it is done.
    const before = (await ipcCalls(page, 'rollout')).length;
    await page.waitForTimeout(1500);
    assert.ok((await ipcCalls(page, 'rollout')).length <= before + 1, 'no polling after the end');
    // Everyone current now.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="fleet-row"]')].every((r) => r.dataset.lacks === '0'));
    // An instance's run opens in the existing run view.
    const first = page.locator('[data-testid="member"][data-state="done"]').first();
    const name = await first.locator('.member-name').innerText();
    await first.getByTestId('member-run').click();
    await page.getByTestId('customer-title').filter({ hasText: name }).waitFor();
    const detail = (await ipcCalls(page, 'run_detail')).map((c) => c.args.run);
    assert.ok(detail.length > 0, 'the run view read the instance’s run');
    assertClean();
  });

  test('a failing wave halts the roll-out: the halt reason, the database error, Fortsätt and Avbryt', async (t) => {
    const failure = T('relation "orders" already exists', 'relation "orders" already exists');
    const { page, assertClean } = await open(t, { fail: { 'cafe-oresund': failure } }, {});
    await plan(page);
    await waitState(page, 'planned');
    await tid(page, 'rollout-start').click();
    await tid(page, 'rollout-start-confirm').click();
    await waitState(page, 'halted', 15000);
    // The core counts the canary wave's already-current instance too (settled at plan time in wave 0).
    await tid(page, 'rollout-halt-reason').filter({ hasText: 'Kanarievågen misslyckades (1 av 2)' }).waitFor();
    const failed = page.locator('[data-testid="member"][data-state="failed"]');
    assert.equal(await failed.getAttribute('data-slug'), 'cafe-oresund');
    await failed.getByTestId('member-reason').filter({ hasText: 'relation "orders" already exists' }).waitFor();
    assert.equal(await page.locator('[data-testid="wave"][data-index="0"]').getAttribute('data-status'), 'halted');
    assert.deepEqual(await page.locator('[data-testid="rollout-card"] .actions button').evaluateAll((bs) => bs.map((b) => b.textContent)), ['Fortsätt', 'Avbryt']);
    // Abort asks first.
    await tid(page, 'rollout-abort').click();
    await tid(page, 'rollout-abort-dialog').waitFor();
    await tid(page, 'rollout-abort-confirm').click();
    await waitState(page, 'aborted');
    await tid(page, 'rollout-note').filter({ hasText: 'Det som redan lagts in ligger kvar' }).waitFor();
    assert.equal(await page.locator('[data-testid="rollout-card"] .actions').count(), 0);
    // A new plan may be made again.
    assert.equal(await tid(page, 'rollout-plan-submit').isDisabled(), false);
    assertClean();
  });

  test('Pausa stops after the runs in flight; Fortsätt drives it on', async (t) => {
    const { page, assertClean } = await open(t, { delay: 400 });
    await plan(page);
    await waitState(page, 'planned');
    await tid(page, 'rollout-start').click();
    await tid(page, 'rollout-start-confirm').click();
    await waitState(page, 'running');
    await tid(page, 'rollout-pause').click();
    await waitState(page, 'paused');
    await tid(page, 'rollout-note').filter({ hasText: 'ingen ny startar' }).waitFor();
    // The paused roll-out offers Fortsätt once its in-flight run is done.
    await tid(page, 'rollout-resume').click({ timeout: 10000 });
    await waitState(page, 'done', 20000);
    assert.ok((await ipcCalls(page, 'resume_rollout')).length === 1);
    assertClean();
  });

  test('paused instances are marked and skipped; a plan error is shown from its code', async (t) => {
    const { page, assertClean } = await open(t);
    // Pause Café Öresund in the register.
    await page.evaluate(() => window.__TAURI_INTERNALS__.invoke('update_customer', { slug: 'cafe-oresund', patch: { status: 'inactive' } }));
    await tid(page, 'rollouts-refresh').click();
    await page.locator('[data-testid="fleet-row"][data-slug="cafe-oresund"] [data-testid="fleet-paused"]').waitFor();
    // A folder that does not exist: the core's rollout_plan error, in the user's language.
    await plan(page, '/finns/inte');
    await tid(page, 'rollout-plan-error').filter({ hasText: 'Utrullningen kan inte planeras: /finns/inte finns inte' }).waitFor();
    // An empty folder path is caught before asking.
    await tid(page, 'rollout-path').fill('');
    await tid(page, 'rollout-plan-submit').click();
    await page.getByText('Ange mappens sökväg.').waitFor();
    await plan(page);
    await waitState(page, 'planned');
    const skipped = page.locator('[data-testid="skipped-member"][data-slug="cafe-oresund"]');
    await skipped.filter({ hasText: 'Instansen är pausad' }).waitFor();
    assertClean();
  });
});
