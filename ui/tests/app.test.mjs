// UI tests of the window as a whole: its language, switched and remembered across a reload, and
// its start-up (nothing that needs the clouds before the first view is painted; the header,
// the overview and the sandbox banner in one frame). The built UI in headless Chromium, with the
// Tauri IPC answered by an in-memory fake of the Rust command surface (lib/mock-backend.js).
// Run `npm run build` first, then `npm test`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectText, ipcCalls, opener, requireDist, sharedBrowser, waitRows } from './lib/harness.mjs';

requireDist();

const shared = sharedBrowser();

const open = opener(shared);

const tid = (page, id) => page.getByTestId(id);

describe('language', () => {
  test('switch to English, remembered through set_language across a reload', async (t) => {
    const { page, assertClean } = await open(t, { examples: true });
    await waitRows(page, 12);
    assert.equal(await tid(page, 'nav-customers').innerText(), 'Kunder');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'sv');

    await tid(page, 'language-switch').selectOption('en');
    await expectText(tid(page, 'nav-customers'), 'Customers');
    assert.equal((await tid(page, 'add-customer').innerText()).trim().replace(/^\+\s*/, ''), 'Add customer');
    assert.equal((await tid(page, 'customer-count').innerText()).trim(), '12 customers');
    assert.match(await page.locator('[data-slug="cafe-oresund"]').innerText(), /Active/);
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'set_language'));
    assert.deepEqual((await ipcCalls(page, 'set_language')).map((c) => c.args), [{ language: 'en' }]);
    const stored = await page.evaluate(() => localStorage.length);
    assert.equal(stored, 0, 'the UI itself keeps nothing in localStorage');

    await page.reload();
    await expectText(tid(page, 'nav-customers'), 'Customers');
    assert.equal(await tid(page, 'language-switch').inputValue(), 'en');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal((await ipcCalls(page, 'get_preferences')).length, 1);

    // Error texts follow the language, chosen by code.
    await tid(page, 'add-customer').click();
    await tid(page, 'field-admin_email').fill('anna@');
    await expectText(tid(page, 'field-error-admin_email'), 'Invalid email address');
    await tid(page, 'field-slug').fill('api');
    await expectText(tid(page, 'field-error-slug'), 'The address name is reserved');

    await tid(page, 'language-switch').selectOption('sv');
    await expectText(tid(page, 'field-error-slug'), 'Adressnamnet är reserverat');
    assertClean();
  });
});

describe('start-up', () => {
  test('nothing that needs the clouds is asked for before the first view is painted', async (t) => {
    const { page, assertClean } = await open(t, { examples: true });
    await waitRows(page, 12);
    // The environment is the register's stored choice, asked beside the first page (below).
    const cloud = ['readiness', 'list_runs', 'interrupted_runs'];
    await page.waitForFunction((c) => c.every((cmd) => window.__mockCalls.some((x) => x.cmd === cmd)), cloud);
    // The window opens on Översikt (the harness then clicks Kunder): whichever view paints
    // first marks it; the list marks its own paint too.
    const painted = await page.evaluate(() => performance.getEntriesByName('fabrik:first-painted')[0]?.startTime);
    assert.ok(painted !== undefined, 'the first view marks its first paint');
    assert.ok(await page.evaluate(() => performance.getEntriesByName('fabrik:list-painted').length === 1), 'the list marks its first paint');
    const calls = await ipcCalls(page);
    for (const cmd of ['list_customers', 'overview']) assert.ok(calls.find((c) => c.cmd === cmd).at < painted, `${cmd} asked before the first paint`);
    for (const c of calls.filter((x) => cloud.includes(x.cmd))) {
      assert.ok(c.at >= painted, `${c.cmd} asked at ${c.at.toFixed(0)} ms, the first view painted at ${painted.toFixed(0)} ms`);
    }
    assertClean();
  });

  test('the first frame that has the header has the overview and the sandbox banner too; the list is a click away', async (t) => {
    // Records what the DOM holds when the header first appears: mutation callbacks run before
    // the page can paint, so this is what the first frame with the shell would show.
    const init = `new MutationObserver((_, seen) => {
      if (!document.querySelector('.header')) return;
      window.__atFirstHeader = document.querySelectorAll('[data-testid="overview-item"]').length;
      window.__glanceAtFirstHeader = document.querySelectorAll('[data-testid="overview-glance"]').length;
      window.__bannerAtFirstHeader = !!document.querySelector('[data-testid="sandbox-banner"]');
      seen.disconnect();
    }).observe(document, { childList: true, subtree: true });`;
    const config = { examples: true, overview: { failed: [{ slug: 'cafe-oresund' }] } };
    const { page, assertClean } = await open(t, config, { init, landing: 'overview' });
    await tid(page, 'overview-item').first().waitFor();
    assert.equal(await page.evaluate(() => window.__atFirstHeader), 1, 'the header was shown before the overview');
    assert.ok((await page.evaluate(() => window.__glanceAtFirstHeader)) > 0, 'the header was shown before the glance');
    // The list's first page was asked as the window opened: Kunder shows it at once.
    await tid(page, 'nav-customers').click();
    await waitRows(page, 12);
    assert.equal((await ipcCalls(page, 'list_customers')).length, 1);
    assert.ok(await page.evaluate(() => window.__bannerAtFirstHeader), 'the header was shown before the sandbox banner');
    assertClean();
  });
});
