// A small time chart over uPlot: made on mount, given new data when it changes, sized with its
// container, destroyed on unmount. Its axis runs from the first reading, its steps are round in the
// unit named under its title with the period, a hover names the day and each value, and a day not
// reported is a gap in the line, never a 0; the numbers are also there as text (a summary for
// screen readers and a table to open).
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import './locale';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useI18n } from '../../i18n';
import { dayToX, formatDay, formatValue, type Unit } from './format';
import { firstShown, scaleOf, splitsOf, tickText, unitLine, type Scale } from './axis';
import type { Per } from '../../bindings';
import './usage.css';

export interface ChartLine {
  label: string;
  values: (number | null)[];
  /** A CSS variable of the app's palette (`--accent` when absent). */
  color?: string;
}

interface Props {
  title: string;
  /** One day (`YYYY-MM-DD`) a value, oldest first: the page's window, of which the chart shows the days from the first reading. */
  days: string[];
  lines: ChartLine[];
  unit: Unit;
  /** What a point is: the day's value, a day's count, a month's. */
  per: Per;
  currency?: string;
  testId: string;
  height?: number;
  /** A limit to draw as a dashed line (a warning's), so the distance left is seen. */
  limit?: { value: number; label: string };
}

const cssVar = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** Day ticks a week, a fortnight or a month apart, as many as fit: at most six. */
function daySplits(days: string[]): number[] {
  const every = [1, 2, 7, 14, 30, 60].find((k) => days.length / k <= 6) ?? 90;
  const out: number[] = [];
  for (let i = days.length - 1; i >= 0; i -= every) out.unshift(dayToX(days[i]));
  return out;
}

export function Chart({ title, days: window, lines: all, unit, per, currency, testId, height = 120, limit }: Props) {
  const { t, lang } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [hover, setHover] = useState<{ idx: number; left: number } | null>(null);
  const fmt = (v: number) => formatValue(lang, unit, v, currency);

  // The days from the first reading (at least a week), and each line over them.
  const from = firstShown(window.length, all.map((l) => l.values));
  const days = useMemo(() => window.slice(from), [window, from]);
  const lines = useMemo(() => all.map((l) => ({ ...l, values: l.values.slice(from) })), [all, from]);
  const top = Math.max(0, ...lines.flatMap((l) => l.values.filter((v): v is number => v != null)), limit?.value ?? 0);
  const scale = scaleOf(unit, top, currency);
  // What the axis callbacks read: they live as long as the chart, the data changes under them.
  const axis = useRef<{ days: string[]; scale: Scale; ySplits: number[] }>({ days, scale, ySplits: [] });
  axis.current.days = days;
  axis.current.scale = scale;

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
    const opts: uPlot.Options = {
      width: Math.max(120, el.clientWidth),
      height,
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { show: false },
      scales: {
        x: { time: true },
        y: {
          range: (_u, _min, max) => {
            axis.current.ySplits = splitsOf(max ?? 0, scaleOf(unit, max ?? 0, currency));
            return [0, axis.current.ySplits.at(-1)!];
          },
        },
      },
      axes: [
        {
          stroke: muted,
          font,
          size: 30,
          grid: { show: false },
          ticks: { stroke: grid },
          splits: () => daySplits(axis.current.days),
          values: (_u, splits) => splits.map((s) => formatDay(lang, new Date(s * 1000).toISOString().slice(0, 10))),
        },
        {
          stroke: muted,
          font,
          size: 48,
          grid: { stroke: grid, width: 1 },
          ticks: { show: false },
          splits: () => axis.current.ySplits,
          values: (u, splits) => {
            const texts = splits.map((v) => tickText(lang, v, axis.current.scale));
            // Drawn on the canvas: also said on the element, for a test to read what a person sees.
            u.root.parentElement?.setAttribute('data-ticks', texts.join('|'));
            return texts;
          },
        },
      ],
      series: [
        {},
        ...lines.map((l) => ({
          label: l.label,
          stroke: cssVar(l.color ?? '--accent', '#3a4ee0'),
          width: 1.5,
          spanGaps: false,
          // A day between days not reported has no line to be part of: drawn as a dot, or the
          // first day collected would not be seen at all.
          points: { show: true, size: 5, filter: (u: uPlot, si: number) => lone(u.data[si]) },
        })),
        ...(limit ? [{ label: limit.label, stroke: cssVar('--danger', '#c42b2b'), width: 1, dash: [4, 4], points: { show: false } }] : []),
      ],
      hooks: {
        setCursor: [
          (u) => {
            const idx = u.cursor.idx;
            if (idx == null || u.cursor.left == null || u.cursor.left < 0) return setHover(null);
            const left = u.valToPos(u.data[0][idx], 'x') + u.over.offsetLeft;
            setHover((h) => (h && h.idx === idx && h.left === left ? h : { idx, left }));
          },
        ],
      },
    };
    const u = new uPlot(opts, data, el);
    plot.current = u;
    const leave = () => setHover(null);
    u.over.addEventListener('mouseleave', leave);
    const resize = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w > 0 && w !== u.width) u.setSize({ width: w, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.over.removeEventListener('mouseleave', leave);
      u.destroy();
      plot.current = null;
    };
    // `data` is the first drawing's; later data goes through the effect below.
  }, [shape, height]);

  useLayoutEffect(() => {
    if (plot.current && plot.current.data !== data) plot.current.setData(data);
  }, [data]);

  const summary = summarize(lines, days, fmt, t);
  // The days shown, and of them those some line has a value for (what was collected).
  const reported = days.filter((_d, i) => lines.some((l) => l.values[i] != null)).length;
  const period = days.length ? `${formatDay(lang, days[0])} – ${formatDay(lang, days[days.length - 1])}` : '';
  const shown = hover && hover.idx < days.length ? hover : null;
  return (
    <figure className="usage-chart" data-testid={testId} data-days={days.length} data-window={window.length} data-reported={reported}>
      <figcaption>
        <span className="usage-chart-title">{title}</span>
        <span className="usage-chart-unit" data-testid={`${testId}-unit`}>
          {unitLine(lang, scale, per)} · {period}
        </span>
      </figcaption>
      <div className="usage-chart-plot" ref={box} role="img" aria-label={`${title}: ${summary}`} data-testid={`${testId}-plot`}>
        {shown && (
          <div className={`usage-chart-hover${shown.left > (box.current?.clientWidth ?? 0) / 2 ? ' left' : ''}`} style={{ left: shown.left }} data-testid={`${testId}-hover`}>
            <strong>{formatDay(lang, days[shown.idx])}</strong>
            {lines.map((l) => {
              const v = l.values[shown.idx];
              return (
                <span key={l.label}>
                  {lines.length > 1 && `${l.label}: `}
                  {v == null ? t('usage.notReported') : fmt(v)}
                </span>
              );
            })}
          </div>
        )}
      </div>
      <ul className="usage-chart-legend" data-testid={`${testId}-legend`}>
        {lines.map((l) => (
          <li key={l.label}>
            <i style={{ background: `var(${l.color ?? '--accent'})` }} aria-hidden="true" />
            {l.label}
          </li>
        ))}
        {limit && (
          <li className="limit">
            <i aria-hidden="true" />
            {limit.label}: {fmt(limit.value)}
          </li>
        )}
      </ul>
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
export function Sparkline({ values: window, label, testId }: { values: (number | null)[]; label: string; testId?: string }) {
  // From the first reading, as the charts: two days collected are a line, not a dot at the edge.
  const values = window.slice(firstShown(window.length, [window]));
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
