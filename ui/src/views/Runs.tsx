// A run as it happens: the live timeline with its steps, log and choices, the header's
// indicator of active runs, the banner that offers to resume, a list row's progress. Starting a
// run is in Provision.tsx, the lists of runs in Activity.tsx.
import { useEffect, useState } from 'react';
import { call } from '../api';
import type { LogLine, RunRow, StepRow } from '../bindings';
import { runKindKey, runStateKey, stepStateKey, useI18n } from '../i18n';
import { formatElapsed, GROUPS, groupOf, isActive, stepLabel, STEP_ORDER, useRuns, type RunView, type StepLive } from '../state/runs';
import { afterListPainted } from '../state/startup';
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
