// End-to-end, day one as the customers live it: two customers provisioned together from the real
// window in the sandbox, whose Supabase projects run their SQL on a real local PostgreSQL
// (FABRIK_SANDBOX_POSTGRES=1). Then, through the simulator as the outside world: each welcome
// email's link answers an anonymous visitor with 200 (its per-deployment URL sits behind
// Deployment Protection, 401); each first admin signs in with the e-mailed one-time password
// and, through the Data API with row-level security, sees exactly their own organization; both
// n8n workflows are active, on different webhook paths. Then day two for one of them: a module
// added in the window reaches the delivered instance through "Uppdatera moduler".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, Session, freePort } from './webdriver.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.env.FABRIK_APP ?? join(root, 'target', 'debug', 'fabrik');
const work = process.env.FABRIK_TEST_WORK ?? '/tmp';
const db = join(work, `e2e-day-one-${process.pid}`, 'fabrik.sqlite3');
// The sandbox's built-in token (fabrik_sim::DEFAULT_TOKEN): what the agency's side would hold.
const SIM_TOKEN = 'fabrik-sim-token';

let driver;
let simPort;
const sim = () => `http://127.0.0.1:${simPort}`;
before(async () => {
  assert.ok(existsSync(app), `build the app first (${app})`);
  mkdirSync(dirname(db), { recursive: true });
  simPort = await freePort();
  driver = await startDriver({
    FABRIK_DB: db,
    // An app-data folder of its own: the sandbox keeps its world there, and the other window
    // tests count on a world with nothing of these two customers in it.
    XDG_DATA_HOME: join(dirname(db), 'xdg-data'),
    FABRIK_SANDBOX_TIME_SCALE: '0.01',
    FABRIK_SANDBOX_PORT: String(simPort),
    FABRIK_SANDBOX_POSTGRES: '1',
  });
});
after(async () => driver?.stop());

async function http(method, url, { headers = {}, body } = {}) {
  const r = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
    redirect: 'manual',
  });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (a site's page): the status is what matters.
  }
  return { status: r.status, json, text };
}

const CUSTOMERS = [
  { name: 'Första Dagen AB', email: 'anna@forstadagen.se', slug: 'forsta-dagen-ab' },
  { name: 'Andra Dagen AB', email: 'bo@andradagen.se', slug: 'andra-dagen-ab' },
];

test('two customers on day one: provisioned together; each link public, each admin sees their organization, both workflows live', async () => {
  const s = await Session.start(driver.url, app);
  try {
    await s.byTestId('sandbox-banner');
    for (const c of CUSTOMERS) {
      await s.click('nav-customers');
      await s.click('add-customer');
      await s.type('field-name', c.name);
      await s.type('field-admin_email', c.email);
      await s.click('save-customer');
      await s.until(async () => (await s.text('customer-title')).includes(c.name), `${c.name}: customer page`);
    }

    // Both selected in the list, "Provisionera valda (2)": the preflight finds nothing to stop it.
    await s.click('nav-customers');
    for (const c of CUSTOMERS) {
      await s.until(async () => (await s.findAll(`[data-testid="select-${c.slug}"]`)).length === 1, `${c.slug} listed`);
      await s.click(`select-${c.slug}`);
    }
    await s.until(async () => (await s.exec(`return !document.querySelector('[data-testid="provision-selected"]').disabled`)), 'provision-selected enabled', 20_000);
    await s.click('provision-selected');
    await s.byTestId('plan-dialog');
    await s.until(async () => (await s.exec(`return !document.querySelector('[data-testid="plan-start"]').disabled`)), 'the preflight passed', 30_000);
    assert.equal(await s.exec(`return document.querySelectorAll('[data-testid="preflight-finding"][data-blocking="true"]').length`), 0);
    await s.click('plan-start');
    // Both runs finish: the rows lose their Provisionera button (they have an instance now).
    for (const c of CUSTOMERS) {
      await s.until(async () => (await s.findAll(`[data-testid="provision-row-${c.slug}"]`)).length === 0, `${c.slug} provisioned`, 120_000);
    }
    // The list says so in its status column (a row loses its button when its instance is
    // recorded, a moment before its run ends and the status follows).
    const statuses = () =>
      s.exec(`return [...document.querySelectorAll('[data-testid="customer-row"]')].map((r) => [r.dataset.slug, r.querySelector('[data-status]')?.dataset.status ?? null]);`);
    const active = async () => {
      const now = await statuses();
      return CUSTOMERS.every((c) => now.some(([slug, status]) => slug === c.slug && status === 'active'));
    };
    await s.until(active, 'both active in the list', 20_000).catch(async (e) => {
      throw new Error(`${e.message}: ${JSON.stringify(await statuses())}`);
    });

    // The outside world, through the simulator (it lives in the app's process: checked while the window is open).
    await dayOneChecks();

    // Day two: the first customer gains the social module; "Uppdatera moduler" brings it to the
    // delivered instance: the repository's client-config.json, and a new production deployment.
    await updateModules(s, CUSTOMERS[0]);

    // Day two, health: "Kontrollera alla" finds both healthy; then the second site answers
    // 503, and the next sweep puts a healthy and an unhealthy instance side by side.
    await dayTwoHealth(s);
  } finally {
    await s.close();
  }
});

async function updateModules(s, c) {
  const before = await production(c.slug);
  const row = await s.find(`[data-testid="customer-row"][data-slug="${c.slug}"] .row-name`);
  await s.cmd('POST', `/element/${row}/click`, {});
  await s.until(async () => (await s.text('customer-title')).includes(c.name), `${c.name}: customer page`);
  // The workflow backup that follows provisioning is a run of the customer's own: the update is
  // asked once it is listed, not while it may still be the customer's active run.
  await s.until(
    async () => s.exec(`return !!document.querySelector('[data-testid="workflow-backup-row"][data-reason="provisioned"]')`),
    `${c.name}: the backup after provisioning listed`,
    60_000,
  );
  await s.byTestId('update-modules-button');
  assert.equal(await s.exec(`return document.querySelector('[data-testid="update-modules-button"]').dataset.outdated`), 'false', 'just built');
  await s.click('edit-customer');
  await s.click('module-social');
  await s.click('save-customer');
  await s.byTestId('modules-outdated');
  await s.click('update-modules-button');
  await s.click('confirm-update-modules');
  await s.until(
    async () => (await s.exec(`return document.querySelector('[data-testid="run-state"]')?.dataset.state ?? null`)) === 'succeeded' &&
      (await s.findAll('[data-testid="group-modules"]')).length === 1,
    'the update run succeeded',
    60_000,
  );
  await s.until(async () => (await s.findAll('[data-testid="modules-outdated"]')).length === 0, 'no longer outdated', 10_000);

  const inv = (await http('GET', `${sim()}/__sim/inventory`)).json;
  const repo = inv.github.repos.find((r) => r.full_name.endsWith(`/${c.slug}`));
  const config = JSON.parse(repo.files.find((f) => f.path === 'client-config.json').content);
  assert.equal(config.modules.social.enabled, true, JSON.stringify(config.modules));
  const after = await production(c.slug);
  assert.notEqual(after, before, 'a new deployment is production');
  const site = await fetch(`${sim()}/vercel-site/${c.slug}.vercel.app`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(site.status, 200);
  assert.equal(site.headers.get('x-fabrik-sim-deployment'), after, 'the visitor gets the new build');
}

async function dayTwoHealth(s) {
  const dot = (slug) => s.exec(`return document.querySelector('[data-testid="health-${slug}"]')?.dataset.health ?? null`);
  // Ended when its own summary shows: any toast would do for a sweep that had not begun yet (the
  // module update's was still up in run 98, and the next sweep found this one running).
  const sweep = async (what, summary) => {
    await s.until(async () => (await s.exec(`return !document.querySelector('[data-testid="check-all"]').disabled`)), 'check-all enabled', 20_000);
    await s.click('check-all');
    await s.until(
      async () =>
        (await s.text('check-all')) === 'Kontrollera alla' &&
        (await s.exec(`return [...document.querySelectorAll('.toast')].some((t) => t.innerText.includes(arguments[0]))`, [summary])),
      what,
      60_000,
    );
  };
  await s.click('nav-customers');
  // The updated one was checked when its update ended; the other not yet.
  await s.until(async () => (await dot(CUSTOMERS[0].slug)) === 'healthy', `${CUSTOMERS[0].slug} checked after its update`, 10_000);
  await s.until(async () => (await dot(CUSTOMERS[1].slug)) === 'unchecked', `${CUSTOMERS[1].slug} not checked yet`, 10_000);
  await sweep('the first sweep ended', '2 kontrollerade, 0 ej friska');
  for (const c of CUSTOMERS) await s.until(async () => (await dot(c.slug)) === 'healthy', `${c.slug} healthy`, 10_000);

  // Someone turns the second customer's workflow off in n8n: the sweep shows it unhealthy next
  // to the healthy one, and "Reparera" on its page makes it healthy again.
  const [fine, broken] = CUSTOMERS;
  const inv = (await http('GET', `${sim()}/__sim/inventory`)).json;
  const wf = inv.n8n.workflows.find((w) => w.name === `fabrik-${broken.slug}`);
  const off = await http('POST', `${sim()}/n8n/api/v1/workflows/${wf.id}/deactivate`, { headers: { 'x-n8n-api-key': SIM_TOKEN } });
  assert.equal(off.status, 200, off.text);
  await sweep('the second sweep ended', '2 kontrollerade, 1 ej friska');
  await s.until(async () => (await dot(broken.slug)) === 'unhealthy', `${broken.slug} unhealthy`, 10_000);
  assert.equal(await dot(fine.slug), 'healthy');
  const row = await s.find(`[data-testid="customer-row"][data-slug="${broken.slug}"] .row-name`);
  await s.cmd('POST', `/element/${row}/click`, {});
  await s.until(async () => (await s.text('health-findings')).includes('inte aktivt'), 'the finding on the customer page', 10_000);
  await s.click('repair-button');
  await s.until(
    async () => (await s.exec(`return document.querySelector('[data-testid="run-state"]')?.dataset.state ?? null`)) === 'succeeded',
    'the repair run succeeded',
    60_000,
  );
  await s.until(async () => (await s.exec(`return document.querySelector('[data-testid="health-panel"]').dataset.health`)) === 'healthy', 'healthy after Reparera', 30_000);
  const after = (await http('GET', `${sim()}/__sim/inventory`)).json;
  assert.ok(after.n8n.workflows.find((w) => w.id === wf.id)?.active, 'the same workflow is on again');
  await s.click('nav-customers');
  await s.until(async () => (await dot(broken.slug)) === 'healthy', `${broken.slug} healthy in the register`, 10_000);
}

/** The deployment the project's production domains serve (getProject's targets.production). */
async function production(slug) {
  const inv = (await http('GET', `${sim()}/__sim/inventory`)).json;
  const project = inv.vercel.projects.find((p) => p.name === slug);
  const team = project.account_id.startsWith('team_') ? `?teamId=${project.account_id}` : '';
  const p = await http('GET', `${sim()}/vercel/v9/projects/${project.id}${team}`, { headers: { authorization: `Bearer ${SIM_TOKEN}` } });
  assert.equal(p.status, 200, p.text);
  return p.json.targets?.production?.id ?? null;
}

async function dayOneChecks() {
  const inv = (await http('GET', `${sim()}/__sim/inventory`)).json;
  const paths = [];
  for (const c of CUSTOMERS) {
    // The welcome email: its link and the one-time password.
    const mail = inv.resend.emails.find((e) => e.to.includes(c.email));
    assert.ok(mail, `${c.email} got a welcome email`);
    const url = mail.text.match(/Adress: (https:\/\/\S+)/)?.[1];
    const password = mail.text.match(/Engångslösenord: (\S+)/)?.[1];
    assert.ok(url && password, mail.text);
    const host = new URL(url).host;
    assert.doesNotMatch(host, /-[a-z0-9]{9}-/, 'the link is the production domain, not a per-deployment URL');
    const site = await http('GET', `${sim()}/vercel-site/${host}`);
    assert.equal(site.status, 200, `${url} answers a visitor`);
    const project = inv.vercel.projects.find((p) => p.name === c.slug);
    const deployment = inv.vercel.deployments.find((d) => d.project_id === project.id && d.ready_state === 'READY');
    assert.equal((await http('GET', `${sim()}/vercel-site/${deployment.url}`)).status, 401, 'the per-deployment URL is behind Deployment Protection');

    // The first admin signs in, then reads organizations as themself (PostgREST + RLS).
    const ref = inv.supabase.projects.find((p) => p.auth_users.some((u) => u.email === c.email)).ref;
    const keys = await http('GET', `${sim()}/supabase/v1/projects/${ref}/api-keys?reveal=true`, { headers: { authorization: `Bearer ${SIM_TOKEN}` } });
    const anon = keys.json.find((k) => k.name === 'anon').api_key;
    const projectUrl = `${sim()}/supabase-project/${ref}`;
    const session = await http('POST', `${projectUrl}/auth/v1/token?grant_type=password`, { headers: { apikey: anon }, body: { email: c.email, password } });
    assert.equal(session.status, 200, session.text);
    assert.equal(session.json.user.user_metadata.must_change_password, true);
    const orgs = await http('GET', `${projectUrl}/rest/v1/organizations`, { headers: { apikey: anon, authorization: `Bearer ${session.json.access_token}` } });
    assert.equal(orgs.status, 200, orgs.text);
    assert.deepEqual(orgs.json.map((o) => o.name), [c.name], 'exactly their own organization');

    // The customer's n8n workflow is active; its webhook path is its own.
    const wf = inv.n8n.workflows.find((w) => w.name === `fabrik-${c.slug}`);
    assert.ok(wf?.active, `fabrik-${c.slug} is active`);
    paths.push(...wf.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook').map((n) => `${n.parameters.httpMethod ?? 'GET'} ${n.parameters.path}`));
  }
  assert.ok(paths.length >= 2, JSON.stringify(paths));
  assert.equal(new Set(paths).size, paths.length, `every webhook path is its own: ${paths.join(', ')}`);
}
