// A customer's money a month (revenue, estimated cost and its lines, margin or why none), its
// warnings before a limit bites, and a plan that fits badly: the page's and the fleet's words.
import { useI18n } from '../../i18n';
import { formatMoney, formatShare, formatValue, FIGURE_UNIT } from './format';
import type { Economics, Money, PlanFit, Warning } from '../../bindings';

export function MoneyText({ money, testId }: { money: Money | null; testId?: string }) {
  const { t, lang } = useI18n();
  if (!money) return <span className="muted" data-testid={testId}>{t('usage.money.unknown')}</span>;
  return (
    <span className={`usage-money${money.amount < 0 ? ' is-negative' : ''}`} data-testid={testId} data-amount={money.amount} data-currency={money.currency}>
      {formatMoney(lang, money)}
    </span>
  );
}

export function EconomicsBlock({ economics: e }: { economics: Economics }) {
  const { t, tx } = useI18n();
  return (
    <div data-testid="usage-economics">
      <h3>{t('usage.economics')}</h3>
      <dl className="usage-latest">
        <dt>{t('usage.revenue')}</dt>
        <dd>
          <MoneyText money={e.revenue} testId="usage-revenue" />
        </dd>
        <dt>{t('usage.cost')}</dt>
        <dd>
          <MoneyText money={e.cost} testId="usage-cost" />
        </dd>
        {e.cost_lines.map((l, i) => (
          <CostLineRow key={i} what={tx(l.what)} amount={l.amount} />
        ))}
        <dt>{t('usage.margin')}</dt>
        <dd>
          <MoneyText money={e.margin} testId="usage-margin" />
        </dd>
      </dl>
      {e.margin_missing && (
        <p className="muted small" data-testid="usage-margin-missing">
          {tx(e.margin_missing)}
        </p>
      )}
    </div>
  );
}

function CostLineRow({ what, amount }: { what: string; amount: Money }) {
  return (
    <>
      <dt className="small" data-testid="usage-cost-line">
        &nbsp;&nbsp;{what}
      </dt>
      <dd className="small">
        <MoneyText money={amount} />
      </dd>
    </>
  );
}

/** "Databasstorlek: 83 % av gränsen (Supabase Free), om 12 dagar" with the core's sentence. */
export function WarningItem({ warning: w }: { warning: Warning }) {
  const { t, tx, lang } = useI18n();
  const unit = w.figure ? FIGURE_UNIT[w.figure] : 'count';
  const detail =
    w.kind === 'idle_pause'
      ? t('usage.warning.idle', { of: w.limit_of })
      : t('usage.warning.share', { share: formatShare(lang, w.share), value: formatValue(lang, unit, w.value), limit: formatValue(lang, unit, w.limit), of: w.limit_of });
  return (
    <li className={`usage-warning${w.share >= 1 ? ' is-over' : ''}`} data-testid="usage-warning" data-kind={w.kind} data-figure={w.figure ?? ''}>
      <strong>{tx(w.message)}</strong> <span>{detail}</span>
      {w.days_left !== null && <span data-testid="usage-days-left"> · {daysLeftText(t, w.days_left)}</span>}
    </li>
  );
}

export function daysLeftText(t: ReturnType<typeof useI18n>['t'], days: number): string {
  if (days <= 0) return t('usage.daysLeft.now');
  return days === 1 ? t('usage.daysLeft.one') : t('usage.daysLeft.other', { n: days });
}

export function FitText({ fit }: { fit: PlanFit }) {
  const { tx } = useI18n();
  return (
    <p className="usage-fit" data-testid="usage-fit" data-pays={fit.pays} data-uses-like={fit.uses_like}>
      {tx(fit.message)}
    </p>
  );
}
