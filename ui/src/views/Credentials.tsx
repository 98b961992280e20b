// Inställningar → the agency's tokens: one row per provider with where it comes from (keyring or
// environment), saved, tested and removed; a token never comes back to the window.
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, type ApiError } from '../api';
import { PROVIDERS as DECLARED, type CredentialStatus, type Environment, type Provider, type Text } from '../bindings';
import { useI18n } from '../i18n';
import { useToast } from '../state/toast';
import { Dialog } from './common';

/** The providers in the order the agency sets them up, from their declarations (`Provider::ALL`). */
export const PROVIDERS: readonly Provider[] = DECLARED.map((d) => d.provider);

/** Not needed to provision (Gitea: only workflow backups; Stripe: only the inbox): why, per provider. */
const OPTIONAL = Object.fromEntries(DECLARED.map((d) => [d.provider, d.optional])) as Record<Provider, Text | null>;

/** What the window calls each provider, from its declaration. */
export const PROVIDER_NAMES = Object.fromEntries(DECLARED.map((d) => [d.provider, d.label])) as Record<Provider, string>;

export function Credentials({ environment }: { environment: Environment | null }) {
  const { t, err } = useI18n();
  const [statuses, setStatuses] = useState<CredentialStatus[] | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);

  const load = useCallback(() => {
    setLoadError(null);
    call('credentials_status', {})
      .then(setStatuses)
      .catch((e) => setLoadError(e as ApiError));
  }, []);
  useEffect(load, [load]);

  const update = useCallback((s: CredentialStatus) => {
    setStatuses((cur) => (cur ?? []).map((x) => (x.provider === s.provider ? s : x)));
  }, []);

  return (
    <section className="card settings-card" aria-labelledby="cred-title" data-testid="credentials">
      <h2 id="cred-title" className="card-title">
        {t('cred.title')}
      </h2>
      <p className="muted section-intro">{t('cred.intro')}</p>
      {environment === 'sandbox' && <p className="hint section-intro">{t('cred.sandboxHint')}</p>}
      {loadError ? (
        <div className="panel panel-error" role="alert" data-testid="credentials-error" data-code={loadError.code}>
          <p>
            {t('cred.loadFailed')} {err(loadError)}
          </p>
          <button type="button" className="btn btn-small" onClick={load}>
            {t('settings.retry')}
          </button>
        </div>
      ) : (
        <ul className="cred-list" aria-busy={statuses === null}>
          {PROVIDERS.map((p) => {
            const s = statuses?.find((x) => x.provider === p);
            return s ? (
              <CredentialRow key={p} status={s} onChange={update} />
            ) : (
              <li key={p} className="cred-row cred-row-loading" aria-hidden="true" />
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** A check's caveats (a token that works with less, or stops working soon), one line each. */
export function Warnings({ warnings }: { warnings: Text[] }) {
  const { tx } = useI18n();
  return (
    <>
      {warnings.map((w) => (
        <p key={w.sv} className="cred-warning">
          <span aria-hidden="true">⚠ </span>
          {tx(w)}
        </p>
      ))}
    </>
  );
}

function CredentialRow({ status, onChange }: { status: CredentialStatus; onChange: (s: CredentialStatus) => void }) {
  const { t, err, tx } = useI18n();
  const toast = useToast();
  const p = status.provider;
  const name = PROVIDER_NAMES[p];
  // The token lives only in the DOM input until it is sent; React keeps just "something typed".
  const input = useRef<HTMLInputElement>(null);
  const [filled, setFilled] = useState(false);
  const [busy, setBusy] = useState<'' | 'save' | 'test' | 'email' | 'delete'>('');
  const [error, setError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState(false);

  function clearInput() {
    if (input.current) input.current.value = '';
    setFilled(false);
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const el = input.current;
    if (!el || busy) return;
    setBusy('save');
    setError(null);
    try {
      const next = await call('save_credential', { provider: p, token: el.value });
      onChange(next);
      toast('success', t('cred.saved', { provider: name }));
    } catch (ex) {
      setError(ex as ApiError);
    } finally {
      // Cleared whatever happened: a refused token is pasted again, never kept around.
      clearInput();
      setBusy('');
    }
  }

  async function test(sendEmail = false) {
    if (busy) return;
    setBusy(sendEmail ? 'email' : 'test');
    setError(null);
    try {
      onChange(await (sendEmail ? call('send_test_email', {}) : call('test_credential', { provider: p })));
    } catch (ex) {
      setError(ex as ApiError);
    } finally {
      setBusy('');
    }
  }

  async function remove() {
    setConfirming(false);
    setBusy('delete');
    setError(null);
    try {
      onChange(await call('delete_credential', { provider: p }));
      toast('success', t('cred.deleted', { provider: name }));
    } catch (ex) {
      setError(ex as ApiError);
    } finally {
      setBusy('');
    }
  }

  const v = status.verification;
  const missing = status.state === 'missing';
  const inputId = `cred-input-${p}`;

  return (
    <li className="cred-row" data-testid={`credential-${p}`} data-state={status.state}>
      <div className="cred-info">
        <div className="cred-head">
          <h3 className="cred-name">{name}</h3>
          <span className={`badge cred-${status.state}`} data-testid={`credential-state-${p}`}>
            <span className="badge-dot" aria-hidden="true" />
            {t(`cred.state.${status.state}` as const)}
          </span>
        </div>
        {OPTIONAL[p] && (
          <p className="muted small cred-optional" data-testid={`credential-optional-${p}`}>
            {tx(OPTIONAL[p])}
          </p>
        )}
        <div className="cred-message" data-testid={`credential-message-${p}`}>
          {missing ? (
            <p className="muted">{t('cred.noneSaved')}</p>
          ) : v ? (
            <>
              <p>{tx(v.message)}</p>
              {v.account && <p className="muted">{t('cred.account', { account: v.account })}</p>}
              <Warnings warnings={v.warnings} />
            </>
          ) : (
            <p className="muted">{t('cred.notTested')}</p>
          )}
          {status.from_env && <p className="muted">{t('cred.fromEnv')}</p>}
        </div>
      </div>

      <div className="cred-controls">
        <form className="cred-form" onSubmit={save} noValidate>
          <label className="visually-hidden" htmlFor={inputId}>
            {t('cred.tokenLabel', { provider: name })}
          </label>
          <input
            ref={input}
            id={inputId}
            className="input mono"
            type="password"
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            placeholder={t('cred.tokenPlaceholder')}
            data-testid={`credential-input-${p}`}
            aria-invalid={error?.code === 'invalid_token' ? true : undefined}
            aria-describedby={error ? `cred-error-${p}` : undefined}
            onChange={(e) => setFilled(e.currentTarget.value !== '')}
          />
          <button type="submit" className="btn" data-testid={`credential-save-${p}`} disabled={!filled || busy !== ''}>
            {t('cred.save')}
          </button>
        </form>
        <div className="cred-actions">
          <button
            type="button"
            className="btn btn-small btn-busy"
            data-testid={`credential-test-${p}`}
            disabled={missing || busy !== ''}
            aria-busy={busy === 'test' ? true : undefined}
            onClick={() => test()}
          >
            <span className={busy === 'test' ? 'is-hidden' : undefined}>{t('cred.test')}</span>
            {busy === 'test' && (
              <>
                <span className="spinner" aria-hidden="true" data-testid={`credential-spinner-${p}`} />
                <span className="visually-hidden">{t('cred.testing')}</span>
              </>
            )}
          </button>
          {p === 'resend' && (
            <button
              type="button"
              className="btn btn-small"
              data-testid="credential-test-email"
              disabled={missing || busy !== ''}
              aria-busy={busy === 'email' ? true : undefined}
              onClick={() => test(true)}
            >
              {busy === 'email' ? t('cred.sendingEmail') : t('cred.sendEmail')}
            </button>
          )}
          <button
            type="button"
            className="btn btn-small btn-danger-outline"
            data-testid={`credential-delete-${p}`}
            disabled={missing || busy !== ''}
            onClick={() => setConfirming(true)}
          >
            {t('cred.delete')}
          </button>
        </div>
        <div className="field-msg cred-error-slot">
          {error && (
            <p className="field-error" id={`cred-error-${p}`} role="alert" data-testid={`credential-error-${p}`} data-code={error.code}>
              <span aria-hidden="true">⚠ </span>
              {err(error)}
            </p>
          )}
        </div>
      </div>

      {confirming && (
        <Dialog
          title={t('cred.deleteTitle')}
          labelledBy={`cred-delete-title-${p}`}
          onCancel={() => setConfirming(false)}
          actions={
            <>
              <button type="button" className="btn" data-autofocus onClick={() => setConfirming(false)}>
                {t('form.cancel')}
              </button>
              <button type="button" className="btn btn-danger" data-testid="confirm-delete-credential" onClick={remove}>
                {t('cred.confirmDelete')}
              </button>
            </>
          }
        >
          <p>{t('cred.deleteBody', { provider: name })}</p>
        </Dialog>
      )}
    </li>
  );
}

// ---------------------------------------------------------------------------------------------
// Non-secret settings
