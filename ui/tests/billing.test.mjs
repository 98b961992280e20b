// UI tests for billing beside the fleet (views/billing/, issue #58): the customer's Fakturering
// card shows the subscription (status, period, next payment, last failure), the drift with each
// offer on its existing guarded path (a pause asked first, a resume run, the plan saved then
// "Uppdatera moduler" asked, the teardown's typed gate, the owner's link), the decisions
// waiting, a comparison with Stripe on demand; the register's billing column; both languages.
// Built UI in headless Chromium, fake backend (lib/mock-billing.js).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcCalls, mockState, openApp, requireDist, runStarts, sharedBrowser } from './lib/harness.mjs';

requireDist();
const shared = sharedBrowser();

async function open(t, config = {}) {
  const app = await openApp(shared.browser, shared.server.url, { examples: true, ...config });
  t.after(() => app.close());
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id);
const said = async (locator) => (await locator.textContent()).replace(/[\u00a0\u202f]/g, ' ').trim();

async function openBilling(page, slug) {
  await page.locator(`[data-testid="customer-row"][data-slug="${slug}"]`).click();
  await tid(page, 'billing-panel').waitFor();
  await page.locator('[data-testid="billing-panel"] [aria-busy="true"]').waitFor({ state: 'detached' });
}

const finding = (page, kind) => page.locator(`[data-testid="billing-finding"][data-kind="${kind}"]`);

describe('a customer’s billing', () => {
  test('a failing subscription: status, period, next payment and the failure, the plan it pays for, and the decision waiting', async (t) => {
    const { page, assertClean } = await open(t, { billing: { waiting: { 'cafe-oresund': [['payment_failed', 'offer']] } } });
    await openBilling(page, 'cafe-oresund');
    assert.equal(await tid(page, 'billing-subscription').getAttribute('data-status'), 'past_due');
    assert.equal(await said(tid(page, 'billing-status')), 'Förfallen');
    assert.equal(await said(tid(page, 'billing-period')), '2025-01-18');
    assert.equal(await said(tid(page, 'billing-next')), '2025-01-08');
    assert.equal(await said(tid(page, 'billing-failure')), 'Kortet saknar täckning eller har nått sin gräns (försök 3)');
    assert.match(await said(finding(page, 'plan_differs')), /hör till planen professional, men instansen har starter/);
    assert.equal(await said(tid(page, 'billing-offer-change_plan')), 'Byt till Professional och uppdatera moduler');
    const waiting = page.locator('[data-testid="billing-decision"]');
    assert.equal(await waiting.count(), 1);
    assert.match(await said(waiting), /^Betalning misslyckades: erbjud/);
    assertClean();
  });

  test('a decision waiting is taken (its run started, then settled) or dismissed, each once', async (t) => {
    const { page, assertClean } = await open(t, { billing: { waiting: { 'cafe-oresund': [['payment_failed', 'offer'], ['period_ended', 'offer']] } } });
    await openBilling(page, 'cafe-oresund');
    const rows = page.locator('[data-testid="billing-decision"]');
    assert.equal(await rows.count(), 2);
    const failed = page.locator('[data-testid="billing-decision"][data-transition="payment_failed"]');
    const ended = page.locator('[data-testid="billing-decision"][data-transition="period_ended"]');
    assert.equal(await said(ended.getByTestId('billing-decision-take')), 'Avveckla…');
    // The teardown is its typed gate only: nothing settled, nothing started.
    await ended.getByTestId('billing-decision-take').click();
    await tid(page, 'teardown-input').waitFor();
    await page.keyboard.press('Escape');
    assert.equal((await ipcCalls(page, 'billing_settle')).length, 0);
    await failed.getByTestId('billing-decision-take').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="billing-decision"]').length === 1);
    assert.deepEqual((await runStarts(page, 'pause')).map((c) => c.args), [{ slug: 'cafe-oresund', kind: 'pause' }]);
    await ended.getByTestId('billing-decision-dismiss').click();
    await tid(page, 'billing-waiting').waitFor({ state: 'detached' });
    const settled = (await ipcCalls(page, 'billing_settle')).map((c) => [c.args.dismissed, c.result]);
    assert.deepEqual(settled, [[false, true], [true, true]]);
    assertClean();
  });

  test('the plan change is the plan saved, then "Uppdatera moduler" asked as ever', async (t) => {
    const { page, assertClean } = await open(t);
    await openBilling(page, 'cafe-oresund');
    await tid(page, 'billing-offer-change_plan').click();
    await tid(page, 'confirm-update-modules').waitFor();
    const saved = (await ipcCalls(page, 'update_customer')).at(-1);
    assert.equal(saved.args.patch.plan, 'professional');
    assert.equal(typeof saved.args.patch.expected_version, 'number');
    assert.match(await said(tid(page, 'modules-to')), /^Professional/);
    await tid(page, 'confirm-update-modules').click();
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'start_run' && c.args.request.kind === 'update_modules'));
    assert.equal((await runStarts(page, 'update_modules')).length, 1);
    assertClean();
  });

  test('cancelled but running: the pause is asked first, the teardown only through its typed gate; nothing starts on its own', async (t) => {
    // Ended at the period's end: that end is past, so it is not said to come.
    const { page, assertClean } = await open(t, { billing: { subscriptions: { 'fjallstugan-boende': { status: 'canceled', plan: 'enterprise', endsAtPeriod: true } } } });
    await openBilling(page, 'fjallstugan-boende');
    assert.equal(await said(tid(page, 'billing-status')), 'Uppsagd');
    assert.match(await said(finding(page, 'cancelled_running')), /Prenumerationen är avslutad i Stripe men instansen är igång/);
    assert.equal(await said(tid(page, 'billing-next')), 'ingen');
    assert.equal((await runStarts(page, 'pause', 'teardown')).length, 0, 'shown, not acted on');
    await tid(page, 'billing-offer-teardown').click();
    await tid(page, 'teardown-input').waitFor();
    assert.ok(await tid(page, 'teardown-confirm').isDisabled(), 'the slug must be typed');
    await page.keyboard.press('Escape');
    await tid(page, 'billing-offer-pause').click();
    await tid(page, 'cancelled-pause-dialog').waitFor();
    assert.equal((await runStarts(page, 'pause', 'teardown')).length, 0, 'asked first');
    assertClean();
  });

  test('once paused, nothing differs; paying but paused offers the resume run', async (t) => {
    const { page, assertClean } = await open(t, { billing: { subscriptions: { 'cafe-oresund': { status: 'canceled', plan: 'starter' } } } });
    await openBilling(page, 'cafe-oresund');
    await tid(page, 'billing-offer-pause').click();
    await tid(page, 'cancelled-pause-confirm').click();
    await tid(page, 'resume-button').waitFor();
    await tid(page, 'billing-no-findings').waitFor();
    assert.deepEqual((await runStarts(page, 'pause')).map((c) => c.args), [{ slug: 'cafe-oresund', kind: 'pause' }]);
    assertClean();

    const other = await open(t, { billing: { subscriptions: { 'cafe-oresund': { status: 'active', plan: 'starter' } } } });
    await openBilling(other.page, 'cafe-oresund');
    await tid(other.page, 'pause-button').click();
    await tid(other.page, 'confirm-operation').click();
    await finding(other.page, 'paying_paused').waitFor();
    assert.match(await said(finding(other.page, 'paying_paused')), /Prenumerationen betalas i Stripe men instansen är pausad/);
    await tid(other.page, 'billing-offer-resume').click();
    await tid(other.page, 'pause-button').waitFor();
    assert.deepEqual((await runStarts(other.page, 'resume')).map((c) => c.args), [{ slug: 'cafe-oresund', kind: 'resume' }]);
    await tid(other.page, 'billing-no-findings').waitFor();
    other.assertClean();
  });

  test('delivered without a subscription: the owner links one, kept in the setting the core reads', async (t) => {
    const { page, assertClean } = await open(t, { settings: { 'usage.stripe_subscriptions': 'annan-kund=sub_annan' } });
    await openBilling(page, 'halsohuset-i-lund');
    assert.equal(await said(tid(page, 'billing-no-subscription')), 'Ingen prenumeration i Stripe är länkad till kunden.');
    assert.match(await said(finding(page, 'no_subscription')), /ingen prenumeration i Stripe hör till kunden/);
    // The id typed by hand is the rare way, folded away under the list.
    await page.locator('.billing-link-manual summary').click();
    await tid(page, 'billing-link-input').fill('price_fel');
    await tid(page, 'billing-offer-link').click();
    assert.equal(await said(page.locator('.billing-link [role="alert"]')), 'Skriv ett id som börjar med sub_ eller cus_.');
    assert.equal((await ipcCalls(page, 'set_setting')).length, 0);
    await tid(page, 'billing-link-input').fill('sub_halsa1');
    await tid(page, 'billing-offer-link').click();
    await page.getByText('Länkad till en prenumeration som inte lästs från Stripe än.').waitFor();
    assert.equal(await tid(page, 'billing-link-id').getAttribute('data-id'), 'sub_halsa1');
    const set = (await ipcCalls(page, 'set_setting')).at(-1);
    assert.deepEqual(set.args, { key: 'usage.stripe_subscriptions', value: 'annan-kund=sub_annan, halsohuset-i-lund=sub_halsa1' });
    assert.equal(await finding(page, 'no_subscription').count(), 0);
    assertClean();
  });

  test('revenue linked from the account\'s subscriptions: the payer with the customer\'s email first, no id typed or shown', async (t) => {
    const account = [
      { id: 'sub_nyast', name: 'Någon Annan AB', email: 'kassa@annan.se', status: 'active', amount: 29900 },
      { id: 'sub_annans', name: 'Annan Kund AB', email: 'info@annankund.se', status: 'active', amount: 49900 },
      { id: 'sub_namn', name: 'Hälsohuset i Lund AB', email: 'ekonomi@example.se', status: 'trialing', amount: 49900 },
      { id: 'sub_avslutad', name: 'Hälsohuset i Lund', email: 'info@halsohusetlund.se', status: 'canceled', amount: 49900 },
      { id: 'sub_halsa', name: 'Karin Dahl', email: 'INFO@halsohusetlund.se', status: 'active', amount: 99900, interval: 'year' },
    ];
    const { page, assertClean } = await open(t, { billing: { account }, settings: { 'usage.stripe_subscriptions': 'cafe-oresund=sub_annans' } });
    await openBilling(page, 'halsohuset-i-lund');
    await tid(page, 'billing-link-pick').click();
    await tid(page, 'billing-candidate').first().waitFor();
    const rows = await tid(page, 'billing-candidate').evaluateAll((xs) => xs.map((x) => [x.dataset.match, x.querySelector('[data-testid="billing-candidate-payer"]').textContent]));
    assert.deepEqual(rows, [['email', 'Karin Dahl'], ['name', 'Hälsohuset i Lund AB'], ['none', 'Någon Annan AB'], ['none', 'Annan Kund AB']]);
    const text = (await page.locator('[data-testid="billing-link-picker"] fieldset').innerText()).replace(/[\u00a0\u202f]/g, ' ');
    assert.match(text, /Karin Dahl · INFO@halsohusetlund\.se · 999,00 kr om året · Aktiv Samma e-post/);
    assert.match(text, /Annan Kund AB · info@annankund\.se · 499,00 kr i månaden · Aktiv · länkad till Café Öresund/);
    assert.ok(!/\b(sub|cus|price)_[A-Za-z0-9]+/.test(text), `no raw id: ${text}`);
    // The best match is picked for the person; another customer's is not pickable.
    assert.equal(await tid(page, 'billing-candidate').nth(0).locator('input').isChecked(), true);
    assert.equal(await tid(page, 'billing-candidate').nth(3).locator('input').isDisabled(), true);
    await tid(page, 'billing-link-confirm').click();
    await tid(page, 'billing-subscription').waitFor();
    assert.deepEqual((await ipcCalls(page, 'billing_link')).map((c) => c.args), [{ slug: 'halsohuset-i-lund', subscription: 'sub_halsa' }]);
    await page.getByText('Intäkterna är länkade till prenumerationen som Karin Dahl betalar.').waitFor();
    assert.equal(await finding(page, 'no_subscription').count(), 0);
    assert.equal((await mockState(page)).settings['usage.stripe_subscriptions'], 'cafe-oresund=sub_annans, halsohuset-i-lund=sub_halsa');
    await tid(page, 'language-switch').selectOption('en');
    assertClean();
  });

  test('"Jämför med Stripe" compares now and says what it found; without a Stripe key it says so', async (t) => {
    const { page, assertClean } = await open(t);
    await openBilling(page, 'asas-bageri-cafe-ab');
    assert.equal(await said(tid(page, 'billing-status')), 'Aktiv');
    await tid(page, 'billing-reconcile').click();
    await page.getByText(/^Jämförde 5 prenumerationer med 5 kunder: \d+ skillnader\.$/).waitFor();
    assert.equal((await ipcCalls(page, 'billing_reconcile')).length, 1);
    assertClean();

    const other = await open(t, { billing: { noStripe: true } });
    await openBilling(other.page, 'asas-bageri-cafe-ab');
    await tid(other.page, 'billing-reconcile').click();
    await other.page.getByText(/Token saknas för Stripe/).first().waitFor();
  });
});

describe('the register’s billing column', () => {
  test('each delivered customer’s status, marked when something differs or a payment failed, read once from the register', async (t) => {
    const { page, assertClean } = await open(t);
    await tid(page, 'billing-cell-asas-bageri-cafe-ab').waitFor();
    assert.equal(await tid(page, 'billing-cell-asas-bageri-cafe-ab').getAttribute('data-status'), 'active');
    assert.equal(await tid(page, 'billing-mark-asas-bageri-cafe-ab').count(), 0);
    assert.equal(await said(tid(page, 'billing-cell-cafe-oresund')), 'Förfallen!');
    assert.equal(await said(tid(page, 'billing-cell-fjallstugan-boende')), 'Uppsagd!');
    assert.equal(await said(tid(page, 'billing-cell-halsohuset-i-lund')), '–!');
    const title = await tid(page, 'billing-cell-cafe-oresund').getAttribute('title');
    assert.match(title, /betalning misslyckades/);
    assert.match(title, /1 skillnader/);
    // One call for the whole list, none to Stripe.
    assert.equal((await ipcCalls(page, 'billing_column')).length, 1);
    assert.equal((await ipcCalls(page, 'billing_reconcile')).length, 0);
    assert.equal(await page.locator('.table-head .col-billing').textContent(), 'Fakturering');
    assertClean();
  });

  test('in English', async (t) => {
    const { page, assertClean } = await open(t, { language: 'en' });
    await tid(page, 'billing-cell-cafe-oresund').waitFor();
    assert.equal(await said(tid(page, 'billing-cell-cafe-oresund')), 'Past due!');
    assert.equal(await page.locator('.table-head .col-billing').textContent(), 'Billing');
    await openBilling(page, 'fjallstugan-boende');
    assert.match(await said(finding(page, 'cancelled_running')), /The subscription has ended in Stripe but the instance is running/);
    assert.equal(await said(tid(page, 'billing-offer-teardown')), 'Tear down…');
    assert.equal(await said(tid(page, 'billing-next')), 'none');
    const state = await mockState(page);
    assert.ok(state.customers.length > 0);
    assertClean();
  });
});

describe('the owner’s billing policy (Inställningar)', () => {
  async function openPolicy(page) {
    await tid(page, 'nav-settings').click();
    await tid(page, 'policy-table').waitFor();
  }
  const step = (page, plan, tr) => tid(page, `policy-step-${plan}-${tr}`);

  test('every plan × transition as the core has it; a cell and a grace saved one at a time; the teardown never "do"', async (t) => {
    const { page, assertClean } = await open(t);
    await openPolicy(page);
    assert.equal(await page.locator('[data-testid="policy-row"]').count(), 3);
    assert.equal(await step(page, 'starter', 'payment_failed').inputValue(), 'offer');
    assert.equal(await step(page, 'starter', 'resumed').inputValue(), 'do');
    assert.equal(await step(page, 'starter', 'payment_failed').getAttribute('data-chosen'), 'false');
    // The period's end offers every step but "do", which is shown, disabled, and said why.
    const ended = step(page, 'enterprise', 'period_ended');
    assert.ok(await ended.locator('option[value="do"]').isDisabled());
    assert.ok(!(await ended.locator('option[value="offer"]').isDisabled()));
    assert.ok(!(await step(page, 'enterprise', 'paused').locator('option[value="do"]').isDisabled()));
    assert.match(await said(tid(page, 'policy-never-period_ended')), /^Perioden slut: En avveckling görs aldrig automatiskt/);
    assert.match(await said(tid(page, 'policy-no-export')), /ingen export/);
    assert.equal(await tid(page, 'policy-grace-starter').inputValue(), '');
    assert.equal(await said(tid(page, 'policy-grace-kept-starter')), 'tills Stripe ger upp');

    await step(page, 'starter', 'payment_failed').selectOption('do');
    await page.locator('[data-testid="toast"]', { hasText: 'Policyn är sparad' }).first().waitFor();
    assert.deepEqual((await ipcCalls(page, 'billing_policy_set')).map((c) => c.args), [{ plan: 'starter', transition: 'payment_failed', step: 'do' }]);
    await page.waitForFunction(() => document.querySelector('[data-testid="policy-step-starter-payment_failed"]').dataset.chosen === 'true');
    assert.equal(await step(page, 'professional', 'payment_failed').inputValue(), 'offer', 'another plan as it was');

    // A grace the core could not take is not sent; a number is, and kept beside the step.
    await tid(page, 'policy-grace-starter').fill('-3');
    await tid(page, 'policy-grace-starter').press('Enter');
    assert.equal(await said(tid(page, 'policy-grace-error-starter')), 'Skriv ett helt antal dagar, 0 eller fler, eller lämna tomt.');
    assert.equal((await ipcCalls(page, 'billing_policy_grace')).length, 0);
    await tid(page, 'policy-grace-starter').fill('14');
    await tid(page, 'policy-grace-starter').press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="policy-grace-kept-starter"]')?.textContent.trim() === '14 dagar');
    await tid(page, 'policy-grace-starter').fill('');
    await tid(page, 'policy-grace-starter').press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="policy-grace-kept-starter"]')?.textContent.trim() === 'tills Stripe ger upp');
    assert.deepEqual((await ipcCalls(page, 'billing_policy_grace')).map((c) => c.args), [
      { plan: 'starter', days: 14 },
      { plan: 'starter', days: null },
    ]);
    assert.equal(await step(page, 'starter', 'payment_failed').inputValue(), 'do', 'the step kept beside the grace');
    assertClean();
  });

  test('the register’s refusal in words (a login that is not an owner), in English too; nothing changes', async (t) => {
    const { page } = await open(t, { billing: { policyRefused: 'anna' } });
    await openPolicy(page);
    await step(page, 'starter', 'paused').selectOption('do');
    await tid(page, 'policy-refused').waitFor();
    assert.equal(await tid(page, 'policy-refused').getAttribute('data-code'), 'forbidden');
    assert.match(await said(tid(page, 'policy-refused')), /^Ändringen sparades inte: Inloggningen anna saknar rätten att ändra registrets inställningar/);

    const en = await open(t, { language: 'en', billing: { policyRefused: 'anna' } });
    await openPolicy(en.page);
    assert.match(await said(tid(en.page, 'policy-never-period_ended')), /^Period ended: A teardown is never done on its own/);
    await tid(en.page, 'policy-grace-professional').fill('7');
    await tid(en.page, 'policy-grace-professional').press('Enter');
    await tid(en.page, 'policy-refused').waitFor();
    assert.match(await said(tid(en.page, 'policy-refused')), /^The change was not saved: The login anna lacks the right to change the register's settings/);
    assert.equal(await said(tid(en.page, 'policy-grace-kept-professional')), 'until Stripe gives up', 'as it was');
  });

  test('the core’s refusal of a teardown set to "do" is shown in its words', async (t) => {
    const { page } = await open(t);
    await openPolicy(page);
    // Only a forged choice reaches the core: the option is disabled in the window.
    await page.evaluate(() => {
      const sel = document.querySelector('[data-testid="policy-step-starter-period_ended"]');
      sel.querySelector('option[value="do"]').disabled = false;
    });
    await step(page, 'starter', 'period_ended').selectOption('do');
    await tid(page, 'policy-refused').waitFor();
    assert.equal(await tid(page, 'policy-refused').getAttribute('data-code'), 'billing_teardown_never_do');
    assert.match(await said(tid(page, 'policy-refused')), /En avveckling görs aldrig automatiskt: välj ingenting, meddela eller erbjud/);
    assert.equal(await step(page, 'starter', 'period_ended').inputValue(), 'offer', 'as the core keeps it');
  });
});
