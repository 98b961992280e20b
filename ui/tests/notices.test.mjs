// UI test of the notices (issue #68): they stack in the window's bottom-right corner, at most
// three, newest at the bottom, each dismissible and all at once, and the corner is part of the
// layout: the page ends where the stack begins, so no notice lies over anything of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectText, opener, requireDist, sharedBrowser } from './lib/harness.mjs';

requireDist();

const open = opener(sharedBrowser());
const tid = (page, id) => page.getByTestId(id);
const texts = (page) => page.$$eval('[data-testid="toast"] .toast-text', (all) => all.map((e) => e.textContent));

test('four notices: three stacked in the corner beside the page, newest last, each and all dismissed', async (t) => {
  const { page, assertClean } = await open(t, {});
  const names = ['Ett AB', 'Två AB', 'Tre AB', 'Fyra AB'];
  for (const [i, name] of names.entries()) {
    await tid(page, 'add-customer').first().click();
    await tid(page, 'field-name').fill(name);
    await tid(page, 'field-admin_email').fill(`info${i}@exempel.se`);
    await tid(page, 'save-customer').click();
    await expectText(tid(page, 'customer-title'), name);
    await tid(page, 'back-to-list').click();
  }
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="toast"]').length === 3);
  const shown = await texts(page);
  assert.deepEqual(
    shown.map((s) => names.find((n) => s.includes(n))),
    ['Två AB', 'Tre AB', 'Fyra AB'],
    `the oldest went, the newest is last: ${JSON.stringify(shown)}`,
  );

  // In the bottom-right corner, and below the page, not over it.
  const box = await page.evaluate(() => {
    const r = (el) => el.getBoundingClientRect();
    const stack = r(document.querySelector('.notice-stack'));
    const body = r(document.querySelector('.app-frame-body'));
    return { stack: { left: stack.left, right: stack.right, bottom: stack.bottom, top: stack.top }, pageBottom: body.bottom, w: innerWidth, h: innerHeight };
  });
  assert.ok(box.w - box.stack.right <= 24 && box.h - box.stack.bottom <= 24, `in the bottom-right corner: ${JSON.stringify(box)}`);
  assert.ok(box.stack.left > box.w / 3, `a corner, not a bar across the window: ${JSON.stringify(box)}`);
  assert.ok(box.pageBottom <= box.stack.top, `the page ends above the stack: ${JSON.stringify(box)}`);

  // One dismissed by its own ×: the other two stay.
  await tid(page, 'toast').filter({ hasText: 'Tre AB' }).getByTestId('toast-close').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="toast"]').length === 2);
  assert.deepEqual((await texts(page)).map((s) => names.find((n) => s.includes(n))), ['Två AB', 'Fyra AB']);
  // Then all at once; with no notice the corner takes no room.
  await tid(page, 'toast-dismiss-all').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="toast"]').length === 0);
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="notice-corner"]').getBoundingClientRect().height), 0);
  await assertClean();
});
