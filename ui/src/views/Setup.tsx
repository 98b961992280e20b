// Installationsguiden: on first start, and from Inställningar. One step for the agency, one per
// provider (what the token is for, the page where it is made, what it must be allowed to do and
// why, a field straight to the keyring and the same live check as Inställningar, then choices
// read from the account), and an end that shows what is left. Every step can be skipped; the
// core keeps where this seat stopped (`setup_progress`).
import { useCallback, useEffect, useState } from 'react';
import { call, type ApiError } from '../api';
import type { CredentialStatus, ProofReport, Provider, SettingEntry, SetupGuide, SetupStep, StepGuide } from '../bindings';
import { useI18n } from '../i18n';
import { DoneStep } from './setup/DoneStep';
import { SettingFields } from './setup/fields';
import { STEP_NAME, type StepState } from './setup/names';
import { ProofStep } from './setup/ProofStep';
import { ProviderStep } from './setup/ProviderStep';
import { SandboxStep } from './setup/SandboxStep';

/** The guide; `onClose` leaves it (what was done stays, and where it stopped). */
export function Setup({ onClose }: { onClose: () => void }) {
  const { t, err } = useI18n();
  const [guide, setGuide] = useState<SetupGuide | null>(null);
  const [statuses, setStatuses] = useState<CredentialStatus[]>([]);
  const [settings, setSettings] = useState<SettingEntry[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [proof, setProof] = useState<ProofReport | null>(null);

  useEffect(() => {
    Promise.all([call('setup_guide', {}), call('credentials_status', {}), call('list_settings', {}), call('setup_proof', {})])
      .then(([g, c, s, p]) => {
        setGuide(g);
        setStatuses(c);
        setSettings(s);
        setProof(p);
        // Opened once: the first start does not open it again by itself.
        if (!g.started) void call('setup_progress', { at: g.at, skipped: g.skipped }).then(setGuide).catch(() => {});
      })
      .catch((e) => setError(e as ApiError));
  }, []);

  const go = useCallback(
    (at: SetupStep, skipped: SetupStep[]) => {
      call('setup_progress', { at, skipped })
        .then(setGuide)
        .catch((e) => setError(e as ApiError));
    },
    [],
  );

  if (error) {
    return (
      <section className="page page-setup">
        <div className="panel panel-error" role="alert" data-testid="setup-error">
          <p>{err(error)}</p>
        </div>
      </section>
    );
  }
  if (!guide) return <section className="page page-setup" aria-busy="true" />;

  const steps = guide.steps.map((s) => s.step);
  const index = steps.indexOf(guide.at);
  const step = guide.steps[index];
  const next = (skip: boolean) => {
    const skipped = skip ? [...guide.skipped, guide.at] : guide.skipped.filter((s) => s !== guide.at);
    go(steps[Math.min(index + 1, steps.length - 1)], skipped);
  };
  const status = (p: Provider) => statuses.find((s) => s.provider === p);
  const setting = (key: string) => settings.find((s) => s.key === key);
  const stepState = (s: StepGuide): StepState => {
    if (guide.skipped.includes(s.step)) return 'skipped';
    const g = s.guide;
    if (g) {
      const st = status(g.provider);
      if (st?.state === 'verified') return 'done';
      if (g.optional && st?.state === 'missing' && steps.indexOf(s.step) < index) return 'skipped';
      return 'todo';
    }
    if (s.step === 'agency') return s.settings.every((k) => (setting(k)?.value ?? '') !== '') ? 'done' : 'todo';
    if (s.step === 'proof') return proof?.phase === 'done' ? 'done' : 'todo';
    return 'todo';
  };

  return (
    <section className="page page-setup" aria-labelledby="setup-title" data-testid="setup" data-step={guide.at}>
      <div className="page-head">
        <h1 id="setup-title" className="page-title">
          {t('setup.title')}
        </h1>
        <button type="button" className="btn" data-testid="setup-close" onClick={onClose}>
          {guide.at === 'done' ? t('setup.close') : t('setup.later')}
        </button>
      </div>
      {guide.environment !== 'sandbox' && (
      <ol className="setup-steps" aria-label={t('setup.stepsLabel')}>
        {guide.steps.map((s, i) => {
          const state = stepState(s);
          return (
            <li key={s.step} className={`setup-step-name setup-${state}`} aria-current={i === index ? 'step' : undefined} data-testid={`setup-step-${s.step}`} data-state={state}>
              <button type="button" className="link-button" onClick={() => go(s.step, guide.skipped)}>
                <span className="setup-mark" aria-hidden="true">
                  {state === 'done' ? '✓' : state === 'skipped' ? '–' : i + 1}
                </span>
                {t(STEP_NAME[s.step])}
              </button>
            </li>
          );
        })}
      </ol>
      )}

      {guide.environment === 'sandbox' ? (
        <SandboxStep onStay={onClose} />
      ) : step.step === 'agency' ? (
        <div className="card setup-card" data-testid="setup-agency">
          <h2 className="card-title">{t('setup.agency.title')}</h2>
          <p className="muted">{t('setup.agency.intro')}</p>
          <SettingFields keys={step.settings} settings={settings} onSaved={setSettings} />
        </div>
      ) : step.step === 'proof' ? (
        <ProofStep report={proof} onReport={setProof} />
      ) : step.step === 'done' ? (
        <DoneStep guide={guide} stepState={stepState} onGo={(s) => go(s, guide.skipped)} />
      ) : (
        step.guide && (
          <ProviderStep
            key={step.step}
            step={step}
            status={status(step.guide.provider)}
            settings={settings}
            onStatus={(s) => setStatuses((cur) => cur.map((x) => (x.provider === s.provider ? s : x)))}
            onSettings={setSettings}
          />
        )
      )}

      {guide.environment !== 'sandbox' && guide.at !== 'done' && (
        <div className="setup-nav">
          <button type="button" className="btn" data-testid="setup-back" disabled={index === 0} onClick={() => go(steps[index - 1], guide.skipped)}>
            {t('setup.back')}
          </button>
          <span className="setup-nav-space" />
          <button type="button" className="btn" data-testid="setup-skip" onClick={() => next(true)}>
            {t('setup.skip')}
          </button>
          <button type="button" className="btn btn-primary" data-testid="setup-next" onClick={() => next(false)}>
            {t('setup.next')}
          </button>
        </div>
      )}
    </section>
  );
}
