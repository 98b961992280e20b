// One provider's step: what the token is for, the page where it is made, what it must be allowed
// to do and why, a field straight to the keyring and the same live check as Inställningar, then
// the settings chosen from what the account offers.
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, type ApiError } from '../../api';
import type { AccountChoices, CredentialStatus, SettingEntry, StepGuide } from '../../bindings';
import { useI18n } from '../../i18n';
import { PROVIDER_NAMES, Warnings } from '../Credentials';
import { ChoiceField, CreateOffer, SettingField, SettingFields, type Flushers } from './fields';

/** `step` is a provider's (its `guide` is set). */
export function ProviderStep({
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
