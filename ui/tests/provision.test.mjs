// Provisioning in the window: the fake backend REPLAYS RECORDED EVENT STREAMS (tests/fixtures/*.json,
// in the shape crates/fabrik-provision/src/provision/events.rs emits them) through the Tauri event mock, keeping
// run_detail/list_runs consistent with what it emitted. Run `npm run build` first.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ipcCalls, launchBrowser, openApp, requireDist, runStarts, startServer } from './lib/harness.mjs';

requireDist();

const fixture = (name) => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
const ALL_STEPS = ['supabase.project', 'supabase.ready', 'supabase.keys', 'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env', 'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize'];
const ASA = { name: 'Åsa Bageri', admin_email: 'asa@bageri.se' };

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(t, config) {
  const app = await openApp(browser, server.url, { eventDelay: 30, customers: [ASA], ...config });
  t.after(() => app.close());
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  // Every data-state a step row or the run state ever had, in order (to prove what was shown).
  await app.page.evaluate(() => {
    window.__seen = [];
    const record = (el) => {
      const id = el.dataset.testid;
      const last = window.__seen.filter((x) => x[0] === id).pop();
      if (!last || last[1] !== el.dataset.state) window.__seen.push([id, el.dataset.state]);
    };
    new MutationObserver(() => document.querySelectorAll('[data-state][data-testid]').forEach(record)).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-state'],
    });
  });
  return app;
}

const tid = (page, id) => page.getByTestId(id, { exact: true });
const seen = (page) => page.evaluate(() => window.__seen);
const stateOf = (page, id) => tid(page, id).getAttribute('data-state');

async function waitState(page, testId, state, timeout) {
  await page.waitForFunction(
    ([id, s]) => document.querySelector(`[data-testid="${id}"]`)?.dataset.state === s,
    [testId, state],
    { timeout },
  );
}

async function waitAllSteps(page, state, steps = ALL_STEPS) {
  await page.waitForFunction(
    ([keys, s]) => keys.every((k) => document.querySelector(`[data-testid="step-${k}"]`)?.dataset.state === s),
    [steps, state],
    { timeout: 15000 },
  );
}

async function openCustomer(page, slug = 'asa-bageri') {
  await page.locator(`[data-testid="customer-row"][data-slug="${slug}"] .row-name`).click();
  await tid(page, 'customer-title').waitFor();
}

/** Provisionera → the plan dialog → Starta. */
async function startFromPage(page) {
  await tid(page, 'provision-button').click();
  await tid(page, 'plan-dialog').waitFor();
  await tid(page, 'plan-item-supabase.project').waitFor();
  await tid(page, 'plan-start').click();
  await tid(page, 'timeline').waitFor();
}

/** The step rows' boxes, relative to the timeline (the customer card above may grow when the run ends), and the timeline's size. */
const stepBoxes = (page) =>
  page.evaluate(() => {
    const tl = document.querySelector('[data-testid="timeline"]').getBoundingClientRect();
    return [
      ['timeline', Math.round(tl.width), Math.round(tl.height)],
      ...[...document.querySelectorAll('[data-testid="timeline"] li.step')].map((el) => {
        const r = el.getBoundingClientRect();
        return [el.dataset.testid, Math.round(r.x - tl.x), Math.round(r.y - tl.y), Math.round(r.width), Math.round(r.height)];
      }),
    ];
  });

describe('provisioning', () => {
  test('a stream recorded from the real engine (CLI --json) replays to a finished run', async (t) => {
    const { page, assertClean } = await open(t, { scenario: fixture('recorded-success'), eventDelay: 5 });
    await openCustomer(page);
    await tid(page, 'provision-button').click();
    await tid(page, 'plan-dialog').waitFor();
    await tid(page, 'plan-start').click();
    await tid(page, 'timeline').waitFor();
    await waitState(page, 'run-state', 'succeeded');
    const states = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="timeline"] [data-testid^="step-"][data-state]')].map((e) => [e.dataset.testid, e.dataset.state]),
    );
    const steps = states.filter(([id]) => /^step-[a-z0-9]+\.[a-z_]+$|^step-finalize$/.test(id));
    assert.equal(steps.length, 14, JSON.stringify(states));
    assert.ok(steps.every(([, st]) => st === 'succeeded'), JSON.stringify(steps));
    assertClean();
  });

  test('the delivery stays on the page when the workflow backup that follows it starts at once', async (t) => {
    const { page, assertClean } = await open(t, { scenario: fixture('recorded-success'), eventDelay: 5, backupAfterDelivery: true });
    await openCustomer(page);
    await tid(page, 'provision-button').click();
    await tid(page, 'plan-dialog').waitFor();
    await tid(page, 'plan-start').click();
    await tid(page, 'timeline').waitFor();
    // The backup run ends after the delivery: wait for its end, then read the page.
    await page.waitForFunction(() => {
      const ends = window.__mockEmitted.filter((e) => e.type === 'run_finished' && e.state === 'succeeded');
      return new Set(ends.map((e) => e.run_id)).size === 2;
    });
    await waitState(page, 'run-state', 'succeeded');
    const steps = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="timeline"] [data-testid^="step-"][data-state]')]
        .map((e) => [e.dataset.testid, e.dataset.state])
        .filter(([id]) => /^step-[a-z0-9]+\.[a-z_]+$|^step-finalize$/.test(id)),
    );
    assert.equal(steps.length, 14, JSON.stringify(steps));
    assert.ok(steps.every(([, st]) => st === 'succeeded'), JSON.stringify(steps));
    assertClean();
  });

  test('success: plan dialog, live timeline with waiting text, no layout jumps, one run on double clicks, toast and quick links', async (t) => {
    const { page, assertClean } = await open(t, {
      scenario: fixture('success'),
      holdAfter: [
        { type: 'step_waiting', step: 'supabase.ready' },
        { type: 'step_waiting', step: 'vercel.deploy' },
      ],
    });
    await openCustomer(page);
    // Both the button and the dialog's Starta are pressed twice.
    await tid(page, 'provision-button').dblclick();
    await tid(page, 'plan-dialog').waitFor();
    assert.match(await tid(page, 'plan-item-supabase.project').innerText(), /Skapas[\s\S]*fabrik-asa-bageri/);
    assert.equal(await tid(page, 'plan-item-finalize').getAttribute('data-action'), 'run');
    await tid(page, 'plan-start').dblclick();
    await tid(page, 'timeline').waitFor();
    assert.equal(await tid(page, 'provision-button').isDisabled(), true, 'disabled while the run is active');

    // The waiting step says what it waits for, with the provider's word and the elapsed time.
    await waitState(page, 'step-supabase.ready', 'waiting');
    assert.equal(await tid(page, 'step-waiting-supabase.ready').innerText(), 'Väntar på att Supabase-projektet startar — COMING_UP, 0:42');
    assert.equal(await tid(page, 'step-state-supabase.ready').innerText(), 'Pågår');
    assert.equal(await stateOf(page, 'step-email.welcome'), 'pending');
    assert.equal(await tid(page, 'step-state-email.welcome').innerText(), 'Väntar');
    assert.equal(await stateOf(page, 'run-state'), 'running');
    // The customer's status is live: "Provisioneras" while the run drives it, not what the
    // register said when the page was loaded.
    assert.equal(await page.locator('.title-meta [data-status]').getAttribute('data-status'), 'provisioning');
    assert.equal(await page.locator('.title-meta [data-status]').innerText(), 'Provisioneras');
    await tid(page, 'active-runs-indicator').waitFor();
    await page.evaluate(() => window.__mockRelease());
    assert.match(await tid(page, 'active-runs-indicator').innerText(), /1 pågår/);
    assert.equal(await tid(page, 'step-supabase.project').getAttribute('data-state'), 'succeeded');

    // Grouped by provider, in order.
    const groups = await page.evaluate(() => [...document.querySelectorAll('.timeline-group-title')].map((e) => e.textContent));
    assert.deepEqual(groups, ['Supabase', 'GitHub', 'Vercel', 'n8n', 'E-post', 'Slutför']);

    // No layout jumps: the step rows keep their boxes while they change state.
    const before = await stepBoxes(page);
    assert.equal(before.length, 15);
    await waitState(page, 'step-vercel.deploy', 'waiting');
    assert.deepEqual(await stepBoxes(page), before, 'rows moved while steps updated');
    assert.match(await tid(page, 'step-waiting-vercel.deploy').innerText(), /Vercel bygger.*BUILDING, 0:12/);
    await page.evaluate(() => window.__mockRelease());

    await waitAllSteps(page, 'succeeded');
    await waitState(page, 'run-state', 'succeeded');
    assert.deepEqual(await stepBoxes(page), before, 'rows moved when the run finished');
    assert.equal(await tid(page, 'run-state').innerText(), 'Klar');
    await page.getByTestId('toast').filter({ hasText: 'Provisioneringen av Åsa Bageri är klar' }).waitFor();

    // The customer is reloaded: the SaaS instance card is filled in with working quick links.
    await tid(page, 'link-production').waitFor();
    assert.equal(await tid(page, 'instance-production_url').innerText(), 'https://asa-bageri.vercel.app');
    await tid(page, 'link-production').click();
    assert.deepEqual((await ipcCalls(page, 'open_external')).map((c) => c.args.url), ['https://asa-bageri.vercel.app']);
    await tid(page, 'active-runs-indicator').waitFor({ state: 'detached' });
    await tid(page, 'provision-button').waitFor({ state: 'detached' });

    // The step log expands, from run_detail's log.
    await tid(page, 'step-log-toggle-supabase.project').click();
    assert.match(await tid(page, 'step-log-supabase.project').innerText(), /Skapa Supabase-projekt: skapad \(asabagerixxabcdefghi\)/);

    // One run, however often the buttons were pressed.
    assert.equal((await runStarts(page, 'provision')).length, 1);
    assert.equal((await ipcCalls(page, 'plan_provision')).length, 1);
    assert.equal(await page.locator('[data-testid="history-list"] [data-testid="history-item"]').count(), 1);
    // A register file has no logins: no person on the run.
    assert.equal(await tid(page, 'run-person').count(), 0);
    assertClean();
  });

  test('a shared register names the login that started each run', async (t) => {
    const { page, assertClean } = await open(t, { scenario: fixture('recorded-success'), eventDelay: 5, person: 'anna' });
    await openCustomer(page);
    await startFromPage(page);
    const person = page.locator('[data-testid="history-item"] [data-testid="run-person"]');
    await person.waitFor();
    assert.equal(await person.innerText(), 'anna');
    assert.equal(await person.getAttribute('title'), 'Startad av anna');
    assertClean();
  });

  test('retry: a transient failure shows retrying and the second attempt', async (t) => {
    // The stream holds at the retry until the test has read it: beside a build, the second
    // attempt had already started between two reads of the step (fresh clone, CI mode).
    const { page, assertClean } = await open(t, {
      scenario: fixture('retry'),
      holdAfter: [{ type: 'step_retrying', step: 'github.repo' }],
    });
    await openCustomer(page);
    await startFromPage(page);
    await waitState(page, 'step-github.repo', 'retrying');
    const retrying = await tid(page, 'step-github.repo').innerText();
    assert.match(retrying, /Försöker igen[\s\S]*försök 1/);
    assert.match(retrying, /502 Bad Gateway/);
    await page.evaluate(() => window.__mockRelease());
    await waitState(page, 'step-github.repo', 'succeeded');
    assert.equal(await tid(page, 'step-attempts-github.repo').innerText(), 'försök 2');
    await waitState(page, 'run-state', 'succeeded', 15000);
    const states = (await seen(page)).filter(([id]) => id === 'step-github.repo').map(([, s]) => s);
    assert.deepEqual(states.slice(-5), ['running', 'retrying', 'running', 'waiting', 'succeeded']);
    assertClean();
  });

  test('failure: the step and the reason in Swedish, the choices; Återställ shows each compensation', async (t) => {
    const { page, problems } = await open(t, { scenario: fixture('failure') });
    await openCustomer(page);
    await startFromPage(page);
    await waitState(page, 'run-state', 'failed', 15000);
    assert.equal(await stateOf(page, 'step-vercel.project'), 'failed');
    assert.equal(
      await tid(page, 'run-error').innerText(),
      '”Skapa Vercel-projekt” misslyckades: Vercel avvisade projektet: namnet asa-bageri är redan upptaget av ett annat team (409)',
    );
    // A step that was still running was stopped at a safe point.
    await waitState(page, 'step-supabase.ready', 'pending');
    await tid(page, 'retry-run').waitFor();
    assert.equal(await tid(page, 'retry-run').innerText(), 'Försök igen');
    assert.equal(await tid(page, 'rollback-run').innerText(), 'Återställ');
    await page.getByTestId('toast').filter({ hasText: 'stannade: Misslyckades' }).waitFor();
    await tid(page, 'active-runs-indicator').waitFor({ state: 'detached' });

    await tid(page, 'show-log').click();
    assert.match(await tid(page, 'run-log').innerText(), /redan upptaget/);

    await tid(page, 'rollback-run').click();
    await waitState(page, 'run-state', 'rolled_back', 15000);
    for (const k of ['n8n.workflow', 'github.repo', 'supabase.project']) {
      assert.equal(await stateOf(page, `step-${k}`), 'compensated', k);
      const states = (await seen(page)).filter(([id]) => id === `step-${k}`).map(([, s]) => s);
      assert.deepEqual(states.slice(-2), ['compensating', 'compensated'], `${k} showed its compensation`);
    }
    assert.equal(await tid(page, 'step-state-github.repo').innerText(), 'Återställd');
    assert.deepEqual((await ipcCalls(page, 'rollback_run')).map((c) => c.args), [{ run: 1 }]);
    await tid(page, 'retry-run').waitFor({ state: 'detached' });
    // The customer can be provisioned again.
    await tid(page, 'provision-button').waitFor();
    assert.deepEqual(problems, []);
  });

  test('failure: Försök igen resumes the run to the end', async (t) => {
    const { page, assertClean } = await open(t, { scenario: fixture('failure') });
    await openCustomer(page);
    await startFromPage(page);
    await waitState(page, 'run-state', 'failed', 15000);
    await tid(page, 'retry-run').click();
    await waitAllSteps(page, 'succeeded');
    await waitState(page, 'run-state', 'succeeded');
    assert.deepEqual((await ipcCalls(page, 'resume_run')).map((c) => c.args), [{ run: 1 }]);
    await tid(page, 'link-production').waitFor();
    assertClean();
  });

  test('cancel: keep it resumable, then resume', async (t) => {
    const { page, assertClean } = await open(t, { scenario: fixture('cancel') });
    await openCustomer(page);
    await startFromPage(page);
    await waitState(page, 'step-vercel.project', 'succeeded', 15000);
    await tid(page, 'cancel-run').click();
    await tid(page, 'cancel-dialog').waitFor();
    await tid(page, 'cancel-keep').click();
    await waitState(page, 'run-state', 'cancelled');
    assert.deepEqual((await ipcCalls(page, 'cancel_run')).map((c) => c.args), [{ run: 1, rollback: false }]);
    assert.equal(await tid(page, 'retry-run').innerText(), 'Återuppta');
    await tid(page, 'retry-run').click();
    await waitState(page, 'run-state', 'succeeded', 15000);
    assertClean();
  });

  test('cancel: roll back', async (t) => {
    const { page, assertClean } = await open(t, { scenario: fixture('cancel') });
    await openCustomer(page);
    await startFromPage(page);
    await waitState(page, 'step-vercel.project', 'succeeded', 15000);
    await tid(page, 'cancel-run').click();
    await tid(page, 'cancel-rollback').click();
    await waitState(page, 'run-state', 'rolled_back', 15000);
    assert.deepEqual((await ipcCalls(page, 'cancel_run')).map((c) => c.args), [{ run: 1, rollback: true }]);
    for (const k of ['supabase.project', 'github.repo', 'vercel.project', 'n8n.workflow']) assert.equal(await stateOf(page, `step-${k}`), 'compensated', k);
    assertClean();
  });

  test('resume banner: an interrupted run is offered on start and continues', async (t) => {
    // The test reads a passing state (the Supabase wait): the stream holds there until it
    // has (timing alone lost it on a loaded machine).
    const { page, assertClean } = await open(t, {
      scenario: fixture('resume'),
      holdAfter: [{ type: 'step_waiting', step: 'supabase.ready' }],
    });
    await tid(page, 'resume-banner').waitFor();
    assert.match(await tid(page, 'resume-banner').innerText(), /Provisioneringen av Åsa Bageri avbröts när Fabrik stängdes/);
    await tid(page, 'resume-run').click();
    await tid(page, 'resume-banner').waitFor({ state: 'detached' });
    assert.deepEqual((await ipcCalls(page, 'resume_run')).map((c) => c.args), [{ run: 1 }]);
    await tid(page, 'active-runs-indicator').waitFor();
    await openCustomer(page);
    await waitState(page, 'step-supabase.ready', 'waiting');
    assert.equal(await tid(page, 'step-waiting-supabase.ready').innerText(), 'Väntar på att Supabase-projektet startar — COMING_UP, 0:03');
    await page.evaluate(() => window.__mockRelease());
    await waitAllSteps(page, 'succeeded');
    await tid(page, 'link-production').waitFor();
    assertClean();
  });

  test('not ready: the button is disabled with the reason', async (t) => {
    const { page, assertClean } = await open(t, { notReady: 'Token saknas för GitHub' });
    const row = tid(page, 'provision-row-asa-bageri');
    await row.waitFor();
    assert.equal(await row.isDisabled(), true);
    assert.match(await row.getAttribute('title'), /Token saknas för GitHub/);
    await openCustomer(page);
    assert.equal(await tid(page, 'provision-button').isDisabled(), true);
    assert.match(await tid(page, 'provision-reason').innerText(), /Kan inte provisionera: Token saknas för GitHub/);
    assertClean();
  });

  test('a right the shared register refused: the toast names the login, the right and who grants it', async (t) => {
    const forbidden = { person: 'anna', right: 'provisionera', right_en: 'provision' };
    const { page, assertClean } = await open(t, { forbidden });
    await openCustomer(page);
    await tid(page, 'provision-button').click();
    await tid(page, 'plan-dialog').waitFor();
    await tid(page, 'plan-item-supabase.project').waitFor();
    await tid(page, 'plan-start').click();
    const toast = page.getByTestId('toast').filter({ hasText: 'saknar rätten' });
    await toast.waitFor();
    assert.match(
      await toast.innerText(),
      /Provisioneringen kunde inte startas: Inloggningen anna saknar rätten att provisionera; en ägare \(owner\) av det delade registret kan ge den/,
    );
    assert.equal((await ipcCalls(page, 'start_run')).length, 1);
    assertClean();
  });

  test('preflight: every problem is listed at once in the plan dialog, and Starta stays disabled', async (t) => {
    const finding = (subject, sv, blocking = true) => ({ subject, message: { sv, en: sv }, blocking });
    const preflight = [
      finding('supabase.organization', 'Ogiltig inställning supabase.organization: måste anges innan en kund kan provisioneras'),
      finding('Vercel', 'Vercel: Token avvisades (403)'),
      finding('email.sender_address', 'Avsändardomänen byra.se är inte verifierad i Resend (status pending)'),
      finding('GitHub', 'Token saknar behörigheten delete_repo', false),
    ];
    const customers = [ASA, { name: 'Björk Bygg', admin_email: 'info@bjorkbygg.se' }];
    const { page, assertClean } = await open(t, { preflight, customers });
    await openCustomer(page);
    await tid(page, 'provision-button').click();
    await tid(page, 'plan-dialog').waitFor();
    await tid(page, 'preflight').waitFor();
    const rows = page.getByTestId('preflight-finding');
    assert.equal(await rows.count(), 4);
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.dataset.blocking)), ['true', 'true', 'true', 'false']);
    assert.match(await tid(page, 'preflight').innerText(), /hittade 3 problem[\s\S]*supabase\.organization[\s\S]*Vercel: Token avvisades[\s\S]*inte verifierad i Resend/);
    assert.equal(await tid(page, 'plan-start').isDisabled(), true);
    assert.equal(await page.getByTestId('plan-item-supabase.project').count(), 0, 'no steps are planned past a blocking finding');
    await tid(page, 'plan-cancel').click();

    // Several customers: one preflight for all, the same list, and no start.
    await tid(page, 'nav-customers').click();
    await tid(page, 'select-asa-bageri').check();
    await tid(page, 'select-bjork-bygg').check();
    await tid(page, 'provision-selected').click();
    await tid(page, 'preflight').waitFor();
    assert.equal(await page.getByTestId('preflight-finding').count(), 4);
    assert.equal(await tid(page, 'plan-start').isDisabled(), true);
    assert.equal((await ipcCalls(page, 'preflight')).length, 1);
    assert.equal((await runStarts(page, 'provision')).length, 0);
    assertClean();
  });

  test('several customers: select, provision together, a progress indicator per row; Aktivitet lists the runs', async (t) => {
    const customers = [ASA, { name: 'Björk Bygg', admin_email: 'info@bjorkbygg.se' }, { name: 'Ceder Café', admin_email: 'hej@cedercafe.se' }];
    // What the accounts have left is said in the preview, each limit the runs would pass named.
    const over = { sv: 'Två Supabase-projekt, men gratisplanen ger plats för 1 till.', en: 'Two Supabase projects, room for 1.', code: null, params: {} };
    const budget = { count: 2, takes: { sv: 'Det tar 2 Supabase-projekt.', en: 'It takes 2 Supabase projects.', code: null, params: {} }, over: [over], minutes: 0 };
    const { page, assertClean } = await open(t, { scenario: fixture('success'), customers, eventDelay: 40, budget });
    await tid(page, 'select-asa-bageri').check();
    await tid(page, 'select-bjork-bygg').check();
    assert.equal(await tid(page, 'provision-selected').innerText(), 'Provisionera valda (2)');
    await tid(page, 'provision-selected').click();
    await tid(page, 'plan-dialog').waitFor();
    await tid(page, 'plan-customer-bjork-bygg').waitFor();
    await tid(page, 'budget-over').waitFor();
    assert.match(await tid(page, 'budget-over').innerText(), /gratisplanen ger plats för 1 till/);
    assert.deepEqual((await ipcCalls(page, 'bulk_budget')).map((c) => c.args), [{ kind: 'provision', count: 2 }]);
    await tid(page, 'plan-start').click();
    await tid(page, 'row-progress-asa-bageri').waitFor();
    await tid(page, 'row-progress-bjork-bygg').waitFor();
    assert.equal(await tid(page, 'row-progress-ceder-cafe').count(), 0);
    assert.equal(await tid(page, 'provision-row-asa-bageri').isDisabled(), true, 'the row button spins while its run is active');
    await page.waitForFunction(() => document.querySelector('[data-testid="active-runs-indicator"]')?.dataset.count === '2');
    assert.deepEqual((await runStarts(page, 'provision')).map((c) => c.args.slug).sort(), ['asa-bageri', 'bjork-bygg']);
    // Both finish: the rows lose their progress and their Provisionera button (they have an instance now).
    await tid(page, 'provision-row-asa-bageri').waitFor({ state: 'detached', timeout: 15000 });
    await tid(page, 'provision-row-bjork-bygg').waitFor({ state: 'detached', timeout: 15000 });
    await tid(page, 'provision-row-ceder-cafe').waitFor();
    await tid(page, 'nav-activity').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="activity-list"] [data-testid="activity-item"][data-state="succeeded"]').length === 2);
    // Filtered by customer, by kind and by state; each item opens its own run.
    const items = () => page.locator('[data-testid="activity-item"]');
    await tid(page, 'activity-search').fill('björk');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="activity-item"]').length === 1);
    const run = await items().first().getAttribute('data-run');
    await tid(page, 'activity-state').selectOption('failed');
    await tid(page, 'activity-no-match').waitFor();
    await tid(page, 'activity-state').selectOption('succeeded');
    await tid(page, 'activity-kind').selectOption('teardown');
    await tid(page, 'activity-no-match').waitFor();
    await tid(page, 'activity-kind').selectOption('provision');
    assert.equal(await items().count(), 1);
    await items().first().locator('button').click();
    await tid(page, 'customer-title').filter({ hasText: 'Björk Bygg' }).waitFor();
    await page.waitForFunction((id) => document.querySelector('.is-selected [data-testid="history-item"]')?.dataset.run === id, run);
    assertClean();
  });

  test('Avveckla after typing the slug; the instance is cleared', async (t) => {
    const { page, assertClean } = await open(t, { scenario: fixture('success'), eventDelay: 10 });
    await openCustomer(page);
    await startFromPage(page);
    await waitState(page, 'run-state', 'succeeded', 15000);
    await tid(page, 'teardown-button').click();
    await tid(page, 'teardown-input').fill('asa');
    assert.equal(await tid(page, 'teardown-confirm').isDisabled(), true);
    await tid(page, 'teardown-input').fill('asa-bageri');
    await tid(page, 'teardown-confirm').click();
    await page.getByTestId('toast').filter({ hasText: 'Åsa Bageri har avvecklats' }).waitFor();
    await tid(page, 'provision-button').waitFor();
    assert.deepEqual((await runStarts(page, 'teardown')).map((c) => c.args), [{ slug: 'asa-bageri', kind: 'teardown', confirmation: 'asa-bageri' }]);
    assert.equal(await tid(page, 'link-production').count(), 0);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-item"]').length === 2);
    assertClean();
  });

  test('Uppdatera moduler: offered once the saved modules differ, then runs as its own run', async (t) => {
    const { page, assertClean } = await open(t, { scenario: fixture('success'), eventDelay: 10 });
    await openCustomer(page);
    await startFromPage(page);
    await waitState(page, 'run-state', 'succeeded', 15000);
    // Just built: the button is there but not urged, and no difference is reported.
    await tid(page, 'update-modules-button').waitFor();
    assert.equal(await tid(page, 'update-modules-button').getAttribute('data-outdated'), 'false');
    assert.equal(await tid(page, 'modules-outdated').count(), 0);

    await tid(page, 'edit-customer').click();
    await tid(page, 'module-social').check();
    await tid(page, 'save-customer').click();
    await tid(page, 'modules-outdated').waitFor();
    assert.equal(await tid(page, 'update-modules-button').getAttribute('data-outdated'), 'true');

    await tid(page, 'update-modules-button').click();
    assert.doesNotMatch(await tid(page, 'modules-from').innerText(), /Social/);
    assert.match(await tid(page, 'modules-to').innerText(), /Social/);
    await tid(page, 'confirm-update-modules').click();
    await page.getByTestId('toast').filter({ hasText: 'Modulerna för Åsa Bageri är uppdaterade' }).waitFor();
    assert.deepEqual((await runStarts(page, 'update_modules')).map((c) => c.args), [{ slug: 'asa-bageri', kind: 'update_modules' }]);
    await tid(page, 'group-modules').waitFor();
    await tid(page, 'modules-outdated').waitFor({ state: 'detached' });
    assert.equal(await tid(page, 'update-modules-button').getAttribute('data-outdated'), 'false');
    assert.match(await tid(page, 'detail-applied').innerText(), /Social/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-item"]').length === 2);
    assertClean();
  });

  test('Avveckla lists every target: what carries the marker goes, a foreign id is left alone', async (t) => {
    const { page, assertClean } = await open(t, { scenario: fixture('success'), eventDelay: 10, foreignIds: ['https://github.com/fabrik-kunder/asa-bageri'] });
    await openCustomer(page);
    await startFromPage(page);
    await waitState(page, 'run-state', 'succeeded', 15000);
    await tid(page, 'teardown-button').click();
    await tid(page, 'teardown-targets').waitFor();
    const targets = await page.$$eval('[data-testid="teardown-target"]', (els) => els.map((e) => [e.dataset.verdict, e.textContent]));
    assert.ok(targets.length >= 2, JSON.stringify(targets));
    const kept = targets.filter(([v]) => v === 'keep');
    assert.equal(kept.length, 1, JSON.stringify(targets));
    assert.match(kept[0][1], /lämnas kvar \(inte skapad av Fabrik\)/);
    assert.ok(targets.filter(([v]) => v === 'delete').every(([, text]) => text.includes('tas bort')));
    assertClean();
  });

  test('a refused resource: Ta över… needs its name typed, then it is adopted at the next run', async (t) => {
    const { page, assertClean } = await open(t, { refused: { 'asa-bageri': [['fabrik-agency/asa-bageri', 'github.repo']] } });
    await openCustomer(page);
    const row = page.locator('[data-testid="foreign-row"][data-resource="fabrik-agency/asa-bageri"]');
    await row.waitFor();
    assert.equal(await row.getAttribute('data-state'), 'refused');
    assert.match(await row.textContent(), /skapades inte av Fabrik/);
    await tid(page, 'adopt-button').click();
    await tid(page, 'adopt-dialog').waitFor();
    assert.match(await tid(page, 'adopt-dialog').textContent(), /tas bort vid Avveckla/);
    await tid(page, 'adopt-input').fill('asa-bageri');
    assert.equal(await tid(page, 'adopt-confirm').isDisabled(), true, 'a near miss does not adopt');
    await tid(page, 'adopt-input').fill('fabrik-agency/asa-bageri');
    await tid(page, 'adopt-confirm').click();
    await page.getByTestId('toast').filter({ hasText: 'tas över vid nästa körning' }).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="foreign-row"]')?.dataset.state === 'allowed');
    assert.deepEqual((await ipcCalls(page, 'adopt_resource')).map((c) => c.args), [
      { slug: 'asa-bageri', name: 'fabrik-agency/asa-bageri', confirmation: 'fabrik-agency/asa-bageri' },
    ]);
    assert.equal(await tid(page, 'adopt-button').count(), 0);
    assertClean();
  });

  test('environment: switching to Produktion asks first, then calls set_environment', async (t) => {
    const { page, assertClean } = await open(t, {});
    await tid(page, 'nav-settings').click();
    await tid(page, 'environment-switch').selectOption('production');
    await tid(page, 'environment-dialog').waitFor();
    assert.equal((await ipcCalls(page, 'set_environment')).length, 0);
    await tid(page, 'environment-confirm').click();
    await page.waitForFunction(() => window.__mockEnvironmentChosen === 'production');
    assert.deepEqual((await ipcCalls(page, 'set_environment')).map((c) => c.args), [{ environment: 'production' }]);
    assertClean();
  });

  test('English: the timeline and the choices in English', async (t) => {
    const { page, assertClean } = await open(t, { scenario: fixture('failure'), language: 'en' });
    await openCustomer(page);
    await startFromPage(page);
    await waitState(page, 'run-state', 'failed', 15000);
    assert.equal(await tid(page, 'retry-run').innerText(), 'Try again');
    assert.equal(await tid(page, 'rollback-run').innerText(), 'Roll back');
    assert.equal(await tid(page, 'show-log').innerText(), 'Show log');
    assert.equal(await tid(page, 'step-state-vercel.project').innerText(), 'Failed');
    // What the core says comes in English too: the failure from its code, the ledger's lines
    // from their English text (the detail in brackets is the provider's own words).
    assert.match(await tid(page, 'run-error').innerText(), /Create Vercel project.*Vercel reported a conflict \(/);
    await tid(page, 'show-log').click();
    const log = await tid(page, 'run-log').innerText();
    assert.match(log, /The run starts/);
    assert.match(log, /Waiting for the Supabase project to start \(COMING_UP\)/);
    assert.doesNotMatch(log, /Körningen|Väntar på|Försök \d/);
    assertClean();
  });
});

describe('a dialog taller than the window (large text, a small screen)', () => {
  test('opens at its top and scrolls within the window; its last button is in reach', async (t) => {
    const { page, assertClean } = await open(t);
    await page.setViewportSize({ width: 1280, height: 200 });
    await openCustomer(page);
    await tid(page, 'provision-button').click();
    await tid(page, 'plan-dialog').waitFor();
    await page.waitForTimeout(300);
    const at = await page.evaluate(() => {
      const d = document.querySelector('[data-testid="plan-dialog"]');
      const backdrop = d.parentElement;
      return { top: d.querySelector('.dialog-title').getBoundingClientRect().top, scrolled: backdrop.scrollTop, tall: d.getBoundingClientRect().height > window.innerHeight };
    });
    assert.ok(at.tall, 'the dialog is taller than this window');
    assert.equal(at.scrolled, 0, 'opened at its top');
    assert.ok(at.top >= 0, `the title on screen: ${at.top}`);
    await tid(page, 'plan-start').scrollIntoViewIfNeeded();
    const start = await tid(page, 'plan-start').boundingBox();
    assert.ok(start && start.y + start.height <= 200, `Starta in reach: ${JSON.stringify(start)}`);
    assertClean();
  });
});
