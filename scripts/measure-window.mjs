// Measures the real window (printed figures, no assertions): time from launch to the first
// painted customer list, and idle memory (RSS and PSS) of all the app's processes, next to an
// empty Tauri window built in the same run. Run through scripts/measure-window.sh.
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDriver, Session } from '../tests/e2e/webdriver.mjs';

const [fabrik, empty] = process.argv.slice(2);
const runs = Number(process.env.RUNS ?? 5);

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
  for (const p of pids) {
    try {
      const s = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(s)[1]);
      pss += Number(/^Pss:\s+(\d+)/m.exec(s)[1]);
    } catch {}
  }
  return { rss: rss / 1024, pss: pss / 1024 };
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

async function measure(binary, label) {
  const starts = [];
  let mem = null;
  const work = join(process.env.FABRIK_TEST_WORK ?? '/tmp', `measure-${label}`);
  mkdirSync(work, { recursive: true });
  const driver = await startDriver({ FABRIK_DB: join(work, 'fabrik.sqlite3') });
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const s = await Session.start(driver.url, binary);
      await s.find('[data-testid="customer-list"], [data-testid="empty-state"]', 20_000);
      // Painted: two animation frames after the list is in the DOM.
      await s.exec('return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))');
      starts.push(performance.now() - t0);
      if (i === runs - 1) {
        await sleep(5000); // idle
        const pid = appPid(binary);
        mem = pid ? memory([pid, ...children(pid)]) : null;
      }
      await s.close();
      await sleep(500);
    }
  } finally {
    driver.stop();
  }
  starts.sort((a, b) => a - b);
  const median = starts[Math.floor(starts.length / 2)];
  const result = { median, pss: mem?.pss ?? null };
  console.log(
    `${label.padEnd(14)} start to painted list: median ${median.toFixed(0)} ms (min ${starts[0].toFixed(0)}, max ${starts.at(-1).toFixed(0)}, n=${runs}); idle RSS ${mem?.rss.toFixed(0)} MiB, PSS ${mem?.pss.toFixed(0)} MiB (app + WebKit processes)`,
  );
  return result;
}

const app = await measure(fabrik, 'Fabrik');
const bare = await measure(empty, 'empty Tauri');
console.log('Times include the WebDriver session start, equal for both windows.');
// One line to compare across runs and sessions (issue #12): key=value, ratios over the empty window.
const ratio = (a, b) => (a != null && b ? (a / b).toFixed(2) : 'na');
const whole = (x) => (x == null ? 'na' : x.toFixed(0));
console.log(
  `bench: start_ratio=${ratio(app.median, bare.median)} pss_ratio=${ratio(app.pss, bare.pss)} start_ms=${whole(app.median)} empty_ms=${whole(bare.median)} pss_mib=${whole(app.pss)} empty_pss_mib=${whole(bare.pss)}`,
);
