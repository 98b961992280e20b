// UI tests of a delivered instance: its health in the register and on its page, checked one or
// all at once, and the day-two operations (repair, pause and resume, a new admin password, the
// welcome email again, a custom domain). The built UI in headless Chromium, with the Tauri IPC
// answered by an in-memory fake of the Rust command surface (lib/mock-instances.js,
// lib/mock-runs.js). Run `npm run build` first, then `npm test`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectText, ipcCalls, opener, requireDist, runStarts, sharedBrowser, waitRows } from './lib/harness.mjs';

requireDist();

const shared = sharedBrowser();

const open = opener(shared);

const tid = (page, id) => page.getByTestId(id);

describe('health', () => {
  test('a healthy, an unhealthy and an unchecked instance side by side in the register', async (t) => {
    const at = '2026-11-23T07:30:00Z';
    const health = {
      'asas-bageri-cafe-ab': { healthy: true, findings: 0, checked_at: at },
      'cafe-oresund': { healthy: false, findings: 2, checked_at: at },
    };
    const { page, assertClean } = await open(t, { examples: true, health });
    await waitRows(page, 12);
    const live = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid^="health-"]')].map((e) => [e.dataset.testid.slice(7), e.dataset.health, e.textContent.trim()]),
    );
    const bySlug = Object.fromEntries(live.map(([slug, state, text]) => [slug, [state, text]]));
    assert.deepEqual(bySlug['asas-bageri-cafe-ab'], ['healthy', 'Frisk']);
    assert.deepEqual(bySlug['cafe-oresund'], ['unhealthy', 'Avvikelser: 2']);
    const unchecked = live.filter(([, state]) => state === 'unchecked');
    assert.ok(unchecked.length >= 1, JSON.stringify(live));
    for (const [, , text] of unchecked) assert.equal(text, 'Ej kontrollerad');
    // A delivered instance has no "Provisionera" button in its row, but its links; a link
    // opens in the system browser and leaves the register open.
    assert.equal(await page.locator('[data-testid="provision-row-asas-bageri-cafe-ab"]').count(), 0);
    for (const key of ['production', 'github', 'supabase', 'vercel']) {
      await tid(page, `row-link-${key}-asas-bageri-cafe-ab`).waitFor();
    }
    await tid(page, 'row-link-production-asas-bageri-cafe-ab').click();
    const opened = await ipcCalls(page, 'open_external');
    assert.deepEqual(opened.map((c) => c.args.url), ['https://asas-bageri-cafe-ab.exempel-fabrik.se']);
    assert.equal(await tid(page, 'customer-list').count(), 1, 'still on the register');
    assertClean();
  });

  test('the customer page shows each finding and what to do; "Kontrollera nu" checks again', async (t) => {
    const at = '2026-11-23T07:30:00Z';
    const T = (sv, en) => ({ sv, en });
    const finding = {
      part: 'vercel_env',
      kind: 'missing',
      subject: 'FABRIK_MODULES',
      message: T('Miljövariabeln FABRIK_MODULES saknas i Vercel.', 'The environment variable FABRIK_MODULES is missing in Vercel.'),
      action: T('Sätt variabeln igen i Vercel-projektet, för produktion, och gör en ny produktionsdeploy.', 'Set the variable again in the Vercel project, for production, and make a new production deployment.'),
      repair: 'vercel.env',
    };
    const report = { slug: 'cafe-oresund', environment: 'sandbox', checked_at: at, healthy: false, site: { url: 'https://cafe-oresund.exempel-fabrik.se', status: 200, ms: 120 }, findings: [finding] };
    const config = {
      examples: true,
      health: { 'cafe-oresund': { healthy: false, findings: 1, checked_at: at } },
      healthReports: { 'cafe-oresund': report },
    };
    const { page, assertClean } = await open(t, config);
    await tid(page, 'health-cafe-oresund').click();
    await tid(page, 'health-panel').waitFor();
    // The last check is read after the panel shows: until then it claims nothing, not "never checked".
    await page.waitForFunction(() => document.querySelector('[data-testid="health-panel"]')?.dataset.health !== 'loading');
    assert.equal(await tid(page, 'health-panel').getAttribute('data-health'), 'unhealthy');
    const text = await tid(page, 'health-findings').innerText();
    assert.match(text, /SAKNAS/i);
    assert.match(text, /FABRIK_MODULES saknas i Vercel/);
    assert.match(text, /Sätt variabeln igen i Vercel-projektet/);
    assert.match(await tid(page, 'health-summary').innerText(), /Webbplatsen svarade 200 på 120 ms/);

    await tid(page, 'check-health').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="health-panel"]')?.dataset.health === 'healthy');
    assert.equal(await tid(page, 'health-findings').count(), 0);
    assert.deepEqual(await ipcCalls(page, 'check_health').then((c) => c.map((x) => x.args.slug)), ['cafe-oresund']);
    assertClean();
  });

  test('a usage warning stands beside the findings and does not make a healthy instance unhealthy', async (t) => {
    const at = '2026-11-23T07:30:00Z';
    const T = (sv, en) => ({ sv, en });
    const near = T('Databasen närmar sig gränsen för Supabase Free: 473 MB av 500 MB, om 11 dagar.', 'The database nears the Supabase Free limit: 473 MB of 500 MB, in 11 days.');
    const report = { slug: 'cafe-oresund', environment: 'sandbox', checked_at: at, healthy: true, site: null, findings: [], usage: [near] };
    const config = {
      examples: true,
      health: { 'cafe-oresund': { healthy: true, findings: 0, checked_at: at } },
      healthReports: { 'cafe-oresund': report },
    };
    const { page, assertClean } = await open(t, config);
    await tid(page, 'health-cafe-oresund').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="health-panel"]')?.dataset.health === 'healthy');
    assert.equal(await tid(page, 'health-findings').count(), 0);
    const usage = await tid(page, 'health-usage').innerText();
    assert.match(usage, /ANVÄNDNING/i);
    assert.match(usage, /473 MB av 500 MB, om 11 dagar/);
    assertClean();
  });
});

describe('day two', () => {
  const at = '2026-11-23T07:30:00Z';
  const T = (sv, en) => ({ sv, en });
  const inactive = {
    part: 'workflow',
    kind: 'changed',
    subject: 'wf1',
    message: T('n8n-flödet fabrik-cafe-oresund är inte aktivt.', 'The n8n workflow fabrik-cafe-oresund is not active.'),
    action: T('Reparera slår på flödet igen.', 'Repair turns the workflow on again.'),
    repair: 'n8n.workflow',
  };
  const sick = {
    examples: true,
    health: { 'cafe-oresund': { healthy: false, findings: 1, checked_at: at }, 'asas-bageri-cafe-ab': { healthy: true, findings: 0, checked_at: at } },
    healthReports: {
      'cafe-oresund': { slug: 'cafe-oresund', environment: 'sandbox', checked_at: at, healthy: false, site: null, findings: [inactive] },
    },
  };

  test('a healthy and an unhealthy customer side by side; "Reparera" runs the step that mends it and both are healthy', async (t) => {
    const { page, assertClean } = await open(t, sick);
    assert.equal(await tid(page, 'health-asas-bageri-cafe-ab').getAttribute('data-health'), 'healthy');
    assert.equal(await tid(page, 'health-cafe-oresund').getAttribute('data-health'), 'unhealthy');
    await tid(page, 'health-cafe-oresund').click();
    await tid(page, 'repair-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-state"]')?.dataset.state === 'succeeded');
    await page.waitForFunction(() => document.querySelector('[data-testid="health-panel"]')?.dataset.health === 'healthy');
    assert.deepEqual((await runStarts(page, 'repair', 'pause', 'resume', 'redeploy', 'reset_password')).map((c) => c.args), [{ slug: 'cafe-oresund', kind: 'repair' }]);
    assert.match(await page.locator('.run-card').innerText(), /Skapa n8n-flöde/);
    await tid(page, 'back-to-list').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="health-cafe-oresund"]')?.dataset.health === 'healthy');
    assertClean();
  });

  test('pause asks first, makes the customer inactive, and offers resume; a new admin password says where it goes', async (t) => {
    const { page, assertClean } = await open(t, { examples: true });
    await page.locator('[data-slug="cafe-oresund"] .row-name').click();
    await tid(page, 'operations-panel').waitFor();
    assert.equal(await tid(page, 'resume-button').count(), 0);
    await tid(page, 'pause-button').click();
    assert.match(await tid(page, 'operations-dialog').innerText(), /kan inte logga in förrän instansen återupptas/);
    await tid(page, 'confirm-operation').click();
    await tid(page, 'resume-button').waitFor();
    assert.match(await page.locator('.title-meta').innerText(), /Inaktiv/);
    assert.equal(await tid(page, 'pause-button').count(), 0, 'a paused instance is resumed, not paused again');
    await tid(page, 'resume-button').click();
    await tid(page, 'pause-button').waitFor();

    await tid(page, 'reset-password-button').click();
    const dialog = await tid(page, 'operations-dialog').innerText();
    assert.match(dialog, /kontakt@cafeoresund\.se/);
    assert.match(dialog, /visas aldrig/);
    await tid(page, 'confirm-operation').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-state"]')?.dataset.state === 'succeeded');
    const kinds = (await runStarts(page, 'repair', 'pause', 'resume', 'redeploy', 'reset_password')).map((c) => c.args.kind);
    assert.deepEqual(kinds, ['pause', 'resume', 'reset_password']);
    assertClean();
  });

  test('the welcome email again is one click: a run of its own step, named as the core declares it', async (t) => {
    const { page, assertClean } = await open(t, { examples: true });
    await page.locator('[data-slug="cafe-oresund"] .row-name').click();
    await tid(page, 'resend-welcome-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-state"]')?.dataset.state === 'succeeded');
    assert.match(await page.locator('.run-card').innerText(), /Skicka välkomstmejlet igen/);
    assert.deepEqual((await runStarts(page, 'resend_welcome')).map((c) => c.args), [{ slug: 'cafe-oresund', kind: 'resend_welcome' }]);
    assertClean();
  });

  test("a custom domain: one click for the agency's subdomain, then listed as production; a bad name is refused; removed only with its name typed", async (t) => {
    const { page, assertClean } = await open(t, { examples: true, settings: { 'domains.agency': 'byran.se' } });
    await page.locator('[data-slug="cafe-oresund"] .row-name').click();
    // The list arrives after the panel is drawn: wait for it rather than read the panel at once.
    await expectText(tid(page, 'domains-panel'), 'Inga egna domäner');
    await tid(page, 'domain-input').fill('https://kund.se/');
    await tid(page, 'add-domain').click();
    await expectText(page.locator('.toast'), 'inte ett domännamn');
    assert.match(await tid(page, 'add-agency-domain').innerText(), /cafe-oresund\.byran\.se/);
    await tid(page, 'add-agency-domain').click();
    await page.locator('[data-domain="cafe-oresund.byran.se"]').waitFor();
    assert.match(await tid(page, 'domain-list').innerText(), /Produktionsadress/);
    assert.equal(await tid(page, 'add-agency-domain').count(), 0, 'added once');
    await tid(page, 'remove-domain').click();
    // The guarded gate: the domain typed again, nothing started before.
    const confirm = tid(page, 'domain-remove-confirm');
    await tid(page, 'domain-remove-input').fill('cafe-oresund.byran');
    assert.equal(await confirm.isDisabled(), true, 'a wrong name removes nothing');
    assert.equal((await runStarts(page, 'domain_remove')).length, 0);
    await tid(page, 'domain-remove-input').fill('cafe-oresund.byran.se');
    await confirm.click();
    await page.waitForFunction(() => !document.querySelector('[data-domain]'));
    const starts = await runStarts(page, 'domain_add', 'domain_remove');
    assert.deepEqual(
      starts.map((c) => c.args.domain),
      ['https://kund.se/', 'cafe-oresund.byran.se', 'cafe-oresund.byran.se'],
    );
    assert.equal(starts[2].args.confirmation, 'cafe-oresund.byran.se');
    assertClean();
  });
});

describe('check all', () => {
  test('"Kontrollera alla" checks every delivered instance with progress, then the dots show the result', async (t) => {
    const T = (sv, en) => ({ sv, en });
    const finding = { part: 'site', kind: 'unhealthy', subject: 'https://cafe-oresund.exempel-fabrik.se', message: T('Webbplatsen svarar HTTP 503.', 'The site answers HTTP 503.'), action: T('Se loggarna.', 'See the logs.'), repair: null };
    const { page, assertClean } = await open(t, { examples: true, eventDelay: 150, nextHealth: { 'cafe-oresund': [finding] } });
    await waitRows(page, 12);
    const delivered = await page.locator('[data-health="unchecked"]').count();
    assert.ok(delivered >= 2, `delivered instances on screen: ${delivered}`);
    await tid(page, 'check-all').click();
    await page.waitForFunction(() => /Kontrollerar \d+\/\d+/.test(document.querySelector('[data-testid="check-all"]')?.textContent ?? ''));
    assert.ok(await tid(page, 'check-all').isDisabled(), 'one sweep at a time');
    await expectText(page.locator('.toast'), `${delivered} kontrollerade, 1 ej friska`);
    await page.waitForFunction(() => document.querySelectorAll('[data-health="unchecked"]').length === 0);
    assert.equal(await tid(page, 'health-cafe-oresund').getAttribute('data-health'), 'unhealthy');
    assert.equal(await page.locator('[data-health="healthy"]').count(), delivered - 1);
    assert.equal(await tid(page, 'check-all').innerText(), 'Kontrollera alla');
    assertClean();
  });
});
