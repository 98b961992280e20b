#!/usr/bin/env node
// The licences of everything a Fabrik package carries, as one text file (scripts/package.sh puts
// it in /usr/share/doc/fabrik/): every crate the one `fabrik` binary (window and command line)
// links on this system (normal dependencies, not build or dev ones) and every npm package of the bundled UI.
// Each is named with its version and licence; the licence texts each one ships follow, each text
// once, with the packages that carry it.
//
// Usage: node scripts/licenses.mjs [--target TRIPLE] > THIRD-PARTY-LICENSES.txt
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// What the package holds: the one binary (src-tauri's package, which the command line's crate
// and the core are dependencies of).
const SHIPPED = ['fabrik-app'];
const TEXT = /^(licen[cs]e|copying|notice|unlicense)([-._].*)?$/i;

function host() {
  const at = process.argv.indexOf('--target');
  if (at > 0) return process.argv[at + 1];
  return execFileSync('rustc', ['-vV']).toString().match(/^host: (.+)$/m)[1];
}

/** Licence texts in a package's folder (not its subfolders): [name, text]. */
function texts(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && TEXT.test(e.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => [e.name, readFileSync(join(dir, e.name), 'utf8').replace(/\r\n/g, '\n').trim()]);
}

function crates() {
  const meta = JSON.parse(
    execFileSync('cargo', ['metadata', '--format-version', '1', '--locked', '--filter-platform', host()], {
      cwd: ROOT,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const byId = new Map(meta.packages.map((p) => [p.id, p]));
  const nodes = new Map(meta.resolve.nodes.map((n) => [n.id, n]));
  const members = new Set(meta.workspace_members);
  const roots = meta.packages.filter((p) => members.has(p.id) && SHIPPED.includes(p.name));
  if (roots.length !== SHIPPED.length) throw new Error(`not all of ${SHIPPED} are in the workspace`);
  const seen = new Set();
  const queue = roots.map((p) => p.id);
  while (queue.length) {
    const id = queue.pop();
    if (seen.has(id)) continue;
    seen.add(id);
    for (const d of nodes.get(id).deps) {
      // Only what ends up in the binary: no build scripts' or tests' dependencies.
      if (d.dep_kinds.some((k) => k.kind === null)) queue.push(d.pkg);
    }
  }
  return [...seen]
    .filter((id) => !members.has(id))
    .map((id) => byId.get(id))
    .map((p) => ({
      name: p.name,
      version: p.version,
      license: p.license ?? (p.license_file ? `see ${p.license_file}` : null),
      source: p.repository ?? '',
      texts: texts(dirname(p.manifest_path)),
    }));
}

function npmPackages() {
  const ui = join(ROOT, 'ui');
  const lock = JSON.parse(readFileSync(join(ui, 'package-lock.json'), 'utf8'));
  return Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && !p.dev && !p.optional)
    .map(([path, p]) => {
      const dir = join(ui, path);
      const pkg = existsSync(join(dir, 'package.json')) ? JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) : {};
      const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
      return {
        name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
        version: p.version,
        license: p.license ?? pkg.license ?? null,
        source: repo ?? '',
        texts: texts(dir),
      };
    });
}

const rust = crates();
const ui = npmPackages();
const all = [...rust, ...ui].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
const unnamed = all.filter((p) => !p.license);
if (unnamed.length) {
  throw new Error(`no licence named by: ${unnamed.map((p) => `${p.name} ${p.version}`).join(', ')}`);
}

const out = [];
out.push('Fabrik: third-party licences');
out.push('');
out.push(`Fabrik's window and its \`fabrik\` command are built from ${rust.length} Rust crates, and its window`);
out.push(`shows a user interface built with ${ui.length} npm packages. Each is listed below with its`);
out.push('licence; the licence texts they ship follow, each text once.');
out.push('');
for (const p of all) out.push(`${p.name} ${p.version}: ${p.license}${p.source ? ` (${p.source})` : ''}`);

const byText = new Map();
for (const p of all) {
  for (const [, text] of p.texts) {
    const key = createHash('sha256').update(text).digest('hex');
    if (!byText.has(key)) byText.set(key, { text, carriers: [] });
    byText.get(key).carriers.push(`${p.name} ${p.version}`);
  }
}
for (const { text, carriers } of byText.values()) {
  out.push('');
  out.push('-'.repeat(78));
  out.push(`Carried by: ${[...new Set(carriers)].join(', ')}`);
  out.push('-'.repeat(78));
  out.push(text);
}
process.stdout.write(out.join('\n') + '\n');
