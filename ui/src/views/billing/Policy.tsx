// Inställningar → "Faktureringspolicy": the owner's policy per plan, for each transition of a
// subscription (payment failed, paused in Stripe, resumed or paid, the period's end) one step:
// nothing, tell, offer or do; and a failed payment's grace in days (empty: until Stripe gives
// up). The window offers what the core's view allows (a teardown is never "do"), saves one cell
// at a time, and shows the core's refusal in its own words (a login that is not an owner of a
// shared register, a teardown's "do", a negative grace). The core has the last word.
import { useState } from 'react';
import { call, type ApiError } from '../../api';
import type { Plan, PolicyCell, PolicyView, Step, Transition } from '../../bindings';
import { useI18n, type TextKey } from '../../i18n';
import { useLoad } from '../../state/load';
import { useToast } from '../../state/toast';

/** Days typed → a grace: `null` for none (until Stripe gives up), a whole number ≥ 0, or
 * `undefined` when the text is not one. */
export function parseGrace(text: string): number | null | undefined {
  const clean = text.trim();
  if (clean === '') return null;
  if (!/^\d{1,4}$/.test(clean)) return undefined;
  return Number(clean);
}

export function BillingPolicyCard() {
  const { t, err } = useI18n();
  const toast = useToast();
  const { data, error, setData } = useLoad('billing_policy', {}, []);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(run: () => Promise<PolicyView>) {
    setBusy(true);
    setRefusal(null);
    try {
      setData(await run());
      toast('success', t('policy.saved'));
    } catch (e) {
      setRefusal(e as ApiError);
    } finally {
      setBusy(false);
    }
  }
  const setStep = (plan: Plan, transition: Transition, step: Step) => save(() => call('billing_policy_set', { plan, transition, step }));
  const setGrace = (plan: Plan, days: number | null) => save(() => call('billing_policy_grace', { plan, days }));

  // Every step any transition allows, in the core's order: a step one transition does not allow
  // is shown there, disabled.
  const steps = data ? [...new Set(data.transitions.flatMap((c) => c.allowed))] : [];
  const plans = data ? [...new Set(data.cells.map((c) => c.plan))] : [];
  const cell = (plan: Plan, tr: Transition) => data?.cells.find((c) => c.plan === plan && c.transition === tr);
  const never = data?.transitions.filter((c) => steps.some((s) => !c.allowed.includes(s))) ?? [];

  return (
    <section className="card settings-card" aria-labelledby="policy-title" data-testid="billing-policy">
      <h2 id="policy-title" className="card-title">
        {t('policy.title')}
      </h2>
      <p className="muted section-intro">{t('policy.intro')}</p>
      {error && (
        <p className="field-error" role="alert">
          {t('policy.loadFailed')} {err(error)}
        </p>
      )}
      {!data && !error && <p className="muted" aria-busy="true">{t('billing.loading')}</p>}
      {/* A table wider than the window (large text) scrolls sideways on its own. */}
      {data && (
        <div className="table-wrap">
        <table className="policy-table" data-testid="policy-table">
          <thead>
            <tr>
              <th scope="col">{t('policy.plan')}</th>
              {data.transitions.map((c) => (
                <th scope="col" key={c.transition}>
                  {t(`billing.transition.${c.transition}` as TextKey)}
                </th>
              ))}
              <th scope="col">{t('policy.grace')}</th>
            </tr>
          </thead>
          <tbody>
            {plans.map((plan) => (
              <tr key={plan} data-testid="policy-row" data-plan={plan}>
                <th scope="row">{t(`plan.${plan}` as TextKey)}</th>
                {data.transitions.map((c) => {
                  const x = cell(plan, c.transition);
                  if (!x) return <td key={c.transition} />;
                  return (
                    <td key={c.transition}>
                      <select
                        className="input"
                        data-testid={`policy-step-${plan}-${c.transition}`}
                        data-chosen={x.chosen ? 'true' : 'false'}
                        aria-label={`${t(`plan.${plan}` as TextKey)}: ${t(`billing.transition.${c.transition}` as TextKey)}`}
                        value={x.step}
                        disabled={busy}
                        onChange={(e) => void setStep(plan, c.transition, e.target.value as Step)}
                      >
                        {steps.map((s) => (
                          <option key={s} value={s} disabled={!c.allowed.includes(s)}>
                            {t(`billing.step.${s}` as TextKey)}
                          </option>
                        ))}
                      </select>
                      {!x.chosen && <span className="muted small"> {t('policy.default')}</span>}
                    </td>
                  );
                })}
                <td>
                  <GraceInput key={`${plan}-${cell(plan, 'payment_failed')?.grace_days ?? 'none'}`} plan={plan} cell={cell(plan, 'payment_failed')} busy={busy} onSave={(d) => void setGrace(plan, d)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {data && (
        <ul className="muted small policy-notes">
          {never.map((c) => (
            <li key={c.transition} data-testid={`policy-never-${c.transition}`}>
              {t(`billing.transition.${c.transition}` as TextKey)}: {err({ code: 'billing_teardown_never_do', message: '' })}
            </li>
          ))}
          {!data.export_available && <li data-testid="policy-no-export">{t('policy.noExport')}</li>}
        </ul>
      )}
      {refusal && (
        <p className="field-error" role="alert" data-testid="policy-refused" data-code={refusal.code === 'validation' ? (refusal.fields[0]?.code ?? refusal.code) : refusal.code}>
          {t('policy.refused')} {err(refusal)}
        </p>
      )}
    </section>
  );
}

/** A failed payment's grace for one plan: days, or empty for "until Stripe gives up"; saved
 * when it leaves the field or on Enter, once it is a number the core can take. */
function GraceInput({ plan, cell, busy, onSave }: { plan: Plan; cell: PolicyCell | undefined; busy: boolean; onSave: (days: number | null) => void }) {
  const { t } = useI18n();
  const kept = cell?.grace_days ?? null;
  const [text, setText] = useState(kept === null ? '' : String(kept));
  const parsed = parseGrace(text);
  function commit() {
    if (parsed === undefined || parsed === kept) return;
    onSave(parsed);
  }
  return (
    <span className="policy-grace">
      <input
        className="input tabular"
        inputMode="numeric"
        size={5}
        data-testid={`policy-grace-${plan}`}
        aria-label={`${t(`plan.${plan}` as TextKey)}: ${t('policy.grace')}`}
        aria-invalid={parsed === undefined}
        value={text}
        disabled={busy}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        // Enter leaves the field, which saves it: one save, however it is left.
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
        }}
      />{' '}
      <span className="muted small" data-testid={`policy-grace-kept-${plan}`}>
        {kept === null ? t('policy.untilStripe') : t('policy.days', { n: kept })}
      </span>
      {parsed === undefined && (
        <span className="field-error" data-testid={`policy-grace-error-${plan}`}>
          {' '}
          {t('policy.graceInvalid')}
        </span>
      )}
    </span>
  );
}
