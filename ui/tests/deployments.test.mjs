// Deployment rollback in the window (issue #32): the customer page's "Driftsättningar" (the
// recent production deployments with the one serving marked, "Gör till produktion" behind a
// confirmation, "Ångra", a refusal with the core's text), against the fake backend's
// deployments (lib/mock-deployments.js). Run `npm run build` first.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcCalls, openApp, requireDist, sharedBrowser } from './lib/harness.mjs';

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
const rows = (page) => page.locator('[data-testid="deployment-row"]');

async function openCustomer(page, slug = SLUG) {
  await page.locator(`[data-testid="customer-row"][data-slug="${slug}"]`).click();
  await tid(page, 'deployments-panel').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="deployment-row"]').length === 3);
}

/** The deployments shown, newest first: [id, state, serving] each. */
function shown(page) {
  return page.$$eval('[data-testid="deployment-row"]', (rs) => rs.map((r) => [r.dataset.id, r.dataset.state, r.dataset.serving]));
}

const servingIs = (page, id) =>
  page.waitForFunction((want) => document.querySelector('[data-testid="deployment-row"][data-serving="true"]')?.dataset.id === want, id);

describe('Driftsättningar', () => {
  test('the recent production deployments newest first, the one serving marked, promote only on an earlier READY one', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomer(page);
    const list = await shown(page);
    assert.deepEqual(list.map(([, state, serving]) => [state, serving]), [
      ['READY', 'true'],
      ['ERROR', 'false'],
      ['READY', 'false'],
    ]);
    const first = rows(page).nth(0);
    assert.equal(await first.getByTestId('deployment-serving').innerText(), 'Produktion nu');
    // The change in words; the commit behind "Kopiera id", never as text.
    assert.match(await first.innerText(), /Nya öppettider på startsidan · main Kopiera id/);
    assert.match((await first.getByTestId('deployment-commit').getAttribute('data-id')) ?? '', /^[0-9a-f]{40}$/);
    assert.doesNotMatch(await first.innerText(), /\b[0-9a-f]{7}\b/);
    assert.equal(await rows(page).nth(1).getByTestId('deployment-promote').count(), 0, 'a failed build cannot become production');
    assert.match(await rows(page).nth(1).innerText(), /Misslyckades/);
    assert.equal(await first.getByTestId('deployment-promote').count(), 0, 'what already serves is not offered');
    assert.equal(await rows(page).nth(2).getByTestId('deployment-promote').innerText(), 'Gör till produktion');
    assert.equal(await tid(page, 'deployment-undo').count(), 0, 'nothing to undo yet');

    await tid(page, 'language-switch').selectOption('en');
    await tid(page, 'deployment-serving').filter({ hasText: 'Production now' }).waitFor();
    assert.equal(await rows(page).nth(2).getByTestId('deployment-promote').innerText(), 'Make production');
    assert.match(await tid(page, 'deployments-panel').locator('.card-title').innerText(), /^Deployments$/);
    assertClean();
  });

  test('“Gör till produktion” asks first, then runs and production moves; “Ångra” brings it back', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomer(page);
    const [[serving], , [earlier]] = await shown(page);
    await rows(page).nth(2).getByTestId('deployment-promote').click();
    const dialog = tid(page, 'deployment-dialog');
    await dialog.waitFor();
    const text = await dialog.innerText();
    assert.match(text, /Webbplatsen växlar till driftsättningen från/);
    assert.match(text, /kontrollerar Fabrik att webbplatsen svarar/);
    assert.match(text, /kan ångras/);
    assert.match(text, /Leverans från Fabrik/);
    // Cancelling changes nothing.
    await dialog.getByRole('button', { name: 'Avbryt' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await ipcCalls(page, 'promote_deployment')).length, 0);

    await rows(page).nth(2).getByTestId('deployment-promote').click();
    await tid(page, 'deployment-confirm').click();
    await servingIs(page, earlier);
    assert.deepEqual((await ipcCalls(page, 'promote_deployment')).map((c) => c.args), [{ slug: SLUG, deployment: earlier }]);
    // The run shows like any other, and ends by its kind.
    await page.locator('.run-card').getByText('Gör en tidigare driftsättning till produktion').first().waitFor();
    await page.getByTestId('toast').filter({ hasText: "Återgång till tidigare driftsättning för Åsa's Bageri & Café AB är klar" }).waitFor();
    // The one that served before can now be promoted, and “Ångra” names it.
    await rows(page).nth(0).getByTestId('deployment-promote').waitFor();
    const undo = tid(page, 'deployment-undo');
    await page.waitForFunction(() => !document.querySelector('[data-testid="deployment-undo"]')?.disabled);
    assert.equal(await undo.innerText(), 'Ångra');

    await undo.click();
    const again = tid(page, 'deployment-dialog');
    await again.waitFor();
    assert.match(await again.innerText(), /ångrar den senaste återgången/);
    await tid(page, 'deployment-confirm').click();
    await servingIs(page, serving);
    assert.deepEqual((await ipcCalls(page, 'undo_promotion')).map((c) => c.args), [{ slug: SLUG }]);
    assert.equal(await page.evaluate((s) => window.__mockDeployments.production[s], SLUG), serving);
    assertClean();
  });

  test('a deployment Vercel no longer knows is refused with the core’s text, in both languages', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomer(page);
    const [, , [earlier]] = await shown(page);
    // Removed in Vercel between the list and the click.
    await page.evaluate(([s, id]) => (window.__mockDeployments.rows[s] = window.__mockDeployments.rows[s].filter((d) => d.id !== id)), [SLUG, earlier]);
    await rows(page).nth(2).getByTestId('deployment-promote').click();
    await tid(page, 'deployment-confirm').click();
    const error = tid(page, 'deployment-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'deployment_unknown');
    assert.match(await error.innerText(), new RegExp(`Inget ändrades: Vercel känner inte till någon driftsättning ${earlier}`));
    // The list is read again: the gone one is no longer offered, production did not move.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="deployment-row"]').length === 2);
    assert.equal(await rows(page).nth(0).getAttribute('data-serving'), 'true');
    assert.equal((await ipcCalls(page, 'start_run')).length, 0, 'no run was started');

    // The refusal is rendered from the core's code and parameters: it follows the language.
    await tid(page, 'language-switch').selectOption('en');
    await error.filter({ hasText: `Nothing was changed: Vercel knows no deployment ${earlier}, so nothing was changed.` }).waitFor();
    assertClean();
  });

  test('“Ångra” with nothing left to undo shows the core’s text (in English)', async (t) => {
    const { page, assertClean } = await open(t, { language: 'en' });
    await openCustomer(page);
    const [, , [earlier]] = await shown(page);
    await rows(page).nth(2).getByTestId('deployment-promote').click();
    await tid(page, 'deployment-dialog').filter({ hasText: 'The site switches to the deployment from' }).waitFor();
    await tid(page, 'deployment-confirm').click();
    await servingIs(page, earlier);
    await page.waitForFunction(() => !document.querySelector('[data-testid="deployment-undo"]')?.disabled);
    // Another seat undid it meanwhile: the core has nothing to undo.
    await page.evaluate((s) => (window.__mockDeployments.undo[s] = null), SLUG);
    await tid(page, 'deployment-undo').click();
    await tid(page, 'deployment-confirm').click();
    const error = tid(page, 'deployment-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'nothing_to_undo');
    assert.match(await error.innerText(), /Nothing was changed: There is no rollback to undo for asas-bageri-cafe-ab/);
    // Read again: no “Undo” offered any more.
    await tid(page, 'deployment-undo').waitFor({ state: 'detached' });
    assertClean();
  });
  test('a promotion whose site does not answer fails; the card says why and production stays', async (t) => {
    const { page, assertClean } = await open(t, { sitePrivate: [SLUG] });
    await openCustomer(page);
    const [[serving]] = await shown(page);
    await rows(page).nth(2).getByTestId('deployment-promote').click();
    await tid(page, 'deployment-confirm').click();
    const failed = tid(page, 'deployment-failed');
    await failed.waitFor();
    assert.equal(await failed.getAttribute('data-code'), 'site_not_public');
    assert.match(await failed.innerText(), /Bytet av produktion lyckades inte: Produktionsadressen https:\/\/\S+ svarar 401/);
    assert.equal(await rows(page).nth(0).getAttribute('data-id'), serving);
    assert.equal(await rows(page).nth(0).getAttribute('data-serving'), 'true');
    assert.equal(await tid(page, 'deployment-undo').count(), 0, 'a failed promotion leaves nothing to undo');
    await tid(page, 'language-switch').selectOption('en');
    await failed.filter({ hasText: 'Switching production did not succeed: The production address' }).waitFor();
    assertClean();
  });
});
