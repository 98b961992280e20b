// The module graph of ui/src: no import cycles (type-only imports count: a view importing a type
// from the shell is still a cycle), and state modules (src/state/) never import views or the shell.
// Static: reads the sources, needs no build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

function resolve(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** file -> the local files it imports (import/export … from, side-effect and dynamic imports). */
function graph() {
  const edges = new Map();
  const pattern = /(?:\bimport\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?|\bexport\s+(?:type\s+)?[^'";]*?\s+from\s+|\bimport\s*\(\s*)['"]([^'"]+)['"]/g;
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const deps = new Set();
    for (const [, spec] of text.matchAll(pattern)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(file, spec);
      if (target && /\.(ts|tsx)$/.test(target)) deps.add(target);
    }
    edges.set(file, [...deps]);
  }
  return edges;
}

function cycles(edges) {
  const found = [];
  const state = new Map(); // file -> 'open' | 'done'
  const stack = [];
  const visit = (file) => {
    state.set(file, 'open');
    stack.push(file);
    for (const dep of edges.get(file) ?? []) {
      if (state.get(dep) === 'open') found.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...edges.keys()].sort()) if (!state.has(file)) visit(file);
  return found.map((c) => c.map((f) => path.relative(SRC, f)).join(' -> '));
}

test('the sources have no import cycles', () => {
  const edges = graph();
  assert.ok(edges.size > 5, `found only ${edges.size} modules under ${SRC}`);
  assert.ok(
    (edges.get(path.join(SRC, 'App.tsx')) ?? []).includes(path.join(SRC, 'views', 'CustomerList.tsx')),
    'the scanner sees App.tsx import views/CustomerList.tsx',
  );
  assert.deepEqual(cycles(edges), []);
});

test('state modules import neither views nor the shell', () => {
  const edges = graph();
  const bad = [];
  for (const [file, deps] of edges) {
    if (!file.startsWith(path.join(SRC, 'state') + path.sep)) continue;
    for (const dep of deps) {
      const rel = path.relative(SRC, dep);
      if (rel.startsWith(`views${path.sep}`) || rel === 'App.tsx' || rel === 'main.tsx') bad.push(`${path.relative(SRC, file)} -> ${rel}`);
    }
  }
  assert.deepEqual(bad, []);
});
