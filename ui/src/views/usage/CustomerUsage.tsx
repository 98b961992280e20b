// "Användning" on a customer's page: the last 90 days of its main figures as small charts, the
// latest figures (or "rapporteras inte"), the warnings before a limit bites, its money a month
// and its plan's fit, and what the last collection could not read.
import { useMemo, useState } from 'react';
import { formatDateTime, useI18n } from '../../i18n';
import { Chart, type ChartLine } from './Chart';
import { EconomicsBlock, FitText, WarningItem } from './Economics';
import { FIGURE_PER, FIGURE_UNIT, figureName, formatValue } from './format';
import { useLoad } from '../../state/load';
import { CollectButton } from './Collect';
import { COMPUTE_NAME, type CustomerUsage, type Figure } from '../../bindings';

/** The days a customer's page shows. */
export const PAGE_DAYS = 90;

/** The page's charts: one figure each, or a figure with its failures beside it. */
const CHARTS: { id: string; figures: Figure[]; colors?: string[] }[] = [
  { id: 'database', figures: ['database_bytes'] },
  { id: 'requests', figures: ['api_requests'] },
  { id: 'users', figures: ['auth_users'] },
  { id: 'storage', figures: ['storage_bytes'] },
  { id: 'executions', figures: ['executions', 'failed_executions'], colors: ['--accent', '--danger'] },
  { id: 'emails', figures: ['emails_sent'] },
];

export function UsagePanel({ slug, reload }: { slug: string; reload?: number }) {
  const { t, err, tx, lang } = useI18n();
  const [collected, setCollected] = useState(0);
  const { data: usage, error } = useLoad('usage_customer', { slug, days: PAGE_DAYS }, [slug, reload, collected]);

  const byDay = useMemo(() => seriesByDay(usage), [usage]);
  // Made once per answer (and language): a chart is given new data only when it changed.
  const lines = useMemo(() => CHARTS.map((c) => linesOf(c.figures, c.colors, byDay, (f) => figureName(lang, f))), [byDay, lang]);

  return (
    <section className="card usage-card" aria-labelledby="usage-title" data-testid="usage-panel">
      <div className="usage-head">
        <h2 id="usage-title" className="card-title">
          {t('usage.title')}
        </h2>
        <span className="usage-head">
          {usage && (
            <span className="usage-meta" data-testid="usage-collected">
              {usage.collected_at ? t('usage.collectedAt', { at: formatDateTime(lang, usage.collected_at) }) : t('usage.neverCollected')}
              {usage.compute && ` · ${t('usage.compute', { size: COMPUTE_NAME[usage.compute] ?? usage.compute })}`}
            </span>
          )}
          <CollectButton small onDone={() => setCollected((n) => n + 1)} />
        </span>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {t('usage.loadFailed')} {err(error)}
        </p>
      )}
      {!usage && !error && <p className="muted" aria-busy="true">{t('usage.loading')}</p>}
      {usage && (
        <>
          {usage.warnings.length > 0 && (
            <ul className="usage-warnings" data-testid="usage-warnings" aria-label={t('usage.warnings')}>
              {usage.warnings.map((w, i) => (
                <WarningItem key={i} warning={w} />
              ))}
            </ul>
          )}
          {byDay.empty && (
            <p className="muted" data-testid="usage-nothing">
              {t('usage.nothing')}
            </p>
          )}
          {!byDay.empty && (
            <div className="usage-charts">
              {CHARTS.map((c, i) => (
                <Chart
                  key={c.id}
                  testId={`usage-chart-${c.id}`}
                  title={c.figures.map((f) => figureName(lang, f)).join(' / ')}
                  days={byDay.days}
                  unit={FIGURE_UNIT[c.figures[0]]}
                  per={FIGURE_PER[c.figures[0]]}
                  lines={lines[i]}
                  limit={limitOf(usage, c.figures[0], t('usage.limit'))}
                />
              ))}
            </div>
          )}
          <div className="usage-grid">
            <div>
              <h3>{t('usage.latest')}</h3>
              <dl className="usage-latest" data-testid="usage-latest">
                {usage.latest.map((l) => (
                  <div key={l.figure} style={{ display: 'contents' }} data-figure={l.figure}>
                    <dt>{figureName(lang, l.figure)}</dt>
                    <dd data-testid={`usage-latest-${l.figure}`} className={l.value === null ? 'muted' : undefined}>
                      {l.value === null ? t('usage.notReported') : formatValue(lang, FIGURE_UNIT[l.figure], l.value, usage.economics.revenue?.currency)}
                    </dd>
                  </div>
                ))}
              </dl>
            </div>
            <div>
              <EconomicsBlock economics={usage.economics} />
              {usage.fit && <FitText fit={usage.fit} />}
            </div>
            {usage.problems.length > 0 && (
              <div>
                <h3>{t('usage.problems')}</h3>
                <ul className="usage-problems" data-testid="usage-problems">
                  {usage.problems.map((p, i) => (
                    <li key={i}>{tx(p)}</li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        </>
      )}
    </section>
  );
}

interface ByDay {
  days: string[];
  /** No figure has a value on any day: nothing to draw. */
  empty: boolean;
  values: Map<Figure, Map<string, number | null>>;
}

/** Every day any series has, oldest first, and each figure's value by day. */
function seriesByDay(usage: CustomerUsage | null): ByDay {
  const days = new Set<string>();
  const values = new Map<Figure, Map<string, number | null>>();
  for (const s of usage?.series ?? []) {
    values.set(s.figure, new Map(s.points.map((p) => [p.day, p.value])));
    for (const p of s.points) days.add(p.day);
  }
  const empty = (usage?.series ?? []).every((s) => s.points.every((p) => p.value === null));
  return { days: [...days].sort(), values, empty };
}

function linesOf(figures: Figure[], colors: string[] | undefined, byDay: ByDay, label: (f: Figure) => string): ChartLine[] {
  return figures.map((f, i) => ({
    label: label(f),
    color: colors?.[i],
    // A day the figure has no point for was not reported either.
    values: byDay.days.map((d) => byDay.values.get(f)?.get(d) ?? null),
  }));
}

/** The limit a warning names for this figure, for its chart. */
function limitOf(usage: CustomerUsage, figure: Figure, label: string) {
  const w = usage.warnings.find((x) => x.kind === 'figure' && x.figure === figure);
  return w ? { value: w.limit, label: `${label} (${w.limit_of})` } : undefined;
}
