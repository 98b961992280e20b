// The guide's proof: what a test customer costs, then provisioned and torn down for real
// (`setup_proof_plan`, `start_setup_proof`, `setup_proof`).
import { useEffect, useState } from 'react';
import { call, type ApiError } from '../../api';
import type { ProofPhase, ProofPlan, ProofReport } from '../../bindings';
import { useI18n, type TextKey } from '../../i18n';
import { PROVIDER_NAMES, Warnings } from '../Credentials';
import { stepLabel } from '../../state/runs';

const PROOF_TITLE: Record<ProofPhase, TextKey> = {
  not_started: 'setup.proof.not_started',
  provisioning: 'setup.proof.provisioning',
  tearing_down: 'setup.proof.tearing_down',
  done: 'setup.proof.done',
  stopped: 'setup.proof.stopped',
};

/** The proof: what a test customer costs, then provisioned and torn down with each resource
 * made and removed shown as it happens. Continues one that stopped (the core kept it). */
export function ProofStep({ report, onReport }: { report: ProofReport | null; onReport: (r: ProofReport) => void }) {
  const { t, tx, err } = useI18n();
  const [plan, setPlan] = useState<ProofPlan | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const phase = report?.phase ?? 'not_started';
  const running = phase === 'provisioning' || phase === 'tearing_down';

  useEffect(() => {
    if (phase !== 'not_started') return;
    call('setup_proof_plan', {})
      .then(setPlan)
      .catch((e) => setError(e as ApiError));
  }, [running, phase]);
  // Followed while it runs; its runs show on their cards too.
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => {
      call('setup_proof', {}).then(onReport).catch(() => {});
    }, 700);
    return () => window.clearInterval(timer);
  }, [running, onReport]);

  function start() {
    setBusy(true);
    setError(null);
    call('start_setup_proof', {})
      .then(onReport)
      .catch((e) => setError(e as ApiError))
      .finally(() => setBusy(false));
  }

  return (
    <div className="card setup-card" data-testid="setup-proof" data-phase={phase}>
      <h2 className="card-title">{t(PROOF_TITLE[phase])}</h2>
      {phase === 'not_started' && (
        <>
          <p>{t('setup.proof.intro')}</p>
          {plan && (
            <>
              <ul className="setup-proof-items" data-testid="setup-proof-cost">
                {plan.items.map((i) => (
                  <li key={i.provider} data-testid={`setup-proof-item-${i.provider}`}>
                    <strong>{PROVIDER_NAMES[i.provider]}</strong>: {tx(i.made)}
                    <div className="muted small">{tx(i.cost)}</div>
                  </li>
                ))}
              </ul>
              <div data-testid="setup-proof-caveats">
                <Warnings warnings={plan.caveats} />
              </div>
            </>
          )}
        </>
      )}
      {phase === 'stopped' && (
        <p className="field-error" role="alert" data-testid="setup-proof-problem">
          {t('setup.proof.stoppedBody', { slug: report?.slug ?? '' })} {report?.problem ? tx(report.problem) : ''}
        </p>
      )}
      {report && phase !== 'not_started' && (
        <div className="setup-proof-report" data-testid="setup-proof-report">
          <h3 className="setup-proof-head">{t('setup.proof.made', { slug: report.slug ?? '' })}</h3>
          <ul data-testid="setup-proof-made">
            {report.made.map((r) => (
              <li key={`m-${r.step}-${r.id}`} data-step={r.step}>
                <span aria-hidden="true">+ </span>
                {stepLabel(tx, r.step)} <code>{r.id}</code>
              </li>
            ))}
          </ul>
          {report.removed.length > 0 && (
            <>
              <h3 className="setup-proof-head">{t('setup.proof.removed')}</h3>
              <ul data-testid="setup-proof-removed">
                {report.removed.map((r) => (
                  <li key={`r-${r.step}-${r.id}`} data-step={r.step} data-state={r.state}>
                    <span aria-hidden="true">{r.state === 'compensated' ? '− ' : '! '}</span>
                    {stepLabel(tx, r.step)} <code>{r.id}</code>
                    {r.state !== 'compensated' && <span className="muted"> ({r.state})</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {phase === 'done' && report.seconds !== null && (
            <p data-testid="setup-proof-time">{t('setup.proof.time', { seconds: report.seconds })}</p>
          )}
        </div>
      )}
      {!running && (
        <div className="card-actions">
          <button type="button" className="btn btn-primary" data-testid="setup-proof-start" disabled={busy || (phase === 'not_started' && !plan)} onClick={start}>
            {phase === 'stopped' ? t('setup.proof.continue') : phase === 'done' ? t('setup.proof.again') : t('setup.proof.start')}
          </button>
        </div>
      )}
      {error && (
        <p className="field-error" role="alert" data-testid="setup-proof-error">
          {err(error)}
        </p>
      )}
    </div>
  );
}
