// UI tests for Översikt (views/Overview.tsx, issue #68), the view the window opens on: what needs
// a person now in the core's order, each with its one action (a run's customer page, the inbox,
// a pull request outside the window, the keys in settings), the badge counting them, the
// business at a glance, the calm line when nothing waits, both languages, no provider's raw ids
// on screen and nothing cut at 1280×800. Built UI in headless Chromium, fake backend
// (lib/mock-overview.js, config key `overview`).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcCalls, openApp, requireDist, sharedBrowser } from './lib/harness.mjs';

requireDist();
const shared = sharedBrowser();

async function open(t, config = {}) {
  const app = await openApp(shared.browser, shared.server.url, { examples: true, ...config }, { landing: 'overview' });
  t.after(() => app.close());
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id);
const said = (text) => text.replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();
const texts = async (locator) => (await locator.allInnerTexts()).map(said);
const T = (sv, en) => ({ sv, en });

const LONG = 'Skärgårdens Kajak, Kanot & Äventyrsturer för hela familjen i Stockholms yttre skärgård AB';
/** The list as the core sends it (most urgent, then newest first); its order is kept as it is. */
const ITEMS = [
  {
    kind: 'run_failed', urgency: 'now', key: '41', slug: 'cafe-oresund', name: 'Café Öresund',
    title: T('Omdeploy för Café Öresund misslyckades', 'Redeploy for Café Öresund failed'),
    detail: T('Vercel svarade inte.', 'Vercel did not answer.'), since: '2025-01-06T08:30:00Z', place: 'run', id: 41, url: null, command: 'fabrik runs show 41',
  },
  {
    kind: 'payment_failed', urgency: 'now', key: 'sub_1NvQx2AbCdEf', slug: 'asas-bageri-cafe-ab', name: "Åsa's Bageri & Café AB",
    title: T("Betalningen från Åsa's Bageri & Café AB gick inte igenom", "The payment from Åsa's Bageri & Café AB did not go through"),
    detail: null, since: '2025-01-05T10:00:00Z', place: 'billing', id: null, url: null, command: 'fabrik billing asas-bageri-cafe-ab',
  },
  {
    kind: 'token_expiring', urgency: 'now', key: 'vercel', slug: null, name: null,
    title: T('Nyckeln till Vercel går ut 2025-01-08', 'The Vercel token expires 2025-01-08'),
    detail: null, since: '2025-01-08T00:00:00Z', place: 'credentials', id: null, url: null, command: 'fabrik secrets set vercel',
  },
  {
    kind: 'template_conflict', urgency: 'soon', key: '7', slug: 'skargardens-kajak', name: LONG,
    title: T(`Malluppdateringen för ${LONG} krockar med ändringar i kundens kod`, `The template update for ${LONG} conflicts with changes in the customer's code`),
    detail: null, since: '2025-01-04T12:00:00Z', place: 'templates', id: 7, url: 'https://github.com/exempel-byra/skargardens-kajak/pull/12345678', command: 'fabrik template versions',
  },
  {
    kind: 'request_waiting', urgency: 'soon', key: '3', slug: null, name: null,
    title: T('Nyare Konsult AB vill bli kund', 'Nyare Konsult AB wants to become a customer'),
    detail: null, since: null, place: 'inbox', id: 3, url: null, command: 'fabrik intake approve 3',
  },
];
const GLANCE = {
  customers_active: 5, customers: 12,
  revenue: [{ amount: 1249500, currency: 'sek' }], cost: [{ amount: 310000, currency: 'sek' }], margin: [{ amount: 939500, currency: 'sek' }],
  revenue_unlinked: 2, payments_failed: 1, healthy: 3, unhealthy: 1, unchecked: 1,
};
const FIXED = { overview: { items: ITEMS, glance: GLANCE } };

/** Each glance card's label and value, by which card it is. */
async function glance(page) {
  const out = {};
  for (const card of await tid(page, 'overview-glance').all()) out[await card.getAttribute('data-glance')] = said(await card.innerText());
  return out;
}

describe('Översikt', () => {
  test('the window opens on it: the items in the core\'s order, urgency in words, the badge, the glance', async (t) => {
    const { page, assertClean } = await open(t, FIXED);
    await tid(page, 'overview-item').first().waitFor();
    assert.equal(await tid(page, 'nav-overview').getAttribute('aria-current'), 'page');
    // Översikt comes first in the menu; Kunder is still there.
    assert.deepEqual((await page.locator('.nav .nav-item').evaluateAll((xs) => xs.map((x) => x.dataset.testid))).slice(0, 2), ['nav-overview', 'nav-customers']);
    assert.equal(said(await page.locator('#overview-title').innerText()), 'Översikt');
    assert.equal(await tid(page, 'customer-list').count(), 0);

    const rows = tid(page, 'overview-item');
    assert.deepEqual(await rows.evaluateAll((xs) => xs.map((x) => x.dataset.key)), ITEMS.map((i) => i.key));
    assert.deepEqual(await texts(tid(page, 'overview-title')), ITEMS.map((i) => i.title.sv));
    assert.deepEqual(await rows.evaluateAll((xs) => xs.map((x) => x.dataset.urgency)), ['now', 'now', 'now', 'soon', 'soon']);
    assert.deepEqual(await texts(tid(page, 'overview-urgency')), ['Nu', 'Nu', 'Nu', 'Snart', 'Snart']);
    assert.deepEqual(await texts(tid(page, 'overview-action')), ['Öppna körningen', 'Se prenumerationen', 'Till nycklarna', 'Öppna pull requesten', 'Till inkorgen']);
    assert.deepEqual(await texts(tid(page, 'overview-detail')), ['Vercel svarade inte.']);
    // "Since" in the app's date format; none when the core knows none.
    assert.equal(await rows.nth(4).getByTestId('overview-since').count(), 0);
    assert.match(said(await rows.nth(0).getByTestId('overview-since').innerText()), /^Sedan 6 jan\. 2025 09:30$/);
    // The terminal's command is a tooltip only.
    assert.equal(await tid(page, 'overview-action').first().getAttribute('title'), 'fabrik runs show 41');

    assert.equal(said(await tid(page, 'nav-overview-count').innerText()), '5');
    const g = await glance(page);
    assert.equal(g.customers, 'Kunder 5 aktiva av 12');
    assert.equal(g.revenue, 'Intäkter, senaste 30 dagarna 12 495,00 kr 2 kunder saknar länkad prenumeration');
    assert.equal(g.cost, 'Kostnader, senaste 30 dagarna 3 100,00 kr');
    assert.equal(g.margin, 'Marginal, senaste 30 dagarna 9 395,00 kr');
    assert.equal(g.payments, 'Misslyckade betalningar 1');
    assert.equal(g.health, 'Instansernas hälsa 3 friska 1 med fel 1 inte kontrollerade');

    // Nothing of a provider's own ids (or the terminal's commands) on screen.
    const shown = await tid(page, 'overview').innerText();
    assert.doesNotMatch(shown, /\b(sub|in|prj|dpl|cus)_[A-Za-z0-9]+/);
    assert.doesNotMatch(shown, /\d{7,}/);
    assert.doesNotMatch(shown, /fabrik /);

    // 1280×800: nothing cut; the long name wraps inside its row.
    const cut = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="overview"] *')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
        .map((e) => e.className),
    );
    assert.deepEqual(cut, []);
    const wide = await page.evaluate(() => {
      const main = document.querySelector('.main');
      const items = [...document.querySelectorAll('[data-testid="overview-item"]')];
      return { page: main.scrollWidth > main.clientWidth, rows: items.filter((r) => r.scrollWidth > r.clientWidth).length, tall: items[3].getBoundingClientRect().height > items[4].getBoundingClientRect().height };
    });
    assert.deepEqual(wide, { page: false, rows: 0, tall: true });
    assertClean();
  });

  test('in English: the core\'s English titles and the page\'s own words', async (t) => {
    const { page, assertClean } = await open(t, FIXED);
    await tid(page, 'overview-item').first().waitFor();
    await tid(page, 'language-switch').selectOption('en');
    await page.locator('#overview-title', { hasText: 'Overview' }).waitFor();
    assert.deepEqual(await texts(tid(page, 'overview-title')), ITEMS.map((i) => i.title.en));
    assert.deepEqual(await texts(tid(page, 'overview-urgency')), ['Now', 'Now', 'Now', 'Soon', 'Soon']);
    assert.deepEqual(await texts(tid(page, 'overview-action')), ['Open the run', 'See the subscription', 'To the keys', 'Open the pull request', 'To the inbox']);
    assert.equal(said(await tid(page, 'nav-overview').innerText()), 'Overview5');
    const g = await glance(page);
    assert.equal(g.customers, 'Customers 5 active of 12');
    assert.match(g.revenue, /^Revenue, last 30 days SEK 12,495\.00 2 customers have no linked subscription$/);
    assert.equal(g.health, "The instances' health 3 healthy 1 with problems 1 not checked");
    assertClean();
  });

  test('from the fake\'s own state: a failed run opens its customer\'s page on that run, a request the inbox', async (t) => {
    const config = {
      overview: { failed: [{ slug: 'cafe-oresund', kind: 'redeploy' }] },
      intake: { items: [{ id: 1, name: 'Nyare Konsult AB', admin_email: 'erik@konsult.se', source: 'portal', received_at: '2025-01-06T08:00:00Z' }] },
    };
    const { page, assertClean } = await open(t, config);
    await tid(page, 'overview-item').first().waitFor();
    assert.deepEqual(await tid(page, 'overview-item').evaluateAll((xs) => xs.map((x) => x.dataset.kind)), ['run_failed', 'request_waiting']);
    assert.deepEqual(await texts(tid(page, 'overview-title')), ['Ny driftsättning för Café Öresund misslyckades', 'Nyare Konsult AB vill bli kund']);
    assert.equal(said(await tid(page, 'nav-overview-count').innerText()), '2');
    // The glance as the fake's register has it: five of the twelve examples active, no money linked.
    const g = await glance(page);
    assert.equal(g.customers, 'Kunder 5 aktiva av 12');
    assert.equal(g.revenue, 'Intäkter, senaste 30 dagarna okänd 5 kunder saknar länkad prenumeration');
    assert.equal(g.health, 'Instansernas hälsa 0 friska 5 inte kontrollerade');

    await tid(page, 'overview-action').nth(0).click();
    await page.locator('[data-testid="customer-title"]', { hasText: 'Café Öresund' }).waitFor();
    const run = await page.evaluate(() => window.__mockRuns.runs[0].id);
    await page.locator(`[data-testid="run-panel"][data-run="${run}"] [data-testid="run-state"][data-state="failed"]`).waitFor();

    await tid(page, 'nav-overview').click();
    await tid(page, 'overview-action').nth(1).click();
    await tid(page, 'inbox').waitFor();
    assert.equal(await tid(page, 'nav-inbox').getAttribute('aria-current'), 'page');
    assertClean();
  });

  test('a pull request opens outside the window, the keys in settings; "Uppdatera" reads again and says a failure', async (t) => {
    const { page, assertClean } = await open(t, FIXED);
    await tid(page, 'overview-item').first().waitFor();
    await page.locator('[data-testid="overview-item"][data-kind="template_conflict"] [data-testid="overview-action"]').click();
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'open_external'));
    assert.deepEqual((await ipcCalls(page, 'open_external')).map((c) => c.args.url), [ITEMS[3].url]);
    assert.equal(await tid(page, 'nav-overview').getAttribute('aria-current'), 'page');

    const asked = (await ipcCalls(page, 'overview')).length;
    await tid(page, 'overview-refresh').click();
    await page.waitForFunction((n) => window.__mockCalls.filter((c) => c.cmd === 'overview').length > n, asked);
    // That read answered (the button is back) before the next one is made to fail: armed while
    // it was still on its way (the fake's latency), the failure was that read's, and the next
    // click's read cleared it again (failed once in the full run, under load).
    await page.waitForFunction(() => !document.querySelector('[data-testid="overview-refresh"]')?.disabled);
    await page.evaluate(() => {
      window.__mockFail.overview = { code: 'internal', message: 'Internt fel: disken', params: { detail: 'disken' }, fields: [] };
    });
    await tid(page, 'overview-refresh').click();
    await tid(page, 'overview-load-error').waitFor();
    assert.match(said(await tid(page, 'overview-load-error').innerText()), /^Översikten kunde inte läsas: /);
    // What was read before stays on screen.
    assert.equal(await tid(page, 'overview-item').count(), ITEMS.length);

    await page.locator('[data-testid="overview-item"][data-kind="token_expiring"] [data-testid="overview-action"]').click();
    await tid(page, 'settings').waitFor();
    assert.equal(await tid(page, 'nav-settings').getAttribute('aria-current'), 'page');
    assertClean();
  });

  test('nothing waits: one calm line and no badge; Kunder is one click away', async (t) => {
    const { page, assertClean } = await open(t);
    await tid(page, 'overview-nothing').waitFor();
    assert.equal(said(await tid(page, 'overview-nothing').innerText()), 'Inget behöver dig just nu.');
    assert.equal(await tid(page, 'overview-item').count(), 0);
    assert.equal(await tid(page, 'nav-overview-count').count(), 0);
    await tid(page, 'nav-customers').click();
    await tid(page, 'customer-row').first().waitFor();
    await tid(page, 'nav-overview').click();
    await tid(page, 'overview-nothing').waitFor();
    await tid(page, 'language-switch').selectOption('en');
    await tid(page, 'overview-nothing').filter({ hasText: 'Nothing needs you right now.' }).waitFor();
    assertClean();
  });

  test('a clicked desktop notification opens its item; many at once open Översikt', async (t) => {
    const config = { overview: { failed: [{ slug: 'cafe-oresund', kind: 'redeploy' }] } };
    const { page, assertClean } = await open(t, config);
    await tid(page, 'overview-item').first().waitFor();
    const item = await page.evaluate(() => window.__TAURI_INTERNALS__.invoke('overview', {}).then((o) => o.items[0]));
    await tid(page, 'nav-customers').click();
    await tid(page, 'customer-row').first().waitFor();
    // What the shell emits when the desktop says the notification was clicked (src-tauri/src/notice.rs).
    const click = (payload) => page.evaluate((p) => window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: 'open-notice', payload: p }), payload);
    await click({ title: item.title.sv, body: item.detail.sv, item });
    await page.locator('[data-testid="customer-title"]', { hasText: 'Café Öresund' }).waitFor();
    await page.locator(`[data-testid="run-panel"][data-run="${item.id}"] [data-testid="run-state"][data-state="failed"]`).waitFor();
    await click({ title: '4 saker behöver dig', body: 'Klicka för att öppna Översikt.', item: null });
    await tid(page, 'overview-items').waitFor();
    assert.equal(await tid(page, 'nav-overview').getAttribute('aria-current'), 'page');
    assertClean();
  });

  test('Inställningar → Notiser: a switch a kind, kept by the core, in both languages', async (t) => {
    const { page, assertClean } = await open(t, { overview: { notificationsOff: ['limit_near'] } });
    await tid(page, 'nav-settings').click();
    await tid(page, 'notifications').waitFor();
    const boxes = page.locator('[data-testid="notifications"] input[type="checkbox"]');
    await boxes.first().waitFor();
    assert.deepEqual(
      await boxes.evaluateAll((xs) => xs.map((x) => [x.dataset.testid, x.checked])),
      [['notify-run_failed', true], ['notify-run_stuck', true], ['notify-health', true], ['notify-payment_failed', true], ['notify-decision_waiting', true], ['notify-request_waiting', true], ['notify-limit_near', false]],
    );
    assert.equal(said(await tid(page, 'notify-health').locator('xpath=..').innerText()), 'En kontroll hittade fel');
    await tid(page, 'notify-health').uncheck();
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'set_notification' && c.settled && c.ok));
    assert.deepEqual((await ipcCalls(page, 'set_notification')).map((c) => c.args), [{ kind: 'health', on: false }]);
    assert.equal(await tid(page, 'notify-health').isChecked(), false);
    await tid(page, 'notify-limit_near').check();
    await page.waitForFunction(() => window.__mockCalls.filter((c) => c.cmd === 'set_notification' && c.settled && c.ok).length === 2);
    assert.equal(await tid(page, 'notify-limit_near').isChecked(), true);
    await tid(page, 'language-switch').selectOption('en');
    await tid(page, 'notifications').getByText('A check found problems').waitFor();
    assertClean();
  });
});
