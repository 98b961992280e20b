// Test harness: serves the BUILT ui/dist from the test's own process (startServer), drives
// Debian's Chromium (its headless shell) through playwright-core, and installs the in-memory
// fake backend (mock-backend.js and its areas' scripts, FAKE_BACKEND_FILES, with the core's
// customer rules from fixtures/core-rules.json read by mock-rules.js) through mockIPC.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const UI_DIR = fileURLToPath(new URL('../../', import.meta.url));
const DIST = path.join(UI_DIR, 'dist');
// Chromium's headless shell (Debian's chromium-headless-shell, scripts/setup.sh): a quarter less
// CPU for the same tests than the whole browser, which is the fallback.
const CHROMIUM =
  process.env.CHROMIUM_PATH ||
  ['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((p) => existsSync(p)) ||
  '/usr/bin/chromium';

export function requireDist() {
  if (!existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`The UI is not built: ${DIST}/index.html is missing. Run \`npm run build\` in ui/ before \`npm test\`.`);
  }
}

// The window's own Content-Security-Policy (tauri.conf.json), sent with every file the tests
// serve: they prove the build needs no inline script, eval or outside resource.
const TAURI_CONF = new URL('../../../tauri.conf.json', import.meta.url);
const CSP = Object.entries(JSON.parse(readFileSync(TAURI_CONF, 'utf8')).app.security.csp)
  .map(([directive, sources]) => `${directive} ${sources}`)
  .join('; ');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
// What each open page runs before the app (its config, its last script), by the page's number
// in its address (`/?page=N`); the scripts every page shares are one file.
const pageScripts = new Map();
let pagesOpened = 0;

/**
 * Serves the built UI (ui/dist) from this process on a free port, as the window loads it: the
 * fake's scripts first in index.html, the app's files as built. No request passes through the
 * test (Playwright's routing turns the browser's cache off): the hashed assets are cached as
 * immutable, so from the second page on Chromium neither fetches nor compiles them again.
 * Returns its URL and a stop function.
 */
export async function startServer() {
  requireDist();
  const indexHtml = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const send = (status, type, body, cache = 'no-store') => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Security-Policy': CSP, 'Cache-Control': cache });
      res.end(body);
    };
    const page = url.searchParams.get('page');
    const scripts = pageScripts.get(page);
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const sources = scripts ? [`${CONFIG_SCRIPT}?page=${page}`, `${SHARED_SCRIPT}?v=${sharedScriptVersion()}`, `${LAST_SCRIPT}?page=${page}`] : [];
      const tags = sources.map((src) => `<script src="./${src}"></script>`).join('');
      return send(200, TYPES['.html'], indexHtml.replace('<head>', `<head>${tags}`));
    }
    const name = url.pathname.slice(1);
    if (name === SHARED_SCRIPT) return send(200, TYPES['.js'], sharedScriptSource(), 'public, max-age=31536000, immutable');
    if (scripts && name in scripts) return send(200, TYPES['.js'], scripts[name]);
    let file;
    let body;
    try {
      file = path.join(DIST, path.normalize(decodeURIComponent(url.pathname)));
      if (!file.startsWith(DIST + path.sep)) return send(403, 'text/plain', 'outside the build');
      body = readFileSync(file);
    } catch {
      // A path that is not in the build, or not a path at all (a malformed escape).
      return send(404, 'text/plain', `not in the build: ${url.pathname}`);
    }
    const hashed = url.pathname.startsWith('/assets/');
    send(200, TYPES[path.extname(file)] ?? 'application/octet-stream', body, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

let mocksSource;
function tauriMocksSource() {
  if (!mocksSource) {
    // The ESM build of @tauri-apps/api/mocks has no imports; strip its export line and wrap it so
    // it runs as a classic init script (the .cjs build fails in the page).
    const file = fileURLToPath(import.meta.resolve('@tauri-apps/api/mocks'));
    const text = readFileSync(file, 'utf8').replace(/^export\s*\{[^}]*\};?\s*$/m, '');
    mocksSource = `(function(){\n${text}\nwindow.__TAURI_MOCKS__ = { mockIPC, mockWindows, clearMocks };\n})();\n`;
  }
  return mocksSource;
}
// The core's customer rules (generated by tests/ui_fixtures.rs); the fake's interpreter of them
// is mock-rules.js.
export const CORE_RULES_FILE = new URL('../fixtures/core-rules.json', import.meta.url);
const coreRulesJson = JSON.stringify(JSON.parse(readFileSync(CORE_RULES_FILE, 'utf8')));
/**
 * The fake backend's scripts, in the order the page runs them: the rules' interpreter, each
 * area's script (it defines `window.__fabrikMock<Area>` and runs nothing), then mock-backend.js,
 * which holds what the areas share, calls each and installs the fake.
 */
export const FAKE_BACKEND_FILES = [
  'mock-rules.js',
  'mock-customers.js',
  'mock-settings.js',
  'mock-runs.js',
  'mock-instances.js',
  'mock-backups.js',
  'mock-deployments.js',
  'mock-team.js',
  'mock-rollouts.js',
  'mock-register.js',
  'mock-setup.js',
  'mock-schedule.js',
  'mock-update.js',
  'mock-intake.js',
  'mock-exports.js',
  'mock-usage.js',
  'mock-billing.js',
  'mock-handover.js',
  'mock-overview.js',
  'mock-backend.js',
].map((name) => new URL(`./${name}`, import.meta.url));
const fakeBackendSource = FAKE_BACKEND_FILES.map((file) => readFileSync(file, 'utf8')).join('\n');
// The core's generated constants (ui/src/bindings.ts: each kind's steps, the step labels …), as
// `window.__FABRIK_BINDINGS__` for the fake backend, so it keeps no copy of a list the core owns.
export const BINDINGS_FILE = new URL('../../src/bindings.ts', import.meta.url);
/**
 * bindings.ts as JavaScript, transpiled once for every test file of a run: loading TypeScript
 * cost about 1.5 s of CPU in each of the 26 test processes. Kept by the source's SHA-256 under
 * node_modules/.cache, written whole (a temporary file renamed) as files run side by side.
 */
async function bindingsJavaScript() {
  const source = readFileSync(BINDINGS_FILE, 'utf8');
  const sha = createHash('sha256').update(source).digest('hex');
  const dir = path.join(UI_DIR, 'node_modules', '.cache', 'fabrik-ui-tests');
  const cached = path.join(dir, `bindings-${sha}.js`);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  const { default: ts } = await import('typescript');
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  mkdirSync(dir, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  writeFileSync(tmp, js);
  renameSync(tmp, cached);
  return js;
}
const bindingsJs = await bindingsJavaScript();
export const bindingsSource = `window.__FABRIK_BINDINGS__ = (function () {\nvar exports = {};\n${bindingsJs}\nreturn exports;\n})();`;

/**
 * The window opens on Översikt (issue #68); the tests written for the customer list land on it
 * as a person does, one click later: "Kunder" is clicked the moment the header is there, before
 * anything else can happen, on every load of the page (a reload too).
 */
const TO_THE_LIST = `new MutationObserver((_, seen) => {
  const nav = document.querySelector('[data-testid="nav-customers"]');
  if (!nav) return;
  seen.disconnect();
  nav.click();
}).observe(document, { childList: true, subtree: true });`;

// The fake's scripts a page runs before the app's own, served beside the app's index.html (which
// startServer writes them into, first): the test's config, what every test shares (one source,
// built once a process), then what runs last (the click on "Kunder", a test's own script).
// 'self' scripts, so the window's CSP holds.
const SHARED_SCRIPT = '__fabrik-test-shared.js';
const CONFIG_SCRIPT = '__fabrik-test-config.js';
const LAST_SCRIPT = '__fabrik-test-last.js';
let sharedScript;
let sharedVersion;
function sharedScriptSource() {
  sharedScript ??= `${tauriMocksSource()}\nwindow.__FABRIK_CORE_RULES__ = ${coreRulesJson};\n${bindingsSource}\n${fakeBackendSource}`;
  return sharedScript;
}
// Its address names its content, so the browser may keep it as it keeps the app's hashed files.
function sharedScriptVersion() {
  sharedVersion ??= createHash('sha256').update(sharedScriptSource()).digest('hex').slice(0, 16);
  return sharedVersion;
}

/**
 * Pages kept between tests, a browser's own: a new context cost about 0.6 s of CPU in Chromium
 * (its renderer process) on top of the app's load, 200 times a run beside the build. A page is
 * given back by `close` only once nothing of its test is left: no route, no listener, no
 * storage of the app's origin, on about:blank. One that cannot be cleaned is closed instead.
 */
const keptPages = new WeakMap();
const TEST_EVENTS = ['console', 'pageerror', 'dialog', 'request', 'response', 'requestfinished', 'requestfailed', 'popup', 'download', 'filechooser', 'load', 'domcontentloaded', 'framenavigated', 'frameattached', 'framedetached', 'websocket', 'worker', 'crash'];

async function takePage(browser, viewport) {
  const kept = keptPages.get(browser)?.pop();
  if (kept && !kept.page.isClosed()) {
    await kept.page.setViewportSize(viewport);
    return kept;
  }
  const context = await browser.newContext({ viewport, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  return { context, page: await context.newPage() };
}

async function giveBack(browser, kept, origin) {
  const { context, page } = kept;
  try {
    for (const event of TEST_EVENTS) page.removeAllListeners(event);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.goto('about:blank');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
    await cdp.detach();
    await context.clearCookies();
    if (!keptPages.has(browser)) keptPages.set(browser, []);
    keptPages.get(browser).push(kept);
  } catch {
    await context.close().catch(() => {});
  }
}

/**
 * Opens the app with the fake backend, on the customer list (a click on "Kunder" once the header
 * shows); `landing: 'overview'` stays where the window opens. Each test's page starts as a new
 * one would: nothing stored for the app's origin, no route or listener of an earlier test.
 * config: { examples?: boolean, customers?: CustomerDraft[], bulk?: number, language?: 'sv'|'en', latency?: number,
 *   environment?: 'sandbox'|'production', settings?: Record<string,string>, fromEnv?: Provider[],
 *   keyring?: keyring error code, tokens?: { rejected?, forbidden?, missingScope?, noDeleteRepo?, unreachable? },
 *   testLatency?: number, typedByHand?: slug[] (instance cards typed by hand: nothing of Fabrik's to tear down) }
 */
export async function openApp(browser, url, config = {}, { viewport = { width: 1280, height: 800 }, init = '', landing = 'customers' } = {}) {
  const kept = await takePage(browser, viewport);
  const { context, page } = kept;
  // A bound on a hang, not a speed check: these tests run beside the build (niced), and on
  // CI's two cores a fake run's end took over 5 s to reach the page (handover.test.mjs).
  page.setDefaultTimeout(10_000);
  // The load waits for the fake backend's script, which seeds CONFIG.bulk customers first:
  // 100,000 took over 5 s on CI's loaded cores (the build runs beside these tests). A bound on a
  // hang, not a speed check.
  page.setDefaultNavigationTimeout(60_000);
  const problems = [];
  const consoleMessages = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    consoleMessages.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  const origin = new URL(url).origin;
  const id = String(++pagesOpened);
  pageScripts.set(id, {
    [CONFIG_SCRIPT]: `window.__FABRIK_MOCK_CONFIG__ = ${JSON.stringify(config)};`,
    [LAST_SCRIPT]: `${landing === 'customers' ? TO_THE_LIST : ''}\n${init}`,
  });
  await page.goto(`${url}?page=${id}`);
  await page.locator('.header').waitFor();
  const close = async () => {
    await giveBack(browser, kept, origin);
    pageScripts.delete(id);
  };
  return { page, context, problems, consoleMessages, close };
}

/** Every IPC call the page made so far: [{cmd, args, ok, at (page clock, ms), result?, error?}]. */
export function ipcCalls(page, cmd) {
  return page.evaluate((c) => window.__mockCalls.filter((x) => !c || x.cmd === c), cmd ?? null);
}

/** The runs the page started (`start_run`) of these kinds, each as `{ args: { slug, ...request } }`. */
export async function runStarts(page, ...kinds) {
  const calls = await ipcCalls(page, 'start_run');
  return calls
    .filter((c) => kinds.includes(c.args.request.kind))
    .map((c) => ({ ...c, args: { slug: c.args.slug, ...c.args.request } }));
}

export function mockState(page) {
  return page.evaluate(() => window.__mockState());
}

/** The slugs of the rows currently in the DOM, in visual order. */
export function visibleSlugs(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="customer-row"]')]
      .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
      .map((r) => r.dataset.slug),
  );
}

/**
 * The build's server and Chromium for one test file: started before its tests, stopped after.
 * Read `.server` and `.browser` inside a test.
 */
export function sharedBrowser() {
  const shared = { server: null, browser: null };
  before(async () => {
    shared.server = await startServer();
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.stop();
  });
  return shared;
}

/**
 * A test file's `open`: the app on the shared browser, closed after the test, and
 * `assertClean()` failing on any page error or console error (CSP violations included).
 */
export function opener(shared) {
  return async function open(t, config, options) {
    const app = await openApp(shared.browser, shared.server.url, config, options);
    t.after(async () => {
      await app.close();
    });
    app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
    return app;
  };
}

/** Waits for the first element under `locator` holding `text`. */
export async function expectText(locator, text) {
  await locator.filter({ hasText: text }).first().waitFor();
}

/** Waits until the list's count says `n` customers. */
export async function waitRows(page, n) {
  await page.waitForFunction((n) => {
    const c = document.querySelector('[data-testid="customer-count"]');
    return c && Number(c.textContent.replace(/\D/g, '')) === n;
  }, n);
}
