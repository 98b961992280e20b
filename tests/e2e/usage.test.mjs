// End-to-end, usage from the real window in the sandbox (issue #57): two customers delivered,
// one of them made to use its database near the free plan's limit in the simulator; "Läs av nu"
// reads them; the simulator's day moves on, and so does the seat's own clock (libfaketime, read
// from a file the test rewrites: the register's day is the seat's, so a second reading the same
// day would only replace the first); read again, the customer's page draws two days in its
// charts, the fleet view lists both with their money and the nearest limit, sorts by it, and
// "Exportera CSV" writes a file naming both.
// The limit near is on Översikt, and told once by a desktop notification (the test's own
// notification server on its private D-Bus session, sim/src/bin/test_notifications.rs) whose
// click opens the customer.
// The pictures docs/usage-customer.png and docs/usage-fleet.png are taken here (FABRIK_SCREENSHOTS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startDriver, Session, freePort } from './webdriver.mjs';
import { atTop, deliver, simCall } from './walk.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.env.FABRIK_APP ?? join(root, 'target', 'debug', 'fabrik');
const work = process.env.FABRIK_TEST_WORK ?? '/tmp';
// The pictures are taken only when asked for (scripts/screenshots.sh): the test command takes none.
const shots = process.env.FABRIK_SCREENSHOTS;
const seat = join(work, `e2e-usage-${process.pid}`);
const exports = join(seat, 'exports');
/** The seat's clock offset, in libfaketime's words; re-read by the seat within a second. */
const clock = join(seat, 'faketime');
const FAKETIME_LIB = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1'].find(existsSync);
const CUSTOMERS = [
  { name: 'Mätbageriet AB', email: 'info@matbageriet.se', slug: 'matbageriet-ab' },
  // Named after the other: "nearest limit" must move it to the top, away from the name order.
  { name: 'Mätverkstaden AB', email: 'info@matverkstaden.se', slug: 'matverkstaden-ab', profile: 'near_limit' },
];

/** The desktop's notification server: what it was shown, and a click on one. For the picture
 * of a notification (scripts/screenshots.sh sets FABRIK_NOTIFICATION_PICTURE), it hands each
 * one to a real notification daemon (dunst) on a D-Bus of its own, which draws it on the X
 * display the window is on; the picture is of that whole screen. */
const NOTIFICATIONS = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'fabrik-test-notifications');
const PICTURE = process.env.FABRIK_NOTIFICATION_PICTURE === '1' && process.env.FABRIK_SCREENSHOTS;
let desktop;
/** The first line a process prints (its readiness or its address), bounded. */
function firstLine(proc, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} said nothing in 10 s`)), 10_000);
    createInterface({ input: proc.stdout }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l.trim());
    });
    proc.once('exit', (code) => reject(new Error(`${what} ended (${code})`)));
  });
}
/** dunst on a bus of its own, drawing as a plain desktop's notification would look. */
async function drawingDaemon() {
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const address = await firstLine(bus, 'the picture\'s D-Bus');
  const config = join(work, `dunstrc-${process.pid}`);
  writeFileSync(
    config,
    ['[global]', 'width = 380', 'height = 160', 'origin = top-right', 'offset = 18x18', 'font = DejaVu Sans 10.5', 'frame_width = 1',
      'frame_color = "#c9ced8"', 'corner_radius = 8', 'padding = 12', 'horizontal_padding = 14', 'show_indicators = no', 'icon_position = off',
      'markup = full', 'show_age_threshold = -1', 'format = "<small>%a</small>\\n<b>%s</b>\\n%b"', '[urgency_normal]', 'background = "#ffffff"', 'foreground = "#1d2433"', 'timeout = 0', ''].join('\n'),
  );
  const dunst = spawn('dunst', ['-config', config], { stdio: 'ignore', env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address } });
  await sleep(1000);
  return { address, stop: () => [dunst, bus].forEach((p) => p.kill()) };
}
async function notificationServer() {
  assert.ok(existsSync(NOTIFICATIONS), `build the test notification server first (${NOTIFICATIONS})`);
  const drawing = PICTURE ? await drawingDaemon() : null;
  const proc = spawn(NOTIFICATIONS, drawing ? ['--relay', drawing.address] : [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const shown = [];
  const lines = createInterface({ input: proc.stdout });
  await new Promise((resolve, reject) => {
    lines.on('line', (l) => {
      const m = JSON.parse(l);
      if (m.ready) resolve();
      else shown.push(m);
    });
    proc.once('exit', (code) => reject(new Error(`the notification server ended (${code})`)));
  });
  return {
    shown,
    click: (id) => proc.stdin.write(`click ${id}\n`),
    stop: () => {
      proc.stdin.end();
      drawing?.stop();
    },
  };
}

let driver;
let port;
before(async () => {
  desktop = await notificationServer();
  assert.ok(existsSync(app), `build the app first (${app})`);
  assert.ok(FAKETIME_LIB, 'libfaketime is missing: run scripts/setup.sh');
  mkdirSync(exports, { recursive: true });
  writeFileSync(clock, '+0\n');
  port = await freePort();
  driver = await startDriver({
    FABRIK_DB: join(seat, 'fabrik.sqlite3'),
    XDG_DATA_HOME: join(seat, 'xdg-data'),
    FABRIK_SANDBOX_TIME_SCALE: '0.01',
    FABRIK_SANDBOX_PORT: String(port),
    FABRIK_EXPORT_DIR: exports,
    LD_PRELOAD: FAKETIME_LIB,
    FAKETIME_TIMESTAMP_FILE: clock,
    FAKETIME_CACHE_DURATION: '1',
    // Timers and timeouts keep the true pace; only the calendar moves.
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  });
});
after(async () => {
  await driver?.stop();
  desktop?.stop();
});

/** The window's simulator (the sandbox): its test surface. */
const sim = (method, path, body) => simCall(port, method, path, body);
const attr = (s, css, name) => s.exec(`const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;`, [css, name]);
const fleetOrder = (s) => s.exec(`return [...document.querySelectorAll('[data-testid="usage-row"]')].map((r) => r.dataset.slug)`);

/** "Läs av nu" on the page shown, and the notice it gives ("Avläst nu: N instanser …"). */
async function collect(s) {
  const enabled = () => s.exec(`const b = document.querySelector('[data-testid="usage-collect"]'); return b && !b.disabled`);
  const seen = new Set();
  const said = async () => {
    const texts = await s.exec(`return [...document.querySelectorAll('[data-testid="notice-corner"] .toast')].map((t) => t.textContent)`);
    texts.forEach((t) => seen.add(t));
    return texts.find((t) => /Avläst nu|Collected now/.test(t)) ?? null;
  };
  await s.until(enabled, 'Läs av nu enabled', 30_000);
  // Earlier notices go first, so the one awaited is this collection's.
  for (const b of await s.findAll('[data-testid="toast-close"], [data-testid="toast-dismiss-all"]')) await s.cmd('POST', `/element/${b}/click`, {}).catch(() => {});
  await s.until(async () => (await said()) === null, 'no earlier collection told', 10_000);
  const started = Date.now();
  await s.click('usage-collect');
  // Done when it has told (the button is busy only from React's next render on, so "enabled"
  // right after the click says nothing), however long the providers take under load.
  try {
    const told = await s.until(said, 'the collection told', 90_000);
    await s.until(enabled, 'the collection done', 10_000);
    return told;
  } catch (e) {
    const bar = await s.exec(`return document.querySelector('[data-testid="notice-corner"]')?.textContent ?? '(no notices)'`).catch(() => '?');
    const busy = await s.exec(`return document.querySelector('[data-testid="usage-collect"]')?.getAttribute('aria-busy')`).catch(() => '?');
    throw new Error(`${e.message} (after ${Date.now() - started} ms, the button busy: ${busy}); the notices: ${bar}; seen: ${[...seen].join(' | ')}; the window showed: ${await s.shown()}`);
  }
}

/** What the usage panel shows, for a failure's message. */
const panelText = (s) => s.exec(`return document.querySelector('[data-testid="usage-panel"]')?.innerText?.slice(0, 1500) ?? '(no usage panel)'`).catch(() => '?');

/** Waits for the customer's database chart to hold `days` collected days (it spans the page's
 * 90, those not collected as gaps); a failure says what it holds and what the panel shows. */
async function drawn(s, days, what, timeoutMs) {
  try {
    await s.until(async () => (await attr(s, '[data-testid="usage-chart-database"]', 'data-reported')) === String(days), what, timeoutMs);
  } catch (e) {
    const now = await attr(s, '[data-testid="usage-chart-database"]', 'data-reported').catch(() => '?');
    throw new Error(`${e.message}; the chart holds ${now} days; the panel says: ${await panelText(s)}`);
  }
}

async function openCustomer(s, c) {
  await s.click('nav-customers');
  await s.click(`[data-testid="customer-row"][data-slug="${c.slug}"]`);
  await s.until(async () => (await s.text('customer-title')).includes(c.name), `${c.name}'s page`);
}

test('usage in the window: read twice a day apart, drawn on the customer page, the fleet sorted by the nearest limit and exported', async () => {
  const s = await Session.start(driver.url, app);
  try {
    for (const c of CUSTOMERS) await deliver(s, c);
    const inventory = await sim('GET', '/__sim/inventory');
    for (const c of CUSTOMERS.filter((c) => c.profile)) {
      const project = inventory.supabase.projects.find((p) => JSON.stringify(p).includes(c.slug));
      assert.ok(project, `${c.slug}'s Supabase project in the simulator`);
      await sim('POST', '/__sim/usage/profile', { id: project.ref ?? project.id, profile: c.profile });
    }

    // The first day: read from the page of the customer near its limit.
    const near = CUSTOMERS[1];
    await s.until(async () => (await s.text('customer-title')).includes(near.name), 'still on the last page');
    await s.byTestId('usage-panel');
    const first = await collect(s);
    assert.match(first, /Avläst nu: 2 instanser|Collected now: 2 instances/, `both instances read: ${first}`);
    await drawn(s, 1, 'the first day drawn', 20_000);

    // The next day, at the simulator and at the seat: read again from the fleet view.
    await sim('POST', '/__sim/clock', { advance_days: 1 });
    writeFileSync(clock, '+1d\n');
    await sleep(2_500);
    await s.click('nav-usage');
    await s.byTestId('usage-table');
    const second = await collect(s);
    assert.match(second, /Avläst nu: 2 instanser|Collected now: 2 instances/, `both read again: ${second}`);
    await openCustomer(s, near);
    await drawn(s, 2, 'two days in the charts', 30_000);

    // The charts are uPlot's canvases, each with two days; the latest figures carry numbers.
    const readCharts = () =>
      s.exec(
        `return [...document.querySelectorAll('[data-testid^="usage-chart-"][data-days]')].map((f) => ({ id: f.dataset.testid, days: Number(f.dataset.days), window: Number(f.dataset.window), reported: Number(f.dataset.reported), canvases: f.querySelectorAll('canvas').length, w: f.querySelector('canvas')?.width ?? 0 }))`,
      );
    // The page was just opened: its charts are drawn as they mount, so a moment is given.
    let charts = [];
    await s
      .until(async () => {
        charts = await readCharts();
        return charts.length >= 4 && charts.every((c) => c.canvases >= 1 && c.w > 0);
      }, 'the charts drawn', 10_000)
      .catch(() => {});
    assert.ok(charts.length >= 4, `the page's charts: ${JSON.stringify(charts)}`);
    for (const c of charts) {
      assert.equal(c.window, 90, `${c.id} of the page's 90 days`);
      assert.equal(c.days, 7, `${c.id}: its axis from the first reading, a week at least: ${JSON.stringify(c)}`);
      assert.ok(c.reported <= 2, `${c.id}: no more than the two days collected: ${JSON.stringify(c)}`);
      assert.ok(c.canvases >= 1 && c.w > 0, `${c.id} drawn on a canvas: ${JSON.stringify(c)}`);
    }
    for (const f of ['database_bytes', 'api_requests', 'auth_users']) {
      assert.match(await s.text(`usage-latest-${f}`), /\d/, `the latest ${f}`);
    }
    assert.match(await s.text('usage-latest-database_bytes'), /[kMG]?B\b/, 'a size in bytes');
    // Its money a month: the price book's estimate, line by line, in the book's currency.
    const cost = await s.exec(`const e = document.querySelector('[data-testid="usage-cost"]'); return e ? { amount: Number(e.dataset.amount), currency: e.dataset.currency, text: e.textContent } : null`);
    assert.ok(cost && cost.amount > 0 && cost.currency, `an estimated cost: ${JSON.stringify(cost)}`);
    assert.ok((await s.findAll('[data-testid="usage-cost-line"]')).length >= 1, 'the cost line by line');
    // Near the free plan's database size: warned on the page.
    await s.until(async () => (await s.findAll('[data-testid="usage-warning"]')).length >= 1, 'a warning before the limit bites').catch(async (e) => {
      throw new Error(`${e.message}; the panel says: ${await panelText(s)}`);
    });
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await atTop(s, 'usage-panel');
      writeFileSync(join(shots, 'usage-customer.png'), await s.screenshot());
    }

    // The fleet: both customers, their money and the nearest limit; sorted by that limit, the
    // one near it comes first, out of the name order.
    await s.click('nav-usage');
    await s.until(async () => (await fleetOrder(s)).length === 2, 'both customers in the fleet view', 20_000);
    const heads = await s.exec(`return [...document.querySelectorAll('[data-testid="usage-table"] thead th')].map((t) => t.textContent.trim())`);
    assert.ok(heads.length >= 9, `the columns: ${heads}`);
    await s.exec(
      `const sel = document.querySelector('[data-testid="usage-sort"]');
       Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(sel, 'margin');
       sel.dispatchEvent(new Event('change', { bubbles: true }));`,
    );
    await s.until(async () => (await attr(s, '[data-testid="usage-sort"]', 'data-testid')) && (await s.exec(`return document.querySelector('[data-testid="usage-sort"]').value`)) === 'margin', 'sorted by margin');
    const byMargin = await fleetOrder(s);
    assert.deepEqual([...byMargin].sort(), CUSTOMERS.map((c) => c.slug).sort());
    const sel = await s.find('[data-testid="usage-sort"] option[value="limit"]');
    await s.cmd('POST', `/element/${sel}/click`, {});
    await s.until(async () => (await s.exec(`return document.querySelector('[data-testid="usage-sort"]').value`)) === 'limit', 'sorted by the nearest limit');
    const byLimit = await fleetOrder(s);
    assert.deepEqual(byLimit, [near.slug, CUSTOMERS[0].slug], 'the one near its limit first');
    assert.notDeepEqual(byLimit, byMargin, 'the nearest limit reorders the list');
    const nearest = await s.exec(`return [...document.querySelectorAll('[data-testid="usage-row"]')].map((r) => r.querySelector('[data-testid="usage-nearest"]').textContent.trim())`);
    assert.match(nearest[0], /\d+\s?%/, `the nearest limit as a share: ${nearest}`);
    assert.equal(nearest[1], '–', 'the other is near none');
    const costs = await s.exec(`return [...document.querySelectorAll('[data-testid="usage-row"]')].map((r) => r.querySelectorAll('td.num .usage-money').length)`);
    for (const n of costs) assert.ok(n >= 1, `an estimated cost on every row: ${costs}`);
    if (shots) writeFileSync(join(shots, 'usage-fleet.png'), await s.screenshot());

    // "Exportera CSV": a file whose rows name the customers.
    await s.click('usage-export-csv');
    await s.until(() => readdirSync(exports).some((f) => /^fabrik-usage-.*\.csv$/.test(f)), 'the CSV file', 20_000);
    const file = readdirSync(exports).find((f) => /^fabrik-usage-.*\.csv$/.test(f));
    const lines = readFileSync(join(exports, file), 'utf8').trim().split(/\r?\n/);
    assert.equal(lines.length, 3, `a header and two rows: ${lines.join(' | ')}`);
    for (const c of CUSTOMERS) assert.ok(lines.slice(1).some((l) => l.includes(c.slug) || l.includes(c.name)), `${c.name} in the CSV`);

    // Översikt: the customer near its limit is one thing that needs a person, in the owner's
    // words, and its one action opens the customer.
    await s.click('nav-overview');
    const nearItem = '[data-testid="overview-item"][data-kind="limit_near"]';
    await s.until(async () => (await s.findAll(nearItem)).length === 1, 'the limit near on Översikt', 20_000);
    const said = await s.exec(`return document.querySelector(arguments[0]).textContent`, [nearItem]);
    assert.ok(said.includes(`${near.name} närmar sig en gräns`), said);
    assert.ok(!/\b(sub|in|prj|dpl|cus)_[A-Za-z0-9]+|\d{7,}/.test(said), `no raw id: ${said}`);
    assert.equal(await s.text('nav-overview-count'), String((await s.findAll('[data-testid="overview-item"]')).length));
    if (shots) {
      // The picture without the export's notice (it names a folder of this test's own).
      await s.exec(`for (const b of document.querySelectorAll('[data-testid="toast-close"], [data-testid="toast-dismiss-all"]')) b.click();`);
      await s.until(async () => (await s.findAll('[data-testid="toast"]')).length === 0, 'the notices put away');
      writeFileSync(join(shots, 'overview.png'), await s.screenshot());
    }
    await s.exec(`document.querySelector(arguments[0] + ' [data-testid="overview-action"]').click()`, [nearItem]);
    await s.until(async () => (await s.text('customer-title')).includes(near.name), 'the customer near its limit');

    // The desktop was told once, in Swedish, with a click that opens the customer from anywhere.
    const told = () => desktop.shown.filter((n) => n.summary.includes(`${near.name} närmar sig en gräns`));
    await s.until(async () => told().length === 1, `the limit near notified: ${JSON.stringify(desktop.shown)}`, 30_000);
    assert.equal(told()[0].app, 'Fabrik');
    // Every notification of Fabrik's under its own name (the runs' ends too, which the
    // notification plugin gave as the binary's name), each customer by its name, never its slug.
    assert.ok(desktop.shown.every((n) => n.app === 'Fabrik'), `under Fabrik's name: ${JSON.stringify(desktop.shown)}`);
    assert.ok(!desktop.shown.some((n) => CUSTOMERS.some((c) => (n.summary + n.body).includes(c.slug))), `no slug: ${JSON.stringify(desktop.shown)}`);
    assert.ok(told()[0].actions.includes('default'), `a click is asked for: ${JSON.stringify(told()[0])}`);
    assert.ok(!desktop.shown.some((n) => /\b(sub|in|prj|dpl|cus)_[A-Za-z0-9]+|\d{7,}/.test(n.summary + n.body)), `no raw id: ${JSON.stringify(desktop.shown)}`);
    if (PICTURE) {
      // docs/notification.png: the desktop as the owner sees it, Översikt under the notification.
      await s.click('nav-overview');
      await s.until(async () => (await s.findAll(nearItem)).length === 1, 'the limit near on Översikt', 20_000);
      await sleep(1500);
      execFileSync('import', ['-window', 'root', join(shots, 'notification.png')]);
    }
    await s.click('nav-customers');
    await s.until(async () => (await s.findAll('[data-testid="customer-row"]')).length === 2, 'the customer list');
    desktop.click(told()[0].id);
    await s.until(async () => (await s.findAll('[data-testid="customer-title"]')).length === 1 && (await s.text('customer-title')).includes(near.name), 'the clicked notification opened the customer', 20_000);
    // Looked at again (Översikt read anew): still the same episode, not told twice.
    await s.click('nav-overview');
    await s.until(async () => (await s.findAll(nearItem)).length === 1, 'the limit near still on Översikt', 20_000);
    await sleep(1500);
    assert.equal(told().length, 1, `told once: ${JSON.stringify(desktop.shown)}`);
  } finally {
    await s.close();
  }
});
