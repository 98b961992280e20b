// Test harness: serves the BUILT ui/dist with `vite preview`, drives Debian's chromium through
// playwright-core, and installs the in-memory fake backend (mock-backend.js) through mockIPC.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const UI_DIR = fileURLToPath(new URL('../../', import.meta.url));
const DIST = path.join(UI_DIR, 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function requireDist() {
  if (!existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`The UI is not built: ${DIST}/index.html is missing. Run \`npm run build\` in ui/ before \`npm test\`.`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, child, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
      lastError = new Error(`HTTP ${res.status}`);
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`vite preview did not answer at ${url}: ${lastError}`);
}

/** Starts `vite preview` on a free port; returns its URL and a stop function. */
export async function startPreview() {
  requireDist();
  const port = await freePort();
  const vite = path.join(UI_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(process.execPath, [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: UI_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHttp(url, child);
  } catch (e) {
    child.kill();
    throw new Error(`${e.message}\n${output}`);
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
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
const backendSource = readFileSync(new URL('./mock-backend.js', import.meta.url), 'utf8');

/**
 * Opens the app in a fresh browser context with the fake backend.
 * config: { examples?: boolean, customers?: CustomerDraft[], bulk?: number, language?: 'sv'|'en', latency?: number,
 *   environment?: 'sandbox'|'production', settings?: Record<string,string>, fromEnv?: Provider[],
 *   keyring?: keyring error code, tokens?: { rejected?, forbidden?, missingScope?, noDeleteRepo?, unreachable? },
 *   testLatency?: number }
 */
export async function openApp(browser, url, config = {}, { viewport = { width: 1280, height: 800 } } = {}) {
  const context = await browser.newContext({ viewport, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  const problems = [];
  const consoleMessages = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    consoleMessages.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript({
    content: `${tauriMocksSource()}\nwindow.__FABRIK_MOCK_CONFIG__ = ${JSON.stringify(config)};\n${backendSource}`,
  });
  await page.goto(url);
  await page.locator('.header').waitFor();
  return { page, context, problems, consoleMessages, close: () => context.close() };
}

/** Every IPC call the page made so far: [{cmd, args, ok, result?, error?}]. */
export function ipcCalls(page, cmd) {
  return page.evaluate((c) => window.__mockCalls.filter((x) => !c || x.cmd === c), cmd ?? null);
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
