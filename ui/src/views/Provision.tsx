// Starting a provisioning run: the button (on the list and the customer page) and the plan
// dialog it opens, with the preflight's findings and what each step will create, adopt or refuse.
import { useEffect, useState } from 'react';
import { call, type ApiError } from '../api';
import type { Finding, PlanItem, ProvisionPlan } from '../bindings';
import { useI18n } from '../i18n';
import { isActive, stepLabel, useRuns } from '../state/runs';
import { AdoptDialog } from './Adopt';
import { Dialog } from './common';
import { BudgetNote } from './AccountsLeft';

/** "Provisionera": disabled with the reason while not ready, spinning while its run is active. */
export function ProvisionButton({ slug, name, testId, small, showReason }: { slug: string; name: string; testId: string; small?: boolean; showReason?: boolean }) {
  const { t, tx } = useI18n();
  const { readiness, pending, runs, latest, provision } = useRuns();
  const run = latest[slug] !== undefined ? runs[latest[slug]] : undefined;
  const active = !!run && isActive(run.run.state);
  const busy = !!pending[slug] || active;
  const notReady = readiness !== null && !readiness.ready;
  const reason = notReady ? t('run.notReady', { reason: readiness?.reason ? tx(readiness.reason) : '' }) : undefined;
  return (
    <span className="provision-wrap">
      <button
        type="button"
        className={`btn btn-primary btn-busy${small ? ' btn-small' : ''}`}
        data-testid={testId}
        data-busy={busy ? 'true' : undefined}
        disabled={busy || notReady || readiness === null}
        aria-busy={busy || undefined}
        aria-describedby={showReason && reason ? `provision-reason-${slug}` : undefined}
        title={reason}
        onClick={(e) => {
          e.stopPropagation();
          provision([{ slug, name }]);
        }}
        onKeyDown={(e) => e.stopPropagation()}
      >
        <span className={busy ? 'is-hidden' : undefined}>{t('run.provision')}</span>
        {busy && <span className="spinner" aria-hidden="true" />}
        {busy && <span className="visually-hidden">{t('run.provisioning')}</span>}
      </button>
      {showReason && reason && (
        <span className="provision-reason" id={`provision-reason-${slug}`} data-testid="provision-reason">
          {reason}
        </span>
      )}
    </span>
  );
}

/** What the preflight found: the problems to fix before a run (all at once), then caveats. */
function PreflightFindings({ found }: { found: Finding[] }) {
  const { t, tx } = useI18n();
  if (found.length === 0) return null;
  const blocking = found.filter((f) => f.blocking).length;
  return (
    <div className="preflight" data-testid="preflight">
      {blocking > 0 && (
        <p className="field-error" role="alert">
          {t('preflight.blocking', { n: blocking })}
        </p>
      )}
      <ul className="plan-list">
        {found.map((f, i) => (
          <li key={i} className={`plan-item ${f.blocking ? 'plan-refuse' : 'plan-caveat'}`} data-testid="preflight-finding" data-blocking={f.blocking}>
            <span className={`plan-action ${f.blocking ? 'plan-action-refuse' : 'plan-action-caveat'}`}>{t(f.blocking ? 'preflight.problem' : 'preflight.caveat')}</span>
            <span className="plan-text">
              <span className="plan-step mono">{f.subject}</span>
              <span className="plan-detail muted">{tx(f.message)}</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Before the first step: the preflight's findings, then what will be created or adopted,
 * with "Starta" and "Avbryt". */
export function PlanDialog({ slugs, names, onCancel, onStart }: { slugs: string[]; names: Record<string, string>; onCancel: () => void; onStart: () => void }) {
  const { t, err, tx } = useI18n();
  const single = slugs.length === 1 ? slugs[0] : null;
  const [plan, setPlan] = useState<ProvisionPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  // A refused resource being adopted from the plan, and a counter that plans again after.
  const [adopting, setAdopting] = useState<string | null>(null);
  const [replan, setReplan] = useState(0);
  // Several customers: one preflight for all of them (the plan is per customer).
  const [found, setFound] = useState<Finding[] | null>(null);

  useEffect(() => {
    let live = true;
    if (!single) {
      call('preflight', {})
        .then((f) => live && setFound(f))
        .catch((e: ApiError) => live && setError(t('plan.failed', { message: err(e) })));
      return () => {
        live = false;
      };
    }
    call('plan_provision', { slug: single })
      .then((p) => live && setPlan(p))
      .catch((e: ApiError) => live && setError(t('plan.failed', { message: err(e) })));
    return () => {
      live = false;
    };
    // Planned once per dialog, and again after an adoption.
  }, [single, replan]);
  // What stops the plan is what the owner must see first, even below the fold.
  useEffect(() => {
    if (plan && !plan.feasible) document.querySelector('.plan-item.plan-refuse')?.scrollIntoView({ block: 'nearest' });
  }, [plan]);

  const bulkReady = !!found && !found.some((f) => f.blocking);
  const canStart = !starting && (single ? !!plan && plan.feasible : slugs.length > 0 && bulkReady);
  return (
    <Dialog
      title={single ? t('plan.title', { name: names[single] ?? single }) : t('plan.bulkTitle', { n: slugs.length })}
      labelledBy="plan-title"
      onCancel={onCancel}
      testId="plan-dialog"
      actions={
        <>
          <button type="button" className="btn" data-testid="plan-cancel" onClick={onCancel}>
            {t('plan.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="plan-start"
            data-autofocus
            disabled={!canStart}
            onClick={() => {
              setStarting(true);
              onStart();
            }}
          >
            {t('plan.start')}
          </button>
        </>
      }
    >
      {single ? (
        <>
          {error && (
            <p className="field-error" role="alert" data-testid="plan-error">
              {error}
            </p>
          )}
          {!plan && !error && <p className="muted" aria-busy="true">{t('plan.loading')}</p>}
          {plan && (
            <>
              <PreflightFindings found={plan.preflight} />
              {plan.items.length > 0 && <p>{t('plan.intro')}</p>}
              <ul className="plan-list">
                {plan.items.map((it: PlanItem) => (
                  <li key={it.step} className={`plan-item plan-${it.action}`} data-testid={`plan-item-${it.step}`} data-action={it.action}>
                    <span className={`plan-action plan-action-${it.action}`}>{t(`plan.action.${it.action}` as const)}</span>
                    <span className="plan-text">
                      <span className="plan-step">{stepLabel(tx, it.step)}</span>
                      <span className="plan-detail muted">{tx(it.detail)}</span>
                    </span>
                    {it.adoptable && (
                      <button type="button" className="btn btn-small" data-testid={`plan-adopt-${it.step}`} onClick={() => setAdopting(it.adoptable)}>
                        {t('foreign.adopt')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
              {!plan.feasible && (
                <p className="field-error" role="alert">
                  {t('plan.infeasible')}
                </p>
              )}
              {adopting && single && (
                <AdoptDialog
                  slug={single}
                  name={adopting}
                  onClose={() => setAdopting(null)}
                  onDone={() => {
                    setAdopting(null);
                    setReplan((n) => n + 1);
                  }}
                />
              )}
            </>
          )}
        </>
      ) : (
        <>
          {error && (
            <p className="field-error" role="alert" data-testid="plan-error">
              {error}
            </p>
          )}
          {!found && !error && <p className="muted" aria-busy="true">{t('plan.loading')}</p>}
          {found && <PreflightFindings found={found} />}
          <BudgetNote kind="provision" count={slugs.length} />
          <p>{t('plan.bulkIntro')}</p>
          <ul className="plan-list">
            {slugs.map((s) => (
              <li key={s} className="plan-item" data-testid={`plan-customer-${s}`}>
                <span className="plan-text">
                  <span className="plan-step">{names[s] ?? s}</span>
                  <span className="plan-detail muted mono">{s}</span>
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Dialog>
  );
}
