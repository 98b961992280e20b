// Measures the real window (printed figures, no assertions): time from launch to the first
// painted customer list, and idle memory (RSS and PSS) of all the app's processes, next to an
// empty Tauri window built in the same run; on a register of 100,000 customers also a search
// typed into the list until the filtered list is painted. Run through scripts/measure-window.sh.
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDriver, Session } from '../tests/e2e/webdriver.mjs';

const [fabrik, empty, large] = process.argv.slice(2);
const runs = Number(process.env.RUNS ?? 5);
// One customer in ten thousand of the seeded register's names (examples/seed_register.rs:
// "Kund 000000 AB" …): "Kund 04711" finds ten.
const SEARCH = 'Kund 04711';
const painted = 'return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))';

function children(pid) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d), ...children(Number(d)));
    } catch {}
  }
  return out;
}

function memory(pids) {
  let rss = 0;
  let pss = 0;
  const parts = {};
  for (const p of pids) {
    try {
      const s = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      const r = Number(/^Rss:\s+(\d+)/m.exec(s)[1]);
      const q = Number(/^Pss:\s+(\d+)/m.exec(s)[1]);
      rss += r;
      pss += q;
      const name = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      parts[name] = (parts[name] ?? 0) + q / 1024;
    } catch {}
  }
  return { rss: rss / 1024, pss: pss / 1024, parts };
}

function appPid(binary) {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0')[0] === binary) return Number(d);
    } catch {}
  }
  return null;
}

async function measure(binary, label, db, search = null) {
  const starts = [];
  const searches = [];
  const traces = [];
  let mem = null;
  const work = join(process.env.FABRIK_TEST_WORK ?? '/tmp', `measure-${label}`);
  mkdirSync(work, { recursive: true });
  const driver = await startDriver({ FABRIK_DB: db ?? join(work, 'fabrik.sqlite3') });
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      // Fabrik opens on Översikt (issue #68): its first view, as the empty window's.
      const s = await Session.start(driver.url, binary, { landing: 'overview' });
      await s.find('[data-testid="overview"], [data-testid="customer-list"], [data-testid="empty-state"]', 20_000);
      // Painted: two animation frames after the list is in the DOM.
      await s.exec(painted);
      starts.push(performance.now() - t0);
      if (search) {
        // Typed as a person types it (a key at a time), until only its rows are painted.
        await s.click('nav-customers');
        await s.find('[data-testid="customer-list"]', 20_000);
        const t1 = performance.now();
        await s.type('search', search);
        await s.until(
          () =>
            s.exec(
              `const rows = [...document.querySelectorAll('[data-testid="customer-row"]')];
               return rows.length > 0 && rows.length <= 10 && rows.every((r) => r.textContent.includes(arguments[0]));`,
              [search],
            ),
          'the filtered list',
          30_000,
        );
        await s.exec(painted);
        searches.push(performance.now() - t1);
      }
      if (label.startsWith('Fabrik')) {
        // Where the time went: the webview's own clock (epoch-based) against the launch.
        const marks = await s.exec(
          `const m = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;
           const nav = performance.getEntriesByType('navigation')[0];
           return { origin: performance.timeOrigin, dom: nav ? nav.domContentLoadedEventEnd : null,
             script: m('fabrik:script'), prefs: m('fabrik:preferences'), answered: m('fabrik:list-answered'), painted: m('fabrik:first-painted') };`,
        );
        const launch = performance.timeOrigin + t0;
        traces.push({
          'launch → webview document': marks.origin - launch,
          'document → app script runs (list asked)': marks.script,
          'script → list answered (IPC + SQLite)': marks.answered - marks.script,
          'script → preferences answered (IPC)': marks.prefs - marks.script,
          'preferences answered → first view painted (shell frame, overview frame)': marks.painted - marks.prefs,
          'painted → seen by WebDriver': performance.now() - t0 - (marks.origin - launch) - marks.painted,
        });
      }
      if (i === runs - 1) {
        await sleep(5000); // idle
        const pid = appPid(binary);
        mem = pid ? memory([pid, ...children(pid)]) : null;
      }
      await s.close();
      await sleep(500);
    }
  } finally {
    // Awaited: the next series' driver starts only once this one and its app are gone
    // (started over them, it never answered: issue #60).
    await driver.stop();
  }
  if (traces.length) {
    console.log(`${label}: start-up trace, median of ${traces.length} (ms)`);
    for (const phase of Object.keys(traces[0])) {
      const v = traces.map((t) => t[phase]).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
      console.log(`  ${phase.padEnd(40)} ${v.length ? v[Math.floor(v.length / 2)].toFixed(0) : 'na'}`);
    }
  }
  starts.sort((a, b) => a - b);
  const median = starts[Math.floor(starts.length / 2)];
  searches.sort((a, b) => a - b);
  const searched = searches.length ? searches[Math.floor(searches.length / 2)] : null;
  const result = { median, pss: mem?.pss ?? null, searched };
  if (searched != null) {
    console.log(`${label}: "${search}" typed to the filtered list painted: median ${searched.toFixed(0)} ms (min ${searches[0].toFixed(0)}, max ${searches.at(-1).toFixed(0)}, n=${searches.length})`);
  }
  if (mem) console.log(`${label}: idle PSS by process (MiB): ${Object.entries(mem.parts).map(([n, v]) => `${n} ${v.toFixed(0)}`).join(', ')}`);
  console.log(
    `${label.padEnd(14)} start to painted list: median ${median.toFixed(0)} ms (min ${starts[0].toFixed(0)}, max ${starts.at(-1).toFixed(0)}, n=${runs}); idle RSS ${mem?.rss.toFixed(0)} MiB, PSS ${mem?.pss.toFixed(0)} MiB (app + WebKit processes)`,
  );
  return result;
}

const app = await measure(fabrik, 'Fabrik');
// The same window on a register of 100,000 customers: paging keeps start and memory flat.
const big = large ? await measure(fabrik, 'Fabrik 100k', large, SEARCH) : null;
const bare = await measure(empty, 'empty Tauri');
console.log('Times include the WebDriver session start, equal for both windows.');
// One line to compare across runs and sessions (issue #12): key=value, ratios over the empty window.
const ratio = (a, b) => (a != null && b ? (a / b).toFixed(2) : 'na');
const whole = (x) => (x == null ? 'na' : x.toFixed(0));
console.log(
  `bench: profile=${process.env.PROFILE ?? 'debug'} start_ratio=${ratio(app.median, bare.median)} pss_ratio=${ratio(app.pss, bare.pss)} start_ms=${whole(app.median)} empty_ms=${whole(bare.median)} pss_mib=${whole(app.pss)} empty_pss_mib=${whole(bare.pss)} start_100k_ms=${whole(big?.median)} pss_100k_mib=${whole(big?.pss)} search_100k_ms=${whole(big?.searched)}`,
);
