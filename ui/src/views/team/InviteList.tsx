// Inviting a list from the Team tab: a CSV file or pasted text, checked by the core first (every
// bad row named, nobody invited until they are fixed: all or nothing), then invited whole, each
// person's result as the core's `team-progress` events tell it, then a summary.
import { useRef, useState } from 'react';
import { call, type ApiError } from '../../api';
import type { InviteOutcome, InviteReport, InviteResult, TeamPreview } from '../../bindings';
import { formatNumber, useI18n, type TextKey } from '../../i18n';
import { useEvent } from '../../state/events';
import { useToast } from '../../state/toast';
import { PreviewView } from './Preview';

interface Progress {
  total: number;
  done: number;
  results: InviteResult[];
}

/** `left`: what the instance may still send this hour (null: no limit known). `again` reads the team anew. */
export function InviteList({ slug, canInvite, left, again }: { slug: string; canInvite: boolean; left: number | null; again: () => void }) {
  const { t, err, tx, lang } = useI18n();
  const toast = useToast();
  const [listText, setListText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [preview, setPreview] = useState<TeamPreview | null>(null);
  const [previewError, setPreviewError] = useState<ApiError | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [summary, setSummary] = useState<InviteReport | null>(null);
  const [listError, setListError] = useState<ApiError | null>(null);
  const listInviting = useRef(false);

  // The core tells each person's result as it comes (the window's one listener).
  useEvent('team-progress', (p) => {
    if (p.slug !== slug || !listInviting.current) return;
    setProgress((cur) => {
      if (!cur || cur.results.some((r) => r.email === p.result.email)) return cur;
      return { total: p.total, done: Math.max(cur.done, p.done), results: [...cur.results, p.result] };
    });
  });

  function changeList(text: string, file: string | null) {
    setListText(text);
    setFileName(file);
    setPreview(null);
    setPreviewError(null);
    setListError(null);
  }

  async function readFile(e: React.ChangeEvent<HTMLInputElement>) {
    const input = e.target;
    const file = input.files?.[0];
    if (!file) return;
    try {
      changeList(await file.text(), file.name);
    } catch {
      toast('error', t('team.list.fileUnreadable', { name: file.name }));
    } finally {
      // The same file chosen again (after it was edited) is read again.
      input.value = '';
    }
  }

  async function previewList() {
    if (!listText.trim()) return;
    setPreviewing(true);
    setPreview(null);
    setPreviewError(null);
    setListError(null);
    setSummary(null);
    try {
      setPreview(await call('team_preview', { slug, csv: listText }));
    } catch (e) {
      setPreviewError(e as ApiError);
    } finally {
      setPreviewing(false);
    }
  }

  async function inviteList() {
    if (!preview || preview.bad.length > 0 || preview.people.length === 0 || !canInvite) return;
    listInviting.current = true;
    setProgress({ total: preview.people.length, done: 0, results: [] });
    setSummary(null);
    setListError(null);
    try {
      const r = await call('team_invite', { slug, people: preview.people });
      setSummary(r);
      changeList('', null);
    } catch (e) {
      setListError(e as ApiError);
    } finally {
      listInviting.current = false;
      setProgress(null);
      again();
    }
  }

  const problemsOf = (e: ApiError) => (e.code === 'validation' && e.fields.length > 0 ? e.fields.map((f) => err(f)) : [err(e)]);
  const inviting = progress !== null;
  const seconds = (ms: number) => (ms / 1000).toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

  return (
    <>
      <h3 className="subhead">{t('team.list.title')}</h3>
      <p className="muted small">{t('team.list.hint')}</p>
      <div className="team-list-source">
        <label className="btn btn-small team-file">
          {t('team.list.file')}
          <input type="file" accept=".csv,.txt,text/csv,text/plain" data-testid="team-list-file" className="visually-hidden" disabled={inviting} onChange={(e) => void readFile(e)} />
        </label>
        {fileName && (
          <span className="muted small" data-testid="team-list-file-name">
            {t('team.list.fileChosen', { name: fileName })}
          </span>
        )}
      </div>
      <label className="label" htmlFor="team-list-text">
        {t('team.list.text')}
      </label>
      <textarea
        id="team-list-text"
        className="input textarea mono team-list-text"
        data-testid="team-list-text"
        rows={5}
        value={listText}
        spellCheck={false}
        disabled={inviting}
        placeholder={t('team.list.placeholder')}
        onChange={(e) => changeList(e.target.value, null)}
      />
      <div className="card-actions team-list-actions">
        <button type="button" className="btn btn-small" data-testid="team-list-preview" disabled={!listText.trim() || previewing || inviting} onClick={() => void previewList()}>
          {t('team.list.preview')}
        </button>
        {listText && !inviting && (
          <button type="button" className="btn btn-small btn-ghost" data-testid="team-list-clear" onClick={() => changeList('', null)}>
            {t('team.list.clear')}
          </button>
        )}
      </div>
      {previewError && (
        <div className="panel panel-error wf-problem" role="alert" data-testid="team-list-error" data-code={previewError.fields[0]?.code ?? previewError.code}>
          {problemsOf(previewError).map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </div>
      )}
      {preview && <PreviewView preview={preview} left={left} canInvite={canInvite} inviting={inviting} onInvite={() => void inviteList()} />}
      {listError && (
        <div className="panel panel-error wf-problem team-list-refused" role="alert" data-testid="team-list-refused" data-code={listError.code}>
          <p>{t('team.list.refused')}</p>
          <ul>
            {problemsOf(listError).map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      {progress && (
        <div className="team-progress" role="status" data-testid="team-progress" data-done={progress.done} data-total={progress.total}>
          <p>{t('team.progress', { done: progress.done, total: progress.total })}</p>
          <progress className="update-progress" max={progress.total} value={progress.done} />
          <ul className="tick-list">
            {progress.results.map((r) => (
              <ResultLine key={r.email} result={r} />
            ))}
          </ul>
        </div>
      )}
      {summary && (
        <div className="team-summary" role="status" data-testid="team-summary" data-invited={summary.invited} data-failed={summary.failed}>
          <p>
            <strong>{t(summary.invited === 1 ? 'team.summary.invited.one' : 'team.summary.invited.other', { n: summary.invited })}</strong>
            {summary.failed > 0 && <span className="field-error"> · {t('team.summary.failed', { n: summary.failed })}</span>}
          </p>
          {summary.failed > 0 && (
            <ul className="tick-list">
              {summary.results
                .filter((r) => r.outcome === 'failed')
                .map((r) => (
                  <li key={r.email} className="field-error" data-testid="team-summary-failure" data-email={r.email}>
                    {r.problem ? tx(r.problem) : t('team.invite.failed', { email: r.email })}
                  </li>
                ))}
            </ul>
          )}
          <p className="muted small" data-testid="team-summary-calls">
            {t('team.summary.calls', { calls: formatNumber(lang, summary.calls), seconds: seconds(summary.elapsed_ms) })}
          </p>
          <button type="button" className="btn btn-small btn-ghost" data-testid="team-summary-close" onClick={() => setSummary(null)}>
            {t('team.summary.close')}
          </button>
        </div>
      )}
    </>
  );
}

const OUTCOME_KEY: Record<InviteOutcome, TextKey> = {
  invited: 'team.outcome.invited',
  again: 'team.outcome.again',
  restored: 'team.outcome.restored',
  failed: 'team.outcome.failed',
};

function ResultLine({ result }: { result: InviteResult }) {
  const { t, tx } = useI18n();
  return (
    <li data-testid="team-progress-result" data-email={result.email} data-outcome={result.outcome}>
      <span className="mono">{result.email}</span>{' '}
      <span className={`run-state run-state-${result.outcome === 'failed' ? 'failed' : 'succeeded'}`}>{t(OUTCOME_KEY[result.outcome])}</span>
      {result.problem && <span className="field-error small"> {tx(result.problem)}</span>}
    </li>
  );
}
