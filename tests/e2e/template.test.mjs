// End-to-end, a template update from the real window in the sandbox (issue #31): a customer
// provisioned, its repository changed by the customer, the template's next release pushed; then
// in Mallen the plan shows the file both changed as a conflict, the roll-out opens one pull
// request, and the customer's branch is untouched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, Session, freePort } from './webdriver.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.env.FABRIK_APP ?? join(root, 'target', 'debug', 'fabrik');
const work = process.env.FABRIK_TEST_WORK ?? '/tmp';
const db = join(work, `e2e-template-${process.pid}`, 'fabrik.sqlite3');
// The pictures are taken only when asked for (scripts/screenshots.sh): the test command takes none.
const shots = process.env.FABRIK_SCREENSHOTS;

let driver;
let port;
before(async () => {
  assert.ok(existsSync(app), `build the app first (${app})`);
  mkdirSync(dirname(db), { recursive: true });
  port = await freePort();
  driver = await startDriver({
    FABRIK_DB: db,
    XDG_DATA_HOME: join(dirname(db), 'xdg-data'),
    FABRIK_SANDBOX_TIME_SCALE: '0.01',
    FABRIK_SANDBOX_PORT: String(port),
    FABRIK_SANDBOX_POSTGRES: '0',
  });
});
after(async () => driver?.stop());

const runState = (s) => s.exec(`const e = document.querySelector('[data-testid="run-state"]'); return e ? e.dataset.state : null;`);

/// A commit on a branch as a person would push it (the simulator's test route).
async function push(repo, files, message) {
  const r = await fetch(`http://127.0.0.1:${port}/__sim/github/commit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ repo, branch: 'main', message, files }),
  });
  assert.ok(r.ok, `${repo}: ${r.status} ${await r.text()}`);
}

async function inventory() {
  const r = await fetch(`http://127.0.0.1:${port}/__sim/inventory`);
  return r.json();
}

test('a template release from the window: planned with the conflict shown, one pull request, the customer\'s branch untouched', async () => {
  const s = await Session.start(driver.url, app);
  try {
    await s.click('nav-customers');
    await s.click('add-customer');
    await s.type('field-name', 'Mallad Kund AB');
    await s.type('field-admin_email', 'info@mallad.se');
    await s.click('save-customer');
    await s.until(async () => (await s.text('customer-title')).includes('Mallad'), 'customer page');
    await s.until(async () => s.exec(`return !document.querySelector('[data-testid="provision-button"]').disabled`), 'provision button enabled', 60_000);
    await s.click('provision-button');
    await s.byTestId('plan-item-supabase.project');
    await s.click('plan-start');
    await s.until(async () => (await runState(s)) === 'succeeded', 'provisioned', 120_000);

    const inv = await inventory();
    const template = inv.github.repos.find((r) => r.is_template);
    const repo = 'fabrik-agency/mallad-kund-ab';
    const readme = template.files.find((f) => f.path === 'README.md').content;
    // The customer rewrites the README's first line; the template too, differently, and adds a file.
    await push(repo, { 'README.md': readme.replace(/^.*\n/, '# Mallad Kund: vår egen rubrik\n') }, 'Kundens rubrik');
    await push(template.full_name, {
      'README.md': readme.replace(/^.*\n/, '# SaaS-mallen, utgåva 2\n'),
      'crates/fabrik-health/src/health.ts': 'export const health = () => "ok";\n',
    }, 'Mallen, utgåva 2');

    await s.click('nav-templates');
    await s.byTestId('templates-page');
    await s.until(async () => (await s.findAll('[data-testid="template-row"][data-slug="mallad-kund-ab"]')).length === 1, 'the customer in Mallen', 30_000);
    await s.click('template-plan-submit');
    await s.until(async () => (await s.findAll('[data-testid="repo-plan"][data-slug="mallad-kund-ab"]')).length === 1, 'the plan', 60_000);
    const conflicts = await s.exec(`return document.querySelector('[data-testid="repo-plan"][data-slug="mallad-kund-ab"]').dataset.conflicts`);
    assert.equal(String(conflicts), '1', 'the README both changed is a conflict');
    await s.click('template-start');
    await s.click('template-start-confirm');
    const state = () => s.exec(`return document.querySelector('[data-testid="template-state"]')?.dataset.state ?? ''`);
    await s.until(async () => (await state()) === 'done', 'template roll-out done', 120_000);
    await s.until(async () => (await s.findAll('[data-testid="pr-link"]')).length >= 1, 'a link to the pull request', 30_000);
    if (shots) {
      mkdirSync(shots, { recursive: true });
      writeFileSync(join(shots, 'templates.png'), await s.screenshot());
    }

    const after = await inventory();
    const theirs = after.github.repos.find((r) => r.full_name === repo);
    assert.equal(theirs.pulls.length, 1, JSON.stringify(theirs.pulls));
    const main = theirs.files.find((f) => f.path === 'README.md').content;
    assert.match(main, /^# Mallad Kund: vår egen rubrik/, 'the customer\'s branch is untouched');
    assert.equal(theirs.files.find((f) => f.path === 'crates/fabrik-health/src/health.ts'), undefined, 'the template\'s file only on the pull request');
  } finally {
    await s.close();
  }
});
