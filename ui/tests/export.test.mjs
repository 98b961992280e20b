// "Exportera data" on a customer's page (issue #59): only for a delivered, active instance; the
// core writes the archive into the export folder and the toast says where, how large, its
// SHA-256 and which parts it does not hold; a refusal is said in the reader's language.
// Against the fake backend (lib/mock-exports.js). Run `npm run build` first.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcCalls, openApp, requireDist, sharedBrowser } from './lib/harness.mjs';

requireDist();

const SLUG = 'asas-bageri-cafe-ab';
const shared = sharedBrowser();

async function open(t) {
  const app = await openApp(shared.browser, shared.server.url, { examples: true });
  t.after(() => app.close());
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id, { exact: true });

async function openCustomer(page, slug) {
  await page.locator(`[data-testid="customer-row"][data-slug="${slug}"]`).click();
  await tid(page, 'customer-title').waitFor();
}

describe('Exportera data', () => {
  test('the archive is written for an active instance and the toast says where, its size, SHA-256 and what it leaves out', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomer(page, SLUG);
    const button = tid(page, 'export-data-button');
    assert.equal(await button.innerText(), 'Exportera data');
    await button.click();
    const toast = page.locator('[data-testid="toast"]', { hasText: 'exporterad' });
    await toast.waitFor();
    const text = await toast.innerText();
    assert.match(text, /Kundens data är exporterad till \/home\/user\/Hämtningar\/fabrik-export-asas-bageri-cafe-ab-[\d-]+\.zip \(2\.5 MB, 21 tabeller, 12\s345 rader\)/);
    assert.match(text, new RegExp(`SHA-256: ${'9f2c'.repeat(16)}`));
    assert.match(text, /Inte med i arkivet: repot \(git bundle\), filerna i lagringen\./);
    const calls = await ipcCalls(page, 'export_customer');
    assert.deepEqual(calls.map((c) => c.args), [{ slug: SLUG }]);
    assert.equal(await button.isEnabled(), true, 'ready for another export');
    assertClean();
  });

  test('a refusal is said as the core says it, and only an active, delivered instance has the button', async (t) => {
    const { page } = await open(t);
    await openCustomer(page, SLUG);
    await page.evaluate(() => {
      window.__mockFail.export_customer = {
        code: 'export_failed',
        message: 'Exporten av asas-bageri-cafe-ab kunde inte skrivas, och inget lämnades kvar: disken är full',
        params: { slug: 'asas-bageri-cafe-ab', detail: 'disken är full' },
        fields: [],
      };
    });
    await tid(page, 'export-data-button').click();
    const toast = page.locator('[data-testid="toast"][data-kind="error"]');
    await toast.waitFor();
    assert.match(await toast.innerText(), /Exporten av asas-bageri-cafe-ab kunde inte skrivas, och inget lämnades kvar: disken är full/);
    // A customer without a delivered instance (pending), and a paused one: no button.
    for (const slug of ['goteborgs-cykelverkstad', 'uppsala-tandvard']) {
      await tid(page, 'back-to-list').click();
      await openCustomer(page, slug);
      assert.equal(await tid(page, 'export-data-button').count(), 0, slug);
    }
  });
});
