// End-to-end, one customer's year of billing from the real window in the sandbox (issue #58): a
// customer delivered from the window and linked to its Stripe subscription on its Fakturering
// card; the owner's policy set in Inställningar (a failed payment paused after two days of
// grace); then the simulator's Stripe clock walks the year while the window is closed and the
// scheduled tick (`fabrik tick`, as the system's scheduler starts it) acts: a renewal declined →
// past due, nothing within the grace → after it the tick pauses the instance (a Pause run in the
// ledger, its cause the Stripe event) → paid again → resumed on its own → cancelled at the
// period's end → the teardown offered, waiting for a person. The window, opened again, shows it
// on the customer's Fakturering card and in the register's billing column.
//
// One process owns the sandbox's world at a time (the window's simulator, the simulator the test
// starts on the same world file to play Stripe's side, or the tick's own): each writes the world
// file on every change, so two at once would undo each other. The seat's clock moves with
// libfaketime, read from a file the test rewrites, as in usage.test.mjs (a grace is judged on the
// register's clock).
// The pictures docs/billing-policy.png, docs/billing-customer.png and docs/billing-register.png
// are taken here (FABRIK_SCREENSHOTS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDriver, Session, freePort } from './webdriver.mjs';
import { atTop } from './walk.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const app = process.env.FABRIK_APP ?? join(target, 'debug', 'fabrik');
const cli = process.env.FABRIK_CLI ?? join(target, 'debug', 'fabrik');
const simBin = process.env.FABRIK_SIM ?? join(target, 'debug', 'fabrik-sim');
const work = process.env.FABRIK_TEST_WORK ?? '/tmp';
// The pictures are taken only when asked for (scripts/screenshots.sh): the test command takes none.
const shots = process.env.FABRIK_SCREENSHOTS;
const seat = join(work, `e2e-billing-${process.pid}`);
const data = join(seat, 'xdg-data');
/** The window's app-data folder: its register, seat settings and sandbox world, which the tick
 * (FABRIK_DB in the same folder) reads as its own seat's. */
const appData = join(data, 'se.fabrik.desktop');
const db = join(appData, 'fabrik.sqlite3');
const world = join(appData, 'sandbox-world.json');
const clock = join(seat, 'faketime');
const FAKETIME_LIB = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1'].find(existsSync);
const DAY = 86_400;
const CUSTOMER = { name: 'Årsbageriet AB', email: 'info@arsbageriet.se', slug: 'arsbageriet-ab' };
const SIM_TOKEN = 'billing-e2e-sim-token';

/** What every process of this seat shares: its folders, the sandbox (its projects' SQL parsed,
 * a fast clock), the seat's clock. */
const seatEnv = {
  FABRIK_DB: db,
  XDG_DATA_HOME: data,
  FABRIK_SANDBOX_TIME_SCALE: '0.01',
  FABRIK_SANDBOX_POSTGRES: '0',
  LD_PRELOAD: FAKETIME_LIB ?? '',
  FAKETIME_TIMESTAMP_FILE: clock,
  FAKETIME_CACHE_DURATION: '1',
  FAKETIME_DONT_FAKE_MONOTONIC: '1',
};

let driver;
let windowPort;
before(async () => {
  for (const bin of [app, cli, simBin]) assert.ok(existsSync(bin), `build it first (${bin})`);
  assert.ok(FAKETIME_LIB, 'libfaketime is missing: run scripts/setup.sh');
  mkdirSync(appData, { recursive: true });
  writeFileSync(clock, '+0\n');
  windowPort = await freePort();
  driver = await startDriver({ ...seatEnv, FABRIK_SANDBOX_PORT: String(windowPort) });
});
after(async () => driver?.stop());

async function http(base, method, path, body, headers = {}) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  if (!r.ok) assert.fail(`${method} ${path}: ${r.status} ${await r.text().catch(() => '')}`);
  return r.json();
}

/** The simulator on the sandbox's world file while the window is closed: Stripe's side of the
 * year (the card, the clock, a payment, a cancellation), then stopped, its world kept. */
async function stripeSide(play) {
  const port = await freePort();
  const proc = spawn(simBin, ['--listen', `127.0.0.1:${port}`, '--token', SIM_TOKEN, '--state', world, '--time-scale', '0.01'], {
    env: { ...process.env, ...seatEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  proc.stderr.on('data', (d) => (said += d));
  const ended = new Promise((resolve) => proc.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const up = await fetch(`${base}/__sim/inventory`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok).catch(() => false);
      if (up) break;
      if (Date.now() > deadline || proc.exitCode !== null) assert.fail(`the simulator did not start: ${said}`);
      await sleep(100);
    }
    const stripe = (method, path, body) => http(base, method, `/__sim/stripe/${path}`, body);
    const api = (path) => http(base, 'GET', path, undefined, { authorization: `Bearer ${SIM_TOKEN}` });
    return await play({ stripe, api });
  } finally {
    proc.kill('SIGTERM');
    await ended;
  }
}

/** `fabrik ARGS…` on the seat's register (the sandbox, as the window chose), its JSON output. */
function fabrik(args, env = {}) {
  return new Promise((resolve, reject) => {
    execFile(cli, args, { env: { ...process.env, ...seatEnv, ...env }, timeout: 300_000, maxBuffer: 16 << 20 }, (e, stdout, stderr) => {
      // `fabrik tick` exits 3 when a job failed: its report says which.
      if (e && !(args[0] === 'tick' && e.code === 3)) return reject(new Error(`fabrik ${args.join(' ')}: ${e.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`fabrik ${args.join(' ')} printed no JSON: ${stdout}\n${stderr}`));
      }
    });
  });
}

/** The scheduled tick's inbox job (Stripe's events read) and billing's (which decides), as the
 * system's scheduler runs them with no window open; billing's report. */
async function tick() {
  const report = await fabrik(['tick', '--only', 'intake_poll', '--only', 'billing', '--json']);
  for (const name of ['intake_poll', 'billing']) {
    const job = report.jobs?.find((j) => j.job === name);
    assert.ok(job, `the job ${name} ran: ${JSON.stringify(report)}`);
    assert.deepEqual(job.failed ?? [], [], `nothing failed: ${JSON.stringify(job)}`);
  }
  return report.jobs.find((j) => j.job === 'billing');
}

const billing = () => fabrik(['billing', CUSTOMER.slug, '--json']);
const runsOf = async (kind) => (await fabrik(['runs', 'list', '--customer', CUSTOMER.slug, '--json'])).filter((r) => r.kind === kind);

async function openCustomer(s) {
  await s.click('nav-customers');
  await s.click(`[data-testid="customer-row"][data-slug="${CUSTOMER.slug}"]`);
  await s.until(async () => (await s.text('customer-title')).includes(CUSTOMER.name), `${CUSTOMER.name}'s page`);
  await s.byTestId('billing-panel');
}

test('billing in the window: one customer’s year on the Stripe clock, paused after the grace, resumed, the teardown offered', async () => {
  // The window: the customer delivered, linked to a subscription made in the Dashboard, and the
  // owner's policy set.
  let s = await Session.start(driver.url, app);
  let sub;
  let cus;
  try {
    await s.click('nav-customers');
    await s.click('add-customer');
    await s.type('field-name', CUSTOMER.name);
    await s.type('field-admin_email', CUSTOMER.email);
    await s.click('save-customer');
    await s.until(async () => (await s.text('customer-title')).includes(CUSTOMER.name), 'the customer page');
    await s.until(async () => s.exec(`return !document.querySelector('[data-testid="provision-button"]').disabled`), 'provision button enabled', 60_000);
    await s.click('provision-button');
    await s.byTestId('plan-item-supabase.project');
    await s.click('plan-start');
    await s.until(async () => (await s.exec(`return document.querySelector('[data-testid="run-state"]')?.dataset.state`)) === 'succeeded', 'provisioned', 120_000);
    await s.until(async () => (await s.findAll('[data-testid="active-runs-indicator"]')).length === 0, 'no active runs', 60_000);

    const made = await http(`http://127.0.0.1:${windowPort}`, 'POST', '/__sim/stripe/subscriptions', { email: CUSTOMER.email, company: CUSTOMER.name });
    sub = made.subscription;
    cus = made.customer;
    assert.match(sub, /^sub_/);
    await openCustomer(s);
    // Linked without typing an id: the account's subscriptions by payer, the customer's own
    // first by its email and picked; once linked the card shows it at once.
    await s.click('billing-link-pick');
    await s.until(async () => (await s.findAll('[data-testid="billing-candidate"]')).length >= 1, "the account's subscriptions", 30_000);
    const first = await s.exec(`const li = document.querySelector('[data-testid="billing-candidate"]'); return { match: li.dataset.match, checked: li.querySelector('input').checked, text: li.textContent }`);
    assert.equal(first.match, 'email', JSON.stringify(first));
    assert.ok(first.checked && first.text.includes(CUSTOMER.email), JSON.stringify(first));
    assert.ok(!/\b(sub|cus|price)_[A-Za-z0-9]+/.test(first.text), `no raw id: ${first.text}`);
    await s.click('billing-link-confirm');
    await s.until(async () => (await s.findAll('[data-testid="billing-subscription"]')).length === 1, 'linked and shown', 30_000);
    assert.equal(await s.exec(`return document.querySelector('[data-testid="billing-subscription-id"]').dataset.id`), sub);

    // Inställningar → Faktureringspolicy: a Starter customer's failed payment pauses on its own
    // after two days; the period's end cannot be "do".
    await s.click('nav-settings');
    await s.byTestId('policy-table');
    await s.exec(
      `const sel = document.querySelector('[data-testid="policy-step-starter-payment_failed"]');
       Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(sel, 'do');
       sel.dispatchEvent(new Event('change', { bubbles: true }));`,
    );
    await s.until(async () => (await s.exec(`return document.querySelector('[data-testid="policy-step-starter-payment_failed"]').dataset.chosen`)) === 'true', 'the step kept');
    await s.type('policy-grace-starter', '2');
    await s.exec(`document.querySelector('[data-testid="policy-grace-starter"]').blur()`);
    await s.until(async () => (await s.exec(`return document.querySelector('[data-testid="policy-grace-kept-starter"]')?.textContent.trim()`)) === '2 dagar', 'the grace kept');
    assert.equal(await s.exec(`return document.querySelector('[data-testid="policy-step-starter-period_ended"] option[value="do"]').disabled`), true);
    assert.match(await s.text('policy-never-period_ended'), /En avveckling görs aldrig automatiskt/);
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await atTop(s, 'billing-policy');
      writeFileSync(join(shots, 'billing-policy.png'), await s.screenshot());
    }
  } finally {
    await s.close();
  }

  // A month on: renewed and paid. The tick keeps the subscription beside the instance.
  await stripeSide(({ stripe }) => stripe('POST', 'clock', { advance_seconds: 31 * DAY }));
  await tick();
  assert.equal((await billing()).subscription?.status, 'active');

  // The card is declined at the next renewal: past due while Smart Retries try; within the
  // grace the tick does nothing.
  await stripeSide(async ({ stripe }) => {
    await stripe('POST', `customers/${cus}/card`, { failing: true });
    await stripe('POST', 'clock', { advance_seconds: 31 * DAY });
  });
  await tick();
  let b = await billing();
  assert.equal(b.subscription?.status, 'past_due', JSON.stringify(b));
  assert.ok(b.subscription.last_failure, 'the failure shown');
  assert.equal((await runsOf('pause')).length, 0, 'nothing within the grace');

  // Three days on, at the seat: past the grace, the tick pauses the instance by an ordinary
  // run whose cause is the failed payment's event.
  writeFileSync(clock, '+3d\n');
  await sleep(1_500);
  await tick();
  const pauses = await runsOf('pause');
  assert.equal(pauses.length, 1, JSON.stringify(pauses));
  assert.equal(pauses[0].state, 'succeeded');
  const paused = await fabrik(['runs', 'show', String(pauses[0].id), '--json']);
  assert.match(paused.run.input?.cause ?? '', /^evt_/, `the run's cause: ${JSON.stringify(paused.run.input)}`);

  // The customer pays the open invoice: the tick resumes the instance on its own (the default).
  await stripeSide(async ({ stripe, api }) => {
    await stripe('POST', `customers/${cus}/card`, { failing: false });
    const open = await api(`/stripe/v1/subscriptions/${sub}`);
    const invoice = typeof open.latest_invoice === 'string' ? open.latest_invoice : open.latest_invoice.id;
    await stripe('POST', `invoices/${invoice}/pay`, {});
  });
  await tick();
  const resumes = await runsOf('resume');
  assert.equal(resumes.length, 1, JSON.stringify(resumes));
  assert.equal(resumes[0].state, 'succeeded');

  // Cancelled at the period's end, and the period ends: the teardown is offered, never done.
  await stripeSide(async ({ stripe }) => {
    await stripe('POST', `subscriptions/${sub}/cancel_at_period_end`, { cancel: true });
    await stripe('POST', 'clock', { advance_seconds: 32 * DAY });
  });
  await tick();
  b = await billing();
  assert.equal(b.subscription?.status, 'canceled', JSON.stringify(b));
  assert.deepEqual(b.waiting.map((d) => [d.transition, d.step, d.state]), [['period_ended', 'offer', 'waiting']]);
  assert.equal((await runsOf('teardown')).length, 0, 'never torn down on its own');

  // The window again: the customer's Fakturering card and the register's billing column.
  s = await Session.start(driver.url, app);
  try {
    await openCustomer(s);
    await s.until(async () => (await s.exec(`return document.querySelector('[data-testid="billing-subscription"]')?.dataset.status`)) === 'canceled', 'the subscription ended', 20_000);
    // One word for a cancelled subscription across the window, the CLI and the docs (#68).
    assert.equal(await s.text('billing-status'), 'Uppsagd');
    const waiting = await s.exec(`return [...document.querySelectorAll('[data-testid="billing-decision"]')].map((d) => d.dataset.transition)`);
    assert.deepEqual(waiting, ['period_ended']);
    assert.equal(await s.text('[data-testid="billing-decision"] [data-testid="billing-decision-take"]'), 'Avveckla…');
    if (shots) {
      await atTop(s, 'billing-panel');
      writeFileSync(join(shots, 'billing-customer.png'), await s.screenshot());
    }
    await s.click('nav-customers');
    const cell = `billing-cell-${CUSTOMER.slug}`;
    await s.byTestId(cell);
    await s.until(async () => (await s.exec(`return document.querySelector('[data-testid="${cell}"]').dataset.status`)) === 'canceled', 'the billing column', 20_000);
    assert.match(await s.exec(`return document.querySelector('[data-testid="${cell}"]').title`), /1 beslut väntar/);
    if (shots) writeFileSync(join(shots, 'billing-register.png'), await s.screenshot());
  } finally {
    await s.close();
  }
});
