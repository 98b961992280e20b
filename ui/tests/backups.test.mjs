// Workflow backups in the window (issue #32): the customer page's "Säkerhetskopior av flöden"
// (the versions, "Säkerhetskopiera flödet nu", a restore behind a confirmation, Gitea missing
// with its way out), the Gitea row in Settings, and each instance's backup age in the register,
// against the fake backend's workflow backups (lib/mock-backups.js). Run `npm run build` first.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcCalls, openApp, requireDist, runStarts, sharedBrowser } from './lib/harness.mjs';

requireDist();

const SLUG = 'asas-bageri-cafe-ab';
// Åsa's workflow: backed up on delivery three days ago, then by the schedule yesterday (a
// change) and today (nothing had changed: no commit).
const SEEDED = {
  [SLUG]: [
    { hours_ago: 72, reason: 'provisioned' },
    { hours_ago: 26, reason: 'scheduled' },
    { hours_ago: 2, reason: 'scheduled', unchanged: true },
  ],
  'fjallstugan-boende': [{ hours_ago: 5, reason: 'scheduled' }],
  // Older than the 48 hours the alert allows by default.
  'cafe-oresund': [{ hours_ago: 80, reason: 'scheduled' }],
};
const DATABASE = { [SLUG]: 3, 'fjallstugan-boende': 30, 'cafe-oresund': 4 };

const shared = sharedBrowser();

async function open(t, config = {}) {
  const app = await openApp(shared.browser, shared.server.url, { examples: true, workflowBackups: SEEDED, databaseBackups: DATABASE, ...config });
  t.after(() => app.close());
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id, { exact: true });
const versions = (page) => page.locator('[data-testid="workflow-backup-row"]');

async function openCustomer(page, slug = SLUG) {
  await page.locator(`[data-testid="customer-row"][data-slug="${slug}"]`).click();
  await tid(page, 'workflow-backups-panel').waitFor();
}

/** The versions shown, newest first: [reason, commit or '', files changed] each. */
function shown(page) {
  return page.$$eval('[data-testid="workflow-backup-row"]', (rows) => rows.map((r) => [r.dataset.reason, r.dataset.commit, r.dataset.changed]));
}

async function waitVersions(page, n) {
  await page.waitForFunction((want) => document.querySelectorAll('[data-testid="workflow-backup-row"]').length === want, n);
}

describe('Säkerhetskopior av flöden', () => {
  test('the versions newest first: when, why, the commit or “oförändrat”, the repository', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomer(page);
    await waitVersions(page, 3);
    const list = await shown(page);
    assert.deepEqual(list.map(([reason]) => reason), ['scheduled', 'scheduled', 'provisioned']);
    assert.equal(list[0][2], '0', 'the newest found nothing changed');
    assert.equal(list[0][1], list[1][1], 'and names the commit that already held the workflow');
    const newest = versions(page).nth(0);
    assert.match(await newest.innerText(), new RegExp(`Schemalagd\\s+oförändrat \\(${list[1][1].slice(0, 7)}\\)`));
    assert.equal(await tid(page, 'workflow-backups-repository').innerText(), 'Förråd i Gitea: ops-hub/client-backups');
    // A version with a commit shows its short SHA (the whole one in the tooltip) and can be restored.
    const second = versions(page).nth(1);
    const sha = list[1][1];
    assert.equal(sha.length, 40);
    assert.match(await second.innerText(), new RegExp(sha.slice(0, 7)));
    assert.equal(await second.getByTestId('workflow-restore').count(), 1);
    assert.equal(await second.getByTestId('workflow-unchanged').count(), 0);
    assert.equal(await newest.getByTestId('workflow-restore').count(), 1, 'the commit it names can be restored too');
    assert.match(await versions(page).nth(2).innerText(), /Vid leverans/);
    assertClean();
  });

  test('“Säkerhetskopiera flödet nu” runs a backup that adds a version; again without a change adds one unchanged', async (t) => {
    const { page, assertClean } = await open(t, { workflowEdited: [SLUG] });
    await openCustomer(page);
    await waitVersions(page, 3);
    assert.equal(await tid(page, 'workflow-backup-now').innerText(), 'Säkerhetskopiera flödet nu');
    await tid(page, 'workflow-backup-now').click();
    await waitVersions(page, 4);
    let list = await shown(page);
    assert.equal(list[0][0], 'on_demand');
    assert.equal(list[0][1].length, 40, 'the edited workflow was committed');
    assert.equal(list[0][2], '1');
    // The run shows like any other: in the run panel, with its step.
    await page.locator('.run-card').getByText('Säkerhetskopiera n8n-flödet').first().waitFor();
    // Its end is told by its kind, not as a provisioning.
    await page.getByTestId('toast').filter({ hasText: "Säkerhetskopia av flöden för Åsa's Bageri & Café AB är klar" }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="workflow-backup-now"]')?.disabled);
    await tid(page, 'workflow-backup-now').click();
    await waitVersions(page, 5);
    list = await shown(page);
    assert.deepEqual(list[0], ['on_demand', list[1][1], '0'], 'unchanged: no commit, the one before named');
    assert.match(await versions(page).nth(0).innerText(), /oförändrat/);
    assert.deepEqual((await runStarts(page, 'workflow_backup')).map((c) => c.args), [
      { slug: SLUG, kind: 'workflow_backup' },
      { slug: SLUG, kind: 'workflow_backup' },
    ]);
    assertClean();
  });

  test('a restore asks first, then runs with the version’s id and adds a before_restore version', async (t) => {
    const { page, assertClean } = await open(t, { workflowEdited: [SLUG] });
    await openCustomer(page);
    await waitVersions(page, 3);
    const target = versions(page).nth(2);
    const [, sha] = (await shown(page))[2];
    await target.getByTestId('workflow-restore').click();
    const dialog = tid(page, 'workflow-restore-dialog');
    await dialog.waitFor();
    const text = await dialog.innerText();
    assert.match(text, new RegExp(sha.slice(0, 7)));
    assert.match(text, /säkerhetskopieras flödet som det är nu/);
    assert.match(text, /förblir det aktivt/);
    // Cancelling starts nothing.
    await dialog.getByRole('button', { name: 'Avbryt' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await runStarts(page, 'workflow_restore')).length, 0);

    await target.getByTestId('workflow-restore').click();
    await tid(page, 'workflow-restore-confirm').click();
    await waitVersions(page, 4);
    const list = await shown(page);
    assert.equal(list[0][0], 'before_restore');
    assert.equal(list[0][2], '1', 'the edited workflow was backed up before it was replaced');
    const versionsInRegister = await page.evaluate((s) => window.__mockWorkflowBackups.rows[s].map((r) => r.id), SLUG);
    assert.deepEqual((await runStarts(page, 'workflow_restore')).map((c) => c.args), [{ slug: SLUG, kind: 'workflow_restore', version: versionsInRegister[0] }]);
    await page.locator('.run-card').getByText('Skriv tillbaka flödets version').first().waitFor();
    assertClean();
  });

  test('Gitea missing: the failed backup says so, with Settings as the way out (in English too)', async (t) => {
    const { page, assertClean } = await open(t, { giteaNotSet: true });
    await openCustomer(page);
    await waitVersions(page, 3);
    await tid(page, 'workflow-backup-now').click();
    const error = tid(page, 'workflow-backup-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'gitea_not_set');
    assert.match(await error.innerText(), /Gitea-adressen eller token saknas\. Ange den under Inställningar → Gitea/);
    await versions(page).first().waitFor();
    assert.equal(await versions(page).count(), 3, 'nothing was added');

    await tid(page, 'language-switch').selectOption('en');
    await error.filter({ hasText: 'the Gitea address or token is missing' }).waitFor();
    assert.equal(await tid(page, 'workflow-backup-settings').innerText(), 'Open Settings');
    assert.equal(await page.getByTestId('toast').filter({ hasText: 'Provisioning' }).count(), 0);
    await tid(page, 'workflow-backup-settings').click();
    await tid(page, 'credential-gitea').waitFor();
    assert.equal(await tid(page, 'nav-settings').getAttribute('aria-current'), 'page');
    assertClean();
  });

  test('a restore of a version that is gone is refused with the core’s text', async (t) => {
    const { page, assertClean } = await open(t);
    await openCustomer(page);
    await waitVersions(page, 3);
    // Another seat removed the version between the list and the click.
    await page.evaluate((s) => (window.__mockWorkflowBackups.rows[s] = window.__mockWorkflowBackups.rows[s].map((r) => ({ ...r, commit_sha: null }))), SLUG);
    await versions(page).nth(1).getByTestId('workflow-restore').click();
    await tid(page, 'workflow-restore-confirm').click();
    const error = tid(page, 'workflow-backup-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'workflow_version_not_found');
    assert.match(await error.innerText(), /Återställningen av flödet misslyckades: Version \d+ av flödet/);
    assert.equal(await tid(page, 'workflow-backup-settings').count(), 0, 'Settings is no way out here');
    assertClean();
  });
});

describe('Gitea in Settings', () => {
  test('the optional token rows (Gitea, Stripe) come last and say what they are for; Gitea\'s settings show under Säkerhetskopior', async (t) => {
    const { page, assertClean } = await open(t);
    await tid(page, 'nav-settings').click();
    const row = tid(page, 'credential-gitea');
    await row.waitFor();
    const order = await page.$$eval('.cred-row[data-testid^="credential-"]', (rows) => rows.map((r) => r.dataset.testid.replace('credential-', '')));
    assert.deepEqual(order, ['github', 'supabase', 'vercel', 'n8n', 'resend', 'gitea', 'stripe']);
    assert.equal(await tid(page, 'credential-optional-gitea').innerText(), 'Valfri: för säkerhetskopior av n8n-flöden');
    assert.match(await tid(page, 'credential-optional-stripe').innerText(), /^Valfri: för Inkorgen/);
    assert.equal(await tid(page, 'credential-optional-github').count(), 0);
    assert.equal(await row.getAttribute('data-state'), 'missing');
    // Save, test, delete: like the others.
    await tid(page, 'credential-input-gitea').fill('gitea-token');
    await tid(page, 'credential-save-gitea').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="credential-gitea"]')?.dataset.state === 'saved');
    await tid(page, 'credential-test-gitea').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="credential-gitea"]')?.dataset.state === 'verified');
    assert.match(await tid(page, 'credential-message-gitea').innerText(), /kan skriva till ops-hub\/client-backups/);
    // The settings backups use, together, with their help.
    const group = page.locator('fieldset[data-group="backups"]');
    await group.waitFor();
    assert.match(await group.locator('legend').innerText(), /Säkerhetskopior/);
    for (const key of ['gitea.api_url', 'backup.repository', 'backup.schedule_hours', 'backup.alert_hours']) {
      assert.equal(await group.locator(`[data-setting="${key}"]`).count(), 1, key);
    }
    assert.match(await group.locator('[data-setting="backup.repository"]').innerText(), /tomt = ops-hub\/client-backups/);
    assert.equal(await tid(page, 'setting-seat-gitea.api_url').count(), 1, 'the address is this seat’s, like n8n.api_url');

    await tid(page, 'language-switch').selectOption('en');
    await tid(page, 'credential-optional-gitea').filter({ hasText: 'Optional: for backups of the n8n workflows' }).waitFor();
    await group.locator('legend').filter({ hasText: 'Backups' }).waitFor();
    assertClean();
  });
});

describe('backup age in the register', () => {
  test('each delivered instance’s backup ages beside its health, asked once; a stale one is marked', async (t) => {
    const { page, assertClean } = await open(t);
    const age = (slug) => tid(page, `backup-age-${slug}`);
    await age(SLUG).waitFor();
    assert.equal(await tid(page, `backup-age-db-${SLUG}`).innerText(), 'DB 3 h');
    assert.equal(await tid(page, `backup-age-wf-${SLUG}`).innerText(), 'Flöden 2 h');
    assert.equal(await age(SLUG).getAttribute('data-stale'), 'false');
    assert.equal(await tid(page, 'backup-age-wf-fjallstugan-boende').innerText(), 'Flöden 5 h');
    assert.equal(await tid(page, 'backup-age-db-fjallstugan-boende').innerText(), 'DB 30 h');
    // Workflows 80 hours old: past the 48-hour limit.
    assert.equal(await age('cafe-oresund').getAttribute('data-stale'), 'true');
    assert.equal(await tid(page, 'backup-age-wf-cafe-oresund').innerText(), 'Flöden 3 d');
    assert.match(await age('cafe-oresund').getAttribute('title'), /Äldre än gränsen \(backup\.alert_hours\)/);
    // None at all: a dash, and stale (nothing to restore from).
    const none = 'linkopings-blomsterhandel';
    assert.equal(await tid(page, `backup-age-db-${none}`).innerText(), 'DB –');
    assert.equal(await age(none).getAttribute('data-stale'), 'true');
    assert.match(await age(none).getAttribute('title'), /Databas: ingen ännu/);
    // The exact time in the tooltip.
    assert.match(await age(SLUG).getAttribute('title'), /^Senaste säkerhetskopior\nDatabas: .*\d\d:\d\d\nFlöden: .*\d\d:\d\d$/);
    // Beside the health, in the same line.
    assert.equal(await page.locator(`[data-slug="${SLUG}"] .instance-status [data-testid="health-${SLUG}"]`).count(), 1);
    // Not delivered: no ages.
    assert.equal(await tid(page, 'backup-age-goteborgs-cykelverkstad').count(), 0);
    assert.equal((await ipcCalls(page, 'backup_ages')).length, 1, 'one call for the list, not one per row');

    await tid(page, 'language-switch').selectOption('en');
    await tid(page, `backup-age-wf-${SLUG}`).filter({ hasText: 'Flows 2 h' }).waitFor();
    assert.match(await age('cafe-oresund').getAttribute('title'), /Older than the limit/);
    assertClean();
  });

  test('the alert limit off (backup.alert_hours 0): nothing is marked', async (t) => {
    const { page, assertClean } = await open(t, { settings: { 'backup.alert_hours': '0' } });
    await tid(page, 'backup-age-cafe-oresund').waitFor();
    assert.equal(await tid(page, 'backup-age-cafe-oresund').getAttribute('data-stale'), 'false');
    assert.equal(await page.locator('.backup-age.is-stale').count(), 0);
    assertClean();
  });
});
