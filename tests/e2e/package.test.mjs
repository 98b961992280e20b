// The Linux package as an agency receives it (scripts/package.sh; scripts/test.sh packs the test
// build and unpacks it with dpkg-deb, the way dpkg installs it): what the .deb declares and holds
// (one program, `fabrik`: the window alone, the command line with a subcommand), that the
// libraries it loads all come from the packages it depends on (so installing it on a system
// without the build tools gives them what they need), and that the `fabrik` command from it
// runs on the embedded defaults. Every other window test drives the
// window from this package too (FABRIK_APP points into it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const deb = process.env.FABRIK_PACKAGE;
const app = process.env.FABRIK_APP;
// The unpacked package's root: FABRIK_APP is <root>/usr/bin/fabrik.
const unpacked = app && app.endsWith('/usr/bin/fabrik') ? dirname(dirname(dirname(app))) : null;
const work = process.env.FABRIK_TEST_WORK ?? '/tmp';
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts }).toString();
const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^\[workspace\.package\][^[]*?^version = "([^"]+)"/ms)[1];
const skip = !deb && 'no package to check: scripts/test.sh packs one (bash scripts/package.sh --debug deb)';

test('the .deb names Fabrik, its version and what it needs to run', { skip }, () => {
  const field = (f) => sh('dpkg-deb', ['-f', deb, f]).trim();
  assert.equal(field('Package'), 'fabrik');
  assert.equal(field('Version'), version, 'the one version of Cargo.toml');
  assert.equal(field('Architecture'), sh('dpkg', ['--print-architecture']).trim());
  const depends = field('Depends').split(/,\s*/);
  for (const need of ['libwebkit2gtk-4.1-0', 'libgtk-3-0', 'libdbus-1-3']) {
    assert.ok(depends.includes(need), `Depends names ${need}: ${depends}`);
  }
});

test('the .deb holds one program (window and command line), the desktop entry, the icons and the licences', { skip }, () => {
  assert.ok(unpacked, `FABRIK_APP (${app}) is the window unpacked from the package`);
  const listed = new Map(
    sh('dpkg-deb', ['-c', deb])
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/))
      .map((f) => [f[5].replace(/^\.\//, '').replace(/\/$/, ''), { mode: f[0], size: Number(f[2]) }]),
  );
  const programs = [...listed.keys()].filter((p) => p.startsWith('usr/bin/'));
  assert.deepEqual(programs, ['usr/bin/fabrik'], 'one program (#71)');
  assert.match(listed.get('usr/bin/fabrik').mode, /^-rwxr-xr-x/, 'usr/bin/fabrik is an executable in the package');
  assert.equal(statSync(join(unpacked, 'usr/bin/fabrik')).size, listed.get('usr/bin/fabrik').size, 'usr/bin/fabrik is the package\'s own');
  // The entry a desktop's menu reads, pointing at the window and its icon.
  const entry = readFileSync(join(unpacked, 'usr/share/applications/Fabrik.desktop'), 'utf8');
  assert.match(entry, /^Name=Fabrik$/m);
  assert.match(entry, /^Exec=fabrik$/m);
  assert.match(entry, /^Icon=fabrik$/m);
  assert.match(entry, /^Type=Application$/m);
  const icons = [...listed.keys()].filter((p) => /^usr\/share\/icons\/hicolor\/[^/]+\/apps\/fabrik\.png$/.test(p));
  assert.ok(icons.length >= 3, `icons in several sizes: ${icons}`);
  // The licences of everything it carries (scripts/licenses.mjs refuses a package that names
  // none): the crates and npm packages of the window, each with its licence, and the texts.
  const licences = readFileSync(join(unpacked, 'usr/share/doc/fabrik/THIRD-PARTY-LICENSES.txt'), 'utf8');
  for (const name of ['tauri', 'wry', 'webkit2gtk', 'octocrab', 'rusqlite', 'tokio-postgres', 'dbus-secret-service', 'react', 'react-dom', '@tauri-apps/api']) {
    assert.match(licences, new RegExp(`^${name.replace(/[/@.]/g, '\\$&')} \\S+: \\S`, 'm'), `${name} is named with its licence`);
  }
  assert.match(licences, /Apache License/);
  assert.match(licences, /Permission is hereby granted, free of charge/);
});

test('every library the program loads comes from a package the .deb depends on', { skip }, () => {
  // Installed packages: what each provides and depends on.
  const rows = sh('dpkg-query', ['-W', '-f', '${Package}\t${Provides}\t${Depends}, ${Pre-Depends}\n'])
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  const names = (list) =>
    list
      .split(/[,|]/)
      .map((d) => d.trim().split(/[\s:(]/)[0])
      .filter(Boolean);
  const providers = new Map();
  const depends = new Map();
  for (const [pkg, provides, deps] of rows) {
    depends.set(pkg, names(deps));
    for (const p of [pkg, ...names(provides)]) providers.set(p, [...(providers.get(p) ?? []), pkg]);
  }
  // Everything the package's Depends bring, transitively, on this system.
  const closure = new Set();
  const queue = sh('dpkg-deb', ['-f', deb, 'Depends']).split(',').flatMap((d) => names(d));
  while (queue.length) {
    for (const pkg of providers.get(queue.pop()) ?? []) {
      if (closure.has(pkg)) continue;
      closure.add(pkg);
      queue.push(...(depends.get(pkg) ?? []));
    }
  }
  for (const bin of ['usr/bin/fabrik']) {
    const libs = sh('ldd', [join(unpacked, bin)])
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.includes('=>'));
    const missing = libs.filter((l) => /not found/.test(l));
    assert.deepEqual(missing, [], `${bin} finds every library`);
    const paths = libs.map((l) => l.split('=>')[1].trim().split(' ')[0]).filter((p) => p.startsWith('/'));
    assert.ok(paths.length > 3, `${bin} loads shared libraries: ${libs}`);
    // dpkg knows a file by the path its package installed it at: /lib/… or /usr/lib/…
    // (one is a link to the other), whichever ldd printed.
    const other = (p) => (p.startsWith('/usr/lib/') ? p.slice(4) : p.startsWith('/lib/') ? `/usr${p}` : p);
    const found = spawnSync('dpkg', ['-S', ...paths, ...paths.map(other)], { encoding: 'utf8' }).stdout;
    const owners = new Map();
    for (const line of found.trim().split('\n')) {
      const [pkgs, path] = line.split(': ');
      owners.set(path, pkgs.split(', ').map((p) => p.split(':')[0]));
    }
    const ownersOf = (p) => [...(owners.get(p) ?? []), ...(owners.get(other(p)) ?? [])];
    const outside = paths.filter((p) => !ownersOf(p).some((o) => closure.has(o)));
    assert.deepEqual(
      outside.map((p) => `${p} (${ownersOf(p).join(', ') || 'no package'})`),
      [],
      `${bin}: libraries outside the package's dependencies`,
    );
  }
});

test('the fabrik command from the package runs on the embedded defaults', { skip }, () => {
  const home = join(work, `package-${process.pid}`);
  mkdirSync(home, { recursive: true });
  const env = {
    PATH: `${join(unpacked, 'usr/bin')}:/usr/bin:/bin`,
    HOME: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    LANG: 'C.UTF-8',
  };
  assert.equal(sh('fabrik', ['--version'], { env }).trim(), `fabrik ${version}`);
  // An empty register in the app-data folder of a first start.
  assert.deepEqual(JSON.parse(sh('fabrik', ['customers', 'list', '--json'], { env })), []);
  const made = readFileSync(join(home, 'data', 'se.fabrik.desktop', 'fabrik.sqlite3')).subarray(0, 15).toString();
  assert.equal(made, 'SQLite format 3', 'the register is a SQLite file in the app-data folder');
  assert.equal(relative(join(unpacked, 'usr/bin'), sh('sh', ['-c', 'command -v fabrik'], { env }).trim()), 'fabrik');
  assert.ok(existsSync(app));
});
