import { useCallback, useEffect, useRef, useState } from 'react';
import { call, type ApiError } from '../api';
import type { CredentialStatus, Environment, NewPerson, Person, PersonRole, Provider, SettingEntry } from '../bindings';
import { useLoad } from '../state/load';
import { useI18n, type TextKey } from '../i18n';
import { useToast } from '../state/toast';
import { Dialog } from './common';
import { ExportButtons, ImportButton, SharedRegisterCard } from './RegisterFile';

/** The providers in the order the agency sets them up (as `Provider::ALL`). */
export const PROVIDERS: Provider[] = ['github', 'supabase', 'vercel', 'n8n', 'resend', 'gitea'];
/** Not needed to provision: only workflow backups use them. */
const OPTIONAL: Partial<Record<Provider, TextKey>> = { gitea: 'cred.optional' };
const PROVIDER_NAMES: Record<Provider, string> = {
  github: 'GitHub',
  supabase: 'Supabase',
  vercel: 'Vercel',
  n8n: 'n8n',
  resend: 'Resend',
  gitea: 'Gitea',
};

type Group = 'github' | 'supabase' | 'vercel' | 'n8n' | 'email' | 'backups' | 'templates' | 'advanced';
const GROUPS: Group[] = ['github', 'supabase', 'vercel', 'n8n', 'email', 'backups', 'templates', 'advanced'];
const GROUP_OF: Record<string, Group> = {
  'github.template': 'github',
  'github.owner': 'github',
  'supabase.organization': 'supabase',
  'supabase.region': 'supabase',
  'vercel.team_id': 'vercel',
  'vercel.team_slug': 'vercel',
  'vercel.framework': 'vercel',
  'n8n.api_url': 'n8n',
  'email.sender_name': 'email',
  'email.sender_address': 'email',
  'email.support_address': 'email',
  'gitea.api_url': 'backups',
  'backup.target': 'backups',
  'backup.repository': 'backups',
  'backup.schedule_hours': 'backups',
  'backup.alert_hours': 'backups',
  'backup.keep_last': 'backups',
  'backup.keep_days': 'backups',
  'schema.template_path': 'templates',
  'n8n.workflow_template_path': 'templates',
  'modules.manifest_path': 'templates',
  'env.supabase_url': 'templates',
  'env.supabase_anon_key': 'templates',
  'env.supabase_service_role_key': 'templates',
  'env.customer_slug': 'templates',
  'env.modules': 'templates',
};
/** Base URLs (and anything new the core adds) live under "Avancerat", collapsed. */
const groupOf = (key: string): Group => GROUP_OF[key] ?? 'advanced';

export function Settings({ environment }: { environment: Environment | null }) {
  const { t } = useI18n();
  return (
    <section className="page page-settings" aria-labelledby="settings-title">
      <div className="page-head">
        <h1 id="settings-title" className="page-title">
          {t('settings.title')}
        </h1>
      </div>
      <EnvironmentSwitch environment={environment} />
      <Credentials environment={environment} />
      <SettingsForm />
      <RegisterCard />
      <SharedRegisterCard />
      <PeopleCard />
      <AboutCard />
    </section>
  );
}

/** Om Fabrik: the one version number of the app, the core, the CLI and the UI (`fabrik --version`
 * says the same), and the register it works on. */
function AboutCard() {
  const { t, err } = useI18n();
  const { data: info, error } = useLoad('app_info', {}, []);
  return (
    <section className="card settings-card" aria-labelledby="about-title" data-testid="about">
      <h2 id="about-title" className="card-title">
        {t('about.title')}
      </h2>
      {error && <p className="field-error">{err(error)}</p>}
      {info && (
        <dl className="details">
          <dt>{t('about.version')}</dt>
          <dd className="mono" data-testid="app-version">
            {info.version}
          </dd>
          <dt>{t('about.schema')}</dt>
          <dd className="mono">{info.schema_version}</dd>
          <dt>{t('about.register')}</dt>
          <dd className="mono break">{info.database_path}</dd>
        </dl>
      )}
    </section>
  );
}

/** Export and import of the register (src/register in the core). */
function RegisterCard() {
  const { t } = useI18n();
  return (
    <section className="card settings-card" aria-labelledby="register-title" data-testid="register-file">
      <h2 id="register-title" className="card-title">
        {t('register.title')}
      </h2>
      <p className="muted section-intro">{t('register.intro')}</p>
      <div className="card-actions">
        <ExportButtons />
        <ImportButton onImported={() => {}} />
      </div>
    </section>
  );
}

/** Sandlåda ⇄ Produktion, after a confirmation: the app restarts into the other environment. */
function EnvironmentSwitch({ environment }: { environment: Environment | null }) {
  const { t, err } = useI18n();
  const toast = useToast();
  const [asking, setAsking] = useState<Environment | null>(null);
  const [busy, setBusy] = useState(false);
  const label = (e: Environment) => (e === 'sandbox' ? t('env.sandbox') : t('env.production'));
  async function confirm() {
    if (!asking) return;
    setBusy(true);
    try {
      await call('set_environment', { environment: asking });
      // The app restarts; nothing more to do here.
    } catch (e) {
      toast('error', err(e as ApiError));
      setBusy(false);
      setAsking(null);
    }
  }
  return (
    <section className="card settings-card" aria-labelledby="env-title" data-testid="environment">
      <h2 id="env-title" className="card-title">
        {t('env.title')}
      </h2>
      <p className="muted section-intro">{t('env.intro')}</p>
      <label className="field-inline">
        <span className="toolbar-label">{t('env.label')}</span>
        <select
          className="select"
          data-testid="environment-switch"
          value={environment ?? ''}
          disabled={environment === null}
          onChange={(e) => {
            const next = e.target.value as Environment;
            if (next !== environment) setAsking(next);
          }}
        >
          {environment === null && <option value="" />}
          <option value="sandbox">{t('env.sandbox')}</option>
          <option value="production">{t('env.production')}</option>
        </select>
      </label>
      {asking && (
        <Dialog
          title={t('env.switchTitle', { env: label(asking) })}
          labelledBy="env-switch-title"
          testId="environment-dialog"
          onCancel={() => setAsking(null)}
          actions={
            <>
              <button type="button" className="btn" data-autofocus onClick={() => setAsking(null)}>
                {t('form.cancel')}
              </button>
              <button type="button" className="btn btn-primary" data-testid="environment-confirm" disabled={busy} onClick={confirm}>
                {t('env.switchConfirm')}
              </button>
            </>
          }
        >
          <p>{t('env.switchBody')}</p>
        </Dialog>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Credentials

function Credentials({ environment }: { environment: Environment | null }) {
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
            {t(OPTIONAL[p])}
          </p>
        )}
        <div className="cred-message" data-testid={`credential-message-${p}`}>
          {missing ? (
            <p className="muted">{t('cred.noneSaved')}</p>
          ) : v ? (
            <>
              <p>{tx(v.message)}</p>
              {v.account && <p className="muted">{t('cred.account', { account: v.account })}</p>}
              {v.warnings.map((w) => (
                <p key={w.sv} className="cred-warning">
                  <span aria-hidden="true">⚠ </span>
                  {tx(w)}
                </p>
              ))}
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

function SettingsForm() {
  const { t, err, tx } = useI18n();
  const toast = useToast();
  const [entries, setEntries] = useState<SettingEntry[] | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [failed, setFailed] = useState<{ key: string; error: ApiError } | null>(null);
  const [saving, setSaving] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(false);

  const load = useCallback(() => {
    setLoadError(null);
    call('list_settings', {})
      .then((list) => {
        setEntries(list);
        setValues(Object.fromEntries(list.map((e) => [e.key, e.value])));
      })
      .catch((e) => setLoadError(e as ApiError));
  }, []);
  useEffect(load, [load]);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (!entries || saving) return;
    const changed = entries.filter((x) => !x.fixed_by_sandbox && (values[x.key] ?? '') !== x.value).map((x) => x.key);
    setFailed(null);
    if (changed.length === 0) {
      toast('success', t('settings.noChanges'));
      return;
    }
    setSaving(true);
    let current = entries;
    try {
      // One by one, in screen order; the first refusal stops the rest.
      for (const key of changed) {
        try {
          current = await call('set_setting', { key, value: values[key] ?? '' });
        } catch (ex) {
          const apiErr = ex as ApiError;
          setFailed({ key, error: apiErr });
          if (groupOf(key) === 'advanced') setAdvancedOpen(true);
          document.getElementById(`setting-${key}`)?.focus();
          return;
        }
      }
      toast('success', t('settings.saved'));
    } finally {
      // What was saved is now the baseline; unsaved edits stay in the form.
      const saved = current;
      setEntries(saved);
      setValues((cur) => {
        const next = { ...cur };
        for (const x of saved) if (!changed.includes(x.key) || x.value === (cur[x.key] ?? '').trim()) next[x.key] = x.value;
        return next;
      });
      setSaving(false);
    }
  }

  function field(x: SettingEntry) {
    const error = failed?.key === x.key ? failed.error : null;
    const id = `setting-${x.key}`;
    const msgId = `${id}-msg`;
    return (
      <div key={x.key} className={`field${error ? ' has-error' : ''}`} data-setting={x.key}>
        <label className="label mono" htmlFor={id}>
          {x.key}
        </label>
        <input
          id={id}
          className={`input${x.fixed_by_sandbox ? ' is-readonly' : ''}`}
          type="text"
          data-testid={id}
          value={values[x.key] ?? ''}
          readOnly={x.fixed_by_sandbox}
          aria-readonly={x.fixed_by_sandbox || undefined}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={msgId}
          onChange={(e) => {
            const value = e.target.value;
            setValues((v) => ({ ...v, [x.key]: value }));
            if (failed?.key === x.key) setFailed(null);
          }}
        />
        <div className="field-msg setting-msg" id={msgId}>
          {error ? (
            <p className="field-error" data-testid={`setting-error-${x.key}`} data-code={error.code} role="alert">
              <span aria-hidden="true">⚠ </span>
              {err(error)}
            </p>
          ) : (
            <p className="hint">
              {tx(x.help)}
              {x.fixed_by_sandbox && (
                <span className="fixed-note" data-testid={`setting-fixed-${x.key}`}>
                  {' · '}
                  {t('settings.fixed')}
                </span>
              )}
              {x.on_this_seat && !x.fixed_by_sandbox && (
                <span className="fixed-note" data-testid={`setting-seat-${x.key}`} title={t('settings.seatWhy')}>
                  {' · '}
                  {t('settings.seat')}
                </span>
              )}
            </p>
          )}
        </div>
      </div>
    );
  }

  return (
    <section className="card settings-card" aria-labelledby="settings-form-title" data-testid="settings">
      <h2 id="settings-form-title" className="card-title">
        {t('settings.section')}
      </h2>
      <p className="muted section-intro">{t('settings.intro')}</p>
      {loadError ? (
        <div className="panel panel-error" role="alert" data-testid="settings-error">
          <p>
            {t('settings.loadFailed')} {err(loadError)}
          </p>
          <button type="button" className="btn btn-small" onClick={load}>
            {t('settings.retry')}
          </button>
        </div>
      ) : !entries ? (
        <div className="settings-loading" aria-busy="true" />
      ) : (
        <form onSubmit={save} noValidate>
          {GROUPS.map((g) => {
            const items = entries.filter((x) => groupOf(x.key) === g);
            if (items.length === 0) return null;
            const title = t(`settings.group.${g}` as TextKey);
            if (g === 'advanced') {
              return (
                <details
                  key={g}
                  className="settings-group settings-advanced"
                  data-testid="settings-advanced"
                  open={advancedOpen}
                  onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}
                >
                  <summary className="settings-group-title">{title}</summary>
                  <p className="muted section-intro">{t('settings.advancedHint')}</p>
                  <div className="form-grid">{items.map(field)}</div>
                </details>
              );
            }
            return (
              <fieldset key={g} className="settings-group" data-group={g}>
                <legend className="settings-group-title">{title}</legend>
                <div className="form-grid">{items.map(field)}</div>
              </fieldset>
            );
          })}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="save-settings" disabled={saving} aria-busy={saving || undefined}>
              {t('settings.save')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

const ROLES: PersonRole[] = ['viewer', 'operator', 'owner'];

/** Inställningar → Personer: the shared register's logins. Shown on a shared register only; an
 * owner (or the register's own role) adds and removes people, and the database refuses anyone else. */
function PeopleCard() {
  const { t, err } = useI18n();
  const toast = useToast();
  const [shared, setShared] = useState(false);
  const [people, setPeople] = useState<Person[] | null>(null);
  const [fresh, setFresh] = useState<NewPerson | null>(null);
  const [busy, setBusy] = useState(false);
  const name = useRef<HTMLInputElement>(null);
  const [role, setRole] = useState<PersonRole>('operator');
  useEffect(() => {
    call('shared_register', {})
      .then((info) => {
        setShared(!!info.shared);
        return info.shared ? call('people', {}).then(setPeople) : undefined;
      })
      .catch(() => toast('error', t('people.loadFailed')));
  }, [toast, t]);
  if (!shared) return null;
  const me = people?.find((p) => p.you);
  // The register's own role is in no group: it manages too (the database decides in the end).
  const manages = !me || me.role === 'owner';

  async function add(e: React.FormEvent) {
    e.preventDefault();
    const n = name.current?.value.trim() ?? '';
    if (!n) return;
    setBusy(true);
    try {
      const added = await call('add_person', { name: n, role });
      setFresh(added);
      if (name.current) name.current.value = '';
      setPeople(await call('people', {}));
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }

  async function remove(who: string) {
    setBusy(true);
    try {
      setPeople(await call('remove_person', { name: who }));
      toast('success', t('people.removed', { name: who }));
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card settings-card" aria-labelledby="people-title" data-testid="people">
      <h2 id="people-title" className="card-title">
        {t('people.title')}
      </h2>
      <p className="muted section-intro">{t('people.intro')}</p>
      <ul className="people-list">
        {(people ?? []).map((p) => (
          <li key={p.name} data-testid="person" data-name={p.name}>
            <span className="person-name">{p.name}</span> <span className="muted">{t(`people.role.${p.role}`)}</span>{' '}
            {p.you && <span className="muted">{t('people.you')}</span>}
            {manages && !p.you && (
              <button type="button" className="btn btn-small" data-testid="person-remove" disabled={busy} onClick={() => void remove(p.name)}>
                {t('people.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {fresh && (
        <div className="hint" role="status" data-testid="person-password">
          <p>{t('people.password', { name: fresh.name })}</p>
          <code>{fresh.password}</code>{' '}
          <button type="button" className="btn btn-small" onClick={() => setFresh(null)}>
            {t('people.done')}
          </button>
        </div>
      )}
      {manages && (
        <form className="people-form" onSubmit={(e) => void add(e)} noValidate>
          <label>
            {t('people.name')} <input ref={name} data-testid="person-name" autoComplete="off" spellCheck={false} />
          </label>{' '}
          <label>
            {t('people.role')}{' '}
            <select data-testid="person-role" value={role} onChange={(e) => setRole(e.target.value as PersonRole)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`people.role.${r}`)}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="submit" className="btn btn-primary" data-testid="person-add" disabled={busy}>
            {t('people.add')}
          </button>
        </form>
      )}
    </section>
  );
}
