// UI tests for a handover (views/Handover.tsx, issue #59): "Lämna över" asks where each part goes
// and the slug typed (the teardown's guarded gate) and starts a `handover` run through start_run,
// the core's refusal shown in words; the Överlämning card shows each part waiting or taken and
// withdraws through `handover_withdraw`; no handover, no card; both languages.
// Built UI in headless Chromium, fake backend (lib/mock-handover.js).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcCalls, openApp, requireDist, runStarts, sharedBrowser } from './lib/harness.mjs';

requireDist();
const shared = sharedBrowser();
const SLUG = 'asas-bageri-cafe-ab';

async function open(t, config = {}) {
  const app = await openApp(shared.browser, shared.server.url, { examples: true, ...config });
  t.after(() => app.close());
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id);
const said = async (locator) => (await locator.textContent()).replace(/[\u00a0\u202f]/g, ' ').trim();

async function openCustomer(page, slug) {
  await page.locator(`[data-testid="customer-row"][data-slug="${slug}"]`).click();
  await tid(page, 'customer-title').waitFor();
  await page.waitForFunction((s) => window.__mockCalls.some((c) => c.cmd === 'handover_status' && c.args.slug === s && c.settled && c.ok), slug);
}

async function fillForm(page) {
  await tid(page, 'handover-github').fill('asas-bageri');
  await tid(page, 'handover-vercel').fill('team_asas');
  await tid(page, 'handover-supabase').fill('asas-org');
}

describe('a handover', () => {
  test('no handover: no card, and the status was asked without an error', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomer(page, SLUG);
    assert.equal(await tid(page, 'handover-panel').count(), 0);
    assert.equal(await said(tid(page, 'handover-button')), 'Lämna över');
    assertClean();
  });

  test('the form does not submit without every account and the slug typed; then a handover run starts', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomer(page, SLUG);
    await tid(page, 'handover-button').click();
    const confirm = tid(page, 'handover-confirm');
    assert.equal(await confirm.isDisabled(), true);
    // Where the letter goes is said before anything is confirmed.
    await page.waitForFunction(() => document.querySelector('[data-testid="handover-recipient"]')?.textContent?.includes('@'));
    assert.match(await said(tid(page, 'handover-recipient')), /^Brevet med koderna skickas till \S+@\S+,/);
    // The slug typed but the accounts empty: still refused.
    await tid(page, 'handover-input').fill(SLUG);
    assert.equal(await confirm.isDisabled(), true);
    // The accounts filled but the slug wrong: still refused, and Enter does nothing.
    await fillForm(page);
    await tid(page, 'handover-input').fill('asas');
    assert.equal(await confirm.isDisabled(), true);
    await tid(page, 'handover-input').press('Enter');
    assert.equal((await runStarts(page, 'handover')).length, 0);
    await tid(page, 'handover-input').fill(SLUG);
    assert.equal(await confirm.isDisabled(), false);
    await confirm.click();
    await tid(page, 'handover-dialog').waitFor({ state: 'detached' });
    assert.deepEqual((await runStarts(page, 'handover')).map((c) => c.args), [
      { slug: SLUG, kind: 'handover', to_github: 'asas-bageri', to_vercel_team: 'team_asas', to_supabase_org: 'asas-org', confirmation: SLUG },
    ]);
    // The run ends, the card reads the handover it recorded: every part waiting.
    await tid(page, 'handover-panel').waitFor();
    assert.deepEqual(await page.locator('[data-testid="handover-part"]').evaluateAll((els) => els.map((e) => e.dataset.taken)), ['false', 'false', 'false']);
    assertClean();
  });

  test('an address the owner types takes the letter, and the dialog says so before anyone confirms', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomer(page, SLUG);
    await tid(page, 'handover-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="handover-recipient"]')?.textContent?.includes('@'));
    await fillForm(page);
    await tid(page, 'handover-letter-to').fill(' cto@asas.example.se ');
    assert.equal(await said(tid(page, 'handover-recipient')), 'Brevet med koderna skickas till cto@asas.example.se, adressen du skrev, och ingen annanstans.');
    await tid(page, 'handover-input').fill(SLUG);
    await tid(page, 'handover-confirm').click();
    await tid(page, 'handover-dialog').waitFor({ state: 'detached' });
    assert.deepEqual((await runStarts(page, 'handover')).map((c) => c.args.letter_to), ['cto@asas.example.se']);
    assertClean();
  });

  test('the core’s refusal stays in the form, in words', async (t) => {
    const { page } = await open(t);
    await openCustomer(page, SLUG);
    await tid(page, 'handover-button').click();
    await fillForm(page);
    await tid(page, 'handover-input').fill(SLUG);
    await page.evaluate(() => {
      window.__mockFail.start_run = { code: 'forbidden', message: 'Du har inte rätt att lämna över kunder.', fields: [] };
    });
    await tid(page, 'handover-confirm').click();
    const refused = tid(page, 'handover-refused');
    await refused.waitFor();
    assert.equal(await refused.getAttribute('data-code'), 'forbidden');
    assert.match(await said(refused), /^Överlämningen startade inte: /);
    assert.equal(await tid(page, 'handover-dialog').count(), 1);
    assert.equal(await tid(page, 'handover-confirm').isDisabled(), false);
  });

  test('the card shows each part waiting or taken, to whom; withdraw calls the command with the slug typed', async (t) => {
    const handovers = {
      [SLUG]: { to_github: 'asas-bageri', to_vercel_team: 'team_asas', to_supabase_org: 'asas-org', supabase_claimed_at: '2025-01-05T10:00:00Z' },
    };
    const { page, assertClean } = await open(t, { handovers });
    await openCustomer(page, SLUG);
    const panel = tid(page, 'handover-panel');
    await panel.waitFor();
    assert.equal(await panel.getAttribute('data-handed-over'), 'false');
    assert.match(await said(tid(page, 'handover-to')), /GitHub asas-bageri · Vercel team_asas · Supabase asas-org/);
    const parts = page.locator('[data-testid="handover-part"]');
    assert.deepEqual(await parts.evaluateAll((els) => els.map((e) => [e.dataset.part, e.dataset.taken])), [
      ['supabase', 'true'],
      ['vercel', 'false'],
      ['github', 'false'],
    ]);
    assert.match(await said(parts.nth(0)), /taget 5 jan\. 2025 11:00/);
    assert.match(await said(parts.nth(1)), /väntar$/);
    await tid(page, 'handover-withdraw').click();
    assert.equal(await tid(page, 'handover-withdraw-confirm').isDisabled(), true);
    await tid(page, 'handover-withdraw-input').fill(SLUG);
    await tid(page, 'handover-withdraw-confirm').click();
    await panel.waitFor({ state: 'detached' });
    assert.deepEqual((await ipcCalls(page, 'handover_withdraw')).map((c) => [c.args, c.ok]), [[{ slug: SLUG, confirmation: SLUG }, true]]);
    assertClean();
  });

  test('"Lämna över" is not offered while a handover waits, nor once handed over; back after a withdrawal', async (t) => {
    const waiting = { to_github: 'asas-bageri', to_vercel_team: 'team_asas', to_supabase_org: 'asas-org' };
    const { page, assertClean } = await open(t, { handovers: { [SLUG]: waiting } });
    await openCustomer(page, SLUG);
    await tid(page, 'handover-panel').waitFor();
    assert.equal(await tid(page, 'handover-button').count(), 0, 'offered while the customer has not taken it');
    // Withdrawn: the page reads the same status again, and the button is back.
    await tid(page, 'handover-withdraw').click();
    await tid(page, 'handover-withdraw-input').fill(SLUG);
    await tid(page, 'handover-withdraw-confirm').click();
    await tid(page, 'handover-panel').waitFor({ state: 'detached' });
    await tid(page, 'handover-button').waitFor();
    // One read of the status per change, shared by the card and the button.
    assert.equal((await ipcCalls(page, 'handover_status')).filter((c) => c.args.slug === SLUG).length, 2);
    assertClean();

    const done = { ...waiting, supabase_claimed_at: '2025-01-05T10:00:00Z', vercel_accepted_at: '2025-01-05T11:00:00Z', github_accepted_at: '2025-01-05T12:00:00Z', handed_over_at: '2025-01-05T12:00:00Z' };
    const over = await open(t, { handovers: { [SLUG]: done } });
    await openCustomer(over.page, SLUG);
    await tid(over.page, 'handover-done').waitFor();
    assert.equal(await tid(over.page, 'handover-button').count(), 0, 'offered for an instance already handed over');
    // The customer's now: neither torn down nor read for an export from here.
    assert.equal(await tid(over.page, 'teardown-button').count(), 0, 'a teardown offered for a handed-over instance');
    assert.equal(await tid(over.page, 'export-data-button').count(), 0, 'an export offered for a handed-over instance');
    for (const id of ['update-modules-button', 'usage-panel', 'team-panel']) {
      assert.equal(await tid(over.page, id).count(), 0, `${id} for a handed-over instance`);
    }
    over.assertClean();
  });

  test('handed over: no withdraw, the moment shown; in English', async (t) => {
    const handovers = {
      [SLUG]: {
        to_github: 'asas-bageri', to_vercel_team: 'team_asas', to_supabase_org: 'asas-org',
        supabase_claimed_at: '2025-01-05T10:00:00Z', vercel_accepted_at: '2025-01-05T11:00:00Z', github_accepted_at: '2025-01-05T12:00:00Z', handed_over_at: '2025-01-05T12:00:00Z',
      },
    };
    const { page, assertClean } = await open(t, { handovers, language: 'en' });
    await openCustomer(page, SLUG);
    await tid(page, 'handover-panel').waitFor();
    assert.equal(await tid(page, 'handover-withdraw').count(), 0);
    assert.match(await said(tid(page, 'handover-done')), /^Handed over .*: the instance is the customer's\.$/);
    assert.equal(await said(page.locator('.handover-card .card-title')), 'Handover');
    assertClean();
  });
});
