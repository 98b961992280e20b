import { useCallback, useEffect, useState } from 'react';
import { call, type ApiError } from '../api';
import type { Adoption, Customer, CustomerPatch, FieldError, Health, Instance, InstanceLinks, ModuleManifest, RunRow, TeardownTarget } from '../bindings';
import { STEP_LABEL } from '../bindings';
import { isActive, useRuns } from '../state/runs';
import { ProvisionButton, RunHistory, RunPanel } from './Runs';
import { adoptionStateKey, formatDateTime, targetVerdictKey, useI18n, type TextKey } from '../i18n';
import { useToast } from '../state/toast';
import { Dialog, ExampleTag, LiveStatusBadge, TypedConfirmDialog } from './common';
import { FieldMessage } from './CustomerForm';
import { AdoptDialog } from './Adopt';
import { BackupsPanel } from './Backups';
import { WorkflowBackupsPanel } from './WorkflowBackups';
import { DeploymentsPanel } from './Deployments';
import { RecoveryPanel } from './Recovery';
import { DomainsPanel, OperationsPanel } from './DayTwo';

type InstanceField = keyof Instance;
const INSTANCE_FIELDS: InstanceField[] = ['production_url', 'github_repo_url', 'supabase_project_ref', 'vercel_project_id', 'n8n_workflow_id'];
const URL_FIELDS: InstanceField[] = ['production_url', 'github_repo_url'];

const LINKS: { key: keyof InstanceLinks; label: TextKey }[] = [
  { key: 'production', label: 'link.production' },
  { key: 'github', label: 'link.github' },
  { key: 'supabase', label: 'link.supabase' },
  { key: 'vercel', label: 'link.vercel' },
];

interface Props {
  slug: string;
  /** The run to show first (a link from Aktivitet); the newest when absent. */
  run?: number;
  manifest: ModuleManifest | null;
  onBack: () => void;
  onEdit: () => void;
  onDeleted: () => void;
  /** Opens Settings (the way out when a workflow backup lacks Gitea). */
  onSettings?: () => void;
}

export function CustomerPage({ slug, run, manifest, onBack, onEdit, onDeleted, onSettings }: Props) {
  const { t, err, lang } = useI18n();
  const toast = useToast();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const load = useCallback(() => {
    call('get_customer', { slug })
      .then((c) => {
        setCustomer(c);
        setLoadError(null);
      })
      .catch((e) => setLoadError(e as ApiError));
  }, [slug]);

  useEffect(load, [load]);

  // Runs: the customer's history, the run shown, and a reload of the customer when one ends.
  const runsCtx = useRuns();
  const [history, setHistory] = useState<RunRow[]>([]);
  const [selectedRun, setSelectedRun] = useState<number | null>(run ?? null);
  const [tearingDown, setTearingDown] = useState(false);
  const [updating, setUpdating] = useState(false);
  const finishedCount = runsCtx.finished[slug] ?? 0;
  const latestId = runsCtx.latest[slug];
  const { trackRows, track, refreshReadiness } = runsCtx;
  useEffect(() => {
    refreshReadiness();
  }, [refreshReadiness]);
  useEffect(() => {
    let live = true;
    call('list_runs', { slug })
      .then((rows) => {
        if (!live) return;
        setHistory(rows);
        trackRows(rows);
        if (rows[0]) void track(rows[0].id);
      })
      .catch(() => {
        /* History is secondary; the page still works. */
      });
    return () => {
      live = false;
    };
  }, [slug, finishedCount, latestId, trackRows, track]);
  useEffect(() => {
    if (finishedCount > 0) load();
  }, [finishedCount, load]);
  const shownRun = selectedRun ?? latestId ?? history[0]?.id ?? null;
  const latestRun = latestId !== undefined ? runsCtx.runs[latestId] : undefined;
  const runActive = !!latestRun && isActive(latestRun.run.state);

  async function remove() {
    if (!customer) return;
    setDeleting(true);
    try {
      await call('delete_customer', { slug: customer.slug });
      toast('success', t('customer.deleted', { name: customer.name }));
      onDeleted();
    } catch (e) {
      setDeleting(false);
      setConfirming(false);
      toast('error', err(e as ApiError));
    }
  }

  async function open(url: string) {
    try {
      await call('open_external', { url });
    } catch (e) {
      toast('error', err(e as ApiError));
    }
  }

  const back = (
    <button type="button" className="btn btn-ghost back" data-testid="back-to-list" onClick={onBack}>
      <span aria-hidden="true">←</span> {t('customer.back')}
    </button>
  );

  if (loadError) {
    return (
      <section className="page">
        {back}
        <div className="panel panel-error" role="alert">
          <p>
            {t('customer.loadFailed')} {err(loadError)}
          </p>
        </div>
      </section>
    );
  }
  if (!customer) return <section className="page" aria-busy="true">{back}</section>;

  const c = customer;
  const moduleName = (key: string) => manifest?.modules.find((m) => m.key === key)?.name[lang] ?? key;
  const none = <span className="muted">{t('customer.none')}</span>;

  return (
    <section className="page page-customer" aria-labelledby="customer-title">
      {back}
      <div className="page-head">
        <div className="title-block">
          <h1 id="customer-title" className="page-title" data-testid="customer-title">
            {c.name}
          </h1>
          <div className="title-meta">
            <span className="mono">{c.slug}</span>
            <LiveStatusBadge slug={c.slug} status={c.status} />
            {c.is_example && <ExampleTag />}
          </div>
        </div>
        <div className="actions">
          {!hasInstance(c) && <ProvisionButton slug={c.slug} name={c.name} testId="provision-button" showReason />}
          {c.status === 'active' && hasInstance(c) && !runActive && (
            <button
              type="button"
              className={c.modules_outdated ? 'btn btn-primary' : 'btn'}
              data-testid="update-modules-button"
              data-outdated={c.modules_outdated}
              onClick={() => setUpdating(true)}
            >
              {t('modules.button')}
            </button>
          )}
          {hasInstance(c) && !runActive && (
            <button type="button" className="btn btn-danger-outline" data-testid="teardown-button" onClick={() => setTearingDown(true)}>
              {t('teardown.button')}
            </button>
          )}
          <button type="button" className="btn" data-testid="edit-customer" onClick={onEdit}>
            {t('customer.edit')}
          </button>
          <button type="button" className="btn btn-danger-outline" data-testid="delete-customer" onClick={() => setConfirming(true)}>
            {t('customer.delete')}
          </button>
        </div>
      </div>

      <div className="columns">
        <div className="card">
          <h2 className="card-title">{t('customer.details')}</h2>
          <dl className="details">
            <dt>{t('customer.admin_email')}</dt>
            <dd data-testid="detail-admin_email">{c.admin_email}</dd>
            <dt>{t('customer.contact_name')}</dt>
            <dd data-testid="detail-contact_name">{c.contact_name ?? none}</dd>
            <dt>{t('customer.plan')}</dt>
            <dd data-testid="detail-plan">{t(`plan.${c.plan}`)}</dd>
            <dt>{t('customer.modules')}</dt>
            <dd data-testid="detail-modules">
              <ModuleChips modules={c.modules} name={moduleName} />
            </dd>
            {c.status === 'active' && (
              <>
                <dt>{t('modules.applied')}</dt>
                <dd data-testid="detail-applied">
                  {c.applied ? <ModuleChips modules={c.applied.modules} name={moduleName} /> : <span className="muted">{t('modules.unknown')}</span>}
                  {c.modules_outdated && (
                    <p className="field-hint warn" data-testid="modules-outdated">
                      {t('modules.outdated')}
                    </p>
                  )}
                </dd>
              </>
            )}
            <dt>{t('customer.status')}</dt>
            <dd>
              <LiveStatusBadge slug={c.slug} status={c.status} />
            </dd>
            <dt>{t('customer.created')}</dt>
            <dd className="tabular">{formatDateTime(lang, c.created_at)}</dd>
            <dt>{t('customer.updated')}</dt>
            <dd className="tabular">{formatDateTime(lang, c.updated_at)}</dd>
            <dt>{t('customer.notes')}</dt>
            <dd className="notes" data-testid="detail-notes">
              {c.notes || none}
            </dd>
          </dl>
        </div>

        <InstanceCard customer={c} onSaved={setCustomer} onOpen={open} />
      </div>

      {hasInstance(c) && (
        <HealthPanel slug={c.slug} reload={finishedCount} canRepair={c.status === 'active' && !runActive} onStarted={() => setSelectedRun(null)} />
      )}
      {delivered(c) && (
        <div className="columns">
          <OperationsPanel customer={c} busy={runActive} onStarted={() => setSelectedRun(null)} />
          <DeploymentsPanel customer={c} busy={runActive} reload={finishedCount} onStarted={() => setSelectedRun(null)} />
          <DomainsPanel customer={c} busy={runActive} reload={finishedCount} onStarted={() => setSelectedRun(null)} />
          <WorkflowBackupsPanel customer={c} busy={runActive} reload={finishedCount} onStarted={() => setSelectedRun(null)} onSettings={onSettings} />
          {/* Fabrik's own database backups beside what Supabase's can bring back. */}
          <BackupsPanel customer={c} busy={runActive} reload={finishedCount} onStarted={() => setSelectedRun(null)} />
          <RecoveryPanel customer={c} busy={runActive} reload={finishedCount} onStarted={() => setSelectedRun(null)} />
        </div>
      )}

      <ForeignPanel slug={c.slug} reload={finishedCount} />

      {shownRun !== null && (
        <div className="card run-card">
          <h2 className="card-title">{t('run.title')}</h2>
          <RunPanel key={shownRun} runId={shownRun} />
        </div>
      )}
      <RunHistory rows={history} selected={shownRun} onSelect={setSelectedRun} />

      {updating && (
        <Dialog
          title={t('modules.title', { name: c.name })}
          labelledBy="update-modules-title"
          onCancel={() => setUpdating(false)}
          actions={
            <>
              <button type="button" className="btn" data-autofocus onClick={() => setUpdating(false)}>
                {t('form.cancel')}
              </button>
              <button
                type="button"
                className="btn btn-primary"
                data-testid="confirm-update-modules"
                onClick={() => {
                  setUpdating(false);
                  setSelectedRun(null);
                  void runsCtx.updateModules(c.slug);
                }}
              >
                {t('modules.confirm')}
              </button>
            </>
          }
        >
          <p>{t('modules.body')}</p>
          <dl className="details">
            <dt>{t('modules.from')}</dt>
            <dd data-testid="modules-from">
              {c.applied ? `${t(`plan.${c.applied.plan}`)} · ` : ''}
              {c.applied ? <ModuleChips modules={c.applied.modules} name={moduleName} /> : <span className="muted">{t('modules.unknown')}</span>}
            </dd>
            <dt>{t('modules.to')}</dt>
            <dd data-testid="modules-to">
              {`${t(`plan.${c.plan}`)} · `}
              <ModuleChips modules={c.modules} name={moduleName} />
            </dd>
          </dl>
        </Dialog>
      )}

      {tearingDown && <TeardownDialog customer={c} onClose={() => setTearingDown(false)} onStarted={() => setSelectedRun(null)} />}

      {confirming && (
        <Dialog
          title={t('customer.deleteTitle')}
          labelledBy="delete-title"
          onCancel={() => setConfirming(false)}
          actions={
            <>
              <button type="button" className="btn" data-autofocus onClick={() => setConfirming(false)}>
                {t('form.cancel')}
              </button>
              <button type="button" className="btn btn-danger" data-testid="confirm-delete" disabled={deleting} onClick={remove}>
                {t('customer.confirmDelete')}
              </button>
            </>
          }
        >
          <p>{t('customer.deleteBody', { name: c.name, slug: c.slug })}</p>
        </Dialog>
      )}
    </section>
  );
}

function ModuleChips({ modules, name }: { modules: readonly string[]; name: (key: string) => string }) {
  const { t } = useI18n();
  if (modules.length === 0) return <span className="muted">{t('customer.none')}</span>;
  return (
    <span className="chips">
      {modules.map((m) => (
        <span key={m} className="chip">
          {name(m)}
        </span>
      ))}
    </span>
  );
}

function InstanceCard({ customer, onSaved, onOpen }: { customer: Customer; onSaved: (c: Customer) => void; onOpen: (url: string) => void }) {
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
                <dd className={URL_FIELDS.includes(f) ? 'break' : 'mono break'} data-testid={`instance-${f}`}>
                  {customer.instance[f] ?? <span className="muted">{t('customer.none')}</span>}
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

function hasInstance(c: Customer): boolean {
  return INSTANCE_FIELDS.some((f) => c.instance[f]);
}

/**
 * Resources Fabrik met by the customer's names but did not create: left alone, with the way to
 * adopt one on purpose (typed confirmation; the next run writes Fabrik's marker on it).
 */
function ForeignPanel({ slug, reload }: { slug: string; reload: number }) {
  const { t, lang } = useI18n();
  const [rows, setRows] = useState<Adoption[]>([]);
  const [adopting, setAdopting] = useState<Adoption | null>(null);
  const [bump, setBump] = useState(0);
  useEffect(() => {
    let live = true;
    call('adoptions', { slug })
      .then((r) => {
        if (live) setRows(r);
      })
      .catch(() => {
        /* Secondary to the page; the run's own error still says what was refused. */
      });
    return () => {
      live = false;
    };
  }, [slug, reload, bump]);
  if (rows.length === 0) return null;
  return (
    <div className="card" data-testid="foreign-panel">
      <h2 className="card-title">{t('foreign.title')}</h2>
      <ul className="foreign-list">
        {rows.map((a) => (
          <li key={a.id} data-testid="foreign-row" data-resource={a.resource} data-state={a.state}>
            <span className="mono">{a.resource}</span> {a.step && <span className="muted">({STEP_LABEL[a.step][lang]})</span>}{' '}
            <span>{t(adoptionStateKey(a.state))}</span>
            {a.state === 'adopted' && a.adopted_at && <span className="muted tabular"> {formatDateTime(lang, a.adopted_at)}</span>}
            {a.state === 'refused' && (
              <button type="button" className="btn btn-small" data-testid="adopt-button" onClick={() => setAdopting(a)}>
                {t('foreign.adopt')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p className="muted">{t('foreign.help')}</p>
      {adopting && (
        <AdoptDialog
          slug={slug}
          name={adopting.resource}
          onClose={() => setAdopting(null)}
          onDone={() => {
            setAdopting(null);
            setBump((b) => b + 1);
          }}
        />
      )}
    </div>
  );
}

/** "Avveckla": every target as it reads now (deleted only if it carries Fabrik's marker), then the slug typed. */
function TeardownDialog({ customer, onClose, onStarted }: { customer: Customer; onClose: () => void; onStarted: () => void }) {
  const { t, err, lang } = useI18n();
  const toast = useToast();
  const { teardown } = useRuns();
  const [targets, setTargets] = useState<TeardownTarget[] | null>(null);
  const [previewError, setPreviewError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    call('teardown_preview', { slug: customer.slug })
      .then((list) => {
        if (live) setTargets(list);
      })
      .catch((e) => {
        if (live) setPreviewError(e as ApiError);
      });
    return () => {
      live = false;
    };
  }, [customer.slug]);
  return (
    <TypedConfirmDialog
      id="teardown"
      title={t('teardown.title', { name: customer.name })}
      label={t('teardown.label')}
      expected={customer.slug}
      confirmLabel={t('teardown.confirm')}
      cancelLabel={t('form.cancel')}
      ready={targets !== null}
      onCancel={onClose}
      onConfirm={async (typed) => {
        try {
          await teardown(customer.slug, typed);
        } catch (e) {
          toast('error', err(e as ApiError));
          throw e;
        }
        onStarted();
        onClose();
      }}
    >
      <p>{t('teardown.body', { slug: customer.slug })}</p>
      {previewError && (
        <p className="field-error" role="alert">
          {err(previewError)}
        </p>
      )}
      {!targets && !previewError && (
        <p className="muted" aria-busy="true">
          {t('teardown.reading')}
        </p>
      )}
      {targets && (
        <ul className="teardown-targets" data-testid="teardown-targets">
          {targets.length === 0 && <li className="muted">{t('teardown.nothing')}</li>}
          {targets.map((x) => (
            <li key={x.step} data-testid="teardown-target" data-verdict={x.verdict} data-id={x.id}>
              <span>{STEP_LABEL[x.step][lang]}</span> <span className="mono">{x.id}</span>{' '}
              <strong className={x.verdict === 'delete' ? 'danger' : undefined}>{t(targetVerdictKey(x.verdict))}</strong>
              {x.reason && <div className="muted small">{x.reason[lang]}</div>}
            </li>
          ))}
        </ul>
      )}
    </TypedConfirmDialog>
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

/** A customer whose instance Fabrik delivered (active) or paused: day two's panels apply. */
function delivered(c: Customer): boolean {
  return hasInstance(c) && (c.status === 'active' || c.status === 'inactive');
}

/** The instance's last health check, its findings and what to do about each; "Kontrollera nu",
 * and "Reparera" when a finding is one a provisioning step mends. */
function HealthPanel({ slug, reload, canRepair, onStarted }: { slug: string; reload: number; canRepair: boolean; onStarted: () => void }) {
  const { t, err, lang } = useI18n();
  const toast = useToast();
  const runs = useRuns();
  // undefined while the last check is read, so "never checked" is not flashed before it arrives.
  const [health, setHealth] = useState<Health | null | undefined>(undefined);
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    let live = true;
    call('instance_health', { slug })
      .then((h) => live && setHealth(h))
      .catch(() => {
        /* Nothing kept to show: the panel offers a check. */
        if (live) setHealth(null);
      });
    return () => {
      live = false;
    };
  }, [slug, reload]);

  async function check() {
    setChecking(true);
    try {
      setHealth(await call('check_health', { slug }));
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setChecking(false);
    }
  }

  async function repair() {
    if (await runs.dayTwo(slug, 'repair')) onStarted();
  }

  const state = health === undefined ? 'loading' : !health ? 'unchecked' : health.healthy ? 'healthy' : 'unhealthy';
  const repairable = !!health && health.findings.some((f) => f.repair !== null);
  return (
    <div className="card" data-testid="health-panel" data-health={state}>
      <div className="card-head">
        <h2 className="card-title">{t('health.title')}</h2>
        <div className="actions">
          {repairable && (
            <button type="button" className="btn btn-small btn-primary" data-testid="repair-button" disabled={!canRepair} title={t('health.repairHint')} onClick={() => void repair()}>
              {t('health.repair')}
            </button>
          )}
          <button type="button" className="btn btn-small" data-testid="check-health" disabled={checking} onClick={check}>
            {checking ? t('health.checking') : t('health.check')}
          </button>
        </div>
      </div>
      {health === undefined ? null : !health ? (
        <p className="muted">{t('health.never')}</p>
      ) : (
        <>
          <p className={`health health-${state}`} data-testid="health-summary">
            <span className="health-dot" aria-hidden="true" />
            {health.healthy ? t('health.healthy') : t('health.unhealthy', { n: health.findings.length })}
            <span className="muted">
              {' · '}
              {t('health.checkedAt', { at: formatDateTime(lang, health.checked_at) })}
              {health.site &&
                ` · ${health.site.status !== null ? t('health.site', { status: health.site.status, ms: health.site.ms }) : t('health.siteDown', { ms: health.site.ms })}`}
            </span>
          </p>
          {health.findings.length > 0 && (
            <ul className="findings" data-testid="health-findings">
              {health.findings.map((f, i) => (
                <li key={i} className={`finding finding-${f.kind}`} data-kind={f.kind} data-part={f.part}>
                  <span className="finding-kind">{t(`health.kind.${f.kind}`)}</span>
                  <span className="finding-text">
                    <span>{f.message[lang]}</span>
                    <span className="muted">{f.action[lang]}</span>
                  </span>
                  {f.repair && (
                    <span className="finding-repair" title={t('health.repairable')} aria-label={t('health.repairable')}>
                      ⟲
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
