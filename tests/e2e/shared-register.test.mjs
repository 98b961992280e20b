// End-to-end on the shared register: the real window on a real PostgreSQL (a throw-away cluster
// this test starts, as the Rust tests do), and a second seat, the `fabrik` CLI, adding a customer
// to the same database. The window shows it without a reload (LISTEN/NOTIFY), and the list
// reads it from PostgreSQL, not from the seat's own file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { startDriver, Session, freePort } from './webdriver.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.env.FABRIK_APP ?? join(root, 'target', 'debug', 'fabrik');
const cli = join(dirname(app), 'fabrik');
const work = process.env.FABRIK_TEST_WORK ?? tmpdir();

/** A PostgreSQL cluster of this test's own (Debian's binaries; as `postgres` when run as root). */
function startCluster() {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  const bin = join('/usr/lib/postgresql', versions[0], 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-e2e-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const run = (tool, args) => execFileSync(asRoot ? 'runuser' : join(bin, tool), asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, { stdio: 'pipe' });
  return { bin, dir, run };
}

let driver;
let cluster;
let url;
before(async () => {
  assert.ok(existsSync(app), `build the app first (${app})`);
  assert.ok(existsSync(cli), `build the CLI first (${cli})`);
  cluster = startCluster();
  const port = await freePort();
  const data = join(cluster.dir, 'data');
  cluster.run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres']);
  cluster.run('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${cluster.dir} -c listen_addresses=127.0.0.1`, '-l', join(cluster.dir, 'log'), '-w', 'start']);
  url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const seat = join(work, `e2e-shared-${process.pid}`);
  mkdirSync(seat, { recursive: true });
  driver = await startDriver({ FABRIK_DB: join(seat, 'window.sqlite3'), FABRIK_DATABASE_URL: url, FABRIK_SEAT: 'fonstret@plats-a' });
});
after(async () => {
  await driver?.stop();
  if (cluster) {
    try {
      cluster.run('pg_ctl', ['-D', join(cluster.dir, 'data'), '-m', 'immediate', 'stop']);
    } catch {
      /* already down */
    }
    rmSync(cluster.dir, { recursive: true, force: true });
  }
});

test('a customer the other seat adds through the CLI appears in the open window without a reload', async () => {
  const s = await Session.start(driver.url, app);
  try {
    await s.byTestId('empty-state');
    const other = join(work, `e2e-shared-${process.pid}`, 'cli.sqlite3');
    const started = Date.now();
    execFileSync(cli, ['--db', other, 'customers', 'add', '--name', 'Annan Plats AB', '--email', 'a@annanplats.se'], {
      env: { ...process.env, FABRIK_DATABASE_URL: url, FABRIK_SEAT: 'cli@plats-b' },
      stdio: 'pipe',
    });
    const added = Date.now();
    const row = await s.until(() => s.findAll('[data-testid="customer-row"][data-slug="annan-plats-ab"]').then((r) => r.length > 0), 'the other seat\'s customer in the list', 10000);
    assert.ok(row);
    console.log(`the CLI took ${added - started} ms; the row was in the window ${Date.now() - added} ms after it returned`);
    assert.equal((await s.text('customer-count')).trim(), '1 kund');
  } finally {
    await s.close();
  }
});
