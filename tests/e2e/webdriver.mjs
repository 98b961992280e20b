// A minimal W3C WebDriver client over fetch, enough to drive the Fabrik window through
// WebKitWebDriver (webkit2gtk-driver). No npm dependencies.
//
// Tauri's tauri-driver is not used: on Linux it only starts WebKitWebDriver with the two
// automation variables below and rewrites a new session's `tauri:options` into
// `webkitgtk:browserOptions` (tauri-driver 2.1.0, src/webdriver.rs and src/server.rs,
// Apache-2.0/MIT), which this file does itself. Building it from source cost every fresh clone
// about 70 s of CPU (41 s on two cores) before the build could start.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const ELEMENT = 'element-6066-11e4-a52e-4a4b4b9a0b9f';
// WebKitWebDriver may answer with the legacy key; an element reference has exactly one.
const elementId = (ref) => ref[ELEMENT] ?? ref.ELEMENT ?? Object.values(ref)[0];
// Passed back to the driver in the shape it sent (for arguments of /execute).
const refs = new Map();
const remember = (ref) => {
  const id = elementId(ref);
  refs.set(id, ref);
  return id;
};

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** The process groups this file started (WebKitWebDriver, and under it the app): killed whole
 * on every way out, so no window or driver outlives its test file and keeps the test runner
 * waiting on an inherited pipe. */
const groups = new Set();

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {}
}

/** Every process still running this binary (the app, whoever started it). */
export function pidsOf(binary) {
  // By the file it runs, not the name it was started by: a window that starts itself again
  // (a restart into production, after an update) runs by its absolute path.
  let exe = binary;
  try {
    exe = realpathSync(binary);
  } catch {}
  const found = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const running = readlinkSync(`/proc/${d}/exe`).replace(/ \(deleted\)$/, '');
      if (running === exe || readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0')[0] === binary) found.push(Number(d));
    } catch {}
  }
  return found;
}

/** Kills what this file started, at once (for `exit` and signals, where nothing can wait). */
export function killEverything(app) {
  for (const pid of groups) killGroup(pid, 'SIGKILL');
  groups.clear();
  if (app) for (const pid of pidsOf(app)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

let exitHooked = false;
function hookExit(app) {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => killEverything(app));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killEverything(app);
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Starts WebKitWebDriver on a free port, in a process group of its own (the app it launches
 * joins it); resolves when it answers /status. `stop()` ends the whole group and
 * any copy of `app` still running, waiting at most a few seconds. */
export async function startDriver(env, app = process.env.FABRIK_APP) {
  hookExit(app);
  // A new seat opens the setup guide by itself (views/Setup.tsx); the tests of other parts
  // start as a seat that has been through it. FABRIK_E2E_FIRST_START keeps the first start.
  const data = env.XDG_DATA_HOME ?? process.env.XDG_DATA_HOME;
  if (data && !env.FABRIK_E2E_FIRST_START) {
    const dir = join(data, 'se.fabrik.desktop');
    const file = join(dir, 'seat-settings.json');
    let kept = {};
    try {
      kept = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    } catch {
      kept = {};
    }
    if (!kept['setup.step']) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, JSON.stringify({ ...kept, 'setup.step': 'done' }));
    }
  }
  const port = await freePort();
  const proc = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], {
    // What tauri-driver sets: the app it launches lets the driver automate its webview.
    env: { ...process.env, ...env, TAURI_AUTOMATION: 'true', TAURI_WEBVIEW_AUTOMATION: 'true' },
    // Its errors (and the app's) come through a pipe this process reads, never the runner's own
    // stdio, which a grandchild left behind would hold open. Its standard output is dropped, as
    // tauri-driver dropped it: the test runner reads this file's standard output as its report.
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  proc.stderr.on('data', (d) => process.stderr.write(d));
  groups.add(proc.pid);
  const stop = async () => {
    killGroup(proc.pid, 'SIGTERM');
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && (isAlive(proc.pid) || (app && pidsOf(app).length))) await sleep(100);
    killEverything(app);
    groups.delete(proc.pid);
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${url}/status`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return { url, stop };
    } catch {}
    await sleep(100);
  }
  await stop();
  throw new Error('WebKitWebDriver did not start within 20 s');
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function wd(base, method, path, body, timeoutMs = 60_000) {
  if (process.env.FABRIK_E2E_TRACE) console.error(new Date().toISOString(), method, path, body === undefined ? "" : JSON.stringify(body).slice(0, 120));
  const r = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

/** The tauri-plugin-single-instance bus name of the app (its identifier + `.SingleInstance`). */
const SINGLE_INSTANCE_NAME = 'se.fabrik.desktop.SingleInstance';

/** Whether the session bus still lists an owner of the app's single-instance name; false when
 * it cannot be asked (no dbus-send): then there is nothing to wait for. */
function singleInstanceNameTaken() {
  try {
    const out = execFileSync(
      'dbus-send',
      ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${SINGLE_INSTANCE_NAME}`],
      { encoding: 'utf8', timeout: 2000 },
    );
    return /boolean true/.test(out);
  } catch {
    return false;
  }
}

function appRunning(binary) {
  return pidsOf(binary).length > 0;
}

export class Session {
  /**
   * The window opens on Översikt (issue #68); a test written for the customer list lands on it
   * as a person does, with a click on "Kunder" once the header shows. `landing: 'overview'`
   * stays where the window opens.
   */
  static async start(driverUrl, application, { landing = 'customers' } = {}) {
    const value = await wd(driverUrl, 'POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: application, args: [] } } },
    });
    const session = new Session(driverUrl, value.sessionId);
    session.application = application;
    if (landing === 'customers') {
      await session.find('[data-testid="nav-customers"]', 30_000);
      await session.click('nav-customers');
    }
    return session;
  }

  constructor(driverUrl, id) {
    this.base = `${driverUrl}/session/${id}`;
    this.driverUrl = driverUrl;
  }

  cmd(method, path, body) {
    return wd(this.base, method, path, body);
  }

  /** Waits until a CSS selector matches and returns the element id. */
  async find(css, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        const el = await this.cmd('POST', '/element', { using: 'css selector', value: css });
        return remember(el);
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    throw new Error(`no element ${css} within ${timeoutMs} ms: ${last?.message}; the window showed: ${await this.shown()}`);
  }

  /** What the window shows, for a failure's message: the page's heading and the test ids on
   * screen (an element that never came is easier to place when the page around it is named). */
  async shown() {
    try {
      return await this.exec(
        `const main = document.querySelector('main');
         const head = main?.querySelector('h1, h2')?.textContent?.trim() ?? '(no heading)';
         const ids = [...(main ?? document.body).querySelectorAll('[data-testid]')].slice(0, 15).map((e) => e.getAttribute('data-testid'));
         const busy = !!document.querySelector('[aria-busy="true"]');
         return head + (busy ? ' (busy)' : '') + ' [' + ids.join(', ') + ']';`,
      );
    } catch (e) {
      return `(unreadable: ${e.message})`;
    }
  }

  async findAll(css) {
    const els = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return els.map(remember);
  }

  byTestId(id) {
    return this.find(`[data-testid="${id}"]`);
  }

  /** Clicks like a user: scrolled into view, once it holds still, then one click. Nothing is
   * retried: an element covered by anything (a notice, a leftover dialog) fails the test at
   * once, naming what lies over it, because a person could not click it either. A page still
   * filling its cards above the element moves it after the scroll; a person's eye follows it,
   * a WebDriver click lands where it was (a customer page's danger zone at its foot). */
  async click(testId) {
    const el = await this.element(testId);
    const place = () =>
      this.exec('arguments[0].scrollIntoView({block: "center"}); const r = arguments[0].getBoundingClientRect(); return [r.x, r.y, r.width, r.height].join(",");', [refs.get(el)]);
    let at = await place();
    for (let i = 0; i < 30; i++) {
      await sleep(100);
      const now = await place();
      if (now === at) break;
      at = now;
    }
    try {
      return await this.cmd('POST', `/element/${el}/click`, {});
    } catch (e) {
      if (String(e.message).includes('intercepted')) {
        const over = await this.coveredBy(testId).catch(() => null);
        if (process.env.FABRIK_E2E_DEBUG) {
          const { writeFileSync } = await import('node:fs');
          writeFileSync(`/tmp/e2e-fail-${testId}.png`, await this.screenshot());
        }
        throw new Error(`${testId} is covered${over ? ` by ${over}` : ''}: ${e.message}`);
      }
      throw e;
    }
  }

  /** What a click at the middle of the element would hit instead of it, or null when the
   * element itself (or something inside it) is on top there. Scrolls it into view first. */
  async coveredBy(testId) {
    const el = await this.element(testId);
    return this.exec(
      `const el = arguments[0];
       el.scrollIntoView({block: "center"});
       const r = el.getBoundingClientRect();
       if (r.width === 0 || r.height === 0) return 'nothing (it is not shown)';
       const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
       if (top && (top === el || el.contains(top))) return null;
       if (!top) return 'the edge of the window';
       const id = top.closest('[data-testid]')?.getAttribute('data-testid');
       return (id ? '[data-testid=' + id + '] ' : '') + top.tagName.toLowerCase() + (top.className ? '.' + String(top.className).split(' ').join('.') : '');`,
      [refs.get(el)],
    );
  }

  async clear(testId) {
    const el = await this.byTestId(testId);
    await this.cmd('POST', `/element/${el}/clear`, {});
    return el;
  }

  async type(testId, text) {
    const el = await this.clear(testId);
    await this.cmd('POST', `/element/${el}/value`, { text });
  }

  /** An element by its test id, or by a CSS selector (anything with a `[`). */
  element(testIdOrCss) {
    return testIdOrCss.includes('[') ? this.find(testIdOrCss) : this.byTestId(testIdOrCss);
  }

  async text(testIdOrCss) {
    const el = await this.element(testIdOrCss);
    return this.cmd('GET', `/element/${el}/text`);
  }

  async exec(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /** Polls `fn` until it returns a truthy value. */
  async until(fn, what, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    if (process.env.FABRIK_E2E_DEBUG) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync('/tmp/e2e-timeout.png', await this.screenshot().catch(() => Buffer.alloc(0)));
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
  }

  async screenshot() {
    // Let the compositor paint the last DOM change before the snapshot.
    await this.exec('return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))').catch(() => {});
    await sleep(300);
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }

  /** Ends the session and waits until the app has exited: a new launch while the old one is
   * still shutting down would be handed to it by the single-instance plugin and never open. */
  async close() {
    // A driver that hangs must not hang the test: the session's end is bounded too.
    await wd(this.base, 'DELETE', '', undefined, 15_000).catch(() => {});
    const deadline = Date.now() + 15_000;
    while (this.application && appRunning(this.application) && Date.now() < deadline) {
      await sleep(100);
    }
    // Still there (a test that failed mid-way, a window that would not close): ended by force,
    // so the next launch is a new app and nothing outlives the test.
    if (this.application) for (const pid of pidsOf(this.application)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    // The bus drops the exited app's single-instance name a moment after the process is gone;
    // a launch inside that moment forwards to a peer that is no longer there and fails
    // ("Message recipient disconnected"). Wait until the name is free.
    while (singleInstanceNameTaken() && Date.now() < deadline) {
      await sleep(50);
    }
  }
}
