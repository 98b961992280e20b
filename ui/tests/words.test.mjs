// Words an owner uses (issue #68): no provider's raw id in any rendered view, in either
// language: not `sub_…`, `in_…`, `prj_…`, `dpl_…`, `cus_…`, `price_…`, `ci_…`, nor a long run of digits.
// An id an owner may need for a support case sits behind "Kopiera id" (views/common.tsx
// `CopyId`: in its tooltip and the clipboard, never in the text). Every page of the window is
// visited on the example agency, and every example customer's page. Built UI in headless
// Chromium, fake backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, requireDist, sharedBrowser } from './lib/harness.mjs';

requireDist();
const shared = sharedBrowser();

// A compute size's code (`ci_micro`) is a raw id too: an owner reads its plan name, Micro.
const RAW = /\b(?:sub|in|prj|dpl|cus|price|prod|pi|ci)_[A-Za-z0-9]{3,}|\d{7,}/g;
const PAGES = ['nav-overview', 'nav-customers', 'nav-activity', 'nav-rollouts', 'nav-templates', 'nav-usage', 'nav-inbox', 'nav-settings'];

/** The raw ids in what the page shows now (text only: a tooltip or a data attribute is no reading). */
async function rawIds(page) {
  const text = await page.evaluate(() => document.body.innerText);
  return [...new Set(text.match(RAW) ?? [])];
}

for (const lang of ['sv', 'en']) {
  test(`no raw provider id on any page or customer, ${lang}`, async (t) => {
    const app = await openApp(shared.browser, shared.server.url, { examples: true }, { landing: 'overview' });
    t.after(() => app.close());
    const { page } = app;
    if (lang === 'en') await page.getByTestId('language-switch').selectOption('en');
    const found = {};
    const look = async (where, settled) => {
      await settled();
      // What loads after the first paint (a card's own read) is part of the page.
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 5000 }).catch(() => {});
      const ids = await rawIds(page);
      if (ids.length) found[where] = ids;
    };
    for (const nav of PAGES) {
      await page.getByTestId(nav).click();
      await look(nav, () => page.locator('main [aria-labelledby], main section').first().waitFor());
    }
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customer-row').first().waitFor();
    const slugs = await page.getByTestId('customer-row').evaluateAll((xs) => xs.map((x) => x.dataset.slug));
    assert.ok(slugs.length >= 10, `the examples: ${slugs}`);
    for (const slug of slugs) {
      await page.getByTestId('nav-customers').click();
      await page.locator(`[data-testid="customer-row"][data-slug="${slug}"]`).click();
      await look(slug, () => page.getByTestId('customer-title').waitFor());
    }
    assert.deepEqual(found, {}, 'raw ids on screen');
    // The ids are there for whoever needs one: behind "Kopiera id".
    await page.getByTestId('nav-customers').click();
    await page.locator('[data-testid="customer-row"][data-slug="asas-bageri-cafe-ab"]').click();
    assert.match((await page.getByTestId('copy-vercel_project_id').getAttribute('data-id')) ?? '', /^prj_/);
    assert.deepEqual(app.problems, [], 'the page logged errors');
  });
}
