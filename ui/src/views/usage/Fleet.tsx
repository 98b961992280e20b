// "Användning": the fleet's usage, one row a delivered customer, ordered by lowest margin, by
// nearest limit or by fastest growth, with the register's filters, the database's size as a
// small line per row, the sums per currency and the view as a CSV file.
import { useMemo, useState } from 'react';
import { call, type ApiError } from '../../api';
import { formatNumber, useI18n } from '../../i18n';
import type { UsageState } from '../../state/navigation';
import { useToast } from '../../state/toast';
import { matchesSearch, PlanFilter, SearchFilter, StatusFilter } from '../ListFilters';
import { StatusBadge } from '../common';
import { Sparkline } from './Chart';
import { daysLeftText, MoneyText } from './Economics';
import { figureName, formatBytes, formatGrowth, formatShare } from './format';
import { useLoad } from '../../state/load';
import { FLEET_SORTS, type FleetRow, type FleetSort, type FleetUsage, type Money } from '../../bindings';
import { CollectButton } from './Collect';
import './usage.css';

export const USAGE_SORTS = FLEET_SORTS;
export const USAGE_DAYS = [30, 90] as const;

/**
 * The rows the filters keep, in the core's order for `sort` (crates/fabrik-usage/src/usage/order.rs, the CLI's too):
 * the window does not decide what "lowest margin first" means.
 */
export function orderedRows(fleet: FleetUsage, sort: FleetSort, keep: (r: FleetRow) => boolean): FleetRow[] {
  const order = fleet.orders.find((o) => o.sort === sort)?.rows ?? fleet.rows.map((_, i) => i);
  return order.map((i) => fleet.rows[i]).filter((r): r is FleetRow => r !== undefined && keep(r));
}

export function Fleet({ state, onStateChange, onOpen }: { state: UsageState; onStateChange: (s: UsageState) => void; onOpen: (slug: string) => void }) {
  const { t, err, lang } = useI18n();
  const toast = useToast();
  const [collected, setCollected] = useState(0);
  const { data: fleet, error } = useLoad('usage_fleet', { days: state.days }, [state.days, collected]);
  const [exporting, setExporting] = useState(false);

  const rows = useMemo(() => {
    if (!fleet) return [];
    return orderedRows(
      fleet,
      state.sort,
      (r) => matchesSearch(state.search, r) && (state.status === '' || r.status === state.status) && (state.plan === '' || r.plan === state.plan),
    );
  }, [fleet, state.search, state.status, state.plan, state.sort]);

  async function exportCsv() {
    setExporting(true);
    try {
      const done = await call('usage_csv', { days: state.days });
      toast('success', t('usage.exported', { n: formatNumber(lang, done.count), path: done.path }));
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setExporting(false);
    }
  }

  const set = (patch: Partial<UsageState>) => onStateChange({ ...state, ...patch });
  return (
    <section className="page page-usage" aria-labelledby="usage-fleet-title">
      <div className="page-head">
        <div className="page-title-row">
          <h1 id="usage-fleet-title" className="page-title">
            {t('usage.fleet.title')}
          </h1>
          <span className="count" data-testid="usage-count" aria-live="polite">
            {fleet ? t('usage.fleet.count', { n: formatNumber(lang, rows.length), total: formatNumber(lang, fleet.rows.length) }) : '\u00a0'}
          </span>
        </div>
        <div className="actions">
          <CollectButton onDone={() => setCollected((n) => n + 1)} />
          <button type="button" className="btn" data-testid="usage-export-csv" disabled={exporting} onClick={() => void exportCsv()}>
            {exporting ? t('register.exporting') : t('register.exportCsv')}
          </button>
        </div>
      </div>
      <div className="toolbar" role="search">
        <SearchFilter value={state.search} onChange={(search) => set({ search })} />
        <StatusFilter value={state.status} onChange={(status) => set({ status })} />
        <PlanFilter value={state.plan} onChange={(plan) => set({ plan })} />
        <label className="field-inline">
          <span className="toolbar-label">{t('list.sort')}</span>
          <select className="select" data-testid="usage-sort" value={state.sort} onChange={(e) => set({ sort: e.target.value as FleetSort })}>
            {USAGE_SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`usage.sort.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span className="toolbar-label">{t('usage.days')}</span>
          <select className="select" data-testid="usage-days" value={state.days} onChange={(e) => set({ days: Number(e.target.value) as UsageState['days'] })}>
            {USAGE_DAYS.map((d) => (
              <option key={d} value={d}>
                {t('usage.daysN', { n: d })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <div className="panel panel-error" role="alert">
          <p>
            {t('usage.loadFailed')} {err(error)}
          </p>
        </div>
      )}
      {fleet && fleet.rows.length === 0 && (
        <p className="muted" data-testid="usage-empty">
          {t('usage.fleet.empty')}
        </p>
      )}
      {fleet && fleet.rows.length > 0 && (
        <div className="card">
          {/* A table wider than the window (large text) scrolls sideways on its own. */}
          <div className="table-wrap">
          <table className="usage-table" data-testid="usage-table">
            <thead>
              <tr>
                <th scope="col">{t('list.col.customer')}</th>
                <th scope="col">{t('list.col.plan')}</th>
                <th scope="col">{t('list.col.status')}</th>
                <th scope="col">{figureName(lang, 'database_bytes')}</th>
                <th scope="col" className="num">
                  {t('usage.growth')}
                </th>
                <th scope="col">{t('usage.nearest')}</th>
                <th scope="col" className="num">
                  {t('usage.revenue')}
                </th>
                <th scope="col" className="num">
                  {t('usage.cost')}
                </th>
                <th scope="col" className="num">
                  {t('usage.margin')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <Row key={r.slug} row={r} onOpen={onOpen} />
              ))}
              {rows.length === 0 && (
                <tr>
                  <td colSpan={9} className="muted" data-testid="usage-no-match">
                    {t('list.noMatch')}{' '}
                    <button type="button" className="btn btn-small" onClick={() => set({ search: '', status: '', plan: '' })}>
                      {t('list.clearFilters')}
                    </button>
                  </td>
                </tr>
              )}
            </tbody>
            <tfoot>
              <tr data-testid="usage-totals">
                <td colSpan={6}>{t('usage.fleet.totals')}</td>
                <td className="num">
                  <Sums sums={fleet.revenue} testId="usage-total-revenue" />
                </td>
                <td className="num">
                  <Sums sums={fleet.cost} testId="usage-total-cost" />
                </td>
                <td className="num">
                  <Sums sums={fleet.margin} testId="usage-total-margin" />
                </td>
              </tr>
            </tfoot>
          </table>
          </div>
        </div>
      )}
    </section>
  );
}

function Row({ row: r, onOpen }: { row: FleetRow; onOpen: (slug: string) => void }) {
  const { t, tx, lang } = useI18n();
  const latest = [...r.database].reverse().find((v): v is number => v !== null);
  const w = r.nearest;
  return (
    <tr
      data-testid="usage-row"
      data-slug={r.slug}
      tabIndex={0}
      aria-label={r.name}
      onClick={() => onOpen(r.slug)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onOpen(r.slug);
        }
      }}
    >
      <td>
        <span className="usage-name">
          <span>{r.name}</span>
          <span className="row-slug mono">{r.slug}</span>
        </span>
        {r.fit && (
          <span className="usage-fit small" data-testid="usage-row-fit" title={tx(r.fit.message)}>
            {tx(r.fit.message)}
          </span>
        )}
      </td>
      <td>
        <span className={`plan plan-${r.plan}`}>{t(`plan.${r.plan}`)}</span>
      </td>
      <td>
        <StatusBadge status={r.status} />
      </td>
      <td>
        <span className="usage-db">
          <Sparkline values={r.database} testId={`usage-spark-${r.slug}`} label={t('usage.sparkLabel', { name: r.name })} />
          <span className="tabular small">{latest === undefined ? t('usage.notReported') : formatBytes(lang, latest)}</span>
        </span>
      </td>
      <td className="num" data-testid="usage-growth">
        {r.growth === null ? <span className="muted">–</span> : formatGrowth(lang, r.growth)}
      </td>
      <td data-testid="usage-nearest">
        {w ? (
          <span className={w.share >= 1 ? 'danger' : 'usage-fit'} title={tx(w.message)}>
            {w.kind === 'idle_pause' ? t('usage.warning.idleShort') : `${w.figure ? figureName(lang, w.figure) : ''} ${formatShare(lang, w.share)}`}
            {w.days_left !== null && ` · ${daysLeftText(t, w.days_left)}`}
            {r.warnings > 1 && ` (+${r.warnings - 1})`}
          </span>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
      <td className="num">
        <MoneyText money={r.economics.revenue} />
      </td>
      <td className="num">
        <MoneyText money={r.economics.cost} />
      </td>
      <td className="num" title={r.economics.margin_missing ? tx(r.economics.margin_missing) : undefined}>
        <MoneyText money={r.economics.margin} testId="usage-row-margin" />
      </td>
    </tr>
  );
}

function Sums({ sums, testId }: { sums: Money[]; testId: string }) {
  if (sums.length === 0) return <MoneyText money={null} testId={testId} />;
  return (
    <span className="usage-name" data-testid={testId}>
      {sums.map((m) => (
        <MoneyText key={m.currency} money={m} />
      ))}
    </span>
  );
}
