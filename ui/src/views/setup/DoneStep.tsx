// The guide's last step: what is left to do, each a link back to its step; the proof offered.
import type { SetupGuide, SetupStep, StepGuide } from '../../bindings';
import { useI18n } from '../../i18n';
import { STEP_NAME, type StepState } from './names';

export function DoneStep({ guide, stepState, onGo }: { guide: SetupGuide; stepState: (s: StepGuide) => StepState; onGo: (s: SetupStep) => void }) {
  const { t } = useI18n();
  // The proof is optional: offered, not counted as left.
  const left = guide.steps.filter((s) => s.step !== 'done' && s.step !== 'proof' && stepState(s) !== 'done');
  const proofStep = guide.steps.find((s) => s.step === 'proof');
  const proofLeft = proofStep && stepState(proofStep) !== 'done';
  return (
    <div className="card setup-card" data-testid="setup-done">
      <h2 className="card-title">{left.length === 0 ? t('setup.done.allTitle') : t('setup.done.leftTitle', { count: left.length })}</h2>
      {left.length === 0 ? (
        <p>{t('setup.done.all')}</p>
      ) : (
        <ul className="setup-left" data-testid="setup-left">
          {left.map((s) => (
            <li key={s.step} data-testid={`setup-left-${s.step}`}>
              <button type="button" className="link-button" onClick={() => onGo(s.step)}>
                {t(STEP_NAME[s.step])}
              </button>{' '}
              <span className="muted">{stepState(s) === 'skipped' ? t('setup.skipped') : t('setup.notDone')}</span>
              {s.guide?.optional && <span className="muted small"> ({t('setup.optional')})</span>}
            </li>
          ))}
        </ul>
      )}
      {proofLeft && (
        <p data-testid="setup-left-proof">
          <button type="button" className="link-button" onClick={() => onGo('proof')}>
            {t('setup.proof.not_started')}
          </button>{' '}
          <span className="muted small">({t('setup.optional')})</span>
        </p>
      )}
    </div>
  );
}
