// Nothing cut off (issue #68): every page of the window, and a customer's page, at the window's
// 1280 × 800 and at 200 % text (the same window zoomed twice: 640 × 400 CSS pixels), in both
// languages. A text is cut when its box clips it (overflow hidden, an ellipsis) or when the page
// must be scrolled sideways to read it. Built UI in headless Chromium, fake backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, requireDist, sharedBrowser } from './lib/harness.mjs';

requireDist();
const shared = sharedBrowser();

const PAGES = ['nav-overview', 'nav-customers', 'nav-activity', 'nav-rollouts', 'nav-templates', 'nav-usage', 'nav-inbox', 'nav-settings'];

/** What the page shows cut: each clipped text (its start), and a sideways scroll. */
function cuts(page) {
  return page.evaluate(() => {
    const out = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
      out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${window.innerWidth})`);
    }
    const name = (el) => `${el.tagName.toLowerCase()}.${el.className}: “${el.textContent.trim().slice(0, 40)}”`;
    // A placeholder wider than its field is cut too (it is drawn, not laid out: measured).
    const ctx = document.createElement('canvas').getContext('2d');
    for (const input of document.querySelectorAll('main input[placeholder]')) {
      const style = getComputedStyle(input);
      if (style.display === 'none' || input.clientWidth <= 1) continue;
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (ctx.measureText(input.placeholder).width > room + 1) out.push(`input: placeholder “${input.placeholder}” is cut`);
    }
    for (const el of document.querySelectorAll('main *, header *, nav *')) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.display === 'contents' || style.visibility === 'hidden') continue;
      // A text of its own; a box of one pixel is text for screen readers only (visually-hidden).
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      const box = el.getBoundingClientRect();
      if (!own || box.width <= 1) continue;
      // Beyond the window's edge, unless inside a box that scrolls sideways on purpose (a wide
      // table: every column is reached by scrolling it, nothing is cut).
      let scroller = null;
      for (let p = el.parentElement; p && !scroller; p = p.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) scroller = p;
      }
      if (!scroller && (box.right > window.innerWidth + 1 || box.left < -1)) out.push(`${name(el)} is outside the window`);
      // Clipped by its own box (overflow hidden, an ellipsis).
      const clips = style.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(style.overflowX);
      if (clips && el.scrollWidth > el.clientWidth + 1) out.push(name(el));
    }
    return out;
  });
}

for (const lang of ['sv', 'en']) {
  for (const [label, viewport] of [
    ['1280 × 800', { width: 1280, height: 800 }],
    ['200 % text', { width: 640, height: 400 }],
  ]) {
    test(`nothing is cut off on any page, ${label}, ${lang}`, async (t) => {
      const app = await openApp(shared.browser, shared.server.url, { examples: true }, { landing: 'overview', viewport });
      t.after(() => app.close());
      const { page } = app;
      if (lang === 'en') await page.getByTestId('language-switch').selectOption('en');
      const found = {};
      const look = async (where) => {
        await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 5000 }).catch(() => {});
        const c = await cuts(page);
        if (c.length) found[where] = c;
      };
      for (const nav of PAGES) {
        await page.getByTestId(nav).click();
        await page.locator('main [aria-labelledby], main section').first().waitFor();
        await look(nav);
      }
      for (const slug of ['asas-bageri-cafe-ab', 'cafe-oresund']) {
        await page.getByTestId('nav-customers').click();
        await page.locator(`[data-testid="customer-row"][data-slug="${slug}"]`).click();
        await page.getByTestId('customer-title').waitFor();
        await look(slug);
      }
      assert.deepEqual(found, {}, 'cut off');
      assert.deepEqual(app.problems, [], 'the page logged errors');
    });
  }
}
