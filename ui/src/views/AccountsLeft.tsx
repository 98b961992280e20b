// What each account has left (src/setup/accounts_left.rs): in Inställningar the rate limits the last
// answers reported, the plan limits that stop a run, and a token about to expire; in the status
// bar the tightest budget of each provider and the expiry warning, from memory (no call).
import { useEffect, useState } from 'react';
import { call, type ApiError } from '../api';
import type { AccountsLeft, Budget, Left, PlanLimit, ProviderLeft, RateLimits, RunKind } from '../bindings';
import { useI18n } from '../i18n';
import { afterListPainted } from '../state/startup';
import { PROVIDER_NAMES } from './Credentials';

/** How often the status bar reads the budgets again (memory in the core, no provider call). */
const STATUS_EVERY_MS = 10_000;
/** Below this share of its limit a budget is shown as running low. */
const LOW_SHARE = 0.1;

const low = (l: Left) => l.remaining < l.limit * LOW_SHARE;

function formatWait(secs: number, t: ReturnType<typeof useI18n>['t']): string {
  if (secs < 90) return t('left.inSeconds', { n: secs });
  if (secs < 5400) return t('left.inMinutes', { n: Math.round(secs / 60) });
  return t('left.inHours', { n: Math.round(secs / 3600) });
}

function Budget({ l }: { l: Left }) {
  const { t, lang } = useI18n();
  const n = (x: number) => x.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB');
  return (
    <li className={`left-budget${low(l) ? ' is-low' : ''}`} data-testid={`left-budget-${l.provider}`} data-bucket={l.bucket}>
      <span className="left-bucket">{l.bucket}</span>{' '}
      <strong>{t('left.remaining', { remaining: n(l.remaining), limit: n(l.limit) })}</strong>{' '}
      <span className="muted small">
        {t('left.resets', { when: formatWait(l.reset_in_secs, t) })}
        {!l.reported && ` · ${t('left.counted')}`}
      </span>
    </li>
  );
}

function Plan({ p }: { p: PlanLimit }) {
  const { t, tx } = useI18n();
  const full = p.limit !== null && p.used !== null && p.used >= p.limit;
  return (
    <li className={`left-plan${full ? ' is-low' : ''}`} data-testid={`left-plan-${p.provider}`}>
      {tx(p.what)}:{' '}
      <strong>
        {p.used ?? '?'}
        {p.limit !== null ? ` / ${p.limit}` : ` (${t('left.noLimit')})`}
      </strong>
      {p.problem && <span className="muted small"> — {tx(p.problem)}</span>}
    </li>
  );
}

/** Inställningar's card: asked each time it is shown (the plan limits are read from the accounts). */
export function AccountsLeftCard() {
  const { t, tx, err } = useI18n();
  const [left, setLeft] = useState<AccountsLeft | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [rates, setRates] = useState<RateLimits | null>(null);
  useEffect(() => {
    call('rate_limits', {}).then(setRates).catch(() => {});
    call('accounts_left', {})
      .then(setLeft)
      .catch((e) => setError(e as ApiError));
  }, []);
  const providers: ProviderLeft[] = (left?.rates ?? rates)?.providers ?? [];
  return (
    <section className="card settings-card" aria-labelledby="left-title" data-testid="accounts-left">
      <h2 id="left-title" className="card-title">
        {t('left.title')}
      </h2>
      <p className="muted section-intro">{t('left.intro')}</p>
      {left && (
        <ul className="left-plans" data-testid="left-plans">
          {left.plan.map((p) => (
            <Plan key={p.provider} p={p} />
          ))}
        </ul>
      )}
      {error && (
        <p className="muted" data-testid="left-error">
          {err(error)}
        </p>
      )}
      {providers.length === 0 ? (
        <p className="muted" data-testid="left-none">
          {t('left.none')}
        </p>
      ) : (
        <div className="left-providers">
          {providers.map((p) => (
            <div key={p.provider} className="left-provider" data-testid={`left-provider-${p.provider}`}>
              <h3 className="left-provider-name">{PROVIDER_NAMES[p.provider]}</h3>
              <ul className="left-budgets">
                {p.rates.map((l) => (
                  <Budget key={l.bucket} l={l} />
                ))}
              </ul>
              {p.expiry_warning && (
                <p className="cred-warning" data-testid={`left-expiry-${p.provider}`}>
                  <span aria-hidden="true">⚠ </span>
                  {tx(p.expiry_warning)}
                </p>
              )}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

/** The status bar: the tightest budget of each provider called so far, and a token about to
 * expire. Reads the core's memory every few seconds, once the list is painted. */
export function StatusBar({ onOpen }: { onOpen: () => void }) {
  const { t, tx, lang } = useI18n();
  const [rates, setRates] = useState<RateLimits | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const read = () => {
      call('rate_limits', {})
        .then((r) => !stopped && setRates(r))
        .catch(() => {})
        .finally(() => {
          if (!stopped) timer = window.setTimeout(read, STATUS_EVERY_MS);
        });
    };
    void afterListPainted.then(read);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, []);
  const providers = rates?.providers ?? [];
  if (providers.length === 0) return null;
  const n = (x: number) => x.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB');
  const expiring = providers.filter((p) => p.expiry_warning);
  return (
    <footer className="status-bar" data-testid="status-bar">
      <button type="button" className="status-bar-button" onClick={onOpen} title={t('left.open')} aria-label={t('left.open')}>
        {providers
          .filter((p) => p.rates.length > 0)
          .map((p) => {
            const l = p.rates[0];
            return (
              <span key={p.provider} className={`status-quota${low(l) ? ' is-low' : ''}`} data-testid={`status-quota-${p.provider}`} title={l.bucket}>
                {PROVIDER_NAMES[p.provider]} {n(l.remaining)}/{n(l.limit)}
              </span>
            );
          })}
        {expiring.map((p) => (
          <span key={`x-${p.provider}`} className="status-expiry" data-testid={`status-expiry-${p.provider}`}>
            ⚠ {tx(p.expiry_warning!)}
          </span>
        ))}
      </button>
    </footer>
  );
}

/** In a bulk run's or a roll-out's preview: what the runs take of the accounts, each limit
 * they would pass, and the least time the rate limits allow. Asked once per preview. */
export function BudgetNote({ kind, count }: { kind: RunKind; count: number }) {
  const { t, tx } = useI18n();
  const [budget, setBudget] = useState<Budget | null>(null);
  useEffect(() => {
    let live = true;
    if (count > 0)
      call('bulk_budget', { kind, count })
        .then((b) => live && setBudget(b))
        .catch(() => {
          /* Not knowing what is left is no reason to refuse the preview. */
        });
    return () => {
      live = false;
    };
  }, [kind, count]);
  if (!budget) return null;
  return (
    <div className="budget-note" data-testid="budget-note" data-over={budget.over.length}>
      <p className="muted small">{tx(budget.takes)}</p>
      {budget.over.map((o) => (
        <p key={o.sv} className="cred-warning" data-testid="budget-over">
          <span aria-hidden="true">⚠ </span>
          {tx(o)}
        </p>
      ))}
      {budget.minutes > 0 && budget.over.length === 0 && (
        <p className="muted small" data-testid="budget-minutes">
          {t('left.budgetMinutes', { minutes: budget.minutes })}
        </p>
      )}
    </div>
  );
}
