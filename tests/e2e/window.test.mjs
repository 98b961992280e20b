// End-to-end: the real Fabrik window (release UI bundled into a debug build) under Xvfb,
// driven through WebKitWebDriver (tests/e2e/webdriver.mjs). Add a customer through the form,
// see it in the list, set its production URL, restart the app and see it persisted. Save a
// token in Inställningar, restart, verify it against the sandbox's simulator, and find the
// token nowhere on disk or in the page. Provision a customer in the sandbox (its simulator runs in-process,
// sped up by FABRIK_SANDBOX_TIME_SCALE), watch the timeline to the end, inject a fault through the
// simulator's /__sim API (its port pinned by FABRIK_SANDBOX_PORT), retry, then tear it down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { startDriver, Session, freePort } from './webdriver.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.env.FABRIK_APP ?? join(root, 'target', 'debug', 'fabrik');
const work = process.env.FABRIK_TEST_WORK ?? '/tmp';
const db = join(work, `e2e-${process.pid}`, 'fabrik.sqlite3');
// The pictures are taken only when asked for (scripts/screenshots.sh): the test command takes none.
const shots = process.env.FABRIK_SCREENSHOTS;

let driver;
// The sandbox's simulator: its port is pinned so the test can reach /__sim (faults, inventory).
let simPort;
const sim = () => `http://127.0.0.1:${simPort}`;
before(async () => {
  assert.ok(existsSync(app), `build the app first (${app})`);
  mkdirSync(dirname(db), { recursive: true });
  simPort = await freePort();
  // The sandbox's SQL emulation: these tests do not read the projects' databases, and the app
  // comes up without first starting a PostgreSQL server (tests/e2e/day-one.test.mjs uses one).
  driver = await startDriver({ FABRIK_DB: db, FABRIK_SANDBOX_TIME_SCALE: '0.01', FABRIK_SANDBOX_PORT: String(simPort), FABRIK_SANDBOX_POSTGRES: '0' });
});
after(async () => driver?.stop());

// A click is aimed where the button is when the click starts; anything that moves the page
// after the first frame (the sandbox's banner came once the clouds had opened) sends it to
// whatever lies there instead. In one fresh run of four, "Ny kund" was clicked that way and the
// form never opened.
test('nothing moves once the window has opened: the first frame already has the sandbox banner', async () => {
  // The window opens on Översikt: what a person clicks first there ("Kunder", "Uppdatera").
  const s = await Session.start(driver.url, app, { landing: 'overview' });
  try {
    // Where "Kunder" and "Uppdatera" are and whether the banner is there, read in one go.
    const at = () =>
      s.exec(`const place = (id) => { const b = document.querySelector('[data-testid="' + id + '"]');
          if (!b) return null; const r = b.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.top)]; };
        const nav = place('nav-customers'), refresh = place('overview-refresh');
        if (!nav || !refresh) return null;
        return { at: [nav, refresh], banner: !!document.querySelector('[data-testid="sandbox-banner"]') };`);
    let first = null;
    await s.until(async () => (first = await at()) !== null, 'Översikt');
    await s.byTestId('sandbox-banner');
    assert.ok(first.banner, 'the banner is in the frame the overview first shows in');
    assert.deepEqual((await at()).at, first.at, '"Kunder" and "Uppdatera" stay where they first showed');
  } finally {
    await s.close();
  }
});

test('add a customer, set its production URL, restart, still there', async () => {
  const stateFile = join(
    process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'),
    'se.fabrik.desktop',
    '.window-state.json',
  );
  let s = await Session.start(driver.url, app);
  try {
    // Empty register: the empty state offers both ways in.
    await s.byTestId('empty-state');
    await s.byTestId('load-examples');
    await s.click('add-customer');
    await s.type('field-name', "Åsa's Bageri & Café AB");
    await s.type('field-admin_email', 'anna@');
    // Inline validation in Swedish before anything is saved.
    const emailError = await s.until(() => s.text('field-error-admin_email'), 'inline e-mail error');
    assert.match(emailError, /e-post/i);
    await s.type('field-admin_email', 'asa@asasbageri.se');
    await s.until(async () => (await s.findAll('[data-testid="field-error-admin_email"]')).length === 0, 'error to clear');
    await s.click('save-customer');

    // The customer page opens; back on the list it is there with its derived slug.
    await s.until(async () => (await s.text('customer-title')).includes('Åsa'), 'customer page');
    await s.click('edit-instance');
    await s.type('field-production_url', 'https://asa.example.se');
    await s.click('save-instance');
    await s.until(async () => (await s.text('instance-production_url')).includes('https://asa.example.se'), 'saved URL');
    await s.byTestId('link-production');
    await s.click('back-to-list');
    const row = await s.find('[data-testid="customer-row"][data-slug="asas-bageri-cafe-ab"]');
    assert.ok(row);
    if (shots) {
      mkdirSync(shots, { recursive: true });
      writeFileSync(join(shots, 'e2e-list.png'), await s.screenshot());
    }
    // The user resizes the window (through X, as a window manager would; WebDriver's own
    // resize does not reach the toplevel window); the next start opens it at that size.
    execFileSync('xdotool', ['search', '--sync', '--name', '^Fabrik$', 'windowsize', '%@', '1100', '720']);
    await s.until(async () => (await s.cmd('GET', '/window/rect')).width === 1100, 'the window resized');
    // The app saves once the window is still: wait for the saved size itself (bounded), not
    // for a fixed time, which a loaded machine can outlast.
    await s.until(async () => {
      if (!existsSync(stateFile)) return false;
      return /"width":\s*1100\b/.test(readFileSync(stateFile, 'utf8'));
    }, 'the window size was saved', 20000);
  } finally {
    await s.close();
  }

  // The CLI sees the same file the window wrote.
  // (The fabrik command beside the window: the package's own under scripts/test.sh.)
  const cli = join(dirname(app), 'fabrik');
  const out = JSON.parse(execFileSync(cli, ['--db', db, 'customers', 'show', 'asas-bageri-cafe-ab', '--json']).toString());
  assert.equal(out.instance.production_url, 'https://asa.example.se');

  // A fresh start of the app shows the persisted customer and its URL.
  s = await Session.start(driver.url, app);
  try {
    // The restored size reaches the X server asynchronously after the window maps (GTK
    // configures it, Xvfb answers later on a loaded machine): wait for it, bounded.
    let rect;
    const restored = await s
      .until(async () => {
        rect = await s.cmd('GET', '/window/rect');
        return rect.width === 1100 && rect.height === 720;
      }, 'the restored window size', 10000)
      .catch(() => false);
    assert.ok(
      restored,
      `the window size was remembered: got ${rect?.width}x${rect?.height}, saved state ${
        existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : '(none)'
      }`,
    );
    const row = await s.find('[data-testid="customer-row"][data-slug="asas-bageri-cafe-ab"]');
    await s.cmd('POST', `/element/${row}/click`, {});
    await s.until(async () => (await s.text('instance-production_url')).includes('https://asa.example.se'), 'persisted URL after restart');
    if (shots) writeFileSync(join(shots, 'e2e-customer.png'), await s.screenshot());
  } finally {
    await s.close();
  }
});

/** Every regular file under `dir` (none when it does not exist). */
function filesUnder(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch (e) {
    if (e.code === 'ENOENT') return []; // absent, or removed by the webview meanwhile
    throw e;
  }
  const out = [];
  for (const name of names) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

/** How often `needle` occurs in the file's bytes (binary-safe: SQLite pages, WAL frames). */
function occurrences(file, needle) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    // The running webview removes files of its own (storage, caches) while we look: a file
    // that is gone holds nothing.
    if (e.code === 'ENOENT') return 0;
    throw e;
  }
  const pattern = Buffer.from(needle, 'utf8');
  let n = 0;
  for (let i = bytes.indexOf(pattern); i >= 0; i = bytes.indexOf(pattern, i + 1)) n++;
  return n;
}

/** Where the token could be seen in the page: markup, input values, storage, title. */
async function pageOccurrences(s, needle) {
  return s.exec(
    `const n = arguments[0];
     const count = (t) => String(t).split(n).length - 1;
     const store = (st) => { let a = ''; for (let i = 0; i < st.length; i++) a += st.key(i) + '=' + st.getItem(st.key(i)) + '\\n'; return a; };
     const values = Array.from(document.querySelectorAll('input, textarea, select')).map((e) => e.value).join('\\n');
     return count(document.documentElement.outerHTML) + count(values) + count(document.title) + count(store(localStorage)) + count(store(sessionStorage));`,
    [needle],
  );
}

const stateOf = (s, provider) => s.text(`credential-state-${provider}`).then((t) => t.trim());

/** Waits for the provider's chip to read `label`; an inline error (a keyring problem) fails at once. */
async function waitChip(s, provider, label, what) {
  let error = null;
  await s.until(async () => {
    const errs = await s.findAll(`[data-testid="credential-error-${provider}"]`);
    if (errs.length) {
      error = await s.cmd('GET', `/element/${errs[0]}/text`);
      return true;
    }
    return (await stateOf(s, provider)) === label;
  }, what);
  assert.equal(error, null, `${what}: ${error}`);
}

const SENTINEL = 'SENTINEL-e2e-github-token-7c1f';
const dataDir = join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'se.fabrik.desktop');

/** Records every IPC answer the page receives (Tauri's IPC travels over fetch to the ipc:
 * protocol; its internals object is frozen), to search them for secrets afterwards. */
async function recordIpc(s) {
  await s.exec(`
    if (!window.__ipcAnswers) {
      window.__ipcAnswers = [];
      const realFetch = window.fetch.bind(window);
      window.fetch = async (input, init) => {
        const r = await realFetch(input, init);
        const url = typeof input === 'string' ? input : input.url;
        if (url.startsWith('ipc:') || url.startsWith('http://ipc.localhost')) {
          r.clone().text().then((t) => window.__ipcAnswers.push(t)).catch(() => {});
        }
        return r;
      };
    }
    return true;`);
}

const ipcAnswers = (s) => s.exec('return window.__ipcAnswers ?? []');

/** The sentinel in no file of the register, the logs or the app-data folder. */
function assertNowhereOnDisk(what) {
  const dbFiles = [db, `${db}-wal`, `${db}-shm`].filter(existsSync);
  const files = [...new Set([...dbFiles, ...filesUnder(dirname(db)), ...filesUnder(dataDir)])];
  const found = files.map((f) => [f, occurrences(f, SENTINEL)]).filter(([, n]) => n > 0);
  assert.deepEqual(found, [], `the token occurs in no file ${what}`);
}

test('save a token in Inställningar, restart, verify it; the token is nowhere afterwards', async () => {

  let s = await Session.start(driver.url, app);
  try {
    // The sandbox says so on every screen.
    await s.byTestId('sandbox-banner');
    await s.click('nav-settings');
    await s.byTestId('credential-github');
    await s.byTestId('sandbox-banner');
    await s.type('credential-input-github', SENTINEL);
    await s.click('credential-save-github');
    await waitChip(s, 'github', 'Sparad', 'GitHub token saved');
    const value = await s.exec(`return document.querySelector('[data-testid="credential-input-github"]').value`);
    assert.equal(value, '', 'the input is cleared after saving');
    assert.equal(await pageOccurrences(s, SENTINEL), 0, 'the token is not in the page after saving');
  } finally {
    await s.close();
  }

  // The sandbox's simulator learns the keyring's tokens when it starts: restart the app.
  s = await Session.start(driver.url, app);
  try {
    await s.click('nav-settings');
    await waitChip(s, 'github', 'Sparad', 'GitHub token still saved after restart');
    await s.click('credential-test-github');
    const state = await s.until(async () => {
      const t = await stateOf(s, 'github');
      return t === 'Verifierad' || t === 'Problem' ? t : null;
    }, 'the connection test', 30_000);
    const message = await s.text('credential-message-github');
    assert.equal(state, 'Verifierad', `the simulator accepts the saved token: ${message}`);
    assert.match(message, /Verifierad som fabrik-agent/);
    // Let the spinner and the save toast go before the picture.
    await s.until(async () => (await s.findAll('[data-testid="credential-spinner-github"]')).length === 0, 'spinner gone');
    if (shots) {
      mkdirSync(shots, { recursive: true });
      writeFileSync(join(shots, 'settings.png'), await s.screenshot());
    }
    assert.equal(await pageOccurrences(s, SENTINEL), 0, 'the token is not in the page');
  } finally {
    await s.close();
  }

  // Nothing on disk holds the token: the register (with its WAL), the logs, the app-data folder.
  const dbFiles = [db, `${db}-wal`, `${db}-shm`].filter(existsSync);
  assert.ok(dbFiles.includes(db), `the register exists at ${db}`);
  const logs = filesUnder(join(dataDir, 'logs'));
  assert.ok(logs.length > 0, `the app wrote logs under ${join(dataDir, 'logs')}`);
  const files = [...new Set([...dbFiles, ...filesUnder(dirname(db)), ...logs, ...filesUnder(dataDir)])];
  const found = files.map((f) => [f, occurrences(f, SENTINEL)]).filter(([, n]) => n > 0);
  assert.deepEqual(found, [], 'the token occurs in no file');
});

const STEPS = ['supabase.project', 'supabase.ready', 'supabase.keys', 'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env', 'vercel.deploy', 'n8n.workflow', 'finalize', 'email.welcome'];

/** Every step row's data-state, by key (only rows in the DOM). */
async function stepStates(s) {
  return s.exec(
    `const out = {};
     document.querySelectorAll('[data-testid="timeline"] li[data-testid^="step-"]').forEach((e) => { out[e.dataset.testid.slice(5)] = e.dataset.state; });
     return out;`,
  );
}

const runState = (s) => s.exec(`const e = document.querySelector('[data-testid="run-state"]'); return e ? e.dataset.state : null;`);

async function simJson(method, path, body) {
  const r = await fetch(`${sim()}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!r.ok) assert.fail(`${method} ${path}: ${r.status} ${await r.text().catch(() => '')}`);
  return r.json();
}

/** A delivered instance's workflow is backed up right after its provisioning run (the sandbox
 * has a Gitea): wait for that run too, so the window is not closed in the middle of it. */
async function backedUp(s, slug) {
  await s.until(async () => {
    const inv = await simJson('GET', '/__sim/inventory');
    const files = Object.keys(inv.gitea.repos.find((r) => r.full_name === 'ops-hub/client-backups')?.files ?? {});
    return files.some((f) => f.startsWith(`${slug}/workflows/`));
  }, `${slug}'s workflow backed up`, 30_000);
  await s.until(async () => (await s.findAll('[data-testid="active-runs-indicator"]')).length === 0, 'no active runs', 30_000);
}

test('provision a customer in the sandbox: plan, live timeline, quick links; a fault, Försök igen; Avveckla', async () => {
  const s = await Session.start(driver.url, app);
  const answers = [];
  try {
    await recordIpc(s);
    await s.byTestId('sandbox-banner');
    // The simulator answers on the pinned port once the window has opened the sandbox (after
    // its list is painted; the banner is there from the first frame).
    await s.until(() => simJson('GET', '/__sim/status'), 'the sandbox\'s simulator', 20_000);

    await s.click('nav-customers');
    await s.click('add-customer');
    await s.type('field-name', 'Ekens Trädgård AB');
    await s.type('field-admin_email', 'info@ekenstradgard.se');
    await s.click('save-customer');
    await s.until(async () => (await s.text('customer-title')).includes('Ekens'), 'customer page');

    // Provisionera → the plan → Starta.
    await s.until(async () => (await s.exec(`return !document.querySelector('[data-testid="provision-button"]').disabled`)), 'provision button enabled (readiness)', 20_000);
    await s.click('provision-button');
    await s.byTestId('plan-dialog');
    await s.byTestId('plan-item-supabase.project');
    const plan = await s.text('plan-dialog');
    assert.match(plan, /Skapa Supabase-projekt/);
    await s.click('plan-start');
    await s.byTestId('timeline');
    await s.byTestId('active-runs-indicator');

    // While steps run: the picture of a run in progress.
    await s.until(async () => Object.values(await stepStates(s)).some((st) => ['running', 'waiting', 'retrying'].includes(st)), 'a step running', 30_000);
    if (shots) {
      mkdirSync(shots, { recursive: true });
      writeFileSync(join(shots, 'run-in-progress.png'), await s.screenshot());
    }

    // Every step succeeds; the run says so; the customer page shows the quick links.
    await s.until(async () => {
      const states = await stepStates(s);
      const failed = Object.entries(states).find(([, st]) => st === 'failed');
      if (failed) throw new Error(`step ${failed[0]} failed: ${await s.text('run-error').catch(() => '?')}`);
      return STEPS.every((k) => states[k] === 'succeeded');
    }, 'every step succeeded', 60_000).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await stepStates(s))} run ${await runState(s)}`); });
    await s.until(async () => (await runState(s)) === 'succeeded', 'run succeeded', 30_000);
    await s.byTestId('link-production');
    await s.byTestId('link-github');
    assert.match(await s.text('instance-production_url'), /^https:\/\//);
    await backedUp(s, 'ekens-tradgard-ab');
    if (shots) writeFileSync(join(shots, 'run-finished.png'), await s.screenshot());
    await s.byTestId('history-list');
    answers.push(...(await ipcAnswers(s)));

    // The activity view lists the run.
    await s.click('nav-activity');
    await s.byTestId('activity-list');
    // No picture of this view here: since the workflow backup follows provisioning,
    // WebKitWebDriver's snapshot of it hangs (a minute, then the session) after the first test
    // restarted the app, while the list reads as below. docs/activity.png is from before.
    // textContent: WebDriver's visible-text call leaves out ellipsis-truncated cells.
    const activity = await s.exec(`return document.querySelector('[data-testid="activity-list"]').textContent`);
    assert.match(activity, /Ekens Trädgård AB/);
    // The workflow backup that followed the provisioning run is a run of its own.
    assert.match(activity, /Säkerhetskopia av flöden/);
  } finally {
    await s.close();
  }

  // A fault injected into the simulator: the Vercel project cannot be created (a permanent 400,
  // once; POST /v11/projects in sim/src/providers/vercel/projects.rs). The run stops as failed with its resources; "Försök igen" continues and finishes.
  const s2 = await Session.start(driver.url, app);
  try {
    await recordIpc(s2);
    await s2.click('add-customer');
    await s2.type('field-name', 'Fel & Rätt AB');
    await s2.type('field-admin_email', 'info@felochratt.se');
    await s2.click('save-customer');
    await s2.until(async () => (await s2.text('customer-title')).includes('Fel'), 'customer page');
    await simJson('POST', '/__sim/faults', { method: 'POST', path: '/vercel/v11/projects', status: 400, times: 1 });
    await s2.until(async () => (await s2.exec(`return !document.querySelector('[data-testid="provision-button"]').disabled`)), 'provision button enabled', 20_000);
    await s2.click('provision-button');
    // Starta is enabled once the plan (read-only calls) has loaded.
    await s2.byTestId('plan-item-vercel.project');
    await s2.click('plan-start');
    await s2.until(async () => (await runState(s2)) === 'failed', 'run failed on the injected fault', 60_000);
    assert.equal((await stepStates(s2))['vercel.project'], 'failed');
    const reason = await s2.text('run-error');
    assert.match(reason, /Skapa Vercel-projekt/);
    await s2.byTestId('rollback-run');
    await s2.byTestId('show-log');
    if (shots) writeFileSync(join(shots, 'run-failed.png'), await s2.screenshot());
    await s2.click('retry-run');
    await s2.until(async () => (await runState(s2)) === 'succeeded', 'retried run succeeded', 60_000);
    await s2.byTestId('link-production');
    await backedUp(s2, 'fel-ratt-ab');

    // "Avveckla" both customers, each after typing its slug; afterwards the simulator holds nothing
    // any run created.
    for (const slug of ['fel-ratt-ab', 'ekens-tradgard-ab']) {
      await s2.click('nav-customers');
      const row = await s2.find(`[data-testid="customer-row"][data-slug="${slug}"]`);
      await s2.cmd('POST', `/element/${row}/click`, {});
      await s2.click('teardown-button');
      await s2.byTestId('teardown-dialog');
      // Every target is read back first and listed; all of these are Fabrik's.
      await s2.byTestId('teardown-targets');
      assert.equal(await s2.exec(`return document.querySelectorAll('[data-testid="teardown-target"]:not([data-verdict="delete"])').length`), 0);
      assert.equal(await s2.exec(`return document.querySelector('[data-testid="teardown-confirm"]').disabled`), true, 'confirm needs the slug');
      await s2.type('teardown-input', slug);
      await s2.click('teardown-confirm');
      await s2.until(async () => (await s2.findAll('[data-testid="provision-button"]')).length === 1, `${slug} torn down`, 120_000);
    }
    const inv = await simJson('GET', '/__sim/inventory');
    assert.equal(inv.total_created_resources, 0, JSON.stringify(inv).slice(0, 2000));
    answers.push(...(await ipcAnswers(s2)));
  } finally {
    await s2.close();
  }
  // The GitHub token the previous test typed into the window stays in the sandbox keyring, and the
  // sandbox prefers a saved token over its own: every GitHub call of these runs carried it.
  // Afterwards it is in no IPC answer and nowhere on disk.
  assert.ok(answers.length > 20, `IPC answers were recorded (${answers.length})`);
  assert.equal(answers.filter((a) => a.includes(SENTINEL)).length, 0, 'the token is in no IPC answer');
  assertNowhereOnDisk('after runs that used it');
});

test('a repository made by someone else: refused with the ways out, adopted on purpose, then the customer\'s', async () => {
  const s = await Session.start(driver.url, app);
  try {
    await s.click('nav-customers');
    await s.click('add-customer');
    await s.type('field-name', 'Egen Mall AB');
    await s.type('field-admin_email', 'info@egenmall.se');
    await s.click('save-customer');
    await s.until(async () => (await s.text('customer-title')).includes('Egen Mall'), 'customer page');
    // Someone at the agency made a repository from the template with the customer's name.
    const seeded = await simJson('POST', '/__sim/foreign', { kind: 'github_repo', name: 'egen-mall-ab', from_template: true, description: 'Byråns demo' });
    const fullName = seeded.full_name;

    await s.until(async () => (await s.exec(`return !document.querySelector('[data-testid="provision-button"]').disabled`)), 'provision button enabled', 20_000);
    await s.click('provision-button');
    await s.byTestId('plan-item-github.repo');
    const item = () => s.exec(`return document.querySelector('[data-testid="plan-item-github.repo"]').dataset.action`);
    assert.equal(await item(), 'refuse');
    assert.match(await s.text('plan-item-github.repo'), /skapades inte av Fabrik; det lämnas orört/);
    assert.equal(await s.exec(`return document.querySelector('[data-testid="plan-start"]').disabled`), true, 'nothing starts while it is refused');
    if (shots) writeFileSync(join(shots, 'plan-refused.png'), await s.screenshot());

    // Adopt on purpose: the name typed exactly.
    await s.click('plan-adopt-github.repo');
    await s.byTestId('adopt-dialog');
    assert.match(await s.text('adopt-dialog'), /tas bort vid Avveckla/);
    await s.type('adopt-input', 'egen-mall-ab');
    assert.equal(await s.exec(`return document.querySelector('[data-testid="adopt-confirm"]').disabled`), true, 'a near miss does not adopt');
    await s.type('adopt-input', fullName);
    await s.click('adopt-confirm');
    await s.until(async () => (await item()) === 'adopt', 'the plan says it is adopted on purpose', 20_000);
    assert.equal((await simJson('GET', '/__sim/inventory')).github.repos.find((r) => r.full_name === fullName).description, 'Byråns demo', 'nothing is written before the run');
    await s.click('plan-start');
    await s.until(async () => (await runState(s)) === 'succeeded', 'the run with the adopted repository succeeded', 90_000);
    await s.until(async () => (await s.exec(`return document.querySelector('[data-testid="foreign-row"]')?.dataset.state`)) === 'adopted', 'recorded as adopted');
    const repo = (await simJson('GET', '/__sim/inventory')).github.repos.find((r) => r.full_name === fullName);
    assert.match(repo.description, /^Byråns demo \[fabrik:[0-9a-f-]{36}\]$/, 'the marker was written, the owner\'s text kept');
    await backedUp(s, 'egen-mall-ab');

    // From now on it is the customer's: the teardown lists it as deleted, and deletes it.
    await s.click('teardown-button');
    await s.byTestId('teardown-targets');
    assert.equal(await s.exec(`return document.querySelector('[data-testid="teardown-target"][data-id="${fullName}"]')?.dataset.verdict`), 'delete');
    await s.type('teardown-input', 'egen-mall-ab');
    await s.click('teardown-confirm');
    await s.until(async () => (await s.findAll('[data-testid="provision-button"]')).length === 1, 'torn down', 120_000);
    const inv = await simJson('GET', '/__sim/inventory');
    assert.equal(inv.total_created_resources, 0, JSON.stringify(inv).slice(0, 2000));
  } finally {
    await s.close();
  }
});

/** In one script, so no notice can come or go between the count and the checks: how many
 * notices show, and every enabled button of the page that a click at its middle would not reach
 * (scrolled to the top, the middle and the bottom of the view in turn), with what lies over it. */
async function coveredActions(s) {
  return s.exec(`
    const notices = document.querySelectorAll('[data-testid="toast"]').length;
    const covered = [];
    const buttons = [...document.querySelectorAll('main button:not([disabled])')];
    for (const el of buttons) {
      for (const block of ['start', 'center', 'end']) {
        el.scrollIntoView({ block });
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) break;
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (!top || !(top === el || el.contains(top))) {
          covered.push((el.dataset.testid || el.textContent.trim()) + ' at ' + block + ' under ' + (top ? (top.closest('[data-testid]')?.dataset.testid || top.className || top.tagName) : 'nothing'));
        }
      }
    }
    return { notices, buttons: buttons.length, covered };`);
}

test('no notice covers an action: the customer page and its form with two notices showing', async () => {
  const s = await Session.start(driver.url, app);
  try {
    await s.click('nav-customers');
    await s.click('add-customer');
    await s.type('field-name', 'Notis Test AB');
    await s.type('field-admin_email', 'nora@notistest.se');
    await s.click('save-customer');
    await s.until(async () => (await s.text('customer-title')).includes('Notis Test AB'), 'customer page');
    // The page's actions are enabled once the sandbox's clouds are up: the notices come after.
    await s.until(async () => s.exec(`return !document.querySelector('[data-testid="provision-button"]').disabled`), 'provision button enabled', 60_000);
    // Two notices, one right behind the other: the changes saved, twice.
    for (const contact of ['Nora Notis', 'Nora N. Notis']) {
      await s.click('edit-customer');
      await s.type('field-contact_name', contact);
      await s.click('save-customer');
      await s.until(async () => (await s.text('customer-title')).includes('Notis Test AB'), 'customer page again');
    }
    await s.until(async () => (await s.findAll('[data-testid="toast"]')).length === 2, 'two notices stacked in the corner');

    const page = await coveredActions(s);
    assert.ok(page.notices >= 2, `two notices show on the customer page (${page.notices})`);
    assert.ok(page.buttons >= 4, `the page's actions were checked (${page.buttons})`);
    assert.deepEqual(page.covered, [], 'no action of the customer page is covered');

    await s.click('edit-customer');
    await s.byTestId('save-customer');
    const form = await coveredActions(s);
    assert.ok(form.notices >= 2, `two notices show on the form (${form.notices})`);
    assert.ok(form.buttons >= 2, `the form's actions were checked (${form.buttons})`);
    assert.deepEqual(form.covered, [], 'no action of the form is covered');
    // And a real click on Spara at the bottom of the view goes through while they show.
    await s.exec(`document.querySelector('[data-testid="save-customer"]').scrollIntoView({ block: 'end' })`);
    await s.cmd('POST', `/element/${await s.byTestId('save-customer')}/click`, {});
    await s.until(async () => (await s.text('customer-title')).includes('Notis Test AB'), 'saved from the bottom of the view');

    // Each can be dismissed, and all at once.
    await s.click('toast-dismiss-all');
    await s.until(async () => (await s.findAll('[data-testid="toast"]')).length === 0, 'every notice dismissed');
  } finally {
    await s.close();
  }
});
