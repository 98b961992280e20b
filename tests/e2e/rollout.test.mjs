// End-to-end, a schema roll-out from the real window in the sandbox, whose projects run their SQL
// on a real local PostgreSQL (FABRIK_SANDBOX_POSTGRES=1): a customer provisioned, then in
// Utrullningar a migration file from a folder planned, started and done; then on the customer's
// page the backup taken right before it, restored after the slug is typed (issue #30).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, Session, freePort } from './webdriver.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.env.FABRIK_APP ?? join(root, 'target', 'debug', 'fabrik');
const work = process.env.FABRIK_TEST_WORK ?? '/tmp';
const db = join(work, `e2e-rollout-${process.pid}`, 'fabrik.sqlite3');
// The pictures are taken only when asked for (scripts/screenshots.sh): the test command takes none.
const shots = process.env.FABRIK_SCREENSHOTS;

let driver;
before(async () => {
  assert.ok(existsSync(app), `build the app first (${app})`);
  mkdirSync(dirname(db), { recursive: true });
  driver = await startDriver({
    FABRIK_DB: db,
    // An app-data folder of its own: its sandbox world and its backups.
    XDG_DATA_HOME: join(dirname(db), 'xdg-data'),
    FABRIK_SANDBOX_TIME_SCALE: '0.01',
    FABRIK_SANDBOX_PORT: String(await freePort()),
    FABRIK_SANDBOX_POSTGRES: '1',
  });
});
after(async () => driver?.stop());

const runState = (s) => s.exec(`const e = document.querySelector('[data-testid="run-state"]'); return e ? e.dataset.state : null;`);
const present = (s, css) => s.exec(`return document.querySelector('${css}') !== null`);

test('a roll-out from the window: planned, started, done; the backup from right before restored behind the slug', async () => {
  const s = await Session.start(driver.url, app);
  try {
    await s.click('nav-customers');
    await s.click('add-customer');
    await s.type('field-name', 'Utrullad Kund AB');
    await s.type('field-admin_email', 'info@utrullad.se');
    await s.click('save-customer');
    await s.until(async () => (await s.text('customer-title')).includes('Utrullad'), 'customer page');
    await s.until(async () => s.exec(`return !document.querySelector('[data-testid="provision-button"]').disabled`), 'provision button enabled', 60_000);
    await s.click('provision-button');
    await s.byTestId('plan-item-supabase.project');
    await s.click('plan-start');
    await s.until(async () => (await runState(s)) === 'succeeded', 'provisioned', 120_000);

    const migrations = join(dirname(db), 'mall');
    mkdirSync(join(migrations, 'supabase', 'migrations'), { recursive: true });
    writeFileSync(
      join(migrations, 'supabase', 'migrations', '20250601000000_notes.sql'),
      'create table public.notes (id int primary key, body text);\nalter table public.notes enable row level security;\n',
    );
    await s.click('nav-rollouts');
    await s.byTestId('rollouts-page');
    await s.type('rollout-path', migrations);
    await s.click('rollout-plan-submit');
    await s.byTestId('rollout-start');
    assert.match(await s.text('rollout-files'), /20250601000000/);
    await s.click('rollout-start');
    await s.click('rollout-start-confirm');
    const state = () => s.exec(`return document.querySelector('[data-testid="rollout-state"]')?.dataset.state ?? ''`);
    await s.until(async () => (await state()) === 'done', 'roll-out done', 120_000);
    if (shots) {
      mkdirSync(shots, { recursive: true });
      writeFileSync(join(shots, 'rollouts.png'), await s.screenshot());
    }

    await s.click('nav-customers');
    const row = await s.find('[data-testid="customer-row"][data-slug="utrullad-kund-ab"]');
    await s.cmd('POST', `/element/${row}/click`, {});
    // The customer's page first: the backups card is read when it opens.
    await s.until(async () => (await s.text('customer-title')).includes('Utrullad'), 'the customer page after the roll-out', 30_000);
    await s.until(() => present(s, '[data-testid="backup-row"][data-reason="before_migration"]'), 'the backup from before the roll-out', 30_000);
    await s.click('restore-backup');
    await s.byTestId('restore-dialog');
    assert.equal(await s.exec(`return document.querySelector('[data-testid="restore-confirm"]').disabled`), true, 'confirm needs the slug');
    await s.type('restore-input', 'utrullad-kund-ab');
    await s.click('restore-confirm');
    await s.until(async () => (await present(s, '[data-testid="backup-row"][data-reason="before_restore"]')) && (await runState(s)) === 'succeeded', 'restored', 120_000);
    await s.until(async () => (await s.findAll('[data-testid="active-runs-indicator"]')).length === 0, 'no active runs', 60_000);
  } finally {
    await s.close();
  }
});
