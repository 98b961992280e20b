// End-to-end, the customer's team from the real window in the sandbox (issue #44): a customer
// provisioned (its instance's Auth set to send through the sandbox's Resend as the agency), a
// list pasted on the Team tab, checked, and invited; each person gets the agency's invitation in
// the simulated Resend and is listed as invited; a member's access is revoked from the list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, Session, freePort } from './webdriver.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.env.FABRIK_APP ?? join(root, 'target', 'debug', 'fabrik');
const work = process.env.FABRIK_TEST_WORK ?? '/tmp';
const db = join(work, `e2e-team-${process.pid}`, 'fabrik.sqlite3');

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

async function inventory() {
  const r = await fetch(`http://127.0.0.1:${port}/__sim/inventory`, { signal: AbortSignal.timeout(10_000) });
  assert.ok(r.ok, `inventory: ${r.status}`);
  return r.json();
}
const runState = (s) => s.exec(`const e = document.querySelector('[data-testid="run-state"]'); return e ? e.dataset.state : null;`);
const members = (s) =>
  s.exec(`return [...document.querySelectorAll('[data-testid="team-member"]')].map((r) => ({ email: r.dataset.email, status: r.dataset.status, role: r.dataset.role, origin: r.dataset.origin }))`);

test('the team from the window: a list invited through the agency\'s Resend, a member revoked', async () => {
  const s = await Session.start(driver.url, app);
  try {
    await s.click('nav-customers');
    await s.click('add-customer');
    await s.type('field-name', 'Teamkund AB');
    await s.type('field-admin_email', 'info@teamkund.se');
    await s.click('save-customer');
    await s.until(async () => (await s.text('customer-title')).includes('Teamkund'), 'customer page');
    await s.until(async () => s.exec(`return !document.querySelector('[data-testid="provision-button"]').disabled`), 'provision button enabled', 60_000);
    await s.click('provision-button');
    await s.byTestId('plan-item-supabase.project');
    await s.click('plan-start');
    await s.until(async () => (await runState(s)) === 'succeeded', 'provisioned', 120_000);

    // The Team tab: the first admin, and the instance sending as the agency.
    await s.byTestId('team-panel');
    await s.until(async () => (await members(s)).length === 1, 'the first admin listed', 60_000);
    assert.deepEqual((await members(s))[0], { email: 'info@teamkund.se', status: 'active', role: 'owner', origin: 'first_admin' });
    await s.until(async () => s.exec(`const e = document.querySelector('[data-testid="team-mail"]'); return e && e.dataset.agency === 'true'`), 'sends as the agency');

    const before = (await inventory()).resend.emails.length;
    // Pasted as a person types it: WebDriver's Enter key (U+E007) ends each line.
    await s.type('team-list-text', ['namn;e-post;roll', 'Karin Ek;karin@teamkund.se;admin', 'Olle Berg;olle@teamkund.se;medlem'].join('\uE007'));
    await s.click('team-list-preview');
    await s.byTestId('team-preview');
    await s.click('team-list-invite');
    await s.until(async () => s.exec(`const e = document.querySelector('[data-testid="team-summary"]'); return e && e.dataset.invited === '2' && e.dataset.failed === '0'`), 'two invited', 60_000);
    const mails = (await inventory()).resend.emails.slice(before);
    assert.deepEqual(mails.map((m) => m.to[0]).sort(), ['karin@teamkund.se', 'olle@teamkund.se']);
    for (const m of mails) assert.match(m.from, /@/, 'from the agency\'s sender');
    await s.until(async () => (await members(s)).length === 3, 'three listed', 30_000);
    const olle = (await members(s)).find((m) => m.email === 'olle@teamkund.se');
    assert.deepEqual(olle, { email: 'olle@teamkund.se', status: 'invited', role: 'member', origin: 'fabrik' });

    // Olle's access revoked: a plain confirmation for a member.
    const revoke = await s.find('[data-testid="team-member"][data-email="olle@teamkund.se"] [data-testid="team-revoke"]');
    await s.cmd('POST', `/element/${revoke}/click`, {});
    await s.byTestId('team-revoke-dialog');
    await s.click('team-revoke-confirm');
    await s.until(async () => (await members(s)).find((m) => m.email === 'olle@teamkund.se')?.status === 'revoked', 'olle revoked', 30_000);
  } finally {
    await s.close();
  }
});
