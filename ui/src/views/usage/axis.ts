// What a chart's axes show: the days from the first reading (a customer collected for two days
// is not drawn as two dots at the edge of 90), and round steps in the unit a person reads (250 MB,
// never 238.4 MiB's bytes; whole users, never half of one).
import type { Language, Per, Unit } from '../../bindings';
import { minorDigits } from './format';

/** The fewest days an axis spans: one reading is a point in a week, not a line across nothing. */
export const MIN_DAYS = 7;

/**
 * The index of the first day the axis shows: the first day any line has a value, or earlier so
 * that at least `MIN_DAYS` are shown. With nothing reported it is the last `MIN_DAYS` (the
 * caller says there is nothing yet), so an empty chart spans what its neighbours that began
 * reporting today span.
 */
export function firstShown(length: number, lines: (number | null)[][]): number {
  let first = length;
  for (const values of lines) {
    const i = values.findIndex((v) => v != null);
    if (i >= 0 && i < first) first = i;
  }
  return Math.max(0, Math.min(first, length - MIN_DAYS));
}

/** The unit an axis counts in, its size in the figure's own units, and how it is written. */
export interface Scale {
  /** One of the axis' units in the figure's units (1024² for MB, 100 for kronor). */
  size: number;
  /** Written after the title: "MB", "kr", or empty for a count. */
  symbol: string;
  /** The smallest step: whole people and calls, never half of one. */
  least: number;
}

const BYTES: [number, string][] = [
  [1024 ** 4, 'TB'],
  [1024 ** 3, 'GB'],
  [1024 ** 2, 'MB'],
  [1024, 'kB'],
  [1, 'B'],
];

/** The unit for values up to `max` (binary steps, as formatBytes and Supabase count them). */
export function scaleOf(unit: Unit, max: number, currency = 'sek'): Scale {
  if (unit === 'bytes') {
    const [size, symbol] = BYTES.find(([s]) => max >= s) ?? BYTES[BYTES.length - 1];
    return { size, symbol, least: size === 1 ? 1 : 0 };
  }
  if (unit === 'money') {
    const code = currency.toUpperCase();
    return { size: 10 ** minorDigits(code), symbol: code === 'SEK' ? 'kr' : code, least: 0 };
  }
  return { size: 1, symbol: '', least: 1 };
}

/** 0, a round step (1, 2, 2.5 or 5 times a power of ten, of the scale's unit) and its multiples up to just above `max`. */
export function splitsOf(max: number, scale: Scale): number[] {
  const top = max / scale.size;
  if (!(top > 0)) return [0, scale.size];
  const rough = top / 2;
  const power = 10 ** Math.floor(Math.log10(rough));
  // A count steps by 1, 2 or 5 times a power of ten: 2.5 people is no step.
  const multiples = scale.least > 0 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  let step = multiples.map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  if (scale.least > 0) step = Math.max(scale.least, Math.round(step));
  const out = [0];
  while (out[out.length - 1] < top - 1e-9) out.push(Number((out.length * step).toPrecision(12)));
  return out.map((v) => v * scale.size);
}

/** A tick: the number in the scale's unit, grouped as the language groups digits. */
export function tickText(lang: Language, v: number, scale: Scale): string {
  const n = v / scale.size;
  return new Intl.NumberFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: Number.isInteger(n) ? 0 : 1 }).format(n);
}

const PER: Record<Language, Record<Per, string>> = {
  sv: { now: 'dagens värde', day: 'per dag', month: 'per månad' },
  en: { now: 'the day’s value', day: 'per day', month: 'per month' },
};

/** What each point is: "MB, dagens värde", "per dag", "kr per månad". */
export function unitLine(lang: Language, scale: Scale, per: Per): string {
  const each = PER[lang][per];
  if (!scale.symbol) return each;
  return per === 'now' ? `${scale.symbol}, ${each}` : `${scale.symbol} ${each}`;
}
