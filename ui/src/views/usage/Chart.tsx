// A small time chart over uPlot: made on mount, given new data when it changes, sized with its
// container, destroyed on unmount. A day not reported is a gap in the line, never a 0; the
// numbers are also there as text (a summary for screen readers and a table to open).
import { useLayoutEffect, useMemo, useRef } from 'react';
import './locale';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useI18n } from '../../i18n';
import { dayToX, formatDay, formatValue, type Unit } from './format';
import './usage.css';

export interface ChartLine {
  label: string;
  values: (number | null)[];
  /** A CSS variable of the app's palette (`--accent` when absent). */
  color?: string;
}

interface Props {
  title: string;
  /** One day (`YYYY-MM-DD`) a value, oldest first. */
  days: string[];
  lines: ChartLine[];
  unit: Unit;
  currency?: string;
  testId: string;
  height?: number;
  /** A limit to draw as a dashed line (a warning's), so the distance left is seen. */
  limit?: { value: number; label: string };
}

const cssVar = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

export function Chart({ title, days, lines, unit, currency, testId, height = 120, limit }: Props) {
  const { t, lang } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const fmt = (v: number) => formatValue(lang, unit, v, currency);
  const data = useMemo<uPlot.AlignedData>(
    () => [days.map(dayToX), ...lines.map((l) => l.values), ...(limit ? [days.map(() => limit.value)] : [])],
    [days, lines, limit?.value],
  );
  // The chart is made again only when what it draws with changes (its lines, its language).
  const shape = `${lang}|${unit}|${currency ?? ''}|${lines.map((l) => `${l.label}:${l.color ?? ''}`).join(',')}|${limit?.label ?? ''}:${limit?.value ?? ''}`;

  // Made in the commit itself, before the frame is painted: a chart is never seen (nor read) as an
  // empty box between its figure appearing and a passive effect getting round to drawing it.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const muted = cssVar('--muted', '#6b7585');
    const grid = cssVar('--border', '#e2e5ea');
    const font = `11px ${cssVar('--font', 'system-ui, sans-serif')}`;
    const notReported = t('usage.notReported');
    const opts: uPlot.Options = {
      width: Math.max(120, el.clientWidth),
      height,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true, live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, niceSplits(max).at(-1)!] } },
      axes: [
        {
          stroke: muted,
          font,
          size: 30,
          grid: { show: false },
          ticks: { stroke: grid },
          values: (_u, splits) => splits.map((s) => formatDay(lang, new Date(s * 1000).toISOString().slice(0, 10))),
        },
        {
          stroke: muted,
          font,
          size: 64,
          grid: { stroke: grid, width: 1 },
          ticks: { show: false },
          splits: (u) => niceSplits(u.scales.y.max ?? 0),
          values: (_u, splits) => splits.map(fmt),
        },
      ],
      series: [
        { label: t('usage.chart.day'), value: (_u, v) => (v == null ? '–' : formatDay(lang, new Date(v * 1000).toISOString().slice(0, 10))) },
        ...lines.map((l) => ({
          label: l.label,
          stroke: cssVar(l.color ?? '--accent', '#3a4ee0'),
          width: 1.5,
          spanGaps: false,
          // A day between days not reported has no line to be part of: drawn as a dot, or the
          // first day collected would not be seen at all.
          points: { show: true, size: 5, filter: (u: uPlot, si: number) => lone(u.data[si]) },
          // No day under the cursor: nothing to say; a day under it without a value: not reported.
          value: (_u: uPlot, v: number | null, _s: number, idx: number | null) => (idx == null ? '–' : v == null ? notReported : fmt(v)),
        })),
        ...(limit ? [{ label: limit.label, stroke: cssVar('--danger', '#c42b2b'), width: 1, dash: [4, 4], points: { show: false }, value: () => fmt(limit.value) }] : []),
      ],
    };
    const u = new uPlot(opts, data, el);
    plot.current = u;
    const resize = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w > 0 && w !== u.width) u.setSize({ width: w, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // `data` is the first drawing's; later data goes through the effect below.
  }, [shape, height]);

  useLayoutEffect(() => {
    if (plot.current && plot.current.data !== data) plot.current.setData(data);
  }, [data]);

  const summary = summarize(lines, days, fmt, t);
  // The window's days, and of them those some line has a value for (what was collected).
  const reported = days.filter((_d, i) => lines.some((l) => l.values[i] != null)).length;
  return (
    <figure className="usage-chart" data-testid={testId} data-days={days.length} data-reported={reported}>
      <figcaption className="usage-chart-title">{title}</figcaption>
      <div className="usage-chart-plot" ref={box} role="img" aria-label={`${title}: ${summary}`} data-testid={`${testId}-plot`} />
      <details className="usage-chart-numbers">
        <summary>{t('usage.chart.numbers')}</summary>
        <table data-testid={`${testId}-table`}>
          <thead>
            <tr>
              <th scope="col">{t('usage.chart.day')}</th>
              {lines.map((l) => (
                <th key={l.label} scope="col">
                  {l.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((d, i) => (
              <tr key={d}>
                <th scope="row">{d}</th>
                {lines.map((l) => {
                  const v = l.values[i];
                  return (
                    <td key={l.label} className={v == null ? 'muted' : 'tabular'} data-null={v == null ? 'true' : undefined}>
                      {v == null ? t('usage.notReported') : fmt(v)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** The indices of values with no value on either side. */
function lone(values: ArrayLike<number | null | undefined>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] != null && values[i - 1] == null && values[i + 1] == null) out.push(i);
  }
  return out;
}

/** 0, a round step and its multiples up to just above `max`: two or three lines on a small chart. */
export function niceSplits(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 2;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const out = [0];
  while (out[out.length - 1] < max) out.push(out.length * step);
  return out;
}

/** "från 120 MB till 180 MB, högst 190 MB; 3 dagar rapporterades inte", for each line. */
function summarize(lines: ChartLine[], days: string[], fmt: (v: number) => string, t: ReturnType<typeof useI18n>['t']): string {
  return lines
    .map((l) => {
      const known = l.values.filter((v): v is number => v != null);
      const missing = days.length - known.length;
      const head = lines.length > 1 ? `${l.label} ` : '';
      if (known.length === 0) return `${head}${t('usage.chart.none')}`;
      const text = t('usage.chart.summary', { from: fmt(known[0]), to: fmt(known[known.length - 1]), max: fmt(Math.max(...known)) });
      return `${head}${text}${missing > 0 ? `; ${t('usage.chart.missing', { n: missing })}` : ''}`;
    })
    .join('. ');
}

/**
 * A line a few dozen pixels wide for a table row: plain SVG (hundreds of rows stay cheap); a day
 * not reported breaks the line.
 */
export function Sparkline({ values, label, testId }: { values: (number | null)[]; label: string; testId?: string }) {
  const w = 96;
  const h = 24;
  const known = values.filter((v): v is number => v != null);
  const max = known.length ? Math.max(...known) : 0;
  const min = known.length ? Math.min(...known) : 0;
  const span = max - min || 1;
  const x = (i: number) => (values.length > 1 ? (i / (values.length - 1)) * (w - 2) + 1 : w / 2);
  const y = (v: number) => h - 2 - ((v - min) / span) * (h - 4);
  // One path piece per run of reported days.
  const pieces: string[] = [];
  let cur = '';
  values.forEach((v, i) => {
    if (v == null) {
      if (cur) pieces.push(cur);
      cur = '';
      return;
    }
    cur += `${cur ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
  });
  if (cur) pieces.push(cur);
  return (
    <svg className="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} data-testid={testId} data-pieces={pieces.length}>
      {pieces.map((d, i) => (
        <path key={i} d={d.includes('L') ? d : `${d}h0.1`} />
      ))}
    </svg>
  );
}
