// End-to-end, Fabrik updating itself (issue #40): the older AppImage of this build
// (scripts/update-bundles.sh) runs in the real window on a register holding customers and
// finished runs, with its update feed on a local HTTP server (a static latest.json, as on
// GitHub Releases). First every way an update must not happen: an older version offered, a
// bundle changed after signing, a bundle signed by another key, a download cut short, the
// running version's own signed bundle labelled newer, a feed that does not answer. Each leaves
// the AppImage byte for byte and the window at its version. Then the real one: Om Fabrik → Sök
// efter uppdatering → Installera och starta om; the window downloads, verifies, replaces its
// AppImage and starts again as the newer version, which shows every customer and run the older
// one had. Last, a downgrade (issue #55): the newer version is offered the older release's
// genuine, validly signed bundle labelled newer still, and refuses it by the version the
// bundle was signed as (crates/fabrik-update/src/update/signed.rs), staying the version it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { startDriver, Session } from './webdriver.mjs';
import { feed } from '../../scripts/update-feed.mjs';

const bundles = process.env.FABRIK_UPDATE_BUNDLES;
const work = join(process.env.FABRIK_TEST_WORK ?? '/tmp', `e2e-update-${process.pid}`);
const installed = join(work, 'Applications', 'Fabrik.AppImage');
const tmp = join(work, 'tmp');
const db = join(work, 'fabrik.sqlite3');
// The command line: the window's own binary with a subcommand (the package's, or the build's).
const cli = process.env.FABRIK_APP ?? join('target', 'debug', 'fabrik');
const env = {
  FABRIK_DB: db,
  XDG_DATA_HOME: join(work, 'xdg-data'),
  FABRIK_SANDBOX_TIME_SCALE: '0.01',
  FABRIK_SANDBOX_POSTGRES: '0',
  // No FUSE here: the AppImage runtime unpacks itself into TMPDIR and runs from there.
  APPIMAGE_EXTRACT_AND_RUN: '1',
  TMPDIR: tmp,
};

let info;
let server;
let feedUrl;
/** What the feed and the download answer now. */
let serve = { mode: 'down' };
let driver;

const sha = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const fabrik = (...args) => JSON.parse(execFileSync(cli, [...args, '--json', '--sandbox'], { env: { ...process.env, ...env }, encoding: 'utf8' }));

/** The AppImage runtimes started as the installed file (each waits for what it unpacked). */
function runtimes() {
  const found = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0')[0] === installed) found.push({ pid: Number(d) });
    } catch {}
  }
  return found;
}

/** The processes running from an unpacked AppImage, by the folder each runs from. */
function unpacked() {
  const found = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const exe = readlinkSync(`/proc/${d}/exe`);
      if (exe.startsWith(tmp + '/')) found.push({ pid: Number(d), dir: exe.slice(tmp.length + 1).split('/')[0] });
    } catch {}
  }
  return found;
}

/** The window of either version: the unpacked programs and the AppImage runtimes above them. */
function stopApp() {
  for (const { pid } of [...unpacked(), ...runtimes()]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

async function until(fn, what, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await sleep(200);
  }
  assert.fail(`timed out: ${what}`);
}

before(async () => {
  assert.ok(bundles && existsSync(join(bundles, 'bundles.json')), 'FABRIK_UPDATE_BUNDLES: scripts/update-bundles.sh makes them (scripts/test.sh runs it)');
  info = JSON.parse(readFileSync(join(bundles, 'bundles.json'), 'utf8'));
  mkdirSync(dirname(installed), { recursive: true });
  mkdirSync(tmp, { recursive: true });
  copyFileSync(join(bundles, info.older.file), installed);
  execFileSync('chmod', ['755', installed]);

  const newer = readFileSync(join(bundles, info.newer.file));
  const bodies = {
    good: newer,
    // The older release as it was signed: a genuine bundle of a version that is not newer.
    older: readFileSync(join(bundles, info.older.file)),
    // One byte changed after signing, in the middle of the file system.
    tampered: Buffer.from(newer).fill(newer[newer.length >> 1] ^ 0xff, newer.length >> 1, (newer.length >> 1) + 1),
  };
  server = createServer((req, res) => {
    const s = serve;
    if (s.mode === 'down') return req.socket.destroy();
    if (req.url === '/latest.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      // The release workflow's latest.json, made by the same script.
      const url = feedUrl.replace('latest.json', 'Fabrik.AppImage');
      return res.end(JSON.stringify(feed({ version: s.version, notes: `Fabrik ${s.version}: bättre uppdateringar`, bundles: [{ platform: 'linux-x86_64', url, signature: s.signature }] })));
    }
    const body = bodies[s.body];
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    if (s.mode === 'truncated') {
      // A third of the file, then the connection ends, short of the length it announced.
      return res.write(body.subarray(0, Math.floor(body.length / 3)), () => req.socket.destroy());
    }
    res.end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  feedUrl = `http://127.0.0.1:${server.address().port}/latest.json`;

  // A register with customers and finished runs, made by the older version's command.
  execFileSync(cli, ['customers', 'add', '--name', 'Uppdatering AB', '--email', 'info@uppdatering.se', '--sandbox'], { env: { ...process.env, ...env } });
  execFileSync(cli, ['customers', 'add', '--name', 'Kvarstående HB', '--email', 'hej@kvarstaende.se', '--sandbox'], { env: { ...process.env, ...env } });
  execFileSync(cli, ['provision', 'uppdatering-ab', '--sandbox', '--yes'], { env: { ...process.env, ...env }, stdio: 'ignore' });

  driver = await startDriver({ ...env, FABRIK_UPDATE_FEED: feedUrl }, installed);
});

after(async () => {
  stopApp();
  await driver?.stop();
  stopApp();
  server?.close();
});

const signature = (file) => readFileSync(join(bundles, file), 'utf8').trim();
/** A version as a regular expression's text. */
const escaped = (version) => version.replaceAll('.', '\\.');

/** What the AppImage's own binary says it is with a subcommand: `fabrik --version` (#71). */
const versionOf = (appimage) => execFileSync(appimage, ['--version'], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();

async function openAbout(s) {
  await s.click('nav-settings');
  await s.until(async () => (await s.text('app-version')).trim().length > 0, 'Om Fabrik');
}

/** Sök efter uppdatering, then what the status says once it says something. */
async function checkNow(s) {
  // No check under way (the button is enabled), so the click starts one; what the status shows
  // is then that check's answer once the count of answered checks has moved on. Before, a wait
  // for "enabled and not empty" could end at once on the last check's answer.
  await s.until(async () => s.exec(`return !document.querySelector('[data-testid="update-check"]').disabled`), 'the check button');
  const answered = () => s.exec(`return Number(document.querySelector('[data-testid="update-status"]').dataset.answered)`);
  const before = await answered();
  await s.click('update-check');
  await s.until(async () => (await answered()) > before && s.exec(`return !document.querySelector('[data-testid="update-check"]').disabled`), 'the check answered');
  return (await s.text('update-status')).trim();
}

/** Installs what the feed offers and returns the failure the window shows. */
async function installFails(s) {
  // The check before cleared the last attempt's failure; otherwise the wait below would end on it.
  assert.equal(await s.exec(`return document.querySelectorAll('[data-testid="update-failed"]').length`), 0, 'an old failure is still shown');
  await s.click('update-install');
  await s.until(async () => s.exec(`return !!document.querySelector('[data-testid="update-failed"]')`), 'the update refused', 60_000);
  return (await s.text('update-failed')).trim();
}

test('the older version refuses every bad update, then updates itself and keeps every customer and run', async () => {
  const before = { customers: fabrik('customers', 'list'), runs: fabrik('runs', 'list') };
  assert.equal(before.customers.length, 2);
  assert.ok(before.runs.some((r) => r.kind === 'provision' && r.state === 'succeeded'), JSON.stringify(before.runs));
  const olderSha = sha(installed);

  const s = await Session.start(driver.url, installed);
  await openAbout(s);
  assert.equal((await s.text('app-version')).trim(), info.older.version);
  // One binary: the window's Om Fabrik and the command line of the same AppImage agree.
  assert.equal(versionOf(installed), `fabrik ${info.older.version}`);

  // A feed that does not answer.
  serve = { mode: 'down' };
  assert.match(await checkNow(s), /Uppdateringskällan http:\/\/127\.0\.0\.1:\d+\/latest\.json gick inte att nå/);

  // A feed that offers an older version: nothing to install.
  serve = { mode: 'ok', version: '0.0.9', body: 'good', signature: signature(info.newer.signature) };
  assert.match(await checkNow(s), /erbjuder 0\.0\.9, som är äldre än/);
  assert.equal(await s.exec(`return document.querySelectorAll('[data-testid="update-install"]').length`), 0);

  const refusals = [
    ['a bundle changed after it was signed', { mode: 'ok', body: 'tampered', signature: signature(info.newer.signature) }, /är inte signerad med nyckeln som den här versionen litar på/],
    ['a bundle signed with another key', { mode: 'ok', body: 'good', signature: signature(info.newer.wrongKeySignature) }, /är inte signerad med nyckeln som den här versionen litar på/],
    ['a download cut short', { mode: 'truncated', body: 'good', signature: signature(info.newer.signature) }, /Nedladdningen av Fabrik [\d.]+ blev inte hel/],
    [
      'the running version\'s own bundle, validly signed, labelled newer',
      { mode: 'ok', body: 'older', signature: signature(info.older.signature) },
      new RegExp(`men paketets signatur säger Fabrik ${escaped(info.older.version)}: Fabrik installerar bara den erbjudna versionen när den är nyare än ${escaped(info.older.version)}`),
    ],
  ];
  for (const [what, answer, says] of refusals) {
    serve = { ...answer, version: info.newer.version };
    assert.match(await checkNow(s), new RegExp(`Fabrik ${escaped(info.newer.version)} finns`), what);
    const failed = await installFails(s);
    assert.match(failed, says, what);
    assert.match(failed, new RegExp(`Fabrik ${escaped(info.older.version)} (finns kvar och )?körs vidare`), what);
    assert.equal(sha(installed), olderSha, `${what}: the AppImage is as it was`);
    assert.equal((await s.text('app-version')).trim(), info.older.version, what);
  }

  // The real one: downloaded, verified, put in place, started again.
  serve = { mode: 'ok', version: info.newer.version, body: 'good', signature: signature(info.newer.signature) };
  await checkNow(s);
  const oldRun = unpacked().map((p) => p.dir);
  assert.ok(oldRun.length > 0, 'the window runs from its unpacked AppImage');
  await s.click('update-install');
  await until(() => sha(installed) === sha(join(bundles, info.newer.file)), 'the AppImage replaced by the newer one');
  await until(() => {
    const now = unpacked();
    return now.length > 0 && now.every((p) => !oldRun.includes(p.dir));
  }, 'the newer version started in place of the older');

  // What the newer version shows: its version, and the register as it was. (The first
  // session's window is gone: it ended itself to start the newer one.)
  await Promise.race([s.cmd('DELETE', '').catch(() => {}), sleep(5_000)]);
  stopApp();
  await sleep(500);
  const t = await Session.start(driver.url, installed);
  try {
    await openAbout(t);
    assert.equal((await t.text('app-version')).trim(), info.newer.version);
    assert.equal(versionOf(installed), `fabrik ${info.newer.version}`);
    // The command line's check counts from that version too (set apart from the workspace's,
    // which the older one carries): the feed's offer is this very version; and a feed that does
    // not answer names it as the one that goes on. Not execFileSync: the feed is this process's.
    const cli = promisify(execFile);
    const cliEnv = { env: { ...process.env, ...env, FABRIK_UPDATE_FEED: feedUrl }, encoding: 'utf8' };
    const cliCheck = JSON.parse((await cli(installed, ['update', 'check', '--json'], cliEnv)).stdout);
    assert.equal(cliCheck.current, info.newer.version, JSON.stringify(cliCheck));
    assert.equal(cliCheck.offer.kind, 'up_to_date', JSON.stringify(cliCheck));
    serve = { mode: 'down' };
    const down = await cli(installed, ['update', 'check'], cliEnv).then(() => null, (e) => e.stderr);
    assert.match(down ?? 'it answered', new RegExp(`Fabrik ${escaped(info.newer.version)} körs vidare`));
    await t.click('nav-customers');
    await t.until(async () => (await t.exec(`return document.body.innerText`)).includes('Kvarstående HB'), 'the customers in the newer window');
    assert.match(await t.exec(`return document.body.innerText`), /Uppdatering AB/);
    await t.click('nav-activity');
    await t.until(async () => (await t.exec(`return document.querySelectorAll('[data-testid="activity-item"]').length`)) >= before.runs.length, 'the runs in Aktivitet');

    // A downgrade: the older release's genuine bundle, its signature valid, offered as a version
    // newer than this one. The feed's number is a label; the bundle was signed as the older
    // version, and that is what is compared with the running one.
    const later = info.newer.version.replace(/\d+$/, (n) => String(Number(n) + 1));
    serve = { mode: 'ok', version: later, body: 'older', signature: signature(info.older.signature) };
    await openAbout(t);
    assert.match(await checkNow(t), new RegExp(`Fabrik ${escaped(later)} finns`));
    const refused = await installFails(t);
    assert.match(refused, new RegExp(`Uppdateringskällan erbjuder Fabrik ${escaped(later)}, men paketets signatur säger Fabrik ${escaped(info.older.version)}`));
    assert.match(refused, new RegExp(`Fabrik ${escaped(info.newer.version)} körs vidare`));
    assert.equal(sha(installed), sha(join(bundles, info.newer.file)), 'the downgrade left the newer AppImage as it was');
    assert.equal((await t.text('app-version')).trim(), info.newer.version);
  } finally {
    await t.close().catch(() => {});
  }
  assert.deepEqual(fabrik('customers', 'list'), before.customers);
  assert.deepEqual(fabrik('runs', 'list'), before.runs);
});
