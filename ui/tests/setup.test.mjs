// UI tests for Installationsguiden (views/Setup.tsx): it opens by itself on a seat's first start
// and from Inställningar; in the sandbox it offers production; in production each step says what
// the token is for, where it is made and what it must be allowed to do, checks the pasted token
// and names what is wrong, then offers choices read from the account (those that cannot be used
// say why); every step can be skipped and the end shows what is left. Built UI in headless
// Chromium, fake backend (CONFIG.setup; the steps and texts are the core's).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcCalls, openApp, requireDist, sharedBrowser } from './lib/harness.mjs';

requireDist();
const shared = sharedBrowser();

async function open(t, config) {
  const app = await openApp(shared.browser, shared.server.url, config);
  t.after(async () => {
    await app.close();
  });
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id);
const step = (page) => tid(page, 'setup').getAttribute('data-step');
const lastSet = async (page, key) => (await ipcCalls(page, 'set_setting')).filter((c) => c.args.key === key).map((c) => c.args.value).pop();

describe('setup guide', () => {
  test('a first start in the sandbox opens the guide by itself once; staying in the sandbox shows the list', async (t) => {
    const { page, assertClean } = await open(t, { setup: { started: false } });
    await tid(page, 'setup-sandbox').waitFor();
    assert.match(await tid(page, 'setup-sandbox').innerText(), /inga token behövs/);
    // Opened is remembered: the next start does not open it again.
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'setup_progress'));
    await tid(page, 'setup-stay').click();
    await tid(page, 'add-customer').waitFor();
    const guide = await page.evaluate(() => window.__TAURI_INTERNALS__.invoke('setup_guide', {}));
    assert.equal(guide.started, true);
    assertClean();
  });

  test('a seat that has been through it starts on the list; Inställningar opens the guide; the sandbox offers production', async (t) => {
    const { page, assertClean } = await open(t, {});
    await tid(page, 'add-customer').waitFor();
    assert.equal(await tid(page, 'setup').count(), 0);
    await tid(page, 'nav-settings').click();
    await tid(page, 'open-setup-guide').click();
    await tid(page, 'setup-sandbox').waitFor();
    await tid(page, 'setup-production').click();
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'set_environment'));
    const [call] = await ipcCalls(page, 'set_environment');
    assert.deepEqual(call.args, { environment: 'production' });
    assertClean();
  });

  test('production: each step explains its token, names a refused one, then offers what the account has', async (t) => {
    const { page, assertClean } = await open(t, { environment: 'production', setup: { started: false } });
    await tid(page, 'setup-agency').waitFor();
    assert.equal(await step(page), 'agency');
    await tid(page, 'setup-setting-email.sender_name').fill('Byrån AB');
    await tid(page, 'setup-setting-alerts.email').fill('larm@byran.se');
    await tid(page, 'setup-setting-alerts.email').press('Enter');
    await page.waitForFunction(() => window.__mockCalls.filter((c) => c.cmd === 'set_setting').length >= 2);
    assert.equal(await lastSet(page, 'email.sender_name'), 'Byrån AB');
    await tid(page, 'setup-step-agency').and(page.locator('[data-state="done"]')).waitFor();
    await tid(page, 'setup-next').click();

    // GitHub: what the token is for, both kinds of token with their pages and permissions.
    await tid(page, 'setup-provider-github').waitFor();
    const text = await tid(page, 'setup-provider-github').innerText();
    assert.match(text, /https:\/\/github\.com\/settings\/tokens\/new\?scopes=repo,delete_repo/);
    assert.match(text, /https:\/\/github\.com\/settings\/personal-access-tokens\/new/);
    assert.match(text, /Administration: Read and write/);
    assert.match(text, /delete_repo \(valfri\)/);
    await tid(page, 'setup-open-github').first().click();
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'open_external'));
    assert.match((await ipcCalls(page, 'open_external'))[0].args.url, /^https:\/\/github\.com\/settings\/tokens\/new/);

    // A refused token is named, and the field is empty again.
    await tid(page, 'setup-token-github').fill('rejected-token');
    await tid(page, 'setup-save-github').click();
    await tid(page, 'setup-check-github').and(page.locator('[data-state="problem"]')).waitFor();
    assert.match(await tid(page, 'setup-check-github').innerText(), /Token avvisades \(401\)/);
    assert.equal(await tid(page, 'setup-token-github').inputValue(), '');
    // A working one: verified, then the owners and templates the account has.
    await tid(page, 'setup-token-github').fill('ghp_good');
    await tid(page, 'setup-save-github').click();
    await tid(page, 'setup-check-github').and(page.locator('[data-state="verified"]')).waitFor();
    assert.match(await tid(page, 'setup-check-github').innerText(), /Verifierad som fabrik-agent/);
    await tid(page, 'setup-choice-github.template').waitFor();
    const options = await tid(page, 'setup-choice-github.template').locator('option').evaluateAll((os) => os.map((o) => [o.value, o.disabled]));
    assert.deepEqual(options.filter(([v]) => v !== ''), [
      ['fabrik-agency/saas-template', false],
      ['fabrik-agency/kund-app', true],
    ]);
    assert.match(await tid(page, 'setup-unusable-github.template').innerText(), /kund-app: inte ett mallrepo/);
    await tid(page, 'setup-choice-github.template').selectOption('fabrik-agency/saas-template');
    await tid(page, 'setup-choice-github.owner').selectOption('fabrik-agency');
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'set_setting' && c.args.key === 'github.owner'));
    assert.equal(await lastSet(page, 'github.template'), 'fabrik-agency/saas-template');
    assert.equal(await lastSet(page, 'github.owner'), 'fabrik-agency');
    await tid(page, 'setup-step-github').and(page.locator('[data-state="done"]')).waitFor();
    await tid(page, 'setup-next').click();

    // Supabase: the organization and its regions; the one at capacity cannot be chosen.
    await tid(page, 'setup-token-supabase').fill('sbp_good');
    await tid(page, 'setup-save-supabase').click();
    await tid(page, 'setup-choice-supabase.region').waitFor();
    assert.match(await tid(page, 'setup-unusable-supabase.region').innerText(), /eu-central-2.*fullt just nu/);
    await tid(page, 'setup-choice-supabase.region').selectOption('eu-north-1');
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'set_setting' && c.args.key === 'supabase.region'));
    await tid(page, 'setup-next').click();

    // Vercel: skipped for later.
    await tid(page, 'setup-provider-vercel').waitFor();
    await tid(page, 'setup-skip').click();
    await tid(page, 'setup-provider-n8n').waitFor();
    assert.equal(await tid(page, 'setup-step-vercel').getAttribute('data-state'), 'skipped');
    assert.deepEqual((await ipcCalls(page, 'setup_progress')).pop().args, { at: 'n8n', skipped: ['vercel'] });
    await tid(page, 'setup-skip').click();

    // Resend: an address on a verified domain (one not verified cannot be chosen).
    await tid(page, 'setup-token-resend').fill('re_good');
    await tid(page, 'setup-save-resend').click();
    await tid(page, 'setup-choice-email.sender_address').waitFor();
    await tid(page, 'setup-local-email.sender_address').fill('valkommen');
    await tid(page, 'setup-choice-email.sender_address').selectOption('sandbox.fabrik.test');
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'set_setting' && c.args.key === 'email.sender_address'));
    assert.equal(await lastSet(page, 'email.sender_address'), 'valkommen@sandbox.fabrik.test');
    assert.match(await tid(page, 'setup-unusable-email.sender_address').innerText(), /ny\.byran\.se: inte verifierad/);
    await tid(page, 'setup-next').click();
    await tid(page, 'setup-provider-gitea').waitFor();
    assert.match(await tid(page, 'setup-provider-gitea').innerText(), /valfri/);
    await tid(page, 'setup-next').click();
    // Stripe (the inbox's payments) is optional too: a restricted key that only reads.
    await tid(page, 'setup-provider-stripe').waitFor();
    assert.match(await tid(page, 'setup-provider-stripe').innerText(), /valfri/);
    assert.match(await tid(page, 'setup-provider-stripe').innerText(), /Events: Read/);
    await tid(page, 'setup-next').click();
    // The proof is offered, its cost said; skipped, it stays on offer at the end.
    await tid(page, 'setup-proof-item-supabase').waitFor();
    await tid(page, 'setup-skip').click();

    // The end: what is left, each a way back to its step.
    await tid(page, 'setup-done').waitFor();
    assert.match(await tid(page, 'setup-left-proof').innerText(), /Prova med en provkund \(valfri\)/);
    const left = await tid(page, 'setup-left').innerText();
    assert.match(left, /Vercel överhoppat/);
    assert.match(left, /n8n överhoppat/);
    assert.doesNotMatch(left, /GitHub|Supabase|Resend/);
    await tid(page, 'setup-left-vercel').getByRole('button').click();
    await tid(page, 'setup-provider-vercel').waitFor();
    // The token never came back to the page.
    const html = await page.content();
    for (const secret of ['ghp_good', 'sbp_good', 're_good', 'rejected-token']) assert.ok(!html.includes(secret), `${secret} in the page`);
    assertClean();
  });

  test('the proof: its cost first, a full Supabase organization named, each resource made and removed, a stopped one continued', async (t) => {
    const { page, assertClean } = await open(t, { environment: 'production', setup: { started: true, at: 'proof' }, proof: { active: 2, stopAfterProvision: true } });
    const card = tid(page, 'setup-proof');
    await tid(page, 'setup-proof-item-supabase').waitFor();
    assert.equal(await card.getAttribute('data-phase'), 'not_started');
    assert.match(await tid(page, 'setup-proof-item-supabase').innerText(), /Gratisplanen tillåter 2 aktiva gratisprojekt per användare; fabrik-sandbox har 2 aktiva nu/);
    assert.match(await tid(page, 'setup-proof-item-resend').innerText(), /kan inte tas tillbaka/);
    assert.match(await tid(page, 'setup-proof-caveats').innerText(), /har redan 2 aktiva projekt/);
    await tid(page, 'setup-proof-start').click();
    // Followed while it runs: the resources appear as they are made.
    await page.locator('[data-testid="setup-proof"][data-phase="provisioning"]').waitFor();
    await page.locator('[data-testid="setup-proof-made"] li[data-step="n8n.workflow"]').waitFor();
    // The window was closed between the runs: it says what stands and continues.
    await page.locator('[data-testid="setup-proof"][data-phase="stopped"]').waitFor();
    assert.match(await tid(page, 'setup-proof-problem').innerText(), /fabrik-provkund-2026-11-26-14-00-00 är inte borttagen än/);
    assert.equal(await tid(page, 'setup-proof-start').innerText(), 'Fortsätt provet');
    await tid(page, 'setup-proof-start').click();
    await page.locator('[data-testid="setup-proof"][data-phase="done"]').waitFor();
    const removed = await page.locator('[data-testid="setup-proof-removed"] li').evaluateAll((els) => els.map((e) => [e.dataset.step, e.dataset.state]));
    assert.deepEqual(removed.map((r) => r[0]).sort(), ['github.repo', 'n8n.workflow', 'supabase.project', 'vercel.project']);
    assert.ok(removed.every((r) => r[1] === 'compensated'));
    assert.match(await tid(page, 'setup-proof-time').innerText(), /Klart på 94 s/);
    // Done is shown as done in the steps.
    assert.equal(await tid(page, 'setup-step-proof').getAttribute('data-state'), 'done');
    assert.equal((await ipcCalls(page, 'start_setup_proof')).length, 2);
    assertClean();
  });

  test('what the accounts have left: the status bar shows each tightest budget and an expiring token; Inställningar the plan limits', async (t) => {
    const text = (sv, en) => ({ sv, en, code: null, params: {} });
    const left = {
      providers: [
        { provider: 'github', rates: [{ provider: 'github', bucket: 'core', limit: 5000, remaining: 4990, reset_in_secs: 3000, reported: true }, { provider: 'github', bucket: 'content per hour', limit: 500, remaining: 488, reset_in_secs: 3000, reported: false }], expires: '2026-11-29T10:00:00+00:00', expiry_warning: text('GitHub-token slutar fungera 2026-11-29 10:00 UTC: gör en ny på https://github.com/settings/tokens och spara den i Fabrik innan dess.', 'The GitHub token stops working on 2026-11-29 10:00 UTC.') },
        { provider: 'vercel', rates: [{ provider: 'vercel', bucket: 'POST /v13/deployments', limit: 100, remaining: 4, reset_in_secs: 40, reported: true }], expires: null, expiry_warning: null },
      ],
      plan: [
        { provider: 'supabase', what: text('Aktiva projekt i fabrik-sandbox (gratisplanen: per användare)', 'Active projects in fabrik-sandbox'), used: 2, limit: 2, problem: null },
        { provider: 'vercel', what: text('Vercel-projekt som Fabrik har gjort (Hobby-planens gräns)', 'Vercel projects Fabrik has made'), used: 12, limit: 200, problem: null },
      ],
    };
    const { page, assertClean } = await open(t, { left });
    const bar = tid(page, 'status-bar');
    await bar.waitFor();
    assert.equal(await tid(page, 'status-quota-github').innerText(), 'GitHub 4\u00a0990/5\u00a0000');
    assert.match(await tid(page, 'status-quota-vercel').getAttribute('class'), /is-low/);
    assert.match(await tid(page, 'status-expiry-github').innerText(), /GitHub-token slutar fungera 2026-11-29/);
    // A click on it opens Inställningar at what the accounts have left.
    await bar.getByRole('button').click();
    await tid(page, 'accounts-left').waitFor();
    await tid(page, 'left-plans').waitFor();
    assert.match(await tid(page, 'left-plan-supabase').innerText(), /Aktiva projekt i fabrik-sandbox.*: 2 \/ 2/);
    assert.match(await tid(page, 'left-plan-supabase').getAttribute('class'), /is-low/);
    const budgets = await page.locator('[data-testid="left-provider-github"] li').allInnerTexts();
    assert.match(budgets[0], /core 4\u00a0990 av 5\u00a0000 kvar fylls på om 50 min/);
    assert.match(budgets[1], /räknat av Fabrik/);
    assert.match(await tid(page, 'left-expiry-github').innerText(), /github\.com\/settings\/tokens/);
    assertClean();
  });

  test('Gitea: the backup repository set but missing is offered and made on a click', async (t) => {
    const { page, assertClean } = await open(t, { environment: 'production', setup: { started: true, at: 'gitea' }, giteaRepos: ['ops-hub/annat'] });
    await tid(page, 'setup-provider-gitea').waitFor();
    await tid(page, 'setup-setting-gitea.api_url').fill('https://git.byran.se/api/v1');
    await tid(page, 'setup-token-gitea').fill('gitea_good');
    await tid(page, 'setup-save-gitea').click();
    await tid(page, 'setup-create-offer').waitFor();
    assert.match(await tid(page, 'setup-create-offer').innerText(), /Repot ops-hub\/client-backups finns inte i Gitea än/);
    await tid(page, 'setup-create-repository').click();
    await tid(page, 'setup-create-offer').waitFor({ state: 'detached' });
    const offered = await tid(page, 'setup-choice-backup.repository').locator('option').allInnerTexts();
    assert.ok(offered.includes('ops-hub/client-backups'), `${offered}`);
    assert.equal((await ipcCalls(page, 'create_backup_repository')).length, 1);
    assertClean();
  });

  test('in English, and a token not yet saved says the choices come after it', async (t) => {
    const { page, assertClean } = await open(t, { environment: 'production', language: 'en', setup: { started: true, at: 'vercel' } });
    // Production and not finished: it opens by itself where it stopped.
    await tid(page, 'setup-provider-vercel').waitFor();
    assert.match(await tid(page, 'setup-provider-vercel').innerText(), /Open the page where a Vercel token is made/);
    assert.equal(await tid(page, 'setup-choices-vercel').count(), 1);
    assert.equal(await tid(page, 'setup-choice-vercel.team_id').count(), 0);
    await tid(page, 'setup-token-vercel').fill('vercel_good');
    await tid(page, 'setup-save-vercel').click();
    await tid(page, 'setup-choice-vercel.team_id').waitFor();
    await tid(page, 'setup-choice-vercel.team_id').selectOption('team_sim0000000000000000001');
    await page.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === 'set_setting' && c.args.key === 'vercel.team_slug'));
    assert.equal(await lastSet(page, 'vercel.team_slug'), 'fabrik-agency');
    await tid(page, 'setup-close').click();
    await tid(page, 'add-customer').waitFor();
    assertClean();
  });
});
