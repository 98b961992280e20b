// The register's billing column (issue #58): each customer's Stripe status as last kept, the
// next payment, and how many differences and decisions wait; read once per load of the list
// from the register (`billing_column`), never from Stripe, so the list stays fast.
import { useEffect, useState } from 'react';
import { call } from '../../api';
import type { BillingCell as Cell } from '../../bindings';
import { useI18n } from '../../i18n';
import { afterListPainted } from '../../state/startup';
import { ended, statusWord, unixDate } from './format';

/** Every customer's cell by slug, read after the list's first paint and on each `reload`. */
export function useBillingColumn(reload: unknown[]): Map<string, Cell> {
  const [cells, setCells] = useState<Map<string, Cell>>(new Map());
  useEffect(() => {
    let live = true;
    afterListPainted
      .then(() => call('billing_column', {}))
      .then((list) => live && setCells(new Map(list.map((c) => [c.slug, c]))))
      .catch(() => {
        /* The column is secondary; the list works without it. */
      });
    return () => {
      live = false;
    };
  }, reload);
  return cells;
}

export function BillingCell({ cell }: { cell: Cell | undefined }) {
  const { t, lang } = useI18n();
  if (!cell) return <span className="muted">{t('billing.cell.none')}</span>;
  const next = unixDate(lang, cell.next_payment);
  const title = [
    cell.failing ? t('billing.cell.failing') : null,
    cell.cancel_at_period_end && !ended(cell.status) ? t('billing.endsAtPeriod') : null,
    next ? `${t('billing.next')}: ${next}` : null,
    cell.findings > 0 ? t('billing.cell.findings', { n: cell.findings }) : null,
    cell.waiting > 0 ? t('billing.cell.waiting', { n: cell.waiting }) : null,
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <span className="billing-cell" data-testid={`billing-cell-${cell.slug}`} data-status={cell.status ?? ''} title={title || undefined}>
      {cell.status ? (
        <span className={`tag billing-status billing-${cell.status}`}>{statusWord(lang, cell.status)}</span>
      ) : (
        <span className="muted">{t('billing.cell.none')}</span>
      )}
      {(cell.findings > 0 || cell.waiting > 0 || cell.failing) && (
        <span className="billing-mark" role="img" aria-label={title} data-testid={`billing-mark-${cell.slug}`}>
          !
        </span>
      )}
    </span>
  );
}
