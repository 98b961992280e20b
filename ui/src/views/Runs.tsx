// The provisioning views: the button, the plan dialog, the live timeline with its choices, the
// header indicator, the resume banner, the run history and the activity list.
import { useEffect, useState } from 'react';
import { call, type ApiError } from '../api';
import type { Finding, LogLine, PlanItem, ProvisionPlan, RunKind, RunRow, RunState, StepRow } from '../bindings';
import { RUN_KINDS, RUN_STATES } from '../bindings';
import { formatDateTime, runKindKey, runStateKey, stepStateKey, useI18n } from '../i18n';
import { formatElapsed, GROUPS, groupOf, isActive, stepLabel, STEP_ORDER, useRuns, type RunView, type StepLive } from '../state/runs';
import { afterListPainted } from '../state/startup';
import { AdoptDialog } from './Adopt';
import { Dialog } from './common';

/** A clock that ticks once a second while `on`. */
export function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, [on]);
  return now;
}

/** "Provisionera": disabled with the reason while not ready, spinning while its run is active. */
export function ProvisionButton({ slug, name, testId, small, showReason }: { slug: string; name: string; testId: string; small?: boolean; showReason?: boolean }) {
  const { t, tx } = useI18n();
  const { readiness, pending, runs, latest, provision } = useRuns();
  const run = latest[slug] !== undefined ? runs[latest[slug]] : undefined;
  const active = !!run && isActive(run.run.state);
  const busy = !!pending[slug] || active;
  const notReady = readiness !== null && !readiness.ready;
  const reason = notReady ? t('run.notReady', { reason: readiness?.reason ? tx(readiness.reason) : '' }) : undefined;
  return (
    <span className="provision-wrap">
      <button
        type="button"
        className={`btn btn-primary btn-busy${small ? ' btn-small' : ''}`}
        data-testid={testId}
        data-busy={busy ? 'true' : undefined}
        disabled={busy || notReady || readiness === null}
        aria-busy={busy || undefined}
        aria-describedby={showReason && reason ? `provision-reason-${slug}` : undefined}
        title={reason}
        onClick={(e) => {
          e.stopPropagation();
          provision([{ slug, name }]);
        }}
        onKeyDown={(e) => e.stopPropagation()}
      >
        <span className={busy ? 'is-hidden' : undefined}>{t('run.provision')}</span>
        {busy && <span className="spinner" aria-hidden="true" />}
        {busy && <span className="visually-hidden">{t('run.provisioning')}</span>}
      </button>
      {showReason && reason && (
        <span className="provision-reason" id={`provision-reason-${slug}`} data-testid="provision-reason">
          {reason}
        </span>
      )}
    </span>
  );
}

/** What the preflight found: the problems to fix before a run (all at once), then caveats. */
function PreflightFindings({ found }: { found: Finding[] }) {
  const { t, tx } = useI18n();
  if (found.length === 0) return null;
  const blocking = found.filter((f) => f.blocking).length;
  return (
    <div className="preflight" data-testid="preflight">
      {blocking > 0 && (
        <p className="field-error" role="alert">
          {t('preflight.blocking', { n: blocking })}
        </p>
      )}
      <ul className="plan-list">
        {found.map((f, i) => (
          <li key={i} className={`plan-item ${f.blocking ? 'plan-refuse' : 'plan-caveat'}`} data-testid="preflight-finding" data-blocking={f.blocking}>
            <span className={`plan-action ${f.blocking ? 'plan-action-refuse' : 'plan-action-caveat'}`}>{t(f.blocking ? 'preflight.problem' : 'preflight.caveat')}</span>
            <span className="plan-text">
              <span className="plan-step mono">{f.subject}</span>
              <span className="plan-detail muted">{tx(f.message)}</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Before the first step: the preflight's findings, then what will be created or adopted,
 * with "Starta" and "Avbryt". */
export function PlanDialog({ slugs, names, onCancel, onStart }: { slugs: string[]; names: Record<string, string>; onCancel: () => void; onStart: () => void }) {
  const { t, err, tx } = useI18n();
  const single = slugs.length === 1 ? slugs[0] : null;
  const [plan, setPlan] = useState<ProvisionPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  // A refused resource being adopted from the plan, and a counter that plans again after.
  const [adopting, setAdopting] = useState<string | null>(null);
  const [replan, setReplan] = useState(0);
  // Several customers: one preflight for all of them (the plan is per customer).
  const [found, setFound] = useState<Finding[] | null>(null);

  useEffect(() => {
    let live = true;
    if (!single) {
      call('preflight', {})
        .then((f) => live && setFound(f))
        .catch((e: ApiError) => live && setError(t('plan.failed', { message: err(e) })));
      return () => {
        live = false;
      };
    }
    call('plan_provision', { slug: single })
      .then((p) => live && setPlan(p))
      .catch((e: ApiError) => live && setError(t('plan.failed', { message: err(e) })));
    return () => {
      live = false;
    };
    // Planned once per dialog, and again after an adoption.
  }, [single, replan]);
  // What stops the plan is what the owner must see first, even below the fold.
  useEffect(() => {
    if (plan && !plan.feasible) document.querySelector('.plan-item.plan-refuse')?.scrollIntoView({ block: 'nearest' });
  }, [plan]);

  const bulkReady = !!found && !found.some((f) => f.blocking);
  const canStart = !starting && (single ? !!plan && plan.feasible : slugs.length > 0 && bulkReady);
  return (
    <Dialog
      title={single ? t('plan.title', { name: names[single] ?? single }) : t('plan.bulkTitle', { n: slugs.length })}
      labelledBy="plan-title"
      onCancel={onCancel}
      testId="plan-dialog"
      actions={
        <>
          <button type="button" className="btn" data-testid="plan-cancel" onClick={onCancel}>
            {t('plan.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="plan-start"
            data-autofocus
            disabled={!canStart}
            onClick={() => {
              setStarting(true);
              onStart();
            }}
          >
            {t('plan.start')}
          </button>
        </>
      }
    >
      {single ? (
        <>
          {error && (
            <p className="field-error" role="alert" data-testid="plan-error">
              {error}
            </p>
          )}
          {!plan && !error && <p className="muted" aria-busy="true">{t('plan.loading')}</p>}
          {plan && (
            <>
              <PreflightFindings found={plan.preflight} />
              {plan.items.length > 0 && <p>{t('plan.intro')}</p>}
              <ul className="plan-list">
                {plan.items.map((it: PlanItem) => (
                  <li key={it.step} className={`plan-item plan-${it.action}`} data-testid={`plan-item-${it.step}`} data-action={it.action}>
                    <span className={`plan-action plan-action-${it.action}`}>{t(`plan.action.${it.action}` as const)}</span>
                    <span className="plan-text">
                      <span className="plan-step">{stepLabel(tx, it.step)}</span>
                      <span className="plan-detail muted">{tx(it.detail)}</span>
                    </span>
                    {it.adoptable && (
                      <button type="button" className="btn btn-small" data-testid={`plan-adopt-${it.step}`} onClick={() => setAdopting(it.adoptable)}>
                        {t('foreign.adopt')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
              {!plan.feasible && (
                <p className="field-error" role="alert">
                  {t('plan.infeasible')}
                </p>
              )}
              {adopting && single && (
                <AdoptDialog
                  slug={single}
                  name={adopting}
                  onClose={() => setAdopting(null)}
                  onDone={() => {
                    setAdopting(null);
                    setReplan((n) => n + 1);
                  }}
                />
              )}
            </>
          )}
        </>
      ) : (
        <>
          {error && (
            <p className="field-error" role="alert" data-testid="plan-error">
              {error}
            </p>
          )}
          {!found && !error && <p className="muted" aria-busy="true">{t('plan.loading')}</p>}
          {found && <PreflightFindings found={found} />}
          <p>{t('plan.bulkIntro')}</p>
          <ul className="plan-list">
            {slugs.map((s) => (
              <li key={s} className="plan-item" data-testid={`plan-customer-${s}`}>
                <span className="plan-text">
                  <span className="plan-step">{names[s] ?? s}</span>
                  <span className="plan-detail muted mono">{s}</span>
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Dialog>
  );
}

function stepElapsed(s: StepRow, live: StepLive | undefined, now: number): number | null {
  const running = ['running', 'waiting', 'retrying'].includes(s.state);
  const started = s.started_at ? Date.parse(s.started_at) : NaN;
  if (running) return Number.isNaN(started) ? null : now - started;
  if (live?.duration_ms != null && s.state === 'succeeded') return live.duration_ms;
  const finished = s.finished_at ? Date.parse(s.finished_at) : NaN;
  if (!Number.isNaN(started) && !Number.isNaN(finished) && s.state !== 'pending') return Math.max(0, finished - started);
  return null;
}

function StepLine({ run, step, now }: { run: RunView; step: StepRow; now: number }) {
  const { t, tx } = useI18n();
  const [open, setOpen] = useState(false);
  const live = run.live[step.key];
  const key = step.key;
  const elapsed = stepElapsed(step, live, now);
  const lines = run.log.filter((l) => l.step === key);

  let sub: React.ReactNode = '\u00a0';
  if (step.state === 'waiting') {
    const text = live?.waiting
      ? live.waiting.detail
        ? t('run.waiting', { what: tx(live.waiting.what), detail: live.waiting.detail, elapsed: formatElapsed(live.waiting.elapsed_ms) })
        : t('run.waitingNoDetail', { what: tx(live.waiting.what), elapsed: formatElapsed(live.waiting.elapsed_ms) })
      : step.waiting_for ? tx(step.waiting_for) : '';
    sub = (
      <span className="step-waiting" data-testid={`step-waiting-${key}`}>
        {text}
      </span>
    );
  } else if (step.state === 'retrying' && live?.retry) {
    sub = t('run.retrying', { delay: formatElapsed(live.retry.delay_ms + 999), reason: tx(live.retry.reason) });
  } else if (step.state === 'compensation_failed' && live?.manual) {
    sub = (
      <span className="step-error">
        {step.error ? tx(step.error) : ''} — {t('run.manual', { manual: tx(live.manual) })}
      </span>
    );
  } else if (step.error && ['failed', 'compensation_failed', 'retrying'].includes(step.state)) {
    sub = <span className="step-error">{tx(step.error)}</span>;
  } else if (step.state === 'succeeded') {
    sub = (
      <>
        {live?.outcome ? t(`run.outcome.${live.outcome}` as const) : t('run.outcome.done')}
        {step.external_id ? <span className="mono"> · {step.external_id}</span> : null}
      </>
    );
  }

  return (
    <li className="step" data-testid={`step-${key}`} data-state={step.state}>
      <div className="step-row">
        <span className={`step-icon step-icon-${step.state}`} aria-hidden="true" />
        <span className="step-main">
          <span className="step-label truncate">{stepLabel(tx, key)}</span>
          <span className="step-sub truncate muted" title={typeof sub === 'string' ? undefined : undefined}>
            {sub}
          </span>
        </span>
        <span className={`step-state step-state-${step.state}`} data-testid={`step-state-${key}`}>
          {t(stepStateKey(step.state))}
        </span>
        <span className="step-attempts tabular muted" data-testid={`step-attempts-${key}`} data-attempts={step.attempts}>
          {step.attempts > 0 ? t('run.attempts', { n: step.attempts }) : '\u00a0'}
        </span>
        <span className="step-time tabular" data-testid={`step-time-${key}`}>
          {elapsed === null ? '\u00a0' : formatElapsed(elapsed)}
        </span>
        <button
          type="button"
          className="btn btn-ghost btn-small step-log-toggle"
          data-testid={`step-log-toggle-${key}`}
          aria-expanded={open}
          aria-controls={`step-log-${run.run.id}-${key}`}
          aria-label={t('run.stepLog', { step: stepLabel(tx, key) })}
          onClick={() => setOpen((o) => !o)}
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span>
        </button>
      </div>
      {open && (
        <div className="step-log" id={`step-log-${run.run.id}-${key}`} data-testid={`step-log-${key}`}>
          <LogLines lines={lines} />
        </div>
      )}
    </li>
  );
}

function LogLines({ lines }: { lines: LogLine[] }) {
  const { t, tx } = useI18n();
  if (lines.length === 0) return <p className="muted">{t('run.noLog')}</p>;
  return (
    <ol className="log-lines">
      {lines.map((l) => (
        <li key={l.id} className={`log-line log-${l.level}`}>
          <span className="log-at tabular">{l.at.slice(11, 19)}</span>
          <span className="log-msg">
            {tx(l.message)}
            {l.request_id ? <span className="muted mono"> [{l.request_id}]</span> : null}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** The timeline of one run, grouped by provider, with the run's state and the user's choices. */
export function RunPanel({ runId }: { runId: number }) {
  const { t, tx } = useI18n();
  const { runs, resume, rollback, cancel, track } = useRuns();
  const v = runs[runId];
  const [showLog, setShowLog] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [acting, setActing] = useState(false);
  const active = !!v && isActive(v.run.state);
  const now = useNow(active);

  useEffect(() => {
    if (v && v.steps.length === 0) void track(runId);
    // Load once per run shown.
  }, [runId]);

  if (!v) return null;
  const order = (k: string) => {
    const i = (STEP_ORDER as string[]).indexOf(k);
    return i < 0 ? 99 : i;
  };
  const steps = [...v.steps].sort((a, b) => order(a.key) - order(b.key));
  const state = v.run.state;
  const provision = v.run.kind === 'provision';
  const failedStep = v.run.failed_step;

  async function doAct(fn: () => Promise<void>) {
    setActing(true);
    try {
      await fn();
    } finally {
      setActing(false);
    }
  }

  return (
    <div className="run-panel" data-testid="run-panel" data-run={runId}>
      <div className="run-head">
        <span className={`run-state run-state-${state}`} data-testid="run-state" data-state={state}>
          {active && <span className="run-spinner" aria-hidden="true" />}
          {t(runStateKey(state))}
        </span>
        <span className="muted run-meta">
          {t(runKindKey(v.run.kind))} · #{runId}
        </span>
        <span className="run-actions">
          {active && provision && state === 'running' && (
            <button type="button" className="btn btn-small" data-testid="cancel-run" onClick={() => setCancelling(true)}>
              {t('run.cancel')}
            </button>
          )}
          {provision && (state === 'failed' || state === 'cancelled') && (
            <>
              <button type="button" className="btn btn-small btn-primary" data-testid="retry-run" disabled={acting} onClick={() => doAct(() => resume(runId))}>
                {state === 'failed' ? t('run.retry') : t('run.continue')}
              </button>
              <button type="button" className="btn btn-small btn-danger-outline" data-testid="rollback-run" disabled={acting} onClick={() => doAct(() => rollback(runId))}>
                {t('run.rollback')}
              </button>
            </>
          )}
          <button type="button" className="btn btn-small btn-ghost" data-testid="show-log" aria-expanded={showLog} onClick={() => setShowLog((s) => !s)}>
            {showLog ? t('run.hideLog') : t('run.showLog')}
          </button>
        </span>
      </div>
      {(state === 'failed' || state === 'rollback_failed') && v.run.error && (
        <div className="run-error" role="alert" data-testid="run-error">
          {state === 'failed' && failedStep ? t('run.failedAt', { step: stepLabel(tx, failedStep), message: tx(v.run.error) }) : tx(v.run.error)}
        </div>
      )}
      <ol className="timeline" data-testid="timeline" aria-label={t('run.title')}>
        {GROUPS.map((g) => {
          const inGroup = steps.filter((s) => groupOf(s.key) === g);
          if (inGroup.length === 0) return null;
          return (
            <li key={g} className="timeline-group" data-testid={`group-${g}`}>
              <h3 className="timeline-group-title">{t(`group.${g}` as const)}</h3>
              <ol className="steps">
                {inGroup.map((s) => (
                  <StepLine key={s.key} run={v} step={s} now={now} />
                ))}
              </ol>
            </li>
          );
        })}
      </ol>
      {showLog && (
        <div className="run-log" data-testid="run-log">
          <LogLines lines={v.log} />
        </div>
      )}
      {cancelling && (
        <Dialog
          title={t('run.cancelTitle')}
          labelledBy="cancel-title"
          onCancel={() => setCancelling(false)}
          testId="cancel-dialog"
          actions={
            <>
              <button type="button" className="btn" data-autofocus onClick={() => setCancelling(false)}>
                {t('run.cancelBack')}
              </button>
              <button
                type="button"
                className="btn"
                data-testid="cancel-keep"
                onClick={() => {
                  setCancelling(false);
                  void cancel(runId, false);
                }}
              >
                {t('run.cancelKeep')}
              </button>
              <button
                type="button"
                className="btn btn-danger"
                data-testid="cancel-rollback"
                onClick={() => {
                  setCancelling(false);
                  void cancel(runId, true);
                }}
              >
                {t('run.cancelRollback')}
              </button>
            </>
          }
        >
          <p>{t('run.cancelBody')}</p>
        </Dialog>
      )}
    </div>
  );
}

/** In the header: how many runs are active, anywhere in the app; opens Aktivitet. */
export function ActiveRunsIndicator({ onOpen }: { onOpen: () => void }) {
  const { t } = useI18n();
  const { activeCount } = useRuns();
  if (activeCount === 0) return null;
  return (
    <button type="button" className="active-runs" data-testid="active-runs-indicator" data-count={activeCount} onClick={onOpen} title={t('activity.indicator', { n: activeCount })}>
      <span className="run-spinner" aria-hidden="true" />
      <span className="tabular">{t('activity.active', { n: activeCount })}</span>
    </button>
  );
}

/** On start: runs left active by a process that is gone, with "Återuppta". */
export function ResumeBanner() {
  const { t } = useI18n();
  const { resume, trackRows } = useRuns();
  const [rows, setRows] = useState<RunRow[]>([]);
  useEffect(() => {
    afterListPainted
      .then(() => call('interrupted_runs', {}))
      .then((r) => {
        setRows(r);
        trackRows(r);
      })
      .catch(() => {
        /* No banner. */
      });
  }, [trackRows]);
  if (rows.length === 0) return null;
  return (
    <div className="resume-banner" role="region" aria-label={t('resume.run')} data-testid="resume-banner">
      {rows.map((r) => (
        <div key={r.id} className="resume-item" data-run={r.id}>
          <span>{t('resume.text', { name: r.customer_name || r.slug })}</span>
          <button
            type="button"
            className="btn btn-small btn-primary"
            data-testid="resume-run"
            onClick={() => {
              setRows((cur) => cur.filter((x) => x.id !== r.id));
              void resume(r.id);
            }}
          >
            {t('resume.run')}
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setRows((cur) => cur.filter((x) => x.id !== r.id))}>
            {t('resume.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}

function RunListItem({ r, onOpen, testId }: { r: RunRow; onOpen: () => void; testId: string }) {
  const { t, lang } = useI18n();
  const { runs } = useRuns();
  const state = runs[r.id]?.run.state ?? r.state;
  return (
    <li className="run-item" data-testid={testId} data-run={r.id} data-state={state}>
      <button type="button" className={r.person ? 'run-item-button has-person' : 'run-item-button'} onClick={onOpen}>
        <span className="run-item-name truncate">{r.customer_name || r.slug}</span>
        <span className="muted">{t(runKindKey(r.kind))}</span>
        <span className={`run-state run-state-${state}`}>{t(runStateKey(state))}</span>
        <span className="muted tabular">{formatDateTime(lang, r.started_at)}</span>
        {/* The shared register's login that started it (a register file has none). */}
        {r.person && (
          <span className="muted truncate" data-testid="run-person" title={t('run.person', { person: r.person })}>
            {r.person}
          </span>
        )}
      </button>
    </li>
  );
}

/** The customer's runs, newest first; choosing one shows it in the panel above. */
export function RunHistory({ rows, selected, onSelect }: { rows: RunRow[]; selected: number | null; onSelect: (id: number) => void }) {
  const { t } = useI18n();
  return (
    <div className="card history-card">
      <h2 className="card-title">{t('history.title')}</h2>
      {rows.length === 0 ? (
        <p className="muted" data-testid="history-empty">
          {t('history.empty')}
        </p>
      ) : (
        <ol className="run-items" data-testid="history-list">
          {rows.map((r) => (
            <div key={r.id} className={r.id === selected ? 'is-selected' : undefined}>
              <RunListItem r={r} testId="history-item" onOpen={() => onSelect(r.id)} />
            </div>
          ))}
        </ol>
      )}
    </div>
  );
}

/** "Aktivitet": every run, newest first. */
export function Activity({ onOpenRun }: { onOpenRun: (slug: string, run: number) => void }) {
  const { t } = useI18n();
  const { trackRows, finished, latest } = useRuns();
  const [rows, setRows] = useState<RunRow[] | null>(null);
  // Filters: a customer (name or slug), a kind, a state; all in the window, over the newest 500.
  const [who, setWho] = useState('');
  const [kind, setKind] = useState<RunKind | ''>('');
  const [state, setState] = useState<RunState | ''>('');
  const known = Object.keys(latest).length;
  const done = Object.values(finished).reduce((a, b) => a + b, 0);
  useEffect(() => {
    call('list_runs', { slug: null })
      .then((r) => {
        setRows(r);
        trackRows(r);
      })
      .catch(() => setRows([]));
  }, [trackRows, known, done]);
  const needle = who.trim().toLowerCase();
  const shown = (rows ?? []).filter(
    (r) =>
      (!needle || r.slug.includes(needle) || r.customer_name.toLowerCase().includes(needle)) && (!kind || r.kind === kind) && (!state || r.state === state),
  );
  const filtered = needle !== '' || kind !== '' || state !== '';
  return (
    <section className="page page-activity" aria-labelledby="activity-title">
      <div className="page-head">
        <h1 id="activity-title" className="page-title">
          {t('activity.title')}
        </h1>
      </div>
      <p className="muted">{t('activity.intro')}</p>
      {rows && rows.length > 0 && (
        <div className="toolbar" role="search">
          <label className="field-inline grow">
            <span className="visually-hidden">{t('activity.customer')}</span>
            <input
              type="search"
              className="input"
              data-testid="activity-search"
              placeholder={t('activity.customer')}
              value={who}
              onChange={(e) => setWho(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </label>
          <label className="field-inline">
            <span className="toolbar-label">{t('activity.kind')}</span>
            <select className="select" data-testid="activity-kind" value={kind} onChange={(e) => setKind(e.target.value as RunKind | '')}>
              <option value="">{t('activity.all')}</option>
              {RUN_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(runKindKey(k))}
                </option>
              ))}
            </select>
          </label>
          <label className="field-inline">
            <span className="toolbar-label">{t('activity.state')}</span>
            <select className="select" data-testid="activity-state" value={state} onChange={(e) => setState(e.target.value as RunState | '')}>
              <option value="">{t('activity.all')}</option>
              {RUN_STATES.map((s) => (
                <option key={s} value={s}>
                  {t(runStateKey(s))}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {rows && rows.length === 0 && <p className="muted">{t('activity.empty')}</p>}
      {rows && rows.length > 0 && shown.length === 0 && filtered && (
        <div className="no-match" data-testid="activity-no-match">
          <p>{t('activity.noMatch')}</p>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              setWho('');
              setKind('');
              setState('');
            }}
          >
            {t('list.clearFilters')}
          </button>
        </div>
      )}
      {rows && shown.length > 0 && (
        <ol className="run-items card" data-testid="activity-list">
          {shown.map((r) => (
            <RunListItem key={r.id} r={r} testId="activity-item" onOpen={() => onOpenRun(r.slug, r.id)} />
          ))}
        </ol>
      )}
    </section>
  );
}

/** A compact progress indicator for a list row: steps done of all, or the run's end state. */
export function RowProgress({ slug }: { slug: string }) {
  const { t } = useI18n();
  const { runs, latest } = useRuns();
  const id = latest[slug];
  const v = id !== undefined ? runs[id] : undefined;
  if (!v || v.run.kind !== 'provision' || v.run.state === 'succeeded' || v.run.state === 'rolled_back') return null;
  const total = v.steps.length || STEP_ORDER.length;
  const done = v.steps.filter((s) => s.state === 'succeeded').length;
  const pct = Math.round((done / total) * 100);
  return (
    <span className="row-progress" data-testid={`row-progress-${slug}`} data-state={v.run.state} title={t(runStateKey(v.run.state))}>
      <span className={`row-progress-bar run-state-${v.run.state}`} role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label={t('run.title')}>
        <span style={{ width: `${pct}%` }} />
      </span>
      <span className="row-progress-text tabular">
        {done}/{total}
      </span>
    </span>
  );
}
