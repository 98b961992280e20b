// "Återställning med Supabases säkerhetskopior" in the customer page's backups (issue #32): what
// the core's `recovery(slug)` says the project's plan offers — point-in-time recovery and its
// window, the physical backups, or nothing (with the way to Fabrik's own database backups, on
// this page) — and, when something is, a moment picked inside the window (or a backup's own
// time), the slug typed, then a `recover` run. A moment outside the window is refused here
// before anything is sent; the core judges it again.
import { useState } from 'react';
import { type ApiError } from '../api';
import type { Customer, PhysicalBackup } from '../bindings';
import { formatDateTime, useI18n } from '../i18n';
import { useLoad, useRefusal } from '../state/load';
import { isActive, useRuns } from '../state/runs';
import { TypedConfirmDialog } from './common';

const pad = (n: number) => String(n).padStart(2, '0');

/** A unix second as a `datetime-local` value (local time, to the second). */
export function toLocalInput(at: number): string {
  const d = new Date(at * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A `datetime-local` value (local time) as unix seconds; null when it cannot be read. */
export function fromLocalInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/** A unix second in UTC as the core writes it (RFC 3339). */
const utc = (at: number) => new Date(at * 1000).toISOString().replace('.000Z', 'Z');

export function RecoveryPanel({ customer, busy, reload, onStarted }: { customer: Customer; busy: boolean; reload: number; onStarted: () => void }) {
  const { t, err, tx, lang } = useI18n();
  const runs = useRuns();
  const [value, setValue] = useState('');
  const [confirming, setConfirming] = useState<number | null>(null);
  const slug = customer.slug;
  const latestId = runs.latest[slug];
  const latest = latestId !== undefined ? runs.runs[latestId] : undefined;
  const { data: view, error: loadError } = useLoad('recovery', { slug }, [slug, reload]);
  const [refused, setRefused] = useRefusal<ApiError>(latestId);
  const active = customer.status === 'active';
  const running = !!latest && isActive(latest.run.state);
  const at = (s: number) => formatDateTime(lang, new Date(s * 1000).toISOString());

  function showOwnBackups() {
    const panel = document.querySelector<HTMLElement>('[data-testid="backups-panel"]');
    panel?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    panel?.querySelector<HTMLElement>('button')?.focus({ preventScroll: true });
  }

  const restorable = (view?.backups ?? []).filter((b): b is PhysicalBackup & { at: number } => b.status === 'COMPLETED' && b.at !== null);
  const pitr = !!view?.pitr_enabled;
  const target = value ? fromLocalInput(value) : null;
  // The UI's own check before anything is sent: inside the window, and without PITR one of
  // the backups' own times.
  let problem: string | null = null;
  if (view && value) {
    if (target === null) problem = t('recovery.unreadable');
    else if ((view.earliest !== null && target < view.earliest) || (view.latest !== null && target > view.latest))
      problem = t('recovery.outside', { earliest: view.earliest !== null ? at(view.earliest) : '–', latest: view.latest !== null ? at(view.latest) : '–' });
    else if (!pitr && !restorable.some((b) => b.at === target)) problem = t('recovery.onlyBackups');
  }
  const ready = target !== null && problem === null;

  return (
    <div className="card" data-testid="recovery-panel" data-available={view?.available ?? ''} data-pitr={view?.pitr_enabled ?? ''}>
      <h2 className="card-title">{t('recovery.title')}</h2>
      {loadError && (
        <p className="field-error" role="alert" data-testid="recovery-load-error">
          {t('recovery.loadFailed', { message: err(loadError) })}
        </p>
      )}
      {view && !view.available && (
        <div data-testid="recovery-unavailable">
          <p>{t('recovery.notOnPlan')}</p>
          {view.note && <p className="muted small">{tx(view.note)}</p>}
          <p>
            {t('recovery.useOwn')}{' '}
            <button type="button" className="btn btn-small btn-link" data-testid="recovery-own-backups" onClick={showOwnBackups}>
              {t('recovery.toOwn')}
            </button>
          </p>
        </div>
      )}
      {view && view.available && (
        <>
          <p className="muted small">{t('recovery.hint')}</p>
          <dl className="details">
            <dt>{t('recovery.pitr')}</dt>
            <dd data-testid="recovery-pitr">{pitr ? t('recovery.pitrOn') : t('recovery.pitrOff')}</dd>
            <dt>{t('recovery.window')}</dt>
            <dd className="tabular" data-testid="recovery-window" title={view.earliest !== null && view.latest !== null ? `${utc(view.earliest)} – ${utc(view.latest)} (UTC)` : undefined}>
              {view.earliest !== null ? at(view.earliest) : '–'} – {view.latest !== null ? at(view.latest) : '–'}
            </dd>
            {view.schedule && (
              <>
                <dt>{t('recovery.schedule')}</dt>
                <dd className="tabular">{t('recovery.scheduleAt', { time: view.schedule.slice(0, 5) })}</dd>
              </>
            )}
          </dl>
          {restorable.length > 0 && (
            <details className="recovery-backups" open={!pitr}>
              <summary>{t('recovery.backups', { n: restorable.length })}</summary>
              <ul data-testid="recovery-backups">
                {[...restorable].reverse().map((b) => (
                  <li key={b.id} data-testid="recovery-backup" data-at={b.at}>
                    <span className="tabular" title={`${b.inserted_at} (${b.id})`}>
                      {at(b.at)}
                    </span>{' '}
                    {active && (
                      <button type="button" className="btn btn-small" data-testid="recovery-pick" onClick={() => setValue(toLocalInput(b.at))}>
                        {t('recovery.pick')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {active && (
            <div className={`field${problem ? ' has-error' : ''}`}>
              <label className="label" htmlFor="recovery-moment">
                {t(pitr ? 'recovery.moment' : 'recovery.momentBackup')}
              </label>
              <div className="recovery-row">
                <input
                  id="recovery-moment"
                  className="input tabular"
                  type="datetime-local"
                  step={1}
                  data-testid="recovery-moment"
                  readOnly={!pitr}
                  min={view.earliest !== null ? toLocalInput(view.earliest) : undefined}
                  max={view.latest !== null ? toLocalInput(view.latest) : undefined}
                  value={value}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={problem ? 'recovery-problem' : undefined}
                  onChange={(e) => setValue(e.target.value)}
                />
                <button type="button" className="btn btn-danger-outline" data-testid="recovery-start" disabled={!ready || busy || running} onClick={() => target !== null && setConfirming(target)}>
                  {t('recovery.start')}
                </button>
              </div>
              {problem && (
                <p id="recovery-problem" className="field-error" role="alert" data-testid="recovery-problem">
                  {problem}
                </p>
              )}
              {target !== null && !problem && <p className="field-hint tabular">{t('recovery.utc', { at: utc(target) })}</p>}
            </div>
          )}
        </>
      )}
      {refused && (
        <div className="panel panel-error wf-problem" role="alert" data-testid="recovery-error" data-code={refused.code}>
          <p>{t('recovery.refused', { message: err(refused) })}</p>
        </div>
      )}
      {confirming !== null && (
        <TypedConfirmDialog
          id="recover"
          title={t('recover.title', { name: customer.name })}
          label={t('restore.label')}
          expected={slug}
          confirmLabel={t('recover.confirm')}
          cancelLabel={t('form.cancel')}
          onCancel={() => setConfirming(null)}
          onConfirm={async (typed) => {
            const e = await runs.begin(slug, { kind: 'recover', target: confirming, confirmation: typed });
            setConfirming(null);
            if (e) setRefused(e);
            else onStarted();
          }}
        >
          <p>{t('recover.body', { when: at(confirming), utc: utc(confirming) })}</p>
          <p>{t('recover.safety')}</p>
        </TypedConfirmDialog>
      )}
    </div>
  );
}
