// A customer's page: its details and modules, its instance and links, its runs live and its
// history, health and findings, day-two operations, domains, deployments, backups and recovery,
// the customer's team in their instance, an export of its data for them, its handover to them,
// and its teardown.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { call, type ApiError } from '../api';
import type { Customer, ModuleManifest, Plan, RunRow } from '../bindings';
import { isActive, useRuns } from '../state/runs';
import { RunHistory } from './Activity';
import { ProvisionButton } from './Provision';
import { RunPanel } from './Runs';
import { formatDateTime, useI18n } from '../i18n';
import { useToast } from '../state/toast';
import { CancelledTag, Dialog, ExampleTag, LiveStatusBadge } from './common';
import { ForeignPanel, HealthPanel } from './Findings';
import { hasInstance, InstanceCard } from './InstanceCard';
import { BackupsPanel } from './Backups';
import { WorkflowBackupsPanel } from './WorkflowBackups';
import { DeploymentsPanel } from './Deployments';
import { RecoveryPanel } from './Recovery';
import { DomainsPanel, OperationsPanel } from './DayTwo';
import { TeamPanel } from './team/TeamPanel';
import { UsagePanel } from './usage/CustomerUsage';
import { BillingPanel } from './billing/BillingPanel';
import { ExportButton } from './ExportData';
import { TeardownDialog } from './Teardown';
import { HandoverButton, HandoverDialog, HandoverPanel, useHandover } from './Handover';

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
  const [pausing, setPausing] = useState(false);
  const [handingOver, setHandingOver] = useState(false);
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
  // A workflow backup is shown in its own panel: the one that follows a delivery starts the
  // moment it ends and would otherwise take the delivery's timeline away from the owner.
  const pageRunId = useMemo(() => {
    let id: number | undefined;
    for (const v of Object.values(runsCtx.runs)) {
      if (v.run.slug === slug && v.run.kind !== 'workflow_backup' && (id === undefined || v.run.id > id)) id = v.run.id;
    }
    return id;
  }, [runsCtx.runs, slug]);
  const shownRun = selectedRun ?? pageRunId ?? latestId ?? history[0]?.id ?? null;
  const latestRun = latestId !== undefined ? runsCtx.runs[latestId] : undefined;
  const runActive = !!latestRun && isActive(latestRun.run.state);
  const handover = useHandover(slug, finishedCount);
  // Handed over, the instance is the customer's: the page keeps its card and history, and
  // offers nothing that would read, change or remove it (the engine refuses each anyway).
  const ours = !handover.handedOver;

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

  // A billing finding's plan change: the plan saved, then "Uppdatera moduler" asked as ever.
  async function changePlan(plan: Plan) {
    if (!customer) return;
    try {
      const saved = await call('update_customer', { slug: customer.slug, patch: { plan, expected_version: customer.version } });
      setCustomer(saved);
      setUpdating(true);
    } catch (e) {
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
            {c.cancelled_at && <CancelledTag />}
          </div>
        </div>
        <div className="actions">
          {!hasInstance(c) && <ProvisionButton slug={c.slug} name={c.name} testId="provision-button" showReason />}
          {c.status === 'active' && hasInstance(c) && !runActive && ours && (
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
          {c.status === 'active' && hasInstance(c) && ours && <ExportButton customer={c} />}
          <button type="button" className="btn" data-testid="edit-customer" onClick={onEdit}>
            {t('customer.edit')}
          </button>
        </div>
      </div>

      {c.cancelled_at && (
        <div className="panel panel-warning" role="note" data-testid="customer-cancelled">
          <p>
            <strong>{t('customer.cancelled', { time: formatDateTime(lang, c.cancelled_at) })}</strong> {t('customer.cancelledBody')}
          </p>
          {!runActive && ours && (c.status === 'active' || hasInstance(c)) && (
            <div className="actions">
              {c.status === 'active' && (
                <button type="button" className="btn btn-small" data-testid="cancelled-pause" onClick={() => setPausing(true)}>
                  {t('ops.pause')}
                </button>
              )}
              {c.made_by_fabrik && (
                <button type="button" className="btn btn-small btn-danger-outline" data-testid="cancelled-teardown" onClick={() => setTearingDown(true)}>
                  {t('teardown.button')}
                </button>
              )}
            </div>
          )}
        </div>
      )}
      {pausing && (
        <Dialog
          title={t('ops.pause')}
          labelledBy="cancelled-pause-confirm"
          testId="cancelled-pause-dialog"
          onCancel={() => setPausing(false)}
          actions={
            <>
              <button type="button" className="btn" data-autofocus onClick={() => setPausing(false)}>
                {t('form.cancel')}
              </button>
              <button
                type="button"
                className="btn btn-primary"
                data-testid="cancelled-pause-confirm"
                onClick={() => {
                  setPausing(false);
                  void runsCtx.dayTwo(c.slug, 'pause').then((ok) => ok && setSelectedRun(null));
                }}
              >
                {t('ops.pause')}
              </button>
            </>
          }
        >
          <p>{t('ops.pauseConfirm', { name: c.name })}</p>
        </Dialog>
      )}
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

      {hasInstance(c) && ours && (
        <HealthPanel slug={c.slug} reload={finishedCount} canRepair={c.status === 'active' && !runActive} onStarted={() => setSelectedRun(null)} />
      )}
      {delivered(c) && ours && (
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
      {/* The customer's team in their own instance: wide, for its table and its invitations. */}
      {delivered(c) && ours && <TeamPanel customer={c} busy={runActive} reload={finishedCount} onStarted={() => setSelectedRun(null)} />}
      {/* What it uses, costs and pays: the last 90 days as charts. */}
      {delivered(c) && ours && <UsagePanel slug={c.slug} reload={finishedCount} />}
      {/* Its Stripe subscription beside it, and what differs (issue #58). */}
      {delivered(c) && ours && (
        <BillingPanel
          customer={c}
          busy={runActive}
          reload={finishedCount}
          onStarted={() => setSelectedRun(null)}
          onPause={() => setPausing(true)}
          onTeardown={() => setTearingDown(true)}
          onChangePlan={(plan) => void changePlan(plan)}
        />
      )}

      {/* The handover to the customer's own accounts (issue #59); nothing when there is none. */}
      {hasInstance(c) && <HandoverPanel customer={c} status={handover} />}

      <ForeignPanel slug={c.slug} reload={finishedCount} />

      {shownRun !== null && (
        <div className="card run-card">
          <h2 className="card-title">{t('run.title')}</h2>
          <RunPanel key={shownRun} runId={shownRun} />
        </div>
      )}
      <RunHistory rows={history} selected={shownRun} onSelect={setSelectedRun} />

      {/* One danger zone a page (issue #68): what gives away or removes, each act in a line,
          offered only where it can apply; none of it in the page's head. */}
      <section className="card danger-zone" aria-labelledby="danger-title" data-testid="danger-zone">
        <h2 id="danger-title" className="card-title">
          {t('danger.title')}
        </h2>
        <ul className="danger-acts">
          {delivered(c) && !runActive && handover.offered && (
            <li>
              <HandoverButton onClick={() => setHandingOver(true)} />
              <span className="muted">{t('danger.handover')}</span>
            </li>
          )}
          {/* Only what Fabrik's runs made can go: a card typed by hand has nothing to tear down. */}
          {c.made_by_fabrik && !runActive && ours && (
            <li>
              <button type="button" className="btn btn-danger-outline" data-testid="teardown-button" onClick={() => setTearingDown(true)}>
                {t('teardown.button')}
              </button>
              <span className="muted">{t('danger.teardown')}</span>
            </li>
          )}
          <li>
            <button type="button" className="btn btn-danger-outline" data-testid="delete-customer" onClick={() => setConfirming(true)}>
              {t('customer.delete')}
            </button>
            <span className="muted">{t('danger.delete')}</span>
          </li>
        </ul>
      </section>

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

      {handingOver && <HandoverDialog customer={c} onClose={() => setHandingOver(false)} onStarted={() => setSelectedRun(null)} />}
      {tearingDown && <TeardownDialog customer={c} exportable={c.status === 'active' && hasInstance(c)} onClose={() => setTearingDown(false)} onStarted={() => setSelectedRun(null)} />}

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

/** A customer whose instance Fabrik delivered (active) or paused: day two's panels apply. */
function delivered(c: Customer): boolean {
  return hasInstance(c) && (c.status === 'active' || c.status === 'inactive');
}
