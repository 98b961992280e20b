// UI tests for the teardown's offer of an export first (views/Teardown.tsx, issue #59): ticked
// for a delivered instance, it says how long the agency keeps the archive; the export is taken
// behind the teardown's gate (the slug typed) before the teardown starts, and a failed export
// starts nothing; unticked, the teardown goes alone; an instance that cannot be exported is
// not offered one. Built UI in headless Chromium, fake backend (lib/mock-instances.js).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, requireDist, runStarts, sharedBrowser } from './lib/harness.mjs';

requireDist();
const shared = sharedBrowser();
const SLUG = 'asas-bageri-cafe-ab';

async function open(t, config = {}) {
  const app = await openApp(shared.browser, shared.server.url, { examples: true, ...config });
  t.after(() => app.close());
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id, { exact: true });
const said = async (locator) => (await locator.textContent()).replace(/[\u00a0\u202f]/g, ' ').trim();
const calls = (page, cmd) => page.evaluate((c) => window.__mockCalls.filter((x) => x.cmd === c), cmd);

async function openTeardown(page) {
  await page.locator(`[data-testid="customer-row"][data-slug="${SLUG}"]`).click();
  await tid(page, 'customer-title').waitFor();
  await tid(page, 'teardown-button').click();
  await tid(page, 'teardown-targets').waitFor();
  // The keeping is read beside the targets.
  await page.waitForFunction(() => /90 dagar|tills någon|90 days|until someone/.test(document.querySelector('[data-testid="teardown-export-note"]')?.textContent ?? ''));
}

/** A notice that was shown, among the ones stacked in the corner (the teardown's own may come first). */
async function noticeSeen(page, text) {
  await tid(page, 'toast').filter({ hasText: text }).first().waitFor();
}

describe('the teardown offers the export first', () => {
  test('ticked by default: the archive is written behind the typed slug, then the teardown starts', async (t) => {
    const { page, assertClean } = await open(t);
    await openTeardown(page);
    assert.equal(await tid(page, 'teardown-export-first').isChecked(), true);
    assert.match(await said(tid(page, 'teardown-export-note')), /sparas i exportmappen \/home\/user\/Hämtningar i 90 dagar, sedan tas det bort/);
    assert.equal(await said(tid(page, 'teardown-confirm')), 'Exportera och avveckla');
    await tid(page, 'teardown-input').fill(SLUG);
    await tid(page, 'teardown-confirm').click();
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'start_run' && c.args.request?.kind === 'teardown'));
    await noticeSeen(page, 'Kundens data är sparad i /home/user/Hämtningar/fabrik-export-asas-bageri-cafe-ab');
    const exported = await calls(page, 'export_before_teardown');
    assert.deepEqual(exported.map((c) => c.args), [{ slug: SLUG, confirmation: SLUG }]);
    const order = await page.evaluate(() => window.__mockCalls.map((c) => c.cmd).filter((c) => c === 'export_before_teardown' || c === 'start_run'));
    assert.deepEqual(order, ['export_before_teardown', 'start_run'], 'the archive first, then the teardown');
    assert.deepEqual((await runStarts(page, 'teardown')).map((c) => c.args), [{ slug: SLUG, kind: 'teardown', confirmation: SLUG }]);
    assertClean();
  });

  test('a failed export starts no teardown and says how to go on; unticked, the teardown goes alone', async (t) => {
    const { page } = await open(t, { exportFails: 'the query endpoint timed out' });
    await openTeardown(page);
    await tid(page, 'teardown-input').fill(SLUG);
    await tid(page, 'teardown-confirm').click();
    await page.getByTestId('toast').filter({ hasText: 'Exporten misslyckades, så inget avvecklades' }).waitFor();
    assert.match(await said(page.getByTestId('toast').filter({ hasText: 'Exporten misslyckades' })), /timed out.*Bocka ur exporten/);
    assert.equal((await runStarts(page, 'teardown')).length, 0, 'no archive, no teardown');
    await tid(page, 'teardown-dialog').waitFor();
    await tid(page, 'teardown-export-first').uncheck();
    assert.equal(await said(tid(page, 'teardown-confirm')), 'Avveckla för gott');
    await tid(page, 'teardown-confirm').click();
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'start_run' && c.args.request?.kind === 'teardown'));
    assert.equal((await calls(page, 'export_before_teardown')).length, 1, 'the export was asked once, when ticked');
  });

  test('the owner’s keeping is said as set, in English too; kept until deleted when 0', async (t) => {
    const { page, assertClean } = await open(t, { settings: { 'export.keep_days': '0' }, language: 'en' });
    await openTeardown(page);
    assert.match(await said(tid(page, 'teardown-export-note')), /kept in the export folder \/home\/user\/Hämtningar until someone deletes it/);
    assert.equal(await said(tid(page, 'teardown-confirm')), 'Export and tear down');
    assertClean();
  });
});

describe('the danger zone', () => {
  test('one danger zone at the foot of the page, each act with its line, none in the page head; no teardown without an instance', async (t) => {
    const { page, assertClean } = await open(t);
    await page.locator('[data-testid="customer-row"][data-slug="cafe-oresund"]').click();
    await tid(page, 'danger-zone').waitFor();
    assert.equal(await page.locator('.page-head .btn-danger-outline, .page-head .btn-danger').count(), 0, 'nothing red in the page head');
    const acts = await tid(page, 'danger-zone').locator('li').evaluateAll((xs) => xs.map((x) => [x.querySelector('button').dataset.testid, x.querySelector('.muted').textContent]));
    assert.deepEqual(acts.map(([id]) => id), ['handover-button', 'teardown-button', 'delete-customer']);
    assert.match(acts[0][1], /^Flyttar instansen till kundens egna konton/);
    assert.match(acts[1][1], /^Tar bort allt som Fabrik skapade för instansen hos leverantörerna/);
    assert.match(acts[2][1], /^Tar bort kunden ur registret; instansen hos leverantörerna rörs inte/);
    // Never provisioned, no instance: only the register's own act is offered.
    await tid(page, 'nav-customers').click();
    await page.locator('[data-testid="customer-row"][data-slug="goteborgs-cykelverkstad"]').click();
    await tid(page, 'danger-zone').waitFor();
    assert.equal(await tid(page, 'teardown-button').count(), 0);
    assert.equal(await tid(page, 'delete-customer').count(), 1);
    assertClean();
  });
  test('an instance card typed by hand is not offered a teardown: nothing on it is Fabrik\'s to remove', async (t) => {
    const { page, assertClean } = await open(t, { typedByHand: ['cafe-oresund'], cancelled: { 'cafe-oresund': '2025-01-04T08:00:00Z' } });
    await page.locator('[data-testid="customer-row"][data-slug="cafe-oresund"]').click();
    await tid(page, 'danger-zone').waitFor();
    await tid(page, 'customer-cancelled').waitFor();
    assert.equal(await page.locator('.instance-card').count(), 1, 'the card is shown');
    assert.equal(await tid(page, 'teardown-button').count(), 0, 'Avveckla offered for a card Fabrik never made');
    assert.equal(await tid(page, 'cancelled-teardown').count(), 0, 'Avveckla offered on the cancelled note');
    assert.equal(await tid(page, 'delete-customer').count(), 1);
    // A delivered one beside it still has it.
    await tid(page, 'nav-customers').click();
    await page.locator(`[data-testid="customer-row"][data-slug="${SLUG}"]`).click();
    await tid(page, 'teardown-button').waitFor();
    assertClean();
  });
});
