// UI tests for Inkorg (issue #42): requests from the portal and Stripe, approved (one
// provisioning run) or rejected with a reason; "Hämta nu" reads the sources. Built UI in
// headless Chromium, fake backend (tests/lib/mock-intake.js, config key `intake`).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcCalls, openApp, requireDist, runStarts, sharedBrowser } from './lib/harness.mjs';

requireDist();
const shared = sharedBrowser();

async function open(t, config) {
  const app = await openApp(shared.browser, shared.server.url, config);
  t.after(async () => {
    await app.close();
  });
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id);
const runStartCount = async (page) => (await ipcCalls(page, 'start_run')).length;
const row = (page, id) => page.locator(`[data-testid="inbox-item"][data-id="${id}"]`);

const TWO_PENDING = {
  intake: {
    items: [
      { id: 1, name: 'Äldre Bageri AB', admin_email: 'anna@bageri.se', source: 'portal', plan: 'starter', received_at: '2025-01-05T08:00:00Z' },
      { id: 2, name: 'Nyare Konsult AB', admin_email: 'erik@konsult.se', source: 'stripe', plan: 'professional', received_at: '2025-01-06T08:00:00Z' },
      {
        id: 3,
        name: 'Gammal Kund AB',
        admin_email: 'kund@gammal.se',
        source: 'stripe',
        state: 'approved',
        slug: 'gammal-kund-ab',
        run_id: 77,
        run_state: 'succeeded',
        received_at: '2025-01-01T08:00:00Z',
        cancelled_at: '2025-01-04T08:00:00Z',
        portal_error: 'anslutningen nekades',
      },
    ],
    poll: { new_requests: 2, cancelled: 1, problems: [{ sv: 'Stripe svarade inte', en: 'Stripe did not answer' }] },
  },
};

async function openInbox(page) {
  await tid(page, 'nav-inbox').click();
  await tid(page, 'inbox-items').waitFor();
}

describe('inbox', () => {
  test('the badge counts pending requests; rows are newest first with source, plan and state', async (t) => {
    const { page, assertClean } = await open(t, TWO_PENDING);
    await tid(page, 'nav-inbox-count').waitFor();
    assert.equal((await tid(page, 'nav-inbox-count').innerText()).trim(), '2');
    assert.equal((await tid(page, 'nav-inbox').innerText()).replace(/\s+/g, ' ').trim(), 'Inkorg2');
    await openInbox(page);
    assert.deepEqual(await tid(page, 'inbox-name').allInnerTexts(), ['Nyare Konsult AB', 'Äldre Bageri AB', 'Gammal Kund AB']);
    assert.equal(await row(page, 2).getByTestId('inbox-source').innerText(), 'Stripe');
    assert.equal(await row(page, 1).getByTestId('inbox-source').innerText(), 'Portalen');
    assert.equal(await row(page, 1).getByTestId('inbox-state').innerText(), 'Väntar');
    // The approved, cancelled one: its customer, the warnings, no approve.
    const old = row(page, 3);
    assert.equal(await old.getByTestId('inbox-customer').innerText(), 'gammal-kund-ab');
    assert.match(await old.getByTestId('inbox-portal-error').innerText(), /^Portalen tog inte emot: anslutningen nekades; skrivs igen/);
    assert.match(await old.getByTestId('inbox-cancelled').innerText(), /Uppsagd i Stripe .*Fabrik tar aldrig ner/);
    assert.equal(await old.getByTestId('inbox-approve').count(), 0);
    // The sources' cards.
    await tid(page, 'inbox-source-portal').waitFor();
    await tid(page, 'inbox-source-stripe').getByTestId('inbox-plans').waitFor();
    assert.equal(await tid(page, 'inbox-portal-password').getAttribute('type'), 'password');
    assertClean();
  });

  test('approve one (no double call), reject the other with a reason (required)', async (t) => {
    const { page, assertClean } = await open(t, { ...TWO_PENDING, latency: 80 });
    await openInbox(page);

    // Approve: the button is disabled while under way, so a second click makes no second call.
    const first = row(page, 1);
    await first.getByTestId('inbox-approve').click();
    await first.getByTestId('inbox-approve').click({ timeout: 300 }).catch(() => {});
    await page.locator('[data-testid="inbox-item"][data-id="1"][data-state="approved"]').waitFor();
    const approves = await ipcCalls(page, 'intake_approve');
    assert.equal(approves.length, 1);
    assert.deepEqual(approves[0].args, { id: 1, plan: null });
    assert.equal(await first.getByTestId('inbox-state').innerText(), 'Godkänd');
    assert.equal(await first.getByTestId('inbox-customer').innerText(), 'aldre-bageri-ab');
    assert.match(await first.getByTestId('inbox-run').innerText(), /Pågår/);
    await tid(page, 'toast').filter({ hasText: 'Äldre Bageri AB är godkänd' }).waitFor();

    // Reject without a reason: the required error, no call.
    const second = row(page, 2);
    await second.getByTestId('inbox-reject').click();
    await second.getByTestId('inbox-reject-confirm').click();
    assert.equal(await second.getByTestId('inbox-reason-error').innerText(), 'Ange ett skäl');
    assert.equal((await ipcCalls(page, 'intake_reject')).length, 0);
    // With a reason.
    await second.getByTestId('inbox-reason').fill('Inte vår målgrupp');
    await second.getByTestId('inbox-reject-confirm').click();
    await page.locator('[data-testid="inbox-item"][data-id="2"][data-state="rejected"]').waitFor();
    const rejects = await ipcCalls(page, 'intake_reject');
    assert.equal(rejects.length, 1);
    assert.deepEqual(rejects[0].args, { id: 2, reason: 'Inte vår målgrupp' });
    assert.equal(await second.getByTestId('inbox-state').innerText(), 'Avvisad');
    // Nothing is pending now: no badge.
    await tid(page, 'nav-inbox-count').waitFor({ state: 'detached' });
    assertClean();
  });

  test('"Hämta nu" polls and says what it found; the list is read every few seconds', async (t) => {
    const { page, assertClean } = await open(t, TWO_PENDING);
    await openInbox(page);
    await tid(page, 'inbox-poll').click();
    const toast = tid(page, 'toast').filter({ hasText: 'Hämtat: 2 nya, 1 uppsagda, 1 problem' });
    await toast.waitFor();
    assert.match(await toast.innerText(), /Stripe svarade inte/);
    assert.equal((await ipcCalls(page, 'intake_poll')).length, 1);
    await tid(page, 'inbox-source-portal').getByTestId('inbox-source-polled').filter({ hasText: 'Senast hämtat' }).waitFor();
    // The view reads the inbox again on its own.
    const before = (await ipcCalls(page, 'intake_list')).length;
    await page.waitForFunction((n) => window.__mockCalls.filter((c) => c.cmd === 'intake_list').length > n, before, { timeout: 7000 });
    assertClean();
  });

  test('the sources: automatic provisioning, the portal, Stripe prices', async (t) => {
    const { page, assertClean } = await open(t, TWO_PENDING);
    await openInbox(page);
    const stripe = tid(page, 'inbox-source-stripe');
    await stripe.getByTestId('inbox-plan-add').click();
    await stripe.getByTestId('inbox-plan-id').fill('price_123');
    await stripe.getByTestId('inbox-plan-plan').selectOption('enterprise');
    await stripe.getByTestId('inbox-plans-save').click();
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'intake_set_source'));
    const set = async (n) => {
      await page.waitForFunction((n) => window.__mockCalls.filter((c) => c.cmd === 'intake_set_source').length === n, n);
      return (await ipcCalls(page, 'intake_set_source'))[n - 1].args;
    };
    assert.deepEqual(await set(1), { source: 'stripe', choices: { auto: false, plans: { price_123: 'enterprise' }, trials: [], daily_limit: 3 } });

    await stripe.getByTestId('inbox-auto').check();
    assert.deepEqual(await set(2), { source: 'stripe', choices: { auto: true, plans: { price_123: 'enterprise' }, trials: [], daily_limit: 3 } });

    // Issue #55: the price's free checkouts count as trials, and at most one a day on its own.
    await stripe.getByTestId('inbox-plan-trial').check();
    await stripe.getByTestId('inbox-plans-save').click();
    assert.deepEqual(await set(3), { source: 'stripe', choices: { auto: true, plans: { price_123: 'enterprise' }, trials: ['price_123'], daily_limit: 3 } });
    assert.match(await stripe.getByTestId('inbox-automatic-today').innerText(), /0 av 3 godkända automatiskt/);
    await stripe.getByTestId('inbox-daily-limit').fill('-1');
    assert.equal(await stripe.getByTestId('inbox-daily-limit-save').isDisabled(), true, 'no negative limit');
    await stripe.getByTestId('inbox-daily-limit').fill('1');
    await stripe.getByTestId('inbox-daily-limit-save').click();
    assert.deepEqual(await set(4), { source: 'stripe', choices: { auto: true, plans: { price_123: 'enterprise' }, trials: ['price_123'], daily_limit: 1 } });
    await stripe.getByTestId('inbox-automatic-today').filter({ hasText: '0 av 1' }).waitFor();

    const portal = tid(page, 'inbox-source-portal');
    await portal.getByTestId('inbox-portal-url').fill('postgres://fabrik@db.portal.se:5432/portal');
    await portal.getByTestId('inbox-portal-password').fill('hemligt');
    await portal.getByTestId('inbox-portal-save').click();
    await page.locator('[data-testid="inbox-source-portal"][data-configured="true"]').waitFor();
    assert.deepEqual((await ipcCalls(page, 'intake_set_portal'))[0].args, { url: 'postgres://fabrik@db.portal.se:5432/portal', password: 'hemligt' });
    assert.equal(await portal.getByTestId('inbox-portal-password').inputValue(), '');
    assertClean();
  });

  test('a request that waits says why; a Stripe price without a plan is approved only with one chosen', async (t) => {
    const waiting = {
      intake: {
        items: [
          {
            id: 5,
            name: 'Omappad AB',
            source: 'stripe',
            plan: null,
            waiting: { sv: 'Priset price_x är inte knutet till någon plan', en: 'The price price_x is not mapped to a plan' },
          },
          { id: 6, name: 'Gratis AB', source: 'stripe', plan: 'starter', waiting: { sv: 'Inget betalades', en: 'Nothing was paid' } },
          { id: 7, name: 'Auto AB', source: 'stripe', state: 'approved', automatic: true, slug: 'auto-ab', run_id: 70, run_state: 'succeeded', decided_by: 'kontoret', decided_at: '2025-01-05T08:00:00Z' },
        ],
      },
    };
    const { page, assertClean } = await open(t, waiting);
    await openInbox(page);
    assert.equal(await row(page, 5).getByTestId('inbox-waiting').innerText(), 'Priset price_x är inte knutet till någon plan');
    assert.equal(await row(page, 6).getByTestId('inbox-waiting').innerText(), 'Inget betalades');
    assert.match(await row(page, 7).getByTestId('inbox-decided').innerText(), /^automatiskt, kontoret/);
    // No plan chosen: approving is not offered; the mapped one needs no choice.
    const unmapped = row(page, 5);
    assert.equal(await unmapped.getByTestId('inbox-approve').isDisabled(), true);
    assert.equal(await row(page, 6).getByTestId('inbox-approve-plan').count(), 0);
    await unmapped.getByTestId('inbox-approve-plan').selectOption('professional');
    await unmapped.getByTestId('inbox-approve').click();
    await page.locator('[data-testid="inbox-item"][data-id="5"][data-state="approved"]').waitFor();
    assert.deepEqual((await ipcCalls(page, 'intake_approve'))[0].args, { id: 5, plan: 'professional' });
    assert.equal(await unmapped.getByTestId('inbox-waiting').count(), 0);
    assertClean();
  });

  test('a customer whose subscription Stripe ended: marked in the list, pause and teardown offered, nothing done alone', async (t) => {
    const { page, assertClean } = await open(t, { examples: true, cancelled: { 'cafe-oresund': '2025-01-04T08:00:00Z' } });
    const tags = page.locator('[data-slug="cafe-oresund"]').getByTestId('cancelled-tag');
    await tags.waitFor();
    assert.equal(await tags.innerText(), 'Uppsagd');
    assert.equal(await page.getByTestId('cancelled-tag').count(), 1, 'only the cancelled customer');
    await page.locator('[data-slug="cafe-oresund"] .row-name').click();
    await tid(page, 'customer-cancelled').waitFor();
    assert.match(await tid(page, 'customer-cancelled').innerText(), /Prenumerationen sades upp i Stripe .*aldrig ner en kund av sig själv/);
    assert.equal(await runStartCount(page), 0, 'nothing started on its own');
    await tid(page, 'cancelled-teardown').waitFor();
    await tid(page, 'cancelled-pause').click();
    await tid(page, 'cancelled-pause-confirm').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="cancelled-pause"]'));
    assert.deepEqual((await runStarts(page, 'pause', 'teardown', 'resume')).map((c) => c.args), [{ slug: 'cafe-oresund', kind: 'pause' }]);
    await tid(page, 'resume-button').waitFor();
    // Paused, the teardown is still offered.
    await tid(page, 'cancelled-teardown').waitFor();
    assertClean();
  });

  test('the open window reads the sources by itself once the list is painted, only those set up', async (t) => {
    const none = await open(t, TWO_PENDING);
    await none.page.waitForFunction(() => window.__mockCalls.filter((c) => c.cmd === 'intake_list').length >= 2);
    assert.equal((await ipcCalls(none.page, 'intake_poll')).length, 0, 'no source set up: nothing read');
    const stripe = { ...TWO_PENDING.intake, sources: [{ source: 'portal' }, { source: 'stripe', configured: true }] };
    const { page, assertClean } = await open(t, { intake: stripe });
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'intake_poll'));
    assert.equal((await ipcCalls(page, 'intake_poll')).length, 1);
    assertClean();
  });
});
