// "Inställningar": the environment (sandbox or production), the tokens (Credentials.tsx), the
// settings by provider, the register file or shared register, the people on a shared register
// (People.tsx), the desktop notifications (Notifications.tsx), the price book, the billing policy (billing/Policy.tsx), and Om Fabrik.
import { useCallback, useEffect, useState } from 'react';
import { call, type ApiError } from '../api';
import type { Environment, SettingEntry } from '../bindings';
import { useI18n, type TextKey } from '../i18n';
import { useToast } from '../state/toast';
import { Dialog } from './common';
import { AboutCard } from './About';
import { Credentials } from './Credentials';
import { PeopleCard } from './People';
import { ExportButtons, ImportButton, SharedRegisterCard } from './RegisterFile';
import { AccountsLeftCard } from './AccountsLeft';
import { ScheduleCard } from './Schedule';
import { NotificationsCard } from './Notifications';
import { PriceBookCard } from './usage/PriceBook';
import { BillingPolicyCard } from './billing/Policy';

type Group = 'github' | 'supabase' | 'vercel' | 'n8n' | 'email' | 'backups' | 'templates' | 'advanced';
const GROUPS: Group[] = ['github', 'supabase', 'vercel', 'n8n', 'email', 'backups', 'templates', 'advanced'];
const GROUP_OF: Record<string, Group> = {
  'github.template': 'github',
  'github.owner': 'github',
  'supabase.organization': 'supabase',
  'supabase.region': 'supabase',
  'supabase.oauth_client_id': 'supabase',
  'supabase.oauth_redirect_uri': 'supabase',
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
  'export.keep_days': 'backups',
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

export function Settings({ environment, onGuide }: { environment: Environment | null; onGuide: () => void }) {
  const { t } = useI18n();
  return (
    <section className="page page-settings" aria-labelledby="settings-title">
      <div className="page-head">
        <h1 id="settings-title" className="page-title">
          {t('settings.title')}
        </h1>
        <button type="button" className="btn" data-testid="open-setup-guide" onClick={onGuide}>
          {t('settings.openGuide')}
        </button>
      </div>
      <EnvironmentSwitch environment={environment} />
      <Credentials environment={environment} />
      <AccountsLeftCard />
      <SettingsForm />
      <RegisterCard />
      <SharedRegisterCard />
      <PeopleCard />
      <NotificationsCard />
      <ScheduleCard />
      <PriceBookCard />
      <BillingPolicyCard />
      <AboutCard />
    </section>
  );
}

/** Export and import of the register (crates/fabrik-register/src/register in the core). */
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
