// What several window tests do the same way in the sandbox: the window's simulator asked, a
// customer delivered from the window, the state of the run shown, a section scrolled into
// place for a picture.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/** The window's simulator on `port` (its test surface, `/__sim/...`): the answer's JSON, `null`
 * for an empty one; anything but 2xx fails the test, naming the call. */
export async function simCall(port, method, path, body) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await r.text().catch(() => '');
  if (!r.ok) assert.fail(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The state of the run the customer's page shows (`null` while there is none). */
export const runState = (s) => s.exec(`const e = document.querySelector('[data-testid="run-state"]'); return e ? e.dataset.state : null;`);

/** A new customer (`{ name, email }`) made and provisioned from the window, every run ended. */
export async function deliver(s, c) {
  await s.click('nav-customers');
  await s.click('add-customer');
  await s.type('field-name', c.name);
  await s.type('field-admin_email', c.email);
  await s.click('save-customer');
  await s.until(async () => (await s.text('customer-title')).includes(c.name), `${c.name}'s page`);
  await s.until(async () => s.exec(`return !document.querySelector('[data-testid="provision-button"]').disabled`), 'provision button enabled', 60_000);
  await s.click('provision-button');
  await s.byTestId('plan-item-supabase.project');
  await s.click('plan-start');
  await s.until(async () => (await runState(s)) === 'succeeded', `${c.name} provisioned`, 120_000);
  await s.until(async () => (await s.findAll('[data-testid="active-runs-indicator"]')).length === 0, 'no active runs', 60_000);
}

/** Scrolled until it stays at the top, so a picture shows it (the page's sections load late
 * and push it down). */
export async function atTop(s, testId) {
  await s.until(async () => {
    const top = await s.exec(`const p = document.querySelector('[data-testid="${testId}"]'); p.scrollIntoView({ block: 'start' }); return p.getBoundingClientRect().top`);
    await sleep(300);
    return Math.abs(top - (await s.exec(`return document.querySelector('[data-testid="${testId}"]').getBoundingClientRect().top`))) < 1;
  }, `${testId} at the top`);
}
