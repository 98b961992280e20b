// The core's word lists and label tables as ui/src/bindings.ts declares them (generated from the
// Rust declarations): the fake backend reads them from here (`window.__FABRIK_BINDINGS__`) instead
// of keeping copies that could drift from the core.
import { readFileSync } from 'node:fs';

export const BINDINGS_FILE = new URL('../../src/bindings.ts', import.meta.url);

/**
 * `export const NAME: readonly T[] = ['a', …];` as arrays and
 * `export const NAME: Record<K, Text> = { key: { sv, en }, … };` as objects, by name.
 */
export function coreBindings(text = readFileSync(BINDINGS_FILE, 'utf8')) {
  const out = {};
  for (const m of text.matchAll(/^export const (\w+): readonly \w+\[\] = \[(.*)\];$/gm)) {
    out[m[1]] = [...m[2].matchAll(/'([^']*)'/g)].map((w) => w[1]);
  }
  for (const m of text.matchAll(/^export const (\w+): Record<\w+, Text> = \{\n([\s\S]*?)\n\};$/gm)) {
    const table = {};
    for (const row of m[2].split('\n')) {
      const r = row.match(/^ {2}'?([\w.]+)'?: \{ sv: (".*"), en: (".*") \},$/);
      if (!r) throw new Error(`bindings.ts: ${m[1]} has a row this reader does not know: ${row}`);
      table[r[1]] = { sv: JSON.parse(r[2]), en: JSON.parse(r[3]) };
    }
    out[m[1]] = table;
  }
  return out;
}
