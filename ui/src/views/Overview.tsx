// Översikt (issue #68), the view the window opens on: one list of what needs a person now, in
// the core's order (most urgent, then newest first), each with the one thing to do about it,
// and the business at a glance (customers, the last 30 days' money, payments, the instances'
// health). Everything comes from the core's `overview`, a read of the register alone: the
// opening one is asked beside the list's first page (state/startup.ts), later ones when a run
// ends, a health sweep finishes, another seat changes the register, now and then, or on
// "Uppdatera". Words an owner uses: the CLI's equivalent is only a button's tooltip.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { call, type ApiError } from '../api';
import type { AttentionItem, Money, Overview as OverviewData, OverviewGlance } from '../bindings';
import { formatDateTime, formatNumber, useI18n } from '../i18n';
import { useEvent } from '../state/events';
import type { View } from '../state/navigation';
import { destination } from '../state/places';
import { useRuns } from '../state/runs';
import { markFirstPainted, takeFirstOverview } from '../state/startup';
import { useToast } from '../state/toast';
import { formatMoney } from './usage/format';
import './overview.css';

/** How often the open view reads the overview again (a handful of register queries). */
const EVERY_MS = 60_000;

export function Overview({ onOpen, onCount }: { onOpen: (v: View) => void; onCount: (n: number) => void }) {
  const { t, err } = useI18n();
  const toast = useToast();
  const [data, setData] = useState<OverviewData | null>(() => takeFirstOverview());
  const [error, setError] = useState<ApiError | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const onCountRef = useRef(onCount);
  onCountRef.current = onCount;

  const load = useCallback(
    () =>
      call('overview', {})
        .then((o) => {
          setData(o);
          setError(null);
          onCountRef.current(o.items.length);
        })
        .catch((e: ApiError) => setError(e)),
    [],
  );

  // The opening overview is shown as it is (and its count said); without one, it is read now.
  useEffect(() => {
    if (data) onCountRef.current(data.items.length);
    else void load();
    const timer = window.setInterval(() => void load(), EVERY_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  // The cloud work of the window waits until the first view is on screen.
  const marked = useRef(false);
  useEffect(() => {
    if (marked.current || (!data && !error)) return;
    marked.current = true;
    markFirstPainted();
  }, [data, error]);

  // What changes what needs a person: a run ended, a sweep finished, another seat wrote.
  const { finished } = useRuns();
  const finishedTotal = Object.values(finished).reduce((a, b) => a + b, 0);
  const seenFinished = useRef(finishedTotal);
  useEffect(() => {
    if (seenFinished.current === finishedTotal) return;
    seenFinished.current = finishedTotal;
    void load();
  }, [finishedTotal, load]);
  useEvent('health-sweep', (s) => {
    if (!s.running) void load();
  });
  const changed = useRef(0);
  useEvent('register-changed', () => {
    if (changed.current) return;
    changed.current = window.setTimeout(() => {
      changed.current = 0;
      void load();
    }, 300);
  });
  useEffect(() => () => window.clearTimeout(changed.current), []);
  useEvent('live-updates', (s) => {
    if (s.state === 'live' && s.resumed) void load();
  });

  const refresh = () => {
    setRefreshing(true);
    void load().finally(() => setRefreshing(false));
  };

  const act = (item: AttentionItem) => {
    const to = destination(item);
    if ('view' in to) onOpen(to.view);
    else call('open_external', { url: to.url }).catch((e) => toast('error', err(e as ApiError)));
  };

  return (
    <section className="page page-overview" aria-labelledby="overview-title" data-testid="overview">
      <div className="page-head">
        <h1 id="overview-title" className="page-title">
          {t('overview.title')}
        </h1>
        <div className="actions">
          <button type="button" className={`btn${refreshing ? ' btn-busy' : ''}`} data-testid="overview-refresh" disabled={refreshing} onClick={refresh}>
            {t(refreshing ? 'overview.refreshing' : 'overview.refresh')}
          </button>
        </div>
      </div>
      {error && (
        <p className="form-message has-error" role="alert" data-testid="overview-load-error">
          {t('overview.loadFailed', { message: err(error) })}
        </p>
      )}
      {!data && !error && <div className="settings-loading" aria-busy="true" />}
      {data && (
        <div className="overview-layout">
          <section className="overview-needs" aria-labelledby="overview-needs">
            <h2 id="overview-needs" className="overview-section-title">
              {t('overview.needs')}
            </h2>
            {data.items.length === 0 ? (
              <p className="overview-nothing" data-testid="overview-nothing">
                {t('overview.nothing')}
              </p>
            ) : (
              <ul className="overview-items" data-testid="overview-items">
                {data.items.map((item) => (
                  <Item key={`${item.kind}:${item.key}`} item={item} onAct={() => act(item)} />
                ))}
              </ul>
            )}
          </section>
          <Glance glance={data.glance} />
        </div>
      )}
    </section>
  );
}

/** One thing that needs a person: how urgent (a marker and a word), what, since when, one action. */
function Item({ item, onAct }: { item: AttentionItem; onAct: () => void }) {
  const { t, tx, lang } = useI18n();
  return (
    <li className={`overview-item is-${item.urgency}`} data-testid="overview-item" data-kind={item.kind} data-urgency={item.urgency} data-key={item.key}>
      <span className="overview-urgency" data-testid="overview-urgency">
        <span className="overview-marker" aria-hidden="true" />
        {t(`overview.urgency.${item.urgency}` as const)}
      </span>
      <div className="overview-body">
        <p className="overview-item-title" data-testid="overview-title">
          {tx(item.title)}
        </p>
        {item.detail && (
          <p className="overview-detail" data-testid="overview-detail">
            {tx(item.detail)}
          </p>
        )}
        {item.since && (
          <p className="overview-since" data-testid="overview-since">
            {t('overview.since', { at: formatDateTime(lang, item.since) })}
          </p>
        )}
      </div>
      <button type="button" className="btn btn-small overview-action" data-testid="overview-action" title={item.command} onClick={onAct}>
        {t(`overview.action.${item.kind}` as const)}
      </button>
    </li>
  );
}

/** The business at a glance: customers, the last 30 days' money, payments, the fleet's health. */
function Glance({ glance: g }: { glance: OverviewGlance }) {
  const { t, lang } = useI18n();
  const n = (x: number) => formatNumber(lang, x);
  const unlinked = g.revenue_unlinked > 0 ? t(g.revenue_unlinked === 1 ? 'overview.glance.unlinked.one' : 'overview.glance.unlinked.other', { n: n(g.revenue_unlinked) }) : null;
  const delivered = g.healthy + g.unhealthy + g.unchecked;
  return (
    <aside className="overview-glance" aria-labelledby="overview-business">
      <h2 id="overview-business" className="overview-section-title">
        {t('overview.business')}
      </h2>
      <div className="overview-cards">
        <Card which="customers" label={t('overview.glance.customers')}>
          {t('overview.glance.customersValue', { active: n(g.customers_active), all: n(g.customers) })}
        </Card>
        <Card which="revenue" label={t('overview.glance.revenue')} hint={unlinked}>
          <Amounts amounts={g.revenue} />
        </Card>
        <Card which="cost" label={t('overview.glance.cost')}>
          <Amounts amounts={g.cost} />
        </Card>
        <Card which="margin" label={t('overview.glance.margin')} hint={g.margin.length === 0 ? unlinked : null}>
          <Amounts amounts={g.margin} />
        </Card>
        <Card which="payments" label={t('overview.glance.payments')} alert={g.payments_failed > 0}>
          {g.payments_failed > 0 ? n(g.payments_failed) : t('overview.glance.paymentsNone')}
        </Card>
        <Card which="health" label={t('overview.glance.health')} alert={g.unhealthy > 0}>
          {delivered === 0 ? (
            <span className="overview-health-line">{t('overview.glance.noInstances')}</span>
          ) : (
            <>
              <span className="overview-health-line">{t('overview.glance.healthy', { n: n(g.healthy) })}</span>
              {g.unhealthy > 0 && <span className="overview-health-line is-bad">{t('overview.glance.unhealthy', { n: n(g.unhealthy) })}</span>}
              {g.unchecked > 0 && <span className="overview-health-line">{t('overview.glance.unchecked', { n: n(g.unchecked) })}</span>}
            </>
          )}
        </Card>
      </div>
    </aside>
  );
}

function Card({ which, label, hint, alert, children }: { which: string; label: string; hint?: string | null; alert?: boolean; children: ReactNode }) {
  return (
    <div className={`overview-card${alert ? ' is-alert' : ''}`} data-testid="overview-glance" data-glance={which}>
      <div className="overview-card-label">{label}</div>
      <div className="overview-card-value" data-testid="overview-glance-value">
        {children}
      </div>
      {hint && (
        <div className="overview-card-hint" data-testid="overview-glance-hint">
          {hint}
        </div>
      )}
    </div>
  );
}

/** Money per currency, one line each; none known: "okänd". */
function Amounts({ amounts }: { amounts: Money[] }) {
  const { t, lang } = useI18n();
  if (amounts.length === 0) return <span className="overview-unknown">{t('overview.glance.unknown')}</span>;
  return (
    <>
      {amounts.map((m) => (
        <span key={m.currency} className={`overview-money${m.amount < 0 ? ' is-negative' : ''}`}>
          {formatMoney(lang, m)}
        </span>
      ))}
    </>
  );
}
