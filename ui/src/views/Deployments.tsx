// "Driftsättningar" on the customer page (issue #32, deployment rollback): the customer's recent
// production deployments newest first (when, the commit and branch, Vercel's state), the one
// production serves marked, "Gör till produktion" per earlier READY one behind a confirmation,
// and "Ångra" when the core names what the last rollback replaced. Both go through the core's
// `promote_deployment` / `undo_promotion` (judged before a run exists; a refusal shows the
// core's text here), then follow the `promote` run like any other.
import { useState } from 'react';
import { call, type ApiError } from '../api';
import type { Customer, DeploymentView } from '../bindings';
import { formatDateTime, useI18n } from '../i18n';
import { isActive, useRuns } from '../state/runs';
import { useLoad, useRefusal } from '../state/load';
import { CopyId, Dialog } from './common';

/** What the confirmation is about: a deployment to promote, or the undo back to one. */
type Asking = { undo: false; target: DeploymentView } | { undo: true; target: DeploymentView | null; id: string };

export function DeploymentsPanel({ customer, busy, reload, onStarted }: { customer: Customer; busy: boolean; reload: number; onStarted: () => void }) {
  const { t, err, tx, lang } = useI18n();
  const runs = useRuns();
  const [asking, setAsking] = useState<Asking | null>(null);
  const [starting, setStarting] = useState(false);
  const slug = customer.slug;
  const latestId = runs.latest[slug];
  const latest = latestId !== undefined ? runs.runs[latestId] : undefined;
  const latestState = latest?.run.state;
  const { data, error: loadError, setData } = useLoad('deployments', { slug }, [slug, reload, latestId, latestState]);
  // A refusal belongs to the moment it happened: a run started since clears it.
  const [refused, setRefused] = useRefusal<ApiError>(latestId);
  const active = customer.status === 'active';
  const running = !!latest && isActive(latest.run.state);
  // The newest run a promotion that did not succeed: why, from its failed step (with the code).
  const failedStep = latest && latest.run.kind === 'promote' && ['failed', 'rolled_back'].includes(latest.run.state) ? [...latest.events].reverse().find((e) => e.type === 'step_failed') : undefined;
  const failed = failedStep && failedStep.type === 'step_failed' ? { code: failedStep.code, message: err(failedStep) } : latest && latest.run.kind === 'promote' && latest.run.state === 'failed' && latest.run.error ? { code: null, message: tx(latest.run.error) } : null;
  const when = (iso: string) => formatDateTime(lang, iso);

  async function start(a: Asking) {
    setAsking(null);
    setStarting(true);
    setRefused(null);
    try {
      const o = a.undo ? await call('undo_promotion', { slug }) : await call('promote_deployment', { slug, deployment: a.target.id });
      await runs.track(o.run_id);
      onStarted();
    } catch (e) {
      const x = e as ApiError;
      setRefused(x);
      // The list may have changed under us (a deployment gone, production moved elsewhere).
      call('deployments', { slug })
        .then(setData)
        .catch(() => {
          /* The refusal already says what happened. */
        });
    } finally {
      setStarting(false);
    }
  }

  const list = data?.deployments ?? [];
  const undoTarget = data?.undo ? list.find((d) => d.id === data.undo) ?? null : null;
  const disabled = busy || running || starting;
  const label = (d: DeploymentView | null, id: string) => (d ? `${when(d.created_at)}${d.commit_message ? ` (${d.commit_message})` : ''}` : id);

  return (
    <div className="card" data-testid="deployments-panel">
      <div className="card-head">
        <h2 className="card-title">{t('deploys.title')}</h2>
        <div className="actions">
          {active && data?.undo && (
            <button
              type="button"
              className="btn btn-small"
              data-testid="deployment-undo"
              disabled={disabled}
              title={t('deploys.undoTitle', { target: label(undoTarget, data.undo) })}
              onClick={() => setAsking({ undo: true, target: undoTarget, id: data.undo as string })}
            >
              {t('deploys.undo')}
            </button>
          )}
        </div>
      </div>
      <p className="muted small">{t('deploys.hint')}</p>
      {refused && (
        <div className="panel panel-error wf-problem" role="alert" data-testid="deployment-error" data-code={refused.code}>
          <p>{t('deploys.refused', { message: err(refused) })}</p>
        </div>
      )}
      {!refused && failed && (
        <div className="panel panel-error wf-problem" role="alert" data-testid="deployment-failed" data-code={failed.code ?? ''}>
          <p>{t('deploys.failed', { message: failed.message })}</p>
        </div>
      )}
      {loadError && (
        <p className="field-error" role="alert" data-testid="deployments-load-error">
          {t('deploys.loadFailed', { message: err(loadError) })}
        </p>
      )}
      {data && list.length === 0 && <p className="muted">{t('deploys.none')}</p>}
      {list.length > 0 && (
        <table className="table" data-testid="deployments-table">
          <thead>
            <tr>
              <th>{t('deploys.when')}</th>
              <th>{t('deploys.commit')}</th>
              <th>{t('deploys.state')}</th>
              <th aria-label={t('deploys.promote')} />
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <tr key={d.id} data-testid="deployment-row" data-id={d.id} data-state={d.state} data-serving={d.serving} className={d.serving ? 'is-serving' : undefined}>
                <td className="tabular deploy-when" title={`${d.created_at}\n${d.id}${d.url ? `\n${d.url}` : ''}`}>
                  {when(d.created_at)}
                </td>
                <td>
                  {/* The change in words (its message, its branch); the commit itself behind "Kopiera id". */}
                  {d.commit_message ? <span className="deploy-message">{d.commit_message}</span> : !d.commit && <span className="muted">–</span>}
                  {d.commit_ref && <span className="muted"> · {d.commit_ref}</span>}
                  {d.commit && (
                    <>
                      {' '}
                      <CopyId id={d.commit} testId="deployment-commit" />
                    </>
                  )}
                </td>
                <td className="deploy-state-cell">
                  <span className={`badge deploy-state deploy-${d.state.toLowerCase()}`}>{stateText(t, d.state)}</span>
                  {d.serving && (
                    <span className="badge deploy-serving" data-testid="deployment-serving">
                      {t('deploys.serving')}
                    </span>
                  )}
                </td>
                <td>
                  {active && d.promotable && (
                    <button type="button" className="btn btn-small" data-testid="deployment-promote" disabled={disabled} onClick={() => setAsking({ undo: false, target: d })}>
                      {t('deploys.promote')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {asking && (
        <Dialog
          title={t(asking.undo ? 'deploys.undoDialogTitle' : 'deploys.dialogTitle', { name: customer.name })}
          labelledBy="deployment-dialog-title"
          testId="deployment-dialog"
          onCancel={() => setAsking(null)}
          actions={
            <>
              <button type="button" className="btn" data-autofocus onClick={() => setAsking(null)}>
                {t('form.cancel')}
              </button>
              <button type="button" className="btn btn-primary" data-testid="deployment-confirm" disabled={starting} onClick={() => void start(asking)}>
                {t(asking.undo ? 'deploys.undoConfirm' : 'deploys.confirm')}
              </button>
            </>
          }
        >
          <p>{t('deploys.body', { target: asking.undo ? label(asking.target, asking.id) : label(asking.target, asking.target.id) })}</p>
          {!asking.undo && asking.target.commit_message && <p className="muted">«{asking.target.commit_message}»</p>}
          <p>{t('deploys.checked')}</p>
          <p>{t(asking.undo ? 'deploys.undoAgain' : 'deploys.undoable')}</p>
        </Dialog>
      )}
    </div>
  );
}

/** Vercel's word for a state, in the user's language where Fabrik knows it. */
function stateText(t: ReturnType<typeof useI18n>['t'], state: string): string {
  switch (state) {
    case 'READY':
      return t('deploys.state.ready');
    case 'ERROR':
      return t('deploys.state.error');
    case 'BUILDING':
    case 'INITIALIZING':
    case 'QUEUED':
      return t('deploys.state.building');
    case 'CANCELED':
      return t('deploys.state.canceled');
    default:
      return state;
  }
}
