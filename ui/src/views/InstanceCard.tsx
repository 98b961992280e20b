// A customer's instance on its page: its ids and addresses (edited by hand for an instance made
// outside Fabrik) and the links to each provider's own page of it.
import { useState } from 'react';
import { call, type ApiError } from '../api';
import type { Customer, CustomerPatch, FieldError, Instance, InstanceLinks } from '../bindings';
import { useI18n, type TextKey } from '../i18n';
import { useToast } from '../state/toast';
import { FieldMessage } from './CustomerForm';
import { CopyId } from './common';

type InstanceField = keyof Instance;

const INSTANCE_FIELDS: InstanceField[] = ['production_url', 'github_repo_url', 'supabase_project_ref', 'vercel_project_id', 'n8n_workflow_id'];

const URL_FIELDS: InstanceField[] = ['production_url', 'github_repo_url'];

const LINKS: { key: keyof InstanceLinks; label: TextKey }[] = [
  { key: 'production', label: 'link.production' },
  { key: 'github', label: 'link.github' },
  { key: 'supabase', label: 'link.supabase' },
  { key: 'vercel', label: 'link.vercel' },
];

export function InstanceCard({ customer, onSaved, onOpen }: { customer: Customer; onSaved: (c: Customer) => void; onOpen: (url: string) => void }) {
  const { t, err } = useI18n();
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [values, setValues] = useState<Record<InstanceField, string>>(() => fromInstance(customer.instance));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState(false);

  function startEdit() {
    setValues(fromInstance(customer.instance));
    setErrors([]);
    setEditing(true);
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setSaving(true);
    // Only the instance fields travel; "" clears a value.
    const patch: CustomerPatch = { expected_version: customer.version };
    for (const f of INSTANCE_FIELDS) {
      const v = values[f].trim();
      if (v !== (customer.instance[f] ?? '')) patch[f] = v;
    }
    try {
      const saved = await call('update_customer', { slug: customer.slug, patch });
      onSaved(saved);
      setEditing(false);
      setErrors([]);
      toast('success', t('instance.saved'));
    } catch (ex) {
      const apiErr = ex as ApiError;
      if (apiErr.code === 'validation') setErrors(apiErr.fields);
      else toast('error', err(apiErr));
    } finally {
      setSaving(false);
    }
  }

  const links = LINKS.filter((l) => customer.links[l.key]);
  const hasAny = INSTANCE_FIELDS.some((f) => customer.instance[f]);

  return (
    <div className="card instance-card">
      <div className="card-head">
        <h2 className="card-title">
          {t('instance.title')}
          {/* The card is this environment's: a sandbox run never fills production's. */}
          <span className={`badge env-badge env-${customer.environment}`} data-testid="instance-environment">
            {customer.environment === 'production' ? t('env.production') : t('env.sandbox')}
          </span>
        </h2>
        {!editing && (
          <button type="button" className="btn btn-small" data-testid="edit-instance" onClick={startEdit}>
            {t('instance.edit')}
          </button>
        )}
      </div>

      {editing ? (
        <form
          className="instance-form"
          onSubmit={save}
          noValidate
          onKeyDown={(e) => {
            if (e.key === 'Escape') setEditing(false);
          }}
        >
          {INSTANCE_FIELDS.map((f, i) => {
            const error = errors.find((x) => x.field === f);
            return (
              <div key={f} className={`field${error ? ' has-error' : ''}`}>
                <label className="label" htmlFor={`i-${f}`}>
                  {t(`instance.${f}`)}
                </label>
                <input
                  id={`i-${f}`}
                  className={`input${URL_FIELDS.includes(f) ? '' : ' mono'}`}
                  type={URL_FIELDS.includes(f) ? 'url' : 'text'}
                  data-testid={`field-${f}`}
                  value={values[f]}
                  autoFocus={i === 0}
                  placeholder={URL_FIELDS.includes(f) ? 'https://' : undefined}
                  spellCheck={false}
                  autoComplete="off"
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `err-${f}` : undefined}
                  onChange={(e) => setValues((v) => ({ ...v, [f]: e.target.value }))}
                />
                <FieldMessage field={f} error={error} />
              </div>
            );
          })}
          {errors
            .filter((x) => !INSTANCE_FIELDS.includes(x.field as InstanceField))
            .map((x) => (
              <p key={`${x.field}-${x.code}`} className="field-error" role="alert">
                {err(x)}
              </p>
            ))}
          <div className="form-actions">
            <button type="button" className="btn" data-testid="cancel-instance" onClick={() => setEditing(false)}>
              {t('instance.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" data-testid="save-instance" disabled={saving}>
              {t('instance.save')}
            </button>
          </div>
        </form>
      ) : (
        <>
          {!hasAny && <p className="muted instance-empty">{t('instance.empty')}</p>}
          <dl className="details">
            {INSTANCE_FIELDS.map((f) => (
              <div key={f} className="details-row">
                <dt>{t(`instance.${f}`)}</dt>
                <dd className={URL_FIELDS.includes(f) ? 'break' : undefined} data-testid={`instance-${f}`} data-id={URL_FIELDS.includes(f) ? undefined : (customer.instance[f] ?? undefined)}>
                  {customer.instance[f] == null ? (
                    <span className="muted">{t('customer.none')}</span>
                  ) : URL_FIELDS.includes(f) ? (
                    customer.instance[f]
                  ) : (
                    // An address reads as itself; a provider's id is recorded, one click from the clipboard.
                    <>
                      {t('instance.recorded')} <CopyId id={customer.instance[f] as string} testId={`copy-${f}`} />
                    </>
                  )}
                </dd>
              </div>
            ))}
          </dl>
          {links.length > 0 && (
            <div className="quick-links" aria-label={t('instance.links')}>
              {links.map((l) => (
                <button
                  key={l.key}
                  type="button"
                  className="btn btn-small btn-link"
                  data-testid={`link-${l.key}`}
                  title={customer.links[l.key] ?? undefined}
                  onClick={() => onOpen(customer.links[l.key] as string)}
                >
                  {t(l.label)} <span aria-hidden="true">↗</span>
                </button>
              ))}
            </div>
          )}
        </>
      )}
    </div>
  );
}

function fromInstance(i: Instance): Record<InstanceField, string> {
  return {
    production_url: i.production_url ?? '',
    github_repo_url: i.github_repo_url ?? '',
    supabase_project_ref: i.supabase_project_ref ?? '',
    vercel_project_id: i.vercel_project_id ?? '',
    n8n_workflow_id: i.n8n_workflow_id ?? '',
  };
}

/** Whether the customer has an instance: any of its ids or addresses is known. */
export function hasInstance(c: Customer): boolean {
  return INSTANCE_FIELDS.some((f) => c.instance[f]);
}
