import { useCallback, useEffect, useRef, useState } from 'react';
import { call, type ApiError } from '../api';
import { useEvent } from '../state/events';
import type { BackupAge, BillingCell as BillingCellData, CustomerRow, SortKey } from '../bindings';
import { countText, formatAge, formatDate, formatDateTime, SORT_KEYS, useI18n } from '../i18n';
import { useToast } from '../state/toast';
import type { ListState } from '../state/navigation';
import { CancelledTag, ExampleTag, LiveStatusBadge, useDebounced } from './common';
import { useFixedRows } from './fixedRows';
import { useRuns } from '../state/runs';
import { afterListPainted, markListPainted, takeFirstPage, takeFirstPageNow } from '../state/startup';
import { useSweep } from '../state/sweep';
import { ProvisionButton } from './Provision';
import { RowProgress } from './Runs';
import { ImportButton } from './RegisterFile';
import { SearchFilter, StatusFilter } from './ListFilters';
import { BillingCell, useBillingColumn } from './billing/BillingCell';

const ROW_HEIGHT = 60;
/** The shared register's tables whose change names a customer (`RegisterChange.id`). */
const CUSTOMER_TABLES = ['customers', 'instances', 'health_checks'];

interface Props {
  state: ListState;
  onStateChange: (s: ListState) => void;
  onOpen: (slug: string) => void;
  onAdd: () => void;
}

/** Rows per request: the register answers in pages (CustomerQuery::PAGE in the core). */
const PAGE = 100;
/** Pages kept in memory: the window holds a few screens of rows, whatever the register's size. */
const KEPT_PAGES = 12;

/** The register as the list knows it: the whole filtered size and the pages read so far. */
interface Listing {
  key: string;
  total: number;
  pages: Map<number, CustomerRow[]>;
}

export function CustomerList({ state, onStateChange, onOpen, onAdd }: Props) {
  const { t, err, tx, lang } = useI18n();
  const toast = useToast();
  const search = useDebounced(state.search.trim(), 150);
  const filtered = search !== '' || state.status !== '';
  const [reloads, setReloads] = useState(0);
  // Selected customers by slug, with their names for the plan: kept across pages.
  const [selected, setSelected] = useState<Map<string, string>>(new Map());
  const { provision, finished, refreshReadiness, readiness } = useRuns();
  const finishedTotal = Object.values(finished).reduce((a, b) => a + b, 0);
  const key = JSON.stringify([search, state.status, state.sort, finishedTotal, reloads]);
  const pageQuery = (index: number) => ({ search: search || undefined, status: state.status || undefined, sort: state.sort, offset: index * PAGE, limit: PAGE });
  // As the window opens, the first page has usually answered already: the first frame shows it.
  const [opened] = useState(() => takeFirstPageNow(pageQuery(0)));
  const [listing, setListing] = useState<Listing | null>(() => (opened ? { key, total: opened.total, pages: new Map([[0, opened.rows]]) } : null));
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  // Whether example customers exist, whatever the filter (the register says with each page).
  const [hasExamples, setHasExamples] = useState(opened?.has_examples ?? false);
  const keyRef = useRef(key);
  keyRef.current = key;
  const inflight = useRef(new Set<string>());

  const fetchPage = useCallback(
    async (index: number) => {
      const k = keyRef.current;
      const tag = `${k}#${index}`;
      if (inflight.current.has(tag)) return;
      inflight.current.add(tag);
      try {
        const query = pageQuery(index);
        const result = await (takeFirstPage(query) ?? call('list_customers', { query }));
        if (k !== keyRef.current) return; // a newer query answered or will answer
        setListing((cur) => {
          const pages = new Map(cur?.key === k ? cur.pages : []);
          pages.set(index, result.rows);
          // Forget the pages furthest from this one: memory stays a few screens.
          while (pages.size > KEPT_PAGES) {
            const far = [...pages.keys()].reduce((a, b) => (Math.abs(b - index) > Math.abs(a - index) ? b : a));
            pages.delete(far);
          }
          return { key: k, total: result.total, pages };
        });
        setLoadError(null);
        setHasExamples(result.has_examples);
      } catch (e) {
        if (k !== keyRef.current) return;
        setLoadError(e as ApiError);
      } finally {
        inflight.current.delete(tag);
      }
    },
    [search, state.status, state.sort],
  );

  const load = useCallback(() => setReloads((n) => n + 1), []);

  // How old each instance's newest backups are: one call per load of the list (not per row),
  // after the first paint, joined to the rows by slug. A failure only leaves the ages out.
  const [ages, setAges] = useState<Map<string, BackupAge>>(new Map());
  useEffect(() => {
    let live = true;
    afterListPainted
      .then(() => call('backup_ages', {}))
      .then((list) => live && setAges(new Map(list.map((a) => [a.slug, a]))))
      .catch(() => {
        /* The ages are secondary; the list works without them. */
      });
    return () => {
      live = false;
    };
  }, [finishedTotal, reloads]);
  // Each customer's billing as the register last kept it: one call a load, like the ages.
  const billing = useBillingColumn([finishedTotal, reloads]);
  const sweepFailed = useCallback((e: ApiError) => toast('error', err(e)), [toast, err]);
  const { sweep, start: startSweep } = useSweep((s) => {
    toast(s.unhealthy > 0 ? 'error' : 'success', t('health.sweepDone', { total: s.done, unhealthy: s.unhealthy }));
    load();
  }, sweepFailed);

  // Another seat changed a customer on the shared register: the pages shown are read again.
  const changed = useRef(0);
  useEvent('register-changed', (c) => {
    if (!CUSTOMER_TABLES.includes(c.table) || changed.current) return;
    changed.current = window.setTimeout(() => {
      changed.current = 0;
      load();
    }, 100);
  });
  useEffect(() => () => window.clearTimeout(changed.current), []);

  // Live updates are back after a gap: what changed in it was never announced, so all is read.
  useEvent('live-updates', (s) => {
    if (s.state === 'live' && s.resumed) load();
  });

  const openedKey = useRef(opened ? key : null);
  useEffect(() => {
    // The opening page is already shown; any later query asks for its own.
    if (openedKey.current === key) return;
    openedKey.current = null;
    void fetchPage(0);
  }, [fetchPage, key]);
  useEffect(() => {
    refreshReadiness();
  }, [refreshReadiness]);

  useEffect(() => {
    if (listing || loadError) markListPainted();
  }, [listing, loadError]);

  // Until a new query's first page answers, the list shows the last query's rows.
  const total = listing?.total ?? null;

  function toggle(r: CustomerRow, on: boolean) {
    setSelected((cur) => {
      const next = new Map(cur);
      if (on) next.set(r.slug, r.name);
      else next.delete(r.slug);
      return next;
    });
  }
  const chosen = [...selected.entries()].map(([slug, name]) => ({ slug, name }));
  function provisionSelected() {
    provision(chosen);
    setSelected(new Map());
  }

  async function loadExamples() {
    setBusy(true);
    try {
      const n = await call('load_examples', {});
      toast('success', countText(lang, 'list.examplesLoaded', n));
      load();
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }

  async function removeExamples() {
    setBusy(true);
    try {
      const r = await call('remove_examples', {});
      if (r.kept.length === 0) {
        toast('success', countText(lang, 'list.examplesRemoved', r.removed));
        setHasExamples(false);
      } else {
        // The core names the examples it kept and why (tear them down first).
        toast('error', r.message[lang]);
      }
      load();
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }

  const empty = total === 0 && !filtered && state.search.trim() === '';

  return (
    <section className="page page-list" aria-labelledby="list-title">
      <div className="page-head">
        <div className="page-title-row">
          <h1 id="list-title" className="page-title">
            {t('list.title')}
          </h1>
          <span className="count" data-testid="customer-count" aria-live="polite">
            {total !== null ? countText(lang, 'list.count', total) : '\u00a0'}
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
        <SearchFilter value={state.search} onChange={(search) => onStateChange({ ...state, search })} />
        <StatusFilter value={state.status} onChange={(status) => onStateChange({ ...state, status })} />
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
          data-testid="check-all"
          disabled={sweep?.running ?? false}
          aria-live="polite"
          onClick={startSweep}
        >
          {sweep?.running ? t('health.sweeping', { done: sweep.done, total: sweep.total }) : t('health.checkAll')}
        </button>
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
          <button type="button" className="btn" onClick={load}>
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
            <ImportButton onImported={load} />
            <button type="button" className="btn" data-testid="load-examples" disabled={busy} onClick={loadExamples}>
              {t('empty.loadExamples')}
            </button>
          </div>
        </div>
      ) : (
        listing && (
          <VirtualRows
            listing={listing}
            onNeed={(index) => void fetchPage(index)}
            onOpen={onOpen}
            ages={ages}
            billing={billing}
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
  listing,
  onNeed,
  onOpen,
  ages,
  billing,
  noMatch,
  selected,
  onToggle,
}: {
  listing: Listing;
  onNeed: (page: number) => void;
  onOpen: (slug: string) => void;
  ages: Map<string, BackupAge>;
  billing: Map<string, BillingCellData>;
  noMatch: React.ReactNode;
  selected: Map<string, string>;
  onToggle: (row: CustomerRow, on: boolean) => void;
}) {
  const { t, lang } = useI18n();
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = listing.total;
  const rowAt = (i: number) => listing.pages.get(Math.floor(i / PAGE))?.[i % PAGE];
  const virtualizer = useFixedRows(count, ROW_HEIGHT, scrollRef);
  const visible = virtualizer.items;
  const first = visible[0]?.index ?? 0;
  const last = visible.at(-1)?.index ?? 0;
  // Ask for the pages the visible rows are on, once each (the list dedupes requests).
  useEffect(() => {
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) {
      if (!listing.pages.has(p)) onNeed(p);
    }
  }, [first, last, listing, onNeed]);

  function focusRow(index: number) {
    const i = Math.max(0, Math.min(count - 1, index));
    virtualizer.scrollToIndex(i);
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
        focusRow(count - 1);
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
        <span className="col-billing">{t('billing.col')}</span>
        <span className="col-date">{t('list.col.created')}</span>
        <span>{t('list.col.provision')}</span>
      </div>
      <div className="table-scroll" ref={scrollRef} data-testid="customer-list" role="list" aria-label={t('list.title')}>
        {count === 0 ? (
          noMatch
        ) : (
          <div className="table-canvas" style={{ height: virtualizer.totalSize }}>
            {visible.map((item) => {
              const r = rowAt(item.index);
              if (!r) {
                // Its page is on the way: a row of the same height, so the scroll does not jump.
                return (
                  <div
                    key={`loading-${item.index}`}
                    role="listitem"
                    aria-busy="true"
                    className="row row-loading"
                    data-testid="customer-row-loading"
                    data-index={item.index}
                    style={{ height: ROW_HEIGHT, top: item.start }}
                  />
                );
              }
              return (
                <div
                  key={r.id}
                  role="listitem"
                  tabIndex={0}
                  className="row"
                  data-testid="customer-row"
                  data-slug={r.slug}
                  data-index={item.index}
                  aria-label={r.name}
                  style={{ height: ROW_HEIGHT, top: item.start }}
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
                        onChange={(e) => onToggle(r, e.target.checked)}
                        onKeyDown={(e) => e.stopPropagation()}
                      />
                    )}
                  </span>
                  <span className="cell cell-name">
                    <span className="row-name">
                      <span className="truncate">{r.name}</span>
                    </span>
                    <span className="row-slug truncate">{r.slug}</span>
                  </span>
                  {/* An address longer than its column breaks after the @ onto a second line, never cut. */}
                  <span className="cell cell-email muted">
                    <EmailText email={r.admin_email} />
                  </span>
                  <span className="cell">
                    <span className={`plan plan-${r.plan}`}>{t(`plan.${r.plan}`)}</span>
                  </span>
                  {/* The tags sit under the status: the name and the slug keep the whole width of theirs. */}
                  <span className="cell cell-status">
                    <LiveStatusBadge slug={r.slug} status={r.status} />
                    {r.is_example && <ExampleTag />}
                    {r.cancelled_at && <CancelledTag />}
                  </span>
                  <span className="cell col-billing">
                    <BillingCell cell={billing.get(r.slug)} />
                  </span>
                  <span className="cell col-date muted tabular">{formatDate(lang, r.created_at)}</span>
                  <span className="cell cell-provision">
                    <RowProgress slug={r.slug} />
                    {r.production_url ? (
                      <span className="instance-cell">
                        <span className="instance-status">
                          <HealthDot row={r} />
                          {ages.has(r.slug) && <BackupAgeBadge age={ages.get(r.slug)!} />}
                        </span>
                        <RowLinks row={r} />
                      </span>
                    ) : (
                      <ProvisionButton slug={r.slug} name={r.name} testId={`provision-row-${r.slug}`} small />
                    )}
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

/** A delivered instance's last health check (`fabrik status`, "Kontrollera"): a dot and a word. */
function HealthDot({ row }: { row: CustomerRow }) {
  const { t, lang } = useI18n();
  const h = row.health;
  const state = !h ? 'unchecked' : h.healthy ? 'healthy' : 'unhealthy';
  const label = !h ? t('health.unchecked') : h.healthy ? t('health.healthy') : t('health.unhealthy', { n: h.findings });
  return (
    <span
      className={`health health-${state}`}
      data-testid={`health-${row.slug}`}
      data-health={state}
      title={h ? t('health.checkedAt', { at: formatDateTime(lang, h.checked_at) }) : undefined}
    >
      <span className="health-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

/**
 * How old the instance's newest backups are, beside its health: "DB 3 h · Flöden 2 d", the
 * exact times in the tooltip; older than `backup.alert_hours` (or missing) marked, calmly.
 */
function BackupAgeBadge({ age }: { age: BackupAge }) {
  const { t, lang } = useI18n();
  const at = (iso: string | null) => (iso ? formatDateTime(lang, iso) : t('backupAge.never'));
  const title = [
    t('backupAge.title'),
    t('backupAge.databaseAt', { at: at(age.database_at) }),
    t('backupAge.workflowsAt', { at: at(age.workflows_at) }),
    ...(age.stale ? [t('backupAge.stale')] : []),
  ].join('\n');
  return (
    <span className={`backup-age${age.stale ? ' is-stale' : ''}`} data-testid={`backup-age-${age.slug}`} data-stale={age.stale ? 'true' : 'false'} title={title}>
      {age.stale && (
        <span className="backup-age-mark" aria-label={t('backupAge.staleShort')} role="img">
          !
        </span>
      )}
      <span data-testid={`backup-age-db-${age.slug}`}>{t('backupAge.database', { age: formatAge(lang, age.database_at) })}</span>
      <span aria-hidden="true">·</span>
      <span data-testid={`backup-age-wf-${age.slug}`}>{t('backupAge.workflows', { age: formatAge(lang, age.workflows_at) })}</span>
    </span>
  );
}

/** Short links to the instance's site, repository, Supabase and Vercel (the system browser). */
const ROW_LINKS = [
  ['production', 'Webb', 'link.production'],
  ['github', 'Git', 'link.github'],
  ['supabase', 'DB', 'link.supabase'],
  ['vercel', 'Vercel', 'link.vercel'],
] as const;

function RowLinks({ row }: { row: CustomerRow }) {
  const { t, err } = useI18n();
  const toast = useToast();
  return (
    <span className="row-links">
      {ROW_LINKS.map(([key, short, label]) => {
        const url = row.links[key];
        if (!url) return null;
        return (
          <button
            key={key}
            type="button"
            className="row-link"
            data-testid={`row-link-${key}-${row.slug}`}
            title={`${t(label)}: ${url}`}
            aria-label={t(label)}
            onClick={(e) => {
              // The link, not the row: the customer page stays closed.
              e.stopPropagation();
              call('open_external', { url }).catch((x) => toast('error', err(x as ApiError)));
            }}
            onKeyDown={(e) => e.stopPropagation()}
          >
            {short}
          </button>
        );
      })}
    </span>
  );
}

/** An address that may break after its @ (and only elsewhere when a part alone is too long). */
function EmailText({ email }: { email: string }) {
  const at = email.indexOf('@');
  if (at < 0) return <>{email}</>;
  return (
    <>
      {email.slice(0, at + 1)}
      <wbr />
      {email.slice(at + 1)}
    </>
  );
}
