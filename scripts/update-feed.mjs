// The update feed: a static latest.json in the format of Tauri's updater (plugin 2.9; read by
// the window's updater and by `fabrik update check`, crates/fabrik-update/src/update/feed.rs), from the signed
// bundles of a release. The release workflow uploads it beside the installers, so
// https://github.com/<owner>/<repo>/releases/latest/download/latest.json is the feed
// (FABRIK_UPDATE_FEED when Fabrik is built). tests/e2e/update.test.mjs serves one made here.
//
//   node scripts/update-feed.mjs --version 0.2.0 --notes "…" --base-url URL FILE…
//
// Each FILE is a bundle with its signature beside it (FILE.sig, from `tauri build` with
// createUpdaterArtifacts, or `tauri signer sign`); its system comes from its name.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** The feed's key for a bundle, by what Tauri's bundler names it; null for other files. */
export function platformsOf(file) {
  const name = basename(file);
  if (/\.AppImage$/.test(name)) return [`linux-${/aarch64|arm64/.test(name) ? 'aarch64' : 'x86_64'}`];
  // A universal macOS app serves both.
  if (/\.app\.tar\.gz$/.test(name)) return /universal/.test(name) || !/(aarch64|x64|x86_64)/.test(name) ? ['darwin-aarch64', 'darwin-x86_64'] : [`darwin-${/aarch64/.test(name) ? 'aarch64' : 'x86_64'}`];
  if (/-setup\.exe$/.test(name)) return ['windows-x86_64'];
  return null;
}

/** latest.json's object: `bundles` are [{ platform, url, signature }]. */
export function feed({ version, notes = '', pubDate = new Date().toISOString(), bundles }) {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) throw new Error(`not a version: ${version}`);
  const platforms = {};
  for (const b of bundles) {
    if (!b.signature?.trim()) throw new Error(`no signature for ${b.url}`);
    platforms[b.platform] = { url: b.url, signature: b.signature.trim() };
  }
  return { version, notes, pub_date: pubDate.replace(/\.\d{3}Z$/, 'Z'), platforms };
}

function main(argv) {
  const opts = { files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--version') opts.version = argv[++i];
    else if (a === '--notes') opts.notes = argv[++i];
    else if (a === '--base-url') opts.baseUrl = argv[++i].replace(/\/$/, '');
    else opts.files.push(a);
  }
  if (!opts.version || !opts.baseUrl || !opts.files.length) {
    console.error('usage: update-feed.mjs --version V [--notes TEXT] --base-url URL FILE…');
    process.exit(2);
  }
  const bundles = [];
  for (const file of opts.files) {
    const platforms = platformsOf(file);
    if (!platforms) continue;
    const signature = readFileSync(`${file}.sig`, 'utf8');
    const url = `${opts.baseUrl}/${encodeURIComponent(basename(file))}`;
    for (const platform of platforms) bundles.push({ platform, url, signature });
  }
  if (!bundles.length) throw new Error('no bundle for the updater among the files');
  process.stdout.write(`${JSON.stringify(feed({ version: opts.version.replace(/^v/, ''), notes: opts.notes, bundles }), null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
