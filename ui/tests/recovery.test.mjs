// Recovery with Supabase's own backups in the window (issue #32): the customer page's
// "Återställning med Supabases säkerhetskopior" beside Fabrik's database backups — not on the
// free plan (with the way to Fabrik's own backups), the PITR window, a moment outside it refused
// before anything is sent, the slug typed, the `recover` run; a plan with physical backups only.
// Against the fake backend's recovery (lib/mock-backups.js). Run `npm run build` first.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, requireDist, runStarts, sharedBrowser } from './lib/harness.mjs';

requireDist();

const SLUG = 'asas-bageri-cafe-ab';
const shared = sharedBrowser();

async function open(t, config = {}) {
  const app = await openApp(shared.browser, shared.server.url, { examples: true, ...config });
  t.after(() => app.close());
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id, { exact: true });

async function openCustomer(page, slug = SLUG) {
  await page.locator(`[data-testid="customer-row"][data-slug="${slug}"]`).click();
  await tid(page, 'recovery-panel').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="recovery-panel"]')?.dataset.available !== '');
}

/** `secondsAgo` before now as a datetime-local value in the page's own time zone, and its unix second. */
function localMoment(page, secondsAgo) {
  return page.evaluate((ago) => {
    const at = Math.floor(Date.now() / 1000) - ago;
    const d = new Date(at * 1000);
    const p = (n) => String(n).padStart(2, '0');
    return { at, value: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` };
  }, secondsAgo);
}

describe('Återställning med Supabases säkerhetskopior', () => {
  test('the free plan: not available, with the way to Fabrik’s own database backups on the page (in English too)', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomer(page);
    const panel = tid(page, 'recovery-panel');
    assert.equal(await panel.getAttribute('data-available'), 'false');
    const text = await tid(page, 'recovery-unavailable').innerText();
    assert.match(text, /Inte tillgängligt på den här planen/);
    assert.match(text, /fabrik backup list asas-bageri-cafe-ab/, 'the core’s note');
    assert.match(text, /Använd Fabriks egna säkerhetskopior av databasen/);
    assert.equal(await tid(page, 'recovery-moment').count(), 0, 'no moment to pick');
    assert.equal(await tid(page, 'recovery-start').count(), 0);
    // The pointer leads to the database backups, right beside it.
    await tid(page, 'recovery-own-backups').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="backups-panel"]')?.contains(document.activeElement));
    assert.equal(await page.locator('.columns').filter({ has: tid(page, 'recovery-panel') }).getByTestId('backups-panel').count(), 1);

    await tid(page, 'language-switch').selectOption('en');
    await tid(page, 'recovery-unavailable').filter({ hasText: 'Not available on this plan' }).waitFor();
    assert.match(await tid(page, 'recovery-unavailable').innerText(), /use Fabrik's own backups: fabrik backup list asas-bageri-cafe-ab/);
    assert.equal(await tid(page, 'recovery-own-backups').innerText(), 'Database backups');
    assertClean();
  });

  test('PITR: the window shown, a moment outside refused before sending, the slug typed, then the run', async (t) => {
    const { page, assertClean } = await open(t, { recovery: { [SLUG]: 'pitr' } });
    await openCustomer(page);
    const panel = tid(page, 'recovery-panel');
    assert.equal(await panel.getAttribute('data-pitr'), 'true');
    assert.match(await tid(page, 'recovery-pitr').innerText(), /^På/);
    const view = await page.evaluate((s) => window.__TAURI_INTERNALS__.invoke('recovery', { slug: s }), SLUG);
    const windowText = await tid(page, 'recovery-window').innerText();
    assert.match(windowText, /\d\d:\d\d – .*\d\d:\d\d/);
    assert.match(await tid(page, 'recovery-window').getAttribute('title'), /Z – .*Z \(UTC\)/);
    assert.equal(await tid(page, 'recovery-backup').count(), 7, 'the physical backups too');
    // The input is bounded by the window.
    const moment = tid(page, 'recovery-moment');
    assert.ok(await moment.getAttribute('min'));
    assert.ok(await moment.getAttribute('max'));
    assert.equal(await tid(page, 'recovery-start').isDisabled(), true, 'nothing picked yet');

    // Eight days ago: before the seven-day window. Refused here; nothing is sent.
    const outside = await localMoment(page, 8 * 86400);
    assert.ok(outside.at < view.earliest);
    await moment.fill(outside.value);
    await tid(page, 'recovery-problem').filter({ hasText: 'Utanför det Supabase kan återställa' }).waitFor();
    assert.equal(await tid(page, 'recovery-start').isDisabled(), true);
    // In the future: after the window.
    const future = await localMoment(page, -3600);
    await moment.fill(future.value);
    await tid(page, 'recovery-problem').waitFor();
    assert.equal(await tid(page, 'recovery-start').isDisabled(), true);

    // Two days ago: inside.
    const inside = await localMoment(page, 2 * 86400);
    await moment.fill(inside.value);
    await tid(page, 'recovery-problem').waitFor({ state: 'detached' });
    await page.getByText(`= ${new Date(inside.at * 1000).toISOString().replace('.000Z', 'Z')} (UTC)`).waitFor();
    await tid(page, 'recovery-start').click();
    const dialog = tid(page, 'recover-dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Supabase sätter tillbaka hela databasen till/);
    assert.match(await dialog.innerText(), /Först tas Fabriks egen säkerhetskopia/);
    // The slug typed: anything else keeps the button off.
    const confirm = tid(page, 'recover-confirm');
    assert.equal(await confirm.isDisabled(), true);
    await tid(page, 'recover-input').fill('asas');
    assert.equal(await confirm.isDisabled(), true);
    assert.equal((await runStarts(page, 'recover')).length, 0, 'nothing sent before the confirmation');
    await tid(page, 'recover-input').fill(SLUG);
    await confirm.click();
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual((await runStarts(page, 'recover')).map((c) => c.args), [{ slug: SLUG, kind: 'recover', target: inside.at, confirmation: SLUG }]);
    await page.locator('.run-card').getByText('Återställ databasen med Supabases säkerhetskopior').first().waitFor();
    await page.getByTestId('toast').filter({ hasText: "Återställning med Supabases säkerhetskopior för Åsa's Bageri & Café AB är klar" }).waitFor();
    assert.equal(await page.evaluate((s) => window.__mockRecovery.recovered[s], SLUG), inside.at);
    assertClean();
  });

  test('physical backups only (in English): a backup’s own time is picked from the list, the input is not typed in', async (t) => {
    const { page, assertClean } = await open(t, { language: 'en', recovery: { [SLUG]: 'physical' } });
    await openCustomer(page);
    assert.match(await tid(page, 'recovery-pitr').innerText(), /^Off: only the physical backups' own times/);
    const backups = page.locator('[data-testid="recovery-backup"]');
    assert.equal(await backups.count(), 7);
    assert.equal(await tid(page, 'recovery-moment').getAttribute('readonly'), '', 'without PITR the moment comes from the list');
    // The newest first; choose the second.
    const chosen = backups.nth(1);
    const at = Number(await chosen.getAttribute('data-at'));
    await chosen.getByTestId('recovery-pick').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="recovery-moment"]')?.value !== '');
    assert.equal(await tid(page, 'recovery-problem').count(), 0);
    await tid(page, 'recovery-start').click();
    await tid(page, 'recover-dialog').filter({ hasText: 'Supabase puts the whole database back to' }).waitFor();
    await tid(page, 'recover-input').fill(SLUG);
    await tid(page, 'recover-confirm').click();
    await tid(page, 'recover-dialog').waitFor({ state: 'detached' });
    assert.deepEqual((await runStarts(page, 'recover')).map((c) => c.args), [{ slug: SLUG, kind: 'recover', target: at, confirmation: SLUG }]);
    await page.locator('.run-card').getByText("Restore the database with Supabase's backups").first().waitFor();
    assertClean();
  });

  test('a recovery the core refuses shows its text (the plan changed since the page read it)', async (t) => {
    const { page, assertClean } = await open(t, { recovery: { [SLUG]: 'physical' } });
    await openCustomer(page);
    await page.locator('[data-testid="recovery-backup"]').nth(0).getByTestId('recovery-pick').click();
    await tid(page, 'recovery-start').click();
    await tid(page, 'recover-input').fill(SLUG);
    // The plan changed in Supabase meanwhile (the add-on and the backups gone).
    await page.evaluate((s) => (window.__FABRIK_MOCK_CONFIG__.recovery[s] = 'free'), SLUG);
    await tid(page, 'recover-confirm').click();
    const error = tid(page, 'recovery-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'recovery_not_on_plan');
    assert.match(await error.innerText(), /Återställningen startade inte: Supabase-projektet för asas-bageri-cafe-ab har ingen återställning/);
    await tid(page, 'language-switch').selectOption('en');
    await error.filter({ hasText: 'The recovery did not start: The Supabase project of asas-bageri-cafe-ab has no point-in-time recovery' }).waitFor();
    assertClean();
  });
});
