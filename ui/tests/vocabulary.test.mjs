// The window's words for kinds and steps name what the core declares (issue #56): every
// `runKind.*` and `step.*` key in src/i18n.ts is a kind or a step of ui/src/bindings.ts, a kind's
// name is never written by hand (it is `RUN_KIND_LABEL`'s), and the fake backend keeps no list
// of steps of its own (each kind's steps and their labels come from the bindings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { FAKE_BACKEND_FILES, bindingsSource } from './lib/harness.mjs';

const sandbox = { window: {} };
vm.runInNewContext(bindingsSource, sandbox);
const { RUN_KINDS, STEP_KEYS, RUN_KIND_STEPS, STEP_LABEL } = sandbox.window.__FABRIK_BINDINGS__;
const i18n = readFileSync(new URL('../src/i18n.ts', import.meta.url), 'utf8');
// The fake backend, every script of it (mock-backend.js and its areas').
const backend = FAKE_BACKEND_FILES.map((file) => readFileSync(file, 'utf8')).join('\n');

/** Every quoted key of the texts with this prefix (`'runKind.pause'` → `pause`). */
const keys = (prefix) => [...i18n.matchAll(new RegExp(`['"\`]${prefix}\\.([a-z0-9_.]+)['"\`]\\s*:`, 'g'))].map((m) => m[1]);

test('the bindings carry each kind of run its steps, every one a declared step with a label', () => {
  assert.deepEqual(Object.keys(RUN_KIND_STEPS).sort(), [...RUN_KINDS].sort());
  for (const [kind, steps] of Object.entries(RUN_KIND_STEPS)) {
    for (const s of steps) assert.ok(STEP_KEYS.includes(s) && STEP_LABEL[s], `${kind}: ${s}`);
  }
  assert.ok(RUN_KIND_STEPS.provision.includes('resend.sending_key'), 'the newest steps are there');
});

test('every runKind.* and step.* text names a kind or a step the core declares', () => {
  const strangers = [
    ...keys('runKind').filter((k) => !RUN_KINDS.includes(k)).map((k) => `runKind.${k}`),
    ...keys('step').filter((k) => !STEP_KEYS.includes(k)).map((k) => `step.${k}`),
  ];
  assert.deepEqual(strangers, []);
  // A kind's name is the core's (RUN_KIND_LABEL, spread in by kindTexts): none by hand.
  assert.deepEqual(keys('runKind'), [], 'a kind named by hand in i18n.ts');
});

test('the scan finds a hand-written key', () => {
  const sample = "  'runKind.recover': 'x',\n  'step.nope': 'y',";
  const found = [...sample.matchAll(/['"`](runKind|step)\.([a-z0-9_.]+)['"`]\s*:/g)].map((m) => `${m[1]}.${m[2]}`);
  assert.deepEqual(found, ['runKind.recover', 'step.nope']);
});

test('the fake backend lists no step keys of its own beyond the resources it fakes', () => {
  const lists = [...backend.matchAll(/\[((?:\s*'[a-z0-9_]+\.[a-z0-9_]+'\s*,?){2,})\]/g)].map((m) => m[1].replace(/\s+/g, ' ').trim());
  const steps = lists.filter((l) => [...l.matchAll(/'([^']+)'/g)].every((m) => STEP_KEYS.includes(m[1])));
  // RESOURCE_KEYS and the teardown's order: the four resources the fake's instances carry ids for.
  const resources = steps.filter((l) => !/^'supabase\.project', 'github\.repo', 'vercel\.project', 'n8n\.workflow'$|^'n8n\.workflow', 'vercel\.project', 'github\.repo', 'supabase\.project'$/.test(l));
  assert.deepEqual(resources, [], 'a kind\'s steps written in the fake backend');
  assert.ok(!/const STEP_LABEL = \{/.test(backend), 'step labels written in the fake backend');
  // A run started with a list written in place, however short.
  const started = [...backend.matchAll(/(?:newRun|playDayTwo)\([^()]*\[\s*'/g)].map((m) => m[0]);
  assert.deepEqual(started, [], 'a run of the fake started with steps of its own');
});
