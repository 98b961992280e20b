// End-to-end, the inbox from the real window (issue #42): the agency's portal is a real
// PostgreSQL database with the seeds' tables and the least-privileged login
// scripts/postgres/portal-intake-role.sql makes; its address and password are typed into Inkorg →
// Portalen (the password goes to the keyring). Two requests waiting in the portal are read
// ("Hämta nu"), approved from the window, provisioned in the sandbox, and the portal holds
// `deployed` with the columns the Phase 2 plan names; the organizations each request is linked to
// by id get their URLs.
// The picture docs/inbox.png is taken here (FABRIK_SCREENSHOTS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startDriver, Session, freePort } from './webdriver.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.env.FABRIK_APP ?? join(root, 'target', 'debug', 'fabrik');
const work = process.env.FABRIK_TEST_WORK ?? '/tmp';
// The pictures are taken only when asked for (scripts/screenshots.sh): the test command takes none.
const shots = process.env.FABRIK_SCREENSHOTS;
const seat = join(work, `e2e-inbox-${process.pid}`);
const PASSWORD = 'portal-e2e-sentinel-9b2d';

/** The seeds' portal tables (the sprint document's organizations, the Phase 2 plan's requests). */
const PORTAL_SCHEMA = `
CREATE TABLE public.organizations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL, billing_note text,
    production_url text, github_repo_url text, supabase_project_ref text, created_at timestamptz DEFAULT now());
CREATE TABLE public.agency_onboarding_requests (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(), organization_id uuid REFERENCES public.organizations(id),
    agency_name text NOT NULL, admin_email text NOT NULL,
    status text NOT NULL DEFAULT 'pending', created_at timestamptz DEFAULT now(),
    instance_url TEXT, supabase_project_id TEXT, vercel_project_id TEXT, error_message TEXT,
    provisioning_started_at TIMESTAMP, provisioning_completed_at TIMESTAMP);
ALTER TABLE public.agency_onboarding_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;
`;

let driver;
let pg;
let portal;
let port;

/** The test run's PostgreSQL server (scripts/test.sh starts one), or one of this test's own. */
async function server() {
  if (process.env.FABRIK_TEST_DATABASE_URL) return { url: process.env.FABRIK_TEST_DATABASE_URL, stop: () => {} };
  const bin = join(dirname(app), 'fabrik-test-pg');
  assert.ok(existsSync(bin), `build the test server first (${bin})`);
  const proc = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`fabrik-test-pg ended (${code})`)));
  });
  return { url, stop: () => proc.kill('SIGTERM') };
}

function psql(url, sql) {
  return execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-XAtqc', sql], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
}

before(async () => {
  assert.ok(existsSync(app), `build the app first (${app})`);
  mkdirSync(seat, { recursive: true });
  pg = await server();
  const name = `portal_e2e_${process.pid}`;
  psql(pg.url, `CREATE DATABASE ${name}`);
  const owner = new URL(pg.url);
  owner.pathname = `/${name}`;
  portal = { owner: owner.toString(), fabrik: '' };
  psql(portal.owner, PORTAL_SCHEMA);
  psql(portal.owner, readFileSync(join(root, 'scripts', 'postgres', 'portal-intake-role.sql'), 'utf8'));
  psql(portal.owner, `ALTER ROLE fabrik_intake PASSWORD '${PASSWORD}'`);
  const fabrik = new URL(portal.owner);
  fabrik.username = 'fabrik_intake';
  fabrik.password = '';
  portal.fabrik = fabrik.toString();
  port = await freePort();
  driver = await startDriver({
    FABRIK_DB: join(seat, 'fabrik.sqlite3'),
    XDG_DATA_HOME: join(seat, 'xdg-data'),
    FABRIK_SANDBOX_TIME_SCALE: '0.01',
    FABRIK_SANDBOX_PORT: String(port),
  });
});
after(async () => {
  await driver?.stop();
  pg?.stop();
});

/** A request and its organization, linked by the organization's id (the portal is written by ids). */
const request = (name, email) =>
  psql(portal.owner, `WITH o AS (INSERT INTO public.organizations (name) VALUES ('${name}') RETURNING id)
    INSERT INTO public.agency_onboarding_requests (organization_id, agency_name, admin_email) SELECT id, '${name}', '${email}' FROM o RETURNING id`);
const column = (id, c) => psql(portal.owner, `SELECT COALESCE(${c}::text, '') FROM public.agency_onboarding_requests WHERE id = '${id}'`);
const item = (name) => `[data-testid="inbox-item"][data-name="${name}"]`;
const stateOf = (s, name) => s.exec(`const e = document.querySelector(arguments[0]); return e ? e.dataset.state + '/' + (e.dataset.run ?? '') : null;`, [item(name)]);

test('two requests from the portal approved in the window end deployed, and the portal holds what was built', async () => {
  const ids = [request('Portalbageriet AB', 'anna@portalbageriet.se'), request('Portalkonsult AB', 'erik@portalkonsult.se')];
  const s = await Session.start(driver.url, app);
  try {
    await s.click('nav-inbox');
    await s.byTestId('inbox-portal-form');
    await s.type('inbox-portal-url', portal.fabrik);
    await s.type('inbox-portal-password', PASSWORD);
    await s.click('inbox-portal-save');
    await s.until(async () => (await s.text('inbox-source-portal')).includes('fabrik_intake@'), 'the portal set up');
    await s.click('inbox-poll');
    await s.until(async () => (await stateOf(s, 'Portalkonsult AB')) !== null && (await stateOf(s, 'Portalbageriet AB')) !== null, 'both requests in the inbox', 30_000);
    for (const name of ['Portalbageriet AB', 'Portalkonsult AB']) {
      await s.click(`${item(name)} [data-testid="inbox-approve"]`);
      await s.until(async () => (await stateOf(s, name))?.startsWith('approved/'), `${name} approved`, 30_000);
    }
    await s.until(async () => (await stateOf(s, 'Portalbageriet AB')) === 'approved/succeeded' && (await stateOf(s, 'Portalkonsult AB')) === 'approved/succeeded', 'both provisioned', 180_000);
    if (shots) {
      mkdirSync(shots, { recursive: true });
      writeFileSync(join(shots, 'inbox.png'), await s.screenshot());
    }
    // The portal was told as the runs went: no poll after the approvals.
    for (const id of ids) {
      await s.until(async () => column(id, 'status') === 'deployed', `request ${id} deployed in the portal`, 30_000);
      for (const c of ['instance_url', 'supabase_project_id', 'vercel_project_id', 'provisioning_started_at', 'provisioning_completed_at']) {
        assert.notEqual(column(id, c), '', `${c} of ${id}`);
      }
      assert.equal(column(id, 'error_message'), '');
      assert.match(column(id, 'instance_url'), /^https:\/\//);
    }
    const orgs = psql(portal.owner, `SELECT name || ' ' || production_url || ' ' || github_repo_url || ' ' || supabase_project_ref FROM public.organizations ORDER BY name`).split('\n');
    assert.equal(orgs.length, 2);
    for (const o of orgs) assert.match(o, /^Portal\S+ AB https:\/\/\S+ https:\/\/\S+ \S+$/);
    // The password is in no file of the seat: the keyring has it.
    const register = readFileSync(join(seat, 'fabrik.sqlite3'));
    assert.equal(register.includes(PASSWORD), false, 'the portal password in the register');
  } finally {
    await s.close();
  }
});
