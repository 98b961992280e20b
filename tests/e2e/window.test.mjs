// End-to-end: the real Fabrik window (release UI bundled into a debug build) under Xvfb,
// driven through tauri-driver and WebKitWebDriver. Add a customer through the form, see it in
// the list, set its production URL, restart the app and see it persisted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { startDriver, Session } from './webdriver.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.env.FABRIK_APP ?? join(root, 'target', 'debug', 'fabrik-app');
const work = process.env.FABRIK_TEST_WORK ?? '/tmp';
const db = join(work, `e2e-${process.pid}`, 'fabrik.sqlite3');
const shots = process.env.FABRIK_SCREENSHOTS ?? join(root, 'docs');

let driver;
before(async () => {
  assert.ok(existsSync(app), `build the app first (${app})`);
  mkdirSync(dirname(db), { recursive: true });
  driver = await startDriver({ FABRIK_DB: db });
});
after(() => driver?.stop());

test('add a customer, set its production URL, restart, still there', async () => {
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
    mkdirSync(shots, { recursive: true });
    writeFileSync(join(shots, 'e2e-list.png'), await s.screenshot());
  } finally {
    await s.close();
  }

  // The CLI sees the same file the window wrote.
  const cli = join(root, 'target', 'debug', 'fabrik');
  if (existsSync(cli)) {
    const out = JSON.parse(execFileSync(cli, ['--db', db, 'customers', 'show', 'asas-bageri-cafe-ab', '--json']).toString());
    assert.equal(out.instance.production_url, 'https://asa.example.se');
  }

  // A fresh start of the app shows the persisted customer and its URL.
  s = await Session.start(driver.url, app);
  try {
    const row = await s.find('[data-testid="customer-row"][data-slug="asas-bageri-cafe-ab"]');
    await s.cmd('POST', `/element/${row}/click`, {});
    await s.until(async () => (await s.text('instance-production_url')).includes('https://asa.example.se'), 'persisted URL after restart');
    writeFileSync(join(shots, 'e2e-customer.png'), await s.screenshot());
  } finally {
    await s.close();
  }
});
