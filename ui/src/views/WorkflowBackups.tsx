// The customer's n8n workflow backups on the customer page, beside the database's: each version
// newest first (when, why, its commit, "oförändrat" when the backup found nothing to commit
// and named the commit already holding the workflow, the repository), "Säkerhetskopiera flödet
// nu", and per version with a commit a restore behind a confirmation. Both are runs (the core's
// `workflow_backup` / `workflow_restore`): they show in the run panel with their steps. When one
// is refused or fails, its reason shows here, with the way out when Settings is it.
import { useState } from 'react';
import type { Customer, ErrorCode, RunRequest, WorkflowBackup } from '../bindings';
import { formatDateTime, useI18n } from '../i18n';
import { isActive, useRuns, type RunView } from '../state/runs';
import { useLoad, useRefusal } from '../state/load';
import { Dialog } from './common';

/** A commit as people compare them: its first seven characters. */
export const shortSha = (sha: string) => sha.slice(0, 7);

/** The codes whose way out is under Settings (the Gitea token or address). */
const SETTINGS_CODES: readonly ErrorCode[] = ['gitea_not_set', 'missing_tokens', 'invalid_token', 'provider_unauthorized', 'provider_forbidden'];

const WORKFLOW_KINDS = ['workflow_backup', 'workflow_restore'];

/** What went wrong, in the user's language, and whether Settings is the way out. */
interface Problem {
  kind: 'workflow_backup' | 'workflow_restore';
  message: string;
  code: ErrorCode | null;
}

/** The failure of this customer's newest workflow run, from its events (with the code) or its row. */
/** Newest first; of two taken at once, the later row first. */
const newestFirst = (b: WorkflowBackup[]) => [...b].sort((x, y) => (x.taken_at === y.taken_at ? y.id - x.id : x.taken_at < y.taken_at ? 1 : -1));

function runProblem(v: RunView | undefined, err: (e: { code: ErrorCode; message: string; params?: Record<string, string> }) => string, tx: (t: { sv: string; en: string }) => string): Problem | null {
  if (!v || !WORKFLOW_KINDS.includes(v.run.kind) || v.run.state !== 'failed') return null;
  const kind = v.run.kind as Problem['kind'];
  const failed = [...v.events].reverse().find((e) => e.type === 'step_failed');
  if (failed && failed.type === 'step_failed') return { kind, message: err(failed), code: failed.code };
  if (v.run.error) return { kind, message: tx(v.run.error), code: null };
  return null;
}

export function WorkflowBackupsPanel({
  customer,
  busy,
  reload,
  onStarted,
  onSettings,
}: {
  customer: Customer;
  busy: boolean;
  reload: number;
  onStarted: () => void;
  onSettings?: () => void;
}) {
  const { t, err, tx, lang } = useI18n();
  const runs = useRuns();
  const [restoring, setRestoring] = useState<WorkflowBackup | null>(null);
  const [starting, setStarting] = useState(false);
  const slug = customer.slug;
  const latestId = runs.latest[slug];
  const latest = latestId !== undefined ? runs.runs[latestId] : undefined;
  const latestState = latest?.run.state;
  const { data: list, error: loadError } = useLoad('workflow_backups', { slug }, [slug, reload, latestId, latestState], newestFirst);
  // A refusal belongs to the moment it happened: any run started since (of any kind) clears it.
  const [refused, setRefused] = useRefusal<Problem>(latestId);
  const active = customer.status === 'active';
  const running = !!latest && isActive(latest.run.state);
  const failedRun = runProblem(latest, err, tx);
  // A refusal to start is newer than any run; a run started since replaces it.
  const problem = refused ?? failedRun;

  async function start(request: RunRequest) {
    setStarting(true);
    setRefused(null);
    try {
      const e = await runs.begin(slug, request);
      if (e) setRefused({ kind: request.kind as Problem['kind'], message: err(e), code: e.code });
      else onStarted();
      return !e;
    } finally {
      setStarting(false);
    }
  }

  const when = (iso: string) => formatDateTime(lang, iso);
  // One repository (the usual case) is said once above the table; a column only when they differ.
  const repositories = [...new Set((list ?? []).map((b) => b.repository))];
  const repoColumn = repositories.length > 1;

  return (
    <div className="card" data-testid="workflow-backups-panel">
      <div className="card-head">
        <h2 className="card-title">{t('wfBackups.title')}</h2>
        <div className="actions">
          {active && (
            <button
              type="button"
              className="btn btn-small"
              data-testid="workflow-backup-now"
              disabled={busy || running || starting}
              onClick={() => void start({ kind: 'workflow_backup' })}
            >
              {t('wfBackups.now')}
            </button>
          )}
        </div>
      </div>
      <p className="muted small">{t('wfBackups.hint')}</p>
      {problem && (
        <div className="panel panel-error wf-problem" role="alert" data-testid="workflow-backup-error" data-code={problem.code ?? ''}>
          <p>{t(problem.kind === 'workflow_restore' ? 'wfBackups.restoreFailed' : 'wfBackups.failed', { message: problem.message })}</p>
          {problem.code && SETTINGS_CODES.includes(problem.code) && onSettings && (
            <button type="button" className="btn btn-small" data-testid="workflow-backup-settings" onClick={onSettings}>
              {t('wfBackups.toSettings')}
            </button>
          )}
        </div>
      )}
      {loadError && (
        <p className="field-error" role="alert">
          {t('wfBackups.loadFailed', { message: err(loadError) })}
        </p>
      )}
      {list && list.length === 0 && <p className="muted">{t('wfBackups.none')}</p>}
      {list && list.length > 0 && !repoColumn && (
        <p className="small" data-testid="workflow-backups-repository">
          {t('wfBackups.in')} <span className="mono">{repositories[0]}</span>
        </p>
      )}
      {list && list.length > 0 && (
        <table className="table" data-testid="workflow-backups-table">
          <thead>
            <tr>
              <th>{t('wfBackups.when')}</th>
              <th>{t('wfBackups.reason')}</th>
              <th>{t('wfBackups.commit')}</th>
              {repoColumn && <th>{t('wfBackups.repository')}</th>}
              <th aria-label={t('wfBackups.restore')} />
            </tr>
          </thead>
          <tbody>
            {list.map((b) => (
              <tr key={b.id} data-testid="workflow-backup-row" data-reason={b.reason} data-commit={b.commit_sha ?? ''} data-changed={b.changed}>
                <td className="tabular nowrap" title={b.taken_at}>
                  {when(b.taken_at)}
                </td>
                <td>{t(`wfBackups.reason.${b.reason}`)}</td>
                <td className="nowrap">
                  {b.changed === 0 && (
                    <span className="muted" title={t('wfBackups.unchangedTitle')} data-testid="workflow-unchanged">
                      {t('wfBackups.unchanged')}
                    </span>
                  )}
                  {b.changed === 0 && b.commit_sha && ' '}
                  {b.commit_sha && (
                    <span className={`mono${b.changed === 0 ? ' muted' : ''}`} title={[`${b.repository}@${b.commit_sha}`, ...b.files.map((f) => f.path)].join('\n')}>
                      {b.changed === 0 ? `(${shortSha(b.commit_sha)})` : shortSha(b.commit_sha)}
                    </span>
                  )}
                </td>
                {repoColumn && <td className="mono">{b.repository}</td>}
                <td>
                  {active && b.commit_sha && (
                    <button type="button" className="btn btn-small" data-testid="workflow-restore" disabled={busy || running || starting} onClick={() => setRestoring(b)}>
                      {t('wfBackups.restore')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {restoring && (
        <Dialog
          title={t('wfRestore.title', { name: customer.name })}
          labelledBy="workflow-restore-title"
          testId="workflow-restore-dialog"
          onCancel={() => setRestoring(null)}
          actions={
            <>
              <button type="button" className="btn" data-autofocus onClick={() => setRestoring(null)}>
                {t('form.cancel')}
              </button>
              <button
                type="button"
                className="btn btn-primary"
                data-testid="workflow-restore-confirm"
                disabled={starting}
                onClick={async () => {
                  const version = restoring.id;
                  setRestoring(null);
                  await start({ kind: 'workflow_restore', version });
                }}
              >
                {t('wfRestore.confirm')}
              </button>
            </>
          }
        >
          <p>{t('wfRestore.body', { commit: shortSha(restoring.commit_sha ?? ''), when: when(restoring.taken_at) })}</p>
          <p>{t('wfRestore.safety')}</p>
        </Dialog>
      )}
    </div>
  );
}
