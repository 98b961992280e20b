// The fake backend's customer rules are the core's: every sample answer the Rust core recorded
// in fixtures/core-rules.json (tests/ui_fixtures.rs) must come out of mock-rules.js exactly —
// derived slugs, slug checks, drafts, patches and check_draft, every field problem with its code,
// text, parameters and message — and the fake must hold no copy of the data that file carries. The first tests run the interpreter in node; the last one asks the
// fake through the page's IPC, as the app does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { CORE_RULES_FILE, FAKE_BACKEND_FILES, launchBrowser, openApp, startServer } from './lib/harness.mjs';

const core = JSON.parse(readFileSync(CORE_RULES_FILE, 'utf8'));
const RULES_FILE = new URL('./lib/mock-rules.js', import.meta.url);
vm.runInThisContext(readFileSync(RULES_FILE, 'utf8'), { filename: RULES_FILE.pathname });
const rules = globalThis.__fabrikMockRules(core);
const samples = core.samples;
const inUse = (slug) => samples.taken_slugs.includes(slug);

/** JSON's view of a value: what crosses the IPC (undefined fields dropped). */
const json = (v) => JSON.parse(JSON.stringify(v));
const show = (v) => JSON.stringify(v);

/** Every sample whose answer differs, described; the assertion shows them all at once. */
function mismatches(list, input, actual, expected) {
  const out = [];
  for (const s of list) {
    const got = json(actual(s));
    const want = expected(s);
    try {
      assert.deepStrictEqual(got, want);
    } catch {
      out.push(`${show(input(s))}\n    core: ${show(want)}\n    fake: ${show(got)}`);
    }
  }
  return out;
}

describe('the fake backend applies the core rules', () => {
  test('the fixture is the generated one and covers enough ground', () => {
    assert.match(core.about, /ui_fixtures/);
    assert.ok(samples.derive_slug.length >= 80, `${samples.derive_slug.length} names`);
    assert.ok(samples.validate_slug.length >= 40, `${samples.validate_slug.length} slugs`);
    assert.ok(samples.validate_draft.length >= 30, `${samples.validate_draft.length} drafts`);
    assert.ok(samples.validate_patch.length >= 20, `${samples.validate_patch.length} patches`);
    // Both outcomes of each function are sampled.
    for (const [name, list, isOk] of [
      ['derive_slug', samples.derive_slug, (s) => s.slug != null],
      ['validate_slug', samples.validate_slug, (s) => s.error == null],
      ['validate_draft', samples.validate_draft, (s) => 'fields' in s.expect],
      ['validate_patch', samples.validate_patch, (s) => 'fields' in s.expect],
    ]) {
      assert.ok(list.some(isOk) && !list.every(isOk), `${name} samples both accepted and refused`);
    }
  });

  test('derive_slug', () => {
    const bad = mismatches(
      samples.derive_slug,
      (s) => s.name,
      (s) => rules.deriveSlug(s.name),
      (s) => (s.slug != null ? { slug: s.slug } : { error: s.error }),
    );
    assert.deepEqual(bad, []);
  });

  test('validate_slug', () => {
    const bad = mismatches(
      samples.validate_slug,
      (s) => s.slug,
      (s) => rules.validateSlug(s.slug),
      (s) => s.error,
    );
    assert.deepEqual(bad, []);
  });

  test('validate_draft', () => {
    const bad = mismatches(
      samples.validate_draft,
      (s) => s.draft,
      (s) => rules.validateDraft(s.draft),
      (s) => s.expect,
    );
    assert.deepEqual(bad, []);
  });

  test('validate_patch', () => {
    const bad = mismatches(
      samples.validate_patch,
      (s) => ({ current: s.current, patch: s.patch }),
      (s) => rules.validatePatch(s.current, s.patch),
      (s) => s.expect,
    );
    assert.deepEqual(bad, []);
  });

  test('check_draft (with the slugs in use)', () => {
    const bad = mismatches(
      samples.validate_draft,
      (s) => s.draft,
      (s) => rules.checkDraft(s.draft, inUse),
      (s) => s.check,
    );
    assert.deepEqual(bad, []);
  });

  test('absent fields may come as null, as serde reads them', () => {
    for (const s of samples.validate_draft) {
      const withNulls = { slug: null, contact_name: null, plan: null, modules: null, status: null, notes: null, ...s.draft };
      assert.deepStrictEqual(json(rules.validateDraft(withNulls)), s.expect, show(s.draft));
    }
    for (const s of samples.validate_patch) {
      const keys = ['name', 'slug', 'admin_email', 'contact_name', 'plan', 'modules', 'status', 'notes', ...Object.keys(rules.emptyInstance())];
      const withNulls = { ...Object.fromEntries(keys.map((k) => [k, null])), ...s.patch };
      assert.deepStrictEqual(json(rules.validatePatch(s.current, withNulls)), s.expect, show(s.patch));
    }
  });

  test('the fake keeps no copy of the core data', () => {
    // Every script of the fake: the rules' interpreter, mock-backend.js and its areas'.
    const source = FAKE_BACKEND_FILES.map((file) => readFileSync(file, 'utf8')).join('\n');
    const copies = [];
    // The texts of the field problems (templates cut at their placeholders) and their parameters.
    for (const [key, shape] of Object.entries(core.field_errors)) {
      for (const template of Object.values(core.catalog[shape.text])) {
        for (const part of template.split(/\{[a-z_]+\}/)) if (part.trim().length > 12 && source.includes(part)) copies.push(`${key}: ${part}`);
      }
      for (const value of Object.values(shape.params)) if (value.length > 8 && source.includes(`'${value}'`)) copies.push(`${key}: '${value}'`);
    }
    for (const m of core.manifest.modules) {
      for (const text of [...Object.values(m.name), ...Object.values(m.description)]) if (text.length > 8 && source.includes(text)) copies.push(`module ${m.key}: ${text}`);
    }
    // A list of reserved slugs (any three of them in a row, quoted).
    const r = core.reserved_slugs;
    for (let i = 0; i + 2 < r.length; i++) {
      const run = new RegExp(`['"]${r[i]}['"]\\s*,\\s*['"]${r[i + 1]}['"]\\s*,\\s*['"]${r[i + 2]}['"]`);
      if (run.test(source)) copies.push(`reserved slugs ${r[i]}, ${r[i + 1]}, ${r[i + 2]}`);
    }
    assert.deepEqual(copies, []);
  });
});

describe('the fake answers through the IPC with the core rules', () => {
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

  test('module_manifest and check_draft in the page', async (t) => {
    // The customer that holds the taken slug, created through the fake as the core created it.
    const taken = samples.validate_draft.find((s) => s.expect.fields && samples.taken_slugs.includes(s.expect.fields.slug));
    assert.ok(taken, 'a draft sample takes the slug in use');
    const app = await openApp(browser, server.url, { customers: [taken.draft], latency: 0 });
    t.after(() => app.close());
    const invoke = (cmd, args) => app.page.evaluate(([c, a]) => window.__TAURI_INTERNALS__.invoke(c, a), [cmd, args]);
    assert.deepStrictEqual(await invoke('module_manifest', {}), core.manifest);
    const answers = await app.page.evaluate(
      (drafts) => Promise.all(drafts.map((draft) => window.__TAURI_INTERNALS__.invoke('check_draft', { draft }))),
      samples.validate_draft.map((s) => s.draft),
    );
    const bad = [];
    samples.validate_draft.forEach((s, i) => {
      try {
        assert.deepStrictEqual(answers[i], s.check);
      } catch {
        bad.push(`${show(s.draft)}\n    core: ${show(s.check)}\n    fake: ${show(answers[i])}`);
      }
    });
    assert.deepEqual(bad, []);
    assert.deepEqual(app.problems, [], 'the page logged errors');
  });
});
