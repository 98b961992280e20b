// End-to-end, workflow backups from the real window in the sandbox (issue #32): a customer
// provisioned, its workflow backed up to the sandbox's Gitea right after; the workflow changed in
// n8n by a person, "Säkerhetskopiera flödet nu" makes one more commit; "Återställ…" on the first
// version writes it back (after a backup of the changed one), and n8n holds it again, still active.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, Session, freePort } from './webdriver.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.env.FABRIK_APP ?? join(root, 'target', 'debug', 'fabrik');
const work = process.env.FABRIK_TEST_WORK ?? '/tmp';
const db = join(work, `e2e-backups-${process.pid}`, 'fabrik.sqlite3');
/** The sandbox's own token (fabrik_sim::DEFAULT_TOKEN): a person's calls to the simulated n8n. */
const SIM_TOKEN = 'fabrik-sim-token';
const SLUG = 'flodeskund-ab';

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
  });
});
after(async () => driver?.stop());

async function sim(method, path, body, headers = {}) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!r.ok) assert.fail(`${method} ${path}: ${r.status} ${await r.text().catch(() => '')}`);
  return r.json();
}
const n8n = (method, path, body) => sim(method, `/n8n/api/v1${path}`, body, { 'X-N8N-API-KEY': SIM_TOKEN });
const backups = async () => (await sim('GET', '/__sim/inventory')).gitea.repos.find((r) => r.full_name === 'ops-hub/client-backups');
const runState = (s) => s.exec(`const e = document.querySelector('[data-testid="run-state"]'); return e ? e.dataset.state : null;`);
const rows = (s) =>
  s.exec(`return [...document.querySelectorAll('[data-testid="workflow-backup-row"]')].map((r) => ({ reason: r.dataset.reason, commit: r.dataset.commit, changed: Number(r.dataset.changed) }))`);

test('workflow backups from the window: after provisioning, on demand, and a version written back', async () => {
  const s = await Session.start(driver.url, app);
  try {
    await s.click('nav-customers');
    await s.click('add-customer');
    await s.type('field-name', 'Flödeskund AB');
    await s.type('field-admin_email', 'info@flodeskund.se');
    await s.click('save-customer');
    await s.until(async () => (await s.text('customer-title')).includes('Flödeskund'), 'customer page');
    await s.until(async () => s.exec(`return !document.querySelector('[data-testid="provision-button"]').disabled`), 'provision button enabled', 60_000);
    await s.click('provision-button');
    await s.byTestId('plan-item-supabase.project');
    await s.click('plan-start');
    await s.until(async () => (await runState(s)) === 'succeeded', 'provisioned', 120_000);

    // The backup that follows provisioning: one commit, listed on the page.
    await s.until(async () => (await rows(s)).some((r) => r.reason === 'provisioned'), 'the backup after provisioning listed', 60_000);
    const first = (await rows(s)).find((r) => r.reason === 'provisioned');
    assert.equal(first.changed, 1);
    assert.equal((await backups()).commit_count, 1);

    // A person changes the workflow in n8n; "Säkerhetskopiera flödet nu" commits it.
    const wf = (await sim('GET', '/__sim/inventory')).n8n.workflows.find((w) => w.name === `fabrik-${SLUG}`);
    assert.ok(wf, 'the customer workflow in n8n');
    const original = await n8n('GET', `/workflows/${wf.id}`);
    const changed = structuredClone(original);
    changed.nodes[0].parameters.path = 'andrad-av-en-person';
    await n8n('PUT', `/workflows/${wf.id}`, { name: changed.name, nodes: changed.nodes, connections: changed.connections, settings: changed.settings });
    await s.until(async () => s.exec(`return !document.querySelector('[data-testid="workflow-backup-now"]').disabled`), 'backup button enabled', 30_000);
    await s.click('workflow-backup-now');
    await s.until(async () => (await rows(s)).some((r) => r.reason === 'on_demand'), 'the on-demand backup listed', 60_000);
    assert.equal((await rows(s)).find((r) => r.reason === 'on_demand').changed, 1);
    assert.equal((await backups()).commit_count, 2);

    // "Återställ…" on the first version: asked first, then the changed one is backed up and the
    // first written back, still active.
    await s.until(async () => s.exec(`return [...document.querySelectorAll('[data-testid="workflow-backup-row"]')].some((r) => r.dataset.reason === 'provisioned' && r.querySelector('[data-testid="workflow-restore"]') && !r.querySelector('[data-testid="workflow-restore"]').disabled)`), 'restore enabled', 30_000);
    const button = await s.find('[data-testid="workflow-backup-row"][data-reason="provisioned"] [data-testid="workflow-restore"]');
    await s.cmd('POST', `/element/${button}/click`, {});
    await s.byTestId('workflow-restore-dialog');
    await s.click('workflow-restore-confirm');
    await s.until(async () => (await rows(s)).some((r) => r.reason === 'before_restore'), 'the backup before the restore listed', 60_000);
    await s.until(async () => (await runState(s)) === 'succeeded', 'the restore run succeeded', 60_000);
    const now = await n8n('GET', `/workflows/${wf.id}`);
    assert.equal(now.nodes[0].parameters.path, original.nodes[0].parameters.path, 'the first version is back');
    assert.equal(now.active, true, 'still active');
    // The changed one was already in the repository: the backup before the restore found it so.
    assert.equal((await backups()).commit_count, 2);
    await s.until(async () => (await s.findAll('[data-testid="active-runs-indicator"]')).length === 0, 'no active runs', 60_000);
  } finally {
    await s.close();
  }
});
