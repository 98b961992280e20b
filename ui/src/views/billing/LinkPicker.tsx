// Linking a customer's revenue without typing an id (issue #68): the account's Stripe
// subscriptions, read now, each by its payer (name, email), its price and its state; the ones
// whose payer has the customer's email or name first (crates/fabrik-billing/src/billing/candidates.rs). One is picked
// and linked; the id itself is typed only under "Ange id för hand", for the rare case.
import { useState } from 'react';
import { call, type ApiError } from '../../api';
import type { Candidate, CustomerBilling } from '../../bindings';
import { useI18n, type TextKey } from '../../i18n';
import { useToast } from '../../state/toast';
import { formatMoney } from '../usage/format';
import { statusWord } from './format';

export function LinkPicker({ slug, onLinked, manual }: { slug: string; onLinked: (b: CustomerBilling) => void; manual: React.ReactNode }) {
  const { t, err, lang } = useI18n();
  const toast = useToast();
  const [list, setList] = useState<Candidate[] | null>(null);
  const [reading, setReading] = useState(false);
  const [picked, setPicked] = useState<string | null>(null);
  const [linking, setLinking] = useState(false);

  async function read() {
    setReading(true);
    try {
      const found = await call('billing_candidates', { slug });
      setList(found);
      // The one best match is picked for the person; they confirm it.
      setPicked(found[0] && found[0].matched !== 'none' && !found[0].linked_to ? found[0].subscription : null);
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setReading(false);
    }
  }

  async function link() {
    const chosen = list?.find((c) => c.subscription === picked);
    if (!chosen) return;
    setLinking(true);
    try {
      const billing = await call('billing_link', { slug, subscription: chosen.subscription });
      toast('success', t('billing.linkedTo', { payer: payer(chosen) }));
      onLinked(billing);
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setLinking(false);
    }
  }

  const payer = (c: Candidate) => c.payer_name ?? c.payer_email ?? t('billing.candidate.unnamed');
  const price = (c: Candidate) =>
    c.amount != null && c.currency
      ? t(c.interval === 'year' ? 'billing.candidate.perYear' : 'billing.candidate.perMonth', { amount: formatMoney(lang, { amount: c.amount, currency: c.currency }) })
      : null;

  return (
    <div className="billing-link-picker" data-testid="billing-link-picker">
      {!list && (
        <button type="button" className="btn btn-small" data-testid="billing-link-pick" disabled={reading} onClick={() => void read()}>
          {reading ? t('billing.candidates.reading') : t('billing.candidates.pick')}
        </button>
      )}
      {list && list.length === 0 && (
        <p className="muted" data-testid="billing-candidates-none">
          {t('billing.candidates.none')}
        </p>
      )}
      {list && list.length > 0 && (
        <fieldset className="billing-candidates">
          <legend>{t('billing.candidates.legend')}</legend>
          <ul>
            {list.map((c) => (
              <li key={c.subscription} data-testid="billing-candidate" data-match={c.matched}>
                <label>
                  <input type="radio" name={`billing-candidate-${slug}`} checked={picked === c.subscription} disabled={!!c.linked_to} onChange={() => setPicked(c.subscription)} />
                  <span className="billing-candidate-text">
                    <strong data-testid="billing-candidate-payer">{payer(c)}</strong>
                    {c.payer_email && c.payer_name && <span className="muted"> · {c.payer_email}</span>}
                    <span className="muted small">
                      {' · '}
                      {[price(c), statusWord(lang, c.status)].filter(Boolean).join(' · ')}
                    </span>
                    {c.matched !== 'none' && <span className="tag billing-candidate-match"> {t(`billing.candidate.match.${c.matched}` as TextKey)}</span>}
                    {c.linked_to && <span className="muted small"> · {t('billing.candidate.linkedTo', { name: c.linked_to })}</span>}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          <button type="button" className="btn btn-small btn-primary" data-testid="billing-link-confirm" disabled={!picked || linking} onClick={() => void link()}>
            {t('billing.offer.link')}
          </button>
        </fieldset>
      )}
      <details className="billing-link-manual">
        <summary>{t('billing.candidates.manual')}</summary>
        {manual}
      </details>
    </div>
  );
}
