import { useCallback, useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { call, type ApiError } from '../api';
import type { CustomerRow, SortKey, Status } from '../bindings';
import { countText, formatDate, SORT_KEYS, STATUSES, useI18n } from '../i18n';
import { useToast } from '../state/toast';
import type { ListState } from '../state/navigation';
import { ExampleTag, LiveStatusBadge, useDebounced } from './common';
import { useRuns } from '../state/runs';
import { ProvisionButton, RowProgress } from './Runs';

const ROW_HEIGHT = 60;

interface Props {
  state: ListState;
  onStateChange: (s: ListState) => void;
  onOpen: (slug: string) => void;
  onAdd: () => void;
}

export function CustomerList({ state, onStateChange, onOpen, onAdd }: Props) {
  const { t, err, tx, lang } = useI18n();
  const toast = useToast();
  const [rows, setRows] = useState<CustomerRow[] | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  // Whether example customers exist: known from the last unfiltered listing.
  const [hasExamples, setHasExamples] = useState(false);
  const search = useDebounced(state.search.trim(), 150);
  const filtered = search !== '' || state.status !== '';
  const requestId = useRef(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const { provision, finished, refreshReadiness, readiness } = useRuns();
  const finishedTotal = Object.values(finished).reduce((a, b) => a + b, 0);

  const load = useCallback(async () => {
    const id = ++requestId.current;
    try {
      const result = await call('list_customers', {
        query: { search: search || undefined, status: state.status || undefined, sort: state.sort },
      });
      if (id !== requestId.current) return; // a newer query answered or will answer
      setRows(result);
      setLoadError(null);
      if (!search && !state.status) setHasExamples(result.some((r) => r.is_example));
    } catch (e) {
      if (id !== requestId.current) return;
      setLoadError(e as ApiError);
    }
  }, [search, state.status, state.sort]);

  useEffect(() => {
    void load();
  }, [load, finishedTotal]);
  useEffect(() => {
    refreshReadiness();
  }, [refreshReadiness]);

  function toggle(slug: string, on: boolean) {
    setSelected((cur) => {
      const next = new Set(cur);
      if (on) next.add(slug);
      else next.delete(slug);
      return next;
    });
  }
  const selectable = (rows ?? []).filter((r) => !r.production_url);
  const chosen = selectable.filter((r) => selected.has(r.slug));
  function provisionSelected() {
    provision(chosen.map((r) => ({ slug: r.slug, name: r.name })));
    setSelected(new Set());
  }

  async function loadExamples() {
    setBusy(true);
    try {
      const n = await call('load_examples', {});
      toast('success', countText(lang, 'list.examplesLoaded', n));
      await load();
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }

  async function removeExamples() {
    setBusy(true);
    try {
      const n = await call('remove_examples', {});
      toast('success', countText(lang, 'list.examplesRemoved', n));
      setHasExamples(false);
      await load();
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }

  const empty = rows !== null && rows.length === 0 && !filtered && state.search.trim() === '';

  return (
    <section className="page page-list" aria-labelledby="list-title">
      <div className="page-head">
        <div className="page-title-row">
          <h1 id="list-title" className="page-title">
            {t('list.title')}
          </h1>
          <span className="count" data-testid="customer-count" aria-live="polite">
            {rows ? countText(lang, 'list.count', rows.length) : '\u00a0'}
          </span>
        </div>
        {/* In the empty state its own button is the one way to add a customer. */}
        {!empty && (
          <button type="button" className="btn btn-primary" data-testid="add-customer" onClick={onAdd}>
            <span aria-hidden="true" className="btn-plus">+</span> {t('list.add')}
          </button>
        )}
      </div>

      {hasExamples && (
        <div className="notice" role="note">
          <span>{t('list.examplesNotice')}</span>
          <button type="button" className="btn btn-small" data-testid="remove-examples" disabled={busy} onClick={removeExamples}>
            {t('list.removeExamples')}
          </button>
        </div>
      )}

      <div className="toolbar" role="search">
        <label className="field-inline grow">
          <span className="visually-hidden">{t('list.search')}</span>
          <span className="search-icon" aria-hidden="true">
            ⌕
          </span>
          <input
            type="search"
            className="input input-search"
            data-testid="search"
            placeholder={t('list.searchPlaceholder')}
            value={state.search}
            onChange={(e) => onStateChange({ ...state, search: e.target.value })}
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <label className="field-inline">
          <span className="toolbar-label">{t('list.statusFilter')}</span>
          <select
            className="select"
            data-testid="status-filter"
            value={state.status}
            onChange={(e) => onStateChange({ ...state, status: e.target.value as Status | '' })}
          >
            <option value="">{t('list.allStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span className="toolbar-label">{t('list.sort')}</span>
          <select className="select" data-testid="sort" value={state.sort} onChange={(e) => onStateChange({ ...state, sort: e.target.value as SortKey })}>
            {SORT_KEYS.map((k) => (
              <option key={k} value={k}>
                {t(`sort.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn"
          data-testid="provision-selected"
          disabled={chosen.length === 0 || !readiness?.ready}
          title={readiness && !readiness.ready && readiness.reason ? tx(readiness.reason) : undefined}
          onClick={provisionSelected}
        >
          {t('list.provisionSelected', { n: chosen.length })}
        </button>
      </div>

      {loadError && (
        <div className="panel panel-error" role="alert">
          <p>
            {t('list.loadFailed')} {err(loadError)}
          </p>
          <button type="button" className="btn" onClick={() => void load()}>
            {t('list.retry')}
          </button>
        </div>
      )}

      {empty ? (
        <div className="empty-state" data-testid="empty-state">
          <div className="empty-illustration" aria-hidden="true">
            <span />
            <span />
            <span />
          </div>
          <h2>{t('empty.title')}</h2>
          <p>{t('empty.body')}</p>
          <div className="empty-actions">
            <button type="button" className="btn btn-primary" data-testid="add-customer" onClick={onAdd}>
              {t('list.add')}
            </button>
            <button type="button" className="btn" data-testid="load-examples" disabled={busy} onClick={loadExamples}>
              {t('empty.loadExamples')}
            </button>
          </div>
        </div>
      ) : (
        rows && (
          <VirtualRows
            rows={rows}
            onOpen={onOpen}
            selected={selected}
            onToggle={toggle}
            noMatch={
              <div className="no-match">
                <p>{t('list.noMatch')}</p>
                <button type="button" className="btn btn-small" onClick={() => onStateChange({ ...state, search: '', status: '' })}>
                  {t('list.clearFilters')}
                </button>
              </div>
            }
          />
        )
      )}
    </section>
  );
}

function VirtualRows({
  rows,
  onOpen,
  noMatch,
  selected,
  onToggle,
}: {
  rows: CustomerRow[];
  onOpen: (slug: string) => void;
  noMatch: React.ReactNode;
  selected: Set<string>;
  onToggle: (slug: string, on: boolean) => void;
}) {
  const { t, lang } = useI18n();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (i) => rows[i].id,
  });

  function focusRow(index: number) {
    const i = Math.max(0, Math.min(rows.length - 1, index));
    virtualizer.scrollToIndex(i, { align: 'auto' });
    requestAnimationFrame(() => {
      scrollRef.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus();
    });
  }

  function onKeyDown(e: React.KeyboardEvent, index: number, slug: string) {
    switch (e.key) {
      case 'Enter':
      case ' ':
        e.preventDefault();
        onOpen(slug);
        break;
      case 'ArrowDown':
        e.preventDefault();
        focusRow(index + 1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        focusRow(index - 1);
        break;
      case 'Home':
        e.preventDefault();
        focusRow(0);
        break;
      case 'End':
        e.preventDefault();
        focusRow(rows.length - 1);
        break;
    }
  }

  return (
    <div className="table">
      <div className="table-head" aria-hidden="true">
        <span />
        <span>{t('list.col.customer')}</span>
        <span>{t('list.col.email')}</span>
        <span>{t('list.col.plan')}</span>
        <span>{t('list.col.status')}</span>
        <span className="col-date">{t('list.col.created')}</span>
        <span>{t('list.col.provision')}</span>
      </div>
      <div className="table-scroll" ref={scrollRef} data-testid="customer-list" role="list" aria-label={t('list.title')}>
        {rows.length === 0 ? (
          noMatch
        ) : (
          <div className="table-canvas" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const r = rows[item.index];
              return (
                <div
                  key={item.key}
                  role="listitem"
                  tabIndex={0}
                  className="row"
                  data-testid="customer-row"
                  data-slug={r.slug}
                  data-index={item.index}
                  aria-label={r.name}
                  style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                  onClick={() => onOpen(r.slug)}
                  onKeyDown={(e) => onKeyDown(e, item.index, r.slug)}
                >
                  <span className="cell cell-select" onClick={(e) => e.stopPropagation()}>
                    {!r.production_url && (
                      <input
                        type="checkbox"
                        data-testid={`select-${r.slug}`}
                        aria-label={t('list.select', { name: r.name })}
                        checked={selected.has(r.slug)}
                        onChange={(e) => onToggle(r.slug, e.target.checked)}
                        onKeyDown={(e) => e.stopPropagation()}
                      />
                    )}
                  </span>
                  <span className="cell cell-name">
                    <span className="row-name">
                      <span className="truncate">{r.name}</span>
                      {r.is_example && <ExampleTag />}
                    </span>
                    <span className="row-slug truncate">{r.slug}</span>
                  </span>
                  <span className="cell truncate muted">{r.admin_email}</span>
                  <span className="cell">
                    <span className={`plan plan-${r.plan}`}>{t(`plan.${r.plan}`)}</span>
                  </span>
                  <span className="cell">
                    <LiveStatusBadge slug={r.slug} status={r.status} />
                  </span>
                  <span className="cell col-date muted tabular">{formatDate(lang, r.created_at)}</span>
                  <span className="cell cell-provision">
                    <RowProgress slug={r.slug} />
                    {!r.production_url && <ProvisionButton slug={r.slug} name={r.name} testId={`provision-row-${r.slug}`} small />}
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
