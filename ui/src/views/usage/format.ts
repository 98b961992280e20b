// How a usage figure reads: bytes as kB/MB/GB, counts with the language's digit grouping,
// money in its currency from minor units. A value that was not reported is never a number.
import { FIGURE_DEFS, FIGURE_LABEL, type Figure, type Language, type Money, type Per, type Unit } from '../../bindings';

export type { Unit };

/** Each figure's unit, as the core declares it (crates/fabrik-usage/src/usage/figures.rs). */
export const FIGURE_UNIT = Object.fromEntries(FIGURE_DEFS.map((d) => [d.figure, d.unit])) as Record<Figure, Unit>;

/** What each figure's point is (the day's value, a day's count, a month's), as the core declares it. */
export const FIGURE_PER = Object.fromEntries(FIGURE_DEFS.map((d) => [d.figure, d.per])) as Record<Figure, Per>;

/** A figure's name, as the core declares it. */
export const figureName = (lang: Language, f: Figure) => FIGURE_LABEL[f][lang];

const locale = (lang: Language) => (lang === 'sv' ? 'sv-SE' : 'en-GB');

/**
 * Binary steps named MB and GB, as Supabase's own dashboard counts a database (its Free plan's
 * 500 MB is 500 × 1024² bytes) and as the core writes a warning (crates/fabrik-usage/src/usage/figures.rs `shown`):
 * a figure reads the same in the chart, the table and the warning beside it.
 */
const BYTE_STEPS: [number, string][] = [
  [1024 ** 4, 'terabyte'],
  [1024 ** 3, 'gigabyte'],
  [1024 ** 2, 'megabyte'],
  [1024, 'kilobyte'],
];

export function formatBytes(lang: Language, bytes: number): string {
  const [size, unit] = BYTE_STEPS.find(([s]) => Math.abs(bytes) >= s) ?? [1, 'byte'];
  const v = bytes / size;
  return new Intl.NumberFormat(locale(lang), { style: 'unit', unit, maximumFractionDigits: v < 10 && size > 1 ? 1 : 0 }).format(v);
}

export function formatCount(lang: Language, n: number): string {
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: n < 10 ? 1 : 0 }).format(n);
}

/** The digits after the decimal point of a currency (2 for sek, eur, usd; 0 for jpy). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatMoney(lang: Language, m: Money): string {
  const digits = minorDigits(m.currency);
  const major = m.amount / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale(lang), { style: 'currency', currency: m.currency.toUpperCase(), maximumFractionDigits: digits }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${m.currency.toUpperCase()}`;
  }
}

/** A value of `unit`; money values are minor units of `currency`. */
export function formatValue(lang: Language, unit: Unit, v: number, currency = 'sek'): string {
  if (unit === 'bytes') return formatBytes(lang, v);
  if (unit === 'money') return formatMoney(lang, { amount: v, currency });
  return formatCount(lang, v);
}

export function formatShare(lang: Language, share: number): string {
  return new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** A growth with its sign: "+12 %", "−3 %". */
export function formatGrowth(lang: Language, growth: number): string {
  return new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(growth);
}

/** A register day (`YYYY-MM-DD`) as a short date: "27 nov." / "27 Nov". */
export function formatDay(lang: Language, day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(locale(lang), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
}

/** A day as uPlot's x value: seconds at UTC midnight. */
export const dayToX = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;
