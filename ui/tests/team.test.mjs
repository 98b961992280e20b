// The customer's team in the window (issue #44): the customer page's "Team" (who is in the
// instance with role, status and whether Fabrik invited them; how the instance sends its email;
// one person invited with problems at the field; a CSV list checked all at once, every bad row
// named, then invited with each person's result as the `team-progress` events come and a
// summary; "Skicka igen"; "Ta bort behörighet" with the address typed for an owner or admin;
// "Skicka e-post som byrån" first when the instance still sends with Supabase's mailer),
// against the fake backend's team (lib/mock-team.js). Run `npm run build` first.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcCalls, openApp, requireDist, runStarts, sharedBrowser } from './lib/harness.mjs';

requireDist();

const SLUG = 'asas-bageri-cafe-ab';
const ADMIN = 'asa@asasbageri.se';
const shared = sharedBrowser();

/** A team beside the first administrator: Fabrik's invited admin, an active member, a person
 * the customer added themselves, a refused invitation and a revoked person. */
const TEAM = {
  [SLUG]: {
    members: [
      { email: 'karin@asasbageri.se', full_name: 'Karin Ek', role: 'admin', status: 'invited' },
      { email: 'olle@asasbageri.se', full_name: 'Olle Berg', role: 'member', status: 'active' },
      { email: 'egen@asasbageri.se', full_name: 'Egen Person', role: 'viewer', status: 'active', by_fabrik: false },
      { email: 'fel@asasbageri.se', role: 'member', status: 'failed', problem: 'Supabase avvisade anropet (422: Unable to process request)' },
      { email: 'borta@asasbageri.se', full_name: 'Borta', role: 'viewer', status: 'revoked', accepted: true },
    ],
  },
};

async function open(t, config = {}) {
  const app = await openApp(shared.browser, shared.server.url, { examples: true, ...config });
  t.after(() => app.close());
  app.assertClean = () => assert.deepEqual(app.problems, [], 'the page logged errors');
  return app;
}

const tid = (page, id) => page.getByTestId(id, { exact: true });
const member = (page, email) => page.locator(`[data-testid="team-member"][data-email="${email}"]`);
const toast = (page, text) => page.getByTestId('toast').filter({ hasText: text }).first();

async function openTeam(page, slug = SLUG) {
  await page.locator(`[data-testid="customer-row"][data-slug="${slug}"]`).click();
  await tid(page, 'team-panel').waitFor();
  await member(page, ADMIN).waitFor();
}

/** The members shown: [email, status, origin, role] each. */
function shown(page) {
  return page.$$eval('[data-testid="team-member"]', (rs) => rs.map((r) => [r.dataset.email, r.dataset.status, r.dataset.origin, r.dataset.role]));
}

const statusIs = (page, email, status) =>
  page.waitForFunction(([e, s]) => document.querySelector(`[data-testid="team-member"][data-email="${e}"]`)?.dataset.status === s, [email, status]);

async function chooseFile(page, name, text) {
  await tid(page, 'team-list-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  await page.waitForFunction((want) => document.querySelector('[data-testid="team-list-text"]')?.value === want, text);
}

async function previewList(page, text) {
  await tid(page, 'team-list-text').fill(text);
  await tid(page, 'team-list-preview').click();
  await tid(page, 'team-preview').waitFor();
}

const CORRECTED = 'namn;e-post;roll\nAnna Berg;anna@asasbageri.se;medlem\nBo Ek;bo@asasbageri.se;admin\nCilla;cilla@asasbageri.se;läsare\n';

describe('Team', () => {
  test('the list shows the first admin and the invited people with status, role and origin; only Fabrik’s people get actions', async (t) => {
    const { page, assertClean } = await open(t, { team: TEAM });
    await openTeam(page);
    assert.deepEqual(await shown(page), [
      [ADMIN, 'active', 'first_admin', 'owner'],
      ['karin@asasbageri.se', 'invited', 'fabrik', 'admin'],
      ['olle@asasbageri.se', 'active', 'fabrik', 'member'],
      ['egen@asasbageri.se', 'active', 'not_ours', 'viewer'],
      ['fel@asasbageri.se', 'failed', 'fabrik', 'member'],
      ['borta@asasbageri.se', 'revoked', 'fabrik', 'viewer'],
    ]);
    assert.match(await tid(page, 'team-mail').innerText(), /^Skickar som valkommen@sandbox\.fabrik\.test, högst 30 i timmen/);

    const admin = member(page, ADMIN);
    assert.equal(await admin.getByTestId('team-status').innerText(), 'Aktiv');
    assert.equal(await admin.getByTestId('team-origin').innerText(), 'första admin');
    assert.equal(await admin.getByTestId('team-role').innerText(), 'Ägare');
    assert.match(await admin.innerText(), /Åsa Lindqvist/);
    assert.equal(await admin.getByTestId('team-resend').count(), 0, 'the first admin is not sent an invitation');
    assert.equal(await admin.getByTestId('team-revoke').count(), 1);

    const karin = member(page, 'karin@asasbageri.se');
    assert.equal(await karin.getByTestId('team-status').innerText(), 'Inbjuden');
    assert.equal(await karin.getByTestId('team-origin').innerText(), 'Fabrik');
    assert.equal(await karin.getByTestId('team-role').innerText(), 'Admin');
    assert.equal(await karin.getByTestId('team-resend').innerText(), 'Skicka igen');
    assert.equal(await karin.getByTestId('team-revoke').innerText(), 'Ta bort behörighet');
    assert.match(await karin.innerText(), /\d{4} \d{1,2}:\d{2}/, 'when the invitation went');

    const olle = member(page, 'olle@asasbageri.se');
    assert.equal(await olle.getByTestId('team-role').innerText(), 'Medlem');
    assert.equal(await olle.getByTestId('team-resend').count(), 0, 'an accepted person is not invited again');
    assert.equal(await olle.getByTestId('team-revoke').count(), 1);

    const own = member(page, 'egen@asasbageri.se');
    assert.equal(await own.getByTestId('team-origin').innerText(), 'inte Fabriks');
    assert.equal(await own.getByRole('button').count(), 0, 'nobody Fabrik did not invite is changed from here');
    assert.match(await own.getByTestId('team-origin').getAttribute('title'), /Lades inte till av Fabrik/);
    assert.match(await tid(page, 'team-not-ours-note').innerText(), /ändras inte härifrån/);

    const failed = member(page, 'fel@asasbageri.se');
    assert.equal(await failed.getByTestId('team-status').innerText(), 'Misslyckades');
    assert.match(await failed.getByTestId('team-problem').innerText(), /Supabase avvisade anropet/);
    assert.equal(await failed.getByTestId('team-revoke').count(), 0, 'nothing was made: no access to take away');
    assert.equal(await failed.getByTestId('team-reinvite').count(), 1);

    const gone = member(page, 'borta@asasbageri.se');
    assert.equal(await gone.getByTestId('team-status').innerText(), 'Behörighet borttagen');
    assert.equal(await gone.getByTestId('team-revoke').count(), 0);
    assert.equal(await gone.getByTestId('team-reinvite').innerText(), 'Bjud in igen');

    // "Skicka igen": sent, then refused while the last one is less than a minute old.
    await karin.getByTestId('team-resend').click();
    await toast(page, 'Inbjudan till karin@asasbageri.se skickades igen').waitFor();
    assert.deepEqual((await ipcCalls(page, 'team_resend')).map((c) => c.args), [{ slug: SLUG, email: 'karin@asasbageri.se' }]);
    await page.waitForFunction(() => !document.querySelector('[data-testid="team-member"][data-email="karin@asasbageri.se"] [data-testid="team-resend"]')?.disabled);
    await karin.getByTestId('team-resend').click();
    const refused = tid(page, 'team-action-error');
    await refused.waitFor();
    assert.match(await refused.innerText(), /Inget ändrades: Inbjudan till karin@asasbageri\.se gick för mindre än en minut sedan; skicka igen om \d+ s/);
    assertClean();
  });

  test('one person: problems at the field, then invited; a revoked person is invited again from the form', async (t) => {
    const { page, assertClean } = await open(t, { team: TEAM });
    await openTeam(page);
    const submit = tid(page, 'team-invite-submit');
    assert.equal(await submit.isDisabled(), true, 'nothing to invite yet');

    await tid(page, 'team-invite-email').fill('olle@asasbageri.se');
    await submit.click();
    const emailError = tid(page, 'field-error-team-email');
    await emailError.waitFor();
    assert.equal(await emailError.getAttribute('data-code'), 'team_already_in_team');
    assert.match(await emailError.innerText(), /olle@asasbageri\.se är redan med i teamet/);

    await tid(page, 'team-invite-email').fill('utan-snabel-a');
    await submit.click();
    await page.waitForFunction(() => /saknar @/.test(document.querySelector('[data-testid="field-error-team-email"]')?.textContent ?? ''));

    await tid(page, 'team-invite-email').fill('Ny@AsasBageri.se');
    await tid(page, 'team-invite-name').fill('Ny Person');
    await tid(page, 'team-invite-role').selectOption('viewer');
    assert.deepEqual(await tid(page, 'team-invite-role').locator('option').allInnerTexts(), ['Admin', 'Medlem', 'Läsare']);
    await submit.click();
    await toast(page, 'ny@asasbageri.se är inbjuden').waitFor();
    await member(page, 'ny@asasbageri.se').waitFor();
    assert.deepEqual((await shown(page)).at(-1), ['ny@asasbageri.se', 'invited', 'fabrik', 'viewer']);
    assert.equal(await tid(page, 'field-error-team-email').count(), 0);
    assert.equal(await tid(page, 'team-invite-email').inputValue(), '', 'the form is empty again');
    assert.deepEqual((await ipcCalls(page, 'team_invite')).at(-1).args, { slug: SLUG, people: [{ email: 'Ny@AsasBageri.se', full_name: 'Ny Person', role: 'viewer' }] });

    // A revoked person: "Bjud in igen" fills the form; they had accepted, so their access comes back.
    await member(page, 'borta@asasbageri.se').getByTestId('team-reinvite').click();
    assert.equal(await tid(page, 'team-invite-email').inputValue(), 'borta@asasbageri.se');
    assert.equal(await tid(page, 'team-invite-role').inputValue(), 'viewer');
    await submit.click();
    await toast(page, 'borta@asasbageri.se har fått tillbaka sin behörighet').waitFor();
    await statusIs(page, 'borta@asasbageri.se', 'active');
    assertClean();
  });

  test('a CSV with bad rows names every one and offers no invitation; the corrected list invites everyone with progress, then a summary', async (t) => {
    const { page, assertClean } = await open(t, { team: TEAM, teamHoldAfter: 1 });
    await openTeam(page);
    const csv = 'namn;e-post;roll\nAnna Berg;anna@asasbageri.se;medlem\nBo;inte-en-adress;chef\nCilla;ANNA@asasbageri.se;läsare\nDan;asa@asasbageri.se;\nEva;eva@asasbageri.se;ägare\n';
    await chooseFile(page, 'team.csv', csv);
    assert.match(await tid(page, 'team-list-file-name').innerText(), /team\.csv/);
    await tid(page, 'team-list-preview').click();
    await tid(page, 'team-preview').waitFor();
    assert.deepEqual((await ipcCalls(page, 'team_preview')).map((c) => c.args), [{ slug: SLUG, csv }]);

    const bad = page.locator('[data-testid="team-bad-row"]');
    assert.deepEqual(await bad.evaluateAll((rs) => rs.map((r) => r.dataset.line)), ['3', '4', '5', '6']);
    assert.match(await tid(page, 'team-bad').innerText(), /4 rader kan inte bjudas in/);
    assert.match(await tid(page, 'team-bad').innerText(), /helt eller inte alls/);
    const problems = async (i) => bad.nth(i).getByTestId('team-bad-problem').allInnerTexts();
    assert.match(await bad.nth(0).innerText(), /Rad 3: inte-en-adress/);
    assert.deepEqual(await problems(0), ['E-postadressen saknar @', 'Rollen «chef» finns inte; skriv admin, medlem eller läsare (member, viewer)']);
    assert.deepEqual(await problems(1), ['Samma adress som på rad 2']);
    assert.match((await problems(2))[0], /^asa@asasbageri\.se är redan med i teamet/);
    assert.deepEqual(await problems(3), ['Ägare är den första administratören; bjud in som admin, medlem eller läsare']);
    assert.match(await tid(page, 'team-preview-count').innerText(), /1 person att bjuda in/);
    assert.equal(await tid(page, 'team-list-invite').count(), 0, 'all or nothing: no invitation while a row is bad');

    // Corrected: everyone can be invited.
    await previewList(page, CORRECTED);
    assert.equal(await page.locator('[data-testid="team-bad-row"]').count(), 0);
    assert.deepEqual(
      await page.$$eval('[data-testid="team-preview-person"]', (rs) => rs.map((r) => [r.dataset.email, r.dataset.role])),
      [['anna@asasbageri.se', 'member'], ['bo@asasbageri.se', 'admin'], ['cilla@asasbageri.se', 'viewer']],
    );
    const invite = tid(page, 'team-list-invite');
    assert.equal(await invite.innerText(), 'Bjud in 3 personer');
    await invite.click();

    // Held after the first person: the progress says so, with that person's result.
    const progress = tid(page, 'team-progress');
    await page.waitForFunction(() => document.querySelector('[data-testid="team-progress"]')?.dataset.done === '1');
    assert.match(await progress.innerText(), /Bjuder in 1 av 3/);
    assert.deepEqual(
      await page.$$eval('[data-testid="team-progress-result"]', (rs) => rs.map((r) => [r.dataset.email, r.dataset.outcome])),
      [['anna@asasbageri.se', 'invited']],
    );
    assert.match(await page.getByTestId('team-progress-result').first().innerText(), /anna@asasbageri\.se\s+inbjuden/);
    assert.equal(await tid(page, 'team-summary').count(), 0);
    await page.waitForFunction(() => typeof window.__mockTeamRelease === 'function');
    await page.evaluate(() => window.__mockTeamRelease());

    const summary = tid(page, 'team-summary');
    await summary.waitFor();
    await progress.waitFor({ state: 'detached' });
    assert.match(await summary.innerText(), /3 personer inbjudna/);
    assert.doesNotMatch(await summary.innerText(), /misslyckades/);
    assert.match(await tid(page, 'team-summary-calls').innerText(), /^\d+ anrop på \d+,\d s$/);
    assert.deepEqual((await ipcCalls(page, 'team_invite')).map((c) => c.args.people.map((p) => p.email)), [['anna@asasbageri.se', 'bo@asasbageri.se', 'cilla@asasbageri.se']]);
    await statusIs(page, 'cilla@asasbageri.se', 'invited');
    for (const email of ['anna@asasbageri.se', 'bo@asasbageri.se', 'cilla@asasbageri.se']) {
      assert.equal(await member(page, email).getAttribute('data-origin'), 'fabrik');
    }
    assert.equal(await tid(page, 'team-list-text').inputValue(), '', 'the list is done with');
    assertClean();
  });

  test('one person the instance refuses is named in the summary; the others are invited', async (t) => {
    const { page, assertClean } = await open(t, { team: TEAM, teamFailing: ['bo@asasbageri.se'] });
    await openTeam(page);
    await previewList(page, CORRECTED);
    await tid(page, 'team-list-invite').click();
    const summary = tid(page, 'team-summary');
    await summary.waitFor();
    assert.equal(await summary.getAttribute('data-invited'), '2');
    assert.equal(await summary.getAttribute('data-failed'), '1');
    assert.match(await summary.innerText(), /2 personer inbjudna · 1 misslyckades/);
    const failures = summary.getByTestId('team-summary-failure');
    assert.equal(await failures.count(), 1);
    assert.equal(await failures.getAttribute('data-email'), 'bo@asasbageri.se');
    assert.equal(await failures.innerText(), 'bo@asasbageri.se bjöds inte in: Supabase avvisade anropet (422: Unable to process request)');
    await statusIs(page, 'bo@asasbageri.se', 'failed');
    assert.match(await member(page, 'bo@asasbageri.se').getByTestId('team-problem').innerText(), /Supabase avvisade anropet/);
    assert.equal(await member(page, 'anna@asasbageri.se').getAttribute('data-status'), 'invited');
    assert.equal(await member(page, 'cilla@asasbageri.se').getAttribute('data-status'), 'invited');
    assertClean();
  });

  test('revoking an admin needs the address typed; a member only a confirmation', async (t) => {
    const { page, assertClean } = await open(t, { team: TEAM });
    await openTeam(page);
    await member(page, 'karin@asasbageri.se').getByTestId('team-revoke').click();
    const dialog = tid(page, 'team-revoke-dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /karin@asasbageri\.se har rollen Admin/);
    assert.match(await dialog.innerText(), /finns kvar/);
    const confirm = tid(page, 'team-revoke-confirm');
    assert.equal(await confirm.isDisabled(), true, 'not before the address is typed');
    await tid(page, 'team-revoke-input').fill('karin@asasbageri');
    assert.equal(await confirm.isDisabled(), true, 'nor with a part of it');
    // Cancelling changes nothing.
    await dialog.getByRole('button', { name: 'Avbryt' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await ipcCalls(page, 'team_revoke')).length, 0);

    await member(page, 'karin@asasbageri.se').getByTestId('team-revoke').click();
    await tid(page, 'team-revoke-input').fill('karin@asasbageri.se');
    assert.equal(await tid(page, 'team-revoke-confirm').isDisabled(), false);
    await tid(page, 'team-revoke-confirm').click();
    await toast(page, 'Behörigheten för karin@asasbageri.se är borttagen').waitFor();
    await statusIs(page, 'karin@asasbageri.se', 'revoked');
    assert.equal(await member(page, 'karin@asasbageri.se').getByTestId('team-revoke').count(), 0);

    // A member: a plain confirmation, no address typed.
    await member(page, 'olle@asasbageri.se').getByTestId('team-revoke').click();
    const plain = tid(page, 'team-revoke-dialog');
    await plain.waitFor();
    assert.equal(await tid(page, 'team-revoke-input').count(), 0);
    assert.match(await plain.innerText(), /olle@asasbageri\.se kan inte längre logga in/);
    await tid(page, 'team-revoke-confirm').click();
    await statusIs(page, 'olle@asasbageri.se', 'revoked');
    assert.deepEqual((await ipcCalls(page, 'team_revoke')).map((c) => c.args), [
      { slug: SLUG, email: 'karin@asasbageri.se', confirmation: 'karin@asasbageri.se' },
      { slug: SLUG, email: 'olle@asasbageri.se', confirmation: null },
    ]);
    assertClean();
  });

  test('an instance still sending with Supabase’s mailer: a notice, invitations disabled, the run makes them possible', async (t) => {
    const { page, assertClean } = await open(t, { team: TEAM, teamNotAgency: [SLUG] });
    await openTeam(page);
    const notice = tid(page, 'team-mail-notice');
    await notice.waitFor();
    assert.match(await notice.innerText(), /Supabases inbyggda tjänst/);
    assert.equal(await tid(page, 'team-mail').count(), 0);
    assert.match(await tid(page, 'team-invite-blocked').innerText(), /Skicka e-post som byrån/);
    await tid(page, 'team-invite-email').fill('ny@asasbageri.se');
    assert.equal(await tid(page, 'team-invite-submit').isDisabled(), true, 'no invitation through the built-in mailer');
    await previewList(page, CORRECTED);
    assert.equal(await tid(page, 'team-list-invite').isDisabled(), true);

    const button = tid(page, 'team-auth-mail');
    assert.equal(await button.innerText(), 'Skicka e-post som byrån');
    await button.click();
    assert.deepEqual((await runStarts(page, 'auth_mail')).map((c) => c.args), [{ slug: SLUG, kind: 'auth_mail' }]);
    await page.locator('.run-card').getByText('Låt instansen skicka e-post som byrån').first().waitFor();
    await toast(page, "Skicka e-post som byrån för Åsa's Bageri & Café AB är klar").waitFor();

    const mail = tid(page, 'team-mail');
    await mail.waitFor();
    assert.match(await mail.innerText(), /^Skickar som valkommen@sandbox\.fabrik\.test, högst 30 i timmen/);
    assert.equal(await notice.count(), 0);
    assert.equal(await tid(page, 'team-invite-blocked').count(), 0);
    assert.equal(await tid(page, 'team-list-invite').isDisabled(), false);
    await tid(page, 'team-invite-submit').click();
    await toast(page, 'ny@asasbageri.se är inbjuden').waitFor();
    await member(page, 'ny@asasbageri.se').waitFor();
    assertClean();
  });

  test('in English: the list, the notice, the bad rows, the summary', async (t) => {
    const { page, assertClean } = await open(t, { team: TEAM, language: 'en', teamFailing: ['bo@asasbageri.se'] });
    await openTeam(page);
    assert.match(await tid(page, 'team-panel').locator('.card-title').innerText(), /^Team$/);
    assert.match(await tid(page, 'team-mail').innerText(), /^Sends as valkommen@sandbox\.fabrik\.test, at most 30 an hour/);
    const admin = member(page, ADMIN);
    assert.equal(await admin.getByTestId('team-origin').innerText(), 'first admin');
    assert.equal(await admin.getByTestId('team-role').innerText(), 'Owner');
    const karin = member(page, 'karin@asasbageri.se');
    assert.equal(await karin.getByTestId('team-status').innerText(), 'Invited');
    assert.equal(await karin.getByTestId('team-resend').innerText(), 'Send again');
    assert.equal(await karin.getByTestId('team-revoke').innerText(), 'Revoke access');
    assert.equal(await member(page, 'egen@asasbageri.se').getByTestId('team-origin').innerText(), "not Fabrik's");
    assert.equal(await member(page, 'borta@asasbageri.se').getByTestId('team-status').innerText(), 'Access revoked');
    assert.deepEqual(await tid(page, 'team-invite-role').locator('option').allInnerTexts(), ['Admin', 'Member', 'Viewer']);

    await previewList(page, 'name,email,role\nBo,bo@asasbageri.se,chef\n');
    assert.match(await tid(page, 'team-bad').innerText(), /1 row cannot be invited/);
    assert.match(await page.getByTestId('team-bad-row').innerText(), /Line 2: bo@asasbageri\.se/);
    assert.deepEqual(await page.getByTestId('team-bad-problem').allInnerTexts(), ['There is no role "chef"; write admin, member or viewer']);

    await previewList(page, CORRECTED);
    assert.equal(await tid(page, 'team-list-invite').innerText(), 'Invite 3 people');
    await tid(page, 'team-list-invite').click();
    const summary = tid(page, 'team-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /2 people invited · 1 failed/);
    assert.equal(await summary.getByTestId('team-summary-failure').innerText(), 'bo@asasbageri.se was not invited: Supabase rejected the request (422: Unable to process request)');
    assert.match(await tid(page, 'team-summary-calls').innerText(), /^\d+ requests in \d+\.\d s$/);

    // Switched to Swedish, the same page speaks Swedish.
    await tid(page, 'language-switch').selectOption('sv');
    await page.getByTestId('team-summary-failure').filter({ hasText: 'bo@asasbageri.se bjöds inte in' }).waitFor();
    assert.equal(await karin.getByTestId('team-resend').innerText(), 'Skicka igen');
    assertClean();
  });

  test('English notice for an instance not sending as the agency', async (t) => {
    const { page, assertClean } = await open(t, { team: TEAM, language: 'en', teamNotAgency: [SLUG] });
    await openTeam(page);
    assert.match(await tid(page, 'team-mail-notice').innerText(), /Supabase's built-in service/);
    assert.equal(await tid(page, 'team-auth-mail').innerText(), 'Send email as the agency');
    assert.match(await tid(page, 'team-invite-blocked').innerText(), /once the instance sends email as the agency/);
    assertClean();
  });
});
