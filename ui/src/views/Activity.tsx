// The runs as lists: a customer's history on its page and "Aktivitet", every run with filters.
import { useEffect, useState } from 'react';
import { call } from '../api';
import type { RunKind, RunRow, RunState } from '../bindings';
import { RUN_KINDS, RUN_STATES } from '../bindings';
import { formatDateTime, runKindKey, runStateKey, useI18n } from '../i18n';
import { useRuns } from '../state/runs';
import { LastTick } from './Schedule';

function RunListItem({ r, onOpen, testId }: { r: RunRow; onOpen: () => void; testId: string }) {
  const { t, lang } = useI18n();
  const { runs } = useRuns();
  const state = runs[r.id]?.run.state ?? r.state;
  return (
    <li className="run-item" data-testid={testId} data-run={r.id} data-state={state}>
      <button type="button" className={r.person ? 'run-item-button has-person' : 'run-item-button'} onClick={onOpen}>
        <span className="run-item-name truncate">{r.customer_name || r.slug}</span>
        <span className="muted">{t(runKindKey(r.kind))}</span>
        <span className={`run-state run-state-${state}`}>{t(runStateKey(state))}</span>
        <span className="muted tabular">{formatDateTime(lang, r.started_at)}</span>
        {/* The shared register's login that started it (a register file has none). */}
        {r.person && (
          <span className="muted truncate" data-testid="run-person" title={t('run.person', { person: r.person })}>
            {r.person}
          </span>
        )}
      </button>
    </li>
  );
}

/** The customer's runs, newest first; choosing one shows it in the panel above. */
export function RunHistory({ rows, selected, onSelect }: { rows: RunRow[]; selected: number | null; onSelect: (id: number) => void }) {
  const { t } = useI18n();
  return (
    <div className="card history-card">
      <h2 className="card-title">{t('history.title')}</h2>
      {rows.length === 0 ? (
        <p className="muted" data-testid="history-empty">
          {t('history.empty')}
        </p>
      ) : (
        <ol className="run-items" data-testid="history-list">
          {rows.map((r) => (
            <div key={r.id} className={r.id === selected ? 'is-selected' : undefined}>
              <RunListItem r={r} testId="history-item" onOpen={() => onSelect(r.id)} />
            </div>
          ))}
        </ol>
      )}
    </div>
  );
}

/** "Aktivitet": every run, newest first. */
export function Activity({ onOpenRun }: { onOpenRun: (slug: string, run: number) => void }) {
  const { t } = useI18n();
  const { trackRows, finished, latest } = useRuns();
  const [rows, setRows] = useState<RunRow[] | null>(null);
  // Filters: a customer (name or slug), a kind, a state; all in the window, over the newest 500.
  const [who, setWho] = useState('');
  const [kind, setKind] = useState<RunKind | ''>('');
  const [state, setState] = useState<RunState | ''>('');
  const known = Object.keys(latest).length;
  const done = Object.values(finished).reduce((a, b) => a + b, 0);
  useEffect(() => {
    call('list_runs', { slug: null })
      .then((r) => {
        setRows(r);
        trackRows(r);
      })
      .catch(() => setRows([]));
  }, [trackRows, known, done]);
  const needle = who.trim().toLowerCase();
  const shown = (rows ?? []).filter(
    (r) =>
      (!needle || r.slug.includes(needle) || r.customer_name.toLowerCase().includes(needle)) && (!kind || r.kind === kind) && (!state || r.state === state),
  );
  const filtered = needle !== '' || kind !== '' || state !== '';
  return (
    <section className="page page-activity" aria-labelledby="activity-title">
      <div className="page-head">
        <h1 id="activity-title" className="page-title">
          {t('activity.title')}
        </h1>
      </div>
      <p className="muted">{t('activity.intro')}</p>
      <LastTick />
      {rows && rows.length > 0 && (
        <div className="toolbar" role="search">
          <label className="field-inline grow">
            <span className="visually-hidden">{t('activity.customer')}</span>
            <input
              type="search"
              className="input"
              data-testid="activity-search"
              placeholder={t('activity.customer')}
              value={who}
              onChange={(e) => setWho(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </label>
          <label className="field-inline">
            <span className="toolbar-label">{t('activity.kind')}</span>
            <select className="select" data-testid="activity-kind" value={kind} onChange={(e) => setKind(e.target.value as RunKind | '')}>
              <option value="">{t('activity.all')}</option>
              {RUN_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(runKindKey(k))}
                </option>
              ))}
            </select>
          </label>
          <label className="field-inline">
            <span className="toolbar-label">{t('activity.state')}</span>
            <select className="select" data-testid="activity-state" value={state} onChange={(e) => setState(e.target.value as RunState | '')}>
              <option value="">{t('activity.all')}</option>
              {RUN_STATES.map((s) => (
                <option key={s} value={s}>
                  {t(runStateKey(s))}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {rows && rows.length === 0 && <p className="muted">{t('activity.empty')}</p>}
      {rows && rows.length > 0 && shown.length === 0 && filtered && (
        <div className="no-match" data-testid="activity-no-match">
          <p>{t('activity.noMatch')}</p>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              setWho('');
              setKind('');
              setState('');
            }}
          >
            {t('list.clearFilters')}
          </button>
        </div>
      )}
      {rows && shown.length > 0 && (
        <ol className="run-items card" data-testid="activity-list">
          {shown.map((r) => (
            <RunListItem key={r.id} r={r} testId="activity-item" onOpen={() => onOpenRun(r.slug, r.id)} />
          ))}
        </ol>
      )}
    </section>
  );
}
