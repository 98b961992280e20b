// "Mallen": the view's own logic (src/state/templates.ts, loaded through esbuild), then the built
// view in Chromium against the fake backend's template roll-outs (lib/mock-rollouts.js: plans per
// repository, pull requests, the roll-out controls shared with "Utrullningar"). Run
// `npm run build` first.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { ipcCalls, openApp, requireDist, sharedBrowser } from './lib/harness.mjs';

const source = readFileSync(new URL('../src/state/templates.ts', import.meta.url), 'utf8');
const { code } = transformSync(source, { loader: 'ts', format: 'esm' });
const logic = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

const T = (sv, en = sv) => ({ sv, en });
const TARGET = 'abcdef1234567890abcdef1234567890abcdef12';
const change = (path, patch = {}) => ({ path, template: 'modified', customer: 'unchanged', action: 'take_template', base_blob: null, template_blob: null, customer_blob: null, ...patch });
const summary = (patch = {}) => ({ template_changed: 0, customer_changed_too: 0, conflicts: 0, own: 0, ignored: 0, ...patch });

describe('template logic', () => {
  test('a plan’s files: conflicts first with their count, the customer’s kept next, Fabrik’s own and ignored last', () => {
    const plan = {
      slug: 'a',
      changes: [
        change('README.md', { action: 'ignored' }),
        change('package.json'),
        change('fabrik.json', { action: 'own' }),
        change('src/theme.ts', { template: 'deleted', customer: 'modified', action: 'keep_customer' }),
        change('src/page.tsx', { customer: 'modified', action: 'merge' }),
        change('src/nav.tsx', { customer: 'modified', action: 'merge' }),
      ],
      needs_person: [
        { path: 'src/page.tsx', why: 'conflicts', conflicts: 2 },
        { path: 'src/theme.ts', why: 'deleted_in_template', conflicts: 0 },
      ],
    };
    assert.deepEqual(
      logic.fileRows(plan).map((r) => [r.change.path, r.kind, r.conflicts]),
      [
        ['src/page.tsx', 'conflict', 2],
        ['src/theme.ts', 'kept', 0],
        ['src/nav.tsx', 'both', 0],
        ['package.json', 'template', 0],
        ['README.md', 'quiet', 0],
        ['fabrik.json', 'quiet', 0],
      ],
    );
    assert.equal(logic.conflictCount(plan), 2);
    const p = (slug, patch) => ({ slug, name: slug, changes: [change('x')], needs_person: [], problem: null, ...patch });
    const ordered = logic.plansInOrder([p('current', { changes: [] }), p('plain'), p('problem', { problem: T('x') }), p('kept', { needs_person: [{ path: 'x', why: 'binary', conflicts: 0 }] }), plan]);
    assert.deepEqual(ordered.map((x) => x.slug), ['a', 'kept', 'problem', 'plain', 'current']);
  });

  test('how far behind: the plan’s count, current at the target, unknown without a plan', () => {
    const open = { target: TARGET, plans: [{ slug: 'a', behind: 4 }, { slug: 'c', behind: null }] };
    const inst = (slug, sha) => ({ slug, name: slug.toUpperCase(), base: sha ? { sha, how: 'synced', at: '' } : null });
    assert.equal(logic.behindTarget(inst('a', '1111111'), open), 4);
    assert.equal(logic.behindTarget(inst('b', TARGET), open), 0);
    assert.equal(logic.behindTarget(inst('c', null), open), null);
    assert.equal(logic.behindTarget(inst('a', '1111111'), null), null);
    assert.deepEqual(logic.behindFirstTemplates([inst('b', TARGET), inst('c', null), inst('a', '1')], open).map((i) => i.slug), ['a', 'b', 'c']);
    assert.equal(logic.shortCommit(TARGET), 'abcdef1');
    const prs = [{ id: 1, slug: 'a' }, { id: 3, slug: 'a' }, { id: 2, slug: 'b' }];
    assert.equal(logic.prOf({ prs }, 'a').id, 3);
    assert.equal(logic.prOf({ prs }, 'z'), null);
  });
});

// ---------- the view, in the browser ----------

requireDist();

// The examples' five delivered customers: two behind with files to merge (one with conflicts),
// one behind by a single file, one current, one whose template version is unknown.
const BASES = {
  'asas-bageri-cafe-ab': { sha: '1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', how: 'generated', at: '2026-01-02T10:00:00Z' },
  'cafe-oresund': { sha: '2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', how: 'synced', at: '2026-02-02T10:00:00Z' },
  'fjallstugan-boende': { sha: TARGET, how: 'synced', at: '2026-03-02T10:00:00Z' },
  'linkopings-blomsterhandel': { sha: '3333333ccccccccccccccccccccccccccccccccc', how: 'found', at: '2026-01-05T10:00:00Z' },
};
const PLANS = {
  'asas-bageri-cafe-ab': {
    behind: 3,
    changes: [
      change('src/app/page.tsx', { customer: 'modified', action: 'merge' }),
      change('package.json'),
      change('fabrik.json', { action: 'own' }),
      change('README.md', { action: 'ignored' }),
    ],
    needs_person: [{ path: 'src/app/page.tsx', why: 'conflicts', conflicts: 2 }],
    summary: { template_changed: 2, customer_changed_too: 1, own: 1, ignored: 1 },
  },
  'cafe-oresund': {
    behind: 2,
    changes: [change('src/lib/theme.ts', { template: 'deleted', customer: 'modified', action: 'keep_customer' }), change('src/lib/api.ts', { template: 'added', customer: 'absent' })],
    needs_person: [{ path: 'src/lib/theme.ts', why: 'deleted_in_template', conflicts: 0 }],
    summary: { template_changed: 2, customer_changed_too: 1 },
  },
  'linkopings-blomsterhandel': { behind: 1, changes: [change('package.json')], needs_person: [], summary: { template_changed: 1 } },
};
const EARLIER_PR = { 'fjallstugan-boende': { number: 12, state: 'merged', url: 'https://github.com/byran/fjallstugan-boende/pull/12', target_sha: TARGET } };

const shared = sharedBrowser();

async function open(t, templates = {}) {
  const app = await openApp(shared.browser, shared.server.url, { examples: true, templates: { target: TARGET, bases: BASES, plans: PLANS, prs: EARLIER_PR, delay: 150, ...templates } });
  t.after(() => app.close());
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  await app.page.getByTestId('nav-templates').click();
  await app.page.getByTestId('templates-fleet').waitFor();
  return app;
}

const tid = (page, id) => page.getByTestId(id, { exact: true });
const row = (page, slug) => page.locator(`[data-testid="template-row"][data-slug="${slug}"]`);

async function plan(page) {
  await tid(page, 'template-plan-submit').click();
  await waitState(page, 'planned');
}

async function waitState(page, state, timeout = 10000) {
  await page.waitForFunction((s) => document.querySelector('[data-testid="template-card"]')?.dataset.state === s, state, { timeout });
}

async function startAndConfirm(page) {
  await tid(page, 'template-start').click();
  await tid(page, 'template-start-dialog').waitFor();
  await tid(page, 'template-start-confirm').click();
}

describe('Mallen', () => {
  test('every customer’s template version, how it is known, its newest pull request as a link', async (t) => {
    const { page, assertClean } = await open(t);
    assert.equal(await tid(page, 'nav-templates').innerText(), 'Mallen');
    assert.equal(await tid(page, 'nav-templates').getAttribute('aria-current'), 'page');
    assert.equal(await page.locator('[data-testid="template-row"]').count(), 5);
    await row(page, 'asas-bageri-cafe-ab').getByTestId('template-version').filter({ hasText: '1111111 skapad från mallen' }).waitFor();
    await row(page, 'linkopings-blomsterhandel').getByTestId('template-version').filter({ hasText: '3333333 hittad i repots historik' }).waitFor();
    await row(page, 'halsohuset-i-lund').getByTestId('template-version').filter({ hasText: 'Okänd' }).waitFor();
    // The earlier pull request: its number, its state, opened in the browser through the core.
    const pr = row(page, 'fjallstugan-boende').getByTestId('pr-link');
    assert.equal(await pr.innerText(), '#12');
    await row(page, 'fjallstugan-boende').getByTestId('pr-state').filter({ hasText: 'Sammanslagen' }).waitFor();
    await pr.click();
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'open_external'));
    assert.deepEqual((await ipcCalls(page, 'open_external')).map((c) => c.args.url), ['https://github.com/byran/fjallstugan-boende/pull/12']);
    // Before a plan nothing says how far behind.
    assert.equal(await row(page, 'asas-bageri-cafe-ab').getAttribute('data-behind'), '');
    // "Läs om pull requests" asks the core to read GitHub again.
    await tid(page, 'templates-refresh').click();
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'refresh_templates'));
    await tid(page, 'language-switch').selectOption('en');
    await page.getByRole('heading', { name: 'Template', exact: true }).waitFor();
    await row(page, 'asas-bageri-cafe-ab').getByTestId('template-version').filter({ hasText: 'made from the template' }).waitFor();
    assert.equal(await tid(page, 'templates-refresh').innerText(), 'Re-read pull requests');
    assertClean();
  });

  test('a plan shows each customer’s files: conflicts marked with their count, the customer’s kept flagged, Fabrik’s own dimmed, problems per customer', async (t) => {
    const { page, assertClean } = await open(t);
    await plan(page);
    const calls = await ipcCalls(page, 'plan_template');
    assert.deepEqual(calls.map((c) => c.args), [{ at: null, waves: '1,10%,rest', halt_share: 0.2 }]);
    // Nothing sent: no roll-out started.
    assert.equal((await ipcCalls(page, 'start_rollout')).length, 0);
    const asas = page.locator('[data-testid="repo-plan"][data-slug="asas-bageri-cafe-ab"]');
    assert.equal(await asas.getAttribute('data-conflicts'), '2');
    await asas.getByTestId('repo-conflicts').filter({ hasText: '2 konflikter' }).waitFor();
    const files = await asas.locator('[data-testid="template-file"]').evaluateAll((rs) => rs.map((r) => [r.dataset.path, r.dataset.kind, r.dataset.conflicts]));
    assert.deepEqual(files, [
      ['src/app/page.tsx', 'conflict', '2'],
      ['package.json', 'template', '0'],
      ['README.md', 'quiet', '0'],
      ['fabrik.json', 'quiet', '0'],
    ]);
    const conflict = asas.locator('[data-testid="template-file"][data-kind="conflict"]');
    await conflict.getByRole('img', { name: 'Konflikt' }).waitFor();
    await conflict.getByTestId('file-conflicts').filter({ hasText: '2 konflikter att lösa för hand' }).waitFor();
    await asas.getByTestId('repo-summary').filter({ hasText: 'Mallen ändrade 2 filer; kunden ändrade 1 av dem också' }).waitFor();
    const opacity = await asas.locator('[data-testid="template-file"][data-path="fabrik.json"]').evaluate((r) => getComputedStyle(r).opacity);
    assert.ok(Number(opacity) < 1, `Fabrik's own file is dimmed (${opacity})`);
    // The customer's kept file: why a person must look.
    const kept = page.locator('[data-testid="repo-plan"][data-slug="cafe-oresund"] [data-testid="template-file"][data-kind="kept"]');
    assert.equal(await kept.getAttribute('data-path'), 'src/lib/theme.ts');
    await kept.getByTestId('file-kept').filter({ hasText: 'Mallen tog bort filen, kunden har ändrat den' }).waitFor();
    // The customer whose version is unknown: its problem, in the user's language.
    await page.locator('[data-testid="repo-plan"][data-slug="halsohuset-i-lund"] [data-testid="repo-problem"]').filter({ hasText: 'Kan inte planeras: Okänt vilken version' }).waitFor();
    // How far behind, counted against the plan's target.
    const behind = await page.locator('[data-testid="template-row"]').evaluateAll((rs) => Object.fromEntries(rs.map((r) => [r.dataset.slug, r.dataset.behind])));
    assert.deepEqual(behind, { 'asas-bageri-cafe-ab': '3', 'cafe-oresund': '2', 'linkopings-blomsterhandel': '1', 'fjallstugan-boende': '0', 'halsohuset-i-lund': '' });
    // A second plan waits; the buttons of a plan.
    assert.equal(await tid(page, 'template-plan-submit').isDisabled(), true);
    assert.deepEqual(await page.locator('[data-testid="template-card"] .actions button').evaluateAll((bs) => bs.map((b) => b.textContent)), ['Starta', 'Släng planen']);
    await tid(page, 'language-switch').selectOption('en');
    await conflict.getByTestId('file-conflicts').filter({ hasText: '2 conflicts to resolve by hand' }).waitFor();
    assertClean();
  });

  test('a ref the template lacks: the core’s error, shown in the form', async (t) => {
    const { page, assertClean } = await open(t);
    await tid(page, 'template-ref').fill('v9');
    await tid(page, 'template-halt').fill('12,5');
    await tid(page, 'template-plan-submit').click();
    await tid(page, 'template-plan-error').filter({ hasText: 'v9 finns inte' }).waitFor();
    assert.deepEqual((await ipcCalls(page, 'plan_template')).map((c) => c.args), [{ at: 'v9', waves: '1,10%,rest', halt_share: 0.125 }]);
    assertClean();
  });

  test('Starta asks first, the waves run live, each repository links to its pull request; a merge read back moves the version', async (t) => {
    const { page, assertClean } = await open(t, { merged: ['asas-bageri-cafe-ab'] });
    await plan(page);
    await tid(page, 'template-start').click();
    await tid(page, 'template-start-dialog').filter({ hasText: 'Fabrik öppnar en pull request i 3 repon' }).waitFor();
    await tid(page, 'template-start-dialog').filter({ hasText: 'Filer med konflikter lämnas att lösa för hand i pull requesterna för 1 repo' }).waitFor();
    await page.keyboard.press('Escape');
    assert.equal((await ipcCalls(page, 'start_rollout')).length, 0);
    await startAndConfirm(page);
    await waitState(page, 'done', 15000);
    const id = Number(await tid(page, 'template-card').getAttribute('data-id'));
    assert.deepEqual((await ipcCalls(page, 'start_rollout')).map((c) => c.args), [{ id }]);
    assert.ok((await ipcCalls(page, 'template_rollout')).length >= 2, 'the roll-out was read again while it ran');
    const prs = await page.locator('[data-testid="member"][data-state="done"] [data-testid="member-pr"]').count();
    assert.equal(prs, 3);
    const asas = page.locator('[data-testid="member"][data-slug="asas-bageri-cafe-ab"]');
    await asas.getByTestId('pr-conflicts').filter({ hasText: '2 konflikter att lösa' }).waitFor();
    await tid(page, 'template-note').filter({ hasText: 'Slå ihop pull requesterna på GitHub' }).waitFor();
    // GitHub says the first was merged: the version moves to the target.
    await tid(page, 'templates-refresh').click();
    await page.waitForFunction((target) => document.querySelector('[data-testid="template-row"][data-slug="asas-bageri-cafe-ab"]')?.dataset.base === target, TARGET);
    await row(page, 'asas-bageri-cafe-ab').getByTestId('pr-state').filter({ hasText: 'Sammanslagen' }).waitFor();
    assert.equal(await row(page, 'asas-bageri-cafe-ab').getAttribute('data-behind'), '0');
    assertClean();
  });

  test('a failing canary (Café Öresund, first by name) halts: the reason, Fortsätt and Avbryt call their commands', async (t) => {
    const { page, assertClean } = await open(t, { fail: { 'cafe-oresund': T('GitHub svarade 422', 'GitHub answered 422') } });
    await plan(page);
    await startAndConfirm(page);
    await waitState(page, 'halted', 15000);
    await tid(page, 'template-halt-reason').filter({ hasText: 'Kanarievågen misslyckades' }).waitFor();
    await page.locator('[data-testid="member"][data-state="failed"] [data-testid="member-reason"]').filter({ hasText: 'GitHub svarade 422' }).waitFor();
    assert.deepEqual(await page.locator('[data-testid="template-card"] .actions button').evaluateAll((bs) => bs.map((b) => b.textContent)), ['Fortsätt', 'Avbryt']);
    const id = Number(await tid(page, 'template-card').getAttribute('data-id'));
    await tid(page, 'template-resume').click();
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'resume_rollout'));
    await waitState(page, 'halted', 15000);
    await tid(page, 'template-abort').click();
    await tid(page, 'template-abort-dialog').waitFor();
    await tid(page, 'template-abort-confirm').click();
    await waitState(page, 'aborted');
    assert.deepEqual((await ipcCalls(page, 'resume_rollout')).map((c) => c.args), [{ id }]);
    assert.deepEqual((await ipcCalls(page, 'abort_rollout')).map((c) => c.args), [{ id }]);
    await tid(page, 'template-note').filter({ hasText: 'Pull requests som redan öppnats ligger kvar' }).waitFor();
    assert.equal(await tid(page, 'template-plan-submit').isDisabled(), false);
    assertClean();
  });

  test('every template update is in Historik, newest first, and choosing an earlier one shows it (the screen Utrullningar uses)', async (t) => {
    const { page, assertClean } = await open(t);
    await plan(page);
    const first = Number(await tid(page, 'template-card').getAttribute('data-id'));
    // A plan is discarded the way a roll-out is.
    await tid(page, 'template-abort').click();
    await tid(page, 'template-abort-confirm').click();
    await waitState(page, 'aborted');
    await plan(page);
    const second = Number(await tid(page, 'template-card').getAttribute('data-id'));
    assert.notEqual(second, first);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="templates-history"] [data-testid="template-history-item"]').length === 2);
    const items = page.locator('[data-testid="template-history-item"]');
    assert.deepEqual(await items.evaluateAll((bs) => bs.map((b) => Number(b.dataset.id))), [second, first]);
    assert.equal(await items.first().getAttribute('aria-current'), 'true');
    await items.filter({ hasText: `Malluppdatering ${first}` }).click();
    await page.waitForFunction((id) => document.querySelector('[data-testid="template-card"]')?.dataset.id === String(id), first);
    await waitState(page, 'aborted');
    assert.equal(await items.last().getAttribute('aria-current'), 'true');
    // The open one still holds the form.
    await tid(page, 'template-plan-blocked').filter({ hasText: String(second) }).waitFor();
    assertClean();
  });

  test('Pausa calls pause_rollout and stops after the pull request in flight; Fortsätt drives it on', async (t) => {
    const { page, assertClean } = await open(t, { delay: 500 });
    await plan(page);
    await startAndConfirm(page);
    await waitState(page, 'running');
    await tid(page, 'template-pause').click();
    await waitState(page, 'paused');
    await tid(page, 'template-note').filter({ hasText: 'ingen ny påbörjas' }).waitFor();
    await tid(page, 'template-resume').click({ timeout: 10000 });
    await waitState(page, 'done', 20000);
    assert.equal((await ipcCalls(page, 'pause_rollout')).length, 1);
    assert.equal((await ipcCalls(page, 'resume_rollout')).length, 1);
    assertClean();
  });
});
