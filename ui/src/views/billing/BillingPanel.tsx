// "Fakturering" on a customer's page (issue #58): the Stripe subscription beside the instance
// (status, period, next payment, last failure), what differs between them with each offer as
// a button onto a path that already exists (a pause or resume run, "Uppdatera moduler", the
// teardown's guarded gate, the owner's link), and the decisions the tick waits for. Read from
// the register; "Jämför med Stripe" lists Stripe now and shows what it found, acting on nothing.
import { useState } from 'react';
import { call, type ApiError } from '../../api';
import type { Customer, CustomerBilling, DriftFinding, DriftOffer, Plan, Reconciled } from '../../bindings';
import { formatDate, useI18n, type TextKey } from '../../i18n';
import { useLoad } from '../../state/load';
import { useRuns } from '../../state/runs';
import { useToast } from '../../state/toast';
import { ended, statusWord, unixDate } from './format';
import { LinkPicker } from './LinkPicker';
import { CopyId } from '../common';

/** The setting that holds the owner's links, `slug=sub_…` (crates/fabrik-billing/src/billing/link.rs). */
const LINKS_SETTING = 'usage.stripe_subscriptions';

interface Props {
  customer: Customer;
  busy: boolean;
  reload: number;
  onStarted: () => void;
  /** Asks before pausing (the page's own dialog). */
  onPause: () => void;
  /** Opens the teardown's guarded gate (the slug typed). */
  onTeardown: () => void;
  /** Saves the plan, then asks "Uppdatera moduler". */
  onChangePlan: (plan: Plan) => void;
}

export function BillingPanel({ customer, busy, reload, onStarted, onPause, onTeardown, onChangePlan }: Props) {
  const { t, tx, err, lang } = useI18n();
  const toast = useToast();
  const runs = useRuns();
  const slug = customer.slug;
  const [changed, setChanged] = useState(0);
  const [reconciled, setReconciled] = useState<Reconciled | null>(null);
  const [reconciling, setReconciling] = useState(false);
  const { data, error } = useLoad('billing_customer', { slug }, [slug, reload, changed]);

  // What a comparison just read wins over the register's snapshot until the page reads again.
  const billing: CustomerBilling | null = data && reconciled ? fromReconciled(data, reconciled) : data;

  async function reconcile() {
    setReconciling(true);
    try {
      const r = await call('billing_reconcile', {});
      setReconciled(r);
      toast('success', t('billing.reconciled', { subs: r.subscriptions, customers: r.customers, findings: r.findings.length }));
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setReconciling(false);
    }
  }

  /** A decision settled: dismissed, or done once its offer went its own guarded way. */
  async function settle(id: number, dismissed: boolean) {
    try {
      await call('billing_settle', { id, dismissed });
      setChanged((n) => n + 1);
    } catch (e) {
      toast('error', err(e as ApiError));
    }
  }

  /** A decision taken: its run started (the button names it; the run is in the ledger), then
   * settled as done. The teardown is only ever its typed gate: the decision waits until a
   * person settles it after. */
  async function take(id: number, o: DriftOffer) {
    if (o.kind === 'teardown') return onTeardown();
    if (o.kind !== 'pause' && o.kind !== 'resume') return;
    if (!(await runs.dayTwo(slug, o.kind))) return;
    onStarted();
    await settle(id, false);
  }

  async function offer(o: DriftOffer) {
    switch (o.kind) {
      case 'pause':
        return onPause();
      case 'resume':
        if (await runs.dayTwo(slug, 'resume')) onStarted();
        return;
      case 'teardown':
        return onTeardown();
      case 'change_plan':
        return onChangePlan(o.plan);
      case 'link':
        return;
    }
  }

  const s = billing?.subscription ?? null;
  return (
    <section className="card billing-card" aria-labelledby="billing-title" data-testid="billing-panel">
      <div className="card-head">
        <h2 id="billing-title" className="card-title">
          {t('billing.title')}
        </h2>
        <button type="button" className="btn btn-small" data-testid="billing-reconcile" disabled={reconciling} onClick={() => void reconcile()}>
          {reconciling ? t('billing.reconciling') : t('billing.reconcile')}
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {t('billing.loadFailed')} {err(error)}
        </p>
      )}
      {!billing && !error && <p className="muted" aria-busy="true">{t('billing.loading')}</p>}
      {billing && (
        <>
          {!s && (
            <p className="muted" data-testid="billing-no-subscription">
              {billing.link ? t('billing.unread') : t('billing.noLink')}
              {billing.link && (
                <>
                  {' '}
                  <CopyId id={billing.link} testId="billing-link-id" />
                </>
              )}
            </p>
          )}
          {!s && !billing.link && !billing.findings.some((f) => f.offers.some((o) => o.kind === 'link')) && (
            <LinkPicker slug={slug} onLinked={() => setChanged((n) => n + 1)} manual={<LinkForm slug={slug} onLinked={() => setChanged((n) => n + 1)} />} />
          )}
          {s && (
            <dl className="details" data-testid="billing-subscription" data-status={s.status}>
              <dt>{t('billing.subscription')}</dt>
              <dd>
                {t('billing.linkedWord')} <CopyId id={s.id} testId="billing-subscription-id" />
              </dd>
              <dt>{t('billing.status')}</dt>
              <dd data-testid="billing-status">
                <span className={`tag billing-status billing-${s.status}`}>{statusWord(lang, s.status)}</span>
                {s.cancel_at_period_end && !ended(s.status) && <span className="muted"> · {t('billing.endsAtPeriod')}</span>}
              </dd>
              <dt>{t('billing.period')}</dt>
              <dd className="tabular" data-testid="billing-period">
                {unixDate(lang, s.current_period_end) ?? t('billing.none')}
              </dd>
              <dt>{t('billing.next')}</dt>
              <dd className="tabular" data-testid="billing-next">
                {unixDate(lang, s.next_payment) ?? t('billing.none')}
              </dd>
              {s.plan && (
                <>
                  <dt>{t('billing.pricePlan')}</dt>
                  <dd>{t(`plan.${s.plan}`)}</dd>
                </>
              )}
              {s.last_failure && (
                <>
                  <dt>{t('billing.lastFailure')}</dt>
                  <dd className="warn" data-testid="billing-failure">
                    {t('billing.attempts', { failure: tx(s.last_failure), n: s.attempt_count })}
                  </dd>
                </>
              )}
            </dl>
          )}
          {billing.findings.length === 0 ? (
            <p className="muted" data-testid="billing-no-findings">
              {t('billing.noFindings')}
            </p>
          ) : (
            <>
              <h3 className="card-subtitle">{t('billing.findings')}</h3>
              <ul className="billing-findings" data-testid="billing-findings">
                {billing.findings.map((f, i) => (
                  <FindingItem key={`${f.kind}-${i}`} finding={f} customer={customer} busy={busy} onOffer={(o) => void offer(o)} onLinked={() => setChanged((n) => n + 1)} />
                ))}
              </ul>
            </>
          )}
          {billing.waiting.length > 0 && (
            <>
              <h3 className="card-subtitle">{t('billing.waiting')}</h3>
              <ul className="billing-waiting" data-testid="billing-waiting">
                {billing.waiting.map((d) => (
                  <li key={d.id} data-testid="billing-decision" data-transition={d.transition}>
                    {t('billing.decision', {
                      transition: t(`billing.transition.${d.transition}` as TextKey),
                      step: t(`billing.step.${d.step}` as TextKey),
                    })}{' '}
                    <span className="muted small">{formatDate(lang, d.created_at)}</span>
                    <div className="actions">
                      {decisionOffer(d.transition) && (
                        <button
                          type="button"
                          className={d.transition === 'period_ended' ? 'btn btn-small btn-danger-outline' : 'btn btn-small'}
                          data-testid="billing-decision-take"
                          disabled={busy || !offerFits(decisionOffer(d.transition)!, customer)}
                          onClick={() => void take(d.id, decisionOffer(d.transition)!)}
                        >
                          {t(`billing.offer.${decisionOffer(d.transition)!.kind}` as TextKey)}
                        </button>
                      )}
                      <button type="button" className="btn btn-small" data-testid="billing-decision-dismiss" onClick={() => void settle(d.id, true)}>
                        {t('billing.dismiss')}
                      </button>
                    </div>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}

/** One difference, its action, and its offers as buttons (a link as a small form). */
function FindingItem({ finding, customer, busy, onOffer, onLinked }: { finding: DriftFinding; customer: Customer; busy: boolean; onOffer: (o: DriftOffer) => void; onLinked: () => void }) {
  const { t, tx } = useI18n();
  return (
    <li className="billing-finding" data-testid="billing-finding" data-kind={finding.kind}>
      <p>
        <strong>{tx(finding.message)}</strong>
      </p>
      <p className="muted">{tx(finding.action)}</p>
      <div className="actions">
        {finding.offers.map((o) =>
          o.kind === 'link' ? (
            <LinkPicker key="link" slug={finding.slug} onLinked={onLinked} manual={<LinkForm slug={finding.slug} onLinked={onLinked} />} />
          ) : (
            <button
              key={o.kind}
              type="button"
              className={o.kind === 'teardown' ? 'btn btn-small btn-danger-outline' : 'btn btn-small'}
              data-testid={`billing-offer-${o.kind}`}
              disabled={busy || !offerFits(o, customer)}
              onClick={() => onOffer(o)}
            >
              {o.kind === 'change_plan' ? t('billing.offer.changePlan', { plan: t(`plan.${o.plan}`) }) : t(`billing.offer.${o.kind}` as TextKey)}
            </button>
          ),
        )}
      </div>
    </li>
  );
}

/** What taking a decision of this transition does (`billing::decide`): the period's end
 * offers the teardown (never done on its own), the others the run they ask for. */
function decisionOffer(transition: string): DriftOffer | null {
  switch (transition) {
    case 'payment_failed':
    case 'paused':
      return { kind: 'pause' };
    case 'resumed':
      return { kind: 'resume' };
    case 'period_ended':
      return { kind: 'teardown' };
    default:
      return null;
  }
}

/** An offer the instance's state allows now (the run would be refused otherwise). */
function offerFits(o: DriftOffer, c: Customer): boolean {
  switch (o.kind) {
    case 'pause':
    case 'change_plan':
      return c.status === 'active';
    case 'resume':
      return c.status === 'inactive';
    default:
      return true;
  }
}

/** The owner's link for one customer, added to the setting the core reads it from. */
function LinkForm({ slug, onLinked }: { slug: string; onLinked: () => void }) {
  const { t, err } = useI18n();
  const toast = useToast();
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);
  async function link() {
    const id = value.trim();
    if (!/^(sub|cus)_[A-Za-z0-9_]+$/.test(id)) {
      setInvalid(true);
      return;
    }
    try {
      const all = await call('list_settings', {});
      const kept = (all.find((s) => s.key === LINKS_SETTING)?.value ?? '')
        .split(/[\s,]+/)
        .filter((pair) => pair && !pair.startsWith(`${slug}=`));
      await call('set_setting', { key: LINKS_SETTING, value: [...kept, `${slug}=${id}`].join(', ') });
      toast('success', t('billing.linked', { slug, link: id }));
      onLinked();
    } catch (e) {
      toast('error', err(e as ApiError));
    }
  }
  return (
    <form
      className="billing-link"
      onSubmit={(e) => {
        e.preventDefault();
        void link();
      }}
    >
      <label htmlFor={`billing-link-${slug}`}>{t('billing.linkLabel')}</label>
      <input
        id={`billing-link-${slug}`}
        data-testid="billing-link-input"
        value={value}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={invalid}
        onChange={(e) => {
          setValue(e.target.value);
          setInvalid(false);
        }}
      />
      <button type="submit" className="btn btn-small" data-testid="billing-offer-link">
        {t('billing.offer.link')}
      </button>
      {invalid && (
        <p className="field-error" role="alert">
          {t('billing.linkInvalid')}
        </p>
      )}
    </form>
  );
}

/** The customer's part of a comparison just made. */
function fromReconciled(b: CustomerBilling, r: Reconciled): CustomerBilling {
  return {
    ...b,
    subscription: r.linked[b.slug] ?? b.subscription,
    findings: r.findings.filter((f) => f.slug === b.slug),
  };
}
