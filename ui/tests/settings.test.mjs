// UI tests for Inställningar: the agency's tokens (save, test, delete; never shown again), the
// non-secret settings and the environment banner. Built UI in headless Chromium, fake backend.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcCalls, launchBrowser, mockState, openApp, requireDist, startServer } from './lib/harness.mjs';

requireDist();

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(t, config) {
  const app = await openApp(browser, server.url, config);
  t.after(async () => {
    await app.close();
  });
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id);

async function expectText(locator, text) {
  await locator.filter({ hasText: text }).first().waitFor();
}

/** Waits until the provider's row is in `state` (its data-state and its chip). */
async function waitState(page, provider, state, label) {
  await page.locator(`[data-testid="credential-${provider}"][data-state="${state}"]`).waitFor();
  assert.equal((await tid(page, `credential-state-${provider}`).innerText()).trim(), label);
}

async function openSettings(page) {
  await tid(page, 'nav-settings').click();
  await tid(page, 'credential-github').waitFor();
  await tid(page, 'save-settings').waitFor();
}

async function saveToken(page, provider, token) {
  await tid(page, `credential-input-${provider}`).fill(token);
  await tid(page, `credential-save-${provider}`).click();
}

describe('environment', () => {
  test('sandbox: the banner is on the customer list and the settings view', async (t) => {
    const { page, assertClean } = await open(t, {});
    const banner = tid(page, 'sandbox-banner');
    await banner.waitFor();
    assert.equal((await banner.innerText()).trim(), 'Sandlåda – inga riktiga konton används; allt körs mot en lokal simulator');
    await tid(page, 'empty-state').waitFor();
    assert.ok(await banner.isVisible(), 'banner on the customer list');
    assert.equal(await tid(page, 'environment-tag').count(), 0);

    await openSettings(page);
    assert.ok(await banner.isVisible(), 'banner on the settings view');
    assert.equal(await tid(page, 'nav-settings').getAttribute('aria-current'), 'page');
    assert.equal((await tid(page, 'nav-settings').innerText()).trim(), 'Inställningar');
    assert.equal((await ipcCalls(page, 'environment')).length, 1, 'asked once at start');

    await tid(page, 'language-switch').selectOption('en');
    await expectText(banner, 'Sandbox – no real accounts are used');
    await expectText(tid(page, 'nav-settings'), 'Settings');
    assertClean();
  });

  test('production: no banner, a quiet tag in the header', async (t) => {
    const { page, assertClean } = await open(t, { environment: 'production' });
    await expectText(tid(page, 'environment-tag'), 'Produktion');
    assert.equal(await tid(page, 'sandbox-banner').count(), 0);
    await openSettings(page);
    assert.equal(await tid(page, 'sandbox-banner').count(), 0);
    assertClean();
  });
});

describe('credentials', () => {
  test('save → Sparad with an empty input; test → Verifierad with the account; delete → Saknas', async (t) => {
    const { page, assertClean } = await open(t, { testHeld: true });
    await openSettings(page);
    for (const p of ['github', 'supabase', 'vercel', 'n8n', 'resend']) await waitState(page, p, 'missing', 'Saknas');
    const input = tid(page, 'credential-input-github');
    assert.equal(await input.getAttribute('type'), 'password');
    assert.equal(await input.getAttribute('autocomplete'), 'off');
    assert.equal(await tid(page, 'credential-test-github').isDisabled(), true, 'nothing to test while missing');
    assert.equal(await tid(page, 'credential-delete-github').isDisabled(), true);
    assert.equal(await tid(page, 'credential-save-github').isDisabled(), true, 'nothing to save yet');

    await saveToken(page, 'github', '  ghp_good-token-1\n');
    await waitState(page, 'github', 'saved', 'Sparad');
    assert.equal(await input.inputValue(), '', 'the input is cleared after saving');
    await expectText(tid(page, 'toast'), 'Token för GitHub har sparats');
    const saves = await ipcCalls(page, 'save_credential');
    assert.equal(saves.length, 1);
    assert.equal(saves[0].args.provider, 'github');
    assert.equal(saves[0].ok, true);

    // The test button keeps its size while the spinner runs.
    const testBtn = tid(page, 'credential-test-github');
    const before = await testBtn.boundingBox();
    await testBtn.click();
    await tid(page, 'credential-spinner-github').waitFor();
    assert.equal(await testBtn.getAttribute('aria-busy'), 'true');
    const during = await testBtn.boundingBox();
    assert.deepEqual([during.width, during.height], [before.width, before.height], 'no layout jump while testing');
    await page.evaluate(() => window.__mockCredentials.release());
    await waitState(page, 'github', 'verified', 'Verifierad');
    await tid(page, 'credential-spinner-github').waitFor({ state: 'detached' });
    const msg = await tid(page, 'credential-message-github').innerText();
    assert.match(msg, /Verifierad som fabrik-agent/);
    assert.match(msg, /Konto: fabrik-agent/);
    assert.deepEqual((await ipcCalls(page, 'test_credential')).map((c) => c.args), [{ provider: 'github' }]);

    // Delete asks first; Escape keeps the token.
    await tid(page, 'credential-delete-github').click();
    await page.getByRole('dialog').waitFor();
    await expectText(page.getByRole('dialog'), 'GitHub');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.equal((await ipcCalls(page, 'delete_credential')).length, 0);
    await tid(page, 'credential-delete-github').click();
    await tid(page, 'confirm-delete-credential').click();
    await waitState(page, 'github', 'missing', 'Saknas');
    assert.deepEqual((await ipcCalls(page, 'delete_credential')).map((c) => c.args), [{ provider: 'github' }]);
    assert.equal(await tid(page, 'credential-test-github').isDisabled(), true);

    // Keyboard: Enter in the input saves.
    await tid(page, 'credential-input-vercel').focus();
    await page.keyboard.type('vercel-token-1');
    await page.keyboard.press('Enter');
    await waitState(page, 'vercel', 'saved', 'Sparad');
    assert.equal(await tid(page, 'credential-input-vercel').inputValue(), '');

    // Resend: a test email on request, to the sender address.
    assert.equal(await tid(page, 'credential-test-email').isDisabled(), true, 'no key, no test email');
    await saveToken(page, 'resend', 're_key_1');
    await waitState(page, 'resend', 'saved', 'Sparad');
    await tid(page, 'credential-test-email').click();
    await waitState(page, 'resend', 'verified', 'Verifierad');
    assert.match(await tid(page, 'credential-message-resend').innerText(), /Testmejlet skickades till/);
    assert.equal((await ipcCalls(page, 'send_test_email')).length, 1);
    assertClean();
  });

  test('a rejected token, a token without repo, a token from the environment', async (t) => {
    const { page, assertClean } = await open(t, { fromEnv: ['n8n'], tokens: { rejected: ['ghp_revoked'] } });
    await openSettings(page);

    await saveToken(page, 'github', 'ghp_revoked');
    await waitState(page, 'github', 'saved', 'Sparad');
    await tid(page, 'credential-test-github').click();
    await waitState(page, 'github', 'problem', 'Problem');
    await expectText(tid(page, 'credential-message-github'), 'Token avvisades (401)');

    // A new token replaces the old verdict: Sparad until tested again.
    await saveToken(page, 'github', 'noscope-token');
    await waitState(page, 'github', 'saved', 'Sparad');
    assert.doesNotMatch(await tid(page, 'credential-message-github').innerText(), /avvisades/);
    await tid(page, 'credential-test-github').click();
    await waitState(page, 'github', 'problem', 'Problem');
    const msg = await tid(page, 'credential-message-github').innerText();
    assert.match(msg, /Token saknar behörigheten repo/);
    assert.match(msg, /fabrik-agent/, 'the account is still named');

    // Works, with a caveat.
    await saveToken(page, 'github', 'nodelete-token');
    await tid(page, 'credential-test-github').click();
    await waitState(page, 'github', 'verified', 'Verifierad');
    await expectText(tid(page, 'credential-message-github'), 'Token saknar behörigheten delete_repo');

    await waitState(page, 'n8n', 'saved', 'Sparad');
    await expectText(tid(page, 'credential-message-n8n'), '(från miljövariabel)');
    await tid(page, 'credential-test-n8n').click();
    await waitState(page, 'n8n', 'verified', 'Verifierad');
    await expectText(tid(page, 'credential-message-n8n'), 'Verifierad mot http://');
    await expectText(tid(page, 'credential-message-n8n'), '(från miljövariabel)');
    assertClean();
  });

  test('an invalid token and keyring errors are shown inline, by code', async (t) => {
    const { page, assertClean } = await open(t, {});
    await openSettings(page);

    await saveToken(page, 'supabase', 'sbp_abc def');
    const error = tid(page, 'credential-error-supabase');
    await expectText(error, 'Token innehåller mellanslag eller radbrytningar; klistra in den igen');
    assert.equal(await error.getAttribute('data-code'), 'invalid_token');
    assert.equal(await tid(page, 'credential-input-supabase').inputValue(), '', 'a refused token is not kept either');
    await waitState(page, 'supabase', 'missing', 'Saknas');
    assert.equal(await tid(page, 'toast').count(), 0, 'no toast for an inline error');

    await saveToken(page, 'supabase', '   ');
    await expectText(error, 'Token är tom');

    // The keyring refuses: the server's message names cause and fix, shown in full.
    const server =
      'Ingen nyckelringstjänst (Secret Service) körs. Installera och starta gnome-keyring (eller KeePassXC med Secret Service påslaget) och försök igen.';
    await page.evaluate((message) => {
      window.__mockFail.save_credential = { code: 'keyring_no_secret_service', message, fields: [] };
    }, server);
    await saveToken(page, 'supabase', 'sbp_valid');
    await expectText(error, server);
    assert.equal(await error.getAttribute('data-code'), 'keyring_no_secret_service');
    assert.equal(await tid(page, 'credential-input-supabase').inputValue(), '');

    // The error clears on the next successful action.
    await saveToken(page, 'supabase', 'sbp_valid');
    await waitState(page, 'supabase', 'saved', 'Sparad');
    await error.waitFor({ state: 'detached' });

    // English: a translation chosen by code.
    await tid(page, 'language-switch').selectOption('en');
    await page.evaluate(() => {
      window.__mockFail.delete_credential = { code: 'keyring_locked', message: 'Nyckelringen är låst. Lås upp den (till exempel genom att logga ut och in igen) och försök igen.', fields: [] };
    });
    await tid(page, 'credential-delete-supabase').click();
    await tid(page, 'confirm-delete-credential').click();
    await expectText(error, 'The keyring is locked. Unlock it');
    await waitState(page, 'supabase', 'saved', 'Saved');
    assertClean();
  });

  test('no keyring at all: the list explains it with the server message', async (t) => {
    const { page, assertClean } = await open(t, { keyring: 'keyring_no_session_bus' });
    await tid(page, 'nav-settings').click();
    const panel = tid(page, 'credentials-error');
    await expectText(panel, 'Nyckelringen kan inte nås: ingen D-Bus-session körs. Starta Fabrik från en skrivbordssession (eller i en terminal med `dbus-run-session`).');
    assert.equal(await panel.getAttribute('data-code'), 'keyring_no_session_bus');
    // The non-secret settings still work.
    await tid(page, 'setting-vercel.framework').waitFor();
    assertClean();
  });

  test('SENTINEL: a saved token appears nowhere afterwards', async (t) => {
    const SENTINEL = 'SENTINEL-ui-token-123';
    const { page, consoleMessages, assertClean } = await open(t, {});
    await openSettings(page);

    // A refused variant first (whitespace inside), then the real one.
    await saveToken(page, 'github', `${SENTINEL} x`);
    await tid(page, 'credential-error-github').waitFor();
    await saveToken(page, 'github', SENTINEL);
    await waitState(page, 'github', 'saved', 'Sparad');
    await tid(page, 'credential-test-github').click();
    await waitState(page, 'github', 'verified', 'Verifierad');
    await saveToken(page, 'resend', SENTINEL);
    await waitState(page, 'resend', 'saved', 'Sparad');
    // Away and back: the view is built again from credentials_status.
    await tid(page, 'nav-customers').click();
    await tid(page, 'empty-state').waitFor();
    await openSettings(page);
    await waitState(page, 'github', 'verified', 'Verifierad');

    const seen = await page.evaluate((s) => {
      const html = document.documentElement.outerHTML;
      const inputs = [...document.querySelectorAll('input, textarea, select')].map((el) => el.value);
      const storage = (st) => Array.from({ length: st.length }, (_, i) => `${st.key(i)}=${st.getItem(st.key(i))}`).join('\n');
      return {
        html: html.includes(s),
        inputs: inputs.filter((v) => v.includes(s)).length,
        inputCount: inputs.length,
        title: document.title.includes(s),
        local: storage(localStorage).includes(s),
        session: storage(sessionStorage).includes(s),
      };
    }, SENTINEL);
    assert.ok(seen.inputCount > 5, 'the inputs were read');
    assert.deepEqual(seen, { html: false, inputs: 0, inputCount: seen.inputCount, title: false, local: false, session: false });
    assert.deepEqual(
      consoleMessages.filter((m) => m.includes(SENTINEL)),
      [],
      'not in any console message',
    );

    const calls = await ipcCalls(page);
    const carrying = calls.filter((c) => JSON.stringify(c).includes(SENTINEL));
    assert.equal(carrying.length, 3, 'the three saves');
    for (const c of carrying) {
      assert.equal(c.cmd, 'save_credential');
      assert.ok(JSON.stringify(c.args).includes(SENTINEL));
      assert.ok(!JSON.stringify(c.result ?? null).includes(SENTINEL), 'no response carries the token');
      assert.ok(!JSON.stringify(c.error ?? null).includes(SENTINEL), 'no error carries the token');
    }
    assert.ok(!JSON.stringify(await mockState(page)).includes(SENTINEL), 'the fake keeps only a verdict');
    assertClean();
  });
});

describe('settings', () => {
  test('Om Fabrik names the version, the register\'s schema and its file', async (t) => {
    const { page, assertClean } = await open(t, {});
    await openSettings(page);
    const about = tid(page, 'about');
    await expectText(about, 'Om Fabrik');
    assert.equal((await tid(page, 'app-version').innerText()).trim(), '0.1.0-mock');
    await expectText(about, '/tmp/fabrik-mock.sqlite');
    assert.equal((await ipcCalls(page, 'app_info')).length, 1);
    assertClean();
  });

  test('an invalid github.template shows the server message under the field and nothing else is saved', async (t) => {
    const { page, assertClean } = await open(t, { environment: 'production', settings: { 'github.owner': 'byran' } });
    await openSettings(page);
    const template = tid(page, 'setting-github.template');
    assert.equal(await template.isEditable(), true);
    assert.equal(await tid(page, 'setting-github.owner').inputValue(), 'byran');
    await expectText(page.locator('[data-setting="github.template"]'), 'Mallrepo på GitHub, ägare/namn');

    await template.fill('utan-snedstreck');
    await tid(page, 'setting-github.owner').fill('byran-ab');
    await tid(page, 'save-settings').click();
    const error = tid(page, 'setting-error-github.template');
    await expectText(error, 'Ogiltig inställning github.template: skriv som ägare/repo');
    assert.equal(await error.getAttribute('data-code'), 'invalid_setting');
    const sets = await ipcCalls(page, 'set_setting');
    assert.deepEqual(
      sets.map((c) => [c.args.key, c.ok]),
      [['github.template', false]],
      'stops at the refusal',
    );
    assert.deepEqual((await mockState(page)).settings, { 'github.owner': 'byran' }, 'nothing saved');
    assert.equal(await tid(page, 'setting-github.owner').inputValue(), 'byran-ab', 'the edit is kept');
    assert.equal(await template.evaluate((el) => el === document.activeElement), true, 'focus on the field');

    await template.fill('byran/saas-mall');
    await error.waitFor({ state: 'detached' });
    await tid(page, 'save-settings').click();
    await expectText(tid(page, 'toast'), 'Inställningarna har sparats');
    assert.deepEqual((await mockState(page)).settings, { 'github.owner': 'byran-ab', 'github.template': 'byran/saas-mall' });
    assert.deepEqual(
      (await ipcCalls(page, 'set_setting')).slice(1).map((c) => c.args),
      [
        { key: 'github.template', value: 'byran/saas-mall' },
        { key: 'github.owner', value: 'byran-ab' },
      ],
    );

    // Base URLs are collapsed under Avancerat; a refusal there opens it.
    const advanced = tid(page, 'settings-advanced');
    assert.equal(await advanced.evaluate((d) => d.open), false);
    assert.equal(await tid(page, 'setting-github.api_url').isVisible(), false);
    await advanced.locator('summary').click();
    await tid(page, 'setting-github.api_url').fill('ftp://github.example');
    await advanced.locator('summary').click();
    assert.equal(await tid(page, 'setting-github.api_url').isVisible(), false);
    await tid(page, 'save-settings').click();
    await expectText(tid(page, 'setting-error-github.api_url'), 'måste vara en http(s)-adress');
    assert.equal(await tid(page, 'setting-github.api_url').isVisible(), true);
    assert.equal((await mockState(page)).settings['github.api_url'], undefined);
    assertClean();
  });

  test('sandbox: the simulated world fixes some settings, shown read-only', async (t) => {
    const { page, assertClean } = await open(t, {});
    await openSettings(page);
    const template = tid(page, 'setting-github.template');
    assert.equal(await template.inputValue(), 'fabrik-agency/saas-template');
    assert.equal(await template.getAttribute('readonly'), '');
    assert.equal(await template.isEditable(), false);
    await expectText(tid(page, 'setting-fixed-github.template'), 'Bestäms av sandlådan');
    for (const k of ['github.owner', 'supabase.organization', 'vercel.team_id', 'email.sender_address']) {
      assert.equal(await tid(page, `setting-${k}`).isEditable(), false, `${k} is read-only`);
    }
    assert.equal(await tid(page, 'setting-fixed-vercel.framework').count(), 0);
    // Read-only but still reachable by keyboard (to read or copy).
    await template.focus();
    assert.equal(await template.evaluate((el) => el === document.activeElement), true);

    await tid(page, 'setting-vercel.framework').fill('nextjs');
    await tid(page, 'setting-email.sender_name').fill('Byrån');
    await tid(page, 'save-settings').click();
    await expectText(tid(page, 'toast'), 'Inställningarna har sparats');
    assert.deepEqual(
      (await ipcCalls(page, 'set_setting')).map((c) => c.args.key),
      ['vercel.framework', 'email.sender_name'],
      'only changed, editable keys are sent',
    );

    // Nothing changed: nothing is sent.
    await tid(page, 'save-settings').click();
    await expectText(tid(page, 'toast'), 'Inga ändringar att spara');
    assert.equal((await ipcCalls(page, 'set_setting')).length, 2);
    assertClean();
  });
});

describe('shared register', () => {
  test('move this register into a shared PostgreSQL one: the address and password go to the core, the password is not shown', async (t) => {
    const { page, assertClean } = await open(t, {});
    await openSettings(page);
    const card = tid(page, 'shared-register');
    await expectText(tid(page, 'shared-status'), 'den här datorns fil');
    await tid(page, 'shared-move').click();
    await page.getByText('Ange databasens adress (postgres://…)').waitFor();
    assert.equal((await ipcCalls(page, 'use_shared_register')).length, 0, 'nothing asked without an address');
    await tid(page, 'shared-url').fill('postgres://fabrik_app@db.example.se:5432/postgres');
    await tid(page, 'shared-password').fill('SENTINEL-db-password');
    await tid(page, 'shared-move').click();
    await expectText(page.getByRole('status'), 'kunder flyttades på 412 ms; appen startar om');
    const calls = await ipcCalls(page, 'use_shared_register');
    assert.deepEqual(calls.map((c) => ({ url: c.args.url, move_file: c.args.move_file })), [{ url: 'postgres://fabrik_app@db.example.se:5432/postgres', move_file: true }]);
    assert.equal(calls[0].args.password, 'SENTINEL-db-password', 'the password goes to the core, once');
    assert.ok(!(await card.innerText()).includes('SENTINEL'), 'the password is in no text of the card');
    assertClean();
  });
});

describe('joining by invitation', () => {
  test('a new person pastes the invitation an owner made: joined, and a spent or foreign one is said so', async (t) => {
    const { page, assertClean } = await open(t, {});
    await openSettings(page);
    const join = tid(page, 'shared-join');
    await join.waitFor();
    await tid(page, 'shared-join-submit').click();
    await expectText(page.getByTestId('toast'), 'Klistra in inbjudan (den börjar med fabrik-inbjudan:)');
    assert.equal((await ipcCalls(page, 'join_shared_register')).length, 0, 'nothing asked without an invitation');
    await tid(page, 'shared-invitation').fill('postgres://dora@db.example.se/postgres');
    await tid(page, 'shared-join-submit').click();
    await expectText(page.getByTestId('toast'), 'Det här är ingen inbjudan till ett delat register');
    // As a mail client may break it over lines.
    await tid(page, 'shared-invitation').fill('fabrik-inbjudan:SENTINEL-one-\ntime-dora');
    await tid(page, 'shared-join-submit').click();
    await expectText(page.getByTestId('toast'), 'Du är med som dora; appen startar om');
    assert.deepEqual((await ipcCalls(page, 'join_shared_register')).map((c) => c.args.invitation), ['postgres://dora@db.example.se/postgres', 'fabrik-inbjudan:SENTINEL-one-\ntime-dora']);
    assertClean();
  });

  test('an invitation used once is refused the second time, in English too', async (t) => {
    const { page, assertClean } = await open(t, { spentInvitations: ['dora'] });
    await tid(page, 'language-switch').selectOption('en');
    await openSettings(page);
    await tid(page, 'shared-invitation').fill('fabrik-inbjudan:SENTINEL-one-time-dora');
    await tid(page, 'shared-join-submit').click();
    await expectText(page.getByTestId('toast'), 'no longer holds: it has been used already or the person was removed');
    assert.equal(await tid(page, 'shared-join-submit').isEnabled(), true, 'free to paste another');
    assertClean();
  });
});

describe('people', () => {
  const people = [
    { name: 'cecilia', role: 'owner', you: true },
    { name: 'bo', role: 'operator', you: false },
  ];

  test('an owner adds a person, sees the one-time invitation once, and removes a person', async (t) => {
    const { page, assertClean } = await open(t, { shared: 'cecilia@db.example.se:5432/postgres', people });
    await openSettings(page);
    const card = tid(page, 'people');
    await expectText(card, 'Ägare');
    assert.equal(await page.getByTestId('person').count(), 2);
    await tid(page, 'person-name').fill('dora');
    await tid(page, 'person-role').selectOption('viewer');
    await tid(page, 'person-add').click();
    await expectText(tid(page, 'person-invitation'), 'Inbjudan för dora visas bara nu');
    assert.equal(await tid(page, 'person-invitation-text').inputValue(), 'fabrik-inbjudan:SENTINEL-one-time-dora');
    assert.equal(await page.getByText('fabrik register password').count(), 0, 'no command to type');
    assert.deepEqual((await ipcCalls(page, 'add_person')).map((c) => c.args), [{ name: 'dora', role: 'viewer' }]);
    await page.locator('[data-testid="person"][data-name="dora"]').waitFor();
    await page.locator('[data-testid="person"][data-name="bo"] [data-testid="person-remove"]').click();
    await expectText(page.getByTestId('toast'), 'bo kan inte längre logga in');
    assert.equal(await page.locator('[data-testid="person"][data-name="bo"]').count(), 0);
    assertClean();
  });

  test('the database refuses a person who is not an owner: the window says which right and who grants it', async (t) => {
    const peopleRefused = { person: 'cecilia', right: 'lägga till och ta bort personer', right_en: 'add and remove people' };
    const { page, assertClean } = await open(t, { shared: 'cecilia@db.example.se:5432/postgres', people, peopleRefused });
    await openSettings(page);
    await tid(page, 'person-name').fill('eve');
    await tid(page, 'person-add').click();
    await expectText(page.getByTestId('toast'), 'Inloggningen cecilia saknar rätten att lägga till och ta bort personer; en ägare (owner) av det delade registret kan ge den');
    assert.equal(await tid(page, 'person-invitation').count(), 0);
    assertClean();
  });

  test('a register file has no people card', async (t) => {
    const { page, assertClean } = await open(t, {});
    await openSettings(page);
    await tid(page, 'shared-register').waitFor();
    assert.equal(await tid(page, 'people').count(), 0);
    assertClean();
  });
});
