// UI tests for usage (views/usage/, issue #57): a customer's charts draw a day not reported as
// a gap (never a 0) and say so in text; its warnings, money and plan fit; the fleet's
// Användning sorts by margin, nearest limit and growth and filters like the register; its CSV
// export; the price book's checks; both languages. Built UI in headless Chromium, fake backend
// (lib/mock-usage.js: 90 days, days 50–52 not collected for the fleet).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcCalls, openApp, requireDist, sharedBrowser } from './lib/harness.mjs';

requireDist();
const shared = sharedBrowser();

async function open(t, config = {}, options) {
  const app = await openApp(shared.browser, shared.server.url, { examples: true, ...config }, options);
  t.after(() => app.close());
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id);
/** What a locator says, with the narrow and no-break spaces of number formats as plain ones. */
const said = async (locator) => (await locator.textContent()).replace(/[\u00a0\u202f]/g, ' ').trim();
const rowSlugs = (page) => page.locator('[data-testid="usage-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.slug));

async function openFleet(page) {
  await tid(page, 'nav-usage').click();
  await page.locator('[data-testid="usage-row"]').first().waitFor();
}

async function openCustomerUsage(page, slug) {
  await page.locator(`[data-testid="customer-row"][data-slug="${slug}"]`).click();
  await tid(page, 'usage-chart-database').waitFor();
}

/**
 * How many pixels of the line's colour the chart's canvas has in the column of day `index` (of
 * `days`), inside the plot area: 0 where the line has a gap.
 */
function lineInk(page, testId, index, days) {
  return page.evaluate(
    ({ testId, index, days }) => {
      const box = document.querySelector(`[data-testid="${testId}-plot"]`);
      const canvas = box.querySelector('canvas');
      const over = box.querySelector('.u-over');
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const left = over.offsetLeft;
      const x = Math.round((left + (index / (days - 1)) * over.offsetWidth) * ratio);
      const top = Math.round(over.offsetTop * ratio);
      const height = Math.round(over.offsetHeight * ratio);
      const px = canvas.getContext('2d').getImageData(x - 1, top, 3, height).data;
      let ink = 0;
      // The accent (#3a4ee0, anti-aliased): blue well above red and green; grid lines are grey.
      for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && px[i + 2] - px[i] > 60) ink++;
      return ink;
    },
    { testId, index, days },
  );
}

describe('a customer’s usage', () => {
  test('the charts draw 90 days with a gap where nothing was reported, and say it in text', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomerUsage(page, 'asas-bageri-cafe-ab');
    const chart = tid(page, 'usage-chart-database');
    assert.equal(await chart.getAttribute('data-days'), '90');
    for (const id of ['database', 'requests', 'users', 'storage', 'executions', 'emails']) {
      assert.equal(await tid(page, `usage-chart-${id}`).locator('canvas').count(), 1, `${id} is drawn`);
    }
    await page.waitForTimeout(100);
    // Days 50–52 were not collected: no line there; the days around have one.
    assert.equal(await lineInk(page, 'usage-chart-database', 51, 90), 0, 'a gap, not a line to 0');
    assert.ok((await lineInk(page, 'usage-chart-database', 20, 90)) > 0, 'a reported day is drawn');
    assert.ok((await lineInk(page, 'usage-chart-database', 60, 90)) > 0, 'a reported day is drawn');
    // The numbers as text: each day not reported is said so, never as 0.
    const db = tid(page, 'usage-chart-database-table');
    assert.equal(await db.locator('td[data-null="true"]').count(), 3);
    assert.equal(await said(db.locator('tr', { hasText: '2024-11-29' }).locator('td')), 'rapporteras inte');
    assert.match(await said(db.locator('tr', { hasText: '2024-10-09' }).locator('td')), /^120 MB$/);
    // Resend did not answer the last 6 days: 3 + 6 days not reported, and the problem said.
    assert.equal(await tid(page, 'usage-chart-emails-table').locator('td[data-null="true"]').count(), 9);
    assert.equal(await lineInk(page, 'usage-chart-emails', 88, 90), 0);
    assert.match(await said(tid(page, 'usage-problems')), /Resend: svarade 503/);
    // The summary a screen reader hears.
    const label = await tid(page, 'usage-chart-database-plot').getAttribute('aria-label');
    assert.match(label, /^Databasens storlek: från 120 MB till 173 MB, högst 173 MB; 3 dagar rapporterades inte$/);
    // Latest figures, money and its lines.
    assert.equal(await said(tid(page, 'usage-latest-database_bytes')), '173 MB');
    assert.equal(await said(tid(page, 'usage-revenue')), '1 499,00 kr');
    assert.equal(await said(tid(page, 'usage-cost')), '338,40 kr');
    assert.equal(await page.locator('[data-testid="usage-cost-line"]').count(), 5);
    assert.equal(await said(tid(page, 'usage-margin')), '1 160,60 kr');
    assert.equal(await tid(page, 'usage-warnings').count(), 0);
    // The compute size by its plan name, in the head and in the cost.
    assert.match(await said(tid(page, 'usage-collected')), /· beräkningsstorlek Micro$/);
    assertClean();
  });

  test('a chart reads at a glance: its axis from the first reading, round steps in the unit it names with the period, a hover that names the day and value', async (t) => {
    const { page, assertClean } = await open(t, { usage: { since: { 'asas-bageri-cafe-ab': 2 } } });
    await openCustomerUsage(page, 'asas-bageri-cafe-ab');
    const chart = tid(page, 'usage-chart-database');
    // Two days collected of the page's 90: a week's axis, the two days at its end, not two dots at the edge of 90.
    assert.equal(await chart.getAttribute('data-window'), '90');
    assert.equal(await chart.getAttribute('data-days'), '7');
    assert.equal(await chart.getAttribute('data-reported'), '2');
    assert.ok((await lineInk(page, 'usage-chart-database', 5.5, 7)) > 0, 'the two days drawn as a line');
    // The unit and the period under the title; the steps round in it (173 MB: 0, 100, 200).
    assert.match(await said(tid(page, 'usage-chart-database-unit')), /^MB, dagens värde · \d+ \w+\.? – \d+ \w+\.?$/);
    assert.equal(await tid(page, 'usage-chart-database-plot').getAttribute('data-ticks'), '0|100|200');
    assert.match(await said(tid(page, 'usage-chart-requests-unit')), /^per dag · /);
    // Whole users, never half of one.
    for (const tick of (await tid(page, 'usage-chart-users-plot').getAttribute('data-ticks')).split('|')) assert.match(tick, /^[\d ]+$/, `a whole user: ${tick}`);
    // No "Dag: –" legend: the lines named, and a hover that says the day and the value.
    assert.equal(await said(tid(page, 'usage-chart-database-legend')), 'Databasens storlek');
    assert.equal(await tid(page, 'usage-chart-database-hover').count(), 0);
    const over = tid(page, 'usage-chart-database-plot').locator('.u-over');
    await over.scrollIntoViewIfNeeded();
    const box = await over.boundingBox();
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    const hover = tid(page, 'usage-chart-database-hover');
    await hover.waitFor();
    const last = await tid(page, 'usage-chart-database-table').locator('tbody tr').last().locator('td').textContent();
    assert.match(await said(hover), new RegExp(`^\\d+ \\w+\\.?${last.replace(/[\u00a0\u202f]/g, ' ')}$`));
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    assert.match(await said(hover), /rapporteras inte$/, 'a day before the first reading is said as not reported');
    await page.mouse.move(0, 0);
    await hover.waitFor({ state: 'detached' });
    // English: the same words in the reader's language.
    await page.getByTestId('language-switch').selectOption('en');
    assert.match(await said(tid(page, 'usage-chart-database-unit')), /^MB, the day’s value · /);
    assertClean();
  });

  test('a window whose locale is POSIX "C" (WebKitGTK with LANG unset) still draws the charts and the fleet', async (t) => {
    // uPlot reads navigator.language as its module loads; "C" is no language tag for Intl.
    const init = "Object.defineProperty(Navigator.prototype, 'language', { get: () => 'C', configurable: true });";
    const { page, assertClean } = await open(t, {}, { init });
    await openCustomerUsage(page, 'asas-bageri-cafe-ab');
    assert.equal(await tid(page, 'usage-chart-database').locator('canvas').count(), 1);
    await tid(page, 'back-to-list').click();
    await openFleet(page);
    assertClean();
  });

  test('a warning with its days left, a plan that fits badly; no margin across currencies or without a subscription', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomerUsage(page, 'cafe-oresund');
    const w = page.locator('[data-testid="usage-warning"]');
    assert.equal(await w.count(), 1);
    assert.equal(await w.getAttribute('data-figure'), 'database_bytes');
    assert.match(await said(w), /Databasen närmar sig gränsen för Supabase Free 95 % av gränsen \(473 MB av 500 MB, Supabase Free\) · om 11 dagar/);
    assert.match(await said(tid(page, 'usage-fit')), /Använder som professional, betalar starter/);
    // The limit drawn on its figure's chart, and only there.
    assert.match(await said(tid(page, 'usage-chart-database-legend')), /Gräns \(Supabase Free\): 500 MB/);
    assert.doesNotMatch(await said(tid(page, 'usage-chart-users-legend')), /Gräns/);

    await tid(page, 'back-to-list').click();
    await openCustomerUsage(page, 'fjallstugan-boende');
    assert.equal(await said(tid(page, 'usage-revenue')), '349,00 €');
    assert.equal(await said(tid(page, 'usage-margin')), 'okänd');
    assert.match(await said(tid(page, 'usage-margin-missing')), /Intäkten är i EUR och prislistan i SEK/);

    await tid(page, 'back-to-list').click();
    await openCustomerUsage(page, 'halsohuset-i-lund');
    assert.equal(await said(tid(page, 'usage-latest-revenue')), 'rapporteras inte');
    assert.match(await said(tid(page, 'usage-margin-missing')), /Ingen prenumeration/);
    assertClean();
  });

  test('a customer never collected: said so, no empty charts', async (t) => {
    const { page, assertClean } = await open(t, { usage: { never: ['cafe-oresund'] } });
    await page.locator('[data-testid="customer-row"][data-slug="cafe-oresund"]').click();
    await tid(page, 'usage-nothing').waitFor();
    assert.match(await said(tid(page, 'usage-collected')), /^Inte avläst än/);
    assert.equal(await tid(page, 'usage-chart-database').count(), 0);
    assert.equal(await said(tid(page, 'usage-latest-database_bytes')), 'rapporteras inte');
    assertClean();
  });

  test('Läs av nu: the collection runs, says what it read and what not, and the figures are read again', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomerUsage(page, 'cafe-oresund');
    await tid(page, 'usage-collect').click();
    await page.locator('[data-testid="toast"]', { hasText: 'Avläst nu' }).waitFor();
    assert.match(await said(tid(page, 'toast')), /Avläst nu: 5 instanser \(0 var redan avlästa i dag\)\. asas-bageri-cafe-ab: Resend svarade 503/);
    assert.equal((await ipcCalls(page, 'collect_usage')).length, 1);
    await page.waitForFunction(() => window.__mockCalls.filter((c) => c.cmd === 'usage_customer').length === 2);
    assertClean();
  });

  test('a customer not delivered has no usage section', async (t) => {
    const { page } = await open(t);
    await page.locator('[data-testid="customer-row"][data-slug="goteborgs-cykelverkstad"]').click();
    await tid(page, 'customer-title').waitFor();
    assert.equal(await tid(page, 'usage-panel').count(), 0);
    assert.equal((await ipcCalls(page, 'usage_customer')).length, 0);
  });
});

describe('the fleet’s usage', () => {
  test('sorted by lowest margin, nearest limit and fastest growth', async (t) => {
    const { page, assertClean } = await open(t);
    await openFleet(page);
    assert.match(await said(tid(page, 'usage-count')), /5 av 5 levererade kunder/);
    // Lowest margin (as a share of revenue) first; no margin last.
    assert.deepEqual(await rowSlugs(page), ['linkopings-blomsterhandel', 'cafe-oresund', 'asas-bageri-cafe-ab', 'fjallstugan-boende', 'halsohuset-i-lund']);
    assert.equal(await said(page.locator('[data-slug="linkopings-blomsterhandel"] [data-testid="usage-row-margin"]')), '−239,40 kr');

    await tid(page, 'usage-sort').selectOption('limit');
    const byLimit = await rowSlugs(page);
    assert.deepEqual(byLimit.slice(0, 2), ['linkopings-blomsterhandel', 'cafe-oresund']);
    assert.match(await said(page.locator('[data-slug="linkopings-blomsterhandel"] [data-testid="usage-nearest"]')), /Pausas vid inaktivitet · om 1 dag/);
    assert.match(await said(page.locator('[data-slug="cafe-oresund"] [data-testid="usage-nearest"]')), /Databasens storlek 95 % · om 11 dagar/);

    await tid(page, 'usage-sort').selectOption('growth');
    assert.deepEqual(await rowSlugs(page), ['cafe-oresund', 'asas-bageri-cafe-ab', 'linkopings-blomsterhandel', 'fjallstugan-boende', 'halsohuset-i-lund']);
    assert.equal(await said(page.locator('[data-slug="halsohuset-i-lund"] [data-testid="usage-growth"]')), '−11 %');

    // Sums per currency: the EUR customer is not added to the kronor.
    assert.match(await said(tid(page, 'usage-total-revenue')), /349,00 €\s*2 097,00 kr/);
    assert.equal(await said(tid(page, 'usage-total-margin')), '1 081,80 kr');
    assertClean();
  });

  test('the register’s filters, the days, the sparkline’s gap and a row that opens the customer', async (t) => {
    const { page, assertClean } = await open(t);
    await openFleet(page);
    // 90 days: the three days not collected break the line in two.
    assert.equal(await tid(page, 'usage-spark-cafe-oresund').getAttribute('data-pieces'), '2');

    await tid(page, 'plan-filter').selectOption('starter');
    assert.deepEqual(await rowSlugs(page), ['linkopings-blomsterhandel', 'cafe-oresund']);
    await tid(page, 'plan-filter').selectOption('');
    await tid(page, 'search').fill('FJÄLL');
    assert.deepEqual(await rowSlugs(page), ['fjallstugan-boende']);
    await tid(page, 'search').fill('');
    await tid(page, 'status-filter').selectOption('inactive');
    await tid(page, 'usage-no-match').waitFor();
    assert.match(await said(tid(page, 'usage-count')), /0 av 5/);
    await tid(page, 'usage-no-match').getByRole('button').click();
    assert.equal((await rowSlugs(page)).length, 5);

    await tid(page, 'usage-days').selectOption('30');
    await page.locator('[data-testid="usage-spark-cafe-oresund"][data-pieces="1"]').waitFor();
    assert.deepEqual(
      (await ipcCalls(page, 'usage_fleet')).map((c) => c.args),
      [{ days: 90 }, { days: 30 }],
    );

    // The filters and order survive a visit to a customer.
    await tid(page, 'usage-sort').selectOption('growth');
    await page.locator('[data-testid="usage-row"][data-slug="cafe-oresund"]').click();
    await tid(page, 'usage-chart-database').waitFor();
    assert.equal(await said(tid(page, 'customer-title')), 'Café Öresund');
    await tid(page, 'nav-usage').click();
    await page.locator('[data-testid="usage-row"]').first().waitFor();
    assert.equal(await tid(page, 'usage-sort').inputValue(), 'growth');
    assert.equal(await tid(page, 'usage-days').inputValue(), '30');
    assertClean();
  });

  test('Exportera CSV: the core writes the file and the window says where', async (t) => {
    const { page, assertClean } = await open(t);
    await openFleet(page);
    await tid(page, 'usage-days').selectOption('30');
    await tid(page, 'usage-export-csv').click();
    await page.locator('[data-testid="toast"]', { hasText: 'exporterades' }).waitFor();
    assert.match(await said(tid(page, 'toast')), /5 kunder exporterades till \/home\/user\/Hämtningar\/fabrik-usage-30d-1\.csv/);
    assert.deepEqual(
      (await ipcCalls(page, 'usage_csv')).map((c) => c.args),
      [{ days: 30 }],
    );
    assertClean();
  });

  test('in English', async (t) => {
    const { page, assertClean } = await open(t, { language: 'en' });
    await openFleet(page);
    assert.equal(await said(tid(page, 'nav-usage')), 'Usage');
    assert.match(await said(tid(page, 'usage-count')), /5 of 5 delivered customers/);
    assert.equal(await said(tid(page, 'usage-sort').locator('option:checked')), 'Lowest margin first');
    assert.match(await said(page.locator('[data-slug="linkopings-blomsterhandel"] [data-testid="usage-nearest"]')), /Paused when idle · in 1 day/);
    assert.equal(await said(page.locator('[data-slug="linkopings-blomsterhandel"] [data-testid="usage-row-margin"]')), '-SEK 239.40');
    await page.locator('[data-testid="usage-row"][data-slug="halsohuset-i-lund"]').click();
    await tid(page, 'usage-chart-database').waitFor();
    assert.equal(await said(tid(page, 'usage-latest-revenue')), 'not reported');
    assert.match(await tid(page, 'usage-chart-database-plot').getAttribute('aria-label'), /^Database size: from 80 MB to 71 MB, at most 80 MB; 3 days not reported$/);
    assert.match(await said(tid(page, 'usage-margin-missing')), /No subscription is known/);
    assertClean();
  });
});

describe('the price book', () => {
  async function openPrices(page) {
    await tid(page, 'nav-settings').click();
    await tid(page, 'price-amount-vercel.project').waitFor();
  }

  test('amounts in major units are checked before they are sent, and kept in minor units', async (t) => {
    const { page, assertClean } = await open(t);
    await openPrices(page);
    assert.equal(await tid(page, 'price-currency').inputValue(), 'sek');
    assert.equal(await tid(page, 'price-amount-vercel.project').inputValue(), '200,00');
    assert.equal(await tid(page, 'price-amount-supabase.disk_gb').inputValue(), '1,30');
    assert.match(await said(page.locator('[data-testid="price-line"][data-key="supabase.compute.ci_small"] th')), /^Supabase-beräkning Small, i månaden$/);
    // A row for every key the core declares; one the book has no price for is empty.
    assert.equal(await page.locator('[data-testid="price-line"]').count(), 23);
    assert.equal(await tid(page, 'price-amount-supabase.compute.ci_medium').inputValue(), '');
    assert.equal(await tid(page, 'price-amount-supabase.compute.ci_medium').getAttribute('placeholder'), 'inget pris');

    await tid(page, 'price-amount-vercel.project').fill('tvåhundra');
    await tid(page, 'price-amount-supabase.disk_gb').fill('1,305');
    await tid(page, 'price-amount-n8n.execution_1000').fill('-5');
    await tid(page, 'price-currency').fill('kr');
    await tid(page, 'price-save').click();
    assert.equal(await said(tid(page, 'price-error-vercel.project')), 'Skriv beloppet som ett tal, t.ex. 250 eller 12,50.');
    assert.equal(await said(tid(page, 'price-error-supabase.disk_gb')), 'Högst 2 decimaler.');
    assert.equal(await said(tid(page, 'price-error-n8n.execution_1000')), 'Ett pris kan inte vara negativt.');
    assert.match(await said(tid(page, 'price-error-currency')), /tre bokstäver/);
    assert.equal((await ipcCalls(page, 'set_price_book')).length, 0, 'nothing is sent while a field is wrong');

    await tid(page, 'price-amount-vercel.project').fill('250');
    await tid(page, 'price-amount-supabase.disk_gb').fill('1.5');
    // Emptied: no price for it in the book.
    await tid(page, 'price-amount-resend.email_1000').fill('');
    await tid(page, 'price-amount-n8n.execution_1000').fill('1 000,25');
    await tid(page, 'price-currency').fill('SEK');
    await tid(page, 'price-save').click();
    await page.locator('[data-testid="toast"]', { hasText: 'Prislistan är sparad' }).waitFor();
    const [sent] = await ipcCalls(page, 'set_price_book');
    assert.equal(sent.args.book.currency, 'sek');
    assert.deepEqual(Object.fromEntries(sent.args.book.lines.map((l) => [l.key, l.amount])), {
      'supabase.compute.ci_micro': 11000,
      'supabase.compute.ci_small': 16500,
      'supabase.disk_gb': 150,
      'vercel.project': 25000,
      'n8n.execution_1000': 100025,
      'fabrik.instance': 0,
    });
    assert.equal(await tid(page, 'price-amount-n8n.execution_1000').inputValue(), '1000,25');
    assertClean();
  });

  test('in English, and the core’s refusal shown', async (t) => {
    const { page } = await open(t, { language: 'en' });
    await openPrices(page);
    assert.equal(await tid(page, 'price-amount-vercel.project').inputValue(), '200.00');
    await tid(page, 'price-amount-vercel.project').fill('12.345');
    await tid(page, 'price-save').click();
    assert.equal(await said(tid(page, 'price-error-vercel.project')), 'At most 2 decimals.');
    await tid(page, 'price-amount-vercel.project').fill('12.34');
    await page.evaluate(() => {
      window.__mockFail.set_price_book = { code: 'invalid_setting', message: 'Ogiltig inställning', params: {}, fields: [] };
    });
    await tid(page, 'price-save').click();
    await tid(page, 'price-save-error').waitFor();
    assert.notEqual(await said(tid(page, 'price-save-error')), '');
  });
});
