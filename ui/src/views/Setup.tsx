// Installationsguiden: on first start, and from Inställningar. One step for the agency, one per
// provider (what the token is for, the page where it is made, what it must be allowed to do and
// why, a field straight to the keyring and the same live check as Inställningar, then choices
// read from the account), and an end that shows what is left. Every step can be skipped; the
// core keeps where this seat stopped (`setup_progress`).
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, type ApiError } from '../api';
import type {
  AccountChoices,
  ProofPhase,
  ProofPlan,
  ProofReport,
  ChoiceList,
  CredentialStatus,
  Provider,
  SettingEntry,
  SetupGuide,
  SetupStep,
  StepGuide,
} from '../bindings';
import { useI18n, type TextKey } from '../i18n';
import { PROVIDER_NAMES, Warnings } from './Credentials';
import { stepLabel } from '../state/runs';

const STEP_NAME: Record<SetupStep, TextKey> = {
  agency: 'setup.step.agency',
  github: 'setup.step.github',
  supabase: 'setup.step.supabase',
  vercel: 'setup.step.vercel',
  n8n: 'setup.step.n8n',
  resend: 'setup.step.resend',
  gitea: 'setup.step.gitea',
  stripe: 'setup.step.stripe',
  proof: 'setup.step.proof',
  done: 'setup.step.done',
};

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
  const stepState = (s: StepGuide): 'done' | 'skipped' | 'todo' => {
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

function SandboxStep({ onStay }: { onStay: () => void }) {
  const { t, err } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <div className="card setup-card" data-testid="setup-sandbox">
      <h2 className="card-title">{t('setup.sandbox.title')}</h2>
      <p>{t('setup.sandbox.body')}</p>
      <p className="muted">{t('setup.sandbox.restart')}</p>
      <div className="card-actions">
        <button type="button" className="btn" data-testid="setup-stay" onClick={onStay}>
          {t('setup.sandbox.stay')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="setup-production"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            // The window starts again in production, and the guide with it.
            call('set_environment', { environment: 'production' }).catch((e) => {
              setError(e as ApiError);
              setBusy(false);
            });
          }}
        >
          {t('setup.sandbox.production')}
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {err(error)}
        </p>
      )}
    </div>
  );
}

/** The settings of a step that an API cannot list: typed, saved when the field is left. */
/** `flush`: where each field leaves a way to save what is typed now (a check that reads the
 * address must not start before it is saved). */
type Flushers = Map<string, () => Promise<void>>;

function SettingFields({ keys, settings, onSaved, flush }: { keys: string[]; settings: SettingEntry[]; onSaved: (s: SettingEntry[]) => void; flush?: Flushers }) {
  return (
    <div className="setup-fields">
      {keys.map((k) => {
        const s = settings.find((x) => x.key === k);
        return s ? <SettingField key={k} entry={s} onSaved={onSaved} flush={flush} /> : null;
      })}
    </div>
  );
}

function SettingField({ entry, onSaved, flush }: { entry: SettingEntry; onSaved: (s: SettingEntry[]) => void; flush?: Flushers }) {
  const { tx, err } = useI18n();
  const [value, setValue] = useState(entry.value);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => setValue(entry.value), [entry.value]);
  const id = `setup-field-${entry.key}`;
  function save(): Promise<void> {
    if (value === entry.value) return Promise.resolve();
    return call('set_setting', { key: entry.key, value })
      .then((s) => {
        setError(null);
        onSaved(s);
      })
      .catch((e) => setError(e as ApiError));
  }
  useEffect(() => {
    flush?.set(entry.key, save);
    return () => {
      flush?.delete(entry.key);
    };
  });
  return (
    <div className="field">
      <label htmlFor={id}>{tx(entry.help)}</label>
      <input
        id={id}
        className="input"
        data-testid={`setup-setting-${entry.key}`}
        value={value}
        disabled={entry.fixed_by_sandbox}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setValue(e.currentTarget.value)}
        onBlur={() => void save()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void save();
        }}
      />
      {error && (
        <p className="field-error" role="alert" data-testid={`setup-setting-error-${entry.key}`}>
          {err(error)}
        </p>
      )}
    </div>
  );
}

function ProviderStep({
  step,
  status,
  settings,
  onStatus,
  onSettings,
}: {
  step: StepGuide;
  status: CredentialStatus | undefined;
  settings: SettingEntry[];
  onStatus: (s: CredentialStatus) => void;
  onSettings: (s: SettingEntry[]) => void;
}) {
  const { t, tx, err } = useI18n();
  const g = step.guide!;
  const p = g.provider;
  const name = PROVIDER_NAMES[p];
  const input = useRef<HTMLInputElement>(null);
  const [filled, setFilled] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [choices, setChoices] = useState<AccountChoices | null>(null);
  const flush = useRef<Flushers>(new Map()).current;
  // Addresses come before the token (its check calls them); the rest are chosen after it.
  const typedFirst = step.settings.filter((k) => k.endsWith('.api_url'));
  const chosen = step.settings.filter((k) => !typedFirst.includes(k));

  const readChoices = useCallback(() => {
    call('setup_choices', { provider: p })
      .then(setChoices)
      .catch((e) => setError(e as ApiError));
  }, [p]);
  useEffect(() => {
    if (status && status.state !== 'missing') readChoices();
  }, [status?.state, readChoices]);

  async function saveAndCheck(e: React.FormEvent) {
    e.preventDefault();
    const el = input.current;
    if (!el || busy || el.value === '') return;
    setBusy(true);
    setError(null);
    try {
      // An address typed and not yet saved (the button took the focus from it) goes first.
      for (const save of flush.values()) await save();
      await call('save_credential', { provider: p, token: el.value });
      onStatus(await call('test_credential', { provider: p }));
    } catch (ex) {
      setError(ex as ApiError);
    } finally {
      // Never kept: a refused token is pasted again.
      el.value = '';
      setFilled(false);
      setBusy(false);
    }
  }

  async function recheck() {
    setBusy(true);
    setError(null);
    try {
      onStatus(await call('test_credential', { provider: p }));
    } catch (ex) {
      setError(ex as ApiError);
    } finally {
      setBusy(false);
    }
  }

  const v = status?.verification;
  return (
    <div className="card setup-card" data-testid={`setup-provider-${p}`}>
      <h2 className="card-title">
        {name}
        {g.optional && <span className="muted small"> · {t('setup.optional')}</span>}
      </h2>
      <p>{tx(g.purpose)}</p>
      {typedFirst.length > 0 && <SettingFields keys={typedFirst} settings={settings} onSaved={onSettings} flush={flush} />}
      {g.kinds.map((k) => (
        <div key={k.url} className="setup-kind">
          <h3 className="setup-kind-name">{tx(k.name)}</h3>
          <p>
            <button type="button" className="link-button" data-testid={`setup-open-${p}`} onClick={() => void call('open_external', { url: k.url }).catch(() => {})}>
              {t('setup.makeAt', { provider: name })}
            </button>{' '}
            <span className="muted small mono">{k.url}</span>
          </p>
          <ul className="setup-permissions">
            {k.permissions.map((perm) => (
              <li key={perm.name}>
                <span className="mono">{perm.name}</span>
                {perm.optional && <span className="muted small"> ({t('setup.optional')})</span>}: {tx(perm.why)}
              </li>
            ))}
          </ul>
        </div>
      ))}

      {status?.from_env ? (
        <p className="muted">{t('cred.fromEnv')}</p>
      ) : (
        <form className="cred-form setup-token" onSubmit={saveAndCheck} noValidate>
          <label htmlFor={`setup-token-${p}`}>{t('cred.tokenLabel', { provider: name })}</label>
          <input
            ref={input}
            id={`setup-token-${p}`}
            className="input mono"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={t('cred.tokenPlaceholder')}
            data-testid={`setup-token-${p}`}
            onChange={(e) => setFilled(e.currentTarget.value !== '')}
          />
          <button type="submit" className="btn btn-primary" data-testid={`setup-save-${p}`} disabled={!filled || busy}>
            {busy ? t('setup.checking') : t('setup.saveAndCheck')}
          </button>
        </form>
      )}
      <div className="setup-check" data-testid={`setup-check-${p}`} data-state={status?.state ?? 'missing'} aria-live="polite">
        {status?.state === 'missing' ? (
          <p className="muted">{t('cred.noneSaved')}</p>
        ) : v ? (
          <>
            <p className={v.state === 'verified' ? 'setup-ok' : 'field-error'}>
              <span aria-hidden="true">{v.state === 'verified' ? '✓ ' : '⚠ '}</span>
              {tx(v.message)}
            </p>
            <Warnings warnings={v.warnings} />
          </>
        ) : (
          <p className="muted">
            {t('cred.notTested')}{' '}
            <button type="button" className="link-button" onClick={recheck} disabled={busy}>
              {t('cred.test')}
            </button>
          </p>
        )}
        {error && (
          <p className="field-error" role="alert" data-testid={`setup-error-${p}`}>
            {err(error)}
          </p>
        )}
      </div>

      {(choices?.about ?? []).map((a) => (
        <p key={a.sv} className="muted" data-testid={`setup-about-${p}`}>
          {tx(a)}
        </p>
      ))}
      {chosen.length > 0 && (
        <div className="setup-choices" data-testid={`setup-choices-${p}`}>
          {choices?.problem && (
            <p className="muted" data-testid={`setup-choices-problem-${p}`}>
              {tx(choices.problem)}
            </p>
          )}
          {chosen.map((key) => {
            const list = choices?.lists.find((l) => l.setting === key);
            const entry = settings.find((s) => s.key === key);
            if (!entry) return null;
            // A new organization has its own regions; another backup repository may not exist.
            const saved = (s: SettingEntry[]) => {
              onSettings(s);
              if (key === 'supabase.organization' || key === 'backup.repository') readChoices();
            };
            return (
              <div key={key}>
                {list && list.choices.length > 0 ? <ChoiceField list={list} entry={entry} onSaved={saved} /> : <SettingField entry={entry} onSaved={saved} />}
                {list?.create && <CreateOffer name={list.create} onMade={setChoices} />}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}

/** The backup repository the settings name does not exist: Fabrik offers to make it. */
function CreateOffer({ name, onMade }: { name: string; onMade: (c: AccountChoices) => void }) {
  const { t, err } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <div className="setup-create" data-testid="setup-create-offer">
      <p className="muted small">{t('setup.create.missing', { name })}</p>
      <button
        type="button"
        className="btn btn-small"
        data-testid="setup-create-repository"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          call('create_backup_repository', {})
            .then(onMade)
            .catch((e) => setError(e as ApiError))
            .finally(() => setBusy(false));
        }}
      >
        {t('setup.create.button', { name })}
      </button>
      {error && (
        <p className="field-error" role="alert">
          {err(error)}
        </p>
      )}
    </div>
  );
}

/** One setting chosen from what the account offers; an option that cannot be used says why. */
function ChoiceField({ list, entry, onSaved }: { list: ChoiceList; entry: SettingEntry; onSaved: (s: SettingEntry[]) => void }) {
  const { t, tx, err } = useI18n();
  const [error, setError] = useState<ApiError | null>(null);
  const domainOf = (v: string) => v.split('@')[1] ?? '';
  const [local, setLocal] = useState(list.kind === 'domain' ? entry.value.split('@')[0] ?? '' : '');
  const current = list.kind === 'domain' ? domainOf(entry.value) : entry.value;
  const id = `setup-choice-${entry.key}`;
  const unusable = list.choices.filter((c) => !c.usable);

  async function save(value: string) {
    try {
      const chosen = list.choices.find((c) => c.value === value);
      let next = await call('set_setting', { key: entry.key, value: list.kind === 'domain' ? `${local || 'hej'}@${value}` : value });
      for (const a of chosen?.also ?? []) next = await call('set_setting', { key: a.setting, value: a.value });
      setError(null);
      onSaved(next);
    } catch (e) {
      setError(e as ApiError);
    }
  }

  return (
    <div className="field">
      <label htmlFor={id}>{tx(entry.help)}</label>
      <div className="setup-choice-row">
        {list.kind === 'domain' && (
          <>
            <input
              className="input"
              aria-label={t('setup.localPart')}
              data-testid={`setup-local-${entry.key}`}
              value={local}
              onChange={(e) => setLocal(e.currentTarget.value)}
              onBlur={() => current && void save(current)}
            />
            <span aria-hidden="true">@</span>
          </>
        )}
        <select id={id} className="select" data-testid={`setup-choice-${entry.key}`} value={current} onChange={(e) => void save(e.currentTarget.value)}>
          {!list.choices.some((c) => c.value === current) && <option value={current}>{current || t('setup.choose')}</option>}
          {list.choices.map((c) => (
            <option key={c.value} value={c.value} disabled={!c.usable}>
              {c.label}
              {c.note ? ` — ${tx(c.note)}` : ''}
            </option>
          ))}
        </select>
      </div>
      {unusable.length > 0 && (
        <ul className="muted small setup-unusable" data-testid={`setup-unusable-${entry.key}`}>
          {unusable.map((c) => (
            <li key={c.value}>
              {c.label}: {c.note ? tx(c.note) : ''}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="field-error" role="alert">
          {err(error)}
        </p>
      )}
    </div>
  );
}

function DoneStep({ guide, stepState, onGo }: { guide: SetupGuide; stepState: (s: StepGuide) => 'done' | 'skipped' | 'todo'; onGo: (s: SetupStep) => void }) {
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

const PROOF_TITLE: Record<ProofPhase, TextKey> = {
  not_started: 'setup.proof.not_started',
  provisioning: 'setup.proof.provisioning',
  tearing_down: 'setup.proof.tearing_down',
  done: 'setup.proof.done',
  stopped: 'setup.proof.stopped',
};

/** The proof: what a test customer costs, then provisioned and torn down with each resource
 * made and removed shown as it happens. Continues one that stopped (the core kept it). */
function ProofStep({ report, onReport }: { report: ProofReport | null; onReport: (r: ProofReport) => void }) {
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
