// End-to-end, a handover from the real window in the sandbox (issue #59): a customer delivered;
// "Lämna över" on its page, the customer's three accounts filled in and the slug typed; the run
// sends the letter; the Överlämning card shows the three parts waiting and "Lämna över" is no
// longer offered. Then the customer acts at the simulator's customer side (`/__sim/handover/...`,
// with the token and the code from the letter in Resend's outbox), as they would in each
// provider's dashboard; the window learns it as the card is read again (opening the page asks
// each provider about the parts not yet taken), part by part, until the instance is handed over:
// no withdrawal, no new handover, and a day-two run refused in words. A second customer's
// handover is started and withdrawn ("Dra tillbaka"), which offers "Lämna över" again.
// The pictures docs/handover-dialog.png, docs/handover-waiting.png and docs/handover-done.png are
// taken here, when FABRIK_SCREENSHOTS names a folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, Session, freePort } from './webdriver.mjs';
import { atTop, deliver, simCall } from './walk.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.env.FABRIK_APP ?? join(root, 'target', 'debug', 'fabrik');
const work = process.env.FABRIK_TEST_WORK ?? '/tmp';
const shots = process.env.FABRIK_SCREENSHOTS;
const seat = join(work, `e2e-handover-${process.pid}`);
const exports = join(seat, 'exports');
const CUSTOMER = { name: 'Överlåtna Bageriet AB', email: 'info@overlatna.se', slug: 'overlatna-bageriet-ab' };
const SECOND = { name: 'Ångrade Bageriet AB', email: 'info@angrade.se', slug: 'angrade-bageriet-ab' };
/** The customer's own accounts, which the agency's tokens cannot act on. */
const TO = { github: 'overlatna-gh', vercel: 'overlatna-team', supabase: 'overlatna-org' };

let driver;
let port;
before(async () => {
  assert.ok(existsSync(app), `build the app first (${app})`);
  mkdirSync(exports, { recursive: true });
  port = await freePort();
  driver = await startDriver({
    FABRIK_DB: join(seat, 'fabrik.sqlite3'),
    XDG_DATA_HOME: join(seat, 'xdg-data'),
    FABRIK_SANDBOX_TIME_SCALE: '0.01',
    FABRIK_SANDBOX_PORT: String(port),
    FABRIK_EXPORT_DIR: exports,
  });
});
after(async () => driver?.stop());

/** The window's simulator (the sandbox): its test surface and the customer's side. */
const sim = (method, path, body) => simCall(port, method, path, body);

const count = async (s, testId) => (await s.findAll(`[data-testid="${testId}"]`)).length;
/** The run the page shows, as `KIND STATE` (its kind as the window names it). */
const shownRun = (s) =>
  s.exec(`const p = document.querySelector('[data-testid="run-panel"]'); return p ? p.querySelector('.run-meta').textContent.split(' · ')[0].trim() + ' ' + p.querySelector('[data-testid="run-state"]').dataset.state : null`);
/** What the Överlämning card says, for a failure's message. */
const card = (s) => s.exec(`return document.querySelector('[data-testid="handover-panel"]')?.innerText?.slice(0, 1500) ?? '(no card)'`).catch(() => '?');
/** Each part on the card, in its order, and whether it is taken: `supabase vercel github` as
 * `+` taken or `-` waiting (`+supabase -vercel -github`). */
const parts = (s) => s.exec(`return [...document.querySelectorAll('[data-testid="handover-part"]')].map((p) => (p.dataset.taken === 'true' ? '+' : '-') + p.dataset.part).join(' ')`);

/** Waits until the card shows each part taken or not as `expected` says. */
async function partsAre(s, expected, what) {
  await s.until(async () => (await parts(s)) === expected, what, 30_000).catch(async (e) => {
    throw new Error(`${e.message}; the card: ${await card(s)}`);
  });
}

/** The customer's page opened anew: its handover status read again, each waiting part asked of
 * its provider. */
async function openCustomer(s, c) {
  await s.click('nav-customers');
  await s.click(`[data-testid="customer-row"][data-slug="${c.slug}"]`);
  await s.until(async () => (await s.text('customer-title')).includes(c.name), `${c.name}'s page`);
}

/** "Lämna över": the three accounts, the slug typed; the run followed to its end. */
async function handOver(s, c, picture) {
  await s.until(async () => (await count(s, 'handover-button')) === 1, '"Lämna över" offered', 20_000);
  await s.click('handover-button');
  await s.byTestId('handover-dialog');
  await s.type('handover-github', TO.github);
  await s.type('handover-vercel', TO.vercel);
  await s.type('handover-supabase', TO.supabase);
  await s.type('handover-input', c.slug);
  await s.until(async () => s.exec(`return !document.querySelector('[data-testid="handover-confirm"]').disabled`), 'the handover may start');
  if (picture) writeFileSync(join(shots, picture), await s.screenshot());
  await s.click('handover-confirm');
  await s.until(async () => (await count(s, 'handover-dialog')) === 0, 'the dialog closed', 20_000);
  // The page shows an earlier run until the new one is followed: waited for by its kind.
  await s.until(async () => (await shownRun(s)) === 'Överlämning succeeded', `${c.name}'s handover run`, 120_000).catch(async (e) => {
    const shown = await s.exec(`return document.querySelector('.run-card')?.innerText?.slice(0, 1500) ?? '(no run card)'`).catch(() => '?');
    throw new Error(`${e.message}; the run: ${shown}`);
  });
  await s.until(async () => (await s.findAll('[data-testid="active-runs-indicator"]')).length === 0, 'no active runs', 60_000);
}

/** The letter in the simulator's Resend outbox: the claim token its Supabase link carries (the
 * simulator's claim page, where the claim flow sends the customer) and the transfer code. */
async function letter(c) {
  const inv = await sim('GET', '/__sim/inventory');
  const mail = inv.resend.emails.find((e) => e.subject.startsWith('Överlämning') && JSON.stringify(e.to).includes(c.email));
  assert.ok(mail, `the handover letter to ${c.email}`);
  const after = (label) => {
    const i = mail.html.indexOf(label);
    assert.ok(i >= 0, `${label} in the letter`);
    return mail.html.slice(i + label.length).split('<')[0].trim();
  };
  const repo = inv.github.repos.find((r) => !r.seeded && r.full_name.endsWith(`/${c.slug}`));
  assert.ok(repo, `${c.slug}'s repository: ${inv.github.repos.map((r) => r.full_name)}`);
  const link = new URL(after('Länk för att ta över projektet:').replaceAll('&amp;', '&'));
  assert.equal(link.pathname, '/__sim/handover/supabase/claim-page', `the claim link: ${link}`);
  return { token: link.searchParams.get('token'), code: after('Kod för flytten:'), repo: repo.full_name };
}

test('a handover in the window: asked, waiting, taken part by part by the customer, handed over; another withdrawn', async () => {
  if (shots) mkdirSync(shots, { recursive: true });
  const s = await Session.start(driver.url, app);
  try {
    await deliver(s, CUSTOMER);
    for (const body of [
      { provider: 'supabase', name: TO.supabase },
      { provider: 'vercel', name: TO.vercel },
      { provider: 'github', name: TO.github },
    ]) {
      await sim('POST', '/__sim/handover/accounts', body);
    }
    assert.equal(await count(s, 'handover-panel'), 0, 'no handover, no card');
    await handOver(s, CUSTOMER, shots && 'handover-dialog.png');

    // The run's end reads the handover it recorded: every part waiting, and no second one offered.
    await s.byTestId('handover-panel');
    await partsAre(s, '-supabase -vercel -github', 'three parts waiting');
    assert.equal(await s.exec(`return document.querySelector('[data-testid="handover-panel"]').dataset.handedOver`), 'false');
    assert.match(await s.text('handover-to'), new RegExp(`GitHub ${TO.github} · Vercel ${TO.vercel} · Supabase ${TO.supabase}`));
    assert.equal(await count(s, 'handover-button'), 0, '"Lämna över" while it waits');
    assert.equal(await count(s, 'handover-withdraw'), 1);
    const folder = readdirSync(exports).find((f) => f.startsWith(`fabrik-overlamning-${CUSTOMER.slug}-`));
    assert.ok(folder && readdirSync(join(exports, folder)).includes('overlamning.html'), `the letter saved for the owner: ${readdirSync(exports)}`);
    if (shots) {
      await atTop(s, 'handover-panel');
      writeFileSync(join(shots, 'handover-waiting.png'), await s.screenshot());
    }

    // The customer claims the Supabase project and accepts the Vercel project; the page, read
    // again, shows those two taken and the repository still waiting for its user.
    const { token, code, repo } = await letter(CUSTOMER);
    await sim('POST', `/__sim/handover/supabase/${TO.supabase}/claim/${token}`);
    await sim('POST', `/__sim/handover/vercel/${TO.vercel}/accept/${code}`);
    await openCustomer(s, CUSTOMER);
    await partsAre(s, '+supabase +vercel -github', 'Supabase and Vercel taken');
    assert.equal(await count(s, 'handover-withdraw'), 1, 'withdrawable while a part waits');

    // The repository's transfer accepted: the last part taken, the instance the customer's.
    await sim('POST', `/__sim/handover/github/${repo}/accept`);
    await openCustomer(s, CUSTOMER);
    await s.until(async () => (await s.exec(`return document.querySelector('[data-testid="handover-panel"]')?.dataset.handedOver`)) === 'true', 'handed over', 30_000);
    assert.equal(await parts(s), '+supabase +vercel +github');
    assert.match(await s.text('handover-done'), /^Överlämnad .*/);
    assert.equal(await count(s, 'handover-withdraw'), 0, 'no withdrawal once taken');
    assert.equal(await count(s, 'handover-button'), 0, 'no second handover of what the customer owns');
    if (shots) {
      await atTop(s, 'handover-panel');
      writeFileSync(join(shots, 'handover-done.png'), await s.screenshot());
    }
    // Fabrik leaves it alone: the page offers nothing that would read, change or remove it (the
    // engine's refusal of every run kind on it is tests/handover's).
    for (const id of ['redeploy-button', 'teardown-button', 'export-data-button', 'update-modules-button', 'usage-panel']) {
      assert.equal(await count(s, id), 0, `${id} on a handed-over instance`);
    }

    // Another customer's handover, withdrawn while it waits: the card goes, "Lämna över" is back.
    await deliver(s, SECOND);
    await handOver(s, SECOND);
    await s.byTestId('handover-withdraw');
    assert.equal(await count(s, 'handover-button'), 0);
    await s.click('handover-withdraw');
    await s.type('handover-withdraw-input', SECOND.slug);
    await s.click('handover-withdraw-confirm');
    await s.until(async () => (await count(s, 'handover-panel')) === 0, 'the card gone', 20_000);
    await s.until(async () => (await count(s, 'handover-button')) === 1, '"Lämna över" offered again', 20_000);
    // Its claim token revoked: the customer's organization can no longer redeem it.
    const withdrawn = await letter(SECOND);
    const asked = await fetch(`http://127.0.0.1:${port}/__sim/handover/supabase/${TO.supabase}/preview/${withdrawn.token}`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
    assert.equal(asked.status, 403, 'a withdrawn claim token is refused');
  } finally {
    await s.close();
  }
});
