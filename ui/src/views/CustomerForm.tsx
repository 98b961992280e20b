import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { call, type ApiError } from '../api';
import type { Customer, CustomerDraft, CustomerPatch, FieldError, Module, ModuleManifest, Plan, Status } from '../bindings';
import { PLANS, STATUSES, useI18n } from '../i18n';
import { useToast } from '../state/toast';

type Mode = { kind: 'new' } | { kind: 'edit'; slug: string };

interface Values {
  name: string;
  slug: string;
  admin_email: string;
  contact_name: string;
  plan: Plan;
  modules: Module[];
  status: Status;
  notes: string;
}

type FieldName = keyof Values;
const FORM_FIELDS: FieldName[] = ['name', 'slug', 'admin_email', 'contact_name', 'plan', 'modules', 'status', 'notes'];

const EMPTY: Values = {
  name: '',
  slug: '',
  admin_email: '',
  contact_name: '',
  plan: 'starter',
  modules: [],
  status: 'pending',
  notes: '',
};

const CHECK_DELAY_MS = 200;

interface Props {
  mode: Mode;
  manifest: ModuleManifest | null;
  onCancel: () => void;
  onSaved: (c: Customer) => void;
}

export function CustomerForm({ mode, manifest, onCancel, onSaved }: Props) {
  const { t, err, lang } = useI18n();
  const toast = useToast();
  const isNew = mode.kind === 'new';
  const editSlug = mode.kind === 'edit' ? mode.slug : null;

  const [original, setOriginal] = useState<Customer | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [values, setValues] = useState<Values>(EMPTY);
  const [touched, setTouched] = useState<Partial<Record<FieldName, boolean>>>({});
  const [modulesTouched, setModulesTouched] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [slugPreview, setSlugPreview] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const checkId = useRef(0);
  const formRef = useRef<HTMLFormElement>(null);

  // The edit form starts from the stored customer.
  useEffect(() => {
    if (!editSlug) return;
    let live = true;
    call('get_customer', { slug: editSlug })
      .then((c) => {
        if (!live) return;
        setOriginal(c);
        setValues({
          name: c.name,
          slug: c.slug,
          admin_email: c.admin_email,
          contact_name: c.contact_name ?? '',
          plan: c.plan,
          modules: c.modules,
          status: c.status,
          notes: c.notes,
        });
      })
      .catch((e) => live && setLoadError(e as ApiError));
    return () => {
      live = false;
    };
  }, [editSlug]);

  // Until the user picks modules, a new customer gets the plan's defaults from the manifest.
  useEffect(() => {
    if (isNew && manifest && !modulesTouched) {
      setValues((v) => ({ ...v, modules: manifest.plans[v.plan] ?? [] }));
    }
  }, [isNew, manifest, modulesTouched]);

  const draft = useMemo<CustomerDraft>(
    () => ({
      name: values.name,
      slug: values.slug.trim() || undefined,
      admin_email: values.admin_email,
      contact_name: values.contact_name.trim() || undefined,
      plan: values.plan,
      modules: manifest ? values.modules : undefined,
      status: values.status,
      notes: values.notes,
    }),
    [values, manifest],
  );

  const patch = useMemo<CustomerPatch>(
    () => ({
      name: values.name,
      // An emptied slug field keeps the stored slug.
      slug: values.slug.trim() || undefined,
      admin_email: values.admin_email,
      contact_name: values.contact_name,
      plan: values.plan,
      modules: values.modules,
      status: values.status,
      notes: values.notes,
      expected_version: original?.version,
    }),
    [values, original],
  );

  const anyTouched = Object.values(touched).some(Boolean);

  // Inline validation as the user types: the Rust rules answer, debounced.
  useEffect(() => {
    if (!anyTouched && !submitted) return;
    if (!isNew && !original) return;
    const id = ++checkId.current;
    const timer = window.setTimeout(async () => {
      try {
        const result = isNew
          ? await call('check_draft', { draft })
          : await call('check_patch', { slug: editSlug as string, patch });
        if (id !== checkId.current) return;
        setErrors(result.errors);
        setSlugPreview(result.slug);
        if (result.errors.length === 0) setFormMessage(null);
      } catch {
        /* A failed check is not a verdict; saving reports the real outcome. */
      }
    }, CHECK_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [draft, patch, isNew, editSlug, original, anyTouched, submitted]);

  function set<K extends FieldName>(field: K, value: Values[K]) {
    setValues((v) => ({ ...v, [field]: value }));
    setTouched((tc) => (tc[field] ? tc : { ...tc, [field]: true }));
  }

  function setPlan(plan: Plan) {
    setValues((v) => ({ ...v, plan, modules: !modulesTouched && manifest ? (manifest.plans[plan] ?? []) : v.modules }));
    setTouched((tc) => ({ ...tc, plan: true }));
  }

  function toggleModule(m: Module, on: boolean) {
    setModulesTouched(true);
    setValues((v) => {
      const next = on ? [...v.modules, m] : v.modules.filter((x) => x !== m);
      const order = manifest?.modules.map((i) => i.key) ?? [];
      next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
      return { ...v, modules: Array.from(new Set(next)) };
    });
    setTouched((tc) => ({ ...tc, modules: true }));
  }

  function blur(field: FieldName) {
    setTouched((tc) => (tc[field] ? tc : { ...tc, [field]: true }));
  }

  function fieldError(field: FieldName): FieldError | undefined {
    const shown = submitted || touched[field] || (field === 'slug' && touched.name);
    return shown ? errors.find((e) => e.field === field) : undefined;
  }

  const otherErrors = submitted ? errors.filter((e) => !FORM_FIELDS.includes(e.field as FieldName)) : [];

  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (saving) return;
    setSubmitted(true);
    setSaving(true);
    checkId.current++; // a check still in flight must not overwrite the save's verdict
    try {
      const saved = isNew
        ? await call('create_customer', { draft })
        : await call('update_customer', { slug: editSlug as string, patch });
      toast('success', isNew ? t('form.created', { name: saved.name }) : t('form.saved'));
      onSaved(saved);
    } catch (ex) {
      const apiErr = ex as ApiError;
      if (apiErr.code === 'validation') {
        setErrors(apiErr.fields);
        setFormMessage(t('form.invalid'));
        const first = apiErr.fields.find((f) => FORM_FIELDS.includes(f.field as FieldName));
        if (first) {
          window.requestAnimationFrame(() =>
            formRef.current?.querySelector<HTMLElement>(`[data-testid="field-${first.field}"], [data-field="${first.field}"] input`)?.focus(),
          );
        }
      } else {
        toast('error', err(apiErr));
      }
    } finally {
      setSaving(false);
    }
  }

  if (loadError) {
    return (
      <section className="page">
        <div className="panel panel-error" role="alert">
          <p>
            {t('customer.loadFailed')} {err(loadError)}
          </p>
          <button type="button" className="btn" data-testid="cancel" onClick={onCancel}>
            {t('form.cancel')}
          </button>
        </div>
      </section>
    );
  }
  if (!isNew && !original) return <section className="page" aria-busy="true" />;

  const moduleName = (key: Module) => manifest?.modules.find((m) => m.key === key)?.name[lang] ?? key;
  const slugExplicit = values.slug.trim() !== '';
  const derived = isNew && !slugExplicit && slugPreview ? slugPreview : null;
  const showWillBe = slugPreview && !fieldError('slug') && (!isNew || slugExplicit) && slugPreview !== original?.slug;

  return (
    <section className="page page-form" aria-labelledby="form-title">
      <div className="page-head">
        <h1 id="form-title" className="page-title">
          {isNew ? t('form.newTitle') : t('form.editTitle', { name: original?.name ?? '' })}
        </h1>
      </div>
      <form className="card form" ref={formRef} onSubmit={save} noValidate>
        {formMessage && errors.length > 0 && (
          <div className="form-message" role="alert">
            {formMessage}
            {otherErrors.map((e) => (
              <div key={`${e.field}-${e.code}`}>{err(e)}</div>
            ))}
          </div>
        )}
        <div className="form-grid">
          <Field id="name" label={t('form.name')} required error={fieldError('name')} wide>
            <input
              id="f-name"
              className="input"
              data-testid="field-name"
              value={values.name}
              autoFocus={isNew}
              autoComplete="off"
              onChange={(e) => set('name', e.target.value)}
              onBlur={() => blur('name')}
              {...invalidProps(fieldError('name'), 'name')}
            />
          </Field>

          <Field
            id="slug"
            label={t('form.slug')}
            error={fieldError('slug')}
            hint={
              derived ? (
                <span data-testid="slug-preview" data-slug={derived}>
                  {t('form.slugDerived', { slug: derived })}
                </span>
              ) : showWillBe ? (
                <span data-testid="slug-preview" data-slug={slugPreview ?? ''}>
                  {t('form.slugWillBe', { slug: slugPreview ?? '' })}
                </span>
              ) : (
                t('form.slugHelp')
              )
            }
          >
            <div className="input-affix">
              <input
                id="f-slug"
                className="input mono"
                data-testid="field-slug"
                value={values.slug}
                placeholder={derived ?? (isNew ? 'kundens-namn' : original?.slug)}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => set('slug', e.target.value)}
                onBlur={() => blur('slug')}
                {...invalidProps(fieldError('slug'), 'slug')}
              />
            </div>
          </Field>

          <Field id="admin_email" label={t('form.admin_email')} required error={fieldError('admin_email')}>
            <input
              id="f-admin_email"
              className="input"
              type="email"
              data-testid="field-admin_email"
              value={values.admin_email}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => set('admin_email', e.target.value)}
              onBlur={() => blur('admin_email')}
              {...invalidProps(fieldError('admin_email'), 'admin_email')}
            />
          </Field>

          <Field id="contact_name" label={t('form.contact_name')} error={fieldError('contact_name')}>
            <input
              id="f-contact_name"
              className="input"
              data-testid="field-contact_name"
              value={values.contact_name}
              autoComplete="off"
              onChange={(e) => set('contact_name', e.target.value)}
              onBlur={() => blur('contact_name')}
              {...invalidProps(fieldError('contact_name'), 'contact_name')}
            />
          </Field>

          <Field id="plan" label={t('form.plan')} error={fieldError('plan')}>
            <select id="f-plan" className="select" data-testid="field-plan" value={values.plan} onChange={(e) => setPlan(e.target.value as Plan)}>
              {PLANS.map((p) => (
                <option key={p} value={p}>
                  {t(`plan.${p}`)}
                </option>
              ))}
            </select>
          </Field>

          <Field id="status" label={t('form.status')} error={fieldError('status')}>
            <select id="f-status" className="select" data-testid="field-status" value={values.status} onChange={(e) => set('status', e.target.value as Status)}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </Field>

          <fieldset className="field field-wide modules" data-field="modules">
            <legend className="label">{t('form.modules')}</legend>
            <div className="module-grid">
              {(manifest?.modules ?? []).map((m) => (
                <label key={m.key} className={`module-option${values.modules.includes(m.key) ? ' is-on' : ''}`}>
                  <input
                    type="checkbox"
                    data-testid={`module-${m.key}`}
                    checked={values.modules.includes(m.key)}
                    onChange={(e) => toggleModule(m.key, e.target.checked)}
                  />
                  <span className="module-text">
                    <span className="module-name">{moduleName(m.key)}</span>
                    <span className="module-desc">{m.description[lang] ?? ''}</span>
                  </span>
                </label>
              ))}
            </div>
            <FieldMessage field="modules" error={fieldError('modules')} hint={t('form.modulesHelp')} />
          </fieldset>

          <Field id="notes" label={t('form.notes')} error={fieldError('notes')} wide>
            <textarea
              id="f-notes"
              className="input textarea"
              data-testid="field-notes"
              rows={4}
              value={values.notes}
              onChange={(e) => set('notes', e.target.value)}
              onBlur={() => blur('notes')}
              {...invalidProps(fieldError('notes'), 'notes')}
            />
          </Field>
        </div>

        <div className="form-actions">
          <button type="button" className="btn" data-testid="cancel" onClick={onCancel}>
            {t('form.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" data-testid="save-customer" disabled={saving} aria-busy={saving}>
            {saving ? t('form.saving') : t('form.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function invalidProps(error: FieldError | undefined, field: string) {
  return error ? { 'aria-invalid': true as const, 'aria-describedby': `err-${field}` } : {};
}

export function Field({
  id,
  label,
  required,
  error,
  hint,
  wide,
  children,
}: {
  id: string;
  label: string;
  required?: boolean;
  error?: FieldError;
  hint?: ReactNode;
  wide?: boolean;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className={`field${wide ? ' field-wide' : ''}${error ? ' has-error' : ''}`} data-field={id}>
      <label className="label" htmlFor={`f-${id}`}>
        {label}
        {required && <span className="required"> ({t('form.required')})</span>}
      </label>
      {children}
      <FieldMessage field={id} error={error} hint={hint} />
    </div>
  );
}

/** The inline error under a field; space is kept for it so the form does not jump. */
export function FieldMessage({ field, error, hint }: { field: string; error?: FieldError; hint?: ReactNode }) {
  const { err } = useI18n();
  return (
    <div className="field-msg">
      {error ? (
        <p className="field-error" id={`err-${field}`} data-testid={`field-error-${field}`} data-code={error.code}>
          <span aria-hidden="true">⚠ </span>
          {err(error)}
        </p>
      ) : (
        hint && <p className="hint">{hint}</p>
      )}
    </div>
  );
}
